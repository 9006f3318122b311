/*
 * store_access.c - what the portal's access rules need from the store:
 * viewers, grants, sign-in tokens and sessions (by hash only), sign-in
 * rate counters, the audit log and the results-ready mails. See store.h.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "store_int.h"
#include "text.h"

/* Copies column i of st (NULL as "") into out of size n. */
static void column_copy(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	cp_strlcpy(out, t ? (const char *)t : "", n);
}

/* Steps a statement that returns no row and finalizes it. */
static int run_done(struct cp_store *s, sqlite3_stmt *st, const char *what,
		    struct cp_error *err)
{
	int rc = 0;

	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, what);
	sqlite3_finalize(st);
	return rc;
}

/* The lower-case key of an address, malloc'ed; NULL out of memory. */
static char *email_key(const char *email)
{
	char *key = cp_strdup(email);

	return key ? cp_ascii_lower(key) : NULL;
}

int cp_store_viewer_find(struct cp_store *s, const char *email, int64_t *id,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	char *key = email_key(email);
	int rc;

	*id = 0;
	if (key == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	rc = cp_store_prepare(s, &st,
			      "SELECT id FROM viewer WHERE email_key = ?", err);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		switch (sqlite3_step(st)) {
		case SQLITE_ROW:
			*id = sqlite3_column_int64(st, 0);
			break;
		case SQLITE_DONE:
			rc = cp_error_set(err, CP_ENOTFOUND,
					  N_("no viewer with address '%s'"),
					  email);
			break;
		default:
			rc = cp_store_fail(s, err, "cannot find a viewer");
		}
		sqlite3_finalize(st);
	}
	free(key);
	return rc;
}

int cp_store_viewer_ensure(struct cp_store *s, const char *email,
			   const char *name, int64_t *id, struct cp_error *err)
{
	sqlite3_stmt *st;
	char *key = email_key(email);
	int rc;

	*id = 0;
	if (key == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	rc = cp_store_prepare(
	    s, &st,
	    "INSERT INTO viewer(email, email_key, name, created_at)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(email_key) DO UPDATE SET"
	    " name = CASE WHEN excluded.name <> '' THEN excluded.name"
	    " ELSE name END RETURNING id",
	    err);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, name ? name : "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, cp_store_now());
		if (sqlite3_step(st) == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
		else
			rc = cp_store_fail(s, err, "cannot save a viewer");
		sqlite3_finalize(st);
	}
	free(key);
	return rc;
}

int cp_store_viewer_get(struct cp_store *s, int64_t id, char *email,
			size_t email_n, char *name, size_t name_n,
			struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st, "SELECT email, name FROM viewer WHERE id = ?", err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		column_copy(st, 0, email, email_n);
		column_copy(st, 1, name, name_n);
		break;
	case SQLITE_DONE:
		rc = cp_error_set(err, CP_ENOTFOUND, N_("no viewer %lld"),
				  (long long)id);
		break;
	default:
		rc = cp_store_fail(s, err, "cannot read a viewer");
	}
	sqlite3_finalize(st);
	return rc;
}

int cp_store_grant_set(struct cp_store *s, int64_t viewer, const char *role,
		       int64_t team, int64_t until, int64_t now,
		       struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st,
		 "INSERT INTO access_grant(viewer_id, role, team_id, until,"
		 " granted_at) VALUES (?1, ?2, nullif(?3, 0), ?4, ?5)"
		 " ON CONFLICT(viewer_id, role, coalesce(team_id, 0))"
		 " DO UPDATE SET until = excluded.until",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, viewer);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, team);
	sqlite3_bind_int64(st, 4, until);
	sqlite3_bind_int64(st, 5, now);
	return run_done(s, st, "cannot save a grant", err);
}

