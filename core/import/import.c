/*
 * import.c - checking and storing a file of responses (see import.h).
 *
 * Rows are checked as they are read and kept compactly (a byte per
 * answer), so a large file costs little memory; only when every row is
 * valid are they stored, in one transaction through the store's cached
 * statements.
 */
#include "import.h"

#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "buf.h"
#include "crypto.h"
#include "csv_reader.h"
#include "i18n.h"
#include "json_load.h"
#include "survey.h"
#include "text.h"
#include "when.h"

#define MAX_ROWS    5000000
#define MAX_COLUMNS 512
#define MAX_FIELD   CP_CSV_MAX_FIELD
#define SHOW_MAX    40 /* bytes of a value quoted in a message */
#define COL_TEAM    (-1)
#define COL_SELF    (-2)
#define COL_UNKNOWN (-3)
#define COL_ID	    (-4)
#define MAX_ID	    256 /* bytes of a row's own identifier */
#define COL_ANSWER  0

struct row {
	int64_t team;
	int line;   /* CSV: the line; JSON: 0 */
	size_t rec; /* JSON: the record's number, from 1 */
	bool self;
	bool has_key;
	uint8_t key[CP_IMPORT_DIGEST]; /* SHA-256 of the row's identifier */
};

struct import {
	const char *file;
	int64_t wave;
	uint8_t digest[CP_IMPORT_DIGEST]; /* SHA-256 of the file */
	struct cp_problems *problems;
	const struct cp_survey *survey[2]; /* team, self (may be NULL) */
	struct cp_answers answers[2];
	/* Every team now, by name: is a name known. Read at the first name
	 * the wave was not sent to (a valid file needs none). */
	struct cp_store *store;
	pthread_mutex_t *store_lock; /* held around store calls, or NULL */
	/* Its own part of the bulk load, made by the reader thread of an
	 * import of several files (import_pipelined), or NULL; part_rc and
	 * part_err say why making it failed. */
	bool alone;
	struct cp_store *part;
	int part_rc;
	struct cp_error part_err;
	struct cp_team *teams;
	size_t nteams;
	bool teams_read;
	int teams_rc; /* reading them failed: teams_err says why */
	struct cp_error teams_err;
	/* The wave's teams as it was sent to them (its snapshot), by name:
	 * in_wave marks those a response may name. */
	struct cp_snapshot_team *snap;
	size_t nsnap;
	/* The wave's team the last row named: a file's rows come by team. */
	const struct cp_snapshot_team *last_team;
	size_t width_items, width_questions;
	/* The rows read, compactly. */
	struct row *rows;
	bool keyed; /* the file names its rows (an id column or field) */
	signed char *values; /* rows x width_items: cp_answer values */
	char **comments;     /* rows x width_questions */
	size_t nrows, alloc;
	bool oom;
	/* CSV reading */
	struct cp_csv *csv;
	bool header_seen;
	size_t ncols;
	int col_kind[MAX_COLUMNS];
	bool col_item[2][MAX_COLUMNS]; /* an item of survey[k] */
	/* What an answer column sets in survey[k]: item i (i >= 0), open
	 * question q (-2 - q), or nothing (-1: not one of its fields). */
	int col_at[2][MAX_COLUMNS];
	char *col_name[MAX_COLUMNS];
};

/* A value for a message: cut, with control bytes as '?'. */
static const char *show(const char *s, char out[SHOW_MAX + 4])
{
	size_t i = 0;

	for (; s[i] && i < SHOW_MAX; i++)
		out[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	out[i] = '\0';
	if (s[i])
		memcpy(out + i, "...", 4);
	return out;
}

static bool grow_rows(struct import *im)
{
	size_t alloc;
	void *p;

	if (im->nrows < im->alloc)
		return true;
	alloc = im->alloc ? im->alloc * 2 : 256;
	p = realloc(im->rows, alloc * sizeof(*im->rows));
	if (p == NULL)
		return false;
	im->rows = p;
	p = realloc(im->values,
		    alloc * (im->width_items ? im->width_items : 1));
	if (p == NULL)
		return false;
	im->values = p;
	p = realloc(im->comments,
		    alloc * (im->width_questions ? im->width_questions : 1) *
			sizeof(*im->comments));
	if (p == NULL)
		return false;
	im->comments = p;
	im->alloc = alloc;
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cp_team *)a)->name,
		      ((const struct cp_team *)b)->name);
}

static int snap_by_name(const void *a, const void *b)
{
	return strcmp(((const struct cp_snapshot_team *)a)->name,
		      ((const struct cp_snapshot_team *)b)->name);
}

/*
 * The id of the wave's team called name, by the names the wave was sent
 * with (its snapshot), or 0; *known says whether the name is a team at
 * all. Both lists are sorted by name: a file of 300,000 rows over 2,000
 * teams looks each row's team up in 11 steps, not 2,000.
 */
static int64_t team_of(struct import *im, const char *name, bool *known)
{
	struct cp_snapshot_team skey = {.name = (char *)(uintptr_t)name};
	struct cp_team key = {.name = (char *)(uintptr_t)name};
	const struct cp_snapshot_team *st = im->last_team;

	if (st && strcmp(st->name, name) == 0) {
		*known = true;
		return st->id;
	}
	st = im->nsnap ? bsearch(&skey, im->snap, im->nsnap, sizeof(*im->snap),
				 snap_by_name)
		       : NULL;
	if (st && st->in_wave) {
		im->last_team = st;
		*known = true;
		return st->id;
	}
	if (!im->teams_read) {
		im->teams_read = true;
		if (im->store_lock)
			pthread_mutex_lock(im->store_lock);
		im->teams_rc = cp_store_team_list(im->store, &im->teams,
						  &im->nteams, &im->teams_err);
		if (im->store_lock)
			pthread_mutex_unlock(im->store_lock);
		if (im->teams_rc == 0 && im->nteams)
			qsort(im->teams, im->nteams, sizeof(*im->teams),
			      by_name);
	}
	*known = st != NULL ||
		 (im->nteams && bsearch(&key, im->teams, im->nteams,
					sizeof(*im->teams), by_name) != NULL);
	return 0;
}

/* "1", "yes", "true" or "self": a self-assessment; "" or "0"...: not. */
static int parse_self(const char *s)
{
	static const char *const yes[] = {"1", "yes", "true", "self"};
	static const char *const no[] = {"", "0", "no", "false", "team"};

	for (size_t i = 0; i < 4; i++)
		if (strcmp(s, yes[i]) == 0)
			return 1;
	for (size_t i = 0; i < 5; i++)
		if (strcmp(s, no[i]) == 0)
			return 0;
	return -1;
}

/*
 * Starts a row: the team and kind known, the answers reset. Returns the
 * answers to fill, or NULL when the row cannot be checked further.
 */
