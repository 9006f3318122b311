/*
 * cmd_results.c - results [WAVE] [--team TEAM] [--trend] [--matrix]
 *
 * Prints what core/results.h computed; every threshold and every
 * anti-differencing decision is made there, so the terminal, CSV, JSON
 * and the PDF reports cannot disagree. Column names are documented in
 * docs/results.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "output.h"
#include "results.h"
#include "store.h"

#define NOT_ENOUGH "not enough responses"

static const struct cmd_opt results_opts[] = {
    {"team", 't', OPT_VALUE, "TEAM",
     "only TEAM and its sub-teams (default: every group)"},
    {"trend", 0, OPT_FLAG, NULL,
     "every wave of one group: TEAM with its sub-teams, or the "
     "organisation"},
    {"matrix", 'm', OPT_FLAG, NULL,
     "one row per group, one column per dimension (the heat map)"},
    {"measure", 0, OPT_VALUE, "MEASURE",
     "what --matrix shows: score (default), mean or favourable"},
    {"items", 'i', OPT_FLAG, NULL, "add a row for every item"},
    {"comments", 'c', OPT_FLAG, NULL,
     "list the comments of groups above the comment threshold"},
    {0},
};

/* The machine-readable rows (csv, json): one per group and measure. */
static const struct out_col data_cols[] = {
    {"wave", COL_INT},
    {"wave_status", COL_TEXT},
    {"threshold", COL_INT},
    {"group", COL_TEXT},
    {"scope", COL_TEXT},
    {"parent_group", COL_TEXT},
    {"parent_scope", COL_TEXT},
    {"measure", COL_TEXT},
    {"dimension", COL_TEXT},
    {"item", COL_TEXT},
    {"suppressed", COL_BOOL},
    {"n", COL_INT},
    {"delivered", COL_INT},
    {"response_rate", COL_NUM},
    {"mean", COL_NUM},
    {"score", COL_NUM},
    {"sd", COL_NUM},
    {"ci_low", COL_NUM},
    {"ci_high", COL_NUM},
    {"favourable", COL_NUM},
    {"neutral", COL_NUM},
    {"unfavourable", COL_NUM},
    {"count_1", COL_INT},
    {"count_2", COL_INT},
    {"count_3", COL_INT},
    {"count_4", COL_INT},
    {"count_5", COL_INT},
    {"self_mean", COL_NUM},
    {"self_gap", COL_NUM},
    {"previous_wave", COL_INT},
    {"change", COL_NUM},
    {"change_low", COL_NUM},
    {"change_high", COL_NUM},
    {"change_status", COL_TEXT},
};
#define NDATA (sizeof(data_cols) / sizeof(data_cols[0]))

/* What a person reads at a terminal. */
static const struct out_col table_cols[] = {
    {"wave", COL_INT},	     {"group", COL_TEXT}, {"measure", COL_TEXT},
    {"n", COL_INT},	     {"mean", COL_TEXT},  {"0-100", COL_NUM},
    {"favourable", COL_NUM}, {"sd", COL_NUM},	  {"95% CI", COL_TEXT},
    {"self", COL_NUM},	     {"gap", COL_NUM},	  {"change", COL_TEXT},
};
#define NTABLE (sizeof(table_cols) / sizeof(table_cols[0]))

/* v with prec decimals, or no value. */
static void num(struct out_table *t, bool show, int prec, double v)
{
	if (show)
		out_cellf(t, "%.*f", prec, v);
	else
		out_cell(t, NULL);
}

static void count(struct out_table *t, bool show, int64_t v)
{
	if (show)
		out_cellf(t, "%lld", (long long)v);
	else
		out_cell(t, NULL);
}

/* "Ward 4" for a team, "Nursing +" for a team with its sub-teams. */
static void group_label(struct out_table *t, const struct cp_group *g)
{
	int pad = g->depth > 0 ? g->depth - 1 : 0;

	if (g->scope == CP_SCOPE_SUBTREE)
		out_cellf(t, "%*s%s (with sub-teams)", 2 * pad, "", g->name);
	else if (g->scope == CP_SCOPE_TEAM)
		out_cellf(t, "%*s%s", 2 * pad, "", g->name);
	else
		out_cell(t, "organisation");
}

static const char *change_text(const struct cp_change *ch, char *buf, size_t n)
{
	switch (ch->status) {
	case CP_CHANGE_UP:
	case CP_CHANGE_DOWN:
		snprintf(buf, n, "%s %+.2f [%+.2f, %+.2f]",
			 ch->status == CP_CHANGE_UP ? "up" : "down", ch->diff,
			 ch->low, ch->high);
		return buf;
	case CP_CHANGE_UNDETECTABLE:
		return "no detectable change";
	default:
		return NULL;
	}
}

