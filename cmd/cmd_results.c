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
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "i18n.h"
#include "output.h"
#include "results.h"
#include "store.h"
#include "text.h"
#include "when.h"

/* Room for a reason in words (cp_results_reason_text). */
#define REASON_MAX 512
/* An item's statement in the table, in characters: the rest is cut. */
#define STATEMENT_MAX 46
/* The terminal width --matrix fits when COLUMNS does not say. */
#define MATRIX_WIDTH 100

enum {
	RESULTS_TEAM,
	RESULTS_TREND,
	RESULTS_MATRIX,
	RESULTS_MEASURE,
	RESULTS_ITEMS,
	RESULTS_COMMENTS,
	RESULTS_ALL_WAVES,
	RESULTS_NOPTS
};

static const struct cmd_opt results_opts[RESULTS_NOPTS] = {
    [RESULTS_TEAM] = {"team", 't', OPT_VALUE, "TEAM",
		      N_("only TEAM and its sub-teams (default: every group)")},
    [RESULTS_TREND] =
	{"trend", 0, OPT_FLAG, NULL,
	 N_("every wave of one group: TEAM with its sub-teams, or the "
	    "organisation")},
    [RESULTS_MATRIX] =
	{"matrix", 'm', OPT_FLAG, NULL,
	 N_("one row per group, one column per dimension (the heat map)")},
    [RESULTS_MEASURE] =
	{"measure", 0, OPT_VALUE, "MEASURE",
	 N_("what --matrix shows: score (default), mean or favourable")},
    [RESULTS_ITEMS] = {"items", 'i', OPT_FLAG, NULL,
		       N_("add a row for every item")},
    [RESULTS_COMMENTS] =
	{"comments", 'c', OPT_FLAG, NULL,
	 N_("list the comments of groups above the comment threshold")},
    [RESULTS_ALL_WAVES] =
	{"all-waves", 0, OPT_FLAG, NULL,
	 N_("every wave that was not cancelled, oldest first, "
	    "in one table")},
};

/* The machine-readable rows (csv, json): one per group and measure. */
enum data_col {
	DATA_WAVE,
	DATA_WAVE_STATUS,
	DATA_THRESHOLD,
	DATA_GROUP,
	DATA_SCOPE,
	DATA_PARENT_GROUP,
	DATA_PARENT_SCOPE,
	DATA_MEASURE,
	DATA_DIMENSION,
	DATA_ITEM,
	DATA_SUPPRESSED,
	DATA_REASON,
	DATA_PROTECTS,
	DATA_N,
	DATA_DELIVERED,
	DATA_RESPONSE_RATE,
	DATA_MEAN,
	DATA_SCORE,
	DATA_SD,
	DATA_CI_LOW,
	DATA_CI_HIGH,
	DATA_FAVOURABLE,
	DATA_NEUTRAL,
	DATA_UNFAVOURABLE,
	DATA_COUNT_1,
	DATA_COUNT_2,
	DATA_COUNT_3,
	DATA_COUNT_4,
	DATA_COUNT_5,
	DATA_SELF_MEAN,
	DATA_SELF_GAP,
	DATA_PREVIOUS_WAVE,
	DATA_CHANGE,
	DATA_CHANGE_LOW,
	DATA_CHANGE_HIGH,
	DATA_CHANGE_STATUS,
	DATA_DECLINED,
	DATA_PROMOTERS,
	DATA_PASSIVES,
	DATA_DETRACTORS,
	NDATA
};

static const struct out_col data_cols[NDATA] = {
    [DATA_WAVE] = {"wave", COL_INT},
    [DATA_WAVE_STATUS] = {"wave_status", COL_TEXT},
    [DATA_THRESHOLD] = {"threshold", COL_INT},
    [DATA_GROUP] = {"group", COL_TEXT},
    [DATA_SCOPE] = {"scope", COL_TEXT},
    [DATA_PARENT_GROUP] = {"parent_group", COL_TEXT},
    [DATA_PARENT_SCOPE] = {"parent_scope", COL_TEXT},
    [DATA_MEASURE] = {"measure", COL_TEXT},
    [DATA_DIMENSION] = {"dimension", COL_TEXT},
    [DATA_ITEM] = {"item", COL_TEXT},
    [DATA_SUPPRESSED] = {"suppressed", COL_BOOL},
    [DATA_REASON] = {"reason", COL_TEXT},
    [DATA_PROTECTS] = {"protects", COL_TEXT},
    [DATA_N] = {"n", COL_INT},
    [DATA_DELIVERED] = {"delivered", COL_INT},
    [DATA_RESPONSE_RATE] = {"response_rate", COL_NUM},
    [DATA_MEAN] = {"mean", COL_NUM},
    [DATA_SCORE] = {"score", COL_NUM},
    [DATA_SD] = {"sd", COL_NUM},
    [DATA_CI_LOW] = {"ci_low", COL_NUM},
    [DATA_CI_HIGH] = {"ci_high", COL_NUM},
    [DATA_FAVOURABLE] = {"favourable", COL_NUM},
    [DATA_NEUTRAL] = {"neutral", COL_NUM},
    [DATA_UNFAVOURABLE] = {"unfavourable", COL_NUM},
    [DATA_COUNT_1] = {"count_1", COL_INT},
    [DATA_COUNT_2] = {"count_2", COL_INT},
    [DATA_COUNT_3] = {"count_3", COL_INT},
    [DATA_COUNT_4] = {"count_4", COL_INT},
    [DATA_COUNT_5] = {"count_5", COL_INT},
    [DATA_SELF_MEAN] = {"self_mean", COL_NUM},
    [DATA_SELF_GAP] = {"self_gap", COL_NUM},
    [DATA_PREVIOUS_WAVE] = {"previous_wave", COL_INT},
    [DATA_CHANGE] = {"change", COL_NUM},
    [DATA_CHANGE_LOW] = {"change_low", COL_NUM},
    [DATA_CHANGE_HIGH] = {"change_high", COL_NUM},
    [DATA_CHANGE_STATUS] = {"change_status", COL_TEXT},
    [DATA_DECLINED] = {"prefer_not_to_say", COL_INT},
    [DATA_PROMOTERS] = {"promoters", COL_NUM},
    [DATA_PASSIVES] = {"passives", COL_NUM},
    [DATA_DETRACTORS] = {"detractors", COL_NUM},
};
/* The answers' counts: a column per point of the scale. */
_Static_assert(DATA_COUNT_5 - DATA_COUNT_1 + 1 == CP_SCALE_POINTS,
	       "a count column per scale point");

