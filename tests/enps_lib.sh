# tests/enps_lib.sh - sourced by the eNPS tests (after lib.sh): two closed
# waves of the pulse with its eNPS item over Nursing (Ward A, Ward B and
# its own two members) and Pharmacy, with declined answers.
SEED="$CP_TOOLS_DIR/cp_seed"
[ -x "$SEED" ] || fail "cp_seed is not built"

# enps_two_waves: sets w1 and w2, opened on 2026-05-28 and 2026-06-25. In wave 1 Ward B declines so much that
# some of its items, and its eNPS, fall below k while the team is shown:
# n is per item.
enps_two_waves() {
	expect_exit 0 init
	/usr/bin/python3 - >roster.csv <<'PY'
print("email,name,team,parent_team,role")
for team, parent, size in [("Ward A", "Nursing", 14), ("Ward B", "Nursing", 9),
                           ("Nursing", "", 2), ("Pharmacy", "", 8)]:
    for i in range(size):
        key = team.lower().replace(" ", "")
        print(f"{key}{i}@example.org,Person {i},{team},{parent},member")
PY
	expect_exit 0 team import roster.csv
	w1=$("$SEED" "$CAREPULSE_DB" create compassionate-pulse-enps \
		--opens 1780000000 Nursing \
		"Ward A" "Ward B" Pharmacy) || fail "create"
	"$SEED" "$CAREPULSE_DB" invite "$w1" || fail "invite"
	"$SEED" "$CAREPULSE_DB" respond "$w1" "Ward A" 12 --seed 11 --decline 10 || fail "respond"
	"$SEED" "$CAREPULSE_DB" respond "$w1" "Ward B" 6 --seed 12 --decline 40 || fail "respond"
	"$SEED" "$CAREPULSE_DB" respond "$w1" Pharmacy 7 --seed 13 || fail "respond"
	"$SEED" "$CAREPULSE_DB" close "$w1" || fail "close"
	w2=$("$SEED" "$CAREPULSE_DB" create compassionate-pulse-enps \
		--opens 1782419200 Nursing \
		"Ward A" "Ward B" Pharmacy) || fail "create"
	"$SEED" "$CAREPULSE_DB" invite "$w2" || fail "invite"
	"$SEED" "$CAREPULSE_DB" respond "$w2" "Ward A" 13 --seed 21 --decline 5 || fail "respond"
	"$SEED" "$CAREPULSE_DB" respond "$w2" "Ward B" 8 --seed 22 --decline 20 || fail "respond"
	"$SEED" "$CAREPULSE_DB" respond "$w2" Pharmacy 8 --seed 23 --skip 10 || fail "respond"
	"$SEED" "$CAREPULSE_DB" close "$w2" || fail "close"
}
