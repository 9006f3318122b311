/*
 * store_bulk.c - a bulk load kept in memory: its responses, its
 * comments, and its totals in a hash table keyed by group (wave, team,
 * self), each group holding its items' and dimensions' entries; written
 * once, by cp_store_bulk_end, each table's rows in key order: the
 * responses to response_slot, the comment lists, then agg_item, agg_dim
 * and agg_group as the same sums the per-response updates would have
 * made.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "store_int.h"

/* Page cache during a bulk load. Before schema 16 responses landed at
 * random keys and an import dirtied nearly every leaf of the response
 * table (before schema 5 one row per answer: a 300,000-answer wave into
 * 3.3M answers made 179k page writes and 135k reads at 64 MB, 120k and
 * 77k at 512 MB). Now they are written sorted into their groups' places,
 * but the totals and an older database's pages still gain from it; the
 * cache only grows as pages are used. */
#define BULK_CACHE_KIB 524288

enum bulk_kind {
	KIND_ITEM,
	KIND_DIM,
	KIND_GROUP
};

struct bulk_entry {
	int64_t wave, team;
	char *name;	   /* item or dimension id; NULL for a group */
	const char *asked; /* the pointer it was last asked for by */
	/* A group's: its items' and dimensions' entries, and the survey
	 * they were laid out for (an entry per item in its order, then one
	 * per dimension), or NULL. */
	struct bulk_entry **members;
	const struct cp_survey *layout;
	size_t nmembers, members_alloc;
	int self;
	enum bulk_kind kind;
	bool used; /* counted by some response: a row to write */
	/* The sums, 32-bit counts: a load's rows are far fewer than 2^31
	 * (an entry for each group, item and dimension of a full import is
	 * 128 bytes, not 208). */
	union {
		int32_t counts[CP_ANSWER_CELLS]; /* items: per cell;
						    groups: [0] */
		struct {
			int64_t n; /* dimensions */
			double sum, sumsq;
		};
	};
};

/* A comment of a bulk load: its list's key and its JSON ([question,
 * text], as SQLite's json_array writes it, which is what lists sort by). */
struct bulk_comment {
	int64_t wave, team, import;
	int self;
	const char *question; /* interned */
	char *text;	      /* until json is made, then NULL */
	char *json;
};

/* A response of a bulk load: its group, its import and where its
 * answers start in the load's text (NUL-terminated). */
struct bulk_row {
	int64_t wave, team, import;
	int self;
	uint8_t id[16];
	size_t at;
};

/* Entries are made in blocks, freed together. */
#define ENTRY_BLOCK 4096

struct entry_block {
	struct entry_block *next;
	size_t used;
	struct bulk_entry e[ENTRY_BLOCK];
};

struct cp_bulk {
	struct entry_block *blocks;
	char **names; /* every item and dimension id, once */
	size_t nnames, names_alloc;
	/* The group looked up last, and where in its members the next
	 * lookup is expected: each response asks in the same order. */
	struct bulk_entry *recent;
	size_t recent_at;
	struct bulk_row *rows;
	size_t nrows, rows_alloc;
	struct cp_buf text; /* every row's answers, each with its NUL */
	struct bulk_comment *comments;
	size_t ncomments, comments_alloc;
	struct bulk_entry **slots;
	size_t cap, count;
	size_t cap_sorted; /* at the end: the entries, first in slots */
	/* The interned names of the last survey laid out: its items', then
	 * its dimensions'. */
	const struct cp_survey *names_of;
	char **layout_names;
	int64_t old_cache; /* PRAGMA cache_size to restore */
	int sign;	   /* 1: adding, -1: taking out (cp_bulk_sign) */
	bool took_out;	   /* some totals went down: tidy at the end */
};

static uint64_t hash_of(int64_t wave, int64_t team, int self,
			enum bulk_kind kind, const char *name)
{
	uint64_t h = 1469598103934665603ull;
	int64_t parts[4] = {wave, team, self, kind};
	const unsigned char *p = (const unsigned char *)parts;

