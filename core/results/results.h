/*
 * results.h - what a wave's answers say, with the anonymity rules applied:
 * the one API the CLI and the PDF reports read results through. Reports
 * never open the database; they take a struct cp_results from here.
 *
 * For a wave it builds every group a user can look at - each team's own
 * members, each team with all its sub-teams, the whole organisation - and
 * for each the statistics of every dimension and item (stats.h), the
 * change from the group's previous wave, the leader's self-assessment
 * beside the team's view, and comments. Then it applies the thresholds:
 *
 * - a group (or a measure) with fewer than k respondents is suppressed
 *   (reason fewer_than_k);
 * - anti-differencing: what is hidden inside a visible group (its people
 *   not in the visible groups inside it) is either nobody or at least k
 *   respondents, so no two visible nested groups differ by 1..k-1; where
 *   it would be 1..k-1, that group - always a roll-up, never a team's own
 *   members - is suppressed too (reason protects_group, naming what it
 *   protects), deepest first;
 * - scores exist only once the wave is closed; while it is open only the
 *   count of responses is given, under the same rule (a group under k,
 *   or one that would let a smaller one be worked out, shows no count);
 * - comments need the comment threshold and the same anti-differencing.
 *
 * Suppressed values are zero and flagged (cp_stat.suppressed,
 * cp_group.suppressed) with their reason (cp_stat.why, cp_group.why):
 * never a number that must not be printed.
 * docs/method.md describes all of this in words.
 */
#ifndef CP_RESULTS_H
#define CP_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "stats.h"
#include "store.h"
#include "survey.h"

#define CP_NO_GROUP ((size_t)-1)

enum cp_group_scope {
	CP_SCOPE_ORGANISATION = 0, /* every team of the wave */
	CP_SCOPE_SUBTREE = 1,	   /* a team with all its sub-teams */
	CP_SCOPE_TEAM = 2,	   /* a team's own members only */
};

/* "organisation", "subtree", "team". */
const char *cp_scope_name(enum cp_group_scope s);

struct cp_group_comment {
	const char *question_id; /* borrowed from the results */
	const char *text;
};

struct cp_group {
	enum cp_group_scope scope;
	int64_t team_id; /* 0 for the organisation */
	char *name;	 /* the team's name; "organisation" */
	size_t parent;	 /* the smallest group containing it; CP_NO_GROUP */
	int depth;	 /* 0 for the organisation */

	/*
	 * The group as a whole: fewer than k responses, or hidden so that
	 * it cannot be worked out from its neighbours. When set, every
	 * number below is zero, answered too.
	 */
	bool suppressed;
	struct cp_suppression why; /* the reason, when suppressed */
	int64_t answered;	   /* responses (0 when suppressed) */
	/* Response rate = answered / delivered, only when delivered >= k. */
	bool has_rate;
	int64_t delivered; /* team invitations in state sent */
	double response_rate;

	/* Per dimension / item of the survey, in its order. Present only
	 * when the wave is closed (cp_results.scores); else NULL. */
	struct cp_stat *dims;
	struct cp_change *dim_change;
	struct cp_stat *items;
	struct cp_change *item_change;
	/* Per item, for the survey's eNPS items only (an agree item's entry
	 * is zero); NULL when the survey has none. For an eNPS item, items[i]
	 * holds only its n, declined and suppression, and item_change[i] its
	 * change in eNPS points. Read it with cp_results_enps. */
	struct cp_enps *enps;

	/* The leader's self-assessment per dimension (self responses of
	 * this team), never mixed into dims. has_self is 0 when none. */
	bool has_self;
	struct cp_stat *self; /* mean, score, n per dimension; no interval */
	double *self_gap;     /* self mean - team mean; valid when both are */

	/* Comments: only when comments were asked for, the group has at
	 * least the comment threshold and anti-differencing allows. */
	bool comments_shown;
	struct cp_group_comment *comments;
	size_t ncomments;
};

struct cp_survey_hold;

