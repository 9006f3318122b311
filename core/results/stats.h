/*
 * stats.h - the formulas behind every number carepulse reports: means,
 * standard deviations and t intervals from additive sums or from answer
 * counts, Welch's interval for a change, and the Student t distribution
 * they need. docs/method.md states the same method in words.
 *
 * Everything here is pure arithmetic on plain structs: no store, no
 * thresholds. Anonymity rules live in results.h.
 */
#ifndef CP_STATS_H
#define CP_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "survey.h"

/* The confidence level of every interval carepulse prints. */
#define CP_CONFIDENCE 0.95

/* Why a value is not shown (results.h decides; docs/method.md). */
enum cp_reason {
	CP_REASON_NONE = 0,	    /* shown */
	CP_REASON_FEWER_THAN_K = 1, /* fewer than k answered */
	CP_REASON_PROTECTS = 2,	    /* shown, it would give away a group
				       that is hidden: the one in protects */
};

/* "fewer_than_k", "protects_group"; NULL for CP_REASON_NONE. */
const char *cp_reason_name(enum cp_reason r);

/*
 * A suppression decision: the reason, and for CP_REASON_PROTECTS the
 * group (an index into the same array of groups) whose answers it keeps
 * from being worked out by subtraction, and how many such groups there
 * are in all (protects is the first of them in group order).
 */
struct cp_suppression {
	enum cp_reason reason;
	size_t protects;  /* (size_t)-1 when none */
	size_t nprotects; /* 0 unless reason is CP_REASON_PROTECTS */
};

/*
 * One measure (a dimension or an item) in one group. When suppressed is
 * set every number is zero: a caller that forgets to check cannot print a
 * real value.
 */
struct cp_stat {
	bool suppressed; /* not enough responses (or anti-differencing) */
	struct cp_suppression why; /* the reason, when suppressed */
	int64_t n;		   /* respondents */
	double mean;		   /* on the 1-5 scale */
	double score;		   /* the mean on 0-100: (mean - 1) / 4 * 100 */
	double sd;   /* sample standard deviation (n - 1); 0 when n < 2 */
	bool has_ci; /* n >= 2: an interval exists */
	double ci_low, ci_high; /* 95% t interval for the mean */
	/* Answers per scale value after reverse scoring, and their %. */
	bool has_dist;
	int64_t dist[CP_SCALE_POINTS]; /* dist[0] counts 1s */
	int64_t answers;	       /* the sum of dist */
	double favourable;	       /* % of answers that are 4 or 5 */
	double neutral;		       /* % that are 3 */
	double unfavourable;	       /* % that are 1 or 2 */
	/* Answers "prefer not to say": in no n and no statistic above. For
	 * a dimension, the sum over its items (answers, not people). */
	int64_t declined;
};

/* The eNPS answer points: 0-10. */
#define CP_ENPS_POINTS 11

/*
 * An eNPS item in one group: promoters answer 9-10, passives 7-8,
 * detractors 0-6; the score is % promoters - % detractors (-100..100).
 * The interval is the adjusted Wald interval of Rocks (2016), on the
 * same -100..100 scale (docs/method.md). When suppressed every number
 * is zero.
 */
struct cp_enps {
	bool suppressed;
	struct cp_suppression why;
	int64_t n; /* answers 0-10 */
	int64_t dist[CP_ENPS_POINTS];
	int64_t promoters, passives, detractors;
	double pct_promoters, pct_passives, pct_detractors;
	double score;
	double mean; /* of the 0-10 answers */
	bool has_ci; /* n >= 1 */
	double ci_low, ci_high;
	int64_t declined; /* "prefer not to say": in no number above */
};

enum cp_change_status {
	CP_CHANGE_NONE = 0,	    /* no previous wave to compare with */
	CP_CHANGE_UNDETECTABLE = 1, /* "no detectable change" */
	CP_CHANGE_UP = 2,	    /* significantly higher */
	CP_CHANGE_DOWN = 3,	    /* significantly lower */
};

/* The difference of a measure from the previous wave of the same group. */
struct cp_change {
	enum cp_change_status status;
	int64_t previous_wave; /* 0 when none */
	bool has_diff;	       /* both sides visible and n >= k on each */
	double diff;	       /* this wave's mean minus the previous one */
	double low, high;      /* 95% Welch interval for diff */
	double df;	       /* Welch-Satterthwaite degrees of freedom */
};

/* A change in words, in the calling thread's language (cp_lang_use):
 * "up +0.32 [+0.05, +0.59]", "no detectable change", or NULL when there
 * is no earlier wave (buf holds the first). */
const char *cp_change_text(const struct cp_change *ch, char *buf, size_t n);

/* "none", "no detectable change", "up", "down". */
const char *cp_change_status_name(enum cp_change_status s);

/*
 * Fills mean, score, sd and the interval of st from n values given as their
 * sum and sum of squares (what agg_dim keeps). Leaves the distribution
 * alone. n == 0 gives all zeros.
 */
void cp_stat_from_sums(struct cp_stat *st, int64_t n, double sum, double sumsq);

/*
 * Fills st from raw answer counts c[0..4] (how many answered 1..5, as
 * given); reverse flips them first (a 5 counts as a 1). Every field but
 * suppressed is set.
 */
void cp_stat_from_counts(struct cp_stat *st, const int64_t c[CP_SCALE_POINTS],
			 bool reverse);

/*
 * Adds the (already reverse-scored) distribution d to st's and recomputes
 * the percentages: a dimension's % favourable is over all its answers.
 */
void cp_stat_add_dist(struct cp_stat *st, const int64_t d[CP_SCALE_POINTS]);

/* Zeroes every number of st and marks it suppressed, for fewer than k
 * answers until the caller says otherwise in st->why. */
void cp_stat_suppress(struct cp_stat *st);

/*
 * Welch's 95% interval for now.mean - before.mean, both with n >= 2.
 * Sets has_diff, diff, low, high, df and status (up/down only when the
 * interval excludes 0; otherwise undetectable). previous_wave is left
 * alone.
 */
void cp_welch(struct cp_change *ch, const struct cp_stat *now,
	      const struct cp_stat *before);

/* Fills e from the answer counts c[0..10]; declined is left alone. */
void cp_enps_from_counts(struct cp_enps *e, const int64_t c[CP_ENPS_POINTS]);

/* Zeroes every number of e and marks it suppressed (fewer than k). */
void cp_enps_suppress(struct cp_enps *e);

/*
 * The change of an eNPS score from before to now (both n >= 1), in points:
 * now.score - before.score, with the 95% interval of the difference of
 * the two adjusted Wald estimates (normal, their variances added); df is
 * 0 (no t distribution). up/down only when it excludes 0.
 */
void cp_enps_change(struct cp_change *ch, const struct cp_enps *now,
		    const struct cp_enps *before);

/* The regularized incomplete beta function I_x(a, b), a, b > 0. */
double cp_incbeta(double a, double b, double x);

/* P(T <= t) for Student's t with df > 0 degrees of freedom. */
double cp_t_cdf(double t, double df);

/* The p quantile (0 < p < 1) of Student's t with df > 0. */
double cp_t_quantile(double p, double df);

#endif
