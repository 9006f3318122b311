# Single sign-on in the results portal of `carepulse serve`, end to end:
# a real OpenID Connect provider on loopback (npm oidc-provider), and
# Debian's chromium that opens /portal/oidc/start, signs in on the
# provider's pages and comes back through /portal/oidc/callback. HR and a
# roster leader (whose address the provider spells in capitals) are
# signed in and see their waves; an address without access, one without
# an email claim, a made-up callback and a provider error are refused
# with a page that says why, and sign nobody in. The access log names the
# routes, never a code or a state; `access log` records the sign-ins.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
. "$CP_SOURCE_DIR/tests/oidc_lib.sh"
need node /usr/bin/chromium sqlite3 curl
need_npm playwright-core oidc-provider jose
browser="$BROWSER"
SERVER_PID=""
trap 'for p in $SERVER_PID $PROVIDER_PID; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
export PYTHONPATH="$CP_SOURCE_DIR/tests/py"
. "$CP_SOURCE_DIR/tests/portal_lib.sh"

portal_db
secret="portal-secret-$$"
start_provider "http://127.0.0.1:*/portal/oidc/callback" "$secret"
expect_exit 0 config set oidc.issuer "$ISSUER"
expect_exit 0 config set oidc.client_id carepulse
printf '%s\n' "$secret" >"$T/secret"
chmod 600 "$T/secret"
expect_exit 0 config set oidc.client_secret_file "$T/secret"

# Half configured: serve refuses to start, naming what is missing.
CAREPULSE_OIDC_CLIENT_SECRET_FILE="$T/missing" expect_exit 74 serve --listen 127.0.0.1:0
expect_in err "single sign-on"

# serve's port must be in the callback URL before it starts: take a free
# one, then serve on it with that base URL.
port=$("$PY" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
portal="http://127.0.0.1:$port"
# start_serve LOG: serve on that port in the background, in the caller's
# environment, its stderr in LOG; returns when it listens.
start_serve() {
	"$CAREPULSE" serve --listen "127.0.0.1:$port" --base-url "$portal" 2>"$1" &
	SERVER_PID=$!
	for _ in $(seq 1 100); do
		grep -q "127.0.0.1:$port/" "$1" && break
		kill -0 "$SERVER_PID" 2>/dev/null || { cat "$1" >&2; fail "serve did not start"; }
		sleep 0.1
	done
	grep -q "127.0.0.1:$port/" "$1" || fail "serve did not start"
}
start_serve "$T/server.log"
grep -q "serving the form" "$T/server.log" || fail "serve did not say what it serves"

# sso ACCOUNT: signs in through the portal; $T/page has the URL, status
# and text of the page it ends on.
sso() {
	node "$browser/oidc_portal.mjs" "$portal" "$1" "$CP_BINARY_DIR/portal-oidc-$1.png" >"$T/page" ||
		fail "the browser could not sign in as $1"
}
page_has() {
	grep -qF -- "$1" "$T/page" || { cat "$T/page" >&2; fail "expected '$1' on the page"; }
}

sso hr
[ "$(sed -n 1p "$T/page")" = "$portal/portal/waves" ] || { cat "$T/page" >&2; fail "HR did not land on the waves"; }
page_has "Sign out"
sso leada
[ "$(sed -n 1p "$T/page")" = "$portal/portal/waves" ] || { cat "$T/page" >&2; fail "the leader did not land on the waves"; }
page_has "Sign out"

sso alice
[ "$(sed -n 2p "$T/page")" = 403 ] || { cat "$T/page" >&2; fail "alice: expected 403"; }
page_has "You are not signed in"
page_has "your address has no access to results here"
sso nomail
[ "$(sed -n 2p "$T/page")" = 403 ] || fail "nomail: expected 403"
page_has "carries no email claim"

# A callback nobody began, and a provider error with words in it that
# must not reach the page.
code=$(curl -s -D "$T/headers" -o "$T/body" -w '%{http_code}' \
	-b "cp_pre=0123456789abcdef0123456789abcdef" \
	"$portal/portal/oidc/callback?code=c&state=made-up")
[ "$code" = 403 ] || fail "a made-up callback gave $code"
grep -qF "unknown or already used sign-in state" "$T/body" || fail "made-up callback page"
grep -qi "^set-cookie: cp_session" "$T/headers" && fail "a session was set"
code=$(curl -s -o "$T/body" -w '%{http_code}' \
	"$portal/portal/oidc/callback?error=access_denied&error_description=Call%20555-0100&state=x")
[ "$code" = 403 ] || fail "a provider error gave $code"
grep -qF "the sign-in service refused: access_denied" "$T/body" || fail "provider error page"
grep -qF "555-0100" "$T/body" && fail "the provider's words reached the page"
code=$(curl -s -o /dev/null -w '%{http_code}' --data x=y "$portal/portal/oidc/start")
[ "$code" = 405 ] || fail "a POST to start gave $code"
# start sets the pre-session cookie it binds to, and redirects with PKCE.
curl -s -D "$T/headers" -o /dev/null "$portal/portal/oidc/start"
grep -qi "^location: $ISSUER/auth?.*code_challenge_method=S256" "$T/headers" ||
	{ cat "$T/headers" >&2; fail "start did not redirect to the provider"; }
grep -qi "^set-cookie: cp_pre=[0-9a-f]\{32\}; Path=/portal; HttpOnly; SameSite=Lax" "$T/headers" ||
	fail "start set no pre-session cookie"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || fail "serve exited $? after SIGTERM"
SERVER_PID=""
grep -q "/portal/oidc/callback" "$T/server.log" || fail "the callback is not in the access log"
if grep -E "code=|state=|$secret" "$T/server.log"; then fail "a code, a state or the secret in the access log"; fi

# An installation run in Spanish: a refused sign-in's page and its reason
# (a check of core's single sign-on) are both in Spanish.
if locale -a 2>/dev/null | grep -qix 'es_ES.utf-\?8' || [ -n "${CI:-}" ]; then
	LANGUAGE=es LC_ALL=es_ES.UTF-8 start_serve "$T/server-es.log"
	code=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Accept-Language: es' \
		-b "cp_pre=0123456789abcdef0123456789abcdef" \
		"$portal/portal/oidc/callback?code=c&state=made-up")
	[ "$code" = 403 ] || fail "a made-up callback in Spanish gave $code"
	grep -qF "El inicio de sesión único no le ha dado acceso (estado de inicio de sesión desconocido o ya usado)." "$T/body" ||
		{ cat "$T/body" >&2; fail "the refusal is not in Spanish"; }
	kill -TERM "$SERVER_PID"
	wait "$SERVER_PID" || fail "serve in Spanish exited $? after SIGTERM"
	SERVER_PID=""
else
	echo "SKIP (part): locale es_ES.UTF-8 is not generated (scripts/setup generates it)"
fi
expect_exit 0 access log
expect_in out "hr@example.org"
expect_in out "leada@example.org"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM audit WHERE event = 'signin' AND detail = 'verified address'")" = 2 ] ||
	fail "expected two single sign-on sign-ins in the audit"
echo "portal single sign-on ok"
