# SMTP failures: a 4xx is retried (with backoff) until it goes; a 5xx for
# one recipient is recorded with its reason and the batch goes on; a
# server that is not there at all stops the send with exit 69, nothing
# marked sent.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
export CAREPULSE_SEND_BACKOFF_MS=20
start_smtp "$T/sink" --lifetime 60 --tempfail-first 2 \
	--reject p0003@example.org

expect_exit 0 init
make_roster 8 "$T/roster.csv"
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 config set smtp.url "smtp://127.0.0.1:$SMTP_PORT"
expect_exit 0 config set smtp.tls none
expect_exit 0 config set mail.from 'pulse@example.org'
# Team 00's leader (p0000) has no team above in the wave: no invitation.
expect_exit 0 wave create --survey compassionate-pulse --team "Team 00"
expect_exit 0 send 1
expect_in out "6 invitations sent by email, 1 failed"
expect_in out "2 retries"
expect_exit 0 wave show 1
expect_in out "failed     1"
expect_in out "p0003@example.org (Team 00): SMTP:"
expect_in out "550"
"$PY" "$PEERS/check_mail.py" "$T/sink" "$CAREPULSE_DB" 1 --expect 6 ||
	fail "wrong mail"
# A permanent failure is not retried by the next run.
expect_exit 0 send 1
expect_in out "0 invitations sent"

# Nobody listening: exit 69 after the retries, nothing marked sent.
kill "$SMTP_PID"
wait "$SMTP_PID" 2>/dev/null
expect_exit 0 wave create --survey compassionate-pulse --team "Team 00"
CAREPULSE_SEND_RETRIES=1 expect_exit 69 send 2
expect_in err "nothing more was sent"
[ "$(sql "SELECT count(*) FROM invitation WHERE wave_id = 2 AND state = 'sent'")" = 0 ] ||
	fail "marked sent without a server"
[ "$(sql "SELECT count(*) FROM invitation WHERE wave_id = 2 AND state = 'pending'")" = 7 ] ||
	fail "invitations should stay pending"
echo "send failures ok"
