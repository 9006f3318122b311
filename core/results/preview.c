/*
 * preview.c - the anonymity preview of a roster: see preview.h.
 */
#include "preview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "store.h"
#include "wave.h"

#define TEXT_MAX 1024

/* Index of the team with id in teams, or nteams. */
static size_t team_at(const struct cp_team *teams, size_t nteams, int64_t id)
{
	for (size_t i = 0; i < nteams; i++)
		if (teams[i].id == id)
			return i;
	return nteams;
}

/*
 * Who could answer in each team of a wave to the teams in set (nset ids;
 * NULL: every team), into counts (by index in teams): its active members,
 * but a leader in the team their ordinary invitation counts in
 * (cp_wave_leader_team, the rule cp_wave_create invites by): the team
 * above when the wave goes to it, else nowhere (the self-assessment only).
 */
static int who_answers(const struct cp_team *teams, size_t nteams,
		       const int64_t *set, size_t nset, int64_t *counts,
		       struct cp_error *err)
{
	struct cp_snapshot_team *tree = calloc(nteams + 1, sizeof(*tree));

	if (tree == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	for (size_t i = 0; i < nteams; i++) {
		tree[i] =
		    (struct cp_snapshot_team){teams[i].id, teams[i].name,
					      teams[i].parent_id, set == NULL};
		for (size_t j = 0; set && j < nset; j++)
			if (set[j] == teams[i].id)
				tree[i].in_wave = 1;
	}
	for (size_t i = 0; i < nteams; i++)
		counts[i] = teams[i].members - teams[i].leaders;
	for (size_t i = 0; i < nteams; i++) {
		int64_t up;
		size_t u;
		if (!tree[i].in_wave || teams[i].leaders == 0)
			continue;
		up = cp_wave_leader_team(tree, nteams, teams[i].id);
		if (up && (u = team_at(teams, nteams, up)) < nteams)
			counts[u] += teams[i].leaders;
	}
	free(tree);
	return 0;
}

/* The members of team (by id) in the wave's groups, or -1 when the team
 * has no group of its own in the plan. */
static int64_t own_people(const struct cp_results *plan, int64_t team)
{
	const struct cp_group *g = cp_results_group(plan, CP_SCOPE_TEAM, team);

	return g ? g->answered : -1;
}

/*
 * Where the people of team t (fewer than k, more than 0) could go so that
 * they are counted with others: the smallest of its sub-teams, else its
 * parent team, else the smallest team beside it; only a team that would
 * then reach k. NULL when there is none in the wave.
 */
static const char *move_to(const struct cp_results *plan,
			   const struct cp_team *teams, size_t nteams, size_t t,
			   int k)
{
	int64_t people = own_people(plan, teams[t].id), best_n = -1;
	const char *best = NULL;
	size_t p;

	for (int pass = 0; pass < 3 && best == NULL; pass++) {
		if (pass == 1) {
			p = teams[t].parent_id
				? team_at(teams, nteams, teams[t].parent_id)
				: nteams;
			if (p < nteams &&
			    own_people(plan, teams[p].id) + people >= k)
				best = teams[p].name;
			continue;
		}
		for (size_t i = 0; i < nteams; i++) {
			int64_t m = own_people(plan, teams[i].id);
			bool near = pass == 0
					? teams[i].parent_id == teams[t].id
					: i != t && teams[i].parent_id ==
							teams[t].parent_id;
			if (!near || m < 0 || m + people < k)
				continue;
			if (best_n < 0 || m < best_n) {
				best = teams[i].name;
				best_n = m;
			}
		}
	}
	return best;
}

/* cp_results_group_label in the reader's language (that one stays
 * English: CSV columns carry it). */
static void group_label(const struct cp_group *g, char *buf, size_t n)
{
	if (g->scope == CP_SCOPE_ORGANISATION)
		snprintf(buf, n, "%s", _("organisation"));
	else
		snprintf(buf, n,
			 g->scope == CP_SCOPE_TEAM ? _("%s (own members)")
						   : _("%s (with sub-teams)"),
			 g->name);
}

/* The fix for the own members of group g (a team group below k). */
static void team_fix(const struct cp_results *plan, const struct cp_team *teams,
		     size_t nteams, const struct cp_group *g, int k, char *buf,
		     size_t n)
{
	size_t t = team_at(teams, nteams, g->team_id);
	const char *to = t < nteams ? move_to(plan, teams, nteams, t, k) : NULL;

	if (to)
		/* TRANSLATORS: %s is the name of a team. */
		snprintf(buf, n,
			 _("put them in a team of %d or more, or in %s"), k,
			 to);
	else
		snprintf(buf, n,
			 cp_ngettext("add %lld more member, or put them in a "
				     "team of %d or more",
				     "add %lld more members, or put them in a "
				     "team of %d or more",
				     (unsigned long)(k - g->answered)),
			 (long long)(k - g->answered), k);
}

static int add_entry(struct cp_preview *p, size_t g, const char *problem,
		     const char *fix, struct cp_error *err)
{
	struct cp_preview_entry *e = &p->entries[p->nentries];

	e->group = g;
	e->people = p->plan->groups[g].answered;
	e->problem = cp_strdup(problem);
	e->fix = cp_strdup(fix);
	if (e->problem == NULL || e->fix == NULL) {
		free(e->problem);
		free(e->fix);
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	}
	p->nentries++;
	return 0;
}

int cp_preview_build(struct cp_preview **out, const struct cp_team *teams,
		     size_t nteams, const int64_t *wave_teams, size_t nwave,
		     bool subteams, int k, struct cp_error *err)
{
	struct cp_preview *p;
	int64_t *set = NULL, *counts = NULL;
	size_t nset = 0;
	char *problem = NULL, *fix = NULL, label[TEXT_MAX];
	int rc;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	p->threshold = k;
	counts = calloc(nteams + 1, sizeof(int64_t));
	problem = malloc(TEXT_MAX);
	fix = malloc(TEXT_MAX);
	if (counts == NULL || problem == NULL || fix == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
		goto done;
	}
	rc = wave_teams ? cp_wave_teams(teams, nteams, wave_teams, nwave,
					subteams, &set, &nset, err)
			: 0;
	if (rc == 0)
		rc = who_answers(teams, nteams, wave_teams ? set : NULL, nset,
				 counts, err);
	if (rc == 0)
		rc = cp_results_plan(&p->plan, teams, nteams,
				     wave_teams ? set : NULL, nset, counts, k,
				     err);
	if (rc == 0) {
		p->entries = calloc(p->plan->ngroups + 1, sizeof(*p->entries));
		if (p->entries == NULL)
			rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	}
	for (size_t g = 0; rc == 0 && g < p->plan->ngroups; g++) {
		const struct cp_group *gr = &p->plan->groups[g];
		const struct cp_group *prot;
		/* A group nobody could answer in hides nothing. */
		if (gr->why.reason == CP_REASON_NONE || gr->answered == 0)
			continue;
		group_label(gr, label, sizeof(label));
		fix[0] = '\0';
		if (gr->why.reason == CP_REASON_FEWER_THAN_K) {
			/* TRANSLATORS: a group, its number of people and
			 * the threshold. */
			snprintf(problem, TEXT_MAX,
				 cp_ngettext("%s: %lld person, fewer than %d: "
					     "never shown",
					     "%s: %lld people, fewer than %d: "
					     "never shown",
					     (unsigned long)gr->answered),
				 label, (long long)gr->answered, k);
			if (gr->scope == CP_SCOPE_TEAM)
				team_fix(p->plan, teams, nteams, gr, k, fix,
					 TEXT_MAX);
			else
				snprintf(fix, TEXT_MAX,
					 _("put its people in a team of %d or "
					   "more"),
					 k);
		} else {
			char why[TEXT_MAX];
			snprintf(problem, TEXT_MAX, "%s: %s", label,
				 cp_results_reason_text(p->plan, &gr->why, why,
							sizeof(why)));
			prot = gr->why.protects < p->plan->ngroups
				   ? &p->plan->groups[gr->why.protects]
				   : NULL;
			if (prot && prot->scope == CP_SCOPE_TEAM)
				team_fix(p->plan, teams, nteams, prot, k, fix,
					 TEXT_MAX);
		}
		rc = add_entry(p, g, problem, fix, err);
	}
done:
	free(set);
	free(counts);
	free(problem);
	free(fix);
	if (rc) {
		cp_preview_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int cp_preview_team_fix(struct cp_store *s, int64_t team, int k, char *buf,
			size_t n, struct cp_error *err)
{
	struct cp_preview *p = NULL;
	struct cp_team *teams = NULL;
	size_t nteams = 0;
	int rc;

	buf[0] = '\0';
	rc = cp_store_team_list(s, &teams, &nteams, err);
	if (rc == 0)
		rc =
		    cp_preview_build(&p, teams, nteams, NULL, 0, false, k, err);
	for (size_t i = 0; rc == 0 && i < p->nentries; i++) {
		const struct cp_group *g =
		    &p->plan->groups[p->entries[i].group];
		if (g->scope != CP_SCOPE_TEAM || g->team_id != team)
			continue;
		/* TRANSLATORS: a team's name, its number of members, and
		 * what would let its results show. */
		snprintf(buf, n,
			 cp_ngettext("%s has %lld member of its own; %s",
				     "%s has %lld members of its own; %s",
				     (unsigned long)g->answered),
			 g->name, (long long)g->answered, p->entries[i].fix);
	}
	cp_preview_free(p);
	cp_store_teams_free(teams, nteams);
	return rc;
}

void cp_preview_free(struct cp_preview *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nentries; i++) {
		free(p->entries[i].problem);
		free(p->entries[i].fix);
	}
	free(p->entries);
	cp_results_free(p->plan);
	free(p);
}
