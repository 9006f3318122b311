/* cmd_help.c - carepulse help [COMMAND] */
#include <string.h>

#include "cmd.h"
#include "i18n.h"

enum {
	HELP_MAN,
	HELP_NOPTS
};

static const struct cmd_opt help_opts[HELP_NOPTS] = {
    [HELP_MAN] =
	{"man", 0, OPT_FLAG, NULL,
	 N_("print the manual page of every command (roff, as carepulse.1)")},
};

static int cmd_help_exec(struct cmd_ctx *c)
{
	const struct cmd_entry *e;
	int used, status;

	if (cmd_flag(c, HELP_MAN)) {
		if (c->argc)
			return cmd_usage_error(c, "--man takes no command");
		cmd_print_man(stdout);
		return fflush(stdout) || ferror(stdout) ? EXIT_IO : EXIT_OK;
	}
	if (c->argc == 0) {
		cmd_print_overview(stdout);
		return EXIT_OK;
	}
	e = cmd_lookup(c->argc, c->argv, &used, &status);
	if (e == NULL)
		return status;
	if (used < c->argc)
		return cmd_usage_error(c, "unexpected argument '%s'",
				       c->argv[used]);
	cmd_print_help(stdout, e);
	return EXIT_OK;
}

const struct cmd_entry cmd_help_entry = {
    .name = "help",
    .summary = N_("show help for carepulse or one command"),
    .usage = "[--man] [COMMAND]",
    .opts = help_opts,
    .nopts = HELP_NOPTS,
    .min_args = 0,
    .max_args = 2,
    .exec = cmd_help_exec,
};