/* What a person reads at a terminal. */
enum table_col {
	TABLE_WAVE,
	TABLE_GROUP,
	TABLE_MEASURE,
	TABLE_N,
	TABLE_DECLINED,
	TABLE_MEAN,
	TABLE_SCORE,
	TABLE_FAVOURABLE,
	TABLE_SD,
	TABLE_CI,
	TABLE_SELF,
	TABLE_GAP,
	TABLE_CHANGE,
	NTABLE
};

/* Their headings are translated (table_in_language); the cells' words
 * and the CSV/JSON columns (data_cols) are not. */
static const struct out_col table_cols[NTABLE] = {
    [TABLE_WAVE] = {N_("wave"), COL_INT},
    [TABLE_GROUP] = {N_("group"), COL_TEXT},
    [TABLE_MEASURE] = {N_("measure"), COL_TEXT},
    [TABLE_N] = {"n", COL_INT},
    [TABLE_DECLINED] = {N_("not said"), COL_INT},
    [TABLE_MEAN] = {N_("mean"), COL_TEXT},
    [TABLE_SCORE] = {"0-100", COL_NUM},
    [TABLE_FAVOURABLE] = {N_("favourable"), COL_NUM},
    [TABLE_SD] = {"sd", COL_NUM},
    [TABLE_CI] = {/* xgettext:no-c-format */ N_("95% CI"), COL_TEXT},
    [TABLE_SELF] = {N_("self"), COL_NUM},
    [TABLE_GAP] = {N_("gap"), COL_NUM},
    [TABLE_CHANGE] = {N_("change"), COL_TEXT},
};

/* The terminal table's columns with their headings in the operator's
 * language, into out (NTABLE). */
static const struct out_col *table_in_language(struct out_col *out)
{
	for (size_t i = 0; i < NTABLE; i++) {
		out[i] = table_cols[i];
		out[i].name = _(table_cols[i].name);
	}
	return out;
}

/* v with prec decimals, or no value. */
static void num(struct out_table *t, bool show, int prec, double v)
{
	if (show)
		out_cell_fixed(t, v, prec);
	else
		out_cell(t, NULL);
}

static void count(struct out_table *t, bool show, int64_t v)
{
	if (show)
		out_cell_int(t, v);
	else
		out_cell(t, NULL);
}

/* The reason and protects cells of a hidden value (both empty when it is
 * shown). */
static void reason_cells(struct out_table *t, const struct cp_results *r,
			 const struct cp_suppression *why)
{
	char buf[REASON_MAX];

	out_cell(t, cp_reason_name(why->reason));
	out_cell(t, cp_results_protects_label(r, why, buf, sizeof(buf)));
}

/* A hidden value in words, for the table. */
static void reason_words(struct out_table *t, const struct cp_results *r,
			 const struct cp_suppression *why)
{
	char buf[REASON_MAX];

	out_cell(t, cp_results_reason_text(r, why, buf, sizeof(buf)));
}

/*
 * s cut to at most max terminal columns (the table's idea of width), with
 * an ellipsis when cut, into buf of n bytes. Returns buf.
 */
static const char *cut(const char *s, size_t max, char *buf, size_t n)
{
	size_t len = strlen(s), end;

	if (cp_text_width(s) <= max && len < n) {
		memcpy(buf, s, len + 1);
		return buf;
	}
	end = cp_text_fit(s, max > 0 ? max - 1 : 0);
	if (end + 4 > n) { /* room for the ellipsis and NUL */
		end = n - 4;
		while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80)
			end--;
	}
	memcpy(buf, s, end);
	memcpy(buf + end, "\xE2\x80\xA6", 4); /* the ellipsis and NUL */
	return buf;
}

/* "Ward 4" for a team, indented by depth, "Nursing (with sub-teams)" for a
 * team with its sub-teams, into buf. */
static const char *label_of(const struct cp_group *g, char *buf, size_t n)
{
	int pad = g->depth > 0 ? g->depth - 1 : 0;

	if (g->scope == CP_SCOPE_SUBTREE)
		snprintf(buf, n, "%*s%s (with sub-teams)", 2 * pad, "",
			 g->name);
	else if (g->scope == CP_SCOPE_TEAM)
		snprintf(buf, n, "%*s%s", 2 * pad, "", g->name);
	else
		snprintf(buf, n, "organisation");
	return buf;
}

static void group_label(struct out_table *t, const struct cp_group *g)
{
	char buf[REASON_MAX];

	out_cell(t, label_of(g, buf, sizeof(buf)));
}

