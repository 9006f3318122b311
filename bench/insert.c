/*
 * bench/insert.c - the limit for `carepulse import`: every response of the
 * generated wave CSVs stored straight through SQLite into the same tables
 * as carepulse (schema 16): response_slot clustered by (wave, team, self,
 * random 16-byte id), WITHOUT ROWID, one row per response with its
 * answers one character per item; the group's comments as one JSON list
 * sorted by content (comment_group); the totals carepulse keeps in the
 * same transaction (agg_group, agg_item, agg_dim: the same rows, counted
 * here in memory); an import row per file. Foreign keys on, WAL,
 * synchronous FULL, one transaction. The best raw way: every row built
 * and sorted by its key in memory, then inserted in key order.
 *
 * The tables are carepulse's own, not a copy of its DDL: DB starts as a
 * copy of --schema-from, a database `carepulse init` made (its tables,
 * indexes and triggers, the built-in surveys), so a schema change cannot
 * leave the limit writing other tables. The teams and waves it needs
 * are inserted as plain rows (a team per name met, a wave per file, on
 * the survey compassionate-pulse, open).
 *
 *   --mode prepared   one prepared INSERT per row
 *   --mode multirow   multi-row INSERT statements for the responses
 *   --per-file        commit after each file (one durable transaction each)
 *   --normalised      instead, the normalised tables carepulse had before
 *                     schema 5 (response, answer, comment; random ids
 *                     scattered): the input of bench_groupby --query join
 *   --flat            instead, a denormalised answer_flat(wave, team,
 *                     item, value) with a covering index: the input of
 *                     bench_groupby
 *
 * usage: bench_insert [--mode M] [--per-file] [--no-fk]
 *        --schema-from CAREPULSE.db DB WAVE.csv...
 *        bench_insert [--mode M] [--per-file] --normalised | --flat
 *        [--no-fk] DB WAVE.csv...
 * (file i is wave i). Prints answers=N insert_s=T rows_per_s=R; insert_s
 * is everything but reading the files (parsing, counting, sorting,
 * inserting, the commit).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "csvscan.h"
#include "rng.h"

#define BATCH 30 /* responses per multi-row statement */

static const char norm_schema[] =
    "PRAGMA journal_mode = WAL;"
    "PRAGMA synchronous = FULL;"
    /* random keys touch pages all over the tables: keep them in memory */
    "PRAGMA cache_size = -524288;"
    "CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);"
    "CREATE TABLE wave (id INTEGER PRIMARY KEY);"
    "CREATE TABLE response ("
    "  id BLOB PRIMARY KEY,"
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  team_id INTEGER NOT NULL REFERENCES team(id),"
    "  self INTEGER NOT NULL DEFAULT 0 CHECK (self IN (0, 1)),"
    "  day TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX response_wave_team ON response(wave_id, team_id, self);"
    "CREATE TABLE answer ("
    "  response_id BLOB NOT NULL REFERENCES response(id) ON DELETE CASCADE,"
    "  item_id TEXT NOT NULL,"
    "  value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),"
    "  PRIMARY KEY (response_id, item_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE comment ("
    "  response_id BLOB NOT NULL REFERENCES response(id) ON DELETE CASCADE,"
    "  question_id TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  PRIMARY KEY (response_id, question_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE answer_flat (wave_id INTEGER NOT NULL,"
    "  team_id INTEGER NOT NULL, item_id TEXT NOT NULL,"
    "  value INTEGER NOT NULL);";

struct loader {
	sqlite3 *db;
	int multirow, flat;
	struct cp_rng rng;
	sqlite3_stmt *team_ins, *response, *answer, *comment;
	sqlite3_stmt *many_resp, *many_answer;
	/* the pending batch (multirow) */
	int nbatch;
	uint8_t ids[BATCH][16];
	int64_t wave[BATCH], team[BATCH];
	int value[BATCH][CSV_MAXFIELDS];
	const char *comment_text[BATCH];
	size_t comment_col;
	const char *header[CSV_MAXFIELDS];
	size_t nitems;
	long long answers;
	/* team name -> id, open addressing */
	char **names;
	int64_t *team_ids;
	size_t cap, nteams;
};

static void die(struct loader *l, const char *what)
{
	fprintf(stderr, "bench_insert: %s: %s\n", what, sqlite3_errmsg(l->db));
	exit(1);
}

