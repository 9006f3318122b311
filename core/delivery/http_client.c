/*
 * http_client.c - the plain HTTP client of http_client.h over libcurl, and
 * the one rule for which URLs carepulse will talk to.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "curl_lazy.h"
#include "deliver.h"
#include "http_client.h"
#include "i18n.h"
#include "lazy.h"
#include "text.h"

#ifndef CP_CURL_SONAME
#define CP_CURL_SONAME "libcurl.so.4"
#endif

static struct cp_curl_api curl_fns;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_code;
static bool curl_loaded;

/* Loads libcurl and runs its global set-up, once: pthread_once makes a
 * thread that comes second wait for the first to finish both. */
static void curl_load(void)
{
	void *lib;

	cp_lazy_setup_begin();
	lib = cp_lazy_open(CP_CURL_SONAME);
#define CP_CURL_LOAD(f)                                                        \
	*(void **)&curl_fns.p_##f = cp_lazy_sym(lib, CP_CURL_SONAME, #f);
	CP_CURL_FUNCTIONS(CP_CURL_LOAD)
#undef CP_CURL_LOAD
	curl_init_code = curl_fns.p_curl_global_init(CURL_GLOBAL_DEFAULT);
	curl_loaded = true;
	cp_lazy_setup_end();
}

const struct cp_curl_api *cp_curl_api(void)
{
	(void)pthread_once(&curl_once, curl_load);
	return &curl_fns;
}

int cp_host_is_loopback(const char *host)
{
	return host &&
	       (strcmp(host, "127.0.0.1") == 0 || strcmp(host, "::1") == 0 ||
		strcmp(host, "[::1]") == 0 || strcmp(host, "localhost") == 0);
}

int cp_http_url_allowed(const char *url)
{
	char *host = NULL, *scheme = NULL;
	CURLU *u = curl_url();
	int ok = 0;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK)
		ok = strcmp(scheme, "https") == 0 ||
		     (strcmp(scheme, "http") == 0 && cp_host_is_loopback(host));
	curl_free(host);
	curl_free(scheme);
	curl_url_cleanup(u);
	return ok;
}

int cp_curl_easy_open(CURL **out, struct cp_error *err)
{
	int rc = cp_deliver_global_init(err);

	if (rc == 0 && (*out = curl_easy_init()) == NULL)
		rc = cp_error_set(err, CP_ENOMEM, N_("cannot start libcurl"));
	return rc;
}

int cp_deliver_global_init(struct cp_error *err)
{
	CURLcode c;

	(void)cp_curl_api();
	c = curl_init_code;

	if (c == CURLE_OUT_OF_MEMORY)
		return cp_error_set(err, CP_ENOMEM,
				    "cannot initialise libcurl: out of memory");
	if (c != CURLE_OK)
		return cp_error_set(err, CP_EFAIL, "cannot initialise libcurl");
	return 0;
}

void cp_deliver_global_cleanup(void)
{
	if (curl_loaded)
		curl_global_cleanup();
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * nmemb;
}

struct cp_http_client {
	CURL *curl;
};

int cp_http_client_open(struct cp_http_client **out, long timeout,
			struct cp_error *err)
{
	struct cp_http_client *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (c == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	if (cp_curl_easy_open(&c->curl, err)) {
		free(c);
		return err->code;
	}
	curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "carepulse");
	*out = c;
	return 0;
}

