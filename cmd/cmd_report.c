/*
 * cmd_report.c - report team --team TEAM [--wave WAVE] -o FILE.pdf
 *                report compare [--wave WAVE] -o FILE.pdf
 *
 * Loads a closed wave's results through core (every threshold and
 * anti-differencing decision is made there), has reports/ turn them into
 * report input, and writes the PDF. The reports module never sees the
 * store.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "i18n.h"
#include "report.h"
#include "report_batch.h"
#include "report_write.h"
#include "store.h"

enum {
	TEAM_TEAM,
	TEAM_WAVE,
	TEAM_OUTPUT,
	TEAM_PAPER,
	TEAM_ALL,
	TEAM_PARENT,
	TEAM_JOBS,
	TEAM_LANGUAGE,
	TEAM_NOPTS
};

static const struct cmd_opt team_opts[TEAM_NOPTS] = {
    [TEAM_TEAM] = {"team", 't', OPT_VALUE, "TEAM",
		   N_("the team to report on (required without --all)")},
    [TEAM_WAVE] = {"wave", 'w', OPT_VALUE, "WAVE",
		   N_("the wave (default: the team's newest closed wave; with "
		      "--all the newest closed wave)")},
    [TEAM_OUTPUT] = {"output", 'o', OPT_VALUE, "FILE.pdf|DIR",
		     N_("where to write the PDF (required); with --all a "
			"directory")},
    [TEAM_PAPER] = {"paper", 0, OPT_VALUE, "PAPER",
		    N_("a4 (default) or letter")},
    [TEAM_ALL] = {"all", 0, OPT_FLAG, NULL,
		  N_("a report for every team of the wave, in parallel, and "
		     "DIR/index.csv")},
    [TEAM_PARENT] = {"parent", 0, OPT_VALUE, "TEAM",
		     N_("with --all: only TEAM and the teams below it")},
    [TEAM_JOBS] =
	{"jobs", 'j', OPT_VALUE, "N",
	 N_("with --all: N worker processes (default: one per core)")},
    [TEAM_LANGUAGE] =
	{"language", 0, OPT_VALUE, "LANG",
	 N_("the report's language: en, cy, es, pl or ar (default: "
	    "the setting language)")},
};

enum {
	COMPARE_WAVE,
	COMPARE_OUTPUT,
	COMPARE_PAPER,
	COMPARE_MEASURE,
	COMPARE_SORT,
	COMPARE_LANGUAGE,
	COMPARE_NOPTS
};

static const struct cmd_opt compare_opts[COMPARE_NOPTS] = {
    [COMPARE_WAVE] = {"wave", 'w', OPT_VALUE, "WAVE",
		      N_("the wave (default: the newest closed)")},
    [COMPARE_OUTPUT] = {"output", 'o', OPT_VALUE, "FILE.pdf",
			N_("where to write the PDF (required)")},
    [COMPARE_PAPER] = {"paper", 0, OPT_VALUE, "PAPER",
		       N_("a4 (default) or letter")},
    [COMPARE_MEASURE] =
	{"measure", 0, OPT_VALUE, "MEASURE",
	 N_("what the cells show: score (default, 0-100) or favourable (%)")},
    [COMPARE_SORT] =
	{"sort", 0, OPT_VALUE, "ORDER",
	 N_("tree (default: the organisation's order, each group above its "
	    "teams), name, or overall (the mean of a team's shown cells)")},
    [COMPARE_LANGUAGE] = {"language", 0, OPT_VALUE, "LANG",
			  N_("the report's language: en, cy, es, pl or ar "
			     "(default: the setting language)")},
};

/*
 * The report's language: --language, else the setting "language". The
 * fixed text is then drawn in it (this thread's locale, kept by the
 * worker processes of --all); results pool every language's answers.
 */
/* The operator's locale, while the report's language is in use. */
static locale_t operator_locale;
static bool switched;

static int report_language(struct cmd_ctx *c, int language_opt)
{
	const char *given = cmd_value(c, language_opt);
	char *setting = NULL;
	const struct cp_lang *l;
	int rc = 0;

	if (given && cp_lang_check(given, &c->err))
		return cmd_usage_error(c, "--language: %s", c->err.message);
	if (given == NULL) {
		rc = cp_config_get(c->store, "language", &setting, NULL,
				   &c->err);
		if (rc == 0 && setting && cp_lang_check(setting, &c->err))
			rc = cp_error_prefix(&c->err, "setting language");
		if (rc) {
			free(setting);
			return cmd_report(&c->err);
		}
	}
	l = cp_lang_find(given ? given : setting);
	free(setting);
	if (l && !cp_lang_available(l))
		fprintf(stderr,
			"carepulse: warning: the locale %s is not installed, "
			"so the report is in English (scripts/setup installs "
			"it)\n",
			l->locale);
	operator_locale = cp_lang_use(l);
	switched = true;
	return 0;
}

