# carepulse team import: an RFC 4180 roster with UTF-8, quotes, embedded
# newlines, CRLF and a BOM imports exactly; a bad row changes nothing.
. "$CP_TEST_LIB"
need sqlite3 /usr/bin/python3
expect_exit 0 init

roster="$CP_SOURCE_DIR/tests/data/roster-utf8.csv"
expect_exit 0 team import "$roster"
expect_in out "members: 5 added"

# Exactly what the file says, byte for byte, checked by an independent
# CSV reader (Python's csv module) against the JSON export.
expect_exit 0 member list --format json
/usr/bin/python3 - "$roster" "$T/out" <<'PY' || fail "members differ from the roster"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
got = {m["email"]: m for m in json.load(open(sys.argv[2], encoding="utf-8"))}
assert len(got) == len(rows), (len(got), len(rows))
for r in rows:
    m = got[r["email"]]
    assert m["name"] == r["name"], (m["name"], r["name"])
    assert m["team"] == r["team"], (m["team"], r["team"])
    assert m["role"] == (r["role"] or "member"), m
    assert m["active"] is True
PY
expect_exit 0 team list --format csv
expect_in out '"Ward 4, North",Nursing,3'
expect_in out 'Nursing,,0'
expect_exit 0 member list
expect_in out "Ξένια Παπαδοπούλου"
expect_exit 0 member list --team Pharmacy --format csv
expect_in out "lee@example.org,Lee,Pharmacy,leader,yes"

# Re-import is an upsert: nothing changes.
expect_exit 0 team import "$roster"
expect_in out "0 added, 0 changed, 0 reactivated, 0 deactivated, 5 unchanged"

# One bad row: exit 65, the row named, the database unchanged.
before=$(db_dump)
sed 's/bob@example.org/bob@/' "$roster" >bad.csv
expect_exit 65 team import bad.csv
expect_in err "bad.csv:4: email 'bob@' is not a valid address"
expect_in err "nothing was imported"
[ "$(db_dump)" = "$before" ] || fail "a bad roster changed the database"
# Addresses are dot-atoms before the '@' (RFC 5321/5322).
printf 'email,name,team\n.lead@example.org,Lead,Ops\na..b@example.org,Ab,Ops\ntrail.@example.org,Trail,Ops\n' >dots.csv
expect_exit 65 team import dots.csv
expect_in err "dots.csv:2: email '.lead@example.org' is not a valid address"
expect_in err "dots.csv:3: email 'a..b@example.org' is not a valid address"
expect_in err "dots.csv:4: email 'trail.@example.org' is not a valid address"
[ "$(db_dump)" = "$before" ] || fail "a roster with bad addresses changed the database"

# Every bad row is listed, not just the first.
printf 'email,name,team,role\nok@example.org,Ok,T,member\n@x.org,A,T,member\nc@example.org,,T,member\nd@example.org,D,T,boss\nok@example.org,Again,U,member\n' >many.csv
expect_exit 65 team import many.csv
expect_in err "many.csv:3:"
expect_in err "many.csv:4:"
expect_in err "many.csv:5: role 'boss' must be leader or member"
expect_in err "many.csv:6:"
[ "$(db_dump)" = "$before" ] || fail "a bad roster changed the database"

# Header problems.
printf 'email,name,teem\na@example.org,A,T\n' >hdr.csv
expect_exit 65 team import hdr.csv
expect_in err "hdr.csv:1:"
expect_in err "teem"

# A member left out is deactivated, never deleted; --dry-run writes nothing.
grep -v '^lee@' "$roster" >smaller.csv
expect_exit 0 team import --dry-run smaller.csv
expect_in out "deactivate Lee <lee@example.org>"
expect_in out "dry run: nothing was written"
[ "$(db_dump)" = "$before" ] || fail "--dry-run changed the database"
expect_exit 0 team import smaller.csv
expect_in out "1 deactivated"
expect_exit 0 member list --all --format csv
expect_in out "lee@example.org,Lee,Pharmacy,leader,no"
expect_exit 0 member list --format csv
expect_not_in out "lee@example.org"
expect_exit 0 team import "$roster"
expect_in out "1 reactivated"

# Missing and unreadable files are I/O errors.
expect_exit 74 team import nope.csv
expect_in err "nope.csv"
echo "roster ok"