struct cp_results {
	struct cp_wave wave;
	struct cp_survey *survey; /* the definition the wave pinned */
	int threshold;		  /* k in force for this wave */
	int comment_threshold;	  /* >= threshold */
	bool scores;		  /* the wave is closed: scores are given */
	struct cp_group *groups;  /* the organisation first, then depth first */
	size_t ngroups;
	/* private */
	char *names; /* every group's name, one block */
	struct cp_comment_row *comment_rows;
	size_t ncomment_rows;
	int64_t only_team; /* the opts it was loaded with (see below) */
	bool dims_only;
	bool no_items;
	int64_t frozen_seq; /* its place in the order of closing; 0: open */
	/* survey shared with the known results it was taken from (the same
	 * pinned definition): freed with the last of them. NULL: its own. */
	struct cp_survey_hold *survey_hold;
};

struct cp_results_opts {
	bool changes;  /* compare each group with its previous wave */
	bool comments; /* read comments (only shown where allowed) */
	/* Nonzero: compute changes only for this team's groups (a report on
	 * one team); every other group's changes stay empty. Which groups
	 * are shown or hidden does not depend on it. */
	int64_t changes_team;
	/* Changes of dimensions only: item_change stays empty (for output
	 * that shows no items; half of the intervals a wave computes),
	 * except an eNPS item's, a headline measure. */
	bool no_item_changes;
	/* A closed wave's statistics computed from the aggregates even when
	 * they are stored (cp_results_freeze stores them): for checking
	 * that the two agree. Nothing is stored by such a load. */
	bool recompute;
	/* Nonzero: statistics (dims, items, self and their changes) only for
	 * this team's groups (a report on one team); every other group keeps
	 * its counts and its suppressed flag, decided over the whole
	 * organisation exactly as without it, but its dims, items, self and
	 * changes stay NULL, and it holds no comments (only the team's
	 * subtree's comments are read). */
	int64_t only_team;
	/* With only_team, for a frozen wave whose statistics are stored: the
	 * other groups' counts are not read either (a report on one team
	 * prints none of them). Their answered and delivered stay 0 and they
	 * have no response rate; which groups are shown or hidden, and why,
	 * still comes from the decisions stored when the wave closed, so it
	 * is exactly as without it. Nor is the rest of the wave's tree: the
	 * groups are only the organisation, the team's ancestors (each with
	 * its child on the path) and the team's subtree, in their order,
	 * with the decisions stored for them (an ancestor's may name no
	 * protected group where the whole tree's names one off the path). */
	bool no_other_counts;
	/* Dimensions only: neither the item aggregates nor the invitations
	 * are read; items and item_change stay NULL, the dimensions carry no
	 * distribution and no group has a response rate (a trend's earlier
	 * waves, which show dimension means and changes alone). */
	bool dims_only;
	/* No item statistics: items and item_change may stay NULL (they do
	 * for a wave whose statistics are stored and whose survey has no
	 * eNPS item, whose rows need them), for output that shows no items;
	 * everything else is as without it. */
	bool no_items;
	/* Results already loaded (a trend's earlier waves): a change is
	 * computed from one of these when it is the previous wave and holds
	 * what the change needs, instead of loading that wave again; and a
	 * wave that pinned the same survey shares its parsed definition
	 * (each may still be freed in any order). */
	const struct cp_results *const *known;
	size_t nknown;
	/* Optional, for a caller that loads several waves: the wave entries
	 * (cp_store_wave_entries), read once and used instead of reading
	 * them again. Borrowed. (Each wave's teams are its own snapshot.) */
	const struct cp_wave_entry *entries;
	size_t nentries;
	/* entries are cp_store_wave_entries_path's of only_team (each
	 * wave's teams only those on the team's path): enough for a load
	 * of the team's path (see no_other_counts); a load that needs the
	 * whole tree reads the whole list itself. */
	bool entries_path;
};

/*
 * Computes the results of wave from the aggregate tables (never the
 * answers): the cost follows the number of teams, dimensions and items.
 * An unknown wave is CP_ENOTFOUND. *out is the caller's: cp_results_free.
 */
