/*
 * respond.h - what happens to one invitation link: finding the
 * invitation and its wave for a token, and storing a checked response
 * together with the token's use. Used by the form server and its JSON API.
 */
#ifndef CP_RESPOND_H
#define CP_RESPOND_H

#include <stdint.h>

#include "answers.h"
#include "crypto.h"
#include "error.h"
#include "store.h"

/* Where a link stands. */
enum cp_link_state {
	CP_LINK_OPEN = 0,  /* can be answered */
	CP_LINK_UNKNOWN,   /* no invitation has this token */
	CP_LINK_USED,	   /* already answered */
	CP_LINK_CLOSED,	   /* the wave is not open (closed, or not yet) */
	CP_LINK_CANCELLED, /* the wave was cancelled (or deleted so) */
};

/* True when wave w takes answers at time now. */
int cp_wave_is_open(const struct cp_wave *w, int64_t now);

/*
 * Looks up the invitation of the token whose hash is hash, and its wave.
 * *state says where the link stands; inv and wave are filled when it is
 * not CP_LINK_UNKNOWN, except for the link of a wave cancelled before
 * any answer, which was deleted (CP_LINK_CANCELLED with wave->id 0).
 * Errors only for a failing database.
 */
int cp_link_lookup(struct cp_store *st, const uint8_t hash[CP_SHA256_LEN],
		   struct cp_invitation *inv, struct cp_wave *wave,
		   enum cp_link_state *state, struct cp_error *err);

/* The survey ref an invitation answers: the wave's, or its self one. */
int64_t cp_link_survey_ref(const struct cp_invitation *inv,
			   const struct cp_wave *wave);

/*
 * Inside the caller's transaction: looks the invitation up again, and
 * when its link is still open stores the checked answers (wave and team
 * only) and marks the invitation answered. *state is where the link stood;
 * nothing is written unless it was CP_LINK_OPEN. The answers must be of
 * the survey the invitation answers (CP_ECONFLICT otherwise).
 */
int cp_link_store(struct cp_store *st, const uint8_t hash[CP_SHA256_LEN],
		  const struct cp_answers *a, int64_t survey_ref,
		  enum cp_link_state *state, struct cp_error *err);

/*
 * cp_link_store for an invitation the caller found by hash before its
 * transaction (inv: its id, wave, team and kind, which never change): the
 * wave is read again (once a transaction: st's caller changes no wave in
 * it, cp_store_wave_in_tx) and the invitation is marked answered by its id
 * with its token's hash checked in the same UPDATE, so no other row can
 * be marked; no second search by hash. Whenever that does not show an
 * open link (the wave not open, the link used, cancelled or gone, the
 * answers to another survey) it does what cp_link_store does.
 */
int cp_link_store_found(struct cp_store *st, const struct cp_invitation *inv,
			const uint8_t hash[CP_SHA256_LEN],
			const struct cp_answers *a, int64_t survey_ref,
			enum cp_link_state *state, struct cp_error *err);

/*
 * Inside the caller's transaction: RFC 8058's one-click "no more
 * reminders" for the invitation of the token whose hash is hash. Only
 * that invitation's reminders stop; its answers, and whether it has any,
 * are neither read nor changed. *state is where the link stood; nothing
 * is written for an unknown link or a cancelled wave's.
 */
int cp_link_stop_reminders(struct cp_store *st,
			   const uint8_t hash[CP_SHA256_LEN],
			   enum cp_link_state *state, struct cp_error *err);

#endif
