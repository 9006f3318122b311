/*
 * mark_answered DB WAVE EMAIL... - test fixture: marks the team invitation
 * of each member (by address) to WAVE answered through core's API, as the
 * form server does when a response is committed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crypto.h"
#include "store.h"
#include "token.h"

int main(int argc, char **argv)
{
	uint8_t key[CP_KEY_LEN], hash[CP_SHA256_LEN];
	char token[CP_TOKEN_LEN + 1], *key_path = NULL;
	struct cp_member *m = NULL;
	struct cp_invitation inv;
	struct cp_store *st = NULL;
	struct cp_error err;
	size_t n = 0;
	long long wave;
	int rc;

	if (argc < 4) {
		fprintf(stderr, "usage: mark_answered DB WAVE EMAIL...\n");
		return 64;
	}
	wave = strtoll(argv[2], NULL, 10);
	rc = cp_store_open(&st, argv[1], 0, &err);
	rc = rc ? rc : cp_config_key_path(st, argv[1], &key_path, &err);
	rc = rc ? rc : cp_key_load(key_path, key, &err);
	rc = rc ? rc : cp_store_member_list(st, 0, 1, &m, &n, &err);
	rc = rc ? rc : cp_store_begin(st, &err);
	for (int a = 3; rc == 0 && a < argc; a++) {
		size_t i;
		for (i = 0; i < n && strcmp(m[i].email, argv[a]); i++)
			;
		if (i == n) {
			rc = cp_error_set(&err, CP_ENOTFOUND, "no member %s",
					  argv[a]);
			break;
		}
		cp_token_derive(key, wave, m[i].id, "team", token);
		cp_token_hash(token, hash);
		rc = cp_store_invitation_by_hash(st, hash, &inv, &err);
		rc = rc ? rc
			: cp_store_invitation_mark_answered(st, inv.id, &err);
	}
	if (rc == 0)
		rc = cp_store_commit(st, &err);
	if (rc)
		fprintf(stderr, "mark_answered: %s\n", err.message);
	cp_store_members_free(m, n);
	cp_store_close(st);
	free(key_path);
	return rc ? 1 : 0;
}
