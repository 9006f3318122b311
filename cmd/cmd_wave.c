/* cmd_wave.c - wave create | wave list | wave show WAVE | wave close WAVE */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "crypto.h"
#include "output.h"
#include "store.h"
#include "wave.h"
#include "when.h"

#define DEFAULT_OPEN_DAYS 14

static const char *const channels[] = {"email", "webhook", "slack", "teams",
				       "outbox"};

static const struct cmd_opt create_opts[] = {
    {"survey", 's', OPT_VALUE, "ID", "the survey to send (required)"},
    {"team", 't', OPT_LIST, "TEAM", "a team to invite (repeatable)"},
    {"subteams", 0, OPT_FLAG, NULL, "include every sub-team of the teams"},
    {"opens", 0, OPT_VALUE, "T", "when it opens (default now)"},
    {"closes", 0, OPT_VALUE, "T",
     "when it closes (default 14 days after opening, or --every)"},
    {"channel", 'c', OPT_VALUE, "CHANNEL",
     "email (default), webhook, slack, teams or outbox"},
    {"every", 0, OPT_VALUE, "PERIOD",
     "repeat: the next wave this much later (e.g. 2w)"},
    {"self", 0, OPT_FLAG, NULL,
     "also invite each team's leader to a self-assessment"},
    {"threshold", 0, OPT_VALUE, "K",
     "reporting threshold for this wave (3 to 10)"},
    {0},
};

static int64_t wave_number(struct cmd_ctx *c, const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || end == s || v <= 0) {
		cmd_usage_error(c, "'%s' is not a wave number", s);
		return 0;
	}
	return (int64_t)v;
}

static int cmd_wave_create_exec(struct cmd_ctx *c)
{
	const char *survey = cmd_value(c, "survey");
	const char *channel = cmd_value(c, "channel");
	const char *opens = cmd_value(c, "opens"), *closes;
	const char *every = cmd_value(c, "every");
	const char *threshold = cmd_value(c, "threshold");
	const char *const *names;
	unsigned char key[CP_KEY_LEN];
	int64_t teams[CMD_MAX_LIST], now = cp_store_now(), period = 0;
	char when[40];
	struct cp_wave w;
	size_t nteams, created = 0;
	int ok = 0, rc;

	memset(&w, 0, sizeof(w));
	names = cmd_list(c, "team", &nteams);
	if (survey == NULL)
		return cmd_usage_error(c, "--survey ID is required");
	if (nteams == 0)
		return cmd_usage_error(c, "at least one --team is required");
	if (channel == NULL)
		channel = "email";
	for (size_t i = 0; i < sizeof(channels) / sizeof(*channels); i++)
		ok |= strcmp(channel, channels[i]) == 0;
	if (!ok)
		return cmd_usage_error(c,
				       "--channel '%s': expected email, "
				       "webhook, slack, teams or outbox",
				       channel);
	cp_strlcpy(w.channel, channel, sizeof(w.channel));
	if (cp_when_parse(opens ? opens : "now", now, &w.opens_at, &c->err))
		return cmd_usage_error(c, "--opens: %s", c->err.message);
	if (every) {
		if (cp_duration_parse(every, &period, &c->err))
			return cmd_usage_error(c, "--every: %s",
					       c->err.message);
		if (period % 86400)
			return cmd_usage_error(c,
					       "--every '%s': use whole "
					       "days or weeks (3d, 2w)",
					       every);
		w.every_days = (int)(period / 86400);
	}
	closes = cmd_value(c, "closes");
	if (closes && cp_when_parse(closes, now, &w.closes_at, &c->err))
		return cmd_usage_error(c, "--closes: %s", c->err.message);
	if (closes == NULL)
		w.closes_at =
		    w.opens_at + (period && period < DEFAULT_OPEN_DAYS * 86400
				      ? period
				      : DEFAULT_OPEN_DAYS * 86400);
	if (threshold) {
		char *end;
		long k;
		errno = 0;
		k = strtol(threshold, &end, 10);
		if (errno || *end || end == threshold || k < 3 || k > 10)
			return cmd_usage_error(c,
					       "--threshold '%s': expected "
					       "a whole number from 3 to "
					       "10",
					       threshold);
		w.threshold = (int)k;
	}
	w.include_subteams = cmd_flag(c, "subteams");
	for (size_t i = 0; i < nteams; i++)
		if (cp_store_team_find(c->store, names[i], &teams[i], &c->err))
			return cmd_report(&c->err);
	if (cmd_installation_key(c, key))
		return cmd_report(&c->err);
	rc = cp_wave_create(c->store, key, &w, survey, teams, nteams,
			    cmd_flag(c, "self"), &created, &c->err);
	cp_wipe(key, sizeof(key));
	if (rc)
		return cmd_report(&c->err);
	printf("created wave %lld: survey %s, %zu invitation%s by %s, %s",
	       (long long)w.id, survey, created, created == 1 ? "" : "s",
	       w.channel, cp_wave_status_name(w.status));
	printf(" from %s", cp_when_format(w.opens_at, when, sizeof(when)));
	printf(" until %s\n", cp_when_format(w.closes_at, when, sizeof(when)));
	if (created == 0)
		printf("warning: these teams have no active members\n");
	else if (w.status == CP_WAVE_OPEN)
		printf("next: carepulse send %lld\n", (long long)w.id);
	else
		printf(
		    "next: 'carepulse tick' (cron) sends it when it opens\n");
	return EXIT_OK;
}

