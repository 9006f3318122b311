# Text in any script in the PDF reports. For each script a team named in
# it answers with comments in it, through the roster, `import` and
# `report team`; then, with the tools a reader's machine uses:
# - pdftotext gives back each team name and comment exactly, in logical
#   order (the ToUnicode maps carepulse writes), also for lines that mix
#   directions and for emoji;
# - poppler renders every page without a word on stderr (libharu 2.3.0's
#   own ToUnicode map drew "Invalid 'begincidrange' operator");
# - mutool trace shows no .notdef glyph, and for Arabic and Devanagari the
#   glyphs drawn are the ones HarfBuzz's hb-shape gives for the string;
# - a report with comments in every script is under 1 MB and the same
#   SOURCE_DATE_EPOCH gives the same bytes.
. "$CP_TEST_LIB"
need pdftotext pdftoppm pdffonts qpdf mutool hb-shape /usr/bin/python3
export SOURCE_DATE_EPOCH=1795000000
NOTO=/usr/share/fonts/truetype/noto

# One line per script: key|team name|comment|comment. Short enough that
# no comment wraps, so each is one line of pdftotext's output.
cat >scripts.txt <<'EOF'
welsh|Tîm Nyrsio Cymraeg|Mae angen mwy o amser i siarad â'n gilydd ar ddiwedd y shifft.|Diolch i'r tîm am ŵyl lwyddiannus.
greek|Ομάδα Πτέρυγας Α|Η ομάδα μας στηρίζει ο ένας τον άλλον.|Χρειαζόμαστε περισσότερο χρόνο για διαλείμματα.
cyrillic|Команда Київ|Більше часу на передачу зміни.|Спасибо за поддержку в трудные дни.
armenian|Հայերեն թիմ|Մեր թիմը միշտ օգնում է իրար։|Շնորհակալություն աջակցության համար։
georgian|ქართული გუნდი|ჩვენი გუნდი ერთმანეთს ეხმარება.|მადლობა მხარდაჭერისთვის.
hebrew|צוות עברית|הצוות שלנו תומך אחד בשני.|צריך עוד Wi-Fi בחדר 12 בלילה.
arabic|فريق العربية|فريقنا يدعم بعضه بعضاً دائماً، لا شكوى.|نحتاج إلى 3 ممرضات إضافيات في قسم ICU الليلة.
devanagari|हिन्दी टीम|हमारी टीम एक-दूसरे की मदद करती है।|क्षमा करें, शिफ्ट में और स्टाफ़ चाहिए।
bengali|বাংলা দল|আমাদের দল সবসময় একে অপরকে সাহায্য করে।|ক্ষমা চাই, আরও প্রশিক্ষণ দরকার।
thai|ทีมไทย|ทีมของเราช่วยเหลือกันเสมอ|ขอบคุณสำหรับการสนับสนุนที่ดี
chinese|中文护理团队|我们的团队总是互相帮助。|希望交接班时有更多时间沟通。
japanese|日本語チーム|私たちのチームはいつも助け合っています。|休憩室がもっと静かだと助かります。
korean|한국어 팀|우리 팀은 항상 서로 돕습니다.|교대 근무 시간에 여유가 더 있으면 좋겠습니다.
emoji|Emoji team|Great team 👍🏽 thank you ❤️|Proud of us 👩‍⚕️🎉 and 🇬🇧 flags
EOF

# The roster: ten people a team (a team's comments show from 10
# responses), and a team of fifteen that writes in every script.
/usr/bin/python3 - >roster.csv <<'PY'
import csv, sys
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["email", "name", "team", "parent_team", "role"])
teams = [l.split("|")[1] for l in open("scripts.txt", encoding="utf-8").read().splitlines()]
teams.append("Multilingual · متعدد اللغات · 多语言")
for t, team in enumerate(teams):
    for i in range(16 if t == len(teams) - 1 else 11):
        w.writerow([f"p{t}x{i}@example.org", f"Person {t} {i}", team, "",
                    "leader" if i == 0 else "member"])
PY
expect_exit 0 init
expect_exit 0 team import roster.csv
args=""
while IFS='|' read -r key team c1 c2; do
	args="$args --team $(printf '%q' "$team")"
