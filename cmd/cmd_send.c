/* cmd_send.c - send WAVE | remind WAVE: a wave's invitations and reminders
 * through its channel, resumable, with progress on a terminal. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "crypto.h"
#include "deliver.h"
#include "i18n.h"
#include "store.h"
#include "token.h"
#include "when.h"

enum {
	SEND_DRY_RUN,
	SEND_NOPTS
};

static const struct cmd_opt send_opts[SEND_NOPTS] = {
    [SEND_DRY_RUN] =
	{"dry-run", 'n', OPT_FLAG, NULL,
	 N_("build every message, send nothing and change nothing")},
};

int cmd_installation_key(struct cmd_ctx *c, unsigned char *key)
{
	return cp_token_key_load(c->store, c->db_path, key, &c->err);
}

/* Parses a wave id argument; 0 after printing a usage error. */
static int64_t wave_arg(struct cmd_ctx *c, const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || end == s || v <= 0) {
		cmd_usage_error(c,
				"'%s' is not a wave number (see 'carepulse "
				"wave list')",
				s);
		return 0;
	}
	return (int64_t)v;
}

static void on_progress(const struct cp_send_report *r, void *arg)
{
	const struct cmd_ctx *c = arg;
	double rate = r->seconds > 0 ? (double)r->done / r->seconds : 0;

	cmd_progress(c, "%s: %zu/%zu, %.0f/s, %zu failed, %zu deferred",
		     r->channel, r->done, r->todo, rate, r->failed,
		     r->deferred);
}

/* Why nobody was reminded, and when the next reminder is due. */
static void remind_outlook(int64_t wave, const struct cp_send_report *r)
{
	const struct cp_remind_outlook *x = &r->outlook;
	char when[40], every[40];
	int64_t iv = r->remind_interval;

	if (iv % CP_DAY == 0)
		snprintf(every, sizeof(every),
			 cp_ngettext("%lld day", "%lld days",
				     (unsigned long)(iv / CP_DAY)),
			 (long long)(iv / CP_DAY));
	else
		snprintf(every, sizeof(every),
			 cp_ngettext("%lld hour", "%lld hours",
				     (unsigned long)(iv / 3600)),
			 (long long)(iv / 3600));
	printf(_("wave %lld: 0 reminders sent: "), (long long)wave);
	if (x->unanswered == 0 && x->not_sent)
		printf(_("no invitation has been sent yet (carepulse send "
			 "%lld)\n"),
		       (long long)wave);
	else if (x->unanswered == 0)
		printf(_("everyone invited has answered\n"));
	else if (x->next_due)
		printf(_("%lld not answered; the next reminder is due %s "
			 "(reminders every %s, at most %ld)\n"),
		       (long long)x->unanswered,
		       cp_when_format(x->next_due, when, sizeof(when)), every,
		       r->remind_max);
	else if (x->stopped)
		printf(_("%lld not answered: %lld asked for no more "
			 "reminders, the others have had the most (remind.max "
			 "%ld)\n"),
		       (long long)x->unanswered, (long long)x->stopped,
		       r->remind_max);
	else
		printf(_("%lld not answered, and each has had the most "
			 "reminders (remind.max %ld)\n"),
		       (long long)x->unanswered, r->remind_max);
}

