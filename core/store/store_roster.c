/*
 * store_roster.c - teams and members in the store.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_int.h"
#include "text.h"

void cp_store_teams_free(struct cp_team *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++) {
		free(t[i].name);
		free(t[i].parent);
	}
	free(t);
}

/* One row of the list query below into *row. */
static int fill_team(sqlite3_stmt *st, void *row, void *arg)
{
	struct cp_team *t = row;

	(void)arg;
	t->id = sqlite3_column_int64(st, 0);
	t->name = cp_store_column_dup(st, 1);
	t->parent_id = sqlite3_column_int64(st, 2);
	t->parent = cp_store_column_dup(st, 3);
	t->members = sqlite3_column_int64(st, 4);
	t->leaders = sqlite3_column_int64(st, 5);
	if (t->name == NULL)
		return CP_ENOMEM;
	return 0;
}

int cp_store_team_list(struct cp_store *s, struct cp_team **out, size_t *n,
		       struct cp_error *err)
{
	static const char sql[] =
	    "SELECT t.id, t.name, t.parent_id, p.name,"
	    " (SELECT count(*) FROM member m"
	    "   WHERE m.team_id = t.id AND m.active),"
	    " (SELECT count(*) FROM member m"
	    "   WHERE m.team_id = t.id AND m.active AND m.role = 'leader')"
	    " FROM team t LEFT JOIN team p ON p.id = t.parent_id"
	    " ORDER BY t.name";
	void *rows;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	rc = cp_store_collect(s, st, sizeof(struct cp_team), 16, fill_team,
			      NULL, &rows, n, "cannot list teams", err);
	if (rc) {
		cp_store_teams_free(rows, *n);
		*n = 0;
		return rc;
	}
	*out = rows;
	return 0;
}

int cp_store_team_find(struct cp_store *s, const char *name, int64_t *id,
		       struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	if ((rc = cp_store_prepare(s, &st, "SELECT id FROM team WHERE name = ?",
				   err)))
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*id = sqlite3_column_int64(st, 0);
		rc = 0;
		break;
	case SQLITE_DONE:
		rc = cp_error_set(err, CP_ENOTFOUND, N_("no team named '%s'"),
				  name);
		break;
	default:
		rc = cp_store_fail(s, err, "cannot find a team");
	}
	sqlite3_finalize(st);
	return rc;
}

int cp_store_team_ensure(struct cp_store *s, const char *name, int64_t *id,
			 int *created, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*created = 0;
	rc = cp_store_team_find(s, name, id, NULL);
	if (rc != CP_ENOTFOUND)
		return rc ? cp_store_team_find(s, name, id, err) : 0;
	rc = 0;
	if ((rc = cp_store_prepare(
		 s, &st, "INSERT INTO team(name, created_at) VALUES (?, ?)",
		 err)))
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, cp_store_now());
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = cp_store_fail(s, err, "cannot add a team");
	} else {
		*id = sqlite3_last_insert_rowid(s->db);
		*created = 1;
	}
	sqlite3_finalize(st);
	return rc;
}

int cp_store_team_set_parent(struct cp_store *s, int64_t team, int64_t parent,
			     struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((rc = cp_store_prepare(
		 s, &st, "UPDATE team SET parent_id = ? WHERE id = ?", err)))
		return rc;
	if (parent)
		sqlite3_bind_int64(st, 1, parent);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, team);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot set a team's parent");
	sqlite3_finalize(st);
	return rc;
}

void cp_store_members_free(struct cp_member *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free(m[i].email);
		free(m[i].name);
		free(m[i].team);
	}
	free(m);
}

/* One row of the list query below into *row. */
static int fill_member(sqlite3_stmt *st, void *row, void *arg)
{
	struct cp_member *m = row;

	(void)arg;
	m->id = sqlite3_column_int64(st, 0);
	m->email = cp_store_column_dup(st, 1);
	m->name = cp_store_column_dup(st, 2);
	m->team_id = sqlite3_column_int64(st, 3);
	m->team = cp_store_column_dup(st, 4);
	m->role =
	    strcmp((const char *)sqlite3_column_text(st, 5), "leader") == 0
		? CP_ROLE_LEADER
		: CP_ROLE_MEMBER;
	m->active = sqlite3_column_int(st, 6);
	cp_strlcpy(m->language, (const char *)sqlite3_column_text(st, 7),
		   sizeof(m->language));
	if (!m->email || !m->name || !m->team)
		return CP_ENOMEM;
	return 0;
}