int cp_http_post(struct cp_http_client *c, const char *url,
		 const char *content_type, const char *body, size_t len,
		 long *status, struct cp_error *err)
{
	struct curl_slist *h;
	char line[160];
	CURLcode rc;

	*status = 0;
	if (!cp_http_url_allowed(url))
		return cp_error_set(
		    err, CP_EUSAGE,
		    N_("the URL must be https:// (http:// only to "
		       "127.0.0.1 or localhost)"));
	snprintf(line, sizeof(line), "Content-Type: %s", content_type);
	if ((h = curl_slist_append(NULL, line)) == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	rc = curl_easy_perform(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	if (rc != CURLE_OK)
		return cp_error_set(
		    err, CP_EUNAVAIL,
		    /* TRANSLATORS: %s is libcurl's own words (English). */
		    N_("the HTTP POST failed: %s"), curl_easy_strerror(rc));
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
	return 0;
}

/* The response body of cp_http_fetch, within the buffer's cap. */
struct sink {
	struct cp_buf *b;
	int over;
};

static size_t keep(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct sink *k = arg;

	if (cp_buf_add(k->b, ptr, size * nmemb, NULL)) {
		k->over = 1;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	return size * nmemb;
}

static int add_header(struct curl_slist **h, const char *name,
		      const char *value)
{
	char line[256];
	struct curl_slist *n;

	if (value == NULL)
		return 0;
	snprintf(line, sizeof(line), "%s: %s", name, value);
	if ((n = curl_slist_append(*h, line)) == NULL)
		return -1;
	*h = n;
	return 0;
}

int cp_http_fetch(struct cp_http_client *c, const struct cp_http_request *rq,
		  struct cp_buf *response, long *status, struct cp_error *err)
{
	struct curl_slist *h = NULL;
	struct sink k = {.b = response};
	CURLcode rc;

	*status = 0;
	if (!cp_http_url_allowed(rq->url))
		return cp_error_set(
		    err, CP_EUSAGE,
		    N_("the URL must be https:// (http:// only to "
		       "127.0.0.1 or localhost)"));
	if (add_header(&h, "Accept", rq->accept) ||
	    add_header(&h, "Content-Type", rq->content_type)) {
		curl_slist_free_all(h);
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	}
	curl_easy_setopt(c->curl, CURLOPT_URL, rq->url);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
	if (rq->content_type) {
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, rq->body);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)rq->len);
	} else {
		curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
	}
	if (rq->user) {
		curl_easy_setopt(c->curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(c->curl, CURLOPT_USERNAME, rq->user);
		curl_easy_setopt(c->curl, CURLOPT_PASSWORD, rq->password);
	} else if (rq->bearer) {
		curl_easy_setopt(c->curl, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
		curl_easy_setopt(c->curl, CURLOPT_XOAUTH2_BEARER, rq->bearer);
	}
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &k);
	rc = curl_easy_perform(c->curl);
	/* The next request starts from the client's defaults again. */
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c->curl, CURLOPT_USERNAME, NULL);
	curl_easy_setopt(c->curl, CURLOPT_PASSWORD, NULL);
	curl_easy_setopt(c->curl, CURLOPT_XOAUTH2_BEARER, NULL);
	curl_easy_setopt(c->curl, CURLOPT_HTTPAUTH, CURLAUTH_NONE);
	curl_slist_free_all(h);
	if (k.over)
		return cp_error_set(
		    err, CP_EDATA,
		    cp_ngettext_error("the HTTP answer is longer than %zu byte",
				      "the HTTP answer is longer than %zu "
				      "bytes",
				      response->max),
		    response->max);
	if (rc != CURLE_OK)
		return cp_error_set(
		    err, CP_EUNAVAIL,
		    rq->content_type
			/* TRANSLATORS: %s is libcurl's own words (English). */
			? N_("the HTTP POST failed: %s")
			/* TRANSLATORS: %s is libcurl's own words (English). */
			: N_("the HTTP GET failed: %s"),
		    curl_easy_strerror(rc));
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
	return 0;
}

int cp_http_client_ca(struct cp_http_client *c, const char *ca_file,
		      struct cp_error *err)
{
	/* libcurl copies the string. */
	if (curl_easy_setopt(c->curl, CURLOPT_CAINFO, ca_file) != CURLE_OK)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	return 0;
}

void cp_http_client_free(struct cp_http_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	free(c);
}
