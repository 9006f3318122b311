/*
 * links.h - the form server's links in memory: for an open wave that is
 * being answered, its unanswered invitations by token hash (id, team,
 * kind, language) with a copy of the wave, so that a form post is checked
 * and queued without a read transaction.
 *
 * A cache, never the truth: the writer's UPDATE of the invitation (by id
 * and hash, unanswered) and its read of the wave, in its batch's
 * transaction, decide every post. An entry that is stale (its link used,
 * its wave closed, cancelled or deleted, its invitation deleted, by this
 * process or another) can only send a post to the writer, which then has
 * it done again from the store (the form server's OUT_RECHECK).
 *
 * Threads: request threads find entries and the writer marks them used
 * under the read side of one rwlock (a mark is an atomic byte); a wave's
 * links are built by one request thread with no lock held, then published,
 * dropped or evicted under the write side. A wave's table never changes
 * once published but for its marks, and nothing points into it outside
 * the lock: a lookup copies what it found.
 *
 * Memory: 64 bytes a link and at most 8 bytes of index a link; at most
 * CP_LINKS_MAX links in all (~18 MB), CP_LINKS_WAVES waves. A wave with
 * more unanswered links than fit is not kept: its posts read the store.
 */
#ifndef CP_LINKS_H
#define CP_LINKS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "crypto.h"
#include "error.h"
#include "i18n.h"
#include "model.h"
#include "store.h"
#include "survey.h"

#define CP_LINKS_MAX   262144
#define CP_LINKS_WAVES 4

struct cp_wave_links;

struct cp_links {
	pthread_rwlock_t lock;
	struct cp_wave_links *waves[CP_LINKS_WAVES];
	size_t total;	 /* links kept, every wave */
	int64_t loading; /* the wave one thread is loading; 0 */
	uint64_t epoch;	 /* counts drops: a load across one is not kept */
};

/* What a lookup found: copies, the caller's. */
struct cp_link_hit {
	struct cp_invitation inv;	/* id, wave, team, self; not language */
	const struct cp_lang *lang;	/* cp_lang_find of its language */
	const struct cp_survey *survey; /* the survey the link answers */
	struct cp_wave wave;		/* the wave as it was loaded */
};

int cp_links_init(struct cp_links *c, struct cp_error *err);

/* Frees every wave's links (no thread may use c any more). */
void cp_links_release(struct cp_links *c);

/*
 * Finds the unanswered link of hash (compared in constant time) among
 * the waves kept and fills *hit; false when it is not there or marked
 * used.
 */
bool cp_links_find(struct cp_links *c, const uint8_t hash[CP_SHA256_LEN],
		   struct cp_link_hit *hit);

/*
 * Whether the caller should load wave's links: none kept, no load under
 * way, room left. When true the caller is the loader and must call
 * cp_links_load or cp_links_abandon next.
 */
bool cp_links_claim(struct cp_links *c, int64_t wave, uint64_t *epoch);

/*
 * The claimed wave w's unanswered links, read from st (one read
 * transaction), kept with a copy of w and its surveys (borrowed: they
 * must outlive c; self_survey NULL when w has none). Not kept when a drop
 * happened since the claim (epoch), when there are none or too many.
 * Errors: reading the store, or out of memory; nothing is kept then.
 */
int cp_links_load(struct cp_links *c, struct cp_store *st,
		  const struct cp_wave *w, const struct cp_survey *survey,
		  const struct cp_survey *self_survey, uint64_t epoch,
		  struct cp_error *err);

/* Gives a claim up without loading. */
void cp_links_abandon(struct cp_links *c, int64_t wave);

/* The writer's marks, after a commit: between cp_links_read_lock and
 * cp_links_read_unlock, cp_links_mark_used marks the link of hash in
 * wave used, when it is kept. */
void cp_links_read_lock(struct cp_links *c);
void cp_links_read_unlock(struct cp_links *c);
void cp_links_mark_used(struct cp_links *c, int64_t wave,
			const uint8_t hash[CP_SHA256_LEN]);

/* Drops wave's links (stale: the next post reads the store, and may
 * load them again). */
void cp_links_drop(struct cp_links *c, int64_t wave);

/* How many links are kept (tests, the log). */
size_t cp_links_count(struct cp_links *c);

#endif
