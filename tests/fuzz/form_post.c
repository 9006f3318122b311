/*
 * form_post.c - fuzzes a form submission as the form server reads it: the
 * real parse_form of core/form/server.c (static, so the file is included
 * here) into cp_answers_set, the check, and the form shown again with its
 * problems, or the response made from valid answers. The first byte picks
 * the built-in survey; the rest is the x-www-form-urlencoded body.
 *
 * Oracles: answers that pass the check are on the scale and valid text
 * within their length; the page shown again has only the renderer's tags.
 */
#include "answers_check.h"
#include "html_check.h"

/* The real decoder, not a copy: parse_form and url_decode are static. */
#include "server.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct cp_survey *s;
	struct cp_answers a;
	struct cp_error err;
	bool nomem;
	char *body;

	if (size < 1)
		return 0;
	s = fuzz_builtin_survey(data[0]);
	/* The server's body buffer always has room for a terminating NUL. */
	if ((body = malloc(size)) == NULL)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	if (cp_answers_init(&a, s, &err)) {
		free(body);
		return 0;
	}
	if (parse_form(body, size - 1, &a, &nomem)) {
		struct cp_wave w = {.id = 1, .status = CP_WAVE_OPEN};
		struct cp_form f = {.survey = s,
				    .wave = &w,
				    .threshold = 5,
				    .comment_threshold = 5,
				    .entered = &a};
		struct cp_buf page;

		if (cp_answers_check(&a) == 0) {
			struct cp_response r = {0};
			struct cp_answer *answers = NULL;
			struct cp_comment *comments = NULL;

			fuzz_check_answers(&a);
			if (cp_answers_response(&a, &r, &answers, &comments,
						&err) == 0) {
				FUZZ_CHECK(r.nanswers == s->nitems,
					   "%zu answers to %zu items",
					   r.nanswers, s->nitems);
				free(answers);
				free(comments);
			}
		} else {
			cp_buf_init(&page, MAX_PAGE_BYTES);
			if (cp_form_render(&page, &f, &err) == 0)
				fuzz_check_html(cp_buf_str(&page), page.len);
			cp_buf_release(&page);
		}
	}
	cp_answers_release(&a);
	free(body);
	return 0;
}
