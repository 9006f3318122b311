/*
 * answers.c - checking one person's answers against a survey.
 */
#include "answers.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "text.h"

int cp_answers_init(struct cp_answers *a, const struct cp_survey *s,
		    struct cp_error *err)
{
	size_t ni = s->nitems ? s->nitems : 1;
	size_t nq = s->nquestions ? s->nquestions : 1;

	memset(a, 0, sizeof(*a));
	a->survey = s;
	a->values = calloc(ni, sizeof(*a->values));
	a->given = calloc(ni, 1);
	a->raw = calloc(ni, sizeof(*a->raw));
	a->texts = calloc(nq, sizeof(*a->texts));
	a->item_problem = calloc(ni, 1);
	a->question_problem = calloc(nq, 1);
	if (!a->values || !a->given || !a->raw || !a->texts ||
	    !a->item_problem || !a->question_problem) {
		cp_answers_release(a);
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	}
	return 0;
}

void cp_answers_reset(struct cp_answers *a)
{
	const struct cp_survey *s = a->survey;

	for (size_t i = 0; i < s->nitems; i++) {
		free(a->raw[i]);
		a->raw[i] = NULL;
	}
	for (size_t q = 0; q < s->nquestions; q++) {
		free(a->texts[q]);
		a->texts[q] = NULL;
	}
	memset(a->values, 0, s->nitems * sizeof(*a->values));
	memset(a->given, 0, s->nitems);
	memset(a->item_problem, 0, s->nitems);
	memset(a->question_problem, 0, s->nquestions);
	a->problems = 0;
}

void cp_answers_release(struct cp_answers *a)
{
	if (a->survey) {
		for (size_t i = 0; a->raw && i < a->survey->nitems; i++)
			free(a->raw[i]);
		for (size_t i = 0; a->texts && i < a->survey->nquestions; i++)
			free(a->texts[i]);
	}
	free(a->values);
	free(a->given);
	free(a->raw);
	free(a->texts);
	free(a->item_problem);
	free(a->question_problem);
	memset(a, 0, sizeof(*a));
}

static long item_index(const struct cp_survey *s, const char *name)
{
	for (size_t i = 0; i < s->nitems; i++)
		if (strcmp(s->items[i].id, name) == 0)
			return (long)i;
	return -1;
}

static long question_index(const struct cp_survey *s, const char *name)
{
	for (size_t i = 0; i < s->nquestions; i++)
		if (strcmp(s->questions[i].id, name) == 0)
			return (long)i;
	return -1;
}

/* A copy of value[0..n) with CR LF (as browsers send) made LF. */
static char *copy_text(const char *value, size_t n)
{
	char *out = malloc(n + 1), *w = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (value[i] == '\r' && i + 1 < n && value[i + 1] == '\n')
			continue;
		*w++ = value[i];
	}
	*w = '\0';
	return out;
}

/* The answer value[0..n) means for item: a value it takes, or
 * CP_ANSWER_DECLINED; false when it is none of those. */
static bool item_value(const struct cp_item *item, const char *value, size_t n,
		       int *out)
{
	size_t tl = strlen(CP_ANSWER_DECLINED_TOKEN);

	if (n == tl && memcmp(value, CP_ANSWER_DECLINED_TOKEN, n) == 0)
		*out = CP_ANSWER_DECLINED;
	else if (n == 1 && value[0] >= '0' && value[0] <= '9')
		*out = value[0] - '0';
	else if (n == 2 && value[0] == '1' && value[1] == '0')
		*out = 10;
	else
		return false;
	return cp_answer_valid(item, *out);
}

