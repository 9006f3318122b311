/*
 * wave.h - creating a pulse wave: the wave row, its teams and one
 * invitation per active member, all in one transaction, each invitation
 * stored with the hash of its derived token (token.h).
 */
#ifndef CP_WAVE_H
#define CP_WAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"
#include "error.h"
#include "store.h"

/* The self-assessment a team survey gets when no self survey says it
 * pairs with it (pairs_with). */
#define CP_SELF_SURVEY "leader-self"

/*
 * Creates a wave of survey_id (its newest stored version, which the wave
 * pins) for teams (and their sub-teams when w->include_subteams), with
 * leaders' self-assessments when self is set (the self survey that pairs
 * with survey_id). A leader's ordinary invitation counts in the team
 * above the one they lead, when the wave goes to it, and they get none
 * where there is no such team: never one in their own team. The wave
 * records the team tree it goes to (cp_store_wave_insert). w carries the
 * channel, the times, every_days and threshold; its id, survey_ref,
 * self_survey_ref and status are set here (open when opens_at is not in
 * the future). One transaction: invitations are never created without
 * their wave or the other way round. *invitations is how many were made.
 */
int cp_wave_create(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		   struct cp_wave *w, const char *survey_id,
		   const int64_t *teams, size_t nteams, int self,
		   size_t *invitations, struct cp_error *err);

/*
 * Creates the next wave of a recurring series after wave prev: the same
 * pinned survey, teams and channel, every_days later, with invitations for
 * the members active now. *next is its id. Idempotent: when a successor
 * exists already, *next is that one and *created 0.
 */
int cp_wave_next(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		 int64_t prev, int64_t *next, int *created,
		 struct cp_error *err);

/*
 * Closes wave id and freezes it, in one transaction: its links stop
 * accepting answers and its suppression decisions are made and stored
 * (cp_results_freeze), so what it shows never changes again. *was_closed
 * is 1 (and nothing is done) when it was closed already. There is no
 * reopening.
 */
int cp_wave_close(struct cp_store *st, int64_t id, int *was_closed,
		  struct cp_error *err);

/* The channel of a wave when none is chosen. */
#define CP_WAVE_DEFAULT_CHANNEL "email"

/* Whether a wave can be sent by channel: email, webhook, slack, teams or
 * outbox. */
bool cp_wave_channel_valid(const char *channel);

/*
 * What a person chooses for a new wave, as typed (times as cp_when_parse
 * reads them, the period as cp_duration_parse does). NULL takes the
 * default.
 */
struct cp_wave_create_opts {
	const char *channel;   /* default CP_WAVE_DEFAULT_CHANNEL */
	const char *opens;     /* default now */
	const char *closes;    /* default 14 days after opening, or one
				* period when the wave recurs sooner */
	const char *every;     /* whole days or weeks; default: once */
	const char *threshold; /* the wave's own, within the range of the
				* setting; default: the installation's */
	bool include_subteams;
};

/*
 * Sets w's channel, opens_at, closes_at, every_days, threshold and
 * include_subteams from o and its defaults; now is the current time.
 * Fails with a message that starts with the name of the field that is
 * wrong (channel, opens, closes, every or threshold), which is also the
 * option's name on the command line.
 */
int cp_wave_create_opts_apply(struct cp_wave *w,
			      const struct cp_wave_create_opts *o, int64_t now,
			      struct cp_error *err);

/*
 * The teams a wave to teams goes to: those, and with subteams every team
 * below them in the org chart all (nall teams: cp_store_team_list, or
 * what a roster would make it), each once. *out is malloc'ed.
 */
int cp_wave_teams(const struct cp_team *all, size_t nall, const int64_t *teams,
		  size_t nteams, int subteams, int64_t **out, size_t *nout,
		  struct cp_error *err);

/*
 * The team whose results a leader of team counts in with their ordinary
 * answers, in the tree snap (n teams; in_wave: the wave goes to it): the
 * team above the one they lead, whose leader is theirs, when the wave goes
 * to it too; else 0, and the leader gets no ordinary invitation (only the
 * self-assessment). Never the team they lead: their answers about "my
 * leader" are not about themselves. cp_wave_create invites by it, and the
 * anonymity preview counts by it.
 */
int64_t cp_wave_leader_team(const struct cp_snapshot_team *snap, size_t n,
			    int64_t team);

/* The link of an invitation: base_url "/r/" token, into b. */
int cp_wave_link(struct cp_buf *b, const char *base_url, const char *token,
		 struct cp_error *err);

#endif
