# Adversary: a leader rates "my leader" in the pulse. If that invitation
# counts in the team the leader leads, they rate themselves inside their
# own team's scores (and can move them). The promise: a leader's ordinary
# answers count in the team above, whose leader is theirs, never in the
# team they lead; with no team above they get only the self-assessment,
# shown beside the team's view and never mixed in. Three levels of teams,
# everyone answers through `carepulse serve` over HTTP with known values:
# members 5, leaders 1 (as members of the team above), leaders about
# themselves 2. The test fails if a leader's 1 lands in their own team.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3
export CAREPULSE_NOW=1790000000

expect_exit 0 init
/usr/bin/python3 - >roster.csv <<'PY'
print("email,name,team,parent_team,role")
for team, parent in (("Org", ""), ("Dept", "Org"), ("Unit", "Dept")):
    key = team.lower()
    print(f"lead.{key}@example.org,Leader of {team},{team},{parent},leader")
    for i in range(5):
        print(f"{key}{i}@example.org,Person {i},{team},{parent},member")
PY
expect_exit 0 team import roster.csv
expect_exit 0 config set outbox.dir "$T/outbox"
expect_exit 0 config set mail.from pulse@example.org
expect_exit 0 wave create --survey compassionate-pulse --team Org --subteams \
	--self --channel outbox --closes +7d
expect_exit 0 send 1

# The invitations: no leader has an ordinary one in the team they lead.
/usr/bin/python3 - "$CAREPULSE_DB" <<'PY' || fail "a leader is invited into their own team"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute(
    "SELECT m.email, mt.name, it.name, i.kind FROM invitation i"
    " JOIN member m ON m.id = i.member_id JOIN team mt ON mt.id = m.team_id"
    " JOIN team it ON it.id = i.team_id WHERE m.role = 'leader'").fetchall()
got = sorted((e, led, counted, kind) for e, led, counted, kind in rows)
want = sorted([
    ("lead.org@example.org", "Org", "Org", "self"),   # no team above
    ("lead.dept@example.org", "Dept", "Org", "team"),
    ("lead.dept@example.org", "Dept", "Dept", "self"),
    ("lead.unit@example.org", "Unit", "Dept", "team"),
    ("lead.unit@example.org", "Unit", "Unit", "self"),
])
assert got == want, got
for e, led, counted, kind in got:
    assert kind == "self" or counted != led, (e, led, counted)
PY
# The pulse's self-assessment is the pulse's length, not the full survey's.
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT s.survey_id FROM wave w JOIN survey s ON s.id = w.self_survey_ref WHERE w.id = 1")" = leader-self-pulse ] ||
	fail "the pulse's leaders got another self-assessment"

start_server
/usr/bin/python3 - "$CAREPULSE_DB" "$PORT" <<'PY' || fail "answering over HTTP"
import base64, hashlib, hmac, json, sqlite3, sys
from cptest import check, post_json
db_path, port = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(db_path)
key = open(db_path + ".key", "rb").read()
def survey(ref):
    return json.loads(db.execute("SELECT definition FROM survey WHERE id = ?",
                                 (ref,)).fetchone()[0])
team_ref, self_ref = db.execute(
    "SELECT survey_ref, self_survey_ref FROM wave WHERE id = 1").fetchone()
items = {"team": [i["id"] for i in survey(team_ref)["items"]],
         "self": [i["id"] for i in survey(self_ref)["items"]]}
posted = 0
for wave, member, kind, role, stored in db.execute(
        "SELECT i.wave_id, i.member_id, i.kind, m.role, i.token_hash"
        " FROM invitation i JOIN member m ON m.id = i.member_id"
        " ORDER BY i.id"):
    msg = f"carepulse-invitation-v1:{wave}:{member}:{kind}".encode()
    mac = hmac.new(key, msg, hashlib.sha256).digest()
    # The HMAC cut to its leftmost 132 bits: 22 base64url characters.
    token = base64.urlsafe_b64encode(mac).rstrip(b"=").decode()[:22]
    check(hashlib.sha256(token.encode()).digest() == stored, "token derivation")
    value = 2 if kind == "self" else 1 if role == "leader" else 5
    st, doc = post_json(port, {"token": token,
                               "answers": {i: value for i in items[kind]}})
    check(st == 200, f"answer refused: {st} {doc}")
    posted += 1
