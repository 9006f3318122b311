/*
 * test_oidc.c - single sign-on (core/access/oidc.c) without a provider:
 * PKCE by RFC 7636's own example, the settings, the checks on a discovery
 * document, and the state and nonce of a begun sign-in (random, stored
 * hashed, bound to the browser's cookie, used once, short-lived), and
 * the claim checks on ID tokens signed here with a key made for the test
 * (cjose signs them: the test's only use of it). The flow against a real
 * provider is tests/e2e/oidc.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjose/cjose.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "fixture.h"
#include "oidc.h"
#include "store.h"

#define NOW	1767225600 /* 2026-01-01 */
#define BINDING "the-browser-secret-0123456789"

/* RFC 7517 appendix A.1: an RSA public key. */
static const char jwks[] =
    "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"2011-04-29\",\"alg\":\"RS256\","
    "\"e\":\"AQAB\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78"
    "LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs"
    "tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2Qvzq"
    "Y368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLy"
    "rdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-cs"
    "FCur-kEgU8awapJzKnqDKgw\"}]}";

/* A provider on a port nothing listens on: a code exchange fails fast. */
#define ISSUER "http://127.0.0.1:1"
static const char discovery[] =
    "{\"issuer\":\"" ISSUER "\","
    "\"authorization_endpoint\":\"" ISSUER "/auth\","
    "\"token_endpoint\":\"" ISSUER "/token\","
    "\"jwks_uri\":\"" ISSUER "/jwks\","
    "\"response_types_supported\":[\"code\"],"
    "\"code_challenge_methods_supported\":[\"S256\"]}";

struct fixture {
	struct cp_fixture fx;
	struct cp_oidc_config *cfg;
	struct cp_oidc_provider *p;
};

static const char *const env_vars[] = {
    "CAREPULSE_OIDC_ISSUER",	     "CAREPULSE_OIDC_CLIENT_ID",
    "CAREPULSE_OIDC_CLIENT_SECRET",  "CAREPULSE_OIDC_CLIENT_SECRET_FILE",
    "CAREPULSE_OIDC_REDIRECT_URL",   "CAREPULSE_OIDC_CLIENT_AUTH",
    "CAREPULSE_OIDC_EMAIL_VERIFIED", "CAREPULSE_BASE_URL",
    "CAREPULSE_OIDC_SCOPES",
};

static void clear_env(void)
{
	for (size_t i = 0; i < sizeof(env_vars) / sizeof(env_vars[0]); i++)
		unsetenv(env_vars[i]);
}

/* The settings, a fresh store and the provider of discovery with keys. */
static int open_fixture(struct fixture *f, const char *keys)
{
	struct cp_error err;

	clear_env();
	setenv("CAREPULSE_OIDC_ISSUER", ISSUER, 1);
	setenv("CAREPULSE_OIDC_CLIENT_ID", "carepulse", 1);
	setenv("CAREPULSE_OIDC_CLIENT_SECRET", "s3cret", 1);
	if (cp_fixture_setup(&f->fx, "oidc", CP_FIXTURE_STORE) ||
	    cp_oidc_config_load(&f->cfg, f->fx.s, &err) ||
	    cp_oidc_provider_load(&f->p, f->cfg, discovery, keys, NOW, &err))
		return -1;
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return f ? open_fixture(f, jwks) : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc;

	clear_env();
	cp_oidc_provider_free(f->p);
	cp_oidc_config_free(f->cfg);
	rc = cp_fixture_teardown(&f->fx);
	free(f);
	return rc;
}

