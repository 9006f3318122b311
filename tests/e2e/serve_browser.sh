# A real browser answers the form: Debian's chromium driven by
# playwright-core (tests/browser), headless and off the network, opens an
# invitation link, answers with the keyboard and the mouse, submits and
# sees the thank-you page; the response is stored. Phone-size screenshots
# are left in the build directory (browser-*.png) for people to look at.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 node /usr/bin/chromium
browser="$CP_SOURCE_DIR/tests/browser"
if [ ! -d "$browser/node_modules/playwright-core" ]; then
	[ -n "${CI:-}" ] && fail "playwright-core is missing: run scripts/setup (npm ci in tests/browser)"
	echo "SKIP: playwright-core is not installed (scripts/setup runs npm ci in tests/browser)"
	exit 77
fi

setup_db
invite pharmacy.txt "$CAREPULSE_DB" Pharmacy compassionate-pulse
start_server
tok=$(head -1 pharmacy.txt | cut -d' ' -f2)
shots="$CP_BINARY_DIR/browser-screenshots"
mkdir -p "$shots"
node "$browser/form.mjs" "http://127.0.0.1:$PORT/r/$tok" "$shots" || fail "the browser could not answer the form"
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT count(*) FROM response')" = 1 ] || fail "no response stored"
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT text FROM comment')" = "Thank you for asking — keep the Friday check-ins." ] || fail "comment"
stop_server
echo "screenshots: $shots"
