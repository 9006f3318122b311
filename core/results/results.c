/*
 * results.c - groups, thresholds, anti-differencing, changes, self vs
 * team and comments, computed from the aggregates. See results.h and
 * docs/method.md.
 */
#include "results.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "i18n.h"

/* Deeper org charts than this are refused: a parent cycle, not an org. */
#define MAX_DEPTH 64

const char *cp_scope_name(enum cp_group_scope s)
{
	switch (s) {
	case CP_SCOPE_ORGANISATION:
		return "organisation";
	case CP_SCOPE_SUBTREE:
		return "subtree";
	default:
		return "team";
	}
}

/* ---- the suppression rule ---- */

struct tree {
	size_t *first; /* children of g: child[first[g] .. first[g + 1]) */
	size_t *child;
};

static int tree_build(struct tree *t, size_t count, const size_t *parent,
		      struct cp_error *err)
{
	size_t *fill;

	t->first = calloc(count + 1, sizeof(size_t));
	t->child = calloc(count ? count : 1, sizeof(size_t));
	fill = calloc(count + 1, sizeof(size_t));
	if (t->first == NULL || t->child == NULL || fill == NULL) {
		free(fill);
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	}
	for (size_t g = 0; g < count; g++)
		if (parent[g] != CP_NO_GROUP)
			t->first[parent[g] + 1]++;
	for (size_t g = 0; g < count; g++)
		t->first[g + 1] += t->first[g];
	for (size_t g = 0; g < count; g++)
		if (parent[g] != CP_NO_GROUP) {
			size_t p = parent[g];
			t->child[t->first[p] + fill[p]++] = g;
		}
	free(fill);
	return 0;
}

static void tree_release(struct tree *t)
{
	free(t->first);
	free(t->child);
}

/*
 * The visible groups just below g: its visible children, and through each
 * hidden child its own visible parts. Adds their respondents to *seen.
 */
static void frontier(const struct tree *t, size_t g, const int64_t *n,
		     const struct cp_suppression *why, int64_t *seen)
{
	for (size_t i = t->first[g]; i < t->first[g + 1]; i++) {
		size_t c = t->child[i];
		if (why[c].reason != CP_REASON_NONE)
			frontier(t, c, n, why, seen);
		else
			*seen += n[c];
	}
}

/*
 * The hidden groups below g, reached through hidden groups only, that
 * hold people of their own (not in any of their children): what a
 * reader of g would work out by subtraction. Counts them in *count and
 * keeps the first in array order in *first.
 */
static void hidden_parts(const struct tree *t, size_t g, const int64_t *n,
			 const struct cp_suppression *why, size_t *first,
			 size_t *count)
{
	for (size_t i = t->first[g]; i < t->first[g + 1]; i++) {
		size_t c = t->child[i];
		int64_t own = n[c];
		if (why[c].reason == CP_REASON_NONE)
			continue;
		for (size_t j = t->first[c]; j < t->first[c + 1]; j++)
			own -= n[t->child[j]];
		if (own > 0) {
			(*count)++;
			if (*first == CP_NO_GROUP || c < *first)
				*first = c;
		}
		hidden_parts(t, c, n, why, first, count);
	}
}

int cp_results_suppress(size_t count, const int64_t *n, const size_t *parent,
			int k, struct cp_suppression *why, struct cp_error *err)
{
	struct tree t;

	if (tree_build(&t, count, parent, err))
		return CP_ENOMEM;
	for (size_t g = 0; g < count; g++)
		if (why[g].reason == CP_REASON_NONE && n[g] < k)
			why[g] = (struct cp_suppression){CP_REASON_FEWER_THAN_K,
							 CP_NO_GROUP, 0};
	/*
	 * Children come after their parents, so from the end every group's
	 * parts are decided before it is: hiding a group changes only the
	 * remainders of the groups above it, which come later. One pass.
	 */
	for (size_t g = count; g-- > 0;) {
		int64_t seen = 0, rest;
		size_t first = CP_NO_GROUP, parts = 0;
		if (why[g].reason != CP_REASON_NONE)
			continue;
		frontier(&t, g, n, why, &seen);
		rest = n[g] - seen;
		/* What a reader works out by subtraction must be nobody or
		 * at least k people: else the roll-up goes, not a part. */
		if (rest <= 0 || rest >= k)
			continue;
		hidden_parts(&t, g, n, why, &first, &parts);
		why[g] =
		    (struct cp_suppression){CP_REASON_PROTECTS, first, parts};
	}
	tree_release(&t);
	return 0;
}

/* ---- thresholds and waves ---- */

int cp_results_thresholds(struct cp_store *s, const struct cp_wave *w, int *k,
			  int *comment_k, struct cp_error *err)
{
	return cp_config_thresholds(s, w->threshold, w->comment_threshold, k,
				    comment_k, err);
}

