/*
 * action.h - the action loop (issue 13, item 6): after the workshop on a
 * wave's results, a leader or facilitator records what the team agreed -
 * one or a few short actions, each with an owner and a review date - and
 * marks them done later. The next team report shows them as "what we
 * agreed last time" beside the new results.
 *
 * This is the one API for actions: the CLI (`carepulse action`), the
 * reports and the portal all go through it. Actions are about a team and
 * its leader, never about a respondent: nothing here touches answers.
 */
#ifndef CP_ACTION_H
#define CP_ACTION_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "store.h"

/* What a new action holds; strings are borrowed for the call. */
struct cp_action_new {
	int64_t team_id;
	int64_t wave_id;  /* the closed wave whose results it follows */
	const char *text; /* 1..CP_ACTION_TEXT_MAX bytes, one line */
	const char
	    *owner; /* NULL or "" for none; at most CP_ACTION_OWNER_MAX */
	int64_t review_at; /* 0 for none */
};

/*
 * Checks a and stores it; *id (may be NULL) gets its number. CP_EDATA for
 * text that is empty, too long, not UTF-8 or holds control characters (the
 * message names the field and the limit); CP_ENOTFOUND for an unknown
 * wave; CP_ECONFLICT when the wave is not closed (actions follow results)
 * or the team was not part of it.
 */
int cp_action_add(struct cp_store *s, const struct cp_action_new *a,
		  int64_t *id, struct cp_error *err);

/*
 * The actions of team (0: every team) that follow wave (0: any wave),
 * oldest first. *out is malloc'ed: free() it.
 */
int cp_action_list(struct cp_store *s, int64_t team, int64_t wave,
		   struct cp_action **out, size_t *n, struct cp_error *err);

/* Marks action id done at when: CP_ENOTFOUND when there is no such
 * action, CP_ECONFLICT when it is done already. */
int cp_action_done(struct cp_store *s, int64_t id, int64_t when,
		   struct cp_error *err);

/*
 * The newest closed wave that included team: the wave an action follows
 * when none is named. CP_ENOTFOUND when the team has none yet.
 */
int cp_action_latest_wave(struct cp_store *s, int64_t team, int64_t *wave,
			  struct cp_error *err);

/*
 * "What we agreed last time" for a report of team on wave: the actions of
 * team that follow the latest wave before it (by opening) that has any,
 * and that wave in *from (0 and no actions when there is none). *out is
 * malloc'ed: free() it.
 */
int cp_action_last_time(struct cp_store *s, int64_t team, int64_t wave,
			struct cp_action **out, size_t *n, int64_t *from,
			struct cp_error *err);

#endif
