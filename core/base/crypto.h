/*
 * crypto.h - the few primitives carepulse needs, from OpenSSL's libcrypto
 * (never hand-rolled): randomness, SHA-256, HMAC-SHA256, constant-time
 * comparison, and the installation key file.
 */
#ifndef CP_CRYPTO_H
#define CP_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define CP_KEY_LEN    32
#define CP_SHA256_LEN 32

/* Fills buf with n bytes from the CSPRNG. */
int cp_random_bytes(void *buf, size_t n, struct cp_error *err);

/*
 * Sets up OpenSSL. Call it once at the start of a program, before any
 * other function here: CP_ENOMEM when it cannot.
 */
int cp_crypto_init(struct cp_error *err);

/*
 * out = SHA-256(data), and out = HMAC-SHA256(key, data). Both return 0,
 * or CP_ENOMEM when OpenSSL runs out of memory (out is zeros then: never
 * use it as a token, a link or a stored hash).
 */
int cp_sha256(const void *data, size_t n, uint8_t out[CP_SHA256_LEN]);
int cp_hmac_sha256(const void *key, size_t keylen, const void *data, size_t n,
		   uint8_t out[CP_SHA256_LEN]);

/* True when a[0..n) equals b[0..n), in time independent of the content. */
bool cp_ct_equal(const void *a, const void *b, size_t n);

/* Lower-case hex of data into out (2n+1 bytes). */
void cp_hex(const void *data, size_t n, char *out);

/* Standard base64 (with padding) of data into out, which must hold
 * 4 * ((n + 2) / 3) + 1 bytes. Returns the length written. */
size_t cp_base64(const void *data, size_t n, char *out);

/* Decodes standard base64 text (padding optional) into out (cap bytes);
 * -1 when text is not base64 or does not fit, else the length. */
long cp_base64_decode(const char *text, uint8_t *out, size_t cap);

/*
 * The installation key: CP_KEY_LEN random bytes in a file of mode 0600.
 * cp_key_create writes a new file and never replaces an existing one:
 * *created is 0 when the file was already there (and is then checked).
 */
int cp_key_create(const char *path, int *created, struct cp_error *err);

/* Writes key to a new file at path, mode 0600, through a temporary file:
 * an existing file is CP_ECONFLICT unless replace is set. */
int cp_key_save(const char *path, const uint8_t key[CP_KEY_LEN], int replace,
		struct cp_error *err);

/* Reads the key, refusing a file of the wrong size or readable by others. */
int cp_key_load(const char *path, uint8_t key[CP_KEY_LEN],
		struct cp_error *err);

/* Hex length of a key check value. */
#define CP_KEY_CHECK_LEN 32

/*
 * The key's check value: the first 128 bits of HMAC-SHA256 of a fixed
 * label under the key, in hex. It names the key (two keys give different
 * values) without revealing it, so a database can record which key it
 * belongs to. CP_ENOMEM when OpenSSL runs out of memory (out is "").
 */
int cp_key_check(const uint8_t key[CP_KEY_LEN], char out[CP_KEY_CHECK_LEN + 1],
		 struct cp_error *err);

/* Wipes n bytes of secret at p in a way the compiler cannot drop. */
void cp_wipe(void *p, size_t n);

#endif
