/* cmd_tick.c - tick: one scheduler step, for cron or a systemd timer. */
#include <string.h>

#include "cmd.h"
#include "crypto.h"
#include "deliver.h"
#include "store.h"

enum {
	TICK_DRY_RUN,
	TICK_NOPTS
};

static const struct cmd_opt tick_opts[TICK_NOPTS] = {
    [TICK_DRY_RUN] = {"dry-run", 'n', OPT_FLAG, NULL,
		      "say what is due, change nothing"},
};

static int cmd_tick_exec(struct cmd_ctx *c)
{
	unsigned char key[CP_KEY_LEN];
	struct cp_send_options o = {0};
	struct cp_tick_report r;
	int rc;

	if (cmd_installation_key(c, key))
		return cmd_report(&c->err);
	o.dry_run = cmd_flag(c, TICK_DRY_RUN);
	rc = cp_deliver_tick(c->store, key, &o, &r, &c->err);
	cp_wipe(key, sizeof(key));
	if (rc == 0 && r.busy) {
		printf("tick: another send, remind or tick is running; "
		       "nothing done\n");
		return EXIT_OK;
	}
	printf("tick: %zu opened, %zu closed, %zu next waves created; "
	       "%zu invitations %s, %zu reminders %s, %zu team posts, %zu "
	       "failed, %zu deferred\n",
	       r.opened, r.closed, r.created, r.sent.sent,
	       o.dry_run ? "to send" : "sent", r.reminded.sent,
	       o.dry_run ? "to send" : "sent", r.sent.posts + r.reminded.posts,
	       r.sent.failed + r.reminded.failed,
	       r.sent.deferred + r.reminded.deferred);
	if (rc)
		return cmd_report(&c->err);
	return EXIT_OK;
}

const struct cmd_entry cmd_tick_entry = {
    .name = "tick",
    .summary = "for cron: open and close due waves, send, remind, recur",
    .usage = "[--dry-run]",
    .description =
	"One scheduler step at the current time: opens scheduled waves "
	"that are due,\ncloses waves past their closing time and "
	"creates the next wave of a\nrecurring (--every) series, "
	"sends pending invitations of every open wave\nand reminds "
	"by the remind.max and remind.interval settings. Safe to run "
	"as\noften as you like; run it every few minutes (see "
	"README).",
    .opts = tick_opts,
    .nopts = TICK_NOPTS,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_tick_exec,
};
