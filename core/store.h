/*
 * store.h - the one seam to the database. Only the store speaks SQL; every
 * other module asks it for teams, members, surveys, waves and responses.
 *
 * The embedded default is one SQLite file in WAL mode with foreign keys on
 * and a busy timeout; every writing transaction is BEGIN IMMEDIATE. The
 * schema is created and upgraded by numbered migrations under
 * PRAGMA user_version; a file from a newer carepulse is refused.
 */
#ifndef CP_STORE_H
#define CP_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "roster.h"

struct cp_store;

/* The schema version this build writes. */
#define CP_SCHEMA_VERSION 1

enum cp_store_flags {
	CP_STORE_CREATE = 1, /* create the file when missing (init only) */
	CP_STORE_READONLY = 2,
};

/*
 * Opens (and, with CP_STORE_CREATE, creates) the database at path and
 * brings its schema up to date. A missing file without CP_STORE_CREATE is
 * CP_ENOTFOUND with a hint to run `carepulse init`; a newer schema is
 * CP_EVERSION. *out is owned by the caller: cp_store_close it.
 */
int cp_store_open(struct cp_store **out, const char *path, int flags,
		  struct cp_error *err);

/* Closes s (NULL allowed), rolling back an open transaction. */
void cp_store_close(struct cp_store *s);

/* The path s was opened with; borrowed. */
const char *cp_store_path(const struct cp_store *s);

/* The file's PRAGMA user_version. */
int cp_store_schema_version(struct cp_store *s);

/* Transactions: begin is BEGIN IMMEDIATE; rollback never fails. */
int cp_store_begin(struct cp_store *s, struct cp_error *err);
int cp_store_commit(struct cp_store *s, struct cp_error *err);
void cp_store_rollback(struct cp_store *s);

/* Runs PRAGMA integrity_check; CP_EFAIL with its first line if not ok. */
int cp_store_check(struct cp_store *s, struct cp_error *err);

/* ---- configuration (the config table; see core/config.h for env) ---- */

/* *out is malloc'ed (caller frees) or NULL when the key is not set. */
int cp_store_config_get(struct cp_store *s, const char *key, char **out,
			struct cp_error *err);
int cp_store_config_set(struct cp_store *s, const char *key, const char *value,
			struct cp_error *err);
int cp_store_config_unset(struct cp_store *s, const char *key,
			  struct cp_error *err);
/* Calls fn for each key in order; stops when fn returns non-zero. */
int cp_store_config_each(struct cp_store *s,
			 int (*fn)(const char *key, const char *value,
				   void *arg),
			 void *arg, struct cp_error *err);

/* ---- teams and members ---- */

struct cp_team {
	int64_t id;
	char *name;
	int64_t parent_id; /* 0 when none */
	char *parent;	   /* NULL when none */
	int64_t members;   /* active members */
};

struct cp_member {
	int64_t id;
	char *email;
	char *name;
	int64_t team_id;
	char *team;
	enum cp_role role;
	int active;
};

/* Lists all teams by name; free with cp_store_teams_free. */
int cp_store_team_list(struct cp_store *s, struct cp_team **out, size_t *n,
		       struct cp_error *err);
void cp_store_teams_free(struct cp_team *t, size_t n);

/* Finds a team by name: 0 and its id, or CP_ENOTFOUND. */
int cp_store_team_find(struct cp_store *s, const char *name, int64_t *id,
		       struct cp_error *err);

/* Creates the team when missing; *id is its id; *created says which. */
int cp_store_team_ensure(struct cp_store *s, const char *name, int64_t *id,
			 int *created, struct cp_error *err);

/* Sets a team's parent (0 for none). */
int cp_store_team_set_parent(struct cp_store *s, int64_t team, int64_t parent,
			     struct cp_error *err);

/*
 * Lists members by team then name; inactive ones too when all is set.
 * team_id 0 means every team. Free with cp_store_members_free.
 */
int cp_store_member_list(struct cp_store *s, int64_t team_id, int all,
			 struct cp_member **out, size_t *n,
			 struct cp_error *err);
void cp_store_members_free(struct cp_member *m, size_t n);

/* Inserts or updates the member whose address matches email (case
 * insensitively), active. *id is its id. */
int cp_store_member_upsert(struct cp_store *s, const char *email,
			   const char *name, int64_t team_id, enum cp_role role,
			   int64_t *id, struct cp_error *err);

int cp_store_member_set_active(struct cp_store *s, int64_t id, int active,
			       struct cp_error *err);

/* ---- survey definitions ---- */

struct cp_survey_row {
	int64_t ref; /* the row id: what a wave pins */
	char *survey_id;
	char *version;
	char *title;
	char *hash; /* hex SHA-256 of the definition text */
	int builtin;
	int64_t added_at;
};

/*
 * Stores a definition text unless the same (id, hash) is already there.
 * *ref is the row's id; *added is 1 when a row was written.
 */
int cp_store_survey_put(struct cp_store *s, const char *survey_id,
			const char *version, const char *title,
			const char *hash, const char *definition, int builtin,
			int64_t *ref, int *added, struct cp_error *err);

/* Lists the newest row of each survey id, by id; free with
 * cp_store_survey_rows_free. */
int cp_store_survey_list(struct cp_store *s, struct cp_survey_row **out,
			 size_t *n, struct cp_error *err);
void cp_store_survey_rows_free(struct cp_survey_row *r, size_t n);

/*
 * The newest definition text of survey_id (*ref its row) or, when ref_in
 * is non-zero, the text of exactly that row. *text is malloc'ed.
 */
int cp_store_survey_text(struct cp_store *s, const char *survey_id,
			 int64_t ref_in, char **text, int64_t *ref,
			 struct cp_error *err);

#endif
