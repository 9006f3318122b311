/*
 * from_results.c - fills the reports' plain structs from core's results.
 *
 * This is the one place where a cp_results becomes report input, so the
 * rule is kept here once: a number is copied only from a group or a
 * measure that core left unsuppressed. Everything else stays zero with its
 * suppressed flag set; the drawing code checks the flag as well.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "i18n.h"
#include "report.h"
#include "results.h"
#include "when.h"

/* The group a team report is about: the team with its sub-teams when it
 * has any (what its leader leads), else the team's own members. */
static const struct cp_group *team_group(const struct cp_results *r,
					 int64_t team)
{
	const struct cp_group *g = cp_results_group(r, CP_SCOPE_SUBTREE, team);

	return g ? g : cp_results_group(r, CP_SCOPE_TEAM, team);
}

static enum rp_group group_of(const char *group)
{
	if (group && strcmp(group, "7c") == 0)
		return RP_GROUP_7C;
	if (group && strcmp(group, "behaviour") == 0)
		return RP_GROUP_BEHAVIOUR;
	if (group && strcmp(group, "progress") == 0)
		return RP_GROUP_PROGRESS;
	return RP_GROUP_OTHER;
}

static enum rp_change change_of(const struct cp_change *ch)
{
	if (ch->status == CP_CHANGE_UP)
		return RP_CHANGE_UP;
	if (ch->status == CP_CHANGE_DOWN)
		return RP_CHANGE_DOWN;
	return RP_CHANGE_NONE;
}

/* A date as YYYY-MM-DD, the day in the installation's time zone (UTC
 * unless set), so the same data and setting print the same. */
static void date_of(char *out, size_t n, int64_t t)
{
	if (t <= 0)
		cp_strlcpy(out, "\xE2\x80\x94", n);
	else
		cp_when_date(t, out, n);
}

static const char *purpose_of(const struct cp_survey *sv, const char *question)
{
	const struct cp_question *q = cp_survey_question(sv, question);

	if (q && q->purpose == CP_PURPOSE_GOING_WELL)
		return "going_well";
	if (q && q->purpose == CP_PURPOSE_WOULD_HELP)
		return "would_help";
	return "other";
}

/* A survey text in the report's language (the thread's, set by
 * cp_lang_use), or the survey's own when it has no such translation. */
static const char *text_of(const struct cp_survey *sv, enum cp_text what,
			   size_t i)
{
	return cp_survey_text(sv, what, i, cp_lang_current()->code);
}

static void fill_dimension(struct rp_dimension *d, const struct cp_survey *sv,
			   size_t i, const struct cp_group *g)
{
	const struct cp_stat *st = &g->dims[i];

	d->id = sv->dims[i].id;
	d->title = text_of(sv, CP_TEXT_DIMENSION_TITLE, i);
	d->group = group_of(sv->dims[i].group);
	d->suppressed = g->suppressed || st->suppressed;
	if (!d->suppressed) {
		d->n = (int)st->n;
		d->mean = st->mean;
		d->score = st->score;
		d->favourable = st->favourable;
		d->neutral = st->neutral;
		d->unfavourable = st->unfavourable;
		d->sd = st->sd;
		/* Without an interval (n < 2) the bar shows the mean alone. */
		d->ci_low = st->has_ci ? st->ci_low : st->mean;
		d->ci_high = st->has_ci ? st->ci_high : st->mean;
		d->change = change_of(&g->dim_change[i]);
	}
	/* The leader's own view is not the team's: core gives it even
	 * where the team's is hidden. */
	if (g->has_self && g->self && g->self[i].n > 0) {
		d->has_self = 1;
		d->self_mean = g->self[i].mean;
	}
}

static void fill_item(struct rp_item *it, const struct cp_survey *sv, size_t i,
		      const struct cp_group *g)
{
	const struct cp_stat *st = &g->items[i];

	it->id = sv->items[i].id;
	it->dimension = sv->dims[sv->items[i].dim].id;
	it->text = text_of(sv, CP_TEXT_ITEM, i);
	it->reverse = sv->items[i].reverse;
	it->suppressed = g->suppressed || st->suppressed;
	if (it->suppressed)
		return;
	it->declined = (int)st->declined;
	it->n = (int)st->n;
	it->mean = st->mean;
	for (int v = 0; st->has_dist && v < 5; v++)
		it->counts[v] = (int)st->dist[v];
}

