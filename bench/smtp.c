/*
 * bench/smtp.c - the limit for `carepulse send`: libcurl sending N small
 * invitation messages over one reused SMTP connection (one easy handle;
 * curl keeps the connection open between transfers).
 *
 * usage: bench_smtp URL N   (e.g. smtp://127.0.0.1:2525 1000)
 * Prints sent=N send_s=T msgs_per_s=R connections=C.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

struct message {
	char text[1024];
	size_t len, off;
};

static size_t read_message(char *out, size_t size, size_t n, void *arg)
{
	struct message *m = arg;
	size_t k = m->len - m->off;

	if (k > size * n)
		k = size * n;
	memcpy(out, m->text + m->off, k);
	m->off += k;
	return k;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct curl_slist *rcpt = NULL;
	struct message m;
	char errbuf[CURL_ERROR_SIZE] = "", to[64];
	long n, connections = 0;
	char *end;
	CURL *c;

	if (argc != 3 || (n = strtol(argv[2], &end, 10)) <= 0 || *end) {
		fprintf(stderr, "usage: bench_smtp URL N\n");
		return 64;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = curl_easy_init();
	if (c == NULL)
		return 70;
	curl_easy_setopt(c, CURLOPT_URL, argv[1]);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, "<pulse@example.org>");
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(c, CURLOPT_READDATA, &m);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++) {
		long fresh = 0;
		CURLcode rc;

		snprintf(to, sizeof(to), "<m%06ld@example.org>", i);
		curl_slist_free_all(rcpt);
		rcpt = curl_slist_append(NULL, to);
		curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
		m.off = 0;
		m.len = (size_t)snprintf(
		    m.text, sizeof(m.text),
		    "From: Team Pulse <pulse@example.org>\r\n"
		    "To: %s\r\n"
		    "Subject: How is your team doing? (2 minutes)\r\n"
		    "Message-ID: <%ld.bench@example.org>\r\n"
		    "Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n"
		    "MIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "\r\n"
		    "Hello,\r\n\r\nplease answer this pulse, anonymously:\r\n"
		    "http://127.0.0.1:8080/r/%032lx\r\n",
		    to, i, (unsigned long)i * 2654435761ul);
		rc = curl_easy_perform(c);
		if (rc != CURLE_OK) {
			fprintf(stderr, "bench_smtp: message %ld: %s\n", i,
				errbuf[0] ? errbuf : curl_easy_strerror(rc));
			return 69;
		}
		curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &fresh);
		connections += fresh;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	{
		double s = (double)(t1.tv_sec - t0.tv_sec) +
			   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

		printf("sent=%ld send_s=%.3f msgs_per_s=%.0f connections=%ld\n",
		       n, s, (double)n / s, connections);
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return 0;
}
