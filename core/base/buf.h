/*
 * buf.h - a growable byte buffer with a size cap.
 *
 * Every string carepulse builds goes through one of these instead of
 * sprintf/strcpy/strcat. The data is always NUL-terminated once anything has
 * been appended. A buffer that would grow past its cap fails with CP_ENOMEM
 * and keeps what it had.
 */
#ifndef CP_BUF_H
#define CP_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "error.h"

#define CP_BUF_DEFAULT_MAX (64u * 1024u * 1024u)

struct cp_buf {
	char *data; /* NULL until the first append */
	size_t len;
	size_t alloc;
	size_t max; /* the cap, in bytes, not counting the terminating NUL */
};

/* Initialises an empty buffer that may grow to max bytes (0: the default). */
void cp_buf_init(struct cp_buf *b, size_t max);

/* Frees the data and leaves b empty and usable again. */
void cp_buf_release(struct cp_buf *b);

/* Empties b without freeing its memory. */
void cp_buf_reset(struct cp_buf *b);

/* Appends n bytes. Fails with CP_ENOMEM past the cap. */
int cp_buf_add(struct cp_buf *b, const void *data, size_t n,
	       struct cp_error *err);

/* Makes room for n more bytes (and a NUL) without adding any: a writer
 * may then fill data[len .. len + n) and move len itself. Fails with
 * CP_ENOMEM past the cap. */
int cp_buf_reserve(struct cp_buf *b, size_t n, struct cp_error *err);

/* Appends a NUL-terminated string. */
int cp_buf_adds(struct cp_buf *b, const char *s, struct cp_error *err);

/* Appends one byte. */
int cp_buf_addc(struct cp_buf *b, char c, struct cp_error *err);

/* Appends printf-style formatted text. */
int cp_buf_printf(struct cp_buf *b, struct cp_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cp_buf_vprintf(struct cp_buf *b, struct cp_error *err, const char *fmt,
		   va_list ap) __attribute__((format(printf, 3, 0)));

/* Returns the text ("" for an empty buffer); borrowed, valid until the next
 * change to b. */
const char *cp_buf_str(const struct cp_buf *b);

/*
 * Hands the data over to the caller (free() it) and leaves b empty.
 * Returns a malloc'ed "" for an empty buffer, NULL only when out of memory.
 */
char *cp_buf_detach(struct cp_buf *b);

/* Reads a whole file into b, at most b->max bytes. */
int cp_buf_read_file(struct cp_buf *b, const char *path, struct cp_error *err);

/*
 * Makes room for one more element in a growing array of elements of size
 * elem: when *alloc elements are in use, doubles the allocation (first to
 * first elements). Returns the array, moved or not, or NULL when out of
 * memory, in which case arr is untouched and still the caller's.
 */
void *cp_array_grow(void *arr, size_t elem, size_t *alloc, size_t first);

/* strdup that may fail: returns NULL when out of memory. */
char *cp_strdup(const char *s);

/* Bounded copy that always NUL-terminates; returns strlen(src). */
size_t cp_strlcpy(char *dst, const char *src, size_t n);

#endif
