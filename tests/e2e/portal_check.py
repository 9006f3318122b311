#!/usr/bin/python3
"""The results portal over the socket (tests/e2e/portal.sh drives it).

usage: portal_check.py PORT SINK DB CAREPULSE WAVE TEAMS_JSON SERVER_LOG

Signs in by the e-mailed link captured by the real SMTP server (aiosmtpd),
then checks sessions, CSRF, enumeration, rate limits, who sees which team
(and which download), the self-assessment, that every number on a team
page equals `carepulse results --format json`, and that no token or
session id reaches the access log. Prints what it checked; exits 1 with
the first failure.
"""
import email
import email.policy
import glob
import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

from cptest import check, fail

PORT, SINK, DB, CAREPULSE, WAVE = sys.argv[1:6]
TEAMS = json.loads(sys.argv[6])  # name -> id
LOG = sys.argv[7]
SECRETS = []  # every token and session id seen, for the log check


def request(method, path, cookies=None, form=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", int(PORT), timeout=30)
    h = dict(headers or {})
    body = None
    if cookies:
        h["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
    if form is not None:
        body = urllib.parse.urlencode(form)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    out = (r.status, r.getheaders(), data)
    c.close()
    return out


def header(headers, name):
    return [v for k, v in headers if k.lower() == name.lower()]


def set_cookies(headers):
    """name -> (value, attributes) of every Set-Cookie."""
    out = {}
    for v in header(headers, "Set-Cookie"):
        first, _, attrs = v.partition(";")
        name, _, value = first.partition("=")
        out[name.strip()] = (value.strip(), attrs)
    return out


def mails_to(addr):
    found = []
    for path in sorted(glob.glob(os.path.join(SINK, "*.env"))):
        rcpts = open(path).read().split("\n")[1:]
        if addr in rcpts:
            found.append(path[:-4] + ".eml")
    return found


def wait_mails(addr, count):
    """The first `count` mails to addr; waits (bounded) for them."""
    for _ in range(200):
        got = mails_to(addr)
        if len(got) >= count:
            return got
        time.sleep(0.05)
    fail("no sign-in mail reached %s (%d of %d)" %
         (addr, len(mails_to(addr)), count))


def link_of(path):
    msg = email.message_from_bytes(open(path, "rb").read(),
                                   policy=email.policy.default)
    text = msg.get_body(preferencelist=("plain",)).get_content()
    m = re.search(r"https?://\S+/portal/signin/([0-9a-f]+)", text)
    check(m, "no sign-in link in the mail")
    check(not re.search(r"\d+\.\d+|score|favourable", text),
          "the sign-in mail carries numbers")
    SECRETS.append(m.group(1))
    return m.group(1)


def pre_cookie():
    st, h, _ = request("GET", "/portal/")
    check(st == 200, "GET /portal/ gave %d" % st)
    c = set_cookies(h)
    check("cp_pre" in c, "no pre-session cookie on the sign-in page")
    value, attrs = c["cp_pre"]
    check("HttpOnly" in attrs and "SameSite=Lax" in attrs,
          "pre cookie attributes: " + attrs)
    return value


def ask_link(addr, pre):
    return request("POST", "/portal/signin", {"cp_pre": pre},
                   {"csrf": pre, "email": addr})


def sign_in(addr, old_sid=None):
    pre = pre_cookie()
    before = len(mails_to(addr))
    st, h, body = ask_link(addr, pre)
    check(st == 303 and header(h, "Location") == ["/portal/sent"],
          "asking for a link gave %d %s" % (st, header(h, "Location")))
    token = link_of(wait_mails(addr, before + 1)[before])
    st, _, body = request("GET", "/portal/signin/" + token, {"cp_pre": pre})
    check(st == 200 and b"Sign in</button>" in body, "landing page")
    cookies = {"cp_pre": pre}
    if old_sid:
        cookies["cp_session"] = old_sid
    st, h, _ = request("POST", "/portal/signin/" + token, cookies,
                       {"csrf": pre})
    check(st == 303 and header(h, "Location") == ["/portal/waves"],
          "signing in gave %d" % st)
    c = set_cookies(h)
    sid, attrs = c["cp_session"]
    for a in ("HttpOnly", "SameSite=Lax", "Path=/portal"):
        check(a in attrs, "session cookie lacks " + a)
    # base_url is https (TLS at a proxy in front): the cookie is Secure.
    check("Secure" in attrs, "no Secure with an https base_url")
    SECRETS.append(sid)
    return sid, token, pre


def get(path, sid):
    return request("GET", path, {"cp_session": sid})


def csrf_of(body):
    m = re.search(rb'name="csrf" value="([0-9a-f]+)"', body)
    check(m, "no CSRF field on the page")
    return m.group(1).decode()


# ---- sign-in, enumeration, CSRF on the request form ----
pre = pre_cookie()
st, _, _ = request("POST", "/portal/signin", None,
                   {"csrf": pre, "email": "leada@example.org"})
check(st == 403, "a sign-in request without its cookie was taken (%d)" % st)
st, _, _ = request("POST", "/portal/signin", {"cp_pre": pre},
                   {"email": "leada@example.org"})
check(st == 403, "a sign-in request without its CSRF field was taken")
# The same answer for an address without access (asked first: the mail
# thread sends in order, so once the second's mail is there the first's
# would be too).
a = ask_link("nobody@example.org", pre)
b_before = len(mails_to("leadb@example.org"))
b = ask_link("leadb@example.org", pre)
strip = lambda r: (r[0], [(k, v) for k, v in r[1] if k.lower() != "date"],
                   r[2])
check(strip(a) == strip(b), "the answer differs for an address without "
      "access:\n%r\n%r" % (strip(a), strip(b)))
wait_mails("leadb@example.org", b_before + 1)
check(mails_to("nobody@example.org") == [],
      "an address without access got mail")
st, _, body = request("GET", "/portal/sent")
check(st == 200 and b"Check your mail" in body, "the check-your-mail page")
print("sign-in request: CSRF, same answer for anyone, mail only with access")

# ---- the link: single use, the session ----
sid_a, token_a, pre_a = sign_in("leada@example.org")
st, _, _ = request("POST", "/portal/signin/" + token_a, {"cp_pre": pre_a},
                   {"csrf": pre_a})
check(st == 410, "a used link signed in again (%d)" % st)
st, _, _ = request("POST", "/portal/signin/" + "ab" * 24, {"cp_pre": pre_a},
                   {"csrf": pre_a})
check(st == 410, "an unknown link: %d" % st)
st, h, _ = get("/portal/waves", "0" * 48)
check(st == 303 and header(h, "Location") == ["/portal/"],
      "a made-up session was let in")
st, h, body = get("/portal/waves", sid_a)
check(st == 200 and b"Ward A" in body, "leader A's waves page")
check(b"Ward B" not in body and b"Pharmacy" not in body,
      "leader A's waves list shows teams A may not see")
print("link: used once, unknown refused, session works")

# ---- rotation: signing in again with a session gives a new id ----
sid_a2, _, _ = sign_in("leada@example.org", old_sid=sid_a)
check(sid_a2 != sid_a, "the session id was not rotated")
st, _, _ = get("/portal/waves", sid_a)
check(st == 303, "the old session id still works after rotation")
sid_a = sid_a2
print("session rotated at sign-in")

# ---- who sees what ----
A, B, P = TEAMS["Ward A"], TEAMS["Ward B"], TEAMS["Pharmacy"]
base = "/portal/waves/%s/teams/" % WAVE
st, _, page_a = get(base + str(A), sid_a)
check(st == 200, "leader A refused their own team (%d)" % st)
for suffix in ("", "/report.pdf", "/results.csv", "/results.json"):
    st, _, _ = get(base + str(B) + suffix, sid_a)
    check(st == 404, "leader A got B's %s (%d)" % (suffix or "page", st))
st, _, _ = get("/portal/waves/%s/heatmap" % WAVE, sid_a)
check(st == 404, "a leader got the heat map")
st, h, pdf = get(base + str(A) + "/report.pdf", sid_a)
check(st == 200 and pdf.startswith(b"%PDF") and
      header(h, "Content-Type") == ["application/pdf"], "A's PDF")
st, _, csv = get(base + str(A) + "/results.csv", sid_a)
check(st == 200 and csv.startswith(b"wave,"), "A's CSV")
st, _, js = get(base + str(A) + "/results.json", sid_a)
check(st == 200, "A's JSON")
print("leader A: own page and downloads; B's page, PDF, CSV, JSON refused")
check(b"What we agreed last time" in page_a and
      b"Protect ten minutes at handover to talk (Ada Lead)" in page_a,
      "the team page lacks what the team agreed last time")
check(page_a.index(b"What we agreed last time") <
      page_a.index(b"The 7 C's and the four behaviours"),
      "what we agreed last time is not beside the strengths")

# ---- the self-assessment: only its leader ----
check(b'data-m="self_mean"' in page_a, "leader A does not see their self")
rows_a = json.loads(js)
check(any(r["measure"] == "self" for r in rows_a),
      "leader A's JSON lacks their self-assessment")

sid_hr, _, _ = sign_in("hr@example.org")
st, _, page_hr = get(base + str(A), sid_hr)
check(st == 200, "HR refused team A")
check(b'data-m="self_mean"' not in page_hr and b"Your own view" not in
      page_hr, "HR sees leader A's self-assessment")
st, _, js_hr = get(base + str(A) + "/results.json", sid_hr)
check(st == 200 and not any(r["measure"] == "self" or r["self_mean"]
                            is not None for r in json.loads(js_hr)),
      "HR's JSON has leader A's self-assessment")
for t in TEAMS.values():
    st, _, _ = get(base + str(t), sid_hr)
    check(st == 200, "HR refused team %s" % t)
st, _, heat = get("/portal/waves/%s/heatmap" % WAVE, sid_hr)
check(st == 200 and b"Heat map" in heat, "HR's heat map")
print("self-assessment only to its leader; HR sees every team and the heat map")

# ---- every number equals `results --format json` ----
def cli_rows(team_name):
    out = subprocess.run([CAREPULSE, "--db", DB, "results", WAVE, "--team",
                          team_name, "--items", "--format", "json"],
                         check=True, capture_output=True).stdout
    return json.loads(out)


def fmt(m, v):
    if v is None:
        return None
    if m in ("n", "count_1", "count_2", "count_3", "count_4", "count_5"):
        return "%d" % v
    if m in ("score", "favourable", "response_rate"):
        return "%.0f" % v
    if m == "self_gap":
        return "%+.2f" % v
    return "%.2f" % v


def page_numbers(body):
    """(measure, id or None, text) of every number on the page."""
    out = []
    for m in re.finditer(rb'data-m="([a-z_0-9]+)"(?: data-d="([^"]*)")?>'
                         rb"([^<]*)<", body):
        out.append((m.group(1).decode(),
                    m.group(2).decode() if m.group(2) else None,
                    m.group(3).decode().rstrip("%").replace("\u2013", "")))
    return out


def check_page(body, team_name, who):
    rows = cli_rows(team_name)
    groups = {(r["group"], r["scope"]) for r in rows}
    scope = "subtree" if (team_name, "subtree") in groups else "team"
    mine = [r for r in rows if r["group"] == team_name and r["scope"] == scope]
    whole = [r for r in mine if r["measure"] == "responses"][0]
    checked = 0
    for m, d, text in page_numbers(body):
        if m in ("reason", "change"):
            continue
        if d is None:
            want = fmt(m, whole[m])
        else:
            src = [r for r in mine if r["measure"] in ("dimension", "item")
                   and (r["item"] == d or (r["item"] is None and
                                           r["dimension"] == d))]
            check(src, "%s: no CLI row for %s" % (who, d))
            want = fmt(m, src[0][m])
        check(text == want, "%s: %s of %s is %r on the page, %r in "
              "`results --format json`" % (who, m, d, text, want))
        checked += 1
    check(checked > 20, "%s: only %d numbers found" % (who, checked))
    return checked


n1 = check_page(page_a, "Ward A", "leader A's page")
n2 = check_page(page_hr, "Ward A", "HR's page of Ward A")
st, _, page_p = get(base + str(P), sid_hr)
n3 = check_page(page_p, "Pharmacy", "HR's page of Pharmacy")
print("numbers equal to results --format json: %d, %d, %d" % (n1, n2, n3))

# The heat map: every group's responses, rate and scores, and its order
# (the organisation chart's, as `results` lists the groups).
out = subprocess.run([CAREPULSE, "--db", DB, "results", WAVE, "--format",
                      "json"], check=True, capture_output=True).stdout
all_rows = json.loads(out)
names = {str(v): k for k, v in TEAMS.items()}
order = []
checked = 0
for seg in heat.split(b'<tr data-group="')[1:]:
    key, _, rest = seg.partition(b'"')
    scope, _, tid = key.decode().partition(":")
    name = "organisation" if tid == "0" else names[tid]
    order.append((name, scope))
    mine = [r for r in all_rows if r["group"] == name and r["scope"] == scope]
    check(mine, "heat map: no CLI rows for %s %s" % (name, scope))
    whole = [r for r in mine if r["measure"] == "responses"][0]
    row = rest.split(b"</tr>")[0]
    if whole["suppressed"]:
        check(b"Hidden" in row and b'data-m="n"' not in row,
              "heat map: %s shows numbers" % name)
    for m, d, text in page_numbers(row):
        if m == "reason":
            continue
        src = whole if d is None else [
            r for r in mine if r["measure"] == "dimension" and
            r["dimension"] == d][0]
        check(text == fmt(m, src[m]), "heat map: %s %s of %s: %r, CLI %r" %
              (name, m, d, text, fmt(m, src[m])))
        checked += 1
cli_order = []
for r in all_rows:
    if r["measure"] == "responses":
        cli_order.append((r["group"], r["scope"]))
check(order == cli_order, "heat map order %r, results order %r" %
      (order, cli_order))
check(checked > 20, "heat map: only %d numbers" % checked)
print("heat map: %d numbers equal to results, in its order" % checked)

# The waves list (HR sees every team): responses and rates per team.
st, _, waves = get("/portal/waves/%s" % WAVE, sid_hr)
check(st == 200, "HR's wave page")
checked = 0
for seg in waves.split(b'<tr data-team="')[1:]:
    tid, _, rest = seg.partition(b'"')
    name = names[tid.decode()]
    groups = {(r["group"], r["scope"]) for r in all_rows}
    scope = "subtree" if (name, "subtree") in groups else "team"
    whole = [r for r in all_rows if r["group"] == name and
             r["scope"] == scope and r["measure"] == "responses"][0]
    row = rest.split(b"</tr>")[0]
    if whole["suppressed"]:
        check(b"Hidden" in row and b'data-m="n"' not in row,
              "waves list: %s shows numbers" % name)
    for m, d, text in page_numbers(row):
        if m != "reason":
            check(text == fmt(m, whole[m]), "waves list: %s %s: %r, CLI %r"
                  % (name, m, text, fmt(m, whole[m])))
            checked += 1
check(checked >= 6, "waves list: only %d numbers" % checked)
print("waves list: %d numbers equal to results" % checked)

# ---- suppressed: the same reason as the CLI ----
small = TEAMS.get("Small")
if small:
    st, _, page_s = get(base + str(small), sid_hr)
    rows = cli_rows("Small")
    why = [r for r in rows if r["measure"] == "responses"][0]
    check(why["suppressed"], "the small team is not suppressed in the CLI")
    check(b"Results hidden" in page_s and b'data-m="n"' not in page_s,
          "the small team's page shows numbers")
    print("a group below the threshold shows the reason, no numbers")

# ---- sign-out: CSRF, then the session is gone ----
st, _, _ = request("POST", "/portal/signout", {"cp_session": sid_a},
                   {"csrf": "0" * 48})
check(st == 403, "sign-out without the right CSRF token (%d)" % st)
st, _, _ = get("/portal/waves", sid_a)
check(st == 200, "a refused sign-out ended the session")
st, h, _ = request("POST", "/portal/signout", {"cp_session": sid_a},
                   {"csrf": csrf_of(page_a)})
check(st == 303, "sign-out (%d)" % st)
check(set_cookies(h)["cp_session"][1].find("Max-Age=0") >= 0,
      "sign-out does not clear the cookie")
st, _, _ = get("/portal/waves", sid_a)
check(st == 303, "the session still works after sign-out")
print("sign-out: CSRF checked, session ended")

# ---- rate limit per address: never more mails than the limit ----
before = len(mails_to("leadb@example.org"))
answers = set()
for _ in range(8):
    r = ask_link("leadb@example.org", pre)
    answers.add((r[0], tuple(header(r[1], "Location")), r[2]))
check(len(answers) == 1, "rate-limited requests answered differently")
# A last request from an address with access: the mail thread sends in
# order, so once its mail is there every earlier one is too.
hr_before = len(mails_to("hr@example.org"))
ask_link("hr@example.org", pre)
wait_mails("hr@example.org", hr_before + 1)
sent = len(mails_to("leadb@example.org")) - before
check(sent < 8, "the per-address limit let %d mails through" % sent)
print("rate limit: %d of 8 requests mailed, same answer to all" % sent)

# ---- the log: no token, no session id ----
log = open(LOG).read()
for s in SECRETS:
    check(s not in log, "a secret reached the access log")
check("/portal/signin/<redacted>" in log, "the log does not name the landing")
print("access log: %d lines, no token or session id" % log.count("\n"))
print("portal over the socket ok")
