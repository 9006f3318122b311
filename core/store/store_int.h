/*
 * store_int.h - private to the store's files: the one place sqlite3.h is
 * included.
 */
#ifndef CP_STORE_INT_H
#define CP_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>

#include "i18n.h"
#include "store.h"

/* Statements prepared once per connection, for the hot paths. */
enum cp_stmt {
	CP_STMT_RESPONSE,
	CP_STMT_RESPONSES, /* a bulk load's rows, BULK_ROWS at a time */
	CP_STMT_SLOT_COUNT,
	CP_STMT_SLOT_NEW, /* a group's new slots: 1, 4, 16 and 64 rows */
	CP_STMT_SLOT_NEW4,
	CP_STMT_SLOT_NEW16,
	CP_STMT_SLOT_NEW64,
	CP_STMT_SLOT_FIND,
	CP_STMT_SLOT_FILL,
	CP_STMT_COMMENT,
	CP_STMT_AGG_GROUP,
	CP_STMT_AGG_ITEM,
	CP_STMT_AGG_DIM,
	CP_STMT_INVITATION_BY_HASH,
	CP_STMT_INVITATION_ANSWERED,
	CP_STMT_INVITATION_ANSWER,
	CP_STMT_INVITATION_GROUP_OPEN,
	CP_STMT_INVITATION_GROUP_SIZE,
	CP_STMT_BULK_COMMENTS,
	CP_STMT_INVITATION_SENDING,
	CP_STMT_INVITATION_SENT,
	CP_STMT_INVITATION_FAILED,
	CP_STMT_INVITATION_UNSENT,
	CP_STMT_INVITATION_REMINDED,
	CP_STMT_MEMBER_UPSERT,
	CP_STMT_WAVE_GET,
	/* A report reads these once per wave of its trend (up to 12). */
	CP_STMT_WAVE_FROZEN,
	CP_STMT_WAVE_SNAPSHOT,
	CP_STMT_WAVE_HIDDEN,
	CP_STMT_WAVE_SNAPSHOT_PATH, /* a report on one team: its path */
	CP_STMT_WAVE_HIDDEN_OF,
	CP_STMT_RESULTS_STORED,
	CP_STMT_RESULTS_ALL,
	CP_STMT_RESULTS_COUNTS,
	CP_STMT_RESULTS_TEAM,
	CP_STMT_BEGIN, /* BEGIN IMMEDIATE and COMMIT: one a message sent */
	CP_STMT_COMMIT,
	CP_STMT_COUNT
};

struct cp_bulk;
struct cp_totals;

/* The statements of cp_bulk_write_sums a kind may use: 32 rows, 16, ...
 * down to 1. */
#define CP_SUMS_SIZES 6

/*
 * Writes the team tree of waves into wave_team_snapshot: the teams a wave
 * went to (its named teams in wave_team WHERE allows and, for a wave with
 * include_subteams, every team below them), the teams of EXTRA (a SELECT
 * of (wave_id, team_id) pairs that belong to the wave too), and every
 * ancestor of those, each with its name and parent as the team table has
 * them now. UNION, not UNION ALL: a cycle of parents ends the walk.
 */
#define CP_SNAPSHOT_SQL(where, extra)                                          \
	"INSERT INTO wave_team_snapshot(wave_id, team_id, name, parent_id,"    \
	" in_wave) WITH RECURSIVE below(wave_id, team_id) AS ("                \
	" SELECT wave_id, team_id FROM wave_team " where                       \
	" UNION SELECT b.wave_id, t.id FROM below b"                           \
	" JOIN wave w ON w.id = b.wave_id AND w.include_subteams"              \
	" JOIN team t ON t.parent_id = b.team_id),"                            \
	" used(wave_id, team_id) AS (SELECT wave_id, team_id FROM below"       \
	" UNION " extra "),"                                                   \
	" up(wave_id, team_id) AS (SELECT wave_id, team_id FROM used"          \
	" UNION SELECT u.wave_id, t.parent_id FROM up u"                       \
	" JOIN team t ON t.id = u.team_id WHERE t.parent_id IS NOT NULL)"      \
	" SELECT up.wave_id, t.id, t.name, t.parent_id, EXISTS (SELECT 1"      \
	" FROM below b WHERE b.wave_id = up.wave_id AND b.team_id = t.id)"     \
	" FROM up JOIN team t ON t.id = up.team_id"

