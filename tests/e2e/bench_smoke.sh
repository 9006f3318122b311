# The benchmark runner works end to end at the small scale: it generates
# the data, measures every workload's limit and peer, and prints its
# tables. A smoke test only: no timing is asserted.
. "$CP_TEST_LIB"
need wrk /usr/bin/python3 /usr/bin/time
for mod in pandas matplotlib reportlab aiosmtpd; do
	if ! /usr/bin/python3 -c "import $mod" 2>/dev/null; then
		[ -n "${CI:-}" ] && fail "python3-$mod is required in CI but missing: run scripts/setup"
		echo "SKIP: python3-$mod is not installed (scripts/setup installs it)"
		exit 77
	fi
done

rc=0
/usr/bin/python3 "$CP_SOURCE_DIR/bench/run" --scale small --runs 1 \
	--duration 1 --build "$CP_BINARY_DIR" --work "$T/bench" \
	>"$T/out" 2>"$T/err" || rc=$?
if [ "$rc" != 0 ]; then
	echo "--- stdout" >&2; cat "$T/out" >&2
	echo "--- stderr" >&2; cat "$T/err" >&2
	fail "bench/run --scale small exited $rc"
fi
for title in "### import all answers" "### results for all teams" \
	"### team report" "### form submissions under load" \
	"invitations to a loopback SMTP server" "runner finished"; do
	expect_in out "$title"
done
expect_in out "| limit: multi-row INSERT, one transaction | "
expect_in out "| peer: pandas read_csv + groupby | "
expect_in out "| limit: bare libmicrohttpd, one commit per post | "
expect_in out "| ref: bare libmicrohttpd, SQLite in memory (no disk), "
expect_in out "- carepulse / HTTP ceiling: "
expect_in out "| peer: python3 smtplib, one connection | "
expect_in out "- target: "
# The import's limits and peer write carepulse's own tables (copied from a
# database `carepulse init` made) and the same rows as its import: the
# runner compares their schema and rows with carepulse's.
for who in prepared multi-row "per wave file" python; do
	expect_in out "- same tables and rows as carepulse's import, $who: yes"
done
if grep -F "same tables and rows as carepulse's import" "$T/out" |
	grep -v ': yes$' >&2; then
	fail "a limit or the peer of the import wrote other tables or rows than carepulse's import"
fi
if grep -E '^\| (limit|peer|ref):[^|]*\| failed' "$T/out" >&2; then
	fail "a limit or peer failed (log: $T/bench/run.log)"
fi
# Every carepulse column is measured: import, results, both reports (and
# their controls with fewer answers), serve and send.
for row in "carepulse import" "carepulse results --format json" \
	"carepulse results --all-waves" \
	"carepulse results, control" "carepulse report team (" \
	"carepulse report compare (" "carepulse report team, control" \
	"carepulse serve" "carepulse send"; do
	grep -F "| $row" "$T/out" >/dev/null || fail "no row '$row'"
done
if grep -E '^\| carepulse[^|]*\| [^0-9]' "$T/out" >&2; then
	fail "a carepulse column was not measured (log: $T/bench/run.log)"
fi
if grep -E 'target: .*\*\*(carepulse:|failed|set-up|needs)' "$T/out" >&2; then
	fail "a target could not be judged (log: $T/bench/run.log)"
fi
[ -s "$T/bench/reports/python/team.pdf" ] || fail "the matplotlib peer wrote no team report"
[ -s "$T/bench/reports/carepulse/team.pdf" ] || fail "carepulse wrote no team report"
[ -s "$T/bench/reports/carepulse/comparison.pdf" ] || fail "carepulse wrote no comparison"
# serve takes all of wrk's connections from one address, as behind a
# reverse proxy: the runner starts it with --per-ip 0, and none is
# refused (at huge the default 64 refused half of wrk's 128).
grep -F -- " serve --listen 127.0.0.1:" "$T/bench/run.log" |
	grep -F -- " --per-ip 0 " >/dev/null ||
	fail "the runner did not start serve with --per-ip 0"
if grep -F "Server reached connection limit" "$T/bench/run.log" >&2; then
	fail "serve refused a connection of wrk's (log: $T/bench/run.log)"
fi
echo "bench smoke ok"
