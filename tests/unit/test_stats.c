/*
 * test_stats.c - the formulas of core/stats.c against values worked out
 * by hand and against published t tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "stats.h"

#define near(a, b, eps) assert_true(fabs((a) - (b)) < (eps))

/* Two-sided 95% critical values of Student's t (any printed table). */
static void test_t_quantile_table(void **state)
{
	static const struct {
		double df, t;
	} table[] = {
	    {1, 12.7062047362},	 {2, 4.3026527297},  {3, 3.1824463053},
	    {4, 2.7764451052},	 {5, 2.5705818356},  {9, 2.2621571628},
	    {10, 2.2281388520},	 {30, 2.0422724563}, {100, 1.9839715185},
	    {1e9, 1.9599639845},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		double t = cp_t_quantile(0.975, table[i].df);
		near(t, table[i].t, 1e-8);
		near(cp_t_quantile(0.025, table[i].df), -table[i].t, 1e-8);
	}
	/* 99% and 90% one-sided points. */
	near(cp_t_quantile(0.995, 5), 4.0321429836, 1e-8);
	near(cp_t_quantile(0.95, 20), 1.7247182429, 1e-8);
	assert_true(cp_t_quantile(0.5, 3) == 0);
	assert_true(isnan(cp_t_quantile(0, 3)));
	assert_true(isnan(cp_t_quantile(0.5, 0)));
}

/* Welch gives fractional degrees of freedom: the quantile must invert the
 * cdf there too, and sit between its integer neighbours. */
static void test_t_fractional_df(void **state)
{
	(void)state;
	for (double df = 0.5; df < 60; df += 1.37) {
		double t = cp_t_quantile(0.975, df);
		near(cp_t_cdf(t, df), 0.975, 1e-12);
	}
	assert_true(cp_t_quantile(0.975, 5.5) < cp_t_quantile(0.975, 5));
	assert_true(cp_t_quantile(0.975, 5.5) > cp_t_quantile(0.975, 6));
	/* df = 1 is the Cauchy distribution: cdf(t) = 1/2 + atan(t)/pi. */
	near(cp_t_cdf(2.5, 1), 0.5 + atan(2.5) / M_PI, 1e-12);
	/* df = 2 has a closed form too: 1/2 + t / (2 sqrt(2 + t^2)). */
	near(cp_t_cdf(-1.3, 2), 0.5 - 1.3 / (2 * sqrt(2 + 1.69)), 1e-12);
}

static void test_incbeta_closed_forms(void **state)
{
	(void)state;
	for (double x = 0.05; x < 1; x += 0.1) {
		near(cp_incbeta(1, 1, x), x, 1e-13);
		near(cp_incbeta(3, 1, x), pow(x, 3), 1e-13);
		near(cp_incbeta(1, 4, x), 1 - pow(1 - x, 4), 1e-13);
	}
	near(cp_incbeta(0.5, 0.5, 0.5), 0.5, 1e-13);
	assert_true(cp_incbeta(2, 3, 0) == 0);
	assert_true(cp_incbeta(2, 3, 1) == 1);
}

/* Answers 1, 3, 3, 4, 5: n 5, mean 3.2, variance 8.8 / 4 = 2.2. */
static void test_counts_by_hand(void **state)
{
	const int64_t c[5] = {1, 0, 2, 1, 1};
	struct cp_stat st;
	double half = 2.7764451052 * sqrt(2.2) / sqrt(5);

	(void)state;
	cp_stat_from_counts(&st, c, false);
	assert_int_equal(st.n, 5);
	near(st.mean, 3.2, 1e-12);
	near(st.score, 55, 1e-9);
	near(st.sd, sqrt(2.2), 1e-12);
	assert_true(st.has_ci);
	near(st.ci_low, 3.2 - half, 1e-8);
	near(st.ci_high, 3.2 + half, 1e-8);
	near(st.favourable, 40, 1e-9);
	near(st.neutral, 40, 1e-9);
	near(st.unfavourable, 20, 1e-9);
	assert_int_equal(st.answers, 5);
	assert_false(st.suppressed);
}

/* The same answers to a reverse-scored item: 5, 3, 3, 2, 1. */
static void test_counts_reverse(void **state)
{
	const int64_t c[5] = {1, 0, 2, 1, 1};
	struct cp_stat st;

	(void)state;
	cp_stat_from_counts(&st, c, true);
	near(st.mean, 2.8, 1e-12);
	near(st.sd, sqrt(2.2), 1e-12);
	assert_int_equal(st.dist[0], 1); /* the 5 */
	assert_int_equal(st.dist[1], 1); /* the 4 */
	assert_int_equal(st.dist[2], 2);
	assert_int_equal(st.dist[3], 0);
	assert_int_equal(st.dist[4], 1); /* the 1 */
	near(st.favourable, 20, 1e-9);
	near(st.unfavourable, 40, 1e-9);
}

