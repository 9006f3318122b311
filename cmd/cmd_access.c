/*
 * cmd_access.c - `carepulse access grant|revoke|list|log`: who may see
 * which results in the portal, and what viewers did there (core/access).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cmd.h"
#include "i18n.h"
#include "output.h"
#include "store.h"
#include "when.h"

enum {
	GRANT_TEAM,
	GRANT_UNTIL,
	GRANT_NOPTS
};

static const struct cmd_opt grant_opts[GRANT_NOPTS] = {
    [GRANT_TEAM] =
	{"team", 't', OPT_VALUE, "TEAM",
	 N_("the team (leader: and every team below it); not for hr")},
    [GRANT_UNTIL] = {"until", 'u', OPT_VALUE, "WHEN",
		     N_("a facilitator's access ends then (2027-03-31, +30d)")},
};

/* The role of argv[0], or a usage error. */
static int role_arg(struct cmd_ctx *c, enum cp_access_role *role)
{
	if (cp_access_role_parse(c->argv[0], role, &c->err))
		return cmd_usage_error(c, "%s", c->err.message);
	return 0;
}

static int cmd_access_grant_exec(struct cmd_ctx *c)
{
	const char *team = cmd_value(c, GRANT_TEAM);
	const char *until_text = cmd_value(c, GRANT_UNTIL);
	enum cp_access_role role;
	int64_t until = 0, now = cp_store_now();
	char when[40];
	int rc;

	if ((rc = role_arg(c, &role)))
		return rc;
	if (role != CP_ACCESS_HR && team == NULL)
		return cmd_usage_error(c, "a %s needs --team TEAM", c->argv[0]);
	if (role == CP_ACCESS_FACILITATOR && until_text == NULL)
		return cmd_usage_error(c, "a facilitator needs --until WHEN: "
					  "their access ends then");
	if (until_text && role != CP_ACCESS_FACILITATOR)
		return cmd_usage_error(c, "only a facilitator's access has "
					  "an end date (--until)");
	if (until_text) {
		if (cp_when_parse(until_text, now, &until, &c->err))
			return cmd_usage_error(c, "--until: %s",
					       c->err.message);
		if (until <= now)
			return cmd_usage_error(c,
					       "--until '%s' is not in the "
					       "future",
					       until_text);
	}
	if (cp_access_grant(c->store, c->argv[1], role, team, until, &c->err))
		return cmd_report(&c->err);
	/* TRANSLATORS: the address and the role (hr, leader, facilitator:
	 * names a script may read). */
	if (team)
		printf(_("granted %s %s of team %s"), c->argv[1], c->argv[0],
		       team);
	else
		printf(_("granted %s %s"), c->argv[1], c->argv[0]);
	if (until)
		printf(_(" until %s"),
		       cp_when_format(until, when, sizeof(when)));
	printf("\n");
	return EXIT_OK;
}

enum {
	REVOKE_TEAM,
	REVOKE_NOPTS
};

static const struct cmd_opt revoke_opts[REVOKE_NOPTS] = {
    [REVOKE_TEAM] = {"team", 't', OPT_VALUE, "TEAM",
		     N_("the team of the grant; not for hr")},
};

static int cmd_access_revoke_exec(struct cmd_ctx *c)
{
	const char *team = cmd_value(c, REVOKE_TEAM);
	enum cp_access_role role;
	int rc;

	if ((rc = role_arg(c, &role)))
		return rc;
	if (role != CP_ACCESS_HR && team == NULL)
		return cmd_usage_error(c,
				       "a %s grant is for a team: give "
				       "--team TEAM",
				       c->argv[0]);
	if (cp_access_revoke(c->store, c->argv[1], role, team, &c->err))
		return cmd_report(&c->err);
	if (team)
		printf(_("revoked %s %s of team %s\n"), c->argv[1], c->argv[0],
		       team);
	else
		printf(_("revoked %s %s\n"), c->argv[1], c->argv[0]);
	return EXIT_OK;
}

/* A time for people on the installation's clocks in a table; RFC 3339
 * UTC in CSV and JSON, for programs. */
static const char *when_cell(const struct cmd_ctx *c, int64_t t, char *buf,
			     size_t n)
{
	return c->format == FORMAT_TABLE ? cp_when_format(t, buf, n)
					 : cp_when_rfc3339(t, buf, n);
}

