# The man page, generated from the command table at build time, has a
# section for every command that `carepulse help` lists and every option
# that command's --help shows (both come from the same table), and groff
# reads it without a warning.
set -u
man="$1"
t=$(mktemp -d "${TMPDIR:-/tmp}/cp-man.XXXXXX")
trap 'rm -rf "$t"' EXIT
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
[ -s "$man" ] || fail "no man page at $man"
"$CAREPULSE" help >"$t/overview" 2>&1 || fail "carepulse help"
n=0
while read -r cmd; do
	grep -qF ".SS \"carepulse $cmd\"" "$man" || fail "carepulse.1 has no section for '$cmd'"
	# shellcheck disable=SC2086 # a command is one or two words
	"$CAREPULSE" help $cmd >"$t/help" || fail "carepulse help $cmd"
	for opt in $(grep -oE -- '--[a-z][a-z-]*' "$t/help" | sort -u); do
		[ "$opt" = --help ] && continue
		grep -qF -- "\\fB$(printf '%s' "$opt" | sed 's/-/\\-/g')\\fR" "$man" ||
			fail "carepulse.1 lacks $opt of '$cmd'"
	done
	n=$((n + 1))
done < <(sed -n 's/^  \([a-z][a-z]*\( [a-z][a-z]*\)\?\)  .*/\1/p' "$t/overview")
[ "$n" -ge 20 ] || fail "found only $n commands in 'carepulse help'"
if command -v groff >/dev/null 2>&1; then
	warn=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
	[ -z "$warn" ] || fail "groff warns: $warn"
elif [ -n "${CI:-}" ]; then
	fail "groff is required in CI but missing: run scripts/setup"
else
	echo "SKIP: groff is not installed"; exit 77
fi
