/*
 * roster_csv.c - reading a roster CSV into a struct cp_roster.
 *
 * The CSV reader of the base layer (csv_reader.h) does the tokenising,
 * the line numbers and the caps; this file maps the header's columns and
 * checks the rows: each one on its own while reading, then across rows
 * (an e-mail given twice, a team given two parents, parent teams that
 * form a cycle). Every problem is reported, in line order, so a
 * user fixes the whole file in one go.
 */
#include "roster.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv_reader.h"
#include "i18n.h"
#include "text.h"

#define MAX_ROWS	500000
#define MAX_FIELD_BYTES CP_CSV_MAX_FIELD
#define MAX_COLUMNS	32 /* header columns kept; a header has at most 5 */
#define MAX_NAME_BYTES	200
#define MAX_TEAM_BYTES	100
#define PRINTABLE_MAX	60 /* bytes of a value quoted in a message */
#define NO_RECORD	SIZE_MAX

enum column {
	COL_EMAIL,
	COL_NAME,
	COL_TEAM,
	COL_PARENT,
	COL_ROLE,
	COL_LANGUAGE,
	NCOLUMNS
};

static const char *const column_names[NCOLUMNS] = {
    "email", "name", "team", "parent_team", "role", "language",
};

static const bool column_required[NCOLUMNS] = {true,  true,  true,
					       false, false, false};

enum record_kind {
	REC_ROW,	 /* fields in place, checked on their own */
	REC_FIELD_COUNT, /* the wrong number of fields */
	REC_CSV,	 /* the CSV reader refused it: message says why */
};

/* One data record as read, with what the checks found out about it. */
struct record {
	enum record_kind kind;
	int line;	/* where the record starts, or the CSV error is */
	size_t nfields; /* REC_FIELD_COUNT: how many fields */
	char *message;	/* REC_CSV: the reader's message */
	unsigned char flags[NCOLUMNS]; /* enum cp_csv_flag, per column */
	unsigned bad;		       /* columns failing their own check */
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
	struct cp_csv *csv;
	struct cp_problems *problems;
	struct header header;
	/* Data records read so far, in line order. */
	struct record *records;
	size_t nrecords, alloc;
	bool stop; /* reading ended early: a bad header, too many rows */
	bool oom;
};

