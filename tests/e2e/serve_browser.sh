# A real browser answers the form: Debian's chromium driven by
# playwright-core (tests/browser), headless and off the network, opens an
# invitation link, answers with the keyboard and the mouse, submits and
# sees the thank-you page; the response is stored. The form names the team
# and its leader, fits the 11-statement pulse in about three phone screens
# and is clean under axe-core (tests/browser/form.mjs). Phone-size
# screenshots are left in the build directory for people to look at.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 node /usr/bin/chromium
browser="$CP_SOURCE_DIR/tests/browser"
for m in playwright-core axe-core; do
	if [ ! -d "$browser/node_modules/$m" ]; then
		[ -n "${CI:-}" ] && fail "$m is missing: run scripts/setup (npm ci in tests/browser)"
		echo "SKIP: $m is not installed (scripts/setup runs npm ci in tests/browser)"
		exit 77
	fi
done

setup_db
invite pharmacy.txt --closes $(($(date +%s) + 7 * 86400)) "$CAREPULSE_DB" Pharmacy compassionate-pulse
start_server
tok=$(head -1 pharmacy.txt | cut -d' ' -f2)
shots="$CP_BINARY_DIR/browser-screenshots"
mkdir -p "$shots"
node "$browser/form.mjs" "http://127.0.0.1:$PORT/r/$tok" "$shots" Pharmacy Lee || fail "the browser could not answer the form"
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT count(*) FROM response')" = 1 ] || fail "no response stored"
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT item_id FROM declined')" = pulse.helping ] ||
	fail "the last statement answered prefer not to say"
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT text FROM comment')" = "Thank you for asking — keep the Friday check-ins." ] || fail "comment"
stop_server
echo "screenshots: $shots"
