/*
 * bench/tokens.c - the links of a wave's invitations, for the load test
 * of `carepulse serve`: each token derived as carepulse derives it (the
 * HMAC of wave, member and kind under the installation key, core/token.h)
 * for every invitation of WAVE in DB, one a line on stdout. Sending a
 * wave of 200,000 to the outbox would write (and fsync) 200,000 files;
 * this reads the same tokens in a second.
 *
 * usage: bench_tokens DB WAVE
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "config.h"
#include "crypto.h"
#include "store.h"
#include "token.h"

static int fail(const char *what, const struct cp_error *err)
{
	char msg[CP_ERROR_MSG_MAX + CP_ERROR_FILE_MAX + 64];

	fprintf(stderr, "bench_tokens: %s: %s\n", what,
		err ? cp_error_format(err, msg, sizeof(msg)) : "");
	return 1;
}

int main(int argc, char **argv)
{
	struct cp_error err = {0};
	struct cp_store *st = NULL;
	uint8_t key[CP_KEY_LEN];
	char token[CP_TOKEN_LEN + 1];
	char *key_path = NULL, *end;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	long long wave;
	long n = 0;
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_tokens DB WAVE\n");
		return 64;
	}
	errno = 0;
	wave = strtoll(argv[2], &end, 10);
	if (errno || *end || wave <= 0) {
		fprintf(stderr, "bench_tokens: bad wave '%s'\n", argv[2]);
		return 64;
	}
	if (cp_store_open(&st, argv[1], CP_STORE_READONLY, &err) ||
	    cp_config_key_path(st, argv[1], &key_path, &err) ||
	    cp_key_load(key_path, key, &err)) {
		rc = fail("cannot read the installation key", &err);
		goto done;
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) ||
	    sqlite3_prepare_v2(db,
			       "SELECT member_id, kind FROM invitation"
			       " WHERE wave_id = ? ORDER BY id",
			       -1, &q, NULL)) {
		fprintf(stderr, "bench_tokens: %s\n", sqlite3_errmsg(db));
		goto done;
	}
	sqlite3_bind_int64(q, 1, wave);
	while (sqlite3_step(q) == SQLITE_ROW) {
		cp_token_derive(key, wave, sqlite3_column_int64(q, 0),
				(const char *)sqlite3_column_text(q, 1), token);
		printf("%s\n", token);
		n++;
	}
	rc = fflush(stdout) == 0 && n > 0 ? 0 : 1;
	if (n == 0)
		fprintf(stderr, "bench_tokens: wave %lld has no invitations\n",
			wave);
done:
	sqlite3_finalize(q);
	sqlite3_close(db);
	cp_store_close(st);
	free(key_path);
	return rc;
}
