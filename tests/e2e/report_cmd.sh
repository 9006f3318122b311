# carepulse report team / report compare: PDFs from seeded waves, checked
# with the tools a reader's machine uses (qpdf, pdffonts, pdftoppm,
# pdftotext) and against carepulse's own JSON export: the numbers agree,
# names and comments print as typed, a suppressed value never appears,
# and the same SOURCE_DATE_EPOCH gives the same bytes.
. "$CP_TEST_LIB"
need qpdf pdffonts pdftoppm pdftotext pdfinfo /usr/bin/python3
SEED="$CP_TOOLS_DIR/cp_seed"
[ -x "$SEED" ] || fail "cp_seed is not built"
export SOURCE_DATE_EPOCH=1795000000
NOV=1793491200 # 2026-11-01

seed() {
	"$SEED" "$CAREPULSE_DB" "$@" || fail "cp_seed $*"
}

# check_pdf FILE: valid, fonts embedded, every page renders; FILE.txt
# gets its text.
check_pdf() {
	pdf=$1
	qpdf --check "$pdf" >"$T/qpdf" 2>&1 || { cat "$T/qpdf"; fail "$pdf: qpdf --check"; }
	pdffonts "$pdf" >"$T/fonts" 2>/dev/null || fail "$pdf: pdffonts"
	[ "$(awk 'NR > 2' "$T/fonts" | wc -l)" -ge 1 ] || fail "$pdf: no fonts"
	awk 'NR > 2 && $(NF-4) != "yes" { bad = 1 } END { exit bad }' "$T/fonts" ||
		{ cat "$T/fonts"; fail "$pdf: a font is not embedded"; }
	pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
	rm -rf "$T/png" && mkdir "$T/png"
	pdftoppm -r 30 "$pdf" "$T/png/p" 2>"$T/render" || fail "$pdf: pdftoppm"
	# Not a word, not even a warning: reports/pdf.c writes the ToUnicode
	# CMap that libharu 2.3 got wrong ("Invalid 'begincidrange'").
	if grep -q . "$T/render"; then
		cat "$T/render"
		fail "$pdf: pdftoppm reported errors"
	fi
	[ "$(ls "$T/png" | wc -l)" = "$pages" ] || fail "$pdf: not every page rendered"
	pdftotext -layout "$pdf" "$pdf.txt" 2>/dev/null || fail "$pdf: pdftotext"
}

has() {
	grep -qF -- "$2" "$1.txt" || fail "expected '$2' in $1"
}

expect_exit 0 init
/usr/bin/python3 - >roster.csv <<'PY'
print("email,name,team,parent_team,role")
print("lead@example.org,Ξένια Λεβέντη,Πτέρυγα Α,,leader")
for i in range(14):
    print(f"a{i}@example.org,Μέλος {i},Πτέρυγα Α,,member")
for i in range(3):
    print(f"s{i}@example.org,Small {i},Small team,,member")
for i in range(8):
    print(f"p{i}@example.org,Pharmacist {i},Pharmacy,,member")
