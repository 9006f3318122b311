/*
 * store_lifecycle.c - waves over months and years: recurring series,
 * cancelling or deleting a wave (and what its links say afterwards),
 * changing a wave's channel.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_int.h"

static const char *const series_states[] = {"active", "paused", "stopped"};

const char *cp_series_state_name(enum cp_series_state state)
{
	return (unsigned)state < 3 ? series_states[state] : "unknown";
}

static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* Runs sql with ?1 = a and ?2 = b (when nonzero); "done" or an error. */
static int run2(struct cp_store *s, const char *sql, int64_t a, int64_t b,
		const char *what, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	sqlite3_bind_int64(st, 1, a);
	if (b)
		sqlite3_bind_int64(st, 2, b);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, what);
	sqlite3_finalize(st);
	return rc;
}

int cp_store_series_insert(struct cp_store *s, struct cp_series *x,
			   struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st,
		 "INSERT INTO series(anchor, every_days, every_months, state,"
		 " created_at) VALUES (?, ?, ?, ?, ?)",
		 err)))
		return rc;
	if (x->created_at == 0)
		x->created_at = cp_store_now();
	sqlite3_bind_int64(st, 1, x->anchor);
	bind_opt(st, 2, x->every_days);
	bind_opt(st, 3, x->every_months);
	sqlite3_bind_text(st, 4, cp_series_state_name(x->state), -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, x->created_at);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot create the series");
	else
		x->id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return rc;
}

#define SERIES_SQL                                                             \
	"SELECT x.id, x.anchor, coalesce(x.every_days, 0),"                    \
	" coalesce(x.every_months, 0), x.state, x.created_at,"                 \
	" (SELECT w.id FROM wave w WHERE w.series_id = x.id"                   \
	" ORDER BY w.series_seq DESC, w.id DESC LIMIT 1),"                     \
	" (SELECT count(*) FROM wave w WHERE w.series_id = x.id)"              \
	" FROM series x"

static int fill_series(sqlite3_stmt *st, void *row, void *arg)
{
	struct cp_series *x = row;
	const char *state = (const char *)sqlite3_column_text(st, 4);

	(void)arg;
	x->id = sqlite3_column_int64(st, 0);
	x->anchor = sqlite3_column_int64(st, 1);
	x->every_days = sqlite3_column_int(st, 2);
	x->every_months = sqlite3_column_int(st, 3);
	x->state = CP_SERIES_STOPPED;
	for (int i = 0; state && i < 3; i++)
		if (strcmp(state, series_states[i]) == 0)
			x->state = (enum cp_series_state)i;
	x->created_at = sqlite3_column_int64(st, 5);
	x->last_wave = sqlite3_column_int64(st, 6);
	x->waves = sqlite3_column_int64(st, 7);
	return 0;
}

int cp_store_series_list(struct cp_store *s, struct cp_series **out, size_t *n,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	void *rows;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = cp_store_prepare(s, &st, SERIES_SQL " ORDER BY x.id", err)))
		return rc;
	rc = cp_store_collect(s, st, sizeof(struct cp_series), 8, fill_series,
			      NULL, &rows, n, "cannot list the series", err);
	if (rc) {
		free(rows);
		*n = 0;
		return rc;
	}
	*out = rows;
	return 0;
}

int cp_store_series_get(struct cp_store *s, int64_t id, struct cp_series *out,
			struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = cp_store_prepare(s, &st, SERIES_SQL " WHERE x.id = ?", err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		fill_series(st, out, NULL);
		break;
	case SQLITE_DONE:
		rc = cp_error_set(
		    err, CP_ENOTFOUND,
		    N_("no series %lld: see 'carepulse wave series "
		       "list'"),
		    (long long)id);
		break;
	default:
		rc = cp_store_fail(s, err, "cannot read a series");
	}
	sqlite3_finalize(st);
	return rc;
}

int cp_store_series_set_state(struct cp_store *s, int64_t id,
			      enum cp_series_state state, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st, "UPDATE series SET state = ? WHERE id = ?", err)))
		return rc;
	sqlite3_bind_text(st, 1, cp_series_state_name(state), -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot change a series");
	else if (sqlite3_changes(s->db) == 0)
		rc = cp_error_set(err, CP_ENOTFOUND, N_("no series %lld"),
				  (long long)id);
	sqlite3_finalize(st);
	return rc;
}

