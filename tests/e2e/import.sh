# carepulse import: responses from CSV and JSON into a wave; every problem
# listed with its line or record and field; nothing written unless the
# whole file is valid; invitations untouched.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3

setup_db
invite pharmacy.txt --self leader-self "$CAREPULSE_DB" Pharmacy compassionate-pulse
wave=$WAVE
invite ward.txt "$CAREPULSE_DB" "Ward 4, North" compassionate-pulse

# A valid CSV: quotes, a comma and a newline in a comment, CRLF, padding.
/usr/bin/python3 - "$CAREPULSE_DB" >good.csv <<'PY'
import csv, io, sys
sys.path.insert(0, "")
from cptest import survey
sv = survey(sys.argv[1], "compassionate-pulse")
items = [i["id"] for i in sv["items"]]
q = sv["open_questions"][0]["id"]
out = io.StringIO()
w = csv.writer(out, lineterminator="\r\n")
w.writerow(["team"] + items + [q])
w.writerow(["Pharmacy"] + [str(1 + n % 5) for n in range(len(items))] + ['More "quiet" time,\nplease'])
w.writerow(["Pharmacy"] + [" 4 "] * len(items) + [""])
w.writerow(["Pharmacy"] + ["5"] * len(items) + ["Ünïcode ✓"])
sys.stdout.write(out.getvalue())
PY
before=$(sqlite3 "$CAREPULSE_DB" "SELECT group_concat(answered) FROM invitation")
expect_exit 0 import --dry-run "$wave" good.csv
expect_in out "would import 3 responses to wave $wave"
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT count(*) FROM response')" = 0 ] || fail "dry run wrote"
expect_exit 0 import "$wave" good.csv
expect_in out "imported 3 responses to wave $wave"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT responses FROM agg_group WHERE wave_id = $wave")" = 3 ] || fail "agg_group"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM answer")" = 33 ] || fail "33 answers"
sqlite3 "$CAREPULSE_DB" "SELECT text FROM comment" >comments.txt
grep -qF 'More "quiet" time,' comments.txt || fail "comment with quotes and comma"
grep -qF 'Ünïcode ✓' comments.txt || fail "UTF-8 comment"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT group_concat(answered) FROM invitation")" = "$before" ] || fail "invitations changed"

# A bad CSV: every problem listed, with line and field; nothing written.
/usr/bin/python3 - "$CAREPULSE_DB" >bad.csv <<'PY'
import sys
sys.path.insert(0, "")
from cptest import survey
sv = survey(sys.argv[1], "compassionate-pulse")
items = [i["id"] for i in sv["items"]]
print(",".join(["team"] + items + ["mystery"]))
print(",".join(["Pharmacy"] + ["4"] * len(items) + [""]))
print(",".join(["Nowhere"] + ["4"] * len(items) + [""]))
print(",".join(["Ward 4 North"] + ["4"] * len(items) + [""]))
print(",".join(["Pharmacy", "7", ""] + ["4"] * (len(items) - 2) + [""]))
print(",".join(["Pharmacy"] + ["4"] * 3))
PY
dump=$(db_dump)
expect_exit 65 import "$wave" bad.csv
expect_in err "bad.csv:1: column 'mystery' is not an item or open question"
expect_in err "bad.csv:3: team 'Nowhere' does not exist"
expect_in err "bad.csv:4: team 'Ward 4 North' does not exist"
expect_in err "bad.csv:5: pulse.compassion: '7' is not a whole number from 1 to 5"
expect_in err "bad.csv:5: pulse.confidence: no answer"
expect_in err "bad.csv:6: 4 fields, but the header has 13 columns"
expect_in err "nothing was imported"
[ "$(db_dump)" = "$dump" ] || fail "a bad CSV changed the database"

# CSV syntax: the shared reader's messages, every bad line listed.
printf 'team,pulse.compassion\nPharmacy,"4"x\nPharmacy,a\0b\nPharmacy,"4\n' >malformed.csv
expect_exit 65 import "$wave" malformed.csv
expect_in err "malformed.csv:2: malformed CSV: text after the closing quote of field 'pulse.compassion'"
expect_in err "malformed.csv:3: pulse.compassion contains a NUL byte"
expect_in err "malformed.csv:4: malformed CSV: the quote opening field 'pulse.compassion' is never closed"

# A team that exists but is not in the wave.
sed 's/^Pharmacy,/"Ward 4, North",/' good.csv >other-team.csv
expect_exit 65 import "$wave" other-team.csv
expect_in err "other-team.csv:2: team 'Ward 4, North' is not in this wave"

# JSON: team and self-assessment records, then a bad file.
/usr/bin/python3 - "$CAREPULSE_DB" >good.json <<'PY'
import json, sys
sys.path.insert(0, "")
from cptest import survey
sv = survey(sys.argv[1], "compassionate-pulse")
me = survey(sys.argv[1], "leader-self")
q = sv["open_questions"][0]["id"]
print(json.dumps([
    {"team": "Pharmacy", "answers": {i["id"]: 2 for i in sv["items"]}, "comments": {q: "from paper"}},
    {"team": "Pharmacy", "self": True, "answers": {i["id"]: 5 for i in me["items"]}},
]))
PY
expect_exit 0 import "$wave" good.json
expect_in out "imported 2 responses"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT responses FROM agg_group WHERE wave_id = $wave AND self = 1")" = 1 ] || fail "self kept apart"

