/*
 * stats.c - the formulas of docs/method.md. See stats.h.
 */
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

/* Degrees of freedom beyond which t is the normal distribution to far more
 * digits than any report prints; it keeps the continued fraction short. */
#define DF_CAP 1e12

const char *cp_reason_name(enum cp_reason r)
{
	switch (r) {
	case CP_REASON_FEWER_THAN_K:
		return "fewer_than_k";
	case CP_REASON_PROTECTS:
		return "protects_group";
	default:
		return NULL;
	}
}

const char *cp_change_text(const struct cp_change *ch, char *buf, size_t n)
{
	switch (ch->status) {
	case CP_CHANGE_UP:
		/* TRANSLATORS: a significant rise since the last wave, its
		 * size and 95% interval: "up +0.32 [+0.05, +0.59]". */
		snprintf(buf, n, _("up %+.2f [%+.2f, %+.2f]"), ch->diff,
			 ch->low, ch->high);
		return buf;
	case CP_CHANGE_DOWN:
		snprintf(buf, n, _("down %+.2f [%+.2f, %+.2f]"), ch->diff,
			 ch->low, ch->high);
		return buf;
	case CP_CHANGE_UNDETECTABLE:
		return _("no detectable change");
	default:
		return NULL;
	}
}

const char *cp_change_status_name(enum cp_change_status s)
{
	switch (s) {
	case CP_CHANGE_UNDETECTABLE:
		return "no detectable change";
	case CP_CHANGE_UP:
		return "up";
	case CP_CHANGE_DOWN:
		return "down";
	default:
		return "none";
	}
}

/*
 * The continued fraction for I_x(a, b) (Abramowitz & Stegun 26.5.8),
 * evaluated by the modified Lentz method. It converges fast for
 * x < (a + 1) / (a + b + 2); the caller uses the symmetry
 * I_x(a, b) = 1 - I_(1-x)(b, a) for the rest.
 */
static double incbeta_cf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double f = 1, c = 1, d = 0;

	for (int i = 0; i <= 20000; i++) {
		int m = i / 2;
		double num;

		if (i == 0)
			num = 1;
		else if (i % 2 == 0)
			num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		else
			num = -((a + m) * (a + b + m) * x) /
			      ((a + 2 * m) * (a + 2 * m + 1));
		d = 1 + num * d;
		if (fabs(d) < tiny)
			d = tiny;
		d = 1 / d;
		c = 1 + num / c;
		if (fabs(c) < tiny)
			c = tiny;
		f *= c * d;
		if (fabs(1 - c * d) < eps)
			break;
	}
	return f - 1;
}

/*
 * log(Gamma(a + b) / Gamma(a)). For a large the two log-gammas are about
 * 1e10 and their difference would lose six digits: use the asymptotic
 * series b log a + b (b - 1) / 2a instead (the next term is O(1/a^2)).
 */
static double lgamma_ratio(double a, double b)
{
	if (a > 1e6)
		return b * log(a) + b * (b - 1) / (2 * a);
	return lgamma(a + b) - lgamma(a);
}

/* log(1 / B(a, b)) = log(Gamma(a + b) / (Gamma(a) Gamma(b))). */
static double log_inv_beta(double a, double b)
{
	return a >= b ? lgamma_ratio(a, b) - lgamma(b)
		      : lgamma_ratio(b, a) - lgamma(a);
}

/* I_x(a, b) with y = 1 - x given exactly: for large degrees of freedom
 * x is within 1e-9 of 1, and 1 - x would keep few correct digits. */
static double incbeta_xy(double a, double b, double x, double y)
{
	double front;

	if (x <= 0)
		return 0;
	if (y <= 0)
		return 1;
	if (x > (a + 1) / (a + b + 2))
		return 1 - incbeta_xy(b, a, y, x);
	front = exp(log_inv_beta(a, b) + a * log(x) + b * log(y)) / a;
	return front * incbeta_cf(a, b, x);
}