check(posted == 20, f"{posted} answers")
PY
stop_server
# The slots (docs/anonymity.md): each group's were made for the
# invitations counted in it, a leader's ordinary one in the team above,
# plus SLOT_SPARE (8, core/store/store_wave.c), and each answer filled one
# slot of the group its invitation counts in.
bad=$(sqlite3 "$CAREPULSE_DB" "
	SELECT g.team_id, g.self, g.slots, g.filled, i.n, i.answered FROM (
	  SELECT wave_id, team_id, self, count(*) AS slots,
	         sum(filled) AS filled FROM response_slot GROUP BY 1, 2, 3) g
	FULL JOIN (
	  SELECT wave_id, team_id, kind = 'self' AS self, count(*) AS n,
	         sum(answered) AS answered FROM invitation GROUP BY 1, 2, 3) i
	USING (wave_id, team_id, self)
	WHERE g.slots IS NOT i.n + 8 OR g.filled IS NOT i.answered")
[ -z "$bad" ] || fail "slots do not match the invitations of their group: $bad"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM response_slot WHERE filled")" = 20 ] ||
	fail "not 20 filled slots"
expect_exit 0 wave close 1

expect_exit 0 results 1 --items --format json
/usr/bin/python3 - "$T/out" <<'PY' || fail "a leader's answer landed in the team they lead"
import json, sys
rows = json.load(open(sys.argv[1]))
def row(group, scope, measure, item=None):
    got = [r for r in rows if r["group"] == group and r["scope"] == scope
           and r["measure"] == measure and (item is None or r["item"] == item)]
    assert len(got) == 1, (group, scope, measure, item, got)
    return got[0]
items = [r["item"] for r in rows if r["group"] == "Unit" and r["measure"] == "item"]
assert len(items) == 11, items
for it in items:
    # Unit's own five; its leader's 1 is not among them.
    unit = row("Unit", "team", "item", it)
    assert not unit["suppressed"] and unit["n"] == 5, unit
    assert unit["count_1"] == 0 and unit["count_5"] == 5, unit
    # Dept's own: five members and Unit's leader, Dept's leader not.
    dept = row("Dept", "team", "item", it)
    assert dept["n"] == 6 and dept["count_1"] == 1 and dept["count_5"] == 5, dept
    # Org's own: five members and Dept's leader; Org's leader only self.
    org = row("Org", "team", "item", it)
    assert org["n"] == 6 and org["count_1"] == 1 and org["count_5"] == 5, org
# Response rates follow: a leader's invitation counts above.
assert row("Unit", "team", "responses")["delivered"] == 5
assert row("Dept", "team", "responses")["delivered"] == 6
assert row("Org", "team", "responses")["delivered"] == 6
# Each leader's self-assessment (2) sits beside their own team's view.
for team in ("Org", "Dept", "Unit"):
    selfs = [r for r in rows if r["group"] == team and r["scope"] == "team"
             and r["measure"] == "self"]
    assert selfs and all(r["self_mean"] == 2 for r in selfs), (team, selfs)
PY

# A wave to Unit alone: its leader has no team above in the wave, so only
# the self-assessment.
expect_exit 0 wave create --survey compassionate-pulse --team Unit --self \
	--channel outbox --closes +7d
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT group_concat(i.kind) FROM invitation i JOIN member m ON m.id = i.member_id WHERE i.wave_id = 2 AND m.role = 'leader'")" = self ] ||
	fail "a leader with no team above got an ordinary invitation"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM invitation WHERE wave_id = 2 AND kind = 'team'")" = 5 ] ||
	fail "wave 2 should invite Unit's five members"
echo "no leader's ordinary answer lands in the team they lead"
