/*
 * test_config.c - settings (core/config.c): defaults, the environment
 * overriding the database, validation on set, and secrets that never enter
 * the database (DESIGN.md 13).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fixture.h"
#include "store.h"

struct fixture {
	struct cp_fixture fx; /* directory and store */
	char *value;	      /* freed by the teardown */
};

/* Every variable these tests set; cleared before and after each test so
 * the caller's environment cannot change a result. */
static const char *const env_vars[] = {
    "CAREPULSE_THRESHOLD",	    "CAREPULSE_COMMENT_THRESHOLD",
    "CAREPULSE_SMTP_TLS",	    "CAREPULSE_SMTP_PASSWORD",
    "CAREPULSE_SMTP_PASSWORD_FILE", "CAREPULSE_WEBHOOK_URL",
    "CAREPULSE_WEBHOOK_URL_FILE",   "CAREPULSE_KEY_FILE",
    "CAREPULSE_BASE_URL",	    "CAREPULSE_WEBHOOK_SECRET",
};

static void clear_env(void)
{
	for (size_t i = 0; i < sizeof(env_vars) / sizeof(env_vars[0]); i++)
		unsetenv(env_vars[i]);
}

static int make_store(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	clear_env();
	return cp_fixture_setup(&f->fx, "config", CP_FIXTURE_STORE);
}

static int cleanup(void **state)
{
	struct fixture *f = *state;
	int rc;

	clear_env();
	free(f->value);
	rc = cp_fixture_teardown(&f->fx);
	free(f);
	return rc;
}

/*
 * The value of key and where it came from, kept in f->value. Fails the
 * test when cp_config_get fails.
 */
static const char *get(struct fixture *f, const char *key, const char **source)
{
	struct cp_error err;
	char msg[1024];

	free(f->value);
	f->value = NULL;
	*source = "";
	if (cp_config_get(f->fx.s, key, &f->value, source, &err))
		fail_msg("get %s: %s", key,
			 cp_error_format(&err, msg, sizeof(msg)));
	return f->value;
}

/* What the database itself holds for key (NULL: nothing), in f->value. */
static const char *stored(struct fixture *f, const char *key)
{
	struct cp_error err;

	free(f->value);
	f->value = NULL;
	assert_int_equal(cp_store_config_get(f->fx.s, key, &f->value, &err), 0);
	return f->value;
}

static void write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

