# Every shipped translation is complete and well formed: msgfmt --check
# (format strings, plural forms, headers) with --statistics reporting no
# untranslated or fuzzy message, and msgcmp finding every message of a
# fresh extraction (the build's carepulse.pot, made by xgettext) in it.
# Skips (77) outside CI when gettext's tools are missing.
set -u
cd "${CP_SOURCE_DIR:?}" || exit 1
pot="${CP_BINARY_DIR:?}/carepulse.pot"
for tool in msgfmt msgcmp; do
	if ! command -v "$tool" >/dev/null; then
		[ -n "${CI:-}" ] && { echo "FAIL: $tool missing in CI"; exit 1; }
		echo "SKIP: $tool not installed (apt-get install gettext)"; exit 77
	fi
done
[ -f "$pot" ] || { echo "FAIL: $pot was not built (target pot)"; exit 1; }
T_ERR=$(mktemp)
trap 'rm -f "$T_ERR"' EXIT
bad=0
n=0
for po in po/*.po; do
	n=$((n + 1))
	stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1) || {
		echo "FAIL: $po: $stats"; bad=1; continue; }
	echo "$po: $stats"
	case "$stats" in
	*untranslated* | *fuzzy*) echo "FAIL: $po is not complete"; bad=1 ;;
	esac
	if ! msgcmp --use-untranslated "$po" "$pot" 2>"$T_ERR"; then
		echo "FAIL: $po lacks messages of the sources:"; cat "$T_ERR"; bad=1
	fi
	grep -q '^"Plural-Forms: nplurals=' "$po" || { echo "FAIL: $po: no Plural-Forms"; bad=1; }
	grep -qi 'review' "$po" || { echo "FAIL: $po: no note asking for a review"; bad=1; }
done
[ "$n" -ge 4 ] || { echo "FAIL: expected the cy, es, pl and ar catalogues, found $n"; bad=1; }
exit $bad
