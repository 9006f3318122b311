/*
 * roster_csv.c - reading a roster CSV into a struct cp_roster.
 *
 * libcsv does the RFC 4180 tokenising; this file counts lines, maps the
 * header's columns, and checks the rows: each one on its own while reading,
 * then across rows (an e-mail given twice, a team given two parents, parent
 * teams that form a cycle). Every problem is reported, in line order, so a
 * user fixes the whole file in one go.
 */
#include "roster.h"

#include <csv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"

#define MAX_ROWS	100000
#define MAX_FIELD_BYTES (64u * 1024u)
#define MAX_COLUMNS	32 /* header columns kept; a header has at most 5 */
#define MAX_NAME_BYTES	200
#define MAX_TEAM_BYTES	100
#define PRINTABLE_MAX	60 /* bytes of a value quoted in a message */
#define NO_RECORD	SIZE_MAX
#define CSV_OPTIONS	(CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL)
#define EXPECTED                                                               \
	"(expected email, name, team, and optionally parent_team, role)"

enum column {
	COL_EMAIL,
	COL_NAME,
	COL_TEAM,
	COL_PARENT,
	COL_ROLE,
	NCOLUMNS
};

static const char *const column_names[NCOLUMNS] = {
    "email", "name", "team", "parent_team", "role",
};

static const bool column_required[NCOLUMNS] = {true, true, true, false, false};

enum record_kind {
	REC_ROW,	 /* fields in place, checked on their own */
	REC_FIELD_COUNT, /* the wrong number of fields */
	REC_MALFORMED,	 /* libcsv refused it */
	REC_TOO_MANY,	 /* past MAX_ROWS: reading stopped here */
};

enum malformed {
	BAD_QUOTE_IN_UNQUOTED,
	BAD_TEXT_AFTER_QUOTE,
	BAD_UNCLOSED_QUOTE,
};

/* One data record as read, with what the checks found out about it. */
struct record {
	enum record_kind kind;
	int line;	    /* where the record starts, or the CSV error is */
	size_t nfields;	    /* REC_FIELD_COUNT: how many fields */
	size_t position;    /* REC_MALFORMED: which field (0-based) */
	enum malformed why; /* REC_MALFORMED */
	unsigned huge;	    /* columns over MAX_FIELD_BYTES (1 << column) */
	unsigned nul;	    /* columns holding a NUL byte */
	unsigned bad;	    /* columns failing their own check */
	char *value[NCOLUMNS]; /* trimmed; NULL when absent or too big */
	size_t same_email;     /* an earlier record with this e-mail */
	size_t other_parent;   /* an earlier record giving another parent */
	char *cycle; /* "'A' -> 'B' -> 'A'" when this row closes one */
};

struct header {
	bool seen;
	size_t ncolumns;	    /* fields in the header line */
	int column_at[MAX_COLUMNS]; /* enum column, or -1: not used */
	bool present[NCOLUMNS];
};

struct reader {
	struct csv_parser csv;
	struct cp_problems *problems;
	struct header header;
	int line;	   /* the physical line being fed to libcsv */
	int record_line;   /* the line on which the open record started */
	bool at_boundary;  /* no record is open */
	size_t rows_ended; /* row callbacks so far */
	/* The record being read: fields by position. */
	char *fields[MAX_COLUMNS];
	size_t nfields; /* may exceed MAX_COLUMNS: the rest are only counted */
	unsigned huge, nul;
	/* Data records read so far, in line order. */
	struct record *records;
	size_t nrecords, alloc;
	bool stop; /* reading ends early: a bad header, too many rows */
	bool oom;
};

