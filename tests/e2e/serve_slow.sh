# carepulse serve against slow clients (slowloris): connections that
# trickle one header byte at a time, from several loopback addresses, fill
# the server up to --max-connections; a normal client's /healthz is still
# answered within a second (the server closes the connection that has
# waited longest for its request to make room), and every trickling
# connection is closed once its request has taken longer than --deadline,
# however steadily it sends. A body trickled after complete headers is cut
# the same way. The idle timeout alone never ends such connections.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need /usr/bin/python3

# Linux routes all of 127.0.0.0/8 to loopback: several client addresses.
/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.5", 0))' 2>/dev/null ||
	{ echo "SKIP: cannot bind 127.0.0.5 (not Linux loopback?)"; exit 77; }

setup_db
start_server --max-connections 24 --per-ip 6 --timeout 30 --deadline 4
/usr/bin/python3 - "$PORT" <<'PY' || fail "slow clients"
import socket, sys, time
from cptest import *

port = int(sys.argv[1])

def closed_by_server(s):
    """True when the server has closed s (EOF or reset), without waiting."""
    s.setblocking(False)
    try:
        return s.recv(4096) == b""
    except BlockingIOError:
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True

# 4 addresses x 6 connections (the --per-ip share) = --max-connections.
slow = []
for a in range(2, 6):
    for _ in range(6):
        s = socket.socket()
        s.bind(("127.0.0.%d" % a, 0))
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        slow.append(s)
body = socket.create_connection(("127.0.0.1", port))
body.sendall(b"POST /api/v1/responses HTTP/1.1\r\nHost: x\r\n"
             b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
started = time.monotonic()

def trickle():
    for s in slow + [body]:
        try:
            s.sendall(b"a")
        except OSError:
            pass

# A normal client, from yet another address, while all of them trickle.
time.sleep(0.5)
trickle()
c = socket.socket()
c.bind(("127.0.0.1", 0))
c.settimeout(1.0)  # a functional deadline for one request
try:
    c.connect(("127.0.0.1", port))
    c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    reply = c.recv(100)
except socket.timeout:
    reply = b""
c.close()
check(reply.startswith(b"HTTP/1.1 200"), "/healthz with the server full of slow clients: %r" % reply[:40])

# They keep trickling, one byte a second, well within the idle timeout;
# past the deadline every one of them has been closed.
for _ in range(30):
    time.sleep(1)
    trickle()
    if all(closed_by_server(s) for s in slow + [body]):
        break
still = sum(not closed_by_server(s) for s in slow + [body])
check(still == 0, "%d trickling connections still open %.0f s after they began (deadline 4 s)"
      % (still, time.monotonic() - started))
check(request(port, "GET", "/healthz", timeout=5)[0] == 200, "healthz after")
print("slow clients ok")
PY
grep -q 'took over 4 s to send a request' "$T/server.log" ||
	{ cat "$T/server.log" >&2; fail "the log does not say why connections were closed"; }
stop_server
