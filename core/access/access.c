/*
 * access.c - grants and the rules of who sees what: HR every team, a
 * leader the team they lead and every team below it in the wave's own
 * snapshot of the tree, a facilitator the teams granted until a date.
 * See access.h.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "access_int.h"
#include "buf.h"
#include "config.h"
#include "i18n.h"
#include "text.h"
#include "when.h"

static const char *const role_names[] = {
    [CP_ACCESS_HR] = "hr",
    [CP_ACCESS_LEADER] = "leader",
    [CP_ACCESS_FACILITATOR] = "facilitator",
};

const char *cp_access_role_name(enum cp_access_role role)
{
	if (role < CP_ACCESS_HR || role > CP_ACCESS_FACILITATOR)
		return NULL;
	return role_names[role];
}

int cp_access_role_parse(const char *name, enum cp_access_role *out,
			 struct cp_error *err)
{
	for (int r = CP_ACCESS_HR; r <= CP_ACCESS_FACILITATOR; r++)
		if (name && strcmp(name, role_names[r]) == 0) {
			*out = (enum cp_access_role)r;
			return 0;
		}
	return cp_error_set(
	    err, CP_EUSAGE,
	    N_("role '%s' is not one of hr, leader, facilitator"),
	    name ? name : "");
}

int cp_access_config_bool(struct cp_store *s, const char *key, bool *out,
			  struct cp_error *err)
{
	char *v = NULL;
	int rc = cp_config_get(s, key, &v, NULL, err);

	if (rc == 0)
		*out = v == NULL || strcmp(v, "true") == 0;
	free(v);
	return rc;
}

int cp_access_config_seconds(struct cp_store *s, const char *key, int64_t *out,
			     struct cp_error *err)
{
	char *v = NULL;
	int rc = cp_config_get(s, key, &v, NULL, err);

	rc = rc ? rc : cp_duration_parse(v ? v : "", out, err);
	free(v);
	return rc;
}

/* The address checked as roster addresses are. */
static int check_email(const char *email, struct cp_error *err)
{
	if (email == NULL || email[0] == '\0')
		return cp_error_set(err, CP_EDATA, N_("email is empty"));
	if (!cp_email_valid(email) || strlen(email) >= 256)
		return cp_error_set(err, CP_EDATA,
				    N_("email '%s' is not a valid address"),
				    email);
	return 0;
}

/* The team id of a grant: 0 for HR (which takes no team), else the team
 * named team_key, which must exist. */
static int grant_team(struct cp_store *s, enum cp_access_role role,
		      const char *team_key, int64_t until, int64_t *team,
		      struct cp_error *err)
{
	*team = 0;
	if (cp_access_role_name(role) == NULL)
		return cp_error_set(err, CP_EUSAGE, N_("unknown role %d"),
				    (int)role);
	if (role == CP_ACCESS_HR) {
		if (team_key && team_key[0])
			return cp_error_set(
			    err, CP_EUSAGE,
			    N_("hr sees every team: give no team"));
		return 0;
	}
	if (team_key == NULL || team_key[0] == '\0')
		return cp_error_set(err, CP_EUSAGE, N_("a %s needs a team"),
				    cp_access_role_name(role));
	if (until && role != CP_ACCESS_FACILITATOR)
		return cp_error_set(err, CP_EUSAGE,
				    N_("only a facilitator's access has an end "
				       "date"));
	return cp_store_team_find(s, team_key, team, err);
}

/* Checks a grant's address and team and opens its transaction; *team
 * is the team's id (0 for HR). */
static int grant_begin(struct cp_store *s, const char *email,
		       enum cp_access_role role, const char *team_key,
		       int64_t until, int64_t *team, struct cp_error *err)
{
	int rc;

	if ((rc = check_email(email, err)))
		return rc;
	if (until < 0)
		return cp_error_set(err, CP_EUSAGE,
				    N_("the end date is negative"));
	if ((rc = grant_team(s, role, team_key, until, team, err)))
		return rc;
	return cp_store_begin(s, err);
}

/* Audits a grant's change as event and ends its transaction. */
static int grant_end(struct cp_store *s, int rc, int64_t viewer,
		     const char *event, enum cp_access_role role, int64_t team,
		     int64_t now, struct cp_error *err)
{
	rc = rc ? rc
		: cp_store_audit_add(s, viewer, event, 0, team,
				     cp_access_role_name(role), now, err);
	if (rc == 0)
		return cp_store_commit(s, err);
	cp_store_rollback(s);
	return rc;
}