static struct cp_answers *row_start(struct import *im, int line,
				    const char *where, const char *team,
				    int self, const char *key)
{
	char v[SHOW_MAX + 4];
	bool known;
	int64_t id;

	/* TRANSLATORS: each %s first in these messages is where the row
	 * is: "" or "record 3: ". */
	if (team == NULL || *team == '\0') {
		cp_problems_add(im->problems, line, "team",
				N_("%steam is empty"), where);
		return NULL;
	}
	id = team_of(im, team, &known);
	if (id == 0) {
		cp_problems_add(im->problems, line, "team",
				known ? N_("%steam '%s' is not in this wave")
				      : N_("%steam '%s' does not exist"),
				where, show(team, v));
		return NULL;
	}
	if (im->keyed && (key == NULL || *key == '\0')) {
		cp_problems_add(
		    im->problems, line, "id",
		    N_("%sid is empty: when the file names its rows, "
		       "every row needs its own"),
		    where);
		return NULL;
	}
	if (key && strlen(key) > MAX_ID) {
		cp_problems_add(im->problems, line, "id",
				N_("%sid is longer than %d bytes"), where,
				MAX_ID);
		return NULL;
	}
	if (self && im->survey[1] == NULL) {
		cp_problems_add(im->problems, line, "self",
				N_("%sthis wave has no self-assessment"),
				where);
		return NULL;
	}
	if (!grow_rows(im)) {
		im->oom = true;
		return NULL;
	}
	im->rows[im->nrows].team = id;
	im->rows[im->nrows].line = line;
	im->rows[im->nrows].self = self;
	im->rows[im->nrows].has_key = false;
	if (im->keyed && cp_sha256(key, strlen(key), im->rows[im->nrows].key)) {
		im->oom = true;
		return NULL;
	}
	im->rows[im->nrows].has_key = im->keyed;
	cp_answers_reset(&im->answers[self]);
	return &im->answers[self];
}

/* Ends a row: its problems listed, or it is kept. */
static void row_end(struct import *im, struct cp_answers *a, int line,
		    const char *where, const char *answers_prefix,
		    const char *comments_prefix)
{
	const struct cp_survey *s = a->survey;
	char field[160], v[SHOW_MAX + 4], or_declined[64];
	size_t r = im->nrows;

	if (cp_answers_check(a)) {
		/* TRANSLATORS: after "from 1 to 5": the token that
		 * declines. */
		snprintf(or_declined, sizeof(or_declined), _(" or %s"),
			 CP_ANSWER_DECLINED_TOKEN);
		for (size_t i = 0; i < s->nitems; i++) {
			int pr = a->item_problem[i];
			if (pr == CP_FIELD_OK)
				continue;
			snprintf(field, sizeof(field), "%s%s", answers_prefix,
				 s->items[i].id);
			if (pr == CP_FIELD_OFF_SCALE) {
				bool enps = s->items[i].type == CP_ITEM_ENPS;
				cp_problems_add(
				    im->problems, line, field,
				    N_("%s%s: '%s' is not a whole "
				       "number from %d to %d%s"),
				    where, field,
				    show(a->raw[i] ? a->raw[i] : "", v),
				    enps ? CP_ENPS_MIN : s->scale.min,
				    enps ? CP_ENPS_MAX : s->scale.max,
				    s->items[i].prefer_not_to_say ? or_declined
								  : "");
			} else
				cp_problems_add(
				    im->problems, line, field, "%s%s: %s",
				    where, field,
				    pr == CP_FIELD_MISSING
					? _("no answer")
					: _(cp_field_problem_text(pr)));
		}
		for (size_t q = 0; q < s->nquestions; q++) {
			int pr = a->question_problem[q];
			if (pr == CP_FIELD_OK)
				continue;
			snprintf(field, sizeof(field), "%s%s", comments_prefix,
				 s->questions[q].id);
			if (pr == CP_FIELD_TOO_LONG)
				cp_problems_add(im->problems, line, field,
						N_("%s%s: longer than %d "
						   "characters"),
						where, field,
						s->questions[q].max_length);
			else if (pr == CP_FIELD_BAD_TEXT)
				cp_problems_add(
				    im->problems, line, field,
				    N_("%s%s: not valid UTF-8 text"), where,
				    field);
			else
				cp_problems_add(im->problems, line, field,
						"%s%s: %s", where, field,
						_(cp_field_problem_text(pr)));
		}
		return;
	}
	for (size_t i = 0; i < s->nitems; i++)
		im->values[r * im->width_items + i] = (signed char)a->values[i];
	for (size_t q = 0; q < im->width_questions; q++) {
		char **slot = &im->comments[r * im->width_questions + q];
		*slot = NULL;
		if (q < s->nquestions) {
			*slot = a->texts[q]; /* moved, not copied */
			a->texts[q] = NULL;
		}
	}
	im->nrows++;
}

/* ---- CSV ---- */

static void csv_header(struct import *im, struct cp_csv_record *rec)
{
	bool team = false;
	char v[SHOW_MAX + 4];

	im->header_seen = true;
	im->ncols = rec->nfields;
	if (rec->nfields > MAX_COLUMNS) {
		cp_problems_add(im->problems, rec->line, "",
				N_("more than %d columns"), MAX_COLUMNS);
		im->ncols = MAX_COLUMNS;
	}
	for (size_t c = 0; c < im->ncols; c++) {
		char *name = cp_strdup(cp_trim(rec->field[c].text));
		if (name == NULL) {
			im->ncols = c;
			im->oom = true;
			return;
		}
		im->col_name[c] = name;
		for (int k = 0; k < 2; k++) {
			const struct cp_survey *sv = im->survey[k];
			const struct cp_item *it =
			    sv ? cp_survey_item(sv, name) : NULL;
			const struct cp_question *q =
			    sv && !it ? cp_survey_question(sv, name) : NULL;
			im->col_item[k][c] = it != NULL;
			im->col_at[k][c] = it  ? (int)(it - sv->items)
					   : q ? -2 - (int)(q - sv->questions)
					       : -1;
		}
		for (size_t d = 0; d < c; d++)
			if (strcmp(im->col_name[d], name) == 0)
				cp_problems_add(
				    im->problems, rec->line, name,
				    N_("column '%s' is given twice"),
				    show(name, v));
		if (strcmp(name, "team") == 0) {
			im->col_kind[c] = COL_TEAM;
			team = true;
		} else if (strcmp(name, "self") == 0) {
			im->col_kind[c] = COL_SELF;
		} else if (strcmp(name, "id") == 0 ||
			   strcmp(name, "response_id") == 0) {
			if (im->keyed)
				cp_problems_add(
				    im->problems, rec->line, name,
				    N_("columns id and response_id: "
				       "give one of them"));
			im->col_kind[c] = COL_ID;
			im->keyed = true;
		} else if (cp_survey_item(im->survey[0], name) ||
			   cp_survey_question(im->survey[0], name) ||
			   (im->survey[1] &&
			    (cp_survey_item(im->survey[1], name) ||
			     cp_survey_question(im->survey[1], name)))) {
			im->col_kind[c] = COL_ANSWER;
		} else {
			im->col_kind[c] = COL_UNKNOWN;
			cp_problems_add(im->problems, rec->line, name,
					N_("column '%s' is not an item or open "
					   "question of survey '%s'"),
					show(name, v), im->survey[0]->id);
		}
	}
	if (!team)
		cp_problems_add(im->problems, rec->line, "team",
				N_("no 'team' column (expected team, then the "
				   "survey's item ids and open-question ids, "
				   "optionally self and id)"));
}

/*
 * Lists the fields of a row that the CSV reader flagged (too long, a NUL
 * byte, not UTF-8), in its words; returns how many there are.
 */