static void test_defaults(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	const char *source;
	long n = 0;

	assert_string_equal(get(f, "threshold", &source), "5");
	assert_string_equal(source, "default");
	assert_string_equal(get(f, "comment_threshold", &source), "10");
	assert_string_equal(source, "default");
	assert_string_equal(get(f, "smtp.tls", &source), "required");
	assert_string_equal(source, "default");
	/* No default: NULL, not an error. */
	assert_null(get(f, "smtp.url", &source));

	assert_int_equal(cp_config_get_int(f->fx.s, "threshold", &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(
	    cp_config_get_int(f->fx.s, "comment_threshold", &n, &err), 0);
	assert_int_equal(n, 10);

	/* Without a database too. */
	assert_int_equal(cp_config_get_int(NULL, "threshold", &n, &err), 0);
	assert_int_equal(n, 5);
}

static void test_env_beats_database(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	const char *source;
	long n = 0;

	assert_int_equal(cp_config_set(f->fx.s, "threshold", "7", &err), 0);
	assert_string_equal(get(f, "threshold", &source), "7");
	assert_string_equal(source, "db");

	assert_int_equal(setenv("CAREPULSE_THRESHOLD", "4", 1), 0);
	assert_string_equal(get(f, "threshold", &source), "4");
	assert_string_equal(source, "env");
	assert_int_equal(cp_config_get_int(f->fx.s, "threshold", &n, &err), 0);
	assert_int_equal(n, 4);
	/* The override is not written back. */
	assert_string_equal(stored(f, "threshold"), "7");

	/* An empty variable counts as unset. */
	assert_int_equal(setenv("CAREPULSE_THRESHOLD", "", 1), 0);
	assert_string_equal(get(f, "threshold", &source), "7");
	assert_string_equal(source, "db");

	assert_int_equal(unsetenv("CAREPULSE_THRESHOLD"), 0);
	assert_string_equal(get(f, "threshold", &source), "7");

	/* Dots become underscores. */
	assert_int_equal(setenv("CAREPULSE_SMTP_TLS", "none", 1), 0);
	assert_string_equal(get(f, "smtp.tls", &source), "none");
	assert_string_equal(source, "env");
}

static void test_invalid_env_names_variable(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	char *v = NULL;
	long n;

	assert_int_equal(setenv("CAREPULSE_THRESHOLD", "lots", 1), 0);
	cp_error_clear(&err);
	assert_int_equal(cp_config_get(f->fx.s, "threshold", &v, NULL, &err),
			 CP_EDATA);
	assert_null(v);
	assert_non_null(strstr(err.message, "CAREPULSE_THRESHOLD"));
	assert_non_null(strstr(err.message, "lots"));

	/* Out of range is as wrong as not a number. */
	assert_int_equal(setenv("CAREPULSE_THRESHOLD", "2", 1), 0);
	assert_int_equal(cp_config_get_int(f->fx.s, "threshold", &n, &err),
			 CP_EDATA);
	assert_non_null(strstr(err.message, "CAREPULSE_THRESHOLD"));

	assert_int_equal(setenv("CAREPULSE_SMTP_TLS", "maybe", 1), 0);
	assert_int_equal(cp_config_get(f->fx.s, "smtp.tls", &v, NULL, &err),
			 CP_EDATA);
	assert_non_null(strstr(err.message, "CAREPULSE_SMTP_TLS"));
}

static void test_set_refuses_unknown_keys(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	char *v = NULL;

	cp_error_clear(&err);
	assert_int_equal(cp_config_set(f->fx.s, "treshold", "5", &err),
			 CP_EUSAGE);
	assert_non_null(strstr(err.message, "'treshold'"));
	assert_null(stored(f, "treshold"));
	assert_int_equal(cp_config_unset(f->fx.s, "treshold", &err), CP_EUSAGE);
	assert_int_equal(cp_config_get(f->fx.s, "treshold", &v, NULL, &err),
			 CP_EUSAGE);
	assert_null(v);
	assert_null(cp_config_key("treshold"));
	assert_non_null(cp_config_key("threshold"));
}

static void test_set_refuses_secrets(void **state)
{
	static const char *const secrets[][2] = {
	    {"smtp.password", "CAREPULSE_SMTP_PASSWORD"},
	    {"webhook.url", "CAREPULSE_WEBHOOK_URL"},
	    {"webhook.secret", "CAREPULSE_WEBHOOK_SECRET"},
	};
	struct fixture *f = *state;
	struct cp_error err;

	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		const char *key = secrets[i][0];
		cp_error_clear(&err);
		assert_int_equal(
		    cp_config_set(f->fx.s, key, "https://x.example", &err),
		    CP_EUSAGE);
		if (strstr(err.message, secrets[i][1]) == NULL)
			fail_msg("'%s' refused without naming %s: %s", key,
				 secrets[i][1], err.message);
		assert_true(cp_config_key(key)->secret);
		assert_null(stored(f, key));
	}
}

/*
 * The hint given when webhook.url is refused names a *_file key; that key
 * must then be one carepulse accepts, and the secret must be readable
 * from it (DESIGN.md 13: secrets come from the environment or a file).
 */
static void test_webhook_url_from_file(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	char file[320];
	char msg[1024];

	cp_error_clear(&err);
	assert_int_equal(
	    cp_config_set(f->fx.s, "webhook.url", "https://x.example", &err),
	    CP_EUSAGE);
	assert_non_null(strstr(err.message, "'webhook.url_file'"));

	/* Nothing configured yet: no secret, and no error. */
	free(f->value);
	f->value = NULL;
	if (cp_config_secret(f->fx.s, "webhook.url", &f->value, &err))
		fail_msg("%s", cp_error_format(&err, msg, sizeof(msg)));
	assert_null(f->value);

	snprintf(file, sizeof(file), "%s/webhook", f->fx.dir);
	write_text(file, "https://hooks.example.org/T0/B0\n");
	if (cp_config_set(f->fx.s, "webhook.url_file", file, &err))
		fail_msg("%s", cp_error_format(&err, msg, sizeof(msg)));
	if (cp_config_secret(f->fx.s, "webhook.url", &f->value, &err))
		fail_msg("%s", cp_error_format(&err, msg, sizeof(msg)));
	assert_string_equal(f->value, "https://hooks.example.org/T0/B0");
}

static void test_threshold_range(void **state)
{
	static const char *const bad[] = {"2", "11", "0", "-5", "5x", "five"};
	static const char *const good[] = {"3", "10", "5"};
	struct fixture *f = *state;
	struct cp_error err;
	const char *source;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cp_error_clear(&err);
		if (cp_config_set(f->fx.s, "threshold", bad[i], &err) !=
		    CP_EDATA)
			fail_msg("threshold '%s' was accepted", bad[i]);
		assert_non_null(strstr(err.message, "threshold"));
		assert_null(stored(f, "threshold"));
	}
	assert_int_equal(cp_config_set(f->fx.s, "threshold", "", &err),
			 CP_EDATA);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(
		    cp_config_set(f->fx.s, "threshold", good[i], &err), 0);
		assert_string_equal(get(f, "threshold", &source), good[i]);
	}
}

