/*
 * test_results.c - thresholds and anti-differencing (the rule on its own
 * and through a real store), self vs team, open waves, empty waves and
 * reverse-scored items (core/results.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fixture.h"
#include "results.h"
#include "store.h"
#include "survey.h"

#define NO CP_NO_GROUP

static struct cp_suppression why[64];

/* Runs the rule from nothing hidden; out[g] says whether g is hidden and
 * why[] keeps the reasons. */
static void run_rule(size_t count, const int64_t *n, const size_t *parent,
		     int k, bool *out)
{
	for (size_t g = 0; g < count; g++)
		why[g] = (struct cp_suppression){CP_REASON_NONE, NO, 0};
	assert_int_equal(cp_results_suppress(count, n, parent, k, why, NULL),
			 0);
	for (size_t g = 0; g < count; g++)
		out[g] = why[g].reason != CP_REASON_NONE;
}

/* A single team at k - 1, k and k + 1. */
static void test_rule_threshold(void **state)
{
	const size_t parent[] = {NO, 0};
	bool out[2];

	(void)state;
	run_rule(2, (const int64_t[]){4, 4}, parent, 5, out);
	assert_true(out[0] && out[1]);
	assert_int_equal(why[0].reason, CP_REASON_FEWER_THAN_K);
	assert_int_equal(why[1].reason, CP_REASON_FEWER_THAN_K);
	run_rule(2, (const int64_t[]){5, 5}, parent, 5, out);
	assert_true(!out[0] && !out[1]);
	run_rule(2, (const int64_t[]){6, 6}, parent, 5, out);
	assert_true(!out[0] && !out[1]);
	run_rule(2, (const int64_t[]){0, 0}, parent, 3, out);
	assert_true(out[0] && out[1]);
}

/*
 * Org 14 = A 10 + B 4: B is hidden, and then org - A would show B. The
 * roll-up goes, not A: A's own results matter more than org's.
 */
static void test_rule_complement(void **state)
{
	const size_t parent[] = {NO, 0, 0};
	bool out[3];

	(void)state;
	run_rule(3, (const int64_t[]){14, 10, 4}, parent, 5, out);
	assert_true(out[0] && !out[1] && out[2]);
	assert_int_equal(why[2].reason, CP_REASON_FEWER_THAN_K);
	assert_int_equal(why[0].reason, CP_REASON_PROTECTS);
	assert_int_equal(why[0].protects, 2);
	assert_int_equal(why[0].nprotects, 1);
	/* B 4 and C 3 hide 7 >= k together: org and A both stay. */
	{
		const size_t p4[] = {NO, 0, 0, 0};
		bool o4[4];
		run_rule(4, (const int64_t[]){17, 10, 4, 3}, p4, 5, o4);
		assert_true(!o4[0] && !o4[1] && o4[2] && o4[3]);
	}
	/* B 2 and C 1: org protects both, and names the first. */
	{
		const size_t p4[] = {NO, 0, 0, 0};
		bool o4[4];
		run_rule(4, (const int64_t[]){13, 10, 2, 1}, p4, 5, o4);
		assert_true(o4[0] && !o4[1] && o4[2] && o4[3]);
		assert_int_equal(why[0].reason, CP_REASON_PROTECTS);
		assert_int_equal(why[0].protects, 2);
		assert_int_equal(why[0].nprotects, 2);
	}
}

/* A 12, B 6, C 2: the leaves that reached k all stay; org goes. */
static void test_rule_leaves_stay(void **state)
{
	const size_t parent[] = {NO, 0, 0, 0};
	bool out[4];

	(void)state;
	run_rule(4, (const int64_t[]){20, 12, 6, 2}, parent, 5, out);
	assert_true(out[0] && !out[1] && !out[2] && out[3]);
	assert_int_equal(why[0].protects, 3);
}

/*
 * The Nursing: org(0) = Nursing subtree(1) + Surgery(5);
 * Nursing subtree = Nursing's own 2 (2) + Ward 4 (3, 9) + Ward 7 (4, 6).
 * Today's rule hid Ward 7. Now the wards show, the Nursing roll-up goes
 * (protecting Nursing's own), and the organisation with it, since
 * org - Ward 4 - Ward 7 - Surgery is Nursing's own 2 again.
 */
static void test_rule_rollup_first(void **state)
{
	const size_t parent[] = {NO, 0, 1, 1, 1, 0};
	bool out[6];

	(void)state;
	run_rule(6, (const int64_t[]){27, 17, 2, 9, 6, 10}, parent, 5, out);
	assert_true(out[0] && out[1] && out[2] && !out[3] && !out[4] &&
		    !out[5]);
	assert_int_equal(why[2].reason, CP_REASON_FEWER_THAN_K);
	assert_int_equal(why[1].reason, CP_REASON_PROTECTS);
	assert_int_equal(why[1].protects, 2);
	assert_int_equal(why[0].reason, CP_REASON_PROTECTS);
	assert_int_equal(why[0].protects, 2);
	/* Another small team of 3 under org: 2 + 3 >= k, org shows. */
	{
		const size_t p[] = {NO, 0, 1, 1, 1, 0, 0};
		bool o[7];
		run_rule(7, (const int64_t[]){30, 17, 2, 9, 6, 10, 3}, p, 5, o);
		assert_true(!o[0] && o[1] && o[2] && !o[3] && !o[4] && !o[5] &&
			    o[6]);
		assert_int_equal(why[6].reason, CP_REASON_FEWER_THAN_K);
	}
}

/*
 * Deep: org(12) = U(9) + X(3), U = T(9) alone. X is hidden; org - U
 * would give it away, so org goes; U and T equal each other and stay.
 */
static void test_rule_nested(void **state)
{
	const size_t parent[] = {NO, 0, 1, 0};
	bool out[4];

	(void)state;
	run_rule(4, (const int64_t[]){12, 9, 9, 3}, parent, 5, out);
	assert_true(out[0] && !out[1] && !out[2] && out[3]);
	/* U = T1 6 + T2 6, org = U: nothing differs, all shown. */
	{
		const size_t p[] = {NO, 0, 1, 1};
		bool o[4];
		run_rule(4, (const int64_t[]){12, 12, 6, 6}, p, 5, o);
		assert_true(!o[0] && !o[1] && !o[2] && !o[3]);
	}
}

/* What is already hidden comes in with its reason and stays. */
static void test_rule_base(void **state)
{
	const size_t parent[] = {NO, 0, 0};
	const int64_t n[] = {20, 10, 10};

	(void)state;
	for (size_t g = 0; g < 3; g++)
		why[g] = (struct cp_suppression){CP_REASON_NONE, NO, 0};
	why[2] = (struct cp_suppression){CP_REASON_FEWER_THAN_K, NO, 0};
	assert_int_equal(cp_results_suppress(3, n, parent, 5, why, NULL), 0);
	assert_int_equal(why[2].reason, CP_REASON_FEWER_THAN_K);
	assert_int_equal(why[1].reason, CP_REASON_NONE);
	/* org - A = 10 >= k: org may stay. */
	assert_int_equal(why[0].reason, CP_REASON_NONE);
}

