/*
 * test_commands.c - the command table (cmd/commands.c) and each entry's
 * options: names unique and in order, every option described and
 * reachable through the real parser, nothing shadowed by the options the
 * dispatcher adds (--format, --db, --help, -h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "output.h"

static size_t count_commands(void)
{
	size_t n = 0;

	while (cmd_table[n])
		n++;
	return n;
}

static void test_names_unique_and_alphabetical(void **state)
{
	size_t n = count_commands();

	(void)state;
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		const struct cmd_entry *e = cmd_table[i];
		assert_non_null(e->name);
		assert_true(e->name[0] != '\0');
		/* Strictly increasing: sorted, and no name twice. */
		if (i > 0 && strcmp(cmd_table[i - 1]->name, e->name) >= 0)
			fail_msg("'%s' comes after '%s' in cmd_table",
				 cmd_table[i - 1]->name, e->name);
		assert_ptr_equal(cmd_find(e->name), e);
	}
}

static void test_entries_complete(void **state)
{
	(void)state;
	for (size_t i = 0; cmd_table[i]; i++) {
		const struct cmd_entry *e = cmd_table[i];
		if (e->summary == NULL || e->summary[0] == '\0')
			fail_msg("'%s' has no summary", e->name);
		if (e->usage == NULL)
			fail_msg("'%s' has no usage line", e->name);
		assert_non_null(e->exec);
		assert_true(e->min_args >= 0);
		assert_true(e->max_args == -1 || e->max_args >= e->min_args);
		if (e->nopts < 0 || e->nopts > CMD_MAX_OPTS)
			fail_msg("'%s' has %d options (most %d)", e->name,
				 e->nopts, CMD_MAX_OPTS);
		assert_true((e->opts == NULL) == (e->nopts == 0));
	}
}

/* Whether the dispatcher itself takes --name (or -short) for e. */
static bool implicit(const struct cmd_entry *e, const char *name,
		     char short_name)
{
	if (short_name == 'h' || (name && strcmp(name, "help") == 0))
		return true;
	if (name && strcmp(name, "format") == 0 && (e->flags & CMD_FORMAT))
		return true;
	return name && strcmp(name, "db") == 0 &&
	       (e->flags & (CMD_NEEDS_DB | CMD_TAKES_DB));
}

static void test_options_described_and_distinct(void **state)
{
	(void)state;
	for (size_t i = 0; cmd_table[i]; i++) {
		const struct cmd_entry *e = cmd_table[i];
		for (int k = 0; k < e->nopts; k++) {
			const struct cmd_opt *o = &e->opts[k];
			/* A gap in a designated-initialiser table is a zero
			 * entry. */
			if (o->name == NULL || o->name[0] == '\0')
				fail_msg("'%s': option %d has no name", e->name,
					 k);
			if (o->help == NULL || o->help[0] == '\0')
				fail_msg("'%s --%s' has no help text", e->name,
					 o->name);
			if ((o->kind == OPT_FLAG) != (o->arg == NULL))
				fail_msg("'%s --%s': a value names its "
					 "argument, a flag has none",
					 e->name, o->name);
			if (o->name[0] == '-' || strchr(o->name, '='))
				fail_msg("'%s': bad option name '%s'", e->name,
					 o->name);
			if (implicit(e, o->name, o->short_name))
				fail_msg("'%s --%s' (-%c) is shadowed by the "
					 "dispatcher's own option",
					 e->name, o->name,
					 o->short_name ? o->short_name : ' ');
			for (int j = 0; j < k; j++) {
				if (strcmp(e->opts[j].name, o->name) == 0)
					fail_msg("'%s': --%s twice", e->name,
						 o->name);
				if (o->short_name &&
				    e->opts[j].short_name == o->short_name)
					fail_msg("'%s': -%c twice", e->name,
						 o->short_name);
			}
		}
	}
}

/*
 * Parses args (plus the entry's least positional arguments) for e through
 * the real parser; the caller frees *out and its argv.
 */
static int parse(const struct cmd_entry *e, int nargs, const char **args,
		 struct cmd_ctx **out)
{
	char *argv[8];
	int argc = 0, rc;
	struct cmd_ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	for (int i = 0; i < nargs; i++)
		argv[argc++] = (char *)args[i];
	for (int i = 0; i < e->min_args; i++)
		argv[argc++] = (char *)"1";
	argv[argc] = NULL;
	c->entry = e;
	c->db_path = "unused.db";
	c->argv = calloc((size_t)argc + 1, sizeof(char *));
	assert_non_null(c->argv);
	rc = cmd_parse(c, argc, argv);
	*out = c;
	return rc;
}

