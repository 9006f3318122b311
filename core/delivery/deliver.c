/*
 * deliver.c - the sending loop, reminders and the scheduler. It builds
 * each message (token, link, template, MIME or JSON), moves invitations
 * through their states in the store, and hands messages to a channel
 * (deliver_int.h). It knows no protocol itself.
 */
#include "deliver.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "deliver_int.h"
#include "i18n.h"
#include "json_load.h"
#include "mail.h"
#include "survey.h"
#include "token.h"
#include "wave.h"
#include "when.h"

#define BACKOFF_CAP_MS	  60000
#define RETRY_AFTER_MAX	  300 /* longer waits are deferred to a later run */
#define DEFER_SECONDS	  300 /* a transient failure is retried after this */
#define MESSAGE_MAX	  (1024u * 1024u)
#define PROGRESS_EVERY_MS 100
#define MAX_LANGS	  8

enum job {
	JOB_INVITE,
	JOB_REMIND
};

/* Everything one run needs, loaded once. */
struct run {
	struct cp_store *st;
	const uint8_t *key;
	struct cp_wave wave;
	struct cp_survey *survey; /* the wave's pinned definition */
	char from[512];
	char domain[256];
	char base_url[2048];
	char threshold[8];
	/* The templates by language (i18n.h's order) and kind: a built-in
	 * one is loaded, translated, the first time a language needs it; a
	 * file of one's own (mail.*_template) serves every language. */
	struct cp_template *tpl[MAX_LANGS][3];
	char tpl_path[3][4096];
	const struct cp_lang *default_lang; /* setting "language" */
	int minutes;			    /* how long the survey takes */
	char contact[600];		    /* whom to ask */
	int one_click; /* base_url is https: List-Unsubscribe */
	struct cp_channel ch;
	int have_channel;
	struct cp_channel chat; /* slack and teams waves: team posts */
	int have_chat;
	int chat_wave;
	char personal[16]; /* the channel of personal messages */
	long retries, backoff_ms, timeout;
	const struct cp_send_options *o;
	struct cp_send_report *r;
	struct timespec start, last_progress;
	/* The outcome of the last invitation that went to the peer, not
	 * recorded yet: the transaction that marks the next one sending
	 * records it (one commit a message instead of two), else
	 * record_held after the loop. Until then that one is still
	 * 'sending': the one in flight. */
	struct held {
		int have;
		int64_t invitation_id;
		enum cp_outcome outcome;
		int64_t at, retry_after;
		char reason[256];
	} held;
	/* The loop's place, for the overlap hooks (deliver_one). */
	const struct cp_delivery *list;
	size_t count, cur;
	enum job job;
	int mark_step; /* the current message's before hook: 0 not begun,
			* 1 its transaction open, 2 done */
	int mark_rc;   /* and failed with this, into mark_err */
	struct cp_error *mark_err;
	/* Messages built ahead: message i in slot i % 2, the next one
	 * built while the peer takes the current one. */
	struct cp_buf mime[2], json[2];
	char id[2][33], file[2][128];
	size_t built_index[2];
	int built[2];
};

int cp_deliver_ca_file(struct cp_store *st, char **out, struct cp_error *err)
{
	struct cp_buf b;
	int rc;

	rc = cp_config_get(st, "tls.ca_file", out, NULL, err);
	if (rc || *out == NULL)
		return rc;
	cp_buf_init(&b, 16u * 1024u * 1024u);
	rc = cp_buf_read_file(&b, *out, err);
	if (rc == 0 &&
	    strstr(cp_buf_str(&b), "-----BEGIN CERTIFICATE-----") == NULL)
		rc = cp_error_set_at(
		    err, CP_EUSAGE, *out, 0, 0,
		    N_("tls.ca_file: no PEM certificate in it "
		       "(expected -----BEGIN CERTIFICATE-----)"));
	else if (rc)
		rc = cp_error_prefix(err, "tls.ca_file");
	cp_buf_release(&b);
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) +
	       (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0)
		;
}

static void progress(struct run *run, int final)
{
	run->r->seconds = since(&run->start);
	if (run->o == NULL || run->o->progress == NULL)
		return;
	if (!final && since(&run->last_progress) * 1000 < PROGRESS_EVERY_MS)
		return;
	clock_gettime(CLOCK_MONOTONIC, &run->last_progress);
	run->o->progress(run->r, run->o->arg);
}

static int get_string(struct cp_store *st, const char *key, char *out, size_t n,
		      int required, struct cp_error *err)
{
	char *v = NULL;
	int rc = cp_config_get(st, key, &v, NULL, err);

	if (rc)
		return rc;
	if (v == NULL && required)
		return cp_error_set(err, CP_EUSAGE,
				    N_("setting '%s' is not set: see "
				       "'carepulse config list'"),
				    key);
	if (v && strlen(v) >= n)
		rc = cp_error_set(err, CP_EDATA, N_("setting '%s' is too long"),
				  key);
	else
		cp_strlcpy(out, v ? v : "", n);
	free(v);
	return rc;
}

static void run_release(struct run *run)
{
	for (int k = 0; k < 2; k++) {
		cp_buf_release(&run->mime[k]);
		cp_buf_release(&run->json[k]);
	}
	for (int l = 0; l < MAX_LANGS; l++)
		for (int i = 0; i < 3; i++)
			cp_template_free(run->tpl[l][i]);
	cp_survey_free(run->survey);
	if (run->have_channel)
		run->ch.close(run->ch.self);
	if (run->have_chat)
		run->chat.close(run->chat.self);
}

