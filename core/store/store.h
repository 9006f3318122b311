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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "model.h"

struct cp_store;

/* The schema version this build writes. */
#define CP_SCHEMA_VERSION 18

enum cp_store_flags {
	CP_STORE_CREATE = 1, /* create the file when missing (init only) */
	CP_STORE_READONLY = 2,
	/* Read-write, or read-only when the database cannot be written (a
	 * read-only file system, file or folder): for commands that only
	 * read. */
	CP_STORE_READ_FALLBACK = 4,
	/* A commit's frames go to the -wal file in one write, at its sync,
	 * instead of two writes a page (store_walbuf.c): the form server's
	 * writer. Same bytes, same place, written before the commit is
	 * durable or visible. */
	CP_STORE_WAL_BUFFER = 8,
};

/*
 * Opens (and, with CP_STORE_CREATE, creates) the database at path and
 * brings its schema up to date. A missing file without CP_STORE_CREATE is
 * CP_ENOTFOUND with a hint to run `carepulse init`; a newer schema is
 * CP_EVERSION; a database that cannot be written is CP_EIO saying why
 * (unless CP_STORE_READONLY or CP_STORE_READ_FALLBACK). *out is owned by the
 * caller: cp_store_close it.
 */
int cp_store_open(struct cp_store **out, const char *path, int flags,
		  struct cp_error *err);

/* True when s was opened read-only (CP_STORE_READONLY, or the fallback). */
bool cp_store_read_only(const struct cp_store *s);

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

/*
 * The WAL kept empty (docs/anonymity.md). A commit that stored answers or
 * marked an invitation answered is followed by cp_store_checkpoint: its
 * frames are copied into the database and the -wal file truncated to
 * zero bytes. When a reader is in the way, waiting wait_ms did not help,
 * it is CP_ECONFLICT and cp_store_wal_dirty stays true until a later
 * checkpoint succeeds: call it again (the form server retries while it
 * is idle). Never inside a transaction.
 */
int cp_store_checkpoint(struct cp_store *s, int wait_ms, struct cp_error *err);
int cp_store_wal_dirty(const struct cp_store *s);

/*
 * With on set, a commit that stored answers leaves its frames in the WAL
 * (cp_store_wal_dirty turns true) and the caller checkpoints when it
 * chooses: the form server's writer, at once after a commit in which a
 * group had a single answer, else when it goes idle. Off by default.
 */
void cp_store_defer_checkpoint(struct cp_store *s, int on);

/*
 * With on set, the totals (agg_item, agg_dim, agg_group) of the responses
 * a transaction stores are kept in memory and written by its COMMIT, each
 * touched row once, in key order, with the same sums the per-response
 * updates would make (a dimension's sums added in the responses' order,
 * then to the row's). A ROLLBACK TO drops the totals of the responses
 * since its SAVEPOINT (one level: the last SAVEPOINT's mark counts). So
 * nothing read inside the transaction may expect the totals of its own
 * responses: the form server's writer, which reads none. Off by default;
 * off frees what it kept.
 */
void cp_store_defer_totals(struct cp_store *s, int on);

/*
 * A checkpoint, then a commit that writes nothing but the unchanged
 * schema version, then another checkpoint: the -shm file then lists only
 * page 1 instead of the pages the last answers went to. For a writer
 * about to go idle; cp_store_close does it for a connection that stored
 * answers.
 */
int cp_store_wal_reset(struct cp_store *s, int wait_ms, struct cp_error *err);

/*
 * Savepoints inside an open transaction, so one part of a batch can be
 * undone without losing the rest (the form server's group commit). name
 * is a fixed identifier chosen by the caller, never user input.
 */
int cp_store_savepoint(struct cp_store *s, const char *name,
		       struct cp_error *err);
int cp_store_release(struct cp_store *s, const char *name,
		     struct cp_error *err);
/* Undoes everything since the savepoint and releases it; never fails. */
void cp_store_rollback_to(struct cp_store *s, const char *name);

/* Seconds since the epoch by the store's clock (CAREPULSE_NOW overrides it
 * in tests and the seeded demo). */
int64_t cp_store_clock(void);

/*
 * Fixes the store's clock of this process at t (0: back to CAREPULSE_NOW
 * or the system clock), over CAREPULSE_NOW: the seeded demo moves it
 * through its waves. Call it only while no other thread uses the store
 * (no server running): it is a plain variable.
 */
void cp_store_clock_pin(int64_t t);

/*
 * Bulk loading (imports), inside an open transaction: until
 * cp_store_bulk_end, cp_store_response_add keeps its changes to the
 * aggregates in memory, and cp_store_bulk_end writes them once per group,
 * so a large import costs about one statement per answer. Committing
 * before bulk_end is refused; a rollback discards them.
 */
int cp_store_bulk_begin(struct cp_store *s, struct cp_error *err);
int cp_store_bulk_end(struct cp_store *s, struct cp_error *err);

/*
 * Writes what the bulk load holds so far, as cp_store_bulk_end would, and
 * keeps the load open and empty: a caller whose later responses all sort
 * after those written (an import of several files, a file's wave below
 * every later file's) writes each part while it reads the next. Rows of
 * one group written in two parts would not sit in key order; totals and
 * comment lists written twice add up as one write would. On failure the
 * caller rolls back.
 */
int cp_store_bulk_flush(struct cp_store *s, struct cp_error *err);

/*
 * A part of a bulk load made off the connection: *out is a store with
 * no database whose only use is cp_store_response_add (import_id 0),
 * which keeps the responses, comments and totals in memory. Another
 * thread may fill it while s writes (an import reads and checks its next
 * file in a thread of its own). cp_store_bulk_adopt writes it, inside
 * s's open transaction and bulk load, which must hold nothing unwritten
 * (cp_store_bulk_flush), as cp_store_bulk_flush would had its responses
 * been added to s, each with import_id; part is then empty. Free it with
 * cp_store_bulk_part_free (NULL is fine).
 */
