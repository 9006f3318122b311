/*
 * survey.c - loading and validating survey definitions (jansson).
 *
 * Validation is strict: a key we do not know is an error rather than
 * something silently ignored, because a misspelt "reverse" would otherwise
 * score an item the wrong way round for ever.
 */
#include "survey.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "builtin.h"
#include "crypto.h"
#include "i18n.h"
#include "json_load.h"
#include "text.h"

#define MAX_TEXT 2000 /* bytes in a title, description or item text */

struct ctx {
	const char *file;
	struct cp_error *err;
};

static int fail(struct ctx *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records a semantic error about field (a JSON path such as items[3].id). */
static int fail(struct ctx *c, const char *field, const char *fmt, ...)
{
	char msg[CP_ERROR_MSG_MAX - 80];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (field && *field)
		return cp_error_set_at(c->err, CP_EDATA, c->file, 0, 0,
				       "%s: %s", field, msg);
	return cp_error_set_at(c->err, CP_EDATA, c->file, 0, 0, "%s", msg);
}

/* Fails on any key of obj that is not in allowed (NULL-terminated). */
static int only_keys(struct ctx *c, json_t *obj, const char *where,
		     const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach (obj, key, v) {
		size_t i;
		for (i = 0; allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			char list[256] = "";
			size_t used = 0;
			for (i = 0; allowed[i]; i++)
				used += (size_t)snprintf(
				    list + used,
				    used < sizeof(list) ? sizeof(list) - used
							: 0,
				    "%s%s", i ? ", " : "", allowed[i]);
			return fail(c, where,
				    "unknown key '%s' (expected one of: %s)",
				    key, list);
		}
	}
	return 0;
}

/*
 * Copies the string at obj[key] into *out. A missing key is an error when
 * required; an empty or overlong string is always one.
 */
static int get_string(struct ctx *c, json_t *obj, const char *where,
		      const char *key, bool required, char **out)
{
	char field[128];
	json_t *v = json_object_get(obj, key);
	const char *s;

	*out = NULL;
	snprintf(field, sizeof(field), "%s%s%s", where, *where ? "." : "", key);
	if (v == NULL)
		return required ? fail(c, field,
				       "missing (a string is "
				       "required)")
				: 0;
	if (!json_is_string(v))
		return fail(c, field, "must be a string");
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return fail(c, field, "must not contain a NUL character");
	if (*s == '\0' || strspn(s, " \t\r\n") == strlen(s))
		return fail(c, field, "must not be empty");
	if (strlen(s) > MAX_TEXT)
		return fail(c, field, "longer than %d bytes", MAX_TEXT);
	*out = cp_strdup(s);
	if (*out == NULL)
		return cp_error_set(c->err, CP_ENOMEM, N_("out of memory"));
	return 0;
}

static int get_id(struct ctx *c, json_t *obj, const char *where,
		  const char *key, char **out)
{
	char field[128];
	int rc = get_string(c, obj, where, key, true, out);

	if (rc)
		return rc;
	if (!cp_id_valid(*out)) {
		snprintf(field, sizeof(field), "%s%s%s", where,
			 *where ? "." : "", key);
		rc = fail(c, field,
			  "'%s' is not a valid id (lower-case letters, "
			  "digits, '_', '.', '-'; at most 64; starting "
			  "with a letter or digit)",
			  *out);
		free(*out);
		*out = NULL;
	}
	return rc;
}

static int get_array(struct ctx *c, json_t *obj, const char *key, bool required,
		     json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = v;
	if (v == NULL)
		return required ? fail(c, key,
				       "missing (a non-empty array is "
				       "required)")
				: 0;
	if (!json_is_array(v))
		return fail(c, key, "must be an array");
	if (required && json_array_size(v) == 0)
		return fail(c, key, "must not be empty");
	return 0;
}

static int parse_scale(struct ctx *c, struct cp_survey *s, json_t *root)
{
	static const char *const keys[] = {
	    "min", "max", "labels", "favourable", "prefer_not_to_say", NULL};
	json_t *scale = json_object_get(root, "scale"), *v, *labels, *fav;
	size_t i;

	if (scale == NULL)
		return fail(c, "scale",
			    "missing (an object with min, max, "
			    "labels and favourable is required)");
	if (!json_is_object(scale))
		return fail(c, "scale", "must be an object");
	if (only_keys(c, scale, "scale", keys))
		return CP_EDATA;
	v = json_object_get(scale, "min");
	if (!json_is_integer(v) || json_integer_value(v) != CP_SCALE_MIN)
		return fail(c, "scale.min", "must be the integer %d",
			    CP_SCALE_MIN);
	v = json_object_get(scale, "max");
	if (!json_is_integer(v) || json_integer_value(v) != CP_SCALE_MAX)
		return fail(c, "scale.max", "must be the integer %d",
			    CP_SCALE_MAX);
	s->scale.min = CP_SCALE_MIN;
	s->scale.max = CP_SCALE_MAX;
	labels = json_object_get(scale, "labels");
	if (!json_is_array(labels) ||
	    json_array_size(labels) != CP_SCALE_POINTS)
		return fail(c, "scale.labels",
			    "must be an array of %d labels, lowest first",
			    CP_SCALE_POINTS);
	json_array_foreach (labels, i, v) {
		char field[32];
		snprintf(field, sizeof(field), "scale.labels[%zu]", i);
		if (!json_is_string(v) || json_string_length(v) == 0)
			return fail(c, field, "must be a non-empty string");
		s->scale.labels[i] = cp_strdup(json_string_value(v));
		if (s->scale.labels[i] == NULL)
			return cp_error_set(c->err, CP_ENOMEM,
					    N_("out of memory"));
	}
	fav = json_object_get(scale, "favourable");
	if (!json_is_array(fav) || json_array_size(fav) == 0)
		return fail(c, "scale.favourable",
			    "must be a non-empty array of scale values");
	json_array_foreach (fav, i, v) {
		char field[40];
		json_int_t x = json_is_integer(v) ? json_integer_value(v) : 0;
		snprintf(field, sizeof(field), "scale.favourable[%zu]", i);
		if (x < CP_SCALE_MIN || x > CP_SCALE_MAX)
			return fail(c, field,
				    "must be an integer from %d to %d",
				    CP_SCALE_MIN, CP_SCALE_MAX);
		if (s->scale.favourable[x])
			return fail(c, field, "%d is listed twice", (int)x);
		s->scale.favourable[x] = true;
	}
	return get_string(c, scale, "scale", "prefer_not_to_say", false,
			  &s->prefer_not_to_say);
}

static int parse_dimensions(struct ctx *c, struct cp_survey *s, json_t *root)
{
	static const char *const keys[] = {"id", "group", "title",
					   "description", NULL};
	json_t *arr, *d;
	size_t i;
	char where[48];

	if (get_array(c, root, "dimensions", true, &arr))
		return CP_EDATA;
	s->dims = calloc(json_array_size(arr), sizeof(*s->dims));
	if (s->dims == NULL)
		return cp_error_set(c->err, CP_ENOMEM, N_("out of memory"));
	json_array_foreach (arr, i, d) {
		struct cp_dimension *dim = &s->dims[i];
		snprintf(where, sizeof(where), "dimensions[%zu]", i);
		if (!json_is_object(d))
			return fail(c, where, "must be an object");
		s->ndims = i + 1;
		if (only_keys(c, d, where, keys) ||
		    get_id(c, d, where, "id", &dim->id) ||
		    get_id(c, d, where, "group", &dim->group) ||
		    get_string(c, d, where, "title", true, &dim->title) ||
		    get_string(c, d, where, "description", true,
			       &dim->description))
			return CP_EDATA;
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->dims[j].id, dim->id) == 0)
				return fail(c, where,
					    "duplicate dimension id '%s' "
					    "(also dimensions[%zu])",
					    dim->id, j);
	}
	return 0;
}

