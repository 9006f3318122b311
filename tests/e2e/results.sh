# carepulse results: every number in the JSON export recomputed from the
# answer tables by an independent implementation (Python's statistics
# module, tests/e2e/results_check.py); thresholds, anti-differencing,
# comments, trends, the matrix and bad input.
. "$CP_TEST_LIB"
need sqlite3 /usr/bin/python3
SEED="$CP_TOOLS_DIR/cp_seed"
[ -x "$SEED" ] || fail "cp_seed is not built"
CHECK="$CP_SOURCE_DIR/tests/e2e/results_check.py"

expect_exit 0 init
/usr/bin/python3 - >roster.csv <<'PY'
print("email,name,team,parent_team,role")
print("lead@example.org,Nell Lead,Nursing,,leader")
for team, parent, size in [("Ward A", "Nursing", 12), ("Ward B", "Nursing", 9),
                           ("Pharmacy", "", 7)]:
    for i in range(size):
        key = team.lower().replace(" ", "")
        print(f"{key}{i}@example.org,Person {i},{team},{parent},member")
PY
expect_exit 0 team import roster.csv

# No waves yet: a clear message, not an empty table.
expect_exit 65 results
expect_in err "no waves yet"

w1=$("$SEED" "$CAREPULSE_DB" create compassionate-leadership --self leader-self \
	Nursing "Ward A" "Ward B" Pharmacy) || fail "create"
"$SEED" "$CAREPULSE_DB" invite "$w1" || fail "invite"
"$SEED" "$CAREPULSE_DB" respond "$w1" "Ward A" 10 --seed 1 --skip 10 \
	--comment "more time to talk" || fail "respond"
"$SEED" "$CAREPULSE_DB" respond "$w1" "Ward B" 7 --seed 2 \
	--comment "b: a kind rota" || fail "respond"
"$SEED" "$CAREPULSE_DB" respond "$w1" Pharmacy 6 --seed 3 --skip 5 \
	--comment "pharmacy needs a break room" || fail "respond"
"$SEED" "$CAREPULSE_DB" respond "$w1" Nursing 1 --self --seed 4 || fail "self"

# Open: the answered count and the rate, no scores anywhere.
expect_exit 0 results "$w1"
expect_in out "only the number of responses is shown until it closes"
expect_exit 0 results "$w1" --format json --items
/usr/bin/python3 - "$T/out" <<'PY' || fail "an open wave shows scores"
import json, sys
rows = json.load(open(sys.argv[1]))
assert rows and all(r["measure"] == "responses" for r in rows), rows
assert all(r["mean"] is None and r["self_mean"] is None for r in rows)
org = [r for r in rows if r["scope"] == "organisation"][0]
assert org["n"] == 23 and org["wave_status"] == "open", org
# Nursing's own members (its leader, who answers only about themselves)
# have no responses: while open too, a count under k is not shown.
own = [r for r in rows if r["group"] == "Nursing" and r["scope"] == "team"][0]
assert own["suppressed"] and own["n"] is None, own
assert own["reason"] == "fewer_than_k", own
PY
expect_exit 0 results "$w1" --matrix --format csv
expect_not_in out "not enough"
[ "$(tr -d '\r' <"$T/out" | grep -c ',,,,,,,,,,,$')" -ge 4 ] || fail "open matrix has scores"

"$SEED" "$CAREPULSE_DB" close "$w1" || fail "close"
w2=$("$SEED" "$CAREPULSE_DB" create compassionate-leadership --self leader-self \
	Nursing "Ward A" "Ward B" Pharmacy) || fail "create"
"$SEED" "$CAREPULSE_DB" invite "$w2" || fail "invite"
"$SEED" "$CAREPULSE_DB" respond "$w2" "Ward A" 11 --seed 5 || fail "respond"
"$SEED" "$CAREPULSE_DB" respond "$w2" "Ward B" 4 --seed 6 || fail "respond"
"$SEED" "$CAREPULSE_DB" respond "$w2" Pharmacy 7 --seed 7 || fail "respond"
"$SEED" "$CAREPULSE_DB" respond "$w2" Nursing 1 --self --seed 8 || fail "self"
"$SEED" "$CAREPULSE_DB" close "$w2" || fail "close"

# Every number, both waves, against the independent implementation.
expect_exit 0 results "$w1" --items --format json
cp "$T/out" w1.json
expect_exit 0 results "$w2" --items --format json
cp "$T/out" w2.json
/usr/bin/python3 "$CHECK" "$CAREPULSE_DB" w1.json || fail "wave 1 numbers"
/usr/bin/python3 "$CHECK" "$CAREPULSE_DB" w2.json w1.json || fail "wave 2 numbers"

# Wave 2: Ward B (4) is below k; Nursing (15) minus Ward A (11) would give
# it away, and so would the organisation minus Ward A and Pharmacy: the
# roll-ups are hidden, protecting Ward B, and Ward A keeps its results.
/usr/bin/python3 - w2.json <<'PY' || fail "anti-differencing in wave 2"
import json, sys
rows = [r for r in json.load(open(sys.argv[1])) if r["measure"] == "responses"]
hidden = {(r["group"], r["scope"]): r["suppressed"] for r in rows}
why = {(r["group"], r["scope"]): (r["reason"], r["protects"]) for r in rows}
assert hidden[("Ward B", "team")], hidden
assert why[("Ward B", "team")] == ("fewer_than_k", None), why
assert not hidden[("Ward A", "team")], hidden
assert hidden[("Nursing", "subtree")], hidden
assert why[("Nursing", "subtree")] == ("protects_group", "Ward B (own members)"), why
assert not hidden[("Pharmacy", "team")], hidden
assert hidden[("organisation", "organisation")], hidden
assert why[("organisation", "organisation")] == ("protects_group", "Ward B (own members)"), why
PY