/* The columns of a data row up to DATA_MEASURE: the wave and the group. */
static void data_group(struct out_table *t, const struct cp_results *r,
		       const struct cp_group *g)
{
	const struct cp_group *p =
	    g->parent == CP_NO_GROUP ? NULL : &r->groups[g->parent];

	out_skip_to(t, DATA_WAVE);
	/* The same cells on each of the group's rows: formatted once. */
	if (out_row_again(t, g, r->wave.id))
		return;
	out_cell_int(t, r->wave.id);
	out_cell(t, cp_wave_status_name(r->wave.status));
	out_cell_int(t, r->threshold);
	out_cell(t, g->name);
	out_cell(t, cp_scope_name(g->scope));
	out_cell(t, p ? p->name : NULL);
	out_cell(t, p ? cp_scope_name(p->scope) : NULL);
	out_skip_to(t, DATA_MEASURE);
	out_row_keep(t, g, r->wave.id);
}

/* One row of the group as a whole: responses and the response rate. */
static void group_row(struct out_table *t, const struct cp_results *r,
		      const struct cp_group *g, enum cmd_format fmt)
{
	bool show = !g->suppressed;

	if (fmt == FORMAT_TABLE) {
		out_cellf(t, "%lld", (long long)r->wave.id);
		group_label(t, g);
		out_cell(t, "responses");
		count(t, show, g->answered);
		out_skip_to(t, TABLE_MEAN);
		if (g->suppressed)
			reason_words(t, r, &g->why);
		else if (g->has_rate)
			out_cellf(t, "%.0f%% of %lld", g->response_rate,
				  (long long)g->delivered);
		else
			out_cell(t, NULL);
		out_skip_to(t, NTABLE);
		return;
	}
	data_group(t, r, g);
	out_cell(t, "responses");
	out_skip_to(t, DATA_SUPPRESSED);
	out_cell(t, g->suppressed ? "true" : "false");
	reason_cells(t, r, &g->why);
	count(t, show, g->answered);
	count(t, show && g->has_rate, g->delivered);
	num(t, show && g->has_rate, 4, g->response_rate);
	out_skip_to(t, NDATA);
}

/* The first cells of a table row of a measure: wave, group, its label
 * (after prefix), n and the "prefer not to say" count. */
static void table_lead(struct out_table *t, const struct cp_results *r,
		       const struct cp_group *g, const char *prefix,
		       const char *label, bool show, int64_t n,
		       int64_t declined)
{
	out_cellf(t, "%lld", (long long)r->wave.id);
	group_label(t, g);
	out_cellf(t, "%s%s", prefix, label);
	count(t, show, n);
	count(t, show && declined > 0, declined);
}

/* The change cells of a data row, from previous_wave to change_status;
 * empty unless has_change (then ch is set). */
static void change_cells(struct out_table *t, bool has_change,
			 const struct cp_change *ch)
{
	bool diff = has_change && ch->has_diff;

	count(t, has_change, has_change ? ch->previous_wave : 0);
	num(t, diff, 4, diff ? ch->diff : 0);
	num(t, diff, 4, diff ? ch->low : 0);
	num(t, diff, 4, diff ? ch->high : 0);
	out_cell(t, has_change ? cp_change_status_name(ch->status) : NULL);
}

/* One row of a dimension (self and gap given) or an item (self NULL);
 * slot: where out_cells_keep keeps its measure's cells. */
static void measure_row(struct out_table *t, const struct cp_results *r,
			const struct cp_group *g, const char *dimension,
			const char *item, const char *label,
			const struct cp_stat *st, const struct cp_change *ch,
			const struct cp_stat *self, const double *gap,
			size_t slot, enum cmd_format fmt)
{
	bool show = !st->suppressed;
	/* Shown, its cells from the measure to the reason's are the same
	 * in each group: formatted once. */
	bool same = show && st->why.reason == CP_REASON_NONE;
	const char *key = item ? item : dimension;
	bool has_self = show && self && self->n > 0;
	bool has_change = show && ch->status != CP_CHANGE_NONE;
	char buf[96];

	if (fmt == FORMAT_TABLE) {
		table_lead(t, r, g, item ? "  " : "", label, show, st->n,
			   st->declined);
		if (show)
			out_cellf(t, "%.2f", st->mean);
		else
			reason_words(t, r, &st->why);
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
		out_cell(t, has_change ? cp_change_text(ch, buf, sizeof(buf))
				       : NULL);
		return;
	}
	data_group(t, r, g);
	if (!same || !out_cells_again(t, slot, key)) {
		if (same)
			out_cells_mark(t);
		out_cell(t, item ? "item" : "dimension");
		out_cell(t, dimension);
		out_cell(t, item);
		out_cell(t, show ? "false" : "true");
		reason_cells(t, r, &st->why);
		if (same)
			out_cells_keep(t, slot, key);
	}
	count(t, show, st->n);
	out_skip_to(t, DATA_MEAN); /* delivered and the rate are the group's */
	num(t, show, 4, st->mean);
	num(t, show, 4, st->score);
	num(t, show, 4, st->sd);
	num(t, show && st->has_ci, 4, st->ci_low);
	num(t, show && st->has_ci, 4, st->ci_high);
	num(t, show, 4, st->favourable);
	num(t, show, 4, st->neutral);
	num(t, show, 4, st->unfavourable);
	out_skip_to(t, DATA_COUNT_1);
	for (int v = 0; v < CP_SCALE_POINTS; v++)
		count(t, show, st->dist[v]);
	out_skip_to(t, DATA_SELF_MEAN);
	num(t, has_self, 4, has_self ? self->mean : 0);
	num(t, has_self && show, 4, gap ? *gap : 0);
	change_cells(t, has_change, ch);
	count(t, show, st->declined);
	out_skip_to(t, NDATA);
}

