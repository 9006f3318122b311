/*
 * demo.h - the seeded sample organisation that `carepulse demo` runs a
 * pulse on. The same seed always gives the same people and teams.
 */
#ifndef CP_DEMO_H
#define CP_DEMO_H

#include <stdint.h>

#include "buf.h"

/* A small deterministic PRNG (splitmix64), for sample data only. */
struct cp_rng {
	uint64_t state;
};

void cp_rng_seed(struct cp_rng *r, uint64_t seed);
uint64_t cp_rng_next(struct cp_rng *r);
/* Uniform in [0, n). */
uint32_t cp_rng_below(struct cp_rng *r, uint32_t n);

/*
 * Appends the sample roster CSV (header included) to b: an organisation
 * of a few departments with teams of 6 to 12, a leader each, names from
 * several scripts.
 */
int cp_demo_roster(struct cp_buf *b, uint64_t seed, struct cp_error *err);

#endif
