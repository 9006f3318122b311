/*
 * portal_oidc.h - single sign-on in the results portal: the two routes
 * GET /portal/oidc/start and GET /portal/oidc/callback, as the
 * oidc_start and oidc_callback hooks of cp_portal_hooks, over
 * core/access/oidc.h (docs/portal.md, "Single sign-on").
 *
 * start binds a new sign-in to the browser's pre-session cookie (made
 * when it has none) and redirects to the provider. callback finishes it,
 * maps the verified address to a viewer with cp_signin_email and signs in
 * with cp_portal_sign_in. A refused sign-in is a page saying why, and
 * signs nobody in.
 */
#ifndef CP_PORTAL_OIDC_H
#define CP_PORTAL_OIDC_H

#include "error.h"
#include "portal.h"
#include "store.h"

/* How long a discovered provider (its endpoints and keys) is kept. */
#define CP_PORTAL_OIDC_CACHE 3600

struct cp_portal_oidc;

/*
 * Reads the oidc.* settings from st. *out is NULL, and 0 returned, when
 * single sign-on is not configured (oidc.issuer unset); an error when it
 * is but a setting is missing or wrong (serve should not start then).
 * base_url (serve's, may be NULL) makes the callback URL when
 * oidc.redirect_url is unset. The provider is discovered at the first
 * sign-in, not here, so serve starts while it is down. Thread-safe after
 * creation; free with cp_portal_oidc_free (NULL allowed).
 */
int cp_portal_oidc_create(struct cp_portal_oidc **out, struct cp_store *st,
			  const char *base_url, struct cp_error *err);
void cp_portal_oidc_free(struct cp_portal_oidc *o);

/* The hooks; arg is the struct cp_portal_oidc. An error only for the
 * database, memory or a provider that cannot be reached or is
 * misconfigured (the server logs it and answers 500). */
int cp_portal_oidc_start(void *arg, struct cp_store *st,
			 const struct cp_portal_request *rq,
			 struct cp_portal_reply *reply, struct cp_error *err);
int cp_portal_oidc_callback(void *arg, struct cp_store *st,
			    const struct cp_portal_request *rq,
			    struct cp_portal_reply *reply,
			    struct cp_error *err);

#endif