/*
 * One row of an eNPS item: n, the score (-100..100) with its interval,
 * promoters, passives and detractors, and its change in points. In the
 * data formats mean is the mean answer (0-10) and score the eNPS.
 */
static void enps_row(struct out_table *t, const struct cp_results *r,
		     const struct cp_group *g, size_t i, enum cmd_format fmt)
{
	const struct cp_change *ch = NULL;
	const struct cp_enps *e = cp_results_enps(r, g, i, &ch);
	bool show = e && !e->suppressed;
	bool has_change = show && ch && ch->status != CP_CHANGE_NONE;
	char buf[96];

	if (e == NULL)
		return;
	if (fmt == FORMAT_TABLE) {
		table_lead(t, r, g, "", "eNPS", show, e->n, e->declined);
		if (show)
			out_cellf(t, "%+.0f", e->score);
		else
			reason_words(t, r, &e->why);
		out_skip_to(t, TABLE_FAVOURABLE);
		if (show)
			out_cellf(t, "%.0f%% promoters", e->pct_promoters);
		else
			out_cell(t, NULL);
		out_cell(t, NULL);
		if (show && e->has_ci)
			out_cellf(t, "%+.0f to %+.0f", e->ci_low, e->ci_high);
		else
			out_cell(t, NULL);
		out_skip_to(t, TABLE_CHANGE);
		if (has_change && ch->status != CP_CHANGE_UNDETECTABLE)
			snprintf(buf, sizeof(buf), "%s %+.0f [%+.0f, %+.0f]",
				 ch->status == CP_CHANGE_UP ? "up" : "down",
				 ch->diff, ch->low, ch->high);
		out_cell(t, !has_change ? NULL
			    : ch->status == CP_CHANGE_UNDETECTABLE
				? "no detectable change"
				: buf);
		return;
	}
	data_group(t, r, g);
	out_cell(t, "enps");
	out_cell(t, NULL);
	out_cell(t, r->survey->items[i].id);
	out_cell(t, show ? "false" : "true");
	reason_cells(t, r, &e->why);
	count(t, show, e->n);
	out_skip_to(t, DATA_MEAN);
	num(t, show, 4, e->mean);
	num(t, show, 4, e->score);
	out_cell(t, NULL);
	num(t, show && e->has_ci, 4, e->ci_low);
	num(t, show && e->has_ci, 4, e->ci_high);
	out_skip_to(t, DATA_PREVIOUS_WAVE);
	change_cells(t, has_change, ch);
	count(t, show, e->declined);
	num(t, show, 4, e->pct_promoters);
	num(t, show, 4, e->pct_passives);
	num(t, show, 4, e->pct_detractors);
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
	const struct cp_stat *st = &g->self[d];

	if (fmt == FORMAT_TABLE) {
		out_cellf(t, "%lld", (long long)r->wave.id);
		group_label(t, g);
		out_cellf(t, "self: %s", r->survey->dims[d].title);
		out_skip_to(t, TABLE_SELF);
		out_cellf(t, "%.2f", st->mean);
		out_skip_to(t, NTABLE);
		return;
	}
	data_group(t, r, g);
	out_cell(t, "self");
	out_cell(t, r->survey->dims[d].id);
	out_cell(t, NULL);
	out_cell(t, "false");
	out_skip_to(t, DATA_SELF_MEAN);
	out_cellf(t, "%.4f", st->mean);
	out_skip_to(t, NDATA);
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
			    d, fmt);
		if (g->has_self && g->self[d].n > 0 &&
		    (fmt != FORMAT_TABLE || g->dims[d].suppressed))
			self_row(t, r, g, d, fmt);
		for (size_t i = 0; items && i < sv->nitems; i++) {
			char text[STATEMENT_MAX * 4 + 8];

			if (sv->items[i].dim != d)
				continue;
			/* A person reads the statement; scripts get the
			 * id (docs/results.md). */
			measure_row(t, r, g, sv->dims[d].id, sv->items[i].id,
				    fmt == FORMAT_TABLE
					? cut(sv->items[i].text, STATEMENT_MAX,
					      text, sizeof(text))
					: sv->items[i].id,
				    &g->items[i], &g->item_change[i], NULL,
				    NULL, sv->ndims + i, fmt);
		}
	}
	for (size_t i = 0; i < sv->nitems; i++)
		if (sv->items[i].type == CP_ITEM_ENPS)
			enps_row(t, r, g, i, fmt);
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

/* The end of a table opened with out_table_open: 0, or the error. */
static int close_table(struct cmd_ctx *c, struct out_table *t, bool last)
{
	int rc = out_table_close(t, last);

	if (rc == CP_EIO)
		return cp_error_set(&c->err, CP_EIO,
				    N_("cannot write the output"));
	if (rc)
		return cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	return 0;
}

/* The rows of wave r in view into t (written as they come in CSV and
 * JSON). */
static void wave_rows(struct cmd_ctx *c, struct out_table *t,
		      const struct cp_results *r, int64_t team)
{
	for (size_t g = 0; g < r->ngroups; g++)
		if (in_view(r, g, team))
			group_rows(t, r, &r->groups[g],
				   cmd_flag(c, RESULTS_ITEMS), c->format);
}

static int show_wave(struct cmd_ctx *c, const struct cp_results *r,
		     int64_t team)
{
	struct out_col heads[NTABLE];
	struct out_stream st = {0};
	struct out_table t;
	bool table = c->format == FORMAT_TABLE;

	out_table_open(&t, table ? table_in_language(heads) : data_cols,
		       table ? NTABLE : NDATA, stdout, c->format, &st);
	wave_rows(c, &t, r, team);
	open_note(c, r);
	return close_table(c, &t, true);
}