int cp_store_bulk_part(struct cp_store **out, struct cp_error *err);
int cp_store_bulk_adopt(struct cp_store *s, struct cp_store *part,
			int64_t import_id, struct cp_error *err);
void cp_store_bulk_part_free(struct cp_store *part);

/* Runs PRAGMA integrity_check; CP_EFAIL with its first line if not ok. */
int cp_store_check(struct cp_store *s, struct cp_error *err);

/* ---- the installation key's check value (see cp_key_check) ---- */

/* *out is malloc'ed (caller frees), or NULL when none is recorded yet. */
int cp_store_key_check_get(struct cp_store *s, char **out,
			   struct cp_error *err);
/* Records value, replacing any earlier one. */
int cp_store_key_check_set(struct cp_store *s, const char *value,
			   struct cp_error *err);
/* How many invitations the database holds, in all waves. */
int cp_store_invitation_total(struct cp_store *s, int64_t *n,
			      struct cp_error *err);

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

/*
 * The name of team team_id into *team and the names of its active
 * leaders, by name and one per line, into *leaders (NULL when it has
 * none): what the form says its answers are about. Both malloc'ed;
 * CP_ENOTFOUND for no such team.
 */
int cp_store_team_about(struct cp_store *s, int64_t team_id, char **team,
			char **leaders, struct cp_error *err);

/* Inserts or updates the member whose address matches email (case
 * insensitively), active. *id is its id. */
int cp_store_member_upsert(struct cp_store *s, const char *email,
			   const char *name, int64_t team_id, enum cp_role role,
			   int64_t *id, struct cp_error *err);

int cp_store_member_set_active(struct cp_store *s, int64_t id, int active,
			       struct cp_error *err);

/* Sets the member's language (a checked BCP 47 tag; NULL or "": none).
 * Later invitations carry it; earlier ones keep theirs. */
int cp_store_member_set_language(struct cp_store *s, int64_t id,
				 const char *language, struct cp_error *err);
/* The language of the active member whose address is email (any case)
 * into out, "" when there is none or no such member. */
int cp_store_member_language(struct cp_store *s, const char *email, char *out,
			     size_t n, struct cp_error *err);

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

/*
 * The hash of a stored row with this id and version whose hash is not
 * hash (*other malloc'ed), or *other NULL when there is none.
 */
int cp_store_survey_version_hash(struct cp_store *s, const char *survey_id,
				 const char *version, const char *hash,
				 char **other, struct cp_error *err);

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

/* ---- waves ---- */

/* Stores w (its id is set) with the teams it goes to. */
int cp_store_wave_insert(struct cp_store *s, struct cp_wave *w,
			 const int64_t *teams, size_t nteams,
			 struct cp_error *err);

/*
 * As cp_store_wave_get, from a copy this connection keeps while the
 * database is unchanged since it was read (no commit by any connection,
 * no change by this one: SQLite's data version and change count). Call
 * it right after a read on the same connection (the form server reads a
 * link's invitation, then its wave), or inside a transaction: the copy
 * is then as fresh as that read. In a write transaction it always reads
 * (what it changed may be rolled back). Waves change rarely and are read
 * for every form post; this reads the table only when something
 * changed.
 */
int cp_store_wave_recent(struct cp_store *s, int64_t id, struct cp_wave *w,
			 struct cp_error *err);

/*
 * Inside a transaction opened by cp_store_begin, for a caller that
 * changes no wave in it (the form server's writer): as cp_store_wave_get,
 * from a copy read earlier in the same transaction (no other connection
 * commits while it is open). Outside one, cp_store_wave_recent.
 */
int cp_store_wave_in_tx(struct cp_store *s, int64_t id, struct cp_wave *w,
			struct cp_error *err);

/* Reads wave id into *w; CP_ENOTFOUND when there is none. */
int cp_store_wave_get(struct cp_store *s, int64_t id, struct cp_wave *w,
		      struct cp_error *err);

/* The wave's teams (malloc'ed array of ids, caller frees). */
int cp_store_wave_teams(struct cp_store *s, int64_t wave, int64_t **teams,
			size_t *n, struct cp_error *err);

int cp_store_wave_set_status(struct cp_store *s, int64_t id,
			     enum cp_wave_status status, struct cp_error *err);

/* ---- invitations ---- */

/*
 * Adds the invitation of member to wave (kind self or team) with the hash
 * of its derived token. Adding the same invitation again is a no-op that
 * returns its id.
 */
int cp_store_invitation_add(struct cp_store *s, int64_t wave, int64_t member,
			    int64_t team, int self, const uint8_t hash[32],
			    int64_t *id, struct cp_error *err);

/*
 * Finds the invitation whose token hashes to hash; the stored hash is
 * compared in constant time. CP_ENOTFOUND when none matches.
 */
int cp_store_invitation_by_hash(struct cp_store *s, const uint8_t hash[32],
				struct cp_invitation *out,
				struct cp_error *err);

/*
 * Calls fn for each unanswered invitation of wave, in no set order, with
 * its id, wave, team, kind (self), token hash and language filled (the
 * rest zero), all read in one read transaction (unless the caller holds
 * one); stops at fn's first non-zero return, which it returns. For the
 * form server's links in memory.
 */
int cp_store_wave_open_links(struct cp_store *s, int64_t wave,
			     int (*fn)(void *arg,
				       const struct cp_invitation *inv),
			     void *arg, struct cp_error *err);

/* Stops the reminders of invitation id (RFC 8058 one-click): its
 * no_reminders flag, nothing else. */
int cp_store_invitation_stop_reminders(struct cp_store *s, int64_t id,
				       struct cp_error *err);

/*
 * Marks an invitation answered, inside the caller's transaction.
 * CP_ECONFLICT when it already was: a token is used once.
 */
int cp_store_invitation_mark_answered(struct cp_store *s, int64_t id,
				      struct cp_error *err);

