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
#include "text.h"

static const char style[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:1.125rem/1.5 system-ui,-apple-system,'Segoe UI',"
    "Roboto,sans-serif;color:#1b1b1b;background:#f6f5f2}"
    "main{max-width:44rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}"
    "h2{font-size:1.2rem;margin:0 0 .5rem}"
    ".promise{background:#e8f1ec;border-left:.4rem solid #2d6a4f;"
    "padding:.75rem 1rem;margin:1rem 0;border-radius:.25rem}"
    ".promise p{margin:.25rem 0}"
    ".problems{background:#fdecea;border:2px solid #b3261e;padding:.75rem 1rem;"
    "margin:1rem 0;border-radius:.25rem}"
    ".problems a{color:#8c1d18}"
    "fieldset{border:1px solid #c8c6c0;border-radius:.5rem;background:#fff;"
    "margin:0 0 1rem;padding:.75rem 1rem 1rem}"
    "fieldset.bad{border:2px solid #b3261e}"
    /* A floated legend stays inside the box when it wraps. */
    "legend{float:left;width:100%;font-weight:600;padding:0;"
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
    "footer{color:#4a4a4a;font-size:.95rem;margin:2rem 0 1rem}";

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

static int page_start(struct cp_buf *b, const char *lang, const char *title,
		      struct cp_error *err)
{
	int rc = cp_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"", err);

	rc = rc ? rc : esc(b, lang && *lang ? lang : "en", err);
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
	return cp_buf_adds(b,
			   "<footer>carepulse: compassionate-leadership "
			   "pulse surveys.</footer>\n</main>\n</body>\n"
			   "</html>\n",
			   err);
}

int cp_form_message(struct cp_buf *b, const char *lang, const char *title,
		    const char *text, struct cp_error *err)
{
	int rc = page_start(b, lang, title, err);

	rc = rc ? rc : cp_buf_adds(b, "<h1>", err);
	rc = rc ? rc : esc(b, title, err);
	rc = rc ? rc : cp_buf_adds(b, "</h1>\n<p>", err);
	rc = rc ? rc : esc(b, text, err);
	rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	return rc ? rc : page_end(b, err);
}

static int promise(struct cp_buf *b, const struct cp_form *f,
		   struct cp_error *err)
{
	int rc;

	if (f->self)
		return cp_buf_printf(
		    b, err,
		    "<section class=\"promise\" aria-labelledby=\"promise\">"
		    "<h2 id=\"promise\">Your self-assessment</h2>\n"
		    "<p>This is your own view as the team's leader. It is "
		    "reported as &ldquo;self&rdquo;, next to your team's "
		    "view, and never mixed into it. It is stored without your "
		    "name, your e-mail address or this link.</p></section>\n");
	rc = cp_buf_printf(
	    b, err,
	    "<section class=\"promise\" aria-labelledby=\"promise\">"
	    "<h2 id=\"promise\">Your answers are anonymous</h2>\n"
	    "<p>Your answers are stored with your team and the date only: "
	    "never with your name, your e-mail address or this link, and "
	    "nobody can see who answered what.</p>\n"
	    "<p>Results are shown only for a group in which at least %d "
	    "people have answered, and written comments only when at least "
	    "%d have, in a shuffled order. Please leave out names and "
	    "details that would show who wrote a comment.</p></section>\n",
	    f->threshold, f->comment_threshold);
	return rc;
}

static int closing(struct cp_buf *b, const struct cp_wave *w,
		   struct cp_error *err)
{
	char day[64];
	time_t t = (time_t)w->closes_at;
	struct tm tm;

	if (w->closes_at == 0)
		return cp_buf_adds(
		    b, "<p>This survey has no closing date.</p>\n", err);
	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%A %e %B %Y, %H:%M", &tm);
	return cp_buf_printf(b, err,
			     "<p>Please answer before <strong>%s "
			     "UTC</strong>, when this survey closes.</p>\n",
			     day);
}

