# Times typed on the command line are read on the installation's clocks
# (setting timezone), stored UTC and shown in the zone again: a wave that
# opens before the clocks go forward in London (29 March 2026, 01:00 UTC)
# and closes after; a time the clocks skip is refused, naming the zone; a
# time they show twice (25 October 2026, 01:30) is the earlier; a Z means
# UTC. With the setting back to UTC the same stored times show in UTC, so
# what was stored is the UTC instant. Action review dates and a
# facilitator's end date are read the same way.
. "$CP_TEST_LIB"
export CAREPULSE_NOW=1774000000 # 2026-03-20 09:46:40 UTC (GMT in London)

expect_exit 0 init
expect_exit 0 team import "$CP_SOURCE_DIR/tests/data/roster-languages.csv"
team="Ward 7"
expect_exit 0 config set timezone Europe/London

# GMT (UTC+0) before, BST (UTC+1) after.
expect_exit 0 wave create --survey compassionate-pulse --team "$team" \
	--opens "2026-03-28 12:00" --closes "2026-03-30 09:00"
expect_in out "from 2026-03-28 12:00 GMT until 2026-03-30 09:00 BST"

# The hour the clocks skip: refused, nothing stored.
expect_exit 64 wave create --survey compassionate-pulse --team "$team" \
	--closes "2026-03-29 01:30"
expect_in err "'2026-03-29 01:30' is not a time in Europe/London"
# The hour they show twice: the first, in BST (00:30 UTC).
expect_exit 0 wave create --survey compassionate-pulse --team "$team" \
	--opens 2026-10-24 --closes "2026-10-25T01:30"
expect_in out "from 2026-10-24 00:00 BST until 2026-10-25 01:30 BST"
# A Z: UTC, shown on London's clocks.
expect_exit 0 wave create --survey compassionate-pulse --team "$team" \
	--opens 2026-06-01T08:00Z --closes 2026-12-01T08:00Z
expect_in out "from 2026-06-01 09:00 BST until 2026-12-01 08:00 GMT"

# A facilitator until 17:00 on London's clocks in summer.
expect_exit 0 access grant --team "$team" --until "2026-07-01 17:00" \
	facilitator fay@example.org
expect_in out "until 2026-07-01 17:00 BST"

# The same stored instants, shown in UTC.
expect_exit 0 config set timezone UTC
expect_exit 0 wave list
expect_in out "2026-03-28 12:00 UTC"
expect_in out "2026-03-30 08:00 UTC"
expect_in out "2026-10-23 23:00 UTC"
expect_in out "2026-10-25 00:30 UTC"
expect_in out "2026-06-01 08:00 UTC"
expect_in out "2026-12-01 08:00 UTC"
expect_exit 0 access list
expect_in out "2026-07-01 16:00 UTC"
# Nothing stored for the refused wave: three waves.
expect_exit 0 wave list --format csv
[ "$(tr -d '\r' <"$T/out" | wc -l)" -eq 4 ] || fail "expected 3 waves: $(cat "$T/out")"
expect_exit 0 access list --format csv
expect_in out "2026-07-01T16:00:00Z"

# A review day typed in summer is that day, not the UTC day before.
"$CP_TOOLS_DIR/cp_seed" "$CAREPULSE_DB" close 1 || fail "close"
expect_exit 0 config set timezone Europe/London
expect_exit 0 action add --team "$team" --wave 1 --review 2026-07-01 "Talk at handover"
expect_exit 0 action list --format csv
expect_in out ",2026-07-01,"
