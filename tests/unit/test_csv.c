/*
 * test_csv.c - the one CSV reader (core/base/csv_reader.c): BOM, CRLF and
 * lone CR, RFC 4180 quoting with line ends inside, the line each record
 * starts on, field flags (too long, NUL, bad UTF-8), malformed records and
 * going on after them, and the caps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "csv_reader.h"

/* Everything one read gave, as text: "LINE: a|b|c" per record, "LINE!
 * message" per error, in order. */
static void read_all(const char *text, size_t len,
		     const struct cp_csv_limits *limits, struct cp_buf *out)
{
	struct cp_csv *r = NULL;
	struct cp_csv_record *rec;
	struct cp_error err;
	int rc;

	cp_buf_init(out, 0);
	assert_int_equal(cp_csv_open(&r, "t.csv", text, len, limits, NULL), 0);
	while ((rc = cp_csv_next(r, &rec, &err)) != 0) {
		if (rc < 0) {
			char m[1024];
			assert_null(rec);
			assert_int_equal(rc, CP_EDATA);
			assert_int_equal(
			    cp_buf_printf(out, NULL, "%s\n",
					  cp_error_format(&err, m, sizeof(m))),
			    0);
			continue;
		}
		assert_int_equal(cp_buf_printf(out, NULL, "%d%s:", rec->line,
					       rec->header ? "h" : ""),
				 0);
		for (size_t i = 0; i < rec->nfields && i < 8; i++) {
			const struct cp_csv_value *v = &rec->field[i];
			assert_int_equal(strlen(v->text) == v->len,
					 !(v->flags & CP_CSV_NUL));
			assert_int_equal(cp_buf_printf(out, NULL, "%s[%s]",
						       i ? "|" : " ", v->text),
					 0);
			if (v->flags)
				assert_int_equal(
				    cp_buf_printf(out, NULL, "#%u", v->flags),
				    0);
		}
		assert_int_equal(cp_buf_addc(out, '\n', NULL), 0);
	}
	/* The end stays the end. */
	assert_int_equal(cp_csv_next(r, &rec, &err), 0);
	assert_null(rec);
	cp_csv_free(r);
}

static const struct cp_csv_limits plain = {.max_fields = 8};
static const struct cp_csv_limits with_header = {.max_fields = 8,
						 .header = true};

#define EXPECT_READ(text, limits, want)                                        \
	do {                                                                   \
		struct cp_buf got_;                                            \
		read_all((text), sizeof(text) - 1, (limits), &got_);           \
		assert_string_equal(cp_buf_str(&got_), (want));                \
		cp_buf_release(&got_);                                         \
	} while (0)

static void test_plain_and_bom(void **state)
{
	(void)state;
	EXPECT_READ("a,b\n1,2\n", &plain, "1: [a]|[b]\n2: [1]|[2]\n");
	EXPECT_READ("\xEF\xBB\xBF"
		    "a,b\n1,2",
		    &with_header, "1h: [a]|[b]\n2: [1]|[2]\n");
	/* Only a leading BOM is skipped. */
	EXPECT_READ("a\n\xEF\xBB\xBFx\n", &plain,
		    "1: [a]\n2: [\xEF\xBB\xBFx]\n");
	EXPECT_READ("", &plain, "");
	EXPECT_READ("\xEF\xBB\xBF\n\n", &plain, "");
}

static void test_line_ends(void **state)
{
	(void)state;
	EXPECT_READ("a,b\r\n\r\n1,2\r\n3,4", &plain,
		    "1: [a]|[b]\n3: [1]|[2]\n4: [3]|[4]\n");
	/* Lone CRs are line ends too; blank and white-space lines skipped. */
	EXPECT_READ("a\r1\r  \n\t\n2\n", &plain, "1: [a]\n2: [1]\n5: [2]\n");
}

static void test_quotes(void **state)
{
	(void)state;
	EXPECT_READ("\"Smith, Ann \"\"A\"\"\",  x  ,\" y \"\n", &plain,
		    "1: [Smith, Ann \"A\"]|[x]|[ y ]\n");
	/* Line ends inside quotes are kept, and counted for the next. */
	EXPECT_READ("a,\"one\ntwo\"\nb,\"x\r\n\r\ny\"\nc,z\n", &plain,
		    "1: [a]|[one\ntwo]\n3: [b]|[x\r\n\r\ny]\n6: [c]|[z]\n");
	/* A record that starts with a quoted line end starts on its line. */
	EXPECT_READ("h\n\"\nx\",y\nz\n", &plain,
		    "1: [h]\n2: [\nx]|[y]\n4: [z]\n");
	/* Empty fields. */
	EXPECT_READ(",\"\",\n", &plain, "1: []|[]|[]\n");
}

