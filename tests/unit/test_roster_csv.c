/*
 * test_roster_csv.c - reading and checking roster CSV files
 * (core/roster_csv.c): RFC 4180 quoting, line numbers, the header, every
 * kind of bad row with its exact line and message, and the size caps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "roster.h"

#define EXPECTED                                                               \
	"(expected email, name, team, and optionally parent_team, role, "      \
	"language)"

/* One parse and everything it gave back. */
struct parsed {
	struct cp_roster *r;
	struct cp_problems problems;
	struct cp_error err;
	int rc;
};

static int parse_n(struct parsed *x, const char *text, size_t len)
{
	memset(x, 0, sizeof(*x));
	cp_problems_init(&x->problems, "roster.csv");
	cp_error_clear(&x->err);
	x->r = (struct cp_roster *)&x->rc; /* must be reset to NULL on error */
	x->rc = cp_roster_parse(&x->r, "roster.csv", text, len, &x->problems,
				&x->err);
	return x->rc;
}

static int parse(struct parsed *x, const char *text)
{
	return parse_n(x, text, strlen(text));
}

static void parsed_release(struct parsed *x)
{
	cp_roster_free(x->r);
	cp_problems_release(&x->problems);
}

/* Parses text, which must be a good roster of nrows rows. */
static void parse_ok(struct parsed *x, const char *text, size_t nrows)
{
	char line[1024];

	parse(x, text);
	if (x->rc != 0)
		fail_msg("unexpected failure: %s",
			 cp_error_format(&x->err, line, sizeof(line)));
	assert_int_equal(cp_problems_total(&x->problems), 0);
	assert_non_null(x->r);
	assert_string_equal(x->r->file, "roster.csv");
	assert_int_equal(x->r->nrows, nrows);
}

/*
 * Asserts that the problems, formatted as "file:line: message", are
 * exactly the NULL-terminated list want, in that order; that the parse
 * failed with CP_EDATA; and that no roster came back.
 */
static void assert_problems(struct parsed *x, const char *const *want)
{
	char line[1024];
	size_t n = 0;

	for (; want[n]; n++) {
		if (n >= x->problems.count)
			fail_msg("missing problem: %s", want[n]);
		assert_string_equal(
		    cp_problems_format(&x->problems, n, line, sizeof(line)),
		    want[n]);
	}
	if (x->problems.count > n)
		fail_msg(
		    "unexpected problem: %s",
		    cp_problems_format(&x->problems, n, line, sizeof(line)));
	assert_int_equal(x->rc, CP_EDATA);
	assert_int_equal(x->err.code, CP_EDATA);
	assert_null(x->r);
}

#define EXPECT_PROBLEMS(x, ...)                                                \
	assert_problems((x), (const char *const[]){__VA_ARGS__, NULL})

/* Parses text and expects exactly the listed problems. */
#define EXPECT_BAD(text, ...)                                                  \
	do {                                                                   \
		struct parsed x_;                                              \
		parse(&x_, (text));                                            \
		EXPECT_PROBLEMS(&x_, __VA_ARGS__);                             \
		parsed_release(&x_);                                           \
	} while (0)

static void test_utf8_names_exact(void **state)
{
	struct parsed x;

	(void)state;
	parse_ok(&x,
		 "email,name,team\n"
		 "zoe@example.org,Zoë Łódź,Ops\n"
		 "xenia@example.org,Ξένια,Ομάδα\n",
		 2);
	assert_string_equal(x.r->rows[0].email, "zoe@example.org");
	assert_string_equal(x.r->rows[0].name, "Zoë Łódź");
	assert_string_equal(x.r->rows[0].team, "Ops");
	assert_int_equal(x.r->rows[0].line, 2);
	assert_null(x.r->rows[0].parent_team);
	assert_int_equal(x.r->rows[0].role, CP_ROLE_MEMBER);
	assert_string_equal(x.r->rows[1].name, "Ξένια");
	assert_string_equal(x.r->rows[1].team, "Ομάδα");
	assert_int_equal(x.r->rows[1].line, 3);
	parsed_release(&x);
}

static void test_quoted_commas_and_quotes(void **state)
{
	struct parsed x;

	(void)state;
	parse_ok(&x,
		 "email,name,team\n"
		 "anna@x.org,\"Smith, Anna \"\"Annie\"\"\",\"Sales, North\"\n",
		 1);
	assert_string_equal(x.r->rows[0].name, "Smith, Anna \"Annie\"");
	assert_string_equal(x.r->rows[0].team, "Sales, North");
	parsed_release(&x);
}

