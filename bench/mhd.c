/*
 * bench/mhd.c - the limit for `carepulse serve`: a bare libmicrohttpd
 * server that takes POST /r/TOKEN with a form body of item=value pairs,
 * and stores each post in SQLite with one durable commit per request
 * (WAL, synchronous FULL): the token is marked used and the response and
 * its answers are inserted in the same transaction. A used token gets 409.
 * Nothing else: no form rendering, no HMAC, no limits beyond a body cap.
 *
 * With DB ":memory:" and THREADS 2 it is the runner's ceiling reference:
 * the same parsing and inserts into a database in memory (no disk, no
 * fsync) from two polling threads (one at a time in the database), so
 * what is left is HTTP, the loopback and wrk on the machine's CPUs.
 * With one thread (the default) it runs libmicrohttpd's epoll set from
 * its own loop (serve_loop: why, there).
 *
 * usage: bench_mhd PORT DB [THREADS]   (runs until SIGTERM or SIGINT)
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <microhttpd.h>
#include <sqlite3.h>

#define BODY_MAX 4096

static const char schema[] =
    "PRAGMA journal_mode = WAL;"
    "PRAGMA synchronous = FULL;"
    "CREATE TABLE IF NOT EXISTS used_token (token TEXT PRIMARY KEY)"
    " WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS response (id INTEGER PRIMARY KEY,"
    " day TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS answer (response_id INTEGER NOT NULL"
    " REFERENCES response(id), item_id TEXT NOT NULL,"
    " value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),"
    " PRIMARY KEY (response_id, item_id)) WITHOUT ROWID;";

static sqlite3 *db;
static pthread_mutex_t db_lock = PTHREAD_MUTEX_INITIALIZER;
static sqlite3_stmt *use_token, *add_response, *add_answer;
static volatile sig_atomic_t stop;

struct post {
	char body[BODY_MAX + 1];
	size_t len;
	int too_big;
};

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
			     const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    strlen(text), (void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;

	MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static int step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Stores one submission in its own transaction; 0, 1 (used) or -1. */
static int store(const char *token, char *body)
{
	char *save = NULL;
	int64_t id;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(use_token, 1, token, -1, SQLITE_STATIC);
	if (step(use_token)) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return 1;
	}
	sqlite3_bind_text(add_response, 1, "2026-11-23", -1, SQLITE_STATIC);
	if (step(add_response))
		goto fail;
	id = sqlite3_last_insert_rowid(db);
	for (char *pair = strtok_r(body, "&", &save); pair;
	     pair = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(pair, '=');

		if (eq == NULL || eq[1] < '1' || eq[1] > '5' || eq[2])
			goto fail;
		*eq = '\0';
		sqlite3_bind_int64(add_answer, 1, id);
		sqlite3_bind_text(add_answer, 2, pair, -1, SQLITE_STATIC);
		sqlite3_bind_int(add_answer, 3, eq[1] - '0');
		if (step(add_answer))
			goto fail;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *data,
			      size_t *size, void **state)
{
	struct post *p = *state;
	enum MHD_Result rc;
	int stored;

	(void)cls;
	(void)version;
	if (strcmp(method, "POST") != 0 || strncmp(url, "/r/", 3) != 0)
		return reply(c, MHD_HTTP_NOT_FOUND, "not found\n");
	if (p == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return MHD_NO;
		*state = p;
		return MHD_YES;
	}
	if (*size) {
		if (p->len + *size > BODY_MAX)
			p->too_big = 1;
		else
			memcpy(p->body + p->len, data, *size);
		p->len += *size;
		*size = 0;
		return MHD_YES;
	}
	if (p->too_big)
		return reply(c, 413, "too large\n");
	p->body[p->len] = '\0';
	pthread_mutex_lock(&db_lock);
	stored = store(url + 3, p->body);
	pthread_mutex_unlock(&db_lock);
	if (stored == 0)
		rc = reply(c, MHD_HTTP_OK,
			   "<!doctype html><title>Thank you</title>"
			   "<p>Thank you, your answers are saved.</p>\n");
	else if (stored == 1)
		rc = reply(c, MHD_HTTP_CONFLICT, "already answered\n");
	else
		rc = reply(c, MHD_HTTP_BAD_REQUEST, "bad form\n");
	return rc;
}

