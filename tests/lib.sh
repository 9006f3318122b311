# tests/lib.sh - sourced by every end-to-end test. Gives a private temporary
# directory, assertions that say what was expected, and `need` for tools:
# a missing tool skips (77) on a developer machine but fails in CI.
set -u
: "${CAREPULSE:?CAREPULSE must point at the built binary (run through ctest)}"
: "${CP_SOURCE_DIR:?}"

T=$(mktemp -d "${TMPDIR:-/tmp}/cp-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export CAREPULSE_DB="$T/carepulse.db"
unset CAREPULSE_KEY_FILE CAREPULSE_THRESHOLD CAREPULSE_COMMENT_THRESHOLD
unset CAREPULSE_LANGUAGE CAREPULSE_TIMEZONE
# The command line speaks the operator's language (LANGUAGE, LC_*): the
# tests read its English.
unset LANGUAGE
export LC_ALL=C.UTF-8

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

need() {
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			if [ -n "${CI:-}" ]; then
				fail "$tool is required in CI but missing: run scripts/setup"
			fi
			echo "SKIP: $tool is not installed (scripts/setup installs it)"
			exit 77
		fi
	done
}

# need_locales: the system locales of the shipped languages, which the
# pages and e-mails in them need (scripts/setup generates them).
need_locales() {
	for l in cy_GB es_ES pl_PL ar_EG; do
		if ! locale -a 2>/dev/null | grep -qix "$l.utf-\?8"; then
			[ -n "${CI:-}" ] && fail "locale $l.UTF-8 is missing: run scripts/setup"
			echo "SKIP: locale $l.UTF-8 is not generated (scripts/setup generates it)"
			exit 77
		fi
	done
}

# run CMD...: runs carepulse, keeping stdout in $T/out, stderr in $T/err and
# the exit status in $rc.
run() {
	rc=0
	"$CAREPULSE" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

# expect_exit N CMD...: runs carepulse and fails unless it exits N.
expect_exit() {
	want=$1
	shift
	run "$@"
	if [ "$rc" != "$want" ]; then
		echo "--- stdout" >&2; cat "$T/out" >&2
		echo "--- stderr" >&2; cat "$T/err" >&2
		fail "carepulse $* exited $rc, expected $want"
	fi
}

# expect_in FILE TEXT: FILE (out or err) contains TEXT literally.
expect_in() {
	if ! grep -qF -- "$2" "$T/$1"; then
		echo "--- $1" >&2; cat "$T/$1" >&2
		fail "expected '$2' in $1"
	fi
}

expect_not_in() {
	if grep -qF -- "$2" "$T/$1"; then
		echo "--- $1" >&2; cat "$T/$1" >&2
		fail "did not expect '$2' in $1"
	fi
}

# db_dump: a stable text dump of the database, to prove nothing changed.
db_dump() {
	sqlite3 "$CAREPULSE_DB" .dump
}
