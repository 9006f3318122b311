# carepulse serve killed with SIGKILL while concurrent submissions are in
# flight, several rounds: after each, the database passes integrity_check,
# every response the clients saw acknowledged is there whole, and responses
# and answered invitations match one for one in every wave and team. A
# last round without a kill measures the group commit.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3

expect_exit 0 init
/usr/bin/python3 - >roster.csv <<'PY'
print("email,name,team")
for t in ("Alpha", "Beta"):
    for i in range(1500):
        print("p%d@%s.example.org,Person %d,%s" % (i, t.lower(), i, t))
PY
expect_exit 0 team import roster.csv
invite alpha.txt "$CAREPULSE_DB" Alpha compassionate-pulse
invite beta.txt "$CAREPULSE_DB" Beta compassionate-pulse
cat alpha.txt beta.txt >tokens.txt

# Rounds 1-5 end in SIGKILL; round 6 in SIGTERM, a graceful stop that
# must finish the submissions in flight and exit 0.
rounds=6
for round in $(seq 1 $rounds); do
	sig=KILL
	[ "$round" = "$rounds" ] && sig=TERM
	start_server
	/usr/bin/python3 - "$PORT" "$SERVER_PID" "$T" "$round" "$sig" <<'PY' || fail "round $round"
import http.client, json, os, random, signal, sys, threading, time
from cptest import *

port, pid, T, rnd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
sig = getattr(signal, "SIG" + sys.argv[5])
sv = survey(os.environ["CAREPULSE_DB"], "compassionate-pulse")
items = [i["id"] for i in sv["items"]]
qid = sv["open_questions"][0]["id"]
done_path = T + "/done.txt"
used = set()
if os.path.exists(done_path):
    used = {l.split()[0] for l in open(done_path)}
todo = [t for e, t, s in tokens(T + "/tokens.txt") if t not in used]
random.seed(rnd)
random.shuffle(todo)
# At most 300 a round, so the group-commit round below keeps 1,000 unused.
todo = todo[:300]
lock = threading.Lock()
acked, tried = [], []

