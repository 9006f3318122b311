/* cmd_survey.c - survey list | show ID | validate FILE... | add FILE */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "i18n.h"
#include "output.h"
#include "store.h"
#include "survey.h"

static int count_group(const struct cp_survey *s, const char **groups,
		       size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < s->ndims; i++) {
		size_t k;
		for (k = 0; k < n; k++)
			if (strcmp(groups[k], s->dims[i].group) == 0)
				break;
		if (k == n && n < max)
			groups[n++] = s->dims[i].group;
	}
	return (int)n;
}

static int cmd_survey_list_exec(struct cmd_ctx *c)
{
	static const struct out_col cols[] = {
	    {"id", COL_TEXT},	   {"version", COL_TEXT},
	    {"kind", COL_TEXT},	   {"dimensions", COL_INT},
	    {"items", COL_INT},	   {"open_questions", COL_INT},
	    {"builtin", COL_BOOL}, {"title", COL_TEXT},
	};
	struct cp_survey_row *rows;
	struct out_table t;
	size_t n;
	int rc;

	if (cp_store_survey_list(c->store, &rows, &n, &c->err))
		return cmd_report(&c->err);
	out_table_init(&t, cols, sizeof(cols) / sizeof(cols[0]));
	rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct cp_survey *s;
		rc = cp_survey_fetch(&s, c->store, NULL, rows[i].ref, &c->err);
		if (rc)
			break;
		out_cell(&t, s->id);
		out_cell(&t, s->version);
		out_cell(&t, s->kind == CP_SURVEY_SELF ? "self" : "team");
		out_cellf(&t, "%zu", s->ndims);
		out_cellf(&t, "%zu", s->nitems);
		out_cellf(&t, "%zu", s->nquestions);
		out_cell(&t, rows[i].builtin ? "yes" : "no");
		out_cell(&t, s->title);
		cp_survey_free(s);
	}
	cp_store_survey_rows_free(rows, n);
	if (rc == 0 && out_table_print(&t, stdout, c->format))
		rc = cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	out_table_release(&t);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

static void show_text(const struct cp_survey *s)
{
	const char *groups[16];
	int ngroups = count_group(s, groups, 16);

	printf("%s %s: %s\n", s->id, s->version, s->title);
	if (s->description)
		printf("%s\n", s->description);
	/* TRANSLATORS: kind (self or team) and locale are names; the
	 * counts follow. */
	printf(_("kind %s, locale %s"),
	       s->kind == CP_SURVEY_SELF ? "self" : "team", s->locale);
	printf(cp_ngettext(", %zu item", ", %zu items", s->nitems), s->nitems);
	printf(cp_ngettext(", %zu open question\n", ", %zu open questions\n",
			   s->nquestions),
	       s->nquestions);
	if (s->ntranslations) {
		printf(_("languages: %s"), s->locale);
		for (size_t i = 0; i < s->ntranslations; i++)
			printf(", %s%s", s->translations[i].lang,
			       s->translations[i].needs_review
				   ? _(" (to review)")
				   : "");
		printf("\n");
	}
	if (s->prefer_not_to_say)
		printf(_("prefer not to say: \"%s\"\n"), s->prefer_not_to_say);
	printf("%s", _("scale: "));
	for (int v = s->scale.min; v <= s->scale.max; v++)
		printf("%d %s%s%s", v, s->scale.labels[v - s->scale.min],
		       s->scale.favourable[v] ? _(" (favourable)") : "",
		       v < s->scale.max ? ", " : "\n");
	for (int g = 0; g < ngroups; g++) {
		for (size_t d = 0; d < s->ndims; d++) {
			if (strcmp(s->dims[d].group, groups[g]))
				continue;
			printf("\n[%s] %s (%s): %s\n", groups[g],
			       s->dims[d].title, s->dims[d].id,
			       s->dims[d].description);
			for (size_t i = 0; i < s->nitems; i++)
				if (s->items[i].dim == d)
					printf("  %-22s %s%s\n", s->items[i].id,
					       s->items[i].text,
					       s->items[i].reverse
						   ? _("  (reverse-scored)")
						   : "");
		}
	}
	for (size_t i = 0; i < s->nitems; i++)
		if (s->items[i].type == CP_ITEM_ENPS)
			printf("\n[eNPS] %-22s %s (0 %s - 10 %s)\n",
			       s->items[i].id, s->items[i].text,
			       s->items[i].labels[0], s->items[i].labels[1]);
	if (s->nquestions)
		printf("%s", _("\nopen questions:\n"));
	for (size_t q = 0; q < s->nquestions; q++)
		printf("  %-22s %s\n", s->questions[q].id,
		       s->questions[q].text);
}