/* The people of g not in any visible group inside it. */
static int64_t remainder_of(size_t count, const int64_t *n,
			    const size_t *parent, const bool *out, size_t g)
{
	int64_t rest = n[g];

	for (size_t c = g + 1; c < count; c++) {
		size_t a = parent[c];
		bool top = !out[c];
		/* c counts when it is visible and nothing visible lies
		 * between it and g. */
		while (top && a != g && a != NO) {
			if (!out[a])
				top = false;
			a = parent[a];
		}
		if (top && a == g)
			rest -= n[c];
	}
	return rest;
}

/* Random trees: the two promises hold for every pair and every group,
 * every reason is right, and a group without children is hidden only
 * for fewer than k. */
static void test_rule_random(void **state)
{
	enum {
		G = 24
	};
	(void)state;
	srand(7);
	for (int round = 0; round < 2000; round++) {
		size_t parent[G];
		int64_t own[G], n[G];
		bool out[G], leaf[G];
		int k = 3 + rand() % 8;
		size_t count = 2 + (size_t)(rand() % (G - 1));
		parent[0] = NO;
		for (size_t g = 0; g < count; g++) {
			if (g)
				parent[g] = (size_t)(rand() % (int)g);
			own[g] = rand() % 3 ? rand() % 12 : 0;
			n[g] = 0;
			leaf[g] = true;
		}
		for (size_t g = 1; g < count; g++)
			leaf[parent[g]] = false;
		for (size_t g = count; g-- > 0;) {
			n[g] += own[g];
			if (g)
				n[parent[g]] += n[g];
		}
		run_rule(count, n, parent, k, out);
		for (size_t g = 0; g < count; g++) {
			int64_t rest;
			if (n[g] < k) {
				assert_true(out[g]);
				assert_int_equal(why[g].reason,
						 CP_REASON_FEWER_THAN_K);
			}
			if (leaf[g])
				assert_true(out[g] == (n[g] < k));
			if (why[g].reason == CP_REASON_PROTECTS) {
				size_t p = why[g].protects;
				assert_true(n[g] >= k);
				assert_false(leaf[g]);
				/* Only its own people (no group of them)
				 * may be what it protects. */
				assert_true(why[g].nprotects >= 1 ||
					    own[g] > 0);
				if (why[g].nprotects == 0) {
					assert_true(p == NO);
					continue;
				}
				assert_true(p != NO && out[p] && p > g);
				for (size_t a = parent[p]; a != g;
				     a = parent[a])
					assert_true(a != NO && out[a]);
			}
			if (out[g])
				continue;
			rest = remainder_of(count, n, parent, out, g);
			assert_true(rest == 0 || rest >= k);
			for (size_t a = parent[g]; a != NO; a = parent[a])
				if (!out[a])
					assert_false(n[a] - n[g] > 0 &&
						     n[a] - n[g] < k);
		}
	}
}

/* ---- through a store ---- */

struct fixture {
	struct cp_fixture fx; /* directory and store */
	struct cp_survey *survey, *self;
	int64_t team[3]; /* Org (parent), A, B */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	size_t added;
	int created;