int cp_store_member_list(struct cp_store *s, int64_t team_id, int all,
			 struct cp_member **out, size_t *n,
			 struct cp_error *err)
{
	/* Two statements, not "?1 = 0 OR m.team_id = ?1": SQLite cannot use
	 * member_team for that, and a wave over 20,000 teams would read
	 * every member once per team. */
	static const char sql_all[] =
	    "SELECT m.id, m.email, m.name, m.team_id, t.name, m.role,"
	    " m.active, coalesce(m.language, '') FROM member m JOIN team t ON "
	    "t.id = m.team_id"
	    " WHERE (?2 OR m.active) ORDER BY t.name, m.name, m.email";
	static const char sql_team[] =
	    "SELECT m.id, m.email, m.name, m.team_id, t.name, m.role,"
	    " m.active, coalesce(m.language, '') FROM member m JOIN team t ON "
	    "t.id = m.team_id"
	    " WHERE m.team_id = ?1 AND (?2 OR m.active)"
	    " ORDER BY t.name, m.name, m.email";
	const char *sql = team_id ? sql_team : sql_all;
	void *rows;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	sqlite3_bind_int64(st, 1, team_id);
	sqlite3_bind_int(st, 2, all ? 1 : 0);
	rc = cp_store_collect(s, st, sizeof(struct cp_member), 32, fill_member,
			      NULL, &rows, n, "cannot list members", err);
	if (rc) {
		cp_store_members_free(rows, *n);
		*n = 0;
		return rc;
	}
	*out = rows;
	return 0;
}

int cp_store_member_upsert(struct cp_store *s, const char *email,
			   const char *name, int64_t team_id, enum cp_role role,
			   int64_t *id, struct cp_error *err)
{
	static const char sql[] =
	    "INSERT INTO member(email, email_key, name, team_id, role,"
	    " active, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6)"
	    " ON CONFLICT(email_key) DO UPDATE SET email = excluded.email,"
	    " name = excluded.name, team_id = excluded.team_id,"
	    " role = excluded.role, active = 1,"
	    " updated_at = excluded.updated_at"
	    " RETURNING id";
	sqlite3_stmt *st;
	char *key;
	int rc = 0;

	key = cp_strdup(email);
	if (key == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	cp_ascii_lower(key);
	if ((rc = cp_store_cached(s, CP_STMT_MEMBER_UPSERT, sql, &st, err))) {
		free(key);
		return rc;
	}
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, team_id);
	sqlite3_bind_text(st, 5, role == CP_ROLE_LEADER ? "leader" : "member",
			  -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, cp_store_now());
	if (sqlite3_step(st) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else
		rc = cp_store_fail(s, err, "cannot save a member");
	sqlite3_reset(st); /* done with RETURNING: nothing left pending */
	sqlite3_clear_bindings(st);
	free(key);
	return rc;
}

int cp_store_member_set_active(struct cp_store *s, int64_t id, int active,
			       struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((rc =
		 cp_store_prepare(s, &st,
				  "UPDATE member SET active = ?, updated_at = ?"
				  " WHERE id = ?",
				  err)))
		return rc;
	sqlite3_bind_int(st, 1, active ? 1 : 0);
	sqlite3_bind_int64(st, 2, cp_store_now());
	sqlite3_bind_int64(st, 3, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot update a member");
	sqlite3_finalize(st);
	return rc;
}

int cp_store_member_set_language(struct cp_store *s, int64_t id,
				 const char *language, struct cp_error *err)
{
	static const char sql[] =
	    "UPDATE member SET language = ?2 WHERE id = ?1";
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (language && *language)
		sqlite3_bind_text(st, 2, language, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot set a member's language");
	sqlite3_finalize(st);
	return rc;
}

int cp_store_member_language(struct cp_store *s, const char *email, char *out,
			     size_t n, struct cp_error *err)
{
	static const char sql[] =
	    "SELECT language FROM member WHERE email_key = ?1 AND active = 1";
	sqlite3_stmt *st;
	char *key = cp_strdup(email ? email : "");
	int rc, step;

	if (n)
		out[0] = '\0';
	if (key == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	cp_ascii_lower(key);
	if ((rc = cp_store_prepare(s, &st, sql, err))) {
		free(key);
		return rc;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_text(st, 0))
		cp_strlcpy(out, (const char *)sqlite3_column_text(st, 0), n);
	else if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot read a member's language");
	sqlite3_finalize(st);
	free(key);
	return rc;
}

int cp_store_team_about(struct cp_store *s, int64_t team_id, char **team,
			char **leaders, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*team = NULL;
	*leaders = NULL;
	/* Only what the roster says of the team, never of who answered. */
	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT t.name, (SELECT group_concat(name, char(10)) FROM"
		 " (SELECT m.name FROM member m WHERE m.team_id = t.id"
		 "  AND m.active AND m.role = 'leader'"
		 "  AND m.forgotten_at IS NULL ORDER BY m.name))"
		 " FROM team t WHERE t.id = ?",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, team_id);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*team = cp_store_column_dup(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			*leaders = cp_store_column_dup(st, 1);
		rc = *team == NULL ||
			     (sqlite3_column_type(st, 1) != SQLITE_NULL &&
			      *leaders == NULL)
			 ? cp_error_set(err, CP_ENOMEM, "out of memory")
			 : 0;
		break;
	case SQLITE_DONE:
		rc = cp_error_set(err, CP_ENOTFOUND, N_("no team %lld"),
				  (long long)team_id);
		break;
	default:
		rc = cp_store_fail(s, err, "cannot read a team");
	}
	sqlite3_finalize(st);
	if (rc) {
		free(*team);
		free(*leaders);
		*team = *leaders = NULL;
	}
	return rc;
}
