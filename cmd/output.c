#include "output.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void out_table_init(struct out_table *t, const struct out_col *cols,
		    size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
}

void out_table_release(struct out_table *t)
{
	for (size_t i = 0; t->cells && i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	if (t->direct) {
		cp_buf_release(&t->b);
		cp_buf_release(&t->keys);
	}
	free(t->key_at);
	memset(t, 0, sizeof(*t));
}

/* Writes what b holds to f once it has 64 KiB: the output of a whole
 * organisation's results is tens of megabytes, and need not be held. */
static int flush_some(struct cp_buf *b, FILE *f, bool all)
{
	if (b->len == 0 || (!all && b->len < (1u << 16)))
		return 0;
	if (fwrite(b->data, 1, b->len, f) != b->len)
		return CP_EIO;
	cp_buf_reset(b);
	return 0;
}

/* A JSON boolean cell's value from its text. */
static const char *json_bool(const char *s)
{
	return strcmp(s, "0") && strcmp(s, "no") && strcmp(s, "false")
		   ? "true"
		   : "false";
}

/* cp_buf_add for the small pieces of a direct table: a copy when they
 * fit, as nearly all do. */
static inline int put(struct cp_buf *b, const char *s, size_t n)
{
	if (b->data && b->alloc - b->len > n) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return cp_buf_add(b, s, n, NULL);
}

/*
 * The next cell of a table opened direct (out_table_open): written to the
 * table's buffer at once, with what comes before it (the row's opening,
 * the column's key or the separator) and after it (the row's end), and
 * the buffer written to f at a row's end once it is large. number: s
 * (len bytes) is a number out_fixed or an integer wrote, which CSV needs
 * neither quote nor mark.
 */
static void direct_cell(struct out_table *t, const char *s, size_t len,
			bool number)
{
	size_t c = t->ncells % t->ncols;
	enum col_type type = t->cols[c].type;
	struct cp_buf *b = &t->b;
	int rc = 0;

	if (t->failed)
		return;
	if (t->fmt == FORMAT_JSON) {
		if (c == 0)
			rc = t->st->rows ? put(b, ",\n  {", 5)
					 : put(b, "\n  {", 4);
		rc = rc || put(b, t->keys.data + t->key_at[c],
			       t->key_at[c + 1] - t->key_at[c]);
		if (rc)
			;
		else if (s == NULL)
			rc = put(b, "null", 4);
		else if (type == COL_TEXT)
			rc = out_json_string(b, s);
		else if (type == COL_BOOL)
			rc = cp_buf_adds(b, json_bool(s), NULL);
		else
			rc = put(b, s, len);
		if (rc == 0 && c + 1 == t->ncols)
			rc = put(b, "}", 1);
	} else {
		rc = c ? put(b, ",", 1) : 0;
		if (rc == 0 && s)
			rc = number ? put(b, s, len) : cp_csv_field(b, s, NULL);
		if (rc == 0 && c + 1 == t->ncols)
			rc = put(b, "\r\n", 2);
	}
	if (rc == 0 && c + 1 == t->ncols) {
		t->st->rows++;
		rc = flush_some(b, t->f, false);
	}
	if (rc) {
		t->failed = rc == CP_EIO ? CP_EIO : CP_ENOMEM;
		return;
	}
	t->ncells++;
}

void out_cell(struct out_table *t, const char *text)
{
	char *copy = NULL;

	if (t->direct) {
		direct_cell(t, text, text ? strlen(text) : 0, false);
		return;
	}

	if (t->ncells == t->alloc) {
		size_t alloc = t->alloc ? t->alloc * 2 : 64;
		char **cells = realloc(t->cells, alloc * sizeof(*cells));
		if (cells == NULL) {
			t->failed = 1;
			return;
		}
		t->cells = cells;
		t->alloc = alloc;
	}
	if (text && (copy = cp_strdup(text)) == NULL)
		t->failed = 1;
	t->cells[t->ncells++] = copy;
}

void out_skip_to(struct out_table *t, size_t col)
{
	if (t->failed)
		return; /* out of memory: the cells no longer line up */
	if (col == t->ncols) {
		/* The row's end; at column 0 the row is already complete. */
		while (!t->failed && t->ncells % t->ncols)
			out_cell(t, NULL);
		return;
	}
	if (col > t->ncols || t->ncells % t->ncols > col) {
		fprintf(stderr, "carepulse: bug: column '%s' is already past\n",
			col < t->ncols ? t->cols[col].name : "?");
		abort();
	}
	while (!t->failed && t->ncells % t->ncols < col)
		out_cell(t, NULL);
}

size_t out_fixed(char *buf, double v, int prec)
{
	static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
	char digits[32];
	double x, r, frac;
	uint64_t u;
	size_t n = 0, len = 0;

	/* printf rounds the exact binary value, ties to even. v * 10^prec
	 * is within a few ulps of that exact value, so its nearest integer
	 * is printf's unless the product is near a tie: those, negative
	 * results of zero ("-0.0"), large, infinite and NaN values go to
	 * snprintf. */
	if (prec < 0 || prec > 6 || !(fabs(v) < 1e12))
		goto slow;
	x = fabs(v) * scale[prec];
	r = floor(x);
	frac = x - r;
	if (fabs(frac - 0.5) < 1e-6)
		goto slow;
	if (frac > 0.5)
		r += 1;
	u = (uint64_t)r;
	if (signbit(v) && u == 0)
		goto slow;
	do {
		digits[len++] = (char)('0' + u % 10);
		u /= 10;
	} while (u || len <= (size_t)prec);
	if (signbit(v))
		buf[n++] = '-';
	while (len > 0) {
		buf[n++] = digits[--len];
		if (len == (size_t)prec && prec > 0)
			buf[n++] = '.';
	}
	buf[n] = '\0';
	return n;
slow:
	return (size_t)snprintf(buf, OUT_FIXED_MAX, "%.*f", prec, v);
}

void out_cell_fixed(struct out_table *t, double v, int prec)
{
	char buf[OUT_FIXED_MAX];
	size_t len = out_fixed(buf, v, prec);

	/* Only snprintf's "-inf" and "-nan" would be marked in CSV. */
	if (t->direct)
		direct_cell(t, buf, len,
			    buf[0] != '-' || (buf[1] >= '0' && buf[1] <= '9'));
	else
		out_cell(t, buf);
}

void out_cell_int(struct out_table *t, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	*--p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	if (t->direct)
		direct_cell(t, p, (size_t)(buf + sizeof(buf) - 1 - p), true);
	else
		out_cell(t, p);
}

void out_cellf(struct out_table *t, const char *fmt, ...)
{
	struct cp_buf b;
	char small[128];
	va_list ap;
	int n;

	/* Nearly every cell is a number: format it once, on the stack (a
	 * results table has a million cells). */
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(small)) {
		out_cell(t, small);
		return;
	}
	cp_buf_init(&b, 1 << 20);
	va_start(ap, fmt);
	if (cp_buf_vprintf(&b, NULL, fmt, ap))
		t->failed = 1;
	va_end(ap);
	out_cell(t, cp_buf_str(&b));
	cp_buf_release(&b);
}

