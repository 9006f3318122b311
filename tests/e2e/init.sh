# carepulse init: database, key (0600), built-in surveys; safe to repeat;
# a database from a newer carepulse is refused.
. "$CP_TEST_LIB"
need sqlite3

expect_exit 0 init
expect_in out "created, mode 0600"
[ -f carepulse.db ] || fail "no database"
[ "$(stat -c %a carepulse.db.key)" = 600 ] || fail "key mode is not 600"
[ "$(stat -c %s carepulse.db.key)" = 32 ] || fail "key is not 32 bytes"
[ "$(sqlite3 carepulse.db 'PRAGMA journal_mode')" = wal ] || fail "not WAL"
want=$(sed -n "s/^#define CP_SCHEMA_VERSION //p" "$CP_SOURCE_DIR/core/store/store.h")
[ "$(sqlite3 carepulse.db 'PRAGMA user_version')" = "$want" ] || fail "schema version"
n=$(sqlite3 carepulse.db 'SELECT count(*) FROM survey')
[ "$n" -ge 5 ] || fail "built-in surveys missing ($n)"

# Twice destroys nothing: same key bytes, same data.
sum=$(sha256sum <carepulse.db.key)
expect_exit 0 team import "$CP_SOURCE_DIR/tests/data/roster-utf8.csv"
before=$(db_dump)
expect_exit 0 init
expect_in out "already there, kept"
[ "$(sha256sum <carepulse.db.key)" = "$sum" ] || fail "init replaced the key"
[ "$(db_dump)" = "$before" ] || fail "second init changed the database"

# A key elsewhere, remembered in the database.
run init --db other.db --key "$T/keydir-missing/x.key"
[ "$rc" = 74 ] || fail "init with a key in a missing folder should exit 74, got $rc"
[ ! -e other.db ] || fail "a failed init left a database behind"
mkdir keys
expect_exit 0 init --db other.db --key "$T/keys/other.key"
[ -f keys/other.key ] || fail "key not at --key path"
expect_exit 0 config get key_file --db other.db
expect_in out "keys/other.key"
# The key a database uses is never swapped silently.
expect_exit 65 init --db other.db --key "$T/keys/another.key"
expect_in err "already uses the key"
expect_exit 0 init --db other.db
expect_in out "keys/other.key (already there, kept)"

# A database from a newer carepulse is refused, and left alone.
sqlite3 carepulse.db 'PRAGMA user_version = 99'
expect_exit 65 team list
expect_in err "newer than this carepulse understands"
[ "$(sqlite3 carepulse.db 'PRAGMA user_version')" = 99 ] || fail "version touched"

# A file that is not a database.
echo "hello" >junk.db
expect_exit 65 team list --db junk.db
expect_in err "not a carepulse database"
echo "init ok"