/* True when id is already used by an item or a question before it. */
static bool id_taken(const struct cp_survey *s, const char *id)
{
	for (size_t i = 0; i < s->nitems; i++)
		if (s->items[i].id && strcmp(s->items[i].id, id) == 0)
			return true;
	for (size_t i = 0; i < s->nquestions; i++)
		if (s->questions[i].id && strcmp(s->questions[i].id, id) == 0)
			return true;
	return false;
}

/* Reads the two end labels of an eNPS item (what 0 and 10 mean). */
static int parse_enps_labels(struct ctx *c, json_t *it, const char *where,
			     char *labels[2])
{
	char field[64];
	json_t *arr = json_object_get(it, "labels"), *v;
	size_t i;

	snprintf(field, sizeof(field), "%s.labels", where);
	if (!json_is_array(arr) || json_array_size(arr) != 2)
		return fail(c, field,
			    "an eNPS item needs 2 labels: what 0 and 10 "
			    "mean, for example [\"Not at all likely\", "
			    "\"Extremely likely\"]");
	json_array_foreach (arr, i, v) {
		snprintf(field, sizeof(field), "%s.labels[%zu]", where, i);
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return fail(c, field, "must be a non-empty string");
		labels[i] = cp_strdup(json_string_value(v));
		if (labels[i] == NULL)
			return cp_error_set(c->err, CP_ENOMEM,
					    N_("out of memory"));
	}
	return 0;
}

/* The item's type, prefer_not_to_say flag and, for eNPS, its labels. */
static int parse_item_kind(struct ctx *c, const struct cp_survey *s,
			   struct cp_item *item, json_t *it, const char *where)
{
	json_t *type = json_object_get(it, "type");
	json_t *pnts = json_object_get(it, "prefer_not_to_say");

