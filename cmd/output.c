#include "output.h"

#include <math.h>
#include <pthread.h>
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
		cp_buf_release(&t->again);
		cp_buf_release(&t->kept);
	}
	free(t->key_at);
	memset(t, 0, sizeof(*t));
}

/* Writes what b holds to f once it has 256 KiB: the output of a whole
 * organisation's results is hundreds of megabytes, and need not be held;
 * 64 KiB writes cost 5% more CPU at full scale (a system call each),
 * 1 MiB no less than 256 KiB. */
static int flush_some(struct cp_buf *b, FILE *f, bool all)
{
	if (b->len == 0 || (!all && b->len < (1u << 18)))
		return 0;
	if (fwrite(b->data, 1, b->len, f) != b->len)
		return CP_EIO;
	cp_buf_reset(b);
	return 0;
}

/*
 * An out_stream's writer thread (out_stream_async): a direct table's
 * full buffer is queued to it and the table goes on in a spare one, so
 * the system calls that copy the output into the kernel run beside the
 * formatting. At most OUT_QUEUED buffers wait (each about 256 KiB, the
 * size flush_some writes at), so memory does not grow with the output;
 * they are written in the order they came, each with one fwrite as
 * flush_some does. After a failed write nothing more is written and
 * every later hand-over fails with CP_EIO, as flush_some's would.
 */
#define OUT_QUEUED 2

struct out_writer {
	FILE *f;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work; /* the writer: a buffer queued, or the end */
	pthread_cond_t room; /* the table: a buffer written */
	/* Under the lock: */
	struct cp_buf queue[OUT_QUEUED]; /* from head, count of them */
	size_t head, count;
	struct cp_buf spare[OUT_QUEUED + 1]; /* written, kept for reuse */
	size_t nspare;
	bool end;
	int failed; /* CP_EIO once a write failed */
};

