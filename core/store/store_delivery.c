/*
 * store_delivery.c - what sending needs from the store: wave listings and
 * counts, the invitations to send or remind, and their state changes.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_int.h"

#define STATS_COLUMNS                                                          \
	"count(i.id), coalesce(sum(i.state = 'pending'), 0),"                  \
	" coalesce(sum(i.state = 'sending'), 0),"                              \
	" coalesce(sum(i.state = 'sent'), 0),"                                 \
	" coalesce(sum(i.state = 'failed'), 0),"                               \
	" coalesce(sum(i.answered), 0), coalesce(sum(i.reminders), 0),"        \
	" coalesce(sum(i.kind = 'self'), 0)"

void cp_store_read_wave(sqlite3_stmt *st, int c, struct cp_wave *w)
{
	const char *status = (const char *)sqlite3_column_text(st, c + 3);
	const char *reason = (const char *)sqlite3_column_text(st, c + 18);

	memset(w, 0, sizeof(*w));
	w->id = sqlite3_column_int64(st, c);
	w->survey_ref = sqlite3_column_int64(st, c + 1);
	w->self_survey_ref = sqlite3_column_int64(st, c + 2);
	/* An unknown status reads as closed: it takes nothing more. */
	if (cp_wave_status_from(status, &w->status))
		w->status = CP_WAVE_CLOSED;
	w->opens_at = sqlite3_column_int64(st, c + 4);
	w->closes_at = sqlite3_column_int64(st, c + 5);
	cp_strlcpy(w->channel, (const char *)sqlite3_column_text(st, c + 6),
		   sizeof(w->channel));
	w->every_days = sqlite3_column_int(st, c + 7);
	w->previous_wave = sqlite3_column_int64(st, c + 8);
	w->threshold = sqlite3_column_int(st, c + 9);
	w->comment_threshold = sqlite3_column_int(st, c + 10);
	w->include_subteams = sqlite3_column_int(st, c + 11);
	w->created_at = sqlite3_column_int64(st, c + 12);
	w->every_months = sqlite3_column_int(st, c + 13);
	w->series_id = sqlite3_column_int64(st, c + 14);
	w->series_seq = sqlite3_column_int(st, c + 15);
	w->closed_at = sqlite3_column_int64(st, c + 16);
	w->cancelled_at = sqlite3_column_int64(st, c + 17);
	cp_strlcpy(w->cancel_reason, reason ? reason : "",
		   sizeof(w->cancel_reason));
}

static void read_stats(sqlite3_stmt *st, int c, struct cp_wave_stats *out)
{
	out->invitations = sqlite3_column_int64(st, c);
	out->pending = sqlite3_column_int64(st, c + 1);
	out->sending = sqlite3_column_int64(st, c + 2);
	out->sent = sqlite3_column_int64(st, c + 3);
	out->failed = sqlite3_column_int64(st, c + 4);
	out->answered = sqlite3_column_int64(st, c + 5);
	out->reminders = sqlite3_column_int64(st, c + 6);
	out->self = sqlite3_column_int64(st, c + 7);
}

/* Adds the counts a purged wave keeps of its deleted invitations. */
static int purged_stats(struct cp_store *s, int64_t wave,
			struct cp_wave_stats *out, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT coalesce(sum(invitations), 0),"
		 " coalesce(sum(delivered), 0), coalesce(sum(answered), 0),"
		 " coalesce(sum(reminders), 0),"
		 " coalesce(sum(CASE WHEN kind = 'self' THEN invitations END),"
		 " 0) FROM agg_invited WHERE wave_id = ?",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->invitations += sqlite3_column_int64(st, 0);
		out->sent += sqlite3_column_int64(st, 1);
		out->answered += sqlite3_column_int64(st, 2);
		out->reminders += sqlite3_column_int64(st, 3);
		out->self += sqlite3_column_int64(st, 4);
	} else {
		rc = cp_store_fail(s, err, "cannot count invitations");
	}
	sqlite3_finalize(st);
	return rc;
}

/* One row of cp_store_wave_list into *row. */
static int fill_wave_row(sqlite3_stmt *st, void *row, void *arg)
{
	struct cp_wave_row *r = row;

	(void)arg;
	cp_store_read_wave(st, 0, &r->wave);
	cp_strlcpy(r->survey_id,
		   (const char *)sqlite3_column_text(st, CP_WAVE_NCOLUMNS),
		   sizeof(r->survey_id));
	read_stats(st, CP_WAVE_NCOLUMNS + 1, &r->stats);
	return 0;
}

