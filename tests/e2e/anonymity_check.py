"""Checks the anonymity promises in one output of `carepulse results`.

usage: anonymity_check.py DB FORMAT OUT K VIEW

FORMAT is json, csv or table; VIEW the options the output was made with
("", "--items", "--matrix", "--trend --items"). In every output:

- a hidden row or cell shows no number, and in a table says why in words
  ("fewer than K answered" or "hidden so that the answers of ...");
- no visible group has fewer than K respondents, and no two visible
  nested groups differ by 1..K-1 (for every wave and measure);
- every hidden value carries a reason: fewer_than_k, or protects_group
  naming a hidden group inside it.

For the default and --items views in CSV and JSON (which list every group
with its parent) it also recomputes every decision from the respondents
stored in DB, with its own implementation of docs/method.md's rule, and
requires the same reason and the same protected group for every row;
and it checks the rule's promise that every team whose own respondents
reach K is shown.
"""
import csv
import io
import json
import re
import sqlite3
import sys

db_path, fmt, out, k, view = sys.argv[1:6]
k = int(k)
text = open(out, encoding="utf-8").read()


def bad(msg):
    sys.exit(f"FAIL ({fmt} {view}): {msg}")


if fmt == "table":
    # A hidden line carries no number but its wave (and k in its reason).
    for line in text.splitlines():
        if "--matrix" in view:
            hidden = re.search(r"\btrue\b", line)
        else:
            hidden = re.search(r"fewer than \d+ answered|hidden so that",
                               line)
        if not hidden:
            continue
        rest = re.sub(r"^\s*\d+\s", "", line)
        rest = re.sub(r"\b[a-z]+\.\d+\b", "", rest)  # item ids
        rest = rest.replace(f"fewer than {k} answered", "")
        # The reason names a group (a name may hold digits) and counts
        # groups, not people.
        rest = re.sub(r"hidden so that the answers of .*? cannot be worked "
                      r"out", "", rest)
        rest = re.sub(r"protects \S.*?\((own members|with sub-teams)\)",
                      "", rest)
        if re.search(r"\d", rest):
            bad(f"a number on a hidden line: {line!r}")
        if "not enough responses" in line:
            bad(f"a hidden line without its reason: {line!r}")
    sys.exit(0)

rows = (json.loads(text) if fmt == "json"
        else list(csv.DictReader(io.StringIO(text))))


def val(r, c):
    v = r.get(c)
    if v in (None, ""):
        return None
    return float(v) if not isinstance(v, (int, float)) else v


def hidden(r):
    return r["suppressed"] in (True, "true")


def label(group, scope):
    if scope == "organisation":
        return "organisation"
    return f"{group} ({'own members' if scope == 'team' else 'with sub-teams'})"


db = sqlite3.connect(db_path)
trees = {}  # wave -> (team id -> name, team name -> parent's name)


def tree(wave):
    """The team tree wave was sent to: its snapshot, never today's teams
    (a re-org after the wave must not change what its outputs mean)."""
    wave = int(wave)
    if wave not in trees:
        names, parent_of = {}, {}
        snap = list(db.execute("SELECT team_id, name, parent_id"
                               " FROM wave_team_snapshot WHERE wave_id = ?",
                               (wave,)))
        for i, name, parent in snap:
            names[i] = name
        for i, name, parent in snap:
            parent_of[name] = names.get(parent, "")
        trees[wave] = (names, parent_of)
    return trees[wave]


def teams_in(wave, group, scope):
    parent_of = tree(wave)[1]
    if scope == "organisation":
        return frozenset(parent_of)
    if scope == "team":
        return frozenset([group])
    got, grew = {group}, True
    while grew:
        more = {t for t, p in parent_of.items() if p in got} - got
        grew = bool(more)
        got |= more
    return frozenset(got)


fixed = {"wave", "wave_status", "threshold", "group", "scope", "parent_group",
         "parent_scope", "measure", "dimension", "item", "suppressed",
         "reason", "protects", "change_status"}

# Generic promises, every view.
seen = {}
labels = {}
for r in rows:
    if "reason" not in r:
        bad(f"no reason column: {r}")
    labels.setdefault(r["wave"], set()).add(label(r["group"], r["scope"]))
    if hidden(r):
        nums = [c for c in r if c not in fixed and val(r, c) is not None]
        if nums or r.get("change_status") not in (None, ""):
            bad(f"hidden row shows {nums}: {r}")
        if r["reason"] not in ("fewer_than_k", "protects_group"):
            bad(f"hidden without a reason: {r}")
        if (r["reason"] == "protects_group") != (r["protects"] not in
                                                 (None, "")):
            bad(f"protects goes with protects_group only: {r}")
        continue
    if r["reason"] not in (None, "") or r["protects"] not in (None, ""):
        bad(f"a shown row with a reason: {r}")
    n = val(r, "n")
    if n is None:
        continue  # the open-wave or self rows carry no n
    if n < k:
        bad(f"visible with n = {n} < k = {k}: {r}")
    key = (r["wave"], r.get("measure", "responses"), r.get("dimension"),
           r.get("item"))
    seen.setdefault(key, []).append(
        (teams_in(r["wave"], r["group"], r["scope"]), n, r))