static bool problem(struct cp_problems *p, int line, const char *field,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Adds a problem to p when p is not NULL, and returns false, so that a
 * check can both classify (p NULL) and report with the same code.
 */
static bool problem(struct cp_problems *p, int line, const char *field,
		    const char *fmt, ...)
{
	char message[CP_ERROR_MSG_MAX];
	va_list ap;

	if (p == NULL)
		return false;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	cp_problems_add(p, line, field, "%s", message);
	return false;
}

/*
 * Copies s into out (PRINTABLE_MAX + 1 bytes) for quoting in a message:
 * control characters become '?', and so do all non-ASCII bytes when s is
 * not UTF-8; a long s is cut at a character boundary and ends in "...".
 */
static const char *printable(char *out, const char *s)
{
	size_t len = s ? strlen(s) : 0, keep = len, i;
	bool utf8 = cp_utf8_valid(s, len);

	if (len > PRINTABLE_MAX) {
		keep = PRINTABLE_MAX - 3;
		while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
			keep--;
	}
	for (i = 0; i < keep; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = c < 0x20 || c == 0x7F || (c >= 0x80 && !utf8)
			     ? '?'
			     : (char)c;
	}
	if (keep < len) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

static int ascii_casecmp(const char *a, const char *b)
{
	unsigned char ca, cb;

	do {
		ca = (unsigned char)*a++;
		cb = (unsigned char)*b++;
		if (ca >= 'A' && ca <= 'Z')
			ca = (unsigned char)(ca - 'A' + 'a');
		if (cb >= 'A' && cb <= 'Z')
			cb = (unsigned char)(cb - 'A' + 'a');
	} while (ca && ca == cb);
	return (int)ca - (int)cb;
}

static unsigned bit(int column)
{
	return 1u << column;
}

static void record_release(struct record *rec)
{
	for (int c = 0; c < NCOLUMNS; c++)
		free(rec->value[c]);
	free(rec->cycle);
}

/* Frees the fields of the record being read and forgets them. */
static void drop_fields(struct reader *rd)
{
	for (size_t i = 0; i < rd->nfields && i < MAX_COLUMNS; i++) {
		free(rd->fields[i]);
		rd->fields[i] = NULL;
	}
	rd->nfields = 0;
	rd->huge = 0;
	rd->nul = 0;
}

/* Appends an empty record of kind starting on line; NULL when out of
 * memory. */
static struct record *add_record(struct reader *rd, enum record_kind kind,
				 int line)
{
	struct record *rec;

	if (rd->nrecords == rd->alloc) {
		size_t alloc = rd->alloc ? rd->alloc * 2 : 64;
		struct record *records =
		    realloc(rd->records, alloc * sizeof(*records));

		if (records == NULL) {
			rd->oom = true;
			return NULL;
		}
		rd->records = records;
		rd->alloc = alloc;
	}
	rec = &rd->records[rd->nrecords++];
	memset(rec, 0, sizeof(*rec));
	rec->kind = kind;
	rec->line = line;
	rec->same_email = NO_RECORD;
	rec->other_parent = NO_RECORD;
	return rec;
}

/* How a message names the field at position: by its column when known. */
static const char *field_label(const struct header *h, size_t position,
			       char *out, size_t n)
{
	if (h->seen && position < h->ncolumns && position < MAX_COLUMNS &&
	    h->column_at[position] >= 0)
		snprintf(out, n, "field '%s'",
			 column_names[h->column_at[position]]);
	else
		snprintf(out, n, "field %zu", position + 1);
	return out;
}

/* The column a header name stands for, or -1. */
static int find_column(const char *name)
{
	for (int c = 0; c < NCOLUMNS; c++)
		if (ascii_casecmp(name, column_names[c]) == 0)
			return c;
	return -1;
}

/*
 * True when the header line holds only empty names, or looks like a member
 * (an e-mail address where a column name should be): then one problem
 * says so instead of a list of unknown and missing columns.
 */
static bool header_unusable(struct reader *rd, int line)
{
	size_t n = rd->nfields < MAX_COLUMNS ? rd->nfields : MAX_COLUMNS;
	bool empty = true;

	for (size_t i = 0; i < n; i++) {
		const char *name = rd->fields[i] ? rd->fields[i] : "";

		if (cp_email_valid(name)) {
			problem(rd->problems, line, "",
				"first line is not a header: '%s' is an e-mail "
				"address " EXPECTED,
				name);
			return true;
		}
		if (*name || (rd->huge & (1u << i)))
			empty = false;
	}
	if (empty)
		problem(rd->problems, line, "", "header is empty " EXPECTED);
	return empty;
}

/*
 * Maps the header's names to columns, reporting each unknown, duplicate
 * and missing one. Data rows are still checked against what was found, so
 * one run lists the header's problems and the rows' together.
 */
static void read_header(struct reader *rd, int line)
{
	struct header *h = &rd->header;
	char q[PRINTABLE_MAX + 1];

	h->seen = true;
	h->ncolumns = rd->nfields;
	for (size_t i = 0; i < MAX_COLUMNS; i++)
		h->column_at[i] = -1;
	for (size_t i = 0; i < rd->nfields && i < MAX_COLUMNS; i++)
		if (rd->fields[i])
			cp_trim(rd->fields[i]);
	if (header_unusable(rd, line))
		return;
	if (rd->nfields > MAX_COLUMNS)
		problem(rd->problems, line, "",
			"header has %zu columns " EXPECTED, rd->nfields);
	for (size_t i = 0; i < rd->nfields && i < MAX_COLUMNS; i++) {
		const char *name = rd->fields[i] ? rd->fields[i] : "";
		int c = find_column(name);

		if (rd->huge & (1u << i))
			problem(rd->problems, line, "",
				"column %zu has a name longer than %u bytes",
				i + 1, MAX_FIELD_BYTES);
		else if (*name == '\0')
			problem(rd->problems, line, "",
				"column %zu has no name " EXPECTED, i + 1);
		else if (c < 0)
			problem(rd->problems, line, name,
				"unknown column '%s' " EXPECTED,
				printable(q, name));
		else if (h->present[c])
			problem(rd->problems, line, column_names[c],
				"duplicate column '%s' " EXPECTED,
				printable(q, name));
		else {
			h->present[c] = true;
			h->column_at[i] = c;
		}
	}
	for (int c = 0; c < NCOLUMNS; c++)
		if (column_required[c] && !h->present[c])
			problem(rd->problems, line, column_names[c],
				"missing column '%s' " EXPECTED,
				column_names[c]);
}

/* Parses a role; an empty one is a member. */
static bool parse_role(const char *s, enum cp_role *role)
{
	if (*s == '\0' || ascii_casecmp(s, "member") == 0)
		*role = CP_ROLE_MEMBER;
	else if (ascii_casecmp(s, "leader") == 0)
		*role = CP_ROLE_LEADER;
	else
		return false;
	return true;
}

/*
 * True when the field of rec in column can be read as text: within the
 * size cap, no NUL byte, valid UTF-8. Absent fields (NULL) pass.
 */
static bool field_readable(const struct record *rec, int column,
			   struct cp_problems *emit)
{
	const char *v = rec->value[column];
	const char *name = column_names[column];

	if (rec->huge & bit(column))
		return problem(emit, rec->line, name,
			       "%s is longer than %u bytes", name,
			       MAX_FIELD_BYTES);
	if (v == NULL)
		return true;
	if (rec->nul & bit(column))
		return problem(emit, rec->line, name, "%s contains a NUL byte",
			       name);
	if (!cp_utf8_valid(v, strlen(v)))
		return problem(emit, rec->line, name, "%s is not valid UTF-8",
			       name);
	return true;
}

/* A required text field: non-empty and at most max bytes. */
static bool text_valid(const struct record *rec, int column, size_t max,
		       struct cp_problems *emit)
{
	const char *v = rec->value[column];
	const char *name = column_names[column];
	char q[PRINTABLE_MAX + 1];

	if (*v == '\0')
		return problem(emit, rec->line, name, "%s is empty", name);
	if (strlen(v) > max)
		return problem(emit, rec->line, name,
			       "%s '%s' is longer than %zu bytes", name,
			       printable(q, v), max);
	return true;
}

/* Checks one readable field's value against what its column allows. */
static bool field_valid(const struct record *rec, int column,
			struct cp_problems *emit)
{
	const char *v = rec->value[column], *team = rec->value[COL_TEAM];
	char q[PRINTABLE_MAX + 1];
	enum cp_role role;

	switch (column) {
	case COL_EMAIL:
		if (*v == '\0')
			return problem(emit, rec->line, "email",
				       "email is empty");
		if (!cp_email_valid(v))
			return problem(emit, rec->line, "email",
				       "email '%s' is not a valid address",
				       printable(q, v));
		return true;
	case COL_NAME:
		return text_valid(rec, column, MAX_NAME_BYTES, emit);
	case COL_TEAM:
		return text_valid(rec, column, MAX_TEAM_BYTES, emit);
	case COL_PARENT:
		if (strlen(v) > MAX_TEAM_BYTES)
			return problem(
			    emit, rec->line, "parent_team",
			    "parent_team '%s' is longer than %d bytes",
			    printable(q, v), MAX_TEAM_BYTES);
		if (*v && team && strcmp(v, team) == 0)
			return problem(emit, rec->line, "parent_team",
				       "parent_team '%s' is the team itself",
				       printable(q, v));
		return true;
	default:
		if (!parse_role(v, &role))
			return problem(emit, rec->line, "role",
				       "role '%s' must be leader or member",
				       printable(q, v));
		return true;
	}
}

/*
 * Checks a row's fields on their own and returns the columns that fail (a
 * bit each). With emit NULL this only classifies the row, as reading does
 * so that the checks across rows can skip bad fields; the final report
 * runs it again with emit set, in line order.
 */
static unsigned check_row(const struct record *rec, const struct header *h,
			  struct cp_problems *emit)
{
	unsigned bad = 0;

	for (int c = 0; c < NCOLUMNS; c++) {
		if (!h->present[c])
			continue;
		if (!field_readable(rec, c, emit) ||
		    (rec->value[c] && !field_valid(rec, c, emit)))
			bad |= bit(c);
	}
	return bad;
}

/* Moves the fields of the record just read into a new data record. */
static void take_row(struct reader *rd, int line)
{
	const struct header *h = &rd->header;
	struct record *rec;

	if (rd->nfields != h->ncolumns) {
		rec = add_record(rd, REC_FIELD_COUNT, line);
		if (rec)
			rec->nfields = rd->nfields;
		return;
	}
	rec = add_record(rd, REC_ROW, line);
	if (rec == NULL)
		return;
	for (size_t i = 0; i < rd->nfields && i < MAX_COLUMNS; i++) {
		int c = h->column_at[i];

		if (c < 0)
			continue;
		if (rd->huge & (1u << i))
			rec->huge |= bit(c);
		if (rd->nul & (1u << i))
			rec->nul |= bit(c);
		rec->value[c] = rd->fields[i] ? cp_trim(rd->fields[i]) : NULL;
		rd->fields[i] = NULL;
	}
	rec->bad = check_row(rec, h, NULL);
}

/*
 * libcsv's row callback: c is the CR or LF that ended the row (-1 at the
 * end of the text). A blank line comes as a row without fields and is
 * skipped; the first row with fields is the header.
 */
static void on_row_end(int c, void *data)
{
	struct reader *rd = data;

	(void)c;
	rd->rows_ended++;
	if (rd->nfields == 0 || rd->stop || rd->oom) {
		drop_fields(rd);
		return;
	}
	if (!rd->header.seen) {
		read_header(rd, rd->record_line);
	} else if (rd->nrecords >= MAX_ROWS) {
		add_record(rd, REC_TOO_MANY, rd->record_line);
		rd->stop = true;
	} else {
		take_row(rd, rd->record_line);
	}
	drop_fields(rd);
}

/*
 * libcsv's field callback. Fields past MAX_COLUMNS are only counted, and
 * one over MAX_FIELD_BYTES is only noted, so a hostile file cannot make
 * the reader hold more than its own size in strings.
 */
static void on_field(void *s, size_t len, void *data)
{
	struct reader *rd = data;
	size_t i = rd->nfields++;
	char *copy;

	if (i >= MAX_COLUMNS || rd->stop || rd->oom)
		return;
	if (len > MAX_FIELD_BYTES) {
		rd->huge |= 1u << i;
		return;
	}
	copy = malloc(len + 1);
	if (copy == NULL) {
		rd->oom = true;
		return;
	}
	if (len)
		memcpy(copy, s, len);
	copy[len] = '\0';
	if (memchr(copy, '\0', len))
		rd->nul |= 1u << i;
	rd->fields[i] = copy;
}

/*
 * Records a CSV syntax error on line and drops the record it broke. After
 * the header, reading starts again on the next line with a fresh parser,
 * so later rows are still checked; a broken header ends the reading.
 */
static void csv_failed(struct reader *rd, enum malformed why, int line)
{
	struct record *rec;

	if (csv_error(&rd->csv) != CSV_EPARSE) {
		rd->oom = true;
		return;
	}
	rec = add_record(rd, REC_MALFORMED, line);
	if (rec) {
		rec->why = why;
		rec->position = rd->nfields;
	}
	drop_fields(rd);
	if (!rd->header.seen)
		rd->stop = true;
	csv_free(&rd->csv);
	csv_init(&rd->csv, CSV_OPTIONS);
	rd->at_boundary = true;
}

/*
 * Feeds one physical line (with its line end) to libcsv. Lines are fed
 * one at a time so that the reader always knows which line it is on: a
 * record starts on the first line fed while none is open, and stays open
 * until a line's end makes libcsv end a row.
 */
static void feed_line(struct reader *rd, const char *s, size_t n)
{
	size_t ended = rd->rows_ended, used;

	if (rd->at_boundary)
		rd->record_line = rd->line;
	used = csv_parse(&rd->csv, s, n, on_field, on_row_end, rd);
	if (used < n) {
		csv_failed(rd,
			   rd->csv.quoted ? BAD_TEXT_AFTER_QUOTE
					  : BAD_QUOTE_IN_UNQUOTED,
			   rd->line);
		return;
	}
	rd->at_boundary = rd->rows_ended != ended;
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
 * Reads the whole text: skips a UTF-8 byte order mark, feeds libcsv line by
 * line, then ends the last record (a file need not end in a newline).
 */
static void read_text(struct reader *rd, const char *text, size_t len)
{
	size_t pos = 0, end;

	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len && !rd->stop && !rd->oom) {
		if (rd->line == INT_MAX) {
			problem(rd->problems, 0, "",
				"file has more than %d lines", INT_MAX - 1);
			rd->stop = true;
			return;
		}
		rd->line++;
		end = line_end(text, pos, len);
		feed_line(rd, text + pos, end - pos);
		pos = end;
	}
	if (rd->stop || rd->oom)
		return;
	if (csv_fini(&rd->csv, on_field, on_row_end, rd) != 0)
		csv_failed(rd, BAD_UNCLOSED_QUOTE, rd->record_line);
}

struct key {
	const char *text;
	size_t record;
};

static int by_email(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int d = ascii_casecmp(x->text, y->text);

	if (d)
		return d;
	return x->record < y->record ? -1 : x->record > y->record;
}

static int by_team(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int d = strcmp(x->text, y->text);

	if (d)
		return d;
	return x->record < y->record ? -1 : x->record > y->record;
}

/*
 * The usable values of column across the data rows, sorted with cmp (ties
 * in line order), in *keys (NULL when *n is 0; free it). Returns -1 when
 * out of memory.
 */
static int sorted_keys(const struct reader *rd, int column,
		       int (*cmp)(const void *, const void *),
		       struct key **keys, size_t *n)
{
	*n = 0;
	*keys = NULL;
	if (rd->nrecords == 0)
		return 0;
	*keys = malloc(rd->nrecords * sizeof(**keys));
	if (*keys == NULL)
		return -1;
	for (size_t i = 0; i < rd->nrecords; i++) {
		const struct record *rec = &rd->records[i];

		if (rec->kind != REC_ROW || (rec->bad & bit(column)) ||
		    rec->value[column] == NULL || *rec->value[column] == '\0')
			continue;
		(*keys)[*n].text = rec->value[column];
		(*keys)[*n].record = i;
		(*n)++;
	}
	if (*n == 0) {
		free(*keys);
		*keys = NULL;
		return 0;
	}
	qsort(*keys, *n, sizeof(**keys), cmp);
	return 0;
}

/* Points every later record of an e-mail (in any case) at its first. */
static int find_repeated_emails(struct reader *rd)
{
	struct key *keys;
	size_t n, first = 0;

	if (sorted_keys(rd, COL_EMAIL, by_email, &keys, &n))
		return -1;
	for (size_t i = 1; i < n; i++) {
		if (ascii_casecmp(keys[i].text, keys[first].text) != 0)
			first = i;
		else
			rd->records[keys[i].record].same_email =
			    keys[first].record;
	}
	free(keys);
	return 0;
}

/* A team named in the team column, with the parent its first row gives. */
struct team_node {
	const char *name;
	const char *parent; /* NULL when no row gives one */
	size_t edge;	    /* the record that gives the parent */
	size_t up;	    /* the parent's node, or NO_RECORD */
	size_t walk;	    /* cycle search: which walk reached it; 0 none */
};

static int node_by_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct team_node *)elem)->name);
}

