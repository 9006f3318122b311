# The invitation e-mail as a person reads it, and RFC 8058's one-click
# "no more reminders": real SMTP (aiosmtpd) and the real form server over
# its socket. Every message parses under Python's email.policy.strict,
# comes from the organisation's name, names the contact for questions,
# the closing date and the survey's own length (11 statements: about 2
# minutes; 33: about 5, never "two-minute"), and carries List-Unsubscribe
# (the https address of its own invitation) with List-Unsubscribe-Post. A
# GET of that address changes nothing; its POST stops the reminders of
# that invitation and of no other, answers untouched, with the same page
# whether or not the person answered; `remind` then skips it.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
trap 'for p in $PEER_PIDS $SERVER_PID; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
need sqlite3
export CAREPULSE_NOW=1795000000
start_smtp "$T/sink" --lifetime 120
sql() { sqlite3 "$CAREPULSE_DB" "$1"; }

expect_exit 0 init
make_roster 12 "$T/roster.csv"
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 config set smtp.url "smtp://127.0.0.1:$SMTP_PORT"
expect_exit 0 config set smtp.tls none
expect_exit 0 config set mail.from 'carepulse <pulse@example.org>'
expect_exit 0 config set mail.from_name 'Northwind Health'
expect_exit 0 config set mail.contact_name 'Dana Smith, People team'
expect_exit 0 config set mail.contact_email dana@example.org
expect_exit 0 config set base_url https://pulse.example.org
expect_exit 65 config set mail.contact_email 'not an address'
[ "$(sql "SELECT value FROM config WHERE key = 'mail.contact_email'")" = dana@example.org ] ||
	fail "a bad contact address was stored"

expect_exit 0 wave create --survey compassionate-pulse --team Org --subteams
expect_in out "created wave 1"
# The closing time as e-mails write it: day and month named, in the
# installation's time zone (UTC here).
closes=$(LC_ALL=C date -u -d "@$((1795000000 + 14 * 86400))" '+%A %-d %B %Y, %H:%M UTC')
expect_exit 0 send 1
expect_in out "12 invitations sent by email, 0 failed"
"$PY" "$PEERS/check_mail.py" "$T/sink" "$CAREPULSE_DB" 1 --expect 12 \
	--from-name "Northwind Health" --one-click \
	--text-has "Ask Dana Smith, People team (dana@example.org)." \
	--text-has "open until $closes" \
	--text-has "It takes about 2 minutes." ||
	fail "the invitations are wrong"