static void done(void *cls, struct MHD_Connection *c, void **state,
		 enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	free(*state);
	*state = NULL;
}

/* The single thread's loop: wait on libmicrohttpd's epoll descriptor for
 * as long as it allows (at most a second, to see a signal's flag), then
 * let MHD_run do what is ready without blocking. 0, or -1 on an error. */
static int serve_loop(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *info =
	    MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	struct pollfd pfd;

	if (info == NULL) {
		fprintf(stderr, "bench_mhd: no epoll descriptor\n");
		return -1;
	}
	pfd.fd = info->epoll_fd;
	pfd.events = POLLIN;
	while (!stop) {
		MHD_UNSIGNED_LONG_LONG ms = 1000;
		int wait;

		if (MHD_get_timeout(d, &ms) != MHD_YES || ms > 1000)
			ms = 1000;
		wait = (int)ms;
		if (poll(&pfd, 1, wait) < 0 && errno != EINTR) {
			perror("bench_mhd: poll");
			return -1;
		}
		if (MHD_run(d) != MHD_YES) {
			fprintf(stderr, "bench_mhd: MHD_run failed\n");
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	struct sockaddr_in addr;
	char *end;
	long port, threads = 1;

	if (argc < 3 || argc > 4 || (port = strtol(argv[1], &end, 10)) <= 0 ||
	    *end || port > 65535 ||
	    (argc == 4 && ((threads = strtol(argv[3], &end, 10)) < 1 || *end ||
			   threads > 64))) {
		fprintf(stderr, "usage: bench_mhd PORT DB [THREADS]\n");
		return 64;
	}
	if (sqlite3_open(argv[2], &db) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO used_token VALUES (?)", -1,
			       &use_token, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO response(day) VALUES (?)", -1,
			       &add_response, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO answer VALUES (?, ?, ?)", -1,
			       &add_answer, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_mhd: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/*
	 * One thread by default (SQLite serialises the commits), and then
	 * this process's own loop around libmicrohttpd's epoll set rather
	 * than its internal polling thread: that thread (0.9.75) asks
	 * epoll_wait for 128 events and, when it gets exactly 128, waits
	 * again, blocking, before it serves any of them; with 128 keep-alive
	 * connections each waiting for its answer (wrk at --scale huge)
	 * nothing else happens until a client gives up on a request (wrk:
	 * after 2 s) and reconnects. MHD_run never blocks; the wait is the
	 * poll() in serve_loop. The pool (THREADS > 1) splits the
	 * connections among its threads' own sets.
	 */
	d = MHD_start_daemon(
	    (threads > 1 ? MHD_USE_INTERNAL_POLLING_THREAD : 0) | MHD_USE_EPOLL,
	    (uint16_t)port, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR,
	    &addr, MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)(threads > 1 ? threads : 0), MHD_OPTION_NOTIFY_COMPLETED,
	    done, NULL, MHD_OPTION_CONNECTION_LIMIT, 1000u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "bench_mhd: cannot listen on port %ld\n", port);
		return 69;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("listening on 127.0.0.1:%ld\n", port);
	fflush(stdout);
	if (threads > 1) {
		while (!stop)
			pause();
	} else if (serve_loop(d) != 0) {
		MHD_stop_daemon(d);
		return 1;
	}
	MHD_stop_daemon(d);
	sqlite3_finalize(use_token);
	sqlite3_finalize(add_response);
	sqlite3_finalize(add_answer);
	sqlite3_close(db);
	return 0;
}
