/*
 * team.c - the team report's layout, in the order of issue 5: strengths and
 * the desired future first, then the detail, then areas to grow framed as
 * questions, and the method last.
 *
 * Every number printed here comes from a dimension or item that is not
 * suppressed; each section checks the flag itself rather than trusting the
 * caller to have zeroed the values.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "pdf_int.h"
#include "prompts_int.h"

#define TOP_N 3

static const char *str(const char *s)
{
	return s ? s : "";
}

static const struct rp_dimension *find_dimension(const struct rp_team_report *r,
						 const char *id)
{
	size_t i;

	for (i = 0; id && i < r->n_dimensions; i++)
		if (r->dimensions[i].id && strcmp(r->dimensions[i].id, id) == 0)
			return &r->dimensions[i];
	return NULL;
}

static const struct rp_trend *find_trend(const struct rp_team_report *r,
					 const char *id)
{
	size_t i;

	for (i = 0; id && i < r->n_trends; i++)
		if (r->trends[i].dimension &&
		    strcmp(r->trends[i].dimension, id) == 0)
			return &r->trends[i];
	return NULL;
}

static int shown(const struct rp_dimension *d)
{
	return !d->suppressed && isfinite(d->score) && isfinite(d->mean);
}

/*
 * Fills order[] with the indices of the shown dimensions, highest score
 * first (ties in input order), and returns how many there are. The sort
 * is an insertion sort: there are a dozen dimensions, and it is stable.
 */
static size_t rank_dimensions(const struct rp_team_report *r, size_t *order)
{
	size_t n = 0, i, j;

	for (i = 0; i < r->n_dimensions; i++) {
		if (!shown(&r->dimensions[i]))
			continue;
		for (j = n; j > 0 && r->dimensions[order[j - 1]].score <
					 r->dimensions[i].score;
		     j--)
			order[j] = order[j - 1];
		order[j] = i;
		n++;
	}
	return n;
}

static int item_shown(const struct rp_team_report *r, const struct rp_item *it)
{
	const struct rp_dimension *d = find_dimension(r, it->dimension);

	return !it->suppressed && isfinite(it->mean) && !(d && d->suppressed);
}

static size_t rank_items(const struct rp_team_report *r, size_t *order)
{
	size_t n = 0, i, j;

	for (i = 0; i < r->n_items; i++) {
		if (!item_shown(r, &r->items[i]))
			continue;
		for (j = n;
		     j > 0 && r->items[order[j - 1]].mean < r->items[i].mean;
		     j--)
			order[j] = order[j - 1];
		order[j] = i;
		n++;
	}
	return n;
}

static double favourable_of(const struct rp_item *it)
{
	long total = 0;
	int i;

	for (i = 0; i < 5; i++)
		total += it->counts[i] > 0 ? it->counts[i] : 0;
	if (total == 0)
		return NAN;
	return 100.0 *
	       ((it->counts[3] > 0 ? it->counts[3] : 0) +
		(it->counts[4] > 0 ? it->counts[4] : 0)) /
	       (double)total;
}

/* An item's mean on the report's 0..100 scale. */
static double item_score(const struct rp_item *it)
{
	return (it->mean - 1) / 4 * 100;
}

/*
 * Starts a section below the previous one, or on a new page when less
 * than need points (its heading and first block) are left: sections flow
 * rather than each leaving the rest of a page blank.
 */
static void open_section(struct pdf *p, const char *title, float need)
{
	if (p->page_no <= 1)
		pdf_new_page(p);
	else
		pdf_need(p, need + 40);
	pdf_heading(p, title);
}

static void fact(struct pdf *p, float x, float y, float w, const char *label,
		 const char *value, const char *note)
{
	pdf_fill_rect(p, x, y - 62, w, 62, PDF_WASH);
	pdf_fill_rect(p, x, y - 62, 3, 62, PDF_ACCENT);
	pdf_text(p, x + 12, y - 16, 0, 8, PDF_MUTED, label);
	float size = 15;

	/* A long survey title steps down in size before it is cut. */
	while (size > 9 && pdf_width(p, 1, size, value) > w - 18)
		size -= 1;
	pdf_text_fit(p, x + 12, y - 36, w - 18, 1, size, PDF_INK, value);
	pdf_text_fit(p, x + 12, y - 52, w - 18, 0, 7.5f, PDF_MUTED, note);
}

