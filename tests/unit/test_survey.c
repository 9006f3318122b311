/*
 * test_survey.c - survey definitions (core/survey.c, survey_store.c): the
 * built-in surveys, lookups, the content hash that pins a wave to one exact
 * text, JSON errors with a position, and storing definitions so that a
 * version always names one text.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "store.h"
#include "survey.h"

/*
 * A small valid definition. Its hash was computed outside carepulse:
 * the exact bytes of MINI piped through `sha256sum`.
 */
#define MINI_HEAD                                                              \
	"{\n"                                                                  \
	"  \"id\": \"mini\",\n"                                                \
	"  \"version\": \"1.0\",\n"
#define MINI_TITLE "  \"title\": \"Mini check-in\",\n"
#define MINI_TAIL                                                              \
	"  \"locale\": \"en-GB\",\n"                                           \
	"  \"scale\": {\"min\": 1, \"max\": 5,\n"                              \
	"    \"labels\": [\"never\", \"rarely\", \"sometimes\", \"often\", "   \
	"\"always\"],\n"                                                       \
	"    \"favourable\": [4, 5]},\n"                                       \
	"  \"dimensions\": [\n"                                                \
	"    {\"id\": \"care\", \"group\": \"g\", \"title\": \"Care\", "       \
	"\"description\": \"Caring.\"},\n"                                     \
	"    {\"id\": \"voice\", \"group\": \"g\", \"title\": \"Voice\", "     \
	"\"description\": \"Being heard.\"}\n"                                 \
	"  ],\n"                                                               \
	"  \"items\": [\n"                                                     \
	"    {\"id\": \"care.1\", \"dimension\": \"care\", \"text\": \"My "    \
	"leader cares.\"},\n"                                                  \
	"    {\"id\": \"care.2\", \"dimension\": \"care\", \"text\": \"I am "  \
	"ignored.\", \"reverse\": true},\n"                                    \
	"    {\"id\": \"voice.1\", \"dimension\": \"voice\", \"text\": \"I "   \
	"am heard.\"}\n"                                                       \
	"  ],\n"                                                               \
	"  \"open_questions\": [\n"                                            \
	"    {\"id\": \"would_help\", \"text\": \"What would help?\", "        \
	"\"purpose\": \"would_help\", \"max_length\": 500}\n"                  \
	"  ]\n"                                                                \
	"}\n"

static const char MINI[] = MINI_HEAD MINI_TITLE MINI_TAIL;
static const char MINI_SHA256[] =
    "d28d171c021ff9f774b2cc9e9f655b41855261d7319dd4f7d78b134c8284ca80";

/* The same definition with another title but the same version. */
static const char MINI_RETITLED[] =
    MINI_HEAD "  \"title\": \"Mini check-in, reworded\",\n" MINI_TAIL;

struct fixture {
	struct cp_fixture fx; /* directory and store */
	/* Freed by the teardown, so a failed assertion leaks nothing. */
	struct cp_survey *surveys[4];
};

static int make_store(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	return cp_fixture_setup(&f->fx, "survey", CP_FIXTURE_STORE);
}

static int cleanup(void **state)
{
	struct fixture *f = *state;
	int rc;

	for (size_t i = 0; i < sizeof(f->surveys) / sizeof(f->surveys[0]); i++)
		cp_survey_free(f->surveys[i]);
	rc = cp_fixture_teardown(&f->fx);
	free(f);
	return rc;
}

/* Parses a NUL-terminated text, failing the test with the message. */
static struct cp_survey *parse_ok(const char *name, const char *text)
{
	struct cp_survey *s = NULL;
	struct cp_error err;
	char msg[1024];

	if (cp_survey_parse(&s, name, text, strlen(text), &err))
		fail_msg("%s", cp_error_format(&err, msg, sizeof(msg)));
	assert_non_null(s);
	return s;
}

