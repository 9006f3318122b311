/*
 * csv_reader.c - the one CSV reader (see csv_reader.h).
 *
 * libcsv does the RFC 4180 tokenising. It is fed one physical line at a
 * time, so the reader always knows which line it is on: a record starts on
 * the first line fed while none is open and ends with the line end that
 * makes libcsv end a row. A line holds at most one such end (it stops at
 * its first CR or LF), so each line fed yields at most one record.
 *
 * The fields of the record being read are appended, NUL-terminated, to
 * one buffer that is reused for every record; their positions are turned
 * into pointers once the record is complete, as the buffer may move while
 * it grows.
 */
#include "csv_reader.h"

#include <csv.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"

#define CSV_OPTIONS (CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL)
#define NAME_SHOWN  60 /* bytes of a header name used in a message */

struct cp_csv {
	struct csv_parser csv;
	const char *file, *text;
	size_t len, pos;
	struct cp_csv_limits limits;
	int line;	   /* the physical line last fed to libcsv */
	size_t rows_ended; /* row ends libcsv reported, blank lines too */
	bool at_boundary;  /* no record is open */
	bool fini_done, ended, oom, ready, header_seen;
	size_t records; /* records after the header, good or not */
	/* The record being read. */
	struct cp_csv_record rec;
	char *buf;
	size_t buf_len, buf_alloc;
	size_t *offset; /* of each kept field in buf */
	size_t fields_alloc;
	/* The header's names, for messages: copies, trimmed. */
	char **names;
	size_t nnames;
};

/* Room for n more bytes in the record buffer. */
static bool reserve(struct cp_csv *r, size_t n)
{
	size_t alloc = r->buf_alloc ? r->buf_alloc : 256;
	char *p;

	if (r->buf_len + n <= r->buf_alloc)
		return true;
	while (alloc < r->buf_len + n)
		alloc *= 2;
	p = realloc(r->buf, alloc);
	if (p == NULL)
		return false;
	r->buf = p;
	r->buf_alloc = alloc;
	return true;
}

/* Room for one more kept field. */
static bool reserve_field(struct cp_csv *r)
{
	size_t alloc = r->fields_alloc ? r->fields_alloc * 2 : 16;
	struct cp_csv_value *v;
	size_t *o;

	if (r->rec.nfields < r->fields_alloc)
		return true;
	v = realloc(r->rec.field, alloc * sizeof(*v));
	if (v == NULL)
		return false;
	r->rec.field = v;
	o = realloc(r->offset, alloc * sizeof(*o));
	if (o == NULL)
		return false;
	r->offset = o;
	r->fields_alloc = alloc;
	return true;
}

/*
 * libcsv's field callback (s may be NULL when len is 0). Fields past
 * max_fields are only counted, and one past max_field only flagged, so a
 * hostile file cannot make the reader hold much more than one record.
 */
static void on_field(void *s, size_t len, void *data)
{
	struct cp_csv *r = data;
	size_t i = r->rec.nfields;
	struct cp_csv_value *v;

	if (r->oom || r->ready)
		return;
	if (i >= r->limits.max_fields) {
		r->rec.nfields++;
		return;
	}
	if (!reserve_field(r)) {
		r->oom = true;
		return;
	}
	v = &r->rec.field[i];
	v->flags = 0;
	if (len > r->limits.max_field) {
		v->flags = CP_CSV_TOO_LONG;
		len = 0;
	}
	if (!reserve(r, len + 1)) {
		r->oom = true;
		return;
	}
	r->offset[i] = r->buf_len;
	v->len = len;
	if (len) {
		memcpy(r->buf + r->buf_len, s, len);
		if (memchr(s, '\0', len))
			v->flags |= CP_CSV_NUL;
		if (!cp_utf8_valid(s, len))
			v->flags |= CP_CSV_BAD_UTF8;
	}
	r->buf[r->buf_len + len] = '\0';
	r->buf_len += len + 1;
	r->rec.nfields++;
}

/* libcsv's row callback: a row without fields is a blank line. */
static void on_row_end(int c, void *data)
{
	struct cp_csv *r = data;

	(void)c;
	r->rows_ended++;
	if (r->rec.nfields > 0)
		r->ready = true;
}

/* Forgets the record being read. */
static void drop_record(struct cp_csv *r)
{
	r->rec.nfields = 0;
	r->buf_len = 0;
	r->ready = false;
}

static size_t kept(const struct cp_csv *r)
{
	return r->rec.nfields < r->limits.max_fields ? r->rec.nfields
						     : r->limits.max_fields;
}

