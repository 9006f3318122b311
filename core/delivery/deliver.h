/*
 * deliver.h - sending a wave's invitations and reminders through its
 * channel (email over SMTP, a signed webhook, or an outbox folder), and
 * the scheduler `tick` that opens, sends, reminds, closes and recurs.
 *
 * Sending is idempotent and resumable: an invitation is marked sending
 * and committed before its message goes to the peer, and sent after (in
 * the commit that marks the next one, or alone after the last), so a run
 * killed at any moment and run again sends every invitation once, except
 * at most the one in flight at the kill, which goes again with the same
 * Message-ID and link. Transient failures are retried with capped
 * exponential backoff and jitter (Retry-After honoured); permanent ones
 * are recorded with their reason and the batch goes on. A peer that cannot
 * be used at all (no STARTTLS, AUTH refused, nothing listening) stops the
 * batch with CP_EUNAVAIL and marks nothing sent. One run sends on a
 * database at a time (an advisory lock next to it); a second gets
 * CP_ECONFLICT.
 */
#ifndef CP_DELIVER_H
#define CP_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "error.h"
#include "store.h"

/*
 * Loads libcurl and initialises it (and the TLS library under it) once
 * for the whole program, if that has not happened yet; the first call of
 * any libcurl function does the same (curl_lazy.h), under pthread_once,
 * so no command that never talks to the network loads it. Gives
 * curl_global_init's failure. cp_deliver_global_cleanup at exit cleans up
 * when it was loaded.
 */
int cp_deliver_global_init(struct cp_error *err);
void cp_deliver_global_cleanup(void);

struct cp_send_report {
	char channel[16];
	size_t todo;	 /* selected at the start */
	size_t done;	 /* handled so far */
	size_t sent;	 /* accepted by the peer (or written) */
	size_t failed;	 /* permanently, with a reason */
	size_t deferred; /* transient, retried by a later run */
	size_t retries;	 /* extra attempts made */
	size_t posts;	 /* team posts to Slack or Teams */
	double seconds;
	/* Reminders: the policy (remind.max, remind.interval in seconds)
	 * and, after the run, who is left and when the next one is due
	 * (the wave's closing time is not taken into account). */
	long remind_max;
	int64_t remind_interval;
	struct cp_remind_outlook outlook;
};

struct cp_send_options {
	int dry_run; /* build every message, send and change nothing */
	/* Called after each message (and at the end); may be NULL. */
	void (*progress)(const struct cp_send_report *r, void *arg);
	void *arg;
};

/* Sends the wave's pending invitations (and resends those left in
 * flight, and due retries). The wave must be open. */
int cp_deliver_send(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		    int64_t wave, const struct cp_send_options *o,
		    struct cp_send_report *r, struct cp_error *err);

/* Reminds those who have not answered, by the policy in the settings
 * remind.max and remind.interval. The wave must be open. */
int cp_deliver_remind(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		      int64_t wave, const struct cp_send_options *o,
		      struct cp_send_report *r, struct cp_error *err);

/* Results-ready mails (deliver_ready.c). */
struct cp_ready_report {
	size_t waves;  /* closed waves whose mails were queued in this run */
	size_t todo;   /* mails not sent yet at the start */
	size_t sent;   /* accepted by the peer (or written) */
	size_t failed; /* refused, or a transient failure: tried again by
			  the next runs, up to five in all */
};

/*
 * Tells the viewers of every closed wave that its results are ready: one
 * mail per viewer and wave (those who may see at least one of its teams,
 * core/access), through the wave's channel (email, outbox, or a webhook
 * event "results.ready"; a chat wave's chat.invitations), linking to the
 * portal's sign-in page (base_url "/portal/") and holding no result. The
 * mails of a wave are decided once, at the first run after it closed;
 * each is marked sending before it goes, so a rerun after a kill sends
 * none twice (at most the one in flight again, with its Message-ID).
 * Waves closed before schema 10 are not mailed. Takes the send lock as
 * cp_deliver_send does (CP_ECONFLICT when another run holds it); tick
 * does the same after closing.
 */
int cp_deliver_ready(struct cp_store *st, const struct cp_send_options *o,
		     struct cp_ready_report *r, struct cp_error *err);

struct cp_tick_report {
	size_t opened, closed, created;
	struct cp_ready_report ready;
	struct cp_send_report sent, reminded;
	size_t waves_failed; /* waves whose sending failed (see err) */
	int busy;	     /* another run held the send lock: nothing done */
};

/*
 * One scheduler step at the store's clock: opens scheduled waves that are
 * due, closes waves past their closing time, creates the next wave of
 * every active series whose slot has come (cp_series_recur), sends the
 * results-ready mails of closed waves (cp_deliver_ready), then sends
 * and reminds every open wave. A wave that cannot be sent - its peer
 * unavailable, or a setting of its channel missing or wrong - does not
 * stop the others or the steps before: the last such error is in err and
 * the return value, as CP_EUNAVAIL.
 *
 * With o->dry_run all of it runs inside one transaction that is rolled
 * back (cp_store_what_if_begin), sending only building each message and
 * checking the channel's settings, so every count is what the real run
 * would report at the same time, and nothing changes.
 */
int cp_deliver_tick(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		    const struct cp_send_options *o, struct cp_tick_report *r,
		    struct cp_error *err);

/* One message to one person outside a wave (a portal sign-in link). */
struct cp_one_message {
	const char *kind; /* names an outbox file: "signin" */
	const char *to_name;
	const char *to_addr;
	const char *subject;
	const char *text;
	const char *html;     /* NULL: text only */
	const char *language; /* Content-Language; NULL: "en" */
};

/*
 * Sends msg once: by SMTP when smtp.url is set, else into outbox.dir
 * (CP_EUSAGE when neither is), from mail.from, with a random Message-ID.
 * CP_EUNAVAIL when the peer refuses it; nothing is recorded, the person
 * asks again.
 */
int cp_deliver_message(struct cp_store *st, const struct cp_one_message *msg,
		       struct cp_error *err);

#endif
