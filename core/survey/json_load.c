/*
 * json_load.c - see json_load.h.
 */
#include "json_load.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

/*
 * A failed allocation is worse than a lost character for jansson 2.14
 * (and upstream to date): lex_scan_string then copies the token from a
 * buffer that never got its closing quote and reads and writes past both
 * ends (found by the fault loops; AddressSanitizer on jansson's own
 * source: heap-buffer-overflow in lex_scan_string). So an allocation that
 * fails during a load is served from a reserve made before it, and every
 * later one of that load too, until the reserve is spent; the load is
 * thrown away as out of memory. What a load allocates after a failure is
 * bounded by the reserve below: the text's buffer grows by doubling to at
 * most the longest token (4 × len in all), plus the values it still builds.
 */
struct reserve {
	char *base;
	size_t size, used;
};

static _Thread_local bool alloc_failed, watching;
static _Thread_local struct reserve *active;
static pthread_once_t once = PTHREAD_ONCE_INIT;

enum {
	RESERVE_MIN = 64 * 1024,
	RESERVE_MAX = 64 * 1024 * 1024
};

static void *from_reserve(size_t n)
{
	struct reserve *r = active;
	size_t at;

	if (r == NULL)
		return NULL;
	at = (r->used + 15) & ~(size_t)15;
	if (at > r->size || n > r->size - at)
		return NULL;
	r->used = at + n;
	return r->base + at;
}

static void *json_alloc(size_t n)
{
	void *p;

	if (active == NULL) {
		p = malloc(n);
		if (p == NULL && watching)
			alloc_failed = true;
		return p;
	}
	p = alloc_failed ? NULL : malloc(n);
	if (p == NULL) {
		alloc_failed = true;
		p = from_reserve(n);
	}
	return p;
}

static void json_free(void *p)
{
	struct reserve *r = active;

	if (r != NULL && (uintptr_t)p >= (uintptr_t)r->base &&
	    (uintptr_t)p < (uintptr_t)r->base + r->size)
		return;
	free(p);
}

/* Both sides are malloc and free for everything outside a load's
 * reserve: objects allocated before the switch are freed correctly after
 * it. */
static void install(void)
{
	json_set_alloc_funcs(json_alloc, json_free);
}

json_t *cp_json_loadb(const char *text, size_t len, size_t flags,
		      json_error_t *jerr, bool *oom)
{
	struct reserve r = {0};
	json_t *doc;

	pthread_once(&once, install);
	r.size = len < (RESERVE_MAX - RESERVE_MIN) / 8 ? RESERVE_MIN + 8 * len
						       : RESERVE_MAX;
	r.base = malloc(r.size);
	if (r.base == NULL) {
		*oom = true;
		return NULL;
	}
	active = &r;
	alloc_failed = false;
	doc = json_loadb(text, len, flags, jerr);
	*oom = alloc_failed;
	if (*oom) {
		json_decref(doc);
		doc = NULL;
	}
	active = NULL;
	alloc_failed = false;
	free(r.base);
	return doc;
}

char *cp_json_dumps(const json_t *doc, size_t flags)
{
	char *text;

	pthread_once(&once, install);
	watching = true;
	alloc_failed = false;
	text = json_dumps(doc, flags);
	if (alloc_failed) {
		free(text);
		text = NULL;
	}
	watching = false;
	alloc_failed = false;
	return text;
}
