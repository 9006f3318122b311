/*
 * test_answers.c - one person's answers checked against a survey
 * (core/answers.c) and the form page built from them (core/form.c):
 * values on the scale, missing and repeated fields, comment length in
 * characters and UTF-8, CRLF, and escaping of everything shown back;
 * the JSON decoder that the JSON API and the JSON import share.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
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
	/* The page in its own language (English: none was chosen), the
	 * survey's texts marked with theirs. */
	assert_non_null(strstr(html, "<html lang=\"en\" dir=\"ltr\">"));
	assert_non_null(strstr(html, "<h1 lang=\"de\">"));
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
	/* Ids from the statement's number: a survey id may hold a dot. */
	assert_non_null(strstr(html, "id=\"s1\" class=\"bad\""));
	assert_non_null(strstr(html, "href=\"#s1\""));
	assert_non_null(strstr(html, "value=\"2\" checked"));
	assert_non_null(strstr(cp_form_csp(), "default-src 'none'"));
	cp_buf_release(&b);
	cp_answers_release(&a);
	cp_survey_free(s);
}

/* Whom the form is about, escaped: the team and its leaders (one, several
 * or none), or for a self-assessment the leader's own leadership; and the
 * thank-you page's closing date. */
static void test_form_about(void **state)
{
	struct cp_survey *s = load();
	struct cp_wave w = {0};
	struct cp_form f = {0};
	struct cp_buf b;

	(void)state;
	assert_non_null(s);
	w.status = CP_WAVE_OPEN;
	w.closes_at = 1767225600; /* 2026-01-01 00:00 UTC */
	f.survey = s;
	f.wave = &w;
	f.threshold = 5;
	f.comment_threshold = 10;
	f.team = "R&D";
	f.leaders = "Ann\nBo <x>\nCy";
	cp_buf_init(&b, 0);
	assert_int_equal(cp_form_render(&b, &f, NULL), 0);
	assert_non_null(strstr(cp_buf_str(&b),
			       "about <strong><bdi>R&amp;D</bdi></strong> and "
			       "how its leaders, <strong><bdi>Ann</bdi>"
			       "</strong>, <strong><bdi>Bo &lt;x&gt;</bdi>"
			       "</strong> and <strong><bdi>Cy</bdi></strong>, "
			       "lead it"));
	cp_buf_reset(&b);
	f.leaders = "Ann";
	assert_int_equal(cp_form_render(&b, &f, NULL), 0);
	assert_non_null(strstr(
	    cp_buf_str(&b),
	    "and how its leader, <strong><bdi>Ann</bdi></strong>, leads"));
	cp_buf_reset(&b);
	f.leaders = NULL;
	assert_int_equal(cp_form_render(&b, &f, NULL), 0);
	assert_non_null(
	    strstr(cp_buf_str(&b), "</bdi></strong> and how it is led."));
	cp_buf_reset(&b);
	f.self = 1;
	assert_int_equal(cp_form_render(&b, &f, NULL), 0);
	assert_non_null(strstr(
	    cp_buf_str(&b),
	    "your own leadership of <strong><bdi>R&amp;D</bdi></strong>"));
	assert_null(strstr(cp_buf_str(&b), "7 C"));
	cp_buf_reset(&b);
	assert_int_equal(cp_form_thanks(&b, NULL, &w, NULL), 0);
	assert_non_null(strstr(cp_buf_str(&b), "<h1>Thank you</h1>"));
	assert_non_null(strstr(cp_buf_str(&b), "1 January 2026, 00:00 UTC"));
	cp_buf_release(&b);
	cp_survey_free(s);
}

/* ---- the JSON decoder (cp_answers_decode_json) ---- */

/* Collects "field: message" lines. */
static void collect(void *arg, const char *field, const char *message)
{
	assert_int_equal(cp_buf_printf(arg, NULL, "%s: %s\n", field, message),
			 0);
}

/* Decodes {"answers": ..., "comments": ...} given as JSON text into a and
 * returns the problems reported, one a line, in got (release it). */
