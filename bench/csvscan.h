/*
 * bench/csvscan.h - a minimal in-memory CSV reader for the limit programs
 * (RFC 4180 quoting, LF or CRLF rows). It is only as general as the files
 * bench_gen writes; carepulse itself reads CSV through libcsv.
 */
#ifndef BENCH_CSVSCAN_H
#define BENCH_CSVSCAN_H

#include <stddef.h>

#define CSV_MAXFIELDS 64

struct csv_row {
	char *field[CSV_MAXFIELDS];
	size_t nfields;
};

/*
 * Reads a whole file into a malloc'ed, NUL-terminated buffer (*out, the
 * caller frees it). Returns 0, or -1 with errno set.
 */
int csv_slurp(const char *path, char **out, size_t *len);

/*
 * Splits the next row at *pos in place: fields are unquoted and
 * NUL-terminated inside the buffer. Returns 1 for a row, 0 at the end.
 */
int csv_next(char **pos, struct csv_row *row);

#endif
