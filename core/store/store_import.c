/*
 * store_import.c - what imports leave behind: a record per import (the
 * file's digest, its wave, how many responses, when), the digests of the
 * rows' own identifiers, and the import's id on each response it stored,
 * so that the same file or rows are not counted twice and --replace can
 * take exactly one import's responses out again. See store.h.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_int.h"

struct finds {
	struct cp_import_record *r;
	size_t n, alloc;
};

/* The record of import id in x, added when missing. */
static struct cp_import_record *record(struct finds *x, int64_t id)
{
	void *grown;

	for (size_t i = 0; i < x->n; i++)
		if (x->r[i].id == id)
			return &x->r[i];
	if (x->n == x->alloc) {
		grown = cp_array_grow(x->r, sizeof(*x->r), &x->alloc, 4);
		if (grown == NULL)
			return NULL;
		x->r = grown;
	}
	memset(&x->r[x->n], 0, sizeof(x->r[0]));
	x->r[x->n].id = id;
	return &x->r[x->n++];
}

/* Fills the wave, count and time of every record in x. */
static int describe(struct cp_store *s, struct finds *x, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((rc = cp_store_prepare(s, &st,
				   "SELECT wave_id, responses, imported_at"
				   " FROM import WHERE id = ?",
				   err)))
		return rc;
	for (size_t i = 0; rc == 0 && i < x->n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, x->r[i].id);
		if (sqlite3_step(st) != SQLITE_ROW) {
			rc = cp_store_fail(s, err, "cannot read an import");
			break;
		}
		x->r[i].wave_id = sqlite3_column_int64(st, 0);
		x->r[i].responses = sqlite3_column_int64(st, 1);
		x->r[i].imported_at = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc;
}

static int by_id(const void *a, const void *b)
{
	int64_t x = ((const struct cp_import_record *)a)->id;
	int64_t y = ((const struct cp_import_record *)b)->id;

	return (x > y) - (x < y);
}

int cp_store_import_find(struct cp_store *s, int64_t wave,
			 const uint8_t digest[CP_IMPORT_DIGEST],
			 const uint8_t (*keys)[CP_IMPORT_DIGEST], size_t nkeys,
			 struct cp_import_record **out, size_t *n,
			 struct cp_error *err)
{
	struct finds x = {0};
	struct cp_import_record *r;
	sqlite3_stmt *st;
	int rc, step;

	*out = NULL;
	*n = 0;
	if ((rc = cp_store_prepare(
		 s, &st, "SELECT id FROM import WHERE digest = ?", err)))
		return rc;
	sqlite3_bind_blob(st, 1, digest, CP_IMPORT_DIGEST, SQLITE_STATIC);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = record(&x, sqlite3_column_int64(st, 0))) == NULL)
			rc = cp_error_set(err, CP_ENOMEM, "out of memory");
		else
			r->same_file = 1;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot look up earlier imports");
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0 && nkeys)
		rc = cp_store_prepare(s, &st,
				      "SELECT import_id FROM import_row"
				      " WHERE wave_id = ? AND row_key = ?",
				      err);
	for (size_t i = 0; rc == 0 && i < nkeys; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, wave);
		sqlite3_bind_blob(st, 2, keys[i], CP_IMPORT_DIGEST,
				  SQLITE_STATIC);
		step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			r = record(&x, sqlite3_column_int64(st, 0));
			if (r == NULL)
				rc = cp_error_set(err, CP_ENOMEM,
						  "out of memory");
			else
				r->same_rows++;
		} else if (step != SQLITE_DONE) {
			rc = cp_store_fail(s, err,
					   "cannot look up imported rows");
		}
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rc = describe(s, &x, err);
	if (rc) {
		free(x.r);
		return rc;
	}
	if (x.n)
		qsort(x.r, x.n, sizeof(*x.r), by_id);
	*out = x.r;
	*n = x.n;
	return 0;
}

