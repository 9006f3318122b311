# report team --all: one valid PDF per team of the wave (qpdf), the same
# bytes as `report team --team` writes, an index.csv of what was written,
# a hidden team's one-page explanation, --parent, a progress bar only on a
# terminal, and the usage errors. (The time against one process at a time
# is bench/report_all.sh's, never a test's.)
. "$CP_TEST_LIB"
need sqlite3 qpdf pdfinfo
export CAREPULSE_NOW=1795000000 SOURCE_DATE_EPOCH=1795000000
unset CAREPULSE_DB
expect_exit 0 demo demo
export CAREPULSE_DB="$T/demo/carepulse.db"

# The index without its CRLF line ends (RFC 4180).
idx() { tr -d '\r' <"$1"; }

teams_of() {
	sqlite3 "$CAREPULSE_DB" "SELECT name FROM wave_team_snapshot WHERE wave_id = $1 AND in_wave ORDER BY name"
}

# The newest closed wave (5), every team, in a pipe: no progress bar.
expect_exit 0 report team --all -o pdfs
expect_in out "wrote 9 team reports of wave 5 to pdfs (0 hidden, 0 failed;"
[ ! -s "$T/err" ] || { cat "$T/err" >&2; fail "stderr is not quiet in a pipe"; }
grep -q $'\r$' pdfs/index.csv || fail "index.csv lines do not end in CRLF"
[ "$(idx pdfs/index.csv | head -1)" = "team,file,status,message" ] || fail "index header"
[ "$(idx pdfs/index.csv | tail -n +2 | cut -d, -f1)" = "$(teams_of 5)" ] || fail "the index does not list every team of the wave"
[ "$(ls pdfs/*.pdf | wc -l)" = "$(teams_of 5 | wc -l)" ] || fail "not one PDF per team"
idx pdfs/index.csv | tail -n +2 | while IFS=, read -r team file status _; do
	[ "$status" = written ] || fail "$team: $status"
	qpdf --check "pdfs/$file" >/dev/null || fail "$file is not a valid PDF"
done || exit 1
# The same bytes as one report at a time.
expect_exit 0 report team --team "Ward 7 Nursing" -o w7.pdf
cmp -s w7.pdf pdfs/ward-7-nursing.pdf || fail "--all wrote other bytes than --team"

# Wave 2: Ward 4 Nursing is hidden and gets its one-page explanation.
expect_exit 0 report team --all --wave 2 --jobs 3 -o pdfs2
expect_in out "(2 hidden, 0 failed; 3 workers)"
idx pdfs2/index.csv | grep -qx "Ward 4 Nursing,ward-4-nursing.pdf,hidden," || fail "the hidden team is not marked hidden"
[ "$(pdfinfo pdfs2/ward-4-nursing.pdf | sed -n 's/^Pages: *//p')" = 1 ] || fail "the hidden team's report is not one page"

# --parent: that team and the teams below it, in the wave's tree.
expect_exit 0 report team --all --parent Nursing --wave 3 -o pdfs3
[ "$(idx pdfs3/index.csv | tail -n +2 | cut -d, -f1 | tr '\n' '|')" = "Night Team|Nursing|Ward 4 Nursing|Ward 7 Nursing|" ] ||
	fail "--parent Nursing: $(cat pdfs3/index.csv)"

# On a terminal: a progress bar on stderr.
if command -v script >/dev/null 2>&1; then
	script -qec "$CAREPULSE report team --all -o pdfs4" /dev/null >tty.out 2>&1 || fail "under script: $(cat tty.out)"
	grep -q '\[########################################\] 9/9 teams' tty.out ||
		{ cat tty.out >&2; fail "no progress bar on a terminal"; }
fi

# Usage and state errors.
expect_exit 64 report team --all
expect_in err "--all needs -o DIR"
expect_exit 64 report team --all --team Nursing -o x
expect_exit 64 report team --team Nursing --parent Nursing -o x.pdf
expect_exit 64 report team --all --jobs 0 -o x
expect_exit 65 report team --all --parent Nowhere -o x
expect_in err "--parent 'Nowhere': no team of that name in wave 5"
expect_exit 74 report team --all -o no/such/dir
expect_in err "cannot use 'no/such/dir' for the reports"
sqlite3 "$CAREPULSE_DB" "SELECT 1" >/dev/null
"$CAREPULSE" wave create --survey compassionate-pulse --team Nursing --channel outbox >/dev/null 2>&1 ||
	fail "wave create"
expect_exit 65 report team --all --wave 6 -o x
expect_in err "wave 6 is open"
echo "report all ok"