static int set_item(struct cp_answers *a, size_t i, const char *value, size_t n,
		    struct cp_error *err)
{
	if (a->given[i] || a->raw[i]) {
		a->item_problem[i] = CP_FIELD_TWICE;
		return 0;
	}
	if (n == 0)
		return 0;
	if (item_value(&a->survey->items[i], value, n, &a->values[i])) {
		a->given[i] = 1;
		return 0;
	}
	a->values[i] = 0;
	/* Kept (bounded) so the form can say what was wrong with it. */
	a->raw[i] = copy_text(value, n < 32 ? n : 32);
	if (a->raw[i] == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	a->item_problem[i] = CP_FIELD_OFF_SCALE;
	return 0;
}

static int blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static int set_question(struct cp_answers *a, size_t q, const char *value,
			size_t n, struct cp_error *err)
{
	const struct cp_question *qq = &a->survey->questions[q];
	size_t max = qq->max_length > 0 ? (size_t)qq->max_length : 2000;
	char *text;

	if (a->texts[q]) {
		a->question_problem[q] = CP_FIELD_TWICE;
		return 0;
	}
	if (!cp_utf8_valid(value, n) || memchr(value, '\0', n)) {
		/* Invalid bytes cannot be shown back safely: dropped. */
		a->question_problem[q] = CP_FIELD_BAD_TEXT;
		return 0;
	}
	text = copy_text(value, n);
	if (text == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	if (blank(text)) {
		free(text);
		return 0;
	}
	a->texts[q] = text;
	if (cp_utf8_length(text) > max)
		a->question_problem[q] = CP_FIELD_TOO_LONG;
	return 0;
}

int cp_answers_set(struct cp_answers *a, const char *name, const char *value,
		   size_t n, struct cp_error *err)
{
	long i = item_index(a->survey, name);

	if (i >= 0)
		return set_item(a, (size_t)i, value, n, err);
	i = question_index(a->survey, name);
	if (i >= 0)
		return set_question(a, (size_t)i, value, n, err);
	return cp_error_set(err, CP_ENOTFOUND,
			    N_("'%.64s' is not a question of survey '%s'"),
			    name, a->survey->id);
}

int cp_answers_set_item(struct cp_answers *a, size_t i, const char *value,
			size_t n, struct cp_error *err)
{
	return set_item(a, i, value, n, err);
}

int cp_answers_set_question(struct cp_answers *a, size_t q, const char *value,
			    size_t n, struct cp_error *err)
{
	return set_question(a, q, value, n, err);
}

int cp_answers_set_value(struct cp_answers *a, const char *item, long value,
			 struct cp_error *err)
{
	long i = item_index(a->survey, item);
	char text[24];

	if (i < 0)
		return cp_error_set(err, CP_ENOTFOUND,
				    N_("'%.64s' is not an item of survey '%s'"),
				    item, a->survey->id);
	if (value == CP_ANSWER_DECLINED)
		return set_item(a, (size_t)i, CP_ANSWER_DECLINED_TOKEN,
				strlen(CP_ANSWER_DECLINED_TOKEN), err);
	snprintf(text, sizeof(text), "%ld", value);
	return set_item(a, (size_t)i, text, strlen(text), err);
}

/* "answers." + key into out, the key cut to 100 bytes at a character
 * boundary (a field name goes into JSON, which must be UTF-8). */
static const char *field_name(char *out, size_t n, const char *prefix,
			      const char *key)
{
	size_t len = strlen(key);

	if (len > 100) {
		len = 100;
		while (len > 0 && ((unsigned char)key[len] & 0xC0) == 0x80)
			len--;
	}
	snprintf(out, n, "%s.%.*s", prefix, (int)len, key);
	return out;
}

static int decode_item(struct cp_answers *a, const char *key, json_t *value,
		       void (*problem)(void *, const char *, const char *),
		       void *arg, struct cp_error *err)
{
	long i = item_index(a->survey, key);
	char field[128], message[160], text[32];
	json_int_t n;

	field_name(field, sizeof(field), "answers", key);
	if (json_is_string(value) &&
	    strcmp(json_string_value(value), CP_ANSWER_DECLINED_TOKEN) == 0 &&
	    i >= 0)
		return set_item(a, (size_t)i, CP_ANSWER_DECLINED_TOKEN,
				strlen(CP_ANSWER_DECLINED_TOKEN), err);
	if (!json_is_integer(value)) {
		problem(arg, field, "expected a whole number on the scale");
		return 0;
	}
	if (i < 0) {
		snprintf(message, sizeof(message), "not an item of survey '%s'",
			 a->survey->id);
		problem(arg, field, message);
		return 0;
	}
	n = json_integer_value(value);
	snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, n);
	return set_item(a, (size_t)i, text, strlen(text), err);
}

static int decode_comment(struct cp_answers *a, const char *key, json_t *value,
			  void (*problem)(void *, const char *, const char *),
			  void *arg, struct cp_error *err)
{
	long q = question_index(a->survey, key);
	char field[128], message[160];

	field_name(field, sizeof(field), "comments", key);
	if (json_is_null(value))
		return 0;
	if (!json_is_string(value)) {
		problem(arg, field, "expected text or null");
		return 0;
	}
	if (q < 0) {
		if (item_index(a->survey, key) >= 0)
			snprintf(message, sizeof(message),
				 "an item, not an open question");
		else
			snprintf(message, sizeof(message),
				 "not an open question of survey '%s'",
				 a->survey->id);
		problem(arg, field, message);
		return 0;
	}
	return set_question(a, (size_t)q, json_string_value(value),
			    json_string_length(value), err);
}

int cp_answers_decode_json(struct cp_answers *a, json_t *answers,
			   json_t *comments,
			   void (*problem)(void *arg, const char *field,
					   const char *message),
			   void *arg, struct cp_error *err)
{
	const char *key;
	json_t *value;
	int rc = 0;

	if (!json_is_object(answers))
		problem(arg, "answers", "expected an object");
	if (comments && !json_is_null(comments) && !json_is_object(comments))
		problem(arg, "comments", "expected an object");
	/* json_object_foreach borrows key and value from the object. */
	if (json_is_object(answers))
		json_object_foreach (answers, key, value)
			if ((rc = decode_item(a, key, value, problem, arg,
					      err)) != 0)
				return rc;
	if (json_is_object(comments))
		json_object_foreach (comments, key, value)
			if ((rc = decode_comment(a, key, value, problem, arg,
						 err)) != 0)
				return rc;
	return 0;
}

size_t cp_answers_check(struct cp_answers *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->survey->nitems; i++) {
		if (a->item_problem[i] == CP_FIELD_OK && !a->given[i])
			a->item_problem[i] = CP_FIELD_MISSING;
		n += a->item_problem[i] != CP_FIELD_OK;
	}
	for (size_t q = 0; q < a->survey->nquestions; q++)
		n += a->question_problem[q] != CP_FIELD_OK;
	a->problems = n;
	return n;
}

