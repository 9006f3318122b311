#!/usr/bin/python3
"""pdf_layout.py - checks how a carepulse PDF is laid out, from outside.

    pdf_layout.py overlap FILE.pdf
        No two words drawn over each other: the word boxes pdftotext -bbox
        gives (horizontal text; the heat map's rotated column titles are not
        in them) overlap on no page by more than TOL points each way.

    pdf_layout.py fill MIN FILE.pdf TMPDIR
        Every page but the last is used down to at least MIN (0..1) of its
        text area: the page is rendered with pdftoppm in grey and the
        lowest row with anything drawn on it above the footer is found.
        Sections flow, so only a document's last page may end early.

    pdf_layout.py rtl FILE.pdf PO [MSGID...]
        A report in a right-to-left language (PO, its catalogue) is laid
        out right to left: pdftotext gives back each MSGID's translation
        (a heading) in logical order; each is drawn on a line of its own
        whose right edge is at the right margin; and every long line with
        a right-to-left letter (a paragraph's, a table cell's) ends at the
        right margin or at most an indent (a quote's bar) short of it.

    pdf_layout.py order RESULTS.json FILE.pdf [PO]
        The comparison's rows are the groups of `results --format json`
        (its "responses" rows), in the same order: the organisation tree,
        each roll-up above its teams, the organisation last. With PO the
        report is in that catalogue's language, written right to left: its
        Team column must be the rightmost, and the rows are read there.

Exit 0 when the check holds; 1 with what is wrong on stderr.
"""
import html
import json
import re
import subprocess
import sys

TOL = 0.8  # points: glyph boxes of neighbouring lines may touch
MARGIN_TOP = 56  # pdf.c: the text area's edges, in points
MARGIN_BOTTOM = 60
WORD = re.compile(
    r'<word xMin="([-0-9.]+)" yMin="([-0-9.]+)" xMax="([-0-9.]+)" '
    r'yMax="([-0-9.]+)">(.*?)</word>')
PAGE = re.compile(r'<page width="([0-9.]+)" height="([0-9.]+)">')


def pages_of(pdf):
    """[(width, height, [(x0, y0, x1, y1, word)])] per page, from the top."""
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True,
                         capture_output=True, text=True).stdout
    pages = []
    for chunk in out.split("<page ")[1:]:
        m = PAGE.match("<page " + chunk)
        words = [(float(a), float(b), float(c), float(d), html.unescape(w))
                 for a, b, c, d, w in WORD.findall(chunk)]
        pages.append((float(m.group(1)), float(m.group(2)), words))
    return pages


# Arabic and Hebrew letters: poppler boxes such a word by its font's
# ascent and descent (Noto's Arabic faces reserve room for stacked marks,
# about 1.6 em in all), far taller than the letters drawn, so neighbouring
# lines' boxes overlap where the glyphs do not. Such a word is checked by
# the middle 40% of its box, which the letters do fill.
RTL = re.compile("[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


# A number or punctuation inside such a line is drawn from the same face
# and boxed alike: a word whose box has exactly the top and bottom of a
# right-to-left word's is checked the same way.
def tight(w, rtl_boxes):
    if not RTL.search(w[4]) and (w[1], w[3]) not in rtl_boxes:
        return w
    h = w[3] - w[1]
    return (w[0], w[1] + 0.3 * h, w[2], w[3] - 0.3 * h, w[4])


def overlap(pdf):
    bad = []
    for no, (_, _, words) in enumerate(pages_of(pdf), 1):
        # A Latin word or number inside a right-to-left line is boxed by
        # its own face on lines spaced for the Arabic one: 2 pt of slack.
        tol_y = 2.0 if any(RTL.search(w[4]) for w in words) else TOL
        rtl_boxes = {(w[1], w[3]) for w in words if RTL.search(w[4])}
        words = sorted((tight(w, rtl_boxes) for w in words),
                       key=lambda w: w[1])
        for i, a in enumerate(words):
            for b in words[i + 1:]:
                if b[1] >= a[3] - TOL:
                    break  # sorted by top: no later word reaches a
                dx = min(a[2], b[2]) - max(a[0], b[0])
                dy = min(a[3], b[3]) - max(a[1], b[1])
                if dx > TOL and dy > tol_y:
                    bad.append(f"page {no}: '{a[4]}' and '{b[4]}' overlap "
                               f"({dx:.1f} x {dy:.1f} pt)")
    return bad


def pgm_rows(path):
    """The rows of a binary PGM (P5, 8 bits) as bytes objects."""
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        m = re.compile(rb"\s*(#[^\n]*\n\s*)*(\S+)").match(data, pos)
        fields.append(m.group(2))
        pos = m.end()
    w, h = int(fields[1]), int(fields[2])
    pos += 1  # the single white space after the header
    return [data[pos + r * w:pos + (r + 1) * w] for r in range(h)]


def fill(pdf, minimum, tmp):
    dpi = 36
    pages = pages_of(pdf)
    bad = []
    for no in range(1, len(pages)):  # every page but the last
        base = f"{tmp}/fill-{no}"
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(no),
                        "-l", str(no), "-singlefile", pdf, base], check=True)
        rows = pgm_rows(base + ".pgm")
        scale = dpi / 72.0
        top = int(MARGIN_TOP * scale)
        bottom = len(rows) - int(MARGIN_BOTTOM * scale)  # above the footer
        last = top
        for r in range(top, bottom):
            if min(rows[r]) < 235:
                last = r
        used = (last - top) / float(bottom - top)
        if used < minimum:
            bad.append(f"page {no} of {len(pages)} is used down to "
                       f"{used:.0%} of its height, below {minimum:.0%}")
    return bad


