/*
 * store_wave.c - waves, invitations and responses in the store.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "store_int.h"

static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

int cp_store_wave_insert(struct cp_store *s, struct cp_wave *w,
			 const int64_t *teams, size_t nteams,
			 struct cp_error *err)
{
	static const char sql[] =
	    "INSERT INTO wave(survey_ref, self_survey_ref, status,"
	    " opens_at, closes_at, channel, every_days, previous_wave,"
	    " threshold, comment_threshold, include_subteams, created_at,"
	    " every_months, series_id, series_seq)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st;
	int rc = 0;

	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	if (w->created_at == 0)
		w->created_at = cp_store_now();
	sqlite3_bind_int64(st, 1, w->survey_ref);
	bind_opt(st, 2, w->self_survey_ref);
	sqlite3_bind_text(st, 3, cp_wave_status_name(w->status), -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, w->opens_at);
	bind_opt(st, 5, w->closes_at);
	sqlite3_bind_text(st, 6, w->channel, -1, SQLITE_STATIC);
	bind_opt(st, 7, w->every_days);
	bind_opt(st, 8, w->previous_wave);
	bind_opt(st, 9, w->threshold);
	bind_opt(st, 10, w->comment_threshold);
	sqlite3_bind_int(st, 11, w->include_subteams ? 1 : 0);
	sqlite3_bind_int64(st, 12, w->created_at);
	bind_opt(st, 13, w->every_months);
	bind_opt(st, 14, w->series_id);
	if (w->series_id)
		sqlite3_bind_int(st, 15, w->series_seq);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot create the wave");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	w->id = sqlite3_last_insert_rowid(s->db);
	if ((rc = cp_store_prepare(
		 s, &st,
		 "INSERT OR IGNORE INTO wave_team(wave_id, team_id)"
		 " VALUES (?, ?)",
		 err)))
		return rc;
	for (size_t i = 0; i < nteams && rc == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, w->id);
		sqlite3_bind_int64(st, 2, teams[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = cp_store_fail(s, err, "cannot add a wave's team");
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	/* The tree it is sent to, kept as it is now (see CP_SNAPSHOT_SQL). */
	if ((rc = cp_store_prepare(
		 s, &st,
		 CP_SNAPSHOT_SQL("WHERE wave_id = ?1",
				 "SELECT wave_id, team_id FROM "
				 "wave_team WHERE 0"),
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, w->id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot record the wave's teams");
	sqlite3_finalize(st);
	return rc;
}

int cp_store_wave_get(struct cp_store *s, int64_t id, struct cp_wave *w,
		      struct cp_error *err)
{
	static const char sql[] =
	    "SELECT " CP_WAVE_COLUMNS " FROM wave w WHERE w.id = ?";
	sqlite3_stmt *st;
	int rc = 0;

	memset(w, 0, sizeof(*w));
	/* Prepared once per connection: every form post reads its wave. */
	if ((rc = cp_store_cached(s, CP_STMT_WAVE_GET, sql, &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		cp_store_read_wave(st, 0, w);
		break;
	case SQLITE_DONE:
		rc = cp_error_set(err, CP_ENOTFOUND,
				  N_("no wave %lld: see 'carepulse wave list'"),
				  (long long)id);
		break;
	default:
		rc = cp_store_fail(s, err, "cannot read a wave");
	}
	sqlite3_reset(st);
	return rc;
}

int cp_store_wave_recent(struct cp_store *s, int64_t id, struct cp_wave *w,
			 struct cp_error *err)
{
	unsigned version = 0;
	int64_t changes = sqlite3_total_changes64(s->db);
	int rc;

	/* In a write transaction this connection's own changes may yet be
	 * rolled back: no copy is kept or used there. */
	if (sqlite3_txn_state(s->db, "main") == SQLITE_TXN_WRITE ||
	    sqlite3_file_control(s->db, "main", SQLITE_FCNTL_DATA_VERSION,
				 &version) != SQLITE_OK)
		return cp_store_wave_get(s, id, w, err);
	/* Anything committed by any connection, or changed by this one,
	 * since the copies were read: read again. */
	if (version != s->recent_version || changes != s->recent_changes) {
		s->nrecent = 0;
		s->recent_version = version;
		s->recent_changes = changes;
	}
	for (size_t i = 0; i < s->nrecent; i++)
		if (s->recent[i].id == id) {
			*w = s->recent[i];
			return 0;
		}
	rc = cp_store_wave_get(s, id, w, err);
	if (rc == 0) {
		size_t n = sizeof(s->recent) / sizeof(*s->recent);
		s->recent[s->nrecent < n ? s->nrecent++ : (size_t)id % n] = *w;
	}
	return rc;
}

int cp_store_wave_in_tx(struct cp_store *s, int64_t id, struct cp_wave *w,
			struct cp_error *err)
{
	size_t n = sizeof(s->tx_waves) / sizeof(*s->tx_waves);
	int rc;

	if (!s->in_tx)
		return cp_store_wave_recent(s, id, w, err);
	if (s->tx_waves_serial != s->tx_serial) {
		s->ntx_waves = 0;
		s->tx_waves_serial = s->tx_serial;
	}
	for (size_t i = 0; i < s->ntx_waves; i++)
		if (s->tx_waves[i].id == id) {
			*w = s->tx_waves[i];
			return 0;
		}
	rc = cp_store_wave_get(s, id, w, err);
	if (rc == 0)
		s->tx_waves[s->ntx_waves < n ? s->ntx_waves++
					     : (size_t)id % n] = *w;
	return rc;
}

int cp_store_wave_teams(struct cp_store *s, int64_t wave, int64_t **teams,
			size_t *n, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*teams = NULL;
	*n = 0;
	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT team_id FROM wave_team WHERE wave_id = ?"
		 " ORDER BY team_id",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	return cp_store_collect_ids(s, st, teams, n, err);
}

int cp_store_wave_set_status(struct cp_store *s, int64_t id,
			     enum cp_wave_status status, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	/* A wave keeps the time it closed at: the report's cover and
	 * `wave show` say it. */
	if ((rc = cp_store_prepare(
		 s, &st,
		 "UPDATE wave SET status = ?1, closed_at = CASE WHEN ?1 ="
		 " 'closed' AND status <> 'closed' THEN ?3 ELSE closed_at END"
		 " WHERE id = ?2",
		 err)))
		return rc;
	sqlite3_bind_text(st, 1, cp_wave_status_name(status), -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, cp_store_now());
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot update a wave");
	else if (sqlite3_changes(s->db) == 0)
		rc = cp_error_set(err, CP_ENOTFOUND, N_("no wave %lld"),
				  (long long)id);
	sqlite3_finalize(st);
	/* A closed wave is frozen: its place in the order of closing is
	 * taken now, its decisions by cp_store_wave_freeze. */
	if (rc == 0 && status == CP_WAVE_CLOSED)
		rc = cp_store_wave_mark_frozen(s, id, err);
	return rc;
}

int cp_store_invitation_add(struct cp_store *s, int64_t wave, int64_t member,
			    int64_t team, int self, const uint8_t hash[32],
			    int64_t *id, struct cp_error *err)
{
	static const char sql[] =
	    "INSERT INTO invitation(wave_id, member_id, team_id, kind,"
	    " token_hash, language) VALUES (?1, ?2, ?3, ?4, ?5,"
	    " (SELECT language FROM member WHERE id = ?2))"
	    " ON CONFLICT(wave_id, member_id, kind) DO UPDATE SET"
	    " team_id = team_id RETURNING id";
	sqlite3_stmt *st;
	int rc = 0;

	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	sqlite3_bind_int64(st, 2, member);
	sqlite3_bind_int64(st, 3, team);
	sqlite3_bind_text(st, 4, self ? "self" : "team", -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, hash, 32, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else
		rc = cp_store_fail(s, err, "cannot add an invitation");
	sqlite3_finalize(st);
	return rc;
}

int cp_store_invitation_by_hash(struct cp_store *s, const uint8_t hash[32],
				struct cp_invitation *out, struct cp_error *err)
{
	static const char sql[] =
	    "SELECT id, wave_id, member_id, team_id, kind = 'self',"
	    " token_hash, state, attempts, reminders, answered,"
	    " coalesce(language, '')"
	    " FROM invitation WHERE token_hash = ?";
	sqlite3_stmt *st;
	const void *stored;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc =
		 cp_store_cached(s, CP_STMT_INVITATION_BY_HASH, sql, &st, err)))
		return rc;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		stored = sqlite3_column_blob(st, 5);
		/* The index found it; the comparison never leaks timing. */
		if (stored == NULL || sqlite3_column_bytes(st, 5) != 32 ||
		    !cp_ct_equal(stored, hash, 32))
			break;
		out->id = sqlite3_column_int64(st, 0);
		out->wave_id = sqlite3_column_int64(st, 1);
		out->member_id = sqlite3_column_int64(st, 2);
		out->team_id = sqlite3_column_int64(st, 3);
		out->self = sqlite3_column_int(st, 4);
		memcpy(out->token_hash, stored, 32);
		cp_strlcpy(out->state, (const char *)sqlite3_column_text(st, 6),
			   sizeof(out->state));
		out->attempts = sqlite3_column_int(st, 7);
		out->reminders = sqlite3_column_int(st, 8);
		out->answered = sqlite3_column_int(st, 9);
		cp_strlcpy(out->language,
			   (const char *)sqlite3_column_text(st, 10),
			   sizeof(out->language));
		sqlite3_reset(st);
		return 0;
	case SQLITE_DONE:
		break;
	default:
		return cp_store_fail(s, err, "cannot look up an invitation");
	}
	sqlite3_reset(st);
	return cp_error_set(err, CP_ENOTFOUND,
			    N_("no invitation for this link"));
}

int cp_store_wave_open_links(struct cp_store *s, int64_t wave,
			     int (*fn)(void *arg,
				       const struct cp_invitation *inv),
			     void *arg, struct cp_error *err)
{
	static const char sql[] =
	    "SELECT id, team_id, kind = 'self', token_hash,"
	    " coalesce(language, '') FROM invitation"
	    " WHERE wave_id = ? AND answered = 0";
	struct cp_invitation inv;
	sqlite3_stmt *st;
	int rc, step = SQLITE_DONE;

	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	memset(&inv, 0, sizeof(inv));
	inv.wave_id = wave;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const void *hash = sqlite3_column_blob(st, 3);
		if (hash == NULL || sqlite3_column_bytes(st, 3) != 32)
			continue; /* no link of carepulse's can hash so */
		inv.id = sqlite3_column_int64(st, 0);
		inv.team_id = sqlite3_column_int64(st, 1);
		inv.self = sqlite3_column_int(st, 2);
		memcpy(inv.token_hash, hash, 32);
		cp_strlcpy(inv.language,
			   (const char *)sqlite3_column_text(st, 4),
			   sizeof(inv.language));
		rc = fn(arg, &inv);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot read a wave's links");
	sqlite3_finalize(st);
	return rc;
}

/* Marks answered the row of id, and of the token's hash when hash is
 * not NULL. */
static int mark_answered(struct cp_store *s, int64_t id, const uint8_t *hash,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = hash ? cp_store_cached(s, CP_STMT_INVITATION_ANSWER,
					 "UPDATE invitation SET answered = 1"
					 " WHERE id = ? AND token_hash = ?"
					 " AND answered = 0",
					 &st, err)
		       : cp_store_cached(s, CP_STMT_INVITATION_ANSWERED,
					 "UPDATE invitation SET answered = 1"
					 " WHERE id = ? AND answered = 0",
					 &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (hash)
		sqlite3_bind_blob(st, 2, hash, 32, SQLITE_STATIC);
	s->scrub = 1;
	if (sqlite3_step(st) != SQLITE_DONE)
		return cp_store_fail(s, err, "cannot mark an invitation");
	if (sqlite3_changes(s->db) == 0)
		return cp_error_set(err, CP_ECONFLICT,
				    N_("this link has already been used"));
	return 0;
}

int cp_store_invitation_mark_answered(struct cp_store *s, int64_t id,
				      struct cp_error *err)
{
	return mark_answered(s, id, NULL, err);
}

int cp_store_invitation_answer(struct cp_store *s, int64_t id,
			       const uint8_t hash[32], struct cp_error *err)
{
	return mark_answered(s, id, hash, err);
}

/* Looks at no more than this many invitations of a group. */
#define GROUP_OPEN_SCAN 256

int cp_store_invitation_group_open(struct cp_store *s, int64_t wave,
				   int64_t team, int self, int64_t except,
				   bool *open, struct cp_error *err)
{
	/* First the group's size from the index alone (invitation_group
	 * covers it; one more row than looked at tells a larger group
	 * apart), then, in a group no larger, the first other link not
	 * answered: the same answer as counting both over the group, without
	 * reading the rows of a large group or those after the first link
	 * still open. */
	static const char size_sql[] =
	    "SELECT count(*) FROM (SELECT 1 FROM invitation"
	    "  WHERE wave_id = ?1 AND kind = ?2 AND team_id = ?3 LIMIT ?4)";
	static const char open_sql[] =
	    "SELECT 1 FROM invitation"
	    " WHERE wave_id = ?1 AND kind = ?2 AND team_id = ?3"
	    " AND answered = 0 AND id <> ?4 LIMIT 1";
	sqlite3_stmt *st;
	int rc, step;

	*open = true;
	if ((rc = cp_store_cached(s, CP_STMT_INVITATION_GROUP_SIZE, size_sql,
				  &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	sqlite3_bind_text(st, 2, self ? "self" : "team", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, team);
	sqlite3_bind_int(st, 4, GROUP_OPEN_SCAN + 1);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = cp_store_fail(s, err, "cannot count a group's links");
		sqlite3_reset(st);
		return rc;
	}
	if (sqlite3_column_int64(st, 0) > GROUP_OPEN_SCAN) {
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	if ((rc = cp_store_cached(s, CP_STMT_INVITATION_GROUP_OPEN, open_sql,
				  &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	sqlite3_bind_text(st, 2, self ? "self" : "team", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, team);
	sqlite3_bind_int64(st, 4, except);
	step = sqlite3_step(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot count a group's links");
	else
		*open = step == SQLITE_ROW;
	sqlite3_reset(st);
	return rc;
}

int cp_store_invitation_stop_reminders(struct cp_store *s, int64_t id,
				       struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(s, &st,
				   "UPDATE invitation SET no_reminders = 1"
				   " WHERE id = ?",
				   err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st) == SQLITE_DONE
		 ? 0
		 : cp_store_fail(s, err,
				 "cannot stop an invitation's reminders");
	sqlite3_finalize(st);
	return rc;
}

static int step_done(struct cp_store *s, sqlite3_stmt *st, struct cp_error *err,
		     const char *what)
{
	int rc =
	    sqlite3_step(st) == SQLITE_DONE ? 0 : cp_store_fail(s, err, what);
	sqlite3_reset(st);
	return rc;
}

/* One respondent's mean on dimension d, reverse items flipped; false
 * when the respondent answered no item of it. */
static int dimension_mean(const struct cp_response *r,
			  const struct cp_item **items, size_t d, double *mean)
{
	double sum = 0;
	int n = 0;

	for (size_t i = 0; i < r->nanswers; i++) {
		int v = r->answers[i].value;
		if (items[i]->dim != d || v == CP_ANSWER_DECLINED)
			continue;
		sum += items[i]->reverse ? CP_SCALE_MAX + CP_SCALE_MIN - v : v;
		n++;
	}
	if (n)
		*mean = sum / n;
	return n > 0;
}

/* Dimensions of a survey whose responses a bulk load counts by position
 * (a survey with more goes by name). */
#define BULK_DIMS 64

/* The same changes as add_aggregates, kept in memory for a bulk load,
 * or else for the transaction's COMMIT (cp_store_defer_totals). */
static int bulk_aggregates(struct cp_store *s, const struct cp_response *r,
			   const struct cp_survey *survey,
			   const struct cp_item **items, struct cp_error *err)
{
	bool bulk = s->bulk != NULL;
	double mean;
	int rc = 0;

	if (bulk && survey->ndims <= BULK_DIMS) {
		/* dimension_mean for every dimension, in one pass: the same
		 * sums in the same order. */
		double means[BULK_DIMS] = {0};
		bool has[BULK_DIMS];
		int n[BULK_DIMS] = {0};
		for (size_t i = 0; i < r->nanswers; i++) {
			int v = r->answers[i].value;
			size_t d = items[i]->dim;
			if (d >= survey->ndims || v == CP_ANSWER_DECLINED)
				continue;
			means[d] += items[i]->reverse
					? CP_SCALE_MAX + CP_SCALE_MIN - v
					: v;
			n[d]++;
		}
		for (size_t d = 0; d < survey->ndims; d++) {
			has[d] = n[d] > 0;
			if (has[d])
				means[d] /= n[d];
		}
		return cp_bulk_response_totals(s, r, survey, items, means, has,
					       err);
	}
	for (size_t i = 0; rc == 0 && i < r->nanswers; i++)
		rc = (bulk ? cp_bulk_item : cp_totals_item)(
		    s, r->wave_id, r->team_id, r->self, r->answers[i].item_id,
		    r->answers[i].value, err);
	for (size_t d = 0; rc == 0 && d < survey->ndims; d++)
		if (dimension_mean(r, items, d, &mean))
			rc = (bulk ? cp_bulk_dim : cp_totals_dim)(
			    s, r->wave_id, r->team_id, r->self,
			    survey->dims[d].id, mean, err);
	if (rc == 0)
		rc = (bulk ? cp_bulk_group : cp_totals_group)(
		    s, r->wave_id, r->team_id, r->self, err);
	return rc;
}

/* Adds one respondent's answers to agg_item and agg_dim. */
static int add_aggregates(struct cp_store *s, const struct cp_response *r,
			  const struct cp_survey *survey,
			  const struct cp_item **items, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (s->bulk || s->totals)
		return bulk_aggregates(s, r, survey, items, err);
	rc = cp_store_cached(
	    s, CP_STMT_AGG_ITEM,
	    "INSERT INTO agg_item(wave_id, team_id, self, item_id,"
	    " c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, declined)"
	    " VALUES (?1, ?2, ?3, ?4, ?5 = 0, ?5 = 1, ?5 = 2, ?5 = 3,"
	    " ?5 = 4, ?5 = 5, ?5 = 6, ?5 = 7, ?5 = 8, ?5 = 9, ?5 = 10,"
	    " ?5 = 11)" CP_AGG_ITEM_ADD,
	    &st, err);
	for (size_t i = 0; rc == 0 && i < r->nanswers; i++) {
		sqlite3_bind_int64(st, 1, r->wave_id);
		sqlite3_bind_int64(st, 2, r->team_id);
		sqlite3_bind_int(st, 3, r->self);
		sqlite3_bind_text(st, 4, r->answers[i].item_id, -1,
				  SQLITE_STATIC);
		sqlite3_bind_int(st, 5, cp_answer_cell(r->answers[i].value));
		rc = step_done(s, st, err, "cannot update the item totals");
	}
	if (rc == 0)
		rc = cp_store_cached(
		    s, CP_STMT_AGG_DIM,
		    "INSERT INTO agg_dim(wave_id, team_id, self, dimension,"
		    " n, sum, sumsq) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5 * ?5)"
		    " ON CONFLICT DO UPDATE SET n = n + 1,"
		    " sum = sum + excluded.sum,"
		    " sumsq = sumsq + excluded.sumsq",
		    &st, err);
	/* Each respondent's own mean per dimension, reverse items flipped. */
	for (size_t d = 0; rc == 0 && d < survey->ndims; d++) {
		double sum = 0;
		int n = 0;
		for (size_t i = 0; i < r->nanswers; i++) {
			int v = r->answers[i].value;
			if (items[i]->dim != d || v == CP_ANSWER_DECLINED)
				continue;
			sum += items[i]->reverse
				   ? CP_SCALE_MAX + CP_SCALE_MIN - v
				   : v;
			n++;
		}
		if (n == 0)
			continue;
		sqlite3_bind_int64(st, 1, r->wave_id);
		sqlite3_bind_int64(st, 2, r->team_id);
		sqlite3_bind_int(st, 3, r->self);
		sqlite3_bind_text(st, 4, survey->dims[d].id, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 5, sum / n);
		rc =
		    step_done(s, st, err, "cannot update the dimension totals");
	}
	if (rc == 0)
		rc = cp_store_cached(s, CP_STMT_AGG_GROUP,
				     "INSERT INTO agg_group(wave_id, team_id,"
				     " self, responses) VALUES (?, ?, ?, 1)"
				     " ON CONFLICT DO UPDATE SET"
				     " responses = responses + 1",
				     &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, r->wave_id);
		sqlite3_bind_int64(st, 2, r->team_id);
		sqlite3_bind_int(st, 3, r->self);
		rc = step_done(s, st, err, "cannot update the response count");
	}
	return rc;
}

/* Spare slots made beyond a group's invitations: room for late
 * invitations, and never a group whose last free slot is known. */
#define SLOT_SPARE 8
#define SLOT_MAX   100000

/*
 * Makes the free slots of a group: one per invitation of the group, plus
 * SLOT_SPARE, all in one go at random keys, so where a slot sits says
 * nothing about who will fill it or when.
 */
static int id_order(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* The statement making rows new slots of a group, rows one of 1, 4, 16
 * and 64: ?1-?4 the group and the empty answers, ?5 on the ids. */
static int slots_stmt(struct cp_store *s, int rows, sqlite3_stmt **st,
		      struct cp_error *err)
{
	enum cp_stmt slot = rows == 64	 ? CP_STMT_SLOT_NEW64
			    : rows == 16 ? CP_STMT_SLOT_NEW16
			    : rows == 4	 ? CP_STMT_SLOT_NEW4
					 : CP_STMT_SLOT_NEW;
	struct cp_buf sql;
	int rc;

	if ((*st = s->cache[slot]) != NULL)
		return 0;
	cp_buf_init(&sql, SIZE_MAX / 2);
	rc = cp_buf_adds(&sql,
			 "INSERT INTO response_slot(id, wave_id, team_id,"
			 " self, filled, answers) VALUES ",
			 err);
	for (int i = 0; rc == 0 && i < rows; i++)
		rc = cp_buf_printf(&sql, err, "%s(?%d, ?1, ?2, ?3, 0, ?4)",
				   i ? ", " : "", 5 + i);
	if (rc == 0)
		rc = cp_store_cached(s, slot, cp_buf_str(&sql), st, err);
	cp_buf_release(&sql);
	return rc;
}

static int make_slots(struct cp_store *s, const struct cp_response *r,
		      const char *empty, struct cp_error *err)
{
	sqlite3_stmt *st;
	int64_t n = 0;
	uint8_t(*ids)[16] = NULL;
	int rc;

	rc = cp_store_cached(s, CP_STMT_SLOT_COUNT,
			     "SELECT count(*) FROM invitation WHERE"
			     " wave_id = ? AND team_id = ? AND kind = ?",
			     &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, r->wave_id);
	sqlite3_bind_int64(st, 2, r->team_id);
	sqlite3_bind_text(st, 3, r->self ? "self" : "team", -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		rc =
		    cp_store_fail(s, err, "cannot count a group's invitations");
	sqlite3_reset(st);
	n = (n > SLOT_MAX ? SLOT_MAX : n) + SLOT_SPARE;
	/* All the ids at once, written in key order: one run in the
	 * group's place (the order says nothing: they are made together). */
	if (rc == 0 && (ids = malloc((size_t)n * sizeof(*ids))) == NULL)
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	if (rc == 0)
		rc = cp_random_bytes(ids, (size_t)n * sizeof(*ids), err);
	if (rc == 0)
		qsort(ids, (size_t)n, sizeof(*ids), id_order);
	/* In that order, up to 64 rows a statement. */
	for (int64_t i = 0, rows; rc == 0 && i < n; i += rows) {
		for (rows = 64; rows > n - i;)
			rows /= 4;
		if ((rc = slots_stmt(s, (int)rows, &st, err)))
			break;
		sqlite3_bind_int64(st, 1, r->wave_id);
		sqlite3_bind_int64(st, 2, r->team_id);
		sqlite3_bind_int(st, 3, r->self ? 1 : 0);
		sqlite3_bind_text(st, 4, empty, -1, SQLITE_STATIC);
		for (int k = 0; k < rows; k++)
			sqlite3_bind_blob(st, 5 + k, ids[i + k], 16,
					  SQLITE_STATIC);
		rc = step_done(s, st, err, "cannot make a response slot");
	}
	free(ids);
	return rc;
}

/*
 * A free slot of the group, the first at or after a random key (wrapping
 * round): chosen without regard to who answers. 0 with *found false when
 * the group has none.
 */
static int free_slot(struct cp_store *s, const struct cp_response *r,
		     size_t width, uint8_t id[16], bool *found,
		     struct cp_error *err)
{
	uint8_t from[16];
	sqlite3_stmt *st;
	int rc, step;

	*found = false;
	rc = cp_store_random(s, from, sizeof(from), err);
	if (rc == 0)
		rc = cp_store_cached(
		    s, CP_STMT_SLOT_FIND,
		    "SELECT id FROM (SELECT id FROM response_slot"
		    "  WHERE wave_id = ?1 AND team_id = ?2 AND self = ?3"
		    "  AND id >= ?5 AND filled = 0 AND length(answers) = ?4"
		    "  ORDER BY id LIMIT 1)"
		    " UNION ALL SELECT id FROM (SELECT id FROM response_slot"
		    "  WHERE wave_id = ?1 AND team_id = ?2 AND self = ?3"
		    "  AND filled = 0 AND length(answers) = ?4"
		    "  ORDER BY id LIMIT 1) LIMIT 1",
		    &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, r->wave_id);
	sqlite3_bind_int64(st, 2, r->team_id);
	sqlite3_bind_int(st, 3, r->self ? 1 : 0);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)width);
	sqlite3_bind_blob(st, 5, from, sizeof(from), SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 16) {
		memcpy(id, sqlite3_column_blob(st, 0), 16);
		*found = true;
	} else if (step != SQLITE_DONE && step != SQLITE_ROW) {
		rc = cp_store_fail(s, err, "cannot find a response slot");
	}
	sqlite3_reset(st);
	return rc;
}

/* Writes answers into a free slot of the group, making slots first when
 * it has none. The row keeps its size, so SQLite rewrites it in place. */
static int fill_slot(struct cp_store *s, const struct cp_response *r,
		     const char *answers, size_t width, struct cp_error *err)
{
	uint8_t id[16];
	sqlite3_stmt *st;
	bool found;
	int rc;

	rc = free_slot(s, r, width, id, &found, err);
	if (rc == 0 && !found) {
		char *empty = malloc(width + 1);
		if (empty == NULL)
			return cp_error_set(err, CP_ENOMEM, "out of memory");
		memset(empty, '0', width);
		empty[width] = '\0';
		rc = make_slots(s, r, empty, err);
		free(empty);
		if (rc == 0)
			rc = free_slot(s, r, width, id, &found, err);
		if (rc == 0 && !found)
			rc = cp_error_set(err, CP_EFAIL,
					  "no response slot could be made");
	}
	if (rc == 0)
		rc = cp_store_cached(s, CP_STMT_SLOT_FILL,
				     "UPDATE response_slot SET filled = 1,"
				     " answers = ?1 WHERE wave_id = ?3"
				     " AND team_id = ?4 AND self = ?5"
				     " AND id = ?2 AND filled = 0",
				     &st, err);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, answers, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, id, sizeof(id), SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, r->wave_id);
		sqlite3_bind_int64(st, 4, r->team_id);
		sqlite3_bind_int(st, 5, r->self ? 1 : 0);
		rc = step_done(s, st, err, "cannot store a response");
	}
	if (rc == 0 && sqlite3_changes(s->db) != 1)
		rc = cp_error_set(err, CP_EFAIL, "a response slot was taken");
	return rc;
}

int cp_store_slot_insert(struct cp_store *s, int64_t wave, int64_t team,
			 int self, const uint8_t id[16], const char *answers,
			 int64_t import, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	rc = cp_store_cached(s, CP_STMT_RESPONSE,
			     "INSERT INTO response_slot(id, wave_id, team_id,"
			     " self, filled, answers, import_id)"
			     " VALUES (?, ?, ?, ?, 1, ?, ?)",
			     &st, err);
	if (rc == 0) {
		sqlite3_bind_blob(st, 1, id, 16, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, wave);
		sqlite3_bind_int64(st, 3, team);
		sqlite3_bind_int(st, 4, self ? 1 : 0);
		sqlite3_bind_text(st, 5, answers, -1, SQLITE_STATIC);
		if (import)
			sqlite3_bind_int64(st, 6, import);
		rc = step_done(s, st, err, "cannot store a response");
	}
	return rc;
}

/* Adds comments to their group's list, kept sorted by content. */
static int add_comments(struct cp_store *s, const struct cp_response *r,
			struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	/* An import writes each list once, at the end (store_bulk.c). */
	for (size_t i = 0; s->bulk && rc == 0 && i < r->ncomments; i++)
		rc = cp_bulk_comment(s, r->wave_id, r->team_id, r->self ? 1 : 0,
				     r->import_id, r->comments[i].question_id,
				     r->comments[i].text, err);
	if (s->bulk)
		return rc;
	if (r->ncomments)
		rc = cp_store_cached(
		    s, CP_STMT_COMMENT,
		    "INSERT INTO comment_group(wave_id, team_id, self,"
		    " import_id, comments) VALUES (?1, ?2, ?3, ?6,"
		    " json_array(json_array(?4, ?5)))"
		    " ON CONFLICT DO UPDATE SET comments = ("
		    " SELECT json_group_array(json(value)) FROM ("
		    "  SELECT value FROM json_each(comment_group.comments)"
		    "  UNION ALL SELECT json_array(?4, ?5) ORDER BY 1))",
		    &st, err);
	for (size_t i = 0; rc == 0 && i < r->ncomments; i++) {
		sqlite3_bind_int64(st, 1, r->wave_id);
		sqlite3_bind_int64(st, 2, r->team_id);
		sqlite3_bind_int(st, 3, r->self ? 1 : 0);
		sqlite3_bind_text(st, 4, r->comments[i].question_id, -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(st, 5, r->comments[i].text, -1,
				  SQLITE_STATIC);
		/* An import's comments are a list of their own, so that
		 * --replace can take them out again. */
		sqlite3_bind_int64(st, 6, r->import_id);
		rc = step_done(s, st, err, "cannot store a comment");
	}
	return rc;
}

int cp_store_response_add(struct cp_store *s, const struct cp_response *r,
			  const struct cp_survey *survey, struct cp_error *err)
{
	const struct cp_item *stack_items[64], **items = stack_items;
	char stack_text[256], *text = stack_text;
	size_t width = survey->nitems;
	int rc = 0;

	if (!s->in_tx)
		return cp_error_set(
		    err, CP_EFAIL, "a response is stored inside a transaction");
	if (r->nanswers > 64 &&
	    (items = malloc(r->nanswers * sizeof(*items))) == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	if (width >= sizeof(stack_text) && (text = malloc(width + 1)) == NULL)
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	if (rc == 0) {
		memset(text, '0', width);
		text[width] = '\0';
	}
	for (size_t i = 0; i < r->nanswers && rc == 0; i++) {
		size_t at;
		/* An import gives the survey's own ids, in its order. */
		items[i] = i < survey->nitems &&
				   r->answers[i].item_id == survey->items[i].id
			       ? &survey->items[i]
			       : cp_survey_item(survey, r->answers[i].item_id);
		if (items[i] == NULL)
			rc = cp_error_set(
			    err, CP_EDATA,
			    N_("'%s' is not an item of survey '%s'"),
			    r->answers[i].item_id, survey->id);
		else if (!cp_answer_valid(items[i], r->answers[i].value))
			rc = cp_error_set(
			    err, CP_EDATA,
			    N_("%s: %d is not an answer this item "
			       "takes"),
			    r->answers[i].item_id, r->answers[i].value);
		else if (text[at = (size_t)(items[i] - survey->items)] != '0')
			rc = cp_error_set(err, CP_EDATA,
					  N_("%s: answered twice"),
					  r->answers[i].item_id);
		else
			text[at] =
			    cp_answer_char(items[i], r->answers[i].value);
	}
	if (rc == 0)
		rc = s->bulk ? cp_bulk_row(s, r, text, err)
			     : fill_slot(s, r, text, width, err);
	if (rc == 0)
		rc = add_comments(s, r, err);
	if (rc == 0)
		rc = add_aggregates(s, r, survey, items, err);
	if (rc == 0)
		s->scrub = 1;
	if (items != stack_items)
		free(items);
	if (text != stack_text)
		free(text);
	return rc;
}

int cp_store_bulk_response(struct cp_store *s, const struct cp_response *r,
			   const struct cp_survey *survey, struct cp_error *err)
{
	const struct cp_item *stack_items[64], **items = stack_items;
	int rc = 0;

	if (s->bulk == NULL)
		return cp_error_set(err, CP_EFAIL, "no bulk load is open");
	if (r->nanswers > 64 &&
	    (items = malloc(r->nanswers * sizeof(*items))) == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->nanswers && rc == 0; i++)
		if ((items[i] =
			 cp_survey_item(survey, r->answers[i].item_id)) == NULL)
			rc = cp_error_set(
			    err, CP_EDATA,
			    N_("'%s' is not an item of survey '%s'"),
			    r->answers[i].item_id, survey->id);
	if (rc == 0)
		rc = bulk_aggregates(s, r, survey, items, err);
	if (items != stack_items)
		free(items);
	return rc;
}
