#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "i18n.h"
#include "store.h"

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The whole HMAC of the invitation as 43 base64url characters. */
static int derive_long(const uint8_t key[CP_KEY_LEN], int64_t wave,
		       int64_t member, const char *kind,
		       char out[CP_TOKEN_LONG_LEN + 1])
{
	uint8_t mac[CP_SHA256_LEN];
	char msg[128];
	int n;
	size_t o = 0;

	n = snprintf(msg, sizeof(msg), "carepulse-invitation-v1:%lld:%lld:%s",
		     (long long)wave, (long long)member, kind);
	if (cp_hmac_sha256(key, CP_KEY_LEN, msg, (size_t)n, mac)) {
		out[0] = '\0';
		return CP_ENOMEM;
	}
	/* 32 bytes -> 43 base64url characters, no padding. */
	for (size_t i = 0; i < sizeof(mac); i += 3) {
		uint32_t v = (uint32_t)mac[i] << 16;
		if (i + 1 < sizeof(mac))
			v |= (uint32_t)mac[i + 1] << 8;
		if (i + 2 < sizeof(mac))
			v |= mac[i + 2];
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		if (i + 1 < sizeof(mac))
			out[o++] = b64url[(v >> 6) & 63];
		if (i + 2 < sizeof(mac))
			out[o++] = b64url[v & 63];
	}
	out[o] = '\0';
	cp_wipe(mac, sizeof(mac));
	return 0;
}

int cp_token_derive(const uint8_t key[CP_KEY_LEN], int64_t wave, int64_t member,
		    const char *kind, char out[CP_TOKEN_LEN + 1])
{
	char whole[CP_TOKEN_LONG_LEN + 1];
	int rc;

	/* Each character holds 6 bits from the left: the first 22 are the
	 * HMAC's leftmost 132 bits. */
	rc = derive_long(key, wave, member, kind, whole);
	memcpy(out, whole, CP_TOKEN_LEN);
	out[rc ? 0 : CP_TOKEN_LEN] = '\0';
	cp_wipe(whole, sizeof(whole));
	return rc;
}

int cp_token_derive_stored(const uint8_t key[CP_KEY_LEN], int64_t wave,
			   int64_t member, const char *kind,
			   const uint8_t stored[CP_SHA256_LEN],
			   char out[CP_TOKEN_LONG_LEN + 1], int *match)
{
	uint8_t mine[CP_SHA256_LEN];
	int dummy;

	if (!match)
		match = &dummy;
	*match = 0;
	if (derive_long(key, wave, member, kind, out) ||
	    cp_token_hash(out, mine))
		goto fail;
	if (cp_ct_equal(mine, stored, sizeof(mine))) {
		*match = 1;
		return 0;
	}
	out[CP_TOKEN_LEN] = '\0';
	if (cp_token_hash(out, mine))
		goto fail;
	*match = cp_ct_equal(mine, stored, sizeof(mine));
	return 0;
fail:
	out[0] = '\0';
	return CP_ENOMEM;
}

int cp_token_hash(const char *token, uint8_t out[CP_SHA256_LEN])
{
	return cp_sha256(token, strlen(token), out);
}

bool cp_token_well_formed(const char *s)
{
	size_t n = strlen(s);

	return (n == CP_TOKEN_LEN || n == CP_TOKEN_LONG_LEN) &&
	       strspn(s, b64url) == n;
}

int cp_token_key_bind(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		      const char *key_path, struct cp_error *err)
{
	char check[CP_KEY_CHECK_LEN + 1], *stored = NULL;
	int rc;

	if ((rc = cp_key_check(key, check, err)))
		return rc;
	rc = cp_store_key_check_get(st, &stored, err);
	if (rc == 0 && stored == NULL)
		rc = cp_store_key_check_set(st, check, err);
	else if (rc == 0 && (strlen(stored) != CP_KEY_CHECK_LEN ||
			     !cp_ct_equal(stored, check, CP_KEY_CHECK_LEN)))
		rc = cp_error_set_at(
		    err, CP_ECONFLICT, key_path, 0, 0,
		    N_("this installation key does not belong to the database "
		       "'%s' (links made with it would all be unknown): use "
		       "the "
		       "key file the database was set up with"),
		    cp_store_path(st));
	free(stored);
	return rc;
}

int cp_token_key_load(struct cp_store *st, const char *db_path,
		      uint8_t key[CP_KEY_LEN], struct cp_error *err)
{
	char *path = NULL;
	int64_t n = 0;
	int rc;

	rc = cp_config_key_path(st, db_path, &path, err);
	if (rc)
		return rc;
	rc = cp_key_load(path, key, err);
	if (rc == CP_ENOTFOUND &&
	    cp_store_invitation_total(st, &n, NULL) == 0 && n > 0)
		rc = cp_error_set_at(
		    err, CP_ENOTFOUND, path, 0, 0,
		    N_("the installation key is missing, and the %lld "
		       "invitation "
		       "links already made depend on it: restore the key file "
		       "from a backup"),
		    (long long)n);
	if (rc == 0)
		rc = cp_token_key_bind(st, key, path, err);
	if (rc)
		cp_wipe(key, CP_KEY_LEN);
	free(path);
	return rc;
}
