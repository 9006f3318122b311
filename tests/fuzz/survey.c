/*
 * survey.c - fuzzes the survey definition parser (cp_survey_parse) and,
 * for each definition it accepts, the form rendered from it, the answers
 * prepared for it and a complete response.
 *
 * Oracles: a refused definition has a message; an accepted one renders a
 * page whose tags are all the renderer's own (html_check.h), and a full
 * set of answers on the scale passes the check.
 */
#include <string.h>

#include "answers.h"
#include "form.h"
#include "fuzz.h"
#include "html_check.h"
#include "survey.h"

static void render(const struct cp_survey *s)
{
	struct cp_wave w = {.id = 1,
			    .survey_ref = 1,
			    .status = CP_WAVE_OPEN,
			    .opens_at = 1,
			    .closes_at = 1795000000,
			    .threshold = 5,
			    .comment_threshold = 7};
	struct cp_form f = {.survey = s,
			    .wave = &w,
			    .self = s->kind == CP_SURVEY_SELF,
			    .threshold = 5,
			    .comment_threshold = 7};
	struct cp_answers a;
	struct cp_answer *answers = NULL;
	struct cp_comment *comments = NULL;
	struct cp_response r;
	struct cp_error err;
	struct cp_buf b;

	cp_buf_init(&b, CP_BUF_DEFAULT_MAX);
	if (cp_form_render(&b, &f, &err) == 0)
		fuzz_check_html(cp_buf_str(&b), b.len);
	if (cp_answers_init(&a, s, &err) == 0) {
		for (size_t i = 0; i < s->nitems; i++)
			cp_answers_set_value(&a, s->items[i].id, s->scale.max,
					     &err);
		FUZZ_CHECK(cp_answers_check(&a) == 0,
			   "answers at the top of the scale refused");
		memset(&r, 0, sizeof(r));
		if (cp_answers_response(&a, &r, &answers, &comments, &err) ==
		    0) {
			free(answers);
			free(comments);
		}
		/* The filled-in form again, as shown after a problem. */
		a.item_problem[0] = CP_FIELD_OFF_SCALE;
		a.problems = 1;
		f.entered = &a;
		cp_buf_reset(&b);
		if (cp_form_render(&b, &f, &err) == 0)
			fuzz_check_html(cp_buf_str(&b), b.len);
		cp_answers_release(&a);
	}
	cp_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cp_survey *s = NULL;
	struct cp_error err = {0};

	if (cp_survey_parse(&s, "fuzz.json", (const char *)data, size, &err)) {
		FUZZ_CHECK(err.message[0] != '\0', "refused without a message");
		FUZZ_CHECK(s == NULL, "refused but returned a survey");
		return 0;
	}
	FUZZ_CHECK(s->nitems > 0, "a survey without items accepted");
	render(s);
	cp_survey_free(s);
	return 0;
}
