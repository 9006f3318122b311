/*
 * server.c - the form server on libmicrohttpd (see server.h for the shape).
 *
 * Threading: MHD runs a pool of epoll threads; a request thread may block
 * on a read from SQLite (its own connection, opened on first use). A
 * submission that passes its checks is queued for the writer and its
 * connection suspended, so no request thread waits on a commit; the writer
 * resumes each connection after its batch's COMMIT and the handler, called
 * again, sends the page.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "answers.h"
#include "buf.h"
#include "config.h"
#include "form.h"
#include "i18n.h"
#include "json_load.h"
#include "lazy.h"
#include "links.h"
#include "mhd_lazy.h"
#include "portal.h"
#include "respond.h"
#include "store.h"
#include "survey.h"
#include "text.h"
#include "token.h"

#ifndef CP_MHD_SONAME
#define CP_MHD_SONAME "libmicrohttpd.so.12"
#endif

static struct cp_mhd_api mhd_fns;
static pthread_once_t mhd_fns_once = PTHREAD_ONCE_INIT;

static void mhd_fns_load(void)
{
	void *lib;

	cp_lazy_setup_begin();
	lib = cp_lazy_open(CP_MHD_SONAME);
#define CP_MHD_LOAD(f)                                                         \
	*(void **)&mhd_fns.p_##f = cp_lazy_sym(lib, CP_MHD_SONAME, #f);
	CP_MHD_FUNCTIONS(CP_MHD_LOAD)
#undef CP_MHD_LOAD
	cp_lazy_setup_end();
}

const struct cp_mhd_api *cp_mhd_api(void)
{
	(void)pthread_once(&mhd_fns_once, mhd_fns_load);
	return &mhd_fns;
}

#define DEFAULT_TIMEOUT	   30
#define DEFAULT_DEADLINE   60
#define DEFAULT_MAX_CONN   1000
#define DEFAULT_MAX_BODY   (256u * 1024u)
#define MAX_FIELDS	   512
#define MAX_NAME_BYTES	   128
#define MAX_FIELD_BYTES	   (64u * 1024u)
#define MAX_PAGE_BYTES	   (4u * 1024u * 1024u)
#define MAX_BATCH	   1024
#define MAX_SURVEYS	   256
#define MAX_READERS	   256
#define THREAD_CONNS	   125 /* per request thread: see thread_conns() */
#define ANSWER_WAIT_S	   10  /* at stop, for resumed connections' pages */
#define DISCARD_MAX	   (16u * 1024u * 1024u)
#define SAVEPOINT	   "submission"
#define DEFAULT_MIX_WAIT   100 /* ms a submission alone in its group waits */
#define IDLE_MS		   20  /* idle this long, the writer scrubs the WAL */
#define IDLE_CHECKPOINT_MS 50
#define COMMIT_WAIT_MS	   20 /* for readers, a checkpoint after a commit */
#define SCRUB_RETRY_MS	   100
#define MAX_THANKS	   64 /* thank-you pages kept: language x closing */
/* A connection's memory in libmicrohttpd (its default): the request line
 * and headers, the read buffer, the reply's headers. libmicrohttpd 0.9.75
 * zeroes it after every request of a kept-alive connection, so half of
 * it would save ~6% of a post's instructions (callgrind), but a browser
 * on a company domain can send 10-14 KiB of other sites' cookies, which
 * would then be refused. */
#define CONN_MEMORY (32u * 1024u)

enum route {
	ROUTE_OTHER,
	ROUTE_HEALTH,
	ROUTE_FORM,
	ROUTE_API,
	ROUTE_PORTAL,
	ROUTE_STOP, /* /u/TOKEN: one-click "no more reminders" */
};

enum phase {
	PHASE_NEW,
	PHASE_READING,
	PHASE_QUEUED, /* waiting for the writer, connection suspended */
	PHASE_DONE,   /* the writer has answered */
	PHASE_SENT,
};

enum outcome {
	OUT_STORED,
	OUT_UNKNOWN,
	OUT_USED,
	OUT_CLOSED,
	OUT_CANCELLED,
	OUT_FAILED,
	OUT_STOPPED, /* reminders stopped (ROUTE_STOP) */
	/* A post checked against its link in memory that the writer did
	 * not store (the entry was stale): done again from the store, on
	 * its request thread, as if it had just come. */
	OUT_RECHECK,
};

/* What the writer does to the links in memory after a commit. */
enum link_after {
	LINK_KEEP,
	LINK_USED, /* mark the post's link used */
	LINK_DROP, /* its wave's links are stale: drop them */
};

/*
 * Where a connection stands, for the deadline and for eviction when the
 * server is full. WAITING: no request yet, or its headers still arriving;
 * READING: headers in, the body arriving or being checked; QUEUED: the
 * submission is with the writer (suspended); ANSWERING: a response is
 * queued and being sent.
 */
enum conn_state {
	CONN_WAITING,
	CONN_READING,
	CONN_QUEUED,
	CONN_ANSWERING,
};

struct conn_entry {
	MHD_socket fd;
	struct timespec since; /* when the current request began */
	enum conn_state state;
	bool cut; /* shut down by us; MHD closes it next */
	struct conn_entry *prev, *next;
};

struct cached_survey {
	int64_t ref;
	struct cp_survey *survey;
};

/* A thank-you page as sent: it depends on the language and the wave's
 * closing time only, so each is rendered once, and its response (the
 * page and its headers) made once and queued for every post it
 * answers. */
struct cached_page {
	const struct cp_lang *lang;
	int64_t closes_at;
	char *html;
	size_t len;
	struct MHD_Response *response; /* NULL: sent by send_kept */
};

struct request {
	struct cp_server *srv;
	struct MHD_Connection *conn;
	enum route route;
	enum phase phase;
	char method[8];
	struct timespec start;
	struct conn_entry *entry; /* this connection's, NULL if untracked */
	bool reading;		  /* counted in cp_server.reading */
	bool was_queued; /* counted in cp_server.answering once resumed */
	unsigned status;
	size_t sent_bytes;
	struct cp_buf body;
	bool too_large;
	size_t discarded; /* bytes dropped past the cap */
	/* A checked submission, for the writer. */
	uint8_t hash[CP_SHA256_LEN];
	struct cp_answers answers;
	bool have_answers;
	bool stop; /* for the writer: stop reminders, store nothing */
	int64_t survey_ref;
	/* The language of its pages: chosen with ?lang=, else the person's
	 * from the roster, else the browser's, else the installation's. */
	const struct cp_lang *lang;
	bool lang_chosen;
	const struct cp_lang *first_lang; /* before its link was known */
	/* Checked against its link in memory (links.h), not the store;
	 * read_store: never (a post done again, OUT_RECHECK). */
	bool cached, read_store;
	enum link_after link_after; /* the writer's */
	struct cp_wave wave;	    /* the link's, for the thank-you page */
	enum outcome outcome;
	char portal_route[64]; /* what the access log names */
	/* Headers of a portal reply (cookies, a redirect, a download's
	 * name); they point into portal_reply. */
	struct {
		const char *name, *value;
	} headers[4];
	size_t nheaders;
	struct cp_portal_reply *portal_reply;
	struct request *next; /* in the writer's queue */
	/* The writer's: when queued, and the invitation the request
	 * thread found (its id and group). */
	struct timespec queued;
	bool grouped;
	bool peers_looked; /* whether another of its group could come */
	bool alone_for_good;
	struct cp_invitation found;
};

struct cp_server {
	struct cp_server_options opt;
	struct MHD_Daemon *daemon;
	struct cp_portal *portal;
	unsigned port;
	int threshold, comment_threshold;
	const struct cp_lang *default_lang; /* setting "language" */

	pthread_mutex_t lock;
	pthread_cond_t wake; /* the writer: work or stop */
	pthread_cond_t idle; /* cp_server_stop: a count below reached 0 */
	struct request *queue, **queue_tail;
	size_t inflight;  /* queued or being written */
	size_t reading;	  /* requests whose body is arriving or checked */
	size_t answering; /* resumed by the writer, page not yet sent */
	bool stopping;	  /* cp_server_stop has begun (atomic) */
	int refuse_new;	  /* atomic: new connections are closed at once */
	bool closing;	  /* submissions are refused from now on */
	bool stop_writer;
	pthread_t writer;
	bool writer_started;

	/* Every open connection, oldest first, under conn_lock; the
	 * watchdog cuts those past the deadline. */
	pthread_mutex_t conn_lock;
	pthread_cond_t watchdog_wake;
	struct conn_entry *conns_head, *conns_tail;
	size_t nconns; /* not cut */
	bool stop_watchdog;
	pthread_t watchdog;
	bool watchdog_started;
	struct cp_store *wstore; /* the writer's */
	/* The writer's alone: the WAL and its index after commits. */
	bool index_stale; /* the -shm lists the last batch's pages */
	struct timespec dirty_since;
	struct {
		size_t batches, deferred, left_dirty, alone_at_once;
		double longest_dirty_ms;
	} stats;

	/* Each request thread's read connection, kept to close at stop. */
	struct cp_store *readers[MAX_READERS];
	size_t nreaders;
	/* Pinned surveys never change, so one parse serves every request. */
	struct cached_survey surveys[MAX_SURVEYS];
	size_t nsurveys;
	/* Thank-you pages: added under page_lock, never changed once
	 * published; nthanks is read without the lock (acquire). */
	pthread_mutex_t page_lock;
	struct cached_page thanks[MAX_THANKS];
	size_t nthanks;
	/* The JSON API's {"status":"stored"}, made once (NULL: made per
	 * post). */
	struct MHD_Response *stored_json;
	/* Open waves' unanswered links, for form posts (links.h). */
	struct cp_links links;
	bool links_ready;
	size_t posts_in_memory; /* atomic: form posts checked there */
	size_t rechecked;	/* the writer's: OUT_RECHECK */
};

static _Thread_local struct cp_store *thread_store;
static _Thread_local struct cp_server *thread_store_owner;

