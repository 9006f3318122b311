/*
 * chart.c - the report's charts, drawn with pdf.c's shapes.
 *
 * Each chart takes values that may be missing (suppressed, NaN, out of
 * range) and draws a gap or a labelled placeholder for them; none of them
 * hands libharu a zero-size shape, an empty path or a non-finite number.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "pdf_int.h"

/* A value that can be drawn: shown and finite, clamped to lo..hi. */
static int usable(struct chart_value v, double lo, double hi, double *out)
{
	if (!v.shown || !isfinite(v.v))
		return 0;
	*out = v.v < lo ? lo : v.v > hi ? hi : v.v;
	return 1;
}

static void radar_point(float cx, float cy, float radius, size_t i, size_t n,
			double v, float *x, float *y)
{
	double a = M_PI / 2 - 2 * M_PI * (double)i / (double)n;

	*x = cx + (float)(cos(a) * radius * v / 100.0);
	*y = cy + (float)(sin(a) * radius * v / 100.0);
}

/* One series: segments only between neighbouring axes that both have a
 * value, so a suppressed axis shows as a gap in the outline. */
static void radar_series(struct pdf *p, float cx, float cy, float radius,
			 const struct chart_value *vals, size_t n, float lw,
			 struct rgb c, int dashed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t j = (i + 1) % n;
		double a, b;
		float x0, y0, x1, y1;

		if (!usable(vals[i], 0, 100, &a) ||
		    !usable(vals[j], 0, 100, &b))
			continue;
		radar_point(cx, cy, radius, i, n, a, &x0, &y0);
		radar_point(cx, cy, radius, j, n, b, &x1, &y1);
		if (dashed)
			pdf_dashed_line(p, x0, y0, x1, y1, lw, c);
		else
			pdf_line(p, x0, y0, x1, y1, lw, c);
	}
	for (i = 0; i < n; i++) {
		double a;
		float x0, y0;

		if (!usable(vals[i], 0, 100, &a))
			continue;
		radar_point(cx, cy, radius, i, n, a, &x0, &y0);
		pdf_circle(p, x0, y0, dashed ? 1.8f : 2.6f,
			   dashed ? PDF_WHITE : c, c);
	}
}

