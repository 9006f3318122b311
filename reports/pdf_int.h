/*
 * pdf_int.h - private to reports/: the libharu wrapper (pdf.c) and the
 * charts (chart.c) the layouts (team.c, compare.c) are drawn with.
 *
 * Coordinates are PDF points with the origin at the bottom left, as in
 * libharu. Drawing calls return nothing: the first libharu error is kept in
 * the struct pdf and every later call does nothing, so a layout draws
 * straight through and pdf_save reports the error once.
 */
#ifndef CP_PDF_INT_H
#define CP_PDF_INT_H

#include <hpdf.h>
#include <stddef.h>

#include "error.h"
#include "report.h"
#include "text_int.h"

struct rgb {
	float r, g, b;
};

/* The report's colours, one place so every page agrees. */
extern const struct rgb PDF_INK;      /* body text */
extern const struct rgb PDF_MUTED;    /* secondary text */
extern const struct rgb PDF_RULE;     /* hairlines, grids */
extern const struct rgb PDF_ACCENT;   /* headings, this wave */
extern const struct rgb PDF_PREVIOUS; /* the previous wave */
extern const struct rgb PDF_WASH;     /* pale backgrounds */
extern const struct rgb PDF_WHITE;
/* Answers 1..5: a diverging brown-teal palette whose lightness differs
 * between every pair, so it also reads in greyscale. */
extern const struct rgb PDF_ANSWER[5];

struct pdf;
typedef void (*pdf_page_hook)(struct pdf *p, void *arg);

/*
 * A line of shaped text waiting to be drawn: its glyphs are
 * glyphs[first..first+n) of the struct pdf. Text is drawn when the
 * document is saved, once the fonts can be cut to the glyphs used (see
 * pdf.c), on top of each page's other drawing.
 */
struct pdf_text_item {
	HPDF_Page page;
	float x, y, deg, size;
	struct rgb c;
	size_t first, n;
};

struct pdf {
	HPDF_Doc doc;
	HPDF_Page page;
	struct text_fonts *fonts; /* text.c: fallback, shaping, codes */
	struct text_line line;	  /* scratch for one line */
	struct pdf_text_item *items;
	size_t nitems, items_cap;
	struct text_glyph *glyphs;
	size_t nglyphs, glyphs_cap;
	struct cp_error *err; /* the caller's, or own_err */
	struct cp_error own_err;
	int failed; /* a libharu error happened; err says which */
	int landscape;
	int rtl; /* the report's language is written right to left */
	enum rp_paper paper;
	float width, height;
	float left, right, top, bottom; /* the text area's edges */
	float y;			/* the next line's top, in points */
	int page_no;
	const char *footer;	   /* borrowed; printed on every page */
	pdf_page_hook on_new_page; /* draws repeated headers, may be NULL */
	int headings;		   /* pdf_heading calls so far */
	int heading_page;	   /* the page of the last of them */
	void *hook_arg;
};

/*
 * Right to left. A report in a language written right to left (the
 * direction i18n.h gives the calling thread's language: ar, and any other
 * such language added there) is laid out as the mirror image of its
 * left-to-right layout: the layouts draw as for English, and every
 * drawing call here mirrors x about the page's centre. So headings and
 * paragraphs start at the right margin, bullets and bars sit to the right,
 * a table's first column is the rightmost, bars grow from the right and
 * the page furniture changes sides. Text is not mirrored, only placed: a
 * line given by its left end (pdf_text) is set with its right end where
 * the mirror puts that point, pdf_text_right's lines end up starting
 * there, centred text stays centred; a line with a right-to-left letter
 * gets the right-to-left paragraph direction. Rotated text turns the
 * other way (-deg), so it stays upright, and ends at the mirrored anchor
 * (a column title rising to the right from its column rises to the left).
 * In a left-to-right report nothing of this changes a coordinate.
 */

/* x on the page as drawn: mirrored in a right-to-left report. For the
 * few paths chart.c builds with libharu itself. */
float pdf_x(const struct pdf *p, float x);

/* Creates the document with its fonts; its direction is the calling
 * thread's language's (cp_lang_current). pdf_close frees it in all cases. */
int pdf_open(struct pdf *p, const struct rp_options *o, int landscape,
	     const char *title, struct cp_error *err);
void pdf_close(struct pdf *p);

/* Writes the document to a temporary file beside path, then renames it. */
int pdf_save(struct pdf *p, const char *path);

/* Starts a page: footer, page number, then on_new_page. */
void pdf_new_page(struct pdf *p);

/* Adds a bookmark (outline entry) to page page_no, counted from 1. The
 * title must be ASCII: libharu writes outlines without the UTF-8 encoder. */
void pdf_bookmark(struct pdf *p, int page_no, const char *title);

/* Starts a new page unless h points are left above the bottom margin. */
void pdf_need(struct pdf *p, float h);

/*
 * Text, in any script: shaped, in bidirectional order, from the first
 * font of the fallback list that has each character (text_int.h); a
 * character no font has prints as a dotted square. Invalid UTF-8 bytes
 * print as '?', control characters as spaces. Widths are the shaped
 * widths.
 */
float pdf_width(struct pdf *p, int bold, float size, const char *s);
void pdf_text(struct pdf *p, float x, float y, int bold, float size,
	      struct rgb c, const char *s);
void pdf_text_right(struct pdf *p, float x, float y, int bold, float size,
		    struct rgb c, const char *s);
void pdf_text_center(struct pdf *p, float x, float y, int bold, float size,
		     struct rgb c, const char *s);
