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
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "i18n.h"
#include "text.h"
#include "when.h"

static const char style[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:1.125rem/1.5 system-ui,-apple-system,'Segoe UI',"
    "Roboto,sans-serif;color:#1b1b1b;background:#f6f5f2}"
    "main{max-width:44rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}"
    "h2{font-size:1.2rem;margin:0 0 .5rem}"
    /* Logical properties: a right-to-left page mirrors them. */
    ".promise{background:#e8f1ec;border-inline-start:.4rem solid #2d6a4f;"
    "padding:.75rem 1rem;margin:1rem 0;border-radius:.25rem}"
    ".promise p{margin:.25rem 0}"
    ".problems{background:#fdecea;border:2px solid #b3261e;padding:.75rem 1rem;"
    "margin:1rem 0;border-radius:.25rem}"
    ".problems a{color:#8c1d18}"
    "fieldset{border:1px solid #c8c6c0;border-radius:.5rem;background:#fff;"
    "margin:0 0 1rem;padding:.75rem 1rem 1rem}"
    "fieldset.bad{border:2px solid #b3261e}"
    /* A floated legend stays inside the box when it wraps. */
    "legend{float:left;float:inline-start;width:100%;font-weight:600;"
    "padding:0;"
    "margin:0 0 .25rem}"
    ".problem{clear:both;color:#b3261e;font-weight:600;margin:.25rem 0}"
    ".scale{clear:both;display:flex;flex-direction:column;gap:.5rem;"
    "padding-top:.5rem}"
    ".scale label{display:flex;align-items:center;gap:.75rem;min-height:3rem;"
    "padding:.5rem .75rem;border:1px solid #c8c6c0;border-radius:.5rem;"
    "cursor:pointer;background:#fafaf8}"
    ".scale label:hover{border-color:#2d6a4f}"
    ".scale input{width:1.5rem;height:1.5rem;margin:0;flex:none;"
    "accent-color:#2d6a4f}"
    ".scale label:has(input:checked){background:#e8f1ec;"
    "border-color:#2d6a4f}"
    "input:focus-visible,textarea:focus-visible,button:focus-visible,"
    "a:focus-visible{outline:3px solid #1a5fb4;outline-offset:3px}"
    ".open{background:#fff;border:1px solid #c8c6c0;border-radius:.5rem;"
    "padding:.75rem 1rem 1rem;margin:0 0 1rem}"
    ".open.bad{border:2px solid #b3261e}"
    ".open label{display:block;font-weight:600}"
    ".hint{color:#4a4a4a;font-size:1rem;margin:.25rem 0 .5rem}"
    "textarea{width:100%;min-height:8rem;font:inherit;padding:.5rem;"
    "border:1px solid #8a8880;border-radius:.5rem}"
    "button{font:inherit;font-weight:600;color:#fff;background:#2d6a4f;"
    "border:0;border-radius:.5rem;padding:.85rem 1.5rem;min-height:3rem;"
    "width:100%;cursor:pointer}"
    "@media (min-width:40rem){button{width:auto}}"
    "footer{color:#4a4a4a;font-size:.95rem;margin:2rem 0 1rem}"
    ".langs ul{list-style:none;margin:0;padding:0;display:flex;"
    "flex-wrap:wrap;gap:.25rem 1rem;justify-content:flex-end}"
    ".langs a,.langs span{display:inline-block;padding:.5rem .25rem;"
    "min-height:2.75rem}"
    ".langs a{color:#1a5fb4}"
    ".langs span{font-weight:600}";

static pthread_once_t csp_once = PTHREAD_ONCE_INIT;
static char csp[256];

static void base64(const unsigned char *in, size_t n, char *out)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
	    "wxyz0123456789+/";
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 |
			     in[i + 2];
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = a[v >> 6 & 63];
		out[o++] = a[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned)in[i] << 16 |
			     (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0);
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

static void make_csp(void)
{
	uint8_t h[CP_SHA256_LEN];
	char b64[48];

	cp_sha256(style, sizeof(style) - 1, h);
	base64(h, sizeof(h), b64);
	snprintf(csp, sizeof(csp),
		 "default-src 'none'; style-src 'sha256-%s'; "
		 "form-action 'self'; frame-ancestors 'none'; "
		 "base-uri 'none'",
		 b64);
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

/* A heading and its paragraphs, each escaped; texts ends with NULL. */
static int section(struct cp_buf *b, const char *heading,
		   const char *const *texts, struct cp_error *err)
{
	int rc = cp_buf_adds(b,
			     "<section class=\"promise\" aria-labelledby="
			     "\"promise\"><h2 id=\"promise\">",
			     err);

	rc = rc ? rc : esc(b, heading, err);
	rc = rc ? rc : cp_buf_adds(b, "</h2>\n", err);
	for (; rc == 0 && *texts; texts++) {
		rc = cp_buf_adds(b, "<p>", err);
		rc = rc ? rc : esc(b, *texts, err);
		rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	}
	return rc ? rc : cp_buf_adds(b, "</section>\n", err);
}

static int promise(struct cp_buf *b, const struct cp_form *f,
		   struct cp_error *err)
{
	char rule[512];
	const char *texts[3] = {NULL, NULL, NULL};

	if (f->self) {
		texts[0] = _("This is your own view as the team's leader. It "
			     "is reported as \xe2\x80\x9cself\xe2\x80\x9d, "
			     "next to your team's view, and never mixed into "
			     "it. It is stored without your name, your e-mail "
			     "address or this link.");
		return section(b, _("Your self-assessment"), texts, err);
	}
	/* TRANSLATORS: the first %d is the reporting threshold, the second
	 * the comments' threshold (both at least 3). */
	snprintf(rule, sizeof(rule),
		 _("Results are shown only for a group in which at least %d "
		   "people have answered, and written comments only when at "
		   "least %d have, in a shuffled order. Please leave out names "
		   "and details that would show who wrote a comment."),
		 f->threshold, f->comment_threshold);
	texts[0] = _("Your answers are stored with your team and the date "
		     "only: never with your name, your e-mail address or this "
		     "link, and nobody can see who answered what.");
	texts[1] = rule;
	return section(b, _("Your answers are anonymous"), texts, err);
}

/*
 * Appends the translated format fmt with its one "%s" replaced by value,
 * all escaped and value in <strong>: the translation decides where the
 * value goes.
 */
static int with_strong(struct cp_buf *b, const char *fmt, const char *value,
		       struct cp_error *err)
{
	const char *at = strstr(fmt, "%s");
	int rc;

	if (at == NULL) /* a broken translation: the value still shows */
		at = fmt + strlen(fmt);
	rc = cp_buf_adds(b, "<p>", err);
	for (const char *p = fmt; rc == 0 && p < at; p++) {
		char one[2] = {*p, '\0'};
		rc = esc(b, one, err);
	}
	/* bdi: a date in one direction inside a sentence in the other. */
	rc = rc ? rc : cp_buf_adds(b, "<strong><bdi>", err);
	rc = rc ? rc : esc(b, value, err);
	rc = rc ? rc : cp_buf_adds(b, "</bdi></strong>", err);
	rc = rc ? rc : esc(b, *at ? at + 2 : at, err);
	return rc ? rc : cp_buf_adds(b, "</p>\n", err);
}

static int closing(struct cp_buf *b, const struct cp_wave *w,
		   struct cp_error *err)
{
	char day[96];
	int rc;

	if (w->closes_at == 0 ||
	    !cp_when_long(w->closes_at, day, sizeof(day))) {
		rc = cp_buf_adds(b, "<p>", err);
		rc = rc ? rc
			: esc(b, _("This survey has no closing date."), err);
		return rc ? rc : cp_buf_adds(b, "</p>\n", err);
	}
	/* TRANSLATORS: %s is the closing date and time, e.g. "Monday 30
	 * November 2026, 17:00 GMT", shown in bold. */
	return with_strong(
	    b, _("Please answer before %s, when this survey closes."), day,
	    err);
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

/*
 * Opens an element with the survey's text in it: with its own lang (and
 * dir) when the survey speaks another language than the page, so a
 * screen reader reads it with the right voice.
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

/*
 * The survey's texts as this form shows them: in the language of the
 * page when the definition carries it, else as written (text_lang_of(f)
 * says which).
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

static const char *form_title(const struct cp_form *f)
{
	return text_of(f, CP_TEXT_TITLE, 0);
}

static const char *form_description(const struct cp_form *f)
{
	return text_of(f, CP_TEXT_DESCRIPTION, 0);
}

static const char *item_text(const struct cp_form *f, size_t i)
{
	return text_of(f, CP_TEXT_ITEM, i);
}

static const char *question_text(const struct cp_form *f, size_t q)
{
	return text_of(f, CP_TEXT_QUESTION, q);
}

/* No answer entered yet (an eNPS item takes 0). */
#define CP_NO_VALUE (-2)

/* One radio button of item it: value text, its words (in the survey's
 * language for the page), checked or not. */
static int choice(struct cp_buf *b, const struct cp_form *f,
		  const struct cp_item *it, const char *value, const char *num,
		  const char *label, bool checked, struct cp_error *err)
{
	int rc = cp_buf_adds(b, "<label><input type=\"radio\" name=\"", err);

	rc = rc ? rc : esc(b, it->id, err);
	rc = rc ? rc : cp_buf_adds(b, "\" value=\"", err);
	rc = rc ? rc : esc(b, value, err);
	rc =
	    rc ? rc
	       : cp_buf_adds(b, checked ? "\" checked><span" : "\"><span", err);
	rc = rc ? rc : text_lang(b, f, label ? text_lang_of(f) : NULL, err);
	rc = rc ? rc : cp_buf_adds(b, ">", err);
	if (rc == 0 && num && label)
		rc = cp_buf_printf(b, err, "%s ", num);
	rc = rc ? rc : esc(b, label ? label : num, err);
	return rc ? rc : cp_buf_adds(b, "</span></label>\n", err);
}

/*
 * The answers item it offers, value checked (CP_NO_VALUE: none): the
 * scale's five, or 0 to 10 with the words of both ends for an eNPS item;
 * then "prefer not to say" where the item offers it, a last radio button
 * like the others, so it needs no script and reads the same to a screen
 * reader.
 */
static int choices(struct cp_buf *b, const struct cp_form *f, size_t i,
		   int value, struct cp_error *err)
{
	const struct cp_survey *s = f->survey;
	const struct cp_item *it = &s->items[i];
	bool enps = it->type == CP_ITEM_ENPS;
	int lo = enps ? CP_ENPS_MIN : s->scale.min;
	int hi = enps ? CP_ENPS_MAX : s->scale.max;
	int rc = 0;

	for (int v = lo; rc == 0 && v <= hi; v++) {
		const char *label = NULL;
		char num[8];
		snprintf(num, sizeof(num), "%d", v);
		if (!enps)
			label = text_of(f, CP_TEXT_SCALE_LABEL,
					(size_t)(v - s->scale.min));
		else if (v == lo || v == hi)
			label = text_of(
			    f, v == hi ? CP_TEXT_ITEM_HIGH : CP_TEXT_ITEM_LOW,
			    i);
		rc = choice(b, f, it, num, enps ? num : NULL, label, v == value,
			    err);
	}
	if (rc == 0 && it->prefer_not_to_say && s->prefer_not_to_say)
		rc = choice(b, f, it, CP_ANSWER_DECLINED_TOKEN, NULL,
			    text_of(f, CP_TEXT_PREFER_NOT_TO_SAY, 0),
			    value == CP_ANSWER_DECLINED, err);
	return rc;
}

static int item(struct cp_buf *b, const struct cp_form *f, size_t i,
		struct cp_error *err)
{
	const struct cp_answers *a = f->entered;
	int problem = a ? a->item_problem[i] : CP_FIELD_OK;
	int value = a && a->given[i] ? a->values[i] : CP_NO_VALUE;
	int rc;

	rc = cp_buf_printf(b, err, "<fieldset id=\"s%zu\"%s", i + 1,
			   problem ? " class=\"bad\"" : "");
	if (rc == 0 && problem)
		rc = cp_buf_printf(b, err, " aria-describedby=\"e%zu\"", i + 1);
	rc = rc ? rc : cp_buf_printf(b, err, ">\n<legend>%zu. <span", i + 1);
	rc = rc ? rc : text_lang(b, f, text_lang_of(f), err);
	rc = rc ? rc : cp_buf_adds(b, ">", err);
	rc = rc ? rc : esc(b, item_text(f, i), err);
	rc = rc ? rc : cp_buf_adds(b, "</span></legend>\n", err);
	if (rc == 0 && problem) {
		rc = cp_buf_printf(b, err, "<p class=\"problem\" id=\"e%zu\">",
				   i + 1);
		rc = rc ? rc : esc(b, _(cp_field_problem_text(problem)), err);
		rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	}
	rc = rc ? rc : cp_buf_adds(b, "<div class=\"scale\">\n", err);
	rc = rc ? rc : choices(b, f, i, value, err);
	return rc ? rc : cp_buf_adds(b, "</div>\n</fieldset>\n", err);
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
	rc = rc ? rc : esc(b, question_text(f, q), err);
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
				"\" rows=\"5\" maxlength=\"%d\" "
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
	const char *title = form_title(f);
	const char *description = form_description(f);
	const struct cp_lang *page = cp_lang_effective(f->lang);
	char intro[512];
	int rc = page_start(b, f->lang, title, err);

	rc = rc ? rc : switcher(b, f, err);
	rc = rc ? rc : cp_buf_adds(b, "<h1", err);
	rc = rc ? rc : text_lang(b, f, text_lang_of(f), err);
	rc = rc ? rc : cp_buf_adds(b, ">", err);
	rc = rc ? rc : esc(b, title, err);
	rc = rc ? rc : cp_buf_adds(b, "</h1>\n", err);
	if (rc == 0 && description) {
		rc = cp_buf_adds(b, "<p", err);
		rc = rc ? rc : text_lang(b, f, text_lang_of(f), err);
		rc = rc ? rc : cp_buf_adds(b, ">", err);
		rc = rc ? rc : esc(b, description, err);
		rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	}
	rc = rc ? rc : promise(b, f, err);
	rc = rc ? rc : closing(b, f->wave, err);
	if (rc == 0 && f->entered && f->entered->problems)
		rc = problem_list(b, f, err);
	snprintf(intro, sizeof(intro),
		 cp_ngettext("For each statement, choose how much you agree. "
			     "The %zu statement needs an answer.",
			     "For each statement, choose how much you agree. "
			     "All %zu statements need an answer.",
			     s->nitems),
		 s->nitems);
	rc = rc ? rc : cp_buf_adds(b, "<p>", err);
	rc = rc ? rc : esc(b, intro, err);
	rc = rc ? rc : cp_buf_adds(b, "</p>\n<form method=\"post\"", err);
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