/*
 * The same for the invitation of row id whose token's hash is hash, both
 * checked in the one UPDATE: CP_ECONFLICT when no such row is unanswered
 * (used, or no row of that id has that hash).
 */
int cp_store_invitation_answer(struct cp_store *s, int64_t id,
			       const uint8_t hash[32], struct cp_error *err);

/*
 * Whether some invitation of the group (wave, team, self) other than
 * invitation except is still unanswered, so that its answer could still
 * come: *open is true when one is, or when the group is too large to look
 * through cheaply (more than 256 invitations); false only when every
 * other invitation of the group has been answered. Reads committed data.
 */
int cp_store_invitation_group_open(struct cp_store *s, int64_t wave,
				   int64_t team, int self, int64_t except,
				   bool *open, struct cp_error *err);

/* ---- responses ---- */

/*
 * Stores one response inside the caller's transaction: the wave, the team
 * and the answers only (never who, never a date), and updates the
 * per-group aggregates (agg_item, agg_dim, agg_group) so results never
 * rescan answers. Outside a bulk load the answers fill a free slot of the
 * group chosen at random (slots are made for the whole group at once, so
 * a row's key and place in the file follow no arrival); in a bulk load
 * (an import) each is a new row. Comments join their group's list, sorted
 * by text. survey is the wave's pinned definition; items it does not have,
 * or an item answered twice, are refused (CP_EDATA).
 */
int cp_store_response_add(struct cp_store *s, const struct cp_response *r,
			  const struct cp_survey *survey, struct cp_error *err);

/* ---- imports (store_import.c) ---- */

#define CP_IMPORT_DIGEST 32 /* SHA-256 */

/* An earlier import, and how it meets the one being checked. */
struct cp_import_record {
	int64_t id;
	int64_t wave_id;
	int64_t responses;
	int64_t imported_at;
	int same_file;	   /* the same file: its digest matched */
	int64_t same_rows; /* how many of the given rows it holds */
};

/*
 * The earlier imports that hold the file with this digest (in any wave)
 * or any of the rows whose identifiers hash to keys (in wave), by id.
 * *out is malloc'ed (free() it), NULL when none.
 */
int cp_store_import_find(struct cp_store *s, int64_t wave,
			 const uint8_t digest[CP_IMPORT_DIGEST],
			 const uint8_t (*keys)[CP_IMPORT_DIGEST], size_t nkeys,
			 struct cp_import_record **out, size_t *n,
			 struct cp_error *err);

/* Records an import of responses into wave, inside the caller's
 * transaction; *id is what its responses carry (cp_response.import_id). */
int cp_store_import_add(struct cp_store *s, int64_t wave,
			const uint8_t digest[CP_IMPORT_DIGEST],
			int64_t responses, int64_t *id, struct cp_error *err);

/* Records the hashed identifiers of an import's rows; a row already
 * imported into wave is CP_ECONFLICT. */
int cp_store_import_rows(struct cp_store *s, int64_t import, int64_t wave,
			 const uint8_t (*keys)[CP_IMPORT_DIGEST], size_t nkeys,
			 struct cp_error *err);

/*
 * Inside the caller's transaction and bulk load (cp_store_bulk_begin):
 * takes every response of import out of the totals and deletes them, with
 * their answers and comments, and the import's record and rows. The
 * surveys are the pinned ones of the import's wave (self_survey NULL when
 * it has none). *removed is how many responses went.
 */
int cp_store_import_remove(struct cp_store *s, int64_t import,
			   const struct cp_survey *team_survey,
			   const struct cp_survey *self_survey,
			   int64_t *removed, struct cp_error *err);

/* ---- retention and erasure (store_retention.c) ---- */

/* A closed wave whose answers retention takes (or would take). */
struct cp_purge_row {
	int64_t wave_id;
	int64_t closed_at; /* when it closed (before schema 7: its planned
			      closing time, else its opening) */
	int64_t responses; /* what goes: responses, comments, invitations */
	int64_t comments;
	int64_t invitations;
};

/* The closed waves, not purged yet, that closed before `before`, oldest
 * first, with wave_id and closed_at (the counts 0). *out is malloc'ed
 * (free() it), NULL when none. */
int cp_store_purge_candidates(struct cp_store *s, int64_t before,
			      struct cp_purge_row **out, size_t *n,
			      struct cp_error *err);

/* Fills w's counts: what purging its wave takes. */
int cp_store_purge_count(struct cp_store *s, struct cp_purge_row *w,
			 struct cp_error *err);

/*
 * Inside the caller's transaction: deletes a closed wave's responses
 * (every slot), comments, invitations (their counts per team and kind
 * kept in agg_invited), self-assessment totals and imported rows' ids,
 * and marks it purged at now. The team totals (agg_group, agg_item,
 * agg_dim), the snapshot and the frozen decisions stay: results, trends
 * and reports are computed from those alone.
 */
int cp_store_wave_purge(struct cp_store *s, const struct cp_purge_row *w,
			int64_t now, struct cp_error *err);

/* When wave was purged (*purged_at), or 0 when it was not. */
int cp_store_wave_purged(struct cp_store *s, int64_t wave, int64_t *purged_at,
			 struct cp_error *err);

/*
 * Outside a transaction: rebuilds the file without its free pages
 * (VACUUM) and empties the WAL, so deleted rows leave no bytes behind.
 * CP_ECONFLICT when a reader kept the WAL from being emptied (the data
 * is gone from the database either way; the next compaction or the
 * next commit of answers empties it).
 */
int cp_store_compact(struct cp_store *s, struct cp_error *err);

/* What forgetting a member changed. */
struct cp_forgotten {
	int64_t member_id;
	int64_t invitations_dropped; /* unused links of waves not closed */
	int64_t invitations_kept;    /* used, or of closed waves: counted */
	int wal_busy; /* a reader kept the WAL from being emptied yet */
};

