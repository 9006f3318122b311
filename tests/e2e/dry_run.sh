# Dry runs tell the truth: for each scenario in the table, `tick
# --dry-run` (and `send --dry-run`) changes nothing and reports the same
# counts, the same missing setting and the same exit status as the real
# run that follows it at the same time. Then: a tick that cannot send
# does the rest of its work and exits 69; remind says why nobody was
# reminded and when the next one is due.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/lifecycle_lib.sh"
need sqlite3 /usr/bin/python3

NOW0=1795000000
create() { expect_exit 0 wave create --survey compassionate-pulse --team "Team 00" "$@"; }

# The scenarios: a name and what is set up before the tick at +DAYS.
scenario_open_pending() { create --channel outbox; DAYS=0; }
scenario_due_to_open() { create --channel outbox --opens +1h; DAYS=1; }
scenario_past_closing() { create --channel outbox; expect_exit 0 send 1; DAYS=15; }
scenario_series_next() { create --channel outbox --every 1w; expect_exit 0 send 1; DAYS=8; }
scenario_reminders_due() { create --channel outbox; expect_exit 0 send 1; DAYS=4; }
scenario_no_smtp_url() { create; DAYS=0; }
scenario_series_no_smtp() { create --every 1w --opens +1h; DAYS=7; }
scenario_webhook_no_url() { create --channel webhook; DAYS=0; }
scenario_bad_outbox() { create --channel outbox; expect_exit 0 config set outbox.dir /proc/nope/x; DAYS=0; }
scenario_nothing_due() { create --channel outbox --opens +3d; DAYS=1; }

counts() { sed -e 's/ (dry run, nothing changed)//' -e 's/to send/sent/g' "$T/out" | grep '^tick: [0-9]'; }

for s in open_pending due_to_open past_closing series_next reminders_due \
	no_smtp_url series_no_smtp webhook_no_url bad_outbox nothing_due; do
	rm -rf "$T/outbox" "$CAREPULSE_DB" "$CAREPULSE_DB"-* "$CAREPULSE_DB".*
	export CAREPULSE_NOW=$NOW0
	setup_org 24
	"scenario_$s"
	export CAREPULSE_NOW=$((NOW0 + DAYS * 86400 + 60))
	before=$(db_dump)
	run tick --dry-run
	dry_rc=$rc
	dry=$(counts)
	sed 's/^carepulse: //' "$T/err" >"$T/dry.err"
	[ "$(db_dump)" = "$before" ] || fail "$s: tick --dry-run changed the database"
	[ ! -d "$T/outbox" ] || [ -z "$(ls "$T/outbox")" ] || [ "$s" = reminders_due ] ||
		[ "$s" = past_closing ] || [ "$s" = series_next ] || fail "$s: the dry run wrote messages"
	run tick
	real=$(counts)
	[ "$rc" = "$dry_rc" ] || fail "$s: tick exited $rc, its dry run $dry_rc"
	[ "$real" = "$dry" ] || fail "$s: the dry run said '$dry', the real run '$real'"
	sed 's/^carepulse: //' "$T/err" | cmp -s - "$T/dry.err" ||
		{ cat "$T/err" "$T/dry.err" >&2; fail "$s: the dry run's message differs"; }
	echo "$s: $real (exit $rc)"
done

# The same for send: a missing setting fails the dry run as the real one.
rm -rf "$T/outbox" "$CAREPULSE_DB" "$CAREPULSE_DB"-* "$CAREPULSE_DB".*
export CAREPULSE_NOW=$NOW0
setup_org 24
create
expect_exit 64 send --dry-run 1
expect_in err "smtp.url is not set"
expect_exit 64 send 1
expect_in err "smtp.url is not set"
expect_exit 0 config set smtp.url "smtp://[::1"
expect_exit 64 send --dry-run 1
expect_in err "is not a valid URL"
expect_exit 0 config unset smtp.url

# A tick that cannot send does the rest: the series' next wave is made,
# the old one closed, and it says what is missing, exiting 69.
expect_exit 0 wave create --survey compassionate-pulse --team "Team 01" \
	--channel outbox --every 1w
expect_exit 0 send 2
export CAREPULSE_NOW=$((NOW0 + 7 * 86400 + 60))
expect_exit 69 tick
expect_in out "1 closed, 1 next waves created; 11 invitations sent"
expect_in out "could not be sent; everything else was done"
expect_in err "wave 1 not sent: smtp.url is not set"
expect_exit 0 wave set 1 --channel outbox
expect_exit 0 tick
expect_in out "11 invitations sent"

# remind: why nobody was reminded, and when the next reminder is due.
export CAREPULSE_NOW=$((NOW0 + 7 * 86400 + 120))
expect_exit 0 remind 3
expect_in out "0 reminders sent: 11 not answered; the next reminder is due 2026-11-28 11:07 UTC (reminders every 3 days, at most 2)"
export CAREPULSE_NOW=$((NOW0 + 10 * 86400 + 180))
expect_exit 0 remind 3
expect_in out "11 reminders sent"
echo "dry runs ok"
