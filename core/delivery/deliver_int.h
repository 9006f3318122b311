/*
 * deliver_int.h - private to the delivery files: the channel interface
 * each peer implements. Only deliver_smtp.c and deliver_http.c include
 * curl.h.
 */
#ifndef CP_DELIVER_INT_H
#define CP_DELIVER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "deliver.h"

/* One message ready for a channel. */
struct cp_outgoing {
	const char *to_addr;
	const char *mime; /* the whole RFC 5322 message (email, outbox) */
	size_t mime_len;
	const char *json; /* the webhook body */
	const char *id;	  /* stable per message: webhook-id, file name */
	const char *file; /* outbox file name */
	const char *url;  /* chat: the team's webhook (a credential) */
};

enum cp_outcome {
	CP_OUT_SENT,
	CP_OUT_TRANSIENT,   /* try again later: 4xx SMTP, 5xx/429 HTTP */
	CP_OUT_PERMANENT,   /* this message will never go: record why */
	CP_OUT_UNAVAILABLE, /* the peer cannot be used at all: stop */
};

struct cp_attempt {
	enum cp_outcome outcome;
	int64_t retry_after; /* seconds the peer asked us to wait, or 0 */
	int peer_down;	     /* could not reach the peer at all */
	char reason[256];    /* never holds a credential or a URL */
};

/*
 * What the sending loop does while a channel waits on its peer, so that
 * its own work for a message overlaps the peer's instead of adding to it.
 */
struct cp_overlap {
	/* The work to finish before any of a message's content reaches
	 * the peer, in steps: each call does one and returns > 0 while
	 * another remains, 0 when all are done. SMTP runs a step each time
	 * a command of the envelope is on its way (MAIL FROM, RCPT TO: the
	 * envelope alone delivers nothing; the message is taken at the end
	 * of its DATA), runs what is left before the content, and runs them
	 * all, whatever happened, before it returns. < 0: the message must
	 * not go, and the channel gives it up (the outcome is then the
	 * caller's to ignore); no step runs after that. */
	int (*before)(void *arg);
	/* Called at most once a message, after the before hook is done,
	 * while the channel waits on its peer (SMTP: for the answer to a
	 * command of the envelope, which has not come yet). Its work must
	 * not touch the message being sent. */
	void (*idle)(void *arg);
	void *arg;
};

struct cp_channel {
	const char *name;
	void *self;
	void (*send)(void *self, const struct cp_outgoing *m,
		     struct cp_attempt *a);
	/* send, calling ov's hooks as it goes; NULL when the channel has
	 * no such thing (the caller then runs before ahead of send). */
	void (*send_overlapped)(void *self, const struct cp_outgoing *m,
				const struct cp_overlap *ov,
				struct cp_attempt *a);
	void (*close)(void *self);
};

/*
 * The tls.ca_file setting: the certificates (PEM) SMTP and HTTPS peers
 * are verified against instead of the system's, for a private CA. *out
 * is malloc'ed, or NULL when unset; a file that cannot be read or holds
 * no certificate is CP_EUSAGE naming it.
 */
int cp_deliver_ca_file(struct cp_store *st, char **out, struct cp_error *err);

/* Each opens its peer from the settings (st), with timeout seconds. */
int cp_smtp_open(struct cp_channel *ch, struct cp_store *st, long timeout,
		 struct cp_error *err);
int cp_webhook_open(struct cp_channel *ch, struct cp_store *st, long timeout,
		    struct cp_error *err);
/* check_only: a dry run's check of outbox.dir, which creates nothing. */
int cp_outbox_open(struct cp_channel *ch, struct cp_store *st, int check_only,
		   struct cp_error *err);

/*
 * The chat channel (Slack, Microsoft Teams): plain JSON posts to each
 * team's incoming webhook, read from the file named by chat.webhooks_file
 * ("Team name = https://..." lines; it must not be readable by others).
 */
int cp_chat_open(struct cp_channel *ch, struct cp_store *st, long timeout,
		 struct cp_error *err);
/* The URL for team (borrowed from ch), or NULL when the file has none. */
const char *cp_chat_url(const struct cp_channel *ch, const char *team);

/* cp_deliver_ready without the send lock (tick holds it already). */
int cp_deliver_ready_run(struct cp_store *st, const struct cp_send_options *o,
			 struct cp_ready_report *r, struct cp_error *err);

#endif