/* How a message names the field at position: by its header name when it
 * has a plain one (returned), else by its number (NULL). */
static const char *field_name(const struct cp_csv *r, size_t position)
{
	const char *name = position < r->nnames ? r->names[position] : NULL;
	bool plain = name && *name && strlen(name) <= NAME_SHOWN &&
		     cp_utf8_valid(name, strlen(name));

	for (const char *p = name; plain && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F || *p == '\'')
			plain = false;
	return plain ? name : NULL;
}

/* Keeps the header's names, trimmed, to name fields in messages. */
static bool keep_names(struct cp_csv *r)
{
	size_t n = kept(r);

	r->names = calloc(n ? n : 1, sizeof(*r->names));
	if (r->names == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		r->names[i] = cp_strdup(r->rec.field[i].text);
		if (r->names[i] == NULL)
			return false;
		cp_trim(r->names[i]);
		r->nnames++;
	}
	return true;
}

/* Ends reading: out of memory. */
static int out_of_memory(struct cp_csv *r, struct cp_error *err)
{
	r->ended = true;
	drop_record(r);
	return cp_error_set_at(err, CP_ENOMEM, r->file, 0, 0,
			       N_("out of memory reading CSV"));
}

/* Ends reading: the text has more than max rows (or lines when lines). */
static int too_many(struct cp_csv *r, struct cp_error *err, int line,
		    size_t max, bool lines)
{
	r->ended = true;
	drop_record(r);
	if (lines)
		return cp_error_set_at(
		    err, CP_EDATA, r->file, line, 0,
		    cp_ngettext_error("file has more than %zu line",
				      "file has more than %zu lines", max),
		    max);
	return cp_error_set_at(
	    err, CP_EDATA, r->file, line, 0,
	    r->limits.roster
		? cp_ngettext_error("roster has more than %zu row",
				    "roster has more than %zu rows", max)
		: cp_ngettext_error("file has more than %zu row",
				    "file has more than %zu rows", max),
	    max);
}

enum malformed {
	QUOTE_IN_UNQUOTED,
	TEXT_AFTER_QUOTE,
	UNCLOSED_QUOTE,
};

/*
 * Drops the record that libcsv refused and starts a fresh parser for the
 * next line. Returns CP_EDATA with err set at line, or CP_ENOMEM.
 */
static int malformed(struct cp_csv *r, struct cp_error *err, int line,
		     enum malformed why)
{
	size_t position = r->rec.nfields;
	const char *name;

	if (csv_error(&r->csv) != CSV_EPARSE)
		return out_of_memory(r, err);
	drop_record(r);
	csv_free(&r->csv);
	if (csv_init(&r->csv, CSV_OPTIONS) != 0)
		return out_of_memory(r, err);
	r->at_boundary = true;
	if (r->header_seen || !r->limits.header)
		r->records++;
	name = field_name(r, position);
	/* TRANSLATORS: a field named by its column's name in the header
	 * (%s) or by its number (%zu); "field" as the file says it. */
	switch (why) {
	case QUOTE_IN_UNQUOTED:
		return name ? cp_error_set_at(err, CP_EDATA, r->file, line, 0,
					      N_("malformed CSV: quote inside "
						 "unquoted field '%s' (quote "
						 "the whole field and double "
						 "the quotes in it)"),
					      name)
			    : cp_error_set_at(err, CP_EDATA, r->file, line, 0,
					      N_("malformed CSV: quote inside "
						 "unquoted field %zu (quote "
						 "the whole field and double "
						 "the quotes in it)"),
					      position + 1);
	case TEXT_AFTER_QUOTE:
		return name ? cp_error_set_at(err, CP_EDATA, r->file, line, 0,
					      N_("malformed CSV: text after "
						 "the closing quote of field "
						 "'%s' (a quote inside a "
						 "quoted field is written "
						 "twice)"),
					      name)
			    : cp_error_set_at(err, CP_EDATA, r->file, line, 0,
					      N_("malformed CSV: text after "
						 "the closing quote of field "
						 "%zu (a quote inside a quoted "
						 "field is written twice)"),
					      position + 1);
	default:
		return name ? cp_error_set_at(err, CP_EDATA, r->file, line, 0,
					      N_("malformed CSV: the quote "
						 "opening field '%s' is never "
						 "closed"),
					      name)
			    : cp_error_set_at(err, CP_EDATA, r->file, line, 0,
					      N_("malformed CSV: the quote "
						 "opening field %zu is never "
						 "closed"),
					      position + 1);
	}
}

