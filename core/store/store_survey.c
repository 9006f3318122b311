/*
 * store_survey.c - survey definitions in the store. A definition is kept as
 * the exact text it was added with, keyed by its content hash, so a wave
 * can pin the version it was sent with.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_int.h"

int cp_store_survey_put(struct cp_store *s, const char *survey_id,
			const char *version, const char *title,
			const char *hash, const char *definition, int builtin,
			int64_t *ref, int *added, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	*added = 0;
	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT id FROM survey WHERE survey_id = ? AND "
		 "hash = ?",
		 err)))
		return rc;
	sqlite3_bind_text(st, 1, survey_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*ref = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if ((rc = cp_store_prepare(
		 s, &st,
		 "INSERT INTO survey(survey_id, version, title,"
		 " hash, definition, builtin, added_at)"
		 " VALUES (?, ?, ?, ?, ?, ?, ?)",
		 err)))
		return rc;
	sqlite3_bind_text(st, 1, survey_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, definition, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, builtin ? 1 : 0);
	sqlite3_bind_int64(st, 7, cp_store_now());
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = cp_store_fail(s, err, "cannot add a survey");
	} else {
		*ref = sqlite3_last_insert_rowid(s->db);
		*added = 1;
	}
	sqlite3_finalize(st);
	return rc;
}

void cp_store_survey_rows_free(struct cp_survey_row *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++) {
		free(r[i].survey_id);
		free(r[i].version);
		free(r[i].title);
		free(r[i].hash);
	}
	free(r);
}

/* One row of the list query below into *row. */
static int fill_survey_row(sqlite3_stmt *st, void *row, void *arg)
{
	struct cp_survey_row *r = row;

	(void)arg;
	r->ref = sqlite3_column_int64(st, 0);
	r->survey_id = cp_store_column_dup(st, 1);
	r->version = cp_store_column_dup(st, 2);
	r->title = cp_store_column_dup(st, 3);
	r->hash = cp_store_column_dup(st, 4);
	r->builtin = sqlite3_column_int(st, 5);
	r->added_at = sqlite3_column_int64(st, 6);
	if (!r->survey_id || !r->version || !r->title || !r->hash)
		return CP_ENOMEM;
	return 0;
}

int cp_store_survey_list(struct cp_store *s, struct cp_survey_row **out,
			 size_t *n, struct cp_error *err)
{
	/* The newest row of each id: the highest row id wins. */
	static const char sql[] =
	    "SELECT id, survey_id, version, title, hash, builtin, added_at"
	    " FROM survey WHERE id IN"
	    " (SELECT max(id) FROM survey GROUP BY survey_id)"
	    " ORDER BY survey_id";
	void *rows;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	rc = cp_store_collect(s, st, sizeof(struct cp_survey_row), 8,
			      fill_survey_row, NULL, &rows, n,
			      "cannot list surveys", err);
	if (rc) {
		cp_store_survey_rows_free(rows, *n);
		*n = 0;
		return rc;
	}
	*out = rows;
	return 0;
}

int cp_store_survey_text(struct cp_store *s, const char *survey_id,
			 int64_t ref_in, char **text, int64_t *ref,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	*text = NULL;
	if ((rc = cp_store_prepare(s, &st,
				   ref_in ? "SELECT id, definition FROM survey"
					    " WHERE id = ?2"
					  : "SELECT id, definition FROM survey"
					    " WHERE survey_id = ?1"
					    " ORDER BY id DESC LIMIT 1",
				   err)))
		return rc;
	if (ref_in)
		sqlite3_bind_int64(st, 2, ref_in);
	else
		sqlite3_bind_text(st, 1, survey_id, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		if (ref)
			*ref = sqlite3_column_int64(st, 0);
		*text = cp_store_column_dup(st, 1);
		if (*text == NULL)
			rc = cp_error_set(err, CP_ENOMEM, "out of memory");
		break;
	case SQLITE_DONE:
		rc = ref_in ? cp_error_set(err, CP_ENOTFOUND,
					   N_("no survey with reference %lld"),
					   (long long)ref_in)
			    : cp_error_set(err, CP_ENOTFOUND,
					   N_("no survey '%s': see 'carepulse "
					      "survey list'"),
					   survey_id);
		break;
	default:
		rc = cp_store_fail(s, err, "cannot read a survey");
	}
	sqlite3_finalize(st);
	return rc;
}

int cp_store_survey_version_hash(struct cp_store *s, const char *survey_id,
				 const char *version, const char *hash,
				 char **other, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	*other = NULL;
	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT hash FROM survey WHERE survey_id = ? AND"
		 " version = ? AND hash <> ? LIMIT 1",
		 err)))
		return rc;
	sqlite3_bind_text(st, 1, survey_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*other = cp_store_column_dup(st, 0);
		if (*other == NULL)
			rc = cp_error_set(err, CP_ENOMEM, "out of memory");
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = cp_store_fail(s, err, "cannot read surveys");
	}
	sqlite3_finalize(st);
	return rc;
}
