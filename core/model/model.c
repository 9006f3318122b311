/*
 * model.c - lookups on the domain's types.
 */
#include <string.h>

#include "model.h"

static const char *const status_names[] = {"scheduled", "open", "closed",
					   "cancelled"};

const char *cp_wave_status_name(enum cp_wave_status status)
{
	return (unsigned)status < CP_WAVE_NSTATUS ? status_names[status]
						  : "unknown";
}

int cp_wave_status_from(const char *name, enum cp_wave_status *out)
{
	for (unsigned i = 0; name && i < CP_WAVE_NSTATUS; i++)
		if (strcmp(name, status_names[i]) == 0) {
			*out = (enum cp_wave_status)i;
			return 0;
		}
	return -1;
}

const struct cp_item *cp_survey_item(const struct cp_survey *s, const char *id)
{
	for (size_t i = 0; i < s->nitems; i++)
		if (strcmp(s->items[i].id, id) == 0)
			return &s->items[i];
	return NULL;
}

const struct cp_question *cp_survey_question(const struct cp_survey *s,
					     const char *id)
{
	for (size_t i = 0; i < s->nquestions; i++)
		if (strcmp(s->questions[i].id, id) == 0)
			return &s->questions[i];
	return NULL;
}

const struct cp_dimension *cp_survey_dimension(const struct cp_survey *s,
					       const char *id)
{
	for (size_t i = 0; i < s->ndims; i++)
		if (strcmp(s->dims[i].id, id) == 0)
			return &s->dims[i];
	return NULL;
}

int cp_answer_cell(int value)
{
	return value == CP_ANSWER_DECLINED ? CP_CELL_DECLINED : value;
}

bool cp_answer_valid(const struct cp_item *item, int value)
{
	if (value == CP_ANSWER_DECLINED)
		return item->prefer_not_to_say;
	if (item->type == CP_ITEM_ENPS)
		return value >= CP_ENPS_MIN && value <= CP_ENPS_MAX;
	return value >= CP_SCALE_MIN && value <= CP_SCALE_MAX;
}

char cp_answer_char(const struct cp_item *item, int value)
{
	if (!cp_answer_valid(item, value))
		return 0;
	if (value == CP_ANSWER_DECLINED)
		return 'x';
	if (item->type == CP_ITEM_ENPS)
		return (char)('a' + value);
	return (char)('0' + value);
}

int cp_answer_from_char(const struct cp_item *item, char c, int *value)
{
	if (c == '0')
		return 0;
	if (c == 'x')
		*value = CP_ANSWER_DECLINED;
	else if (item->type == CP_ITEM_ENPS && c >= 'a' && c <= 'k')
		*value = c - 'a';
	else if (item->type == CP_ITEM_AGREE && c >= '1' && c <= '5')
		*value = c - '0';
	else
		return -1;
	return 1;
}