/*
 * Adds the node for the team of keys[0..n) (one team's rows, in line
 * order): the first parent given is the team's; a later row that gives
 * another one points at that first row.
 */
static void add_team(struct reader *rd, const struct key *keys, size_t n,
		     struct team_node *node)
{
	node->name = keys[0].text;
	node->parent = NULL;
	node->edge = NO_RECORD;
	node->up = NO_RECORD;
	node->walk = 0;
	for (size_t i = 0; i < n; i++) {
		struct record *rec = &rd->records[keys[i].record];
		const char *parent = rec->value[COL_PARENT];

		if (parent == NULL || *parent == '\0' ||
		    (rec->bad & bit(COL_PARENT)))
			continue;
		if (node->parent == NULL) {
			node->parent = parent;
			node->edge = keys[i].record;
		} else if (strcmp(node->parent, parent) != 0) {
			rec->other_parent = node->edge;
		}
	}
}

/*
 * One node per team, sorted by name, each linked to its parent's node
 * (a parent that is not itself a team in the file has no node: the chain
 * ends there). Returns -1 when out of memory.
 */
static int build_teams(struct reader *rd, struct team_node **nodes,
		       size_t *nnodes)
{
	struct key *keys;
	size_t n, start = 0, count = 0;
	struct team_node *up;

	*nodes = NULL;
	*nnodes = 0;
	if (sorted_keys(rd, COL_TEAM, by_team, &keys, &n))
		return -1;
	if (n == 0)
		return 0;
	*nodes = malloc(n * sizeof(**nodes));
	if (*nodes == NULL) {
		free(keys);
		return -1;
	}
	for (size_t i = 1; i <= n; i++) {
		if (i < n && strcmp(keys[i].text, keys[start].text) == 0)
			continue;
		add_team(rd, keys + start, i - start, &(*nodes)[count++]);
		start = i;
	}
	free(keys);
	for (size_t i = 0; i < count; i++) {
		if ((*nodes)[i].parent == NULL)
			continue;
		up = bsearch((*nodes)[i].parent, *nodes, count, sizeof(**nodes),
			     node_by_name);
		if (up)
			(*nodes)[i].up = (size_t)(up - *nodes);
	}
	*nnodes = count;
	return 0;
}