int cp_store_grant_delete(struct cp_store *s, int64_t viewer, const char *role,
			  int64_t team, int *deleted, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*deleted = 0;
	if ((rc = cp_store_prepare(
		 s, &st,
		 "DELETE FROM access_grant WHERE viewer_id = ? AND role = ?"
		 " AND coalesce(team_id, 0) = ?",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, viewer);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, team);
	rc = run_done(s, st, "cannot delete a grant", err);
	if (rc == 0)
		*deleted = sqlite3_changes(s->db) > 0;
	return rc;
}

static int grant_fill(sqlite3_stmt *st, void *row, void *arg)
{
	struct cp_store_grant *g = row;

	(void)arg;
	g->viewer_id = sqlite3_column_int64(st, 0);
	column_copy(st, 1, g->email, sizeof(g->email));
	column_copy(st, 2, g->name, sizeof(g->name));
	column_copy(st, 3, g->role, sizeof(g->role));
	g->team_id = sqlite3_column_int64(st, 4);
	column_copy(st, 5, g->team, sizeof(g->team));
	g->until = sqlite3_column_int64(st, 6);
	g->granted_at = sqlite3_column_int64(st, 7);
	return 0;
}

/* Steps st into a malloc'ed array *out of n rows of elem bytes filled by
 * fill (NULL and 0 on failure or when there is none). */
static int collect_rows(struct cp_store *s, sqlite3_stmt *st, size_t elem,
			cp_store_fill_fn fill, void **out, size_t *n,
			const char *what, struct cp_error *err)
{
	void *rows = NULL;
	int rc =
	    cp_store_collect(s, st, elem, 8, fill, NULL, &rows, n, what, err);

	if (rc) {
		free(rows);
		rows = NULL;
		*n = 0;
	}
	*out = rows;
	return rc;
}

/* Runs a prepared grant query into *out. */
static int grants_collect(struct cp_store *s, sqlite3_stmt *st,
			  struct cp_store_grant **out, size_t *n,
			  struct cp_error *err)
{
	void *rows;
	int rc = collect_rows(s, st, sizeof(**out), grant_fill, &rows, n,
			      "cannot list grants", err);

	*out = rows;
	return rc;
}

int cp_store_grants(struct cp_store *s, int64_t viewer,
		    struct cp_store_grant **out, size_t *n,
		    struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT v.id, v.email, v.name, g.role, coalesce(g.team_id, 0),"
		 " coalesce(t.name, ''), g.until, g.granted_at"
		 " FROM access_grant g JOIN viewer v ON v.id = g.viewer_id"
		 " LEFT JOIN team t ON t.id = g.team_id"
		 " WHERE ?1 = 0 OR g.viewer_id = ?1"
		 " ORDER BY v.email_key, g.role, t.name",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, viewer);
	return grants_collect(s, st, out, n, err);
}

int cp_store_roster_leaders(struct cp_store *s, const char *email,
			    struct cp_store_grant **out, size_t *n,
			    struct cp_error *err)
{
	sqlite3_stmt *st;
	char *key = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (email && (key = email_key(email)) == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	/* Two statements: "?1 IS NULL OR email_key = ?1" would scan every
	 * member for one person's teams (at each wave close, for each
	 * leader of the roster). */
	rc = cp_store_prepare(
	    s, &st,
	    key ? "SELECT 0, m.email, m.name, 'leader', m.team_id, t.name, 0, 0"
		  " FROM member m JOIN team t ON t.id = m.team_id"
		  " WHERE m.role = 'leader' AND m.active = 1"
		  " AND m.forgotten_at IS NULL AND m.email_key = ?1"
		  " ORDER BY m.email_key, t.name"
		: "SELECT 0, m.email, m.name, 'leader', m.team_id, t.name, 0, 0"
		  " FROM member m JOIN team t ON t.id = m.team_id"
		  " WHERE m.role = 'leader' AND m.active = 1"
		  " AND m.forgotten_at IS NULL"
		  " ORDER BY m.email_key, t.name",
	    err);
	if (rc == 0) {
		if (key)
			sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		rc = grants_collect(s, st, out, n, err);
	}
	free(key);
	return rc;
}

int cp_store_signin_token_add(struct cp_store *s, const uint8_t hash[32],
			      int64_t viewer, int64_t now, int64_t expires,
			      struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st,
		 "INSERT INTO signin_token(hash, viewer_id, created_at,"
		 " expires_at) VALUES (?, ?, ?, ?)",
		 err)))
		return rc;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, viewer);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, expires);
	return run_done(s, st, "cannot save a sign-in token", err);
}

int cp_store_signin_token_use(struct cp_store *s, const uint8_t hash[32],
			      int64_t now, int64_t *viewer,
			      struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*viewer = 0;
	/* One statement: a token is taken by exactly one request. */
	if ((rc = cp_store_prepare(
		 s, &st,
		 "UPDATE signin_token SET used_at = ?2 WHERE hash = ?1"
		 " AND used_at IS NULL AND expires_at > ?2 RETURNING viewer_id",
		 err)))
		return rc;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*viewer = sqlite3_column_int64(st, 0);
		break;
	case SQLITE_DONE:
		rc = cp_error_set(
		    err, CP_ECONFLICT,
		    N_("this sign-in link is not valid: it was used "
		       "already, has expired or was never issued"));
		break;
	default:
		rc = cp_store_fail(s, err, "cannot use a sign-in token");
	}
	sqlite3_reset(st);
	sqlite3_finalize(st);
	return rc;
}

