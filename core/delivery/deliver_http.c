/*
 * deliver_http.c - the webhook channel: one JSON POST per message to
 * webhook.url, signed in the Standard Webhooks form. The URL is a
 * credential: https only (http only to this machine), no redirects, a
 * timeout always set, and it never appears in a message or a log. Also
 * the chat channels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "curl_lazy.h"
#include "deliver_int.h"
#include "http_client.h"
#include "i18n.h"
#include "text.h"

#define SECRET_MAX 512

struct webhook {
	CURL *curl;
	uint8_t secret[SECRET_MAX];
	size_t secret_len;
};

static size_t discard(char *ptr, size_t size, size_t nmemb, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * nmemb;
}

static void webhook_close(void *self)
{
	struct webhook *w = self;

	if (w == NULL)
		return;
	curl_easy_cleanup(w->curl);
	memset(w->secret, 0, sizeof(w->secret));
	free(w);
}

/* "v1,<base64 HMAC-SHA256 of id.timestamp.body>" into out. */
static int sign(const struct webhook *w, const char *id, long long ts,
		const char *body, char *out, size_t n)
{
	uint8_t mac[CP_SHA256_LEN];
	char b64[64];
	struct cp_buf b;
	int rc;

	cp_buf_init(&b, 16u * 1024u * 1024u);
	rc = cp_buf_printf(&b, NULL, "%s.%lld.%s", id, ts, body);
	if (rc == 0 &&
	    cp_hmac_sha256(w->secret, w->secret_len, b.data, b.len, mac))
		rc = CP_ENOMEM;
	if (rc == 0) {
		cp_base64(mac, sizeof(mac), b64);
		snprintf(out, n, "v1,%s", b64);
	}
	cp_buf_release(&b);
	return rc;
}

/*
 * POSTs json with the headers h (freed here) on curl, and says in *a how it
 * went: sent on 2xx; transient on a transport error, 408, 425, 429 or 5xx
 * (with Retry-After); unavailable when TLS or the protocol fails; permanent
 * otherwise. what names the peer in a->reason, which never holds the URL.
 */
static void post_json(CURL *curl, struct curl_slist *h, const char *json,
		      const char *what, struct cp_attempt *a)
{
	curl_off_t retry_after = 0;
	long status = 0;
	CURLcode rc;

	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
			 (curl_off_t)strlen(json));
	rc = curl_easy_perform(curl);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	if (rc != CURLE_OK) {
		/* curl_easy_strerror names no host and no path. */
		snprintf(a->reason, sizeof(a->reason), "%s: %s", what,
			 curl_easy_strerror(rc));
		a->outcome = CP_OUT_TRANSIENT;
		a->peer_down = rc == CURLE_COULDNT_CONNECT ||
			       rc == CURLE_COULDNT_RESOLVE_HOST;
		if (rc == CURLE_SSL_CONNECT_ERROR ||
		    rc == CURLE_PEER_FAILED_VERIFICATION ||
		    rc == CURLE_UNSUPPORTED_PROTOCOL)
			a->outcome = CP_OUT_UNAVAILABLE;
		return;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after);
	if (status >= 200 && status < 300) {
		a->outcome = CP_OUT_SENT;
		return;
	}
	snprintf(a->reason, sizeof(a->reason), "%s: HTTP %ld%s", what, status,
		 status >= 300 && status < 400 ? " (redirects are not followed)"
					       : "");
	a->retry_after = (int64_t)retry_after;
	if (status == 429 || status == 408 || status == 425 || status >= 500)
		a->outcome = CP_OUT_TRANSIENT;
	else
		a->outcome = CP_OUT_PERMANENT;
}

static void webhook_send(void *self, const struct cp_outgoing *m,
			 struct cp_attempt *a)
{
	struct webhook *w = self;
	struct curl_slist *h = NULL, *next;
	char line[256], sig[128];
	long long ts = (long long)time(NULL);
	int bad = 0;

