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
	int *values;			/* per item; 0 when not answered */
	char **raw;   /* per item: what was given when off the scale */
	char **texts; /* per open question; NULL when empty */
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
 * as a form posts it: an item's value is "1".."5", an open answer any
 * text. An empty value is no answer. A bad value is kept and marked, so a
 * form can show it again. CP_ENOTFOUND when name is not a field of the
 * survey; CP_ENOMEM when out of memory.
 */
int cp_answers_set(struct cp_answers *a, const char *name, const char *value,
		   size_t n, struct cp_error *err);

/* Sets item from a number (the JSON API and imports). */
int cp_answers_set_value(struct cp_answers *a, const char *item, long value,
			 struct cp_error *err);

/*
 * Marks unanswered items and returns the number of fields with a problem
 * (also kept in a->problems): 0 means the answers can be stored.
 */
size_t cp_answers_check(struct cp_answers *a);

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
