/*
 * store_retention.c - deleting what is no longer needed: the answers,
 * comments and invitations of waves past the retention period (their
 * totals stay), a member's name and address, and the pages they were on.
 * See store.h.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_int.h"
#include "text.h"

/* How long VACUUM's checkpoint waits for readers (a running serve). */
#define COMPACT_CHECKPOINT_MS 2000

/* When a closed wave closed (schema 7 records it); for one closed before,
 * its planned closing time, else its opening. */
#define CLOSED_AT "coalesce(w.closed_at, nullif(w.closes_at, 0), w.opens_at)"

static int purge_fill(sqlite3_stmt *st, void *row, void *arg)
{
	struct cp_purge_row *r = row;

	(void)arg;
	r->wave_id = sqlite3_column_int64(st, 0);
	r->closed_at = sqlite3_column_int64(st, 1);
	return 0;
}

int cp_store_purge_candidates(struct cp_store *s, int64_t before,
			      struct cp_purge_row **out, size_t *n,
			      struct cp_error *err)
{
	sqlite3_stmt *st;
	void *rows = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc =
		 cp_store_prepare(s, &st,
				  "SELECT w.id, " CLOSED_AT " FROM wave w"
				  " WHERE w.status = 'closed'"
				  " AND " CLOSED_AT " < ?"
				  " AND NOT EXISTS (SELECT 1 FROM wave_purged p"
				  "  WHERE p.wave_id = w.id)"
				  " ORDER BY 2, 1",
				  err)))
		return rc;
	sqlite3_bind_int64(st, 1, before);
	rc = cp_store_collect(s, st, sizeof(**out), 8, purge_fill, NULL, &rows,
			      n, "cannot list the waves to purge", err);
	if (rc) {
		free(rows);
		*n = 0;
		return rc;
	}
	*out = rows;
	return 0;
}

int cp_store_purge_count(struct cp_store *s, struct cp_purge_row *w,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT (SELECT count(*) FROM response_slot"
		 "  WHERE wave_id = ?1 AND filled = 1),"
		 " (SELECT count(*) FROM comment WHERE wave_id = ?1),"
		 " (SELECT count(*) FROM invitation WHERE wave_id = ?1)",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, w->wave_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		w->responses = sqlite3_column_int64(st, 0);
		w->comments = sqlite3_column_int64(st, 1);
		w->invitations = sqlite3_column_int64(st, 2);
	} else {
		rc = cp_store_fail(s, err, "cannot count what a purge takes");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Runs one statement of the purge, bound to wave. */
static int purge_step(struct cp_store *s, const char *sql, int64_t wave,
		      struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot purge a wave");
	sqlite3_finalize(st);
	return rc;
}

int cp_store_wave_purge(struct cp_store *s, const struct cp_purge_row *w,
			int64_t now, struct cp_error *err)
{
	/*
	 * In order: the invitation counts kept per team, then what said who
	 * was invited and who answered (invitations), the answers (every
	 * slot, filled or not) and comments, a leader's self-assessment
	 * totals (one person's answers), the rows' identifiers of its
	 * imports. What stays: agg_group, agg_item, agg_dim of the team
	 * responses, agg_invited, the frozen decisions and snapshot.
	 */
	static const char *const sql[] = {
	    "INSERT INTO agg_invited(wave_id, team_id, kind, invitations,"
	    " delivered, answered, reminders)"
	    " SELECT wave_id, team_id, kind, count(*), sum(state = 'sent'),"
	    " sum(answered), sum(reminders) FROM invitation"
	    " WHERE wave_id = ?1 GROUP BY team_id, kind"
	    " ON CONFLICT DO NOTHING",
	    "DELETE FROM invitation WHERE wave_id = ?1",
	    "DELETE FROM response_slot WHERE wave_id = ?1",
	    "DELETE FROM comment_group WHERE wave_id = ?1",
	    "DELETE FROM agg_group WHERE wave_id = ?1 AND self = 1",
	    "DELETE FROM agg_item WHERE wave_id = ?1 AND self = 1",
	    "DELETE FROM agg_dim WHERE wave_id = ?1 AND self = 1",
	    "DELETE FROM import_row WHERE wave_id = ?1",
	    /* Computed with the self-assessments: computed again. */
	    "DELETE FROM wave_result WHERE wave_id = ?1",
	};
	sqlite3_stmt *st;
	int rc = 0;

	if (!s->in_tx)
		return cp_error_set(err, CP_EFAIL,
				    "a wave is purged inside a transaction");
	for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++)
		rc = purge_step(s, sql[i], w->wave_id, err);
	if (rc == 0)
		rc = cp_store_prepare(s, &st,
				      "INSERT INTO wave_purged(wave_id,"
				      " purged_at, responses, comments,"
				      " invitations) VALUES (?, ?, ?, ?, ?)",
				      err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, w->wave_id);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int64(st, 3, w->responses);
		sqlite3_bind_int64(st, 4, w->comments);
		sqlite3_bind_int64(st, 5, w->invitations);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = cp_store_fail(s, err, "cannot mark a wave purged");
		sqlite3_finalize(st);
	}
	return rc;
}

