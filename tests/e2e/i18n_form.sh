# Each person's form in their language: the roster's language column
# chooses it, else the browser's Accept-Language (with its weights), else
# the setting "language"; ?lang= (the form's language switch) overrides
# all and stays through the answers' page. Pages carry lang, dir and
# Content-Language; the closing time shows in the installation's time
# zone, named in the page's language. Many requests in different
# languages at once each get their own. Bad languages and time zones are
# refused with a message naming the line or setting.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3
need_locales

expect_exit 0 init
# A bad language in the roster: every bad cell named, nothing written.
printf 'email,name,team,language\na@example.org,A,T,fr\nb@example.org,B,T,cy_GB!\nc@example.org,C,T,ar\n' >"$T/bad.csv"
expect_exit 65 team import "$T/bad.csv"
expect_in err "bad.csv:2: language 'fr' is not one carepulse speaks (expected en, cy, es, pl or ar)"
expect_in err "bad.csv:3: language 'cy_GB!' is not a BCP 47 language tag"
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT count(*) FROM member')" = 0 ] || fail "a bad roster wrote members"

expect_exit 0 team import "$CP_SOURCE_DIR/tests/data/roster-languages.csv"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT group_concat(coalesce(language, '-'), ' ') FROM (SELECT language FROM member ORDER BY email)")" = "en cy ar es - pl" ] ||
	fail "languages stored: $(sqlite3 "$CAREPULSE_DB" 'SELECT email, language FROM member ORDER BY email')"
# The response never carries a language (docs/anonymity.md).
sqlite3 "$CAREPULSE_DB" 'PRAGMA table_info(response)' | grep -qi lang && fail "response has a language column"

# Bad settings.
expect_exit 65 config set language fr
expect_in err "language 'fr' is not one carepulse speaks"
expect_exit 65 config set timezone Mars/Olympus_Mons
expect_in err "time zone 'Mars/Olympus_Mons' is not in the time zone database"
expect_exit 65 config set timezone ../etc/passwd
expect_in err "is not a time zone name"
CAREPULSE_TIMEZONE=Europe/Nowhere expect_exit 65 team list
expect_in err "CAREPULSE_TIMEZONE: time zone 'Europe/Nowhere' is not in the time zone database"
expect_exit 0 config set timezone Asia/Tokyo

# Closes 2027-01-05 00:00 UTC: Tuesday 5 January 2027, 09:00 in Tokyo.
invite tokens.txt --closes 1799107200 "$CAREPULSE_DB" "Ward 7" compassionate-pulse
start_server
python3 - "$PORT" tokens.txt <<'PY' || fail "form language checks"
import re, sys, threading
from cptest import check, request, tokens
port = int(sys.argv[1])
tok = {email: t for email, t, self in tokens(sys.argv[2]) if not self}
# What the form's button says in each language (po/).
button = {"en": "Send my answers", "cy": "Anfon fy atebion",
          "es": "Enviar mis respuestas", "pl": "Wyślij moje odpowiedzi",
          "ar": "أرسل إجاباتي"}
day = {"en": "Tuesday 5 January 2027, 09:00 JST", "cy": "Ionawr",
       "es": "enero", "pl": "stycznia", "ar": "يناير"}

def form(email, headers=None, query=""):
    st, h, html = request(port, "GET", "/r/" + tok[email] + query, headers=headers)
    check(st == 200, "%s: status %d" % (email, st))
    m = re.search(r'<html lang="([a-z]+)" dir="(ltr|rtl)">', html)
    check(m, "%s: no lang and dir" % email)
    lang, d = m.group(1), m.group(2)
    check(h.get("content-language") == lang, "%s: Content-Language %s, page %s" % (email, h.get("content-language"), lang))
    check(d == ("rtl" if lang == "ar" else "ltr"), "%s: dir %s for %s" % (email, d, lang))
    check(button[lang] in html, "%s: the %s button text" % (email, lang))
    check(day[lang] in html, "%s: the closing day in %s, Tokyo time: %s" % (email, lang, re.findall(r"<strong>[^<]*</strong>", html)))
    check('id="' not in html or not re.search(r'id="[^"]*\.', html), "%s: an id with a dot" % email)
    return lang, html