void chart_radar(struct pdf *p, float cx, float cy, float radius,
		 const char *const *labels, const struct chart_value *now,
		 const struct chart_value *before, size_t n)
{
	static const int rings[] = {25, 50, 75, 100};
	char num[48];
	size_t i, r;
	int all = 1;

	if (n < 3 || !(radius > 0)) {
		pdf_text_center(p, cx, cy, 0, 9, PDF_MUTED,
				"A radar needs at least three dimensions.");
		return;
	}
	for (r = 0; r < 4; r++) {
		for (i = 0; i < n; i++) {
			float x0, y0, x1, y1;

			radar_point(cx, cy, radius, i, n, rings[r], &x0, &y0);
			radar_point(cx, cy, radius, (i + 1) % n, n, rings[r],
				    &x1, &y1);
			pdf_line(p, x0, y0, x1, y1, r == 3 ? 0.8f : 0.4f,
				 PDF_RULE);
		}
	}
	/* The rings' numbers sit halfway between the first axis and the
	 * last, where neither an axis nor its label is. */
	for (r = 0; r < 4; r++) {
		double a = M_PI / 2 + M_PI / (double)n;
		float rr = radius * (float)rings[r] / 100.0f;

		pdf_text_center(p, cx + (float)cos(a) * rr,
				cy + (float)sin(a) * rr - 2.5f, 0, 7, PDF_MUTED,
				rp_fmt(num, sizeof(num), "%d", rings[r]));
	}
	for (i = 0; i < n; i++) {
		float x, y;
		double a = M_PI / 2 - 2 * M_PI * (double)i / (double)n;
		double v;
		float lx = cx + (float)cos(a) * (radius + 12);
		float ly = cy + (float)sin(a) * (radius + 12);
		const char *value;

		radar_point(cx, cy, radius, i, n, 100, &x, &y);
		pdf_line(p, cx, cy, x, y, 0.4f, PDF_RULE);
		if (usable(now[i], 0, 100, &v))
			value = rp_fmt(num, sizeof(num), "%.0f", v);
		else
			value = _("not enough responses");
		if (!usable(now[i], 0, 100, &v))
			all = 0;
		if (sin(a) < -0.3)
			ly -= 10;
		else if (sin(a) > 0.3)
			ly += 4;
		if (cos(a) > 0.2) {
			pdf_text(p, lx, ly, 1, 8.5f, PDF_INK, labels[i]);
			pdf_text(p, lx, ly - 10, 0, 8, PDF_MUTED, value);
		} else if (cos(a) < -0.2) {
			pdf_text_right(p, lx, ly, 1, 8.5f, PDF_INK, labels[i]);
			pdf_text_right(p, lx, ly - 10, 0, 8, PDF_MUTED, value);
		} else {
			pdf_text_center(p, lx, ly + (sin(a) > 0 ? 8 : 0), 1,
					8.5f, PDF_INK, labels[i]);
			pdf_text_center(p, lx, ly - 10 + (sin(a) > 0 ? 8 : 0),
					0, 8, PDF_MUTED, value);
		}
	}
	/* A pale fill only for a closed outline; with gaps it would mislead. */
	if (all && !p->failed) {
		struct rgb wash = pdf_mix(PDF_ACCENT, PDF_WHITE, 0.85f);

		HPDF_Page_SetRGBFill(p->page, wash.r, wash.g, wash.b);
		for (i = 0; i < n; i++) {
			double v = 0;
			float x, y;

			usable(now[i], 0, 100, &v);
			radar_point(cx, cy, radius, i, n, v, &x, &y);
			if (i == 0)
				HPDF_Page_MoveTo(p->page, pdf_x(p, x), y);
			else
				HPDF_Page_LineTo(p->page, pdf_x(p, x), y);
		}
		HPDF_Page_ClosePath(p->page);
		HPDF_Page_Fill(p->page);
	}
	if (before)
		radar_series(p, cx, cy, radius, before, n, 1.2f, PDF_PREVIOUS,
			     1);
	radar_series(p, cx, cy, radius, now, n, 1.8f, PDF_ACCENT, 0);
}

void chart_interval_bar(struct pdf *p, float x, float y, float w, float h,
			struct chart_value score, double lo, double hi, int k)
{
	char num[64];
	double v;
	float bh = h * 0.42f, by = y + (h - bh) / 2, mid = y + h / 2;

	pdf_fill_rect(p, x, by, w, bh, PDF_WASH);
	if (!usable(score, 0, 100, &v)) {
		pdf_hatch(p, x, by, w, bh);
		pdf_text(p, x + 6, mid - 3, 0, 7.5f, PDF_MUTED,
			 rp_fmt(num, sizeof(num),
				_("not enough responses (fewer than %d)"), k));
		return;
	}
	pdf_fill_rect(p, x, by, w * (float)v / 100.0f, bh,
		      pdf_mix(PDF_ACCENT, PDF_WHITE, 0.45f));
	if (isfinite(lo) && isfinite(hi)) {
		double a = lo < hi ? lo : hi, b = lo < hi ? hi : lo;
		float xa, xb;

		a = a < 0 ? 0 : a > 100 ? 100 : a;
		b = b < 0 ? 0 : b > 100 ? 100 : b;
		xa = x + w * (float)a / 100.0f;
		xb = x + w * (float)b / 100.0f;
		pdf_line(p, xa, mid, xb, mid, 1, PDF_INK);
		pdf_line(p, xa, mid - 4, xa, mid + 4, 1, PDF_INK);
		pdf_line(p, xb, mid - 4, xb, mid + 4, 1, PDF_INK);
	}
	pdf_text(p, x + w + 8, mid - 3, 1, 9, PDF_INK,
		 rp_fmt(num, sizeof(num), "%.0f", v));
}