static int has_team(const struct cp_wave_entry *e, int64_t team)
{
	size_t lo = 0, hi = e->nteams;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->teams[mid] == team)
			return 1;
		if (e->teams[mid] < team)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int cp_results_waves_in(const struct cp_wave_entry *w, size_t nw, int64_t team,
			int64_t **ids, size_t *n, struct cp_error *err)
{
	size_t count = 0;

	*n = 0;
	*ids = malloc((nw ? nw : 1) * sizeof(int64_t));
	if (*ids == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	/* A cancelled wave has no results: it is a gap (see
	 * cp_results_cancelled), never a point of a trend or a default. */
	for (size_t i = 0; i < nw; i++)
		if (w[i].status != CP_WAVE_CANCELLED &&
		    (team == 0 || has_team(&w[i], team)))
			(*ids)[count++] = w[i].id;
	*n = count;
	return 0;
}

/*
 * What cp_results_waves and cp_results_cancelled ask of the wave list:
 * its ids of results (ids set) or its cancelled waves (waves set).
 */
struct waves_ask {
	int64_t team, from, until;
	int64_t **ids;
	struct cp_wave **waves;
	size_t *n;
};

/* Reads the wave list, answers a with the _in variant, frees the list. */
static int on_wave_list(struct cp_store *s, const struct waves_ask *a,
			struct cp_error *err)
{
	struct cp_wave_entry *w;
	size_t nw;
	int rc;

	if (a->ids)
		*a->ids = NULL;
	else
		*a->waves = NULL;
	*a->n = 0;
	if ((rc = cp_store_wave_entries(s, &w, &nw, err)))
		return rc;
	rc = a->ids ? cp_results_waves_in(w, nw, a->team, a->ids, a->n, err)
		    : cp_results_cancelled_in(s, w, nw, a->team, a->from,
					      a->until, a->waves, a->n, err);
	cp_store_wave_entries_free(w, nw);
	return rc;
}

int cp_results_waves(struct cp_store *s, int64_t team, int64_t **ids, size_t *n,
		     struct cp_error *err)
{
	struct waves_ask a = {team, 0, 0, ids, NULL, n};

	return on_wave_list(s, &a, err);
}

int cp_results_cancelled_in(struct cp_store *s, const struct cp_wave_entry *w,
			    size_t nw, int64_t team, int64_t from,
			    int64_t until, struct cp_wave **out, size_t *n,
			    struct cp_error *err)
{
	int rc = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; rc == 0 && i < nw; i++) {
		struct cp_wave *grown;
		struct cp_snapshot_team *snap = NULL;
		size_t nsnap = 0;
		bool in = team == 0;
		if (w[i].status != CP_WAVE_CANCELLED ||
		    (from && w[i].opens_at < from) ||
		    (until && w[i].opens_at > until))
			continue;
		/* Its answers are gone: the tree it was sent to says whether
		 * team's trend would have had it. */
		if (!in) {
			rc = cp_store_wave_snapshot(s, w[i].id, &snap, &nsnap,
						    err);
			for (size_t k = 0; k < nsnap; k++)
				in = in || snap[k].id == team;
			cp_store_snapshot_free(snap, nsnap);
			if (rc)
				break;
		}
		if (!in)
			continue;
		grown = realloc(*out, (*n + 1) * sizeof(**out));
		if (grown == NULL) {
			rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
			break;
		}
		*out = grown;
		rc = cp_store_wave_get(s, w[i].id, &(*out)[*n], err);
		*n += rc == 0;
	}
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int cp_results_cancelled(struct cp_store *s, int64_t team, int64_t from,
			 int64_t until, struct cp_wave **out, size_t *n,
			 struct cp_error *err)
{
	struct waves_ask a = {team, from, until, NULL, out, n};

	return on_wave_list(s, &a, err);
}

int cp_results_latest_wave(struct cp_store *s, int64_t *wave,
			   struct cp_error *err)
{
	int64_t *ids;
	size_t n;
	int rc;

	if ((rc = cp_results_waves(s, 0, &ids, &n, err)))
		return rc;
	*wave = n ? ids[n - 1] : 0;
	free(ids);
	if (n == 0)
		return cp_error_set(err, CP_ENOTFOUND,
				    N_("there are no waves yet: see 'carepulse "
				       "wave create'"));
	return 0;
}

/* ---- building a wave's groups ---- */

struct team_key {
	int64_t id;
	size_t node;
};

/* A team of the org chart, by its position in the team list. */
struct node {
	int64_t id;
	char *name;    /* in the results' names */
	size_t parent; /* node index or CP_NO_GROUP */
	bool in_wave;  /* a team of the wave: its own group */
	bool has_desc; /* a sub-team is in the wave: a subtree group */
	size_t team_group, subtree_group;
};

/* Raw additive totals of the groups, flat: [group][dimension] etc. */
struct totals {
	size_t ndims, nitems;
	int64_t *responses, *delivered;
	int64_t *dim_n;
	double *dim_sum, *dim_sumsq;
	int64_t *dim_dist; /* [g][d][value] */
	int64_t *item_c;   /* [g][i][cell], raw (not reverse-scored) */
	int64_t *self_n;   /* [g][d], self responses, never rolled up */
	double *self_sum, *self_sumsq;
};

/*
 * A closed wave's suppression decisions, one row of decisions (reason,
 * protected group) per measure over the groups: M_RESPONSES (the group as
 * a whole), M_COMMENTS, then each dimension and each item of the survey.
 * Either read back from the store (the wave is frozen) or recorded as
 * they are made (freezing it).
 */
enum {
	M_RESPONSES = 0,
	M_COMMENTS = 1,
	M_DIMS = 2
};

/* A decision read back: measure m of group g is hidden for why. */
struct stored_decision {
	size_t m, g;
	struct cp_suppression why;
};

struct decisions {
	/* Read back, by measure: those of measure m are stored[at[m]] to
	 * stored[at[m + 1]] (a wave hides a few hundred measures of its
	 * groups: no array of every measure of every group). */
	struct stored_decision *stored;
	size_t *at;
	struct cp_hidden_row *rec; /* recording: the rows to store */
	size_t nrec, arec;
	bool recording;
};

struct build {
	struct cp_results *r;
	struct decisions dec;
	struct node *nodes;
	size_t nnodes;
	struct team_key *by_id; /* sorted by id */
	size_t *parent;
	size_t alloc;
	struct totals tot;
};

static int cmp_key(const void *a, const void *b)
{
	const struct team_key *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static size_t node_of(const struct build *b, int64_t id)
{
	size_t lo = 0, hi = b->nnodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t x = b->by_id[mid].id;
		if (x == id)
			return b->by_id[mid].node;
		if (x < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return CP_NO_GROUP;
}

static int add_group(struct build *b, enum cp_group_scope scope,
		     const struct node *nd, size_t parent, int depth,
		     size_t *out, struct cp_error *err)
{
	struct cp_results *r = b->r;
	struct cp_group *g;

	if (r->ngroups == b->alloc) {
		size_t alloc = b->alloc ? b->alloc * 2 : 16;
		struct cp_group *grown =
		    realloc(r->groups, alloc * sizeof(*grown));
		size_t *pgrown;
		if (grown == NULL)
			return cp_error_set(err, CP_ENOMEM,
					    N_("out of memory"));
		r->groups = grown;
		pgrown = realloc(b->parent, alloc * sizeof(*pgrown));
		if (pgrown == NULL)
			return cp_error_set(err, CP_ENOMEM,
					    N_("out of memory"));
		b->parent = pgrown;
		b->alloc = alloc;
	}
	g = &r->groups[r->ngroups];
	memset(g, 0, sizeof(*g));
	g->scope = scope;
	g->team_id = nd ? nd->id : 0;
	/* In r->names (build_groups), freed with it. */
	g->name = nd ? nd->name : r->names;
	g->parent = parent;
	g->depth = depth;
	g->why.protects = CP_NO_GROUP;
	b->parent[r->ngroups] = parent;
	*out = r->ngroups++;
	return 0;
}

/* Depth first from node i: the subtree group, the team's own, then its
 * sub-teams (the team list is sorted by name, so they come in that order). */
static int walk(struct build *b, size_t i, size_t parent, int depth,
		const size_t *first, const size_t *kids, struct cp_error *err)
{
	struct node *nd = &b->nodes[i];
	size_t under = parent;
	int rc = 0;

	if (depth > MAX_DEPTH)
		return cp_error_set(err, CP_EDATA,
				    N_("team '%s' is nested too deeply (a "
				       "cycle of parent teams?)"),
				    nd->name);
	if (nd->has_desc) {
		rc = add_group(b, CP_SCOPE_SUBTREE, nd, parent, depth,
			       &nd->subtree_group, err);
		under = nd->subtree_group;
		depth++;
	}
	if (rc == 0 && nd->in_wave)
		rc = add_group(b, CP_SCOPE_TEAM, nd, under, depth,
			       &nd->team_group, err);
	for (size_t k = first[i]; rc == 0 && k < first[i + 1]; k++) {
		const struct node *c = &b->nodes[kids[k]];
		if (c->in_wave || c->has_desc)
			rc = walk(b, kids[k], under, depth, first, kids, err);
	}
	return rc;
}

/*
 * The groups of a wave, on the team tree it was sent to (its snapshot,
 * never today's team table): a re-org after the wave changes nothing in
 * it. The wave's teams are those entry lists. given (borrowed, ngiven
 * teams sorted by name) is a tree to use instead, for a wave that does
 * not exist yet (cp_results_plan); s is then not read. path_team
 * nonzero: only that team's path in the snapshot is read (path_groups).
 */
static int build_groups(struct build *b, struct cp_store *s,
			const struct cp_snapshot_team *given, size_t ngiven,
			const struct cp_wave_entry *entry, int64_t path_team,
			struct cp_error *err)
{
	struct cp_snapshot_team *owned = NULL;
	const struct cp_snapshot_team *teams = given;
	size_t nteams = ngiven, *first = NULL, *kids = NULL, *fill = NULL, org;
	size_t names;
	int rc;

	if (given == NULL && path_team)
		rc = cp_store_wave_snapshot_path(s, b->r->wave.id, path_team,
						 &owned, &nteams, err);
	else if (given == NULL)
		rc = cp_store_wave_snapshot(s, b->r->wave.id, &owned, &nteams,
					    err);
	if (given == NULL) {
		if (rc)
			return rc;
		teams = owned;
	}
	b->nodes = calloc(nteams ? nteams : 1, sizeof(*b->nodes));
	b->by_id = calloc(nteams ? nteams : 1, sizeof(*b->by_id));
	first = calloc(nteams + 2, sizeof(size_t));
	kids = calloc(nteams ? nteams : 1, sizeof(size_t));
	fill = calloc(nteams + 1, sizeof(size_t));
	if (!b->nodes || !b->by_id || !first || !kids || !fill) {
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		goto done;
	}
	/* Every group's name, in one block: "organisation", then each
	 * team's (its team and subtree groups share it). A full-scale wave
	 * has 4,400 groups, and a report reads 12 waves. */
	names = sizeof("organisation");
	for (size_t i = 0; i < nteams; i++)
		names += strlen(teams[i].name) + 1;
	if ((b->r->names = malloc(names)) == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		goto done;
	}
	memcpy(b->r->names, "organisation", sizeof("organisation"));
	names = sizeof("organisation");
	b->nnodes = nteams;
	for (size_t i = 0; i < nteams; i++) {
		size_t len = strlen(teams[i].name) + 1;
		b->nodes[i].id = teams[i].id;
		b->nodes[i].name =
		    memcpy(b->r->names + names, teams[i].name, len);
		names += len;
		b->nodes[i].team_group = b->nodes[i].subtree_group =
		    CP_NO_GROUP;
		b->by_id[i].id = teams[i].id;
		b->by_id[i].node = i;
	}
	qsort(b->by_id, nteams, sizeof(*b->by_id), cmp_key);
	for (size_t i = 0; i < nteams; i++)
		b->nodes[i].parent = teams[i].parent_id
					 ? node_of(b, teams[i].parent_id)
					 : CP_NO_GROUP;
	for (size_t t = 0; entry && t < entry->nteams; t++) {
		size_t i = node_of(b, entry->teams[t]);
		int depth = 0;
		if (i == CP_NO_GROUP)
			continue;
		b->nodes[i].in_wave = true;
		for (size_t a = b->nodes[i].parent;
		     a != CP_NO_GROUP && depth < MAX_DEPTH;
		     a = b->nodes[a].parent, depth++)
			b->nodes[a].has_desc = true;
	}
	/* Children lists, in the team list's (name) order; slot nteams
	 * collects the roots. */
	for (size_t i = 0; i < nteams; i++) {
		size_t p = b->nodes[i].parent;
		first[(p == CP_NO_GROUP ? nteams : p) + 1]++;
	}
	for (size_t i = 0; i <= nteams; i++)
		first[i + 1] += first[i];
	for (size_t i = 0; i < nteams; i++) {
		size_t p = b->nodes[i].parent;
		if (p == CP_NO_GROUP)
			p = nteams;
		kids[first[p] + fill[p]++] = i;
	}
	/* At most a subtree and a team group per team, and the
	 * organisation: made at their size, not grown by copying (a
	 * full-scale wave's are 0.8 MB). */
	if (b->alloc == 0) {
		b->r->groups = malloc((2 * nteams + 1) * sizeof(*b->r->groups));
		b->parent = malloc((2 * nteams + 1) * sizeof(*b->parent));
		if (b->r->groups == NULL || b->parent == NULL) {
			rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
			goto done;
		}
		b->alloc = 2 * nteams + 1;
	}
	rc = add_group(b, CP_SCOPE_ORGANISATION, NULL, CP_NO_GROUP, 0, &org,
		       err);
	for (size_t k = first[nteams]; rc == 0 && k < first[nteams + 1]; k++) {
		const struct node *nd = &b->nodes[kids[k]];
		if (nd->in_wave || nd->has_desc)
			rc = walk(b, kids[k], org, 1, first, kids, err);
	}
done:
	if (owned)
		cp_store_snapshot_free(owned, nteams);
	free(first);
	free(kids);
	free(fill);
	return rc;
}

static int totals_alloc(struct totals *t, size_t ng, size_t nd, size_t ni,
			struct cp_error *err)
{
	size_t gd = ng * nd + 1, gi = ng * ni + 1;

	t->ndims = nd;
	t->nitems = ni;
	t->responses = calloc(ng + 1, sizeof(int64_t));
	t->delivered = calloc(ng + 1, sizeof(int64_t));
	t->dim_n = calloc(gd, sizeof(int64_t));
	t->dim_sum = calloc(gd, sizeof(double));
	t->dim_sumsq = calloc(gd, sizeof(double));
	t->dim_dist = calloc(gd * CP_SCALE_POINTS, sizeof(int64_t));
	t->item_c = calloc(gi * CP_ANSWER_CELLS, sizeof(int64_t));
	t->self_n = calloc(gd, sizeof(int64_t));
	t->self_sum = calloc(gd, sizeof(double));
	t->self_sumsq = calloc(gd, sizeof(double));
	if (!t->responses || !t->delivered || !t->dim_n || !t->dim_sum ||
	    !t->dim_sumsq || !t->dim_dist || !t->item_c || !t->self_n ||
	    !t->self_sum || !t->self_sumsq)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	return 0;
}

static void totals_release(struct totals *t)
{
	free(t->responses);
	free(t->delivered);
	free(t->dim_n);
	free(t->dim_sum);
	free(t->dim_sumsq);
	free(t->dim_dist);
	free(t->item_c);
	free(t->self_n);
	free(t->self_sum);
	free(t->self_sumsq);
}

/* The group that holds a team's own responses, or CP_NO_GROUP. */
static size_t atom_group(const struct build *b, int64_t team)
{
	size_t i = node_of(b, team);

	return i == CP_NO_GROUP ? CP_NO_GROUP : b->nodes[i].team_group;
}

/* Index of a dimension or item id in the survey; CP_NO_GROUP if absent. */
static size_t dim_index(const struct cp_survey *sv, const char *id)
{
	for (size_t d = 0; d < sv->ndims; d++)
		if (strcmp(sv->dims[d].id, id) == 0)
			return d;
	return CP_NO_GROUP;
}

static size_t item_index(const struct cp_survey *sv, const char *id)
{
	const struct cp_item *it = cp_survey_item(sv, id);

	return it ? (size_t)(it - sv->items) : CP_NO_GROUP;
}

/* Puts each team's aggregate rows on its group, then rolls them up: a
 * group's totals are its own plus its parts' (sums are additive). */
static void fill_totals(struct build *b, const struct cp_wave_aggregates *a)
{
	const struct cp_survey *sv = b->r->survey;
	struct totals *t = &b->tot;
	size_t nd = t->ndims, ni = t->nitems;

	for (size_t i = 0; i < a->ngroups; i++) {
		size_t g = atom_group(b, a->groups[i].team_id);
		if (g != CP_NO_GROUP && !a->groups[i].self)
			t->responses[g] += a->groups[i].responses;
	}
	for (size_t i = 0; i < a->ninvited; i++) {
		size_t g = atom_group(b, a->invited[i].team_id);
		if (g != CP_NO_GROUP)
			t->delivered[g] += a->invited[i].delivered;
	}
	for (size_t i = 0; i < a->ndims; i++) {
		const struct cp_agg_dim_row *r = &a->dims[i];
		size_t g = atom_group(b, r->team_id);
		size_t d = dim_index(sv, r->dimension);
		if (g == CP_NO_GROUP || d == CP_NO_GROUP)
			continue;
		if (r->self) {
			t->self_n[g * nd + d] += r->n;
			t->self_sum[g * nd + d] += r->sum;
			t->self_sumsq[g * nd + d] += r->sumsq;
		} else {
			t->dim_n[g * nd + d] += r->n;
			t->dim_sum[g * nd + d] += r->sum;
			t->dim_sumsq[g * nd + d] += r->sumsq;
		}
	}
	for (size_t i = 0; i < a->nitems; i++) {
		const struct cp_agg_item_row *r = &a->items[i];
		size_t g = atom_group(b, r->team_id);
		size_t it = item_index(sv, r->item_id);
		const struct cp_item *item;
		if (g == CP_NO_GROUP || it == CP_NO_GROUP || r->self)
			continue;
		item = &sv->items[it];
		for (int v = 0; v < CP_ANSWER_CELLS; v++)
			t->item_c[(g * ni + it) * CP_ANSWER_CELLS + v] +=
			    r->c[v];
		for (int v = 0;
		     item->type == CP_ITEM_AGREE && v < CP_SCALE_POINTS; v++) {
			int f = item->reverse ? CP_SCALE_POINTS - 1 - v : v;
			t->dim_dist[(g * nd + item->dim) * CP_SCALE_POINTS +
				    f] += r->c[CP_SCALE_MIN + v];
		}
	}
	/* Children come after their parents: roll up from the end. */
	for (size_t g = b->r->ngroups; g-- > 1;) {
		size_t p = b->parent[g];
		t->responses[p] += t->responses[g];
		t->delivered[p] += t->delivered[g];
		for (size_t d = 0; d < nd; d++) {
			t->dim_n[p * nd + d] += t->dim_n[g * nd + d];
			t->dim_sum[p * nd + d] += t->dim_sum[g * nd + d];
			t->dim_sumsq[p * nd + d] += t->dim_sumsq[g * nd + d];
		}
		for (size_t x = 0; x < nd * CP_SCALE_POINTS; x++)
			t->dim_dist[p * nd * CP_SCALE_POINTS + x] +=
			    t->dim_dist[g * nd * CP_SCALE_POINTS + x];
		for (size_t x = 0; x < ni * CP_ANSWER_CELLS; x++)
			t->item_c[p * ni * CP_ANSWER_CELLS + x] +=
			    t->item_c[g * ni * CP_ANSWER_CELLS + x];
	}
}

/* The group of scope name and team (0: the organisation), or
 * CP_NO_GROUP. */
static size_t group_at(const struct build *b, const char *scope, int64_t team)
{
	size_t node;

	if (strcmp(scope, "organisation") == 0)
		return 0;
	if ((node = node_of(b, team)) == CP_NO_GROUP)
		return CP_NO_GROUP;
	if (strcmp(scope, "subtree") == 0)
		return b->nodes[node].subtree_group;
	if (strcmp(scope, "team") == 0)
		return b->nodes[node].team_group;
	return CP_NO_GROUP;
}

/*
 * Notes that measure m of group g is hidden for why, for storing the
 * decisions: with its reason and the group it protects (by scope and
 * team, which a re-org cannot renumber), so a later load gives back the
 * same words.
 */
static int record(struct build *b, size_t m, size_t g,
		  const struct cp_suppression *why, struct cp_error *err)
{
	struct decisions *d = &b->dec;
	const struct cp_survey *sv = b->r->survey;
	const struct cp_group *gr = &b->r->groups[g];
	const char *reason = cp_reason_name(why->reason);
	struct cp_hidden_row *h;
	const char *measure = "responses", *id = "";

	if (d->nrec == d->arec) {
		void *grown =
		    cp_array_grow(d->rec, sizeof(*d->rec), &d->arec, 64);
		if (grown == NULL)
			return cp_error_set(err, CP_ENOMEM,
					    N_("out of memory"));
		d->rec = grown;
	}
	if (m == M_COMMENTS) {
		measure = "comments";
	} else if (m >= M_DIMS && m - M_DIMS < sv->ndims) {
		measure = "dimension";
		id = sv->dims[m - M_DIMS].id;
	} else if (m >= M_DIMS) {
		measure = "item";
		id = sv->items[m - M_DIMS - sv->ndims].id;
	}
	h = &d->rec[d->nrec];
	memset(h, 0, sizeof(*h));
	cp_strlcpy(h->scope, cp_scope_name(gr->scope), sizeof(h->scope));
	h->team_id = gr->team_id;
	cp_strlcpy(h->measure, measure, sizeof(h->measure));
	if (why->reason == CP_REASON_PROTECTS &&
	    why->protects < b->r->ngroups) {
		const struct cp_group *p = &b->r->groups[why->protects];
		cp_strlcpy(h->protects_scope, cp_scope_name(p->scope),
			   sizeof(h->protects_scope));
		h->protects_team_id = p->team_id;
		h->nprotects = (int64_t)why->nprotects;
	}
	h->measure_id = cp_strdup(id);
	h->reason = reason ? cp_strdup(reason) : NULL;
	d->nrec++;
	if (h->measure_id == NULL || (reason && h->reason == NULL))
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	return 0;
}

/*
 * Which groups hide measure m (M_RESPONSES, M_COMMENTS, M_DIMS + d or
 * M_DIMS + ndims + i), and why, with n its respondents per group and base
 * what the group level already decided (NULL for M_RESPONSES). A frozen
 * wave reads the decision made when it closed, reason and all; otherwise
 * the suppression rule (cp_results_suppress) decides, and while a wave is
 * being frozen each decision is recorded (a group hidden as a whole is
 * recorded once, as such).
 */
static int decide(struct build *b, size_t m, const int64_t *n, int k,
		  const struct cp_suppression *base, struct cp_suppression *out,
		  struct cp_error *err)
{
	size_t ng = b->r->ngroups;
	int rc = 0;

	if (base)
		memcpy(out, base, ng * sizeof(*out));
	else
		for (size_t g = 0; g < ng; g++)
			out[g] = (struct cp_suppression){CP_REASON_NONE,
							 CP_NO_GROUP, 0};
	if (b->dec.stored) {
		const struct decisions *d = &b->dec;
		for (size_t g = 0; g < ng; g++)
			if (out[g].reason == CP_REASON_NONE)
				out[g] = (struct cp_suppression){
				    CP_REASON_NONE, CP_NO_GROUP, 0};
		/* The last one read of a group counts, as it did when
		 * each overwrote the one before. */
		for (size_t i = d->at[m + 1]; i-- > d->at[m];)
			if (out[d->stored[i].g].reason == CP_REASON_NONE)
				out[d->stored[i].g] = d->stored[i].why;
		return 0;
	}
	rc = cp_results_suppress(ng, n, b->parent, k, out, err);
	for (size_t g = 0; rc == 0 && b->dec.recording && g < ng; g++)
		if (out[g].reason != CP_REASON_NONE &&
		    !(base && base[g].reason != CP_REASON_NONE))
			rc = record(b, m, g, &out[g], err);
	return rc;
}

/* A stored reason back as the enum; a row without one (stored before
 * reasons were) was hidden for too few answers. */
static enum cp_reason reason_of(const char *name)
{
	if (name && strcmp(name, "protects_group") == 0)
		return CP_REASON_PROTECTS;
	return CP_REASON_FEWER_THAN_K;
}

/* Reads the stored decisions of a frozen wave onto its groups, each with
 * its reason and protected group as they were decided. */
static int read_decisions(struct build *b, struct cp_store *s, size_t path_top,
			  bool *path_ok, struct cp_error *err)
{
	const struct cp_survey *sv = b->r->survey;
	size_t nm = M_DIMS + sv->ndims + sv->nitems;
	struct cp_hidden_row *rows = NULL;
	struct stored_decision *found;
	size_t n = 0, nfound = 0;
	int rc;

	if (path_top != CP_NO_GROUP) {
		/* A path's groups: the organisation's and its teams'. */
		int64_t *ids = calloc(b->nnodes + 1, sizeof(*ids));
		if (ids == NULL)
			return cp_error_set(err, CP_ENOMEM,
					    N_("out of memory"));
		for (size_t i = 0; i < b->nnodes; i++)
			ids[i + 1] = b->nodes[i].id;
		rc = cp_store_wave_hidden_of(s, b->r->wave.id, ids,
					     b->nnodes + 1, &rows, &n, err);
		free(ids);
	} else {
		rc = cp_store_wave_hidden(s, b->r->wave.id, &rows, &n, err);
	}
	if (rc)
		return rc;
	found = calloc(n + 1, sizeof(*found));
	b->dec.stored = calloc(n + 1, sizeof(*b->dec.stored));
	b->dec.at = calloc(nm + 1, sizeof(*b->dec.at));
	if (found == NULL || b->dec.stored == NULL || b->dec.at == NULL) {
		free(found);
		cp_store_hidden_free(rows, n);
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct cp_hidden_row *h = &rows[i];
		size_t g = group_at(b, h->scope, h->team_id), m = CP_NO_GROUP,
		       x;
		struct cp_suppression why = {reason_of(h->reason), CP_NO_GROUP,
					     0};
		if (strcmp(h->measure, "responses") == 0)
			m = M_RESPONSES;
		else if (strcmp(h->measure, "comments") == 0)
			m = M_COMMENTS;
		else if (strcmp(h->measure, "dimension") == 0 &&
			 (x = dim_index(sv, h->measure_id)) != CP_NO_GROUP)
			m = M_DIMS + x;
		else if (strcmp(h->measure, "item") == 0 &&
			 (x = item_index(sv, h->measure_id)) != CP_NO_GROUP)
			m = M_DIMS + sv->ndims + x;
		if (why.reason == CP_REASON_PROTECTS) {
			if (h->protects_scope[0])
				why.protects = group_at(b, h->protects_scope,
							h->protects_team_id);
			why.nprotects =
			    h->nprotects > 0 ? (size_t)h->nprotects : 0;
			/* A group of the path's team names one outside the
			 * path (which the rule never does: it is inside):
			 * the whole tree is read instead, for its words. */
			if (path_top != CP_NO_GROUP && g != CP_NO_GROUP &&
			    h->protects_scope[0] &&
			    why.protects == CP_NO_GROUP &&
			    cp_results_within(b->r, g, path_top))
				*path_ok = false;
		}
		if (g != CP_NO_GROUP && m != CP_NO_GROUP)
			found[nfound++] = (struct stored_decision){m, g, why};
	}
	/* By measure, in the order read (a counting sort). */
	for (size_t i = 0; i < nfound; i++)
		b->dec.at[found[i].m + 1]++;
	for (size_t m = 0; m < nm; m++)
		b->dec.at[m + 1] += b->dec.at[m];
	{
		size_t *next = calloc(nm + 1, sizeof(*next));
		if (next == NULL) {
			rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		} else {
			memcpy(next, b->dec.at, nm * sizeof(*next));
			for (size_t i = 0; i < nfound; i++)
				b->dec.stored[next[found[i].m]++] = found[i];
			free(next);
		}
	}
	free(found);
	cp_store_hidden_free(rows, n);
	return rc;
}

/* Marks st suppressed for why. */
static void hide_stat(struct cp_stat *st, const struct cp_suppression *why)
{
	cp_stat_suppress(st);
	st->why = *why;
}

/* Whether group g gets statistics (cp_results_opts.only_team). */
static bool wanted(const struct cp_results *r, size_t g)
{
	return r->only_team == 0 || r->groups[g].team_id == r->only_team;
}

/*
 * Item i of group g from its answer counts c (cells), or hidden for why
 * (reason set). An agree item's statistics are its cp_stat; an eNPS
 * item's are its cp_enps, and its cp_stat keeps only n and declined
 * (and the suppression), so nothing reads 0-10 answers as a 1-5 mean.
 */
static void item_stat(struct cp_results *r, size_t g, size_t i,
		      const int64_t *c, const struct cp_suppression *why)
{
	struct cp_group *gr = &r->groups[g];
	struct cp_stat *st = &gr->items[i];

	if (why->reason != CP_REASON_NONE) {
		hide_stat(st, why);
		if (gr->enps) {
			cp_enps_suppress(&gr->enps[i]);
			gr->enps[i].why = *why;
		}
		return;
	}
	if (r->survey->items[i].type == CP_ITEM_AGREE) {
		cp_stat_from_counts(st, &c[CP_SCALE_MIN],
				    r->survey->items[i].reverse);
		st->declined = c[CP_CELL_DECLINED];
		return;
	}
	memset(st, 0, sizeof(*st));
	st->why.protects = CP_NO_GROUP;
	st->declined = c[CP_CELL_DECLINED];
	gr->enps[i].declined = c[CP_CELL_DECLINED];
	cp_enps_from_counts(&gr->enps[i], c);
	st->n = gr->enps[i].n;
	st->answers = st->n;
}

/* The size of n elements of elem bytes, rounded up to keep what follows
 * aligned for any of the statistics' types. */
static size_t block_part(size_t n, size_t elem)
{
	size_t a = _Alignof(max_align_t), x = n * elem;

	return (x + a - 1) / a * a;
}

/*
 * Allocates the statistics arrays of group gr: one block (a full-scale
 * wave has 2,201 groups and every look reads many waves), its dims
 * first; cp_results_free frees the block through dims. All zero, unless
 * decoded: then only the changes and each array's spare last entry are
 * zero, and the caller sets every other entry (stored_row decodes them:
 * zeroing the 23 MB of a wave first was a twentieth of results' CPU).
 */
static int alloc_group_stats(const struct cp_results *r, struct cp_group *gr,
			     bool decoded)
{
	size_t nd = r->survey->ndims, ni = r->survey->nitems;
	bool items = !r->dims_only && !r->no_items;
	bool enps = items && cp_results_enps_item(r) != CP_NO_GROUP;
	size_t at_change = block_part(nd + 1, sizeof(struct cp_stat));
	size_t at_self =
	    at_change + block_part(nd + 1, sizeof(struct cp_change));
	size_t at_gap = at_self + block_part(nd + 1, sizeof(struct cp_stat));
	size_t at_items = at_gap + block_part(nd + 1, sizeof(double));
	size_t at_ichange =
	    at_items + (items ? block_part(ni + 1, sizeof(struct cp_stat)) : 0);
	size_t at_enps =
	    at_ichange +
	    (items ? block_part(ni + 1, sizeof(struct cp_change)) : 0);
	size_t size =
	    at_enps + (enps ? block_part(ni + 1, sizeof(struct cp_enps)) : 0);
	char *block = decoded ? malloc(size) : calloc(1, size);

	if (block == NULL)
		return CP_ENOMEM;
	if (decoded) {
		memset(block + nd * sizeof(struct cp_stat), 0,
		       sizeof(struct cp_stat));
		memset(block + at_change, 0, at_self - at_change);
		memset(block + at_self + nd * sizeof(struct cp_stat), 0,
		       sizeof(struct cp_stat));
		memset(block + at_gap + nd * sizeof(double), 0, sizeof(double));
		if (items) {
			memset(block + at_items + ni * sizeof(struct cp_stat),
			       0, sizeof(struct cp_stat));
			memset(block + at_ichange, 0, at_enps - at_ichange);
		}
		if (enps)
			memset(block + at_enps + ni * sizeof(struct cp_enps), 0,
			       sizeof(struct cp_enps));
	}
	gr->dims = (struct cp_stat *)(void *)block;
	gr->dim_change = (struct cp_change *)(void *)(block + at_change);
	gr->self = (struct cp_stat *)(void *)(block + at_self);
	gr->self_gap = (double *)(void *)(block + at_gap);
	if (items) {
		gr->items = (struct cp_stat *)(void *)(block + at_items);
		gr->item_change =
		    (struct cp_change *)(void *)(block + at_ichange);
	}
	if (enps)
		gr->enps = (struct cp_enps *)(void *)(block + at_enps);
	return 0;
}

/* Allocates the statistics arrays of each wanted group that has none
 * yet. */
static int alloc_stats(struct cp_results *r, struct cp_error *err)
{
	for (size_t g = 0; g < r->ngroups; g++)
		if (wanted(r, g) && r->groups[g].dims == NULL &&
		    alloc_group_stats(r, &r->groups[g], false))
			return cp_error_set(err, CP_ENOMEM,
					    N_("out of memory"));
	return 0;
}

/*
 * Fills each wanted group's statistics from the totals: per dimension,
 * per item (unless dims_only), and the leader's self-assessment with its
 * gap to the team. Suppression runs again on each measure's own counts,
 * not once per group, since those need not equal the group's responses,
 * and starts from the groups already hidden as a whole (group_hidden), so
 * no measure can be differenced out of its neighbours. It is one long
 * function because the passes share the same index arithmetic over the
 * flat totals arrays. What it allocates on the groups belongs to b->r and
 * is freed with it by cp_results_free.
 */
static int compute_scores(struct build *b,
			  const struct cp_suppression *group_hidden,
			  struct cp_error *err)
{
	struct cp_results *r = b->r;
	struct totals *t = &b->tot;
	size_t ng = r->ngroups, nd = t->ndims, ni = t->nitems;
	int64_t *n = calloc(ng + 1, sizeof(int64_t));
	struct cp_suppression *hidden = calloc(ng + 1, sizeof(*hidden));
	int rc = 0;

	if (n == NULL || hidden == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		goto done;
	}
	if ((rc = alloc_stats(r, err)))
		goto done;
	for (size_t d = 0; d < nd; d++) {
		for (size_t g = 0; g < ng; g++)
			n[g] = t->dim_n[g * nd + d];
		rc = decide(b, M_DIMS + d, n, r->threshold, group_hidden,
			    hidden, err);
		if (rc)
			goto done;
		for (size_t g = 0; g < ng; g++) {
			struct cp_stat *st;
			/* A group not wanted has no dims (NULL): form no
			 * address into it. */
			if (!wanted(r, g))
				continue;
			st = &r->groups[g].dims[d];
			if (hidden[g].reason != CP_REASON_NONE) {
				hide_stat(st, &hidden[g]);
				continue;
			}
			cp_stat_from_sums(st, n[g], t->dim_sum[g * nd + d],
					  t->dim_sumsq[g * nd + d]);
			if (r->dims_only)
				continue;
			cp_stat_add_dist(
			    st, &t->dim_dist[(g * nd + d) * CP_SCALE_POINTS]);
			for (size_t i = 0; i < ni; i++)
				if (r->survey->items[i].type == CP_ITEM_AGREE &&
				    r->survey->items[i].dim == d)
					st->declined +=
					    t->item_c[(g * ni + i) *
							  CP_ANSWER_CELLS +
						      CP_CELL_DECLINED];
		}
	}
	for (size_t i = 0; !r->dims_only && i < ni; i++) {
		for (size_t g = 0; g < ng; g++) {
			const int64_t *c =
			    &t->item_c[(g * ni + i) * CP_ANSWER_CELLS];
			/* Its own n: "prefer not to say" is not an answer. */
			n[g] = 0;
			for (int v = 0; v < CP_CELL_DECLINED; v++)
				n[g] += c[v];
		}
		rc = decide(b, M_DIMS + nd + i, n, r->threshold, group_hidden,
			    hidden, err);
		if (rc)
			goto done;
		for (size_t g = 0; g < ng; g++) {
			if (!wanted(r, g))
				continue;
			item_stat(r, g, i,
				  &t->item_c[(g * ni + i) * CP_ANSWER_CELLS],
				  &hidden[g]);
		}
	}
	/* Self: a leader's own answers, beside the team's and never added
	 * to them; the subtree group of a team shows the same leader. */
	for (size_t g = 0; g < ng; g++) {
		struct cp_group *gr = &r->groups[g];
		size_t src = g, node;
		if (gr->scope == CP_SCOPE_ORGANISATION || !wanted(r, g))
			continue;
		if (gr->scope == CP_SCOPE_SUBTREE) {
			node = node_of(b, gr->team_id);
			src = node == CP_NO_GROUP ? CP_NO_GROUP
						  : b->nodes[node].team_group;
			if (src == CP_NO_GROUP)
				continue;
		}
		for (size_t d = 0; d < nd; d++) {
			int64_t sn = t->self_n[src * nd + d];
			struct cp_stat *st = &gr->self[d];
			if (sn == 0)
				continue;
			gr->has_self = true;
			cp_stat_from_sums(st, sn, t->self_sum[src * nd + d],
					  t->self_sumsq[src * nd + d]);
			st->has_ci = false;
			st->ci_low = st->ci_high = st->sd = 0;
			if (!gr->dims[d].suppressed)
				gr->self_gap[d] = st->mean - gr->dims[d].mean;
		}
	}
done:
	free(n);
	free(hidden);
	return rc;
}

/*
 * Stored results (cp_results_freeze): a group's statistics encoded as
 * bytes, little-endian whatever the machine: a format byte, has_self,
 * then every dimension, item and self-assessment stat and the self gaps.
 * A stat is a flags byte (suppressed, has_ci, has_dist, numbers follow)
 * and, when it has any, its numbers; a hidden one has none.
 */
#define BODY_FORMAT   1
#define ST_SUPPRESSED 1u
#define ST_CI	      2u
#define ST_DIST	      4u
#define ST_NUMBERS    8u
#define STAT_NUMBERS  15 /* n, answers, dist[5], 8 doubles */

struct body {
	unsigned char *p;
	size_t len, alloc;
	const unsigned char *in;
	size_t at;
	bool bad;
};

static void put_byte(struct body *o, unsigned v)
{
	if (o->len == o->alloc) {
		size_t n = o->alloc ? o->alloc * 2 : 1024;
		unsigned char *grown = realloc(o->p, n);
		if (grown == NULL) {
			o->bad = true;
			return;
		}
		o->p = grown;
		o->alloc = n;
	}
	o->p[o->len++] = (unsigned char)v;
}

static void put_u64(struct body *o, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		put_byte(o, (unsigned)(v >> (8 * i)) & 0xffu);
}

static void put_double(struct body *o, double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof(v));
	put_u64(o, v);
}

static unsigned get_byte(struct body *o)
{
	if (o->at >= o->len) {
		o->bad = true;
		return 0;
	}
	return o->in[o->at++];
}

/* The little-endian number at p: one load where the machine is
 * little-endian (the byte loop did not compile to one). */
static inline uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(&v, p, sizeof(v));
#else
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
#endif
	return v;
}

static inline double le_double(const unsigned char *p)
{
	uint64_t v = le64(p);
	double d;

	memcpy(&d, &v, sizeof(d));
	return d;
}

/* The next n bytes of o, or NULL (o bad) when it has fewer: one bounds
 * check for a run of numbers (a wave's bodies hold a million). */
static inline const unsigned char *get_run(struct body *o, size_t n)
{
	const unsigned char *p;

	if (o->at > o->len || o->len - o->at < n) {
		o->bad = true;
		o->at = o->len;
		return NULL;
	}
	p = o->in + o->at;
	o->at += n;
	return p;
}

static uint64_t get_u64(struct body *o)
{
	const unsigned char *p = get_run(o, 8);

	return p ? le64(p) : 0;
}

static double get_double(struct body *o)
{
	uint64_t v = get_u64(o);
	double d;

	memcpy(&d, &v, sizeof(d));
	return d;
}

static bool stat_zero(const struct cp_stat *st)
{
	static const struct cp_stat zero;

	return st->n == 0 && st->answers == 0 && st->mean == 0 &&
	       st->score == 0 && st->sd == 0 && st->ci_low == 0 &&
	       st->ci_high == 0 && st->favourable == 0 && st->neutral == 0 &&
	       st->unfavourable == 0 && st->declined == 0 &&
	       memcmp(st->dist, zero.dist, sizeof(st->dist)) == 0;
}

static void put_stat(struct body *o, const struct cp_stat *st)
{
	unsigned f = (st->suppressed ? ST_SUPPRESSED : 0) |
		     (st->has_ci ? ST_CI : 0) | (st->has_dist ? ST_DIST : 0);

	/* A hidden stat keeps no numbers, whatever they were. */
	if (st->suppressed) {
		put_byte(o, ST_SUPPRESSED);
		return;
	}
	if (stat_zero(st)) {
		put_byte(o, f);
		return;
	}
	put_byte(o, f | ST_NUMBERS);
	put_u64(o, (uint64_t)st->n);
	put_u64(o, (uint64_t)st->answers);
	for (int v = 0; v < CP_SCALE_POINTS; v++)
		put_u64(o, (uint64_t)st->dist[v]);
	put_double(o, st->mean);
	put_double(o, st->score);
	put_double(o, st->sd);
	put_double(o, st->ci_low);
	put_double(o, st->ci_high);
	put_double(o, st->favourable);
	put_double(o, st->neutral);
	put_double(o, st->unfavourable);
	put_u64(o, (uint64_t)st->declined);
}

/* An eNPS entry: a flags byte (suppressed, has_ci, numbers follow) and
 * its numbers; a hidden or empty one has none. */
static void put_enps(struct body *o, const struct cp_enps *e)
{
	unsigned f =
	    (e->suppressed ? ST_SUPPRESSED : 0) | (e->has_ci ? ST_CI : 0);

	if (e->suppressed || (e->n == 0 && e->declined == 0 && !e->has_ci)) {
		put_byte(o, f);
		return;
	}
	put_byte(o, f | ST_NUMBERS);
	put_u64(o, (uint64_t)e->n);
	for (int v = 0; v < CP_ENPS_POINTS; v++)
		put_u64(o, (uint64_t)e->dist[v]);
	put_u64(o, (uint64_t)e->promoters);
	put_u64(o, (uint64_t)e->passives);
	put_u64(o, (uint64_t)e->detractors);
	put_u64(o, (uint64_t)e->declined);
	put_double(o, e->pct_promoters);
	put_double(o, e->pct_passives);
	put_double(o, e->pct_detractors);
	put_double(o, e->score);
	put_double(o, e->mean);
	put_double(o, e->ci_low);
	put_double(o, e->ci_high);
}

static void get_enps(struct body *o, struct cp_enps *e)
{
	struct cp_enps x = {0};
	unsigned f = get_byte(o);

	x.suppressed = f & ST_SUPPRESSED;
	x.has_ci = f & ST_CI;
	if (f & ST_NUMBERS) {
		x.n = (int64_t)get_u64(o);
		for (int v = 0; v < CP_ENPS_POINTS; v++)
			x.dist[v] = (int64_t)get_u64(o);
		x.promoters = (int64_t)get_u64(o);
		x.passives = (int64_t)get_u64(o);
		x.detractors = (int64_t)get_u64(o);
		x.declined = (int64_t)get_u64(o);
		x.pct_promoters = get_double(o);
		x.pct_passives = get_double(o);
		x.pct_detractors = get_double(o);
		x.score = get_double(o);
		x.mean = get_double(o);
		x.ci_low = get_double(o);
		x.ci_high = get_double(o);
	}
	if (e)
		*e = x;
}

/* Reads a stat into st (NULL: skips it). Every field is set one by one:
 * a memset of the whole was most of the decoding's time (a wave has
 * 50,000 stats). */
static void get_stat(struct body *o, struct cp_stat *st)
{
	unsigned f = get_byte(o);
	const unsigned char *p =
	    f & ST_NUMBERS ? get_run(o, 8 * (2 + CP_SCALE_POINTS + 8 + 1))
			   : NULL;

	if (st == NULL)
		return;
	st->suppressed = f & ST_SUPPRESSED;
	st->has_ci = f & ST_CI;
	st->has_dist = f & ST_DIST;
	st->why.reason =
	    st->suppressed ? CP_REASON_FEWER_THAN_K : CP_REASON_NONE;
	st->why.protects = st->suppressed ? CP_NO_GROUP : 0;
	st->why.nprotects = 0;
	if (p == NULL) {
		st->n = st->answers = st->declined = 0;
		for (int v = 0; v < CP_SCALE_POINTS; v++)
			st->dist[v] = 0;
		st->mean = st->score = st->sd = st->ci_low = st->ci_high = 0;
		st->favourable = st->neutral = st->unfavourable = 0;
		return;
	}
	st->n = (int64_t)le64(p);
	st->answers = (int64_t)le64(p + 8);
	p += 16;
	for (int v = 0; v < CP_SCALE_POINTS; v++, p += 8)
		st->dist[v] = (int64_t)le64(p);
	st->mean = le_double(p);
	st->score = le_double(p + 8);
	st->sd = le_double(p + 16);
	st->ci_low = le_double(p + 24);
	st->ci_high = le_double(p + 32);
	st->favourable = le_double(p + 40);
	st->neutral = le_double(p + 48);
	st->unfavourable = le_double(p + 56);
	st->declined = (int64_t)le64(p + 64);
}

/* Encodes group g of a full load (every group, items too) into o. */
static void put_group(struct body *o, const struct cp_results *r,
		      const struct cp_group *gr)
{
	size_t nd = r->survey->ndims, ni = r->survey->nitems;
	static const struct cp_stat none;

	o->len = 0;
	put_byte(o, BODY_FORMAT);
	put_byte(o, gr->has_self);
	for (size_t d = 0; d < nd; d++)
		put_stat(o, gr->dims ? &gr->dims[d] : &none);
	for (size_t i = 0; i < ni; i++)
		put_stat(o, gr->items ? &gr->items[i] : &none);
	for (size_t i = 0; i < ni; i++) {
		static const struct cp_enps noenps;
		put_enps(o, gr->enps ? &gr->enps[i] : &noenps);
	}
	for (size_t d = 0; d < nd; d++)
		put_stat(o, gr->self ? &gr->self[d] : &none);
	for (size_t d = 0; d < nd; d++)
		put_double(o, gr->self_gap ? gr->self_gap[d] : 0);
	for (size_t m = 0; m < nd + ni; m++) {
		static const struct cp_change nochange;
		const struct cp_change *ch =
		    m < nd ? (gr->dim_change ? &gr->dim_change[m] : &nochange)
			   : (gr->item_change ? &gr->item_change[m - nd]
					      : &nochange);
		put_byte(o, (unsigned)ch->status | (ch->has_diff ? 8u : 0));
		put_u64(o, (uint64_t)ch->previous_wave);
		if (ch->has_diff) {
			put_double(o, ch->diff);
			put_double(o, ch->low);
			put_double(o, ch->high);
			put_double(o, ch->df);
		}
	}
}

/* Reads a change into ch (NULL: skips it). */
static void get_change(struct body *o, struct cp_change *ch)
{
	struct cp_change x = {0};
	unsigned f = get_byte(o);

	x.status = (enum cp_change_status)(f & 7u);
	x.has_diff = (f & 8u) != 0;
	x.previous_wave = (int64_t)get_u64(o);
	if (x.has_diff) {
		x.diff = get_double(o);
		x.low = get_double(o);
		x.high = get_double(o);
		x.df = get_double(o);
	}
	if (ch)
		*ch = x;
}

/* Stores the statistics of r, a full load of a closed wave, inside the
 * caller's transaction. */
static int store_results(struct cp_store *s, const struct cp_results *r,
			 struct cp_error *err)
{
	struct cp_result_row *rows = calloc(r->ngroups + 1, sizeof(*rows));
	struct body *bodies = calloc(r->ngroups + 1, sizeof(*bodies));
	int rc = 0;

	if (rows == NULL || bodies == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		goto done;
	}
	for (size_t g = 0; g < r->ngroups; g++) {
		const struct cp_group *gr = &r->groups[g];
		put_group(&bodies[g], r, gr);
		if (bodies[g].bad) {
			rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
			goto done;
		}
		cp_strlcpy(rows[g].scope, cp_scope_name(gr->scope),
			   sizeof(rows[g].scope));
		rows[g].team_id = gr->team_id;
		rows[g].answered = gr->answered;
		rows[g].delivered = gr->delivered;
		rows[g].body = bodies[g].p;
		rows[g].nbody = bodies[g].len;
	}
	rc = cp_store_wave_results_put(s, r->wave.id, rows, r->ngroups, err);
done:
	for (size_t g = 0; bodies && g < r->ngroups; g++)
		free(bodies[g].p);
	free(bodies);
	free(rows);
	return rc;
}

struct stored_read {
	struct build *b;
	size_t found;
	/* Which changes the load asks for, as compute_changes gives them:
	 * none, a team's groups only (changes_team), dimensions only. */
	bool changes, item_changes, enps_changes;
	int64_t changes_team;
};

/* One stored row onto its group: the counts of every group, the
 * statistics of a wanted one (decoded as they were computed: without
 * items and distributions for dims_only). */
static int stored_row(const struct cp_result_row *row, void *arg,
		      struct cp_error *err)
{
	struct stored_read *x = arg;
	struct cp_results *r = x->b->r;
	size_t g = group_at(x->b, row->scope, row->team_id);
	size_t nd = r->survey->ndims, ni = r->survey->nitems;
	struct body in = {0};
	struct cp_group *gr;

	if (g == CP_NO_GROUP)
		return 0;
	gr = &r->groups[g];
	x->found++;
	gr->answered = row->answered;
	gr->delivered = r->dims_only ? 0 : row->delivered;
	if (!wanted(r, g) || row->body == NULL)
		return 0;
	/* Its arrays made now, to be filled while they are in the cache
	 * (a wave's are 23 MB at full scale). */
	if (gr->dims == NULL && alloc_group_stats(r, gr, true))
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	in.in = row->body;
	in.len = row->nbody;
	if (get_byte(&in) != BODY_FORMAT)
		return cp_error_set(
		    err, CP_EFAIL,
		    N_("wave %lld: stored results of an unknown "
		       "format"),
		    (long long)r->wave.id);
	gr->has_self = get_byte(&in) != 0;
	for (size_t d = 0; d < nd; d++) {
		get_stat(&in, &gr->dims[d]);
		if (r->dims_only) {
			struct cp_stat *st = &gr->dims[d];
			st->has_dist = false;
			memset(st->dist, 0, sizeof(st->dist));
			st->answers = 0;
			st->favourable = st->neutral = st->unfavourable = 0;
		}
	}
	for (size_t i = 0; i < ni; i++) {
		get_stat(&in, gr->items ? &gr->items[i] : NULL);
		/* A shown eNPS item's stat names no protected group. */
		if (gr->items && r->survey->items[i].type == CP_ITEM_ENPS &&
		    !gr->items[i].suppressed)
			gr->items[i].why.protects = CP_NO_GROUP;
	}
	for (size_t i = 0; i < ni; i++)
		get_enps(&in, gr->enps ? &gr->enps[i] : NULL);
	for (size_t d = 0; d < nd; d++)
		get_stat(&in, &gr->self[d]);
	for (size_t d = 0; d < nd; d++)
		gr->self_gap[d] = get_double(&in);
	{
		bool mine = x->changes && (x->changes_team == 0 ||
					   gr->team_id == x->changes_team);
		for (size_t d = 0; d < nd; d++)
			get_change(&in, mine ? &gr->dim_change[d] : NULL);
		for (size_t i = 0; i < ni; i++) {
			bool enps = r->survey->items[i].type == CP_ITEM_ENPS;
			get_change(&in, mine && gr->items &&
						(x->item_changes ||
						 (x->enps_changes && enps))
					    ? &gr->item_change[i]
					    : NULL);
		}
	}
	if (in.bad || in.at != in.len)
		return cp_error_set(
		    err, CP_EFAIL,
		    N_("wave %lld: stored results do not fit its "
		       "survey"),
		    (long long)r->wave.id);
	return 0;
}

/* Reads a frozen wave's stored results onto its groups. */
static int read_stored(struct build *b, struct cp_store *s,
		       const struct cp_results_opts *opts, struct cp_error *err)
{
	struct stored_read x = {b, 0, false, false, false, 0};
	int rc;

	if (opts && opts->changes) {
		x.changes = true;
		x.item_changes = !opts->no_item_changes && !b->r->dims_only;
		/* An eNPS item's change is a headline: always given. */
		x.enps_changes = !b->r->dims_only;
		x.changes_team = opts->changes_team;
	}

	/* Each group's arrays are made as its row comes; a group without
	 * a stored body gets empty ones after. */
	if ((rc = cp_store_wave_results_each(s, b->r->wave.id, b->r->only_team,
					     opts && opts->no_other_counts,
					     stored_row, &x, err)))
		return rc;
	return alloc_stats(b->r, err);
}

/*
 * The decision decide() gives group g for measure m from the stored ones,
 * for g alone: base's reason when it has one (hidden as a whole), else
 * the last stored decision of g for m, else none.
 */
static struct cp_suppression stored_why(const struct build *b, size_t m,
					size_t g,
					const struct cp_suppression *base)
{
	const struct decisions *d = &b->dec;

	if (base[g].reason != CP_REASON_NONE)
		return base[g];
	for (size_t i = d->at[m + 1]; i-- > d->at[m];)
		if (d->stored[i].g == g)
			return d->stored[i].why;
	return (struct cp_suppression){CP_REASON_NONE, CP_NO_GROUP, 0};
}

/* Hides measure m (a dimension, or an item past nd) of group g for why. */
static void hide_measure(struct cp_results *r, size_t g, size_t m,
			 const struct cp_suppression *why)
{
	struct cp_group *gr = &r->groups[g];
	size_t nd = r->survey->ndims;
	struct cp_stat *st = m < nd ? &gr->dims[m] : &gr->items[m - nd];

	hide_stat(st, why);
	if (m >= nd && gr->enps) {
		cp_enps_suppress(&gr->enps[m - nd]);
		gr->enps[m - nd].why = *why;
	}
}

/* The stored decisions applied to stored statistics: each hidden
 * measure of a wanted group gets its reason (the stored ones carry
 * none), as compute_scores gives it. For a report on one team only its
 * groups are looked at (decide() would fill in every group, 22 measures
 * of 2,200 groups a wave at full scale). */
static int apply_stored(struct build *b,
			const struct cp_suppression *group_hidden,
			struct cp_error *err)
{
	struct cp_results *r = b->r;
	size_t ng = r->ngroups, nd = r->survey->ndims, ni = r->survey->nitems;
	size_t nm = nd + (r->dims_only || r->no_items ? 0 : ni);
	struct cp_suppression *hidden;
	int rc = 0;

	if (r->only_team) {
		for (size_t g = 0; g < ng; g++) {
			if (!wanted(r, g))
				continue;
			for (size_t m = 0; m < nm; m++) {
				struct cp_suppression why =
				    stored_why(b, M_DIMS + m, g, group_hidden);
				if (why.reason != CP_REASON_NONE)
					hide_measure(r, g, m, &why);
			}
		}
		return 0;
	}
	if ((hidden = calloc(ng + 1, sizeof(*hidden))) == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	for (size_t m = 0; rc == 0 && m < nm; m++) {
		rc = decide(b, M_DIMS + m, NULL, r->threshold, group_hidden,
			    hidden, err);
		for (size_t g = 0; rc == 0 && g < ng; g++)
			if (wanted(r, g) && hidden[g].reason != CP_REASON_NONE)
				hide_measure(r, g, m, &hidden[g]);
	}
	free(hidden);
	return rc;
}

static int cmp_comment(const void *a, const void *b)
{
	const struct cp_group_comment *x = a, *y = b;
	int c = strcmp(x->question_id, y->question_id);

	return c ? c : strcmp(x->text, y->text);
}

/* Gives each group allowed to show comments the comments of its teams,
 * sorted by question and text. */
static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * The comments a load for only_team shows: those of the teams in its
 * subtree (every comment its groups hold), not the organisation's.
 */
static int team_comments(struct build *b, struct cp_store *s,
			 struct cp_error *err)
{
	struct cp_results *r = b->r;
	const struct cp_group *top =
	    cp_results_group(r, CP_SCOPE_SUBTREE, r->only_team);
	int64_t *ids;
	size_t n = 0;
	int rc;

	if (top == NULL)
		top = cp_results_group(r, CP_SCOPE_TEAM, r->only_team);
	if (top == NULL)
		return 0;
	if ((ids = calloc(r->ngroups + 1, sizeof(*ids))) == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	for (size_t g = 0; g < r->ngroups; g++)
		if (r->groups[g].scope == CP_SCOPE_TEAM &&
		    cp_results_within(r, g, (size_t)(top - r->groups)))
			ids[n++] = r->groups[g].team_id;
	qsort(ids, n, sizeof(*ids), cmp_id);
	rc = cp_store_wave_team_comments(
	    s, r->wave.id, ids, n, &r->comment_rows, &r->ncomment_rows, err);
	free(ids);
	return rc;
}

static int attach_comments(struct build *b, struct cp_store *s,
			   const struct cp_suppression *group_hidden,
			   struct cp_error *err)
{
	struct cp_results *r = b->r;
	size_t ng = r->ngroups;
	struct cp_suppression *hidden = calloc(ng + 1, sizeof(*hidden));
	int rc;

	if (hidden == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	rc = decide(b, M_COMMENTS, b->tot.responses, r->comment_threshold,
		    group_hidden, hidden, err);
	if (rc == 0 && r->only_team)
		rc = team_comments(b, s, err);
	else if (rc == 0)
		rc = cp_store_wave_comments(s, r->wave.id, &r->comment_rows,
					    &r->ncomment_rows, err);
	for (size_t g = 0; rc == 0 && g < ng; g++)
		r->groups[g].comments_shown =
		    hidden[g].reason == CP_REASON_NONE;
	/* Count, allocate, fill: each comment goes to its team's group and
	 * every group above it. */
	for (int pass = 0; rc == 0 && pass < 2; pass++) {
		for (size_t i = 0; i < r->ncomment_rows; i++) {
			size_t g = atom_group(b, r->comment_rows[i].team_id);
			for (; g != CP_NO_GROUP; g = b->parent[g]) {
				struct cp_group *gr = &r->groups[g];
				if (!gr->comments_shown || !wanted(r, g))
					continue;
				if (pass == 0) {
					gr->ncomments++;
					continue;
				}
				gr->comments[gr->ncomments].question_id =
				    r->comment_rows[i].question_id;
				gr->comments[gr->ncomments++].text =
				    r->comment_rows[i].text;
			}
		}
		for (size_t g = 0; pass == 0 && g < ng; g++) {
			struct cp_group *gr = &r->groups[g];
			if (!gr->comments_shown || !wanted(r, g))
				continue;
			gr->comments =
			    calloc(gr->ncomments + 1, sizeof(*gr->comments));
			if (gr->comments == NULL)
				rc = cp_error_set(err, CP_ENOMEM,
						  N_("out of memory"));
			gr->ncomments = 0;
		}
	}
	for (size_t g = 0; rc == 0 && g < ng; g++)
		if (r->groups[g].ncomments > 1)
			qsort(r->groups[g].comments, r->groups[g].ncomments,
			      sizeof(struct cp_group_comment), cmp_comment);
	free(hidden);
	return rc;
}

/*
 * Starts ch as the change from wave; false when it cannot be told: small
 * or hidden samples (either side hidden, under k, or under min_n) are "no
 * detectable change", never an arrow.
 */
static bool change_start(struct cp_change *ch, bool hidden, int64_t n1,
			 int64_t n0, int64_t min_n, int64_t wave, int k)
{
	memset(ch, 0, sizeof(*ch));
	ch->previous_wave = wave;
	if (hidden || n1 < k || n0 < k || n1 < min_n || n0 < min_n) {
		ch->status = CP_CHANGE_UNDETECTABLE;
		return false;
	}
	return true;
}

/* The change of an eNPS item: as change_of, on the eNPS scores. */
static void enps_change_of(struct cp_change *ch, const struct cp_enps *now,
			   const struct cp_enps *before, int64_t wave, int k)
{
	if (change_start(ch, now->suppressed || before->suppressed, now->n,
			 before->n, 1, wave, k))
		cp_enps_change(ch, now, before);
}

static void change_of(struct cp_change *ch, const struct cp_stat *now,
		      const struct cp_stat *before, int64_t wave, int k)
{
	if (change_start(ch, now->suppressed || before->suppressed, now->n,
			 before->n, 2, wave, k))
		cp_welch(ch, now, before);
}

static int load_wave(struct cp_results **out, struct cp_store *s, int64_t wave,
		     const struct cp_results_opts *opts,
		     const struct cp_wave_entry *entries, size_t nentries,
		     struct cp_error *err);

/* A result of opts->known that can stand for wave loaded with only_team
 * team (and its items when items), or NULL. */
static const struct cp_results *known_wave(const struct cp_results_opts *opts,
					   int64_t wave, int64_t team,
					   bool items)
{
	for (size_t i = 0; i < opts->nknown; i++) {
		const struct cp_results *k = opts->known[i];
		if (k && k->wave.id == wave && k->scores &&
		    (k->only_team == 0 || k->only_team == team) &&
		    (!items || (!k->dims_only && !k->no_items)))
			return k;
	}
	return NULL;
}

/*
 * For each group, its previous wave: the newest earlier closed wave that
 * has the group's team (a subtree: any of its teams; the organisation:
 * any team), and the change of each measure from that wave's same group.
 * Each previous wave is loaded once however many groups point at it
 * (load_wave, freed here), or borrowed from opts->known when the caller
 * already has it; the changes go into b->r's groups.
 */
static int compute_changes(struct build *b, struct cp_store *s, size_t pos,
			   const struct cp_wave_entry *entries,
			   const struct cp_results_opts *opts,
			   struct cp_error *err)
{
	struct cp_results *r = b->r;
	int64_t team = opts->changes_team;
	/* An eNPS item is a headline measure: its change is computed even
	 * where the other items' are not. */
	bool enps_only = opts->no_item_changes &&
			 cp_results_enps_item(r) != CP_NO_GROUP &&
			 !r->dims_only;
	bool items = !opts->no_item_changes || enps_only;
	size_t ng = r->ngroups;
	int64_t *prev = calloc(ng + 1, sizeof(int64_t));
	bool *present = calloc(b->nnodes + 1, sizeof(bool));
	size_t left = ng;
	int rc = 0;

	if (prev == NULL || present == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		goto done;
	}
	/* Groups left out (changes_team): -1, no previous wave to find. */
	for (size_t g = 0; team && g < ng; g++)
		if (r->groups[g].team_id != team) {
			prev[g] = -1;
			left--;
		}
	for (size_t w = pos; w-- > 0 && left > 0;) {
		const struct cp_wave_entry *e = &entries[w];
		if (e->status != CP_WAVE_CLOSED || e->nteams == 0)
			continue;
		/* Only a wave closed before this one: one that closes
		 * later must not change what this one shows. */
		if (r->frozen_seq && e->frozen_seq &&
		    e->frozen_seq > r->frozen_seq)
			continue;
		/* present: the team or one of its sub-teams is in wave e. */
		memset(present, 0, b->nnodes * sizeof(bool));
		for (size_t t = 0; t < e->nteams; t++) {
			int depth = 0;
			for (size_t i = node_of(b, e->teams[t]);
			     i != CP_NO_GROUP && depth < MAX_DEPTH;
			     i = b->nodes[i].parent, depth++)
				present[i] = true;
		}
		for (size_t g = 0; g < ng; g++) {
			const struct cp_group *gr = &r->groups[g];
			size_t i = node_of(b, gr->team_id);
			bool has;
			if (prev[g])
				continue;
			if (gr->scope == CP_SCOPE_ORGANISATION)
				has = true;
			else if (gr->scope == CP_SCOPE_TEAM)
				has = has_team(e, gr->team_id);
			else
				has = i != CP_NO_GROUP && present[i];
			if (has) {
				prev[g] = e->id;
				left--;
			}
		}
	}
	/* Each distinct previous wave is computed once (or taken from
	 * opts->known), with what the changes need: the same groups. */
	for (size_t g = 0; rc == 0 && g < ng; g++) {
		struct cp_results_opts plain = {.only_team = team,
						.dims_only = !items};
		struct cp_results *p = NULL;
		const struct cp_results *q;
		int64_t w = prev[g];
		if (w <= 0)
			continue;
		q = known_wave(opts, w, team, items);
		if (q == NULL) {
			rc = load_wave(&p, s, w, &plain, entries, pos, err);
			q = p;
		}
		for (size_t h = g; rc == 0 && h < ng; h++) {
			struct cp_group *gr = &r->groups[h];
			const struct cp_group *pg;
			if (prev[h] != w)
				continue;
			prev[h] = 0;
			pg = cp_results_group(q, gr->scope, gr->team_id);
			if (pg == NULL || pg->dims == NULL || gr->dims == NULL)
				continue;
			for (size_t d = 0; d < r->survey->ndims; d++) {
				size_t pd =
				    dim_index(q->survey, r->survey->dims[d].id);
				if (pd != CP_NO_GROUP)
					change_of(&gr->dim_change[d],
						  &gr->dims[d], &pg->dims[pd],
						  w, r->threshold);
			}
			for (size_t i = 0;
			     items && gr->items && i < r->survey->nitems; i++) {
				size_t pi = item_index(q->survey,
						       r->survey->items[i].id);
				if (pi == CP_NO_GROUP || pg->items == NULL ||
				    r->survey->items[i].type !=
					q->survey->items[pi].type ||
				    (enps_only &&
				     r->survey->items[i].type != CP_ITEM_ENPS))
					continue;
				if (r->survey->items[i].type == CP_ITEM_ENPS)
					enps_change_of(
					    &gr->item_change[i], &gr->enps[i],
					    &pg->enps[pi], w, r->threshold);
				else
					change_of(&gr->item_change[i],
						  &gr->items[i], &pg->items[pi],
						  w, r->threshold);
			}
		}
		cp_results_free(p);
	}
done:
	free(prev);
	free(present);
	return rc;
}

/* A parsed survey definition shared by results of waves that pinned it. */
struct cp_survey_hold {
	struct cp_survey *survey;
	size_t refs;
};

/*
 * r's survey: shared with a known result that pinned the same one, else
 * fetched and parsed (and made shareable with a later load's).
 */
static int survey_of(struct cp_results *r, struct cp_store *s,
		     const struct cp_results_opts *opts, struct cp_error *err)
{
	struct cp_survey_hold *h = NULL;
	int rc;

	for (size_t i = 0; opts && i < opts->nknown && h == NULL; i++) {
		const struct cp_results *k = opts->known[i];
		if (k && k->survey_hold &&
		    k->wave.survey_ref == r->wave.survey_ref)
			h = k->survey_hold;
	}
	if (h) {
		h->refs++;
		r->survey_hold = h;
		r->survey = h->survey;
		return 0;
	}
	if ((rc =
		 cp_survey_fetch(&r->survey, s, NULL, r->wave.survey_ref, err)))
		return rc;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	h->survey = r->survey;
	h->refs = 1;
	r->survey_hold = h;
	return 0;
}

/*
 * The frozen state of a closed wave; a closed wave whose decisions were
 * not made yet (closed before freezing existed, or closed without
 * cp_wave_close) is frozen now, when the store can be written.
 */
static int frozen_state(struct cp_store *s, const struct cp_wave *w,
			bool recording, struct cp_frozen *fz,
			struct cp_error *err)
{
	int rc;

	memset(fz, 0, sizeof(*fz));
	if (w->status != CP_WAVE_CLOSED)
		return 0;
	rc = cp_store_wave_frozen(s, w->id, fz, err);
	if (rc || recording || fz->threshold || !cp_store_writable(s))
		return rc;
	rc = cp_results_freeze(s, w->id, err);
	return rc ? rc : cp_store_wave_frozen(s, w->id, fz, err);
}

static void decisions_release(struct decisions *d)
{
	for (size_t i = 0; i < d->nrec; i++) {
		free(d->rec[i].measure_id);
		free(d->rec[i].reason);
	}
	free(d->rec);
	free(d->stored);
	free(d->at);
	memset(d, 0, sizeof(*d));
}

/*
 * Builds the results of one wave, the work behind cp_results_load: the
 * wave, its thresholds and pinned survey; the groups (teams, subtrees, the
 * organisation) on the wave's own snapshot of the team tree; the stored
 * aggregates summed up the tree; then, for a closed wave only,
 * suppression of small groups, the scores, comments and changes. An open
 * wave gets counts and response rates and nothing else, so that two looks
 * cannot be differenced into the one answer between them. It is recursive
 * through compute_changes, which loads earlier waves with it. entries
 * lists every wave (for the previous ones); on success *out is the
 * caller's (cp_results_free), on failure it stays NULL and everything
 * built so far is freed here.
 *
 * rec non-NULL: the wave is being frozen; its decisions are made by the
 * rule (with the installation's thresholds of now) and handed over in
 * *rec. Otherwise a frozen wave shows what was decided when it closed:
 * its thresholds and its suppressions with their reasons, read back.
 */
static int load(struct cp_results **out, struct cp_store *s, int64_t wave,
		const struct cp_results_opts *opts,
		const struct cp_wave_entry *entries, size_t nentries,
		struct decisions *rec, struct cp_error *err);

/*
 * Computes a frozen wave's statistics from the aggregates, for every
 * group, and stores them: in the caller's transaction when one is open,
 * else in one of its own.
 */
static int store_now(struct cp_store *s, int64_t wave,
		     const struct cp_wave_entry *entries, size_t nentries,
		     struct cp_error *err)
{
	struct cp_results_opts full = {.recompute = true, .changes = true};
	struct cp_results *r = NULL;
	bool own = !cp_store_in_transaction(s);
	int rc;

	if (own && (rc = cp_store_begin(s, err)) != 0)
		return rc;
	rc = load(&r, s, wave, &full, entries, nentries, NULL, err);
	if (rc == 0)
		rc = store_results(s, r, err);
	cp_results_free(r);
	if (!own)
		return rc;
	if (rc) {
		cp_store_rollback(s);
		return rc;
	}
	return cp_store_commit(s, err);
}

/* Undoes build_groups and read_decisions, for building again. */
static void build_reset(struct build *b)
{
	struct cp_results *r = b->r;

	free(b->nodes);
	free(b->by_id);
	free(b->parent);
	free(r->groups);
	free(r->names);
	b->nodes = NULL;
	b->by_id = NULL;
	b->parent = NULL;
	r->groups = NULL;
	r->names = NULL;
	r->ngroups = 0;
	b->nnodes = b->alloc = 0;
	decisions_release(&b->dec);
}

/*
 * For a report on r->only_team (a frozen wave with stored statistics):
 * the groups of the team's path in the wave's tree - the organisation,
 * each ancestor's groups, the team's and those of every team below it -
 * and their stored decisions, rather than the whole wave's ~2,200
 * groups and few hundred decisions. The groups come in the order and at
 * the depth they have in the whole tree (depth first, by name), each
 * ancestor with its one child on the path; the team's groups, its
 * subtree's and their decisions (reasons, protected groups, counts of
 * them) are exactly those of the whole tree, which is all a team report
 * reads: the other groups print nowhere in it. (An ancestor's decision
 * may protect a group off the path: it then names none.) *path is set
 * when that was done; when it cannot be told from the path alone (the
 * team has no group in the wave, or one of its subtree's decisions
 * names a group off the path) nothing is kept and *path is false: the
 * caller builds the whole tree.
 */
static int path_groups(struct build *b, struct cp_store *s,
		       const struct cp_wave_entry *entry, bool *path,
		       struct cp_error *err)
{
	struct cp_results *r = b->r;
	const struct cp_group *top;
	bool ok = true;
	int rc;

	*path = false;
	rc = build_groups(b, s, NULL, 0, entry, r->only_team, err);
	if (rc == 0) {
		top = cp_results_group(r, CP_SCOPE_SUBTREE, r->only_team);
		if (top == NULL)
			top = cp_results_group(r, CP_SCOPE_TEAM, r->only_team);
		if (top == NULL)
			ok = false;
		else
			rc = read_decisions(b, s, (size_t)(top - r->groups),
					    &ok, err);
	}
	if (rc == 0 && ok)
		*path = true;
	else
		build_reset(b);
	return rc;
}

static int load(struct cp_results **out, struct cp_store *s, int64_t wave,
		const struct cp_results_opts *opts,
		const struct cp_wave_entry *entries, size_t nentries,
		struct decisions *rec, struct cp_error *err)
{
	struct cp_wave_aggregates agg = {0};
	struct build b = {0};
	struct cp_results *r;
	const struct cp_wave_entry *entry = NULL;
	struct cp_frozen fz = {0};
	struct cp_suppression *hidden = NULL;
	struct cp_wave_entry *own = NULL;
	size_t pos = 0, nown = 0;
	bool stored = false, path = false;
	int rc;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	b.r = r;
	b.dec.recording = rec != NULL;
	rc = cp_store_wave_get(s, wave, &r->wave, err);
	if (rc == 0 && r->wave.status == CP_WAVE_CANCELLED)
		rc = cp_error_set(err, CP_ECONFLICT,
				  N_("wave %lld was cancelled%s%s: its answers "
				     "were deleted"),
				  (long long)wave,
				  r->wave.cancel_reason[0] ? ": " : "",
				  r->wave.cancel_reason);
	if (rc == 0)
		rc = frozen_state(s, &r->wave, rec != NULL, &fz, err);
	if (rc == 0 && fz.threshold) {
		r->threshold = fz.threshold;
		r->comment_threshold = fz.comment_threshold;
	} else if (rc == 0) {
		rc = cp_results_thresholds(s, &r->wave, &r->threshold,
					   &r->comment_threshold, err);
	}
	r->frozen_seq = fz.seq;
	if (rc == 0)
		rc = survey_of(r, s, opts, err);
	if (rc)
		goto done;
	r->scores = r->wave.status == CP_WAVE_CLOSED;
	r->only_team = opts ? opts->only_team : 0;
	r->dims_only = opts && opts->dims_only;
	for (size_t i = 0; i < nentries; i++)
		if (entries[i].id == wave) {
			entry = &entries[i];
			pos = i;
		}
	/* A report on one team of a frozen wave with stored statistics
	 * reads the team's path in the tree and its decisions, not the
	 * whole wave's (see path_groups). */
	if (rc == 0 && opts && opts->only_team && opts->no_other_counts &&
	    !opts->recompute && !b.dec.recording && r->scores && fz.threshold) {
		rc = cp_store_wave_results_stored(s, wave, &stored, err);
		if (rc == 0 && stored)
			rc = path_groups(&b, s, entry, &path, err);
	}
	/* The whole tree needs the whole wave list (its teams, and every
	 * earlier wave's for the changes). */
	if (rc == 0 && !path && opts && opts->entries_path) {
		rc = cp_store_wave_entries(s, &own, &nown, err);
		entries = own;
		nentries = nown;
		entry = NULL;
		pos = 0;
		for (size_t i = 0; rc == 0 && i < nentries; i++)
			if (entries[i].id == wave) {
				entry = &entries[i];
				pos = i;
			}
	}
	if (rc == 0 && !path)
		rc = build_groups(&b, s, NULL, 0, entry, 0, err);
	if (rc == 0 && !path && fz.threshold && r->scores && !b.dec.recording)
		rc = read_decisions(&b, s, CP_NO_GROUP, NULL, err);
	/* A frozen wave's statistics were computed once and stored: read
	 * them (a wave frozen without them gets them now, when it can). */
	if (rc == 0 && !path && b.dec.stored && !(opts && opts->recompute)) {
		rc = cp_store_wave_results_stored(s, wave, &stored, err);
		if (rc == 0 && !stored && cp_store_writable(s)) {
			rc = store_now(s, wave, entries, nentries, err);
			stored = rc == 0;
			/* Not stored in a transaction of its own (another
			 * writer holds the lock): computed below, as from a
			 * read-only store; stored at a later look. */
			if (rc && !cp_store_in_transaction(s))
				rc = 0;
		}
	}
	/* Items only where they are asked for, or an eNPS item's rows need
	 * them; only stored statistics leave them out. */
	r->no_items = stored && opts && opts->no_items && !r->dims_only &&
		      cp_results_enps_item(r) == CP_NO_GROUP;
	if (rc == 0 && stored)
		rc = read_stored(&b, s, opts, err);
	else if (rc == 0)
		rc = r->dims_only
			 ? cp_store_wave_dim_aggregates(s, wave, &agg, err)
			 : cp_store_wave_aggregates(s, wave, &agg, err);
	if (rc == 0)
		rc = totals_alloc(&b.tot, stored ? 1 : r->ngroups,
				  r->survey->ndims, r->survey->nitems, err);
	if (rc)
		goto done;
	if ((hidden = calloc(r->ngroups + 1, sizeof(*hidden))) == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		goto done;
	}
	if (!stored) {
		fill_totals(&b, &agg);
		for (size_t g = 0; g < r->ngroups; g++) {
			struct cp_group *gr = &r->groups[g];
			gr->answered = b.tot.responses[g];
			gr->delivered = b.tot.delivered[g];
		}
	}
	/* Open or closed, a group's count of responses follows the same
	 * rule as its scores: under k (or the difference of two nested
	 * groups under k) it is hidden, since a count of 0 or 1 in a team
	 * of two says whether a given person has answered. An open wave
	 * shows counts and response rates and nothing else, so that two
	 * looks cannot be differenced into the one answer between them. */
	rc = decide(&b, M_RESPONSES, stored ? NULL : b.tot.responses,
		    r->threshold, NULL, hidden, err);
	for (size_t g = 0; rc == 0 && g < r->ngroups; g++) {
		struct cp_group *gr = &r->groups[g];
		gr->suppressed = hidden[g].reason != CP_REASON_NONE;
		gr->why = hidden[g];
		if (gr->suppressed) {
			gr->answered = gr->delivered = 0;
			continue;
		}
		gr->has_rate = gr->delivered >= r->threshold;
		if (gr->has_rate)
			gr->response_rate = 100.0 * (double)gr->answered /
					    (double)gr->delivered;
		else
			gr->delivered = 0;
	}
	if (rc || !r->scores)
		goto done;
	rc = stored ? apply_stored(&b, hidden, err)
		    : compute_scores(&b, hidden, err);
	if (rc == 0 && opts && opts->comments)
		rc = attach_comments(&b, s, hidden, err);
	/* Stored results hold their changes, computed when they were. */
	if (rc == 0 && opts && opts->changes && !stored)
		rc = compute_changes(&b, s, pos, entries, opts, err);
done:
	free(hidden);
	cp_store_wave_entries_free(own, nown);
	cp_store_aggregates_release(&agg);
	totals_release(&b.tot);
	free(b.nodes);
	free(b.by_id);
	free(b.parent);
	if (rc == 0 && rec) {
		*rec = b.dec;
		b.dec.rec = NULL;
		b.dec.nrec = 0;
	}
	decisions_release(&b.dec);
	if (rc) {
		cp_results_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

static int load_wave(struct cp_results **out, struct cp_store *s, int64_t wave,
		     const struct cp_results_opts *opts,
		     const struct cp_wave_entry *entries, size_t nentries,
		     struct cp_error *err)
{
	return load(out, s, wave, opts, entries, nentries, NULL, err);
}

int cp_results_freeze(struct cp_store *s, int64_t wave, struct cp_error *err)
{
	struct cp_results_opts opts = {.comments = true, .changes = true};
	struct cp_results *r = NULL;
	struct cp_wave_entry *entries = NULL;
	struct decisions rec = {0};
	struct cp_frozen fz;
	bool own = !cp_store_in_transaction(s);
	size_t n = 0;
	int rc;

	if (own && (rc = cp_store_begin(s, err)) != 0)
		return rc;
	rc = cp_store_wave_frozen(s, wave, &fz, err);
	if (rc == 0 && fz.threshold == 0) {
		rc = cp_store_wave_entries(s, &entries, &n, err);
		if (rc == 0)
			rc = load(&r, s, wave, &opts, entries, n, &rec, err);
		if (rc == 0 && !r->scores)
			rc = cp_error_set(
			    err, CP_ECONFLICT,
			    N_("wave %lld is not closed: its "
			       "results are frozen when it closes"),
			    (long long)wave);
		if (rc == 0)
			rc = cp_store_wave_freeze(s, wave, r->threshold,
						  r->comment_threshold, rec.rec,
						  rec.nrec, err);
		/* Computed once: the results of the wave as it closed. */
		if (rc == 0)
			rc = store_results(s, r, err);
	}
	decisions_release(&rec);
	cp_results_free(r);
	cp_store_wave_entries_free(entries, n);
	if (!own)
		return rc;
	if (rc) {
		cp_store_rollback(s);
		return rc;
	}
	return cp_store_commit(s, err);
}

int cp_results_plan(struct cp_results **out, const struct cp_team *teams,
		    size_t nteams, const int64_t *wave_teams, size_t nwave,
		    const int64_t *counts, int k, struct cp_error *err)
{
	struct cp_snapshot_team *tree = NULL;
	struct cp_wave_entry entry = {0};
	struct build b = {0};
	struct cp_results *r;
	struct cp_suppression *why = NULL;
	int64_t *n = NULL;
	int rc;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	b.r = r;
	r->threshold = r->comment_threshold = k;
	entry.nteams = wave_teams ? nwave : nteams;
	entry.teams = calloc(entry.nteams + 1, sizeof(int64_t));
	tree = calloc(nteams + 1, sizeof(*tree));
	if (entry.teams == NULL || tree == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		goto done;
	}
	for (size_t i = 0; i < entry.nteams; i++)
		entry.teams[i] = wave_teams ? wave_teams[i] : teams[i].id;
	/* The org chart as a wave would snapshot it; names borrowed. */
	for (size_t i = 0; i < nteams; i++)
		tree[i] = (struct cp_snapshot_team){teams[i].id, teams[i].name,
						    teams[i].parent_id, 1};
	rc = build_groups(&b, NULL, tree, nteams, &entry, 0, err);
	if (rc)
		goto done;
	n = calloc(r->ngroups + 1, sizeof(*n));
	why = calloc(r->ngroups + 1, sizeof(*why));
	if (n == NULL || why == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		goto done;
	}
	for (size_t i = 0; i < nteams; i++) {
		size_t g = atom_group(&b, teams[i].id);
		if (g != CP_NO_GROUP)
			n[g] += counts[i];
	}
	for (size_t g = r->ngroups; g-- > 1;)
		n[b.parent[g]] += n[g];
	rc = cp_results_suppress(r->ngroups, n, b.parent, k, why, err);
	for (size_t g = 0; rc == 0 && g < r->ngroups; g++) {
		r->groups[g].answered = n[g];
		r->groups[g].why = why[g];
		r->groups[g].suppressed = why[g].reason != CP_REASON_NONE;
	}
done:
	free(entry.teams);
	free(tree);
	free(n);
	free(why);
	free(b.nodes);
	free(b.by_id);
	free(b.parent);
	if (rc) {
		cp_results_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int cp_results_load(struct cp_results **out, struct cp_store *s, int64_t wave,
		    const struct cp_results_opts *opts, struct cp_error *err)
{
	struct cp_wave_entry *entries;
	size_t n;
	int rc;

	*out = NULL;
	if (opts && opts->entries)
		return load_wave(out, s, wave, opts, opts->entries,
				 opts->nentries, err);
	if ((rc = cp_store_wave_entries(s, &entries, &n, err)))
		return rc;
	rc = load_wave(out, s, wave, opts, entries, n, err);
	cp_store_wave_entries_free(entries, n);
	return rc;
}

void cp_results_free(struct cp_results *r)
{
	if (r == NULL)
		return;
	for (size_t g = 0; g < r->ngroups; g++) {
		struct cp_group *gr = &r->groups[g];
		free(gr->dims); /* and the other statistics: one block */
		free(gr->comments);
	}
	free(r->groups);
	free(r->names);
	cp_store_comment_rows_free(r->comment_rows, r->ncomment_rows);
	if (r->survey_hold == NULL) {
		cp_survey_free(r->survey);
	} else if (--r->survey_hold->refs == 0) {
		cp_survey_free(r->survey_hold->survey);
		free(r->survey_hold);
	}
	free(r);
}

const struct cp_group *cp_results_group(const struct cp_results *r,
					enum cp_group_scope scope,
					int64_t team_id)
{
	for (size_t g = 0; r && g < r->ngroups; g++)
		if (r->groups[g].scope == scope &&
		    r->groups[g].team_id == team_id)
			return &r->groups[g];
	return NULL;
}

bool cp_results_within(const struct cp_results *r, size_t g, size_t ancestor)
{
	for (int depth = 0; g != CP_NO_GROUP && depth <= MAX_DEPTH + 1;
	     depth++, g = r->groups[g].parent)
		if (g == ancestor)
			return true;
	return false;
}

const char *cp_results_group_label(const struct cp_group *g, char *buf,
				   size_t n)
{
	if (g->scope == CP_SCOPE_ORGANISATION)
		snprintf(buf, n, "organisation");
	else
		snprintf(buf, n, "%s (%s)", g->name,
			 g->scope == CP_SCOPE_TEAM ? "own members"
						   : "with sub-teams");
	return buf;
}

/* "Nursing's own members", "Nursing with its sub-teams". */
static void group_words(const struct cp_group *g, char *buf, size_t n)
{
	if (g->scope == CP_SCOPE_ORGANISATION)
		snprintf(buf, n, "%s", _("the organisation"));
	else if (g->scope == CP_SCOPE_TEAM)
		/* TRANSLATORS: %s is a team's name. */
		snprintf(buf, n, _("%s's own members"), g->name);
	else
		snprintf(buf, n, _("%s with its sub-teams"), g->name);
}

const char *cp_results_reason_text(const struct cp_results *r,
				   const struct cp_suppression *why, char *buf,
				   size_t n)
{
	char who[CP_ERROR_MSG_MAX];
	size_t others;

	buf[0] = '\0';
	if (why->reason == CP_REASON_FEWER_THAN_K) {
		snprintf(buf, n, _("fewer than %d answered"), r->threshold);
	} else if (why->reason == CP_REASON_PROTECTS) {
		if (why->protects >= r->ngroups) {
			snprintf(buf, n, "%s",
				 _("hidden so that a smaller group's answers "
				   "cannot be worked out"));
			return buf;
		}
		group_words(&r->groups[why->protects], who, sizeof(who));
		others = why->nprotects > 1 ? why->nprotects - 1 : 0;
		/* TRANSLATORS: %s names a group ("Ward 4's own members"). */
		if (others)
			snprintf(
			    buf, n,
			    cp_ngettext("hidden so that the answers of %s "
					"and %zu other small group cannot "
					"be worked out",
					"hidden so that the answers of %s "
					"and %zu other small groups cannot "
					"be worked out",
					others),
			    who, others);
		else
			snprintf(buf, n,
				 _("hidden so that the answers of %s cannot be "
				   "worked out"),
				 who);
	}
	return buf;
}

const char *cp_results_protects_label(const struct cp_results *r,
				      const struct cp_suppression *why,
				      char *buf, size_t n)
{
	if (why->reason != CP_REASON_PROTECTS || why->protects >= r->ngroups)
		return NULL;
	return cp_results_group_label(&r->groups[why->protects], buf, n);
}

size_t cp_results_enps_item(const struct cp_results *r)
{
	for (size_t i = 0; r->survey && i < r->survey->nitems; i++)
		if (r->survey->items[i].type == CP_ITEM_ENPS)
			return i;
	return CP_NO_GROUP;
}

const struct cp_enps *cp_results_enps(const struct cp_results *r,
				      const struct cp_group *g, size_t item,
				      const struct cp_change **change)
{
	if (change)
		*change = NULL;
	if (r->survey == NULL || item >= r->survey->nitems ||
	    r->survey->items[item].type != CP_ITEM_ENPS || g->enps == NULL)
		return NULL;
	if (change && g->item_change)
		*change = &g->item_change[item];
	return &g->enps[item];
}
