/*
 * test_store.c - the database seam (core/store.c, store_roster.c,
 * store_survey.c): creating and opening files, refusing ones it must not
 * touch, transactions, configuration, teams, members and survey rows, and
 * the anonymity properties the schema itself guarantees (DESIGN.md 5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "store_int.h"

struct fixture {
	struct cp_fixture fx; /* directory and store */
};

static int make_dir(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	return cp_fixture_setup(&f->fx, "store", 0);
}

/* A fresh directory with a newly created database open in it. */
static int make_store(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	return cp_fixture_setup(&f->fx, "store", CP_FIXTURE_STORE);
}

static int cleanup(void **state)
{
	struct fixture *f = *state;
	int rc = cp_fixture_teardown(&f->fx);

	free(f);
	return rc;
}

/* The text of the first column of the first row of sql, or "" (static). */
static const char *query_text(sqlite3 *db, const char *sql)
{
	static char out[4096];
	sqlite3_stmt *st;

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, sizeof(out), "%s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static long long query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* How many schema objects (table, index, ...) are named name: 0 or 1. */
static long long schema_count(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(
	    sqlite3_prepare_v2(
		db, "SELECT count(*) FROM sqlite_schema WHERE name = ?", -1,
		&st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int file_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* ---- opening ---- */

static void test_create_sets_pragmas(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	sqlite3 *raw;

	assert_true(file_exists(f->fx.path));
	assert_string_equal(cp_store_path(f->fx.s), f->fx.path);
	assert_string_equal(query_text(f->fx.s->db, "PRAGMA journal_mode"),
			    "wal");
	assert_int_equal(query_int(f->fx.s->db, "PRAGMA foreign_keys"), 1);
	/* Freed content zeroed, the WAL truncated (docs/anonymity.md). */
	assert_int_equal(query_int(f->fx.s->db, "PRAGMA secure_delete"), 1);
	assert_int_equal(query_int(f->fx.s->db, "PRAGMA journal_size_limit"),
			 0);
	assert_int_equal(cp_store_schema_version(f->fx.s), CP_SCHEMA_VERSION);
	assert_int_equal(cp_store_check(f->fx.s, &err), 0);
	cp_store_close(f->fx.s);
	f->fx.s = NULL;

	/* What is on disk, seen without the store. */
	assert_int_equal(
	    sqlite3_open_v2(f->fx.path, &raw, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(query_int(raw, "PRAGMA user_version"),
			 CP_SCHEMA_VERSION);
	assert_string_equal(query_text(raw, "PRAGMA journal_mode"), "wal");
	sqlite3_close(raw);
}

static void test_open_missing_without_create(void **state)
{
	struct fixture *f = *state;
	struct cp_store *s = (struct cp_store *)1;
	struct cp_error err;

	cp_error_clear(&err);
	assert_int_equal(cp_store_open(&s, f->fx.path, 0, &err), CP_ENOTFOUND);
	assert_null(s);
	assert_non_null(strstr(err.message, "carepulse init"));
	assert_false(file_exists(f->fx.path));
	assert_int_equal(cp_store_open(&s, f->fx.path, CP_STORE_READONLY, &err),
			 CP_ENOTFOUND);
	assert_false(file_exists(f->fx.path));

	assert_int_equal(cp_store_open(&s, "", CP_STORE_CREATE, &err),
			 CP_EUSAGE);
	assert_null(s);
}

static void set_user_version(const char *path, int v)
{
	char sql[64];
	sqlite3 *raw;

	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
}

static void test_newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	struct cp_store *s = NULL;
	struct cp_error err;
	sqlite3 *raw;

	cp_store_close(f->fx.s);
	f->fx.s = NULL;
	set_user_version(f->fx.path, CP_SCHEMA_VERSION + 1);

	cp_error_clear(&err);
	assert_int_equal(cp_store_open(&s, f->fx.path, 0, &err), CP_EVERSION);
	assert_null(s);
	assert_int_equal(err.code, CP_EVERSION);
	assert_non_null(strstr(err.message, "newer"));
	assert_int_equal(cp_store_open(&s, f->fx.path, CP_STORE_CREATE, &err),
			 CP_EVERSION);
	assert_int_equal(cp_store_open(&s, f->fx.path, CP_STORE_READONLY, &err),
			 CP_EVERSION);
	assert_null(s);

	/* The refused file is left as it was. */
	assert_int_equal(sqlite3_open(f->fx.path, &raw), SQLITE_OK);
	assert_int_equal(query_int(raw, "PRAGMA user_version"),
			 CP_SCHEMA_VERSION + 1);
	sqlite3_close(raw);
}

/*
 * A file of schema 5 (built here by running the first five migrations as
 * an older carepulse did) is upgraded when opened, through 5 -> 6
 * (key_check) and every later migration, its data kept; opened read-only
 * it is refused, never written.
 */
static void test_upgrade_from_5_adds_key_check(void **state)
{
	struct fixture *f = *state;
	struct cp_store *s = NULL;
	struct cp_error err;
	char *value = NULL;
	sqlite3 *raw;

	cp_store_close(f->fx.s);
	f->fx.s = NULL;
	assert_int_equal(remove(f->fx.path), 0);
	assert_int_equal(sqlite3_open(f->fx.path, &raw), SQLITE_OK);
	for (int v = 0; v < 5; v++)
		assert_int_equal(sqlite3_exec(raw, cp_store_migration_sql(v),
					      NULL, NULL, NULL),
				 SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(
		raw,
		"PRAGMA user_version = 5;"
		"INSERT INTO team(name, created_at) VALUES ('Kept', 0)",
		NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(raw);

	cp_error_clear(&err);
	assert_int_equal(cp_store_open(&s, f->fx.path, CP_STORE_READONLY, &err),
			 CP_EVERSION);
	assert_null(s);
	assert_non_null(strstr(err.message, "cannot be upgraded"));

	assert_int_equal(cp_store_open(&s, f->fx.path, 0, &err), 0);
	assert_int_equal(cp_store_schema_version(s), CP_SCHEMA_VERSION);
	assert_int_equal(query_int(s->db, "SELECT count(*) FROM team WHERE "
					  "name = 'Kept'"),
			 1);
	assert_int_equal(cp_store_key_check_get(s, &value, &err), 0);
	assert_null(value);
	assert_int_equal(cp_store_key_check_set(s, "0123abcd", &err), 0);
	assert_int_equal(cp_store_key_check_set(s, "4567ef01", &err), 0);
	assert_int_equal(cp_store_key_check_get(s, &value, &err), 0);
	assert_string_equal(value, "4567ef01");
	free(value);
	assert_int_equal(query_int(s->db, "SELECT count(*) FROM key_check"), 1);
	cp_store_close(s);
}

static void test_not_a_database_refused(void **state)
{
	struct fixture *f = *state;
	static const char text[] =
	    "email,name,team\n"
	    "ann@example.org,Ann,Sales\n"
	    "this is a roster, not a database; carepulse must not touch it\n";
	struct cp_store *s = NULL;
	struct cp_error err;
	char back[sizeof(text) + 16];
	size_t n;
	FILE *fp;

	fp = fopen(f->fx.path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, sizeof(text) - 1, fp),
			 sizeof(text) - 1);
	fclose(fp);

	cp_error_clear(&err);
	assert_int_equal(cp_store_open(&s, f->fx.path, 0, &err), CP_EDATA);
	assert_null(s);
	assert_non_null(strstr(err.message, "not a carepulse database"));
	assert_int_equal(cp_store_open(&s, f->fx.path, CP_STORE_READONLY, &err),
			 CP_EDATA);

	/* Nor was the file changed. */
	fp = fopen(f->fx.path, "rb");
	assert_non_null(fp);
	n = fread(back, 1, sizeof(back), fp);
	fclose(fp);
	assert_int_equal(n, sizeof(text) - 1);
	assert_memory_equal(back, text, n);
}

static void test_reopen_keeps_data(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	struct cp_team *t;
	long long objects;
	int64_t id, again;
	int created;
	size_t n;
	char *v;

	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Sales", &id, &created, &err), 0);
	assert_int_equal(cp_store_config_set(f->fx.s, "threshold", "6", &err),
			 0);
	objects = query_int(f->fx.s->db, "SELECT count(*) FROM sqlite_schema");
	assert_true(objects > 0);

	for (int round = 0; round < 2; round++) {
		cp_store_close(f->fx.s);
		f->fx.s = NULL;
		assert_int_equal(cp_store_open(&f->fx.s, f->fx.path,
					       round ? CP_STORE_CREATE : 0,
					       &err),
				 0);
		assert_int_equal(cp_store_schema_version(f->fx.s),
				 CP_SCHEMA_VERSION);
		/* The migrations did not run again. */
		assert_int_equal(
		    query_int(f->fx.s->db,
			      "SELECT count(*) FROM sqlite_schema"),
		    objects);
		assert_int_equal(
		    cp_store_team_find(f->fx.s, "Sales", &again, &err), 0);
		assert_int_equal(again, id);
		assert_int_equal(cp_store_team_list(f->fx.s, &t, &n, &err), 0);
		assert_int_equal(n, 1);
		cp_store_teams_free(t, n);
		assert_int_equal(
		    cp_store_config_get(f->fx.s, "threshold", &v, &err), 0);
		assert_string_equal(v, "6");
		free(v);
	}
}

static void test_readonly_cannot_write(void **state)
{
	struct fixture *f = *state;
	struct cp_store *ro = NULL;
	struct cp_error err;
	int64_t id;
	int created;

	assert_int_equal(
	    cp_store_open(&ro, f->fx.path, CP_STORE_READONLY, &err), 0);
	assert_int_not_equal(
	    cp_store_team_ensure(ro, "Sales", &id, &created, &err), 0);
	cp_store_close(ro);
	assert_int_equal(cp_store_team_find(f->fx.s, "Sales", &id, &err),
			 CP_ENOTFOUND);
}

/* A full disk (here a page cap) says so in words, before the developer's
 * part: what failed and SQLite's own text. */
static void test_full_disk_in_words(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	char name[64];
	int64_t id;
	int created, rc = 0;

	/* No more pages than it has (SQLite keeps the current size). */
	assert_int_equal(
	    cp_store_exec(f->fx.s, "PRAGMA max_page_count = 1;", &err), 0);
	for (int i = 0; i < 10000 && rc == 0; i++) {
		snprintf(name, sizeof(name), "Team %d of a full disk", i);
		rc = cp_store_team_ensure(f->fx.s, name, &id, &created, &err);
	}
	assert_int_equal(rc, CP_EIO);
	assert_non_null(strstr(err.message, "the disk is full ("));
	assert_non_null(strstr(err.message, "full)"));
}

/* ---- transactions ---- */

static void test_rollback_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	struct cp_team *t;
	int64_t team, member;
	int created;
	size_t n;
	char *v;

	assert_int_equal(cp_store_begin(f->fx.s, &err), 0);
	/* BEGIN IMMEDIATE cannot nest. */
	assert_int_equal(cp_store_begin(f->fx.s, &err), CP_EFAIL);
	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Sales", &team, &created, &err), 0);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "ann@example.org",
						"Ann", team, CP_ROLE_MEMBER,
						&member, &err),
			 0);
	assert_int_equal(cp_store_config_set(f->fx.s, "base_url",
					     "https://pulse.example.org", &err),
			 0);
	cp_store_rollback(f->fx.s);

	assert_int_equal(cp_store_team_list(f->fx.s, &t, &n, &err), 0);
	assert_int_equal(n, 0);
	cp_store_teams_free(t, n);
	assert_int_equal(query_int(f->fx.s->db, "SELECT count(*) FROM member"),
			 0);
	assert_int_equal(cp_store_config_get(f->fx.s, "base_url", &v, &err), 0);
	assert_null(v);

	/* A rollback with nothing open is harmless; a commit keeps. */
	cp_store_rollback(f->fx.s);
	assert_int_equal(cp_store_begin(f->fx.s, &err), 0);
	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Ops", &team, &created, &err), 0);
	assert_int_equal(cp_store_commit(f->fx.s, &err), 0);
	assert_int_equal(cp_store_team_find(f->fx.s, "Ops", &team, &err), 0);
}

static void test_close_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	int64_t team;
	int created;

	assert_int_equal(cp_store_begin(f->fx.s, &err), 0);
	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Sales", &team, &created, &err), 0);
	cp_store_close(f->fx.s);
	f->fx.s = NULL;
	assert_int_equal(cp_store_open(&f->fx.s, f->fx.path, 0, &err), 0);
	assert_int_equal(cp_store_team_find(f->fx.s, "Sales", &team, &err),
			 CP_ENOTFOUND);
}

/* ---- the writer's -wal buffer (store_walbuf.c) ---- */

/* Config rows key0..key(n-1) from k0 on, each a value of 2,000 bytes
 * naming its key, written through s in one transaction. */
static int write_rows(struct cp_store *s, int k0, int n, int commit)
{
	struct cp_error err;
	char key[32], value[2048];
	int rc;

	if ((rc = cp_store_begin(s, &err)))
		return rc;
	for (int k = k0; k < k0 + n && rc == 0; k++) {
		snprintf(key, sizeof(key), "key%d", k);
		memset(value, 'a' + k % 26, 2000);
		snprintf(value, 32, "value of %s ", key);
		value[strlen(value)] = '-';
		value[2000] = '\0';
		rc = cp_store_config_set(s, key, value, &err);
	}
	if (rc || !commit) {
		cp_store_rollback(s);
		return rc;
	}
	return cp_store_commit(s, &err);
}

/* Whether the plain connection finds key0..key(n-1) from k0, as written. */
static int rows_there(struct cp_store *s, int k0, int n)
{
	struct cp_error err;
	char key[32], want[32];
	char *v;
	int found = 0;

	for (int k = k0; k < k0 + n; k++) {
		snprintf(key, sizeof(key), "key%d", k);
		snprintf(want, sizeof(want), "value of %s -", key);
		assert_int_equal(cp_store_config_get(s, key, &v, &err), 0);
		if (v && strlen(v) == 2000 &&
		    strncmp(v, want, strlen(want)) == 0 &&
		    v[1999] == 'a' + k % 26)
			found++;
		free(v);
	}
	return found;
}

/*
 * A connection opened with CP_STORE_WAL_BUFFER: commits larger than the
 * buffer (written in several writes), pages spilled to the -wal inside a
 * transaction and read back by it, a transaction rolled back after its
 * spill, and a checkpoint; another connection reads every commit and
 * nothing else, and the file is whole.
 */
static void test_wal_buffer(void **state)
{
	struct fixture *f = *state;
	struct cp_store *w;
	struct cp_error err;

	assert_non_null(cp_store_walbuf_vfs());
	assert_int_equal(
	    cp_store_open(&w, f->fx.path, CP_STORE_WAL_BUFFER, &err), 0);
	assert_string_equal(query_text(w->db, "PRAGMA journal_mode"), "wal");
	/* It keeps every commit synced: its frames are written there. */
	assert_int_equal(cp_store_relax_durability(w, &err), CP_EFAIL);
	assert_string_equal(query_text(w->db, "PRAGMA synchronous"), "2");
	/* 10 pages of cache: 200 rows of 2 KB spill mid-transaction. */
	assert_int_equal(cp_store_exec(w, "PRAGMA cache_size = 10", &err), 0);
	assert_int_equal(write_rows(w, 0, 200, 1), 0);
	assert_int_equal(rows_there(f->fx.s, 0, 200), 200);
	/* Spilled, then rolled back: nothing of it is read. */
	assert_int_equal(write_rows(w, 200, 200, 0), 0);
	assert_int_equal(rows_there(f->fx.s, 200, 200), 0);
	/* One small commit after it, in the frames the rollback left. */
	assert_int_equal(write_rows(w, 400, 3, 1), 0);
	assert_int_equal(rows_there(f->fx.s, 400, 3), 3);
	assert_int_equal(rows_there(w, 0, 200), 200);
	assert_int_equal(cp_store_checkpoint(w, 100, &err), 0);
	assert_int_equal(rows_there(f->fx.s, 0, 200), 200);
	assert_string_equal(query_text(f->fx.s->db, "PRAGMA integrity_check"),
			    "ok");
	cp_store_close(w);
	assert_string_equal(query_text(f->fx.s->db, "PRAGMA integrity_check"),
			    "ok");
	assert_int_equal(rows_there(f->fx.s, 0, 200), 200);
}

/*
 * The buffer's one write fails (the file may not grow: RLIMIT_FSIZE):
 * the commit reports an error, the other connection reads nothing of it,
 * and the next commit through the same connection is stored.
 */
static void test_wal_buffer_write_fails(void **state)
{
	struct fixture *f = *state;
	struct cp_store *w;
	struct cp_error err;
	struct rlimit was, small;
	void (*old)(int);

	assert_int_equal(
	    cp_store_open(&w, f->fx.path, CP_STORE_WAL_BUFFER, &err), 0);
	/* An empty -wal: the next commit writes from its start. */
	assert_int_equal(cp_store_checkpoint(w, 100, &err), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &was), 0);
	small = was;
	/* Room for the -wal's header (32 bytes, written and synced first),
	 * not for the commit's frames: its one write at the sync fails. */
	small.rlim_cur = 4096;
	old = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_not_equal(write_rows(w, 0, 5, 1), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &was), 0);
	signal(SIGXFSZ, old);
	assert_int_equal(rows_there(f->fx.s, 0, 5), 0);
	assert_int_equal(write_rows(w, 5, 5, 1), 0);
	assert_int_equal(rows_there(f->fx.s, 5, 5), 5);
	assert_int_equal(rows_there(f->fx.s, 0, 5), 0);
	cp_store_close(w);
	assert_string_equal(query_text(f->fx.s->db, "PRAGMA integrity_check"),
			    "ok");
}

