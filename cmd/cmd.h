/*
 * cmd.h - the command table: every subcommand is a declarative struct
 * cmd_entry in its own cmd_*.c file. Parsing, --help, `carepulse help CMD`
 * and usage errors all come from the entries. Only cmd/ prints or exits.
 */
#ifndef CP_CMD_H
#define CP_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

struct cp_store;

/* Exit statuses (DESIGN.md section 12, sysexits-like). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 64,
	EXIT_DATA = 65,
	EXIT_UNAVAILABLE = 69,
	EXIT_IO = 74,
};

enum cmd_opt_kind {
	OPT_FLAG,  /* --name */
	OPT_VALUE, /* --name VALUE, the last one wins */
	OPT_LIST,  /* --name VALUE, repeatable */
};

/*
 * One option. Each cmd_*.c names its options with an enum whose values
 * index its table, written with designated initialisers ([SEND_DRY_RUN] =
 * {...}), and reads them back by those names: a misspelt name does not
 * compile, and cmd_flag/cmd_value/cmd_list stop the program on an index
 * outside the entry's table or of the wrong kind.
 */
struct cmd_opt {
	const char *name; /* long name without "--" */
	char short_name;  /* 0 for none */
	enum cmd_opt_kind kind;
	const char *arg; /* the value's name in help, e.g. "TEAM" */
	const char *help;
};

enum cmd_flags {
	CMD_NEEDS_DB = 1, /* the dispatcher opens the store (must exist) */
	CMD_FORMAT = 2,	  /* prints data: takes --format table|csv|json */
	CMD_TAKES_DB = 4, /* takes --db but opens the store itself */
	CMD_READS_DB = 8, /* with CMD_NEEDS_DB: only reads, so a database
			     that cannot be written is opened read-only */
};

enum cmd_format {
	FORMAT_TABLE,
	FORMAT_CSV,
	FORMAT_JSON
};

#define CMD_MAX_OPTS 24
#define CMD_MAX_LIST 256

struct cmd_ctx;

struct cmd_entry {
	const char *name;	    /* "survey list": one or two words */
	const char *summary;	    /* one line for the command list */
	const char *usage;	    /* arguments after the name */
	const char *description;    /* paragraphs for --help; may be NULL */
	const struct cmd_opt *opts; /* nopts of them; NULL when none */
	int nopts;		    /* at most CMD_MAX_OPTS */
	int min_args, max_args;	    /* positional arguments; -1: no limit */
	int flags;
	int (*exec)(struct cmd_ctx *ctx);
};

struct cmd_ctx {
	const struct cmd_entry *entry;
	int argc; /* positional arguments */
	char **argv;
	const char *db_path;
	struct cp_store *store; /* open when CMD_NEEDS_DB */
	enum cmd_format format;
	bool tty; /* stdout is a terminal */
	bool stderr_tty;
	/* Parsed options, indexed like entry->opts. */
	const char *value[CMD_MAX_OPTS];
	bool flag[CMD_MAX_OPTS];
	const char *list[CMD_MAX_OPTS][CMD_MAX_LIST];
	size_t nlist[CMD_MAX_OPTS];
	struct cp_error err;
};

/* The table, alphabetical, ending in NULL (commands.c). */
extern const struct cmd_entry *const cmd_table[];

/*
 * The parsed options, by their index in c->entry->opts (the enum of the
 * command's file). A flag is false, a value NULL and a list empty when the
 * option was not given. An index outside the table, or of an option of
 * another kind, is a bug: the program says so and aborts.
 */
bool cmd_flag(const struct cmd_ctx *c, int opt);
const char *cmd_value(const struct cmd_ctx *c, int opt);
const char *const *cmd_list(const struct cmd_ctx *c, int opt, size_t *n);

/*
 * Parses argv (the words after the command's name) into c, whose entry is
 * set and whose argv has room for argc + 1 pointers: options by the entry's
 * table, --db and --format where the entry takes them, positional
 * arguments. Returns 0, -1 after printing --help, or the usage exit status
 * after printing why.
 */
int cmd_parse(struct cmd_ctx *c, int argc, char **argv);

/* Prints "carepulse: <err>" to stderr and returns the exit status for it. */
int cmd_report(const struct cp_error *err);

/* Prints a usage error about the current command and returns 64. */
int cmd_usage_error(const struct cmd_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Maps an error code to an exit status. */
int cmd_exit_status(int code);

/* Prints the --help text of an entry. */
void cmd_print_help(FILE *f, const struct cmd_entry *e);

/* Finds an entry by its full name ("survey list"); NULL when none. */
const struct cmd_entry *cmd_find(const char *name);

/* Runs argv (without the program name) as a command, as main does. */
int cmd_run(int argc, char **argv);

/* The manual page of every command, in roff (man.c). */
void cmd_print_man(FILE *f);

/* The list of all commands, for `carepulse help`. */
void cmd_print_overview(FILE *f);

/*
 * Finds the entry named by argv[0] (and argv[1] for a two-word command):
 * sets *used to the words it took; or prints why not, sets *status and
 * returns NULL.
 */
const struct cmd_entry *cmd_lookup(int argc, char **argv, int *used,
				   int *status);

/* Loads the installation key of c's database into key (32 bytes); on
 * failure c->err says why. (cmd_send.c) */
int cmd_installation_key(struct cmd_ctx *c, unsigned char *key);

struct cp_retention;
/* Prints what a retention run deleted (or would), each line starting with
 * prefix. (cmd_purge.c; tick prints it too) */
void cmd_print_retention(const struct cp_retention *r, bool dry_run,
			 const char *prefix);

struct cp_buf;
/*
 * What `results WAVE --team TEAM --items --format csv|json` prints, into
 * out, for the portal's downloads: only the groups of the teams in
 * allowed (the viewer's, from core/access), and without the leader's
 * self-assessment unless with_self. (cmd_results.c)
 */
int cmd_results_export(struct cp_store *st, int64_t wave, int64_t team,
		       bool csv, bool with_self, const int64_t *allowed,
		       size_t nallowed, struct cp_buf *out,
		       struct cp_error *err);

/* Prints progress on stderr when it is a terminal; quiet otherwise. */
void cmd_progress(const struct cmd_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