static void logf_(struct cp_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Writes out what the log has buffered (cp_server_options.log_flush). */
static void log_flush(struct cp_server *s)
{
	if (s->opt.log && s->opt.log_flush)
		s->opt.log_flush(s->opt.log_arg);
}

/* One line to the log; a message (flush) is written at once, an access
 * line waits for log_flush (after the writer's batch, the watchdog's 250
 * ms, at stop), so that a busy server writes them once a batch, not once
 * a request. */
static void vlog(struct cp_server *s, bool flush, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void vlog(struct cp_server *s, bool flush, const char *fmt, va_list ap)
{
	char line[512];

	if (s->opt.log == NULL)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	s->opt.log(s->opt.log_arg, line);
	if (flush)
		log_flush(s);
}

static void logf_(struct cp_server *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* A message marked N_() in the log's one language (the operator's:
	 * cp_lang_set_errors), whatever the request's. */
	vlog(s, true, cp_gettext_error(fmt), ap);
	va_end(ap);
}

/* An access line (not marked N_(): written as it is). */
static void access_line(struct cp_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void access_line(struct cp_server *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(s, false, fmt, ap);
	va_end(ap);
}

static bool token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* The next path in p that carries a token: a form link "/r/", a "no
 * more reminders" link "/u/" or a portal sign-in link "/signin/"; its
 * prefix's length in *len. NULL when none. */
static char *token_path(char *p, size_t *len)
{
	static const char *const prefixes[] = {"/r/", "/u/", "/signin/"};
	char *best = NULL;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
		char *q = strstr(p, prefixes[i]);
		if (q && (best == NULL || q < best)) {
			best = q;
			*len = strlen(prefixes[i]);
		}
	}
	return best;
}

/* Cuts whatever follows those in a library message, in case it names a
 * path: no token may reach the log by any route. */
static void redact(char *line)
{
	static const char mark[] = "<redacted>";
	size_t plen = 0;
	char *p = line;

	while ((p = token_path(p, &plen)) != NULL) {
		char *t = p + plen, *e = t;
		size_t rest;
		while (token_char(*e))
			e++;
		if (e == t) {
			p = t;
			continue;
		}
		rest = strlen(e) + 1;
		if ((size_t)(e - t) >= sizeof(mark) - 1) {
			memcpy(t, mark, sizeof(mark) - 1);
			memmove(t + sizeof(mark) - 1, e, rest);
		} else {
			/* Shorter than the mark: blank it in place. */
			memset(t, '*', (size_t)(e - t));
		}
		p = t;
	}
}

/* libmicrohttpd's format and arguments: the attribute tells the
 * compiler (clang's -Wformat-nonliteral) that fmt is a printf format. */
static void mhd_logger(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
	struct cp_server *s = cls;
	char line[512];
	size_t n;

	if (s->opt.log == NULL)
		return;
	memcpy(line, "server: ", 8);
	vsnprintf(line + 8, sizeof(line) - 8, fmt, ap);
	redact(line);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	s->opt.log(s->opt.log_arg, line);
	log_flush(s);
}

/* This thread's read connection, opened on first use. */
static struct cp_store *reader(struct cp_server *s, struct cp_error *err)
{
	struct cp_store *st;
	int rc;

	if (thread_store && thread_store_owner == s)
		return thread_store;
	rc = cp_store_open(&st, s->opt.db_path, 0, err);
	if (rc)
		return NULL;
	pthread_mutex_lock(&s->lock);
	if (s->nreaders == MAX_READERS) {
		pthread_mutex_unlock(&s->lock);
		cp_store_close(st);
		cp_error_set(err, CP_ENOMEM, N_("too many request threads"));
		return NULL;
	}
	s->readers[s->nreaders++] = st;
	pthread_mutex_unlock(&s->lock);
	thread_store = st;
	thread_store_owner = s;
	return st;
}

/* The parsed survey of row ref, from the cache or the database. */
static const struct cp_survey *survey_get(struct cp_server *s,
					  struct cp_store *st, int64_t ref,
					  struct cp_error *err)
{
	struct cp_survey *sv = NULL;
	const struct cp_survey *found = NULL;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->nsurveys; i++)
		if (s->surveys[i].ref == ref)
			found = s->surveys[i].survey;
	pthread_mutex_unlock(&s->lock);
	if (found)
		return found;
	if (cp_survey_fetch(&sv, st, NULL, ref, err))
		return NULL;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->nsurveys && !found; i++)
		if (s->surveys[i].ref == ref)
			found = s->surveys[i].survey;
	if (!found && s->nsurveys < MAX_SURVEYS) {
		s->surveys[s->nsurveys].ref = ref;
		s->surveys[s->nsurveys].survey = sv;
		s->nsurveys++;
		found = sv;
		sv = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	cp_survey_free(sv);
	if (!found)
		cp_error_set(err, CP_ENOMEM, N_("too many surveys in use"));
	return found;
}

/* ---- connections: the deadline and eviction ---- */

static double seconds_since(const struct timespec *then,
			    const struct timespec *now)
{
	return (double)(now->tv_sec - then->tv_sec) +
	       (double)(now->tv_nsec - then->tv_nsec) / 1e9;
}

/* Sets the state of rq's connection; restart: its request begins now. */
static void conn_set(struct request *rq, enum conn_state state, bool restart)
{
	struct cp_server *s = rq->srv;

	if (rq->entry == NULL)
		return;
	pthread_mutex_lock(&s->conn_lock);
	rq->entry->state = state;
	if (restart)
		clock_gettime(CLOCK_MONOTONIC, &rq->entry->since);
	pthread_mutex_unlock(&s->conn_lock);
}

/*
 * Ends connection e from outside MHD: shutdown() makes its socket read as
 * closed, and MHD's own thread then closes and frees it. Called under
 * conn_lock, which MHD's close notification also takes before the socket
 * is closed, so the descriptor is still this connection's.
 */
static void cut_locked(struct cp_server *s, struct conn_entry *e)
{
	shutdown(e->fd, SHUT_RDWR);
	e->cut = true;
	s->nconns--;
}

/* The connection that has waited longest without a whole request (and
 * is not being answered): the one to close when the server is full. */
static struct conn_entry *oldest_waiting(struct cp_server *s,
					 const struct conn_entry *spare)
{
	struct conn_entry *reading = NULL;

	for (struct conn_entry *e = s->conns_head; e; e = e->next) {
		if (e->cut || e == spare)
			continue;
		if (e->state == CONN_WAITING)
			return e;
		if (e->state == CONN_READING && reading == NULL)
			reading = e;
	}
	return reading;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **ctx,
			  enum MHD_ConnectionNotificationCode code)
{
	struct cp_server *s = cls;
	struct conn_entry *e = *ctx;
	const union MHD_ConnectionInfo *info;
	bool evicted = false;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (e == NULL)
			return;
		pthread_mutex_lock(&s->conn_lock);
		if (!e->cut)
			s->nconns--;
		if (e->prev)
			e->prev->next = e->next;
		else
			s->conns_head = e->next;
		if (e->next)
			e->next->prev = e->prev;
		else
			s->conns_tail = e->prev;
		pthread_mutex_unlock(&s->conn_lock);
		free(e);
		*ctx = NULL;
		return;
	}
	info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (info == NULL || (e = calloc(1, sizeof(*e))) == NULL)
		return; /* untracked: MHD's idle timeout still applies */
	e->fd = info->connect_fd;
	e->state = CONN_WAITING;
	clock_gettime(CLOCK_MONOTONIC, &e->since);
	pthread_mutex_lock(&s->conn_lock);
	e->prev = s->conns_tail;
	if (s->conns_tail)
		s->conns_tail->next = e;
	else
		s->conns_head = e;
	s->conns_tail = e;
	s->nconns++;
	/* Full: the newcomer is served, and whoever has taken longest to
	 * send a request makes room (slow clients cannot starve others). */
	if (s->nconns > s->opt.max_connections) {
		struct conn_entry *old = oldest_waiting(s, e);
		if (old) {
			cut_locked(s, old);
			evicted = true;
		}
	}
	pthread_mutex_unlock(&s->conn_lock);
	*ctx = e;
	if (evicted)
		logf_(s,
		      "server: %u connections: closed the one waiting "
		      "longest for its request",
		      s->opt.max_connections);
}

/* Cuts every connection whose request has taken longer than the deadline
 * to arrive, headers and body, however steadily it trickles in. */
static void *watchdog_main(void *arg)
{
	struct cp_server *s = arg;

	pthread_mutex_lock(&s->conn_lock);
	while (!s->stop_watchdog) {
		struct timespec now, wake;
		unsigned cut = 0;

		clock_gettime(CLOCK_REALTIME, &wake);
		wake.tv_nsec += 250 * 1000000L;
		if (wake.tv_nsec >= 1000000000L) {
			wake.tv_sec++;
			wake.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->watchdog_wake, &s->conn_lock, &wake);
		/* Access lines of requests that came with no commit since
		 * (pages, errors) are written within this period. */
		pthread_mutex_unlock(&s->conn_lock);
		log_flush(s);
		pthread_mutex_lock(&s->conn_lock);
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (struct conn_entry *e = s->conns_head; e; e = e->next) {
			if (e->cut || (e->state != CONN_WAITING &&
				       e->state != CONN_READING))
				continue;
			if (seconds_since(&e->since, &now) >=
			    (double)s->opt.deadline) {
				cut_locked(s, e);
				cut++;
			}
		}
		if (cut) {
			pthread_mutex_unlock(&s->conn_lock);
			logf_(s,
			      "server: closed %u connection%s that took over "
			      "%u s to send a request",
			      cut, cut == 1 ? "" : "s", s->opt.deadline);
			pthread_mutex_lock(&s->conn_lock);
		}
	}
	pthread_mutex_unlock(&s->conn_lock);
	return NULL;
}

/* The request no longer counts as being read (answered or queued). */
static void reading_done(struct request *rq)
{
	struct cp_server *s = rq->srv;

	if (!rq->reading)
		return;
	rq->reading = false;
	pthread_mutex_lock(&s->lock);
	if (--s->reading == 0)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->lock);
}

/* ---- responses ---- */

static void add_common_headers(struct MHD_Response *r, bool html, bool portal)
{
	MHD_add_response_header(r, "Content-Security-Policy",
				!html	 ? "default-src 'none'; "
					   "frame-ancestors 'none'"
				: portal ? cp_portal_csp()
					 : cp_form_csp());
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
}

/* The headers every response of a route, type and language carries. */
static void add_headers(struct MHD_Response *r, enum route route,
			const struct cp_lang *lang, const char *type)
{
	add_common_headers(r, strncmp(type, "text/html", 9) == 0,
			   route == ROUTE_PORTAL);
	if (strncmp(type, "text/html", 9) == 0)
		MHD_add_response_header(r, "Content-Language",
					cp_lang_effective(lang)->code);
	MHD_add_response_header(r, "Content-Type", type);
}

/* Whether cp_server_stop has begun: then no response is shared (each
 * carries "Connection: close"). Written under the lock, read without
 * it: every response. */
static bool stopping(const struct cp_server *s)
{
	return __atomic_load_n(&s->stopping, __ATOMIC_ACQUIRE);
}

/* Queues r (made once, headers and all, and kept: not taken) for rq
 * with status; returns what MHD says. */
static enum MHD_Result send_shared(struct request *rq, unsigned status,
				   struct MHD_Response *r, size_t len)
{
	rq->status = status;
	rq->sent_bytes = len;
	rq->phase = PHASE_SENT;
	reading_done(rq);
	conn_set(rq, CONN_ANSWERING, false);
	return MHD_queue_response(rq->conn, status, r);
}

/* Sends the response r of len bytes with status (taking r); returns what
 * MHD says. */
static enum MHD_Result send_response(struct request *rq, unsigned status,
				     struct MHD_Response *r, size_t len,
				     const char *type, bool close_after)
{
	enum MHD_Result ret;

	add_headers(r, rq->route, rq->lang, type);
	if (stopping(rq->srv))
		close_after = true; /* no next request on this connection */
	if (close_after)
		MHD_add_response_header(r, "Connection", "close");
	if (status == 503)
		MHD_add_response_header(r, "Retry-After", "5");
	if (status == 405)
		MHD_add_response_header(r, "Allow",
					rq->route == ROUTE_HEALTH ? "GET, HEAD"
					: rq->route == ROUTE_API
					    ? "POST"
					    : "GET, HEAD, POST");
	for (size_t i = 0; i < rq->nheaders; i++)
		MHD_add_response_header(r, rq->headers[i].name,
					rq->headers[i].value);
	ret = send_shared(rq, status, r, len);
	MHD_destroy_response(r);
	return ret;
}

/* A response of len bytes (which outlive the server's connections)
 * with the headers of route, language and type, made to be queued many
 * times; NULL when it cannot be made. */
static struct MHD_Response *kept_response(enum route route,
					  const struct cp_lang *lang,
					  const char *data, size_t len,
					  const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, (void *)data, MHD_RESPMEM_PERSISTENT);

	if (r)
		add_headers(r, route, lang, type);
	return r;
}

/* Sends b (taking its memory) with status; returns what MHD says. */
static enum MHD_Result send_buf(struct request *rq, unsigned status,
				struct cp_buf *b, const char *type,
				bool close_after)
{
	size_t len = b->len;
	char *data = cp_buf_detach(b);
	struct MHD_Response *r;

	if (data == NULL)
		return MHD_NO;
	r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(data);
		return MHD_NO;
	}
	return send_response(rq, status, r, len, type, close_after);
}

