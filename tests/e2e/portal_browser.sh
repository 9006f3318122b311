# The results portal in a real browser (tests/browser/portal.mjs): Debian's
# chromium through playwright-core at 390 px with JavaScript off signs in
# by the mailed link, sees a team, is refused another's, signs out; HR
# opens the heat map; axe-core finds no WCAG 2.2 AA violation on any page.
# Screenshots are left in the build directory (portal-screenshots/); the
# README's come from there (docs/img/).
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
trap 'for p in $PEER_PIDS $SERVER_PID; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
. "$CP_SOURCE_DIR/tests/portal_lib.sh"
need node /usr/bin/chromium
browser="$CP_SOURCE_DIR/tests/browser"
if [ ! -d "$browser/node_modules/axe-core" ]; then
	[ -n "${CI:-}" ] && fail "axe-core is missing: run scripts/setup (npm ci in tests/browser)"
	echo "SKIP: axe-core is not installed (scripts/setup runs npm ci in tests/browser)"
	exit 77
fi

start_smtp "$T/sink" --lifetime 300
portal_db
expect_exit 0 config set smtp.url "smtp://127.0.0.1:$SMTP_PORT"
expect_exit 0 config set smtp.tls none
expect_exit 0 config set mail.from 'Team Pulse <pulse@example.org>'
start_server
shots="$CP_BINARY_DIR/portal-screenshots"
mkdir -p "$shots"
A=$(printf '%s' "$TEAMS" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["Ward A"])')
B=$(printf '%s' "$TEAMS" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["Ward B"])')
node "$browser/portal.mjs" "http://127.0.0.1:$PORT" "$T/sink" "$shots" "$WAVE" "$A" "$B" ||
	{ tail -20 "$T/server.log" >&2; fail "the portal failed in the browser"; }
stop_server
echo "screenshots: $shots"