# The same decisions in CSV and the terminal table.
expect_exit 0 results "$w2" --format csv
expect_in out "wave,wave_status,threshold,group,scope,parent_group"
expect_in out "$w2,closed,5,Ward B,team,Nursing,subtree,responses,,,true,fewer_than_k,,,,"
expect_in out "$w2,closed,5,Nursing,subtree,organisation,organisation,responses,,,true,protects_group,Ward B (own members),,"
expect_exit 0 results "$w2" --team "Ward B"
expect_in out "fewer than 5 answered"
expect_exit 0 results "$w2"
expect_in out "hidden so that the answers of Ward B's own members cannot be worked out"
expect_not_in out "not enough responses"
expect_exit 0 results "$w2" --team Nursing
expect_in out "Nursing (with sub-teams)"
expect_in out "self: Compassion"
expect_not_in out "Pharmacy"

# A leader's view has the self-assessment beside the team's scores.
expect_exit 0 results "$w1" --team Nursing --format csv
expect_in out ",self,compassion,,false,"

# Comments: only groups with >= 10 responses, and not Nursing (17): the
# organisation (23) minus Nursing would be Pharmacy's 6.
expect_exit 0 results "$w1" --comments --format json
/usr/bin/python3 - "$T/out" <<'PY' || fail "comments"
import json, sys
rows = json.load(open(sys.argv[1]))
groups = {(r["group"], r["scope"]) for r in rows}
assert groups == {("organisation", "organisation"), ("Ward A", "team")}, groups
org = [r["comment"] for r in rows if r["scope"] == "organisation"]
assert org == sorted(org) and len(org) == 23, org
assert org.count("pharmacy needs a break room") == 6
PY

# Trend: every wave of a group, with the change from the one before.
expect_exit 0 results --trend --team Pharmacy --format csv
[ "$(grep -c ',responses,' "$T/out")" = 2 ] || fail "trend has not 2 waves"
expect_in out "$w1,closed,5,Pharmacy,team"
expect_in out "$w2,closed,5,Pharmacy,team"
expect_exit 0 results --trend
expect_in out "organisation"

# The matrix: one row per group, one column per dimension.
expect_exit 0 results "$w2" --matrix --format csv
expect_in out "wave,group,scope,suppressed,reason,protects,n,response_rate,compassion,confidence"
expect_in out "$w2,Ward B,team,true,fewer_than_k,,,,,,,,,,,,,,"
expect_exit 0 results "$w2" --matrix --measure favourable
expect_in out "fewer than 5 answered"
expect_in out "hidden so that the answers of Ward B's own members cannot be worked out"
# The heat map fits a 100-column terminal (the dimensions go on in
# further tables), or the width COLUMNS says.
awk 'length($0) > 100 { print; bad = 1 } END { exit bad }' "$T/out" ||
	fail "--matrix is wider than 100 columns"
expect_in out "Helping"
COLUMNS=60 expect_exit 0 results "$w2" --matrix
awk 'length($0) > 60 { print; bad = 1 } END { exit bad }' "$T/out" ||
	fail "--matrix is wider than COLUMNS=60"
expect_in out "Helping"

# --items shows each statement to a person, its id to a script.
expect_exit 0 results "$w2" --items --team Pharmacy
expect_in out "My leader notices when work is becoming hard …"
expect_not_in out "compassion.1"
expect_exit 0 results "$w2" --items --team Pharmacy --format csv
expect_in out ",item,compassion,"

# --comments says why a group's comments are not listed.
expect_exit 0 results "$w2" --comments
expect_in out "no comments for Pharmacy (own members): 7 responses, fewer than the comment threshold of 10"
expect_in out "no comments for Ward B (own members): fewer than 5 answered"

# The installation threshold applies when the wave has none: the one in
# force when the wave closes, which the wave keeps (it is frozen).
expect_exit 0 config set threshold 10
expect_exit 0 results "$w2" --format csv
expect_in out "$w2,closed,5,Pharmacy,team,organisation,organisation,responses,,,false,,,7,"
expect_not_in out ",closed,10,"
w3=$("$SEED" "$CAREPULSE_DB" create compassionate-leadership Pharmacy) || fail "create"
"$SEED" "$CAREPULSE_DB" invite "$w3" || fail "invite"
"$SEED" "$CAREPULSE_DB" respond "$w3" Pharmacy 7 --seed 9 || fail "respond"
"$SEED" "$CAREPULSE_DB" close "$w3" || fail "close"
expect_exit 0 config unset threshold
expect_exit 0 results "$w3" --format csv
expect_in out "$w3,closed,10,Pharmacy,team,organisation,organisation,responses,,,true,fewer_than_k,,,,"

# Bad input.
expect_exit 65 results 99
expect_in err "no wave 99"
expect_exit 64 results x1
expect_in err "not a wave number"
expect_exit 65 results "$w2" --team Nobody
expect_in err "no team named 'Nobody'"
expect_exit 64 results --trend "$w2"
expect_exit 64 results --measure mean
expect_exit 64 results "$w2" --matrix --measure median
expect_exit 64 results --format xml
expect_exit 0 results --help
expect_in out "usage: carepulse results"
