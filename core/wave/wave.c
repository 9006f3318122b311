/*
 * wave.c - creating waves and their invitations.
 */
#include "wave.h"

#include <stdlib.h>
#include <string.h>

#include "survey.h"
#include "token.h"

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
			return cp_error_set(err, CP_ENOMEM, "out of memory");
		*v = grown;
	}
	(*v)[(*n)++] = id;
	return 0;
}

/* The teams, and with subteams all their descendants. */
static int expand(struct cp_store *st, const int64_t *teams, size_t nteams,
		  int subteams, int64_t **out, size_t *nout,
		  struct cp_error *err)
{
	struct cp_team *all = NULL;
	size_t nall = 0, alloc = 0;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	for (size_t i = 0; i < nteams && rc == 0; i++)
		rc = add_id(out, nout, &alloc, teams[i], err);
	if (rc == 0 && subteams)
		rc = cp_store_team_list(st, &all, &nall, err);
	/* Breadth first: *out grows while it is walked. */
	for (size_t i = 0; rc == 0 && subteams && i < *nout; i++)
		for (size_t j = 0; rc == 0 && j < nall; j++)
			if (all[j].parent_id == (*out)[i])
				rc = add_id(out, nout, &alloc, all[j].id, err);
	cp_store_teams_free(all, nall);
	if (rc) {
		free(*out);
		*out = NULL;
		*nout = 0;
	}
	return rc;
}

static int invite(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		  int64_t wave, const struct cp_member *m, int self,
		  struct cp_error *err)
{
	char token[CP_TOKEN_LEN + 1];
	uint8_t hash[CP_SHA256_LEN];
	int64_t id;

	if (cp_token_derive(key, wave, m->id, self ? "self" : "team", token) ||
	    cp_token_hash(token, hash))
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	return cp_store_invitation_add(st, wave, m->id, m->team_id, self, hash,
				       &id, err);
}

/* Inside the caller's transaction: w is stored, then its invitations. */
static int create(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		  struct cp_wave *w, const int64_t *teams, size_t nteams,
		  int self, size_t *invitations, struct cp_error *err)
{
	struct cp_member *m = NULL;
	int64_t *all = NULL;
	size_t nall = 0, nm = 0;
	int rc;

	*invitations = 0;
	rc = expand(st, teams, nteams, w->include_subteams, &all, &nall, err);
	if (rc == 0)
		rc = cp_store_wave_insert(st, w, teams, nteams, err);
	for (size_t t = 0; rc == 0 && t < nall; t++) {
		rc = cp_store_member_list(st, all[t], 0, &m, &nm, err);
		for (size_t i = 0; rc == 0 && i < nm; i++) {
			rc = invite(st, key, w->id, &m[i], 0, err);
			*invitations += rc == 0;
			if (rc == 0 && self && m[i].role == CP_ROLE_LEADER) {
				rc = invite(st, key, w->id, &m[i], 1, err);
				*invitations += rc == 0;
			}
		}
		cp_store_members_free(m, nm);
		m = NULL;
		nm = 0;
	}
	free(all);
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
		return cp_error_set(err, CP_EUSAGE, "a wave needs a team");
	if (w->closes_at && w->closes_at <= w->opens_at)
		return cp_error_set(err, CP_EUSAGE,
				    "a wave must close after it opens");
	rc = cp_store_begin(st, err);
	if (rc)
		return rc;
	rc = cp_store_survey_text(st, survey_id, 0, &text, &w->survey_ref, err);
	if (rc == 0)
		rc =
		    cp_survey_fetch(&survey, st, survey_id, w->survey_ref, err);
	if (rc == 0 && survey->kind != CP_SURVEY_TEAM)
		rc = cp_error_set(err, CP_EUSAGE,
				  "survey '%s' is a self-assessment: send a "
				  "team survey and add --self",
				  survey_id);
	free(text);
	text = NULL;
	if (rc == 0 && self)
		rc = cp_store_survey_text(st, CP_SELF_SURVEY, 0, &text,
					  &w->self_survey_ref, err);
	free(text);
	cp_survey_free(survey);
	if (rc == 0) {
		w->status =
		    w->opens_at <= now ? CP_WAVE_OPEN : CP_WAVE_SCHEDULED;
		rc = create(st, key, w, teams, nteams, self, invitations, err);
	}
	if (rc == 0)
		return cp_store_commit(st, err);
	cp_store_rollback(st);
	return rc;
}

int cp_wave_next(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		 int64_t prev, int64_t *next, int *created,
		 struct cp_error *err)
{
	struct cp_wave p, w;
	int64_t *teams = NULL, period;
	size_t nteams = 0, n;
	int rc;

	*next = 0;
	*created = 0;
	rc = cp_store_begin(st, err);
	if (rc)
		return rc;
	rc = cp_store_wave_get(st, prev, &p, err);
	if (rc == 0 && p.every_days <= 0)
		rc = cp_error_set(err, CP_EUSAGE,
				  "wave %lld does not recur (no --every)",
				  (long long)prev);
	if (rc == 0)
		rc = cp_store_wave_successor(st, prev, next, err);
	if (rc == 0 && *next == 0)
		rc = cp_store_wave_teams(st, prev, &teams, &nteams, err);
	if (rc == 0 && *next == 0) {
		period = (int64_t)p.every_days * 86400;
		w = p;
		w.id = 0;
		w.created_at = 0;
		w.previous_wave = prev;
		w.opens_at = p.opens_at + period;
		w.closes_at = p.closes_at ? p.closes_at + period : 0;
		w.status = w.opens_at <= cp_store_now() ? CP_WAVE_OPEN
							: CP_WAVE_SCHEDULED;
		rc = create(st, key, &w, teams, nteams, p.self_survey_ref != 0,
			    &n, err);
		if (rc == 0) {
			*next = w.id;
			*created = 1;
		}
	}
	free(teams);
	if (rc == 0)
		return cp_store_commit(st, err);
	cp_store_rollback(st);
	return rc;
}

int cp_wave_link(struct cp_buf *b, const char *base_url, const char *token,
		 struct cp_error *err)
{
	size_t n = strlen(base_url);

	while (n > 0 && base_url[n - 1] == '/')
		n--;
	if (cp_buf_add(b, base_url, n, err))
		return err ? err->code : CP_ENOMEM;
	return cp_buf_printf(b, err, "/r/%s", token);
}
