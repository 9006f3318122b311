/*
 * test_fuzz_found.c - what the fuzz harnesses (tests/fuzz) and the fault
 * loops (tests/fault) found, one regression test each, beside the input
 * committed to the harness's corpus.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "mail.h"
#include "token.h"
#include "when.h"

/* tests/fuzz/corpus/when/crash-relative-past-9999: "+999999w" was taken
 * as a time past the year 9999, which no date format could write back. */
static void test_relative_time_past_9999_refused(void **state)
{
	struct cp_error err = {0};
	int64_t t = 0;

	(void)state;
	assert_int_equal(cp_when_parse("+999999w", 1795000000, &t, &err),
			 CP_EDATA);
	assert_non_null(strstr(err.message, "+999999w"));
	assert_int_equal(cp_when_parse("+520w", 1795000000, &t, NULL), 0);
	assert_int_equal(t, 1795000000 + 520 * 7 * 86400);
}

/* The fault loop of send: an HMAC that failed under memory pressure left
 * the token unset, and an invitation went out with a wrong link. The
 * functions now say when they fail; here, that they succeed otherwise. */
static void test_hmacs_report_success(void **state)
{
	static const uint8_t key[CP_KEY_LEN] = {7};
	char token[CP_TOKEN_LEN + 1], hex[33], id[128];
	uint8_t hash[CP_SHA256_LEN];

	(void)state;
	assert_int_equal(cp_crypto_init(NULL), 0);
	assert_int_equal(cp_token_derive(key, 1, 2, "team", token), 0);
	assert_int_equal(strlen(token), CP_TOKEN_LEN);
	assert_int_equal(cp_token_hash(token, hash), 0);
	assert_int_equal(cp_sha256("abc", 3, hash), 0);
	assert_int_equal(hash[0], 0xba);
	assert_int_equal(cp_mail_message_id(key, 1, 2, 0, 0, "example.org", hex,
					    id, sizeof(id)),
			 0);
	assert_int_equal(strlen(hex), 32);
}

/* tests/fuzz/corpus/mail/dot-after-soft-break: quoted-printable encoded
 * a '.' at the start of a line only when the text had it there, not when
 * a soft line break put it there. */
static void test_qp_no_dot_after_soft_break(void **state)
{
	struct cp_buf b;
	char text[80];

	(void)state;
	/* 75 characters, then a '.' that lands on the next line. */
	memset(text, 'x', 75);
	text[75] = '.';
	text[76] = 'y';
	text[77] = '\0';
	cp_buf_init(&b, 4096);
	assert_int_equal(cp_mail_qp(&b, text, NULL), 0);
	for (const char *p = cp_buf_str(&b); (p = strstr(p, "\r\n")); p += 2)
		assert_true(p[2] != '.');
	assert_non_null(strstr(cp_buf_str(&b), "=\r\n=2Ey"));
	cp_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_relative_time_past_9999_refused),
	    cmocka_unit_test(test_hmacs_report_success),
	    cmocka_unit_test(test_qp_no_dot_after_soft_break),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
