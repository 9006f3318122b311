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

/*
 * ---- texts in several languages ----
 *
 * A definition's own texts are in its locale; its "translations" carry
 * the same texts in other languages, each complete (the validator checks).
 * A language is looked up by its tag, case-insensitively: an exact match
 * first, then the same primary language ("cy-GB" finds "cy", "es" finds
 * "es-419"); anything else, NULL or "" gives the survey's own texts.
 */
enum cp_text {
	CP_TEXT_TITLE,		       /* index unused (0) */
	CP_TEXT_DESCRIPTION,	       /* NULL when the survey has none */
	CP_TEXT_SCALE_LABEL,	       /* index 0..4: the words of 1..5 */
	CP_TEXT_PREFER_NOT_TO_SAY,     /* NULL when no item offers it */
	CP_TEXT_DIMENSION_TITLE,       /* index: the dimension's */
	CP_TEXT_DIMENSION_DESCRIPTION, /* index: the dimension's */
	CP_TEXT_ITEM,		       /* index: the item's statement */
	CP_TEXT_ITEM_LOW,  /* index: an eNPS item's words at 0; NULL else */
	CP_TEXT_ITEM_HIGH, /* index: an eNPS item's words at 10; NULL else */
	CP_TEXT_QUESTION,  /* index: the open question's */
};

/*
 * The text what (of the item, dimension, question or scale point index)
 * in language lang, falling back to the survey's own language. NULL only
 * when index is out of range or the survey has no such text. Borrowed
 * from s.
 */
const char *cp_survey_text(const struct cp_survey *s, enum cp_text what,
			   size_t index, const char *lang);

/* The translation lang selects, or NULL for the survey's own texts. */
const struct cp_translation *cp_survey_translation(const struct cp_survey *s,
						   const char *lang);

/* The tag of the language cp_survey_text gives for lang ("cy", or the
 * survey's locale): for <html lang>, dir and Content-Language. */
const char *cp_survey_lang(const struct cp_survey *s, const char *lang);

/* true when the survey has its texts in lang (its own or a translation). */
bool cp_survey_has_lang(const struct cp_survey *s, const char *lang);

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
