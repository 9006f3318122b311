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
#include "report.h"
#include "report_write.h"
#include "results.h"
#include "store.h"

static const struct cmd_opt team_opts[] = {
    {"team", 't', OPT_VALUE, "TEAM", "the team to report on (required)"},
    {"wave", 'w', OPT_VALUE, "WAVE",
     "the wave (default: the team's newest closed wave)"},
    {"output", 'o', OPT_VALUE, "FILE.pdf", "where to write the PDF (required)"},
    {"paper", 0, OPT_VALUE, "PAPER", "a4 (default) or letter"},
    {0},
};

static const struct cmd_opt compare_opts[] = {
    {"wave", 'w', OPT_VALUE, "WAVE", "the wave (default: the newest closed)"},
    {"output", 'o', OPT_VALUE, "FILE.pdf", "where to write the PDF (required)"},
    {"paper", 0, OPT_VALUE, "PAPER", "a4 (default) or letter"},
    {"measure", 0, OPT_VALUE, "MEASURE",
     "what the cells show: score (default, 0-100) or favourable (%)"},
    {"sort", 0, OPT_VALUE, "ORDER",
     "name (default) or overall (the mean of a team's shown cells)"},
    {0},
};

/*
 * The options both reports share: the paper, and the creation date from
 * SOURCE_DATE_EPOCH (reproducible output) or else the current time.
 */
static int report_options(struct cmd_ctx *c, struct rp_options *o)
{
	const char *paper = cmd_value(c, "paper");
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	memset(o, 0, sizeof(*o));
	if (paper == NULL || strcmp(paper, "a4") == 0)
		o->paper = RP_PAPER_A4;
	else if (strcmp(paper, "letter") == 0)
		o->paper = RP_PAPER_LETTER;
	else
		return cmd_usage_error(c, "--paper '%s': expected a4 or letter",
				       paper);
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

static int output_path(struct cmd_ctx *c, const char **path)
{
	const char *out = cmd_value(c, "output");
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
			     "cannot write '%s': no directory '%s'", out,
			     cp_buf_str(&dir));
		rc = cmd_report(&c->err);
	}
	cp_buf_release(&dir);
	return rc;
}

