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
#include "survey.h"
#include "text.h"

static const char style[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:1.0625rem/1.45 system-ui,-apple-system,'Segoe UI',"
    "Roboto,sans-serif;color:#1b1b1b;background:#f6f5f2}"
    "main{max-width:44rem;margin:0 auto;padding:.75rem}"
    "h1{font-size:1.45rem;line-height:1.25;margin:.25rem 0 .5rem}"
    "h2{font-size:1.1rem;margin:0 0 .25rem}"
    "p{margin:.4rem 0}"
    ".about{font-size:1.125rem}"
    ".promise{background:#e8f1ec;border-left:.4rem solid #2d6a4f;"
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
    "legend{float:left;width:100%;font-weight:600;padding:0;"
    "margin:0 0 .4rem}"
    ".problem{clear:both;color:#b3261e;font-weight:600;margin:.25rem 0}"
    /* One row of real radio inputs: each choice a segment as wide as a
     * fifth of the row and at least 44 px high; the input fills its
     * segment (so a tap anywhere on it chooses), drawn by the segment. */
    ".seg{clear:both;display:flex;border:1px solid #6b6a64;"
    "border-radius:.5rem;overflow:hidden}"
    ".seg label{flex:1 1 0;position:relative;display:flex;"
    "align-items:center;justify-content:center;min-height:2.75rem;"
    "border-left:1px solid #6b6a64;background:#fafaf8;font-weight:600;"
    "cursor:pointer}"
    ".seg label:first-child{border-left:0}"
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
    ".ends.pnts{padding-right:23%}"
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
    "footer{color:#4a4a4a;font-size:.9rem;margin:1.25rem 0 .5rem}";

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
			rc = cp_buf_adds(b, strchr(p, '\n') ? ", " : " and ",
					 err);
		cp_strlcpy(one, p, n + 1 < sizeof(one) ? n + 1 : sizeof(one));
		rc = rc ? rc : cp_buf_adds(b, "<strong>", err);
		rc = rc ? rc : esc(b, one, err);
		rc = rc ? rc : cp_buf_adds(b, "</strong>", err);
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
	int rc;

	if (f->team == NULL)
		return 0;
	rc = cp_buf_adds(b, "<p class=\"about\">", err);
	if (f->self) {
		rc = rc ? rc
			: cp_buf_adds(b,
				      "These statements are about your own "
				      "leadership of <strong>",
				      err);
		rc = rc ? rc : esc(b, f->team, err);
		rc = rc ? rc : cp_buf_adds(b, "</strong>.", err);
	} else {
		rc = rc ? rc
			: cp_buf_adds(b, "These statements are about <strong>",
				      err);
		rc = rc ? rc : esc(b, f->team, err);
		if (f->leaders && *f->leaders) {
			rc = rc ? rc
				: cp_buf_adds(b,
					      strchr(f->leaders, '\n')
						  ? "</strong> and how its "
						    "leaders, "
						  : "</strong> and how its "
						    "leader, ",
					      err);
			rc = rc ? rc : name_list(b, f->leaders, err);
			rc = rc ? rc
				: cp_buf_adds(
				      b,
				      strchr(f->leaders, '\n')
					  ? ", lead it and look after people."
					  : ", leads it and looks after "
					    "people.",
				      err);
		} else {
			rc = rc ? rc
				: cp_buf_adds(b, "</strong> and how it is led.",
					      err);
		}
	}
	return rc ? rc : cp_buf_adds(b, "</p>\n", err);
}

/* The day and time a wave closes, written out, into out. */
static const char *closes_text(const struct cp_wave *w, char *out, size_t n)
{
	time_t t = (time_t)w->closes_at;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%A %e %B %Y, %H:%M UTC", &tm);
	return out;
}

/* "1 (Strongly disagree)": a point of the scale and its label. */
static int scale_point(struct cp_buf *b, const struct cp_survey *s, int v,
		       struct cp_error *err)
{
	const char *label = s->scale.labels[v - s->scale.min];
	int rc = cp_buf_printf(b, err, "%d", v);

	if (rc == 0 && label) {
		rc = cp_buf_adds(b, " (", err);
		rc = rc ? rc : esc(b, label, err);
		rc = rc ? rc : cp_buf_adds(b, ")", err);
	}
	return rc;
}