/* ---- configuration ---- */

struct seen {
	char keys[8][32];
	char values[8][64];
	int n;
	int stop_after;
};

static int collect(const char *key, const char *value, void *arg)
{
	struct seen *s = arg;

	snprintf(s->keys[s->n], sizeof(s->keys[0]), "%s", key);
	snprintf(s->values[s->n], sizeof(s->values[0]), "%s", value);
	s->n++;
	return s->n == s->stop_after ? 42 : 0;
}

static void test_config_rows(void **state)
{
	struct fixture *f = *state;
	struct seen seen = {.stop_after = 0};
	struct cp_error err;
	char *v = (char *)"unchanged";

	assert_int_equal(cp_store_config_get(f->fx.s, "smtp.url", &v, &err), 0);
	assert_null(v);
	assert_int_equal(cp_store_config_set(f->fx.s, "smtp.url",
					     "smtp://mail.example.org", &err),
			 0);
	assert_int_equal(cp_store_config_set(f->fx.s, "base_url",
					     "https://a.example.org", &err),
			 0);
	assert_int_equal(cp_store_config_set(f->fx.s, "base_url",
					     "https://b.example.org", &err),
			 0);
	assert_int_equal(cp_store_config_get(f->fx.s, "base_url", &v, &err), 0);
	assert_string_equal(v, "https://b.example.org");
	free(v);

	assert_int_equal(cp_store_config_each(f->fx.s, collect, &seen, &err),
			 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.keys[0], "base_url");
	assert_string_equal(seen.values[0], "https://b.example.org");
	assert_string_equal(seen.keys[1], "smtp.url");
	assert_string_equal(seen.values[1], "smtp://mail.example.org");

	/* The callback stops the walk, and its value comes back. */
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 1;
	assert_int_equal(cp_store_config_each(f->fx.s, collect, &seen, &err),
			 42);
	assert_int_equal(seen.n, 1);

	assert_int_equal(cp_store_config_unset(f->fx.s, "base_url", &err), 0);
	assert_int_equal(cp_store_config_get(f->fx.s, "base_url", &v, &err), 0);
	assert_null(v);
	assert_int_equal(cp_store_config_unset(f->fx.s, "base_url", &err), 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(cp_store_config_each(f->fx.s, collect, &seen, &err),
			 0);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.keys[0], "smtp.url");
}