PY
expect_exit 0 team import roster.csv
TEAM="Πτέρυγα Α"
GREEK="Η ομάδα μας στηρίζει ο ένας τον άλλον"
LONG=$(/usr/bin/python3 -c '
s = "Start:" + "".join("abcdefghijklmnopqrstuvwxyz"[i % 26] for i in range(1989))
print(s + ":End!")')
[ "${#LONG}" = 2000 ] || fail "the long comment is ${#LONG} characters"

# No closed wave yet: nothing to report.
expect_exit 65 report compare -o c.pdf
expect_in err "no closed wave"

# Three waves; in the second the team has fewer than k responses, so its
# trend has a gap in the middle. Small team (3) stays below k throughout.
waves=""
for k in 1 2 3; do
	w=$("$SEED" "$CAREPULSE_DB" create compassionate-pulse --self leader-self \
		--opens $((NOV + k * 1209600)) "$TEAM" "Small team" Pharmacy) ||
		fail "create"
	waves="$waves $w"
	seed invite "$w"
	n=11
	[ "$k" = 2 ] && n=3
	seed respond "$w" "$TEAM" "$n" --seed "$k" --comment "$GREEK"
	seed respond "$w" "$TEAM" 1 --self --seed $((k + 10))
	seed respond "$w" "Small team" 3 --seed $((k + 20)) --constant 2
	seed respond "$w" Pharmacy 7 --seed $((k + 30))
	[ "$k" = 3 ] && seed respond "$w" "$TEAM" 1 --seed 40 --comment "$LONG"
	[ "$k" = 3 ] || seed close "$w"
done
set -- $waves
w1=$1 w2=$2 w3=$3

# The newest wave is still open: no scores, so no report.
expect_exit 65 report team --team "$TEAM" --wave "$w3" -o open.pdf
expect_in err "wave $w3 is open"
expect_in err "only after a wave closes"
[ ! -e open.pdf ] || fail "a report of an open wave was written"
# Without --wave: the team's newest closed wave (w2, where it is hidden).
expect_exit 0 report team --team "$TEAM" -o hidden.pdf
check_pdf hidden.pdf
has hidden.pdf "Wave $w2"
has hidden.pdf "fewer than 5 answered"
[ "$(pdfinfo hidden.pdf | sed -n 's/^Pages: *//p')" = 1 ] ||
	fail "a hidden team's report is not one page"
seed close "$w3"

# Usage and bad input.
expect_exit 64 report team -o x.pdf
expect_in err "--team TEAM is required"
expect_exit 64 report team --team "$TEAM"
expect_in err "-o FILE.pdf is required"
expect_exit 64 report team --team "$TEAM" -o x.pdf --paper a3
expect_exit 64 report compare -o x.pdf --measure mean
expect_exit 64 report compare -o x.pdf --sort size
expect_exit 64 report team --team "$TEAM" -o x.pdf --wave two
expect_exit 65 report team --team "Nobody" -o x.pdf
expect_in err "Nobody"
expect_exit 65 report team --team "$TEAM" --wave 99 -o x.pdf
expect_in err "99"
expect_exit 65 report compare --wave 99 -o x.pdf
SOURCE_DATE_EPOCH=soon expect_exit 64 report compare -o x.pdf
expect_in err "SOURCE_DATE_EPOCH 'soon'"
expect_exit 74 report team --team "$TEAM" -o "$T/no/such/dir/x.pdf"
expect_in err "no directory"
expect_exit 74 report compare -o "$T/no/such/dir/x.pdf"
[ ! -e x.pdf ] || fail "a failed run left x.pdf"
mkdir ro && chmod 555 ro
if [ ! -w ro ]; then
	expect_exit 74 report compare -o ro/x.pdf
	[ -z "$(ls ro)" ] || fail "a failed write left a file behind"
fi
chmod 755 ro

# The team report of the last wave, against the JSON export.
expect_exit 0 report team --team "$TEAM" -o team.pdf
expect_in out "team.pdf"
check_pdf team.pdf
expect_exit 0 results "$w3" --team "$TEAM" --items --format json
cp "$T/out" team.json
has team.pdf "$TEAM"
has team.pdf "Wave $w3"
has team.pdf "$GREEK"
has team.pdf "last 3 waves"
tr -d ' \n' <team.pdf.txt >flat.txt
grep -qF "Start:abcdefghij" flat.txt || fail "the long comment's start is missing"
grep -qF -- "${LONG: -16}" flat.txt || fail "the long comment's end is missing"
/usr/bin/python3 - team.json team.pdf.txt "$TEAM" <<'PY' || fail "the team report disagrees with the JSON export"
import json, math, re, sys
rows = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
team = sys.argv[3]

def forms(v, prec):
    """How C's printf may print v (given to 4 decimals) with prec
    decimals: both neighbours when v sits on a rounding edge."""
    scale = 10 ** prec
    x = v * scale
    out = {f"{round(x) / scale:.{prec}f}"}
    if abs(x - math.floor(x) - 0.5) < 1e-3:
        out |= {f"{math.floor(x) / scale:.{prec}f}",
                f"{math.ceil(x) / scale:.{prec}f}"}
    return {s.replace("-0", "0") for s in out}

def expect(what, candidates):
    if not any(c in text for c in candidates):
        sys.exit(f"none of {sorted(candidates)} ({what}) in the report")

mine = [r for r in rows if r["group"] == team and r["scope"] == "team"]
resp = [r for r in mine if r["measure"] == "responses"][0]
assert not resp["suppressed"], resp
expect("response rate", {f"{resp['n']} of {resp['delivered']} invited answered"})
dims = [r for r in mine if r["measure"] == "dimension"]
items = [r for r in mine if r["measure"] == "item"]
assert dims and items
shown = 0
for d in dims:
    if d["suppressed"]:
        continue
    shown += 1
    team_s = forms(d["score"], 0)
    if d["self_mean"] is not None:
        self_s = forms((d["self_mean"] - 1) / 4 * 100, 0)
        expect(d["dimension"], {f"team {a} · self {b}" for a in team_s for b in self_s})
    else:
        expect(d["dimension"], {f"team {a}" for a in team_s})
assert shown >= 5, shown
# The strongest dimension leads "What is going well" with all its numbers.
top = max((d for d in dims if not d["suppressed"]), key=lambda d: d["score"])
expect("strongest", {f"score {s} · {f}% favourable · n = {top['n']}"
                     for s in forms(top["score"], 0)
                     for f in forms(top["favourable"], 0)})
# Items too are on the 0-100 scale the report uses everywhere.
for it in items:
    if it["suppressed"]:
        continue
    expect(it["item"], {f"n = {it['n']}"})
    expect(it["item"], forms(it["score"], 0))
PY

# The same data and SOURCE_DATE_EPOCH: the same bytes, on either paper.
expect_exit 0 report team --team "$TEAM" -o team2.pdf
cmp -s team.pdf team2.pdf || fail "two runs gave different team reports"
pdfinfo team.pdf | grep -q "595.276 x 841.89" || fail "A4 is not the default"
expect_exit 0 report team --team "$TEAM" --wave "$w3" -o letter.pdf --paper letter
check_pdf letter.pdf
pdfinfo letter.pdf | grep -q "612 x 792" || fail "--paper letter is not 612 x 792"
pdfinfo letter.pdf | grep -q "CreationDate:.*2026" || fail "SOURCE_DATE_EPOCH not used"

# The suppressed wave in the middle: hidden in the export, a gap in the
# report (which still renders), and no number from it anywhere.
expect_exit 0 results "$w2" --team "$TEAM" --format json
/usr/bin/python3 -c '
import json, sys
rows = [r for r in json.load(open(sys.argv[1])) if r["scope"] == "team"]
assert rows and all(r["suppressed"] for r in rows if r["measure"] != "self"), rows
' "$T/out" || fail "wave $w2 is not suppressed for the team"
expect_exit 0 report team --team "$TEAM" --wave "$w2" -o middle.pdf
check_pdf middle.pdf
has middle.pdf "are not shown: fewer than 5 answered"
grep -qE "(score|mean) [0-9]" middle.pdf.txt && fail "a suppressed wave shows scores"

# The comparison: Small team (3) is suppressed and so, to keep it from
# being worked out, is the organisation (not Pharmacy, a team's own
# results); their rows show no number at all, and the report says why.
expect_exit 0 report compare -o compare.pdf
expect_in out "compare.pdf"
check_pdf compare.pdf
has compare.pdf "Team comparison"
has compare.pdf "Organisation"
has compare.pdf "$TEAM"
expect_exit 0 results "$w3" --matrix --format json
cp "$T/out" matrix.json
/usr/bin/python3 - matrix.json compare.pdf.txt "$TEAM" <<'PY' || fail "the comparison disagrees with the export"
import json, math, re, sys
rows = {(r["group"], r["scope"]): r for r in json.load(open(sys.argv[1]))}
lines = open(sys.argv[2]).read().splitlines()
team = sys.argv[3]

def line_of(name):
    found = [l for l in lines if re.match(r"\s*" + re.escape(name) + r"\s", l)]
    assert len(found) == 1, (name, found)
    return found[0]

for name in ("Small team",):
    assert rows[(name, "team")]["suppressed"], name
    l = line_of(name)
    # A narrow cell says it shorter, never in type under 7 pt.
    assert re.search(r"fewer than 5|<\s?5", l), l
    assert "hidden" in l, l
    assert not re.search(r"\d", re.sub(r"fewer than 5|<\s?5", "", l)), l
org = rows[("organisation", "organisation")]
assert org["suppressed"] and org["reason"] == "protects_group", org
assert org["protects"] == "Small team (own members)", org
assert not rows[("Pharmacy", "team")]["suppressed"]
l = line_of("Organisation")
assert re.search("see below|see note", l) and not re.search(r"\d", l), l
text = "\n".join(lines)
assert "Small team: fewer than 5 answered." in text, text
assert ("Organisation: hidden so that the answers of Small team's own "
        "members cannot be worked out.") in " ".join(lines), lines
r = rows[(team, "team")]
l = line_of(team)
dims = [k for k in r if k not in ("wave", "group", "scope", "suppressed", "reason", "protects", "n", "response_rate")]
assert dims
for d in dims:
    v = r[d]
    cands = {f"{math.floor(v)}", f"{math.ceil(v)}"} if abs(v - math.floor(v) - 0.5) < 1e-3 else {f"{round(v)}"}
    assert any(re.search(r"(^|\s)" + c + r"(\s|$)", l) for c in cands), (d, v, l)
assert f"{round(r['response_rate'])}%" in l, (r, l)
PY
# The would-be numbers of the suppressed team's own report never appear:
# it answered 2 to everything (mean 2.00, score 25, 0% favourable).
expect_exit 0 report team --team "Small team" -o small.pdf
check_pdf small.pdf
has small.pdf "are not shown: fewer than 5 answered"
has small.pdf "Small team has 3 members of its own; put them in a team of 5"
for v in "2.00" "2.0" "0%" "score 25" "n = 3"; do
	grep -qF -- "$v" small.pdf.txt && fail "small.pdf shows the suppressed '$v'"
done
expect_exit 0 report compare -o fav.pdf --measure favourable --sort overall
check_pdf fav.pdf
has fav.pdf "% favourable"
has fav.pdf "Sorted by the mean"

# A team with all answers equal, alone in its wave: one wave only, so no
# trend yet; sd 0 and every interval of zero width must still draw.
export CAREPULSE_DB="$T/even.db"
expect_exit 0 init
printf 'email,name,team,parent_team,role\n' >even.csv
for i in 1 2 3 4 5 6; do printf 'e%s@example.org,Zoë Łódź %s,Even team,,member\n' $i $i >>even.csv; done
expect_exit 0 team import even.csv
w=$("$SEED" "$CAREPULSE_DB" create compassionate-pulse --opens $NOV "Even team") || fail "create"
seed invite "$w"
seed respond "$w" "Even team" 6 --constant 4
seed close "$w"
expect_exit 0 report team --team "Even team" -o even.pdf
check_pdf even.pdf
has even.pdf "first wave"
has even.pdf "score 75 · 100% favourable · n = 6"
has even.pdf "2026-11-01"
expect_exit 0 report compare -o even-compare.pdf
check_pdf even-compare.pdf
has even-compare.pdf "75"

# 200 teams in the comparison: pages with the header repeated.
export CAREPULSE_DB="$T/big.db"
expect_exit 0 init
/usr/bin/python3 - >big.csv <<'PY'
print("email,name,team,parent_team,role")
for t in range(1, 201):
    for i in range(5):
        print(f"m{i}.t{t}@example.org,Member {i},Team {t:03d},,member")
PY
expect_exit 0 team import big.csv
teams=$(seq -f 'Team %03g' 1 200)
IFS='
'
w=$("$SEED" "$CAREPULSE_DB" create compassionate-pulse $teams) || fail "create"
unset IFS
seed invite "$w"
for t in $(seq 1 200); do
	seed respond "$w" "$(printf 'Team %03d' "$t")" 5 --seed "$t"
done
seed close "$w"
start=$(date +%s)
expect_exit 0 report compare -o big.pdf
[ $(($(date +%s) - start)) -le 10 ] || fail "200 teams took over 10 s"
check_pdf big.pdf
has big.pdf "Team 001"
has big.pdf "Team 200"
has big.pdf "(continued)"
pages=$(pdfinfo big.pdf | awk '/^Pages:/ { print $2 }')
[ "$pages" -ge 5 ] || fail "200 teams on $pages pages"
[ "$(grep -c "Responses" big.pdf.txt)" = "$pages" ] || fail "the header is not on every page"
expect_exit 0 report compare -o big2.pdf
cmp -s big.pdf big2.pdf || fail "two runs gave different comparisons"
echo "report commands ok"