/* Sends len bytes that outlive the server's connections (a cached
 * page, a constant) with status, without copying them. */
static enum MHD_Result send_kept(struct request *rq, unsigned status,
				 const char *data, size_t len, const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, (void *)data, MHD_RESPMEM_PERSISTENT);

	if (r == NULL)
		return MHD_NO;
	return send_response(rq, status, r, len, type, false);
}

/* A short page in the request's language; title and text are the
 * messages in English, translated here. */
static enum MHD_Result send_page(struct request *rq, unsigned status,
				 const char *title, const char *text,
				 bool close_after)
{
	struct cp_buf b;
	locale_t prev = cp_lang_use(rq->lang);
	int rc;

	cp_buf_init(&b, MAX_PAGE_BYTES);
	rc = cp_form_message(&b, rq->lang, _(title), _(text), NULL);
	cp_lang_end(prev);
	if (rc) {
		cp_buf_release(&b);
		return MHD_NO;
	}
	return send_buf(rq, status, &b, "text/html; charset=utf-8",
			close_after);
}

/* A JSON reply {"status": ..., "error": ..., "problems": [...]}. */
static enum MHD_Result send_json(struct request *rq, unsigned status,
				 json_t *obj, bool close_after)
{
	struct cp_buf b;
	char *text = cp_json_dumps(obj, JSON_COMPACT);

	json_decref(obj);
	if (text == NULL)
		return MHD_NO;
	cp_buf_init(&b, MAX_PAGE_BYTES);
	if (cp_buf_adds(&b, text, NULL) || cp_buf_addc(&b, '\n', NULL)) {
		free(text);
		cp_buf_release(&b);
		return MHD_NO;
	}
	free(text);
	return send_buf(rq, status, &b, "application/json", close_after);
}

static enum MHD_Result send_api_error(struct request *rq, unsigned status,
				      const char *code, const char *message)
{
	return send_json(
	    rq, status,
	    json_pack("{s:s, s:s}", "error", code, "message", message),
	    status == 413);
}

static const struct {
	unsigned status;
	const char *code;
	const char *title;
	const char *text;
} outcomes[] = {
    [OUT_STORED] = {200, "stored", N_("Thank you"),
		    N_("Your answers have been saved. You can close this page "
		       "now.")},
    [OUT_UNKNOWN] = {404, "unknown_link", N_("This link is not known"),
		     N_("Please check that the whole link from your invitation "
			"was opened. Nothing was saved.")},
    [OUT_USED] = {409, "already_answered",
		  N_("This link has already been used"),
		  N_("Answers were already sent with this link, and each link "
		     "can be used once. Nothing was changed.")},
    [OUT_CLOSED] = {410, "wave_closed", N_("This survey is not open"),
		    N_("The survey this link belongs to is not taking answers "
		       "now. Nothing was saved.")},
    [OUT_CANCELLED] = {410, "wave_cancelled", N_("This pulse was cancelled"),
		       N_("The pulse this link belongs to was cancelled: it "
			  "takes no answers, and any given to it were deleted. "
			  "Nothing was saved.")},
    [OUT_FAILED] =
	{503, "unavailable", N_("Your answers could not be saved"),
	 N_("Something went wrong on our side and nothing was saved. "
	    "Please try again in a minute.")},
    [OUT_STOPPED] = {200, "reminders_stopped", N_("No more reminders"),
		     N_("You will get no more reminders for this survey. "
			"Nothing else has changed.")},
};

/*
 * The thank-you page of rq's language and wave: rendered once per
 * language and closing time, then sent from the cache. NULL when it
 * could not be rendered (or the cache is full: then *fresh holds it).
 */
static const struct cached_page *thanks_page(struct request *rq,
					     struct cp_buf *fresh)
{
	struct cp_server *s = rq->srv;
	int64_t closes = rq->wave.closes_at;
	size_t n = __atomic_load_n(&s->nthanks, __ATOMIC_ACQUIRE);
	const struct cached_page *found = NULL;
	locale_t prev;
	int rc;

	for (size_t i = 0; i < n; i++)
		if (s->thanks[i].lang == rq->lang &&
		    s->thanks[i].closes_at == closes)
			return &s->thanks[i];
	prev = cp_lang_use(rq->lang);
	rc = cp_form_thanks(fresh, rq->lang, &rq->wave, NULL);
	cp_lang_end(prev);
	if (rc)
		return NULL;
	pthread_mutex_lock(&s->page_lock);
	n = s->nthanks;
	for (size_t i = 0; i < n && !found; i++)
		if (s->thanks[i].lang == rq->lang &&
		    s->thanks[i].closes_at == closes)
			found = &s->thanks[i];
	if (found == NULL && n < MAX_THANKS) {
		struct cached_page *pg = &s->thanks[n];
		pg->lang = rq->lang;
		pg->closes_at = closes;
		pg->len = fresh->len;
		pg->html = cp_buf_detach(fresh);
		if (pg->html) {
			/* Its headers depend on the route (a form's), the
			 * type and the language, all fixed here. */
			pg->response =
			    kept_response(rq->route, rq->lang, pg->html,
					  pg->len, "text/html; charset=utf-8");
			found = pg;
			__atomic_store_n(&s->nthanks, n + 1, __ATOMIC_RELEASE);
		}
	}
	pthread_mutex_unlock(&s->page_lock);
	return found;
}

static const char stored_json[] = "{\"status\":\"stored\"}\n";

static enum MHD_Result send_outcome(struct request *rq, enum outcome o)
{
	if (rq->route == ROUTE_API && o == OUT_STORED) {
		if (rq->srv->stored_json && !stopping(rq->srv))
			return send_shared(rq, 200, rq->srv->stored_json,
					   sizeof(stored_json) - 1);
		return send_kept(rq, 200, stored_json, sizeof(stored_json) - 1,
				 "application/json");
	}
	if (rq->route == ROUTE_API) {
		json_t *obj =
		    o == OUT_STORED
			? json_pack("{s:s}", "status", "stored")
			: json_pack("{s:s, s:s}", "error", outcomes[o].code,
				    "message", outcomes[o].text);
		return send_json(rq, outcomes[o].status, obj, false);
	}
	if (o == OUT_STORED) {
		struct cp_buf b;
		const struct cached_page *pg;
		cp_buf_init(&b, MAX_PAGE_BYTES);
		pg = thanks_page(rq, &b);
		if (pg) {
			cp_buf_release(&b);
			if (pg->response && !stopping(rq->srv))
				return send_shared(rq, 200, pg->response,
						   pg->len);
			return send_kept(rq, 200, pg->html, pg->len,
					 "text/html; charset=utf-8");
		}
		if (b.len == 0) {
			cp_buf_release(&b);
			return MHD_NO;
		}
		return send_buf(rq, 200, &b, "text/html; charset=utf-8", false);
	}
	return send_page(rq, outcomes[o].status, outcomes[o].title,
			 outcomes[o].text, false);
}

static enum outcome from_state(enum cp_link_state st)
{
	switch (st) {
	case CP_LINK_OPEN:
		return OUT_STORED;
	case CP_LINK_UNKNOWN:
		return OUT_UNKNOWN;
	case CP_LINK_USED:
		return OUT_USED;
	case CP_LINK_CLOSED:
		return OUT_CLOSED;
	case CP_LINK_CANCELLED:
		return OUT_CANCELLED;
	}
	return OUT_FAILED;
}

/* ---- the writer: group commit ---- */

/*
 * Whether the wave a post was checked against in memory (rq->wave, the
 * copy its links were loaded with) is the wave as the batch's
 * transaction reads it: *stands false when it was deleted, replaced (a
 * new wave that took its id) or changed since.
 */