/* ---- teams and members ---- */

static const struct cp_team *team_named(const struct cp_team *t, size_t n,
					const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

static void test_teams(void **state)
{
	struct fixture *f = *state;
	int64_t org, sales, ops, id, m;
	const struct cp_team *x;
	struct cp_error err;
	struct cp_team *t;
	int created = -1;
	size_t n;

	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Sales", &sales, &created, &err), 0);
	assert_int_equal(created, 1);
	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Sales", &id, &created, &err), 0);
	assert_int_equal(created, 0);
	assert_int_equal(id, sales);
	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Org", &org, &created, &err), 0);
	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Ops", &ops, &created, &err), 0);
	assert_true(org != sales && ops != sales && ops != org);

	assert_int_equal(cp_store_team_find(f->fx.s, "Ops", &id, &err), 0);
	assert_int_equal(id, ops);
	cp_error_clear(&err);
	assert_int_equal(cp_store_team_find(f->fx.s, "Nobody", &id, &err),
			 CP_ENOTFOUND);
	assert_non_null(strstr(err.message, "'Nobody'"));
	/* Names are exact: another case is another team. */
	assert_int_equal(cp_store_team_find(f->fx.s, "sales", &id, &err),
			 CP_ENOTFOUND);

	assert_int_equal(cp_store_team_set_parent(f->fx.s, sales, org, &err),
			 0);
	assert_int_equal(cp_store_team_set_parent(f->fx.s, ops, org, &err), 0);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "a@example.org", "A",
						sales, CP_ROLE_LEADER, &m,
						&err),
			 0);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "b@example.org", "B",
						sales, CP_ROLE_MEMBER, &m,
						&err),
			 0);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "c@example.org", "C",
						ops, CP_ROLE_MEMBER, &m, &err),
			 0);
	assert_int_equal(cp_store_member_set_active(f->fx.s, m, 0, &err), 0);

	assert_int_equal(cp_store_team_list(f->fx.s, &t, &n, &err), 0);
	assert_int_equal(n, 3);
	/* By name. */
	assert_string_equal(t[0].name, "Ops");
	assert_string_equal(t[1].name, "Org");
	assert_string_equal(t[2].name, "Sales");
	x = team_named(t, n, "Sales");
	assert_int_equal(x->id, sales);
	assert_int_equal(x->parent_id, org);
	assert_string_equal(x->parent, "Org");
	assert_int_equal(x->members, 2);
	x = team_named(t, n, "Ops");
	assert_int_equal(x->members, 0); /* C is inactive */
	x = team_named(t, n, "Org");
	assert_int_equal(x->parent_id, 0);
	assert_null(x->parent);
	assert_int_equal(x->members, 0); /* members of subteams not counted */
	cp_store_teams_free(t, n);

	/* Parent 0 makes a team top-level again. */
	assert_int_equal(cp_store_team_set_parent(f->fx.s, sales, 0, &err), 0);
	assert_int_equal(cp_store_team_list(f->fx.s, &t, &n, &err), 0);
	x = team_named(t, n, "Sales");
	assert_int_equal(x->parent_id, 0);
	assert_null(x->parent);
	cp_store_teams_free(t, n);

	/* A parent that does not exist is refused by the foreign key. */
	assert_int_not_equal(cp_store_team_set_parent(
				 f->fx.s, sales, org + ops + sales + 100, &err),
			     0);
	assert_int_equal(
	    query_int(f->fx.s->db,
		      "SELECT count(*) FROM team WHERE parent_id IS "
		      "NOT NULL AND parent_id NOT IN (SELECT id "
		      "FROM team)"),
	    0);
}