/* Parses the built-in survey with this id; NULL when there is none. */
static struct cp_survey *builtin(const char *id)
{
	for (size_t i = 0; i < cp_survey_builtin_count(); i++) {
		const char *name, *text;
		struct cp_survey *s = NULL;
		struct cp_error err;
		size_t len;

		text = cp_survey_builtin(i, &len, &name);
		assert_int_equal(cp_survey_parse(&s, name, text, len, &err), 0);
		if (strcmp(s->id, id) == 0)
			return s;
		cp_survey_free(s);
	}
	return NULL;
}

/* ---- texts in several languages ---- */

/* MINI with the same texts in Welsh, an eNPS item and prefer-not-to-say. */
static const char TRANSLATED[] =
    "{\"id\": \"tr\", \"version\": \"1\", \"title\": \"Check-in\","
    " \"locale\": \"en\","
    " \"scale\": {\"min\": 1, \"max\": 5, \"labels\": [\"a\", \"b\", \"c\","
    " \"d\", \"e\"], \"favourable\": [4, 5],"
    " \"prefer_not_to_say\": \"Prefer not to say\"},"
    " \"dimensions\": [{\"id\": \"care\", \"group\": \"g\", \"title\":"
    " \"Care\", \"description\": \"Caring.\"}],"
    " \"items\": [{\"id\": \"care.1\", \"dimension\": \"care\", \"text\":"
    " \"My leader cares.\"},"
    " {\"id\": \"enps\", \"type\": \"enps\", \"text\": \"Recommend?\","
    " \"labels\": [\"Not at all likely\", \"Extremely likely\"],"
    " \"prefer_not_to_say\": false}],"
    " \"open_questions\": [{\"id\": \"help\", \"text\": \"What would"
    " help?\"}],"
    " \"translations\": {\"cy\": {\"needs_review\": true, \"title\":"
    " \"Gwiriad\", \"scale\": {\"labels\": [\"A\", \"B\", \"C\", \"D\","
    " \"E\"], \"prefer_not_to_say\": \"Gwell gennyf beidio"
    " \\u00e2 dweud\"},"
    " \"dimensions\": {\"care\": {\"title\": \"Gofal\", \"description\":"
    " \"Gofalu.\"}},"
    " \"items\": {\"care.1\": \"Mae fy arweinydd yn gofalu.\", \"enps\":"
    " {\"text\": \"Argymell?\", \"labels\": [\"Dim o gwbl\", \"Yn"
    " debygol iawn\"]}},"
    " \"open_questions\": {\"help\": \"Beth fyddai'n helpu?\"}}}}";

static void test_texts_in_languages(void **state)
{
	struct cp_survey *s = NULL;
	struct cp_error err;
	char msg[512];

	(void)state;
	if (cp_survey_parse(&s, "tr.json", TRANSLATED, strlen(TRANSLATED),
			    &err))
		fail_msg("%s", cp_error_format(&err, msg, sizeof(msg)));
	assert_int_equal(s->ntranslations, 1);
	assert_true(s->translations[0].needs_review);
	assert_string_equal(cp_survey_text(s, CP_TEXT_TITLE, 0, "cy"),
			    "Gwiriad");
	/* A region finds its language; an unknown language falls back. */
	assert_string_equal(cp_survey_text(s, CP_TEXT_TITLE, 0, "CY-gb"),
			    "Gwiriad");
	assert_string_equal(cp_survey_text(s, CP_TEXT_TITLE, 0, "de"),
			    "Check-in");
	assert_string_equal(cp_survey_text(s, CP_TEXT_TITLE, 0, NULL),
			    "Check-in");
	assert_string_equal(cp_survey_lang(s, "cy-GB"), "cy");
	assert_string_equal(cp_survey_lang(s, "fr"), "en");
	assert_true(cp_survey_has_lang(s, "en-GB"));
	assert_false(cp_survey_has_lang(s, "fr"));
	assert_string_equal(cp_survey_text(s, CP_TEXT_SCALE_LABEL, 4, "cy"),
			    "E");
	assert_null(cp_survey_text(s, CP_TEXT_SCALE_LABEL, 5, "cy"));
	assert_string_equal(
	    cp_survey_text(s, CP_TEXT_PREFER_NOT_TO_SAY, 0, "cy"),
	    "Gwell gennyf beidio \xc3\xa2 dweud");
	assert_string_equal(
	    cp_survey_text(s, CP_TEXT_DIMENSION_DESCRIPTION, 0, "cy"),
	    "Gofalu.");
	assert_string_equal(cp_survey_text(s, CP_TEXT_ITEM, 1, "cy"),
			    "Argymell?");
	assert_string_equal(cp_survey_text(s, CP_TEXT_ITEM_HIGH, 1, "cy"),
			    "Yn debygol iawn");
	assert_string_equal(cp_survey_text(s, CP_TEXT_ITEM_LOW, 1, "en"),
			    "Not at all likely");
	assert_null(cp_survey_text(s, CP_TEXT_ITEM_LOW, 0, "cy"));
	assert_null(cp_survey_text(s, CP_TEXT_DESCRIPTION, 0, "cy"));
	assert_string_equal(cp_survey_text(s, CP_TEXT_QUESTION, 0, "cy"),
			    "Beth fyddai'n helpu?");
	/* The item types and the option. */
	assert_int_equal(s->items[0].type, CP_ITEM_AGREE);
	assert_true(s->items[0].prefer_not_to_say);
	assert_int_equal(s->items[1].type, CP_ITEM_ENPS);
	assert_false(s->items[1].prefer_not_to_say);
	assert_null(s->items[1].dimension);
	cp_survey_free(s);
}