void chart_stacked(struct pdf *p, float x, float y, float w, float h,
		   const int counts[5])
{
	long total = 0;
	float at = x;
	int i;

	for (i = 0; i < 5; i++)
		total += counts[i] > 0 ? counts[i] : 0;
	if (total == 0) {
		pdf_hatch(p, x, y, w, h);
		pdf_text(p, x + 6, y + h / 2 - 3, 0, 7.5f, PDF_MUTED,
			 "no answers");
		return;
	}
	for (i = 0; i < 5; i++) {
		float sw;
		char num[16];
		const char *label;
		struct rgb tc;

		if (counts[i] <= 0)
			continue;
		sw = w * (float)counts[i] / (float)total;
		pdf_fill_rect(p, at, y, sw, h, PDF_ANSWER[i]);
		label = rp_fmt(num, sizeof(num), "%.0f%%",
			       100.0 * counts[i] / (double)total);
		tc = pdf_luminance(PDF_ANSWER[i]) < 0.45f ? PDF_WHITE : PDF_INK;
		if (pdf_width(p, 0, 7, label) + 4 <= sw)
			pdf_text_center(p, at + sw / 2, y + h / 2 - 2.5f, 0, 7,
					tc, label);
		at += sw;
	}
	/* Hairlines between segments keep neighbours apart in greyscale. */
	at = x;
	for (i = 0; i < 4; i++) {
		if (counts[i] <= 0)
			continue;
		at += w * (float)counts[i] / (float)total;
		if (at < x + w - 0.5f)
			pdf_line(p, at, y, at, y + h, 0.6f, PDF_WHITE);
	}
}

float chart_stacked_legend(struct pdf *p, float x, float y,
			   const char *const labels[5])
{
	float at = x;
	int i;

	for (i = 0; i < 5; i++) {
		pdf_fill_rect(p, at, y, 9, 9, PDF_ANSWER[i]);
		pdf_stroke_rect(p, at, y, 9, 9, 0.3f, PDF_MUTED);
		at += 12;
		pdf_text(p, at, y + 1.5f, 0, 7.5f, PDF_INK, labels[i]);
		at += pdf_width(p, 0, 7.5f, labels[i]) + 12;
	}
	return at - x;
}

/* How a trend maps its values onto the plot's height (0..100 there). */
struct trend_scale {
	double (*place)(double v); /* a value as 0..100 of the height */
	const char *axis[3];	   /* the labels at 0, 50 and 100 */
	int signed_value; /* a value as given, with its sign ("+12"), not as
			     placed on 0..100 ("55") */
	int every_value;  /* a label beside every shown wave's point */
	int every_date;	  /* every wave's date under the axis, if it fits */
};

/* A value 1..5 on the trend's 0..100 scale, clamped. */
static double score_of(double mean)
{
	double v = (mean - 1) / 4 * 100;

	return v < 0 ? 0 : v > 100 ? 100 : v;
}

/* An eNPS, -100..100, as 0..100 of the height, clamped. */
static double enps_place(double score)
{
	double v = (score + 100) / 2;

	return v < 0 ? 0 : v > 100 ? 100 : v;
}

static const struct trend_scale mean_scale = {
    score_of, {"0", "50", "100"}, 0, 0, 0};
static const struct trend_scale enps_scale = {
    enps_place, {"-100", "0", "+100"}, 1, 1, 1};

static int point_shown(const struct rp_trend_point *pt)
{
	return !pt->suppressed && isfinite(pt->mean);
}

/* An end of an interval, or the mean when it is missing or on the wrong
 * side of it (no interval: n < 2, or left unset). */