int out_json_string(struct cp_buf *b, const char *s)
{
	const char *run = s; /* characters not yet added that need no escape */
	int rc = cp_buf_addc(b, '"', NULL);

	for (; rc == 0 && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		rc = cp_buf_add(b, run, (size_t)(s - run), NULL);
		run = s + 1;
		if (rc)
			break;
		switch (c) {
		case '"':
			rc = cp_buf_adds(b, "\\\"", NULL);
			break;
		case '\\':
			rc = cp_buf_adds(b, "\\\\", NULL);
			break;
		case '\n':
			rc = cp_buf_adds(b, "\\n", NULL);
			break;
		case '\r':
			rc = cp_buf_adds(b, "\\r", NULL);
			break;
		case '\t':
			rc = cp_buf_adds(b, "\\t", NULL);
			break;
		default:
			if (c < 0x20)
				rc = cp_buf_printf(b, NULL, "\\u%04x", c);
		}
	}
	if (rc == 0)
		rc = cp_buf_add(b, run, (size_t)(s - run), NULL);
	return rc ? rc : cp_buf_addc(b, '"', NULL);
}

/* Display width in terminal columns (a NULL cell prints "-"). */
static size_t width(const char *s)
{
	return s ? cp_text_width(s) : 1;
}

void out_padded(FILE *f, const char *s, size_t width, bool right)
{
	int pad = (int)cp_text_pad(s ? s : "", width);

	if (right)
		fprintf(f, "%*s%s", pad, "", s ? s : "");
	else
		fprintf(f, "%s%*s", s ? s : "", pad, "");
}