/*
 * For a person: each group in view whose comments are not listed, and
 * why, so that an empty list is never a mystery. Only what core decided is
 * said: a group hidden as a whole gives its reason; one shown with fewer
 * responses than the comment threshold, that; one above it, the
 * anti-differencing with the comment threshold, or that nobody wrote one.
 */
static void comments_why(const struct cp_results *r, int64_t team)
{
	char label[REASON_MAX], buf[REASON_MAX];

	if (!r->scores)
		return; /* open_note has said it */
	for (size_t g = 0; g < r->ngroups; g++) {
		const struct cp_group *gr = &r->groups[g];
		const char *why = buf;

		if (!in_view(r, g, team) ||
		    (gr->comments_shown && gr->ncomments))
			continue;
		if (gr->suppressed)
			cp_results_reason_text(r, &gr->why, buf, sizeof(buf));
		else if (gr->answered < r->comment_threshold)
			snprintf(buf, sizeof(buf),
				 "%lld responses, fewer than the comment "
				 "threshold of %d",
				 (long long)gr->answered, r->comment_threshold);
		else if (!gr->comments_shown)
			why = "hidden so that the comments of a smaller "
			      "group cannot be worked out";
		else
			why = "nobody wrote a comment";
		printf("no comments for %s: %s\n",
		       cp_results_group_label(gr, label, sizeof(label)), why);
	}
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
	if (rc == 0 && c->format == FORMAT_TABLE)
		comments_why(r, team);
	return rc;
}

/* The heat map's columns: these, then one per dimension. */
enum matrix_col {
	MATRIX_WAVE,
	MATRIX_GROUP,
	MATRIX_SCOPE,
	MATRIX_SUPPRESSED,
	MATRIX_REASON,
	MATRIX_PROTECTS,
	MATRIX_N,
	MATRIX_RESPONSE_RATE,
	MATRIX_DIMS
};

/* A dimension's value for --matrix: measure of st. */
static double matrix_value(const struct cp_stat *st, const char *measure)
{
	if (strcmp(measure, "mean") == 0)
		return st->mean;
	if (strcmp(measure, "favourable") == 0)
		return st->favourable;
	return st->score;
}

/* "head: text" wrapped at spaces to width columns, went on indented. */
static void print_wrapped(const char *head, const char *text, size_t width)
{
	size_t col = cp_text_width(head) + 1;
	const char *p = text;

	printf("%s:", head);
	while (*p) {
		size_t len = strcspn(p, " "), w;
		char word[REASON_MAX];

		if (len >= sizeof(word))
			len = sizeof(word) - 1;
		memcpy(word, p, len);
		word[len] = '\0';
		w = cp_text_width(word);
		if (col + 1 + w > width && col > 2) {
			printf("\n ");
			col = 1;
		}
		printf(" %s", word);
		col += 1 + w;
		p += len;
		p += strspn(p, " ");
	}
	putchar('\n');
}

/* The terminal's width from COLUMNS, else MATRIX_WIDTH. */
static size_t terminal_width(void)
{
	const char *s = getenv("COLUMNS");
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return MATRIX_WIDTH;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 40 || v > 1000)
		return MATRIX_WIDTH;
	return (size_t)v;
}

/* The heading of heat-map column d: a dimension's title, or "eNPS". */
static const char *matrix_title(const struct cp_survey *sv, size_t d)
{
	return d < sv->ndims ? sv->dims[d].title : "eNPS";
}

/*
 * The heat map for a person: the group, its responses and as many
 * dimensions as fit the terminal (COLUMNS, else 100 columns), then the
 * next dimensions under the same groups, and so on; a hidden cell reads
 * "hidden" and the reasons follow the tables, once per group.
 */
static int show_matrix_table(struct cmd_ctx *c, const struct cp_results *r,
			     int64_t team, const char *measure)
{
	const struct cp_survey *sv = r->survey;
	size_t width = terminal_width(), gw = 5, first = 0;
	/* The dimensions, then the eNPS (-100..100) when the survey has one. */
	size_t enps = cp_results_enps_item(r);
	size_t ncol = sv->ndims + (enps != CP_NO_GROUP);
	struct out_col *cols = calloc(ncol + 2, sizeof(*cols));
	char label[REASON_MAX], buf[REASON_MAX];
	int rc = 0;

	if (cols == NULL)
		return cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	for (size_t g = 0; g < r->ngroups; g++) {
		size_t w;

		if (!in_view(r, g, team))
			continue;
		w = cp_text_width(
		    label_of(&r->groups[g], label, sizeof(label)));
		if (w > gw)
			gw = w;
	}
	if (gw > width / 3)
		gw = width / 3;
	while (rc == 0 && first < ncol) {
		size_t used = gw + 2 + 6 + 2, last = first;
		struct out_table t;

		/* At least one dimension a block, however narrow. */
		do {
			size_t w = cp_text_width(matrix_title(sv, last));
			used += (w > 6 ? w : 6) + 2;
			last++;
		} while (last < ncol &&
			 used + cp_text_width(matrix_title(sv, last)) + 2 <=
			     width);
		cols[0] = (struct out_col){"group", COL_TEXT};
		cols[1] = (struct out_col){"n", COL_INT};
		for (size_t d = first; d < last; d++)
			cols[2 + d - first] =
			    (struct out_col){matrix_title(sv, d), COL_NUM};
		out_table_init(&t, cols, 2 + last - first);
		for (size_t g = 0; g < r->ngroups; g++) {
			const struct cp_group *gr = &r->groups[g];

			if (!in_view(r, g, team))
				continue;
			out_cell(&t, cut(label_of(gr, label, sizeof(label)), gw,
					 buf, sizeof(buf)));
			count(&t, !gr->suppressed, gr->answered);
			for (size_t d = first; d < last; d++) {
				const struct cp_stat *st =
				    r->scores && d < sv->ndims ? &gr->dims[d]
							       : NULL;
				const struct cp_enps *e =
				    r->scores && d == sv->ndims
					? cp_results_enps(r, gr, enps, NULL)
					: NULL;

				if ((st && st->suppressed) ||
				    (e && e->suppressed))
					out_cell(&t, "hidden");
				else if (e)
					out_cellf(&t, "%+.0f", e->score);
				else
					num(&t, st != NULL, 1,
					    st ? matrix_value(st, measure) : 0);
			}
		}
		if (first)
			putchar('\n');
		rc = print_table(c, &t);
		out_table_release(&t);
		first = last;
	}
	free(cols);
	/* Why, once per group: the group's reason, else its first hidden
	 * dimension's. */
	for (size_t g = 0; rc == 0 && g < r->ngroups; g++) {
		const struct cp_group *gr = &r->groups[g];
		const struct cp_suppression *why =
		    gr->suppressed ? &gr->why : NULL;

		for (size_t d = 0; !why && r->scores && d < sv->ndims; d++)
			if (gr->dims[d].suppressed)
				why = &gr->dims[d].why;
		if (!why && r->scores && enps != CP_NO_GROUP) {
			const struct cp_enps *e =
			    cp_results_enps(r, gr, enps, NULL);
			if (e && e->suppressed)
				why = &e->why;
		}
		if (!why || !in_view(r, g, team))
			continue;
		print_wrapped(cp_results_group_label(gr, label, sizeof(label)),
			      cp_results_reason_text(r, why, buf, sizeof(buf)),
			      width);
	}
	open_note(c, r);
	return rc;
}

