/*
 * report_write.h - writing the PDF reports from the store, shared by
 * `report team`, `report compare` and the demo (reports/write.c). Results
 * come from core with every threshold applied; reports/ draws them.
 */
#ifndef CP_REPORT_WRITE_H
#define CP_REPORT_WRITE_H

#include <stdbool.h>
#include <stddef.h>
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

/*
 * The same for the team with this id (team_name for messages), as the
 * batch writes them; *hidden (may be NULL) says whether the report is the
 * one-page explanation of a hidden team.
 */
int rp_write_team_report_id(struct cp_store *st, int64_t team,
			    const char *team_name, int64_t wave,
			    const char *path, const struct rp_options *o,
			    bool *hidden, struct cp_error *err);

/* A team of a batch of team reports. */
struct rp_batch_team {
	int64_t id;
	char *name; /* as the wave was sent to it */
};

/*
 * The teams a batch of team reports covers: those *wave was sent to (its
 * snapshot), or with parent only that team and the teams below it in the
 * wave's tree; by name. *wave 0: the newest closed wave, set on return.
 * CP_ECONFLICT for a wave not closed, CP_ENOTFOUND for an unknown parent.
 * Free with rp_batch_teams_free.
 */
int rp_batch_teams(struct cp_store *st, int64_t *wave, const char *parent,
		   struct rp_batch_team **out, size_t *n, struct cp_error *err);
void rp_batch_teams_free(struct rp_batch_team *t, size_t n);

/* Writes the comparison of every team in wave (0: the newest closed). */
int rp_write_compare_report(struct cp_store *st, int64_t wave,
			    enum rp_measure m, enum rp_sort so,
			    const char *path, const struct rp_options *o,
			    struct cp_error *err);

#endif
