/*
 * api_json.c - fuzzes the JSON API's decoding of a submission: the body
 * as jansson reads it, each answer through cp_answers_set_value and each
 * comment through cp_answers_set, as api_post in core/form/server.c does
 * (that function is bound to a libmicrohttpd connection, so its steps are
 * repeated here; keep them in step). The first byte picks the built-in
 * survey; the rest is the request body.
 *
 * Oracle: answers that pass the check are on the scale and valid text
 * within their length, and make a response with one answer per item.
 */
#include <jansson.h>

#include "answers_check.h"

static void decode(const struct cp_survey *s, json_t *answers, json_t *comments)
{
	struct cp_answers a;
	struct cp_error err;
	const char *key;
	json_t *value;

	if (cp_answers_init(&a, s, &err))
		return;
	json_object_foreach (answers, key, value) {
		json_int_t v;

		if (!json_is_integer(value))
			continue;
		v = json_integer_value(value);
		if (cp_answers_set_value(&a, key,
					 v > 1000000 ? 1000000 : (long)v,
					 &err) == CP_ENOMEM)
			goto done;
	}
	if (json_is_object(comments))
		json_object_foreach (comments, key, value) {
			if (!json_is_string(value) || cp_survey_item(s, key))
				continue;
			if (cp_answers_set(&a, key, json_string_value(value),
					   json_string_length(value),
					   &err) == CP_ENOMEM)
				goto done;
		}
	if (cp_answers_check(&a) == 0) {
		struct cp_response r = {0};
		struct cp_answer *list = NULL;
		struct cp_comment *texts = NULL;

		fuzz_check_answers(&a);
		if (cp_answers_response(&a, &r, &list, &texts, &err) == 0) {
			FUZZ_CHECK(r.nanswers == s->nitems,
				   "%zu answers to %zu items", r.nanswers,
				   s->nitems);
			free(list);
			free(texts);
		}
	}
done:
	cp_answers_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct cp_survey *s;
	json_error_t jerr;
	json_t *doc, *answers;

	if (size < 1)
		return 0;
	s = fuzz_builtin_survey(data[0]);
	doc = json_loadb((const char *)data + 1, size - 1,
			 JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		return 0;
	answers = json_object_get(doc, "answers");
	if (json_is_object(doc) && json_is_object(answers))
		decode(s, answers, json_object_get(doc, "comments"));
	json_decref(doc);
	return 0;
}