static size_t unreadable_fields(struct import *im,
				const struct cp_csv_record *rec)
{
	char message[CP_ERROR_MSG_MAX];
	size_t n = 0;

	for (size_t c = 0; c < im->ncols; c++) {
		if (rec->field[c].flags == 0 ||
		    im->col_kind[c] == COL_UNKNOWN ||
		    cp_csv_problem(im->csv, &rec->field[c], im->col_name[c],
				   message, sizeof(message)) == NULL)
			continue;
		cp_problems_add(im->problems, rec->line, im->col_name[c], "%s",
				message);
		n++;
	}
	return n;
}

static void csv_row(struct import *im, struct cp_csv_record *rec)
{
	const char *team = NULL, *self = "", *key = NULL;
	struct cp_answers *a;
	char v[SHOW_MAX + 4];
	int kind, rc, at, line = rec->line;

	if (rec->nfields != im->ncols) {
		cp_problems_add(
		    im->problems, line, "",
		    N_("%zu fields, but the header has %zu columns"),
		    rec->nfields, im->ncols);
		return;
	}
	if (unreadable_fields(im, rec))
		return;
	for (size_t c = 0; c < im->ncols; c++) {
		if (im->col_kind[c] == COL_TEAM)
			team = rec->field[c].text;
		else if (im->col_kind[c] == COL_SELF)
			self = rec->field[c].text;
		else if (im->col_kind[c] == COL_ID)
			key = cp_trim(rec->field[c].text);
	}
	kind = parse_self(self);
	if (kind < 0) {
		cp_problems_add(im->problems, line, "self",
				N_("self: '%s' is not yes or no"),
				show(self, v));
		return;
	}
	a = row_start(im, line, "", team, kind, key);
	if (a == NULL)
		return;
	for (size_t c = 0; c < im->ncols; c++) {
		const char *value = rec->field[c].text;
		size_t n = rec->field[c].len;
		if (im->col_kind[c] != COL_ANSWER || n == 0)
			continue;
		/* Item answers may be padded ("4 "); comments stay as typed. */
		if (im->col_item[kind][c] && (cp_ascii_space(value[0]) ||
					      cp_ascii_space(value[n - 1]))) {
			value = cp_trim(rec->field[c].text);
			n = strlen(value);
		}
		at = im->col_at[kind][c];
		rc = at >= 0
			 ? cp_answers_set_item(a, (size_t)at, value, n, NULL)
		     : at < -1 ? cp_answers_set_question(a, (size_t)(-2 - at),
							 value, n, NULL)
			       : CP_ENOTFOUND;
		if (rc == CP_ENOTFOUND) {
			cp_problems_add(im->problems, line, im->col_name[c],
					N_("%s: not a question of survey '%s'"),
					im->col_name[c], a->survey->id);
		} else if (rc) {
			/* Out of memory: a comment not kept would be lost
			 * silently. */
			im->oom = true;
			return;
		}
	}
	row_end(im, a, line, "", "", "");
}

/*
 * Reads every record through the CSV reader, which caps the rows: a file
 * with more than MAX_ROWS is refused with the line of the first row too
 * many. After a malformed line reading goes on, so every bad line is
 * listed; before the header there is nothing to check rows against.
 */
static void read_csv(struct import *im, const char *text, size_t len)
{
	const struct cp_csv_limits limits = {
	    .max_field = MAX_FIELD,
	    .max_fields = MAX_COLUMNS,
	    .max_records = MAX_ROWS,
	    .header = true,
	};
	struct cp_csv_record *rec;
	struct cp_error e;
	int rc;

	if (cp_csv_open(&im->csv, im->file, text, len, &limits, NULL)) {
		im->oom = true;
		return;
	}
	while (!im->oom && (rc = cp_csv_next(im->csv, &rec, &e)) != 0) {
		if (rc == CP_EDATA) {
			cp_problems_add(im->problems, e.line, "", "%s",
					e.message);
			if (!im->header_seen)
				break;
		} else if (rc < 0) {
			im->oom = true;
		} else if (rec->header) {
			csv_header(im, rec);
		} else {
			csv_row(im, rec);
		}
	}
	cp_csv_free(im->csv);
	im->csv = NULL;
	if (!im->header_seen && cp_problems_total(im->problems) == 0)
		cp_problems_add(
		    im->problems, 0, "",
		    N_("the file is empty (expected a header: team, "
		       "then item ids)"));
}

/* ---- JSON ---- */

struct decoding {
	struct import *im;
	const char *where; /* "record N: " */
};

/* Lists a problem the answers decoder found, as "record N: FIELD: ...". */
static void json_problem(void *arg, const char *field, const char *message)
{
	struct decoding *d = arg;
	char v[SHOW_MAX + 4];

	cp_problems_add(d->im->problems, 0, field, "%s%s: %s", d->where,
			show(field, v), message);
}

static void read_json(struct import *im, const char *text, size_t len)
{
	json_error_t jerr;
	bool oom;
	json_t *doc =
	    cp_json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr, &oom);
	json_t *rec, *v;
	size_t idx;
	const char *key;
	char where[48], v2[SHOW_MAX + 4];
	struct decoding d = {.im = im};

	if (oom) {
		im->oom = true;
		return;
	}
	if (doc == NULL) {
		cp_problems_add(im->problems, jerr.line, "", "%s", jerr.text);
		return;
	}
	if (!json_is_array(doc)) {
		cp_problems_add(im->problems, 1, "",
				N_("expected an array of responses"));
		json_decref(doc);
		return;
	}
	json_array_foreach (doc, idx, rec) {
		json_t *team, *self, *answers, *comments, *rid;
		char idtext[MAX_ID + 2];
		struct cp_answers *a;
		int kind = 0;

		if (im->oom)
			break;
		if (idx >= MAX_ROWS) {
			cp_problems_add(im->problems, 0, "",
					N_("record %zu: the file has more than "
					   "%d records"),
					idx + 1, MAX_ROWS);
			break;
		}
		snprintf(where, sizeof(where), _("record %zu: "), idx + 1);
		if (!json_is_object(rec)) {
			cp_problems_add(im->problems, 0, "",
					N_("%snot an object"), where);
			continue;
		}
		json_object_foreach (rec, key, v) {
			if (strcmp(key, "team") && strcmp(key, "self") &&
			    strcmp(key, "answers") && strcmp(key, "comments") &&
			    strcmp(key, "id") && strcmp(key, "response_id"))
				cp_problems_add(im->problems, 0, key,
						N_("%sunknown field '%s'"),
						where, show(key, v2));
		}
		if (json_object_get(rec, "id") &&
		    json_object_get(rec, "response_id")) {
			cp_problems_add(im->problems, 0, "id",
					N_("%sfields id and response_id: give "
					   "one of them"),
					where);
			continue;
		}
		rid = json_object_get(rec, "id");
		if (rid == NULL)
			rid = json_object_get(rec, "response_id");
		/* The first record decides whether the file names its rows. */
		if (idx == 0)
			im->keyed = rid != NULL;
		if (rid && !im->keyed) {
			cp_problems_add(im->problems, 0, "id",
					N_("%sid given, but record 1 has none: "
					   "name every record or none"),
					where);
			continue;
		}
		if (rid && json_is_integer(rid)) {
			snprintf(idtext, sizeof(idtext),
				 "%" JSON_INTEGER_FORMAT,
				 json_integer_value(rid));
		} else if (rid && json_is_string(rid)) {
			/* Cut at MAX_ID + 1 bytes: row_start says too long. */
			snprintf(idtext, sizeof(idtext), "%s",
				 json_string_value(rid));
		} else if (rid) {
			cp_problems_add(im->problems, 0, "id",
					N_("%sid: expected a string or a whole "
					   "number"),
					where);
			continue;
		} else {
			idtext[0] = '\0';
		}
		team = json_object_get(rec, "team");
		self = json_object_get(rec, "self");
		answers = json_object_get(rec, "answers");
		comments = json_object_get(rec, "comments");
		if (self && !json_is_boolean(self)) {
			cp_problems_add(im->problems, 0, "self",
					N_("%sself: expected true or false"),
					where);
			continue;
		}
		kind = self && json_is_true(self);
		if (!json_is_string(team)) {
			cp_problems_add(im->problems, 0, "team",
					N_("%steam: expected a string"), where);
			continue;
		}
		a = row_start(im, 0, where, json_string_value(team), kind,
			      idtext);
		if (a == NULL)
			continue;
		im->rows[im->nrows].rec = idx + 1;
		d.where = where;
		if (cp_answers_decode_json(a, answers, comments, json_problem,
					   &d, NULL)) {
			im->oom = true;
			break;
		}
		/* Said by the decoder; a list of unanswered items would
		 * only repeat it. */
		if (!json_is_object(answers))
			continue;
		row_end(im, a, 0, where, "answers.", "comments.");
	}
	json_decref(doc);
}

