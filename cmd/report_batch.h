/*
 * report_batch.h - report team --all (report_batch.c): every team's PDF
 * of a wave in parallel worker processes, and an index.csv.
 */
#ifndef CP_REPORT_BATCH_H
#define CP_REPORT_BATCH_H

#include <stdint.h>

#include "cmd.h"
#include "report.h"

struct report_batch {
	int64_t wave;	    /* 0: the newest closed wave */
	const char *parent; /* NULL: every team of the wave */
	const char *dir;    /* made when missing */
	long jobs;	    /* worker processes; 0: one per core */
	const struct rp_options *o;
};

/*
 * Writes DIR/<team>.pdf for each team of the wave (or of the subtree of
 * parent) and DIR/index.csv (team, file, status: written, hidden, failed,
 * with the message of a failure), with a progress bar on stderr when it
 * is a terminal. Closes c->store before the workers start (each opens its
 * own, read-only). Returns the exit status: 0, or 1 when a report failed.
 */
int cmd_report_batch(struct cmd_ctx *c, const struct report_batch *b);

/* Back to the operator's language after the report's (--language): what
 * the command says about the files it wrote is for the operator. */
void cmd_report_language_end(void);

#endif
