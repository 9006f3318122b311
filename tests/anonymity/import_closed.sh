# Adversary: after a wave has closed, import "late" responses into it, so
# that its results before and after differ by exactly those answers (one
# late paper form is one person). The promise: import into a closed wave
# is refused (exit 65, a clear message) and changes nothing - not the
# results, not a byte of the database. This test fails if any way of
# importing gets through.
. "$CP_TEST_LIB"
need sqlite3 /usr/bin/python3
export CAREPULSE_NOW=1790000000

expect_exit 0 init
/usr/bin/python3 - >roster.csv <<'PY'
print("email,name,team,parent_team,role")
for team, n in (("Ward", 7), ("Lab", 6)):
    for i in range(n):
        print(f"{team.lower()}{i}@example.org,Person {i},{team},,member")
PY
expect_exit 0 team import roster.csv
expect_exit 0 wave create --survey compassionate-pulse --team Ward --team Lab \
	--channel outbox --closes +7d
expect_exit 0 wave create --survey compassionate-pulse --team Ward \
	--channel outbox --closes +7d

# answers FILE FORMAT TEAM N VALUE: N responses of TEAM, every item VALUE.
answers() {
	/usr/bin/python3 - "$CAREPULSE_DB" "$@" <<'PY'
import csv, json, sqlite3, sys
db, path, fmt, team, n, value = sys.argv[1:]
sv = json.loads(sqlite3.connect(db).execute(
    "SELECT definition FROM survey WHERE survey_id = 'compassionate-pulse'"
).fetchone()[0])
items = [i["id"] for i in sv["items"]]
with open(path, "w", newline="") as f:
    if fmt == "json":
        json.dump([{"team": team, "answers": {i: int(value) for i in items}}
                   for _ in range(int(n))], f)
    else:
        w = csv.writer(f)
        w.writerow(["team"] + items)
        for _ in range(int(n)):
            w.writerow([team] + [value] * len(items))
PY
}
answers on-time.csv csv Ward 6 4
answers lab.json json Lab 5 3
expect_exit 0 import 1 on-time.csv
expect_exit 0 import 1 lab.json
expect_exit 0 wave close 1
expect_exit 0 results 1 --items --format csv
cp "$T/out" before.csv
db_dump >before.sql

# Every way in: CSV, JSON, a dry run, an explicit format, a file whose
# name says nothing, a team of the wave and one that answered already.
answers late.csv csv Ward 1 1
answers late.json json Lab 1 1
cp late.csv late.txt
for attempt in "late.csv" "late.json" "--dry-run late.csv" \
	"--format json late.json" "--format csv late.txt"; do
	# shellcheck disable=SC2086
	expect_exit 65 import 1 $attempt
	expect_in err "wave 1 is closed: its results are frozen, so responses can no longer be imported"
	expect_not_in out "imported"
done
# The same refusal however the wave number is written.
expect_exit 65 import 01 late.csv
expect_in err "wave 1 is closed"

db_dump >after.sql
cmp -s before.sql after.sql || {
	diff before.sql after.sql | head -20 >&2
	fail "a refused import changed the database"
}
expect_exit 0 results 1 --items --format csv
cmp -s before.csv "$T/out" || fail "a refused import changed the results"

# Not only the command: the store itself refuses a total for a closed
# wave, so no other path (a tool, a bug) can add one.
if sqlite3 "$CAREPULSE_DB" "INSERT INTO agg_group(wave_id, team_id, self, responses) VALUES (1, 1, 0, 1)" 2>err.txt; then
	fail "the database took a new total for a closed wave"
fi
grep -q "closed" err.txt || fail "the database refused without saying why"
if sqlite3 "$CAREPULSE_DB" "UPDATE wave SET status = 'open' WHERE id = 1" 2>err.txt; then
	fail "a closed wave was reopened"
fi
db_dump >after.sql
cmp -s before.sql after.sql || fail "the refused writes changed the database"

# An open wave still takes an import: the refusal is about closing.
expect_exit 0 import 2 late.csv
expect_in out "imported 1 response to wave 2"
echo "import into a closed wave is refused and changes nothing"
