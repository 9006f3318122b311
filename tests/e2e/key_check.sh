# The installation key and its database belong together: the database
# records a check value of its key, so a key from elsewhere is refused by
# every command that makes or sends links; a lost key is never replaced
# by `init` while invitations depend on it (their links would all be
# unknown), unless --new-key says so and warns what breaks.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/peers/peers.sh"
need sqlite3

expect_exit 0 init
make_roster 12 "$T/roster.csv"
expect_exit 0 team import "$T/roster.csv"
expect_exit 0 config set outbox.dir "$T/outbox"
expect_exit 0 config set mail.from 'Team Pulse <pulse@example.org>'
expect_exit 0 wave create --survey compassionate-pulse --team "Team 00" --channel outbox
expect_exit 0 send 1
[ "$(sqlite3 carepulse.db 'SELECT count(*) FROM key_check')" = 1 ] || fail "no key check value recorded"
cp carepulse.db.key good.key

# Another installation's key in its place: refused, nothing sent.
expect_exit 0 init --db other.db
cp other.db.key carepulse.db.key
before=$(db_dump)
for cmd in "send 1" "remind 1" "tick" "wave create --survey compassionate-pulse --team Team\ 01 --channel outbox"; do
	eval "run $cmd"
	[ "$rc" = 65 ] || { cat "$T/err" >&2; fail "$cmd with another key exited $rc, expected 65"; }
	expect_in err "does not belong to the database"
done
[ "$(db_dump)" = "$before" ] || fail "a command with the wrong key changed the database"
expect_exit 65 init
expect_in err "does not belong to the database"
cp good.key carepulse.db.key

# The key lost: send says to restore it, init does not replace it.
rm carepulse.db.key
expect_exit 65 remind 1
expect_in err "restore the key file from a backup"
expect_not_in err "run 'carepulse init'"
expect_exit 65 init
expect_in err "restore the key file from a backup"
expect_in err "--new-key"
[ ! -e carepulse.db.key ] || fail "init made a new key for a database with invitations"
[ "$(db_dump)" = "$before" ] || fail "a refused init changed the database"
# Told explicitly: a new key, with a warning that says what breaks.
expect_exit 0 init --new-key
expect_in err "no longer work"
[ -f carepulse.db.key ] || fail "init --new-key made no key"
expect_exit 0 remind 1
# --new-key never replaces a key file that is there.
expect_exit 65 init --new-key
expect_in err "already there"

# A database without invitations gets a key without fuss.
rm other.db.key
expect_exit 0 init --db other.db
expect_in out "created, mode 0600"

# A database from before the check value was kept: the first command
# that uses the key records it.
sqlite3 carepulse.db 'DELETE FROM key_check'
expect_exit 0 remind 1
[ "$(sqlite3 carepulse.db 'SELECT count(*) FROM key_check')" = 1 ] || fail "check value not recorded on first use"
echo "key check ok"