int cp_store_signin_tidy(struct cp_store *s, int64_t before,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st, "DELETE FROM signin_token WHERE expires_at < ?", err)))
		return rc;
	sqlite3_bind_int64(st, 1, before);
	if ((rc = run_done(s, st, "cannot delete old sign-in tokens", err)))
		return rc;
	if ((rc = cp_store_prepare(
		 s, &st, "DELETE FROM signin_rate WHERE hour < ?", err)))
		return rc;
	sqlite3_bind_int64(st, 1, before / 3600 - 1);
	return run_done(s, st, "cannot delete old sign-in counters", err);
}

int cp_store_rate_hit(struct cp_store *s, const char *kind,
		      const uint8_t key[32], int64_t hour, int64_t *requests,
		      struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*requests = 0;
	if ((rc = cp_store_prepare(
		 s, &st,
		 "INSERT INTO signin_rate(kind, key, hour, requests)"
		 " VALUES (?, ?, ?, 1) ON CONFLICT(kind, key, hour)"
		 " DO UPDATE SET requests = requests + 1 RETURNING requests",
		 err)))
		return rc;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, key, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, hour);
	if (sqlite3_step(st) == SQLITE_ROW)
		*requests = sqlite3_column_int64(st, 0);
	else
		rc = cp_store_fail(s, err, "cannot count a sign-in request");
	sqlite3_reset(st);
	sqlite3_finalize(st);
	return rc;
}

int cp_store_session_add(struct cp_store *s, const uint8_t hash[32],
			 int64_t viewer, int64_t now, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st,
		 "INSERT INTO session(hash, viewer_id, created_at, last_seen)"
		 " VALUES (?1, ?2, ?3, ?3)",
		 err)))
		return rc;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, viewer);
	sqlite3_bind_int64(st, 3, now);
	return run_done(s, st, "cannot save a session", err);
}

int cp_store_session_get(struct cp_store *s, const uint8_t hash[32],
			 int64_t *viewer, int64_t *created, int64_t *last_seen,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(s, &st,
				   "SELECT viewer_id, created_at, last_seen"
				   " FROM session WHERE hash = ?",
				   err)))
		return rc;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*viewer = sqlite3_column_int64(st, 0);
		*created = sqlite3_column_int64(st, 1);
		*last_seen = sqlite3_column_int64(st, 2);
		break;
	case SQLITE_DONE:
		rc = cp_error_set(err, CP_ENOTFOUND, N_("no such session"));
		break;
	default:
		rc = cp_store_fail(s, err, "cannot read a session");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Runs sql bound to a session hash (and now when it has a ?2). */
static int session_write(struct cp_store *s, const char *sql,
			 const uint8_t hash[32], int64_t now,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) > 1)
		sqlite3_bind_int64(st, 2, now);
	return run_done(s, st, "cannot update a session", err);
}

int cp_store_session_touch(struct cp_store *s, const uint8_t hash[32],
			   int64_t now, struct cp_error *err)
{
	return session_write(
	    s, "UPDATE session SET last_seen = ?2 WHERE hash = ?1", hash, now,
	    err);
}

int cp_store_session_delete(struct cp_store *s, const uint8_t hash[32],
			    struct cp_error *err)
{
	return session_write(s, "DELETE FROM session WHERE hash = ?1", hash, 0,
			     err);
}

int cp_store_audit_add(struct cp_store *s, int64_t viewer, const char *event,
		       int64_t wave, int64_t team, const char *detail,
		       int64_t now, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st,
		 "INSERT INTO audit(at, viewer_id, event, wave_id, team_id,"
		 " detail) VALUES (?, nullif(?, 0), ?, nullif(?, 0),"
		 " nullif(?, 0), ?)",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, viewer);
	sqlite3_bind_text(st, 3, event, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, wave);
	sqlite3_bind_int64(st, 5, team);
	sqlite3_bind_text(st, 6, detail ? detail : "", -1, SQLITE_STATIC);
	return run_done(s, st, "cannot write the audit log", err);
}

static int audit_fill(sqlite3_stmt *st, void *row, void *arg)
{
	struct cp_audit_row *a = row;

	(void)arg;
	a->at = sqlite3_column_int64(st, 0);
	a->viewer_id = sqlite3_column_int64(st, 1);
	column_copy(st, 2, a->email, sizeof(a->email));
	column_copy(st, 3, a->event, sizeof(a->event));
	a->wave_id = sqlite3_column_int64(st, 4);
	a->team_id = sqlite3_column_int64(st, 5);
	column_copy(st, 6, a->team, sizeof(a->team));
	column_copy(st, 7, a->detail, sizeof(a->detail));
	return 0;
}