done <scripts.txt
eval "set -- $args"
expect_exit 0 wave create --survey compassionate-pulse "$@" \
	--team "Multilingual · متعدد اللغات · 多语言" --channel outbox
wave=$(sed -n 's/^created wave \([0-9]*\):.*/\1/p' "$T/out")
[ -n "$wave" ] || { cat "$T/out"; fail "no wave id in wave create's output"; }

# Ten answers per team with its two comments; fifteen for the
# multilingual team, one comment per script and a mixed line.
/usr/bin/python3 - "$wave" >answers.json <<'PY'
import json, sys
items = ["compassion", "confidence", "collaborative", "contemplative", "civil",
         "curiosity", "courage", "attending", "understanding", "empathising",
         "helping"]
rows = [l.split("|") for l in open("scripts.txt", encoding="utf-8").read().splitlines()]
out = []
def answer(team, n, comment):
    out.append({"team": team,
                "answers": {f"pulse.{it}": 2 + (n + k) % 4 for k, it in enumerate(items)},
                "comments": {"would_help": comment}})
for key, team, c1, c2 in rows:
    for n in range(10):
        answer(team, n, c1 if n % 2 == 0 else c2)
multi = "Multilingual · متعدد اللغات · 多语言"
for n, (key, team, c1, c2) in enumerate(rows):
    answer(multi, n, c1)
answer(multi, 14, "English, then עברית and العربية, then back: OK.")
json.dump(out, sys.stdout, ensure_ascii=False)
PY
expect_exit 0 import "$wave" answers.json
expect_exit 0 wave close "$wave"

# check_pdf FILE: renders with nothing on stderr in poppler and mupdf,
# fonts embedded; FILE.txt gets its text, FILE.trace mupdf's glyphs.
check_pdf() {
	pdf=$1
	qpdf --check "$pdf" >"$T/qpdf" 2>&1 || { cat "$T/qpdf"; fail "$pdf: qpdf --check"; }
	pdffonts "$pdf" >"$pdf.fonts" 2>/dev/null || fail "$pdf: pdffonts"
	awk 'NR > 2 && $(NF-4) != "yes" { bad = 1 } END { exit bad }' "$pdf.fonts" ||
		{ cat "$pdf.fonts"; fail "$pdf: a font is not embedded"; }
	rm -rf png && mkdir png
	pdftoppm -r 30 -png "$pdf" png/p 2>"$pdf.render" || fail "$pdf: pdftoppm"
	[ ! -s "$pdf.render" ] || { cat "$pdf.render"; fail "$pdf: poppler warned"; }
	pdftotext "$pdf" "$pdf.txt" 2>"$pdf.render" || fail "$pdf: pdftotext"
	[ ! -s "$pdf.render" ] || { cat "$pdf.render"; fail "$pdf: pdftotext warned"; }
	mutool trace "$pdf" >"$pdf.trace" 2>"$pdf.render" || fail "$pdf: mutool trace"
	[ ! -s "$pdf.render" ] || { cat "$pdf.render"; fail "$pdf: mupdf warned"; }
	# mutool names each glyph drawn; .notdef (glyph 0) is a missing one.
	if grep -E 'glyph="(\.notdef|0)"' "$pdf.trace" | head -n 3 | grep .; then
		fail "$pdf: a .notdef glyph is drawn"
	fi
}

# has FILE TEXT: a line of FILE's text is exactly TEXT. pdftotext
# rebuilds logical order from the glyphs' positions with its own bidi
# pass and marks right-to-left stretches with embedding controls
# (U+202A..U+202E), which are dropped here. In right-to-left text its
# bidi pass takes neutral characters (digits, Latin, "،", ".") for left to
# right and puts a space on the wrong side of them, so a line with
# right-to-left letters is compared without its spaces; the visual order
# of such lines is checked exactly with mutool below.
has() {
	/usr/bin/python3 - "$1.txt" "$2" <<'PY' || fail "$1: no line reads '$2'"
import re, sys
want = sys.argv[2]
lines = [re.sub("[\u202a-\u202e\u2066-\u2069\f]", "", l)
         for l in open(sys.argv[1], encoding="utf-8").read().split("\n")]
if want in lines:
    sys.exit(0)
rtl = re.search("[\u0590-\u08ff]", want)
squash = lambda s: re.sub(r"\s+", "", s)
if rtl and squash(want) in [squash(l) for l in lines]:
    sys.exit(0)
# On a page whose text is mostly left to right (sections flow, so a
# page holds more than the comments), pdftotext's bidi pass also moves
# the neutral and left-to-right runs of a right-to-left line around: the
# line's characters are compared as a multiset, and its visual order is
# checked with mutool below.
bag = lambda s: sorted(squash(s))
if rtl and bag(want) in [bag(l) for l in lines]:
    sys.exit(0)
sys.exit(1)
PY
}