const char *cp_field_problem_text(enum cp_field_problem p)
{
	switch (p) {
	case CP_FIELD_OK:
		return "ok";
	case CP_FIELD_MISSING:
		return N_("please choose one answer");
	case CP_FIELD_OFF_SCALE:
		return N_("please choose one of the answers on the scale");
	case CP_FIELD_TOO_LONG:
		return N_("this answer is longer than allowed");
	case CP_FIELD_BAD_TEXT:
		return N_("this answer had characters that could not be read");
	case CP_FIELD_TWICE:
		return N_("this answer was given twice");
	}
	return "not accepted";
}

int cp_answers_response(const struct cp_answers *a, struct cp_response *r,
			struct cp_answer **answers,
			struct cp_comment **comments, struct cp_error *err)
{
	const struct cp_survey *s = a->survey;
	size_t nc = 0;

	*answers = calloc(s->nitems ? s->nitems : 1, sizeof(**answers));
	*comments =
	    calloc(s->nquestions ? s->nquestions : 1, sizeof(**comments));
	if (*answers == NULL || *comments == NULL) {
		free(*answers);
		free(*comments);
		*answers = NULL;
		*comments = NULL;
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < s->nitems; i++) {
		(*answers)[i].item_id = s->items[i].id;
		(*answers)[i].value = a->values[i];
	}
	for (size_t q = 0; q < s->nquestions; q++) {
		if (a->texts[q] == NULL)
			continue;
		(*comments)[nc].question_id = s->questions[q].id;
		(*comments)[nc].text = a->texts[q];
		nc++;
	}
	r->answers = *answers;
	r->nanswers = s->nitems;
	r->comments = *comments;
	r->ncomments = nc;
	return 0;
}
