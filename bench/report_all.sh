#!/bin/bash
# bench/report_all.sh - `report team --all` (worker processes, one per
# core) against the same reports written one process at a time, as a user
# would without it. Prints both wall times and their ratio; checks the
# PDFs are the same bytes. A measurement, not a test: it never fails on a
# timing.
#
#   bench/report_all.sh [--teams N] [--waves N] [--jobs N] [--build DIR] [--work DIR]
#
# The organisation is bench_gen's (bench/README.md, The data): N teams,
# N waves imported and closed; the reports are of the newest wave, whose
# trend pages read the waves before it.
set -eu
teams=40 waves=4 jobs="" build="" work=""
while [ $# -gt 0 ]; do
	case $1 in
	--teams) teams=$2; shift 2 ;;
	--waves) waves=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	*) echo "usage: $0 [--teams N] [--waves N] [--jobs N] [--build DIR] [--work DIR]" >&2; exit 64 ;;
	esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
build=${build:-$root/build}
work=${work:-${TMPDIR:-/tmp}/carepulse-bench-report-all}
cp=$build/carepulse
gen=$build/bench/bench_gen
[ -x "$cp" ] && [ -x "$gen" ] || { echo "build first: $cp and $gen" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
export CAREPULSE_DB=$work/carepulse.db SOURCE_DATE_EPOCH=1795000000
unset CAREPULSE_NOW

mkdir -p "$work/data"
"$gen" --teams "$teams" --waves "$waves" "$work/data" >/dev/null
"$cp" init >/dev/null
"$cp" team import "$work/data/roster.csv" >/dev/null
roots=()
while IFS=, read -r _ _ team parent _; do
	[ -z "$parent" ] && roots+=(--team "$team")
done < <(tail -n +2 "$work/data/roster.csv" | sort -u -t, -k3,3)
for i in $(seq "$waves"); do
	"$cp" wave create --survey compassionate-pulse --subteams --channel outbox "${roots[@]}" >/dev/null
	"$cp" import "$i" "$(printf '%s/data/wave-%02d.csv' "$work" "$i")" >/dev/null
	"$cp" wave close "$i" >/dev/null
done

now() { date +%s.%N; }
t0=$(now)
"$cp" report team --all ${jobs:+--jobs "$jobs"} -o "$work/all" >"$work/all.out"
t1=$(now)
mkdir -p "$work/one"
t2=$(now)
tail -n +2 "$work/all/index.csv" | while IFS= read -r line; do
	# team,file,status,message; team names here have no commas or quotes.
	team=${line%%,*}
	rest=${line#*,}
	file=${rest%%,*}
	"$cp" report team --team "$team" -o "$work/one/$file" >/dev/null
done
t3=$(now)
n=$(($(wc -l <"$work/all/index.csv") - 1))
for f in "$work"/all/*.pdf; do
	cmp -s "$f" "$work/one/$(basename "$f")" || { echo "differs: $(basename "$f")" >&2; exit 1; }
done
awk -v n="$n" -v cores="$(nproc)" -v all="$(echo "$t1 - $t0" | bc)" \
	-v one="$(echo "$t3 - $t2" | bc)" -v out="$(cat "$work/all.out")" 'BEGIN {
	printf "%d team reports of wave %s, %d cores\n", n, "'"$waves"'", cores
	printf "report team --all          %7.2f s  (%s)\n", all, out
	printf "one process at a time      %7.2f s\n", one
	printf "ratio (one at a time / --all) %.2f; the PDFs are the same bytes\n", one / all
}'
