/*
 * test_lifecycle.c - waves over months and years: calendar months across
 * month ends and leap years, the slots of a series, cadences as typed,
 * and the store's what-if mode that dry runs count with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "store.h"
#include "token.h"
#include "wave.h"
#include "when.h"

static int64_t t(const char *s)
{
	int64_t v = 0;

	assert_int_equal(cp_when_parse(s, 0, &v, NULL), 0);
	return v;
}

static void test_months_across_month_ends(void **state)
{
	(void)state;
	assert_int_equal(cp_when_add_months(t("2027-01-31T09:00"), 1),
			 t("2027-02-28T09:00"));
	assert_int_equal(cp_when_add_months(t("2028-01-31T09:00"), 1),
			 t("2028-02-29T09:00"));
	assert_int_equal(cp_when_add_months(t("2026-03-31T23:59:59"), 1),
			 t("2026-04-30T23:59:59"));
	assert_int_equal(cp_when_add_months(t("2026-12-15T09:00"), 1),
			 t("2027-01-15T09:00"));
	assert_int_equal(cp_when_add_months(t("2026-11-30"), 3),
			 t("2027-02-28"));
	assert_int_equal(cp_when_add_months(t("2026-05-01"), 0),
			 t("2026-05-01"));
}

static void test_months_across_leap_years(void **state)
{
	(void)state;
	assert_int_equal(cp_when_add_months(t("2028-02-29T09:00"), 12),
			 t("2029-02-28T09:00"));
	assert_int_equal(cp_when_add_months(t("2028-02-29T09:00"), 48),
			 t("2032-02-29T09:00"));
	assert_int_equal(cp_when_add_months(t("2099-02-28"), 12),
			 t("2100-02-28")); /* 2100 is no leap year */
	assert_int_equal(cp_when_add_months(t("2000-01-31"), 1),
			 t("2000-02-29")); /* 2000 is */
	assert_int_equal(cp_when_add_months(t("2027-08-31"), 18),
			 t("2029-02-28"));
}

/* Slots count from the anchor, so a day clamped once does not stick. */
static void test_series_slots(void **state)
{
	struct cp_series m = {.anchor = t("2027-01-31T09:00"),
			      .every_months = 1};
	struct cp_series q = {.anchor = t("2027-01-31T09:00"),
			      .every_months = 3};
	struct cp_series w = {.anchor = t("2027-01-31T09:00"),
			      .every_days = 14};

	(void)state;
	assert_int_equal(cp_series_slot(&m, 0), t("2027-01-31T09:00"));
	assert_int_equal(cp_series_slot(&m, 1), t("2027-02-28T09:00"));
	assert_int_equal(cp_series_slot(&m, 2), t("2027-03-31T09:00"));
	assert_int_equal(cp_series_slot(&m, 3), t("2027-04-30T09:00"));
	assert_int_equal(cp_series_slot(&m, 13), t("2028-02-29T09:00"));
	assert_int_equal(cp_series_slot(&q, 1), t("2027-04-30T09:00"));
	assert_int_equal(cp_series_slot(&q, 4), t("2028-01-31T09:00"));
	assert_int_equal(cp_series_slot(&w, 2), t("2027-02-28T09:00"));
}

static void test_every_parse(void **state)
{
	struct cp_error err = {0};
	char buf[40];
	int d, m;

	(void)state;
	assert_int_equal(cp_wave_every_parse("1m", &d, &m, NULL), 0);
	assert_int_equal(d, 0);
	assert_int_equal(m, 1);
	assert_int_equal(cp_wave_every_parse("2w", &d, &m, NULL), 0);
	assert_int_equal(d, 14);
	assert_int_equal(m, 0);
	assert_int_equal(cp_wave_every_parse("10d", &d, &m, NULL), 0);
	assert_int_equal(d, 10);
	for (const char *const *bad =
		 (const char *const[]){"0d", "1h", "30min", "m", "-1m", "121m",
				       " 1m", "1m ", "", NULL};
	     *bad; bad++)
		assert_int_equal(cp_wave_every_parse(*bad, &d, &m, &err),
				 CP_EUSAGE);
	assert_non_null(strstr(err.message, "calendar months"));
	assert_string_equal(cp_wave_cadence(14, 0, buf, sizeof(buf)),
			    "every 2 weeks");
	assert_string_equal(cp_wave_cadence(0, 1, buf, sizeof(buf)),
			    "every 1 month");
	assert_string_equal(cp_wave_cadence(3, 0, buf, sizeof(buf)),
			    "every 3 days");
}