/* The setting "language": messages for people without their own. */
static int default_language(struct run *run, struct cp_error *err)
{
	char code[16];
	int rc = get_string(run->st, "language", code, sizeof(code), 0, err);

	if (rc == 0 && code[0] && cp_lang_check(code, err))
		rc = cp_error_prefix(
		    err,
		    /* TRANSLATORS: %s is the setting's name, as written. */
		    cp_gettext_error(N_("setting %s")), "language");
	run->default_lang =
	    rc == 0 && code[0] ? cp_lang_find(code) : cp_lang_default();
	return rc;
}

/*
 * The template of kind in lang (loaded on first use, the built-in one
 * translated in the calling thread's language: call it inside
 * cp_lang_use(lang)); *out borrowed from run (out may be NULL).
 */
static int template_for(struct run *run, const struct cp_lang *lang,
			enum cp_template_kind kind,
			const struct cp_template **out, struct cp_error *err)
{
	size_t n, l;
	const struct cp_lang *all = cp_lang_list(&n);
	const char *path = run->tpl_path[kind];
	struct cp_template **slot;
	locale_t prev;
	int rc = 0;

	l = (size_t)(cp_lang_effective(lang) - all);
	/* A file of one's own is the same in every language. */
	slot = &run->tpl[path[0] ? 0 : l % MAX_LANGS][kind];
	if (*slot == NULL) {
		prev = cp_lang_use(lang);
		rc = cp_template_load(slot, kind, path[0] ? path : NULL, err);
		cp_lang_end(prev);
	}
	if (out)
		*out = *slot;
	return rc;
}

/* The closing time as people read it: in the installation's time zone,
 * the day and month named in the thread's language. */
static void closes_in(const struct run *run, char *out, size_t n)
{
	if (run->wave.closes_at == 0 ||
	    !cp_when_long(run->wave.closes_at, out, n))
		cp_strlcpy(out, _("further notice"), n);
}

/*
 * The sender's name from mail.from_name (the organisation's) in front of
 * mail.from's address addr, and the contact for questions from
 * mail.contact_name and mail.contact_email, else the sender's address.
 */
static int sender(struct run *run, const char *addr, struct cp_error *err)
{
	char name[256], email[256];
	int rc;

	rc = get_string(run->st, "mail.from_name", name, sizeof(name), 0, err);
	if (rc == 0 && name[0])
		snprintf(run->from, sizeof(run->from), "%s <%s>", name, addr);
	rc = rc ? rc
		: get_string(run->st, "mail.contact_name", name, sizeof(name),
			     0, err);
	rc = rc ? rc
		: get_string(run->st, "mail.contact_email", email,
			     sizeof(email), 0, err);
	if (rc)
		return rc;
	if (name[0] && email[0])
		snprintf(run->contact, sizeof(run->contact), "%s (%s)", name,
			 email);
	else
		cp_strlcpy(run->contact,
			   name[0]    ? name
			   : email[0] ? email
				      : addr,
			   sizeof(run->contact));
	return 0;
}

/* Loads the wave, its survey's title, the settings and the templates. */
static int run_init(struct run *run, struct cp_store *st,
		    const uint8_t key[CP_KEY_LEN], int64_t wave, enum job job,
		    const struct cp_send_options *o, struct cp_send_report *r,
		    struct cp_error *err)
{
	static const char *const tpl_keys[] = {"mail.invitation_template",
					       "mail.reminder_template",
					       "mail.self_template"};
	struct cp_survey *survey = NULL;
	char path[4096], *at;
	int rc, k;

	memset(run, 0, sizeof(*run));
	memset(r, 0, sizeof(*r));
	for (int b = 0; b < 2; b++) {
		cp_buf_init(&run->mime[b], MESSAGE_MAX * 4);
		cp_buf_init(&run->json[b], MESSAGE_MAX * 4);
	}
	run->job = job;
	run->st = st;
	run->key = key;
	run->o = o;
	run->r = r;
	clock_gettime(CLOCK_MONOTONIC, &run->start);
	rc = cp_store_wave_get(st, wave, &run->wave, err);
	if (rc)
		return rc;
	cp_strlcpy(r->channel, run->wave.channel, sizeof(r->channel));
	run->chat_wave = strcmp(run->wave.channel, "slack") == 0 ||
			 strcmp(run->wave.channel, "teams") == 0;
	cp_strlcpy(run->personal, run->wave.channel, sizeof(run->personal));
	if (run->wave.status != CP_WAVE_OPEN) {
		char when[40];
		if (run->wave.status == CP_WAVE_CLOSED)
			return cp_error_set(err, CP_ECONFLICT,
					    N_("wave %lld is closed"),
					    (long long)wave);
		return cp_error_set(
		    err, CP_ECONFLICT,
		    N_("wave %lld opens at %s: 'carepulse tick' "
		       "sends it then"),
		    (long long)wave,
		    cp_when_format(run->wave.opens_at, when, sizeof(when)));
	}
	rc = cp_survey_fetch(&survey, st, NULL, run->wave.survey_ref, err);
	if (rc)
		return rc;
	run->survey = survey; /* its title in each person's language */
	run->minutes = cp_survey_minutes(survey);
	rc =
	    cp_config_threshold(st, CP_THRESHOLD, run->wave.threshold, &k, err);
	if (rc == 0)
		snprintf(run->threshold, sizeof(run->threshold), "%d", k);
	rc = rc ? rc
		: get_string(st, "base_url", run->base_url,
			     sizeof(run->base_url), 1, err);
	if (rc == 0 && run->chat_wave)
		rc = get_string(st, "chat.invitations", run->personal,
				sizeof(run->personal), 1, err);
	rc = rc ? rc
		: get_string(st, "mail.from", run->from, sizeof(run->from),
			     strcmp(run->personal, "webhook") != 0 &&
				 !(run->chat_wave && job == JOB_REMIND),
			     err);
	if (rc)
		return rc;
	if (run->from[0] == '\0')
		cp_strlcpy(run->from, "carepulse <carepulse@carepulse.invalid>",
			   sizeof(run->from));
	rc = cp_mail_address(run->from, path, sizeof(path), err);
	if (rc)
		return rc;
	at = strrchr(path, '@');
	cp_strlcpy(run->domain, at ? at + 1 : "localhost", sizeof(run->domain));
	rc = sender(run, path, err);
	if (rc)
		return rc;
	run->one_click = strncmp(run->base_url, "https://", 8) == 0;
	/* Each template is loaded (and a file of one's own checked) now,
	 * in the installation's language, before anything is sent. */
	rc = default_language(run, err);
	for (int i = 0; i < 3 && rc == 0; i++) {
		rc = get_string(st, tpl_keys[i], run->tpl_path[i],
				sizeof(run->tpl_path[i]), 0, err);
		rc = rc ? rc
			: template_for(run, run->default_lang,
				       (enum cp_template_kind)i, NULL, err);
	}
	rc =
	    rc ? rc : cp_config_get_int(st, "send.retries", &run->retries, err);
	rc = rc ? rc
		: cp_config_get_int(st, "send.backoff_ms", &run->backoff_ms,
				    err);
	rc =
	    rc ? rc : cp_config_get_int(st, "send.timeout", &run->timeout, err);
	return rc;
}

