/*
 * report_write.h - writing the PDF reports from the store, shared by
 * `report team`, `report compare` and the demo (reports/write.c). Results
 * come from core with every threshold applied; reports/ draws them.
 */
#ifndef CP_REPORT_WRITE_H
#define CP_REPORT_WRITE_H

#include <stdint.h>

#include "error.h"
#include "report.h"

struct cp_store;

/*
 * Writes the team report of team_name for wave (0: the team's newest
 * closed wave), with the trend of its earlier closed waves, to path.
 * CP_ENOTFOUND for an unknown team or no closed wave, CP_ECONFLICT for a
 * wave that is still open, or the writer's error.
 */
int rp_write_team_report(struct cp_store *st, const char *team_name,
			 int64_t wave, const char *path,
			 const struct rp_options *o, struct cp_error *err);

/* Writes the comparison of every team in wave (0: the newest closed). */
int rp_write_compare_report(struct cp_store *st, int64_t wave,
			    enum rp_measure m, enum rp_sort so,
			    const char *path, const struct rp_options *o,
			    struct cp_error *err);

#endif
