/*
 * write.c - the PDF reports from the store: loads a closed wave's results
 * (and, for a team, its earlier closed waves) through core, where every
 * threshold and anti-differencing decision is made, turns them into report
 * input and writes the PDF. Shared by `report` and the demo.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "i18n.h"

#include "action.h"
#include "preview.h"
#include "report_write.h"
#include "results.h"
#include "store.h"
#include "when.h"

/*
 * closed_waves from the wave entries already read (each with its status).
 */
static int closed_waves_in(const struct cp_wave_entry *w, size_t nw,
			   int64_t team, int64_t **ids, size_t *n,
			   struct cp_error *err)
{
	size_t kept = 0, j = 0;
	int rc;

	if ((rc = cp_results_waves_in(w, nw, team, ids, n, err)))
		return rc;
	/* Both are oldest first: the entry of each id is further on. */
	for (size_t i = 0; i < *n; i++) {
		while (j < nw && w[j].id != (*ids)[i])
			j++;
		if (j < nw && w[j].status == CP_WAVE_CLOSED)
			(*ids)[kept++] = (*ids)[i];
	}
	*n = kept;
	return 0;
}

/*
 * The waves that include team (0: any), oldest first, keeping only the
 * closed ones; a NULL *ids with *n 0 when there are none.
 */
static int closed_waves(struct cp_store *s, int64_t team, int64_t **ids,
			size_t *n, struct cp_error *err)
{
	size_t kept = 0;
	int rc;

	if ((rc = cp_results_waves(s, team, ids, n, err)))
		return rc;
	for (size_t i = 0; i < *n; i++) {
		struct cp_wave w;
		if ((rc = cp_store_wave_get(s, (*ids)[i], &w, err))) {
			free(*ids);
			*ids = NULL;
			*n = 0;
			return rc;
		}
		if (w.status == CP_WAVE_CLOSED)
			(*ids)[kept++] = (*ids)[i];
	}
	*n = kept;
	return 0;
}

/*
 * The results of a closed wave with opts, or an error saying why there are
 * none.
 */
static int load_closed_opts(struct cp_store *st, int64_t wave,
			    const struct cp_results_opts *opts,
			    struct cp_results **r, struct cp_error *err)
{
	int rc;

	if ((rc = cp_results_load(r, st, wave, opts, err)))
		return rc;
	if (!(*r)->scores) {
		rc = rp_error_no_scores(err, wave, (*r)->wave.status);
		cp_results_free(*r);
		*r = NULL;
		return rc;
	}
	return 0;
}

/*
 * The results of a closed wave. team nonzero: a report on that team, which
 * reads only its groups' statistics and changes (see cp_results_opts), and
 * its comments only when asked for.
 */
static int load_closed(struct cp_store *st, int64_t wave, int64_t team,
		       bool comments, struct cp_results **r,
		       struct cp_error *err)
{
	struct cp_results_opts opts = {
	    .changes = true,
	    .comments = comments,
	    .changes_team = team,
	    .only_team = team,
	    .no_item_changes = true}; /* no report shows an item's change */

	return load_closed_opts(st, wave, &opts, r, err);
}

/*
 * What would let a hidden team report show, from the roster as it stands
 * (the next wave is sent to it): the fix for the team whose own members
 * are too few - the team itself, or the one its group protects.
 */
static int hidden_fix(struct cp_store *st, const struct cp_results *now,
		      int64_t team, struct rp_team_data *data,
		      struct cp_error *err)
{
	const struct cp_group *g =
	    cp_results_group(now, CP_SCOPE_SUBTREE, team);
	int64_t small = team;
	int rc;

	if (g == NULL)
		g = cp_results_group(now, CP_SCOPE_TEAM, team);
	if (g && g->why.reason == CP_REASON_PROTECTS &&
	    g->why.protects < now->ngroups &&
	    now->groups[g->why.protects].scope == CP_SCOPE_TEAM)
		small = now->groups[g->why.protects].team_id;
	rc = cp_preview_team_fix(st, small, now->threshold, data->fix,
				 sizeof(data->fix), err);
	data->report.hidden_fix = rc == 0 && data->fix[0] ? data->fix : NULL;
	return rc;
}

/* What the team agreed after its last wave with actions before wave. */
static int last_time(struct cp_store *st, int64_t team, int64_t wave,
		     struct rp_team_data *data, struct cp_error *err)
{
	struct cp_action *rows = NULL;
	struct cp_wave from;
	int64_t from_id = 0;
	size_t n = 0;
	int rc;

	rc = cp_action_last_time(st, team, wave, &rows, &n, &from_id, err);
	if (rc == 0 && from_id)
		rc = cp_store_wave_get(st, from_id, &from, err);
	if (rc || from_id == 0 || n == 0) {
		free(rows);
		return rc;
	}
	return rp_team_report_set_actions(data, rows, n, &from, err);
}

/* The cancelled waves of team between from and until, in words, for the
 * trend page: where its line skips a wave, the reader learns why. */
