# A private certificate authority for SMTP and HTTPS webhooks (tls.ca_file):
# a CA made here with openssl signs the certificate of a STARTTLS SMTP
# sink and of an HTTPS webhook receiver on loopback. Without tls.ca_file
# neither peer is trusted and nothing is sent; with it both are. The
# webhook URL comes from webhook.url_file (a credential, never stored):
# every *_file setting is honoured. A tls.ca_file that holds no
# certificate is refused with a message naming it.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
need openssl
need_python_module aiosmtpd

# The CA, and a certificate for 127.0.0.1 it signs.
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
	-subj "/CN=carepulse test CA" -days 2 2>/dev/null || fail "openssl: CA"
openssl req -newkey rsa:2048 -nodes -keyout peer.key -out peer.csr \
	-subj "/CN=127.0.0.1" 2>/dev/null || fail "openssl: request"
printf 'subjectAltName = IP:127.0.0.1, DNS:localhost\n' >ext.cnf
openssl x509 -req -in peer.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
	-days 2 -extfile ext.cnf -out peer.pem 2>/dev/null || fail "openssl: sign"

start_smtp "$T/sink" --lifetime 120 --cert peer.pem --key peer.key
export WEBHOOK_SECRET="whsec_$(printf 'test-secret-0123456789abcdef' | base64)"
start_webhook "$T/hook" --lifetime 120 --cert peer.pem --key peer.key
export CAREPULSE_WEBHOOK_SECRET="$WEBHOOK_SECRET"
export CAREPULSE_SEND_RETRIES=0 CAREPULSE_SEND_TIMEOUT=5

expect_exit 0 init
make_roster 20 "$T/roster.csv"
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 config set smtp.url "smtp://127.0.0.1:$SMTP_PORT"
expect_exit 0 config set mail.from 'pulse@example.org'
printf 'https://127.0.0.1:%s/hooks/s3cr3t-path\n' "$HOOK_PORT" >hook.url
chmod 600 hook.url
expect_exit 0 config set webhook.url_file "$T/hook.url"
expect_exit 0 wave create --survey compassionate-pulse --team "Team 00"
expect_exit 0 wave create --survey compassionate-pulse --team "Team 01" --channel webhook

# The system's CAs do not know this one: nothing goes.
run send 1
[ "$rc" != 0 ] || fail "SMTP: sent to a peer whose certificate no trusted CA signed"
grep -qi 'certificate' "$T/err" "$T/out" || { cat "$T/err" "$T/out" >&2; fail "SMTP: the refusal does not name the certificate"; }
run send 2
expect_not_in err "no webhook URL"
[ "$(sql "SELECT count(*) FROM invitation WHERE state = 'sent'")" = 0 ] ||
	fail "an invitation was marked sent to an untrusted peer"
[ -z "$(ls "$T/sink" | grep eml)" ] || fail "a message was delivered"
[ -z "$(ls "$T/hook" | grep json)" ] || fail "a webhook was delivered"

# A file that is not certificates: refused, named.
echo "not a certificate" >junk.pem
expect_exit 0 config set tls.ca_file "$T/junk.pem"
expect_exit 64 send 1
expect_in err "junk.pem"
expect_in err "no PEM certificate"

# Trusted through tls.ca_file: both peers. Each team's leader has no team
# above in the wave, so 9 of its 10 members are invited.
expect_exit 0 config set tls.ca_file "$T/ca.pem"
expect_exit 0 send 1
expect_in out "9 invitations sent"
[ "$(ls "$T/sink" | grep -c '\.eml$')" = 9 ] || fail "SMTP over STARTTLS: expected 9 messages"
expect_exit 0 send 2
expect_in out "9 invitations sent by webhook, 0 failed"
[ "$(ls "$T/hook"/*.json | wc -l)" = 9 ] || fail "HTTPS webhook: expected 9 posts"
[ ! -e "$T/hook/badsig" ] || fail "a signature did not verify"
expect_not_in out "s3cr3t"
expect_not_in err "s3cr3t"
# The setting is listed; the URL file's content never is.
expect_exit 0 config list
expect_in out "tls.ca_file"
expect_not_in out "s3cr3t"
echo "private CA ok"