/*
 * The channels open on the first message that needs them, so a run with
 * nothing to send needs no peer and no settings for one.
 */
static int open_personal(struct run *run, struct cp_error *err)
{
	struct cp_store *st = run->st;
	int rc, dry = run->o && run->o->dry_run;

	if (run->have_channel)
		return 0;
	if (strcmp(run->personal, "email") == 0)
		rc = cp_smtp_open(&run->ch, st, run->timeout, err);
	else if (strcmp(run->personal, "webhook") == 0)
		rc = cp_webhook_open(&run->ch, st, run->timeout, err);
	else if (strcmp(run->personal, "outbox") == 0)
		rc = cp_outbox_open(&run->ch, st, dry, err);
	else
		rc = cp_error_set(err, CP_EUSAGE, N_("unknown channel '%s'"),
				  run->personal);
	run->have_channel = rc == 0;
	/* Losing the last commits to a power cut means a resend, never a
	 * skip (store.h); killing the process loses nothing. */
	if (rc == 0 && !dry)
		rc = cp_store_relax_durability(st, err);
	return rc;
}

static int open_chat(struct run *run, struct cp_error *err)
{
	int rc;

	if (run->have_chat)
		return 0;
	rc = cp_chat_open(&run->chat, run->st, run->timeout, err);
	run->have_chat = rc == 0;
	if (rc == 0 && !(run->o && run->o->dry_run))
		rc = cp_store_relax_durability(run->st, err);
	return rc;
}

