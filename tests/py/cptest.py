"""Small helpers for the form server's tests (standard library only)."""
import http.client
import json
import sqlite3
import sys
import urllib.parse


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def request(port, method, path, body=None, headers=None, timeout=30):
    """One request on a fresh connection: (status, headers dict, text)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = dict(headers or {})
    if isinstance(body, dict):
        body = urllib.parse.urlencode(body).encode()
        h.setdefault("Content-Type", "application/x-www-form-urlencoded")
    elif isinstance(body, str):
        body = body.encode()
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    text = r.read().decode("utf-8")
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, hdrs, text


def post_json(port, doc):
    status, hdrs, text = request(port, "POST", "/api/v1/responses",
                                 json.dumps(doc),
                                 {"Content-Type": "application/json"})
    return status, json.loads(text)


def survey(db, survey_id):
    con = sqlite3.connect(db)
    text = con.execute(
        "SELECT definition FROM survey WHERE survey_id = ? ORDER BY id DESC",
        (survey_id,)).fetchone()[0]
    con.close()
    return json.loads(text)


def tokens(path):
    """The "email token [self]" lines cp_invite printed."""
    out = []
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        out.append((parts[0], parts[1], len(parts) > 2))
    return out


def full_answers(sv, value=4):
    return {i["id"]: str(value) for i in sv["items"]}
