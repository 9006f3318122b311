/*
 * store_totals.c - a transaction's totals kept for its COMMIT
 * (cp_store_defer_totals): each response's changes to agg_item, agg_dim
 * and agg_group are noted in memory, in order, and written when the
 * transaction commits, each key once with the sums of its notes, the
 * keys in table order. A SAVEPOINT marks the notes made so far and a
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
	int name_ix;	  /* its index among the interned names */
	int rank;	  /* its place in their strcmp order (for the sort) */
	size_t seq;	  /* order of the notes: the sums add in it */
	int cell;	  /* an item's answer cell */
	double mean;	  /* a dimension's respondent mean */
};

struct cp_totals {
	struct note *notes;
	size_t n, alloc;
	size_t mark; /* notes kept at the last SAVEPOINT */
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

static struct note *new_note(struct cp_store *s, int64_t wave, int64_t team,
			     int self, int kind, const char *name,
			     struct cp_error *err)
{
	struct cp_totals *t = s->totals;
	struct note *e;

	if (t->n == t->alloc) {
		size_t cap = t->alloc ? t->alloc * 2 : 256;
		struct note *notes = realloc(t->notes, cap * sizeof(*notes));
		if (notes == NULL) {
			cp_error_set(err, CP_ENOMEM, "out of memory");
			return NULL;
		}
		t->notes = notes;
		t->alloc = cap;
	}
	e = &t->notes[t->n];
	*e = (struct note){.wave = wave,
			   .team = team,
			   .self = self,
			   .kind = kind,
			   .seq = t->n};
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

/* Table, then key (as the tables' primary keys order them: the name by
 * its rank, which is its strcmp order), then the order the notes were
 * made in. */
static int note_order(const void *a, const void *b)
{
	const struct note *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->wave != y->wave)
		return x->wave < y->wave ? -1 : 1;
	if (x->team != y->team)
		return x->team < y->team ? -1 : 1;
	if (x->self != y->self)
		return x->self < y->self ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Each interned name's place in their strcmp order (a few dozen names,
 * ranked again only when one was added), and each note's name's. */
static void rank_names(struct cp_totals *t)
{
	if (t->nranked != t->nnames) {
		for (size_t i = 0; i < t->nnames; i++) {
			int r = 0;
			for (size_t j = 0; j < t->nnames; j++)
				r += strcmp(t->names[j], t->names[i]) < 0;
			t->rank[i] = r;
		}
		t->nranked = t->nnames;
	}
	for (size_t i = 0; i < t->n; i++)
		t->notes[i].rank =
		    t->notes[i].name ? t->rank[t->notes[i].name_ix] : -1;
}

static bool same_key(const struct note *x, const struct note *y)
{
	return x->kind == y->kind && x->wave == y->wave && x->team == y->team &&
	       x->self == y->self && x->name == y->name;
}

/* The rows of one kind gathered for one statement of cp_bulk_write_sums. */
#define WRITE_RUN 32

int cp_totals_write(struct cp_store *s, struct cp_error *err)
{
	struct cp_totals *t = s->totals;
	struct cp_bulk_key_sums run[WRITE_RUN];
	size_t nrun = 0;
	int rc = 0, kind = NOTE_ITEM;

	if (t == NULL || t->n == 0)
		return 0;
	rank_names(t);
	qsort(t->notes, t->n, sizeof(*t->notes), note_order);
	for (size_t i = 0, j; rc == 0 && i < t->n; i = j) {
		const struct note *e = &t->notes[i];
		struct cp_bulk_key_sums *r;
		/* A run holds one kind: the notes are in kind order. */
		if (nrun && (nrun == WRITE_RUN || kind != e->kind)) {
			rc = cp_bulk_write_sums(s, kind, run, nrun, err);
			nrun = 0;
			if (rc)
				break;
		}
		kind = e->kind;
		r = &run[nrun++];
		*r = (struct cp_bulk_key_sums){.wave = e->wave,
					       .team = e->team,
					       .self = e->self,
					       .name = e->name};
		for (j = i; j < t->n && same_key(e, &t->notes[j]); j++) {
			const struct note *x = &t->notes[j];
			r->sum.counts[x->cell]++;
			r->sum.n++;
			r->sum.sum += x->mean;
			r->sum.sumsq += x->mean * x->mean;
		}
		if (e->kind == NOTE_GROUP)
			r->sum.counts[0] = r->sum.n;
	}
	if (rc == 0 && nrun)
		rc = cp_bulk_write_sums(s, kind, run, nrun, err);
	/* No copy of the answers stays in memory, in any order. */
	memset(run, 0, sizeof(run));
	memset(t->notes, 0, t->n * sizeof(*t->notes));
	t->n = t->mark = 0;
	return rc;
}