/* Builds the message of d (reminder 0: the invitation) into mime/json. */
static int build(struct run *run, const struct cp_delivery *d, int reminder,
		 struct cp_buf *mime, struct cp_buf *json, char id[33],
		 char file[128], struct cp_error *err)
{
	char token[CP_TOKEN_LONG_LEN + 1], message_id[400];
	struct cp_buf link, stop, subject, text, html;
	struct cp_mail_vars v;
	struct cp_mail m;
	const struct cp_template *t = NULL;
	const struct cp_lang *lang;
	char closes_text[128], length_text[64];
	locale_t prev;
	int rc;

	cp_buf_reset(mime);
	cp_buf_reset(json);
	cp_buf_init(&link, 4096);
	cp_buf_init(&stop, 4096);
	cp_buf_init(&subject, 4096);
	cp_buf_init(&text, MESSAGE_MAX);
	cp_buf_init(&html, MESSAGE_MAX);
	/* Never a message with a wrong link or id: both come from HMACs.
	 * The link is in the form whose hash the invitation keeps (the
	 * whole HMAC for one made before tokens were cut). */
	if (cp_token_derive_stored(run->key, run->wave.id, d->member_id,
				   d->self ? "self" : "team", d->token_hash,
				   token, NULL) ||
	    cp_mail_message_id(run->key, run->wave.id, d->member_id, d->self,
			       reminder, run->domain, id, message_id,
			       sizeof(message_id))) {
		cp_buf_release(&link);
		cp_buf_release(&stop);
		cp_buf_release(&subject);
		cp_buf_release(&text);
		cp_buf_release(&html);
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	}
	snprintf(file, 128, "wave-%lld-invitation-%lld%s%.0d.eml",
		 (long long)run->wave.id, (long long)d->invitation_id,
		 reminder ? "-reminder-" : "", reminder);
	rc = cp_wave_link(&link, run->base_url, token, err);
	if (rc == 0 && run->one_click)
		rc = cp_wave_stop_link(&stop, run->base_url, token, err);
	/* The person's language (roster), else the installation's: the
	 * template, the date and the headers all in it. */
	lang = cp_lang_find(d->language);
	lang = cp_lang_effective(lang ? lang : run->default_lang);
	prev = cp_lang_use(lang);
	closes_in(run, closes_text, sizeof(closes_text));
	/* TRANSLATORS: how long the survey takes, for {length}. */
	snprintf(length_text, sizeof(length_text),
		 cp_ngettext("about %d minute", "about %d minutes",
			     (unsigned long)run->minutes),
		 run->minutes);
	v.name = d->name;
	v.team = d->team;
	v.link = cp_buf_str(&link);
	v.closes = closes_text;
	v.survey = cp_survey_text(run->survey, CP_TEXT_TITLE, 0, lang->code);
	v.threshold = run->threshold;
	v.lang = lang->code;
	v.dir = lang->dir;
	rc = rc ? rc
		: template_for(run, lang,
			       reminder	 ? CP_TEMPLATE_REMINDER
			       : d->self ? CP_TEMPLATE_SELF
					 : CP_TEMPLATE_INVITATION,
			       &t, err);
	v.length = length_text;
	v.contact = run->contact;
	/* Rendered in the language too: the HTML's button is text of ours. */
	rc = rc ? rc : cp_template_render(t, &v, &subject, &text, &html, err);
	cp_lang_end(prev);
	if (rc == 0 && strcmp(run->personal, "webhook") == 0) {
		char closes[24] = "";
		json_t *o;
		char *s;
		if (run->wave.closes_at)
			cp_when_rfc3339(run->wave.closes_at, closes,
					sizeof(closes));
		/* json_pack "s" copies; "s?" allows NULL. */
		o = json_pack(
		    "{s:s, s:{s:I, s:s, s:s, s:s, s:s, s:s?, s:i, s:s, s:s, "
		    "s:s}}",
		    "type", reminder ? "pulse.reminder" : "pulse.invitation",
		    "data", "wave", (json_int_t)run->wave.id, "kind",
		    d->self ? "self" : "team", "email", d->email, "name",
		    d->name, "team", d->team, "closes_at",
		    closes[0] ? closes : NULL, "reminder", reminder, "link",
		    cp_buf_str(&link), "subject", cp_buf_str(&subject), "text",
		    cp_buf_str(&text));
		/* The language the text is in, for the receiving system. */
		if (o &&
		    json_object_set_new(json_object_get(o, "data"), "language",
					json_string(lang->code)) != 0) {
			json_decref(o);
			o = NULL;
		}
		s = o ? cp_json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		rc = s ? cp_buf_adds(json, s, err)
		       : cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		free(s);
		json_decref(o);
	} else if (rc == 0) {
		m.from = run->from;
		m.to_name = d->name;
		m.to_addr = d->email;
		m.subject = cp_buf_str(&subject);
		m.text = cp_buf_str(&text);
		m.html = cp_buf_str(&html);
		m.message_id = message_id;
		m.date = cp_store_now();
		m.language = lang->code;
		m.unsubscribe = run->one_click ? cp_buf_str(&stop) : NULL;
		rc = cp_mail_build(mime, &m, err);
	}
	memset(token, 0, sizeof(token));
	cp_buf_release(&link);
	cp_buf_release(&stop);
	cp_buf_release(&subject);
	cp_buf_release(&text);
	cp_buf_release(&html);
	return rc;
}

/* The wait before try number k (0-based), with jitter in [50%, 100%]. */
static long backoff(const struct run *run, int k)
{
	long ms = run->backoff_ms;
	uint16_t jitter = 0;

	for (int i = 0; i < k && ms < BACKOFF_CAP_MS; i++)
		ms *= 2;
	if (ms > BACKOFF_CAP_MS)
		ms = BACKOFF_CAP_MS;
	cp_random_bytes(&jitter, sizeof(jitter), NULL);
	return ms / 2 + (long)((ms / 2) * (jitter / 65535.0));
}

/* All the steps of ov's before hook: 0, or what stopped it. */
static int before_all(const struct cp_overlap *ov)
{
	int rc;

	while ((rc = ov->before(ov->arg)) > 0)
		;
	return rc;
}

/* Offers m to the channel until it is taken, refused for good, or the
 * retries run out; a at the end says which. ov (NULL: none): the hooks
 * the channel runs while its peer works; a channel without them gets
 * the before hook run ahead of each try. A before hook that fails
 * (run->mark_rc) ends it at once, the message not sent. */
static void attempt(struct run *run, const struct cp_channel *ch,
		    const struct cp_outgoing *m, const struct cp_overlap *ov,
		    struct cp_attempt *a)
{
	for (int k = 0;; k++) {
		if (ov && ch->send_overlapped) {
			ch->send_overlapped(ch->self, m, ov, a);
		} else if (ov && ov->before && before_all(ov)) {
			memset(a, 0, sizeof(*a));
			a->outcome = CP_OUT_TRANSIENT;
		} else {
			ch->send(ch->self, m, a);
		}
		if (run->mark_rc)
			return;
		if (a->outcome != CP_OUT_TRANSIENT || k >= run->retries)
			return;
		if (a->retry_after > RETRY_AFTER_MAX)
			return;
		long wait = backoff(run, k);
		if (a->retry_after * 1000 > wait)
			wait = (long)a->retry_after * 1000;
		run->r->retries++;
		sleep_ms(wait);
	}
}

static int unavailable(struct run *run, const struct cp_attempt *a,
		       struct cp_error *err)
{
	return cp_error_set(err, CP_EUNAVAIL, "%s: %s", run->ch.name,
			    a->reason);
}