static int cached_wave_stands(struct cp_server *s, const struct request *rq,
			      bool *stands, struct cp_error *err)
{
	const struct cp_wave *was = &rq->wave;
	struct cp_wave w;
	int rc = cp_store_wave_in_tx(s->wstore, rq->found.wave_id, &w, err);

	*stands = false;
	if (rc == CP_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	*stands = w.status == was->status && w.created_at == was->created_at &&
		  w.survey_ref == was->survey_ref &&
		  w.self_survey_ref == was->self_survey_ref &&
		  w.opens_at == was->opens_at && w.closes_at == was->closes_at;
	return 0;
}

static void write_batch(struct cp_server *s, struct request *batch)
{
	struct cp_error err;
	enum cp_link_state state;
	bool began, stands;

	began = cp_store_begin(s->wstore, &err) == 0;
	if (!began)
		logf_(s, N_("error: %s"), err.message);
	for (struct request *rq = batch; rq; rq = rq->next) {
		rq->outcome = OUT_FAILED;
		rq->link_after = LINK_KEEP;
		if (!began)
			continue;
		if (rq->cached && cached_wave_stands(s, rq, &stands, &err)) {
			logf_(s, N_("error: a submission was not stored: %s"),
			      err.message);
			continue;
		}
		if (rq->cached && !stands) {
			/* Parsed against a wave that is no more: nothing
			 * stored, done again from the store. */
			rq->outcome = OUT_RECHECK;
			rq->link_after = LINK_DROP;
			continue;
		}
		if (cp_store_savepoint(s->wstore, SAVEPOINT, &err)) {
			logf_(s, N_("error: %s"), err.message);
			continue;
		}
		/* A submission's invitation is marked by the id its
		 * request found, its hash checked in the same UPDATE. */
		if (rq->stop ? cp_link_stop_reminders(s->wstore, rq->hash,
						      &state, &err)
		    : rq->grouped
			? cp_link_store_found(s->wstore, &rq->found, rq->hash,
					      &rq->answers, rq->survey_ref,
					      &state, &err)
			: cp_link_store(s->wstore, rq->hash, &rq->answers,
					rq->survey_ref, &state, &err)) {
			logf_(s, N_("error: a submission was not stored: %s"),
			      err.message);
			cp_store_rollback_to(s->wstore, SAVEPOINT);
			continue;
		}
		if (cp_store_release(s->wstore, SAVEPOINT, &err)) {
			cp_store_rollback_to(s->wstore, SAVEPOINT);
			continue;
		}
		rq->outcome = from_state(state);
		/* Stopped whether or not it was answered: the page says
		 * nothing about that. */
		if (rq->stop && state != CP_LINK_UNKNOWN &&
		    state != CP_LINK_CANCELLED)
			rq->outcome = OUT_STOPPED;
		if (rq->stop || !rq->grouped)
			continue;
		/* The links in memory learn what the writer saw: a link
		 * used (now or before), or a wave or link they hold that
		 * is no longer open (closed, cancelled, deleted). */
		rq->link_after = state == CP_LINK_OPEN || state == CP_LINK_USED
				     ? LINK_USED
				     : LINK_DROP;
		/* Refused after a check in memory: its page is the one the
		 * store gives, so it is done again from there. */
		if (rq->cached && state != CP_LINK_OPEN)
			rq->outcome = OUT_RECHECK;
	}
	if (began && cp_store_commit(s->wstore, &err)) {
		logf_(s, N_("error: a batch was not committed: %s"),
		      err.message);
		/* What was to be done again wrote nothing: it still is. */
		for (struct request *rq = batch; rq; rq = rq->next)
			if (rq->outcome != OUT_RECHECK) {
				rq->outcome = OUT_FAILED;
				rq->link_after = LINK_KEEP;
			}
	}
}

/* After a commit, before its pages go: the links it used are marked in
 * memory (a second post with one is then read from the store, as
 * before), and the waves found stale are dropped. */
static void links_after(struct cp_server *s, struct request *batch)
{
	bool drop = false;

	cp_links_read_lock(&s->links);
	for (struct request *rq = batch; rq; rq = rq->next) {
		s->rechecked += rq->outcome == OUT_RECHECK;
		if (rq->link_after == LINK_USED)
			cp_links_mark_used(&s->links, rq->found.wave_id,
					   rq->hash);
		drop = drop || rq->link_after == LINK_DROP;
	}
	cp_links_read_unlock(&s->links);
	for (struct request *rq = batch; drop && rq; rq = rq->next)
		if (rq->link_after == LINK_DROP)
			cp_links_drop(&s->links, rq->found.wave_id);
}

/* Milliseconds from a to b (monotonic clock). */
static double ms_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static struct timespec ms_after(const struct timespec *t, unsigned ms)
{
	struct timespec r = *t;

	r.tv_sec += ms / 1000;
	r.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (r.tv_nsec >= 1000000000L) {
		r.tv_sec++;
		r.tv_nsec -= 1000000000L;
	}
	return r;
}

/* The (wave, team, kind) of a submission's invitation, as the request
 * thread found it (an invitation's wave, team and kind never change), so
 * the writer need not look it up again before its batch. Stopping
 * reminders stores no answer: nothing to mix it with (ungrouped). */
static void set_group(struct request *rq, const struct cp_invitation *inv)
{
	rq->grouped = true;
	rq->found.id = inv->id;
	rq->found.wave_id = inv->wave_id;
	rq->found.team_id = inv->team_id;
	rq->found.self = inv->self;
}

static bool same_group(const struct request *a, const struct request *b)
{
	return a->grouped && b->grouped &&
	       a->found.wave_id == b->found.wave_id &&
	       a->found.team_id == b->found.team_id &&
	       a->found.self == b->found.self;
}

/*
 * Whether no other answer of rq's group can come any more: every other
 * invitation of its group is answered (committed: the writer's batches
 * before this one are), and none of them is queued (the caller saw none).
 * Looked up once per submission; on an error it may still come.
 */
static bool alone_for_good(struct cp_server *s, struct request *rq)
{
	struct cp_error err;
	bool open = true;

	if (!rq->peers_looked) {
		rq->peers_looked = true;
		if (cp_store_invitation_group_open(
			s->wstore, rq->found.wave_id, rq->found.team_id,
			rq->found.self, rq->found.id, &open, &err))
			logf_(s, N_("error: %s"), err.message);
		rq->alone_for_good = !open;
	}
	return rq->alone_for_good;
}

/*
 * Moves from *pending into the returned batch every submission that may
 * be committed now; the rest stay in *pending. A commit pairs the answers
 * of a group with the invitations of that group it marks, in the WAL
 * until the checkpoint right after it, so a submission alone in its group
 * waits up to mix_wait for another of the same (wave, team, kind) to
 * share its commit (docs/anonymity.md); past that, or when stopping, it
 * goes alone. It goes at once when no other can come: every other
 * invitation of its group has been answered, so waiting could not give
 * it company. *next_due is when the first one left waiting is due.
 */
static struct request *pick_batch(struct cp_server *s, struct request **pending,
				  bool stopping, const struct timespec *now,
				  struct timespec *next_due, bool *waiting)
{
	struct request *batch = NULL, **btail = &batch, **pp = pending;

	*waiting = false;
	while (*pp) {
		struct request *rq = *pp, *o;
		bool go = stopping || !rq->grouped || s->opt.mix_wait_ms < 0 ||
			  ms_between(&rq->queued, now) >= s->opt.mix_wait_ms;
		for (o = *pending; !go && o; o = o->next)
			go = o != rq && same_group(o, rq);
		for (o = batch; !go && o; o = o->next)
			go = same_group(o, rq);
		if (!go && alone_for_good(s, rq)) {
			go = true;
			s->stats.alone_at_once++;
		}
		if (!go) {
			struct timespec due =
			    ms_after(&rq->queued, (unsigned)s->opt.mix_wait_ms);
			if (!*waiting || ms_between(&due, next_due) > 0)
				*next_due = due;
			*waiting = true;
			pp = &rq->next;
			continue;
		}
		*pp = rq->next;
		rq->next = NULL;
		*btail = rq;
		btail = &rq->next;
	}
	return batch;
}

/* Whether some (wave, team, kind) has one stored answer only in a
 * committed batch (a refused or failed submission stores none). */
static bool has_lone_group(const struct request *batch)
{
	for (const struct request *rq = batch; rq; rq = rq->next) {
		const struct request *o;
		if (!rq->grouped || rq->outcome != OUT_STORED)
			continue;
		for (o = batch; o; o = o->next)
			if (o != rq && o->outcome == OUT_STORED &&
			    same_group(o, rq))
				break;
		if (o == NULL)
			return true;
	}
	return false;
}

static bool queue_empty(struct cp_server *s)
{
	bool empty;

	pthread_mutex_lock(&s->lock);
	empty = s->queue == NULL;
	pthread_mutex_unlock(&s->lock);
	return empty;
}

/* Sends the pages of a committed batch: resumes each connection. The
 * counts change once per batch; a resumed connection counts as
 * answering before it is resumed and as in flight until all are. */
static void finish_batch(struct cp_server *s, struct request *batch)
{
	struct request *rq, *next;
	size_t n = 0;

	for (rq = batch; rq; rq = rq->next)
		n++;
	pthread_mutex_lock(&s->lock);
	s->answering += n;
	for (rq = batch; rq; rq = rq->next) {
		rq->phase = PHASE_DONE;
		rq->was_queued = true;
	}
	pthread_mutex_unlock(&s->lock);
	for (rq = batch; rq; rq = next) {
		next = rq->next;
		rq->next = NULL;
		MHD_resume_connection(rq->conn);
	}
	pthread_mutex_lock(&s->lock);
	s->inflight -= n;
	if (s->inflight == 0)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->lock);
}

/*
 * After a batch (docs/anonymity.md, "Under load"): the store leaves the
 * commit in the WAL (cp_store_defer_checkpoint). A commit in which some
 * group had a single answer pairs that answer with its invitation, so it
 * is checkpointed at once; so is any commit after which nothing is
 * queued. Under a burst the other commits, each holding two or more
 * answers of every group it stored, stay in the WAL until the writer
 * goes idle. When a reader kept a checkpoint from emptying the WAL it
 * stays dirty; counted, and retried while the writer is idle.
 */
/* The WAL was emptied: how long it had held answers, for the log. */
static void note_clean(struct cp_server *s)
{
	struct timespec now;
	double ms;

	if (s->dirty_since.tv_sec == 0 && s->dirty_since.tv_nsec == 0)
		return; /* left by an earlier process, not timed */
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = ms_between(&s->dirty_since, &now);
	if (ms > s->stats.longest_dirty_ms)
		s->stats.longest_dirty_ms = ms;
}

static void after_commit(struct cp_server *s, bool was_dirty, bool now)
{
	s->stats.batches++;
	if (!was_dirty)
		clock_gettime(CLOCK_MONOTONIC, &s->dirty_since);
	if (now && cp_store_wal_dirty(s->wstore) &&
	    cp_store_checkpoint(s->wstore, COMMIT_WAIT_MS, NULL))
		s->stats.left_dirty++;
	else if (!now && cp_store_wal_dirty(s->wstore))
		s->stats.deferred++;
	if (!cp_store_wal_dirty(s->wstore))
		note_clean(s);
	s->index_stale = true;
}

/* Idle: empty a WAL a reader held, then rewrite the -shm page list;
 * false when a reader or another writer was in the way. */
static bool idle_scrub(struct cp_server *s)
{
	if (cp_store_wal_dirty(s->wstore)) {
		if (cp_store_checkpoint(s->wstore, IDLE_CHECKPOINT_MS, NULL))
			return false;
		note_clean(s);
	}
	if (s->index_stale) {
		if (cp_store_wal_reset(s->wstore, IDLE_CHECKPOINT_MS, NULL))
			return false;
		s->index_stale = false;
	}
	return true;
}

/*
 * Commits a batch and sends its pages. more: another commit follows at
 * once (the batch's submissions alone in their group), so this one is not
 * the last before an idle moment.
 */
static void commit_batch(struct cp_server *s, struct request *batch, bool more)
{
	bool was_dirty = cp_store_wal_dirty(s->wstore), lone, idle;

	write_batch(s, batch);
	links_after(s, batch);
	lone = has_lone_group(batch);
	idle = !more && queue_empty(s);
	after_commit(s, was_dirty, lone || idle);
	/* A group alone in this commit: the -shm names the pages of its
	 * one answer and one invitation until the next commit. With
	 * nothing queued that may be a while: rewrite that list before
	 * anyone is told "thank you". Under load the next commit does. */
	if (lone && idle)
		idle_scrub(s);
	finish_batch(s, batch);
	/* The access lines of the batch before: one write a batch, not
	 * one a request. */
	log_flush(s);
}

/*
 * Takes out of *batch, in their order, the submissions alone in their
 * group in it, and returns them; the rest (groups of two or more, and
 * what stores no answer) stay in *batch.
 */
static struct request *split_alone(struct request **batch)
{
	struct request *alone = NULL, **atail = &alone, **pp = batch;

	while (*pp) {
		struct request *rq = *pp, *o;
		bool single = rq->grouped;
		for (o = *batch; single && o; o = o->next)
			single = o == rq || !same_group(o, rq);
		for (o = alone; single && o; o = o->next)
			single = !same_group(o, rq);
		if (!single) {
			pp = &rq->next;
			continue;
		}
		*pp = rq->next;
		rq->next = NULL;
		*atail = rq;
		atail = &rq->next;
	}
	return alone;
}

/*
 * The writer: takes what has queued, commits what may go now (group
 * commit; see pick_batch), sends their pages, and when idle keeps the WAL
 * and its index empty of earlier commits.
 */
static void *writer_main(void *arg)
{
	struct cp_server *s = arg;
	struct request *pending = NULL, **ptail;
	struct timespec now, due = {0, 0}, scrub_at = {0, 0};
	bool waiting = false;

	for (;;) {
		struct request *taken, *rq, *batch;
		bool stopping, timed_out = false;
		size_t n = 0;

		pthread_mutex_lock(&s->lock);
		while (s->queue == NULL && !s->stop_writer && !timed_out) {
			bool scrub =
			    cp_store_wal_dirty(s->wstore) || s->index_stale;
			struct timespec until, real;
			/* Stopping: a submission waiting for company is
			 * stored and answered now, not at the end of its
			 * mix wait (cp_server_stop). */
			if (waiting && s->stopping)
				break;
			if (!waiting && !scrub) {
				pthread_cond_wait(&s->wake, &s->lock);
				continue;
			}
			/* The nearer of: a waiting submission due, the
			 * next idle scrub. */
			until = waiting ? due : scrub_at;
			if (waiting && scrub &&
			    ms_between(&scrub_at, &until) > 0)
				until = scrub_at;
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (ms_between(&now, &until) <= 0) {
				timed_out = true;
				break;
			}
			/* The condition variable waits on CLOCK_REALTIME. */
			clock_gettime(CLOCK_REALTIME, &real);
			real = ms_after(&real,
					(unsigned)ms_between(&now, &until) + 1);
			if (pthread_cond_timedwait(&s->wake, &s->lock, &real) ==
			    ETIMEDOUT)
				timed_out = true;
		}
		stopping = s->stop_writer || s->stopping || s->closing;
		if (s->queue == NULL && pending == NULL && s->stop_writer) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		/* Take what has queued, up to a batch. */
		taken = s->queue;
		if (taken) {
			rq = taken;
			while (rq->next && ++n < MAX_BATCH)
				rq = rq->next;
			s->queue = rq->next;
			if (s->queue == NULL)
				s->queue_tail = &s->queue;
			rq->next = NULL;
		}
		pthread_mutex_unlock(&s->lock);

		for (ptail = &pending; *ptail; ptail = &(*ptail)->next)
			;
		*ptail = taken;
		clock_gettime(CLOCK_MONOTONIC, &now);
		batch = pick_batch(s, &pending, stopping, &now, &due, &waiting);
		if (batch) {
			/* The submissions alone in their group go in a
			 * commit of their own, after the others: theirs is
			 * checkpointed before its pages are sent, the others'
			 * pages need not wait for that. */
			struct request *alone = split_alone(&batch);
			if (batch)
				commit_batch(s, batch, alone != NULL);
			if (alone)
				commit_batch(s, alone, false);
			clock_gettime(CLOCK_MONOTONIC, &now);
			scrub_at = ms_after(&now, IDLE_MS);
		} else if (timed_out && ms_between(&scrub_at, &now) >= 0 &&
			   (cp_store_wal_dirty(s->wstore) || s->index_stale) &&
			   !idle_scrub(s)) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			scrub_at = ms_after(&now, SCRUB_RETRY_MS);
		}
	}
	idle_scrub(s);
	logf_(s,
	      "server: %zu batches committed; %zu left in the WAL for the "
	      "next idle moment (two or more answers of each group), %zu "
	      "more because a reader was in the way; the WAL held answers "
	      "for at most %.0f ms; %zu submissions alone in their group went "
	      "without waiting (every other link of the group was used)",
	      s->stats.batches, s->stats.deferred, s->stats.left_dirty,
	      s->stats.longest_dirty_ms, s->stats.alone_at_once);
	logf_(s,
	      "server: %zu form posts checked against their link in memory, "
	      "%zu of them done again from the store; %zu links in memory "
	      "at stop",
	      __atomic_load_n(&s->posts_in_memory, __ATOMIC_RELAXED),
	      s->rechecked, cp_links_count(&s->links));
	return NULL;
}