	assert_non_null(f);
	assert_int_equal(cp_fixture_setup(&f->fx, "results", CP_FIXTURE_STORE),
			 0);
	assert_int_equal(cp_survey_install_builtins(f->fx.s, &added, NULL), 0);
	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "Org", &f->team[0], &created, NULL),
	    0);
	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "A", &f->team[1], &created, NULL), 0);
	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "B", &f->team[2], &created, NULL), 0);
	assert_int_equal(
	    cp_store_team_set_parent(f->fx.s, f->team[1], f->team[0], NULL), 0);
	assert_int_equal(
	    cp_store_team_set_parent(f->fx.s, f->team[2], f->team[0], NULL), 0);
	assert_int_equal(cp_survey_fetch(&f->survey, f->fx.s,
					 "compassionate-leadership", 0, NULL),
			 0);
	assert_int_equal(
	    cp_survey_fetch(&f->self, f->fx.s, "leader-self", 0, NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc;

	cp_survey_free(f->survey);
	cp_survey_free(f->self);
	rc = cp_fixture_teardown(&f->fx);
	free(f);
	return rc;
}

static int64_t survey_ref(struct fixture *f, const char *id)
{
	int64_t ref;
	char *text;

	assert_int_equal(
	    cp_store_survey_text(f->fx.s, id, 0, &text, &ref, NULL), 0);
	free(text);
	return ref;
}

static int64_t new_wave(struct fixture *f, int threshold)
{
	struct cp_wave w = {0};

	w.survey_ref = survey_ref(f, "compassionate-leadership");
	w.self_survey_ref = survey_ref(f, "leader-self");
	w.status = CP_WAVE_OPEN;
	w.threshold = threshold;
	w.opens_at = 1000;
	memcpy(w.channel, "outbox", sizeof("outbox"));
	assert_int_equal(cp_store_wave_insert(f->fx.s, &w, f->team, 3, NULL),
			 0);
	return w.id;
}

/* n responses of team, every item answered value (self: leader-self),
 * inside the open transaction. */
static void respond_in_tx(struct fixture *f, int64_t wave, int64_t team, int n,
			  int value, int self)
{
	const struct cp_survey *sv = self ? f->self : f->survey;
	struct cp_answer *a = calloc(sv->nitems, sizeof(*a));
	struct cp_response r = {0};

	for (size_t i = 0; i < sv->nitems; i++) {
		a[i].item_id = sv->items[i].id;
		a[i].value = value;
	}
	r.wave_id = wave;
	r.team_id = team;
	r.self = self;
	r.answers = a;
	r.nanswers = sv->nitems;
	for (int i = 0; i < n; i++)
		assert_int_equal(cp_store_response_add(f->fx.s, &r, sv, NULL),
				 0);
	free(a);
}

static void respond(struct fixture *f, int64_t wave, int64_t team, int n,
		    int value, int self)
{
	assert_int_equal(cp_store_begin(f->fx.s, NULL), 0);
	respond_in_tx(f, wave, team, n, value, self);
	assert_int_equal(cp_store_commit(f->fx.s, NULL), 0);
}

static struct cp_results *load(struct fixture *f, int64_t wave)
{
	struct cp_results_opts opts = {.changes = true, .comments = true};
	struct cp_results *r;
	struct cp_error err = {0};

	if (cp_results_load(&r, f->fx.s, wave, &opts, &err))
		fail_msg("%s", err.message);
	return r;
}

static void test_empty_wave(void **state)
{
	struct fixture *f = *state;
	int64_t w = new_wave(f, 5);
	struct cp_results *r;

	assert_int_equal(
	    cp_store_wave_set_status(f->fx.s, w, CP_WAVE_CLOSED, NULL), 0);
	r = load(f, w);
	assert_true(r->scores);
	assert_true(r->ngroups >= 1);
	for (size_t g = 0; g < r->ngroups; g++) {
		assert_true(r->groups[g].suppressed);
		for (size_t d = 0; d < r->survey->ndims; d++) {
			assert_true(r->groups[g].dims[d].suppressed);
			assert_true(r->groups[g].dims[d].mean == 0);
		}
	}
	cp_results_free(r);
}

/*
 * A 4 (= k - 1), B 5 (= k): A is hidden, and the organisation (9) and
 * Org with its sub-teams go with it, since either minus B would be A;
 * B, a team's own results, stays. Everyone answered 4 on every item:
 * SD 0, interval of width 0; the reverse items score 2.
 */
static void test_k_minus_one_and_k(void **state)
{
	struct fixture *f = *state;
	int64_t w = new_wave(f, 5);
	const struct cp_group *org, *a, *b;
	struct cp_results *r;
	size_t conf = 0, rev = 0;

	respond(f, w, f->team[1], 4, 4, 0);
	respond(f, w, f->team[2], 5, 4, 0);
	r = load(f, w);
	assert_false(r->scores); /* open: counts only */
	a = cp_results_group(r, CP_SCOPE_TEAM, f->team[1]);
	b = cp_results_group(r, CP_SCOPE_TEAM, f->team[2]);
	assert_non_null(a);
	/* Even while open, a count under k is not shown (issue 16): nor is
	 * the organisation's, from which B's 5 would give A's 4. */
	assert_true(a->suppressed);
	assert_int_equal(a->why.reason, CP_REASON_FEWER_THAN_K);
	assert_int_equal(a->answered, 0);
	assert_false(a->has_rate);
	assert_false(b->suppressed);
	assert_int_equal(b->answered, 5);
	assert_true(cp_results_group(r, CP_SCOPE_ORGANISATION, 0)->suppressed);
	assert_null(a->dims);
	cp_results_free(r);

	assert_int_equal(
	    cp_store_wave_set_status(f->fx.s, w, CP_WAVE_CLOSED, NULL), 0);
	r = load(f, w);
	org = cp_results_group(r, CP_SCOPE_ORGANISATION, 0);
	a = cp_results_group(r, CP_SCOPE_TEAM, f->team[1]);
	b = cp_results_group(r, CP_SCOPE_TEAM, f->team[2]);
	assert_true(org->suppressed); /* 9 - 5 = 4 < k */
	assert_int_equal(org->why.reason, CP_REASON_PROTECTS);
	assert_ptr_equal(&r->groups[org->why.protects], a);
	assert_int_equal(org->answered, 0);
	assert_true(
	    cp_results_group(r, CP_SCOPE_SUBTREE, f->team[0])->suppressed);
	assert_true(a->suppressed);
	assert_int_equal(a->why.reason, CP_REASON_FEWER_THAN_K);
	assert_int_equal(a->dims[0].why.reason, CP_REASON_FEWER_THAN_K);
	assert_int_equal(org->dims[0].why.reason, CP_REASON_PROTECTS);
	assert_false(b->suppressed);
	assert_int_equal(b->answered, 5);
	org = b; /* the numbers below are B's five */
	for (size_t d = 0; d < r->survey->ndims; d++)
		if (strcmp(r->survey->dims[d].id, "confidence") == 0)
			conf = d;
	for (size_t i = 0; i < r->survey->nitems; i++)
		if (strcmp(r->survey->items[i].id, "confidence.3") == 0)
			rev = i;
	assert_true(r->survey->items[rev].reverse);
	/* confidence: 4, 4 and a reverse 4 (= 2): each person (4+4+2)/3. */
	assert_true(fabs(org->dims[conf].mean - 10.0 / 3) < 1e-12);
	assert_true(org->dims[conf].sd == 0);
	assert_true(org->dims[conf].ci_low == org->dims[conf].ci_high);
	assert_int_equal(org->dims[conf].n, 5);
	assert_true(fabs(org->dims[conf].favourable - 200.0 / 3) < 1e-9);
	assert_true(fabs(org->items[rev].mean - 2) < 1e-12);
	assert_true(org->items[rev].favourable == 0);
	assert_true(fabs(org->items[rev].unfavourable - 100) < 1e-12);
	assert_false(org->comments_shown); /* 5 < comment threshold 10 */
	cp_results_free(r);
}

/* k + 1 in both teams: all shown; the leader's self answers stay apart. */
static void test_k_plus_one_and_self(void **state)
{
	struct fixture *f = *state;
	int64_t w = new_wave(f, 5);
	const struct cp_group *org, *a, *sub;
	struct cp_results *r;

	respond(f, w, f->team[1], 6, 2, 0);
	respond(f, w, f->team[2], 6, 4, 0);
	respond(f, w, f->team[0], 1, 5, 1);
	assert_int_equal(
	    cp_store_wave_set_status(f->fx.s, w, CP_WAVE_CLOSED, NULL), 0);
	r = load(f, w);
	org = cp_results_group(r, CP_SCOPE_ORGANISATION, 0);
	a = cp_results_group(r, CP_SCOPE_TEAM, f->team[1]);
	sub = cp_results_group(r, CP_SCOPE_SUBTREE, f->team[0]);
	assert_false(a->suppressed);
	assert_non_null(sub);
	assert_false(sub->suppressed);
	assert_int_equal(org->answered, 12); /* the self answer is not in */
	/* compassion has no reverse items: 2s and 4s, mean 3. */
	assert_true(fabs(org->dims[0].mean - 3) < 1e-12);
	assert_int_equal(org->dims[0].n, 12);
	assert_true(sub->has_self);
	assert_true(fabs(sub->self[0].mean - 5) < 1e-12);
	assert_true(fabs(sub->self_gap[0] - 2) < 1e-12);
	assert_false(org->has_self);
	cp_results_free(r);
}

/*
 * Results for one team (what `report team` loads): only its groups get
 * statistics, every other group keeps dims NULL. compute_scores used to
 * form &groups[g].dims[d] before skipping such a group, pointer
 * arithmetic on NULL that clang's UBSan aborts on.
 */
static void test_only_team(void **state)
{
	struct fixture *f = *state;
	int64_t w = new_wave(f, 5);
	struct cp_results_opts opts = {.only_team = 0};
	const struct cp_group *a, *b;
	struct cp_results *r;
	struct cp_error err = {0};

	respond(f, w, f->team[1], 6, 4, 0);
	respond(f, w, f->team[2], 6, 3, 0);
	assert_int_equal(
	    cp_store_wave_set_status(f->fx.s, w, CP_WAVE_CLOSED, NULL), 0);
	opts.only_team = f->team[2];
	if (cp_results_load(&r, f->fx.s, w, &opts, &err))
		fail_msg("%s", err.message);
	a = cp_results_group(r, CP_SCOPE_TEAM, f->team[1]);
	b = cp_results_group(r, CP_SCOPE_TEAM, f->team[2]);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(a->dims);
	assert_non_null(b->dims);
	assert_false(b->suppressed);
	assert_int_equal(b->dims[0].n, 6);
	cp_results_free(r);
}

/* A second wave: a change of +2 on SD-0 answers is significant; no
 * change is "no detectable change"; with B below k, A could be worked out
 * from the organisation, which goes, while A stays with its change. */
static void test_changes(void **state)
{
	struct fixture *f = *state;
	int64_t w1 = new_wave(f, 3), w2;
	const struct cp_group *a, *b;
	struct cp_results *r;

	respond(f, w1, f->team[1], 6, 2, 0);
	respond(f, w1, f->team[2], 6, 3, 0);
	assert_int_equal(
	    cp_store_wave_set_status(f->fx.s, w1, CP_WAVE_CLOSED, NULL), 0);
	w2 = new_wave(f, 3);
	respond(f, w2, f->team[1], 6, 4, 0);
	respond(f, w2, f->team[2], 3, 3, 0);
	assert_int_equal(
	    cp_store_wave_set_status(f->fx.s, w2, CP_WAVE_CLOSED, NULL), 0);
	r = load(f, w2);
	a = cp_results_group(r, CP_SCOPE_TEAM, f->team[1]);
	b = cp_results_group(r, CP_SCOPE_TEAM, f->team[2]);
	assert_int_equal(a->dim_change[0].previous_wave, w1);
	assert_int_equal(a->dim_change[0].status, CP_CHANGE_UP);
	assert_true(fabs(a->dim_change[0].diff - 2) < 1e-12);
	assert_false(b->suppressed);
	assert_int_equal(b->dim_change[0].status, CP_CHANGE_UNDETECTABLE);
	assert_true(b->dim_change[0].has_diff);
	cp_results_free(r);

	w2 = new_wave(f, 3);
	respond(f, w2, f->team[1], 6, 5, 0);
	respond(f, w2, f->team[2], 2, 3, 0);
	assert_int_equal(
	    cp_store_wave_set_status(f->fx.s, w2, CP_WAVE_CLOSED, NULL), 0);
	r = load(f, w2);
	a = cp_results_group(r, CP_SCOPE_TEAM, f->team[1]);
	b = cp_results_group(r, CP_SCOPE_TEAM, f->team[2]);
	assert_true(b->suppressed);
	assert_false(a->suppressed); /* 8 - 6 = 2 < k: org goes instead */
	assert_true(cp_results_group(r, CP_SCOPE_ORGANISATION, 0)->suppressed);
	assert_int_equal(b->dim_change[0].status, CP_CHANGE_UNDETECTABLE);
	assert_false(b->dim_change[0].has_diff);
	assert_true(b->dim_change[0].diff == 0);
	assert_int_equal(a->dim_change[0].status, CP_CHANGE_UP);
	cp_results_free(r);
}

static void stat_same(const struct cp_stat *x, const struct cp_stat *y)
{
	assert_int_equal(x->suppressed, y->suppressed);
	assert_int_equal(x->why.reason, y->why.reason);
	assert_int_equal(x->why.protects, y->why.protects);
	assert_int_equal(x->why.nprotects, y->why.nprotects);
	assert_int_equal(x->n, y->n);
	assert_true(x->mean == y->mean && x->score == y->score &&
		    x->sd == y->sd);
	assert_int_equal(x->has_ci, y->has_ci);
	assert_true(x->ci_low == y->ci_low && x->ci_high == y->ci_high);
	assert_int_equal(x->has_dist, y->has_dist);
	for (int v = 0; v < CP_SCALE_POINTS; v++)
		assert_int_equal(x->dist[v], y->dist[v]);
	assert_int_equal(x->answers, y->answers);
	assert_true(x->favourable == y->favourable &&
		    x->neutral == y->neutral &&
		    x->unfavourable == y->unfavourable);
	assert_int_equal(x->declined, y->declined);
}

static void change_same(const struct cp_change *x, const struct cp_change *y)
{
	assert_int_equal(x->status, y->status);
	assert_int_equal(x->previous_wave, y->previous_wave);
	assert_int_equal(x->has_diff, y->has_diff);
	assert_true(x->diff == y->diff && x->low == y->low &&
		    x->high == y->high && x->df == y->df);
}

/* Every group, dimension, item and self-assessment of two loads of the
 * same wave: the same numbers, flags, reasons and changes. */
static void results_same(const struct cp_results *x, const struct cp_results *y)
{
	size_t nd = x->survey->ndims, ni = x->survey->nitems;

	assert_int_equal(x->ngroups, y->ngroups);
	assert_int_equal(x->threshold, y->threshold);
	for (size_t g = 0; g < x->ngroups; g++) {
		const struct cp_group *a = &x->groups[g], *b = &y->groups[g];
		assert_int_equal(a->scope, b->scope);
		assert_int_equal(a->team_id, b->team_id);
		assert_int_equal(a->suppressed, b->suppressed);
		assert_int_equal(a->why.reason, b->why.reason);
		assert_int_equal(a->why.protects, b->why.protects);
		assert_int_equal(a->why.nprotects, b->why.nprotects);
		assert_int_equal(a->answered, b->answered);
		assert_int_equal(a->has_rate, b->has_rate);
		assert_int_equal(a->delivered, b->delivered);
		assert_true(a->response_rate == b->response_rate);
		assert_int_equal(a->has_self, b->has_self);
		assert_int_equal(a->comments_shown, b->comments_shown);
		assert_int_equal(a->ncomments, b->ncomments);
		assert_int_equal(a->dims == NULL, b->dims == NULL);
		assert_int_equal(a->items == NULL, b->items == NULL);
		for (size_t d = 0; a->dims && d < nd; d++) {
			stat_same(&a->dims[d], &b->dims[d]);
			change_same(&a->dim_change[d], &b->dim_change[d]);
			stat_same(&a->self[d], &b->self[d]);
			assert_true(a->self_gap[d] == b->self_gap[d]);
		}
		for (size_t i = 0; a->items && i < ni; i++) {
			stat_same(&a->items[i], &b->items[i]);
			change_same(&a->item_change[i], &b->item_change[i]);
		}
		assert_int_equal(a->enps == NULL, b->enps == NULL);
		for (size_t i = 0; a->enps && i < ni; i++) {
			const struct cp_enps *p = &a->enps[i], *q = &b->enps[i];
			assert_int_equal(p->suppressed, q->suppressed);
			assert_int_equal(p->why.reason, q->why.reason);
			assert_int_equal(p->n, q->n);
			assert_int_equal(p->declined, q->declined);
			assert_int_equal(p->promoters, q->promoters);
			assert_true(
			    p->score == q->score && p->mean == q->mean &&
			    p->ci_low == q->ci_low && p->ci_high == q->ci_high);
		}
	}
}

static struct cp_results *load_with(struct fixture *f, int64_t wave,
				    struct cp_results_opts opts)
{
	struct cp_results *r;
	struct cp_error err = {0};

	if (cp_results_load(&r, f->fx.s, wave, &opts, &err))
		fail_msg("%s", err.message);
	return r;
}

/* Two closed waves with every kind of cell: shown with spread, a team
 * under k (fewer_than_k), the organisation hiding it (protects_group), a
 * leader's self-assessment; the second wave's changes come from the
 * first's stored statistics. */
static int64_t stored_waves(struct fixture *f, int64_t *first)
{
	int64_t w1 = new_wave(f, 3), w2;
	struct cp_error err = {0};

	respond(f, w1, f->team[1], 2, 2, 0);
	respond(f, w1, f->team[1], 3, 4, 0);
	respond(f, w1, f->team[2], 4, 5, 0);
	respond(f, w1, f->team[2], 1, 1, 0);
	assert_int_equal(
	    cp_store_wave_set_status(f->fx.s, w1, CP_WAVE_CLOSED, NULL), 0);
	if (cp_results_freeze(f->fx.s, w1, &err))
		fail_msg("%s", err.message);
	w2 = new_wave(f, 3);
	respond(f, w2, f->team[1], 2, 3, 0);
	respond(f, w2, f->team[1], 4, 5, 0);
	respond(f, w2, f->team[1], 1, 4, 1);
	respond(f, w2, f->team[2], 2, 2, 0);
	assert_int_equal(
	    cp_store_wave_set_status(f->fx.s, w2, CP_WAVE_CLOSED, NULL), 0);
	if (cp_results_freeze(f->fx.s, w2, &err))
		fail_msg("%s", err.message);
	*first = w1;
	return w2;
}

/*
 * Stored results (computed once, when the wave froze) are what the
 * aggregates give, for every group and measure, hidden cells and their
 * reasons included, for a whole load, a one-team load and a dims-only
 * load; a re-org after the close changes nothing.
 */
static void test_stored_equals_recomputed(void **state)
{
	struct fixture *f = *state;
	struct cp_results_opts all = {.changes = true, .comments = true};
	struct cp_results *stored, *again;
	const struct cp_group *b, *org;
	int64_t w1, w2 = stored_waves(f, &w1), other;
	bool yes = false;
	int created;

	assert_int_equal(cp_store_wave_results_stored(f->fx.s, w2, &yes, NULL),
			 0);
	assert_true(yes);
	stored = load_with(f, w2, all);
	all.recompute = true;
	again = load_with(f, w2, all);
	results_same(stored, again);
	b = cp_results_group(stored, CP_SCOPE_TEAM, f->team[2]);
	org = cp_results_group(stored, CP_SCOPE_ORGANISATION, 0);
	assert_true(b->suppressed);
	assert_int_equal(b->why.reason, CP_REASON_FEWER_THAN_K);
	assert_true(org->suppressed);
	assert_int_equal(org->why.reason, CP_REASON_PROTECTS);
	assert_true(
	    cp_results_group(stored, CP_SCOPE_TEAM, f->team[1])->has_self);
	cp_results_free(again);

	/* One team, dimensions only: as computed. */
	for (int pass = 0; pass < 2; pass++) {
		struct cp_results_opts one = {.changes = true,
					      .only_team = f->team[1],
					      .changes_team = f->team[1],
					      .dims_only = pass == 1};
		struct cp_results *x = load_with(f, w2, one), *y;
		one.recompute = true;
		y = load_with(f, w2, one);
		results_same(x, y);
		cp_results_free(x);
		cp_results_free(y);
	}

	/* A re-org after the close: B moves out, a new team appears. */
	assert_int_equal(cp_store_team_set_parent(f->fx.s, f->team[2], 0, NULL),
			 0);
	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "C", &other, &created, NULL), 0);
	assert_int_equal(
	    cp_store_team_set_parent(f->fx.s, f->team[1], other, NULL), 0);
	all.recompute = false;
	again = load_with(f, w2, all);
	results_same(stored, again);
	cp_results_free(again);
	cp_results_free(stored);
}