static void cover(struct pdf *p, const struct rp_team_report *r)
{
	char a[256], b[256];
	float w, x, lines, size, tw;
	int nlines;

	pdf_new_page(p);
	tw = p->right - p->left;
	pdf_fill_rect(p, 0, p->height - 250, p->width, 250, PDF_WASH);
	pdf_fill_rect(p, 0, p->height - 250, p->width, 4, PDF_ACCENT);
	pdf_text(p, p->left, p->height - 80, 1, 10, PDF_ACCENT,
		 _("COMPASSIONATE LEADERSHIP PULSE"));
	/* A long team name steps down in size; past three lines at the
	 * smallest size it is cut to one line. */
	size = 28;
	nlines = pdf_wrap(p, 0, 0, tw, 1, size, size * 1.18f, PDF_INK,
			  str(r->team), 0);
	while (nlines > 2 && size > 16) {
		size -= 4;
		nlines = pdf_wrap(p, 0, 0, tw, 1, size, size * 1.18f, PDF_INK,
				  str(r->team), 0);
	}
	if (nlines > 3) {
		nlines = 1;
		pdf_text_fit(p, p->left, p->height - 120, tw, 1, size, PDF_INK,
			     str(r->team));
	} else {
		pdf_wrap(p, p->left, p->height - 120, tw, 1, size, size * 1.18f,
			 PDF_INK, str(r->team), 1);
	}
	lines = (float)nlines * size * 1.18f / 33;
	pdf_text_fit(
	    p, p->left, p->height - 132 - 33 * lines, p->right - p->left, 0, 14,
	    PDF_INK,
	    rp_fmt(a, sizeof(a), _("Team report \xC2\xB7 %s"), str(r->wave)));
	pdf_text_fit(p, p->left, p->height - 152 - 33 * lines,
		     p->right - p->left, 0, 10, PDF_MUTED,
		     rp_fmt(a, sizeof(a), _("Open %s to %s"), str(r->opens),
			    str(r->closes)));

	w = (p->right - p->left - 24) / 3;
	x = p->left;
	if (r->response_rate_hidden || r->invited <= 0)
		fact(p, x, p->height - 290, w, _("Response rate"),
		     _("not shown"), _("kept back to protect anonymity"));
	else
		fact(p, x, p->height - 290, w, _("Response rate"),
		     rp_fmt(a, sizeof(a), "%.0f%%",
			    100.0 * r->responses / (double)r->invited),
		     rp_fmt(b, sizeof(b), _("%d of %d invited answered"),
			    r->responses, r->invited));
	fact(p, x + w + 12, p->height - 290, w, _("Reporting threshold"),
	     rp_fmt(a, sizeof(a), _("%d responses"), r->threshold),
	     rp_fmt(b, sizeof(b), _("comments need %d"), r->comment_threshold));
	fact(p, x + 2 * (w + 12), p->height - 290, w, _("Survey version"),
	     str(r->survey_version), str(r->survey_title));

	p->y = p->height - 390;
	pdf_subheading(p, _("Anonymity"));
	pdf_paragraph(
	    p, 10, PDF_INK,
	    rp_fmt(
		a, sizeof(a),
		_("Answers are reported only for groups of at least %d people, "
		  "and no one's individual answers can be seen, by the leader "
		  "or anyone else."),
		r->threshold));
	pdf_subheading(p, _("How this report is ordered"));
	pdf_paragraph(
	    p, 10, PDF_INK,
	    _("It starts with what is going well and with the team's picture "
	      "of "
	      "the future, then shows the detail, and only then turns to areas "
	      "to grow, as questions to explore together. The last pages hold "
	      "a "
	      "workshop plan and the method behind every number. Scores are on "
	      "a scale from 0 to 100, where 50 is a neutral answer."));
}

static void dimension_line(struct pdf *p, const struct rp_dimension *d)
{
	char a[160];

	pdf_need(p, 34);
	pdf_fill_rect(p, p->left, p->y - 26, 3, 26, PDF_ACCENT);
	pdf_text_fit(p, p->left + 12, p->y - 11, 200, 1, 11, PDF_INK,
		     str(d->title));
	pdf_text(
	    p, p->left + 12, p->y - 23, 0, 8.5f, PDF_MUTED,
	    rp_fmt(a, sizeof(a),
		   _("score %.0f \xC2\xB7 %.0f%% favourable \xC2\xB7 n = %d"),
		   d->score, d->favourable, d->n));
	p->y -= 34;
}

static void comments_of(struct pdf *p, const struct rp_team_report *r,
			const char *purpose, int other)
{
	size_t i;

	for (i = 0; i < r->n_comments; i++) {
		const char *cp = str(r->comments[i].purpose);
		int known = strcmp(cp, "going_well") == 0 ||
			    strcmp(cp, "would_help") == 0;

		if (other ? known : strcmp(cp, purpose) != 0)
			continue;
		pdf_quote(p, pdf_mix(PDF_ACCENT, PDF_WHITE, 0.4f),
			  str(r->comments[i].text));
	}
}

static int has_comments(const struct rp_team_report *r, const char *purpose)
{
	for (size_t i = 0; i < r->n_comments; i++)
		if (strcmp(str(r->comments[i].purpose), purpose) == 0)
			return 1;
	return 0;
}

static void going_well(struct pdf *p, const struct rp_team_report *r,
		       const size_t *dims, size_t n_dims)
{
	size_t *items = calloc(r->n_items + 1, sizeof(*items));
	size_t n_items, i;
	char a[512];

	open_section(p, _("What is going well"), 120);
	if (n_dims == 0) {
		pdf_paragraph(p, 10, PDF_INK,
			      _("Too few people answered this wave to report "
				"results; strengths will show here once at "
				"least the threshold has answered."));
		free(items);
		return;
	}
	pdf_paragraph(p, 10, PDF_INK,
		      _("These are the team's strongest areas this wave: the "
			"foundations to build on."));
	pdf_space(p, 4);
	for (i = 0; i < n_dims && i < TOP_N; i++)
		dimension_line(p, &r->dimensions[dims[i]]);
	n_items = items ? rank_items(r, items) : 0;
	if (n_items > 0) {
		pdf_subheading(p, _("Statements the team agrees with most"));
		for (i = 0; i < n_items && i < TOP_N; i++) {
			const struct rp_item *it = &r->items[items[i]];
			double fav = favourable_of(it);

			pdf_quote(p, PDF_ANSWER[4], str(it->text));
			p->y += 4;
			pdf_text(p, p->left + 12, p->y - 8, 0, 8, PDF_MUTED,
				 isfinite(fav)
				     ? rp_fmt(a, sizeof(a),
					      _("score %.0f \xC2\xB7 %.0f%% "
						"favourable"),
					      item_score(it), fav)
				     : rp_fmt(a, sizeof(a), _("score %.0f"),
					      item_score(it)));
			p->y -= 16;
		}
	}
	if (r->comments_shown && has_comments(r, "going_well")) {
		pdf_subheading(p, _("In the team's words: what is going well"));
		comments_of(p, r, "going_well", 0);
	}
	free(items);
}

/* The progress item's dimension, or NULL when the wave did not ask it. */
static const struct rp_dimension *progress_of(const struct rp_team_report *r)
{
	for (size_t i = 0; i < r->n_dimensions; i++)
		if (r->dimensions[i].group == RP_GROUP_PROGRESS)
			return &r->dimensions[i];
	return NULL;
}

/*
 * What we agreed last time: the actions recorded after an earlier wave,
 * each with its owner, review date and whether it is done, and, when the
 * wave asked it, how the team rates its progress on them (with the same
 * threshold as any other measure).
 */