/* A language that lacks one text is refused, naming it and the language. */
static void test_incomplete_language_refused(void **state)
{
	static const char *const cuts[][3] = {
	    {"\"care.1\": \"Mae fy arweinydd yn gofalu.\", ", "",
	     "translations.cy.items: language 'cy' is missing item 'care.1'"},
	    {"\"help\": \"Beth fyddai'n helpu?\"", "",
	     "language 'cy' is missing open question 'help'"},
	    {"\"title\": \"Gofal\", ", "",
	     "translations.cy.dimensions.care: language 'cy' is missing the "
	     "title"},
	    {", \"prefer_not_to_say\": \"Gwell gennyf beidio \\u00e2 dweud\"",
	     "", "language 'cy' is missing the prefer_not_to_say label"},
	    {"\"Dim o gwbl\", ", "", "language 'cy' is missing the 2 labels"},
	    {"\"translations\": {\"cy\"", "\"translations\": {\"en\"",
	     "'en' is the survey's own locale"},
	    {"\"needs_review\": true", "\"needs_review\": 1",
	     "needs_review must be true or false"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		char text[sizeof(TRANSLATED) + 64], msg[512];
		const char *at = strstr(TRANSLATED, cuts[i][0]);
		struct cp_survey *s = NULL;
		struct cp_error err;

		assert_non_null(at);
		snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - TRANSLATED),
			 TRANSLATED, cuts[i][1], at + strlen(cuts[i][0]));
		assert_int_equal(
		    cp_survey_parse(&s, "tr.json", text, strlen(text), &err),
		    CP_EDATA);
		cp_error_format(&err, msg, sizeof(msg));
		if (strstr(msg, cuts[i][2]) == NULL ||
		    strstr(msg, "tr.json") == NULL)
			fail_msg("case %zu: %s", i, msg);
		assert_null(s);
	}
}

/* Every built-in survey carries every language it ships, all complete
 * (parsing checks completeness) and marked for review. */
static void test_builtin_languages(void **state)
{
	static const char *const langs[] = {"cy", "es", "pl", "ar"};
	size_t n = cp_survey_builtin_count();

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct cp_survey *s = NULL;
		const char *name = NULL, *text;
		struct cp_error err;
		char msg[512];
		size_t len = 0;

		text = cp_survey_builtin(i, &len, &name);
		if (cp_survey_parse(&s, name, text, len, &err))
			fail_msg("%s", cp_error_format(&err, msg, sizeof(msg)));
		for (size_t l = 0; l < 4; l++) {
			const struct cp_translation *t =
			    cp_survey_translation(s, langs[l]);
			if (t == NULL)
				fail_msg("built-in %s has no '%s'", name,
					 langs[l]);
			assert_true(t->needs_review);
			assert_string_not_equal(
			    cp_survey_text(s, CP_TEXT_ITEM, 0, langs[l]),
			    s->items[0].text);
		}
		cp_survey_free(s);
	}
}