static int show_matrix(struct cmd_ctx *c, const struct cp_results *r,
		       int64_t team, const char *measure)
{
	const struct cp_survey *sv = r->survey;
	size_t enps = cp_results_enps_item(r);
	size_t ncols = MATRIX_DIMS + sv->ndims + (enps != CP_NO_GROUP);
	struct out_col *cols = calloc(ncols, sizeof(*cols));
	struct out_table t;
	int rc;

	if (c->format == FORMAT_TABLE) {
		free(cols);
		return show_matrix_table(c, r, team, measure);
	}
	if (cols == NULL)
		return cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	cols[MATRIX_WAVE] = (struct out_col){"wave", COL_INT};
	cols[MATRIX_GROUP] = (struct out_col){"group", COL_TEXT};
	cols[MATRIX_SCOPE] = (struct out_col){"scope", COL_TEXT};
	cols[MATRIX_SUPPRESSED] = (struct out_col){"suppressed", COL_BOOL};
	cols[MATRIX_REASON] = (struct out_col){"reason", COL_TEXT};
	cols[MATRIX_PROTECTS] = (struct out_col){"protects", COL_TEXT};
	cols[MATRIX_N] = (struct out_col){"n", COL_INT};
	cols[MATRIX_RESPONSE_RATE] = (struct out_col){"response_rate", COL_NUM};
	for (size_t d = 0; d < sv->ndims; d++)
		cols[MATRIX_DIMS + d] =
		    (struct out_col){sv->dims[d].id, COL_NUM};
	if (enps != CP_NO_GROUP)
		cols[MATRIX_DIMS + sv->ndims] =
		    (struct out_col){"enps", COL_NUM};
	out_table_init(&t, cols, ncols);
	for (size_t g = 0; g < r->ngroups; g++) {
		const struct cp_group *gr = &r->groups[g];
		bool show = !gr->suppressed;
		if (!in_view(r, g, team))
			continue;
		out_cellf(&t, "%lld", (long long)r->wave.id);
		out_cell(&t, gr->name);
		out_cell(&t, cp_scope_name(gr->scope));
		out_cell(&t, show ? "false" : "true");
		reason_cells(&t, r, &gr->why);
		count(&t, show, gr->answered);
		num(&t, show && gr->has_rate, 4, gr->response_rate);
		for (size_t d = 0; d < sv->ndims; d++) {
			const struct cp_stat *st =
			    r->scores ? &gr->dims[d] : NULL;
			num(&t, st && !st->suppressed, 4,
			    st ? matrix_value(st, measure) : 0);
		}
		if (enps != CP_NO_GROUP) {
			/* The eNPS is -100..100 whatever the measure. */
			const struct cp_enps *e =
			    r->scores ? cp_results_enps(r, gr, enps, NULL)
				      : NULL;
			num(&t, e && !e->suppressed, 4, e ? e->score : 0);
		}
	}
	open_note(c, r);
	rc = print_table(c, &t);
	out_table_release(&t);
	free(cols);
	return rc;
}

/* The waves a trend leaves out because they were cancelled, and why. */
static int print_gaps(struct cmd_ctx *c, int64_t team)
{
	struct cp_wave *gone = NULL;
	char when[40];
	size_t n = 0;

	if (cp_results_cancelled(c->store, team, 0, 0, &gone, &n, &c->err))
		return c->err.code ? c->err.code : CP_EFAIL;
	for (size_t i = 0; i < n; i++)
		printf("wave %lld (%s): cancelled: %s\n", (long long)gone[i].id,
		       cp_when_format(gone[i].opens_at, when, sizeof(when)),
		       gone[i].cancel_reason[0] ? gone[i].cancel_reason
						: "no reason given");
	free(gone);
	return 0;
}