/* ---- the same rows twice ---- */

/* qsort has no argument; a thread's own (an import of several files
 * reads them in a thread of its own). */
static _Thread_local const struct import *sort_im;

static int by_key(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = memcmp(sort_im->rows[x].key, sort_im->rows[y].key,
		       CP_IMPORT_DIGEST);

	return c ? c : (x > y) - (x < y);
}

/* Where a row is, for a message: "line N" or "record N". */
static const char *row_place(const struct import *im, size_t r, char *out,
			     size_t n)
{
	if (im->rows[r].line)
		snprintf(out, n, _("line %d"), im->rows[r].line);
	else
		snprintf(out, n, _("record %zu"), im->rows[r].rec);
	return out;
}

/* Lists every row whose identifier an earlier row of the file has. */
static void duplicate_keys(struct import *im)
{
	size_t *order;
	char a[32], b[32];

	if (!im->keyed || im->nrows < 2)
		return;
	if ((order = malloc(im->nrows * sizeof(*order))) == NULL) {
		im->oom = true;
		return;
	}
	for (size_t r = 0; r < im->nrows; r++)
		order[r] = r;
	sort_im = im;
	qsort(order, im->nrows, sizeof(*order), by_key);
	/* Equal ids sort together, earliest row first. */
	for (size_t i = 1, first = order[0]; i < im->nrows; i++) {
		size_t r = order[i];
		if (memcmp(im->rows[first].key, im->rows[r].key,
			   CP_IMPORT_DIGEST) != 0) {
			first = r;
			continue;
		}
		cp_problems_add(
		    im->problems, im->rows[r].line, "id",
		    N_("%s: the same id as %s: a row is given once"),
		    row_place(im, r, a, sizeof(a)),
		    row_place(im, first, b, sizeof(b)));
	}
	free(order);
}

/* The identifiers' digests of the rows, in a row: what the store keeps. */
static uint8_t (*row_keys(const struct import *im, size_t *n))[CP_IMPORT_DIGEST]
{
	uint8_t(*keys)[CP_IMPORT_DIGEST];

	*n = 0;
	if (!im->keyed || im->nrows == 0)
		return NULL;
	if ((keys = malloc(im->nrows * sizeof(*keys))) == NULL)
		return NULL;
	for (size_t r = 0; r < im->nrows; r++)
		memcpy(keys[r], im->rows[r].key, CP_IMPORT_DIGEST);
	*n = im->nrows;
	return keys;
}

/* "import 3 into wave 2 on 2026-11-04 10:00 UTC (16 responses; the
 * same file)" for a message. */
static int describe_import(struct cp_buf *b, const struct cp_import_record *r,
			   struct cp_error *err)
{
	char when[40], how[48];

	cp_when_format(r->imported_at, when, sizeof(when));
	if (r->same_file)
		snprintf(how, sizeof(how), "the same file");
	else
		snprintf(how, sizeof(how), "%lld of this file's rows",
			 (long long)r->same_rows);
	return cp_buf_printf(
	    b, err, "import %lld into wave %lld on %s (%lld response%s; %s)",
	    (long long)r->id, (long long)r->wave_id, when,
	    (long long)r->responses, r->responses == 1 ? "" : "s", how);
}

/*
 * The refusal: the file, or some of its rows, were imported before. Names
 * each earlier import: when, which wave, how many responses.
 */
static int refuse_again(const char *file, const struct cp_import_record *r,
			size_t n, struct cp_error *err)
{
	struct cp_buf b;
	bool same_file = false;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		same_file = same_file || r[i].same_file;
	cp_buf_init(&b, CP_ERROR_MSG_MAX);
	rc = cp_buf_printf(&b, err, "%s imported before: ",
			   same_file ? "this file was"
				     : "rows with these ids were");
	for (size_t i = 0; rc == 0 && i < n && i < 3; i++) {
		if (i)
			rc = cp_buf_printf(&b, err, "; ");
		if (rc == 0)
			rc = describe_import(&b, &r[i], err);
	}
	if (rc == 0 && n > 3)
		rc = cp_buf_printf(&b, err, "; and %zu more", n - 3);
	if (rc == 0)
		rc = cp_buf_printf(&b, err,
				   ". Nothing was imported: --replace swaps "
				   "%s responses for this file's",
				   n == 1 ? "that import's" : "those imports'");
	rc = cp_error_set_at(err, CP_ECONFLICT, file, 0, 0, "%s",
			     rc ? "this file or its rows were imported before"
				: cp_buf_str(&b));
	cp_buf_release(&b);
	return rc;
}

/* ---- storing ---- */

/* The pinned surveys of a wave other than the import's: [team, self]. */
static int wave_surveys(struct cp_store *st, int64_t wave,
			struct cp_survey *out[2], struct cp_error *err)
{
	struct cp_wave w;
	int rc;

	out[0] = out[1] = NULL;
	if ((rc = cp_store_wave_get(st, wave, &w, err)) ||
	    (rc = cp_survey_fetch(&out[0], st, NULL, w.survey_ref, err)))
		return rc;
	if (w.self_survey_ref &&
	    (rc = cp_survey_fetch(&out[1], st, NULL, w.self_survey_ref, err))) {
		cp_survey_free(out[0]);
		out[0] = NULL;
	}
	return rc;
}

/* Takes the earlier imports out, inside the transaction and bulk load. */
static int take_out(struct cp_store *st, struct import *im, int64_t wave,
		    const struct cp_import_record *earlier, size_t n,
		    int64_t *removed, struct cp_error *err)
{
	int rc = 0;

	*removed = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct cp_survey *other[2] = {NULL, NULL};
		const struct cp_survey *sv[2] = {im->survey[0], im->survey[1]};
		int64_t k = 0;
		if (earlier[i].wave_id != wave) {
			rc = wave_surveys(st, earlier[i].wave_id, other, err);
			sv[0] = other[0];
			sv[1] = other[1];
		}
		if (rc == 0)
			rc = cp_store_import_remove(st, earlier[i].id, sv[0],
						    sv[1], &k, err);
		*removed += k;
		cp_survey_free(other[0]);
		cp_survey_free(other[1]);
	}
	return rc;
}

