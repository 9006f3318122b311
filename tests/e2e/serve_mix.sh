# The mix wait (docs/anonymity.md): a submission alone in its group waits
# up to --mix-wait for another answer of its group to share its commit,
# unless none can come: every other link of its group has been used (here
# marked answered in the file before the server starts), or the group has
# no other link (a leader's self-assessment). Such a submission goes at
# once: with a mix wait of a minute it is stored and answered while the
# server keeps running (the client gives up after 30 s), and, being alone
# in its commit, the WAL is empty when its page arrives. serve_stop.sh
# shows that one whose group has another open link still waits.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3

setup_db
invite pharmacy.txt --self leader-self-pulse "$CAREPULSE_DB" Pharmacy \
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
stop_server
grep -q '2 submissions alone in their group went without waiting' "$T/server.log" ||
	{ cat "$T/server.log" >&2; fail "the log does not count the submissions that went at once"; }