static int wave_number(struct cmd_ctx *c, int64_t *wave)
{
	const char *s = cmd_value(c, "wave");
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

/*
 * The waves that include team (0: any), oldest first, keeping only the
 * closed ones; a NULL *ids with *n 0 when there are none.
 */
static int closed_waves(struct cp_store *s, int64_t team, int64_t **ids,
			size_t *n, struct cp_error *err)
{
	size_t kept = 0;

	if (cp_results_waves(s, team, ids, n, err))
		return err->code;
	for (size_t i = 0; i < *n; i++) {
		struct cp_wave w;
		if (cp_store_wave_get(s, (*ids)[i], &w, err)) {
			free(*ids);
			*ids = NULL;
			*n = 0;
			return err->code;
		}
		if (w.status == CP_WAVE_CLOSED)
			(*ids)[kept++] = (*ids)[i];
	}
	*n = kept;
	return 0;
}

static int write_status(const char *what, const char *path)
{
	if (printf("wrote %s to %s\n", what, path) < 0 || fflush(stdout)) {
		fprintf(stderr, "carepulse: cannot write to stdout\n");
		return EXIT_IO;
	}
	return EXIT_OK;
}

/*
 * The results of a closed wave with opts, or an error saying why there are
 * none.
 */
static int load_closed_opts(struct cp_store *st, int64_t wave,
			    const struct cp_results_opts *opts,
			    struct cp_results **r, struct cp_error *err)
{
	if (cp_results_load(r, st, wave, opts, err))
		return err->code;
	if (!(*r)->scores) {
		cp_error_set(err, CP_ECONFLICT,
			     "wave %lld is %s: scores are shown only after a "
			     "wave closes, so there is no report yet",
			     (long long)wave,
			     cp_wave_status_name((*r)->wave.status));
		cp_results_free(*r);
		*r = NULL;
		return err->code;
	}
	return 0;
}

/*
 * The results of a closed wave. team nonzero: a report on that team, which
 * reads only its groups' statistics and changes (see cp_results_opts), and
 * its comments only when asked for.
 */
static int load_closed(struct cp_store *st, int64_t wave, int64_t team,
		       bool comments, struct cp_results **r,
		       struct cp_error *err)
{
	struct cp_results_opts opts = {
	    .changes = true,
	    .comments = comments,
	    .changes_team = team,
	    .only_team = team,
	    .no_item_changes = true}; /* no report shows an item's change */

	return load_closed_opts(st, wave, &opts, r, err);
}

int cmd_team_report_write(struct cp_store *st, const char *team_name,
			  int64_t wave, const char *path,
			  const struct rp_options *o, struct cp_error *err)
{
	struct cp_results *now = NULL, *before[RP_WAVES_MAX - 1] = {0};
	struct rp_team_data *data = NULL;
	struct cp_wave_entry *entries = NULL;
	struct cp_team *teams = NULL;
	int64_t team, *ids = NULL;
	size_t n = 0, pos, first, n_before = 0, nentries = 0, nteams = 0;
	int rc;

	if (cp_store_team_find(st, team_name, &team, err) ||
	    closed_waves(st, team, &ids, &n, err))
		return err->code;
	if (wave == 0 && n == 0) {
		free(ids);
		return cp_error_set(err, CP_ENOTFOUND,
				    "team '%s' has no closed wave yet: scores "
				    "are shown only after a wave closes",
				    team_name);
	}
	if (wave == 0)
		wave = ids[n - 1];
	for (pos = 0; pos < n && ids[pos] != wave; pos++)
		;
	if (pos == n) {
		/* Not a closed wave of the team: the wave's own error
		 * (unknown, still open) comes first. */
		if ((rc = load_closed(st, wave, team, true, &now, err)) == 0)
			rc = cp_error_set(err, CP_ENOTFOUND,
					  "team '%s' is not in wave %lld",
					  team_name, (long long)wave);
		goto done;
	}
	/*
	 * The trend: up to RP_WAVES_MAX - 1 closed waves before this one,
	 * oldest first, each with the team's dimension means and changes
	 * alone; each wave's change is computed from the one loaded before
	 * it where that is its previous wave. The waves and the teams are
	 * read once for all of them.
	 */
	if ((rc = cp_store_wave_entries(st, &entries, &nentries, err)) ||
	    (rc = cp_store_team_list(st, &teams, &nteams, err)))
		goto done;
	first = pos > RP_WAVES_MAX - 1 ? pos - (RP_WAVES_MAX - 1) : 0;
	for (size_t i = first; i < pos; i++) {
		struct cp_results_opts opts = {
		    .changes = true,
		    .changes_team = team,
		    .only_team = team,
		    .no_item_changes = true,
		    .dims_only = true,
		    .known = (const struct cp_results *const *)before,
		    .nknown = n_before,
		    .entries = entries,
		    .nentries = nentries,
		    .teams = teams,
		    .nteams = nteams};
		if ((rc = load_closed_opts(st, ids[i], &opts, &before[n_before],
					   err)) != 0)
			goto done;
		n_before++;
	}
	{
		struct cp_results_opts opts = {
		    .changes = true,
		    .comments = true,
		    .changes_team = team,
		    .only_team = team,
		    .no_item_changes = true,
		    .known = (const struct cp_results *const *)before,
		    .nknown = n_before,
		    .entries = entries,
		    .nentries = nentries,
		    .teams = teams,
		    .nteams = nteams};
		if ((rc = load_closed_opts(st, wave, &opts, &now, err)) != 0)
			goto done;
	}
	rc = rp_team_report_from_results(
	    &data, now, team, (const struct cp_results *const *)before,
	    n_before, err);
	rc = rc ? rc : rp_team_report_write(&data->report, path, o, err);
done:
	rp_team_data_free(data);
	for (size_t i = 0; i < n_before; i++)
		cp_results_free(before[i]);
	cp_results_free(now);
	cp_store_wave_entries_free(entries, nentries);
	cp_store_teams_free(teams, nteams);
	free(ids);
	return rc;
}

int cmd_compare_report_write(struct cp_store *st, int64_t wave,
			     enum rp_measure m, enum rp_sort so,
			     const char *path, const struct rp_options *o,
			     struct cp_error *err)
{
	struct cp_results *r = NULL;
	struct rp_compare_data *data = NULL;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	if (wave == 0) {
		if (closed_waves(st, 0, &ids, &n, err))
			return err->code;
		if (n == 0) {
			free(ids);
			return cp_error_set(err, CP_ENOTFOUND,
					    "there is no closed wave yet: "
					    "scores are shown only after a "
					    "wave closes");
		}
		wave = ids[n - 1];
		free(ids);
	}
	rc = load_closed(st, wave, 0, true, &r, err);
	rc = rc ? rc : rp_compare_report_from_results(&data, r, m, so, err);
	rc = rc ? rc : rp_compare_report_write(&data->report, path, o, err);
	rp_compare_data_free(data);
	cp_results_free(r);
	return rc;
}

static int cmd_report_team_exec(struct cmd_ctx *c)
{
	const char *team_name = cmd_value(c, "team");
	struct rp_options o;
	const char *path;
	int64_t wave;
	int rc;

	if (team_name == NULL)
		return cmd_usage_error(c, "--team TEAM is required");
	if ((rc = output_path(c, &path)) != 0 ||
	    (rc = report_options(c, &o)) != 0 || (rc = wave_number(c, &wave)))
		return rc;
	if (cmd_team_report_write(c->store, team_name, wave, path, &o, &c->err))
		return cmd_report(&c->err);
	return write_status("the team report", path);
}

static int cmd_report_compare_exec(struct cmd_ctx *c)
{
	const char *measure = cmd_value(c, "measure");
	const char *sort = cmd_value(c, "sort");
	enum rp_measure m = RP_MEASURE_SCORE;
	enum rp_sort so = RP_SORT_NAME;
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
	else if (sort && strcmp(sort, "name") != 0)
		return cmd_usage_error(
		    c, "--sort '%s': expected name or overall", sort);
	if ((rc = output_path(c, &path)) != 0 ||
	    (rc = report_options(c, &o)) != 0 || (rc = wave_number(c, &wave)))
		return rc;
	if (cmd_compare_report_write(c->store, wave, m, so, path, &o, &c->err))
		return cmd_report(&c->err);
	return write_status("the comparison report", path);
}

const struct cmd_entry cmd_report_team_entry = {
    .name = "report team",
    .summary = "a team's PDF report for a closed wave",
    .usage = "--team TEAM [--wave WAVE] -o FILE.pdf [--paper a4|letter]",
    .description =
	"Writes the team report: a cover with the response rate and the "
	"threshold, what\nis going well, the 7 C's and the four "
	"behaviours, trends over the team's last\n12 closed waves, item "
	"detail, areas to grow, self and team, comments (when\nthe "
	"comment threshold allows), a workshop page and the method. "
	"Numbers with\nfewer than the threshold of responses are never "
	"printed. SOURCE_DATE_EPOCH\nsets the creation date: the same data "
	"then gives the same bytes.",
    .opts = team_opts,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_report_team_exec,
};

const struct cmd_entry cmd_report_compare_entry = {
    .name = "report compare",
    .summary = "a PDF heat map of every team for HR",
    .usage = "[--wave WAVE] -o FILE.pdf [--paper a4|letter] "
	     "[--measure score|favourable] [--sort name|overall]",
    .description =
	"Writes the comparison report: a heat map of teams by dimensions "
	"with the number\nin each cell, the response rate per team and "
	"the organisation's row, continued\nover pages. A cell with fewer "
	"than the threshold of responses reads \"fewer\nthan k\". "
	"SOURCE_DATE_EPOCH sets the creation date.",
    .opts = compare_opts,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_report_compare_exec,
};
