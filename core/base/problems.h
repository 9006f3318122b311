/*
 * problems.h - a list of every problem found in one input (a roster, an
 * import file), so a user sees all bad rows at once instead of one per run.
 * Each problem carries the line and the field it is about.
 */
#ifndef CP_PROBLEMS_H
#define CP_PROBLEMS_H

#include <stddef.h>

#include "error.h"

#define CP_PROBLEMS_MAX 1000 /* beyond this, problems are only counted */

struct cp_problem {
	int line;	/* 0 when the problem is about the whole file */
	char field[64]; /* "" when not about one field */
	char message[CP_ERROR_MSG_MAX];
};

struct cp_problems {
	char file[CP_ERROR_FILE_MAX];
	struct cp_problem *items;
	size_t count; /* how many are stored in items */
	size_t alloc;
	size_t dropped; /* how many more were found past CP_PROBLEMS_MAX */
};

/* Initialises an empty list about file (may be NULL). */
void cp_problems_init(struct cp_problems *p, const char *file);

/* Frees the list and leaves it empty. */
void cp_problems_release(struct cp_problems *p);

/* Adds a problem; when memory runs out it is counted as dropped. */
void cp_problems_add(struct cp_problems *p, int line, const char *field,
		     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Total problems found, stored or dropped. */
size_t cp_problems_total(const struct cp_problems *p);

/*
 * Formats problem i as "file:line: message" into out. Returns out.
 */
const char *cp_problems_format(const struct cp_problems *p, size_t i, char *out,
			       size_t n);

/*
 * When the list is not empty, sets err to CP_EDATA with a summary naming
 * the first problem ("roster.csv:14: ... (and 3 more problems)") and
 * returns CP_EDATA; returns 0 otherwise.
 */
int cp_problems_to_error(const struct cp_problems *p, struct cp_error *err);

#endif
