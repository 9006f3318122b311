# The PDF reports, checked with the tools a reader's machine uses: the unit
# test program writes every edge case (twice, in two processes), and each
# file must pass qpdf --check, embed its fonts, render every page, carry the
# names and numbers intact, never show a suppressed value, and be
# byte-identical between the two runs.
. "$CP_TEST_LIB"
need qpdf pdffonts pdftoppm pdftotext pdfinfo

prog="$CP_BINARY_DIR/tests/test_reports"
[ -x "$prog" ] || fail "$prog is not built"
mkdir -p "$T/a" "$T/b" "$T/png"
CP_REPORTS_OUT="$T/a" "$prog" >"$T/run-a" 2>&1 || { cat "$T/run-a"; fail "test_reports failed"; }
CP_REPORTS_OUT="$T/b" "$prog" >"$T/run-b" 2>&1 || { cat "$T/run-b"; fail "test_reports failed"; }

count=0
for pdf in "$T"/a/*.pdf; do
	name=$(basename "$pdf")
	count=$((count + 1))
	cmp -s "$pdf" "$T/b/$name" || fail "$name differs between two runs"
	qpdf --check "$pdf" >"$T/qpdf" 2>&1 || { cat "$T/qpdf"; fail "$name: qpdf --check"; }
	# Every font row says "yes" in the emb column (fifth from the end).
	pdffonts "$pdf" >"$T/fonts" 2>/dev/null || fail "$name: pdffonts"
	fonts=$(awk 'NR > 2' "$T/fonts" | wc -l)
	[ "$fonts" -ge 1 ] || fail "$name: no fonts"
	awk 'NR > 2 && $(NF-4) != "yes" { bad = 1 } END { exit bad }' "$T/fonts" ||
		{ cat "$T/fonts"; fail "$name: a font is not embedded"; }
	pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
	rm -f "$T"/png/*
	pdftoppm -r 50 "$pdf" "$T/png/p" 2>"$T/render" || fail "$name: pdftoppm"
	# Not a word, not even a warning: reports/pdf.c writes the ToUnicode
	# CMap that libharu 2.3 got wrong ("Invalid 'begincidrange'").
	if grep -q . "$T/render"; then
		cat "$T/render"
		fail "$name: pdftoppm reported errors"
	fi
	rendered=$(ls "$T/png" | wc -l)
	[ "$rendered" = "$pages" ] || fail "$name: rendered $rendered of $pages pages"
	pdftotext -layout "$pdf" "$T/$name.txt" 2>/dev/null || fail "$name: pdftotext"
done
[ "$count" -ge 10 ] || fail "only $count PDFs written"

# has FILE TEXT / lacks FILE NUMBER: the text of a report. lacks matches a
# whole number, so "94" matches "94%" but neither "1994" nor "3.94".
has() {
	grep -qF -- "$2" "$T/$1.txt" || fail "expected '$2' in $1"
}
lacks() {
	num=$(printf '%s' "$2" | sed 's/[.]/[.]/g')
	re="(^|[^0-9.])$num([^0-9.]|[.]([^0-9]|\$)|\$)"
	if grep -qE -- "$re" "$T/$1.txt"; then
		grep -nE -- "$re" "$T/$1.txt" >&2
		fail "suppressed value '$2' printed in $1"
	fi
}

full=team-full.pdf
has $full "Ξένια & Zoë Łódź ward"
has $full "November 2026"
has $full "17 of 21 invited answered"
has $full "81%"
has $full "score 83 · 63% favourable · n = 17"
has $full "Проще говорить о проблемах стало после летней встречи."
has $full "Zoë Łódź organised cover"
has $full "not enough responses (fewer than 5)"
has $full "(compassionate-pulse), version 1.0.0"
has $full "Contents"
qpdf --json --json-key=outlines "$T/a/$full" | grep -q '"title": "Item detail"' ||
	fail "$full: no bookmark for the item detail"
has $full "What would help"
has $full "Workshop: from strengths to next steps"
has $full "How to read this report"
# The 2,000-character comment is printed whole, in pieces.
tr -d ' \n' <"$T/$full.txt" >"$T/flat"
grep -q "Start:hijklmnop" "$T/flat" || fail "the long comment's start is missing"
grep -q "lmnopqrs" "$T/flat" || fail "the long comment's end is missing"

for pdf in "$T"/a/team-*.pdf; do
	name=$(basename "$pdf")
	# Sentinels of suppressed dimensions, items and trend points.
	lacks "$name" 94
	lacks "$name" 4.76
	lacks "$name" 3.33
	lacks "$name" 4.44
	lacks "$name" 4.4
	grep -qF "n = 4" "$T/$name.txt" && fail "a suppressed n printed in $name"
done

has team-one-wave.pdf "first wave"
has team-one-wave.pdf "This wave did not reach that number"
has team-all-equal.pdf "not shown"
has team-letter.pdf "Ξένια & Zoë Łódź ward"
pdfinfo "$T/a/team-letter.pdf" | grep -q "612 x 792" || fail "letter paper is not 612 x 792"
pdfinfo "$T/a/team-full.pdf" | grep -q "595.276 x 841.89" || fail "A4 is not 595 x 842"
pdfinfo "$T/a/team-full.pdf" | grep -q "CreationDate:.*2026" || fail "no creation date"

cmp=compare-200.pdf
has $cmp "Ξένια Παπαδοπούλου — Αθήνα"
has $cmp "Team 001"
has $cmp "Team 198"
has $cmp "Organisation"
has $cmp "fewer than 5"
has $cmp "hidden"
lacks $cmp 99
pages=$(pdfinfo "$T/a/$cmp" 2>/dev/null | awk '/^Pages:/ { print $2 }')
[ "$pages" -ge 7 ] || fail "$cmp: 200 teams on only $pages pages"
headers=$(grep -c "Responses" "$T/$cmp.txt" || true)
[ "$headers" = "$pages" ] || fail "$cmp: the header is on $headers of $pages pages"
lacks compare-small.pdf 99
echo "reports ok: $count PDFs"
