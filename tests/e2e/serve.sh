# carepulse serve: the form over HTTP, end to end against the running
# server: the form and its headers, a missing answer that keeps the typed
# comment, the happy path, a double submit, unknown and closed links, the
# JSON API, escaping of survey text and comments, graceful stop, a log
# without tokens, and a database dump in which responses cannot be linked
# to anyone.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3

setup_db
# A survey whose text tries to inject markup.
/usr/bin/python3 - "$CP_SOURCE_DIR/surveys/care-checkin.json" >xss.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["id"] = "xss-check"
d["title"] = "Check <script>alert('t')</script> & co"
d["items"][0]["text"] = "Is <script>alert(1)</script> \"quoted\" & <b>bold</b>?"
d["scale"]["labels"][0] = "<img src=x onerror=alert(2)>"
print(json.dumps(d))
PY
expect_exit 0 survey add xss.json

invite pharmacy.txt "$CAREPULSE_DB" Pharmacy compassionate-pulse
WAVE_OPEN=$WAVE
invite ward.txt --self leader-self "$CAREPULSE_DB" "Ward 4, North" compassionate-pulse
invite closed.txt --status closed "$CAREPULSE_DB" Pharmacy compassionate-pulse
invite past.txt --closes 1000 "$CAREPULSE_DB" Pharmacy compassionate-pulse
invite xss.txt "$CAREPULSE_DB" Pharmacy xss-check

start_server
/usr/bin/python3 - "$PORT" "$CAREPULSE_DB" "$T" "$CAREPULSE" "$WAVE_OPEN" <<'PY' || fail "form server checks"
import json, re, sqlite3, subprocess, sys
from cptest import *

port, db, T = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cp, wave_open = sys.argv[4], sys.argv[5]
pulse = survey(db, "compassionate-pulse")
items = [i["id"] for i in pulse["items"]]
qid = pulse["open_questions"][0]["id"]
pharmacy = tokens(T + "/pharmacy.txt")
ward = tokens(T + "/ward.txt")
closed = tokens(T + "/closed.txt")
past = tokens(T + "/past.txt")
xss = tokens(T + "/xss.txt")

def counts():
    con = sqlite3.connect(db)
    r = (con.execute("SELECT count(*) FROM response").fetchone()[0],
         con.execute("SELECT count(*) FROM invitation WHERE answered").fetchone()[0])
    con.close()
    return r

# The form: headers, structure, anonymity promise, fields named by ids.
tok = pharmacy[0][1]
st, h, html = request(port, "GET", "/r/" + tok)
check(st == 200, "GET form: %d" % st)
csp = h.get("content-security-policy", "")
for part in ["default-src 'none'", "frame-ancestors 'none'", "form-action 'self'", "style-src 'sha256-"]:
    check(part in csp, "CSP lacks " + part + ": " + csp)
check(h.get("referrer-policy") == "no-referrer", "Referrer-Policy")
check(h.get("cache-control") == "no-store", "Cache-Control")
check(h.get("x-content-type-options") == "nosniff", "nosniff")
check('<html lang="en" dir="ltr">' in html, "lang and dir")
check('name="viewport"' in html, "viewport")
check(html.count("<fieldset") == len(items) and html.count("<legend>") == len(items), "a fieldset and legend per item")
for i in items:
    check(html.count('name="%s"' % i) == 6, "six radios named " + i)
    check(('name="%s" value="prefer_not_to_say"' % i) in html,
          "prefer not to say offered for " + i)
check('name="%s"' % qid in html and "<textarea" in html, "the open question")
check(html.count("<label><input type=\"radio\"") == 5 * len(items), "each radio in its label")
check(html.count("<label class=\"decline\"><input type=\"radio\"") == len(items), "prefer not to say in its label")
check("at least 5 people" in html and "at least 10" in html, "the thresholds in words")
check("anonymous" in html, "the anonymity promise")
check("<script" not in html and "http://" not in html and "https://" not in html, "no script, no external resource")

