#!/usr/bin/env bash
# tests/fault/loop.sh KIND COMMAND - a fault loop, as SQLite and curl run
# them: runs one carepulse command again and again with the Nth allocation
# (KIND alloc) or the Nth write or fsync (KIND io) failing, through the
# LD_PRELOAD shim of shim.c, and after every run checks that
#   - it exited 0 or with a documented status (1, 64, 65, 69, 74), never
#     by a signal, and with a message on stderr when not 0;
#   - sqlite3's integrity_check says ok;
#   - the data (a .dump of the database, the files beside it) is what it
#     was before the command or what a clean run leaves, and a run that
#     exits 0 leaves exactly that and prints what a clean run prints;
#   - after a failure, running the command again without a fault
#     succeeds and leaves what a clean run leaves. `send` and `init` may
#     stop part way (send is resumable by design; init applies each
#     schema migration in a transaction of its own, then adds the
#     surveys): for them only this last check holds.
# COMMAND: init, team_import, import, import_multi (three files of two
# waves in one call: the import's reader thread and both kinds of bulk
# load part), send, submit (one form submission through
# tests/fault/submit.c, as the server's writer stores it), results,
# results_multi (three waves in one call: the loader thread) or report.
#
# N runs over every call the clean run makes when there are at most
# CP_FAULT_BUDGET of them (default 150), else over the first third of
# that budget and an even spread of the rest; CP_FAULT_BUDGET=0 tries
# every N. The last run, N past the end, must hit no fault and succeed.
# CP_FAIL_PERSIST=1 makes every call from the Nth on fail.
. "$CP_TEST_LIB"
need sqlite3 openssl
[ $# -eq 2 ] || fail "usage: loop.sh alloc|io COMMAND"
kind=$1
cmd=$2
shim=${CP_FAULT_SHIM:?the path of libcpfault.so}
case $kind in
alloc) var=CP_FAIL_ALLOC ;;
io) var=CP_FAIL_IO ;;
*) fail "unknown kind '$kind'" ;;
esac
budget=${CP_FAULT_BUDGET:-150}
here=$CP_SOURCE_DIR/tests/fault
export CAREPULSE_NOW=1795000000 SOURCE_DATE_EPOCH=1795000000
W=$T/work   # where every run happens: restored from $T/before each time
export CAREPULSE_DB=$W/carepulse.db
mkdir -p "$W"
cd "$W" || exit 1

# ---- the state before the command ----
cp_ok() { "$CAREPULSE" "$@" >"$T/setup.out" 2>&1 || { cat "$T/setup.out" >&2; fail "setup: carepulse $*"; }; }
setup_wave() {
	cp_ok init
	cp_ok team import "$CP_SOURCE_DIR/tests/data/roster-utf8.csv"
	cp_ok config set outbox.dir "$W/outbox"
	cp_ok config set mail.from 'Team Pulse <pulse@example.org>'
	cp_ok wave create --survey compassionate-pulse --team Nursing --subteams \
		--team Pharmacy --channel outbox --self --threshold 3
}
body="pulse.compassion=1&pulse.confidence=2&pulse.collaborative=3&pulse.contemplative=4&pulse.civil=5&pulse.curiosity=1&pulse.courage=2&pulse.attending=3&pulse.understanding=4&pulse.empathising=5&pulse.helping=1&would_help=More time, please"
case $cmd in
init) run_args=(init) ;;
team_import)
	cp_ok init
	# Changes of every kind: a member leaves, one moves, one is new.
	printf '%s\n' 'email,name,team,parent_team,role' \
		'zoe@example.org,Zoe,Pharmacy,,leader' \
		'gone@example.org,Gone Away,Pharmacy,,' >"$T/old.csv"
	cp_ok team import "$T/old.csv"
	run_args=(team import "$CP_SOURCE_DIR/tests/data/roster-utf8.csv") ;;
import)
	setup_wave
	run_args=(import 1 "$here/responses.csv") ;;
import_multi)
	# Two files of wave 1 (written together, as one part) and one of
	# wave 2 (a part of its own, filled by the reader thread).
	setup_wave
	cp_ok wave create --survey compassionate-pulse --team Nursing --subteams \
		--team Pharmacy --channel outbox --threshold 3
	head -n 4 "$here/responses.csv" >"$W/a.csv"
	{ head -n 1 "$here/responses.csv"; sed -n 5,8p "$here/responses.csv"; } >"$W/b.csv"
	cp "$here/responses.csv" "$W/c.csv"
	run_args=(import 1 "$W/a.csv" 1 "$W/b.csv" 2 "$W/c.csv") ;;
send)
	setup_wave
	run_args=(send 1) ;;
