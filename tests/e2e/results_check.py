"""Recomputes every number of `carepulse results --items --format json`
straight from the response, answer and invitation tables, with Python's
statistics module: an implementation that shares nothing with core/.

usage: results_check.py DB WAVE.json [PREVIOUS.json]

There is no t distribution in the standard library (and no scipy here),
so the 95% t critical values come from a printed table, to 3 decimals;
intervals are compared with a tolerance that allows for that rounding.
For Welch's fractional degrees of freedom the interval is checked to lie
between the table's neighbouring whole degrees of freedom.

Answers are read from the response slots themselves (one character per
item: '1'-'5', 'a'-'k' for an eNPS 0-10, 'x' for "prefer not to say"),
decoded here, and must agree with the answer view. "Prefer not to say"
is in no n and no statistic, only in its own count. An eNPS row is
recomputed as % promoters (9-10) - % detractors (0-6), with the adjusted
Wald interval of Rocks (2016) (3/4 added to promoters and detractors, 3
to n; the variance of a difference of multinomial proportions) and the
normal quantile from statistics.NormalDist.
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
           "change_high", "prefer_not_to_say", "promoters", "passives",
           "detractors"]
Z95 = statistics.NormalDist().inv_cdf(0.975)
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
        self.items = {it["id"]: (it.get("dimension"),
                                 it.get("reverse", False))
                      for it in survey["items"]}
        self.order = [it["id"] for it in survey["items"]]
        self.enps_items = {it["id"] for it in survey["items"]
                     if it.get("type") == "enps"}
        self.self_items = {}
        self.self_order = []
        if self_ref:
            s = json.loads(db.execute(
                "SELECT definition FROM survey WHERE id = ?",
                (self_ref,)).fetchone()[0])
            self.self_items = {it["id"]: (it.get("dimension"),
                                          it.get("reverse", False))
                               for it in s["items"]}
            self.self_order = [it["id"] for it in s["items"]]
        self.responses = {}  # id -> (team, self, {item: value})
        self.declined = {}  # id -> {item}
        for rid, team, is_self, slot in db.execute(
                "SELECT id, team_id, self, answers FROM response"
                " WHERE wave_id = ?", (wave,)):
            self.responses[rid] = (team, is_self, {})
            self.declined[rid] = set()
            order = self.order if not is_self else \
                [i for i in self.self_order]
            for item, c in zip(order, slot):
                if c == "x":
                    self.declined[rid].add(item)
                elif "a" <= c <= "k":
                    self.responses[rid][2][item] = ord(c) - ord("a")
                elif c != "0":
                    self.responses[rid][2][item] = int(c)
        view = {}
        for rid, item, value in db.execute(
                "SELECT a.response_id, a.item_id, a.value FROM answer a"
                " JOIN response r ON r.id = a.response_id"
                " WHERE r.wave_id = ?", (wave,)):
            view.setdefault(rid, {})[item] = value
        for rid, (_, _, a) in self.responses.items():
            if view.get(rid, {}) != a:
                sys.exit(f"FAIL: the answer view says {view.get(rid)},"
                         f" the slot {a}")
        self.delivered = dict(db.execute(
            "SELECT team_id, count(*) FROM invitation WHERE wave_id = ?"
            " AND kind = 'team' AND state = 'sent' GROUP BY team_id",
            (wave,)))

    def teams_of(self, row):
        if row["scope"] == "organisation":
            return set(teams)
        t = by_name[row["group"]]
        return subtree(t) if row["scope"] == "subtree" else {t}

    def people(self, row, is_self=0, declined=False):
        ts = self.teams_of(row)
        if is_self:  # the leader of a team, also beside its subtree
            ts = {by_name[row["group"]]}
        return [self.declined[rid] if declined else a
                for rid, (team, s, a) in self.responses.items()
                if team in ts and s == is_self]

    def declines(self, row):
        """The row's "prefer not to say" answers (per dimension: over its
        items)."""
        items = {row["item"]} if row["item"] else \
            {i for i, (d, _) in self.items.items()
             if d == row["dimension"]}
        return sum(len(d & items) for d in self.people(row, declined=True))

    def enps(self, row):
        """The eNPS of the row's group: (n, promoters, passives,
        detractors, mean, score, adjusted estimate, its variance)."""
        vals = [a[row["item"]] for a in self.people(row)
                if row["item"] in a]
        n = len(vals)
        p = sum(1 for v in vals if v >= 9)
        d = sum(1 for v in vals if v <= 6)
        na = n + 3
        pa, da = (p + 0.75) / na, (d + 0.75) / na
        var = (pa + da - (pa - da) ** 2) / na
        return (n, p, n - p - d, d, statistics.fmean(vals) if vals else 0,
                100 * (p - d) / n if n else 0, pa - da, var)

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


def check_enps(w, row, p, prev):
    what = f"wave {w.id} {row['scope']} {row['group']} eNPS"
    n, pro, pas, det, mean, score, est, var = w.enps(row)
    if n < w.k:
        sys.exit(f"FAIL: {what}: shown with n = {n} < k = {w.k}")
    close(row["n"], n, what + " n", 0)
    close(row["prefer_not_to_say"], w.declines(row), what + " declined", 0)
    close(row["mean"], mean, what + " mean")
    close(row["score"], score, what + " score")
    close(row["promoters"], 100 * pro / n, what + " promoters")
    close(row["passives"], 100 * pas / n, what + " passives")
    close(row["detractors"], 100 * det / n, what + " detractors")
    half = Z95 * math.sqrt(var)
    close(row["ci_low"], max(-100, 100 * (est - half)), what + " ci_low")
    close(row["ci_high"], min(100, 100 * (est + half)), what + " ci_high")
    if p is None:
        if row["change_status"] is not None:
            sys.exit(f"FAIL: {what}: a change with no previous wave")
        return
    if p["suppressed"]:
        if row["change_status"] != "no detectable change" or \
                row["change"] is not None:
            sys.exit(f"FAIL: {what}: a change against a hidden group")
        return
    _, _, _, _, _, pscore, pest, pvar = prev.enps(p)
    close(row["change"], score - pscore, what + " change")
    half = Z95 * math.sqrt(var + pvar)
    low = max(-200, 100 * (est - pest - half))
    high = min(200, 100 * (est - pest + half))
    close(row["change_low"], low, what + " change_low")
    close(row["change_high"], high, what + " change_high")
    want = "up" if low > 0 else "down" if high < 0 else \
        "no detectable change"
    if row["change_status"] != want:
        sys.exit(f"FAIL: {what}: change {row['change_status']}, want {want}")


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
    if row["measure"] == "enps":
        check_enps(w, row, prev_rows.get(key(row)), prev)
        continue
    close(row["prefer_not_to_say"], w.declines(row),
          what + " prefer_not_to_say", 0)
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
