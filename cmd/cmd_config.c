/* cmd_config.c - config list | get KEY | set KEY VALUE | unset KEY */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "i18n.h"
#include "output.h"

static int cmd_config_list_exec(struct cmd_ctx *c)
{
	static const struct out_col cols[] = {
	    {"key", COL_TEXT}, {"value", COL_TEXT},   {"source", COL_TEXT},
	    {"env", COL_TEXT}, {"meaning", COL_TEXT},
	};
	const struct cp_config_key *keys;
	struct out_table t;
	size_t n;
	int rc = 0;

	keys = cp_config_keys(&n);
	out_table_init(&t, cols, 5);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char env[128], *v = NULL;
		const char *source = NULL;
		bool unreadable = false;
		cp_config_env_name(keys[i].key, env, sizeof(env));
		rc = cp_config_get(c->store, keys[i].key, &v, &source, &c->err);
		/* A secret's file that cannot be read is shown as such; the
		 * command that needs it says why. */
		if (rc && keys[i].secret) {
			rc = 0;
			source = "file";
			unreadable = true;
		}
		if (rc)
			break;
		out_cell(&t, keys[i].key);
		/* A secret's value is never printed, only whether it is set. */
		if (keys[i].secret)
			out_cell(&t, unreadable ? "(unreadable)"
				     : v	? "(set)"
						: NULL);
		else
			out_cell(&t, v);
		out_cell(&t, v || unreadable ? source : NULL);
		out_cell(&t, env);
		out_cell(&t, keys[i].help);
		free(v);
	}
	if (rc == 0 && out_table_print(&t, stdout, c->format))
		rc = cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	out_table_release(&t);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

static int cmd_config_get_exec(struct cmd_ctx *c)
{
	const struct cp_config_key *k = cp_config_key(c->argv[0]);
	char *v = NULL;

	if (k && k->secret) {
		cp_error_set(&c->err, CP_EUSAGE,
			     N_("'%s' is a secret and is never printed"),
			     c->argv[0]);
		return cmd_report(&c->err);
	}
	if (cp_config_get(c->store, c->argv[0], &v, NULL, &c->err))
		return cmd_report(&c->err);
	if (v == NULL) {
		fprintf(stderr, "carepulse: '%s' is not set\n", c->argv[0]);
		return EXIT_FAIL;
	}
	printf("%s\n", v);
	free(v);
	return EXIT_OK;
}

static int cmd_config_set_exec(struct cmd_ctx *c)
{
	if (cp_config_set(c->store, c->argv[0], c->argv[1], &c->err))
		return cmd_report(&c->err);
	return EXIT_OK;
}

static int cmd_config_unset_exec(struct cmd_ctx *c)
{
	if (cp_config_unset(c->store, c->argv[0], &c->err))
		return cmd_report(&c->err);
	return EXIT_OK;
}

#define CONFIG_DESCRIPTION                                                     \
	"Every key can be overridden by CAREPULSE_<KEY> in the environment "   \
	"(dots as\nunderscores, upper case: smtp.url -> CAREPULSE_SMTP_URL). " \
	"Secrets are never\nstored: give them in the environment or in a "     \
	"file named by the *_file key."

const struct cmd_entry cmd_config_list_entry = {
    .name = "config list",
    .summary = N_("list settings with their values and where they come from"),
    .usage = "",
    .description = CONFIG_DESCRIPTION,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_NEEDS_DB | CMD_READS_DB | CMD_FORMAT,
    .exec = cmd_config_list_exec,
};

const struct cmd_entry cmd_config_get_entry = {
    .name = "config get",
    .summary = N_("print one setting (exit 1 when it is not set)"),
    .usage = "KEY",
    .description = CONFIG_DESCRIPTION,
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB | CMD_READS_DB,
    .exec = cmd_config_get_exec,
};

const struct cmd_entry cmd_config_set_entry = {
    .name = "config set",
    .summary = N_("store one setting in the database"),
    .usage = "KEY VALUE",
    .description = CONFIG_DESCRIPTION,
    .min_args = 2,
    .max_args = 2,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_config_set_exec,
};

const struct cmd_entry cmd_config_unset_entry = {
    .name = "config unset",
    .summary = N_("remove a stored setting (its default applies again)"),
    .usage = "KEY",
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_config_unset_exec,
};
