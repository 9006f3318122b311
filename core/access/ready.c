/*
 * ready.c - who is told that a closed wave's results are ready: every
 * viewer who may see at least one of its teams. The mails themselves go
 * through core/delivery (deliver_ready.c). See access.h.
 */
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "access_int.h"

static int add_unique(int64_t **ids, size_t *n, size_t *cap, int64_t id,
		      struct cp_error *err)
{
	for (size_t i = 0; i < *n; i++)
		if ((*ids)[i] == id)
			return 0;
	if (*n == *cap) {
		size_t grow = *cap ? *cap * 2 : 16;
		int64_t *g = realloc(*ids, grow * sizeof(**ids));
		if (g == NULL)
			return cp_error_set(err, CP_ENOMEM, "out of memory");
		*ids = g;
		*cap = grow;
	}
	(*ids)[(*n)++] = id;
	return 0;
}

/* Every viewer who holds a grant or leads a team by the roster (who get
 * a viewer row now), each once. */
static int candidates(struct cp_store *s, int64_t **ids, size_t *n,
		      struct cp_error *err)
{
	struct cp_store_grant *g = NULL, *l = NULL;
	size_t ng = 0, nl = 0, cap = 0;
	bool roster = true;
	int64_t id;
	int rc;

	*ids = NULL;
	*n = 0;
	rc = cp_store_grants(s, 0, &g, &ng, err);
	for (size_t i = 0; rc == 0 && i < ng; i++)
		rc = add_unique(ids, n, &cap, g[i].viewer_id, err);
	rc = rc ? rc
		: cp_access_config_bool(s, CP_ACCESS_KEY_ROSTER, &roster, err);
	if (rc == 0 && roster)
		rc = cp_store_roster_leaders(s, NULL, &l, &nl, err);
	for (size_t i = 0; rc == 0 && i < nl; i++) {
		rc = cp_store_viewer_ensure(s, l[i].email, l[i].name, &id, err);
		rc = rc ? rc : add_unique(ids, n, &cap, id, err);
	}
	free(g);
	free(l);
	return rc;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static bool in_sorted(const int64_t *ids, size_t n, int64_t id)
{
	return bsearch(&id, ids, n, sizeof(*ids), cmp_id) != NULL;
}

/*
 * Whether r lets its viewer see some team of the wave, whose snapshot's
 * team ids are ids (sorted, n of them): what cp_access_rules_team says
 * of at least one of them, without asking it of each. HR sees every
 * team; a facilitator the teams granted; a leader the team led and those
 * below it, which are in the snapshot only with it (a snapshot holds
 * every ancestor of its teams), so the team led being in the snapshot
 * is the whole question. Linear in the viewer's teams: asking of every
 * team was quadratic in the teams, for every candidate (hours for a
 * wave over 20,000 teams).
 */
static bool sees_some(const struct cp_access_rules *r, const int64_t *ids,
		      size_t n)
{
	if (n == 0)
		return false;
	if (r->hr)
		return true;
	for (size_t i = 0; i < r->nfacilitate; i++)
		if (in_sorted(ids, n, r->facilitate[i]))
			return true;
	for (size_t i = 0; i < r->nlead; i++)
		if (in_sorted(ids, n, r->lead[i]))
			return true;
	return false;
}

int cp_access_ready_recipients(struct cp_store *s, int64_t wave, int64_t now,
			       int64_t **viewers, size_t *n,
			       struct cp_error *err)
{
	struct cp_snapshot_team *snap = NULL;
	int64_t *ids = NULL, *teams = NULL;
	size_t nids = 0, ns = 0, k = 0;
	int rc;

	*viewers = NULL;
	*n = 0;
	rc = candidates(s, &ids, &nids, err);
	rc = rc ? rc : cp_store_wave_snapshot(s, wave, &snap, &ns, err);
	if (rc == 0 && (teams = calloc(ns + 1, sizeof(*teams))) == NULL)
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	for (size_t t = 0; rc == 0 && t < ns; t++)
		teams[t] = snap[t].id;
	if (rc == 0)
		qsort(teams, ns, sizeof(*teams), cmp_id);
	for (size_t i = 0; rc == 0 && i < nids; i++) {
		struct cp_access_rules r;
		bool any;
		rc = cp_access_rules_load(s, ids[i], now, &r, err);
		any = rc == 0 && sees_some(&r, teams, ns);
		cp_access_rules_release(&r);
		if (any)
			ids[k++] = ids[i];
	}
	free(teams);
	cp_store_snapshot_free(snap, ns);
	if (rc || k == 0) {
		free(ids);
		return rc;
	}
	*viewers = ids;
	*n = k;
	return 0;
}

int cp_access_ready_queue(struct cp_store *s, int64_t now, size_t *waves,
			  struct cp_error *err)
{
	int64_t *ids = NULL, *viewers = NULL;
	size_t n = 0, nv = 0;
	int rc;

	if (waves)
		*waves = 0;
	rc = cp_store_ready_waves(s, &ids, &n, err);
	/* One transaction per wave: its recipients and its mark. */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if ((rc = cp_store_begin(s, err)))
			break;
		rc = cp_access_ready_recipients(s, ids[i], now, &viewers, &nv,
						err);
		rc =
		    rc ? rc
		       : cp_store_ready_queue(s, ids[i], viewers, nv, now, err);
		free(viewers);
		viewers = NULL;
		if (rc == 0)
			rc = cp_store_commit(s, err);
		else
			cp_store_rollback(s);
		if (rc == 0 && waves)
			(*waves)++;
	}
	free(ids);
	return rc;
}