int cp_store_wave_purged(struct cp_store *s, int64_t wave, int64_t *purged_at,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	bool found;
	int rc = 0;

	*purged_at = 0;
	if ((rc = cp_store_prepare(
		 s, &st, "SELECT purged_at FROM wave_purged WHERE wave_id = ?",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	return cp_store_int64_of(s, st, purged_at, &found,
				 "cannot read a wave's purge", err);
}

int cp_store_compact(struct cp_store *s, struct cp_error *err)
{
	int rc;

	if (s->in_tx)
		return cp_error_set(err, CP_EFAIL,
				    "the database is compacted outside a "
				    "transaction");
	/*
	 * secure_delete (on for every connection) has zeroed what the
	 * deletes freed; VACUUM rebuilds the file without the free pages,
	 * and emptying the WAL takes the last copies of the old pages.
	 */
	if ((rc = cp_store_exec(s, "VACUUM", err)))
		return rc;
	return cp_store_wal_reset(s, COMPACT_CHECKPOINT_MS, err);
}

int cp_store_member_forget(struct cp_store *s, const char *email, int64_t now,
			   struct cp_forgotten *out, struct cp_error *err)
{
	sqlite3_stmt *st;
	char *key;
	bool found;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!s->in_tx)
		return cp_error_set(err, CP_EFAIL,
				    "a member is forgotten inside a "
				    "transaction");
	if ((key = cp_strdup(email)) == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	cp_ascii_lower(key);
	rc = cp_store_prepare(s, &st,
			      "SELECT id FROM member WHERE email_key = ?", err);
	if (rc) {
		free(key);
		return rc;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = cp_store_int64_of(s, st, &out->member_id, &found,
			       "cannot find a member", err);
	if (rc == 0 && !found)
		rc = cp_error_set(err, CP_ENOTFOUND,
				  N_("no member has the address '%s'"), email);
	/*
	 * The links not yet used in waves still running go: nothing more is
	 * sent to the address, and nobody can answer in the person's name.
	 * Invitations used or in closed waves stay (the response rates count
	 * them) but point at a row without a name or an address.
	 */
	if (rc == 0)
		rc = cp_store_prepare(
		    s, &st,
		    "DELETE FROM invitation WHERE member_id = ?1"
		    " AND answered = 0 AND wave_id IN"
		    " (SELECT id FROM wave WHERE status <> 'closed')",
		    err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, out->member_id);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = cp_store_fail(s, err, "cannot drop invitations");
		out->invitations_dropped = sqlite3_changes(s->db);
		sqlite3_finalize(st);
	}
	if (rc == 0)
		rc = cp_store_prepare(
		    s, &st,
		    "SELECT count(*) FROM invitation WHERE member_id = ?", err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, out->member_id);
		rc = cp_store_int64_of(s, st, &out->invitations_kept, NULL,
				       "cannot count invitations", err);
	}
	/* The same person as a portal viewer (a roster leader gets a viewer
	 * row when they sign in or are told results are ready): their
	 * address and name go too, with their grants, sessions and sign-in
	 * links; the audit log keeps its lines about a nameless viewer. */
	static const char *const viewer_sql[] = {
	    ("DELETE FROM access_grant WHERE viewer_id IN"
	     " (SELECT id FROM viewer WHERE email_key = ?1)"),
	    ("DELETE FROM session WHERE viewer_id IN"
	     " (SELECT id FROM viewer WHERE email_key = ?1)"),
	    ("DELETE FROM signin_token WHERE viewer_id IN"
	     " (SELECT id FROM viewer WHERE email_key = ?1)"),
	    ("UPDATE viewer SET email = '', name = '',"
	     " email_key = 'forgotten:' || id WHERE email_key = ?1"),
	};
	for (size_t i = 0;
	     rc == 0 && i < sizeof(viewer_sql) / sizeof(*viewer_sql); i++) {
		if ((rc = cp_store_prepare(s, &st, viewer_sql[i], err)))
			break;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = cp_store_fail(s, err, "cannot forget a viewer");
		sqlite3_finalize(st);
	}
	free(key);
	/* The key keeps its uniqueness without the address: a roster that
	 * names the person again makes a new member. */
	if (rc == 0)
		rc = cp_store_prepare(
		    s, &st,
		    "UPDATE member SET email = '', name = '',"
		    " email_key = 'forgotten:' || id, active = 0,"
		    " forgotten_at = ?2, updated_at = ?2 WHERE id = ?1",
		    err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, out->member_id);
		sqlite3_bind_int64(st, 2, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = cp_store_fail(s, err, "cannot forget a member");
		sqlite3_finalize(st);
	}
	return rc;
}