# By the roster, whatever the browser says.
for email, want in [("gwen@example.org", "cy"), ("layla@example.org", "ar"),
                    ("lucia@example.org", "es"), ("zofia@example.org", "pl"),
                    ("ed@example.org", "en")]:
    lang, html = form(email, {"Accept-Language": "es;q=1"} if want != "es" else None)
    check(lang == want, "%s: roster says %s, page is %s" % (email, want, lang))
# No language in the roster: Accept-Language by weight, then the setting.
for header, want in [("pl;q=0.5, ar;q=0.9, en;q=0.1", "ar"),
                     ("fr-CA, fr;q=0.9, es-MX;q=0.8", "es"),
                     ("cy-GB", "cy"), ("de, fr", "en"), ("*;q=0.5, en;q=0", "cy"),
                     ("ar;q=0, pl;q=0.001", "pl"), ("en;q=2, pl", "pl"),
                     ("", "en")]:
    lang, html = form("nia@example.org", {"Accept-Language": header} if header else None)
    check(lang == want, "Accept-Language %r: %s, expected %s" % (header, lang, want))
# The switch: links to every language, and ?lang= overrides the roster.
lang, html = form("gwen@example.org")
for l in ("en", "es", "pl", "ar"):
    check('href="?lang=%s"' % l in html, "no switch link to %s" % l)
check('aria-current="true">Cymraeg' in html, "the current language not marked")
lang, html = form("gwen@example.org", query="?lang=ar")
check(lang == "ar" and 'action="?lang=ar"' in html, "switch to Arabic: %s" % lang)
lang, html = form("gwen@example.org", query="?lang=xx")
check(lang == "cy", "an unknown ?lang= falls back to the roster: %s" % lang)
# Unknown link: the browser's language.
st, h, html = request(port, "GET", "/r/" + "A" * 43, headers={"Accept-Language": "pl"})
check(st == 404 and '<html lang="pl"' in html and "Ten link jest nieznany" in html, "404 in Polish")

# Many requests at once, each in its own language: none gets another's.
people = [("gwen@example.org", "", "cy"), ("layla@example.org", "", "ar"),
          ("lucia@example.org", "", "es"), ("zofia@example.org", "", "pl"),
          ("ed@example.org", "", "en"), ("nia@example.org", "?lang=ar", "ar"),
          ("nia@example.org", "?lang=pl", "pl"), ("ed@example.org", "?lang=cy", "cy")]
errors = []
def worker(k):
    try:
        for i in range(30):
            email, q, want = people[(k + i) % len(people)]
            st, h, html = request(port, "GET", "/r/" + tok[email] + q)
            if st != 200 or '<html lang="%s"' % want not in html or button[want] not in html \
               or any(button[o] in html for o in button if o != want):
                errors.append("%s%s: wanted %s" % (email, q, want))
    except Exception as e:
        errors.append(repr(e))
threads = [threading.Thread(target=worker, args=(k,)) for k in range(16)]
for t in threads: t.start()
for t in threads: t.join()
check(not errors, "concurrent languages mixed up: %s" % errors[:5])

# Answering in Welsh by the switch: the thank-you page stays in Welsh.
lang, html = form("ed@example.org", query="?lang=cy")
names = sorted(set(re.findall(r'type="radio" name="([^"]+)"', html)))
st, h, html = request(port, "POST", "/r/" + tok["ed@example.org"] + "?lang=cy", {n: "4" for n in names})
check(st == 200 and '<html lang="cy"' in html and "<h1>Diolch</h1>" in html, "thank-you page in Welsh: %d" % st)
st, h, html = request(port, "GET", "/r/" + tok["ed@example.org"])
check(st == 409 and '<html lang="en"' in html, "used link: %d" % st)
print("form languages ok")
PY
stop_server
# Answers in every language pool into one group: the response row holds
# no language, and the one answer counts for Ward 7.
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT count(*) FROM response')" = 1 ] || fail "the Welsh answer was not stored"
echo "i18n form ok"