/* Records the outcome of invitation id that went to the peer at now. */
static int record_outcome(struct run *run, int64_t id, enum cp_outcome outcome,
			  const char *reason, int64_t retry_after, int64_t now,
			  struct cp_error *err)
{
	if (outcome == CP_OUT_SENT)
		return cp_store_invitation_sent(run->st, id, now, err);
	if (outcome == CP_OUT_PERMANENT)
		return cp_store_invitation_failed(run->st, id, reason, 0, err);
	return cp_store_invitation_failed(
	    run->st, id, reason,
	    now + (retry_after > DEFER_SECONDS ? retry_after : DEFER_SECONDS),
	    err);
}

/* Records the held outcome on its own (committed before it returns). */
static int record_held(struct run *run, struct cp_error *err)
{
	struct held *h = &run->held;

	if (!h->have)
		return 0;
	h->have = 0;
	return record_outcome(run, h->invitation_id, h->outcome, h->reason,
			      h->retry_after, h->at, err);
}

/*
 * Marks invitation id sending, in one transaction with the held outcome
 * of the one before: committed before the peer sees anything, so a kill
 * after it leaves id 'sending' (sent again by the next run) and the one
 * before recorded; a kill before it leaves the one before 'sending',
 * still the only one in flight. In two steps, each run while the peer
 * answers a command of the envelope: mark_begin opens the transaction
 * and writes both, mark_commit commits it. When either fails the
 * transaction is rolled back and the outcome stays held for record_held.
 */
static int mark_begin(struct run *run, int64_t id, struct cp_error *err)
{
	struct held *h = &run->held;
	int rc;

	if ((rc = cp_store_begin(run->st, err)))
		return rc;
	if (h->have)
		rc = record_outcome(run, h->invitation_id, h->outcome,
				    h->reason, h->retry_after, h->at, err);
	rc = rc ? rc : cp_store_invitation_sending(run->st, id, err);
	if (rc)
		cp_store_rollback(run->st);
	return rc;
}

static int mark_commit(struct run *run, struct cp_error *err)
{
	int rc = cp_store_commit(run->st, err);

	if (rc) {
		cp_store_rollback(run->st);
		return rc;
	}
	run->held.have = 0;
	return 0;
}

/* Builds message i of the list into its slot, unless it is there. */
static int build_ahead(struct run *run, size_t i, struct cp_error *err)
{
	const struct cp_delivery *d = &run->list[i];
	size_t k = i % 2;
	int rc;

	if (run->built[k] && run->built_index[k] == i)
		return 0;
	run->built[k] = 0;
	rc = build(run, d, run->job == JOB_REMIND ? d->reminders + 1 : 0,
		   &run->mime[k], &run->json[k], run->id[k], run->file[k], err);
	run->built[k] = rc == 0;
	run->built_index[k] = i;
	return rc;
}

/*
 * The before hook: an invitation is marked sending (with the outcome of
 * the one before, mark_begin and mark_commit: one step each) before any
 * of its content reaches the peer; a reminder has no mark. Once a
 * message, whatever the tries.
 */
static int hook_before(void *arg)
{
	struct run *run = arg;
	int64_t id = run->list[run->cur].invitation_id;

	if (run->mark_step == 2)
		return run->mark_rc;
	if (run->job != JOB_INVITE) {
		run->mark_step = 2;
		return 0;
	}
	if (run->mark_step == 0) {
		run->mark_rc = mark_begin(run, id, run->mark_err);
		run->mark_step = run->mark_rc ? 2 : 1;
		return run->mark_rc ? run->mark_rc : 1;
	}
	run->mark_rc = mark_commit(run, run->mark_err);
	run->mark_step = 2;
	return run->mark_rc;
}

/* The idle hook: the next message is built while the peer works. A
 * failure is left for the loop to meet again, and report, when it gets
 * there. */
static void hook_idle(void *arg)
{
	struct run *run = arg;

	if (run->cur + 1 < run->count)
		(void)build_ahead(run, run->cur + 1, NULL);
}

/* Message i of the list: built (if the last one's wait has not), marked,
 * handed to the channel, its outcome held or recorded. */
static int deliver_one(struct run *run, size_t i, struct cp_error *err)
{
	const struct cp_delivery *d = &run->list[i];
	struct cp_overlap ov = {hook_before, hook_idle, run};
	struct cp_outgoing m;
	struct cp_attempt a;
	size_t k = i % 2;
	int64_t now;
	int rc;

	run->cur = i;
	rc = build_ahead(run, i, err);
	if (rc)
		return rc;
	/* A dry run opens the channel too: its settings are checked as a
	 * real run's are, only nothing is sent. */
	rc = open_personal(run, err);
	if (rc)
		return rc;
	if (run->o && run->o->dry_run) {
		run->r->sent++;
		return 0;
	}
	memset(&m, 0, sizeof(m));
	m.to_addr = d->email;
	m.mime = cp_buf_str(&run->mime[k]);
	m.mime_len = run->mime[k].len;
	m.json = cp_buf_str(&run->json[k]);
	m.id = run->id[k];
	m.file = run->file[k];
	/* Marked sending and committed before the peer sees any of the
	 * message (hook_before, run by the channel while the peer answers
	 * the envelope's first two commands): a kill after that leaves
	 * 'sending', which the next run sends again. */
	run->mark_step = 0;
	run->mark_rc = 0;
	run->mark_err = err;
	attempt(run, &run->ch, &m, &ov, &a);
	/* A channel that gave up before the hook ran still has it run: the
	 * outcome of the one before is recorded, one outcome held at most. */
	while ((rc = hook_before(run)) > 0)
		;
	run->mark_err = NULL;
	if (rc)
		return rc;
	now = cp_store_now();
	if (a.outcome == CP_OUT_TRANSIENT && a.peer_down)
		a.outcome = CP_OUT_UNAVAILABLE;
	switch (a.outcome) {
	case CP_OUT_SENT:
		run->r->sent++;
		break;
	case CP_OUT_PERMANENT:
		run->r->failed++;
		break;
	case CP_OUT_TRANSIENT:
		run->r->deferred++;
		break;
	case CP_OUT_UNAVAILABLE:
	default:
		/* Nothing reached the peer: back to pending, then stop. */
		if (run->job == JOB_INVITE)
			cp_store_invitation_unsent(run->st, d->invitation_id,
						   a.reason, NULL);
		return unavailable(run, &a, err);
	}
	if (run->job == JOB_REMIND)
		return a.outcome == CP_OUT_SENT
			   ? cp_store_invitation_reminded(
				 run->st, d->invitation_id, now, err)
			   : 0;
	/* Recorded with the next one's mark, or after the loop. */
	run->held.have = 1;
	run->held.invitation_id = d->invitation_id;
	run->held.outcome = a.outcome;
	run->held.at = now;
	run->held.retry_after = a.retry_after;
	cp_strlcpy(run->held.reason, a.reason, sizeof(run->held.reason));
	return 0;
}

