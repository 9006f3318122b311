# Survey definitions: the shipped ones validate; list, show, add.
. "$CP_TEST_LIB"
need /usr/bin/python3

expect_exit 0 survey validate "$CP_SOURCE_DIR"/surveys/*.json
expect_in out "compassionate-leadership.json: ok (compassionate-leadership 1.1.0, 11 dimensions, 33 items"

# Several files: one bad one makes the exit 65 and the good ones still say ok.
printf '{"id": "x",}' >bad.json
expect_exit 65 survey validate "$CP_SOURCE_DIR/surveys/care-checkin.json" bad.json
expect_in out "care-checkin.json: ok"
expect_in err "bad.json:1:"
expect_exit 74 survey validate missing.json
expect_in err "missing.json"

expect_exit 0 init
expect_exit 0 survey list --format json
/usr/bin/python3 - "$T/out" <<'PY' || fail "survey list json"
import json, sys
s = {x["id"]: x for x in json.load(open(sys.argv[1]))}
for i in ["compassionate-leadership", "compassionate-pulse", "leader-self", "care-checkin", "clear-session"]:
    assert s[i]["builtin"] is True, i
assert s["compassionate-leadership"]["items"] == 33
assert s["compassionate-pulse"]["items"] == 11
assert s["leader-self"]["kind"] == "self"
PY
expect_exit 0 survey show compassionate-pulse
expect_in out "[7c] Compassion (compassion)"
expect_in out "[behaviour] Helping (helping)"
expect_in out "languages: en, cy (to review), es (to review), pl (to review), ar (to review)"
expect_in out 'prefer not to say: "Prefer not to say"'
expect_exit 0 survey show compassionate-pulse-enps
expect_in out "[eNPS] enps"
expect_exit 0 survey show compassionate-pulse --format json
cmp -s "$T/out" "$CP_SOURCE_DIR/surveys/compassionate-pulse.json" ||
	fail "show --format json is not the stored definition"
expect_exit 65 survey show nope
expect_in err "no survey 'nope'"

# add: a new definition; the same again is unchanged; same version with
# other content is refused and changes nothing.
sed 's/"id": "care-checkin"/"id": "my-checkin"/' "$CP_SOURCE_DIR/surveys/care-checkin.json" >mine.json
expect_exit 0 survey add mine.json
expect_in out "my-checkin 1.1.0 added"
expect_exit 0 survey add mine.json
expect_in out "already stored"
sed -i 's/"title": "[^"]*"/"title": "Changed"/' mine.json
before=$(sqlite3 "$CAREPULSE_DB" 'SELECT count(*) FROM survey')
expect_exit 65 survey add mine.json
expect_in err "give the changed definition a new version"
[ "$(sqlite3 "$CAREPULSE_DB" 'SELECT count(*) FROM survey')" = "$before" ] || fail "conflict wrote"
sed -i 's/"version": "1.1.0"/"version": "1.2.0"/' mine.json
expect_exit 0 survey add mine.json
expect_exit 0 survey list --format csv
expect_in out "my-checkin,1.2.0"
echo "survey ok"
