/*
 * portal.h - the results portal under /portal/ in `carepulse serve`:
 * server-rendered pages (no script, inline SVG charts) where a viewer
 * signs in by an e-mailed link and sees the results they may see.
 *
 * This module knows no HTTP library: server.c hands it a request (method,
 * path, the session cookie, the client's address, a form body) and sends
 * the reply it fills. Who may see what is never decided here: every
 * request asks core/access (cp_session_check, cp_access_may_view,
 * cp_access_may_view_self, cp_access_teams, cp_access_is_hr), and every
 * number comes from core/results with its thresholds applied.
 *
 * Routes (all under /portal):
 *   GET  /                     sign-in form, or the waves when signed in
 *   POST /signin               asks for a link (same answer for anyone)
 *   GET  /sent                 "check your mail"
 *   GET  /signin/TOKEN         the link's landing: a button to sign in
 *   POST /signin/TOKEN         uses the link, starts a session
 *   POST /signout              ends the session
 *   GET  /waves                the waves, with response rates
 *   GET  /waves/W              the teams of wave W the viewer may see
 *   GET  /waves/W/teams/T      a team's results, in the team report's order
 *   GET  /waves/W/heatmap      HR's heat map, in organisation-tree order
 *   GET  /waves/W/teams/T/report.pdf | results.csv | results.json
 *   GET  /oidc/start, /oidc/callback   single sign-on: see cp_portal_hooks
 */
#ifndef CP_PORTAL_H
#define CP_PORTAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"
#include "store.h"

#define CP_PORTAL_PREFIX     "/portal"
#define CP_PORTAL_COOKIE     "cp_session"
#define CP_PORTAL_PRE_COOKIE "cp_pre" /* CSRF before a session exists */

struct cp_portal_request {
	const char *method; /* "GET", "HEAD" or "POST" */
	const char *path;   /* the whole path, "/portal..." */
	const char *sid;    /* the session cookie's value, or NULL */
	const char *pre;    /* the pre-session CSRF cookie's value, or NULL */
	const char *client; /* the peer's address as text */
	const char *body;   /* a POST's urlencoded form, NUL-terminated */
	size_t body_len;
	bool tls; /* served over TLS: cookies are Secure */
	int64_t now;
	/* A query-string argument by name, or NULL (the OIDC callback's
	 * code and state); conn is the server's, for it. */
	const char *(*query)(const struct cp_portal_request *rq,
			     const char *name);
	void *conn;
};

/* A provider's authorization URL (single sign-on) with its parameters
 * can be over 512 bytes: the redirect must hold it. */
#define CP_PORTAL_HEADER_MAX 2048

struct cp_portal_reply {
	unsigned status;
	struct cp_buf body;
	const char *type;			/* static */
	char location[CP_PORTAL_HEADER_MAX];	/* a redirect's, or "" */
	char cookie[2][CP_PORTAL_HEADER_MAX];	/* Set-Cookie values, or "" */
	char disposition[CP_PORTAL_HEADER_MAX]; /* a download's, or "" */
	/* What the access log names: the route, never a token or an id
	 * that is a secret ("/portal/signin/<redacted>"). */
	char route[64];
};

/*
 * What the portal cannot do from core: the team PDF is drawn by reports/
 * and the CSV/JSON export is the `results` command's own output, so
 * cmd/ hands both in. Each writes into out what `carepulse report team`
 * or `carepulse results WAVE --team TEAM --items --format csv|json`
 * would, for the team with id team; with_self false leaves the leader's
 * self-assessment out; the export keeps only the groups of the teams in
 * allowed (those the viewer may see). A NULL hook answers 404.
 *
 * Single sign-on (branch oidc) plugs in at oidc_start and oidc_callback:
 * GET /portal/oidc/start and /portal/oidc/callback call them with the
 * request (its query string in query) and reply; a callback that
 * verified an address calls cp_signin_email and cp_portal_sign_in.
 * NULL: those routes answer 404.
 */
struct cp_portal_hooks {
	int (*pdf)(void *arg, struct cp_store *st, int64_t wave, int64_t team,
		   bool with_self, struct cp_buf *out, struct cp_error *err);
	int (*export)(void *arg, struct cp_store *st, int64_t wave,
		      int64_t team, bool csv, bool with_self,
		      const int64_t *allowed, size_t nallowed,
		      struct cp_buf *out, struct cp_error *err);
	int (*oidc_start)(void *arg, struct cp_store *st,
			  const struct cp_portal_request *rq,
			  struct cp_portal_reply *reply, struct cp_error *err);
	int (*oidc_callback)(void *arg, struct cp_store *st,
			     const struct cp_portal_request *rq,
			     struct cp_portal_reply *reply,
			     struct cp_error *err);
	void *arg;
};

struct cp_portal;

/*
 * A portal for the database at db_path whose links start with base_url
 * (the public address of serve, no trailing slash needed). Starts the
 * thread that mails sign-in links (on its own database connection), so
 * a request never waits for a mail server: the answer and its timing do
 * not depend on whether an address has access. hooks may be NULL. log
 * (may be NULL) gets a line when a sign-in mail could not be sent; it
 * never names the address or the link.
 */
int cp_portal_create(struct cp_portal **out, const char *db_path,
		     const char *base_url, const struct cp_portal_hooks *hooks,
		     void (*log)(void *arg, const char *line), void *log_arg,
		     struct cp_error *err);

/* Stops the mail thread after the links queued so far; p may be NULL. */
void cp_portal_free(struct cp_portal *p);

/* true when path belongs to the portal. */
bool cp_portal_path(const char *path);

/* The reply's fields start empty; release its body with cp_buf_release. */
void cp_portal_reply_init(struct cp_portal_reply *reply);

/*
 * Answers rq on st (the request thread's own connection, read-write).
 * Fills reply; an error is only for a failing database or memory, after
 * which the caller answers 500.
 */
int cp_portal_handle(struct cp_portal *p, struct cp_store *st,
		     const struct cp_portal_request *rq,
		     struct cp_portal_reply *reply, struct cp_error *err);

/*
 * Signs viewer in on reply: a fresh session (the old one, rq->sid, ended),
 * its cookie, and a redirect to the waves. For the OIDC callback.
 */
int cp_portal_sign_in(struct cp_store *st, const struct cp_portal_request *rq,
		      int64_t viewer, struct cp_portal_reply *reply,
		      struct cp_error *err);

/* Appends the page for a failure on our side ("try again in a minute"). */
int cp_portal_failure_page(struct cp_buf *b, struct cp_error *err);

/* The Content-Security-Policy of the portal's pages; static. */
const char *cp_portal_csp(void);

#endif