# A null comment is no comment, as in the JSON API: per question or whole.
/usr/bin/python3 - "$CAREPULSE_DB" >null.json <<'PY'
import json, sys
sys.path.insert(0, "")
from cptest import survey
sv = survey(sys.argv[1], "compassionate-pulse")
q = sv["open_questions"][0]["id"]
a = {i["id"]: 3 for i in sv["items"]}
print(json.dumps([{"team": "Pharmacy", "answers": a, "comments": {q: None}},
                  {"team": "Pharmacy", "answers": a, "comments": None}]))
PY
expect_exit 0 import --dry-run "$wave" null.json
expect_in out "would import 2 responses"

cat >bad.json <<'JSON'
[
  {"team": "Pharmacy", "answers": {"pulse.compassion": "4", "nope": 3}, "comments": {"would_help": 5}},
  {"team": "Pharmacy", "answers": {}, "extra": 1},
  "not an object"
]
JSON
dump=$(db_dump)
expect_exit 65 import "$wave" bad.json
expect_in err "record 1: answers.pulse.compassion: expected a whole number"
expect_in err "record 1: answers.nope: not an item of survey 'compassionate-pulse'"
expect_in err "record 1: comments.would_help: expected text"
expect_in err "record 2: unknown field 'extra'"
expect_in err "record 2: answers.pulse.helping: no answer"
expect_in err "record 3: not an object"
[ "$(db_dump)" = "$dump" ] || fail "a bad JSON file changed the database"

printf '[{"team": ' >broken.json
expect_exit 65 import "$wave" broken.json
expect_in err "broken.json:1:"

expect_exit 65 import 999 good.csv
expect_in err "no wave 999"
expect_exit 64 import abc good.csv

# The aggregates written in bulk equal those recomputed from the answers.
/usr/bin/python3 - "$CAREPULSE_DB" <<'PY' || fail "aggregates differ from the answers"
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
want = con.execute("""SELECT r.wave_id, r.team_id, r.self, a.item_id,
    sum(a.value = 1), sum(a.value = 2), sum(a.value = 3), sum(a.value = 4), sum(a.value = 5)
    FROM answer a JOIN response r ON r.id = a.response_id GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""").fetchall()
got = con.execute("SELECT wave_id, team_id, self, item_id, c1, c2, c3, c4, c5 FROM agg_item ORDER BY 1, 2, 3, 4").fetchall()
assert want == got, (want, got)
want = con.execute("SELECT wave_id, team_id, self, count(*) FROM response GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").fetchall()
got = con.execute("SELECT wave_id, team_id, self, responses FROM agg_group ORDER BY 1, 2, 3").fetchall()
assert want == got, (want, got)
for n, in con.execute("SELECT DISTINCT n FROM agg_dim WHERE self = 0"):
    assert n == want[0][3], n
PY

# A wave created with --subteams takes responses from the sub-teams too
# (its invitations went to them), and still from no other team.
expect_exit 0 wave create --survey compassionate-pulse --team Nursing --subteams
sub=$(sqlite3 "$CAREPULSE_DB" "SELECT max(id) FROM wave")
/usr/bin/python3 - "$CAREPULSE_DB" >sub.csv <<'PY'
import sys
sys.path.insert(0, "")
from cptest import survey
sv = survey(sys.argv[1], "compassionate-pulse")
items = [i["id"] for i in sv["items"]]
print(",".join(["team"] + items))
print(",".join(['"Ward 4, North"'] + ["4"] * len(items)))
print(",".join(["Nursing"] + ["3"] * len(items)))
PY
expect_exit 0 import "$sub" sub.csv
expect_in out "imported 2 responses to wave $sub"
sed 's/^Nursing,/Pharmacy,/' sub.csv >sub-bad.csv
expect_exit 65 import "$sub" sub-bad.csv
expect_in err "sub-bad.csv:3: team 'Pharmacy' is not in this wave"

# Several WAVE FILE pairs: one transaction, each file an import of its own;
# a problem in any file, the same file twice, or a row id given in two
# files of one wave means nothing is imported from any of them.
expect_exit 0 wave create --survey compassionate-pulse --team Nursing --subteams
wa=$(sqlite3 "$CAREPULSE_DB" "SELECT max(id) FROM wave")
expect_exit 0 wave create --survey compassionate-pulse --team Nursing --subteams
wb=$(sqlite3 "$CAREPULSE_DB" "SELECT max(id) FROM wave")
/usr/bin/python3 - "$CAREPULSE_DB" <<'PY'
import sys
sys.path.insert(0, "")
from cptest import survey
sv = survey(sys.argv[1], "compassionate-pulse")
items = [i["id"] for i in sv["items"]]
def write(name, rows, ids=None):
    with open(name, "w") as f:
        f.write(",".join((["id"] if ids else []) + ["team"] + items) + "\n")
        for n, (team, v) in enumerate(rows):
            f.write(",".join(([ids[n]] if ids else []) + [team] + [v] * len(items)) + "\n")