/*
 * Notes the cycle through node j on the row that closes it: of the rows
 * giving the cycle's parents, the last one in the file. The note reads
 * "'B' -> 'A' -> 'B'", from that row's team.
 */
static int note_cycle(struct reader *rd, const struct team_node *nodes,
		      size_t j)
{
	char q[PRINTABLE_MAX + 1];
	struct cp_buf b;
	size_t last = j, m = j;
	int rc = 0;

	do {
		if (nodes[m].edge > nodes[last].edge)
			last = m;
		m = nodes[m].up;
	} while (m != j);
	cp_buf_init(&b, 0);
	rc = cp_buf_printf(&b, NULL, "'%s'", printable(q, nodes[last].name));
	for (m = nodes[last].up; rc == 0 && m != last; m = nodes[m].up) {
		if (b.len > 300) {
			rc = cp_buf_adds(&b, " -> ...", NULL);
			break;
		}
		rc = cp_buf_printf(&b, NULL, " -> '%s'",
				   printable(q, nodes[m].name));
	}
	if (rc == 0)
		rc = cp_buf_printf(&b, NULL, " -> '%s'",
				   printable(q, nodes[last].name));
	if (rc == 0)
		rd->records[nodes[last].edge].cycle = cp_buf_detach(&b);
	cp_buf_release(&b);
	return rc == 0 && rd->records[nodes[last].edge].cycle ? 0 : -1;
}

