/*
 * oidc_rp DB COMMAND ... - test driver of core/access/oidc.c, the single
 * sign-on relying party, for tests/e2e/oidc.sh. Settings come from the
 * environment (CAREPULSE_OIDC_*) and DB as carepulse reads them.
 *
 *   begin BINDING             prints the authorization URL, then the state
 *   finish CALLBACK BINDING   prints the verified e-mail address
 *   redeem CALLBACK BINDING   prints the ID token, then the nonce
 *   verify TOKEN NONCE [OFFSET [CLIENT_ID [ISSUER]]]
 *                            prints the verified e-mail address; the clock
 *                            moved by OFFSET seconds, the client id or
 *                            the issuer expected replaced
 *
 * CALLBACK is the URL the provider sent the browser back to; BINDING the
 * browser's secret (its cookie) at begin and at the callback ("-": none,
 * at the callback). A refusal prints
 * "refused: MESSAGE" on stderr and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "deliver.h"
#include "oidc.h"
#include "store.h"
#include "text.h"

/* Fills cb from the query of url (modified in place). */
static void parse_callback(char *url, struct cp_oidc_callback *cb)
{
	char *q = strchr(url, '?'), *save = NULL;

	if (q == NULL)
		return;
	for (char *kv = strtok_r(q + 1, "&", &save); kv;
	     kv = strtok_r(NULL, "&", &save)) {
		char *v = strchr(kv, '=');

		if (v == NULL)
			continue;
		*v++ = '\0';
		cp_url_decode(v, strlen(v));
		if (strcmp(kv, "code") == 0)
			cb->code = v;
		else if (strcmp(kv, "state") == 0)
			cb->state = v;
		else if (strcmp(kv, "iss") == 0)
			cb->iss = v;
		else if (strcmp(kv, "error") == 0)
			cb->error = v;
		else if (strcmp(kv, "error_description") == 0)
			cb->error_description = v;
	}
}

int main(int argc, char **argv)
{
	struct cp_oidc_config *cfg = NULL;
	struct cp_oidc_provider *p = NULL;
	struct cp_oidc_callback cb = {0};
	struct cp_store *st = NULL;
	struct cp_error err = {0};
	char email[CP_OIDC_EMAIL_MAX + 1], state[CP_OIDC_RANDOM_LEN + 1];
	char *url = NULL, *token = NULL, *access = NULL, *nonce = NULL;
	const char *cmd = argc > 2 ? argv[2] : "";
	int64_t now;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: oidc_rp DB begin|finish|redeem|verify "
				"...\n");
		return 64;
	}
	rc = cp_crypto_init(&err);
	rc = rc ? rc : cp_deliver_global_init(&err);
	rc = rc ? rc : cp_store_open(&st, argv[1], CP_STORE_CREATE, &err);
	rc = rc ? rc : cp_oidc_config_load(&cfg, st, &err);
	now = cp_store_now();
	rc = rc ? rc : cp_oidc_discover(&p, cfg, now, &err);
	if (rc == 0 && argc == 4 && strcmp(cmd, "begin") == 0) {
		rc = cp_oidc_begin(st, cfg, p, argv[3], now, &url, state, &err);
		if (rc == 0)
			printf("%s\n%s\n", url, state);
	} else if (rc == 0 && argc == 5 &&
		   (strcmp(cmd, "finish") == 0 || strcmp(cmd, "redeem") == 0)) {
		parse_callback(argv[3], &cb);
		cb.binding = strcmp(argv[4], "-") ? argv[4] : NULL;
		if (strcmp(cmd, "finish") == 0) {
			rc = cp_oidc_finish(st, cfg, p, &cb, now, email, &err);
			if (rc == 0)
				printf("%s\n", email);
		} else {
			rc = cp_oidc_redeem(st, cfg, p, &cb, now, &token,
					    &access, &nonce, &err);
			if (rc == 0)
				printf("%s\n%s\n", token, nonce);
		}
	} else if (rc == 0 && argc >= 5 && strcmp(cmd, "verify") == 0) {
		if (argc > 5)
			now += strtoll(argv[5], NULL, 10);
		if (argc > 6) {
			free(cfg->client_id);
			cfg->client_id = strdup(argv[6]);
		}
		if (argc > 7) {
			free(cfg->issuer);
			cfg->issuer = strdup(argv[7]);
		}
		rc = cp_oidc_verify(cfg, p, argv[3], NULL, argv[4], now, email,
				    &err);
		if (rc == 0)
			printf("%s\n", email);
	} else if (rc == 0) {
		fprintf(stderr, "oidc_rp: unknown command or arguments\n");
		rc = 64;
	}
	if (rc && rc != 64)
		fprintf(stderr, "refused: %s\n", err.message);
	free(url);
	free(token);
	free(access);
	free(nonce);
	cp_oidc_provider_free(p);
	cp_oidc_config_free(cfg);
	cp_store_close(st);
	return rc == 0 ? 0 : rc == 64 ? 64 : 1;
}
