# A database that cannot be written (its file and folder read-only, or a
# read-only file system): the commands that only read (wave list, results,
# team list, report ...) work, opened read-only; a command that changes it
# says "the database is read-only" and why (exit 74), never "not a
# carepulse database". Root ignores file modes, so as root the first part
# runs as nobody; the second needs a private mount namespace (unshare).
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
need sqlite3

mkdir -p "$T/db" "$T/pub"
export CAREPULSE_DB="$T/db/carepulse.db"
expect_exit 0 init
make_roster 12 "$T/roster.csv"
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 wave create --survey compassionate-pulse --team "Team 00" --channel outbox
expect_exit 0 wave close 1
before=$(db_dump)
chmod 755 "$T"
chmod 777 "$T/pub"

as_reader=""
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || { echo "SKIP: root without setpriv"; exit 77; }
	chown -R nobody "$T/db"
	as_reader="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups"
fi
chmod a-w "$T/db" "$T/db"/*

# reader CMD...: runs carepulse as a user who cannot write the database.
reader() {
	rc=0
	$as_reader "$CAREPULSE" "$@" >"$T/pub/stdout" 2>"$T/pub/stderr" || rc=$?
	cp "$T/pub/stdout" "$T/out.txt"
	cp "$T/pub/stderr" "$T/err.txt"
}
check_reads() {
	for cmd in "wave list" "wave show 1" "results 1" "team list" "member list" "survey list" "config list"; do
		reader $cmd
		[ "$rc" = 0 ] || { cat "$T/err.txt" >&2; fail "$1: '$cmd' exited $rc"; }
	done
	reader wave list
	grep -q compassionate-pulse "$T/out.txt" || fail "$1: wave list does not list the wave"
	reader report team --team "Team 00" --wave 1 -o "$T/pub/team.pdf"
	[ "$rc" = 0 ] || { cat "$T/err.txt" >&2; fail "$1: report team exited $rc"; }
	reader team import "$T/roster.csv"
	[ "$rc" = 74 ] || { cat "$T/err.txt" >&2; fail "$1: team import exited $rc, expected 74"; }
	grep -q "the database is read-only ($2)" "$T/err.txt" || { cat "$T/err.txt" >&2; fail "$1: no clear message"; }
	if grep -q "not a carepulse database" "$T/err.txt"; then fail "$1: 'not a carepulse database'"; fi
}
check_reads "read-only folder" "the file is not writable"
# No -wal or -shm file was left behind, and nothing changed.
[ -z "$(ls "$T/db" | grep -e '-wal$' -e '-shm$')" ] || fail "files created in a read-only folder"
chmod u+w "$T/db" "$T/db"/*
[ "$(db_dump)" = "$before" ] || fail "the database changed"
[ "$(id -u)" = 0 ] && chown -R root "$T/db"

# A read-only file system (a read-only bind mount in a private namespace).
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	cat >"$T/ro.sh" <<EOS
mount --bind "$T/db" "$T/db" && mount -o remount,ro,bind "$T/db" || exit 77
T="$T" CAREPULSE="$CAREPULSE" CAREPULSE_DB="$CAREPULSE_DB" as_reader=""
$(declare -f reader check_reads fail)
check_reads "read-only file system" "it is on a read-only file system"
EOS
	src=0
	unshare -m bash "$T/ro.sh" || src=$?
	[ "$src" = 77 ] && echo "read-only file system: cannot mount here, skipped"
	[ "$src" = 0 ] || [ "$src" = 77 ] || fail "read-only file system"
else
	echo "read-only file system: needs root and unshare, skipped"
fi
echo "read-only ok"
