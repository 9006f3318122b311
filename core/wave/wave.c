/*
 * wave.c - creating waves and their invitations.
 */
#include "wave.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "results.h"
#include "survey.h"
#include "token.h"
#include "when.h"

/* Appends id to the set v (no duplicates). */
static int add_id(int64_t **v, size_t *n, size_t *alloc, int64_t id,
		  struct cp_error *err)
{
	int64_t *grown;

	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == id)
			return 0;
	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 16;
		grown = realloc(*v, *alloc * sizeof(**v));
		if (grown == NULL)
			return cp_error_set(err, CP_ENOMEM,
					    N_("out of memory"));
		*v = grown;
	}
	(*v)[(*n)++] = id;
	return 0;
}

int cp_wave_teams(const struct cp_team *all, size_t nall, const int64_t *teams,
		  size_t nteams, int subteams, int64_t **out, size_t *nout,
		  struct cp_error *err)
{
	size_t alloc = 0;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	for (size_t i = 0; i < nteams && rc == 0; i++)
		rc = add_id(out, nout, &alloc, teams[i], err);
	/* Breadth first: *out grows while it is walked. */
	for (size_t i = 0; rc == 0 && subteams && i < *nout; i++)
		for (size_t j = 0; rc == 0 && j < nall; j++)
			if (all[j].parent_id == (*out)[i])
				rc = add_id(out, nout, &alloc, all[j].id, err);
	if (rc) {
		free(*out);
		*out = NULL;
		*nout = 0;
	}
	return rc;
}

/* The teams, and with subteams all their descendants, in the store's
 * tree as it is now. */
static int expand(struct cp_store *st, const int64_t *teams, size_t nteams,
		  int subteams, int64_t **out, size_t *nout,
		  struct cp_error *err)
{
	struct cp_team *all = NULL;
	size_t nall = 0;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	if (subteams && (rc = cp_store_team_list(st, &all, &nall, err)))
		return rc;
	rc = cp_wave_teams(all, nall, teams, nteams, subteams, out, nout, err);
	cp_store_teams_free(all, nall);
	return rc;
}

/* An invitation of m to wave, counted in team's results. */
static int invite(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		  int64_t wave, const struct cp_member *m, int64_t team,
		  int self, struct cp_error *err)
{
	char token[CP_TOKEN_LEN + 1];
	uint8_t hash[CP_SHA256_LEN];
	int64_t id;

	if (cp_token_derive(key, wave, m->id, self ? "self" : "team", token) ||
	    cp_token_hash(token, hash))
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	return cp_store_invitation_add(st, wave, m->id, team, self, hash, &id,
				       err);
}

int64_t cp_wave_leader_team(const struct cp_snapshot_team *snap, size_t n,
			    int64_t team)
{
	int64_t parent = 0;

	for (size_t i = 0; i < n; i++)
		if (snap[i].id == team)
			parent = snap[i].parent_id;
	for (size_t i = 0; parent && i < n; i++)
		if (snap[i].id == parent)
			return snap[i].in_wave ? parent : 0;
	return 0;
}

/*
 * Inside the caller's transaction: w is stored with the snapshot of the
 * tree it goes to, then its invitations: one per active member in the
 * member's team; a leader's in the team above (cp_wave_leader_team), and
 * their self-assessment in the team they lead when self is set.
 */
int cp_wave_create_in(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		      struct cp_wave *w, const int64_t *teams, size_t nteams,
		      int self, size_t *invitations, struct cp_error *err)
{
	struct cp_member *m = NULL;
	struct cp_snapshot_team *snap = NULL;
	int64_t *all = NULL, up;
	size_t nall = 0, nm = 0, nsnap = 0;
	int rc;

	*invitations = 0;
	rc = expand(st, teams, nteams, w->include_subteams, &all, &nall, err);
	if (rc == 0)
		rc = cp_store_wave_insert(st, w, teams, nteams, err);
	if (rc == 0)
		rc = cp_store_wave_snapshot(st, w->id, &snap, &nsnap, err);
	for (size_t t = 0; rc == 0 && t < nall; t++) {
		rc = cp_store_member_list(st, all[t], 0, &m, &nm, err);
		up = rc == 0 ? cp_wave_leader_team(snap, nsnap, all[t]) : 0;
		for (size_t i = 0; rc == 0 && i < nm; i++) {
			bool leader = m[i].role == CP_ROLE_LEADER;
			if (!leader || up) {
				rc = invite(st, key, w->id, &m[i],
					    leader ? up : m[i].team_id, 0, err);
				*invitations += rc == 0;
			}
			if (rc == 0 && self && leader) {
				rc = invite(st, key, w->id, &m[i], m[i].team_id,
					    1, err);
				*invitations += rc == 0;
			}
		}
		cp_store_members_free(m, nm);
		m = NULL;
		nm = 0;
	}
	cp_store_snapshot_free(snap, nsnap);
	free(all);
	return rc;
}

/*
 * The self-assessment that goes with team survey survey_id: the stored
 * self survey that says it pairs with it (leader-self-pulse for the
 * pulse, leader-self for the full survey), else leader-self. *ref is the
 * row of its newest version.
 */