/* Hands a checked submission to the writer and suspends its connection;
 * false when the server is stopping. */
static bool enqueue(struct request *rq)
{
	struct cp_server *s = rq->srv;

	conn_set(rq, CONN_QUEUED, false);
	pthread_mutex_lock(&s->lock);
	if (s->closing) {
		pthread_mutex_unlock(&s->lock);
		conn_set(rq, CONN_READING, false);
		return false;
	}
	rq->phase = PHASE_QUEUED;
	rq->next = NULL;
	clock_gettime(CLOCK_MONOTONIC, &rq->queued);
	s->inflight++;
	if (rq->reading) {
		rq->reading = false;
		if (--s->reading == 0)
			pthread_cond_broadcast(&s->idle);
	}
	MHD_suspend_connection(rq->conn);
	*s->queue_tail = rq;
	s->queue_tail = &rq->next;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	return true;
}

/* ---- the form ---- */

static void thresholds(const struct cp_server *s, const struct cp_wave *w,
		       int *threshold, int *comment_threshold)
{
	/* Both set, so this reads no setting and cannot fail. */
	(void)cp_config_thresholds(
	    NULL, w->threshold ? w->threshold : s->threshold,
	    w->comment_threshold ? w->comment_threshold : s->comment_threshold,
	    threshold, comment_threshold, NULL);
}

static enum MHD_Result send_form(struct request *rq,
				 const struct cp_survey *survey,
				 const struct cp_wave *wave,
				 const struct cp_invitation *inv,
				 const struct cp_answers *entered)
{
	struct cp_form f = {0};
	struct cp_buf b;
	struct cp_error err;
	struct cp_store *st = reader(rq->srv, &err);
	char *team = NULL, *leaders = NULL;
	int rc;

	/* A team deleted since is only left unnamed. */
	if (st == NULL || ((rc = cp_store_team_about(st, inv->team_id, &team,
						     &leaders, &err)) &&
			   rc != CP_ENOTFOUND)) {
		logf_(rq->srv, N_("error: %s"), err.message);
		return send_outcome(rq, OUT_FAILED);
	}
	f.team = team;
	f.leaders = leaders;
	f.survey = survey;
	f.wave = wave;
	f.self = inv->self;
	f.entered = entered;
	f.lang = rq->lang;
	f.lang_chosen = rq->lang_chosen;
	thresholds(rq->srv, wave, &f.threshold, &f.comment_threshold);
	cp_buf_init(&b, MAX_PAGE_BYTES);
	locale_t prev = cp_lang_use(rq->lang);
	rc = cp_form_render(&b, &f, NULL);
	cp_lang_end(prev);
	free(team);
	free(leaders);
	if (rc) {
		cp_buf_release(&b);
		return send_outcome(rq, OUT_FAILED);
	}
	return send_buf(rq, entered ? 422 : 200, &b, "text/html; charset=utf-8",
			false);
}

/*
 * Finds where the link of hash stands and, when open, its survey. Sends
 * the page itself (and returns true) when there is nothing more to do.
 */
static bool link_page(struct request *rq, const uint8_t hash[CP_SHA256_LEN],
		      struct cp_invitation *inv, struct cp_wave *wave,
		      const struct cp_survey **survey, enum MHD_Result *ret)
{
	struct cp_error err;
	struct cp_store *st = reader(rq->srv, &err);
	enum cp_link_state state;

	if (st == NULL || cp_link_lookup(st, hash, inv, wave, &state, &err)) {
		logf_(rq->srv, N_("error: %s"), err.message);
		*ret = send_outcome(rq, OUT_FAILED);
		return true;
	}
	/* A deleted wave has no survey left to take the language from. */
	if (state != CP_LINK_UNKNOWN && wave->id != 0) {
		*survey = survey_get(rq->srv, st, cp_link_survey_ref(inv, wave),
				     &err);
		if (*survey == NULL) {
			logf_(rq->srv, N_("error: %s"), err.message);
			*ret = send_outcome(rq, OUT_FAILED);
			return true;
		}
		const struct cp_lang *own = cp_lang_find(inv->language);
		if (!rq->lang_chosen && own)
			rq->lang = own;
	}
	if (state != CP_LINK_OPEN) {
		*ret = send_outcome(rq, from_state(state));
		return true;
	}
	return false;
}

/* The token of a /r/TOKEN path hashed into hash; false when it cannot be
 * a token (the link is then unknown without asking the database). */
static bool token_hash(const char *url, uint8_t hash[CP_SHA256_LEN])
{
	const char *token = url + 3;

	if (!cp_token_well_formed(token))
		return false;
	cp_token_hash(token, hash);
	return true;
}

static enum MHD_Result form_get(struct request *rq, const char *url)
{
	struct cp_invitation inv;
	struct cp_wave wave;
	const struct cp_survey *survey = NULL;
	uint8_t hash[CP_SHA256_LEN];
	enum MHD_Result ret;

	if (!token_hash(url, hash))
		return send_outcome(rq, OUT_UNKNOWN);
	if (link_page(rq, hash, &inv, &wave, &survey, &ret))
		return ret;
	return send_form(rq, survey, &wave, &inv, NULL);
}

static bool parse_form(char *body, size_t len, struct cp_answers *a,
		       bool *nomem)
{
	size_t fields = 0;
	char *p = body, *end = body + len;

	*nomem = false;
	while (p < end) {
		char *amp = memchr(p, '&', (size_t)(end - p));
		char *stop = amp ? amp : end;
		char *eq = memchr(p, '=', (size_t)(stop - p));
		size_t nlen, vlen;
		struct cp_error err;

		*stop = '\0';
		if (stop > p) {
			if (++fields > MAX_FIELDS)
				return false;
			char *name = p, *value = eq ? eq + 1 : stop;
			if (eq)
				*eq = '\0';
			nlen = cp_url_decode(name, strlen(name));
			vlen = cp_url_decode(value, (size_t)(stop - value));
			if (nlen > MAX_NAME_BYTES || vlen > MAX_FIELD_BYTES)
				return false;
			if (nlen == strlen(name) &&
			    cp_answers_set(a, name, value, vlen, &err) ==
				CP_ENOMEM) {
				*nomem = true;
				return false;
			}
		}
		p = stop + 1;
	}
	return true;
}