/*
 * A database of the release before stored results (schema 11: frozen
 * waves, no wave_result): migration 12 adds the table; the first load
 * from a writable store computes and stores each frozen wave's results,
 * the same as computing them; a read-only store computes them each time
 * and stores nothing.
 */
/* The schema that added stored results (migration 14 -> 15). */
#define STORED_RESULTS_SCHEMA 15

static void test_stored_migration(void **state)
{
	struct fixture *f = *state;
	struct cp_results_opts all = {.changes = true, .comments = true};
	struct cp_results *before, *after;
	struct cp_error err = {0};
	int64_t w1, w2 = stored_waves(f, &w1);
	sqlite3 *raw;
	bool yes = true;
	char sql[160];

	before = load_with(f, w2, all);
	cp_store_close(f->fx.s);
	f->fx.s = NULL;
	assert_int_equal(sqlite3_open(f->fx.path, &raw), SQLITE_OK);
	/* Undo stored results (migration STORED_RESULTS_SCHEMA); the
	 * migrations after it run again on what they made, which they take
	 * (clustered responses: copied as they are). */
	snprintf(sql, sizeof(sql),
		 "DROP TABLE wave_result; DROP INDEX invitation_kind_team;"
		 " PRAGMA user_version = %d;",
		 STORED_RESULTS_SCHEMA - 1);
	assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);

	/* Read-only: the old schema is refused or read as it is; either
	 * way nothing is written. Open writable to migrate. */
	if (cp_store_open(&f->fx.s, f->fx.path, 0, &err))
		fail_msg("%s", err.message);
	assert_int_equal(cp_store_schema_version(f->fx.s), CP_SCHEMA_VERSION);
	assert_int_equal(cp_store_wave_results_stored(f->fx.s, w2, &yes, NULL),
			 0);
	assert_false(yes);
	cp_store_close(f->fx.s);
	if (cp_store_open(&f->fx.s, f->fx.path, CP_STORE_READONLY, &err))
		fail_msg("%s", err.message);
	after = load_with(f, w2, all);
	results_same(before, after);
	cp_results_free(after);
	assert_int_equal(cp_store_wave_results_stored(f->fx.s, w2, &yes, NULL),
			 0);
	assert_false(yes);
	cp_store_close(f->fx.s);
	if (cp_store_open(&f->fx.s, f->fx.path, 0, &err))
		fail_msg("%s", err.message);
	after = load_with(f, w2, all);
	results_same(before, after);
	cp_results_free(after);
	assert_int_equal(cp_store_wave_results_stored(f->fx.s, w2, &yes, NULL),
			 0);
	assert_true(yes);
	assert_int_equal(cp_store_wave_results_stored(f->fx.s, w1, &yes, NULL),
			 0);
	assert_true(yes);
	after = load_with(f, w2, all);
	results_same(before, after);
	cp_results_free(after);
	cp_results_free(before);
}