/* The chat URL of team t, or of its nearest parent that has one. */
static const char *chat_url_for(struct run *run, const struct cp_chat_team *t,
				const struct cp_team *all, size_t nall)
{
	const char *url = cp_chat_url(&run->chat, t->team);
	int64_t parent = t->parent_id;

	for (int depth = 0; url == NULL && parent && depth < 64; depth++) {
		size_t j;
		for (j = 0; j < nall && all[j].id != parent; j++)
			;
		if (j == nall)
			break;
		url = cp_chat_url(&run->chat, all[j].name);
		parent = all[j].parent_id;
	}
	return url;
}

/*
 * The Slack or Teams body of post number (0: the announcement). A team's
 * channel mixes people and their languages: its posts are in the
 * installation's language (setting "language"), the closing time on its
 * clocks.
 */
static char *chat_body(struct run *run, const struct cp_chat_team *t,
		       int number)
{
	char text[1024], title[300], length[64], closes[160];
	const struct cp_lang *l = cp_lang_effective(run->default_lang);
	locale_t prev = cp_lang_use(l);
	const char *survey =
	    cp_survey_text(run->survey, CP_TEXT_TITLE, 0, l->code);
	json_t *o;
	char *s;

	closes_in(run, closes, sizeof(closes));
	snprintf(length, sizeof(length),
		 cp_ngettext("about %d minute", "about %d minutes",
			     (unsigned long)run->minutes),
		 run->minutes);
	if (number == 0 && strcmp(run->personal, "email") == 0)
		/* TRANSLATORS: a team channel's post: the survey, the team,
		 * the closing time, how long it takes, the threshold. */
		snprintf(text, sizeof(text),
			 _("The %s pulse for %s is open until %s. Each of you "
			   "has been sent a personal link by email; it takes "
			   "%s. Answers are anonymous: results are only shown "
			   "for groups of at least %s people, never for one "
			   "person."),
			 survey, t->team, closes, length, run->threshold);
	else if (number == 0)
		snprintf(text, sizeof(text),
			 _("The %s pulse for %s is open until %s. Each of you "
			   "has been sent a personal link in a direct message; "
			   "it takes %s. Answers are anonymous: results are "
			   "only shown for groups of at least %s people, never "
			   "for one person."),
			 survey, t->team, closes, length, run->threshold);
	else
		snprintf(text, sizeof(text),
			 _("Reminder: %lld of %lld in %s have answered the "
			   "pulse so far. It is open until %s; your personal "
			   "link is in the invitation you were sent. Thank "
			   "you!"),
			 (long long)t->answered, (long long)t->invited, t->team,
			 closes);
	/* TRANSLATORS: a team channel post's title; %s is the team. */
	snprintf(title, sizeof(title), _("Team pulse: %s"), t->team);
	cp_lang_end(prev);
	/* "s" copies the strings; o owns nothing of ours. */
	if (strcmp(run->wave.channel, "teams") == 0)
		o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "@type",
			      "MessageCard", "@context",
			      "https://schema.org/extensions", "summary", title,
			      "title", title, "text", text);
	else
		o = json_pack("{s:s}", "text", text);
	s = o ? cp_json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

/*
 * Team posts of a chat wave: the announcement (JOB_INVITE) or the next
 * reminder by policy (JOB_REMIND). Recorded in chat_post: marked sending
 * before the post, sent after, so a rerun never posts one twice.
 */
static int chat_posts(struct run *run, enum job job, long max, int64_t interval,
		      struct cp_error *err)
{
	struct cp_chat_team *t = NULL;
	struct cp_team *all = NULL;
	struct cp_outgoing m;
	struct cp_attempt a;
	size_t n = 0, nall = 0;
	int64_t wave = run->wave.id, now = cp_store_now();
	int rc, dry = run->o && run->o->dry_run;

