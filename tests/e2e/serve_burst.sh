# carepulse serve under a burst on one request thread: 128 and then 250
# keep-alive connections each send a request at the same moment, a few
# rounds; every request is answered. (libmicrohttpd 0.9.75's epoll loop
# waits again, with its blocking timeout, when one wait returns 128 ready
# connections, so a thread holding 128 or more could stall until the idle
# timeout; serve keeps each thread's epoll set below that.) The bound on
# each round is a hang check, not a rate.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need /usr/bin/python3

setup_db
# 128 threads of 125 connections hold 16,000 and some slack: 15,000 at most.
expect_exit 64 serve --listen 127.0.0.1:0 --max-connections 15001
expect_in err "--max-connections: '15001' is not a number from 0 to 15000"
start_server --threads 1 --per-ip 0 --timeout 60
/usr/bin/python3 - "$PORT" <<'PY' || fail "burst"
import selectors, socket, sys, time
from cptest import *

port = int(sys.argv[1])
REQ = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"

def answered(buf):
    """Bytes of buf that make one whole response, or 0."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return 0
    length = 0
    for line in buf[:end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    total = end + 4 + length
    return total if len(buf) >= total else 0

# Each connection sends its next request as soon as its answer is in
# (as a load generator does), so the thread finds many of them ready at
# once; the bound is on a spell with no answer at all (a hang check). The
# stall, when it comes, comes mostly with the first burst on new
# connections: so new ones, thirty times over (then 250 at once, five).
ROUNDS = 20
for n in (128,) * 30 + (250,) * 5:
    conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
    sel = selectors.DefaultSelector()
    bufs, left = {}, {}
    for s in conns:
        s.sendall(REQ)
        s.setblocking(False)
        bufs[s], left[s] = b"", ROUNDS
        sel.register(s, selectors.EVENT_READ)
    last = time.monotonic()
    while left and time.monotonic() - last < 10:
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            try:
                chunk = s.recv(65536)
            except BlockingIOError:
                continue
            check(chunk != b"", "%d connections: one closed by the server" % n)
            bufs[s] += chunk
            got = answered(bufs[s])
            if not got:
                continue
            check(bufs[s].startswith(b"HTTP/1.1 200"), "%d connections: %r" % (n, bufs[s][:40]))
            check(len(bufs[s]) == got, "%d connections: more than one response" % n)
            bufs[s] = b""
            last = time.monotonic()
            left[s] -= 1
            if left[s]:
                s.sendall(REQ)  # a few dozen bytes: fits the socket buffer
            else:
                sel.unregister(s)
                del left[s]
    sel.close()
    check(not left, "%d connections: %d requests unanswered, none answered for 10 s"
          % (n, sum(left.values())))
    for s in conns:
        s.close()
PY
stop_server