static void test_malformed(void **state)
{
	(void)state;
	/* Reading goes on at the next line; fields are named by the header. */
	EXPECT_READ(
	    "email,name\n"
	    "a,b \"c\"\n"
	    "\"a\"x,b\n"
	    "ok,1\n",
	    &with_header,
	    "1h: [email]|[name]\n"
	    "t.csv:2: malformed CSV: quote inside unquoted field 'name' "
	    "(quote the whole field and double the quotes in it)\n"
	    "t.csv:3: malformed CSV: text after the closing quote of "
	    "field 'email' (a quote inside a quoted field is written "
	    "twice)\n"
	    "4: [ok]|[1]\n");
	/* Without a header, by position. */
	EXPECT_READ("a,b\"\n", &plain,
		    "t.csv:1: malformed CSV: quote inside unquoted field 2 "
		    "(quote the whole field and double the quotes in it)\n");
	/* An unterminated quote runs to the end; named where it starts. */
	EXPECT_READ("x,y\n1,2\n3,\"4\n5,6\n", &with_header,
		    "1h: [x]|[y]\n2: [1]|[2]\n"
		    "t.csv:3: malformed CSV: the quote opening field 'y' is "
		    "never closed\n");
}

static void test_flags(void **state)
{
	static const char text[] = "a,Zo\xEB,\xC0\xAF\nN\0l,ok\n";

	(void)state;
	EXPECT_READ(text, &plain,
		    "1: [a]|[Zo\xEB]#4|[\xC0\xAF]#4\n2: [N]#2|[ok]\n");
}

static void test_field_cap(void **state)
{
	struct cp_csv_limits lim = {.max_fields = 8, .max_field = 4};
	struct cp_csv *r;
	struct cp_csv_record *rec;
	char m[128];

	(void)state;
	EXPECT_READ("abcd,abcde,\"ab\nc\",\"ab\ncd\"\nx\n", &lim,
		    "1: [abcd]|[]#1|[ab\nc]|[]#1\n4: [x]\n");
	assert_int_equal(cp_csv_open(&r, "t.csv", "abcde", 5, &lim, NULL), 0);
	assert_int_equal(cp_csv_next(r, &rec, NULL), 1);
	assert_string_equal(
	    cp_csv_problem(r, &rec->field[0], "team", m, sizeof(m)),
	    "team is longer than 4 bytes");
	cp_csv_free(r);
}

/* Fields past max_fields are counted, not kept. */
static void test_fields_cap(void **state)
{
	struct cp_csv_limits lim = {.max_fields = 2};
	struct cp_csv *r;
	struct cp_csv_record *rec;

	(void)state;
	assert_int_equal(cp_csv_open(&r, "t.csv", "a,b,c,d\n", 8, &lim, NULL),
			 0);
	assert_int_equal(cp_csv_next(r, &rec, NULL), 1);
	assert_int_equal(rec->nfields, 4);
	assert_string_equal(rec->field[1].text, "b");
	cp_csv_free(r);
}

/* More records than max_records is an error naming the line, then the
 * end: never a silent stop. */
static void test_row_cap(void **state)
{
	struct cp_csv_limits lim = {
	    .max_fields = 4, .max_records = 2, .header = true, .roster = true};

	(void)state;
	EXPECT_READ("h\n1\n\n2\n", &lim, "1h: [h]\n2: [1]\n4: [2]\n");
	EXPECT_READ("h\n1\n\n2\n3\n4\n", &lim,
		    "1h: [h]\n2: [1]\n4: [2]\n"
		    "t.csv:5: roster has more than 2 rows\n");
	/* A malformed record counts too. */
	lim.roster = false;
	EXPECT_READ("h\n1\n\"x\"y\n3\n", &lim,
		    "1h: [h]\n2: [1]\nt.csv:3: malformed CSV: text after the "
		    "closing quote of field 'h' (a quote inside a quoted field "
		    "is written twice)\nt.csv:4: file has more than 2 rows\n");
}

/* A big file with long records reads right, and the buffer is reused. */
static void test_many_records(void **state)
{
	struct cp_csv_limits lim = {.max_fields = 4, .header = true};
	struct cp_buf b;
	struct cp_csv *r;
	struct cp_csv_record *rec;
	int n = 0;

	(void)state;
	cp_buf_init(&b, 0);
	assert_int_equal(cp_buf_adds(&b, "a,b,c\n", NULL), 0);
	for (int i = 0; i < 20000; i++)
		assert_int_equal(
		    cp_buf_printf(&b, NULL, "%d,\"%*d\",x\n", i, i % 300, i),
		    0);
	assert_int_equal(cp_csv_open(&r, "t.csv", b.data, b.len, &lim, NULL),
			 0);
	assert_int_equal(cp_csv_next(r, &rec, NULL), 1);
	while (cp_csv_next(r, &rec, NULL) == 1) {
		char want[16];
		snprintf(want, sizeof(want), "%d", n);
		assert_string_equal(rec->field[0].text, want);
		assert_int_equal(rec->line, n + 2);
		assert_int_equal(rec->nfields, 3);
		n++;
	}
	assert_int_equal(n, 20000);
	cp_csv_free(r);
	cp_buf_release(&b);
	cp_csv_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_and_bom),
	    cmocka_unit_test(test_line_ends),
	    cmocka_unit_test(test_quotes),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_field_cap),
	    cmocka_unit_test(test_fields_cap),
	    cmocka_unit_test(test_row_cap),
	    cmocka_unit_test(test_many_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
