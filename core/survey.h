/*
 * survey.h - survey definitions: loading and validating the JSON format of
 * surveys/README.md, and the built-in definitions compiled into the binary.
 */
#ifndef CP_SURVEY_H
#define CP_SURVEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define CP_SCALE_MIN	1
#define CP_SCALE_MAX	5
#define CP_SCALE_POINTS (CP_SCALE_MAX - CP_SCALE_MIN + 1)

enum cp_survey_kind {
	CP_SURVEY_TEAM = 0,
	CP_SURVEY_SELF = 1
};

enum cp_purpose {
	CP_PURPOSE_OTHER = 0,
	CP_PURPOSE_GOING_WELL = 1,
	CP_PURPOSE_WOULD_HELP = 2,
};

struct cp_scale {
	int min, max;
	char *labels[CP_SCALE_POINTS];
	bool favourable[CP_SCALE_MAX + 1]; /* indexed by value */
};

struct cp_dimension {
	char *id;
	char *group;
	char *title;
	char *description;
};

struct cp_item {
	char *id;
	char *dimension;
	size_t dim; /* index into dimensions */
	char *text;
	bool reverse; /* agreement is unfavourable: scored as 6 - value */
};

struct cp_question {
	char *id;
	char *text;
	enum cp_purpose purpose;
	int max_length; /* in characters */
};

struct cp_survey {
	char *id;
	char *version;
	char *title;
	char *description; /* NULL when absent */
	char *locale;
	enum cp_survey_kind kind;
	char **pairs_with;
	size_t npairs;
	struct cp_scale scale;
	struct cp_dimension *dims;
	size_t ndims;
	struct cp_item *items;
	size_t nitems;
	struct cp_question *questions;
	size_t nquestions;
	char *text;    /* the definition exactly as given */
	char hash[65]; /* hex SHA-256 of text */
};

/*
 * Parses and validates the definition text[0..len); file names it in
 * messages. JSON errors (a duplicate key, a trailing comma) carry the line
 * and column; semantic ones name the field ("items[3].dimension: ...").
 * On success *out is the caller's, freed with cp_survey_free.
 */
int cp_survey_parse(struct cp_survey **out, const char *file, const char *text,
		    size_t len, struct cp_error *err);

/* Reads and parses the file at path. */
int cp_survey_load(struct cp_survey **out, const char *path,
		   struct cp_error *err);

void cp_survey_free(struct cp_survey *s);

/* Lookups by id; NULL when absent. Borrowed from s. */
const struct cp_item *cp_survey_item(const struct cp_survey *s, const char *id);
const struct cp_question *cp_survey_question(const struct cp_survey *s,
					     const char *id);
const struct cp_dimension *cp_survey_dimension(const struct cp_survey *s,
					       const char *id);

/* The built-in definitions: count, and the text and file name of each. */
size_t cp_survey_builtin_count(void);
const char *cp_survey_builtin(size_t i, size_t *len, const char **name);

struct cp_store;

/*
 * Stores a validated definition. The same content again is a no-op
 * (*added 0); the same id and version with different content is refused
 * (CP_ECONFLICT), because a version names one exact text.
 */
int cp_survey_save(struct cp_store *st, const struct cp_survey *s, int builtin,
		   int64_t *ref, int *added, struct cp_error *err);

/* Stores every built-in definition that is not stored yet. */
int cp_survey_install_builtins(struct cp_store *st, size_t *added,
			       struct cp_error *err);

/*
 * Loads the newest stored definition of id, or exactly row ref when ref is
 * non-zero (what a wave pinned).
 */
int cp_survey_fetch(struct cp_survey **out, struct cp_store *st, const char *id,
		    int64_t ref, struct cp_error *err);
#endif
