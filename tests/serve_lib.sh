# tests/serve_lib.sh - sourced (after lib.sh) by the form server's tests:
# a database with teams and invitations, and a server on a free loopback
# port that is always killed when the test ends.
SERVER_PID=""
trap 'if [ -n "$SERVER_PID" ]; then kill -KILL "$SERVER_PID" 2>/dev/null; fi; rm -rf "$T"' EXIT
export PYTHONPATH="$CP_SOURCE_DIR/tests/py"

# setup_db: an initialised database with the sample roster.
setup_db() {
	expect_exit 0 init
	expect_exit 0 team import "$CP_SOURCE_DIR/tests/data/roster-utf8.csv"
}

# invite FILE [cp_invite options] TEAM SURVEY: a wave for TEAM, its
# "email token" lines in FILE; sets $WAVE.
invite() {
	out=$1
	shift
	"$CP_TOOLS_DIR/cp_invite" "$@" >"$out" 2>"$T/invite.err" ||
		{ cat "$T/invite.err" >&2; fail "cp_invite $*"; }
	WAVE=$(sed -n 's/^wave //p' "$T/invite.err")
}

# start_server [serve options]: sets $PORT and $SERVER_PID; the log is
# $T/server.log.
start_server() {
	# Emptied here, not by the child's redirection: otherwise the loop
	# below may read the previous server's port before the child starts.
	: >"$T/server.log"
	"$CAREPULSE" serve --listen 127.0.0.1:0 "$@" 2>"$T/server.log" &
	SERVER_PID=$!
	PORT=""
	for _ in $(seq 1 100); do
		PORT=$(sed -n 's|.*serving the form on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/server.log")
		[ -n "$PORT" ] && return 0
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			cat "$T/server.log" >&2
			fail "the server did not start"
		fi
		sleep 0.1
	done
	fail "the server did not start within 10 s"
}

# stop_server: SIGTERM, and the server must exit 0 within 10 s.
stop_server() {
	kill -TERM "$SERVER_PID"
	for _ in $(seq 1 100); do
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	src=0
	wait "$SERVER_PID" || src=$?
	SERVER_PID=""
	[ "$src" = 0 ] || { cat "$T/server.log" >&2; fail "serve exited $src after SIGTERM"; }
}
