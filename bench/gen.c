/*
 * bench/gen.c - the benchmark data generator. From a seed and a size it
 * writes an organisation (departments > teams) as a roster CSV and, per
 * wave, an import CSV of responses to the survey compassionate-pulse:
 *
 *   team,pulse.compassion,...,pulse.helping,would_help
 *
 * one row per response. Team sizes and response rates vary by team; every
 * team has its own level per dimension that drifts from wave to wave (a
 * trend plus a random walk), so trends and comparisons look like real data.
 * The same arguments always give the same bytes.
 *
 * usage: bench_gen [--teams N] [--waves N] [--seed S] DIR
 * prints one summary line: teams=... waves=... responses=... answers=...
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

#define NITEMS	       11
#define TEAMS_PER_DEPT 20

static const char *const items[NITEMS] = {
    "pulse.compassion",	   "pulse.confidence", "pulse.collaborative",
    "pulse.contemplative", "pulse.civil",      "pulse.curiosity",
    "pulse.courage",	   "pulse.attending",  "pulse.understanding",
    "pulse.empathising",   "pulse.helping",
};

/* Comments: some with commas, quotes and non-ASCII, so a CSV reader has
 * to be a real one. */
static const char *const comments[] = {
    "More time for one-to-ones.",
    "Clearer priorities, please.",
    "Fewer meetings, more focus time",
    "Recognition when things go well, not only when they go wrong.",
    "A quiet room for breaks",
    "Help with the rota, it changes too late",
    "Honest updates about the restructuring",
    "Training for the new system, \"properly\" this time",
    "Keep doing the Friday check-ins!",
    "Mehr Zeit für Übergaben.",
    "Que l'on écoute les équipes de nuit.",
    "Cover for sickness so we are not always short",
    "Nothing, thanks - it is going well.",
    "Support after difficult shifts; a debrief would help.",
};

#define NCOMMENTS (sizeof(comments) / sizeof(comments[0]))

struct team {
	double level[NITEMS]; /* latent mean on the 1..5 scale */
	double trend;	      /* drift per wave */
	double rate;	      /* response rate */
	int size;
};

static double uniform(struct cp_rng *r)
{
	return (double)(cp_rng_next(r) >> 11) / 9007199254740992.0;
}

/* A standard normal deviate (Box-Muller; one of the pair is dropped). */
static double normal(struct cp_rng *r)
{
	double u = uniform(r), v = uniform(r);

	if (u < 1e-300)
		u = 1e-300;
	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static void csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		fprintf(stderr, "bench_gen: cannot write '%s': %s\n", path,
			strerror(errno));
	return f;
}

static int write_roster(const char *dir, const struct team *t, long nteams)
{
	FILE *f = open_out(dir, "roster.csv");
	long ndepts = (nteams + TEAMS_PER_DEPT - 1) / TEAMS_PER_DEPT;

	if (f == NULL)
		return -1;
	fputs("email,name,team,parent_team,role\n", f);
	for (long d = 0; d < ndepts; d++)
		fprintf(f,
			"head.d%04ld@example.org,Head D%04ld,Dept %04ld,,"
			"leader\n",
			d, d, d);
	for (long i = 0; i < nteams; i++)
		for (int m = 0; m < t[i].size; m++)
			fprintf(f,
				"m%02d.t%05ld@example.org,Member %d T%05ld,"
				"Team %05ld,Dept %04ld,%s\n",
				m, i, m, i, i, i / TEAMS_PER_DEPT,
				m == 0 ? "leader" : "member");
	return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	long nteams = 2000, nwaves = 12, seed = 42;
	const char *dir = NULL;
	struct team *t;
	struct cp_rng r;
	long long responses = 0, answers = 0, ncomments = 0;

	for (int i = 1; i < argc; i++) {
		long *target = NULL, max = 1000000;

		if (strcmp(argv[i], "--teams") == 0)
			target = &nteams;
		else if (strcmp(argv[i], "--waves") == 0)
			target = &nwaves, max = 99;
		else if (strcmp(argv[i], "--seed") == 0)
			target = &seed, max = 2147483647;
		else if (argv[i][0] != '-' && dir == NULL)
			dir = argv[i];
		else
			target = NULL, dir = NULL, i = argc;
		if (target &&
		    (i + 1 >= argc || parse_long(argv[++i], 1, max, target))) {
			fprintf(stderr, "bench_gen: %s needs a number\n",
				argv[i - 1]);
			return 64;
		}
	}
	if (dir == NULL) {
		fprintf(stderr, "usage: bench_gen [--teams N] [--waves N] "
				"[--seed S] DIR\n");
		return 64;
	}
	t = calloc((size_t)nteams, sizeof(*t));
	if (t == NULL)
		return 70;
	cp_rng_seed(&r, (uint64_t)seed);
	for (long i = 0; i < nteams; i++) {
		double base = 3.6 + 0.45 * normal(&r);

		/* 8..27 members, answering 60..95%: ~13.6 responses a wave */
		t[i].size = 8 + (int)cp_rng_below(&r, 20);
		t[i].rate = 0.60 + 0.35 * uniform(&r);
		t[i].trend = 0.04 * normal(&r);
		for (int k = 0; k < NITEMS; k++)
			t[i].level[k] = base + 0.3 * normal(&r);
	}
	if (write_roster(dir, t, nteams))
		return 74;
	for (long w = 1; w <= nwaves; w++) {
		char name[32];
		FILE *f;

		snprintf(name, sizeof(name), "wave-%02ld.csv", w);
		if ((f = open_out(dir, name)) == NULL)
			return 74;
		fputs("team", f);
		for (int k = 0; k < NITEMS; k++)
			fprintf(f, ",%s", items[k]);
		fputs(",would_help\n", f);
		for (long i = 0; i < nteams; i++) {
			struct team *tm = &t[i];

			for (int m = 0; m < tm->size; m++) {
				double person;

				if (uniform(&r) >= tm->rate)
					continue;
				person = 0.5 * normal(&r);
				fprintf(f, "Team %05ld", i);
				for (int k = 0; k < NITEMS; k++) {
					double x = tm->level[k] + person +
						   0.7 * normal(&r);
					long v = lround(x);

					v = v < 1 ? 1 : v > 5 ? 5 : v;
					fprintf(f, ",%ld", v);
				}
				fputc(',', f);
				if (cp_rng_below(&r, 100) < 15) {
					csv_field(f, comments[cp_rng_below(
							 &r, NCOMMENTS)]);
					ncomments++;
				}
				fputc('\n', f);
				responses++;
				answers += NITEMS;
			}
			/* the drift: a trend plus a random walk */
			for (int k = 0; k < NITEMS; k++) {
				double *l = &tm->level[k];

				*l += tm->trend + 0.05 * normal(&r);
				*l = *l < 1.3 ? 1.3 : *l > 4.8 ? 4.8 : *l;
			}
		}
		if (fclose(f) != 0)
			return 74;
	}
	printf("teams=%ld departments=%ld waves=%ld responses=%lld "
	       "answers=%lld comments=%lld\n",
	       nteams, (nteams + TEAMS_PER_DEPT - 1) / TEAMS_PER_DEPT, nwaves,
	       responses, answers, ncomments);
	free(t);
	return 0;
}
