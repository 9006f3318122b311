/*
 * compare.c - the HR comparison: a heat map of teams by dimensions on
 * landscape pages, in the order of the organisation tree (each roll-up
 * above its teams, indented by depth) unless asked otherwise, with each
 * row's responses, response rate and change since its last wave, and the
 * organisation's row at the end. The column header is repeated on every page,
 * so a comparison of hundreds of teams reads page by page.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pdf_int.h"

#define ROW_H	 16.0f
#define NAME_W	 170.0f
#define COUNT_W	 44.0f
#define RATE_W	 48.0f
#define CHANGE_W 74.0f
#define INDENT	 9.0f
#define HEADER_H 86.0f

struct layout {
	const struct rp_compare_report *r;
	float cell_w;
	float x0; /* the first dimension column */
};

struct ranked {
	size_t index;
	const char *team;
	double overall; /* NAN when no cell is shown */
};

static const char *str(const char *s)
{
	return s ? s : "";
}

static double overall_of(const struct rp_compare_report *r,
			 const struct rp_compare_row *row, size_t n)
{
	double sum = 0;
	size_t i, shown = 0;

	/* An eNPS is on another scale: not part of the overall mean. */
	for (i = 0; row->cells && i < n; i++) {
		if (row->cells[i].suppressed || r->columns[i].enps ||
		    !isfinite(row->cells[i].value))
			continue;
		sum += row->cells[i].value;
		shown++;
	}
	return shown ? sum / (double)shown : NAN;
}

