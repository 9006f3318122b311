/*
 * output.h - one table model printed three ways: an aligned table for a
 * person at a terminal, RFC 4180 CSV, or JSON (an array of objects) for
 * scripts and HR tools. Column names are the stable, documented field names.
 */
#ifndef CP_OUTPUT_H
#define CP_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "cmd.h"

enum col_type {
	COL_TEXT,
	COL_INT,
	COL_NUM,
	COL_BOOL
};

struct out_col {
	const char *name;
	enum col_type type;
};

struct out_stream;
struct out_writer;

/* The places out_cells_keep keeps cells in (see below). */
#define OUT_KEPT 32

struct out_table {
	const struct out_col *cols;
	size_t ncols;
	char **cells; /* row-major; NULL is "no value" */
	size_t ncells, alloc;
	int failed;
	/* private: a table opened with out_table_open */
	FILE *f;
	enum cmd_format fmt;
	struct out_stream *st;
	bool direct;	       /* cells are written as they come, not kept */
	size_t col;	       /* direct: the column of the next cell */
	size_t nulls_from;     /* direct: no-value cells from here to col */
	size_t row_at;	       /* direct: where the row's first cell is in b */
	struct cp_buf again;   /* out_row_keep's cells, for ... */
	const void *again_key; /* ... this key and id, ... */
	int64_t again_id;
	size_t again_cells; /* ... this many */
	struct cp_buf kept; /* out_cells_keep's cells, ... */
	struct out_kept {
		const void *key;    /* ... for this key, ... */
		size_t col, ncells; /* ... from column col, ... */
		size_t at, len;	    /* ... at kept.data + at */
	} kept_at[OUT_KEPT];
	size_t mark_at, mark_col; /* out_cells_mark: in b; 0: none */
	struct cp_buf b;	  /* what is not yet written to f */
	struct cp_buf keys;	  /* JSON: each column's '"name": null' ... */
	size_t *key_at;		  /* ... at key_at[c] to key_at[c + 1] */
};

void out_table_init(struct out_table *t, const struct out_col *cols,
		    size_t ncols);
void out_table_release(struct out_table *t);

/* Appends the next cell (rows fill left to right); NULL for no value. */
void out_cell(struct out_table *t, const char *text);
void out_cellf(struct out_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * v with prec (0-6) decimals into buf (OUT_FIXED_MAX bytes), the same
 * bytes as printf's "%.*f" without calling it for nearly every value;
 * returns the length. The two out_cell_ forms append such a cell and an
 * integer's cell.
 */
#define OUT_FIXED_MAX 352
size_t out_fixed(char *buf, double v, int prec);
void out_cell_fixed(struct out_table *t, double v, int prec);
void out_cell_int(struct out_table *t, int64_t v);

/*
 * Appends no-value cells until the next cell is column col of the row
 * being filled (col == ncols: to the row's end), so a row can be written
 * by column name. A row already past col is a bug: it says so and
 * aborts.
 */
void out_skip_to(struct out_table *t, size_t col);

/* Prints the table; 0, or CP_ENOMEM when a cell could not be stored. */
int out_table_print(const struct out_table *t, FILE *f, enum cmd_format fmt);

/*
 * Prints tables of the same columns as one: the CSV header and the JSON
 * array's '[' before the first, ']' after the one with last set, the
 * rows of each in between (an aligned table prints each whole). Each
 * table can be released once printed. st starts zeroed.
 */
struct out_stream {
	bool started;
	size_t rows;
	struct out_writer *writer; /* out_stream_async's; NULL: none */
};
int out_table_stream(const struct out_table *t, FILE *f, enum cmd_format fmt,
		     struct out_stream *st, bool last);

/*
 * A table printed as it is filled: out_table_open, cells as with
 * out_table_init, then out_table_close, which prints what is left (last
 * as in out_table_stream) and releases it. The same bytes as
 * out_table_stream, but CSV and JSON rows are written to f as their
 * cells come, each formatted once and never kept (a results table has a
 * million cells); an aligned table needs every row for its widths and is
 * kept until closed. Several tables opened in turn on one st print as
 * one. Returns 0, CP_ENOMEM or CP_EIO; a failed open or cell is returned
 * by out_table_close, which always releases.
 */
void out_table_open(struct out_table *t, const struct out_col *cols,
		    size_t ncols, FILE *f, enum cmd_format fmt,
		    struct out_stream *st);
int out_table_close(struct out_table *t, bool last);

/*
 * CSV and JSON tables opened on st written to f by a thread of their
 * own, in the same order and bytes, while the caller formats the next
 * rows: a table hands its buffer over each time flush_some would write
 * it (at most a few such buffers wait). Until out_stream_end nobody else
 * may write to f. Returns 0 or CP_ENOMEM (no thread: the tables write
 * f themselves, as without it). A failed write makes every later hand-
 * over, and so the table's close, CP_EIO.
 *
 * out_stream_end waits until everything handed over is written and
 * stops the thread (nothing to do without one); 0, or CP_EIO when a
 * write failed. Call it on every path once st's tables are closed.
 */
int out_stream_async(struct out_stream *st, FILE *f);
int out_stream_end(struct out_stream *st);

/*
 * The first cells of rows that repeat them (a results table's wave and
 * group on each of a group's rows), formatted once: at a row's start,
 * out_row_again writes the cells out_row_keep kept for the same key and
 * id and returns true; else false, and the caller gives the cells and
 * then calls out_row_keep, which keeps every cell of the row so far for
 * key and id. Only a table opened direct keeps anything (out_row_again
 * is false for the others); key and id must name the cells' content
 * while the table is open (a group and its wave).
 */
bool out_row_again(struct out_table *t, const void *key, int64_t id);
void out_row_keep(struct out_table *t, const void *key, int64_t id);

/*
 * The same for cells in the middle of rows (a results row's measure,
 * dimension, item and suppression, the same on every group's row of a
 * shown dimension): out_cells_again writes the cells kept in place slot
 * (below OUT_KEPT) for key (not NULL), when they were kept at the
 * column the row is at, and returns true; else false, and the caller
 * calls out_cells_mark, gives the cells and calls out_cells_keep, which
 * keeps the cells given since the mark in slot for key. key must name
 * the cells' content while the table is open. Only a table opened direct
 * keeps anything, and only cells after a row's first.
 */
bool out_cells_again(struct out_table *t, size_t slot, const void *key);
void out_cells_mark(struct out_table *t);
void out_cells_keep(struct out_table *t, size_t slot, const void *key);

/*
 * Prints s (NULL: "") padded with spaces to width terminal columns
 * (cp_text_width, so Chinese, Arabic and combining marks line up), on the
 * right of it, or on its left when right is true.
 */
void out_padded(FILE *f, const char *s, size_t width, bool right);

/* Appends s to b as a JSON string literal. */
int out_json_string(struct cp_buf *b, const char *s);

#endif