/* A newline inside quotes is kept, and counted for the next row's line. */
static void test_embedded_newlines(void **state)
{
	struct parsed x;

	(void)state;
	parse_ok(&x,
		 "email,name,team\n"
		 "a@x.org,\"First\nSecond\",\"Ops\"\n"
		 "b@x.org,Bob,\"Team\n\nwith gaps\"\n"
		 "c@x.org,Cy,Ops\n",
		 3);
	assert_string_equal(x.r->rows[0].name, "First\nSecond");
	assert_int_equal(x.r->rows[0].line, 2);
	assert_int_equal(x.r->rows[1].line, 4);
	assert_string_equal(x.r->rows[1].team, "Team\n\nwith gaps");
	assert_int_equal(x.r->rows[2].line, 7);
	parsed_release(&x);
}

/* A record that starts with a quoted newline still starts on its line. */
static void test_record_starting_with_newline(void **state)
{
	struct parsed x;

	(void)state;
	parse_ok(&x,
		 "name,team,email\n"
		 "\"\nLead\",Ops,a@x.org\n"
		 "Bob,Ops,b@x.org\n",
		 2);
	assert_int_equal(x.r->rows[0].line, 2);
	assert_string_equal(x.r->rows[0].name, "Lead"); /* trimmed */
	assert_int_equal(x.r->rows[1].line, 4);
	parsed_release(&x);
}

static void test_crlf(void **state)
{
	struct parsed x;

	(void)state;
	parse_ok(&x,
		 "email,name,team\r\n"
		 "\r\n"
		 "a@x.org,Ann,Ops\r\n"
		 "b@x.org,\"Two\r\nLines\",Ops\r\n"
		 "c@x.org,Cy,Ops",
		 3);
	assert_int_equal(x.r->rows[0].line, 3);
	assert_string_equal(x.r->rows[0].team, "Ops"); /* no stray CR */
	assert_int_equal(x.r->rows[1].line, 4);
	assert_string_equal(x.r->rows[1].name, "Two\r\nLines"); /* as is */
	assert_int_equal(x.r->rows[2].line, 6);
	assert_string_equal(x.r->rows[2].name, "Cy");
	parsed_release(&x);
}

/* Old Mac line ends, and a CR, then spaces, then a LF: two lines. */
static void test_lone_cr(void **state)
{
	struct parsed x;

	(void)state;
	parse_ok(&x,
		 "email,name,team\r"
		 "a@x.org,Ann,Ops\r"
		 "  \n"
		 "b@x.org,\"Bo\rb\",Ops\n"
		 "c@x.org,Cy,Ops\n",
		 3);
	assert_int_equal(x.r->rows[0].line, 2);
	assert_int_equal(x.r->rows[1].line, 4);
	assert_string_equal(x.r->rows[1].name, "Bo\rb");
	assert_int_equal(x.r->rows[2].line, 6);
	parsed_release(&x);
}

static void test_bom(void **state)
{
	struct parsed x;

	(void)state;
	parse_ok(&x,
		 "\xEF\xBB\xBF"
		 "email,name,team\r\n"
		 "a@x.org,Ann,Ops\r\n",
		 1);
	assert_string_equal(x.r->rows[0].email, "a@x.org");
	assert_int_equal(x.r->rows[0].line, 2);
	parsed_release(&x);
}

/* Blank and white-space lines are not rows, but they are lines. */
static void test_blank_lines(void **state)
{
	struct parsed x;

	(void)state;
	parse_ok(&x,
		 "\n"
		 "email,name,team\n"
		 "\n"
		 "   \t\n"
		 "a@x.org,Ann,Ops\n"
		 "\n",
		 1);
	assert_int_equal(x.r->rows[0].line, 5);
	parsed_release(&x);
}

/*
 * Header names are matched trimmed and in any case, in any order; the
 * optional columns give parent_team and role; every field is trimmed.
 */