/* The columns of a wave as cp_store_read_wave reads them, from w. */
#define CP_WAVE_COLUMNS                                                        \
	"w.id, w.survey_ref, coalesce(w.self_survey_ref, 0), w.status,"        \
	" w.opens_at, coalesce(w.closes_at, 0), w.channel,"                    \
	" coalesce(w.every_days, 0), coalesce(w.previous_wave, 0),"            \
	" coalesce(w.threshold, 0), coalesce(w.comment_threshold, 0),"         \
	" w.include_subteams, w.created_at, coalesce(w.every_months, 0),"      \
	" coalesce(w.series_id, 0), coalesce(w.series_seq, 0),"                \
	" coalesce(w.closed_at, 0), coalesce(w.cancelled_at, 0),"              \
	" w.cancel_reason"
#define CP_WAVE_NCOLUMNS 19

/* An agg_item row added to the one already there: the one text of the
 * live writer (store_wave.c) and the bulk load (store_bulk.c). */
#define CP_AGG_ITEM_ADD                                                        \
	" ON CONFLICT DO UPDATE SET"                                           \
	" c0 = c0 + excluded.c0, c1 = c1 + excluded.c1,"                       \
	" c2 = c2 + excluded.c2, c3 = c3 + excluded.c3,"                       \
	" c4 = c4 + excluded.c4, c5 = c5 + excluded.c5,"                       \
	" c6 = c6 + excluded.c6, c7 = c7 + excluded.c7,"                       \
	" c8 = c8 + excluded.c8, c9 = c9 + excluded.c9,"                       \
	" c10 = c10 + excluded.c10,"                                           \
	" declined = declined + excluded.declined"

/* Reads the CP_WAVE_COLUMNS starting at column c of st into *w. */
void cp_store_read_wave(sqlite3_stmt *st, int c, struct cp_wave *w);

struct cp_store {
	sqlite3 *db;
	char *path;
	int in_tx;
	int what_if; /* inside cp_store_what_if_begin: begin is a savepoint */
	sqlite3_stmt *cache[CP_STMT_COUNT];
	struct cp_bulk *bulk;	  /* aggregates kept in memory (store_bulk.c) */
	struct cp_totals *totals; /* kept for the COMMIT (store_totals.c) */
	int scrub;		  /* the open transaction stores an answer */
	int wal_dirty;	/* a committed answer may still be in the WAL */
	int answered;	/* this connection has stored answers */
	int defer;	/* the caller checkpoints after commits */
	bool read_only; /* opened with CP_STORE_READONLY */
	bool walbuf;	/* opened with CP_STORE_WAL_BUFFER: keeps FULL */
	/* Waves read by cp_store_wave_recent, and the data version and
	 * change count they were read at. */
	struct cp_wave recent[4];
	size_t nrecent;
	unsigned recent_version;
	int64_t recent_changes;
	/* Waves read by cp_store_wave_in_tx, in the transaction counted
	 * tx_waves_serial by cp_store_begin's tx_serial. */
	struct cp_wave tx_waves[4];
	size_t ntx_waves;
	uint64_t tx_serial, tx_waves_serial;
	/* SAVEPOINT and RELEASE of the last savepoint name, prepared once
	 * (the form server's writer runs both for every submission). */
	sqlite3_stmt *savepoint[2];
	/* Random bytes drawn ahead for the small draws of storing a
	 * response (cp_store_random): the last rand_left of them are
	 * unused, the others zeroed. A connection is never carried across
	 * fork() (SQLite's rule), so neither are they. */
	uint8_t rand[512];
	size_t rand_left;
	/* The form server's totals at COMMIT (cp_bulk_write_sums): per
	 * kind, the statements adding 32, 16, 8, 4, 2 and 1 rows. */
	sqlite3_stmt *sums[3][CP_SUMS_SIZES];
};