static int cmd_survey_show_exec(struct cmd_ctx *c)
{
	static const struct out_col cols[] = {
	    {"item", COL_TEXT},	   {"dimension", COL_TEXT}, {"group", COL_TEXT},
	    {"reverse", COL_BOOL}, {"text", COL_TEXT},
	};
	struct cp_survey *s;
	struct out_table t;
	int rc = 0;

	if (cp_survey_fetch(&s, c->store, c->argv[0], 0, &c->err))
		return cmd_report(&c->err);
	if (c->format == FORMAT_JSON) {
		fputs(s->text, stdout);
	} else if (c->format == FORMAT_CSV) {
		out_table_init(&t, cols, sizeof(cols) / sizeof(cols[0]));
		for (size_t i = 0; i < s->nitems; i++) {
			out_cell(&t, s->items[i].id);
			out_cell(&t, s->items[i].dimension);
			out_cell(&t, s->items[i].type == CP_ITEM_ENPS
					 ? NULL
					 : s->dims[s->items[i].dim].group);
			out_cell(&t, s->items[i].reverse ? "yes" : "no");
			out_cell(&t, s->items[i].text);
		}
		if (out_table_print(&t, stdout, c->format))
			rc = cp_error_set(&c->err, CP_ENOMEM, "out of memory");
		out_table_release(&t);
	} else {
		show_text(s);
	}
	cp_survey_free(s);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

static int cmd_survey_validate_exec(struct cmd_ctx *c)
{
	int status = EXIT_OK;

	for (int i = 0; i < c->argc; i++) {
		struct cp_survey *s;
		struct cp_error err;
		cp_error_clear(&err);
		if (cp_survey_load(&s, c->argv[i], &err)) {
			int st = cmd_report(&err);
			if (status == EXIT_OK || st == EXIT_IO)
				status = st;
			continue;
		}
		/* TRANSLATORS: file: ok (survey id, version, counts) */
		printf(_("%s: ok (%s %s, %zu dimensions, %zu items, %zu open "
			 "questions)\n"),
		       c->argv[i], s->id, s->version, s->ndims, s->nitems,
		       s->nquestions);
		cp_survey_free(s);
	}
	return status;
}

static int cmd_survey_add_exec(struct cmd_ctx *c)
{
	struct cp_survey *s;
	int64_t ref;
	int added = 0, rc;

	if (cp_survey_load(&s, c->argv[0], &c->err))
		return cmd_report(&c->err);
	rc = cp_store_begin(c->store, &c->err);
	if (rc == 0) {
		rc = cp_survey_save(c->store, s, 0, &ref, &added, &c->err);
		if (rc)
			cp_store_rollback(c->store);
		else
			rc = cp_store_commit(c->store, &c->err);
	}
	if (rc == 0)
		printf("%s %s %s\n", s->id, s->version,
		       added ? "added" : "is already stored (unchanged)");
	cp_survey_free(s);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

const struct cmd_entry cmd_survey_list_entry = {
    .name = "survey list",
    .summary = N_("list the survey definitions in the database"),
    .usage = "",
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB | CMD_READS_DB | CMD_FORMAT,
    .exec = cmd_survey_list_exec,
};

const struct cmd_entry cmd_survey_show_entry = {
    .name = "survey show",
    .summary = N_("show a survey's dimensions, items and open questions"),
    .usage = "ID",
    .description = "With --format json, prints the stored definition "
		   "exactly; with csv, its items.",
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB | CMD_READS_DB | CMD_FORMAT,
    .exec = cmd_survey_show_exec,
};

const struct cmd_entry cmd_survey_validate_entry = {
    .name = "survey validate",
    .summary = N_("check survey definition files without storing them"),
    .usage = "FILE...",
    .description = "Reports file:line:column for JSON errors and the "
		   "field for everything else\n(surveys/README.md "
		   "describes the format). Exits 65 if any file is "
		   "invalid.",
    .min_args = 1,
    .max_args = -1,
    .exec = cmd_survey_validate_exec,
};

const struct cmd_entry cmd_survey_add_entry = {
    .name = "survey add",
    .summary = N_("validate a survey definition and store it"),
    .usage = "FILE",
    .description = "A wave pins the exact definition it was created "
		   "with; a changed definition\nneeds a new version.",
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_survey_add_exec,
};