static void release(struct cmd_ctx *c)
{
	free(c->argv);
	free(c);
}

/* Exactly option k of c's entry is set, to "v" when it takes a value. */
static void assert_only(const struct cmd_ctx *c, int k, const char *how)
{
	const struct cmd_entry *e = c->entry;

	for (int j = 0; j < e->nopts; j++) {
		bool set = c->flag[j] || c->value[j] || c->nlist[j];
		if (set != (j == k))
			fail_msg("'%s %s' %s --%s", e->name, how,
				 set ? "also set" : "did not set",
				 e->opts[j].name);
	}
	switch (e->opts[k].kind) {
	case OPT_FLAG:
		assert_true(cmd_flag(c, k));
		break;
	case OPT_VALUE:
		assert_string_equal(cmd_value(c, k), "v");
		break;
	case OPT_LIST: {
		size_t n;
		const char *const *l = cmd_list(c, k, &n);
		assert_int_equal(n, 1);
		assert_string_equal(l[0], "v");
		break;
	}
	}
}

static void test_every_option_reachable(void **state)
{
	(void)state;
	for (size_t i = 0; cmd_table[i]; i++) {
		const struct cmd_entry *e = cmd_table[i];
		for (int k = 0; k < e->nopts; k++) {
			const struct cmd_opt *o = &e->opts[k];
			char lng[64], shrt[3] = {'-', o->short_name, '\0'};
			const char *args[2] = {lng, "v"};
			int nargs = o->kind == OPT_FLAG ? 1 : 2;
			struct cmd_ctx *c;

			snprintf(lng, sizeof(lng), "--%s", o->name);
			if (parse(e, nargs, args, &c) != 0)
				fail_msg("'%s %s' does not parse", e->name,
					 lng);
			assert_only(c, k, lng);
			release(c);
			if (!o->short_name)
				continue;
			args[0] = shrt;
			if (parse(e, nargs, args, &c) != 0)
				fail_msg("'%s %s' does not parse", e->name,
					 shrt);
			assert_only(c, k, shrt);
			release(c);
		}
	}
}

/* An unknown option is refused, not ignored. */
static void test_unknown_option_refused(void **state)
{
	const char *args[1] = {"--no-such-option"};
	struct cmd_ctx *c;

	(void)state;
	for (size_t i = 0; cmd_table[i]; i++) {
		assert_int_equal(parse(cmd_table[i], 1, args, &c), EXIT_USAGE);
		release(c);
	}
}

/* Asking for an option the entry does not have, or as the wrong kind, stops
 * the program instead of reading NULL. */
static void test_wrong_index_aborts(void **state)
{
	const struct cmd_entry *e = cmd_find("send");
	const int bad[][2] = {{-1, OPT_FLAG}, {0, OPT_VALUE}, {1, OPT_FLAG}};

	(void)state;
	assert_non_null(e);
	assert_int_equal(e->nopts, 1);
	assert_int_equal(e->opts[0].kind, OPT_FLAG);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int status;
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct cmd_ctx c = {.entry = e};
			/* The child's message is expected: keep it quiet. */
			if (freopen("/dev/null", "w", stderr) == NULL)
				_exit(2);
			if (bad[i][1] == OPT_FLAG)
				(void)cmd_flag(&c, bad[i][0]);
			else
				(void)cmd_value(&c, bad[i][0]);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGABRT);
	}
}

/* out_fixed gives printf's "%.*f" bytes: ties (exact binary halves),
 * negative zero, rounding to zero from below, large and odd values, and
 * a million random ones on the scales results print. */
static void test_fixed_is_printf(void **state)
{
	static const double edge[] = {
	    0,	    -0.0,   0.5,     1.5,	 2.5,	    0.125, 0.375,
	    -0.125, 1e-9,   -1e-9,   -0.00004,	 99.99995,  100,   -3.14159,
	    1e11,   1e12,   1e300,   -2.675,	 2.675,	    0.045, 1.005,
	    4.0001, 3.9999, 50.0049, 0.99999999, 12345.6789};
	char a[OUT_FIXED_MAX], b[OUT_FIXED_MAX];
	uint64_t x = 88172645463325252ull;

	(void)state;
	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++)
		for (int p = 0; p <= 6; p++) {
			out_fixed(a, edge[i], p);
			snprintf(b, sizeof(b), "%.*f", p, edge[i]);
			assert_string_equal(a, b);
		}
	for (int i = 0; i < 1000000; i++) {
		double v;
		int p = i % 5;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = (double)(x >> 11) / 9007199254740992.0;
		v = i % 3 == 0 ? v * 100 : i % 3 == 1 ? 1 + 4 * v : v * 8 - 4;
		if (i % 7 == 0) /* exact quarters, eighths: ties */
			v = (double)(int64_t)(v * 8) / 8;
		out_fixed(a, v, p);
		snprintf(b, sizeof(b), "%.*f", p, v);
		assert_string_equal(a, b);
	}
}

