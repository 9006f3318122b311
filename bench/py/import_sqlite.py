#!/usr/bin/python3
"""Peer for `carepulse import`: Python's csv + sqlite3 executemany, storing
the generated wave CSVs into the same tables as carepulse (schema 16:
response_slot clustered by wave, team, self and a random 16-byte id,
WITHOUT ROWID, answers one character per item; each group's comments as
one JSON list sorted by content; the totals agg_group, agg_item and
agg_dim; an import row per file), foreign keys on, WAL, synchronous FULL,
in one transaction, every table's rows sorted by key before executemany.

The tables are carepulse's own: DB starts as a copy (SQLite's backup) of
CAREPULSE.db, a database `carepulse init` made, with its tables, indexes,
triggers and built-in surveys; the teams and waves are inserted as plain
rows (a team per name met, a wave per file on compassionate-pulse, open).

usage: import_sqlite.py --schema-from CAREPULSE.db DB WAVE.csv...
       (file i is wave i)
"""
import csv
import json
import os
import sqlite3
import sys
import time

PRAGMAS = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA foreign_keys = ON;
"""
SURVEY = "compassionate-pulse"


def main():
    args = sys.argv[1:]
    if len(args) < 4 or args[0] != "--schema-from":
        sys.exit("usage: import_sqlite.py --schema-from CAREPULSE.db DB "
                 "WAVE.csv...")
    schema_from, db_path, files = args[1], args[2], args[3:]
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    t0 = time.monotonic()
    db = sqlite3.connect(db_path, isolation_level=None)
    src = sqlite3.connect(f"file:{schema_from}?mode=ro", uri=True)
    src.backup(db)
    src.close()
    db.executescript(PRAGMAS)
    survey = db.execute("SELECT id FROM survey WHERE survey_id = ?"
                        " ORDER BY id DESC LIMIT 1", (SURVEY,)).fetchone()
    if survey is None:
        sys.exit(f"{schema_from}: no survey {SURVEY} (not a database "
                 "`carepulse init` made?)")
    db.execute("BEGIN IMMEDIATE")
    teams = {}
    answers = 0
    slots, comment_rows, items_rows, dim_rows, group_rows = [], [], [], [], []
    for wave, path in enumerate(files, start=1):
        db.execute("INSERT INTO wave(id, survey_ref, status, opens_at,"
                   " channel, created_at) VALUES (?, ?, 'open', 0, 'email',"
                   " 0)", (wave, survey[0]))
        groups = {}  # team -> [responses, counts per item, sums, comments]
        with open(path, newline="", encoding="utf-8") as f:
            rows = csv.reader(f)
            header = next(rows)
            items = header[1:-1]
            dims = [i.rsplit(".", 1)[-1] for i in items]
            question = header[-1]
            new = []
            for row in rows:
                team = teams.get(row[0])
                if team is None:
                    team = teams[row[0]] = len(teams) + 1
                    db.execute("INSERT INTO team(id, name, created_at)"
                               " VALUES (?, ?, 0)", (team, row[0]))
                g = groups.get(team)
                if g is None:
                    g = groups[team] = [0, [[0] * 6 for _ in items],
                                        [[0, 0.0] for _ in items], []]
                g[0] += 1
                for k, value in enumerate(row[1:-1]):
                    v = int(value)
                    if not 1 <= v <= 5:
                        sys.exit(f"{path}: {v} is off the scale")
                    g[1][k][v] += 1
                    g[2][k][0] += v
                    g[2][k][1] += v * v
                if row[-1]:
                    g[3].append(json.dumps([question, row[-1]],
                                           ensure_ascii=False,
                                           separators=(",", ":")))
                new.append((os.urandom(16), wave, team,
                            "".join(row[1:-1])))
                answers += len(items)
        imp = db.execute("INSERT INTO import(wave_id, digest, responses,"
                         " imported_at) VALUES (?, ?, ?, 0)",
                         (wave, os.urandom(32), len(new))).lastrowid
        slots += [(rid, w, t, a, imp) for rid, w, t, a in new]
        for team, (n, counts, sums, comments) in groups.items():
            group_rows.append((wave, team, n))
            for k, item in enumerate(items):
                items_rows.append((wave, team, item, *counts[k][1:6]))
                dim_rows.append((wave, team, dims[k], n, float(sums[k][0]),
                                 float(sums[k][1])))
            if comments:
                comments.sort()
                comment_rows.append((wave, team, imp,
                                     "[" + ",".join(comments) + "]"))
    slots.sort(key=lambda r: (r[1], r[2], r[0]))
    db.executemany("INSERT INTO response_slot(id, wave_id, team_id, self,"
                   " filled, answers, import_id)"
                   " VALUES (?, ?, ?, 0, 1, ?, ?)", slots)
    comment_rows.sort()
    db.executemany("INSERT INTO comment_group VALUES (?, ?, 0, ?, ?)",
                   comment_rows)
    items_rows.sort()
    db.executemany("INSERT INTO agg_item(wave_id, team_id, self, item_id,"
                   " c1, c2, c3, c4, c5) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)",
                   items_rows)
    dim_rows.sort()
    db.executemany("INSERT INTO agg_dim VALUES (?, ?, 0, ?, ?, ?, ?)",
                   dim_rows)
    group_rows.sort()
    db.executemany("INSERT INTO agg_group VALUES (?, ?, 0, ?)", group_rows)
    db.execute("COMMIT")
    db.close()
    t = time.monotonic() - t0
    print(f"answers={answers} total_s={t:.3f} rows_per_s={answers / t:.0f}")


if __name__ == "__main__":
    main()