/*
 * Adds the rows of a checked file to st's bulk load (or to a part of one,
 * cp_store_bulk_part), each response of import import_id.
 */
static int add_rows(struct cp_store *st, const struct import *im,
		    int64_t import_id, struct cp_error *err)
{
	size_t wi = im->width_items ? im->width_items : 1;
	struct cp_answer *answers = calloc(wi, sizeof(*answers));
	struct cp_comment *comments =
	    calloc(im->width_questions + 1, sizeof(*comments));
	int rc = 0;

	if (answers == NULL || comments == NULL)
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	for (size_t r = 0; rc == 0 && r < im->nrows; r++) {
		const struct cp_survey *s = im->survey[im->rows[r].self];
		struct cp_response resp = {0};
		size_t nc = 0;

		for (size_t i = 0; i < s->nitems; i++) {
			answers[i].item_id = s->items[i].id;
			answers[i].value = im->values[r * im->width_items + i];
		}
		for (size_t q = 0; q < s->nquestions; q++) {
			const char *t =
			    im->comments[r * im->width_questions + q];
			if (t == NULL)
				continue;
			comments[nc].question_id = s->questions[q].id;
			comments[nc].text = t;
			nc++;
		}
		resp.wave_id = im->wave;
		resp.team_id = im->rows[r].team;
		resp.self = im->rows[r].self;
		resp.answers = answers;
		resp.nanswers = s->nitems;
		resp.comments = comments;
		resp.ncomments = nc;
		resp.import_id = import_id;
		rc = cp_store_response_add(st, &resp, s, err);
	}
	free(answers);
	free(comments);
	return rc;
}

/*
 * Stores one checked file inside the caller's transaction and bulk load:
 * its earlier imports out (those an earlier file of the same command took
 * out already, in taken[0..*ntaken), are not taken twice), the record,
 * the rows' digests, the responses: added to the bulk load, or when
 * im->part holds them already (made by the reader of an import of
 * several files), that part written.
 */