/* What-if: nested transactions become savepoints, and all of it goes. */
static void test_what_if_rolls_back(void **state)
{
	struct cp_fixture fx;
	struct cp_error err = {0};
	char *v = NULL;

	(void)state;
	assert_int_equal(cp_fixture_setup(&fx, "whatif", CP_FIXTURE_STORE), 0);
	assert_int_equal(cp_store_config_set(fx.s, "k", "before", &err), 0);
	assert_int_equal(cp_store_what_if_begin(fx.s, &err), 0);
	assert_int_equal(cp_store_begin(fx.s, &err), 0);
	assert_int_equal(cp_store_config_set(fx.s, "k", "inside", &err), 0);
	assert_int_equal(cp_store_commit(fx.s, &err), 0);
	assert_int_equal(cp_store_begin(fx.s, &err), 0);
	assert_int_equal(cp_store_config_set(fx.s, "k", "undone", &err), 0);
	cp_store_rollback(fx.s);
	assert_int_equal(cp_store_config_get(fx.s, "k", &v, &err), 0);
	assert_string_equal(v, "inside");
	free(v);
	cp_store_what_if_end(fx.s);
	assert_int_equal(cp_store_config_get(fx.s, "k", &v, &err), 0);
	assert_string_equal(v, "before");
	free(v);
	/* And the store works as before afterwards. */
	assert_int_equal(cp_store_begin(fx.s, &err), 0);
	assert_int_equal(cp_store_commit(fx.s, &err), 0);
	assert_int_equal(cp_fixture_teardown(&fx), 0);
}

/* A new invitation's token is the HMAC's leftmost 132 bits, 22
 * characters; one made before keeps the whole HMAC, and the token derived
 * for sending is always the one whose hash is stored. */
static void test_token_forms(void **state)
{
	uint8_t key[CP_KEY_LEN], stored[CP_SHA256_LEN], other[CP_SHA256_LEN];
	char t[CP_TOKEN_LEN + 1], s[CP_TOKEN_LONG_LEN + 1];
	int match = -1;

	(void)state;
	memset(key, 7, sizeof(key));
	assert_int_equal(cp_token_derive(key, 3, 9, "team", t), 0);
	assert_int_equal(strlen(t), 22);
	assert_true(cp_token_well_formed(t));
	assert_int_equal(cp_token_hash(t, stored), 0);
	assert_int_equal(
	    cp_token_derive_stored(key, 3, 9, "team", stored, s, &match), 0);
	assert_string_equal(s, t);
	assert_int_equal(match, 1);

	/* Known answer (Python's hmac): the whole HMAC, whose first 22
	 * characters are the short token. Stored as such, it is the one
	 * derived for sending; a hash of neither gives the short one. */
	assert_string_equal(t, "2v1n9MKWQqf0pQ1XmClm3Q");
	assert_int_equal(
	    cp_token_hash("2v1n9MKWQqf0pQ1XmClm3QCNvaVHA25455li6fjzwqg",
			  stored),
	    0);
	assert_int_equal(
	    cp_token_derive_stored(key, 3, 9, "team", stored, s, &match), 0);
	assert_string_equal(s, "2v1n9MKWQqf0pQ1XmClm3QCNvaVHA25455li6fjzwqg");
	assert_int_equal(match, 1);
	assert_int_equal(cp_token_hash("x", other), 0);
	assert_int_equal(
	    cp_token_derive_stored(key, 3, 9, "team", other, s, &match), 0);
	assert_string_equal(s, t);
	assert_int_equal(match, 0);
	assert_true(cp_token_well_formed(
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
	assert_false(cp_token_well_formed("AAAAAAAAAAAAAAAAAAAAA"));
	assert_false(cp_token_well_formed("AAAAAAAAAAAAAAAAAAAAAAA"));
	assert_false(cp_token_well_formed("AAAAAAAAAAAAAAAAAAAAA="));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_months_across_month_ends),
	    cmocka_unit_test(test_months_across_leap_years),
	    cmocka_unit_test(test_series_slots),
	    cmocka_unit_test(test_every_parse),
	    cmocka_unit_test(test_what_if_rolls_back),
	    cmocka_unit_test(test_token_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