double cp_incbeta(double a, double b, double x)
{
	return incbeta_xy(a, b, x, 1 - x);
}

double cp_t_cdf(double t, double df)
{
	double tail;

	if (df > DF_CAP)
		df = DF_CAP;
	if (t == 0)
		return 0.5;
	/* P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2). */
	tail = 0.5 *
	       incbeta_xy(df / 2, 0.5, df / (df + t * t), t * t / (df + t * t));
	return t > 0 ? 1 - tail : tail;
}

/* The density of Student's t, for Newton steps on the cdf. */
static double t_pdf(double t, double df)
{
	return exp(log_inv_beta(df / 2, 0.5) - 0.5 * log(df) -
		   (df + 1) / 2 * log1p(t * t / df));
}

/* The standard normal quantile for 0.5 < p < 1 (Abramowitz & Stegun
 * 26.2.23, error under 4.5e-4): a starting point, not an answer. */
static double normal_quantile_guess(double p)
{
	double u = sqrt(-2 * log(1 - p));

	return u -
	       (2.515517 + 0.802853 * u + 0.010328 * u * u) /
		   (1 + 1.432788 * u + 0.189269 * u * u + 0.001308 * u * u * u);
}

/* Student's t quantile from the normal one, to O(1/df^4) (Cornish-Fisher;
 * Abramowitz & Stegun 26.7.5). */
static double t_quantile_guess(double p, double df)
{
	double z = normal_quantile_guess(p), z2 = z * z;
	double g1 = (z2 + 1) * z / 4;
	double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
	double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;

	return z + g1 / df + g2 / (df * df) + g3 / (df * df * df);
}

double cp_t_quantile(double p, double df)
{
	double lo = 0, hi = 1, t;

	if (p <= 0 || p >= 1 || !(df > 0))
		return NAN;
	if (p == 0.5)
		return 0;
	if (p < 0.5)
		return -cp_t_quantile(1 - p, df);
	if (df > DF_CAP)
		df = DF_CAP;
	if (df >= 3) {
		/* Start from the Cornish-Fisher expansion, good to about four
		 * digits here: one cdf for the bracket, then two or three
		 * Newton steps (results compute one quantile per group and
		 * measure). The cdf is concave for t > 0, so Newton steps from
		 * either side land left of the root and stay in [lo, hi]. */
		t = t_quantile_guess(p, df);
		if (cp_t_cdf(t, df) < p) {
			lo = t;
			hi = 1e300;
		} else {
			hi = t;
		}
	} else {
		/* Bracket the root, then Newton steps on the cdf, falling
		 * back to bisection whenever a step would leave the bracket:
		 * unable to diverge in the heavy tails of small df. */
		while (cp_t_cdf(hi, df) < p && hi < 1e300) {
			lo = hi;
			hi *= 2;
		}
		t = lo + (hi - lo) / 2;
	}
	for (int i = 0; i < 200; i++) {
		double f = cp_t_cdf(t, df) - p, next;
		if (f == 0)
			break;
		if (f < 0)
			lo = t;
		else
			hi = t;
		next = t - f / t_pdf(t, df);
		if (!(next > lo && next < hi))
			next = lo + (hi - lo) / 2;
		if (fabs(next - t) <= 1e-15 * t || hi - lo <= 1e-15 * hi) {
			t = next;
			break;
		}
		t = next;
	}
	return t;
}

/*
 * t(0.975, df) for the whole df of a mean's interval. Results ask for the
 * same few values thousands of times (one per group and measure), so they
 * are remembered; the memo is per thread and the function is pure, so it
 * changes no result.
 */
static double t95(int64_t df)
{
	static _Thread_local double memo[1024];

	if (df < 1 || df >= 1024)
		return cp_t_quantile(1 - (1 - CP_CONFIDENCE) / 2, (double)df);
	if (memo[df] == 0)
		memo[df] =
		    cp_t_quantile(1 - (1 - CP_CONFIDENCE) / 2, (double)df);
	return memo[df];
}

