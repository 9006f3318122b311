# Attack 2 of issue 11 during a burst: while concurrent submissions pour
# into `carepulse serve`, copies of carepulse.db, -wal and -shm are taken
# at random moments, each with plain file copies (no lock, as a backup
# script or someone with shell access would), and the adversary of
# wal_attack.py is run on every copy. No copy may pair an answer with a
# person beyond the group's inherent limit.
#
# Deterministic by construction: the members of a team answer two at a
# time (one pair after the other), the pairs of different teams at once;
# with --mix-wait (3 s) long enough that a pair is never split, every commit
# holds two answers or none of each team, so whatever moment a copy
# catches, no commit pairs one answer with one person. Teams of one
# answer too: theirs is the inherent limit the adversary leaves aside
# (they do not wait for company: none can come). The copier goes on past
# the burst until it has 150 copies, at rest by then: a few torn copies
# of a short burst must not decide the test.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3
export PYTHONPATH="$CP_SOURCE_DIR/tests/anonymity:$CP_SOURCE_DIR/tests/py"

expect_exit 0 init
/usr/bin/python3 - >roster.csv <<'PY'
print("email,name,team,parent_team,role")
for t in range(12):
    for i in range(4):
        print("t%02d.p%d@example.org,Person %d of %d,Team %02d,,member" % (t, i, i, t, t))
for t in range(3):
    print("solo%d@example.org,Solo %d,Solo %d,,member" % (t, t, t))
PY
expect_exit 0 team import roster.csv
: >tokens.txt
for t in $(seq -w 0 11); do
	invite "team$t.txt" "$CAREPULSE_DB" "Team $t" compassionate-pulse
	sed "s/^/Team$t /" "team$t.txt" >>tokens.txt
done
for t in 0 1 2; do
	invite "solo$t.txt" "$CAREPULSE_DB" "Solo $t" compassionate-pulse
	sed "s/^/Solo$t /" "solo$t.txt" >>tokens.txt
done

start_server --mix-wait 3000
/usr/bin/python3 - "$PORT" "$CAREPULSE_DB" "$T" <<'PY' || fail "a copy taken during the burst pairs an answer with a person"
import json, os, random, shutil, sqlite3, sys, threading, time
from cptest import *
import wal_attack as A

port, db, T = int(sys.argv[1]), sys.argv[2], sys.argv[3]
sv = survey(db, "compassionate-pulse")
items = [i["id"] for i in sv["items"]]
teams = {}
for line in open(T + "/tokens.txt"):
    team, email, tok = line.split()[:3]
    teams.setdefault(team, []).append((email, tok))

rng = random.Random(11)
errors = []

def post(tok, n):
    vals = {i: 1 + (n + k) % 5 for k, i in enumerate(items)}
    st, _ = post_json(port, {"token": tok, "answers": vals})
    if st != 200:
        errors.append(st)

def team_worker(members):
    # Two at a time: both posted at once, the next pair after both answered.
    for k in range(0, len(members), 2):
        pair = members[k:k + 2]
        ts = [threading.Thread(target=post, args=(tok, k + j))
              for j, (_, tok) in enumerate(pair)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

copies = []
stop = threading.Event()

def copier():
    n = 0
    while not stop.is_set() or n < 150:
        time.sleep(rng.uniform(0, 0.03))
        d = os.path.join(T, "copy%03d" % n)
        os.mkdir(d)
        for s in ("", "-wal", "-shm"):
            try:
                shutil.copy(db + s, os.path.join(d, "carepulse.db" + s))
            except FileNotFoundError:
                pass
        copies.append(d)
        n += 1

workers = [threading.Thread(target=team_worker, args=(m,)) for m in teams.values()]
c = threading.Thread(target=copier)
c.start()
for w in workers:
    w.start()
for w in workers:
    w.join()
stop.set()
c.join()
check(not errors, "submissions failed: %s" % errors[:5])
n = sqlite3.connect(db).execute("SELECT count(*) FROM response").fetchone()[0]
check(n == 12 * 4 + 3, "all %d answers stored: %d" % (12 * 4 + 3, n))

linked, torn, walfull, most = [], 0, 0, 0
for d in copies:
    f = os.path.join(d, "carepulse.db")
    if os.path.exists(f + "-wal") and os.path.getsize(f + "-wal") > 0:
        walfull += 1
        # Under a burst the server leaves commits whose groups all had
        # two answers or more in the WAL until it goes idle.
        try:
            most = max(most, len(A.read_wal(f + "-wal")[1]))
        except Exception:
            pass
    try:
        links = A.attack(f)
    except sqlite3.DatabaseError:
        torn += 1   # a copy torn mid-write: nothing to read, nothing linked
        continue
    linked += [(d, l) for l in links]
print("%d copies during the burst: %d with a non-empty WAL (at most %d"
      " commits in one), %d torn, %d links"
      % (len(copies), walfull, most, torn, len(linked)))
for d, l in linked[:5]:
    print("FAIL: %s: %s" % (d, l), file=sys.stderr)
check(not linked, "links found")
check(torn < len(copies) // 2, "most copies could not be read: the test proves nothing")
PY
stop_server
grep -F "batches committed" "$T/server.log" || true
echo "snapshot burst: no link"
