#!/usr/bin/python3
"""Peer for `carepulse results`: pandas reads the generated wave CSVs and
computes, per wave, team and item, what results prints (n, mean, standard
deviation, % favourable, % unfavourable). The load is timed apart from the
groupby.

usage: groupby_pandas.py WAVE.csv...   (file i is wave i)
"""
import sys
import time

import pandas as pd


def main():
    t0 = time.monotonic()
    frames = []
    for wave, path in enumerate(sys.argv[1:], start=1):
        df = pd.read_csv(path, usecols=lambda c: c != "would_help")
        df["wave"] = wave
        frames.append(df)
    wide = pd.concat(frames, ignore_index=True)
    long = wide.melt(id_vars=["wave", "team"], var_name="item",
                     value_name="value")
    t1 = time.monotonic()
    long["fav"] = long["value"] >= 4
    long["unfav"] = long["value"] <= 2
    g = long.groupby(["wave", "team", "item"], sort=True)
    res = g.agg(n=("value", "size"), mean=("value", "mean"),
                sd=("value", "std"), fav=("fav", "mean"),
                unfav=("unfav", "mean"))
    t2 = time.monotonic()
    print(f"groups={len(res)} answers={int(res['n'].sum())} "
          f"load_s={t1 - t0:.3f} groupby_s={t2 - t1:.3f}")


if __name__ == "__main__":
    main()