/* The trend: the chosen group in every wave that includes its team. */
static int show_trend(struct cmd_ctx *c, int64_t team)
{
	struct cp_results_opts opts = {
	    .changes = true, .no_item_changes = !cmd_flag(c, RESULTS_ITEMS)};
	struct out_col heads[NTABLE];
	struct out_table t;
	bool table = c->format == FORMAT_TABLE;
	int64_t *waves;
	size_t n;
	int rc;

	if ((rc = cp_results_waves(c->store, team, &waves, &n, &c->err)))
		return rc;
	out_table_init(&t, table ? table_in_language(heads) : data_cols,
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
			group_rows(&t, r, g, cmd_flag(c, RESULTS_ITEMS),
				   c->format);
		cp_results_free(r);
	}
	free(waves);
	if (rc == 0)
		rc = print_table(c, &t);
	out_table_release(&t);
	if (rc == 0 && c->format == FORMAT_TABLE)
		rc = print_gaps(c, team);
	return rc;
}

static bool allowed_team(int64_t team, const int64_t *allowed, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (allowed[i] == team)
			return true;
	return false;
}

int cmd_results_export(struct cp_store *st, int64_t wave, int64_t team,
		       bool csv, bool with_self, const int64_t *allowed,
		       size_t nallowed, struct cp_buf *out,
		       struct cp_error *err)
{
	struct cp_results_opts opts = {.changes = true};
	enum cmd_format fmt = csv ? FORMAT_CSV : FORMAT_JSON;
	struct cp_results *r = NULL;
	struct out_table t;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if ((rc = cp_results_load(&r, st, wave, &opts, err)))
		return rc;
	if (cp_results_group(r, CP_SCOPE_TEAM, team) == NULL &&
	    cp_results_group(r, CP_SCOPE_SUBTREE, team) == NULL) {
		cp_results_free(r);
		return cp_error_set(err, CP_ENOTFOUND,
				    N_("team %lld is not in wave %lld"),
				    (long long)team, (long long)wave);
	}
	for (size_t g = 0; !with_self && g < r->ngroups; g++)
		r->groups[g].has_self = false;
	out_table_init(&t, data_cols, NDATA);
	for (size_t g = 0; g < r->ngroups; g++)
		if (in_view(r, g, team) &&
		    allowed_team(r->groups[g].team_id, allowed, nallowed))
			group_rows(&t, r, &r->groups[g], true, fmt);
	f = open_memstream(&text, &len);
	if (f == NULL || out_table_print(&t, f, fmt))
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	if (f && fclose(f) != 0 && rc == 0)
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	if (rc == 0)
		rc = cp_buf_add(out, text, len, err);
	free(text);
	out_table_release(&t);
	cp_results_free(r);
	return rc;
}

static int parse_wave_at(struct cmd_ctx *c, int i, int64_t *wave)
{
	const char *s = c->argv[i];
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *s == '\0' || *end || v <= 0)
		return cmd_usage_error(c, "WAVE '%s' is not a wave number", s);
	*wave = v;
	return 0;
}

static int parse_wave(struct cmd_ctx *c, int64_t *wave)
{
	return parse_wave_at(c, 0, wave);
}

/*
 * Several waves in one process and one table (--all-waves, or several
 * WAVE): each wave is loaded once, in order, and handed to the next as a
 * wave already known (its previous, for the changes); the next wave is
 * loaded while a wave's rows are printed (cp_results_series), and a
 * wave is freed once it is printed and the next is loaded. CSV and JSON
 * go to stdout from a third thread (out_stream_async) while the next
 * rows are formatted. entries: the wave list (cp_store_wave_entries),
 * read once for the waves' ids and their loads.
 */
static int show_waves(struct cmd_ctx *c, const int64_t *waves, size_t n,
		      int64_t team, const struct cp_wave_entry *entries,
		      size_t nentries)
{
	struct cp_results_opts opts = {.changes = true,
				       .no_item_changes =
					   !cmd_flag(c, RESULTS_ITEMS),
				       .no_items = !cmd_flag(c, RESULTS_ITEMS)};
	bool table = c->format == FORMAT_TABLE;
	struct cp_results_series *rs = NULL;
	struct out_stream st = {0};
	int rc;

	opts.entries = entries;
	opts.nentries = nentries;
#ifdef __GLIBC__
	/* The loader thread's malloc arena grows by the page with an
	 * mprotect each (glibc pads only the main arena's growth by
	 * M_TOP_PAD's default) and gives a freed wave's pages back to be
	 * faulted in again: one mprotect for the whole pad instead, the
	 * pages kept. Only address space: what is never touched is never
	 * resident. */
	(void)mallopt(M_TOP_PAD, 64 << 20);
#endif
	rc = cp_results_series_open(&rs, c->store, waves, n, &opts, &c->err);
	/* CSV and JSON written by a thread of their own (without one, as
	 * they are formatted): an aligned table is printed whole. */
	if (rc == 0 && !table)
		(void)out_stream_async(&st, stdout);
	for (size_t w = 0; rc == 0 && w < n; w++) {
		const struct cp_results *r;
		struct out_table t;
		if ((rc = cp_results_series_next(rs, &r, &c->err)))
			break;
		out_table_open(&t, table ? table_cols : data_cols,
			       table ? NTABLE : NDATA, stdout, c->format, &st);
		wave_rows(c, &t, r, team);
		open_note(c, r);
		rc = close_table(c, &t, w + 1 == n);
	}
	if (rc == 0 && n == 0) {
		struct out_table t;
		out_table_open(&t, table ? table_cols : data_cols,
			       table ? NTABLE : NDATA, stdout, c->format, &st);
		rc = close_table(c, &t, true);
	}
	if (out_stream_end(&st) == CP_EIO && rc == 0)
		rc = cp_error_set(&c->err, CP_EIO,
				  N_("cannot write the output"));
	cp_results_series_close(rs);
	return rc;
}

