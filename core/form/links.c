/*
 * links.c - the form server's links in memory (see links.h).
 *
 * A wave's links are one array grouped by the first bits of their token
 * hash (a counting sort: the hashes are SHA-256, so the groups are even),
 * and an index of where each group starts: a lookup reads the index and
 * compares the one or two links of its group.
 */
#include "links.h"

#include <stdlib.h>
#include <string.h>

#include "respond.h"

struct link {
	uint8_t hash[CP_SHA256_LEN];
	int64_t id;
	int64_t team_id;
	const struct cp_lang *lang;
	uint8_t self;
	uint8_t used; /* atomic: set by the writer once the link is used */
};

struct cp_wave_links {
	struct cp_wave wave;
	const struct cp_survey *survey, *self_survey;
	unsigned bits;	 /* groups: 1 << bits */
	size_t n;	 /* links */
	uint32_t *start; /* group g is links[start[g] .. start[g + 1]) */
	struct link *links;
};

static void wave_links_free(struct cp_wave_links *wl)
{
	if (wl == NULL)
		return;
	free(wl->start);
	free(wl->links);
	free(wl);
}

static uint32_t group_of(const uint8_t *hash, unsigned bits)
{
	uint32_t v = (uint32_t)hash[0] << 24 | (uint32_t)hash[1] << 16 |
		     (uint32_t)hash[2] << 8 | (uint32_t)hash[3];

	return v >> (32 - bits);
}

int cp_links_init(struct cp_links *c, struct cp_error *err)
{
	memset(c, 0, sizeof(*c));
	if (pthread_rwlock_init(&c->lock, NULL) != 0)
		return cp_error_set(err, CP_EFAIL, "cannot make a lock");
	return 0;
}

void cp_links_release(struct cp_links *c)
{
	for (size_t i = 0; i < CP_LINKS_WAVES; i++)
		wave_links_free(c->waves[i]);
	pthread_rwlock_destroy(&c->lock);
	memset(c, 0, sizeof(*c));
}

/* The kept links of wave, under the lock; NULL when none. */
static struct cp_wave_links *wave_of(struct cp_links *c, int64_t wave)
{
	for (size_t i = 0; i < CP_LINKS_WAVES; i++)
		if (c->waves[i] && c->waves[i]->wave.id == wave)
			return c->waves[i];
	return NULL;
}

/* The link of hash in wl, or NULL; each candidate compared in constant
 * time, as the store compares a stored hash. */
static struct link *link_of(struct cp_wave_links *wl,
			    const uint8_t hash[CP_SHA256_LEN])
{
	uint32_t g = group_of(hash, wl->bits);

	for (uint32_t i = wl->start[g]; i < wl->start[g + 1]; i++)
		if (cp_ct_equal(wl->links[i].hash, hash, CP_SHA256_LEN))
			return &wl->links[i];
	return NULL;
}

bool cp_links_find(struct cp_links *c, const uint8_t hash[CP_SHA256_LEN],
		   struct cp_link_hit *hit)
{
	bool found = false;

	pthread_rwlock_rdlock(&c->lock);
	for (size_t i = 0; i < CP_LINKS_WAVES && !found; i++) {
		struct cp_wave_links *wl = c->waves[i];
		struct link *l = wl ? link_of(wl, hash) : NULL;
		if (l == NULL || __atomic_load_n(&l->used, __ATOMIC_RELAXED))
			continue;
		memset(&hit->inv, 0, sizeof(hit->inv));
		hit->inv.id = l->id;
		hit->inv.wave_id = wl->wave.id;
		hit->inv.team_id = l->team_id;
		hit->inv.self = l->self;
		memcpy(hit->inv.token_hash, l->hash, CP_SHA256_LEN);
		hit->lang = l->lang;
		hit->wave = wl->wave;
		hit->survey = l->self && wl->wave.self_survey_ref
				  ? wl->self_survey
				  : wl->survey;
		found = hit->survey != NULL;
	}
	pthread_rwlock_unlock(&c->lock);
	return found;
}