static void last_time(struct pdf *p, const struct rp_team_report *r)
{
	const struct rp_dimension *d = progress_of(r);
	char a[256];

	if (r->n_actions == 0 && d == NULL)
		return;
	open_section(p, _("What we agreed last time"), 100);
	if (r->n_actions)
		pdf_paragraph(p, 10, PDF_INK,
			      rp_fmt(a, sizeof(a),
				     _("After the results of %s, the team "
				       "agreed:"),
				     str(r->actions_wave)));
	else
		pdf_paragraph(p, 10, PDF_INK,
			      _("No actions were recorded after the last wave "
				"(carepulse action add records them)."));
	for (size_t i = 0; i < r->n_actions; i++) {
		const struct rp_action *ac = &r->actions[i];

		pdf_quote(p, ac->done ? PDF_ACCENT : PDF_ANSWER[1],
			  str(ac->text));
		p->y += 4;
		a[0] = '\0';
		if (ac->owner)
			rp_fmt(a, sizeof(a), _("owner %s \xC2\xB7 "),
			       ac->owner);
		if (ac->review)
			rp_fmt(a + strlen(a), sizeof(a) - strlen(a),
			       _("review %s \xC2\xB7 "), ac->review);
		if (ac->done)
			rp_fmt(a + strlen(a), sizeof(a) - strlen(a),
			       _("done %s"), ac->done);
		else
			rp_fmt(a + strlen(a), sizeof(a) - strlen(a), _("open"));
		pdf_text_fit(p, p->left + 12, p->y - 8, p->right - p->left - 12,
			     0, 8, PDF_MUTED, a);
		p->y -= 16;
	}
	if (d == NULL)
		return;
	pdf_subheading(p, _("We made progress on what we agreed last time"));
	if (shown(d))
		pdf_paragraph(p, 10, PDF_INK,
			      rp_fmt(a, sizeof(a),
				     _("score %.0f \xC2\xB7 %.0f%% favourable "
				       "\xC2\xB7 n = %d"),
				     d->score, d->favourable, d->n));
	else
		pdf_paragraph(p, 10, PDF_MUTED,
			      rp_fmt(a, sizeof(a),
				     _("Not enough responses to show (fewer "
				       "than %d)."),
				     r->threshold));
}

static void attributes_and_behaviours(struct pdf *p,
				      const struct rp_team_report *r)
{
	const char *labels[32];
	struct chart_value now[32], before[32];
	size_t n = 0, i, bars = 0;
	int any_before = 0;
	char a[256];
	float x, w, cx, cy, radius = 105;

	open_section(p, _("The 7 C's and the four behaviours"),
		     2 * radius + 120);
	for (i = 0; i < r->n_dimensions && n < 32; i++) {
		const struct rp_dimension *d = &r->dimensions[i];

		if (d->group != RP_GROUP_7C)
			continue;
		labels[n] = str(d->title);
		now[n].shown = shown(d);
		now[n].v = d->score;
		before[n].shown =
		    shown(d) && d->has_previous && isfinite(d->previous_mean);
		before[n].v = (d->previous_mean - 1) / 4 * 100;
		any_before |= before[n].shown;
		n++;
	}
	if (n > 0) {
		pdf_subheading(
		    p, _("The 7 C's: what the team sees in its leader"));
		pdf_paragraph(
		    p, 9, PDF_MUTED,
		    _("Scores from 0 to 100; further out is stronger. "
		      "A gap in the outline marks a C with too few "
		      "answers to show."));
		pdf_need(p, 2 * radius + 80);
		cx = (p->left + p->right) / 2;
		cy = p->y - radius - 30;
		chart_radar(p, cx, cy, radius, labels, now,
			    any_before ? before : NULL, n);
		p->y = cy - radius - 40;
		x = p->left + 120;
		pdf_line(p, x, p->y, x + 22, p->y, 1.8f, PDF_ACCENT);
		pdf_circle(p, x + 11, p->y, 2.6f, PDF_ACCENT, PDF_ACCENT);
		pdf_text(
		    p, x + 28, p->y - 3, 0, 8, PDF_INK,
		    rp_fmt(a, sizeof(a), _("this wave (%s)"), str(r->wave)));
		if (any_before) {
			x += 190;
			pdf_dashed_line(p, x, p->y, x + 22, p->y, 1.2f,
					PDF_PREVIOUS);
			pdf_text(p, x + 28, p->y - 3, 0, 8, PDF_INK,
				 _("previous wave"));
		}
		p->y -= 24;
	}

	for (i = 0; i < r->n_dimensions; i++)
		bars += r->dimensions[i].group != RP_GROUP_7C &&
			r->dimensions[i].group != RP_GROUP_PROGRESS;
	if (bars == 0)
		return;
	pdf_need(p, 60 + 26.0f * (float)bars);
	pdf_subheading(p, _("The four behaviours: what the leader does"));
	pdf_paragraph(p, 9, PDF_MUTED,
		      /* xgettext:no-c-format */
		      _("Score 0 to 100 with its 95% interval; % favourable "
			"is the share answering 4 or 5."));
	x = p->left + 110;
	w = p->right - x - 90;
	pdf_text_right(p, p->right, p->y - 8, 0, 7.5f, PDF_MUTED,
		       _("favourable"));
	p->y -= 12;
	for (i = 0; i < r->n_dimensions; i++) {
		const struct rp_dimension *d = &r->dimensions[i];
		struct chart_value v = {shown(d), d->score};

		if (d->group == RP_GROUP_7C || d->group == RP_GROUP_PROGRESS)
			continue;
		pdf_need(p, 26);
		pdf_text_fit(p, p->left, p->y - 15, 104, 1, 9, PDF_INK,
			     str(d->title));
		chart_interval_bar(p, x, p->y - 24, w, 24, v,
				   (d->ci_low - 1) / 4 * 100,
				   (d->ci_high - 1) / 4 * 100, r->threshold);
		if (v.shown)
			pdf_text_right(
			    p, p->right, p->y - 15, 0, 9, PDF_INK,
			    rp_fmt(a, sizeof(a), "%.0f%%", d->favourable));
		p->y -= 26;
	}
	chart_axis(p, x, p->y + 1, w);
	p->y -= 22;
}