/* The list of problems at the top, each a link to its question. */
static int problem_list(struct cp_buf *b, const struct cp_form *f,
			struct cp_error *err)
{
	const struct cp_survey *s = f->survey;
	const struct cp_answers *a = f->entered;
	int rc;

	rc = cp_buf_printf(b, err,
			   "<div class=\"problems\" role=\"alert\" "
			   "aria-labelledby=\"problems\"><h2 id=\"problems\">"
			   "%zu answer%s need%s another look</h2>\n<ul>\n",
			   a->problems, a->problems == 1 ? "" : "s",
			   a->problems == 1 ? "s" : "");
	for (size_t i = 0; rc == 0 && i < s->nitems; i++) {
		if (a->item_problem[i] == CP_FIELD_OK)
			continue;
		rc = cp_buf_adds(b, "<li><a href=\"#f-", err);
		rc = rc ? rc : esc(b, s->items[i].id, err);
		rc =
		    rc ? rc
		       : cp_buf_printf(b, err, "\">Statement %zu</a>: ", i + 1);
		rc =
		    rc ? rc
		       : esc(b, cp_field_problem_text(a->item_problem[i]), err);
		rc = rc ? rc : cp_buf_adds(b, "</li>\n", err);
	}
	for (size_t q = 0; rc == 0 && q < s->nquestions; q++) {
		if (a->question_problem[q] == CP_FIELD_OK)
			continue;
		rc = cp_buf_adds(b, "<li><a href=\"#q-", err);
		rc = rc ? rc : esc(b, s->questions[q].id, err);
		rc = rc ? rc
			: cp_buf_printf(b, err, "\">Question %zu</a>: ", q + 1);
		rc = rc ? rc
			: esc(b, cp_field_problem_text(a->question_problem[q]),
			      err);
		rc = rc ? rc : cp_buf_adds(b, "</li>\n", err);
	}
	return rc ? rc : cp_buf_adds(b, "</ul></div>\n", err);
}

static int item(struct cp_buf *b, const struct cp_form *f, size_t i,
		struct cp_error *err)
{
	const struct cp_survey *s = f->survey;
	const struct cp_item *it = &s->items[i];
	const struct cp_answers *a = f->entered;
	int problem = a ? a->item_problem[i] : CP_FIELD_OK;
	int value = a ? a->values[i] : 0;
	int rc;

	rc = cp_buf_adds(b, "<fieldset id=\"f-", err);
	rc = rc ? rc : esc(b, it->id, err);
	rc = rc ? rc : cp_buf_adds(b, problem ? "\" class=\"bad\"" : "\"", err);
	if (rc == 0 && problem) {
		rc = cp_buf_adds(b, " aria-describedby=\"e-", err);
		rc = rc ? rc : esc(b, it->id, err);
		rc = rc ? rc : cp_buf_adds(b, "\"", err);
	}
	rc = rc ? rc : cp_buf_printf(b, err, ">\n<legend>%zu. ", i + 1);
	rc = rc ? rc : esc(b, it->text, err);
	rc = rc ? rc : cp_buf_adds(b, "</legend>\n", err);
	if (rc == 0 && problem) {
		rc = cp_buf_adds(b, "<p class=\"problem\" id=\"e-", err);
		rc = rc ? rc : esc(b, it->id, err);
		rc = rc ? rc : cp_buf_adds(b, "\">", err);
		rc = rc ? rc : esc(b, cp_field_problem_text(problem), err);
		rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	}
	rc = rc ? rc : cp_buf_adds(b, "<div class=\"scale\">\n", err);
	for (int v = s->scale.min; rc == 0 && v <= s->scale.max; v++) {
		const char *label = s->scale.labels[v - s->scale.min];
		rc =
		    cp_buf_adds(b, "<label><input type=\"radio\" name=\"", err);
		rc = rc ? rc : esc(b, it->id, err);
		rc = rc ? rc
			: cp_buf_printf(b, err, "\" value=\"%d\"%s><span>", v,
					v == value ? " checked" : "");
		if (rc == 0 && label)
			rc = esc(b, label, err);
		else if (rc == 0)
			rc = cp_buf_printf(b, err, "%d", v);
		rc = rc ? rc : cp_buf_adds(b, "</span></label>\n", err);
	}
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
	int rc;