int cp_store_import_add(struct cp_store *s, int64_t wave,
			const uint8_t digest[CP_IMPORT_DIGEST],
			int64_t responses, int64_t *id, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (!s->in_tx)
		return cp_error_set(err, CP_EFAIL,
				    "an import is recorded inside a "
				    "transaction");
	if ((rc = cp_store_prepare(
		 s, &st,
		 "INSERT INTO import(wave_id, digest,"
		 " responses, imported_at) VALUES (?, ?, ?, ?)",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	sqlite3_bind_blob(st, 2, digest, CP_IMPORT_DIGEST, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, responses);
	sqlite3_bind_int64(st, 4, cp_store_now());
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot record the import");
	else
		*id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return rc;
}

int cp_store_import_rows(struct cp_store *s, int64_t import, int64_t wave,
			 const uint8_t (*keys)[CP_IMPORT_DIGEST], size_t nkeys,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (nkeys == 0)
		return 0;
	if ((rc = cp_store_prepare(s, &st,
				   "INSERT INTO import_row(wave_id, row_key,"
				   " import_id) VALUES (?, ?, ?)",
				   err)))
		return rc;
	for (size_t i = 0; rc == 0 && i < nkeys; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, wave);
		sqlite3_bind_blob(st, 2, keys[i], CP_IMPORT_DIGEST,
				  SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, import);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = cp_store_fail(s, err,
					   "cannot record the imported rows");
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * Takes one stored response out of the bulk load's totals: its answers
 * are one character per item of the pinned survey, in its order
 * (cp_answer_char), 0 for none.
 */
static int take_out(struct cp_store *s, sqlite3_stmt *st,
		    const struct cp_survey *survey[2], struct cp_answer *buf,
		    struct cp_error *err)
{
	struct cp_response r = {.wave_id = sqlite3_column_int64(st, 0),
				.team_id = sqlite3_column_int64(st, 1),
				.self = sqlite3_column_int(st, 2),
				.answers = buf};
	const char *answers = (const char *)sqlite3_column_text(st, 3);
	const struct cp_survey *sv = survey[r.self ? 1 : 0];
	size_t len = (size_t)sqlite3_column_bytes(st, 3);

	if (sv == NULL || answers == NULL || len != sv->nitems)
		return cp_error_set(err, CP_EFAIL,
				    N_("an imported response does not fit its "
				       "wave's survey"));
	for (size_t i = 0; i < len; i++) {
		int v;
		if (cp_answer_from_char(&sv->items[i], answers[i], &v) != 1)
			continue;
		buf[r.nanswers].item_id = sv->items[i].id;
		buf[r.nanswers].value = v;
		r.nanswers++;
	}
	return cp_store_bulk_response(s, &r, sv, err);
}

/* Runs a DELETE of one import's rows. */
static int delete_import_rows(struct cp_store *s, const char *sql,
			      int64_t import, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	sqlite3_bind_int64(st, 1, import);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot delete an import");
	sqlite3_finalize(st);
	return rc;
}

int cp_store_import_remove(struct cp_store *s, int64_t import,
			   const struct cp_survey *team_survey,
			   const struct cp_survey *self_survey,
			   int64_t *removed, struct cp_error *err)
{
	const struct cp_survey *survey[2] = {team_survey, self_survey};
	size_t width = team_survey ? team_survey->nitems : 0;
	struct cp_answer *buf;
	sqlite3_stmt *st;
	int64_t n = 0;
	int step, rc;

	*removed = 0;
	if (s->bulk == NULL)
		return cp_error_set(err, CP_EFAIL,
				    "an import is taken out in a bulk load");
	if (self_survey && self_survey->nitems > width)
		width = self_survey->nitems;
	if ((buf = calloc(width + 1, sizeof(*buf))) == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	rc = cp_store_prepare(s, &st,
			      "SELECT wave_id, team_id, self, answers"
			      " FROM response_slot"
			      " WHERE import_id = ? AND filled = 1",
			      err);
	if (rc) {
		free(buf);
		return rc;
	}
	sqlite3_bind_int64(st, 1, import);
	cp_bulk_sign(s, -1);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		rc = take_out(s, st, survey, buf, err);
		n++;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot read an import's answers");
	cp_bulk_sign(s, 1);
	sqlite3_finalize(st);
	free(buf);
	/* The responses, their comments (a list per group and import), then
	 * the record with its row identifiers (ON DELETE CASCADE). */
	if (rc == 0)
		rc = delete_import_rows(
		    s, "DELETE FROM response_slot WHERE import_id = ?", import,
		    err);
	if (rc == 0)
		rc = delete_import_rows(
		    s, "DELETE FROM comment_group WHERE import_id = ?", import,
		    err);
	if (rc == 0)
		rc = delete_import_rows(s, "DELETE FROM import WHERE id = ?",
					import, err);
	if (rc == 0)
		*removed = n;
	return rc;
}
