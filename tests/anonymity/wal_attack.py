#!/usr/bin/python3
"""wal_attack.py - the adversary of tests/anonymity/: someone who holds a
copy of carepulse.db, its -wal and its -shm (and the installation key, which
changes nothing here) and tries to pair a response with an invitation, so
with a person, beyond the (wave, team) both belong to. docs/anonymity.md
names what each attack is meant to show.

  wal_attack.py attack DB [WAL [SHM]]   every attack; prints what links,
                                        exits 1 when anything links
  wal_attack.py selftest DIR            builds, on a copy of a carepulse
                                        database in DIR, the files that the
                                        code before schema 5 left and checks
                                        that every attack finds its link
                                        there (so a test using the attacks
                                        can fail)

Attacks:
  replay    the WAL, commit by commit, over the database file: for each
            commit, the invitations it marks answered and the responses it
            adds, by (wave, team, kind); one of each in a group is a link.
  shm       the page list of the last commits in the -shm file: the
            invitations and responses on the pages it names, by group;
            one of each is a link.
  placement cells of the response tables in the order their bytes sit in
            their pages (SQLite writes a new cell below the older ones),
            read as the order responses arrived and paired with an order
            of answering known from outside (a reminder sent to one
            person, what people say). Guessing, it is right by chance
            now and then, so the tests check its premise instead
            (positions(): a response's cell never moves once made) and
            the self-test shows it pairs everyone on the old layout.
Standard library only (Debian's python3 with sqlite3 and dbstat).
"""
import json
import os
import shutil
import sqlite3
import struct
import sys
import tempfile

WAL_MAGIC = (0x377F0682, 0x377F0683)


def read_wal(path):
    """The WAL's commits, oldest first: (db pages after it, {pgno: page})."""
    if not path or not os.path.exists(path):
        return 0, []
    data = open(path, "rb").read()
    if len(data) < 32:
        return 0, []
    magic, _ver, psize, _seq, salt1, salt2 = struct.unpack(">6I", data[:24])
    if magic not in WAL_MAGIC:
        return 0, []
    commits, cur, off = [], {}, 32
    while off + 24 + psize <= len(data):
        pgno, dbsize, s1, s2 = struct.unpack(">4I", data[off:off + 16])
        if (s1, s2) != (salt1, salt2):
            break  # a frame of an earlier WAL generation: not valid
        cur[pgno] = data[off + 24:off + 24 + psize]
        if dbsize:
            commits.append((dbsize, cur))
            cur = {}
        off += 24 + psize
    return psize, commits


def page_size_of(db_bytes):
    ps = struct.unpack(">H", db_bytes[16:18])[0]
    return 65536 if ps == 1 else ps


class State:
    """A database image opened read-only from a scratch file."""

    def __init__(self, image, scratch):
        self.path = scratch
        with open(scratch, "wb") as f:
            f.write(image)
        self.con = sqlite3.connect("file:%s?immutable=1" % scratch, uri=True)

    def close(self):
        self.con.close()
        os.unlink(self.path)

    def tables(self):
        return {r[0] for r in self.con.execute(
            "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')")}

    def answered(self):
        """{invitation id: (group, e-mail)} of answered invitations."""
        return {i: ((w, t, k == "self"), e) for i, w, t, k, e in self.con.execute(
            "SELECT i.id, i.wave_id, i.team_id, i.kind, m.email"
            " FROM invitation i JOIN member m ON m.id = i.member_id"
            " WHERE i.answered")}

    def responses(self):
        """{response id: (group, what it says)} for either schema."""
        out = {}
        t = self.tables()
        if "response_slot" in t:
            rows = self.con.execute(
                "SELECT id, wave_id, team_id, self, answers FROM response_slot"
                " WHERE filled")
            for rid, w, tm, s, a in rows:
                out[bytes(rid)] = ((w, tm, bool(s)), a)
        elif "response" in t:
            for rid, w, tm, s in self.con.execute(
                    "SELECT id, wave_id, team_id, self FROM response"):
                a = "".join("%s=%s;" % kv for kv in self.con.execute(
                    "SELECT item_id, value FROM answer WHERE response_id = ?"
                    " ORDER BY item_id", (rid,)))
                c = [x for x, in self.con.execute(
                    "SELECT text FROM comment WHERE response_id = ?", (rid,))]
                out[bytes(rid)] = ((w, tm, bool(s)), a + "|".join(c))
        return out