/* Adds r with answers a in a savepoint of the open transaction, then
 * rolls back to it (undo) or releases it, as serve's writer does. */
static void add_in_savepoint(struct fixture *f, struct cp_response *r,
			     struct cp_answer *a, const struct cp_survey *sv,
			     bool undo)
{
	r->answers = a;
	r->nanswers = sv->nitems;
	assert_int_equal(cp_store_savepoint(f->fx.s, "one", NULL), 0);
	assert_int_equal(cp_store_response_add(f->fx.s, r, sv, NULL), 0);
	if (undo)
		cp_store_rollback_to(f->fx.s, "one");
	else
		assert_int_equal(cp_store_release(f->fx.s, "one", NULL), 0);
}

/* Appends each row sqlite3_exec gives to the buffer arg. */
static int append_row(void *arg, int n, char **cols, char **names)
{
	char *out = arg;

	(void)names;
	for (int i = 0; i < n; i++) {
		strncat(out, cols[i] ? cols[i] : "-", 16383 - strlen(out));
		strncat(out, i + 1 < n ? "," : "\n", 16383 - strlen(out));
	}
	return 0;
}

/* Every totals row of a wave, as text (wave id left out), up to 16 KiB. */
static void totals_of(struct fixture *f, int64_t wave, char out[16384])
{
	sqlite3 *raw;
	char sql[512];

	out[0] = '\0';
	assert_int_equal(sqlite3_open(f->fx.path, &raw), SQLITE_OK);
	snprintf(sql, sizeof(sql),
		 "SELECT team_id, self, item_id, c0, c1, c2, c3, c4, c5, c6,"
		 " c7, c8, c9, c10, declined FROM agg_item WHERE wave_id = %lld"
		 " ORDER BY 1, 2, 3; SELECT team_id, self, dimension, n,"
		 " printf('%%.17g %%.17g', sum, sumsq) FROM agg_dim"
		 " WHERE wave_id = %lld ORDER BY 1, 2, 3; SELECT team_id, self,"
		 " responses FROM agg_group WHERE wave_id = %lld ORDER BY 1, 2",
		 (long long)wave, (long long)wave, (long long)wave);
	assert_int_equal(sqlite3_exec(raw, sql, append_row, out, NULL),
			 SQLITE_OK);
	sqlite3_close(raw);
	/* Not cut short. */
	assert_true(strlen(out) < 16000);
}