/*
 * Follows each team's chain of parents. Every node a walk reaches is
 * marked with that walk; reaching a node marked by the same walk means a
 * cycle, reaching one marked earlier means a chain already followed. Each
 * cycle is thus found once, and the whole search is linear.
 */
static int find_cycles(struct reader *rd, struct team_node *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		while (j != NO_RECORD && nodes[j].walk == 0) {
			nodes[j].walk = i + 1;
			j = nodes[j].up;
		}
		if (j != NO_RECORD && nodes[j].walk == i + 1 &&
		    note_cycle(rd, nodes, j))
			return -1;
	}
	return 0;
}

/* The checks that need every row: repeated e-mails, a team's parents. */
static int check_across_rows(struct reader *rd)
{
	struct team_node *nodes;
	size_t n;
	int rc;

	if (find_repeated_emails(rd) || build_teams(rd, &nodes, &n))
		return -1;
	rc = find_cycles(rd, nodes, n);
	free(nodes);
	return rc;
}

/* Reports what the checks across rows found about rec. */
static void report_across(struct reader *rd, const struct record *rec)
{
	char q1[PRINTABLE_MAX + 1], q2[PRINTABLE_MAX + 1],
	    q3[PRINTABLE_MAX + 1];
	const struct record *first;

	if (rec->same_email != NO_RECORD) {
		first = &rd->records[rec->same_email];
		if (first->value[COL_TEAM] && rec->value[COL_TEAM] &&
		    !(first->bad & bit(COL_TEAM)) &&
		    !(rec->bad & bit(COL_TEAM)) &&
		    strcmp(first->value[COL_TEAM], rec->value[COL_TEAM]) != 0)
			problem(rd->problems, rec->line, "email",
				"email '%s' is in two teams ('%s' on line %d "
				"and '%s' on line %d)",
				printable(q1, rec->value[COL_EMAIL]),
				printable(q2, first->value[COL_TEAM]),
				first->line,
				printable(q3, rec->value[COL_TEAM]), rec->line);
		else
			problem(rd->problems, rec->line, "email",
				"email '%s' is already on line %d",
				printable(q1, rec->value[COL_EMAIL]),
				first->line);
	}
	if (rec->other_parent != NO_RECORD) {
		first = &rd->records[rec->other_parent];
		problem(rd->problems, rec->line, "parent_team",
			"team '%s' has two parent teams ('%s' on line %d and "
			"'%s' on line %d)",
			printable(q1, rec->value[COL_TEAM]),
			printable(q2, first->value[COL_PARENT]), first->line,
			printable(q3, rec->value[COL_PARENT]), rec->line);
	}
	if (rec->cycle)
		problem(rd->problems, rec->line, "parent_team",
			"parent_team '%s' of team '%s' closes a cycle: %s",
			printable(q1, rec->value[COL_PARENT]),
			printable(q2, rec->value[COL_TEAM]), rec->cycle);
}

