/*
 * dispatch.c - finds the entry for argv, parses its options from the
 * entry's table, opens the store when the entry needs it, runs it, and
 * turns the outcome into an exit status.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "i18n.h"
#include "store.h"
#include "when.h"

#define DEFAULT_DB "carepulse.db"

int cmd_exit_status(int code)
{
	switch (code) {
	case CP_OK:
		return EXIT_OK;
	case CP_EUSAGE:
		return EXIT_USAGE;
	case CP_EDATA:
	case CP_ENOTFOUND:
	case CP_ECONFLICT:
	case CP_EVERSION:
		return EXIT_DATA;
	case CP_EUNAVAIL:
		return EXIT_UNAVAILABLE;
	case CP_EIO:
		return EXIT_IO;
	default:
		return EXIT_FAIL;
	}
}

int cmd_report(const struct cp_error *err)
{
	char msg[CP_ERROR_MSG_MAX + CP_ERROR_FILE_MAX + 64];

	fprintf(stderr, "carepulse: %s\n",
		cp_error_format(err, msg, sizeof(msg)));
	return cmd_exit_status(err->code ? err->code : CP_EFAIL);
}

void cmd_progress(const struct cmd_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->stderr_tty)
		return;
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

static int opt_index(const struct cmd_entry *e, const char *name)
{
	for (int i = 0; i < e->nopts; i++)
		if (strcmp(e->opts[i].name, name) == 0)
			return i;
	return -1;
}

/* Stops on an option index that is not the entry's or not of kind. */
static void check_opt(const struct cmd_ctx *c, int opt, enum cmd_opt_kind kind)
{
	const struct cmd_entry *e = c->entry;

	if (opt >= 0 && opt < e->nopts && opt < CMD_MAX_OPTS &&
	    e->opts[opt].kind == kind)
		return;
	fprintf(stderr,
		"carepulse %s: bug: option %d is not a %s option of this "
		"command\n",
		e->name, opt,
		kind == OPT_FLAG    ? "flag"
		: kind == OPT_VALUE ? "value"
				    : "list");
	abort();
}

bool cmd_flag(const struct cmd_ctx *c, int opt)
{
	check_opt(c, opt, OPT_FLAG);
	return c->flag[opt];
}

const char *cmd_value(const struct cmd_ctx *c, int opt)
{
	check_opt(c, opt, OPT_VALUE);
	return c->value[opt];
}

const char *const *cmd_list(const struct cmd_ctx *c, int opt, size_t *n)
{
	check_opt(c, opt, OPT_LIST);
	*n = c->nlist[opt];
	return c->list[opt];
}

static void print_opt(FILE *f, const char *name, char short_name,
		      const char *arg, const char *help)
{
	char left[80];

	if (short_name)
		snprintf(left, sizeof(left), "-%c, --%s%s%s", short_name, name,
			 arg ? " " : "", arg ? arg : "");
	else
		snprintf(left, sizeof(left), "    --%s%s%s", name,
			 arg ? " " : "", arg ? arg : "");
	/* The table's texts are marked N_(): translated here. */
	fprintf(f, "  %-28s %s\n", left, _(help));
}

void cmd_print_help(FILE *f, const struct cmd_entry *e)
{
	fprintf(f, _("usage: carepulse %s%s%s\n\n%s\n"), e->name,
		e->usage && *e->usage ? " " : "", e->usage ? e->usage : "",
		_(e->summary));
	if (e->description)
		fprintf(f, "\n%s\n", e->description);
	fprintf(f, _("\noptions:\n"));
	for (int i = 0; i < e->nopts; i++)
		print_opt(f, e->opts[i].name, e->opts[i].short_name,
			  e->opts[i].arg, e->opts[i].help);
	if (e->flags & CMD_FORMAT)
		print_opt(f, "format", 0, "FORMAT",
			  N_("table (default), csv or json"));
	if (e->flags & (CMD_NEEDS_DB | CMD_TAKES_DB))
		print_opt(f, "db", 0, "PATH",
			  N_("database (default $CAREPULSE_DB, else "
			     "./carepulse.db)"));
	print_opt(f, "help", 'h', NULL, N_("show this help"));
	fprintf(f, _("\nexit status: 0 ok, 64 usage, 65 bad input data, 69 "
		     "peer unavailable, 74 I/O error, 1 other failure\n"));
}

