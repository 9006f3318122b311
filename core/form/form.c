/*
 * form.c - rendering the form and the short pages around it.
 *
 * The page needs no script: radio groups in a fieldset with a legend, each
 * choice a label large enough to tap, focus drawn clearly, one column on a
 * phone. The style is inline and allowed by its hash, so the policy can
 * refuse everything else (default-src 'none').
 */
#include "form.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "i18n.h"
#include "survey.h"
#include "text.h"
#include "when.h"

static const char style[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:1.0625rem/1.45 system-ui,-apple-system,'Segoe UI',"
    "Roboto,sans-serif;color:#1b1b1b;background:#f6f5f2}"
    "main{max-width:44rem;margin:0 auto;padding:.75rem}"
    "h1{font-size:1.45rem;line-height:1.25;margin:.25rem 0 .5rem}"
    "h2{font-size:1.1rem;margin:0 0 .25rem}"
    "p{margin:.4rem 0}"
    ".about{font-size:1.125rem}"
    /* Logical properties: a right-to-left page mirrors them. */
    ".promise{background:#e8f1ec;border-inline-start:.4rem solid #2d6a4f;"
    "padding:.5rem .75rem;margin:.5rem 0;border-radius:.25rem}"
    ".promise p{margin:.25rem 0}"
    ".promise summary{cursor:pointer;font-weight:600;color:#1e4d38}"
    ".problems{background:#fdecea;border:2px solid #b3261e;padding:.75rem 1rem;"
    "margin:1rem 0;border-radius:.25rem}"
    ".problems a{color:#8c1d18}"
    "fieldset{border:1px solid #c8c6c0;border-radius:.5rem;background:#fff;"
    "margin:0 0 .6rem;padding:.5rem .75rem .6rem}"
    "fieldset.bad{border:2px solid #b3261e}"
    /* A floated legend stays inside the box when it wraps. */
    "legend{float:left;float:inline-start;width:100%;font-weight:600;"
    "padding:0;"
    "margin:0 0 .4rem}"
    ".problem{clear:both;color:#b3261e;font-weight:600;margin:.25rem 0}"
    /* One row of real radio inputs: each choice a segment as wide as a
     * fifth of the row and at least 44 px high; the input fills its
     * segment (so a tap anywhere on it chooses), drawn by the segment. */
    ".seg{clear:both;display:flex;border:1px solid #6b6a64;"
    "border-radius:.5rem;overflow:hidden}"
    ".seg label{flex:1 1 0;position:relative;display:flex;"
    "align-items:center;justify-content:center;min-height:2.75rem;"
    "border-inline-start:1px solid #6b6a64;background:#fafaf8;"
    "font-weight:600;cursor:pointer}"
    ".seg label:first-child{border-inline-start:0}"
    ".seg input{position:absolute;inset:0;width:100%;height:100%;margin:0;"
    "opacity:0;cursor:pointer}"
    ".seg label:hover{background:#e8f1ec}"
    ".seg label:has(input:checked){background:#2d6a4f;color:#fff}"
    ".seg label:has(input:focus-visible){outline:3px solid #1a5fb4;"
    "outline-offset:-3px;z-index:1}"
    /* "Prefer not to say": the last segment of the row, wider, its words
     * in small type (they wrap inside its 44 px), set apart in colour;
     * the ends' words stay under the scale, not under it. */
    ".seg label.decline{flex:1.5 1 0;font-size:.75rem;font-weight:400;"
    "line-height:1.1;text-align:center;padding:0 .25rem;"
    "background:#efeee8}"
    ".ends{display:flex;justify-content:space-between;gap:1rem;"
    "font-size:.875rem;color:#4a4a4a;margin-top:.15rem}"
    ".ends.pnts{padding-inline-end:23%}"
    ".sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;"
    "overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}"
    "input:focus-visible,textarea:focus-visible,button:focus-visible,"
    "a:focus-visible,summary:focus-visible{outline:3px solid #1a5fb4;"
    "outline-offset:3px}"
    ".open{background:#fff;border:1px solid #c8c6c0;border-radius:.5rem;"
    "padding:.5rem .75rem .75rem;margin:0 0 .75rem}"
    ".open.bad{border:2px solid #b3261e}"
    ".open label{display:block;font-weight:600}"
    ".hint{color:#4a4a4a;font-size:.95rem;margin:.15rem 0 .4rem}"
    "textarea{width:100%;min-height:5rem;font:inherit;padding:.5rem;"
    "border:1px solid #8a8880;border-radius:.5rem}"
    "button{font:inherit;font-weight:600;color:#fff;background:#2d6a4f;"
    "border:0;border-radius:.5rem;padding:.85rem 1.5rem;min-height:3rem;"
    "width:100%;cursor:pointer}"
    "@media (min-width:40rem){button{width:auto}}"
    "footer{color:#4a4a4a;font-size:.9rem;margin:1.25rem 0 .5rem}"
    /* The language switch, links without script. */
    ".langs ul{list-style:none;margin:0;padding:0;display:flex;"
    "flex-wrap:wrap;gap:0 1rem;justify-content:flex-end}"
    ".langs a,.langs span{display:inline-block;padding:.125rem .25rem;"
    "min-height:1.5rem}"
    ".langs a{color:#1a5fb4}"
    ".langs span{font-weight:600}";

static pthread_once_t csp_once = PTHREAD_ONCE_INIT;
static char csp[256];

void cp_form_csp_of(const char *css, size_t len, char *out, size_t n)
{
	uint8_t h[CP_SHA256_LEN];
	char b64[48];

	cp_sha256(css, len, h);
	cp_base64(h, sizeof(h), b64);
	snprintf(out, n,
		 "default-src 'none'; style-src 'sha256-%s'; "
		 "form-action 'self'; frame-ancestors 'none'; "
		 "base-uri 'none'",
		 b64);
}

static void make_csp(void)
{
	cp_form_csp_of(style, sizeof(style) - 1, csp, sizeof(csp));
}

const char *cp_form_csp(void)
{
	pthread_once(&csp_once, make_csp);
	return csp;
}

/* Appends s escaped; a short way to write the many escapes below. */
static int esc(struct cp_buf *b, const char *s, struct cp_error *err)
{
	return cp_html_escape(b, s ? s : "", err);
}

static int page_start(struct cp_buf *b, const struct cp_lang *lang,
		      const char *title, struct cp_error *err)
{
	int rc = cp_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"", err);

	lang = cp_lang_effective(lang);
	rc = rc ? rc : esc(b, lang->code, err);
	rc = rc ? rc : cp_buf_adds(b, "\" dir=\"", err);
	rc = rc ? rc : esc(b, lang->dir, err);
	rc = rc ? rc
		: cp_buf_adds(b,
			      "\">\n<head>\n<meta charset=\"utf-8\">\n"
			      "<meta name=\"viewport\" content=\"width="
			      "device-width, initial-scale=1\">\n"
			      "<meta name=\"referrer\" content=\"no-referrer\">"
			      "\n<title>",
			      err);
	rc = rc ? rc : esc(b, title, err);
	rc = rc ? rc : cp_buf_adds(b, "</title>\n<style>", err);
	rc = rc ? rc : cp_buf_add(b, style, sizeof(style) - 1, err);
	rc = rc ? rc
		: cp_buf_adds(b, "</style>\n</head>\n<body>\n<main>\n", err);
	return rc;
}

