/*
 * http_client.h - a plain HTTP client for carepulse's own peers: POST a
 * body, get the status. The seeded demo answers its invitations through
 * the real form server with it, as a browser would; single sign-on
 * (core/access/oidc.c) reads its provider's documents and exchanges codes
 * with cp_http_fetch.
 */
#ifndef CP_HTTP_CLIENT_H
#define CP_HTTP_CLIENT_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

struct cp_http_client;

/* True when host is 127.0.0.1, ::1 or localhost. */
int cp_host_is_loopback(const char *host);

/*
 * Whether carepulse may send to url: https, or http only to this machine
 * (127.0.0.1, ::1 or localhost). A URL that does not parse is not allowed.
 */
int cp_http_url_allowed(const char *url);

/*
 * Opens a client whose requests time out after timeout seconds; it keeps
 * its connection between requests. *out is the caller's:
 * cp_http_client_free it. CP_ENOMEM when libcurl cannot start.
 */
int cp_http_client_open(struct cp_http_client **out, long timeout,
			struct cp_error *err);

/*
 * POSTs body[0..len) as content_type to url (https, or http only to this
 * machine; redirects are not followed) and sets *status to the HTTP
 * status; the response body is read and dropped. CP_EUSAGE for a URL that
 * is not allowed, CP_EUNAVAIL when no answer came (the message says why,
 * never the URL).
 */
int cp_http_post(struct cp_http_client *c, const char *url,
		 const char *content_type, const char *body, size_t len,
		 long *status, struct cp_error *err);

/* One request of cp_http_fetch. */
struct cp_http_request {
	const char *url;	  /* https, or http to this machine only */
	const char *accept;	  /* the Accept header, or NULL */
	const char *content_type; /* with body: a POST; NULL: a GET */
	const char *body;
	size_t len;
	const char *user; /* HTTP Basic credentials, or NULL */
	const char *password;
	const char *bearer; /* an OAuth 2.0 access token to send, or NULL */
};

/*
 * Sends rq (a GET, or a POST when it has a content type; redirects are
 * not followed) and appends the response body to *response (within its
 * cap: a longer body is CP_EDATA) and sets *status to the HTTP status.
 * CA certificates: the system's, or ca_file (PEM) when set on c by
 * cp_http_client_ca. Errors as cp_http_post; they never name the
 * credentials.
 */
int cp_http_fetch(struct cp_http_client *c, const struct cp_http_request *rq,
		  struct cp_buf *response, long *status, struct cp_error *err);

/* Trusts the PEM certificates of ca_file (copied) instead of the system's
 * for c's HTTPS requests from now on. */
int cp_http_client_ca(struct cp_http_client *c, const char *ca_file,
		      struct cp_error *err);

/* Frees c; NULL allowed. */
void cp_http_client_free(struct cp_http_client *c);

#endif