static sqlite3_stmt *prepare(struct loader *l, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		die(l, sql);
	return st;
}

static void step(struct loader *l, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die(l, "insert");
	sqlite3_reset(st);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int64_t team_id(struct loader *l, const char *name)
{
	size_t i;

	if (l->nteams * 2 >= l->cap) {
		struct loader old = *l;

		l->cap = l->cap ? l->cap * 2 : 1024;
		l->names = calloc(l->cap, sizeof(*l->names));
		l->team_ids = calloc(l->cap, sizeof(*l->team_ids));
		if (l->names == NULL || l->team_ids == NULL)
			exit(70);
		for (size_t k = 0; k < old.cap; k++) {
			if (old.names[k] == NULL)
				continue;
			i = hash(old.names[k]) & (l->cap - 1);
			while (l->names[i])
				i = (i + 1) & (l->cap - 1);
			l->names[i] = old.names[k];
			l->team_ids[i] = old.team_ids[k];
		}
		free(old.names);
		free(old.team_ids);
	}
	i = hash(name) & (l->cap - 1);
	while (l->names[i]) {
		if (strcmp(l->names[i], name) == 0)
			return l->team_ids[i];
		i = (i + 1) & (l->cap - 1);
	}
	l->names[i] = strdup(name);
	l->team_ids[i] = (int64_t)++l->nteams;
	sqlite3_bind_int64(l->team_ins, 1, l->team_ids[i]);
	sqlite3_bind_text(l->team_ins, 2, name, -1, SQLITE_STATIC);
	step(l, l->team_ins);
	return l->team_ids[i];
}

/* Frees the team names team_id kept. */
static void free_teams(struct loader *l)
{
	for (size_t k = 0; k < l->cap; k++)
		free(l->names[k]);
	free(l->names);
	free(l->team_ids);
}

/* The multi-row statements for n responses of nitems answers. */
static void prepare_many(struct loader *l, int n, sqlite3_stmt **resp,
			 sqlite3_stmt **ans)
{
	size_t cap = 64 + (size_t)n * l->nitems * 12;
	char *sql = malloc(cap);
	size_t len;

	if (sql == NULL)
		exit(70);
	len = (size_t)snprintf(sql, cap,
			       "INSERT INTO response(id, wave_id,"
			       " team_id, day) VALUES ");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(sql + len, cap - len, "%s(?,?,?,?)",
					i ? "," : "");
	*resp = prepare(l, sql);
	len = (size_t)snprintf(sql, cap, "INSERT INTO answer VALUES ");
	for (size_t i = 0; i < (size_t)n * l->nitems; i++)
		len += (size_t)snprintf(sql + len, cap - len, "%s(?,?,?)",
					i ? "," : "");
	*ans = prepare(l, sql);
	free(sql);
}

static void flush(struct loader *l)
{
	sqlite3_stmt *resp = l->many_resp, *ans = l->many_answer;
	int p = 1;

	if (l->nbatch == 0)
		return;
	if (l->nbatch < BATCH)
		prepare_many(l, l->nbatch, &resp, &ans);
	for (int i = 0; i < l->nbatch; i++) {
		sqlite3_bind_blob(resp, p++, l->ids[i], 16, SQLITE_STATIC);
		sqlite3_bind_int64(resp, p++, l->wave[i]);
		sqlite3_bind_int64(resp, p++, l->team[i]);
		sqlite3_bind_text(resp, p++, "2026-11-23", 10, SQLITE_STATIC);
	}
	step(l, resp);
	p = 1;
	for (int i = 0; i < l->nbatch; i++)
		for (size_t k = 0; k < l->nitems; k++) {
			sqlite3_bind_blob(ans, p++, l->ids[i], 16,
					  SQLITE_STATIC);
			sqlite3_bind_text(ans, p++, l->header[k + 1], -1,
					  SQLITE_STATIC);
			sqlite3_bind_int(ans, p++, l->value[i][k]);
		}
	step(l, ans);
	for (int i = 0; i < l->nbatch; i++) {
		if (l->comment_text[i] == NULL)
			continue;
		sqlite3_bind_blob(l->comment, 1, l->ids[i], 16, SQLITE_STATIC);
		sqlite3_bind_text(l->comment, 2, l->header[l->comment_col], -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(l->comment, 3, l->comment_text[i], -1,
				  SQLITE_STATIC);
		step(l, l->comment);
	}
	if (resp != l->many_resp) {
		sqlite3_finalize(resp);
		sqlite3_finalize(ans);
	}
	l->nbatch = 0;
}

static void random_id(struct loader *l, uint8_t id[16])
{
	uint64_t a = cp_rng_next(&l->rng), b = cp_rng_next(&l->rng);

	memcpy(id, &a, 8);
	memcpy(id + 8, &b, 8);
}

static void add_row(struct loader *l, int64_t wave, const struct csv_row *row,
		    size_t comment_col)
{
	int64_t team = team_id(l, row->field[0]);
	int values[CSV_MAXFIELDS];
	uint8_t id[16];

	for (size_t k = 0; k < l->nitems; k++) {
		const char *v = row->field[k + 1];

		if (v[0] < '1' || v[0] > '5' || v[1])
			die(l, "a value off the scale");
		values[k] = v[0] - '0';
	}
	l->answers += (long long)l->nitems;
	if (l->flat) {
		for (size_t k = 0; k < l->nitems; k++) {
			sqlite3_bind_int64(l->answer, 1, wave);
			sqlite3_bind_int64(l->answer, 2, team);
			sqlite3_bind_text(l->answer, 3, l->header[k + 1], -1,
					  SQLITE_STATIC);
			sqlite3_bind_int(l->answer, 4, values[k]);
			step(l, l->answer);
		}
		return;
	}
	if (l->multirow) {
		uint8_t *bid = l->ids[l->nbatch];

		random_id(l, bid);
		l->wave[l->nbatch] = wave;
		l->team[l->nbatch] = team;
		memcpy(l->value[l->nbatch], values, sizeof(values));
		/* comments follow their responses when the batch is flushed */
		l->comment_col = comment_col;
		l->comment_text[l->nbatch] =
		    comment_col < row->nfields && row->field[comment_col][0]
			? row->field[comment_col]
			: NULL;
		if (++l->nbatch == BATCH)
			flush(l);
		return;
	} else {
		random_id(l, id);
		sqlite3_bind_blob(l->response, 1, id, 16, SQLITE_STATIC);
		sqlite3_bind_int64(l->response, 2, wave);
		sqlite3_bind_int64(l->response, 3, team);
		sqlite3_bind_text(l->response, 4, "2026-11-23", 10,
				  SQLITE_STATIC);
		step(l, l->response);
		for (size_t k = 0; k < l->nitems; k++) {
			sqlite3_bind_blob(l->answer, 1, id, 16, SQLITE_STATIC);
			sqlite3_bind_text(l->answer, 2, l->header[k + 1], -1,
					  SQLITE_STATIC);
			sqlite3_bind_int(l->answer, 3, values[k]);
			step(l, l->answer);
		}
	}
	if (comment_col < row->nfields && row->field[comment_col][0]) {
		sqlite3_bind_blob(l->comment, 1, id, 16, SQLITE_STATIC);
		sqlite3_bind_text(l->comment, 2, l->header[comment_col], -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(l->comment, 3, row->field[comment_col], -1,
				  SQLITE_STATIC);
		step(l, l->comment);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- carepulse's present tables (schema 16) ---- */

static void sdie(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_insert: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

/* The survey the waves are made on (the data's: bench/run's SURVEY). */
#define SURVEY "compassionate-pulse"

/* DB made afresh as a copy of the carepulse database at from (SQLite's
 * backup: its schema, whatever its journal mode), then opened as the
 * bulk load's connection. */
static sqlite3 *open_copy(const char *from, const char *path)
{
	sqlite3 *src = NULL, *db = NULL;
	sqlite3_backup *bk;
	char aside[4096];

	remove(path);
	snprintf(aside, sizeof(aside), "%s-wal", path);
	remove(aside);
	snprintf(aside, sizeof(aside), "%s-shm", path);
	remove(aside);
	if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		sdie(src, from);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		sdie(db, path);
	bk = sqlite3_backup_init(db, "main", src, "main");
	if (bk == NULL)
		sdie(db, "backup");
	if (sqlite3_backup_step(bk, -1) != SQLITE_DONE)
		sdie(db, from);
	if (sqlite3_backup_finish(bk) != SQLITE_OK)
		sdie(db, "backup");
	sqlite3_close(src);
	return db;
}

#define MAX_ITEMS 32

/* A response: its key and answers (one digit per item). */
struct slot {
	int64_t wave, team;
	uint8_t id[16];
	char answers[MAX_ITEMS + 1];
	const char *comment; /* in the file's buffer, or NULL */
};

struct slots {
	sqlite3 *db;
	struct slot *rows;
	size_t n, alloc;
	size_t nitems;
	const char *items[MAX_ITEMS], *dims[MAX_ITEMS];
	const char *question;
	long long answers;
};

static int slot_order(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->wave != y->wave)
		return x->wave < y->wave ? -1 : 1;
	if (x->team != y->team)
		return x->team < y->team ? -1 : 1;
	return memcmp(x->id, y->id, 16);
}

/* The comment as a JSON [question, text] pair (what comment_group's lists
 * hold and sort by). */
static char *json_pair(const char *q, const char *t)
{
	size_t cap = 16 + strlen(q) + 6 * strlen(t), len = 0;
	char *out = malloc(cap);

	if (out == NULL)
		exit(70);
	len += (size_t)snprintf(out, cap, "[\"%s\",\"", q);
	for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
		if (*p == '"' || *p == '\\') {
			out[len++] = '\\';
			out[len++] = (char)*p;
		} else if (*p < 0x20) {
			len += (size_t)snprintf(out + len, cap - len, "\\u%04x",
						*p);
		} else {
			out[len++] = (char)*p;
		}
	}
	memcpy(out + len, "\"]", 3);
	return out;
}

static int str_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A totals row: agg_item's (name, counts 1-5), agg_dim's (name, n, sum,
 * sumsq) or agg_group's (n). */
struct trow {
	int64_t wave, team, v[5];
	const char *name;
	double sum, sumsq;
};

enum {
	T_ITEM,
	T_DIM,
	T_GROUP
};

static const char *const t_head[] = {
    ("INSERT INTO agg_item(wave_id, team_id, self, item_id, c1, c2, c3, c4,"
     " c5) VALUES "),
    "INSERT INTO agg_dim VALUES ", "INSERT INTO agg_group VALUES "};
static const char *const t_row[] = {"(?, ?, 0, ?, ?, ?, ?, ?, ?)",
				    "(?, ?, 0, ?, ?, ?, ?)", "(?, ?, 0, ?)"};

/* One table's totals rows, written as they come (prepared) or BATCH to
 * a statement (multirow, as carepulse writes them). */
struct totals {
	sqlite3 *db;
	int kind;
	sqlite3_stmt *one, *many;
	struct trow rows[BATCH];
	int n;
};

static sqlite3_stmt *t_prepare(sqlite3 *db, int kind, int n)
{
	char sql[8192];
	size_t len = (size_t)snprintf(sql, sizeof(sql), "%s", t_head[kind]);
	sqlite3_stmt *st;

	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s%s",
					i ? "," : "", t_row[kind]);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		sdie(db, "prepare");
	return st;
}

/* Writes t's pending rows, with one statement when they are BATCH. */
static void t_flush(struct totals *t)
{
	sqlite3_stmt *st = t->n == BATCH ? t->many : t->one;

	for (int i = 0; i < t->n;) {
		int p = 1;
		do {
			const struct trow *r = &t->rows[i++];
			sqlite3_bind_int64(st, p++, r->wave);
			sqlite3_bind_int64(st, p++, r->team);
			if (t->kind != T_GROUP)
				sqlite3_bind_text(st, p++, r->name, -1,
						  SQLITE_STATIC);
			if (t->kind == T_ITEM)
				for (int v = 0; v < 5; v++)
					sqlite3_bind_int64(st, p++, r->v[v]);
			else
				sqlite3_bind_int64(st, p++, r->v[0]);
			if (t->kind == T_DIM) {
				sqlite3_bind_double(st, p++, r->sum);
				sqlite3_bind_double(st, p++, r->sumsq);
			}
		} while (st == t->many && i < t->n);
		if (sqlite3_step(st) != SQLITE_DONE)
			sdie(t->db, "insert");
		sqlite3_reset(st);
	}
	t->n = 0;
}

static void t_add(struct totals *t, const struct trow *r)
{
	t->rows[t->n++] = *r;
	if (t->n == BATCH || t->many == NULL)
		t_flush(t);
}

/* Writes rows[first..end) (one or more groups, sorted) and their groups'
 * totals and comment lists; multirow: statements of up to BATCH rows. */
static void write_slots(struct slots *S, size_t first, size_t end, int multirow,
			const int64_t *import_of)
{
	sqlite3 *db = S->db;
	sqlite3_stmt *one, *many = NULL, *com;
	static struct totals T[3];
	char sql[8192];
	size_t len;

	one = NULL;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO response_slot(id, wave_id, team_id,"
			       " self, filled, answers, import_id)"
			       " VALUES (?, ?, ?, 0, 1, ?, ?)",
			       -1, &one, NULL) != SQLITE_OK)
		sdie(db, "prepare");
	if (multirow) {
		len = (size_t)snprintf(sql, sizeof(sql),
				       "INSERT INTO response_slot(id, wave_id,"
				       " team_id, self, filled, answers,"
				       " import_id) VALUES ");
		for (int i = 0; i < BATCH; i++)
			len +=
			    (size_t)snprintf(sql + len, sizeof(sql) - len,
					     "%s(?,?,?,0,1,?,?)", i ? "," : "");
		if (sqlite3_prepare_v2(db, sql, -1, &many, NULL) != SQLITE_OK)
			sdie(db, "prepare");
	}
	for (size_t r = first; r < end;) {
		if (multirow && end - r >= BATCH) {
			int p = 1;
			for (int k = 0; k < BATCH; k++, r++) {
				sqlite3_bind_blob(many, p++, S->rows[r].id, 16,
						  SQLITE_STATIC);
				sqlite3_bind_int64(many, p++, S->rows[r].wave);
				sqlite3_bind_int64(many, p++, S->rows[r].team);
				sqlite3_bind_text(many, p++, S->rows[r].answers,
						  -1, SQLITE_STATIC);
				sqlite3_bind_int64(many, p++,
						   import_of[S->rows[r].wave]);
			}
			if (sqlite3_step(many) != SQLITE_DONE)
				sdie(db, "insert");
			sqlite3_reset(many);
			continue;
		}
		sqlite3_bind_blob(one, 1, S->rows[r].id, 16, SQLITE_STATIC);
		sqlite3_bind_int64(one, 2, S->rows[r].wave);
		sqlite3_bind_int64(one, 3, S->rows[r].team);
		sqlite3_bind_text(one, 4, S->rows[r].answers, -1,
				  SQLITE_STATIC);
		sqlite3_bind_int64(one, 5, import_of[S->rows[r].wave]);
		if (sqlite3_step(one) != SQLITE_DONE)
			sdie(db, "insert");
		sqlite3_reset(one);
		r++;
	}
	sqlite3_finalize(one);
	sqlite3_finalize(many);
	/* The totals of each group, counted here, in key order per table:
	 * comment lists, agg_item, agg_dim, agg_group (as carepulse; with
	 * --mode multirow, BATCH rows a statement as carepulse does). */
	if (sqlite3_prepare_v2(
		db, "INSERT INTO comment_group VALUES (?, ?, 0, ?, ?)", -1,
		&com, NULL) != SQLITE_OK)
		sdie(db, "prepare");
	for (int k = T_ITEM; k <= T_GROUP; k++) {
		T[k].db = db;
		T[k].kind = k;
		T[k].n = 0;
		T[k].one = t_prepare(db, k, 1);
		T[k].many = multirow ? t_prepare(db, k, BATCH) : NULL;
	}
	for (int pass = 0; pass < 4; pass++) {
		for (size_t g = first; g < end;) {
			size_t e = g;
			int64_t counts[MAX_ITEMS][6] = {{0}};
			double sum[MAX_ITEMS] = {0}, sumsq[MAX_ITEMS] = {0};
			char *list[4096];
			size_t nlist = 0;

			while (e < end && S->rows[e].wave == S->rows[g].wave &&
			       S->rows[e].team == S->rows[g].team)
				e++;
			for (size_t r = g; r < e; r++)
				for (size_t k = 0; k < S->nitems; k++) {
					int v = S->rows[r].answers[k] - '0';
					counts[k][v]++;
					sum[k] += v;
					sumsq[k] += (double)v * v;
				}
			if (pass == 0) {
				struct cp_buf_lite {
					char *p;
					size_t len, cap;
				} b = {0};
				for (size_t r = g; r < e && nlist < 4096; r++)
					if (S->rows[r].comment)
						list[nlist++] = json_pair(
						    S->question,
						    S->rows[r].comment);
				if (nlist == 0) {
					g = e;
					continue;
				}
				qsort(list, nlist, sizeof(*list), str_order);
				for (size_t c = 0; c < nlist; c++)
					b.cap += strlen(list[c]) + 1;
				b.p = malloc(b.cap + 2);
				if (b.p == NULL)
					exit(70);
				b.p[b.len++] = '[';
				for (size_t c = 0; c < nlist; c++) {
					size_t n = strlen(list[c]);
					if (c)
						b.p[b.len++] = ',';
					memcpy(b.p + b.len, list[c], n);
					b.len += n;
					free(list[c]);
				}
				b.p[b.len++] = ']';
				sqlite3_bind_int64(com, 1, S->rows[g].wave);
				sqlite3_bind_int64(com, 2, S->rows[g].team);
				sqlite3_bind_int64(com, 3,
						   import_of[S->rows[g].wave]);
				sqlite3_bind_text(com, 4, b.p, (int)b.len,
						  free);
				if (sqlite3_step(com) != SQLITE_DONE)
					sdie(db, "insert");
				sqlite3_reset(com);
			}
			for (size_t k = 0; pass == 1 && k < S->nitems; k++) {
				struct trow t = {.wave = S->rows[g].wave,
						 .team = S->rows[g].team,
						 .name = S->items[k]};
				for (int v = 1; v <= 5; v++)
					t.v[v - 1] = counts[k][v];
				t_add(&T[T_ITEM], &t);
			}
			for (size_t k = 0; pass == 2 && k < S->nitems; k++) {
				struct trow t = {.wave = S->rows[g].wave,
						 .team = S->rows[g].team,
						 .name = S->dims[k],
						 .v = {(int64_t)(e - g)},
						 .sum = sum[k],
						 .sumsq = sumsq[k]};
				t_add(&T[T_DIM], &t);
			}
			if (pass == 3) {
				struct trow t = {.wave = S->rows[g].wave,
						 .team = S->rows[g].team,
						 .v = {(int64_t)(e - g)}};
				t_add(&T[T_GROUP], &t);
			}
			g = e;
		}
		if (pass > 0)
			t_flush(&T[pass - 1]);
	}
	sqlite3_finalize(com);
	for (int k = T_ITEM; k <= T_GROUP; k++) {
		sqlite3_finalize(T[k].one);
		sqlite3_finalize(T[k].many);
	}
}

static int slots_main(const char *from, const char *path, char **files,
		      int nfiles, int multirow, int per_file, int fk)
{
	static struct slots S;
	struct loader teams = {0};
	int64_t *import_of = calloc((size_t)nfiles + 2, sizeof(int64_t));
	char **bufs = calloc((size_t)nfiles + 1, sizeof(*bufs));
	sqlite3_stmt *imp, *wave_ins;
	int64_t survey = 0;
	size_t done = 0;
	double t0, t1;

	if (import_of == NULL || bufs == NULL)
		return 70;
	S.db = open_copy(from, path);
	if (sqlite3_exec(S.db,
			 "PRAGMA journal_mode = WAL;"
			 "PRAGMA synchronous = FULL;"
			 "PRAGMA cache_size = -524288;",
			 NULL, NULL, NULL) != SQLITE_OK)
		sdie(S.db, "pragmas");
	if (fk)
		sqlite3_exec(S.db, "PRAGMA foreign_keys = ON", NULL, NULL,
			     NULL);
	teams.db = S.db;
	wave_ins =
	    prepare(&teams, "SELECT id FROM survey WHERE survey_id = '" SURVEY
			    "' ORDER BY id DESC LIMIT 1");
	if (sqlite3_step(wave_ins) == SQLITE_ROW)
		survey = sqlite3_column_int64(wave_ins, 0);
	sqlite3_finalize(wave_ins);
	if (survey == 0) {
		fprintf(stderr,
			"bench_insert: %s: no survey " SURVEY
			" (not a database `carepulse init` made?)\n",
			from);
		return 66;
	}
	cp_rng_seed(&teams.rng, 7);
	for (int f = 0; f < nfiles; f++) {
		size_t len;
		if (csv_slurp(files[f], &bufs[f], &len)) {
			perror(files[f]);
			return 66;
		}
	}
	t0 = now();
	if (sqlite3_exec(S.db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		sdie(S.db, "begin");
	teams.team_ins =
	    prepare(&teams, "INSERT INTO team(id, name, created_at)"
			    " VALUES (?, ?, 0)");
	wave_ins = prepare(&teams, "INSERT INTO wave(id, survey_ref, status,"
				   " opens_at, channel, created_at)"
				   " VALUES (?, ?, 'open', 0, 'email', 0)");
	imp = prepare(&teams, "INSERT INTO import(wave_id, digest, responses,"
			      " imported_at) VALUES (?, randomblob(32), ?, 0)");
	for (int f = 0; f < nfiles; f++) {
		int64_t wave = f + 1;
		char *pos = bufs[f];
		struct csv_row row;
		size_t first = S.n;

		sqlite3_bind_int64(wave_ins, 1, wave);
		sqlite3_bind_int64(wave_ins, 2, survey);
		step(&teams, wave_ins);
		if (!csv_next(&pos, &row))
			continue;
		S.nitems = row.nfields - 2;
		if (S.nitems > MAX_ITEMS)
			sdie(S.db, "too many items");
		for (size_t k = 0; k < S.nitems; k++) {
			const char *dot = strrchr(row.field[k + 1], '.');
			S.items[k] = row.field[k + 1];
			S.dims[k] = dot ? dot + 1 : row.field[k + 1];
		}
		S.question = row.field[row.nfields - 1];
		while (csv_next(&pos, &row)) {
			struct slot *s;
			if (row.nfields != S.nitems + 2)
				continue;
			if (S.n == S.alloc) {
				S.alloc = S.alloc ? S.alloc * 2 : 65536;
				S.rows =
				    realloc(S.rows, S.alloc * sizeof(*S.rows));
				if (S.rows == NULL)
					return 70;
			}
			s = &S.rows[S.n++];
			s->wave = wave;
			s->team = team_id(&teams, row.field[0]);
			for (size_t k = 0; k < S.nitems; k++) {
				const char *v = row.field[k + 1];
				if (v[0] < '1' || v[0] > '5' || v[1])
					sdie(S.db, "a value off the scale");
				s->answers[k] = v[0];
			}
			s->answers[S.nitems] = '\0';
			s->comment = row.field[S.nitems + 1][0]
					 ? row.field[S.nitems + 1]
					 : NULL;
			random_id(&teams, s->id);
			S.answers += (long long)S.nitems;
		}
		sqlite3_bind_int64(imp, 1, wave);
		sqlite3_bind_int64(imp, 2, (int64_t)(S.n - first));
		if (sqlite3_step(imp) != SQLITE_DONE)
			sdie(S.db, "import");
		sqlite3_reset(imp);
		import_of[wave] = sqlite3_last_insert_rowid(S.db);
		if (per_file) {
			qsort(S.rows + first, S.n - first, sizeof(*S.rows),
			      slot_order);
			write_slots(&S, first, S.n, multirow, import_of);
			done = S.n;
			if (f + 1 < nfiles &&
			    (sqlite3_exec(S.db, "COMMIT", NULL, NULL, NULL) !=
				 SQLITE_OK ||
			     sqlite3_exec(S.db, "BEGIN IMMEDIATE", NULL, NULL,
					  NULL) != SQLITE_OK))
				sdie(S.db, "commit");
		}
	}
	if (done < S.n) {
		qsort(S.rows + done, S.n - done, sizeof(*S.rows), slot_order);
		write_slots(&S, done, S.n, multirow, import_of);
	}
	if (sqlite3_exec(S.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		sdie(S.db, "commit");
	t1 = now();
	printf("answers=%lld insert_s=%.3f rows_per_s=%.0f\n", S.answers,
	       t1 - t0, (double)S.answers / (t1 - t0));
	sqlite3_finalize(teams.team_ins);
	sqlite3_finalize(wave_ins);
	sqlite3_finalize(imp);
	sqlite3_close(S.db);
	free_teams(&teams);
	for (int f = 0; f < nfiles; f++)
		free(bufs[f]);
	free(bufs);
	free(import_of);
	free(S.rows);
	return 0;
}

int main(int argc, char **argv)
{
	static struct loader l;
	int fk = 1, per_file = 0, normalised = 0, i = 1;
	const char *from = NULL;
	char **bufs;
	double t0, t1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc)
			l.multirow = strcmp(argv[++i], "multirow") == 0;
		else if (strcmp(argv[i], "--flat") == 0)
			l.flat = 1;
		else if (strcmp(argv[i], "--per-file") == 0)
			per_file = 1;
		else if (strcmp(argv[i], "--normalised") == 0)
			normalised = 1;
		else if (strcmp(argv[i], "--no-fk") == 0)
			fk = 0;
		else if (strcmp(argv[i], "--schema-from") == 0 && i + 1 < argc)
			from = argv[++i];
		else
			break;
	}
	if (argc - i < 2 || (!normalised && !l.flat && from == NULL)) {
		fprintf(stderr,
			"usage: bench_insert [--mode prepared|multirow]"
			" [--per-file] [--no-fk] --schema-from CAREPULSE.db"
			" DB WAVE.csv...\n"
			"       bench_insert [--mode prepared|multirow]"
			" [--per-file] --normalised | --flat [--no-fk]"
			" DB WAVE.csv...\n");
		return 64;
	}
	if (!normalised && !l.flat)
		return slots_main(from, argv[i], argv + i + 1, argc - i - 1,
				  l.multirow, per_file, fk);
	remove(argv[i]);
	if (sqlite3_open(argv[i], &l.db) != SQLITE_OK)
		die(&l, argv[i]);
	if (sqlite3_exec(l.db, norm_schema, NULL, NULL, NULL) != SQLITE_OK)
		die(&l, "schema");
	if (fk)
		sqlite3_exec(l.db, "PRAGMA foreign_keys = ON", NULL, NULL,
			     NULL);
	cp_rng_seed(&l.rng, 7);
	/* Reading the files is not part of the insert time. */
	bufs = calloc((size_t)argc, sizeof(*bufs));
	for (int f = i + 1; f < argc; f++) {
		size_t len;

		if (bufs == NULL || csv_slurp(argv[f], &bufs[f], &len)) {
			perror(argv[f]);
			return 66;
		}
	}
	t0 = now();
	sqlite3_exec(l.db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	l.team_ins = prepare(&l, "INSERT INTO team VALUES (?, ?)");
	l.response = prepare(&l, "INSERT INTO response(id, wave_id, team_id,"
				 " day) VALUES (?, ?, ?, ?)");
	l.answer = prepare(&l, l.flat ? "INSERT INTO answer_flat VALUES"
					" (?, ?, ?, ?)"
				      : "INSERT INTO answer VALUES (?, ?, ?)");
	l.comment = prepare(&l, "INSERT INTO comment VALUES (?, ?, ?)");
	for (int f = i + 1; f < argc; f++) {
		char *pos = bufs[f];
		struct csv_row row;
		size_t comment_col;

		{
			char sql[64];

			snprintf(sql, sizeof(sql),
				 "INSERT INTO wave VALUES (%d)", f - i);
			sqlite3_exec(l.db, sql, NULL, NULL, NULL);
		}
		if (!csv_next(&pos, &row))
			continue;
		memcpy(l.header, row.field, sizeof(row.field));
		comment_col = row.nfields - 1;
		l.nitems = comment_col - 1;
		if (l.multirow && l.many_resp == NULL)
			prepare_many(&l, BATCH, &l.many_resp, &l.many_answer);
		while (csv_next(&pos, &row))
			if (row.nfields == comment_col + 1)
				add_row(&l, f - i, &row, comment_col);
		flush(&l);
		if (per_file && f + 1 < argc &&
		    (sqlite3_exec(l.db, "COMMIT", NULL, NULL, NULL) !=
			 SQLITE_OK ||
		     sqlite3_exec(l.db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
			 SQLITE_OK))
			die(&l, "commit");
	}
	if (l.flat)
		sqlite3_exec(l.db,
			     "CREATE INDEX answer_flat_cover ON answer_flat"
			     "(wave_id, team_id, item_id, value)",
			     NULL, NULL, NULL);
	if (sqlite3_exec(l.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die(&l, "commit");
	t1 = now();
	printf("answers=%lld insert_s=%.3f rows_per_s=%.0f\n", l.answers,
	       t1 - t0, (double)l.answers / (t1 - t0));
	sqlite3_finalize(l.team_ins);
	sqlite3_finalize(l.response);
	sqlite3_finalize(l.answer);
	sqlite3_finalize(l.comment);
	sqlite3_finalize(l.many_resp);
	sqlite3_finalize(l.many_answer);
	sqlite3_close(l.db);
	free_teams(&l);
	for (int f = i + 1; f < argc; f++)
		free(bufs[f]);
	free(bufs);
	return 0;
}
