# The mix wait (docs/anonymity.md): a submission alone in its group waits
# up to --mix-wait for another answer of its group to share its commit,
# unless none can come: every other link of its group has been used (here
# marked answered in the file before the server starts), or the group has
# no other link (a leader's self-assessment). Such a submission goes at
# once: with a mix wait of a minute it is stored and answered while the
# server keeps running (the client gives up after 30 s), and, being alone
# in its commit, the WAL is empty when its page arrives. serve_stop.sh
# shows that one whose group has another open link still waits.
# Then a pair of one team and a self-assessment posted at once: the pair
# shares a commit, the self-assessment goes in one of its own after it
# when they meet in a batch; copies of the files taken as each page
# arrives pair no answer with a person (tests/anonymity/wal_attack.py).
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3

setup_db
invite pharmacy.txt --self leader-self-pulse "$CAREPULSE_DB" Pharmacy \
	compassionate-pulse
invite ward.txt --self leader-self-pulse "$CAREPULSE_DB" "Ward 4, North" \
	compassionate-pulse
/usr/bin/python3 - "$CAREPULSE_DB" "$T" <<'PY' || fail "set-up"
import hashlib, sqlite3, sys
from cptest import *

db, T = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
def group(tok):
    h = hashlib.sha256(tok.encode()).digest()
    return con.execute("SELECT id, wave_id, team_id, kind FROM invitation"
                       " WHERE token_hash = ?", (h,)).fetchone()
team = [t for _, t, self in tokens(T + "/pharmacy.txt") if not self]
selfs = [t for _, t, self in tokens(T + "/pharmacy.txt") if self]
check(len(team) >= 2, "Pharmacy has %d team links" % len(team))
check(selfs, "Pharmacy's leader has no self-assessment link")
inv, wave, tid, kind = group(team[0])
# Every other link of that group used: nobody could keep it company.
n = con.execute("UPDATE invitation SET answered = 1 WHERE wave_id = ? AND"
                " team_id = ? AND kind = ? AND id <> ?",
                (wave, tid, kind, inv)).rowcount
check(n >= 1, "no other link in the group")
_, wave, tid, kind = group(selfs[0])
check(con.execute("SELECT count(*) FROM invitation WHERE wave_id = ? AND"
                  " team_id = ? AND kind = ?", (wave, tid, kind)).fetchone()[0]
      == 1, "the self-assessment is not a group of one link")
con.commit()
con.close()
with open(T + "/alone.txt", "w") as f:
    f.write(team[0] + "\n" + selfs[0] + "\n")
PY
start_server --mix-wait 60000
/usr/bin/python3 - "$PORT" "$CAREPULSE_DB" "$T" <<'PY' || { cat "$T/server.log" >&2; fail "a submission with no possible company"; }
import os, sqlite3, sys
from cptest import *

port, db, T = int(sys.argv[1]), sys.argv[2], sys.argv[3]
sv = survey(db, "compassionate-pulse")
con = sqlite3.connect(db)
for n, tok in enumerate(open(T + "/alone.txt").read().split()):
    answers = {i["id"]: 4 for i in sv["items"]}
    if n == 1:
        self_sv = survey(db, con.execute(
            "SELECT s.survey_id FROM survey s JOIN wave w"
            " ON s.id = w.self_survey_ref").fetchone()[0])
        answers = {i["id"]: 4 for i in self_sv["items"]}
    # Answered while the server runs: well before the minute's mix wait
    # (the request gives up after 30 s).
    status, doc = post_json(port, {"token": tok, "answers": answers})
    check(status == 200, "answered %r %r" % (status, doc))
    # Alone in its commit: copied into the database and the WAL
    # emptied before the page was sent.
    wal = os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0
    check(wal == 0, "the WAL holds %d bytes when the page arrives" % wal)
    stored = con.execute("SELECT count(*) FROM response").fetchone()[0]
    check(stored == n + 1, "%d responses stored after %d answers" % (stored, n + 1))
print("both lone submissions were stored and answered without waiting")
PY
export PYTHONPATH="$PYTHONPATH:$CP_SOURCE_DIR/tests/anonymity"
/usr/bin/python3 - "$PORT" "$CAREPULSE_DB" "$T" <<'PY' || { cat "$T/server.log" >&2; fail "a pair and a self-assessment at once"; }
import hashlib, os, shutil, sqlite3, sys, threading
from cptest import *
import wal_attack as A

port, db, T = int(sys.argv[1]), sys.argv[2], sys.argv[3]
con = sqlite3.connect(db)
def kind(tok):
    h = hashlib.sha256(tok.encode()).digest()
    return con.execute("SELECT wave_id, team_id, kind FROM invitation"
                       " WHERE token_hash = ?", (h,)).fetchone()
ward = tokens(T + "/ward.txt")
team = [t for _, t, self in ward if not self]
selfs = [t for _, t, self in ward if self]
check(len(team) >= 2 and kind(team[0]) == kind(team[1]),
      "Ward 4 has no pair of team links: %r" % [kind(t) for t in team])
check(selfs, "Ward 4's leader has no self-assessment link")
wave = kind(team[0])[0]
surveys = dict(con.execute(
    "SELECT 'team', s.definition FROM survey s JOIN wave w"
    " ON s.id = w.survey_ref WHERE w.id = ? UNION ALL"
    " SELECT 'self', s.definition FROM survey s JOIN wave w"
    " ON s.id = w.self_survey_ref WHERE w.id = ?", (wave, wave)).fetchall())
con.close()
import json
got, copies = [], []
mu = threading.Lock()
def post(n, tok, which):
    items = json.loads(surveys[which])["items"]
    st, doc = post_json(port, {"token": tok, "answers": {i["id"]: 3 for i in items}})
    with mu:
        got.append(st)
        d = os.path.join(T, "page%d" % n)
        os.mkdir(d)
        for sfx in ("", "-wal", "-shm"):
            if os.path.exists(db + sfx):
                shutil.copy(db + sfx, os.path.join(d, "carepulse.db" + sfx))
        copies.append(d)
ts = [threading.Thread(target=post, args=(0, team[0], "team")),
      threading.Thread(target=post, args=(1, team[1], "team")),
      threading.Thread(target=post, args=(2, selfs[0], "self"))]
for t in ts:
    t.start()
for t in ts:
    t.join(60)
check(got == [200] * 3, "answers %r" % got)
for d in copies:
    links = A.attack(os.path.join(d, "carepulse.db"))
    check(not links, "a copy taken as a page arrived links: %r" % links)
print("a pair and a self-assessment at once: %d copies, no link" % len(copies))
PY
stop_server
grep -q '3 submissions alone in their group went without waiting' "$T/server.log" ||
	{ cat "$T/server.log" >&2; fail "the log does not count the submissions that went at once"; }
