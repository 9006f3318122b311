/*
 * test_demo.c - the demo's pieces in core: its folder (core/demo.c), the
 * seeded roster, the pinned store clock, and the plain HTTP client's
 * refusal of a URL it must not reach (core/deliver_http.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "demo.h"
#include "error.h"
#include "fixture.h"
#include "http_client.h"
#include "store.h"

static void path_of(char *out, size_t n, const char *dir, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void touch(const char *dir, const char *name)
{
	char p[512];
	FILE *f;

	path_of(p, sizeof(p), dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("x\n", f);
	fclose(f);
}

static int exists(const char *dir, const char *name)
{
	char p[512];
	struct stat sb;

	path_of(p, sizeof(p), dir, name);
	return stat(p, &sb) == 0;
}

/* The test's directory, removed with all it holds however it ends. */
static int make_dir(void **state)
{
	static struct cp_fixture fx;

	*state = &fx;
	return cp_fixture_setup(&fx, "demo", 0);
}

static int remove_dir(void **state)
{
	return cp_fixture_teardown(*state);
}

static void test_dir_new_again_and_refused(void **state)
{
	struct cp_fixture *fx = *state;
	char dir[128], other[128], outbox[160];
	enum cp_demo_dir_state s;
	struct cp_error err;

	cp_error_clear(&err);
	cp_fixture_file(fx, "demo", dir, sizeof(dir));
	cp_fixture_file(fx, "other", other, sizeof(other));
	snprintf(outbox, sizeof(outbox), "%s/outbox", dir);

	assert_int_equal(cp_demo_dir(dir, &s, &err), 0);
	assert_int_equal(s, CP_DEMO_DIR_NEW);
	assert_true(exists(dir, CP_DEMO_MARKER));

	/* What a demo writes goes; what someone else put there stays. */
	touch(dir, "carepulse.db");
	touch(dir, "carepulse.db.key");
	touch(dir, "report-ward-7.pdf");
	touch(dir, "notes.txt");
	assert_int_equal(mkdir(outbox, 0700), 0);
	touch(outbox, "wave-1-invitation-1.eml");
	assert_int_equal(cp_demo_dir(dir, &s, &err), 0);
	assert_int_equal(s, CP_DEMO_DIR_AGAIN);
	assert_false(exists(dir, "carepulse.db"));
	assert_false(exists(dir, "carepulse.db.key"));
	assert_false(exists(dir, "report-ward-7.pdf"));
	assert_false(exists(dir, "outbox"));
	assert_true(exists(dir, "notes.txt"));
	assert_true(exists(dir, CP_DEMO_MARKER));

	/* Not the demo's and not empty: refused, untouched. */
	assert_int_equal(mkdir(other, 0700), 0);
	touch(other, "carepulse.db");
	assert_int_equal(cp_demo_dir(other, &s, &err), CP_ECONFLICT);
	assert_non_null(strstr(err.message, CP_DEMO_MARKER));
	assert_true(exists(other, "carepulse.db"));
	assert_false(exists(other, CP_DEMO_MARKER));
}

static void test_roster_is_seeded(void **state)
{
	struct cp_buf a, b, c;

	(void)state;
	cp_buf_init(&a, 0);
	cp_buf_init(&b, 0);
	cp_buf_init(&c, 0);
	assert_int_equal(cp_demo_roster(&a, 7, NULL), 0);
	assert_int_equal(cp_demo_roster(&b, 7, NULL), 0);
	assert_int_equal(cp_demo_roster(&c, 8, NULL), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_true(a.len != c.len || memcmp(a.data, c.data, a.len) != 0);
	cp_buf_release(&a);
	cp_buf_release(&b);
	cp_buf_release(&c);
}

static void test_clock_pin(void **state)
{
	(void)state;
	setenv("CAREPULSE_NOW", "1700000000", 1);
	assert_int_equal(cp_store_clock(), 1700000000);
	cp_store_clock_pin(1800000000);
	assert_int_equal(cp_store_clock(), 1800000000);
	assert_int_equal(cp_store_now(), 1800000000);
	cp_store_clock_pin(0);
	assert_int_equal(cp_store_clock(), 1700000000);
	unsetenv("CAREPULSE_NOW");
}

static void test_http_refuses_plain_http_elsewhere(void **state)
{
	struct cp_http_client *c = NULL;
	struct cp_error err;
	long status = -1;

	(void)state;
	cp_error_clear(&err);
	assert_int_equal(cp_http_client_open(&c, 5, &err), 0);
	assert_int_equal(cp_http_post(c, "http://example.org/r/x", "text/plain",
				      "a", 1, &status, &err),
			 CP_EUSAGE);
	assert_int_equal(status, 0);
	assert_null(strstr(err.message, "example.org"));
	/* Nothing listens on port 1 here: unavailable, not a crash. */
	assert_int_equal(cp_http_post(c, "http://127.0.0.1:1/r/x", "text/plain",
				      "a", 1, &status, &err),
			 CP_EUNAVAIL);
	cp_http_client_free(c);
	cp_http_client_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_dir_new_again_and_refused,
					    make_dir, remove_dir),
	    cmocka_unit_test(test_roster_is_seeded),
	    cmocka_unit_test(test_clock_pin),
	    cmocka_unit_test(test_http_refuses_plain_http_elsewhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
