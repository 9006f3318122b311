/*
 * rng.c - splitmix64 (Steele, Lea and Flood), see rng.h.
 */
#include "rng.h"

void cp_rng_seed(struct cp_rng *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t cp_rng_next(struct cp_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t cp_rng_below(struct cp_rng *r, uint32_t n)
{
	return n ? (uint32_t)(cp_rng_next(r) % n) : 0;
}