/* Reports a CSV syntax error. */
static void report_malformed(struct reader *rd, const struct record *rec)
{
	const struct header *h = &rd->header;
	const char *field = "";
	char label[64];

	field_label(h, rec->position, label, sizeof(label));
	if (h->seen && rec->position < h->ncolumns &&
	    rec->position < MAX_COLUMNS && h->column_at[rec->position] >= 0)
		field = column_names[h->column_at[rec->position]];
	switch (rec->why) {
	case BAD_QUOTE_IN_UNQUOTED:
		problem(rd->problems, rec->line, field,
			"malformed CSV: quote inside unquoted %s (quote the "
			"whole field and double the quotes in it)",
			label);
		break;
	case BAD_TEXT_AFTER_QUOTE:
		problem(rd->problems, rec->line, field,
			"malformed CSV: text after the closing quote of %s "
			"(a quote inside a quoted field is written twice)",
			label);
		break;
	default:
		problem(rd->problems, rec->line, field,
			"malformed CSV: the quote opening %s is never closed",
			label);
		break;
	}
}

/*
 * Adds every problem found to the list, in line order: the header's were
 * added while reading; then each record's, then those about the whole
 * file.
 */
static void report(struct reader *rd)
{
	for (size_t i = 0; i < rd->nrecords; i++) {
		const struct record *rec = &rd->records[i];

		switch (rec->kind) {
		case REC_MALFORMED:
			report_malformed(rd, rec);
			break;
		case REC_FIELD_COUNT:
			problem(rd->problems, rec->line, "",
				"expected %zu fields, found %zu",
				rd->header.ncolumns, rec->nfields);
			break;
		case REC_TOO_MANY:
			problem(rd->problems, rec->line, "",
				"roster has more than %d rows", MAX_ROWS);
			break;
		case REC_ROW:
			check_row(rec, &rd->header, rd->problems);
			report_across(rd, rec);
			break;
		}
	}
	if (rd->stop)
		return;
	if (!rd->header.seen && rd->nrecords == 0)
		problem(rd->problems, 0, "", "file is empty " EXPECTED);
	else if (rd->header.seen && rd->nrecords == 0)
		problem(rd->problems, 0, "", "no member rows after the header");
}