static int page_end(struct cp_buf *b, struct cp_error *err)
{
	int rc = cp_buf_adds(b, "<footer>", err);

	rc =
	    rc ? rc
	       : esc(b, _("carepulse: compassionate-leadership pulse surveys."),
		     err);
	return rc ? rc
		  : cp_buf_adds(b, "</footer>\n</main>\n</body>\n</html>\n",
				err);
}

int cp_form_message(struct cp_buf *b, const struct cp_lang *lang,
		    const char *title, const char *text, struct cp_error *err)
{
	int rc = page_start(b, lang, title, err);

	rc = rc ? rc : cp_buf_adds(b, "<h1>", err);
	rc = rc ? rc : esc(b, title, err);
	rc = rc ? rc : cp_buf_adds(b, "</h1>\n<p>", err);
	rc = rc ? rc : esc(b, text, err);
	rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	return rc ? rc : page_end(b, err);
}

/*
 * Appends the translated text fmt, escaped, with each "%s" in it replaced
 * by the next of the n HTML snippets in html (already escaped by the
 * caller): the translation decides where the names and dates go. A
 * broken translation with too few "%s" still shows every snippet.
 */
static int fmt_html(struct cp_buf *b, const char *fmt, const char *const *html,
		    size_t n, struct cp_error *err)
{
	size_t k = 0;
	int rc = 0;

	for (const char *p = fmt; rc == 0 && *p; p++) {
		if (p[0] == '%' && p[1] == 's' && k < n) {
			rc = cp_buf_adds(b, html[k++], err);
			p++;
			continue;
		}
		char one[2] = {*p, '\0'};
		rc = esc(b, one, err);
	}
	for (; rc == 0 && k < n; k++) {
		rc = cp_buf_addc(b, ' ', err);
		rc = rc ? rc : cp_buf_adds(b, html[k], err);
	}
	return rc;
}

