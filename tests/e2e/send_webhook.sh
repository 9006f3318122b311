# Signed webhooks to a loopback receiver that checks every signature with
# Python's own hmac, answers 429 (Retry-After: 1), 500 and hangs before it
# accepts: retries are made and bounded, Retry-After is honoured, every
# invitation arrives once. A wrong secret is a recorded permanent failure;
# the URL (a credential) never appears in any output.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
export WEBHOOK_SECRET="whsec_$(printf 'test-secret-0123456789abcdef' | base64)"
start_webhook "$T/hook" --plan 429,500,hang --hang 6 --lifetime 120
export CAREPULSE_WEBHOOK_URL="http://127.0.0.1:$HOOK_PORT/hooks/s3cr3t-path"
export CAREPULSE_WEBHOOK_SECRET="$WEBHOOK_SECRET"
export CAREPULSE_SEND_TIMEOUT=2 CAREPULSE_SEND_BACKOFF_MS=50

expect_exit 0 init
make_roster 10 "$T/roster.csv"
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 wave create --survey compassionate-pulse --team Org --subteams \
	--channel webhook
start=$(date +%s)
expect_exit 0 send 1
elapsed=$(($(date +%s) - start))
expect_in out "10 invitations sent by webhook, 0 failed"
expect_in out "3 retries"
[ "$elapsed" -lt 20 ] || fail "send took ${elapsed}s: timeouts are not bounded"
[ ! -e "$T/hook/badsig" ] || fail "a signature did not verify"
[ "$(ls "$T/hook"/*.json | wc -l)" = 10 ] || fail "expected 10 webhooks"
[ "$(awk 1 "$T/hook"/*.id | sort -u | wc -l)" = 10 ] ||
	fail "webhook ids are not one per invitation"
# Retry-After: 1 was waited for.
"$PY" - "$T/hook/requests" <<'PYEOF' || fail "Retry-After was not honoured"
import sys
rows = [l.split() for l in open(sys.argv[1])]
assert rows[0][1] == "429", rows
assert float(rows[1][0]) - float(rows[0][0]) >= 0.95, rows[:2]
PYEOF
"$PY" - "$T/hook" "$CAREPULSE_DB" <<'PYEOF' || fail "webhook bodies are wrong"
import glob, hashlib, json, re, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
hashes = {bytes(r[0]): r[1] for r in db.execute(
    "SELECT i.token_hash, m.email FROM invitation i"
    " JOIN member m ON m.id = i.member_id")}
for f in glob.glob(sys.argv[1] + "/*.json"):
    body = json.load(open(f))
    assert body["type"] == "pulse.invitation", body
    d = body["data"]
    tok = re.search(r"/r/([A-Za-z0-9_-]{22})$", d["link"]).group(1)
    assert hashes[hashlib.sha256(tok.encode()).digest()] == d["email"], d
    assert d["name"] and d["team"] and d["closes_at"], d
PYEOF
expect_not_in out "s3cr3t"
expect_not_in err "s3cr3t"

# A wrong secret: the receiver refuses (401), recorded, the batch goes on.
expect_exit 0 wave create --survey compassionate-pulse --team "Team 00" \
	--channel webhook
# (Team 00 alone: its leader, with no team above in the wave, is not sent one.)
CAREPULSE_WEBHOOK_SECRET=wrong expect_exit 0 send 2
expect_in out "0 invitations sent by webhook, 9 failed"
expect_exit 0 wave show 2
expect_in out "failed     9"
expect_in out "HTTP 401"
expect_not_in out "s3cr3t"

# Plain http only to this machine; the refusal does not echo the URL.
expect_exit 0 wave create --survey compassionate-pulse --team "Team 00" \
	--channel webhook
CAREPULSE_WEBHOOK_URL=http://hooks.example.org/s3cr3t expect_exit 64 send 3
expect_in err "https://"
expect_not_in err "s3cr3t"
expect_not_in err "hooks.example.org"
echo "send webhook ok"
