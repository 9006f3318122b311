# Crash safety of `import --replace`: killed with SIGKILL at random
# moments, over and over, the wave holds either the earlier import's
# responses or the new file's, never both and never neither: the swap is
# one transaction. Then the same for an import of several files of two
# waves in one call (the pipelined path, with its reader thread): after
# a kill the database holds all of the call's files or none of them.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3
export CAREPULSE_NOW=1795000000
ROWS=${CP_IMPORT_KILL_ROWS:-20000}
ROUNDS=${CP_KILL_ROUNDS:-20}

# make_csvs PREFIX NAME:ROWS:BASE...: a CSV NAME.csv of the team Pharmacy
# for each NAME, rows with the ids PREFIX1, PREFIX2, ... (PREFIX "" for
# NAME-1, NAME-2, ...), answers shifted by BASE and a comment naming the
# file, so that a mix of two files shows.
make_csvs() {
	/usr/bin/python3 - "$CAREPULSE_DB" "$@" <<'PY'
import csv, sys
sys.path.insert(0, "")
from cptest import survey
db, prefix = sys.argv[1], sys.argv[2]
sv = survey(db, "compassionate-pulse")
items = [i["id"] for i in sv["items"]]
q = sv["open_questions"][0]["id"]
for spec in sys.argv[3:]:
    name, n, base = spec.split(":")
    with open(f"{name}.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "team"] + items + [q])
        for r in range(int(n)):
            w.writerow([f"{prefix or name + '-'}{r + 1}", "Pharmacy"]
                       + [str(1 + (r + i + int(base)) % 5) for i in range(len(items))]
                       + [f"{name} says {r % 7}"])
PY
}

setup_db
invite pharmacy.txt "$CAREPULSE_DB" Pharmacy compassionate-pulse
wave=$WAVE

# a.csv and b.csv share the ids 1..ROWS/2, so b replaces a and a b; their
# answers and comments differ, so a mix of both would show.
make_csvs row- a:"$ROWS":0 b:"$((ROWS / 2))":2

# The state of the wave's responses: totals (sums rounded: taking a batch
# out and putting it back is exact in the counts, not in the last bits of
# a floating sum), rows, comments and imports.
state() {
	sqlite3 "$CAREPULSE_DB" "
	SELECT 'group', team_id, self, responses FROM agg_group WHERE wave_id = $wave;
	SELECT 'item', team_id, self, item_id, c1, c2, c3, c4, c5 FROM agg_item WHERE wave_id = $wave ORDER BY 2, 3, 4;
	SELECT 'dim', team_id, self, dimension, n, printf('%.6f %.6f', sum, sumsq) FROM agg_dim WHERE wave_id = $wave ORDER BY 2, 3, 4;
	SELECT 'rows', count(*) FROM response WHERE wave_id = $wave;
	SELECT 'comments', substr(text, 1, 1), count(*) FROM comment GROUP BY 2;
	SELECT 'imports', count(*), sum(responses) FROM import;
	SELECT 'import rows', count(*) FROM import_row;"
}

expect_exit 0 import "$wave" a.csv
state >state.a
start=$(date +%s%N)
expect_exit 0 import --replace "$wave" b.csv
took=$((($(date +%s%N) - start) / 1000000))
state >state.b
expect_exit 0 import --replace "$wave" a.csv
state >state.a2
cmp -s state.a state.a2 || { diff state.a state.a2 >&2; fail "replacing back did not give a's state"; }
grep -q "^rows|$ROWS$" state.a || fail "a: $ROWS rows expected"
grep -q "^rows|$((ROWS / 2))$" state.b || fail "b: $((ROWS / 2)) rows expected"

now=a
kills=0
swaps=0
for round in $(seq "$ROUNDS"); do
	next=$([ "$now" = a ] && echo b || echo a)
	"$CAREPULSE" import --replace "$wave" "$next.csv" >"$T/kill.out" 2>&1 &
	pid=$!
	# Anywhere from reading the file to committing: up to 1.2 x a clean run.
	sleep "$(awk -v ms=$((5 + RANDOM % (took + took / 5 + 1))) 'BEGIN { printf "%.3f", ms / 1000 }')"
	if kill -9 "$pid" 2>/dev/null; then
		kills=$((kills + 1))
	fi
	wait "$pid" 2>/dev/null
	[ "$(sqlite3 "$CAREPULSE_DB" 'PRAGMA integrity_check')" = ok ] ||
		fail "round $round: integrity_check failed"
	state >state.now
	if cmp -s state.now "state.$next"; then
		now=$next
		swaps=$((swaps + 1))
	elif ! cmp -s state.now "state.$now"; then
		diff "state.$now" state.now >&2 | head -20
		fail "round $round: neither a's nor b's responses after a kill"
	fi
done
# And a run to the end still swaps.
next=$([ "$now" = a ] && echo b || echo a)
expect_exit 0 import --replace "$wave" "$next.csv"
state >state.now
cmp -s state.now "state.$next" || fail "the last swap did not complete"
echo "import kill ok: $ROUNDS rounds, $kills kills, $swaps swaps done, a clean run $took ms"

# ---- several files of two waves in one call ----
invite pharmacy2.txt "$CAREPULSE_DB" Pharmacy compassionate-pulse
wave2=$WAVE
[ "$wave2" != "$wave" ] || fail "a second wave expected"
# m1 and m2 go to the first wave (ids apart from a's and b's), m3 to the
# second.
make_csvs "" m1:"$((ROWS / 2))":1 m2:"$((ROWS / 4))":3 m3:"$((ROWS / 2))":4
# Every wave's state, as state() above but over both waves.
state_all() {
	sqlite3 "$CAREPULSE_DB" "
	SELECT 'group', wave_id, team_id, self, responses FROM agg_group ORDER BY 2, 3, 4;
	SELECT 'dim', wave_id, team_id, self, dimension, n, printf('%.6f %.6f', sum, sumsq) FROM agg_dim ORDER BY 2, 3, 4, 5;
	SELECT 'rows', wave_id, count(*) FROM response GROUP BY 2;
	SELECT 'comments', substr(text, 1, 2), count(*) FROM comment GROUP BY 2;
	SELECT 'imports', count(*), sum(responses) FROM import;
	SELECT 'import rows', count(*) FROM import_row;"
}
sqlite3 "$CAREPULSE_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
cp "$CAREPULSE_DB" before.db
state_all >state.before
multi=("$wave" m1.csv "$wave" m2.csv "$wave2" m3.csv)
start=$(date +%s%N)
expect_exit 0 import "${multi[@]}"
took=$((($(date +%s%N) - start) / 1000000))
state_all >state.after
grep -q "^rows|$wave2|$((ROWS / 2))$" state.after || fail "m3: $((ROWS / 2)) rows expected in wave $wave2"
cmp -s state.before state.after && fail "the clean multi-file import changed nothing"
kills=0
done_=0
for round in $(seq "$ROUNDS"); do
	rm -f "$CAREPULSE_DB-wal" "$CAREPULSE_DB-shm"
	cp before.db "$CAREPULSE_DB"
	"$CAREPULSE" import "${multi[@]}" >"$T/kill.out" 2>&1 &
	pid=$!
	sleep "$(awk -v ms=$((5 + RANDOM % (took + took / 5 + 1))) 'BEGIN { printf "%.3f", ms / 1000 }')"
	if kill -9 "$pid" 2>/dev/null; then
		kills=$((kills + 1))
	fi
	wait "$pid" 2>/dev/null
	[ "$(sqlite3 "$CAREPULSE_DB" 'PRAGMA integrity_check')" = ok ] ||
		fail "multi round $round: integrity_check failed"
	state_all >state.now
	if cmp -s state.now state.after; then
		done_=$((done_ + 1))
	elif ! cmp -s state.now state.before; then
		diff state.before state.now >&2 | head -20
		fail "multi round $round: some of the call's files and not the others after a kill"
	fi
done
echo "multi-file import kill ok: $ROUNDS rounds, $kills kills, $done_ completed, a clean run $took ms"
