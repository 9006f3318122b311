#!/usr/bin/python3
"""A loopback HTTP receiver for webhook tests.

Checks every request's Standard Webhooks signature with Python's own hmac
(secret from $WEBHOOK_SECRET), answers the first requests by --plan (a
comma-separated list of 429, 500, hang or ok; then ok), and writes each
accepted body to DIR/hook-N.json with its webhook-id in hook-N.id. With
--unsigned (chat webhooks) any post is accepted and its path kept in
hook-N.path. Bad signatures get 401 and are counted in DIR/badsig. Listens on 127.0.0.1 on a
free port, written to DIR/port; stops by itself after --lifetime seconds.
"""
import argparse
import base64
import hashlib
import hmac
import itertools
import os
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
COUNTER = itertools.count(1)
REQUESTS = itertools.count(1)


def write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        with open(os.path.join(ARGS.dir, "log"), "a") as f:
            f.write("%s %s\n" % (time.time(), fmt % args))

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        with LOCK:
            k = next(REQUESTS)
        step = PLAN[k - 1] if k <= len(PLAN) else "ok"
        with LOCK, open(os.path.join(ARGS.dir, "requests"), "a") as f:
            f.write("%.3f %s\n" % (time.time(), step))
        if step == "hang":
            time.sleep(ARGS.hang)
            return
        if step == "429":
            self.send_response(429)
            self.send_header("Retry-After", "1")
            self.end_headers()
            return
        if step == "500":
            self.send_response(500)
            self.end_headers()
            return
        if ARGS.unsigned:
            with LOCK:
                i = next(COUNTER)
            base = os.path.join(ARGS.dir, "hook-%06d" % i)
            write(base + ".path", self.path.encode())
            write(base + ".json", body)
            self.send_response(200)
            self.end_headers()
            return
        msg_id = self.headers.get("webhook-id", "")
        ts = self.headers.get("webhook-timestamp", "")
        sig = self.headers.get("webhook-signature", "")
        secret = os.environ["WEBHOOK_SECRET"].encode()
        if secret.startswith(b"whsec_"):
            secret = base64.b64decode(secret[6:])
        want = base64.b64encode(hmac.new(
            secret, b"%s.%s.%s" % (msg_id.encode(), ts.encode(), body),
            hashlib.sha256).digest()).decode()
        ok = any(part.startswith("v1,") and
                 hmac.compare_digest(part[3:], want)
                 for part in sig.split(" "))
        if not ok or abs(time.time() - int(ts or 0)) > 300:
            with open(os.path.join(ARGS.dir, "badsig"), "a") as f:
                f.write("1\n")
            self.send_response(401)
            self.end_headers()
            return
        with LOCK:
            i = next(COUNTER)
        base = os.path.join(ARGS.dir, "hook-%06d" % i)
        write(base + ".id", msg_id.encode())
        write(base + ".json", body)
        self.send_response(204)
        self.end_headers()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--plan", default="")
    p.add_argument("--hang", type=float, default=30)
    p.add_argument("--lifetime", type=float, default=120)
    p.add_argument("--unsigned", action="store_true",
                   help="accept unsigned posts (Slack, Teams), keep paths")
    p.add_argument("--cert", help="serve HTTPS with this PEM certificate")
    p.add_argument("--key", help="the private key of --cert")
    ARGS = p.parse_args()
    PLAN = [s for s in ARGS.plan.split(",") if s]
    os.makedirs(ARGS.dir, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if ARGS.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(ARGS.cert, ARGS.key)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    write(os.path.join(ARGS.dir, "port"),
          b"%d\n" % server.server_address[1])
    threading.Timer(ARGS.lifetime, server.shutdown).start()
    server.serve_forever()