static double bound(double end, double mean, int side)
{
	if (!isfinite(end) || (side < 0 ? end > mean : end < mean))
		return mean;
	return end;
}

/* The interval between two neighbouring shown waves, as a pale band. */
static void trend_band(struct pdf *p, const struct trend_scale *s, float x0,
		       float x1, float py, float ph,
		       const struct rp_trend_point *a,
		       const struct rp_trend_point *b)
{
	double al = bound(a->ci_low, a->mean, -1);
	double ah = bound(a->ci_high, a->mean, 1);
	double bl = bound(b->ci_low, b->mean, -1);
	double bh = bound(b->ci_high, b->mean, 1);
	struct rgb band = pdf_mix(PDF_ACCENT, PDF_WHITE, 0.8f);

	if (p->failed || p->page == NULL)
		return;
	HPDF_Page_SetRGBFill(p->page, band.r, band.g, band.b);
	x0 = pdf_x(p, x0);
	x1 = pdf_x(p, x1);
	HPDF_Page_MoveTo(p->page, x0, py + ph * (float)s->place(al) / 100);
	HPDF_Page_LineTo(p->page, x1, py + ph * (float)s->place(bl) / 100);
	HPDF_Page_LineTo(p->page, x1, py + ph * (float)s->place(bh) / 100);
	HPDF_Page_LineTo(p->page, x0, py + ph * (float)s->place(ah) / 100);
	HPDF_Page_ClosePath(p->page);
	HPDF_Page_Fill(p->page);
}

/* A shown wave's value as the scale writes it. */
static const char *value_text(char *num, size_t n, const struct trend_scale *s,
			      double v)
{
	if (s->signed_value)
		return rp_fmt(num, n, "%+.0f", v);
	return rp_fmt(num, n, "%.0f", s->place(v));
}

/* The waves' dates under the plot: with a scale that asks for it, every
 * k-th wave's (the last included), k as small as lets them fit their
 * steps; else the first and the last. */
static void trend_dates(struct pdf *p, const struct trend_scale *s, float px,
			float pw, float y, const float *xs, float step,
			size_t n, const char *const *waves)
{
	float widest = 0;
	size_t i, k;

	for (i = 0; s->every_date && n > 1 && i < n; i++)
		if (pdf_width(p, 0, 7, waves[i]) > widest)
			widest = pdf_width(p, 0, 7, waves[i]);
	for (k = 1; widest > 0 && k < n; k++)
		if (widest + 6 <= step * (float)k)
			break;
	if (widest > 0 && k < n) {
		for (i = 0; i < n; i++)
			if ((n - 1 - i) % k == 0)
				pdf_text_center(p, xs[i], y + 2, 0, 7,
						PDF_MUTED, waves[i]);
		return;
	}
	pdf_text(p, px, y + 2, 0, 7, PDF_MUTED, waves[0]);
	if (n > 1 && pdf_width(p, 0, 7, waves[0]) +
			     pdf_width(p, 0, 7, waves[n - 1]) + 6 <
			 pw)
		pdf_text_right(p, px + pw, y + 2, 0, 7, PDF_MUTED,
			       waves[n - 1]);
}

/*
 * In a right-to-left report the trend is mirrored with the page (pdf.c),
 * time axis included: the first wave at the right, the latest at the left,
 * its value and the 0..100 scale on the other sides. That is how Arabic
 * business reports and spreadsheets set category and time axes (Excel's
 * right-to-left sheets reverse them), because the eye enters a chart where
 * it enters a line, at the right; and here it keeps each chart's waves in
 * the order the mirrored tables list them, so the two never read in
 * opposite directions on the same page.
 */