/* One row of the group as a whole: responses and the response rate. */
static void group_row(struct out_table *t, const struct cp_results *r,
		      const struct cp_group *g, enum cmd_format fmt)
{
	const struct cp_group *p =
	    g->parent == CP_NO_GROUP ? NULL : &r->groups[g->parent];
	bool show = !g->suppressed;

	if (fmt == FORMAT_TABLE) {
		out_cellf(t, "%lld", (long long)r->wave.id);
		group_label(t, g);
		out_cell(t, "responses");
		count(t, show, g->answered);
		if (g->suppressed)
			out_cell(t, NOT_ENOUGH);
		else if (g->has_rate)
			out_cellf(t, "%.0f%% of %lld", g->response_rate,
				  (long long)g->delivered);
		else
			out_cell(t, NULL);
		for (size_t c = 5; c < NTABLE; c++)
			out_cell(t, NULL);
		return;
	}
	out_cellf(t, "%lld", (long long)r->wave.id);
	out_cell(t, cp_wave_status_name(r->wave.status));
	out_cellf(t, "%d", r->threshold);
	out_cell(t, g->name);
	out_cell(t, cp_scope_name(g->scope));
	out_cell(t, p ? p->name : NULL);
	out_cell(t, p ? cp_scope_name(p->scope) : NULL);
	out_cell(t, "responses");
	out_cell(t, NULL);
	out_cell(t, NULL);
	out_cell(t, g->suppressed ? "true" : "false");
	count(t, show, g->answered);
	count(t, show && g->has_rate, g->delivered);
	num(t, show && g->has_rate, 4, g->response_rate);
	for (size_t c = 14; c < NDATA; c++)
		out_cell(t, NULL);
}

/* One row of a dimension (self and gap given) or an item (self NULL). */
static void measure_row(struct out_table *t, const struct cp_results *r,
			const struct cp_group *g, const char *dimension,
			const char *item, const char *label,
			const struct cp_stat *st, const struct cp_change *ch,
			const struct cp_stat *self, const double *gap,
			enum cmd_format fmt)
{
	const struct cp_group *p =
	    g->parent == CP_NO_GROUP ? NULL : &r->groups[g->parent];
	bool show = !st->suppressed;
	bool has_self = show && self && self->n > 0;
	bool has_change = show && ch->status != CP_CHANGE_NONE;
	char buf[96];

	if (fmt == FORMAT_TABLE) {
		out_cellf(t, "%lld", (long long)r->wave.id);
		group_label(t, g);
		out_cellf(t, "%s%s", item ? "  " : "", label);
		count(t, show, st->n);
		if (show)
			out_cellf(t, "%.2f", st->mean);
		else
			out_cell(t, NOT_ENOUGH);
		num(t, show, 0, st->score);
		if (show)
			out_cellf(t, "%.0f%%", st->favourable);
		else
			out_cell(t, NULL);
		num(t, show, 2, st->sd);
		if (show && st->has_ci)
			out_cellf(t, "%.2f-%.2f", st->ci_low, st->ci_high);
		else
			out_cell(t, NULL);
		num(t, has_self, 2, has_self ? self->mean : 0);
		if (has_self)
			out_cellf(t, "%+.2f", gap ? *gap : 0);
		else
			out_cell(t, NULL);
		out_cell(t,
			 has_change ? change_text(ch, buf, sizeof(buf)) : NULL);
		return;
	}
	out_cellf(t, "%lld", (long long)r->wave.id);
	out_cell(t, cp_wave_status_name(r->wave.status));
	out_cellf(t, "%d", r->threshold);
	out_cell(t, g->name);
	out_cell(t, cp_scope_name(g->scope));
	out_cell(t, p ? p->name : NULL);
	out_cell(t, p ? cp_scope_name(p->scope) : NULL);
	out_cell(t, item ? "item" : "dimension");
	out_cell(t, dimension);
	out_cell(t, item);
	out_cell(t, show ? "false" : "true");
	count(t, show, st->n);
	out_cell(t, NULL);
	out_cell(t, NULL);
	num(t, show, 4, st->mean);
	num(t, show, 4, st->score);
	num(t, show, 4, st->sd);
	num(t, show && st->has_ci, 4, st->ci_low);
	num(t, show && st->has_ci, 4, st->ci_high);
	num(t, show, 4, st->favourable);
	num(t, show, 4, st->neutral);
	num(t, show, 4, st->unfavourable);
	for (int v = 0; v < CP_SCALE_POINTS; v++)
		count(t, show, st->dist[v]);
	num(t, has_self, 4, has_self ? self->mean : 0);
	num(t, has_self && show, 4, gap ? *gap : 0);
	count(t, has_change, ch->previous_wave);
	num(t, has_change && ch->has_diff, 4, ch->diff);
	num(t, has_change && ch->has_diff, 4, ch->low);
	num(t, has_change && ch->has_diff, 4, ch->high);
	out_cell(t, has_change ? cp_change_status_name(ch->status) : NULL);
}