/*
 * Totals kept for the COMMIT (cp_store_defer_totals, the form server's
 * writer) are the rows the per-response updates make: answers of several
 * values and declined ones, two teams, self and team, a response taken
 * back by ROLLBACK TO and a transaction rolled back.
 */
static void test_deferred_totals(void **state)
{
	struct fixture *f = *state;
	int64_t waves[2] = {new_wave(f, 3), new_wave(f, 3)};
	static char now[16384], later[16384];

	for (int w = 0; w < 2; w++) {
		cp_store_defer_totals(f->fx.s, w == 1);
		assert_int_equal(cp_store_begin(f->fx.s, NULL), 0);
		for (int k = 0; k < 12; k++) {
			int self = k % 5 == 4;
			const struct cp_survey *sv = self ? f->self : f->survey;
			struct cp_answer a[64];
			struct cp_response r = {0};
			assert_true(sv->nitems <= 64);
			for (size_t i = 0; i < sv->nitems; i++) {
				a[i].item_id = sv->items[i].id;
				a[i].value = (int)((k + i) % 7) == 6
						 ? CP_ANSWER_DECLINED
						 : 1 + (int)((k * 3 + i) % 5);
				if (!cp_answer_valid(&sv->items[i], a[i].value))
					a[i].value = 3;
			}
			r.wave_id = waves[w];
			r.team_id = f->team[1 + k % 2];
			r.self = self;
			add_in_savepoint(f, &r, a, sv, k % 4 == 1);
			if (k == 6) {
				assert_int_equal(cp_store_commit(f->fx.s, NULL),
						 0);
				assert_int_equal(cp_store_begin(f->fx.s, NULL),
						 0);
			}
		}
		assert_int_equal(cp_store_commit(f->fx.s, NULL), 0);
		/* Rolled back: none of it counts. */
		assert_int_equal(cp_store_begin(f->fx.s, NULL), 0);
		respond_in_tx(f, waves[w], f->team[1], 2, 5, 0);
		cp_store_rollback(f->fx.s);
	}
	cp_store_defer_totals(f->fx.s, 0);
	totals_of(f, waves[0], now);
	totals_of(f, waves[1], later);
	assert_true(strlen(now) > 100);
	assert_string_equal(now, later);
}

