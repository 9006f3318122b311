/*
 * retention.h - data goes when it should: the answers and comments of
 * waves closed longer ago than the retention period (retention.months),
 * keeping the totals that results, trends and reports are computed from;
 * and a person's name and address on request (member forget). What is
 * kept and why: docs/anonymity.md, Retention and erasure.
 */
#ifndef CP_RETENTION_H
#define CP_RETENTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "store.h"

/* What a retention run takes (or would take). */
struct cp_retention {
	bool enabled;		    /* retention.months is set */
	long months;		    /* its value */
	int64_t now;		    /* waves closed months before this go */
	struct cp_purge_row *waves; /* oldest first; malloc'ed */
	size_t nwaves;
	bool compacted; /* the file was rebuilt and the WAL emptied */
	bool wal_busy;	/* a reader kept the WAL from being emptied */
};

/*
 * Applies the retention period at now - months, or retention.months when
 * months is 0: every closed wave that closed more
 * than that many calendar months before now loses its responses,
 * comments, invitations and self-assessment totals in one transaction
 * (cp_store_wave_purge), then the file is compacted so the deleted rows
 * leave no bytes behind. With dry_run, out lists the waves and nothing
 * changes. When retention.months is not set, out->enabled is false and
 * nothing is done. Release out with cp_retention_release.
 */
int cp_retention_run(struct cp_store *st, int64_t now, long months,
		     bool dry_run, struct cp_retention *out,
		     struct cp_error *err);
void cp_retention_release(struct cp_retention *r);

/*
 * Erases the name and address of the member with this address (any
 * case), and their unused invitations of waves still running; their
 * answers stay, as unlinkable as before. The pages that held the name
 * are zeroed and the WAL emptied. CP_ENOTFOUND for an unknown address.
 */
int cp_retention_forget(struct cp_store *st, const char *email, int64_t now,
			struct cp_forgotten *out, struct cp_error *err);

#endif
