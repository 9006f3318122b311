/*
 * server.h - the response form server: `carepulse serve`. The only module
 * that includes microhttpd.h.
 *
 * GET /r/TOKEN renders the form, POST /r/TOKEN and POST /api/v1/responses
 * store a response, GET /healthz says the server is up. Requests run on a
 * pool of threads, each with its own database connection for reads. Every
 * submission that passes its checks goes to one writer thread that owns
 * the write connection and commits whatever has queued up together: one
 * BEGIN IMMEDIATE ... COMMIT per batch, a savepoint per submission so one
 * failing submission does not sink the others, and each waiting request
 * answered only after the COMMIT that made its response durable.
 *
 * Under /portal/ it serves the results portal (core/portal/portal.h):
 * its requests are answered on the request thread's own connection.
 *
 * The server never logs a token: an access line names the route
 * (/r/<redacted>, /portal/signin/<redacted>), never the path as given,
 * and never a cookie.
 */
#ifndef CP_SERVER_H
#define CP_SERVER_H

#include <stddef.h>

#include "error.h"

struct cp_server;
struct cp_portal_hooks;

struct cp_server_options {
	const char *db_path;
	const char *address;	  /* numeric IPv4 or IPv6; NULL: 127.0.0.1 */
	unsigned port;		  /* 0: any free port (see cp_server_port) */
	unsigned threads;	  /* request threads; 0: a default */
	unsigned timeout;	  /* seconds a connection may idle; 0: 30 */
	unsigned deadline;	  /* seconds a whole request may take to
				     arrive, headers and body; 0: 60 */
	unsigned max_connections; /* 0: 1000; when full, the connection
				     waiting longest for its request is
				     closed to serve a new one */
	unsigned per_ip;	  /* connections per client address; 0: none */
	size_t max_body;	  /* request body cap in bytes; 0: 256 KiB */
	/* Milliseconds a submission alone in its (wave, team) waits for
	 * another to share its commit (docs/anonymity.md); 0: 100;
	 * negative: never waits. */
	int mix_wait_ms;
	/* The results portal under /portal/ (core/portal): its links'
	 * base (NULL: this server's own address) and what cmd/ hands in
	 * for downloads and single sign-on (NULL: none). */
	const char *base_url;
	const struct cp_portal_hooks *portal;
	const char *tls_cert; /* PEM text; with tls_key, serve HTTPS */
	const char *tls_key;
	/* One line of the access or error log, without its newline; called
	 * from any thread. NULL: no log. */
	void (*log)(void *arg, const char *line);
	/* When set, log may buffer access lines until this is called: the
	 * server calls it after each message (errors, notices), after each
	 * committed batch (the lines of the requests answered before it),
	 * at least every 250 ms, and at stop. So a line may be lost only
	 * when the process is killed (SIGKILL) within that time of it. */
	void (*log_flush)(void *arg);
	void *log_arg;
};

/*
 * Opens the database, starts the writer and the listening threads, and
 * returns at once; *out is the caller's, stopped with cp_server_stop.
 * CP_EUSAGE for a bad address, CP_EUNAVAIL when the port cannot be bound.
 */
int cp_server_start(struct cp_server **out, const struct cp_server_options *o,
		    struct cp_error *err);

/* The port the server listens on (the one chosen for port 0). */
unsigned cp_server_port(const struct cp_server *s);

/*
 * Stops gracefully: no new connections; requests whose body is arriving
 * get up to the deadline to be queued; then submissions are refused
 * (503), the writer commits what is queued and every waiting connection
 * is answered; only then are the threads stopped and everything freed.
 * Call it from one thread, once; s may be NULL.
 */
void cp_server_stop(struct cp_server *s);

#endif