/* Everybody answered 4: SD 0 and an interval of width 0. */
static void test_counts_identical(void **state)
{
	const int64_t c[5] = {0, 0, 0, 7, 0};
	struct cp_stat st;

	(void)state;
	cp_stat_from_counts(&st, c, false);
	assert_true(st.sd == 0);
	assert_true(st.has_ci);
	assert_true(st.ci_low == 4 && st.ci_high == 4);
	near(st.favourable, 100, 1e-12);
	/* Respondent means of 11/3 each: rounding must not leave an SD. */
	cp_stat_from_sums(&st, 9, 9 * (11.0 / 3), 9 * (11.0 / 3) * (11.0 / 3));
	assert_true(st.sd == 0);
	assert_true(st.ci_low == st.ci_high);
}

static void test_small_and_empty(void **state)
{
	const int64_t none[5] = {0}, one[5] = {0, 0, 1, 0, 0};
	struct cp_stat st;

	(void)state;
	cp_stat_from_counts(&st, none, false);
	assert_int_equal(st.n, 0);
	assert_true(st.mean == 0 && st.favourable == 0);
	assert_false(st.has_ci);
	cp_stat_from_counts(&st, one, false);
	assert_int_equal(st.n, 1);
	assert_false(st.has_ci); /* no interval from one answer */
	assert_true(st.sd == 0);
	cp_stat_suppress(&st);
	assert_true(st.suppressed);
	assert_true(st.n == 0 && st.mean == 0 && st.dist[2] == 0);
}

/* Respondent means 2, 3, 4: mean 3, SD 1, t(2) interval. */
static void test_sums_by_hand(void **state)
{
	struct cp_stat st = {0};
	const int64_t d[5] = {1, 2, 3, 2, 1};
	double half = 4.3026527297 / sqrt(3);

	(void)state;
	cp_stat_from_sums(&st, 3, 9, 29);
	near(st.mean, 3, 1e-12);
	near(st.sd, 1, 1e-12);
	near(st.ci_low, 3 - half, 1e-8);
	near(st.ci_high, 3 + half, 1e-8);
	cp_stat_add_dist(&st, d);
	near(st.favourable, 100.0 * 3 / 9, 1e-9);
	near(st.neutral, 100.0 * 3 / 9, 1e-9);
}

/* n 5, mean 3.2, var 2.2 against n 3, mean 3, var 1. */
static void test_welch_by_hand(void **state)
{
	const int64_t c[5] = {1, 0, 2, 1, 1};
	struct cp_stat now, before = {0};
	struct cp_change ch = {0};
	double v1 = 2.2 / 5, v0 = 1.0 / 3, se = sqrt(v1 + v0);
	double df = (v1 + v0) * (v1 + v0) / (v1 * v1 / 4 + v0 * v0 / 2);

	(void)state;
	cp_stat_from_counts(&now, c, false);
	cp_stat_from_sums(&before, 3, 9, 29);
	cp_welch(&ch, &now, &before);
	near(ch.diff, 0.2, 1e-12);
	near(ch.df, df, 1e-9);
	near(df, 5.7528858, 1e-6); /* worked out on paper */
	near(ch.high - ch.diff, cp_t_quantile(0.975, df) * se, 1e-9);
	/* t(0.975, 5.75) lies between the table's df 5 and df 6. */
	assert_true((ch.high - ch.diff) / se < 2.5705818356);
	assert_true((ch.high - ch.diff) / se > 2.4469118511);
	assert_int_equal(ch.status, CP_CHANGE_UNDETECTABLE);
}

static void test_welch_identical(void **state)
{
	const int64_t fours[5] = {0, 0, 0, 7, 0}, threes[5] = {0, 0, 6, 0, 0};
	struct cp_stat a, b;
	struct cp_change ch = {0};

	(void)state;
	cp_stat_from_counts(&a, fours, false);
	cp_stat_from_counts(&b, threes, false);
	cp_welch(&ch, &a, &b);
	assert_true(ch.low == 1 && ch.high == 1);
	assert_int_equal(ch.status, CP_CHANGE_UP);
	cp_welch(&ch, &b, &a);
	assert_int_equal(ch.status, CP_CHANGE_DOWN);
	cp_welch(&ch, &a, &a);
	assert_int_equal(ch.status, CP_CHANGE_UNDETECTABLE);
	assert_string_equal(cp_change_status_name(CP_CHANGE_UNDETECTABLE),
			    "no detectable change");
}