/*
 * The trend point of dimension d in results r, and the mean it had when
 * shown. A wave where the group is missing or hidden is a gap.
 */
static void fill_point(struct rp_trend_point *pt, const struct cp_results *r,
		       int64_t team, const char *dim_id)
{
	const struct cp_group *g = r->scores ? team_group(r, team) : NULL;
	const struct cp_dimension *dim = cp_survey_dimension(r->survey, dim_id);
	size_t d;

	pt->suppressed = 1;
	pt->mean = 0;
	pt->change = RP_CHANGE_NONE;
	if (g == NULL || dim == NULL || g->suppressed)
		return;
	d = (size_t)(dim - r->survey->dims);
	if (g->dims[d].suppressed)
		return;
	pt->suppressed = 0;
	pt->mean = g->dims[d].mean;
	pt->ci_low = g->dims[d].has_ci ? g->dims[d].ci_low : pt->mean;
	pt->ci_high = g->dims[d].has_ci ? g->dims[d].ci_high : pt->mean;
	pt->change = change_of(&g->dim_change[d]);
}

/* The group's eNPS, when the survey has an eNPS item: hidden with core's
 * reason, or its numbers and its change since the previous wave. */
static void fill_enps(struct rp_team_data *t, const struct cp_results *r,
		      const struct cp_group *g)
{
	struct rp_enps *o = &t->report.enps;
	size_t item = cp_results_enps_item(r);
	const struct cp_change *ch = NULL;
	const struct cp_enps *e;

	if (item == CP_NO_GROUP)
		return;
	e = cp_results_enps(r, g, item, &ch);
	o->present = 1;
	o->text = text_of(r->survey, CP_TEXT_ITEM, item);
	o->suppressed = g->suppressed || e == NULL || e->suppressed;
	if (o->suppressed) {
		o->reason = cp_results_reason_text(
		    r, g->suppressed || e == NULL ? &g->why : &e->why,
		    t->enps_reason, sizeof(t->enps_reason));
		return;
	}
	o->n = (int)e->n;
	o->declined = (int)e->declined;
	o->promoters = (int)e->promoters;
	o->passives = (int)e->passives;
	o->detractors = (int)e->detractors;
	o->pct_promoters = e->pct_promoters;
	o->pct_passives = e->pct_passives;
	o->pct_detractors = e->pct_detractors;
	o->score = e->score;
	o->has_ci = e->has_ci;
	o->ci_low = e->ci_low;
	o->ci_high = e->ci_high;
	if (ch && ch->has_diff) {
		o->has_diff = 1;
		o->diff = ch->diff;
		o->diff_low = ch->low;
		o->diff_high = ch->high;
		o->change = change_of(ch);
	}
}

/*
 * The eNPS trend's point of team in r: its score and interval, or a gap,
 * whose reason (core's words, or that the wave asked no eNPS) is added
 * to t->enps_hidden after label, the wave's date.
 */
static void fill_enps_point(struct rp_trend_point *pt, struct rp_team_data *t,
			    const struct cp_results *r, int64_t team,
			    const char *label)
{
	const struct cp_group *g = r->scores ? team_group(r, team) : NULL;
	size_t item = cp_results_enps_item(r), len = strlen(t->enps_hidden);
	const struct cp_change *ch = NULL;
	const struct cp_enps *e = NULL;
	char why[512];
	int n;

	memset(pt, 0, sizeof(*pt));
	pt->suppressed = 1;
	if (g && item != CP_NO_GROUP)
		e = cp_results_enps(r, g, item, &ch);
	if (g && e && !g->suppressed && !e->suppressed) {
		pt->suppressed = 0;
		pt->mean = e->score;
		pt->ci_low = e->has_ci ? e->ci_low : e->score;
		pt->ci_high = e->has_ci ? e->ci_high : e->score;
		pt->change = ch ? change_of(ch) : RP_CHANGE_NONE;
		return;
	}
	if (g == NULL)
		cp_strlcpy(why, _("the team was not in this wave"),
			   sizeof(why));
	else if (item == CP_NO_GROUP || e == NULL)
		cp_strlcpy(why, _("the survey asked no eNPS question"),
			   sizeof(why));
	else
		cp_results_reason_text(r, g->suppressed ? &g->why : &e->why,
				       why, sizeof(why));
	n = snprintf(t->enps_hidden + len, sizeof(t->enps_hidden) - len,
		     "%s%s: %s", len ? "; " : "", label, why);
	if (n < 0 || (size_t)n >= sizeof(t->enps_hidden) - len)
		t->enps_hidden[len] = '\0'; /* cut at a whole entry */
}

