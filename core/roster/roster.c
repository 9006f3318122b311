/*
 * roster.c - applying a validated roster to the store in one transaction.
 * The file is the truth about who is on which team: members it names are
 * added or updated, active members it does not name are deactivated (kept,
 * since past waves refer to them).
 */
#include "roster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "i18n.h"
#include "store.h"

static int note(struct cp_roster_changes *c, struct cp_error *err,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Adds one line to the list of changes. */
static int note(struct cp_roster_changes *c, struct cp_error *err,
		const char *fmt, ...)
{
	struct cp_buf b;
	va_list ap;
	char **lines;
	int rc;

	/* The array doubles whenever its length reaches a power of two, so
	 * n lines cost O(n) copying, not O(n^2). */
	if (c->nlines == 0 || (c->nlines & (c->nlines - 1)) == 0) {
		size_t cap = c->nlines ? c->nlines * 2 : 16;
		lines = realloc(c->lines, cap * sizeof(*lines));
		if (lines == NULL)
			return cp_error_set(err, CP_ENOMEM,
					    N_("out of memory"));
		c->lines = lines;
	}
	cp_buf_init(&b, 4096);
	va_start(ap, fmt);
	rc = cp_buf_vprintf(&b, err, fmt, ap);
	va_end(ap);
	if (rc) {
		cp_buf_release(&b);
		return rc;
	}
	c->lines[c->nlines++] = cp_buf_detach(&b);
	return 0;
}

void cp_roster_changes_release(struct cp_roster_changes *c)
{
	for (size_t i = 0; i < c->nlines; i++)
		free(c->lines[i]);
	free(c->lines);
	cp_store_teams_free(c->teams, c->nteams);
	memset(c, 0, sizeof(*c));
}

/*
 * Lookups below go through sorted index arrays and bsearch, never a scan
 * per row: a roster of 100,000 members is applied in about a second, the
 * second time as the first (a scan per row made re-imports quadratic).
 */

static int cmp_team_name(const void *a, const void *b)
{
	return strcmp((*(const struct cp_team *const *)a)->name,
		      (*(const struct cp_team *const *)b)->name);
}

/* The stored teams sorted by name, for team_by_name. */
static const struct cp_team **teams_by_name(const struct cp_team *t, size_t n)
{
	const struct cp_team **idx = malloc((n ? n : 1) * sizeof(*idx));

	if (idx == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		idx[i] = &t[i];
	qsort(idx, n, sizeof(*idx), cmp_team_name);
	return idx;
}

static const struct cp_team *team_by_name(const struct cp_team **idx, size_t n,
					  const char *name)
{
	struct cp_team key = {.name = (char *)name};
	const struct cp_team *k = &key, *const * hit;

	hit = bsearch(&k, idx, n, sizeof(*idx), cmp_team_name);
	return hit ? *hit : NULL;
}

/* One team the roster names: its first row, and the parent_team of the
 * first row that gives one (NULL when none does). */
struct roster_team {
	const char *name;
	size_t first;
	const char *parent;
};

/* A row of the roster by its team, for sorting. */
struct team_row {
	const char *team;
	size_t row;
};

static int cmp_row(const void *a, const void *b)
{
	const struct team_row *x = a, *y = b;
	int c = strcmp(x->team, y->team);

	return c ? c : (x->row > y->row) - (x->row < y->row);
}

static int cmp_first(const void *a, const void *b)
{
	const struct roster_team *x = a, *y = b;

	return (x->first > y->first) - (x->first < y->first);
}

/* The distinct teams of r, in the order of their first row. */
static int roster_teams(const struct cp_roster *r, struct roster_team **out,
			size_t *n, struct cp_error *err)
{
	struct team_row *rows =
	    malloc((r->nrows ? r->nrows : 1) * sizeof(*rows));
	struct roster_team *t = malloc((r->nrows ? r->nrows : 1) * sizeof(*t));
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (rows == NULL || t == NULL) {
		free(rows);
		free(t);
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	}
	for (size_t i = 0; i < r->nrows; i++) {
		rows[i].team = r->rows[i].team;
		rows[i].row = i;
	}
	/* By team, then by row: each team's rows together, first first. */
	qsort(rows, r->nrows, sizeof(*rows), cmp_row);
	for (size_t i = 0; i < r->nrows; i++) {
		const struct cp_roster_row *row = &r->rows[rows[i].row];
		if (k == 0 || strcmp(t[k - 1].name, row->team) != 0) {
			t[k].name = row->team;
			t[k].first = rows[i].row;
			t[k].parent = NULL;
			k++;
		}
		if (t[k - 1].parent == NULL && row->parent_team)
			t[k - 1].parent = row->parent_team;
	}
	free(rows);
	qsort(t, k, sizeof(*t), cmp_first);
	*out = t;
	*n = k;
	return 0;
}

/* Teams first: every team and parent named, then the parent links. */
static int apply_teams(struct cp_store *s, const struct cp_roster *r,
		       struct cp_roster_changes *c, struct cp_error *err)
{
	struct cp_team *before = NULL;
	const struct cp_team **index = NULL;
	struct roster_team *teams = NULL;
	size_t nbefore = 0, nteams = 0;
	int rc;

	rc = cp_store_team_list(s, &before, &nbefore, err);
	if (rc == 0 && (index = teams_by_name(before, nbefore)) == NULL)
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	if (rc == 0)
		rc = roster_teams(r, &teams, &nteams, err);
	for (size_t i = 0; rc == 0 && i < r->nrows; i++) {
		const char *names[2] = {r->rows[i].team,
					r->rows[i].parent_team};
		for (int k = 0; rc == 0 && k < 2; k++) {
			int64_t id;
			int created;
			if (names[k] == NULL ||
			    (team_by_name(index, nbefore, names[k]) && k == 0))
				continue;
			rc = cp_store_team_ensure(s, names[k], &id, &created,
						  err);
			if (rc == 0 && created) {
				c->teams_added++;
				rc = note(c, err, "add team '%s'", names[k]);
			}
		}
	}
	for (size_t i = 0; rc == 0 && i < nteams; i++) {
		const char *team = teams[i].name, *parent = teams[i].parent;
		const struct cp_team *old;
		int64_t id, pid = 0;

		old = team_by_name(index, nbefore, team);
		if (old && ((old->parent == NULL && parent == NULL) ||
			    (old->parent && parent &&
			     strcmp(old->parent, parent) == 0)))
			continue;
		/*
		 * A roster that states no parent leaves the team where it is:
		 * the parent_team column is optional, and an HR export without
		 * it must not flatten the organisation chart.
		 */
		if (parent == NULL)
			continue;
		rc = cp_store_team_find(s, team, &id, err);
		if (rc == 0 && parent)
			rc = cp_store_team_find(s, parent, &pid, err);
		if (rc == 0)
			rc = cp_store_team_set_parent(s, id, pid, err);
		if (rc == 0 && old) {
			c->teams_changed++;
			rc =
			    note(c, err, "move team '%s' under %s%s%s", team,
				 parent ? "'" : "", parent ? parent : "the top",
				 parent ? "'" : "");
		}
	}
	free(teams);
	free(index);
	cp_store_teams_free(before, nbefore);
	return rc;
}

static int cmp_team_id(const void *a, const void *b)
{
	const struct cp_team *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Refuses a parent relation that, with teams the file does not mention,
 * now loops. */
static int check_cycles(struct cp_store *s, struct cp_error *err)
{
	struct cp_team *t;
	size_t n;
	int rc;

	rc = cp_store_team_list(s, &t, &n, err);
	if (rc == 0)
		qsort(t, n, sizeof(*t), cmp_team_id);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int64_t at = t[i].parent_id;
		size_t steps = 0;
		while (at && steps++ <= n) {
			struct cp_team key = {.id = at};
			const struct cp_team *p =
			    bsearch(&key, t, n, sizeof(*t), cmp_team_id);
			at = p ? p->parent_id : 0;
		}
		if (at)
			rc = cp_error_set(err, CP_EDATA,
					  N_("team '%s' would become its own "
					     "ancestor: check parent_team"),
					  t[i].name);
	}
	cp_store_teams_free(t, n);
	return rc;
}

static int cmp_member_email(const void *a, const void *b)
{
	return strcasecmp((*(const struct cp_member *const *)a)->email,
			  (*(const struct cp_member *const *)b)->email);
}

/*
 * A roster with a language column sets each member's language (a blank
 * cell clears it), stored as the shipped language's code ("cy-GB" is
 * "cy"); a roster without one leaves languages as they are.
 */
static int apply_language(struct cp_store *s, int64_t id,
			  const struct cp_member *old,
			  const struct cp_roster_row *row,
			  struct cp_roster_changes *c, struct cp_error *err)
{
	const struct cp_lang *l = cp_lang_find(row->language);
	const char *code = l ? l->code : "";

	if (old && strcmp(old->language, code) == 0)
		return 0;
	if (old == NULL && *code == '\0')
		return 0;
	int rc = cp_store_member_set_language(s, id, code, err);
	if (rc == 0 && old)
		rc = note(c, err, "set the language of %s <%s> to %s",
			  row->name, row->email, *code ? code : "none");
	return rc;
}

/* The stored members sorted by address (case-insensitively, as the
 * store's email_key), for member_by_email. */
static const struct cp_member **members_by_email(const struct cp_member *m,
						 size_t n)
{
	const struct cp_member **idx = malloc((n ? n : 1) * sizeof(*idx));

	if (idx == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		idx[i] = &m[i];
	qsort(idx, n, sizeof(*idx), cmp_member_email);
	return idx;
}

static const struct cp_member *member_by_email(const struct cp_member **idx,
					       size_t n, const char *email)
{
	struct cp_member key = {.email = (char *)email};
	const struct cp_member *k = &key, *const * hit;

	hit = bsearch(&k, idx, n, sizeof(*idx), cmp_member_email);
	return hit ? *hit : NULL;
}

static int apply_members(struct cp_store *s, const struct cp_roster *r,
			 struct cp_roster_changes *c, struct cp_error *err)
{
	struct cp_member *before = NULL;
	const struct cp_member **index = NULL;
	struct cp_team *teams = NULL;
	const struct cp_team **team_index = NULL;
	size_t nbefore = 0, nteams = 0;
	char *seen = NULL;
	int rc;

	rc = cp_store_member_list(s, 0, 1, &before, &nbefore, err);
	if (rc == 0)
		rc = cp_store_team_list(s, &teams, &nteams, err);
	if (rc == 0 && ((seen = calloc(nbefore + 1, 1)) == NULL ||
			(index = members_by_email(before, nbefore)) == NULL ||
			(team_index = teams_by_name(teams, nteams)) == NULL))
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	for (size_t i = 0; rc == 0 && i < r->nrows; i++) {
		const struct cp_roster_row *row = &r->rows[i];
		const struct cp_member *old;
		const struct cp_team *t;
		int64_t team, id;

		t = team_by_name(team_index, nteams, row->team);
		if (t == NULL) {
			rc = cp_error_set(err, CP_ENOTFOUND,
					  N_("no team named '%s'"), row->team);
			break;
		}
		team = t->id;
		old = member_by_email(index, nbefore, row->email);
		id = old ? old->id : 0;
		/* A member exactly as stored is left alone: no write. */
		if (!(old && old->active && old->team_id == team &&
		      old->role == row->role &&
		      strcmp(old->name, row->name) == 0 &&
		      strcmp(old->email, row->email) == 0))
			rc = cp_store_member_upsert(s, row->email, row->name,
						    team, row->role, &id, err);
		if (rc == 0 && r->has_language)
			rc = apply_language(s, id, old, row, c, err);
		if (rc)
			break;
		if (old == NULL) {
			c->members_added++;
			rc = note(c, err, "add %s <%s> to '%s' as %s",
				  row->name, row->email, row->team,
				  row->role == CP_ROLE_LEADER ? "leader"
							      : "member");
			continue;
		}
		seen[old - before] = 1;
		if (!old->active) {
			c->members_reactivated++;
			rc = note(c, err, "reactivate %s <%s> in '%s'",
				  row->name, row->email, row->team);
		} else if (old->team_id != team) {
			c->members_changed++;
			rc = note(c, err, "move %s <%s> from '%s' to '%s'",
				  row->name, row->email, old->team, row->team);
		} else if (strcmp(old->name, row->name) ||
			   old->role != row->role ||
			   strcmp(old->email, row->email)) {
			c->members_changed++;
			rc = note(c, err, "update %s <%s> in '%s'", row->name,
				  row->email, row->team);
		} else {
			c->members_unchanged++;
		}
	}
	for (size_t i = 0; rc == 0 && i < nbefore; i++) {
		if (seen[i] || !before[i].active)
			continue;
		rc = cp_store_member_set_active(s, before[i].id, 0, err);
		if (rc == 0) {
			c->members_deactivated++;
			rc = note(c, err,
				  "deactivate %s <%s> (not in the roster)",
				  before[i].name, before[i].email);
		}
	}
	free(seen);
	free(index);
	free(team_index);
	cp_store_teams_free(teams, nteams);
	cp_store_members_free(before, nbefore);
	return rc;
}

int cp_roster_apply(struct cp_store *s, const struct cp_roster *r, int dry_run,
		    struct cp_roster_changes *changes, struct cp_error *err)
{
	int rc;

	memset(changes, 0, sizeof(*changes));
	rc = cp_store_begin(s, err);
	if (rc)
		return rc;
	rc = apply_teams(s, r, changes, err);
	if (rc == 0)
		rc = check_cycles(s, err);
	if (rc == 0)
		rc = apply_members(s, r, changes, err);
	if (rc == 0 && dry_run)
		rc = cp_store_team_list(s, &changes->teams, &changes->nteams,
					err);
	if (rc || dry_run) {
		cp_store_rollback(s);
		return rc;
	}
	return cp_store_commit(s, err);
}
