/* cmd_wave.c - wave create | wave list | wave show WAVE | wave close WAVE */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "anonymity.h"
#include "cmd.h"
#include "crypto.h"
#include "output.h"
#include "store.h"
#include "wave.h"
#include "when.h"

enum {
	CREATE_SURVEY,
	CREATE_TEAM,
	CREATE_SUBTEAMS,
	CREATE_OPENS,
	CREATE_CLOSES,
	CREATE_CHANNEL,
	CREATE_EVERY,
	CREATE_SELF,
	CREATE_THRESHOLD,
	CREATE_DRY_RUN,
	CREATE_NOPTS
};

static const struct cmd_opt create_opts[CREATE_NOPTS] = {
    [CREATE_SURVEY] = {"survey", 's', OPT_VALUE, "ID",
		       "the survey to send (required)"},
    [CREATE_TEAM] = {"team", 't', OPT_LIST, "TEAM",
		     "a team to invite (repeatable)"},
    [CREATE_SUBTEAMS] = {"subteams", 0, OPT_FLAG, NULL,
			 "include every sub-team of the teams"},
    [CREATE_OPENS] = {"opens", 0, OPT_VALUE, "T",
		      "when it opens (default now)"},
    [CREATE_CLOSES] =
	{"closes", 0, OPT_VALUE, "T",
	 "when it closes (default 14 days after opening, or --every)"},
    [CREATE_CHANNEL] = {"channel", 'c', OPT_VALUE, "CHANNEL",
			"email (default), webhook, slack, teams or outbox"},
    [CREATE_EVERY] = {"every", 0, OPT_VALUE, "PERIOD",
		      "repeat: the next wave this much later (e.g. 2w)"},
    [CREATE_SELF] = {"self", 0, OPT_FLAG, NULL,
		     "also invite each team's leader to a self-assessment"},
    [CREATE_THRESHOLD] =
	{"threshold", 0, OPT_VALUE, "K",
	 "reporting threshold for this wave (default: setting 'threshold')"},
    [CREATE_DRY_RUN] = {"dry-run", 'n', OPT_FLAG, NULL,
			"only show the anonymity preview; create nothing"},
};

/*
 * The anonymity preview of a wave to teams as the roster stands: printed
 * before anything is created, so a dry run and a real one say the same.
 */
static int preview(struct cmd_ctx *c, const int64_t *teams, size_t nteams,
		   bool subteams, int wave_k)
{
	struct cp_preview *p = NULL;
	struct cp_team *all = NULL;
	size_t nall = 0;
	int k, rc;

	rc = cmd_threshold(c, wave_k, &k);
	if (rc == 0)
		rc = cp_store_team_list(c->store, &all, &nall, &c->err);
	if (rc == 0)
		rc = cp_preview_build(&p, all, nall, teams, nteams, subteams, k,
				      &c->err);
	if (rc == 0 && cmd_print_preview(stdout, p, c->format))
		rc = cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	cp_preview_free(p);
	cp_store_teams_free(all, nall);
	return rc;
}

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
	const char *survey = cmd_value(c, CREATE_SURVEY);
	const struct cp_wave_create_opts o = {
	    .channel = cmd_value(c, CREATE_CHANNEL),
	    .opens = cmd_value(c, CREATE_OPENS),
	    .closes = cmd_value(c, CREATE_CLOSES),
	    .every = cmd_value(c, CREATE_EVERY),
	    .threshold = cmd_value(c, CREATE_THRESHOLD),
	    .include_subteams = cmd_flag(c, CREATE_SUBTEAMS),
	};
	const char *const *names;
	unsigned char key[CP_KEY_LEN];
	int64_t teams[CMD_MAX_LIST];
	char when[40];
	struct cp_wave w;
	size_t nteams, created = 0;
	int rc;

	memset(&w, 0, sizeof(w));
	names = cmd_list(c, CREATE_TEAM, &nteams);
	if (survey == NULL)
		return cmd_usage_error(c, "--survey ID is required");
	if (nteams == 0)
		return cmd_usage_error(c, "at least one --team is required");
	/* The message starts with the field, which is the option's name. */
	if (cp_wave_create_opts_apply(&w, &o, cp_store_now(), &c->err))
		return cmd_usage_error(c, "--%s", c->err.message);
	if (c->format != FORMAT_TABLE && !cmd_flag(c, CREATE_DRY_RUN))
		return cmd_usage_error(c, "--format goes with --dry-run: it "
					  "prints the anonymity preview");
	if (c->format == FORMAT_CSV)
		return cmd_usage_error(c, "--format: the preview is table or "
					  "json");
	for (size_t i = 0; i < nteams; i++)
		if (cp_store_team_find(c->store, names[i], &teams[i], &c->err))
			return cmd_report(&c->err);
	if (preview(c, teams, nteams, w.include_subteams != 0, w.threshold))
		return cmd_report(&c->err);
	if (cmd_flag(c, CREATE_DRY_RUN)) {
		if (c->format == FORMAT_TABLE)
			printf("dry run: no wave was created\n");
		return EXIT_OK;
	}
	if (cmd_installation_key(c, key))
		return cmd_report(&c->err);
	rc = cp_wave_create(c->store, key, &w, survey, teams, nteams,
			    cmd_flag(c, CREATE_SELF), &created, &c->err);
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
	int was_closed;

	if (id == 0)
		return EXIT_USAGE;
	if (cp_wave_close(c->store, id, &was_closed, &c->err))
		return cmd_report(&c->err);
	if (was_closed) {
		printf("wave %lld was already closed\n", (long long)id);
		return EXIT_OK;
	}
	printf("closed wave %lld: its links no longer accept answers and "
	       "its results are frozen\n",
	       (long long)id);
	return EXIT_OK;
}

const struct cmd_entry cmd_wave_create_entry = {
    .name = "wave create",
    .summary = "create a pulse wave for one or more teams",
    .usage = "--survey ID --team TEAM... [--subteams] [--opens T] "
	     "[--closes T] [--channel CHANNEL] [--every 2w] [--self] "
	     "[--threshold K] [--dry-run]",
    .description =
	"Creates the wave and one invitation per active member of "
	"each team, in one\ntransaction. The wave pins the survey's "
	"current version. Times are UTC:\n'now', '+7d' (from now), "
	"'2026-12-01' or '2026-12-01T09:00'. A wave that opens\nlater "
	"is sent by 'carepulse tick'.\nFirst it prints an anonymity preview "
	"for the roster as it stands: which teams\ncan never be shown, "
	"which groups will be hidden to protect another, and the\nroster "
	"change that would fix it. --dry-run prints only that (--format "
	"json\nfor a script).",
    .opts = create_opts,
    .nopts = CREATE_NOPTS,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB | CMD_FORMAT,
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
