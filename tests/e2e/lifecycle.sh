# Waves over months and years (issue 15): dates in the past refused, a
# channel changed until the first send, cancelling before and after
# answers (the wave gone or kept as a gap, its answers gone from the
# file's bytes, its links saying so), and a cancelled wave never the
# default, a point of a trend, a comparison or a wave to change from.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
. "$CP_SOURCE_DIR/tests/lifecycle_lib.sh"
need sqlite3 curl /usr/bin/python3
export CAREPULSE_NOW=1795000000 # 2026-11-18 11:06 UTC

setup_org 36
T0="--survey compassionate-pulse --team Org --subteams --channel outbox"

# Dates in the past are refused, with the field named.
expect_exit 64 wave create $T0 --opens 2026-11-01
expect_in err "--opens '2026-11-01' is in the past"
expect_exit 64 wave create $T0 --closes 2026-11-17
expect_in err "--closes '2026-11-17' is in the past"
expect_exit 64 wave create $T0 --opens +2d --closes +1d
expect_in err "not after opens"
expect_exit 64 wave create $T0 --every 1h
expect_in err "expected days, weeks or calendar months"
expect_exit 0 wave list --format csv
[ "$(wc -l <"$T/out")" = 1 ] || fail "a refused wave was created"

# The channel can change until the first invitation goes out.
expect_exit 0 wave create --survey compassionate-pulse --team Org --subteams
expect_in out "created wave 1"
expect_exit 64 send 1
expect_in err "smtp.url is not set"
expect_exit 0 wave set 1 --channel outbox
expect_in out "wave 1 now goes out by outbox"
expect_exit 0 send 1
expect_exit 65 wave set 1 --channel email
expect_in err "has sent by outbox already"
expect_exit 64 wave set 1 --channel pigeon
echo "dates and channel ok"

# Cancelled before any answer: the wave and its invitations are deleted.
links 1
cp "$T/links-1" "$T/links-deleted"
expect_exit 0 wave cancel 1 --reason "sent to the wrong list"
expect_in out "deleted wave 1 and its invitations"
expect_exit 65 wave show 1
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT count(*) FROM invitation')" = 0 ] ||
	fail "invitations of a deleted wave are left"

# Waves 2, 3, 4, answered and closed; wave 3 is cancelled in the middle.
for w in 2 3 4; do
	expect_exit 0 wave create $T0
	expect_exit 0 send "$w"
done
start_server
answer_wave 2 30 "ZQXW2 kept comment"
answer_wave 3 30 "ZQXW3 secret comment"
answer_wave 4 30 "ZQXW4 kept comment"
st=$(page "$(head -1 "$T/links-deleted")")
[ "$st" = 410 ] || fail "a deleted wave's link: HTTP $st"
grep -q "This pulse was cancelled" "$T/page" || fail "a deleted wave's link page"
for w in 2 3 4; do expect_exit 0 wave close "$w"; done
stop_server
expect_exit 0 wave cancel 3 --reason "sent twice by mistake"
expect_in out "cancelled wave 3: its answers, comments and totals were deleted"
expect_exit 65 wave cancel 3
expect_exit 0 wave show 3
expect_in out "cancelled    2026-11-18 11:06 UTC: sent twice by mistake"
expect_exit 0 wave list --format csv
expect_in out "3,compassionate-pulse,cancelled"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM response WHERE wave_id = 3")" = 0 ] ||
	fail "responses of a cancelled wave are left"
for t in agg_item agg_dim agg_group wave_hidden; do
	[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM $t WHERE wave_id = 3")" = 0 ] ||
		fail "$t rows of a cancelled wave are left"
done
# Not only the tables: the text is gone from every byte of the files.
if cat "$CAREPULSE_DB" "$CAREPULSE_DB-wal" 2>/dev/null | grep -aq ZQXW3; then
	fail "a cancelled wave's comment is still in the database file"
fi
cat "$CAREPULSE_DB" "$CAREPULSE_DB-wal" 2>/dev/null | grep -aq ZQXW4 ||
	fail "the byte search finds nothing at all (wave 4's comment)"

# Wave 4's change is from wave 2, never from the cancelled one.
expect_exit 0 results 4 --format csv
prev=$(/usr/bin/python3 -c '
import csv, sys
print(" ".join(sorted({r["previous_wave"] for r in csv.DictReader(open(sys.argv[1])) if r["previous_wave"]})))' "$T/out")
[ "$prev" = 2 ] || fail "wave 4 compares with wave(s) '$prev', not 2"
# The trend leaves it out and says why.
expect_exit 0 results --trend --team "Team 00"
expect_in out "wave 3 (2026-11-18 11:06 UTC): cancelled: sent twice by mistake"
awk '$1 == 3' "$T/out" | grep -q . && fail "the trend has a row of wave 3"
expect_exit 65 results 3
expect_in err "wave 3 was cancelled: sent twice by mistake"

# The newest wave cancelled: no default, no comparison takes it.
expect_exit 0 wave create $T0
expect_exit 0 send 5
start_server
answer_wave 5 30 "ZQXW5 comment"
stop_server
expect_exit 0 wave close 5
expect_exit 0 wave cancel 5
expect_exit 0 results --format csv
grep -q '^5,' "$T/out" && fail "the default wave is the cancelled wave 5"
grep -q '^4,closed,' "$T/out" || fail "the default wave is not wave 4"
if command -v pdftotext >/dev/null 2>&1; then
	expect_exit 0 report compare -o "$T/compare.pdf"
	pdftotext "$T/compare.pdf" "$T/compare.txt"
	grep -q "Wave 4" "$T/compare.txt" || grep -q "wave 4" "$T/compare.txt" ||
		fail "the comparison is not of wave 4"
	expect_exit 0 report team --team "Team 00" -o "$T/team.pdf"
	pdftotext "$T/team.pdf" "$T/team.txt"
	tr '\n' ' ' <"$T/team.txt" | grep -q "wave 3 .* was cancelled: sent twice by" ||
		fail "the report's trend does not say why wave 3 is missing"
	grep -q "to 2026-11-18" "$T/team.txt" || grep -q "2026-11-18" "$T/team.txt" ||
		fail "the report's cover has no closing date"
fi

# The cancelled wave's links say so.
start_server
st=$(page "$(head -1 "$T/links-3")")
[ "$st" = 410 ] || fail "a cancelled wave's link: HTTP $st"
grep -q "This pulse was cancelled" "$T/page" || fail "a cancelled wave's link page"
form_body "late"
st=$(answer "$(sed -n 31p "$T/links-3")")
[ "$st" = 410 ] || fail "an answer to a cancelled wave: HTTP $st"
stop_server
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM response WHERE wave_id = 3")" = 0 ] ||
	fail "a cancelled wave took an answer"
expect_exit 65 wave close 3
expect_in err "was cancelled"
expect_exit 0 wave show 2
expect_in out "closed       2026-11-18 11:06 UTC"
expect_in out "next         none: a one-off wave"
echo "cancel ok"
