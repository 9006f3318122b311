/*
 * deliver_smtp.c - the email channel: SMTP through libcurl over one
 * connection (one easy handle) reused for every message, STARTTLS required
 * unless smtp.tls = none (loopback only), or smtps://. AUTH comes from the
 * environment or a file (cp_config_secret), never from argv, never logged.
 *
 * The handle is driven through a multi handle of its own, so the sending
 * loop's work (marking the message sending, building the next one) runs
 * while the server answers instead of after it (struct cp_overlap).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "curl_lazy.h"
#include "deliver_int.h"
#include "http_client.h"
#include "i18n.h"
#include "mail.h"

struct smtp {
	CURL *curl;
	CURLM *multi;	/* holds the connection between messages */
	char from[300]; /* "<addr>" */
	char errbuf[CURL_ERROR_SIZE];
	/* the message being uploaded */
	const char *data;
	size_t len, pos;
	const struct cp_overlap *ov; /* its hooks, or NULL */
	int before_done, before_failed;
};

/* One step of the overlap's before hook: 1 while steps remain, 0 once
 * all are done, -1 when it says stop. */
static int before(struct smtp *s)
{
	int r;

	if (s->before_done)
		return s->before_failed ? -1 : 0;
	r = s->ov && s->ov->before ? s->ov->before(s->ov->arg) : 0;
	if (r > 0)
		return 1;
	s->before_done = 1;
	s->before_failed = r < 0;
	return s->before_failed ? -1 : 0;
}

/* The rest of the before hook, at once: 0, or -1 when it says stop. */
static int before_all(struct smtp *s)
{
	int r;

	while ((r = before(s)) > 0)
		;
	return r;
}

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct smtp *s = arg;
	size_t n = size * nmemb, left = s->len - s->pos;

	/* Not one byte of the message before the hook is done (the
	 * transfer loop runs its steps while the server answers the
	 * envelope; what the server's speed left over runs here). */
	if (before_all(s))
		return CURL_READFUNC_ABORT;
	if (n > left)
		n = left;
	memcpy(ptr, s->data + s->pos, n);
	s->pos += n;
	return n;
}

static void smtp_close(void *self)
{
	struct smtp *s = self;

	if (s == NULL)
		return;
	/* Cleaning up the multi handle, which keeps the open connection,
	 * sends QUIT on it. */
	curl_easy_cleanup(s->curl);
	curl_multi_cleanup(s->multi);
	free(s);
}

/* One transfer of the easy handle through the multi handle, calling the
 * overlap's hooks on the way; what curl_easy_perform would return. */
static CURLcode transfer(struct smtp *s)
{
	CURLcode result = CURLE_ABORTED_BY_CALLBACK;
	CURLMsg *msg;
	int running = 1, left, idled = 0, step = 0;

	if (curl_multi_add_handle(s->multi, s->curl) != CURLM_OK)
		return CURLE_OUT_OF_MEMORY;
	for (;;) {
		if (curl_multi_perform(s->multi, &running) != CURLM_OK) {
			result = CURLE_OUT_OF_MEMORY;
			break;
		}
		/* A command of the envelope went (or a connection is being
		 * set up): a step of the hook runs while the server answers
		 * it. */
		if ((step = before(s)) < 0)
			break;
		if (!running) {
			while ((msg = curl_multi_info_read(s->multi, &left)))
				if (msg->msg == CURLMSG_DONE &&
				    msg->easy_handle == s->curl)
					result = msg->data.result;
			break;
		}
		/* The hook's steps are done and a command is on its way: the
		 * idle hook runs while the server answers it, unless the
		 * answer is already here. Not after the content: libcurl
		 * waits for the verdict on it inside curl_multi_perform. */
		if (step == 0 && !idled && s->ov && s->ov->idle) {
			int ready = 0;

			if (curl_multi_poll(s->multi, NULL, 0, 0, &ready) !=
			    CURLM_OK) {
				result = CURLE_OUT_OF_MEMORY;
				break;
			}
			if (ready == 0) {
				idled = 1;
				s->ov->idle(s->ov->arg);
			}
			continue;
		}
		/* A step left means the mark's transaction is open: it
		 * holds the database's write lock (serve's writer waits on
		 * it), so no wait for the peer before its COMMIT runs. */
		if (curl_multi_poll(s->multi, NULL, 0, step > 0 ? 0 : 1000,
				    NULL) != CURLM_OK) {
			result = CURLE_OUT_OF_MEMORY;
			break;
		}
	}
	/* Unfinished (the hook said stop): curl closes the connection, and
	 * the server drops the transaction with nothing delivered. */
	curl_multi_remove_handle(s->multi, s->curl);
	/* A transfer that ended early (refused, failed) still finishes the
	 * hook: nothing it began stays open while the caller waits. */
	(void)before_all(s);
	return result;
}

static void smtp_send_overlapped(void *self, const struct cp_outgoing *m,
				 const struct cp_overlap *ov,
				 struct cp_attempt *a)
{
	struct smtp *s = self;
	struct curl_slist *rcpt = NULL;
	char to[300];
	long code = 0;
	CURLcode rc;

