# carepulse serve under abuse: a 10 MB body is refused with 413 (from its
# Content-Length before it is read, and while streaming when chunked) and
# the server's memory stays bounded; 200 idle connections do not stop a new
# client being served and are closed after the timeout; one address cannot
# take more than its share of connections.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3

setup_db
invite pharmacy.txt "$CAREPULSE_DB" Pharmacy compassionate-pulse
start_server --timeout 2 --per-ip 0
/usr/bin/python3 - "$PORT" "$SERVER_PID" "$T" <<'PY' || fail "limits"
import socket, sys, time
from cptest import *

port, pid, T = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
tok = tokens(T + "/pharmacy.txt")[0][1]

def rss_kb():
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    fail("no VmRSS")

def read_status(s):
    s.settimeout(10)
    data = b""
    while b"\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ")[1]) if data.startswith(b"HTTP/1.1 ") else 0

before = rss_kb()
ten_mb = 10 * 1024 * 1024
chunk = b"x" * (64 * 1024)

# A declared 10 MB body: refused before the body is sent.
for path, ctype in [("/r/" + tok, "application/x-www-form-urlencoded"), ("/api/v1/responses", "application/json")]:
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" % (path, ctype, ten_mb)).encode())
    check(read_status(s) == 413, "declared 10 MB to %s: not 413" % path)
    s.close()

# The same streamed in chunks without a length: past the cap nothing more
# is kept, the rest is dropped as it arrives, and the answer is 413.
s = socket.create_connection(("127.0.0.1", port))
s.sendall(("POST /r/%s HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n" % tok).encode())
sent = 0
try:
    while sent < ten_mb:
        s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        sent += len(chunk)
    s.sendall(b"0\r\n\r\n")
except (BrokenPipeError, ConnectionResetError):
    pass
check(read_status(s) == 413, "streamed 10 MB: not 413")
s.close()

# A plain 10 MB post through http.client as a browser would send it.
try:
    st, h, text = request(port, "POST", "/r/" + tok, b"a=" + b"x" * ten_mb,
                          {"Content-Type": "application/x-www-form-urlencoded"})
    check(st == 413, "10 MB post: %d" % st)
except (BrokenPipeError, ConnectionResetError):
    pass  # the server may close before the client has sent it all

after = rss_kb()
check(after - before < 20 * 1024, "memory grew by %d kB for refused bodies" % (after - before))
print("RSS before %d kB, after %d kB" % (before, after))

# 200 idle connections; a new client is still served at once.
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(200)]
t0 = time.monotonic()
st, h, text = request(port, "GET", "/r/" + tok, timeout=5)
check(st == 200, "new client with 200 idle connections: %d" % st)
check(time.monotonic() - t0 < 2, "new client waited %.1f s" % (time.monotonic() - t0))
# After the 2 s timeout every idle connection is closed by the server.
time.sleep(3.5)
closed = 0
for s in idle:
    s.settimeout(2)
    try:
        closed += s.recv(1) == b""
    except (ConnectionResetError, socket.timeout):
        closed += 0 if isinstance(sys.exc_info()[1], socket.timeout) else 1
    s.close()
check(closed == 200, "only %d of 200 idle connections were closed" % closed)
check(request(port, "GET", "/healthz")[0] == 200, "healthz after")
print("limits ok")
PY
stop_server

# One address may hold only --per-ip connections.
start_server --per-ip 5
/usr/bin/python3 - "$PORT" <<'PY' || fail "per-ip limit"
import socket, sys, time
from cptest import *
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(5)]
time.sleep(0.3)
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(3)
try:
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    refused = s.recv(100) == b""
except (ConnectionResetError, BrokenPipeError):
    refused = True
check(refused, "a sixth connection from one address was served")
for h in held:
    h.close()
time.sleep(0.3)
check(request(port, "GET", "/healthz")[0] == 200, "served again once the others closed")
print("per-ip ok")
PY
stop_server
