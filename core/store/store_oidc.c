/*
 * store_oidc.c - the sign-ins begun with an OpenID Connect provider and not
 * yet finished (core/access/oidc.c). See store.h.
 */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

int cp_store_oidc_pending_add(struct cp_store *s, const uint8_t state_hash[32],
			      const char *nonce, const char *verifier,
			      const uint8_t binding_hash[32], int64_t now,
			      int64_t stale_before, int64_t max_pending,
			      struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st, "DELETE FROM oidc_pending WHERE created_at < ?", err)))
		return rc;
	sqlite3_bind_int64(st, 1, stale_before);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return cp_store_fail(s, err,
				     "cannot delete abandoned sign-ins");
	if ((rc = cp_store_prepare(s, &st, "SELECT count(*) FROM oidc_pending",
				   err)))
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) >= max_pending) {
		sqlite3_finalize(st);
		return cp_error_set(
		    err, CP_ECONFLICT,
		    cp_ngettext_error("%lld sign-in is in progress already: "
				      "try again in a few minutes",
				      "%lld sign-ins are in progress already: "
				      "try again in a few minutes",
				      (unsigned long)max_pending),
		    (long long)max_pending);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return cp_store_fail(s, err, "cannot count the sign-ins");
	if ((rc = cp_store_prepare(s, &st,
				   "INSERT INTO oidc_pending(state_hash, nonce,"
				   " verifier, binding_hash, created_at)"
				   " VALUES (?, ?, ?, ?, ?)",
				   err)))
		return rc;
	sqlite3_bind_blob(st, 1, state_hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, nonce, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, verifier, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, binding_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return cp_store_fail(s, err, "cannot record the sign-in");
	return 0;
}

int cp_store_oidc_pending_take(struct cp_store *s, const uint8_t state_hash[32],
			       char **nonce, char **verifier,
			       uint8_t binding_hash[32], int64_t *created_at,
			       bool *found, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*nonce = *verifier = NULL;
	*created_at = 0;
	*found = false;
	if ((rc = cp_store_prepare(
		 s, &st,
		 "DELETE FROM oidc_pending WHERE state_hash = ?"
		 " RETURNING nonce, verifier, created_at, binding_hash",
		 err)))
		return rc;
	sqlite3_bind_blob(st, 1, state_hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*nonce = cp_store_column_dup(st, 0);
		*verifier = cp_store_column_dup(st, 1);
		*created_at = sqlite3_column_int64(st, 2);
		*found = sqlite3_column_bytes(st, 3) == 32;
		if (*found)
			memcpy(binding_hash, sqlite3_column_blob(st, 3), 32);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*nonce);
		free(*verifier);
		*nonce = *verifier = NULL;
		*found = false;
		return cp_store_fail(s, err, "cannot take the sign-in");
	}
	if (!*found || *nonce == NULL || *verifier == NULL) {
		bool oom = *found;

		free(*nonce);
		free(*verifier);
		*nonce = *verifier = NULL;
		*found = false;
		if (oom)
			return cp_error_set(err, CP_ENOMEM, "out of memory");
	}
	return 0;
}