/* ---- the built-in surveys ---- */

static void test_builtins_parse(void **state)
{
	size_t n = cp_survey_builtin_count();
	char msg[1024];

	(void)state;
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++) {
		struct cp_survey *s = NULL;
		const char *name = NULL, *text;
		struct cp_error err;
		size_t len = 0;

		text = cp_survey_builtin(i, &len, &name);
		assert_non_null(text);
		assert_non_null(name);
		assert_int_equal(strlen(text), len);
		if (cp_survey_parse(&s, name, text, len, &err))
			fail_msg("built-in %s: %s", name,
				 cp_error_format(&err, msg, sizeof(msg)));
		assert_int_equal(strlen(s->hash), 64);
		assert_memory_equal(s->text, text, len);
		cp_survey_free(s);
	}
	assert_null(cp_survey_builtin(n, NULL, NULL));
}

static const char *const compassion_dims[] = {
    "compassion",    "confidence",  "collaborative", "contemplative",
    "civil",	     "curiosity",   "courage",	     "attending",
    "understanding", "empathising", "helping",
};

static void test_compassionate_leadership(void **state)
{
	struct cp_survey *s = builtin("compassionate-leadership");

	(void)state;
	assert_non_null(s);
	assert_int_equal(s->kind, CP_SURVEY_TEAM);
	assert_int_equal(s->ndims, 11);
	assert_int_equal(s->nitems, 33);
	for (size_t i = 0; i < 11; i++) {
		const struct cp_dimension *d =
		    cp_survey_dimension(s, compassion_dims[i]);
		size_t items = 0;
		if (d == NULL)
			fail_msg("dimension '%s' missing", compassion_dims[i]);
		assert_string_equal(d->group, i < 7 ? "7c" : "behaviour");
		for (size_t k = 0; k < s->nitems; k++)
			if (strcmp(s->items[k].dimension, d->id) == 0) {
				/* dim indexes the item's own dimension */
				assert_ptr_equal(&s->dims[s->items[k].dim], d);
				items++;
			}
		assert_int_equal(items, 3);
	}
	assert_non_null(cp_survey_question(s, "going_well"));
	assert_int_equal(cp_survey_question(s, "going_well")->purpose,
			 CP_PURPOSE_GOING_WELL);
	assert_non_null(cp_survey_question(s, "would_help"));
	assert_int_equal(cp_survey_question(s, "would_help")->purpose,
			 CP_PURPOSE_WOULD_HELP);
	cp_survey_free(s);
}

static void test_compassionate_pulse(void **state)
{
	struct cp_survey *s = builtin("compassionate-pulse");

	(void)state;
	assert_non_null(s);
	assert_int_equal(s->kind, CP_SURVEY_TEAM);
	assert_int_equal(s->nitems, 11);
	assert_int_equal(s->ndims, 11);
	for (size_t i = 0; i < 11; i++)
		assert_non_null(cp_survey_dimension(s, compassion_dims[i]));
	cp_survey_free(s);
}

/* Whether text has a word I, me, my or myself. */
static bool first_person(const char *text)
{
	static const char *const words[] = {"i", "me", "my", "myself"};
	const char *p = text;

	while (*p) {
		char w[16];
		size_t n = 0;
		while (*p && !isalpha((unsigned char)*p))
			p++;
		while (isalpha((unsigned char)*p)) {
			if (n + 1 < sizeof(w))
				w[n++] = (char)tolower((unsigned char)*p);
			p++;
		}
		w[n] = '\0';
		for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if (strcmp(w, words[k]) == 0)
				return true;
	}
	return false;
}

