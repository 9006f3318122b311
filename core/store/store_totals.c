/*
 * store_totals.c - a transaction's totals kept for its COMMIT
 * (cp_store_defer_totals): each response's changes to agg_item, agg_dim
 * and agg_group are noted in memory, in order, and written when the
 * transaction commits, each key once with the sums of its notes, the
 * keys in table order. At the COMMIT the notes are summed in the order
 * they were made into one entry a key (a hash of the keys), and only the
 * distinct keys are sorted. A SAVEPOINT marks the notes made so far and a
 * ROLLBACK TO drops those made after it, so the totals written are
 * exactly those of the responses the transaction keeps.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_int.h"

enum {
	NOTE_ITEM,
	NOTE_DIM,
	NOTE_GROUP
};

/* One response's change to one key. */
struct note {
	int64_t wave, team;
	int self;
	int kind;
	const char *name; /* interned; NULL for a group */
	int name_ix;	  /* its index among the interned names; -1: a group */
	int cell;	  /* an item's answer cell */
	double mean;	  /* a dimension's respondent mean */
};

/* One key's sums at the COMMIT. */
struct key_total {
	int kind;
	int name_ix; /* -1 for a group */
	int rank;    /* the name's place in their strcmp order (the sort) */
	struct cp_bulk_key_sums row;
};

struct cp_totals {
	struct note *notes;
	size_t n, alloc;
	/* For the COMMIT, as many as notes can be (allocated with them, so
	 * that writing allocates nothing): the keys' sums, their order, and
	 * a hash of the keys (2 * alloc places, each 0 or a key's index + 1).
	 */
	struct key_total *keys;
	struct key_total **order;
	uint32_t *hash;
	size_t hashed; /* places of the hash the last COMMIT used */
	size_t mark;   /* notes kept at the last SAVEPOINT */
	/* Every item and dimension id seen, once (a few dozen), and the
	 * pointer each was last asked by. */
	char **names;
	const char **asked;
	size_t nnames, names_alloc;
	/* Each name's place in the strcmp order of the names, for the
	 * first nranked of them (the order changes only with a new name). */
	int *rank;
	size_t nranked;
};

void cp_store_defer_totals(struct cp_store *s, int on)
{
	struct cp_totals *t = s->totals;

	if (on && t == NULL)
		s->totals = calloc(1, sizeof(*s->totals));
	if (on || t == NULL)
		return;
	for (size_t i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t->asked);
	free(t->rank);
	free(t->notes);
	free(t->keys);
	free(t->order);
	free(t->hash);
	free(t);
	s->totals = NULL;
}

void cp_totals_mark(struct cp_store *s)
{
	if (s->totals)
		s->totals->mark = s->totals->n;
}

void cp_totals_undo(struct cp_store *s, bool all)
{
	struct cp_totals *t = s->totals;

	if (t == NULL)
		return;
	if (all)
		t->mark = 0;
	if (t->n > t->mark) {
		memset(t->notes + t->mark, 0,
		       (t->n - t->mark) * sizeof(*t->notes));
		t->n = t->mark;
	}
}

static const char *interned(struct cp_totals *t, const char *name, int *ix)
{
	size_t i;

	/* Asked by the same pointer as last time (a survey's ids, parsed
	 * once): no string compared. */
	for (i = 0; i < t->nnames; i++)
		if (t->asked[i] == name) {
			*ix = (int)i;
			return t->names[i];
		}
	for (i = 0; i < t->nnames; i++)
		if (strcmp(t->names[i], name) == 0) {
			t->asked[i] = name;
			*ix = (int)i;
			return t->names[i];
		}
	if (t->nnames == t->names_alloc) {
		size_t cap = t->names_alloc ? t->names_alloc * 2 : 32;
		char **names = realloc(t->names, cap * sizeof(*names));
		const char **asked;
		int *rank;
		if (names == NULL)
			return NULL;
		t->names = names;
		asked = realloc(t->asked, cap * sizeof(*asked));
		if (asked == NULL)
			return NULL;
		t->asked = asked;
		rank = realloc(t->rank, cap * sizeof(*rank));
		if (rank == NULL)
			return NULL;
		t->rank = rank;
		t->names_alloc = cap;
	}
	if ((t->names[i] = cp_strdup(name)) == NULL)
		return NULL;
	t->asked[i] = name;
	*ix = (int)i;
	return t->names[t->nnames++];
}