grep -l "two-minute" "$T"/sink/*.eml && fail "an invitation calls itself two-minute"

# The one-click address of p0001's and p0002's invitations, as the header
# gives them; the request goes to the real server on loopback.
stop_path() {
	"$PY" - "$T/sink" "$1" <<'PYEOF'
import email, email.policy, glob, re, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_bytes(open(f, "rb").read(), policy=email.policy.strict)
    if m["To"].addresses[0].addr_spec == sys.argv[2]:
        print(re.search(r"https://[^/]+(/u/[A-Za-z0-9_-]{22})", str(m["List-Unsubscribe"])).group(1))
        break
PYEOF
}
one=$(stop_path p0001@example.org)
two=$(stop_path p0002@example.org)
[ -n "$one" ] && [ -n "$two" ] || fail "no List-Unsubscribe address"
"$CP_TOOLS_DIR/mark_answered" "$CAREPULSE_DB" 1 p0002@example.org ||
	fail "mark_answered failed"
before=$(sql "SELECT count(*) FROM response_slot")
start_server
"$PY" - "$PORT" "$one" <<'PYEOF' || fail "the GET went wrong"
import sys
from cptest import check, request
st, _, page = request(sys.argv[1], "GET", sys.argv[2])
check(st == 200 and 'method="post"' in page, "GET shows a button: %d" % st)
PYEOF
[ "$(sql "SELECT count(*) FROM invitation WHERE no_reminders = 1")" = 0 ] ||
	fail "a GET stopped reminders"
"$PY" - "$PORT" "$one" "$two" <<'PYEOF' || fail "the one-click requests went wrong"
import sys
from cptest import check, request
port, one, two = sys.argv[1:]
def post(path):
    st, _, page = request(port, "POST", path, {"List-Unsubscribe": "One-Click"})
    return st, page
st1, p1 = post(one)
check(st1 == 200 and "No more reminders" in p1, "POST: %d" % st1)
st2, p2 = post(two)
# Answered or not, the same page: it tells nothing about answers.
check(st2 == st1 and p2 == p1, "the page differs for an answered invitation")
st3, _ = post(one)
check(st3 == 200, "a second POST: %d" % st3)
st4, _ = post("/u/" + "A" * 43)
check(st4 == 404, "an unknown link: %d" % st4)
PYEOF
stop_server
grep -q "/u/[A-Za-z0-9_-]\{20,\}" "$T/server.log" && fail "a token reached the log"
[ "$(sql "SELECT group_concat(email) FROM (SELECT m.email FROM invitation i JOIN member m ON m.id = i.member_id WHERE i.no_reminders = 1 ORDER BY m.email)")" = "p0001@example.org,p0002@example.org" ] ||
	fail "reminders stopped for $(sql "SELECT count(*) FROM invitation WHERE no_reminders = 1") invitations"
[ "$(sql "SELECT group_concat(m.email) FROM invitation i JOIN member m ON m.id = i.member_id WHERE i.answered = 1")" = "p0002@example.org" ] ||
	fail "a one-click changed what is answered"
[ "$(sql "SELECT count(*) FROM response_slot")" = "$before" ] ||
	fail "a one-click changed the responses"

# p0003's invitation as one made before tokens were cut to 132 bits: its
# stored hash is of the whole HMAC (43 characters), and its reminder
# carries that link, in the text, the HTML and List-Unsubscribe.
"$PY" - "$CAREPULSE_DB" p0003@example.org <<'PYEOF' || fail "cannot age p0003's invitation"
import base64, hashlib, hmac, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
iid, wid, mid, kind = con.execute(
    "SELECT i.id, i.wave_id, i.member_id, i.kind FROM invitation i"
    " JOIN member m ON m.id = i.member_id WHERE m.email = ?",
    (sys.argv[2],)).fetchone()
key = open(sys.argv[1] + ".key", "rb").read()
msg = "carepulse-invitation-v1:%d:%d:%s" % (wid, mid, kind)
whole = base64.urlsafe_b64encode(
    hmac.new(key, msg.encode(), hashlib.sha256).digest()).decode().rstrip("=")
con.execute("UPDATE invitation SET token_hash = ? WHERE id = ?",
            (hashlib.sha256(whole.encode()).digest(), iid))
con.commit()
PYEOF
export CAREPULSE_NOW=$((1795000000 + 4 * 86400))
expect_exit 0 remind 1
expect_in out "10 reminders sent"
expected=$(for i in $(seq 0 11); do [ "$i" -ge 1 ] && [ "$i" -le 2 ] && continue; printf 'p%04d@example.org,' "$i"; done)
"$PY" "$PEERS/check_mail.py" "$T/sink" "$CAREPULSE_DB" 1 --kind reminder \
	--expect 10 --only-to "${expected%,}" --one-click \
	--long-link p0003@example.org \
	--text-has "it takes about 2 minutes" ||
	fail "the reminders went wrong"
# With remind.max 1 nobody is due now; the summary says who opted out.
expect_exit 0 config set remind.max 1
export CAREPULSE_NOW=$((1795000000 + 8 * 86400))
expect_exit 0 remind 1
expect_in out "0 reminders sent: 11 not answered: 1 asked for no more reminders, the others have had the most (remind.max 1)"

# The 33-statement survey says its own length.
export CAREPULSE_NOW=1795000000
rm -f "$T"/sink/*.eml "$T"/sink/*.env
expect_exit 0 wave create --survey compassionate-leadership --team "Team 01"
expect_in out "created wave 2"
expect_exit 0 send 2
"$PY" "$PEERS/check_mail.py" "$T/sink" "$CAREPULSE_DB" 2 --expect 1 \
	--one-click --text-has "It takes about 5 minutes." ||
	fail "the 33-statement invitation is wrong"
grep -q "(about 5 minutes)" "$T"/sink/*.eml || fail "the subject does not say about 5 minutes"
grep -l "two-minute\|two minutes" "$T"/sink/*.eml && fail "the 33-statement invitation says two minutes"
echo "send unsubscribe ok"
