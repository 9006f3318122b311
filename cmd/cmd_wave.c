/*
 * cmd_wave.c - wave create | list | show WAVE | close WAVE | cancel WAVE |
 * set WAVE | series list|pause|resume|stop
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "anonymity.h"
#include "cmd.h"
#include "crypto.h"
#include "deliver.h"
#include "i18n.h"
#include "output.h"
#include "store.h"
#include "text.h"
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
		       N_("the survey to send (required)")},
    [CREATE_TEAM] = {"team", 't', OPT_LIST, "TEAM",
		     N_("a team to invite (repeatable)")},
    [CREATE_SUBTEAMS] = {"subteams", 0, OPT_FLAG, NULL,
			 N_("include every sub-team of the teams")},
    [CREATE_OPENS] = {"opens", 0, OPT_VALUE, "T",
		      N_("when it opens (default now)")},
    [CREATE_CLOSES] =
	{"closes", 0, OPT_VALUE, "T",
	 N_("when it closes (default 14 days after opening, or --every)")},
    [CREATE_CHANNEL] = {"channel", 'c', OPT_VALUE, "CHANNEL",
			N_("email (default), webhook, slack, teams or outbox")},
    [CREATE_EVERY] = {"every", 0, OPT_VALUE, "PERIOD",
		      N_("repeat: 10d, 2w or 1m (calendar months) later")},
    [CREATE_SELF] = {"self", 0, OPT_FLAG, NULL,
		     N_("also invite each team's leader to a self-assessment")},
    [CREATE_THRESHOLD] = {"threshold", 0, OPT_VALUE, "K",
			  N_("reporting threshold for this wave (default: "
			     "setting 'threshold')")},
    [CREATE_DRY_RUN] = {"dry-run", 'n', OPT_FLAG, NULL,
			N_("only show the anonymity preview; create nothing")},
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
	if (rc == 0) {
		/* JSON is the same in every language: its texts in English. */
		locale_t prev = c->format == FORMAT_JSON
				    ? cp_lang_use(cp_lang_default())
				    : (locale_t)0;
		rc = cp_preview_build(&p, all, nall, teams, nteams, subteams, k,
				      &c->err);
		if (c->format == FORMAT_JSON)
			cp_lang_end(prev);
	}
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
			printf("%s\n", _("dry run: no wave was created"));
		return EXIT_OK;
	}
	if (cmd_installation_key(c, key))
		return cmd_report(&c->err);
	rc = cp_wave_create(c->store, key, &w, survey, teams, nteams,
			    cmd_flag(c, CREATE_SELF), &created, &c->err);
	cp_wipe(key, sizeof(key));
	if (rc)
		return cmd_report(&c->err);
	/* TRANSLATORS: the channel (email, slack...) and status (open,
	 * scheduled) are names a script may read: keep them as they are. */
	printf(cp_ngettext("created wave %lld: survey %s, %zu invitation by "
			   "%s, %s",
			   "created wave %lld: survey %s, %zu invitations by "
			   "%s, %s",
			   created),
	       (long long)w.id, survey, created, w.channel,
	       cp_wave_status_name(w.status));
	printf(_(" from %s"), cp_when_format(w.opens_at, when, sizeof(when)));
	printf(_(" until %s\n"),
	       cp_when_format(w.closes_at, when, sizeof(when)));
	if (created == 0)
		printf("%s\n",
		       _("warning: these teams have no active members"));
	else if (w.status == CP_WAVE_OPEN)
		printf(_("next: carepulse send %lld\n"), (long long)w.id);
	else
		printf("%s\n", _("next: 'carepulse tick' (cron) sends it when "
				 "it opens"));
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
	    {"answered", COL_INT},   {"closed", COL_TEXT},
	    {"series", COL_INT},     {"every_months", COL_INT},
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
		out_cell(
		    &t,
		    w->status == CP_WAVE_CANCELLED
			? cp_when_format(w->cancelled_at, when, sizeof(when))
			: cp_when_format(w->closed_at, when, sizeof(when)));
		out_cellf(&t, "%lld", (long long)w->series_id);
		out_cellf(&t, "%d", w->every_months);
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
	size_t n = 0, tw = 20;

	if (cp_store_chat_teams(c->store, wave, &t, &n, &c->err))
		return;
	/* The names' column in terminal columns, as wide as the widest. */
	for (size_t i = 0; i < n; i++)
		if (cp_text_width(t[i].team) > tw)
			tw = cp_text_width(t[i].team);
	printf("%s", _("  team posts:\n"));
	for (size_t i = 0; i < n; i++) {
		fputs("    ", stdout);
		out_padded(stdout, t[i].team, tw, false);
		printf(" %s", t[i].announce_state == 2 ? _("announced")
			      : t[i].announce_state == 0
				  ? _("not announced yet")
				  : _("announcement not sent"));
		if (t[i].posts > 1)
			printf(cp_ngettext(", %d reminder", ", %d reminders",
					   (unsigned long)(t[i].posts - 1)),
			       t[i].posts - 1);
		if (t[i].last_error)
			printf(_(" (last failure: %s)"), t[i].last_error);
		printf("\n");
	}
	cp_store_chat_teams_free(t, n);
}

