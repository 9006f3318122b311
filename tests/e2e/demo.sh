# carepulse demo runs the whole job end to end on the embedded default: a
# seeded history, a wave sent to the outbox, answered through the real form
# server over HTTP, closed and reported to two PDFs that are the same bytes
# on every run. Run again on its own folder it starts over; a folder it did
# not make is refused.
. "$CP_TEST_LIB"
need qpdf pdftotext sqlite3
unset SOURCE_DATE_EPOCH CAREPULSE_NOW

expect_exit 0 demo "$T/a"
cp "$T/out" "$T/a.out"

# The last two lines name the two PDFs.
team_line=$(tail -n 2 "$T/a.out" | head -n 1)
compare_line=$(tail -n 1 "$T/a.out")
team=$(printf '%s\n' "$team_line" | sed -n 's/^team report (\(.*\)): .*\.pdf$/\1/p')
team_pdf=$(printf '%s\n' "$team_line" | sed -n 's/^team report (.*): \(.*\.pdf\)$/\1/p')
compare_pdf=$(printf '%s\n' "$compare_line" | sed -n 's/^comparison report: \(.*\.pdf\)$/\1/p')
[ -n "$team" ] && [ -n "$team_pdf" ] || fail "the next-to-last line names no team report: $team_line"
[ -n "$compare_pdf" ] || fail "the last line names no comparison report: $compare_line"
case "$team_pdf" in "$T/a/report-"*.pdf) ;; *) fail "team report not in the demo folder: $team_pdf" ;; esac
[ "$compare_pdf" = "$T/a/report-compare.pdf" ] || fail "comparison report at $compare_pdf"
for pdf in "$team_pdf" "$compare_pdf"; do
	[ -s "$pdf" ] || fail "no PDF $pdf"
	qpdf --check "$pdf" >"$T/qpdf" 2>&1 || { cat "$T/qpdf" >&2; fail "qpdf --check $pdf"; }
done
pdftotext "$team_pdf" "$T/team.txt" 2>"$T/pdftotext.err" || fail "pdftotext $team_pdf"
grep -qF -- "$team" "$T/team.txt" || fail "the team report does not name '$team'"
pdftotext "$compare_pdf" "$T/compare.txt" 2>"$T/pdftotext.err" || fail "pdftotext $compare_pdf"
grep -qF "Ward 4 Nursing" "$T/compare.txt" || fail "the comparison has no 'Ward 4 Nursing'"

# The history is there, and one of its waves shows a suppressed team.
db="$T/a/carepulse.db"
waves=$(sqlite3 "$db" "SELECT count(*) FROM wave WHERE status = 'closed'")
[ "$waves" = 5 ] || fail "expected 5 closed waves, found $waves"
CAREPULSE_DB="$db" expect_exit 0 results --trend --team "Ward 4 Nursing"
expect_in out "fewer than 5 answered"

# What the server stored is what the demo says it answered, invitation by
# invitation: each answered invitation has its response, per team and kind.
wave=$(sed -n 's/^6\. closed wave \([0-9]*\)$/\1/p' "$T/a.out")
answered=$(sed -n 's/^   answered \([0-9]*\) of \([0-9]*\) invitations through it.*/\1/p' "$T/a.out")
invited=$(sed -n 's/^   answered \([0-9]*\) of \([0-9]*\) invitations through it.*/\2/p' "$T/a.out")
[ -n "$wave" ] && [ -n "$answered" ] && [ -n "$invited" ] || fail "no wave or answered count in the output"
[ "$answered" -gt 0 ] || fail "nothing was answered"
[ "$((answered * 100 / invited))" -ge 60 ] || fail "only $answered of $invited answered"
n=$(sqlite3 "$db" "SELECT count(*) FROM response WHERE wave_id = $wave")
[ "$n" = "$answered" ] || fail "wave $wave has $n responses, the demo said $answered"
n=$(sqlite3 "$db" "SELECT count(*) FROM invitation WHERE wave_id = $wave AND answered = 1")
[ "$n" = "$answered" ] || fail "wave $wave has $n answered invitations, the demo said $answered"
sqlite3 "$db" "SELECT team_id, kind = 'self', count(*) FROM invitation
	WHERE wave_id = $wave AND answered = 1 GROUP BY 1, 2 ORDER BY 1, 2" >"$T/by_invitation"
sqlite3 "$db" "SELECT team_id, self, count(*) FROM response
	WHERE wave_id = $wave GROUP BY 1, 2 ORDER BY 1, 2" >"$T/by_response"