# Text as pdftotext gives it, without the bidi embedding marks it puts
# around right-to-left and embedded left-to-right runs.
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(pdf):
    out = subprocess.run(["pdftotext", pdf, "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(BIDI_MARKS.sub("", out).split())


def catalogue(po):
    """msgid -> msgstr of a .po file (single messages, no plurals)."""
    def unquote(line):
        return json.loads(line[line.index('"'):])
    out, key, cur, last = {}, None, None, None
    for line in open(po, encoding="utf-8").read().splitlines() + [""]:
        if line.startswith("msgid "):
            key, cur, last = unquote(line), "", "id"
        elif line.startswith("msgstr "):
            cur, last = unquote(line), "str"
        elif line.startswith('"') and last == "id":
            key += unquote(line)
        elif line.startswith('"') and last == "str":
            cur += unquote(line)
        else:
            if key and cur:
                out[key] = cur
            key, cur, last = None, None, None
    return out


def chars(text):
    """The letters of a text in any order: pdftotext -bbox gives a right-
    to-left word's letters in drawn (visual) order."""
    return sorted(c for c in BIDI_MARKS.sub("", text) if not c.isspace())


def lines_of(pdf):
    """[(width, [(x0, y0, x1, y1, text)])] per page: pdftotext's lines,
    each with its words joined as pdftotext -bbox-layout groups them."""
    out = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"],
                         check=True, capture_output=True, text=True).stdout
    pages = []
    for chunk in out.split("<page ")[1:]:
        width = float(PAGE.match("<page " + chunk).group(1))
        lines = []
        for line in chunk.split("<line ")[1:]:
            m = re.match(r'xMin="([-0-9.]+)" yMin="([-0-9.]+)" '
                         r'xMax="([-0-9.]+)" yMax="([-0-9.]+)"', line)
            words = [html.unescape(w[4]) for w in WORD.findall(line)]
            lines.append(tuple(float(v) for v in m.groups()) +
                         (" ".join(words),))
        pages.append((width, lines))
    return pages


MARGIN_SIDE = 56  # pdf.c: the left and right margins
INDENT = 14  # a quote's text stands 12 points in from its bar


def rtl(pdf, po, msgids):
    cat = catalogue(po)
    text = plain(pdf)
    bad = []
    pages = lines_of(pdf)
    for msgid in msgids:
        want = cat.get(msgid)
        if not want:
            bad.append(f"'{msgid}' has no translation in {po}")
            continue
        if " ".join(want.split()) not in text:
            bad.append(f"pdftotext does not give back '{want}'")
        found = [(no, ln) for no, (_, lines) in enumerate(pages, 1)
                 for ln in lines if chars(ln[4]) == chars(want)]
        if not found:
            bad.append(f"no line holds just '{want}'")
        for no, ln in found:
            edge = pages[no - 1][0] - MARGIN_SIDE
            if abs(ln[2] - edge) > 1.5:
                bad.append(f"page {no}: '{want}' ends at {ln[2]:.1f}, not "
                           f"at the right margin ({edge:.1f})")
    for no, (width, lines) in enumerate(pages, 1):
        edge = width - MARGIN_SIDE
        for x0, _, x1, _, t in lines:
            if not RTL.search(t) or x1 - x0 < 0.5 * (width - 2 * MARGIN_SIDE):
                continue
            if not edge - INDENT - 1.5 <= x1 <= edge + 1.5:
                bad.append(f"page {no}: a long line ends at {x1:.1f}, not at "
                           f"the right margin ({edge:.1f}): {t[:40]}")
    return bad


def row_names(pdf, team="Team", why="Why", rtl=False):
    """The comparison's row labels, page by page, top to bottom: the words
    before the Responses column, between the header and the footer; that
    column is the first on the left, or with rtl on the right (the boxes
    are then read mirrored); a page with it elsewhere gives no rows."""
    names = []
    for width, height, words in pages_of(pdf):
        header = [w for w in words if chars(w[4]) == chars(team)]
        if not any((w[2] > width - 60) if rtl else (w[0] < 60)
                   for w in header):
            continue
        if rtl:
            words = [(width - x1, y0, width - x0, y1, w, x0)
                     for x0, y0, x1, y1, w in words]
        else:
            words = [w + (w[0],) for w in words]
        below = max(w[3] for w in words
                    if chars(w[4]) == chars(team) and w[0] < 60)
        groups = {}
        for w in words:
            groups.setdefault(round(w[1]), []).append(w)
        stops = [w[1] for w in words if w[4] == why]
        stops += [min(w[1] for w in g) for g in groups.values()
                  if chars("".join(w[4] for w in g)) == chars(why)]
        limit = max(stops, default=height)
        lines = {}
        for x0, y0, x1, y1, w, drawn_x0 in words:
            if x0 < 220 and y0 > below and y1 < min(limit, height - 60):
                key = round(y0)
                lines.setdefault(key, []).append((drawn_x0, w))
        for key in sorted(lines):
            names.append(" ".join(w for _, w in sorted(lines[key])))
    return names


def rows_match(lines, want):
    """Whether the lines are the wanted rows in their order, where a row
    mixing a Latin name with Arabic words comes back in drawn order (its
    letters are compared) and a long one may wrap onto a second line."""
    i = 0
    for name in want:
        need, got = chars(name), []
        while i < len(lines) and len(got) < len(need):
            got = sorted(got + chars(lines[i]))
            i += 1
        if got != need:
            return False
    return i == len(lines)


def order(results, pdf, po=None):
    rows = json.load(open(results))
    groups = [r for r in rows if r.get("measure") == "responses"]
    subtrees = {r["group"] for r in groups if r["scope"] == "subtree"}
    cat = catalogue(po) if po else {}
    want = []
    for r in groups:
        name = r["group"]
        if r["scope"] == "organisation":
            continue
        if r["scope"] == "subtree":
            name = cat.get("%s (with sub-teams)", "%s (with sub-teams)") % name
        elif name in subtrees:
            name = cat.get("%s (own members)", "%s (own members)") % name
        want.append(name)
    want.append("Organisation")
    if po:
        got = row_names(pdf, cat.get("Team", "Team"),
                        cat.get("Why rows are hidden", "Why"), rtl=True)
        same = rows_match(got, want)
    else:
        got = row_names(pdf)
        same = got == want
    if not same:
        return ["the rows are not in the tree's order:",
                "  want: " + " | ".join(want), "  got:  " + " | ".join(got)]
    return []


def main(argv):
    if len(argv) == 3 and argv[1] == "overlap":
        bad = overlap(argv[2])
    elif len(argv) == 5 and argv[1] == "fill":
        bad = fill(argv[3], float(argv[2]), argv[4])
    elif len(argv) in (4, 5) and argv[1] == "order":
        bad = order(argv[2], argv[3], argv[4] if len(argv) == 5 else None)
    elif len(argv) >= 4 and argv[1] == "rtl":
        bad = rtl(argv[2], argv[3], argv[4:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    pdf = argv[3] if argv[1] in ("fill", "order") else argv[2]
    for line in bad:
        print(f"{pdf}: {line}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