	memset(a, 0, sizeof(*a));
	if (sign(w, m->id, ts, m->json, sig, sizeof(sig))) {
		a->outcome = CP_OUT_PERMANENT;
		snprintf(a->reason, sizeof(a->reason), "message too large");
		return;
	}
	const char *lines[] = {"Content-Type: application/json", NULL, NULL,
			       NULL};
	for (int i = 0; i < 4 && !bad; i++) {
		if (i == 1)
			snprintf(line, sizeof(line), "webhook-id: %s", m->id);
		else if (i == 2)
			snprintf(line, sizeof(line), "webhook-timestamp: %lld",
				 ts);
		else if (i == 3)
			snprintf(line, sizeof(line), "webhook-signature: %s",
				 sig);
		next = curl_slist_append(h, i == 0 ? lines[0] : line);
		if (next == NULL)
			bad = 1;
		else
			h = next;
	}
	if (bad) {
		curl_slist_free_all(h);
		a->outcome = CP_OUT_TRANSIENT;
		snprintf(a->reason, sizeof(a->reason), "out of memory");
		return;
	}
	post_json(w->curl, h, m->json, "webhook", a);
}

int cp_webhook_open(struct cp_channel *ch, struct cp_store *st, long timeout,
		    struct cp_error *err)
{
	char *url = NULL, *secret = NULL, *host = NULL, *scheme = NULL;
	char *ca = NULL;
	struct webhook *w = NULL;
	CURLU *u = NULL;
	long len;
	int rc;

