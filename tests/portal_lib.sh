# tests/portal_lib.sh - sourced by the portal's tests (after lib.sh,
# peers.sh and serve_lib.sh, whose start_server and stop_server run the
# server): a database with a closed wave, leaders from the roster, an HR
# partner and a facilitator, and sign-in by the mailed link.
SEED="$CP_TOOLS_DIR/cp_seed"

# portal_db: sets WAVE (closed, with a self-assessment of Ward A's leader)
# and TEAMS (JSON: team name -> id).
portal_db() {
	expect_exit 0 init
	"$PY" - >"$T/roster.csv" <<'PY'
print("email,name,team,parent_team,role")
print("lead@example.org,Nell Lead,Nursing,,leader")
print("leada@example.org,Ada Lead,Ward A,Nursing,leader")
print("leadb@example.org,Bea Lead,Ward B,Nursing,leader")
for team, parent, size in [("Ward A", "Nursing", 12), ("Ward B", "Nursing", 9),
                           ("Pharmacy", "", 8), ("Small", "", 3)]:
    for i in range(size):
        key = team.lower().replace(" ", "")
        print(f"{key}{i}@example.org,Person {i},{team},{parent},member")
PY
	expect_exit 0 team import "$T/roster.csv"
	w0=$("$SEED" "$CAREPULSE_DB" create compassionate-pulse \
		--opens $(($(date +%s) - 60 * 86400)) Nursing \
		"Ward A" "Ward B" Pharmacy Small) || fail "create"
	"$SEED" "$CAREPULSE_DB" invite "$w0" || fail "invite"
	"$SEED" "$CAREPULSE_DB" respond "$w0" "Ward A" 9 --seed 11 || fail "respond"
	"$SEED" "$CAREPULSE_DB" respond "$w0" "Ward B" 8 --seed 12 || fail "respond"
	"$SEED" "$CAREPULSE_DB" respond "$w0" Pharmacy 7 --seed 13 || fail "respond"
	"$SEED" "$CAREPULSE_DB" close "$w0" || fail "close"
	WAVE=$("$SEED" "$CAREPULSE_DB" create compassionate-pulse \
		--opens $(($(date +%s) - 30 * 86400)) \
		--self leader-self-pulse Nursing "Ward A" "Ward B" Pharmacy \
		Small) || fail "create"
	"$SEED" "$CAREPULSE_DB" invite "$WAVE" || fail "invite"
	"$SEED" "$CAREPULSE_DB" respond "$WAVE" "Ward A" 11 --seed 1 --skip 10 \
		--comment "more time to talk" || fail "respond"
	"$SEED" "$CAREPULSE_DB" respond "$WAVE" "Ward B" 7 --seed 2 || fail "respond"
	"$SEED" "$CAREPULSE_DB" respond "$WAVE" Pharmacy 6 --seed 3 || fail "respond"
	"$SEED" "$CAREPULSE_DB" respond "$WAVE" Small 2 --seed 5 || fail "respond"
	"$SEED" "$CAREPULSE_DB" respond "$WAVE" "Ward A" 1 --self --seed 4 || fail "self"
	"$SEED" "$CAREPULSE_DB" close "$WAVE" || fail "close"
	expect_exit 0 access grant hr hr@example.org
	expect_exit 0 access grant --team Pharmacy --until \
		"$(date -u -d '+30 days' +%Y-%m-%d)" facilitator fac@example.org
	TEAMS=$("$PY" -c 'import sqlite3, sys, json
c = sqlite3.connect(sys.argv[1])
print(json.dumps(dict(c.execute("SELECT name, id FROM team"))))' "$CAREPULSE_DB")
}

# portal_link EMAIL: asks for a sign-in link and prints its token, from
# the mail the SMTP sink captured.
portal_link() {
	"$PY" - "$PORT" "$T/sink" "$1" <<'PY'
import glob, http.client, os, re, sys, time, urllib.parse
port, sink, addr = sys.argv[1:4]
def mails():
    return [p[:-4] + ".eml" for p in sorted(glob.glob(os.path.join(sink, "*.env")))
            if addr in open(p).read().split("\n")[1:]]
before = len(mails())
c = http.client.HTTPConnection("127.0.0.1", int(port))
c.request("GET", "/portal/")
r = c.getresponse(); r.read()
pre = re.search(r"cp_pre=([0-9a-f]+)", r.getheader("Set-Cookie")).group(1)
c.request("POST", "/portal/signin", urllib.parse.urlencode({"csrf": pre, "email": addr}),
          {"Cookie": "cp_pre=" + pre, "Content-Type": "application/x-www-form-urlencoded"})
r = c.getresponse(); r.read()
for _ in range(200):
    if len(mails()) > before:
        break
    time.sleep(0.05)
else:
    sys.exit("no mail")
raw = open(mails()[before], "rb").read().decode()
raw = raw.replace("=\r\n", "").replace("=3D", "=")
print(re.search(r"/portal/signin/([0-9a-f]+)", raw).group(1))
PY
}

# portal_session EMAIL: signs in by a mailed link and prints the session id.
portal_session() {
	tok=$(portal_link "$1") || fail "no sign-in link for $1"
	pre=$(curl -s -c - "http://127.0.0.1:$PORT/portal/" | awk '$6 == "cp_pre" {print $7}')
	curl -s -o /dev/null -c - -b "cp_pre=$pre" --data "csrf=$pre" \
		"http://127.0.0.1:$PORT/portal/signin/$tok" |
		awk '$6 == "cp_session" {print $7}'
}
