# Results-ready mail through a real SMTP server (aiosmtpd) on loopback:
# when a wave closes, every viewer with access to one of its teams (HR,
# roster leaders, a facilitator) gets one mail with the portal's sign-in
# link and no number from the results; a viewer without access gets none;
# running again sends nothing; after kill -9 at random moments and a rerun,
# nobody is missing and nobody has two (but the one in flight at a kill,
# with the same Message-ID).
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
export CAREPULSE_NOW=1795000000
ROUNDS=${CP_KILL_ROUNDS:-20}
start_smtp "$T/sink" --delay 0.01 --lifetime 300

expect_exit 0 init
make_roster 400 "$T/roster.csv" # 40 teams under Org, each with a leader
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 config set smtp.url "smtp://127.0.0.1:$SMTP_PORT"
expect_exit 0 config set smtp.tls none
expect_exit 0 config set mail.from 'Team Pulse <pulse@example.org>'
expect_exit 0 config set base_url https://pulse.example.org/
expect_exit 0 access grant hr hr@example.org
expect_exit 0 access grant --team 'Team 03' --until +30d facilitator \
	fac@example.org
# Access to a team outside the waves: no mail.
expect_exit 0 access grant --team 'Team 39' leader other@example.org

# Wave 1 goes to Team 00..Team 09 only: their 10 leaders, HR and the
# facilitator of Team 03 are told; the other leaders and other@ are not.
teams=""
for i in 00 01 02 03 04 05 06 07 08 09; do teams="$teams --team 'Team $i'"; done
eval "set -- $teams"
expect_exit 0 wave create --survey compassionate-pulse "$@"
expect_in out "created wave 1"
expect_exit 0 wave close 1
expect_in out "told 12 viewers that results are ready"
told="hr@example.org,fac@example.org"
for i in 0 1 2 3 4 5 6 7 8 9; do told="$told,p$(printf '%04d' $((i * 10)))@example.org"; done

# check SINK WANT: every address in WANT has exactly one results-ready mail
# (or more, with one Message-ID, when dupes are allowed), nobody else has
# one, and no mail holds a number outside its link.
check() {
	"$PY" - "$T/sink" "$1" "${2:-}" "$CAREPULSE_DB" <<'PYEOF'
import email, email.policy, glob, re, sqlite3, sys
sink, want, allow, db = sys.argv[1], set(sys.argv[2].split(",")), sys.argv[3], sys.argv[4]
ids = {r[0]: r[1] for r in sqlite3.connect(db).execute(
    "SELECT message_id, wave_id FROM ready_mail")}
got, dupes = {}, 0
for path in sorted(glob.glob(sink + "/*.eml")):
    m = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
    if not m["Subject"].startswith("Results are ready"):
        continue
    to = m["To"].addresses[0].addr_spec
    mid = re.match(r"<ready-([0-9a-f]{32})@example\.org>$", m["Message-ID"]).group(1)
    assert mid in ids, "unknown Message-ID " + mid
    if to in got:
        assert allow and got[to] == mid, to + " got two different mails"
        dupes += 1
    got[to] = mid
    text = m.get_body(("plain",)).get_content()
    html = m.get_body(("html",)).get_content()
    assert "https://pulse.example.org/portal/" in text, text
    assert 'href="https://pulse.example.org/portal/"' in html, html
    for body in (text, html):
        # The link and the person's own name (the roster's have numbers).
        rest = body.replace("https://pulse.example.org/portal/", "")
        rest = rest.replace(m["To"].addresses[0].display_name, "")
        rest = re.sub(r"<[^>]*>", "", rest)  # what is read, not the markup
        assert not re.search(r"[0-9]", rest), "a number in the mail: " + body
assert set(got) == want, "missing %s, extra %s" % (sorted(want - set(got)), sorted(set(got) - want))
print("duplicates", dupes)
PYEOF
}
check "$told" >/dev/null || fail "the results-ready mails of wave 1 are wrong"
[ "$(sql "SELECT count(*) FROM ready_mail WHERE wave_id = 1 AND state = 'sent'")" = 12 ] ||
	fail "not every results-ready mail is marked sent"

# Again, by tick and by closing again: nothing more.
expect_exit 0 tick
expect_not_in out "results-ready"
expect_exit 0 wave close 1
expect_in out "already closed"
expect_not_in out "told"
check "$told" >/dev/null || fail "a rerun sent results-ready mail again"

# Wave 2 to the whole organisation, closed by tick, killed at random
# moments over and over: 40 roster leaders, other@, HR, the facilitator.
expect_exit 0 wave create --survey compassionate-pulse --team Org --subteams \
	--closes +1d
expect_in out "created wave 2"
export CAREPULSE_NOW=$((1795000000 + 2 * 86400))
kills=0
for round in $(seq "$ROUNDS"); do
	"$CAREPULSE" tick >"$T/kill.out" 2>&1 &
	pid=$!
	sleep "0.$(printf '%03d' $((10 + RANDOM % 300)))"
	if kill -9 "$pid" 2>/dev/null; then
		kills=$((kills + 1))
	fi
	wait "$pid" 2>/dev/null
	[ "$(sql "SELECT count(*) FROM ready_mail WHERE wave_id = 2 AND state = 'sent'")" = 43 ] &&
		break
done
expect_exit 0 tick
expect_exit 0 tick
expect_not_in out "results-ready"
[ "$(sql "SELECT status FROM wave WHERE id = 2")" = closed ] || fail "tick did not close wave 2"
[ "$(sql "SELECT count(*) FROM ready_mail WHERE wave_id = 2 AND state = 'sent'")" = 43 ] ||
	fail "not every results-ready mail of wave 2 is marked sent"
# Both waves' mails together: the wave-1 recipients have two (one each).
"$PY" - "$T/sink" "$CAREPULSE_DB" "$kills" <<'PYEOF' || fail "results-ready mail lost or doubled after kills"
import email, email.policy, glob, re, sqlite3, sys
sink, db, kills = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = sqlite3.connect(db).execute(
    "SELECT r.message_id, v.email FROM ready_mail r JOIN viewer v ON v.id = r.viewer_id").fetchall()
want = {mid: addr for mid, addr in rows}
seen = {}
for path in glob.glob(sink + "/*.eml"):
    m = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
    if not m["Subject"].startswith("Results are ready"):
        continue
    mid = re.match(r"<ready-([0-9a-f]{32})@", m["Message-ID"]).group(1)
    assert want[mid] == m["To"].addresses[0].addr_spec
    seen[mid] = seen.get(mid, 0) + 1
missing = set(want) - set(seen)
assert not missing, "never sent: %s" % sorted(want[x] for x in missing)
dupes = sum(n - 1 for n in seen.values())
assert dupes <= kills, "%d duplicates after %d kills" % (dupes, kills)
assert len(want) == 55, len(want)
print("kills", kills, "duplicates", dupes)
PYEOF
echo "access ready mail ok: $kills kills"
