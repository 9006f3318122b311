# Crash safety: `send` killed with SIGKILL at random moments, over and over,
# then run to the end. Every member's invitation is captured exactly once,
# or twice with the same Message-ID (the one in flight at a kill); nobody
# is missing.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
export CAREPULSE_NOW=1795000000
MEMBERS=200
ROUNDS=${CP_KILL_ROUNDS:-20}
# A slow-ish server: 5 ms per message, so kills land mid-batch.
start_smtp "$T/sink" --delay 0.005 --lifetime 300

expect_exit 0 init
make_roster $MEMBERS "$T/roster.csv"
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 config set smtp.url "smtp://127.0.0.1:$SMTP_PORT"
expect_exit 0 config set smtp.tls none
expect_exit 0 config set mail.from 'Team Pulse <pulse@example.org>'
expect_exit 0 wave create --survey compassionate-pulse --team Org --subteams
expect_in out "$MEMBERS invitations"

kills=0
for round in $(seq "$ROUNDS"); do
	"$CAREPULSE" send 1 >"$T/kill.out" 2>&1 &
	pid=$!
	# 10 to 150 ms in: anywhere in opening, building, sending, marking.
	sleep "0.$(printf '%03d' $((10 + RANDOM % 140)))"
	if kill -9 "$pid" 2>/dev/null; then
		kills=$((kills + 1))
	fi
	wait "$pid" 2>/dev/null
	sent=$(sql "SELECT count(*) FROM invitation WHERE state = 'sent'")
	[ "$sent" = "$MEMBERS" ] && break
done
expect_exit 0 send 1
expect_exit 0 send 1
expect_in out "0 invitations sent"
[ "$(sql "SELECT count(*) FROM invitation WHERE state = 'sent'")" = $MEMBERS ] ||
	fail "not every invitation is marked sent"
sleep 0.2
"$PY" "$PEERS/check_mail.py" "$T/sink" "$CAREPULSE_DB" 1 --expect $MEMBERS \
	--allow-dupes >"$T/check" || fail "mail lost or doubled after kills"
dupes=$(sed 's/.*duplicates //' "$T/check")
[ "$dupes" -le "$kills" ] ||
	fail "$dupes duplicates after $kills kills: more than one in flight"

# Two senders at once: the second is refused, a tick stands aside, and
# nobody gets two messages.
expect_exit 0 wave create --survey compassionate-pulse --team Org --subteams
"$CAREPULSE" send 2 >"$T/bg.out" 2>&1 &
bg=$!
sleep 0.3
expect_exit 65 send 2
expect_in err "another send, remind or tick is running"
expect_exit 0 tick
expect_in out "nothing done"
wait "$bg" || fail "the first send failed: $(cat "$T/bg.out")"
"$PY" "$PEERS/check_mail.py" "$T/sink" "$CAREPULSE_DB" 2 --expect $MEMBERS \
	>/dev/null || fail "two senders doubled mail"
echo "send kill ok: $kills kills, $(cat "$T/check")"
