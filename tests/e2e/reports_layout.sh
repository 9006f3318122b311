# The reports' layout, checked from the rendered PDFs (tests/e2e/pdf_layout.py):
# no word drawn over another (pdftotext -bbox word boxes), no page but a
# document's last used less than half way down (sections flow; a block
# that does not fit, such as the radar, moves whole to the next page), and
# the comparison's rows in the organisation tree's order, as results lists
# the groups. On the demo's reports and on every edge case test_reports
# writes (long names, 200 teams, Letter paper, hidden groups).
# Then the same in Arabic, laid out right to left (pdf_layout.py rtl):
# headings and long lines flush with the right margin, the comparison's
# Team column the rightmost, pdftotext giving the headings back in logical
# order; on the demo's Arabic team report, a team report and the
# comparison written with --language ar, and every edge case again.
. "$CP_TEST_LIB"
need pdftotext pdftoppm
check="$CP_SOURCE_DIR/tests/e2e/pdf_layout.py"
unset CAREPULSE_NOW
export SOURCE_DATE_EPOCH=1780000000

expect_exit 0 demo "$T/d"
prog="$CP_BINARY_DIR/tests/test_reports"
[ -x "$prog" ] || fail "$prog is not built"
mkdir -p "$T/u"
CP_REPORTS_OUT="$T/u" "$prog" >"$T/run" 2>&1 || { cat "$T/run"; fail "test_reports failed"; }

n=0
for pdf in "$T"/d/*.pdf "$T"/u/*.pdf; do
	n=$((n + 1))
	/usr/bin/python3 "$check" overlap "$pdf" || fail "$(basename "$pdf"): text drawn over text"
	/usr/bin/python3 "$check" fill 0.5 "$pdf" "$T" || fail "$(basename "$pdf"): a page is mostly blank"
done
[ "$n" -ge 12 ] || fail "only $n PDFs checked"

export CAREPULSE_DB="$T/d/carepulse.db"
expect_exit 0 results 5 --format json
cp "$T/out" "$T/results.json"
/usr/bin/python3 "$check" order "$T/results.json" "$T/d/report-compare.pdf" ||
	fail "the comparison's rows do not follow the organisation tree"
# --sort name still sorts by name: the check sees the difference.
expect_exit 0 report compare --wave 5 --sort name -o "$T/by-name.pdf"
if /usr/bin/python3 "$check" order "$T/results.json" "$T/by-name.pdf" 2>/dev/null; then
	fail "the order check cannot tell a sort by name from the tree"
fi

# Right to left. Headings drawn with pdf_heading, the cover's contents
# and the comparison's title and first column (po/ar.po has them all).
need_locales
po="$CP_SOURCE_DIR/po/ar.po"
expect_exit 0 report team --team 'Ward 7 Nursing' --wave 5 --language ar \
	-o "$T/team-ar.pdf"
expect_exit 0 report compare --wave 5 --language ar -o "$T/compare-ar.pdf"
mkdir -p "$T/ua"
CP_REPORTS_LANG=ar CP_REPORTS_OUT="$T/ua" "$prog" >"$T/run" 2>&1 ||
	{ cat "$T/run"; fail "test_reports in Arabic failed"; }
n=0
for pdf in "$T/team-ar.pdf" "$T/compare-ar.pdf" "$T/d/report-clinical-support.pdf" "$T"/ua/*.pdf; do
	n=$((n + 1))
	/usr/bin/python3 "$check" overlap "$pdf" || fail "$(basename "$pdf") in Arabic: text drawn over text"
	/usr/bin/python3 "$check" fill 0.5 "$pdf" "$T" || fail "$(basename "$pdf") in Arabic: a page is mostly blank"
	/usr/bin/python3 "$check" rtl "$pdf" "$po" || fail "$(basename "$pdf") in Arabic: not laid out right to left"
done
[ "$n" -ge 12 ] || fail "only $n Arabic PDFs checked"
for pdf in "$T/team-ar.pdf" "$T/d/report-clinical-support.pdf"; do
	/usr/bin/python3 "$check" rtl "$pdf" "$po" "Contents" "What is going well" \
		"Trends" "Item detail" "Areas to grow" "Comments" "How to read this report" ||
		fail "$(basename "$pdf"): its headings are not right to left"
done
/usr/bin/python3 "$check" rtl "$T/compare-ar.pdf" "$po" "Team comparison" "Team" ||
	fail "the Arabic comparison's title and first column are not on the right"
/usr/bin/python3 "$check" order "$T/results.json" "$T/compare-ar.pdf" "$po" ||
	fail "the Arabic comparison's rows are not on the right in the tree's order"
# The check tells a right-to-left layout from the left-to-right one.
if /usr/bin/python3 "$check" order "$T/results.json" "$T/d/report-compare.pdf" "$po" 2>/dev/null; then
	fail "the order check takes a left-to-right comparison for a right-to-left one"
fi