	item->type = CP_ITEM_AGREE;
	if (type) {
		const char *t = json_string_value(type);
		if (t && strcmp(t, "enps") == 0)
			item->type = CP_ITEM_ENPS;
		else if (!t || strcmp(t, "agree") != 0)
			return fail(c, where, "type must be agree or enps");
	}
	if (pnts && !json_is_boolean(pnts))
		return fail(c, where,
			    "prefer_not_to_say must be true or false");
	if (pnts && json_is_true(pnts) && s->prefer_not_to_say == NULL)
		return fail(c, where,
			    "prefer_not_to_say is true but the scale has no "
			    "prefer_not_to_say label to show");
	item->prefer_not_to_say =
	    s->prefer_not_to_say != NULL && !(pnts && json_is_false(pnts));
	if (item->type == CP_ITEM_AGREE) {
		if (json_object_get(it, "labels"))
			return fail(c, where,
				    "labels are for an eNPS item (the scale "
				    "labels the others)");
		return 0;
	}
	if (json_object_get(it, "dimension") || json_object_get(it, "reverse"))
		return fail(c, where,
			    "an eNPS item has no dimension and no reverse: "
			    "it is a measure of its own");
	return parse_enps_labels(c, it, where, item->labels);
}

static int parse_items(struct ctx *c, struct cp_survey *s, json_t *root)
{
	static const char *const keys[] = {
	    "id",     "dimension",	   "text", "reverse", "type",
	    "labels", "prefer_not_to_say", NULL};
	json_t *arr, *it, *rev;
	size_t i, k;
	char where[48];

	if (get_array(c, root, "items", true, &arr))
		return CP_EDATA;
	s->items = calloc(json_array_size(arr), sizeof(*s->items));
	if (s->items == NULL)
		return cp_error_set(c->err, CP_ENOMEM, N_("out of memory"));
	json_array_foreach (arr, i, it) {
		struct cp_item *item = &s->items[i];
		char *id = NULL;
		snprintf(where, sizeof(where), "items[%zu]", i);
		if (!json_is_object(it))
			return fail(c, where, "must be an object");
		if (only_keys(c, it, where, keys) ||
		    get_id(c, it, where, "id", &id))
			return CP_EDATA;
		if (id_taken(s, id)) {
			fail(c, where, "duplicate id '%s'", id);
			free(id);
			return CP_EDATA;
		}
		item->id = id;
		s->nitems = i + 1;
		if (parse_item_kind(c, s, item, it, where) ||
		    get_string(c, it, where, "text", true, &item->text))
			return CP_EDATA;
		if (item->type == CP_ITEM_ENPS) {
			item->dim = s->ndims;
			continue;
		}
		if (get_id(c, it, where, "dimension", &item->dimension))
			return CP_EDATA;
		for (k = 0; k < s->ndims; k++)
			if (strcmp(s->dims[k].id, item->dimension) == 0)
				break;
		if (k == s->ndims)
			return fail(c, where,
				    "dimension '%s' is not one of the "
				    "survey's dimensions",
				    item->dimension);
		item->dim = k;
		rev = json_object_get(it, "reverse");
		if (rev && !json_is_boolean(rev))
			return fail(c, where, "reverse must be true or false");
		item->reverse = rev && json_is_true(rev);
	}
	for (k = 0; k < s->ndims; k++) {
		for (i = 0; i < s->nitems; i++)
			if (s->items[i].type == CP_ITEM_AGREE &&
			    s->items[i].dim == k)
				break;
		if (i == s->nitems)
			return fail(c, "dimensions",
				    "dimension '%s' has no items",
				    s->dims[k].id);
	}
	return 0;
}

static int parse_questions(struct ctx *c, struct cp_survey *s, json_t *root)
{
	static const char *const keys[] = {"id", "text", "purpose",
					   "max_length", NULL};
	json_t *arr, *q, *v;
	size_t i;
	char where[48];

	if (get_array(c, root, "open_questions", false, &arr))
		return CP_EDATA;
	if (arr == NULL)
		return 0;
	s->questions = calloc(json_array_size(arr) + 1, sizeof(*s->questions));
	if (s->questions == NULL)
		return cp_error_set(c->err, CP_ENOMEM, N_("out of memory"));
	json_array_foreach (arr, i, q) {
		struct cp_question *qq = &s->questions[i];
		char *id = NULL;
		snprintf(where, sizeof(where), "open_questions[%zu]", i);
		if (!json_is_object(q))
			return fail(c, where, "must be an object");
		if (only_keys(c, q, where, keys) ||
		    get_id(c, q, where, "id", &id))
			return CP_EDATA;
		if (id_taken(s, id)) {
			fail(c, where, "duplicate id '%s'", id);
			free(id);
			return CP_EDATA;
		}
		qq->id = id;
		s->nquestions = i + 1;
		if (get_string(c, q, where, "text", true, &qq->text))
			return CP_EDATA;
		v = json_object_get(q, "purpose");
		qq->purpose = CP_PURPOSE_OTHER;
		if (v) {
			const char *p = json_string_value(v);
			if (p && strcmp(p, "going_well") == 0)
				qq->purpose = CP_PURPOSE_GOING_WELL;
			else if (p && strcmp(p, "would_help") == 0)
				qq->purpose = CP_PURPOSE_WOULD_HELP;
			else if (!p || strcmp(p, "other") != 0)
				return fail(c, where,
					    "purpose must be going_well, "
					    "would_help or other");
		}
		v = json_object_get(q, "max_length");
		qq->max_length = 2000;
		if (v) {
			json_int_t n =
			    json_is_integer(v) ? json_integer_value(v) : 0;
			if (n < 1 || n > 4000)
				return fail(c, where,
					    "max_length must be an integer "
					    "from 1 to 4000");
			qq->max_length = (int)n;
		}
	}
	return 0;
}

