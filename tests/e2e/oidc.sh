# Single sign-on against a real OpenID Connect provider on loopback: npm
# oidc-provider (tests/browser/oidc_provider.mjs), signed in to by Debian's
# chromium (oidc_login.mjs) as a person would. The relying party is core's
# (core/access/oidc.c), driven by tests/tools/oidc_rp.c: begin, the
# browser's sign-in, finish. Then every check must refuse what it should:
# a replayed state, another browser's callback, wrong issuer and audience,
# expired and future tokens, a bad nonce, forged signatures (another key,
# changed claims, alg none, HS256 under the client secret), a missing or
# unverified email, a wrong client secret, an issuer that is not exactly
# the provider's; and a provider that gives the address at userinfo only.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/oidc_lib.sh"
need node /usr/bin/chromium sqlite3
need_npm playwright-core oidc-provider jose
browser="$BROWSER"
rp="$CP_TOOLS_DIR/oidc_rp"
db="$T/sso.db"
redirect="http://127.0.0.1:9/portal/oidc/callback"
secret="test-secret-$$"

trap 'if [ -n "$PROVIDER_PID" ]; then kill -KILL "$PROVIDER_PID" 2>/dev/null; fi; rm -rf "$T"' EXIT
start_provider "$redirect" "$secret"
issuer="$ISSUER"

export CAREPULSE_OIDC_ISSUER="$issuer" CAREPULSE_OIDC_CLIENT_ID=carepulse
export CAREPULSE_OIDC_REDIRECT_URL="$redirect"
# The secret from a file, as an installation keeps it.
printf '%s\n' "$secret" >"$T/secret"
chmod 600 "$T/secret"
export CAREPULSE_OIDC_CLIENT_SECRET_FILE="$T/secret"

# rp ARGS...: runs the driver, stdout in $T/out, stderr in $T/err, $rc.
rp() {
	rc=0
	"$rp" "$db" "$@" >"$T/out" 2>"$T/err" || rc=$?
}
refused() { # refused TEXT: the last rp call was refused saying TEXT
	[ "$rc" = 1 ] || { cat "$T/out" "$T/err" >&2; fail "expected a refusal ($1), got exit $rc"; }
	expect_in err "$1"
	[ ! -s "$T/out" ] || fail "a refusal printed an address: $(cat "$T/out")"
}

# The browser's secret (the portal's pre-session cookie) a sign-in is
# bound to.
binding="browser-secret-$$-0123456789"

