/* cmd_import.c - import WAVE FILE: responses from CSV or JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "i18n.h"
#include "import.h"
#include "problems.h"

#define IMPORT_MAX (1024u * 1024u * 1024u)

enum {
	IMPORT_DRY_RUN,
	IMPORT_FORMAT,
	IMPORT_REPLACE,
	IMPORT_NOPTS
};

static const struct cmd_opt import_opts[IMPORT_NOPTS] = {
    [IMPORT_DRY_RUN] = {"dry-run", 'n', OPT_FLAG, NULL,
			N_("check the file and write nothing")},
    [IMPORT_FORMAT] =
	{"format", 0, OPT_VALUE, "csv|json",
	 N_("the file's format (default: from its name, else its content)")},
    [IMPORT_REPLACE] =
	{"replace", 0, OPT_FLAG, NULL,
	 N_("swap the responses of an earlier import of the same "
	    "file or rows for this file's")},
};

static int print_problems(const struct cp_problems *p, const char *path)
{
	char line[CP_ERROR_MSG_MAX + CP_ERROR_FILE_MAX + 16];
	size_t total = cp_problems_total(p);

	for (size_t i = 0; i < p->count; i++)
		fprintf(stderr, "%s\n",
			cp_problems_format(p, i, line, sizeof(line)));
	if (p->dropped)
		fprintf(stderr,
			cp_ngettext("%s: and %zu more problem\n",
				    "%s: and %zu more problems\n", p->dropped),
			path, p->dropped);
	fprintf(stderr,
		cp_ngettext("carepulse: %zu problem in %s: nothing was "
			    "imported\n",
			    "carepulse: %zu problems in %s: nothing was "
			    "imported\n",
			    total),
		total, path);
	return EXIT_DATA;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int cmd_import_exec(struct cmd_ctx *c)
{
	const char *wave_arg = c->argv[0], *path = c->argv[1];
	const char *fmt = cmd_value(c, IMPORT_FORMAT);
	enum cp_import_format format = CP_IMPORT_AUTO;
	struct cp_import_opts o = {.dry_run = cmd_flag(c, IMPORT_DRY_RUN),
				   .replace = cmd_flag(c, IMPORT_REPLACE)};
	struct cp_import_result res;
	struct cp_problems problems;
	struct cp_buf b;
	long long wave;
	char *end;
	int rc;

	errno = 0;
	wave = strtoll(wave_arg, &end, 10);
	if (errno || end == wave_arg || *end || wave <= 0)
		return cmd_usage_error(c, "'%s' is not a wave number",
				       wave_arg);
	if (fmt && strcmp(fmt, "csv") == 0)
		format = CP_IMPORT_CSV;
	else if (fmt && strcmp(fmt, "json") == 0)
		format = CP_IMPORT_JSON;
	else if (fmt)
		return cmd_usage_error(c, "--format: expected csv or json");
	else if (ends_with(path, ".csv"))
		format = CP_IMPORT_CSV;
	else if (ends_with(path, ".json"))
		format = CP_IMPORT_JSON;

	cp_buf_init(&b, IMPORT_MAX);
	if (cp_buf_read_file(&b, path, &c->err)) {
		cp_buf_release(&b);
		return cmd_report(&c->err);
	}
	cp_problems_init(&problems, path);
	o.format = format;
	rc = cp_import_run(c->store, (int64_t)wave, path, cp_buf_str(&b), b.len,
			   &o, &problems, &res, &c->err);
	cp_buf_release(&b);
	if (rc && cp_problems_total(&problems)) {
		rc = print_problems(&problems, path);
		cp_problems_release(&problems);
		cp_import_result_release(&res);
		return rc;
	}
	cp_problems_release(&problems);
	if (rc) {
		cp_import_result_release(&res);
		return cmd_report(&c->err);
	}
	for (size_t i = 0; i < res.nreplaced; i++)
		printf(
		    o.dry_run
			? cp_ngettext("would replace import %lld of wave "
				      "%lld: %lld response out\n",
				      "would replace import %lld of wave "
				      "%lld: %lld responses out\n",
				      (unsigned long)res.replaced[i].responses)
			: cp_ngettext("replaced import %lld of wave %lld: "
				      "%lld response out\n",
				      "replaced import %lld of wave %lld: "
				      "%lld responses out\n",
				      (unsigned long)res.replaced[i].responses),
		    (long long)res.replaced[i].id,
		    (long long)res.replaced[i].wave_id,
		    (long long)res.replaced[i].responses);
	if (o.dry_run) {
		printf(cp_ngettext("would import %zu response to wave %lld\n",
				   "would import %zu responses to wave %lld\n",
				   res.imported),
		       res.imported, wave);
		printf("%s", _("dry run: nothing was written\n"));
	} else {
		printf(cp_ngettext("imported %zu response to wave %lld (import "
				   "%lld)\n",
				   "imported %zu responses to wave %lld "
				   "(import %lld)\n",
				   res.imported),
		       res.imported, wave, (long long)res.import_id);
	}
	cp_import_result_release(&res);
	return EXIT_OK;
}

const struct cmd_entry cmd_import_entry = {
    .name = "import",
    .summary = N_("import responses to a wave from CSV or JSON"),
    .usage = "[--dry-run] [--replace] WAVE FILE",
    .description =
	"For answers given on paper or in another tool. CSV has a header: "
	"team, then\nthe survey's item ids and open-question ids as "
	"columns, and optionally self\n(yes for a leader's "
	"self-assessment). JSON is an array of objects:\n"
	"{\"team\": \"...\", \"answers\": {\"ITEM\": 4, ...}, "
	"\"comments\": {\"QUESTION\": \"...\"}}.\nEvery item needs an "
	"answer on the scale; the team must be one of the wave's.\nThe "
	"whole file is checked first and every problem listed; any "
	"problem means\nnothing is written. Invitations are not changed. "
	"A closed wave takes no\nimport: its results are frozen.\n\n"
	"An import is recorded with its file's SHA-256 and, when the file "
	"names its\nrows (an id or response_id column or field), each row's "
	"id as a digest. The\nsame file, or rows with the same ids, are "
	"refused the second time (naming\nthe earlier import) unless "
	"--replace is given: then the earlier import's\nresponses are "
	"swapped for this file's in one transaction (open waves only).",
    .opts = import_opts,
    .nopts = IMPORT_NOPTS,
    .min_args = 2,
    .max_args = 2,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_import_exec,
};