static int cmd_wave_list_exec(struct cmd_ctx *c)
{
	static const struct out_col cols[] = {
	    {"wave", COL_INT},	     {"survey", COL_TEXT},
	    {"status", COL_TEXT},    {"opens", COL_TEXT},
	    {"closes", COL_TEXT},    {"channel", COL_TEXT},
	    {"every_days", COL_INT}, {"invitations", COL_INT},
	    {"sent", COL_INT},	     {"failed", COL_INT},
	    {"answered", COL_INT},
	};
	struct cp_wave_row *rows;
	struct out_table t;
	char when[40];
	size_t n;
	int rc = 0;

	if (cp_store_wave_list(c->store, &rows, &n, &c->err))
		return cmd_report(&c->err);
	out_table_init(&t, cols, sizeof(cols) / sizeof(*cols));
	for (size_t i = 0; i < n; i++) {
		const struct cp_wave *w = &rows[i].wave;
		out_cellf(&t, "%lld", (long long)w->id);
		out_cell(&t, rows[i].survey_id);
		out_cell(&t, cp_wave_status_name(w->status));
		out_cell(&t, cp_when_format(w->opens_at, when, sizeof(when)));
		out_cell(&t, cp_when_format(w->closes_at, when, sizeof(when)));
		out_cell(&t, w->channel);
		out_cellf(&t, "%d", w->every_days);
		out_cellf(&t, "%lld", (long long)rows[i].stats.invitations);
		out_cellf(&t, "%lld", (long long)rows[i].stats.sent);
		out_cellf(&t, "%lld", (long long)rows[i].stats.failed);
		out_cellf(&t, "%lld", (long long)rows[i].stats.answered);
	}
	if (out_table_print(&t, stdout, c->format))
		rc = cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	out_table_release(&t);
	free(rows);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

/* The team posts of a Slack or Teams wave. */
static void show_posts(struct cmd_ctx *c, int64_t wave)
{
	struct cp_chat_team *t = NULL;
	size_t n = 0;

	if (cp_store_chat_teams(c->store, wave, &t, &n, &c->err))
		return;
	printf("  team posts:\n");
	for (size_t i = 0; i < n; i++) {
		printf("    %-20s %s", t[i].team,
		       t[i].announce_state == 2	  ? "announced"
		       : t[i].announce_state == 0 ? "not announced yet"
						  : "announcement not sent");
		if (t[i].posts > 1)
			printf(", %d reminder%s", t[i].posts - 1,
			       t[i].posts == 2 ? "" : "s");
		if (t[i].last_error)
			printf(" (last failure: %s)", t[i].last_error);
		printf("\n");
	}
	cp_store_chat_teams_free(t, n);
}

static int cmd_wave_show_exec(struct cmd_ctx *c)
{
	int64_t id = wave_number(c, c->argv[0]), *teams = NULL;
	struct cp_team *all = NULL;
	struct cp_delivery *failed = NULL;
	struct cp_wave_stats s;
	struct cp_wave w;
	size_t nteams = 0, nall = 0, nfailed = 0;
	char when[40];
	int rc;

	if (id == 0)
		return EXIT_USAGE;
	rc = cp_store_wave_get(c->store, id, &w, &c->err);
	rc = rc ? rc : cp_store_wave_stats(c->store, id, &s, &c->err);
	rc = rc ? rc
		: cp_store_wave_teams(c->store, id, &teams, &nteams, &c->err);
	rc = rc ? rc : cp_store_team_list(c->store, &all, &nall, &c->err);
	rc = rc ? rc
		: cp_store_delivery_list(c->store, id, CP_SELECT_FAILED, 0, 0,
					 0, &failed, &nfailed, &c->err);
	if (rc)
		goto done;
	printf("wave %lld\n", (long long)w.id);
	printf("  status       %s\n", cp_wave_status_name(w.status));
	printf("  opens        %s\n",
	       cp_when_format(w.opens_at, when, sizeof(when)));
	printf("  closes       %s\n",
	       cp_when_format(w.closes_at, when, sizeof(when)));
	printf("  channel      %s\n", w.channel);
	if (w.every_days)
		printf("  every        %d days\n", w.every_days);
	printf("  teams       ");
	for (size_t i = 0; i < nteams; i++)
		for (size_t j = 0; j < nall; j++)
			if (all[j].id == teams[i])
				printf(" %s%s", all[j].name,
				       i + 1 < nteams ? "," : "");
	printf("%s\n", w.include_subteams ? " (with sub-teams)" : "");
	printf("  invitations  %lld", (long long)s.invitations);
	if (s.self)
		printf(" (%lld leader self-assessments)", (long long)s.self);
	printf("\n    pending    %lld\n    sending    %lld\n    sent       "
	       "%lld\n    failed     %lld\n",
	       (long long)s.pending, (long long)s.sending, (long long)s.sent,
	       (long long)s.failed);
	printf("  reminders    %lld sent\n", (long long)s.reminders);
	/* A count only: who answered is never shown. */
	printf("  answered     %lld of %lld\n", (long long)s.answered,
	       (long long)s.invitations);
	if (strcmp(w.channel, "slack") == 0 || strcmp(w.channel, "teams") == 0)
		show_posts(c, id);
	if (nfailed) {
		printf("  failures:\n");
		for (size_t i = 0; i < nfailed; i++) {
			printf("    %s (%s): %s", failed[i].email,
			       failed[i].team,
			       failed[i].last_error ? failed[i].last_error
						    : "unknown");
			if (failed[i].next_attempt_at)
				printf(" [retried after %s]",
				       cp_when_format(failed[i].next_attempt_at,
						      when, sizeof(when)));
			printf("\n");
		}
	}
done:
	cp_store_deliveries_free(failed, nfailed);
	cp_store_teams_free(all, nall);
	free(teams);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

static int cmd_wave_close_exec(struct cmd_ctx *c)
{
	int64_t id = wave_number(c, c->argv[0]);
	struct cp_wave w;

	if (id == 0)
		return EXIT_USAGE;
	if (cp_store_wave_get(c->store, id, &w, &c->err))
		return cmd_report(&c->err);
	if (w.status == CP_WAVE_CLOSED) {
		printf("wave %lld was already closed\n", (long long)id);
		return EXIT_OK;
	}
	if (cp_store_wave_set_status(c->store, id, CP_WAVE_CLOSED, &c->err))
		return cmd_report(&c->err);
	printf("closed wave %lld: its links no longer accept answers\n",
	       (long long)id);
	return EXIT_OK;
}

const struct cmd_entry cmd_wave_create_entry = {
    .name = "wave create",
    .summary = "create a pulse wave for one or more teams",
    .usage = "--survey ID --team TEAM... [--subteams] [--opens T] "
	     "[--closes T] [--channel CHANNEL] [--every 2w] [--self] "
	     "[--threshold K]",
    .description =
	"Creates the wave and one invitation per active member of "
	"each team, in one\ntransaction. The wave pins the survey's "
	"current version. Times are UTC:\n'now', '+7d' (from now), "
	"'2026-12-01' or '2026-12-01T09:00'. A wave that opens\nlater "
	"is sent by 'carepulse tick'.",
    .opts = create_opts,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_wave_create_exec,
};

const struct cmd_entry cmd_wave_list_entry = {
    .name = "wave list",
    .summary = "list waves with their delivery and answer counts",
    .usage = "",
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB | CMD_READS_DB | CMD_FORMAT,
    .exec = cmd_wave_list_exec,
};

const struct cmd_entry cmd_wave_show_entry = {
    .name = "wave show",
    .summary = "show a wave: dates, delivery states, answered count",
    .usage = "WAVE",
    .description = "Shows how many invitations are pending, sent or "
		   "failed (failures with their\nreason) and how many "
		   "were answered: a count, never who.",
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB | CMD_READS_DB,
    .exec = cmd_wave_show_exec,
};

const struct cmd_entry cmd_wave_close_entry = {
    .name = "wave close",
    .summary = "close a wave now",
    .usage = "WAVE",
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_wave_close_exec,
};