static bool content_type_is(struct MHD_Connection *c, const char *want)
{
	const char *ct =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	size_t n = strlen(want);

	return ct && strncasecmp(ct, want, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/*
 * Loads the unanswered links of wave (open: a post to it was just
 * queued) into memory unless they are there, being loaded or over the
 * limit (links.h). On this request thread, after its post was queued: its
 * other connections wait for it, once per wave. A failure is logged and
 * keeps nothing: posts read the store as before.
 */
static void load_links(struct cp_server *s, const struct cp_wave *wave)
{
	const struct cp_survey *survey = NULL, *self = NULL;
	struct cp_store *st;
	struct cp_error err;
	uint64_t epoch;

	if (!s->links_ready || !cp_links_claim(&s->links, wave->id, &epoch))
		return;
	st = reader(s, &err);
	if (st)
		survey = survey_get(s, st, wave->survey_ref, &err);
	if (survey && wave->self_survey_ref)
		self = survey_get(s, st, wave->self_survey_ref, &err);
	if (survey == NULL || (wave->self_survey_ref && self == NULL)) {
		cp_links_abandon(&s->links, wave->id);
		logf_(s, N_("error: %s"), err.message);
		return;
	}
	if (cp_links_load(&s->links, st, wave, survey, self, epoch, &err))
		logf_(s, N_("error: %s"), err.message);
}

/* Bodies up to this size are parsed from a copy on the stack. */
#define COPY_ON_STACK 4096

/*
 * A form post whose link is in memory (links.h) and open by its wave's
 * copy: its answers are parsed and checked against that, without a read
 * transaction, and queued; the writer decides, and a post it does not
 * store is done again from the store (OUT_RECHECK). False, with nothing
 * sent and rq as it came, when the link is not there or not open now, or
 * when the answers do not pass: the caller then does it all from the
 * store, as before, and shows what the store says (the form again with
 * its problems, or the link's page) from the body as sent, which is
 * parsed here from a copy.
 */
static bool cached_post(struct request *rq, enum MHD_Result *ret)
{
	struct cp_server *s = rq->srv;
	struct cp_link_hit hit;
	struct cp_error err;
	char stack[COPY_ON_STACK], *copy = stack;
	size_t len = rq->body.len;
	bool nomem, ok;

	if (!s->links_ready || !cp_links_find(&s->links, rq->hash, &hit) ||
	    !cp_wave_is_open(&hit.wave, cp_store_clock()))
		return false;
	if (len >= sizeof(stack) && (copy = malloc(len + 1)) == NULL)
		return false;
	if (len)
		memcpy(copy, rq->body.data, len);
	copy[len] = '\0';
	ok = cp_answers_init(&rq->answers, hit.survey, &err) == 0;
	if (ok) {
		ok = parse_form(copy, len, &rq->answers, &nomem) &&
		     cp_answers_check(&rq->answers) == 0;
		if (!ok)
			cp_answers_release(&rq->answers);
	}
	if (copy != stack)
		free(copy);
	if (!ok)
		return false;
	rq->have_answers = true;
	if (!rq->lang_chosen && hit.lang)
		rq->lang = hit.lang;
	rq->survey_ref = cp_link_survey_ref(&hit.inv, &hit.wave);
	rq->wave = hit.wave;
	set_group(rq, &hit.inv);
	rq->cached = true;
	__atomic_add_fetch(&s->posts_in_memory, 1, __ATOMIC_RELAXED);
	*ret = enqueue(rq) ? MHD_YES : send_outcome(rq, OUT_FAILED);
	return true;
}

static enum MHD_Result form_post(struct request *rq, const char *url)
{
	struct cp_invitation inv;
	struct cp_wave wave;
	const struct cp_survey *survey = NULL;
	enum MHD_Result ret;
	struct cp_error err;
	bool nomem;

	if (!token_hash(url, rq->hash))
		return send_outcome(rq, OUT_UNKNOWN);
	if (!content_type_is(rq->conn, "application/x-www-form-urlencoded"))
		return send_page(rq, 415, N_("This form could not be read"),
				 N_("The answers were not sent as a form. "
				    "Nothing was saved."),
				 false);
	if (!rq->read_store && cached_post(rq, &ret))
		return ret;
	if (link_page(rq, rq->hash, &inv, &wave, &survey, &ret))
		return ret;
	if (cp_answers_init(&rq->answers, survey, &err))
		return send_outcome(rq, OUT_FAILED);
	rq->have_answers = true;
	if (rq->body.len == 0)
		cp_buf_adds(&rq->body, "", NULL);
	if (!parse_form(rq->body.data ? rq->body.data : (char *)"",
			rq->body.len, &rq->answers, &nomem))
		return nomem ? send_outcome(rq, OUT_FAILED)
			     : send_page(rq, 413, N_("Too many answers"),
					 N_("The form sent more than this "
					    "survey asks. Nothing was saved."),
					 true);
	if (cp_answers_check(&rq->answers))
		return send_form(rq, survey, &wave, &inv, &rq->answers);
	rq->survey_ref = cp_link_survey_ref(&inv, &wave);
	rq->wave = wave;
	set_group(rq, &inv);
	if (!enqueue(rq))
		return send_outcome(rq, OUT_FAILED);
	/* rq is the writer's now; wave is this call's copy. */
	load_links(rq->srv, &wave);
	return MHD_YES;
}

/*
 * A post the writer did not store after a check in memory (OUT_RECHECK):
 * done again from the start, from the store, as if it had just come
 * (its page, or its queueing, are then those of a post that never met
 * the links in memory). It no longer counts as being answered.
 */
static enum MHD_Result recheck(struct request *rq, const char *url)
{
	struct cp_server *s = rq->srv;

	pthread_mutex_lock(&s->lock);
	rq->was_queued = false;
	if (--s->answering == 0)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->lock);
	if (rq->have_answers) {
		cp_answers_release(&rq->answers);
		rq->have_answers = false;
	}
	rq->phase = PHASE_READING;
	rq->cached = false;
	rq->read_store = true;
	rq->grouped = false;
	rq->peers_looked = false;
	rq->alone_for_good = false;
	rq->lang = rq->first_lang;
	return form_post(rq, url);
}

/* ---- the JSON API ---- */

static json_t *problem(const char *field, const char *message)
{
	return json_pack("{s:s, s:s}", "field", field, "message", message);
}

/* Adds a problem the answers decoder found to the JSON list arg. */
static void api_problem(void *arg, const char *field, const char *message)
{
	json_array_append_new(arg, problem(field, message));
}

static void answer_problems(const struct cp_answers *a, json_t *list)
{
	const struct cp_survey *s = a->survey;
	char field[160];

	for (size_t i = 0; i < s->nitems; i++) {
		if (a->item_problem[i] == CP_FIELD_OK)
			continue;
		snprintf(field, sizeof(field), "answers.%s", s->items[i].id);
		json_array_append_new(
		    list,
		    problem(field, cp_field_problem_text(a->item_problem[i])));
	}
	for (size_t q = 0; q < s->nquestions; q++) {
		if (a->question_problem[q] == CP_FIELD_OK)
			continue;
		snprintf(field, sizeof(field), "comments.%s",
			 s->questions[q].id);
		json_array_append_new(
		    list, problem(field, cp_field_problem_text(
					     a->question_problem[q])));
	}
}

static enum MHD_Result api_post(struct request *rq)
{
	struct cp_invitation inv;
	struct cp_wave wave;
	const struct cp_survey *survey = NULL;
	json_error_t jerr;
	json_t *doc, *token, *answers, *comments, *value, *list;
	const char *key;
	enum MHD_Result ret;
	struct cp_error err;
	char field[160];
	bool oom;

	if (!content_type_is(rq->conn, "application/json"))
		return send_api_error(rq, 415, "unsupported_media_type",
				      "send application/json");
	doc = cp_json_loadb(rq->body.data ? rq->body.data : "", rq->body.len,
			    JSON_REJECT_DUPLICATES, &jerr, &oom);
	if (oom)
		return send_api_error(rq, 503, "unavailable",
				      "out of memory; try again");
	if (doc == NULL) {
		snprintf(field, sizeof(field), "line %d, column %d: %s",
			 jerr.line, jerr.column, jerr.text);
		return send_api_error(rq, 400, "bad_json", field);
	}
	token = json_object_get(doc, "token");
	answers = json_object_get(doc, "answers");
	comments = json_object_get(doc, "comments");
	list = json_array();
	if (!json_is_object(doc))
		json_array_append_new(list, problem("", "expected an object"));
	if (!json_is_string(token))
		json_array_append_new(list,
				      problem("token", "expected a string"));
	if (!json_is_object(answers))
		json_array_append_new(list,
				      problem("answers", "expected an object"));
	if (comments && !json_is_object(comments) && !json_is_null(comments))
		json_array_append_new(
		    list, problem("comments", "expected an object"));
	json_object_foreach (doc, key, value) {
		if (strcmp(key, "token") && strcmp(key, "answers") &&
		    strcmp(key, "comments")) {
			snprintf(field, sizeof(field), "%.100s", key);
			json_array_append_new(list,
					      problem(field, "unknown field"));
		}
	}
	if (json_array_size(list)) {
		json_decref(doc);
		return send_json(rq, 400,
				 json_pack("{s:s, s:s, s:o}", "error",
					   "bad_request", "message",
					   "the request is not well formed",
					   "problems", list),
				 false);
	}
	if (!cp_token_well_formed(json_string_value(token))) {
		json_decref(doc);
		json_decref(list);
		return send_outcome(rq, OUT_UNKNOWN);
	}
	cp_token_hash(json_string_value(token), rq->hash);
	if (link_page(rq, rq->hash, &inv, &wave, &survey, &ret)) {
		json_decref(doc);
		json_decref(list);
		return ret;
	}
	if (cp_answers_init(&rq->answers, survey, &err)) {
		json_decref(doc);
		json_decref(list);
		return send_outcome(rq, OUT_FAILED);
	}
	rq->have_answers = true;
	if (cp_answers_decode_json(&rq->answers, answers, comments, api_problem,
				   list, &err)) {
		json_decref(doc);
		json_decref(list);
		return send_outcome(rq, OUT_FAILED);
	}
	json_decref(doc);
	cp_answers_check(&rq->answers);
	answer_problems(&rq->answers, list);
	if (json_array_size(list))
		return send_json(rq, 422,
				 json_pack("{s:s, s:s, s:o}", "error",
					   "invalid_answers", "message",
					   "some answers need another look",
					   "problems", list),
				 false);
	json_decref(list);
	rq->survey_ref = cp_link_survey_ref(&inv, &wave);
	set_group(rq, &inv);
	if (!enqueue(rq))
		return send_outcome(rq, OUT_FAILED);
	return MHD_YES;
}

/* ---- the results portal (core/portal) ---- */

static const char *portal_query(const struct cp_portal_request *prq,
				const char *name)
{
	return MHD_lookup_connection_value(prq->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

/* The client's address as text, for the portal's per-client limits. */
static void client_text(struct MHD_Connection *conn, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	cp_strlcpy(out, "unknown", n);
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  out, (socklen_t)n);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)n);
}

/* The portal's own page for a failure on our side (status 500 or 503). */
static enum MHD_Result portal_failure(struct request *rq, unsigned status)
{
	struct cp_buf b;

	locale_t prev;
	int rc;

	cp_buf_init(&b, MAX_PAGE_BYTES);
	/* In the request's language, as every portal page. */
	prev = cp_lang_use(rq->lang);
	rc = cp_portal_failure_page(&b, NULL);
	cp_lang_end(prev);
	if (rc) {
		cp_buf_release(&b);
		return MHD_NO;
	}
	return send_buf(rq, status, &b, "text/html; charset=utf-8", false);
}

/* Answers a portal request (GET, HEAD, or POST with its whole body) on
 * this thread's connection: the portal decides everything (portal.h). */
static enum MHD_Result portal_answer(struct request *rq, const char *url)
{
	struct cp_server *s = rq->srv;
	struct cp_portal_request prq = {0};
	struct cp_portal_reply *reply;
	struct cp_error err;
	struct cp_store *st;
	char client[INET6_ADDRSTRLEN + 1];
	struct cp_buf b;
	locale_t prev;
	int rc;

	if (strcmp(rq->method, "POST") == 0 &&
	    !content_type_is(rq->conn, "application/x-www-form-urlencoded"))
		return send_page(rq, 415, N_("This form could not be read"),
				 N_("The answers were not sent as a form. "
				    "Nothing was saved."),
				 false);
	reply = __atomic_load_n(&s->portal, __ATOMIC_ACQUIRE)
		    ? calloc(1, sizeof(*reply))
		    : NULL;
	st = reply ? reader(s, &err) : NULL;
	if (st == NULL) {
		if (reply)
			logf_(s, N_("error: %s"), err.message);
		free(reply);
		return portal_failure(rq, 503);
	}
	rq->portal_reply = reply;
	cp_portal_reply_init(reply);
	client_text(rq->conn, client, sizeof(client));
	if (rq->body.len == 0)
		cp_buf_adds(&rq->body, "", NULL);
	prq.method = rq->method;
	prq.path = url;
	prq.sid = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND,
					      CP_PORTAL_COOKIE);
	prq.pre = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND,
					      CP_PORTAL_PRE_COOKIE);
	prq.client = client;
	prq.body = rq->body.data ? rq->body.data : "";
	prq.body_len = rq->body.len;
	/* Secure cookies over TLS, here or at a proxy in front (https
	 * base_url). */
	prq.tls = s->opt.tls_cert != NULL ||
		  (s->opt.base_url &&
		   strncasecmp(s->opt.base_url, "https://", 8) == 0);
	prq.now = cp_store_now();
	prq.query = portal_query;
	prq.conn = rq->conn;
	/* The portal's pages speak the request's language: ?lang=, else
	 * Accept-Language, else the setting "language" (choose_lang). A
	 * viewer has no roster language of their own here. */
	prev = cp_lang_use(rq->lang);
	rc = cp_portal_handle(s->portal, st, &prq, reply, &err);
	cp_lang_end(prev);
	cp_strlcpy(rq->portal_route, reply->route, sizeof(rq->portal_route));
	if (rc) {
		logf_(s, N_("error: %s"), err.message);
		return portal_failure(rq, 500);
	}
	if (reply->location[0]) {
		rq->headers[rq->nheaders].name = "Location";
		rq->headers[rq->nheaders++].value = reply->location;
	}
	for (int i = 0; i < 2; i++)
		if (reply->cookie[i][0]) {
			rq->headers[rq->nheaders].name = "Set-Cookie";
			rq->headers[rq->nheaders++].value = reply->cookie[i];
		}
	if (reply->disposition[0]) {
		rq->headers[rq->nheaders].name = "Content-Disposition";
		rq->headers[rq->nheaders++].value = reply->disposition;
	}
	b = reply->body;
	cp_buf_init(&reply->body, 0);
	return send_buf(rq, reply->status, &b, reply->type, false);
}

/* ---- one-click "no more reminders" (RFC 8058) ---- */

/*
 * GET shows what a POST would do and a button for it: mail scanners open
 * links, so a GET changes nothing. An unknown link is one page, every
 * known one (open, answered or closed) the same other page.
 */
