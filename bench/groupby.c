/*
 * bench/groupby.c - the limit for `carepulse results`: one raw GROUP BY
 * over every answer, per wave, team and item, with everything results
 * prints per group (n, sum, sum of squares, favourable, unfavourable).
 *
 *   --query flat   over bench_insert --flat's answer_flat, answered from
 *                  its covering index (wave_id, team_id, item_id, value)
 *   --query join   over carepulse's normalised schema (answer joined to
 *                  response), as bench_insert writes it without --flat
 *   --query agg    no GROUP BY: reads the aggregates carepulse's store
 *                  keeps (agg_item, then agg_dim), on a carepulse database
 *
 * usage: bench_groupby [--query flat|join|agg] DB
 * Prints groups=N query_s=T.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

static const char flat_sql[] =
    "SELECT wave_id, team_id, item_id, count(*), sum(value),"
    " sum(value * value), sum(value >= 4), sum(value <= 2)"
    " FROM answer_flat GROUP BY wave_id, team_id, item_id";

static const char join_sql[] =
    "SELECT r.wave_id, r.team_id, a.item_id, count(*), sum(a.value),"
    " sum(a.value * a.value), sum(a.value >= 4), sum(a.value <= 2)"
    " FROM answer a JOIN response r ON r.id = a.response_id"
    " GROUP BY r.wave_id, r.team_id, a.item_id";

static const char agg_sql[] =
    "SELECT wave_id, team_id, self, item_id, c1 + c2 + c3 + c4 + c5, c1, c2,"
    " c3, c4, c5 FROM agg_item;"
    "SELECT wave_id, team_id, self, dimension, n, sum, sumsq FROM agg_dim;";

int main(int argc, char **argv)
{
	const char *sql = flat_sql, *path = NULL, *tail;
	struct timespec t0, t1;
	sqlite3 *db;
	sqlite3_stmt *st;
	long groups = 0;
	long long n = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--query") == 0 && i + 1 < argc)
			sql = strcmp(argv[++i], "join") == 0 ? join_sql
			      : strcmp(argv[i], "agg") == 0  ? agg_sql
							     : flat_sql;
		else
			path = argv[i];
	}
	if (path == NULL) {
		fprintf(stderr,
			"usage: bench_groupby [--query flat|join] DB\n");
		return 64;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "bench_groupby: %s: %s\n", path,
			sqlite3_errmsg(db));
		return 66;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* agg is two statements: groups counts both, answers the first */
	for (int first = 1; *sql; sql = tail, first = 0) {
		if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
			fprintf(stderr, "bench_groupby: %s\n",
				sqlite3_errmsg(db));
			return 1;
		}
		if (st == NULL)
			break;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			groups++;
			if (first)
				n += sqlite3_column_int64(
				    st, sqlite3_column_count(st) == 10 ? 4 : 3);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "bench_groupby: %s\n",
				sqlite3_errmsg(db));
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("groups=%ld answers=%lld query_s=%.3f\n", groups, n,
	       (double)(t1.tv_sec - t0.tv_sec) +
		   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	sqlite3_close(db);
	return 0;
}
