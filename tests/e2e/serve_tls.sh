# carepulse serve --cert/--key: HTTPS with a self-signed certificate; the
# form and a submission over TLS; a missing key is a usage error.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3 openssl

setup_db
invite pharmacy.txt "$CAREPULSE_DB" Pharmacy compassionate-pulse
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
	-days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null ||
	fail "openssl could not make a certificate"
expect_exit 64 serve --cert cert.pem
: >"$T/server.log"
"$CAREPULSE" serve --listen 127.0.0.1:0 --cert cert.pem --key key.pem 2>"$T/server.log" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 100); do
	PORT=$(sed -n 's|.*serving the form on https://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/server.log")
	[ -n "$PORT" ] && break
	sleep 0.1
done
[ -n "$PORT" ] || { cat "$T/server.log" >&2; fail "no HTTPS server"; }
/usr/bin/python3 - "$PORT" "$CAREPULSE_DB" "$T" <<'PY' || fail "HTTPS"
import http.client, ssl, sys, urllib.parse
from cptest import *
port, db, T = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=T + "/cert.pem")
tok = tokens(T + "/pharmacy.txt")[0][1]
c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
c.request("GET", "/r/" + tok)
r = c.getresponse(); html = r.read().decode()
check(r.status == 200 and "<fieldset" in html, "form over HTTPS: %d" % r.status)
sv = survey(db, "compassionate-pulse")
body = urllib.parse.urlencode({i["id"]: "5" for i in sv["items"]})
c.request("POST", "/r/" + tok, body, {"Content-Type": "application/x-www-form-urlencoded"})
r = c.getresponse(); html = r.read().decode()
check(r.status == 200 and "Thank you" in html, "submit over HTTPS: %d" % r.status)
PY
stop_server
