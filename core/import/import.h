/*
 * import.h - responses from a file (paper forms, other tools) into a wave:
 * CSV with a header (team, the survey's item and open-question ids as
 * columns, and optionally self), or JSON (an array of objects with team,
 * answers, comments and optionally self). The whole file is checked first
 * and every problem listed with its line (CSV) or record (JSON) and field;
 * nothing is written unless all of it is valid, and then all of it in one
 * transaction. Invitations are not touched: an imported response was not
 * given through a link.
 */
#ifndef CP_IMPORT_H
#define CP_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "problems.h"
#include "store.h"

enum cp_import_format {
	CP_IMPORT_AUTO = 0, /* JSON when the text starts with '[' */
	CP_IMPORT_CSV,
	CP_IMPORT_JSON,
};

/*
 * Checks text[0..len) (named file in problems) against wave and, unless
 * dry_run, stores it. *imported is the number of responses (that would
 * be) stored. Problems in the file go to p and give CP_EDATA; a wave that
 * does not exist is CP_ENOTFOUND; a closed wave is CP_ECONFLICT and
 * nothing is read or written (its results are frozen). A row's team is
 * named as the wave was sent to it (the wave's snapshot of the tree).
 */
int cp_import_responses(struct cp_store *st, int64_t wave, const char *file,
			const char *text, size_t len,
			enum cp_import_format format, bool dry_run,
			struct cp_problems *p, size_t *imported,
			struct cp_error *err);

#endif