static void test_member_upsert_case_insensitive(void **state)
{
	struct fixture *f = *state;
	struct cp_member *m;
	struct cp_error err;
	int64_t sales, ops, id, again;
	int created;
	size_t n;

	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Sales", &sales, &created, &err), 0);
	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Ops", &ops, &created, &err), 0);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "Ann.Lee@Example.org",
						"Ann", sales, CP_ROLE_MEMBER,
						&id, &err),
			 0);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "ann.lee@EXAMPLE.ORG",
						"Ann Lee", ops, CP_ROLE_LEADER,
						&again, &err),
			 0);
	assert_int_equal(again, id);
	assert_int_equal(cp_store_member_list(f->fx.s, 0, 1, &m, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].id, id);
	/* The latest spelling, name, team and role win. */
	assert_string_equal(m[0].email, "ann.lee@EXAMPLE.ORG");
	assert_string_equal(m[0].name, "Ann Lee");
	assert_int_equal(m[0].team_id, ops);
	assert_string_equal(m[0].team, "Ops");
	assert_int_equal(m[0].role, CP_ROLE_LEADER);
	assert_int_equal(m[0].active, 1);
	cp_store_members_free(m, n);

	/* Deactivated, then upserted again: the same row, active. */
	assert_int_equal(cp_store_member_set_active(f->fx.s, id, 0, &err), 0);
	assert_int_equal(cp_store_member_list(f->fx.s, 0, 0, &m, &n, &err), 0);
	assert_int_equal(n, 0);
	cp_store_members_free(m, n);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "ANN.LEE@example.org",
						"Ann Lee", ops, CP_ROLE_LEADER,
						&again, &err),
			 0);
	assert_int_equal(again, id);
	assert_int_equal(cp_store_member_list(f->fx.s, 0, 0, &m, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].active, 1);
	cp_store_members_free(m, n);
	assert_int_equal(query_int(f->fx.s->db, "SELECT count(*) FROM member"),
			 1);
}

static void test_member_list_filters(void **state)
{
	struct fixture *f = *state;
	struct cp_member *m;
	struct cp_error err;
	int64_t sales, ops, id, gone;
	int created;
	size_t n;

	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Sales", &sales, &created, &err), 0);
	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Ops", &ops, &created, &err), 0);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "zoe@example.org",
						"Zoe", sales, CP_ROLE_MEMBER,
						&id, &err),
			 0);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "bob@example.org",
						"Bob", sales, CP_ROLE_LEADER,
						&id, &err),
			 0);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "cy@example.org", "Cy",
						sales, CP_ROLE_MEMBER, &gone,
						&err),
			 0);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "al@example.org", "Al",
						ops, CP_ROLE_MEMBER, &id, &err),
			 0);
	assert_int_equal(cp_store_member_set_active(f->fx.s, gone, 0, &err), 0);

	/* Active members of one team, by name. */
	assert_int_equal(cp_store_member_list(f->fx.s, sales, 0, &m, &n, &err),
			 0);
	assert_int_equal(n, 2);
	assert_string_equal(m[0].name, "Bob");
	assert_int_equal(m[0].role, CP_ROLE_LEADER);
	assert_string_equal(m[1].name, "Zoe");
	assert_int_equal(m[1].role, CP_ROLE_MEMBER);
	cp_store_members_free(m, n);

	/* With the inactive ones. */
	assert_int_equal(cp_store_member_list(f->fx.s, sales, 1, &m, &n, &err),
			 0);
	assert_int_equal(n, 3);
	assert_string_equal(m[1].name, "Cy");
	assert_int_equal(m[1].active, 0);
	cp_store_members_free(m, n);

	/* Every team: by team name, then name. */
	assert_int_equal(cp_store_member_list(f->fx.s, 0, 0, &m, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].team, "Ops");
	assert_string_equal(m[0].name, "Al");
	assert_string_equal(m[1].team, "Sales");
	cp_store_members_free(m, n);

	assert_int_equal(cp_store_member_list(f->fx.s, ops, 1, &m, &n, &err),
			 0);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].email, "al@example.org");
	cp_store_members_free(m, n);
}

static void test_member_foreign_key(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	int64_t sales, id = 0;
	int created;

	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Sales", &sales, &created, &err), 0);
	cp_error_clear(&err);
	assert_int_not_equal(cp_store_member_upsert(f->fx.s, "ann@example.org",
						    "Ann", sales + 1000,
						    CP_ROLE_MEMBER, &id, &err),
			     0);
	assert_int_not_equal(err.code, CP_OK);
	assert_string_not_equal(err.message, "");
	assert_int_equal(query_int(f->fx.s->db, "SELECT count(*) FROM member"),
			 0);
}

/* ---- survey rows ---- */

static void test_survey_rows(void **state)
{
	struct fixture *f = *state;
	struct cp_survey_row *rows;
	struct cp_error err;
	int64_t r1, r1b, r2, r3;
	int added = -1;
	size_t n;
	char *text;

	assert_int_equal(cp_store_survey_put(f->fx.s, "pulse", "1", "Pulse",
					     "aaaa", "{\"v\":1}", 0, &r1,
					     &added, &err),
			 0);
	assert_int_equal(added, 1);
	assert_int_equal(cp_store_survey_put(f->fx.s, "pulse", "1", "Pulse",
					     "aaaa", "{\"v\":1}", 0, &r1b,
					     &added, &err),
			 0);
	assert_int_equal(added, 0);
	assert_int_equal(r1b, r1);
	assert_int_equal(cp_store_survey_put(f->fx.s, "pulse", "2", "Pulse two",
					     "bbbb", "{\"v\":2}", 0, &r2,
					     &added, &err),
			 0);
	assert_int_equal(added, 1);
	assert_true(r2 != r1);
	assert_int_equal(cp_store_survey_put(f->fx.s, "care", "1", "Care",
					     "cccc", "{\"c\":1}", 1, &r3,
					     &added, &err),
			 0);
	assert_int_equal(query_int(f->fx.s->db, "SELECT count(*) FROM survey"),
			 3);

	assert_int_equal(cp_store_survey_list(f->fx.s, &rows, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].survey_id, "care");
	assert_int_equal(rows[0].builtin, 1);
	assert_int_equal(rows[0].ref, r3);
	assert_string_equal(rows[1].survey_id, "pulse");
	assert_int_equal(rows[1].ref, r2);
	assert_string_equal(rows[1].version, "2");
	assert_string_equal(rows[1].title, "Pulse two");
	assert_string_equal(rows[1].hash, "bbbb");
	assert_int_equal(rows[1].builtin, 0);
	cp_store_survey_rows_free(rows, n);

	/* The newest text, or exactly the pinned row. */
	assert_int_equal(
	    cp_store_survey_text(f->fx.s, "pulse", 0, &text, &r1b, &err), 0);
	assert_string_equal(text, "{\"v\":2}");
	assert_int_equal(r1b, r2);
	free(text);
	assert_int_equal(
	    cp_store_survey_text(f->fx.s, NULL, r1, &text, NULL, &err), 0);
	assert_string_equal(text, "{\"v\":1}");
	free(text);
	assert_int_equal(
	    cp_store_survey_text(f->fx.s, "nothing", 0, &text, NULL, &err),
	    CP_ENOTFOUND);
	assert_null(text);
	assert_int_equal(cp_store_survey_text(f->fx.s, NULL, r3 + r2 + 100,
					      &text, NULL, &err),
			 CP_ENOTFOUND);
}

/* An open wave of a survey written by the fixture's connection, and a
 * second connection to the same database. */
static void open_wave_and_other(struct fixture *f, struct cp_wave *w,
				struct cp_store **other)
{
	struct cp_error err;
	int added;

