# The command line speaks the operator's language as Debian's C tools do
# (gettext: LANGUAGE first, then LC_ALL, LC_MESSAGES, LANG): wave create,
# wave close, tick and their errors in Welsh, Spanish and Arabic, times on
# the installation's clocks; machine output (--format csv) is the same in
# every language.
. "$CP_TEST_LIB"
need_locales
export CAREPULSE_NOW=1795000000 # 2026-11-17 (GMT in London)

expect_exit 0 init
expect_exit 0 team import "$CP_SOURCE_DIR/tests/data/roster-languages.csv"
expect_exit 0 config set timezone Europe/London
expect_exit 0 config set mail.from 'Pulse <pulse@example.org>'
expect_exit 0 config set smtp.url smtp://127.0.0.1:9

# LANGUAGE wins over LC_ALL, as in gettext.
LC_ALL=pl_PL.UTF-8 LANGUAGE=cy expect_exit 0 wave create \
	--survey compassionate-pulse --team "Ward 7" --closes "2026-12-10 17:00"
expect_in out "crëwyd ton 1: arolwg compassionate-pulse, 5 gwahoddiad drwy email, open"
expect_in out " tan 2026-12-10 17:00 GMT"
# A bad time, in Spanish, naming the zone.
LC_ALL=es_ES.UTF-8 expect_exit 64 wave create --survey compassionate-pulse \
	--team "Ward 7" --closes "el jueves"
expect_in err "'el jueves' no es una hora"
expect_in err "(en la zona horaria de la instalación, Europe/London)"
# A time the clocks skip, in Arabic (LC_MESSAGES alone).
LC_ALL= LC_MESSAGES=ar_EG.UTF-8 expect_exit 64 wave create \
	--survey compassionate-pulse --team "Ward 7" --closes "2027-03-28 01:30"
expect_in err "'2027-03-28 01:30' ليس وقتًا في Europe/London"

# Help and the overview too; the man page stays English.
LC_ALL=es_ES.UTF-8 expect_exit 0 help wave create
expect_in out "  -t, --team TEAM              un equipo al que invitar (repetible)"
expect_in out "      --db PATH                base de datos (por omisión"
LC_ALL=ar_EG.UTF-8 expect_exit 0 --help
expect_in out "  wave close         إغلاق جولة الآن"
LC_ALL=cy_GB.UTF-8 expect_exit 0 help --man
expect_in out "a team to invite (repeatable)"

# tick: the same counts in each language.
LC_ALL=cy_GB.UTF-8 expect_exit 0 tick --dry-run
expect_in out "tick (rhediad prawf, ni newidiwyd dim): 0 wedi agor, 0 wedi cau"
LC_ALL=es_ES.UTF-8 expect_exit 0 tick --dry-run
expect_in out "tick (simulación, nada cambió): abiertas 0, cerradas 0"
expect_exit 0 tick --dry-run
expect_in out "tick (dry run, nothing changed): 0 opened, 0 closed"

# Machine output does not change with the language.
expect_exit 0 wave list --format csv
cp "$T/out" "$T/c.csv"
LC_ALL=ar_EG.UTF-8 expect_exit 0 wave list --format csv
cmp -s "$T/out" "$T/c.csv" || fail "wave list --format csv differs in Arabic"
LANGUAGE=cy LC_ALL=cy_GB.UTF-8 expect_exit 0 wave list --format json
cp "$T/out" "$T/cy.json"
expect_exit 0 wave list --format json
cmp -s "$T/out" "$T/cy.json" || fail "wave list --format json differs in Welsh"

# Closing, in Arabic and then again in Welsh.
LC_ALL=ar_EG.UTF-8 expect_exit 0 wave close 1
expect_in out "أُغلقت الجولة 1: لم تعد روابطها تقبل إجابات"
LC_ALL=cy_GB.UTF-8 expect_exit 0 wave close 1
expect_in out "roedd ton 1 eisoes ar gau"
# And in the C locale, English as ever.
expect_exit 0 wave close 1
expect_in out "wave 1 was already closed"

# Errors from below the command line, in the operator's language too.
LC_ALL=es_ES.UTF-8 expect_exit 65 config set timezone Mars/Olympus_Mons
expect_in err "la zona horaria 'Mars/Olympus_Mons' no está en la base de datos de zonas horarias"
LC_ALL=ar_EG.UTF-8 expect_exit 64 config set nope 1
expect_in err "إعداد غير معروف 'nope'"
LC_ALL=cy_GB.UTF-8 expect_exit 64 wave create --team "Ward 7"
expect_in err "carepulse wave create: mae angen --survey ID"
expect_exit 64 wave create --team "Ward 7"
expect_in err "carepulse wave create: --survey ID is required"
# What a command did, in the operator's language; the role stays a name.
LC_ALL=es_ES.UTF-8 expect_exit 0 access grant --team "Ward 7" \
	--until "2027-01-15 09:00" facilitator fay@example.org
expect_in out "se concedió a fay@example.org el rol facilitator del equipo Ward 7 hasta 2027-01-15 09:00 GMT"