/* What the person is asked to do, in plain words: how many statements,
 * how long, until when. */
static int intro(struct cp_buf *b, const struct cp_form *f,
		 struct cp_error *err)
{
	const struct cp_survey *s = f->survey;
	char day[64];
	int minutes = cp_survey_minutes(s);
	int rc;

	rc = cp_buf_printf(b, err,
			   "<p>%zu short statements. For each, choose how much "
			   "you agree, from ",
			   s->nitems);
	rc = rc ? rc : scale_point(b, s, s->scale.min, err);
	rc = rc ? rc : cp_buf_adds(b, " to ", err);
	rc = rc ? rc : scale_point(b, s, s->scale.max, err);
	rc = rc ? rc
		: cp_buf_printf(b, err,
				"; there are no right or wrong answers. It "
				"takes about %d minute%s.",
				minutes, minutes == 1 ? "" : "s");
	if (rc == 0 && f->wave->closes_at)
		rc = cp_buf_printf(b, err, " Open until <strong>%s</strong>.",
				   closes_text(f->wave, day, sizeof(day)));
	return rc ? rc : cp_buf_adds(b, "</p>\n", err);
}

static int promise(struct cp_buf *b, const struct cp_form *f,
		   struct cp_error *err)
{
	if (f->self)
		return cp_buf_printf(
		    b, err,
		    "<div class=\"promise\"><p>This is your own view as the "
		    "team's leader. It is reported as &ldquo;self&rdquo;, "
		    "next to your team's view, and never mixed into it. It is "
		    "stored without your name, your e-mail address or this "
		    "link.</p></div>\n");
	return cp_buf_printf(
	    b, err,
	    "<details class=\"promise\"><summary>Your answers are anonymous: "
	    "shown only for groups of %d or more</summary>\n"
	    "<p>Your answers are stored with your team and the date only: "
	    "never with your name, your e-mail address or this link, and "
	    "nobody can see who answered what.</p>\n"
	    "<p>Results are shown only for a group in which at least %d "
	    "people have answered, and written comments only when at least "
	    "%d have, in a shuffled order. Please leave out names and "
	    "details that would show who wrote a comment.</p></details>\n",
	    f->threshold, f->threshold, f->comment_threshold);
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

/* No answer entered yet (an eNPS item takes 0). */
#define CP_NO_VALUE (-2)

/* The words of point v of item it for screen readers: the scale's label,
 * or for an eNPS item the words at 0 and 10 (none between). */
static const char *point_label(const struct cp_survey *s,
			       const struct cp_item *it, int v)
{
	if (it->type != CP_ITEM_ENPS)
		return s->scale.labels[v - s->scale.min];
	return v == CP_ENPS_MIN	  ? it->labels[0]
	       : v == CP_ENPS_MAX ? it->labels[1]
				  : NULL;
}

/* "Prefer not to say" where item it offers it: one more radio of its
 * group (the same name), so it needs no script and a screen reader reads
 * it with the others. */
static int decline(struct cp_buf *b, const struct cp_survey *s,
		   const struct cp_item *it, int value, struct cp_error *err)
{
	int rc;

	if (!it->prefer_not_to_say || s->prefer_not_to_say == NULL)
		return 0; /* not offered */
	rc = cp_buf_adds(b,
			 "<label class=\"decline\"><input type=\"radio\" "
			 "name=\"",
			 err);
	rc = rc ? rc : esc(b, it->id, err);
	rc = rc ? rc
		: cp_buf_adds(
		      b,
		      value == CP_ANSWER_DECLINED
			  ? "\" value=\"" CP_ANSWER_DECLINED_TOKEN "\" checked>"
			  : "\" value=\"" CP_ANSWER_DECLINED_TOKEN "\">",
		      err);
	rc = rc ? rc : cp_buf_adds(b, "<span>", err);
	rc = rc ? rc : esc(b, s->prefer_not_to_say, err);
	return rc ? rc : cp_buf_adds(b, "</span></label>\n", err);
}

/*
 * One statement: a fieldset whose legend is the statement, and a row of
 * real radio inputs, one segment per point of the scale (0 to 10 for an
 * eNPS item) showing its number, its label for screen readers, the two
 * ends' labels under the row, and "prefer not to say" where the item
 * offers it. Everything about how an item looks is here.
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
	const char *low = point_label(s, it, lo);
	const char *high = point_label(s, it, hi);
	bool offers = it->prefer_not_to_say && s->prefer_not_to_say;
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
	rc = rc ? rc : cp_buf_adds(b, "<div class=\"seg\">\n", err);
	for (int v = lo; rc == 0 && v <= hi; v++) {
		const char *label = point_label(s, it, v);
		rc =
		    cp_buf_adds(b, "<label><input type=\"radio\" name=\"", err);
		rc = rc ? rc : esc(b, it->id, err);
		rc = rc ? rc
			: cp_buf_printf(b, err,
					"\" value=\"%d\"%s><span>%d</span>", v,
					v == value ? " checked" : "", v);
		if (rc == 0 && label) {
			rc = cp_buf_adds(b, "<span class=\"sr\">, ", err);
			rc = rc ? rc : esc(b, label, err);
			rc = rc ? rc : cp_buf_adds(b, "</span>", err);
		}
		rc = rc ? rc : cp_buf_adds(b, "</label>\n", err);
	}
	rc = rc ? rc : decline(b, s, it, value, err);
	rc = rc ? rc : cp_buf_adds(b, "</div>\n", err);
	if (rc == 0 && low && high) {
		rc = cp_buf_adds(
		    b,
		    offers ? "<div class=\"ends pnts\" "
			     "aria-hidden=\"true\"><span>"
			   : "<div class=\"ends\" aria-hidden=\"true\">"
			     "<span>",
		    err);
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
				"\" rows=\"3\" maxlength=\"%d\" "
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
	rc = rc ? rc : about(b, f, err);
	rc = rc ? rc : intro(b, f, err);
	rc = rc ? rc : promise(b, f, err);
	if (rc == 0 && f->entered && f->entered->problems)
		rc = problem_list(b, f, err);
	rc = rc ? rc
		: cp_buf_adds(
		      b, "<form method=\"post\" accept-charset=\"utf-8\">\n",
		      err);
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

int cp_form_thanks(struct cp_buf *b, const char *lang,
		   const struct cp_wave *wave, struct cp_error *err)
{
	char day[64];
	int rc = page_start(b, lang, "Thank you", err);

	rc = rc ? rc
		: cp_buf_adds(b,
			      "<h1>Thank you</h1>\n<p>Your answers have been "
			      "saved. You can close this page now.</p>\n",
			      err);
	if (rc == 0 && wave && wave->closes_at)
		rc = cp_buf_printf(
		    b, err,
		    "<p>This survey closes on <strong>%s</strong>. After "
		    "that, your team's results are put together: scores for "
		    "groups in which enough people answered, never anyone's "
		    "own answers. Your team leader shares them with the team, "
		    "usually in a team meeting.</p>\n",
		    closes_text(wave, day, sizeof(day)));
	else if (rc == 0)
		rc = cp_buf_adds(
		    b,
		    "<p>When this survey closes, your team's results are put "
		    "together: scores for groups in which enough people "
		    "answered, never anyone's own answers. Your team leader "
		    "shares them with the team, usually in a team "
		    "meeting.</p>\n",
		    err);
	return rc ? rc : page_end(b, err);
}

int cp_form_stop_page(struct cp_buf *b, const char *lang, struct cp_error *err)
{
	int rc = page_start(b, lang, "Stop reminders", err);

	rc = rc ? rc
		: cp_buf_adds(
		      b,
		      "<h1>Stop reminders</h1>\n<p>This stops the reminders "
		      "for this one survey. Nothing else changes, and you can "
		      "still answer with the link in your invitation while the "
		      "survey is open.</p>\n<form method=\"post\">\n"
		      "<input type=\"hidden\" name=\"List-Unsubscribe\" "
		      "value=\"One-Click\">\n<button type=\"submit\">Stop "
		      "reminders</button>\n</form>\n",
		      err);
	return rc ? rc : page_end(b, err);
}
