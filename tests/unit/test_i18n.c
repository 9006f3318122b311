/*
 * test_i18n.c - languages (core/base/i18n.c) and the installation's time
 * zone (when.c): BCP 47 tags, Accept-Language with its weights, the
 * catalogues compiled from po/ in the build tree, many threads each
 * speaking their own language at once, and time zone names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "when.h"

static const char *code(const struct cp_lang *l)
{
	return l ? l->code : "(none)";
}

static void test_tags(void **state)
{
	struct cp_error err;

	(void)state;
	assert_string_equal(code(cp_lang_find("cy")), "cy");
	assert_string_equal(code(cp_lang_find("CY-gb")), "cy");
	assert_string_equal(code(cp_lang_find("ar_EG.UTF-8")), "ar");
	assert_string_equal(code(cp_lang_find("pl")), "pl");
	assert_null(cp_lang_find("fr"));
	assert_null(cp_lang_find("cym"));
	assert_null(cp_lang_find("e"));
	assert_null(cp_lang_find("english"));
	assert_null(cp_lang_find(NULL));
	assert_int_equal(cp_lang_check("es-419", NULL), 0);
	assert_int_equal(cp_lang_check("zh-Hant-TW", &err), CP_EDATA);
	assert_non_null(strstr(err.message, "is not one carepulse speaks"));
	assert_int_equal(cp_lang_check("cy_GB", &err), CP_EDATA);
	assert_non_null(strstr(err.message, "is not a language tag"));
	assert_int_equal(cp_lang_check("cy-", NULL), CP_EDATA);
	assert_int_equal(cp_lang_check("", NULL), CP_EDATA);
	assert_string_equal(cp_lang_find("ar")->dir, "rtl");
	assert_string_equal(cp_lang_find("cy")->dir, "ltr");
}

static void test_accept_language(void **state)
{
	(void)state;
	/* The highest weight wins, whatever the order. */
	assert_string_equal(code(cp_lang_accept("pl;q=0.5, ar;q=0.9")), "ar");
	assert_string_equal(code(cp_lang_accept("fr-CA,fr;q=0.9,es-MX;q=0.8")),
			    "es");
	/* Equal weights: the first named. */
	assert_string_equal(code(cp_lang_accept("cy, pl")), "cy");
	assert_string_equal(code(cp_lang_accept("  Cy-GB ;  q=1.000 ")), "cy");
	/* q=0 refuses a language, even named again with a weight. */
	assert_null(cp_lang_accept("ar;q=0"));
	assert_string_equal(code(cp_lang_accept("ar;q=0, ar-EG, pl;q=0.1")),
			    "pl");
	/* "*": any language not named or refused. */
	assert_string_equal(code(cp_lang_accept("*;q=0.5, en;q=0")), "cy");
	assert_string_equal(code(cp_lang_accept("de, *;q=0.1")), "en");
	assert_string_equal(code(cp_lang_accept("es;q=0.9, *;q=0.5")), "es");
	/* Malformed weights are ignored, with the language they go with. */
	assert_string_equal(code(cp_lang_accept("pl;q=2, es;q=0.5")), "es");
	assert_string_equal(code(cp_lang_accept("pl;q=0.1234, es;q=0.5")),
			    "es");
	assert_string_equal(code(cp_lang_accept("pl;q=abc, cy;q=0.001")), "cy");
	assert_null(cp_lang_accept("de, fr;q=0.5"));
	assert_null(cp_lang_accept(""));
	assert_null(cp_lang_accept(",,;;"));
	assert_null(cp_lang_accept(NULL));
}

/* Each thread speaks one language and checks every answer it gets. */
struct speaker {
	const char *code;
	const char *want;
	int wrong;
};

static void *speak(void *arg)
{
	struct speaker *s = arg;
	locale_t prev = cp_lang_use(cp_lang_find(s->code));

	for (int i = 0; i < 20000; i++) {
		if (strcmp(_("Send my answers"), s->want) != 0)
			s->wrong++;
		if (i % 64 == 0)
			sched_yield();
	}
	cp_lang_end(prev);
	return NULL;
}