static void test_comment_threshold_not_below_threshold(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	const char *source;

	assert_int_equal(cp_config_set(f->fx.s, "threshold", "6", &err), 0);
	cp_error_clear(&err);
	assert_int_equal(cp_config_set(f->fx.s, "comment_threshold", "5", &err),
			 CP_EDATA);
	assert_non_null(strstr(err.message, "below"));
	assert_null(stored(f, "comment_threshold"));
	assert_int_equal(cp_config_set(f->fx.s, "comment_threshold", "6", &err),
			 0);
	assert_string_equal(get(f, "comment_threshold", &source), "6");

	/* Nor can threshold be raised past it. */
	assert_int_equal(cp_config_set(f->fx.s, "threshold", "7", &err),
			 CP_EDATA);
	assert_string_equal(stored(f, "threshold"), "6");

	/* The environment's threshold is the one that counts. */
	assert_int_equal(setenv("CAREPULSE_THRESHOLD", "9", 1), 0);
	assert_int_equal(cp_config_set(f->fx.s, "comment_threshold", "8", &err),
			 CP_EDATA);
	assert_string_equal(stored(f, "comment_threshold"), "6");
}

static void test_secret_from_env_or_file(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	char file[320], msg[1024];

	/* Nothing set: NULL and no error. */
	assert_int_equal(
	    cp_config_secret(f->fx.s, "smtp.password", &f->value, &err), 0);
	assert_null(f->value);

	snprintf(file, sizeof(file), "%s/smtp-password", f->fx.dir);
	write_text(file, "from-the-file\nsecond line\n");
	if (cp_config_set(f->fx.s, "smtp.password_file", file, &err))
		fail_msg("%s", cp_error_format(&err, msg, sizeof(msg)));
	assert_int_equal(
	    cp_config_secret(f->fx.s, "smtp.password", &f->value, &err), 0);
	assert_string_equal(f->value, "from-the-file");
	free(f->value);
	f->value = NULL;

	/* A file written on Windows: the CR is not part of the password. */
	write_text(file, "crlf-secret\r\n");
	assert_int_equal(
	    cp_config_secret(f->fx.s, "smtp.password", &f->value, &err), 0);
	assert_string_equal(f->value, "crlf-secret");
	free(f->value);
	f->value = NULL;

	/* The variable beats the file. */
	assert_int_equal(setenv("CAREPULSE_SMTP_PASSWORD", "from-env", 1), 0);
	assert_int_equal(
	    cp_config_secret(f->fx.s, "smtp.password", &f->value, &err), 0);
	assert_string_equal(f->value, "from-env");
	free(f->value);
	f->value = NULL;
	assert_int_equal(unsetenv("CAREPULSE_SMTP_PASSWORD"), 0);

	/* A file that cannot be read is an error, not an empty password. */
	assert_int_equal(unlink(file), 0);
	assert_int_not_equal(
	    cp_config_secret(f->fx.s, "smtp.password", &f->value, &err), 0);
	assert_null(f->value);

	/* And a secret is never read from the database. */
	assert_int_equal(
	    cp_store_config_set(f->fx.s, "smtp.password", "stored", &err), 0);
	assert_int_equal(cp_config_set(f->fx.s, "smtp.password_file", "", &err),
			 CP_EDATA);
	assert_int_equal(cp_config_unset(f->fx.s, "smtp.password_file", &err),
			 0);
	assert_int_equal(
	    cp_config_secret(f->fx.s, "smtp.password", &f->value, &err), 0);
	assert_null(f->value);
	assert_int_equal(
	    cp_config_get(f->fx.s, "smtp.password", &f->value, NULL, &err), 0);
	assert_null(f->value);
}

