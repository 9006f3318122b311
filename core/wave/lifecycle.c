/*
 * lifecycle.c - waves over months and years: cancelling a wave, changing
 * its channel before anything went out, recurring series (their cadence,
 * what comes next, pausing and resuming) and the key check of a restore.
 */
#include "wave.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "token.h"
#include "when.h"

/* No series runs longer than this many slots (a guard, not a rule). */
#define MAX_SLOTS 100000

/* How long a cancel waits for readers to leave the write-ahead log. */
#define CANCEL_CHECKPOINT_MS 1000

int cp_wave_every_parse(const char *text, int *days, int *months,
			struct cp_error *err)
{
	char *end;
	long n;

	*days = *months = 0;
	errno = 0;
	n = strtol(text, &end, 10);
	if (errno == 0 && end != text && text[0] >= '0' && text[0] <= '9' &&
	    end[0] && !end[1] && n >= 1) {
		if (end[0] == 'd' && n <= 3650)
			*days = (int)n;
		else if (end[0] == 'w' && n <= 520)
			*days = (int)n * 7;
		else if (end[0] == 'm' && n <= 120)
			*months = (int)n;
	}
	if (*days == 0 && *months == 0)
		return cp_error_set(err, CP_EUSAGE,
				    N_("every '%s': expected days, weeks or "
				       "calendar months, like 10d, 2w or 1m"),
				    text);
	return 0;
}

const char *cp_wave_cadence(int days, int months, char *buf, size_t n)
{
	if (months)
		snprintf(buf, n, "every %d month%s", months,
			 months == 1 ? "" : "s");
	else if (days && days % 7 == 0)
		snprintf(buf, n, "every %d week%s", days / 7,
			 days == 7 ? "" : "s");
	else if (days)
		snprintf(buf, n, "every %d day%s", days, days == 1 ? "" : "s");
	else
		snprintf(buf, n, "one-off");
	return buf;
}

int64_t cp_series_slot(const struct cp_series *x, int k)
{
	if (x->every_months)
		return cp_when_add_months(x->anchor, k * x->every_months);
	return x->anchor + (int64_t)k * x->every_days * CP_DAY;
}

/*
 * The slot the wave after last (of series x) goes in, seen at now: the
 * next one, or when tick was not run for a while the newest that has
 * opened, skipping slots whose whole window (open_for seconds; 0: until
 * the next slot) has passed, so a late tick never makes a backlog of
 * waves nobody can answer.
 */
static int next_slot(const struct cp_series *x, const struct cp_wave *last,
		     int64_t now)
{
	int64_t open_for =
	    last->closes_at ? last->closes_at - last->opens_at : 0;
	int k = last->series_seq + 1;

	while (k < MAX_SLOTS && cp_series_slot(x, k + 1) <= now)
		k++;
	if (open_for > 0 && cp_series_slot(x, k) + open_for <= now)
		k++;
	return k;
}

int cp_wave_next_info(struct cp_store *st, const struct cp_wave *w,
		      struct cp_wave_next *out, struct cp_error *err)
{
	struct cp_wave last;
	int rc;

	memset(out, 0, sizeof(*out));
	out->kind = CP_NEXT_ONE_OFF;
	if (w->series_id == 0)
		return 0;
	if ((rc = cp_store_series_get(st, w->series_id, &out->series, err)))
		return rc;
	if ((rc = cp_store_wave_successor(st, w->id, &out->wave, err)))
		return rc;
	if (out->wave) {
		struct cp_wave nw;
		if ((rc = cp_store_wave_get(st, out->wave, &nw, err)))
			return rc;
		out->kind = CP_NEXT_WAVE;
		out->at = nw.opens_at;
		return 0;
	}
	if (out->series.state == CP_SERIES_PAUSED) {
		out->kind = CP_NEXT_PAUSED;
		return 0;
	}
	if (out->series.state == CP_SERIES_STOPPED) {
		out->kind = CP_NEXT_STOPPED;
		return 0;
	}
	/* The next comes after the series' newest wave, which may be a
	 * later one than w when w's successor was cancelled and deleted. */
	last = *w;
	if (out->series.last_wave && out->series.last_wave != w->id &&
	    (rc = cp_store_wave_get(st, out->series.last_wave, &last, err)))
		return rc;
	out->kind = CP_NEXT_AT;
	out->at = cp_series_slot(
	    &out->series, next_slot(&out->series, &last, cp_store_now()));
	return 0;
}

int cp_series_recur(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		    const struct cp_series *x, int64_t now,
		    struct cp_series_step *out, struct cp_error *err)
{
	struct cp_wave last, w;
	int64_t *teams = NULL;
	size_t nteams = 0, n = 0;
	int k, rc, was_closed;

