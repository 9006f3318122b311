/*
 * oidc.h - single sign-on to the results portal with OpenID Connect: the
 * relying party of the Authorization Code flow with PKCE (S256).
 *
 * The portal wires two routes to it (docs/portal.md, "Single sign-on"):
 * GET /portal/oidc/start calls cp_oidc_begin and redirects the browser to
 * the provider; GET /portal/oidc/callback calls cp_oidc_finish, which
 * gives the verified e-mail address that cp_signin_email maps to a
 * viewer. Signatures are checked by cjose with the provider's JWKS; no
 * JOSE is done by hand. Every failure fills err and gives no address, so
 * it can never sign anyone in.
 */
#ifndef CP_OIDC_H
#define CP_OIDC_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct cp_store;

/* The longest a sign-in may take from begin to finish, in seconds; the
 * oldest an ID token may be; older begun sign-ins are deleted. */
#define CP_OIDC_MAX_AGE 600
/* Clock difference tolerated with the provider, in seconds. */
#define CP_OIDC_SKEW 60
/* state, nonce and PKCE verifier: 32 random bytes in base64url. */
#define CP_OIDC_RANDOM_LEN 43
/* The most sign-ins begun and not finished at once. */
#define CP_OIDC_MAX_PENDING 10000
/* The longest e-mail address handed on. */
#define CP_OIDC_EMAIL_MAX 255

/* The callback route the portal serves, after its base URL. */
#define CP_OIDC_CALLBACK_PATH "/portal/oidc/callback"
#define CP_OIDC_START_PATH    "/portal/oidc/start"

/* The settings oidc.* (core/config), read once. */
struct cp_oidc_config {
	char *issuer;
	char *client_id;
	char *client_secret; /* from the environment or a file, never argv */
	char *redirect_url;  /* oidc.redirect_url, or base_url + callback */
	char *scopes;
	char *ca_file; /* tls.ca_file, or NULL: the system's CAs */
	bool basic;    /* client_secret_basic, else client_secret_post */
	bool email_verified_required;
};

/*
 * Reads the oidc.* settings (st may be NULL: environment and defaults).
 * *out is the caller's (cp_oidc_config_free). CP_ENOTFOUND when
 * oidc.issuer is unset (single sign-on is off); CP_EUSAGE when it is set
 * but the client id or secret is missing.
 */
int cp_oidc_config_load(struct cp_oidc_config **out, struct cp_store *st,
			struct cp_error *err);
void cp_oidc_config_free(struct cp_oidc_config *c);

/*
 * Loads what single sign-on calls (cjose and libcurl, opened at their
 * first use: lazy.h) now, on the calling thread: serve does it before its
 * threads start, so a broken installation stops it at start-up and not
 * at someone's first sign-in. Reports a failed libcurl set-up.
 */
int cp_oidc_load_libraries(struct cp_error *err);

/* A provider as its discovery document and JWKS describe it. */
struct cp_oidc_provider;

/*
 * Fetches cfg->issuer's /.well-known/openid-configuration, checks that it
 * names exactly cfg->issuer and has https endpoints (http only on this
 * machine), and fetches its JWKS. *out is the caller's: keep it (a cache;
 * cp_oidc_provider_age says how old) and free it with
 * cp_oidc_provider_free. CP_EUNAVAIL when the provider cannot be reached,
 * CP_EDATA when what it serves is wrong.
 */
int cp_oidc_discover(struct cp_oidc_provider **out,
		     const struct cp_oidc_config *cfg, int64_t now,
		     struct cp_error *err);
void cp_oidc_provider_free(struct cp_oidc_provider *p);

/*
 * As cp_oidc_discover, from the texts of a discovery document and a JWKS
 * already at hand (a copy kept on disk, a test): the same checks, no
 * request.
 */
int cp_oidc_provider_load(struct cp_oidc_provider **out,
			  const struct cp_oidc_config *cfg,
			  const char *discovery, const char *jwks, int64_t now,
			  struct cp_error *err);

/* Seconds since p was fetched. */
int64_t cp_oidc_provider_age(const struct cp_oidc_provider *p, int64_t now);

