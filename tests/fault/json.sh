#!/usr/bin/env bash
# tests/fault/json.sh - every allocation of a JSON load fails in turn
# (CP_FAIL_ALLOC=1, 2, ... through the shim), for each built-in survey
# and the import and API seeds of the fuzz corpora (every N up to 200,
# then 200 spread over the rest). jansson's lexer does
# not survive a failed allocation on its own (it reads past its buffer;
# see core/survey/json_load.c), so this checks the guard around it: each
# run prints the document exactly as a clean run does or says "out of
# memory" and exits 1, and is never killed by a signal.
. "$CP_TEST_LIB"
shim=${CP_FAULT_SHIM:?the path of libcpfault.so}
tool=${CP_FAULT_JSON:?the path of fault_json}
files=("$CP_SOURCE_DIR"/surveys/*.json)
for f in "$CP_SOURCE_DIR"/tests/fuzz/corpus/import_json/* \
	"$CP_SOURCE_DIR"/tests/fuzz/corpus/api_json/*; do
	[ -f "$f" ] && files+=("$f")
done
loads=0
for f in "${files[@]}"; do
	rm -f "$T/log"
	rc=0
	LD_PRELOAD="$shim" CP_FAIL_LOG="$T/log" "$tool" "$f" >"$T/clean" 2>"$T/err" || rc=$?
	case $rc in 0 | 65) ;; *) cat "$T/err" >&2; fail "$f: the clean load exited $rc" ;; esac
	total=$(sed -n 's/^count alloc //p' "$T/log")
	[ -n "$total" ] && [ "$total" -gt 0 ] || fail "$f: the clean load made no allocation"
	# Every allocation up to 200, then an even spread of 200 more: the
	# lexer's allocations repeat token after token.
	ns=$(seq 1 $((total < 200 ? total : 200)))
	[ "$total" -gt 200 ] && ns="$ns $(seq 201 $(((total - 200) / 200 + 1)) "$total")"
	for n in $ns; do
		rc=0
		LD_PRELOAD="$shim" CP_FAIL_ALLOC=$n "$tool" "$f" >"$T/out" 2>"$T/err" || rc=$?
		case $rc in
		1) grep -q "out of memory" "$T/err" ||
			fail "$f: allocation $n of $total: exit 1 without 'out of memory': $(head -c 200 "$T/err")" ;;
		0 | 65) cmp -s "$T/out" "$T/clean" ||
			fail "$f: allocation $n of $total: the document differs from a clean load's" ;;
		*) fail "$f: allocation $n of $total: exit $rc (a signal?): $(head -c 200 "$T/err")" ;;
		esac
		loads=$((loads + 1))
	done
done
echo "ok: ${#files[@]} files, $loads loads with one failed allocation each"
