/*
 * store_freeze.c - a wave's frozen picture: the team tree it was sent to
 * (written by cp_store_wave_insert), its place in the order of closing and
 * the suppression decisions made when it closed. See store.h.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_int.h"

static int snapshot_fill(sqlite3_stmt *st, void *row, void *arg)
{
	struct cp_snapshot_team *t = row;

	(void)arg;
	t->id = sqlite3_column_int64(st, 0);
	t->name = cp_store_column_dup(st, 1);
	t->parent_id = sqlite3_column_int64(st, 2);
	t->in_wave = sqlite3_column_int(st, 3);
	return t->name ? 0 : -1;
}

/* By name, as SQLite's BINARY collation orders them (names are unique
 * in a wave: its teams' names when it was sent); then by id. */
static int by_name(const void *a, const void *b)
{
	const struct cp_snapshot_team *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* The rows of a bound snapshot statement, sorted by by_name. */
static int collect_snapshot(struct cp_store *s, sqlite3_stmt *st,
			    struct cp_snapshot_team **out, size_t *n,
			    struct cp_error *err)
{
	void *rows = NULL;
	int rc = cp_store_collect_cached(s, st, sizeof(**out), 16,
					 snapshot_fill, NULL, &rows, n,
					 "cannot read the wave's teams", err);

	*out = rows;
	if (rc) {
		cp_store_snapshot_free(*out, *n);
		*out = NULL;
		*n = 0;
	} else if (*n > 1) {
		qsort(*out, *n, sizeof(**out), by_name);
	}
	return rc;
}

int cp_store_wave_snapshot(struct cp_store *s, int64_t wave,
			   struct cp_snapshot_team **out, size_t *n,
			   struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	/* Sorted here, not by an ORDER BY: SQLite would sort them in a
	 * temporary b-tree, each of a report's 12 waves. */
	if ((rc = cp_store_cached(
		 s, CP_STMT_WAVE_SNAPSHOT,
		 "SELECT team_id, name, coalesce(parent_id, 0),"
		 " in_wave FROM wave_team_snapshot WHERE wave_id = ?",
		 &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	return collect_snapshot(s, st, out, n, err);
}

int cp_store_wave_snapshot_path(struct cp_store *s, int64_t wave, int64_t team,
				struct cp_snapshot_team **out, size_t *n,
				struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	/* Up by the key, down by wave_team_snapshot_parent (schema 17);
	 * the step counts bound both walks. */
	if ((rc = cp_store_cached(
		 s, CP_STMT_WAVE_SNAPSHOT_PATH,
		 "WITH RECURSIVE"
		 " up(id, steps) AS (SELECT ?2, 0 UNION"
		 "  SELECT t.parent_id, up.steps + 1"
		 "  FROM up JOIN wave_team_snapshot t"
		 "  ON t.wave_id = ?1 AND t.team_id = up.id"
		 "  WHERE t.parent_id IS NOT NULL AND up.steps < 65),"
		 " down(id, steps) AS (SELECT ?2, 0 UNION"
		 "  SELECT t.team_id, down.steps + 1"
		 "  FROM down JOIN wave_team_snapshot t"
		 "  ON t.wave_id = ?1 AND t.parent_id = down.id"
		 "  WHERE down.steps < 65)"
		 " SELECT team_id, name, coalesce(parent_id, 0), in_wave"
		 " FROM wave_team_snapshot WHERE wave_id = ?1 AND team_id IN"
		 " (SELECT id FROM up UNION SELECT id FROM down)",
		 &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	sqlite3_bind_int64(st, 2, team);
	return collect_snapshot(s, st, out, n, err);
}

void cp_store_snapshot_free(struct cp_snapshot_team *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++)
		free(t[i].name);
	free(t);
}

int cp_store_wave_frozen(struct cp_store *s, int64_t wave,
			 struct cp_frozen *out, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = cp_store_cached(s, CP_STMT_WAVE_FROZEN,
				  "SELECT seq, coalesce(threshold, 0),"
				  " coalesce(comment_threshold, 0)"
				  " FROM wave_frozen WHERE wave_id = ?",
				  &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		out->seq = sqlite3_column_int64(st, 0);
		out->threshold = sqlite3_column_int(st, 1);
		out->comment_threshold = sqlite3_column_int(st, 2);
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = cp_store_fail(s, err, "cannot read a frozen wave");
	}
	sqlite3_reset(st);
	return rc;
}

int cp_store_wave_mark_frozen(struct cp_store *s, int64_t wave,
			      struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((rc = cp_store_prepare(s, &st,
				   "INSERT OR IGNORE INTO wave_frozen(wave_id)"
				   " VALUES (?)",
				   err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot freeze a wave");
	sqlite3_finalize(st);
	return rc;
}

int cp_store_wave_freeze(struct cp_store *s, int64_t wave, int threshold,
			 int comment_threshold,
			 const struct cp_hidden_row *rows, size_t n,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (!s->in_tx)
		return cp_error_set(err, CP_EFAIL,
				    "a wave is frozen inside a transaction");
	rc = cp_store_wave_mark_frozen(s, wave, err);
	if (rc)
		return rc;
	if ((rc = cp_store_prepare(s, &st,
				   "UPDATE wave_frozen SET threshold = ?2,"
				   " comment_threshold = ?3"
				   " WHERE wave_id = ?1 AND threshold IS NULL",
				   err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	sqlite3_bind_int(st, 2, threshold);
	sqlite3_bind_int(st, 3, comment_threshold);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot freeze a wave");
	else if (sqlite3_changes(s->db) == 0)
		rc = cp_error_set(err, CP_ECONFLICT,
				  N_("wave %lld is frozen already: its results "
				     "were decided when it closed"),
				  (long long)wave);
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if ((rc = cp_store_prepare(
		 s, &st,
		 "INSERT INTO wave_hidden(wave_id, scope, team_id,"
		 " measure, measure_id, reason, protects_scope,"
		 " protects_team_id, nprotects)"
		 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		 err)))
		return rc;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct cp_hidden_row *r = &rows[i];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, wave);
		sqlite3_bind_text(st, 2, r->scope, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, r->team_id);
		sqlite3_bind_text(st, 4, r->measure, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, r->measure_id ? r->measure_id : "", -1,
				  SQLITE_STATIC);
		if (r->reason)
			sqlite3_bind_text(st, 6, r->reason, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 6);
		if (r->protects_scope[0]) {
			sqlite3_bind_text(st, 7, r->protects_scope, -1,
					  SQLITE_STATIC);
			sqlite3_bind_int64(st, 8, r->protects_team_id);
		} else {
			sqlite3_bind_null(st, 7);
			sqlite3_bind_null(st, 8);
		}
		sqlite3_bind_int64(st, 9, r->nprotects);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc =
			    cp_store_fail(s, err, "cannot store a suppression");
	}
	sqlite3_finalize(st);
	return rc;
}

static int hidden_fill(sqlite3_stmt *st, void *row, void *arg)
{
	struct cp_hidden_row *r = row;
	const unsigned char *reason = sqlite3_column_text(st, 4);
	const unsigned char *pscope = sqlite3_column_text(st, 5);

	(void)arg;
	cp_strlcpy(r->scope, (const char *)sqlite3_column_text(st, 0),
		   sizeof(r->scope));
	r->team_id = sqlite3_column_int64(st, 1);
	cp_strlcpy(r->measure, (const char *)sqlite3_column_text(st, 2),
		   sizeof(r->measure));
	r->measure_id = cp_store_column_dup(st, 3);
	if (pscope)
		cp_strlcpy(r->protects_scope, (const char *)pscope,
			   sizeof(r->protects_scope));
	r->protects_team_id = sqlite3_column_int64(st, 6);
	r->nprotects = sqlite3_column_int64(st, 7);
	if (reason && (r->reason = cp_strdup((const char *)reason)) == NULL)
		return -1;
	return r->measure_id ? 0 : -1;
}

int cp_store_wave_hidden(struct cp_store *s, int64_t wave,
			 struct cp_hidden_row **out, size_t *n,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	void *rows = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = cp_store_cached(
		 s, CP_STMT_WAVE_HIDDEN,
		 "SELECT scope, team_id, measure, measure_id, reason,"
		 " protects_scope, coalesce(protects_team_id, 0), nprotects"
		 " FROM wave_hidden WHERE wave_id = ?"
		 " ORDER BY scope, team_id, measure, measure_id",
		 &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	rc = cp_store_collect_cached(s, st, sizeof(**out), 64, hidden_fill,
				     NULL, &rows, n,
				     "cannot read a wave's suppressions", err);
	*out = rows;
	if (rc) {
		cp_store_hidden_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int cp_store_wave_hidden_of(struct cp_store *s, int64_t wave,
			    const int64_t *teams, size_t nteams,
			    struct cp_hidden_row **out, size_t *n,
			    struct cp_error *err)
{
	struct cp_buf ids;
	sqlite3_stmt *st;
	void *rows = NULL;
	int rc = 0;

	*out = NULL;
	*n = 0;
	/* The ids as a JSON array: one statement, a key search a team. */
	cp_buf_init(&ids, 2 + nteams * 21); /* "-9223372036854775808," */
	rc = cp_buf_addc(&ids, '[', err);
	for (size_t i = 0; rc == 0 && i < nteams; i++)
		rc = cp_buf_printf(&ids, err, "%s%lld", i ? "," : "",
				   (long long)teams[i]);
	if (rc == 0)
		rc = cp_buf_addc(&ids, ']', err);
	if (rc == 0)
		rc = cp_store_cached(
		    s, CP_STMT_WAVE_HIDDEN_OF,
		    "SELECT scope, team_id, measure, measure_id, reason,"
		    " protects_scope, coalesce(protects_team_id, 0), nprotects"
		    " FROM wave_hidden WHERE wave_id = ?1"
		    " AND scope IN ('organisation', 'subtree', 'team')"
		    " AND team_id IN (SELECT value FROM json_each(?2))"
		    " ORDER BY scope, team_id, measure, measure_id",
		    &st, err);
	if (rc) {
		cp_buf_release(&ids);
		return rc;
	}
	sqlite3_bind_int64(st, 1, wave);
	sqlite3_bind_text(st, 2, cp_buf_str(&ids), (int)ids.len,
			  SQLITE_TRANSIENT);
	rc = cp_store_collect_cached(s, st, sizeof(**out), 16, hidden_fill,
				     NULL, &rows, n,
				     "cannot read a wave's suppressions", err);
	cp_buf_release(&ids);
	*out = rows;
	if (rc) {
		cp_store_hidden_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void cp_store_hidden_free(struct cp_hidden_row *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++) {
		free(r[i].measure_id);
		free(r[i].reason);
	}
	free(r);
}

int cp_store_wave_results_put(struct cp_store *s, int64_t wave,
			      const struct cp_result_row *rows, size_t n,
			      struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (!s->in_tx)
		return cp_error_set(err, CP_EFAIL,
				    "results are stored inside a transaction");
	if ((rc = cp_store_prepare(
		 s, &st, "DELETE FROM wave_result WHERE wave_id = ?", err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot replace a wave's results");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if ((rc = cp_store_prepare(s, &st,
				   "INSERT INTO wave_result(wave_id, team_id,"
				   " scope, answered, delivered, body)"
				   " VALUES (?, ?, ?, ?, ?, ?)",
				   err)))
		return rc;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct cp_result_row *r = &rows[i];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, wave);
		sqlite3_bind_int64(st, 2, r->team_id);
		sqlite3_bind_text(st, 3, r->scope, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, r->answered);
		sqlite3_bind_int64(st, 5, r->delivered);
		sqlite3_bind_blob(st, 6, r->body ? r->body : "", (int)r->nbody,
				  SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = cp_store_fail(s, err, "cannot store results");
	}
	sqlite3_finalize(st);
	return rc;
}

int cp_store_wave_results_stored(struct cp_store *s, int64_t wave, bool *yes,
				 struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*yes = false;
	if ((rc = cp_store_cached(s, CP_STMT_RESULTS_STORED,
				  "SELECT 1 FROM wave_result WHERE wave_id = ?"
				  " AND team_id = 0 AND scope = 'organisation'",
				  &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*yes = true;
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = cp_store_fail(s, err, "cannot read a wave's results");
	}
	sqlite3_reset(st);
	return rc;
}

static int results_query(struct cp_store *s, enum cp_stmt slot, const char *sql,
			 int64_t wave, int64_t team,
			 int (*each)(const struct cp_result_row *row, void *arg,
				     struct cp_error *err),
			 void *arg, struct cp_error *err);

int cp_store_wave_results_each(struct cp_store *s, int64_t wave,
			       int64_t only_team, bool team_only,
			       int (*each)(const struct cp_result_row *row,
					   void *arg, struct cp_error *err),
			       void *arg, struct cp_error *err)
{
	/* Every row with its body; or, for one team, the other groups'
	 * counts from the index wave_result_counts alone (a body fills a
	 * page), then the team's rows with theirs. */
	static const char *const sql[] = {
	    ("SELECT team_id, scope, answered, delivered, body"
	     " FROM wave_result WHERE wave_id = ?1"),
	    ("SELECT team_id, scope, answered, delivered, NULL"
	     " FROM wave_result INDEXED BY wave_result_counts"
	     " WHERE wave_id = ?1 AND team_id <> ?2"),
	    ("SELECT team_id, scope, answered, delivered, body"
	     " FROM wave_result WHERE wave_id = ?1 AND team_id = ?2"),
	};
	static const enum cp_stmt slot[] = {
	    CP_STMT_RESULTS_ALL, CP_STMT_RESULTS_COUNTS, CP_STMT_RESULTS_TEAM};
	int rc = 0;

	for (size_t q = only_team ? (team_only ? 2 : 1) : 0;
	     rc == 0 && q < (only_team ? 3 : 1); q++)
		rc = results_query(s, slot[q], sql[q], wave, only_team, each,
				   arg, err);
	return rc;
}

static int results_query(struct cp_store *s, enum cp_stmt slot, const char *sql,
			 int64_t wave, int64_t team,
			 int (*each)(const struct cp_result_row *row, void *arg,
				     struct cp_error *err),
			 void *arg, struct cp_error *err)
{
	sqlite3_stmt *st;
	int step = SQLITE_DONE, rc;

	/* Cached: a report reads each of its waves' results. */
	if ((rc = cp_store_cached(s, slot, sql, &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, team);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct cp_result_row r = {0};
		r.team_id = sqlite3_column_int64(st, 0);
		cp_strlcpy(r.scope, (const char *)sqlite3_column_text(st, 1),
			   sizeof(r.scope));
		r.answered = sqlite3_column_int64(st, 2);
		r.delivered = sqlite3_column_int64(st, 3);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
			r.body = sqlite3_column_blob(st, 4);
			r.nbody = (size_t)sqlite3_column_bytes(st, 4);
		}
		rc = each(&r, arg, err);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot read a wave's results");
	sqlite3_reset(st);
	return rc;
}

int cp_store_writable(const struct cp_store *s)
{
	return sqlite3_db_readonly(s->db, "main") == 0;
}

int cp_store_in_transaction(const struct cp_store *s)
{
	return s->in_tx != 0;
}
