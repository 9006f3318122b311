/* cmd_serve.c - serve: the response form over HTTP(S). */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "deliver.h"
#include "i18n.h"
#include "oidc.h"
#include "portal.h"
#include "portal_oidc.h"
#include "report_write.h"
#include "server.h"
#include "store.h"
#include "when.h"

#define PEM_MAX (1024u * 1024u)

enum {
	SERVE_LISTEN,
	SERVE_BASE_URL,
	SERVE_THREADS,
	SERVE_TIMEOUT,
	SERVE_DEADLINE,
	SERVE_MAX_CONNECTIONS,
	SERVE_PER_IP,
	SERVE_MAX_BODY,
	SERVE_MIX_WAIT,
	SERVE_CERT,
	SERVE_KEY,
	SERVE_NOPTS
};

static const struct cmd_opt serve_opts[SERVE_NOPTS] = {
    [SERVE_LISTEN] =
	{"listen", 'l', OPT_VALUE, "ADDR:PORT",
	 N_("where to listen (default 127.0.0.1:8080; [::1]:8080 for IPv6; "
	    "port 0 picks a free one)")},
    [SERVE_BASE_URL] = {"base-url", 0, OPT_VALUE, "URL",
			N_("the public address of this server (default: the "
			   "base_url setting)")},
    [SERVE_THREADS] = {"threads", 0, OPT_VALUE, "N",
		       N_("request threads (default: 2 per CPU); more are "
			  "started when --max-connections needs them, as "
			  "one holds at most 125 connections")},
    [SERVE_TIMEOUT] = {"timeout", 0, OPT_VALUE, "SECONDS",
		       N_("close a connection idle this long (default 30)")},
    [SERVE_DEADLINE] =
	{"deadline", 0, OPT_VALUE, "SECONDS",
	 N_("close a connection whose request (headers and body) takes longer "
	    "than this to arrive, however steadily it trickles (default 60)")},
    [SERVE_MAX_CONNECTIONS] =
	{"max-connections", 0, OPT_VALUE, "N",
	 N_("connections at once, in all (default 1000, at most 15000); "
	    "when full, the one waiting longest for its request is closed to "
	    "serve a new one")},
    [SERVE_PER_IP] =
	{"per-ip", 0, OPT_VALUE, "N",
	 N_("connections at once from one address (default 64; 0: no limit, "
	    "for a reverse proxy)")},
    [SERVE_MAX_BODY] = {"max-body", 0, OPT_VALUE, "BYTES",
			N_("largest request body accepted (default 262144)")},
    [SERVE_MIX_WAIT] = {"mix-wait", 0, OPT_VALUE, "MS",
			N_("how long an answer alone in its team waits for "
			   "another to be stored "
			   "with (default 100; 0: never)")},
    [SERVE_CERT] = {"cert", 0, OPT_VALUE, "FILE",
		    N_("serve HTTPS with this PEM certificate")},
    [SERVE_KEY] = {"key", 0, OPT_VALUE, "FILE",
		   N_("the PEM private key for --cert")},
};

/*
 * The log on stderr. Access lines (they begin with their time, a digit)
 * are kept in a buffer the server has written out after each committed
 * batch, every 250 ms and at stop (log_flush): one write for many
 * requests. Any other line (an error, a notice) goes out at once, after
 * what was kept. Whole lines only, so lines from threads never
 * interleave.
 */
#define LOG_KEEP 16384

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_kept[LOG_KEEP];
static size_t log_len;

static void log_out_locked(void)
{
	if (log_len)
		fwrite(log_kept, 1, log_len, stderr);
	log_len = 0;
}

static void log_flush(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&log_lock);
	log_out_locked();
	pthread_mutex_unlock(&log_lock);
}

static void log_line(void *arg, const char *line)
{
	size_t n = strlen(line);

	(void)arg;
	if (n > 598)
		n = 598;
	pthread_mutex_lock(&log_lock);
	if (log_len + n + 1 > sizeof(log_kept))
		log_out_locked();
	memcpy(log_kept + log_len, line, n);
	log_len += n;
	log_kept[log_len++] = '\n';
	if (!(line[0] >= '0' && line[0] <= '9'))
		log_out_locked();
	pthread_mutex_unlock(&log_lock);
}

/* ---- the portal's downloads: the PDF from reports/, the export from
 * the results command (core/portal knows neither) ---- */

/* One PDF at a time: the text shaping keeps per-process caches. */
static pthread_mutex_t pdf_lock = PTHREAD_MUTEX_INITIALIZER;