int cp_store_audit_list(struct cp_store *s, int64_t since,
			struct cp_audit_row **out, size_t *n,
			struct cp_error *err)
{
	sqlite3_stmt *st;
	void *rows = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT a.at, coalesce(a.viewer_id, 0), coalesce(v.email, ''),"
		 " a.event, coalesce(a.wave_id, 0), coalesce(a.team_id, 0),"
		 " coalesce(t.name, ''), a.detail FROM audit a"
		 " LEFT JOIN viewer v ON v.id = a.viewer_id"
		 " LEFT JOIN team t ON t.id = a.team_id"
		 " WHERE a.at >= ? ORDER BY a.at, a.id",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, since);
	rc = collect_rows(s, st, sizeof(**out), audit_fill, &rows, n,
			  "cannot list the audit log", err);
	*out = rows;
	return rc;
}

int cp_store_ready_waves(struct cp_store *s, int64_t **ids, size_t *n,
			 struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT id FROM wave WHERE status = 'closed' AND id NOT IN"
		 " (SELECT wave_id FROM ready_wave) ORDER BY id",
		 err)))
		return rc;
	return cp_store_collect_ids(s, st, ids, n, err);
}

int cp_store_ready_queue(struct cp_store *s, int64_t wave,
			 const int64_t *viewers, size_t n, int64_t now,
			 struct cp_error *err)
{
	sqlite3_stmt *st = NULL;
	uint8_t raw[16];
	char mid[33];
	int rc;

	rc = cp_store_prepare(
	    s, &st,
	    "INSERT INTO ready_mail(wave_id, viewer_id, message_id)"
	    " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
	    err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if ((rc = cp_random_bytes(raw, sizeof(raw), err)))
			break;
		cp_hex(raw, sizeof(raw), mid);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, wave);
		sqlite3_bind_int64(st, 2, viewers[i]);
		sqlite3_bind_text(st, 3, mid, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = cp_store_fail(s, err,
					   "cannot queue a results-ready mail");
	}
	sqlite3_finalize(st);
	if (rc == 0 &&
	    (rc = cp_store_prepare(s, &st,
				   "INSERT INTO ready_wave(wave_id, queued_at)"
				   " VALUES (?, ?) ON CONFLICT DO NOTHING",
				   err)) == 0) {
		sqlite3_bind_int64(st, 1, wave);
		sqlite3_bind_int64(st, 2, now);
		rc = run_done(s, st, "cannot mark a wave queued", err);
	}
	return rc;
}

static int ready_fill(sqlite3_stmt *st, void *row, void *arg)
{
	struct cp_ready_mail *m = row;

	(void)arg;
	m->wave_id = sqlite3_column_int64(st, 0);
	m->viewer_id = sqlite3_column_int64(st, 1);
	column_copy(st, 2, m->email, sizeof(m->email));
	column_copy(st, 3, m->name, sizeof(m->name));
	column_copy(st, 4, m->message_id, sizeof(m->message_id));
	column_copy(st, 5, m->state, sizeof(m->state));
	m->attempts = sqlite3_column_int(st, 6);
	return 0;
}

int cp_store_ready_unsent(struct cp_store *s, int64_t wave, int max_attempts,
			  struct cp_ready_mail **out, size_t *n,
			  struct cp_error *err)
{
	sqlite3_stmt *st;
	void *rows = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT r.wave_id, r.viewer_id, v.email, v.name, r.message_id,"
		 " r.state, r.attempts FROM ready_mail r"
		 " JOIN viewer v ON v.id = r.viewer_id"
		 " WHERE (?1 = 0 OR r.wave_id = ?1) AND (r.state IN "
		 "('pending', 'sending')"
		 " OR (r.state = 'failed' AND r.attempts < ?2))"
		 " ORDER BY r.wave_id, v.email_key",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	sqlite3_bind_int(st, 2, max_attempts);
	rc = collect_rows(s, st, sizeof(**out), ready_fill, &rows, n,
			  "cannot list results-ready mails", err);
	*out = rows;
	return rc;
}

int cp_store_ready_set(struct cp_store *s, int64_t wave, int64_t viewer,
		       const char *state, const char *reason, int64_t now,
		       struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st,
		 "UPDATE ready_mail SET state = ?3, last_error = ?4,"
		 " attempts = attempts + (?3 = 'failed'),"
		 " sent_at = CASE WHEN ?3 = 'sent' THEN ?5 ELSE sent_at END"
		 " WHERE wave_id = ?1 AND viewer_id = ?2",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	sqlite3_bind_int64(st, 2, viewer);
	sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	return run_done(s, st, "cannot record a results-ready mail", err);
}