/*
 * The leader's self-assessment of a dimension on a row of its own, so it
 * stands even where the team's view is suppressed, and is never counted
 * into it. In a table it is only needed where the team's is hidden: else
 * the self column of the dimension row has it.
 */
static void self_row(struct out_table *t, const struct cp_results *r,
		     const struct cp_group *g, size_t d, enum cmd_format fmt)
{
	const struct cp_group *p =
	    g->parent == CP_NO_GROUP ? NULL : &r->groups[g->parent];
	const struct cp_stat *st = &g->self[d];

	if (fmt == FORMAT_TABLE) {
		out_cellf(t, "%lld", (long long)r->wave.id);
		group_label(t, g);
		out_cellf(t, "self: %s", r->survey->dims[d].title);
		out_cell(t, NULL);
		out_cell(t, NULL);
		for (size_t c = 5; c < NTABLE; c++)
			if (c == 9)
				out_cellf(t, "%.2f", st->mean);
			else
				out_cell(t, NULL);
		return;
	}
	out_cellf(t, "%lld", (long long)r->wave.id);
	out_cell(t, cp_wave_status_name(r->wave.status));
	out_cellf(t, "%d", r->threshold);
	out_cell(t, g->name);
	out_cell(t, cp_scope_name(g->scope));
	out_cell(t, p ? p->name : NULL);
	out_cell(t, p ? cp_scope_name(p->scope) : NULL);
	out_cell(t, "self");
	out_cell(t, r->survey->dims[d].id);
	out_cell(t, NULL);
	out_cell(t, "false");
	for (size_t c = 11; c < NDATA; c++)
		if (strcmp(data_cols[c].name, "self_mean") == 0)
			out_cellf(t, "%.4f", st->mean);
		else
			out_cell(t, NULL);
}

static void group_rows(struct out_table *t, const struct cp_results *r,
		       const struct cp_group *g, bool items,
		       enum cmd_format fmt)
{
	const struct cp_survey *sv = r->survey;

	group_row(t, r, g, fmt);
	if (!r->scores)
		return;
	for (size_t d = 0; d < sv->ndims; d++) {
		measure_row(t, r, g, sv->dims[d].id, NULL, sv->dims[d].title,
			    &g->dims[d], &g->dim_change[d],
			    g->has_self ? &g->self[d] : NULL, &g->self_gap[d],
			    fmt);
		if (g->has_self && g->self[d].n > 0 &&
		    (fmt != FORMAT_TABLE || g->dims[d].suppressed))
			self_row(t, r, g, d, fmt);
		for (size_t i = 0; items && i < sv->nitems; i++)
			if (sv->items[i].dim == d)
				measure_row(t, r, g, sv->dims[d].id,
					    sv->items[i].id, sv->items[i].id,
					    &g->items[i], &g->item_change[i],
					    NULL, NULL, fmt);
	}
}

/* The groups --team TEAM shows: that team's own, its subtree and all
 * below; without --team, every group. */
static bool in_view(const struct cp_results *r, size_t g, int64_t team)
{
	const struct cp_group *top;

	if (team == 0)
		return true;
	top = cp_results_group(r, CP_SCOPE_SUBTREE, team);
	if (top == NULL)
		top = cp_results_group(r, CP_SCOPE_TEAM, team);
	return top && cp_results_within(r, g, (size_t)(top - r->groups));
}

static int print_table(struct cmd_ctx *c, struct out_table *t)
{
	if (out_table_print(t, stdout, c->format))
		return cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	return 0;
}

static void open_note(const struct cmd_ctx *c, const struct cp_results *r)
{
	if (c->format == FORMAT_TABLE && !r->scores)
		printf("wave %lld is %s: only the number of responses is "
		       "shown until it closes\n",
		       (long long)r->wave.id,
		       cp_wave_status_name(r->wave.status));
}