static int64_t sql_int(struct fixture *f, const char *sql)
{
	sqlite3 *raw;
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(sqlite3_open(f->fx.path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(raw);
	return v;
}

/* Response k's answers to sv (several values, some declined), into a. */
static void varied_answers(const struct cp_survey *sv, int k,
			   struct cp_answer *a)
{
	for (size_t i = 0; i < sv->nitems; i++) {
		a[i].item_id = sv->items[i].id;
		a[i].value = (int)((k + i) % 7) == 6
				 ? CP_ANSWER_DECLINED
				 : 1 + (int)((k * 3 + i * 7 + k / 5) % 5);
		if (!cp_answer_valid(&sv->items[i], a[i].value))
			a[i].value = 3;
	}
}

/*
 * Many keys in one COMMIT of kept totals (the hash of keys the COMMIT
 * sums them in, and its growth while the notes grow): 600 responses in
 * one transaction, spread over two waves, three teams and self or not
 * (12 groups, 540 keys), some of whose rows an earlier commit made and
 * some not, some taken back by ROLLBACK TO. Each wave's rows are those
 * the per-response updates make for the same responses (to the last bit
 * where the rows are new). The COMMIT's sums were checked byte for byte
 * against those of the sorted notes it replaced (branch srv20t).
 */
static void test_deferred_totals_many(void **state)
{
	struct fixture *f = *state;
	int64_t waves[2][2] = {{new_wave(f, 3), new_wave(f, 3)},
			       {new_wave(f, 3), new_wave(f, 3)}};
	static char now[16384], later[16384];
	char sql[1024];
	int64_t rows;

	for (int d = 0; d < 2; d++) {
		cp_store_defer_totals(f->fx.s, d == 1);
		/* Rows made before: team A's of the first wave. */
		assert_int_equal(cp_store_begin(f->fx.s, NULL), 0);
		respond_in_tx(f, waves[d][0], f->team[1], 2, 4, 0);
		respond_in_tx(f, waves[d][0], f->team[1], 1, 2, 1);
		assert_int_equal(cp_store_commit(f->fx.s, NULL), 0);
		assert_int_equal(cp_store_begin(f->fx.s, NULL), 0);
		for (int k = 0; k < 600; k++) {
			int self = k % 7 == 3;
			const struct cp_survey *sv = self ? f->self : f->survey;
			struct cp_answer a[64];
			struct cp_response r = {0};
			assert_true(sv->nitems <= 64);
			varied_answers(sv, k, a);
			r.wave_id = waves[d][k % 2];
			r.team_id = f->team[(k / 2) % 3];
			r.self = self;
			add_in_savepoint(f, &r, a, sv, k % 9 == 4);
		}
		assert_int_equal(cp_store_commit(f->fx.s, NULL), 0);
	}
	cp_store_defer_totals(f->fx.s, 0);
	/* No row of the second wave was there before: the same bytes. */
	totals_of(f, waves[0][1], now);
	totals_of(f, waves[1][1], later);
	assert_true(strlen(now) > 1000);
	assert_string_equal(now, later);
	/* The first wave's: the same rows and counts; a sum added to a row
	 * there before is its notes' sum added once, not each in turn, so
	 * it may differ in the last bits. */
	snprintf(sql, sizeof(sql),
		 "SELECT (SELECT count(*) FROM agg_item WHERE wave_id = %lld)"
		 " * 1000000 + (SELECT count(*) FROM agg_dim WHERE wave_id ="
		 " %lld) * 1000 + (SELECT count(*) FROM agg_group WHERE"
		 " wave_id = %lld)",
		 (long long)waves[0][0], (long long)waves[0][0],
		 (long long)waves[0][0]);
	rows = sql_int(f, sql);
	assert_true(rows > 1000000);
	snprintf(sql, sizeof(sql),
		 "SELECT (SELECT count(*) FROM agg_item a JOIN agg_item b"
		 " USING (team_id, self, item_id, c0, c1, c2, c3, c4, c5, c6,"
		 " c7, c8, c9, c10, declined) WHERE a.wave_id = %lld AND"
		 " b.wave_id = %lld) * 1000000 + (SELECT count(*) FROM agg_dim"
		 " a JOIN agg_dim b USING (team_id, self, dimension, n) WHERE"
		 " a.wave_id = %lld AND b.wave_id = %lld AND abs(a.sum - b.sum)"
		 " <= 1e-12 * a.sum AND abs(a.sumsq - b.sumsq) <= 1e-12 *"
		 " a.sumsq) * 1000 + (SELECT count(*) FROM agg_group a JOIN"
		 " agg_group b USING (team_id, self, responses) WHERE"
		 " a.wave_id = %lld AND b.wave_id = %lld)",
		 (long long)waves[0][0], (long long)waves[1][0],
		 (long long)waves[0][0], (long long)waves[1][0],
		 (long long)waves[0][0], (long long)waves[1][0]);
	assert_int_equal(sql_int(f, sql), rows);
	snprintf(sql, sizeof(sql),
		 "SELECT (SELECT count(*) FROM agg_item WHERE wave_id = %lld)"
		 " * 1000000 + (SELECT count(*) FROM agg_dim WHERE wave_id ="
		 " %lld) * 1000 + (SELECT count(*) FROM agg_group WHERE"
		 " wave_id = %lld)",
		 (long long)waves[1][0], (long long)waves[1][0],
		 (long long)waves[1][0]);
	assert_int_equal(sql_int(f, sql), rows);
}

/*
 * A group's first response makes its slots, one per invitation of the
 * group and 8 spare, in statements of 64, 16, 4 and 1 rows: as many
 * slots as that, each at its own key, one of them filled.
 */
static void test_slots_made(void **state)
{
	struct fixture *f = *state;
	static const int invitations[] = {0, 1, 7, 77, 200};

	for (size_t k = 0; k < sizeof(invitations) / sizeof(*invitations);
	     k++) {
		int64_t wave = new_wave(f, 3);
		char sql[1024];
		sqlite3 *raw;
		assert_int_equal(sqlite3_open(f->fx.path, &raw), SQLITE_OK);
		snprintf(sql, sizeof(sql),
			 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
			 " SELECT i + 1 FROM n WHERE i < %d)"
			 " INSERT INTO member(email, email_key, name, team_id,"
			 " role, created_at, updated_at) SELECT"
			 " 'w%lldm' || i, 'w%lldm' || i, 'M', %lld, 'member',"
			 " 1, 1 FROM n WHERE %d > 0;"
			 " INSERT INTO invitation(wave_id, member_id, team_id,"
			 " kind, token_hash) SELECT %lld, id, team_id, 'team',"
			 " randomblob(32) FROM member WHERE email_key LIKE"
			 " 'w%lldm%%'",
			 invitations[k], (long long)wave, (long long)wave,
			 (long long)f->team[1], invitations[k], (long long)wave,
			 (long long)wave);
		assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL),
				 SQLITE_OK);
		sqlite3_close(raw);
		respond(f, wave, f->team[1], 1, 4, 0);
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) * 1000000 + count(DISTINCT id) * 1000"
			 " + sum(filled) FROM response_slot WHERE wave_id ="
			 " %lld AND team_id = %lld AND self = 0",
			 (long long)wave, (long long)f->team[1]);
		int64_t n = invitations[k] + 8;
		assert_int_equal(sql_int(f, sql), n * 1000000 + n * 1000 + 1);
	}
}

/* The index in whole of path's group g (the same scope and team). */
static size_t same_group(const struct cp_results *whole,
			 const struct cp_results *path, size_t g)
{
	const struct cp_group *x = &path->groups[g];
	const struct cp_group *y =
	    cp_results_group(whole, x->scope, x->team_id);

	assert_non_null(y);
	return (size_t)(y - whole->groups);
}

/*
 * A report's load of one team of a frozen wave (only_team with
 * no_other_counts) reads the team's path in the tree: its groups are
 * those of the whole tree's load, in the same order, at the same depth,
 * under the same parents; the team's groups and every group below it
 * have the same decisions, reasons (the same words) and protected
 * groups, the team's the same statistics; an ancestor is hidden as in
 * the whole tree. A decision naming a group off the path (which the
 * rule never makes; written here by hand) makes the load read the whole
 * tree, so the words stay the same.
 */