	memset(out, 0, sizeof(*out));
	if (x->state != CP_SERIES_ACTIVE || x->last_wave == 0)
		return 0;
	if ((rc = cp_store_wave_get(st, x->last_wave, &last, err)))
		return rc;
	if (cp_series_slot(x, last.series_seq + 1) > now)
		return 0;
	k = next_slot(x, &last, now);
	if (cp_series_slot(x, k) > now)
		return 0; /* the due slot's window passed: wait for the next */
	w = last;
	w.id = 0;
	w.created_at = 0;
	w.closed_at = 0;
	w.cancelled_at = 0;
	w.cancel_reason[0] = '\0';
	w.previous_wave = last.id;
	w.series_seq = k;
	w.opens_at = cp_series_slot(x, k);
	w.closes_at =
	    last.closes_at ? w.opens_at + (last.closes_at - last.opens_at) : 0;
	w.status = CP_WAVE_OPEN;
	if ((rc = cp_store_begin(st, err)))
		return rc;
	rc = cp_store_wave_teams(st, last.id, &teams, &nteams, err);
	if (rc == 0)
		rc = cp_wave_create_in(st, key, &w, teams, nteams,
				       last.self_survey_ref != 0, &n, err);
	free(teams);
	if (rc == 0)
		rc = cp_store_commit(st, err);
	else
		cp_store_rollback(st);
	if (rc)
		return rc;
	out->created = w.id;
	out->invitations = n;
	/* A wave without a closing time runs until the next one opens. */
	if (last.status == CP_WAVE_OPEN && last.closes_at == 0) {
		rc = cp_wave_close(st, last.id, &was_closed, err);
		if (rc == 0 && !was_closed)
			out->closed = last.id;
	}
	return rc;
}

int cp_series_set_state(struct cp_store *st, int64_t series,
			enum cp_series_state state, struct cp_error *err)
{
	struct cp_series x;
	int rc;

	if ((rc = cp_store_begin(st, err)))
		return rc;
	rc = cp_store_series_get(st, series, &x, err);
	if (rc == 0 && x.state == CP_SERIES_STOPPED &&
	    state != CP_SERIES_STOPPED)
		rc = cp_error_set(err, CP_ECONFLICT,
				  N_("series %lld is stopped: it cannot go on "
				     "(create a new wave with --every)"),
				  (long long)series);
	if (rc == 0)
		rc = cp_store_series_set_state(st, series, state, err);
	if (rc == 0)
		return cp_store_commit(st, err);
	cp_store_rollback(st);
	return rc;
}

int cp_wave_cancel(struct cp_store *st, int64_t id, const char *reason,
		   enum cp_cancel_outcome *outcome, int *log_clean,
		   struct cp_error *err)
{
	struct cp_wave w;
	int64_t answers = 0;
	int rc;

	*outcome = CP_CANCEL_DELETED;
	*log_clean = 0;
	if (reason && strlen(reason) > CP_CANCEL_REASON_MAX)
		return cp_error_set(err, CP_EUSAGE,
				    N_("reason: at most %d bytes"),
				    CP_CANCEL_REASON_MAX);
	if ((rc = cp_store_begin(st, err)))
		return rc;
	rc = cp_store_wave_get(st, id, &w, err);
	if (rc == 0 && w.status == CP_WAVE_CANCELLED)
		rc = cp_error_set(err, CP_ECONFLICT,
				  N_("wave %lld was cancelled already"),
				  (long long)id);
	if (rc == 0)
		rc = cp_store_wave_answers(st, id, &answers, err);
	if (rc == 0 && answers == 0)
		rc = cp_store_wave_delete(st, id, reason, err);
	else if (rc == 0) {
		*outcome = CP_CANCEL_MARKED;
		rc = cp_store_wave_cancel(st, id, reason, cp_store_now(), err);
	}
	if (rc) {
		cp_store_rollback(st);
		return rc;
	}
	if ((rc = cp_store_commit(st, err)))
		return rc;
	/* The deleted answers' old pages leave the write-ahead log too; a
	 * reader (serve) may hold part of it until a later checkpoint. */
	*log_clean = cp_store_checkpoint(st, CANCEL_CHECKPOINT_MS, NULL) == 0;
	return 0;
}

int cp_wave_set_channel(struct cp_store *st, int64_t id, const char *channel,
			struct cp_error *err)
{
	struct cp_wave w;
	int64_t out = 0;
	int rc;

	if (!cp_wave_channel_valid(channel))
		return cp_error_set(err, CP_EUSAGE,
				    N_("channel '%s': expected email, webhook, "
				       "slack, teams or outbox"),
				    channel);
	if ((rc = cp_store_begin(st, err)))
		return rc;
	rc = cp_store_wave_get(st, id, &w, err);
	if (rc == 0 && w.status != CP_WAVE_OPEN &&
	    w.status != CP_WAVE_SCHEDULED)
		rc = cp_error_set(err, CP_ECONFLICT, N_("wave %lld is %s"),
				  (long long)id, cp_wave_status_name(w.status));
	if (rc == 0)
		rc = cp_store_wave_outgoing(st, id, &out, err);
	if (rc == 0 && out)
		rc = cp_error_set(err, CP_ECONFLICT,
				  N_("wave %lld has sent by %s already: its "
				     "channel stays (create a new wave for "
				     "another)"),
				  (long long)id, w.channel);
	if (rc == 0)
		rc = cp_store_wave_set_channel(st, id, channel, err);
	if (rc == 0)
		return cp_store_commit(st, err);
	cp_store_rollback(st);
	return rc;
}

int cp_wave_key_check(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		      int *checked, struct cp_error *err)
{
	char token[CP_TOKEN_LONG_LEN + 1];
	uint8_t hash[CP_SHA256_LEN];
	int64_t wave = 0, member = 0;
	int self = 0, found = 0, match = 0, rc;

	*checked = 0;
	if ((rc = cp_store_invitation_sample(st, &wave, &member, &self, hash,
					     &found, err)) ||
	    !found)
		return rc;
	if (cp_token_derive_stored(key, wave, member, self ? "self" : "team",
				   hash, token, &match))
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	cp_wipe(token, sizeof(token));
	*checked = 1;
	if (!match)
		return cp_error_set(
		    err, CP_EDATA,
		    N_("the key does not belong to this database: "
		       "its links would not match the "
		       "invitations"));
	return 0;
}