/* "Up +12 points since the last wave [+3, +21]", a change in words. */
static const char *enps_change(char *a, size_t n, const struct rp_enps *e)
{
	if (e->change == RP_CHANGE_UP)
		return rp_fmt(a, n,
			      _("Up %+.0f points since the last wave "
				"[%+.0f, %+.0f]: a significant change."),
			      e->diff, e->diff_low, e->diff_high);
	if (e->change == RP_CHANGE_DOWN)
		return rp_fmt(a, n,
			      _("Down %+.0f points since the last wave "
				"[%+.0f, %+.0f]: a significant change."),
			      e->diff, e->diff_low, e->diff_high);
	return rp_fmt(a, n,
		      _("%+.0f points since the last wave [%+.0f, %+.0f]: "
			"no detectable change."),
		      e->diff, e->diff_low, e->diff_high);
}

/* The eNPS over the report's waves, as the dimensions' trends are drawn
 * but the width of the page, and why each hatched wave is hidden. */
static void enps_trend(struct pdf *p, const struct rp_team_report *r)
{
	const float h = 112;
	const struct rp_enps *e = &r->enps;
	char a[1280];

	if (r->n_waves <= 1)
		return;
	pdf_need(p, h + 40);
	pdf_space(p, 4);
	chart_trend_enps(
	    p, p->left, p->y - h, p->right - p->left, h,
	    rp_fmt(a, sizeof(a),
		   _("eNPS over the last %zu waves (95%% interval as a band)"),
		   r->n_waves),
	    e->trend, r->n_waves, r->waves);
	p->y -= h + 6;
	if (e->trend_hidden)
		pdf_paragraph(p, 8.5f, PDF_MUTED,
			      rp_fmt(a, sizeof(a), _("Hatched, not shown: %s."),
				     e->trend_hidden));
	pdf_space(p, 8);
}

/* The eNPS block: score, interval, the three groups and the change. */
static void enps(struct pdf *p, const struct rp_team_report *r)
{
	const struct rp_enps *e = &r->enps;
	const char *labels[5] = {0};
	int counts[5] = {0};
	char a[512];
	float x, w;

	if (!e->present)
		return;
	open_section(p, _("Would people recommend the team?"), 150);
	pdf_paragraph(
	    p, 9.5f, PDF_INK,
	    rp_fmt(a, sizeof(a),
		   _("\xE2\x80\x9C%s\xE2\x80\x9D, answered from 0 to 10. "
		     "Promoters answer 9 or 10, passives 7 or 8, detractors 0 "
		     "to 6; the eNPS is the percentage of promoters minus the "
		     "percentage of detractors, from -100 to +100."),
		   str(e->text)));
	if (e->suppressed) {
		pdf_need(p, 30);
		pdf_hatch(p, p->left, p->y - 20, p->right - p->left, 16);
		pdf_text_fit(p, p->left + 6, p->y - 15, p->right - p->left - 12,
			     0, 8, PDF_MUTED,
			     rp_fmt(a, sizeof(a), _("eNPS not shown: %s."),
				    str(e->reason)));
		p->y -= 30;
		enps_trend(p, r);
		return;
	}
	pdf_need(p, 120);
	pdf_text(p, p->left, p->y - 22, 1, 22, PDF_ACCENT,
		 rp_fmt(a, sizeof(a), "%+.0f", e->score));
	pdf_text(p, p->left, p->y - 34, 0, 8, PDF_MUTED, _("eNPS"));
	x = p->left + 90;
	w = p->right - x - 10;
	if (e->has_ci)
		pdf_text(p, x, p->y - 9, 0, 8.5f, PDF_INK,
			 rp_fmt(a, sizeof(a), _("95%% interval %+.0f to %+.0f"),
				e->ci_low, e->ci_high));
	chart_enps_interval(p, x, p->y - 22, w, e->score,
			    e->has_ci ? e->ci_low : e->score,
			    e->has_ci ? e->ci_high : e->score);
	p->y -= 50;
	counts[0] = e->detractors;
	counts[2] = e->passives;
	counts[4] = e->promoters;
	chart_stacked(p, p->left, p->y - 14, p->right - p->left, 14, counts);
	p->y -= 18;
	labels[0] = rp_fmt(a, sizeof(a), _("detractors %d (%.0f%%)"),
			   e->detractors, e->pct_detractors);
	pdf_text(p, p->left, p->y - 9, 0, 8, PDF_INK, labels[0]);
	pdf_text_center(p, (p->left + p->right) / 2, p->y - 9, 0, 8, PDF_INK,
			rp_fmt(a, sizeof(a), _("passives %d (%.0f%%)"),
			       e->passives, e->pct_passives));
	pdf_text_right(p, p->right, p->y - 9, 0, 8, PDF_INK,
		       rp_fmt(a, sizeof(a), _("promoters %d (%.0f%%)"),
			      e->promoters, e->pct_promoters));
	p->y -= 16;
	if (e->declined > 0)
		pdf_paragraph(
		    p, 8.5f, PDF_MUTED,
		    rp_fmt(a, sizeof(a),
			   _("n = %d; %d preferred not to say (not counted)."),
			   e->n, e->declined));
	else
		pdf_paragraph(p, 8.5f, PDF_MUTED,
			      rp_fmt(a, sizeof(a), "n = %d", e->n));
	if (e->has_diff)
		pdf_paragraph(p, 9, PDF_INK, enps_change(a, sizeof(a), e));
	pdf_space(p, 8);
	enps_trend(p, r);
}