static void decode(struct cp_answers *a, const char *json, struct cp_buf *got)
{
	json_error_t jerr;
	json_t *doc = json_loads(json, 0, &jerr);

	if (doc == NULL)
		fail_msg("bad test JSON: %s", jerr.text);
	cp_buf_init(got, 0);
	cp_answers_reset(a);
	assert_int_equal(
	    cp_answers_decode_json(a, json_object_get(doc, "answers"),
				   json_object_get(doc, "comments"), collect,
				   got, NULL),
	    0);
	json_decref(doc);
}

#define EXPECT_DECODE(a, json, want)                                           \
	do {                                                                   \
		struct cp_buf got_;                                            \
		decode((a), (json), &got_);                                    \
		assert_string_equal(cp_buf_str(&got_), (want));                \
		cp_buf_release(&got_);                                         \
	} while (0)

static void test_json_good(void **state)
{
	struct cp_survey *s = load();
	struct cp_answers a;

	(void)state;
	assert_non_null(s);
	assert_int_equal(cp_answers_init(&a, s, NULL), 0);
	EXPECT_DECODE(&a,
		      "{\"answers\": {\"i1\": 4, \"i2\": 1},"
		      " \"comments\": {\"q\": \"ab\\r\\nc\"}}",
		      "");
	assert_int_equal(cp_answers_check(&a), 0);
	assert_int_equal(a.values[0], 4);
	assert_int_equal(a.values[1], 1);
	assert_string_equal(a.texts[0], "ab\nc");
	cp_answers_release(&a);
	cp_survey_free(s);
}

/*
 * A null comment is no comment, whether the question or the whole
 * comments object is null (the API took a null object, the import a null
 * question: now both take both).
 */
static void test_json_null_comment(void **state)
{
	struct cp_survey *s = load();
	struct cp_answers a;

	(void)state;
	assert_non_null(s);
	assert_int_equal(cp_answers_init(&a, s, NULL), 0);
	EXPECT_DECODE(&a,
		      "{\"answers\": {\"i1\": 4, \"i2\": 1},"
		      " \"comments\": {\"q\": null}}",
		      "");
	assert_int_equal(cp_answers_check(&a), 0);
	assert_null(a.texts[0]);
	EXPECT_DECODE(&a,
		      "{\"answers\": {\"i1\": 4, \"i2\": 1},"
		      " \"comments\": null}",
		      "");
	assert_int_equal(cp_answers_check(&a), 0);
	EXPECT_DECODE(&a, "{\"answers\": {\"i1\": 4, \"i2\": 1}}", "");
	assert_int_equal(cp_answers_check(&a), 0);
	cp_answers_release(&a);
	cp_survey_free(s);
}

/*
 * Values off the scale are kept as given, never clamped (the API cut them
 * at 1000000, the import made -2000000 into 1000000), and marked off the
 * scale by the check, as on the form.
 */
static void test_json_off_scale(void **state)
{
	struct cp_survey *s = load();
	struct cp_answers a;

	(void)state;
	assert_non_null(s);
	assert_int_equal(cp_answers_init(&a, s, NULL), 0);
	EXPECT_DECODE(&a, "{\"answers\": {\"i1\": 0, \"i2\": 6}}", "");
	assert_int_equal(cp_answers_check(&a), 2);
	assert_int_equal(a.item_problem[0], CP_FIELD_OFF_SCALE);
	assert_string_equal(a.raw[0], "0");
	assert_string_equal(a.raw[1], "6");
	EXPECT_DECODE(&a,
		      "{\"answers\": {\"i1\": -2000000,"
		      " \"i2\": 9223372036854775807}}",
		      "");
	assert_int_equal(cp_answers_check(&a), 2);
	assert_string_equal(a.raw[0], "-2000000");
	assert_string_equal(a.raw[1], "9223372036854775807");
	cp_answers_release(&a);
	cp_survey_free(s);
}