/* Why the group is hidden, and the teams inside it shown on their own. */
static void hidden_page(struct rp_team_data *t, const struct cp_results *r,
			const struct cp_group *g)
{
	size_t at = (size_t)(g - r->groups), len = 0;

	t->report.hidden = 1;
	t->report.hidden_reason =
	    cp_results_reason_text(r, &g->why, t->reason, sizeof(t->reason));
	for (size_t i = at + 1; i < r->ngroups; i++) {
		const struct cp_group *x = &r->groups[i];
		int n;
		if (!cp_results_within(r, i, at))
			break;
		if (x->scope != CP_SCOPE_TEAM || x->suppressed)
			continue;
		n = snprintf(t->shown + len, sizeof(t->shown) - len, "%s%s",
			     len ? ", " : "", x->name);
		if (n < 0 || (size_t)n >= sizeof(t->shown) - len)
			break;
		len += (size_t)n;
	}
	t->report.shown_teams = len ? t->shown : NULL;
}

static int alloc_team(struct rp_team_data *t, const struct cp_survey *sv,
		      const struct cp_group *g, struct cp_error *err)
{
	size_t nc = g->comments_shown ? g->ncomments : 0;

	t->dimensions = calloc(sv->ndims + 1, sizeof(*t->dimensions));
	t->trends = calloc(sv->ndims + 1, sizeof(*t->trends));
	t->items = calloc(sv->nitems + 1, sizeof(*t->items));
	t->comments = calloc(nc + 1, sizeof(*t->comments));
	if (!t->dimensions || !t->trends || !t->items || !t->comments)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	return 0;
}

int rp_error_no_scores(struct cp_error *err, long long wave, int status)
{
	if (status == CP_WAVE_SCHEDULED)
		return cp_error_set(
		    err, CP_ECONFLICT,
		    N_("wave %lld is scheduled: scores are shown "
		       "only after a wave closes"),
		    wave);
	if (status == CP_WAVE_CANCELLED)
		return cp_error_set(err, CP_ECONFLICT,
				    N_("wave %lld was cancelled: a cancelled "
				       "wave has no scores"),
				    wave);
	return cp_error_set(err, CP_ECONFLICT,
			    N_("wave %lld is open: scores are shown only "
			       "after a wave closes"),
			    wave);
}

/*
 * Turns core's results into what the team report draws: the header (wave,
 * dates, response rate unless suppressed), a row per dimension and item,
 * the trend over the last RP_WAVES_MAX waves (before[] oldest first, then
 * now), the radar's previous wave and the comments. No decision about
 * what to show is made here: suppression, thresholds and which comments
 * may be shown all come from core/results, and this only copies them
 * over. It is long because it is a flat mapping of fields. The strings
 * are borrowed from now and before[], which must outlive *out; *out
 * itself (the arrays and labels) is the caller's, freed with
 * rp_team_data_free.
 */