static int self_survey_for(struct cp_store *st, const char *survey_id,
			   int64_t *ref, struct cp_error *err)
{
	struct cp_survey_row *rows = NULL;
	char *text = NULL;
	size_t n = 0;
	int rc;

	*ref = 0;
	rc = cp_store_survey_list(st, &rows, &n, err);
	for (size_t i = 0; rc == 0 && *ref == 0 && i < n; i++) {
		struct cp_survey *sv = NULL;
		rc = cp_survey_fetch(&sv, st, rows[i].survey_id, rows[i].ref,
				     err);
		for (size_t k = 0;
		     rc == 0 && sv->kind == CP_SURVEY_SELF && k < sv->npairs;
		     k++)
			if (strcmp(sv->pairs_with[k], survey_id) == 0)
				*ref = rows[i].ref;
		cp_survey_free(sv);
	}
	cp_store_survey_rows_free(rows, n);
	if (rc == 0 && *ref == 0)
		rc = cp_store_survey_text(st, CP_SELF_SURVEY, 0, &text, ref,
					  err);
	free(text);
	return rc;
}

int cp_wave_create(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		   struct cp_wave *w, const char *survey_id,
		   const int64_t *teams, size_t nteams, int self,
		   size_t *invitations, struct cp_error *err)
{
	struct cp_survey *survey = NULL;
	int64_t now = cp_store_now();
	char *text = NULL;
	int rc;

	*invitations = 0;
	if (nteams == 0)
		return cp_error_set(err, CP_EUSAGE, N_("a wave needs a team"));
	if (w->closes_at && w->closes_at <= w->opens_at)
		return cp_error_set(err, CP_EUSAGE,
				    N_("a wave must close after it opens"));
	rc = cp_store_begin(st, err);
	if (rc)
		return rc;
	rc = cp_store_survey_text(st, survey_id, 0, &text, &w->survey_ref, err);
	if (rc == 0)
		rc =
		    cp_survey_fetch(&survey, st, survey_id, w->survey_ref, err);
	if (rc == 0 && survey->kind != CP_SURVEY_TEAM)
		rc = cp_error_set(err, CP_EUSAGE,
				  N_("survey '%s' is a self-assessment: send a "
				     "team survey and add --self"),
				  survey_id);
	free(text);
	if (rc == 0 && self)
		rc = self_survey_for(st, survey_id, &w->self_survey_ref, err);
	cp_survey_free(survey);
	if (rc == 0) {
		w->status =
		    w->opens_at <= now ? CP_WAVE_OPEN : CP_WAVE_SCHEDULED;
		w->series_id = 0;
		w->series_seq = 0;
	}
	/* A recurring wave starts a series: its slots count from here. */
	if (rc == 0 && (w->every_days > 0 || w->every_months > 0)) {
		struct cp_series x = {.anchor = w->opens_at,
				      .every_days = w->every_days,
				      .every_months = w->every_months,
				      .state = CP_SERIES_ACTIVE};
		rc = cp_store_series_insert(st, &x, err);
		w->series_id = x.id;
	}
	if (rc == 0)
		rc = cp_wave_create_in(st, key, w, teams, nteams, self,
				       invitations, err);
	if (rc == 0)
		return cp_store_commit(st, err);
	cp_store_rollback(st);
	return rc;
}

int cp_wave_close(struct cp_store *st, int64_t id, int *was_closed,
		  struct cp_error *err)
{
	struct cp_wave w;
	int rc;

	*was_closed = 0;
	rc = cp_store_begin(st, err);
	if (rc)
		return rc;
	rc = cp_store_wave_get(st, id, &w, err);
	if (rc == 0 && w.status == CP_WAVE_CANCELLED)
		rc = cp_error_set(
		    err, CP_ECONFLICT,
		    N_("wave %lld was cancelled: it has nothing to "
		       "close"),
		    (long long)id);
	else if (rc == 0 && w.status == CP_WAVE_CLOSED)
		*was_closed = 1;
	else if (rc == 0)
		rc = cp_store_wave_set_status(st, id, CP_WAVE_CLOSED, err);
	if (rc == 0 && !*was_closed)
		rc = cp_results_freeze(st, id, err);
	if (rc == 0)
		return cp_store_commit(st, err);
	cp_store_rollback(st);
	return rc;
}

/* base_url without its trailing slashes, then path and token. */
static int link_to(struct cp_buf *b, const char *base_url, const char *path,
		   const char *token, struct cp_error *err)
{
	size_t n = strlen(base_url);
	int rc;

	while (n > 0 && base_url[n - 1] == '/')
		n--;
	if ((rc = cp_buf_add(b, base_url, n, err)))
		return rc;
	return cp_buf_printf(b, err, "%s%s", path, token);
}

int cp_wave_link(struct cp_buf *b, const char *base_url, const char *token,
		 struct cp_error *err)
{
	return link_to(b, base_url, "/r/", token, err);
}

int cp_wave_stop_link(struct cp_buf *b, const char *base_url, const char *token,
		      struct cp_error *err)
{
	return link_to(b, base_url, "/u/", token, err);
}