int cp_access_grant(struct cp_store *s, const char *email,
		    enum cp_access_role role, const char *team_key,
		    int64_t until, struct cp_error *err)
{
	int64_t team, viewer = 0, now = cp_store_now();
	int rc;

	if ((rc = grant_begin(s, email, role, team_key, until, &team, err)))
		return rc;
	rc = cp_store_viewer_ensure(s, email, "", &viewer, err);
	rc = rc ? rc
		: cp_store_grant_set(s, viewer, cp_access_role_name(role), team,
				     until, now, err);
	return grant_end(s, rc, viewer, "grant", role, team, now, err);
}

int cp_access_revoke(struct cp_store *s, const char *email,
		     enum cp_access_role role, const char *team_key,
		     struct cp_error *err)
{
	int64_t team, viewer = 0, now = cp_store_now();
	int rc, deleted = 0;

	if ((rc = grant_begin(s, email, role, team_key, 0, &team, err)))
		return rc;
	rc = cp_store_viewer_find(s, email, &viewer, NULL);
	if (rc == 0)
		rc = cp_store_grant_delete(s, viewer, cp_access_role_name(role),
					   team, &deleted, err);
	else if (rc != CP_ENOTFOUND)
		rc = cp_store_viewer_find(s, email, &viewer, err);
	else
		rc = 0;
	if (rc == 0 && !deleted && team)
		rc = cp_error_set(err, CP_ENOTFOUND,
				  N_("'%s' has no %s grant for team %s"), email,
				  cp_access_role_name(role), team_key);
	else if (rc == 0 && !deleted)
		rc = cp_error_set(err, CP_ENOTFOUND, N_("'%s' has no %s grant"),
				  email, cp_access_role_name(role));
	return grant_end(s, rc, viewer, "revoke", role, team, now, err);
}

/* Converts one stored grant into a listed one. */
static void list_row(struct cp_access_grant_row *r,
		     const struct cp_store_grant *g, bool from_roster)
{
	memset(r, 0, sizeof(*r));
	cp_strlcpy(r->email, g->email, sizeof(r->email));
	cp_strlcpy(r->name, g->name, sizeof(r->name));
	cp_access_role_parse(g->role, &r->role, NULL);
	cp_strlcpy(r->team, g->team, sizeof(r->team));
	r->until = g->until;
	r->granted_at = g->granted_at;
	r->from_roster = from_roster;
}

int cp_access_list(struct cp_store *s, int64_t now,
		   struct cp_access_grant_row **out, size_t *n,
		   struct cp_error *err)
{
	struct cp_store_grant *g = NULL, *l = NULL;
	size_t ng = 0, nl = 0, i = 0, j = 0, k = 0;
	bool roster = true;
	int rc;

	(void)now;
	*out = NULL;
	*n = 0;
	rc = cp_store_grants(s, 0, &g, &ng, err);
	rc = rc ? rc
		: cp_access_config_bool(s, CP_ACCESS_KEY_ROSTER, &roster, err);
	if (rc == 0 && roster)
		rc = cp_store_roster_leaders(s, NULL, &l, &nl, err);
	if (rc == 0 && ng + nl > 0 &&
	    (*out = calloc(ng + nl, sizeof(**out))) == NULL)
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	/* Both lists are by address: merged, they stay so. */
	while (rc == 0 && (i < ng || j < nl)) {
		bool take_g =
		    j == nl ||
		    (i < ng && strcasecmp(g[i].email, l[j].email) <= 0);
		if (take_g)
			list_row(&(*out)[k++], &g[i++], false);
		else
			list_row(&(*out)[k++], &l[j++], true);
	}
	*n = k;
	free(g);
	free(l);
	return rc;
}

int cp_access_viewer_get(struct cp_store *s, int64_t viewer_id,
			 struct cp_viewer *out, struct cp_error *err)
{
	memset(out, 0, sizeof(*out));
	out->id = viewer_id;
	return cp_store_viewer_get(s, viewer_id, out->email, sizeof(out->email),
				   out->name, sizeof(out->name), err);
}

/* ---- the rules ---- */