/* The end of the physical line starting at pos: past LF, CRLF or a lone
 * CR, or len. */
static size_t line_end(const char *text, size_t pos, size_t len)
{
	while (pos < len && text[pos] != '\n' && text[pos] != '\r')
		pos++;
	if (pos < len && text[pos] == '\r')
		pos++;
	if (pos < len && text[pos] == '\n')
		pos++;
	return pos;
}

/*
 * Feeds lines until a record is complete. Returns 1 when one is, 0 at the
 * end of the text, or an error.
 */
static int read_record(struct cp_csv *r, struct cp_error *err)
{
	while (!r->ready) {
		size_t end, ended = r->rows_ended, n;

		if (r->pos >= r->len) {
			if (r->fini_done)
				return 0;
			r->fini_done = true;
			/* A file need not end in a line end. */
			if (csv_fini(&r->csv, on_field, on_row_end, r) != 0) {
				r->ended = true;
				return malformed(r, err, r->rec.line,
						 UNCLOSED_QUOTE);
			}
			break;
		}
		if (r->line == INT_MAX)
			return too_many(r, err, 0, (size_t)INT_MAX - 1, true);
		r->line++;
		end = line_end(r->text, r->pos, r->len);
		n = end - r->pos;
		if (r->at_boundary)
			r->rec.line = r->line;
		if (csv_parse(&r->csv, r->text + r->pos, n, on_field,
			      on_row_end, r) < n) {
			r->pos = end;
			return malformed(r, err, r->line,
					 r->csv.quoted ? TEXT_AFTER_QUOTE
						       : QUOTE_IN_UNQUOTED);
		}
		r->pos = end;
		if (r->oom)
			return out_of_memory(r, err);
		r->at_boundary = r->rows_ended != ended;
	}
	if (r->oom)
		return out_of_memory(r, err);
	return r->ready;
}

int cp_csv_next(struct cp_csv *r, struct cp_csv_record **rec,
		struct cp_error *err)
{
	int rc;

	*rec = NULL;
	if (r->ended)
		return 0;
	drop_record(r);
	rc = read_record(r, err);
	if (rc <= 0) {
		if (rc == 0)
			r->ended = true;
		return rc;
	}
	for (size_t i = 0; i < kept(r); i++)
		r->rec.field[i].text = r->buf + r->offset[i];
	r->rec.header = r->limits.header && !r->header_seen;
	if (r->rec.header) {
		r->header_seen = true;
		if (!keep_names(r))
			return out_of_memory(r, err);
	} else if (++r->records > r->limits.max_records) {
		return too_many(r, err, r->rec.line, r->limits.max_records,
				false);
	}
	*rec = &r->rec;
	return 1;
}

const char *cp_csv_problem(const struct cp_csv *r, const struct cp_csv_value *v,
			   const char *name, char *out, size_t n)
{
	if (v->flags & CP_CSV_TOO_LONG)
		snprintf(out, n, "%s is longer than %zu bytes", name,
			 r->limits.max_field);
	else if (v->flags & CP_CSV_NUL)
		snprintf(out, n, "%s contains a NUL byte", name);
	else if (v->flags & CP_CSV_BAD_UTF8)
		snprintf(out, n, "%s is not valid UTF-8", name);
	else
		return NULL;
	return out;
}

int cp_csv_open(struct cp_csv **out, const char *file, const char *text,
		size_t len, const struct cp_csv_limits *limits,
		struct cp_error *err)
{
	struct cp_csv *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL)
		return cp_error_set_at(err, CP_ENOMEM, file, 0, 0,
				       N_("out of memory"));
	if (csv_init(&r->csv, CSV_OPTIONS) != 0) {
		free(r);
		return cp_error_set_at(err, CP_ENOMEM, file, 0, 0,
				       N_("out of memory"));
	}
	r->file = file ? file : "";
	r->text = text ? text : "";
	r->len = text ? len : 0;
	if (limits)
		r->limits = *limits;
	if (r->limits.max_field == 0)
		r->limits.max_field = CP_CSV_MAX_FIELD;
	if (r->limits.max_fields == 0)
		r->limits.max_fields = 1;
	if (r->limits.max_records == 0)
		r->limits.max_records = SIZE_MAX;
	r->at_boundary = true;
	if (r->len >= 3 && memcmp(r->text, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
	*out = r;
	return 0;
}

void cp_csv_free(struct cp_csv *r)
{
	if (r == NULL)
		return;
	csv_free(&r->csv);
	for (size_t i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	free(r->rec.field);
	free(r->offset);
	free(r->buf);
	free(r);
}
