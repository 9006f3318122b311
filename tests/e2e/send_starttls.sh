# STARTTLS is required by default: against a server that does not offer
# it, send fails with a clear message and exit 69, and nothing is marked
# sent or delivered.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
start_smtp "$T/sink" --lifetime 60

expect_exit 0 init
make_roster 5 "$T/roster.csv"
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 config set smtp.url "smtp://127.0.0.1:$SMTP_PORT"
expect_exit 0 config set mail.from 'pulse@example.org'
expect_exit 0 wave create --survey compassionate-pulse --team "Team 00"
expect_exit 69 send 1
expect_in err "STARTTLS"
[ "$(sql "SELECT count(*) FROM invitation WHERE state = 'sent'")" = 0 ] ||
	fail "an invitation was marked sent"
[ -z "$(ls "$T/sink" | grep eml)" ] || fail "a message was delivered"
expect_exit 0 wave show 1
expect_in out "sent       0"

# smtp.tls none is for loopback only.
CAREPULSE_SMTP_URL=smtp://mail.example.org:587 CAREPULSE_SMTP_TLS=none \
	expect_exit 64 send 1
expect_in err "only for a server on this machine"
# The password never shows.
CAREPULSE_SMTP_PASSWORD=hunter2-secret expect_exit 69 send 1
expect_not_in err "hunter2"
echo "send starttls ok"
