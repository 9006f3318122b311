# Attack 2 of issue 11, the WAL replay: four people answer through
# `carepulse serve` over HTTP (curl); after each answer, as soon as its
# "thank you" page arrives, and again at rest, the adversary copies
# carepulse.db, -wal and -shm and replays the WAL commit by commit (and
# reads the -shm page list) to pair an invitation marked answered with
# the response stored with it. Every attempt must fail. The same adversary
# run on the files the code before schema 5 left (wal_attack.py selftest)
# pairs everyone, so this test fails if the attack works again.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 curl /usr/bin/python3
ATTACK="$CP_SOURCE_DIR/tests/anonymity/wal_attack.py"
export PYTHONPATH="$CP_SOURCE_DIR/tests/anonymity:$CP_SOURCE_DIR/tests/py"

expect_exit 0 init
{
	echo "email,name,team,parent_team,role"
	for i in 1 2 3 4 5 6; do echo "a$i@example.org,Alpha $i,Alpha,,member"; done
	for i in 1 2 3 4; do echo "b$i@example.org,Beta $i,Beta,,member"; done
} >roster.csv
expect_exit 0 team import roster.csv
invite alpha.txt "$CAREPULSE_DB" Alpha compassionate-pulse
invite beta.txt "$CAREPULSE_DB" Beta compassionate-pulse

# form N: the form body of the Nth answer: all items N, a comment naming it.
form() {
	/usr/bin/python3 - "$CAREPULSE_DB" "$1" <<'PY'
import sys, urllib.parse
from cptest import survey
sv = survey(sys.argv[1], "compassionate-pulse")
n = int(sys.argv[2])
f = {i["id"]: str(n) for i in sv["items"]}
f[sv["open_questions"][0]["id"]] = "comment of answer %d" % n
print(urllib.parse.urlencode(f), end="")
PY
}

snap() {
	mkdir -p "$T/$1"
	for s in "" -wal -shm; do
		[ -e "$CAREPULSE_DB$s" ] && cp "$CAREPULSE_DB$s" "$T/$1/carepulse.db$s"
	done
	return 0
}

start_server
n=0
while read -r email token; do
	n=$((n + 1))
	[ "$n" -le 4 ] || break
	code=$(curl -s -o "$T/page.html" -w '%{http_code}' --data-binary "$(form "$n")" \
		-H 'Content-Type: application/x-www-form-urlencoded' \
		"http://127.0.0.1:$PORT/r/$token")
	[ "$code" = 200 ] || fail "answer $n: HTTP $code"
	snap "after$n"
	echo "$email answered $n" >>"$T/truth.txt"
done <alpha.txt
sleep 0.5
snap rest

/usr/bin/python3 - "$T" <<'PY' || fail "the WAL pairs an answer with a person"
import os, sys
import wal_attack as A
T = sys.argv[1]
nonempty = 0
for name in ["after1", "after2", "after3", "after4", "rest"]:
    db = os.path.join(T, name, "carepulse.db")
    wal = db + "-wal"
    if os.path.exists(wal) and os.path.getsize(wal) > 0:
        nonempty += 1
    links = A.attack(db)
    if links:
        print("FAIL: %s: %s" % (name, links), file=sys.stderr)
        sys.exit(1)
print("no link in 5 copies; the WAL was non-empty in %d" % nonempty)
# The limits docs/anonymity.md states, shown to be real. A team with one
# response: it is the one answered invitation's, whatever the files hold.
import sqlite3
con = sqlite3.connect(os.path.join(T, "after1", "carepulse.db"))
if con.execute("SELECT count(*) FROM response").fetchone()[0] != 1 or \
   con.execute("SELECT count(*) FROM invitation WHERE answered").fetchone()[0] != 1:
    print("FAIL: the first answer is not the team's only one", file=sys.stderr)
    sys.exit(1)
con.close()
# Two copies with one answer between them: their difference is that
# person's answers.
d = A.difference(os.path.join(T, "after2", "carepulse.db"),
                 os.path.join(T, "after3", "carepulse.db"))
truth = dict(l.split(" answered ") for l in open(os.path.join(T, "truth.txt")).read().splitlines())
if len(d) != 1 or d[0]["answers"] != truth[d[0]["email"]] * len(d[0]["answers"]):
    print("FAIL: the difference of two copies is not what docs/anonymity.md says: %s" % d,
          file=sys.stderr)
    sys.exit(1)
# The premise of the placement attack: a response's cell never moves once
# made, so where it sits says nothing of when it was filled.
first = A.positions(os.path.join(T, "after1", "carepulse.db"))
last = A.positions(os.path.join(T, "rest", "carepulse.db"))
if not first or any(last.get(k) != v for k, v in first.items()):
    print("FAIL: response cells moved between the first and the fourth answer",
          file=sys.stderr)
    sys.exit(1)
PY

stop_server
for s in -wal -shm; do
	[ ! -s "$CAREPULSE_DB$s" ] || fail "carepulse.db$s left non-empty after serve stopped"
done
/usr/bin/python3 "$ATTACK" attack "$CAREPULSE_DB" || fail "the files at rest pair an answer with a person"
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT count(*) FROM response')" = 4 ] || fail "four responses"

# The attacks work on what the old code left: one commit per answer, the
# WAL not checkpointed, each response a new cell.
/usr/bin/python3 "$ATTACK" selftest "$T" || fail "the adversary no longer finds the old links"
echo "wal replay: no link"