/*
 * Inside the caller's transaction: erases the name and address of the
 * member whose address is email (case-insensitively), marks the row
 * forgotten and inactive, and deletes their unused invitations of waves
 * not closed; a portal viewer with the address loses it and their name,
 * grants, sessions and sign-in links. CP_ENOTFOUND when no member has
 * the address.
 */
int cp_store_member_forget(struct cp_store *s, const char *email, int64_t now,
			   struct cp_forgotten *out, struct cp_error *err);

/* ---- results: the aggregates read back (core/store_results.c) ---- */

/* One team's (or one team's leader's, self = 1) totals in a wave. */
struct cp_agg_group_row {
	int64_t team_id;
	int self;
	int64_t responses;
};

/* agg_dim: n respondents, the sum and sum of squares of their own
 * dimension means (reverse items already flipped). */
struct cp_agg_dim_row {
	int64_t team_id;
	int self;
	char *dimension;
	int64_t n;
	double sum, sumsq;
};

/* agg_item: how many answered 1..5 (raw, not yet reverse-scored). */
struct cp_agg_item_row {
	int64_t team_id;
	int self;
	char *item_id;
	/* c[v]: answers of value v (1-5; 0-10 for an eNPS item);
	 * c[CP_CELL_DECLINED]: "prefer not to say". */
	int64_t c[CP_ANSWER_CELLS];
};

/* Team invitations of a team in a wave: delivered = state 'sent'. */
struct cp_agg_invited_row {
	int64_t team_id;
	int64_t invitations;
	int64_t delivered;
};

struct cp_wave_aggregates {
	struct cp_agg_group_row *groups;
	size_t ngroups;
	struct cp_agg_dim_row *dims;
	size_t ndims;
	struct cp_agg_item_row *items;
	size_t nitems;
	struct cp_agg_invited_row *invited;
	size_t ninvited;
};

/*
 * Reads every aggregate row of wave: one row per team, dimension and item,
 * never the answers themselves, so the cost follows the number of groups.
 * Release out with cp_store_aggregates_release (also after a failure).
 */
int cp_store_wave_aggregates(struct cp_store *s, int64_t wave,
			     struct cp_wave_aggregates *out,
			     struct cp_error *err);
/* The same without the item rows and the invitation counts (items and
 * invited stay empty): what dimension scores alone are computed from. */
int cp_store_wave_dim_aggregates(struct cp_store *s, int64_t wave,
				 struct cp_wave_aggregates *out,
				 struct cp_error *err);
void cp_store_aggregates_release(struct cp_wave_aggregates *a);

/* A wave in the order of time (opens_at, then id) and the teams it has. */
struct cp_wave_entry {
	int64_t id;
	enum cp_wave_status status;
	int64_t opens_at;
	int64_t frozen_seq; /* the order it closed in (wave_frozen); 0: open */
	int64_t *teams;	    /* sorted ids: wave_team and teams that answered */
	size_t nteams;
};

/* Lists every wave, oldest first; free with cp_store_wave_entries_free. */
int cp_store_wave_entries(struct cp_store *s, struct cp_wave_entry **out,
			  size_t *n, struct cp_error *err);
/*
 * The same list, with each wave's teams only among those on team's path
 * (team, its ancestors and the teams below it in any wave's snapshot):
 * what a report on team asks of it (cp_results_opts.entries_path).
 */
int cp_store_wave_entries_path(struct cp_store *s, int64_t team,
			       struct cp_wave_entry **out, size_t *n,
			       struct cp_error *err);
void cp_store_wave_entries_free(struct cp_wave_entry *w, size_t n);

/* One free-text comment of a team's (not self) response in a wave. */
struct cp_comment_row {
	int64_t team_id;
	char *question_id;
	char *text;
};

/*
 * The comments of wave's team responses, sorted by team, question and
 * text: never in the order they were given. Free with
 * cp_store_comment_rows_free.
 */
int cp_store_wave_comments(struct cp_store *s, int64_t wave,
			   struct cp_comment_row **out, size_t *n,
			   struct cp_error *err);
/* The same for the teams listed (ascending ids) only: a report on one
 * team reads its subtree's comments, not the organisation's. */
int cp_store_wave_team_comments(struct cp_store *s, int64_t wave,
				const int64_t *teams, size_t nteams,
				struct cp_comment_row **out, size_t *n,
				struct cp_error *err);
void cp_store_comment_rows_free(struct cp_comment_row *c, size_t n);
/* ---- frozen waves (store_freeze.c) ---- */

/*
 * A wave keeps the team tree it was sent to (cp_store_wave_insert records
 * it) and, once closed, the suppression decisions made when it closed, so
 * nothing done later - a re-org, a new threshold - changes what it shows.
 */

/* One team of a wave's snapshot: as it was when the wave was created. */
struct cp_snapshot_team {
	int64_t id;
	char *name;
	int64_t parent_id; /* 0 when none */
	int in_wave;	   /* sent to (named, or below a named one with
			      --subteams); 0: an ancestor only */
};

/* The wave's snapshot, sorted by name (as cp_store_team_list); free with
 * cp_store_snapshot_free. */
int cp_store_wave_snapshot(struct cp_store *s, int64_t wave,
			   struct cp_snapshot_team **out, size_t *n,
			   struct cp_error *err);
void cp_store_snapshot_free(struct cp_snapshot_team *t, size_t n);

/*
 * Part of the wave's snapshot: team, its ancestors and every team below
 * it (all that a report on team shows; the rest of the tree is not
 * read), sorted by name as cp_store_wave_snapshot. Empty when team is
 * not in the snapshot. A walk stops after 65 steps up or down (a cycle
 * of parents, which the roster refuses, cannot loop). Free with
 * cp_store_snapshot_free.
 */
int cp_store_wave_snapshot_path(struct cp_store *s, int64_t wave, int64_t team,
				struct cp_snapshot_team **out, size_t *n,
				struct cp_error *err);

/* How far a wave is frozen: seq its place in the order of closing (0: not
 * closed), threshold and comment_threshold those its decisions were made
 * with (0: not made yet). */