static int cmd_access_list_exec(struct cmd_ctx *c)
{
	static const struct out_col cols[] = {
	    {"email", COL_TEXT},  {"name", COL_TEXT},  {"role", COL_TEXT},
	    {"team", COL_TEXT},	  {"until", COL_TEXT}, {"source", COL_TEXT},
	    {"active", COL_BOOL},
	};
	struct cp_access_grant_row *g = NULL;
	int64_t now = cp_store_now();
	struct out_table t;
	char when[40];
	size_t n = 0;
	int rc = 0;

	if (cp_access_list(c->store, now, &g, &n, &c->err))
		return cmd_report(&c->err);
	out_table_init(&t, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < n; i++) {
		out_cell(&t, g[i].email);
		out_cell(&t, g[i].name);
		out_cell(&t, cp_access_role_name(g[i].role));
		out_cell(&t, g[i].team[0] ? g[i].team : NULL);
		out_cell(&t, g[i].until
				 ? when_cell(c, g[i].until, when, sizeof(when))
				 : NULL);
		out_cell(&t, g[i].from_roster ? "roster" : "grant");
		out_cell(&t,
			 g[i].until == 0 || now < g[i].until ? "yes" : "no");
	}
	if (out_table_print(&t, stdout, c->format))
		rc = cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	out_table_release(&t);
	free(g);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

enum {
	LOG_SINCE,
	LOG_NOPTS
};

static const struct cmd_opt log_opts[LOG_NOPTS] = {
    [LOG_SINCE] = {"since", 's', OPT_VALUE, "WHEN",
		   N_("only what happened from then on (2026-11-01, +0d)")},
};

static int cmd_access_log_exec(struct cmd_ctx *c)
{
	static const struct out_col cols[] = {
	    {"at", COL_TEXT},  {"email", COL_TEXT}, {"event", COL_TEXT},
	    {"wave", COL_INT}, {"team", COL_TEXT},  {"detail", COL_TEXT},
	};
	const char *since_text = cmd_value(c, LOG_SINCE);
	struct cp_audit_row *a = NULL;
	struct out_table t;
	int64_t since = 0;
	char when[40];
	size_t n = 0;
	int rc = 0;

	if (since_text &&
	    cp_when_parse(since_text, cp_store_now(), &since, &c->err))
		return cmd_usage_error(c, "--since: %s", c->err.message);
	if (cp_access_log_list(c->store, since, &a, &n, &c->err))
		return cmd_report(&c->err);
	out_table_init(&t, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < n; i++) {
		out_cell(&t, when_cell(c, a[i].at, when, sizeof(when)));
		out_cell(&t, a[i].email[0] ? a[i].email : NULL);
		out_cell(&t, a[i].event);
		if (a[i].wave_id)
			out_cellf(&t, "%lld", (long long)a[i].wave_id);
		else
			out_cell(&t, NULL);
		out_cell(&t, a[i].team[0] ? a[i].team : NULL);
		out_cell(&t, a[i].detail[0] ? a[i].detail : NULL);
	}
	if (out_table_print(&t, stdout, c->format))
		rc = cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	out_table_release(&t);
	free(a);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

const struct cmd_entry cmd_access_grant_entry = {
    .name = "access grant",
    .summary = N_("let a person see results in the portal: hr, leader or "
		  "facilitator"),
    .usage = "[--team TEAM] [--until WHEN] ROLE EMAIL",
    .description =
	"ROLE is hr (sees every team), leader (sees TEAM and every team "
	"below it in\neach wave's own team tree, and their own "
	"self-assessment for TEAM) or\nfacilitator (sees TEAM until WHEN; "
	"grant again for another team). Roster\nleaders have leader "
	"access to the team they lead without a grant, unless\nthe "
	"setting access.leaders_from_roster is false. EMAIL is checked as "
	"roster\naddresses are. Granting again changes the end date.",
    .opts = grant_opts,
    .nopts = GRANT_NOPTS,
    .min_args = 2,
    .max_args = 2,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_access_grant_exec,
};

const struct cmd_entry cmd_access_revoke_entry = {
    .name = "access revoke",
    .summary = N_("take a grant of portal access back"),
    .usage = "[--team TEAM] ROLE EMAIL",
    .description =
	"Takes back one grant made by 'access grant'. Leader access that "
	"comes from\nthe roster goes when the roster no longer names the "
	"person as a leader, or\nfor everyone with access.leaders_from_roster "
	"false. Open portal sessions\nlose access at their next request.",
    .opts = revoke_opts,
    .nopts = REVOKE_NOPTS,
    .min_args = 2,
    .max_args = 2,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_access_revoke_exec,
};

const struct cmd_entry cmd_access_list_entry = {
    .name = "access list",
    .summary = N_("list who may see results in the portal"),
    .usage = "",
    .description =
	"Every grant and every roster leader (source roster), by address. "
	"active is\nno for a facilitator whose date has passed.",
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB | CMD_READS_DB | CMD_FORMAT,
    .exec = cmd_access_list_exec,
};

const struct cmd_entry cmd_access_log_entry = {
    .name = "access log",
    .summary = N_("list portal sign-ins, views and downloads, and grants"),
    .usage = "[--since WHEN]",
    .description =
	"The audit log: who signed in, who viewed or downloaded which "
	"team's results\nof which wave, and grants and revocations, oldest "
	"first. It names viewers,\nnever respondents, and holds no sign-in "
	"link or session.",
    .opts = log_opts,
    .nopts = LOG_NOPTS,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB | CMD_READS_DB | CMD_FORMAT,
    .exec = cmd_access_log_exec,
};