/* n random bytes into out (OpenSSL's generator), for a draw of a few
 * bytes: taken from the connection's bytes drawn ahead (one call to the
 * generator for many draws: each costs a few us), which are wiped as
 * they are handed out. */
/* The name of the VFS that writes a -wal file's frames of a commit in
 * one write (store_walbuf.c), registered at the first call; NULL when the
 * default VFS cannot carry it (the default is then used). */
const char *cp_store_walbuf_vfs(void);

int cp_store_random(struct cp_store *s, void *out, size_t n,
		    struct cp_error *err);

/* Adds to the in-memory aggregates of a bulk load (see store_bulk.c):
 * one answer, one respondent's dimension mean, one response. */
int cp_bulk_item(struct cp_store *s, int64_t wave, int64_t team, int self,
		 const char *item, int value, struct cp_error *err);
int cp_bulk_dim(struct cp_store *s, int64_t wave, int64_t team, int self,
		const char *dim, double mean, struct cp_error *err);
int cp_bulk_group(struct cp_store *s, int64_t wave, int64_t team, int self,
		  struct cp_error *err);
/* Adds one response to the in-memory aggregates of a bulk load: each
 * answer (items[i] its survey item), the dimension means where
 * has_mean[d], the group's count. The same as the calls above, with the
 * group looked up once and its entries by position. */
int cp_bulk_response_totals(struct cp_store *s, const struct cp_response *r,
			    const struct cp_survey *survey,
			    const struct cp_item **items, const double *mean,
			    const bool *has_mean, struct cp_error *err);
/* Keeps one comment of a bulk load for its list (wave, team, self,
 * import), written with the rest of the list by cp_store_bulk_end. */
int cp_bulk_comment(struct cp_store *s, int64_t wave, int64_t team, int self,
		    int64_t import, const char *question, const char *text,
		    struct cp_error *err);
/* Keeps one response of a bulk load (its answers as stored, one
 * character per item), written with the others by cp_store_bulk_end in
 * key order: wave, team, self, then a random id drawn there. */
int cp_bulk_row(struct cp_store *s, const struct cp_response *r,
		const char *answers, struct cp_error *err);
/* Inserts one filled response row (store_wave.c). */
int cp_store_slot_insert(struct cp_store *s, int64_t wave, int64_t team,
			 int self, const uint8_t id[16], const char *answers,
			 int64_t import, struct cp_error *err);
/* One key's sums to add to its totals row: an item's counts per answer
 * cell, a dimension's n, sum and sumsq, a group's responses (counts[0]). */
struct cp_bulk_sums {
	int64_t counts[CP_ANSWER_CELLS];
	int64_t n;
	double sum, sumsq;
};
/* One key's sums to add to its totals row (cp_bulk_write_sums). */
struct cp_bulk_key_sums {
	int64_t wave, team;
	int self;
	const char *name; /* an item's or dimension's id; NULL for a group */
	struct cp_bulk_sums sum;
};
/* Adds each of rows[0..n), all of agg_item (kind 0), agg_dim (1) or
 * agg_group (2), each key once, to its row, made when missing, in the
 * order given: up to 32 rows a statement (store_bulk.c). */
int cp_bulk_write_sums(struct cp_store *s, int kind,
		       const struct cp_bulk_key_sums *rows, size_t n,
		       struct cp_error *err);
/* The totals kept for the COMMIT (store_totals.c, cp_store_defer_totals):
 * one answer, one respondent's dimension mean, one response; a SAVEPOINT
 * marks the notes (cp_totals_mark), a ROLLBACK TO drops the notes after
 * the mark and a ROLLBACK all (cp_totals_undo), and the COMMIT writes
 * them, each key once (cp_totals_write, 0 when none are kept). */
int cp_totals_item(struct cp_store *s, int64_t wave, int64_t team, int self,
		   const char *item, int value, struct cp_error *err);