static int results_many(struct cmd_ctx *c, int64_t team)
{
	struct cp_wave_entry *entries = NULL;
	int64_t *waves = NULL;
	size_t n = 0, nentries = 0;
	int rc = 0;

	if (cmd_flag(c, RESULTS_MATRIX) || cmd_flag(c, RESULTS_COMMENTS) ||
	    cmd_flag(c, RESULTS_TREND))
		return cmd_usage_error(c, "several waves show their rows in "
					  "one table: no --matrix, --comments "
					  "or --trend");
	if (cmd_flag(c, RESULTS_ALL_WAVES) && c->argc)
		return cmd_usage_error(c, "--all-waves takes no WAVE");
	if (!cmd_flag(c, RESULTS_ALL_WAVES)) {
		if ((waves = calloc((size_t)c->argc, sizeof(*waves))) == NULL) {
			cp_error_set(&c->err, CP_ENOMEM, "out of memory");
			return cmd_report(&c->err);
		}
		for (int i = 0; rc == 0 && i < c->argc; i++)
			rc = parse_wave_at(c, i, &waves[n++]);
		if (rc) {
			free(waves);
			return rc;
		}
	}
	/* The wave list once: --all-waves' ids and every wave's load (it
	 * was read for each, in turn, before the first wave could start). */
	rc = cp_store_wave_entries(c->store, &entries, &nentries, &c->err);
	if (rc == 0 && cmd_flag(c, RESULTS_ALL_WAVES))
		rc = cp_results_waves_in(entries, nentries, 0, &waves, &n,
					 &c->err);
	if (rc == 0)
		rc = show_waves(c, waves, n, team, entries, nentries);
	cp_store_wave_entries_free(entries, nentries);
	free(waves);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

static int cmd_results_exec(struct cmd_ctx *c)
{
	struct cp_results_opts opts = {.changes = true,
				       .no_item_changes =
					   !cmd_flag(c, RESULTS_ITEMS),
				       .no_items = !cmd_flag(c, RESULTS_ITEMS)};
	const char *team_name = cmd_value(c, RESULTS_TEAM);
	const char *measure = cmd_value(c, RESULTS_MEASURE);
	struct cp_results *r = NULL;
	int64_t wave = 0, team = 0;
	int rc;

	if (measure && strcmp(measure, "score") && strcmp(measure, "mean") &&
	    strcmp(measure, "favourable"))
		return cmd_usage_error(c,
				       "--measure '%s': expected score, mean "
				       "or favourable",
				       measure);
	if (measure && !cmd_flag(c, RESULTS_MATRIX))
		return cmd_usage_error(c, "--measure goes with --matrix");
	if (cmd_flag(c, RESULTS_TREND) &&
	    (cmd_flag(c, RESULTS_MATRIX) || cmd_flag(c, RESULTS_COMMENTS) ||
	     c->argc))
		return cmd_usage_error(c, "--trend shows every wave: it takes "
					  "no WAVE, --matrix or --comments");
	if (cmd_flag(c, RESULTS_MATRIX) && cmd_flag(c, RESULTS_COMMENTS))
		return cmd_usage_error(c, "--matrix and --comments are "
					  "separate views");
	if (team_name &&
	    cp_store_team_find(c->store, team_name, &team, &c->err))
		return cmd_report(&c->err);
	if (cmd_flag(c, RESULTS_ALL_WAVES) || c->argc > 1)
		return results_many(c, team);
	if (c->argc && (rc = parse_wave(c, &wave)) != 0)
		return rc;
	if (cmd_flag(c, RESULTS_TREND))
		return show_trend(c, team) ? cmd_report(&c->err) : EXIT_OK;
	if (wave == 0 && cp_results_latest_wave(c->store, &wave, &c->err))
		return cmd_report(&c->err);
	opts.comments = cmd_flag(c, RESULTS_COMMENTS);
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
	if (cmd_flag(c, RESULTS_MATRIX))
		rc = show_matrix(c, r, team, measure ? measure : "score");
	else if (cmd_flag(c, RESULTS_COMMENTS))
		rc = show_comments(c, r, team);
	else
		rc = show_wave(c, r, team);
	cp_results_free(r);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

const struct cmd_entry cmd_results_entry = {
    .name = "results",
    .summary = N_("a wave's scores per group, with thresholds applied"),
    .usage = "[WAVE...] [--all-waves] [--team TEAM] [--trend] [--matrix] "
	     "[--items] [--comments]",
    .description =
	"Shows the newest wave unless WAVE is given. For each group (the "
	"organisation,\neach team with its sub-teams, each team's own "
	"members) and each dimension:\nrespondents, the mean on 1-5 and "
	"on 0-100, % favourable (4-5), the standard\ndeviation, a 95% "
	"confidence interval, the leader's self-assessment with the\ngap, "
	"and the change from the group's previous wave. A group with "
	"fewer than\nthe threshold of responses, or one that would let a "
	"smaller group be worked\nout from others, is hidden and says "
	"why. Scores appear once a wave is closed.\nThe method is in "
	"docs/method.md, the columns in docs/results.md.\nSeveral WAVE, or "
	"--all-waves, print the rows of each wave in one table\n(one CSV "
	"header, one JSON array), each wave computed once.",
    .opts = results_opts,
    .nopts = RESULTS_NOPTS,
    .min_args = 0,
    .max_args = 64,
    .flags = CMD_NEEDS_DB | CMD_READS_DB | CMD_FORMAT,
    .exec = cmd_results_exec,
};