submit)
	cp_ok init
	cp_ok team import "$CP_SOURCE_DIR/tests/data/roster-utf8.csv"
	"$CP_TOOLS_DIR/cp_invite" "$W/carepulse.db" Pharmacy compassionate-pulse \
		>"$T/tokens" 2>"$T/setup.out" || { cat "$T/setup.out" >&2; fail "setup: cp_invite"; }
	token=$(head -n 1 "$T/tokens" | cut -d' ' -f2)
	run_args=(--tool "$CP_FAULT_SUBMIT" "$W/carepulse.db" "$token" "$body") ;;
results_multi)
	# Three closed waves in one call: the results' loader thread loads
	# each wave while the one before it is printed (cp_results_series).
	setup_wave
	for w in 2 3; do
		cp_ok wave create --survey compassionate-pulse --team Nursing \
			--subteams --team Pharmacy --channel outbox --threshold 3
	done
	for w in 1 2 3; do
		# A row fewer each wave: other results, and another file.
		head -n $((13 - w)) "$here/responses.csv" >"$T/wave$w.csv"
		cp_ok import "$w" "$T/wave$w.csv"
		cp_ok wave close "$w"
	done
	run_args=(results --all-waves --items --format json) ;;
results | report)
	setup_wave
	cp_ok import 1 "$here/responses.csv"
	cp_ok wave close 1
	if [ "$cmd" = results ]; then
		run_args=(results 1 --items)
	else
		run_args=(report team --wave 1 --team Pharmacy -o "$W/report.pdf")
		# libharu 2.3.0 crashes on a failed allocation of its own (in
		# HPDF_Page_ShowText, a copy to the NULL it got): spare it.
		# HarfBuzz survives one by design but says nothing: a table
		# it cannot load is used as empty (no glyphs, no joining), so
		# the report would come out quietly wrong; hb-subset (6.0) can
		# leave its source face broken (a bad free when it is
		# destroyed) and FriBidi 1.0.8 crashes in its run list: spare
		# them too. reports/text.c's own allocations are not spared.
		export CP_FAIL_SPARE=libhpdf,libharfbuzz,libfribidi
	fi ;;
*) fail "unknown command '$cmd'" ;;
esac
rm -rf "$T/before"
cp -a "$W" "$T/before"

restore() {
	cd "$T" && rm -rf "$W" && cp -a "$T/before" "$W" && cd "$W" || fail "cannot restore $W"
}

# run [ENV...]: the command in $W, stdout in $T/out, stderr in $T/err,
# the exit status in $rc.
run_cmd() {
	local prog=("$CAREPULSE") args=("${run_args[@]}")
	if [ "${args[0]}" = --tool ]; then
		prog=("${args[1]}")
		args=("${args[@]:2}")
	fi
	rc=0
	env "$@" "${prog[@]}" "${args[@]}" >"$T/out.raw" 2>"$T/err" || rc=$?
	# Rates and durations differ from run to run.
	sed -E 's|[0-9.]+ s \([0-9]+/s\)|<time>|g' "$T/out.raw" >"$T/out"
}

# The data: the database as SQL, then every other file with its digest
# (the key only by name: it is random), SQLite's own files left out.
# Response ids are random (they must not tell the order of answers), so
# they are masked and the lines sorted. SQLite takes an empty file for an
# empty database, as if there were none: a failed init may leave one.
mask() { cat; }
if [ "$cmd" = send ]; then
	# An invitation sent on the rerun counts its attempts: that is all
	# that may differ from a clean run.
	mask() { sed -E "s/^(INSERT INTO invitation VALUES\([^']*'[a-z]+',X'[0-9a-f]+','[a-z]+'),[0-9]+,/\1,<attempts>,/"; }
fi
# The key check value the database records is the random key's: it is
# masked only when it is the check of the key file beside it (HMAC-SHA256
# of a fixed label under the key, cp_key_check), so a run that leaves a
# database and a key that do not belong together differs from a clean one.
key_check_of() {
	[ -s "$W/carepulse.db.key" ] || return 0
	printf '%s' "carepulse installation key check v1" |
		openssl dgst -sha256 -mac HMAC \
			-macopt "hexkey:$(od -An -v -tx1 "$W/carepulse.db.key" | tr -d ' \n')" |
		sed 's/.* //' | cut -c1-32
}
state() {
	local dump="" check
	check=$(key_check_of)
	[ -s "$W/carepulse.db" ] &&
		dump=$(sqlite3 "$W/carepulse.db" .dump 2>&1 |
			sed "s/X'[0-9a-f]\{32\}'/X'<random>'/g" |
			sed "s/^\(INSERT INTO key_check VALUES(1,'\)${check:-<none>}'/\1<the key's check>'/" |
			mask | LC_ALL=C sort)
	if printf '%s\n' "$dump" | grep -q '^CREATE '; then
		printf '%s\n' "$dump"
	else
		echo "<no database>"
	fi
	(cd "$W" && find . -type f ! -name carepulse.db ! -name 'carepulse.db-*' | sort |
		while read -r f; do
			case $f in
			./carepulse.db.key) echo "$f" ;;
			*) echo "$f $(md5sum <"$f" | cut -d' ' -f1)" ;;
			esac
		done)
}

