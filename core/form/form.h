/*
 * form.h - the pages a team member sees: the survey form (server-side
 * HTML that works without JavaScript, accessible, on a phone), and the
 * short pages for thank-you, a used or unknown link, a closed wave. Every
 * value from the survey or the person is escaped. The pages carry their
 * own inline style and nothing else; cp_form_csp gives the policy that
 * allows exactly that style.
 */
#ifndef CP_FORM_H
#define CP_FORM_H

#include "answers.h"
#include "buf.h"
#include "error.h"
#include "i18n.h"
#include "store.h"
#include "survey.h"

struct cp_form {
	const struct cp_survey *survey; /* the wave's pinned definition */
	const struct cp_wave *wave;
	int self;			  /* a leader's self-assessment */
	int threshold;			  /* the reporting threshold in force */
	int comment_threshold;		  /* the comments' threshold in force */
	const struct cp_answers *entered; /* NULL: a fresh form */
	/* Whom the answers are about: the team the invitation counts for
	 * and its leaders' names, one per line (cp_store_team_about); NULL
	 * when unknown. */
	const char *team;
	const char *leaders;
	/* The page's language (NULL: English); lang_chosen: picked with
	 * the language switch, so the form posts back with it. */
	const struct cp_lang *lang;
	int lang_chosen;
};

/* Appends the whole form page to b; with entered answers that have
 * problems, they are shown again with each problem marked. Its text is
 * in the thread's language (cp_lang_use(f->lang) first), its dates in the
 * installation's time zone. */
int cp_form_render(struct cp_buf *b, const struct cp_form *f,
		   struct cp_error *err);

/*
 * Appends a short page: a heading and one paragraph (both escaped), in
 * lang (NULL: English) with its lang and dir. The caller translates title
 * and text (the page is rendered in the thread's language: cp_lang_use).
 */
int cp_form_message(struct cp_buf *b, const struct cp_lang *lang,
		    const char *title, const char *text, struct cp_error *err);

/* The Content-Security-Policy for a page whose only style is css (len
 * bytes, allowed by its hash) and which has no script, into out. */
void cp_form_csp_of(const char *css, size_t len, char *out, size_t n);

/* Appends the thank-you page: saved, and when and how results will be
 * shared (the wave's closing date; wave may be NULL). In lang (NULL:
 * English), rendered in the thread's language (cp_lang_use). */
int cp_form_thanks(struct cp_buf *b, const struct cp_lang *lang,
		   const struct cp_wave *wave, struct cp_error *err);

/* Appends the page of a one-click "no more reminders" link: what it
 * does, and a button that posts to the same address. In lang as above. */
int cp_form_stop_page(struct cp_buf *b, const struct cp_lang *lang,
		      struct cp_error *err);

/* The Content-Security-Policy header value for these pages; static. */
const char *cp_form_csp(void);

#endif
