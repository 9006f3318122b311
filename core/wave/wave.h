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
 * Inside the caller's transaction: stores w (its survey_ref, status and
 * times set) with the snapshot of teams and their invitations, as
 * cp_wave_create does after its checks. *invitations is how many.
 */
int cp_wave_create_in(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		      struct cp_wave *w, const int64_t *teams, size_t nteams,
		      int self, size_t *invitations, struct cp_error *err);

/*
 * Closes wave id and freezes it, in one transaction: its links stop
 * accepting answers and its suppression decisions are made and stored
 * (cp_results_freeze), so what it shows never changes again. *was_closed
 * is 1 (and nothing is done) when it was closed already. There is no
 * reopening; a cancelled wave is CP_ECONFLICT. Its series goes on (see
 * cp_series_set_state to stop it).
 */
int cp_wave_close(struct cp_store *st, int64_t id, int *was_closed,
		  struct cp_error *err);

/* How far in the past a new wave may open ("now" typed a moment ago, a
 * script's clock a little behind). */
#define CP_WAVE_PAST_SLACK 600

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
	const char *every;     /* days, weeks or calendar months
				* (cp_wave_every_parse); default: once */
	const char *threshold; /* the wave's own, within the range of the
				* setting; default: the installation's */
	bool include_subteams;
};

/*
 * Sets w's channel, opens_at, closes_at, every_days or every_months,
 * threshold and include_subteams from o and its defaults; now is the
 * current time. Times in the past are refused: opening more than
 * CP_WAVE_PAST_SLACK seconds before now, closing before now (its links
 * would be dead on arrival). Fails with a message that starts with the
 * name of the field that is wrong (channel, opens, closes, every or
 * threshold), which is also the option's name on the command line.
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

/* The one-click "no more reminders" address of an invitation (RFC 8058):
 * base_url "/u/" token, into b. serve takes a POST to it. */
int cp_wave_stop_link(struct cp_buf *b, const char *base_url, const char *token,
		      struct cp_error *err);

/* ---- over months and years (lifecycle.c) ---- */

/* Parses a cadence: "10d" (days), "2w" (weeks) or "1m", "3m" (calendar
 * months) into *days or *months (the other 0). CP_EUSAGE names it. */
int cp_wave_every_parse(const char *text, int *days, int *months,
			struct cp_error *err);

/* "every 2 weeks", "every 1 month", "every 3 days" or "one-off" into buf
 * (always terminated). Returns buf. */
const char *cp_wave_cadence(int days, int months, char *buf, size_t n);

/* The opening time of slot k of series x (0: its anchor, the first
 * wave's): k periods later, months by cp_when_add_months. */
int64_t cp_series_slot(const struct cp_series *x, int k);

/* What comes after a wave, for `wave show`. */
enum cp_next_kind {
	CP_NEXT_ONE_OFF, /* not recurring */
	CP_NEXT_WAVE,	 /* its successor exists: wave, opening at */
	CP_NEXT_AT,	 /* tick creates the next, opening at */
	CP_NEXT_PAUSED,	 /* the series is paused */
	CP_NEXT_STOPPED, /* the series is stopped */
};

struct cp_wave_next {
	enum cp_next_kind kind;
	int64_t at;
	int64_t wave;
	struct cp_series series; /* when recurring */
};

int cp_wave_next_info(struct cp_store *st, const struct cp_wave *w,
		      struct cp_wave_next *out, struct cp_error *err);

/* What one tick did for a series. */
struct cp_series_step {
	int64_t created;    /* the new wave (open), or 0 */
	size_t invitations; /* its invitations */
	int64_t closed;	    /* the wave before it, closed as it had no
			     * closing time, or 0 */
};

/*
 * One tick of series x at now: when it is active and the slot after its
 * newest wave has opened, creates the wave of that slot (the newest one
 * whose window is still open, so a late tick makes no backlog) with the
 * newest wave's survey, teams, channel and length, and invitations for
 * the members active now. Idempotent: nothing is due again until the
 * next slot. A paused or stopped series makes nothing.
 */
int cp_series_recur(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		    const struct cp_series *x, int64_t now,
		    struct cp_series_step *out, struct cp_error *err);

/* Pauses, resumes (CP_SERIES_ACTIVE) or stops a series. A stopped one
 * stays stopped (CP_ECONFLICT). Its waves are not touched. */
int cp_series_set_state(struct cp_store *st, int64_t series,
			enum cp_series_state state, struct cp_error *err);

enum cp_cancel_outcome {
	CP_CANCEL_DELETED, /* no answer yet: the wave is gone */
	CP_CANCEL_MARKED,  /* answers deleted, the wave kept as cancelled */
};

/*
 * Cancels wave id with reason (NULL allowed; at most
 * CP_CANCEL_REASON_MAX bytes). Before any answer the wave and its
 * invitations are deleted; after, its answers, comments and aggregates
 * are deleted (secure_delete) and it is kept as cancelled, left out of
 * every default, trend and comparison. Its links say "cancelled" either
 * way. One transaction, then a checkpoint: *log_clean is 0 when a reader
 * kept the old pages in the write-ahead log for now.
 */
int cp_wave_cancel(struct cp_store *st, int64_t id, const char *reason,
		   enum cp_cancel_outcome *outcome, int *log_clean,
		   struct cp_error *err);

/* Changes a wave's channel while nothing has gone out by it yet;
 * CP_ECONFLICT after the first invitation or post. */
int cp_wave_set_channel(struct cp_store *st, int64_t id, const char *channel,
			struct cp_error *err);

/*
 * Whether key belongs to the database of st: the newest invitation's
 * token derived again under key must hash to what is stored (CP_EDATA
 * when not). *checked is 0 when there is no invitation to check with.
 */
int cp_wave_key_check(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		      int *checked, struct cp_error *err);

#endif
