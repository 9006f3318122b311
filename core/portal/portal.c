/*
 * portal.c - the portal's routes (see portal.h): sign-in by e-mailed
 * link, sessions and CSRF through core/access, the pages a viewer may
 * see, downloads through the hooks cmd/ hands in, and an audit row for
 * every sign-in, view and download.
 *
 * Sign-in links are mailed by one thread with its own connection, from a
 * short queue: the request that asked for a link is answered before any
 * mail server is spoken to, identically whether or not a link was made.
 */
#include "portal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "action.h"
#include "crypto.h"
#include "deliver.h"
#include "i18n.h"
#include "mail.h"
#include "portal_int.h"
#include "results.h"
#include "store.h"
#include "text.h"

#define PAGE_MAX     (8u * 1024u * 1024u)
#define DOWNLOAD_MAX (64u * 1024u * 1024u)
#define MAIL_QUEUE   64
#define MAX_BEFORE   5 /* earlier waves in a team's trend */

struct mail_job {
	char to[256];
	char link[1024];
	char lang[8]; /* the language of the page the person asked from */
};

struct cp_portal {
	char *db_path;
	char *base_url;
	struct cp_portal_hooks hooks;
	void (*log)(void *arg, const char *line);
	void *log_arg;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct mail_job queue[MAIL_QUEUE];
	size_t head, count;
	bool stop;
	pthread_t mailer;
	bool mailer_started;
};

/* ---- the mail thread ---- */

/*
 * The sign-in mail's language: the roster's for a person on it, else the
 * page's they asked from (itself ?lang=, Accept-Language or the setting
 * "language").
 */
static const struct cp_lang *mail_lang(struct cp_store *st,
				       const struct mail_job *j)
{
	char own[16];
	const struct cp_lang *l = NULL;

	if (cp_store_member_language(st, j->to, own, sizeof(own), NULL) == 0)
		l = cp_lang_find(own);
	return cp_lang_effective(l ? l : cp_lang_find(j->lang));
}

static void send_link(struct cp_portal *p, struct cp_store *st,
		      const struct mail_job *j)
{
	struct cp_buf text, html;
	struct cp_one_message m = {0};
	struct cp_error err = {0};
	const struct cp_lang *l = mail_lang(st, j);
	locale_t prev = cp_lang_use(l);
	char words[80], ask[600];
	int64_t ttl = 900; /* the default, should the setting be unreadable */

	cp_signin_ttl(st, &ttl, NULL);
	/* TRANSLATORS: %s is how long the link works ("15 minutes"). */
	snprintf(ask, sizeof(ask),
		 _("Someone (we hope you) asked to sign in to carepulse "
		   "results with this address. Open this link within %s to "
		   "sign in; it works once:"),
		 ttl_words(ttl, words, sizeof(words)));

	/* The paragraphs, the link (NULL) in its place among them. */
	const char *para[] = {
	    _("Hello,"),
	    ask,
	    NULL,
	    _("If it was not you, ignore this mail: nothing happens without "
	      "the link."),
	};

	cp_buf_init(&text, 8192);
	cp_buf_init(&html, 8192);
	cp_mail_html_open(&html, l->code, l->dir, NULL);
	for (size_t i = 0; i < sizeof(para) / sizeof(*para); i++) {
		cp_buf_adds(&text, i ? "\n\n" : "", NULL);
		cp_buf_adds(&text, para[i] ? para[i] : j->link, NULL);
		cp_buf_adds(&html, "<p>", NULL);
		if (para[i]) {
			cp_html_escape(&html, para[i], NULL);
		} else {
			cp_buf_adds(&html, "<a href=\"", NULL);
			cp_html_escape(&html, j->link, NULL);
			cp_buf_adds(&html, "\">", NULL);
			cp_html_escape(&html, _("Sign in to carepulse results"),
				       NULL);
			cp_buf_adds(&html, "</a>", NULL);
		}
		cp_buf_adds(&html, "</p>\n", NULL);
	}
	cp_buf_adds(&text, "\n", NULL);
	cp_buf_adds(&html, CP_MAIL_HTML_CLOSE, NULL);
	m.kind = "signin";
	m.to_addr = j->to;
	m.to_name = "";
	m.subject = _("Your sign-in link for carepulse results");
	m.text = cp_buf_str(&text);
	m.html = cp_buf_str(&html);
	m.language = l->code;
	/* A failure is not the asker's to see (they get the same answer
	 * whatever happens): they ask again. */
	if (cp_deliver_message(st, &m, &err) && p->log) {
		char line[400];
		/* The log's language (the operator's), not the mail's. */
		snprintf(line, sizeof(line),
			 cp_gettext_error(
			     N_("portal: a sign-in mail was not sent: %s")),
			 err.message);
		p->log(p->log_arg, line);
	}
	cp_lang_end(prev);
	if (text.data)
		cp_wipe(text.data, text.len);
	if (html.data)
		cp_wipe(html.data, html.len);
	cp_buf_release(&text);
	cp_buf_release(&html);
}

