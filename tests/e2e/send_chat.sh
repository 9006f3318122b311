# Slack and Microsoft Teams: personal links go by the chat.invitations
# channel (here the outbox), and each team's channel gets one announcement
# and reminders with the answered count, never a personal link. Reruns
# post nothing twice; webhook URLs are never printed.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
export CAREPULSE_NOW=1795000000
start_webhook "$T/chat" --unsigned --lifetime 120
base="http://127.0.0.1:$HOOK_PORT/services/T000/s3cr3t"
cat >"$T/hooks.conf" <<HOOKS
# team = incoming webhook URL
Team 00 = $base/team00
Org = $base/org?token=a=b
HOOKS
chmod 600 "$T/hooks.conf"

expect_exit 0 init
make_roster 30 "$T/roster.csv"
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 config set chat.webhooks_file "$T/hooks.conf"
expect_exit 0 config set chat.invitations outbox
expect_exit 0 config set outbox.dir "$T/outbox"
expect_exit 0 config set mail.from 'Team Pulse <pulse@example.org>'
# The three teams' leaders answer as members of Org (the team above the
# one they lead), so Org has invitations and a post of its own.
expect_exit 0 wave create --survey compassionate-pulse --team Org --subteams \
	--channel slack
expect_exit 0 send 1 --dry-run
expect_in out "30 invitations and 4 team posts to slack"
expect_exit 0 send 1
expect_in out "30 invitations sent and 4 team posts to slack, 0 failed"
[ "$(ls "$T/outbox" | wc -l)" = 30 ] || fail "personal links did not go out"
[ "$(ls "$T/chat"/*.json | wc -l)" = 4 ] || fail "expected 4 team posts"
grep -l "/r/" "$T/chat"/*.json && fail "a personal link went to a channel"
# Team 00 has its own channel; Org, Team 01 and 02 use Org's.
[ "$(awk 1 "$T/chat"/*.path | grep -c team00)" = 1 ] || fail "Team 00's post"
[ "$(awk 1 "$T/chat"/*.path | grep -c org)" = 3 ] || fail "the parent's channel"
expect_not_in out "s3cr3t"
expect_exit 0 send 1
expect_in out "0 invitations sent and 0 team posts"
expect_exit 0 wave show 1
expect_in out "announced"
expect_not_in out "s3cr3t"

# Reminders are team posts with the count, after the interval.
"$CP_TOOLS_DIR/mark_answered" "$CAREPULSE_DB" 1 p0001@example.org \
	p0002@example.org p0003@example.org || fail "mark_answered failed"
expect_exit 0 remind 1
expect_in out "0 team posts"
export CAREPULSE_NOW=$((1795000000 + 4 * 86400))
expect_exit 0 remind 1
expect_in out "4 team posts to slack"
grep -h "3 of 9" "$T/chat"/*.json >/dev/null || fail "no answered count"
[ "$(ls "$T/outbox" | wc -l)" = 30 ] || fail "a chat wave mailed reminders"
expect_exit 0 remind 1
expect_in out "0 team posts"

# Microsoft Teams: a MessageCard, in the installation's language (the
# channel mixes people's languages), the closing time on its clocks.
expect_exit 0 config set language cy
expect_exit 0 config set timezone Europe/London
expect_exit 0 wave create --survey compassionate-pulse --team "Team 00" \
	--channel teams --closes "2026-12-01 17:00"
expect_exit 0 send 2
expect_in out "1 team post to teams"
card=$(grep -l '"@type":"MessageCard"' "$T/chat"/*.json) ||
	fail "no MessageCard posted"
"$PY" - "$card" <<'PY' || fail "the MessageCard is not in Welsh"
import json, sys
card = json.load(open(sys.argv[1]))
assert card["title"] == "Pwls tîm: Team 00", card["title"]
assert "ar agor tan Mawrth 1 Rhagfyr 2026, 17:00 GMT" in card["text"], card["text"]
assert "o leiaf 5 o bobl" in card["text"], card["text"]
PY
expect_exit 0 config unset language
expect_exit 0 config unset timezone

# The webhook file is a credential: refused when others can read it.
chmod 644 "$T/hooks.conf"
expect_exit 0 wave create --survey compassionate-pulse --team "Team 01" \
	--channel slack
expect_exit 65 send 3
expect_in err "chmod 600"
echo "send chat ok"
