/*
 * portal_oidc.c - the portal's single sign-on routes (portal_oidc.h) over
 * core/access/oidc.h, with the provider discovered once and kept for
 * CP_PORTAL_OIDC_CACHE seconds, shared by the request threads.
 */
#include "portal_oidc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "buf.h"
#include "config.h"
#include "i18n.h"
#include "oidc.h"
#include "portal_int.h"

/* A discovered provider and the requests using it: a fresher one may
 * replace it in the cache while a callback still checks a token with it. */
struct held {
	struct cp_oidc_provider *p;
	int users; /* requests, plus 1 while it is the cached one */
};

struct cp_portal_oidc {
	struct cp_oidc_config *cfg;
	pthread_mutex_t lock;
	struct held *cached; /* NULL until the first sign-in */
};

int cp_portal_oidc_create(struct cp_portal_oidc **out, struct cp_store *st,
			  const char *base_url, struct cp_error *err)
{
	struct cp_portal_oidc *o;
	char *explicit_url = NULL;
	struct cp_buf b;
	int rc;

	*out = NULL;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	rc = cp_oidc_config_load(&o->cfg, st, err);
	if (rc == CP_ENOTFOUND) {
		free(o);
		cp_error_clear(err);
		return 0;
	}
	rc = rc ? rc
		: cp_config_get(st, "oidc.redirect_url", &explicit_url, NULL,
				err);
	cp_buf_init(&b, 8192);
	/* serve's own base URL (--base-url) wins over the setting's. */
	if (rc == 0 && explicit_url == NULL && base_url && *base_url) {
		size_t n = strlen(base_url);

		while (n > 0 && base_url[n - 1] == '/')
			n--;
		rc = cp_buf_printf(&b, err, "%.*s%s", (int)n, base_url,
				   CP_OIDC_CALLBACK_PATH);
		if (rc == 0) {
			free(o->cfg->redirect_url);
			if ((o->cfg->redirect_url = cp_buf_detach(&b)) == NULL)
				rc = cp_error_set(err, CP_ENOMEM,
						  "out of memory");
		}
	}
	cp_buf_release(&b);
	free(explicit_url);
	if (rc) {
		cp_oidc_config_free(o->cfg);
		free(o);
		return cp_error_prefix(err, "%s",
				       cp_gettext_error(N_("single sign-on")));
	}
	pthread_mutex_init(&o->lock, NULL);
	*out = o;
	return 0;
}

static void release(struct cp_portal_oidc *o, struct held *h)
{
	bool last;

	if (h == NULL)
		return;
	pthread_mutex_lock(&o->lock);
	last = --h->users == 0;
	pthread_mutex_unlock(&o->lock);
	if (last) {
		cp_oidc_provider_free(h->p);
		free(h);
	}
}

void cp_portal_oidc_free(struct cp_portal_oidc *o)
{
	if (o == NULL)
		return;
	release(o, o->cached);
	pthread_mutex_destroy(&o->lock);
	cp_oidc_config_free(o->cfg);
	free(o);
}

/*
 * The provider, discovered afresh when none is cached or the cached one
 * is older than CP_PORTAL_OIDC_CACHE (or fresh is set: its keys may have
 * changed). *out is held for the caller: release it.
 */
static int provider(struct cp_portal_oidc *o, int64_t now, bool fresh,
		    struct held **out, struct cp_error *err)
{
	struct held *h = NULL, *old = NULL;
	int64_t age;
	int rc = 0;

	*out = NULL;
	pthread_mutex_lock(&o->lock);
	if (o->cached) {
		age = cp_oidc_provider_age(o->cached->p, now);
		if (!fresh && age >= 0 && age < CP_PORTAL_OIDC_CACHE) {
			o->cached->users++;
			*out = o->cached;
		}
	}
	pthread_mutex_unlock(&o->lock);
	if (*out)
		return 0;
	/* Discovered outside the lock: a slow provider holds up only the
	 * sign-ins that need it. */
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	if ((rc = cp_oidc_discover(&h->p, o->cfg, now, err))) {
		free(h);
		return cp_error_prefix(err, "%s",
				       cp_gettext_error(N_("single sign-on")));
	}
	h->users = 2; /* the cache's and the caller's */
	pthread_mutex_lock(&o->lock);
	old = o->cached;
	o->cached = h;
	pthread_mutex_unlock(&o->lock);
	release(o, old);
	*out = h;
	return 0;
}

