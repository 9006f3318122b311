/*
 * bench/store_load.c - carepulse's own storage path for imported responses,
 * measured before `carepulse import` exists: every row of the generated
 * wave CSVs goes through cp_store_response_add (random id, answers,
 * comments, and the aggregates kept current) in one transaction, on a
 * database made by `carepulse init` and `carepulse team import`. What the
 * import command adds on top is its CSV reader and validation messages.
 *
 * usage: bench_store DB WAVE.csv...   (creates one wave per file)
 * Prints answers=N insert_s=T rows_per_s=R.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csvscan.h"
#include "store.h"
#include "survey.h"

static struct cp_team *teams;
static size_t nteams;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cp_team *)a)->name,
		      ((const struct cp_team *)b)->name);
}

static int64_t team_id(const char *name)
{
	struct cp_team key = {.name = (char *)(uintptr_t)name};
	const struct cp_team *t =
	    bsearch(&key, teams, nteams, sizeof(*teams), by_name);

	return t ? t->id : 0;
}

static int fail(const struct cp_error *err)
{
	char msg[512];

	fprintf(stderr, "bench_store: %s\n",
		cp_error_format(err, msg, sizeof(msg)));
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct cp_error err = {0};
	struct cp_store *s = NULL;
	struct cp_survey *survey = NULL;
	int64_t *ids, ref;
	char *text = NULL, **bufs;
	long long answers = 0;
	double t0, t1;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_store DB WAVE.csv...\n");
		return 64;
	}
	if (cp_store_open(&s, argv[1], 0, &err) ||
	    cp_store_survey_text(s, "compassionate-pulse", 0, &text, &ref,
				 &err) ||
	    cp_survey_fetch(&survey, s, "compassionate-pulse", ref, &err) ||
	    cp_store_team_list(s, &teams, &nteams, &err))
		return fail(&err);
	free(text);
	qsort(teams, nteams, sizeof(*teams), by_name);
	ids = malloc(nteams * sizeof(*ids));
	bufs = calloc((size_t)argc, sizeof(*bufs));
	if (ids == NULL || bufs == NULL)
		return 70;
	for (size_t i = 0; i < nteams; i++)
		ids[i] = teams[i].id;
	for (int f = 2; f < argc; f++) {
		size_t len;

		if (csv_slurp(argv[f], &bufs[f], &len)) {
			perror(argv[f]);
			return 66;
		}
	}
	t0 = now();
	if (cp_store_begin(s, &err))
		return fail(&err);
	for (int f = 2; f < argc; f++) {
		struct cp_wave w = {.survey_ref = ref, .status = CP_WAVE_OPEN};
		struct cp_answer a[CSV_MAXFIELDS];
		struct cp_comment c;
		struct csv_row row, header;
		char *pos = bufs[f];
		size_t nitems;

		memcpy(w.channel, "outbox", 7);
		if (cp_store_wave_insert(s, &w, ids, nteams, &err))
			return fail(&err);
		if (!csv_next(&pos, &header) || header.nfields < 3)
			continue;
		nitems = header.nfields - 2;
		while (csv_next(&pos, &row)) {
			struct cp_response r = {
			    .wave_id = w.id,
			    .team_id = team_id(row.field[0]),
			    .answers = a,
			    .nanswers = nitems,
			    .comments = &c,
			};

			if (row.nfields != header.nfields || r.team_id == 0) {
				fprintf(stderr, "bench_store: %s: bad row\n",
					argv[f]);
				return 65;
			}
			for (size_t k = 0; k < nitems; k++) {
				a[k].item_id = header.field[k + 1];
				a[k].value = row.field[k + 1][0] - '0';
			}
			if (row.field[nitems + 1][0]) {
				c.question_id = header.field[nitems + 1];
				c.text = row.field[nitems + 1];
				r.ncomments = 1;
			}
			if (cp_store_response_add(s, &r, survey, &err))
				return fail(&err);
			answers += (long long)nitems;
		}
	}
	if (cp_store_commit(s, &err))
		return fail(&err);
	t1 = now();
	printf("answers=%lld insert_s=%.3f rows_per_s=%.0f\n", answers, t1 - t0,
	       (double)answers / (t1 - t0));
	for (int f = 2; f < argc; f++)
		free(bufs[f]);
	free(bufs);
	free(ids);
	cp_store_teams_free(teams, nteams);
	cp_survey_free(survey);
	cp_store_close(s);
	return 0;
}