static void trend(struct pdf *p, const struct trend_scale *s, float x, float y,
		  float w, float h, const char *title,
		  const struct rp_trend_point *points, size_t n,
		  const char *const *waves)
{
	/* The plot stands clear of its axis labels on the left, the last
	 * value on the right and the dates below, so nothing drawn in it
	 * (hatching included) can cover them. */
	float px = x + 20, pw = w - 46, py = y + 16, ph = h - 32;
	float step, xs[RP_WAVES_MAX];
	char num[32];
	size_t i, last = RP_WAVES_MAX;
	int v;

	if (s->axis[0][0] == '-')
		px += 6, pw -= 6; /* room for "-100" */
	pdf_text_fit(p, x, y + h - 9, w, 1, 9, PDF_INK, title);
	if (n > RP_WAVES_MAX)
		n = RP_WAVES_MAX;
	for (v = 0; v <= 100; v += 25) {
		float gy = py + ph * (float)v / 100.0f;

		pdf_line(p, px, gy, px + pw, gy, v == 50 ? 0.6f : 0.3f,
			 PDF_RULE);
		if (v % 50 == 0)
			pdf_text_right(p, px - 5, gy - 2.5f, 0, 7, PDF_MUTED,
				       s->axis[v / 50]);
	}
	if (n == 0) {
		pdf_text_center(p, px + pw / 2, py + ph / 2, 0, 7.5f, PDF_MUTED,
				"no waves yet");
		return;
	}
	/* Half a step of margin at each end keeps a first or last wave's
	 * hatching inside the plot. */
	step = n > 1 ? pw / (float)n : pw;
	for (i = 0; i < n; i++)
		xs[i] = n > 1 ? px + step * ((float)i + 0.5f) : px + pw / 2;
	for (i = 0; i < n; i++) {
		float bw = n > 1 ? step * 0.6f : 12;

		pdf_line(p, xs[i], py - 2, xs[i], py, 0.5f, PDF_MUTED);
		if (point_shown(&points[i]))
			continue;
		if (bw > 12)
			bw = 12;
		pdf_hatch(p, xs[i] - bw / 2, py, bw, ph);
	}
	for (i = 0; i + 1 < n; i++)
		if (point_shown(&points[i]) && point_shown(&points[i + 1]))
			trend_band(p, s, xs[i], xs[i + 1], py, ph, &points[i],
				   &points[i + 1]);
	for (i = 0; i + 1 < n; i++)
		if (point_shown(&points[i]) && point_shown(&points[i + 1]))
			pdf_line(
			    p, xs[i],
			    py + ph * (float)s->place(points[i].mean) / 100,
			    xs[i + 1],
			    py + ph * (float)s->place(points[i + 1].mean) / 100,
			    1.4f, PDF_ACCENT);
	for (i = 0; i < n; i++) {
		float cy;

		if (!point_shown(&points[i]))
			continue;
		cy = py + ph * (float)s->place(points[i].mean) / 100;
		pdf_circle(p, xs[i], cy, 1.9f, PDF_ACCENT, PDF_ACCENT);
		if (points[i].change == RP_CHANGE_UP)
			pdf_triangle(p, xs[i], cy + 7, 3.2f, 1, PDF_ACCENT);
		else if (points[i].change == RP_CHANGE_DOWN)
			pdf_triangle(p, xs[i], cy - 7, 3.2f, 0, PDF_ANSWER[0]);
		/* Each value beside its point, left of it, above or below
		 * as leaves room (a change's triangle is drawn there). */
		if (s->every_value && i + 1 < n) {
			int below = cy > py + ph * 0.8f ||
				    points[i].change == RP_CHANGE_UP;
			pdf_text_right(
			    p, xs[i] - 3, below ? cy - 9.5f : cy + 3.5f, 0, 7,
			    PDF_INK,
			    value_text(num, sizeof(num), s, points[i].mean));
		}
		last = i;
	}
	if (last < RP_WAVES_MAX) {
		/* The latest shown value, right of the plot, or beside its
		 * own point when the last wave is a gap: the label must not
		 * pretend to be the last wave's. */
		double va = s->place(points[last].mean);
		float lx = last == n - 1 ? px + pw + 5 : xs[last] + 4;
		float ly = last == n - 1 ? -3 : 4;

		if (!(s->every_value && last + 1 < n))
			pdf_text(
			    p, lx, py + ph * (float)va / 100 + ly, 1, 7.5f,
			    PDF_INK,
			    value_text(num, sizeof(num), s, points[last].mean));
	} else {
		const char *msg = _("not enough responses");
		float mw = pdf_width(p, 0, 7, msg);

		pdf_fill_rect(p, px + pw / 2 - mw / 2 - 3, py + ph / 2 + 2,
			      mw + 6, 11, PDF_WHITE);
		pdf_text_center(p, px + pw / 2, py + ph / 2 + 5, 0, 7,
				PDF_MUTED, msg);
	}
	if (waves)
		trend_dates(p, s, px, pw, y, xs, step, n, waves);
}

