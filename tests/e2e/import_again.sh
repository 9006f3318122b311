# carepulse import: the same file or the same rows are not counted twice.
# A second import is refused (exit 65) naming the earlier one; --replace
# swaps that import's responses for the new file's in one transaction;
# a closed wave keeps its import.
. "$CP_TEST_LIB"
. "$CP_SOURCE_DIR/tests/serve_lib.sh"
need sqlite3 /usr/bin/python3
export CAREPULSE_NOW=1795000000

setup_db
invite pharmacy.txt "$CAREPULSE_DB" Pharmacy compassionate-pulse
wave=$WAVE

# make_csv FILE N VALUE [ID-PREFIX] [COMMENT]: N rows of VALUE, ids when a
# prefix is given.
make_csv() {
	/usr/bin/python3 - "$CAREPULSE_DB" "$@" <<'PY'
import csv, sys
sys.path.insert(0, "")
from cptest import survey
db, path, n, value = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
prefix = sys.argv[5] if len(sys.argv) > 5 else ""
comment = sys.argv[6] if len(sys.argv) > 6 else ""
sv = survey(db, "compassionate-pulse")
items = [i["id"] for i in sv["items"]]
q = sv["open_questions"][0]["id"]
with open(path, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow((["id"] if prefix else []) + ["team"] + items + [q])
    for r in range(n):
        w.writerow(([f"{prefix}{r + 1}"] if prefix else []) + ["Pharmacy"]
                   + [value] * len(items) + [comment])
PY
}
responses() { sqlite3 "$CAREPULSE_DB" "SELECT coalesce(sum(responses), 0) FROM agg_group WHERE wave_id = $wave"; }
rows() { sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM response WHERE wave_id = $wave"; }

# The same file twice: refused, naming the earlier import; nothing changes.
make_csv paper.csv 6 4 "" "first batch"
expect_exit 0 import "$wave" paper.csv
expect_in out "imported 6 responses to wave $wave (import 1)"
[ "$(responses)" = 6 ] || fail "6 responses after the first import"
dump=$(db_dump)
expect_exit 65 import "$wave" paper.csv
expect_in err "paper.csv: this file was imported before: import 1 into wave $wave on 2026-11-18 11:06 UTC"
expect_in err "(6 responses; the same file)"
expect_in err "Nothing was imported: --replace swaps that import's responses"
[ "$(db_dump)" = "$dump" ] || fail "a refused import changed the database"
# A dry run says the same.
expect_exit 65 import --dry-run "$wave" paper.csv
expect_in err "this file was imported before"
# The same bytes under another name are the same file.
cp paper.csv copy.csv
expect_exit 65 import "$wave" copy.csv
expect_in err "import 1 into wave $wave"

# --replace with the same file: the import is swapped, not added.
expect_exit 0 import --replace "$wave" paper.csv
expect_in out "replaced import 1 of wave $wave: 6 responses out"
expect_in out "imported 6 responses to wave $wave (import 2)"
[ "$(responses)" = 6 ] || fail "replacing with the same file doubled: $(responses)"
[ "$(rows)" = 6 ] || fail "6 response rows after replacing"

# A corrected file (5 rows, other answers) replaces it: the totals are
# exactly those of the new file alone.
make_csv corrected.csv 5 2 "" "second batch"
# Not the same bytes and no ids: nothing says it is the same paper, so it
# would be added; the user says it replaces import 2 by giving the same
# file's rows ids next time. Here: plain import is accepted.
expect_exit 0 import --dry-run "$wave" corrected.csv
expect_in out "would import 5 responses"

# Rows with ids: the same ids in another file are the same rows.
sqlite3 "$CAREPULSE_DB" "DELETE FROM response_slot; DELETE FROM comment_group; DELETE FROM import_row; DELETE FROM import; DELETE FROM agg_group; DELETE FROM agg_item; DELETE FROM agg_dim"
make_csv a.csv 8 5 p- "from a"
expect_exit 0 import "$wave" a.csv
agg_a=$(sqlite3 "$CAREPULSE_DB" "SELECT * FROM agg_item WHERE wave_id = $wave ORDER BY 1,2,3,4")
# b.csv: 4 of the same ids (p-1..p-4) with other answers, a new file.
make_csv b.csv 4 1 p- "from b"
dump=$(db_dump)
expect_exit 65 import "$wave" b.csv
expect_in err "rows with these ids were imported before: import 3 into wave $wave"
expect_in err "(8 responses; 4 of this file's rows)"
[ "$(db_dump)" = "$dump" ] || fail "a refused import changed the database"
expect_exit 0 import --dry-run --replace "$wave" b.csv
expect_in out "would replace import 3 of wave $wave: 8 responses out"
[ "$(db_dump)" = "$dump" ] || fail "a dry run changed the database"
expect_exit 0 import --replace "$wave" b.csv
[ "$(responses)" = 4 ] || fail "after replacing: $(responses) responses, expected 4"
[ "$(rows)" = 4 ] || fail "after replacing: $(rows) rows, expected 4"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM comment WHERE text = 'from a'")" = 0 ] ||
	fail "the replaced import's comments stayed"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM comment WHERE text = 'from b'")" = 4 ] ||
	fail "the new import's comments are missing"
