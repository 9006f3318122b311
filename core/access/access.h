/*
 * access.h - who may see which results, how they sign in, their sessions,
 * and the audit of what they saw (issue 13). The portal's HTTP pages call
 * these on every request: access is decided here, never in a template.
 *
 * Viewers are the people who may sign in: HR partners, leaders and
 * facilitators. They are not respondents, and nothing here reads or
 * records anything a respondent sent.
 *
 * Differences from the contract of /work/notes/access_api.md (the portal
 * adapts to these names):
 *   - the roles are enum cp_access_role with CP_ACCESS_HR, CP_ACCESS_LEADER
 *     and CP_ACCESS_FACILITATOR: enum cp_role and CP_ROLE_LEADER already
 *     name a roster member's role in model.h;
 *   - a team is named by its name (team_key) as `team` commands name it;
 *   - secrets travel in buffers of CP_ACCESS_SECRET_SIZE (64) bytes, as
 *     the contract's char[64]: 48 hex characters (192 random bits) and
 *     the terminator;
 *   - added: cp_session_rotate (end the old id, make a fresh one),
 *     cp_access_viewer_get, cp_access_list, cp_access_log_list and the
 *     results-ready mail (cp_access_ready_*), used by the CLI and tick;
 *     in deliver.h, cp_deliver_ready the results-ready mails (the
 *     sign-in link goes by the portal's own mailer, core/portal);
 *   - struct cp_audit_row is the store's (store.h).
 */
#ifndef CP_ACCESS_H
#define CP_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "store.h"

enum cp_access_role {
	CP_ACCESS_HR = 1,	   /* sees every team */
	CP_ACCESS_LEADER = 2,	   /* a team and every team below it */
	CP_ACCESS_FACILITATOR = 3, /* the teams granted, until a date */
};

/* "hr", "leader", "facilitator"; NULL for a value out of range. */
const char *cp_access_role_name(enum cp_access_role role);
/* The role named name into *out: 0, or CP_EUSAGE naming what is allowed. */
int cp_access_role_parse(const char *name, enum cp_access_role *out,
			 struct cp_error *err);

/* A person who may sign in to the portal. */
struct cp_viewer {
	int64_t id;
	char email[256];
	char name[128]; /* "" when unknown (from the roster for leaders) */
};

/* Buffers for sign-in tokens, session ids and CSRF tokens. */
#define CP_ACCESS_SECRET_SIZE 64

/* ---- configuration keys (core/config's key table) ---- */
/* access.leaders_from_roster  true: a roster leader has leader access
 *                             to the team they lead (default true)
 * access.session_idle         seconds without a request (default 1800)
 * access.session_max          seconds since sign-in (default 43200)
 * access.signin_ttl           seconds a sign-in link lives (default 900)
 * access.signin_per_address   sign-in requests per address per hour (5)
 * access.signin_per_client    sign-in requests per client per hour (20) */

/* ---- grants (CLI: carepulse access grant|revoke|list|log) ---- */

/*
 * Grants email the role: for HR team_key is NULL, for the others it names
 * a team. until is when a facilitator's access ends (0: never; refused
 * for the other roles). The address is checked as roster addresses are
 * (CP_EDATA) and the team must exist (CP_ENOTFOUND). Granting again
 * updates until. Writes its own transaction and an audit row ("grant").
 */
int cp_access_grant(struct cp_store *s, const char *email,
		    enum cp_access_role role, const char *team_key,
		    int64_t until, struct cp_error *err);

/* Takes a grant back: CP_ENOTFOUND when there was none. Audited. */
int cp_access_revoke(struct cp_store *s, const char *email,
		     enum cp_access_role role, const char *team_key,
		     struct cp_error *err);

/* One grant, as listed. from_roster: a roster leader (not revocable by
 * `access revoke`; switch off access.leaders_from_roster instead). */
struct cp_access_grant_row {
	char email[256];
	char name[128];
	enum cp_access_role role;
	char team[256]; /* "" for HR */
	int64_t until;	/* 0: none */
	int64_t granted_at;
	bool from_roster;
};

/* Every grant, explicit and from the roster, by email, role and team,
 * as of now (expired facilitator grants are listed with their date).
 * *out is malloc'ed (free() it), NULL when none. */
int cp_access_list(struct cp_store *s, int64_t now,
		   struct cp_access_grant_row **out, size_t *n,
		   struct cp_error *err);

/* ---- the checks, used on every portal request ---- */

/*
 * *ok is true when viewer may see the results of team in wave at now:
 * HR sees every team of the wave; a leader the team they lead and every
 * team below it in the wave's snapshot of the tree (the tree as it was
 * when the wave was created, never today's); a facilitator the teams
 * granted until the date. A team not in the wave is refused. Errors only
 * for a failing database; an unknown viewer or wave is just *ok false.
 */
int cp_access_may_view(struct cp_store *s, int64_t viewer_id, int64_t wave_id,
		       int64_t team_id, int64_t now, bool *ok,
		       struct cp_error *err);

/* The leader's self-assessment of team in wave: only a leader of exactly
 * that team (from the roster, or by a leader grant of that team), never
 * HR, a facilitator or the leader of a team above. */
int cp_access_may_view_self(struct cp_store *s, int64_t viewer_id,
			    int64_t wave_id, int64_t team_id, int64_t now,
			    bool *ok, struct cp_error *err);

/* The teams of wave the viewer may see, in organisation-tree order (a
 * team, then the teams below it, siblings by name). *team_ids is
 * malloc'ed (free() it), NULL when none. */