static int trend_gaps(struct cp_store *st, const struct cp_wave_entry *w,
		      size_t nw, int64_t team, int64_t from, int64_t until,
		      struct rp_team_data *data, struct cp_error *err)
{
	struct cp_wave *gone = NULL;
	size_t n = 0, used = 0;
	int rc;

	if ((rc = cp_results_cancelled_in(st, w, nw, team, from, until, &gone,
					  &n, err)))
		return rc;
	data->gaps[0] = '\0';
	for (size_t i = 0; i < n && used < sizeof(data->gaps); i++) {
		char day[16];
		cp_when_date(gone[i].opens_at, day, sizeof(day));
		used += (size_t)snprintf(data->gaps + used,
					 sizeof(data->gaps) - used, "%s",
					 i ? "; " : "");
		if (used >= sizeof(data->gaps))
			break;
		/* TRANSLATORS: a wave's number, the day it opened, and why it
		 * was cancelled (as the person who cancelled it wrote it). */
		used += (size_t)snprintf(
		    data->gaps + used, sizeof(data->gaps) - used,
		    _("wave %lld (%s) was cancelled: %s"),
		    (long long)gone[i].id, day,
		    gone[i].cancel_reason[0] ? gone[i].cancel_reason
					     : _("no reason given"));
	}
	data->report.trend_gaps = n ? data->gaps : NULL;
	free(gone);
	return 0;
}

int rp_write_team_report(struct cp_store *st, const char *team_name,
			 int64_t wave, const char *path,
			 const struct rp_options *o, struct cp_error *err)
{
	int64_t team;
	int rc;

	if ((rc = cp_store_team_find(st, team_name, &team, err)))
		return rc;
	return rp_write_team_report_id(st, team, team_name, wave, path, o, NULL,
				       err);
}

int rp_write_team_report_id(struct cp_store *st, int64_t team,
			    const char *team_name, int64_t wave,
			    const char *path, const struct rp_options *o,
			    bool *hidden, struct cp_error *err)
{
	struct cp_results *now = NULL, *before[RP_WAVES_MAX - 1] = {0};
	struct rp_team_data *data = NULL;
	struct cp_wave_entry *entries = NULL;
	int64_t *ids = NULL;
	size_t n = 0, pos, first, n_before = 0, nentries = 0;
	int rc;

	if (hidden)
		*hidden = false;
	/* The waves are read once for the trend, its gaps and each load;
	 * each wave's teams are its own snapshot. */
	if ((rc = cp_store_wave_entries_path(st, team, &entries, &nentries,
					     err)))
		return rc;
	if ((rc = closed_waves_in(entries, nentries, team, &ids, &n, err))) {
		cp_store_wave_entries_free(entries, nentries);
		return rc;
	}
	if (wave == 0 && n == 0) {
		free(ids);
		cp_store_wave_entries_free(entries, nentries);
		return cp_error_set(
		    err, CP_ENOTFOUND,
		    N_("team '%s' has no closed wave yet: scores "
		       "are shown only after a wave closes"),
		    team_name);
	}
	if (wave == 0)
		wave = ids[n - 1];
	for (pos = 0; pos < n && ids[pos] != wave; pos++)
		;
	if (pos == n) {
		/* Not a closed wave of the team: the wave's own error
		 * (unknown, still open) comes first. */
		if ((rc = load_closed(st, wave, team, true, &now, err)) == 0)
			rc = cp_error_set(err, CP_ENOTFOUND,
					  N_("team '%s' is not in wave %lld"),
					  team_name, (long long)wave);
		goto done;
	}
	/*
	 * The trend: up to RP_WAVES_MAX - 1 closed waves before this one,
	 * oldest first, each with the team's dimension means, its eNPS and
	 * their changes (the team's items are read for the eNPS: only_team
	 * keeps that to one group); each wave's change is computed from the
	 * one loaded before it where that is its previous wave.
	 */
	first = pos > RP_WAVES_MAX - 1 ? pos - (RP_WAVES_MAX - 1) : 0;
	for (size_t i = first; i < pos; i++) {
		struct cp_results_opts opts = {
		    .changes = true,
		    .changes_team = team,
		    .only_team = team,
		    .no_other_counts = true,
		    .no_item_changes = true,
		    .known = (const struct cp_results *const *)before,
		    .nknown = n_before,
		    .entries = entries,
		    .nentries = nentries,
		    .entries_path = true};
		if ((rc = load_closed_opts(st, ids[i], &opts, &before[n_before],
					   err)) != 0)
			goto done;
		n_before++;
	}
	{
		struct cp_results_opts opts = {
		    .changes = true,
		    .comments = true,
		    .changes_team = team,
		    .only_team = team,
		    .no_other_counts = true,
		    .no_item_changes = true,
		    .known = (const struct cp_results *const *)before,
		    .nknown = n_before,
		    .entries = entries,
		    .nentries = nentries,
		    .entries_path = true};
		if ((rc = load_closed_opts(st, wave, &opts, &now, err)) != 0)
			goto done;
	}
	/* The self-assessment is its leader's alone (the portal asks). */
	for (size_t i = 0; o && o->without_self && i < now->ngroups; i++)
		now->groups[i].has_self = false;
	rc = rp_team_report_from_results(
	    &data, now, team, (const struct cp_results *const *)before,
	    n_before, err);
	if (rc == 0)
		rc = trend_gaps(st, entries, nentries, team,
				n_before ? before[0]->wave.opens_at
					 : now->wave.opens_at,
				now->wave.opens_at, data, err);
	if (rc == 0 && data->report.hidden)
		rc = hidden_fix(st, now, team, data, err);
	else if (rc == 0)
		rc = last_time(st, team, wave, data, err);
	if (rc == 0 && hidden)
		*hidden = data->report.hidden;
	rc = rc ? rc : rp_team_report_write(&data->report, path, o, err);
done:
	rp_team_data_free(data);
	for (size_t i = 0; i < n_before; i++)
		cp_results_free(before[i]);
	cp_results_free(now);
	cp_store_wave_entries_free(entries, nentries);
	free(ids);
	return rc;
}

