/*
 * test_text.c - strict UTF-8, e-mail and id checks, HTML and CSV escaping,
 * ASCII case and trimming (core/text.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "text.h"

/* cp_utf8_valid on a NUL-terminated literal. */
static bool utf8(const char *s)
{
	return cp_utf8_valid(s, strlen(s));
}

static void test_utf8_valid_text(void **state)
{
	(void)state;
	assert_true(cp_utf8_valid("", 0));
	assert_true(cp_utf8_valid(NULL, 0));
	assert_true(utf8("plain ASCII, with punctuation!"));
	assert_true(utf8("Zoë Łódź"));
	assert_true(utf8("Ξένια"));
	assert_true(utf8("日本語"));
	assert_true(utf8("\xF0\x9F\x98\x80")); /* U+1F600 */
	assert_true(utf8("\xEF\xBF\xBF"));     /* U+FFFF */
	assert_true(utf8("\xF4\x8F\xBF\xBF")); /* U+10FFFF, the last */
	assert_true(utf8("\xED\x9F\xBF"));     /* U+D7FF, before surrogates */
	assert_true(utf8("\xEE\x80\x80"));     /* U+E000, after them */
	assert_true(cp_utf8_valid("a\0b", 3)); /* U+0000 is a character */
}

static void test_utf8_rejects_overlongs(void **state)
{
	(void)state;
	assert_false(utf8("\xC0\xAF")); /* '/' in two bytes */
	assert_false(utf8("\xC1\xBF"));
	assert_false(utf8("\xE0\x80\xAF"));	    /* '/' in three bytes */
	assert_false(utf8("\xE0\x9F\xBF"));	    /* U+07FF in three bytes */
	assert_false(utf8("\xF0\x80\x80\xAF"));	    /* '/' in four bytes */
	assert_false(utf8("\xF0\x8F\xBF\xBF"));	    /* U+FFFF in four bytes */
	assert_false(cp_utf8_valid("\xC0\x80", 2)); /* "modified UTF-8" NUL */
}