def pair(marks, adds):
    """Links: a group with exactly one new answered mark and one new
    response in the same step."""
    links = []
    groups = {}
    for inv, (g, email) in marks.items():
        groups.setdefault(g, [[], []])[0].append(email)
    for rid, (g, said) in adds.items():
        groups.setdefault(g, [[], []])[1].append((rid.hex(), said))
    for g, (m, a) in groups.items():
        if len(m) == 1 and len(a) == 1:
            links.append({"email": m[0], "response": a[0][0],
                          "answers": a[0][1], "group": list(g)})
    return links


def replay(db, wal):
    """Each commit of the WAL against the state before it."""
    base = open(db, "rb").read()
    psize, commits = read_wal(wal)
    if not commits:
        return []
    scratch = tempfile.mkdtemp(prefix="wal-attack-")
    links = []
    try:
        image = bytearray(base)
        before = State(bytes(image), os.path.join(scratch, "s0.db"))
        for n, (dbsize, pages) in enumerate(commits, 1):
            image = bytearray(image[:dbsize * psize].ljust(dbsize * psize, b"\0"))
            for pgno, page in pages.items():
                if pgno <= dbsize:
                    image[(pgno - 1) * psize:pgno * psize] = page
            after = State(bytes(image), os.path.join(scratch, "s%d.db" % n))
            a0, a1 = before.answered(), after.answered()
            r0, r1 = before.responses(), after.responses()
            marks = {k: v for k, v in a1.items() if k not in a0}
            adds = {k: v for k, v in r1.items()
                    if k not in r0 or r0[k] != v}
            for l in pair(marks, adds):
                l["commit"] = n
                links.append(l)
            before.close()
            before = after
        before.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return links


def with_wal(db, wal):
    """The newest committed state: the database file with the WAL on it."""
    base = bytearray(open(db, "rb").read())
    psize, commits = read_wal(wal)
    for dbsize, pages in commits:
        base = bytearray(base[:dbsize * psize].ljust(dbsize * psize, b"\0"))
        for pgno, page in pages.items():
            if pgno <= dbsize:
                base[(pgno - 1) * psize:pgno * psize] = page
    return bytes(base)


def pages_of(con):
    """{page number: table or index name} from dbstat."""
    return {p: n for n, p in con.execute("SELECT name, pageno FROM dbstat")}


def leaf_cells(image, psize, pgno):
    """(cell offset, cell bytes start) of a b-tree leaf page."""
    off = 100 if pgno == 1 else 0
    page = image[(pgno - 1) * psize:pgno * psize]
    kind = page[off]
    if kind not in (10, 13):
        return []
    ncell = struct.unpack(">H", page[off + 3:off + 5])[0]
    ptrs = [struct.unpack(">H", page[off + 8 + 2 * i:off + 10 + 2 * i])[0]
            for i in range(ncell)]
    return ptrs