static int refused(struct cp_portal_reply *reply, unsigned status,
		   const char *why, struct cp_error *err)
{
	struct cp_buf text;
	int rc;

	cp_buf_init(&text, 4096);
	/* TRANSLATORS: %s is the reason: the viewer's language when it is
	 * this page's own, else a checker's message (the installation's). */
	rc = cp_buf_printf(&text, err,
			   _("Single sign-on did not sign you in (%s). Start "
			     "again from the sign-in page, or ask for a "
			     "sign-in link by e-mail."),
			   why);
	reply->status = status;
	reply->location[0] = '\0';
	cp_buf_reset(&reply->body);
	rc = rc ? rc
		: page_message(&reply->body, N_("You are not signed in"),
			       cp_buf_str(&text), NULL, err);
	cp_buf_release(&text);
	return rc;
}

int cp_portal_oidc_start(void *arg, struct cp_store *st,
			 const struct cp_portal_request *rq,
			 struct cp_portal_reply *reply, struct cp_error *err)
{
	struct cp_portal_oidc *o = arg;
	char pre[33], state[CP_OIDC_RANDOM_LEN + 1], *url = NULL;
	struct held *h = NULL;
	int rc;

	/* A link, never a form: a POST here is nobody's sign-in. */
	if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD"))
		return refused(reply, 405, _("the sign-in starts from a link"),
			       err);
	rc = pre_token(rq, reply, pre, err);
	rc = rc ? rc : provider(o, rq->now, false, &h, err);
	rc = rc ? rc
		: cp_oidc_begin(st, o->cfg, h->p, pre, rq->now, &url, state,
				err);
	if (rc == 0 && strlen(url) >= sizeof(reply->location))
		rc = cp_error_set(err, CP_EFAIL,
				  N_("single sign-on: the provider's "
				     "authorization URL is %zu bytes, longer "
				     "than a portal redirect may be (%zu)"),
				  strlen(url), sizeof(reply->location) - 1);
	if (rc == 0) {
		reply->status = 303;
		cp_strlcpy(reply->location, url, sizeof(reply->location));
		cp_buf_reset(&reply->body);
	}
	free(url);
	release(o, h);
	return rc;
}

/* The callback's query parameter name, or NULL. */
static const char *query(const struct cp_portal_request *rq, const char *name)
{
	return rq->query ? rq->query(rq, name) : NULL;
}

int cp_portal_oidc_callback(void *arg, struct cp_store *st,
			    const struct cp_portal_request *rq,
			    struct cp_portal_reply *reply, struct cp_error *err)
{
	struct cp_portal_oidc *o = arg;
	struct cp_oidc_callback cb = {
	    .code = query(rq, "code"),
	    .state = query(rq, "state"),
	    .iss = query(rq, "iss"),
	    .error = query(rq, "error"),
	    .error_description = query(rq, "error_description"),
	    .binding = rq->pre,
	};
	char email[CP_OIDC_EMAIL_MAX + 1] = "";
	char *token = NULL, *access = NULL, *nonce = NULL;
	struct cp_error why = {0};
	struct held *h = NULL;
	int64_t viewer = 0;
	int rc;

	if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD"))
		return refused(reply, 405,
			       _("the provider must send you back with a "
				 "link"),
			       err);
	/* The provider's own words are not shown: anyone can put them in a
	 * link to this page. Its error code is, when it looks like one. */
	if (cb.error) {
		size_t n = strlen(cb.error);
		char reason[200];

		/* In the viewer's language: the page is theirs. */
		snprintf(
		    reason, sizeof(reason),
		    _("the sign-in service refused: %s"),
		    n > 0 && n <= 40 &&
			    strspn(cb.error, "abcdefghijklmnopqrstuvwxyz_") == n
			? cb.error
			: _("no reason given"));
		return refused(reply, 403, reason, err);
	}
	if ((rc = provider(o, rq->now, false, &h, err)))
		return rc;
	rc = cp_oidc_redeem(st, o->cfg, h->p, &cb, rq->now, &token, &access,
			    &nonce, &why);
	if (rc == 0 &&
	    (rc = cp_oidc_verify(o->cfg, h->p, token, access, nonce, rq->now,
				 email, &why)) == CP_ENOTFOUND) {
		/* A key the cached JWKS does not have: the provider may have
		 * rotated its keys since. Once more with a fresh copy. */
		release(o, h);
		h = NULL;
		rc = provider(o, rq->now, true, &h, err);
		if (rc == 0)
			rc = cp_oidc_verify(o->cfg, h->p, token, access, nonce,
					    rq->now, email, &why);
		else
			why = *err;
	}
	free(token);
	free(access);
	free(nonce);
	release(o, h);
	if (rc == CP_ENOMEM || rc == CP_EIO) {
		*err = why;
		return rc;
	}
	if (rc)
		return refused(reply, 403, why.message, err);
	rc = cp_signin_email(st, email, rq->now, &viewer, &why);
	if (rc == CP_ENOTFOUND)
		return refused(reply, 403,
			       _("your address has no access to results here"),
			       err);
	if (rc) {
		*err = why;
		return rc;
	}
	return cp_portal_sign_in(st, rq, viewer, reply, err);
}
