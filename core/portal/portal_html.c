/*
 * portal_html.c - the portal's pages: server-rendered HTML without
 * script, one column on a phone, charts as inline SVG with the same
 * numbers in a table beside them (the table is what a screen reader
 * reads; the chart is aria-hidden). Every value from the database is
 * escaped. Every number shown is a field of core's results that core
 * left unsuppressed, printed as `carepulse results` prints it; a hidden
 * value shows the reason `results` gives.
 *
 * Numbers carry data-m (the measure's column in `results --format json`)
 * and data-d (the dimension or item id), so the browser test can check
 * each against the CLI's JSON.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "i18n.h"
#include "portal.h"
#include "portal_int.h"
#include "text.h"
#include "when.h"

#define TOP_N	   3
#define REASON_MAX 512

static const char style[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:1rem/1.5 system-ui,-apple-system,'Segoe UI',"
    "Roboto,sans-serif;color:#1b1b1b;background:#f6f5f2}"
    ".skip{position:absolute;left:-999px}"
    ".skip:focus{left:.5rem;top:.5rem;background:#fff;padding:.5rem;"
    "z-index:2}"
    "header{background:#1f4d3a;color:#fff}"
    "header .bar{max-width:60rem;margin:0 auto;padding:.5rem 1rem;"
    "display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;"
    "justify-content:space-between}"
    "header a{color:#fff}"
    "header .who{font-size:.95rem}"
    "header form{margin:0}"
    "header button{background:#fff;color:#1f4d3a;border:0;"
    "border-radius:.4rem;padding:.4rem .8rem;font:inherit;"
    "font-weight:600;min-height:2.75rem;cursor:pointer}"
    "main{max-width:60rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}"
    "h2{font-size:1.2rem;margin:1.75rem 0 .5rem}"
    "h3{font-size:1.05rem;margin:1.25rem 0 .5rem}"
    "a{color:#174ea6}"
    "a:focus-visible,button:focus-visible,input:focus-visible{"
    "outline:3px solid #1a5fb4;outline-offset:2px}"
    ".card{background:#fff;border:1px solid #c8c6c0;border-radius:.5rem;"
    "padding:.75rem 1rem;margin:0 0 1rem}"
    ".note{color:#3d3d3d}"
    ".hidden-why{color:#5c3b00;background:#fff4e0;padding:.1rem .3rem;"
    "border-radius:.25rem}"
    ".table{overflow-x:auto;margin:0 0 1rem}"
    "table{border-collapse:collapse;background:#fff;min-width:100%}"
    "caption{text-align:start;font-weight:600;padding:.25rem 0}"
    "th,td{border:1px solid #c8c6c0;padding:.35rem .5rem;text-align:start;"
    "vertical-align:top}"
    "td.n{text-align:end;font-variant-numeric:tabular-nums}"
    "thead th{background:#ecebe6}"
    ".h0{background:#f9d6d2}.h1{background:#fbe6c8}.h2{background:#f3f0c2}"
    ".h3{background:#d9efd9}.h4{background:#bfe3c8}"
    "svg{max-width:100%;height:auto;display:block}"
    "label{display:block;font-weight:600;margin:.5rem 0 .25rem}"
    "input[type=email]{width:100%;max-width:28rem;font:inherit;"
    "padding:.6rem;border:1px solid #6b6a64;border-radius:.4rem}"
    ".go{font:inherit;font-weight:600;color:#fff;background:#1f4d3a;"
    "border:0;border-radius:.5rem;padding:.75rem 1.25rem;min-height:3rem;"
    "margin-top:.75rem;cursor:pointer}"
    "ul.plain{padding-inline-start:1.25rem}"
    "blockquote{margin:.5rem 0;padding:.5rem .75rem;background:#fff;"
    "border-inline-start:.3rem solid #2d6a4f}"
    "footer{color:#3d3d3d;font-size:.9rem;margin:2rem 0 1rem}";

static pthread_once_t csp_once = PTHREAD_ONCE_INIT;
static char csp[300];

static void make_csp(void)
{
	cp_form_csp_of(style, sizeof(style) - 1, csp, sizeof(csp));
}

const char *cp_portal_csp(void)
{
	pthread_once(&csp_once, make_csp);
	return csp;
}

int esc(struct cp_buf *b, const char *s, struct cp_error *err)
{
	return cp_html_escape(b, s ? s : "", err);
}

/* A translated text with one "%s" in it: the text escaped, with arg
 * (escaped too) in place of the "%s". */
static int esc_arg(struct cp_buf *b, const char *text, const char *arg,
		   struct cp_error *err)
{
	const char *at = strstr(text, "%s");
	char head[REASON_MAX];
	size_t n;
	int rc;

	if (at == NULL)
		return esc(b, text, err);
	n = (size_t)(at - text) < sizeof(head) ? (size_t)(at - text)
					       : sizeof(head) - 1;
	memcpy(head, text, n);
	head[n] = '\0';
	rc = esc(b, head, err);
	rc = rc ? rc : esc(b, arg, err);
	return rc ? rc : esc(b, at + 2, err);
}