/* A self survey mirrors the team survey it pairs with, statement by
 * statement: same ids, dimensions and reverse scoring (so the same
 * length), phrased in the first person. */
static void mirrors(const char *self_id, const char *team_id)
{
	struct cp_survey *team = builtin(team_id);
	struct cp_survey *self = builtin(self_id);
	size_t k;

	assert_non_null(team);
	assert_non_null(self);
	assert_int_equal(self->kind, CP_SURVEY_SELF);
	for (k = 0; k < self->npairs; k++)
		if (strcmp(self->pairs_with[k], team_id) == 0)
			break;
	assert_true(k < self->npairs);
	assert_int_equal(self->ndims, team->ndims);
	for (size_t d = 0; d < team->ndims; d++)
		assert_string_equal(self->dims[d].id, team->dims[d].id);
	/* Every statement; an eNPS item is the team's alone. */
	k = 0;
	for (size_t i = 0; i < team->nitems; i++)
		k += team->items[i].type == CP_ITEM_AGREE;
	assert_int_equal(self->nitems, k);
	for (size_t i = 0; i < team->nitems; i++) {
		const struct cp_item *t = &team->items[i];
		const struct cp_item *m = cp_survey_item(self, t->id);
		if (t->type == CP_ITEM_ENPS)
			continue;
		if (m == NULL)
			fail_msg("%s lacks item '%s'", self_id, t->id);
		if (m->reverse != t->reverse)
			fail_msg("item '%s' is reversed in one survey only",
				 t->id);
		assert_string_equal(m->dimension, t->dimension);
		/* First person: about me, never "my leader". */
		if (strstr(m->text, "My leader") ||
		    strstr(m->text, "my leader"))
			fail_msg("%s: '%s' is not in the first person", self_id,
				 m->text);
		if (!first_person(m->text))
			fail_msg("%s: '%s' is not in the first person", self_id,
				 m->text);
	}
	cp_survey_free(team);
	cp_survey_free(self);
}

static void test_leader_self_mirrors_team_survey(void **state)
{
	(void)state;
	mirrors("leader-self", "compassionate-leadership");
	mirrors("leader-self-pulse", "compassionate-pulse");
	mirrors("leader-self-pulse", "compassionate-pulse-enps");
}

/* The pulse offers "prefer not to say" on every item; its eNPS variant
 * is the same pulse with one eNPS item more. */
static void test_pulse_options(void **state)
{
	struct cp_survey *p = builtin("compassionate-pulse");
	struct cp_survey *e = builtin("compassionate-pulse-enps");

	(void)state;
	assert_non_null(p);
	assert_non_null(e);
	assert_string_equal(p->prefer_not_to_say, "Prefer not to say");
	for (size_t i = 0; i < p->nitems; i++) {
		assert_true(p->items[i].prefer_not_to_say);
		assert_int_equal(p->items[i].type, CP_ITEM_AGREE);
		assert_string_equal(e->items[i].id, p->items[i].id);
		assert_string_equal(e->items[i].text, p->items[i].text);
	}
	assert_int_equal(e->nitems, p->nitems + 1);
	assert_int_equal(e->items[p->nitems].type, CP_ITEM_ENPS);
	assert_string_equal(
	    e->items[p->nitems].text,
	    "How likely are you to recommend your team as a place to work?");
	assert_true(e->items[p->nitems].prefer_not_to_say);
	cp_survey_free(p);
	cp_survey_free(e);
}

static void test_coaching_surveys_present(void **state)
{
	struct cp_survey *care = builtin("care-checkin");
	struct cp_survey *clear = builtin("clear-session");

	(void)state;
	assert_non_null(care);
	assert_non_null(clear);
	/* CARE and CLEAR: one dimension per letter. */
	assert_int_equal(care->ndims, 4);
	assert_int_equal(clear->ndims, 7);
	assert_int_equal(care->kind, CP_SURVEY_TEAM);
	assert_int_equal(clear->kind, CP_SURVEY_TEAM);
	cp_survey_free(care);
	cp_survey_free(clear);
}