void chart_trend(struct pdf *p, float x, float y, float w, float h,
		 const char *title, const struct rp_trend_point *points,
		 size_t n, const char *const *waves)
{
	trend(p, &mean_scale, x, y, w, h, title, points, n, waves);
}

void chart_trend_enps(struct pdf *p, float x, float y, float w, float h,
		      const char *title, const struct rp_trend_point *points,
		      size_t n, const char *const *waves)
{
	trend(p, &enps_scale, x, y, w, h, title, points, n, waves);
}

struct rgb chart_heat_colour(double v)
{
	static const struct rgb stops[5] = {
	    {0.549f, 0.318f, 0.039f}, {0.847f, 0.702f, 0.396f},
	    {0.961f, 0.961f, 0.961f}, {0.353f, 0.706f, 0.675f},
	    {0.004f, 0.400f, 0.369f},
	};
	static const struct rgb grey = {0.85f, 0.85f, 0.85f};
	int i;

	if (!isfinite(v))
		return grey;
	if (v <= 0)
		return stops[0];
	if (v >= 100)
		return stops[4];
	i = (int)(v / 25);
	return pdf_mix(stops[i], stops[i + 1], (float)((v - i * 25) / 25));
}

void chart_heat_cell(struct pdf *p, float x, float y, float w, float h,
		     struct chart_value v, int k, int protects)
{
	char num[32];
	double d;

	if (!usable(v, 0, 100, &d)) {
		const char *why =
		    protects ? _("see below")
			     : rp_fmt(num, sizeof(num), _("fewer than %d"), k);

		/* Never below 7 points: a narrow cell says it shorter. */
		if (pdf_width(p, 0, 7, why) > w - 1)
			why = protects ? _("see note")
				       : rp_fmt(num, sizeof(num), "< %d", k);
		pdf_hatch(p, x, y, w, h);
		pdf_text_center(p, x + w / 2, y + h / 2 - 2.4f, 0, 7, PDF_MUTED,
				why);
		return;
	}
	{
		struct rgb c = chart_heat_colour(d);

		pdf_fill_rect(p, x, y, w, h, c);
		pdf_text_center(p, x + w / 2, y + h / 2 - 3, 0, 8.5f,
				pdf_luminance(c) < 0.45f ? PDF_WHITE : PDF_INK,
				rp_fmt(num, sizeof(num), "%.0f", d));
	}
}

void chart_heat_cell_enps(struct pdf *p, float x, float y, float w, float h,
			  struct chart_value v, int k, int protects)
{
	char num[32];
	struct rgb c;

	if (!v.shown || !isfinite(v.v) || v.v < -100 || v.v > 100) {
		/* Hidden exactly as the other cells say it. */
		v.shown = 0;
		chart_heat_cell(p, x, y, w, h, v, k, protects);
		return;
	}
	c = chart_heat_colour((v.v + 100) / 2);
	pdf_fill_rect(p, x, y, w, h, c);
	pdf_text_center(p, x + w / 2, y + h / 2 - 3, 0, 8.5f,
			pdf_luminance(c) < 0.45f ? PDF_WHITE : PDF_INK,
			rp_fmt(num, sizeof(num), "%+.0f", v.v));
}

