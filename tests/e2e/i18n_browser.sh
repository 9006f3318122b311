# The form in each shipped language in a real browser (Debian's chromium
# through playwright-core, off the network), chosen by the roster and by
# the browser's language; axe-core finds no accessibility violation in any
# of them, the Arabic form included, which is laid out right to left.
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
need_locales
expect_exit 0 init
expect_exit 0 team import "$CP_SOURCE_DIR/tests/data/roster-languages.csv"
expect_exit 0 config set timezone Europe/London
invite tokens.txt --closes 1799107200 "$CAREPULSE_DB" "Ward 7" compassionate-pulse
start_server
t() { grep "^$1 " tokens.txt | head -1 | cut -d' ' -f2; }
shots="$CP_BINARY_DIR/browser-screenshots"
mkdir -p "$shots"
node "$browser/languages.mjs" "http://127.0.0.1:$PORT" "$shots" \
	"/r/$(t gwen@example.org)|en-GB|cy" \
	"/r/$(t layla@example.org)|-|ar" \
	"/r/$(t lucia@example.org)|pl-PL|es" \
	"/r/$(t zofia@example.org)|-|pl" \
	"/r/$(t ed@example.org)|ar|en" \
	"/r/$(t nia@example.org)|ar-EG|ar" \
	"/r/$(t nia@example.org)|es-MX|es" \
	"/r/$(t nia@example.org)|cy|cy" \
	"/r/$(t nia@example.org)?lang=pl|ar|pl" \
	"/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|ar|ar" ||
	fail "a form in some language failed in the browser"
stop_server
echo "i18n browser ok"
