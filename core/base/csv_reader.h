/*
 * csv_reader.h - the one CSV reader: every CSV file carepulse takes in (a
 * roster, a file of responses) is read through it, so they all accept the
 * same files and say what is wrong in the same words.
 *
 * It takes UTF-8 text with an optional byte order mark, LF, CRLF or lone
 * CR line ends, and RFC 4180 quoting (commas, quotes and line ends inside
 * quoted fields). Unquoted fields lose their leading and trailing spaces
 * and tabs; quoted ones are kept as written. Blank lines are skipped but
 * counted, so every record knows the line it starts on.
 *
 * Messages read "FILE:LINE: what is wrong" (through cp_error_format or a
 * problems list). The reader is an iterator: cp_csv_next hands out one
 * record at a time from a buffer it reuses, so reading costs no allocation
 * per field.
 *
 * (The header is not called csv.h: that name belongs to libcsv's, which
 * csv_reader.c includes and a base-layer "csv.h" would shadow.)
 */
#ifndef CP_CSV_READER_H
#define CP_CSV_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define CP_CSV_MAX_FIELD (64u * 1024u) /* bytes, unless limits say */

/* What the reader found out about one field. */
enum cp_csv_flag {
	CP_CSV_TOO_LONG = 1 << 0, /* over max_field: its text is "" */
	CP_CSV_NUL = 1 << 1,	  /* holds a NUL byte: text is cut there */
	CP_CSV_BAD_UTF8 = 1 << 2, /* not well-formed UTF-8 */
};

struct cp_csv_value {
	char *text;	/* NUL-terminated; the caller may change it in place */
	size_t len;	/* bytes, not counting the terminating NUL */
	unsigned flags; /* enum cp_csv_flag bits; 0 for a good field */
};

/* One record, borrowed from the reader until the next cp_csv_next. */
struct cp_csv_record {
	int line;	/* the line the record starts on, from 1 */
	bool header;	/* the first record of a file read with a header */
	size_t nfields; /* as many as the line has; only the first
			   max_fields are in field[] */
	struct cp_csv_value *field;
};

struct cp_csv_limits {
	size_t max_field;   /* bytes per field; 0: CP_CSV_MAX_FIELD */
	size_t max_fields;  /* fields kept per record (more are counted) */
	size_t max_records; /* records after the header; past it, an error */
	bool header;	    /* the first record names the columns: it is marked,
			       not counted, and names fields in messages */
	bool roster;	    /* messages say "roster has more than ... rows",
			       not "file has ..." */
};

struct cp_csv;

/*
 * Starts reading text[0..len) (borrowed: it must outlive the reader),
 * named file in messages (borrowed too; NULL: ""). *out is the caller's,
 * freed with cp_csv_free. Fails only when out of memory.
 */
int cp_csv_open(struct cp_csv **out, const char *file, const char *text,
		size_t len, const struct cp_csv_limits *limits,
		struct cp_error *err);

/*
 * Reads the next record into *rec (borrowed; valid until the next call).
 * Returns 1 with a record, 0 at the end of the text, or:
 * - CP_EDATA with err set at the line (file, line, message) for a record
 *   that is not valid CSV (a quote out of place, a quote never closed).
 *   That record is dropped and reading goes on at the next line, so a
 *   caller may list every bad line; or it may stop.
 * - CP_EDATA when the text has more than max_records records (err names
 *   the line of the first one too many) or more than INT_MAX lines. Then
 *   reading has ended: the next call returns 0.
 * - CP_ENOMEM when out of memory; reading has ended.
 * Records that fail count towards max_records as well.
 */
int cp_csv_next(struct cp_csv *r, struct cp_csv_record **rec,
		struct cp_error *err);

/*
 * Says what is wrong with a field that has flags set, naming it name:
 * "team is longer than 65536 bytes", "name contains a NUL byte", "name is
 * not valid UTF-8". Returns out (size n), or NULL when v has no flag.
 */
const char *cp_csv_problem(const struct cp_csv *r, const struct cp_csv_value *v,
			   const char *name, char *out, size_t n);

/* Frees r (NULL allowed). */
void cp_csv_free(struct cp_csv *r);

#endif