static void test_threads(void **state)
{
	static const char *const locales[] = {"cy_GB.UTF-8", "es_ES.UTF-8",
					      "pl_PL.UTF-8", "ar_EG.UTF-8"};
	struct speaker s[] = {
	    {"en", "Send my answers", 0},
	    {"cy", "Anfon fy atebion", 0},
	    {"es", "Enviar mis respuestas", 0},
	    {"pl", "Wy\xc5\x9blij moje odpowiedzi", 0},
	    {"ar",
	     "\xd8\xa3\xd8\xb1\xd8\xb3\xd9\x84 \xd8\xa5\xd8\xac\xd8\xa7"
	     "\xd8\xa8\xd8\xa7\xd8\xaa\xd9\x8a",
	     0},
	};
	pthread_t t[3 * 5];

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		locale_t l = newlocale(LC_MESSAGES_MASK, locales[i], 0);
		if (l == (locale_t)0) {
			if (getenv("CI"))
				fail_msg("locale %s missing", locales[i]);
			skip(); /* scripts/setup generates them */
		}
		freelocale(l);
	}
	assert_int_equal(cp_i18n_init(NULL, NULL), 0);
	for (size_t i = 0; i < 5; i++)
		assert_true(cp_lang_available(cp_lang_find(s[i].code)));
	/* Three threads per language, all at once. */
	for (size_t i = 0; i < 15; i++)
		assert_int_equal(pthread_create(&t[i], NULL, speak, &s[i % 5]),
				 0);
	for (size_t i = 0; i < 15; i++)
		pthread_join(t[i], NULL);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(s[i].wrong, 0);
	/* Plural forms by each language's rule (po/ headers). */
	{
		locale_t prev = cp_lang_use(cp_lang_find("pl"));
		assert_string_equal(
		    cp_ngettext("%zu answer needs another look",
				"%zu answers need another look", 5),
		    "%zu odpowiedzi wymaga ponownego sprawdzenia");
		assert_string_equal(
		    cp_ngettext("%zu answer needs another look",
				"%zu answers need another look", 3),
		    "%zu odpowiedzi wymagaj\xc4\x85 ponownego sprawdzenia");
		assert_string_equal(cp_lang_current()->code, "pl");
		cp_lang_end(prev);
	}
	/* Errors in the operator's language (serve's log is one language),
	 * whatever language the thread speaks to a respondent. */
	{
		struct cp_error err;
		locale_t prev = cp_lang_use(cp_lang_find("es"));
		cp_error_set(&err, CP_EDATA, N_("email is empty"));
		assert_string_equal(err.message, "el correo está vacío");
		cp_lang_set_errors(cp_lang_find("cy"));
		cp_error_set(&err, CP_EDATA, N_("email is empty"));
		assert_string_equal(err.message, "mae'r e-bost yn wag");
		assert_string_equal(_("email is empty"),
				    "el correo está vacío");
		cp_lang_set_errors(cp_lang_find("en"));
		cp_error_set(&err, CP_EDATA, N_("email is empty"));
		assert_string_equal(err.message, "email is empty");
		cp_lang_set_errors(NULL);
		cp_lang_end(prev);
	}
}

static void test_timezone(void **state)
{
	struct cp_error err;
	char out[64];

	(void)state;
	assert_int_equal(cp_tz_check("Europe/London", NULL), 0);
	assert_int_equal(cp_tz_check("UTC", NULL), 0);
	assert_int_equal(cp_tz_check("Mars/Olympus_Mons", &err), CP_EDATA);
	assert_non_null(strstr(err.message, "not in the time zone database"));
	assert_int_equal(cp_tz_check("../../etc/passwd", &err), CP_EDATA);
	assert_non_null(strstr(err.message, "is not a time zone name"));
	assert_int_equal(cp_tz_check("/etc/localtime", NULL), CP_EDATA);
	assert_int_equal(cp_tz_check("", NULL), CP_EDATA);
	/* Not a TZif file, though it exists under the database's folder. */
	assert_int_equal(cp_tz_check("zone.tab", NULL), CP_EDATA);
	/* Before any cp_tz_set: UTC. */
	assert_string_equal(cp_when_format(1799107200, out, sizeof(out)),
			    "2027-01-05 00:00 UTC");
	assert_int_equal(cp_tz_set("America/New_York", NULL), 0);
	assert_string_equal(cp_tz_name(), "America/New_York");
	assert_string_equal(cp_when_format(1799107200, out, sizeof(out)),
			    "2027-01-04 19:00 EST");
	/* Summer time by the date itself. */
	assert_string_equal(cp_when_format(1814400000, out, sizeof(out)),
			    "2027-06-30 20:00 EDT");
	assert_string_equal(cp_when_date(1799107200, out, sizeof(out)),
			    "2027-01-04");
	assert_true(cp_when_long(1799107200, out, sizeof(out)));
	assert_string_equal(out, "Monday 4 January 2027, 19:00 EST");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tags),
	    cmocka_unit_test(test_accept_language),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_timezone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