/* ---- parsing ---- */

static void test_lookups(void **state)
{
	struct cp_survey *s = parse_ok("mini.json", MINI);
	const struct cp_item *it;
	const struct cp_question *q;
	const struct cp_dimension *d;

	(void)state;
	assert_string_equal(s->id, "mini");
	assert_string_equal(s->version, "1.0");
	assert_string_equal(s->locale, "en-GB");
	assert_null(s->description);
	assert_int_equal(s->kind, CP_SURVEY_TEAM);
	assert_string_equal(s->scale.labels[0], "never");
	assert_string_equal(s->scale.labels[4], "always");
	assert_false(s->scale.favourable[3]);
	assert_true(s->scale.favourable[4]);
	assert_true(s->scale.favourable[5]);

	it = cp_survey_item(s, "care.2");
	assert_non_null(it);
	assert_string_equal(it->text, "I am ignored.");
	assert_true(it->reverse);
	assert_false(cp_survey_item(s, "care.1")->reverse);
	it = cp_survey_item(s, "voice.1");
	assert_non_null(it);
	assert_string_equal(s->dims[it->dim].id, "voice");
	assert_null(cp_survey_item(s, "voice.2"));
	/* Items and questions are separate namespaces for lookups. */
	assert_null(cp_survey_item(s, "would_help"));
	assert_null(cp_survey_question(s, "care.1"));

	q = cp_survey_question(s, "would_help");
	assert_non_null(q);
	assert_int_equal(q->purpose, CP_PURPOSE_WOULD_HELP);
	assert_int_equal(q->max_length, 500);
	assert_null(cp_survey_question(s, "going_well"));

	d = cp_survey_dimension(s, "care");
	assert_non_null(d);
	assert_string_equal(d->title, "Care");
	assert_null(cp_survey_dimension(s, "courage"));
	cp_survey_free(s);
}

static void test_hash_is_sha256_of_exact_text(void **state)
{
	struct cp_survey *s = parse_ok("mini.json", MINI);
	struct cp_survey *t;
	char *spaced;
	size_t n = strlen(MINI);

	(void)state;
	assert_string_equal(s->hash, MINI_SHA256);
	assert_string_equal(s->text, MINI);

	/* Same JSON meaning, one more byte: another hash. */
	spaced = malloc(n + 2);
	assert_non_null(spaced);
	memcpy(spaced, MINI, n);
	spaced[n] = '\n';
	spaced[n + 1] = '\0';
	t = parse_ok("mini.json", spaced);
	assert_string_not_equal(t->hash, s->hash);
	assert_string_equal(t->text, spaced);
	cp_survey_free(t);
	free(spaced);
	cp_survey_free(s);
}

static void test_syntax_error_has_position(void **state)
{
	/* Line 3 lacks its comma: the error is at "title" on line 4. */
	static const char text[] = "{\n"
				   "  \"id\": \"x\",\n"
				   "  \"version\": \"1\"\n"
				   "  \"title\": \"t\"\n"
				   "}\n";
	struct cp_survey *s = (struct cp_survey *)1;
	struct cp_error err;
	char msg[1024];

	(void)state;
	cp_error_clear(&err);
	assert_int_equal(
	    cp_survey_parse(&s, "broken.json", text, strlen(text), &err),
	    CP_EDATA);
	assert_null(s);
	assert_string_equal(err.file, "broken.json");
	assert_int_equal(err.line, 4);
	/* jansson points into the "title" token (columns 3 to 9). */
	assert_in_range(err.column, 3, 9);
	cp_error_format(&err, msg, sizeof(msg));
	assert_true(strncmp(msg, "broken.json:4:", 14) == 0);

	/* Truncated text: still a position, never 0:0. */
	assert_int_equal(cp_survey_parse(&s, "cut.json", MINI, 40, &err),
			 CP_EDATA);
	assert_true(err.line >= 1);
	assert_true(err.column >= 1);
}