/* Room for twice the notes, and for as many keys; 0 or CP_ENOMEM (what
 * was there stays). */
static int grow(struct cp_totals *t)
{
	size_t cap = t->alloc ? t->alloc * 2 : 256;
	struct note *notes;
	struct key_total *keys, **order;
	uint32_t *hash;

	if (cap > UINT32_MAX / 4)
		return CP_ENOMEM;
	if ((notes = realloc(t->notes, cap * sizeof(*notes))) == NULL)
		return CP_ENOMEM;
	t->notes = notes;
	/* The keys hold no sums between commits: nothing to keep. */
	keys = malloc(cap * sizeof(*keys));
	order = malloc(cap * sizeof(*order));
	hash = malloc(2 * cap * sizeof(*hash));
	if (keys == NULL || order == NULL || hash == NULL) {
		free(keys);
		free(order);
		free(hash);
		return CP_ENOMEM;
	}
	free(t->keys);
	free(t->order);
	free(t->hash);
	t->keys = keys;
	t->order = order;
	t->hash = hash;
	t->alloc = cap;
	return 0;
}

static struct note *new_note(struct cp_store *s, int64_t wave, int64_t team,
			     int self, int kind, const char *name,
			     struct cp_error *err)
{
	struct cp_totals *t = s->totals;
	struct note *e;

	if (t->n == t->alloc && grow(t)) {
		cp_error_set(err, CP_ENOMEM, "out of memory");
		return NULL;
	}
	e = &t->notes[t->n];
	*e = (struct note){.wave = wave,
			   .team = team,
			   .self = self,
			   .kind = kind,
			   .name_ix = -1};
	if (name && (e->name = interned(t, name, &e->name_ix)) == NULL) {
		cp_error_set(err, CP_ENOMEM, "out of memory");
		return NULL;
	}
	t->n++;
	return e;
}

int cp_totals_item(struct cp_store *s, int64_t wave, int64_t team, int self,
		   const char *item, int value, struct cp_error *err)
{
	struct note *e = new_note(s, wave, team, self, NOTE_ITEM, item, err);

	if (e == NULL)
		return CP_ENOMEM;
	e->cell = cp_answer_cell(value);
	return 0;
}

int cp_totals_dim(struct cp_store *s, int64_t wave, int64_t team, int self,
		  const char *dim, double mean, struct cp_error *err)
{
	struct note *e = new_note(s, wave, team, self, NOTE_DIM, dim, err);

	if (e == NULL)
		return CP_ENOMEM;
	e->mean = mean;
	return 0;
}

int cp_totals_group(struct cp_store *s, int64_t wave, int64_t team, int self,
		    struct cp_error *err)
{
	return new_note(s, wave, team, self, NOTE_GROUP, NULL, err) ? 0
								    : CP_ENOMEM;
}

/* Table, then key, as the tables' primary keys order them (the name by
 * its rank, which is its strcmp order); no two keys are the same. */
static int key_order(const void *a, const void *b)
{
	const struct key_total *x = *(const struct key_total *const *)a;
	const struct key_total *y = *(const struct key_total *const *)b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->row.wave != y->row.wave)
		return x->row.wave < y->row.wave ? -1 : 1;
	if (x->row.team != y->row.team)
		return x->row.team < y->row.team ? -1 : 1;
	if (x->row.self != y->row.self)
		return x->row.self < y->row.self ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Each interned name's place in their strcmp order (a few dozen names,
 * ranked again only when one was added). */
static void rank_names(struct cp_totals *t)
{
	if (t->nranked == t->nnames)
		return;
	for (size_t i = 0; i < t->nnames; i++) {
		int r = 0;
		for (size_t j = 0; j < t->nnames; j++)
			r += strcmp(t->names[j], t->names[i]) < 0;
		t->rank[i] = r;
	}
	t->nranked = t->nnames;
}