/* One number from sql with ?1 = id. */
static int count(struct cp_store *s, const char *sql, int64_t id, int64_t *out,
		 struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*out = 0;
	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		rc = cp_store_fail(s, err, "cannot count");
	sqlite3_finalize(st);
	return rc;
}

int cp_store_wave_answers(struct cp_store *s, int64_t wave, int64_t *n,
			  struct cp_error *err)
{
	/* Imports store responses without invitations: count both. */
	return count(s,
		     "SELECT (SELECT count(*) FROM response WHERE wave_id = ?1)"
		     " + (SELECT count(*) FROM invitation WHERE wave_id = ?1"
		     " AND answered)",
		     wave, n, err);
}

int cp_store_wave_outgoing(struct cp_store *s, int64_t wave, int64_t *n,
			   struct cp_error *err)
{
	return count(
	    s,
	    "SELECT (SELECT count(*) FROM invitation WHERE wave_id = ?1"
	    " AND (state <> 'pending' OR sent_at IS NOT NULL))"
	    " + (SELECT count(*) FROM chat_post WHERE wave_id = ?1)",
	    wave, n, err);
}

int cp_store_wave_set_channel(struct cp_store *s, int64_t wave,
			      const char *channel, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st, "UPDATE wave SET channel = ? WHERE id = ?", err)))
		return rc;
	sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, wave);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot change the wave's channel");
	else if (sqlite3_changes(s->db) == 0)
		rc = cp_error_set(err, CP_ENOTFOUND, N_("no wave %lld"),
				  (long long)wave);
	sqlite3_finalize(st);
	return rc;
}

/*
 * What a wave's answers leave: its response slots (with the answers),
 * its groups' comments, the aggregates and the decisions made on them.
 * secure_delete overwrites the freed cells and pages with zeros, so the text is
 * gone from the file's pages, not only from its tables.
 */
static int delete_answers(struct cp_store *s, int64_t wave,
			  struct cp_error *err)
{
	static const char *const sql[] = {
	    /* Filled slots and empty ones: nothing says how many were. */
	    "DELETE FROM response_slot WHERE wave_id = ?1",
	    "DELETE FROM comment_group WHERE wave_id = ?1",
	    "DELETE FROM agg_item WHERE wave_id = ?1",
	    "DELETE FROM agg_dim WHERE wave_id = ?1",
	    "DELETE FROM agg_group WHERE wave_id = ?1",
	    "DELETE FROM wave_hidden WHERE wave_id = ?1",
	    /* Its stored results, and those of the waves closed after it:
	     * their changes may be from it, and are computed again. */
	    ("DELETE FROM wave_result WHERE wave_id = ?1 OR wave_id IN"
	     " (SELECT wave_id FROM wave_frozen WHERE seq >"
	     " (SELECT seq FROM wave_frozen WHERE wave_id = ?1))"),
	    "DELETE FROM wave_frozen WHERE wave_id = ?1",
	};
	int rc;

	if (!s->in_tx)
		return cp_error_set(err, CP_EFAIL,
				    "deleting answers needs a transaction");
	if ((rc = cp_store_exec(s, "PRAGMA secure_delete = ON", err)))
		return rc;
	for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(*sql); i++)
		rc = run2(s, sql[i], wave, 0, "cannot delete a wave's answers",
			  err);
	return rc;
}

int cp_store_wave_cancel(struct cp_store *s, int64_t wave, const char *reason,
			 int64_t now, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = delete_answers(s, wave, err)))
		return rc;
	if ((rc = cp_store_prepare(
		 s, &st,
		 "UPDATE wave SET status = 'cancelled', cancelled_at = ?,"
		 " cancel_reason = ? WHERE id = ?",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, now);
	if (reason && *reason)
		sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, wave);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot cancel the wave");
	sqlite3_finalize(st);
	return rc;
}

