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

    pdf_layout.py order RESULTS.json FILE.pdf
        The comparison's rows are the groups of `results --format json`
        (its "responses" rows), in the same order: the organisation tree,
        each roll-up above its teams, the organisation last.

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


def tight(w):
    if not RTL.search(w[4]):
        return w
    h = w[3] - w[1]
    return (w[0], w[1] + 0.3 * h, w[2], w[3] - 0.3 * h, w[4])


def overlap(pdf):
    bad = []
    for no, (_, _, words) in enumerate(pages_of(pdf), 1):
        # A Latin word or number inside a right-to-left line is boxed by
        # its own face on lines spaced for the Arabic one: 2 pt of slack.
        tol_y = 2.0 if any(RTL.search(w[4]) for w in words) else TOL
        words = sorted((tight(w) for w in words), key=lambda w: w[1])
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


def row_names(pdf):
    """The comparison's row labels, page by page, top to bottom: the words
    left of the Responses column, between the header and the footer."""
    names = []
    for _, height, words in pages_of(pdf):
        header = [w for w in words if w[4] == "Team"]
        if not header:
            continue
        below = max(w[3] for w in header if w[0] < 60)
        limit = max((w[1] for w in words if w[4] == "Why"), default=height)
        lines = {}
        for x0, y0, x1, y1, w in words:
            if x0 < 220 and y0 > below and y1 < min(limit, height - 60):
                key = round(y0)
                lines.setdefault(key, []).append((x0, w))
        for key in sorted(lines):
            names.append(" ".join(w for _, w in sorted(lines[key])))
    return names


def order(results, pdf):
    rows = json.load(open(results))
    groups = [r for r in rows if r.get("measure") == "responses"]
    subtrees = {r["group"] for r in groups if r["scope"] == "subtree"}
    want = []
    for r in groups:
        name = r["group"]
        if r["scope"] == "organisation":
            continue
        if r["scope"] == "subtree":
            name += " (with sub-teams)"
        elif name in subtrees:
            name += " (own members)"
        want.append(name)
    want.append("Organisation")
    got = row_names(pdf)
    if got != want:
        return ["the rows are not in the tree's order:",
                "  want: " + " | ".join(want), "  got:  " + " | ".join(got)]
    return []


def main(argv):
    if len(argv) == 3 and argv[1] == "overlap":
        bad = overlap(argv[2])
    elif len(argv) == 5 and argv[1] == "fill":
        bad = fill(argv[3], float(argv[2]), argv[4])
    elif len(argv) == 4 and argv[1] == "order":
        bad = order(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    pdf = argv[3] if argv[1] != "overlap" else argv[2]
    for line in bad:
        print(f"{pdf}: {line}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