/* Fills t with rows rows of every kind of cell the results write. */
static void fill_rows(struct out_table *t, int rows, int seed)
{
	static const char *const text[] = {
	    "Ward 4",
	    "a \"quoted\", comma",
	    "line\nbreak\ttab",
	    "-formula",
	    "=SUM(A1)",
	    " padded ",
	    "caf\xc3\xa9",
	    "back\\slash",
	    "",
	};

	for (int r = 0; r < rows; r++) {
		int k = r + seed;
		/* Kept cells (the same for the same key) and runs of no
		 * value, a row's first cell and a whole row too. */
		bool keep = k % 4 == 1;
		if (k % 6 == 5)
			out_cell(t, NULL);
		else
			out_cell_int(t, k * 7 - 20);
		if (k % 11 == 10) {
			out_skip_to(t, 6);
			continue;
		}
		if (!keep || !out_cells_again(t, (size_t)k % 9, text[k % 9])) {
			if (keep)
				out_cells_mark(t);
			out_cell(t, text[k % 9]);
			out_cell(t, k % 4 ? "true" : (k % 3 ? "false" : "no"));
			if (keep)
				out_cells_keep(t, (size_t)k % 9, text[k % 9]);
		}
		if (k % 5 == 0)
			out_skip_to(t, 4);
		else
			out_cell_fixed(t, (k % 2 ? -1 : 1) * k / 7.0, k % 5);
		out_cellf(t, "%+.0f%%", k * 1.5);
		if (k % 3)
			out_cell(t, NULL);
		out_skip_to(t, 6);
	}
}

/* A table opened direct (out_table_open) writes the bytes a kept table
 * prints (out_table_stream), in CSV and JSON, with several tables as
 * one, an empty one first, last or alone, and nothing kept in memory. */
static void test_direct_is_kept(void **state)
{
	static const struct out_col cols[] = {
	    {"n", COL_INT},	{"name \"x\"", COL_TEXT}, {"ok", COL_BOOL},
	    {"value", COL_NUM}, {"words", COL_TEXT},	  {"none", COL_NUM},
	};
	static const int plan[][3] = {{0, 0, 0},  {3, 0, 2}, {0, 5, 1},
				      {7, 0, 0},  {2, 2, 2}, {1, 0, 0},
				      {80, 70, 2}};
	enum cmd_format fmts[] = {FORMAT_CSV, FORMAT_JSON, FORMAT_TABLE};

	(void)state;
	for (size_t f = 0; f < 3; f++)
		for (size_t p = 0; p < sizeof(plan) / sizeof(plan[0]); p++) {
			char *a = NULL, *b = NULL;
			size_t na = 0, nb = 0;
			FILE *fa = open_memstream(&a, &na);
			FILE *fb = open_memstream(&b, &nb);
			struct out_stream sa = {0}, sb = {0};
			int ntables = plan[p][2] + 1;

			assert_non_null(fa);
			assert_non_null(fb);
			for (int i = 0; i < ntables; i++) {
				struct out_table ta, tb;
				int rows = plan[p][i ? 1 : 0] + i;
				bool last = i + 1 == ntables;

				out_table_init(&ta, cols, 6);
				fill_rows(&ta, rows, i * 3);
				assert_int_equal(out_table_stream(&ta, fa,
								  fmts[f], &sa,
								  last),
						 0);
				out_table_release(&ta);
				out_table_open(&tb, cols, 6, fb, fmts[f], &sb);
				fill_rows(&tb, rows, i * 3);
				if (fmts[f] != FORMAT_TABLE)
					assert_null(tb.cells);
				assert_int_equal(out_table_close(&tb, last), 0);
			}
			fclose(fa);
			fclose(fb);
			assert_int_equal(na, nb);
			assert_memory_equal(a, b, na);
			free(a);
			free(b);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_unique_and_alphabetical),
	    cmocka_unit_test(test_fixed_is_printf),
	    cmocka_unit_test(test_direct_is_kept),
	    cmocka_unit_test(test_entries_complete),
	    cmocka_unit_test(test_options_described_and_distinct),
	    cmocka_unit_test(test_every_option_reachable),
	    cmocka_unit_test(test_unknown_option_refused),
	    cmocka_unit_test(test_wrong_index_aborts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
