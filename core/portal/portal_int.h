/*
 * portal_int.h - private to core/portal: the pages (portal_html.c) that
 * portal.c fills with what core/access allowed and core/results computed.
 * A page function appends to a cp_buf and fails only for memory.
 */
#ifndef CP_PORTAL_INT_H
#define CP_PORTAL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access.h"
#include "buf.h"
#include "error.h"
#include "portal.h"
#include "results.h"
#include "store.h"

/* Who is looking, for the page frame (NULL when signed out). */
struct page_viewer {
	const struct cp_viewer *viewer;
	const char *csrf; /* the session's, for the sign-out form */
	bool hr;
};

/* A page: the frame's start, then the caller's content, then page_end. */
int page_start(struct cp_buf *b, const char *title,
	       const struct page_viewer *pv, struct cp_error *err);
int page_end(struct cp_buf *b, struct cp_error *err);

/* A whole short page: a heading and a paragraph, with a link back. */
int page_message(struct cp_buf *b, const char *title, const char *text,
		 const struct page_viewer *pv, struct cp_error *err);

/* The sign-in form (pre: the pre-session CSRF token), with a link to
 * single sign-on when sso. */
int page_signin(struct cp_buf *b, const char *pre, bool sso,
		struct cp_error *err);
/* How long a sign-in link works (ttl seconds) in words, as read after
 * "within": "15 minutes", "1 hour"; buf of n bytes, returned. */
const char *ttl_words(int64_t ttl, char *buf, size_t n);
/* "Check your mail", saying how long the link works (ttl seconds). */
int page_sent(struct cp_buf *b, int64_t ttl, struct cp_error *err);
/* The link's landing: a button that posts the token. */
int page_landing(struct cp_buf *b, const char *token, const char *pre,
		 struct cp_error *err);

/* One team of a wave in the waves list. */
struct wave_team {
	int64_t id;
	const struct cp_group *group; /* the team's group in the results */
};

/* One wave's part of the waves list: the teams the viewer may see. */
int page_wave_section(struct cp_buf *b, const struct cp_results *r,
		      const struct wave_team *teams, size_t n, bool hr,
		      bool link_heading, struct cp_error *err);

/* A team's results page, in the order of the team report. */
struct team_view {
	const struct cp_results *r;
	const struct cp_group *g; /* the team's (with sub-teams, if any) */
	int64_t team_id;
	bool self; /* the viewer is this team's leader */
	/* The team's earlier waves' results (dims only), oldest first. */
	const struct cp_results *const *before;
	size_t nbefore;
	bool pdf, export; /* downloads offered */
	/* What the team agreed after an earlier wave (core/action). */
	const struct cp_action *actions;
	size_t nactions;
	int64_t actions_from;
};
int page_team(struct cp_buf *b, const struct team_view *v,
	      struct cp_error *err);

/* HR's heat map of r: every group in organisation-tree order. */
int page_heatmap(struct cp_buf *b, const struct cp_results *r,
		 struct cp_error *err);

/* The request's pre-session token (the cookie CP_PORTAL_PRE_COOKIE, 32
 * hex characters) into out, or a fresh one also set as that cookie on
 * reply (its cookie[1]). Single sign-on binds a sign-in to it. */
int pre_token(const struct cp_portal_request *rq, struct cp_portal_reply *reply,
	      char out[33], struct cp_error *err);

/* Appends s escaped for HTML. */
int esc(struct cp_buf *b, const char *s, struct cp_error *err);

#endif
