/*
 * test_from_results.c - the reports' input filled from core's results
 * (reports/from_results.c): suppressed groups and measures carry no
 * number, an open wave is refused, the trend has a gap where a wave was
 * hidden and holds at most RP_WAVES_MAX waves, self and comments come
 * through only where core gives them.
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

#include "fixture.h"
#include "report.h"
#include "results.h"
#include "store.h"
#include "survey.h"

struct fixture {
	struct cp_fixture fx; /* directory and store */
	struct cp_survey *survey, *self;
	int64_t team[3]; /* Org (parent), A, B */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *names[3] = {"Org", "A", "Β-ομάδα"};
	size_t added;
	int created;

	assert_non_null(f);
	assert_int_equal(
	    cp_fixture_setup(&f->fx, "from-results", CP_FIXTURE_STORE), 0);
	assert_int_equal(cp_survey_install_builtins(f->fx.s, &added, NULL), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(cp_store_team_ensure(f->fx.s, names[i],
						      &f->team[i], &created,
						      NULL),
				 0);
	for (int i = 1; i < 3; i++)
		assert_int_equal(cp_store_team_set_parent(f->fx.s, f->team[i],
							  f->team[0], NULL),
				 0);
	assert_int_equal(cp_survey_fetch(&f->survey, f->fx.s,
					 "compassionate-pulse", 0, NULL),
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

static int64_t new_wave(struct fixture *f, int64_t opens)
{
	struct cp_wave w = {0};

	w.survey_ref = survey_ref(f, "compassionate-pulse");
	w.self_survey_ref = survey_ref(f, "leader-self");
	w.status = CP_WAVE_OPEN;
	w.threshold = 5;
	w.opens_at = opens;
	memcpy(w.channel, "outbox", sizeof("outbox"));
	assert_int_equal(cp_store_wave_insert(f->fx.s, &w, f->team, 3, NULL),
			 0);
	return w.id;
}

/* n responses of team, every item answered value (self: leader-self). */
static void respond(struct fixture *f, int64_t wave, int64_t team, int n,
		    int value, int self)
{
	const struct cp_survey *sv = self ? f->self : f->survey;
	struct cp_answer *a = calloc(sv->nitems, sizeof(*a));
	struct cp_comment c = {0};
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
	if (!self && sv->nquestions) {
		c.question_id = sv->questions[0].id;
		c.text = "Ευχαριστώ";
		r.comments = &c;
		r.ncomments = 1;
	}
	assert_int_equal(cp_store_begin(f->fx.s, NULL), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(cp_store_response_add(f->fx.s, &r, sv, NULL),
				 0);
	assert_int_equal(cp_store_commit(f->fx.s, NULL), 0);
	free(a);
}

static void close_wave(struct fixture *f, int64_t w)
{
	assert_int_equal(
	    cp_store_wave_set_status(f->fx.s, w, CP_WAVE_CLOSED, NULL), 0);
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

/* Every number of a suppressed dimension or item is zero. */
static void assert_blank(const struct rp_team_report *r)
{
	for (size_t i = 0; i < r->n_dimensions; i++) {
		const struct rp_dimension *d = &r->dimensions[i];
		assert_true(d->suppressed);
		assert_int_equal(d->n, 0);
		assert_true(d->mean == 0 && d->score == 0 && d->sd == 0);
		assert_true(d->favourable == 0 && d->ci_high == 0);
		assert_false(d->has_previous);
	}
	for (size_t i = 0; i < r->n_items; i++) {
		const struct rp_item *it = &r->items[i];
		assert_true(it->suppressed);
		assert_true(it->mean == 0 && it->n == 0);
		for (int v = 0; v < 5; v++)
			assert_int_equal(it->counts[v], 0);
	}
}

static void test_open_wave(void **state)
{
	struct fixture *f = *state;
	int64_t w = new_wave(f, 1000);
	struct rp_team_data *t = (void *)1;
	struct rp_compare_data *c = (void *)1;
	struct cp_results *r;
	struct cp_error err = {0};

	respond(f, w, f->team[1], 6, 4, 0);
	r = load(f, w);
	assert_int_equal(
	    rp_team_report_from_results(&t, r, f->team[1], NULL, 0, &err),
	    CP_ECONFLICT);
	assert_null(t);
	assert_non_null(strstr(err.message, "only after a wave closes"));
	assert_int_equal(rp_compare_report_from_results(&c, r, RP_MEASURE_SCORE,
							RP_SORT_NAME, &err),
			 CP_ECONFLICT);
	assert_null(c);
	cp_results_free(r);
}

/* A 6 and B 4: B is below k; the organisation and Org with its
 * sub-teams go (either minus A is B), A stays. */
static void test_suppressed(void **state)
{
	struct fixture *f = *state;
	int64_t w = new_wave(f, 1000);
	struct rp_team_data *t;
	struct rp_compare_data *c;
	struct cp_results *r;
	size_t nd = f->survey->ndims;

	respond(f, w, f->team[1], 6, 2, 0);
	respond(f, w, f->team[2], 4, 5, 0);
	close_wave(f, w);
	r = load(f, w);
	assert_int_equal(
	    rp_team_report_from_results(&t, r, f->team[2], NULL, 0, NULL), 0);
	assert_string_equal(t->report.team, "Β-ομάδα");
	assert_true(t->report.response_rate_hidden);
	assert_int_equal(t->report.responses, 0);
	assert_false(t->report.comments_shown);
	assert_int_equal(t->report.n_comments, 0);
	assert_int_equal(t->report.n_dimensions, nd);
	assert_int_equal(t->report.n_waves, 1);
	assert_true(t->report.trends[0].points[0].suppressed);
	assert_true(t->report.trends[0].points[0].mean == 0);
	assert_blank(&t->report);
	rp_team_data_free(t);
	assert_int_equal(
	    rp_team_report_from_results(&t, r, f->team[1], NULL, 0, NULL), 0);
	assert_false(t->report.dimensions[0].suppressed);
	rp_team_data_free(t);

	assert_int_equal(rp_compare_report_from_results(&c, r,
							RP_MEASURE_FAVOURABLE,
							RP_SORT_OVERALL, NULL),
			 0);
	assert_int_equal(c->report.n_columns, nd);
	assert_int_equal(c->report.measure, RP_MEASURE_FAVOURABLE);
	for (size_t i = 0; i < c->report.n_rows; i++) {
		const struct rp_compare_row *row = &c->report.rows[i];
		if (strcmp(row->team, "A") == 0) {
			assert_false(row->cells[0].suppressed);
			continue;
		}
		assert_true(row->response_rate_hidden);
		for (size_t d = 0; d < nd; d++)
			assert_true(row->cells[d].suppressed &&
				    row->cells[d].value == 0);
	}
	assert_string_equal(c->report.organisation.team, "Organisation");
	assert_true(c->report.organisation.cells[0].suppressed);
	assert_true(c->report.organisation.cells[0].value == 0);
	rp_compare_data_free(c);
	cp_results_free(r);
}

/*
 * Three waves of A, the middle one with 3 responses: the trend has a gap
 * there, and the radar has no previous wave (core compared with the
 * hidden one). The subtree report of Org carries the leader's self.
 */
static void test_trend_gap_and_self(void **state)
{
	struct fixture *f = *state;
	struct cp_results *r[3];
	struct rp_team_data *t;
	const struct cp_results *before[2];
	int64_t w[3];

	for (int k = 0; k < 3; k++) {
		w[k] = new_wave(f, 1000 + k);
		respond(f, w[k], f->team[1], k == 1 ? 3 : 10, k == 0 ? 2 : 4,
			0);
		respond(f, w[k], f->team[2], 5, 3, 0);
		respond(f, w[k], f->team[0], 1, 5, 1);
		close_wave(f, w[k]);
		r[k] = load(f, w[k]);
	}
	before[0] = r[0];
	before[1] = r[1];
	assert_int_equal(
	    rp_team_report_from_results(&t, r[2], f->team[1], before, 2, NULL),
	    0);
	assert_int_equal(t->report.n_waves, 3);
	assert_false(t->report.trends[0].points[0].suppressed);
	assert_true(fabs(t->report.trends[0].points[0].mean - 2) < 1e-12);
	assert_true(t->report.trends[0].points[1].suppressed);
	assert_true(t->report.trends[0].points[1].mean == 0);
	assert_false(t->report.trends[0].points[2].suppressed);
	assert_true(fabs(t->report.trends[0].points[2].mean - 4) < 1e-12);
	assert_false(t->report.dimensions[0].suppressed);
	assert_false(t->report.dimensions[0].has_previous);
	assert_true(fabs(t->report.dimensions[0].score - 75) < 1e-12);
	assert_int_equal(t->report.items[0].counts[3], 10);
	/* 10 responses reach the comment threshold; Org - A = 5 hides
	 * Org's comments, not A's. */
	assert_true(t->report.comments_shown);
	assert_int_equal(t->report.n_comments, 10);
	assert_string_equal(t->report.comments[0].purpose, "would_help");
	assert_false(t->report.dimensions[0].has_self);
	rp_team_data_free(t);

	assert_int_equal(
	    rp_team_report_from_results(&t, r[2], f->team[0], before, 2, NULL),
	    0);
	assert_string_equal(t->report.team, "Org");
	assert_true(t->report.dimensions[0].has_self);
	assert_true(fabs(t->report.dimensions[0].self_mean - 5) < 1e-12);
	/* No invitation was delivered: there is no rate to show. */
	assert_true(t->report.response_rate_hidden);
	/* Org's 15 less A's 10 would be B's 5 (< 10): Org's go, A's stay. */
	assert_false(t->report.comments_shown);
	assert_int_equal(t->report.n_comments, 0);
	rp_team_data_free(t);
	for (int k = 0; k < 3; k++)
		cp_results_free(r[k]);
}

/* More earlier waves than a trend holds: the newest RP_WAVES_MAX. */
static void test_trend_cap(void **state)
{
	struct fixture *f = *state;
	const struct cp_results *before[20];
	struct rp_team_data *t;
	struct cp_results *r;
	int64_t w = new_wave(f, 1000);

	respond(f, w, f->team[1], 6, 4, 0);
	respond(f, w, f->team[2], 6, 4, 0);
	close_wave(f, w);
	r = load(f, w);
	for (int i = 0; i < 20; i++)
		before[i] = r;
	assert_int_equal(
	    rp_team_report_from_results(&t, r, f->team[1], before, 20, NULL),
	    0);
	assert_int_equal(t->report.n_waves, RP_WAVES_MAX);
	for (size_t i = 0; i < t->report.n_waves; i++)
		assert_int_equal(strlen(t->report.waves[i]), 10); /* a date */
	rp_team_data_free(t);
	cp_results_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_wave, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_suppressed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trend_gap_and_self, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_trend_cap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