/* ---- translations ---- */

/*
 * The string obj[key] of one language into *out: required, because every
 * language carries every text. what names the text for the message.
 */
static int tr_value(struct ctx *c, json_t *v, const char *where,
		    const char *lang, const char *what, char **out)
{
	if (v == NULL)
		return fail(c, where, "language '%s' is missing %s", lang,
			    what);
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    strlen(json_string_value(v)) != json_string_length(v) ||
	    strspn(json_string_value(v), " \t\r\n") == json_string_length(v))
		return fail(c, where,
			    "language '%s': %s must be a non-empty string",
			    lang, what);
	if (json_string_length(v) > MAX_TEXT)
		return fail(c, where,
			    "language '%s': %s is longer than %d bytes", lang,
			    what, MAX_TEXT);
	*out = cp_strdup(json_string_value(v));
	return *out ? 0 : cp_error_set(c->err, CP_ENOMEM, N_("out of memory"));
}

/*
 * The string obj[key] of one language into *out: required, because every
 * language carries every text. what names the text for the message.
 */
static int tr_string(struct ctx *c, json_t *obj, const char *where,
		     const char *lang, const char *key, const char *what,
		     char **out)
{
	return tr_value(c, json_object_get(obj, key), where, lang, what, out);
}

/* An object of ids (the survey's, nothing else) at obj[key]. */
static int tr_map(struct ctx *c, json_t *obj, const char *where,
		  const char *lang, const char *key, json_t **out)
{
	char field[96];

	*out = json_object_get(obj, key);
	snprintf(field, sizeof(field), "%s.%s", where, key);
	if (*out == NULL)
		return fail(c, field, "language '%s' is missing its %s", lang,
			    key);
	if (!json_is_object(*out))
		return fail(c, field, "must be an object of id -> text");
	return 0;
}

/* Fails on a key of map that is not one of the n ids at ids[i * stride]. */
static int tr_known_ids(struct ctx *c, json_t *map, const char *field,
			const char *lang, const void *ids, size_t n,
			size_t stride)
{
	const char *key;
	json_t *v;

	json_object_foreach (map, key, v) {
		size_t i;
		for (i = 0; i < n; i++)
			if (strcmp(*(char *const *)((const char *)ids +
						    i * stride),
				   key) == 0)
				break;
		if (i == n)
			return fail(c, field,
				    "language '%s': '%s' is not an id of the "
				    "survey",
				    lang, key);
	}
	return 0;
}

static int tr_scale(struct ctx *c, const struct cp_survey *s,
		    struct cp_translation *t, json_t *tj, const char *where)
{
	static const char *const keys[] = {"labels", "prefer_not_to_say", NULL};
	char field[96], what[48];
	json_t *scale = json_object_get(tj, "scale"), *labels;

	snprintf(field, sizeof(field), "%s.scale", where);
	if (!json_is_object(scale))
		return fail(c, field,
			    "language '%s' is missing its scale (an object "
			    "with the labels)",
			    t->lang);
	if (only_keys(c, scale, field, keys))
		return CP_EDATA;
	labels = json_object_get(scale, "labels");
	if (!json_is_array(labels) ||
	    json_array_size(labels) != CP_SCALE_POINTS)
		return fail(c, field,
			    "language '%s': labels must be an array of %d "
			    "labels, lowest first",
			    t->lang, CP_SCALE_POINTS);
	for (size_t i = 0; i < CP_SCALE_POINTS; i++) {
		json_t *v = json_array_get(labels, i);
		snprintf(what, sizeof(what), "scale label %zu", i + 1);
		if (!json_is_string(v) || json_string_length(v) == 0)
			return fail(c, field,
				    "language '%s': %s must be a non-empty "
				    "string",
				    t->lang, what);
		t->labels[i] = cp_strdup(json_string_value(v));
		if (t->labels[i] == NULL)
			return cp_error_set(c->err, CP_ENOMEM,
					    N_("out of memory"));
	}
	if (s->prefer_not_to_say)
		return tr_string(c, scale, field, t->lang, "prefer_not_to_say",
				 "the prefer_not_to_say label",
				 &t->prefer_not_to_say);
	if (json_object_get(scale, "prefer_not_to_say"))
		return fail(c, field,
			    "language '%s': prefer_not_to_say is not in the "
			    "survey's own scale",
			    t->lang);
	return 0;
}