static void trends(struct pdf *p, const struct rp_team_report *r)
{
	const float cell_h = 104, gap = 14;
	float cell_w;
	size_t i, col = 0;
	char a[256];

	open_section(p, _("Trends"), 60 + cell_h);
	if (r->n_waves <= 1)
		pdf_paragraph(p, 10, PDF_INK,
			      _("This is the team's first wave: trends appear "
				"from the second wave on."));
	else
		pdf_paragraph(
		    p, 10, PDF_INK,
		    rp_fmt(
			a, sizeof(a),
			_("Each dimension's score (0 to 100) over the last %zu "
			  "waves, from %s to %s, one mark per wave; the band "
			  "is its 95%% interval. A triangle marks a change the "
			  "test found significant; hatching marks a wave with "
			  "fewer than %d responses."),
			r->n_waves, str(r->waves[0]),
			str(r->waves[r->n_waves - 1]), r->threshold));
	if (r->trend_gaps)
		pdf_paragraph(
		    p, 10, PDF_INK,
		    rp_fmt(a, sizeof(a), _("Left out: %s."), r->trend_gaps));
	pdf_space(p, 6);
	cell_w = (p->right - p->left - 2 * gap) / 3;
	for (i = 0; i < r->n_dimensions; i++) {
		const struct rp_dimension *d = &r->dimensions[i];
		const struct rp_trend *t = find_trend(r, d->id);
		struct rp_trend_point none[RP_WAVES_MAX];
		size_t k;

		if (col == 0)
			pdf_need(p, cell_h + gap);
		if (t == NULL) {
			for (k = 0; k < RP_WAVES_MAX; k++)
				none[k].suppressed = 1, none[k].mean = NAN,
				none[k].change = RP_CHANGE_NONE;
		}
		chart_trend(p, p->left + (float)col * (cell_w + gap),
			    p->y - cell_h, cell_w, cell_h, str(d->title),
			    t ? t->points : none, r->n_waves, r->waves);
		if (++col == 3) {
			col = 0;
			p->y -= cell_h + gap;
		}
	}
	if (col)
		p->y -= cell_h + gap;
}

static const char *const answer_labels[5] = {
    N_("1 strongly disagree"), N_("2 disagree"), N_("3 neither"), N_("4 agree"),
    N_("5 strongly agree")};

static void item_row(struct pdf *p, const struct rp_team_report *r,
		     const struct rp_item *it)
{
	const float text_w = 220, size = 8.5f, leading = 11;
	float bx = p->left + text_w + 14, bw = p->right - bx - 52;
	int lines;
	float h;
	char a[128];
	struct cp_buf text;

	cp_buf_init(&text, 0);
	/* Out of memory, the document fails rather than lose the text. */
	if (cp_buf_adds(&text, str(it->text), p->err) ||
	    (it->reverse && cp_buf_adds(&text, " (reverse-scored)", p->err))) {
		p->failed = 1;
		cp_buf_release(&text);
		return;
	}
	lines = pdf_wrap(p, 0, 0, text_w, 0, size, leading, PDF_INK,
			 cp_buf_str(&text), 0);
	h = (float)(lines > 1 ? lines : 1) * leading + 10;
	if (h < 24)
		h = 24;
	if (item_shown(r, it) && it->declined > 0 && h < 34)
		h = 34;
	pdf_need(p, h);
	pdf_wrap(p, p->left, p->y - size - 2, text_w, 0, size, leading, PDF_INK,
		 cp_buf_str(&text), 1);
	if (item_shown(r, it)) {
		chart_stacked(p, bx, p->y - 16, bw, 13, it->counts);
		pdf_text_right(p, p->right, p->y - 9, 1, 8.5f, PDF_INK,
			       rp_fmt(a, sizeof(a), "%.0f", item_score(it)));
		pdf_text_right(p, p->right, p->y - 19, 0, 7, PDF_MUTED,
			       rp_fmt(a, sizeof(a), "n = %d", it->n));
		if (it->declined > 0)
			pdf_text_right(
			    p, p->right, p->y - 28, 0, 7, PDF_MUTED,
			    rp_fmt(a, sizeof(a),
				   cp_ngettext("%d preferred not to say",
					       "%d preferred not to say",
					       (unsigned long)it->declined),
				   it->declined));
	} else {
		pdf_hatch(p, bx, p->y - 16, bw, 13);
		pdf_text(p, bx + 6, p->y - 12, 0, 7.5f, PDF_MUTED,
			 rp_fmt(a, sizeof(a),
				_("not enough responses (fewer than %d)"),
				r->threshold));
	}
	p->y -= h;
	pdf_line(p, p->left, p->y + 4, p->right, p->y + 4, 0.3f, PDF_RULE);
	cp_buf_release(&text);
}

static void item_detail(struct pdf *p, const struct rp_team_report *r)
{
	const char *labels[5];
	size_t i, j;
	int orphans = 0;

	open_section(p, _("Item detail"), 140);
	pdf_paragraph(p, 9.5f, PDF_INK,
		      _("How the answers to each statement were spread, from "
			"strongly disagree to strongly agree; the score on the "
			"right is on the 0 to 100 scale."));
	for (i = 0; i < 5; i++)
		labels[i] = _(answer_labels[i]);
	chart_stacked_legend(p, p->left, p->y - 10, labels);
	p->y -= 24;
	for (i = 0; i < r->n_dimensions; i++) {
		const struct rp_dimension *d = &r->dimensions[i];
		int first = 1;

		for (j = 0; j < r->n_items; j++) {
			const struct rp_item *it = &r->items[j];

			if (!it->dimension || !d->id ||
			    strcmp(it->dimension, d->id) != 0)
				continue;
			if (first) {
				pdf_need(p, 70);
				pdf_subheading(p, str(d->title));
				first = 0;
			}
			item_row(p, r, it);
		}
	}
	for (j = 0; j < r->n_items; j++) {
		if (find_dimension(r, r->items[j].dimension))
			continue;
		if (!orphans++)
			pdf_subheading(p, _("Other statements"));
		item_row(p, r, &r->items[j]);
	}
}