int rp_team_report_from_results(struct rp_team_data **out,
				const struct cp_results *now, int64_t team,
				const struct cp_results *const *before,
				size_t n_before, struct cp_error *err)
{
	const struct cp_survey *sv = now->survey;
	const struct cp_group *g;
	struct rp_team_report *r;
	struct rp_team_data *t;
	size_t first, w, i;

	*out = NULL;
	if (!now->scores)
		return rp_error_no_scores(err, now->wave.id, now->wave.status);
	g = team_group(now, team);
	if (g == NULL)
		return cp_error_set(err, CP_ENOTFOUND,
				    N_("the team is not in wave %lld"),
				    (long long)now->wave.id);
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	if (alloc_team(t, sv, g, err)) {
		rp_team_data_free(t);
		return CP_ENOMEM;
	}
	r = &t->report;
	snprintf(t->wave, sizeof(t->wave), "Wave %lld",
		 (long long)now->wave.id);
	date_of(t->opens, sizeof(t->opens), now->wave.opens_at);
	/* When it closed, which may be before (closed by hand) or without
	 * (no closing time set) its planned closing time. */
	date_of(t->closes, sizeof(t->closes),
		now->wave.closed_at ? now->wave.closed_at
				    : now->wave.closes_at);
	r->team = g->name;
	r->wave = t->wave;
	r->opens = t->opens;
	r->closes = t->closes;
	r->response_rate_hidden = g->suppressed || !g->has_rate;
	if (!r->response_rate_hidden) {
		r->responses = (int)g->answered;
		r->invited = (int)g->delivered;
	}
	r->threshold = now->threshold;
	r->comment_threshold = now->comment_threshold;
	r->survey_id = sv->id;
	r->survey_title = text_of(sv, CP_TEXT_TITLE, 0);
	r->survey_version = sv->version;

	for (i = 0; i < sv->ndims; i++)
		fill_dimension(&t->dimensions[i], sv, i, g);
	/* Agree items only: an eNPS item is a measure of its own
	 * (cp_results_enps), not a statement with a 1-5 mean. */
	r->n_items = 0;
	for (i = 0; i < sv->nitems; i++)
		if (sv->items[i].type == CP_ITEM_AGREE)
			fill_item(&t->items[r->n_items++], sv, i, g);
	r->dimensions = t->dimensions;
	r->n_dimensions = sv->ndims;
	r->items = t->items;
	fill_enps(t, now, g);

	/* The trend: the last waves before this one, then this one. */
	first = n_before > RP_WAVES_MAX - 1 ? n_before - (RP_WAVES_MAX - 1) : 0;
	for (w = first; w <= n_before; w++) {
		const struct cp_results *wr = w < n_before ? before[w] : now;
		char *label = t->wave_labels[r->n_waves];

		date_of(label, sizeof(t->wave_labels[0]), wr->wave.opens_at);
		t->waves[r->n_waves] = label;
		for (i = 0; i < sv->ndims; i++) {
			t->trends[i].dimension = sv->dims[i].id;
			fill_point(&t->trends[i].points[r->n_waves], wr, team,
				   sv->dims[i].id);
		}
		if (r->enps.present)
			fill_enps_point(&r->enps.trend[r->n_waves], t, wr, team,
					label);
		r->n_waves++;
	}
	r->enps.trend_hidden = t->enps_hidden[0] ? t->enps_hidden : NULL;
	r->waves = t->waves;
	r->trends = t->trends;
	r->n_trends = sv->ndims;

	/* The radar's previous wave: the one core compared with, when it
	 * is among the trend's waves and was shown there. */
	for (i = 0; i < sv->ndims; i++) {
		struct rp_dimension *d = &t->dimensions[i];
		int64_t prev = g->dim_change[i].previous_wave;

		for (w = first; !d->suppressed && prev && w < n_before; w++) {
			struct rp_trend_point pt;

			if (before[w]->wave.id != prev)
				continue;
			fill_point(&pt, before[w], team, d->id);
			d->has_previous = !pt.suppressed;
			d->previous_mean = pt.mean;
		}
	}

	r->comments_shown = g->comments_shown && !g->suppressed;
	for (i = 0; r->comments_shown && i < g->ncomments; i++) {
		t->comments[i].purpose =
		    purpose_of(sv, g->comments[i].question_id);
		t->comments[i].text = g->comments[i].text;
	}
	r->comments = t->comments;
	r->n_comments = r->comments_shown ? g->ncomments : 0;
	if (g->suppressed)
		hidden_page(t, now, g);
	*out = t;
	return 0;
}

int rp_team_report_set_actions(struct rp_team_data *d, struct cp_action *rows,
			       size_t n, const struct cp_wave *from,
			       struct cp_error *err)
{
	char opens[16];

	free(d->action_rows);
	free(d->actions);
	free(d->action_dates);
	d->action_rows = rows;
	d->actions = calloc(n + 1, sizeof(*d->actions));
	d->action_dates = calloc(n + 1, sizeof(*d->action_dates));
	d->report.n_actions = 0;
	if (d->actions == NULL || d->action_dates == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct rp_action *a = &d->actions[i];

		a->text = rows[i].text;
		a->owner = rows[i].owner[0] ? rows[i].owner : NULL;
		if (rows[i].review_at) {
			date_of(d->action_dates[i][0], 16, rows[i].review_at);
			a->review = d->action_dates[i][0];
		}
		if (rows[i].done_at) {
			date_of(d->action_dates[i][1], 16, rows[i].done_at);
			a->done = d->action_dates[i][1];
		}
	}
	date_of(opens, sizeof(opens), from->opens_at);
	snprintf(d->actions_wave, sizeof(d->actions_wave), "Wave %lld (%s)",
		 (long long)from->id, opens);
	d->report.actions = d->actions;
	d->report.n_actions = n;
	d->report.actions_wave = d->actions_wave;
	return 0;
}