write("multi-a.csv", [('"Ward 4, North"', "2"), ("Nursing", "5"), ("Nursing", "1")])
write("multi-b.csv", [("Nursing", "4")] * 4)
write("multi-c.csv", [("Nursing", "3")])
write("multi-bad.csv", [("Nursing", "3"), ("Pharmacy", "3")])
write("ids-a.csv", [("Nursing", "2"), ("Nursing", "3")], ["r1", "r2"])
write("ids-b.csv", [("Nursing", "4")], ["r2"])
write("ids-c.csv", [("Nursing", "1"), ("Nursing", "2"), ("Nursing", "5")], ["r3", "r4", "r5"])
write("ids-d.csv", [("Nursing", "3"), ("Nursing", "4")], ["r6", "r4"])
PY
expect_exit 0 import "$wa" multi-a.csv "$wb" multi-b.csv
expect_in out "imported 3 responses to wave $wa (import"
expect_in out "imported 4 responses to wave $wb (import"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT group_concat(wave_id || ':' || responses, ' ') FROM (SELECT wave_id, sum(responses) AS responses FROM agg_group WHERE wave_id IN ($wa, $wb) GROUP BY 1 ORDER BY 1)")" = "$wa:3 $wb:4" ] ||
	fail "two waves in one import"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(DISTINCT import_id) FROM response WHERE wave_id IN ($wa, $wb)")" = 2 ] ||
	fail "one import per file"
# Their cells were written in key order (group, then random id), not in
# the files' order: in each page, a newer cell (lower offset) has a
# greater key (docs/anonymity.md, "Smaller limits").
/usr/bin/python3 - "$CAREPULSE_DB" "$wa" "$wb" <<'PY' || fail "imported cells not in key order"
import sqlite3, sys
db, waves = sys.argv[1], (int(sys.argv[2]), int(sys.argv[3]))
con = sqlite3.connect(db)
image = open(db, "rb").read()
psize = con.execute("PRAGMA page_size").fetchone()[0]
rows = con.execute("SELECT wave_id, team_id, self, id FROM response_slot"
                   " WHERE wave_id IN (?, ?)", waves).fetchall()
assert len(rows) == 7, rows
pages = [p for p, in con.execute("SELECT pageno FROM dbstat"
                                 " WHERE name = 'response_slot' AND pagetype = 'leaf'")]
found = 0
for p in pages:
    page = image[(p - 1) * psize:p * psize]
    cells = sorted((page.find(bytes(r[3])), r[:3] + (bytes(r[3]),))
                   for r in rows if page.find(bytes(r[3])) >= 0)
    keys = [k for _, k in cells][::-1]  # oldest cell first
    assert keys == sorted(keys), (p, keys)
    found += len(cells)
assert found == len(rows), found
PY
dump=$(db_dump)
expect_exit 65 import "$wa" multi-c.csv "$wb" multi-bad.csv
expect_in err "multi-bad.csv:3: team 'Pharmacy' is not in this wave"
expect_in err "problems in 1 of 2 files: nothing was imported from any of them"
[ "$(db_dump)" = "$dump" ] || fail "a bad file let another be imported"
expect_exit 65 import "$wa" multi-c.csv "$wb" multi-c.csv
expect_in err "multi-c.csv: the same file as multi-c.csv, given twice"
expect_exit 65 import "$wa" ids-a.csv "$wa" ids-b.csv
expect_in err "ids-b.csv: line 2 has the same id as line 3 of ids-a.csv"
# Among three files, the later of the two that share an id is named, with
# the row of the earlier; the same ids in another wave are no conflict.
expect_exit 65 import "$wa" ids-a.csv "$wa" ids-c.csv "$wa" ids-d.csv
expect_in err "ids-d.csv: line 3 has the same id as line 3 of ids-c.csv"
LC_ALL=es_ES.UTF-8 expect_exit 65 import "$wa" ids-c.csv "$wa" ids-d.csv
expect_in err "ids-d.csv: línea 3 tiene el mismo id que línea 3 de ids-c.csv"
expect_exit 0 import --dry-run "$wa" ids-c.csv "$wb" ids-d.csv
[ "$(db_dump)" = "$dump" ] || fail "a refused import wrote"
expect_exit 64 import "$wa" multi-c.csv "$wb"
expect_in err "'$wb' has no file"
expect_exit 0 import --dry-run "$wa" ids-a.csv "$wb" multi-c.csv
expect_in out "would import 2 responses to wave $wa"
expect_in out "would import 1 response to wave $wb"
[ "$(db_dump)" = "$dump" ] || fail "a dry run wrote"