void chart_enps_interval(struct pdf *p, float x, float y, float w, double score,
			 double lo, double hi)
{
	char num[16];
	float sx, lx, hx;

	lo = lo < -100 ? -100 : lo;
	hi = hi > 100 ? 100 : hi;
	sx = x + w * (float)((score + 100) / 200);
	lx = x + w * (float)((lo + 100) / 200);
	hx = x + w * (float)((hi + 100) / 200);
	pdf_line(p, x, y, x + w, y, 0.6f, PDF_RULE);
	for (int t = -100; t <= 100; t += 50) {
		float tx = x + w * (float)(t + 100) / 200.0f;

		pdf_line(p, tx, y - 3, tx, y + 3, 0.5f, PDF_MUTED);
		pdf_text_center(
		    p, tx, y - 12, 0, 7, PDF_MUTED,
		    rp_fmt(num, sizeof(num), t > 0 ? "+%d" : "%d", t));
	}
	pdf_fill_rect(p, lx, y - 4, hx - lx > 1 ? hx - lx : 1, 8,
		      pdf_mix(PDF_ACCENT, PDF_WHITE, 0.65f));
	pdf_circle(p, sx, y, 3.5f, PDF_ACCENT, PDF_ACCENT);
}

void chart_heat_scale(struct pdf *p, float x, float y, float w)
{
	char num[16];
	int i, steps = 40;

	for (i = 0; i < steps; i++)
		pdf_fill_rect(p, x + w * (float)i / (float)steps, y,
			      w / (float)steps + 0.3f, 8,
			      chart_heat_colour(100.0 * (i + 0.5) / steps));
	for (i = 0; i <= 100; i += 25) {
		float tx = x + w * (float)i / 100.0f;

		pdf_line(p, tx, y - 2, tx, y, 0.5f, PDF_MUTED);
		pdf_text_center(p, tx, y - 9, 0, 7, PDF_MUTED,
				rp_fmt(num, sizeof(num), "%d", i));
	}
}

void chart_dumbbell(struct pdf *p, float x, float y, float w,
		    struct chart_value team, struct chart_value self)
{
	double t = 0, s = 0;
	int has_t = usable(team, 0, 100, &t), has_s = usable(self, 0, 100, &s);
	float tx = x + w * (float)t / 100.0f, sx = x + w * (float)s / 100.0f;
	int i;

	pdf_line(p, x, y, x + w, y, 0.6f, PDF_RULE);
	for (i = 0; i <= 4; i++)
		pdf_line(p, x + w * (float)i / 4, y - 3, x + w * (float)i / 4,
			 y + 3, 0.4f, PDF_RULE);
	if (has_t && has_s)
		pdf_line(p, tx, y, sx, y, 2.2f,
			 pdf_mix(PDF_MUTED, PDF_WHITE, 0.5f));
	if (has_s)
		pdf_circle(p, sx, y, 3.6f, PDF_WHITE, PDF_ANSWER[0]);
	if (has_t)
		pdf_circle(p, tx, y, 3.6f, PDF_ACCENT, PDF_ACCENT);
	else
		pdf_text(p, x + 4, y + 5, 0, 7, PDF_MUTED,
			 _("team: not enough responses"));
}

void chart_axis(struct pdf *p, float x, float y, float w)
{
	char num[16];
	int i;

	pdf_line(p, x, y, x + w, y, 0.5f, PDF_MUTED);
	for (i = 0; i <= 4; i++) {
		float tx = x + w * (float)i / 4;

		pdf_line(p, tx, y, tx, y - 3, 0.5f, PDF_MUTED);
		pdf_text_center(p, tx, y - 11, 0, 7, PDF_MUTED,
				rp_fmt(num, sizeof(num), "%d", i * 25));
	}
}
