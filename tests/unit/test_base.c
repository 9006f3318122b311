/*
 * test_base.c - the building blocks every module leans on: the capped
 * buffer (core/buf.c), error messages (core/error.c), the problem list
 * (core/problems.c) and the crypto wrappers with the installation key
 * (core/crypto.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "crypto.h"
#include "error.h"
#include "fixture.h"
#include "problems.h"

/* ---- a temporary directory per test ---- */

struct tmp {
	struct cp_fixture fx; /* fx.key: where the tests put a key */
};

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	*state = t;
	return cp_fixture_setup(&t->fx, "base", 0);
}

/* Removes the directory and everything in it. */
static int tmp_teardown(void **state)
{
	struct tmp *t = *state;
	int rc = cp_fixture_teardown(&t->fx);

	free(t);
	return rc;
}

/* Number of entries in dir, without . and .. */
static int count_entries(const char *dir)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Writes n bytes to path with the given mode. */
static void write_file(const char *path, const void *data, size_t n,
		       mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Reads up to n bytes of path; returns how many were read. */
static size_t read_file(const char *path, void *out, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	assert_true(fd >= 0);
	r = read(fd, out, n);
	close(fd);
	assert_true(r >= 0);
	return (size_t)r;
}

/* ---- cp_buf ---- */

static void test_buf_cap_keeps_contents(void **state)
{
	struct cp_error err;
	struct cp_buf b;

	(void)state;
	cp_buf_init(&b, 8);
	assert_string_equal(cp_buf_str(&b), "");
	assert_int_equal(cp_buf_adds(&b, "12345", &err), 0);
	cp_error_clear(&err);
	assert_int_equal(cp_buf_adds(&b, "6789", &err), CP_ENOMEM);
	assert_int_equal(err.code, CP_ENOMEM);
	assert_non_null(strstr(err.message, "8"));
	assert_string_equal(cp_buf_str(&b), "12345");
	assert_int_equal(b.len, 5);
	/* Exactly up to the cap is allowed; one more byte is not. */
	assert_int_equal(cp_buf_adds(&b, "678", &err), 0);
	assert_string_equal(cp_buf_str(&b), "12345678");
	assert_int_equal(cp_buf_addc(&b, 'x', &err), CP_ENOMEM);
	assert_int_equal(cp_buf_printf(&b, &err, "%d", 9), CP_ENOMEM);
	assert_int_equal(cp_buf_add(&b, "", 0, &err), 0);
	assert_string_equal(cp_buf_str(&b), "12345678");
	assert_int_equal(b.len, 8);
	/* A NULL err is allowed and the code is still returned. */
	assert_int_equal(cp_buf_addc(&b, 'y', NULL), CP_ENOMEM);
	cp_buf_reset(&b);
	assert_string_equal(cp_buf_str(&b), "");
	assert_int_equal(cp_buf_adds(&b, "abcdefgh", &err), 0);
	assert_string_equal(cp_buf_str(&b), "abcdefgh");
	cp_buf_release(&b);
}

static void test_buf_printf_grows(void **state)
{
	static char expect[20000];
	struct cp_error err;
	struct cp_buf b;
	size_t used = 0;
	char big[3000];

	(void)state;
	cp_buf_init(&b, 0);
	assert_int_equal(b.max, CP_BUF_DEFAULT_MAX);
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(cp_buf_printf(&b, &err, "%d,", i), 0);
		used += (size_t)snprintf(expect + used, sizeof(expect) - used,
					 "%d,", i);
	}
	assert_int_equal(b.len, used);
	assert_int_equal(strlen(cp_buf_str(&b)), used);
	assert_string_equal(cp_buf_str(&b), expect);

	/* One write much bigger than the first allocation. */
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cp_buf_reset(&b);
	assert_int_equal(cp_buf_printf(&b, &err, "<%s>", big), 0);
	assert_int_equal(b.len, sizeof(big) + 1);
	assert_int_equal(cp_buf_str(&b)[0], '<');
	assert_int_equal(cp_buf_str(&b)[b.len - 1], '>');
	assert_int_equal(cp_buf_str(&b)[b.len], '\0');
	cp_buf_release(&b);

	/* printf past the cap fails and keeps what was there. */
	cp_buf_init(&b, 10);
	assert_int_equal(cp_buf_printf(&b, &err, "%s", "abc"), 0);
	assert_int_equal(cp_buf_printf(&b, &err, "%08d", 42), CP_ENOMEM);
	assert_string_equal(cp_buf_str(&b), "abc");
	assert_int_equal(cp_buf_printf(&b, &err, "%07d", 42), 0);
	assert_string_equal(cp_buf_str(&b), "abc0000042");
	cp_buf_release(&b);
}

