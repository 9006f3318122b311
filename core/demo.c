#include "demo.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

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

static const char *const first[] = {
    "Amara", "Ben",   "Chloé",	 "Dmitri", "Eilidh", "Farah",  "Gustav",
    "Hana",  "Ian",   "Jonas",	 "Kemi",   "Lars",   "Maëlle", "Nikhil",
    "Olu",   "Priya", "Quinn",	 "Rosa",   "Sven",   "Tomás",  "Ulla",
    "Vera",  "Wei",   "Xóchitl", "Yusuf",  "Zoë",    "Ξένια",  "Łucja",
};

static const char *const last[] = {
    "Adeyemi",	    "Berg",   "Castillo", "Dubois",	 "Eriksen",
    "Fischer",	    "García", "Hughes",	  "Ivanova",	 "Jensen",
    "Kowalski",	    "Łódź",   "Moreau",	  "Nakamura",	 "O'Neill",
    "Papadopoulou", "Quist",  "Rossi",	  "Søndergaard", "Tanaka",
    "Ulrich",	    "Varga",  "Wright",	  "Yılmaz",
};

struct demo_team {
	const char *name;
	const char *parent;
};

/* Departments have no members of their own; teams sit under them. */
static const struct demo_team teams[] = {
    {"Ward 4 Nursing", "Nursing"},
    {"Ward 7 Nursing", "Nursing"},
    {"Night Team", "Nursing"},
    {"Pharmacy", "Clinical Support"},
    {"Physiotherapy", "Clinical Support"},
    {"Patient Records", "Operations"},
};

/* Lower-case ASCII letters of s, for a made-up address. */
static void slug(char *out, size_t n, const char *s)
{
	size_t k = 0;

	for (; *s && k + 1 < n; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
			out[k++] = (char)(*s | 0x20);
	out[k] = '\0';
}

int cp_demo_roster(struct cp_buf *b, uint64_t seed, struct cp_error *err)
{
	struct cp_rng rng;
	int rc, person = 0;

	cp_rng_seed(&rng, seed);
	rc = cp_buf_adds(b, "email,name,team,parent_team,role\r\n", err);
	for (size_t t = 0; rc == 0 && t < sizeof(teams) / sizeof(teams[0]);
	     t++) {
		uint32_t size = 6 + cp_rng_below(&rng, 7);
		for (uint32_t i = 0; rc == 0 && i < size; i++, person++) {
			const char *f = first[cp_rng_below(
			    &rng, sizeof(first) / sizeof(first[0]))];
			const char *l = last[cp_rng_below(
			    &rng, sizeof(last) / sizeof(last[0]))];
			char name[128], fs[32], ls[32];
			snprintf(name, sizeof(name), "%s %s", f, l);
			slug(fs, sizeof(fs), f);
			slug(ls, sizeof(ls), l);
			rc = cp_buf_printf(b, err, "%s.%s%d@example.org,", fs,
					   ls, person);
			rc = rc || cp_csv_field(b, name, err);
			rc = rc || cp_buf_printf(b, err, ",%s,%s,%s\r\n",
						 teams[t].name, teams[t].parent,
						 i == 0 ? "leader" : "member");
		}
	}
	return rc;
}