void cmd_report_language_end(void)
{
	if (switched)
		cp_lang_end(operator_locale);
	switched = false;
}

/*
 * The options both reports share: the paper, the language, and the
 * creation date from SOURCE_DATE_EPOCH (reproducible output) or else the
 * current time.
 */
static int report_options(struct cmd_ctx *c, int paper_opt, int language_opt,
			  struct rp_options *o)
{
	const char *paper = cmd_value(c, paper_opt);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	int rc;

	memset(o, 0, sizeof(*o));
	if (paper == NULL || strcmp(paper, "a4") == 0)
		o->paper = RP_PAPER_A4;
	else if (strcmp(paper, "letter") == 0)
		o->paper = RP_PAPER_LETTER;
	else
		return cmd_usage_error(c, "--paper '%s': expected a4 or letter",
				       paper);
	if ((rc = report_language(c, language_opt)) != 0)
		return rc;
	o->has_creation_time = 1;
	if (sde && *sde) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(sde, &end, 10);
		if (errno || *end || v < 0) {
			fprintf(stderr,
				"carepulse: SOURCE_DATE_EPOCH '%s' is not a "
				"number of seconds since 1970\n",
				sde);
			return EXIT_USAGE;
		}
		o->creation_time = v;
	} else {
		o->creation_time = (long long)time(NULL);
	}
	return 0;
}

static int output_path(struct cmd_ctx *c, int output_opt, const char **path)
{
	const char *out = cmd_value(c, output_opt);
	struct cp_buf dir;
	struct stat st;
	const char *slash;
	int rc = 0;

	if (out == NULL || *out == '\0')
		return cmd_usage_error(c, "-o FILE.pdf is required");
	*path = out;
	/* A clear message before any work; the writer would fail too. */
	slash = strrchr(out, '/');
	if (slash == NULL)
		return 0;
	cp_buf_init(&dir, 0);
	if (cp_buf_add(&dir, out, slash == out ? 1 : (size_t)(slash - out),
		       &c->err))
		return cmd_report(&c->err);
	if (stat(cp_buf_str(&dir), &st) || !S_ISDIR(st.st_mode)) {
		cp_error_set(&c->err, CP_EIO,
			     N_("cannot write '%s': no directory '%s'"), out,
			     cp_buf_str(&dir));
		rc = cmd_report(&c->err);
	}
	cp_buf_release(&dir);
	return rc;
}

static int wave_number(struct cmd_ctx *c, int wave_opt, int64_t *wave)
{
	const char *s = cmd_value(c, wave_opt);
	char *end;
	long long v;

	*wave = 0;
	if (s == NULL)
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *s == '\0' || *end || v <= 0)
		return cmd_usage_error(c, "--wave '%s' is not a wave number",
				       s);
	*wave = v;
	return 0;
}

static int write_status(bool comparison, const char *path)
{
	cmd_report_language_end();
	if (printf(comparison ? _("wrote the comparison report to %s\n")
			      : _("wrote the team report to %s\n"),
		   path) < 0 ||
	    fflush(stdout)) {
		fprintf(stderr, "%s", _("carepulse: cannot write to stdout\n"));
		return EXIT_IO;
	}
	return EXIT_OK;
}

/* report team --all -o DIR [--parent TEAM] [--jobs N]. */
static int report_all(struct cmd_ctx *c)
{
	const char *jobs = cmd_value(c, TEAM_JOBS);
	struct report_batch b = {.parent = cmd_value(c, TEAM_PARENT),
				 .dir = cmd_value(c, TEAM_OUTPUT)};
	struct rp_options o;
	char *end;
	int rc;

	if (cmd_value(c, TEAM_TEAM))
		return cmd_usage_error(c, "--team and --all: give one of them");
	if (b.dir == NULL || *b.dir == '\0')
		return cmd_usage_error(c, "--all needs -o DIR");
	if (jobs) {
		errno = 0;
		b.jobs = strtol(jobs, &end, 10);
		if (errno || *jobs == '\0' || *end || b.jobs < 1 ||
		    b.jobs > 256)
			return cmd_usage_error(
			    c, "--jobs '%s': expected 1 to 256", jobs);
	}
	if ((rc = report_options(c, TEAM_PAPER, TEAM_LANGUAGE, &o)) != 0 ||
	    (rc = wave_number(c, TEAM_WAVE, &b.wave)))
		return rc;
	b.o = &o;
	return cmd_report_batch(c, &b);
}