static int by_name(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int c = strcmp(x->team, y->team);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Highest overall first; rows with nothing shown last; then by name. */
static int by_overall(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int xs = isfinite(x->overall), ys = isfinite(y->overall);

	if (xs != ys)
		return ys - xs;
	if (xs && x->overall != y->overall)
		return x->overall < y->overall ? 1 : -1;
	return by_name(a, b);
}

/* The right edges of the count and rate columns. */
static float count_x(const struct pdf *p)
{
	return p->left + NAME_W + COUNT_W;
}

static float rate_x(const struct pdf *p)
{
	return count_x(p) + RATE_W;
}

/* "2 up, 1 down" as triangles and numbers, right-aligned at x. */
static void change_cell(struct pdf *p, float x, float y,
			const struct rp_compare_row *rw)
{
	char a[32];
	float at = x;

	if (rw->responses_hidden || !rw->has_previous) {
		pdf_text_right(p, x, y, 0, 7.5f, PDF_MUTED, "\xE2\x80\x94");
		return;
	}
	if (rw->ups == 0 && rw->downs == 0) {
		pdf_text_right(p, x, y, 0, 7.5f, PDF_MUTED, _("none"));
		return;
	}
	if (rw->downs) {
		rp_fmt(a, sizeof(a), "%d", rw->downs);
		pdf_text_right(p, at, y, 0, 8.5f, PDF_INK, a);
		at -= pdf_width(p, 0, 8.5f, a) + 6;
		pdf_triangle(p, at, y + 3, 3.2f, 0, PDF_ANSWER[0]);
		at -= 10;
	}
	if (rw->ups) {
		rp_fmt(a, sizeof(a), "%d", rw->ups);
		pdf_text_right(p, at, y, 0, 8.5f, PDF_INK, a);
		at -= pdf_width(p, 0, 8.5f, a) + 6;
		pdf_triangle(p, at, y + 3, 3.2f, 1, PDF_ACCENT);
	}
}

static void header(struct pdf *p, void *arg)
{
	const struct layout *l = arg;
	const struct rp_compare_report *r = l->r;
	char a[512];
	size_t i;
	float base;

	if (p->page_no == 1) {
		pdf_text(p, p->left, p->y - 20, 1, 20, PDF_ACCENT,
			 _("Team comparison"));
		pdf_text_fit(p, p->left, p->y - 38, p->right - p->left - 260, 0,
			     10, PDF_INK,
			     rp_fmt(a, sizeof(a),
				    _("%s \xC2\xB7 %s, version %s \xC2\xB7 %s"),
				    str(r->wave), str(r->survey_title),
				    str(r->survey_version),
				    r->measure == RP_MEASURE_FAVOURABLE
					/* xgettext:no-c-format */
					? _("% favourable (answers of 4 or 5)")
					: _("score 0 to 100")));
		pdf_text_fit(
		    p, p->left, p->y - 52, p->right - p->left - 260, 0, 8,
		    PDF_MUTED,
		    rp_fmt(
			a, sizeof(a),
			_("%s. Hidden: fewer than %d responses, or see "
			  "below."),
			r->sort == RP_SORT_OVERALL
			    ? _("Sorted by the mean of each team's shown cells")
			: r->sort == RP_SORT_NAME
			    ? _("Sorted by team name")
			    : _("In the order of the organisation, each group "
				"above its teams"),
			r->threshold));
		pdf_text_fit(
		    p, p->left, p->y - 63, p->right - p->left - 260, 0, 8,
		    PDF_MUTED,
		    _("Change since last wave: how many dimensions went "
		      "up or down by a significant change."));
		chart_heat_scale(p, p->right - 220, p->y - 24, 150);
		for (size_t c = 0; c < r->n_columns; c++)
			if (r->columns[c].enps) {
				pdf_text(p, p->right - 220, p->y - 52, 0, 7,
					 PDF_MUTED,
					 _("eNPS: from -100 to +100, coloured "
					   "as (eNPS + 100) / 2"));
				break;
			}
		pdf_hatch(p, p->right - 56, p->y - 24, 24, 8);
		pdf_text(p, p->right - 28, p->y - 23, 0, 7, PDF_MUTED,
			 rp_fmt(a, sizeof(a), "< %d", r->threshold));
		p->y -= 70;
	} else {
		pdf_text_fit(p, p->left, p->y - 10, p->right - p->left, 1, 10,
			     PDF_ACCENT,
			     rp_fmt(a, sizeof(a),
				    _("Team comparison \xC2\xB7 %s "
				      "(continued)"),
				    str(r->wave)));
		p->y -= 18;
	}
	base = p->y - HEADER_H;
	pdf_text(p, p->left, base + 5, 1, 8, PDF_INK, _("Team"));
	pdf_text_right(p, count_x(p) - 6, base + 5, 1, 8, PDF_INK,
		       _("Responses"));
	pdf_text_right(p, rate_x(p) - 6, base + 14, 1, 8, PDF_INK,
		       _("Response"));
	pdf_text_right(p, rate_x(p) - 6, base + 5, 1, 8, PDF_INK, _("rate"));
	pdf_text_right(p, l->x0 - 8, base + 14, 1, 8, PDF_INK,
		       _("Change since"));
	pdf_text_right(p, l->x0 - 8, base + 5, 1, 8, PDF_INK, _("last wave"));
	for (i = 0; i < r->n_columns; i++)
		pdf_text_rotated(p, l->x0 + l->cell_w * ((float)i + 0.5f) - 2,
				 base + 5, 50, 1, 8, PDF_INK,
				 str(r->columns[i].title));
	pdf_line(p, p->left, base, p->right, base, 0.8f, PDF_INK);
	p->y = base - 2;
}

static void row(struct pdf *p, const struct layout *l,
		const struct rp_compare_row *rw, int shade, int bold)
{
	char a[32];
	size_t i;
	float y;

	pdf_need(p, ROW_H);
	y = p->y - ROW_H;
	if (shade)
		pdf_fill_rect(p, p->left, y, l->x0 - p->left, ROW_H, PDF_WASH);
	{
		/* Indented by depth in the tree, each roll-up in bold. */
		float in = l->r->sort == RP_SORT_TREE && rw->depth > 1
			       ? INDENT * (float)(rw->depth - 1)
			       : 0;

		if (in > NAME_W / 2)
			in = NAME_W / 2;
		pdf_text_fit(p, p->left + 4 + in, y + 4.5f, NAME_W - 8 - in,
			     bold || rw->rollup, 8.5f, PDF_INK, str(rw->team));
	}
	if (rw->responses_hidden)
		pdf_text_right(p, count_x(p) - 6, y + 4.5f, 0, 7.5f, PDF_MUTED,
			       _("hidden"));
	else
		pdf_text_right(p, count_x(p) - 6, y + 4.5f, bold, 8.5f, PDF_INK,
			       rp_fmt(a, sizeof(a), "%d", rw->responses));
	if (rw->response_rate_hidden || !isfinite(rw->response_rate))
		pdf_text_right(p, rate_x(p) - 6, y + 4.5f, 0, 7.5f, PDF_MUTED,
			       _("hidden"));
	else
		pdf_text_right(
		    p, rate_x(p) - 6, y + 4.5f, bold, 8.5f, PDF_INK,
		    rp_fmt(a, sizeof(a), "%.0f%%", rw->response_rate));
	change_cell(p, l->x0 - 8, y + 4.5f, rw);
	for (i = 0; i < l->r->n_columns; i++) {
		struct chart_value v = {0, NAN};

		int protects = 0;

		if (rw->cells) {
			v.shown = !rw->cells[i].suppressed;
			v.v = rw->cells[i].value;
			protects = rw->cells[i].protects;
		}
		(l->r->columns[i].enps ? chart_heat_cell_enps
				       : chart_heat_cell)(
		    p, l->x0 + l->cell_w * (float)i + 0.5f, y + 0.5f,
		    l->cell_w - 1, ROW_H - 1, v, l->r->threshold, protects);
	}
	p->y -= ROW_H;
}

/* Below the table: each hidden row and why, in words. */
static void hidden_rows(struct pdf *p, const struct rp_compare_report *r)
{
	char a[1024];
	int any = 0;

	for (size_t i = 0; i <= r->n_rows; i++) {
		const struct rp_compare_row *rw =
		    i < r->n_rows ? &r->rows[i] : &r->organisation;
		if (rw->hidden_reason == NULL)
			continue;
		if (!any) {
			p->on_new_page = NULL;
			p->y -= 10;
			pdf_subheading(p, _("Why rows are hidden"));
			any = 1;
		}
		pdf_paragraph(p, 8.5f, PDF_INK,
			      rp_fmt(a, sizeof(a), "%s: %s.", str(rw->team),
				     rw->hidden_reason));
	}
}

int rp_compare_report_write(const struct rp_compare_report *r, const char *path,
			    const struct rp_options *o, struct cp_error *err)
{
	struct pdf p;
	struct layout l;
	struct ranked *order = NULL;
	char footer[512];
	size_t i;
	int rc;

	if (r == NULL || path == NULL)
		return cp_error_set(err, CP_EUSAGE,
				    "comparison report: no report or no path");
	if ((r->n_columns && !r->columns) || (r->n_rows && !r->rows))
		return cp_error_set(err, CP_EUSAGE,
				    "comparison report: a count without its "
				    "array");
	order = calloc(r->n_rows + 1, sizeof(*order));
	if (order == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	for (i = 0; i < r->n_rows; i++) {
		order[i].index = i;
		order[i].team = str(r->rows[i].team);
		order[i].overall = overall_of(r, &r->rows[i], r->n_columns);
	}
	/* The tree's order is the order core gives the groups in. */
	if (r->sort != RP_SORT_TREE)
		qsort(order, r->n_rows, sizeof(*order),
		      r->sort == RP_SORT_OVERALL ? by_overall : by_name);

	rc = pdf_open(&p, o, 1, "carepulse team comparison", err);
	if (rc == 0) {
		/* The page size is known only once a page exists. */
		l.r = r;
		l.x0 = 0;
		l.cell_w = 0;
		p.footer =
		    rp_fmt(footer, sizeof(footer),
			   _("carepulse \xC2\xB7 team comparison \xC2\xB7 %s"),
			   str(r->wave));
		pdf_new_page(&p);
		l.x0 = rate_x(&p) + CHANGE_W;
		l.cell_w =
		    r->n_columns ? (p.right - l.x0) / (float)r->n_columns : 0;
		if (l.cell_w > 64)
			l.cell_w = 64;
		p.hook_arg = &l;
		p.on_new_page = header;
		header(&p, &l);
		if (r->n_rows == 0)
			pdf_paragraph(&p, 10, PDF_INK,
				      _("No teams took part in this wave."));
		for (i = 0; i < r->n_rows; i++)
			row(&p, &l, &r->rows[order[i].index], (int)(i % 2), 0);
		pdf_need(&p, ROW_H + 6);
		pdf_line(&p, p.left, p.y - 2, p.right, p.y - 2, 0.8f, PDF_INK);
		p.y -= 5;
		if (r->organisation.team || r->organisation.cells)
			row(&p, &l, &r->organisation, 0, 1);
		hidden_rows(&p, r);
		rc = pdf_save(&p, path);
	}
	pdf_close(&p);
	free(order);
	return rc;
}