static void test_optional_columns(void **state)
{
	struct parsed x;

	(void)state;
	parse_ok(&x,
		 " Team ,ROLE,Email,  name,Parent_Team\n"
		 "Ops, Leader ,  Lea@X.org , Lea Lund ,Engineering\n"
		 "Ops,member,b@x.org,\" Bob \",\n"
		 "Ops,,c@x.org,Cy,  \n"
		 "Engineering,LEADER,d@x.org,Di,\n",
		 4);
	assert_string_equal(x.r->rows[0].email, "Lea@X.org");
	assert_string_equal(x.r->rows[0].name, "Lea Lund");
	assert_string_equal(x.r->rows[0].team, "Ops");
	assert_string_equal(x.r->rows[0].parent_team, "Engineering");
	assert_int_equal(x.r->rows[0].role, CP_ROLE_LEADER);
	assert_string_equal(x.r->rows[1].name, "Bob");
	assert_null(x.r->rows[1].parent_team);
	assert_int_equal(x.r->rows[1].role, CP_ROLE_MEMBER);
	assert_int_equal(x.r->rows[2].role, CP_ROLE_MEMBER);
	assert_null(x.r->rows[2].parent_team);
	assert_int_equal(x.r->rows[3].role, CP_ROLE_LEADER);
	parsed_release(&x);
}

/* Limits are inclusive: a 200-byte name and a 100-byte team pass. */
static void test_length_limits_pass(void **state)
{
	char text[1024], name[201], team[101];
	struct parsed x;

	(void)state;
	memset(name, 'n', 200);
	name[200] = '\0';
	memset(team, 't', 100);
	team[100] = '\0';
	snprintf(text, sizeof(text),
		 "email,name,team,parent_team\na@x.org,%s,%s,%s\n", name, team,
		 "P");
	parse_ok(&x, text, 1);
	assert_string_equal(x.r->rows[0].name, name);
	parsed_release(&x);
}

/* No problems list and no error struct are allowed too. */
static void test_null_problems_and_err(void **state)
{
	struct cp_roster *r = NULL;
	const char *good = "email,name,team\na@x.org,Ann,Ops\n";
	const char *bad = "email,name,team\nbob@,Bob,Ops\n";

	(void)state;
	assert_int_equal(
	    cp_roster_parse(&r, "r.csv", good, strlen(good), NULL, NULL), 0);
	assert_non_null(r);
	assert_string_equal(r->file, "r.csv");
	cp_roster_free(r);
	assert_int_equal(
	    cp_roster_parse(&r, "r.csv", bad, strlen(bad), NULL, NULL),
	    CP_EDATA);
	assert_null(r);
	cp_roster_free(NULL);
}

static void test_header_missing_column(void **state)
{
	(void)state;
	EXPECT_BAD("email,name\na@x.org,Ann\n",
		   "roster.csv:1: missing column 'team' " EXPECTED);
	EXPECT_BAD("role\nleader\n",
		   "roster.csv:1: missing column 'email' " EXPECTED,
		   "roster.csv:1: missing column 'name' " EXPECTED,
		   "roster.csv:1: missing column 'team' " EXPECTED);
}

static void test_header_duplicate_column(void **state)
{
	(void)state;
	EXPECT_BAD("email,name,team, EMAIL \na@x.org,Ann,Ops,b@x.org\n",
		   "roster.csv:1: duplicate column 'EMAIL' " EXPECTED);
}

static void test_header_unknown_column(void **state)
{
	(void)state;
	EXPECT_BAD("email,name,team,office\na@x.org,Ann,Ops,Berlin\n",
		   "roster.csv:1: unknown column 'office' " EXPECTED);
	EXPECT_BAD("email,name,team,\na@x.org,Ann,Ops,\n",
		   "roster.csv:1: column 4 has no name " EXPECTED);
}

static void test_header_empty(void **state)
{
	(void)state;
	EXPECT_BAD("", "roster.csv: file is empty " EXPECTED);
	EXPECT_BAD("\xEF\xBB\xBF\n\n", "roster.csv: file is empty " EXPECTED);
	EXPECT_BAD("\n , ,\na@x.org,Ann,Ops\n",
		   "roster.csv:2: header is empty " EXPECTED);
	EXPECT_BAD("email,name,team\n",
		   "roster.csv: no member rows after the header");
	EXPECT_BAD("a@x.org,Ann,Ops\nb@x.org,Bob,Ops\n",
		   "roster.csv:1: first line is not a header: 'a@x.org' is an "
		   "e-mail address " EXPECTED);
}

static void test_field_count(void **state)
{
	(void)state;
	EXPECT_BAD("email,name,team,role\n"
		   "a@x.org,Ann,Ops\n"
		   "b@x.org,Bob,Ops,member,extra\n"
		   "c@x.org,Cy,Ops,member\n",
		   "roster.csv:2: expected 4 fields, found 3",
		   "roster.csv:3: expected 4 fields, found 5");
}