static void test_duplicate_keys_rejected(void **state)
{
	static const char top[] = "{\"id\": \"mini\",\n \"id\": \"other\"}";
	struct cp_survey *s = NULL;
	struct cp_error err;
	char *twice;
	const char *at;
	size_t n;

	(void)state;
	assert_int_equal(
	    cp_survey_parse(&s, "dup.json", top, strlen(top), &err), CP_EDATA);
	assert_null(s);
	assert_non_null(strstr(err.message, "duplicate"));
	assert_int_equal(err.line, 2);

	/* Deep inside, in a valid survey otherwise: "reverse" twice. */
	at = strstr(MINI, "\"reverse\": true");
	assert_non_null(at);
	n = strlen(MINI);
	twice = malloc(n + 32);
	assert_non_null(twice);
	snprintf(twice, n + 32, "%.*s\"reverse\": false, %s", (int)(at - MINI),
		 MINI, at);
	assert_int_equal(
	    cp_survey_parse(&s, "dup.json", twice, strlen(twice), &err),
	    CP_EDATA);
	assert_null(s);
	assert_non_null(strstr(err.message, "duplicate"));
	assert_int_equal(err.line, 15);
	free(twice);
}

/* ---- storing ---- */

static void test_save_fetch_round_trip(void **state)
{
	struct fixture *f = *state;
	struct cp_survey *s = parse_ok("mini.json", MINI), *back = NULL;
	struct cp_survey_row *rows;
	struct cp_error err;
	int64_t ref = 0, again = 0;
	int added = -1;
	size_t n;

	assert_int_equal(cp_survey_save(f->fx.s, s, 0, &ref, &added, &err), 0);
	assert_int_equal(added, 1);
	assert_true(ref > 0);
	assert_int_equal(cp_survey_save(f->fx.s, s, 0, &again, &added, &err),
			 0);
	assert_int_equal(added, 0);
	assert_int_equal(again, ref);

	assert_int_equal(cp_survey_fetch(&back, f->fx.s, "mini", 0, &err), 0);
	assert_non_null(back);
	assert_string_equal(back->text, MINI);
	assert_string_equal(back->hash, MINI_SHA256);
	assert_string_equal(back->title, "Mini check-in");
	assert_int_equal(back->nitems, 3);
	assert_true(cp_survey_item(back, "care.2")->reverse);
	cp_survey_free(back);

	assert_int_equal(cp_survey_fetch(&back, f->fx.s, NULL, ref, &err), 0);
	assert_string_equal(back->hash, MINI_SHA256);
	cp_survey_free(back);

	assert_int_equal(cp_store_survey_list(f->fx.s, &rows, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].survey_id, "mini");
	assert_string_equal(rows[0].version, "1.0");
	assert_string_equal(rows[0].hash, MINI_SHA256);
	assert_int_equal(rows[0].builtin, 0);
	cp_store_survey_rows_free(rows, n);

	back = (struct cp_survey *)1;
	assert_int_equal(cp_survey_fetch(&back, f->fx.s, "nothing", 0, &err),
			 CP_ENOTFOUND);
	assert_null(back);
	cp_survey_free(s);
}

/* The definition text of the newest row of id. */
static char *stored_text(struct cp_store *st, const char *id)
{
	struct cp_error err;
	char *text = NULL;

	assert_int_equal(cp_store_survey_text(st, id, 0, &text, NULL, &err), 0);
	return text;
}