/* A translated format with its arguments, escaped. */
static int escf(struct cp_buf *b, struct cp_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int escf(struct cp_buf *b, struct cp_error *err, const char *fmt, ...)
{
	char text[REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return esc(b, text, err);
}

/* The survey's text what (index i) in the page's language when the
 * definition carries it, else as written. */
static const char *stext(const struct cp_survey *sv, enum cp_text what,
			 size_t i)
{
	const char *t = cp_survey_text(
	    sv, what, i, cp_lang_effective(cp_lang_current())->code);

	return t ? t : "";
}

/* Markup before, the text escaped, markup after. */
static int wrap(struct cp_buf *b, const char *before, const char *text,
		const char *after, struct cp_error *err)
{
	int rc = cp_buf_adds(b, before, err);

	rc = rc ? rc : esc(b, text, err);
	return rc ? rc : cp_buf_adds(b, after, err);
}

int page_start(struct cp_buf *b, const char *title,
	       const struct page_viewer *pv, struct cp_error *err)
{
	/* The language the thread speaks (the server chose it for the
	 * request), right to left for Arabic. */
	const struct cp_lang *l = cp_lang_effective(cp_lang_current());
	int rc = cp_buf_printf(
	    b, err,
	    "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>",
	    l->code, l->dir);

	rc = rc ? rc : esc(b, title, err);
	rc = rc ? rc
		: wrap(b, " - ", _("carepulse results"), "</title>\n<style>",
		       err);
	rc = rc ? rc : cp_buf_add(b, style, sizeof(style) - 1, err);
	rc = rc ? rc
		: wrap(b,
		       "</style>\n</head>\n<body>\n<a class=\"skip\" "
		       "href=\"#main\">",
		       _("Skip to the content"),
		       "</a>\n<header><div class=\"bar\"><a "
		       "href=\"/portal/\">",
		       err);
	rc = rc ? rc : esc(b, _("carepulse results"), err);
	rc = rc ? rc : cp_buf_adds(b, "</a>", err);
	if (rc == 0 && pv && pv->viewer) {
		rc = cp_buf_adds(b, "<span class=\"who\">", err);
		/* TRANSLATORS: %s is the viewer's e-mail address. */
		rc = rc ? rc
			: esc_arg(b, _("Signed in as %s"), pv->viewer->email,
				  err);
		rc = rc ? rc : esc(b, pv->hr ? _(" (HR)") : "", err);
		rc = rc ? rc
			: cp_buf_adds(b,
				      "</span><form method=\"post\" "
				      "action=\"/portal/signout\"><input "
				      "type=\"hidden\" name=\"csrf\" value=\"",
				      err);
		rc = rc ? rc : esc(b, pv->csrf, err);
		rc = rc ? rc
			: wrap(b, "\"><button type=\"submit\">", _("Sign out"),
			       "</button></form>", err);
	}
	rc = rc ? rc
		: cp_buf_adds(b, "</div></header>\n<main id=\"main\">\n", err);
	return rc;
}

int page_end(struct cp_buf *b, struct cp_error *err)
{
	int rc = cp_buf_adds(b, "<footer>", err);

	rc = rc ? rc
		: esc(b,
		      _("carepulse shows a group's results only when enough "
			"people answered for nobody to be singled out."),
		      err);
	return rc ? rc
		  : cp_buf_adds(b, "</footer>\n</main>\n</body>\n</html>\n",
				err);
}

int page_message(struct cp_buf *b, const char *title, const char *text,
		 const struct page_viewer *pv, struct cp_error *err)
{
	int rc = page_start(b, _(title), pv, err);

	rc = rc ? rc : cp_buf_adds(b, "<h1>", err);
	rc = rc ? rc : esc(b, _(title), err);
	rc = rc ? rc : cp_buf_adds(b, "</h1>\n<p>", err);
	rc = rc ? rc : esc(b, _(text), err);
	rc = rc ? rc
		: wrap(b, "</p>\n<p><a href=\"/portal/\">",
		       _("Back to the start"), "</a></p>\n", err);
	return rc ? rc : page_end(b, err);
}

int page_signin(struct cp_buf *b, const char *pre, bool sso,
		struct cp_error *err)
{
	int rc = page_start(b, _("Sign in"), NULL, err);

	rc = rc ? rc
		: wrap(b, "<h1>", _("Sign in to see results"), "</h1>\n<p>",
		       err);
	rc = rc ? rc
		: esc(b,
		      _("Type the e-mail address you were given access with. "
			"If it has access, we send a sign-in link to it; the "
			"link works once, for a short time."),
		      err);
	rc = rc ? rc
		: cp_buf_adds(b,
			      "</p>\n<form method=\"post\" "
			      "action=\"/portal/signin\" class=\"card\">\n"
			      "<input type=\"hidden\" name=\"csrf\" value=\"",
			      err);
	rc = rc ? rc : esc(b, pre, err);
	rc = rc ? rc
		: wrap(b, "\">\n<label for=\"email\">", _("E-mail address"),
		       "</label>\n<input type=\"email\" id=\"email\" "
		       "name=\"email\" autocomplete=\"email\" required "
		       "maxlength=\"254\">\n<button class=\"go\" "
		       "type=\"submit\">",
		       err);
	rc = rc ? rc : esc(b, _("Send me a sign-in link"), err);
	rc = rc ? rc : cp_buf_adds(b, "</button>\n</form>\n", err);
	/* Single sign-on is a link: it starts with a GET. */
	if (rc == 0 && sso) {
		rc = cp_buf_adds(b, "<p><a href=\"/portal/oidc/start\">", err);
		rc = rc ? rc
			: esc(b,
			      _("Or sign in with your organisation's account"),
			      err);
		rc = rc ? rc : cp_buf_adds(b, "</a></p>\n", err);
	}
	return rc ? rc : page_end(b, err);
}

const char *ttl_words(int64_t ttl, char *buf, size_t n)
{
	/* TRANSLATORS: how long a sign-in link works, read after "within"
	 * ("Open the link within 15 minutes"): use the form that goes
	 * there (Polish: genitive, "w ciągu 15 minut"). */
	if (ttl > 0 && ttl % 86400 == 0)
		snprintf(buf, n,
			 cp_ngettext("%lu day", "%lu days",
				     (unsigned long)(ttl / 86400)),
			 (unsigned long)(ttl / 86400));
	else if (ttl > 0 && ttl % 3600 == 0)
		snprintf(buf, n,
			 cp_ngettext("%lu hour", "%lu hours",
				     (unsigned long)(ttl / 3600)),
			 (unsigned long)(ttl / 3600));
	else if (ttl > 0 && ttl % 60 == 0)
		snprintf(buf, n,
			 cp_ngettext("%lu minute", "%lu minutes",
				     (unsigned long)(ttl / 60)),
			 (unsigned long)(ttl / 60));
	else
		snprintf(buf, n,
			 cp_ngettext("%lu second", "%lu seconds",
				     (unsigned long)ttl),
			 (unsigned long)ttl);
	return buf;
}

int page_sent(struct cp_buf *b, int64_t ttl, struct cp_error *err)
{
	char words[80], line[600];
	int rc = page_start(b, _("Check your mail"), NULL, err);

	/* TRANSLATORS: %s is how long the link works ("15 minutes"). */
	snprintf(line, sizeof(line),
		 _("If that address has access to results, a sign-in link is "
		   "on its way to it. Open the link on this device within %s; "
		   "it works once."),
		 ttl_words(ttl, words, sizeof(words)));
	rc = rc ? rc : wrap(b, "<h1>", _("Check your mail"), "</h1>\n<p>", err);
	rc = rc ? rc : esc(b, line, err);
	rc = rc ? rc : cp_buf_adds(b, "</p>\n<p>", err);
	rc = rc ? rc
		: esc(b, _("Nothing arrived? Check the spam folder, or:"), err);
	rc = rc ? rc
		: wrap(b, " <a href=\"/portal/\">", _("ask for a new link"),
		       "</a></p>\n", err);
	return rc ? rc : page_end(b, err);
}

int page_landing(struct cp_buf *b, const char *token, const char *pre,
		 struct cp_error *err)
{
	int rc = page_start(b, _("Sign in"), NULL, err);

	/* A button, not a sign-in on GET: mail scanners open links, and
	 * would use up a single-use link before its owner could. */
	rc = rc ? rc : cp_buf_printf(b, err, "<h1>%s</h1>\n<p>", _("Sign in"));
	rc = rc ? rc : esc(b, _("Sign in with the link from your mail."), err);
	rc = rc ? rc
		: cp_buf_adds(b,
			      "</p>\n<form method=\"post\" "
			      "action=\"/portal/signin/",
			      err);
	rc = rc ? rc : esc(b, token, err);
	rc = rc ? rc
		: cp_buf_adds(b,
			      "\">\n<input type=\"hidden\" name=\"csrf\" "
			      "value=\"",
			      err);
	rc = rc ? rc : esc(b, pre, err);
	rc = rc ? rc
		: wrap(b, "\">\n<button class=\"go\" type=\"submit\">",
		       _("Sign in"), "</button>\n</form>\n", err);
	return rc ? rc : page_end(b, err);
}

/* ---- numbers ---- */

/* A cell with a number of measure m (of dimension or item d): v with
 * prec decimals (a sign too when plus), then unit ("%" or ""). */
static int num_cell(struct cp_buf *b, const char *m, const char *d, int prec,
		    bool plus, double v, const char *unit, struct cp_error *err)
{
	int rc = cp_buf_printf(b, err, "<td class=\"n\" data-m=\"%s\"", m);

	if (rc == 0 && d) {
		rc = cp_buf_adds(b, " data-d=\"", err);
		rc = rc ? rc : esc(b, d, err);
		rc = rc ? rc : cp_buf_addc(b, '"', err);
	}
	rc = rc ? rc : cp_buf_addc(b, '>', err);
	rc = rc ? rc
		: cp_buf_printf(b, err, plus ? "%+.*f%s" : "%.*f%s", prec, v,
				unit);
	return rc ? rc : cp_buf_adds(b, "</td>", err);
}

static int reason_cell(struct cp_buf *b, const struct cp_results *r,
		       const struct cp_suppression *why, int span,
		       struct cp_error *err)
{
	char text[REASON_MAX];
	int rc = cp_buf_printf(b, err,
			       "<td colspan=\"%d\"><span class=\"hidden-why\" "
			       "data-m=\"reason\">",
			       span);
	rc = rc ? rc : esc(b, _("Hidden: "), err);

	rc = rc ? rc
		: esc(b, cp_results_reason_text(r, why, text, sizeof(text)),
		      err);
	return rc ? rc : cp_buf_adds(b, "</span></td>", err);
}

static const char *change_words(const struct cp_change *ch, char *buf, size_t n)
{
	const char *t = cp_change_text(ch, buf, n);

	return t ? t : _("no earlier wave");
}

static double to100(double mean)
{
	return (mean - 1.0) / 4.0 * 100.0;
}

/* "Results are shown for groups of at least 5 people." */
static int threshold_note(struct cp_buf *b, const struct cp_results *r,
			  struct cp_error *err)
{
	return escf(b, err,
		    cp_ngettext("Results are shown for groups of at least %d "
				"person.",
				"Results are shown for groups of at least %d "
				"people.",
				(unsigned long)r->threshold),
		    r->threshold);
}

/* ---- the waves list ---- */

/* A wave's status as the page says it, at the start of a sentence. */
static const char *status_words(enum cp_wave_status st)
{
	switch (st) {
	case CP_WAVE_SCHEDULED:
		return _("Scheduled");
	case CP_WAVE_OPEN:
		return _("Open");
	case CP_WAVE_CLOSED:
		return _("Closed");
	case CP_WAVE_CANCELLED:
		return _("Cancelled");
	default:
		return cp_wave_status_name(st);
	}
}

static int wave_heading(struct cp_buf *b, const struct cp_results *r, bool link,
			struct cp_error *err)
{
	char opens[160], closes[160];
	int rc;

	/* In the page's language, on the installation's clocks. */
	if (!cp_when_long(r->wave.opens_at, opens, sizeof(opens)))
		cp_when_format(r->wave.opens_at, opens, sizeof(opens));
	if (!r->wave.closes_at)
		cp_strlcpy(closes, _("not set"), sizeof(closes));
	else if (!cp_when_long(r->wave.closes_at, closes, sizeof(closes)))
		cp_when_format(r->wave.closes_at, closes, sizeof(closes));
	/* In the list a wave is a section (h2); on its own page, the page's
	 * heading (h1). */
	rc = cp_buf_adds(b, link ? "<h2>" : "<h1>", err);
	if (rc == 0 && link)
		rc = cp_buf_printf(b, err, "<a href=\"/portal/waves/%lld\">",
				   (long long)r->wave.id);
	rc = rc ? rc : escf(b, err, _("Wave %lld: "), (long long)r->wave.id);
	rc = rc ? rc
		: esc(b, r->survey ? stext(r->survey, CP_TEXT_TITLE, 0) : "",
		      err);
	rc = rc ? rc : cp_buf_adds(b, link ? "</a></h2>\n" : "</h1>\n", err);
	rc = rc ? rc : cp_buf_adds(b, "<p class=\"note\">", err);
	rc = rc ? rc : esc(b, status_words(r->wave.status), err);
	/* TRANSLATORS: the wave's opening and closing day and time. */
	rc =
	    rc ? rc : escf(b, err, _("; opened %s, closes %s."), opens, closes);
	rc = rc ? rc : cp_buf_addc(b, ' ', err);
	rc = rc ? rc : threshold_note(b, r, err);
	rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	return rc;
}

int page_wave_section(struct cp_buf *b, const struct cp_results *r,
		      const struct wave_team *teams, size_t n, bool hr,
		      bool link_heading, struct cp_error *err)
{
	int rc = wave_heading(b, r, link_heading, err);

	if (rc == 0 && hr && r->scores)
		rc = cp_buf_printf(b, err,
				   "<p><a href=\"/portal/waves/%lld/heatmap\">",
				   (long long)r->wave.id);
	if (rc == 0 && hr && r->scores) {
		rc = esc(b, _("Heat map of every team"), err);
		rc = rc ? rc : cp_buf_adds(b, "</a></p>\n", err);
	}
	rc = rc ? rc
		: cp_buf_adds(b,
			      "<div class=\"table\" tabindex=\"0\" "
			      "role=\"region\" aria-label=\"",
			      err);
	rc = rc ? rc
		: escf(b, err, _("Teams of wave %lld"), (long long)r->wave.id);
	rc = rc ? rc : cp_buf_adds(b, "\"><table><caption>", err);
	rc = rc ? rc
		: escf(b, err, _("Teams you may see in wave %lld"),
		       (long long)r->wave.id);
	rc = rc ? rc
		: cp_buf_printf(b, err,
				"</caption>\n<thead><tr><th scope=\"col\">%s"
				"</th><th scope=\"col\">%s</th><th "
				"scope=\"col\">%s</th></tr></thead>\n"
				"<tbody>\n",
				_("Team"), _("Responses"), _("Response rate"));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct cp_group *g = teams[i].group;
		rc =
		    cp_buf_printf(b, err,
				  "<tr data-team=\"%lld\"><th scope=\"row\">"
				  "<a href=\"/portal/waves/%lld/teams/%lld\">",
				  (long long)teams[i].id, (long long)r->wave.id,
				  (long long)teams[i].id);
		rc = rc ? rc : esc(b, g->name, err);
		rc = rc ? rc
			: esc(b,
			      g->scope == CP_SCOPE_SUBTREE
				  ? _(" (with sub-teams)")
				  : "",
			      err);
		rc = rc ? rc : cp_buf_adds(b, "</a></th>", err);
		if (rc)
			break;
		if (g->suppressed)
			rc = reason_cell(b, r, &g->why, 2, err);
		else {
			rc = num_cell(b, "n", NULL, 0, false,
				      (double)g->answered, "", err);
			if (rc == 0 && g->has_rate)
				rc = cp_buf_printf(
				    b, err,
				    "<td class=\"n\"><span "
				    "data-m=\"response_rate\">%.0f</span>%% ",
				    g->response_rate);
			if (rc == 0 && g->has_rate) {
				/* TRANSLATORS: after a percentage: "80% of
				 * 12" invited. */
				rc = escf(b, err, _("of %lld"),
					  (long long)g->delivered);
				rc = rc ? rc : cp_buf_adds(b, "</td>", err);
			} else if (rc == 0) {
				rc = cp_buf_adds(b, "<td>", err);
				rc = rc ? rc
					: escf(b, err,
					       _("shown once at least %d were "
						 "invited"),
					       r->threshold);
				rc = rc ? rc : cp_buf_adds(b, "</td>", err);
			}
		}
		rc = rc ? rc : cp_buf_adds(b, "</tr>\n", err);
	}
	rc = rc ? rc : cp_buf_adds(b, "</tbody></table></div>\n", err);
	if (rc == 0 && !r->scores)
		rc = cp_buf_adds(b, "<p class=\"note\">", err);
	if (rc == 0 && !r->scores) {
		rc = esc(b,
			 _("This wave is not closed: only the number of "
			   "responses is shown until it closes."),
			 err);
		rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	}
	return rc;
}

/* ---- a team's page ---- */

static bool dim_shown(const struct cp_group *g, size_t d)
{
	return g->dims && !g->dims[d].suppressed;
}

/* Visible dimensions by score, highest first (the report's order of
 * strengths: reports/team.c ranks the same way). */
static size_t rank(const struct cp_results *r, const struct cp_group *g,
		   size_t *order)
{
	size_t n = 0;

	for (size_t d = 0; d < r->survey->ndims; d++) {
		size_t j;
		if (!dim_shown(g, d))
			continue;
		for (j = n;
		     j > 0 && g->dims[order[j - 1]].score < g->dims[d].score;
		     j--)
			order[j] = order[j - 1];
		order[j] = d;
		n++;
	}
	return n;
}

static int strengths(struct cp_buf *b, const struct cp_results *r,
		     const struct cp_group *g, const size_t *order, size_t n,
		     struct cp_error *err)
{
	int rc = cp_buf_printf(b, err, "<h2 id=\"strengths\">%s</h2>\n<p>",
			       _("What is going well"));

	if (n == 0) {
		rc =
		    rc ? rc
		       : esc(b, _("Too few people answered to show strengths."),
			     err);
		return rc ? rc : cp_buf_adds(b, "</p>\n", err);
	}
	rc = rc ? rc
		: esc(b,
		      _("The team's strongest areas this wave: the foundations "
			"to build on."),
		      err);
	rc = rc ? rc : cp_buf_adds(b, "</p>\n<ol>\n", err);
	for (size_t i = 0; rc == 0 && i < n && i < TOP_N; i++) {
		const struct cp_stat *st = &g->dims[order[i]];
		rc = cp_buf_adds(b, "<li><strong>", err);
		rc = rc ? rc
			: esc(b,
			      stext(r->survey, CP_TEXT_DIMENSION_TITLE,
				    order[i]),
			      err);
		rc = rc ? rc : cp_buf_adds(b, "</strong>: ", err);
		rc = rc ? rc
			: escf(b, err, _("score %.0f, %.0f%% favourable"),
			       st->score, st->favourable);
		rc = rc ? rc : cp_buf_adds(b, "</li>\n", err);
	}
	return rc ? rc : cp_buf_adds(b, "</ol>\n", err);
}

/* Whether dimension d is in group: "7c", "behaviour", or NULL for any
 * other (a survey's own groups, the progress item). */
static bool in_group(const struct cp_dimension *d, const char *group)
{
	const char *g = d->group ? d->group : "";

	if (group)
		return strcmp(g, group) == 0;
	return strcmp(g, "7c") != 0 && strcmp(g, "behaviour") != 0;
}

/* Bars on 0-100 with the 95% interval as a whisker; aria-hidden, the
 * table after it has the numbers. */
static int chart(struct cp_buf *b, const struct cp_results *r,
		 const struct cp_group *g, const char *group, bool self,
		 struct cp_error *err)
{
	const struct cp_survey *sv = r->survey;
	size_t rows = 0;
	int rc, y;

	for (size_t d = 0; d < sv->ndims; d++)
		if (in_group(&sv->dims[d], group))
			rows++;
	if (rows == 0)
		return 0;
	rc = cp_buf_printf(b, err,
			   "<svg viewBox=\"0 0 640 %zu\" role=\"img\" "
			   "aria-hidden=\"true\" focusable=\"false\">\n",
			   rows * 34 + 30);
	for (int t = 0; rc == 0 && t <= 100; t += 25)
		rc = cp_buf_printf(b, err,
				   "<line x1=\"%d\" y1=\"0\" x2=\"%d\" "
				   "y2=\"%zu\" stroke=\"#c8c6c0\"/>"
				   "<text x=\"%d\" y=\"%zu\" font-size=\"14\" "
				   "text-anchor=\"middle\" fill=\"#3d3d3d\">"
				   "%d</text>\n",
				   200 + t * 4, 200 + t * 4, rows * 34,
				   200 + t * 4, rows * 34 + 16, t);
	y = 0;
	for (size_t d = 0; rc == 0 && d < sv->ndims; d++) {
		const struct cp_stat *st = &g->dims[d];
		if (!in_group(&sv->dims[d], group))
			continue;
		rc = cp_buf_printf(b, err,
				   "<text x=\"0\" y=\"%d\" font-size=\"17\" "
				   "fill=\"#1b1b1b\">",
				   y + 21);
		rc = rc ? rc
			: esc(b, stext(sv, CP_TEXT_DIMENSION_TITLE, d), err);
		rc = rc ? rc : cp_buf_adds(b, "</text>\n", err);
		if (rc == 0 && !st->suppressed) {
			rc = cp_buf_printf(b, err,
					   "<rect x=\"200\" y=\"%d\" "
					   "width=\"%.1f\" height=\"18\" "
					   "fill=\"#2d6a4f\"/>\n",
					   y + 8, st->score * 4);
			if (rc == 0 && st->has_ci)
				rc = cp_buf_printf(
				    b, err,
				    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
				    "y2=\"%d\" stroke=\"#1b1b1b\" "
				    "stroke-width=\"2\"/>\n",
				    200 + to100(st->ci_low) * 4, y + 17,
				    200 + to100(st->ci_high) * 4, y + 17);
		} else if (rc == 0)
			rc = cp_buf_printf(b, err,
					   "<text x=\"204\" y=\"%d\" "
					   "font-size=\"12\" fill=\"#5c3b00\">"
					   "hidden</text>\n",
					   y + 21);
		if (rc == 0 && self && g->self[d].n > 0)
			rc = cp_buf_printf(
			    b, err,
			    "<circle cx=\"%.1f\" cy=\"%d\" r=\"6\" "
			    "fill=\"#fff\" stroke=\"#8c1d18\" "
			    "stroke-width=\"3\"/>\n",
			    200 + to100(g->self[d].mean) * 4, y + 17);
		y += 34;
	}
	return rc ? rc : cp_buf_adds(b, "</svg>\n", err);
}

static int dim_table(struct cp_buf *b, const struct cp_results *r,
		     const struct cp_group *g, const char *group,
		     const char *caption, bool self, struct cp_error *err)
{
	const struct cp_survey *sv = r->survey;
	char buf[128];
	size_t rows = 0;
	int rc;

	for (size_t d = 0; d < sv->ndims; d++)
		if (in_group(&sv->dims[d], group))
			rows++;
	if (rows == 0)
		return 0;
	rc = cp_buf_adds(
	    b,
	    "<div class=\"table\" tabindex=\"0\" role=\"region\" aria-label=\"",
	    err);

	rc = rc ? rc : esc(b, caption, err);
	rc = rc ? rc : cp_buf_adds(b, "\"><table><caption>", err);
	rc = rc ? rc : esc(b, caption, err);
	rc = rc ? rc
		: cp_buf_printf(b, err,
				"</caption>\n<thead><tr><th scope=\"col\">%s"
				"</th><th scope=\"col\">n</th><th "
				"scope=\"col\">%s</th><th scope=\"col\">%s"
				"</th><th scope=\"col\">%s</th><th "
				"scope=\"col\">%s</th>",
				_("Dimension"), _("Mean (1-5)"),
				_("Score (0-100)"),
				/* xgettext:no-c-format */
				_("% favourable"),
				/* xgettext:no-c-format */
				_("95% interval"));
	if (rc == 0 && self)
		rc = cp_buf_printf(b, err,
				   "<th scope=\"col\">%s</th><th "
				   "scope=\"col\">%s</th>",
				   _("Your own view"), _("Gap"));
	rc = rc ? rc
		: cp_buf_printf(b, err,
				"<th scope=\"col\">%s</th></tr></thead>\n"
				"<tbody>\n",
				_("Change since the last wave"));
	for (size_t d = 0; rc == 0 && d < sv->ndims; d++) {
		const struct cp_stat *st = &g->dims[d];
		const char *id = sv->dims[d].id;
		if (!in_group(&sv->dims[d], group))
			continue;
		rc = cp_buf_adds(b, "<tr><th scope=\"row\">", err);
		rc = rc ? rc
			: esc(b, stext(sv, CP_TEXT_DIMENSION_TITLE, d), err);
		rc = rc ? rc : cp_buf_adds(b, "</th>", err);
		if (rc)
			break;
		if (st->suppressed) {
			rc = reason_cell(b, r, &st->why, 5, err);
			if (rc == 0 && self && g->self[d].n > 0)
				rc = num_cell(b, "self_mean", id, 2, false,
					      g->self[d].mean, "", err);
			else if (rc == 0 && self)
				rc = cp_buf_adds(b, "<td></td>", err);
			if (rc == 0 && self)
				rc = cp_buf_adds(b, "<td></td>", err);
			rc = rc ? rc : cp_buf_adds(b, "<td></td></tr>\n", err);
			continue;
		}
		rc = num_cell(b, "n", id, 0, false, (double)st->n, "", err);
		rc = rc ? rc
			: num_cell(b, "mean", id, 2, false, st->mean, "", err);
		rc =
		    rc ? rc
		       : num_cell(b, "score", id, 0, false, st->score, "", err);
		rc = rc ? rc
			: num_cell(b, "favourable", id, 0, false,
				   st->favourable, "%", err);
		if (rc == 0 && st->has_ci)
			rc = cp_buf_printf(
			    b, err,
			    "<td class=\"n\"><span data-m=\"ci_low\" "
			    "data-d=\"%s\">%.2f</span>&ndash;<span "
			    "data-m=\"ci_high\" data-d=\"%s\">%.2f</span>"
			    "</td>",
			    id, st->ci_low, id, st->ci_high);
		else if (rc == 0)
			rc = cp_buf_adds(b, "<td></td>", err);
		if (rc == 0 && self && g->self[d].n > 0) {
			rc = num_cell(b, "self_mean", id, 2, false,
				      g->self[d].mean, "", err);
			rc = rc ? rc
				: num_cell(b, "self_gap", id, 2, true,
					   g->self_gap[d], "", err);
		} else if (rc == 0 && self)
			rc = cp_buf_adds(b, "<td></td><td></td>", err);
		rc = rc ? rc
			: cp_buf_printf(b, err,
					"<td data-m=\"change\" "
					"data-d=\"%s\">",
					id);
		rc = rc ? rc
			: esc(b,
			      change_words(&g->dim_change[d], buf, sizeof(buf)),
			      err);
		rc = rc ? rc : cp_buf_adds(b, "</td></tr>\n", err);
	}
	return rc ? rc : cp_buf_adds(b, "</tbody></table></div>\n", err);
}

/* One item's answers as a stacked bar, and its counts in a table row. */
static int distributions(struct cp_buf *b, const struct cp_results *r,
			 const struct cp_group *g, struct cp_error *err)
{
	static const char *const fill[CP_SCALE_POINTS] = {
	    "#b3261e", "#e8a39c", "#d6d3cc", "#8fc7a4", "#2d6a4f"};
	const struct cp_survey *sv = r->survey;
	int rc = cp_buf_printf(b, err, "<h2 id=\"answers\">%s</h2>\n<p>",
			       _("How the answers were spread"));

	rc = rc ? rc
		: esc(b,
		      _("For each statement, how many people chose each point "
			"of the scale (1: strongly disagree, 5: strongly "
			"agree), after reverse-scored statements were turned "
			"round."),
		      err);
	rc = rc ? rc
		: wrap(b,
		       "</p>\n<div class=\"table\" tabindex=\"0\" "
		       "role=\"region\" aria-label=\"",
		       _("Answers per statement"), "\"><table><caption>", err);
	rc = rc ? rc : esc(b, _("Answers per statement"), err);
	rc = rc ? rc
		: cp_buf_printf(
		      b, err,
		      "</caption>\n<thead><tr><th scope=\"col\">%s</th>"
		      "<th scope=\"col\">%s</th><th scope=\"col\">1</th><th "
		      "scope=\"col\">2</th><th scope=\"col\">3</th><th "
		      "scope=\"col\">4</th><th scope=\"col\">5</th></tr>"
		      "</thead>\n<tbody>\n",
		      _("Statement"), _("Spread"));

	for (size_t i = 0; rc == 0 && g->items && i < sv->nitems; i++) {
		const struct cp_stat *st = &g->items[i];
		const char *id = sv->items[i].id;
		double x = 0;
		rc = cp_buf_adds(b, "<tr><th scope=\"row\">", err);
		rc = rc ? rc : esc(b, stext(sv, CP_TEXT_ITEM, i), err);
		rc = rc ? rc : cp_buf_adds(b, "</th>", err);
		if (rc)
			break;
		if (st->suppressed || !st->has_dist || st->answers == 0) {
			rc = reason_cell(b, r, &st->why, 6, err);
			rc = rc ? rc : cp_buf_adds(b, "</tr>\n", err);
			continue;
		}
		rc = cp_buf_adds(b,
				 "<td><svg viewBox=\"0 0 200 16\" "
				 "aria-hidden=\"true\" focusable=\"false\" "
				 "width=\"200\" height=\"16\">",
				 err);
		for (int v = 0; rc == 0 && v < CP_SCALE_POINTS; v++) {
			double w =
			    200.0 * (double)st->dist[v] / (double)st->answers;
			rc = cp_buf_printf(b, err,
					   "<rect x=\"%.1f\" y=\"0\" "
					   "width=\"%.1f\" height=\"16\" "
					   "fill=\"%s\"/>",
					   x, w, fill[v]);
			x += w;
		}
		rc = rc ? rc : cp_buf_adds(b, "</svg></td>", err);
		for (int v = 0; rc == 0 && v < CP_SCALE_POINTS; v++) {
			char m[16];
			snprintf(m, sizeof(m), "count_%d", v + 1);
			rc = num_cell(b, m, id, 0, false, (double)st->dist[v],
				      "", err);
		}
		rc = rc ? rc : cp_buf_adds(b, "</tr>\n", err);
	}
	return rc ? rc : cp_buf_adds(b, "</tbody></table></div>\n", err);
}

static int comments(struct cp_buf *b, const struct cp_results *r,
		    const struct cp_group *g, struct cp_error *err)
{
	int rc = cp_buf_printf(b, err, "<h2 id=\"comments\">%s</h2>\n",
			       _("In the team's words"));

	if (!g->comments_shown || g->ncomments == 0) {
		rc = rc ? rc : cp_buf_adds(b, "<p>", err);
		if (rc == 0 && !g->comments_shown)
			rc = escf(
			    b, err,
			    cp_ngettext("Written comments are shown only when "
					"at least %d person answered (and no "
					"smaller group could be worked out "
					"from them); this group's are not "
					"shown.",
					"Written comments are shown only when "
					"at least %d people answered (and no "
					"smaller group could be worked out "
					"from them); this group's are not "
					"shown.",
					(unsigned long)r->comment_threshold),
			    r->comment_threshold);
		else if (rc == 0)
			rc = esc(b, _("Nobody wrote a comment."), err);
		return rc ? rc : cp_buf_adds(b, "</p>\n", err);
	}
	for (size_t i = 0; rc == 0 && i < g->ncomments; i++) {
		rc = cp_buf_adds(b, "<blockquote>", err);
		rc = rc ? rc : esc(b, g->comments[i].text, err);
		rc = rc ? rc : cp_buf_adds(b, "</blockquote>\n", err);
	}
	return rc;
}

static int trend(struct cp_buf *b, const struct team_view *v,
		 struct cp_error *err)
{
	const struct cp_results *r = v->r;
	const struct cp_survey *sv = r->survey;
	int rc;

	if (v->nbefore == 0)
		return 0;
	rc = cp_buf_printf(b, err,
			   "<h2 id=\"trend\">%s</h2>\n<div class=\"table\" "
			   "tabindex=\"0\" role=\"region\" aria-label=\"%s\">"
			   "<table><caption>%s</caption>\n"
			   "<thead><tr><th scope=\"col\">%s</th>",
			   _("Over time"), _("Score per wave"),
			   _("Score (0-100) per wave"), _("Dimension"));
	for (size_t w = 0; rc == 0 && w <= v->nbefore; w++) {
		const struct cp_results *x = w < v->nbefore ? v->before[w] : r;
		rc = cp_buf_adds(b, "<th scope=\"col\">", err);
		rc = rc ? rc
			: escf(b, err, _("Wave %lld"), (long long)x->wave.id);
		rc = rc ? rc : cp_buf_adds(b, "</th>", err);
	}
	rc = rc ? rc : cp_buf_adds(b, "</tr></thead>\n<tbody>\n", err);
	for (size_t d = 0; rc == 0 && d < sv->ndims; d++) {
		rc = cp_buf_adds(b, "<tr><th scope=\"row\">", err);
		rc = rc ? rc
			: esc(b, stext(sv, CP_TEXT_DIMENSION_TITLE, d), err);
		rc = rc ? rc : cp_buf_adds(b, "</th>", err);
		for (size_t w = 0; rc == 0 && w <= v->nbefore; w++) {
			const struct cp_results *x =
			    w < v->nbefore ? v->before[w] : r;
			const struct cp_group *g =
			    cp_results_group(x, v->g->scope, v->team_id);
			size_t dd = d;
			/* The same dimension by id in that wave's survey. */
			if (x->survey != sv) {
				dd = (size_t)-1;
				for (size_t k = 0;
				     x->survey && k < x->survey->ndims; k++)
					if (strcmp(x->survey->dims[k].id,
						   sv->dims[d].id) == 0)
						dd = k;
			}
			if (g && g->dims && dd != (size_t)-1 &&
			    !g->dims[dd].suppressed)
				rc = cp_buf_printf(b, err,
						   "<td class=\"n\">%.0f</td>",
						   g->dims[dd].score);
			else
				rc = cp_buf_printf(b, err, "<td>%s</td>",
						   _("hidden"));
		}
		rc = rc ? rc : cp_buf_adds(b, "</tr>\n", err);
	}
	return rc ? rc : cp_buf_adds(b, "</tbody></table></div>\n", err);
}

static int workshop(struct cp_buf *b, const struct cp_results *r,
		    const size_t *order, size_t n, struct cp_error *err)
{
	int rc = cp_buf_printf(b, err,
			       "<h2 id=\"workshop\">%s</h2>\n<ul "
			       "class=\"plain\">\n<li>",
			       _("Questions for the workshop"));

	rc = rc ? rc
		: esc(b,
		      _("When we are at our best as a team, what does it look "
			"like?"),
		      err);
	rc = rc ? rc : cp_buf_adds(b, "</li>\n", err);
	if (n > 0) {
		rc = rc ? rc : cp_buf_adds(b, "<li>", err);
		/* TRANSLATORS: %s is a dimension's title ("Attending"). */
		rc = rc ? rc
			: esc_arg(b,
				  _("Which of our strengths, such as %s, would "
				    "we like to use more?"),
				  stext(r->survey, CP_TEXT_DIMENSION_TITLE,
					order[0]),
				  err);
		rc = rc ? rc : cp_buf_adds(b, "</li>\n", err);
	}
	for (size_t i = n > TOP_N ? n - 2 : n; rc == 0 && i < n; i++) {
		rc = cp_buf_adds(b, "<li>", err);
		/* TRANSLATORS: %s is a dimension's title ("Attending"). */
		rc = rc ? rc
			: esc_arg(b,
				  _("What would it look like if %s were one of "
				    "our strengths, and what is one small step "
				    "towards it?"),
				  stext(r->survey, CP_TEXT_DIMENSION_TITLE,
					order[i]),
				  err);
		rc = rc ? rc : cp_buf_adds(b, "</li>\n", err);
	}
	return rc ? rc : cp_buf_adds(b, "</ul>\n", err);
}

static int downloads(struct cp_buf *b, const struct team_view *v,
		     struct cp_error *err)
{
	long long w = (long long)v->r->wave.id, t = (long long)v->team_id;
	int rc = cp_buf_printf(b, err,
			       "<h2 id=\"downloads\">%s</h2>\n"
			       "<ul class=\"plain\">\n",
			       _("Downloads"));

	if (rc == 0 && v->pdf && v->r->scores)
		rc = cp_buf_printf(b, err,
				   "<li><a href=\"/portal/waves/%lld/teams/%lld"
				   "/report.pdf\">%s</a></li>\n",
				   w, t, _("Team report (PDF)"));
	if (rc == 0 && v->export)
		rc = cp_buf_printf(
		    b, err,
		    "<li><a href=\"/portal/waves/%lld/teams/%lld/results.csv"
		    "\">%s</a></li>\n<li><a href=\"/portal/waves/"
		    "%lld/teams/%lld/results.json\">%s</a></li>\n",
		    w, t, _("Results (CSV)"), w, t, _("Results (JSON)"));
	return rc ? rc : cp_buf_adds(b, "</ul>\n", err);
}

/* A heading, a chart and a table of group's dimensions, when it has any. */
static int measures(struct cp_buf *b, const struct cp_results *r,
		    const struct cp_group *g, const char *group,
		    const char *heading, const char *caption, bool self,
		    struct cp_error *err)
{
	bool any = false;
	int rc;

	for (size_t d = 0; d < r->survey->ndims; d++)
		any = any || in_group(&r->survey->dims[d], group);
	if (!any)
		return 0;
	rc = cp_buf_adds(b, "<h3>", err);
	rc = rc ? rc : esc(b, heading, err);
	rc = rc ? rc : cp_buf_adds(b, "</h3>\n", err);
	rc = rc ? rc : chart(b, r, g, group, self, err);
	return rc ? rc : dim_table(b, r, g, group, caption, self, err);
}

/* What the team agreed after an earlier wave (core/action), as the team
 * report shows it after the strengths. */
static int last_time(struct cp_buf *b, const struct team_view *v,
		     struct cp_error *err)
{
	char day[80];
	int rc;

	if (v->nactions == 0)
		return 0;
	rc = cp_buf_printf(b, err, "<h2 id=\"agreed\">%s</h2>\n<p>",
			   _("What we agreed last time"));
	rc = rc ? rc
		: escf(b, err, _("After wave %lld the team agreed:"),
		       (long long)v->actions_from);
	rc = rc ? rc : cp_buf_adds(b, "</p>\n<ul>\n", err);
	for (size_t i = 0; rc == 0 && i < v->nactions; i++) {
		const struct cp_action *a = &v->actions[i];
		rc = cp_buf_adds(b, "<li>", err);
		rc = rc ? rc : esc(b, a->text, err);
		if (rc == 0 && a->owner[0]) {
			rc = cp_buf_adds(b, " (", err);
			rc = rc ? rc : esc(b, a->owner, err);
			rc = rc ? rc : cp_buf_adds(b, ")", err);
		}
		if (rc == 0 && a->review_at) {
			if (!cp_when_day_long(a->review_at, day, sizeof(day)))
				cp_when_date(a->review_at, day, sizeof(day));
			/* TRANSLATORS: %s is the day of the review. */
			rc = escf(b, err, _("; review %s"), day);
		}
		rc = rc ? rc
			: esc(b, a->done_at ? _("; done") : _("; open"), err);
		rc = rc ? rc : cp_buf_adds(b, "</li>\n", err);
	}
	return rc ? rc : cp_buf_adds(b, "</ul>\n", err);
}

int page_team(struct cp_buf *b, const struct team_view *v, struct cp_error *err)
{
	const struct cp_results *r = v->r;
	const struct cp_group *g = v->g;
	size_t order[64], n = 0;
	char reason[REASON_MAX];
	int rc;

	rc = cp_buf_adds(b, "<h1>", err);
	rc = rc ? rc : esc(b, g->name, err);
	rc =
	    rc ? rc
	       : esc(b,
		     g->scope == CP_SCOPE_SUBTREE ? _(" (with sub-teams)") : "",
		     err);
	rc = rc ? rc : escf(b, err, _(": wave %lld"), (long long)r->wave.id);
	rc = rc ? rc : cp_buf_adds(b, "</h1>\n<p class=\"card\">", err);
	if (rc == 0 && g->suppressed) {
		rc = cp_buf_adds(b,
				 "<span class=\"hidden-why\" "
				 "data-m=\"reason\">",
				 err);
		rc = rc ? rc : esc(b, _("Results hidden: "), err);
		rc = rc ? rc
			: esc(b,
			      cp_results_reason_text(r, &g->why, reason,
						     sizeof(reason)),
			      err);
		rc = rc ? rc : cp_buf_adds(b, "</span>. ", err);
		rc = rc ? rc : threshold_note(b, r, err);
		rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
		rc = rc ? rc : downloads(b, v, err);
		return rc;
	}
	rc = rc ? rc
		: cp_buf_printf(b, err, "<span data-m=\"n\">%lld</span> ",
				(long long)g->answered);
	rc = rc ? rc
		: esc(b,
		      cp_ngettext("response", "responses",
				  (unsigned long)g->answered),
		      err);
	if (rc == 0 && g->has_rate) {
		rc = cp_buf_printf(b, err,
				   ", <span data-m=\"response_rate\">%.0f"
				   "</span>%% ",
				   g->response_rate);
		/* TRANSLATORS: after a percentage: "80% of 12 invited". */
		rc = rc ? rc
			: escf(b, err,
			       cp_ngettext("of %lld invited", "of %lld invited",
					   (unsigned long)g->delivered),
			       (long long)g->delivered);
	}
	rc = rc ? rc : cp_buf_adds(b, ". ", err);
	rc = rc ? rc : threshold_note(b, r, err);
	rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	if (rc == 0 && !r->scores) {
		rc = cp_buf_adds(b, "<p>", err);
		rc = rc ? rc
			: esc(b,
			      _("This wave is not closed yet: only the number "
				"of responses is shown until it closes."),
			      err);
		return rc ? rc : cp_buf_adds(b, "</p>\n", err);
	}
	if (rc)
		return rc;
	if (r->survey->ndims <= 64)
		n = rank(r, g, order);
	rc = strengths(b, r, g, order, n, err);
	rc = rc ? rc : last_time(b, v, err);
	rc = rc ? rc
		: cp_buf_printf(b, err, "<h2 id=\"dimensions\">%s</h2>\n<p>",
				_("The 7 C's and the four behaviours"));
	rc = rc ? rc
		: esc(b,
		      /* xgettext:no-c-format */
		      _("Score 0-100 is the mean on the 1-5 scale taken to "
			"0-100; the line across each bar is its 95% interval."),
		      err);
	rc = rc ? rc : cp_buf_adds(b, v->self ? " " : "", err);
	rc =
	    rc ? rc
	       : esc(b,
		     v->self ? _("The ring is your own view (self-assessment), "
				 "shown only to you.")
			     : "",
		     err);
	rc = rc ? rc : cp_buf_adds(b, "</p>\n", err);
	rc = rc ? rc
		: measures(b, r, g, "7c", _("The 7 C's"),
			   _("The 7 C's of compassionate leaders"), v->self,
			   err);
	rc = rc ? rc
		: measures(b, r, g, "behaviour", _("The four behaviours"),
			   _("The four behaviours of compassionate leadership"),
			   v->self, err);
	rc = rc ? rc
		: measures(b, r, g, NULL, _("Other measures"),
			   _("Other measures of this survey"), v->self, err);
	rc = rc ? rc : trend(b, v, err);
	rc = rc ? rc : distributions(b, r, g, err);
	rc = rc ? rc : comments(b, r, g, err);
	rc = rc ? rc : workshop(b, r, order, n, err);
	return rc ? rc : downloads(b, v, err);
}

/* ---- HR's heat map ---- */

static const char *band(double score)
{
	return score < 50   ? "h0"
	       : score < 60 ? "h1"
	       : score < 70 ? "h2"
	       : score < 80 ? "h3"
			    : "h4";
}

int page_heatmap(struct cp_buf *b, const struct cp_results *r,
		 struct cp_error *err)
{
	const struct cp_survey *sv = r->survey;
	char label[300], buf[96];
	int rc = cp_buf_adds(b, "<h1>", err);

	rc = rc ? rc
		: escf(b, err, _("Heat map: wave %lld"), (long long)r->wave.id);
	rc = rc ? rc : cp_buf_adds(b, "</h1>\n<p>", err);
	rc = rc ? rc
		: esc(b,
		      _("Every group in the order of the organisation chart: "
			"score 0-100 per dimension, and the change since each "
			"group's previous wave. Colours go from under 50 (red) "
			"to 80 and over (green); the numbers say the same."),
		      err);
	rc = rc ? rc
		: cp_buf_printf(
		      b, err,
		      "</p>\n<div class=\"table\" tabindex=\"0\" "
		      "role=\"region\" aria-label=\"%s\"><table><caption>%s"
		      "</caption>\n<thead><tr><th scope=\"col\">%s</th><th "
		      "scope=\"col\">%s</th><th scope=\"col\">%s</th>",
		      _("Scores by group"), _("Scores by group"), _("Group"),
		      _("Responses"), _("Rate"));

	for (size_t d = 0; rc == 0 && d < sv->ndims; d++) {
		rc = cp_buf_adds(b, "<th scope=\"col\">", err);
		rc = rc ? rc
			: esc(b, stext(sv, CP_TEXT_DIMENSION_TITLE, d), err);
		rc = rc ? rc : cp_buf_adds(b, "</th>", err);
	}
	rc = rc ? rc : cp_buf_adds(b, "</tr></thead>\n<tbody>\n", err);
	for (size_t i = 0; rc == 0 && i < r->ngroups; i++) {
		const struct cp_group *g = &r->groups[i];
		rc = cp_buf_printf(b, err,
				   "<tr data-group=\"%s:%lld\"><th "
				   "scope=\"row\">",
				   cp_scope_name(g->scope),
				   (long long)g->team_id);
		for (int k = 1; rc == 0 && k < g->depth; k++)
			rc = cp_buf_adds(b, "&nbsp;&nbsp;", err);
		rc =
		    rc ? rc
		       : esc(b, cp_results_group_label(g, label, sizeof(label)),
			     err);
		rc = rc ? rc : cp_buf_adds(b, "</th>", err);
		if (rc)
			break;
		if (g->suppressed) {
			rc =
			    reason_cell(b, r, &g->why, (int)sv->ndims + 2, err);
			rc = rc ? rc : cp_buf_adds(b, "</tr>\n", err);
			continue;
		}
		rc = num_cell(b, "n", NULL, 0, false, (double)g->answered, "",
			      err);
		if (rc == 0 && g->has_rate)
			rc = num_cell(b, "response_rate", NULL, 0, false,
				      g->response_rate, "%", err);
		else if (rc == 0)
			rc = cp_buf_adds(b, "<td></td>", err);
		for (size_t d = 0; rc == 0 && d < sv->ndims; d++) {
			const struct cp_stat *st = &g->dims[d];
			const struct cp_change *ch = &g->dim_change[d];
			if (st->suppressed) {
				rc = reason_cell(b, r, &st->why, 1, err);
				continue;
			}
			rc = cp_buf_printf(
			    b, err,
			    "<td class=\"n %s\"><span data-m=\"score\" "
			    "data-d=\"%s\">%.0f</span>",
			    band(st->score), sv->dims[d].id, st->score);
			if (rc == 0 && (ch->status == CP_CHANGE_UP ||
					ch->status == CP_CHANGE_DOWN))
				rc = cp_buf_printf(
				    b, err, "<br><small>%s</small>",
				    change_words(ch, buf, sizeof(buf)));
			rc = rc ? rc : cp_buf_adds(b, "</td>", err);
		}
		rc = rc ? rc : cp_buf_adds(b, "</tr>\n", err);
	}
	return rc ? rc : cp_buf_adds(b, "</tbody></table></div>\n", err);
}
