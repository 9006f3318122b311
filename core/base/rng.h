/*
 * rng.h - a small deterministic PRNG (splitmix64) for sample and benchmark
 * data only: the demo's organisation, the benchmark's generators. Never
 * for tokens or keys (those come from crypto.h).
 */
#ifndef CP_RNG_H
#define CP_RNG_H

#include <stdint.h>

struct cp_rng {
	uint64_t state;
};

void cp_rng_seed(struct cp_rng *r, uint64_t seed);
uint64_t cp_rng_next(struct cp_rng *r);
/* Uniform in [0, n). */
uint32_t cp_rng_below(struct cp_rng *r, uint32_t n);

#endif