/* value escaped and in <strong>, isolated (bdi) so that a name or date in
 * one direction reads right inside a sentence in the other, into out. */
static int strong(struct cp_buf *out, const char *value, struct cp_error *err)
{
	int rc = cp_buf_adds(out, "<strong><bdi>", err);

	rc = rc ? rc : esc(out, value, err);
	return rc ? rc : cp_buf_adds(out, "</bdi></strong>", err);
}

/* Appends "Name", "A and B" or "A, B and C" from names one per line,
 * each name escaped and strong. */
static int name_list(struct cp_buf *b, const char *names, struct cp_error *err)
{
	const char *p = names;
	int rc = 0;

	while (rc == 0 && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char one[512];

		if (p != names)
			rc = esc(b,
				 strchr(p, '\n') ? _(", ")
						 /* TRANSLATORS: before the
						  * last of several names. */
						 : _(" and "),
				 err);
		cp_strlcpy(one, p, n + 1 < sizeof(one) ? n + 1 : sizeof(one));
		rc = rc ? rc : strong(b, one, err);
		p += n + (nl != NULL);
	}
	return rc;
}

/* Whom the answers are about: the team the invitation counts for and its
 * leader (or leaders) from the roster; for a self-assessment, the
 * leader's own leadership of the team. Nothing about who else answered. */
static int about(struct cp_buf *b, const struct cp_form *f,
		 struct cp_error *err)
{
	struct cp_buf team, leaders;
	const char *html[2];
	unsigned long nleaders = 0;
	int rc;

	if (f->team == NULL)
		return 0;
	cp_buf_init(&team, 4096);
	cp_buf_init(&leaders, 16384);
	rc = strong(&team, f->team, err);
	if (rc == 0 && f->leaders && *f->leaders) {
		nleaders = 1;
		for (const char *p = f->leaders; *p; p++)
			nleaders += *p == '\n';
		rc = name_list(&leaders, f->leaders, err);
	}
	html[0] = cp_buf_str(&team);
	html[1] = cp_buf_str(&leaders);
	rc = rc ? rc : cp_buf_adds(b, "<p class=\"about\">", err);
	if (rc == 0 && f->self)
		/* TRANSLATORS: %s is the team's name. */
		rc = fmt_html(b,
			      _("These statements are about your own "
				"leadership of %s."),
			      html, 1, err);
	else if (rc == 0 && nleaders)
		/* TRANSLATORS: the team's name, then its leader's name (or
		 * several names joined by ", " and " and "). */
		rc = fmt_html(b,
			      cp_ngettext("These statements are about %s and "
					  "how its leader, %s, leads it and "
					  "looks after people.",
					  "These statements are about %s and "
					  "how its leaders, %s, lead it and "
					  "look after people.",
					  nleaders),
			      html, 2, err);
	else if (rc == 0)
		rc = fmt_html(b,
			      _("These statements are about %s and how it is "
				"led."),
			      html, 1, err);
	cp_buf_release(&team);
	cp_buf_release(&leaders);
	return rc ? rc : cp_buf_adds(b, "</p>\n", err);
}

/* The day and time a wave closes, written out in the thread's language
 * and the installation's time zone, into out. */
static const char *closes_text(const struct cp_wave *w, char *out, size_t n)
{
	if (!cp_when_long(w->closes_at, out, n) && n)
		out[0] = '\0';
	return out;
}

/*
 * The survey's texts as this form shows them: in the language of the
 * page when the definition carries it, else as written (text_lang_of
 * says which, for the lang attribute of the elements that hold them).
 */
static const char *page_code(const struct cp_form *f)
{
	return cp_lang_effective(f->lang)->code;
}

static const char *text_lang_of(const struct cp_form *f)
{
	return cp_survey_lang(f->survey, page_code(f));
}

static const char *text_of(const struct cp_form *f, enum cp_text what,
			   size_t index)
{
	return cp_survey_text(f->survey, what, index, page_code(f));
}

/*
 * The attributes of an element with the survey's text in it: its own
 * lang (and dir) when the survey speaks another language than the page,
 * so a screen reader reads it with the right voice.
 */
