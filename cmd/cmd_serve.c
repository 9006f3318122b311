/* cmd_serve.c - serve: the response form over HTTP(S). */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "server.h"
#include "store.h"

#define PEM_MAX (1024u * 1024u)

static const struct cmd_opt serve_opts[] = {
    {"listen", 'l', OPT_VALUE, "ADDR:PORT",
     "where to listen (default 127.0.0.1:8080; [::1]:8080 for IPv6; "
     "port 0 picks a free one)"},
    {"base-url", 0, OPT_VALUE, "URL",
     "the public address of this server (default: the base_url setting)"},
    {"threads", 0, OPT_VALUE, "N", "request threads (default: 2 per CPU)"},
    {"timeout", 0, OPT_VALUE, "SECONDS",
     "close a connection idle this long (default 30)"},
    {"deadline", 0, OPT_VALUE, "SECONDS",
     "close a connection whose request (headers and body) takes longer "
     "than this to arrive, however steadily it trickles (default 60)"},
    {"max-connections", 0, OPT_VALUE, "N",
     "connections at once, in all (default 1000); when full, the one "
     "waiting longest for its request is closed to serve a new one"},
    {"per-ip", 0, OPT_VALUE, "N",
     "connections at once from one address (default 64; 0: no limit, "
     "for a reverse proxy)"},
    {"max-body", 0, OPT_VALUE, "BYTES",
     "largest request body accepted (default 262144)"},
    {"cert", 0, OPT_VALUE, "FILE", "serve HTTPS with this PEM certificate"},
    {"key", 0, OPT_VALUE, "FILE", "the PEM private key for --cert"},
    {0},
};

static void log_line(void *arg, const char *line)
{
	char out[600];
	size_t n = strlen(line);

	(void)arg;
	/* One write per line, so lines from threads never interleave. */
	if (n > sizeof(out) - 2)
		n = sizeof(out) - 2;
	memcpy(out, line, n);
	out[n++] = '\n';
	fwrite(out, 1, n, stderr);
}

static int number(struct cmd_ctx *c, const char *name, unsigned long max,
		  unsigned long *out)
{
	const char *v = cmd_value(c, name);
	char *end;

	if (v == NULL)
		return 0;
	errno = 0;
	*out = strtoul(v, &end, 10);
	if (errno || end == v || *end || *v == '-' || *out > max)
		return cmd_usage_error(c,
				       "--%s: '%s' is not a number from 0 "
				       "to %lu",
				       name, v, max);
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
	struct cp_server *srv = NULL;
	const char *listen = cmd_value(c, "listen");
	const char *cert = cmd_value(c, "cert"), *key = cmd_value(c, "key");
	char addr[64], *base = NULL, *cert_pem = NULL, *key_pem = NULL;
	unsigned long threads = 0, timeout = 0, deadline = 0, maxconn = 0,
		      per_ip = 64, max_body = 0;
	sigset_t set;
	int sig = 0, rc;

	if (split_listen(c, listen ? listen : "127.0.0.1:8080", addr,
			 sizeof(addr), &o.port))
		return EXIT_USAGE;
	if (number(c, "threads", 128, &threads) ||
	    number(c, "timeout", 86400, &timeout) ||
	    number(c, "deadline", 86400, &deadline) ||
	    number(c, "max-connections", 100000, &maxconn) ||
	    number(c, "per-ip", 100000, &per_ip) ||
	    number(c, "max-body", 64ul * 1024 * 1024, &max_body))
		return EXIT_USAGE;
	if (!cert != !key)
		return cmd_usage_error(c, "--cert and --key go together");
	if (cmd_value(c, "base-url"))
		base = cp_strdup(cmd_value(c, "base-url"));
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
	o.tls_cert = cert_pem;
	o.tls_key = key_pem;
	o.log = log_line;

	/* SIGINT and SIGTERM are taken by sigwait below, in this thread
	 * only: every thread the server starts inherits the blocked mask. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	rc = cp_server_start(&srv, &o, &c->err);
	if (rc) {
		free(cert_pem);
		free(key_pem);
		free(base);
		return cmd_report(&c->err);
	}
	fprintf(stderr,
		"carepulse: serving the form on %s://%s%s%s:%u/ (links: "
		"%s/r/TOKEN); stop with Ctrl-C or SIGTERM\n",
		cert ? "https" : "http", strchr(addr, ':') ? "[" : "", addr,
		strchr(addr, ':') ? "]" : "", cp_server_port(srv),
		base ? base : "(base_url not set)");
	fflush(stderr);
	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "carepulse: %s: finishing requests in flight\n",
		sig == SIGINT ? "interrupted" : "terminated");
	cp_server_stop(srv);
	fprintf(stderr, "carepulse: stopped\n");
	free(cert_pem);
	free(key_pem);
	free(base);
	return EXIT_OK;
}

const struct cmd_entry cmd_serve_entry = {
    .name = "serve",
    .summary = "serve the response form that invitation links open",
    .usage = "[--listen ADDR:PORT] [--base-url URL]",
    .description =
	"Runs the web form team members answer on: GET /r/TOKEN shows the "
	"survey,\nPOST /r/TOKEN stores the answers, POST /api/v1/responses "
	"takes them as JSON,\nGET /healthz says the server is up. Answers "
	"are committed durably before the\nthank-you page is sent; "
	"concurrent submissions are committed together.\nThe access log "
	"(stderr) never shows a token. Stop with SIGINT or SIGTERM:\n"
	"requests in flight are finished first. Behind a reverse proxy, "
	"listen on\nloopback and use --per-ip 0.",
    .opts = serve_opts,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_serve_exec,
};
