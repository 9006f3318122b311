# carepulse serve: form posts checked against their link in memory
# (core/form/links.c) answer exactly as posts read from the store. A
# server whose wave's links are in memory (a first post loaded them) is
# sent a post after its entry went stale in each way it can (the link
# used through another server, the wave closed, cancelled, or its links
# erased by a purge, the invitation deleted by `member forget`), and the
# same request is then sent to a freshly started server, which has
# nothing in memory and reads the store: status, Content-Language and
# page must be the same bytes. So must the form's error pages (answers
# that fail the check, too many fields) and a GET, on a fresh link and on
# a stale one; a roster change in between stores the answer in its
# invitation's team, as from the store. The server's log says how many
# posts went through memory and how many were done again from the store.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3
need_locales

expect_exit 0 init
expect_exit 0 team import "$CP_SOURCE_DIR/tests/data/roster-languages.csv"

/usr/bin/python3 - "$CAREPULSE" "$CAREPULSE_DB" "$T" "$CP_TOOLS_DIR/cp_invite" <<'PY' || fail "links in memory"
import os, re, sqlite3, subprocess, sys, time
from cptest import check, request, survey, tokens

cp, db, T, cp_invite = sys.argv[1:5]
items = [i["id"] for i in survey(db, "compassionate-pulse")["items"]]
good = {i: "4" for i in items}
bad = dict(good)
bad[items[0]] = "9"
too_many = dict(good)
too_many.update({"x%d" % n: "1" for n in range(600)})