# sign_in ACCOUNT: begin, then the browser signs in as ACCOUNT; sets
# $state and $callback.
sign_in() {
	rp begin "$binding"
	[ "$rc" = 0 ] || { cat "$T/err" >&2; fail "begin failed"; }
	auth=$(sed -n 1p "$T/out")
	state=$(sed -n 2p "$T/out")
	case "$auth" in
	"$issuer"/*code_challenge_method=S256*) ;;
	*) fail "authorization URL: $auth" ;;
	esac
	callback=$(node "$browser/oidc_login.mjs" "$auth" "$1" "$redirect") ||
		fail "the browser could not sign in as $1"
	case "$callback" in
	"$redirect?"*"state=$state"*) ;;
	*) fail "callback: $callback" ;;
	esac
}

# The whole flow: the verified address comes back.
sign_in alice
rp finish "$callback" "$binding"
[ "$rc" = 0 ] || { cat "$T/err" >&2; fail "finish refused alice"; }
[ "$(cat "$T/out")" = "alice@example.org" ] || fail "address: $(cat "$T/out")"
# The same callback again: the state is used.
rp finish "$callback" "$binding"
refused "unknown or already used sign-in state"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM oidc_pending')" = 0 ] || fail "a used state stays"
# Neither the client secret, nor the state, nor the browser's secret is
# kept in clear.
if sqlite3 "$db" .dump | grep -qF -e "$secret" -e "$state" -e "$binding"; then fail "a secret in the database"; fi

# The callback in another browser: its cookie differs (or is missing),
# and the state is spent by the attempt.
sign_in alice
rp finish "$callback" "another-browser-0123456789"
refused "begun in another browser"
rp finish "$callback" "$binding"
refused "unknown or already used sign-in state"
sign_in alice
rp finish "$callback" -
refused "begun in another browser"

# A provider's error comes through as a refusal.
rp finish "$redirect?error=access_denied&error_description=no%20thanks&state=x" "$binding"
refused "the provider refused the sign-in: access_denied - no thanks"

# No email, an unverified one, one without email_verified.
sign_in nomail
rp finish "$callback" "$binding"
refused "carries no email claim"
sign_in unverified
rp finish "$callback" "$binding"
refused "the provider says the email 'bob@example.org' is not verified"
sign_in silent
rp finish "$callback" "$binding"
refused "does not say the email 'carol@example.org' is verified"
sign_in silent
CAREPULSE_OIDC_EMAIL_VERIFIED=when_present rp finish "$callback" "$binding"
[ "$rc" = 0 ] && [ "$(cat "$T/out")" = "carol@example.org" ] || fail "when_present refused carol: $(cat "$T/err")"

# A wrong client secret: the token endpoint refuses the code.
sign_in alice
CAREPULSE_OIDC_CLIENT_SECRET=wrong rp finish "$callback" "$binding"
refused "token endpoint refused the code: invalid_client"

# client_secret_post with the second client.
export CAREPULSE_OIDC_CLIENT_ID=carepulse-post CAREPULSE_OIDC_CLIENT_AUTH=post
sign_in alice
rp finish "$callback" "$binding"
[ "$rc" = 0 ] && [ "$(cat "$T/out")" = "alice@example.org" ] || fail "client_secret_post: $(cat "$T/err")"
export CAREPULSE_OIDC_CLIENT_ID=carepulse
unset CAREPULSE_OIDC_CLIENT_AUTH

# A real ID token, then each claim check and forged signatures.
sign_in alice
rp redeem "$callback" "$binding"
[ "$rc" = 0 ] || { cat "$T/err" >&2; fail "redeem"; }
token=$(sed -n 1p "$T/out")
nonce=$(sed -n 2p "$T/out")
rp verify "$token" "$nonce"
[ "$rc" = 0 ] && [ "$(cat "$T/out")" = "alice@example.org" ] || fail "the real token was refused: $(cat "$T/err")"
rp verify "$token" "$nonce" 0 carepulse "http://127.0.0.1:1"
refused "the ID token's issuer '$issuer' is not oidc.issuer 'http://127.0.0.1:1'"
rp verify "$token" "$nonce" 0 someone-else
refused "audience does not include the client id 'someone-else'"
rp verify "$token" "$nonce" 7200
refused "the ID token expired"
rp verify "$token" "$nonce" -3600
refused "seconds in the future"
rp verify "$token" "not-the-nonce"
refused "nonce is not the one this sign-in sent"
rp verify "$(node "$browser/oidc_forge.mjs" resign "$token")" "$nonce"
refused "signature does not verify"
rp verify "$(node "$browser/oidc_forge.mjs" email "$token")" "$nonce"
refused "signature does not verify"
rp verify "$(node "$browser/oidc_forge.mjs" none "$token")" "$nonce"
refused "signed with 'none'"
rp verify "$(node "$browser/oidc_forge.mjs" hs256 "$token" "$secret")" "$nonce"
refused "signed with 'HS256'"

# The issuer must be exactly the provider's: a trailing / is another one.
CAREPULSE_OIDC_ISSUER="$issuer/" rp begin "$binding"
refused "names the issuer '$issuer', not oidc.issuer '$issuer/'"
# A provider that does not answer.
CAREPULSE_OIDC_ISSUER="http://127.0.0.1:1" rp begin "$binding"
refused "cannot fetch the provider's discovery document"
# No secret: refused before anything is sent.
CAREPULSE_OIDC_CLIENT_SECRET_FILE="$T/none" rp begin "$binding"
[ "$rc" = 1 ] || fail "a missing secret file was accepted"
(unset CAREPULSE_OIDC_CLIENT_SECRET_FILE; "$rp" "$db" begin "$binding" >"$T/out" 2>"$T/err") && fail "no secret was accepted"
expect_in err "no OpenID Connect client secret"
if grep -qF "$secret" "$T/provider.log" "$T/err"; then fail "the secret was printed"; fi

stop_provider

# A provider that gives the address at userinfo only: asked there, with
# the access token, about the ID token's subject.
OIDC_CLAIMS=userinfo start_provider "$redirect" "$secret"
export CAREPULSE_OIDC_ISSUER="$ISSUER"
issuer="$ISSUER"
sign_in alice
rp redeem "$callback" "$binding"
[ "$rc" = 0 ] || { cat "$T/err" >&2; fail "redeem (userinfo)"; }
rp verify "$(sed -n 1p "$T/out")" "$(sed -n 2p "$T/out")"
refused "the ID token carries no email claim"
sign_in alice
rp finish "$callback" "$binding"
[ "$rc" = 0 ] && [ "$(cat "$T/out")" = "alice@example.org" ] || fail "userinfo: $(cat "$T/err")"
sign_in nomail
rp finish "$callback" "$binding"
refused "the provider's userinfo carries no email claim"
sign_in unverified
rp finish "$callback" "$binding"
refused "the provider says the email 'bob@example.org' is not verified"
stop_provider
echo "ok"
