# tests/peers/peers.sh - sourced after lib.sh by tests that talk to a real
# peer on loopback: starts the SMTP sink or the webhook receiver on a free
# port with a bounded lifetime, and kills them when the test exits.
PY=/usr/bin/python3
PEERS="$CP_SOURCE_DIR/tests/peers"
PEER_PIDS=""
trap 'for p in $PEER_PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

need_python_module() {
	if ! "$PY" -c "import $1" 2>/dev/null; then
		[ -n "${CI:-}" ] && fail "python3 module $1 is required in CI"
		echo "SKIP: python3 module $1 is missing (scripts/setup installs it)"
		exit 77
	fi
}

wait_port() {
	for _ in $(seq 100); do
		[ -s "$1/port" ] && return 0
		sleep 0.1
	done
	fail "the peer in $1 did not start"
}

# start_smtp DIR [sink options]: sets SMTP_PORT and SMTP_PID.
start_smtp() {
	need_python_module aiosmtpd
	dir=$1
	shift
	mkdir -p "$dir"
	"$PY" "$PEERS/smtp_sink.py" "$dir" "$@" >"$dir.log" 2>&1 &
	SMTP_PID=$!
	PEER_PIDS="$PEER_PIDS $SMTP_PID"
	wait_port "$dir"
	SMTP_PORT=$(cat "$dir/port")
}

# start_webhook DIR [receiver options]: sets HOOK_PORT and HOOK_PID.
start_webhook() {
	dir=$1
	shift
	mkdir -p "$dir"
	"$PY" "$PEERS/webhook_sink.py" "$dir" "$@" >"$dir.log" 2>&1 &
	HOOK_PID=$!
	PEER_PIDS="$PEER_PIDS $HOOK_PID"
	wait_port "$dir"
	HOOK_PORT=$(cat "$dir/port")
}

# sql QUERY: one value from the test database.
sql() {
	"$PY" -c 'import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()
print(r[0] if r else "")' "$CAREPULSE_DB" "$1"
}

# roster N FILE: a roster of N members in teams of 10, with non-ASCII names.
make_roster() {
	"$PY" - "$1" "$2" <<'PYEOF'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
names = ["Zoë Łódź", "Ξένια Παπαδοπούλου", "Søren Ørsted", "Ana María Núñez",
         "李静", "Oğuz Çelik", "Plain Smith", "Nguyễn Thị Thu", "José O'Brien",
         "Małgorzata \"Gosia\" Wiśniewska"]
with open(path, "w", encoding="utf-8") as f:
    f.write("email,name,team,parent_team,role\n")
    for i in range(n):
        name = names[i % len(names)] + " " + str(i)
        team = "Team %02d" % (i // 10)
        role = "leader" if i % 10 == 0 else "member"
        f.write('p%04d@example.org,"%s",%s,Org,%s\n' %
                (i, name.replace('"', '""'), team, role))
PYEOF
}