/*
 * "  label   " of wave show: the label padded to lw terminal columns (a
 * label indented under another one, to lw - 2) and a space, so the values
 * line up in every language and script.
 */
static void show_label(const char *label, size_t lw)
{
	fputs("  ", stdout);
	out_padded(stdout, label, lw, false);
	putchar(' ');
}

static void show_sublabel(const char *label, size_t lw)
{
	fputs("    ", stdout);
	out_padded(stdout, label, lw - 2, false);
	putchar(' ');
}

/* wave show's labels' column: 12, or the widest label in the language
 * (an indented one counts two more). */
static size_t label_width(void)
{
	const char *labels[] = {
	    _("status"),      _("opens"),     _("closes"),   _("closed"),
	    _("cancelled"),   _("channel"),   _("next"),     _("teams"),
	    _("invitations"), _("reminders"), _("answered"),
	};
	const char *sublabels[] = {_("pending"), _("sending"), _("sent"),
				   _("failed")};
	size_t lw = 12;

	for (size_t i = 0; i < sizeof(labels) / sizeof(*labels); i++)
		if (cp_text_width(labels[i]) > lw)
			lw = cp_text_width(labels[i]);
	for (size_t i = 0; i < sizeof(sublabels) / sizeof(*sublabels); i++)
		if (cp_text_width(sublabels[i]) + 2 > lw)
			lw = cp_text_width(sublabels[i]) + 2;
	return lw;
}

/* What happens after w: always one line, so nobody has to guess; its
 * label lw columns wide (0: its own width). */
static void print_next(struct cmd_ctx *c, const struct cp_wave *w, size_t lw)
{
	struct cp_wave_next nx;
	char when[40], every[40];
	struct cp_error err = {0};

	if (lw == 0) /* alone: as wide as its own label needs */
		lw = cp_text_width(_("next")) > 12 ? cp_text_width(_("next"))
						   : 12;
	if (cp_wave_next_info(c->store, w, &nx, &err)) {
		show_label(_("next"), lw);
		printf(_("unknown (%s)\n"), err.message);
		return;
	}
	cp_wave_cadence(nx.series.every_days, nx.series.every_months, every,
			sizeof(every));
	show_label(_("next"), lw);
	switch (nx.kind) {
	case CP_NEXT_ONE_OFF:
		printf("%s", _("none: a one-off wave\n"));
		break;
	case CP_NEXT_WAVE:
		printf(_("wave %lld, opening %s (series %lld, %s)\n"),
		       (long long)nx.wave,
		       cp_when_format(nx.at, when, sizeof(when)),
		       (long long)nx.series.id, every);
		break;
	case CP_NEXT_AT:
		printf(_("next wave opens %s (series %lld, %s)\n"),
		       cp_when_format(nx.at, when, sizeof(when)),
		       (long long)nx.series.id, every);
		break;
	case CP_NEXT_PAUSED:
		printf(_("none while series %lld is paused (%s; "
			 "'carepulse wave series resume %lld')\n"),
		       (long long)nx.series.id, every, (long long)nx.series.id);
		break;
	case CP_NEXT_STOPPED:
		printf(_("none: series %lld was stopped\n"),
		       (long long)nx.series.id);
		break;
	}
}

