# tests/lifecycle_lib.sh - sourced (after lib.sh and serve_lib.sh) by the
# tests of waves over time: a roster, the outbox channel, the links a
# wave's messages carry, and answering them through the running server
# with curl.
export PYTHONPATH="$CP_SOURCE_DIR/tests/py"

# setup_org N: an initialised database, N people in teams of 12 (a
# leader each) under "Org", sending to the outbox folder $T/outbox.
setup_org() {
	expect_exit 0 init
	/usr/bin/python3 - "$1" >"$T/roster.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("email,name,team,parent_team,role")
for i in range(n):
    print("p%04d@example.org,Person %d,Team %02d,Org,%s"
          % (i, i, i // 12, "leader" if i % 12 == 0 else "member"))
PY
	expect_exit 0 team import "$T/roster.csv"
	expect_exit 0 config set outbox.dir "$T/outbox"
	expect_exit 0 config set mail.from 'Team Pulse <pulse@example.org>'
	expect_exit 0 config set base_url https://pulse.example.org
}

# links WAVE: the token of every invitation the outbox holds for WAVE,
# one a line, into $T/links-WAVE.
links() {
	/usr/bin/python3 - "$T/outbox" "$1" >"$T/links-$1" <<'PY'
import os, re, sys
d, w = sys.argv[1], sys.argv[2]
num = lambda f: int(re.sub(r"\D", "", f.split("invitation-")[1]))
for f in sorted((f for f in os.listdir(d) if "invitation-" in f and "reminder" not in f), key=num):
    if not re.match(r"wave-%s-invitation-\d+\.eml$" % w, f):
        continue
    m = re.search(r"/r/([A-Za-z0-9_-]{22})$", open(os.path.join(d, f)).read(), re.M)
    print(m.group(1))
PY
	[ -s "$T/links-$1" ] || fail "no links for wave $1 in the outbox"
}

# form_body TEXT: the form body that answers every item of the pulse 4
# and its first open question with TEXT, into $T/body.
form_body() {
	/usr/bin/python3 - "$CAREPULSE_DB" "$1" >"$T/body" <<'PY'
import sys, urllib.parse
from cptest import survey
sv = survey(sys.argv[1], "compassionate-pulse")
f = {i["id"]: "4" for i in sv["items"]}
f[sv["open_questions"][0]["id"]] = sys.argv[2]
print(urllib.parse.urlencode(f), end="")
PY
}

# answer TOKEN: posts $T/body to the link; prints the HTTP status.
answer() {
	curl -s -o "$T/page" -w '%{http_code}' --data-binary "@$T/body" \
		-H 'Content-Type: application/x-www-form-urlencoded' \
		"http://127.0.0.1:$PORT/r/$1"
}

# answer_wave WAVE N TEXT: N of the wave's links answered with TEXT.
answer_wave() {
	links "$1"
	form_body "$3"
	for tok in $(head -n "$2" "$T/links-$1"); do
		st=$(answer "$tok")
		[ "$st" = 200 ] || { cat "$T/page" >&2; fail "answering wave $1: HTTP $st"; }
	done
}

# page TOKEN: GETs the link into $T/page; prints the HTTP status.
page() {
	curl -s -o "$T/page" -w '%{http_code}' "http://127.0.0.1:$PORT/r/$1"
}
