# The outbox channel writes one complete .eml per invitation (no temporary
# files left), the demo sends its wave there, and tick opens, closes and
# recurs waves on the store's clock.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
export CAREPULSE_NOW=1795000000

expect_exit 0 demo "$T/demo"
expect_in out "for the whole organisation: sent"
n=$(ls "$T/demo/outbox" | grep -c '\.eml$')
[ "$n" -gt 10 ] || fail "the demo wrote $n messages"
expect_in out "sent $n invitations"
[ -z "$(ls -a "$T/demo/outbox" | grep tmp)" ] || fail "temporary files left"
# Again in its folder the demo starts over: the same messages, not twice.
expect_exit 0 demo "$T/demo"
expect_in out "starting over"
expect_in out "sent $n invitations"
[ "$(ls "$T/demo/outbox" | grep -c '\.eml$')" = "$n" ] || fail "the rerun left other messages"

expect_exit 0 init
make_roster 12 "$T/roster.csv"
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 config set outbox.dir "$T/outbox"
expect_exit 0 config set mail.from 'Team Pulse <pulse@example.org>'
# A recurring wave that opens tomorrow, for two teams: their leaders
# have no team above in the wave, so they get only the self-assessment.
expect_exit 0 wave create --survey compassionate-pulse --team "Team 00" \
	--team "Team 01" --channel outbox --opens +1d --every 2w --self
expect_in out "12 invitations by outbox, scheduled"
expect_exit 65 send 1
expect_in err "tick"
expect_exit 0 tick
expect_in out "0 opened"
[ ! -d "$T/outbox" ] || [ -z "$(ls "$T/outbox")" ] || fail "sent before opening"

export CAREPULSE_NOW=$((1795000000 + 86400 + 60))
expect_exit 0 tick
expect_in out "1 opened"
expect_in out "12 invitations sent"
[ "$(ls "$T/outbox" | wc -l)" = 12 ] || fail "expected 12 files in the outbox"
expect_exit 0 tick
expect_in out "0 invitations sent"

# Past the closing time: closed, and the next wave of the series is made.
export CAREPULSE_NOW=$((1795000000 + 15 * 86400 + 120))
expect_exit 0 tick
expect_in out "1 closed, 1 next waves created"
expect_exit 0 wave list --format csv
expect_in out "1,compassionate-pulse,closed"
expect_in out "2,compassionate-pulse,open"
expect_exit 0 wave show 2
expect_in out "invitations  12 (2 leader self-assessments)"
expect_exit 0 wave close 2
expect_in out "closed wave 2"
expect_exit 65 send 2
expect_in err "closed"
echo "send outbox ok"

# Your own template: used for the text and the HTML part; a typo in a
# placeholder names the file and line and sends nothing.
cat >"$T/invite.txt" <<'TPL'
Subject: Pulse for {team}

Dear {name}, answer at {link} before {closes}.
--- html ---
<p>Dear {name}, <a href="{link}">answer here</a>.</p>
TPL
expect_exit 0 config set mail.invitation_template "$T/invite.txt"
expect_exit 0 wave create --survey compassionate-pulse --team "Team 00" \
	--channel outbox
w=$(sed -n 's/^created wave \([0-9]*\):.*/\1/p' "$T/out")
expect_exit 0 send "$w"
f=$(ls "$T/outbox"/wave-"$w"-* | head -1)
grep -q "Subject: Pulse for Team 00" "$f" || fail "the template's subject"
grep -q "answer here</a>" "$f" || fail "the template's HTML part"
printf 'Subject: x\n\nHello {nmae}\n' >"$T/bad.txt"
expect_exit 0 config set mail.reminder_template "$T/bad.txt"
expect_exit 65 remind "$w"
expect_in err "bad.txt:3: unknown placeholder '{nmae}'"
echo "templates ok"