	for (size_t i = 0; i < sizeof(parts); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	for (; name && *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ull;
	/* FNV's low bits mix poorly; the table uses them (MurmurHash3's
	 * finaliser). */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static bool same(const struct bulk_entry *e, int64_t wave, int64_t team,
		 int self, enum bulk_kind kind, const char *name)
{
	return e->wave == wave && e->team == team && e->self == self &&
	       e->kind == kind &&
	       (name == NULL ? e->name == NULL
			     : e->name && strcmp(e->name, name) == 0);
}

static int grow(struct cp_bulk *b, struct cp_error *err)
{
	size_t cap = b->cap ? b->cap * 2 : 1024;
	struct bulk_entry **slots = calloc(cap, sizeof(*slots));

	if (slots == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	for (size_t i = 0; i < b->cap; i++) {
		struct bulk_entry *e = b->slots[i];
		size_t j;
		if (e == NULL)
			continue;
		j = hash_of(e->wave, e->team, e->self, e->kind, e->name) &
		    (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = e;
	}
	free(b->slots);
	b->slots = slots;
	b->cap = cap;
	return 0;
}

/* name's own copy, kept for the whole load (there are a few dozen). */
static char *interned(struct cp_bulk *b, const char *name)
{
	void *grown;

	for (size_t i = 0; i < b->nnames; i++)
		if (strcmp(b->names[i], name) == 0)
			return b->names[i];
	if (b->nnames == b->names_alloc) {
		grown = cp_array_grow(b->names, sizeof(*b->names),
				      &b->names_alloc, 32);
		if (grown == NULL)
			return NULL;
		b->names = grown;
	}
	if ((b->names[b->nnames] = cp_strdup(name)) == NULL)
		return NULL;
	return b->names[b->nnames++];
}

/* A new empty entry of the key; NULL when out of memory (err says so). */
static struct bulk_entry *new_entry(struct cp_bulk *b, int64_t wave,
				    int64_t team, int self, enum bulk_kind kind,
				    const char *name, struct cp_error *err)
{
	struct entry_block *k = b->blocks;
	struct bulk_entry *e;

	if (k == NULL || k->used == ENTRY_BLOCK) {
		if ((k = calloc(1, sizeof(*k))) == NULL) {
			cp_error_set(err, CP_ENOMEM, "out of memory");
			return NULL;
		}
		k->next = b->blocks;
		b->blocks = k;
	}
	e = &k->e[k->used++];
	if (name && (e->name = interned(b, name)) == NULL) {
		k->used--;
		cp_error_set(err, CP_ENOMEM, "out of memory");
		return NULL;
	}
	e->wave = wave;
	e->team = team;
	e->self = self;
	e->kind = kind;
	e->asked = name;
	e->used = true;
	return e;
}

/* The entry of a key in the hash table, created empty when missing; NULL
 * when out of memory (err says so). */
static struct bulk_entry *hashed(struct cp_bulk *b, int64_t wave, int64_t team,
				 int self, enum bulk_kind kind,
				 const char *name, struct cp_error *err)
{
	struct bulk_entry *e;
	size_t j;

	if ((b->count + 1) * 2 > b->cap && grow(b, err))
		return NULL;
	j = hash_of(wave, team, self, kind, name) & (b->cap - 1);
	for (; b->slots[j]; j = (j + 1) & (b->cap - 1))
		if (same(b->slots[j], wave, team, self, kind, name))
			return b->slots[j];
	if ((e = new_entry(b, wave, team, self, kind, name, err)) == NULL)
		return NULL;
	b->slots[j] = e;
	b->count++;
	return e;
}

/*
 * The entry of a key, created empty when missing; NULL when out of
 * memory (err says so). Only groups are in the hash table (a few
 * thousand, not one per group and item); a group's items and dimensions
 * are its members, found by their name's pointer first.
 */
static struct bulk_entry *entry(struct cp_bulk *b, int64_t wave, int64_t team,
				int self, enum bulk_kind kind, const char *name,
				struct cp_error *err)
{
	struct bulk_entry *g = b->recent, *e;
	void *grown;

	if (g == NULL || g->wave != wave || g->team != team ||
	    g->self != self) {
		g = hashed(b, wave, team, self, KIND_GROUP, NULL, err);
		if (g == NULL)
			return NULL;
		b->recent = g;
		b->recent_at = 0;
	}
	if (kind == KIND_GROUP)
		return g;
	for (size_t k = 0; k < g->nmembers; k++) {
		size_t i = (b->recent_at + k) % g->nmembers;
		e = g->members[i];
		if (e->kind == kind && e->asked == name) {
			b->recent_at = i + 1;
			e->used = true;
			return e;
		}
	}
	for (size_t i = 0; i < g->nmembers; i++) {
		e = g->members[i];
		if (e->kind == kind && strcmp(e->name, name) == 0) {
			e->asked = name;
			e->used = true;
			return e;
		}
	}
	if (g->nmembers == g->members_alloc) {
		grown = cp_array_grow(g->members, sizeof(*g->members),
				      &g->members_alloc, 32);
		if (grown == NULL) {
			cp_error_set(err, CP_ENOMEM, "out of memory");
			return NULL;
		}
		g->members = grown;
	}
	if ((e = new_entry(b, wave, team, self, kind, name, err)) == NULL)
		return NULL;
	g->members[g->nmembers++] = e;
	return e;
}

/* Gives group g (no members yet) an entry per item of survey, in its
 * order, then one per dimension, none of them used yet. */
static int lay_out(struct cp_bulk *b, struct bulk_entry *g,
		   const struct cp_survey *survey, struct cp_error *err)
{
	size_t n = survey->nitems + survey->ndims;

	if (b->names_of != survey) {
		char **names = realloc(b->layout_names, n * sizeof(*names));
		if (names == NULL)
			return cp_error_set(err, CP_ENOMEM, "out of memory");
		b->layout_names = names;
		b->names_of = NULL;
		for (size_t i = 0; i < n; i++)
			if ((names[i] = interned(
				 b,
				 i < survey->nitems
				     ? survey->items[i].id
				     : survey->dims[i - survey->nitems].id)) ==
			    NULL)
				return cp_error_set(err, CP_ENOMEM,
						    "out of memory");
		b->names_of = survey;
	}
	g->members = malloc(n * sizeof(*g->members));
	if (g->members == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	g->members_alloc = n;
	for (size_t i = 0; i < n; i++) {
		struct bulk_entry *e = new_entry(
		    b, g->wave, g->team, g->self,
		    i < survey->nitems ? KIND_ITEM : KIND_DIM, NULL, err);
		if (e == NULL)
			return CP_ENOMEM;
		e->name = b->layout_names[i];
		e->asked = e->name;
		e->used = false;
		g->members[g->nmembers++] = e;
	}
	g->layout = survey;
	return 0;
}

int cp_bulk_response_totals(struct cp_store *s, const struct cp_response *r,
			    const struct cp_survey *survey,
			    const struct cp_item **items, const double *mean,
			    const bool *has_mean, struct cp_error *err)
{
	struct cp_bulk *b = s->bulk;
	const int self = r->self ? 1 : 0;
	struct bulk_entry *g =
	    entry(b, r->wave_id, r->team_id, self, KIND_GROUP, NULL, err);
	int rc = 0;

	if (g == NULL)
		return CP_ENOMEM;
	if (g->layout != survey && g->nmembers == 0 &&
	    (rc = lay_out(b, g, survey, err)))
		return rc;
	if (g->layout != survey) {
		/* Members made another way: found by name. */
		for (size_t i = 0; rc == 0 && i < r->nanswers; i++)
			rc = cp_bulk_item(s, r->wave_id, r->team_id, self,
					  r->answers[i].item_id,
					  r->answers[i].value, err);
		for (size_t d = 0; rc == 0 && d < survey->ndims; d++)
			if (has_mean[d])
				rc = cp_bulk_dim(s, r->wave_id, r->team_id,
						 self, survey->dims[d].id,
						 mean[d], err);
		return rc ? rc
			  : cp_bulk_group(s, r->wave_id, r->team_id, self, err);
	}
	for (size_t i = 0; i < r->nanswers; i++) {
		struct bulk_entry *e = g->members[items[i] - survey->items];
		int value = r->answers[i].value;
		e->used = true;
		if (value >= CP_ANSWER_DECLINED && value <= CP_ENPS_MAX)
			e->counts[cp_answer_cell(value)] += b->sign;
	}
	for (size_t d = 0; d < survey->ndims; d++) {
		struct bulk_entry *e = g->members[survey->nitems + d];
		if (!has_mean[d])
			continue;
		e->used = true;
		e->n += b->sign;
		e->sum += b->sign * mean[d];
		e->sumsq += b->sign * mean[d] * mean[d];
	}
	g->counts[0] += b->sign;
	return 0;
}

int cp_bulk_item(struct cp_store *s, int64_t wave, int64_t team, int self,
		 const char *item, int value, struct cp_error *err)
{
	struct bulk_entry *e =
	    entry(s->bulk, wave, team, self, KIND_ITEM, item, err);

	if (e == NULL)
		return CP_ENOMEM;
	if (value >= CP_ANSWER_DECLINED && value <= CP_ENPS_MAX)
		e->counts[cp_answer_cell(value)] += s->bulk->sign;
	return 0;
}

int cp_bulk_dim(struct cp_store *s, int64_t wave, int64_t team, int self,
		const char *dim, double mean, struct cp_error *err)
{
	struct bulk_entry *e =
	    entry(s->bulk, wave, team, self, KIND_DIM, dim, err);

	if (e == NULL)
		return CP_ENOMEM;
	e->n += s->bulk->sign;
	e->sum += s->bulk->sign * mean;
	e->sumsq += s->bulk->sign * mean * mean;
	return 0;
}

int cp_bulk_group(struct cp_store *s, int64_t wave, int64_t team, int self,
		  struct cp_error *err)
{
	struct bulk_entry *e =
	    entry(s->bulk, wave, team, self, KIND_GROUP, NULL, err);

	if (e == NULL)
		return CP_ENOMEM;
	e->counts[0] += s->bulk->sign;
	return 0;
}

void cp_bulk_sign(struct cp_store *s, int sign)
{
	if (s->bulk == NULL)
		return;
	s->bulk->sign = sign < 0 ? -1 : 1;
	if (sign < 0)
		s->bulk->took_out = true;
}

int cp_bulk_comment(struct cp_store *s, int64_t wave, int64_t team, int self,
		    int64_t import, const char *question, const char *text,
		    struct cp_error *err)
{
	struct cp_bulk *b = s->bulk;
	struct bulk_comment *c;
	void *grown;

	if (b->ncomments == b->comments_alloc) {
		grown = cp_array_grow(b->comments, sizeof(*b->comments),
				      &b->comments_alloc, 256);
		if (grown == NULL)
			return cp_error_set(err, CP_ENOMEM, "out of memory");
		b->comments = grown;
	}
	c = &b->comments[b->ncomments];
	c->wave = wave;
	c->team = team;
	c->self = self;
	c->import = import;
	c->json = NULL;
	c->question = interned(b, question);
	c->text = c->question ? cp_strdup(text) : NULL;
	if (c->text == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	b->ncomments++;
	return 0;
}

/* Comments made JSON a statement at a time. */
#define BULK_JSON 32

/*
 * Each comment as SQLite's json_array writes [question, text] (what the
 * lists hold and sort by), BULK_JSON to a statement: one row of that many
 * json_array() columns.
 */
static int comments_json(struct cp_store *s, struct cp_error *err)
{
	struct cp_bulk *b = s->bulk;
	sqlite3_stmt *st[2] = {NULL, NULL};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < b->ncomments;) {
		size_t n = b->ncomments - i >= BULK_JSON ? BULK_JSON : 1;
		sqlite3_stmt **one = &st[n == BULK_JSON];
		if (*one == NULL) {
			struct cp_buf sql;
			cp_buf_init(&sql, SIZE_MAX / 2);
			rc = cp_buf_adds(&sql, "SELECT ", err);
			for (size_t k = 0; rc == 0 && k < n; k++)
				rc = cp_buf_printf(
				    &sql, err, "%sjson_array(?%zu, ?%zu)",
				    k ? ", " : "", 2 * k + 1, 2 * k + 2);
			if (rc == 0)
				rc = cp_store_prepare(s, one, cp_buf_str(&sql),
						      err);
			cp_buf_release(&sql);
			if (rc)
				break;
		}
		for (size_t k = 0; k < n; k++) {
			sqlite3_bind_text(*one, (int)(2 * k + 1),
					  b->comments[i + k].question, -1,
					  SQLITE_STATIC);
			sqlite3_bind_text(*one, (int)(2 * k + 2),
					  b->comments[i + k].text, -1,
					  SQLITE_STATIC);
		}
		if (sqlite3_step(*one) != SQLITE_ROW)
			rc = cp_store_fail(s, err, "cannot store a comment");
		for (size_t k = 0; rc == 0 && k < n; k++) {
			struct bulk_comment *c = &b->comments[i + k];
			if ((c->json = cp_store_column_dup(*one, (int)k)) ==
			    NULL)
				rc = cp_error_set(err, CP_ENOMEM,
						  "out of memory");
			free(c->text);
			c->text = NULL;
		}
		sqlite3_reset(*one);
		i += n;
	}
	sqlite3_finalize(st[0]);
	sqlite3_finalize(st[1]);
	return rc;
}

int cp_bulk_row(struct cp_store *s, const struct cp_response *r,
		const char *answers, struct cp_error *err)
{
	struct cp_bulk *b = s->bulk;
	struct bulk_row *row;
	void *grown;
	int rc;

	if (b->nrows == b->rows_alloc) {
		grown = cp_array_grow(b->rows, sizeof(*b->rows), &b->rows_alloc,
				      1024);
		if (grown == NULL)
			return cp_error_set(err, CP_ENOMEM, "out of memory");
		b->rows = grown;
	}
	row = &b->rows[b->nrows];
	row->wave = r->wave_id;
	row->team = r->team_id;
	row->self = r->self ? 1 : 0;
	row->import = r->import_id;
	row->at = b->text.len;
	if ((rc = cp_buf_add(&b->text, answers, strlen(answers) + 1, err)))
		return rc;
	b->nrows++;
	return 0;
}

/* Orders two groups (wave, team, self) as their keys sort: -1, 0, 1. */
static int group_order(int64_t wave1, int64_t team1, int self1, int64_t wave2,
		       int64_t team2, int self2)
{
	if (wave1 != wave2)
		return wave1 < wave2 ? -1 : 1;
	if (team1 != team2)
		return team1 < team2 ? -1 : 1;
	return (self1 > self2) - (self1 < self2);
}

static int row_order(const void *a, const void *b)
{
	const struct bulk_row *x = a, *y = b;
	int c =
	    group_order(x->wave, x->team, x->self, y->wave, y->team, y->self);

	return c ? c : memcmp(x->id, y->id, sizeof(x->id));
}

/* Rows a bulk load inserts per statement (6 parameters each). */
#define BULK_ROWS 32

/* Inserts rows[0..BULK_ROWS) with one statement. */
static int insert_many(struct cp_store *s, const struct bulk_row *rows,
		       const char *text, struct cp_error *err)
{
	sqlite3_stmt *st = s->cache[CP_STMT_RESPONSES];
	int rc = 0, p = 1;

	if (st == NULL) {
		struct cp_buf sql;
		cp_buf_init(&sql, SIZE_MAX / 2);
		rc = cp_buf_adds(&sql,
				 "INSERT INTO response_slot(id, wave_id,"
				 " team_id, self, filled, answers, import_id)"
				 " VALUES ",
				 err);
		for (int i = 0; rc == 0 && i < BULK_ROWS; i++)
			rc = cp_buf_adds(&sql,
					 i ? ",(?, ?, ?, ?, 1, ?, ?)"
					   : "(?, ?, ?, ?, 1, ?, ?)",
					 err);
		if (rc == 0)
			rc = cp_store_cached(s, CP_STMT_RESPONSES,
					     cp_buf_str(&sql), &st, err);
		cp_buf_release(&sql);
		if (rc)
			return rc;
	}
	for (int i = 0; i < BULK_ROWS; i++) {
		const struct bulk_row *r = &rows[i];
		sqlite3_bind_blob(st, p++, r->id, 16, SQLITE_STATIC);
		sqlite3_bind_int64(st, p++, r->wave);
		sqlite3_bind_int64(st, p++, r->team);
		sqlite3_bind_int(st, p++, r->self);
		sqlite3_bind_text(st, p++, text + r->at, -1, SQLITE_STATIC);
		if (r->import)
			sqlite3_bind_int64(st, p, r->import);
		else
			sqlite3_bind_null(st, p);
		p++;
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot store a response");
	sqlite3_reset(st);
	return rc;
}

/*
 * The responses of a bulk load, in key order: each gets its random id
 * here (all drawn at once), then they are sorted by group and id, so
 * they go into the table as runs in their groups' places, and neither
 * the order of the file nor the order of the calls shows in where their
 * cells sit.
 */
static int write_rows(struct cp_store *s, struct cp_error *err)
{
	struct cp_bulk *b = s->bulk;
	const char *text = cp_buf_str(&b->text);
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < b->nrows;) {
		uint8_t ids[4096];
		size_t n = b->nrows - i < sizeof(ids) / 16 ? b->nrows - i
							   : sizeof(ids) / 16;
		rc = cp_random_bytes(ids, n * 16, err);
		for (size_t k = 0; rc == 0 && k < n; k++)
			memcpy(b->rows[i + k].id, ids + 16 * k, 16);
		i += n;
	}
	if (rc == 0 && b->nrows > 1)
		qsort(b->rows, b->nrows, sizeof(*b->rows), row_order);
	/* BULK_ROWS rows a statement, the rest one by one. */
	size_t i = 0;
	for (; rc == 0 && i + BULK_ROWS <= b->nrows; i += BULK_ROWS)
		rc = insert_many(s, &b->rows[i], text, err);
	for (; rc == 0 && i < b->nrows; i++) {
		const struct bulk_row *r = &b->rows[i];
		rc = cp_store_slot_insert(s, r->wave, r->team, r->self, r->id,
					  text + r->at, r->import, err);
	}
	return rc;
}

static int comment_order(const void *a, const void *b)
{
	const struct bulk_comment *x = a, *y = b;
	int c =
	    group_order(x->wave, x->team, x->self, y->wave, y->team, y->self);

	if (c)
		return c;
	if (x->import != y->import)
		return x->import < y->import ? -1 : 1;
	return strcmp(x->json, y->json);
}

/* Writes the comments of the groups first..end-1 (one list) at once. */
static int write_comments(struct cp_store *s, const struct bulk_comment *c,
			  size_t n, struct cp_error *err)
{
	struct cp_buf list;
	sqlite3_stmt *st;
	int rc = 0;

	cp_buf_init(&list, SIZE_MAX / 2);
	rc = cp_buf_addc(&list, '[', err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (i)
			rc = cp_buf_addc(&list, ',', err);
		if (rc == 0)
			rc = cp_buf_adds(&list, c[i].json, err);
	}
	if (rc == 0)
		rc = cp_buf_addc(&list, ']', err);
	/* The list is JSON as json() would write it (each comment as
	 * json_array wrote it, joined by commas), so it is stored as it is.
	 * A list that is there already (there is none for a new import) is
	 * merged in order, as one comment at a time would be. */
	if (rc == 0)
		rc = cp_store_cached(
		    s, CP_STMT_BULK_COMMENTS,
		    "INSERT INTO comment_group(wave_id, team_id, self,"
		    " import_id, comments) VALUES (?1, ?2, ?3, ?4, ?5)"
		    " ON CONFLICT DO UPDATE SET comments = ("
		    " SELECT json_group_array(json(value)) FROM ("
		    "  SELECT value FROM json_each(comment_group.comments)"
		    "  UNION ALL SELECT value FROM json_each(excluded.comments)"
		    "  ORDER BY 1))",
		    &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, c->wave);
		sqlite3_bind_int64(st, 2, c->team);
		sqlite3_bind_int(st, 3, c->self);
		sqlite3_bind_int64(st, 4, c->import);
		sqlite3_bind_text(st, 5, cp_buf_str(&list), (int)list.len,
				  SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = cp_store_fail(s, err, "cannot store comments");
		sqlite3_reset(st);
	}
	cp_buf_release(&list);
	return rc;
}

/*
 * The comments of a bulk load, one statement per list instead of one per
 * comment (each of which rewrites its whole list): sorted by list and
 * content, so the lists read as if they had been added one by one.
 */
static int write_bulk_comments(struct cp_store *s, struct cp_error *err)
{
	struct cp_bulk *b = s->bulk;
	size_t first = 0;
	int rc = 0;

	if (b->ncomments == 0)
		return 0;
	if ((rc = comments_json(s, err)))
		return rc;
	qsort(b->comments, b->ncomments, sizeof(*b->comments), comment_order);
	for (size_t i = 1; rc == 0 && i <= b->ncomments; i++) {
		const struct bulk_comment *x = &b->comments[first];
		const struct bulk_comment *y = &b->comments[i];
		if (i < b->ncomments && x->wave == y->wave &&
		    x->team == y->team && x->self == y->self &&
		    x->import == y->import)
			continue;
		rc = write_comments(s, x, i - first, err);
		first = i;
	}
	return rc;
}

/* Frees what b holds and leaves it empty, adding, its cache setting
 * kept. */
static void bulk_clear(struct cp_bulk *b)
{
	int64_t old_cache = b->old_cache;

	free(b->rows);
	cp_buf_release(&b->text);
	for (size_t i = 0; i < b->ncomments; i++) {
		free(b->comments[i].text);
		free(b->comments[i].json);
	}
	free(b->comments);
	for (size_t i = 0; i < b->cap; i++)
		if (b->slots[i])
			free(b->slots[i]->members);
	while (b->blocks) {
		struct entry_block *next = b->blocks->next;
		free(b->blocks);
		b->blocks = next;
	}
	for (size_t i = 0; i < b->nnames; i++)
		free(b->names[i]);
	free(b->names);
	free(b->layout_names);
	free(b->slots);
	memset(b, 0, sizeof(*b));
	b->old_cache = old_cache;
	b->sign = 1;
	cp_buf_init(&b->text, SIZE_MAX / 2);
}

static void bulk_free(struct cp_bulk *b)
{
	bulk_clear(b);
	cp_buf_release(&b->text);
	free(b);
}

static void restore_cache(struct cp_store *s, int64_t kib)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA cache_size = %lld", (long long)kib);
	sqlite3_exec(s->db, sql, NULL, NULL, NULL);
}

void cp_bulk_discard(struct cp_store *s)
{
	if (s->bulk == NULL)
		return;
	restore_cache(s, s->bulk->old_cache);
	bulk_free(s->bulk);
	s->bulk = NULL;
}

int cp_store_bulk_begin(struct cp_store *s, struct cp_error *err)
{
	sqlite3_stmt *st;

	if (!s->in_tx || s->bulk)
		return cp_error_set(err, CP_EFAIL,
				    "a bulk load needs an open transaction "
				    "and no other bulk load");
	s->bulk = calloc(1, sizeof(*s->bulk));
	if (s->bulk == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	s->bulk->old_cache = -2000;
	s->bulk->sign = 1;
	cp_buf_init(&s->bulk->text, SIZE_MAX / 2);
	if (cp_store_prepare(s, &st, "PRAGMA cache_size", NULL) == 0) {
		if (sqlite3_step(st) == SQLITE_ROW)
			s->bulk->old_cache = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	/* Answers land at random keys: a larger cache saves re-reading. */
	restore_cache(s, -BULK_CACHE_KIB);
	return 0;
}

static int entry_order(const void *a, const void *b)
{
	const struct bulk_entry *x = *(const struct bulk_entry *const *)a;
	const struct bulk_entry *y = *(const struct bulk_entry *const *)b;
	int c =
	    group_order(x->wave, x->team, x->self, y->wave, y->team, y->self);

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (c)
		return c;
	if (x->name == NULL || y->name == NULL)
		return (x->name != NULL) - (y->name != NULL);
	return strcmp(x->name, y->name);
}

/* Totals rows a bulk load writes per statement. */
#define BULK_TOTALS 32

/* Each kind's table and columns, its number of columns, and what adds a
 * row's sums to one already there. */
static const char *const totals_table[] = {
    [KIND_ITEM] = ("agg_item(wave_id, team_id, self, item_id, c0, c1, c2,"
		   " c3, c4, c5, c6, c7, c8, c9, c10, declined)"),
    [KIND_DIM] = "agg_dim(wave_id, team_id, self, dimension, n, sum, sumsq)",
    [KIND_GROUP] = "agg_group(wave_id, team_id, self, responses)",
};
static const int totals_columns[] = {
    [KIND_ITEM] = 4 + CP_ANSWER_CELLS,
    [KIND_DIM] = 7,
    [KIND_GROUP] = 4,
};
static const char *const totals_add[] = {
    [KIND_ITEM] = CP_AGG_ITEM_ADD,
    [KIND_DIM] = (" ON CONFLICT DO UPDATE SET n = n + excluded.n,"
		  " sum = sum + excluded.sum, sumsq = sumsq + excluded.sumsq"),
    [KIND_GROUP] = (" ON CONFLICT DO UPDATE SET responses ="
		    " responses + excluded.responses"),
};

/* The statement writing n rows of a kind's totals: adding to rows there
 * already when add, else a plain INSERT (which fails on a row there). */
static int totals_prepare(struct cp_store *s, enum bulk_kind kind, int n,
			  bool add, sqlite3_stmt **st, struct cp_error *err)
{
	struct cp_buf sql;
	int rc;

	cp_buf_init(&sql, SIZE_MAX / 2);
	rc = cp_buf_printf(&sql, err, "INSERT INTO %s VALUES ",
			   totals_table[kind]);
	for (int i = 0; rc == 0 && i < n; i++)
		for (int c = 0; rc == 0 && c < totals_columns[kind]; c++)
			rc = cp_buf_adds(&sql,
					 c == 0 ? (i ? ",(?" : "(?")
					 : c + 1 < totals_columns[kind] ? ",?"
									: ",?)",
					 err);
	if (rc == 0 && add)
		rc = cp_buf_adds(&sql, totals_add[kind], err);
	if (rc == 0)
		rc = cp_store_prepare(s, st, cp_buf_str(&sql), err);
	cp_buf_release(&sql);
	return rc;
}

/* Binds e's row from parameter p on; returns the next parameter. */
static int bind_entry(sqlite3_stmt *st, int p, const struct bulk_entry *e)
{
	sqlite3_bind_int64(st, p++, e->wave);
	sqlite3_bind_int64(st, p++, e->team);
	sqlite3_bind_int(st, p++, e->self);
	switch (e->kind) {
	case KIND_ITEM:
		sqlite3_bind_text(st, p++, e->name, -1, SQLITE_STATIC);
		for (int v = 0; v < CP_ANSWER_CELLS; v++)
			sqlite3_bind_int64(st, p++, e->counts[v]);
		break;
	case KIND_DIM:
		sqlite3_bind_text(st, p++, e->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, p++, e->n);
		sqlite3_bind_double(st, p++, e->sum);
		sqlite3_bind_double(st, p++, e->sumsq);
		break;
	case KIND_GROUP:
	default:
		sqlite3_bind_int64(st, p++, e->counts[0]);
		break;
	}
	return p;
}

/*
 * Writes the entries e[0..n) of one kind, in the order given (key order),
 * BULK_TOTALS rows a statement and the rest one by one. Where add[i] is
 * false, the wave of e[i] had no totals before this load (so its rows
 * are new: a plain INSERT); else the sums are added to the rows there.
 */
static int write_totals(struct cp_store *s, enum bulk_kind kind,
			struct bulk_entry *const *e, const bool *add, size_t n,
			struct cp_error *err)
{
	sqlite3_stmt *st[2][2] = {{NULL, NULL}, {NULL, NULL}};
	size_t i = 0;
	int rc = 0;

	while (rc == 0 && i < n) {
		size_t run = 1;
		bool many;
		sqlite3_stmt **one;
		while (i + run < n && run < BULK_TOTALS &&
		       add[i + run] == add[i])
			run++;
		many = run == BULK_TOTALS;
		one = &st[add[i]][many];
		if (*one == NULL &&
		    (rc = totals_prepare(s, kind, many ? BULK_TOTALS : 1,
					 add[i], one, err)))
			break;
		if (!many)
			run = 1;
		for (size_t k = 0, p = 1; k < run; k++)
			p = (size_t)bind_entry(*one, (int)p, e[i + k]);
		if (sqlite3_step(*one) != SQLITE_DONE)
			rc = cp_store_fail(s, err, "cannot write the totals");
		sqlite3_reset(*one);
		i += run;
	}
	for (int a = 0; a < 2; a++)
		for (int m = 0; m < 2; m++)
			sqlite3_finalize(st[a][m]);
	return rc;
}

/* Whether wave has any totals row yet (before the bulk load writes). */
static int wave_has_totals(struct cp_store *s, int64_t wave, bool *has,
			   struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT EXISTS (SELECT 1 FROM agg_group WHERE wave_id = ?1)"
		 " OR EXISTS (SELECT 1 FROM agg_item WHERE wave_id = ?1)"
		 " OR EXISTS (SELECT 1 FROM agg_dim WHERE wave_id = ?1)",
		 err)))
		return rc;
	sqlite3_bind_int64(st, 1, wave);
	if (sqlite3_step(st) == SQLITE_ROW)
		*has = sqlite3_column_int(st, 0) != 0;
	else
		rc = cp_store_fail(s, err, "cannot read the totals");
	sqlite3_finalize(st);
	return rc;
}

/*
 * The totals of a bulk load, b->slots[0..b->cap_sorted) its groups in key
 * order: agg_item's rows, then agg_dim's, then agg_group's, each table's
 * in key order (a group's members by name), as runs of multi-row
 * statements. A wave with no totals yet gets plain INSERTs; one with
 * some (an earlier import, online answers, a replaced import taken out)
 * has this load's sums added to its rows.
 */
static int write_all_totals(struct cp_store *s, struct cp_error *err)
{
	struct cp_bulk *b = s->bulk;
	struct bulk_entry **e;
	bool *add, *group_add, has = false;
	size_t total = b->cap_sorted, n;
	int rc = 0;

	for (size_t i = 0; i < b->cap_sorted; i++)
		total += b->slots[i]->nmembers;
	e = malloc(total * sizeof(*e));
	add = malloc(total);
	group_add = malloc(b->cap_sorted);
	if (e == NULL || add == NULL || group_add == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
		goto done;
	}
	/* Asked once per wave, before any row is written. */
	for (size_t i = 0; rc == 0 && i < b->cap_sorted; i++) {
		if (i == 0 || b->slots[i]->wave != b->slots[i - 1]->wave)
			rc = wave_has_totals(s, b->slots[i]->wave, &has, err);
		group_add[i] = has;
	}
	for (int kind = KIND_ITEM; rc == 0 && kind <= KIND_GROUP; kind++) {
		n = 0;
		for (size_t i = 0; i < b->cap_sorted; i++) {
			struct bulk_entry *g = b->slots[i];
			if (kind == KIND_GROUP) {
				add[n] = group_add[i];
				e[n++] = g;
				continue;
			}
			for (size_t k = 0; k < g->nmembers; k++)
				if (g->members[k]->used &&
				    g->members[k]->kind ==
					(enum bulk_kind)kind) {
					add[n] = group_add[i];
					e[n++] = g->members[k];
				}
		}
		rc = write_totals(s, (enum bulk_kind)kind, e, add, n, err);
	}
done:
	free(e);
	free(add);
	free(group_add);
	return rc;
}

/* The statement sizes of cp_bulk_write_sums: BULK_TOTALS >> i rows. */
_Static_assert(BULK_TOTALS >> (CP_SUMS_SIZES - 1) == 1,
	       "cp_bulk_write_sums: one statement size for each power of two");

/* The form server's deferred totals (store_totals.c): each run of rows
 * in the largest statement that fits, 32 rows down to 1, each prepared
 * at its first use and kept with the connection. */
int cp_bulk_write_sums(struct cp_store *s, int kind,
		       const struct cp_bulk_key_sums *rows, size_t n,
		       struct cp_error *err)
{
	size_t i = 0;
	int rc = 0;

	while (rc == 0 && i < n) {
		int size = 0, p = 1;
		size_t run;
		sqlite3_stmt **st;
		while ((size_t)(BULK_TOTALS >> size) > n - i)
			size++;
		run = (size_t)(BULK_TOTALS >> size);
		st = &s->sums[kind][size];
		if (*st == NULL &&
		    (rc = totals_prepare(s, (enum bulk_kind)kind, (int)run,
					 true, st, err)))
			break;
		sqlite3_reset(*st);
		for (size_t k = 0; rc == 0 && k < run; k++) {
			const struct cp_bulk_key_sums *r = &rows[i + k];
			struct bulk_entry e = {.wave = r->wave,
					       .team = r->team,
					       .self = r->self,
					       .kind = (enum bulk_kind)kind,
					       .name = (char *)r->name};
			if (e.kind == KIND_DIM) {
				e.n = r->sum.n;
				e.sum = r->sum.sum;
				e.sumsq = r->sum.sumsq;
			}
			for (int v = 0; e.kind != KIND_DIM &&
					v < CP_ANSWER_CELLS && rc == 0;
			     v++) {
				if (r->sum.counts[v] > INT32_MAX ||
				    r->sum.counts[v] < -INT32_MAX)
					rc =
					    cp_error_set(err, CP_EFAIL,
							 "totals out of range");
				e.counts[v] = (int32_t)r->sum.counts[v];
			}
			p = bind_entry(*st, p, &e);
		}
		if (rc == 0 && sqlite3_step(*st) != SQLITE_DONE)
			rc = cp_store_fail(s, err, "cannot write the totals");
		sqlite3_reset(*st);
		i += run;
	}
	return rc;
}

/* Drops a wave's totals that count nobody. */
static int tidy(struct cp_store *s, int64_t wave, struct cp_error *err)
{
	static const char *const sql[] = {
	    "DELETE FROM agg_group WHERE wave_id = ? AND responses <= 0",
	    "DELETE FROM agg_dim WHERE wave_id = ? AND n <= 0",
	    ("DELETE FROM agg_item WHERE wave_id = ?"
	     " AND c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10"
	     " + declined <= 0"),
	};
	sqlite3_stmt *st;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++) {
		if ((rc = cp_store_prepare(s, &st, sql[i], err)))
			break;
		sqlite3_bind_int64(st, 1, wave);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = cp_store_fail(s, err, "cannot tidy the totals");
		sqlite3_finalize(st);
	}
	return rc;
}

/* Writes what the bulk load b holds: responses, comment lists, totals. */
static int bulk_write(struct cp_store *s, struct cp_bulk *b,
		      struct cp_error *err)
{
	int64_t tidied[8];
	size_t ntidied = 0;
	int rc = 0;

	rc = write_rows(s, err);
	if (rc == 0)
		rc = write_bulk_comments(s, err);
	/* The totals in key order too, each table's rows as a run: the
	 * groups sorted, each group's items then dimensions by name. */
	if (rc == 0 && b->count) {
		size_t n = 0;
		for (size_t i = 0; i < b->cap; i++)
			if (b->slots[i])
				b->slots[n++] = b->slots[i];
		memset(b->slots + n, 0, (b->cap - n) * sizeof(*b->slots));
		b->cap_sorted = n;
		qsort(b->slots, n, sizeof(*b->slots), entry_order);
		for (size_t i = 0; i < n; i++)
			if (b->slots[i]->nmembers > 1)
				qsort(
				    b->slots[i]->members, b->slots[i]->nmembers,
				    sizeof(*b->slots[i]->members), entry_order);
	}
	if (rc == 0 && b->cap_sorted)
		rc = write_all_totals(s, err);
	/* Totals taken back to nothing go, as if never written: once per
	 * wave (a replacing import touches one or two). */
	for (size_t i = 0; rc == 0 && b->took_out && i < b->cap_sorted; i++) {
		int64_t wave;
		size_t k;
		if (b->slots[i] == NULL || b->slots[i]->kind != KIND_GROUP)
			continue;
		wave = b->slots[i]->wave;
		for (k = 0; k < ntidied && tidied[k] != wave; k++)
			;
		if (k < ntidied)
			continue;
		if (ntidied < sizeof(tidied) / sizeof(tidied[0]))
			tidied[ntidied++] = wave;
		rc = tidy(s, wave, err);
	}
	return rc;
}

int cp_store_bulk_end(struct cp_store *s, struct cp_error *err)
{
	int rc;

	if (s->bulk == NULL)
		return cp_error_set(err, CP_EFAIL, "no bulk load is open");
	rc = bulk_write(s, s->bulk, err);
	cp_bulk_discard(s);
	return rc;
}

int cp_store_bulk_part(struct cp_store **out, struct cp_error *err)
{
	struct cp_store *part = calloc(1, sizeof(*part));

	*out = NULL;
	if (part == NULL ||
	    (part->bulk = calloc(1, sizeof(*part->bulk))) == NULL) {
		free(part);
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	}
	part->in_tx = 1; /* what cp_store_response_add asks */
	part->bulk->sign = 1;
	cp_buf_init(&part->bulk->text, SIZE_MAX / 2);
	*out = part;
	return 0;
}

void cp_store_bulk_part_free(struct cp_store *part)
{
	if (part == NULL)
		return;
	if (part->bulk)
		bulk_free(part->bulk);
	free(part);
}

int cp_store_bulk_adopt(struct cp_store *s, struct cp_store *part,
			int64_t import_id, struct cp_error *err)
{
	struct cp_bulk *own = s->bulk, *b = part->bulk;
	int rc;

	if (own == NULL || own->nrows || own->ncomments || own->count)
		return cp_error_set(
		    err, CP_EFAIL, "a part is written into an empty bulk load");
	for (size_t i = 0; i < b->nrows; i++)
		b->rows[i].import = import_id;
	for (size_t i = 0; i < b->ncomments; i++)
		b->comments[i].import = import_id;
	/* Written as s's own: the statements read s->bulk. */
	s->bulk = b;
	rc = bulk_write(s, b, err);
	s->bulk = own;
	if (b->nrows)
		s->scrub = 1;
	bulk_clear(b);
	return rc;
}

int cp_store_bulk_flush(struct cp_store *s, struct cp_error *err)
{
	int rc;

	if (s->bulk == NULL)
		return cp_error_set(err, CP_EFAIL, "no bulk load is open");
	if ((rc = bulk_write(s, s->bulk, err)) == 0)
		bulk_clear(s->bulk);
	return rc;
}
