#include "token.h"

#include <stdio.h>
#include <string.h>

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int cp_token_derive(const uint8_t key[CP_KEY_LEN], int64_t wave, int64_t member,
		    const char *kind, char out[CP_TOKEN_LEN + 1])
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
	return 0;
}

int cp_token_hash(const char *token, uint8_t out[CP_SHA256_LEN])
{
	return cp_sha256(token, strlen(token), out);
}

bool cp_token_well_formed(const char *s)
{
	size_t n = strlen(s);

	return n == CP_TOKEN_LEN && strspn(s, b64url) == n;
}