/* The half width of the 95% interval for a mean of n values with sd. */
static double half_width(int64_t n, double sd)
{
	return t95(n - 1) * sd / sqrt((double)n);
}

void cp_stat_from_sums(struct cp_stat *st, int64_t n, double sum, double sumsq)
{
	double var, half;

	st->n = n;
	st->mean = st->score = st->sd = st->ci_low = st->ci_high = 0;
	st->has_ci = false;
	if (n <= 0)
		return;
	st->mean = sum / (double)n;
	st->score =
	    (st->mean - CP_SCALE_MIN) / (CP_SCALE_MAX - CP_SCALE_MIN) * 100;
	if (n < 2) {
		st->ci_low = st->ci_high = st->mean;
		return;
	}
	var = (sumsq - sum * sum / (double)n) / (double)(n - 1);
	/* Identical answers leave only rounding noise: report SD 0, an
	 * interval of width 0, rather than 1e-9 or the root of a negative. */
	if (var < 1e-12 * (1 + sumsq / (double)n))
		var = 0;
	st->sd = sqrt(var);
	st->has_ci = true;
	half = half_width(n, st->sd);
	st->ci_low = st->mean - half;
	st->ci_high = st->mean + half;
}

static void percentages(struct cp_stat *st)
{
	int64_t total = 0;

	for (int v = 0; v < CP_SCALE_POINTS; v++)
		total += st->dist[v];
	st->answers = total;
	st->favourable = st->neutral = st->unfavourable = 0;
	if (total == 0)
		return;
	st->unfavourable = 100.0 * (double)(st->dist[0] + st->dist[1]) / total;
	st->neutral = 100.0 * (double)st->dist[2] / total;
	st->favourable = 100.0 * (double)(st->dist[3] + st->dist[4]) / total;
}

void cp_stat_from_counts(struct cp_stat *st, const int64_t c[CP_SCALE_POINTS],
			 bool reverse)
{
	double sum = 0, sumsq = 0;
	int64_t n = 0;

	memset(st, 0, sizeof(*st));
	for (int i = 0; i < CP_SCALE_POINTS; i++) {
		int j = reverse ? CP_SCALE_POINTS - 1 - i : i;
		double v = CP_SCALE_MIN + j;
		st->dist[j] = c[i];
		n += c[i];
		sum += v * (double)c[i];
		sumsq += v * v * (double)c[i];
	}
	st->has_dist = true;
	cp_stat_from_sums(st, n, sum, sumsq);
	percentages(st);
}

void cp_stat_add_dist(struct cp_stat *st, const int64_t d[CP_SCALE_POINTS])
{
	for (int v = 0; v < CP_SCALE_POINTS; v++)
		st->dist[v] += d[v];
	st->has_dist = true;
	percentages(st);
}

/* Hidden for fewer than k, until the caller says otherwise. */
static const struct cp_suppression too_few = {CP_REASON_FEWER_THAN_K,
					      (size_t)-1, 0};

void cp_stat_suppress(struct cp_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->suppressed = true;
	st->why = too_few;
}

/* up or down when the interval [low, high] excludes 0. */
static void change_status(struct cp_change *ch)
{
	if (ch->low > 0)
		ch->status = CP_CHANGE_UP;
	else if (ch->high < 0)
		ch->status = CP_CHANGE_DOWN;
	else
		ch->status = CP_CHANGE_UNDETECTABLE;
}