static void test_bad_email(void **state)
{
	(void)state;
	EXPECT_BAD("email,name,team\n"
		   "bob@,Bob,Ops\n"
		   " ,Nobody,Ops\n"
		   "a b@x.org,Ab,Ops\n"
		   "c@-x.org,Cy,Ops\n",
		   "roster.csv:2: email 'bob@' is not a valid address",
		   "roster.csv:3: email is empty",
		   "roster.csv:4: email 'a b@x.org' is not a valid address",
		   "roster.csv:5: email 'c@-x.org' is not a valid address");
}

/* Addresses are RFC 5321/5322 dot-atoms before the '@' (cp_email_valid):
 * no leading, trailing or doubled dot. */
static void test_dot_atom_email(void **state)
{
	(void)state;
	EXPECT_BAD("email,name,team\n"
		   ".lead@example.org,Lead,Ops\n"
		   "a..b@example.org,Ab,Ops\n"
		   "trail.@example.org,Trail,Ops\n"
		   "fine.one@example.org,Fine,Ops\n",
		   "roster.csv:2: email '.lead@example.org' is not a valid "
		   "address",
		   "roster.csv:3: email 'a..b@example.org' is not a valid "
		   "address",
		   "roster.csv:4: email 'trail.@example.org' is not a valid "
		   "address");
}

static void test_bad_name_and_team(void **state)
{
	char text[2048], name[202], team[102], shown[64];
	struct parsed x;

	(void)state;
	memset(name, 'n', 201);
	name[201] = '\0';
	memset(team, 't', 101);
	team[101] = '\0';
	snprintf(text, sizeof(text),
		 "email,name,team\n"
		 "a@x.org,,Ops\n"
		 "b@x.org,Bob,\"  \"\n"
		 "c@x.org,%s,Ops\n"
		 "d@x.org,Di,%s\n",
		 name, team);
	parse(&x, text);
	/* A long value is shown cut short. */
	snprintf(shown, sizeof(shown), "%.57s...", name);
	{
		char want2[256], want3[256];

		snprintf(want2, sizeof(want2),
			 "roster.csv:4: name '%s' is longer than 200 bytes",
			 shown);
		snprintf(shown, sizeof(shown), "%.57s...", team);
		snprintf(want3, sizeof(want3),
			 "roster.csv:5: team '%s' is longer than 100 bytes",
			 shown);
		EXPECT_PROBLEMS(&x, "roster.csv:2: name is empty",
				"roster.csv:3: team is empty", want2, want3);
	}
	assert_string_equal(x.problems.items[0].field, "name");
	assert_string_equal(x.problems.items[1].field, "team");
	parsed_release(&x);
}

static void test_bad_parent_team(void **state)
{
	char text[1024], parent[102], want[256];
	struct parsed x;

	(void)state;
	memset(parent, 'p', 101);
	parent[101] = '\0';
	snprintf(text, sizeof(text),
		 "email,name,team,parent_team\n"
		 "a@x.org,Ann,Ops,Ops\n"
		 "b@x.org,Bob,Ops,%s\n",
		 parent);
	parse(&x, text);
	snprintf(want, sizeof(want),
		 "roster.csv:3: parent_team '%.57s...' is longer than 100 "
		 "bytes",
		 parent);
	EXPECT_PROBLEMS(
	    &x, "roster.csv:2: parent_team 'Ops' is the team itself", want);
	assert_string_equal(x.problems.items[0].field, "parent_team");
	parsed_release(&x);
}

static void test_bad_role(void **state)
{
	(void)state;
	EXPECT_BAD("email,name,team,role\n"
		   "a@x.org,Ann,Ops,boss\n"
		   "b@x.org,Bob,Ops,Leader\n"
		   "c@x.org,Cy,Ops,leaders\n",
		   "roster.csv:2: role 'boss' must be leader or member",
		   "roster.csv:4: role 'leaders' must be leader or member");
}

static void test_repeated_email(void **state)
{
	(void)state;
	EXPECT_BAD("email,name,team\n"
		   "a@x.org,Ann,Ops\n"
		   "b@x.org,Bob,A\n"
		   "A@X.org,Ann again,Ops\n"
		   "c@x.org,Cy,Ops\n"
		   "d@x.org,Di,Ops\n"
		   "\n"
		   "B@x.ORG,Bob,B\n"
		   "a@x.org,Ann thrice,Ops\n",
		   "roster.csv:4: email 'A@X.org' is already on line 2",
		   "roster.csv:8: email 'B@x.ORG' is in two teams ('A' on line "
		   "3 and 'B' on line 8)",
		   "roster.csv:9: email 'a@x.org' is already on line 2");
}