static void test_utf8_rejects_surrogates_and_range(void **state)
{
	(void)state;
	assert_false(utf8("\xED\xA0\x80"));		/* U+D800 */
	assert_false(utf8("\xED\xBF\xBF"));		/* U+DFFF */
	assert_false(utf8("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair */
	assert_false(utf8("\xF4\x90\x80\x80"));		/* U+110000 */
	assert_false(utf8("\xF5\x80\x80\x80"));
	assert_false(utf8("\xFF"));
	assert_false(utf8("\xFE"));
}

static void test_utf8_rejects_broken_sequences(void **state)
{
	(void)state;
	assert_false(utf8("\x80")); /* a lone continuation byte */
	assert_false(utf8("abc\xBF"));
	assert_false(utf8("\xC3")); /* cut short at the end */
	assert_false(utf8("\xE2\x82"));
	assert_false(utf8("\xF0\x9F\x98"));
	assert_false(utf8("\xC3(")); /* not followed by a continuation */
	assert_false(utf8("\xE2\x28\xA1"));
	assert_false(utf8("Zo\xEB")); /* Latin-1, not UTF-8 */
	/* The length counts: a sequence cut by n is not valid. */
	assert_false(cp_utf8_valid("\xC3\xAB", 1));
	assert_true(cp_utf8_valid("\xC3\xAB", 2));
}

static void test_utf8_length(void **state)
{
	(void)state;
	assert_int_equal(cp_utf8_length(""), 0);
	assert_int_equal(cp_utf8_length(NULL), 0);
	assert_int_equal(cp_utf8_length("abc"), 3);
	assert_int_equal(cp_utf8_length("Zoë Łódź"), 8);
	assert_int_equal(cp_utf8_length("Ξένια"), 5);
	assert_int_equal(cp_utf8_length("\xF0\x9F\x98\x80!"), 2);
}

/* Display columns (wcwidth under UTF-8), whatever the caller's locale. */
static void test_text_width(void **state)
{
	(void)state;
	assert_int_equal(cp_text_width(NULL), 0);
	assert_int_equal(cp_text_width(""), 0);
	assert_int_equal(cp_text_width("Ward 4"), 6);
	assert_int_equal(cp_text_width("Zoë Łódź"), 8);
	/* CJK: two columns each ("Nursing" in Chinese, Japanese katakana). */
	assert_int_equal(cp_text_width("护理部"), 6);
	assert_int_equal(cp_text_width("ナース"), 6);
	assert_int_equal(cp_text_width("간호팀 A"), 8);
	/* e + a combining acute: one column, two code points. */
	assert_int_equal(cp_utf8_length("e\xCC\x81"), 2);
	assert_int_equal(cp_text_width("e\xCC\x81"), 1);
	/* Arabic: letters one column, a vowel sign (damma, U+064F) none;
	 * "تُفتح" is five code points but four columns. */
	assert_int_equal(cp_text_width("فريق التمريض"), 12);
	assert_int_equal(cp_utf8_length("تُفتح"), 5);
	assert_int_equal(cp_text_width("تُفتح"), 4);
	/* Malformed bytes and controls count one column each. */
	assert_int_equal(cp_text_width("a\xFF"
				       "b"),
			 3);
	assert_int_equal(cp_text_width("a\tb"), 3);
	/* Padding. */
	assert_int_equal(cp_text_pad("护理部", 10), 4);
	assert_int_equal(cp_text_pad("تُفتح", 6), 2);
	assert_int_equal(cp_text_pad("long text", 4), 0);
}

/* The start of a text within some columns: never half a wide character,
 * never a base letter without its combining mark. */
static void test_text_fit(void **state)
{
	(void)state;
	assert_int_equal(cp_text_fit("abcdef", 3), 3);
	assert_int_equal(cp_text_fit("ab", 5), 2);
	assert_int_equal(cp_text_fit(NULL, 5), 0);
	/* 护 is three bytes and two columns: 3 columns take one of them. */
	assert_int_equal(cp_text_fit("护理部", 3), 3);
	assert_int_equal(cp_text_fit("护理部", 4), 6);
	/* The damma goes with its letter. */
	assert_int_equal(cp_text_fit("تُفتح", 1), 4);
	assert_int_equal(cp_text_fit("e\xCC\x81x", 1), 3);
}

static void test_email_valid(void **state)
{
	(void)state;
	assert_true(cp_email_valid("a@b.c"));
	assert_true(cp_email_valid("bob.smith+pulse@mail.example.org"));
	assert_true(cp_email_valid("o'neil@example.co.uk"));
	assert_true(cp_email_valid("x@a-b.example"));
	assert_true(cp_email_valid("UPPER@EXAMPLE.ORG"));
	assert_true(cp_email_valid("1@2.3"));
}

static void test_email_invalid(void **state)
{
	(void)state;
	assert_false(cp_email_valid(NULL));
	assert_false(cp_email_valid(""));
	assert_false(cp_email_valid("a@b"));	/* no dot in the domain */
	assert_false(cp_email_valid("@b.c"));	/* empty local part */
	assert_false(cp_email_valid("a@-b.c")); /* hyphen at a label's start */
	assert_false(cp_email_valid("a@b-.c")); /* and at its end */
	assert_false(cp_email_valid("a@b.c-"));
	assert_false(cp_email_valid("a b@c.d")); /* a space */
	assert_false(cp_email_valid("a\tb@c.d"));
	assert_false(cp_email_valid("a@b c.d"));
	assert_false(cp_email_valid("a@@b.c")); /* two '@' */
	assert_false(cp_email_valid("a@b@c.d"));
	assert_false(cp_email_valid("a@"));
	assert_false(cp_email_valid("bob@"));
	assert_false(cp_email_valid("abc"));
	assert_false(cp_email_valid("a@.b.c")); /* empty labels */
	assert_false(cp_email_valid("a@b..c"));
	assert_false(cp_email_valid("a@b.c."));
	assert_false(cp_email_valid("a@b_c.d")); /* '_' is not in a label */
	assert_false(cp_email_valid("zoë@example.org")); /* not ASCII */
	assert_false(cp_email_valid("a@exämple.org"));
	assert_false(cp_email_valid("a\x7F@b.c")); /* DEL is not printable */
}

/* An address of n bytes: a 64-byte local part and a domain of labels
 * of 49 letters joined by dots, ending in ".com". */
static void long_address(char *s, size_t n)
{
	size_t i;

	memset(s, 'a', 64);
	s[64] = '@';
	for (i = 65; i < n - 4; i++)
		s[i] = (i - 65) % 50 == 49 ? '.' : 'b';
	if (s[n - 5] == '.')
		s[n - 5] = 'b';
	memcpy(s + n - 4, ".com", 5);
}

/* At most 254 bytes in all, 64 before '@': each limit passes, one more
 * fails. */
static void test_email_length_limit(void **state)
{
	char s[300];

	(void)state;
	long_address(s, 254);
	assert_int_equal(strlen(s), 254);
	assert_true(cp_email_valid(s));
	long_address(s, 255);
	assert_false(cp_email_valid(s));
	memset(s, 'a', 65);
	memcpy(s + 65, "@b.com", 7);
	assert_false(cp_email_valid(s));
	assert_string_equal(cp_email_problem(s),
			    "the part before '@' is longer than 64 bytes");
	memcpy(s + 64, "@b.com", 7);
	assert_true(cp_email_valid(s));
}

/* The local part is an RFC 5321/5322 dot-atom. */
static void test_email_dot_atom(void **state)
{
	(void)state;
	assert_true(cp_email_valid("a.b.c@example.org"));
	assert_true(cp_email_valid("!#$%&'*+-/=?^_`{|}~@example.org"));
	assert_false(cp_email_valid(".lead@example.org"));
	assert_false(cp_email_valid("a..b@example.org"));
	assert_false(cp_email_valid("trail.@example.org"));
	assert_false(cp_email_valid(".@example.org"));
	assert_false(cp_email_valid("\"a b\"@example.org")); /* quoted */
	assert_false(cp_email_valid("a,b@example.org"));
	assert_false(cp_email_valid("a(b)@example.org"));
	assert_false(cp_email_valid("a<b@example.org"));
	assert_false(cp_email_valid("a[b]@example.org"));
	assert_false(cp_email_valid("a;b@example.org"));
	assert_false(cp_email_valid("a:b@example.org"));
	assert_false(cp_email_valid("a\\b@example.org"));
	assert_string_equal(cp_email_problem(".lead@example.org"),
			    "the part before '@' starts with a dot");
	assert_string_equal(cp_email_problem("a..b@example.org"),
			    "the part before '@' has two dots in a row");
	assert_string_equal(cp_email_problem("trail.@example.org"),
			    "the part before '@' ends with a dot");
	assert_null(cp_email_problem("a@example.org"));
}

static void test_id_valid(void **state)
{
	char id[80];

	(void)state;
	assert_true(cp_id_valid("a"));
	assert_true(cp_id_valid("7cs-core"));
	assert_true(cp_id_valid("team_1.b-c"));
	assert_false(cp_id_valid(NULL));
	assert_false(cp_id_valid(""));
	assert_false(cp_id_valid("-a"));
	assert_false(cp_id_valid("_a"));
	assert_false(cp_id_valid(".a"));
	assert_false(cp_id_valid("Abc"));
	assert_false(cp_id_valid("a b"));
	assert_false(cp_id_valid("a/b"));
	assert_false(cp_id_valid("é"));
	memset(id, 'a', sizeof(id));
	id[64] = '\0';
	assert_true(cp_id_valid(id));
	id[64] = 'a';
	id[65] = '\0';
	assert_false(cp_id_valid(id));
}

static void test_html_escape(void **state)
{
	struct cp_buf b;
	struct cp_error err;

	(void)state;
	cp_buf_init(&b, 0);
	assert_int_equal(
	    cp_html_escape(&b, "<a href=\"x\">Tom & Jerry's</a>", &err), 0);
	assert_string_equal(cp_buf_str(&b),
			    "&lt;a href=&quot;x&quot;&gt;Tom &amp; "
			    "Jerry&#39;s&lt;/a&gt;");
	cp_buf_reset(&b);
	assert_int_equal(cp_html_escape(&b, "Zoë Łódź", &err), 0);
	assert_string_equal(cp_buf_str(&b), "Zoë Łódź");
	cp_buf_reset(&b);
	assert_int_equal(cp_html_escape(&b, "&&", &err), 0);
	assert_string_equal(cp_buf_str(&b), "&amp;&amp;");
	cp_buf_reset(&b);
	assert_int_equal(cp_html_escape(&b, "", &err), 0);
	assert_string_equal(cp_buf_str(&b), "");
	cp_buf_release(&b);
}

/* Past the cap, nothing of the escaped text is left in the buffer. */
static void test_html_escape_cap(void **state)
{
	struct cp_buf b;
	struct cp_error err;

	(void)state;
	cp_buf_init(&b, 10);
	assert_int_equal(cp_buf_adds(&b, "ab", &err), 0);
	assert_int_equal(cp_html_escape(&b, "x<y<z", &err), CP_ENOMEM);
	assert_string_equal(cp_buf_str(&b), "ab");
	cp_buf_release(&b);
}

/* Appends s as a CSV field to an empty buffer and returns the text. */
static const char *csv(struct cp_buf *b, const char *s)
{
	cp_buf_reset(b);
	assert_int_equal(cp_csv_field(b, s, NULL), 0);
	return cp_buf_str(b);
}

static void test_csv_field(void **state)
{
	struct cp_buf b;

	(void)state;
	cp_buf_init(&b, 0);
	assert_string_equal(csv(&b, "plain"), "plain");
	assert_string_equal(csv(&b, ""), "");
	assert_string_equal(csv(&b, "Zoë Łódź"), "Zoë Łódź");
	assert_string_equal(csv(&b, "a,b"), "\"a,b\"");
	assert_string_equal(csv(&b, "say \"hi\""), "\"say \"\"hi\"\"\"");
	assert_string_equal(csv(&b, "\""), "\"\"\"\"");
	assert_string_equal(csv(&b, "line\nbreak"), "\"line\nbreak\"");
	assert_string_equal(csv(&b, "cr\rlf"), "\"cr\rlf\"");
	assert_string_equal(csv(&b, " lead"), "\" lead\"");
	assert_string_equal(csv(&b, "trail "), "\"trail \"");
	assert_string_equal(csv(&b, "in side"), "in side");
	/* Formulas are neutralised; plain numbers are numbers. */
	assert_string_equal(csv(&b, "=HYPERLINK(\"http://x\")"),
			    "\"'=HYPERLINK(\"\"http://x\"\")\"");
	assert_string_equal(csv(&b, "=1+1"), "'=1+1");
	assert_string_equal(csv(&b, "+1"), "'+1");
	assert_string_equal(csv(&b, "@SUM(A1:A2)"), "'@SUM(A1:A2)");
	assert_string_equal(csv(&b, "-2+3"), "'-2+3");
	assert_string_equal(csv(&b, "-"), "'-");
	assert_string_equal(csv(&b, "-cmd|' /C calc'!A0"),
			    "'-cmd|' /C calc'!A0");
	assert_string_equal(csv(&b, "\tx"), "\"'\tx\"");
	assert_string_equal(csv(&b, "\rx"), "\"'\rx\"");
	assert_string_equal(csv(&b, "-3"), "-3");
	assert_string_equal(csv(&b, "-0.2500"), "-0.2500");
	assert_string_equal(csv(&b, "-0."), "'-0.");
	assert_string_equal(csv(&b, "-1e5"), "'-1e5");
	assert_string_equal(csv(&b, "a=b"), "a=b");
	cp_buf_release(&b);
}

static void test_ascii_lower(void **state)
{
	char s[] = "MiXeD Case ÄÖ 123";

	(void)state;
	assert_ptr_equal(cp_ascii_lower(s), s);
	assert_string_equal(s, "mixed case ÄÖ 123"); /* non-ASCII unchanged */
	assert_null(cp_ascii_lower(NULL));
}

static void test_trim(void **state)
{
	char a[] = "  \t hello world \r\n";
	char b[] = "   ";
	char c[] = "x";
	char d[] = "";
	char e[] = " Zoë ";

	(void)state;
	assert_ptr_equal(cp_trim(a), a);
	assert_string_equal(a, "hello world");
	assert_string_equal(cp_trim(b), "");
	assert_string_equal(cp_trim(c), "x");
	assert_string_equal(cp_trim(d), "");
	assert_string_equal(cp_trim(e), "Zoë");
	assert_null(cp_trim(NULL));
}

/* cp_url_decode: '+' a space, %XX a byte (either case), a malformed or
 * cut-off % kept as it is, the result terminated. */
static void test_url_decode(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"a+b", "a b"},   {"%41%62c", "Abc"}, {"%e2%9C%93", "\xe2\x9c\x93"},
	    {"100%", "100%"}, {"%4", "%4"},	  {"%zz1", "%zz1"},
	    {"x%2By", "x+y"}, {"", ""},
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t n = strlen(cases[i].in);
		memcpy(buf, cases[i].in, n + 1);
		assert_int_equal(cp_url_decode(buf, n), strlen(cases[i].out));
		assert_string_equal(buf, cases[i].out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_valid_text),
	    cmocka_unit_test(test_utf8_rejects_overlongs),
	    cmocka_unit_test(test_utf8_rejects_surrogates_and_range),
	    cmocka_unit_test(test_utf8_rejects_broken_sequences),
	    cmocka_unit_test(test_utf8_length),
	    cmocka_unit_test(test_text_width),
	    cmocka_unit_test(test_text_fit),
	    cmocka_unit_test(test_email_valid),
	    cmocka_unit_test(test_email_invalid),
	    cmocka_unit_test(test_email_length_limit),
	    cmocka_unit_test(test_email_dot_atom),
	    cmocka_unit_test(test_id_valid),
	    cmocka_unit_test(test_html_escape),
	    cmocka_unit_test(test_html_escape_cap),
	    cmocka_unit_test(test_csv_field),
	    cmocka_unit_test(test_ascii_lower),
	    cmocka_unit_test(test_trim),
	    cmocka_unit_test(test_url_decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
