# Property test of the anonymity rules: over random organisation charts,
# team sizes, skipped items and thresholds (seeded, so a failure can be
# replayed), in every output format, no group below k shows a number and
# no two visible nested groups differ by 1..k-1 respondents. Then, over a
# random sequence of roster changes after the waves closed (teams moved,
# renamed, split, emptied, added; people leaving and joining; thresholds
# changed in the config and the environment; late imports; later waves),
# two looks at a closed wave give the same bytes.
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

	# Frozen: every look at the closed waves, before and after each step.
	looks() {
		rm -rf "$1"
		mkdir -p "$1"
		for w in 1 2; do
			for fmt in csv json; do
				expect_exit 0 results "$w" --items --format "$fmt"
				cp "$T/out" "$1/$w.$fmt"
				expect_exit 0 results "$w" --matrix --format "$fmt"
				cp "$T/out" "$1/$w.matrix.$fmt"
			done
			expect_exit 0 results "$w" --comments --format csv
			cp "$T/out" "$1/$w.comments.csv"
		done
	}
	looks first
	/usr/bin/python3 - "$round" >reorg.sh <<'PY'
import random, shlex, sys
rnd = random.Random(1000 + int(sys.argv[1]))
rows = [l.rstrip("\n").split(",") for l in open("roster.csv")][1:]
teams = sorted({r[2] for r in rows})
parent = {r[2]: r[3] for r in rows}
people = {t: [r[0] for r in rows if r[2] == t] for t in teams}
fresh = 0
def write(n):
    with open(f"roster-{n}.csv", "w") as f:
        f.write("email,name,team,parent_team,role\n")
        for t in teams:
            for e in people[t]:
                f.write(f"{e},P,{t},{parent[t]},member\n")
def below(t):
    out = {t}
    for u in teams:
        if parent[u] in out and u not in out:
            out |= below(u)
    return out
for step in range(rnd.randint(3, 6)):
    kind = rnd.choice(["move", "rename", "leave", "join", "split", "add",
                       "threshold", "env", "import", "wave"])
    if kind == "move" and len(teams) > 1:
        t = rnd.choice(teams)
        choices = [u for u in teams if u not in below(t)] + [""]
        parent[t] = rnd.choice(choices)
    elif kind == "rename":
        t = rnd.choice(teams)
        new = f"{t}{step}x"
        teams[teams.index(t)] = new
        people[new] = people.pop(t)
        parent[new] = parent.pop(t)
        for u in teams:
            if parent[u] == t:
                parent[u] = new
    elif kind == "leave":
        t = rnd.choice(teams)
        del people[t][:rnd.randint(0, len(people[t]))]
    elif kind == "join":
        t = rnd.choice(teams)
        for _ in range(rnd.randint(1, 4)):
            fresh += 1
            people[t].append(f"new{fresh}@example.org")
    elif kind == "split" or kind == "add":
        t = rnd.choice(teams)
        new = f"New{step}"
        teams.append(new)
        parent[new] = t if kind == "split" else rnd.choice(teams[:-1] + [""])
        half = people[t][:len(people[t]) // 2] if kind == "split" else []
        people[t] = people[t][len(half):]
        people[new] = half or [f"solo{step}@example.org"]
    if kind == "threshold":
        print(f"expect_exit 0 config set threshold {rnd.randint(3, 10)}")
    elif kind == "env":
        print(f"export CAREPULSE_THRESHOLD={rnd.randint(3, 10)}")
    elif kind == "import":
        t = rnd.choice(sorted(parent))
        print(f"printf 'team,pulse.civil\\n%s,1\\n' {shlex.quote(t)} >late.csv")
        print(f"expect_exit 65 import {rnd.choice([1, 2])} late.csv")
    elif kind == "wave":
        quoted = " ".join(shlex.quote(t) for t in teams)
        print(f'w=$("$SEED" "$CAREPULSE_DB" create compassionate-leadership'
              f' {quoted}) || fail create')
        print('"$SEED" "$CAREPULSE_DB" invite "$w" || fail invite')
        t = rnd.choice(teams)
        print(f'"$SEED" "$CAREPULSE_DB" respond "$w" {shlex.quote(t)}'
              f' {len(people[t])} --seed {step} || fail respond')
        print('"$SEED" "$CAREPULSE_DB" close "$w" || fail close')
    else:
        write(step)
        print(f"expect_exit 0 team import roster-{step}.csv")
    print(f"looks now; diff -r first now >/dev/null ||"
          f" fail 'round {sys.argv[1]}: a closed wave changed after {kind}'")
PY
	(. ./reorg.sh) || exit 1
	expect_exit 0 config unset threshold
done
echo "$ROUNDS random organisations checked, before and after re-orgs"
