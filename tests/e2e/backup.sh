# backup while answers arrive: `serve` takes submissions over HTTP (curl,
# in a loop, in the background) while `backup` copies the database. The
# copy opens, passes integrity_check, and holds every response that was
# acknowledged (HTTP 200) before the backup started; its key is beside it
# (mode 0600). restore checks the key, refuses to overwrite, and gives a
# database whose links work with that key.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
. "$CP_SOURCE_DIR/tests/lifecycle_lib.sh"
need sqlite3 curl /usr/bin/python3
export CAREPULSE_NOW=1795000000

setup_org 240
expect_exit 0 wave create --survey compassionate-pulse --team Org --subteams --channel outbox
expect_exit 0 send 1
links 1
form_body "answered during a backup"
n=$(wc -l <"$T/links-1")
[ "$n" -gt 200 ] || fail "only $n links"
start_server

# Answers arrive one after another; each acknowledged one is logged.
: >"$T/acked"
(
	for tok in $(cat "$T/links-1"); do
		st=$(curl -s -o /dev/null -w '%{http_code}' --data-binary "@$T/body" \
			-H 'Content-Type: application/x-www-form-urlencoded' \
			"http://127.0.0.1:$PORT/r/$tok")
		[ "$st" = 200 ] && echo "$tok" >>"$T/acked"
	done
) &
LOOP=$!
for _ in $(seq 1 200); do
	[ "$(wc -l <"$T/acked")" -ge 20 ] && break
	sleep 0.05
done
cp "$T/acked" "$T/acked-before"
expect_exit 0 backup "$T/backup.db"
expect_in out "its key to $T/backup.db.key"
wait "$LOOP"
stop_server
before=$(wc -l <"$T/acked-before")
[ "$before" -ge 20 ] || fail "only $before answers before the backup"
[ "$(wc -l <"$T/acked")" = "$n" ] || fail "not every answer was acknowledged"

[ "$(stat -c %a "$T/backup.db.key")" = 600 ] || fail "the key's mode is not 0600"
cmp -s "$T/backup.db.key" "$CAREPULSE_DB.key" || fail "the backup's key is not the installation key"
[ "$(sqlite3 "$T/backup.db" 'PRAGMA integrity_check')" = ok ] || fail "the backup fails integrity_check"
/usr/bin/python3 - "$T/backup.db" "$T/acked-before" <<'PY' || fail "the backup lacks acknowledged answers"
import hashlib, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
toks = [l.strip() for l in open(sys.argv[2]) if l.strip()]
missing = 0
for t in toks:
    h = hashlib.sha256(t.encode()).digest()
    row = con.execute("SELECT answered FROM invitation WHERE token_hash = ?", (h,)).fetchone()
    if row is None or row[0] != 1:
        missing += 1
responses = con.execute("SELECT count(*) FROM response").fetchone()[0]
answered = con.execute("SELECT count(*) FROM invitation WHERE answered").fetchone()[0]
if missing or responses < len(toks) or responses != answered:
    print("missing %d of %d; %d responses, %d answered" % (missing, len(toks), responses, answered))
    sys.exit(1)
PY
# A second backup to the same name is refused; nothing is overwritten.
expect_exit 65 backup "$T/backup.db"
expect_in err "exists already"

# restore: into a new place; never over a database without --force.
expect_exit 0 --db "$T/restored.db" restore "$T/backup.db"
expect_in out "the key matches its invitations"
[ "$(stat -c %a "$T/restored.db.key")" = 600 ] || fail "the restored key's mode"
expect_exit 0 --db "$T/restored.db" results 1 --format csv
expect_exit 65 --db "$T/restored.db" restore "$T/backup.db"
expect_in err "a database is here already"
expect_exit 0 --db "$T/restored.db" restore "$T/backup.db" --force
# A key that is not the database's is refused, and nothing is written.
mkdir "$T/other" && (cd "$T/other" && "$CAREPULSE" --db "$T/other/o.db" init >/dev/null) ||
	fail "init of another installation"
expect_exit 65 --db "$T/wrong.db" restore "$T/backup.db" --key "$T/other/o.db.key"
expect_in err "the key does not belong to this database"
[ ! -e "$T/wrong.db" ] || fail "a refused restore left a database"
expect_exit 65 --db "$T/wrong.db" restore "$T/roster.csv" --key "$T/backup.db.key"
[ ! -e "$T/wrong.db" ] || fail "a refused restore left a database"
echo "backup ok"