static void *mailer_main(void *arg)
{
	struct cp_portal *p = arg;
	struct cp_store *st = NULL;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct mail_job j;
		while (p->count == 0 && !p->stop)
			pthread_cond_wait(&p->wake, &p->lock);
		if (p->count == 0)
			break;
		j = p->queue[p->head];
		cp_wipe(&p->queue[p->head], sizeof(j));
		p->head = (p->head + 1) % MAIL_QUEUE;
		p->count--;
		pthread_mutex_unlock(&p->lock);
		if (st == NULL)
			cp_store_open(&st, p->db_path, 0, NULL);
		if (st)
			send_link(p, st, &j);
		cp_wipe(&j, sizeof(j));
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	cp_store_close(st);
	return NULL;
}

/* Queues a link for to; a full queue drops it (the person asks again). */
static void queue_link(struct cp_portal *p, const char *to, const char *token)
{
	struct mail_job *j;

	pthread_mutex_lock(&p->lock);
	if (p->count < MAIL_QUEUE && !p->stop) {
		j = &p->queue[(p->head + p->count) % MAIL_QUEUE];
		cp_strlcpy(j->to, to, sizeof(j->to));
		snprintf(j->link, sizeof(j->link), "%s/portal/signin/%s",
			 p->base_url, token);
		cp_strlcpy(j->lang, cp_lang_current()->code, sizeof(j->lang));
		p->count++;
		pthread_cond_signal(&p->wake);
	}
	pthread_mutex_unlock(&p->lock);
}

int cp_portal_create(struct cp_portal **out, const char *db_path,
		     const char *base_url, const struct cp_portal_hooks *hooks,
		     void (*log)(void *arg, const char *line), void *log_arg,
		     struct cp_error *err)
{
	struct cp_portal *p = calloc(1, sizeof(*p));
	size_t n;

