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
#include <unistd.h>

#include "results.h"
#include "store.h"
#include "survey.h"

#define NO CP_NO_GROUP

static void run_rule(size_t count, const int64_t *n, const size_t *parent,
		     int k, bool *out)
{
	memset(out, 0, count * sizeof(bool));
	assert_int_equal(cp_results_suppress(count, n, parent, k, out, NULL),
			 0);
}

/* A single team at k - 1, k and k + 1. */
static void test_rule_threshold(void **state)
{
	const size_t parent[] = {NO, 0};
	bool out[2];

	(void)state;
	run_rule(2, (const int64_t[]){4, 4}, parent, 5, out);
	assert_true(out[0] && out[1]);
	run_rule(2, (const int64_t[]){5, 5}, parent, 5, out);
	assert_true(!out[0] && !out[1]);
	run_rule(2, (const int64_t[]){6, 6}, parent, 5, out);
	assert_true(!out[0] && !out[1]);
	run_rule(2, (const int64_t[]){0, 0}, parent, 3, out);
	assert_true(out[0] && out[1]);
}

/* Org 14 = A 10 + B 4: B is hidden, and then A, or org - A shows B. */
static void test_rule_complement(void **state)
{
	const size_t parent[] = {NO, 0, 0};
	bool out[3];

	(void)state;
	run_rule(3, (const int64_t[]){14, 10, 4}, parent, 5, out);
	assert_true(!out[0] && out[1] && out[2]);
	/* B 4 and C 3 hide 7 >= k together: A may stay. */
	{
		const size_t p4[] = {NO, 0, 0, 0};
		bool o4[4];
		run_rule(4, (const int64_t[]){17, 10, 4, 3}, p4, 5, o4);
		assert_true(!o4[0] && !o4[1] && o4[2] && o4[3]);
	}
}

/* The next-smallest sibling goes with it: A 12, B 6, C 2 -> C, then B. */
static void test_rule_next_smallest(void **state)
{
	const size_t parent[] = {NO, 0, 0, 0};
	bool out[4];

	(void)state;
	run_rule(4, (const int64_t[]){20, 12, 6, 2}, parent, 5, out);
	assert_true(!out[0] && !out[1] && out[2] && out[3]);
}

/*
 * Deep: org(12) = U(9) + X(3), U = T(9) alone. X is hidden; U and T would
 * each give it away (12 - 9 = 3), so both go.
 */
static void test_rule_nested(void **state)
{
	const size_t parent[] = {NO, 0, 1, 0};
	bool out[4];

	(void)state;
	run_rule(4, (const int64_t[]){12, 9, 9, 3}, parent, 5, out);
	assert_true(!out[0] && out[1] && out[2] && out[3]);
	/* U = T1 6 + T2 6, org = U: nothing differs, all shown. */
	{
		const size_t p[] = {NO, 0, 1, 1};
		bool o[4];
		run_rule(4, (const int64_t[]){12, 12, 6, 6}, p, 5, o);
		assert_true(!o[0] && !o[1] && !o[2] && !o[3]);
	}
}

/* Random trees: the two promises hold for every pair and every group. */
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
		bool out[G];
		int k = 3 + rand() % 8;
		size_t count = 2 + (size_t)(rand() % (G - 1));
		parent[0] = NO;
		for (size_t g = 0; g < count; g++) {
			if (g)
				parent[g] = (size_t)(rand() % (int)g);
			own[g] = rand() % 3 ? rand() % 12 : 0;
			n[g] = 0;
		}
		for (size_t g = count; g-- > 0;) {
			n[g] += own[g];
			if (g)
				n[parent[g]] += n[g];
		}
		run_rule(count, n, parent, k, out);
		for (size_t g = 0; g < count; g++) {
			if (n[g] < k)
				assert_true(out[g]);
			if (out[g])
				continue;
			for (size_t a = parent[g]; a != NO; a = parent[a])
				if (!out[a])
					assert_false(n[a] - n[g] > 0 &&
						     n[a] - n[g] < k);
		}
	}
}

/* ---- through a store ---- */

struct fixture {
	char dir[64];
	char path[96];
	struct cp_store *s;
	struct cp_survey *survey, *self;
	int64_t team[3]; /* Org (parent), A, B */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	size_t added;
	int created;

