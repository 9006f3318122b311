# A monthly series over a clock that jumps (CAREPULSE_NOW): `tick` makes
# each wave on the same day of the month (clamped to the month's end),
# closing one by hand leaves the series running, a paused series makes
# nothing and on resuming skips the slots it missed, --stop-series ends
# it, and `wave show` always says what happens next.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/lifecycle_lib.sh"
need /usr/bin/python3

at() { date -u -d "$1" +%s; }
tick_at() {
	export CAREPULSE_NOW
	CAREPULSE_NOW=$(at "$1")
	expect_exit 0 tick
}

export CAREPULSE_NOW
CAREPULSE_NOW=$(at 2027-01-31T09:00:00Z)
setup_org 24
expect_exit 0 wave create --survey compassionate-pulse --team "Team 00" \
	--channel outbox --every 1m
expect_in out "open from 2027-01-31 09:00 UTC until 2027-02-14 09:00 UTC"
expect_exit 0 wave show 1
expect_in out "next wave opens 2027-02-28 09:00 UTC (series 1, every 1 month)"
expect_exit 0 wave series list --format csv
expect_in out "1,active,every 1 month,2027-01-31 09:00 UTC,1,1,2027-02-28 09:00 UTC"
tick_at 2027-01-31T09:05:00Z
expect_in out "11 invitations sent"

# Closed by its time; the next comes on the last day of February.
tick_at 2027-02-14T10:00:00Z
expect_in out "1 closed, 0 next waves created"
tick_at 2027-02-28T09:01:00Z
expect_in out "1 opened, 0 closed, 1 next waves created; 11 invitations sent"
expect_exit 0 wave show 2
expect_in out "opens        2027-02-28 09:00 UTC"
expect_in out "closes       2027-03-14 09:00 UTC"
expect_in out "next wave opens 2027-03-31 09:00 UTC (series 1, every 1 month)"
tick_at 2027-02-28T09:30:00Z
expect_in out "0 next waves created"

# Closed by hand: the series goes on.
expect_exit 0 wave close 2
expect_in out "next wave opens 2027-03-31 09:00 UTC"
expect_exit 0 wave show 2
expect_in out "closed       2027-02-28 09:30 UTC"

# Paused over two slots: nothing is made, and on resuming the missed
# slots are skipped (no backlog), the current one made while it is open.
expect_exit 0 wave series pause 1
expect_exit 0 wave show 2
expect_in out "none while series 1 is paused"
tick_at 2027-03-31T09:10:00Z
expect_in out "0 next waves created"
tick_at 2027-05-01T00:00:00Z
expect_in out "0 next waves created"
expect_exit 0 wave series list --format csv
expect_in out "1,paused,"
expect_exit 0 wave series resume 1
expect_exit 0 wave show 2
expect_in out "next wave opens 2027-04-30 09:00 UTC"
tick_at 2027-05-01T00:05:00Z
expect_in out "1 next waves created; 11 invitations sent"
expect_exit 0 wave list --format csv
[ "$(grep -c ',compassionate-pulse,' "$T/out")" = 3 ] || fail "expected 3 waves"
expect_exit 0 wave show 3
expect_in out "opens        2027-04-30 09:00 UTC"
expect_in out "next wave opens 2027-05-31 09:00 UTC"

# Stopped with the wave that closes: no more waves, and show says so.
expect_exit 0 wave close 3 --stop-series
expect_in out "stopped series 1"
expect_exit 0 wave show 3
expect_in out "none: series 1 was stopped"
tick_at 2027-06-01T09:00:00Z
expect_in out "0 next waves created"
expect_exit 65 wave series resume 1
expect_in err "stopped"
expect_exit 64 wave series pause
expect_exit 64 wave series jump 1
expect_exit 65 wave series pause 9
expect_exit 0 wave create --survey compassionate-pulse --team "Team 01" --channel outbox
expect_exit 0 wave show 4
expect_in out "next         none: a one-off wave"
expect_exit 64 wave close 4 --stop-series
echo "series ok"