/* Moves the checked records' values into a new roster in *out. */
static int build_roster(struct cp_roster **out, struct reader *rd,
			const char *file, struct cp_error *err)
{
	struct cp_roster *r = calloc(1, sizeof(*r));

	if (r == NULL)
		goto nomem;
	r->file = cp_strdup(file ? file : "");
	r->rows = calloc(rd->nrecords ? rd->nrecords : 1, sizeof(*r->rows));
	if (r->file == NULL || r->rows == NULL)
		goto nomem;
	for (size_t i = 0; i < rd->nrecords; i++) {
		struct record *rec = &rd->records[i];
		struct cp_roster_row *row = &r->rows[i];
		const char *role = rec->value[COL_ROLE];

		row->line = rec->line;
		row->email = rec->value[COL_EMAIL];
		row->name = rec->value[COL_NAME];
		row->team = rec->value[COL_TEAM];
		row->parent_team = rec->value[COL_PARENT];
		rec->value[COL_EMAIL] = NULL;
		rec->value[COL_NAME] = NULL;
		rec->value[COL_TEAM] = NULL;
		rec->value[COL_PARENT] = NULL;
		if (row->parent_team && *row->parent_team == '\0') {
			free(row->parent_team);
			row->parent_team = NULL;
		}
		if (role == NULL || !parse_role(role, &row->role))
			row->role = CP_ROLE_MEMBER;
	}
	r->nrows = rd->nrecords;
	*out = r;
	return 0;
nomem:
	cp_roster_free(r);
	return cp_error_set_at(err, CP_ENOMEM, file, 0, 0, "out of memory");
}

