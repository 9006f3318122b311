# Adversary: one person of a group answered, and the reader knows who.
# The single answerer ("Solo", and Nursing's own member in the second
# organisation) answers 1 to everything with a comment only they would
# write. The adversary reads every output carepulse gives - the table, CSV
# and JSON of every view, the comments, both PDFs as text - and tries to
# get those answers: directly, or by subtracting the visible groups inside
# a visible group from it (the only sums a tree of groups allows, so every
# linear combination is covered). Every attempt must fail.
. "$CP_TEST_LIB"
need sqlite3 /usr/bin/python3 pdftotext
SEED="$CP_TOOLS_DIR/cp_seed"
[ -x "$SEED" ] || fail "cp_seed is not built"
SECRET="only-Solo-would-write-this"

seed() { "$SEED" "$CAREPULSE_DB" "$@" || fail "cp_seed $*"; }

# attack WAVE SINGLE_TEAM: every output of WAVE, every way in.
attack() {
	wave=$1 single=$2
	for view in "" "--items" "--matrix" "--comments"; do
		for fmt in json csv table; do
			# shellcheck disable=SC2086
			expect_exit 0 results "$wave" $view --format "$fmt"
			expect_not_in out "$SECRET"
			cp "$T/out" "out.$fmt$(echo "$view" | tr -d ' -')"
		done
	done
	expect_exit 0 results --trend --team "$single" --items --format json
	cp "$T/out" trend.json
	expect_exit 0 report team --team "$single" --wave "$wave" -o single.pdf
	expect_exit 0 report compare --wave "$wave" -o compare.pdf
	pdftotext single.pdf single.txt 2>/dev/null || fail "pdftotext"
	pdftotext compare.pdf compare.txt 2>/dev/null || fail "pdftotext"
	grep -qF "$SECRET" single.txt compare.txt && fail "the comment is out"
	grep -qF "are not shown" single.txt ||
		fail "$single's report does not say it is hidden"
	# The single answerer's report is one page of words: no score, no
	# mean, no percentage.
	grep -qE "(^| )([0-9]+\.[0-9]+|[0-9]+%)( |$)" single.txt &&
		fail "$single's report shows a number: $(cat single.txt)"
	/usr/bin/python3 - "$single" <<'PY' || fail "$single's answers can be worked out"
import csv, json, sys
single = sys.argv[1]
rows = json.load(open("out.jsonitems"))
rows += list(csv.DictReader(open("out.csvitems")))
trend = json.load(open("trend.json"))

def num(v):
    return None if v in (None, "") else float(v)

def hidden(r):
    return r["suppressed"] in (True, "true")

# Direct: no row of the single answerer's own team shows anything.
for r in rows + trend:
    if r["group"] == single and r["scope"] == "team" and not hidden(r) \
            and r["measure"] != "self":
        sys.exit(f"shown: {r}")

# By subtraction: per measure, the visible groups and their answer counts;
# from each visible group take away the visible groups directly inside it
# (through hidden ones). What is left must never be exactly one person.
def key(r):
    return (r["measure"], r["dimension"], r["item"])

groups = {}
parent = {}
for r in rows:
    g = (r["group"], r["scope"])
    parent[g] = (r["parent_group"], r["parent_scope"]) \
        if r["parent_scope"] not in (None, "") else None
    if hidden(r) or num(r["n"]) is None:
        continue
    counts = [num(r.get(f"count_{v}")) or 0 for v in range(1, 6)]
    groups.setdefault(key(r), {})[g] = (num(r["n"]), counts)

def visible_parent(g, shown):
    p = parent.get(g)
    while p is not None and p not in shown:
        p = parent.get(p)
    return p

leaks = 0
for k, shown in groups.items():
    for g, (n, counts) in shown.items():
        rest_n, rest = n, list(counts)
        for h, (hn, hc) in shown.items():
            if h != g and visible_parent(h, shown) == g:
                rest_n -= hn
                rest = [a - b for a, b in zip(rest, hc)]
            # any two nested visible groups, too
            p = visible_parent(h, shown)
            while p is not None:
                if p == g and 0 < n - hn < 2:
                    sys.exit(f"{g} - {h} is one person in {k}")
                p = visible_parent(p, shown)
        if rest_n == 1:
            sys.exit(f"{g} less what is shown inside it is one person "
                     f"in {k}: {rest}")
        leaks += rest_n == 1
print("no way to the single answer")
PY
}

expect_exit 0 init

# 1. A team of three where one answered, beside two teams in a department,
# and a team on its own.
{
	echo "email,name,team,parent_team,role"
	for i in 1 2 3; do echo "s$i@example.org,S,Solo,Dept,member"; done
	for i in $(seq 1 7); do echo "a$i@example.org,A,Alpha,Dept,member"; done
	for i in $(seq 1 8); do echo "b$i@example.org,B,Beta,Dept,member"; done
	for i in $(seq 1 9); do echo "c$i@example.org,C,Gamma,,member"; done
} >roster.csv
expect_exit 0 team import roster.csv
w=$(seed create compassionate-pulse --threshold 5 Dept Solo Alpha Beta Gamma)
seed invite "$w"
seed respond "$w" Solo 1 --constant 1 --comment "$SECRET"
seed respond "$w" Alpha 6 --seed 11 --comment "a fine team"
seed respond "$w" Beta 7 --seed 12 --comment "a fine team"
seed respond "$w" Gamma 9 --seed 13 --comment "a fine team"
seed close "$w"
attack "$w" Solo

# 2. The issue's shape: Nursing's one own member answered, the wards did
# well. The wards show; Nursing's roll-ups do not.
rm -f "$CAREPULSE_DB"*
expect_exit 0 init
{
	echo "email,name,team,parent_team,role"
	for i in 1 2; do echo "n$i@example.org,N,Nursing,,member"; done
	for i in $(seq 1 9); do echo "a$i@example.org,A,Ward 4,Nursing,member"; done
	for i in $(seq 1 7); do echo "b$i@example.org,B,Ward 7,Nursing,member"; done
	for i in $(seq 1 6); do echo "p$i@example.org,P,Pharmacy,,member"; done
} >roster.csv
expect_exit 0 team import roster.csv
w=$(seed create compassionate-pulse --threshold 5 Nursing "Ward 4" "Ward 7" Pharmacy)
seed invite "$w"
seed respond "$w" Nursing 1 --constant 1 --comment "$SECRET"
seed respond "$w" "Ward 4" 8 --seed 21
seed respond "$w" "Ward 7" 6 --seed 22
seed respond "$w" Pharmacy 6 --seed 23
seed close "$w"
attack "$w" Nursing
expect_exit 0 results "$w" --matrix --format csv
expect_in out "Ward 7,team,false"
expect_in out "Nursing,subtree,true,protects_group,Nursing (own members)"
echo "the single answers stayed out of reach"