int cp_results_load(struct cp_results **out, struct cp_store *s, int64_t wave,
		    const struct cp_results_opts *opts, struct cp_error *err);

void cp_results_free(struct cp_results *r);

/*
 * The results of several waves, in the order of waves (n of them), each
 * loaded with the wave before it as the one known (opts->known is set
 * for each; the rest of opts as given): the same results as
 * cp_results_load of each in turn. While the caller prints a wave, the
 * next is loaded in a thread of its own (when n > 1 and one can be
 * started; else the caller's own thread loads each wave when asked for
 * it), on s: from open to close the caller must not use s. At most two
 * waves are held, as when they are loaded in turn: the one the caller
 * has and the one being loaded.
 *
 * cp_results_series_next hands out the next wave in *r, borrowed until
 * the next call or close (the previous wave is freed after it, by the
 * loader when there is one), and NULL
 * after the last; a wave that cannot be loaded is its error (rc and
 * err, as cp_results_load would have said), after every wave before it
 * was handed out. waves, s and opts' borrowed parts must outlive the
 * series. *out is the caller's: cp_results_series_close (NULL allowed)
 * waits for a load under way and frees what is left.
 */
struct cp_results_series;
int cp_results_series_open(struct cp_results_series **out, struct cp_store *s,
			   const int64_t *waves, size_t n,
			   const struct cp_results_opts *opts,
			   struct cp_error *err);
int cp_results_series_next(struct cp_results_series *rs,
			   const struct cp_results **r, struct cp_error *err);
void cp_results_series_close(struct cp_results_series *rs);

/*
 * Freezes a closed wave: makes its suppression decisions once, with the
 * thresholds in force now, on the team tree the wave was sent to, and
 * stores them (cp_store_wave_freeze) with those thresholds. From then on
 * cp_results_load reads them back and never decides again, so no later
 * re-org, roster import or threshold change alters what the wave shows.
 * Runs inside the caller's transaction when one is open (cp_wave_close
 * closes and freezes in one), else in its own. A wave frozen already is
 * left as it is (0); one that is not closed is CP_ECONFLICT.
 * cp_results_load freezes a closed wave it finds unfrozen (one closed
 * before this existed) when the store is writable.
 *
 * Freezing also computes the wave's statistics once, for every group,
 * and stores them (only what may be shown; cp_store_wave_results_put);
 * cp_results_load of a frozen wave reads them instead of computing from
 * the aggregates. A frozen wave without them (frozen by an older
 * carepulse, or purged since) gets them at its first load from a
 * writable store; a read-only store computes them each time.
 */
int cp_results_freeze(struct cp_store *s, int64_t wave, struct cp_error *err);

/*
 * The group of team (team_id 0: the organisation) with scope, or NULL.
 * Borrowed from r.
 */
const struct cp_group *cp_results_group(const struct cp_results *r,
					enum cp_group_scope scope,
					int64_t team_id);

/*
 * A group's name for a person: "Nursing (own members)", "Nursing (with
 * sub-teams)" or "organisation", into buf (always terminated). Returns buf.
 */
const char *cp_results_group_label(const struct cp_group *g, char *buf,
				   size_t n);

/*
 * Why a value is hidden, in words, into buf: "fewer than 5 answered", or
 * "hidden so that Nursing's own members cannot be worked out" (and how
 * many other small groups with them). "" when why says shown. Returns buf.
 */
const char *cp_results_reason_text(const struct cp_results *r,
				   const struct cp_suppression *why, char *buf,
				   size_t n);

/* The label of the group why protects, into buf; NULL when none. */
const char *cp_results_protects_label(const struct cp_results *r,
				      const struct cp_suppression *why,
				      char *buf, size_t n);

/* true when group g is inside group ancestor (or is it). */
bool cp_results_within(const struct cp_results *r, size_t g, size_t ancestor);

/*
 * The waves that include team (0: every wave), oldest first, leaving out
 * cancelled ones: the trend of a group. *ids is malloc'ed (caller frees).
 */
int cp_results_waves(struct cp_store *s, int64_t team, int64_t **ids, size_t *n,
		     struct cp_error *err);