int cp_totals_dim(struct cp_store *s, int64_t wave, int64_t team, int self,
		  const char *dim, double mean, struct cp_error *err);
int cp_totals_group(struct cp_store *s, int64_t wave, int64_t team, int self,
		    struct cp_error *err);
void cp_totals_mark(struct cp_store *s);
void cp_totals_undo(struct cp_store *s, bool all);
int cp_totals_write(struct cp_store *s, struct cp_error *err);
/* Drops a bulk load's aggregates unwritten (rollback, close). */
void cp_bulk_discard(struct cp_store *s);

/*
 * From now on the bulk load's cp_bulk_* calls subtract (sign -1) or add
 * (sign 1, the default): taking a response out of the totals is adding
 * it with the sign turned. cp_store_bulk_end then drops the rows left
 * at zero, so the totals are as if it had never been added.
 */
void cp_bulk_sign(struct cp_store *s, int sign);

/* Adds r's answers to the bulk load's totals (or takes them out, see
 * cp_bulk_sign), as cp_store_response_add would. */
int cp_store_bulk_response(struct cp_store *s, const struct cp_response *r,
			   const struct cp_survey *survey,
			   struct cp_error *err);

/* The cached statement for slot, prepared from sql on first use and reset
 * for this one. Borrowed: never finalize it. */
int cp_store_cached(struct cp_store *s, enum cp_stmt slot, const char *sql,
		    sqlite3_stmt **st, struct cp_error *err);

/* Translates the connection's last error into err with a context. */
int cp_store_fail(struct cp_store *s, struct cp_error *err, const char *what);

/* Prepares sql; on failure err says what and why. */
int cp_store_prepare(struct cp_store *s, sqlite3_stmt **st, const char *sql,
		     struct cp_error *err);

/*
 * Steps st (prepared and bound) once and finalizes it: *out is the first
 * column of its row as an int64 and *found true, or, when it gives no
 * row, *out 0 and *found false (found may be NULL when the query always
 * gives one: then no row is an error). what names the query in a
 * database error.
 */
int cp_store_int64_of(struct cp_store *s, sqlite3_stmt *st, int64_t *out,
		      bool *found, const char *what, struct cp_error *err);

/* Runs one statement without results. */
int cp_store_exec(struct cp_store *s, const char *sql, struct cp_error *err);

/*
 * Fills one row (zeroed) from the statement's current result; returns 0,
 * or CP_ENOMEM when a copy failed.
 */
typedef int (*cp_store_fill_fn)(sqlite3_stmt *st, void *row, void *arg);

/*
 * Steps st to the end, one element of size elem per result row, filled by
 * fill, and finalizes st. *rows and *n are the array and its length, also
 * on failure (so the caller can free the rows already filled with its own
 * free function); what names the query in a database error.
 */
int cp_store_collect(struct cp_store *s, sqlite3_stmt *st, size_t elem,
		     size_t first, cp_store_fill_fn fill, void *arg,
		     void **rows, size_t *n, const char *what,
		     struct cp_error *err);

/*
 * cp_store_collect on a cached statement (cp_store_cached): the same,
 * except that st is reset, not finalized.
 */
int cp_store_collect_cached(struct cp_store *s, sqlite3_stmt *st, size_t elem,
			    size_t first, cp_store_fill_fn fill, void *arg,
			    void **rows, size_t *n, const char *what,
			    struct cp_error *err);

/* Column 0 of every row of st as an id (st is finalized); *ids malloc'ed. */
int cp_store_collect_ids(struct cp_store *s, sqlite3_stmt *st, int64_t **ids,
			 size_t *n, struct cp_error *err);

/* A malloc'ed copy of column i, or NULL for SQL NULL / out of memory. */
char *cp_store_column_dup(sqlite3_stmt *st, int i);

/* The SQL of migration v (from schema v to v + 1), or NULL past the last:
 * for tests that build a file of an older schema. */
const char *cp_store_migration_sql(int v);

/* Seconds since the epoch, the store's clock (CAREPULSE_NOW overrides it in
 * tests and the seeded demo). */
int64_t cp_store_now(void);

#endif
