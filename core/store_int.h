/*
 * store_int.h - private to the store's files: the one place sqlite3.h is
 * included.
 */
#ifndef CP_STORE_INT_H
#define CP_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

struct cp_store {
	sqlite3 *db;
	char *path;
	int in_tx;
};

/* Translates the connection's last error into err with a context. */
int cp_store_fail(struct cp_store *s, struct cp_error *err, const char *what);

/* Prepares sql; on failure err says what and why. */
int cp_store_prepare(struct cp_store *s, sqlite3_stmt **st, const char *sql,
		     struct cp_error *err);

/* Runs one statement without results. */
int cp_store_exec(struct cp_store *s, const char *sql, struct cp_error *err);

/* A malloc'ed copy of column i, or NULL for SQL NULL / out of memory. */
char *cp_store_column_dup(sqlite3_stmt *st, int i);

/* Seconds since the epoch, the store's clock (CAREPULSE_NOW overrides it in
 * tests and the seeded demo). */
int64_t cp_store_now(void);

#endif
