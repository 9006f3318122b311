# The portal's mails in the viewer's language, to a real SMTP server
# (aiosmtpd): the results-ready mail in the roster's language of a leader,
# else the setting "language"; the sign-in mail in the roster's language,
# else the language of the page it was asked from (?lang=, then
# Accept-Language), else the setting. Every message parses under Python's
# strict policy, with an RFC 2047 subject when not ASCII, Content-Language
# and <html lang dir>.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
trap 'for p in $PEER_PIDS $SERVER_PID; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
need_locales
start_smtp "$T/sink" --lifetime 300

expect_exit 0 init
{
	echo "email,name,team,parent_team,role,language"
	echo "gwen@example.org,Gwen Lead,Ward Cy,,leader,cy"
	echo "layla@example.org,ليلى حداد,Ward Ar,,leader,ar"
	echo "nia@example.org,Nia Lead,Ward X,,leader,"
	for t in Cy Ar X; do
		for i in 1 2 3; do echo "m$i$t@example.org,M $i,Ward $t,,member,"; done
	done
} >"$T/roster.csv"
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 config set smtp.url "smtp://127.0.0.1:$SMTP_PORT"
expect_exit 0 config set smtp.tls none
expect_exit 0 config set mail.from 'Pulse <pulse@example.org>'
expect_exit 0 config set base_url https://pulse.example.org
expect_exit 0 config set language pl
expect_exit 0 access grant hr hr@example.org
expect_exit 0 wave create --survey compassionate-pulse --team "Ward Cy" \
	--team "Ward Ar" --team "Ward X"
expect_exit 0 wave close 1
expect_in out "told 4 viewers that results are ready"

# check KIND WANT: the mails whose subject starts as KIND's does, one per
# address in WANT (address=language,...).
check() {
	"$PY" - "$T/sink" "$1" "$2" <<'PY'
import email, email.policy, glob, html as html_mod, json, os, re, sys
sink, kind, want = sys.argv[1], sys.argv[2], dict(p.split("=") for p in sys.argv[3].split(","))
words = {
    "ready": {"en": "Results are ready:", "cy": "Mae'r canlyniadau'n barod:",
              "es": "Los resultados están listos:", "pl": "Wyniki są gotowe:",
              "ar": "النتائج جاهزة:"},
    "signin": {"en": "Your sign-in link", "cy": "Eich dolen mewngofnodi",
               "es": "Su enlace de acceso", "pl": "Twój link do logowania",
               "ar": "رابط تسجيل دخولك"}}[kind]
body = {
    "ready": {"cy": "Mewngofnodwch i'r porth canlyniadau", "es": "Inicie sesión en el portal",
              "pl": "Zaloguj się do portalu wyników", "ar": "سجّل الدخول إلى بوابة النتائج"},
    "signin": {"cy": "o fewn 15 munud", "es": "en los próximos 15 minutos",
               "pl": "w ciągu 15 minut", "ar": "خلال 15 دقيقة"}}[kind]
if kind == "signin" and os.environ.get("SIGNIN_BODY"):
    body = json.loads(os.environ["SIGNIN_BODY"])
got = {}
for path in sorted(glob.glob(sink + "/*.eml")):
    raw = open(path, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.strict)
    subj = str(msg["Subject"])
    lang = [l for l, w in words.items() if subj.startswith(w)]
    if not lang:
        continue
    lang = lang[0]
    to = msg["To"].addresses[0].addr_spec
    got.setdefault(to, []).append(lang)
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(b < 128 for b in head), "%s: a raw header is not ASCII" % to
    raw_subject = re.search(rb"^Subject: (.*(?:\r\n[ \t].*)*)", head, re.M).group(1).decode()
    if any(ord(c) > 127 for c in subj):
        assert "=?UTF-8?" in raw_subject, "%s: subject not RFC 2047: %r" % (to, raw_subject)
    assert msg["Content-Language"] == lang, "%s: Content-Language %r, expected %s" % (to, msg["Content-Language"], lang)
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert '<html lang="%s" dir="%s">' % (lang, "rtl" if lang == "ar" else "ltr") in html, "%s: html lang/dir" % to
    if lang in body:
        assert body[lang] in text and body[lang] in html_mod.unescape(html), "%s: body not in %s: %s" % (to, lang, text)
    assert "https://pulse.example.org/portal/" in text, text
    assert msg.defects == [] and all(not p.defects for p in msg.walk()), "%s: defects" % to
for to, lang in want.items():
    assert got.get(to) == [lang], "%s: %s mails in %r, expected one in %s" % (to, kind, got.get(to), lang)
print("%s mails ok: %s" % (kind, sorted(got.items())))
PY
}
# Leaders in their roster language; HR and Nia, who have none, in the
# setting's (Polish).
check ready "gwen@example.org=cy,layla@example.org=ar,nia@example.org=pl,hr@example.org=pl" ||
	fail "the results-ready mails are not in each viewer's language"

