# The libraries opened at first use (core/base/lazy.c: libmicrohttpd,
# libcurl, cjose) missing at run time, as on a broken installation: each
# is hidden in a private mount namespace (an empty file bound over it), so
# dlopen fails as the dynamic loader would at start-up. A command that
# needs the library stops with status 127 and the loader's message naming
# it, before it changes anything; the commands that do not need it work.
. "$CP_TEST_LIB"
need unshare mount sqlite3
if ! unshare -m true 2>/dev/null; then
	[ -n "${CI:-}" ] && fail "unshare -m is not permitted: CI runs as root"
	echo "SKIP: cannot make a mount namespace (needs root)"
	exit 77
fi

# soname STEM: the soname the binary opens (it is in its strings), and
# path_of SONAME the file the loader would find for it.
soname() {
	grep -ao "$1\.so\.[0-9]*" "$CAREPULSE" | head -n 1
}
path_of() {
	p=$(/usr/sbin/ldconfig -p | awk -v s="$1" '$1 == s { print $NF; exit }')
	[ -n "$p" ] || { echo "FAIL: ldconfig does not know $1" >&2; exit 1; }
	readlink -f "$p"
}

# hidden SONAME EXPECTED CMD...: runs carepulse with SONAME's file hidden,
# fails unless it exits EXPECTED; stdout and stderr as run() keeps them.
hidden() {
	local file want
	file=$(path_of "$1") || exit 1
	want=$2
	shift 2
	rc=0
	unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' \
		sh "$file" "$CAREPULSE" "$@" >"$T/out" 2>"$T/err" || rc=$?
	if [ "$rc" != "$want" ]; then
		echo "--- stdout" >&2; cat "$T/out" >&2
		echo "--- stderr" >&2; cat "$T/err" >&2
		fail "carepulse $* with $file hidden exited $rc, expected $want"
	fi
}

mhd=$(soname libmicrohttpd)
curl=$(soname libcurl)
cjose=$(soname libcjose)
[ -n "$mhd" ] && [ -n "$curl" ] && [ -n "$cjose" ] ||
	fail "the binary does not name its lazily opened libraries ($mhd, $curl, $cjose)"

export CAREPULSE_NOW=1795000000
expect_exit 0 init
expect_exit 0 team import "$CP_SOURCE_DIR/tests/data/roster-utf8.csv"
export CAREPULSE_WEBHOOK_URL="http://127.0.0.1:9/hooks/unreachable"
export CAREPULSE_WEBHOOK_SECRET="whsec_$(printf 'test-secret-0123456789abcdef' | base64)"
expect_exit 0 wave create --survey compassionate-pulse --team Pharmacy --channel webhook
db_dump >before.sql

# serve needs libmicrohttpd, and loads libcurl before its threads start.
hidden "$mhd" 127 serve --listen 127.0.0.1:0
expect_in err "$mhd"
expect_not_in err "serving the form"
hidden "$curl" 127 serve --listen 127.0.0.1:0
expect_in err "$curl"
expect_not_in err "serving the form"
# send over a webhook needs libcurl: nothing is marked sent.
hidden "$curl" 127 send 1
expect_in err "$curl"
db_dump >after.sql
cmp -s before.sql after.sql || { diff before.sql after.sql | head -20 >&2; fail "a command stopped for a missing library changed the database"; }

# Commands that need none of them work without each of them.
expect_exit 0 wave close 1
for lib in "$mhd" "$curl" "$cjose"; do
	hidden "$lib" 0 results 1
	expect_in out "Pharmacy"
	hidden "$lib" 0 wave list
	hidden "$lib" 0 report team --wave 1 --team Pharmacy -o "$T/report.pdf"
	[ -s "$T/report.pdf" ] || fail "no report with $lib hidden"
	rm -f "$T/report.pdf"
done
echo "lazy libraries ok: $mhd, $curl, $cjose"
