/* cmd_tick.c - tick: one scheduler step, for cron or a systemd timer. */
#include <string.h>

#include "cmd.h"
#include "crypto.h"
#include "deliver.h"
#include "i18n.h"
#include "retention.h"
#include "store.h"

enum {
	TICK_DRY_RUN,
	TICK_NOPTS
};

static const struct cmd_opt tick_opts[TICK_NOPTS] = {
    [TICK_DRY_RUN] = {"dry-run", 'n', OPT_FLAG, NULL,
		      N_("say what is due, change nothing")},
};

/* retention.months, when it is set: the waves past it lose their
 * answers (cp_retention_run); said only when some do. */
static int tick_retention(struct cmd_ctx *c, bool dry_run)
{
	struct cp_retention r;
	int rc;

	rc = cp_retention_run(c->store, cp_store_clock(), 0, dry_run, &r,
			      &c->err);
	if (rc == 0 && r.nwaves)
		cmd_print_retention(&r, dry_run, "tick: ");
	cp_retention_release(&r);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

static int cmd_tick_exec(struct cmd_ctx *c)
{
	unsigned char key[CP_KEY_LEN];
	struct cp_send_options o = {0};
	struct cp_tick_report r;
	int rc, status;

	if (cmd_installation_key(c, key))
		return cmd_report(&c->err);
	o.dry_run = cmd_flag(c, TICK_DRY_RUN);
	rc = cp_deliver_tick(c->store, key, &o, &r, &c->err);
	cp_wipe(key, sizeof(key));
	if (rc == 0 && r.busy) {
		printf("%s\n", _("tick: another send, remind or tick is "
				 "running; nothing done"));
		return EXIT_OK;
	}
	printf(o.dry_run ? _("tick (dry run, nothing changed): %zu opened, "
			     "%zu closed, %zu next waves created; %zu "
			     "invitations to send, %zu reminders to send, %zu "
			     "team posts, %zu failed, %zu deferred\n")
			 : _("tick: %zu opened, %zu closed, %zu next waves "
			     "created; %zu invitations sent, %zu reminders "
			     "sent, %zu team posts, %zu failed, %zu "
			     "deferred\n"),
	       r.opened, r.closed, r.created, r.sent.sent, r.reminded.sent,
	       r.sent.posts + r.reminded.posts,
	       r.sent.failed + r.reminded.failed,
	       r.sent.deferred + r.reminded.deferred);
	if (r.ready.todo)
		printf(o.dry_run ? _("tick: %zu results-ready mails to send, "
				     "%zu failed\n")
				 : _("tick: %zu results-ready mails sent, %zu "
				     "failed\n"),
		       r.ready.sent, r.ready.failed);
	if (rc == 0)
		return tick_retention(c, o.dry_run);
	if (rc != CP_EUNAVAIL)
		return cmd_report(&c->err);
	/* Opening, closing and recurring were done; only sending was not.
	 * Retention is done too. */
	if (r.waves_failed)
		printf(cp_ngettext("tick: %zu wave could not be sent; "
				   "everything else was done\n",
				   "tick: %zu waves could not be sent; "
				   "everything else was done\n",
				   r.waves_failed),
		       r.waves_failed);
	else
		printf("%s\n", _("tick: the results-ready mails could not be "
				 "sent; everything else was done"));
	status = cmd_report(&c->err);
	(void)tick_retention(c, o.dry_run);
	return status;
}

const struct cmd_entry cmd_tick_entry = {
    .name = "tick",
    .summary = N_("for cron: open and close due waves, send, remind, recur"),
    .usage = "[--dry-run]",
    .description =
	"One scheduler step at the current time: opens scheduled waves "
	"that are due,\ncloses waves past their closing time and "
	"creates the next wave of a\nrecurring (--every) series, tells "
	"the viewers of closed waves that\ntheir results are ready (see "
	"'wave close'), "
	"sends pending invitations of every open wave,\nreminds "
	"by the remind.max and remind.interval settings and, when\n"
	"retention.months is set, deletes the answers of waves past it "
	"(see purge).\nSafe to run as often as you like; run it every few "
	"minutes (see README).\nA wave that cannot be sent (its peer down, or "
	"a "
	"setting such as smtp.url\nmissing) does not stop the rest: "
	"every other step is done, the message says\nwhat is missing, "
	"and the exit status is 69 so cron reports it; the next tick\n"
	"sends once it is fixed. --dry-run does all of it in a "
	"transaction it rolls\nback, checking each channel's settings "
	"and building every message, so its\ncounts are the real run's.",
    .opts = tick_opts,
    .nopts = TICK_NOPTS,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_tick_exec,
};