int cp_store_wave_list(struct cp_store *s, struct cp_wave_row **out, size_t *n,
		       struct cp_error *err)
{
	static const char sql[] =
	    "SELECT " CP_WAVE_COLUMNS ", sv.survey_id, " STATS_COLUMNS
	    " FROM wave w JOIN survey sv ON sv.id = w.survey_ref"
	    " LEFT JOIN invitation i ON i.wave_id = w.id"
	    " GROUP BY w.id ORDER BY w.id DESC";
	sqlite3_stmt *st;
	void *rows;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	rc = cp_store_collect(s, st, sizeof(struct cp_wave_row), 16,
			      fill_wave_row, NULL, &rows, n,
			      "cannot list waves", err);
	for (size_t i = 0; rc == 0 && i < *n; i++)
		if (((struct cp_wave_row *)rows)[i].wave.status ==
		    CP_WAVE_CLOSED)
			rc = purged_stats(
			    s, ((struct cp_wave_row *)rows)[i].wave.id,
			    &((struct cp_wave_row *)rows)[i].stats, err);
	if (rc) {
		free(rows);
		*n = 0;
		return rc;
	}
	*out = rows;
	return 0;
}

int cp_store_wave_stats(struct cp_store *s, int64_t wave,
			struct cp_wave_stats *out, struct cp_error *err)
{
	static const char sql[] =
	    "SELECT " STATS_COLUMNS " FROM invitation i WHERE i.wave_id = ?";
	sqlite3_stmt *st;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	if (sqlite3_step(st) == SQLITE_ROW)
		read_stats(st, 0, out);
	else
		rc = cp_store_fail(s, err, "cannot count invitations");
	sqlite3_finalize(st);
	return rc ? rc : purged_stats(s, wave, out, err);
}

/* Column 0 of a row as an id. */
static int fill_id(sqlite3_stmt *st, void *row, void *arg)
{
	(void)arg;
	*(int64_t *)row = sqlite3_column_int64(st, 0);
	return 0;
}

int cp_store_collect_ids(struct cp_store *s, sqlite3_stmt *st, int64_t **ids,
			 size_t *n, struct cp_error *err)
{
	void *v;
	int rc;

	rc = cp_store_collect(s, st, sizeof(int64_t), 16, fill_id, NULL, &v, n,
			      "cannot list ids", err);
	if (rc) {
		free(v);
		*ids = NULL;
		*n = 0;
		return rc;
	}
	*ids = v;
	return 0;
}

int cp_store_wave_ids(struct cp_store *s, enum cp_wave_status status,
		      int64_t **ids, size_t *n, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = cp_store_prepare(
		 s, &st, "SELECT id FROM wave WHERE status = ? ORDER BY id",
		 err)))
		return rc;
	sqlite3_bind_text(st, 1, cp_wave_status_name(status), -1,
			  SQLITE_STATIC);
	return cp_store_collect_ids(s, st, ids, n, err);
}