struct cp_frozen {
	int64_t seq;
	int threshold;
	int comment_threshold;
};

int cp_store_wave_frozen(struct cp_store *s, int64_t wave,
			 struct cp_frozen *out, struct cp_error *err);

/* Gives a closed wave its place in the order of closing (once; again is a
 * no-op). cp_store_wave_set_status does it when a wave closes. */
int cp_store_wave_mark_frozen(struct cp_store *s, int64_t wave,
			      struct cp_error *err);

/*
 * One stored decision: in group (scope "organisation", "subtree" or
 * "team"; team_id 0 for the organisation) measure is hidden: "responses"
 * (the whole group), "comments", "dimension" or "item" (measure_id its
 * id, "" otherwise). reason is NULL or a short code ("fewer_than_k",
 * "protects_group"); for "protects_group" protects_scope and
 * protects_team_id name the group it protects (protects_scope "" when
 * none) and nprotects is how many groups it protects.
 */
struct cp_hidden_row {
	char scope[16];
	int64_t team_id;
	char measure[16];
	char *measure_id;
	char *reason;
	char protects_scope[16];
	int64_t protects_team_id;
	int64_t nprotects;
};

/*
 * Stores the decisions of a closed wave, inside the caller's transaction:
 * the thresholds they were made with and every hidden row. CP_ECONFLICT
 * when the wave's decisions were made already: they are made once.
 */
int cp_store_wave_freeze(struct cp_store *s, int64_t wave, int threshold,
			 int comment_threshold,
			 const struct cp_hidden_row *rows, size_t n,
			 struct cp_error *err);

/* The stored decisions of a wave; free with cp_store_hidden_free. */
int cp_store_wave_hidden(struct cp_store *s, int64_t wave,
			 struct cp_hidden_row **out, size_t *n,
			 struct cp_error *err);
void cp_store_hidden_free(struct cp_hidden_row *r, size_t n);

/*
 * The stored decisions of a wave's groups of the nteams teams in teams
 * (0: the organisation's), every scope, read by the key (a report on
 * one team reads its path's and not the few hundred of the whole
 * wave); in the order of cp_store_wave_hidden. Free with
 * cp_store_hidden_free.
 */
int cp_store_wave_hidden_of(struct cp_store *s, int64_t wave,
			    const int64_t *teams, size_t nteams,
			    struct cp_hidden_row **out, size_t *n,
			    struct cp_error *err);

/*
 * A closed wave's computed results, one row per group (scope and team_id
 * as in cp_hidden_row): its counts and body, the encoded statistics
 * (core/results writes and reads the encoding; the store keeps bytes).
 */
struct cp_result_row {
	char scope[16];
	int64_t team_id;
	int64_t answered, delivered;
	const void *body; /* NULL when not asked for (see below) */
	size_t nbody;
};

/* Stores a wave's results, inside the caller's transaction, replacing any
 * it had. */
int cp_store_wave_results_put(struct cp_store *s, int64_t wave,
			      const struct cp_result_row *rows, size_t n,
			      struct cp_error *err);

/* *yes: whether wave has stored results. */
int cp_store_wave_results_stored(struct cp_store *s, int64_t wave, bool *yes,
				 struct cp_error *err);

/*
 * Calls each for every stored row of wave; the body only for the rows of
 * team only_team (0: every row), else NULL; with only_team and
 * team_only, the rows of team only_team alone. The row and its body are
 * valid during the call only. A nonzero return from each stops and is
 * returned.
 */
int cp_store_wave_results_each(struct cp_store *s, int64_t wave,
			       int64_t only_team, bool team_only,
			       int (*each)(const struct cp_result_row *row,
					   void *arg, struct cp_error *err),
			       void *arg, struct cp_error *err);

/* Whether s was opened for writing, and whether a transaction is open. */
int cp_store_writable(const struct cp_store *s);
int cp_store_in_transaction(const struct cp_store *s);

/* ---- delivery: listing waves, invitation states (store_delivery.c) ---- */

/*
 * Invitation states move pending -> sending -> sent, or to failed. A row is
 * marked sending (and committed) before its message is handed to a peer and
 * sent after, so a run killed in between resends exactly that one. A failed
 * row with a retry time is transient and is tried again once it is due; one
 * without is permanent and keeps its reason for `wave show`.
 */

/* The store's clock in seconds since the epoch; CAREPULSE_NOW fixes it
 * (tests, the seeded demo). Everything that schedules uses this one. */
int64_t cp_store_now(void);

/* Counts of one wave's invitations. answered is a number, never a who. */
struct cp_wave_stats {
	int64_t invitations;
	int64_t pending;
	int64_t sending;
	int64_t sent;
	int64_t failed;
	int64_t answered;
	int64_t reminders; /* reminder messages sent in all */
	int64_t self;	   /* of invitations, leaders' self-assessments */
};

/* A wave with its survey id and counts, for `wave list`. */
struct cp_wave_row {
	struct cp_wave wave;
	char survey_id[72];
	struct cp_wave_stats stats;
};

/* All waves, newest first; *out is malloc'ed (free() it). */
int cp_store_wave_list(struct cp_store *s, struct cp_wave_row **out, size_t *n,
		       struct cp_error *err);

int cp_store_wave_stats(struct cp_store *s, int64_t wave,
			struct cp_wave_stats *out, struct cp_error *err);

/* The ids of the waves with status, oldest first (malloc'ed). */
int cp_store_wave_ids(struct cp_store *s, enum cp_wave_status status,
		      int64_t **ids, size_t *n, struct cp_error *err);

/* The id of the wave that follows wave in its recurring series, or 0. */
int cp_store_wave_successor(struct cp_store *s, int64_t wave, int64_t *next,
			    struct cp_error *err);