bool cp_links_claim(struct cp_links *c, int64_t wave, uint64_t *epoch)
{
	struct cp_wave_links *gone[CP_LINKS_WAVES] = {0};
	int64_t now = cp_store_clock();
	bool claim;
	size_t slot = CP_LINKS_WAVES;

	/* Most posts that get here find their wave kept (a used link) or
	 * being loaded: the read side says so without blocking lookups. */
	pthread_rwlock_rdlock(&c->lock);
	claim = c->loading == 0 && wave_of(c, wave) == NULL;
	pthread_rwlock_unlock(&c->lock);
	if (!claim)
		return false;
	pthread_rwlock_wrlock(&c->lock);
	claim = c->loading == 0 && wave_of(c, wave) == NULL;
	/* A wave no longer open by its copy's times takes no post through
	 * its links: its room goes to the new one. */
	for (size_t i = 0; claim && i < CP_LINKS_WAVES; i++) {
		struct cp_wave_links *wl = c->waves[i];
		if (wl && !cp_wave_is_open(&wl->wave, now)) {
			c->total -= wl->n;
			c->waves[i] = NULL;
			gone[i] = wl;
		}
		if (c->waves[i] == NULL && slot == CP_LINKS_WAVES)
			slot = i;
	}
	claim = claim && slot < CP_LINKS_WAVES && c->total < CP_LINKS_MAX;
	if (claim) {
		c->loading = wave;
		*epoch = c->epoch;
	}
	pthread_rwlock_unlock(&c->lock);
	for (size_t i = 0; i < CP_LINKS_WAVES; i++)
		wave_links_free(gone[i]);
	return claim;
}

void cp_links_abandon(struct cp_links *c, int64_t wave)
{
	pthread_rwlock_wrlock(&c->lock);
	if (c->loading == wave)
		c->loading = 0;
	pthread_rwlock_unlock(&c->lock);
}

/* The links as read, before they are grouped. */
struct loader {
	struct link *links;
	size_t n, cap;
	bool too_many, nomem;
	/* The language of the row before: most rows share one. */
	char tag[sizeof(((struct cp_invitation *)0)->language)];
	const struct cp_lang *lang;
};

static int add_link(void *arg, const struct cp_invitation *inv)
{
	struct loader *ld = arg;
	struct link *l;

	if (ld->n == CP_LINKS_MAX) {
		ld->too_many = true;
		return 1;
	}
	if (ld->n == ld->cap) {
		size_t cap = ld->cap ? ld->cap * 2 : 1024;
		struct link *more;
		if (cap > CP_LINKS_MAX)
			cap = CP_LINKS_MAX;
		more = realloc(ld->links, cap * sizeof(*more));
		if (more == NULL) {
			ld->nomem = true;
			return 1;
		}
		ld->links = more;
		ld->cap = cap;
	}
	if (ld->n == 0 || strcmp(ld->tag, inv->language) != 0) {
		memcpy(ld->tag, inv->language, sizeof(ld->tag));
		ld->lang = cp_lang_find(inv->language);
	}
	l = &ld->links[ld->n++];
	memset(l, 0, sizeof(*l));
	memcpy(l->hash, inv->token_hash, CP_SHA256_LEN);
	l->id = inv->id;
	l->team_id = inv->team_id;
	l->self = inv->self ? 1 : 0;
	l->lang = ld->lang;
	return 0;
}

/* Groups ld's links by their hash's first bits into a new table for w;
 * NULL when out of memory. */
static struct cp_wave_links *group(struct loader *ld, const struct cp_wave *w)
{
	struct cp_wave_links *wl = calloc(1, sizeof(*wl));
	uint32_t *next = NULL;
	size_t groups;