/* A clear rise with enough people is significant. */
static void test_welch_significant(void **state)
{
	const int64_t low[5] = {5, 10, 5, 0, 0}, high[5] = {0, 0, 5, 10, 5};
	struct cp_stat a, b;
	struct cp_change ch = {0};

	(void)state;
	cp_stat_from_counts(&a, high, false);
	cp_stat_from_counts(&b, low, false);
	cp_welch(&ch, &a, &b);
	near(ch.diff, 2, 1e-12);
	assert_true(ch.low > 0);
	assert_int_equal(ch.status, CP_CHANGE_UP);
}

/* A change in words, as results and the portal print it. */
static void test_change_text(void **state)
{
	struct cp_change up = {.status = CP_CHANGE_UP,
			       .diff = 0.3249,
			       .low = 0.05,
			       .high = 0.6},
			 none = {.status = CP_CHANGE_NONE},
			 same = {.status = CP_CHANGE_UNDETECTABLE};
	char buf[96];

	(void)state;
	assert_string_equal(cp_change_text(&up, buf, sizeof(buf)),
			    "up +0.32 [+0.05, +0.60]");
	assert_string_equal(cp_change_text(&same, buf, sizeof(buf)),
			    "no detectable change");
	assert_null(cp_change_text(&none, buf, sizeof(buf)));
}

/*
 * eNPS by hand: 1 zero, 2 fives, 3 sevens, 2 nines, 2 tens: n 10, 4
 * promoters, 3 passives, 3 detractors, score 10. The adjusted Wald
 * interval (Rocks 2016) computed outside carepulse (Python,
 * statistics.NormalDist): p' = 4.75/13, d' = 3.75/13,
 * [-36.06394504, 51.44856043]. All 5 promoters: 100, [17.49145303, 100]
 * (clamped). The change from the first to the second: 90, the adjusted
 * estimates' difference +/- z sqrt(v1 + v0): [-7.96474554, 117.58013016].
 */
static void test_enps_by_hand(void **state)
{
	const int64_t c[CP_ENPS_POINTS] = {1, 0, 0, 0, 0, 2, 0, 3, 0, 2, 2};
	const int64_t all[CP_ENPS_POINTS] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 2};
	struct cp_enps a = {0}, b = {0};
	struct cp_change ch = {0};

	(void)state;
	a.declined = 4;
	cp_enps_from_counts(&a, c);
	assert_int_equal(a.n, 10);
	assert_int_equal(a.declined, 4);
	assert_int_equal(a.promoters, 4);
	assert_int_equal(a.passives, 3);
	assert_int_equal(a.detractors, 3);
	assert_float_equal(a.score, 10.0, 1e-9);
	assert_float_equal(a.mean, 6.9, 1e-9);
	assert_true(a.has_ci);
	assert_float_equal(a.ci_low, -36.06394504, 1e-6);
	assert_float_equal(a.ci_high, 51.44856043, 1e-6);
	cp_enps_from_counts(&b, all);
	assert_float_equal(b.score, 100.0, 1e-9);
	assert_float_equal(b.ci_low, 17.49145303, 1e-6);
	assert_float_equal(b.ci_high, 100.0, 1e-9);
	cp_enps_change(&ch, &b, &a);
	assert_float_equal(ch.diff, 90.0, 1e-9);
	assert_float_equal(ch.low, -7.96474554, 1e-6);
	assert_float_equal(ch.high, 117.58013016, 1e-6);
	assert_int_equal(ch.status, CP_CHANGE_UNDETECTABLE);
	cp_enps_suppress(&a);
	assert_true(a.suppressed);
	assert_int_equal(a.n, 0);
	assert_float_equal(a.score, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_t_quantile_table),
	    cmocka_unit_test(test_t_fractional_df),
	    cmocka_unit_test(test_incbeta_closed_forms),
	    cmocka_unit_test(test_counts_by_hand),
	    cmocka_unit_test(test_counts_reverse),
	    cmocka_unit_test(test_counts_identical),
	    cmocka_unit_test(test_small_and_empty),
	    cmocka_unit_test(test_sums_by_hand),
	    cmocka_unit_test(test_welch_by_hand),
	    cmocka_unit_test(test_welch_identical),
	    cmocka_unit_test(test_welch_significant),
	    cmocka_unit_test(test_change_text),
	    cmocka_unit_test(test_enps_by_hand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