static int text_lang(struct cp_buf *b, const struct cp_form *f, const char *tag,
		     struct cp_error *err)
{
	const struct cp_lang *page = cp_lang_effective(f->lang);
	const struct cp_lang *t = cp_lang_find(tag);

	if (tag == NULL || *tag == '\0' || t == page)
		return 0;
	if (t)
		return cp_buf_printf(b, err, " lang=\"%s\" dir=\"%s\"", t->code,
				     t->dir);
	/* A language carepulse does not ship: as the survey tags it. */
	if (strspn(tag, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789-") != strlen(tag))
		return 0;
	return cp_buf_printf(b, err, " lang=\"%s\"", tag);
}

/* "1 (Strongly disagree)": a point of the scale and its label, into out
 * (escaped). */
static int scale_point(struct cp_buf *out, const struct cp_form *f, int v,
		       struct cp_error *err)
{
	const struct cp_survey *s = f->survey;
	const char *label =
	    text_of(f, CP_TEXT_SCALE_LABEL, (size_t)(v - s->scale.min));
	int rc = cp_buf_printf(out, err, "%d", v);

	if (rc == 0 && label) {
		rc = cp_buf_adds(out, " (", err);
		rc = rc ? rc : esc(out, label, err);
		rc = rc ? rc : cp_buf_adds(out, ")", err);
	}
	return rc;
}

/* What the person is asked to do, in plain words: how many statements,
 * how long, until when. */
static int intro(struct cp_buf *b, const struct cp_form *f,
		 struct cp_error *err)
{
	const struct cp_survey *s = f->survey;
	struct cp_buf lo, hi, count, day;
	const char *html[3];
	char text[256], when[96];
	int minutes = cp_survey_minutes(s);
	int rc;

	cp_buf_init(&lo, 1024);
	cp_buf_init(&hi, 1024);
	cp_buf_init(&count, 64);
	cp_buf_init(&day, 1024);
	rc = scale_point(&lo, f, s->scale.min, err);
	rc = rc ? rc : scale_point(&hi, f, s->scale.max, err);
	rc = rc ? rc : cp_buf_printf(&count, err, "%zu", s->nitems);
	html[0] = cp_buf_str(&count);
	html[1] = cp_buf_str(&lo);
	html[2] = cp_buf_str(&hi);
	rc = rc ? rc : cp_buf_adds(b, "<p>", err);
	/* TRANSLATORS: the number of statements, then the two ends of the
	 * scale ("1 (Strongly disagree)", "5 (Strongly agree)"). */
	rc = rc ? rc
		: fmt_html(b,
			   cp_ngettext("%s short statement. For each, choose "
				       "how much you agree, from %s to %s; "
				       "there are no right or wrong answers.",
				       "%s short statements. For each, choose "
				       "how much you agree, from %s to %s; "
				       "there are no right or wrong answers.",
				       s->nitems),
			   html, 3, err);
	snprintf(text, sizeof(text),
		 cp_ngettext(" It takes about %d minute.",
			     " It takes about %d minutes.",
			     (unsigned long)minutes),
		 minutes);
	rc = rc ? rc : esc(b, text, err);
	if (rc == 0 && f->wave->closes_at) {
		rc =
		    strong(&day, closes_text(f->wave, when, sizeof(when)), err);
		html[0] = cp_buf_str(&day);
		/* TRANSLATORS: %s is the closing day and time, e.g. "Monday
		 * 30 November 2026, 17:00 GMT". */
		rc = rc ? rc : fmt_html(b, _(" Open until %s."), html, 1, err);
	}
	cp_buf_release(&lo);
	cp_buf_release(&hi);
	cp_buf_release(&count);
	cp_buf_release(&day);
	return rc ? rc : cp_buf_adds(b, "</p>\n", err);
}

static int promise(struct cp_buf *b, const struct cp_form *f,
		   struct cp_error *err)
{
	char summary[256], rule[512];
	int rc;

	if (f->self) {
		rc = cp_buf_adds(b, "<div class=\"promise\"><p>", err);
		rc = rc ? rc
			: esc(b,
			      _("This is your own view as the team's leader. "
				"It is reported as "
				"\xe2\x80\x9cself\xe2\x80\x9d, "
				"next to your team's view, and never mixed "
				"into it. It is stored without your name, your "
				"e-mail address or this link."),
			      err);
		return rc ? rc : cp_buf_adds(b, "</p></div>\n", err);
	}
	/* TRANSLATORS: %d is the reporting threshold (at least 3). */
	snprintf(summary, sizeof(summary),
		 _("Your answers are anonymous: shown only for groups of %d or "
		   "more"),
		 f->threshold);
	/* TRANSLATORS: the first %d is the reporting threshold, the second
	 * the comments' threshold (both at least 3). */
	snprintf(rule, sizeof(rule),
		 _("Results are shown only for a group in which at least %d "
		   "people have answered, and written comments only when at "
		   "least %d have, in a shuffled order. Please leave out names "
		   "and details that would show who wrote a comment."),
		 f->threshold, f->comment_threshold);
	rc = cp_buf_adds(b, "<details class=\"promise\"><summary>", err);
	rc = rc ? rc : esc(b, summary, err);
	rc = rc ? rc : cp_buf_adds(b, "</summary>\n<p>", err);
	rc = rc ? rc
		: esc(b,
		      _("Your answers are stored with your team and the date "
			"only: never with your name, your e-mail address or "
			"this link, and nobody can see who answered what."),
		      err);
	rc = rc ? rc : cp_buf_adds(b, "</p>\n<p>", err);
	rc = rc ? rc : esc(b, rule, err);
	return rc ? rc : cp_buf_adds(b, "</p></details>\n", err);
}

/* The list of problems at the top, each a link to its question. Ids are
 * made of the statement's or question's number, not of the survey's ids
 * (which may hold dots, not valid in an HTML id: html-validate's
 * valid-id). */
static int problem_list(struct cp_buf *b, const struct cp_form *f,
			struct cp_error *err)
{
	const struct cp_survey *s = f->survey;
	const struct cp_answers *a = f->entered;
	char heading[256];
	int rc;

	snprintf(heading, sizeof(heading),
		 cp_ngettext("%zu answer needs another look",
			     "%zu answers need another look", a->problems),
		 a->problems);
	rc = cp_buf_adds(b,
			 "<div class=\"problems\" role=\"alert\" "
			 "aria-labelledby=\"problems\"><h2 id=\"problems\">",
			 err);
	rc = rc ? rc : esc(b, heading, err);
	rc = rc ? rc : cp_buf_adds(b, "</h2>\n<ul>\n", err);
	for (size_t i = 0; rc == 0 && i < s->nitems; i++) {
		char label[128];
		if (a->item_problem[i] == CP_FIELD_OK)
			continue;
		/* TRANSLATORS: %zu is the number of the statement. */
		snprintf(label, sizeof(label), _("Statement %zu"), i + 1);
		rc = cp_buf_printf(b, err, "<li><a href=\"#s%zu\">", i + 1);
		rc = rc ? rc : esc(b, label, err);
		rc = rc ? rc : cp_buf_adds(b, "</a>: ", err);
		rc = rc ? rc
			: esc(b, _(cp_field_problem_text(a->item_problem[i])),
			      err);
		rc = rc ? rc : cp_buf_adds(b, "</li>\n", err);
	}
	for (size_t q = 0; rc == 0 && q < s->nquestions; q++) {
		char label[128];
		if (a->question_problem[q] == CP_FIELD_OK)
			continue;
		/* TRANSLATORS: %zu is the number of the open question. */
		snprintf(label, sizeof(label), _("Question %zu"), q + 1);
		rc = cp_buf_printf(b, err, "<li><a href=\"#q%zu\">", q + 1);
		rc = rc ? rc : esc(b, label, err);
		rc = rc ? rc : cp_buf_adds(b, "</a>: ", err);
		rc = rc ? rc
			: esc(b,
			      _(cp_field_problem_text(a->question_problem[q])),
			      err);
		rc = rc ? rc : cp_buf_adds(b, "</li>\n", err);
	}
	return rc ? rc : cp_buf_adds(b, "</ul></div>\n", err);
}

/* No answer entered yet (an eNPS item takes 0). */
#define CP_NO_VALUE (-2)

/*
 * One statement: a fieldset whose legend is the statement, and a row of
 * real radio inputs, one segment per point of the scale (0 to 10 for an
 * eNPS item) showing its number, its label for screen readers, and the
 * two ends' labels under the row; then "prefer not to say" where the item
 * offers it, a radio button of its own under the row. Everything about
 * how an item looks is here.
 */
static int item(struct cp_buf *b, const struct cp_form *f, size_t i,
		struct cp_error *err)
{
	const struct cp_survey *s = f->survey;
	const struct cp_item *it = &s->items[i];
	const struct cp_answers *a = f->entered;
	int problem = a ? a->item_problem[i] : CP_FIELD_OK;
	int value = a && a->given[i] ? a->values[i] : CP_NO_VALUE;
	bool enps = it->type == CP_ITEM_ENPS;
	int lo = enps ? CP_ENPS_MIN : s->scale.min;
	int hi = enps ? CP_ENPS_MAX : s->scale.max;
	const char *low = enps ? text_of(f, CP_TEXT_ITEM_LOW, i)
			       : text_of(f, CP_TEXT_SCALE_LABEL, 0);
	const char *high = enps
			       ? text_of(f, CP_TEXT_ITEM_HIGH, i)
			       : text_of(f, CP_TEXT_SCALE_LABEL,
					 (size_t)(s->scale.max - s->scale.min));
	int rc;

	rc = cp_buf_printf(b, err, "<fieldset id=\"s%zu\"%s", i + 1,
			   problem ? " class=\"bad\"" : "");
	if (rc == 0 && problem)
		rc = cp_buf_printf(b, err, " aria-describedby=\"e%zu\"", i + 1);
	rc = rc ? rc : cp_buf_printf(b, err, ">\n<legend>%zu. <span", i + 1);
	rc = rc ? rc : text_lang(b, f, text_lang_of(f), err);
	rc = rc ? rc : cp_buf_adds(b, ">", err);
	rc = rc ? rc : esc(b, text_of(f, CP_TEXT_ITEM, i), err);
	rc = rc ? rc : cp_buf_adds(b, "</span></legend>\n", err);
	if (rc == 0 && problem) {
		rc = cp_buf_printf(b, err, "<p class=\"problem\" id=\"e%zu\">",
				   i + 1);
		rc = rc ? rc : esc(b, _(cp_field_problem_text(problem)), err);
		rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	}
	rc = rc ? rc : cp_buf_adds(b, "<div class=\"seg\">\n", err);
	for (int v = lo; rc == 0 && v <= hi; v++) {
		const char *label =
		    enps ? (v == lo   ? low
			    : v == hi ? high
				      : NULL)
			 : text_of(f, CP_TEXT_SCALE_LABEL, (size_t)(v - lo));
		rc =
		    cp_buf_adds(b, "<label><input type=\"radio\" name=\"", err);
		rc = rc ? rc : esc(b, it->id, err);
		rc = rc ? rc
			: cp_buf_printf(b, err,
					"\" value=\"%d\"%s><span>%d</span>", v,
					v == value ? " checked" : "", v);
		if (rc == 0 && label) {
			rc = cp_buf_adds(b, "<span class=\"sr\"", err);
			rc = rc ? rc : text_lang(b, f, text_lang_of(f), err);
			rc = rc ? rc : cp_buf_adds(b, ">, ", err);
			rc = rc ? rc : esc(b, label, err);
			rc = rc ? rc : cp_buf_adds(b, "</span>", err);
		}
		rc = rc ? rc : cp_buf_adds(b, "</label>\n", err);
	}
	if (rc == 0 && it->prefer_not_to_say && s->prefer_not_to_say) {
		rc = cp_buf_adds(
		    b, "<label class=\"decline\"><input type=\"radio\" name=\"",
		    err);
		rc = rc ? rc : esc(b, it->id, err);
		rc = rc ? rc
			: cp_buf_printf(b, err, "\" value=\"%s\"%s><span",
					CP_ANSWER_DECLINED_TOKEN,
					value == CP_ANSWER_DECLINED ? " checked"
								    : "");
		rc = rc ? rc : text_lang(b, f, text_lang_of(f), err);
		rc = rc ? rc : cp_buf_adds(b, ">", err);
		rc = rc ? rc
			: esc(b, text_of(f, CP_TEXT_PREFER_NOT_TO_SAY, 0), err);
		rc = rc ? rc : cp_buf_adds(b, "</span></label>\n", err);
	}
	rc = rc ? rc : cp_buf_adds(b, "</div>\n", err);
	if (rc == 0 && low && high) {
		rc = cp_buf_adds(
		    b,
		    it->prefer_not_to_say && s->prefer_not_to_say
			? "<div class=\"ends pnts\" "
			  "aria-hidden=\"true\""
			: "<div class=\"ends\" aria-hidden=\"true\"",
		    err);
		rc = rc ? rc : text_lang(b, f, text_lang_of(f), err);
		rc = rc ? rc : cp_buf_adds(b, "><span>", err);
		rc = rc ? rc : esc(b, low, err);
		rc = rc ? rc : cp_buf_adds(b, "</span><span>", err);
		rc = rc ? rc : esc(b, high, err);
		rc = rc ? rc : cp_buf_adds(b, "</span></div>\n", err);
	}
	return rc ? rc : cp_buf_adds(b, "</fieldset>\n", err);
}

static int question(struct cp_buf *b, const struct cp_form *f, size_t q,
		    struct cp_error *err)
{
	const struct cp_question *qq = &f->survey->questions[q];
	const struct cp_answers *a = f->entered;
	int problem = a ? a->question_problem[q] : CP_FIELD_OK;
	const char *text = a ? a->texts[q] : NULL;
	int max = qq->max_length > 0 ? qq->max_length : 2000;
	char hint[256];
	int rc;

	rc =
	    cp_buf_printf(b, err, "<div class=\"open%s\">\n<label for=\"q%zu\"",
			  problem ? " bad" : "", q + 1);
	rc = rc ? rc : text_lang(b, f, text_lang_of(f), err);
	rc = rc ? rc : cp_buf_adds(b, ">", err);
	rc = rc ? rc : esc(b, text_of(f, CP_TEXT_QUESTION, q), err);
	rc = rc ? rc : cp_buf_adds(b, "</label>\n", err);
	if (rc == 0 && problem) {
		rc = cp_buf_adds(b, "<p class=\"problem\">", err);
		rc = rc ? rc : esc(b, _(cp_field_problem_text(problem)), err);
		rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	}
	/* TRANSLATORS: %d is the most characters an answer may have. */
	snprintf(hint, sizeof(hint), _("Optional. Up to %d characters."), max);
	rc =
	    rc ? rc
	       : cp_buf_printf(b, err, "<p class=\"hint\" id=\"h%zu\">", q + 1);
	rc = rc ? rc : esc(b, hint, err);
	rc = rc ? rc
		: cp_buf_printf(b, err, "</p>\n<textarea id=\"q%zu\" name=\"",
				q + 1);
	rc = rc ? rc : esc(b, qq->id, err);
	rc = rc ? rc
		: cp_buf_printf(b, err,
				"\" rows=\"3\" maxlength=\"%d\" "
				"aria-describedby=\"h%zu\" dir=\"auto\">",
				max, q + 1);
	/* A newline after the tag would be eaten by the parser: keep the
	 * text exactly, a leading newline included. */
	if (rc == 0 && text && text[0] == '\n')
		rc = cp_buf_adds(b, "\n", err);
	if (rc == 0 && text)
		rc = esc(b, text, err);
	return rc ? rc : cp_buf_adds(b, "</textarea>\n</div>\n", err);
}

/* The language switch: a link to this page in each other language that
 * can be shown (no script needed; the choice stays in the address, and
 * the form posts back to it). */
static int switcher(struct cp_buf *b, const struct cp_form *f,
		    struct cp_error *err)
{
	const struct cp_lang *page = cp_lang_effective(f->lang), *all;
	size_t n;
	int rc;

	all = cp_lang_list(&n);
	rc = cp_buf_adds(b, "<nav class=\"langs\" aria-label=\"", err);
	rc = rc ? rc : esc(b, _("Language"), err);
	rc = rc ? rc : cp_buf_adds(b, "\"><ul>\n", err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (!cp_lang_available(&all[i]) && i != 0)
			continue;
		if (&all[i] == page) {
			rc = cp_buf_printf(b, err,
					   "<li><span lang=\"%s\" dir=\"%s\" "
					   "aria-current=\"true\">",
					   all[i].code, all[i].dir);
			rc = rc ? rc : esc(b, all[i].name, err);
			rc = rc ? rc : cp_buf_adds(b, "</span></li>\n", err);
			continue;
		}
		rc = cp_buf_printf(b, err,
				   "<li><a href=\"?lang=%s\" hreflang=\"%s\" "
				   "lang=\"%s\" dir=\"%s\">",
				   all[i].code, all[i].code, all[i].code,
				   all[i].dir);
		rc = rc ? rc : esc(b, all[i].name, err);
		rc = rc ? rc : cp_buf_adds(b, "</a></li>\n", err);
	}
	return rc ? rc : cp_buf_adds(b, "</ul></nav>\n", err);
}

int cp_form_render(struct cp_buf *b, const struct cp_form *f,
		   struct cp_error *err)
{
	const struct cp_survey *s = f->survey;
	const char *title = text_of(f, CP_TEXT_TITLE, 0);
	const struct cp_lang *page = cp_lang_effective(f->lang);
	int rc = page_start(b, f->lang, title, err);

	rc = rc ? rc : switcher(b, f, err);
	rc = rc ? rc : cp_buf_adds(b, "<h1", err);
	rc = rc ? rc : text_lang(b, f, text_lang_of(f), err);
	rc = rc ? rc : cp_buf_adds(b, ">", err);
	rc = rc ? rc : esc(b, title, err);
	rc = rc ? rc : cp_buf_adds(b, "</h1>\n", err);
	rc = rc ? rc : about(b, f, err);
	rc = rc ? rc : intro(b, f, err);
	rc = rc ? rc : promise(b, f, err);
	if (rc == 0 && f->entered && f->entered->problems)
		rc = problem_list(b, f, err);
	rc = rc ? rc : cp_buf_adds(b, "<form method=\"post\"", err);
	/* The language chosen stays with the answers' page. */
	if (rc == 0 && f->lang_chosen)
		rc = cp_buf_printf(b, err, " action=\"?lang=%s\"", page->code);
	rc = rc ? rc : cp_buf_adds(b, " accept-charset=\"utf-8\">\n", err);
	for (size_t i = 0; rc == 0 && i < s->nitems; i++)
		rc = item(b, f, i, err);
	for (size_t q = 0; rc == 0 && q < s->nquestions; q++)
		rc = question(b, f, q, err);
	rc = rc ? rc : cp_buf_adds(b, "<button type=\"submit\">", err);
	rc = rc ? rc : esc(b, _("Send my answers"), err);
	rc = rc ? rc : cp_buf_adds(b, "</button>\n</form>\n", err);
	return rc ? rc : page_end(b, err);
}

int cp_form_thanks(struct cp_buf *b, const struct cp_lang *lang,
		   const struct cp_wave *wave, struct cp_error *err)
{
	struct cp_buf day;
	const char *html[1];
	char when[96];
	int rc = page_start(b, lang, _("Thank you"), err);

	rc = rc ? rc : cp_buf_adds(b, "<h1>", err);
	rc = rc ? rc : esc(b, _("Thank you"), err);
	rc = rc ? rc : cp_buf_adds(b, "</h1>\n<p>", err);
	rc = rc ? rc
		: esc(b,
		      _("Your answers have been saved. You can close this page "
			"now."),
		      err);
	rc = rc ? rc : cp_buf_adds(b, "</p>\n<p>", err);
	cp_buf_init(&day, 1024);
	if (rc == 0 && wave && wave->closes_at) {
		rc = strong(&day, closes_text(wave, when, sizeof(when)), err);
		html[0] = cp_buf_str(&day);
		/* TRANSLATORS: %s is the closing day and time. */
		rc = rc ? rc
			: fmt_html(b,
				   _("This survey closes on %s. After that, "
				     "your team's results are put together: "
				     "scores for groups in which enough people "
				     "answered, never anyone's own answers. "
				     "Your team leader shares them with the "
				     "team, usually in a team meeting."),
				   html, 1, err);
	} else if (rc == 0) {
		rc = esc(b,
			 _("When this survey closes, your team's results are "
			   "put together: scores for groups in which enough "
			   "people answered, never anyone's own answers. Your "
			   "team leader shares them with the team, usually in "
			   "a team meeting."),
			 err);
	}
	cp_buf_release(&day);
	rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	return rc ? rc : page_end(b, err);
}

int cp_form_stop_page(struct cp_buf *b, const struct cp_lang *lang,
		      struct cp_error *err)
{
	int rc = page_start(b, lang, _("Stop reminders"), err);

	rc = rc ? rc : cp_buf_adds(b, "<h1>", err);
	rc = rc ? rc : esc(b, _("Stop reminders"), err);
	rc = rc ? rc : cp_buf_adds(b, "</h1>\n<p>", err);
	rc = rc ? rc
		: esc(b,
		      _("This stops the reminders for this one survey. Nothing "
			"else changes, and you can still answer with the link "
			"in your invitation while the survey is open."),
		      err);
	rc =
	    rc ? rc
	       : cp_buf_adds(b,
			     "</p>\n<form method=\"post\">\n"
			     "<input type=\"hidden\" name=\"List-Unsubscribe\" "
			     "value=\"One-Click\">\n<button type=\"submit\">",
			     err);
	rc = rc ? rc : esc(b, _("Stop reminders"), err);
	rc = rc ? rc : cp_buf_adds(b, "</button>\n</form>\n", err);
	return rc ? rc : page_end(b, err);
}
