/*
 * oidc.c - the OpenID Connect relying party of oidc.h. JOSE (JWK import,
 * JWS verification) is cjose's, the one file that includes it; JSON is
 * jansson's, HTTP the delivery layer's client over libcurl.
 */
#include "oidc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cjose_lazy.h"
#include "config.h"
#include "crypto.h"
#include "deliver.h"
#include "http_client.h"
#include "i18n.h"
#include "lazy.h"
#include "store.h"
#include "text.h"

#ifndef CP_CJOSE_SONAME
#define CP_CJOSE_SONAME "libcjose.so.0"
#endif

static struct cp_cjose_api cjose_fns;
static pthread_once_t cjose_fns_once = PTHREAD_ONCE_INIT;

static void cjose_fns_load(void)
{
	void *lib;

	cp_lazy_setup_begin();
	lib = cp_lazy_open(CP_CJOSE_SONAME);
#define CP_CJOSE_LOAD(f)                                                       \
	*(void **)&cjose_fns.p_##f = cp_lazy_sym(lib, CP_CJOSE_SONAME, #f);
	CP_CJOSE_FUNCTIONS(CP_CJOSE_LOAD)
#undef CP_CJOSE_LOAD
	cp_lazy_setup_end();
}

const struct cp_cjose_api *cp_cjose_api(void)
{
	(void)pthread_once(&cjose_fns_once, cjose_fns_load);
	return &cjose_fns;
}

int cp_oidc_load_libraries(struct cp_error *err)
{
	(void)cp_cjose_api();
	return cp_deliver_global_init(err);
}

/* Caps on what a provider may send. */
#define DOC_MAX	     (256u * 1024u)
#define TOKEN_MAX    (64u * 1024u)
#define HTTP_TIMEOUT 15L
#define MAX_KEYS     32

struct key {
	cjose_jwk_t *jwk;
	char *kid; /* NULL when the JWK has none */
	char *alg; /* NULL when the JWK does not restrict it */
};

struct cp_oidc_provider {
	char *issuer;
	char *authorization_endpoint;
	char *token_endpoint;
	char *jwks_uri;
	char *userinfo_endpoint; /* NULL when the provider has none */
	struct key keys[MAX_KEYS];
	size_t nkeys;
	int64_t fetched_at;
};

/* ---- small helpers ---- */

/* base64url without padding (RFC 4648 section 5, as JOSE and PKCE use). */
static void b64url(const void *data, size_t n, char *out)
{
	size_t len = cp_base64(data, n, out);

	while (len > 0 && out[len - 1] == '=')
		out[--len] = '\0';
	for (char *c = out; *c; c++)
		*c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
}

/* 32 random bytes as CP_OIDC_RANDOM_LEN base64url characters. */
static int random_text(char out[CP_OIDC_RANDOM_LEN + 1], struct cp_error *err)
{
	uint8_t raw[32];
	char text[48];
	int rc = cp_random_bytes(raw, sizeof(raw), err);

	if (rc)
		return rc;
	b64url(raw, sizeof(raw), text);
	cp_wipe(raw, sizeof(raw));
	cp_strlcpy(out, text, CP_OIDC_RANDOM_LEN + 1);
	cp_wipe(text, sizeof(text));
	return 0;
}

/* Appends s percent-encoded for a query or form value (RFC 3986
 * unreserved characters stay as they are). */
static int form_escape(struct cp_buf *b, const char *s, struct cp_error *err)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (const unsigned char *c = (const unsigned char *)s; *c && !rc;
	     c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || strchr("-._~", *c)) {
			rc = cp_buf_addc(b, (char)*c, err);
		} else {
			char e[4] = {'%', hex[*c >> 4], hex[*c & 15], '\0'};

			rc = cp_buf_adds(b, e, err);
		}
	}
	return rc;
}

/* "&name=value" (no "&" when first), value percent-encoded. */
static int add_param(struct cp_buf *b, bool first, const char *name,
		     const char *value, struct cp_error *err)
{
	int rc = cp_buf_printf(b, err, "%s%s=", first ? "" : "&", name);

	return rc ? rc : form_escape(b, value, err);
}