	if (wl == NULL)
		return NULL;
	/* About one link a group: 2^bits >= n. */
	wl->bits = 1;
	while (wl->bits < 24 && ((size_t)1 << wl->bits) < ld->n)
		wl->bits++;
	groups = (size_t)1 << wl->bits;
	wl->wave = *w;
	wl->n = ld->n;
	wl->start = calloc(groups + 1, sizeof(*wl->start));
	wl->links = malloc(ld->n * sizeof(*wl->links));
	next = malloc(groups * sizeof(*next));
	if (wl->start == NULL || wl->links == NULL || next == NULL) {
		free(next);
		wave_links_free(wl);
		return NULL;
	}
	for (size_t i = 0; i < ld->n; i++)
		wl->start[group_of(ld->links[i].hash, wl->bits) + 1]++;
	for (size_t g = 0; g < groups; g++) {
		wl->start[g + 1] += wl->start[g];
		next[g] = wl->start[g];
	}
	for (size_t i = 0; i < ld->n; i++)
		wl->links[next[group_of(ld->links[i].hash, wl->bits)]++] =
		    ld->links[i];
	free(next);
	return wl;
}

int cp_links_load(struct cp_links *c, struct cp_store *st,
		  const struct cp_wave *w, const struct cp_survey *survey,
		  const struct cp_survey *self_survey, uint64_t epoch,
		  struct cp_error *err)
{
	struct loader ld = {0};
	struct cp_wave_links *wl = NULL;
	int rc;

	rc = cp_store_wave_open_links(st, w->id, add_link, &ld, err);
	if (ld.nomem)
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	else if (ld.too_many)
		rc = 0; /* too many to keep: not an error */
	else if (rc == 0 && ld.n > 0) {
		wl = group(&ld, w);
		if (wl == NULL)
			rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	}
	free(ld.links);
	if (wl) {
		wl->survey = survey;
		wl->self_survey = self_survey;
	}
	pthread_rwlock_wrlock(&c->lock);
	if (c->loading == w->id)
		c->loading = 0;
	/* A drop since the claim may have been of this wave, and what was
	 * read may be from before the change that made it. */
	if (wl && c->epoch == epoch && wave_of(c, w->id) == NULL &&
	    c->total + wl->n <= CP_LINKS_MAX) {
		for (size_t i = 0; i < CP_LINKS_WAVES; i++)
			if (c->waves[i] == NULL) {
				c->waves[i] = wl;
				c->total += wl->n;
				wl = NULL;
				break;
			}
	}
	pthread_rwlock_unlock(&c->lock);
	wave_links_free(wl);
	return rc;
}

void cp_links_read_lock(struct cp_links *c)
{
	pthread_rwlock_rdlock(&c->lock);
}

void cp_links_read_unlock(struct cp_links *c)
{
	pthread_rwlock_unlock(&c->lock);
}

void cp_links_mark_used(struct cp_links *c, int64_t wave,
			const uint8_t hash[CP_SHA256_LEN])
{
	struct cp_wave_links *wl = wave_of(c, wave);
	struct link *l = wl ? link_of(wl, hash) : NULL;

	if (l)
		__atomic_store_n(&l->used, 1, __ATOMIC_RELAXED);
}

void cp_links_drop(struct cp_links *c, int64_t wave)
{
	struct cp_wave_links *wl = NULL;

	pthread_rwlock_wrlock(&c->lock);
	c->epoch++;
	for (size_t i = 0; i < CP_LINKS_WAVES; i++)
		if (c->waves[i] && c->waves[i]->wave.id == wave) {
			wl = c->waves[i];
			c->waves[i] = NULL;
			c->total -= wl->n;
		}
	pthread_rwlock_unlock(&c->lock);
	wave_links_free(wl);
}

size_t cp_links_count(struct cp_links *c)
{
	size_t n;

	pthread_rwlock_rdlock(&c->lock);
	n = c->total;
	pthread_rwlock_unlock(&c->lock);
	return n;
}
