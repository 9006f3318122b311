# The demo's outputs are the same bytes as the golden files in
# tests/golden/demo/: its two PDFs (by SHA-256, with their text beside them
# to show what changed), results of every wave in CSV and JSON, and its
# outbox with the per-installation parts (link tokens, Message-IDs) masked.
# A refactor must leave them alone; a change of output regenerates them on
# purpose: CP_REGEN_GOLDEN=1 ctest -R demo_golden.
. "$CP_TEST_LIB"
need pdftotext sha256sum
unset CAREPULSE_NOW
export SOURCE_DATE_EPOCH=1780000000
golden="$CP_SOURCE_DIR/tests/golden/demo"
got="$T/got"
mkdir -p "$got"

expect_exit 0 demo "$T/d"
export CAREPULSE_DB="$T/d/carepulse.db"
# The demo's own printout names temporary paths and a port: mask them.
sed -e "s|$T/d|DEMO|g" -e 's|http://127.0.0.1:[0-9]*|http://127.0.0.1:PORT|' \
	"$T/out" >"$got/demo.txt"
for pdf in "$T"/d/*.pdf; do
	name=$(basename "$pdf" .pdf)
	sha256sum <"$pdf" | cut -d' ' -f1 >"$got/$name.sha256"
	pdftotext -layout "$pdf" "$got/$name.txt" 2>/dev/null
done
for w in 1 2 3 4 5; do
	expect_exit 0 results "$w" --items --format csv
	cp "$T/out" "$got/results-$w.csv"
done
expect_exit 0 results 5 --format json
cp "$T/out" "$got/results-5.json"
expect_exit 0 results --trend --team "Patient Records" --format csv
cp "$T/out" "$got/trend-patient-records.csv"
expect_exit 0 results --matrix --format csv
cp "$T/out" "$got/matrix.csv"
# Each message's header as sent, then each part's header and its text
# decoded (quoted-printable or base64, whichever the part is in).
# Tokens, Message-IDs and boundaries come from the random installation key.
for m in "$T"/d/outbox/*.eml; do
	/usr/bin/python3 -c '
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
head, body = raw.split(b"\r\n\r\n", 1)
out = [head.decode("ascii")]
msg = email.message_from_bytes(raw, policy=email.policy.default)
for part in msg.iter_parts():
    out.append("--" + msg.get_boundary())
    out += ["%s: %s" % (k, v) for k, v in part.items()]
    out += ["", part.get_content()]
sys.stdout.write("\n".join(out).replace("\r\n", "\n") + "\n")
' "$m" | sed -E -e 's|/r/[A-Za-z0-9_-]{22}|/r/TOKEN|g' \
		-e 's/[0-9a-f]{32}/HEX/g' -e 's/=_cp_[0-9a-f]{16}/=_cp_HEX/g'
done >"$got/outbox.txt"

if [ -n "${CP_REGEN_GOLDEN:-}" ]; then
	rm -rf "$golden"
	mkdir -p "$golden"
	cp "$got"/* "$golden/"
	echo "regenerated $golden"
	exit 0
fi
diff -ru "$golden" "$got" >"$T/diff" || {
	head -n 80 "$T/diff" >&2
	fail "the demo's output differs from tests/golden/demo (CP_REGEN_GOLDEN=1 regenerates it on purpose)"
}

# Several waves in one call (the next wave loaded while one is printed,
# cp_results_series): the same rows as each wave's own call, in order,
# under one header; a wave that cannot be loaded stops the output after
# the waves before it, with its error.
rows() {
	head -n 1 "$golden/results-1.csv"
	for w in "$@"; do tail -n +2 "$golden/results-$w.csv"; done
}
expect_exit 0 results --all-waves --items --format csv
rows 1 2 3 4 5 >"$T/want"
cmp -s "$T/want" "$T/out" || fail "results --all-waves differs from each wave's results"
expect_exit 0 results 2 4 5 --items --format csv
rows 2 4 5 >"$T/want"
cmp -s "$T/want" "$T/out" || fail "results 2 4 5 differs from each wave's results"
expect_exit 65 results 1 2 99 3 --items --format csv
expect_in err "no wave 99"
rows 1 2 >"$T/want"
cmp -s "$T/want" "$T/out" || fail "results 1 2 99 3 did not print waves 1 and 2 before its error"
# A write that fails part way (1.5 MB of JSON to a full disk; the rows
# are written by a thread of their own, out_stream_async): its error
# and exit 74, as when the rows were written as they were formatted.
if [ -w /dev/full ]; then
	rc=0
	"$CAREPULSE" results --all-waves --items --format json >/dev/full \
		2>"$T/err" || rc=$?
	[ "$rc" = 74 ] || fail "results to a full disk exited $rc, expected 74"
	expect_in err "cannot write the output"
fi
