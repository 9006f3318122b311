# Attack 3 of issue 11, dates and reminders: six people are invited by
# `carepulse send`, five answer through `carepulse serve`, `carepulse
# remind` reminds the sixth (invitation.reminders, last_reminded_at), who
# then answers. The reminder fields say who answered last; the adversary
# looks for anything that says which response came last: a date or time
# in any field of the response tables or the aggregates, the same in the
# raw bytes of their pages and of the free pages (they must be zeroed),
# in the -wal and -shm, and a response's cell placed after the others.
# It must not single the reminded person's response out.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3
export PYTHONPATH="$CP_SOURCE_DIR/tests/anonymity:$CP_SOURCE_DIR/tests/py"
T0=1795000000
export CAREPULSE_NOW=$T0

expect_exit 0 init
{
	echo "email,name,team,parent_team,role"
	for i in 1 2 3 4 5 6; do echo "p$i@example.org,Person $i,Alpha,,member"; done
} >roster.csv
expect_exit 0 team import roster.csv
expect_exit 0 config set outbox.dir "$T/outbox"
expect_exit 0 config set mail.from 'Pulse <pulse@example.org>'
expect_exit 0 config set base_url http://127.0.0.1:1
expect_exit 0 wave create --survey compassionate-pulse --team Alpha --channel outbox
expect_exit 0 send 1
/usr/bin/python3 - "$T/outbox" >tokens.txt <<'PY'
import email, email.policy, os, re, sys
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    m = email.message_from_bytes(open(os.path.join(d, f), "rb").read(), policy=email.policy.default)
    body = m.get_body(("plain",)).get_content()
    print(m["To"].addresses[0].addr_spec, re.search(r"/r/([A-Za-z0-9_-]{22})", body).group(1))
PY
[ "$(wc -l <tokens.txt)" = 6 ] || fail "six invitations in the outbox"
sort tokens.txt >sorted.txt && mv sorted.txt tokens.txt

snap() {
	mkdir -p "$T/$1"
	for s in "" -wal -shm; do
		[ -e "$CAREPULSE_DB$s" ] && cp "$CAREPULSE_DB$s" "$T/$1/carepulse.db$s"
	done
	return 0
}

# answer FROM TO: people FROM..TO of tokens.txt answer: person n all
# n % 5 + 1, except person 6: 5 to the first item, 1 to the others.
answer() {
	/usr/bin/python3 - "$PORT" "$CAREPULSE_DB" "$T/tokens.txt" "$1" "$2" <<'PY' || fail "answering"
import sys
from cptest import *
port, db, path, a, b = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
sv = survey(db, "compassionate-pulse")
qid = sv["open_questions"][0]["id"]
for n, (email, tok, _) in enumerate(tokens(path), 1):
    if a <= n <= b:
        vals = {i["id"]: n % 5 + 1 for i in sv["items"]}
        if n == 6:
            vals = {i["id"]: 5 if k == 0 else 1 for k, i in enumerate(sv["items"])}
        st, doc = post_json(port, {"token": tok, "answers": vals,
                                   "comments": {qid: "written by person %d" % n}})
        check(st == 200, "answer %d: %d %s" % (n, st, doc))
PY
}

export CAREPULSE_NOW=$((T0 + 3600))
start_server
answer 1 5
sleep 0.3
snap before
# Three days on, the one who has not answered is reminded, and answers.
export CAREPULSE_NOW=$((T0 + 3 * 86400 + 60))
expect_exit 0 remind 1
[ "$(ls "$T/outbox" | wc -l)" = 7 ] || fail "one reminder, to the sixth"
answer 6 6
sleep 0.3
snap live
stop_server
snap rest

/usr/bin/python3 - "$T" "$T0" <<'PY' || fail "the reminded person's response can be singled out"
import datetime, os, re, sqlite3, struct, sys
import wal_attack as A
T, T0 = sys.argv[1], int(sys.argv[2])
def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)