static void test_same_version_other_content_conflicts(void **state)
{
	struct fixture *f = *state;
	struct cp_survey *s = parse_ok("mini.json", MINI);
	struct cp_survey *changed = parse_ok("mini.json", MINI_RETITLED);
	struct cp_survey_row *rows;
	struct cp_error err;
	int64_t ref, ref2 = 0;
	int added = -1;
	size_t n;
	char *text;

	assert_string_equal(changed->version, s->version);
	assert_string_not_equal(changed->hash, s->hash);
	assert_int_equal(cp_survey_save(f->fx.s, s, 0, &ref, &added, &err), 0);
	cp_error_clear(&err);
	added = -1;
	assert_int_equal(
	    cp_survey_save(f->fx.s, changed, 0, &ref2, &added, &err),
	    CP_ECONFLICT);
	assert_int_not_equal(added, 1);
	assert_non_null(strstr(err.message, "'mini'"));
	assert_non_null(strstr(err.message, "version"));

	assert_int_equal(cp_store_survey_list(f->fx.s, &rows, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].hash, MINI_SHA256);
	assert_int_equal(rows[0].ref, ref);
	cp_store_survey_rows_free(rows, n);
	text = stored_text(f->fx.s, "mini");
	assert_string_equal(text, MINI);
	free(text);
	cp_survey_free(changed);
	cp_survey_free(s);
}

/*
 * A version names one text even after a newer version was added: going
 * back to 1.0 with other content must still be refused.
 */
static void test_old_version_other_content_conflicts(void **state)
{
	static const char v2[] = "{\n  \"id\": \"mini\",\n  \"version\": "
				 "\"2.0\",\n" MINI_TITLE MINI_TAIL;
	struct fixture *f = *state;
	struct cp_survey_row *rows;
	struct cp_error err;
	int64_t ref1, ref2, ref;
	int added;
	size_t n;

	f->surveys[0] = parse_ok("mini.json", MINI);
	f->surveys[1] = parse_ok("mini.json", v2);
	f->surveys[2] = parse_ok("mini.json", MINI_RETITLED);
	assert_int_equal(
	    cp_survey_save(f->fx.s, f->surveys[0], 0, &ref1, &added, &err), 0);
	assert_int_equal(
	    cp_survey_save(f->fx.s, f->surveys[1], 0, &ref2, &added, &err), 0);
	assert_int_equal(added, 1);
	added = -1;
	assert_int_equal(
	    cp_survey_save(f->fx.s, f->surveys[2], 0, &ref, &added, &err),
	    CP_ECONFLICT);
	assert_int_not_equal(added, 1);
	/* Nothing was written: 2.0 is still the newest. */
	assert_int_equal(cp_store_survey_list(f->fx.s, &rows, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].ref, ref2);
	assert_string_equal(rows[0].version, "2.0");
	cp_store_survey_rows_free(rows, n);
}

static void test_install_builtins_idempotent(void **state)
{
	struct fixture *f = *state;
	struct cp_survey_row *rows;
	struct cp_error err;
	size_t added = 99, n;

	assert_int_equal(cp_survey_install_builtins(f->fx.s, &added, &err), 0);
	assert_int_equal(added, cp_survey_builtin_count());
	assert_int_equal(cp_survey_install_builtins(f->fx.s, &added, &err), 0);
	assert_int_equal(added, 0);

	assert_int_equal(cp_store_survey_list(f->fx.s, &rows, &n, &err), 0);
	assert_int_equal(n, cp_survey_builtin_count());
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rows[i].builtin, 1);
	cp_store_survey_rows_free(rows, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builtins_parse),
	    cmocka_unit_test(test_texts_in_languages),
	    cmocka_unit_test(test_incomplete_language_refused),
	    cmocka_unit_test(test_builtin_languages),
	    cmocka_unit_test(test_compassionate_leadership),
	    cmocka_unit_test(test_compassionate_pulse),
	    cmocka_unit_test(test_leader_self_mirrors_team_survey),
	    cmocka_unit_test(test_pulse_options),
	    cmocka_unit_test(test_coaching_surveys_present),
	    cmocka_unit_test(test_lookups),
	    cmocka_unit_test(test_hash_is_sha256_of_exact_text),
	    cmocka_unit_test(test_syntax_error_has_position),
	    cmocka_unit_test(test_duplicate_keys_rejected),
	    cmocka_unit_test_setup_teardown(test_save_fetch_round_trip,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(
		test_same_version_other_content_conflicts, make_store, cleanup),
	    cmocka_unit_test_setup_teardown(
		test_old_version_other_content_conflicts, make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_install_builtins_idempotent,
					    make_store, cleanup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