static void *writer_run(void *arg)
{
	struct out_writer *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct cp_buf b;
		bool ok;

		while (w->count == 0 && !w->end)
			pthread_cond_wait(&w->work, &w->lock);
		if (w->count == 0)
			break;
		b = w->queue[w->head];
		ok = !w->failed;
		pthread_mutex_unlock(&w->lock);
		if (ok)
			ok = fwrite(b.data, 1, b.len, w->f) == b.len;
		cp_buf_reset(&b);
		pthread_mutex_lock(&w->lock);
		if (!ok)
			w->failed = CP_EIO;
		w->head = (w->head + 1) % OUT_QUEUED;
		w->count--;
		if (w->nspare < OUT_QUEUED + 1)
			w->spare[w->nspare++] = b;
		else
			cp_buf_release(&b);
		pthread_cond_signal(&w->room);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int out_stream_async(struct out_stream *st, FILE *f)
{
	struct out_writer *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return CP_ENOMEM;
	w->f = f;
	if (pthread_mutex_init(&w->lock, NULL) != 0) {
		free(w);
		return CP_ENOMEM;
	}
	if (pthread_cond_init(&w->work, NULL) != 0) {
		pthread_mutex_destroy(&w->lock);
		free(w);
		return CP_ENOMEM;
	}
	if (pthread_cond_init(&w->room, NULL) != 0) {
		pthread_cond_destroy(&w->work);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return CP_ENOMEM;
	}
	if (pthread_create(&w->thread, NULL, writer_run, w) != 0) {
		pthread_cond_destroy(&w->room);
		pthread_cond_destroy(&w->work);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return CP_ENOMEM;
	}
	st->writer = w;
	return 0;
}

int out_stream_end(struct out_stream *st)
{
	struct out_writer *w = st->writer;
	int rc;

	if (w == NULL)
		return 0;
	pthread_mutex_lock(&w->lock);
	w->end = true;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	rc = w->failed;
	for (size_t i = 0; i < w->nspare; i++)
		cp_buf_release(&w->spare[i]);
	pthread_cond_destroy(&w->room);
	pthread_cond_destroy(&w->work);
	pthread_mutex_destroy(&w->lock);
	free(w);
	st->writer = NULL;
	return rc;
}

/* flush_some for a direct table: to the stream's writer when it has
 * one (b is then a spare buffer, empty), else written here. */
static int flush_table(struct out_table *t, bool all)
{
	struct out_writer *w = t->st->writer;
	struct cp_buf *b = &t->b;
	int rc;

	if (w == NULL)
		return flush_some(b, t->f, all);
	if (b->len == 0 || (!all && b->len < (1u << 18)))
		return 0;
	pthread_mutex_lock(&w->lock);
	while (w->count == OUT_QUEUED && !w->failed)
		pthread_cond_wait(&w->room, &w->lock);
	rc = w->failed;
	if (rc == 0) {
		w->queue[(w->head + w->count) % OUT_QUEUED] = *b;
		w->count++;
		pthread_cond_signal(&w->work);
		if (w->nspare) {
			*b = w->spare[--w->nspare];
		} else {
			size_t max = b->max;
			cp_buf_init(b, max);
		}
	}
	pthread_mutex_unlock(&w->lock);
	if (rc)
		cp_buf_reset(b);
	return rc;
}

/* A JSON boolean cell's value from its text. */
static const char *json_bool(const char *s)
{
	return strcmp(s, "0") && strcmp(s, "no") && strcmp(s, "false")
		   ? "true"
		   : "false";
}

/*
 * The direct path (a table opened with out_table_open): every cell goes
 * into the table's buffer at once, with what comes before it (the row's
 * opening, the column's key or the separator) and after it (the row's
 * end). A results table has a million cells, so the path is kept short:
 * room is made once per cell, the pieces are copied without further
 * checks, and the buffer is not NUL-terminated (only its len is
 * written to f).
 */

/* Bytes copied at once for a short run of keys: a constant size is two
 * vector moves, where a run's own length was a call into libc for each
 * cell. The keys buffer has this much room past its end. */
#define KEY_COPY 32

/* Room for n more bytes in b; false (t failed) when there is none. */
static inline bool room(struct out_table *t, size_t n)
{
	struct cp_buf *b = &t->b;

	if (b->alloc - b->len > n)
		return true;
	if (cp_buf_reserve(b, n, NULL) == 0)
		return true;
	t->failed = CP_ENOMEM;
	return false;
}

/*
 * No-value cells are not written when they are given: they are a run,
 * from column t->nulls_from to the next cell's (t->col), written with the
 * next cell that has a value, or at the row's end. In JSON the run's keys
 * and "null"s lie in a row in t->keys, up to the next cell's key: one
 * copy for the run and the key; in CSV the run is its separators.
 * t->nulls_from is 0 only while nothing of the row is written (its
 * opening neither).
 */

/* The most bytes of lead (the row's opening, a run of no-value cells and
 * the key, or separators) before the value of a cell at column to. */
static inline size_t lead_max(const struct out_table *t, size_t to)
{
	if (t->fmt == FORMAT_JSON)
		return t->key_at[to + 1] - t->key_at[t->nulls_from] + KEY_COPY +
		       8;
	return to - t->nulls_from + 1;
}

/* The row's opening, when nothing of it is written yet, at p (with room
 * for it); returns where what follows goes. Sets t->row_at. */
static inline char *row_start(struct out_table *t, char *p)
{
	if (t->nulls_from != 0)
		return p;
	if (t->fmt == FORMAT_JSON) {
		if (t->st->rows) {
			memcpy(p, ",\n  {", 5);
			p += 5;
		} else {
			memcpy(p, "\n  {", 4);
			p += 4;
		}
	}
	t->row_at = (size_t)(p - t->b.data);
	return p;
}

/* The run of no-value cells before column to, and with key the key of
 * column to (JSON; in CSV its separator), at p; returns their end. */
static inline char *lead(struct out_table *t, char *p, size_t to, bool key)
{
	size_t from = t->nulls_from;

	p = row_start(t, p);
	if (t->fmt == FORMAT_JSON) {
		const char *k = t->keys.data + t->key_at[from];
		size_t n = t->key_at[to] - t->key_at[from];

		if (key && to < t->ncols)
			n += t->key_at[to + 1] - t->key_at[to] - 4;
		if (n <= KEY_COPY)
			memcpy(p, k, KEY_COPY);
		else
			memcpy(p, k, n);
		return p + n;
	}
	/* A separator before each cell but a row's first. */
	for (size_t c = from; c < to + key; c++)
		if (c)
			*p++ = ',';
	return p;
}

/* Where the next cell's value goes, after its lead, with room for n
 * bytes of value and the row's end; NULL when out of memory. */
static char *cell_at(struct out_table *t, size_t n)
{
	char *p;

	if (t->failed || !room(t, lead_max(t, t->col) + n + 4))
		return NULL;
	p = t->b.data + t->b.len;
	return lead(t, p, t->col, true);
}

/* The row is complete at p (its no-value cells written): its end, and
 * the buffer written to f once it is large. */
static void row_end(struct out_table *t, char *p)
{
	int rc;

	if (t->fmt == FORMAT_JSON) {
		*p++ = '}';
	} else {
		memcpy(p, "\r\n", 2);
		p += 2;
	}
	t->b.len = (size_t)(p - t->b.data);
	t->col = 0;
	t->nulls_from = 0;
	t->st->rows++;
	if ((rc = flush_table(t, false)))
		t->failed = rc;
}

/* The cell that ends at p is complete: the row's end after the last
 * column. */
static void cell_done(struct out_table *t, char *p)
{
	t->ncells++;
	t->nulls_from = ++t->col;
	if (t->col < t->ncols) {
		t->b.len = (size_t)(p - t->b.data);
		return;
	}
	row_end(t, p);
}

/* The pending no-value cells written out (the row so far is then in
 * b, as out_row_keep needs it). */
static void nulls_out(struct out_table *t)
{
	char *p;

	if (t->failed || t->nulls_from == t->col ||
	    !room(t, lead_max(t, t->col) + 4))
		return;
	p = lead(t, t->b.data + t->b.len, t->col, false);
	t->b.len = (size_t)(p - t->b.data);
	t->nulls_from = t->col;
}

/* Appends s (len bytes) to the buffer the way a text cell needs it,
 * into the cell begun at p (with its lead), and ends the cell. */
static void text_tail(struct out_table *t, char *p, const char *s,
		      bool bool_col)
{
	struct cp_buf *b = &t->b;
	int rc;

	b->len = (size_t)(p - b->data);
	if (t->fmt == FORMAT_JSON)
		rc = bool_col ? cp_buf_adds(b, json_bool(s), NULL)
			      : out_json_string(b, s);
	else
		rc = cp_csv_field(b, s, NULL);
	if (rc || !room(t, 4)) {
		t->failed = CP_ENOMEM;
		return;
	}
	cell_done(t, b->data + b->len);
}

/* No-value cells up to column to (col < to <= ncols): a longer run, or
 * the row's end. */
static void direct_nulls(struct out_table *t, size_t to)
{
	char *p;

	if (t->failed)
		return;
	t->ncells += to - t->col;
	if (to < t->ncols) {
		t->col = to;
		return;
	}
	/* The row's end: the run with every "null" (no key after it). */
	if (!room(t, lead_max(t, t->ncols - 1) + 8))
		return;
	p = lead(t, t->b.data + t->b.len, t->ncols, false);
	row_end(t, p);
}

/* A text (or boolean) cell of a direct table; NULL for no value. */
static void direct_cell(struct out_table *t, const char *s)
{
	enum col_type type;
	size_t len;
	char *p;

	if (t->failed)
		return;
	if (s == NULL) {
		direct_nulls(t, t->col + 1);
		return;
	}
	type = t->cols[t->col].type;
	if (t->fmt == FORMAT_JSON && type == COL_BOOL) {
		const char *v = json_bool(s);
		len = v[0] == 't' ? 4 : 5;
		if ((p = cell_at(t, len)) == NULL)
			return;
		memcpy(p, v, len);
		cell_done(t, p + len);
		return;
	}
	len = strlen(s);
	if ((p = cell_at(t, len + 6)) == NULL)
		return;
	if (t->fmt == FORMAT_JSON && type == COL_TEXT) {
		/* Most text needs no escape: copied as it is scanned. */
		size_t i = 0;
		*p = '"';
		while (i < len && (unsigned char)s[i] >= 0x20 && s[i] != '"' &&
		       s[i] != '\\') {
			p[1 + i] = s[i];
			i++;
		}
		if (i == len) {
			p[1 + len] = '"';
			cell_done(t, p + len + 2);
			return;
		}
	} else if (t->fmt == FORMAT_JSON) {
		memcpy(p, s, len);
		cell_done(t, p + len);
		return;
	}
	text_tail(t, p, s, type == COL_BOOL);
}

/* A number out_fixed or an integer writer gave (len bytes at s), which
 * CSV needs neither quote nor mark for. */
static void direct_number(struct out_table *t, const char *s, size_t len)
{
	char *p;

	if (t->failed)
		return;
	if (t->cols[t->col].type != COL_INT &&
	    t->cols[t->col].type != COL_NUM) {
		direct_cell(t, s); /* quoted, or a boolean, as its text */
		return;
	}
	if ((p = cell_at(t, len)) == NULL)
		return;
	memcpy(p, s, len);
	cell_done(t, p + len);
}

bool out_row_again(struct out_table *t, const void *key, int64_t id)
{
	size_t n = t->again.len;
	char *p;

	if (!t->direct || t->failed || t->col != 0 || t->again_cells == 0 ||
	    t->again_key != key || t->again_id != id ||
	    t->again_cells >= t->ncols || !room(t, n + 8))
		return false;
	p = row_start(t, t->b.data + t->b.len);
	memcpy(p, t->again.data, n);
	t->b.len = (size_t)(p + n - t->b.data);
	t->col = t->again_cells;
	t->nulls_from = t->col;
	t->ncells += t->again_cells;
	return true;
}

void out_row_keep(struct out_table *t, const void *key, int64_t id)
{
	t->again_cells = 0;
	if (!t->direct || t->failed || t->col == 0)
		return;
	nulls_out(t);
	if (t->failed || t->nulls_from != t->col)
		return;
	cp_buf_reset(&t->again);
	if (cp_buf_add(&t->again, t->b.data + t->row_at, t->b.len - t->row_at,
		       NULL))
		return; /* not kept: the cells are given each time */
	t->again_key = key;
	t->again_id = id;
	t->again_cells = t->col;
}

bool out_cells_again(struct out_table *t, size_t slot, const void *key)
{
	const struct out_kept *k = &t->kept_at[slot < OUT_KEPT ? slot : 0];
	char *p;

	if (!t->direct || t->failed || slot >= OUT_KEPT || key == NULL ||
	    k->key != key || k->col != t->col || t->col == 0 ||
	    k->col + k->ncells >= t->ncols)
		return false;
	nulls_out(t);
	if (t->failed || t->nulls_from != t->col || !room(t, k->len + 8))
		return false;
	p = t->b.data + t->b.len;
	memcpy(p, t->kept.data + k->at, k->len);
	t->b.len += k->len;
	t->col += k->ncells;
	t->nulls_from = t->col;
	t->ncells += k->ncells;
	return true;
}

void out_cells_mark(struct out_table *t)
{
	t->mark_at = t->mark_col = 0;
	if (!t->direct || t->failed || t->col == 0)
		return;
	nulls_out(t);
	if (t->failed || t->nulls_from != t->col)
		return;
	t->mark_at = t->b.len;
	t->mark_col = t->col;
}

void out_cells_keep(struct out_table *t, size_t slot, const void *key)
{
	struct out_kept *k = &t->kept_at[slot < OUT_KEPT ? slot : 0];
	size_t col = t->mark_col, at = t->mark_at;

	t->mark_at = t->mark_col = 0;
	if (!t->direct || t->failed || slot >= OUT_KEPT || key == NULL ||
	    col == 0 || t->col <= col)
		return;
	nulls_out(t);
	if (t->failed || t->nulls_from != t->col ||
	    cp_buf_add(&t->kept, t->b.data + at, t->b.len - at, NULL)) {
		k->key = NULL;
		return;
	}
	k->key = key;
	k->col = col;
	k->ncells = t->col - col;
	k->at = t->kept.len - (t->b.len - at);
	k->len = t->b.len - at;
}

void out_cell(struct out_table *t, const char *text)
{
	char *copy = NULL;

	if (t->direct) {
		direct_cell(t, text);
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
	if (t->direct) {
		if (col > t->ncols || (col < t->ncols && t->col > col)) {
			fprintf(stderr,
				"carepulse: bug: column '%s' is already past\n",
				col < t->ncols ? t->cols[col].name : "?");
			abort();
		}
		if (col == t->ncols && t->col == 0)
			return; /* the row is already complete */
		if (col > t->col)
			direct_nulls(t, col);
		return;
	}
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

/* "00" to "99": two digits a step. */
static const char digit_pairs[] = "00010203040506070809"
				  "10111213141516171819"
				  "20212223242526272829"
				  "30313233343536373839"
				  "40414243444546474849"
				  "50515253545556575859"
				  "60616263646566676869"
				  "70717273747576777879"
				  "80818283848586878889"
				  "90919293949596979899";

/* u in decimal, ending just before end; returns where it starts. */
static inline char *decimal(char *end, uint64_t u)
{
	while (u >= 100) {
		end -= 2;
		memcpy(end, digit_pairs + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10) {
		end -= 2;
		memcpy(end, digit_pairs + 2 * u, 2);
	} else {
		*--end = (char)('0' + u);
	}
	return end;
}

size_t out_fixed(char *buf, double v, int prec)
{
	static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
	static const uint32_t tens[] = {1,     10,     100,    1000,
					10000, 100000, 1000000};
	double x, r, frac;
	int64_t i;
	uint64_t u;
	uint32_t f;
	size_t n, whole = 1;
	char *p;

	/* printf rounds the exact binary value, ties to even. v * 10^prec
	 * is within a few ulps of that exact value, so its nearest integer
	 * is printf's unless the product is near a tie: those, negative
	 * results of zero ("-0.0"), large, infinite and NaN values go to
	 * snprintf. */
	if (prec < 0 || prec > 6 || !(fabs(v) < 1e12))
		goto slow;
	x = fabs(v) * scale[prec];
	/* floor: x is below 1e18, so a signed conversion (one instruction,
	 * where an unsigned one is a branch and several). */
	i = (int64_t)x;
	r = (double)i;
	frac = x - r;
	if (fabs(frac - 0.5) < 1e-6)
		goto slow;
	u = (uint64_t)i + (frac > 0.5);
	if (signbit(v) && u == 0)
		goto slow;
	/* The prec decimals split off: four (every number of results' CSV
	 * and JSON) by a constant, a multiplication; the others by the
	 * table's power of ten. */
	if (prec == 4 && u <= UINT32_MAX) /* nearly always: 32 bits */
		f = (uint32_t)u % 10000, u = (uint32_t)u / 10000;
	else if (prec == 4)
		f = (uint32_t)(u % 10000), u /= 10000;
	else
		f = (uint32_t)(u % tens[prec]), u /= tens[prec];
	/* Written from the right straight into buf, two digits a step, its
	 * length known first (a copy from a scratch array just written
	 * stalled on every number). */
	for (uint64_t w = u; w >= 10; w /= 10)
		whole++;
	n = (signbit(v) ? 1 : 0) + whole + (prec > 0 ? 1 + (size_t)prec : 0);
	p = buf + n;
	*p = '\0';
	if (prec == 4) {
		memcpy(p - 2, digit_pairs + 2 * (f % 100), 2);
		memcpy(p - 4, digit_pairs + 2 * (f / 100), 2);
		p -= 4;
		f = 0;
	}
	for (int k = prec == 4 ? 0 : prec; k >= 2; k -= 2) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * (f % 100), 2);
		f /= 100;
	}
	if (prec & 1)
		*--p = (char)('0' + f);
	if (prec > 0)
		*--p = '.';
	decimal(p, u);
	if (signbit(v))
		buf[0] = '-';
	return n;
slow:
	return (size_t)snprintf(buf, OUT_FIXED_MAX, "%.*f", prec, v);
}

void out_cell_fixed(struct out_table *t, double v, int prec)
{
	char buf[OUT_FIXED_MAX];
	size_t len;
	char *p;

	if (!t->direct || t->failed ||
	    (t->cols[t->col].type != COL_INT &&
	     t->cols[t->col].type != COL_NUM)) {
		out_fixed(buf, v, prec);
		out_cell(t, buf);
		return;
	}
	/* Written in place; only snprintf's "-inf" and "-nan" would be
	 * marked in CSV, so those take the text path. */
	if ((p = cell_at(t, OUT_FIXED_MAX)) == NULL)
		return;
	len = out_fixed(p, v, prec);
	if (p[0] != '-' || (p[1] >= '0' && p[1] <= '9') ||
	    t->fmt == FORMAT_JSON) {
		cell_done(t, p + len);
		return;
	}
	memcpy(buf, p, len + 1);
	text_tail(t, p, buf, false);
}

void out_cell_int(struct out_table *t, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	if (t->direct && !t->failed &&
	    (t->cols[t->col].type == COL_INT ||
	     t->cols[t->col].type == COL_NUM)) {
		/* Written in place, its length counted first. */
		size_t n = 1 + (v < 0);

		for (uint64_t w = u; w >= 10; w /= 10)
			n++;
		if ((p = cell_at(t, n)) == NULL)
			return;
		decimal(p + n, u);
		if (v < 0)
			*p = '-';
		cell_done(t, p + n);
		return;
	}
	*--p = '\0';
	p = decimal(p, u);
	if (v < 0)
		*--p = '-';
	if (t->direct)
		direct_number(t, p, (size_t)(buf + sizeof(buf) - 1 - p));
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
	cp_buf_init(&t->again, 0);
	cp_buf_init(&t->kept, 0);
	if (fmt == FORMAT_JSON) {
		/* Each column's '"name": ' once, not once per cell, each
		 * followed by "null" (a run of no-value cells is one copy). */
		if ((t->key_at = calloc(ncols + 1, sizeof(size_t))) == NULL)
			rc = CP_ENOMEM;
		for (size_t c = 0; c < ncols && rc == 0; c++) {
			t->key_at[c] = t->keys.len;
			rc = (c ? cp_buf_adds(&t->keys, ", ", NULL) : 0) ||
			     out_json_string(&t->keys, cols[c].name) ||
			     cp_buf_adds(&t->keys, ": null", NULL);
		}
		if (rc == 0)
			t->key_at[ncols] = t->keys.len;
		/* Room past the keys for a copy of KEY_COPY bytes. */
		if (rc == 0)
			rc = cp_buf_reserve(&t->keys, KEY_COPY, NULL);
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
		rc = flush_table(t, true);
	out_table_release(t);
	return rc;
}