int rp_write_compare_report(struct cp_store *st, int64_t wave,
			    enum rp_measure m, enum rp_sort so,
			    const char *path, const struct rp_options *o,
			    struct cp_error *err)
{
	struct cp_results *r = NULL;
	struct rp_compare_data *data = NULL;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	if (wave == 0) {
		if ((rc = closed_waves(st, 0, &ids, &n, err)))
			return rc;
		if (n == 0) {
			free(ids);
			return cp_error_set(err, CP_ENOTFOUND,
					    N_("there is no closed wave yet: "
					       "scores are shown only after a "
					       "wave closes"));
		}
		wave = ids[n - 1];
		free(ids);
	}
	rc = load_closed(st, wave, 0, true, &r, err);
	rc = rc ? rc : rp_compare_report_from_results(&data, r, m, so, err);
	rc = rc ? rc : rp_compare_report_write(&data->report, path, o, err);
	rp_compare_data_free(data);
	cp_results_free(r);
	return rc;
}

static int batch_by_name(const void *a, const void *b)
{
	return strcmp(((const struct rp_batch_team *)a)->name,
		      ((const struct rp_batch_team *)b)->name);
}

/* Whether team is parent or below it in the snapshot's tree. */
static bool under(const struct cp_snapshot_team *snap, size_t n, int64_t team,
		  int64_t parent)
{
	/* At most n steps up: a cycle of parents ends the walk. */
	for (size_t steps = 0; team && steps <= n; steps++) {
		size_t i;
		if (team == parent)
			return true;
		for (i = 0; i < n && snap[i].id != team; i++)
			;
		if (i == n)
			return false;
		team = snap[i].parent_id;
	}
	return false;
}

int rp_batch_teams(struct cp_store *st, int64_t *wave, const char *parent,
		   struct rp_batch_team **out, size_t *n, struct cp_error *err)
{
	struct cp_snapshot_team *snap = NULL;
	struct rp_batch_team *teams = NULL;
	size_t nsnap = 0, count = 0;
	int64_t parent_id = 0, *ids = NULL;
	struct cp_wave w;
	int rc;

	*out = NULL;
	*n = 0;
	if (*wave == 0) {
		size_t nids = 0;
		if ((rc = closed_waves(st, 0, &ids, &nids, err)))
			return rc;
		if (nids == 0) {
			free(ids);
			return cp_error_set(err, CP_ENOTFOUND,
					    N_("there is no closed wave yet: "
					       "scores are shown only after a "
					       "wave closes"));
		}
		*wave = ids[nids - 1];
		free(ids);
	}
	if ((rc = cp_store_wave_get(st, *wave, &w, err)))
		return rc;
	if (w.status != CP_WAVE_CLOSED)
		return rp_error_no_scores(err, *wave, w.status);
	if ((rc = cp_store_wave_snapshot(st, *wave, &snap, &nsnap, err)))
		return rc;
	if (parent) {
		for (size_t i = 0; i < nsnap && parent_id == 0; i++)
			if (strcmp(snap[i].name, parent) == 0)
				parent_id = snap[i].id;
		if (parent_id == 0)
			rc = cp_error_set(
			    err, CP_ENOTFOUND,
			    N_("--parent '%s': no team of that name "
			       "in wave %lld"),
			    parent, (long long)*wave);
	}
	if (rc == 0 && nsnap && (teams = calloc(nsnap, sizeof(*teams))) == NULL)
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < nsnap; i++) {
		if (!snap[i].in_wave ||
		    (parent_id && !under(snap, nsnap, snap[i].id, parent_id)))
			continue;
		teams[count].id = snap[i].id;
		if ((teams[count].name = cp_strdup(snap[i].name)) == NULL)
			rc = cp_error_set(err, CP_ENOMEM, "out of memory");
		else
			count++;
	}
	cp_store_snapshot_free(snap, nsnap);
	if (rc) {
		rp_batch_teams_free(teams, count);
		return rc;
	}
	if (count)
		qsort(teams, count, sizeof(*teams), batch_by_name);
	*out = teams;
	*n = count;
	return 0;
}

void rp_batch_teams_free(struct rp_batch_team *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++)
		free(t[i].name);
	free(t);
}
