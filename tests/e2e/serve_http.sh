# carepulse serve and HTTP framing: a body sent to an address or with a
# method that takes none gets a proper 404 or 405 (never an empty reply),
# and a request whose body length is ambiguous (two different
# Content-Length headers, Content-Length with Transfer-Encoding, an
# unknown Transfer-Encoding) is refused with 400 and stores nothing, so a
# proxy in front cannot be made to disagree with the server about where a
# request ends (request smuggling).
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3

setup_db
invite pharmacy.txt "$CAREPULSE_DB" Pharmacy compassionate-pulse
start_server
/usr/bin/python3 - "$PORT" "$CAREPULSE_DB" "$T" <<'PY' || fail "framing"
import json, re, socket, sqlite3, sys, urllib.parse
from cptest import *

port, db, T = int(sys.argv[1]), sys.argv[2], sys.argv[3]
tok = tokens(T + "/pharmacy.txt")[0][1]
sv = survey(db, "compassionate-pulse")
form = urllib.parse.urlencode(full_answers(sv)).encode()

def raw(data, timeout=5):
    """Sends data on a fresh connection; every status line received
    until the server closes (or goes quiet)."""
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(timeout)
    got = b""
    try:
        s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except socket.timeout:
        pass
    except (ConnectionResetError, BrokenPipeError):
        pass
    s.close()
    return [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3}) ", got)], got

def responses():
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM response").fetchone()[0]
    con.close()
    return n

# A body where none is taken: the answer, never an empty reply.
for method, path, want in [("POST", "/healthz", 405), ("POST", "/unknown", 404),
                           ("PUT", "/r/x", 405), ("PUT", "/r/" + tok, 405),
                           ("DELETE", "/api/v1/responses", 405),
                           ("PATCH", "/nothing/here", 404)]:
    st, h, text = request(port, method, path, b"a=1&b=2" * 100,
                          {"Content-Type": "application/x-www-form-urlencoded"})
    check(st == want, "%s %s with a body: %d, expected %d" % (method, path, st, want))
    if want == 405:
        check("allow" in h, "%s %s: 405 without Allow" % (method, path))
    # The same streamed in chunks.
    codes, _ = raw(("%s %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nabcde\r\n0\r\n\r\n" % (method, path)).encode())
    check(codes[:1] == [want], "%s %s chunked: %r" % (method, path, codes))
check(request(port, "POST", "/healthz")[0] == 405, "POST /healthz without a body")
check(request(port, "GET", "/unknown")[0] == 404, "GET /unknown")

# A body sent with a GET is read and dropped; the connection stays usable.
codes, got = raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"
                 b"abcdeGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
check(codes == [200, 200], "GET with a body, then another GET: %r" % codes)

# Ambiguous framing: 400, and nothing stored.
head = "POST /r/%s HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n" % tok
cases = [
    ("two Content-Lengths", head + "Content-Length: %d\r\nContent-Length: %d\r\n\r\n"
     % (len(form), len(form) + 5), form + b"GET /"),
    ("Content-Length and chunked", head + "Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n"
     % len(form), b"%x\r\n" % len(form) + form + b"\r\n0\r\n\r\n"),
    ("gzip, chunked", head + "Transfer-Encoding: gzip, chunked\r\n\r\n",
     b"%x\r\n" % len(form) + form + b"\r\n0\r\n\r\n"),
    ("two Transfer-Encodings", head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
     b"%x\r\n" % len(form) + form + b"\r\n0\r\n\r\n"),
]
for name, h, body in cases:
    codes, _ = raw(h.encode() + body)
    check(codes == [400], "%s: %r, expected [400]" % (name, codes))
    check(responses() == 0, "%s: a response was stored" % name)
# The same on the JSON API.
doc = json.dumps({"token": tok, "answers": {k: 4 for k in full_answers(sv)}}).encode()
codes, got = raw(b"POST /api/v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\nContent-Length: 2\r\n\r\n" % len(doc) + doc)
check(codes == [400] and b'"bad_request"' in got, "API, two Content-Lengths: %r" % codes)
check(responses() == 0, "API: a response was stored")
# Two equal Content-Lengths are one length (RFC 9110): accepted.
codes, _ = raw(head.encode() + b"Content-Length: %d\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
               % (len(form), len(form)) + form)
check(codes == [200], "two equal Content-Lengths: %r" % codes)
check(responses() == 1, "the submission with equal lengths was not stored")
print("framing ok")
PY
grep -q 'internal error' "$T/server.log" && { cat "$T/server.log" >&2; fail "the log reports an internal error"; }
stop_server
