/*
 * token.h - invitation tokens. A token is derived, not stored: the
 * HMAC-SHA256 of the invitation (wave, member, kind) under the
 * installation key, so a reminder or a resend carries the same link and
 * no second valid token can be minted. The database keeps only the
 * SHA-256 of the token text.
 */
#ifndef CP_TOKEN_H
#define CP_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto.h"

/* 256 bits as unpadded base64url. */
#define CP_TOKEN_LEN 43

/* Derives the token of an invitation; kind is "team" or "self". 0, or
 * CP_ENOMEM (out is then empty). */
int cp_token_derive(const uint8_t key[CP_KEY_LEN], int64_t wave, int64_t member,
		    const char *kind, char out[CP_TOKEN_LEN + 1]);

/* What the database stores: SHA-256 of the token text. 0 or CP_ENOMEM. */
int cp_token_hash(const char *token, uint8_t out[CP_SHA256_LEN]);

/* True when s has the shape of a token (length and alphabet). */
bool cp_token_well_formed(const char *s);

#endif
