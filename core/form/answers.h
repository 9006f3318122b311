/*
 * answers.h - one person's answers to a survey, as entered on the form,
 * sent to the JSON API or read from an import row, and checked against
 * the survey: every item answered on the scale, open answers valid UTF-8
 * within their length. Fields are named by the survey's item and open
 * question ids, the same names everywhere.
 */
#ifndef CP_ANSWERS_H
#define CP_ANSWERS_H

#include <stddef.h>

#include "error.h"
#include "store.h"
#include "survey.h"

/*
 * What a form, the JSON API and imports send for "prefer not to say", in
 * place of a number (surveys/README.md). Only items that offer it take
 * it.
 */
#define CP_ANSWER_DECLINED_TOKEN "prefer_not_to_say"

enum cp_field_problem {
	CP_FIELD_OK = 0,
	CP_FIELD_MISSING,   /* an item without an answer */
	CP_FIELD_OFF_SCALE, /* not a whole number on the scale */
	CP_FIELD_TOO_LONG,  /* an open answer past its max_length */
	CP_FIELD_BAD_TEXT,  /* not valid UTF-8, or a NUL byte */
	CP_FIELD_TWICE,	    /* the same field given twice */
};

struct cp_answers {
	const struct cp_survey *survey; /* borrowed */
	int *values;	      /* per item: CP_ANSWER_DECLINED or on its scale */
	unsigned char *given; /* per item: 1 when answered (values holds it) */
	char **raw;	      /* per item: what was given when off the scale */
	char **texts;	      /* per open question; NULL when empty */
	unsigned char *item_problem;	 /* per item, enum cp_field_problem */
	unsigned char *question_problem; /* per open question */
	size_t problems;		 /* set by cp_answers_check */
};

/* Prepares an empty set of answers to s (borrowed; must outlive a). */
int cp_answers_init(struct cp_answers *a, const struct cp_survey *s,
		    struct cp_error *err);

/* Empties a for the next person's answers to the same survey. */
void cp_answers_reset(struct cp_answers *a);

/* Frees what a holds (a itself is the caller's). */
void cp_answers_release(struct cp_answers *a);

/*
 * Sets the field name (an item or open question id) from text value[0..n)
 * as a form posts it: an item's value is "1".."5" ("0".."10" for an
 * eNPS item) or CP_ANSWER_DECLINED_TOKEN where it offers that, an open
 * answer any
 * text. An empty value is no answer. A bad value is kept and marked, so a
 * form can show it again. CP_ENOTFOUND when name is not a field of the
 * survey; CP_ENOMEM when out of memory.
 */
int cp_answers_set(struct cp_answers *a, const char *name, const char *value,
		   size_t n, struct cp_error *err);

/* The same for the survey's item i or open question q (< nitems, <
 * nquestions), found once per column by whoever sets many rows (an
 * import) instead of by name per value. */
int cp_answers_set_item(struct cp_answers *a, size_t i, const char *value,
			size_t n, struct cp_error *err);
int cp_answers_set_question(struct cp_answers *a, size_t q, const char *value,
			    size_t n, struct cp_error *err);

/* Sets item from a number, or CP_ANSWER_DECLINED (the JSON API and
 * imports). */
int cp_answers_set_value(struct cp_answers *a, const char *item, long value,
			 struct cp_error *err);

/*
 * Marks unanswered items and returns the number of fields with a problem
 * (also kept in a->problems): 0 means the answers can be stored.
 */
size_t cp_answers_check(struct cp_answers *a);

struct json_t; /* jansson's: answers.c, server.c and import.c see it */

/*
 * Decodes answers sent as JSON, for the JSON API and the JSON import
 * alike, so both take the same input with the same limits:
 * - answers must be an object of item id -> whole number, or the string
 *   CP_ANSWER_DECLINED_TOKEN for "prefer not to say". A number off
 *   the scale is kept as given (not clamped) and marked off the scale by
 *   cp_answers_check, as on the form.
 * - comments may be absent (NULL), JSON null, or an object of open
 *   question id -> text or null. A null comment means no comment, the
 *   same as leaving the question out. The text is checked against the
 *   question's max_length by cp_answers_set.
 * - An id the survey does not have, an item given as a comment and a
 *   value of the wrong JSON type are refused.
 * Each refusal is passed to problem(arg, field, message) with field
 * "answers.ID" or "comments.ID" (the id cut to 100 bytes at a character
 * boundary), or "answers"/"comments" for the whole object; the caller
 * says it in its own form (a JSON list, a line of an import report).
 * answers and comments are borrowed. Returns 0, or CP_ENOMEM.
 */
int cp_answers_decode_json(struct cp_answers *a, struct json_t *answers,
			   struct json_t *comments,
			   void (*problem)(void *arg, const char *field,
					   const char *message),
			   void *arg, struct cp_error *err);

/* Words for a problem, for a person ("choose one answer"). */
const char *cp_field_problem_text(enum cp_field_problem p);

/*
 * Fills r's answers and comments from checked answers. The arrays are
 * malloc'ed into *answers and *comments (free both); the strings are
 * borrowed from a. wave, team and self are the caller's to set.
 */
int cp_answers_response(const struct cp_answers *a, struct cp_response *r,
			struct cp_answer **answers,
			struct cp_comment **comments, struct cp_error *err);

#endif