static void areas_to_grow(struct pdf *p, const struct rp_team_report *r,
			  const size_t *dims, size_t n_dims)
{
	size_t i, shown_n = 0;
	char a[256];

	open_section(p, _("Areas to grow"), 120);
	if (n_dims == 0) {
		pdf_paragraph(p, 10, PDF_INK,
			      _("Too few people answered this wave to point to "
				"areas to grow."));
		return;
	}
	pdf_paragraph(
	    p, 10, PDF_INK,
	    _("These are questions to explore together, not verdicts. They "
	      "come "
	      "from the dimensions with the lowest scores this wave, which may "
	      "still be good scores; the team is best placed to say what they "
	      "mean."));
	pdf_space(p, 6);
	for (i = n_dims; i > 0 && shown_n < TOP_N; i--, shown_n++) {
		const struct rp_dimension *d = &r->dimensions[dims[i - 1]];

		pdf_need(p, 80);
		pdf_subheading(p, rp_fmt(a, sizeof(a),
					 _("%s \xE2\x80\x94 score %.0f"),
					 str(d->title), d->score));
		pdf_quote(p, PDF_ANSWER[1], _(rp_prompts_for(d->id)->grow));
	}
}

static void self_and_team(struct pdf *p, const struct rp_team_report *r)
{
	size_t i;
	int any = 0;
	char a[160];
	float x, w;

	for (i = 0; i < r->n_dimensions; i++)
		any |= r->dimensions[i].has_self;
	if (!any)
		return;
	open_section(p, _("Self and team"), 120);
	pdf_paragraph(p, 10, PDF_INK,
		      _("The leader's own view next to the team's, on the same "
			"0 to 100 scale. A gap is not a fault: it is a good "
			"place to start a conversation about what each side "
			"sees."));
	x = p->left + 120;
	w = p->right - x - 110;
	pdf_circle(p, x + 4, p->y - 6, 3.6f, PDF_ACCENT, PDF_ACCENT);
	pdf_text(p, x + 12, p->y - 9, 0, 8, PDF_INK, _("team"));
	pdf_circle(p, x + 64, p->y - 6, 3.6f, PDF_WHITE, PDF_ANSWER[0]);
	pdf_text(p, x + 72, p->y - 9, 0, 8, PDF_INK, _("self"));
	p->y -= 26;
	for (i = 0; i < r->n_dimensions; i++) {
		const struct rp_dimension *d = &r->dimensions[i];
		struct chart_value team = {shown(d), d->score};
		struct chart_value self = {d->has_self &&
					       isfinite(d->self_mean),
					   (d->self_mean - 1) / 4 * 100};

		pdf_need(p, 22);
		pdf_text_fit(p, p->left, p->y - 12, 112, 1, 9, PDF_INK,
			     str(d->title));
		chart_dumbbell(p, x, p->y - 9, w, team, self);
		if (team.shown && self.shown)
			rp_fmt(a, sizeof(a), _("team %.0f \xC2\xB7 self %.0f"),
			       team.v, self.v);
		else if (self.shown)
			rp_fmt(a, sizeof(a), _("self %.0f"), self.v);
		else if (team.shown)
			rp_fmt(a, sizeof(a), _("team %.0f"), team.v);
		else
			rp_fmt(a, sizeof(a), "\xE2\x80\x94");
		pdf_text_right(p, p->right, p->y - 12, 0, 8.5f, PDF_INK, a);
		p->y -= 22;
	}
	pdf_need(p, 24);
	chart_axis(p, x, p->y + 6, w);
	p->y -= 22;
}

static void comments(struct pdf *p, const struct rp_team_report *r)
{
	char a[256];
	int other = 0;
	size_t i;

	open_section(p, _("Comments"), 80);
	if (!r->comments_shown) {
		pdf_paragraph(
		    p, 10, PDF_INK,
		    rp_fmt(
			a, sizeof(a),
			_("Comments are shown only when at least %d people "
			  "have "
			  "answered, so that no one can be recognised by how "
			  "they write. This wave did not reach that number."),
			r->comment_threshold));
		return;
	}
	if (r->n_comments == 0) {
		pdf_paragraph(p, 10, PDF_INK,
			      _("No one left a comment this wave."));
		return;
	}
	pdf_paragraph(p, 9.5f, PDF_MUTED,
		      _("In the team's own words, in alphabetical order under "
			"each question. What is going well is quoted in the "
			"section of that name."));
	pdf_subheading(p, _("What would help"));
	comments_of(p, r, "would_help", 0);
	for (i = 0; i < r->n_comments; i++) {
		const char *cp = str(r->comments[i].purpose);

		other |= strcmp(cp, "going_well") && strcmp(cp, "would_help");
	}
	if (other) {
		pdf_subheading(p, _("Other comments"));
		comments_of(p, r, NULL, 1);
	}
}

static void prompt(struct pdf *p, const char *label, const char *text)
{
	pdf_need(p, 40);
	pdf_text(p, p->left + 12, p->y - 9, 1, 8, PDF_ACCENT, label);
	p->y -= 13;
	pdf_quote(p, pdf_mix(PDF_ACCENT, PDF_WHITE, 0.5f), text);
}