	assert_int_equal(cp_store_survey_put(f->fx.s, "pulse", "1", "Pulse",
					     "aaaa", "{}", 0, &w->survey_ref,
					     &added, &err),
			 0);
	w->status = CP_WAVE_OPEN;
	w->opens_at = 1000;
	memcpy(w->channel, "outbox", sizeof("outbox"));
	assert_int_equal(cp_store_wave_insert(f->fx.s, w, NULL, 0, &err), 0);
	assert_int_equal(cp_store_open(other, f->fx.path, 0, &err), 0);
}

/* The copy of a wave a connection keeps (cp_store_wave_recent, the
 * form server's): served while the database is unchanged, read again
 * after a commit by another connection or a change by this one. */
static void test_wave_recent(void **state)
{
	struct fixture *f = *state;
	struct cp_store *other;
	struct cp_wave w = {0}, got;
	struct cp_error err;

	open_wave_and_other(f, &w, &other);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(cp_store_wave_recent(other, w.id, &got, &err),
				 0);
		assert_int_equal(got.id, w.id);
		assert_int_equal(got.status, CP_WAVE_OPEN);
		assert_int_equal(got.survey_ref, w.survey_ref);
	}
	assert_int_equal(cp_store_wave_recent(other, w.id + 1, &got, &err),
			 CP_ENOTFOUND);

	/* Closed by another connection: seen once this one has read the
	 * database again (the server reads the link's invitation first). */
	assert_int_equal(cp_store_begin(f->fx.s, &err), 0);
	assert_int_equal(
	    cp_store_wave_set_status(f->fx.s, w.id, CP_WAVE_CLOSED, &err), 0);
	assert_int_equal(cp_store_commit(f->fx.s, &err), 0);
	assert_int_equal(query_int(other->db, "SELECT count(*) FROM wave"), 1);
	assert_int_equal(cp_store_wave_recent(other, w.id, &got, &err), 0);
	assert_int_equal(got.status, CP_WAVE_CLOSED);

	/* Changed by this connection inside its transaction, then rolled
	 * back. */
	assert_int_equal(cp_store_begin(other, &err), 0);
	assert_int_equal(
	    cp_store_wave_set_status(other, w.id, CP_WAVE_CANCELLED, &err), 0);
	assert_int_equal(cp_store_wave_recent(other, w.id, &got, &err), 0);
	assert_int_equal(got.status, CP_WAVE_CANCELLED);
	cp_store_rollback(other);
	assert_int_equal(cp_store_wave_recent(other, w.id, &got, &err), 0);
	assert_int_equal(got.status, CP_WAVE_CLOSED);
	cp_store_close(other);
}

/* A wave read inside a transaction (cp_store_wave_in_tx, the form
 * server's writer): later reads in the same transaction are served from
 * that copy; the next transaction reads again. */