static int tr_dimensions(struct ctx *c, const struct cp_survey *s,
			 struct cp_translation *t, json_t *tj,
			 const char *where)
{
	static const char *const keys[] = {"title", "description", NULL};
	char field[96], dfield[192];
	json_t *map;

	if (tr_map(c, tj, where, t->lang, "dimensions", &map))
		return CP_EDATA;
	snprintf(field, sizeof(field), "%s.dimensions", where);
	if (tr_known_ids(c, map, field, t->lang, &s->dims[0].id, s->ndims,
			 sizeof(s->dims[0])))
		return CP_EDATA;
	t->dim_titles = calloc(s->ndims + 1, sizeof(char *));
	t->dim_descriptions = calloc(s->ndims + 1, sizeof(char *));
	if (t->dim_titles == NULL || t->dim_descriptions == NULL)
		return cp_error_set(c->err, CP_ENOMEM, N_("out of memory"));
	for (size_t i = 0; i < s->ndims; i++) {
		json_t *d = json_object_get(map, s->dims[i].id);
		snprintf(dfield, sizeof(dfield), "%s.%s", field, s->dims[i].id);
		if (d == NULL)
			return fail(c, field,
				    "language '%s' is missing dimension '%s'",
				    t->lang, s->dims[i].id);
		if (!json_is_object(d))
			return fail(c, dfield,
				    "must be an object with title and "
				    "description");
		if (only_keys(c, d, dfield, keys) ||
		    tr_string(c, d, dfield, t->lang, "title", "the title",
			      &t->dim_titles[i]) ||
		    tr_string(c, d, dfield, t->lang, "description",
			      "the description", &t->dim_descriptions[i]))
			return CP_EDATA;
	}
	return 0;
}

/* An item's translation: its text, or {text, labels} for an eNPS item. */
static int tr_item(struct ctx *c, const struct cp_item *item,
		   struct cp_translation *t, json_t *v, const char *field,
		   size_t i)
{
	static const char *const keys[] = {"text", "labels", NULL};
	char ifield[192];
	json_t *labels;

	snprintf(ifield, sizeof(ifield), "%s.%s", field, item->id);
	if (item->type == CP_ITEM_AGREE) {
		return tr_value(c, v, ifield, t->lang, "the statement's text",
				&t->items[i]);
	}
	if (!json_is_object(v))
		return fail(c, ifield,
			    "language '%s': an eNPS item's translation is an "
			    "object with text and labels",
			    t->lang);
	if (only_keys(c, v, ifield, keys) ||
	    tr_string(c, v, ifield, t->lang, "text", "the text", &t->items[i]))
		return CP_EDATA;
	labels = json_object_get(v, "labels");
	if (!json_is_array(labels) || json_array_size(labels) != 2)
		return fail(c, ifield,
			    "language '%s' is missing the 2 labels (what 0 "
			    "and 10 mean)",
			    t->lang);
	for (size_t j = 0; j < 2; j++) {
		json_t *l = json_array_get(labels, j);
		if (!json_is_string(l) || json_string_length(l) == 0)
			return fail(c, ifield,
				    "language '%s': label %zu must be a "
				    "non-empty string",
				    t->lang, j + 1);
		t->item_labels[2 * i + j] = cp_strdup(json_string_value(l));
		if (t->item_labels[2 * i + j] == NULL)
			return cp_error_set(c->err, CP_ENOMEM,
					    N_("out of memory"));
	}
	return 0;
}

static int tr_items(struct ctx *c, const struct cp_survey *s,
		    struct cp_translation *t, json_t *tj, const char *where)
{
	char field[96];
	json_t *map;

	if (tr_map(c, tj, where, t->lang, "items", &map))
		return CP_EDATA;
	snprintf(field, sizeof(field), "%s.items", where);
	if (tr_known_ids(c, map, field, t->lang, &s->items[0].id, s->nitems,
			 sizeof(s->items[0])))
		return CP_EDATA;
	t->items = calloc(s->nitems + 1, sizeof(char *));
	t->item_labels = calloc(2 * s->nitems + 1, sizeof(char *));
	if (t->items == NULL || t->item_labels == NULL)
		return cp_error_set(c->err, CP_ENOMEM, N_("out of memory"));
	for (size_t i = 0; i < s->nitems; i++) {
		json_t *v = json_object_get(map, s->items[i].id);
		if (v == NULL)
			return fail(c, field,
				    "language '%s' is missing item '%s'",
				    t->lang, s->items[i].id);
		if (tr_item(c, &s->items[i], t, v, field, i))
			return CP_EDATA;
	}
	return 0;
}

static int tr_questions(struct ctx *c, const struct cp_survey *s,
			struct cp_translation *t, json_t *tj, const char *where)
{
	char field[96];
	json_t *map;

	if (s->nquestions == 0 && json_object_get(tj, "open_questions") == NULL)
		return 0;
	if (tr_map(c, tj, where, t->lang, "open_questions", &map))
		return CP_EDATA;
	snprintf(field, sizeof(field), "%s.open_questions", where);
	if (s->nquestions &&
	    tr_known_ids(c, map, field, t->lang, &s->questions[0].id,
			 s->nquestions, sizeof(s->questions[0])))
		return CP_EDATA;
	if (s->nquestions == 0 && json_object_size(map))
		return fail(c, field,
			    "language '%s': the survey has no open questions",
			    t->lang);
	t->questions = calloc(s->nquestions + 1, sizeof(char *));
	if (t->questions == NULL)
		return cp_error_set(c->err, CP_ENOMEM, N_("out of memory"));
	for (size_t i = 0; i < s->nquestions; i++) {
		char what[128];
		snprintf(what, sizeof(what), "open question '%s'",
			 s->questions[i].id);
		if (tr_string(c, map, field, t->lang, s->questions[i].id, what,
			      &t->questions[i]))
			return CP_EDATA;
	}
	return 0;
}