static bool problem(struct cp_problems *p, int line, const char *field,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* What a roster's header may hold, said after a header's problem. */
static const char *expected(void)
{
	/* TRANSLATORS: the column names stay as they are (they are the
	 * file's own words); said after "header is empty" and the like. */
	return cp_gettext_error(
	    N_("(expected email, name, team, and optionally "
	       "parent_team, role, language)"));
}

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
	vsnprintf(message, sizeof(message), cp_gettext_error(fmt), ap);
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
	free(rec->message);
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
static bool header_unusable(struct reader *rd, const struct cp_csv_record *rec)
{
	size_t n = rec->nfields < MAX_COLUMNS ? rec->nfields : MAX_COLUMNS;
	int line = rec->line;
	bool empty = true;

	for (size_t i = 0; i < n; i++) {
		const char *name = rec->field[i].text;

		if (cp_email_valid(name)) {
			problem(
			    rd->problems, line, "",
			    N_("first line is not a header: '%s' is an e-mail "
			       "address %s"),
			    name, expected());
			return true;
		}
		if (*name || (rec->field[i].flags & CP_CSV_TOO_LONG))
			empty = false;
	}
	if (empty)
		problem(rd->problems, line, "", N_("header is empty %s"),
			expected());
	return empty;
}

/*
 * Maps the header's names to columns, reporting each unknown, duplicate
 * and missing one. Data rows are still checked against what was found, so
 * one run lists the header's problems and the rows' together.
 */
static void read_header(struct reader *rd, struct cp_csv_record *rec)
{
	struct header *h = &rd->header;
	char q[PRINTABLE_MAX + 1];
	int line = rec->line;

	h->seen = true;
	h->ncolumns = rec->nfields;
	for (size_t i = 0; i < MAX_COLUMNS; i++)
		h->column_at[i] = -1;
	for (size_t i = 0; i < rec->nfields && i < MAX_COLUMNS; i++)
		cp_trim(rec->field[i].text);
	if (header_unusable(rd, rec))
		return;
	if (rec->nfields > MAX_COLUMNS)
		problem(rd->problems, line, "", N_("header has %zu columns %s"),
			rec->nfields, expected());
	for (size_t i = 0; i < rec->nfields && i < MAX_COLUMNS; i++) {
		const char *name = rec->field[i].text;
		int c = find_column(name);

		if (rec->field[i].flags & CP_CSV_TOO_LONG)
			problem(
			    rd->problems, line, "",
			    N_("column %zu has a name longer than %u bytes"),
			    i + 1, MAX_FIELD_BYTES);
		else if (*name == '\0')
			problem(rd->problems, line, "",
				N_("column %zu has no name %s"), i + 1,
				expected());
		else if (c < 0)
			problem(rd->problems, line, name,
				N_("unknown column '%s' %s"),
				printable(q, name), expected());
		else if (h->present[c])
			problem(rd->problems, line, column_names[c],
				N_("duplicate column '%s' %s"),
				printable(q, name), expected());
		else {
			h->present[c] = true;
			h->column_at[i] = c;
		}
	}
	for (int c = 0; c < NCOLUMNS; c++)
		if (column_required[c] && !h->present[c])
			problem(rd->problems, line, column_names[c],
				N_("missing column '%s' %s"), column_names[c],
				expected());
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
 * size cap, no NUL byte, valid UTF-8 (the CSV reader says which, in its
 * words). Absent fields pass.
 */
static bool field_readable(const struct reader *rd, const struct record *rec,
			   int column, struct cp_problems *emit)
{
	struct cp_csv_value v = {.flags = rec->flags[column]};
	char message[CP_ERROR_MSG_MAX];

	if (cp_csv_problem(rd->csv, &v, column_names[column], message,
			   sizeof(message)) == NULL)
		return true;
	return problem(emit, rec->line, column_names[column], "%s", message);
}

/* A required text field: non-empty and at most max bytes. */
static bool text_valid(const struct record *rec, int column, size_t max,
		       struct cp_problems *emit)
{
	const char *v = rec->value[column];
	const char *name = column_names[column];
	char q[PRINTABLE_MAX + 1];

	if (*v == '\0')
		return problem(emit, rec->line, name, N_("%s is empty"), name);
	if (strlen(v) > max)
		return problem(emit, rec->line, name,
			       N_("%s '%s' is longer than %zu bytes"), name,
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
				       N_("email is empty"));
		if (!cp_email_valid(v))
			return problem(emit, rec->line, "email",
				       N_("email '%s' is not a valid address"),
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
			    N_("parent_team '%s' is longer than %d bytes"),
			    printable(q, v), MAX_TEAM_BYTES);
		if (*v && team && strcmp(v, team) == 0)
			return problem(
			    emit, rec->line, "parent_team",
			    N_("parent_team '%s' is the team itself"),
			    printable(q, v));
		return true;
	case COL_LANGUAGE:
		if (*v == '\0' || cp_lang_check(v, NULL) == 0)
			return true;
		if (cp_lang_find(v) == NULL)
			return problem(
			    emit, rec->line, "language",
			    N_("language '%s' is not one carepulse "
			       "speaks (expected en, cy, es, pl or ar)"),
			    printable(q, v));
		return problem(emit, rec->line, "language",
			       N_("language '%s' is not a BCP 47 language tag "
				  "(expected en, cy, es, pl or ar, e.g. cy or "
				  "cy-GB)"),
			       printable(q, v));
	default:
		if (!parse_role(v, &role))
			return problem(emit, rec->line, "role",
				       N_("role '%s' must be leader or member"),
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
static unsigned check_row(const struct reader *rd, const struct record *rec,
			  struct cp_problems *emit)
{
	unsigned bad = 0;

	for (int c = 0; c < NCOLUMNS; c++) {
		if (!rd->header.present[c])
			continue;
		if (!field_readable(rd, rec, c, emit) ||
		    (rec->value[c] && !field_valid(rec, c, emit)))
			bad |= bit(c);
	}
	return bad;
}

/* Copies the fields of the record just read into a new data record. */
static void take_row(struct reader *rd, const struct cp_csv_record *in)
{
	const struct header *h = &rd->header;
	struct record *rec;

	if (in->nfields != h->ncolumns) {
		rec = add_record(rd, REC_FIELD_COUNT, in->line);
		if (rec)
			rec->nfields = in->nfields;
		return;
	}
	rec = add_record(rd, REC_ROW, in->line);
	if (rec == NULL)
		return;
	for (size_t i = 0; i < in->nfields && i < MAX_COLUMNS; i++) {
		const struct cp_csv_value *v = &in->field[i];
		int c = h->column_at[i];

		if (c < 0)
			continue;
		rec->flags[c] = (unsigned char)v->flags;
		if (v->flags & CP_CSV_TOO_LONG)
			continue;
		rec->value[c] = cp_strdup(cp_trim(v->text));
		if (rec->value[c] == NULL) {
			rd->oom = true;
			return;
		}
	}
	rec->bad = check_row(rd, rec, NULL);
}

/*
 * Keeps what the CSV reader refused, as a record in line order. A broken
 * header ends the reading: nothing after it can be checked.
 */
static void take_csv_problem(struct reader *rd, const struct cp_error *e)
{
	struct record *rec = add_record(rd, REC_CSV, e->line);

	if (rec && (rec->message = cp_strdup(e->message)) == NULL)
		rd->oom = true;
	if (!rd->header.seen)
		rd->stop = true;
}

/*
 * Reads the whole text: the first record is the header, every later one a
 * data record. The reader's errors (a malformed line, too many rows)
 * become records too, so they are listed in line order with the rest.
 */
static void read_text(struct reader *rd)
{
	struct cp_csv_record *rec;
	struct cp_error e;
	int rc;

	while (!rd->stop && !rd->oom &&
	       (rc = cp_csv_next(rd->csv, &rec, &e)) != 0) {
		if (rc == CP_EDATA)
			take_csv_problem(rd, &e);
		else if (rc < 0)
			rd->oom = true;
		else if (rec->header)
			read_header(rd, rec);
		else
			take_row(rd, rec);
	}
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
			problem(
			    rd->problems, rec->line, "email",
			    N_("email '%s' is in two teams ('%s' on line %d "
			       "and '%s' on line %d)"),
			    printable(q1, rec->value[COL_EMAIL]),
			    printable(q2, first->value[COL_TEAM]), first->line,
			    printable(q3, rec->value[COL_TEAM]), rec->line);
		else
			problem(rd->problems, rec->line, "email",
				N_("email '%s' is already on line %d"),
				printable(q1, rec->value[COL_EMAIL]),
				first->line);
	}
	if (rec->other_parent != NO_RECORD) {
		first = &rd->records[rec->other_parent];
		problem(
		    rd->problems, rec->line, "parent_team",
		    N_("team '%s' has two parent teams ('%s' on line %d and "
		       "'%s' on line %d)"),
		    printable(q1, rec->value[COL_TEAM]),
		    printable(q2, first->value[COL_PARENT]), first->line,
		    printable(q3, rec->value[COL_PARENT]), rec->line);
	}
	if (rec->cycle)
		problem(rd->problems, rec->line, "parent_team",
			N_("parent_team '%s' of team '%s' closes a cycle: %s"),
			printable(q1, rec->value[COL_PARENT]),
			printable(q2, rec->value[COL_TEAM]), rec->cycle);
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
		case REC_CSV:
			problem(rd->problems, rec->line, "", "%s",
				rec->message);
			break;
		case REC_FIELD_COUNT:
			problem(rd->problems, rec->line, "",
				N_("expected %zu fields, found %zu"),
				rd->header.ncolumns, rec->nfields);
			break;
		case REC_ROW:
			check_row(rd, rec, rd->problems);
			report_across(rd, rec);
			break;
		}
	}
	if (rd->stop)
		return;
	if (!rd->header.seen && rd->nrecords == 0)
		problem(rd->problems, 0, "", N_("file is empty %s"),
			expected());
	else if (rd->header.seen && rd->nrecords == 0)
		problem(rd->problems, 0, "",
			N_("no member rows after the header"));
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
		row->language = rec->value[COL_LANGUAGE];
		rec->value[COL_LANGUAGE] = NULL;
		if (row->language && *row->language == '\0') {
			free(row->language);
			row->language = NULL;
		}
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
	r->has_language = rd->header.present[COL_LANGUAGE];
	*out = r;
	return 0;
nomem:
	cp_roster_free(r);
	return cp_error_set_at(err, CP_ENOMEM, file, 0, 0, N_("out of memory"));
}

static int reader_init(struct reader *rd, const char *file, const char *text,
		       size_t len, struct cp_problems *problems,
		       struct cp_error *err)
{
	const struct cp_csv_limits limits = {
	    .max_field = MAX_FIELD_BYTES,
	    .max_fields = MAX_COLUMNS,
	    .max_records = MAX_ROWS,
	    .header = true,
	    .roster = true,
	};

	memset(rd, 0, sizeof(*rd));
	rd->problems = problems;
	return cp_csv_open(&rd->csv, file, text, len, &limits, err);
}

static void reader_release(struct reader *rd)
{
	for (size_t i = 0; i < rd->nrecords; i++)
		record_release(&rd->records[i]);
	free(rd->records);
	cp_csv_free(rd->csv);
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
				    N_("roster parse called without text or "
				       "output"));
	*out = NULL;
	if (problems == NULL) {
		cp_problems_init(&local, file);
		problems = &local;
	}
	before = cp_problems_total(problems);
	if ((rc = reader_init(&rd, file, text, len, problems, err)) != 0) {
		reader_release(&rd);
		goto done;
	}
	read_text(&rd);
	if (!rd.oom && check_across_rows(&rd))
		rd.oom = true;
	if (!rd.oom)
		report(&rd);
	if (rd.oom)
		rc = cp_error_set_at(err, CP_ENOMEM, file, 0, 0,
				     N_("out of memory reading the roster"));
	else if (cp_problems_total(problems) > before)
		rc = cp_problems_to_error(problems, err);
	else
		rc = build_roster(out, &rd, file, err);
	reader_release(&rd);
done:
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
		free(r->rows[i].language);
	}
	free(r->rows);
	free(r->file);
	free(r);
}