/* One invitation with what delivering it needs. Strings are owned. */
struct cp_delivery {
	int64_t invitation_id;
	int64_t member_id;
	int64_t team_id;
	int self;
	char *email;
	char *name;
	char *team;
	char state[12];
	int attempts;
	int reminders;
	char *last_error; /* NULL when none */
	int64_t sent_at;
	int64_t last_reminded_at;
	int64_t next_attempt_at; /* 0: none */
	char language[16];	 /* the person's BCP 47 tag; "" when none */
	uint8_t token_hash[32];	 /* SHA-256 of the link's token */
};

enum cp_delivery_select {
	/* pending, sending (a run was killed), failed with a due retry */
	CP_SELECT_TO_SEND,
	/* sent, not answered, fewer than max_reminders, the last message
	 * (invitation or reminder) at least interval seconds before now */
	CP_SELECT_TO_REMIND,
	/* failed: for `wave show` */
	CP_SELECT_FAILED,
	/* every invitation of the wave, whatever its state */
	CP_SELECT_ALL,
};

/*
 * Lists a wave's invitations selected by sel, by id; max_reminders and
 * interval matter for CP_SELECT_TO_REMIND only. Free with
 * cp_store_deliveries_free.
 */
int cp_store_delivery_list(struct cp_store *s, int64_t wave,
			   enum cp_delivery_select sel, int64_t now,
			   int max_reminders, int64_t interval,
			   struct cp_delivery **out, size_t *n,
			   struct cp_error *err);
void cp_store_deliveries_free(struct cp_delivery *d, size_t n);

/*
 * State changes of one invitation. Outside a transaction each is committed
 * on its own before it returns (that is the point: see above).
 */
int cp_store_invitation_sending(struct cp_store *s, int64_t id,
				struct cp_error *err);
int cp_store_invitation_sent(struct cp_store *s, int64_t id, int64_t now,
			     struct cp_error *err);
/* retry_at 0: a permanent failure. */
int cp_store_invitation_failed(struct cp_store *s, int64_t id,
			       const char *reason, int64_t retry_at,
			       struct cp_error *err);
/* Back to pending with a reason: nothing reached the peer. */
int cp_store_invitation_unsent(struct cp_store *s, int64_t id,
			       const char *reason, struct cp_error *err);
/* One more reminder went out at now. */
int cp_store_invitation_reminded(struct cp_store *s, int64_t id, int64_t now,
				 struct cp_error *err);

/*
 * Trades the durability of the last commits on power loss for speed on
 * this connection (PRAGMA synchronous = NORMAL). In WAL mode a process
 * that is killed never loses a committed transaction either way; only a
 * power cut may roll back the last few, which for sending means at worst a
 * resend with the same Message-ID and link, never a skipped member,
 * because a row is marked sent only after the peer took the message.
 */
/* CP_EFAIL on a store opened with CP_STORE_WAL_BUFFER, which keeps FULL. */
int cp_store_relax_durability(struct cp_store *s, struct cp_error *err);

/* ---- waves over time: series, cancelling (store_lifecycle.c) ---- */

/* "active", "paused", "stopped". */
const char *cp_series_state_name(enum cp_series_state state);

/* Stores a new series (x->id is set); its waves name it in series_id. */
int cp_store_series_insert(struct cp_store *s, struct cp_series *x,
			   struct cp_error *err);

/* Reads series id with its newest wave and count; CP_ENOTFOUND. */
int cp_store_series_get(struct cp_store *s, int64_t id, struct cp_series *out,
			struct cp_error *err);

/* Every series, oldest first; *out is malloc'ed (free() it). */
int cp_store_series_list(struct cp_store *s, struct cp_series **out, size_t *n,
			 struct cp_error *err);

int cp_store_series_set_state(struct cp_store *s, int64_t id,
			      enum cp_series_state state, struct cp_error *err);

/* How many answers a wave has had: responses stored (also by import)
 * and links used. */
int cp_store_wave_answers(struct cp_store *s, int64_t wave, int64_t *n,
			  struct cp_error *err);

/* How many of a wave's messages have gone out or been tried: invitations
 * no longer pending (or sent once), and team posts. */
int cp_store_wave_outgoing(struct cp_store *s, int64_t wave, int64_t *n,
			   struct cp_error *err);

int cp_store_wave_set_channel(struct cp_store *s, int64_t wave,
			      const char *channel, struct cp_error *err);

/*
 * Inside the caller's transaction: marks wave cancelled at now with
 * reason (NULL or "" for none) and deletes its response slots, comments,
 * aggregates and frozen decisions, with secure_delete on so the freed
 * pages are zeroed. Its invitations stay (their links say
 * "cancelled"); so do its teams and snapshot.
 */
int cp_store_wave_cancel(struct cp_store *s, int64_t wave, const char *reason,
			 int64_t now, struct cp_error *err);

/*
 * Inside the caller's transaction: deletes wave and everything of it
 * (invitations, teams, posts, and any answers, as above), keeping only
 * the token hashes of its invitations in cancelled_link with reason, so
 * a link that went out says "cancelled". A successor in its series
 * follows the wave before it; a series left without waves is deleted.
 */
int cp_store_wave_delete(struct cp_store *s, int64_t wave, const char *reason,
			 struct cp_error *err);

/* Whether a link whose token hashes to hash belonged to a deleted wave
 * (*found), and the reason given (into reason, n bytes). */
int cp_store_link_cancelled(struct cp_store *s, const uint8_t hash[32],
			    int *found, char *reason, size_t n,
			    struct cp_error *err);

/* The newest invitation (*found 0 when there is none): what checks that
 * a key belongs to a database, by deriving its token again. */
int cp_store_invitation_sample(struct cp_store *s, int64_t *wave,
			       int64_t *member, int *self, uint8_t hash[32],
			       int *found, struct cp_error *err);

/* Why a wave's reminders are or are not due: of the invitations sent
 * and not answered, how many had remind.max reminders already, and when
 * the soonest of the others is due (0: none). not_sent: not yet sent. */
struct cp_remind_outlook {
	int64_t unanswered;
	int64_t stopped; /* of them, those who asked for no more reminders */
	int64_t reminded_max;
	int64_t next_due;
	int64_t not_sent;
};

