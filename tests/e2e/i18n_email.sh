# E-mails in each person's language, to a real SMTP server (aiosmtpd) on
# loopback: the language from the roster, else the setting "language";
# every message parses under Python's strict email policy, its Subject is
# RFC 2047 encoded words when not ASCII, Content-Language names the
# language, the HTML part carries <html lang dir>, and the closing time is
# shown in the installation's time zone. Reminders follow the same rules.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
need_locales
export CAREPULSE_NOW=1795000000
start_smtp "$T/sink" --lifetime 120

expect_exit 0 init
expect_exit 0 team import "$CP_SOURCE_DIR/tests/data/roster-languages.csv"
expect_exit 0 config set smtp.url "smtp://127.0.0.1:$SMTP_PORT"
expect_exit 0 config set smtp.tls none
expect_exit 0 config set mail.from 'Pulse <pulse@example.org>'
expect_exit 0 config set timezone America/New_York
expect_exit 0 config set language pl
# 12:00 typed is New York's (EST), 17:00 UTC.
# Ed leads the team: his is the self-assessment, in English.
expect_exit 0 wave create --survey compassionate-pulse --team "Ward 7" --self --closes 2027-01-05T12:00
expect_in out "until 2027-01-05 12:00 EST"
# The command line speaks the operator's language (the locale), with the
# language's plural forms; the numbers are the same.
LC_ALL=cy_GB.UTF-8 expect_exit 0 send --dry-run 1
expect_in out "rhediad prawf: byddai ton 1 yn cael 6 gwahoddiad; ni anfonwyd na newidiwyd dim"
LC_ALL=pl_PL.UTF-8 expect_exit 0 send --dry-run 1
expect_in out "próba: tura 1 otrzymałaby 6 zaproszeń"
LC_ALL=ar_EG.UTF-8 expect_exit 0 send --dry-run 1
expect_in out "تجربة: ستتلقى الجولة 1 6 دعوات"
expect_exit 0 send 1
expect_in out "6 invitations sent by email, 0 failed"

check_mail() {
	"$PY" - "$T/sink" "$1" <<'PY'
import email, email.policy, glob, re, sys
sink, kind = sys.argv[1], sys.argv[2]
want = {"gwen@example.org": "cy", "layla@example.org": "ar",
        "lucia@example.org": "es", "zofia@example.org": "pl",
        "ed@example.org": "en", "nia@example.org": "pl"}  # nia: the setting
subject = {"invitation": {"en": "your own view, next to your team's",
                          "cy": "sut rydyn ni'n gwneud? (tua 2 munud)",
                          "es": "¿cómo estamos? (unos 2 minutos)",
                          "pl": "jak nam idzie? (około 2 minut)",
                          "ar": "كيف حالنا؟ (نحو 2 دقيقة)"},
           "reminder": {"en": "Reminder:", "cy": "Nodyn atgoffa:", "es": "Recordatorio:",
                        "pl": "Przypomnienie:", "ar": "تذكير:"}}[kind]
closes = {"en": "Tuesday 5 January 2027, 12:00 EST", "cy": "Ionawr 2027, 12:00 EST",
          "es": "enero 2027, 12:00 EST", "pl": "stycznia 2027, 12:00 EST",
          "ar": "يناير 2027, 12:00 EST"}
seen = {}
for path in sorted(glob.glob(sink + "/*.eml")):
    raw = open(path, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.strict)
    to = msg["To"].addresses[0].addr_spec
    subj = str(msg["Subject"])
    is_reminder = any(s in subj for s in ("Reminder:", "Nodyn atgoffa:", "Recordatorio:", "Przypomnienie:", "تذكير:"))
    if is_reminder != (kind == "reminder"):
        continue
    lang = want[to]
    seen[to] = True
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(b < 128 for b in head), "%s: a raw header is not ASCII" % to
    raw_subject = re.search(rb"^Subject: (.*(?:\r\n[ \t].*)*)", head, re.M).group(1).decode()
    if any(ord(c) > 127 for c in subj):
        assert "=?UTF-8?B?" in raw_subject, "%s: subject not RFC 2047: %r" % (to, raw_subject)
    assert subject[lang] in subj, "%s: subject %r not in %s" % (to, subj, lang)
    assert msg["Content-Language"] == lang, "%s: Content-Language %r, expected %s" % (to, msg["Content-Language"], lang)
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert '<html lang="%s" dir="%s">' % (lang, "rtl" if lang == "ar" else "ltr") in html, "%s: html lang/dir" % to
    # The invitation says it in its text, the reminder in its subject.
    assert closes[lang] in (text if kind == "invitation" else subj), \
        "%s: closing time %r not in the %s %s" % (to, closes[lang], lang, kind)
    assert msg.defects == [] and all(not p.defects for p in msg.walk()), "%s: defects" % to
missing = set(want) - set(seen) - ({"ed@example.org"} if kind == "reminder" else set())
assert not missing, "no %s for %s" % (kind, sorted(missing))
print("%s mail in %d languages ok" % (kind, len(set(want.values()))))
PY
}
check_mail invitation || fail "the invitations are wrong"

# Reminders, after the interval, in the same languages.
export CAREPULSE_NOW=$((1795000000 + 4 * 86400))
expect_exit 0 remind 1
expect_in out "reminders sent"
check_mail reminder || fail "the reminders are wrong"
echo "i18n email ok"
