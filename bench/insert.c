/*
 * bench/insert.c - the limit for `carepulse import`: every response of the
 * generated wave CSVs stored straight through SQLite into the same schema
 * as carepulse (response, answer, comment; random 16-byte response ids,
 * WITHOUT ROWID, foreign keys on, WAL, synchronous FULL), in one
 * transaction.
 *
 *   --mode prepared   one prepared INSERT per row
 *   --mode multirow   multi-row INSERT statements (the best raw insert)
 *   --per-file        commit after each file, as one `carepulse import`
 *                     per wave file does (one durable transaction each)
 *   --flat            instead, a denormalised answer_flat(wave, team,
 *                     item, value) with a covering index: the input of
 *                     bench_groupby
 *
 * usage: bench_insert [--mode M] [--per-file] [--flat] [--no-fk] DB WAVE.csv...
 * (file i is wave i). Prints answers=N insert_s=T rows_per_s=R.
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

static const char schema[] =
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

int main(int argc, char **argv)
{
	static struct loader l;
	int fk = 1, per_file = 0, i = 1;
	char **bufs;
	double t0, t1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc)
			l.multirow = strcmp(argv[++i], "multirow") == 0;
		else if (strcmp(argv[i], "--flat") == 0)
			l.flat = 1;
		else if (strcmp(argv[i], "--per-file") == 0)
			per_file = 1;
		else if (strcmp(argv[i], "--no-fk") == 0)
			fk = 0;
		else
			break;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: bench_insert [--mode prepared|multirow]"
				" [--per-file] [--flat] [--no-fk] DB"
				" WAVE.csv...\n");
		return 64;
	}
	remove(argv[i]);
	if (sqlite3_open(argv[i], &l.db) != SQLITE_OK)
		die(&l, argv[i]);
	if (sqlite3_exec(l.db, schema, NULL, NULL, NULL) != SQLITE_OK)
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
	for (size_t k = 0; k < l.cap; k++)
		free(l.names[k]);
	free(l.names);
	free(l.team_ids);
	for (int f = i + 1; f < argc; f++)
		free(bufs[f]);
	free(bufs);
	return 0;
}