	rc = cp_config_get(st, "webhook.url", &url, NULL, err);
	if (rc == 0 && url == NULL)
		rc =
		    cp_error_set(err, CP_EUSAGE,
				 N_("no webhook URL: set CAREPULSE_WEBHOOK_URL "
				    "or webhook.url_file (it is a credential, "
				    "never stored)"));
	rc = rc ? rc : cp_config_secret(st, "webhook.secret", &secret, err);
	if (rc == 0 && (secret == NULL || *secret == '\0'))
		rc = cp_error_set(err, CP_EUSAGE,
				  N_("no webhook signing secret: set "
				     "CAREPULSE_WEBHOOK_SECRET or "
				     "webhook.secret_file"));
	rc = rc ? rc : cp_deliver_ca_file(st, &ca, err);
	if (rc)
		goto done;
	u = curl_url();
	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		rc = cp_error_set(err, CP_EUSAGE,
				  N_("the webhook URL is not a valid URL"));
		goto done;
	}
	if (strcmp(scheme, "https") != 0 &&
	    !(strcmp(scheme, "http") == 0 && cp_host_is_loopback(host))) {
		rc =
		    cp_error_set(err, CP_EUSAGE,
				 N_("the webhook URL must be https:// (http:// "
				    "only to 127.0.0.1 or localhost)"));
		goto done;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		goto done;
	}
	if ((rc = cp_curl_easy_open(&w->curl, err)) != 0)
		goto done;
	/* A Standard Webhooks secret "whsec_<base64>" is the decoded key. */
	if (strncmp(secret, "whsec_", 6) == 0) {
		len =
		    cp_base64_decode(secret + 6, w->secret, sizeof(w->secret));
		if (len <= 0) {
			rc =
			    cp_error_set(err, CP_EUSAGE,
					 N_("the webhook secret 'whsec_...' is "
					    "not valid base64"));
			goto done;
		}
		w->secret_len = (size_t)len;
	} else {
		w->secret_len = strlen(secret);
		if (w->secret_len > sizeof(w->secret)) {
			rc = cp_error_set(err, CP_EUSAGE,
					  N_("the webhook secret is too long"));
			goto done;
		}
		memcpy(w->secret, secret, w->secret_len);
	}
	curl_easy_setopt(w->curl, CURLOPT_URL, url);
	curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR,
			 strcmp(scheme, "https") == 0 ? "https" : "http");
	curl_easy_setopt(w->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->curl, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(w->curl, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(w->curl, CURLOPT_USERAGENT, "carepulse");
	if (ca)
		curl_easy_setopt(w->curl, CURLOPT_CAINFO, ca); /* copied */
	ch->name = "webhook";
	ch->self = w;
	ch->send = webhook_send;
	ch->send_overlapped = NULL;
	ch->close = webhook_close;
	w = NULL;
done:
	webhook_close(w);
	curl_free(host);
	curl_free(scheme);
	curl_url_cleanup(u);
	free(url);
	free(ca);
	if (secret)
		memset(secret, 0, strlen(secret));
	free(secret);
	return rc;
}

/* ---- chat: Slack and Microsoft Teams incoming webhooks ---- */

#define CHAT_FILE_MAX  (1024u * 1024u)
#define CHAT_TEAMS_MAX 10000

struct chat {
	CURL *curl;
	char *text; /* the file, cut into names and URLs in place */
	const char **team, **url;
	size_t n;
};

static void chat_close(void *self)
{
	struct chat *c = self;

	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	if (c->text)
		memset(c->text, 0, strlen(c->text));
	free(c->text);
	free(c->team);
	free(c->url);
	free(c);
}

static void chat_send(void *self, const struct cp_outgoing *m,
		      struct cp_attempt *a)
{
	struct chat *c = self;
	struct curl_slist *h;

	memset(a, 0, sizeof(*a));
	h = curl_slist_append(NULL, "Content-Type: application/json");
	if (h == NULL) {
		a->outcome = CP_OUT_TRANSIENT;
		snprintf(a->reason, sizeof(a->reason), "out of memory");
		return;
	}
	curl_easy_setopt(c->curl, CURLOPT_URL, m->url);
	post_json(c->curl, h, m->json, "chat webhook", a);
}

/* https, or http to this machine; never says what the URL was. */

static int chat_parse(struct chat *c, const char *path, struct cp_error *err)
{
	char *line = c->text, *next, *eq, *name, *url;
	int lineno = 0;

	c->team = calloc(CHAT_TEAMS_MAX, sizeof(*c->team));
	c->url = calloc(CHAT_TEAMS_MAX, sizeof(*c->url));
	if (c->team == NULL || c->url == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	for (; line && *line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		cp_trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		/* Names hold no '='; URLs may, in their query. */
		eq = strchr(line, '=');
		if (eq == NULL)
			return cp_error_set_at(err, CP_EDATA, path, lineno, 0,
					       N_("expected 'team name = "
						  "https://...'"));
		*eq = '\0';
		name = cp_trim(line);
		url = cp_trim(eq + 1);
		if (*name == '\0' || !cp_http_url_allowed(url))
			return cp_error_set_at(
			    err, CP_EDATA, path, lineno, 0,
			    N_("expected 'team name = https://...' (http:// "
			       "only to 127.0.0.1 or localhost)"));
		if (c->n == CHAT_TEAMS_MAX)
			return cp_error_set_at(err, CP_EDATA, path, lineno, 0,
					       N_("more than %d teams"),
					       CHAT_TEAMS_MAX);
		c->team[c->n] = name;
		c->url[c->n++] = url;
	}
	return 0;
}

int cp_chat_open(struct cp_channel *ch, struct cp_store *st, long timeout,
		 struct cp_error *err)
{
	struct stat sb;
	struct cp_buf b;
	struct chat *c;
	char *path = NULL;
	char *ca = NULL;
	int rc;

	rc = cp_config_get(st, "chat.webhooks_file", &path, NULL, err);
	if (rc)
		return rc;
	if (path == NULL)
		return cp_error_set(
		    err, CP_EUSAGE,
		    N_("chat.webhooks_file is not set: name a "
		       "file of 'team name = webhook URL' lines "
		       "(mode 0600)"));
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		free(path);
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	}
	cp_buf_init(&b, CHAT_FILE_MAX);
	if (stat(path, &sb) == 0 && (sb.st_mode & 077))
		rc =
		    cp_error_set_at(err, CP_EDATA, path, 0, 0,
				    N_("chat webhook URLs are credentials, but "
				       "the file is readable by others (mode "
				       "%03o): chmod 600 it"),
				    (unsigned)(sb.st_mode & 0777));
	if (rc == 0)
		rc = cp_buf_read_file(&b, path, err);
	if (rc == 0) {
		c->text = cp_buf_detach(&b);
		rc = c->text
			 ? chat_parse(c, path, err)
			 : cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	}
	if (rc == 0)
		rc = cp_deliver_ca_file(st, &ca, err);
	if (rc == 0)
		rc = cp_curl_easy_open(&c->curl, err);
	cp_buf_release(&b);
	free(path);
	if (rc) {
		free(ca);
		chat_close(c);
		return rc;
	}
	if (ca)
		curl_easy_setopt(c->curl, CURLOPT_CAINFO, ca); /* copied */
	free(ca);
	curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "carepulse");
	ch->name = "chat";
	ch->self = c;
	ch->send = chat_send;
	ch->send_overlapped = NULL;
	ch->close = chat_close;
	return 0;
}

const char *cp_chat_url(const struct cp_channel *ch, const char *team)
{
	const struct chat *c = ch->self;

	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->team[i], team) == 0)
			return c->url[i];
	return NULL;
}