static void test_two_parents(void **state)
{
	(void)state;
	EXPECT_BAD("email,name,team,parent_team\n"
		   "a@x.org,Ann,Ops,Engineering\n"
		   "b@x.org,Bob,Ops,\n"
		   "c@x.org,Cy,Ops,Sales\n"
		   "d@x.org,Di,Ops,Engineering\n",
		   "roster.csv:4: team 'Ops' has two parent teams "
		   "('Engineering' on line 2 and 'Sales' on line 4)");
}

static void test_parent_cycles(void **state)
{
	(void)state;
	EXPECT_BAD("email,name,team,parent_team\n"
		   "a@x.org,Ann,A,B\n"
		   "b@x.org,Bob,B,A\n",
		   "roster.csv:3: parent_team 'A' of team 'B' closes a cycle: "
		   "'B' -> 'A' -> 'B'");
	EXPECT_BAD("email,name,team,parent_team\n"
		   "a@x.org,Ann,A,B\n"
		   "b@x.org,Bob,B,C\n"
		   "d@x.org,Di,D,E\n"
		   "c@x.org,Cy,C,A\n"
		   "e@x.org,Ed,E,F\n",
		   "roster.csv:5: parent_team 'A' of team 'C' closes a cycle: "
		   "'C' -> 'A' -> 'B' -> 'C'");
}

/* A chain and a tree of parents are fine. */
static void test_parent_tree(void **state)
{
	struct parsed x;

	(void)state;
	parse_ok(&x,
		 "email,name,team,parent_team\n"
		 "a@x.org,Ann,Backend,Engineering\n"
		 "b@x.org,Bob,Frontend,Engineering\n"
		 "c@x.org,Cy,Engineering,Company\n"
		 "d@x.org,Di,Company,\n",
		 4);
	parsed_release(&x);
}

static void test_invalid_utf8(void **state)
{
	static const char text[] = "email,name,team\n"
				   "a@x.org,Zo\xEB,Ops\n"
				   "b@x.org,Bob,\xC0\xAF\n"
				   "c@x.org,N\0l,Ops\n";
	struct parsed x;

	(void)state;
	parse_n(&x, text, sizeof(text) - 1);
	EXPECT_PROBLEMS(&x, "roster.csv:2: name is not valid UTF-8",
			"roster.csv:3: team is not valid UTF-8",
			"roster.csv:4: name contains a NUL byte");
	parsed_release(&x);
	/* A bad header name is shown without its bad bytes. */
	EXPECT_BAD("email,name,team,t\xFFm\na@x.org,Ann,Ops,x\n",
		   "roster.csv:1: unknown column 't?m' " EXPECTED);
}

static void test_malformed_csv(void **state)
{
	(void)state;
	/* Reading goes on after a bad line, so later rows are checked. */
	EXPECT_BAD("email,name,team\n"
		   "a@x.org,Ann,Ops\n"
		   "b@x.org,Bob \"B\",Ops\n"
		   "\"c@x.org\"x,Cy,Ops\n"
		   "bob@,Bob,Ops\n",
		   "roster.csv:3: malformed CSV: quote inside unquoted field "
		   "'name' (quote the whole field and double the quotes in it)",
		   "roster.csv:4: malformed CSV: text after the closing quote "
		   "of field 'email' (a quote inside a quoted field is written "
		   "twice)",
		   "roster.csv:5: email 'bob@' is not a valid address");
	EXPECT_BAD(
	    "email,name,team\n"
	    "a@x.org,Ann,Ops\n"
	    "b@x.org,\"Bob,Ops\n"
	    "c@x.org,Cy,Ops\n",
	    "roster.csv:3: malformed CSV: the quote opening field 'name' "
	    "is never closed");
	/* A broken header ends the reading: nothing else can be checked. */
	EXPECT_BAD("email,na\"me,team\nbob@,Bob,Ops\n",
		   "roster.csv:1: malformed CSV: quote inside unquoted field 2 "
		   "(quote the whole field and double the quotes in it)");
}

/* Several bad rows are all listed, in line order, and err names the
 * first. */
