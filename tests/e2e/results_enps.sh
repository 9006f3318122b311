# "Prefer not to say" and eNPS (issue 16): two waves of the pulse with its
# eNPS item, some answers declined; every number - per-item n without the
# declined answers, their counts, the eNPS score, its adjusted Wald
# interval and its change - recomputed by the independent implementation
# (tests/e2e/results_check.py), the anonymity checker on every view, and
# the token accepted by CSV and JSON imports.
. "$CP_TEST_LIB"
need sqlite3 /usr/bin/python3
CHECK="$CP_SOURCE_DIR/tests/e2e/results_check.py"
ANON="$CP_SOURCE_DIR/tests/e2e/anonymity_check.py"

. "$CP_SOURCE_DIR/tests/enps_lib.sh"
enps_two_waves

[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM declined")" -gt 10 ] ||
	fail "too few declined answers to test anything"
# A slot keeps one character per item, declined or not.
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(DISTINCT length(answers)) FROM response_slot WHERE wave_id = $w1")" = 1 ] ||
	fail "slots of different sizes"

expect_exit 0 results "$w1" --items --format json
cp "$T/out" w1.json
expect_exit 0 results "$w2" --items --format json
cp "$T/out" w2.json
/usr/bin/python3 "$CHECK" "$CAREPULSE_DB" w1.json || fail "wave 1 numbers"
/usr/bin/python3 "$CHECK" "$CAREPULSE_DB" w2.json w1.json || fail "wave 2 numbers"
/usr/bin/python3 - w1.json w2.json <<'PY' || fail "the rows"
import json, sys
w1, w2 = (json.load(open(f)) for f in sys.argv[1:3])
enps = [r for r in w2 if r["measure"] == "enps"]
assert enps and all(r["item"] == "enps" for r in enps), enps
shown = [r for r in enps if not r["suppressed"]]
assert shown and all(-100 <= r["ci_low"] <= r["ci_high"] <= 100 for r in shown)
assert any(r["change_status"] for r in shown), shown
# Some item of Ward B is hidden for its own n while the group is shown.
b = [r for r in w1 if r["group"] == "Ward B" and r["scope"] == "team"]
assert not [r for r in b if r["measure"] == "responses"][0]["suppressed"]
assert any(r["suppressed"] for r in b if r["measure"] == "item"), b
assert any(r["prefer_not_to_say"] for r in w1 if not r["suppressed"]
           and r["measure"] == "item")
PY

# Every view and format keeps the anonymity rules with per-item n.
k=5
for wave in "$w1" "$w2"; do
	for view in "" "--items" "--matrix"; do
		for fmt in json csv table; do
			# shellcheck disable=SC2086
			expect_exit 0 results "$wave" $view --format "$fmt"
			/usr/bin/python3 "$ANON" "$CAREPULSE_DB" "$fmt" "$T/out" "$k" "$view" ||
				fail "anonymity ($wave $view $fmt)"
		done
	done
done

# The eNPS change is given without --items too: a headline measure.
expect_exit 0 results "$w2" --format json
/usr/bin/python3 - "$T/out" <<'PY' || fail "the eNPS change without --items"
import json, sys
rows = json.load(open(sys.argv[1]))
e = [r for r in rows if r["measure"] == "enps" and not r["suppressed"]]
assert e and all(r["change_status"] for r in e), e
assert not [r for r in rows if r["measure"] == "item"]
PY
expect_exit 0 results --trend --format csv
expect_in out ",enps,"

# The table says eNPS and counts what was not said.
expect_exit 0 results "$w2" --items
expect_in out "eNPS"
expect_in out "not said"
expect_exit 0 results "$w2" --matrix --format csv
expect_in out ",enps"

# Imports take the token, where the item offers it; an eNPS 0-10.
w3=$("$SEED" "$CAREPULSE_DB" create compassionate-pulse-enps Pharmacy) || fail "create"
/usr/bin/python3 - "$CAREPULSE_DB" >pnts.csv <<'PY'
import csv, io, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
sv = json.loads(db.execute("SELECT definition FROM survey WHERE survey_id ="
                           " 'compassionate-pulse-enps'").fetchone()[0])
items = [i["id"] for i in sv["items"]]
out = io.StringIO()
w = csv.writer(out, lineterminator="\n")
w.writerow(["team"] + items)
w.writerow(["Pharmacy"] + ["prefer_not_to_say"] + ["4"] * (len(items) - 2) + ["0"])
w.writerow(["Pharmacy"] + ["3"] * (len(items) - 1) + [" prefer_not_to_say "])
sys.stdout.write(out.getvalue())
PY
expect_exit 0 import "$w3" pnts.csv
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM declined d JOIN response r ON r.id = d.response_id WHERE r.wave_id = $w3")" = 2 ] ||
	fail "the CSV's two declined answers"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT value FROM answer a JOIN response r ON r.id = a.response_id WHERE r.wave_id = $w3 AND a.item_id = 'enps'")" = 0 ] ||
	fail "an eNPS 0"
cat >pnts.json <<'JSON'
[{"team": "Pharmacy", "answers": {"pulse.compassion": "prefer_not_to_say", "pulse.confidence": 4, "pulse.collaborative": 4, "pulse.contemplative": 4, "pulse.civil": 4, "pulse.curiosity": 4, "pulse.courage": 4, "pulse.attending": 4, "pulse.understanding": 4, "pulse.empathising": 4, "pulse.helping": 4, "enps": 10}}]
JSON
expect_exit 0 import "$w3" pnts.json
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM declined d JOIN response r ON r.id = d.response_id WHERE r.wave_id = $w3")" = 3 ] ||
	fail "the JSON's declined answer"
# An eNPS 11 or a 1-5 item answered 0 is refused, naming the field.
sed 's/"enps": 10/"enps": 11/' pnts.json >bad.json
expect_exit 65 import "$w3" bad.json
expect_in err "enps"
expect_in err "from 0 to 10 or prefer_not_to_say"