int cp_store_wave_delete(struct cp_store *s, int64_t wave, const char *reason,
			 struct cp_error *err)
{
	static const char *const sql[] = {
	    "DELETE FROM chat_post WHERE wave_id = ?1",
	    "DELETE FROM invitation WHERE wave_id = ?1",
	    "DELETE FROM wave_team WHERE wave_id = ?1",
	    "DELETE FROM wave_team_snapshot WHERE wave_id = ?1",
	    /* Its successor in a series follows the one before it now. */
	    "UPDATE wave SET previous_wave = (SELECT previous_wave FROM wave"
	    " WHERE id = ?1) WHERE previous_wave = ?1",
	    "DELETE FROM wave WHERE id = ?1",
	    /* A series left without a wave goes too. */
	    "DELETE FROM series WHERE id NOT IN (SELECT series_id FROM wave"
	    " WHERE series_id IS NOT NULL)",
	};
	sqlite3_stmt *st;
	int rc;

	if ((rc = delete_answers(s, wave, err)))
		return rc;
	/* The links that may have gone out say "cancelled", not "unknown". */
	if ((rc = cp_store_prepare(
		 s, &st,
		 "INSERT OR IGNORE INTO cancelled_link(token_hash, reason)"
		 " SELECT token_hash, ?2 FROM invitation WHERE wave_id = ?1",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	if (reason && *reason)
		sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot keep the wave's links");
	sqlite3_finalize(st);
	for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(*sql); i++)
		rc = run2(s, sql[i], wave, 0, "cannot delete the wave", err);
	return rc;
}

int cp_store_link_cancelled(struct cp_store *s, const uint8_t hash[32],
			    int *found, char *reason, size_t n,
			    struct cp_error *err)
{
	sqlite3_stmt *st;
	const char *r;
	int rc;

	*found = 0;
	if (n)
		reason[0] = '\0';
	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT reason FROM cancelled_link WHERE token_hash = ?",
		 err)))
		return rc;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*found = 1;
		r = (const char *)sqlite3_column_text(st, 0);
		if (r && n)
			cp_strlcpy(reason, r, n);
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = cp_store_fail(s, err, "cannot look up a link");
	}
	sqlite3_finalize(st);
	return rc;
}

int cp_store_invitation_sample(struct cp_store *s, int64_t *wave,
			       int64_t *member, int *self, uint8_t hash[32],
			       int *found, struct cp_error *err)
{
	sqlite3_stmt *st;
	const void *h;
	int rc;

	*found = 0;
	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT wave_id, member_id, kind = 'self', token_hash"
		 " FROM invitation ORDER BY id DESC LIMIT 1",
		 err)))
		return rc;
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		h = sqlite3_column_blob(st, 3);
		if (h == NULL || sqlite3_column_bytes(st, 3) != 32)
			break;
		*wave = sqlite3_column_int64(st, 0);
		*member = sqlite3_column_int64(st, 1);
		*self = sqlite3_column_int(st, 2);
		memcpy(hash, h, 32);
		*found = 1;
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = cp_store_fail(s, err, "cannot read an invitation");
	}
	sqlite3_finalize(st);
	return rc;
}

int cp_store_remind_outlook(struct cp_store *s, int64_t wave, int max,
			    int64_t interval, struct cp_remind_outlook *out,
			    struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	/* The same rule as CP_SELECT_TO_REMIND, as counts and a time. */
	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT coalesce(sum(state = 'sent' AND NOT answered), 0),"
		 " coalesce(sum(state = 'sent' AND NOT answered"
		 " AND reminders >= ?2), 0),"
		 " min(CASE WHEN state = 'sent' AND NOT answered"
		 " AND reminders < ?2 AND NOT no_reminders"
		 " THEN coalesce(last_reminded_at, sent_at, 0) + ?3 END),"
		 " coalesce(sum(state <> 'sent'), 0),"
		 " coalesce(sum(state = 'sent' AND NOT answered"
		 " AND no_reminders), 0)"
		 " FROM invitation WHERE wave_id = ?1",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	sqlite3_bind_int(st, 2, max);
	sqlite3_bind_int64(st, 3, interval);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->unanswered = sqlite3_column_int64(st, 0);
		out->reminded_max = sqlite3_column_int64(st, 1);
		out->next_due = sqlite3_column_int64(st, 2);
		out->not_sent = sqlite3_column_int64(st, 3);
		out->stopped = sqlite3_column_int64(st, 4);
	} else {
		rc = cp_store_fail(s, err, "cannot count reminders");
	}
	sqlite3_finalize(st);
	return rc;
}