static int cmd_wave_show_exec(struct cmd_ctx *c)
{
	int64_t id = wave_number(c, c->argv[0]), *teams = NULL;
	struct cp_team *all = NULL;
	struct cp_delivery *failed = NULL;
	struct cp_wave_stats s;
	struct cp_wave w;
	size_t nteams = 0, nall = 0, nfailed = 0, lw;
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
	lw = label_width();
	printf(_("wave %lld\n"), (long long)w.id);
	show_label(_("status"), lw);
	printf("%s\n", cp_wave_status_name(w.status));
	show_label(_("opens"), lw);
	printf("%s\n", cp_when_format(w.opens_at, when, sizeof(when)));
	show_label(_("closes"), lw);
	printf("%s\n", cp_when_format(w.closes_at, when, sizeof(when)));
	if (w.closed_at) {
		show_label(_("closed"), lw);
		printf("%s\n", cp_when_format(w.closed_at, when, sizeof(when)));
	}
	if (w.status == CP_WAVE_CANCELLED) {
		show_label(_("cancelled"), lw);
		printf(_("%s%s%s (its answers were deleted)\n"),
		       cp_when_format(w.cancelled_at, when, sizeof(when)),
		       w.cancel_reason[0] ? ": " : "", w.cancel_reason);
	}
	show_label(_("channel"), lw);
	printf("%s\n", w.channel);
	print_next(c, &w, lw);
	/* Each name follows a space: the label's column ends one early. */
	fputs("  ", stdout);
	out_padded(stdout, _("teams"), lw, false);
	for (size_t i = 0; i < nteams; i++)
		for (size_t j = 0; j < nall; j++)
			if (all[j].id == teams[i])
				printf(" %s%s", all[j].name,
				       i + 1 < nteams ? "," : "");
	printf("%s\n", w.include_subteams ? _(" (with sub-teams)") : "");
	show_label(_("invitations"), lw);
	printf("%lld", (long long)s.invitations);
	if (s.self)
		printf(_(" (%lld leader self-assessments)"), (long long)s.self);
	putchar('\n');
	show_sublabel(_("pending"), lw);
	printf("%lld\n", (long long)s.pending);
	show_sublabel(_("sending"), lw);
	printf("%lld\n", (long long)s.sending);
	show_sublabel(_("sent"), lw);
	printf("%lld\n", (long long)s.sent);
	show_sublabel(_("failed"), lw);
	printf("%lld\n", (long long)s.failed);
	show_label(_("reminders"), lw);
	printf(_("%lld sent\n"), (long long)s.reminders);
	/* A count only: who answered is never shown. */
	show_label(_("answered"), lw);
	printf(_("%lld of %lld\n"), (long long)s.answered,
	       (long long)s.invitations);
	if (strcmp(w.channel, "slack") == 0 || strcmp(w.channel, "teams") == 0)
		show_posts(c, id);
	if (nfailed) {
		printf("%s", _("  failures:\n"));
		for (size_t i = 0; i < nfailed; i++) {
			printf("    %s (%s): %s", failed[i].email,
			       failed[i].team,
			       failed[i].last_error ? failed[i].last_error
						    : _("unknown"));
			if (failed[i].next_attempt_at)
				printf(_(" [retried after %s]"),
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

enum {
	CLOSE_STOP_SERIES,
	CLOSE_NOPTS
};

static const struct cmd_opt close_opts[CLOSE_NOPTS] = {
    [CLOSE_STOP_SERIES] = {"stop-series", 0, OPT_FLAG, NULL,
			   N_("also stop its recurring series")},
};

/*
 * The results-ready mails of the waves closed so far (this one's first
 * time). The wave is closed whatever happens here: a peer that is down,
 * a setting missing or another sender running leaves the mails queued
 * for the next tick, which a warning says.
 */
static int tell_ready(struct cmd_ctx *c)
{
	struct cp_ready_report r;
	int rc = cp_deliver_ready(c->store, NULL, &r, &c->err);

	if (r.sent)
		printf(cp_ngettext("told %zu viewer that results are ready "
				   "(portal sign-in link, no results in the "
				   "mail)\n",
				   "told %zu viewers that results are ready "
				   "(portal sign-in link, no results in the "
				   "mail)\n",
				   r.sent),
		       r.sent);
	if (r.failed)
		printf(cp_ngettext("%zu results-ready mail failed: 'carepulse "
				   "tick' tries again\n",
				   "%zu results-ready mails failed: "
				   "'carepulse tick' tries again\n",
				   r.failed),
		       r.failed);
	if (rc == CP_EUNAVAIL || rc == CP_EUSAGE || rc == CP_ECONFLICT) {
		fprintf(stderr,
			"carepulse: warning: results-ready mails not sent "
			"yet (%s); 'carepulse tick' sends them\n",
			c->err.message);
		return EXIT_OK;
	}
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

static int cmd_wave_close_exec(struct cmd_ctx *c)
{
	int64_t id = wave_number(c, c->argv[0]);
	struct cp_wave w;
	int was_closed;

	if (id == 0)
		return EXIT_USAGE;
	if (cp_store_wave_get(c->store, id, &w, &c->err))
		return cmd_report(&c->err);
	if (cmd_flag(c, CLOSE_STOP_SERIES) && w.series_id == 0)
		return cmd_usage_error(c,
				       "wave %lld is a one-off: it has no "
				       "series to stop",
				       (long long)id);
	if (cp_wave_close(c->store, id, &was_closed, &c->err))
		return cmd_report(&c->err);
	if (was_closed)
		printf(_("wave %lld was already closed\n"), (long long)id);
	else
		printf(_("closed wave %lld: its links no longer accept answers "
			 "and its results are frozen\n"),
		       (long long)id);
	if (cmd_flag(c, CLOSE_STOP_SERIES)) {
		if (cp_series_set_state(c->store, w.series_id,
					CP_SERIES_STOPPED, &c->err))
			return cmd_report(&c->err);
		printf(_("stopped series %lld: no more waves\n"),
		       (long long)w.series_id);
	} else if (w.series_id &&
		   cp_store_wave_get(c->store, id, &w, &c->err) == 0) {
		print_next(c, &w, 0);
	}
	return tell_ready(c);
}

enum {
	CANCEL_REASON,
	CANCEL_NOPTS
};

static const struct cmd_opt cancel_opts[CANCEL_NOPTS] = {
    [CANCEL_REASON] = {"reason", 'r', OPT_VALUE, "TEXT",
		       N_("why, shown where the wave leaves a gap")},
};

static int cmd_wave_cancel_exec(struct cmd_ctx *c)
{
	int64_t id = wave_number(c, c->argv[0]);
	enum cp_cancel_outcome outcome;
	int clean;

	if (id == 0)
		return EXIT_USAGE;
	if (cp_wave_cancel(c->store, id, cmd_value(c, CANCEL_REASON), &outcome,
			   &clean, &c->err))
		return cmd_report(&c->err);
	if (outcome == CP_CANCEL_DELETED)
		printf(_("deleted wave %lld and its invitations: nobody had "
			 "answered; its links now say the pulse was "
			 "cancelled\n"),
		       (long long)id);
	else
		printf(_("cancelled wave %lld: its answers, comments and "
			 "totals were deleted; it is left out of defaults, "
			 "trends and comparisons, and its links say it was "
			 "cancelled\n"),
		       (long long)id);
	if (!clean)
		printf("%s", _("note: a running 'serve' still holds part of "
			       "the database log; the deleted pages leave it "
			       "at the next checkpoint\n"));
	return EXIT_OK;
}

enum {
	SET_CHANNEL,
	SET_NOPTS
};

static const struct cmd_opt set_opts[SET_NOPTS] = {
    [SET_CHANNEL] = {"channel", 'c', OPT_VALUE, "CHANNEL",
		     N_("email, webhook, slack, teams or outbox")},
};

static int cmd_wave_set_exec(struct cmd_ctx *c)
{
	int64_t id = wave_number(c, c->argv[0]);
	const char *channel = cmd_value(c, SET_CHANNEL);

	if (id == 0)
		return EXIT_USAGE;
	if (channel == NULL)
		return cmd_usage_error(c, "nothing to change: give --channel");
	if (cp_wave_set_channel(c->store, id, channel, &c->err))
		return cmd_report(&c->err);
	printf(_("wave %lld now goes out by %s\n"), (long long)id, channel);
	return EXIT_OK;
}

static int series_number(struct cmd_ctx *c, int64_t *id)
{
	char *end;
	long long v;

	if (c->argc != 2)
		return cmd_usage_error(c, "'%s' needs a SERIES number",
				       c->argv[0]);
	errno = 0;
	v = strtoll(c->argv[1], &end, 10);
	if (errno || *end || end == c->argv[1] || v <= 0)
		return cmd_usage_error(c, "'%s' is not a series number",
				       c->argv[1]);
	*id = v;
	return 0;
}

static int series_list(struct cmd_ctx *c)
{
	static const struct out_col cols[] = {
	    {"series", COL_INT}, {"state", COL_TEXT}, {"every", COL_TEXT},
	    {"since", COL_TEXT}, {"waves", COL_INT},  {"last_wave", COL_INT},
	    {"next", COL_TEXT},
	};
	struct cp_series *x = NULL;
	struct out_table t;
	char when[40], every[40];
	size_t n = 0;
	int rc = 0;

	if (c->argc != 1)
		return cmd_usage_error(c, "'list' takes no SERIES");
	if (cp_store_series_list(c->store, &x, &n, &c->err))
		return cmd_report(&c->err);
	out_table_init(&t, cols, sizeof(cols) / sizeof(*cols));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct cp_wave_next nx = {0};
		struct cp_wave w;
		out_cellf(&t, "%lld", (long long)x[i].id);
		out_cell(&t, cp_series_state_name(x[i].state));
		out_cell(&t, cp_wave_cadence(x[i].every_days, x[i].every_months,
					     every, sizeof(every)));
		out_cell(&t, cp_when_format(x[i].anchor, when, sizeof(when)));
		out_cellf(&t, "%lld", (long long)x[i].waves);
		out_cellf(&t, "%lld", (long long)x[i].last_wave);
		rc = x[i].last_wave ? cp_store_wave_get(
					  c->store, x[i].last_wave, &w, &c->err)
				    : 0;
		if (rc == 0 && x[i].last_wave)
			rc = cp_wave_next_info(c->store, &w, &nx, &c->err);
		out_cell(&t, rc == 0 && (nx.kind == CP_NEXT_AT ||
					 nx.kind == CP_NEXT_WAVE)
				 ? cp_when_format(nx.at, when, sizeof(when))
				 : "-");
	}
	if (rc == 0 && out_table_print(&t, stdout, c->format))
		rc = cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	out_table_release(&t);
	free(x);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

static int cmd_wave_series_exec(struct cmd_ctx *c)
{
	static const struct {
		const char *word;
		enum cp_series_state state;
	} actions[] = {
	    {"pause", CP_SERIES_PAUSED},
	    {"resume", CP_SERIES_ACTIVE},
	    {"stop", CP_SERIES_STOPPED},
	};
	const char *what = c->argc ? c->argv[0] : "list";
	int64_t id = 0;
	int rc;

	if (strcmp(what, "list") == 0)
		return series_list(c);
	for (size_t i = 0; i < sizeof(actions) / sizeof(*actions); i++) {
		if (strcmp(what, actions[i].word))
			continue;
		if ((rc = series_number(c, &id)))
			return rc;
		if (cp_series_set_state(c->store, id, actions[i].state,
					&c->err))
			return cmd_report(&c->err);
		printf(actions[i].state == CP_SERIES_ACTIVE
			   ? _("resumed series %lld: 'carepulse tick' makes "
			       "its next wave when its time comes\n")
		       : actions[i].state == CP_SERIES_PAUSED
			   ? _("paused series %lld: no new waves until it is "
			       "resumed; open waves run to their end\n")
			   : _("stopped series %lld: no more waves; open ones "
			       "run to their end\n"),
		       (long long)id);
		return EXIT_OK;
	}
	return cmd_usage_error(c, "'%s': expected list, pause, resume or stop",
			       what);
}

const struct cmd_entry cmd_wave_create_entry = {
    .name = "wave create",
    .summary = N_("create a pulse wave for one or more teams"),
    .usage = "--survey ID --team TEAM... [--subteams] [--opens T] "
	     "[--closes T] [--channel CHANNEL] [--every 2w] [--self] "
	     "[--threshold K] [--dry-run]",
    .description =
	"Creates the wave and one invitation per active member of "
	"each team, in one\ntransaction. The wave pins the survey's "
	"current version. Times are on the clocks of the setting\n"
	"timezone: 'now', '+7d' (from now), '2026-12-01' or "
	"'2026-12-01T09:00'; end\none with Z for UTC "
	"('2026-12-01T09:00Z'). A wave that opens later is sent by\n"
	"'carepulse tick'.\nFirst it prints an anonymity preview "
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
    .summary = N_("list waves with their delivery and answer counts"),
    .usage = "",
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB | CMD_READS_DB | CMD_FORMAT,
    .exec = cmd_wave_list_exec,
};

const struct cmd_entry cmd_wave_show_entry = {
    .name = "wave show",
    .summary = N_("show a wave: dates, delivery states, answered count"),
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
    .summary = N_("close a wave now"),
    .usage = "WAVE [--stop-series]",
    .description =
	"Closes WAVE now: its links stop taking answers, its results are "
	"frozen and its\nclosing time is recorded. A wave of a recurring "
	"series leaves the series\nrunning: 'carepulse tick' still makes "
	"the next wave when its time comes,\nunless --stop-series is "
	"given.\nEveryone with portal access to a team of the wave (see "
	"'access grant') is\nthen told once, by the wave's channel, that "
	"its results are ready: a link to\nthe portal's sign-in page "
	"(base_url /portal/), no results in the mail. If\nthat cannot be "
	"done now, 'carepulse tick' does it.",
    .opts = close_opts,
    .nopts = CLOSE_NOPTS,
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_wave_close_exec,
};

const struct cmd_entry cmd_wave_cancel_entry = {
    .name = "wave cancel",
    .summary = N_("cancel a mistaken wave and delete its answers"),
    .usage = "WAVE [--reason TEXT]",
    .description =
	"Before anyone answered, WAVE and its invitations are deleted. "
	"After answers,\nits answers, comments and totals are deleted "
	"(the freed pages overwritten)\nand the wave is kept as "
	"cancelled: it is never the default wave, never a\npoint of a "
	"trend or a comparison, and trends say 'cancelled: TEXT' where "
	"it\nleaves a gap. Either way its links tell people the pulse "
	"was cancelled.\nThere is no undo.",
    .opts = cancel_opts,
    .nopts = CANCEL_NOPTS,
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_wave_cancel_exec,
};

const struct cmd_entry cmd_wave_set_entry = {
    .name = "wave set",
    .summary = N_("change a wave before it goes out"),
    .usage = "WAVE --channel CHANNEL",
    .description = "Changes the channel of WAVE while none of its "
		   "invitations or team posts has\ngone out (a send "
		   "that failed for a missing setting leaves them "
		   "pending);\nrefused after.",
    .opts = set_opts,
    .nopts = SET_NOPTS,
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_wave_set_exec,
};

const struct cmd_entry cmd_wave_series_entry = {
    .name = "wave series",
    .summary = N_("recurring series: list, pause, resume, stop"),
    .usage = "list | pause SERIES | resume SERIES | stop SERIES",
    .description =
	"A wave created with --every starts a series; 'carepulse tick' "
	"creates its\nnext wave when the slot comes (10d and 2w count "
	"days from the first wave;\n1m keeps its day of the month, "
	"clamped to the month's end). 'list' shows\neach series, its "
	"state and when its next wave opens. 'pause' makes no new\nwaves "
	"until 'resume'; slots missed meanwhile are skipped, not made up. "
	"'stop'\nends it for good. Waves already open run to their end.",
    .min_args = 0,
    .max_args = 2,
    .flags = CMD_NEEDS_DB | CMD_FORMAT,
    .exec = cmd_wave_series_exec,
};
