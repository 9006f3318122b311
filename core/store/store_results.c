/*
 * store_results.c - the aggregates, waves and comments that results are
 * computed from. Reads only: the aggregates are kept current by
 * cp_store_response_add, so nothing here scans the responses.
 */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Makes room for one more element of size in *arr. */
static int grow(void *arr, size_t *alloc, size_t count, size_t size,
		struct cp_error *err)
{
	void **p = arr;
	void *grown;
	size_t n;

	if (count < *alloc)
		return 0;
	n = *alloc ? *alloc * 2 : 16;
	if ((grown = realloc(*p, n * size)) == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	*p = grown;
	*alloc = n;
	return 0;
}

/* Runs sql for wave, calling row for each result row. */
static int each_row(struct cp_store *s, const char *sql, int64_t wave,
		    int (*row)(sqlite3_stmt *st, void *arg,
			       struct cp_error *err),
		    void *arg, const char *what, struct cp_error *err)
{
	sqlite3_stmt *st;
	int step, rc = 0;

	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	if (wave)
		sqlite3_bind_int64(st, 1, wave);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = row(st, arg, err);
	if (rc == 0 && step != SQLITE_DONE)
		rc = cp_store_fail(s, err, what);
	sqlite3_finalize(st);
	return rc;
}

struct agg_alloc {
	struct cp_wave_aggregates *a;
	size_t groups, dims, items, invited;
};

static int group_row(sqlite3_stmt *st, void *arg, struct cp_error *err)
{
	struct agg_alloc *x = arg;
	struct cp_agg_group_row *r;

	if (grow(&x->a->groups, &x->groups, x->a->ngroups, sizeof(*r), err))
		return CP_ENOMEM;
	r = &x->a->groups[x->a->ngroups++];
	r->team_id = sqlite3_column_int64(st, 0);
	r->self = sqlite3_column_int(st, 1);
	r->responses = sqlite3_column_int64(st, 2);
	return 0;
}

static int dim_row(sqlite3_stmt *st, void *arg, struct cp_error *err)
{
	struct agg_alloc *x = arg;
	struct cp_agg_dim_row *r;

	if (grow(&x->a->dims, &x->dims, x->a->ndims, sizeof(*r), err))
		return CP_ENOMEM;
	r = &x->a->dims[x->a->ndims];
	r->team_id = sqlite3_column_int64(st, 0);
	r->self = sqlite3_column_int(st, 1);
	r->dimension = cp_store_column_dup(st, 2);
	r->n = sqlite3_column_int64(st, 3);
	r->sum = sqlite3_column_double(st, 4);
	r->sumsq = sqlite3_column_double(st, 5);
	if (r->dimension == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	x->a->ndims++;
	return 0;
}

static int item_row(sqlite3_stmt *st, void *arg, struct cp_error *err)
{
	struct agg_alloc *x = arg;
	struct cp_agg_item_row *r;

	if (grow(&x->a->items, &x->items, x->a->nitems, sizeof(*r), err))
		return CP_ENOMEM;
	r = &x->a->items[x->a->nitems];
	r->team_id = sqlite3_column_int64(st, 0);
	r->self = sqlite3_column_int(st, 1);
	r->item_id = cp_store_column_dup(st, 2);
	for (int i = 0; i < CP_ANSWER_CELLS; i++)
		r->c[i] = sqlite3_column_int64(st, 3 + i);
	if (r->item_id == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	x->a->nitems++;
	return 0;
}

static int invited_row(sqlite3_stmt *st, void *arg, struct cp_error *err)
{
	struct agg_alloc *x = arg;
	struct cp_agg_invited_row *r;

	if (grow(&x->a->invited, &x->invited, x->a->ninvited, sizeof(*r), err))
		return CP_ENOMEM;
	r = &x->a->invited[x->a->ninvited++];
	r->team_id = sqlite3_column_int64(st, 0);
	r->invitations = sqlite3_column_int64(st, 1);
	r->delivered = sqlite3_column_int64(st, 2);
	return 0;
}

static int wave_aggregates(struct cp_store *s, int64_t wave, bool all,
			   struct cp_wave_aggregates *out, struct cp_error *err)
{
	struct agg_alloc x = {.a = out};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = each_row(s,
		      "SELECT team_id, self, responses FROM agg_group"
		      " WHERE wave_id = ? ORDER BY team_id, self",
		      wave, group_row, &x, "cannot read the response counts",
		      err);
	if (rc == 0)
		rc = each_row(s,
			      "SELECT team_id, self, dimension, n, sum, sumsq"
			      " FROM agg_dim WHERE wave_id = ?"
			      " ORDER BY team_id, self, dimension",
			      wave, dim_row, &x,
			      "cannot read the dimension totals", err);
	if (rc == 0 && all)
		rc = each_row(s,
			      "SELECT team_id, self, item_id, c0, c1, c2, c3,"
			      " c4, c5, c6, c7, c8, c9, c10, declined"
			      " FROM agg_item WHERE wave_id = ?"
			      " ORDER BY team_id, self, item_id",
			      wave, item_row, &x, "cannot read the item totals",
			      err);
	/* Reads the invitation_kind_team index alone (wave_id, kind,
	 * team_id, state); a wave has one invitation per member, far fewer
	 * rows than answers. */
	if (rc == 0 && all)
		rc = each_row(s,
			      "SELECT team_id, count(*), sum(state = 'sent')"
			      " FROM invitation WHERE wave_id = ?1"
			      " AND kind = 'team' GROUP BY team_id"
			      /* A purged wave's, kept as counts. */
			      " UNION ALL SELECT team_id, invitations,"
			      " delivered FROM agg_invited WHERE wave_id = ?1"
			      " AND kind = 'team' ORDER BY 1",
			      wave, invited_row, &x,
			      "cannot count the invitations", err);
	return rc;
}

int cp_store_wave_aggregates(struct cp_store *s, int64_t wave,
			     struct cp_wave_aggregates *out,
			     struct cp_error *err)
{
	return wave_aggregates(s, wave, true, out, err);
}

int cp_store_wave_dim_aggregates(struct cp_store *s, int64_t wave,
				 struct cp_wave_aggregates *out,
				 struct cp_error *err)
{
	return wave_aggregates(s, wave, false, out, err);
}

void cp_store_aggregates_release(struct cp_wave_aggregates *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->ndims; i++)
		free(a->dims[i].dimension);
	for (size_t i = 0; i < a->nitems; i++)
		free(a->items[i].item_id);
	free(a->groups);
	free(a->dims);
	free(a->items);
	free(a->invited);
	memset(a, 0, sizeof(*a));
}

struct entries {
	struct cp_wave_entry *w;
	size_t n, alloc, talloc;
};

static int entry_row(sqlite3_stmt *st, void *arg, struct cp_error *err)
{
	struct entries *x = arg;
	const char *status = (const char *)sqlite3_column_text(st, 1);
	struct cp_wave_entry *e;

	if (grow(&x->w, &x->alloc, x->n, sizeof(*e), err))
		return CP_ENOMEM;
	e = &x->w[x->n++];
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(st, 0);
	if (cp_wave_status_from(status, &e->status))
		e->status = CP_WAVE_CLOSED;
	e->opens_at = sqlite3_column_int64(st, 2);
	e->frozen_seq = sqlite3_column_int64(st, 3);
	return 0;
}

/* Adds a (wave, team) pair to its entry; pairs come sorted by wave. */
static int add_pair(struct entries *x, int64_t wave, int64_t team,
		    struct cp_error *err)
{
	for (size_t i = 0; i < x->n; i++) {
		struct cp_wave_entry *e = &x->w[i];
		size_t alloc;
		if (e->id != wave)
			continue;
		/* Powers of two: realloc exactly when the count reaches
		 * one, so no per-entry capacity needs keeping. */
		alloc = e->nteams;
		if (alloc == 0 || (alloc & (alloc - 1)) == 0) {
			int64_t *grown =
			    realloc(e->teams,
				    (alloc ? alloc * 2 : 1) * sizeof(int64_t));
			if (grown == NULL)
				return cp_error_set(err, CP_ENOMEM,
						    "out of memory");
			e->teams = grown;
		}
		e->teams[e->nteams++] = team;
		return 0;
	}
	return 0;
}

/*
 * The teams a wave went to and the teams that answered it (an import may
 * bring responses for a team the wave did not name), each pair once, in
 * (wave, team) order: two scans in key order, merged here. A UNION of the
 * two merges them in SQLite's VM, several times slower at full scale
 * (25,000 pairs, read by every team report).
 */
static int wave_pairs(struct cp_store *s, struct entries *x,
		      struct cp_error *err)
{
	sqlite3_stmt *a = NULL, *b = NULL;
	int64_t last_wave = 0, last_team = 0;
	bool any = false;
	int sa = SQLITE_DONE, sb = SQLITE_DONE, rc;

	if ((rc = cp_store_prepare(s, &a,
				   "SELECT wave_id, team_id FROM wave_team"
				   " ORDER BY wave_id, team_id",
				   err)) ||
	    (rc = cp_store_prepare(s, &b,
				   "SELECT wave_id, team_id FROM agg_group"
				   " ORDER BY wave_id, team_id",
				   err)))
		goto done;
	sa = sqlite3_step(a);
	sb = sqlite3_step(b);
	while (rc == 0 && (sa == SQLITE_ROW || sb == SQLITE_ROW)) {
		sqlite3_stmt *from;
		int64_t wave, team;
		if (sb != SQLITE_ROW)
			from = a;
		else if (sa != SQLITE_ROW)
			from = b;
		else {
			int64_t wa = sqlite3_column_int64(a, 0),
				wb = sqlite3_column_int64(b, 0);
			from = wa < wb || (wa == wb &&
					   sqlite3_column_int64(a, 1) <=
					       sqlite3_column_int64(b, 1))
				   ? a
				   : b;
		}
		wave = sqlite3_column_int64(from, 0);
		team = sqlite3_column_int64(from, 1);
		if (!any || wave != last_wave || team != last_team)
			rc = add_pair(x, wave, team, err);
		any = true;
		last_wave = wave;
		last_team = team;
		if (from == a)
			sa = sqlite3_step(a);
		else
			sb = sqlite3_step(b);
	}
	if (rc == 0 && (sa != SQLITE_DONE || sb != SQLITE_DONE))
		rc = cp_store_fail(s, err, "cannot list the waves' teams");
done:
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	return rc;
}

/* Every wave, by opening time, with its frozen sequence; no teams yet. */
static int list_waves(struct cp_store *s, struct entries *x,
		      struct cp_error *err)
{
	return each_row(s,
			"SELECT w.id, w.status, w.opens_at,"
			" coalesce(f.seq, 0) FROM wave w"
			" LEFT JOIN wave_frozen f ON f.wave_id = w.id"
			" ORDER BY w.opens_at, w.id",
			0, entry_row, x, "cannot list the waves", err);
}

/* Hands x to the caller, or frees it when rc is an error. */
static int entries_out(struct entries *x, int rc, struct cp_wave_entry **out,
		       size_t *n)
{
	if (rc) {
		cp_store_wave_entries_free(x->w, x->n);
		return rc;
	}
	*out = x->w;
	*n = x->n;
	return 0;
}

int cp_store_wave_entries(struct cp_store *s, struct cp_wave_entry **out,
			  size_t *n, struct cp_error *err)
{
	struct entries x = {0};
	int rc;

	*out = NULL;
	*n = 0;
	rc = list_waves(s, &x, err);
	if (rc == 0)
		rc = wave_pairs(s, &x, err);
	return entries_out(&x, rc, out, n);
}

int cp_store_wave_entries_path(struct cp_store *s, int64_t team,
			       struct cp_wave_entry **out, size_t *n,
			       struct cp_error *err)
{
	struct entries x = {0};
	sqlite3_stmt *st = NULL;
	int rc, step;

	*out = NULL;
	*n = 0;
	rc = list_waves(s, &x, err);
	/* The teams on team's path in any wave's snapshot (its ancestors,
	 * the teams below it) and team itself; then, for each wave and
	 * each of them, whether the wave went to it or it answered: key
	 * searches only (a few hundred), not the 25,000 pairs. */
	if (rc == 0)
		rc = cp_store_prepare(
		    s, &st,
		    "WITH RECURSIVE"
		    " up(w, id, steps) AS (SELECT t.wave_id, t.team_id, 0"
		    "  FROM wave v CROSS JOIN wave_team_snapshot t"
		    "  ON t.wave_id = v.id AND t.team_id = ?1 UNION"
		    "  SELECT up.w, t.parent_id, up.steps + 1"
		    "  FROM up JOIN wave_team_snapshot t"
		    "  ON t.wave_id = up.w AND t.team_id = up.id"
		    "  WHERE t.parent_id IS NOT NULL AND up.steps < 65),"
		    " down(w, id, steps) AS (SELECT t.wave_id, t.team_id, 0"
		    "  FROM wave v CROSS JOIN wave_team_snapshot t"
		    "  ON t.wave_id = v.id AND t.team_id = ?1 UNION"
		    "  SELECT down.w, t.team_id, down.steps + 1"
		    "  FROM down JOIN wave_team_snapshot t"
		    "  ON t.wave_id = down.w AND t.parent_id = down.id"
		    "  WHERE down.steps < 65),"
		    " teams(id) AS (SELECT ?1 UNION SELECT id FROM up"
		    "  UNION SELECT id FROM down)"
		    " SELECT v.id, x.id FROM wave v, teams x"
		    " WHERE EXISTS (SELECT 1 FROM wave_team"
		    "  WHERE wave_id = v.id AND team_id = x.id)"
		    " OR EXISTS (SELECT 1 FROM agg_group"
		    "  WHERE wave_id = v.id AND team_id = x.id)"
		    " ORDER BY v.id, x.id",
		    err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, team);
		while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
			rc = add_pair(&x, sqlite3_column_int64(st, 0),
				      sqlite3_column_int64(st, 1), err);
		if (rc == 0 && step != SQLITE_DONE)
			rc = cp_store_fail(s, err,
					   "cannot list the waves' teams");
	}
	sqlite3_finalize(st);
	return entries_out(&x, rc, out, n);
}

void cp_store_wave_entries_free(struct cp_wave_entry *w, size_t n)
{
	for (size_t i = 0; w && i < n; i++)
		free(w[i].teams);
	free(w);
}

struct comments {
	struct cp_comment_row *c;
	size_t n, alloc;
};

static int comment_row(sqlite3_stmt *st, void *arg, struct cp_error *err)
{
	struct comments *x = arg;
	struct cp_comment_row *c;

	if (grow(&x->c, &x->alloc, x->n, sizeof(*c), err))
		return CP_ENOMEM;
	c = &x->c[x->n];
	c->team_id = sqlite3_column_int64(st, 0);
	c->question_id = cp_store_column_dup(st, 1);
	c->text = cp_store_column_dup(st, 2);
	x->n++;
	if (c->question_id == NULL || c->text == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	return 0;
}

int cp_store_wave_comments(struct cp_store *s, int64_t wave,
			   struct cp_comment_row **out, size_t *n,
			   struct cp_error *err)
{
	struct comments x = {0};
	int rc;

	*out = NULL;
	*n = 0;
	/* Sorted by text: the order says nothing about who wrote first. */
	rc = each_row(s,
		      "SELECT c.team_id, j.value ->> 0, j.value ->> 1"
		      " FROM comment_group c, json_each(c.comments) j"
		      " WHERE c.wave_id = ? AND c.self = 0"
		      " ORDER BY 1, 2, 3",
		      wave, comment_row, &x, "cannot read the comments", err);
	if (rc) {
		cp_store_comment_rows_free(x.c, x.n);
		return rc;
	}
	*out = x.c;
	*n = x.n;
	return 0;
}

int cp_store_wave_team_comments(struct cp_store *s, int64_t wave,
				const int64_t *teams, size_t nteams,
				struct cp_comment_row **out, size_t *n,
				struct cp_error *err)
{
	struct comments x = {0};
	sqlite3_stmt *st;
	int step = SQLITE_DONE, rc;

	*out = NULL;
	*n = 0;
	/* Team by team in the order given (ascending: the order of
	 * cp_store_wave_comments), each from the primary key alone. */
	if ((rc = cp_store_prepare(
		 s, &st,
		 "SELECT c.team_id, j.value ->> 0, j.value ->> 1"
		 " FROM comment_group c, json_each(c.comments) j"
		 " WHERE c.wave_id = ?1 AND c.team_id = ?2 AND c.self = 0"
		 " ORDER BY 2, 3",
		 err)))
		return rc;
	for (size_t i = 0; rc == 0 && i < nteams; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, wave);
		sqlite3_bind_int64(st, 2, teams[i]);
		while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
			rc = comment_row(st, &x, err);
		if (rc == 0 && step != SQLITE_DONE)
			rc = cp_store_fail(s, err, "cannot read the comments");
	}
	sqlite3_finalize(st);
	if (rc) {
		cp_store_comment_rows_free(x.c, x.n);
		return rc;
	}
	*out = x.c;
	*n = x.n;
	return 0;
}

void cp_store_comment_rows_free(struct cp_comment_row *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++) {
		free(c[i].question_id);
		free(c[i].text);
	}
	free(c);
}