# A missing answer: 422, the comment kept (escaped), the others kept, the
# missing one marked.
comment = "Ünïcode & <b>bold</b> </textarea><script>alert(3)</script>\nsecond line"
form = {i: "4" for i in items[1:]}
form[qid] = comment
st, h, html = request(port, "POST", "/r/" + tok, form)
check(st == 422, "incomplete post: %d" % st)
check("&lt;/textarea&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in html, "the comment kept, escaped")
check("<script>" not in html, "no raw script")
check("Ünïcode &amp; &lt;b&gt;bold&lt;/b&gt;" in html, "the comment's text kept")
check('id="s1" class="bad"' in html, "the missing item marked")
check('href="#s1"' in html, "the problem list links to it")
check(html.count(" checked>") == len(items) - 1, "the given answers kept")
check(counts() == (0, 0), "nothing stored by an invalid post")

# An answer off the scale is refused too.
bad = {i: "4" for i in items}
bad[items[2]] = "6"
st, h, html = request(port, "POST", "/r/" + tok, bad)
check(st == 422 and 'id="s3" class="bad"' in html, "off the scale: %d" % st)

# The happy path.
form = {i: str(1 + n % 5) for n, i in enumerate(items)}
form[qid] = "More time to talk, please."
st, h, html = request(port, "POST", "/r/" + tok, form)
check(st == 200 and "Thank you" in html, "valid post: %d" % st)
check(counts() == (1, 1), "one response, one invitation answered: %s" % (counts(),))
con = sqlite3.connect(db)
got = dict(con.execute("SELECT item_id, value FROM answer").fetchall())
check(got == {i: int(v) for i, v in form.items() if i != qid}, "answers stored as given")
check(con.execute("SELECT text FROM comment").fetchone()[0] == "More time to talk, please.", "comment stored")
con.close()

# A double submit, and the link opened again: 409, nothing changed.
st, h, html = request(port, "POST", "/r/" + tok, form)
check(st == 409 and "already been used" in html, "double submit: %d" % st)
st, h, html = request(port, "GET", "/r/" + tok)
check(st == 409, "used link GET: %d" % st)
check(counts() == (1, 1), "nothing changed by a double submit")

# Unknown links: well formed or not, short or long, cut or garbled.
check(len(tok) == 22, "a link's token is 22 characters: %r" % tok)
for path in ["/r/" + "A" * 43, "/r/" + "A" * 22, "/r/short", "/r/" + tok[:-1],
             "/r/" + tok[:-1] + ("A" if tok[-1] != "A" else "B")]:
    st, h, html = request(port, "GET", path)
    check(st == 404 and "not known" in html, "unknown GET %s: %d" % (path, st))
    st, h, html = request(port, "POST", path, form)
    check(st == 404, "unknown POST: %d" % st)
check(counts() == (1, 1), "nothing changed by unknown links")

# The token is the installation key's HMAC-SHA256 of the invitation cut to
# its leftmost 132 bits. An invitation made before tokens were cut keeps
# the hash of the whole HMAC (43 characters): that link opens its form,
# and neither its short form nor a garbled long one does.
import base64, hashlib, hmac
key = open(db + ".key", "rb").read()
con = sqlite3.connect(db)
old_tok = pharmacy[1][1]
iid, wid, mid, kind = con.execute(
    "SELECT id, wave_id, member_id, kind FROM invitation WHERE token_hash = ?",
    (hashlib.sha256(old_tok.encode()).digest(),)).fetchone()
mac = hmac.new(key, ("carepulse-invitation-v1:%d:%d:%s" % (wid, mid, kind)).encode(),
               hashlib.sha256).digest()
whole = base64.urlsafe_b64encode(mac).decode().rstrip("=")
check(len(whole) == 43 and whole[:22] == old_tok, "the token is the HMAC's first 132 bits")
con.execute("UPDATE invitation SET token_hash = ? WHERE id = ?",
            (hashlib.sha256(whole.encode()).digest(), iid))
con.commit()
con.close()
st, h, html = request(port, "GET", "/r/" + whole)
check(st == 200 and "<form" in html, "an old long link opens its form: %d" % st)
for path in ["/r/" + old_tok, "/r/" + whole[:-1] + ("A" if whole[-1] != "A" else "B"),
             "/r/" + whole[:-1], "/r/" + whole + "A"]:
    st, h, html = request(port, "GET", path)
    check(st == 404 and "not known" in html, "old link cut or garbled %s: %d" % (path, st))
st, h, html = request(port, "POST", "/u/" + whole, {"List-Unsubscribe": "One-Click"})
check(st == 200, "an old long link's one-click stop: %d" % st)
st, h, html = request(port, "POST", "/u/" + old_tok, {"List-Unsubscribe": "One-Click"})
check(st == 404, "its short form's one-click stop: %d" % st)
con = sqlite3.connect(db)
check(con.execute("SELECT group_concat(id) FROM invitation WHERE no_reminders").fetchone()[0] == str(iid),
      "the old link's one-click stopped its invitation's reminders only")
con.close()
check(counts() == (1, 1), "nothing changed by opening an old link")

# Closed waves (by status, and by closing time): 410, nothing changed.
for t in [closed[0][1], past[0][1]]:
    st, h, html = request(port, "GET", "/r/" + t)
    check(st == 410 and "not open" in html, "closed GET: %d" % st)
    st, h, html = request(port, "POST", "/r/" + t, form)
    check(st == 410, "closed POST: %d" % st)
check(counts() == (1, 1), "nothing changed by closed waves")

# The self-assessment uses the wave's self survey and says so.
selftok = [t for e, t, s in ward if s][0]
st, h, html = request(port, "GET", "/r/" + selftok)
check(st == 200 and "self-assessment" in html, "self form")
self_items = [i["id"] for i in survey(db, "leader-self")["items"]]
check(html.count("<fieldset") == len(self_items), "self form has the self survey's items")

# The JSON API: problems named by field; then stored; then used.
jtok = ward[0][1]
st, doc = post_json(port, {"token": jtok, "answers": {items[0]: 9, "nope": 3}, "comments": {qid: 5}})
check(st == 422, "JSON invalid: %d %s" % (st, doc))
fields = {p["field"] for p in doc["problems"]}
check("answers.nope" in fields and "comments." + qid in fields, "JSON problems by field: %s" % fields)
check("answers.%s" % items[0] in fields and "answers.%s" % items[1] in fields, "off scale and missing named: %s" % fields)
st, doc = post_json(port, {"token": jtok, "answers": {i: 3 for i in items}, "comments": {qid: "API comment"}})
check(st == 200 and doc == {"status": "stored"}, "JSON stored: %d %s" % (st, doc))
st, doc = post_json(port, {"token": jtok, "answers": {i: 3 for i in items}})
check(st == 409 and doc["error"] == "already_answered", "JSON used: %d %s" % (st, doc))
st, doc = post_json(port, {"token": "A" * 43, "answers": {}})
check(st == 404 and doc["error"] == "unknown_link", "JSON unknown: %d" % st)
st, doc = post_json(port, {"token": closed[1][1], "answers": {i: 3 for i in items}})
check(st == 410 and doc["error"] == "wave_closed", "JSON closed: %d" % st)
st, h, text = request(port, "POST", "/api/v1/responses", '{"token": ', {"Content-Type": "application/json"})
check(st == 400 and json.loads(text)["error"] == "bad_json", "bad JSON: %d" % st)
check(counts() == (2, 2), "two responses now: %s" % (counts(),))

# Survey text that tries to inject markup is escaped.
st, h, html = request(port, "GET", "/r/" + xss[0][1])
check(st == 200, "xss form: %d" % st)
check("<script>" not in html and "<img" not in html and "<b>" not in html, "survey text escaped")
check("&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;" in html, "item text shown escaped")

# The wave closed by another process while the server runs, after a
# request thread has read it (each keeps a copy while the database is
# unchanged): the next GET and POST see it closed.
open_tok = whole  # pharmacy[1]'s link, made long above
for _ in range(8):
    st, h, html = request(port, "GET", "/r/" + open_tok)
    check(st == 200, "open form before the close: %d" % st)
form2 = {i: "3" for i in items}
subprocess.run([cp, "wave", "close", wave_open], check=True,
               stdout=subprocess.DEVNULL)
st, h, html = request(port, "GET", "/r/" + open_tok)
check(st == 410 and "not open" in html, "GET after the close: %d" % st)
st, h, html = request(port, "POST", "/r/" + open_tok, form2)
check(st == 410 and "not open" in html, "POST after the close: %d" % st)
check(counts() == (2, 2), "nothing stored after the close: %s" % (counts(),))

# Other addresses and methods.
check(request(port, "GET", "/healthz")[0] == 200, "healthz")
check(request(port, "GET", "/nothing/here")[0] == 404, "404")
check(request(port, "DELETE", "/r/" + tok)[0] == 405, "405")
print("form server checks passed")
PY

stop_server
expect_in_log() { grep -qF -- "$1" "$T/server.log" || { cat "$T/server.log" >&2; fail "expected '$1' in the server log"; }; }
expect_in_log "POST /r/<redacted> 200"
expect_in_log "stopped"
# No token, in any form, reaches the log.
for t in $(cut -d' ' -f2 pharmacy.txt ward.txt closed.txt past.txt xss.txt); do
	if grep -qF -- "$t" "$T/server.log"; then
		fail "a token is in the server log"
	fi
done

# Linkability: the response tables hold wave, team, self and the answers
# only (tests/anonymity/ tries harder).
/usr/bin/python3 - "$CAREPULSE_DB" "$T" <<'PY' || fail "responses can be linked"
import re, sqlite3, sys, hashlib
from cptest import *
db, T = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
cols = [r[1] for r in con.execute("PRAGMA table_info(response_slot)")]
check(cols == ["id", "wave_id", "team_id", "self", "filled", "answers", "import_id"], "response columns: %s" % cols)
cols = [r[1] for r in con.execute("PRAGMA table_info(comment_group)")]
check(cols == ["wave_id", "team_id", "self", "import_id", "comments"], "comment columns: %s" % cols)
# import_id names the file an imported response came in; a response or a
# comment given through a link has none.
check(con.execute("SELECT count(*) FROM response_slot WHERE import_id IS NOT NULL").fetchone()[0] == 0, "a served response with an import id")
check(con.execute("SELECT count(*) FROM comment_group WHERE import_id <> 0").fetchone()[0] == 0, "a served comment with an import id")
dump = "\n".join(con.iterdump())
resp = "\n".join(l for l in dump.splitlines() if re.match(r'INSERT INTO "(response_slot|comment_group|agg_\w+)"', l))
check(con.execute("SELECT count(*) FROM response").fetchone()[0] == 2, "two responses")
for f in ["pharmacy", "ward", "closed", "past", "xss"]:
    for email, tok, _ in tokens("%s/%s.txt" % (T, f)):
        check(tok not in dump, "a token in the dump")
        check(hashlib.sha256(tok.encode()).hexdigest().upper() not in resp.upper(), "a token hash in the response tables")
        check(email not in resp, "an e-mail in the response tables")
check(not re.search(r"\d\d:\d\d", resp), "a time of day in the response tables")
check(not re.search(r"\d{4}-\d\d-\d\d", resp), "a date in the response tables")
PY
