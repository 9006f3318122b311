# The results portal in `carepulse serve`, over the socket: sign-in by a
# link mailed through the real SMTP server (aiosmtpd), sessions, CSRF,
# enumeration, rate limits, who sees which team and download, the
# self-assessment, every number against `results --format json`, and an
# access log without tokens or session ids (tests/e2e/portal_check.py).
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
trap 'for p in $PEER_PIDS $SERVER_PID; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
. "$CP_SOURCE_DIR/tests/portal_lib.sh"

start_smtp "$T/sink" --lifetime 300
portal_db
expect_exit 0 config set smtp.url "smtp://127.0.0.1:$SMTP_PORT"
expect_exit 0 config set smtp.tls none
expect_exit 0 config set mail.from 'Team Pulse <pulse@example.org>'
expect_exit 0 config set base_url https://pulse.example.org
# What Ward A agreed after the first wave shows beside the second's.
expect_exit 0 action add --team "Ward A" --wave "$w0" --owner "Ada Lead" \
	--review 2027-01-15 "Protect ten minutes at handover to talk"
start_server
"$PY" "$CP_SOURCE_DIR/tests/e2e/portal_check.py" "$PORT" "$T/sink" \
	"$CAREPULSE_DB" "$CAREPULSE" "$WAVE" "$TEAMS" "$T/server.log" ||
	{ cat "$T/server.log" >&2; fail "the portal check failed"; }

# An expired link: asked for now, used an hour later (a new server whose
# clock is ahead), refused.
tok=$(portal_link leada@example.org)
stop_server
CAREPULSE_NOW=$(($(date +%s) + 3600)) start_server
pre=$(curl -s -c - "http://127.0.0.1:$PORT/portal/" | awk '$6 == "cp_pre" {print $7}')
code=$(curl -s -o /dev/null -w '%{http_code}' -b "cp_pre=$pre" \
	--data "csrf=$pre" "http://127.0.0.1:$PORT/portal/signin/$tok")
[ "$code" = 410 ] || fail "an expired link gave $code, expected 410"
stop_server

# A facilitator sees the teams granted (Pharmacy), not others, and loses
# them after the date, also in a session opened before it.
expect_exit 0 config set access.session_idle 1w
expect_exit 0 config set access.session_max 1w
expect_exit 0 access grant --team Pharmacy --until \
	"$(date -u -d '+2 days' +%Y-%m-%d)" facilitator fac@example.org
start_server
sid=$(portal_session fac@example.org)
A=$(printf '%s' "$TEAMS" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["Ward A"])')
P=$(printf '%s' "$TEAMS" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["Pharmacy"])')
status() {
	curl -s -o /dev/null -w '%{http_code}' -b "cp_session=$sid" \
		"http://127.0.0.1:$PORT/portal/waves/$WAVE/teams/$1${2:-}"
}
st=$(status "$P"); [ "$st" = 200 ] || fail "the facilitator cannot see Pharmacy ($st)"
[ "$(status "$P" /results.json)" = 200 ] || fail "the facilitator cannot download Pharmacy"
[ "$(status "$A")" = 404 ] || fail "the facilitator sees Ward A"
[ "$(status "$A" /report.pdf)" = 404 ] || fail "the facilitator got Ward A's PDF"
stop_server
CAREPULSE_NOW=$(($(date +%s) + 4 * 86400)) start_server
[ "$(status "$P")" = 404 ] || fail "the facilitator still sees Pharmacy after the date"
stop_server

# An open wave: its responses only, no score, until it closes.
open_wave=$("$SEED" "$CAREPULSE_DB" create compassionate-pulse Nursing \
	"Ward A" "Ward B" Pharmacy Small) || fail "create"
"$SEED" "$CAREPULSE_DB" invite "$open_wave" || fail "invite"
"$SEED" "$CAREPULSE_DB" respond "$open_wave" "Ward A" 6 --seed 9 || fail "respond"
start_server
sid=$(portal_session leada@example.org)
curl -s -b "cp_session=$sid" -o "$T/open.html" \
	"http://127.0.0.1:$PORT/portal/waves/$open_wave/teams/$A"
