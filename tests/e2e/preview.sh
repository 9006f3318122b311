# The anonymity preview: wave create (and --dry-run) and team import
# --dry-run say, before anything is sent, which teams can never be shown,
# which groups will be hidden to protect another, and the roster change
# that fixes it; --dry-run writes nothing; --format json for scripts.
. "$CP_TEST_LIB"
need sqlite3 /usr/bin/python3

expect_exit 0 init
{
	echo "email,name,team,parent_team,role"
	for i in 1 2; do echo "n$i@example.org,N,Nursing,,member"; done
	for i in $(seq 1 9); do echo "a$i@example.org,A,Ward 4,Nursing,member"; done
	for i in $(seq 1 7); do echo "b$i@example.org,B,Ward 7,Nursing,member"; done
	for i in $(seq 1 8); do echo "p$i@example.org,P,Pharmacy,,member"; done
} >roster.csv

# Before the import: the new tree's preview, and nothing written.
before=$(db_dump)
expect_exit 0 team import --dry-run roster.csv
expect_in out "dry run: nothing was written"
expect_in out "anonymity preview (threshold 5, if everyone answers):"
expect_in out "Nursing (own members): 2 people, fewer than 5: never shown"
expect_in out "to fix: put them in a team of 5 or more, or in Ward 7"
expect_in out "Nursing (with sub-teams): hidden so that the answers of Nursing's own members cannot be worked out"
expect_in out "organisation: hidden so that the answers of Nursing's own members cannot be worked out"
expect_not_in out "Ward 4 (own members)"
expect_not_in out "Pharmacy (own members)"
[ "$(db_dump)" = "$before" ] || fail "team import --dry-run wrote something"
expect_exit 0 team import --dry-run --format json roster.csv
/usr/bin/python3 - "$T/out" <<'PY' || fail "the JSON preview"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["threshold"] == 5, p
got = {(g["group"], g["scope"]): g for g in p["groups"]}
assert set(got) == {("organisation", "organisation"), ("Nursing", "subtree"),
                    ("Nursing", "team")}, got
own = got[("Nursing", "team")]
assert own["reason"] == "fewer_than_k" and own["people"] == 2, own
assert own["fix"] == "put them in a team of 5 or more, or in Ward 7", own
sub = got[("Nursing", "subtree")]
assert sub["reason"] == "protects_group", sub
assert sub["protects"] == "Nursing (own members)", sub
assert sub["fix"] == own["fix"], sub
PY
expect_exit 64 team import --format json roster.csv
expect_in err "--format goes with --dry-run"
expect_exit 0 team import roster.csv

# wave create --dry-run: the same for the teams of the wave; no wave.
expect_exit 0 wave create --survey compassionate-pulse --team Nursing \
	--subteams --dry-run
expect_in out "Nursing (own members): 2 people, fewer than 5: never shown"
expect_in out "dry run: no wave was created"
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT count(*) FROM wave')" = 0 ] ||
	fail "wave create --dry-run created a wave"
expect_exit 0 wave create --survey compassionate-pulse --team Pharmacy \
	--dry-run --format json
expect_in out '{"threshold": 5, "groups": []}'
# A higher threshold for the wave changes what the preview says.
expect_exit 0 wave create --survey compassionate-pulse --team "Ward 7" \
	--threshold 8 --dry-run
expect_in out "Ward 7 (own members): 7 people, fewer than 8: never shown"
expect_in out "to fix: add 1 more member, or put them in a team of 8 or more"

# A real wave prints the preview before it is created.
expect_exit 0 wave create --survey compassionate-pulse --team Nursing \
	--subteams --channel outbox
expect_in out "anonymity preview (threshold 5, if everyone answers):"
expect_in out "Nursing (own members): 2 people, fewer than 5: never shown"
expect_in out "created wave 1"

# Moving Nursing's two into Ward 7, as the fix says, clears the preview.
sed -i 's/,Nursing,,member$/,Ward 7,Nursing,member/' roster.csv
expect_exit 0 team import --dry-run roster.csv
expect_in out "every team can be shown once 5 of its people answer"

# Leaders count where a wave counts their ordinary answers: in the team
# above when the wave goes to it, else nowhere (only the self-assessment),
# never in the team they lead - the preview counts them the same way.
rm -f "$CAREPULSE_DB"*
expect_exit 0 init
{
	echo "email,name,team,parent_team,role"
	echo "head@example.org,H,Dept,,leader"
	for i in 1 2 3 4; do echo "d$i@example.org,D,Dept,,member"; done
	echo "lead@example.org,L,Unit,Dept,leader"
	for i in 1 2 3 4; do echo "u$i@example.org,U,Unit,Dept,member"; done
} >roster.csv
expect_exit 0 team import roster.csv
# Unit alone: its leader has no team above in the wave, so 4 could answer.
expect_exit 0 wave create --survey compassionate-pulse --team Unit --dry-run
expect_in out "Unit (own members): 4 people, fewer than 5: never shown"
# Dept with Unit: Unit's leader answers in Dept (4 + 1), Dept's head in
# no team; Unit's 4 stay hidden, and so does the roll-up that would
# give them away.
expect_exit 0 wave create --survey compassionate-pulse --team Dept \
	--subteams --dry-run --format json
/usr/bin/python3 - "$T/out" <<'PY' || fail "the preview's count of leaders"
import json, sys
p = json.load(open(sys.argv[1]))
got = {(g["group"], g["scope"]): g for g in p["groups"]}
assert set(got) == {("Unit", "team"), ("Dept", "subtree"),
                    ("organisation", "organisation")}, got
assert got[("Unit", "team")]["people"] == 4, got
assert got[("Dept", "subtree")]["people"] == 9, got
PY
# The preview's counts are the invitations the wave makes.
expect_exit 0 wave create --survey compassionate-pulse --team Dept \
	--subteams --self --channel outbox
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT t.name || ':' || count(*) FROM invitation i JOIN team t ON t.id = i.team_id WHERE i.kind = 'team' GROUP BY t.name ORDER BY t.name" | tr '\n' ' ')" = "Dept:5 Unit:4 " ] ||
	fail "the wave's invitations are not what the preview counted"
