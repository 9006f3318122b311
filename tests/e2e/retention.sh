# Retention and erasure. After retention.months, the answers and comments
# of old waves are gone from the database file and its WAL, byte for
# byte, while results, --trend and the reports still draw from the
# totals; member forget leaves no name or address in the file.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3 qpdf pdftotext
DAY=86400
T0=1795000000
export CAREPULSE_NOW=$T0

# in_file TEXT: whether TEXT is anywhere in the database file or its WAL.
in_file() {
	for f in "$CAREPULSE_DB" "$CAREPULSE_DB-wal"; do
		[ -f "$f" ] && grep -qaF -- "$1" "$f" && return 0
	done
	return 1
}

# ---- canaries: comments that only an old wave has ----
setup_db
# import_canaries WAVE WORD N: N responses with comments "WORD-canary-i".
import_canaries() {
	/usr/bin/python3 - "$CAREPULSE_DB" "$2" "$3" >"$T/c.csv" <<'PY'
import csv, sys
sys.path.insert(0, "")
from cptest import survey
db, word, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
sv = survey(db, "compassionate-pulse")
items = [i["id"] for i in sv["items"]]
q = sv["open_questions"][0]["id"]
w = csv.writer(sys.stdout)
w.writerow(["team"] + items + [q])
for r in range(n):
    w.writerow(["Pharmacy"] + [str(1 + (r + i) % 5) for i in range(len(items))] + [f"{word}-canary-{r} ünï"])
PY
	expect_exit 0 import "$1" "$T/c.csv"
}
invite old.txt --self leader-self "$CAREPULSE_DB" Pharmacy compassionate-pulse
old=$WAVE
import_canaries "$old" oldwave 12
expect_exit 0 wave close "$old"
invite new.txt "$CAREPULSE_DB" Pharmacy compassionate-pulse
new=$WAVE
import_canaries "$new" newwave 12
expect_exit 0 results "$old" --format csv
grep -v ',self,' "$T/out" | cut -d, -f1-29,32- >old-before.csv
in_file oldwave-canary-3 || fail "the canary is not in the file to begin with"

# The newer wave closes a year later (and a running wave would make tick
# send: this test has no mail server).
export CAREPULSE_NOW=$((T0 + 372 * DAY))
expect_exit 0 wave close "$new"

# Not set: tick deletes nothing and says nothing about it; purge asks.
expect_exit 0 tick
expect_not_in out retention
expect_exit 64 purge
expect_in err "retention.months is not set"

# 13 months after the first closed, retention.months 12: it goes; the
# wave closed a month ago stays.
expect_exit 0 config set retention.months 12
export CAREPULSE_NOW=$((T0 + 13 * 31 * DAY))
expect_exit 0 purge --dry-run
expect_in out "retention 12 months: waves closed more than that before"
expect_in out "would delete the answers, comments and invitations of 1 wave"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM response WHERE wave_id = $old")" = 12 ] ||
	fail "a dry run deleted"
expect_exit 0 tick
expect_in out "tick: deleted the answers, comments and invitations of 1 wave"
for n in 0 3 11; do
	in_file "oldwave-canary-$n" && fail "oldwave-canary-$n is still in the database file or WAL"
done
in_file "newwave-canary-3" || fail "the newer wave's comments went too"
[ ! -s "$CAREPULSE_DB-wal" ] || fail "the WAL was not emptied: $(stat -c %s "$CAREPULSE_DB-wal") bytes"
for t in response_slot comment_group invitation; do
	[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM $t WHERE wave_id = $old")" = 0 ] ||
		fail "$t rows of the old wave remain"
done
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM agg_group WHERE wave_id = $old AND self = 1")" = 0 ] ||
	fail "the leader's self-assessment totals remain"
