/*
 * error.h - the one error type of libcarepulse.
 *
 * Every function that can fail returns 0 or a negative enum cp_code and
 * takes a caller-owned struct cp_error * as its last argument (NULL allowed).
 * Setting an error never allocates: the message lives in a fixed buffer.
 * Only cmd/ turns a code into an exit status (see cp_error_exit_status).
 */
#ifndef CP_ERROR_H
#define CP_ERROR_H

#include <stddef.h>

/* Codes only grow; never renumber one. */
enum cp_code {
	CP_OK = 0,
	CP_EFAIL = -1,	/* anything else: a bug or an unexpected state */
	CP_EUSAGE = -2, /* the caller asked for something malformed */
	CP_EDATA = -3,	/* bad input data: a file, a field, a value */
	CP_ENOTFOUND =
	    -4, /* a named thing (team, survey, wave) does not exist */
	CP_EUNAVAIL = -5, /* a peer (SMTP server, webhook) is unavailable */
	CP_EIO = -6,	  /* reading or writing a file or the database failed */
	CP_ENOMEM = -7,	  /* out of memory, or a size cap was reached */
	CP_ECONFLICT = -8, /* the state forbids it: used token, closed wave */
	CP_EVERSION = -9,  /* the database is from a newer carepulse */
};

#define CP_ERROR_MSG_MAX  512
#define CP_ERROR_FILE_MAX 256

struct cp_error {
	int code;
	char message[CP_ERROR_MSG_MAX];
	char file[CP_ERROR_FILE_MAX]; /* "" when the error has no file */
	int line;		      /* 0 when unknown */
	int column;		      /* 0 when unknown */
};

/* Clears err (NULL allowed). */
void cp_error_clear(struct cp_error *err);

/*
 * Records code and a printf-style message in err (NULL allowed) and returns
 * code, so callers can write `return cp_error_set(err, CP_EDATA, ...)`.
 * The message is truncated to fit; it never allocates. A format marked
 * N_("...") is extracted for translation and shown in the calling
 * thread's language (i18n.h); others are shown as written.
 */
int cp_error_set(struct cp_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As cp_error_set, with the file, line and column the error refers to. */
int cp_error_set_at(struct cp_error *err, int code, const char *file, int line,
		    int column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/*
 * Prefixes err->message with "CONTEXT: " (for example a file name), keeping
 * the code. Returns err->code.
 */
int cp_error_prefix(struct cp_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Formats err for a person into out (size n): "file:line:column: message"
 * with the parts that exist. Returns out.
 */
const char *cp_error_format(const struct cp_error *err, char *out, size_t n);

/* Names a code in words ("bad input data"), for logs and tests. */
const char *cp_code_name(int code);

#endif
