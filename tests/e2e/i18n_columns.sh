# Aligned text tables line up on a terminal in every script: columns are
# padded to display width (libc's wcwidth: Chinese and Japanese two
# columns, an Arabic vowel sign none), never to bytes or code points.
# tests/e2e/columns.py counts the columns on its own (Unicode's East Asian
# Width) and checks that each value starts, or each count ends, where its
# column does: wave show (its labels and a Slack wave's team posts, with
# Arabic, Chinese/Japanese and accented team names) and purge's table.
. "$CP_TEST_LIB"
need python3
need_locales
export CAREPULSE_NOW=1795000000
cols() { python3 "$CP_SOURCE_DIR/tests/e2e/columns.py" "$@" || fail "columns"; }

# Team names: Chinese/Japanese (wide), Arabic with a fatha (a combining
# mark), Latin with precomposed and combining accents.
cat >"$T/roster.csv" <<'CSV'
email,name,team,parent_team,role,language
a@example.org,A,護理部 東棟,,member,
b@example.org,B,فَريق التمريض,,member,ar
c@example.org,C,Ward 7,,member,
d@example.org,D,Café Zoë,,member,
e@example.org,E,Nöel,,member,
CSV
printf '# team = webhook\nWard 7 = http://127.0.0.1:9/hook\n' >"$T/hooks.conf"
chmod 600 "$T/hooks.conf"
expect_exit 0 init
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 config set chat.webhooks_file "$T/hooks.conf"
expect_exit 0 config set chat.invitations outbox
expect_exit 0 config set outbox.dir "$T/outbox"
expect_exit 0 config set mail.from 'Pulse <pulse@example.org>'
expect_exit 0 wave create --survey compassionate-pulse --channel slack \
	--team '護理部 東棟' --team 'فَريق التمريض' --team 'Ward 7' \
	--team 'Café Zoë' --team 'Nöel'

posts() {
	cols "$T/out" "Café Zoë|$1" "Ward 7|$1" "فَريق التمريض|$1" \
		"護理部 東棟|$1" "Nöel|$1"
}
# English: the labels' column and the team posts' column.
expect_exit 0 wave show 1
expect_in out "  status       open"
cols "$T/out" 'status|open' 'channel|slack' 'teams|護理部 東棟' \
	'invitations|5' 'pending|5' 'failed|0' 'answered|0 of 5'
posts "not announced yet"
# Arabic: labels of different widths (one with a combining damma) line
# up, and so do the team names.
LC_ALL=ar_EG.UTF-8 expect_exit 0 wave show 1
cols "$T/out" 'الحالة|open' 'تُفتح|2026-' 'القناة|slack' \
	'التالية|لا شيء' 'الفرق|護理部 東棟' 'الدعوات|5' 'معلّقة|5' \
	'قيد الإرسال|0' 'أخفقت|0' 'أجاب|0 من 5'
posts "لم تُعلن بعد"
# Welsh and Polish: the same layout.
LC_ALL=cy_GB.UTF-8 expect_exit 0 wave show 1
cols "$T/out" 'statws|open' 'timau|護理部 東棟' 'yn aros|5' 'atebwyd|0 o 5'
LC_ALL=pl_PL.UTF-8 expect_exit 0 wave show 1
cols "$T/out" 'stan|open' 'zespoły|護理部 東棟' 'oczekujące|5' \
	'odpowiedzi|0 z 5'

# purge --dry-run: the headings in Arabic and Polish over their columns.
expect_exit 0 wave close 1
export CAREPULSE_NOW=1805000000
for lang in ar_EG pl_PL C; do
	LC_ALL=$lang.UTF-8 expect_exit 0 purge --dry-run --months 1
	head=$(grep -n '2026-11-18' "$T/out" | head -1 | cut -d: -f1)
	[ -n "$head" ] || fail "no wave in purge's table"
	case $lang in
	ar_EG) h='الجولة|أُغلقت|الإجابات|التعليقات|الدعوات' ;;
	pl_PL) h='tura|zamknięta|odpowiedzi|komentarze|zaproszenia' ;;
	C) h='wave|closed|responses|comments|invitations' ;;
	esac
	IFS='|' read -r hw hc hr hm hi <<<"$h"
	cols "$T/out" "$hw|$hc" "1|2026-11-18"
	cols --ends "$T/out" $((head - 1)) "$head" "$hr|3" "$hm|2" "$hi|1"
done
