#!/usr/bin/python3
"""Peer for `carepulse serve`: Python's http.server (threading, HTTP/1.1
keep-alive) taking POST /r/TOKEN with a form body and storing each post in
SQLite with one durable commit per request, exactly as bench_mhd does.

usage: http_server.py PORT DB   (runs until SIGTERM)
"""
import signal
import sqlite3
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

SCHEMA = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS used_token (token TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS response (id INTEGER PRIMARY KEY, day TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answer (response_id INTEGER NOT NULL
  REFERENCES response(id), item_id TEXT NOT NULL,
  value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
  PRIMARY KEY (response_id, item_id)) WITHOUT ROWID;
"""

THANKS = (b"<!doctype html><title>Thank you</title>"
          b"<p>Thank you, your answers are saved.</p>\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes: without this, Nagle and
    # delayed ACKs add 40 ms to every keep-alive request
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > 4096:
            self.reply(413, b"too large\n")
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
        if not self.path.startswith("/r/"):
            self.reply(404, b"not found\n")
            return
        token = self.path[3:]
        try:
            answers = [(k, int(v)) for k, v in parse_qsl(body)]
        except ValueError:
            self.reply(400, b"bad form\n")
            return
        with self.server.lock:
            db = self.server.db
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute("INSERT INTO used_token VALUES (?)", (token,))
                rid = db.execute("INSERT INTO response(day) VALUES (?)",
                                 ("2026-11-23",)).lastrowid
                db.executemany("INSERT INTO answer VALUES (?, ?, ?)",
                               [(rid, k, v) for k, v in answers])
                db.execute("COMMIT")
                status, text = 200, THANKS
            except sqlite3.IntegrityError:
                db.execute("ROLLBACK")
                status, text = 409, b"already answered\n"
        self.reply(status, text)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: http_server.py PORT DB")
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # client resets
    server.db = sqlite3.connect(sys.argv[2], isolation_level=None,
                                check_same_thread=False)
    server.db.executescript(SCHEMA)
    server.lock = threading.Lock()
    signal.signal(signal.SIGTERM,
                  lambda *a: threading.Thread(target=server.shutdown).start())
    print(f"listening on 127.0.0.1:{sys.argv[1]}", flush=True)
    server.serve_forever()
    server.db.close()


if __name__ == "__main__":
    main()