static int show_wave(struct cmd_ctx *c, const struct cp_results *r,
		     int64_t team)
{
	struct out_table t;
	bool table = c->format == FORMAT_TABLE;
	int rc;

	out_table_init(&t, table ? table_cols : data_cols,
		       table ? NTABLE : NDATA);
	for (size_t g = 0; g < r->ngroups; g++)
		if (in_view(r, g, team))
			group_rows(&t, r, &r->groups[g], cmd_flag(c, "items"),
				   c->format);
	open_note(c, r);
	rc = print_table(c, &t);
	out_table_release(&t);
	return rc;
}

static int show_comments(struct cmd_ctx *c, const struct cp_results *r,
			 int64_t team)
{
	static const struct out_col cols[] = {
	    {"wave", COL_INT},	    {"group", COL_TEXT},   {"scope", COL_TEXT},
	    {"question", COL_TEXT}, {"comment", COL_TEXT},
	};
	struct out_table t;
	int rc;

	out_table_init(&t, cols, 5);
	for (size_t g = 0; g < r->ngroups; g++) {
		const struct cp_group *gr = &r->groups[g];
		if (!in_view(r, g, team) || !gr->comments_shown)
			continue;
		for (size_t i = 0; i < gr->ncomments; i++) {
			out_cellf(&t, "%lld", (long long)r->wave.id);
			out_cell(&t, gr->name);
			out_cell(&t, cp_scope_name(gr->scope));
			out_cell(&t, gr->comments[i].question_id);
			out_cell(&t, gr->comments[i].text);
		}
	}
	open_note(c, r);
	rc = print_table(c, &t);
	out_table_release(&t);
	return rc;
}

static int show_matrix(struct cmd_ctx *c, const struct cp_results *r,
		       int64_t team, const char *measure)
{
	const struct cp_survey *sv = r->survey;
	size_t ncols = 6 + sv->ndims;
	struct out_col *cols = calloc(ncols, sizeof(*cols));
	struct out_table t;
	int rc;

	if (cols == NULL)
		return cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	cols[0] = (struct out_col){"wave", COL_INT};
	cols[1] = (struct out_col){"group", COL_TEXT};
	cols[2] = (struct out_col){"scope", COL_TEXT};
	cols[3] = (struct out_col){"suppressed", COL_BOOL};
	cols[4] = (struct out_col){"n", COL_INT};
	cols[5] = (struct out_col){"response_rate", COL_NUM};
	for (size_t d = 0; d < sv->ndims; d++)
		cols[6 + d] = (struct out_col){sv->dims[d].id, COL_NUM};
	out_table_init(&t, cols, ncols);
	for (size_t g = 0; g < r->ngroups; g++) {
		const struct cp_group *gr = &r->groups[g];
		bool show = !gr->suppressed;
		if (!in_view(r, g, team))
			continue;
		out_cellf(&t, "%lld", (long long)r->wave.id);
		if (c->format == FORMAT_TABLE)
			group_label(&t, gr);
		else
			out_cell(&t, gr->name);
		out_cell(&t, cp_scope_name(gr->scope));
		out_cell(&t, show ? "false" : "true");
		count(&t, show, gr->answered);
		num(&t, show && gr->has_rate, 4, gr->response_rate);
		for (size_t d = 0; d < sv->ndims; d++) {
			const struct cp_stat *st =
			    r->scores ? &gr->dims[d] : NULL;
			double v = 0;
			if (st && strcmp(measure, "mean") == 0)
				v = st->mean;
			else if (st && strcmp(measure, "favourable") == 0)
				v = st->favourable;
			else if (st)
				v = st->score;
			if (st && st->suppressed && c->format == FORMAT_TABLE)
				out_cell(&t, NOT_ENOUGH);
			else
				num(&t, st && !st->suppressed,
				    c->format == FORMAT_TABLE ? 1 : 4, v);
		}
	}
	open_note(c, r);
	rc = print_table(c, &t);
	out_table_release(&t);
	free(cols);
	return rc;
}

/* The trend: the chosen group in every wave that includes its team. */
static int show_trend(struct cmd_ctx *c, int64_t team)
{
	struct cp_results_opts opts = {
	    .changes = true, .no_item_changes = !cmd_flag(c, "items")};
	struct out_table t;
	bool table = c->format == FORMAT_TABLE;
	int64_t *waves;
	size_t n;
	int rc;

	if (cp_results_waves(c->store, team, &waves, &n, &c->err))
		return c->err.code;
	out_table_init(&t, table ? table_cols : data_cols,
		       table ? NTABLE : NDATA);
	rc = 0;
	for (size_t w = 0; w < n && rc == 0; w++) {
		struct cp_results *r;
		const struct cp_group *g;
		rc = cp_results_load(&r, c->store, waves[w], &opts, &c->err);
		if (rc)
			break;
		g = team ? cp_results_group(r, CP_SCOPE_SUBTREE, team) : NULL;
		if (g == NULL)
			g = cp_results_group(
			    r, team ? CP_SCOPE_TEAM : CP_SCOPE_ORGANISATION,
			    team);
		if (g)
			group_rows(&t, r, g, cmd_flag(c, "items"), c->format);
		cp_results_free(r);
	}
	free(waves);
	if (rc == 0)
		rc = print_table(c, &t);
	out_table_release(&t);
	return rc;
}