static void summary(const struct cmd_ctx *c, const char *what, int64_t wave,
		    const struct cp_send_report *r, int dry_run)
{
	double rate = r->seconds > 0 ? (double)r->sent / r->seconds : 0;
	int remind = strcmp(what, "reminder") == 0;
	int chat = strcmp(r->channel, "slack") == 0 ||
		   strcmp(r->channel, "teams") == 0;

	cmd_progress(c, "%s", "");
	if (dry_run) {
		printf(remind ? cp_ngettext("dry run: wave %lld would get %zu "
					    "reminder",
					    "dry run: wave %lld would get %zu "
					    "reminders",
					    r->sent)
			      : cp_ngettext("dry run: wave %lld would get %zu "
					    "invitation",
					    "dry run: wave %lld would get %zu "
					    "invitations",
					    r->sent),
		       (long long)wave, r->sent);
		if (chat)
			printf(cp_ngettext(" and %zu team post to %s",
					   " and %zu team posts to %s",
					   r->posts),
			       r->posts, r->channel);
		printf(_("; nothing was sent or changed\n"));
		return;
	}
	/* A chat wave's reminders are team posts, by their own clock. */
	if (remind && r->sent == 0 && !chat) {
		remind_outlook(wave, r);
		return;
	}
	printf(remind ? cp_ngettext("wave %lld: %zu reminder sent",
				    "wave %lld: %zu reminders sent", r->sent)
		      : cp_ngettext("wave %lld: %zu invitation sent",
				    "wave %lld: %zu invitations sent", r->sent),
	       (long long)wave, r->sent);
	if (chat)
		printf(cp_ngettext(" and %zu team post to %s",
				   " and %zu team posts to %s", r->posts),
		       r->posts, r->channel);
	else
		/* TRANSLATORS: %s is the channel ("email"). */
		printf(_(" by %s"), r->channel);
	printf(_(", %zu failed, %zu deferred to a later run, %zu retries, "
		 "%.1f s (%.0f/s)\n"),
	       r->failed, r->deferred, r->retries, r->seconds, rate);
	if (r->failed)
		printf(_("see the reasons with: carepulse wave show %lld\n"),
		       (long long)wave);
}

static int run(struct cmd_ctx *c, int remind)
{
	unsigned char key[CP_KEY_LEN];
	struct cp_send_options o = {0};
	struct cp_send_report r;
	int64_t wave = wave_arg(c, c->argv[0]);
	int rc;

	if (wave == 0)
		return EXIT_USAGE;
	if (cmd_installation_key(c, key))
		return cmd_report(&c->err);
	o.dry_run = cmd_flag(c, SEND_DRY_RUN);
	o.progress = on_progress;
	o.arg = c;
	rc = remind ? cp_deliver_remind(c->store, key, wave, &o, &r, &c->err)
		    : cp_deliver_send(c->store, key, wave, &o, &r, &c->err);
	cp_wipe(key, sizeof(key));
	if (rc) {
		cmd_progress(c, "%s", "");
		if (r.sent || r.failed)
			summary(c, remind ? "reminder" : "invitation", wave, &r,
				o.dry_run);
		if (rc == CP_EUNAVAIL)
			cp_error_prefix(
			    &c->err, "%s",
			    cp_gettext_error(N_("nothing more was sent")));
		return cmd_report(&c->err);
	}
	summary(c, remind ? "reminder" : "invitation", wave, &r, o.dry_run);
	return EXIT_OK;
}

static int cmd_send_exec(struct cmd_ctx *c)
{
	return run(c, 0);
}

static int cmd_remind_exec(struct cmd_ctx *c)
{
	return run(c, 1);
}

const struct cmd_entry cmd_send_entry = {
    .name = "send",
    .summary = N_("send a wave's invitations (resumable)"),
    .usage = "[--dry-run] WAVE",
    .description =
	"Sends every pending invitation of WAVE through its channel, "
	"one message per\nperson. Safe to interrupt and run again: "
	"nobody is skipped and nobody gets a\nsecond invitation (the "
	"one message in flight at a kill may go again, with the\nsame "
	"Message-ID and link). Transient failures are retried with "
	"backoff;\npermanent ones are recorded (see 'wave show'). Exit "
	"69 when the peer cannot\nbe used (for example STARTTLS "
	"required but not offered).",
    .opts = send_opts,
    .nopts = SEND_NOPTS,
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_send_exec,
};

const struct cmd_entry cmd_remind_entry = {
    .name = "remind",
    .summary = N_("remind those who have not answered"),
    .usage = "[--dry-run] WAVE",
    .description = "Sends a reminder, with the same personal link, to "
		   "everyone invited to WAVE\nwho has not answered, at "
		   "most remind.max times and not sooner than\n"
		   "remind.interval after the invitation or the last "
		   "reminder.",
    .opts = send_opts,
    .nopts = SEND_NOPTS,
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_remind_exec,
};