int cp_store_wave_successor(struct cp_store *s, int64_t wave, int64_t *next,
			    struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	*next = 0;
	if ((rc = cp_store_prepare(
		 s, &st, "SELECT min(id) FROM wave WHERE previous_wave = ?",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	if (sqlite3_step(st) == SQLITE_ROW)
		*next = sqlite3_column_int64(st, 0);
	else
		rc = cp_store_fail(s, err, "cannot read a wave");
	sqlite3_finalize(st);
	return rc;
}

void cp_store_deliveries_free(struct cp_delivery *d, size_t n)
{
	for (size_t i = 0; d && i < n; i++) {
		free(d[i].email);
		free(d[i].name);
		free(d[i].team);
		free(d[i].last_error);
	}
	free(d);
}

/* One row of the list query below into *row. */
static int fill_delivery(sqlite3_stmt *st, void *row, void *arg)
{
	struct cp_delivery *x = row;

	(void)arg;
	x->invitation_id = sqlite3_column_int64(st, 0);
	x->member_id = sqlite3_column_int64(st, 1);
	x->team_id = sqlite3_column_int64(st, 2);
	x->self = sqlite3_column_int(st, 3);
	x->email = cp_store_column_dup(st, 4);
	x->name = cp_store_column_dup(st, 5);
	x->team = cp_store_column_dup(st, 6);
	cp_strlcpy(x->state, (const char *)sqlite3_column_text(st, 7),
		   sizeof(x->state));
	x->attempts = sqlite3_column_int(st, 8);
	x->reminders = sqlite3_column_int(st, 9);
	x->last_error = cp_store_column_dup(st, 10);
	x->sent_at = sqlite3_column_int64(st, 11);
	x->last_reminded_at = sqlite3_column_int64(st, 12);
	x->next_attempt_at = sqlite3_column_int64(st, 13);
	cp_strlcpy(x->language, (const char *)sqlite3_column_text(st, 14),
		   sizeof(x->language));
	if (sqlite3_column_bytes(st, 15) == (int)sizeof(x->token_hash))
		memcpy(x->token_hash, sqlite3_column_blob(st, 15),
		       sizeof(x->token_hash));
	if (!x->email || !x->name || !x->team)
		return CP_ENOMEM;
	return 0;
}

int cp_store_delivery_list(struct cp_store *s, int64_t wave,
			   enum cp_delivery_select sel, int64_t now,
			   int max_reminders, int64_t interval,
			   struct cp_delivery **out, size_t *n,
			   struct cp_error *err)
{
	static const char head[] =
	    "SELECT i.id, i.member_id, i.team_id, i.kind = 'self', m.email,"
	    " m.name, t.name, i.state, i.attempts, i.reminders, i.last_error,"
	    " coalesce(i.sent_at, 0), coalesce(i.last_reminded_at, 0),"
	    " coalesce(i.next_attempt_at, 0), coalesce(i.language, ''),"
	    " i.token_hash FROM invitation i JOIN member m ON m.id = "
	    "i.member_id"
	    " JOIN team t ON t.id = i.team_id WHERE i.wave_id = ?1 AND ";
	static const char *const where[] = {
	    [CP_SELECT_TO_SEND] =
		("(i.state IN ('pending', 'sending') OR (i.state = 'failed'"
		 " AND i.next_attempt_at IS NOT NULL"
		 " AND i.next_attempt_at <= ?2))"),
	    [CP_SELECT_TO_REMIND] =
		("i.state = 'sent' AND i.answered = 0 AND i.reminders < ?3"
		 " AND i.no_reminders = 0"
		 " AND coalesce(i.last_reminded_at, i.sent_at, 0) <= ?2 - ?4"),
	    [CP_SELECT_FAILED] = "i.state = 'failed' AND ?2 + ?3 + ?4 >= 0",
	    [CP_SELECT_ALL] = "?2 + ?3 + ?4 >= 0",
	};
	void *rows;
	struct cp_buf sql;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	cp_buf_init(&sql, 4096);
	if ((rc = cp_buf_adds(&sql, head, err)) == 0 &&
	    (rc = cp_buf_adds(&sql, where[sel], err)) == 0 &&
	    (rc = cp_buf_adds(&sql, " ORDER BY i.id", err)) == 0)
		rc = cp_store_prepare(s, &st, cp_buf_str(&sql), err);
	cp_buf_release(&sql);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, max_reminders);
	sqlite3_bind_int64(st, 4, interval);
	rc = cp_store_collect(s, st, sizeof(struct cp_delivery), 64,
			      fill_delivery, NULL, &rows, n,
			      "cannot list invitations", err);
	if (rc) {
		cp_store_deliveries_free(rows, *n);
		*n = 0;
		return rc;
	}
	*out = rows;
	return 0;
}

/* Runs a cached single-row update of invitation id; binds ?1 = id. */
static int update(struct cp_store *s, enum cp_stmt slot, const char *sql,
		  int64_t id, const char *text, int64_t num,
		  struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((rc = cp_store_cached(s, slot, sql, &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (text)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	if (num)
		sqlite3_bind_int64(st, 3, num);
	else
		sqlite3_bind_null(st, 3);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot update an invitation");
	else if (sqlite3_changes(s->db) == 0)
		rc = cp_error_set(err, CP_ENOTFOUND, N_("no invitation %lld"),
				  (long long)id);
	sqlite3_reset(st);
	return rc;
}

int cp_store_invitation_sending(struct cp_store *s, int64_t id,
				struct cp_error *err)
{
	return update(s, CP_STMT_INVITATION_SENDING,
		      "UPDATE invitation SET state = 'sending',"
		      " attempts = attempts + 1 WHERE id = ?1"
		      " AND coalesce(?2, ?3, 1)",
		      id, NULL, 0, err);
}

int cp_store_invitation_sent(struct cp_store *s, int64_t id, int64_t now,
			     struct cp_error *err)
{
	return update(s, CP_STMT_INVITATION_SENT,
		      "UPDATE invitation SET state = 'sent', sent_at = ?3,"
		      " last_error = ?2, next_attempt_at = NULL WHERE id = ?1",
		      id, NULL, now, err);
}

int cp_store_invitation_failed(struct cp_store *s, int64_t id,
			       const char *reason, int64_t retry_at,
			       struct cp_error *err)
{
	return update(s, CP_STMT_INVITATION_FAILED,
		      "UPDATE invitation SET state = 'failed', last_error = ?2,"
		      " next_attempt_at = ?3 WHERE id = ?1",
		      id, reason, retry_at, err);
}

int cp_store_invitation_unsent(struct cp_store *s, int64_t id,
			       const char *reason, struct cp_error *err)
{
	return update(s, CP_STMT_INVITATION_UNSENT,
		      "UPDATE invitation SET state = 'pending', last_error = ?2"
		      " WHERE id = ?1 AND state <> 'sent'"
		      " AND coalesce(?3, 1)",
		      id, reason, 0, err);
}

int cp_store_invitation_reminded(struct cp_store *s, int64_t id, int64_t now,
				 struct cp_error *err)
{
	return update(s, CP_STMT_INVITATION_REMINDED,
		      "UPDATE invitation SET reminders = reminders + 1,"
		      " last_reminded_at = ?3 WHERE id = ?1"
		      " AND coalesce(?2, 1)",
		      id, NULL, now, err);
}

int cp_store_relax_durability(struct cp_store *s, struct cp_error *err)
{
	/* The -wal buffer's frames reach the file at the commit's sync,
	 * which NORMAL leaves out (store_walbuf.c). */
	if (s->walbuf)
		return cp_error_set(err, CP_EFAIL,
				    "a connection with the -wal buffer keeps "
				    "every commit synced");
	return cp_store_exec(s, "PRAGMA synchronous = NORMAL", err);
}

void cp_store_chat_teams_free(struct cp_chat_team *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++) {
		free(t[i].team);
		free(t[i].last_error);
	}
	free(t);
}

/* One row of the list query below into *row. */
static int fill_chat_team(sqlite3_stmt *st, void *row, void *arg)
{
	struct cp_chat_team *t = row;

	(void)arg;
	t->team_id = sqlite3_column_int64(st, 0);
	t->team = cp_store_column_dup(st, 1);
	t->parent_id = sqlite3_column_int64(st, 2);
	t->invited = sqlite3_column_int64(st, 3);
	t->answered = sqlite3_column_int64(st, 4);
	t->posts = sqlite3_column_int(st, 5);
	t->last_post = sqlite3_column_int64(st, 6);
	t->announce_state = sqlite3_column_int(st, 7);
	t->last_error = cp_store_column_dup(st, 8);
	if (t->team == NULL)
		return CP_ENOMEM;
	return 0;
}

int cp_store_chat_teams(struct cp_store *s, int64_t wave,
			struct cp_chat_team **out, size_t *n,
			struct cp_error *err)
{
	static const char sql[] =
	    "SELECT t.id, t.name, coalesce(t.parent_id, 0),"
	    " sum(i.kind = 'team'), sum(i.kind = 'team' AND i.answered),"
	    " (SELECT count(*) FROM chat_post p WHERE p.wave_id = ?1"
	    "   AND p.team_id = t.id AND p.state = 'sent'),"
	    " (SELECT coalesce(max(p.posted_at), 0) FROM chat_post p"
	    "   WHERE p.wave_id = ?1 AND p.team_id = t.id"
	    "   AND p.state = 'sent'),"
	    " (SELECT CASE p.state WHEN 'sending' THEN 1 WHEN 'sent' THEN 2"
	    "   ELSE 3 END FROM chat_post p WHERE p.wave_id = ?1"
	    "   AND p.team_id = t.id AND p.number = 0),"
	    " (SELECT p.last_error FROM chat_post p WHERE p.wave_id = ?1"
	    "   AND p.team_id = t.id AND p.state = 'failed'"
	    "   ORDER BY p.number DESC LIMIT 1)"
	    " FROM invitation i JOIN team t ON t.id = i.team_id"
	    " WHERE i.wave_id = ?1 GROUP BY t.id ORDER BY t.name";
	void *rows;
	sqlite3_stmt *st;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	rc = cp_store_collect(s, st, sizeof(struct cp_chat_team), 16,
			      fill_chat_team, NULL, &rows, n,
			      "cannot list a wave's teams", err);
	if (rc) {
		cp_store_chat_teams_free(rows, *n);
		*n = 0;
		return rc;
	}
	*out = rows;
	return 0;
}

int cp_store_chat_post_set(struct cp_store *s, int64_t wave, int64_t team,
			   int number, const char *state, const char *reason,
			   int64_t now, struct cp_error *err)
{
	static const char sql[] =
	    "INSERT INTO chat_post(wave_id, team_id, number, state, attempts,"
	    " last_error, posted_at) VALUES (?1, ?2, ?3, ?4,"
	    " ?4 = 'sending', ?5, CASE WHEN ?4 = 'sent' THEN ?6 END)"
	    " ON CONFLICT DO UPDATE SET state = excluded.state,"
	    " attempts = attempts + excluded.attempts,"
	    " last_error = excluded.last_error,"
	    " posted_at = excluded.posted_at";
	sqlite3_stmt *st;
	int rc = 0;

	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	sqlite3_bind_int64(st, 2, team);
	sqlite3_bind_int(st, 3, number);
	sqlite3_bind_text(st, 4, state, -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot record a chat post");
	sqlite3_finalize(st);
	return rc;
}