static int parse_wave(struct cmd_ctx *c, int64_t *wave)
{
	const char *s = c->argv[0];
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *s == '\0' || *end || v <= 0)
		return cmd_usage_error(c, "WAVE '%s' is not a wave number", s);
	*wave = v;
	return 0;
}

static int cmd_results_exec(struct cmd_ctx *c)
{
	struct cp_results_opts opts = {
	    .changes = true, .no_item_changes = !cmd_flag(c, "items")};
	const char *team_name = cmd_value(c, "team");
	const char *measure = cmd_value(c, "measure");
	struct cp_results *r = NULL;
	int64_t wave = 0, team = 0;
	int rc;

	if (measure && strcmp(measure, "score") && strcmp(measure, "mean") &&
	    strcmp(measure, "favourable"))
		return cmd_usage_error(c,
				       "--measure '%s': expected score, mean "
				       "or favourable",
				       measure);
	if (measure && !cmd_flag(c, "matrix"))
		return cmd_usage_error(c, "--measure goes with --matrix");
	if (cmd_flag(c, "trend") &&
	    (cmd_flag(c, "matrix") || cmd_flag(c, "comments") || c->argc))
		return cmd_usage_error(c, "--trend shows every wave: it takes "
					  "no WAVE, --matrix or --comments");
	if (cmd_flag(c, "matrix") && cmd_flag(c, "comments"))
		return cmd_usage_error(c, "--matrix and --comments are "
					  "separate views");
	if (c->argc && (rc = parse_wave(c, &wave)) != 0)
		return rc;
	if (team_name &&
	    cp_store_team_find(c->store, team_name, &team, &c->err))
		return cmd_report(&c->err);
	if (cmd_flag(c, "trend"))
		return show_trend(c, team) ? cmd_report(&c->err) : EXIT_OK;
	if (wave == 0 && cp_results_latest_wave(c->store, &wave, &c->err))
		return cmd_report(&c->err);
	opts.comments = cmd_flag(c, "comments");
	if (cp_results_load(&r, c->store, wave, &opts, &c->err))
		return cmd_report(&c->err);
	if (team && cp_results_group(r, CP_SCOPE_TEAM, team) == NULL &&
	    cp_results_group(r, CP_SCOPE_SUBTREE, team) == NULL) {
		cp_error_set(&c->err, CP_ENOTFOUND,
			     "team '%s' is not in wave %lld", team_name,
			     (long long)wave);
		cp_results_free(r);
		return cmd_report(&c->err);
	}
	if (cmd_flag(c, "matrix"))
		rc = show_matrix(c, r, team, measure ? measure : "score");
	else if (cmd_flag(c, "comments"))
		rc = show_comments(c, r, team);
	else
		rc = show_wave(c, r, team);
	cp_results_free(r);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

const struct cmd_entry cmd_results_entry = {
    .name = "results",
    .summary = "a wave's scores per group, with thresholds applied",
    .usage = "[WAVE] [--team TEAM] [--trend] [--matrix] [--items] "
	     "[--comments]",
    .description =
	"Shows the newest wave unless WAVE is given. For each group (the "
	"organisation,\neach team with its sub-teams, each team's own "
	"members) and each dimension:\nrespondents, the mean on 1-5 and "
	"on 0-100, % favourable (4-5), the standard\ndeviation, a 95% "
	"confidence interval, the leader's self-assessment with the\ngap, "
	"and the change from the group's previous wave. A group with "
	"fewer than\nthe threshold of responses, or one that could be "
	"worked out from others,\nshows \"not enough responses\". Scores "
	"appear once a wave is closed. The\nmethod is in docs/method.md, "
	"the columns in docs/results.md.",
    .opts = results_opts,
    .min_args = 0,
    .max_args = 1,
    .flags = CMD_NEEDS_DB | CMD_READS_DB | CMD_FORMAT,
    .exec = cmd_results_exec,
};