def run(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run([cp] + list(args), capture_output=True, text=True, env=e)
    check(r.returncode == 0, "carepulse %s: %d %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout

def invite():
    """A new wave for Ward 7: {email: token} of its ordinary links."""
    out = T + "/tok.txt"
    with open(out, "w") as f:
        r = subprocess.run([cp_invite, db, "Ward 7", "compassionate-pulse"],
                           stdout=f, stderr=subprocess.PIPE, text=True)
    check(r.returncode == 0, "cp_invite: " + r.stderr)
    wave = re.search(r"^wave (\d+)", r.stderr, re.M).group(1)
    return wave, {e: t for e, t, s in tokens(out) if not s}

class Server:
    n = 0
    def __init__(self):
        Server.n += 1
        self.log = "%s/server%d.log" % (T, Server.n)
        self.p = subprocess.Popen([cp, "serve", "--listen", "127.0.0.1:0"],
                                  stderr=open(self.log, "w"))
        self.port = None
        for _ in range(100):
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", open(self.log).read())
            if m:
                self.port = int(m.group(1))
                return
            check(self.p.poll() is None, "serve exited: " + open(self.log).read())
            time.sleep(0.1)
        check(False, "serve did not start")

    def stop(self):
        """Stops it; (posts checked in memory, done again, links kept)."""
        self.p.terminate()
        check(self.p.wait(timeout=20) == 0, "serve exit: " + open(self.log).read())
        m = re.search(r"(\d+) form posts checked against their link in memory, "
                      r"(\d+) of them done again from the store; (\d+) links",
                      open(self.log).read())
        check(m, "no count of posts in memory: " + open(self.log).read())
        return tuple(int(g) for g in m.groups())

def ask(port, method, tok, form=None, lang="es"):
    st, h, html = request(port, method, "/r/" + tok, form,
                          headers={"Accept-Language": lang})
    return st, h.get("content-type"), h.get("content-language"), html

def same(what, a, fresh, status):
    check(a[0] == status, "%s: status %d, expected %d" % (what, a[0], status))
    check(a == fresh, "%s: in memory %r, from the store %r" % (what, a[:3], fresh[:3]))

def answered(tok):
    import hashlib
    con = sqlite3.connect(db)
    r = con.execute("SELECT answered FROM invitation WHERE token_hash = ?",
                    (hashlib.sha256(tok.encode()).digest(),)).fetchone()
    con.close()
    return r and r[0]

# warm(): a server with the wave's links in memory: a first post read
# from the store loads them, a second goes through memory.
def warm(tok, first="nia@example.org", second="zofia@example.org"):
    s = Server()
    check(ask(s.port, "POST", tok[first], good)[0] == 200, "first post")
    check(ask(s.port, "POST", tok[second], good)[0] == 200, "second post")
    return s

def compare(what, tok, change, reqs, rechecks):
    """Warm a server, change the store, send reqs to it and to a fresh
    server: the same answers; rechecks of them done again."""
    s = warm(tok)
    change()
    got = [ask(s.port, *r) for r in reqs]
    n = s.stop()
    check(n[0] >= 1 and n[1] == rechecks,
          "%s: posts in memory, done again: %r (expected %d done again)" % (what, n, rechecks))
    f = Server()
    for r, a in zip(reqs, got):
        same("%s: %s %s" % (what, r[0], r[3] if len(r) > 3 else ""), a, ask(f.port, *r), a[0])
    f.stop()
    return got

# ---- a fresh link in memory: GET, the error pages and the thank-you
# page are those of the store ----
wave, tok = invite()
check(sorted(tok) == ["ed@example.org", "gwen@example.org", "layla@example.org", "lucia@example.org",
                      "nia@example.org", "zofia@example.org"], "links: %r" % sorted(tok))
s = warm(tok, "layla@example.org", "nia@example.org")
gwen, lucia = tok["gwen@example.org"], tok["lucia@example.org"]
mem = [ask(s.port, "GET", gwen), ask(s.port, "POST", gwen, bad),
       ask(s.port, "POST", gwen, too_many), ask(s.port, "POST", gwen, bad, "pl")]
n = s.stop()
check(n[:2] == (1, 0), "warm server's counts: %r" % (n,))
check(not answered(gwen), "an invalid post stored nothing")
f = Server()
store = [ask(f.port, "GET", gwen), ask(f.port, "POST", gwen, bad),
         ask(f.port, "POST", gwen, too_many), ask(f.port, "POST", gwen, bad, "pl")]
f.stop()
for what, a, b, st in zip(["GET", "invalid answers", "too many fields",
                           "invalid, another browser"], mem, store, [200, 422, 413, 422]):
    same("fresh link: " + what, a, b, st)
check(mem[0][2] == "cy", "Gwen's own language: %r" % (mem[0][2],))
# The thank-you page (in one language: ?lang=): Lucía's post through
# memory, Zofia's from the store.
s = Server()
check(ask(s.port, "POST", gwen, good)[0] == 200, "gwen's post loads the links")
thanks_mem = ask(s.port, "POST", lucia + "?lang=en", good)
n = s.stop()
f = Server()
thanks_store = ask(f.port, "POST", tok["zofia@example.org"] + "?lang=en", good)
f.stop()
check(n[:2] == (1, 0), "thank-you through memory: %r" % (n,))
same("thank-you page", thanks_mem, thanks_store, 200)

# ---- stale: the link used through another server on the same file ----
wave, tok = invite()
gwen = tok["gwen@example.org"]
def used_elsewhere():
    b = Server()
    check(ask(b.port, "POST", gwen, good)[0] == 200, "stored through the other server")
    b.stop()
compare("used elsewhere", tok, used_elsewhere,
        [("POST", gwen, good), ("POST", gwen, bad), ("GET", gwen)], 1)

# ---- stale: the wave closed by `wave close` ----
wave, tok = invite()
compare("closed", tok, lambda: run("wave", "close", wave),
        [("POST", tok["gwen@example.org"], good), ("POST", tok["layla@example.org"], bad)], 1)

# ---- stale: the wave cancelled (it had answers: its answers go) ----
wave, tok = invite()
compare("cancelled", tok, lambda: run("wave", "cancel", wave, "--reason", "test"),
        [("POST", tok["gwen@example.org"], good), ("GET", tok["layla@example.org"])], 1)

# ---- stale: the invitation deleted by `member forget` (an unknown link:
# the page is in the browser's language, not the person's) ----
wave, tok = invite()
lucia = tok["lucia@example.org"]
got = compare("forgotten", tok, lambda: run("member", "forget", "lucia@example.org"),
              [("POST", lucia, good, "pl"), ("POST", lucia, bad, "pl")], 1)
check(got[0][0] == 404 and got[0][2] == "pl", "forgotten link: %r" % (got[0][:3],))

# ---- stale: the wave closed and erased by a purge (its links deleted) ----
wave, tok = invite()
def purged():
    run("wave", "close", wave)
    run("config", "set", "retention.months", "1")
    run("purge", env={"CAREPULSE_NOW": str(int(time.time()) + 400 * 86400)})
got = compare("purged", tok, purged, [("POST", tok["gwen@example.org"], good)], 1)
check(got[0][0] == 404, "purged link: %r" % (got[0][:3],))

# ---- a roster change in between: nothing stale (invitations keep their
# team); the answer counts in the invitation's team, as from the store ----
wave, tok = invite()
s = warm(tok)
with open(T + "/moved.csv", "w") as f:
    f.write("email,name,team,parent_team,role,language\n"
            "gwen@example.org,Gwenllian ap Rhys,Ward 9,,member,cy\n"
            "layla@example.org,ليلى حداد,Ward 7,,member,ar-EG\n"
            "lucia@example.org,Lucía Pérez,Ward 7,,member,es\n"
            "zofia@example.org,Zofia Wąsik,Ward 7,,member,PL\n"
            "ed@example.org,Ed Brown,Ward 7,,leader,en\n"
            "nia@example.org,Nia Okafor,Ward 7,,member,\n")
run("team", "import", T + "/moved.csv")
check(ask(s.port, "POST", tok["gwen@example.org"], good)[0] == 200, "moved member's post")
n = s.stop()
check(n[:2] == (2, 0), "roster change: %r" % (n,))
con = sqlite3.connect(db)
teams = con.execute("SELECT t.name, g.responses FROM agg_group g JOIN team t ON t.id = g.team_id"
                    " WHERE g.wave_id = ? AND g.self = 0", (wave,)).fetchall()
con.close()
check(teams == [("Ward 7", 3)], "answers in the invitation's team: %r" % (teams,))
print("links in memory ok")
PY