# ask EMAIL [HEADER] [QUERY]: asks for a sign-in link from the sign-in
# page, with an Accept-Language header and a ?lang= if given, and waits
# (bounded) for the mail to reach the sink.
ask() {
	"$PY" - "$PORT" "$T/sink" "$@" <<'PY' || fail "no sign-in mail for $1"
import glob, http.client, os, re, sys, time, urllib.parse
port, sink, addr = sys.argv[1:4]
accept = sys.argv[4] if len(sys.argv) > 4 else ""
query = sys.argv[5] if len(sys.argv) > 5 else ""
def mails():
    return [p for p in glob.glob(os.path.join(sink, "*.env"))
            if addr in open(p).read().split("\n")[1:]]
before = len(mails())
h = {"Accept-Language": accept} if accept else {}
c = http.client.HTTPConnection("127.0.0.1", int(port))
c.request("GET", "/portal/" + query, headers=h)
r = c.getresponse(); r.read()
pre = re.search(r"cp_pre=([0-9a-f]+)", r.getheader("Set-Cookie")).group(1)
h.update({"Cookie": "cp_pre=" + pre, "Content-Type": "application/x-www-form-urlencoded"})
c.request("POST", "/portal/signin" + query, urllib.parse.urlencode({"csrf": pre, "email": addr}), h)
r = c.getresponse(); r.read()
for _ in range(200):
    if len(mails()) > before:
        sys.exit(0)
    time.sleep(0.05)
sys.exit("no mail")
PY
}
rm -f "$T"/sink/*.eml "$T"/sink/*.env
start_server
# On the roster: the roster's language, whatever the browser says.
ask gwen@example.org "es, en;q=0.5"
ask layla@example.org "en"
# Not on the roster: the page's language, from Accept-Language, or ?lang=.
ask hr@example.org "es-ES, en;q=0.5"
# Nia has no roster language: ?lang= wins over Accept-Language.
ask nia@example.org "es" "?lang=ar"
stop_server
check signin "gwen@example.org=cy,layla@example.org=ar,hr@example.org=es,nia@example.org=ar" ||
	fail "the sign-in mails are not in each viewer's language"
rm -f "$T"/sink/*.eml "$T"/sink/*.env
start_server
# Neither: the setting "language".
ask hr@example.org
stop_server
check signin "hr@example.org=pl" || fail "the sign-in mail without a language is not in the setting's"
# The mail says how long the link really works (access.signin_ttl), in
# each language's plural; so does the "check your mail" page.
rm -f "$T"/sink/*.eml "$T"/sink/*.env
expect_exit 0 config set access.signin_ttl 2h
start_server
ask gwen@example.org
ask hr@example.org
"$PY" - "$PORT" <<'PY' || fail "the 'check your mail' page does not say 2 hours"
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
c.request("GET", "/portal/sent", headers={"Accept-Language": "pl"})
page = c.getresponse().read().decode()
assert "w ciągu 2 godzin;" in page, page
PY
stop_server
SIGNIN_BODY='{"cy": "o fewn 2 awr", "pl": "w ciągu 2 godzin"}' \
	check signin "gwen@example.org=cy,hr@example.org=pl" ||
	fail "the sign-in mail does not say the link's real lifetime"
echo "portal mails ok"
