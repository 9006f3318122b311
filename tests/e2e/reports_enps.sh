# eNPS and "prefer not to say" in the PDFs (issue 16): two waves of the
# pulse with its eNPS item, some answers declined. The team report's eNPS
# block and the comparison's eNPS column show the score results gives in
# JSON (as the reports format it, with its sign); an eNPS core hides shows
# core's reason and no number, in the team report and as a hatched cell;
# the second wave's team report draws the eNPS over both waves, the
# waves' dates on its axis, each shown wave's score as results gives it
# and each hidden wave named with core's reason under the chart;
# items show how many preferred not to say; and the layout checks of
# reports_layout.sh (no text over text, no mostly blank page) hold.
. "$CP_TEST_LIB"
need sqlite3 pdftotext pdftoppm /usr/bin/python3
check="$CP_SOURCE_DIR/tests/e2e/pdf_layout.py"
export SOURCE_DATE_EPOCH=1780000000

. "$CP_SOURCE_DIR/tests/enps_lib.sh"
enps_two_waves

for w in "$w1" "$w2"; do
	expect_exit 0 results "$w" --items --format json
	cp "$T/out" "w$w.json"
	expect_exit 0 report compare --wave "$w" -o "compare-$w.pdf"
	for team in "Ward A" "Ward B" Nursing Pharmacy; do
		expect_exit 0 report team --team "$team" --wave "$w" -o "team-$w-$team.pdf"
	done
done

/usr/bin/python3 - "$w1" "$w2" <<'PY' || fail "the eNPS in the PDFs"
import json, re, subprocess, sys

def text(pdf):
    return subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True,
                          capture_output=True, text=True).stdout

def enps_block(t):
    start = t.index("Would people recommend the team?", t.index("Page 1"))
    return t[start:t.index("Trends", start)]

def score(v):
    return "%+.0f" % v

hidden = shown = 0
for w in sys.argv[1:]:
    rows = json.load(open(f"w{w}.json"))
    enps = {(r["group"], r["scope"]): r for r in rows if r["measure"] == "enps"}
    cmp = text(f"compare-{w}.pdf")
    for team in ["Ward A", "Ward B", "Nursing", "Pharmacy"]:
        r = enps.get((team, "subtree")) or enps[(team, "team")]
        block = enps_block(text(f"team-{w}-{team}.pdf"))
        if r["suppressed"]:
            hidden += 1
            assert "eNPS not shown:" in block, (w, team, block)
            assert not re.search(r"[+-]\d", block.split("+100.", 1)[1]), block
            assert "preferred not to say" not in block
        else:
            shown += 1
            assert re.search(r"^\s*%s\s*$" % re.escape(score(r["score"])),
                             block, re.M), (w, team, score(r["score"]), block)
            if r["prefer_not_to_say"]:
                assert "n = %d; %d preferred not to say" % (
                    r["n"], r["prefer_not_to_say"]) in block, block
            # The comparison's row for the group ends with its eNPS.
            name = team + (" (with sub-teams)" if r["scope"] == "subtree" else "")
            line = [l for l in cmp.splitlines() if l.strip().startswith(name + " ")]
            assert line and line[0].split()[-1] == score(r["score"]), (name, line)
    # Items: the declined count, as such, never folded into n.
    items = [r for r in rows if r["measure"] == "item" and r["group"] == "Ward A"
             and not r["suppressed"] and r["prefer_not_to_say"]]
    assert items
    t = text(f"team-{w}-Ward A.pdf")
    for r in items:
        assert "%d preferred not to say" % r["prefer_not_to_say"] in t
assert hidden >= 2 and shown >= 4, (hidden, shown)

# The eNPS trend: none with one wave; with two, the dates on the axis,
# each shown wave's score, each hidden wave with its reason.
dates = {sys.argv[1]: "2026-05-28", sys.argv[2]: "2026-06-25"}
reasons = {"fewer_than_k": "fewer than 5 answered",
           "protects_group": "hidden so that"}
for team in ["Ward A", "Ward B", "Nursing", "Pharmacy"]:
    assert "eNPS over" not in enps_block(text(f"team-{sys.argv[1]}-{team}.pdf"))
    block = enps_block(text(f"team-{sys.argv[2]}-{team}.pdf"))
    assert "eNPS over the last 2 waves" in block, (team, block)
    trend = block[block.index("eNPS over the last"):]
    assert re.search(r"2026-05-28 +2026-06-25", trend), (team, trend)
    hatched = " ".join(trend.split("Hatched, not shown:", 1)[1].split()) \
        if "Hatched, not shown:" in trend else ""
    for w in sys.argv[1:]:
        rows = json.load(open(f"w{w}.json"))
        enps = {(r["group"], r["scope"]): r for r in rows if r["measure"] == "enps"}
        r = enps.get((team, "subtree")) or enps[(team, "team")]
        if r["suppressed"]:
            assert dates[w] + ": " + reasons[r["reason"]] in hatched, (team, w, hatched)
        else:
            assert dates[w] not in hatched, (team, w, hatched)
            assert re.search(r"(^|\s)%s(\s|$)" % re.escape(score(r["score"])),
                             trend.split("Hatched")[0]), (team, w, trend)
PY

# The comparison marks a hidden eNPS as it marks any hidden cell.
pdftotext -layout "compare-$w1.pdf" c1.txt
grep -q "^ *Ward B .*<5 *$" c1.txt || fail "Ward B's hidden eNPS cell"

for pdf in compare-*.pdf team-*.pdf; do
	/usr/bin/python3 "$check" overlap "$pdf" || fail "$pdf: text drawn over text"
	/usr/bin/python3 "$check" fill 0.5 "$pdf" "$T" || fail "$pdf: a page is mostly blank"
done
