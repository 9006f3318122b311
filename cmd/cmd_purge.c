/*
 * cmd_purge.c - purge [--dry-run] [--months N]: retention now.
 *               member forget EMAIL: erase a person's name and address.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "i18n.h"
#include "output.h"
#include "retention.h"
#include "store.h"
#include "text.h"
#include "when.h"

enum {
	PURGE_DRY_RUN,
	PURGE_MONTHS,
	PURGE_NOPTS
};

static const struct cmd_opt purge_opts[PURGE_NOPTS] = {
    [PURGE_DRY_RUN] = {"dry-run", 'n', OPT_FLAG, NULL,
		       N_("list what would go, delete nothing")},
    [PURGE_MONTHS] = {"months", 0, OPT_VALUE, "N",
		      N_("this retention period instead of retention.months")},
};

/* A line of the table of waves to purge, its heading when w is NULL:
 * columns of terminal width (out_padded), wider for a longer heading. */
static void print_purge_row(const struct cp_purge_row *w, char *when, size_t n)
{
	static const size_t least[5] = {6, 22, 10, 9, 12};
	const char *head[5] = {_("wave"), _("closed"), _("responses"),
			       _("comments"), _("invitations")};
	char num[4][24];
	const char *cell[5];

	if (w) {
		snprintf(num[0], sizeof(num[0]), "%lld", (long long)w->wave_id);
		snprintf(num[1], sizeof(num[1]), "%lld",
			 (long long)w->responses);
		snprintf(num[2], sizeof(num[2]), "%lld",
			 (long long)w->comments);
		snprintf(num[3], sizeof(num[3]), "%lld",
			 (long long)w->invitations);
		cell[0] = num[0];
		cell[1] = cp_when_format(w->closed_at, when, n);
		cell[2] = num[1];
		cell[3] = num[2];
		cell[4] = num[3];
	}
	for (size_t c = 0; c < 5; c++) {
		size_t width = cp_text_width(head[c]);

		if (width < least[c])
			width = least[c];
		if (c)
			putchar(' ');
		/* The wave and the date left-aligned, the counts right. */
		out_padded(stdout, w ? cell[c] : head[c], width, c >= 2);
	}
	putchar('\n');
}

void cmd_print_retention(const struct cp_retention *r, bool dry_run,
			 const char *prefix)
{
	char when[40];

	cp_when_format(r->now, when, sizeof(when));
	/* TRANSLATORS: the first %s is a prefix such as "tick: ". */
	printf(cp_ngettext("%sretention %ld month: waves closed more than "
			   "that before %s\n",
			   "%sretention %ld months: waves closed more than "
			   "that before %s\n",
			   (unsigned long)r->months),
	       prefix, r->months, when);
	if (r->nwaves)
		print_purge_row(NULL, NULL, 0);
	for (size_t i = 0; i < r->nwaves; i++)
		print_purge_row(&r->waves[i], when, sizeof(when));
	if (dry_run)
		printf(cp_ngettext("%swould delete the answers, comments and "
				   "invitations of %zu wave",
				   "%swould delete the answers, comments and "
				   "invitations of %zu waves",
				   r->nwaves),
		       prefix, r->nwaves);
	else
		printf(cp_ngettext("%sdeleted the answers, comments and "
				   "invitations of %zu wave",
				   "%sdeleted the answers, comments and "
				   "invitations of %zu waves",
				   r->nwaves),
		       prefix, r->nwaves);
	if (r->nwaves)
		printf("%s", cp_ngettext("; its totals stay, so results, "
					 "trends and reports still show it",
					 "; their totals stay, so results, "
					 "trends and reports still show them",
					 r->nwaves));
	printf("\n");
	if (dry_run)
		printf(_("%sdry run: nothing was deleted\n"), prefix);
	else if (r->wal_busy)
		printf(_("%sthe WAL is in use by a reader: it is emptied at "
			 "the next purge or answer\n"),
		       prefix);
}

static int cmd_purge_exec(struct cmd_ctx *c)
{
	const char *m = cmd_value(c, PURGE_MONTHS);
	bool dry_run = cmd_flag(c, PURGE_DRY_RUN);
	struct cp_retention r;
	long months = 0;
	char *end;
	int rc;

	if (m) {
		errno = 0;
		months = strtol(m, &end, 10);
		if (errno || *m == '\0' || *end || months < 1 || months > 1200)
			return cmd_usage_error(
			    c,
			    "--months '%s': expected a whole "
			    "number from 1 to 1200",
			    m);
	}
	rc = cp_retention_run(c->store, cp_store_clock(), months, dry_run, &r,
			      &c->err);
	if (rc) {
		cp_retention_release(&r);
		return cmd_report(&c->err);
	}
	if (!r.enabled) {
		fprintf(stderr,
			"carepulse: retention.months is not set, so nothing "
			"is old enough to go: set it (carepulse config set "
			"retention.months 36) or give --months N\n");
		return EXIT_USAGE;
	}
	cmd_print_retention(&r, dry_run, "");
	cp_retention_release(&r);
	return EXIT_OK;
}

const struct cmd_entry cmd_purge_entry = {
    .name = "purge",
    .summary = N_("delete the answers of waves past the retention period"),
    .usage = "[--dry-run] [--months N]",
    .description =
	"Applies the retention period now, as tick does: every wave "
	"closed more than\nretention.months calendar months ago loses its "
	"individual answers, comments,\ninvitations and self-assessment "
	"totals; the team totals, the frozen\nsuppression decisions and "
	"the team tree stay, so results, --trend and reports\nstill show "
	"the wave. The file is then rebuilt (VACUUM) and the WAL emptied,\n"
	"so no byte of what was deleted remains. --dry-run lists the "
	"waves and what\nwould go.",
    .opts = purge_opts,
    .nopts = PURGE_NOPTS,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_purge_exec,
};

static int cmd_member_forget_exec(struct cmd_ctx *c)
{
	struct cp_forgotten f;
	const char *email = c->argv[0];

	if (cp_retention_forget(c->store, email, cp_store_clock(), &f, &c->err))
		return cmd_report(&c->err);
	printf(cp_ngettext("forgot the name and address of member %lld; %lld "
			   "unused invitation of running waves deleted, %lld "
			   "kept as counts\n",
			   "forgot the name and address of member %lld; %lld "
			   "unused invitations of running waves deleted, %lld "
			   "kept as counts\n",
			   (unsigned long)f.invitations_dropped),
	       (long long)f.member_id, (long long)f.invitations_dropped,
	       (long long)f.invitations_kept);
	printf("%s", _("their answers stay, as unlinkable as before; remove "
		       "them from the roster too, or the next team import "
		       "adds them again\n"));
	if (f.wal_busy)
		printf("%s", _("the WAL is in use by a reader: it is emptied "
			       "at the next answer or purge\n"));
	return EXIT_OK;
}

const struct cmd_entry cmd_member_forget_entry = {
    .name = "member forget",
    .summary = N_("erase a person's name and address"),
    .usage = "EMAIL",
    .description =
	"For a person who left or asked to be forgotten: their name and "
	"address are\nerased from the member row (it stays, without them, "
	"so the response rates\nof past waves still count the "
	"invitation), their unused links of waves still\nrunning are "
	"deleted, and the pages and the WAL that held them are "
	"emptied.\nTheir anonymous answers stay: nothing links them to "
	"the person, before or\nafter.",
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_member_forget_exec,
};