static void workshop(struct pdf *p, const struct rp_team_report *r,
		     const size_t *dims, size_t n_dims)
{
	size_t i;
	char a[256];

	open_section(p, _("Workshop: from strengths to next steps"), 140);
	pdf_paragraph(
	    p, 10, PDF_INK,
	    _("A plan for about ninety minutes together. It follows the CARE "
	      "cycle (Compassion, Attune, Enact, Restore) and the CLEAR steps "
	      "(Contract, Listen, Explore, Action, Review): agree how to talk, "
	      "picture the future, explore, then choose a small step."));
	pdf_subheading(p,
		       _("1. Agree how we will talk (Contract, Compassion)"));
	prompt(
	    p, _("ASK"),
	    _("What do we each need to speak openly today? What stays in the "
	      "room?"));
	pdf_subheading(p, _("2. Our desired future (Listen, Attune)"));
	prompt(p, _("IMAGINE"),
	       _("It is a year from now and this is the team you most want to "
		 "belong to. What do you notice on an ordinary day? How do "
		 "people treat each other when things get hard?"));
	prompt(p, _("NOTICE"),
	       _("Which of our strengths from this report are already part of "
		 "that picture?"));
	for (i = 0; i < 2 && i < n_dims; i++) {
		const struct rp_dimension *d =
		    &r->dimensions[dims[n_dims - 1 - i]];
		const struct rp_prompts *pr = rp_prompts_for(d->id);

		pdf_subheading(p,
			       rp_fmt(a, sizeof(a),
				      _("%zu. Exploring %s (Explore, Enact)"),
				      3 + i, str(d->title)));
		prompt(p, _("REMEMBER"), _(pr->strength));
		prompt(p, _("TRY"), _(pr->next_step));
	}
	pdf_subheading(
	    p, rp_fmt(a, sizeof(a),
		      _("%zu. Choose and review (Action, Review, Restore)"),
		      3 + (n_dims < 2 ? n_dims : 2)));
	prompt(p, _("DECIDE"),
	       _("Which one step will we try before the next pulse, who will "
		 "help, and how will we know it made a difference?"));
	prompt(
	    p, _("RESTORE"),
	    _("What will we stop doing, or do less of, to make room for it?"));
}

static void how_to_read(struct pdf *p, const struct rp_team_report *r)
{
	char a[512];

	open_section(p, _("How to read this report"), 140);
	pdf_subheading(p, _("Scores"));
	pdf_paragraph(
	    p, 9.5f, PDF_INK,
	    /* xgettext:no-c-format */
	    /* Formulas are held together with no-break spaces, which
	     * wrapping keeps: a translation keeps them too. */
	    _("Every statement is answered on a scale from 1 (strongly "
	      "disagree) to 5 (strongly agree); reverse-scored statements are "
	      "flipped (6 minus the answer) before anything is computed. A "
	      "dimension's mean is the mean, over respondents, of each "
	      "respondent's mean across the dimension's statements. The score "
	      "puts that mean on 0 to 100: score\xC2\xA0=\xC2\xA0(mean\xC2\xA0"
	      "\xE2\x88\x92\xC2\xA0"
	      "1)\xC2\xA0/\xC2\xA0"
	      "4\xC2\xA0\xC3\x97\xC2\xA0"
	      "100, so 3 (neither) is 50. % favourable is the share of "
	      "answers that are 4 or 5; % neutral the share of 3; "
	      "% unfavourable the share of 1 or 2. Every score in this "
	      "report, a statement's too, is on this 0 to 100 scale; the "
	      "1 to 5 means appear only here, where the method is "
	      "explained."));
	pdf_subheading(p, _("Intervals and change"));
	pdf_paragraph(
	    p, 9.5f, PDF_INK,
	    /* xgettext:no-c-format */
	    _("The 95% interval of a mean is the t-interval over respondents' "
	      "dimension means: mean\xC2\xA0\xC2\xB1\xC2\xA0t(0.975,\xC2\xA0"
	      "n\xC2\xA0\xE2\x88\x92\xC2\xA0"
	      "1)"
	      "\xC2\xA0\xC3\x97\xC2\xA0sd\xC2\xA0/"
	      "\xC2\xA0\xE2\x88\x9An. A change "
	      "between two waves is "
	      "tested with Welch's t-test and marked only when it is "
	      "significant at the 5% level; otherwise the report says there is "
	      "no detectable change, which in a small team is the honest "
	      "answer."));
	pdf_subheading(p, _("Thresholds and anonymity"));
	pdf_paragraph(
	    p, 9.5f, PDF_INK,
	    rp_fmt(a, sizeof(a),
		   _("Results for any group with fewer than %d responses (the "
		     "threshold k) are not shown anywhere; such places read "
		     "\"not enough responses\" or \"fewer than %d\". Comments "
		     "appear only when at least %d people answered, in "
		     "alphabetical order under each question. A leader's "
		     "self-assessment is shown next to the "
		     "team's view and never mixed into it."),
		   r->threshold, r->threshold, r->comment_threshold));
	pdf_subheading(p, _("Survey"));
	pdf_paragraph(p, 9.5f, PDF_INK,
		      rp_fmt(a, sizeof(a), _("%s (%s), version %s."),
			     str(r->survey_title), str(r->survey_id),
			     str(r->survey_version)));
}

/*
 * The whole report of a hidden group: one page saying why, what would
 * change it and where its teams' own results are, instead of pages of
 * empty charts.
 */
static void hidden_report(struct pdf *p, const struct rp_team_report *r)
{
	char a[1024];
	float tw;

	pdf_new_page(p);
	tw = p->right - p->left;
	pdf_fill_rect(p, 0, p->height - 190, p->width, 190, PDF_WASH);
	pdf_fill_rect(p, 0, p->height - 190, p->width, 4, PDF_ACCENT);
	pdf_text(p, p->left, p->height - 80, 1, 10, PDF_ACCENT,
		 _("COMPASSIONATE LEADERSHIP PULSE"));
	pdf_text_fit(p, p->left, p->height - 120, tw, 1, 24, PDF_INK,
		     str(r->team));
	pdf_text_fit(
	    p, p->left, p->height - 148, tw, 0, 14, PDF_INK,
	    rp_fmt(a, sizeof(a), _("Team report \xC2\xB7 %s"), str(r->wave)));
	pdf_text_fit(p, p->left, p->height - 168, tw, 0, 10, PDF_MUTED,
		     rp_fmt(a, sizeof(a), _("Open %s to %s"), str(r->opens),
			    str(r->closes)));
	p->y = p->height - 230;
	pdf_subheading(p, _("Why there are no results"));
	pdf_paragraph(p, 11, PDF_INK,
		      rp_fmt(a, sizeof(a),
			     _("The results of %s for %s are not shown: %s."),
			     str(r->team), str(r->wave),
			     str(r->hidden_reason)));
	if (r->hidden_fix) {
		pdf_subheading(p, _("What would change it"));
		pdf_paragraph(p, 11, PDF_INK,
			      rp_fmt(a, sizeof(a), "%s.", r->hidden_fix));
	}
	if (r->shown_teams) {
		pdf_subheading(p, _("Where to look instead"));
		pdf_paragraph(
		    p, 11, PDF_INK,
		    rp_fmt(a, sizeof(a),
			   _("These teams inside it have results, and "
			     "reports, of their own: %s."),
			   r->shown_teams));
	}
	pdf_subheading(p, _("Anonymity"));
	pdf_paragraph(
	    p, 10, PDF_INK,
	    rp_fmt(a, sizeof(a),
		   _("Answers are reported only for groups where at least %d "
		     "people answered, and never where the answers of a "
		     "smaller group could be worked out by comparing two "
		     "groups. Where a group has to be hidden for that, "
		     "carepulse hides the larger group that contains it "
		     "rather than any team's own results."),
		   r->threshold));
}