/* RFC 7636 appendix B. */
static void test_pkce_rfc7636(void **state)
{
	char out[CP_OIDC_RANDOM_LEN + 1];
	struct cp_error err;

	(void)state;
	assert_int_equal(
	    cp_oidc_pkce_challenge(
		"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", out, &err),
	    0);
	assert_string_equal(out, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
	assert_int_equal(cp_oidc_pkce_challenge("too-short", out, &err),
			 CP_EUSAGE);
	assert_int_equal(
	    cp_oidc_pkce_challenge(
		"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk+", out, &err),
	    CP_EUSAGE);
}

static void test_config(void **state)
{
	struct cp_oidc_config *c = NULL;
	struct cp_error err;

	(void)state;
	clear_env();
	assert_int_equal(cp_oidc_config_load(&c, NULL, &err), CP_ENOTFOUND);
	assert_non_null(strstr(err.message, "oidc.issuer"));
	setenv("CAREPULSE_OIDC_ISSUER", ISSUER, 1);
	assert_int_equal(cp_oidc_config_load(&c, NULL, &err), CP_EUSAGE);
	assert_non_null(strstr(err.message, "oidc.client_id"));
	setenv("CAREPULSE_OIDC_CLIENT_ID", "carepulse", 1);
	assert_int_equal(cp_oidc_config_load(&c, NULL, &err), CP_EUSAGE);
	assert_non_null(strstr(err.message, "client secret"));
	setenv("CAREPULSE_OIDC_CLIENT_SECRET", "s3cret", 1);
	setenv("CAREPULSE_BASE_URL", "https://pulse.example.org/", 1);
	assert_int_equal(cp_oidc_config_load(&c, NULL, &err), 0);
	assert_string_equal(c->redirect_url,
			    "https://pulse.example.org/portal/oidc/callback");
	assert_string_equal(c->scopes, "openid email");
	assert_true(c->basic);
	assert_true(c->email_verified_required);
	cp_oidc_config_free(c);
	setenv("CAREPULSE_OIDC_SCOPES", "email profile", 1);
	assert_int_equal(cp_oidc_config_load(&c, NULL, &err), CP_EDATA);
	assert_non_null(strstr(err.message, "openid"));
	clear_env();
}

/* Loads discovery with from replaced by to; returns the code. */
static int load_changed(struct fixture *f, const char *from, const char *to,
			struct cp_error *err)
{
	struct cp_oidc_provider *p = NULL;
	struct cp_buf b;
	const char *at = strstr(discovery, from);
	int rc;

	assert_non_null(at);
	cp_buf_init(&b, 0);
	cp_buf_printf(&b, NULL, "%.*s%s%s", (int)(at - discovery), discovery,
		      to, at + strlen(from));
	rc = cp_oidc_provider_load(&p, f->cfg, cp_buf_str(&b), jwks, NOW, err);
	cp_oidc_provider_free(p);
	cp_buf_release(&b);
	return rc;
}

static void test_discovery_checks(void **state)
{
	struct fixture *f = *state;
	struct cp_oidc_provider *p = NULL;
	struct cp_error err;

	assert_int_equal(load_changed(f, "\"issuer\":\"" ISSUER "\"",
				      "\"issuer\":\"" ISSUER "/\"", &err),
			 CP_EDATA);
	assert_non_null(strstr(err.message, "exactly equal"));
	assert_int_equal(load_changed(f, ISSUER "/token",
				      "http://idp.example.org/token", &err),
			 CP_EDATA);
	assert_non_null(strstr(err.message, "token_endpoint"));
	assert_int_equal(load_changed(f, "[\"S256\"]", "[\"plain\"]", &err),
			 CP_EDATA);
	assert_non_null(strstr(err.message, "S256"));
	assert_int_equal(cp_oidc_provider_load(&p, f->cfg, discovery,
					       "{\"keys\":[{\"kty\":\"RSA\"}]}",
					       NOW, &err),
			 CP_EDATA);
	assert_null(p);
	assert_non_null(strstr(err.message, "no signing key"));
}

/* The value of name= in url into out. */
static void param(const char *url, const char *name, char *out, size_t n)
{
	char key[32];
	const char *at;

	snprintf(key, sizeof(key), "%s=", name);
	at = strstr(url, key);
	assert_non_null(at);
	at += strlen(key);
	snprintf(out, n, "%.*s", (int)strcspn(at, "&"), at);
}

static void test_begin(void **state)
{
	struct fixture *f = *state;
	char s1[CP_OIDC_RANDOM_LEN + 1], s2[CP_OIDC_RANDOM_LEN + 1];
	char v[128], *u1 = NULL, *u2 = NULL;
	struct cp_error err;

	assert_int_equal(
	    cp_oidc_begin(f->fx.s, f->cfg, f->p, BINDING, NOW, &u1, s1, &err),
	    0);
	assert_int_equal(
	    cp_oidc_begin(f->fx.s, f->cfg, f->p, BINDING, NOW, &u2, s2, &err),
	    0);
	assert_int_equal(strlen(s1), CP_OIDC_RANDOM_LEN);
	assert_string_not_equal(s1, s2);
	assert_true(strncmp(u1, ISSUER "/auth?response_type=code&", 38) == 0);
	param(u1, "state", v, sizeof(v));
	assert_string_equal(v, s1);
	param(u1, "redirect_uri", v, sizeof(v));
	assert_string_equal(
	    v, "http%3A%2F%2F127.0.0.1%3A8080%2Fportal%2Foidc%2Fcallback");
	param(u1, "scope", v, sizeof(v));
	assert_string_equal(v, "openid%20email");
	param(u1, "code_challenge_method", v, sizeof(v));
	assert_string_equal(v, "S256");
	param(u1, "nonce", v, sizeof(v));
	assert_int_equal(strlen(v), CP_OIDC_RANDOM_LEN);
	param(u2, "nonce", s2, sizeof(s2));
	assert_string_not_equal(v, s2);
	param(u1, "code_challenge", v, sizeof(v));
	assert_int_equal(strlen(v), CP_OIDC_RANDOM_LEN);
	free(u1);
	free(u2);
}

/* Begins a sign-in bound to BINDING at now; its state into s. */
static void begin(struct fixture *f, int64_t now,
		  char s[CP_OIDC_RANDOM_LEN + 1])
{
	struct cp_error err;
	char *url = NULL;

	assert_int_equal(
	    cp_oidc_begin(f->fx.s, f->cfg, f->p, BINDING, now, &url, s, &err),
	    0);
	assert_non_null(url);
	free(url);
}

/* Redeems state with the browser's cookie at now: the code, the message
 * in err. */
static int redeem(struct fixture *f, const char *state, const char *cookie,
		  const char *iss, int64_t now, struct cp_error *err)
{
	struct cp_oidc_callback cb = {
	    .code = "the-code", .state = state, .iss = iss, .binding = cookie};
	char *token = NULL, *access = NULL, *nonce = NULL;
	int rc = cp_oidc_redeem(f->fx.s, f->cfg, f->p, &cb, now, &token,
				&access, &nonce, err);

	assert_null(token);
	assert_null(access);
	assert_null(nonce);
	return rc;
}

static void test_state_used_once(void **state)
{
	struct fixture *f = *state;
	char s[CP_OIDC_RANDOM_LEN + 1], *url = NULL;
	struct cp_error err;

	/* Another browser's cookie, or none: refused, and the state is
	 * spent by the attempt. */
	begin(f, NOW, s);
	assert_int_equal(
	    redeem(f, s, "another-browser-0123456789", NULL, NOW, &err),
	    CP_ECONFLICT);
	assert_non_null(strstr(err.message, "another browser"));
	assert_int_equal(redeem(f, s, BINDING, NULL, NOW, &err), CP_ECONFLICT);
	assert_non_null(strstr(err.message, "unknown or already used"));
	begin(f, NOW, s);
	assert_int_equal(redeem(f, s, NULL, NULL, NOW, &err), CP_ECONFLICT);
	assert_non_null(strstr(err.message, "another browser"));
	/* The right one: the state is taken, then the token endpoint (on a
	 * closed port) cannot be reached; a second try finds no state. */
	begin(f, NOW, s);
	assert_int_equal(redeem(f, s, BINDING, NULL, NOW, &err), CP_EUNAVAIL);
	assert_non_null(strstr(err.message, "token endpoint"));
	assert_int_equal(redeem(f, s, BINDING, NULL, NOW, &err), CP_ECONFLICT);
	assert_non_null(strstr(err.message, "unknown or already used"));
	/* Never begun. */
	assert_int_equal(redeem(f, "made-up", BINDING, NULL, NOW, &err),
			 CP_ECONFLICT);
	/* No browser secret, or a short one: nothing begins. */
	assert_int_equal(
	    cp_oidc_begin(f->fx.s, f->cfg, f->p, "short", NOW, &url, s, &err),
	    CP_EUSAGE);
	assert_null(url);
}

static void test_state_expires(void **state)
{
	struct fixture *f = *state;
	char s[CP_OIDC_RANDOM_LEN + 1], later[CP_OIDC_RANDOM_LEN + 1];
	struct cp_error err;

	begin(f, NOW, s);
	assert_int_equal(
	    redeem(f, s, BINDING, NULL, NOW + CP_OIDC_MAX_AGE + 1, &err),
	    CP_ECONFLICT);
	assert_non_null(strstr(err.message, "start again"));
	/* A sign-in begun later deletes the abandoned ones. */
	begin(f, NOW, s);
	begin(f, NOW + CP_OIDC_MAX_AGE + 1, later);
	assert_int_equal(redeem(f, s, BINDING, NULL, NOW, &err), CP_ECONFLICT);
	assert_non_null(strstr(err.message, "unknown or already used"));
}

/* The store's cap on sign-ins in progress, with a cap of 2. */
static void test_pending_cap(void **state)
{
	struct fixture *f = *state;
	uint8_t h1[32] = {1}, h2[32] = {2}, h3[32] = {3}, b[32] = {9};
	struct cp_error err;

	assert_int_equal(cp_store_oidc_pending_add(f->fx.s, h1, "n", "v", b,
						   NOW, NOW - 600, 2, &err),
			 0);
	assert_int_equal(cp_store_oidc_pending_add(f->fx.s, h2, "n", "v", b,
						   NOW + 1, NOW - 600, 2, &err),
			 0);
	assert_int_equal(cp_store_oidc_pending_add(f->fx.s, h3, "n", "v", b,
						   NOW + 2, NOW - 600, 2, &err),
			 CP_ECONFLICT);
	assert_non_null(strstr(err.message, "in progress already"));
	/* Once the first is abandoned (begun before stale_before), there
	 * is room again. */
	assert_int_equal(cp_store_oidc_pending_add(f->fx.s, h3, "n", "v", b,
						   NOW + 601, NOW + 1, 2, &err),
			 0);
}

static void test_callback_refusals(void **state)
{
	struct fixture *f = *state;
	char s[CP_OIDC_RANDOM_LEN + 1];
	struct cp_oidc_callback cb = {.error = "access_denied",
				      .error_description = "no thanks"};
	char email[CP_OIDC_EMAIL_MAX + 1] = "x";
	struct cp_error err;

	assert_int_equal(
	    cp_oidc_finish(f->fx.s, f->cfg, f->p, &cb, NOW, email, &err),
	    CP_ECONFLICT);
	assert_string_equal(email, "");
	assert_string_equal(err.message, "the provider refused the sign-in: "
					 "access_denied - no thanks");
	begin(f, NOW, s);
	assert_int_equal(
	    redeem(f, s, BINDING, "https://evil.example", NOW, &err),
	    CP_ECONFLICT);
	assert_non_null(
	    strstr(err.message, "another issuer than '" ISSUER "'"));
	assert_null(strstr(err.message, "evil"));
	/* Not a JWT, and one signed with nothing. */
	assert_int_equal(
	    cp_oidc_verify(f->cfg, f->p, "abc", NULL, "n", NOW, email, &err),
	    CP_EDATA);
	assert_int_equal(cp_oidc_verify(f->cfg, f->p,
					"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
					NULL, "n", NOW, email, &err),
			 CP_EDATA);
	assert_non_null(strstr(err.message, "'none'"));
	assert_string_equal(email, "");
}

/* ---- claims, on tokens signed with a key of the test's own ---- */

struct signer {
	struct fixture base;
	cjose_jwk_t *key;
};

static int setup_signer(void **state)
{
	static const uint8_t e[] = {1, 0, 1};
	struct signer *g = calloc(1, sizeof(*g));
	char *pub = NULL;
	struct cp_buf set;
	int rc;

	if (g == NULL)
		return -1;
	*state = g;
	g->key = cjose_jwk_create_RSA_random(2048, e, sizeof(e), NULL);
	if (g->key == NULL || !cjose_jwk_set_kid(g->key, "k1", 2, NULL) ||
	    (pub = cjose_jwk_to_json(g->key, false, NULL)) == NULL)
		return -1;
	cp_buf_init(&set, 0);
	cp_buf_printf(&set, NULL, "{\"keys\":[%s]}", pub);
	free(pub);
	rc = open_fixture(&g->base, cp_buf_str(&set));
	cp_buf_release(&set);
	return rc;
}

static int teardown_signer(void **state)
{
	struct signer *g = *state;
	cjose_jwk_t *key = g->key;

	cjose_jwk_release(key);
	return teardown(state); /* frees g: base is its first member */
}

/* claims (JSON) signed RS256 with the test's key, kid as given (NULL:
 * none); then cp_oidc_verify with nonce "n" at NOW. Returns the code;
 * email and err as it left them. */
static int verify(struct signer *g, const char *kid, const char *claims,
		  char email[CP_OIDC_EMAIL_MAX + 1], struct cp_error *err)
{
	cjose_header_t *h = cjose_header_new(NULL);
	cjose_jws_t *jws;
	const char *compact = NULL;
	int rc;

	assert_non_null(h);
	assert_true(
	    cjose_header_set(h, CJOSE_HDR_ALG, CJOSE_HDR_ALG_RS256, NULL));
	if (kid)
		assert_true(cjose_header_set(h, CJOSE_HDR_KID, kid, NULL));
	jws = cjose_jws_sign(g->key, h, (const uint8_t *)claims, strlen(claims),
			     NULL);
	assert_non_null(jws);
	assert_true(cjose_jws_export(jws, &compact, NULL));
	rc = cp_oidc_verify(g->base.cfg, g->base.p, compact, NULL, "n", NOW,
			    email, err);
	cjose_jws_release(jws);
	cjose_header_release(h);
	return rc;
}

/* The claims of a good token, with extra members spliced in front. */
#define CLAIMS(extra)                                                          \
	"{" extra "\"iss\":\"" ISSUER "\",\"sub\":\"u1\",\"nonce\":\"n\","     \
	"\"exp\":1767229200,\"iat\":1767225500,"                               \
	"\"email\":\"ann@example.org\",\"email_verified\":true"

static void expect_refused(struct signer *g, const char *kid,
			   const char *claims, const char *why)
{
	char email[CP_OIDC_EMAIL_MAX + 1] = "x";
	struct cp_error err;

	assert_int_equal(verify(g, kid, claims, email, &err), CP_EDATA);
	assert_string_equal(email, "");
	if (strstr(err.message, why) == NULL)
		fail_msg("'%s' does not say '%s'", err.message, why);
}

static void test_claims(void **state)
{
	struct signer *g = *state;
	char email[CP_OIDC_EMAIL_MAX + 1];
	struct cp_error err;

	/* Good, with the key named or (the only key) not. */
	assert_int_equal(
	    verify(g, "k1", CLAIMS("\"aud\":\"carepulse\",") "}", email, &err),
	    0);
	assert_string_equal(email, "ann@example.org");
	assert_int_equal(
	    verify(g, NULL, CLAIMS("\"aud\":\"carepulse\",") "}", email, &err),
	    0);
	assert_int_equal(
	    verify(g, "k2", CLAIMS("\"aud\":\"carepulse\",") "}", email, &err),
	    CP_ENOTFOUND);
	assert_non_null(strstr(err.message, "signed with key 'k2'"));
	/* Audiences: a list with the client and azp naming it is fine; a
	 * list without azp, or an azp of someone else, is not. */
	assert_int_equal(verify(g, "k1",
				CLAIMS("\"aud\":[\"carepulse\",\"other\"],"
				       "\"azp\":\"carepulse\",") "}",
				email, &err),
			 0);
	expect_refused(g, "k1",
		       CLAIMS("\"aud\":[\"carepulse\",\"other\"],") "}",
		       "authorised party (azp)");
	expect_refused(g, "k1",
		       CLAIMS("\"aud\":\"carepulse\",\"azp\":\"other\",") "}",
		       "authorised party (azp)");
	expect_refused(g, "k1", CLAIMS("\"aud\":[\"other\"],") "}",
		       "audience does not include");
	expect_refused(g, "k1", CLAIMS("") "}", "audience does not include");
	/* email_verified as a string, as some providers send it. */
	assert_int_equal(
	    verify(g, "k1",
		   "{\"aud\":\"carepulse\",\"iss\":\"" ISSUER
		   "\",\"sub\":\"u1\","
		   "\"nonce\":\"n\",\"exp\":1767229200,\"iat\":1767225500,"
		   "\"email\":\"ann@example.org\",\"email_verified\":\"true\"}",
		   email, &err),
	    0);
	expect_refused(
	    g, "k1",
	    "{\"aud\":\"carepulse\",\"iss\":\"" ISSUER "\",\"sub\":\"u1\","
	    "\"nonce\":\"n\",\"exp\":1767229200,\"iat\":1767225500,"
	    "\"email\":\"ann@example.org\",\"email_verified\":\"false\"}",
	    "is not verified");
	/* A claim twice: never read as its last value. */
	expect_refused(
	    g, "k1",
	    CLAIMS("\"aud\":\"carepulse\",") ",\"email\":\"eve@x.org\"}",
	    "each claim once");
	/* Missing claims. */
	expect_refused(g, "k1",
		       "{\"aud\":\"carepulse\",\"iss\":\"" ISSUER "\","
		       "\"nonce\":\"n\",\"exp\":1767229200,\"iat\":1767225500,"
		       "\"email\":\"ann@example.org\",\"email_verified\":true}",
		       "no subject");
	expect_refused(g, "k1",
		       "{\"aud\":\"carepulse\",\"iss\":\"" ISSUER "\","
		       "\"sub\":\"u1\",\"nonce\":\"n\",\"iat\":1767225500,"
		       "\"email\":\"ann@example.org\",\"email_verified\":true}",
		       "no exp claim");
	expect_refused(g, "k1",
		       "{\"aud\":\"carepulse\",\"iss\":\"" ISSUER "\","
		       "\"sub\":\"u1\",\"exp\":1767229200,\"iat\":1767225500,"
		       "\"email\":\"ann@example.org\",\"email_verified\":true}",
		       "nonce is not the one");
	expect_refused(g, "k1",
		       "{\"aud\":\"carepulse\",\"iss\":\"" ISSUER "\","
		       "\"sub\":\"u1\",\"nonce\":\"n\",\"exp\":1767229200,"
		       "\"iat\":1767225500,\"email\":\"not-an-address\","
		       "\"email_verified\":true}",
		       "is not an e-mail address");
	/* Issued long before the sign-in could have begun. */
	expect_refused(g, "k1",
		       "{\"aud\":\"carepulse\",\"iss\":\"" ISSUER "\","
		       "\"sub\":\"u1\",\"nonce\":\"n\",\"exp\":1767229200,"
		       "\"iat\":1767220000,\"email\":\"ann@example.org\","
		       "\"email_verified\":true}",
		       "longer than a sign-in may take");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pkce_rfc7636),
	    cmocka_unit_test(test_config),
	    cmocka_unit_test_setup_teardown(test_discovery_checks, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_begin, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state_used_once, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_state_expires, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_pending_cap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_callback_refusals, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_claims, setup_signer,
					    teardown_signer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
