/* cmd_team.c - team import ROSTER.csv | team list | member list */
#include <stdlib.h>
#include <string.h>

#include "anonymity.h"
#include "buf.h"
#include "cmd.h"
#include "i18n.h"
#include "output.h"
#include "problems.h"
#include "roster.h"
#include "store.h"

#define ROSTER_MAX (256u * 1024u * 1024u)

enum {
	ROSTER_DRY_RUN,
	ROSTER_VERBOSE,
	ROSTER_NOPTS
};

static const struct cmd_opt import_opts[ROSTER_NOPTS] = {
    [ROSTER_DRY_RUN] = {"dry-run", 'n', OPT_FLAG, NULL,
			N_("show what would change and write nothing")},
    [ROSTER_VERBOSE] = {"verbose", 'v', OPT_FLAG, NULL,
			N_("list every change")},
};

static void print_changes(const struct cp_roster_changes *ch, bool lines,
			  bool dry_run)
{
	if (lines)
		for (size_t i = 0; i < ch->nlines; i++)
			printf("%s\n", ch->lines[i]);
	printf(_("%steams: %zu added, %zu changed; members: %zu added, %zu "
		 "changed, %zu reactivated, %zu deactivated, %zu unchanged\n"),
	       dry_run ? _("would change: ") : "", ch->teams_added,
	       ch->teams_changed, ch->members_added, ch->members_changed,
	       ch->members_reactivated, ch->members_deactivated,
	       ch->members_unchanged);
	if (dry_run)
		printf(_("dry run: nothing was written\n"));
}

/* The anonymity preview of the tree the roster would make, as if one wave
 * went to every team. */
static int preview(struct cmd_ctx *c, const struct cp_roster_changes *ch)
{
	struct cp_preview *p = NULL;
	int k, rc;

	rc = cmd_threshold(c, 0, &k);
	if (rc == 0) {
		/* JSON is the same in every language: its texts in English. */
		locale_t prev = c->format == FORMAT_JSON
				    ? cp_lang_use(cp_lang_default())
				    : (locale_t)0;
		rc = cp_preview_build(&p, ch->teams, ch->nteams, NULL, 0, false,
				      k, &c->err);
		if (c->format == FORMAT_JSON)
			cp_lang_end(prev);
	}
	if (rc == 0 && cmd_print_preview(stdout, p, c->format))
		rc = cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	cp_preview_free(p);
	return rc;
}