db = os.path.join(T, "rest", "carepulse.db")
con = sqlite3.connect("file:%s?immutable=1" % db, uri=True)
# What the adversary knows: who was reminded (and so answered last).
reminded = con.execute(
    "SELECT m.email, i.last_reminded_at FROM invitation i JOIN member m ON m.id = i.member_id"
    " WHERE i.reminders > 0").fetchall()
if len(reminded) != 1 or reminded[0][0] != "p6@example.org":
    fail("the setting: reminded %s" % reminded)
remind_at = reminded[0][1]
rows = con.execute("SELECT * FROM response_slot WHERE filled").fetchall()
if len(rows) != 6 or sum(r[5] == "5" + "1" * (len(r[5]) - 1) for r in rows) != 1:
    fail("the setting: six responses, one of them the sixth's")

# 1. Fields: nothing in the response tables or aggregates is a time.
times = set(range(T0 - 86400, T0 + 10 * 86400))
days = {(datetime.datetime.utcfromtimestamp(T0) + datetime.timedelta(d)).strftime("%Y-%m-%d")
        for d in range(-1, 11)}
for table in ["response_slot", "comment_group", "agg_group", "agg_item", "agg_dim"]:
    for row in con.execute("SELECT * FROM %s" % table):
        for v in row:
            if isinstance(v, int) and v in times:
                fail("%s holds a time: %r" % (table, row))
            if isinstance(v, str) and any(d in v for d in days):
                fail("%s holds a date: %r" % (table, row))
# Every filled row is the same but for its key and its answers.
if len({(r[1], r[2], r[3], r[4], len(r[5])) for r in rows}) != 1:
    fail("responses differ in more than their answers: %r" % rows)

# 2. Raw bytes: the pages of those tables and the free pages hold no
# date and no time of the period; free pages are all zeros.
raw = open(db, "rb").read()
psize = A.page_size_of(raw)
owner = {p: n for n, p in con.execute("SELECT name, pageno FROM dbstat")}
npages = len(raw) // psize
free = [p for p in range(1, npages + 1) if p not in owner]
marks = [d.encode() for d in days] + [struct.pack(">I", remind_at), struct.pack(">I", remind_at + 60)]
for p in range(1, npages + 1):
    name = owner.get(p)
    page = raw[(p - 1) * psize:p * psize]
    if name is None and any(page):
        fail("free page %d is not zeroed" % p)
    if name is None or name.startswith(("response", "comment_group", "agg_")) or name == "sqlite_autoindex_comment_group_1":
        for m in marks:
            if m in page:
                fail("page %d (%s) holds %r" % (p, name, m))
for snap in ["before", "live", "rest"]:
    for s in ["", "-wal", "-shm"]:
        f = os.path.join(T, snap, "carepulse.db" + s)
        if os.path.exists(f):
            data = open(f, "rb").read()
            for d in days:
                if d.encode() in data:
                    fail("%s%s holds the date %s" % (snap, s, d))

# 3. Placement: no cell moved since the five first answers, so the cell of
# the last answer sits where it was made, before anyone answered.
before = A.positions(os.path.join(T, "before", "carepulse.db"))
after = A.positions(db)
if not before or set(before) != set(after) or any(after[k] != v for k, v in before.items()):
    fail("response cells moved or were added by the last answer")

# 4. The WAL and -shm of the live copies pair nothing.
for snap in ["before", "live"]:
    links = A.attack(os.path.join(T, snap, "carepulse.db"))
    if links:
        fail("%s: %s" % (snap, links))

# The date scan itself works: a day written anywhere is found.
probe = os.path.join(T, "probe.db")
c = sqlite3.connect(probe)
c.execute("CREATE TABLE t(day TEXT)")
c.execute("INSERT INTO t VALUES (?)", (sorted(days)[3],))
c.commit()
c.close()
if not any(d.encode() in open(probe, "rb").read() for d in days):
    fail("the date scan finds nothing even where a date is")
print("the reminded person's response cannot be singled out")
PY
echo "dates and reminders: no link"