	rc = cp_store_chat_teams(run->st, wave, &t, &n, err);
	rc = rc ? rc : cp_store_team_list(run->st, &all, &nall, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int number;
		if (job == JOB_INVITE) {
			if (t[i].announce_state == 2)
				continue;
			number = 0;
		} else {
			if (t[i].posts < 1 || t[i].posts - 1 >= max ||
			    t[i].answered >= t[i].invited ||
			    t[i].last_post > now - interval)
				continue;
			number = t[i].posts;
		}
		run->r->todo++;
		/* A dry run checks the webhooks file and each team's URL as
		 * the real run does, and counts what would fail. */
		if ((rc = open_chat(run, err)) != 0)
			break;
		const char *url = chat_url_for(run, &t[i], all, nall);
		char *body = chat_body(run, &t[i], number);
		if (body == NULL) {
			rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
			break;
		}
		if (dry) {
			if (url)
				run->r->posts++;
			else
				run->r->failed++;
		} else if (url == NULL) {
			char reason[300];
			snprintf(reason, sizeof(reason),
				 "no chat webhook for team '%s' (or a parent "
				 "team) in chat.webhooks_file",
				 t[i].team);
			run->r->failed++;
			rc = cp_store_chat_post_set(run->st, wave, t[i].team_id,
						    number, "failed", reason,
						    now, err);
		} else {
			memset(&m, 0, sizeof(m));
			m.url = url;
			m.json = body;
			rc = cp_store_chat_post_set(run->st, wave, t[i].team_id,
						    number, "sending", NULL,
						    now, err);
			if (rc == 0)
				attempt(run, &run->chat, &m, NULL, &a);
			if (rc == 0 && a.outcome == CP_OUT_TRANSIENT &&
			    a.peer_down)
				a.outcome = CP_OUT_UNAVAILABLE;
			if (rc == 0)
				rc = cp_store_chat_post_set(
				    run->st, wave, t[i].team_id, number,
				    a.outcome == CP_OUT_SENT ? "sent"
							     : "failed",
				    a.outcome == CP_OUT_SENT ? NULL : a.reason,
				    cp_store_now(), err);
			if (rc == 0 && a.outcome == CP_OUT_SENT)
				run->r->posts++;
			else if (rc == 0 && a.outcome == CP_OUT_UNAVAILABLE)
				rc = cp_error_set(err, CP_EUNAVAIL, "chat: %s",
						  a.reason);
			else if (rc == 0)
				run->r->failed++;
		}
		free(body);
		run->r->done++;
		progress(run, 0);
	}
	cp_store_teams_free(all, nall);
	cp_store_chat_teams_free(t, n);
	return rc;
}

static int run_job(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		   int64_t wave, enum job job, const struct cp_send_options *o,
		   struct cp_send_report *r, struct cp_error *err)
{
	struct cp_delivery *d = NULL;
	struct run run;
	size_t n = 0;
	long max = 0;
	int64_t interval = 0;
	char *iv = NULL;
	int rc;

	rc = run_init(&run, st, key, wave, job, o, r, err);
	if (rc == 0 && job == JOB_REMIND) {
		rc = cp_config_get_int(st, "remind.max", &max, err);
		rc = rc ? rc
			: cp_config_get(st, "remind.interval", &iv, NULL, err);
		rc = rc ? rc : cp_duration_parse(iv, &interval, err);
		r->remind_max = max;
		r->remind_interval = interval;
	}
	if (rc == 0 && !(run.chat_wave && job == JOB_REMIND))
		rc = cp_store_delivery_list(
		    st, wave,
		    job == JOB_INVITE ? CP_SELECT_TO_SEND : CP_SELECT_TO_REMIND,
		    cp_store_now(), (int)max, interval, &d, &n, err);
	r->todo = n;
	run.list = d;
	run.count = n;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = deliver_one(&run, i, err);
		r->done++;
		progress(&run, 0);
	}
	/* The last outcome, also when the loop stopped on an error. */
	if (rc == 0)
		rc = record_held(&run, err);
	else
		(void)record_held(&run, NULL);
	if (rc == 0 && run.chat_wave)
		rc = chat_posts(&run, job, max, interval, err);
	/* Why the others were not reminded, and when the next is due. */
	if (rc == 0 && job == JOB_REMIND)
		rc = cp_store_remind_outlook(st, wave, (int)max, interval,
					     &r->outlook, err);
	progress(&run, 1);
	cp_store_deliveries_free(d, n);
	run_release(&run);
	free(iv);
	return rc;
}

/*
 * One sender per database at a time: two runs reading the same pending
 * rows would both send them. An advisory lock on "<db>.send-lock", which
 * the kernel drops when a process dies, so a kill never leaves it stuck.
 * *fd is -1 for a dry run, which sends nothing.
 */
static int lock_sending(struct cp_store *st, const struct cp_send_options *o,
			int *fd, struct cp_error *err)
{
	char path[4200];

	*fd = -1;
	if (o && o->dry_run)
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s.send-lock",
			     cp_store_path(st)) >= sizeof(path))
		return cp_error_set(err, CP_EUSAGE,
				    N_("database path too long"));
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return cp_error_set_at(err, CP_EIO, path, 0, 0,
				       N_("cannot create the send lock: %s"),
				       strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(*fd);
		*fd = -1;
		if (e == EWOULDBLOCK)
			return cp_error_set(
			    err, CP_ECONFLICT,
			    N_("another send, remind or tick is "
			       "running on this database: try "
			       "again when it is done"));
		return cp_error_set_at(err, CP_EIO, path, 0, 0,
				       N_("cannot lock: %s"), strerror(e));
	}
	return 0;
}

static void unlock_sending(int fd)
{
	if (fd >= 0)
		close(fd);
}

static int locked_job(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		      int64_t wave, enum job job,
		      const struct cp_send_options *o, struct cp_send_report *r,
		      struct cp_error *err)
{
	int fd, rc;

	memset(r, 0, sizeof(*r));
	rc = lock_sending(st, o, &fd, err);
	if (rc == 0)
		rc = run_job(st, key, wave, job, o, r, err);
	unlock_sending(fd);
	return rc;
}

