#include "buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

void cp_buf_init(struct cp_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max ? max : CP_BUF_DEFAULT_MAX;
}

void cp_buf_release(struct cp_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

void cp_buf_reset(struct cp_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int grow(struct cp_buf *b, size_t extra, struct cp_error *err)
{
	size_t need, alloc;
	char *p;

	if (extra > b->max || b->len > b->max - extra)
		return cp_error_set(
		    err, CP_ENOMEM,
		    cp_ngettext_error("text longer than the limit "
				      "of %zu byte",
				      "text longer than the limit "
				      "of %zu bytes",
				      b->max),
		    b->max);
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return 0;
	alloc = b->alloc ? b->alloc : 64;
	while (alloc < need)
		alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
	if (alloc > b->max + 1)
		alloc = b->max + 1;
	p = realloc(b->data, alloc);
	if (p == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	b->data = p;
	b->alloc = alloc;
	return 0;
}

int cp_buf_add(struct cp_buf *b, const void *data, size_t n,
	       struct cp_error *err)
{
	int rc = grow(b, n, err);

	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int cp_buf_reserve(struct cp_buf *b, size_t n, struct cp_error *err)
{
	return grow(b, n, err);
}

int cp_buf_adds(struct cp_buf *b, const char *s, struct cp_error *err)
{
	return cp_buf_add(b, s, strlen(s), err);
}

int cp_buf_addc(struct cp_buf *b, char c, struct cp_error *err)
{
	return cp_buf_add(b, &c, 1, err);
}

int cp_buf_vprintf(struct cp_buf *b, struct cp_error *err, const char *fmt,
		   va_list ap)
{
	va_list ap2;
	int n, rc;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return cp_error_set(err, CP_EFAIL, "bad format string");
	rc = grow(b, (size_t)n, err);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int cp_buf_printf(struct cp_buf *b, struct cp_error *err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cp_buf_vprintf(b, err, fmt, ap);
	va_end(ap);
	return rc;
}

const char *cp_buf_str(const struct cp_buf *b)
{
	return b->data ? b->data : "";
}

char *cp_buf_detach(struct cp_buf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = cp_strdup("");
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	return p;
}

int cp_buf_read_file(struct cp_buf *b, const char *path, struct cp_error *err)
{
	char chunk[65536];
	size_t n;
	FILE *f;
	int rc = 0;

	f = fopen(path, "rb");
	if (f == NULL)
		return cp_error_set_at(err, CP_EIO, path, 0, 0,
				       N_("cannot open: %s"), strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		rc = cp_buf_add(b, chunk, n, err);
		if (rc) {
			cp_error_set_at(
			    err, rc, path, 0, 0,
			    cp_ngettext_error("file is larger than %zu byte",
					      "file is larger than %zu bytes",
					      b->max),
			    b->max);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = cp_error_set_at(err, CP_EIO, path, 0, 0,
				     N_("cannot read: %s"), strerror(errno));
	fclose(f);
	if (rc == 0 && b->data == NULL)
		rc = cp_buf_add(b, "", 0, err);
	return rc;
}

void *cp_array_grow(void *arr, size_t elem, size_t *alloc, size_t first)
{
	size_t n = *alloc ? *alloc : first;
	void *p;

	if (*alloc) {
		if (n > SIZE_MAX / 2 / elem)
			return NULL;
		n *= 2;
	}
	p = realloc(arr, n * elem);
	if (p)
		*alloc = n;
	return p;
}

char *cp_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

size_t cp_strlcpy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (n) {
		size_t k = len < n - 1 ? len : n - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return len;
}