void rp_team_data_free(struct rp_team_data *d)
{
	if (d == NULL)
		return;
	free(d->action_rows);
	free(d->actions);
	free(d->action_dates);
	free(d->dimensions);
	free(d->items);
	free(d->trends);
	free(d->comments);
	free(d);
}

/* "Ward 4", "Nursing (with sub-teams)" for a team's whole subtree, and
 * "Nursing (own members)" for the members of a team that has sub-teams. */
static char *row_name(const struct cp_results *r, const struct cp_group *g)
{
	const struct cp_group *up =
	    g->parent < r->ngroups ? &r->groups[g->parent] : NULL;
	int own = g->scope == CP_SCOPE_TEAM && up &&
		  up->scope == CP_SCOPE_SUBTREE && up->team_id == g->team_id;
	struct cp_buf b;
	int rc;

	cp_buf_init(&b, 0);
	if (g->scope == CP_SCOPE_SUBTREE)
		/* TRANSLATORS: a row rolling up the teams below. */
		rc = cp_buf_printf(&b, NULL, _("%s (with sub-teams)"), g->name);
	else if (own)
		/* TRANSLATORS: the row of a team's own members only. */
		rc = cp_buf_printf(&b, NULL, _("%s (own members)"), g->name);
	else
		rc = cp_buf_adds(&b, g->name, NULL);
	if (rc) {
		cp_buf_release(&b);
		return NULL;
	}
	return cp_buf_detach(&b);
}

/* The eNPS column's cell: core's score, or hidden as core decided. */
static void enps_cell(struct rp_compare_cell *c, const struct cp_results *r,
		      const struct cp_group *g, size_t item)
{
	/* Its change is the team report's: the change column counts the
	 * dimensions, as its legend says. */
	const struct cp_enps *e =
	    g->suppressed ? NULL : cp_results_enps(r, g, item, NULL);

	c->suppressed = e == NULL || e->suppressed;
	c->protects =
	    (e == NULL ? g->why.reason : e->why.reason) == CP_REASON_PROTECTS;
	if (c->suppressed)
		return;
	c->value = e->score;
}

static void fill_row(struct rp_compare_row *row, struct rp_compare_cell *cells,
		     const struct cp_results *r, const struct cp_group *g,
		     enum rp_measure measure)
{
	size_t enps = cp_results_enps_item(r);

	row->depth = g->depth;
	row->rollup = g->scope != CP_SCOPE_TEAM;
	row->response_rate_hidden = g->suppressed || !g->has_rate;
	if (!row->response_rate_hidden)
		row->response_rate = g->response_rate;
	/* A count is shown where the group's results are: core has zeroed
	 * it where they are not. */
	row->responses_hidden = g->suppressed;
	if (!g->suppressed)
		row->responses = (int)g->answered;
	for (size_t d = 0;
	     !g->suppressed && g->dim_change && d < r->survey->ndims; d++) {
		const struct cp_change *ch = &g->dim_change[d];

		if (g->dims[d].suppressed || !ch->has_diff)
			continue;
		row->has_previous = 1;
		row->ups += ch->status == CP_CHANGE_UP;
		row->downs += ch->status == CP_CHANGE_DOWN;
	}
	for (size_t d = 0; d < r->survey->ndims; d++) {
		const struct cp_stat *st = &g->dims[d];

		cells[d].suppressed = g->suppressed || st->suppressed;
		cells[d].protects =
		    (g->suppressed ? g->why.reason : st->why.reason) ==
		    CP_REASON_PROTECTS;
		if (!cells[d].suppressed)
			cells[d].value = measure == RP_MEASURE_FAVOURABLE
					     ? st->favourable
					     : st->score;
	}
	if (enps != CP_NO_GROUP)
		enps_cell(&cells[r->survey->ndims], r, g, enps);
	row->cells = cells;
}