/* Every refusal, named by field, for both callers to say their way. */
static void test_json_refused(void **state)
{
	struct cp_survey *s = load();
	struct cp_answers a;
	char json[512], want[256];

	(void)state;
	assert_non_null(s);
	assert_int_equal(cp_answers_init(&a, s, NULL), 0);
	EXPECT_DECODE(
	    &a,
	    "{\"answers\": {\"i1\": \"4\", \"i2\": 4.0, \"nope\": 3},"
	    " \"comments\": {\"q\": 5, \"i1\": \"x\", \"zz\": \"y\"}}",
	    "answers.i1: expected a whole number on the scale\n"
	    "answers.i2: expected a whole number on the scale\n"
	    "answers.nope: not an item of survey 't'\n"
	    "comments.q: expected text or null\n"
	    "comments.i1: an item, not an open question\n"
	    "comments.zz: not an open question of survey 't'\n");
	EXPECT_DECODE(&a, "{\"answers\": [], \"comments\": \"x\"}",
		      "answers: expected an object\n"
		      "comments: expected an object\n");
	EXPECT_DECODE(&a, "{}", "answers: expected an object\n");
	/* A long id is cut at a character boundary, never inside one. */
	snprintf(json, sizeof(json), "{\"answers\": {\"%099d\u00e9x\": 1}}", 0);
	snprintf(want, sizeof(want),
		 "answers.%099d: not an item of survey 't'\n", 0);
	EXPECT_DECODE(&a, json, want);
	cp_answers_release(&a);
	cp_survey_free(s);
}

/* The comment's length comes from the survey (max_length 5 here), in
 * characters, for both callers. */
static void test_json_comment_length(void **state)
{
	struct cp_survey *s = load();
	struct cp_answers a;

	(void)state;
	assert_non_null(s);
	assert_int_equal(cp_answers_init(&a, s, NULL), 0);
	EXPECT_DECODE(
	    &a,
	    "{\"answers\": {\"i1\": 4, \"i2\": 1},"
	    " \"comments\": {\"q\": \"\u00e9\u00e9\u00e9\u00e9\u00e9\"}}",
	    "");
	assert_int_equal(cp_answers_check(&a), 0);
	EXPECT_DECODE(&a,
		      "{\"answers\": {\"i1\": 4, \"i2\": 1},"
		      " \"comments\": {\"q\": \"abcdef\"}}",
		      "");
	assert_int_equal(cp_answers_check(&a), 1);
	assert_int_equal(a.question_problem[0], CP_FIELD_TOO_LONG);
	cp_answers_release(&a);
	cp_survey_free(s);
}

/* ---- prefer not to say and eNPS ---- */

/* i1 offers "prefer not to say" (the scale's label), i2 not; e is eNPS. */
static const char options[] =
    "{\"id\": \"o\", \"version\": \"1\", \"title\": \"O\", \"locale\": \"en\","
    " \"scale\": {\"min\": 1, \"max\": 5, \"labels\": [\"a\", \"b\", \"c\","
    " \"d\", \"e\"], \"favourable\": [4, 5], \"prefer_not_to_say\":"
    " \"Rather not <say>\"},"
    " \"dimensions\": [{\"id\": \"d\", \"group\": \"g\", \"title\": \"D\","
    " \"description\": \"x\"}],"
    " \"items\": [{\"id\": \"i1\", \"dimension\": \"d\", \"text\": \"one\"},"
    " {\"id\": \"i2\", \"dimension\": \"d\", \"text\": \"two\","
    " \"prefer_not_to_say\": false},"
    " {\"id\": \"e\", \"type\": \"enps\", \"text\": \"Recommend?\","
    " \"labels\": [\"Not at all likely\", \"Extremely likely\"]}]}";