	rc = cp_buf_adds(b,
			 problem ? "<div class=\"open bad\">\n<label for=\"q-"
				 : "<div class=\"open\">\n<label for=\"q-",
			 err);
	rc = rc ? rc : esc(b, qq->id, err);
	rc = rc ? rc : cp_buf_adds(b, "\">", err);
	rc = rc ? rc : esc(b, qq->text, err);
	rc = rc ? rc : cp_buf_adds(b, "</label>\n", err);
	if (rc == 0 && problem) {
		rc = cp_buf_adds(b, "<p class=\"problem\">", err);
		rc = rc ? rc : esc(b, cp_field_problem_text(problem), err);
		rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	}
	rc = rc ? rc : cp_buf_adds(b, "<p class=\"hint\" id=\"h-", err);
	rc = rc ? rc : esc(b, qq->id, err);
	rc = rc ? rc
		: cp_buf_printf(b, err,
				"\">Optional. Up to %d characters.</p>\n"
				"<textarea id=\"q-",
				max);
	rc = rc ? rc : esc(b, qq->id, err);
	rc = rc ? rc : cp_buf_adds(b, "\" name=\"", err);
	rc = rc ? rc : esc(b, qq->id, err);
	rc = rc ? rc
		: cp_buf_printf(b, err,
				"\" rows=\"5\" maxlength=\"%d\" "
				"aria-describedby=\"h-",
				max);
	rc = rc ? rc : esc(b, qq->id, err);
	rc = rc ? rc : cp_buf_adds(b, "\">", err);
	/* A newline after the tag would be eaten by the parser: keep the
	 * text exactly, a leading newline included. */
	if (rc == 0 && text && text[0] == '\n')
		rc = cp_buf_adds(b, "\n", err);
	if (rc == 0 && text)
		rc = esc(b, text, err);
	return rc ? rc : cp_buf_adds(b, "</textarea>\n</div>\n", err);
}

int cp_form_render(struct cp_buf *b, const struct cp_form *f,
		   struct cp_error *err)
{
	const struct cp_survey *s = f->survey;
	int rc = page_start(b, s->locale, s->title, err);

	rc = rc ? rc : cp_buf_adds(b, "<h1>", err);
	rc = rc ? rc : esc(b, s->title, err);
	rc = rc ? rc : cp_buf_adds(b, "</h1>\n", err);
	if (rc == 0 && s->description) {
		rc = cp_buf_adds(b, "<p>", err);
		rc = rc ? rc : esc(b, s->description, err);
		rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	}
	rc = rc ? rc : promise(b, f, err);
	rc = rc ? rc : closing(b, f->wave, err);
	if (rc == 0 && f->entered && f->entered->problems)
		rc = problem_list(b, f, err);
	rc = rc ? rc
		: cp_buf_printf(
		      b, err,
		      "<p>For each statement, choose how much you "
		      "agree. All %zu statements need an answer.</p>\n"
		      "<form method=\"post\" accept-charset=\"utf-8\">\n",
		      s->nitems);
	for (size_t i = 0; rc == 0 && i < s->nitems; i++)
		rc = item(b, f, i, err);
	for (size_t q = 0; rc == 0 && q < s->nquestions; q++)
		rc = question(b, f, q, err);
	rc = rc ? rc
		: cp_buf_adds(
		      b,
		      "<button type=\"submit\">Send my answers</button>\n"
		      "</form>\n",
		      err);
	return rc ? rc : page_end(b, err);
}
