# Email to a real SMTP server (aiosmtpd) on loopback: one message per
# person over one connection, headers and both parts right, links that
# resolve to the right invitation, non-ASCII names intact; a second send
# sends nothing; reminders go only to those who have not answered.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
export CAREPULSE_NOW=1795000000
start_smtp "$T/sink" --lifetime 120

expect_exit 0 init
make_roster 25 "$T/roster.csv"
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 config set smtp.url "smtp://127.0.0.1:$SMTP_PORT"
expect_exit 0 config set smtp.tls none
expect_exit 0 config set mail.from 'Équipe Pulse <pulse@example.org>'
expect_exit 0 config set base_url https://pulse.example.org
expect_exit 0 wave create --survey compassionate-pulse --team Org --subteams
expect_in out "created wave 1"
expect_in out "25 invitations by email"

expect_exit 0 send 1 --dry-run
expect_in out "would get 25 invitations"
[ -z "$(ls "$T/sink" | grep eml)" ] || fail "a dry run sent mail"

expect_exit 0 send 1
expect_in out "25 invitations sent by email, 0 failed"
[ ! -s "$T/err" ] || fail "send printed progress into a pipe"
"$PY" "$PEERS/check_mail.py" "$T/sink" "$CAREPULSE_DB" 1 --expect 25 \
	--from-name "Équipe Pulse" || fail "the captured mail is wrong"
[ "$(wc -l <"$T/sink/connections")" = 1 ] ||
	fail "expected one SMTP connection, got $(wc -l <"$T/sink/connections")"
[ "$(sql "SELECT count(*) FROM invitation WHERE state = 'sent'")" = 25 ] ||
	fail "not every invitation is marked sent"

# Again: nothing is pending, nothing goes.
expect_exit 0 send 1
expect_in out "0 invitations sent"
"$PY" "$PEERS/check_mail.py" "$T/sink" "$CAREPULSE_DB" 1 --expect 25 >/dev/null ||
	fail "a second send sent mail"

expect_exit 0 wave show 1
expect_in out "sent       25"
expect_in out "answered     0 of 25"

# Reminders: not before remind.interval (3d by default) ...
expect_exit 0 remind 1
expect_in out "0 reminders sent"
# ... then only to those who have not answered.
"$CP_TOOLS_DIR/mark_answered" "$CAREPULSE_DB" 1 p0001@example.org \
	p0002@example.org p0003@example.org || fail "mark_answered failed"
export CAREPULSE_NOW=$((1795000000 + 4 * 86400))
expect_exit 0 remind 1
expect_in out "22 reminders sent"
expected=$(for i in $(seq 0 24); do [ "$i" -ge 1 ] && [ "$i" -le 3 ] && continue; printf 'p%04d@example.org,' "$i"; done)
"$PY" "$PEERS/check_mail.py" "$T/sink" "$CAREPULSE_DB" 1 --kind reminder \
	--expect 22 --only-to "${expected%,}" || fail "reminders went wrong"
# A second reminder only after the interval again, and at most remind.max.
expect_exit 0 remind 1
expect_in out "0 reminders sent"
expect_exit 0 wave show 1
expect_in out "answered     3 of 25"
expect_in out "reminders    22 sent"
expect_not_in out "p0001"
echo "send email ok"