def worker(chunk):
    c = None
    for tok in chunk:
        vals = {i: random.randint(1, 5) for i in items}
        body = json.dumps({"token": tok, "answers": vals, "comments": {qid: "r%d %s" % (rnd, tok[:12])}})
        with lock:
            tried.append(tok)
        try:
            if c is None:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("POST", "/api/v1/responses", body, {"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            if r.status == 200:
                with lock:
                    acked.append((tok, vals))
        except (OSError, http.client.HTTPException):
            return

threads = [threading.Thread(target=worker, args=(todo[k::24],)) for k in range(24)]
for t in threads:
    t.start()
time.sleep(random.uniform(0.05, 0.4))
os.kill(pid, sig)
for t in threads:
    t.join()
with open(done_path, "a") as f:
    for tok in tried:
        f.write(tok + "\n")
with open(T + "/acked.json", "a") as f:
    for tok, vals in acked:
        f.write(json.dumps({"round": rnd, "token": tok, "answers": vals}) + "\n")
print("round %d: %d sent, %d acknowledged before %s" % (rnd, len(tried), len(acked), sys.argv[5]))
PY
	src=0
	wait "$SERVER_PID" 2>/dev/null || src=$?
	SERVER_PID=""
	if [ "$sig" = TERM ] && [ "$src" != 0 ]; then
		cat "$T/server.log" >&2
		fail "serve exited $src after SIGTERM under load"
	fi
	/usr/bin/python3 - "$CAREPULSE_DB" "$T" <<'PY' || fail "after round $round"
import hashlib, json, sqlite3, sys
from cptest import *
db, T = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
check(con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check")
sv = survey(db, "compassionate-pulse")
n_items = len(sv["items"])
qid = sv["open_questions"][0]["id"]
# Every acknowledged submission: its invitation answered, its comment
# kept and its answers whole. A comment belongs to no response (so it
# cannot be joined to anyone's answers): the answers are found by value,
# as many stored as were acknowledged.
import collections
stored = collections.Counter(a for a, in con.execute("SELECT answers FROM response"))
want = collections.Counter()
for line in open(T + "/acked.json"):
    a = json.loads(line)
    h = hashlib.sha256(a["token"].encode()).digest()
    row = con.execute("SELECT answered FROM invitation WHERE token_hash = ?", (h,)).fetchone()
    check(row and row[0] == 1, "an acknowledged invitation is not answered")
    c = con.execute("SELECT count(*) FROM comment WHERE question_id = ? AND text = ?",
                    (qid, "r%d %s" % (a["round"], a["token"][:12]))).fetchone()[0]
    check(c == 1, "an acknowledged comment is missing")
    want["".join(str(a["answers"][i["id"]]) for i in sv["items"])] += 1
check(not (want - stored), "an acknowledged response is missing or not whole")
# Responses and answered invitations match in every wave and team, and the
# aggregates agree with both.
inv = dict(((w, t), n) for w, t, n in con.execute(
    "SELECT wave_id, team_id, count(*) FROM invitation WHERE answered GROUP BY 1, 2"))
resp = dict(((w, t), n) for w, t, n in con.execute(
    "SELECT wave_id, team_id, count(*) FROM response GROUP BY 1, 2"))
agg = dict(((w, t), n) for w, t, n in con.execute(
    "SELECT wave_id, team_id, responses FROM agg_group WHERE self = 0"))
check(inv == resp, "answered invitations %s != responses %s" % (inv, resp))
check(agg == resp, "agg_group %s != responses %s" % (agg, resp))
bad = con.execute("SELECT count(*) FROM response WHERE length(answers) != ? OR instr(answers, '0')", (n_items,)).fetchone()[0]
check(bad == 0, "%d responses with missing answers" % bad)
bad = con.execute("SELECT count(*) FROM (SELECT response_id FROM answer GROUP BY 1 HAVING count(*) != ?)", (n_items,)).fetchone()[0]
check(bad == 0, "%d responses with missing answers in the answer view" % bad)
print("after the signal: %d responses, all consistent" % sum(resp.values()))
PY
done

# Without a kill: many concurrent submissions, the group commit measured.
start_server
/usr/bin/python3 - "$PORT" "$T" <<'PY' || fail "group commit"
import http.client, json, os, random, sys, threading, time
from cptest import *
port, T = int(sys.argv[1]), sys.argv[2]
sv = survey(os.environ["CAREPULSE_DB"], "compassionate-pulse")
items = [i["id"] for i in sv["items"]]
used = {l.split()[0] for l in open(T + "/done.txt")}
todo = [t for e, t, s in tokens(T + "/tokens.txt") if t not in used][:1000]
lat, codes, lock = [], {}, threading.Lock()
def worker(chunk):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for tok in chunk:
        body = json.dumps({"token": tok, "answers": {i: 4 for i in items}})
        t0 = time.monotonic()
        c.request("POST", "/api/v1/responses", body, {"Content-Type": "application/json"})
        r = c.getresponse(); r.read()
        with lock:
            lat.append(time.monotonic() - t0)
            codes[r.status] = codes.get(r.status, 0) + 1
t0 = time.monotonic()
threads = [threading.Thread(target=worker, args=(todo[k::32],)) for k in range(32)]
for t in threads: t.start()
for t in threads: t.join()
el = time.monotonic() - t0
lat.sort()
check(codes.get(200) == len(todo), "statuses %s" % codes)
print("group commit: %d durable submissions in %.2f s (%.0f/s, python client), p50 %.1f ms, p99 %.1f ms"
      % (len(todo), el, len(todo) / el, lat[len(lat) // 2] * 1e3, lat[int(len(lat) * 0.99)] * 1e3))
PY
stop_server