#define SECTIONS_MAX 16

struct contents {
	const char *title[SECTIONS_MAX];
	int page[SECTIONS_MAX];
	size_t n;
	const char *pending;  /* the section being drawn */
	int pending_headings; /* headings drawn before it */
};

/*
 * Notes the section about to be drawn and closes the previous one, which
 * is listed, at the page its heading landed on, only if it drew one. NULL
 * closes the last.
 */
static void section(struct pdf *p, struct contents *toc, const char *title)
{
	if (toc->pending && p->headings > toc->pending_headings &&
	    toc->n < SECTIONS_MAX) {
		toc->title[toc->n] = toc->pending;
		toc->page[toc->n] = p->heading_page;
		toc->n++;
	}
	toc->pending = title;
	toc->pending_headings = p->headings;
}

static void draw_contents(struct pdf *p, const struct contents *toc)
{
	char num[16];
	size_t i;

	pdf_subheading(p, _("Contents"));
	for (i = 0; i < toc->n; i++) {
		float tw = pdf_width(p, 0, 10, toc->title[i]);

		pdf_bookmark(p, toc->page[i], toc->title[i]);
		pdf_text(p, p->left, p->y - 10, 0, 10, PDF_INK, toc->title[i]);
		pdf_dashed_line(p, p->left + tw + 6, p->y - 9, p->right - 24,
				p->y - 9, 0.4f, PDF_RULE);
		pdf_text_right(p, p->right, p->y - 10, 0, 10, PDF_INK,
			       rp_fmt(num, sizeof(num), "%d", toc->page[i]));
		p->y -= 17;
	}
}

int rp_team_report_write(const struct rp_team_report *r, const char *path,
			 const struct rp_options *o, struct cp_error *err)
{
	struct pdf p;
	char footer[512];
	size_t *dims = NULL, n_dims;
	int rc;

	if (r == NULL || path == NULL)
		return cp_error_set(err, CP_EUSAGE,
				    "team report: no report or no path");
	if (r->n_waves > RP_WAVES_MAX)
		return cp_error_set(err, CP_EUSAGE,
				    "team report: %zu waves, at most %d",
				    r->n_waves, RP_WAVES_MAX);
	if ((r->n_dimensions && !r->dimensions) || (r->n_items && !r->items) ||
	    (r->n_waves && !r->waves) || (r->n_trends && !r->trends) ||
	    (r->n_comments && !r->comments) || (r->n_actions && !r->actions))
		return cp_error_set(err, CP_EUSAGE,
				    "team report: a count without its array");
	dims = calloc(r->n_dimensions + 1, sizeof(*dims));
	if (dims == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	n_dims = rank_dimensions(r, dims);

	rc = pdf_open(&p, o, 0, "carepulse team report", err);
	if (rc == 0 && r->hidden) {
		p.footer = rp_fmt(footer, sizeof(footer),
				  "carepulse \xC2\xB7 %s \xC2\xB7 %s",
				  str(r->team), str(r->wave));
		hidden_report(&p, r);
		rc = pdf_save(&p, path);
	} else if (rc == 0) {
		struct contents toc = {0};
		HPDF_Page cover_page;
		float cover_y;

		p.footer = rp_fmt(footer, sizeof(footer),
				  "carepulse \xC2\xB7 %s \xC2\xB7 %s",
				  str(r->team), str(r->wave));
		cover(&p, r);
		cover_page = p.page;
		cover_y = p.y;
		section(&p, &toc, _("What is going well"));
		going_well(&p, r, dims, n_dims);
		section(&p, &toc, _("What we agreed last time"));
		last_time(&p, r);
		section(&p, &toc, _("The 7 C's and the four behaviours"));
		attributes_and_behaviours(&p, r);
		section(&p, &toc, _("Would people recommend the team?"));
		enps(&p, r);
		section(&p, &toc, _("Trends"));
		trends(&p, r);
		section(&p, &toc, _("Item detail"));
		item_detail(&p, r);
		section(&p, &toc, _("Areas to grow"));
		areas_to_grow(&p, r, dims, n_dims);
		section(&p, &toc, _("Self and team"));
		self_and_team(&p, r);
		section(&p, &toc, _("Comments"));
		comments(&p, r);
		section(&p, &toc, _("Workshop: from strengths to next steps"));
		workshop(&p, r, dims, n_dims);
		section(&p, &toc, _("How to read this report"));
		how_to_read(&p, r);
		section(&p, &toc, NULL);
		/* libharu keeps every page open until the document is saved,
		 * so the cover's contents can be drawn once the page numbers
		 * are known. */
		p.page = cover_page;
		p.y = cover_y;
		draw_contents(&p, &toc);
		rc = pdf_save(&p, path);
	}
	pdf_close(&p);
	free(dims);
	return rc;
}
