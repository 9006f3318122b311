/*
 * bench/smtp.c - the limit for `carepulse send`: libcurl sending N small
 * invitation messages over one reused SMTP connection (one easy handle;
 * curl keeps the connection open between transfers).
 *
 * usage: bench_smtp URL N [DIR]   (e.g. smtp://127.0.0.1:2525 1000)
 * With DIR, message i is the bytes of the i-th file of DIR (by name,
 * read into memory before the clock starts; dot files skipped): the
 * .eml files carepulse's outbox channel wrote, so libcurl sends the
 * very messages `carepulse send` builds (the server's work grows with
 * their size). Prints sent=N send_s=T msgs_per_s=R connections=C.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

struct message {
	char text[1024];
	const char *data; /* text, or a file's bytes */
	size_t len, off;
};

static size_t read_message(char *out, size_t size, size_t n, void *arg)
{
	struct message *m = arg;
	size_t k = m->len - m->off;

	if (k > size * n)
		k = size * n;
	memcpy(out, m->data + m->off, k);
	m->off += k;
	return k;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first n files of dir, by name, into files[] and lens[]. */
static int load_files(const char *dir, long n, char **files, size_t *lens)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, path[4096];
	size_t count = 0, alloc = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (count == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			names = realloc(names, alloc * sizeof(*names));
			if (names == NULL)
				return -1;
		}
		names[count++] = strdup(e->d_name);
	}
	closedir(d);
	if ((long)count < n) {
		fprintf(stderr, "bench_smtp: %s has %zu files, not %ld\n", dir,
			count, n);
		return -1;
	}
	qsort(names, count, sizeof(*names), by_name);
	for (long i = 0; i < n; i++) {
		FILE *f;
		long len;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((f = fopen(path, "rb")) == NULL ||
		    fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET) != 0 ||
		    (files[i] = malloc((size_t)len + 1)) == NULL ||
		    fread(files[i], 1, (size_t)len, f) != (size_t)len) {
			fprintf(stderr, "bench_smtp: cannot read %s\n", path);
			return -1;
		}
		fclose(f);
		lens[i] = (size_t)len;
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct curl_slist *rcpt = NULL;
	struct message m;
	char errbuf[CURL_ERROR_SIZE] = "", to[64];
	char **files = NULL;
	size_t *lens = NULL;
	long n, connections = 0;
	char *end;
	CURL *c;

	if ((argc != 3 && argc != 4) || (n = strtol(argv[2], &end, 10)) <= 0 ||
	    *end) {
		fprintf(stderr, "usage: bench_smtp URL N [DIR]\n");
		return 64;
	}
	if (argc == 4) {
		files = calloc((size_t)n, sizeof(*files));
		lens = calloc((size_t)n, sizeof(*lens));
		if (files == NULL || lens == NULL ||
		    load_files(argv[3], n, files, lens) != 0)
			return 66;
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
		m.data = m.text;
		if (files) {
			m.data = files[i];
			m.len = lens[i];
		} else
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
			    "Hello,\r\n\r\nplease answer this pulse, "
			    "anonymously:\r\n"
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
	for (long i = 0; files && i < n; i++)
		free(files[i]);
	free(files);
	free(lens);
	return 0;
}