/* Text rotated by deg degrees counter-clockwise around (x, y). */
void pdf_text_rotated(struct pdf *p, float x, float y, float deg, int bold,
		      float size, struct rgb c, const char *s);
/* Prints s cut to width w, with an ellipsis when cut. */
void pdf_text_fit(struct pdf *p, float x, float y, float w, int bold,
		  float size, struct rgb c, const char *s);

/*
 * Wraps s into lines of at most w points and returns the number of lines;
 * draws them with their first baseline at y when draw is set. A word longer
 * than the line is broken inside, between characters. Newlines end lines.
 * A paragraph whose first strong character is right to left (Arabic,
 * Hebrew) keeps that direction on every line and is set flush right.
 */
int pdf_wrap(struct pdf *p, float x, float y, float w, int bold, float size,
	     float leading, struct rgb c, const char *s, int draw);

/* Flowing text at the cursor: breaks pages as needed. */
void pdf_heading(struct pdf *p, const char *s);
void pdf_subheading(struct pdf *p, const char *s);
void pdf_paragraph(struct pdf *p, float size, struct rgb c, const char *s);
/* A paragraph indented with a coloured bar to its left (quotes, prompts). */
void pdf_quote(struct pdf *p, struct rgb bar, const char *s);
void pdf_space(struct pdf *p, float h);

/* Shapes. */
void pdf_fill_rect(struct pdf *p, float x, float y, float w, float h,
		   struct rgb c);
void pdf_stroke_rect(struct pdf *p, float x, float y, float w, float h,
		     float lw, struct rgb c);
void pdf_line(struct pdf *p, float x0, float y0, float x1, float y1, float lw,
	      struct rgb c);
void pdf_dashed_line(struct pdf *p, float x0, float y0, float x1, float y1,
		     float lw, struct rgb c);
void pdf_circle(struct pdf *p, float x, float y, float r, struct rgb fill,
		struct rgb stroke);
/* A triangle pointing up (up != 0) or down, centred on (x, y). */
void pdf_triangle(struct pdf *p, float x, float y, float r, int up,
		  struct rgb c);
/* A rectangle of diagonal hatching on a pale ground: "not shown". */
void pdf_hatch(struct pdf *p, float x, float y, float w, float h);

/* Relative luminance 0..1, to pick dark or light text on a colour. */
float pdf_luminance(struct rgb c);
struct rgb pdf_mix(struct rgb a, struct rgb b, float t);

/* Formats into a caller's buffer; never fails, truncates. */
const char *rp_fmt(char *out, size_t n, const char *f, ...)
    __attribute__((format(printf, 3, 4)));

/* Charts (chart.c). Every value may be missing; none trusts its input. */
struct chart_value {
	int shown; /* 0: suppressed or missing, drawn as a gap */
	double v;
};

/* Radar of n axes on 0..100, this wave against the previous one. */
void chart_radar(struct pdf *p, float cx, float cy, float radius,
		 const char *const *labels, const struct chart_value *now,
		 const struct chart_value *before, size_t n);

/* One horizontal bar on 0..100 with its interval, in a row of height h. */
void chart_interval_bar(struct pdf *p, float x, float y, float w, float h,
			struct chart_value score, double lo, double hi, int k);

/* A stacked bar of answers 1..5 with percentages on the segments. */
void chart_stacked(struct pdf *p, float x, float y, float w, float h,
		   const int counts[5]);
/* The legend for chart_stacked, starting at (x, y); returns its width. */
float chart_stacked_legend(struct pdf *p, float x, float y,
			   const char *const labels[5]);

/* A small-multiple trend on 0..100 over n waves (up to RP_WAVES_MAX), with
 * each wave's interval as a band; waves[] label the first and last. */
void chart_trend(struct pdf *p, float x, float y, float w, float h,
		 const char *title, const struct rp_trend_point *points,
		 size_t n, const char *const *waves);
/* The same for an eNPS over waves: points[].mean and its interval are
 * scores -100..100; every shown wave's value beside its point, and every
 * wave's date under the axis when they fit. */
void chart_trend_enps(struct pdf *p, float x, float y, float w, float h,
		      const char *title, const struct rp_trend_point *points,
		      size_t n, const char *const *waves);

/* The heat map's colour for a value 0..100 (NaN: grey). */
struct rgb chart_heat_colour(double v);
/* A heat-map cell with its number, or hatched with "fewer than k" (or
 * "see below" when it is hidden to protect a smaller group). */
void chart_heat_cell(struct pdf *p, float x, float y, float w, float h,
		     struct chart_value v, int k, int protects);
/* The heat map's colour scale, w wide, at (x, y). */
void chart_heat_scale(struct pdf *p, float x, float y, float w);

/* Self against team on one 0..100 line. */
void chart_dumbbell(struct pdf *p, float x, float y, float w,
		    struct chart_value team, struct chart_value self);

/* An eNPS score with its interval on one -100..100 line, w wide, with its
 * axis labelled below; (x, y) is the line's left end. */
void chart_enps_interval(struct pdf *p, float x, float y, float w, double score,
			 double lo, double hi);
/* A heat-map cell holding an eNPS score, -100..100, as chart_heat_cell. */
void chart_heat_cell_enps(struct pdf *p, float x, float y, float w, float h,
			  struct chart_value v, int k, int protects);

/* A 0..100 axis under a column of bars or dumbbells, w wide, at (x, y). */
void chart_axis(struct pdf *p, float x, float y, float w);

#endif