static int print_aligned(const struct out_table *t, FILE *f)
{
	size_t nrows = t->ncells / t->ncols;
	size_t *w = calloc(t->ncols, sizeof(*w));

	if (w == NULL)
		return CP_ENOMEM;
	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = width(t->cols[c].name);
		for (size_t r = 0; r < nrows; r++) {
			size_t x = width(t->cells[r * t->ncols + c]);
			if (x > w[c])
				w[c] = x;
		}
	}
	for (size_t r = 0; r <= nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = r == 0
					    ? t->cols[c].name
					    : t->cells[(r - 1) * t->ncols + c];
			int right = r > 0 && t->cols[c].type != COL_TEXT;
			size_t pad = w[c] - width(s);
			if (s == NULL)
				s = "-";
			if (right)
				fprintf(f, "%*s", (int)pad, "");
			fputs(s, f);
			if (c + 1 < t->ncols)
				fprintf(f, "%*s", (int)(right ? 2 : pad + 2),
					"");
		}
		fputc('\n', f);
	}
	free(w);
	return 0;
}

static int print_csv(const struct out_table *t, FILE *f, bool header)
{
	struct cp_buf b;
	size_t nrows = t->ncells / t->ncols;
	int rc = 0;

	cp_buf_init(&b, 0);
	for (size_t c = 0; header && c < t->ncols && rc == 0; c++)
		rc = (c ? cp_buf_addc(&b, ',', NULL) : 0) ||
		     cp_csv_field(&b, t->cols[c].name, NULL);
	rc = rc || (header && cp_buf_adds(&b, "\r\n", NULL));
	for (size_t r = 0; r < nrows && rc == 0; r++) {
		for (size_t c = 0; c < t->ncols && rc == 0; c++) {
			const char *s = t->cells[r * t->ncols + c];
			rc = (c ? cp_buf_addc(&b, ',', NULL) : 0) ||
			     (s ? cp_csv_field(&b, s, NULL) : 0);
		}
		rc = rc || cp_buf_adds(&b, "\r\n", NULL);
		if (rc == 0 && flush_some(&b, f, false))
			rc = CP_EIO;
	}
	if (rc == 0 && flush_some(&b, f, true))
		rc = CP_EIO;
	cp_buf_release(&b);
	return rc == CP_EIO ? CP_EIO : rc ? CP_ENOMEM : 0;
}

static int print_json(const struct out_table *t, FILE *f, struct out_stream *st,
		      bool last)
{
	struct cp_buf b;
	size_t nrows = t->ncells / t->ncols;
	int rc = 0;

	struct cp_buf keys;
	size_t *at = calloc(t->ncols + 1, sizeof(size_t));

	cp_buf_init(&b, 0);
	cp_buf_init(&keys, 0);
	/* Each column's '"name": ' once, not once per cell. */
	rc = at == NULL;
	for (size_t c = 0; c < t->ncols && rc == 0; c++) {
		at[c] = keys.len;
		rc = (c ? cp_buf_adds(&keys, ", ", NULL) : 0) ||
		     out_json_string(&keys, t->cols[c].name) ||
		     cp_buf_adds(&keys, ": ", NULL);
	}
	if (rc == 0)
		at[t->ncols] = keys.len;
	if (rc == 0 && !st->started)
		rc = cp_buf_addc(&b, '[', NULL);
	for (size_t r = 0; r < nrows && rc == 0; r++) {
		rc = cp_buf_adds(&b, st->rows + r ? ",\n  {" : "\n  {", NULL);
		for (size_t c = 0; c < t->ncols && rc == 0; c++) {
			const char *s = t->cells[r * t->ncols + c];
			rc = cp_buf_add(&b, keys.data + at[c],
					at[c + 1] - at[c], NULL);
			if (rc)
				break;
			if (s == NULL)
				rc = cp_buf_adds(&b, "null", NULL);
			else if (t->cols[c].type == COL_TEXT)
				rc = out_json_string(&b, s);
			else if (t->cols[c].type == COL_BOOL)
				rc = cp_buf_adds(&b, json_bool(s), NULL);
			else
				rc = cp_buf_adds(&b, s, NULL);
		}
		rc = rc || cp_buf_addc(&b, '}', NULL);
		if (rc == 0 && flush_some(&b, f, false))
			rc = CP_EIO;
	}
	if (last)
		rc = rc ||
		     cp_buf_adds(&b, st->rows + nrows ? "\n]\n" : "]\n", NULL);
	if (rc == 0 && flush_some(&b, f, true))
		rc = CP_EIO;
	cp_buf_release(&b);
	cp_buf_release(&keys);
	free(at);
	return rc == CP_EIO ? CP_EIO : rc ? CP_ENOMEM : 0;
}