/*
 * Starts a sign-in: makes a random state, nonce and PKCE verifier, records
 * them in st (the state only as its SHA-256) and gives the provider's
 * authorization URL (*url, malloc'ed) to redirect the browser to.
 *
 * binding is a secret the browser that begins holds and brings back to
 * the callback, in an HttpOnly, SameSite=Lax cookie (the portal's
 * pre-session token): only its SHA-256 is kept, and cp_oidc_redeem
 * refuses a callback without it, so nobody can finish a sign-in in
 * someone else's browser (login CSRF). At least 16 characters.
 */
int cp_oidc_begin(struct cp_store *st, const struct cp_oidc_config *cfg,
		  const struct cp_oidc_provider *p, const char *binding,
		  int64_t now, char **url, char state[CP_OIDC_RANDOM_LEN + 1],
		  struct cp_error *err);

/* What came back to the callback route: its query parameters (NULL when
 * absent) and the browser's secret that cp_oidc_begin was given. */
struct cp_oidc_callback {
	const char *code;
	const char *state;
	const char *iss; /* RFC 9207, when the provider sends it */
	const char *error;
	const char *error_description;
	const char *binding;
};

/*
 * Finishes a sign-in: cp_oidc_redeem, then cp_oidc_verify. email
 * receives the verified address, and is "" on every failure.
 */
int cp_oidc_finish(struct cp_store *st, const struct cp_oidc_config *cfg,
		   struct cp_oidc_provider *p,
		   const struct cp_oidc_callback *cb, int64_t now,
		   char email[CP_OIDC_EMAIL_MAX + 1], struct cp_error *err);

/*
 * The first half of cp_oidc_finish: refuses a provider error, a missing
 * state or code, a state not begun here or already used (each is taken
 * once, also when the rest fails), one begun in another browser (binding
 * differs), one older than CP_OIDC_MAX_AGE and an iss parameter that is
 * not the issuer; then
 * exchanges the code (with the PKCE verifier and the client secret) at
 * the token endpoint. *id_token and *nonce (the one the sign-in began
 * with) are malloc'ed, NULL on failure; so is *access_token, NULL also
 * when the provider gave no bearer token. CP_ECONFLICT for a refused
 * callback, CP_EUNAVAIL or CP_EDATA for the token endpoint.
 */
int cp_oidc_redeem(struct cp_store *st, const struct cp_oidc_config *cfg,
		   const struct cp_oidc_provider *p,
		   const struct cp_oidc_callback *cb, int64_t now,
		   char **id_token, char **access_token, char **nonce,
		   struct cp_error *err);

/*
 * Verifies id_token: a JWS signed with RS*, PS* or ES* (never none or a
 * shared secret) by a key of p's JWKS (by kid), then its claims: iss is
 * cfg->issuer exactly, aud holds cfg->client_id (and azp is it when
 * there are several audiences or azp is present), exp not passed and iat
 * not in the future nor older than CP_OIDC_MAX_AGE (CP_OIDC_SKEW allowed
 * either way), nonce equal, sub present. Then the address: the ID
 * token's email or, when it has none and access_token is given, that of
 * the provider's userinfo (which must be about the same sub); present,
 * an address, and by oidc.email_verified, email_verified true. CP_EDATA
 * for any failure, the message naming the check; CP_ENOTFOUND when the
 * token names a key p's JWKS has not (the provider may have rotated its
 * keys: discover again); CP_EUNAVAIL when userinfo cannot be reached.
 */
int cp_oidc_verify(const struct cp_oidc_config *cfg,
		   const struct cp_oidc_provider *p, const char *id_token,
		   const char *access_token, const char *nonce, int64_t now,
		   char email[CP_OIDC_EMAIL_MAX + 1], struct cp_error *err);

/* PKCE (RFC 7636): the S256 code challenge of verifier, base64url. */
int cp_oidc_pkce_challenge(const char *verifier,
			   char out[CP_OIDC_RANDOM_LEN + 1],
			   struct cp_error *err);

#endif
