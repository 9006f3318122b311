/*
 * json_load.c - see json_load.h.
 */
#include "json_load.h"

#include <pthread.h>
#include <stdlib.h>

static _Thread_local bool alloc_failed;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void *json_alloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		alloc_failed = true;
	return p;
}

/* Both sides are malloc and free: objects allocated before the switch
 * are freed correctly after it. */
static void install(void)
{
	json_set_alloc_funcs(json_alloc, free);
}

json_t *cp_json_loadb(const char *text, size_t len, size_t flags,
		      json_error_t *jerr, bool *oom)
{
	json_t *doc;

	pthread_once(&once, install);
	alloc_failed = false;
	doc = json_loadb(text, len, flags, jerr);
	*oom = alloc_failed;
	if (*oom) {
		json_decref(doc);
		doc = NULL;
	}
	return doc;
}