static void test_declined_and_enps(void **state)
{
	struct cp_survey *s = NULL;
	struct cp_answers a;
	struct cp_error err;
	struct cp_wave w = {0};
	struct cp_form f = {0};
	struct cp_buf b;
	const char *html;

	(void)state;
	assert_int_equal(
	    cp_survey_parse(&s, "o.json", options, strlen(options), &err), 0);
	assert_int_equal(cp_answers_init(&a, s, NULL), 0);
	/* The token where offered; 0 and 10 for eNPS. */
	assert_int_equal(
	    cp_answers_set(&a, "i1", "prefer_not_to_say", 17, NULL), 0);
	assert_int_equal(cp_answers_set(&a, "i2", "3", 1, NULL), 0);
	assert_int_equal(cp_answers_set(&a, "e", "0", 1, NULL), 0);
	assert_int_equal(cp_answers_check(&a), 0);
	assert_int_equal(a.values[0], CP_ANSWER_DECLINED);
	assert_int_equal(a.values[2], 0);
	assert_true(a.given[2]);
	cp_answers_reset(&a);
	assert_int_equal(cp_answers_set_value(&a, "e", 10, NULL), 0);
	assert_int_equal(
	    cp_answers_set_value(&a, "i1", CP_ANSWER_DECLINED, NULL), 0);
	/* Not offered by i2: off the scale; 11 is not eNPS, 0 not 1-5. */
	assert_int_equal(
	    cp_answers_set(&a, "i2", "prefer_not_to_say", 17, NULL), 0);
	assert_int_equal(cp_answers_check(&a), 1);
	assert_int_equal(a.item_problem[1], CP_FIELD_OFF_SCALE);
	cp_answers_reset(&a);
	cp_answers_set(&a, "i1", "0", 1, NULL);
	cp_answers_set(&a, "i2", "6", 1, NULL);
	cp_answers_set(&a, "e", "11", 2, NULL);
	assert_int_equal(cp_answers_check(&a), 3);
	/* JSON: the token as a string. */
	EXPECT_DECODE(&a,
		      "{\"answers\": {\"i1\": \"prefer_not_to_say\", \"i2\": 2,"
		      " \"e\": 7}}",
		      "");
	assert_int_equal(cp_answers_check(&a), 0);
	assert_int_equal(a.values[0], CP_ANSWER_DECLINED);
	assert_int_equal(a.values[2], 7);
	/* The form: the option as one more radio button, checked when
	 * chosen; eNPS 0 to 10 with the words at both ends. */
	w.status = CP_WAVE_OPEN;
	f.survey = s;
	f.wave = &w;
	f.threshold = 5;
	f.comment_threshold = 5;
	f.entered = &a;
	cp_buf_init(&b, 0);
	assert_int_equal(cp_form_render(&b, &f, NULL), 0);
	html = cp_buf_str(&b);
	assert_non_null(strstr(html, "name=\"i1\" value=\"prefer_not_to_say\""
				     " checked><span>Rather not &lt;say&gt;"));
	assert_null(strstr(html, "name=\"i2\" value=\"prefer_not_to_say\""));
	assert_non_null(strstr(html, "name=\"e\" value=\"0\"><span>0</span>"
				     "<span class=\"sr\">, Not at all "
				     "likely</span>"));
	assert_non_null(strstr(
	    html, "name=\"e\" value=\"7\" checked><span>7</span></label>"));
	assert_non_null(strstr(html, "name=\"e\" value=\"10\"><span>10</span>"
				     "<span class=\"sr\">, Extremely "
				     "likely</span>"));
	/* The ends' words under an eNPS row are its own. */
	assert_non_null(strstr(html, "<span>Not at all likely</span><span>"
				     "Extremely likely</span>"));
	assert_non_null(strstr(html, "name=\"e\" value=\"prefer_not_to_say\""));
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
	    cmocka_unit_test(test_form_about),
	    cmocka_unit_test(test_json_good),
	    cmocka_unit_test(test_declined_and_enps),
	    cmocka_unit_test(test_json_null_comment),
	    cmocka_unit_test(test_json_off_scale),
	    cmocka_unit_test(test_json_refused),
	    cmocka_unit_test(test_json_comment_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
