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

struct cp_import_opts {
	enum cp_import_format format;
	bool dry_run; /* check everything, write nothing */
	bool replace; /* swap earlier imports of the same file or rows */
};

struct cp_import_result {
	size_t imported;   /* responses (that would be) stored */
	int64_t import_id; /* the new import's number; 0 in a dry run */
	/* The earlier imports of the same file or rows that were (in a dry
	 * run: would be) replaced, by id; malloc'ed. */
	struct cp_import_record *replaced;
	size_t nreplaced;
	int64_t replaced_responses;
};

/*
 * Checks text[0..len) (named file in problems and messages) against wave
 * and, unless o->dry_run, stores it as one import: the file's SHA-256, and
 * for a file that names its rows (an id or response_id column or field)
 * the SHA-256 of each row's id, are recorded with it. A file, or rows,
 * imported before are refused (CP_ECONFLICT, naming the earlier imports:
 * when, which wave, how many responses) unless o->replace, which takes
 * those imports' responses out and stores this file's in the same
 * transaction; an earlier import in a closed wave cannot be replaced
 * (CP_ECONFLICT). Otherwise as cp_import_responses. Release res with
 * cp_import_result_release, also after a failure.
 */
int cp_import_run(struct cp_store *st, int64_t wave, const char *file,
		  const char *text, size_t len, const struct cp_import_opts *o,
		  struct cp_problems *p, struct cp_import_result *res,
		  struct cp_error *err);
void cp_import_result_release(struct cp_import_result *res);

/* One file of an import of several (cp_import_many). */
struct cp_import_file {
	int64_t wave;
	const char *file; /* its name, for problems and messages */
	const char *text;
	size_t len;
	enum cp_import_format format;
	struct cp_problems *problems; /* the caller's, for this file */
	struct cp_import_result res;  /* filled; release each */
};

/*
 * Imports several files, each into its wave, in one transaction: all of
 * them or none. Each file is checked and recorded as cp_import_run does
 * (o->format is ignored: each file has its own); every file is checked,
 * so the problems of each go to its own list, and any problem in any
 * file (CP_EDATA, the first such file's) means nothing is written. The
 * same file given twice, or a row id given in two files of the same
 * wave, is CP_ECONFLICT naming both. An earlier import that two files
 * replace is taken out once. The responses of all the files are written
 * together, sorted by group and random id (store.h, the bulk load).
 */
int cp_import_many(struct cp_store *st, struct cp_import_file *files, size_t n,
		   const struct cp_import_opts *o, struct cp_error *err);

/*
 * Checks text[0..len) (named file in problems) against wave and, unless
 * dry_run, stores it. *imported is the number of responses (that would
 * be) stored. Problems in the file go to p and give CP_EDATA; a wave that
 * does not exist is CP_ENOTFOUND; a closed wave is CP_ECONFLICT and
 * nothing is read or written (its results are frozen). A row's team is
 * named as the wave was sent to it (the wave's snapshot of the tree).
 * A file imported before is refused as by cp_import_run (no replace).
 */
int cp_import_responses(struct cp_store *st, int64_t wave, const char *file,
			const char *text, size_t len,
			enum cp_import_format format, bool dry_run,
			struct cp_problems *p, size_t *imported,
			struct cp_error *err);

#endif
