/*
 * answers_check.h - shared by the form POST and JSON API harnesses: a
 * built-in survey chosen by the input's first byte, and the oracle for a
 * set of answers the check passed.
 */
#ifndef CP_FUZZ_ANSWERS_CHECK_H
#define CP_FUZZ_ANSWERS_CHECK_H

#include <string.h>

#include "answers.h"
#include "fuzz.h"
#include "survey.h"
#include "text.h"

/* The built-in survey number pick (modulo their count), parsed once. */
static inline const struct cp_survey *fuzz_builtin_survey(unsigned pick)
{
	static struct cp_survey *parsed[16];
	size_t n = cp_survey_builtin_count(), len;
	const char *name, *text;
	struct cp_error err;

	FUZZ_CHECK(n > 0 && n <= 16, "%zu built-in surveys", n);
	pick %= (unsigned)n;
	if (parsed[pick] == NULL) {
		text = cp_survey_builtin(pick, &len, &name);
		FUZZ_CHECK(
		    cp_survey_parse(&parsed[pick], name, text, len, &err) == 0,
		    "built-in %s: %s", name, err.message);
	}
	return parsed[pick];
}

/* Answers that passed cp_answers_check are what the survey allows. */
static inline void fuzz_check_answers(const struct cp_answers *a)
{
	const struct cp_survey *s = a->survey;

	for (size_t i = 0; i < s->nitems; i++)
		FUZZ_CHECK(a->values[i] >= s->scale.min &&
			       a->values[i] <= s->scale.max,
			   "item %s = %d off the scale", s->items[i].id,
			   a->values[i]);
	for (size_t q = 0; q < s->nquestions; q++) {
		const char *t = a->texts[q];

		if (t == NULL)
			continue;
		FUZZ_CHECK(cp_utf8_valid(t, strlen(t)), "question %s not UTF-8",
			   s->questions[q].id);
		FUZZ_CHECK(s->questions[q].max_length <= 0 ||
			       cp_utf8_length(t) <=
				   (size_t)s->questions[q].max_length,
			   "question %s longer than %d", s->questions[q].id,
			   s->questions[q].max_length);
	}
}

#endif
