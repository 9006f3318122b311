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

	lines = realloc(c->lines, (c->nlines + 1) * sizeof(*lines));
	if (lines == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	c->lines = lines;
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

static const struct cp_team *team_by_name(const struct cp_team *t, size_t n,
					  const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/* The parent_team a roster gives team, or NULL when it states none. */
static const char *roster_parent(const struct cp_roster *r, const char *team)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (strcmp(r->rows[i].team, team) == 0 &&
		    r->rows[i].parent_team)
			return r->rows[i].parent_team;
	return NULL;
}

/* Teams first: every team and parent named, then the parent links. */
static int apply_teams(struct cp_store *s, const struct cp_roster *r,
		       struct cp_roster_changes *c, struct cp_error *err)
{
	struct cp_team *before = NULL;
	size_t nbefore = 0;
	int rc;

	rc = cp_store_team_list(s, &before, &nbefore, err);
	for (size_t i = 0; rc == 0 && i < r->nrows; i++) {
		const char *names[2] = {r->rows[i].team,
					r->rows[i].parent_team};
		for (int k = 0; rc == 0 && k < 2; k++) {
			int64_t id;
			int created;
			if (names[k] == NULL)
				continue;
			rc = cp_store_team_ensure(s, names[k], &id, &created,
						  err);
			if (rc == 0 && created) {
				c->teams_added++;
				rc = note(c, err, "add team '%s'", names[k]);
			}
		}
	}
	for (size_t i = 0; rc == 0 && i < r->nrows; i++) {
		const char *team = r->rows[i].team, *parent;
		const struct cp_team *old;
		int64_t id, pid = 0;

		/* Handle each team once: at its first row. */
		size_t j;
		for (j = 0; j < i; j++)
			if (strcmp(r->rows[j].team, team) == 0)
				break;
		if (j < i)
			continue;
		parent = roster_parent(r, team);
		old = team_by_name(before, nbefore, team);
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
	cp_store_teams_free(before, nbefore);
	return rc;
}

/* Refuses a parent relation that, with teams the file does not mention,
 * now loops. */
static int check_cycles(struct cp_store *s, struct cp_error *err)
{
	struct cp_team *t;
	size_t n;
	int rc;

	rc = cp_store_team_list(s, &t, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int64_t at = t[i].parent_id;
		size_t steps = 0;
		while (at && steps++ <= n) {
			size_t k;
			for (k = 0; k < n && t[k].id != at; k++)
				;
			at = k < n ? t[k].parent_id : 0;
		}
		if (at)
			rc = cp_error_set(err, CP_EDATA,
					  "team '%s' would become its own "
					  "ancestor: check parent_team",
					  t[i].name);
	}
	cp_store_teams_free(t, n);
	return rc;
}

static const struct cp_member *member_by_email(const struct cp_member *m,
					       size_t n, const char *email)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(m[i].email, email) == 0)
			return &m[i];
	return NULL;
}

static int apply_members(struct cp_store *s, const struct cp_roster *r,
			 struct cp_roster_changes *c, struct cp_error *err)
{
	struct cp_member *before = NULL;
	size_t nbefore = 0;
	char *seen = NULL;
	int rc;

	rc = cp_store_member_list(s, 0, 1, &before, &nbefore, err);
	if (rc == 0 && nbefore && (seen = calloc(nbefore, 1)) == NULL)
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < r->nrows; i++) {
		const struct cp_roster_row *row = &r->rows[i];
		const struct cp_member *old;
		int64_t team, id;

		rc = cp_store_team_find(s, row->team, &team, err);
		if (rc == 0)
			rc = cp_store_member_upsert(s, row->email, row->name,
						    team, row->role, &id, err);
		if (rc)
			break;
		old = member_by_email(before, nbefore, row->email);
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
