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