def shm_pages(shm):
    """Page numbers the -shm file lists for the frames of the WAL."""
    if not shm or not os.path.exists(shm):
        return set()
    data = open(shm, "rb").read()
    if len(data) < 136 + 4:
        return set()
    n = min(4062, (len(data) - 136) // 4)
    vals = struct.unpack("<%dI" % n, data[136:136 + 4 * n])
    if not any(vals):
        vals = struct.unpack(">%dI" % n, data[136:136 + 4 * n])
    return {v for v in vals if v}


def shm_attack(db, wal, shm):
    """Invitations and responses on the pages the -shm names, by group."""
    touched = shm_pages(shm)
    if not touched:
        return []
    image = with_wal(db, wal)
    psize = page_size_of(image)
    scratch = tempfile.mkdtemp(prefix="shm-attack-")
    try:
        st = State(image, os.path.join(scratch, "s.db"))
        names = pages_of(st.con)
        answered = st.answered()
        responses = st.responses()
        marks, adds = {}, {}
        for p in touched:
            if p > len(image) // psize:
                continue
            page = image[(p - 1) * psize:p * psize]
            name = names.get(p, "")
            if name in ("invitation",):
                # Rowid leaf: the ids of the rows on the page.
                for ptr in leaf_cells(image, psize, p):
                    _, n1 = varint(page, ptr)
                    rowid, _ = varint(page, ptr + n1)
                    if rowid in answered:
                        marks[rowid] = answered[rowid]
            elif name in ("response_slot", "response"):
                for rid, v in responses.items():
                    if rid in page:
                        adds[rid] = v
        st.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return pair(marks, adds)


def varint(buf, i):
    v = 0
    for n in range(9):
        b = buf[i + n]
        if n == 8:
            return (v << 8) | b, 9
        v = (v << 7) | (b & 0x7F)
        if b < 0x80:
            return v, n + 1
    return v, 9


def placement(db, wal, order):
    """Responses in the order their cells were written (the lowest offset
    in a page the newest), paired with the order people answered in."""
    image = with_wal(db, wal)
    psize = page_size_of(image)
    scratch = tempfile.mkdtemp(prefix="place-attack-")
    links = []
    try:
        st = State(image, os.path.join(scratch, "s.db"))
        responses = st.responses()
        where = {}
        for name, p in st.con.execute("SELECT name, pageno FROM dbstat"
                                      " WHERE pagetype = 'leaf'"):
            if name not in ("response", "response_slot"):
                continue
            page = image[(p - 1) * psize:p * psize]
            for rid in responses:
                k = page.find(rid)
                if k >= 0:
                    where[rid] = (p, -k)
        answered = st.answered()
        st.close()
        by_group = {}
        for rid, (g, said) in responses.items():
            by_group.setdefault(g, []).append((where.get(rid, (0, 0)), rid, said))
        emails = {e: g for g, e in answered.values()}
        for g, rs in by_group.items():
            people = [e for e in order if emails.get(e) == g]
            if len(people) < 2 or len(people) != len(rs):
                continue
            rs.sort()
            # With only the last answerer known (a reminder), the newest
            # cell is theirs; with the whole order, every cell.
            for e, (_, rid, said) in zip(people, rs):
                links.append({"email": e, "response": rid.hex(),
                              "answers": said, "group": list(g),
                              "by": "placement"})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return links


def positions(db, wal=None):
    """{response id: (page, offset)} of every row of the response tables,
    filled or not: where each cell sits."""
    image = with_wal(db, wal if wal is not None else db + "-wal")
    psize = page_size_of(image)
    scratch = tempfile.mkdtemp(prefix="place-")
    out = {}
    try:
        st = State(image, os.path.join(scratch, "s.db"))
        t = st.tables()
        table = "response_slot" if "response_slot" in t else "response"
        ids = [bytes(r) for r, in st.con.execute("SELECT id FROM %s" % table)]
        for name, p in st.con.execute("SELECT name, pageno FROM dbstat"
                                      " WHERE pagetype = 'leaf'"):
            if name != table:
                continue
            page = image[(p - 1) * psize:p * psize]
            for rid in ids:
                k = page.find(rid)
                if k >= 0:
                    out[rid] = (p, k)
        st.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return out


def group_sizes(db, wal):
    """{group: responses} in the newest committed state."""
    scratch = tempfile.mkdtemp(prefix="sizes-")
    try:
        st = State(with_wal(db, wal), os.path.join(scratch, "s.db"))
        sizes = {}
        for g, _ in st.responses().values():
            sizes[g] = sizes.get(g, 0) + 1
        st.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return sizes


def difference(db1, db2):
    """Two copies taken at different times: the invitations marked and the
    responses added between them, paired by group. Not an attack on the
    storage: the limit docs/anonymity.md states for two copies."""
    scratch = tempfile.mkdtemp(prefix="diff-")
    try:
        a = State(with_wal(db1, db1 + "-wal"), os.path.join(scratch, "a.db"))
        b = State(with_wal(db2, db2 + "-wal"), os.path.join(scratch, "b.db"))
        a0, a1 = a.answered(), b.answered()
        r0, r1 = a.responses(), b.responses()
        a.close()
        b.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return pair({k: v for k, v in a1.items() if k not in a0},
                {k: v for k, v in r1.items() if k not in r0})


def attack(db, wal=None, shm=None):
    """The WAL and -shm attacks; every link they find beyond the inherent
    one (a group with a single response is that one person's, whatever
    the files hold: docs/anonymity.md, "the inherent limit")."""
    wal = wal if wal is not None else db + "-wal"
    shm = shm if shm is not None else db + "-shm"
    links = ([dict(l, by="replay") for l in replay(db, wal)] +
             [dict(l, by="shm") for l in shm_attack(db, wal, shm)])
    sizes = group_sizes(db, wal)
    return [l for l in links if sizes.get(tuple(l["group"]), 0) >= 2]


# ---- the self-test: the files the code before schema 5 left ----

def selftest(workdir):
    """On a copy of a carepulse database with answered invitations and no
    responses yet, writes what the old form server wrote: one commit per
    lone submission, the WAL left in place, each response a new cell. The
    attacks must find those links."""
    src = os.path.join(workdir, "carepulse.db")
    db = os.path.join(workdir, "old.db")
    con0 = sqlite3.connect(src)
    con0.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con0.close()
    shutil.copy(src, db)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("CREATE TABLE IF NOT EXISTS old_response (id BLOB PRIMARY KEY,"
                " wave_id INT, team_id INT, self INT, day TEXT) WITHOUT ROWID")
    # A group nobody has answered yet, with three open invitations.
    open_inv = con.execute(
        "SELECT i.id, i.wave_id, i.team_id, m.email FROM invitation i"
        " JOIN member m ON m.id = i.member_id"
        " WHERE i.kind = 'team' AND (i.wave_id, i.team_id) IN ("
        "  SELECT wave_id, team_id FROM invitation WHERE kind = 'team'"
        "  GROUP BY 1, 2 HAVING sum(answered) = 0 AND count(*) >= 3"
        "  AND NOT EXISTS (SELECT 1 FROM response_slot r"
        "   WHERE r.wave_id = invitation.wave_id"
        "   AND r.team_id = invitation.team_id) LIMIT 1)"
        " ORDER BY i.id").fetchall()
    if len(open_inv) < 3:
        raise SystemExit("selftest: needs a group with 3 open invitations")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    truth, order = {}, []
    for n, (iid, w, t, email) in enumerate(open_inv[:3]):
        answers = str(n + 1) * 7
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE invitation SET answered = 1 WHERE id = ?", (iid,))
        con.execute("INSERT INTO response_slot(id, wave_id, team_id, self,"
                    " filled, answers) VALUES (?, ?, ?, 0, 1, ?)",
                    (os.urandom(16), w, t, answers))
        con.execute("COMMIT")
        truth[email] = answers
        order.append(email)
    # The files as a copy taken now would hold them, the WAL unmerged.
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            shutil.copy(db + suffix, os.path.join(workdir, "copy.db" + suffix))
    con.close()
    copy = os.path.join(workdir, "copy.db")
    got = replay(copy, copy + "-wal")
    ok = {l["email"] for l in got if truth.get(l["email"]) == l["answers"]}
    if ok != set(truth):
        raise SystemExit("selftest: replay linked %s of %s" % (sorted(ok), sorted(truth)))
    # Placement: the WAL merged, rows inserted one by one.
    merged = os.path.join(workdir, "merged.db")
    shutil.copy(copy, merged)
    shutil.copy(copy + "-wal", merged + "-wal")
    c = sqlite3.connect(merged)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    got = placement(merged, None, order)
    ok = {l["email"] for l in got if truth.get(l["email"]) == l["answers"]}
    if ok != set(truth):
        raise SystemExit("selftest: placement linked %s of %s" % (sorted(ok), sorted(truth)))
    print("selftest: replay and placement link all %d on the old layout" % len(truth))


def main(argv):
    if len(argv) >= 3 and argv[1] == "selftest":
        selftest(argv[2])
        return 0
    if len(argv) >= 3 and argv[1] == "attack":
        db = argv[2]
        wal = argv[3] if len(argv) > 3 else None
        shm = argv[4] if len(argv) > 4 else None
        links = attack(db, wal, shm)
        for l in links:
            print(json.dumps(l))
        return 1 if links else 0
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