static bool lang_tag_valid(const char *tag)
{
	size_t n = strlen(tag);

	return n >= 2 && n <= 35 &&
	       strspn(tag, "abcdefghijklmnopqrstuvwxyz"
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n &&
	       tag[0] != '-';
}

static int parse_translation(struct ctx *c, const struct cp_survey *s,
			     struct cp_translation *t, json_t *tj)
{
	static const char *const keys[] = {
	    "needs_review", "title", "description",    "scale",
	    "dimensions",   "items", "open_questions", NULL};
	char where[64];
	json_t *v;

	snprintf(where, sizeof(where), "translations.%s", t->lang);
	if (!json_is_object(tj))
		return fail(c, where,
			    "must be an object with the texts in language "
			    "'%s'",
			    t->lang);
	if (only_keys(c, tj, where, keys))
		return CP_EDATA;
	v = json_object_get(tj, "needs_review");
	if (v && !json_is_boolean(v))
		return fail(c, where, "needs_review must be true or false");
	t->needs_review = v && json_is_true(v);
	if (tr_string(c, tj, where, t->lang, "title", "the title", &t->title))
		return CP_EDATA;
	if (s->description) {
		if (tr_string(c, tj, where, t->lang, "description",
			      "the description", &t->description))
			return CP_EDATA;
	} else if (json_object_get(tj, "description")) {
		return fail(c, where,
			    "language '%s' has a description the survey "
			    "itself does not have",
			    t->lang);
	}
	if (tr_scale(c, s, t, tj, where) || tr_dimensions(c, s, t, tj, where) ||
	    tr_items(c, s, t, tj, where) || tr_questions(c, s, t, tj, where))
		return CP_EDATA;
	return 0;
}

/* "translations": {"cy": {...}, "es": {...}}: every language complete. */
static int parse_translations(struct ctx *c, struct cp_survey *s, json_t *root)
{
	json_t *obj = json_object_get(root, "translations"), *tj;
	const char *lang;

	if (obj == NULL)
		return 0;
	if (!json_is_object(obj))
		return fail(c, "translations",
			    "must be an object of language tag -> texts");
	s->translations =
	    calloc(json_object_size(obj) + 1, sizeof(*s->translations));
	if (s->translations == NULL)
		return cp_error_set(c->err, CP_ENOMEM, N_("out of memory"));
	json_object_foreach (obj, lang, tj) {
		struct cp_translation *t = &s->translations[s->ntranslations];
		if (!lang_tag_valid(lang))
			return fail(c, "translations",
				    "'%s' is not a language tag such as 'cy' "
				    "or 'pt-BR'",
				    lang);
		if (strcasecmp(lang, s->locale) == 0)
			return fail(c, "translations",
				    "'%s' is the survey's own locale: its "
				    "texts are the survey's",
				    lang);
		t->lang = cp_strdup(lang);
		if (t->lang == NULL)
			return cp_error_set(c->err, CP_ENOMEM,
					    N_("out of memory"));
		s->ntranslations++;
		if (parse_translation(c, s, t, tj))
			return CP_EDATA;
	}
	return 0;
}

static void translation_free(struct cp_translation *t,
			     const struct cp_survey *s)
{
	free(t->lang);
	free(t->title);
	free(t->description);
	free(t->prefer_not_to_say);
	for (size_t i = 0; i < CP_SCALE_POINTS; i++)
		free(t->labels[i]);
	for (size_t i = 0; t->dim_titles && i < s->ndims; i++)
		free(t->dim_titles[i]);
	for (size_t i = 0; t->dim_descriptions && i < s->ndims; i++)
		free(t->dim_descriptions[i]);
	free(t->dim_titles);
	free(t->dim_descriptions);
	for (size_t i = 0; t->items && i < s->nitems; i++)
		free(t->items[i]);
	for (size_t i = 0; t->item_labels && i < 2 * s->nitems; i++)
		free(t->item_labels[i]);
	free(t->items);
	free(t->item_labels);
	for (size_t i = 0; t->questions && i < s->nquestions; i++)
		free(t->questions[i]);
	free(t->questions);
}

static int parse_root(struct ctx *c, struct cp_survey *s, json_t *root)
{
	static const char *const keys[] = {
	    "id",	  "version", "title",	       "description",
	    "locale",	  "kind",    "pairs_with",     "scale",
	    "dimensions", "items",   "open_questions", "translations",
	    NULL};
	json_t *v;
	size_t i;
	int rc;

	if (!json_is_object(root))
		return fail(c, NULL,
			    "a survey definition must be a JSON "
			    "object");
	if (only_keys(c, root, "", keys) || get_id(c, root, "", "id", &s->id) ||
	    get_string(c, root, "", "version", true, &s->version) ||
	    get_string(c, root, "", "title", true, &s->title) ||
	    get_string(c, root, "", "description", false, &s->description) ||
	    get_string(c, root, "", "locale", true, &s->locale))
		return CP_EDATA;
	if (strspn(s->locale, "abcdefghijklmnopqrstuvwxyz"
			      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") !=
		strlen(s->locale) ||
	    strlen(s->locale) < 2 || strlen(s->locale) > 35)
		return fail(c, "locale",
			    "'%s' is not a language tag such as 'en' or "
			    "'en-GB'",
			    s->locale);
	v = json_object_get(root, "kind");
	s->kind = CP_SURVEY_TEAM;
	if (v) {
		const char *k = json_string_value(v);
		if (k && strcmp(k, "self") == 0)
			s->kind = CP_SURVEY_SELF;
		else if (!k || strcmp(k, "team") != 0)
			return fail(c, "kind", "must be team or self");
	}
	if (get_array(c, root, "pairs_with", false, &v))
		return CP_EDATA;
	if (v) {
		if (s->kind != CP_SURVEY_SELF)
			return fail(c, "pairs_with",
				    "only a survey of kind self pairs with "
				    "team surveys");
		s->pairs_with = calloc(json_array_size(v) + 1, sizeof(char *));
		if (s->pairs_with == NULL)
			return cp_error_set(c->err, CP_ENOMEM,
					    N_("out of memory"));
		json_t *p;
		json_array_foreach (v, i, p) {
			const char *id = json_string_value(p);
			if (id == NULL || !cp_id_valid(id))
				return fail(c, "pairs_with",
					    "entry %zu must be a survey id", i);
			s->pairs_with[i] = cp_strdup(id);
			s->npairs = i + 1;
			if (s->pairs_with[i] == NULL)
				return cp_error_set(c->err, CP_ENOMEM,
						    N_("out of memory"));
		}
	}
	if ((rc = parse_scale(c, s, root)) ||
	    (rc = parse_dimensions(c, s, root)) ||
	    (rc = parse_items(c, s, root)) ||
	    (rc = parse_questions(c, s, root)) ||
	    (rc = parse_translations(c, s, root)))
		return rc;
	return 0;
}

int cp_survey_parse(struct cp_survey **out, const char *file, const char *text,
		    size_t len, struct cp_error *err)
{
	struct ctx c = {file, err};
	struct cp_survey *s;
	uint8_t digest[CP_SHA256_LEN];
	json_error_t jerr;
	json_t *root;
	bool oom;
	int rc;

	*out = NULL;
	if (!cp_utf8_valid(text, len))
		return cp_error_set_at(err, CP_EDATA, file, 0, 0,
				       N_("not valid UTF-8"));
	root = cp_json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr, &oom);
	if (oom)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	if (root == NULL)
		return cp_error_set_at(
		    err, CP_EDATA, file, jerr.line > 0 ? jerr.line : 1,
		    jerr.column > 0 ? jerr.column : 1, "%s", jerr.text);
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		json_decref(root);
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	}
	rc = parse_root(&c, s, root);
	json_decref(root);
	if (rc == 0) {
		s->text = malloc(len + 1);
		if (s->text == NULL) {
			rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		} else {
			memcpy(s->text, text, len);
			s->text[len] = '\0';
			if (cp_sha256(text, len, digest))
				rc = cp_error_set(err, CP_ENOMEM,
						  N_("out of memory"));
			cp_hex(digest, sizeof(digest), s->hash);
		}
	}
	if (rc) {
		cp_survey_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int cp_survey_load(struct cp_survey **out, const char *path,
		   struct cp_error *err)
{
	struct cp_buf b;
	int rc;

	*out = NULL;
	cp_buf_init(&b, 4u * 1024u * 1024u);
	rc = cp_buf_read_file(&b, path, err);
	if (rc == 0)
		rc = cp_survey_parse(out, path, b.data, b.len, err);
	cp_buf_release(&b);
	return rc;
}

void cp_survey_free(struct cp_survey *s)
{
	size_t i;

	if (s == NULL)
		return;
	free(s->id);
	free(s->version);
	free(s->title);
	free(s->description);
	free(s->locale);
	for (i = 0; i < s->npairs; i++)
		free(s->pairs_with[i]);
	free(s->pairs_with);
	for (i = 0; i < CP_SCALE_POINTS; i++)
		free(s->scale.labels[i]);
	for (i = 0; i < s->ndims; i++) {
		free(s->dims[i].id);
		free(s->dims[i].group);
		free(s->dims[i].title);
		free(s->dims[i].description);
	}
	free(s->dims);
	for (i = 0; i < s->nitems; i++) {
		free(s->items[i].id);
		free(s->items[i].dimension);
		free(s->items[i].text);
		free(s->items[i].labels[0]);
		free(s->items[i].labels[1]);
	}
	free(s->items);
	for (i = 0; i < s->nquestions; i++) {
		free(s->questions[i].id);
		free(s->questions[i].text);
	}
	free(s->questions);
	for (i = 0; i < s->ntranslations; i++)
		translation_free(&s->translations[i], s);
	free(s->translations);
	free(s->prefer_not_to_say);
	free(s->text);
	free(s);
}

size_t cp_survey_builtin_count(void)
{
	size_t n = 0;

	while (cp_builtin_surveys[n].name)
		n++;
	return n;
}

const char *cp_survey_builtin(size_t i, size_t *len, const char **name)
{
	if (i >= cp_survey_builtin_count())
		return NULL;
	if (len)
		*len = cp_builtin_surveys[i].len;
	if (name)
		*name = cp_builtin_surveys[i].name;
	return cp_builtin_surveys[i].text;
}

/* ---- texts in a language ---- */

/* The primary subtag's length: "cy" of "cy-GB". */
static size_t primary_len(const char *tag)
{
	return strcspn(tag, "-_");
}

static bool same_language(const char *a, const char *b)
{
	size_t n = primary_len(a);

	return n == primary_len(b) && strncasecmp(a, b, n) == 0;
}

const struct cp_translation *cp_survey_translation(const struct cp_survey *s,
						   const char *lang)
{
	if (s == NULL || lang == NULL || *lang == '\0' ||
	    strcasecmp(lang, s->locale) == 0)
		return NULL;
	for (size_t i = 0; i < s->ntranslations; i++)
		if (strcasecmp(s->translations[i].lang, lang) == 0)
			return &s->translations[i];
	if (same_language(lang, s->locale))
		return NULL;
	for (size_t i = 0; i < s->ntranslations; i++)
		if (same_language(s->translations[i].lang, lang))
			return &s->translations[i];
	return NULL;
}

const char *cp_survey_lang(const struct cp_survey *s, const char *lang)
{
	const struct cp_translation *t = cp_survey_translation(s, lang);

	return t ? t->lang : s->locale;
}

bool cp_survey_has_lang(const struct cp_survey *s, const char *lang)
{
	return lang && (cp_survey_translation(s, lang) != NULL ||
			same_language(lang, s->locale));
}

/* The survey's own text (its locale's). */
static const char *own_text(const struct cp_survey *s, enum cp_text what,
			    size_t i)
{
	switch (what) {
	case CP_TEXT_TITLE:
		return s->title;
	case CP_TEXT_DESCRIPTION:
		return s->description;
	case CP_TEXT_SCALE_LABEL:
		return i < CP_SCALE_POINTS ? s->scale.labels[i] : NULL;
	case CP_TEXT_PREFER_NOT_TO_SAY:
		return s->prefer_not_to_say;
	case CP_TEXT_DIMENSION_TITLE:
		return i < s->ndims ? s->dims[i].title : NULL;
	case CP_TEXT_DIMENSION_DESCRIPTION:
		return i < s->ndims ? s->dims[i].description : NULL;
	case CP_TEXT_ITEM:
		return i < s->nitems ? s->items[i].text : NULL;
	case CP_TEXT_ITEM_LOW:
	case CP_TEXT_ITEM_HIGH:
		return i < s->nitems
			   ? s->items[i].labels[what == CP_TEXT_ITEM_HIGH]
			   : NULL;
	case CP_TEXT_QUESTION:
		return i < s->nquestions ? s->questions[i].text : NULL;
	}
	return NULL;
}

static const char *translated(const struct cp_survey *s,
			      const struct cp_translation *t, enum cp_text what,
			      size_t i)
{
	switch (what) {
	case CP_TEXT_TITLE:
		return t->title;
	case CP_TEXT_DESCRIPTION:
		return t->description;
	case CP_TEXT_SCALE_LABEL:
		return t->labels[i];
	case CP_TEXT_PREFER_NOT_TO_SAY:
		return t->prefer_not_to_say;
	case CP_TEXT_DIMENSION_TITLE:
		return t->dim_titles[i];
	case CP_TEXT_DIMENSION_DESCRIPTION:
		return t->dim_descriptions[i];
	case CP_TEXT_ITEM:
		return t->items[i];
	case CP_TEXT_ITEM_LOW:
	case CP_TEXT_ITEM_HIGH:
		return s->items[i].type == CP_ITEM_ENPS
			   ? t->item_labels[2 * i + (what == CP_TEXT_ITEM_HIGH)]
			   : NULL;
	case CP_TEXT_QUESTION:
		return t->questions[i];
	}
	return NULL;
}

const char *cp_survey_text(const struct cp_survey *s, enum cp_text what,
			   size_t index, const char *lang)
{
	const char *own = own_text(s, what, index);
	const struct cp_translation *t;
	const char *tr;

	if (own == NULL)
		return NULL; /* out of range, or a text the survey lacks */
	t = cp_survey_translation(s, lang);
	tr = t ? translated(s, t, what, index) : NULL;
	return tr ? tr : own;
}

int cp_survey_minutes(const struct cp_survey *s)
{
	size_t seconds = s->nitems * 7 + s->nquestions * 30;
	size_t minutes = (seconds + 59) / 60;

	return minutes < 1 ? 1 : minutes > 600 ? 600 : (int)minutes;
}