	*out = NULL;
	if (p == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	p->db_path = cp_strdup(db_path);
	p->base_url = cp_strdup(base_url ? base_url : "http://127.0.0.1:8080");
	if (p->db_path == NULL || p->base_url == NULL) {
		free(p->db_path);
		free(p->base_url);
		free(p);
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	}
	n = strlen(p->base_url);
	while (n && p->base_url[n - 1] == '/')
		p->base_url[--n] = '\0';
	if (hooks)
		p->hooks = *hooks;
	p->log = log;
	p->log_arg = log_arg;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	if (pthread_create(&p->mailer, NULL, mailer_main, p) != 0) {
		cp_portal_free(p);
		return cp_error_set(
		    err, CP_ENOMEM,
		    N_("cannot start the portal's mail thread"));
	}
	p->mailer_started = true;
	*out = p;
	return 0;
}

void cp_portal_free(struct cp_portal *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	if (p->mailer_started)
		pthread_join(p->mailer, NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	free(p->db_path);
	free(p->base_url);
	free(p);
}

int cp_portal_failure_page(struct cp_buf *b, struct cp_error *err)
{
	return page_message(b, N_("Something went wrong"),
			    N_("Something went wrong on our side. Please try "
			       "again in a minute."),
			    NULL, err);
}

bool cp_portal_path(const char *path)
{
	size_t n = strlen(CP_PORTAL_PREFIX);

	return strncmp(path, CP_PORTAL_PREFIX, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

void cp_portal_reply_init(struct cp_portal_reply *reply)
{
	memset(reply, 0, sizeof(*reply));
	cp_buf_init(&reply->body, PAGE_MAX);
	reply->status = 200;
	reply->type = "text/html; charset=utf-8";
}

/* ---- small helpers ---- */

static void set_route(struct cp_portal_reply *reply, const char *route)
{
	cp_strlcpy(reply->route, route, sizeof(reply->route));
}

static void redirect(struct cp_portal_reply *reply, const char *to)
{
	reply->status = 303;
	cp_strlcpy(reply->location, to, sizeof(reply->location));
	cp_buf_reset(&reply->body);
}

static void cookie(char *out, const char *name, const char *value, bool tls,
		   bool clear)
{
	snprintf(out, CP_PORTAL_HEADER_MAX,
		 "%s=%s; Path=/portal; HttpOnly; SameSite=Lax%s%s", name, value,
		 tls ? "; Secure" : "", clear ? "; Max-Age=0" : "");
}

/* The value of field name in an urlencoded body, decoded into out;
 * false when absent or too long. */
static bool form_field(const char *body, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	const char *p = body;

	while (p && *p) {
		const char *amp = strchr(p, '&');
		const char *end = amp ? amp : p + strlen(p);
		size_t len = (size_t)(end - p);
		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			len -= nl + 1;
			if (len >= n)
				return false;
			memcpy(out, p + nl + 1, len);
			cp_url_decode(out, len);
			return true;
		}
		p = amp ? amp + 1 : NULL;
	}
	return false;
}

/* Parses a positive id from *s up to '/' or the end; advances *s. */
static bool take_id(const char **s, int64_t *out)
{
	int64_t v = 0;
	const char *p = *s;

	if (*p < '1' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		if (v > (INT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (*p - '0');
		p++;
	}
	*s = p;
	*out = v;
	return true;
}

/* A fresh pre-session CSRF token into out (2 * 16 hex + NUL). */
static int fresh_pre(char out[33], struct cp_error *err)
{
	uint8_t r[16];
	int rc = cp_random_bytes(r, sizeof(r), err);

	if (rc == 0)
		cp_hex(r, sizeof(r), out);
	return rc;
}

/* The pre-session token of this request, or a new one set as a cookie
 * (portal_int.h). */
int pre_token(const struct cp_portal_request *rq, struct cp_portal_reply *reply,
	      char out[33], struct cp_error *err)
{
	int rc;

	if (rq->pre && strlen(rq->pre) == 32) {
		cp_strlcpy(out, rq->pre, 33);
		return 0;
	}
	rc = fresh_pre(out, err);
	if (rc == 0)
		cookie(reply->cookie[1], CP_PORTAL_PRE_COOKIE, out, rq->tls,
		       false);
	return rc;
}

/* The double-submit check of a form posted before a session: the field
 * must equal the cookie (which a cross-site form cannot read or set). */
static bool pre_ok(const struct cp_portal_request *rq, const char *field)
{
	return rq->pre && strlen(rq->pre) == 32 && strlen(field) == 32 &&
	       cp_ct_equal(rq->pre, field, 32);
}

static int message(struct cp_portal_reply *reply, unsigned status,
		   const char *title, const char *text,
		   const struct page_viewer *pv, struct cp_error *err)
{
	reply->status = status;
	cp_buf_reset(&reply->body);
	return page_message(&reply->body, title, text, pv, err);
}

static int not_found(struct cp_portal_reply *reply,
		     const struct page_viewer *pv, struct cp_error *err)
{
	/* The same answer for a team that does not exist and one the
	 * viewer may not see: nothing is learnt from it. */
	return message(reply, 404, N_("Not found"),
		       N_("There is nothing here that you may see."), pv, err);
}

/* ---- signed out ---- */

static int signin_form(struct cp_portal *p, const struct cp_portal_request *rq,
		       struct cp_portal_reply *reply, struct cp_error *err)
{
	char pre[33];
	int rc = pre_token(rq, reply, pre, err);

	return rc ? rc
		  : page_signin(&reply->body, pre, p->hooks.oidc_start != NULL,
				err);
}

static int signin_post(struct cp_portal *p, struct cp_store *st,
		       const struct cp_portal_request *rq,
		       struct cp_portal_reply *reply, struct cp_error *err)
{
	char email[256] = "", csrf[64] = "", token[CP_ACCESS_SECRET_SIZE] = "";
	bool send = false;
	int rc;

	if (!form_field(rq->body, "csrf", csrf, sizeof(csrf)) ||
	    !pre_ok(rq, csrf))
		return message(
		    reply, 403, N_("Please try again"),
		    N_("This form had expired. Open the sign-in page "
		       "again and send it from there."),
		    NULL, err);
	if (!form_field(rq->body, "email", email, sizeof(email)))
		email[0] = '\0';
	cp_trim(email);
	rc = cp_signin_request(st, email, rq->client, rq->now, token, &send,
			       err);
	if (rc)
		return rc;
	if (send)
		queue_link(p, email, token);
	cp_wipe(token, sizeof(token));
	redirect(reply, "/portal/sent");
	return 0;
}

static int landing_post(struct cp_store *st, const struct cp_portal_request *rq,
			const char *token, struct cp_portal_reply *reply,
			struct cp_error *err)
{
	char csrf[64] = "";
	int64_t viewer = 0;
	struct cp_error e2 = {0};

	if (!form_field(rq->body, "csrf", csrf, sizeof(csrf)) ||
	    !pre_ok(rq, csrf))
		return message(
		    reply, 403, N_("Please try again"),
		    N_("Open the link from your mail again and press "
		       "the button on that page."),
		    NULL, err);
	if (cp_signin_consume(st, token, rq->now, &viewer, &e2)) {
		if (e2.code != CP_ECONFLICT) {
			*err = e2;
			return e2.code;
		}
		return message(
		    reply, 410, N_("This link cannot be used"),
		    N_("Sign-in links work once and for a short time. "
		       "Ask for a new one on the sign-in page."),
		    NULL, err);
	}
	return cp_portal_sign_in(st, rq, viewer, reply, err);
}

int cp_portal_sign_in(struct cp_store *st, const struct cp_portal_request *rq,
		      int64_t viewer, struct cp_portal_reply *reply,
		      struct cp_error *err)
{
	char sid[CP_ACCESS_SECRET_SIZE];
	int rc =
	    cp_session_rotate(st, rq->sid, viewer, rq->now, sid, NULL, err);

	if (rc)
		return rc;
	cookie(reply->cookie[0], CP_PORTAL_COOKIE, sid, rq->tls, false);
	cp_wipe(sid, sizeof(sid));
	/* The pre-session token has done its work. */
	cookie(reply->cookie[1], CP_PORTAL_PRE_COOKIE, "", rq->tls, true);
	redirect(reply, "/portal/waves");
	return 0;
}

/* ---- signed in ---- */

struct who {
	struct cp_session session;
	struct cp_viewer viewer;
	struct page_viewer pv;
};

static int signout(struct cp_store *st, const struct cp_portal_request *rq,
		   struct who *w, struct cp_portal_reply *reply,
		   struct cp_error *err)
{
	char csrf[CP_ACCESS_SECRET_SIZE] = "";
	int rc;

	if (!form_field(rq->body, "csrf", csrf, sizeof(csrf)) ||
	    !cp_csrf_ok(&w->session, csrf))
		return message(
		    reply, 403, N_("Please try again"),
		    N_("This form had expired. Sign out again from a "
		       "fresh page."),
		    &w->pv, err);
	rc = cp_session_end(st, rq->sid, err);
	rc = rc ? rc
		: cp_audit(st, w->viewer.id, "signout", 0, 0, NULL, rq->now,
			   err);
	if (rc)
		return rc;
	cookie(reply->cookie[0], CP_PORTAL_COOKIE, "", rq->tls, true);
	redirect(reply, "/portal/");
	return 0;
}

/* The team's group in r: with its sub-teams when it has any (as the team
 * report takes it), else its own members. */
static const struct cp_group *team_group(const struct cp_results *r,
					 int64_t team)
{
	const struct cp_group *g = cp_results_group(r, CP_SCOPE_SUBTREE, team);

	return g ? g : cp_results_group(r, CP_SCOPE_TEAM, team);
}

/* One wave's section of the waves list; *shown false when the viewer
 * may see no team of it. */
static int wave_section(struct cp_store *st, const struct cp_portal_request *rq,
			struct who *w, int64_t wave, bool link, bool *shown,
			struct cp_buf *b, struct cp_error *err)
{
	struct cp_results_opts o = {0};
	struct cp_results *r = NULL;
	struct wave_team *teams = NULL;
	int64_t *ids = NULL;
	size_t n = 0, k = 0;
	int rc;

	*shown = false;
	rc = cp_access_teams(st, w->viewer.id, wave, rq->now, &ids, &n, err);
	if (rc || n == 0) {
		free(ids);
		return rc;
	}
	/* Counts and rates only: no group's statistics are needed. */
	o.only_team = -1;
	rc = cp_results_load(&r, st, wave, &o, err);
	teams = rc ? NULL : calloc(n, sizeof(*teams));
	if (rc == 0 && teams == NULL)
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct cp_group *g = team_group(r, ids[i]);
		if (g) {
			teams[k].id = ids[i];
			teams[k].group = g;
			k++;
		}
	}
	if (rc == 0 && k > 0) {
		*shown = true;
		rc = page_wave_section(b, r, teams, k, w->pv.hr, link, err);
	}
	free(teams);
	free(ids);
	cp_results_free(r);
	return rc;
}

static int waves_page(struct cp_store *st, const struct cp_portal_request *rq,
		      struct who *w, int64_t only,
		      struct cp_portal_reply *reply, struct cp_error *err)
{
	int64_t *waves = NULL;
	size_t n = 0;
	bool any = false, shown;
	int rc = cp_results_waves(st, 0, &waves, &n, err);

	rc = rc ? rc
		: page_start(&reply->body, only ? _("Wave") : _("Waves"),
			     &w->pv, err);
	if (rc == 0 && !only)
		rc = cp_buf_printf(&reply->body, err, "<h1>%s</h1>\n",
				   _("Waves and response rates"));
	for (size_t i = n; rc == 0 && i > 0; i--) {
		if (only && waves[i - 1] != only)
			continue;
		rc = wave_section(st, rq, w, waves[i - 1], only == 0, &shown,
				  &reply->body, err);
		any = any || shown;
	}
	free(waves);
	if (rc)
		return rc;
	if (only && !any)
		return not_found(reply, &w->pv, err);
	if (!any)
		rc = cp_buf_printf(&reply->body, err, "<p>%s</p>\n",
				   _("There are no results you may see yet. "
				     "When a wave of a team you have access "
				     "to opens, it shows here."));
	if (rc == 0 && only == 0)
		rc = cp_audit(st, w->viewer.id, "view", 0, 0, "waves", rq->now,
			      err);
	return rc ? rc : page_end(&reply->body, err);
}

static int team_page(struct cp_portal *p, struct cp_store *st,
		     const struct cp_portal_request *rq, struct who *w,
		     int64_t wave, int64_t team, struct cp_portal_reply *reply,
		     struct cp_error *err)
{
	struct cp_results_opts o = {.changes = true, .comments = true};
	struct cp_results *r = NULL, *before[MAX_BEFORE] = {0};
	struct team_view v = {0};
	struct cp_action *actions = NULL;
	size_t nactions = 0;
	int64_t *waves = NULL;
	size_t nwaves = 0, nb = 0;
	bool self = false;
	char title[300];
	int rc;

	o.changes_team = team;
	o.only_team = team;
	rc = cp_access_may_view_self(st, w->viewer.id, wave, team, rq->now,
				     &self, err);
	rc = rc ? rc : cp_results_load(&r, st, wave, &o, err);
	if (rc)
		return rc;
	v.g = team_group(r, team);
	if (v.g == NULL) {
		cp_results_free(r);
		return not_found(reply, &w->pv, err);
	}
	/* The trend: the team's earlier closed waves, dimensions only. */
	if (r->scores)
		rc = cp_results_waves(st, team, &waves, &nwaves, err);
	for (size_t i = 0; rc == 0 && i < nwaves && waves[i] != wave; i++) {
		struct cp_results_opts bo = {.dims_only = true,
					     .only_team = team};
		struct cp_results *x = NULL;
		if ((rc = cp_results_load(&x, st, waves[i], &bo, err)))
			break;
		if (!x->scores || x->wave.opens_at >= r->wave.opens_at) {
			cp_results_free(x);
			continue;
		}
		if (nb == MAX_BEFORE) {
			cp_results_free(before[0]);
			memmove(before, before + 1,
				(MAX_BEFORE - 1) * sizeof(*before));
			nb--;
		}
		before[nb++] = x;
	}
	free(waves);
	v.r = r;
	v.team_id = team;
	v.self = self && v.g->has_self;
	v.before = (const struct cp_results *const *)before;
	v.nbefore = nb;
	if (rc == 0 && r->scores)
		rc = cp_action_last_time(st, team, wave, &actions, &nactions,
					 &v.actions_from, err);
	v.actions = actions;
	v.nactions = nactions;
	v.pdf = p->hooks.pdf != NULL;
	v.export = p->hooks.export != NULL;
	/* TRANSLATORS: a team's name, then a wave's number. */
	snprintf(title, sizeof(title), _("%s, wave %lld"), v.g->name,
		 (long long)wave);
	rc = rc ? rc : page_start(&reply->body, title, &w->pv, err);
	rc = rc ? rc : page_team(&reply->body, &v, err);
	rc = rc ? rc : page_end(&reply->body, err);
	rc = rc ? rc
		: cp_audit(st, w->viewer.id, "view", wave, team,
			   v.self ? "team results with self-assessment"
				  : "team results",
			   rq->now, err);
	for (size_t i = 0; i < nb; i++)
		cp_results_free(before[i]);
	free(actions);
	cp_results_free(r);
	return rc;
}

static int heatmap_page(struct cp_store *st, const struct cp_portal_request *rq,
			struct who *w, int64_t wave,
			struct cp_portal_reply *reply, struct cp_error *err)
{
	struct cp_results_opts o = {.changes = true, .no_item_changes = true};
	struct cp_results *r = NULL;
	int rc;

	if (!w->pv.hr)
		return not_found(reply, &w->pv, err);
	rc = cp_results_load(&r, st, wave, &o, err);
	if (rc == CP_ENOTFOUND) {
		cp_error_clear(err);
		return not_found(reply, &w->pv, err);
	}
	if (rc)
		return rc;
	if (!r->scores) {
		cp_results_free(r);
		return message(
		    reply, 409, N_("Not closed yet"),
		    N_("The heat map shows once the wave has closed."), &w->pv,
		    err);
	}
	rc = page_start(&reply->body, _("Heat map"), &w->pv, err);
	rc = rc ? rc : page_heatmap(&reply->body, r, err);
	rc = rc ? rc : page_end(&reply->body, err);
	rc = rc ? rc
		: cp_audit(st, w->viewer.id, "view", wave, 0, "heat map",
			   rq->now, err);
	cp_results_free(r);
	return rc;
}

static int download(struct cp_portal *p, struct cp_store *st,
		    const struct cp_portal_request *rq, struct who *w,
		    int64_t wave, int64_t team, const char *what,
		    struct cp_portal_reply *reply, struct cp_error *err)
{
	bool self = false, pdf = strcmp(what, "report.pdf") == 0,
	     csv = strcmp(what, "results.csv") == 0;
	int64_t *allowed = NULL;
	size_t nallowed = 0;
	int rc;

	if (!pdf && !csv && strcmp(what, "results.json") != 0)
		return not_found(reply, &w->pv, err);
	if ((pdf && p->hooks.pdf == NULL) || (!pdf && p->hooks.export == NULL))
		return not_found(reply, &w->pv, err);
	rc = cp_access_may_view_self(st, w->viewer.id, wave, team, rq->now,
				     &self, err);
	if (rc == 0 && !pdf)
		rc = cp_access_teams(st, w->viewer.id, wave, rq->now, &allowed,
				     &nallowed, err);
	if (rc) {
		free(allowed);
		return rc;
	}
	cp_buf_reset(&reply->body);
	reply->body.max = DOWNLOAD_MAX;
	rc = pdf ? p->hooks.pdf(p->hooks.arg, st, wave, team, self,
				&reply->body, err)
		 : p->hooks.export(p->hooks.arg, st, wave, team, csv, self,
				   allowed, nallowed, &reply->body, err);
	free(allowed);
	if (rc == CP_ENOTFOUND || rc == CP_ECONFLICT) {
		cp_error_clear(err);
		reply->body.max = PAGE_MAX;
		return not_found(reply, &w->pv, err);
	}
	if (rc)
		return rc;
	reply->type = pdf   ? "application/pdf"
		      : csv ? "text/csv; charset=utf-8"
			    : "application/json";
	snprintf(reply->disposition, sizeof(reply->disposition),
		 "attachment; filename=\"wave-%lld-team-%lld-%s\"",
		 (long long)wave, (long long)team, what);
	return cp_audit(st, w->viewer.id, "download", wave, team, what, rq->now,
			err);
}

/* /portal/waves/W[/...]: the rest after the wave's id. */
static int wave_routes(struct cp_portal *p, struct cp_store *st,
		       const struct cp_portal_request *rq, struct who *w,
		       const char *rest, struct cp_portal_reply *reply,
		       struct cp_error *err)
{
	int64_t wave, team;
	bool ok = false;
	int rc;

	if (!take_id(&rest, &wave))
		return not_found(reply, &w->pv, err);
	if (*rest == '\0') {
		return waves_page(st, rq, w, wave, reply, err);
	}
	if (strcmp(rest, "/heatmap") == 0) {
		return heatmap_page(st, rq, w, wave, reply, err);
	}
	if (strncmp(rest, "/teams/", 7) != 0)
		return not_found(reply, &w->pv, err);
	rest += 7;
	if (!take_id(&rest, &team))
		return not_found(reply, &w->pv, err);
	/* THE check, on every request for a team's results. */
	rc =
	    cp_access_may_view(st, w->viewer.id, wave, team, rq->now, &ok, err);
	if (rc)
		return rc;
	if (*rest == '\0') {
		return ok ? team_page(p, st, rq, w, wave, team, reply, err)
			  : not_found(reply, &w->pv, err);
	}
	if (*rest != '/' || !ok)
		return not_found(reply, &w->pv, err);
	return download(p, st, rq, w, wave, team, rest + 1, reply, err);
}

/* The signed-in viewer of rq, or *w->pv.viewer NULL. */
static int who_is(struct cp_store *st, const struct cp_portal_request *rq,
		  struct who *w, struct cp_error *err)
{
	bool valid = false;
	int rc;

	memset(w, 0, sizeof(*w));
	if (rq->sid == NULL || rq->sid[0] == '\0' ||
	    strlen(rq->sid) >= CP_ACCESS_SECRET_SIZE)
		return 0;
	rc = cp_session_check(st, rq->sid, rq->now, &w->session, &valid, err);
	if (rc || !valid)
		return rc;
	rc = cp_access_viewer_get(st, w->session.viewer_id, &w->viewer, err);
	if (rc == CP_ENOTFOUND) {
		cp_error_clear(err);
		return 0;
	}
	rc = rc ? rc
		: cp_access_is_hr(st, w->viewer.id, rq->now, &w->pv.hr, err);
	if (rc == 0) {
		w->pv.viewer = &w->viewer;
		w->pv.csrf = w->session.csrf;
	}
	return rc;
}

/* The access log's name of a signed-in route: ids become N; anything
 * unknown is <other>, so no text from the path reaches the log. */
static const char *route_label(const char *path)
{
	static const char *const known[] = {"",
					    "/",
					    "/signout",
					    "/waves",
					    "/waves/N",
					    "/waves/N/heatmap",
					    "/waves/N/teams/N",
					    "/waves/N/teams/N/report.pdf",
					    "/waves/N/teams/N/results.csv",
					    "/waves/N/teams/N/results.json"};
	static const char *const label[] = {
	    "/portal/",
	    "/portal/",
	    "/portal/signout",
	    "/portal/waves",
	    "/portal/waves/N",
	    "/portal/waves/N/heatmap",
	    "/portal/waves/N/teams/N",
	    "/portal/waves/N/teams/N/report.pdf",
	    "/portal/waves/N/teams/N/results.csv",
	    "/portal/waves/N/teams/N/results.json"};
	char shape[64];
	size_t o = 0;

	for (const char *c = path; *c; c++) {
		if (o + 2 >= sizeof(shape))
			return "/portal/<other>";
		if (*c >= '0' && *c <= '9') {
			while (c[1] >= '0' && c[1] <= '9')
				c++;
			shape[o++] = 'N';
		} else
			shape[o++] = *c;
	}
	shape[o] = '\0';
	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
		if (strcmp(shape, known[i]) == 0)
			return label[i];
	return "/portal/<other>";
}

int cp_portal_handle(struct cp_portal *p, struct cp_store *st,
		     const struct cp_portal_request *rq,
		     struct cp_portal_reply *reply, struct cp_error *err)
{
	const char *path = rq->path + strlen(CP_PORTAL_PREFIX);
	bool post = strcmp(rq->method, "POST") == 0;
	struct who w;
	int rc;

	set_route(reply, "/portal/<other>");
	if (strncmp(path, "/signin/", 8) == 0) {
		const char *token = path + 8;
		char pre[33];
		/* The token names nothing in the log. */
		set_route(reply, "/portal/signin/<redacted>");
		if (strlen(token) >= CP_ACCESS_SECRET_SIZE ||
		    strspn(token, "0123456789abcdef") != strlen(token))
			return message(
			    reply, 410, N_("This link cannot be used"),
			    N_("Sign-in links work once and for a "
			       "short time. Ask for a new one on the "
			       "sign-in page."),
			    NULL, err);
		if (post)
			return landing_post(st, rq, token, reply, err);
		rc = pre_token(rq, reply, pre, err);
		return rc ? rc : page_landing(&reply->body, token, pre, err);
	}
	if (strcmp(path, "/signin") == 0 && post) {
		set_route(reply, "/portal/signin");
		return signin_post(p, st, rq, reply, err);
	}
	if (strcmp(path, "/sent") == 0 && !post) {
		int64_t ttl = 900;
		set_route(reply, "/portal/sent");
		if ((rc = cp_signin_ttl(st, &ttl, err)))
			return rc;
		return page_sent(&reply->body, ttl, err);
	}
	if (strncmp(path, "/oidc/", 6) == 0) {
		bool start = strcmp(path, "/oidc/start") == 0;
		set_route(reply, start ? "/portal/oidc/start"
				       : "/portal/oidc/callback");
		if (start && p->hooks.oidc_start)
			return p->hooks.oidc_start(p->hooks.arg, st, rq, reply,
						   err);
		if (!start && strcmp(path, "/oidc/callback") == 0 &&
		    p->hooks.oidc_callback)
			return p->hooks.oidc_callback(p->hooks.arg, st, rq,
						      reply, err);
		return not_found(reply, NULL, err);
	}
	set_route(reply, route_label(path));
	rc = who_is(st, rq, &w, err);
	if (rc)
		return rc;
	if (w.pv.viewer == NULL) {
		if (strcmp(path, "") == 0 || strcmp(path, "/") == 0) {
			set_route(reply, "/portal/");
			/* A cookie that is no longer a session goes. */
			if (rq->sid)
				cookie(reply->cookie[0], CP_PORTAL_COOKIE, "",
				       rq->tls, true);
			return post ? not_found(reply, NULL, err)
				    : signin_form(p, rq, reply, err);
		}
		/* Anything else needs a session: to the sign-in page. */
		redirect(reply, "/portal/");
		return 0;
	}
	if (strcmp(path, "/signout") == 0 && post) {
		set_route(reply, "/portal/signout");
		return signout(st, rq, &w, reply, err);
	}
	if (post)
		return not_found(reply, &w.pv, err);
	if (strcmp(path, "") == 0 || strcmp(path, "/") == 0) {
		set_route(reply, "/portal/");
		redirect(reply, "/portal/waves");
		return 0;
	}
	if (strcmp(path, "/waves") == 0) {
		set_route(reply, "/portal/waves");
		return waves_page(st, rq, &w, 0, reply, err);
	}
	if (strncmp(path, "/waves/", 7) == 0)
		return wave_routes(p, st, rq, &w, path + 7, reply, err);
	return not_found(reply, &w.pv, err);
}