	memset(a, 0, sizeof(*a));
	s->ov = ov;
	s->before_done = s->before_failed = 0;
	snprintf(to, sizeof(to), "<%s>", m->to_addr);
	rcpt = curl_slist_append(NULL, to);
	if (rcpt == NULL) {
		a->outcome = CP_OUT_TRANSIENT;
		snprintf(a->reason, sizeof(a->reason), "out of memory");
		return;
	}
	s->data = m->mime;
	s->len = m->mime_len;
	s->pos = 0;
	s->errbuf[0] = '\0';
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE,
			 (curl_off_t)m->mime_len);
	rc = transfer(s);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK) {
		a->outcome = CP_OUT_SENT;
		return;
	}
	snprintf(a->reason, sizeof(a->reason), "SMTP: %s",
		 s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc));
	switch (rc) {
	case CURLE_USE_SSL_FAILED:
		a->outcome = CP_OUT_UNAVAILABLE;
		snprintf(a->reason, sizeof(a->reason),
			 "the SMTP server does not offer STARTTLS, and "
			 "smtp.tls is 'required': use a server with TLS, "
			 "smtps://, or (on loopback only) smtp.tls none");
		return;
	case CURLE_LOGIN_DENIED:
		a->outcome = CP_OUT_UNAVAILABLE;
		snprintf(a->reason, sizeof(a->reason),
			 "the SMTP server refused the login: check "
			 "smtp.user and the password (CAREPULSE_SMTP_PASSWORD "
			 "or smtp.password_file)");
		return;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		a->outcome = CP_OUT_UNAVAILABLE;
		return;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		a->outcome = CP_OUT_TRANSIENT;
		a->peer_down = 1;
		return;
	default:
		break;
	}
	/* 5xx is permanent (a refused recipient); 4xx and the rest are
	 * worth another try. */
	a->outcome =
	    code >= 500 && code < 600 ? CP_OUT_PERMANENT : CP_OUT_TRANSIENT;
}

static void smtp_send(void *self, const struct cp_outgoing *m,
		      struct cp_attempt *a)
{
	smtp_send_overlapped(self, m, NULL, a);
}

int cp_smtp_open(struct cp_channel *ch, struct cp_store *st, long timeout,
		 struct cp_error *err)
{
	char *url = NULL, *tls = NULL, *user = NULL, *password = NULL;
	char *from = NULL, *host = NULL, *ca = NULL, addr[256];
	struct smtp *s = NULL;
	CURLU *u = NULL;
	int rc, smtps;

	rc = cp_config_get(st, "smtp.url", &url, NULL, err);
	if (rc == 0 && url == NULL)
		rc =
		    cp_error_set(err, CP_EUSAGE,
				 N_("smtp.url is not set: carepulse config set "
				    "smtp.url smtp://mail.example.org:587"));
	rc = rc ? rc : cp_config_get(st, "smtp.tls", &tls, NULL, err);
	rc = rc ? rc : cp_config_get(st, "mail.from", &from, NULL, err);
	if (rc == 0 && from == NULL)
		rc = cp_error_set(
		    err, CP_EUSAGE,
		    N_("mail.from is not set: carepulse config set "
		       "mail.from 'Team Pulse <pulse@example.org>'"));
	rc = rc ? rc : cp_mail_address(from, addr, sizeof(addr), err);
	rc = rc ? rc : cp_config_get(st, "smtp.user", &user, NULL, err);
	rc = rc ? rc : cp_config_secret(st, "smtp.password", &password, err);
	rc = rc ? rc : cp_deliver_ca_file(st, &ca, err);
	if (rc)
		goto done;
	smtps = strncmp(url, "smtps://", 8) == 0;
	u = curl_url();
	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		rc = cp_error_set(err, CP_EUSAGE,
				  N_("smtp.url '%s' is not a valid URL"), url);
		goto done;
	}
	if (!smtps && strcmp(tls, "none") == 0 && !cp_host_is_loopback(host)) {
		rc = cp_error_set(
		    err, CP_EUSAGE,
		    N_("smtp.tls none is allowed only for a server "
		       "on this machine (127.0.0.1, ::1, localhost), "
		       "not '%s'"),
		    host);
		goto done;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		goto done;
	}
	if ((rc = cp_curl_easy_open(&s->curl, err)) != 0)
		goto done;
	if ((s->multi = curl_multi_init()) == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, N_("cannot start libcurl"));
		goto done;
	}
	snprintf(s->from, sizeof(s->from), "<%s>", addr);
	curl_easy_setopt(s->curl, CURLOPT_URL, url);
	curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(s->curl, CURLOPT_USE_SSL,
			 smtps || strcmp(tls, "none") ? (long)CURLUSESSL_ALL
						      : (long)CURLUSESSL_NONE);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, s->from);
	curl_easy_setopt(s->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(s->curl, CURLOPT_READDATA, s);
	curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, timeout);
	if (ca)
		curl_easy_setopt(s->curl, CURLOPT_CAINFO, ca); /* copied */
	if (user && *user) {
		curl_easy_setopt(s->curl, CURLOPT_USERNAME, user);
		curl_easy_setopt(s->curl, CURLOPT_PASSWORD,
				 password ? password : "");
	}
	ch->name = "email";
	ch->self = s;
	ch->send = smtp_send;
	ch->send_overlapped = smtp_send_overlapped;
	ch->close = smtp_close;
	s = NULL;
done:
	if (s) {
		curl_easy_cleanup(s->curl);
		curl_multi_cleanup(s->multi);
		free(s);
	}
	curl_free(host);
	curl_url_cleanup(u);
	free(url);
	free(tls);
	free(from);
	free(ca);
	free(user);
	/* libcurl copied the password; our copy does not linger. */
	if (password)
		memset(password, 0, strlen(password));
	free(password);
	return rc;
}