static void test_all_problems_listed(void **state)
{
	struct parsed x;
	char line[1024];

	(void)state;
	parse(&x, "email,name,team,parent_team,role\n"
		  "a@x.org,Ann,A,B,member\n"
		  "bad,Bob,Ops,,\n"
		  "c@x.org,,Ops,,chief\n"
		  "A@x.org,Ann,A,,\n"
		  "d@x.org,Di,B,A,leader\n"
		  "e@x.org,Ed,Ops\n");
	EXPECT_PROBLEMS(&x, "roster.csv:3: email 'bad' is not a valid address",
			"roster.csv:4: name is empty",
			"roster.csv:4: role 'chief' must be leader or member",
			"roster.csv:5: email 'A@x.org' is already on line 2",
			"roster.csv:6: parent_team 'A' of team 'B' closes a "
			"cycle: 'B' -> 'A' -> 'B'",
			"roster.csv:7: expected 5 fields, found 3");
	assert_string_equal(x.problems.items[2].field, "role");
	assert_int_equal(x.err.line, 3);
	assert_string_equal(cp_error_format(&x.err, line, sizeof(line)),
			    "roster.csv:3: email 'bad' is not a valid address "
			    "(and 5 more problems)");
	parsed_release(&x);
}

static void test_field_over_cap(void **state)
{
	struct cp_buf b;
	struct parsed x;

	(void)state;
	cp_buf_init(&b, 0);
	assert_int_equal(cp_buf_adds(&b, "email,name,team\na@x.org,\"", NULL),
			 0);
	for (int i = 0; i < 64 * 1024 + 1; i++)
		assert_int_equal(cp_buf_addc(&b, i % 100 ? 'x' : '\n', NULL),
				 0);
	assert_int_equal(cp_buf_adds(&b, "\",Ops\nbob@,Bob,Ops\n", NULL), 0);
	parse_n(&x, b.data, b.len);
	EXPECT_PROBLEMS(&x, "roster.csv:2: name is longer than 65536 bytes",
			"roster.csv:659: email 'bob@' is not a valid address");
	parsed_release(&x);
	cp_buf_release(&b);
}

/* Builds a roster of n rows. */
static void make_roster(struct cp_buf *b, int n)
{
	cp_buf_init(b, 0);
	assert_int_equal(cp_buf_adds(b, "email,name,team\n", NULL), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(cp_buf_printf(b, NULL, "m%d@x.org,M %d,T%d\n",
					       i, i, i % 50),
				 0);
}

static void test_row_cap(void **state)
{
	struct cp_buf b;
	struct parsed x;

	(void)state;
	make_roster(&b, 500000);
	parse_n(&x, b.data, b.len);
	assert_int_equal(x.rc, 0);
	assert_int_equal(x.r->nrows, 500000);
	assert_int_equal(x.r->rows[499999].line, 500001);
	parsed_release(&x);
	cp_buf_release(&b);

	make_roster(&b, 500002);
	parse_n(&x, b.data, b.len);
	EXPECT_PROBLEMS(&x, "roster.csv:500002: roster has more than 500000 "
			    "rows");
	parsed_release(&x);
	cp_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_names_exact),
	    cmocka_unit_test(test_quoted_commas_and_quotes),
	    cmocka_unit_test(test_embedded_newlines),
	    cmocka_unit_test(test_record_starting_with_newline),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_lone_cr),
	    cmocka_unit_test(test_bom),
	    cmocka_unit_test(test_blank_lines),
	    cmocka_unit_test(test_optional_columns),
	    cmocka_unit_test(test_length_limits_pass),
	    cmocka_unit_test(test_null_problems_and_err),
	    cmocka_unit_test(test_header_missing_column),
	    cmocka_unit_test(test_header_duplicate_column),
	    cmocka_unit_test(test_header_unknown_column),
	    cmocka_unit_test(test_header_empty),
	    cmocka_unit_test(test_field_count),
	    cmocka_unit_test(test_bad_email),
	    cmocka_unit_test(test_dot_atom_email),
	    cmocka_unit_test(test_bad_name_and_team),
	    cmocka_unit_test(test_bad_parent_team),
	    cmocka_unit_test(test_bad_role),
	    cmocka_unit_test(test_repeated_email),
	    cmocka_unit_test(test_two_parents),
	    cmocka_unit_test(test_parent_cycles),
	    cmocka_unit_test(test_parent_tree),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_malformed_csv),
	    cmocka_unit_test(test_all_problems_listed),
	    cmocka_unit_test(test_field_over_cap),
	    cmocka_unit_test(test_row_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