static int portal_pdf(void *arg, struct cp_store *st, int64_t wave,
		      int64_t team, bool with_self, struct cp_buf *out,
		      struct cp_error *err)
{
	const char *tmp = getenv("TMPDIR");
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct rp_options o = {0};
	char path[4096];
	int fd, rc;

	(void)arg;
	snprintf(path, sizeof(path), "%s/carepulse-portal-XXXXXX.pdf",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemps(path, 4);
	if (fd < 0)
		return cp_error_set(err, CP_EIO, N_("%s: cannot make a file"),
				    path);
	close(fd);
	o.paper = RP_PAPER_A4;
	o.has_creation_time = 1;
	o.creation_time = sde && *sde ? strtoll(sde, NULL, 10) : time(NULL);
	o.without_self = !with_self;
	pthread_mutex_lock(&pdf_lock);
	rc = rp_write_team_report_id(st, team, "the team", wave, path, &o, NULL,
				     err);
	pthread_mutex_unlock(&pdf_lock);
	rc = rc ? rc : cp_buf_read_file(out, path, err);
	unlink(path);
	return rc;
}

static int portal_export(void *arg, struct cp_store *st, int64_t wave,
			 int64_t team, bool csv, bool with_self,
			 const int64_t *allowed, size_t nallowed,
			 struct cp_buf *out, struct cp_error *err)
{
	(void)arg;
	return cmd_results_export(st, wave, team, csv, with_self, allowed,
				  nallowed, out, err);
}

static const struct cp_portal_hooks portal_hooks = {
    .pdf = portal_pdf, .export = portal_export,
    /* .oidc_start, .oidc_callback: set by cmd_serve_exec when single
       sign-on is configured (oidc.issuer). */
};

static int number(struct cmd_ctx *c, int opt, unsigned long max,
		  unsigned long *out)
{
	const char *v = cmd_value(c, opt);
	char *end;

	if (v == NULL)
		return 0;
	errno = 0;
	*out = strtoul(v, &end, 10);
	if (errno || end == v || *end || *v == '-' || *out > max)
		return cmd_usage_error(c,
				       "--%s: '%s' is not a number from 0 "
				       "to %lu",
				       c->entry->opts[opt].name, v, max);
	return 0;
}

/* "ADDR:PORT", "[V6]:PORT" or ":PORT" into addr and *port. */
static int split_listen(struct cmd_ctx *c, const char *s, char *addr, size_t n,
			unsigned *port)
{
	const char *colon = strrchr(s, ':'), *a = s;
	size_t alen;
	char *end;
	unsigned long p;

	if (colon == NULL)
		return cmd_usage_error(c,
				       "--listen: expected ADDR:PORT, got "
				       "'%s'",
				       s);
	alen = (size_t)(colon - s);
	if (alen >= 2 && s[0] == '[' && s[alen - 1] == ']') {
		a = s + 1;
		alen -= 2;
	}
	if (alen >= n)
		return cmd_usage_error(c, "--listen: address too long");
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	if (alen == 0)
		cp_strlcpy(addr, "0.0.0.0", n);
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || p > 65535)
		return cmd_usage_error(c, "--listen: '%s' is not a port",
				       colon + 1);
	*port = (unsigned)p;
	return 0;
}

static int read_pem(struct cmd_ctx *c, const char *path, char **out)
{
	struct cp_buf b;

	cp_buf_init(&b, PEM_MAX);
	if (cp_buf_read_file(&b, path, &c->err)) {
		cp_buf_release(&b);
		return cmd_report(&c->err);
	}
	*out = cp_buf_detach(&b);
	return *out ? 0 : EXIT_FAIL;
}

