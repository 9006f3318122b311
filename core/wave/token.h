/*
 * token.h - invitation tokens. A token is derived, not stored: the
 * HMAC-SHA256 of the invitation (wave, member, kind) under the
 * installation key, so a reminder or a resend carries the same link and
 * no second valid token can be minted. The database keeps only the
 * SHA-256 of the token text.
 *
 * The token is the HMAC truncated to its leftmost 132 bits (RFC 2104
 * section 5), 22 base64url characters, so the link written out in an
 * e-mail stays short. Invitations made before carry the whole HMAC (43
 * characters); their stored hash is of that text, so their links keep
 * working, and only in that form: each invitation has exactly one valid
 * token, whose hash is the one stored.
 */
#ifndef CP_TOKEN_H
#define CP_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto.h"

/* 132 bits as unpadded base64url: the token of a new invitation. */
#define CP_TOKEN_LEN 22
/* 256 bits: the token of an invitation made before tokens were cut. */
#define CP_TOKEN_LONG_LEN 43

/* Derives the token of a new invitation; kind is "team" or "self". 0,
 * or CP_ENOMEM (out is then empty). */
int cp_token_derive(const uint8_t key[CP_KEY_LEN], int64_t wave, int64_t member,
		    const char *kind, char out[CP_TOKEN_LEN + 1]);

/*
 * Derives the token of an existing invitation whose stored hash is
 * stored: the whole HMAC when stored is its hash (an invitation made
 * before tokens were cut), else the short token. *match is set to 1
 * when the token's hash is stored, 0 when neither is (another key);
 * match may be NULL.
 * 0, or CP_ENOMEM (out is then empty).
 */
int cp_token_derive_stored(const uint8_t key[CP_KEY_LEN], int64_t wave,
			   int64_t member, const char *kind,
			   const uint8_t stored[CP_SHA256_LEN],
			   char out[CP_TOKEN_LONG_LEN + 1], int *match);

/* What the database stores: SHA-256 of the token text. 0 or CP_ENOMEM. */
int cp_token_hash(const char *token, uint8_t out[CP_SHA256_LEN]);

/* True when s has the shape of a token, short or long (length and
 * alphabet). */
bool cp_token_well_formed(const char *s);

struct cp_store;

/*
 * Checks that key is the one the database st belongs to, by the check
 * value st records (cp_key_check); when none is recorded yet (a database
 * from before it was kept) key's is recorded. CP_ECONFLICT, naming
 * key_path, when the key is another one: links made with it would all be
 * unknown to the form.
 */
int cp_token_key_bind(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		      const char *key_path, struct cp_error *err);

/*
 * Loads the installation key of st (the key_file setting, or
 * DB_PATH.key) into key and binds it (cp_token_key_bind). A missing key
 * file in a database with invitations is CP_ENOTFOUND with a message that
 * says to restore it. key is wiped on failure.
 */
int cp_token_key_load(struct cp_store *st, const char *db_path,
		      uint8_t key[CP_KEY_LEN], struct cp_error *err);

#endif
