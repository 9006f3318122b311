/*
 * test_answers.c - one person's answers checked against a survey
 * (core/answers.c) and the form page built from them (core/form.c):
 * values on the scale, missing and repeated fields, comment length in
 * characters and UTF-8, CRLF, and escaping of everything shown back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "answers.h"
#include "buf.h"
#include "form.h"
#include "survey.h"

static const char definition[] =
    "{\"id\": \"t\", \"version\": \"1\", \"title\": \"T <&> \\\"q\\\"\","
    " \"locale\": \"de\", \"kind\": \"team\","
    " \"scale\": {\"min\": 1, \"max\": 5, \"labels\": [\"a\", \"b\", \"c\","
    " \"d\", \"<e>\"], \"favourable\": [4, 5]},"
    " \"dimensions\": [{\"id\": \"d\", \"group\": \"g\", \"title\": \"D\", "
    "\"description\": \"x\"}],"
    " \"items\": [{\"id\": \"i1\", \"dimension\": \"d\", \"text\": "
    "\"one <script>\"}, {\"id\": \"i2\", \"dimension\": \"d\", \"text\": "
    "\"two\"}],"
    " \"open_questions\": [{\"id\": \"q\", \"text\": \"why?\", "
    "\"purpose\": \"other\", \"max_length\": 5}]}";

static struct cp_survey *load(void)
{
	struct cp_survey *s = NULL;
	struct cp_error err = {0};

	if (cp_survey_parse(&s, "t.json", definition, strlen(definition),
			    &err)) {
		fprintf(stderr, "%s\n", err.message);
		return NULL;
	}
	return s;
}

static void test_complete(void **state)
{
	struct cp_survey *s = load();
	struct cp_answers a;

	(void)state;
	assert_non_null(s);
	assert_int_equal(cp_answers_init(&a, s, NULL), 0);
	assert_int_equal(cp_answers_set(&a, "i1", "4", 1, NULL), 0);
	assert_int_equal(cp_answers_set(&a, "i2", "1", 1, NULL), 0);
	assert_int_equal(cp_answers_set(&a, "q", "ab\r\nc", 5, NULL), 0);
	assert_int_equal(cp_answers_check(&a), 0);
	assert_int_equal(a.values[0], 4);
	assert_string_equal(a.texts[0], "ab\nc"); /* CR LF made LF */
	assert_int_equal(cp_answers_set(&a, "nope", "1", 1, NULL),
			 CP_ENOTFOUND);
	cp_answers_release(&a);
	cp_survey_free(s);
}

static void test_problems(void **state)
{
	struct cp_survey *s = load();
	struct cp_answers a;

	(void)state;
	assert_non_null(s);
	assert_int_equal(cp_answers_init(&a, s, NULL), 0);
	cp_answers_set(&a, "i1", "6", 1, NULL);
	cp_answers_set(&a, "q", "äöüßé!", strlen("äöüßé!"), NULL);
	assert_int_equal(cp_answers_check(&a), 3);
	assert_int_equal(a.item_problem[0], CP_FIELD_OFF_SCALE);
	assert_string_equal(a.raw[0], "6");
	assert_int_equal(a.item_problem[1], CP_FIELD_MISSING);
	assert_int_equal(a.question_problem[0], CP_FIELD_TOO_LONG);

	/* Five characters are within max_length 5 though ten bytes. */
	cp_answers_reset(&a);
	cp_answers_set(&a, "i1", "3", 1, NULL);
	cp_answers_set(&a, "i2", "3", 1, NULL);
	cp_answers_set(&a, "q", "äöüßé", strlen("äöüßé"), NULL);
	assert_int_equal(cp_answers_check(&a), 0);

	/* Invalid UTF-8, a value given twice, a blank comment. */
	cp_answers_reset(&a);
	cp_answers_set(&a, "i1", "3", 1, NULL);
	cp_answers_set(&a, "i1", "4", 1, NULL);
	cp_answers_set(&a, "i2", "", 0, NULL);
	cp_answers_set(&a, "q", "\xC3(", 2, NULL);
	assert_int_equal(cp_answers_check(&a), 3);
	assert_int_equal(a.item_problem[0], CP_FIELD_TWICE);
	assert_int_equal(a.item_problem[1], CP_FIELD_MISSING);
	assert_int_equal(a.question_problem[0], CP_FIELD_BAD_TEXT);
	cp_answers_reset(&a);
	cp_answers_set(&a, "q", " \n ", 3, NULL);
	assert_null(a.texts[0]);
	assert_int_equal(cp_answers_set_value(&a, "i1", 0, NULL), 0);
	assert_int_equal(a.item_problem[0], CP_FIELD_OFF_SCALE);
	cp_answers_release(&a);
	cp_survey_free(s);
}

static void test_form_escapes(void **state)
{
	struct cp_survey *s = load();
	struct cp_wave w = {0};
	struct cp_answers a;
	struct cp_form f = {0};
	struct cp_buf b;
	const char *html;

	(void)state;
	assert_non_null(s);
	cp_answers_init(&a, s, NULL);
	cp_answers_set(&a, "i2", "2", 1, NULL);
	cp_answers_set(&a, "q", "</textarea><b>", 14, NULL);
	cp_answers_check(&a);
	w.status = CP_WAVE_OPEN;
	w.closes_at = 1767225600; /* 2026-01-01 00:00 UTC */
	f.survey = s;
	f.wave = &w;
	f.threshold = 7;
	f.comment_threshold = 12;
	f.entered = &a;
	cp_buf_init(&b, 0);
	assert_int_equal(cp_form_render(&b, &f, NULL), 0);
	html = cp_buf_str(&b);
	assert_non_null(strstr(html, "<html lang=\"de\">"));
	assert_non_null(strstr(html, "T &lt;&amp;&gt; &quot;q&quot;"));
	assert_non_null(strstr(html, "one &lt;script&gt;"));
	assert_non_null(strstr(html, "&lt;e&gt;"));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<b>"));
	assert_non_null(strstr(html, "&lt;/textarea&gt;&lt;b&gt;</textarea>"));
	assert_non_null(strstr(html, "at least 7 people"));
	assert_non_null(strstr(html, "at least 12"));
	assert_non_null(strstr(html, "Thursday  1 January 2026") ||
			strstr(html, "Thursday 1 January 2026"));
	assert_non_null(strstr(html, "id=\"f-i1\" class=\"bad\""));
	assert_non_null(strstr(html, "value=\"2\" checked"));
	assert_non_null(strstr(cp_form_csp(), "default-src 'none'"));
	cp_buf_release(&b);
	cp_answers_release(&a);
	cp_survey_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_complete),
	    cmocka_unit_test(test_problems),
	    cmocka_unit_test(test_form_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