int out_table_stream(const struct out_table *t, FILE *f, enum cmd_format fmt,
		     struct out_stream *st, bool last)
{
	int rc;

	if (t->failed || t->ncells % t->ncols)
		return CP_ENOMEM;
	switch (fmt) {
	case FORMAT_CSV:
		rc = print_csv(t, f, !st->started);
		break;
	case FORMAT_JSON:
		rc = print_json(t, f, st, last);
		break;
	default:
		rc = print_aligned(t, f);
	}
	st->started = true;
	st->rows += t->ncells / t->ncols;
	return rc;
}

int out_table_print(const struct out_table *t, FILE *f, enum cmd_format fmt)
{
	struct out_stream st = {0};

	return out_table_stream(t, f, fmt, &st, true);
}

void out_table_open(struct out_table *t, const struct out_col *cols,
		    size_t ncols, FILE *f, enum cmd_format fmt,
		    struct out_stream *st)
{
	struct cp_buf *b = &t->b;
	int rc = 0;

	out_table_init(t, cols, ncols);
	t->f = f;
	t->fmt = fmt;
	t->st = st;
	if (fmt != FORMAT_CSV && fmt != FORMAT_JSON)
		return; /* aligned: printed whole by out_table_close */
	t->direct = true;
	cp_buf_init(b, 0);
	cp_buf_init(&t->keys, 0);
	if (fmt == FORMAT_JSON) {
		/* Each column's '"name": ' once, not once per cell. */
		if ((t->key_at = calloc(ncols + 1, sizeof(size_t))) == NULL)
			rc = CP_ENOMEM;
		for (size_t c = 0; c < ncols && rc == 0; c++) {
			t->key_at[c] = t->keys.len;
			rc = (c ? cp_buf_adds(&t->keys, ", ", NULL) : 0) ||
			     out_json_string(&t->keys, cols[c].name) ||
			     cp_buf_adds(&t->keys, ": ", NULL);
		}
		if (rc == 0)
			t->key_at[ncols] = t->keys.len;
		if (rc == 0 && !st->started)
			rc = cp_buf_addc(b, '[', NULL);
	} else {
		for (size_t c = 0; !st->started && c < ncols && rc == 0; c++)
			rc = (c ? cp_buf_addc(b, ',', NULL) : 0) ||
			     cp_csv_field(b, cols[c].name, NULL);
		if (rc == 0 && !st->started)
			rc = cp_buf_add(b, "\r\n", 2, NULL);
	}
	st->started = true;
	if (rc)
		t->failed = CP_ENOMEM;
}

int out_table_close(struct out_table *t, bool last)
{
	int rc = 0;

	if (!t->direct) {
		if (t->f)
			rc = out_table_stream(t, t->f, t->fmt, t->st, last);
		out_table_release(t);
		return rc;
	}
	if (t->failed || t->ncells % t->ncols)
		rc = t->failed == CP_EIO ? CP_EIO : CP_ENOMEM;
	if (rc == 0 && last && t->fmt == FORMAT_JSON &&
	    cp_buf_adds(&t->b, t->st->rows ? "\n]\n" : "]\n", NULL))
		rc = CP_ENOMEM;
	if (rc == 0)
		rc = flush_some(&t->b, t->f, true);
	out_table_release(t);
	return rc;
}