void cp_welch(struct cp_change *ch, const struct cp_stat *now,
	      const struct cp_stat *before)
{
	double v1 = now->sd * now->sd / (double)now->n;
	double v0 = before->sd * before->sd / (double)before->n;
	double se = sqrt(v1 + v0), t;

	ch->has_diff = true;
	ch->diff = now->mean - before->mean;
	if (se == 0) {
		/* Both groups answered all alike: the difference is exact. */
		ch->df = (double)(now->n + before->n - 2);
		ch->low = ch->high = ch->diff;
	} else {
		ch->df = (v1 + v0) * (v1 + v0) /
			 (v1 * v1 / (double)(now->n - 1) +
			  v0 * v0 / (double)(before->n - 1));
		t = cp_t_quantile(1 - (1 - CP_CONFIDENCE) / 2, ch->df);
		ch->low = ch->diff - t * se;
		ch->high = ch->diff + t * se;
	}
	change_status(ch);
}

/* ---- eNPS ---- */

/* The standard normal's 1 - (1 - CP_CONFIDENCE) / 2 quantile: Newton
 * steps on the normal cdf (erfc, to full precision) from the guess. */
static double z_level(void)
{
	double p = 1 - (1 - CP_CONFIDENCE) / 2;
	double z = normal_quantile_guess(p);

	for (int i = 0; i < 8; i++) {
		double f = 0.5 * erfc(-z / M_SQRT2) - p;
		z -= f / (exp(-z * z / 2) / sqrt(2 * M_PI));
	}
	return z;
}

/*
 * The adjusted Wald estimate of Rocks (2016): 3/4 of an answer added to
 * the promoters and to the detractors, 3 answers to n (so 3/2 to the
 * passives), and the variance of the difference of two multinomial
 * proportions, (p + d - (p - d)^2) / n, at those values. As fractions.
 */
static void adjusted_wald(const struct cp_enps *e, double *est, double *var)
{
	double n = (double)e->n + 3;
	double p = ((double)e->promoters + 0.75) / n;
	double d = ((double)e->detractors + 0.75) / n;

	*est = p - d;
	*var = (p + d - (p - d) * (p - d)) / n;
}

void cp_enps_from_counts(struct cp_enps *e, const int64_t c[CP_ENPS_POINTS])
{
	int64_t declined = e->declined;
	double sum = 0, est, var, z;

	memset(e, 0, sizeof(*e));
	e->declined = declined;
	e->why.protects = (size_t)-1;
	for (int v = 0; v < CP_ENPS_POINTS; v++) {
		e->dist[v] = c[v];
		e->n += c[v];
		sum += v * (double)c[v];
		if (v >= 9)
			e->promoters += c[v];
		else if (v >= 7)
			e->passives += c[v];
		else
			e->detractors += c[v];
	}
	if (e->n == 0)
		return;
	e->mean = sum / (double)e->n;
	e->pct_promoters = 100.0 * (double)e->promoters / (double)e->n;
	e->pct_passives = 100.0 * (double)e->passives / (double)e->n;
	e->pct_detractors = 100.0 * (double)e->detractors / (double)e->n;
	e->score = e->pct_promoters - e->pct_detractors;
	adjusted_wald(e, &est, &var);
	z = z_level();
	e->has_ci = true;
	e->ci_low = fmax(-100.0, 100.0 * (est - z * sqrt(var)));
	e->ci_high = fmin(100.0, 100.0 * (est + z * sqrt(var)));
}

void cp_enps_suppress(struct cp_enps *e)
{
	memset(e, 0, sizeof(*e));
	e->suppressed = true;
	e->why = too_few;
}

void cp_enps_change(struct cp_change *ch, const struct cp_enps *now,
		    const struct cp_enps *before)
{
	double e1, v1, e0, v0, z = z_level(), half;

	adjusted_wald(now, &e1, &v1);
	adjusted_wald(before, &e0, &v0);
	half = z * sqrt(v1 + v0);
	ch->has_diff = true;
	ch->df = 0;
	ch->diff = now->score - before->score;
	ch->low = fmax(-200.0, 100.0 * (e1 - e0 - half));
	ch->high = fmin(200.0, 100.0 * (e1 - e0 + half));
	change_status(ch);
}