int cp_store_remind_outlook(struct cp_store *s, int64_t wave, int max,
			    int64_t interval, struct cp_remind_outlook *out,
			    struct cp_error *err);

/*
 * What-if mode, for dry runs that must count exactly what a real run
 * would do: everything between begin and end happens in one transaction
 * that end rolls back, nested transactions (cp_store_begin) becoming
 * savepoints inside it. Nothing that commits on its own may run in it.
 */
int cp_store_what_if_begin(struct cp_store *s, struct cp_error *err);
void cp_store_what_if_end(struct cp_store *s);

/* ---- backups (store_backup.c) ---- */

/*
 * Writes a consistent copy of s's database to path (a new file: an
 * existing one is CP_ECONFLICT) through SQLite's backup API, in one read
 * transaction, so it is the database as of one moment while other
 * connections (a running `serve`) go on writing. Written to
 * "<path>.partial", synced, then renamed: a crash never leaves half a
 * backup under path.
 */
int cp_store_backup(struct cp_store *s, const char *path, struct cp_error *err);

/* Copies the database file from (a backup) into a new file to, by the
 * same API; CP_EDATA when from is not a database. */
int cp_store_copy_file(const char *from, const char *to, struct cp_error *err);

/* Renames from to to, removing to's -wal and -shm first (a stale log
 * would be replayed into the new file). */
int cp_store_move_file(const char *from, const char *to, struct cp_error *err);

/* ---- team-level chat posts (Slack, Microsoft Teams) ---- */

/* One team of a wave as its channel sees it: counts only, never who. */
struct cp_chat_team {
	int64_t team_id;
	char *team;
	int64_t parent_id; /* 0 when none */
	int64_t invited;   /* team (not self) invitations */
	int64_t answered;
	int posts;	    /* sent posts: 1 after the announcement */
	int64_t last_post;  /* when the last one was sent, or 0 */
	int announce_state; /* 0 none, 1 sending, 2 sent, 3 failed */
	char *last_error;
};

/* The wave's teams that have invitations, by name; free with
 * cp_store_chat_teams_free. */
int cp_store_chat_teams(struct cp_store *s, int64_t wave,
			struct cp_chat_team **out, size_t *n,
			struct cp_error *err);
void cp_store_chat_teams_free(struct cp_chat_team *t, size_t n);

/* Sets post number (0: the announcement) of a team in a wave to state
 * (sending, sent or failed); committed at once outside a transaction. */
int cp_store_chat_post_set(struct cp_store *s, int64_t wave, int64_t team,
			   int number, const char *state, const char *reason,
			   int64_t now, struct cp_error *err);

/* ---- portal access (store_access.c; see core/access) ---- */

/* A viewer's id by address (case-insensitive): CP_ENOTFOUND when none. */
int cp_store_viewer_find(struct cp_store *s, const char *email, int64_t *id,
			 struct cp_error *err);
/* The viewer with this address, made when missing (name kept when ""). */
int cp_store_viewer_ensure(struct cp_store *s, const char *email,
			   const char *name, int64_t *id, struct cp_error *err);
/* A viewer's address and name into the buffers; CP_ENOTFOUND. */
int cp_store_viewer_get(struct cp_store *s, int64_t id, char *email,
			size_t email_n, char *name, size_t name_n,
			struct cp_error *err);

/* One explicit grant (role "hr", "leader" or "facilitator"). */
struct cp_store_grant {
	int64_t viewer_id;
	char email[256];
	char name[128];
	char role[16];
	int64_t team_id; /* 0 for hr */
	char team[256];	 /* "" for hr */
	int64_t until;	 /* 0: none */
	int64_t granted_at;
};

/* Sets a grant (team 0 for hr), replacing the until of an existing one. */
int cp_store_grant_set(struct cp_store *s, int64_t viewer, const char *role,
		       int64_t team, int64_t until, int64_t now,
		       struct cp_error *err);
/* Deletes a grant: *deleted says whether there was one. */
int cp_store_grant_delete(struct cp_store *s, int64_t viewer, const char *role,
			  int64_t team, int *deleted, struct cp_error *err);
/* The grants of viewer (0: everyone's), by address, role and team name.
 * *out is malloc'ed (free() it), NULL when none. */
int cp_store_grants(struct cp_store *s, int64_t viewer,
		    struct cp_store_grant **out, size_t *n,
		    struct cp_error *err);

/* The roster's leaders (active, not forgotten) as grants of role
 * "leader" (viewer_id 0, granted_at 0): those whose address is email, or
 * all when email is NULL; by address and team name. */
int cp_store_roster_leaders(struct cp_store *s, const char *email,
			    struct cp_store_grant **out, size_t *n,
			    struct cp_error *err);

/* Sign-in tokens, by their SHA-256 only. */
int cp_store_signin_token_add(struct cp_store *s, const uint8_t hash[32],
			      int64_t viewer, int64_t now, int64_t expires,
			      struct cp_error *err);
/* Marks the token used and gives its viewer; CP_ECONFLICT when it is
 * unknown, used or expired at now. Deletes tokens long expired. */
int cp_store_signin_token_use(struct cp_store *s, const uint8_t hash[32],
			      int64_t now, int64_t *viewer,
			      struct cp_error *err);
/* Deletes the tokens that expired before `before` and the rate counters
 * of the hours before its last: the housekeeping every sign-in request
 * does. */
int cp_store_signin_tidy(struct cp_store *s, int64_t before,
			 struct cp_error *err);

/* Counts one request in hour (seconds since the epoch / 3600) for kind
 * ("address" or "client") and key (a SHA-256); *requests is the count so
 * far, this one included. */
int cp_store_rate_hit(struct cp_store *s, const char *kind,
		      const uint8_t key[32], int64_t hour, int64_t *requests,
		      struct cp_error *err);

