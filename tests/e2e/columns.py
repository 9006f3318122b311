#!/usr/bin/env python3
"""columns.py FILE 'LABEL|VALUE'... - the columns of an aligned text table
line up on a terminal in every script.

For each argument, the line of FILE that is LABEL (after leading spaces),
then spaces, then VALUE; the display column VALUE starts at there is
counted as a terminal does (Unicode's East Asian Width: wide and full-width
characters two columns, combining marks and format characters none),
independently of carepulse's own counting (libc's wcwidth). Every VALUE
must start at the same column. With --ends FILE HEAD ROW
'HEADING|K'..., a heading on line HEAD must END at the column the K-th
word from the end of line ROW ends at (a right-aligned count under its
heading; lines numbered from 1).
"""
import re
import sys
import unicodedata


def width(s):
    w = 0
    for c in s:
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return w


def starts(lines, label, value):
    pat = re.compile(r"^\s*" + re.escape(label) + r"\s+" + re.escape(value))
    for line in lines:
        if pat.match(line):
            return width(line[: line.index(value, len(line) - len(line.lstrip()) + len(label))])
    sys.exit(f"FAIL: no line '{label} ... {value}'")


def ends(line, text):
    if text not in line:
        sys.exit(f"FAIL: '{text}' is not in: {line}")
    return width(line[: line.index(text) + len(text)])


def word_end(line, k):
    words = list(re.finditer(r"\S+", line))
    return width(line[: words[-k].end()])


def main():
    args = sys.argv[1:]
    end_mode = args and args[0] == "--ends"
    if end_mode:
        args = args[1:]
    lines = open(args[0], encoding="utf-8").read().split("\n")
    cols = {}
    if end_mode:
        # --ends FILE HEAD_LINE ROW_LINE 'HEADING|VALUE'...: 1-based lines.
        head, row = lines[int(args[1]) - 1], lines[int(args[2]) - 1]
        for pair in args[3:]:
            h, k = pair.split("|", 1)
            cols[pair] = (ends(head, h), word_end(row, int(k)))
        bad = {p: c for p, c in cols.items() if c[0] != c[1]}
        if bad:
            sys.exit(f"FAIL: heading and value end at different columns: {bad}")
        print(f"{len(cols)} headings end over their values")
        return
    for pair in args[1:]:
        label, value = pair.split("|", 1)
        cols[pair] = starts(lines, label, value)
    if len(set(cols.values())) != 1:
        sys.exit(f"FAIL: the values start at different columns: {cols}")
    print(f"aligned at column {next(iter(cols.values()))}: {len(cols)} lines")


main()
