# Adversary: re-organise the roster (and change the thresholds) after a
# wave has closed, hoping that the closed wave's suppression is recomputed
# on the new tree and shows a group it hid, so that two looks can be
# subtracted into one person's answers. The promise: a closed wave is
# frozen, so every look at it gives the same bytes. This test fails if any
# re-org changes anything a closed wave shows.
#
# The attack that worked before waves were frozen: P = {A (6), B (1)} and
# C (6). Closed, the wave hides P's subtree (P minus A would be B's one
# person) and the organisation, each saying it protects B, and shows A
# and C. Recomputed on a new tree (B moved under C, teams renamed or
# split, thresholds changed) the groups and their decisions change, and
# two looks on two trees can be subtracted where one look alone cannot -
# the first look at P (when it was shown) minus A, item by item, is B.
# Frozen, every look is the first: the same groups, the same decisions,
# the same reasons naming the same protected group.
. "$CP_TEST_LIB"
need sqlite3 /usr/bin/python3 sha256sum
export SOURCE_DATE_EPOCH=1780000000 CAREPULSE_NOW=1790000000

# roster FILE LINE...: a roster of members; each LINE is "team,parent,n".
roster() {
	out=$1
	shift
	/usr/bin/python3 - "$@" >"$out" <<'PY'
import sys
print("email,name,team,parent_team,role")
for spec in sys.argv[1:]:
    team, parent, n = spec.split(",")
    for i in range(int(n)):
        key = team.lower().replace(" ", "")
        print(f"{key}{i}@example.org,Person {i},{team},{parent},member")
PY
}

expect_exit 0 init
expect_exit 0 config set outbox.dir "$T/outbox"
expect_exit 0 config set mail.from pulse@example.org
roster start.csv "P,,0" "A,P,6" "B,P,1" "C,,6"
expect_exit 0 team import start.csv
expect_exit 0 wave create --survey compassionate-pulse --team P --subteams \
	--team C --channel outbox --closes +7d
expect_exit 0 send 1

# Everyone answers: B's one person with 1s, everyone else 4 or 5.
/usr/bin/python3 - "$CAREPULSE_DB" >answers.csv <<'PY'
import csv, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
sv = json.loads(db.execute("SELECT definition FROM survey WHERE survey_id ="
                           " 'compassionate-pulse'").fetchone()[0])
items = [i["id"] for i in sv["items"]]
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["team"] + items + ["would_help"])
for team, n in (("A", 6), ("B", 1), ("C", 6)):
    for p in range(n):
        v = "1" if team == "B" else str(4 + (p + len(team)) % 2)
        w.writerow([team] + [v] * len(items) + [f"{team} comment {p}"])
PY
expect_exit 0 import 1 answers.csv
expect_exit 0 wave close 1

# Every view of the closed wave, into directory $1.
looks() {
	mkdir -p "$1"
	for fmt in csv json; do
		expect_exit 0 results 1 --items --format "$fmt"
		cp "$T/out" "$1/items.$fmt"
		expect_exit 0 results 1 --matrix --format "$fmt"
		cp "$T/out" "$1/matrix.$fmt"
		expect_exit 0 results 1 --comments --format "$fmt"
		cp "$T/out" "$1/comments.$fmt"
		expect_exit 0 results 1 --team P --items --format "$fmt"
		cp "$T/out" "$1/team-p.$fmt"
	done
	expect_exit 0 results 1 --items
	cp "$T/out" "$1/items.txt"
	expect_exit 0 report compare --wave 1 -o "$1/compare.pdf"
	sha256sum <"$1/compare.pdf" >"$1/compare.sha256"
	rm "$1/compare.pdf"
}

looks first
# The first look hides the roll-ups that would give B away (P's subtree
# and the organisation), saying so, and shows the teams A and C.
/usr/bin/python3 - first/items.json <<'PY' || fail "the first look is not the expected one"
import json, sys
rows = [r for r in json.load(open(sys.argv[1])) if r["measure"] == "responses"]
got = {(r["group"], r["scope"]): (r["suppressed"], r["reason"], r["protects"])
       for r in rows}
protects_b = (True, "protects_group", "B (own members)")
assert got[("A", "team")] == (False, None, None), got
assert got[("C", "team")] == (False, None, None), got
assert got[("B", "team")] == (True, "fewer_than_k", None), got
assert got[("P", "subtree")] == protects_b, got
assert got[("organisation", "organisation")] == protects_b, got
PY

# same NAME: every view as in the first look, byte for byte.
same() {
	rm -rf now
	looks now
	diff -r first now >"$T/diff" || {
		head -n 40 "$T/diff" >&2
		fail "after '$1' the closed wave shows something else"
	}
}

# 1. The attack: B moves under C.
roster moved.csv "P,,0" "A,P,6" "B,C,1" "C,,6"
expect_exit 0 team import moved.csv
same "moving B under C"
# 2. A team is renamed (its people move to a new name) and P is moved.
roster renamed.csv "Q,,0" "P,Q,0" "A2,P,6" "B,C,1" "C,,6"
expect_exit 0 team import renamed.csv
same "renaming A and moving P"
# 3. A member leaves; one joins; a new team under P takes half of A.
roster left.csv "P,,0" "A,P,3" "N,P,3" "B,P,1" "C,,5" "D,C,2"
expect_exit 0 team import left.csv
same "members leaving and a new team"
# 4. The thresholds, in the configuration and in the environment.
for k in 10 3; do
	expect_exit 0 config set threshold "$k"
	same "config set threshold $k"
done
expect_exit 0 config set comment_threshold 3
same "config set comment_threshold 3"
expect_exit 0 config unset threshold
expect_exit 0 config unset comment_threshold
CAREPULSE_THRESHOLD=3 CAREPULSE_COMMENT_THRESHOLD=3 same "thresholds in the environment"
# 5. A later wave on the new tree, closed: wave 1 stays as it was.
expect_exit 0 team import moved.csv
expect_exit 0 wave create --survey compassionate-pulse --team P --subteams \
	--team C --channel outbox --closes +7d
expect_exit 0 wave close 2
same "a second wave"
# 6. Late answers: refused, and nothing changes.
expect_exit 65 import 1 answers.csv
expect_in err "wave 1 is closed"
same "a late import"
# 7. Reopening the wave to add answers: there is no such thing.
expect_exit 64 wave open 1
"$CP_TOOLS_DIR/cp_seed" "$CAREPULSE_DB" open 1 2>/dev/null &&
	fail "a closed wave was reopened"
same "trying to reopen"
# 8. The file holder edits today's tree directly: still the snapshot.
sqlite3 "$CAREPULSE_DB" "UPDATE team SET parent_id = (SELECT id FROM team WHERE name = 'C') WHERE name = 'A'"
sqlite3 "$CAREPULSE_DB" "UPDATE team SET name = 'Renamed' WHERE name = 'A'"
# (and renames the team the hidden roll-ups protect: they still name B)
sqlite3 "$CAREPULSE_DB" "UPDATE team SET name = 'Bee' WHERE name = 'B'"
same "editing the team table"
echo "a closed wave shows the same bytes after every re-org"