static void test_wave_in_tx(void **state)
{
	struct fixture *f = *state;
	struct cp_store *other;
	struct cp_wave w = {0}, got;
	struct cp_error err;

	open_wave_and_other(f, &w, &other);

	assert_int_equal(cp_store_begin(other, &err), 0);
	assert_int_equal(cp_store_wave_in_tx(other, w.id, &got, &err), 0);
	assert_int_equal(got.id, w.id);
	assert_int_equal(got.status, CP_WAVE_OPEN);
	assert_int_equal(got.survey_ref, w.survey_ref);
	assert_int_equal(cp_store_wave_in_tx(other, w.id + 1, &got, &err),
			 CP_ENOTFOUND);
	/* The copy serves (its callers change no wave: this shows it is
	 * the copy that answers). */
	assert_int_equal(sqlite3_exec(other->db,
				      "UPDATE wave SET status = 'closed'", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(cp_store_wave_in_tx(other, w.id, &got, &err), 0);
	assert_int_equal(got.status, CP_WAVE_OPEN);
	cp_store_rollback(other);

	/* Closed by another connection: the next transaction reads it. */
	assert_int_equal(cp_store_begin(f->fx.s, &err), 0);
	assert_int_equal(
	    cp_store_wave_set_status(f->fx.s, w.id, CP_WAVE_CLOSED, &err), 0);
	assert_int_equal(cp_store_commit(f->fx.s, &err), 0);
	assert_int_equal(cp_store_begin(other, &err), 0);
	assert_int_equal(cp_store_wave_in_tx(other, w.id, &got, &err), 0);
	assert_int_equal(got.status, CP_WAVE_CLOSED);
	assert_int_equal(cp_store_commit(other, &err), 0);

	/* Outside a transaction: as cp_store_wave_recent. */
	assert_int_equal(cp_store_wave_in_tx(other, w.id, &got, &err), 0);
	assert_int_equal(got.status, CP_WAVE_CLOSED);
	assert_int_equal(cp_store_wave_in_tx(other, w.id + 1, &got, &err),
			 CP_ENOTFOUND);
	cp_store_close(other);
}

/* cp_store_invitation_group_open on wave 1, which must not fail. */
static bool group_open(struct cp_store *s, int64_t team, int self,
		       int64_t except)
{
	struct cp_error err;
	bool open;

	assert_int_equal(cp_store_invitation_group_open(s, 1, team, self,
							except, &open, &err),
			 0);
	return open;
}

static void exec_ok(struct cp_store *s, const char *sql)
{
	assert_int_equal(sqlite3_exec(s->db, sql, NULL, NULL, NULL), SQLITE_OK);
}

/*
 * Whether another answer of a group can still come (the form server's mix
 * wait): every other link used, or none, says no; a group too large to
 * look through says yes.
 */
static void test_invitation_group_open(void **state)
{
	struct fixture *f = *state;

	exec_ok(
	    f->fx.s,
	    "INSERT INTO team (id, name, created_at) VALUES (1, 'A', 0),"
	    " (2, 'B', 0);"
	    "INSERT INTO survey (id, survey_id, version, title, hash,"
	    " definition, added_at) VALUES (1, 's', '1', 'S', 'h', '{}', 0);"
	    "INSERT INTO wave (id, survey_ref, status, opens_at, channel,"
	    " created_at) VALUES (1, 1, 'open', 0, 'outbox', 0);"
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	    " WHERE i < 303)"
	    " INSERT INTO member (id, email, email_key, name, team_id, role,"
	    " created_at, updated_at) SELECT i, 'm' || i, 'm' || i, 'M',"
	    " CASE WHEN i <= 3 THEN 1 ELSE 2 END, 'member', 0, 0 FROM n;"
	    /* Team A: three team links and the first one's self link;
	     * team B: 300 team links. */
	    "INSERT INTO invitation (id, wave_id, member_id, team_id, kind,"
	    " token_hash) SELECT id, 1, id, team_id, 'team', randomblob(32)"
	    " FROM member;"
	    "INSERT INTO invitation (id, wave_id, member_id, team_id, kind,"
	    " token_hash) VALUES (1000, 1, 1, 1, 'self', randomblob(32));");
	assert_true(group_open(f->fx.s, 1, 0, 1));
	exec_ok(f->fx.s, "UPDATE invitation SET answered = 1 WHERE id = 2");
	assert_true(group_open(f->fx.s, 1, 0, 1));
	exec_ok(f->fx.s, "UPDATE invitation SET answered = 1 WHERE id = 3");
	assert_false(group_open(f->fx.s, 1, 0, 1));
	/* The self-assessment: a group of one link. */
	assert_false(group_open(f->fx.s, 1, 1, 1000));
	/* 300 links, all answered but the one asking: too many to look
	 * through, so another may come. */
	exec_ok(f->fx.s, "UPDATE invitation SET answered = 1"
			 " WHERE team_id = 2 AND id <> 4");
	assert_true(group_open(f->fx.s, 2, 0, 4));
	/* At the bound: 256 links are looked through, 257 are not. */
	exec_ok(f->fx.s,
		"INSERT INTO team (id, name, created_at) VALUES (3, 'C', 0),"
		" (4, 'D', 0);"
		"WITH RECURSIVE n(i) AS (SELECT 304 UNION ALL SELECT i + 1"
		" FROM n WHERE i < 816)"
		" INSERT INTO member (id, email, email_key, name, team_id,"
		" role, created_at, updated_at) SELECT i, 'm' || i, 'm' || i,"
		" 'M', CASE WHEN i < 560 THEN 3 ELSE 4 END, 'member', 0, 0"
		" FROM n;"
		"INSERT INTO invitation (id, wave_id, member_id, team_id,"
		" kind, token_hash, answered) SELECT id, 1, id, team_id,"
		" 'team', randomblob(32), 1 FROM member WHERE id >= 304;");
	assert_false(group_open(f->fx.s, 3, 0, 304));
	assert_true(group_open(f->fx.s, 4, 0, 560));
	/* The only link still open is the one asking, or the last one. */
	exec_ok(f->fx.s, "UPDATE invitation SET answered = 0 WHERE id = 304");
	assert_false(group_open(f->fx.s, 3, 0, 304));
	assert_true(group_open(f->fx.s, 3, 0, 305));
	exec_ok(f->fx.s, "UPDATE invitation SET answered = 0 WHERE id = 559");
	assert_true(group_open(f->fx.s, 3, 0, 304));
}

/* ---- anonymity in the schema ---- */

static void test_response_tables_without_rowid(void **state)
{
	static const char *const tables[] = {"response_slot", "comment_group"};
	struct fixture *f = *state;
	char sql[128];

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		const char *text;
		snprintf(sql, sizeof(sql),
			 "SELECT sql FROM sqlite_schema WHERE type = 'table' "
			 "AND name = '%s'",
			 tables[i]);
		text = query_text(f->fx.s->db, sql);
		assert_string_not_equal(text, "");
		if (strstr(text, "WITHOUT ROWID") == NULL)
			fail_msg("table %s has a rowid: %s", tables[i], text);
	}
}

static void test_response_has_no_identity(void **state)
{
	/* import_id: the import (one file) an imported response came in,
	 * NULL for an answer given through a link; it groups a batch, it
	 * names nobody (docs/anonymity.md, Imports). */
	static const char *const allowed[] = {"id",	  "wave_id", "team_id",
					      "self",	  "filled",  "answers",
					      "import_id"};
	struct fixture *f = *state;
	sqlite3_stmt *st;
	int columns = 0;

	assert_int_equal(
	    sqlite3_prepare_v2(f->fx.s->db,
			       "SELECT name FROM "
			       "pragma_table_info('response_slot')",
			       -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		size_t k;
		for (k = 0; k < sizeof(allowed) / sizeof(allowed[0]); k++)
			if (strcmp(name, allowed[k]) == 0)
				break;
		if (k == sizeof(allowed) / sizeof(allowed[0]))
			fail_msg("response has a column '%s' that could "
				 "identify who answered",
				 name);
		columns++;
	}
	sqlite3_finalize(st);
	assert_int_equal(columns, 7);
}

/*
 * Replaces f's store with a file made by the first version migrations and
 * then data (which sets its user_version), and opens it again: the
 * migrations from there on run; the schema is the newest.
 */
static void reopen_from(struct fixture *f, int version, const char *data)
{
	struct cp_error err;
	sqlite3 *raw;

	cp_store_close(f->fx.s);
	f->fx.s = NULL;
	assert_int_equal(remove(f->fx.path), 0);
	assert_int_equal(sqlite3_open(f->fx.path, &raw), SQLITE_OK);
	for (int v = 0; v < version; v++)
		assert_int_equal(sqlite3_exec(raw, cp_store_migration_sql(v),
					      NULL, NULL, NULL),
				 SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, data, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	if (cp_store_open(&f->fx.s, f->fx.path, 0, &err))
		fail_msg("%s", err.message);
	assert_int_equal(cp_store_schema_version(f->fx.s), CP_SCHEMA_VERSION);
}

/*
 * Schema 7 -> 8: a file of schema 7 (built by running the first seven
 * migrations) keeps its responses and comments, which become the
 * link's (no import), and gains the import and retention tables.
 */
static void test_migration_8(void **state)
{
	static const char data[] =
	    "INSERT INTO team(id, name, created_at) VALUES (1, 'T', 0);"
	    "INSERT INTO survey(id, survey_id, version, title, hash,"
	    " definition, added_at) VALUES (1, 's', '1', 'S', 'h', '{}', 0);"
	    "INSERT INTO wave(id, survey_ref, status, opens_at, channel,"
	    " created_at) VALUES (1, 1, 'open', 0, 'outbox', 0);"
	    "INSERT INTO response_slot(id, wave_id, team_id, self, filled,"
	    " answers) VALUES (x'00112233445566778899aabbccddeeff', 1, 1, 0,"
	    " 1, '45');"
	    "INSERT INTO comment_group VALUES (1, 1, 0,"
	    " '[[\"q\",\"kept\"]]');"
	    "PRAGMA user_version = 7;";
	struct fixture *f = *state;

	reopen_from(f, 7, data);
	assert_int_equal(
	    query_int(f->fx.s->db,
		      "SELECT count(*) FROM response"
		      " WHERE import_id IS NULL AND answers = '45'"),
	    1);
	assert_string_equal(query_text(f->fx.s->db, "SELECT text FROM comment"
						    " WHERE question_id = 'q'"),
			    "kept");
	assert_int_equal(
	    query_int(f->fx.s->db, "SELECT import_id FROM comment_group"), 0);
	assert_int_equal(query_int(f->fx.s->db,
				   "SELECT count(*) FROM import, import_row,"
				   " wave_purged, agg_invited"),
			 0);
	assert_int_equal(
	    query_int(f->fx.s->db,
		      "SELECT count(*) FROM pragma_table_info('member')"
		      " WHERE name = 'forgotten_at'"),
	    1);
}

/*
 * Migration 11 (prefer not to say and eNPS) from a schema-10 file made by
 * the migrations: a stored response keeps its answers, which the new
 * answer view still reads; the item totals keep their counts and gain
 * zero columns for eNPS and "prefer not to say"; the declined view is
 * there, and reads 'x' where a slot has it.
 */
static void test_migration_11(void **state)
{
	static const char data[] =
	    "INSERT INTO team(id, name, created_at) VALUES (1, 'T', 0);"
	    "INSERT INTO survey(id, survey_id, version, title, hash,"
	    " definition, added_at) VALUES (1, 's', '1', 'S', 'h',"
	    " '{\"items\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": "
	    "\"e\"}]}',"
	    " 0);"
	    "INSERT INTO wave(id, survey_ref, status, opens_at, channel,"
	    " created_at) VALUES (1, 1, 'open', 0, 'outbox', 0);"
	    "INSERT INTO response_slot(id, wave_id, team_id, self, filled,"
	    " answers) VALUES (x'00112233445566778899aabbccddeeff', 1, 1, 0,"
	    " 1, '450');"
	    "INSERT INTO agg_item(wave_id, team_id, self, item_id, c1, c2, c3,"
	    " c4, c5) VALUES (1, 1, 0, 'a', 0, 0, 0, 1, 0);"
	    "PRAGMA user_version = 10;";
	struct fixture *f = *state;

	reopen_from(f, 10, data);
	assert_string_equal(
	    query_text(f->fx.s->db, "SELECT group_concat(item_id || value, ' ')"
				    " FROM answer"),
	    "a4 b5");
	assert_int_equal(
	    query_int(
		f->fx.s->db,
		"SELECT c4 * 1000 + c0 + c6 + c7 + c8 + c9 + c10 + declined"
		" FROM agg_item"),
	    1000);
	assert_int_equal(
	    query_int(f->fx.s->db, "SELECT count(*) FROM declined"), 0);
	/* A slot with an eNPS 10 and a declined answer, as stored now. */
	assert_int_equal(
	    sqlite3_exec(f->fx.s->db,
			 "UPDATE response_slot SET answers = 'x4k'", NULL, NULL,
			 NULL),
	    SQLITE_OK);
	assert_string_equal(
	    query_text(f->fx.s->db, "SELECT group_concat(item_id || value, ' ')"
				    " FROM answer"),
	    "b4 e10");
	assert_string_equal(
	    query_text(f->fx.s->db, "SELECT item_id FROM declined"), "a");
}

/*
 * Migration 16 (responses clustered by group) from a schema-15 file made
 * by the migrations: every slot, filled or not, keeps its id, group,
 * answers and import; the key is (wave_id, team_id, self, id), so the
 * table reads in that order; the group index is gone (the key is it),
 * the import index and the views are there and read the same.
 */
static void test_migration_16(void **state)
{
	static const char data[] =
	    "INSERT INTO team(id, name, created_at) VALUES (1, 'T', 0),"
	    " (2, 'U', 0);"
	    "INSERT INTO survey(id, survey_id, version, title, hash,"
	    " definition, added_at) VALUES (1, 's', '1', 'S', 'h',"
	    " '{\"items\": [{\"id\": \"a\"}, {\"id\": \"b\"}]}', 0);"
	    "INSERT INTO wave(id, survey_ref, status, opens_at, channel,"
	    " created_at) VALUES (1, 1, 'open', 0, 'outbox', 0),"
	    " (2, 1, 'open', 0, 'outbox', 0);"
	    "INSERT INTO import(id, wave_id, digest, responses, imported_at)"
	    " VALUES (1, 2, x'00', 1, 0);"
	    "INSERT INTO response_slot(id, wave_id, team_id, self, filled,"
	    " answers, import_id) VALUES"
	    " (x'01', 2, 1, 0, 1, '45', 1),"
	    " (x'02', 1, 2, 0, 1, '3x', NULL),"
	    " (x'03', 1, 1, 1, 0, '00', NULL),"
	    " (x'04', 1, 1, 0, 1, '12', NULL),"
	    " (x'ff', 1, 1, 0, 0, '00', NULL),"
	    " (x'00', 1, 2, 0, 0, '00', NULL);"
	    "PRAGMA user_version = 15;";
	struct fixture *f = *state;

	reopen_from(f, 15, data);
	assert_string_equal(
	    query_text(f->fx.s->db,
		       "SELECT group_concat(name, ',') FROM (SELECT name"
		       " FROM pragma_table_info('response_slot') WHERE pk > 0"
		       " ORDER BY pk)"),
	    "wave_id,team_id,self,id");
	assert_string_equal(query_text(f->fx.s->db,
				       "SELECT group_concat(name, ',') FROM"
				       " pragma_table_info('response_slot')"),
			    "id,wave_id,team_id,self,filled,answers,import_id");
	/* A plain scan reads the key order: wave, team, self, id. */
	assert_string_equal(
	    query_text(
		f->fx.s->db,
		"SELECT group_concat(hex(id) || ':' || wave_id || team_id"
		" || self || filled || answers || ':'"
		" || coalesce(import_id, '-'), ' ') FROM response_slot"),
	    "04:110112:- FF:110000:- 03:111000:- 00:120000:- "
	    "02:12013x:- 01:210145:1");
	assert_int_equal(schema_count(f->fx.s->db, "response_slot_group"), 0);
	assert_int_equal(schema_count(f->fx.s->db, "response_slot_import"), 1);
	assert_string_equal(
	    query_text(f->fx.s->db,
		       "SELECT group_concat(wave_id || item_id || value, ' ')"
		       " FROM (SELECT r.wave_id, a.item_id, a.value"
		       " FROM answer a JOIN response r ON r.id = a.response_id"
		       " ORDER BY 1, 2, 3)"),
	    "1a1 1a3 1b2 2a4 2b5");
	assert_string_equal(
	    query_text(f->fx.s->db, "SELECT item_id FROM declined"), "b");
	assert_int_equal(query_int(f->fx.s->db, "SELECT count(*) FROM response"
						" WHERE import_id = 1"),
			 1);
}

/*
 * Schema 16 -> 17: a file of schema 16 keeps its snapshots and gains
 * wave_team_snapshot_parent; the path of a team in a wave's snapshot
 * (its ancestors and the teams below it, not its siblings) is read
 * through the key and that index, never a scan of the wave's rows.
 */
static void test_migration_17(void **state)
{
	static const char data[] =
	    "INSERT INTO survey(id, survey_id, version, title, hash,"
	    " definition, added_at) VALUES (1, 's', '1', 'S', 'h',"
	    " '{\"items\": [{\"id\": \"a\"}]}', 0);"
	    "INSERT INTO wave(id, survey_ref, status, opens_at, channel,"
	    " created_at) VALUES (1, 1, 'closed', 0, 'outbox', 0);"
	    "INSERT INTO wave_team_snapshot(wave_id, team_id, name, parent_id,"
	    " in_wave) VALUES (1, 1, 'Org', NULL, 0), (1, 2, 'A', 1, 1),"
	    " (1, 3, 'B', 1, 1), (1, 4, 'A1', 2, 1), (1, 5, 'A2', 2, 1),"
	    " (1, 6, 'A11', 4, 1);"
	    "PRAGMA user_version = 16;";
	struct fixture *f = *state;
	struct cp_snapshot_team *t = NULL;
	struct cp_error err = {0};
	sqlite3_stmt *st;
	char plan[2048] = "";
	size_t n = 0, used = 0;

	reopen_from(f, 16, data);
	assert_int_equal(schema_count(f->fx.s->db, "wave_team_snapshot_parent"),
			 1);
	if (cp_store_wave_snapshot_path(f->fx.s, 1, 2, &t, &n, &err))
		fail_msg("%s", err.message);
	/* By name: A, A1, A11, A2, Org; B is not on A's path. */
	assert_int_equal(n, 5);
	assert_string_equal(t[0].name, "A");
	assert_string_equal(t[1].name, "A1");
	assert_string_equal(t[2].name, "A11");
	assert_int_equal(t[2].parent_id, 4);
	assert_string_equal(t[3].name, "A2");
	assert_string_equal(t[4].name, "Org");
	assert_int_equal(t[4].parent_id, 0);
	cp_store_snapshot_free(t, n);
	if (cp_store_wave_snapshot_path(f->fx.s, 1, 3, &t, &n, &err))
		fail_msg("%s", err.message);
	assert_int_equal(n, 2); /* B and Org */
	cp_store_snapshot_free(t, n);
	/* The statement's plan: searches only. */
	assert_int_equal(
	    sqlite3_prepare_v2(f->fx.s->db,
			       "EXPLAIN QUERY PLAN WITH RECURSIVE"
			       " down(id, steps) AS (SELECT 2, 0 UNION"
			       "  SELECT t.team_id, down.steps + 1"
			       "  FROM down JOIN wave_team_snapshot t"
			       "  ON t.wave_id = 1 AND t.parent_id = down.id"
			       "  WHERE down.steps < 65)"
			       " SELECT id FROM down",
			       -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && used < sizeof(plan) - 1)
		used += (size_t)snprintf(plan + used, sizeof(plan) - used,
					 "%s;", sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	assert_non_null(strstr(plan, "wave_team_snapshot_parent"));
}

/* The plan of sql on s's database, its steps joined by ';'. */
static const char *plan_of(struct cp_store *s, const char *sql)
{
	static char plan[2048];
	char q[1024];
	sqlite3_stmt *st;
	size_t used = 0;

	plan[0] = '\0';
	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(s->db, q, -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && used < sizeof(plan) - 1)
		used += (size_t)snprintf(plan + used, sizeof(plan) - used,
					 "%s;", sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	return plan;
}

/* The ids of wave 1's invitations that cp_store_delivery_list selects. */
static const char *delivery_ids(struct cp_store *s, enum cp_delivery_select sel)
{
	static char out[256];
	struct cp_delivery *d = NULL;
	struct cp_error err = {0};
	size_t n = 0, used = 0;

	out[0] = '\0';
	if (cp_store_delivery_list(s, 1, sel, 1000, 3, 100, &d, &n, &err))
		fail_msg("%s", err.message);
	for (size_t i = 0; i < n && used < sizeof(out) - 1; i++)
		used += (size_t)snprintf(out + used, sizeof(out) - used,
					 "%s%lld", i ? " " : "",
					 (long long)d[i].invitation_id);
	cp_store_deliveries_free(d, n);
	return out;
}

/* Frames in s's -wal file (its header aside). */
static long wal_frames(struct cp_store *s, const char *db_path)
{
	char path[4200];
	struct stat sb;
	long page = (long)query_int(s->db, "PRAGMA page_size");

	snprintf(path, sizeof(path), "%s-wal", db_path);
	if (stat(path, &sb) != 0 || sb.st_size < 32)
		return 0;
	return (long)((sb.st_size - 32) / (page + 24));
}

/*
 * Schema 17 -> 18: invitation_state (wave_id, state) goes; the state of an
 * invitation is in one index, invitation_kind_team. What `send`, `status`
 * and `wave` read of the invitations is the same: the counts by state,
 * the lists to send (pending, sending, failed and due), to remind and of
 * failures, in id order; each list searches invitation_kind_team by wave,
 * none scans the table. And the mark of `send` (the last outcome and the
 * next invitation sending, one transaction) writes two pages, the rows'
 * leaf and one leaf of invitation_kind_team: three with the old index.
 */
static void test_migration_18(void **state)
{
	static const char data[] =
	    "INSERT INTO team(id, name, created_at) VALUES (1, 'A', 0),"
	    " (2, 'B', 0);"
	    "INSERT INTO survey(id, survey_id, version, title, hash,"
	    " definition, added_at) VALUES (1, 's', '1', 'S', 'h', '{}', 0);"
	    "INSERT INTO wave(id, survey_ref, status, opens_at, channel,"
	    " created_at) VALUES (1, 1, 'open', 0, 'outbox', 0),"
	    " (2, 1, 'open', 0, 'outbox', 0);"
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	    " WHERE i < 8)"
	    " INSERT INTO member(id, email, email_key, name, team_id, role,"
	    " created_at, updated_at) SELECT i, 'm' || i, 'm' || i, 'M',"
	    " CASE WHEN i <= 4 THEN 1 ELSE 2 END, 'member', 0, 0 FROM n;"
	    "INSERT INTO invitation(id, wave_id, member_id, team_id, kind,"
	    " token_hash, state, attempts, next_attempt_at, sent_at,"
	    " answered) VALUES"
	    " (1, 1, 1, 1, 'team', randomblob(32), 'sent', 1, NULL, 10, 0),"
	    " (2, 1, 2, 1, 'team', randomblob(32), 'sent', 1, NULL, 10, 1),"
	    " (3, 1, 3, 1, 'team', randomblob(32), 'failed', 1, 500, NULL, 0),"
	    " (4, 1, 4, 1, 'team', randomblob(32), 'failed', 1, 5000, NULL,"
	    "  0),"
	    " (5, 1, 5, 2, 'team', randomblob(32), 'sending', 1, NULL, NULL,"
	    "  0),"
	    " (6, 1, 6, 2, 'team', randomblob(32), 'pending', 0, NULL, NULL,"
	    "  0),"
	    " (7, 1, 7, 2, 'team', randomblob(32), 'pending', 0, NULL, NULL,"
	    "  0),"
	    " (8, 1, 5, 2, 'self', randomblob(32), 'failed', 2, NULL, NULL,"
	    "  0),"
	    " (9, 2, 8, 2, 'team', randomblob(32), 'pending', 0, NULL, NULL,"
	    "  0);"
	    "PRAGMA user_version = 17;";
	static const char *const lists[] = {
	    "SELECT id FROM invitation WHERE wave_id = 1 AND (state IN"
	    " ('pending', 'sending') OR (state = 'failed'"
	    " AND next_attempt_at IS NOT NULL AND next_attempt_at <= 5))"
	    " ORDER BY id",
	    "SELECT id FROM invitation WHERE wave_id = 1 AND state = 'sent'"
	    " AND answered = 0 ORDER BY id",
	    "SELECT id FROM invitation WHERE wave_id = 1 AND state = 'failed'"
	    " ORDER BY id",
	};
	struct fixture *f = *state;
	struct cp_wave_stats ws;
	struct cp_error err = {0};

	reopen_from(f, 17, data);
	assert_int_equal(schema_count(f->fx.s->db, "invitation_state"), 0);
	assert_string_equal(query_text(f->fx.s->db,
				       "SELECT group_concat(name, ',') FROM"
				       " pragma_index_info("
				       "'invitation_kind_team')"),
			    "wave_id,kind,team_id,state");
	/* status and wave: the counts by state. */
	if (cp_store_wave_stats(f->fx.s, 1, &ws, &err))
		fail_msg("%s", err.message);
	assert_int_equal(ws.invitations, 8);
	assert_int_equal(ws.pending, 2);
	assert_int_equal(ws.sending, 1);
	assert_int_equal(ws.sent, 2);
	assert_int_equal(ws.failed, 3);
	assert_int_equal(ws.answered, 1);
	assert_int_equal(ws.self, 1);
	/* send, remind and wave show: the lists, in id order. */
	assert_string_equal(delivery_ids(f->fx.s, CP_SELECT_TO_SEND),
			    "3 5 6 7");
	assert_string_equal(delivery_ids(f->fx.s, CP_SELECT_TO_REMIND), "1");
	assert_string_equal(delivery_ids(f->fx.s, CP_SELECT_FAILED), "3 4 8");
	assert_string_equal(delivery_ids(f->fx.s, CP_SELECT_ALL),
			    "1 2 3 4 5 6 7 8");
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		const char *plan = plan_of(f->fx.s, lists[i]);

		assert_non_null(strstr(plan, "invitation_kind_team"));
		assert_null(strstr(plan, "SCAN"));
	}
	/* The mark: 6 from pending to sending, 5's outcome (sent) with it. */
	exec_ok(f->fx.s, "PRAGMA wal_checkpoint(TRUNCATE)");
	assert_int_equal(wal_frames(f->fx.s, f->fx.path), 0);
	assert_int_equal(cp_store_begin(f->fx.s, &err), 0);
	assert_int_equal(cp_store_invitation_sent(f->fx.s, 5, 20, &err), 0);
	assert_int_equal(cp_store_invitation_sending(f->fx.s, 6, &err), 0);
	assert_int_equal(cp_store_commit(f->fx.s, &err), 0);
	assert_int_equal(wal_frames(f->fx.s, f->fx.path), 2);
	if (cp_store_wave_stats(f->fx.s, 1, &ws, &err))
		fail_msg("%s", err.message);
	assert_int_equal(ws.pending, 1);
	assert_int_equal(ws.sending, 1);
	assert_int_equal(ws.sent, 3);
	assert_string_equal(delivery_ids(f->fx.s, CP_SELECT_TO_SEND), "3 6 7");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create_sets_pragmas,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_open_missing_without_create,
					    make_dir, cleanup),
	    cmocka_unit_test_setup_teardown(test_newer_schema_refused,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_upgrade_from_5_adds_key_check,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_not_a_database_refused,
					    make_dir, cleanup),
	    cmocka_unit_test_setup_teardown(test_reopen_keeps_data, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_readonly_cannot_write,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_full_disk_in_words, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_rollback_leaves_nothing,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_wal_buffer, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_wal_buffer_write_fails,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_close_rolls_back, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_config_rows, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_teams, make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_member_upsert_case_insensitive,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_member_list_filters,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_member_foreign_key, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_survey_rows, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_wave_recent, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_wave_in_tx, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_invitation_group_open,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_response_tables_without_rowid,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_response_has_no_identity,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_migration_8, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_migration_11, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_migration_16, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_migration_17, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_migration_18, make_store,
					    cleanup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