static int cmd_serve_exec(struct cmd_ctx *c)
{
	struct cp_server_options o = {0};
	struct cp_portal_hooks hooks;
	struct cp_portal_oidc *sso = NULL;
	struct cp_server *srv = NULL;
	const char *listen = cmd_value(c, SERVE_LISTEN);
	const char *cert = cmd_value(c, SERVE_CERT),
		   *key = cmd_value(c, SERVE_KEY);
	char addr[64], *base = NULL, *cert_pem = NULL, *key_pem = NULL;
	unsigned long threads = 0, timeout = 0, deadline = 0, maxconn = 0,
		      per_ip = 64, max_body = 0, mix_wait = 100;
	sigset_t set;
	int sig = 0, rc;

	if (split_listen(c, listen ? listen : "127.0.0.1:8080", addr,
			 sizeof(addr), &o.port))
		return EXIT_USAGE;
	if (number(c, SERVE_THREADS, 128, &threads) ||
	    number(c, SERVE_TIMEOUT, CP_DAY, &timeout) ||
	    number(c, SERVE_DEADLINE, CP_DAY, &deadline) ||
	    number(c, SERVE_MAX_CONNECTIONS, 15000, &maxconn) ||
	    number(c, SERVE_PER_IP, 100000, &per_ip) ||
	    number(c, SERVE_MAX_BODY, 64ul * 1024 * 1024, &max_body) ||
	    number(c, SERVE_MIX_WAIT, 60000, &mix_wait))
		return EXIT_USAGE;
	if (!cert != !key)
		return cmd_usage_error(c, "--cert and --key go together");
	if (cmd_value(c, SERVE_BASE_URL))
		base = cp_strdup(cmd_value(c, SERVE_BASE_URL));
	else if (cp_config_get(c->store, "base_url", &base, NULL, &c->err))
		return cmd_report(&c->err);
	if (cert &&
	    (read_pem(c, cert, &cert_pem) || read_pem(c, key, &key_pem))) {
		free(cert_pem);
		free(base);
		return EXIT_IO;
	}
	o.db_path = c->db_path;
	o.address = addr;
	o.threads = (unsigned)threads;
	o.timeout = (unsigned)timeout;
	o.deadline = (unsigned)deadline;
	o.max_connections = (unsigned)maxconn;
	o.per_ip = (unsigned)per_ip;
	o.max_body = max_body;
	o.mix_wait_ms = mix_wait ? (int)mix_wait : -1;
	o.tls_cert = cert_pem;
	o.tls_key = key_pem;
	o.log = log_line;
	o.log_flush = log_flush;
	o.base_url = base;
	hooks = portal_hooks;
	o.portal = &hooks;
	/* Single sign-on: refused at start when half configured, so a
	 * mistake shows now, not at someone's first sign-in. */
	if (cp_portal_oidc_create(&sso, c->store, base, &c->err) ||
	    (sso && cp_oidc_load_libraries(&c->err)) ||
	    cp_deliver_global_init(&c->err)) {
		cp_portal_oidc_free(sso);
		free(cert_pem);
		free(key_pem);
		free(base);
		return cmd_report(&c->err);
	}
	if (sso) {
		hooks.oidc_start = cp_portal_oidc_start;
		hooks.oidc_callback = cp_portal_oidc_callback;
		hooks.arg = sso;
	}

	/* SIGINT and SIGTERM are taken by sigwait below, in this thread
	 * only: every thread the server starts inherits the blocked mask. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	rc = cp_server_start(&srv, &o, &c->err);
	if (rc) {
		cp_portal_oidc_free(sso);
		free(cert_pem);
		free(key_pem);
		free(base);
		return cmd_report(&c->err);
	}
	fprintf(stderr,
		"carepulse: serving the form on %s://%s%s%s:%u/ (links: "
		"%s/r/TOKEN) and the results portal at /portal/; stop with "
		"Ctrl-C or SIGTERM\n",
		cert ? "https" : "http", strchr(addr, ':') ? "[" : "", addr,
		strchr(addr, ':') ? "]" : "", cp_server_port(srv),
		base ? base : "(base_url not set)");
	fflush(stderr);
	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "carepulse: %s: finishing requests in flight\n",
		sig == SIGINT ? "interrupted" : "terminated");
	cp_server_stop(srv);
	cp_portal_oidc_free(sso);
	fprintf(stderr, "carepulse: stopped\n");
	free(cert_pem);
	free(key_pem);
	free(base);
	return EXIT_OK;
}

const struct cmd_entry cmd_serve_entry = {
    .name = "serve",
    .summary = N_("serve the response form and the results portal"),
    .usage = "[--listen ADDR:PORT] [--base-url URL]",
    .description =
	"Runs the web form team members answer on: GET /r/TOKEN shows the "
	"survey,\nPOST /r/TOKEN stores the answers, POST /api/v1/responses "
	"takes them as JSON,\nGET /healthz says the server is up, and "
	"/portal/ is the results portal,\nwhere viewers sign in by an "
	"e-mailed link or single sign-on (docs/portal.md). Answers "
	"are committed durably before the\nthank-you page is sent; "
	"concurrent submissions are committed together.\nThe access log "
	"(stderr) never shows a token; it is written after each commit and\n"
	"at least every 250 ms, so SIGKILL may lose the last lines. Stop with "
	"SIGINT or SIGTERM:\n"
	"requests in flight are finished first. Behind a reverse proxy, "
	"listen on\nloopback and use --per-ip 0.",
    .opts = serve_opts,
    .nopts = SERVE_NOPTS,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_serve_exec,
};