/*
 * The cancelled waves that include team (0: any) opening between from
 * and until (0: no bound), oldest first, with their reasons: the gaps a
 * trend says are there. *out is malloc'ed (free() it).
 */
int cp_results_cancelled(struct cp_store *s, int64_t team, int64_t from,
			 int64_t until, struct cp_wave **out, size_t *n,
			 struct cp_error *err);

/*
 * cp_results_waves and cp_results_cancelled over the wave entries a
 * caller has read already (cp_store_wave_entries; a report reads them
 * once for its trend, its gaps and its loads).
 */
int cp_results_waves_in(const struct cp_wave_entry *w, size_t nw, int64_t team,
			int64_t **ids, size_t *n, struct cp_error *err);
int cp_results_cancelled_in(struct cp_store *s, const struct cp_wave_entry *w,
			    size_t nw, int64_t team, int64_t from,
			    int64_t until, struct cp_wave **out, size_t *n,
			    struct cp_error *err);

/* The newest wave (by opening time) that is not cancelled, or
 * CP_ENOTFOUND when there is none. */
int cp_results_latest_wave(struct cp_store *s, int64_t *wave,
			   struct cp_error *err);

/*
 * The thresholds of a wave: its own when set, else the installation's
 * (config threshold, comment_threshold); the comment threshold is never
 * below k.
 */
int cp_results_thresholds(struct cp_store *s, const struct cp_wave *w, int *k,
			  int *comment_k, struct cp_error *err);

/*
 * The suppression rule on its own, for any tree of groups: n[i] counts the
 * respondents of group i, parent[i] is the smallest group that contains it
 * (CP_NO_GROUP for a root); a group may have people of its own besides
 * its children's. Parents must come before their children in the arrays.
 *
 * why[] comes in with what is already hidden (reason set; a measure starts
 * from its group's decisions) and goes out with every decision:
 *
 * 1. every group with n < k: CP_REASON_FEWER_THAN_K;
 * 2. then, deepest group first, every visible group whose remainder - its
 *    respondents not in the visible groups inside it - is 1..k-1:
 *    CP_REASON_PROTECTS, with protects the first group (in array order)
 *    of the hidden ones inside it that hold part of that remainder, and
 *    nprotects how many of them hold some.
 *
 * So a group with children is hidden rather than any of its parts: a
 * group without children (a team's own members) is hidden only for
 * fewer than k. After it, no visible group has fewer than k respondents,
 * every visible group's remainder is 0 or at least k, and hence no two
 * visible nested groups differ by 1..k-1. The result depends only on n,
 * parent, k and the incoming why[].
 */
int cp_results_suppress(size_t count, const int64_t *n, const size_t *parent,
			int k, struct cp_suppression *why,
			struct cp_error *err);

/*
 * The groups a wave of wave_teams (ids in teams; all of teams when
 * wave_teams is NULL) would have in the org chart teams, with
 * counts[i] respondents in teams[i] (for example: everyone answers),
 * and the suppression decisions for them at threshold k. Only the groups,
 * answered and the decisions are set: no survey, no scores (r->scores
 * false, r->survey NULL). *out is the caller's: cp_results_free.
 */
int cp_results_plan(struct cp_results **out, const struct cp_team *teams,
		    size_t nteams, const int64_t *wave_teams, size_t nwave,
		    const int64_t *counts, int k, struct cp_error *err);

/*
 * eNPS, for reports: the index of the survey's first eNPS item, or
 * CP_NO_GROUP when it has none; then group g's eNPS of that item (NULL
 * when the group has no statistics: an open wave, a group left out by
 * only_team, dims_only, or an item that is not eNPS) and, when change
 * is not NULL, its change since the previous wave (status
 * CP_CHANGE_NONE when none was computed). A suppressed eNPS has
 * suppressed set and every number zero, like a cp_stat.
 */
size_t cp_results_enps_item(const struct cp_results *r);
const struct cp_enps *cp_results_enps(const struct cp_results *r,
				      const struct cp_group *g, size_t item,
				      const struct cp_change **change);

#endif
