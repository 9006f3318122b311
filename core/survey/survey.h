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
#include "model.h"

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

/*
 * About how many minutes the survey takes, as the form and the
 * invitation say it: 7 seconds a statement and 30 an open question,
 * rounded up to a whole minute (at least 1). The 11-statement pulse with
 * one question is about 2 minutes, the 33-statement survey about 5.
 */
int cp_survey_minutes(const struct cp_survey *s);

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
