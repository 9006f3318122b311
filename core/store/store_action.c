/*
 * store_action.c - the action table: what a team agreed to do after a
 * wave's results, with an owner, a review date and when it was done. See
 * store.h; the rules (who may add what) are core/action's.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_int.h"

#define ACTION_COLUMNS                                                         \
	"a.id, a.team_id, a.wave_id, coalesce(t.name, ''), a.text, a.owner,"   \
	" coalesce(a.review_at, 0), coalesce(a.done_at, 0), a.created_at"

static void copy_text(char *out, size_t n, const unsigned char *s)
{
	cp_strlcpy(out, s ? (const char *)s : "", n);
}

static void read_action(sqlite3_stmt *st, struct cp_action *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	a->team_id = sqlite3_column_int64(st, 1);
	a->wave_id = sqlite3_column_int64(st, 2);
	copy_text(a->team, sizeof(a->team), sqlite3_column_text(st, 3));
	copy_text(a->text, sizeof(a->text), sqlite3_column_text(st, 4));
	copy_text(a->owner, sizeof(a->owner), sqlite3_column_text(st, 5));
	a->review_at = sqlite3_column_int64(st, 6);
	a->done_at = sqlite3_column_int64(st, 7);
	a->created_at = sqlite3_column_int64(st, 8);
}

int cp_store_action_add(struct cp_store *s, const struct cp_action *a,
			int64_t *id, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st,
		 "INSERT INTO action(team_id, wave_id, text, owner, review_at,"
		 " created_at) VALUES (?, ?, ?, ?, nullif(?, 0), ?)",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, a->team_id);
	sqlite3_bind_int64(st, 2, a->wave_id);
	sqlite3_bind_text(st, 3, a->text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, a->review_at);
	sqlite3_bind_int64(st, 6, a->created_at);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot store the action");
	else if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return rc;
}

int cp_store_action_list(struct cp_store *s, int64_t team, int64_t wave,
			 struct cp_action **out, size_t *n,
			 struct cp_error *err)
{
	struct cp_action *all = NULL;
	size_t alloc = 0, count = 0;
	sqlite3_stmt *st;
	int rc, step;

	*out = NULL;
	*n = 0;
	if ((rc = cp_store_prepare(s, &st,
				   "SELECT " ACTION_COLUMNS
				   " FROM action a LEFT JOIN team t"
				   " ON t.id = a.team_id"
				   " WHERE (?1 = 0 OR a.team_id = ?1)"
				   " AND (?2 = 0 OR a.wave_id = ?2)"
				   " ORDER BY a.id",
				   err)))
		return rc;
	sqlite3_bind_int64(st, 1, team);
	sqlite3_bind_int64(st, 2, wave);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == alloc) {
			void *grown =
			    cp_array_grow(all, sizeof(*all), &alloc, 8);
			if (grown == NULL) {
				rc = cp_error_set(err, CP_ENOMEM,
						  "out of memory");
				break;
			}
			all = grown;
		}
		read_action(st, &all[count++]);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot list actions");
	sqlite3_finalize(st);
	if (rc) {
		free(all);
		return rc;
	}
	*out = all;
	*n = count;
	return 0;
}

int cp_store_action_get(struct cp_store *s, int64_t id, struct cp_action *a,
			struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc, step;

	if ((rc = cp_store_prepare(s, &st,
				   "SELECT " ACTION_COLUMNS
				   " FROM action a LEFT JOIN team t"
				   " ON t.id = a.team_id WHERE a.id = ?",
				   err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		read_action(st, a);
	else if (step == SQLITE_DONE)
		rc = cp_error_set(err, CP_ENOTFOUND, N_("no action %lld"),
				  (long long)id);
	else
		rc = cp_store_fail(s, err, "cannot read the action");
	sqlite3_finalize(st);
	return rc;
}

int cp_store_action_done(struct cp_store *s, int64_t id, int64_t when,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(s, &st,
				   "UPDATE action SET done_at = ?"
				   " WHERE id = ? AND done_at IS NULL",
				   err)))
		return rc;
	sqlite3_bind_int64(st, 1, when);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot mark the action done");
	else if (sqlite3_changes(s->db) == 0)
		rc = cp_error_set(err, CP_ECONFLICT,
				  N_("action %lld is not open"), (long long)id);
	sqlite3_finalize(st);
	return rc;
}

int cp_store_action_previous_wave(struct cp_store *s, int64_t team,
				  int64_t wave, int64_t *out,
				  struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc, step;

	*out = 0;
	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT a.wave_id FROM action a JOIN wave w ON w.id = "
		 "a.wave_id"
		 " WHERE a.team_id = ?1 AND w.opens_at <"
		 " (SELECT opens_at FROM wave WHERE id = ?2)"
		 " ORDER BY w.opens_at DESC, w.id DESC LIMIT 1",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, team);
	sqlite3_bind_int64(st, 2, wave);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (step != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot look up earlier actions");
	sqlite3_finalize(st);
	return rc;
}
