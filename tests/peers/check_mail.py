#!/usr/bin/python3
"""Checks the messages an SMTP sink captured against the database.

check_mail.py SINKDIR DB WAVE [--expect N] [--kind invitation|reminder]
  [--only-to ADDR,...] [--allow-dupes] [--from-name NAME] [--one-click]
  [--text-has TEXT]... [--long-link ADDR]...

Every message must have one recipient matching its To, a Date, a
Message-ID, From, a Subject that decodes, a multipart/alternative body with
text/plain first and text/html second, and a link whose token hashes
(SHA-256) to the token_hash of the recipient's invitation in DB. Names in
To must equal the roster's names exactly (non-ASCII intact). Messages to
the same person must share one Message-ID (a resend) unless they are
different reminders. Every message also parses under
email.policy.strict (any defect is an error). With --one-click each has
List-Unsubscribe (<https://.../u/TOKEN>, the same token as its link) and
List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058); either
header, when present, must be so. Each --text-has TEXT must be in the text part and in the HTML.
The link written out in the text part is short: base_url, "/r/" and a
22-character token (the HMAC cut to 132 bits), except for each --long-link
ADDR, whose invitation was made when tokens were the whole HMAC (43).
Prints "recipients N messages M".
"""
import argparse
import email
import email.errors
import html as htmllib
import email.policy
import email.utils
import glob
import hashlib
import os
import re
import sqlite3
import sys


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("sink")
    p.add_argument("db")
    p.add_argument("wave", type=int)
    p.add_argument("--expect", type=int)
    p.add_argument("--kind", default="invitation")
    p.add_argument("--only-to", default="")
    p.add_argument("--allow-dupes", action="store_true")
    p.add_argument("--from-name", default=None)
    p.add_argument("--one-click", action="store_true")
    p.add_argument("--text-has", action="append", default=[])
    p.add_argument("--long-link", action="append", default=[])
    a = p.parse_args()

    db = sqlite3.connect(a.db)
    rows = db.execute(
        "SELECT m.email, m.name, i.token_hash, i.kind FROM invitation i"
        " JOIN member m ON m.id = i.member_id WHERE i.wave_id = ?",
        (a.wave,)).fetchall()
    by_hash = {bytes(r[2]): r for r in rows}
    names = {r[0]: r[1] for r in rows}
    base = db.execute("SELECT value FROM config WHERE key = 'base_url'"
                      ).fetchone()
    base = base[0].rstrip("/") if base else None

    ids = {}
    count = 0
    for env in sorted(glob.glob(os.path.join(a.sink, "*.env"))):
        eml = env[:-4] + ".eml"
        lines = open(env).read().split("\n")
        rcpts = [l for l in lines[1:] if l]
        if len(rcpts) != 1:
            fail("%s: %d recipients" % (env, len(rcpts)))
        raw = open(eml, "rb").read()
        for line in raw.split(b"\r\n"):
            if len(line) > 78:
                fail("%s: a line of %d characters" % (eml, len(line)))
        if b"\n" in raw.replace(b"\r\n", b""):
            fail("%s: a bare LF" % eml)
        try:
            strict = email.message_from_bytes(raw,
                                              policy=email.policy.strict)
            for part in strict.walk():
                for h in part.keys():
                    str(part[h])  # header values parse strictly too
                if not part.is_multipart():
                    part.get_content()
        except (email.errors.MessageError, ValueError) as e:
            fail("%s: not a strict RFC 5322 message: %s" % (eml, e))
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        # Message-IDs are <hex.WAVE@domain>: other waves' mail is skipped.
        if (".%d@" % a.wave) not in str(msg["Message-ID"]):
            continue
        subject = str(msg["Subject"])
        want_reminder = a.kind == "reminder"
        if want_reminder != subject.startswith("Reminder"):
            continue
        count += 1
        for h in ("Date", "Message-ID", "From", "Subject", "To"):
            if msg[h] is None:
                fail("%s: no %s header" % (eml, h))
        if email.utils.parsedate_to_datetime(str(msg["Date"])) is None:
            fail("%s: bad Date" % eml)
        to = msg["To"].addresses[0]
        if to.addr_spec != rcpts[0]:
            fail("%s: To %s but RCPT %s" % (eml, to.addr_spec, rcpts[0]))
        if to.display_name != names.get(to.addr_spec):
            fail("%s: name %r, roster has %r" %
                 (eml, to.display_name, names.get(to.addr_spec)))
        if a.from_name is not None and \
                msg["From"].addresses[0].display_name != a.from_name:
            fail("%s: From name %r" %
                 (eml, msg["From"].addresses[0].display_name))
        if msg.get_content_type() != "multipart/alternative":
            fail("%s: %s" % (eml, msg.get_content_type()))
        parts = list(msg.iter_parts())
        if [x.get_content_type() for x in parts] != ["text/plain",
                                                       "text/html"]:
            fail("%s: parts %s" % (eml, [x.get_content_type()
                                         for x in parts]))
        text = parts[0].get_content()
        html = parts[1].get_content()
        m = re.search(r"/r/([A-Za-z0-9_-]+)", text)
        if not m or m.group(1) not in html:
            fail("%s: no link in both parts" % eml)
        want = 43 if rcpts[0] in a.long_link else 22
        if len(m.group(1)) != want:
            fail("%s: a token of %d characters, not %d" %
                 (eml, len(m.group(1)), want))
        if base and (base + "/r/" + m.group(1)) not in text:
            fail("%s: the link is not %s/r/TOKEN" % (eml, base))
        h = hashlib.sha256(m.group(1).encode()).digest()
        if h not in by_hash:
            fail("%s: the link's token matches no invitation" % eml)
        if by_hash[h][0] != rcpts[0]:
            fail("%s: the link belongs to %s" % (eml, by_hash[h][0]))
        if names[rcpts[0]] not in text:
            fail("%s: the name is not in the text" % eml)
        for want in a.text_has:
            if want not in text or htmllib.escape(want, quote=False) \
                    not in html:
                fail("%s: %r is not in both parts" % (eml, want))
        lu, lup = msg["List-Unsubscribe"], msg["List-Unsubscribe-Post"]
        if a.one_click or lu is not None or lup is not None:
            u = re.fullmatch(r"\s*<(https://[^>]+/u/([A-Za-z0-9_-]+))>\s*",
                             str(lu or ""))
            if not u or u.group(2) != m.group(1):
                fail("%s: List-Unsubscribe %r" % (eml, lu))
            if str(lup or "") != "List-Unsubscribe=One-Click":
                fail("%s: List-Unsubscribe-Post %r" % (eml, lup))
        key = (rcpts[0], by_hash[h][3])
        ids.setdefault(key, []).append(str(msg["Message-ID"]))

    dupes = {k: v for k, v in ids.items() if len(v) > 1}
    for k, v in dupes.items():
        if len(set(v)) != 1:
            fail("%s got %d different messages" % (k, len(set(v))))
        if not a.allow_dupes:
            fail("%s got %d copies" % (k, len(v)))
    if a.only_to:
        allowed = set(a.only_to.split(","))
        got = set(k[0] for k in ids)
        if got != allowed:
            fail("recipients %s, expected %s" % (sorted(got),
                                                 sorted(allowed)))
    if a.expect is not None and len(ids) != a.expect:
        fail("%d recipients, expected %d" % (len(ids), a.expect))
    print("recipients %d messages %d duplicates %d" %
          (len(ids), count, sum(len(v) - 1 for v in dupes.values())))


if __name__ == "__main__":
    main()