/* Sessions, by the SHA-256 of their id only. */
int cp_store_session_add(struct cp_store *s, const uint8_t hash[32],
			 int64_t viewer, int64_t now, struct cp_error *err);
/* CP_ENOTFOUND when there is none. */
int cp_store_session_get(struct cp_store *s, const uint8_t hash[32],
			 int64_t *viewer, int64_t *created, int64_t *last_seen,
			 struct cp_error *err);
int cp_store_session_touch(struct cp_store *s, const uint8_t hash[32],
			   int64_t now, struct cp_error *err);
int cp_store_session_delete(struct cp_store *s, const uint8_t hash[32],
			    struct cp_error *err);

/* One line of the audit log. */
struct cp_audit_row {
	int64_t at;
	int64_t viewer_id; /* 0: none */
	char email[256];   /* "" when none */
	char event[32];
	int64_t wave_id; /* 0: none */
	int64_t team_id; /* 0: none */
	char team[256];	 /* "" when none */
	char detail[256];
};

int cp_store_audit_add(struct cp_store *s, int64_t viewer, const char *event,
		       int64_t wave, int64_t team, const char *detail,
		       int64_t now, struct cp_error *err);
/* The log since `since`, oldest first; *out malloc'ed, NULL when none. */
int cp_store_audit_list(struct cp_store *s, int64_t since,
			struct cp_audit_row **out, size_t *n,
			struct cp_error *err);

/* ---- results-ready mails ---- */

/* Closed waves whose results-ready mails were not queued yet, by id. */
int cp_store_ready_waves(struct cp_store *s, int64_t **ids, size_t *n,
			 struct cp_error *err);
/*
 * Inside the caller's transaction: a pending mail for each of viewers (n)
 * for wave,
 * each with a fresh random Message-ID local part (a viewer already
 * queued keeps theirs), and the wave marked queued.
 */
int cp_store_ready_queue(struct cp_store *s, int64_t wave,
			 const int64_t *viewers, size_t n, int64_t now,
			 struct cp_error *err);

/* One mail to send. */
struct cp_ready_mail {
	int64_t wave_id;
	int64_t viewer_id;
	char email[256];
	char name[128];
	char message_id[64];
	char state[12];
	int attempts;
};

/* The mails of wave (0: of every wave) not sent yet (pending, sending -
 * left by a kill -, and failed ones with attempts under max_attempts), by
 * wave and address. */
int cp_store_ready_unsent(struct cp_store *s, int64_t wave, int max_attempts,
			  struct cp_ready_mail **out, size_t *n,
			  struct cp_error *err);
/* Sets one mail's state (sending, sent, failed, pending), committed at
 * once outside a transaction; failed counts an attempt. */
int cp_store_ready_set(struct cp_store *s, int64_t wave, int64_t viewer,
		       const char *state, const char *reason, int64_t now,
		       struct cp_error *err);

/* ---- actions: what a team agreed after a wave (store_action.c) ---- */

#define CP_ACTION_TEXT_MAX  500 /* bytes of UTF-8 */
#define CP_ACTION_OWNER_MAX 120

struct cp_action {
	int64_t id;
	int64_t team_id;
	int64_t wave_id; /* the wave whose results it follows */
	char team[256];	 /* the team's name now (filled by lists) */
	char text[CP_ACTION_TEXT_MAX + 1];
	char owner[CP_ACTION_OWNER_MAX + 1]; /* "" when none was named */
	int64_t review_at;		     /* 0 when none */
	int64_t done_at;		     /* 0 while open */
	int64_t created_at;
};

/* Stores a (its id is ignored) and sets *id. The caller has checked it
 * (core/action). */
int cp_store_action_add(struct cp_store *s, const struct cp_action *a,
			int64_t *id, struct cp_error *err);

/*
 * The actions of team (0: every team) that follow wave (0: any), oldest
 * first. *out is malloc'ed (free() it); *n may be 0.
 */
int cp_store_action_list(struct cp_store *s, int64_t team, int64_t wave,
			 struct cp_action **out, size_t *n,
			 struct cp_error *err);

/* Action id into *a: CP_ENOTFOUND when there is none. */
int cp_store_action_get(struct cp_store *s, int64_t id, struct cp_action *a,
			struct cp_error *err);

/* Marks action id done at when (it must exist and be open). */
int cp_store_action_done(struct cp_store *s, int64_t id, int64_t when,
			 struct cp_error *err);

/*
 * The wave whose actions a report of team for wave recalls: the latest
 * wave that opened before wave and has actions of team; 0 when none.
 */
int cp_store_action_previous_wave(struct cp_store *s, int64_t team,
				  int64_t wave, int64_t *out,
				  struct cp_error *err);

/* ---- single sign-on (OpenID Connect) ---- */

/*
 * Records a started sign-in: the SHA-256 of its state, its nonce and PKCE
 * code verifier, the SHA-256 of the browser's secret it is bound to, and
 * when it began; deletes every one begun before stale_before (abandoned).
 * CP_ECONFLICT, and nothing recorded, when max_pending are in progress
 * already (a flood of begun sign-ins cannot fill the disk). Committed at
 * once outside a transaction.
 */
int cp_store_oidc_pending_add(struct cp_store *s, const uint8_t state_hash[32],
			      const char *nonce, const char *verifier,
			      const uint8_t binding_hash[32], int64_t now,
			      int64_t stale_before, int64_t max_pending,
			      struct cp_error *err);

/*
 * Takes (reads and deletes, so it is used once) the sign-in whose state
 * has the SHA-256 state_hash. *found is false when there is none (never
 * begun, already taken or deleted as abandoned). *nonce and *verifier are
 * malloc'ed (the caller frees them), NULL when not found; binding_hash
 * receives the SHA-256 of the browser's secret.
 */
int cp_store_oidc_pending_take(struct cp_store *s, const uint8_t state_hash[32],
			       char **nonce, char **verifier,
			       uint8_t binding_hash[32], int64_t *created_at,
			       bool *found, struct cp_error *err);

#endif