static bool same_key(const struct note *x, const struct key_total *k)
{
	return x->kind == k->kind && x->wave == k->row.wave &&
	       x->team == k->row.team && x->self == k->row.self &&
	       x->name_ix == k->name_ix;
}

static uint32_t key_hash(const struct note *e)
{
	uint64_t h = (uint64_t)e->wave * 0x9E3779B97F4A7C15u;

	h ^= (uint64_t)e->team * 0xC2B2AE3D27D4EB4Fu;
	h ^= (uint64_t)(e->name_ix + 1) * 0x165667B19E3779F9u;
	h ^= (uint64_t)(e->kind * 2 + e->self) * 0x27D4EB2F165667C5u;
	h ^= h >> 29;
	h *= 0x94D049BB133111EBu;
	return (uint32_t)(h ^ (h >> 32));
}

/*
 * Sums the notes into one entry a key, each key's notes added in the
 * order they were made (as the per-response updates would add them), and
 * returns how many keys; t->order[0..n) points at them.
 */
static size_t sum_notes(struct cp_totals *t)
{
	size_t nkeys = 0, mask = 1;

	/* At least twice as many places as notes, within the 2 * alloc. */
	while (mask < 2 * t->n)
		mask <<= 1;
	t->hashed = mask;
	mask--;
	memset(t->hash, 0, t->hashed * sizeof(*t->hash));
	for (size_t i = 0; i < t->n; i++) {
		const struct note *x = &t->notes[i];
		struct key_total *k;
		size_t h = key_hash(x) & mask;
		for (;;) {
			if (t->hash[h] == 0) {
				k = &t->keys[nkeys];
				t->order[nkeys] = k;
				t->hash[h] = (uint32_t)++nkeys;
				*k = (struct key_total){
				    .kind = x->kind,
				    .name_ix = x->name_ix,
				    .rank = x->name ? t->rank[x->name_ix] : -1,
				    .row = {.wave = x->wave,
					    .team = x->team,
					    .self = x->self,
					    .name = x->name}};
				break;
			}
			k = &t->keys[t->hash[h] - 1];
			if (same_key(x, k))
				break;
			h = (h + 1) & mask;
		}
		k->row.sum.counts[x->cell]++;
		k->row.sum.n++;
		k->row.sum.sum += x->mean;
		k->row.sum.sumsq += x->mean * x->mean;
	}
	return nkeys;
}

/* The rows of one kind gathered for one statement of cp_bulk_write_sums. */
#define WRITE_RUN 32

int cp_totals_write(struct cp_store *s, struct cp_error *err)
{
	struct cp_totals *t = s->totals;
	struct cp_bulk_key_sums run[WRITE_RUN];
	size_t nrun = 0, nkeys;
	int rc = 0, kind = NOTE_ITEM;

	if (t == NULL || t->n == 0)
		return 0;
	rank_names(t);
	nkeys = sum_notes(t);
	qsort(t->order, nkeys, sizeof(*t->order), key_order);
	for (size_t i = 0; rc == 0 && i < nkeys; i++) {
		struct key_total *k = t->order[i];
		/* A run holds one kind: the keys are in kind order. */
		if (nrun && (nrun == WRITE_RUN || kind != k->kind)) {
			rc = cp_bulk_write_sums(s, kind, run, nrun, err);
			nrun = 0;
			if (rc)
				break;
		}
		kind = k->kind;
		if (kind == NOTE_GROUP)
			k->row.sum.counts[0] = k->row.sum.n;
		run[nrun++] = k->row;
	}
	if (rc == 0 && nrun)
		rc = cp_bulk_write_sums(s, kind, run, nrun, err);
	/* No copy of the answers stays in memory, in any order. */
	memset(run, 0, sizeof(run));
	memset(t->keys, 0, nkeys * sizeof(*t->keys));
	memset(t->order, 0, nkeys * sizeof(*t->order));
	memset(t->hash, 0, t->hashed * sizeof(*t->hash));
	memset(t->notes, 0, t->n * sizeof(*t->notes));
	t->n = t->mark = 0;
	return rc;
}