int cmd_usage_error(const struct cmd_ctx *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "carepulse %s: ", c->entry->name);
	va_start(ap, fmt);
	/* fmt is extracted for translation (xgettext's keyword). */
	vfprintf(stderr, _(fmt), ap);
	va_end(ap);
	fprintf(stderr,
		_("\nusage: carepulse %s %s\nsee 'carepulse help %s'\n"),
		c->entry->name, c->entry->usage ? c->entry->usage : "",
		c->entry->name);
	return EXIT_USAGE;
}

const struct cmd_entry *cmd_find(const char *name)
{
	for (size_t i = 0; cmd_table[i]; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

/* Levenshtein distance, for "did you mean". */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			cur[j] = del < ins ? del : ins;
			if (sub < cur[j])
				cur[j] = sub;
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

/* The command name (or group word) nearest to word; NULL if none is close. */
static const char *nearest(const char *word, const char *group)
{
	static char best_word[64];
	const char *best = NULL;
	size_t bestd = 3;

	for (size_t i = 0; cmd_table[i]; i++) {
		const char *name = cmd_table[i]->name, *sp = strchr(name, ' ');
		char candidate[64];
		if (group) {
			size_t gl = strlen(group);
			if (strncmp(name, group, gl) || name[gl] != ' ')
				continue;
			cp_strlcpy(candidate, name + gl + 1, sizeof(candidate));
		} else {
			size_t n = sp ? (size_t)(sp - name) : strlen(name);
			if (n >= sizeof(candidate))
				continue;
			memcpy(candidate, name, n);
			candidate[n] = '\0';
		}
		size_t d = distance(word, candidate);
		if (d < bestd) {
			bestd = d;
			cp_strlcpy(best_word, candidate, sizeof(best_word));
			best = best_word;
		}
	}
	return best;
}

static bool is_group(const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; cmd_table[i]; i++)
		if (strncmp(cmd_table[i]->name, word, n) == 0 &&
		    cmd_table[i]->name[n] == ' ')
			return true;
	return false;
}

static void print_group(FILE *f, const char *group)
{
	size_t n = group ? strlen(group) : 0;

	for (size_t i = 0; cmd_table[i]; i++) {
		const char *name = cmd_table[i]->name;
		if (group && (strncmp(name, group, n) || name[n] != ' '))
			continue;
		fprintf(f, "  %-18s %s\n", name, _(cmd_table[i]->summary));
	}
}

void cmd_print_overview(FILE *f)
{
	fprintf(f, _("usage: carepulse COMMAND [options] [arguments]\n\n"
		     "carepulse runs compassionate-leadership pulse surveys: "
		     "send a wave to a team,\ncollect anonymous answers on a "
		     "small web form, and report how the team is doing.\n\n"
		     "commands:\n"));
	print_group(f, NULL);
	fprintf(f,
		_("\n'carepulse help COMMAND' or 'carepulse COMMAND --help' "
		  "tells more.\nEvery command takes --db PATH (default "
		  "$CAREPULSE_DB, else ./%s).\n"),
		DEFAULT_DB);
}

const struct cmd_entry *cmd_lookup(int argc, char **argv, int *used,
				   int *status)
{
	char two[128];
	const struct cmd_entry *e;
	const char *near;

	*status = EXIT_USAGE;
	if (argc >= 2) {
		snprintf(two, sizeof(two), "%s %s", argv[0], argv[1]);
		if ((e = cmd_find(two)) != NULL) {
			*used = 2;
			return e;
		}
	}
	if ((e = cmd_find(argv[0])) != NULL) {
		*used = 1;
		return e;
	}
	if (is_group(argv[0])) {
		if (argc < 2 || argv[1][0] == '-') {
			fprintf(argc >= 2 && strcmp(argv[1], "--help") &&
					strcmp(argv[1], "-h")
				    ? stderr
				    : stdout,
				_("usage: carepulse %s COMMAND\n\ncommands:\n"),
				argv[0]);
			print_group(stdout, argv[0]);
			if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
					  strcmp(argv[1], "-h") == 0))
				*status = EXIT_OK;
			return NULL;
		}
		near = nearest(argv[1], argv[0]);
		fprintf(stderr, _("carepulse: '%s %s' is not a command"),
			argv[0], argv[1]);
		if (near)
			fprintf(stderr, _("; did you mean '%s %s'?"), argv[0],
				near);
		fprintf(stderr, _("\n'%s' commands:\n"), argv[0]);
		print_group(stderr, argv[0]);
		return NULL;
	}
	near = nearest(argv[0], NULL);
	fprintf(stderr, _("carepulse: '%s' is not a command"), argv[0]);
	if (near)
		fprintf(stderr, _("; did you mean '%s'?"), near);
	fprintf(stderr, _("\nsee 'carepulse help'\n"));
	return NULL;
}