cmp -s "$T/by_invitation" "$T/by_response" || {
	diff "$T/by_invitation" "$T/by_response" >&2
	fail "answered invitations and responses differ per team"
}

# The outbox has one message per invitation of the wave, every one sent.
n=$(sqlite3 "$db" "SELECT count(*) FROM invitation WHERE wave_id = $wave AND state = 'sent'")
[ "$n" = "$invited" ] || fail "$n of $invited invitations sent"
emls=$(find "$T/a/outbox" -name '*.eml' | wc -l)
[ "$emls" = "$invited" ] || fail "$emls messages in the outbox for $invited invitations"

# The Welsh and Arabic teams: their people's invitations in their
# language, their team reports in it (fixed text and the survey's own,
# where the survey has a translation), and report --language checked.
grep -l '^Content-Language: cy' "$T/a/outbox"/*.eml >/dev/null || fail "no invitation in Welsh"
grep -l '^Content-Language: ar' "$T/a/outbox"/*.eml >/dev/null || fail "no invitation in Arabic"
pdftotext "$T/a/report-ward-7-nursing-cy.pdf" "$T/cy.txt" || fail "pdftotext the Welsh report"
grep -q "Beth sy'n mynd yn dda" "$T/cy.txt" || fail "the Welsh report is not in Welsh"
pdftotext "$T/a/report-clinical-support.pdf" "$T/ar.txt" || fail "pdftotext the Arabic report"
grep -q "ما يسير على ما يرام" "$T/ar.txt" || fail "the Arabic report is not in Arabic"
CAREPULSE_DB="$db" expect_exit 64 report team --team "Ward 7 Nursing" --language fr -o "$T/x.pdf"
expect_in err "--language: language 'fr' is not one carepulse speaks"
[ ! -e "$T/x.pdf" ] || fail "a refused --language wrote a report"
CAREPULSE_DB="$db" expect_exit 0 report compare --language pl -o "$T/pl.pdf"
pdftotext "$T/pl.pdf" - | grep -q "Porównanie zespołów" || fail "the comparison is not in Polish"

# A second run in a fresh folder gives the same bytes.
expect_exit 0 demo "$T/b"
cmp "$team_pdf" "$T/b/${team_pdf##*/}" || fail "the team reports of two runs differ"
cmp "$compare_pdf" "$T/b/report-compare.pdf" || fail "the comparisons of two runs differ"
cmp -s "$T/a/roster.csv" "$T/b/roster.csv" || fail "the demo roster is not seeded"

# Again in its own folder: it starts over, and says so; nothing doubles.
cp "$team_pdf" "$T/team-first.pdf"
expect_exit 0 demo "$T/a"
expect_in out "starting over"
cmp "$team_pdf" "$T/team-first.pdf" || fail "the rerun's team report differs"
waves=$(sqlite3 "$db" "SELECT count(*) FROM wave")
[ "$waves" = 5 ] || fail "the rerun left $waves waves"
emls=$(find "$T/a/outbox" -name '*.eml' | wc -l)
[ "$emls" = "$invited" ] || fail "the rerun left $emls messages in the outbox"

# A folder the demo did not make is refused and left alone.
mkdir "$T/other"
echo keep >"$T/other/notes.txt"
expect_exit 65 demo "$T/other"
expect_in err "not an earlier demo's"
[ "$(cat "$T/other/notes.txt")" = keep ] || fail "the demo touched a folder it did not make"
[ ! -e "$T/other/carepulse.db" ] || fail "the demo wrote into a folder it did not make"

# An empty folder is fine.
mkdir "$T/empty"
expect_exit 0 demo "$T/empty"

# As scripts/setup runs it, twice on a developer machine: the default
# folder name relative to the checkout; the second run starts over.
mkdir "$T/checkout"
(cd "$T/checkout" && "$CAREPULSE" demo carepulse-demo >"$T/out" 2>"$T/err") ||
	fail "the setup demo failed: $(cat "$T/err")"
(cd "$T/checkout" && "$CAREPULSE" demo carepulse-demo >"$T/out" 2>"$T/err") ||
	fail "the setup demo failed the second time: $(cat "$T/err")"
expect_in out "starting over"
tail -n 1 "$T/out" | grep -qx "comparison report: carepulse-demo/report-compare.pdf" ||
	fail "the setup demo's last line: $(tail -n 1 "$T/out")"
cmp "$T/checkout/carepulse-demo/report-compare.pdf" "$compare_pdf" ||
	fail "the setup demo's comparison differs"
echo "demo ok"