static enum MHD_Result stop_get(struct request *rq, const char *url)
{
	uint8_t hash[CP_SHA256_LEN];
	struct cp_buf b;
	locale_t prev;
	int rc;

	if (!token_hash(url, hash))
		return send_outcome(rq, OUT_UNKNOWN);
	cp_buf_init(&b, MAX_PAGE_BYTES);
	/* The same page for every link: in the browser's language. */
	prev = cp_lang_use(rq->lang);
	rc = cp_form_stop_page(&b, rq->lang, NULL);
	cp_lang_end(prev);
	if (rc) {
		cp_buf_release(&b);
		return send_outcome(rq, OUT_FAILED);
	}
	return send_buf(rq, 200, &b, "text/html; charset=utf-8", false);
}

/*
 * The POST of RFC 8058 (List-Unsubscribe=One-Click, from a mail program,
 * or the button above). It carries no CSRF token, by the RFC: the token in
 * the path is what authenticates it, and all it can do is stop that one
 * invitation's reminders. Through the writer, like a submission.
 */
static enum MHD_Result stop_post(struct request *rq, const char *url)
{
	if (!token_hash(url, rq->hash))
		return send_outcome(rq, OUT_UNKNOWN);
	rq->stop = true;
	if (!enqueue(rq))
		return send_outcome(rq, OUT_FAILED);
	return MHD_YES;
}

/* ---- dispatch ---- */

static enum route route_of(const char *url)
{
	if (strcmp(url, "/healthz") == 0)
		return ROUTE_HEALTH;
	if (strncmp(url, "/r/", 3) == 0)
		return ROUTE_FORM;
	if (strncmp(url, "/u/", 3) == 0)
		return ROUTE_STOP;
	if (strcmp(url, "/api/v1/responses") == 0)
		return ROUTE_API;
	if (cp_portal_path(url))
		return ROUTE_PORTAL;
	return ROUTE_OTHER;
}

static const char *route_name(const struct request *rq)
{
	switch (rq->route) {
	case ROUTE_PORTAL:
		/* The portal names its route, never a token (portal.h). */
		return rq->portal_route[0] ? rq->portal_route
					   : "/portal/<other>";
	case ROUTE_HEALTH:
		return "/healthz";
	case ROUTE_FORM:
		return "/r/<redacted>";
	case ROUTE_API:
		return "/api/v1/responses";
	case ROUTE_STOP:
		return "/u/<redacted>";
	case ROUTE_OTHER:
		break;
	}
	return "<other>";
}

static enum MHD_Result send_too_large(struct request *rq)
{
	if (rq->route == ROUTE_API)
		return send_api_error(rq, 413, "too_large",
				      "the request body is too large");
	return send_page(rq, 413, N_("Too much was sent"),
			 N_("The form sent more than this server accepts. "
			    "Nothing was saved."),
			 true);
}

static bool takes_body(const struct request *rq)
{
	return strcmp(rq->method, "POST") == 0 &&
	       (rq->route == ROUTE_FORM || rq->route == ROUTE_API ||
		rq->route == ROUTE_PORTAL || rq->route == ROUTE_STOP);
}

/* What the headers say about the body's length, for first_call. */
struct framing {
	const char *length; /* the first Content-Length */
	unsigned lengths, encodings;
	bool conflict; /* two Content-Lengths that differ */
	bool unknown;  /* a Transfer-Encoding other than chunked */
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind,
				     const char *key, const char *value)
{
	struct framing *f = cls;

	(void)kind;
	if (strcasecmp(key, "Content-Length") == 0) {
		if (f->lengths++ && strcmp(f->length, value) != 0)
			f->conflict = true;
		if (f->length == NULL)
			f->length = value;
	} else if (strcasecmp(key, "Transfer-Encoding") == 0) {
		f->encodings++;
		if (strcasecmp(value, "chunked") != 0)
			f->unknown = true;
	}
	return MHD_YES;
}

static enum MHD_Result send_bad_request(struct request *rq, const char *why)
{
	if (rq->route == ROUTE_API)
		return send_api_error(rq, 400, "bad_request", why);
	return send_page(rq, 400, N_("This request could not be read"), why,
			 true);
}

/*
 * The first call, headers in and no byte of a body read yet. Everything
 * refused is refused here: MHD closes the connection after an answer
 * queued now, so a body sent with it is never read (nor taken for a next
 * request). Ambiguous framing is refused outright, since a proxy in
 * front may have read the body's length differently (request smuggling).
 */
static enum MHD_Result first_call(struct request *rq)
{
	struct framing f = {0};
	bool get =
	    strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0;
	bool post = strcmp(rq->method, "POST") == 0;
	unsigned long long n;
	char *end;

	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, count_framing, &f);
	if (f.conflict)
		return send_bad_request(rq, N_("The request has two different "
					       "Content-Length headers."));
	if (f.lengths && f.encodings)
		return send_bad_request(rq, N_("The request has both "
					       "Content-Length and "
					       "Transfer-Encoding."));
	if (f.encodings > 1 || f.unknown)
		return send_bad_request(rq, N_("The only Transfer-Encoding "
					       "taken is chunked."));
	if (rq->route == ROUTE_OTHER)
		return send_page(rq, 404, N_("Not found"),
				 N_("There is nothing at this address."), true);
	if ((rq->route == ROUTE_HEALTH && !get) ||
	    ((rq->route == ROUTE_FORM || rq->route == ROUTE_PORTAL ||
	      rq->route == ROUTE_STOP) &&
	     !get && !post) ||
	    (rq->route == ROUTE_API && !post))
		return send_page(rq, 405, N_("Not allowed"),
				 N_("This address does not take that method."),
				 true);
	if (post && f.length) {
		/* A body over the cap is refused before it is read. */
		errno = 0;
		n = strtoull(f.length, &end, 10);
		if (errno || end == f.length || *end ||
		    n > rq->srv->opt.max_body)
			return send_too_large(rq);
	}
	return MHD_YES;
}

/* The second call, for a request that takes no body: answered now. */
static enum MHD_Result handle_get(struct request *rq, const char *url)
{
	if (rq->route == ROUTE_HEALTH) {
		struct cp_buf b;
		cp_buf_init(&b, 64);
		cp_buf_adds(&b, "ok\n", NULL);
		return send_buf(rq, 200, &b, "text/plain; charset=utf-8",
				false);
	}
	if (rq->route == ROUTE_PORTAL)
		return portal_answer(rq, url);
	if (rq->route == ROUTE_STOP)
		return stop_get(rq, url);
	return form_get(rq, url);
}

/*
 * The request's language before its link is known: ?lang= (the language
 * switch) when it names a language carepulse ships, else the browser's
 * Accept-Language, else the installation's. link_page then puts the
 * person's own from the roster before the last two.
 */
static void choose_lang(struct request *rq)
{
	const char *q = MHD_lookup_connection_value(
	    rq->conn, MHD_GET_ARGUMENT_KIND, "lang");
	const struct cp_lang *l = cp_lang_find(q);

	if (l && cp_lang_check(q, NULL) == 0) {
		rq->lang = l;
		rq->first_lang = l;
		rq->lang_chosen = true;
		return;
	}
	l = cp_lang_accept(MHD_lookup_connection_value(
	    rq->conn, MHD_HEADER_KIND, "Accept-Language"));
	rq->lang = l ? l : rq->srv->default_lang;
	rq->first_lang = rq->lang;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct cp_server *s = cls;
	struct request *rq = *con_cls;
	const union MHD_ConnectionInfo *ci;

	(void)version;
	if (rq == NULL) {
		rq = calloc(1, sizeof(*rq));
		if (rq == NULL)
			return MHD_NO;
		rq->srv = s;
		rq->conn = conn;
		rq->route = route_of(url);
		cp_strlcpy(rq->method, method, sizeof(rq->method));
		clock_gettime(CLOCK_MONOTONIC, &rq->start);
		cp_buf_init(&rq->body, s->opt.max_body);
		*con_cls = rq;
		ci = MHD_get_connection_info(
		    conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		rq->entry = ci ? ci->socket_context : NULL;
		choose_lang(rq);
		conn_set(rq, CONN_READING, false);
		pthread_mutex_lock(&s->lock);
		s->reading++;
		rq->reading = true;
		pthread_mutex_unlock(&s->lock);
		return first_call(rq);
	}
	if (rq->phase == PHASE_NEW) {
		if (!takes_body(rq)) {
			/* A body sent with a GET is read and dropped. */
			if (*upload_size) {
				rq->discarded += *upload_size;
				*upload_size = 0;
				return rq->discarded > DISCARD_MAX ? MHD_NO
								   : MHD_YES;
			}
			return handle_get(rq, url);
		}
		/* this same call may carry the first bytes of the body */
		rq->phase = PHASE_READING;
	}
	switch (rq->phase) {
	case PHASE_NEW:
		return MHD_NO;
	case PHASE_READING:
		if (*upload_size) {
			/*
			 * Past the cap while streaming (no Content-Length):
			 * MHD cannot answer before the body ends, so the rest
			 * is read and dropped, up to DISCARD_MAX, and then
			 * the connection is cut.
			 */
			if (rq->too_large) {
				rq->discarded += *upload_size;
				*upload_size = 0;
				return rq->discarded > DISCARD_MAX ? MHD_NO
								   : MHD_YES;
			}
			if (cp_buf_add(&rq->body, upload, *upload_size, NULL)) {
				rq->too_large = true;
				cp_buf_release(&rq->body);
			}
			*upload_size = 0;
			return MHD_YES;
		}
		if (rq->too_large)
			return send_too_large(rq);
		if (rq->route == ROUTE_PORTAL)
			return portal_answer(rq, url);
		return rq->route == ROUTE_API	 ? api_post(rq)
		       : rq->route == ROUTE_STOP ? stop_post(rq, url)
						 : form_post(rq, url);
	case PHASE_DONE:
		if (rq->outcome == OUT_RECHECK)
			return recheck(rq, url);
		return send_outcome(rq, rq->outcome);
	case PHASE_QUEUED:
		return MHD_YES;
	case PHASE_SENT:
		/* The rest of an upload after an early answer: dropped. */
		*upload_size = 0;
		return MHD_YES;
	}
	return MHD_NO;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct cp_server *s = cls;
	struct request *rq = *con_cls;
	struct timespec now;
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	double ms;

	(void)conn;
	if (rq == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - rq->start.tv_sec) * 1e3 +
	     (double)(now.tv_nsec - rq->start.tv_nsec) / 1e6;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* The route's name, never the path: a path may hold a token. */
	access_line(s, "%s %s %s %u %zu %.1fms%s", when, rq->method,
		    route_name(rq), rq->status, rq->sent_bytes, ms,
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? ""
		    : toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED
			? " (timed out)"
			: " (aborted)");
	reading_done(rq);
	if (rq->was_queued) {
		pthread_mutex_lock(&s->lock);
		if (--s->answering == 0)
			pthread_cond_broadcast(&s->idle);
		pthread_mutex_unlock(&s->lock);
	}
	/* A next request on this connection has its own deadline. */
	conn_set(rq, CONN_WAITING, true);
	if (rq->have_answers)
		cp_answers_release(&rq->answers);
	if (rq->portal_reply) {
		cp_buf_release(&rq->portal_reply->body);
		free(rq->portal_reply);
	}
	cp_buf_release(&rq->body);
	free(rq);
	*con_cls = NULL;
}

/* Once cp_server_stop has begun, a new connection is closed as it is
 * accepted; before that every one is taken (the limits are MHD's). */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr,
				     socklen_t addrlen)
{
	struct cp_server *s = cls;

	(void)addr;
	(void)addrlen;
	return __atomic_load_n(&s->refuse_new, __ATOMIC_ACQUIRE) ? MHD_NO
								 : MHD_YES;
}