static void test_env_name(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(cp_config_env_name("smtp.url", out, sizeof(out)),
			    "CAREPULSE_SMTP_URL");
	assert_string_equal(
	    cp_config_env_name("comment_threshold", out, sizeof(out)),
	    "CAREPULSE_COMMENT_THRESHOLD");
	assert_string_equal(
	    cp_config_env_name("smtp.password_file", out, sizeof(out)),
	    "CAREPULSE_SMTP_PASSWORD_FILE");
	/* A short buffer is cut and terminated. */
	assert_string_equal(cp_config_env_name("smtp.url", out, 12),
			    "CAREPULSE_S");
	assert_string_equal(cp_config_env_name("smtp.url", out, 5), "CARE");
}

static void test_every_key_has_env_name_and_help(void **state)
{
	const struct cp_config_key *keys;
	char env[128];
	size_t n;

	(void)state;
	keys = cp_config_keys(&n);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(cp_config_key(keys[i].key), &keys[i]);
		assert_non_null(keys[i].help);
		cp_config_env_name(keys[i].key, env, sizeof(env));
		assert_true(strncmp(env, "CAREPULSE_", 10) == 0);
		assert_null(strchr(env, '.'));
		/* A default must pass the key's own check. */
		if (keys[i].fallback)
			assert_int_equal(cp_config_check(keys[i].key,
							 keys[i].fallback,
							 NULL),
					 0);
	}
}

/* The thresholds in force: a wave's own first, the comment threshold never
 * below the threshold, the ranges from the key table. */
static void test_thresholds(void **state)
{
	struct cp_error err;
	long lo = 0, hi = 0;
	int k = 0, ck = 0;

	(void)state;
	assert_true(cp_config_key_range("threshold", &lo, &hi));
	assert_int_equal(lo, 3);
	assert_int_equal(hi, 10);
	assert_false(cp_config_key_range("smtp.url", &lo, &hi));
	assert_false(cp_config_key_range("treshold", &lo, &hi));
	assert_int_equal(cp_config_get_int(NULL, "smtp.tls", &lo, &err),
			 CP_EUSAGE);

	assert_int_equal(cp_config_thresholds(NULL, 0, 0, &k, &ck, &err), 0);
	assert_int_equal(k, 5);
	assert_int_equal(ck, 10);
	assert_int_equal(cp_config_thresholds(NULL, 7, 0, &k, &ck, &err), 0);
	assert_int_equal(k, 7);
	assert_int_equal(ck, 10);
	assert_int_equal(cp_config_thresholds(NULL, 8, 6, &k, &ck, NULL), 0);
	assert_int_equal(k, 8);
	assert_int_equal(ck, 8);
}

static void test_key_path(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	char expect[320];

	assert_int_equal(
	    cp_config_key_path(f->fx.s, f->fx.path, &f->value, &err), 0);
	snprintf(expect, sizeof(expect), "%s.key", f->fx.path);
	assert_string_equal(f->value, expect);
	free(f->value);
	f->value = NULL;

	assert_int_equal(
	    cp_config_set(f->fx.s, "key_file", "/srv/pulse/key", &err), 0);
	assert_int_equal(
	    cp_config_key_path(f->fx.s, f->fx.path, &f->value, &err), 0);
	assert_string_equal(f->value, "/srv/pulse/key");
	free(f->value);
	f->value = NULL;

	assert_int_equal(setenv("CAREPULSE_KEY_FILE", "/run/secrets/key", 1),
			 0);
	assert_int_equal(
	    cp_config_key_path(f->fx.s, f->fx.path, &f->value, &err), 0);
	assert_string_equal(f->value, "/run/secrets/key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_defaults, make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_env_beats_database, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_invalid_env_names_variable,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_set_refuses_unknown_keys,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_set_refuses_secrets,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_webhook_url_from_file,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_threshold_range, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(
		test_comment_threshold_not_below_threshold, make_store,
		cleanup),
	    cmocka_unit_test_setup_teardown(test_secret_from_env_or_file,
					    make_store, cleanup),
	    cmocka_unit_test(test_env_name),
	    cmocka_unit_test(test_every_key_has_env_name_and_help),
	    cmocka_unit_test(test_thresholds),
	    cmocka_unit_test_setup_teardown(test_key_path, make_store, cleanup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
