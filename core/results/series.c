/*
 * series.c - the results of several waves in order, each loaded while the
 * caller prints the one before it: see cp_results_series_open in
 * results.h.
 *
 * One loader thread loads wave i with wave i-1 as the wave known before
 * it (its changes and its survey), so wave i can start only once wave
 * i-1 is loaded; it starts once the caller has asked for wave i-1, that
 * is when it is done with wave i-2, which the loader then frees first
 * (beside the caller's printing, off its thread). So at most two waves
 * are held, as when the caller loads them one after the other: the one
 * the caller prints and the one being loaded. The caller and the loader
 * share a wave only while both read it (the loader takes a reference to
 * its survey, a field the caller does not read); every wave is freed by
 * the loader, or by close once it has stopped, so no load ever sees a
 * free and the survey's references are counted on one thread.
 */
#include "results.h"

#include <pthread.h>
#include <stdlib.h>

#include "i18n.h"

struct cp_results_series {
	struct cp_store *store;
	const int64_t *waves;
	size_t n;
	struct cp_results_opts opts; /* known is set for each wave */
	struct cp_results **res;     /* wave i's results once loaded */
	size_t next;		     /* the wave the caller asks for next */

	bool threaded; /* else each wave is loaded by the caller */
	pthread_t loader;
	pthread_mutex_t lock;
	pthread_cond_t change;
	/* Under the lock: */
	size_t loaded; /* waves 0 .. loaded-1 are in res */
	size_t asked;  /* the caller has asked for waves 0 .. asked-1 */
	bool failed;   /* wave `loaded` could not be loaded: rc, err */
	bool stop;     /* the caller closes: load no further */
	int rc;
	struct cp_error err;
};

/* Loads wave i into rs->res[i], with wave i-1 (loaded) as its known. */
static int load_at(struct cp_results_series *rs, size_t i, struct cp_error *err)
{
	const struct cp_results *known[1] = {i ? rs->res[i - 1] : NULL};
	struct cp_results_opts opts = rs->opts;

	opts.known = known;
	opts.nknown = i ? 1 : 0;
	return cp_results_load(&rs->res[i], rs->store, rs->waves[i], &opts,
			       err);
}

static void *loader(void *arg)
{
	struct cp_results_series *rs = arg;
	size_t freed = 0; /* waves 0 .. freed-1 are freed */

	for (size_t i = 0; i < rs->n; i++) {
		struct cp_error err = {0};
		size_t done;
		bool stop;
		int rc;

		/* Wave i once the caller is done with wave i-2 (it has asked
		 * for i-1). */
		pthread_mutex_lock(&rs->lock);
		while (!rs->stop && i > rs->asked)
			pthread_cond_wait(&rs->change, &rs->lock);
		stop = rs->stop;
		done = rs->asked ? rs->asked - 1 : 0;
		pthread_mutex_unlock(&rs->lock);
		if (stop)
			break;
		/* The waves the caller is done with (those before the last it
		 * asked for; never wave i-1, which wave i needs): freed here,
		 * beside the printing, not by the caller. */
		for (; freed < done; freed++) {
			cp_results_free(rs->res[freed]);
			rs->res[freed] = NULL;
		}
		rc = load_at(rs, i, &err);
		pthread_mutex_lock(&rs->lock);
		if (rc) {
			rs->failed = true;
			rs->rc = rc;
			rs->err = err;
		} else {
			rs->loaded = i + 1;
		}
		pthread_cond_broadcast(&rs->change);
		pthread_mutex_unlock(&rs->lock);
		if (rc)
			break;
	}
	return NULL;
}

int cp_results_series_open(struct cp_results_series **out, struct cp_store *s,
			   const int64_t *waves, size_t n,
			   const struct cp_results_opts *opts,
			   struct cp_error *err)
{
	struct cp_results_series *rs;

	*out = NULL;
	if ((rs = calloc(1, sizeof(*rs))) == NULL ||
	    (rs->res = calloc(n + 1, sizeof(*rs->res))) == NULL) {
		free(rs);
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	}
	rs->store = s;
	rs->waves = waves;
	rs->n = n;
	if (opts)
		rs->opts = *opts;
	/* A thread only when there is a second wave to load ahead; when it
	 * cannot be started, the caller loads each wave (the same results,
	 * one after the other). */
	if (n > 1 && pthread_mutex_init(&rs->lock, NULL) == 0) {
		if (pthread_cond_init(&rs->change, NULL) != 0) {
			pthread_mutex_destroy(&rs->lock);
		} else if (pthread_create(&rs->loader, NULL, loader, rs) != 0) {
			pthread_cond_destroy(&rs->change);
			pthread_mutex_destroy(&rs->lock);
		} else {
			rs->threaded = true;
		}
	}
	*out = rs;
	return 0;
}

int cp_results_series_next(struct cp_results_series *rs,
			   const struct cp_results **r, struct cp_error *err)
{
	size_t i = rs->next;
	int rc = 0;

	*r = NULL;
	if (i >= rs->n)
		return 0;
	if (!rs->threaded) {
		if ((rc = load_at(rs, i, err)))
			return rc;
	} else {
		pthread_mutex_lock(&rs->lock);
		while (rs->loaded <= i && !rs->failed)
			pthread_cond_wait(&rs->change, &rs->lock);
		if (rs->loaded <= i) {
			rc = rs->rc;
			if (err)
				*err = rs->err;
		}
		pthread_mutex_unlock(&rs->lock);
		if (rc)
			return rc;
	}
	/* Wave i-1 was printed and wave i, loaded from it, needs it no
	 * more: freed here without the thread; with it, by the loader
	 * before it loads wave i+1, which waits (for asked) until then. */
	if (i > 0 && !rs->threaded) {
		cp_results_free(rs->res[i - 1]);
		rs->res[i - 1] = NULL;
	}
	rs->next = i + 1;
	if (rs->threaded) {
		pthread_mutex_lock(&rs->lock);
		rs->asked = i + 1;
		pthread_cond_broadcast(&rs->change);
		pthread_mutex_unlock(&rs->lock);
	}
	*r = rs->res[i];
	return 0;
}

void cp_results_series_close(struct cp_results_series *rs)
{
	if (rs == NULL)
		return;
	if (rs->threaded) {
		pthread_mutex_lock(&rs->lock);
		rs->stop = true;
		pthread_cond_broadcast(&rs->change);
		pthread_mutex_unlock(&rs->lock);
		pthread_join(rs->loader, NULL);
		pthread_cond_destroy(&rs->change);
		pthread_mutex_destroy(&rs->lock);
	}
	for (size_t i = 0; i < rs->n; i++)
		cp_results_free(rs->res[i]);
	free(rs->res);
	free(rs);
}
