/*
 * respond.c - a link's state, and storing its response with its use.
 */
#include "respond.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"

int cp_wave_is_open(const struct cp_wave *w, int64_t now)
{
	if (w->status != CP_WAVE_OPEN)
		return 0;
	if (w->opens_at && now < w->opens_at)
		return 0;
	return w->closes_at == 0 || now < w->closes_at;
}

int64_t cp_link_survey_ref(const struct cp_invitation *inv,
			   const struct cp_wave *wave)
{
	return inv->self && wave->self_survey_ref ? wave->self_survey_ref
						  : wave->survey_ref;
}

int cp_link_lookup(struct cp_store *st, const uint8_t hash[CP_SHA256_LEN],
		   struct cp_invitation *inv, struct cp_wave *wave,
		   enum cp_link_state *state, struct cp_error *err)
{
	int rc, found = 0;

	memset(wave, 0, sizeof(*wave));
	*state = CP_LINK_UNKNOWN;
	rc = cp_store_invitation_by_hash(st, hash, inv, err);
	if (rc == CP_ENOTFOUND) {
		/* Only links that were unknown cost this second look. */
		rc = cp_store_link_cancelled(st, hash, &found, NULL, 0, err);
		if (rc == 0 && found)
			*state = CP_LINK_CANCELLED;
		return rc;
	}
	if (rc)
		return rc;
	/* Read just now with the invitation: a copy of the wave serves
	 * while nothing has changed since (most posts, under load). */
	rc = cp_store_wave_recent(st, inv->wave_id, wave, err);
	if (rc)
		return rc;
	if (wave->status == CP_WAVE_CANCELLED)
		*state = CP_LINK_CANCELLED;
	else if (inv->answered)
		*state = CP_LINK_USED;
	else if (!cp_wave_is_open(wave, cp_store_clock()))
		*state = CP_LINK_CLOSED;
	else
		*state = CP_LINK_OPEN;
	return 0;
}

/* Stores the answers of an open link whose invitation the caller just
 * marked answered. */
static int store_answers(struct cp_store *st, const struct cp_invitation *inv,
			 const struct cp_answers *a, struct cp_error *err)
{
	struct cp_response r = {0};
	struct cp_answer *answers = NULL;
	struct cp_comment *comments = NULL;
	int rc;

	rc = cp_answers_response(a, &r, &answers, &comments, err);
	if (rc)
		return rc;
	r.wave_id = inv->wave_id;
	r.team_id = inv->team_id;
	r.self = inv->self;
	rc = cp_store_response_add(st, &r, a->survey, err);
	free(answers);
	free(comments);
	return rc;
}

int cp_link_store(struct cp_store *st, const uint8_t hash[CP_SHA256_LEN],
		  const struct cp_answers *a, int64_t survey_ref,
		  enum cp_link_state *state, struct cp_error *err)
{
	struct cp_invitation inv;
	struct cp_wave wave;
	int rc;

	rc = cp_link_lookup(st, hash, &inv, &wave, state, err);
	if (rc || *state != CP_LINK_OPEN)
		return rc;
	if (cp_link_survey_ref(&inv, &wave) != survey_ref)
		return cp_error_set(err, CP_ECONFLICT,
				    N_("the answers are to another survey"));
	/* The use first: a link already used writes nothing at all. */
	rc = cp_store_invitation_mark_answered(st, inv.id, err);
	if (rc == CP_ECONFLICT) {
		*state = CP_LINK_USED;
		return 0;
	}
	return rc ? rc : store_answers(st, &inv, a, err);
}

int cp_link_store_found(struct cp_store *st, const struct cp_invitation *inv,
			const uint8_t hash[CP_SHA256_LEN],
			const struct cp_answers *a, int64_t survey_ref,
			enum cp_link_state *state, struct cp_error *err)
{
	struct cp_wave wave;
	int rc;

	*state = CP_LINK_UNKNOWN;
	/* Its caller changes no wave in its transaction: a wave read for
	 * an earlier submission of it serves. */
	rc = cp_store_wave_in_tx(st, inv->wave_id, &wave, err);
	if (rc)
		return rc;
	if (wave.status == CP_WAVE_CANCELLED ||
	    !cp_wave_is_open(&wave, cp_store_clock()) ||
	    cp_link_survey_ref(inv, &wave) != survey_ref)
		return cp_link_store(st, hash, a, survey_ref, state, err);
	rc = cp_store_invitation_answer(st, inv->id, hash, err);
	if (rc == CP_ECONFLICT)
		return cp_link_store(st, hash, a, survey_ref, state, err);
	if (rc)
		return rc;
	*state = CP_LINK_OPEN;
	return store_answers(st, inv, a, err);
}

int cp_link_stop_reminders(struct cp_store *st,
			   const uint8_t hash[CP_SHA256_LEN],
			   enum cp_link_state *state, struct cp_error *err)
{
	struct cp_invitation inv;
	struct cp_wave wave;
	int rc;

	rc = cp_link_lookup(st, hash, &inv, &wave, state, err);
	if (rc || *state == CP_LINK_UNKNOWN || *state == CP_LINK_CANCELLED)
		return rc;
	return cp_store_invitation_stop_reminders(st, inv.id, err);
}
