/* cmd_import.c - import WAVE FILE [WAVE FILE...]: responses from CSV or
 * JSON, several files in one transaction. */
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

/* The format of path: --format, else its name, else its content. */
static int format_of(struct cmd_ctx *c, const char *path,
		     enum cp_import_format *format)
{
	const char *fmt = cmd_value(c, IMPORT_FORMAT);

	*format = CP_IMPORT_AUTO;
	if (fmt && strcmp(fmt, "csv") == 0)
		*format = CP_IMPORT_CSV;
	else if (fmt && strcmp(fmt, "json") == 0)
		*format = CP_IMPORT_JSON;
	else if (fmt)
		return cmd_usage_error(c, "--format: expected csv or json");
	else if (ends_with(path, ".csv"))
		*format = CP_IMPORT_CSV;
	else if (ends_with(path, ".json"))
		*format = CP_IMPORT_JSON;
	return 0;
}

static void print_imported(const struct cp_import_file *f, bool dry_run)
{
	const struct cp_import_result *res = &f->res;

	for (size_t i = 0; i < res->nreplaced; i++)
		printf(dry_run ? cp_ngettext(
				     "would replace import %lld of wave "
				     "%lld: %lld response out\n",
				     "would replace import %lld of wave "
				     "%lld: %lld responses out\n",
				     (unsigned long)res->replaced[i].responses)
			       : cp_ngettext(
				     "replaced import %lld of wave %lld: "
				     "%lld response out\n",
				     "replaced import %lld of wave %lld: "
				     "%lld responses out\n",
				     (unsigned long)res->replaced[i].responses),
		       (long long)res->replaced[i].id,
		       (long long)res->replaced[i].wave_id,
		       (long long)res->replaced[i].responses);
	if (dry_run)
		printf(cp_ngettext("would import %zu response to wave %lld\n",
				   "would import %zu responses to wave %lld\n",
				   res->imported),
		       res->imported, (long long)f->wave);
	else
		printf(cp_ngettext("imported %zu response to wave %lld (import "
				   "%lld)\n",
				   "imported %zu responses to wave %lld "
				   "(import %lld)\n",
				   res->imported),
		       res->imported, (long long)f->wave,
		       (long long)res->import_id);
}

/*
 * WAVE FILE [WAVE FILE...]: every file read and checked, then all of
 * them stored in one transaction, or none.
 */
static int cmd_import_exec(struct cmd_ctx *c)
{
	struct cp_import_opts o = {.dry_run = cmd_flag(c, IMPORT_DRY_RUN),
				   .replace = cmd_flag(c, IMPORT_REPLACE)};
	size_t n = (size_t)c->argc / 2, total = 0, bad = 0;
	struct cp_import_file *files;
	struct cp_problems *problems;
	struct cp_buf *bufs;
	int rc = 0;

	if (c->argc % 2)
		return cmd_usage_error(c,
				       "'%s' has no file: give WAVE FILE "
				       "pairs",
				       c->argv[c->argc - 1]);
	files = calloc(n, sizeof(*files));
	problems = calloc(n, sizeof(*problems));
	bufs = calloc(n, sizeof(*bufs));
	if (files == NULL || problems == NULL || bufs == NULL) {
		free(files);
		free(problems);
		free(bufs);
		cp_error_set(&c->err, CP_ENOMEM, "out of memory");
		return cmd_report(&c->err);
	}
	for (size_t i = 0; i < n; i++) {
		cp_buf_init(&bufs[i], IMPORT_MAX);
		cp_problems_init(&problems[i], c->argv[2 * i + 1]);
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *wave_arg = c->argv[2 * i];
		const char *path = c->argv[2 * i + 1];
		long long wave;
		char *end;

		errno = 0;
		wave = strtoll(wave_arg, &end, 10);
		if (errno || end == wave_arg || *end || wave <= 0)
			rc = cmd_usage_error(c, "'%s' is not a wave number",
					     wave_arg);
		if (rc == 0)
			rc = format_of(c, path, &files[i].format);
		if (rc)
			break;
		if (cp_buf_read_file(&bufs[i], path, &c->err)) {
			rc = cmd_report(&c->err);
			break;
		}
		files[i].wave = (int64_t)wave;
		files[i].file = path;
		files[i].text = cp_buf_str(&bufs[i]);
		files[i].len = bufs[i].len;
		files[i].problems = &problems[i];
	}
	if (rc == 0 && cp_import_many(c->store, files, n, &o, &c->err)) {
		for (size_t i = 0; i < n; i++)
			total += cp_problems_total(&problems[i]);
		if (c->err.code == CP_EDATA && total) {
			for (size_t i = 0; i < n; i++)
				if (cp_problems_total(&problems[i])) {
					rc = print_problems(&problems[i],
							    files[i].file);
					bad++;
				}
			if (n > 1)
				fprintf(stderr,
					"carepulse: problems in %zu of %zu "
					"files: nothing was imported from "
					"any of them\n",
					bad, n);
		} else {
			rc = cmd_report(&c->err);
		}
	} else if (rc == 0) {
		for (size_t i = 0; i < n; i++)
			print_imported(&files[i], o.dry_run);
		if (o.dry_run)
			printf("%s", _("dry run: nothing was written\n"));
		rc = EXIT_OK;
	}
	for (size_t i = 0; i < n; i++) {
		cp_buf_release(&bufs[i]);
		cp_problems_release(&problems[i]);
		cp_import_result_release(&files[i].res);
	}
	free(files);
	free(problems);
	free(bufs);
	return rc;
}

const struct cmd_entry cmd_import_entry = {
    .name = "import",
    .summary = N_("import responses to a wave from CSV or JSON"),
    .usage = "[--dry-run] [--replace] WAVE FILE [WAVE FILE...]",
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
	"swapped for this file's in one transaction (open waves only).\n\n"
	"Several WAVE FILE pairs are imported in one transaction: every "
	"file is\nchecked first, and a problem in any of them means none "
	"is imported. Each\nfile is an import of its own.",
    .opts = import_opts,
    .nopts = IMPORT_NOPTS,
    .min_args = 2,
    .max_args = -1,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_import_exec,
};
