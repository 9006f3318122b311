# The action loop (issue 13, item 6): carepulse action add|list|done with
# its errors, "What we agreed last time" in the next team report, and the
# pulse that asks "We made progress on what we agreed last time",
# reported with the same threshold as every other measure.
. "$CP_TEST_LIB"
need pdftotext
SEED="$CP_TOOLS_DIR/cp_seed"
[ -x "$SEED" ] || fail "cp_seed is not built"
export CAREPULSE_NOW=1790000000

expect_exit 0 init
{
	echo "email,name,team,parent_team,role"
	for i in 1 2 3 4 5 6 7; do echo "a$i@example.org,A $i,Ward A,,member"; done
	for i in 1 2 3; do echo "b$i@example.org,B $i,Ward B,,member"; done
} >roster.csv
expect_exit 0 team import roster.csv

w1=$("$SEED" "$CAREPULSE_DB" create compassionate-pulse "Ward A" "Ward B") || fail "create"
"$SEED" "$CAREPULSE_DB" invite "$w1" || fail "invite"
"$SEED" "$CAREPULSE_DB" respond "$w1" "Ward A" 6 --seed 1 || fail "respond"
w2=$("$SEED" "$CAREPULSE_DB" create compassionate-pulse-progress --opens $((CAREPULSE_NOW + 86400)) "Ward A") || fail "create"
"$SEED" "$CAREPULSE_DB" invite "$w2" || fail "invite"

# Actions follow a closed wave's results.
expect_exit 65 action add --team "Ward A" --wave "$w1" "Talk at handover"
expect_in err "wave $w1 is open: actions follow the results of a closed wave"
"$SEED" "$CAREPULSE_DB" close "$w1" || fail "close"

# Bad input: a clear message, nothing stored.
expect_exit 64 action add "no team"
expect_in err "--team is required"
expect_exit 64 action add --team "Ward A" --wave x1 "Talk"
expect_in err "--wave 'x1' is not a number"
expect_exit 65 action add --team Nobody "Talk"
expect_in err "no team named 'Nobody'"
expect_exit 65 action add --team "Ward A" "   "
expect_in err "the action is empty"
expect_exit 65 action add --team "Ward A" "$(printf 'two\nlines')"
expect_in err "the action holds a control character"
expect_exit 65 action add --team "Ward A" "$(head -c 501 /dev/zero | tr '\0' x)"
expect_in err "the action is 501 bytes long: at most 500"
expect_exit 65 action add --team "Ward A" --owner "$(head -c 121 /dev/zero | tr '\0' o)" "Talk"
expect_in err "the owner is 121 bytes long: at most 120"
expect_exit 65 action add --team "Ward A" --review soon "Talk"
expect_in err "--review: 'soon' is not a time"
expect_exit 65 action add --team "Ward B" --wave "$w2" "Talk"
expect_in err "wave $w2 is open"
expect_exit 65 action add --team "Ward A" --wave 99 "Talk"
expect_in err "no wave 99"
expect_exit 0 action list --format csv
[ "$(tr -d '\r' <"$T/out")" = "id,team,wave,action,owner,review,status,done" ] ||
	fail "a refused action was stored"

# Two actions after wave 1 (the team's newest closed wave by default).
expect_exit 0 action add --team "Ward A" --owner "Sam Okafor" --review 2026-10-01 \
	"Protect ten minutes at handover to talk"
expect_in out "added action 1 for Ward A after wave $w1"
expect_exit 0 action add --team "Ward A" --wave "$w1" "Ask the bank staff what would help"
expect_exit 0 action list --team "Ward A"
expect_in out "Protect ten minutes at handover to talk"
expect_in out "Sam Okafor"
expect_in out "2026-10-01"
expect_exit 0 action list --format json
/usr/bin/python3 - "$T/out" "$w1" <<'PY' || fail "action list --format json"
import json, sys
rows = json.load(open(sys.argv[1]))
assert [r["id"] for r in rows] == [1, 2], rows
assert rows[0] == {"id": 1, "team": "Ward A", "wave": int(sys.argv[2]),
                   "action": "Protect ten minutes at handover to talk",
                   "owner": "Sam Okafor", "review": "2026-10-01",
                   "status": "open", "done": None}, rows[0]
assert rows[1]["owner"] is None and rows[1]["review"] is None, rows[1]
PY
expect_exit 0 action done --date 2026-09-20 1
expect_in out "action 1 is done"
expect_exit 65 action done 1
expect_in err "action 1 is done already"
expect_exit 65 action done 99
expect_in err "no action 99"
expect_exit 64 action done one
expect_exit 0 action list --open --format csv
expect_not_in out "Protect ten minutes"
expect_in out "Ask the bank staff what would help"
expect_exit 0 action list --format csv
expect_in out "1,Ward A,$w1,Protect ten minutes at handover to talk,Sam Okafor,2026-10-01,done,2026-09-20"

# The next wave asks about progress; its report recalls the actions.
"$SEED" "$CAREPULSE_DB" respond "$w2" "Ward A" 6 --seed 2 || fail "respond"
"$SEED" "$CAREPULSE_DB" close "$w2" || fail "close"
expect_exit 0 results "$w2" --team "Ward A" --format csv
expect_in out ",dimension,progress,,false,"
expect_exit 0 report team --team "Ward A" --wave "$w2" -o a.pdf
pdftotext -layout a.pdf a.txt 2>/dev/null || fail "pdftotext"
grep -q "What we agreed last time" a.txt || fail "no 'What we agreed last time' in the report"
grep -q "After the results of Wave $w1" a.txt || fail "the report does not name the wave"
grep -q "Protect ten minutes at handover to talk" a.txt || fail "an action is missing"
grep -q "owner Sam Okafor · review 2026-10-01 · done 2026-09-20" a.txt || fail "owner, review or done missing"
grep -q "We made progress on what we agreed last time" a.txt || fail "no progress item"
/usr/bin/python3 "$CP_SOURCE_DIR/tests/e2e/pdf_layout.py" overlap a.pdf ||
	fail "the report with actions draws text over text"
# The report of wave 1 has nothing to recall.
expect_exit 0 report team --team "Ward A" --wave "$w1" -o b.pdf
pdftotext -layout b.pdf b.txt 2>/dev/null || fail "pdftotext"
if grep -q "What we agreed last time" b.txt; then fail "wave 1 recalls actions"; fi

# Under the threshold the progress item is hidden like any other measure.
w3=$("$SEED" "$CAREPULSE_DB" create compassionate-pulse-progress --opens $((CAREPULSE_NOW + 172800)) "Ward A") || fail "create"
"$SEED" "$CAREPULSE_DB" invite "$w3" || fail "invite"
"$SEED" "$CAREPULSE_DB" respond "$w3" "Ward A" 3 --seed 3 || fail "respond"
"$SEED" "$CAREPULSE_DB" close "$w3" || fail "close"
expect_exit 0 results "$w3" --team "Ward A" --format csv
expect_in out ",dimension,progress,,true,fewer_than_k,"

expect_exit 0 help action add
expect_in out "usage: carepulse action add"