/* The words for a hidden row, kept in c->reasons[slot]. */
static int row_reason(struct rp_compare_data *c, size_t slot,
		      const struct cp_results *r, const struct cp_group *g,
		      const char **out)
{
	char buf[512];

	c->reasons[slot] =
	    cp_strdup(cp_results_reason_text(r, &g->why, buf, sizeof(buf)));
	*out = c->reasons[slot];
	return c->reasons[slot] == NULL;
}

int rp_compare_report_from_results(struct rp_compare_data **out,
				   const struct cp_results *r,
				   enum rp_measure measure, enum rp_sort sort,
				   struct cp_error *err)
{
	const struct cp_survey *sv = r->survey;
	const struct cp_group *org = NULL;
	struct rp_compare_data *c;
	size_t enps = cp_results_enps_item(r);
	size_t nd = sv->ndims + (enps != CP_NO_GROUP), nrows = 0, i;

	*out = NULL;
	if (!r->scores)
		return rp_error_no_scores(err, r->wave.id, r->wave.status);
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	c->columns = calloc(nd + 1, sizeof(*c->columns));
	c->rows = calloc(r->ngroups + 1, sizeof(*c->rows));
	c->cells = calloc((r->ngroups + 1) * (nd + 1), sizeof(*c->cells));
	c->names = calloc(r->ngroups + 1, sizeof(*c->names));
	c->reasons = calloc(r->ngroups + 1, sizeof(*c->reasons));
	c->nreasons = c->reasons ? r->ngroups + 1 : 0;
	if (!c->columns || !c->rows || !c->cells || !c->names || !c->reasons) {
		rp_compare_data_free(c);
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	}
	for (i = 0; i < sv->ndims; i++) {
		c->columns[i].id = sv->dims[i].id;
		c->columns[i].title = text_of(sv, CP_TEXT_DIMENSION_TITLE, i);
	}
	if (enps != CP_NO_GROUP) {
		c->columns[i].id = sv->items[enps].id;
		c->columns[i].title = _("eNPS");
		c->columns[i].enps = 1;
	}
	for (i = 0; i < r->ngroups; i++) {
		const struct cp_group *g = &r->groups[i];

		if (g->scope == CP_SCOPE_ORGANISATION) {
			org = g;
			continue;
		}
		c->names[nrows] = row_name(r, g);
		if (c->names[nrows] == NULL) {
			rp_compare_data_free(c);
			return cp_error_set(err, CP_ENOMEM, "out of memory");
		}
		c->rows[nrows].team = c->names[nrows];
		fill_row(&c->rows[nrows], &c->cells[nrows * (nd + 1)], r, g,
			 measure);
		if (g->suppressed &&
		    row_reason(c, nrows, r, g, &c->rows[nrows].hidden_reason)) {
			rp_compare_data_free(c);
			return cp_error_set(err, CP_ENOMEM, "out of memory");
		}
		nrows++;
	}
	snprintf(c->wave, sizeof(c->wave), "Wave %lld", (long long)r->wave.id);
	c->report.wave = c->wave;
	c->report.survey_title = text_of(sv, CP_TEXT_TITLE, 0);
	c->report.survey_version = sv->version;
	c->report.threshold = r->threshold;
	c->report.measure = measure;
	c->report.sort = sort;
	c->report.columns = c->columns;
	c->report.n_columns = nd;
	c->report.rows = c->rows;
	c->report.n_rows = nrows;
	if (org) {
		c->report.organisation.team = "Organisation";
		fill_row(&c->report.organisation, &c->cells[nrows * (nd + 1)],
			 r, org, measure);
		if (org->suppressed &&
		    row_reason(c, nrows, r, org,
			       &c->report.organisation.hidden_reason)) {
			rp_compare_data_free(c);
			return cp_error_set(err, CP_ENOMEM, "out of memory");
		}
	}
	*out = c;
	return 0;
}

void rp_compare_data_free(struct rp_compare_data *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; d->names && d->names[i]; i++)
		free(d->names[i]);
	free(d->names);
	for (size_t i = 0; i < d->nreasons; i++)
		free(d->reasons[i]);
	free(d->reasons);
	free(d->columns);
	free(d->rows);
	free(d->cells);
	free(d);
}