static void test_buf_detach(void **state)
{
	struct cp_error err;
	struct cp_buf b;
	char *s;

	(void)state;
	cp_buf_init(&b, 100);
	assert_int_equal(cp_buf_adds(&b, "hello", &err), 0);
	s = cp_buf_detach(&b);
	assert_non_null(s);
	assert_string_equal(s, "hello");
	/* b is empty afterwards and usable again, without touching s. */
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(cp_buf_str(&b), "");
	assert_int_equal(cp_buf_adds(&b, "again", &err), 0);
	assert_string_equal(s, "hello");
	free(s);
	cp_buf_release(&b);

	/* An empty buffer detaches as a malloc'ed "". */
	s = cp_buf_detach(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	cp_buf_release(&b);
}

static void test_strlcpy_truncates(void **state)
{
	char out[4];

	(void)state;
	assert_int_equal(cp_strlcpy(out, "abcdef", sizeof(out)), 6);
	assert_string_equal(out, "abc");
	assert_int_equal(cp_strlcpy(out, "ab", sizeof(out)), 2);
	assert_string_equal(out, "ab");
}

/* ---- cp_error ---- */

static void test_error_format(void **state)
{
	struct cp_error err;
	char out[CP_ERROR_MSG_MAX + CP_ERROR_FILE_MAX + 32];

	(void)state;
	assert_int_equal(cp_error_set_at(&err, CP_EDATA, "survey.json", 3, 14,
					 "unexpected '%c'", '}'),
			 CP_EDATA);
	assert_string_equal(cp_error_format(&err, out, sizeof(out)),
			    "survey.json:3:14: unexpected '}'");

	cp_error_set_at(&err, CP_EDATA, "roster.csv", 14, 0,
			"email '%s' is not a valid address", "bob@");
	assert_string_equal(cp_error_format(&err, out, sizeof(out)),
			    "roster.csv:14: email 'bob@' is not a valid "
			    "address");

	cp_error_set_at(&err, CP_EIO, "pulse.db", 0, 0, "cannot open");
	assert_string_equal(cp_error_format(&err, out, sizeof(out)),
			    "pulse.db: cannot open");

	assert_int_equal(cp_error_set(&err, CP_EUSAGE, "no wave %d", 7),
			 CP_EUSAGE);
	assert_int_equal(err.code, CP_EUSAGE);
	assert_string_equal(err.file, "");
	assert_int_equal(err.line, 0);
	assert_string_equal(cp_error_format(&err, out, sizeof(out)),
			    "no wave 7");

	/* A small output buffer is cut, not overrun. */
	cp_error_set_at(&err, CP_EDATA, "survey.json", 3, 14, "bad");
	assert_string_equal(cp_error_format(&err, out, 8), "survey.");

	/* Setting a NULL error still returns the code. */
	assert_int_equal(cp_error_set(NULL, CP_EDATA, "x"), CP_EDATA);

	cp_error_clear(&err);
	assert_int_equal(err.code, CP_OK);
	assert_string_equal(err.message, "");
	assert_string_equal(err.file, "");
}

static void test_error_message_is_truncated(void **state)
{
	struct cp_error err;
	char longer[CP_ERROR_MSG_MAX * 2];

	(void)state;
	memset(longer, 'm', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	cp_error_set(&err, CP_EDATA, "%s", longer);
	assert_int_equal(strlen(err.message), CP_ERROR_MSG_MAX - 1);
}

static void test_error_prefix(void **state)
{
	struct cp_error err;

	(void)state;
	cp_error_set_at(&err, CP_ECONFLICT, "pulse.db", 2, 0, "wave is closed");
	assert_int_equal(cp_error_prefix(&err, "wave %d", 12), CP_ECONFLICT);
	assert_string_equal(err.message, "wave 12: wave is closed");
	assert_int_equal(err.code, CP_ECONFLICT);
	assert_string_equal(err.file, "pulse.db");
	assert_int_equal(err.line, 2);
	assert_int_equal(cp_error_prefix(&err, "send"), CP_ECONFLICT);
	assert_string_equal(err.message, "send: wave 12: wave is closed");
}

static void test_code_names(void **state)
{
	(void)state;
	assert_string_equal(cp_code_name(CP_OK), "ok");
	assert_string_equal(cp_code_name(CP_EDATA), "bad input data");
	assert_string_equal(cp_code_name(CP_EVERSION), "database too new");
	/* Codes only grow: the values are part of the contract. */
	assert_int_equal(CP_EUSAGE, -2);
	assert_int_equal(CP_EDATA, -3);
	assert_int_equal(CP_EVERSION, -9);
}

/* ---- cp_problems ---- */

static void test_problems_collect_and_format(void **state)
{
	struct cp_problems p;
	struct cp_error err;
	char out[1024];

	(void)state;
	cp_problems_init(&p, "roster.csv");
	assert_int_equal(cp_problems_total(&p), 0);
	cp_error_clear(&err);
	assert_int_equal(cp_problems_to_error(&p, &err), 0);
	assert_int_equal(err.code, CP_OK);

	cp_problems_add(&p, 14, "email", "email '%s' is not a valid address",
			"bob@");
	assert_int_equal(cp_problems_to_error(&p, &err), CP_EDATA);
	assert_string_equal(err.message, "email 'bob@' is not a valid address");
	assert_string_equal(err.file, "roster.csv");
	assert_int_equal(err.line, 14);

	cp_problems_add(&p, 20, "team", "team is empty");
	cp_problems_add(&p, 0, NULL, "the header has no email column");
	assert_int_equal(p.count, 3);
	assert_int_equal(cp_problems_total(&p), 3);
	assert_string_equal(p.items[0].field, "email");
	assert_string_equal(p.items[2].field, "");

	assert_string_equal(cp_problems_format(&p, 0, out, sizeof(out)),
			    "roster.csv:14: email 'bob@' is not a valid "
			    "address");
	assert_string_equal(cp_problems_format(&p, 1, out, sizeof(out)),
			    "roster.csv:20: team is empty");
	assert_string_equal(cp_problems_format(&p, 2, out, sizeof(out)),
			    "roster.csv: the header has no email column");

	assert_int_equal(cp_problems_to_error(&p, &err), CP_EDATA);
	assert_int_equal(err.code, CP_EDATA);
	assert_string_equal(err.message, "email 'bob@' is not a valid address "
					 "(and 2 more problems)");
	assert_string_equal(cp_error_format(&err, out, sizeof(out)),
			    "roster.csv:14: email 'bob@' is not a valid "
			    "address (and 2 more problems)");
	cp_problems_release(&p);
	assert_int_equal(cp_problems_total(&p), 0);
}

static void test_problems_cap(void **state)
{
	struct cp_problems p;
	struct cp_error err;
	char expect[128];

	(void)state;
	cp_problems_init(&p, "big.csv");
	for (int i = 0; i < CP_PROBLEMS_MAX + 5; i++)
		cp_problems_add(&p, i + 2, "email", "row %d is bad", i + 2);
	assert_int_equal(p.count, CP_PROBLEMS_MAX);
	assert_int_equal(p.dropped, 5);
	assert_int_equal(cp_problems_total(&p), CP_PROBLEMS_MAX + 5);
	/* The first ones are kept, the late ones only counted. */
	assert_int_equal(p.items[CP_PROBLEMS_MAX - 1].line,
			 CP_PROBLEMS_MAX + 1);

	assert_int_equal(cp_problems_to_error(&p, &err), CP_EDATA);
	snprintf(expect, sizeof(expect), "row 2 is bad (and %d more problems)",
		 CP_PROBLEMS_MAX + 4);
	assert_string_equal(err.message, expect);
	assert_int_equal(err.line, 2);
	cp_problems_release(&p);
}

/* ---- crypto ---- */

static void test_hmac_rfc4231_case2(void **state)
{
	static const char data[] = "what do ya want for nothing?";
	uint8_t mac[CP_SHA256_LEN];
	char hex[2 * CP_SHA256_LEN + 1];

	(void)state;
	cp_hmac_sha256("Jefe", 4, data, strlen(data), mac);
	cp_hex(mac, sizeof(mac), hex);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c7"
				 "5a003f089d2739839dec58b964ec3843");
}

static void test_sha256_abc(void **state)
{
	uint8_t d[CP_SHA256_LEN];
	char hex[2 * CP_SHA256_LEN + 1];

	(void)state;
	cp_sha256("abc", 3, d);
	cp_hex(d, sizeof(d), hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
	cp_sha256("", 0, d);
	cp_hex(d, sizeof(d), hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
				 "27ae41e4649b934ca495991b7852b855");
}

static void test_hex(void **state)
{
	static const uint8_t d[] = {0x00, 0x0f, 0xa0, 0xff};
	char hex[9];

	(void)state;
	cp_hex(d, sizeof(d), hex);
	assert_string_equal(hex, "000fa0ff");
}

static void test_ct_equal(void **state)
{
	uint8_t a[32], b[32];

	(void)state;
	for (int i = 0; i < 32; i++)
		a[i] = b[i] = (uint8_t)(i * 7);
	assert_true(cp_ct_equal(a, b, sizeof(a)));
	b[31] ^= 1;
	assert_false(cp_ct_equal(a, b, sizeof(a)));
	assert_true(cp_ct_equal(a, b, 31));
	b[31] ^= 1;
	b[0] ^= 0x80;
	assert_false(cp_ct_equal(a, b, sizeof(a)));
}

static void test_random_bytes(void **state)
{
	uint8_t a[16], b[16];
	struct cp_error err;

	(void)state;
	assert_int_equal(cp_random_bytes(a, sizeof(a), &err), 0);
	assert_int_equal(cp_random_bytes(b, sizeof(b), &err), 0);
	/* 128 random bits twice alike would be a broken generator. */
	assert_memory_not_equal(a, b, sizeof(a));
}

static void test_key_create(void **state)
{
	struct tmp *t = *state;
	uint8_t first[64], again[64], loaded[CP_KEY_LEN];
	struct cp_error err;
	struct stat sb;
	int created = -1;

	assert_int_equal(cp_key_create(t->fx.key, &created, &err), 0);
	assert_int_equal(created, 1);
	assert_int_equal(stat(t->fx.key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, CP_KEY_LEN);
	/* No temporary file is left next to it. */
	assert_int_equal(count_entries(t->fx.dir), 1);
	assert_int_equal(read_file(t->fx.key, first, sizeof(first)),
			 CP_KEY_LEN);

	assert_int_equal(cp_key_load(t->fx.key, loaded, &err), 0);
	assert_memory_equal(loaded, first, CP_KEY_LEN);

	/* A second call keeps the key: tokens already sent stay valid. */
	created = -1;
	assert_int_equal(cp_key_create(t->fx.key, &created, &err), 0);
	assert_int_equal(created, 0);
	assert_int_equal(read_file(t->fx.key, again, sizeof(again)),
			 CP_KEY_LEN);
	assert_memory_equal(first, again, CP_KEY_LEN);
	assert_int_equal(count_entries(t->fx.dir), 1);
}

static void test_key_load_refuses_open_mode(void **state)
{
	struct tmp *t = *state;
	uint8_t key[CP_KEY_LEN], after[64];
	struct cp_error err;
	int created = -1;

	memset(key, 0x5a, sizeof(key));
	write_file(t->fx.key, key, sizeof(key), 0644);
	cp_error_clear(&err);
	assert_int_equal(cp_key_load(t->fx.key, key, &err), CP_EDATA);
	assert_non_null(strstr(err.message, "chmod 600"));
	assert_string_equal(err.file, t->fx.key);

	/* cp_key_create checks an existing key and never replaces it. */
	assert_int_not_equal(cp_key_create(t->fx.key, &created, &err), 0);
	assert_int_equal(created, 0);
	memset(key, 0x5a, sizeof(key));
	assert_int_equal(read_file(t->fx.key, after, sizeof(after)),
			 CP_KEY_LEN);
	assert_memory_equal(after, key, CP_KEY_LEN);
}

static void test_key_load_refuses_wrong_size(void **state)
{
	struct tmp *t = *state;
	uint8_t key[CP_KEY_LEN + 1];
	struct cp_error err;

	memset(key, 0x11, sizeof(key));
	write_file(t->fx.key, key, CP_KEY_LEN - 1, 0600);
	assert_int_equal(cp_key_load(t->fx.key, key, &err), CP_EDATA);
	assert_non_null(strstr(err.message, "32 bytes"));

	write_file(t->fx.key, key, CP_KEY_LEN + 1, 0600);
	assert_int_equal(cp_key_load(t->fx.key, key, &err), CP_EDATA);

	write_file(t->fx.key, key, 0, 0600);
	assert_int_equal(cp_key_load(t->fx.key, key, &err), CP_EDATA);
}

static void test_key_load_missing(void **state)
{
	struct tmp *t = *state;
	uint8_t key[CP_KEY_LEN];
	struct cp_error err;

	assert_int_equal(cp_key_load(t->fx.key, key, &err), CP_ENOTFOUND);
	assert_non_null(strstr(err.message, "carepulse init"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_cap_keeps_contents),
	    cmocka_unit_test(test_buf_printf_grows),
	    cmocka_unit_test(test_buf_detach),
	    cmocka_unit_test(test_strlcpy_truncates),
	    cmocka_unit_test(test_error_format),
	    cmocka_unit_test(test_error_message_is_truncated),
	    cmocka_unit_test(test_error_prefix),
	    cmocka_unit_test(test_code_names),
	    cmocka_unit_test(test_problems_collect_and_format),
	    cmocka_unit_test(test_problems_cap),
	    cmocka_unit_test(test_hmac_rfc4231_case2),
	    cmocka_unit_test(test_sha256_abc),
	    cmocka_unit_test(test_hex),
	    cmocka_unit_test(test_ct_equal),
	    cmocka_unit_test(test_random_bytes),
	    cmocka_unit_test_setup_teardown(test_key_create, tmp_setup,
					    tmp_teardown),
	    cmocka_unit_test_setup_teardown(test_key_load_refuses_open_mode,
					    tmp_setup, tmp_teardown),
	    cmocka_unit_test_setup_teardown(test_key_load_refuses_wrong_size,
					    tmp_setup, tmp_teardown),
	    cmocka_unit_test_setup_teardown(test_key_load_missing, tmp_setup,
					    tmp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
