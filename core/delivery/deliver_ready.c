/*
 * deliver_ready.c - the results-ready mail (issue 13): once a wave has
 * closed, every viewer who may see one of its teams is told, once, that
 * its results are ready, with a link to the portal's sign-in page and no
 * number from the results.
 *
 * The mails of a wave are queued at the first run after it closed
 * (cp_access_ready_queue: one row per viewer and wave), then each goes as
 * invitations do: marked sending and committed before the peer sees it,
 * sent after. A run killed at any moment and run again sends each mail
 * once, except at most the one in flight at the kill, which goes again
 * with the same Message-ID.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "deliver_int.h"
#include "i18n.h"
#include "json_load.h"
#include "mail.h"
#include "store.h"
#include "survey.h"
#include "text.h"

#define READY_MAX_ATTEMPTS 5 /* runs that try one mail before giving up */
#define READY_MESSAGE_MAX  (64u * 1024u)

/* What sending one wave's mails needs, loaded on its first mail. */
struct ready_wave {
	int64_t id;
	char channel[16]; /* the personal channel: email, webhook, outbox */
	struct cp_survey *survey; /* its title in each person's language */
	struct cp_channel ch;
	int have_channel;
};

struct ready_run {
	struct cp_store *st;
	const struct cp_send_options *o;
	struct cp_ready_report *r;
	char from[512];
	char domain[256];
	char link[2100];
	long timeout;
	const struct cp_lang *default_lang; /* setting "language" */
	struct ready_wave w;
};

static int setting(struct cp_store *st, const char *key, char *out, size_t n,
		   struct cp_error *err)
{
	char *v = NULL;
	int rc = cp_config_get(st, key, &v, NULL, err);

	if (rc == 0 && v && strlen(v) >= n)
		rc = cp_error_set(err, CP_EDATA, N_("setting '%s' is too long"),
				  key);
	else if (rc == 0)
		cp_strlcpy(out, v ? v : "", n);
	free(v);
	return rc;
}

/* The settings every mail uses: sender, the portal's link, timeout. */
static int run_settings(struct ready_run *run, struct cp_error *err)
{
	char base[2048], addr[512], *at;
	size_t n;
	int rc;

	rc = setting(run->st, "base_url", base, sizeof(base), err);
	rc = rc ? rc
		: setting(run->st, "mail.from", run->from, sizeof(run->from),
			  err);
	rc =
	    rc ? rc
	       : cp_config_get_int(run->st, "send.timeout", &run->timeout, err);
	rc = rc ? rc : setting(run->st, "language", addr, sizeof(addr), err);
	if (rc == 0 && addr[0] && cp_lang_check(addr, err))
		rc = cp_error_prefix(
		    err,
		    /* TRANSLATORS: %s is the setting's name, as written. */
		    cp_gettext_error(N_("setting %s")), "language");
	if (rc)
		return rc;
	run->default_lang = cp_lang_find(addr);
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		base[--n] = '\0';
	snprintf(run->link, sizeof(run->link), "%s/portal/", base);
	if (run->from[0] == '\0')
		cp_strlcpy(run->from, "carepulse <carepulse@carepulse.invalid>",
			   sizeof(run->from));
	if ((rc = cp_mail_address(run->from, addr, sizeof(addr), err)))
		return cp_error_prefix(err, "mail.from");
	at = strrchr(addr, '@');
	cp_strlcpy(run->domain, at ? at + 1 : "localhost", sizeof(run->domain));
	return 0;
}

static void wave_release(struct ready_wave *w)
{
	if (w->have_channel)
		w->ch.close(w->ch.self);
	cp_survey_free(w->survey);
	memset(w, 0, sizeof(*w));
}

/* Loads wave's channel and survey title, when it is not the current one,
 * and opens its channel (a dry run only checks the settings). */
static int wave_load(struct ready_run *run, int64_t wave, struct cp_error *err)
{
	struct ready_wave *w = &run->w;
	struct cp_wave wv;
	int rc, dry = run->o && run->o->dry_run;

	if (w->id == wave)
		return 0;
	wave_release(w);
	w->id = wave;
	if ((rc = cp_store_wave_get(run->st, wave, &wv, err)))
		return rc;
	cp_strlcpy(w->channel, wv.channel, sizeof(w->channel));
	if (strcmp(wv.channel, "slack") == 0 ||
	    strcmp(wv.channel, "teams") == 0)
		rc = setting(run->st, "chat.invitations", w->channel,
			     sizeof(w->channel), err);
	rc =
	    rc ? rc
	       : cp_survey_fetch(&w->survey, run->st, NULL, wv.survey_ref, err);
	if (rc)
		return rc;
	if (strcmp(w->channel, "email") == 0)
		rc = dry ? 0 : cp_smtp_open(&w->ch, run->st, run->timeout, err);
	else if (strcmp(w->channel, "webhook") == 0)
		rc = dry ? 0
			 : cp_webhook_open(&w->ch, run->st, run->timeout, err);
	else if (strcmp(w->channel, "outbox") == 0)
		rc = cp_outbox_open(&w->ch, run->st, dry, err);
	else
		return cp_error_set(err, CP_EUSAGE, N_("unknown channel '%s'"),
				    w->channel);
	w->have_channel =
	    rc == 0 && (!dry || strcmp(w->channel, "outbox") == 0);
	if (rc == 0 && !dry)
		rc = cp_store_relax_durability(run->st, err);
	return rc;
}