# What 'wave show', 'survey show' and 'backup' print, in the operator's
# language (the status and channel stay names, as in CSV).
LC_ALL=cy_GB.UTF-8 expect_exit 0 wave show 1
expect_in out "ton 1"
expect_in out "  caewyd       "
expect_in out "  atebwyd      0 o 5"
# Its labels' column is as wide as the widest label in the language
# ("قيد الإرسال", indented two more, here; e2e/i18n_columns checks the
# alignment in terminal columns).
LC_ALL=ar_EG.UTF-8 expect_exit 0 wave show 1
expect_in out "  الدعوات       5"
expect_in out "  التالية       لا شيء: جولة لمرة واحدة"
expect_exit 0 wave show 1
expect_in out "  answered     0 of 5"
LC_ALL=es_ES.UTF-8 expect_exit 0 survey show compassionate-pulse
expect_in out "tipo team, locale en, 11 ítems, 1 pregunta abierta"
expect_in out "idiomas: en, cy (por revisar)"
LC_ALL=ar_EG.UTF-8 expect_exit 0 backup "$T/copy.db"
expect_in out "نُسخت $CAREPULSE_DB احتياطيًا إلى $T/copy.db"
# Machine output stays as it is.
expect_exit 0 survey show compassionate-pulse --format csv
cp "$T/out" "$T/s.csv"
LC_ALL=cy_GB.UTF-8 expect_exit 0 survey show compassionate-pulse --format csv
cmp -s "$T/out" "$T/s.csv" || fail "survey show --format csv differs in Welsh"

# The anonymity preview's problems and fixes, built in core, in the
# operator's language; its JSON in English whatever the language.
LC_ALL=es_ES.UTF-8 expect_exit 0 wave create --survey compassionate-pulse \
	--team "Ward 7" --dry-run --threshold 8
expect_in out "  Ward 7 (miembros propios): 5 personas, menos de 8: nunca se muestra"
expect_in out "    para corregirlo: añadir 3 miembros más, o ponerlos en un equipo de 8 o más"
LC_ALL=cy_GB.UTF-8 expect_exit 0 wave create --survey compassionate-pulse \
	--team "Ward 7" --dry-run --threshold 8
expect_in out "  sefydliad: 5 person, llai na 8: ni ddangosir byth"
expect_exit 0 wave create --survey compassionate-pulse --team "Ward 7" \
	--dry-run --threshold 8 --format json
cp "$T/out" "$T/p.json"
expect_in out '"problem": "Ward 7 (own members): 5 people, fewer than 8: never shown"'
LC_ALL=ar_EG.UTF-8 expect_exit 0 wave create --survey compassionate-pulse \
	--team "Ward 7" --dry-run --threshold 8 --format json
cmp -s "$T/out" "$T/p.json" || fail "the preview's JSON differs in Arabic"

# An import's problems, each in the operator's language; nothing imported.
expect_exit 0 wave create --survey compassionate-pulse --team "Ward 7"
printf 'team,mystery\nNowhere,3\n' >"$T/bad.csv"
LC_ALL=cy_GB.UTF-8 expect_exit 65 import 2 "$T/bad.csv"
expect_in err "bad.csv:1: nid yw colofn 'mystery' yn eitem nac yn gwestiwn agored yn arolwg 'compassionate-pulse'"
expect_in err "bad.csv:2: nid yw'r tîm 'Nowhere' yn bodoli"
LC_ALL=ar_EG.UTF-8 expect_exit 65 import 2 "$T/bad.csv"
expect_in err "الفريق 'Nowhere' غير موجود"
expect_in err "bad.csv: 2؛ لم يُستورد شيء"
expect_exit 65 import 2 "$T/bad.csv"
expect_in err "bad.csv:2: team 'Nowhere' does not exist"
expect_in err "carepulse: 2 problems in $T/bad.csv: nothing was imported"

# Errors of the database (core/store: "no wave"), of backup and of the
# reports (reports/: an open wave; reports/pdf.c: cannot write), in Spanish.
LC_ALL=es_ES.UTF-8 expect_exit 65 wave show 99
expect_in err "no existe la oleada 99: vea 'carepulse wave list'"
LC_ALL=es_ES.UTF-8 expect_exit 65 backup "$T/copy.db"
expect_in err "$T/copy.db.key: el archivo ya existe: elija un nombre nuevo"
LC_ALL=es_ES.UTF-8 expect_exit 65 report team --wave 2 --team "Ward 7" \
	-o "$T/open.pdf"
expect_in err "la oleada 2 está abierta: las puntuaciones solo se muestran cuando una oleada se cierra"
[ -e "$T/open.pdf" ] && fail "a report of an open wave was written"
LC_ALL=es_ES.UTF-8 expect_exit 74 report team --wave 1 --team "Ward 7" \
	-o "$T/none/r.pdf"
expect_in err "no se puede escribir '$T/none/r.pdf': no existe la carpeta '$T/none'"
# The PDF writer's own (reports/pdf.c): the output is a folder.
mkdir "$T/folder.pdf"
LC_ALL=es_ES.UTF-8 expect_exit 74 report team --wave 1 --team "Ward 7" \
	-o "$T/folder.pdf"