grep -q 'not closed yet' "$T/open.html" || fail "an open wave's page does not say so"
grep -q 'data-m="n">6<' "$T/open.html" || fail "an open wave's page lacks its responses"
! grep -q 'data-m="mean"' "$T/open.html" || fail "an open wave's page shows scores"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "cp_session=$sid" \
	"http://127.0.0.1:$PORT/portal/waves/$open_wave/teams/$A/report.pdf")
[ "$code" = 404 ] || fail "an open wave's PDF gave $code"
# The same pages in the viewer's language (Accept-Language; ?lang=),
# Arabic right to left, with the same numbers as in English.
# A change's words are the page's language: its numbers are compared.
numbers() {
	grep -o 'data-m="[a-z_0-9]*"[^>]*>[^<]*<' "$1" |
		sed 's/\(data-m="change"[^>]*>\)[^0-9<+-]*/\1/'
}
for page in "waves/$WAVE/teams/$A" "waves/$open_wave/teams/$A" waves; do
	curl -s -b "cp_session=$sid" -o "$T/en.html" \
		"http://127.0.0.1:$PORT/portal/$page"
	grep -q '<html lang="en" dir="ltr">' "$T/en.html" ||
		fail "/portal/$page in English lacks lang/dir"
	for l in cy ar; do
		curl -s -b "cp_session=$sid" -H "Accept-Language: $l;q=0.9, en;q=0.1" \
			-D "$T/$l.h" -o "$T/$l.html" "http://127.0.0.1:$PORT/portal/$page"
		grep -qi "^Content-Language: $l" "$T/$l.h" ||
			fail "/portal/$page for $l: Content-Language is not $l"
		[ "$(numbers "$T/en.html")" = "$(numbers "$T/$l.html")" ] ||
			fail "/portal/$page in $l: the numbers differ from English"
		! grep -q 'Sign out\|carepulse results<\|singled out' "$T/$l.html" ||
			fail "/portal/$page in $l has English text"
	done
	grep -q '<html lang="cy" dir="ltr">' "$T/cy.html" ||
		fail "/portal/$page in Welsh lacks lang=cy"
	grep -q 'Allgofnodi' "$T/cy.html" || fail "/portal/$page is not in Welsh"
	grep -q '<html lang="ar" dir="rtl">' "$T/ar.html" ||
		fail "/portal/$page in Arabic is not right to left"
	grep -q 'تسجيل الخروج' "$T/ar.html" || fail "/portal/$page is not in Arabic"
done
grep -q 'r don hon wedi cau: dim ond' "$T/cy.html" ||
	fail "the open wave's note is not in Welsh"
# Changes and dates in the page's language, on the installation's clocks.
curl -s -b "cp_session=$sid" -H "Accept-Language: cy" -o "$T/cy-team.html" \
	"http://127.0.0.1:$PORT/portal/waves/$WAVE/teams/$A"
grep -q 'i fyny [+-]\|i lawr [+-]\|dim newid canfyddadwy' "$T/cy-team.html" ||
	fail "the team page's changes are not in Welsh"
! grep -q 'no detectable change\|>up [+-]\|>down [+-]' "$T/cy-team.html" ||
	fail "the Welsh team page has English change words"
grep -q '; adolygu 15 Ionawr 2027' "$T/cy-team.html" ||
	fail "the action's review day is not in Welsh"
curl -s -b "cp_session=$sid" -H "Accept-Language: es" -o "$T/es-waves.html" \
	"http://127.0.0.1:$PORT/portal/waves"
grep -Eq '(lunes|martes|miércoles|jueves|viernes|sábado|domingo) [0-9]+ (de )?[a-z]+' "$T/es-waves.html" ||
	fail "the waves' dates are not in Spanish"
# The switch ?lang= wins over Accept-Language; signed out too.
curl -s -H 'Accept-Language: ar' -o "$T/es.html" "http://127.0.0.1:$PORT/portal/?lang=es"
grep -q '<html lang="es" dir="ltr">' "$T/es.html" || fail "?lang=es was not followed"
grep -q 'Inicie sesión para ver los resultados' "$T/es.html" ||
	fail "the sign-in page is not in Spanish"
stop_server

# The audit: sign-ins, views and downloads by viewers.
expect_exit 0 access log
expect_in out "fac@example.org"
expect_in out "download"
expect_in out "view"
echo "portal ok"