/* A string member of a JSON object, or NULL. Borrowed from o. */
static const char *member(json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

static int set_dup(char **dst, const char *src, struct cp_error *err)
{
	if ((*dst = cp_strdup(src)) == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	return 0;
}

/* ---- configuration ---- */

void cp_oidc_config_free(struct cp_oidc_config *c)
{
	if (c == NULL)
		return;
	free(c->issuer);
	free(c->client_id);
	if (c->client_secret) {
		cp_wipe(c->client_secret, strlen(c->client_secret));
		free(c->client_secret);
	}
	free(c->redirect_url);
	free(c->scopes);
	free(c->ca_file);
	free(c);
}

int cp_oidc_config_load(struct cp_oidc_config **out, struct cp_store *st,
			struct cp_error *err)
{
	struct cp_oidc_config *c = calloc(1, sizeof(*c));
	char *auth = NULL, *verified = NULL, *base = NULL;
	struct cp_buf b;
	int rc;

	*out = NULL;
	if (c == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	cp_buf_init(&b, 8192);
	rc = cp_config_get(st, "oidc.issuer", &c->issuer, NULL, err);
	if (rc == 0 && c->issuer == NULL)
		rc = cp_error_set(err, CP_ENOTFOUND,
				  N_("single sign-on is not configured (set "
				     "oidc.issuer)"));
	rc = rc ? rc
		: cp_config_get(st, "oidc.client_id", &c->client_id, NULL, err);
	if (rc == 0 && c->client_id == NULL)
		rc =
		    cp_error_set(err, CP_EUSAGE,
				 N_("oidc.client_id is not set: single sign-on "
				    "needs the client id the provider gave"));
	rc = rc ? rc
		: cp_config_secret(st, "oidc.client_secret", &c->client_secret,
				   err);
	if (rc == 0 && (c->client_secret == NULL || !*c->client_secret))
		rc = cp_error_set(err, CP_EUSAGE,
				  N_("no OpenID Connect client secret: set "
				     "CAREPULSE_OIDC_CLIENT_SECRET or "
				     "oidc.client_secret_file"));
	rc = rc ? rc : cp_config_get(st, "oidc.scopes", &c->scopes, NULL, err);
	rc = rc ? rc : cp_config_get(st, "oidc.client_auth", &auth, NULL, err);
	rc =
	    rc ? rc
	       : cp_config_get(st, "oidc.email_verified", &verified, NULL, err);
	rc = rc ? rc : cp_config_get(st, "tls.ca_file", &c->ca_file, NULL, err);
	rc = rc ? rc
		: cp_config_get(st, "oidc.redirect_url", &c->redirect_url, NULL,
				err);
	if (rc == 0 && c->redirect_url == NULL) {
		rc = cp_config_get(st, "base_url", &base, NULL, err);
		if (rc == 0) {
			size_t n = strlen(base);

			while (n > 0 && base[n - 1] == '/')
				base[--n] = '\0';
			rc = cp_buf_printf(&b, err, "%s%s", base,
					   CP_OIDC_CALLBACK_PATH);
			if (rc == 0 &&
			    (c->redirect_url = cp_buf_detach(&b)) == NULL)
				rc = cp_error_set(err, CP_ENOMEM,
						  "out of memory");
		}
	}
	if (rc == 0) {
		c->basic = auth == NULL || strcmp(auth, "post") != 0;
		c->email_verified_required =
		    verified == NULL || strcmp(verified, "when_present") != 0;
		*out = c;
	} else {
		cp_oidc_config_free(c);
	}
	free(auth);
	free(verified);
	free(base);
	cp_buf_release(&b);
	return rc;
}

/* ---- discovery ---- */

static int http_open(struct cp_http_client **h,
		     const struct cp_oidc_config *cfg, struct cp_error *err)
{
	int rc = cp_http_client_open(h, HTTP_TIMEOUT, err);

	if (rc == 0 && cfg->ca_file &&
	    (rc = cp_http_client_ca(*h, cfg->ca_file, err))) {
		cp_http_client_free(*h);
		*h = NULL;
	}
	return rc;
}

static int not_object(bool jwks, struct cp_error *err)
{
	return cp_error_set(
	    err, CP_EDATA,
	    jwks ? N_("the provider's JWKS is not a JSON object")
		 : N_("the provider's discovery document is not a JSON "
		      "object"));
}

/* GETs url as JSON into *out (the caller's: json_decref): the JWKS when
 * jwks, else the discovery document, as messages name it. */
static int get_json(struct cp_http_client *h, const char *url, bool jwks,
		    json_t **out, struct cp_error *err)
{
	struct cp_http_request rq = {.url = url, .accept = "application/json"};
	json_error_t je;
	struct cp_buf body;
	long status;
	int rc;

	*out = NULL;
	cp_buf_init(&body, DOC_MAX);
	if ((rc = cp_http_fetch(h, &rq, &body, &status, err)))
		cp_error_prefix(
		    err, "%s",
		    cp_gettext_error(
			jwks ? N_("cannot fetch the provider's JWKS")
			     : N_("cannot fetch the provider's discovery "
				  "document")));
	if (rc == 0 && status != 200)
		rc = cp_error_set(
		    err, CP_EUNAVAIL,
		    jwks ? N_("the provider's JWKS answered HTTP %ld")
			 : N_("the provider's discovery document answered "
			      "HTTP %ld"),
		    status);
	if (rc == 0 &&
	    (*out = json_loadb(cp_buf_str(&body), body.len, 0, &je)) == NULL)
		rc = cp_error_set(
		    err, CP_EDATA,
		    /* TRANSLATORS: %s is jansson's own words (English). */
		    jwks ? N_("the provider's JWKS is not JSON: %s")
			 /* TRANSLATORS: %s is jansson's own words (English). */
			 : N_("the provider's discovery document is not "
			      "JSON: %s"),
		    je.text);
	else if (rc == 0 && !json_is_object(*out))
		rc = not_object(jwks, err);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	cp_buf_release(&body);
	return rc;
}

/* An endpoint of the discovery document: present, and a URL carepulse
 * may talk to. */
static int endpoint(json_t *doc, const char *name, char **out,
		    struct cp_error *err)
{
	const char *v = member(doc, name);

	if (v == NULL)
		return cp_error_set(
		    err, CP_EDATA,
		    /* TRANSLATORS: %s is a member's name in the provider's
		     * document ("token_endpoint"); it stays as it is. */
		    N_("the provider's discovery document has no "
		       "%s"),
		    name);
	if (!cp_http_url_allowed(v))
		return cp_error_set(
		    err, CP_EDATA,
		    /* TRANSLATORS: the member's name ("token_endpoint")
		     * and its URL. */
		    N_("the provider's %s '%s' must be https:// "
		       "(http:// only on this machine)"),
		    name, v);
	return set_dup(out, v, err);
}

/* Whether array (of strings) holds s; true when the array is absent. */
static bool lists(json_t *doc, const char *name, const char *s)
{
	json_t *a = json_object_get(doc, name);

	if (!json_is_array(a))
		return true;
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *v = json_string_value(json_array_get(a, i));

		if (v && strcmp(v, s) == 0)
			return true;
	}
	return false;
}

static void keys_free(struct cp_oidc_provider *p)
{
	for (size_t i = 0; i < p->nkeys; i++) {
		cjose_jwk_release(p->keys[i].jwk);
		free(p->keys[i].kid);
		free(p->keys[i].alg);
	}
	p->nkeys = 0;
}

/* Imports the signing keys of a JWKS: a key marked for another use, of a
 * kind cjose does not know or malformed is left out. */
static int import_keys(struct cp_oidc_provider *p, json_t *jwks,
		       struct cp_error *err)
{
	json_t *keys = json_object_get(jwks, "keys");

	if (!json_is_array(keys))
		return cp_error_set(
		    err, CP_EDATA, N_("the provider's JWKS has no keys array"));
	for (size_t i = 0; i < json_array_size(keys); i++) {
		json_t *k = json_array_get(keys, i);
		const char *use = member(k, "use");
		char *text;
		cjose_err ce;
		cjose_jwk_t *jwk;

		if (p->nkeys == MAX_KEYS || !json_is_object(k) ||
		    (use && strcmp(use, "sig")))
			continue;
		if ((text = json_dumps(k, JSON_COMPACT)) == NULL)
			return cp_error_set(err, CP_ENOMEM, "out of memory");
		jwk = cjose_jwk_import(text, strlen(text), &ce);
		free(text);
		if (jwk == NULL)
			continue;
		p->keys[p->nkeys].jwk = jwk;
		p->nkeys++;
		if ((member(k, "kid") && (p->keys[p->nkeys - 1].kid = cp_strdup(
					      member(k, "kid"))) == NULL) ||
		    (member(k, "alg") && (p->keys[p->nkeys - 1].alg = cp_strdup(
					      member(k, "alg"))) == NULL))
			return cp_error_set(err, CP_ENOMEM, "out of memory");
	}
	if (p->nkeys == 0)
		return cp_error_set(err, CP_EDATA,
				    N_("the provider's JWKS has no signing key "
				       "carepulse can use"));
	return 0;
}

void cp_oidc_provider_free(struct cp_oidc_provider *p)
{
	if (p == NULL)
		return;
	keys_free(p);
	free(p->issuer);
	free(p->authorization_endpoint);
	free(p->token_endpoint);
	free(p->jwks_uri);
	free(p->userinfo_endpoint);
	free(p);
}

int64_t cp_oidc_provider_age(const struct cp_oidc_provider *p, int64_t now)
{
	return now - p->fetched_at;
}

/* The discovery document's checks and endpoints into p. */
static int use_discovery(struct cp_oidc_provider *p,
			 const struct cp_oidc_config *cfg, json_t *doc,
			 struct cp_error *err)
{
	const char *issuer = member(doc, "issuer");
	int rc = 0;

	if (issuer == NULL || strcmp(issuer, cfg->issuer) != 0)
		rc = cp_error_set(
		    err, CP_EDATA,
		    N_("the provider's discovery document names the "
		       "issuer '%s', not oidc.issuer '%s' (they "
		       "must be exactly equal)"),
		    issuer ? issuer : "", cfg->issuer);
	rc = rc ? rc : set_dup(&p->issuer, cfg->issuer, err);
	rc = rc ? rc
		: endpoint(doc, "authorization_endpoint",
			   &p->authorization_endpoint, err);
	rc = rc ? rc : endpoint(doc, "token_endpoint", &p->token_endpoint, err);
	rc = rc ? rc : endpoint(doc, "jwks_uri", &p->jwks_uri, err);
	if (rc == 0 && member(doc, "userinfo_endpoint"))
		rc = endpoint(doc, "userinfo_endpoint", &p->userinfo_endpoint,
			      err);
	if (rc == 0 && !lists(doc, "code_challenge_methods_supported", "S256"))
		rc = cp_error_set(
		    err, CP_EDATA,
		    N_("the provider does not offer PKCE with S256 "
		       "(code_challenge_methods_supported)"));
	if (rc == 0 && !lists(doc, "response_types_supported", "code"))
		rc = cp_error_set(err, CP_EDATA,
				  N_("the provider does not offer the "
				     "authorization code flow "
				     "(response_types_supported)"));
	return rc;
}

int cp_oidc_discover(struct cp_oidc_provider **out,
		     const struct cp_oidc_config *cfg, int64_t now,
		     struct cp_error *err)
{
	struct cp_oidc_provider *p = calloc(1, sizeof(*p));
	struct cp_http_client *h = NULL;
	json_t *doc = NULL, *jwks = NULL;
	struct cp_buf url;
	size_t n = strlen(cfg->issuer);
	int rc;

	*out = NULL;
	if (p == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	cp_buf_init(&url, 8192);
	/* OpenID Connect Discovery 1.0, section 4: a trailing / is dropped
	 * before the well-known path is added. */
	if (n > 0 && cfg->issuer[n - 1] == '/')
		n--;
	rc = cp_buf_printf(&url, err, "%.*s/.well-known/openid-configuration",
			   (int)n, cfg->issuer);
	rc = rc ? rc : http_open(&h, cfg, err);
	rc = rc ? rc : get_json(h, cp_buf_str(&url), false, &doc, err);
	rc = rc ? rc : use_discovery(p, cfg, doc, err);
	rc = rc ? rc : get_json(h, p->jwks_uri, true, &jwks, err);
	rc = rc ? rc : import_keys(p, jwks, err);
	if (rc == 0) {
		p->fetched_at = now;
		*out = p;
	} else {
		cp_oidc_provider_free(p);
	}
	json_decref(doc);
	json_decref(jwks);
	cp_http_client_free(h);
	cp_buf_release(&url);
	return rc;
}

int cp_oidc_provider_load(struct cp_oidc_provider **out,
			  const struct cp_oidc_config *cfg,
			  const char *discovery, const char *jwks, int64_t now,
			  struct cp_error *err)
{
	struct cp_oidc_provider *p = calloc(1, sizeof(*p));
	json_t *doc = json_loads(discovery, 0, NULL);
	json_t *keys = json_loads(jwks, 0, NULL);
	int rc = 0;

	*out = NULL;
	if (p == NULL)
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	else if (!json_is_object(doc) || !json_is_object(keys))
		rc = not_object(json_is_object(doc), err);
	rc = rc ? rc : use_discovery(p, cfg, doc, err);
	rc = rc ? rc : import_keys(p, keys, err);
	if (rc == 0) {
		p->fetched_at = now;
		*out = p;
	} else {
		cp_oidc_provider_free(p);
	}
	json_decref(doc);
	json_decref(keys);
	return rc;
}

/* ---- begin ---- */

int cp_oidc_pkce_challenge(const char *verifier,
			   char out[CP_OIDC_RANDOM_LEN + 1],
			   struct cp_error *err)
{
	uint8_t digest[CP_SHA256_LEN];
	char text[48];
	size_t n = strlen(verifier);

	out[0] = '\0';
	/* RFC 7636 section 4.1: 43 to 128 unreserved characters. */
	if (n < 43 || n > 128 ||
	    strspn(verifier,
		   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx"
		   "yz0123456789-._~") != n)
		return cp_error_set(err, CP_EUSAGE,
				    N_("a PKCE code verifier must be 43 to 128 "
				       "unreserved characters"));
	if (cp_sha256(verifier, n, digest))
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	b64url(digest, sizeof(digest), text);
	cp_strlcpy(out, text, CP_OIDC_RANDOM_LEN + 1);
	return 0;
}

int cp_oidc_begin(struct cp_store *st, const struct cp_oidc_config *cfg,
		  const struct cp_oidc_provider *p, const char *binding,
		  int64_t now, char **url, char state[CP_OIDC_RANDOM_LEN + 1],
		  struct cp_error *err)
{
	char nonce[CP_OIDC_RANDOM_LEN + 1], verifier[CP_OIDC_RANDOM_LEN + 1];
	char challenge[CP_OIDC_RANDOM_LEN + 1];
	uint8_t hash[CP_SHA256_LEN], bound[CP_SHA256_LEN];
	struct cp_buf b;
	int rc;

	*url = NULL;
	state[0] = '\0';
	if (binding == NULL || strlen(binding) < 16)
		return cp_error_set(err, CP_EUSAGE,
				    N_("a sign-in must be bound to a secret of "
				       "the browser (16 characters or more)"));
	cp_buf_init(&b, 16384);
	rc = random_text(state, err);
	rc = rc ? rc : random_text(nonce, err);
	rc = rc ? rc : random_text(verifier, err);
	rc = rc ? rc : cp_oidc_pkce_challenge(verifier, challenge, err);
	if (rc == 0 && (cp_sha256(state, strlen(state), hash) ||
			cp_sha256(binding, strlen(binding), bound)))
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	rc = rc ? rc
		: cp_store_oidc_pending_add(st, hash, nonce, verifier, bound,
					    now, now - CP_OIDC_MAX_AGE,
					    CP_OIDC_MAX_PENDING, err);
	rc = rc ? rc
		: cp_buf_printf(&b, err, "%s%c", p->authorization_endpoint,
				strchr(p->authorization_endpoint, '?') ? '&'
								       : '?');
	rc = rc ? rc : add_param(&b, true, "response_type", "code", err);
	rc = rc ? rc : add_param(&b, false, "client_id", cfg->client_id, err);
	rc = rc ? rc
		: add_param(&b, false, "redirect_uri", cfg->redirect_url, err);
	rc = rc ? rc : add_param(&b, false, "scope", cfg->scopes, err);
	rc = rc ? rc : add_param(&b, false, "state", state, err);
	rc = rc ? rc : add_param(&b, false, "nonce", nonce, err);
	rc = rc ? rc : add_param(&b, false, "code_challenge", challenge, err);
	rc = rc ? rc
		: add_param(&b, false, "code_challenge_method", "S256", err);
	if (rc == 0 && (*url = cp_buf_detach(&b)) == NULL)
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	if (rc)
		state[0] = '\0';
	cp_wipe(verifier, sizeof(verifier));
	cp_buf_release(&b);
	return rc;
}

/* ---- finish ---- */

/* Why the token endpoint refused, from its error answer (RFC 6749 5.2). */
static int token_refused(const struct cp_buf *body, long status,
			 struct cp_error *err)
{
	json_t *o = json_loadb(cp_buf_str(body), body->len, 0, NULL);
	const char *code = o ? member(o, "error") : NULL;
	const char *why = o ? member(o, "error_description") : NULL;
	int rc;

	if (code)
		rc = cp_error_set(
		    err, CP_ECONFLICT,
		    /* TRANSLATORS: the provider's error code, " - " and its own
		     * description (in the provider's words). */
		    N_("the provider's token endpoint refused the "
		       "code: %s%s%s"),
		    code, why ? " - " : "", why ? why : "");
	else
		rc = cp_error_set(
		    err, CP_EUNAVAIL,
		    N_("the provider's token endpoint answered HTTP "
		       "%ld"),
		    status);
	json_decref(o);
	return rc;
}

/* Exchanges code at the token endpoint; *id_token malloc'ed. */
static int exchange(const struct cp_oidc_config *cfg,
		    const struct cp_oidc_provider *p, const char *code,
		    const char *verifier, char **id_token, char **access_token,
		    struct cp_error *err)
{
	struct cp_http_client *h = NULL;
	struct cp_buf form, user, pass, body;
	struct cp_http_request rq = {.url = p->token_endpoint,
				     .accept = "application/json",
				     .content_type =
					 "application/x-www-form-urlencoded"};
	json_t *o = NULL;
	long status = 0;
	int rc;

	*id_token = *access_token = NULL;
	cp_buf_init(&form, 16384);
	cp_buf_init(&user, 4096);
	cp_buf_init(&pass, 4096);
	cp_buf_init(&body, TOKEN_MAX);
	rc = add_param(&form, true, "grant_type", "authorization_code", err);
	rc = rc ? rc : add_param(&form, false, "code", code, err);
	rc = rc ? rc
		: add_param(&form, false, "redirect_uri", cfg->redirect_url,
			    err);
	rc = rc ? rc : add_param(&form, false, "code_verifier", verifier, err);
	rc =
	    rc ? rc : add_param(&form, false, "client_id", cfg->client_id, err);
	if (cfg->basic) {
		/* RFC 6749 2.3.1: both form-encoded, then HTTP Basic. */
		rc = rc ? rc : form_escape(&user, cfg->client_id, err);
		rc = rc ? rc : form_escape(&pass, cfg->client_secret, err);
		rq.user = cp_buf_str(&user);
		rq.password = cp_buf_str(&pass);
	} else {
		rc = rc ? rc
			: add_param(&form, false, "client_secret",
				    cfg->client_secret, err);
	}
	rq.body = cp_buf_str(&form);
	rq.len = form.len;
	rc = rc ? rc : http_open(&h, cfg, err);
	if (rc == 0 && (rc = cp_http_fetch(h, &rq, &body, &status, err)))
		cp_error_prefix(
		    err, "%s",
		    cp_gettext_error(N_("the provider's token endpoint")));
	if (rc == 0 && status != 200)
		rc = token_refused(&body, status, err);
	if (rc == 0 &&
	    ((o = json_loadb(cp_buf_str(&body), body.len, 0, NULL)) == NULL ||
	     member(o, "id_token") == NULL))
		rc = cp_error_set(err, CP_EDATA,
				  N_("the provider's token endpoint gave no "
				     "id_token"));
	rc = rc ? rc : set_dup(id_token, member(o, "id_token"), err);
	/* The access token serves only to ask userinfo for the e-mail
	 * address, and only a bearer token can. */
	if (rc == 0 && member(o, "access_token") && member(o, "token_type") &&
	    strcasecmp(member(o, "token_type"), "Bearer") == 0)
		rc = set_dup(access_token, member(o, "access_token"), err);
	if (rc) {
		free(*id_token);
		*id_token = NULL;
	}
	json_decref(o);
	cp_http_client_free(h);
	if (form.data)
		cp_wipe(form.data, form.len);
	if (pass.data)
		cp_wipe(pass.data, pass.len);
	cp_buf_release(&form);
	cp_buf_release(&user);
	cp_buf_release(&pass);
	if (body.data)
		cp_wipe(body.data, body.len);
	cp_buf_release(&body);
	return rc;
}

int cp_oidc_redeem(struct cp_store *st, const struct cp_oidc_config *cfg,
		   const struct cp_oidc_provider *p,
		   const struct cp_oidc_callback *cb, int64_t now,
		   char **id_token, char **access_token, char **nonce,
		   struct cp_error *err)
{
	uint8_t hash[CP_SHA256_LEN], bound[CP_SHA256_LEN],
	    brought[CP_SHA256_LEN];
	char *verifier = NULL;
	int64_t created = 0;
	bool found = false;
	int rc = 0;

	*id_token = *access_token = *nonce = NULL;
	if (cb->error)
		return cp_error_set(
		    err, CP_ECONFLICT,
		    /* TRANSLATORS: the provider's error code, " - " and its own
		     * description (in the provider's words). */
		    N_("the provider refused the sign-in: %s%s%s"), cb->error,
		    cb->error_description ? " - " : "",
		    cb->error_description ? cb->error_description : "");
	if (cb->state == NULL || cb->code == NULL || !*cb->code)
		return cp_error_set(err, CP_ECONFLICT,
				    N_("the callback has no state or no code"));
	if (cp_sha256(cb->state, strlen(cb->state), hash) ||
	    cp_sha256(cb->binding ? cb->binding : "",
		      cb->binding ? strlen(cb->binding) : 0, brought))
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	/* Taken whatever follows: a state serves one attempt. */
	if ((rc = cp_store_oidc_pending_take(st, hash, nonce, &verifier, bound,
					     &created, &found, err)))
		return rc;
	if (!found)
		rc = cp_error_set(err, CP_ECONFLICT,
				  N_("unknown or already used sign-in state"));
	else if (cb->binding == NULL ||
		 !cp_ct_equal(bound, brought, CP_SHA256_LEN))
		rc = cp_error_set(err, CP_ECONFLICT,
				  N_("the sign-in was begun in another browser "
				     "(its cookie is missing or different)"));
	else if (now - created > CP_OIDC_MAX_AGE)
		rc = cp_error_set(
		    err, CP_ECONFLICT,
		    cp_ngettext_error("the sign-in took longer than %d "
				      "minute: start again",
				      "the sign-in took longer than %d "
				      "minutes: start again",
				      CP_OIDC_MAX_AGE / 60),
		    CP_OIDC_MAX_AGE / 60);
	else if (cb->iss && strcmp(cb->iss, p->issuer) != 0)
		rc = cp_error_set(err, CP_ECONFLICT,
				  N_("the callback names another issuer than "
				     "'%s'"),
				  p->issuer);
	rc = rc ? rc
		: exchange(cfg, p, cb->code, verifier, id_token, access_token,
			   err);
	if (verifier) {
		cp_wipe(verifier, strlen(verifier));
		free(verifier);
	}
	if (rc) {
		free(*nonce);
		*nonce = NULL;
	}
	return rc;
}

/* The key of p for a JWS of alg and kid (NULL when the header has none,
 * allowed only when exactly one key fits). */
static int find_key(const struct cp_oidc_provider *p, const char *alg,
		    const char *kid, const cjose_jwk_t **out,
		    struct cp_error *err)
{
	cjose_jwk_kty_t want =
	    alg[0] == 'E' ? CJOSE_JWK_KTY_EC : CJOSE_JWK_KTY_RSA;
	size_t fits = 0;

	*out = NULL;
	for (size_t i = 0; i < p->nkeys; i++) {
		const struct key *k = &p->keys[i];

		if (cjose_jwk_get_kty(k->jwk, NULL) != want ||
		    (k->alg && strcmp(k->alg, alg) != 0) ||
		    (kid && (k->kid == NULL || strcmp(k->kid, kid) != 0)))
			continue;
		*out = k->jwk;
		fits++;
	}
	if (fits == 1)
		return 0;
	*out = NULL;
	if (kid && fits == 0)
		return cp_error_set(
		    err, CP_ENOTFOUND,
		    N_("the ID token is signed with key '%s', "
		       "which the provider's JWKS has not for %s"),
		    kid, alg);
	return cp_error_set(
	    err, CP_EDATA,
	    /* TRANSLATORS: %s is the signature algorithm ("RS256"). */
	    cp_ngettext_error("the ID token names no key and "
			      "the provider's JWKS has %zu "
			      "key for %s",
			      "the ID token names no key and "
			      "the provider's JWKS has %zu "
			      "keys for %s",
			      fits),
	    fits, alg);
}

/* Whether the JWS algorithm is one carepulse accepts: public-key only. */
static bool alg_ok(const char *alg)
{
	static const char *const ok[] = {"RS256", "RS384", "RS512",
					 "PS256", "PS384", "PS512",
					 "ES256", "ES384", "ES512"};

	for (size_t i = 0; alg && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(alg, ok[i]) == 0)
			return true;
	return false;
}

/* A whole-number claim (NumericDate) into *out. */
static int time_claim(json_t *claims, const char *name, int64_t *out,
		      struct cp_error *err)
{
	json_t *v = json_object_get(claims, name);

	if (json_is_integer(v))
		*out = json_integer_value(v);
	else if (json_is_real(v))
		*out = (int64_t)json_real_value(v);
	else
		return cp_error_set(
		    err, CP_EDATA,
		    /* TRANSLATORS: %s is the claim's name ("exp"). */
		    N_("the ID token has no %s claim"), name);
	return 0;
}

/* aud holds the client id; azp is it when several audiences or present. */
static int check_audience(json_t *claims, const char *client_id,
			  struct cp_error *err)
{
	json_t *aud = json_object_get(claims, "aud");
	const char *azp = member(claims, "azp");
	bool found = false;
	size_t n = 1;

	if (json_is_string(aud)) {
		found = strcmp(json_string_value(aud), client_id) == 0;
	} else if (json_is_array(aud)) {
		n = json_array_size(aud);
		for (size_t i = 0; i < n; i++) {
			const char *v =
			    json_string_value(json_array_get(aud, i));

			found = found || (v && strcmp(v, client_id) == 0);
		}
	}
	if (!found)
		return cp_error_set(
		    err, CP_EDATA,
		    N_("the ID token's audience does not include "
		       "the client id '%s'"),
		    client_id);
	if ((n > 1 || json_object_get(claims, "azp")) &&
	    (azp == NULL || strcmp(azp, client_id) != 0))
		return cp_error_set(
		    err, CP_EDATA,
		    N_("the ID token's authorised party (azp) is "
		       "not the client id '%s'"),
		    client_id);
	return 0;
}

/* The ID token's claims after its signature: see cp_oidc_verify. */
static int check_claims(const struct cp_oidc_config *cfg, json_t *claims,
			const char *nonce, int64_t now, struct cp_error *err)
{
	const char *iss = member(claims, "iss"), *got = member(claims, "nonce");
	int64_t exp = 0, iat = 0;
	int rc;

	if (iss == NULL || strcmp(iss, cfg->issuer) != 0)
		return cp_error_set(err, CP_EDATA,
				    N_("the ID token's issuer '%s' is not "
				       "oidc.issuer '%s'"),
				    iss ? iss : "", cfg->issuer);
	if ((rc = check_audience(claims, cfg->client_id, err)) ||
	    (rc = time_claim(claims, "exp", &exp, err)) ||
	    (rc = time_claim(claims, "iat", &iat, err)))
		return rc;
	if (now > exp + CP_OIDC_SKEW)
		return cp_error_set(
		    err, CP_EDATA,
		    cp_ngettext_error("the ID token expired %lld second ago",
				      "the ID token expired %lld seconds ago",
				      (unsigned long)(now - exp)),
		    (long long)(now - exp));
	if (iat > now + CP_OIDC_SKEW)
		return cp_error_set(
		    err, CP_EDATA,
		    cp_ngettext_error("the ID token is issued %lld second in "
				      "the future (check the clocks)",
				      "the ID token is issued %lld seconds in "
				      "the future (check the clocks)",
				      (unsigned long)(iat - now)),
		    (long long)(iat - now));
	if (now - iat > CP_OIDC_MAX_AGE + CP_OIDC_SKEW)
		return cp_error_set(
		    err, CP_EDATA,
		    cp_ngettext_error("the ID token was issued %lld second "
				      "ago, longer than a sign-in may take",
				      "the ID token was issued %lld seconds "
				      "ago, longer than a sign-in may take",
				      (unsigned long)(now - iat)),
		    (long long)(now - iat));
	if (got == NULL || strlen(got) != strlen(nonce) ||
	    !cp_ct_equal(got, nonce, strlen(nonce)))
		return cp_error_set(
		    err, CP_EDATA,
		    N_("the ID token's nonce is not the one this "
		       "sign-in sent"));
	if (member(claims, "sub") == NULL || !*member(claims, "sub"))
		return cp_error_set(err, CP_EDATA,
				    N_("the ID token has no subject (sub)"));
	return 0;
}

/* The address of claims (userinfo's when info, else the ID token's),
 * verified as oidc.email_verified asks, into email. */
static int take_email(const struct cp_oidc_config *cfg, json_t *claims,
		      bool info, char email[CP_OIDC_EMAIL_MAX + 1],
		      struct cp_error *err)
{
	const char *address = member(claims, "email");
	json_t *verified = json_object_get(claims, "email_verified");

	if (address == NULL || !*address)
		return cp_error_set(
		    err, CP_EDATA,
		    info ? N_("the provider's userinfo carries no email claim "
			      "(the provider must release it for the scope "
			      "email)")
			 : N_("the ID token carries no email claim (the "
			      "provider must release it for the scope email)"));
	if (strlen(address) > CP_OIDC_EMAIL_MAX || !cp_email_valid(address))
		return cp_error_set(
		    err, CP_EDATA,
		    info ? N_("the email '%.80s' of the provider's userinfo is "
			      "not an e-mail address")
			 : N_("the email '%.80s' of the ID token is not an "
			      "e-mail address"),
		    address);
	if (json_is_false(verified) ||
	    (json_is_string(verified) &&
	     strcmp(json_string_value(verified), "true") != 0))
		return cp_error_set(
		    err, CP_EDATA,
		    N_("the provider says the email '%s' is not "
		       "verified"),
		    address);
	if (verified == NULL && cfg->email_verified_required)
		return cp_error_set(
		    err, CP_EDATA,
		    info ? N_("the provider's userinfo does not say the email "
			      "'%s' is verified (email_verified; "
			      "oidc.email_verified=when_present accepts that)")
			 : N_("the ID token does not say the email '%s' is "
			      "verified (email_verified; "
			      "oidc.email_verified=when_present accepts that)"),
		    address);
	cp_strlcpy(email, address, CP_OIDC_EMAIL_MAX + 1);
	return 0;
}

/* The signature and claims of id_token; *claims is the caller's. */
static int verify_token(const struct cp_oidc_config *cfg,
			const struct cp_oidc_provider *p, const char *id_token,
			const char *nonce, int64_t now, json_t **claims,
			struct cp_error *err)
{
	cjose_err ce;
	cjose_jws_t *jws = cjose_jws_import(id_token, strlen(id_token), &ce);
	const cjose_jwk_t *jwk = NULL;
	const char *alg, *kid;
	cjose_header_t *hdr;
	uint8_t *plain = NULL;
	size_t plain_len = 0;
	int rc = 0;

	*claims = NULL;
	if (jws == NULL && ce.message)
		return cp_error_set(
		    err, CP_EDATA,
		    /* TRANSLATORS: %s is cjose's own words (English). */
		    N_("the ID token is not a signed JWT (%s)"), ce.message);
	if (jws == NULL)
		return cp_error_set(err, CP_EDATA,
				    N_("the ID token is not a signed JWT"));
	hdr = cjose_jws_get_protected(jws);
	alg = hdr ? cjose_header_get(hdr, CJOSE_HDR_ALG, NULL) : NULL;
	kid = hdr ? cjose_header_get(hdr, CJOSE_HDR_KID, NULL) : NULL;
	if (alg == NULL)
		rc = cp_error_set(err, CP_EDATA,
				  N_("the ID token names no signature "
				     "algorithm; carepulse accepts only RS*, "
				     "PS* and ES* signatures"));
	else if (!alg_ok(alg))
		rc = cp_error_set(err, CP_EDATA,
				  N_("the ID token is signed with '%s'; "
				     "carepulse accepts only RS*, PS* and ES* "
				     "signatures"),
				  alg);
	rc = rc ? rc : find_key(p, alg, kid, &jwk, err);
	if (rc == 0 && !cjose_jws_verify(jws, jwk, &ce))
		rc = cp_error_set(err, CP_EDATA,
				  N_("the ID token's signature does not verify "
				     "with the provider's key"));
	if (rc == 0 && !cjose_jws_get_plaintext(jws, &plain, &plain_len, &ce))
		rc = cp_error_set(err, CP_EDATA,
				  N_("the ID token has no claims"));
	/* A claim given twice is refused, not read as its last value. */
	if (rc == 0 &&
	    ((*claims = json_loadb((const char *)plain, plain_len,
				   JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	     !json_is_object(*claims)))
		rc = cp_error_set(err, CP_EDATA,
				  N_("the ID token's claims are not a JSON "
				     "object with each claim once"));
	rc = rc ? rc : check_claims(cfg, *claims, nonce, now, err);
	if (rc) {
		json_decref(*claims);
		*claims = NULL;
	}
	cjose_jws_release(jws);
	return rc;
}

/* The userinfo answer for access_token, about sub (OpenID Connect Core
 * 5.3): *out is the caller's. */
static int userinfo(const struct cp_oidc_config *cfg,
		    const struct cp_oidc_provider *p, const char *access_token,
		    const char *sub, json_t **out, struct cp_error *err)
{
	struct cp_http_client *h = NULL;
	struct cp_http_request rq = {.url = p->userinfo_endpoint,
				     .accept = "application/json",
				     .bearer = access_token};
	json_error_t je;
	struct cp_buf body;
	long status = 0;
	int rc;

	*out = NULL;
	cp_buf_init(&body, DOC_MAX);
	rc = http_open(&h, cfg, err);
	if (rc == 0 && (rc = cp_http_fetch(h, &rq, &body, &status, err)))
		cp_error_prefix(
		    err, "%s",
		    cp_gettext_error(N_("cannot ask the provider's userinfo")));
	if (rc == 0 && status != 200)
		rc = cp_error_set(
		    err, CP_EUNAVAIL,
		    N_("the provider's userinfo answered HTTP %ld"), status);
	if (rc == 0 &&
	    ((*out = json_loadb(cp_buf_str(&body), body.len,
				JSON_REJECT_DUPLICATES, &je)) == NULL ||
	     !json_is_object(*out)))
		rc = cp_error_set(
		    err, CP_EDATA,
		    N_("the provider's userinfo is not a JSON object "
		       "(a signed answer is not supported)"));
	/* Core 5.3.2: it must be about the ID token's subject. */
	if (rc == 0 && (member(*out, "sub") == NULL ||
			strcmp(member(*out, "sub"), sub) != 0))
		rc = cp_error_set(err, CP_EDATA,
				  N_("the provider's userinfo is about another "
				     "subject than the ID token"));
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	cp_http_client_free(h);
	cp_buf_release(&body);
	return rc;
}

int cp_oidc_verify(const struct cp_oidc_config *cfg,
		   const struct cp_oidc_provider *p, const char *id_token,
		   const char *access_token, const char *nonce, int64_t now,
		   char email[CP_OIDC_EMAIL_MAX + 1], struct cp_error *err)
{
	json_t *claims = NULL, *info = NULL;
	int rc;

	email[0] = '\0';
	rc = verify_token(cfg, p, id_token, nonce, now, &claims, err);
	if (rc == 0 && member(claims, "email") == NULL && access_token &&
	    p->userinfo_endpoint) {
		rc = userinfo(cfg, p, access_token, member(claims, "sub"),
			      &info, err);
		rc = rc ? rc : take_email(cfg, info, true, email, err);
	} else if (rc == 0) {
		rc = take_email(cfg, claims, false, email, err);
	}
	if (rc)
		email[0] = '\0';
	json_decref(claims);
	json_decref(info);
	return rc;
}

int cp_oidc_finish(struct cp_store *st, const struct cp_oidc_config *cfg,
		   struct cp_oidc_provider *p,
		   const struct cp_oidc_callback *cb, int64_t now,
		   char email[CP_OIDC_EMAIL_MAX + 1], struct cp_error *err)
{
	char *id_token = NULL, *access_token = NULL, *nonce = NULL;
	int rc;

	email[0] = '\0';
	rc = cp_oidc_redeem(st, cfg, p, cb, now, &id_token, &access_token,
			    &nonce, err);
	rc = rc ? rc
		: cp_oidc_verify(cfg, p, id_token, access_token, nonce, now,
				 email, err);
	free(id_token);
	if (access_token) {
		cp_wipe(access_token, strlen(access_token));
		free(access_token);
	}
	free(nonce);
	return rc;
}