for key, groups in seen.items():
    for a, na, ra in groups:
        for b, nb, rb in groups:
            if b < a and 0 < na - nb < k:
                bad(f"{ra['group']}/{ra['scope']} ({na}) and "
                    f"{rb['group']}/{rb['scope']} ({nb}) differ by "
                    f"{na - nb} < {k} in {key}")
for r in rows if "--trend" not in view else []:  # one group per wave
    if hidden(r) and r["reason"] == "protects_group":
        if r["protects"] not in labels[r["wave"]]:
            bad(f"protects a group that is not there: {r}")

if view not in ("", "--items") or not rows:
    sys.exit(0)

# The decisions again, from the stored respondents. The groups and their
# order are the output's (results prints them as core holds them).
wave = int(rows[0]["wave"])
names = tree(wave)[0]
survey = json.loads(db.execute(
    "SELECT s.definition FROM survey s JOIN wave w ON w.survey_ref = s.id"
    " WHERE w.id = ?", (wave,)).fetchone()[0])
dim_of = {it["id"]: it.get("dimension") for it in survey["items"]}
answers = {}  # response -> (team name, set of items)
for rid, team in db.execute("SELECT id, team_id FROM response"
                            " WHERE wave_id = ? AND self = 0", (wave,)):
    answers[rid] = (names[team], set())
for rid, item in db.execute(
        "SELECT a.response_id, a.item_id FROM answer a JOIN response r"
        " ON r.id = a.response_id WHERE r.wave_id = ? AND r.self = 0",
        (wave,)):
    answers[rid][1].add(item)

groups = []  # (group, scope) in output order
index = {}
parent = []
for r in rows:
    g = (r["group"], r["scope"])
    if r["measure"] != "responses" or g in index:
        continue
    index[g] = len(groups)
    groups.append(g)
    p = (r["parent_group"], r["parent_scope"])
    parent.append(index[p] if r["parent_scope"] not in (None, "") else None)
children = [[c for c in range(len(groups)) if parent[c] == g]
            for g in range(len(groups))]
atoms = [teams_in(wave, *g) if g[1] != "subtree" else frozenset()
         for g in groups]


def members(g):
    if groups[g][1] == "organisation":
        return {t for t, _ in answers.values()}
    if groups[g][1] == "team":
        return {groups[g][0]}
    return {groups[c][0] for c in range(len(groups))
            if groups[c][1] == "team" and within(c, g)}


def within(c, g):
    while c is not None:
        if c == g:
            return True
        c = parent[c]
    return False


def counts(pick):
    per_team = {}
    for team, items in answers.values():
        if pick(items):
            per_team[team] = per_team.get(team, 0) + 1
    out = []
    for g in range(len(groups)):
        ts = members(g)
        out.append(sum(n for t, n in per_team.items() if t in ts))
    return out


def decide(n, base):
    why = list(base)
    for g in range(len(groups)):
        if why[g] is None and n[g] < k:
            why[g] = ("fewer_than_k", None)

    def frontier(g):
        s = 0
        for c in children[g]:
            s += frontier(c) if why[c] else n[c]
        return s

    def parts(g, found):
        for c in children[g]:
            if not why[c]:
                continue
            own = n[c] - sum(n[x] for x in children[c])
            if own > 0:
                found.append(c)
            parts(c, found)
        return found

    for g in reversed(range(len(groups))):
        if why[g]:
            continue
        rest = n[g] - frontier(g)
        if 0 < rest < k:
            found = parts(g, [])
            why[g] = ("protects_group",
                      label(*groups[min(found)]) if found else None)
    return why


n_resp = counts(lambda items: True)
base = decide(n_resp, [None] * len(groups))
for g, (name, scope) in enumerate(groups):
    if scope == "team" and n_resp[g] >= k and base[g]:
        bad(f"{name} has {n_resp[g]} >= {k} respondents of its own but is "
            f"hidden: {base[g]}")
expected = {}
for r in rows:
    g = index[(r["group"], r["scope"])]
    m = r["measure"]
    if m == "self":
        continue
    key = (m, r.get("dimension"), r.get("item"))
    if key not in expected:
        if m == "responses":
            expected[key] = base
        elif m == "dimension":
            d = r["dimension"]
            expected[key] = decide(
                counts(lambda items: any(dim_of.get(i) == d for i in items)),
                base)
        else:
            it = r["item"]
            expected[key] = decide(counts(lambda items: it in items), base)
    want = expected[key][g]
    got = ((r["reason"], r["protects"] or None) if hidden(r) else None)
    if want != got:
        bad(f"{r['group']}/{r['scope']} {key}: expected {want}, got {got}")