while IFS='|' read -r key team c1 c2; do
	expect_exit 0 report team --team "$team" --wave "$wave" -o "$key.pdf"
	check_pdf "$key.pdf"
	has "$key.pdf" "$team"
	has "$key.pdf" "$c1"
	has "$key.pdf" "$c2"
done <scripts.txt

# Shaped forms: the glyph names mupdf traces for a comment's line are
# the ones hb-shape gives for the string with the same font (in visual
# order, as both list them).
shaped() { # KEY TEXT FONT
	hb-shape --no-positions --no-clusters "$3" "$2" | tr -d '[]' | tr '|' ' ' >"$T/want"
	/usr/bin/python3 - "$1.pdf.trace" "$T/want" <<'PY' || fail "$1: the glyphs drawn are not HarfBuzz's for '$2'"
import re, sys
want = open(sys.argv[2]).read().split()
# Every glyph in the order drawn: a line's glyphs are drawn together.
drawn = re.findall(r'<g [^>]*glyph="([^"]*)"', open(sys.argv[1], encoding="utf-8").read())
for i in range(len(drawn) - len(want) + 1):
    if drawn[i:i + len(want)] == want:
        sys.exit(0)
print("want:", " ".join(want), file=sys.stderr)
sys.exit(1)
PY
}
shaped arabic "$(sed -n 's/^arabic|[^|]*|\([^|]*\)|.*/\1/p' scripts.txt)" $NOTO/NotoSansArabic-Regular.ttf
shaped devanagari "$(sed -n 's/^devanagari|[^|]*|\([^|]*\)|.*/\1/p' scripts.txt)" $NOTO/NotoSansDevanagari-Regular.ttf

# A line that mixes directions is drawn in visual order (rule L2): the
# characters mupdf traces on the line, left to right.
visual() { # KEY TEXT
	/usr/bin/python3 - "$1.pdf.trace" "$2" <<'PY' || fail "$1: no line is drawn as '$2'"
import re, sys
want = sys.argv[2]
lines = {}
for g in re.finditer(r'<g unicode="([^"]*)" glyph="[^"]*" x="([-0-9.]+)" y="([-0-9.]+)"', open(sys.argv[1], encoding="utf-8").read()):
    lines.setdefault(g.group(3), []).append((float(g.group(2)), g.group(1)))
drawn = ["".join(u for x, u in sorted(gs)) for gs in lines.values()]
if want in drawn:
    sys.exit(0)
print("\n".join(d for d in drawn if "Wi" in d or "ICU" in d), file=sys.stderr)
sys.exit(1)
PY
}
visual hebrew ".הלילב 12 רדחב Wi-Fi דוע ךירצ"

# Every script in one report: under 1 MB, and the same bytes again.
multi="Multilingual · متعدد اللغات · 多语言"
expect_exit 0 report team --team "$multi" --wave "$wave" -o all.pdf
check_pdf all.pdf
# On a page of mostly left-to-right lines pdftotext runs its bidi pass
# differently and moves a right-to-left line's end punctuation and marks
# (".הצוות...", "دائما ً،"): those lines are checked in their own team's
# report above, where the page is right to left.
while IFS='|' read -r key team c1 c2; do
	case $key in hebrew | arabic) continue ;; esac
	has all.pdf "$c1"
done <scripts.txt
# A left-to-right line with right-to-left words in it.
visual all "English, then תירבע and ةيبرعلا, then back: OK."
size=$(stat -c %s all.pdf)
[ "$size" -lt 1000000 ] || fail "the report with every script is $size bytes"
expect_exit 0 report team --team "$multi" --wave "$wave" -o again.pdf
cmp -s all.pdf again.pdf || fail "the same input gave different bytes"
echo "all scripts: $size bytes"