expect_in err "no se puede escribir '$T/folder.pdf': "
expect_exit 74 report team --wave 1 --team "Ward 7" -o "$T/folder.pdf"
expect_in err "cannot write '$T/folder.pdf': "

# The reports' "wrote" lines in the operator's language, whatever the
# report's own (the setting "language", English here).
LC_ALL=es_ES.UTF-8 expect_exit 0 report team --wave 1 --team "Ward 7" \
	-o "$T/r.pdf"
expect_in out "se escribió el informe del equipo en $T/r.pdf"
LC_ALL=cy_GB.UTF-8 expect_exit 0 report team --wave 1 --all -o "$T/all"
expect_in out "ysgrifennwyd 1 adroddiad tîm o don 1 yn $T/all (cudd: 1, wedi methu: 0; 1 gweithiwr)"

# A roster's problems in the operator's language; the column names are the
# file's own words and stay as they are.
printf 'email,name,squad\nann@example.org,Ann,Ward 7\n' >"$T/roster-bad.csv"
LC_ALL=cy_GB.UTF-8 expect_exit 65 team import "$T/roster-bad.csv"
expect_in err "colofn anhysbys 'squad' (disgwylid email, name, team, ac yn ddewisol parent_team, role, language)"
LC_ALL=es_ES.UTF-8 expect_exit 65 team import "$T/roster-bad.csv"
expect_in err "falta la columna 'team'"
expect_exit 65 team import "$T/roster-bad.csv"
expect_in err "unknown column 'squad' (expected email, name, team, and optionally parent_team, role, language)"
# Two problems: the first, and how many more, with its plural in Polish.
printf 'email,name,team\nann@example.org,Ann,Ward 7\nann@example.org,Ann,Ward 4\nbob,Bob,Ward 4\n' >"$T/roster-two.csv"
LC_ALL=pl_PL.UTF-8 expect_exit 65 team import "$T/roster-two.csv"
expect_in err "e-mail 'ann@example.org' jest w dwóch zespołach"

# A malformed CSV, named by field, in the operator's language (Spanish).
printf 'email,name,team\n"ann@example.org"x,Ann,Ward 7\n' >"$T/roster-quote.csv"
LC_ALL=es_ES.UTF-8 expect_exit 65 team import "$T/roster-quote.csv"
expect_in err "roster-quote.csv:2: CSV mal formado: texto tras la comilla de cierre del campo 'email'"

# The installation key's checks in the operator's language, and nothing
# done: readable by others (Polish), the wrong size (Arabic).
cp "$CAREPULSE_DB.key" "$T/good.key"
chmod 644 "$CAREPULSE_DB.key"
LC_ALL=pl_PL.UTF-8 expect_exit 65 tick --dry-run
expect_in err "klucz instalacji mogą czytać inni (tryb 644): wykonaj na nim chmod 600"
expect_exit 65 tick --dry-run
expect_in err "the installation key is readable by others (mode 644): chmod 600 it"
head -c 10 "$T/good.key" >"$CAREPULSE_DB.key"
chmod 600 "$CAREPULSE_DB.key"
LC_ALL=ar_EG.UTF-8 expect_exit 65 tick --dry-run
expect_in err "يجب أن يكون مفتاح التثبيت 32 بايتًا"
cp "$T/good.key" "$CAREPULSE_DB.key"
chmod 600 "$CAREPULSE_DB.key"
expect_exit 0 tick --dry-run

# Single sign-on's checks of its settings, in the operator's language
# before serve listens: no client id (Welsh), no client secret (Spanish).
expect_exit 0 config set oidc.issuer https://idp.example.org
LC_ALL=cy_GB.UTF-8 expect_exit 64 serve --listen 127.0.0.1:0
expect_in err "mewngofnodi sengl: nid yw oidc.client_id wedi'i osod: mae mewngofnodi sengl angen yr id cleient a roddodd y darparwr"
expect_exit 0 config set oidc.client_id carepulse
LANGUAGE=es LC_ALL=es_ES.UTF-8 expect_exit 64 serve --listen 127.0.0.1:0
expect_in err "inicio de sesión único: no hay secreto de cliente de OpenID Connect: configure CAREPULSE_OIDC_CLIENT_SECRET u oidc.client_secret_file"
expect_exit 64 serve --listen 127.0.0.1:0
expect_in err "single sign-on: no OpenID Connect client secret"

# The commands' own errors: a secret asked for (Polish) and a missing key
# whose invitations depend on it, with its plural (Arabic, then English).
LC_ALL=pl_PL.UTF-8 expect_exit 64 config get oidc.client_secret
expect_in err "'oidc.client_secret' to sekret i nigdy nie jest wyświetlany"
mv "$CAREPULSE_DB.key" "$T/kept.key"
LC_ALL=ar_EG.UTF-8 expect_exit 65 init
expect_in err "مفتاح التثبيت مفقود، وفي قاعدة البيانات هذه 10 دعوات صُنعت روابطها به"
expect_exit 65 init
expect_in err "this database has 10 invitations whose links were made with it"
mv "$T/kept.key" "$CAREPULSE_DB.key"
