"""Recomputes every number of `carepulse results --items --format json`
straight from the response, answer and invitation tables, with Python's
statistics module: an implementation that shares nothing with core/.

usage: results_check.py DB WAVE.json [PREVIOUS.json]

There is no t distribution in the standard library (and no scipy here),
so the 95% t critical values come from a printed table, to 3 decimals;
intervals are compared with a tolerance that allows for that rounding.
For Welch's fractional degrees of freedom the interval is checked to lie
between the table's neighbouring whole degrees of freedom.
"""
import json
import math
import sqlite3
import statistics
import sys

T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447,
       7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179,
       13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101,
       19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064,
       25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042,
       40: 2.021, 60: 2.000, 120: 1.980}
NUMBERS = ["n", "delivered", "response_rate", "mean", "score", "sd",
           "ci_low", "ci_high", "favourable", "neutral", "unfavourable",
           "count_1", "count_2", "count_3", "count_4", "count_5",
           "self_mean", "self_gap", "previous_wave", "change", "change_low",
           "change_high"]
EPS = 6e-5
checked = 0


def close(got, want, what, eps=EPS):
    global checked
    checked += 1
    if got is None or abs(got - want) > eps:
        sys.exit(f"FAIL: {what}: carepulse says {got}, expected {want}")


db = sqlite3.connect(sys.argv[1])
teams = {i: (name, parent) for i, name, parent in
         db.execute("SELECT id, name, parent_id FROM team")}
by_name = {name: i for i, (name, _) in teams.items()}


def subtree(t):
    out = {t}
    for i, (_, parent) in teams.items():
        if parent == t:
            out |= subtree(i)
    return out


class Wave:
    def __init__(self, wave):
        self.id = wave
        ref, self_ref, k = db.execute(
            "SELECT survey_ref, self_survey_ref, coalesce(threshold, 0)"
            " FROM wave WHERE id = ?", (wave,)).fetchone()
        if k == 0:
            row = db.execute("SELECT value FROM config WHERE key ="
                             " 'threshold'").fetchone()
            k = int(row[0]) if row else 5
        self.k = k
        survey = json.loads(db.execute(
            "SELECT definition FROM survey WHERE id = ?",
            (ref,)).fetchone()[0])
        self.items = {it["id"]: (it["dimension"], it.get("reverse", False))
                      for it in survey["items"]}
        self.self_items = {}
        if self_ref:
            s = json.loads(db.execute(
                "SELECT definition FROM survey WHERE id = ?",
                (self_ref,)).fetchone()[0])
            self.self_items = {it["id"]: (it["dimension"],
                                          it.get("reverse", False))
                               for it in s["items"]}
        self.responses = {}  # id -> (team, self, {item: value})
        for rid, team, is_self in db.execute(
                "SELECT id, team_id, self FROM response WHERE wave_id = ?",
                (wave,)):
            self.responses[rid] = (team, is_self, {})
        for rid, item, value in db.execute(
                "SELECT a.response_id, a.item_id, a.value FROM answer a"
                " JOIN response r ON r.id = a.response_id"
                " WHERE r.wave_id = ?", (wave,)):
            self.responses[rid][2][item] = value
        self.delivered = dict(db.execute(
            "SELECT team_id, count(*) FROM invitation WHERE wave_id = ?"
            " AND kind = 'team' AND state = 'sent' GROUP BY team_id",
            (wave,)))

    def teams_of(self, row):
        if row["scope"] == "organisation":
            return set(teams)
        t = by_name[row["group"]]
        return subtree(t) if row["scope"] == "subtree" else {t}

    def people(self, row, is_self=0):
        ts = self.teams_of(row)
        if is_self:  # the leader of a team, also beside its subtree
            ts = {by_name[row["group"]]}
        return [a for team, s, a in self.responses.values()
                if team in ts and s == is_self]

    def flipped(self, items, item, v):
        return 6 - v if items[item][1] else v

    def dim_means(self, people, dim, items):
        means = []
        for a in people:
            vals = [self.flipped(items, i, v) for i, v in a.items()
                    if items[i][0] == dim]
            if vals:
                means.append(statistics.fmean(vals))
        return means

    def expected(self, row):
        """(values, answers) of the row's measure: per-person values for
        the mean and SD, and the flipped answers for the distribution."""
        people = self.people(row)
        if row["measure"] == "item":
            vals = [self.flipped(self.items, row["item"], a[row["item"]])
                    for a in people if row["item"] in a]
            return vals, vals
        dim = row["dimension"]
        answers = [self.flipped(self.items, i, v) for a in people
                   for i, v in a.items() if self.items[i][0] == dim]
        return self.dim_means(people, dim, self.items), answers


