/*
 * test_action.c - core/action: what an action may hold, which wave and
 * team it may follow, done once, and "what we agreed last time" picking
 * the latest earlier wave that has actions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "action.h"
#include "fixture.h"
#include "store.h"
#include "survey.h"

struct fixture {
	struct cp_fixture fx;
	int64_t team[3]; /* Org, A (under Org), B (under Org) */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	size_t added;
	int created;

	assert_non_null(f);
	assert_int_equal(cp_fixture_setup(&f->fx, "action", CP_FIXTURE_STORE),
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
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc = cp_fixture_teardown(&f->fx);

	free(f);
	return rc;
}

/* A wave of team A alone, opening at opens, closed when closed is set. */
static int64_t wave_of_a(struct fixture *f, int64_t opens, int closed)
{
	struct cp_wave w = {0};
	char *text;

	assert_int_equal(cp_store_survey_text(f->fx.s, "compassionate-pulse", 0,
					      &text, &w.survey_ref, NULL),
			 0);
	free(text);
	w.status = CP_WAVE_OPEN;
	w.opens_at = opens;
	memcpy(w.channel, "outbox", sizeof("outbox"));
	assert_int_equal(
	    cp_store_wave_insert(f->fx.s, &w, &f->team[1], 1, NULL), 0);
	if (closed)
		assert_int_equal(cp_store_wave_set_status(f->fx.s, w.id,
							  CP_WAVE_CLOSED, NULL),
				 0);
	return w.id;
}

static int add(struct fixture *f, int64_t team, int64_t wave, const char *text,
	       struct cp_error *err)
{
	struct cp_action_new a = {.team_id = team,
				  .wave_id = wave,
				  .text = text,
				  .owner = "Sam",
				  .review_at = 86400};

	return cp_action_add(f->fx.s, &a, NULL, err);
}

static void test_what_an_action_holds(void **state)
{
	struct fixture *f = *state;
	int64_t w = wave_of_a(f, 1000, 1);
	char long_text[CP_ACTION_TEXT_MAX + 2];
	struct cp_action *list;
	struct cp_error err;
	size_t n;

	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	assert_int_equal(add(f, f->team[1], w, "", &err), CP_EDATA);
	assert_int_equal(add(f, f->team[1], w, "  ", &err), CP_EDATA);
	assert_int_equal(add(f, f->team[1], w, "two\nlines", &err), CP_EDATA);
	assert_non_null(strstr(err.message, "control character"));
	assert_int_equal(add(f, f->team[1], w, "bad \xC3(", &err), CP_EDATA);
	assert_int_equal(add(f, f->team[1], w, long_text, &err), CP_EDATA);
	assert_non_null(strstr(err.message, "at most 500"));
	long_text[CP_ACTION_TEXT_MAX] = '\0'; /* exactly the limit */
	assert_int_equal(add(f, f->team[1], w, long_text, NULL), 0);
	assert_int_equal(add(f, f->team[1], w, "Talk at handover", NULL), 0);
	assert_int_equal(
	    cp_action_list(f->fx.s, f->team[1], w, &list, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[1].text, "Talk at handover");
	assert_string_equal(list[1].owner, "Sam");
	assert_string_equal(list[1].team, "A");
	assert_int_equal(list[1].review_at, 86400);
	assert_int_equal(list[1].done_at, 0);
	free(list);
}

static void test_which_wave_and_team(void **state)
{
	struct fixture *f = *state;
	int64_t open = wave_of_a(f, 1000, 0), closed = wave_of_a(f, 2000, 1);
	struct cp_error err;

	/* Actions follow results: an open wave has none yet. */
	assert_int_equal(add(f, f->team[1], open, "x", &err), CP_ECONFLICT);
	assert_non_null(strstr(err.message, "is open"));
	assert_int_equal(add(f, f->team[1], 999, "x", &err), CP_ENOTFOUND);
	/* B was not part of A's wave; Org, above A, was. */
	assert_int_equal(add(f, f->team[2], closed, "x", &err), CP_ECONFLICT);
	assert_non_null(strstr(err.message, "not part of wave"));
	assert_int_equal(add(f, f->team[0], closed, "x", NULL), 0);
}

static void test_done_once(void **state)
{
	struct fixture *f = *state;
	int64_t w = wave_of_a(f, 1000, 1), id;
	struct cp_action_new a = {
	    .team_id = f->team[1], .wave_id = w, .text = "Ask the bank staff"};
	struct cp_action *list;
	struct cp_error err;
	size_t n;

	assert_int_equal(cp_action_add(f->fx.s, &a, &id, NULL), 0);
	assert_int_equal(cp_action_done(f->fx.s, id, 5000, NULL), 0);
	assert_int_equal(cp_action_done(f->fx.s, id, 6000, &err), CP_ECONFLICT);
	assert_int_equal(cp_action_done(f->fx.s, id + 1, 6000, &err),
			 CP_ENOTFOUND);
	assert_int_equal(cp_action_list(f->fx.s, 0, 0, &list, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].done_at, 5000);
	assert_string_equal(list[0].owner, "");
	free(list);
}

static void test_last_time(void **state)
{
	struct fixture *f = *state;
	int64_t w1 = wave_of_a(f, 1000, 1), w2 = wave_of_a(f, 2000, 1);
	int64_t w3 = wave_of_a(f, 3000, 1), from = -1, latest = 0;
	struct cp_action *list;
	size_t n;

	assert_int_equal(cp_action_last_time(f->fx.s, f->team[1], w1, &list, &n,
					     &from, NULL),
			 0);
	assert_int_equal(from, 0);
	assert_int_equal(n, 0);
	free(list);
	assert_int_equal(add(f, f->team[1], w1, "first", NULL), 0);
	assert_int_equal(add(f, f->team[1], w1, "second", NULL), 0);
	/* w2 has none: w3's report recalls w1's. */
	assert_int_equal(cp_action_last_time(f->fx.s, f->team[1], w3, &list, &n,
					     &from, NULL),
			 0);
	assert_int_equal(from, w1);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].text, "first");
	free(list);
	assert_int_equal(add(f, f->team[1], w2, "third", NULL), 0);
	assert_int_equal(cp_action_last_time(f->fx.s, f->team[1], w3, &list, &n,
					     &from, NULL),
			 0);
	assert_int_equal(from, w2);
	assert_int_equal(n, 1);
	free(list);
	/* Another team's actions are not this team's. */
	assert_int_equal(cp_action_last_time(f->fx.s, f->team[0], w3, &list, &n,
					     &from, NULL),
			 0);
	assert_int_equal(from, 0);
	free(list);
	assert_int_equal(
	    cp_action_latest_wave(f->fx.s, f->team[1], &latest, NULL), 0);
	assert_int_equal(latest, w3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_what_an_action_holds, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_which_wave_and_team, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_done_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_last_time, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