	snprintf(f->dir, sizeof(f->dir), "/tmp/cp-results-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	assert_int_equal(cp_store_open(&f->s, f->path, CP_STORE_CREATE, NULL),
			 0);
	assert_int_equal(cp_survey_install_builtins(f->s, &added, NULL), 0);
	assert_int_equal(
	    cp_store_team_ensure(f->s, "Org", &f->team[0], &created, NULL), 0);
	assert_int_equal(
	    cp_store_team_ensure(f->s, "A", &f->team[1], &created, NULL), 0);
	assert_int_equal(
	    cp_store_team_ensure(f->s, "B", &f->team[2], &created, NULL), 0);
	assert_int_equal(
	    cp_store_team_set_parent(f->s, f->team[1], f->team[0], NULL), 0);
	assert_int_equal(
	    cp_store_team_set_parent(f->s, f->team[2], f->team[0], NULL), 0);
	assert_int_equal(cp_survey_fetch(&f->survey, f->s,
					 "compassionate-leadership", 0, NULL),
			 0);
	assert_int_equal(
	    cp_survey_fetch(&f->self, f->s, "leader-self", 0, NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	cp_survey_free(f->survey);
	cp_survey_free(f->self);
	cp_store_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int64_t survey_ref(struct fixture *f, const char *id)
{
	int64_t ref;
	char *text;

	assert_int_equal(cp_store_survey_text(f->s, id, 0, &text, &ref, NULL),
			 0);
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
	assert_int_equal(cp_store_wave_insert(f->s, &w, f->team, 3, NULL), 0);
	return w.id;
}

/* n responses of team, every item answered value (self: leader-self). */
static void respond(struct fixture *f, int64_t wave, int64_t team, int n,
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
	assert_int_equal(cp_store_begin(f->s, NULL), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(cp_store_response_add(f->s, &r, sv, NULL), 0);
	assert_int_equal(cp_store_commit(f->s, NULL), 0);
	free(a);
}

static struct cp_results *load(struct fixture *f, int64_t wave)
{
	struct cp_results_opts opts = {.changes = true, .comments = true};
	struct cp_results *r;
	struct cp_error err = {0};

	if (cp_results_load(&r, f->s, wave, &opts, &err))
		fail_msg("%s", err.message);
	return r;
}

static void test_empty_wave(void **state)
{
	struct fixture *f = *state;
	int64_t w = new_wave(f, 5);
	struct cp_results *r;

	assert_int_equal(
	    cp_store_wave_set_status(f->s, w, CP_WAVE_CLOSED, NULL), 0);
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
 * A 4 (= k - 1), B 5 (= k): A is hidden, and B goes with it because the
 * organisation (9) minus B would be A. Everyone answered 4 on every item:
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
	assert_non_null(a);
	assert_int_equal(a->answered, 4);
	assert_null(a->dims);
	cp_results_free(r);

	assert_int_equal(
	    cp_store_wave_set_status(f->s, w, CP_WAVE_CLOSED, NULL), 0);
	r = load(f, w);
	org = cp_results_group(r, CP_SCOPE_ORGANISATION, 0);
	a = cp_results_group(r, CP_SCOPE_TEAM, f->team[1]);
	b = cp_results_group(r, CP_SCOPE_TEAM, f->team[2]);
	assert_false(org->suppressed);
	assert_int_equal(org->answered, 9);
	assert_true(a->suppressed);
	assert_true(b->suppressed); /* 9 - 5 = 4 < k */
	assert_int_equal(b->answered, 0);
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
	assert_int_equal(org->dims[conf].n, 9);
	assert_true(fabs(org->dims[conf].favourable - 200.0 / 3) < 1e-9);
	assert_true(fabs(org->items[rev].mean - 2) < 1e-12);
	assert_true(org->items[rev].favourable == 0);
	assert_true(fabs(org->items[rev].unfavourable - 100) < 1e-12);
	assert_false(org->comments_shown); /* 9 < comment threshold 10 */
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
	    cp_store_wave_set_status(f->s, w, CP_WAVE_CLOSED, NULL), 0);
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

/* A second wave: a change of +2 on SD-0 answers is significant; no
 * change is "no detectable change"; with B below k, A could be worked out
 * from the organisation and goes too, and so do its changes. */
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
	    cp_store_wave_set_status(f->s, w, CP_WAVE_CLOSED, NULL), 0);
	opts.only_team = f->team[2];
	if (cp_results_load(&r, f->s, w, &opts, &err))
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

static void test_changes(void **state)
{
	struct fixture *f = *state;
	int64_t w1 = new_wave(f, 3), w2;
	const struct cp_group *a, *b;
	struct cp_results *r;

	respond(f, w1, f->team[1], 6, 2, 0);
	respond(f, w1, f->team[2], 6, 3, 0);
	assert_int_equal(
	    cp_store_wave_set_status(f->s, w1, CP_WAVE_CLOSED, NULL), 0);
	w2 = new_wave(f, 3);
	respond(f, w2, f->team[1], 6, 4, 0);
	respond(f, w2, f->team[2], 3, 3, 0);
	assert_int_equal(
	    cp_store_wave_set_status(f->s, w2, CP_WAVE_CLOSED, NULL), 0);
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
	    cp_store_wave_set_status(f->s, w2, CP_WAVE_CLOSED, NULL), 0);
	r = load(f, w2);
	a = cp_results_group(r, CP_SCOPE_TEAM, f->team[1]);
	b = cp_results_group(r, CP_SCOPE_TEAM, f->team[2]);
	assert_true(b->suppressed);
	assert_true(a->suppressed); /* 8 - 6 = 2 < k */
	assert_int_equal(a->dim_change[0].status, CP_CHANGE_UNDETECTABLE);
	assert_false(a->dim_change[0].has_diff);
	assert_true(a->dim_change[0].diff == 0);
	cp_results_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rule_threshold),
	    cmocka_unit_test(test_rule_complement),
	    cmocka_unit_test(test_rule_next_smallest),
	    cmocka_unit_test(test_rule_nested),
	    cmocka_unit_test(test_rule_random),
	    cmocka_unit_test_setup_teardown(test_empty_wave, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_k_minus_one_and_k, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_k_plus_one_and_self, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_only_team, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