state >"$T/state.before"
# A clean run: what the command leaves and prints, and how many calls
# it makes.
rm -f "$T/log"
run_cmd LD_PRELOAD="$shim" CP_FAIL_LOG="$T/log"
[ "$rc" = 0 ] || { cat "$T/err" >&2; fail "the clean run exited $rc"; }
state >"$T/state.after"
cp "$T/out" "$T/out.clean"
total=$(sed -n "s/^count $kind //p" "$T/log")
[ -n "$total" ] && [ "$total" -gt 0 ] || fail "the clean run made no $kind calls"

# The Ns to try.
ns=()
if [ "$budget" = 0 ] || [ "$total" -le "$budget" ]; then
	ns=($(seq 1 "$total"))
else
	dense=$((budget / 3))
	ns=($(seq 1 "$dense"))
	spread=$((budget - dense))
	for i in $(seq 1 "$spread"); do
		ns+=($((dense + (total - dense) * i / spread)))
	done
fi
# The run past the end. A submission takes a random free response slot,
# so the pages SQLite reads, and with them its page cache's allocations,
# differ from run to run by a few: past the end is further out for it.
past=$((total + 1))
[ "$cmd" = submit ] && past=$((total + total / 10 + 100))
ns+=("$past")

checked=0 failures=0 resumed=0
bad() {
	echo "--- N=$n ($var), exit $rc" >&2
	echo "--- stderr" >&2
	head -n 20 "$T/err" >&2
	fail "$kind fault $n of $total in ${run_args[*]}: $*"
}
for n in "${ns[@]}"; do
	restore
	rm -f "$T/log"
	run_cmd LD_PRELOAD="$shim" "$var=$n" CP_FAIL_LOG="$T/log" \
		CP_FAIL_IO_ERRNO="$([ $((n % 2)) = 0 ] && echo ENOSPC || echo EIO)"
	hit=0
	grep -q "^$kind $n\$" "$T/log" 2>/dev/null && hit=1
	case $rc in
	0 | 1 | 64 | 65 | 69 | 74) ;;
	*) bad "exit status $rc (a signal, or undocumented)" ;;
	esac
	if [ "$rc" != 0 ]; then
		[ -s "$T/err" ] || bad "failed without a message"
		failures=$((failures + 1))
	fi
	if [ -s "$W/carepulse.db" ]; then
		ic=$(sqlite3 "$W/carepulse.db" 'pragma integrity_check' 2>&1)
		[ "$ic" = ok ] || bad "integrity_check: $ic"
	fi
	state >"$T/state.now"
	if [ "$rc" = 0 ]; then
		cmp -s "$T/state.now" "$T/state.after" ||
			bad "exit 0 but the data is not a clean run's: $(diff "$T/state.after" "$T/state.now" | head -n 5)"
		cmp -s "$T/out" "$T/out.clean" ||
			bad "exit 0 but it printed other output: $(diff "$T/out.clean" "$T/out" | head -n 5)"
	elif ! cmp -s "$T/state.now" "$T/state.after"; then
		if ! cmp -s "$T/state.now" "$T/state.before"; then
			[ "$cmd" = send ] || [ "$cmd" = init ] ||
				bad "the data is neither as before nor as after: $(diff "$T/state.before" "$T/state.now" | head -n 8)"
			resumed=$((resumed + 1))
		fi
		# Run again, no fault: it must finish the job.
		run_cmd
		[ "$rc" = 0 ] || bad "the rerun after the fault exited $rc: $(head -n 3 "$T/err")"
		state >"$T/state.now"
		cmp -s "$T/state.now" "$T/state.after" ||
			bad "the rerun did not leave a clean run's data: $(diff "$T/state.after" "$T/state.now" | head -n 5)"
	fi
	checked=$((checked + 1))
	if [ "$n" -gt "$total" ]; then
		[ "$hit" = 0 ] && [ "$rc" = 0 ] || bad "the run past the last call did not succeed"
	fi
done
echo "fault $kind ${run_args[*]}: $checked runs over $total calls, $failures failed cleanly, $resumed resumed part way"