def check_stats(w, row, vals, answers):
    what = f"wave {w.id} {row['scope']} {row['group']} " \
           f"{row['dimension']} {row['item'] or ''}"
    n = len(vals)
    if n < w.k:
        sys.exit(f"FAIL: {what}: shown with n = {n} < k = {w.k}")
    close(row["n"], n, what + " n", 0)
    mean = statistics.fmean(vals)
    sd = statistics.stdev(vals)
    close(row["mean"], mean, what + " mean")
    close(row["score"], (mean - 1) / 4 * 100, what + " score", 4e-3)
    close(row["sd"], sd, what + " sd")
    half = T95[n - 1] * sd / math.sqrt(n)
    tol = 0.0005 * sd / math.sqrt(n) + 1.5e-4
    close(row["ci_low"], mean - half, what + " ci_low", tol)
    close(row["ci_high"], mean + half, what + " ci_high", tol)
    total = len(answers)
    for v in range(1, 6):
        close(row[f"count_{v}"], answers.count(v), what + f" count_{v}", 0)
    fav = sum(1 for v in answers if v >= 4) * 100 / total
    neu = sum(1 for v in answers if v == 3) * 100 / total
    unf = sum(1 for v in answers if v <= 2) * 100 / total
    close(row["favourable"], fav, what + " favourable")
    close(row["neutral"], neu, what + " neutral")
    close(row["unfavourable"], unf, what + " unfavourable")
    return mean, sd, n


def t_between(df):
    """The table values at the whole dfs around df (t falls with df)."""
    lo = max(d for d in T95 if d <= math.floor(df)) if df >= 1 else 1
    hi = min(d for d in T95 if d >= math.ceil(df))
    return T95[hi], T95[lo]


def key(row):
    return (row["group"], row["scope"], row["measure"], row["dimension"],
            row["item"])


w = Wave(json.load(open(sys.argv[2]))[0]["wave"])
rows = json.load(open(sys.argv[2]))
prev_rows = {}
prev = None
if len(sys.argv) > 3:
    prev_rows = {key(r): r for r in json.load(open(sys.argv[3]))}
    prev = Wave(next(iter(prev_rows.values()))["wave"])

for row in rows:
    what = f"{row['group']} {row['scope']} {row['measure']}"
    if row["suppressed"]:
        shown = [c for c in NUMBERS if row[c] is not None]
        if shown:
            sys.exit(f"FAIL: {what}: suppressed but shows {shown}")
        continue
    if row["measure"] == "responses":
        people = w.people(row)
        close(row["n"], len(people), what + " responses", 0)
        delivered = sum(w.delivered.get(t, 0) for t in w.teams_of(row))
        if delivered >= w.k:
            close(row["delivered"], delivered, what + " delivered", 0)
            close(row["response_rate"], 100 * len(people) / delivered,
                  what + " rate")
        elif row["delivered"] is not None or row["response_rate"] is not None:
            sys.exit(f"FAIL: {what}: a rate from {delivered} invitations")
        continue
    if row["measure"] == "self":
        means = w.dim_means(w.people(row, 1), row["dimension"], w.self_items)
        close(row["self_mean"], statistics.fmean(means), what + " self")
        continue
    vals, answers = w.expected(row)
    mean, sd, n = check_stats(w, row, vals, answers)
    if row["measure"] == "dimension" and row["scope"] != "organisation":
        means = w.dim_means(w.people(row, 1), row["dimension"], w.self_items)
        if means:
            close(row["self_mean"], statistics.fmean(means), what + " self")
            close(row["self_gap"], statistics.fmean(means) - mean,
                  what + " gap")
        elif row["self_mean"] is not None:
            sys.exit(f"FAIL: {what}: a self score without a self answer")
    p = prev_rows.get(key(row))
    if p is None:
        if row["change_status"] is not None:
            sys.exit(f"FAIL: {what}: a change with no previous wave")
        continue
    close(row["previous_wave"], prev.id, what + " previous", 0)
    if p["suppressed"]:
        if row["change_status"] != "no detectable change" or \
                row["change"] is not None:
            sys.exit(f"FAIL: {what}: a change against a hidden group")
        continue
    pvals, _ = prev.expected(p)
    pm, psd, pn = statistics.fmean(pvals), statistics.stdev(pvals), len(pvals)
    diff = mean - pm
    v1, v0 = sd * sd / n, psd * psd / pn
    se = math.sqrt(v1 + v0)
    close(row["change"], diff, what + " change")
    if se == 0:
        close(row["change_low"], diff, what + " change_low")
        close(row["change_high"], diff, what + " change_high")
    else:
        df = (v1 + v0) ** 2 / (v1 * v1 / (n - 1) + v0 * v0 / (pn - 1))
        lo, hi = t_between(df)
        t = (row["change_high"] - row["change"]) / se
        slack = 2e-4 / se + 0.0005  # printed digits and the table's
        if not lo - slack <= t <= hi + slack:
            sys.exit(f"FAIL: {what}: Welch t {t} outside [{lo}, {hi}]"
                     f" for df {df}")
        close(row["change_low"], diff - t * se, what + " change_low", 2e-4)
    low, high = row["change_low"], row["change_high"]
    want = "up" if low > 0 else "down" if high < 0 else \
        "no detectable change"
    if row["change_status"] != want:
        sys.exit(f"FAIL: {what}: change {row['change_status']}, want {want}")

print(f"checked {checked} numbers in {len(rows)} rows")