int cp_deliver_send(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		    int64_t wave, const struct cp_send_options *o,
		    struct cp_send_report *r, struct cp_error *err)
{
	return locked_job(st, key, wave, JOB_INVITE, o, r, err);
}

int cp_deliver_remind(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		      int64_t wave, const struct cp_send_options *o,
		      struct cp_send_report *r, struct cp_error *err)
{
	return locked_job(st, key, wave, JOB_REMIND, o, r, err);
}

int cp_deliver_ready(struct cp_store *st, const struct cp_send_options *o,
		     struct cp_ready_report *r, struct cp_error *err)
{
	int fd, rc;

	memset(r, 0, sizeof(*r));
	rc = lock_sending(st, o, &fd, err);
	if (rc == 0)
		rc = cp_deliver_ready_run(st, o, r, err);
	unlock_sending(fd);
	return rc;
}

static void add_report(struct cp_send_report *to,
		       const struct cp_send_report *r)
{
	to->todo += r->todo;
	to->done += r->done;
	to->sent += r->sent;
	to->failed += r->failed;
	to->deferred += r->deferred;
	to->retries += r->retries;
	to->posts += r->posts;
	to->seconds += r->seconds;
}

/*
 * A wave that could not be sent for a reason a person must fix (a setting
 * missing or wrong) is the same to cron as a peer that is down: the rest
 * of the tick was done, and the next tick sends once it is fixed.
 */
static int tick_send_error(int rc)
{
	return rc == CP_EUSAGE ? CP_EUNAVAIL : rc;
}

/* Steps 1-3 of a tick: open, close, recur. */
static int tick_schedule(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
			 int64_t now, struct cp_tick_report *r,
			 struct cp_error *err)
{
	struct cp_series *series = NULL;
	struct cp_wave w;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc, was_closed;

	/* 1. Open what is due. */
	rc = cp_store_wave_ids(st, CP_WAVE_SCHEDULED, &ids, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = cp_store_wave_get(st, ids[i], &w, err);
		if (rc == 0 && w.opens_at <= now) {
			rc = cp_store_wave_set_status(st, w.id, CP_WAVE_OPEN,
						      err);
			r->opened += rc == 0;
		}
	}
	free(ids);
	ids = NULL;
	/* 2. Close what is past its time. */
	if (rc == 0)
		rc = cp_store_wave_ids(st, CP_WAVE_OPEN, &ids, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = cp_store_wave_get(st, ids[i], &w, err);
		if (rc == 0 && w.closes_at && w.closes_at <= now) {
			rc = cp_wave_close(st, w.id, &was_closed, err);
			r->closed += rc == 0 && !was_closed;
		}
	}
	free(ids);
	/* 3. The next wave of every active series whose slot has come. */
	if (rc == 0)
		rc = cp_store_series_list(st, &series, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct cp_series_step step;
		rc = cp_series_recur(st, key, &series[i], now, &step, err);
		if (rc == 0 && step.created) {
			r->created++;
			r->opened++;
		}
		r->closed += rc == 0 && step.closed;
	}
	free(series);
	return rc;
}

int cp_deliver_tick(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		    const struct cp_send_options *o, struct cp_tick_report *r,
		    struct cp_error *err)
{
	struct cp_send_report one;
	struct cp_error wave_err;
	int64_t *ids = NULL, now = cp_store_now();
	size_t n = 0;
	int rc, last = 0, dry = o && o->dry_run, fd;

	memset(r, 0, sizeof(*r));
	/* A tick that finds another run going leaves the work to it. */
	rc = lock_sending(st, o, &fd, err);
	if (rc == CP_ECONFLICT) {
		r->busy = 1;
		return 0;
	}
	if (rc)
		return rc;
	/*
	 * A dry run does all of it for real inside one transaction that is
	 * rolled back (sending only builds each message and checks the
	 * channel's settings), so its counts are the real run's.
	 */
	if (dry && (rc = cp_store_what_if_begin(st, err))) {
		unlock_sending(fd);
		return rc;
	}
	rc = tick_schedule(st, key, now, r, err);
	/* 4. Results-ready mails of the waves closed so far; a peer that
	 * cannot be used does not stop the sending of open waves. */
	if (rc == 0) {
		cp_error_clear(&wave_err);
		int wrc = cp_deliver_ready_run(st, o, &r->ready, &wave_err);
		if (wrc) {
			last = tick_send_error(wrc);
			if (err) {
				*err = wave_err;
				err->code = last;
			}
			cp_error_prefix(err, "%s",
					cp_gettext_error(N_(
					    "results-ready mails not sent")));
		}
	}
	/* 5. Send and remind every open wave; one that cannot be sent does
	 * not stop the others. */
	if (rc == 0)
		rc = cp_store_wave_ids(st, CP_WAVE_OPEN, &ids, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		cp_error_clear(&wave_err);
		int wrc =
		    run_job(st, key, ids[i], JOB_INVITE, o, &one, &wave_err);
		add_report(&r->sent, &one);
		if (wrc == 0) {
			wrc = run_job(st, key, ids[i], JOB_REMIND, o, &one,
				      &wave_err);
			add_report(&r->reminded, &one);
		}
		if (wrc) {
			r->waves_failed++;
			last = tick_send_error(wrc);
			if (err) {
				*err = wave_err;
				err->code = last;
			}
			cp_error_prefix(
			    err, cp_gettext_error(N_("wave %lld not sent")),
			    (long long)ids[i]);
		}
	}
	free(ids);
	if (dry)
		cp_store_what_if_end(st);
	unlock_sending(fd);
	return rc ? rc : last;
}
