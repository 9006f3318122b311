# Property test of the anonymity rules: over random organisation charts,
# team sizes, skipped items and thresholds (seeded, so a failure can be
# replayed), in every output format, no group below k shows a number, no
# two visible nested groups differ by 1..k-1 respondents, every hidden
# value carries the right reason (anonymity_check.py recomputes each
# decision), and every team whose own respondents reach k is shown.
. "$CP_TEST_LIB"
need sqlite3 /usr/bin/python3
SEED="$CP_TOOLS_DIR/cp_seed"
CHECK="$CP_SOURCE_DIR/tests/e2e/anonymity_check.py"
[ -x "$SEED" ] || fail "cp_seed is not built"
ROUNDS=${CP_PROPERTY_ROUNDS:-8}

# Every view in every format of the newest wave (and the trend) passes
# the checker; $1 names the case.
check_views() {
	for view in "" "--items" "--matrix" "--trend --items"; do
		for fmt in json csv table; do
			# shellcheck disable=SC2086
			expect_exit 0 results $view --format "$fmt"
			/usr/bin/python3 "$CHECK" "$CAREPULSE_DB" "$fmt" \
				"$T/out" "$k" "$view" ||
				fail "$1 ($view --format $fmt)"
		done
	done
}

# The issue's case, fixed: Nursing has 2 people of its own and two wards
# below it; Ward 7 answered 6 of 7. The wards show (not hidden to protect
# Nursing's 2, as before), the Nursing roll-up and the organisation are
# hidden protecting "Nursing (own members)", Nursing's own for fewer than
# k.
rm -f "$CAREPULSE_DB"*
expect_exit 0 init
{
	echo "email,name,team,parent_team,role"
	for i in 1 2; do echo "n$i@example.org,N,Nursing,,member"; done
	for i in $(seq 1 9); do echo "a$i@example.org,A,Ward 4,Nursing,member"; done
	for i in $(seq 1 7); do echo "b$i@example.org,B,Ward 7,Nursing,member"; done
	for i in $(seq 1 8); do echo "p$i@example.org,P,Pharmacy,,member"; done
} >roster.csv
expect_exit 0 team import roster.csv
k=5
w=$("$SEED" "$CAREPULSE_DB" create compassionate-leadership Nursing "Ward 4" \
	"Ward 7" Pharmacy) || fail create
"$SEED" "$CAREPULSE_DB" invite "$w" || fail invite
"$SEED" "$CAREPULSE_DB" respond "$w" Nursing 2 --seed 1 || fail respond
"$SEED" "$CAREPULSE_DB" respond "$w" "Ward 4" 8 --seed 2 || fail respond
"$SEED" "$CAREPULSE_DB" respond "$w" "Ward 7" 6 --seed 3 || fail respond
"$SEED" "$CAREPULSE_DB" respond "$w" Pharmacy 7 --seed 4 || fail respond
"$SEED" "$CAREPULSE_DB" close "$w" || fail close
expect_exit 0 results --format json
/usr/bin/python3 - "$T/out" <<'PY' || fail "the roll-up is not the one hidden"
import json, sys
rows = [r for r in json.load(open(sys.argv[1])) if r["measure"] == "responses"]
got = {(r["group"], r["scope"]): (r["suppressed"], r["reason"], r["protects"])
       for r in rows}
nursing = (True, "protects_group", "Nursing (own members)")
assert got[("Ward 4", "team")] == (False, None, None), got
assert got[("Ward 7", "team")] == (False, None, None), got
assert got[("Pharmacy", "team")] == (False, None, None), got
assert got[("Nursing", "team")] == (True, "fewer_than_k", None), got
assert got[("Nursing", "subtree")] == nursing, got
assert got[("organisation", "organisation")] == nursing, got
PY
check_views "the roll-up case"

for round in $(seq 1 "$ROUNDS"); do
	rm -f "$CAREPULSE_DB"*
	expect_exit 0 init
	# plan.sh: the roster, the threshold and the seeding commands.
	/usr/bin/python3 - "$round" >plan.sh <<'PY'
import random, shlex, sys
rnd = random.Random(int(sys.argv[1]))
names = ["Alder", "Birch", "Cedar", "Elm", "Fir", "Hazel", "Larch", "Maple",
         "Oak", "Pine", "Rowan", "Willow"]
teams = rnd.sample(names, rnd.randint(2, len(names)))
parent = {t: (rnd.choice(teams[:i]) if i and rnd.random() < 0.7 else "")
          for i, t in enumerate(teams)}
size = {t: rnd.randint(1, 14) for t in teams}
with open("roster.csv", "w") as f:
    f.write("email,name,team,parent_team,role\n")
    for t in teams:
        for i in range(size[t]):
            f.write(f"{t.lower()}{i}@example.org,P,{t},{parent[t]},member\n")
k = rnd.randint(3, 10)
print(f"k={k}")
print('expect_exit 0 team import roster.csv')
if rnd.random() < 0.5:
    print(f"expect_exit 0 config set threshold {k}")
    wave_k = ""
else:
    wave_k = f"--threshold {k}"
quoted = " ".join(shlex.quote(t) for t in teams)
for w in (1, 2):
    print(f'w=$("$SEED" "$CAREPULSE_DB" create compassionate-leadership'
          f' {wave_k} {quoted}) || fail create')
    print('"$SEED" "$CAREPULSE_DB" invite "$w" || fail invite')
    for t in teams:
        n = rnd.randint(0, size[t])
        skip = rnd.choice([0, 0, 10, 40])
        print(f'"$SEED" "$CAREPULSE_DB" respond "$w" {shlex.quote(t)} {n}'
              f' --seed {rnd.randint(1, 10**6)} --skip {skip} || fail respond')
    print('"$SEED" "$CAREPULSE_DB" close "$w" || fail close')
PY
	. ./plan.sh
	check_views "round $round"
done
echo "$ROUNDS random organisations checked"
