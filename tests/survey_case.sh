# One invalid survey definition: CASE/input.json must be refused with exit
# 65 and a message containing CASE/expected.txt (file:line:column or field).
set -u
dir=$1
: "${CAREPULSE:?}"
cd "$dir" || exit 1
expected=$(cat expected.txt)
rc=0
err=$("$CAREPULSE" survey validate input.json 2>&1 >/dev/null) || rc=$?
if [ "$rc" != 65 ]; then
	echo "FAIL: exit $rc, expected 65; stderr: $err" >&2
	exit 1
fi
case "$err" in
*"$expected"*) echo "ok: $err" ;;
*)
	echo "FAIL: expected message containing: $expected" >&2
	echo "got: $err" >&2
	exit 1
	;;
esac