[ "$(sqlite3 "$CAREPULSE_DB" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
# The results of the purged wave are those of before, from the totals
# (the self-assessment columns apart: those went).
expect_exit 0 results "$old" --format csv
grep -v ',self,' "$T/out" | cut -d, -f1-29,32- >old-after.csv
diff old-before.csv old-after.csv >&2 || fail "the purged wave's results changed"
# Again: nothing more to go; a later tick is quiet about it.
expect_exit 0 purge
expect_in out "deleted the answers, comments and invitations of 0 waves"
expect_exit 0 tick
expect_not_in out retention
expect_exit 0 wave list
expect_exit 65 import "$old" "$T/c.csv"

# ---- member forget: no name or address left in the file ----
name="Ξένια Παπαδοπούλου"
in_file "xenia@example.org" || fail "the address is not in the file to begin with"
in_file "$name" || fail "the name is not in the file to begin with"
invite run.txt "$CAREPULSE_DB" "Ward 4, North" compassionate-pulse
running=$WAVE
inv=$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM invitation i JOIN member m ON m.id = i.member_id WHERE m.email_key = 'xenia@example.org' AND i.wave_id = $running")
[ "$inv" = 1 ] || fail "xenia has no invitation in the running wave"
expect_exit 0 member forget XENIA@example.org
expect_in out "forgot the name and address of member"
in_file "xenia@example.org" && fail "the address is still in the database file or WAL"
in_file "$name" && fail "the name is still in the database file or WAL"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM member WHERE forgotten_at IS NOT NULL AND email = '' AND name = '' AND active = 0")" = 1 ] ||
	fail "the member row is not anonymised"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM invitation WHERE wave_id = $running")" = "$(($(wc -l <"$T/run.txt") - 1))" ] ||
	fail "the unused link of the running wave was not deleted"
expect_exit 65 member forget xenia@example.org
expect_in err "no member has the address 'xenia@example.org'"
expect_exit 0 member list --all
expect_not_in out "xenia"

# ---- the demo's history: trends and reports draw from the totals ----
unset CAREPULSE_DB
export CAREPULSE_NOW=$T0 SOURCE_DATE_EPOCH=1795000000
expect_exit 0 demo demo
export CAREPULSE_DB="$T/demo/carepulse.db"
team='Ward 7 Nursing'
expect_exit 0 results --trend --team "$team" --format csv
grep -v ',self,' "$T/out" | cut -d, -f1-29,32- >trend-before.csv
expect_exit 0 report team --team "$team" -o before.pdf
# Waves 1 and 2 closed more than two months before T0; 3 to 5 did not.
expect_exit 0 config set retention.months 2
expect_exit 0 purge --dry-run
[ "$(grep -c '^[12] ' "$T/out")" = 2 ] || { cat "$T/out" >&2; fail "waves 1 and 2 should be listed"; }
grep -q '^[345] ' "$T/out" && fail "waves 3 to 5 are not old enough"
expect_exit 0 purge
expect_in out "deleted the answers, comments and invitations of 2 waves"
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT count(*) FROM response WHERE wave_id <= 2')" = 0 ] || fail "answers of waves 1-2 remain"
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT count(*) FROM response WHERE wave_id > 2')" -gt 0 ] || fail "answers of waves 3-5 went"
expect_exit 0 results --trend --team "$team" --format csv
grep -v ',self,' "$T/out" | cut -d, -f1-29,32- >trend-after.csv
diff trend-before.csv trend-after.csv >&2 || fail "the trend changed after the purge"
# The newest wave's report, whose trend reads waves 1 to 4: the same
# bytes as before.
expect_exit 0 report team --team "$team" -o after.pdf
cmp -s before.pdf after.pdf || fail "the team report changed after the purge"
# A purged wave's own report is still drawn, with its scores.
expect_exit 0 report team --team "$team" --wave 1 -o wave1.pdf
qpdf --check wave1.pdf >/dev/null || fail "wave 1's report is not a valid PDF"
pdftotext wave1.pdf - | grep -q "Compassion" || fail "wave 1's report has no scores"
expect_exit 0 report compare --wave 2 -o compare2.pdf
qpdf --check compare2.pdf >/dev/null || fail "wave 2's comparison is not a valid PDF"
echo "retention ok"