static int cmd_team_import_exec(struct cmd_ctx *c)
{
	const char *path = c->argv[0];
	struct cp_roster_changes changes;
	struct cp_problems problems;
	struct cp_roster *roster = NULL;
	struct cp_buf b;
	bool dry_run = cmd_flag(c, ROSTER_DRY_RUN);
	int rc;

	if (c->format != FORMAT_TABLE && !dry_run)
		return cmd_usage_error(c, "--format goes with --dry-run: it "
					  "prints the anonymity preview");
	if (c->format == FORMAT_CSV)
		return cmd_usage_error(c, "--format: the preview is table or "
					  "json");
	cp_buf_init(&b, ROSTER_MAX);
	cp_problems_init(&problems, path);
	rc = cp_buf_read_file(&b, path, &c->err);
	if (rc == 0)
		rc = cp_roster_parse(&roster, path, cp_buf_str(&b), b.len,
				     &problems, &c->err);
	cp_buf_release(&b);
	if (rc && cp_problems_total(&problems)) {
		char line[CP_ERROR_MSG_MAX + CP_ERROR_FILE_MAX + 16];
		for (size_t i = 0; i < problems.count; i++)
			fprintf(stderr, "%s\n",
				cp_problems_format(&problems, i, line,
						   sizeof(line)));
		if (problems.dropped)
			fprintf(stderr,
				cp_ngettext("%s: and %zu more problem\n",
					    "%s: and %zu more problems\n",
					    problems.dropped),
				path, problems.dropped);
		fprintf(stderr,
			cp_ngettext("carepulse: %zu problem in %s: nothing "
				    "was imported\n",
				    "carepulse: %zu problems in %s: nothing "
				    "was imported\n",
				    cp_problems_total(&problems)),
			cp_problems_total(&problems), path);
		cp_problems_release(&problems);
		return EXIT_DATA;
	}
	cp_problems_release(&problems);
	if (rc)
		return cmd_report(&c->err);
	rc = cp_roster_apply(c->store, roster, dry_run, &changes, &c->err);
	cp_roster_free(roster);
	if (rc)
		return cmd_report(&c->err);
	if (c->format == FORMAT_TABLE)
		print_changes(&changes, dry_run || cmd_flag(c, ROSTER_VERBOSE),
			      dry_run);
	if (dry_run)
		rc = preview(c, &changes);
	cp_roster_changes_release(&changes);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

static int cmd_team_list_exec(struct cmd_ctx *c)
{
	static const struct out_col cols[] = {
	    {"team", COL_TEXT},
	    {"parent_team", COL_TEXT},
	    {"members", COL_INT},
	};
	struct cp_team *teams;
	struct out_table t;
	size_t n;
	int rc = 0;

	if (cp_store_team_list(c->store, &teams, &n, &c->err))
		return cmd_report(&c->err);
	out_table_init(&t, cols, 3);
	for (size_t i = 0; i < n; i++) {
		out_cell(&t, teams[i].name);
		out_cell(&t, teams[i].parent);
		out_cellf(&t, "%lld", (long long)teams[i].members);
	}
	if (out_table_print(&t, stdout, c->format))
		rc = cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	out_table_release(&t);
	cp_store_teams_free(teams, n);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

enum {
	MEMBER_TEAM,
	MEMBER_ALL,
	MEMBER_NOPTS
};

static const struct cmd_opt member_opts[MEMBER_NOPTS] = {
    [MEMBER_TEAM] = {"team", 't', OPT_VALUE, "TEAM",
		     N_("only the members of TEAM")},
    [MEMBER_ALL] = {"all", 'a', OPT_FLAG, NULL,
		    N_("include deactivated members")},
};

static int cmd_member_list_exec(struct cmd_ctx *c)
{
	static const struct out_col cols[] = {
	    {"email", COL_TEXT}, {"name", COL_TEXT},   {"team", COL_TEXT},
	    {"role", COL_TEXT},	 {"active", COL_BOOL},
	};
	const char *team = cmd_value(c, MEMBER_TEAM);
	struct cp_member *m;
	struct out_table t;
	int64_t team_id = 0;
	size_t n;
	int rc = 0;

	if (team && cp_store_team_find(c->store, team, &team_id, &c->err))
		return cmd_report(&c->err);
	if (cp_store_member_list(c->store, team_id, cmd_flag(c, MEMBER_ALL), &m,
				 &n, &c->err))
		return cmd_report(&c->err);
	out_table_init(&t, cols, 5);
	for (size_t i = 0; i < n; i++) {
		out_cell(&t, m[i].email);
		out_cell(&t, m[i].name);
		out_cell(&t, m[i].team);
		out_cell(&t, m[i].role == CP_ROLE_LEADER ? "leader" : "member");
		out_cell(&t, m[i].active ? "yes" : "no");
	}
	if (out_table_print(&t, stdout, c->format))
		rc = cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	out_table_release(&t);
	cp_store_members_free(m, n);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

const struct cmd_entry cmd_team_import_entry = {
    .name = "team import",
    .summary = N_("add or update teams and members from a roster CSV"),
    .usage = "[--dry-run] ROSTER.csv",
    .description =
	"The roster is RFC 4180 CSV with a header naming its columns: "
	"email, name, team,\nand optionally parent_team and role "
	"(leader or member). It is the truth\nabout who is on which "
	"team: members it names are added or updated, active\nmembers "
	"it does not name are deactivated (never deleted). The whole "
	"file is\nchecked first and every bad row listed; any problem "
	"means nothing is written.\n--dry-run also prints an anonymity "
	"preview of the new tree (--format json\nfor a script): which "
	"teams could never be shown, which groups would be hidden\nto "
	"protect another, and the roster change that would fix it.",
    .opts = import_opts,
    .nopts = ROSTER_NOPTS,
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB | CMD_FORMAT,
    .exec = cmd_team_import_exec,
};

const struct cmd_entry cmd_team_list_entry = {
    .name = "team list",
    .summary = N_("list teams with their parent team and active members"),
    .usage = "",
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB | CMD_READS_DB | CMD_FORMAT,
    .exec = cmd_team_list_exec,
};

const struct cmd_entry cmd_member_list_entry = {
    .name = "member list",
    .summary = N_("list members of every team, or of one"),
    .usage = "[--team TEAM] [--all]",
    .opts = member_opts,
    .nopts = MEMBER_NOPTS,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB | CMD_READS_DB | CMD_FORMAT,
    .exec = cmd_member_list_exec,
};
