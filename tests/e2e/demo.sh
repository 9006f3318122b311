# carepulse demo runs end to end on the embedded default, and again.
. "$CP_TEST_LIB"
expect_exit 0 demo "$T/d"
expect_in out "built-in surveys"
expect_in out "compassionate-leadership"
[ -f "$T/d/carepulse.db" ] || fail "no demo database"
[ -f "$T/d/roster.csv" ] || fail "no demo roster"
cp "$T/d/roster.csv" "$T/roster1"
expect_exit 0 team list --db "$T/d/carepulse.db" --format csv
expect_in out "Ward 4 Nursing,Nursing"
expect_exit 0 demo "$T/d"
cmp -s "$T/d/roster.csv" "$T/roster1" || fail "the demo roster is not seeded"
echo "demo ok"