static int cmd_report_team_exec(struct cmd_ctx *c)
{
	const char *team_name = cmd_value(c, TEAM_TEAM);
	struct rp_options o;
	const char *path;
	int64_t wave;
	int rc;

	if (cmd_flag(c, TEAM_ALL))
		return report_all(c);
	if (cmd_value(c, TEAM_PARENT) || cmd_value(c, TEAM_JOBS))
		return cmd_usage_error(c, "--parent and --jobs go with --all");
	if (team_name == NULL)
		return cmd_usage_error(c, "--team TEAM is required");
	if ((rc = output_path(c, TEAM_OUTPUT, &path)) != 0 ||
	    (rc = report_options(c, TEAM_PAPER, TEAM_LANGUAGE, &o)) != 0 ||
	    (rc = wave_number(c, TEAM_WAVE, &wave)))
		return rc;
	if (rp_write_team_report(c->store, team_name, wave, path, &o, &c->err))
		return cmd_report(&c->err);
	return write_status(false, path);
}

static int cmd_report_compare_exec(struct cmd_ctx *c)
{
	const char *measure = cmd_value(c, COMPARE_MEASURE);
	const char *sort = cmd_value(c, COMPARE_SORT);
	enum rp_measure m = RP_MEASURE_SCORE;
	enum rp_sort so = RP_SORT_TREE;
	struct rp_options o;
	const char *path;
	int64_t wave;
	int rc;

	if (measure && strcmp(measure, "favourable") == 0)
		m = RP_MEASURE_FAVOURABLE;
	else if (measure && strcmp(measure, "score") != 0)
		return cmd_usage_error(
		    c, "--measure '%s': expected score or favourable", measure);
	if (sort && strcmp(sort, "overall") == 0)
		so = RP_SORT_OVERALL;
	else if (sort && strcmp(sort, "name") == 0)
		so = RP_SORT_NAME;
	else if (sort && strcmp(sort, "tree") != 0)
		return cmd_usage_error(
		    c, "--sort '%s': expected tree, name or overall", sort);
	if ((rc = output_path(c, COMPARE_OUTPUT, &path)) != 0 ||
	    (rc = report_options(c, COMPARE_PAPER, COMPARE_LANGUAGE, &o)) !=
		0 ||
	    (rc = wave_number(c, COMPARE_WAVE, &wave)))
		return rc;
	if (rp_write_compare_report(c->store, wave, m, so, path, &o, &c->err))
		return cmd_report(&c->err);
	return write_status(true, path);
}

const struct cmd_entry cmd_report_team_entry = {
    .name = "report team",
    .summary = N_("a team's PDF report for a closed wave"),
    .usage = "(--team TEAM -o FILE.pdf | --all [--parent TEAM] -o DIR "
	     "[--jobs N]) [--wave WAVE] [--paper a4|letter]",
    .description =
	"Writes the team report: a cover with the response rate and the "
	"threshold, what\nis going well, the 7 C's and the four "
	"behaviours, the eNPS when the survey asks\nit (promoters, "
	"passives, detractors, the score with its interval and trend),\n"
	"trends over the team's last 12 closed waves, item detail (with "
	"how many\npreferred not to say), areas to grow, self and team, "
	"comments (when the\ncomment threshold allows), a workshop page "
	"and the method. Numbers with fewer\nthan the threshold of "
	"responses are never printed; \"prefer not to say\" is\ncounted "
	"apart, never in n. SOURCE_DATE_EPOCH sets the creation date: the\n"
	"same data then gives the same bytes.\n\nWith --all, one PDF per "
	"team the wave went to (or TEAM and the teams below\nit), named "
	"after the team, written by one worker process per core; a "
	"hidden\nteam gets its one-page explanation. DIR/index.csv lists "
	"team, file and status\n(written, hidden or failed). A progress "
	"bar shows on a terminal.",
    .opts = team_opts,
    .nopts = TEAM_NOPTS,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB | CMD_READS_DB,
    .exec = cmd_report_team_exec,
};

const struct cmd_entry cmd_report_compare_entry = {
    .name = "report compare",
    .summary = N_("a PDF heat map of every team for HR"),
    .usage = "[--wave WAVE] -o FILE.pdf [--paper a4|letter] "
	     "[--measure score|favourable] [--sort tree|name|overall]",
    .description =
	"Writes the comparison report: a heat map of teams by dimensions "
	"with the number\nin each cell, the response rate per team and "
	"the organisation's row, continued\nover pages, and an eNPS column "
	"when the survey asks it. A cell with fewer\nthan the threshold "
	"of responses reads \"fewer than k\". SOURCE_DATE_EPOCH sets the\n"
	"creation date.",
    .opts = compare_opts,
    .nopts = COMPARE_NOPTS,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB | CMD_READS_DB,
    .exec = cmd_report_compare_exec,
};