# The totals are those of b alone: every answer a 1, no row left at 0.
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM agg_item WHERE wave_id = $wave AND (c1 <> 4 OR c2 + c3 + c4 + c5 <> 0)")" = 0 ] ||
	fail "item totals are not b's alone"
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM agg_dim WHERE wave_id = $wave AND (n <> 4 OR abs(sum - 4) > 1e-9 OR abs(sumsq - 4) > 1e-9)")" = 0 ] ||
	fail "dimension totals are not b's alone"
# Replacing back restores a's totals exactly.
expect_exit 0 import --replace "$wave" a.csv
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT * FROM agg_item WHERE wave_id = $wave ORDER BY 1,2,3,4")" = "$agg_a" ] ||
	fail "replacing back did not restore the item totals"
# The row ids are kept only as digests: never the text.
[ "$(sqlite3 "$CAREPULSE_DB" "SELECT count(*) FROM import_row WHERE CAST(row_key AS TEXT) LIKE 'p-%'")" = 0 ] ||
	fail "row ids stored as text"
grep -qa 'p-1,' "$CAREPULSE_DB" && fail "row ids in the database file"

# Ids twice in one file: every repeat listed; nothing imported.
make_csv dup.csv 3 3 q-
sed -i 's/^q-3,/q-1,/' dup.csv
expect_exit 65 import "$wave" dup.csv
expect_in err "dup.csv:4: line 4: the same id as line 2: a row is given once"
# An empty id where the file names its rows.
make_csv empty.csv 2 3 r-
sed -i 's/^r-2,//; s/^\(Pharmacy\)/,\1/' empty.csv
expect_exit 65 import "$wave" empty.csv
expect_in err "id is empty"

# JSON records with ids: the same rules.
/usr/bin/python3 - "$CAREPULSE_DB" >j.json <<'PY'
import json, sys
sys.path.insert(0, "")
from cptest import survey
sv = survey(sys.argv[1], "compassionate-pulse")
items = {i["id"]: 3 for i in sv["items"]}
print(json.dumps([{"id": n, "team": "Pharmacy", "answers": items} for n in (101, 102, 103)]))
PY
expect_exit 0 import "$wave" j.json
sed 's/101/201/; s/102/202/' j.json >j2.json
expect_exit 65 import "$wave" j2.json
expect_in err "rows with these ids were imported before"
expect_in err "(3 responses; 1 of this file's rows)"

# A closed wave: its imports can no longer be replaced or added to.
expect_exit 0 wave close "$wave"
expect_exit 65 import --replace "$wave" a.csv
expect_in err "is closed: its results are frozen"
# The same file into another, open wave: refused, and --replace cannot
# take it out of the closed one.
invite pharmacy2.txt "$CAREPULSE_DB" Pharmacy compassionate-pulse
expect_exit 65 import "$WAVE" a.csv
expect_in err "this file was imported before: import 5 into wave $wave"
expect_exit 65 import --replace "$WAVE" a.csv
expect_in err "import 5 is in wave $wave, which is closed"
echo "import again ok"