int cmd_parse(struct cmd_ctx *c, int argc, char **argv)
{
	const struct cmd_entry *e = c->entry;
	bool only_args = false;

	for (int i = 0; i < argc; i++) {
		char *a = argv[i], *val = NULL, name[64];
		int k;

		if (only_args || a[0] != '-' || a[1] == '\0') {
			c->argv[c->argc++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = true;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			cmd_print_help(stdout, e);
			return -1;
		}
		if (a[1] != '-') {
			/* A short option: find its long name. */
			for (k = 0; k < e->nopts; k++)
				if (e->opts[k].short_name == a[1] && !a[2])
					break;
			if (k == e->nopts)
				return cmd_usage_error(c, "unknown option '%s'",
						       a);
			cp_strlcpy(name, e->opts[k].name, sizeof(name));
		} else {
			char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			if (n >= sizeof(name))
				return cmd_usage_error(c, "unknown option '%s'",
						       a);
			memcpy(name, a + 2, n);
			name[n] = '\0';
			val = eq ? eq + 1 : NULL;
		}
		if (strcmp(name, "db") == 0 &&
		    (e->flags & (CMD_NEEDS_DB | CMD_TAKES_DB))) {
			if (!val &&
			    (val = (i + 1 < argc ? argv[++i] : NULL)) == NULL)
				return cmd_usage_error(c, "--db needs a PATH");
			c->db_path = val;
			continue;
		}
		if (strcmp(name, "format") == 0 && (e->flags & CMD_FORMAT)) {
			if (!val &&
			    (val = (i + 1 < argc ? argv[++i] : NULL)) == NULL)
				return cmd_usage_error(c,
						       "--format needs table, "
						       "csv or json");
			if (strcmp(val, "table") == 0)
				c->format = FORMAT_TABLE;
			else if (strcmp(val, "csv") == 0)
				c->format = FORMAT_CSV;
			else if (strcmp(val, "json") == 0)
				c->format = FORMAT_JSON;
			else
				return cmd_usage_error(
				    c,
				    "--format '%s': expected table, csv "
				    "or json",
				    val);
			continue;
		}
		k = opt_index(e, name);
		if (k < 0) {
			return cmd_usage_error(c, "unknown option '--%s'",
					       name);
		}
		if (e->opts[k].kind == OPT_FLAG) {
			if (val)
				return cmd_usage_error(c, "--%s takes no value",
						       name);
			c->flag[k] = true;
			continue;
		}
		if (!val && (val = (i + 1 < argc ? argv[++i] : NULL)) == NULL)
			return cmd_usage_error(c, "--%s needs a value (%s)",
					       name, e->opts[k].arg);
		if (e->opts[k].kind == OPT_VALUE) {
			c->value[k] = val;
		} else {
			if (c->nlist[k] == CMD_MAX_LIST)
				return cmd_usage_error(c, "too many --%s",
						       name);
			c->list[k][c->nlist[k]++] = val;
		}
	}
	if (c->argc < e->min_args)
		return cmd_usage_error(c, "missing argument");
	if (e->max_args >= 0 && c->argc > e->max_args)
		return cmd_usage_error(c, "unexpected argument '%s'",
				       c->argv[e->max_args]);
	return 0;
}

/*
 * The installation's time zone for every time this command shows: set
 * once here, before the command starts any thread (when.h). A bad value
 * (from CAREPULSE_TIMEZONE: "config set" checks its own) stops the
 * command before it does anything.
 */
static int use_timezone(struct cmd_ctx *c)
{
	char *tz = NULL;
	const char *source = NULL;
	int rc = cp_config_get(c->store, "timezone", &tz, &source, &c->err);

	if (rc == 0 && tz)
		rc = cp_tz_set(tz, &c->err);
	free(tz);
	if (rc) {
		cp_error_prefix(&c->err, "%s",
				source && strcmp(source, "env") == 0
				    ? "CAREPULSE_TIMEZONE"
				    : "setting timezone");
		return cmd_report(&c->err);
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	const struct cmd_entry *e;
	struct cmd_ctx *c;
	int used, status;

	/* A --db before the command applies to it: carepulse --db X cmd. */
	const char *global_db = NULL;
	while (argc > 0 && strncmp(argv[0], "--db", 4) == 0 &&
	       (argv[0][4] == '\0' || argv[0][4] == '=')) {
		if (argv[0][4] == '=') {
			global_db = argv[0] + 5;
			argc--, argv++;
		} else if (argc >= 2) {
			global_db = argv[1];
			argc -= 2, argv += 2;
		} else {
			fprintf(stderr, _("carepulse: --db needs a PATH\n"));
			return EXIT_USAGE;
		}
	}
	if (argc == 0) {
		cmd_print_overview(stderr);
		return EXIT_USAGE;
	}
	e = cmd_lookup(argc, argv, &used, &status);
	if (e == NULL)
		return status;
	c = calloc(1, sizeof(*c));
	if (c == NULL ||
	    (c->argv = calloc((size_t)argc + 1, sizeof(char *))) == NULL) {
		free(c);
		fprintf(stderr, _("carepulse: out of memory\n"));
		return EXIT_FAIL;
	}
	c->entry = e;
	c->tty = isatty(STDOUT_FILENO);
	c->stderr_tty = isatty(STDERR_FILENO);
	c->format = FORMAT_TABLE;
	c->db_path = getenv("CAREPULSE_DB");
	if (c->db_path == NULL || *c->db_path == '\0')
		c->db_path = DEFAULT_DB;
	if (global_db)
		c->db_path = global_db;
	status = cmd_parse(c, argc - used, argv + used);
	if (status < 0) {
		status = EXIT_OK; /* --help was printed */
		goto done;
	}
	if (status)
		goto done;
	if (e->flags & CMD_NEEDS_DB) {
		if (cp_store_open(
			&c->store, c->db_path,
			(e->flags & CMD_READS_DB) ? CP_STORE_READ_FALLBACK : 0,
			&c->err)) {
			/* A missing database is a file we could not open. */
			if (c->err.code == CP_ENOTFOUND)
				c->err.code = CP_EIO;
			status = cmd_report(&c->err);
			goto done;
		}
	}
	if ((status = use_timezone(c)) != 0)
		goto done;
	status = e->exec(c);
done:
	cp_store_close(c->store);
	free(c->argv);
	free(c);
	return status;
}