static void test_path_equals_whole(void **state)
{
	struct fixture *f = *state;
	int64_t teams[5] = {f->team[0], f->team[1], f->team[2], 0, 0};
	int64_t waves[2];
	const int answers[5] = {3, 4, 4, 2, 5}; /* Org, A, B, A1, A2 */
	struct cp_error err = {0};
	int created;
	char sql[512];
	sqlite3 *raw;

	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "A1", &teams[3], &created, NULL), 0);
	assert_int_equal(
	    cp_store_team_ensure(f->fx.s, "A2", &teams[4], &created, NULL), 0);
	for (int t = 3; t < 5; t++)
		assert_int_equal(cp_store_team_set_parent(f->fx.s, teams[t],
							  f->team[1], NULL),
				 0);
	for (int w = 0; w < 2; w++) {
		struct cp_wave wv = {0};
		wv.survey_ref = survey_ref(f, "compassionate-leadership");
		wv.self_survey_ref = survey_ref(f, "leader-self");
		wv.status = CP_WAVE_OPEN;
		wv.threshold = 3;
		wv.opens_at = 1000 + w;
		memcpy(wv.channel, "outbox", sizeof("outbox"));
		assert_int_equal(
		    cp_store_wave_insert(f->fx.s, &wv, teams, 5, NULL), 0);
		waves[w] = wv.id;
		for (int t = 0; t < 5; t++)
			respond(f, wv.id, teams[t], answers[t] + w, 2 + t % 3,
				0);
		assert_int_equal(cp_store_wave_set_status(f->fx.s, wv.id,
							  CP_WAVE_CLOSED, NULL),
				 0);
		if (cp_results_freeze(f->fx.s, wv.id, &err))
			fail_msg("%s", err.message);
	}
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			/* A1's own members said to protect B's. */
			assert_int_equal(sqlite3_open(f->fx.path, &raw),
					 SQLITE_OK);
			snprintf(sql, sizeof(sql),
				 "UPDATE wave_hidden SET reason ="
				 " 'protects_group', protects_scope = 'team',"
				 " protects_team_id = %lld, nprotects = 2"
				 " WHERE team_id = %lld AND scope = 'team'",
				 (long long)teams[2], (long long)teams[3]);
			assert_int_equal(
			    sqlite3_exec(raw, sql, NULL, NULL, NULL),
			    SQLITE_OK);
			assert_true(sqlite3_changes(raw) > 0);
			sqlite3_close(raw);
		}
		for (int w = 0; w < 2; w++) {
			for (int t = 0; t < 5; t++) {
				struct cp_results_opts o = {
				    .changes = true,
				    .comments = true,
				    .only_team = teams[t],
				    .changes_team = teams[t],
				    .no_item_changes = true};
				struct cp_results *whole, *path;
				const struct cp_group *top;
				size_t at, last = 0;
				struct cp_wave_entry *pe = NULL;
				size_t npe = 0;
				whole = load_with(f, waves[w], o);
				o.no_other_counts = true;
				path = load_with(f, waves[w], o);
				/* With the path's wave list: the same. */
				assert_int_equal(
				    cp_store_wave_entries_path(
					f->fx.s, teams[t], &pe, &npe, NULL),
				    0);
				o.entries = pe;
				o.nentries = npe;
				o.entries_path = true;
				{
					struct cp_results *again =
					    load_with(f, waves[w], o);
					results_same(path, again);
					cp_results_free(again);
				}
				cp_store_wave_entries_free(pe, npe);
				top = cp_results_group(path, CP_SCOPE_SUBTREE,
						       teams[t]);
				if (top == NULL)
					top = cp_results_group(
					    path, CP_SCOPE_TEAM, teams[t]);
				assert_non_null(top);
				at = (size_t)(top - path->groups);
				/* The whole tree: the organisation's report,
				 * and where a decision names a group off the
				 * path (pass 1: A1's, below A). */
				if (t == 0 || (pass == 1 && (t == 1 || t == 3)))
					assert_int_equal(path->ngroups,
							 whole->ngroups);
				else
					assert_true(path->ngroups <
						    whole->ngroups);
				for (size_t g = 0; g < path->ngroups; g++) {
					const struct cp_group *x =
					    &path->groups[g];
					size_t h = same_group(whole, path, g);
					const struct cp_group *y =
					    &whole->groups[h];
					char a[512], b[512];
					assert_true(g == 0 || h > last);
					last = h;
					assert_int_equal(x->depth, y->depth);
					assert_string_equal(x->name, y->name);
					if (g)
						assert_int_equal(
						    same_group(whole, path,
							       x->parent),
						    y->parent);
					assert_int_equal(x->suppressed,
							 y->suppressed);
					assert_int_equal(x->why.reason,
							 y->why.reason);
					if (!cp_results_within(path, g, at))
						continue;
					assert_string_equal(
					    cp_results_reason_text(
						path, &x->why, a, sizeof(a)),
					    cp_results_reason_text(
						whole, &y->why, b, sizeof(b)));
					assert_int_equal(x->why.nprotects,
							 y->why.nprotects);
					assert_int_equal(x->comments_shown,
							 y->comments_shown);
					assert_int_equal(x->ncomments,
							 y->ncomments);
					if (x->team_id != teams[t])
						continue;
					assert_int_equal(x->answered,
							 y->answered);
					assert_int_equal(x->delivered,
							 y->delivered);
					for (size_t d = 0;
					     d < path->survey->ndims; d++) {
						stat_same(&x->dims[d],
							  &y->dims[d]);
						assert_string_equal(
						    cp_results_reason_text(
							path, &x->dims[d].why,
							a, sizeof(a)),
						    cp_results_reason_text(
							whole, &y->dims[d].why,
							b, sizeof(b)));
					}
				}
				cp_results_free(whole);
				cp_results_free(path);
			}
		}
	}
	/* The path's wave list names the same waves of each team. */
	for (int t = 0; t < 5; t++) {
		struct cp_wave_entry *all = NULL, *pe = NULL;
		size_t nall = 0, npe = 0, na = 0, np = 0;
		int64_t *a = NULL, *p = NULL;
		assert_int_equal(
		    cp_store_wave_entries(f->fx.s, &all, &nall, NULL), 0);
		assert_int_equal(cp_store_wave_entries_path(f->fx.s, teams[t],
							    &pe, &npe, NULL),
				 0);
		assert_int_equal(nall, npe);
		assert_int_equal(
		    cp_results_waves_in(all, nall, teams[t], &a, &na, NULL), 0);
		assert_int_equal(
		    cp_results_waves_in(pe, npe, teams[t], &p, &np, NULL), 0);
		assert_int_equal(na, 2);
		assert_int_equal(np, na);
		assert_memory_equal(a, p, na * sizeof(*a));
		free(a);
		free(p);
		cp_store_wave_entries_free(all, nall);
		cp_store_wave_entries_free(pe, npe);
	}
	/* The rule's own decisions in this tree: A's subtree protects A1's
	 * members, and the organisation names A's subtree. */
	{
		struct cp_results_opts o = {.only_team = teams[3],
					    .no_other_counts = true};
		struct cp_results *r = load_with(f, waves[0], o);
		const struct cp_group *as =
		    cp_results_group(r, CP_SCOPE_SUBTREE, f->team[1]);
		assert_non_null(as);
		assert_true(as->suppressed);
		assert_int_equal(as->why.reason, CP_REASON_PROTECTS);
		cp_results_free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rule_threshold),
	    cmocka_unit_test(test_rule_complement),
	    cmocka_unit_test(test_rule_leaves_stay),
	    cmocka_unit_test(test_rule_rollup_first),
	    cmocka_unit_test(test_rule_base),
	    cmocka_unit_test(test_rule_nested),
	    cmocka_unit_test(test_rule_random),
	    cmocka_unit_test_setup_teardown(test_empty_wave, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deferred_totals_many, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_deferred_totals, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_k_minus_one_and_k, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_k_plus_one_and_self, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_only_team, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_slots_made, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stored_equals_recomputed,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stored_migration, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_path_equals_whole, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
