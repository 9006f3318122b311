# tests/oidc_lib.sh - sourced by the single sign-on tests (after lib.sh):
# the npm peers they need, and a real OpenID Connect provider on loopback
# (tests/browser/oidc_provider.mjs) that is killed when the test ends.
BROWSER="$CP_SOURCE_DIR/tests/browser"
PROVIDER_PID=""

# need_npm MODULE...: skips (77) on a developer machine, fails in CI, when
# a module of tests/browser is not installed.
need_npm() {
	for m in "$@"; do
		if [ ! -d "$BROWSER/node_modules/$m" ]; then
			[ -n "${CI:-}" ] && fail "$m is missing: run scripts/setup (npm ci in tests/browser)"
			echo "SKIP: $m is not installed (scripts/setup runs npm ci in tests/browser)"
			exit 77
		fi
	done
}

# start_provider REDIRECT SECRET: the provider with the clients carepulse
# and carepulse-post (see oidc_provider.mjs); sets ISSUER and
# PROVIDER_PID, its log in $T/provider.log. The caller's EXIT trap kills
# $PROVIDER_PID.
start_provider() {
	rm -f "$T/idp-port"
	node "$BROWSER/oidc_provider.mjs" "$T/idp-port" "$1" "$2" >"$T/provider.log" 2>&1 &
	PROVIDER_PID=$!
	for _ in $(seq 1 300); do
		[ -s "$T/idp-port" ] && break
		kill -0 "$PROVIDER_PID" 2>/dev/null || { cat "$T/provider.log" >&2; fail "the provider did not start"; }
		sleep 0.1
	done
	[ -s "$T/idp-port" ] || fail "the provider wrote no port within 30 s"
	ISSUER="http://127.0.0.1:$(cat "$T/idp-port")"
}

# stop_provider: SIGTERM, and waits for it.
stop_provider() {
	kill -TERM "$PROVIDER_PID" 2>/dev/null
	wait "$PROVIDER_PID" 2>/dev/null
	PROVIDER_PID=""
}