int cp_access_teams(struct cp_store *s, int64_t viewer_id, int64_t wave_id,
		    int64_t now, int64_t **team_ids, size_t *n,
		    struct cp_error *err);

/* *ok: the viewer holds an HR grant at now. */
int cp_access_is_hr(struct cp_store *s, int64_t viewer_id, int64_t now,
		    bool *ok, struct cp_error *err);

/* The viewer's address and name: CP_ENOTFOUND when there is none. */
int cp_access_viewer_get(struct cp_store *s, int64_t viewer_id,
			 struct cp_viewer *out, struct cp_error *err);

/* ---- sign-in ---- */

/*
 * A request for an e-mailed sign-in link. When email has access at now
 * and neither its address nor client (the peer's address as text) is
 * over its hourly limit, *send is true and token holds a fresh sign-in
 * token (only its SHA-256 is stored; it lives access.signin_ttl seconds
 * and is used once): the caller builds the link and mails it (the
 * portal's mailer, core/portal/portal.c). Otherwise *send is false and
 * token is "". The same work is done either way (a token is made and
 * hashed, the counters are written), and the caller answers
 * identically: no enumeration. A malformed address is *send false too,
 * not an error.
 */
int cp_signin_request(struct cp_store *s, const char *email, const char *client,
		      int64_t now, char token[CP_ACCESS_SECRET_SIZE],
		      bool *send, struct cp_error *err);

/* How long a sign-in link works (access.signin_ttl), in seconds: what
 * the mail and the "check your mail" page tell the person. */
int cp_signin_ttl(struct cp_store *s, int64_t *seconds, struct cp_error *err);

/* Uses a sign-in token: *viewer_id is whom it signs in. CP_ECONFLICT when
 * it is unknown, used or expired (one message for all three), and it can
 * never be used again. Audited ("signin"). */
int cp_signin_consume(struct cp_store *s, const char *token, int64_t now,
		      int64_t *viewer_id, struct cp_error *err);

/* Sign-in by a verified address (OpenID Connect): *viewer_id when the
 * address has access at now, else CP_ENOTFOUND. Audited ("signin"). */
int cp_signin_email(struct cp_store *s, const char *email, int64_t now,
		    int64_t *viewer_id, struct cp_error *err);

/* ---- sessions ---- */

struct cp_session {
	int64_t viewer_id;
	char csrf[CP_ACCESS_SECRET_SIZE]; /* bound to the session id */
	int64_t created, last_seen;
};

/* A new session for viewer: sid is a fresh random id (only its SHA-256
 * is stored), *out its state (NULL allowed). */
int cp_session_create(struct cp_store *s, int64_t viewer_id, int64_t now,
		      char sid[CP_ACCESS_SECRET_SIZE], struct cp_session *out,
		      struct cp_error *err);

/*
 * Checks sid at now: *valid when it exists, was seen within
 * access.session_idle and created within access.session_max; then
 * last_seen becomes now and *out is filled. An expired session is deleted
 * and *valid false.
 */
int cp_session_check(struct cp_store *s, const char *sid, int64_t now,
		     struct cp_session *out, bool *valid, struct cp_error *err);

/* Ends old_sid (NULL or unknown allowed) and creates a session for viewer
 * with a fresh id: what every sign-in calls. */
int cp_session_rotate(struct cp_store *s, const char *old_sid,
		      int64_t viewer_id, int64_t now,
		      char sid[CP_ACCESS_SECRET_SIZE], struct cp_session *out,
		      struct cp_error *err);

/* Signs out: deletes the session (an unknown sid is not an error). */
int cp_session_end(struct cp_store *s, const char *sid, struct cp_error *err);

/* True when token equals the session's CSRF token, compared in constant
 * time (CRYPTO_memcmp). NULL or empty is false. */
bool cp_csrf_ok(const struct cp_session *session, const char *token);

/* ---- audit: viewers only, never respondents ---- */

/* Records event ("signin", "signout", "view", "download") by viewer
 * about wave and team (0: none) with a short detail (NULL allowed; never
 * a token or session id). grant and revoke record the viewer they are
 * about, with the role as detail. */
int cp_audit(struct cp_store *s, int64_t viewer_id, const char *event,
	     int64_t wave_id, int64_t team_id, const char *detail, int64_t now,
	     struct cp_error *err);

/* The log (struct cp_audit_row, store.h: viewer, event, wave, team,
 * time, detail), oldest first, since `since` (0: all). *out is malloc'ed
 * (free() it), NULL when none. */
int cp_access_log_list(struct cp_store *s, int64_t since,
		       struct cp_audit_row **out, size_t *n,
		       struct cp_error *err);

/* ---- results-ready mail (ready.c; sent by core/delivery) ---- */

/*
 * The viewers with access at now to at least one team of wave, by id
 * (roster leaders get a viewer row here when they have none yet).
 * *viewers is malloc'ed (free() it), NULL when none.
 */
int cp_access_ready_recipients(struct cp_store *s, int64_t wave, int64_t now,
			       int64_t **viewers, size_t *n,
			       struct cp_error *err);

/*
 * Queues the results-ready mails of every closed wave not queued yet:
 * one row per recipient and wave (cp_store_ready_queue), so a wave's
 * mails are decided once, at the first run after it closed. *waves is
 * how many waves were queued (NULL allowed).
 */
int cp_access_ready_queue(struct cp_store *s, int64_t now, size_t *waves,
			  struct cp_error *err);

#endif