/* The mail's language: the roster's for a viewer on it, else the
 * setting "language". */
static const struct cp_lang *ready_lang(const struct ready_run *run,
					const struct cp_ready_mail *m)
{
	char own[16];
	const struct cp_lang *l = NULL;

	if (cp_store_member_language(run->st, m->email, own, sizeof(own),
				     NULL) == 0)
		l = cp_lang_find(own);
	return cp_lang_effective(l ? l : run->default_lang);
}

/* Appends the printf-style text to both bodies: as is to text, escaped
 * to html. */
static int both_printf(struct cp_buf *text, struct cp_buf *html,
		       struct cp_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int both_printf(struct cp_buf *text, struct cp_buf *html,
		       struct cp_error *err, const char *fmt, ...)
{
	char one[2048];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(one, sizeof(one), fmt, ap);
	va_end(ap);
	rc = cp_buf_adds(text, one, err);
	return rc ? rc : cp_html_escape(html, one, err);
}

/* The mail's text and HTML in the calling thread's language: the
 * survey's title, the portal's sign-in page, never a figure from the
 * results. */
static int ready_text(const struct ready_run *run,
		      const struct cp_ready_mail *m, const struct cp_lang *l,
		      struct cp_buf *text, struct cp_buf *html,
		      struct cp_error *err)
{
	const char *title =
	    cp_survey_text(run->w.survey, CP_TEXT_TITLE, 0, l->code);
	int rc;

	rc = cp_mail_html_open(html, l->code, l->dir, err);
	rc = rc ? rc : cp_buf_adds(html, "<p>", err);
	if (rc == 0 && m->name[0])
		/* TRANSLATORS: a mail's greeting; %s is the person's name. */
		rc = both_printf(text, html, err, _("Dear %s,"), m->name);
	else if (rc == 0)
		rc = both_printf(text, html, err, "%s", _("Hello,"));
	rc = rc ? rc : cp_buf_adds(text, "\n\n", err);
	rc = rc ? rc : cp_buf_adds(html, "</p><p>", err);
	/* TRANSLATORS: %s is the survey's title. */
	rc = rc ? rc
		: both_printf(text, html, err,
			      _("The results of \"%s\" are ready. Sign in to "
				"the results portal to see those of the teams "
				"you have access to:"),
			      title);
	rc = rc ? rc : cp_buf_printf(text, err, "\n\n%s\n\n", run->link);
	rc = rc ? rc : cp_buf_adds(html, "</p><p><a href=\"", err);
	rc = rc ? rc : cp_html_escape(html, run->link, err);
	rc = rc ? rc : cp_buf_adds(html, "\">", err);
	rc = rc ? rc : cp_html_escape(html, run->link, err);
	rc = rc ? rc : cp_buf_adds(html, "</a></p><p>", err);
	rc = rc ? rc
		: both_printf(text, html, err, "%s",
			      _("Type your e-mail address there and carepulse "
				"sends you a personal sign-in link. This "
				"message holds no results."));
	rc = rc ? rc : cp_buf_adds(text, "\n", err);
	rc = rc ? rc : cp_buf_adds(html, "</p>\n" CP_MAIL_HTML_CLOSE, err);
	return rc;
}

/* The whole message of m for the wave's channel into out. */
static int ready_build(const struct ready_run *run,
		       const struct cp_ready_mail *m, struct cp_buf *out,
		       struct cp_error *err)
{
	struct cp_buf text, html;
	char subject[400], message_id[400];
	const struct cp_lang *l = ready_lang(run, m);
	locale_t prev = cp_lang_use(l);
	int rc;

	cp_buf_init(&text, READY_MESSAGE_MAX);
	cp_buf_init(&html, READY_MESSAGE_MAX);
	/* TRANSLATORS: a mail's subject; %s is the survey's title. */
	snprintf(subject, sizeof(subject), _("Results are ready: %s"),
		 cp_survey_text(run->w.survey, CP_TEXT_TITLE, 0, l->code));
	snprintf(message_id, sizeof(message_id), "<ready-%s@%s>", m->message_id,
		 run->domain);
	rc = ready_text(run, m, l, &text, &html, err);
	cp_lang_end(prev);
	if (rc == 0 && strcmp(run->w.channel, "webhook") == 0) {
		/* json_pack "s" copies the strings. */
		json_t *o =
		    json_pack("{s:s, s:{s:I, s:s, s:s, s:s, s:s, s:s, s:s}}",
			      "type", "results.ready", "data", "wave",
			      (json_int_t)m->wave_id, "email", m->email, "name",
			      m->name, "link", run->link, "subject", subject,
			      "text", cp_buf_str(&text), "language", l->code);
		char *s =
		    o ? cp_json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		rc = s ? cp_buf_adds(out, s, err)
		       : cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		free(s);
		json_decref(o);
	} else if (rc == 0) {
		struct cp_mail mail = {
		    .from = run->from,
		    .to_name = m->name,
		    .to_addr = m->email,
		    .subject = subject,
		    .text = cp_buf_str(&text),
		    .html = cp_buf_str(&html),
		    .message_id = message_id,
		    .date = cp_store_now(),
		    .language = l->code,
		};
		rc = cp_mail_build(out, &mail, err);
	}
	cp_buf_release(&text);
	cp_buf_release(&html);
	return rc;
}

/* Sends one mail; CP_EUNAVAIL when the peer cannot be used at all. */
static int ready_one(struct ready_run *run, const struct cp_ready_mail *m,
		     struct cp_buf *msg, struct cp_error *err)
{
	struct cp_outgoing out;
	struct cp_attempt a;
	char file[128];
	int rc;

	cp_buf_reset(msg);
	if ((rc = wave_load(run, m->wave_id, err)) ||
	    (rc = ready_build(run, m, msg, err)))
		return rc;
	if (run->o && run->o->dry_run) {
		run->r->sent++;
		return 0;
	}
	snprintf(file, sizeof(file), "wave-%lld-ready-%lld.eml",
		 (long long)m->wave_id, (long long)m->viewer_id);
	memset(&out, 0, sizeof(out));
	out.to_addr = m->email;
	out.mime = cp_buf_str(msg);
	out.mime_len = msg->len;
	out.json = cp_buf_str(msg);
	out.id = m->message_id;
	out.file = file;
	memset(&a, 0, sizeof(a));
	/* Committed before the peer sees anything: a kill after this
	 * leaves 'sending', which the next run sends again. */
	if ((rc = cp_store_ready_set(run->st, m->wave_id, m->viewer_id,
				     "sending", NULL, cp_store_now(), err)))
		return rc;
	run->w.ch.send(run->w.ch.self, &out, &a);
	if (a.outcome == CP_OUT_TRANSIENT && a.peer_down)
		a.outcome = CP_OUT_UNAVAILABLE;
	switch (a.outcome) {
	case CP_OUT_SENT:
		run->r->sent++;
		return cp_store_ready_set(run->st, m->wave_id, m->viewer_id,
					  "sent", NULL, cp_store_now(), err);
	case CP_OUT_TRANSIENT:
	case CP_OUT_PERMANENT:
		run->r->failed++;
		return cp_store_ready_set(run->st, m->wave_id, m->viewer_id,
					  "failed", a.reason, cp_store_now(),
					  err);
	case CP_OUT_UNAVAILABLE:
	default:
		/* Nothing reached the peer: back to pending, then stop. */
		cp_store_ready_set(run->st, m->wave_id, m->viewer_id, "pending",
				   a.reason, cp_store_now(), NULL);
		return cp_error_set(err, CP_EUNAVAIL, "%s: %s", run->w.ch.name,
				    a.reason);
	}
}

int cp_deliver_ready_run(struct cp_store *st, const struct cp_send_options *o,
			 struct cp_ready_report *r, struct cp_error *err)
{
	struct cp_ready_mail *m = NULL;
	struct ready_run run;
	struct cp_buf msg;
	size_t n = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&run, 0, sizeof(run));
	run.st = st;
	run.o = o;
	run.r = r;
	rc = cp_access_ready_queue(st, cp_store_now(), &r->waves, err);
	rc = rc ? rc
		: cp_store_ready_unsent(st, 0, READY_MAX_ATTEMPTS, &m, &n, err);
	r->todo = n;
	/* A run with nothing to send needs no settings and no peer. */
	if (rc == 0 && n > 0)
		rc = run_settings(&run, err);
	cp_buf_init(&msg, READY_MESSAGE_MAX * 4);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = ready_one(&run, &m[i], &msg, err);
	cp_buf_release(&msg);
	wave_release(&run.w);
	free(m);
	return rc;
}
