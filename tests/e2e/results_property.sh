# Property test of the anonymity rules: over random organisation charts,
# team sizes, skipped items and thresholds (seeded, so a failure can be
# replayed), in every output format, no group below k shows a number and
# no two visible nested groups differ by 1..k-1 respondents.
. "$CP_TEST_LIB"
need sqlite3 /usr/bin/python3
SEED="$CP_TOOLS_DIR/cp_seed"
[ -x "$SEED" ] || fail "cp_seed is not built"
ROUNDS=${CP_PROPERTY_ROUNDS:-8}

for round in $(seq 1 "$ROUNDS"); do
	rm -f "$CAREPULSE_DB"*
	expect_exit 0 init
	# plan.sh: the roster, the threshold and the seeding commands.
	/usr/bin/python3 - "$round" >plan.sh <<'PY'
import random, shlex, sys
rnd = random.Random(int(sys.argv[1]))
names = ["Alder", "Birch", "Cedar", "Elm", "Fir", "Hazel", "Larch", "Maple",
         "Oak", "Pine", "Rowan", "Willow"]
teams = rnd.sample(names, rnd.randint(2, len(names)))
parent = {t: (rnd.choice(teams[:i]) if i and rnd.random() < 0.7 else "")
          for i, t in enumerate(teams)}
size = {t: rnd.randint(1, 14) for t in teams}
with open("roster.csv", "w") as f:
    f.write("email,name,team,parent_team,role\n")
    for t in teams:
        for i in range(size[t]):
            f.write(f"{t.lower()}{i}@example.org,P,{t},{parent[t]},member\n")
k = rnd.randint(3, 10)
print(f"k={k}")
print('expect_exit 0 team import roster.csv')
if rnd.random() < 0.5:
    print(f"expect_exit 0 config set threshold {k}")
    wave_k = ""
else:
    wave_k = f"--threshold {k}"
quoted = " ".join(shlex.quote(t) for t in teams)
for w in (1, 2):
    print(f'w=$("$SEED" "$CAREPULSE_DB" create compassionate-leadership'
          f' {wave_k} {quoted}) || fail create')
    print('"$SEED" "$CAREPULSE_DB" invite "$w" || fail invite')
    for t in teams:
        n = rnd.randint(0, size[t])
        skip = rnd.choice([0, 0, 10, 40])
        print(f'"$SEED" "$CAREPULSE_DB" respond "$w" {shlex.quote(t)} {n}'
              f' --seed {rnd.randint(1, 10**6)} --skip {skip} || fail respond')
    print('"$SEED" "$CAREPULSE_DB" close "$w" || fail close')
PY
	. ./plan.sh
	for view in "" "--items" "--matrix" "--trend --items"; do
		for fmt in json csv table; do
			# shellcheck disable=SC2086
			expect_exit 0 results $view --format "$fmt"
			/usr/bin/python3 - "$T/out" "$fmt" "$k" "$view" <<'PY' ||
import csv, io, json, re, sys
out, fmt, k, view = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
text = open(out, encoding="utf-8").read()
teams, parent = {}, {}
for r in csv.DictReader(open("roster.csv")):
    parent[r["team"]] = r["parent_team"]
def members(group, scope):
    if scope == "organisation":
        return frozenset(parent)
    if scope == "team":
        return frozenset([group])
    out, grew = {group}, True
    while grew:
        more = {t for t, p in parent.items() if p in out} - out
        grew = bool(more)
        out |= more
    return frozenset(out)
def bad(msg):
    sys.exit(f"FAIL ({fmt} {view}): {msg}")
if fmt == "table":
    # A hidden line carries no number but its wave: in the matrix a row
    # whose group is suppressed (a visible group may still hide a cell).
    for line in text.splitlines():
        if re.search(r"\btrue\b", line) if "--matrix" in view \
                else "not enough responses" in line:
            rest = re.sub(r"^\s*\d+\s", "", line)
            rest = re.sub(r"\b[a-z]+\.\d+\b", "", rest)  # item ids
            if re.search(r"\d", rest):
                bad(f"a number on a hidden line: {line!r}")
    sys.exit(0)
rows = json.loads(text) if fmt == "json" else list(csv.DictReader(io.StringIO(text)))
def val(r, c):
    v = r.get(c)
    if v in (None, ""):
        return None
    return float(v) if not isinstance(v, (int, float)) else v
def hidden(r):
    return r["suppressed"] in (True, "true")
fixed = {"wave", "wave_status", "threshold", "group", "scope", "parent_group",
         "parent_scope", "measure", "dimension", "item", "suppressed",
         "change_status"}
seen = {}
for r in rows:
    if hidden(r):
        nums = [c for c in r if c not in fixed and val(r, c) is not None]
        if nums or r.get("change_status") not in (None, ""):
            bad(f"hidden row shows {nums}: {r}")
        continue
    n = val(r, "n")
    if n is None:
        continue  # the open-wave or self rows carry no n
    if n < k:
        bad(f"visible with n = {n} < k = {k}: {r}")
    key = (r["wave"], r.get("measure", "responses"), r.get("dimension"),
           r.get("item"))
    seen.setdefault(key, []).append((members(r["group"], r["scope"]), n, r))
for key, groups in seen.items():
    for a, na, ra in groups:
        for b, nb, rb in groups:
            if b < a and 0 < na - nb < k:
                bad(f"{ra['group']}/{ra['scope']} ({na}) and "
                    f"{rb['group']}/{rb['scope']} ({nb}) differ by "
                    f"{na - nb} < {k} in {key}")
PY
				fail "round $round ($view --format $fmt)"
		done
	done
done
echo "$ROUNDS random organisations checked"
