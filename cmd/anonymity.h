/*
 * anonymity.h - printing the anonymity preview (core/results/preview.h)
 * for wave create and team import --dry-run.
 */
#ifndef CP_CMD_ANONYMITY_H
#define CP_CMD_ANONYMITY_H

#include <stdio.h>

#include "cmd.h"
#include "preview.h"

/*
 * Prints p to f: as text for a person (FORMAT_TABLE), or as one JSON
 * object {"threshold", "groups": [{group, scope, people, reason,
 * protects, problem, fix}]}. Returns 0 or CP_ENOMEM.
 */
int cmd_print_preview(FILE *f, const struct cp_preview *p, enum cmd_format fmt);

/* The threshold an installation uses now (config threshold). */
int cmd_threshold(struct cmd_ctx *c, int wave_k, int *k);

#endif
