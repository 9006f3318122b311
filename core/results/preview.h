/*
 * preview.h - the anonymity preview: before a wave is sent (wave create)
 * or a roster imported (team import --dry-run), which groups the roster
 * as it stands can never show, which will be hidden to protect another
 * group, and the roster change that would let them show.
 *
 * It runs the very rule results use (cp_results_suppress, through
 * cp_results_plan) on the number of people who could answer: each
 * team's active members, as if every one of them answered, with each
 * leader counted where a wave counts their ordinary answers (in the team
 * above when the wave goes to it, else nowhere: cp_wave_leader_team).
 * Fewer answers can only hide more, so this is the best case.
 */
#ifndef CP_PREVIEW_H
#define CP_PREVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "model.h"
#include "results.h"

struct cp_store;

struct cp_preview_entry {
	size_t group;	/* in plan->groups */
	int64_t people; /* who could answer in that group */
	/* What is wrong, in words: "Nursing has 2 members of its own,
	 * fewer than 5: its own results are never shown". */
	char *problem;
	/* The roster change that fixes it: "put them in a team of 5 or
	 * more, or in Ward 4"; for a group hidden to protect another, that
	 * group's fix. */
	char *fix;
};

struct cp_preview {
	struct cp_results *plan; /* the groups and their decisions */
	int threshold;
	struct cp_preview_entry *entries; /* in group order */
	size_t nentries;
};

/*
 * The preview for a wave to wave_teams (with all their sub-teams when
 * subteams) in the org chart teams (cp_store_team_list or what a roster
 * would make it); wave_teams NULL means every team. Counts are
 * teams[i].members, leaders (teams[i].leaders) moved up as above.
 * *out is the caller's: cp_preview_free.
 */
int cp_preview_build(struct cp_preview **out, const struct cp_team *teams,
		     size_t nteams, const int64_t *wave_teams, size_t nwave,
		     bool subteams, int k, struct cp_error *err);

/*
 * The fix for team's own members in the org chart as it stands (for a
 * report on a hidden team), into buf: "Nursing has 2 members of its own;
 * put them in a team of 5 or more, or in Ward 4". "" when the team's own
 * members can be shown (or it has none).
 */
int cp_preview_team_fix(struct cp_store *s, int64_t team, int k, char *buf,
			size_t n, struct cp_error *err);

void cp_preview_free(struct cp_preview *p);

#endif
