/*
 * retention.c - retention.months and member forget (see retention.h).
 */
#include "retention.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "when.h"

/* How long emptying the WAL waits for readers (a running serve). */
#define FORGET_CHECKPOINT_MS 2000

/* The setting: *months 0 when it is not set. */
static int retention_months(struct cp_store *st, long *months,
			    struct cp_error *err)
{
	char *v = NULL;
	int rc;

	*months = 0;
	if ((rc = cp_config_get(st, "retention.months", &v, NULL, err)))
		return rc;
	if (v == NULL)
		return 0;
	free(v);
	return cp_config_get_int(st, "retention.months", months, err);
}

/* Compacts the file; a reader in the way of the WAL is not a failure. */
static int compact(struct cp_store *st, struct cp_retention *out,
		   struct cp_error *err)
{
	struct cp_error e;
	int rc = cp_store_compact(st, &e);

	if (rc == CP_ECONFLICT) {
		out->wal_busy = true;
		return 0;
	}
	if (rc) {
		if (err)
			*err = e;
		return rc;
	}
	out->compacted = true;
	return 0;
}

int cp_retention_run(struct cp_store *st, int64_t now, long months,
		     bool dry_run, struct cp_retention *out,
		     struct cp_error *err)
{
	size_t kept = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->months = months;
	if (months == 0 && (rc = retention_months(st, &out->months, err)))
		return rc;
	if (out->months == 0)
		return 0;
	out->enabled = true;
	out->now = now;
	/* A wave goes when it closed more than months calendar months ago:
	 * closed + months < now. Every month has at least 28 days, so those
	 * waves closed before now - 28 days x months; the store lists those,
	 * and the calendar decides. */
	if ((rc = cp_store_purge_candidates(
		 st, now - (int64_t)out->months * 28 * CP_DAY, &out->waves,
		 &out->nwaves, err)))
		return rc;
	for (size_t i = 0; i < out->nwaves; i++) {
		if (cp_when_add_months(out->waves[i].closed_at,
				       (int)out->months) >= now)
			continue;
		out->waves[kept] = out->waves[i];
		if ((rc = cp_store_purge_count(st, &out->waves[kept], err)))
			return rc;
		kept++;
	}
	out->nwaves = kept;
	if (dry_run || out->nwaves == 0)
		return 0;
	/* One transaction: every wave due goes, or none. */
	if ((rc = cp_store_begin(st, err)))
		return rc;
	for (size_t i = 0; rc == 0 && i < out->nwaves; i++)
		rc = cp_store_wave_purge(st, &out->waves[i], now, err);
	if (rc) {
		cp_store_rollback(st);
		return rc;
	}
	if ((rc = cp_store_commit(st, err)))
		return rc;
	return compact(st, out, err);
}

void cp_retention_release(struct cp_retention *r)
{
	if (r == NULL)
		return;
	free(r->waves);
	memset(r, 0, sizeof(*r));
}

int cp_retention_forget(struct cp_store *st, const char *email, int64_t now,
			struct cp_forgotten *out, struct cp_error *err)
{
	struct cp_error e;
	int rc;

	if ((rc = cp_store_begin(st, err)))
		return rc;
	if ((rc = cp_store_member_forget(st, email, now, out, err))) {
		cp_store_rollback(st);
		return rc;
	}
	if ((rc = cp_store_commit(st, err)))
		return rc;
	/*
	 * secure_delete zeroed the old name and address where the row and
	 * its index entry were (no VACUUM needed: no page is freed); the WAL
	 * still holds copies of those pages until it is emptied. A reader in
	 * the way delays that to the next commit of answers.
	 */
	rc = cp_store_wal_reset(st, FORGET_CHECKPOINT_MS, &e);
	if (rc && rc != CP_ECONFLICT) {
		if (err)
			*err = e;
		return rc;
	}
	out->wal_busy = rc == CP_ECONFLICT;
	return 0;
}
