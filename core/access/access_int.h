/*
 * access_int.h - private to core/access: the rules of one viewer loaded
 * once, and the settings the module reads.
 */
#ifndef CP_ACCESS_INT_H
#define CP_ACCESS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access.h"

#define CP_ACCESS_KEY_ROSTER	  "access.leaders_from_roster"
#define CP_ACCESS_KEY_IDLE	  "access.session_idle"
#define CP_ACCESS_KEY_MAX	  "access.session_max"
#define CP_ACCESS_KEY_TTL	  "access.signin_ttl"
#define CP_ACCESS_KEY_PER_ADDRESS "access.signin_per_address"
#define CP_ACCESS_KEY_PER_CLIENT  "access.signin_per_client"

/* What one viewer may see at one time. */
struct cp_access_rules {
	bool known; /* the viewer exists */
	char email[256];
	char name[128];
	bool hr;
	int64_t *lead; /* teams they lead (grants and the roster) */
	size_t nlead;
	int64_t *facilitate; /* facilitator grants still running */
	size_t nfacilitate;
};

int cp_access_rules_load(struct cp_store *s, int64_t viewer, int64_t now,
			 struct cp_access_rules *r, struct cp_error *err);
void cp_access_rules_release(struct cp_access_rules *r);
/* True when the rules let the viewer see anything at all. */
bool cp_access_rules_any(const struct cp_access_rules *r);
/* True when the rules let the viewer see team of the wave whose tree is
 * snap (n teams). */
bool cp_access_rules_team(const struct cp_access_rules *r,
			  const struct cp_snapshot_team *snap, size_t n,
			  int64_t team);

/* The ids of snap in organisation-tree order (a team, then the teams
 * below it, siblings by name); *order malloc'ed, n entries. */
int cp_access_tree_order(const struct cp_snapshot_team *snap, size_t n,
			 int64_t **order, struct cp_error *err);

/* A true/false setting (unset: true) and a duration setting. */
int cp_access_config_bool(struct cp_store *s, const char *key, bool *out,
			  struct cp_error *err);
int cp_access_config_seconds(struct cp_store *s, const char *key, int64_t *out,
			     struct cp_error *err);

#endif
