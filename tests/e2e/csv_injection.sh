# CSV injection (OWASP): no cell of any CSV carepulse writes can run as a
# formula in a spreadsheet. A team named =HYPERLINK(...) and a comment
# starting @SUM come out with a leading quote; negative numbers (changes)
# stay numbers.
. "$CP_TEST_LIB"
need /usr/bin/python3
SEED="$CP_TOOLS_DIR/cp_seed"
[ -x "$SEED" ] || fail "cp_seed is not built"

expect_exit 0 init
TEAM='=HYPERLINK("http://x")'
{
	echo "email,name,team,parent_team,role"
	for i in $(seq 1 12); do
		echo "h$i@example.org,\"+Plus $i\",\"=HYPERLINK(\"\"http://x\"\")\",,member"
	done
	for i in $(seq 1 12); do echo "m$i@example.org,-Minus $i,-Minus team,,member"; done
} >roster.csv
expect_exit 0 team import roster.csv
for w in 1 2; do
	wave=$("$SEED" "$CAREPULSE_DB" create compassionate-pulse --threshold 5 \
		"$TEAM" "-Minus team") || fail create
	"$SEED" "$CAREPULSE_DB" invite "$wave" || fail invite
	"$SEED" "$CAREPULSE_DB" respond "$wave" "$TEAM" 12 --seed "$w" \
		--constant $((6 - 2 * w)) --comment "@SUM(1+1)*cmd|' /C calc'!A0" ||
		fail respond
	"$SEED" "$CAREPULSE_DB" respond "$wave" "-Minus team" 12 --seed "$w" ||
		fail respond
	"$SEED" "$CAREPULSE_DB" close "$wave" || fail close
done

check_csv() {
	/usr/bin/python3 - "$T/out" "$1" <<'PY' || fail "$1: a formula in the CSV"
import csv, re, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
plain = re.compile(r"-?[0-9]+(\.[0-9]+)?$")
negative = 0
for row in rows:
    for cell in row:
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and \
                not plain.match(cell):
            sys.exit(f"{sys.argv[2]}: {cell!r} would run as a formula")
        negative += bool(plain.match(cell) and cell.startswith("-"))
text = open(sys.argv[1]).read()
if sys.argv[2] == "results":
    assert "'=HYPERLINK(\"\"http://x\"\")" in text, text[:400]
    assert "'-Minus team" in text, text[:400]
    assert negative > 0, "no negative change to prove numbers stay numbers"
if sys.argv[2] == "comments":
    assert "'@SUM(1+1)" in text, text
PY
}

expect_exit 0 results --format csv
check_csv results
expect_exit 0 results --items --trend --team "$TEAM" --format csv
check_csv trend
expect_exit 0 results --matrix --format csv
check_csv matrix
expect_exit 0 results --comments --format csv
check_csv comments
expect_exit 0 team list --format csv
check_csv "team list"
expect_exit 0 member list --format csv
check_csv "member list"
expect_in out "'+Plus 1"
# JSON and the table are not spreadsheets: the names are as typed.
expect_exit 0 results --format json
expect_in out '"group": "=HYPERLINK(\"http://x\")"'
expect_exit 0 member list
expect_in out "+Plus 1"
expect_not_in out "'+Plus 1"