static int store_one(struct cp_store *st, struct import *im,
		     struct cp_import_result *res, int64_t *taken,
		     size_t *ntaken, struct cp_error *err)
{
	const int64_t wave = im->wave;
	size_t nkeys = 0;
	uint8_t(*keys)[CP_IMPORT_DIGEST] = row_keys(im, &nkeys);
	int64_t import_id = 0;
	int rc = 0;

	if (im->keyed && keys == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	/* One transaction: the earlier import goes and this one comes, or
	 * neither (a kill in between leaves the earlier one). */
	for (size_t i = 0; rc == 0 && i < res->nreplaced; i++) {
		int64_t removed = 0;
		size_t k = 0;
		while (k < *ntaken && taken[k] != res->replaced[i].id)
			k++;
		if (k < *ntaken)
			continue;
		taken[(*ntaken)++] = res->replaced[i].id;
		rc =
		    take_out(st, im, wave, &res->replaced[i], 1, &removed, err);
	}
	if (rc == 0)
		rc = cp_store_import_add(st, wave, im->digest,
					 (int64_t)im->nrows, &import_id, err);
	if (rc == 0)
		rc = cp_store_import_rows(
		    st, import_id, wave,
		    (const uint8_t(*)[CP_IMPORT_DIGEST])keys, nkeys, err);
	if (rc == 0)
		rc = im->part
			 ? cp_store_bulk_adopt(st, im->part, import_id, err)
			 : add_rows(st, im, import_id, err);
	if (rc == 0)
		res->import_id = import_id;
	free(keys);
	return rc;
}

static void import_release(struct import *im)
{
	for (size_t r = 0; im->comments && r < im->nrows; r++)
		for (size_t q = 0; q < im->width_questions; q++)
			free(im->comments[r * im->width_questions + q]);
	for (size_t c = 0; c < im->ncols; c++)
		free(im->col_name[c]);
	for (int k = 0; k < 2; k++)
		if (im->answers[k].survey)
			cp_answers_release(&im->answers[k]);
	cp_survey_free((struct cp_survey *)im->survey[0]);
	cp_survey_free((struct cp_survey *)im->survey[1]);
	cp_store_teams_free(im->teams, im->nteams);
	cp_store_bulk_part_free(im->part);
	cp_store_snapshot_free(im->snap, im->nsnap);
	free(im->rows);
	free(im->values);
	free(im->comments);
}

/*
 * Whether this file, or rows of it, were imported before: res->replaced
 * lists those imports. Without replace that is a refusal; with it each
 * must be in a wave that is still open.
 */
static int earlier_imports(struct cp_store *st, struct import *im, int64_t wave,
			   const char *file,
			   const uint8_t digest[CP_IMPORT_DIGEST], bool replace,
			   const int64_t *own, size_t nown,
			   struct cp_import_result *res, struct cp_error *err)
{
	size_t nkeys = 0;
	uint8_t(*keys)[CP_IMPORT_DIGEST] = row_keys(im, &nkeys);
	int rc;

	if (im->keyed && keys == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	rc = cp_store_import_find(st, wave, digest,
				  (const uint8_t(*)[CP_IMPORT_DIGEST])keys,
				  nkeys, &res->replaced, &res->nreplaced, err);
	free(keys);
	for (size_t i = 0, kept = 0; rc == 0 && i < res->nreplaced; i++) {
		size_t k = 0;
		while (k < nown && own[k] != res->replaced[i].id)
			k++;
		if (k == nown)
			res->replaced[kept++] = res->replaced[i];
		if (i + 1 == res->nreplaced)
			res->nreplaced = kept;
	}
	if (rc || res->nreplaced == 0)
		return rc;
	if (!replace)
		return refuse_again(file, res->replaced, res->nreplaced, err);
	for (size_t i = 0; i < res->nreplaced; i++) {
		struct cp_wave w;
		if ((rc = cp_store_wave_get(st, res->replaced[i].wave_id, &w,
					    err)))
			return rc;
		if (w.status == CP_WAVE_CLOSED || w.status == CP_WAVE_CANCELLED)
			return cp_error_set_at(
			    err, CP_ECONFLICT, file, 0, 0,
			    N_("import %lld is in wave %lld, which is %s: "
			       "its results are frozen, so it cannot be "
			       "replaced"),
			    (long long)res->replaced[i].id,
			    (long long)res->replaced[i].wave_id,
			    cp_wave_status_name(w.status));
	}
	for (size_t i = 0; i < res->nreplaced; i++)
		res->replaced_responses += res->replaced[i].responses;
	return 0;
}

/*
 * The first part of checking a file: its wave (open), surveys and
 * snapshot read from the store, so that reading the file (check_read)
 * needs the store only for a team name the wave was not sent to. *im is
 * released by the caller, also after a failure.
 */
static int check_prepare(struct cp_store *st, struct import *im,
			 struct cp_import_file *f, struct cp_error *err)
{
	const int64_t wave = f->wave;
	struct cp_wave w;
	struct cp_survey *sv = NULL;
	size_t k = 0;
	int rc;

	memset(im, 0, sizeof(*im));
	im->file = f->file;
	im->wave = wave;
	im->problems = f->problems;
	im->store = st;
	rc = cp_store_wave_get(st, wave, &w, err);
	/* A closed wave is frozen: a late response would change what it
	 * shows, and the difference would be exactly the late answers. */
	if (rc == 0 && w.status == CP_WAVE_CLOSED)
		rc = cp_error_set(err, CP_ECONFLICT,
				  N_("wave %lld is closed: its results are "
				     "frozen, so responses can no longer be "
				     "imported"),
				  (long long)wave);
	else if (rc == 0 && w.status == CP_WAVE_CANCELLED)
		rc = cp_error_set(err, CP_ECONFLICT,
				  N_("wave %lld was cancelled: it takes no "
				     "responses"),
				  (long long)wave);
	if (rc == 0)
		rc = cp_survey_fetch(&sv, st, NULL, w.survey_ref, err);
	im->survey[0] = sv;
	sv = NULL;
	if (rc == 0 && w.self_survey_ref)
		rc = cp_survey_fetch(&sv, st, NULL, w.self_survey_ref, err);
	im->survey[1] = sv;
	if (rc == 0)
		rc = cp_store_wave_snapshot(st, wave, &im->snap, &im->nsnap,
					    err);
	if (rc == 0)
		qsort(im->snap, im->nsnap, sizeof(*im->snap), snap_by_name);
	for (k = 0; rc == 0 && k < 2; k++) {
		if (im->survey[k] == NULL)
			continue;
		rc = cp_answers_init(&im->answers[k], im->survey[k], err);
		if (im->survey[k]->nitems > im->width_items)
			im->width_items = im->survey[k]->nitems;
		if (im->survey[k]->nquestions > im->width_questions)
			im->width_questions = im->survey[k]->nquestions;
	}
	return rc;
}

/*
 * The second part: reads and checks the file's text (every problem to
 * f->problems: CP_EDATA) and takes its digest. Uses the store only
 * through team_of, under im->store_lock when there is one: this is what
 * the reader thread of an import of several files runs.
 */
static int check_read(struct import *im, struct cp_import_file *f,
		      struct cp_error *err)
{
	enum cp_import_format format = f->format;
	const char *text = f->text;
	struct cp_problems *p = f->problems;
	size_t len = f->len;
	int rc = 0;

	if (format == CP_IMPORT_AUTO) {
		size_t i = 0;
		while (i < len && (text[i] == ' ' || text[i] == '\t' ||
				   text[i] == '\n' || text[i] == '\r'))
			i++;
		format =
		    i < len && text[i] == '[' ? CP_IMPORT_JSON : CP_IMPORT_CSV;
	}
	if (format == CP_IMPORT_JSON)
		read_json(im, text, len);
	else
		read_csv(im, text, len);
	if (!im->oom && cp_problems_total(p) == 0)
		duplicate_keys(im);
	if (im->teams_rc) {
		rc = im->teams_rc;
		if (err)
			*err = im->teams_err;
	} else if (im->oom) {
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	} else if (cp_problems_total(p)) {
		rc = cp_problems_to_error(p, err);
	} else if (im->nrows == 0) {
		rc = cp_error_set_at(err, CP_EDATA, f->file, 0, 0,
				     N_("no responses in the file"));
	}
	if (rc == 0)
		rc = cp_sha256(text, len, im->digest);
	return rc;
}

/*
 * The last part: the earlier imports of the same file or rows (refused
 * unless o->replace). The imports own[0..nown) that this command made
 * already, in its open transaction, are not earlier ones: what they
 * share with this file is found by same_twice, as when nothing was
 * written yet.
 */
static int check_finish(struct cp_store *st, struct import *im,
			struct cp_import_file *f,
			const struct cp_import_opts *o, const int64_t *own,
			size_t nown, struct cp_error *err)
{
	int rc = earlier_imports(st, im, f->wave, f->file, im->digest,
				 o->replace, own, nown, &f->res, err);

	if (rc == 0)
		f->res.imported = im->nrows;
	return rc;
}

/*
 * Reads and checks one file against its wave: every problem of the file
 * goes to f->problems (CP_EDATA); then its digest and the earlier imports
 * of the same file or rows (refused unless o->replace). *im is released
 * by the caller, also after a failure.
 */
static int check_file(struct cp_store *st, struct import *im,
		      struct cp_import_file *f, const struct cp_import_opts *o,
		      struct cp_error *err)
{
	int rc = check_prepare(st, im, f, err);

	if (rc == 0)
		rc = check_read(im, f, err);
	if (rc == 0)
		rc = check_finish(st, im, f, o, NULL, 0, err);
	return rc;
}

/* A row of one of the files, to find ids given in two files of a wave. */
struct keyed_row {
	const struct import *im;
	size_t file, row;
};

static int by_wave_key(const void *a, const void *b)
{
	const struct keyed_row *x = a, *y = b;
	int c = (x->im->wave > y->im->wave) - (x->im->wave < y->im->wave);

	if (c == 0)
		c = memcmp(x->im->rows[x->row].key, y->im->rows[y->row].key,
			   CP_IMPORT_DIGEST);
	if (c == 0)
		c = (x->file > y->file) - (x->file < y->file);
	return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* Whether two of the files are the same file, or give a row of the same
 * wave the same id: each is one import, and none may count twice. The
 * rows of all keyed files are sorted by wave and id once (a pair of
 * 300,000-row files of one wave is not 9e10 comparisons). */
static int same_twice(const struct import *ims, size_t n, struct cp_error *err)
{
	struct keyed_row *rows, *hit = NULL, *first = NULL;
	size_t total = 0, k = 0;
	char a[32], b[32];

	for (size_t j = 1; j < n; j++)
		for (size_t i = 0; i < j; i++)
			if (memcmp(ims[i].digest, ims[j].digest,
				   CP_IMPORT_DIGEST) == 0)
				return cp_error_set_at(
				    err, CP_ECONFLICT, ims[j].file, 0, 0,
				    N_("the same file as %s, given twice: "
				       "nothing was imported"),
				    ims[i].file);
	for (size_t i = 0; i < n; i++)
		total += ims[i].keyed ? ims[i].nrows : 0;
	if (n < 2 || total < 2)
		return 0;
	if ((rows = malloc(total * sizeof(*rows))) == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; ims[i].keyed && r < ims[i].nrows; r++)
			rows[k++] = (struct keyed_row){&ims[i], i, r};
	qsort(rows, total, sizeof(*rows), by_wave_key);
	/* In a run of one wave's id, its first row is the earliest file's;
	 * a row of a later file is the conflict. The one named is the
	 * earliest such row of the earliest such file. */
	for (size_t x = 1, lead = 0; x < total; x++) {
		struct keyed_row *p = &rows[lead], *q = &rows[x];
		if (p->im->wave != q->im->wave ||
		    memcmp(p->im->rows[p->row].key, q->im->rows[q->row].key,
			   CP_IMPORT_DIGEST) != 0) {
			lead = x;
			continue;
		}
		if (q->file != p->file &&
		    (hit == NULL || q->file < hit->file ||
		     (q->file == hit->file && q->row < hit->row))) {
			hit = q;
			first = p;
		}
	}
	if (hit)
		cp_error_set_at(
		    err, CP_ECONFLICT, hit->im->file, 0, 0,
		    N_("%s has the same id as %s of %s, in the same "
		       "wave: a row is given once. Nothing was "
		       "imported"),
		    row_place(hit->im, hit->row, a, sizeof(a)),
		    row_place(first->im, first->row, b, sizeof(b)),
		    first->im->file);
	free(rows);
	return hit ? CP_ECONFLICT : 0;
}

/* Files the reader thread may have read and the writer not yet stored:
 * what bounds the memory of an import of several files. */
#define READ_AHEAD 2

/*
 * An import of several files as a pipeline: a reader thread reads and
 * checks the files in turn (check_read: libcsv or jansson, every cell,
 * the digest) while the calling thread, the only one that writes, stores
 * each checked file in the transaction and writes its part of the bulk
 * load, so reading file i + 1 overlaps writing file i. The store is the
 * caller's: the reader uses it only for a team name the wave was not
 * sent to (team_of), under store_lock, which the writer holds whenever
 * it is not waiting for the reader.
 */
struct pipeline {
	pthread_mutex_t lock; /* guards the fields below */
	pthread_cond_t cond;
	pthread_mutex_t store_lock;
	const struct cp_lang *lang; /* the caller's, for the reader's text */
	struct import *ims;
	struct cp_import_file *files;
	size_t n;     /* files prepared (check_prepare), to read */
	int *read_rc; /* check_read's result per file */
	struct cp_error *read_err;
	size_t read;   /* files read: [0, read) */
	size_t stored; /* files the writer is done with */
	bool stop;     /* the writer needs no more */
};

/* Whether check_read's rc ends the whole check (as in cp_import_many). */
static bool stops_check(int rc, const struct cp_import_file *f)
{
	return rc && (rc != CP_EDATA || cp_problems_total(f->problems) == 0);
}

/*
 * The responses of a file that is written as a part of its own (its wave
 * below every later file's, and the file before it written too) go into
 * that part here, in the reader thread, with the import's number given
 * when the part is written. A failure is one of storing (part_rc).
 */
static void make_part(struct import *im)
{
	im->part_rc = cp_store_bulk_part(&im->part, &im->part_err);
	if (im->part_rc == 0)
		im->part_rc = add_rows(im->part, im, 0, &im->part_err);
}

static void *reader_main(void *arg)
{
	struct pipeline *pl = arg;
	locale_t prev = cp_lang_use(pl->lang);

	for (size_t i = 0; i < pl->n; i++) {
		int rc;
		pthread_mutex_lock(&pl->lock);
		while (!pl->stop && i >= pl->stored + READ_AHEAD)
			pthread_cond_wait(&pl->cond, &pl->lock);
		if (pl->stop) {
			pthread_mutex_unlock(&pl->lock);
			break;
		}
		pthread_mutex_unlock(&pl->lock);
		rc = check_read(&pl->ims[i], &pl->files[i], &pl->read_err[i]);
		if (rc == 0 && pl->ims[i].alone)
			make_part(&pl->ims[i]);
		pthread_mutex_lock(&pl->lock);
		pl->read_rc[i] = rc;
		pl->read = i + 1;
		pthread_cond_broadcast(&pl->cond);
		pthread_mutex_unlock(&pl->lock);
		if (stops_check(rc, &pl->files[i]))
			break;
	}
	cp_lang_end(prev);
	return NULL;
}

/* Waits, without the store, until the reader is done with file i. */
static void wait_read(struct pipeline *pl, size_t i)
{
	pthread_mutex_unlock(&pl->store_lock);
	pthread_mutex_lock(&pl->lock);
	while (pl->read <= i)
		pthread_cond_wait(&pl->cond, &pl->lock);
	pthread_mutex_unlock(&pl->lock);
	pthread_mutex_lock(&pl->store_lock);
}

static void mark_stored(struct pipeline *pl, size_t stored, bool stop)
{
	pthread_mutex_lock(&pl->lock);
	pl->stored = stored;
	pl->stop = pl->stop || stop;
	pthread_cond_broadcast(&pl->cond);
	pthread_mutex_unlock(&pl->lock);
}

/* A stored file's answers and comments, which the bulk load copied; its
 * rows stay when they have ids (same_twice reads them). */
static void drop_stored(struct import *im)
{
	for (size_t r = 0; im->comments && r < im->nrows; r++)
		for (size_t q = 0; q < im->width_questions; q++)
			free(im->comments[r * im->width_questions + q]);
	free(im->comments);
	free(im->values);
	im->comments = NULL;
	im->values = NULL;
	if (!im->keyed) {
		free(im->rows);
		im->rows = NULL;
	}
}

/*
 * cp_import_many's storing run for several files without --replace or
 * --dry-run: the same checks in the same order with the same outcome (an
 * error of the check comes before one of storing, which only a check
 * that passes lets through), but each file is stored once it is checked,
 * and the bulk load is written at each file whose wave sorts below every
 * later file's (the rows still go in in key order), while the reader
 * thread reads the next. Nothing is committed unless every file passes.
 */
static int import_pipelined(struct cp_store *st, struct import *ims,
			    struct cp_import_file *files, size_t n,
			    const struct cp_import_opts *o, size_t *checked,
			    struct cp_error *err)
{
	struct pipeline pl = {.ims = ims, .files = files, .n = 0};
	struct cp_error store_err = {0}, prep_err = {0};
	int64_t *own = NULL, *later = NULL;
	bool *flush = NULL;
	size_t nown = 0, none = 0, bad = n, i = 0;
	int rc = 0, prep_rc = 0, store_rc = 0, thread_rc;
	bool began = false;
	pthread_t reader;

	*checked = 0;
	own = calloc(n, sizeof(*own));
	later = calloc(n, sizeof(*later));
	flush = calloc(n, sizeof(*flush));
	pl.read_rc = calloc(n, sizeof(*pl.read_rc));
	pl.read_err = calloc(n, sizeof(*pl.read_err));
	if (own == NULL || later == NULL || flush == NULL ||
	    pl.read_rc == NULL || pl.read_err == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		goto done;
	}
	/* later[i]: the lowest wave of the files after i. */
	later[n - 1] = INT64_MAX;
	for (size_t k = n - 1; k-- > 0;)
		later[k] = files[k + 1].wave < later[k + 1] ? files[k + 1].wave
							    : later[k + 1];
	/* A file whose wave sorts below every later file's ends a part of
	 * the bulk load; one that does so alone gets a part of its own,
	 * which the reader makes. */
	for (size_t k = 0, top = 0; k < n; k++) {
		if (files[k].wave > files[top].wave)
			top = k;
		flush[k] = files[top].wave < later[k];
	}
	/* What each check reads from the store first, as check_file does;
	 * the first file that fails here stops the check there. */
	while (pl.n < n && prep_rc == 0) {
		prep_rc = check_prepare(st, &ims[*checked], &files[*checked],
					&prep_err);
		ims[*checked].alone =
		    flush[*checked] && (*checked == 0 || flush[*checked - 1]);
		ims[(*checked)++].store_lock = &pl.store_lock;
		if (prep_rc == 0)
			pl.n++;
	}
	pl.lang = cp_lang_current();
	pthread_mutex_init(&pl.lock, NULL);
	pthread_cond_init(&pl.cond, NULL);
	pthread_mutex_init(&pl.store_lock, NULL);
	pthread_mutex_lock(&pl.store_lock);
	thread_rc = pthread_create(&reader, NULL, reader_main, &pl);
	if (thread_rc) {
		/* No thread: the reader's work in this one, in turn. */
		pthread_mutex_unlock(&pl.store_lock);
		for (size_t k = 0; k < pl.n; k++) {
			ims[k].store_lock = NULL;
			pl.read_rc[k] =
			    check_read(&ims[k], &files[k], &pl.read_err[k]);
			if (pl.read_rc[k] == 0 && ims[k].alone)
				make_part(&ims[k]);
			pl.read = k + 1;
			if (stops_check(pl.read_rc[k], &files[k]))
				break;
		}
	}
	for (i = 0; i < pl.n; i++) {
		int one;
		/* The reader reads every file up to the first that stops the
		 * check, where this loop stops too. */
		if (thread_rc == 0)
			wait_read(&pl, i);
		else if (i >= pl.read)
			break;
		one = pl.read_rc[i];
		if (err && one)
			*err = pl.read_err[i];
		if (one == 0)
			one = check_finish(st, &ims[i], &files[i], o, own, nown,
					   err);
		if (stops_check(one, &files[i])) {
			rc = one;
			break;
		}
		if (one && bad == n)
			bad = i;
		if (one == 0 && bad == n && store_rc == 0) {
			if (!began) {
				store_rc = cp_store_begin(st, &store_err);
				began = store_rc == 0;
				if (store_rc == 0 &&
				    (store_rc = cp_store_bulk_begin(
					 st, &store_err)) != 0) {
					cp_store_rollback(st);
					began = false;
				}
			}
			if (store_rc == 0 && ims[i].part_rc) {
				store_rc = ims[i].part_rc;
				store_err = ims[i].part_err;
			}
			if (store_rc == 0)
				store_rc = store_one(st, &ims[i], &files[i].res,
						     NULL, &none, &store_err);
			if (store_rc == 0)
				own[nown++] = files[i].res.import_id;
			drop_stored(&ims[i]);
			if (store_rc == 0 && flush[i] && !ims[i].alone)
				store_rc = cp_store_bulk_flush(st, &store_err);
		}
		if (thread_rc == 0)
			mark_stored(&pl, i + 1, false);
	}
	/* Every file before it checked: the one whose wave, survey or
	 * snapshot could not be read is the error, as in check_file. */
	if (rc == 0 && prep_rc && i == pl.n) {
		rc = prep_rc;
		if (err)
			*err = prep_err;
	}
	if (thread_rc == 0) {
		mark_stored(&pl, i, true);
		pthread_mutex_unlock(&pl.store_lock);
		pthread_join(reader, NULL);
	}
	pthread_mutex_destroy(&pl.lock);
	pthread_cond_destroy(&pl.cond);
	pthread_mutex_destroy(&pl.store_lock);
	/* Problems: the first file's that has some is the error. */
	if (rc == 0 && bad < n)
		rc = cp_problems_to_error(files[bad].problems, err);
	if (rc == 0)
		rc = same_twice(ims, *checked, err);
	if (rc == 0 && store_rc) {
		rc = store_rc;
		if (err)
			*err = store_err;
	}
	if (rc == 0 && began) {
		rc = cp_store_bulk_end(st, err);
		if (rc == 0)
			rc = cp_store_commit(st, err);
		else
			cp_store_rollback(st);
	} else if (began) {
		cp_store_rollback(st);
	}
	for (size_t k = 0; rc && k < n; k++)
		files[k].res.import_id = 0;
done:
	free(own);
	free(later);
	free(flush);
	free(pl.read_rc);
	free(pl.read_err);
	return rc;
}

int cp_import_many(struct cp_store *st, struct cp_import_file *files, size_t n,
		   const struct cp_import_opts *o, struct cp_error *err)
{
	struct import *ims = calloc(n ? n : 1, sizeof(*ims));
	int64_t *taken = NULL;
	size_t ntaken = 0, ntake = 0, checked = 0, bad = n;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		memset(&files[i].res, 0, sizeof(files[i].res));
	if (ims == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	if (n > 1 && !o->dry_run && !o->replace) {
		rc = import_pipelined(st, ims, files, n, o, &checked, err);
		goto done;
	}
	/* Every file is checked, so every problem of every file is listed;
	 * anything else stops at once. */
	for (; checked < n; checked++) {
		rc = check_file(st, &ims[checked], &files[checked], o, err);
		if (rc && (rc != CP_EDATA ||
			   cp_problems_total(files[checked].problems) == 0)) {
			checked++;
			break;
		}
		if (rc && bad == n)
			bad = checked;
		rc = 0;
	}
	/* Problems: the first file's that has some is the error. */
	if (rc == 0 && bad < n)
		rc = cp_problems_to_error(files[bad].problems, err);
	if (rc == 0)
		rc = same_twice(ims, n, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		ntake += files[i].res.nreplaced;
	if (rc == 0 && ntake && (taken = calloc(ntake, sizeof(*taken))) == NULL)
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	/* One transaction and one bulk load for all the files: all of them
	 * or none, their responses written in key order at the end. */
	if (rc == 0 && !o->dry_run) {
		rc = cp_store_begin(st, err);
		if (rc == 0 && (rc = cp_store_bulk_begin(st, err)) != 0)
			cp_store_rollback(st);
		if (rc == 0) {
			for (size_t i = 0; rc == 0 && i < n; i++)
				rc = store_one(st, &ims[i], &files[i].res,
					       taken, &ntaken, err);
			if (rc == 0)
				rc = cp_store_bulk_end(st, err);
			if (rc == 0)
				rc = cp_store_commit(st, err);
			else
				cp_store_rollback(st);
		}
		for (size_t i = 0; rc && i < n; i++)
			files[i].res.import_id = 0;
	}
done:
	for (size_t i = 0; i < checked; i++)
		import_release(&ims[i]);
	free(ims);
	free(taken);
	return rc;
}

int cp_import_run(struct cp_store *st, int64_t wave, const char *file,
		  const char *text, size_t len, const struct cp_import_opts *o,
		  struct cp_problems *p, struct cp_import_result *res,
		  struct cp_error *err)
{
	struct cp_import_file f = {.wave = wave,
				   .file = file,
				   .text = text,
				   .len = len,
				   .format = o->format,
				   .problems = p};
	int rc = cp_import_many(st, &f, 1, o, err);

	*res = f.res;
	return rc;
}

void cp_import_result_release(struct cp_import_result *res)
{
	if (res == NULL)
		return;
	free(res->replaced);
	memset(res, 0, sizeof(*res));
}

int cp_import_responses(struct cp_store *st, int64_t wave, const char *file,
			const char *text, size_t len,
			enum cp_import_format format, bool dry_run,
			struct cp_problems *p, size_t *imported,
			struct cp_error *err)
{
	struct cp_import_opts o = {.format = format, .dry_run = dry_run};
	struct cp_import_result res;
	int rc;

	rc = cp_import_run(st, wave, file, text, len, &o, p, &res, err);
	*imported = rc == 0 ? res.imported : 0;
	cp_import_result_release(&res);
	return rc;
}
