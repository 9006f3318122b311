#!/usr/bin/python3
"""Peer for `carepulse import`: Python's csv + sqlite3 executemany, storing
the generated wave CSVs into the same schema as carepulse (random 16-byte
response ids, WITHOUT ROWID, foreign keys on, WAL, synchronous FULL) in one
transaction.

usage: import_sqlite.py DB WAVE.csv...   (file i is wave i)
"""
import csv
import os
import sqlite3
import sys
import time

SCHEMA = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA foreign_keys = ON;
CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
CREATE TABLE wave (id INTEGER PRIMARY KEY);
CREATE TABLE response (
  id BLOB PRIMARY KEY,
  wave_id INTEGER NOT NULL REFERENCES wave(id),
  team_id INTEGER NOT NULL REFERENCES team(id),
  self INTEGER NOT NULL DEFAULT 0 CHECK (self IN (0, 1)),
  day TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX response_wave_team ON response(wave_id, team_id, self);
CREATE TABLE answer (
  response_id BLOB NOT NULL REFERENCES response(id) ON DELETE CASCADE,
  item_id TEXT NOT NULL,
  value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
  PRIMARY KEY (response_id, item_id)
) WITHOUT ROWID;
CREATE TABLE comment (
  response_id BLOB NOT NULL REFERENCES response(id) ON DELETE CASCADE,
  question_id TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (response_id, question_id)
) WITHOUT ROWID;
"""


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: import_sqlite.py DB WAVE.csv...")
    db_path = sys.argv[1]
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    t0 = time.monotonic()
    db = sqlite3.connect(db_path, isolation_level=None)
    db.executescript(SCHEMA)
    db.execute("BEGIN IMMEDIATE")
    teams = {}
    answers = 0
    for wave, path in enumerate(sys.argv[2:], start=1):
        db.execute("INSERT INTO wave VALUES (?)", (wave,))
        responses, answer_rows, comments = [], [], []
        with open(path, newline="", encoding="utf-8") as f:
            rows = csv.reader(f)
            header = next(rows)
            items = header[1:-1]
            question = header[-1]
            for row in rows:
                team = teams.get(row[0])
                if team is None:
                    team = teams[row[0]] = len(teams) + 1
                    db.execute("INSERT INTO team VALUES (?, ?)",
                               (team, row[0]))
                rid = os.urandom(16)
                responses.append((rid, wave, team, "2026-11-23"))
                for item, value in zip(items, row[1:-1]):
                    v = int(value)
                    if not 1 <= v <= 5:
                        sys.exit(f"{path}: {v} is off the scale")
                    answer_rows.append((rid, item, v))
                if row[-1]:
                    comments.append((rid, question, row[-1]))
        db.executemany("INSERT INTO response(id, wave_id, team_id, day)"
                       " VALUES (?, ?, ?, ?)", responses)
        db.executemany("INSERT INTO answer VALUES (?, ?, ?)", answer_rows)
        db.executemany("INSERT INTO comment VALUES (?, ?, ?)", comments)
        answers += len(answer_rows)
    db.execute("COMMIT")
    db.close()
    t = time.monotonic() - t0
    print(f"answers={answers} total_s={t:.3f} rows_per_s={answers / t:.0f}")


if __name__ == "__main__":
    main()
