# carepulse access grant|revoke|list|log: grants for HR, leaders and
# facilitators, roster leaders listed without a grant, the audit log in
# CSV and JSON; every bad input a clear message, its exit status and
# nothing written.
. "$CP_TEST_LIB"
need sqlite3
export CAREPULSE_NOW=1795000000

expect_exit 0 init
cat >"$T/roster.csv" <<'CSV'
email,name,team,parent_team,role
ann@example.org,Ann Lead,Nursing,Org,leader
bob@example.org,Bob,Nursing,Org,member
cat@example.org,Cat Chief,Org,,leader
CSV
expect_exit 0 team import "$T/roster.csv"

expect_exit 0 access grant hr hr@example.org
expect_in out "granted hr@example.org hr"
expect_exit 0 access grant --team Nursing --until 2027-03-31 facilitator \
	fac@example.org
expect_in out "until 2027-03-31 00:00 UTC"
expect_exit 0 access grant leader --team Nursing dee@example.org

expect_exit 0 access list --format csv
cat >"$T/want" <<'CSV'
email,name,role,team,until,source,active
ann@example.org,Ann Lead,leader,Nursing,,roster,yes
cat@example.org,Cat Chief,leader,Org,,roster,yes
dee@example.org,,leader,Nursing,,grant,yes
fac@example.org,,facilitator,Nursing,2027-03-31T00:00:00Z,grant,yes
hr@example.org,,hr,,,grant,yes
CSV
tr -d "\r" <"$T/out" | diff "$T/want" - || fail "access list is wrong"
expect_exit 0 access list --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==5 and d[3]["until"]=="2027-03-31T00:00:00Z", d' "$T/out" ||
	fail "access list --format json is wrong"

# Past the facilitator's date: listed, not active.
CAREPULSE_NOW=1806500000 "$CAREPULSE" access list --format csv >"$T/out" ||
	fail "access list failed"
grep -qF 'fac@example.org,,facilitator,Nursing,2027-03-31T00:00:00Z,grant,no' "$T/out" ||
	fail "an expired facilitator is listed as active"

# Roster leaders switched off: gone from the list.
expect_exit 0 config set access.leaders_from_roster false
expect_exit 0 access list --format csv
expect_not_in out "ann@example.org"
expect_exit 0 config unset access.leaders_from_roster

# Bad input: a clear message, the right status, nothing written.
before=$(db_dump)
expect_exit 65 access grant hr 'bob@'
expect_in err "email 'bob@' is not a valid address"
expect_exit 64 access grant boss x@example.org
expect_in err "role 'boss' is not one of hr, leader, facilitator"
expect_exit 64 access grant leader x@example.org
expect_in err "a leader needs --team TEAM"
expect_exit 65 access grant leader --team Nope x@example.org
expect_in err "no team named 'Nope'"
expect_exit 64 access grant --team Nursing facilitator x@example.org
expect_in err "a facilitator needs --until WHEN"
expect_exit 64 access grant --team Nursing --until yesterday facilitator \
	x@example.org
expect_in err "--until"
expect_exit 64 access grant --team Nursing --until 2020-01-01 facilitator \
	x@example.org
expect_in err "is not in the future"
expect_exit 64 access grant --team Nursing hr x@example.org
expect_in err "hr sees every team: give no team"
expect_exit 64 access grant --team Nursing --until 2027-01-01 leader \
	x@example.org
expect_in err "only a facilitator's access has an end date"
expect_exit 65 access revoke hr nobody@example.org
expect_in err "'nobody@example.org' has no hr grant"
expect_exit 64 access log --since never
expect_in err "--since"
expect_exit 64 access grant hr
expect_in err "usage"
[ "$before" = "$(db_dump)" ] || fail "a refused command wrote to the database"

# Revoke, and the audit log says what happened, in CSV and JSON.
expect_exit 0 access revoke --team Nursing leader DEE@example.org
expect_in out "revoked DEE@example.org leader of team Nursing"
expect_exit 0 access log --format csv
cat >"$T/want" <<'CSV'
at,email,event,wave,team,detail
2026-11-18T11:06:40Z,hr@example.org,grant,,,hr
2026-11-18T11:06:40Z,fac@example.org,grant,,Nursing,facilitator
2026-11-18T11:06:40Z,dee@example.org,grant,,Nursing,leader
2026-11-18T11:06:40Z,dee@example.org,revoke,,Nursing,leader
CSV
tr -d "\r" <"$T/out" | diff "$T/want" - || fail "access log is wrong"
expect_exit 0 access log --format json --since 2026-11-19
[ "$(cat "$T/out")" = "[]" ] || fail "access log --since kept old lines"
expect_exit 0 access list --format csv
expect_not_in out "dee@example.org"
echo "access ok"