static void reader_init(struct reader *rd, struct cp_problems *problems)
{
	memset(rd, 0, sizeof(*rd));
	rd->problems = problems;
	rd->at_boundary = true;
	csv_init(&rd->csv, CSV_OPTIONS);
}

static void reader_release(struct reader *rd)
{
	drop_fields(rd);
	for (size_t i = 0; i < rd->nrecords; i++)
		record_release(&rd->records[i]);
	free(rd->records);
	csv_free(&rd->csv);
}

int cp_roster_parse(struct cp_roster **out, const char *file, const char *text,
		    size_t len, struct cp_problems *problems,
		    struct cp_error *err)
{
	struct cp_problems local;
	struct reader rd;
	size_t before;
	int rc;

	if (out == NULL || (text == NULL && len > 0))
		return cp_error_set(err, CP_EUSAGE,
				    "roster parse called without text or "
				    "output");
	*out = NULL;
	if (problems == NULL) {
		cp_problems_init(&local, file);
		problems = &local;
	}
	before = cp_problems_total(problems);
	reader_init(&rd, problems);
	read_text(&rd, text, len);
	if (!rd.oom && check_across_rows(&rd))
		rd.oom = true;
	if (!rd.oom)
		report(&rd);
	if (rd.oom)
		rc = cp_error_set_at(err, CP_ENOMEM, file, 0, 0,
				     "out of memory reading the roster");
	else if (cp_problems_total(problems) > before)
		rc = cp_problems_to_error(problems, err);
	else
		rc = build_roster(out, &rd, file, err);
	reader_release(&rd);
	if (problems == &local)
		cp_problems_release(&local);
	return rc;
}

void cp_roster_free(struct cp_roster *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nrows; i++) {
		free(r->rows[i].email);
		free(r->rows[i].name);
		free(r->rows[i].team);
		free(r->rows[i].parent_team);
	}
	free(r->rows);
	free(r->file);
	free(r);
}
