/*
 * cmd_action.c - action add | action list | action done: the action loop
 * (issue 13, item 6). What a team agreed after a wave's results, with an
 * owner and a review date; the next team report shows them as "what we
 * agreed last time". The rules are core/action's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "cmd.h"
#include "i18n.h"
#include "output.h"
#include "store.h"
#include "when.h"

enum {
	ADD_TEAM,
	ADD_WAVE,
	ADD_OWNER,
	ADD_REVIEW,
	ADD_NOPTS
};

static const struct cmd_opt add_opts[ADD_NOPTS] = {
    [ADD_TEAM] = {"team", 't', OPT_VALUE, "TEAM",
		  N_("the team that agreed it")},
    [ADD_WAVE] = {"wave", 'w', OPT_VALUE, "WAVE",
		  N_("the closed wave whose results it follows (default: the "
		     "team's newest closed wave)")},
    [ADD_OWNER] = {"owner", 'o', OPT_VALUE, "NAME",
		   N_("who takes it forward (a name, as the team says it)")},
    [ADD_REVIEW] = {"review", 'r', OPT_VALUE, "DATE",
		    N_("when to look at it again: YYYY-MM-DD or +Nd")},
};

enum {
	LIST_TEAM,
	LIST_WAVE,
	LIST_OPEN,
	LIST_NOPTS
};

static const struct cmd_opt list_opts[LIST_NOPTS] = {
    [LIST_TEAM] = {"team", 't', OPT_VALUE, "TEAM", N_("only TEAM's actions")},
    [LIST_WAVE] = {"wave", 'w', OPT_VALUE, "WAVE",
		   N_("only those that follow WAVE")},
    [LIST_OPEN] = {"open", 0, OPT_FLAG, NULL, N_("only those not done yet")},
};

enum {
	DONE_DATE,
	DONE_NOPTS
};

static const struct cmd_opt done_opts[DONE_NOPTS] = {
    [DONE_DATE] = {"date", 'd', OPT_VALUE, "DATE",
		   N_("when it was done (default: now)")},
};

/* A positive number from text, or a usage error naming what it is. */
static int parse_id(const struct cmd_ctx *c, const char *what, const char *s,
		    int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *s == '\0' || *end || v <= 0)
		return cmd_usage_error(c, "%s '%s' is not a number", what, s);
	*out = v;
	return 0;
}

/* t as YYYY-MM-DD (the day is what a review means), the day on the
 * installation's clocks, as it was typed; NULL for 0. */
static const char *day(int64_t t, char *buf, size_t n)
{
	if (t == 0 || n < 11)
		return NULL;
	return cp_when_date(t, buf, n);
}

static int cmd_action_add_exec(struct cmd_ctx *c)
{
	const char *team = cmd_value(c, ADD_TEAM);
	const char *wave = cmd_value(c, ADD_WAVE);
	const char *review = cmd_value(c, ADD_REVIEW);
	struct cp_action_new a = {.text = c->argv[0],
				  .owner = cmd_value(c, ADD_OWNER)};
	int64_t id = 0;
	int rc;

	if (team == NULL)
		return cmd_usage_error(c, "--team is required: the team that "
					  "agreed the action");
	if (wave && (rc = parse_id(c, "--wave", wave, &a.wave_id)) != 0)
		return rc;
	if (review &&
	    cp_when_parse(review, cp_store_now(), &a.review_at, &c->err)) {
		cp_error_prefix(&c->err, "--review");
		return cmd_report(&c->err);
	}
	if (cp_store_team_find(c->store, team, &a.team_id, &c->err) ||
	    (a.wave_id == 0 &&
	     cp_action_latest_wave(c->store, a.team_id, &a.wave_id, &c->err)) ||
	    cp_action_add(c->store, &a, &id, &c->err))
		return cmd_report(&c->err);
	printf(_("added action %lld for %s after wave %lld\n"), (long long)id,
	       team, (long long)a.wave_id);
	return EXIT_OK;
}

static int cmd_action_list_exec(struct cmd_ctx *c)
{
	static const struct out_col cols[] = {
	    {"id", COL_INT},	  {"team", COL_TEXT},  {"wave", COL_INT},
	    {"action", COL_TEXT}, {"owner", COL_TEXT}, {"review", COL_TEXT},
	    {"status", COL_TEXT}, {"done", COL_TEXT},
	};
	const char *team = cmd_value(c, LIST_TEAM);
	const char *wave = cmd_value(c, LIST_WAVE);
	struct cp_action *a = NULL;
	struct out_table t;
	int64_t team_id = 0, wave_id = 0;
	size_t n = 0;
	int rc = 0;

	if (wave && (rc = parse_id(c, "--wave", wave, &wave_id)) != 0)
		return rc;
	if (team && cp_store_team_find(c->store, team, &team_id, &c->err))
		return cmd_report(&c->err);
	if (cp_action_list(c->store, team_id, wave_id, &a, &n, &c->err))
		return cmd_report(&c->err);
	out_table_init(&t, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < n; i++) {
		char when[40];

		if (cmd_flag(c, LIST_OPEN) && a[i].done_at)
			continue;
		out_cellf(&t, "%lld", (long long)a[i].id);
		out_cell(&t, a[i].team);
		out_cellf(&t, "%lld", (long long)a[i].wave_id);
		out_cell(&t, a[i].text);
		out_cell(&t, a[i].owner[0] ? a[i].owner : NULL);
		out_cell(&t, day(a[i].review_at, when, sizeof(when)));
		out_cell(&t, a[i].done_at ? "done" : "open");
		out_cell(&t, day(a[i].done_at, when, sizeof(when)));
	}
	if (out_table_print(&t, stdout, c->format))
		rc = cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	out_table_release(&t);
	free(a);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

static int cmd_action_done_exec(struct cmd_ctx *c)
{
	const char *date = cmd_value(c, DONE_DATE);
	int64_t id, when = cp_store_now();
	int rc;

	if ((rc = parse_id(c, "ACTION", c->argv[0], &id)) != 0)
		return rc;
	if (date && cp_when_parse(date, when, &when, &c->err)) {
		cp_error_prefix(&c->err, "--date");
		return cmd_report(&c->err);
	}
	if (cp_action_done(c->store, id, when, &c->err))
		return cmd_report(&c->err);
	printf(_("action %lld is done\n"), (long long)id);
	return EXIT_OK;
}

const struct cmd_entry cmd_action_add_entry = {
    .name = "action add",
    .summary = N_("record an action a team agreed after a wave's results"),
    .usage = "--team TEAM [--wave WAVE] [--owner NAME] [--review DATE] "
	     "TEXT",
    .description =
	"After the workshop on a wave's results, record what the team "
	"agreed: one short\naction per call (one line, at most 500 "
	"bytes), with who takes it forward and\nwhen to look at it "
	"again. The next team report shows it under \"What we\nagreed "
	"last time\"; `action done` marks it done.",
    .opts = add_opts,
    .nopts = ADD_NOPTS,
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_action_add_exec,
};

const struct cmd_entry cmd_action_list_entry = {
    .name = "action list",
    .summary = N_("list the actions teams agreed, with owner and review date"),
    .usage = "[--team TEAM] [--wave WAVE] [--open]",
    .opts = list_opts,
    .nopts = LIST_NOPTS,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB | CMD_READS_DB | CMD_FORMAT,
    .exec = cmd_action_list_exec,
};

const struct cmd_entry cmd_action_done_entry = {
    .name = "action done",
    .summary = N_("mark an action done"),
    .usage = "[--date DATE] ACTION",
    .opts = done_opts,
    .nopts = DONE_NOPTS,
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_action_done_exec,
};