/* ---- start and stop ---- */

static int parse_address(const char *addr, unsigned port,
			 struct sockaddr_storage *ss, bool *v6,
			 struct cp_error *err)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (addr == NULL)
		addr = "127.0.0.1";
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*v6 = false;
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*v6 = true;
		return 0;
	}
	return cp_error_set(err, CP_EUSAGE,
			    N_("'%s' is not a numeric IPv4 or IPv6 address"),
			    addr);
}

static void server_free(struct cp_server *s)
{
	struct conn_entry *e, *next;

	for (e = s->conns_head; e; e = next) {
		next = e->next;
		free(e);
	}
	cp_portal_free(s->portal);
	cp_store_close(s->wstore);
	for (size_t i = 0; i < s->nreaders; i++)
		cp_store_close(s->readers[i]);
	for (size_t i = 0; i < s->nsurveys; i++)
		cp_survey_free(s->surveys[i].survey);
	for (size_t i = 0; i < s->nthanks; i++) {
		if (s->thanks[i].response)
			MHD_destroy_response(s->thanks[i].response);
		free(s->thanks[i].html);
	}
	if (s->stored_json)
		MHD_destroy_response(s->stored_json);
	if (s->links_ready)
		cp_links_release(&s->links);
	pthread_mutex_destroy(&s->page_lock);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->conn_lock);
	pthread_cond_destroy(&s->watchdog_wake);
	free(s);
}

/* The portal, once the port is known (its links default to it); until
 * then a portal request is answered 503. */
static int start_portal(struct cp_server *s, bool v6, struct cp_error *err)
{
	struct cp_portal *p = NULL;
	char base[128];
	int rc;

	snprintf(base, sizeof(base), "http%s://%s%s%s:%u",
		 s->opt.tls_cert ? "s" : "", v6 ? "[" : "",
		 s->opt.address ? s->opt.address : "127.0.0.1", v6 ? "]" : "",
		 s->port);
	(void)cp_portal_csp();
	rc = cp_portal_create(&p, s->opt.db_path,
			      s->opt.base_url ? s->opt.base_url : base,
			      s->opt.portal, s->opt.log, s->opt.log_arg, err);
	if (rc == 0)
		__atomic_store_n(&s->portal, p, __ATOMIC_RELEASE);
	return rc;
}

/* The setting "language": the pages' language when neither the
 * person nor the browser names one. */
static int default_language(struct cp_server *s, struct cp_error *err)
{
	char *v = NULL;
	int rc = cp_config_get(s->wstore, "language", &v, NULL, err);

	if (rc == 0 && v && cp_lang_check(v, err))
		rc = cp_error_prefix(
		    err,
		    /* TRANSLATORS: %s is the setting's name, as written. */
		    cp_gettext_error(N_("setting %s")), "language");
	s->default_lang = rc == 0 && v ? cp_lang_find(v) : cp_lang_default();
	free(v);
	return rc;
}

/* libmicrohttpd's own cap on connections: set above ours, as it is split
 * among the request threads, and ours (on_connection) makes room by
 * closing the slowest connection rather than leave a newcomer in the
 * backlog. */
static unsigned mhd_conn_limit(unsigned max_connections, unsigned threads)
{
	return max_connections + threads * 4 + max_connections / 8;
}

/* libmicrohttpd 0.9.75's epoll loop, when one epoll_wait returns 128
 * events (its MAX_EVENTS), waits again with its full timeout before
 * serving any of them: a thread whose connections all wait for an answer
 * then stalls until a new connection or the idle timeout. A request
 * thread's epoll set is its connections (MHD gives each thread an equal
 * share of its cap, the remainder one each), the listening socket and its
 * inter-thread channel, so at most THREAD_CONNS (125) connections a thread
 * keeps it below 128: more threads are started when --max-connections
 * needs them (up to MAX_READERS / 2), and past that the limit is lowered.
 * Sets *mhd_limit to libmicrohttpd's cap. */
static void thread_conns(struct cp_server_options *o, unsigned *mhd_limit)
{
	while (o->threads < MAX_READERS / 2 &&
	       mhd_conn_limit(o->max_connections, o->threads) >
		   THREAD_CONNS * o->threads)
		o->threads++;
	*mhd_limit = mhd_conn_limit(o->max_connections, o->threads);
	if (*mhd_limit > THREAD_CONNS * o->threads)
		*mhd_limit = THREAD_CONNS * o->threads;
	if (o->max_connections > *mhd_limit)
		o->max_connections = *mhd_limit;
}

int cp_server_start(struct cp_server **out, const struct cp_server_options *o,
		    struct cp_error *err)
{
	struct cp_server *s;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	unsigned mhd_limit;
	bool v6 = false;
	int rc;

	*out = NULL;
	rc = parse_address(o->address, o->port, &ss, &v6, err);
	if (rc)
		return rc;
	if (o->port > 65535)
		return cp_error_set(err, CP_EUSAGE,
				    N_("port %u is out of range"), o->port);
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	s->opt = *o;
	if (!s->opt.timeout)
		s->opt.timeout = DEFAULT_TIMEOUT;
	if (!s->opt.deadline)
		s->opt.deadline = DEFAULT_DEADLINE;
	if (!s->opt.max_connections)
		s->opt.max_connections = DEFAULT_MAX_CONN;
	if (!s->opt.max_body)
		s->opt.max_body = DEFAULT_MAX_BODY;
	if (s->opt.mix_wait_ms == 0)
		s->opt.mix_wait_ms = DEFAULT_MIX_WAIT;
	if (!s->opt.threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		s->opt.threads = n > 0 && n < 32 ? (unsigned)n * 2 : 8;
	}
	if (s->opt.threads > MAX_READERS / 2)
		s->opt.threads = MAX_READERS / 2;
	thread_conns(&s->opt, &mhd_limit);
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->page_lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	pthread_cond_init(&s->idle, NULL);
	pthread_mutex_init(&s->conn_lock, NULL);
	pthread_cond_init(&s->watchdog_wake, NULL);
	s->queue_tail = &s->queue;

	rc = cp_store_open(&s->wstore, o->db_path, CP_STORE_WAL_BUFFER, err);
	if (rc == 0) {
		/* The writer decides when to checkpoint: after_commit. */
		cp_store_defer_checkpoint(s->wstore, 1);
		/* A batch's totals: each touched row once, at its COMMIT. */
		cp_store_defer_totals(s->wstore, 1);
		rc = cp_config_threshold(s->wstore, CP_THRESHOLD, 0,
					 &s->threshold, err);
	}
	if (rc == 0)
		rc = cp_config_threshold(s->wstore, CP_COMMENT_THRESHOLD, 0,
					 &s->comment_threshold, err);
	if (rc == 0)
		rc = default_language(s, err);
	if (rc == 0 && (rc = cp_links_init(&s->links, err)) == 0)
		s->links_ready = true;
	if (rc) {
		server_free(s);
		return rc;
	}
	(void)cp_form_csp(); /* computed once, before any thread needs it */
	/* Made before any thread; then only queued. */
	s->stored_json =
	    kept_response(ROUTE_API, NULL, stored_json, sizeof(stored_json) - 1,
			  "application/json");

	if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
		server_free(s);
		return cp_error_set(err, CP_EFAIL, N_("cannot start a thread"));
	}
	s->writer_started = true;
	if (pthread_create(&s->watchdog, NULL, watchdog_main, s) != 0) {
		cp_server_stop(s);
		return cp_error_set(err, CP_EFAIL, N_("cannot start a thread"));
	}
	s->watchdog_started = true;
	if (v6)
		flags |= MHD_USE_IPv6;
	if (o->tls_cert && o->tls_key)
		flags |= MHD_USE_TLS;
	s->daemon = MHD_start_daemon(
	    flags, (uint16_t)o->port, accept_policy, s, on_request, s,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, s, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, s->opt.threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, s->opt.timeout,
	    MHD_OPTION_CONNECTION_LIMIT, mhd_limit,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->opt.per_ip,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
	    o->tls_cert && o->tls_key ? MHD_OPTION_HTTPS_MEM_CERT
				      : MHD_OPTION_END,
	    o->tls_cert, MHD_OPTION_HTTPS_MEM_KEY, o->tls_key, MHD_OPTION_END);
	if (s->daemon == NULL) {
		cp_server_stop(s);
		if (o->tls_cert && !MHD_is_feature_supported(MHD_FEATURE_TLS))
			return cp_error_set(
			    err, CP_EUSAGE,
			    N_("this libmicrohttpd has no TLS"));
		return cp_error_set(err, CP_EUNAVAIL,
				    N_("cannot listen on %s port %u (in use, "
				       "or a bad certificate or key?)"),
				    o->address ? o->address : "127.0.0.1",
				    o->port);
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : o->port;
	rc = start_portal(s, v6, err);
	if (rc) {
		cp_server_stop(s);
		return rc;
	}
	*out = s;
	return 0;
}

unsigned cp_server_port(const struct cp_server *s)
{
	return s->port;
}

/* Waits on s->idle until *count is 0 or, with a limit, the limit has
 * passed; under s->lock. */
static void wait_for_zero(struct cp_server *s, const size_t *count,
			  unsigned limit_s)
{
	struct timespec limit;

	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += limit_s;
	while (*count > 0) {
		if (!limit_s)
			pthread_cond_wait(&s->idle, &s->lock);
		else if (pthread_cond_timedwait(&s->idle, &s->lock, &limit) ==
			 ETIMEDOUT)
			break;
	}
}

/*
 * The order matters: libmicrohttpd aborts the process when it is stopped
 * with a connection still suspended, so no submission may be queued (and
 * its connection suspended) once the writer has been drained.
 */
void cp_server_stop(struct cp_server *s)
{
	if (s == NULL)
		return;
	/* 1. No new connection: each one accepted from now on is closed at
	 * once (accept_policy). Not MHD_quiesce_daemon: on an epoll daemon
	 * with its own threads it races the worker threads over removing the
	 * listening socket from the epoll set, and libmicrohttpd 0.9 aborts
	 * the process when it loses (an open libmicrohttpd defect, seen here
	 * as "Failed to remove listen FD from epoll set"). */
	__atomic_store_n(&s->refuse_new, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&s->lock);
	__atomic_store_n(&s->stopping, true, __ATOMIC_RELEASE);
	/* The writer stores at once what waits for company (--mix-wait):
	 * nothing more may come to share its commit. */
	pthread_cond_signal(&s->wake);
	/* 2. Requests whose body is arriving may still be queued; each is
	 * bounded by the deadline. */
	wait_for_zero(s, &s->reading, s->opt.deadline);
	/* 3. From now on a submission is answered 503 and never queued. */
	s->closing = true;
	/* 4. The writer commits what is queued and resumes every suspended
	 * connection; each batch ends (SQLite's busy timeout bounds it). */
	wait_for_zero(s, &s->inflight, 0);
	/* 5. The resumed connections send their pages. */
	wait_for_zero(s, &s->answering, ANSWER_WAIT_S);
	pthread_mutex_unlock(&s->lock);
	if (s->watchdog_started) {
		pthread_mutex_lock(&s->conn_lock);
		s->stop_watchdog = true;
		pthread_cond_signal(&s->watchdog_wake);
		pthread_mutex_unlock(&s->conn_lock);
		pthread_join(s->watchdog, NULL);
	}
	/* 6. Nothing is suspended: the daemon can stop. */
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	log_flush(s); /* every access line, before the writer's summary */
	if (s->writer_started) {
		pthread_mutex_lock(&s->lock);
		s->stop_writer = true;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->writer, NULL);
	}
	server_free(s);
}