static int add_id(int64_t **ids, size_t *n, int64_t id, struct cp_error *err)
{
	int64_t *grown = realloc(*ids, (*n + 1) * sizeof(**ids));

	if (grown == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	grown[(*n)++] = id;
	*ids = grown;
	return 0;
}

static bool has_id(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

void cp_access_rules_release(struct cp_access_rules *r)
{
	free(r->lead);
	free(r->facilitate);
	memset(r, 0, sizeof(*r));
}

int cp_access_rules_load(struct cp_store *s, int64_t viewer, int64_t now,
			 struct cp_access_rules *r, struct cp_error *err)
{
	struct cp_store_grant *g = NULL;
	size_t ng = 0;
	bool roster = true;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = cp_store_viewer_get(s, viewer, r->email, sizeof(r->email), r->name,
				 sizeof(r->name), NULL);
	if (rc == CP_ENOTFOUND)
		return 0; /* an unknown viewer sees nothing */
	if (rc)
		return cp_store_viewer_get(s, viewer, r->email,
					   sizeof(r->email), r->name,
					   sizeof(r->name), err);
	r->known = true;
	rc = cp_store_grants(s, viewer, &g, &ng, err);
	for (size_t i = 0; rc == 0 && i < ng; i++) {
		bool live = g[i].until == 0 || now < g[i].until;
		if (strcmp(g[i].role, "hr") == 0)
			r->hr = r->hr || live;
		else if (strcmp(g[i].role, "leader") == 0)
			rc = add_id(&r->lead, &r->nlead, g[i].team_id, err);
		else if (live)
			rc = add_id(&r->facilitate, &r->nfacilitate,
				    g[i].team_id, err);
	}
	free(g);
	g = NULL;
	ng = 0;
	rc = rc ? rc
		: cp_access_config_bool(s, CP_ACCESS_KEY_ROSTER, &roster, err);
	if (rc == 0 && roster)
		rc = cp_store_roster_leaders(s, r->email, &g, &ng, err);
	for (size_t i = 0; rc == 0 && i < ng; i++)
		if (!has_id(r->lead, r->nlead, g[i].team_id))
			rc = add_id(&r->lead, &r->nlead, g[i].team_id, err);
	free(g);
	if (rc)
		cp_access_rules_release(r);
	return rc;
}

bool cp_access_rules_any(const struct cp_access_rules *r)
{
	return r->hr || r->nlead > 0 || r->nfacilitate > 0;
}

/* The index of team in snap, or n. */
static size_t snap_find(const struct cp_snapshot_team *snap, size_t n,
			int64_t team)
{
	size_t i;

	for (i = 0; i < n && snap[i].id != team; i++)
		;
	return i;
}

bool cp_access_rules_team(const struct cp_access_rules *r,
			  const struct cp_snapshot_team *snap, size_t n,
			  int64_t team)
{
	size_t i = snap_find(snap, n, team);

	if (i == n)
		return false; /* not a team of the wave */
	if (r->hr || has_id(r->facilitate, r->nfacilitate, team))
		return true;
	/* The team or one above it (in the wave's tree) is led by r; the
	 * depth cap ends a cycle of parents. */
	for (int depth = 0; i < n && depth <= (int)n; depth++) {
		if (has_id(r->lead, r->nlead, snap[i].id))
			return true;
		if (snap[i].parent_id == 0)
			break;
		i = snap_find(snap, n, snap[i].parent_id);
	}
	return false;
}

/*
 * The viewer's rules and the wave's tree (*snap, n teams), for a check:
 * *any is false, and nothing is left to release, when the viewer may see
 * nothing at all or the wave has no tree.
 */
static int rules_for_wave(struct cp_store *s, int64_t viewer, int64_t wave,
			  int64_t now, struct cp_access_rules *r,
			  struct cp_snapshot_team **snap, size_t *n, bool *any,
			  struct cp_error *err)
{
	int rc;

	*snap = NULL;
	*n = 0;
	*any = false;
	rc = cp_access_rules_load(s, viewer, now, r, err);
	if (rc == 0 && cp_access_rules_any(r))
		rc = cp_store_wave_snapshot(s, wave, snap, n, err);
	if (rc == CP_ENOTFOUND) {
		cp_error_clear(err);
		rc = 0;
	}
	*any = rc == 0 && *n > 0;
	if (!*any) {
		cp_store_snapshot_free(*snap, *n);
		*snap = NULL;
		*n = 0;
		cp_access_rules_release(r);
	}
	return rc;
}

static void rules_for_wave_release(struct cp_access_rules *r,
				   struct cp_snapshot_team *snap, size_t n)
{
	cp_store_snapshot_free(snap, n);
	cp_access_rules_release(r);
}

int cp_access_may_view(struct cp_store *s, int64_t viewer_id, int64_t wave_id,
		       int64_t team_id, int64_t now, bool *ok,
		       struct cp_error *err)
{
	struct cp_access_rules r;
	struct cp_snapshot_team *snap;
	size_t n;
	bool any;
	int rc = rules_for_wave(s, viewer_id, wave_id, now, &r, &snap, &n, &any,
				err);

	*ok = any && cp_access_rules_team(&r, snap, n, team_id);
	if (any)
		rules_for_wave_release(&r, snap, n);
	return rc;
}

int cp_access_may_view_self(struct cp_store *s, int64_t viewer_id,
			    int64_t wave_id, int64_t team_id, int64_t now,
			    bool *ok, struct cp_error *err)
{
	struct cp_access_rules r;
	struct cp_snapshot_team *snap;
	size_t n;
	bool any;
	int rc = rules_for_wave(s, viewer_id, wave_id, now, &r, &snap, &n, &any,
				err);

	/* Exactly the team they lead, and a team of the wave: never HR, a
	 * facilitator or the leader of a team above. */
	*ok = any && has_id(r.lead, r.nlead, team_id) &&
	      snap_find(snap, n, team_id) < n;
	if (any)
		rules_for_wave_release(&r, snap, n);
	return rc;
}

/* Appends the teams below parent (0: the roots) in tree order to order,
 * siblings by name (snap is sorted by name). */
static void tree_walk(const struct cp_snapshot_team *snap, size_t n,
		      int64_t parent, int depth, int64_t *order, size_t *k)
{
	if (depth > (int)n)
		return;
	for (size_t i = 0; i < n; i++) {
		int64_t p = snap[i].parent_id;
		/* A root: no parent, or a parent outside the snapshot. */
		if (p != 0 && snap_find(snap, n, p) == n)
			p = 0;
		if (p != parent || has_id(order, *k, snap[i].id))
			continue;
		order[(*k)++] = snap[i].id;
		tree_walk(snap, n, snap[i].id, depth + 1, order, k);
	}
}

int cp_access_tree_order(const struct cp_snapshot_team *snap, size_t n,
			 int64_t **order, struct cp_error *err)
{
	size_t k = 0;

	*order = NULL;
	if (n == 0)
		return 0;
	if ((*order = calloc(n, sizeof(**order))) == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	tree_walk(snap, n, 0, 0, *order, &k);
	/* Teams on a cycle of parents (never made by the roster) last. */
	for (size_t i = 0; i < n; i++)
		if (!has_id(*order, k, snap[i].id))
			(*order)[k++] = snap[i].id;
	return 0;
}

int cp_access_teams(struct cp_store *s, int64_t viewer_id, int64_t wave_id,
		    int64_t now, int64_t **team_ids, size_t *n,
		    struct cp_error *err)
{
	struct cp_access_rules r;
	struct cp_snapshot_team *snap;
	int64_t *order = NULL;
	size_t ns, k = 0;
	bool any;
	int rc = rules_for_wave(s, viewer_id, wave_id, now, &r, &snap, &ns,
				&any, err);

	*team_ids = NULL;
	*n = 0;
	if (!any)
		return rc;
	rc = cp_access_tree_order(snap, ns, &order, err);
	for (size_t i = 0; rc == 0 && i < ns; i++)
		if (cp_access_rules_team(&r, snap, ns, order[i]))
			order[k++] = order[i];
	if (rc == 0 && k > 0) {
		*team_ids = order;
		*n = k;
		order = NULL;
	}
	free(order);
	rules_for_wave_release(&r, snap, ns);
	return rc;
}

int cp_access_is_hr(struct cp_store *s, int64_t viewer_id, int64_t now,
		    bool *ok, struct cp_error *err)
{
	struct cp_access_rules r;
	int rc = cp_access_rules_load(s, viewer_id, now, &r, err);

	*ok = rc == 0 && r.hr;
	cp_access_rules_release(&r);
	return rc;
}

/* ---- audit ---- */

int cp_audit(struct cp_store *s, int64_t viewer_id, const char *event,
	     int64_t wave_id, int64_t team_id, const char *detail, int64_t now,
	     struct cp_error *err)
{
	if (event == NULL || event[0] == '\0' || strlen(event) >= 32)
		return cp_error_set(err, CP_EUSAGE,
				    N_("an audit event needs a "
				       "short name"));
	return cp_store_audit_add(s, viewer_id, event, wave_id, team_id, detail,
				  now, err);
}

int cp_access_log_list(struct cp_store *s, int64_t since,
		       struct cp_audit_row **out, size_t *n,
		       struct cp_error *err)
{
	return cp_store_audit_list(s, since, out, n, err);
}
