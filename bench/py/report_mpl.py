#!/usr/bin/python3
"""Peer for `carepulse report`: what a user would otherwise build with
matplotlib + reportlab. From the generated wave CSVs and roster it writes

  TEAM report (~20 A4 pages): cover, response rate, overview of the 7 C's
  and the four behaviours, one trend page per dimension over all waves,
  item distributions, strengths then growth areas, comments, discussion
  prompts, the scoring method;
  the comparison report: a heat map of every team x dimension (latest
  wave), 100 teams a page, suppressed cells (n < 5) shown as such.

Loading and aggregating (pandas) is timed apart from rendering.

usage: report_mpl.py OUTDIR ROSTER.csv WAVE.csv...
"""
import io
import os
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

THRESHOLD = 5
COMMENT_THRESHOLD = 10
W, H = A4


def chart(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    buf.seek(0)
    return ImageReader(buf)


def page(c, title, image=None, lines=()):
    c.setFont("Helvetica-Bold", 16)
    c.drawString(50, H - 60, title)
    c.setFont("Helvetica", 10)
    y = H - 90
    for line in lines:
        c.drawString(50, y, line[:110])
        y -= 14
    if image is not None:
        c.drawImage(image, 50, 120, width=W - 100, height=y - 140,
                    preserveAspectRatio=True)
    c.showPage()


def load(roster_path, paths):
    frames = []
    for wave, path in enumerate(paths, start=1):
        df = pd.read_csv(path)
        df["wave"] = wave
        frames.append(df)
    wide = pd.concat(frames, ignore_index=True)
    items = [c for c in wide.columns if c.startswith("pulse.")]
    roster = pd.read_csv(roster_path)
    sizes = roster.groupby("team").size()
    return wide, items, sizes


def team_report(path, team, wide, items, sizes):
    t = wide[wide["team"] == team]
    waves = sorted(wide["wave"].unique())
    n = t.groupby("wave").size().reindex(waves, fill_value=0)
    mean = t.groupby("wave")[items].mean()
    fav = (t[items] >= 4).groupby(t["wave"]).mean() * 100
    sd = t.groupby("wave")[items].std()
    last = waves[-1]
    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    page(c, f"Compassionate leadership pulse - {team}",
         lines=[f"{len(waves)} waves, {int(n.sum())} responses",
                "Reported from the team's answers; groups under "
                f"{THRESHOLD} responses are suppressed."])
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.bar(waves, n / sizes.get(team, 1) * 100, color="#4a90a4")
    ax.set_ylim(0, 100)
    ax.set_xlabel("wave")
    ax.set_ylabel("response rate (%)")
    page(c, "Response rate", chart(fig))
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.barh([i.split(".")[1] for i in items], fav.loc[last], color="#6aa84f")
    ax.set_xlim(0, 100)
    ax.set_xlabel("% favourable, latest wave")
    page(c, "The 7 C's and the four behaviours", chart(fig))
    for item in items:
        m, s, k = mean[item], sd[item], n.clip(lower=1)
        ci = 1.96 * s / np.sqrt(k)
        fig, (a1, a2) = plt.subplots(2, 1, figsize=(8, 7))
        a1.errorbar(waves, m, yerr=ci, marker="o", capsize=3)
        a1.set_ylim(1, 5)
        a1.set_ylabel("mean (1-5)")
        a2.bar(waves, fav[item], color="#6aa84f")
        a2.set_ylim(0, 100)
        a2.set_ylabel("% favourable")
        a2.set_xlabel("wave")
        page(c, f"{item.split('.')[1].capitalize()} over time", chart(fig),
             [f"latest: mean {m.loc[last]:.2f}, "
              f"{fav[item].loc[last]:.0f}% favourable, n={n.loc[last]}"])
    latest = t[t["wave"] == last][items]
    dist = pd.DataFrame({v: (latest == v).mean() * 100 for v in range(1, 6)})
    for part in (items[:6], items[6:]):
        fig, ax = plt.subplots(figsize=(8, 5))
        left = np.zeros(len(part))
        for v, color in zip(range(1, 6), ["#cc4125", "#e69138", "#cccccc",
                                          "#93c47d", "#38761d"]):
            ax.barh(part, dist.loc[part, v], left=left, color=color,
                    label=str(v))
            left += dist.loc[part, v].to_numpy()
        ax.legend(ncol=5, loc="lower center", bbox_to_anchor=(0.5, 1.0))
        page(c, "Item distributions, latest wave", chart(fig))
    order = fav.loc[last].sort_values(ascending=False)
    page(c, "Strengths", lines=[f"{i}: {v:.0f}% favourable"
                                for i, v in order.head(4).items()])
    page(c, "Areas to grow", lines=[f"{i}: {v:.0f}% favourable"
                                    for i, v in order.tail(3).items()])
    comments = t[t["wave"] == last]["would_help"].dropna().tolist()
    page(c, "What would help", lines=(
        sorted(comments) if len(comments) >= COMMENT_THRESHOLD
        else ["(fewer than 10 comments: not shown)"]))
    page(c, "Discussion prompts", lines=[
        "What do our strengths make possible?",
        "Which one area would make the biggest difference next month?",
        "What would help, and who can provide it?"])
    page(c, "Scoring method", lines=[
        "Mean on 1-5 and 0-100; % favourable is 4 or 5, unfavourable 1 or 2;",
        "95% confidence interval: mean +/- 1.96 sd / sqrt(n);",
        f"groups under {THRESHOLD} responses are suppressed."])
    c.save()
    return c.getPageNumber() - 1


def comparison_report(path, wide, items, sizes):
    last = wide["wave"].max()
    latest = wide[wide["wave"] == last]
    g = latest.groupby("team")
    fav = (latest[items] >= 4).groupby(latest["team"]).mean() * 100
    n = g.size()
    fav[n < THRESHOLD] = np.nan
    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    rate = (n / sizes.reindex(n.index)).fillna(0) * 100
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.hist(rate, bins=20, color="#4a90a4")
    ax.set_xlabel("response rate (%)")
    page(c, "Response rates across teams", chart(fig))
    teams = fav.index.tolist()
    for start in range(0, len(teams), 100):
        block = fav.iloc[start:start + 100]
        fig, ax = plt.subplots(figsize=(8, 11))
        ax.imshow(block.to_numpy(), aspect="auto", cmap="RdYlGn",
                  vmin=0, vmax=100)
        ax.set_xticks(range(len(items)))
        ax.set_xticklabels([i.split(".")[1] for i in items], rotation=90,
                           fontsize=6)
        ax.set_yticks(range(len(block)))
        ax.set_yticklabels(block.index, fontsize=4)
        page(c, f"% favourable by team, teams {start + 1}-"
                f"{start + len(block)}", chart(fig))
    c.save()
    return c.getPageNumber() - 1


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: report_mpl.py OUTDIR ROSTER.csv WAVE.csv...")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    t0 = time.monotonic()
    wide, items, sizes = load(sys.argv[2], sys.argv[3:])
    team = sorted(wide["team"].unique())[0]
    t1 = time.monotonic()
    pages = team_report(os.path.join(out, "team.pdf"), team, wide, items,
                        sizes)
    t2 = time.monotonic()
    cpages = comparison_report(os.path.join(out, "comparison.pdf"), wide,
                               items, sizes)
    t3 = time.monotonic()
    print(f"team_pages={pages} comparison_pages={cpages} "
          f"load_s={t1 - t0:.3f} team_s={t2 - t1:.3f} "
          f"comparison_s={t3 - t2:.3f}")


if __name__ == "__main__":
    main()
