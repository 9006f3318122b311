/*
 * config.c - settings with environment overrides and secrets kept out of
 * the database.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store.h"
#include "text.h"
#include "when.h"

static int check_url(const char *v, struct cp_error *err)
{
	if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
		return cp_error_set(err, CP_EDATA,
				    "'%s' must start with http:// or https://",
				    v);
	return 0;
}

static int check_smtp_url(const char *v, struct cp_error *err)
{
	if (strncmp(v, "smtp://", 7) && strncmp(v, "smtps://", 8))
		return cp_error_set(err, CP_EDATA,
				    "'%s' must start with smtp:// or smtps://",
				    v);
	return 0;
}

static int check_tls(const char *v, struct cp_error *err)
{
	if (strcmp(v, "required") && strcmp(v, "none"))
		return cp_error_set(err, CP_EDATA,
				    "'%s' must be required or none", v);
	return 0;
}

/* A plain whole number: digits only, so " 5" or "+5" are not stored. */
static bool digits(const char *v)
{
	return *v && strspn(v, "0123456789") == strlen(v);
}

static int check_threshold(const char *v, struct cp_error *err)
{
	char *end;
	long n;

	if (!digits(v))
		return cp_error_set(err, CP_EDATA,
				    "'%s' must be a whole number from 3 to 10",
				    v);
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < 3 || n > 10)
		return cp_error_set(err, CP_EDATA,
				    "'%s' must be a whole number from 3 to 10",
				    v);
	return 0;
}

static int check_comment_threshold(const char *v, struct cp_error *err)
{
	char *end;
	long n;

	if (!digits(v))
		return cp_error_set(err, CP_EDATA,
				    "'%s' must be a whole number from 3 to 100",
				    v);
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < 3 || n > 100)
		return cp_error_set(err, CP_EDATA,
				    "'%s' must be a whole number from 3 to 100 "
				    "(and never below threshold)",
				    v);
	return 0;
}

/* A whole number within [lo, hi]. */
static int check_range(const char *v, long lo, long hi, struct cp_error *err)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < lo || n > hi)
		return cp_error_set(err, CP_EDATA,
				    "'%s' must be a whole number from %ld to "
				    "%ld",
				    v, lo, hi);
	return 0;
}

static int check_remind_max(const char *v, struct cp_error *err)
{
	return check_range(v, 0, 10, err);
}

static int check_retries(const char *v, struct cp_error *err)
{
	return check_range(v, 0, 20, err);
}

static int check_backoff(const char *v, struct cp_error *err)
{
	return check_range(v, 1, 60000, err);
}

static int check_timeout(const char *v, struct cp_error *err)
{
	return check_range(v, 1, 600, err);
}

static int check_duration(const char *v, struct cp_error *err)
{
	int64_t d;

	return cp_duration_parse(v, &d, err);
}

static int check_chat_invitations(const char *v, struct cp_error *err)
{
	if (strcmp(v, "email") && strcmp(v, "webhook") && strcmp(v, "outbox"))
		return cp_error_set(err, CP_EDATA,
				    "'%s' must be email, webhook or outbox", v);
	return 0;
}

static const struct cp_config_key keys[] = {
    {"base_url", "where 'serve' is reachable; links are built on it",
     "http://127.0.0.1:8080", false, check_url},
    {"chat.invitations",
     "how a slack or teams wave sends personal links: email, webhook, outbox",
     "email", false, check_chat_invitations},
    {"chat.webhooks_file",
     "file of 'team = Slack/Teams webhook URL' lines (mode 0600)", NULL, false,
     NULL},
    {"comment_threshold",
     "fewest responses before comments are shown (never below threshold)", "10",
     false, check_comment_threshold},
    {"key_file", "path of the installation key (default: <db>.key)", NULL,
     false, NULL},
    {"mail.from", "sender of invitations, e.g. Team Pulse <pulse@x.org>", NULL,
     false, NULL},
    {"mail.invitation_template",
     "file with your own invitation text (see README: templates)", NULL, false,
     NULL},
    {"mail.reminder_template", "file with your own reminder text", NULL, false,
     NULL},
    {"mail.self_template", "file with your own self-assessment invitation",
     NULL, false, NULL},
    {"outbox.dir", "folder for the outbox channel", "./outbox", false, NULL},
    {"remind.interval",
     "least time after the invitation or last reminder (30m, 12h, 3d, 2w)",
     "3d", false, check_duration},
    {"remind.max", "most reminders per person (0 to 10)", "2", false,
     check_remind_max},
    {"send.backoff_ms", "first retry delay in ms, doubled each try (cap 60s)",
     "1000", false, check_backoff},
    {"send.retries", "retries of a transient failure per run (0 to 20)", "4",
     false, check_retries},
    {"send.timeout", "seconds one message may take (1 to 600)", "30", false,
     check_timeout},
    {"smtp.password", "SMTP AUTH password (environment only)", NULL, true,
     NULL},
    {"smtp.password_file", "file holding the SMTP AUTH password", NULL, false,
     NULL},
    {"smtp.tls", "required (STARTTLS or smtps) or none (loopback only)",
     "required", false, check_tls},
    {"smtp.url", "SMTP server, e.g. smtp://mail.example.org:587", NULL, false,
     check_smtp_url},
    {"smtp.user", "SMTP AUTH user name", NULL, false, NULL},
    {"threshold", "fewest responses before scores are shown (3 to 10)", "5",
     false, check_threshold},
    {"tls.ca_file",
     "PEM certificates SMTP and HTTPS webhooks trust instead of the system's "
     "(a private CA)",
     NULL, false, NULL},
    {"webhook.secret", "webhook signing secret (environment only)", NULL, true,
     NULL},
    {"webhook.secret_file", "file holding the webhook signing secret", NULL,
     false, NULL},
    {"webhook.url", "generic signed webhook endpoint (a credential)", NULL,
     true, check_url},
    {"webhook.url_file", "file holding the generic webhook endpoint", NULL,
     false, NULL},
};

const struct cp_config_key *cp_config_keys(size_t *n)
{
	*n = sizeof(keys) / sizeof(keys[0]);
	return keys;
}

const struct cp_config_key *cp_config_key(const char *key)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].key, key) == 0)
			return &keys[i];
	return NULL;
}

const char *cp_config_env_name(const char *key, char *out, size_t n)
{
	size_t i = cp_strlcpy(out, "CAREPULSE_", n);

	for (; *key && i + 1 < n; key++, i++) {
		char c = *key;
		if (c == '.' || c == '-')
			c = '_';
		else if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		out[i] = c;
	}
	if (n)
		out[i < n ? i : n - 1] = '\0';
	return out;
}

static int unknown_key(const char *key, struct cp_error *err)
{
	return cp_error_set(err, CP_EUSAGE,
			    "unknown setting '%s': see 'carepulse config list'",
			    key);
}

/*
 * A secret from the file its "_file" key names (first line, without its
 * newline), checked like a value from anywhere else. *out stays NULL
 * when no file is named.
 */
static int secret_file(struct cp_store *st, const struct cp_config_key *k,
		       char **out, const char **source, struct cp_error *err)
{
	char file_key[128];
	char *path = NULL;
	struct cp_buf b;
	int rc;

	snprintf(file_key, sizeof(file_key), "%s_file", k->key);
	if (cp_config_key(file_key) == NULL)
		return 0;
	rc = cp_config_get(st, file_key, &path, NULL, err);
	if (rc || path == NULL)
		return rc;
	cp_buf_init(&b, 64 * 1024);
	rc = cp_buf_read_file(&b, path, err);
	if (rc == 0) {
		char *nl = strpbrk(b.data, "\r\n");
		if (nl)
			*nl = '\0';
		if (k->check && k->check(b.data, err))
			rc = cp_error_prefix(err, "%s (from %s)", k->key, path);
	}
	if (rc == 0) {
		*out = cp_buf_detach(&b);
		if (*out == NULL)
			rc = cp_error_set(err, CP_ENOMEM, "out of memory");
		else if (source)
			*source = "file";
	}
	cp_buf_release(&b);
	free(path);
	return rc;
}

int cp_config_get(struct cp_store *st, const char *key, char **out,
		  const char **source, struct cp_error *err)
{
	const struct cp_config_key *k = cp_config_key(key);
	char env[128];
	const char *v;
	int rc;

	*out = NULL;
	if (k == NULL)
		return unknown_key(key, err);
	v = getenv(cp_config_env_name(key, env, sizeof(env)));
	if (v && *v) {
		if (k->check && k->check(v, err))
			return cp_error_prefix(err, "%s", env);
		*out = cp_strdup(v);
		if (source)
			*source = "env";
		return *out ? 0 : cp_error_set(err, CP_ENOMEM, "out of memory");
	}
	if (k->secret)
		return secret_file(st, k, out, source, err);
	if (st) {
		rc = cp_store_config_get(st, key, out, err);
		if (rc || *out) {
			if (source)
				*source = "db";
			return rc;
		}
	}
	if (k->fallback) {
		*out = cp_strdup(k->fallback);
		if (source)
			*source = "default";
		return *out ? 0 : cp_error_set(err, CP_ENOMEM, "out of memory");
	}
	return 0;
}

int cp_config_get_int(struct cp_store *st, const char *key, long lo, long hi,
		      long *out, struct cp_error *err)
{
	char *v, *end;
	long n;
	int rc;

	rc = cp_config_get(st, key, &v, NULL, err);
	if (rc)
		return rc;
	if (v == NULL)
		return cp_error_set(err, CP_EDATA, "setting '%s' is not set",
				    key);
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < lo || n > hi)
		rc = cp_error_set(err, CP_EDATA,
				  "setting '%s' is '%s': expected a whole "
				  "number from %ld to %ld",
				  key, v, lo, hi);
	free(v);
	*out = n;
	return rc;
}

int cp_config_set(struct cp_store *st, const char *key, const char *value,
		  struct cp_error *err)
{
	const struct cp_config_key *k = cp_config_key(key);
	char env[128];
	long threshold;

	if (k == NULL)
		return unknown_key(key, err);
	if (k->secret)
		return cp_error_set(
		    err, CP_EUSAGE,
		    "'%s' is a secret and is never stored: set "
		    "%s in the environment, or put it in a "
		    "file and set '%s_file'",
		    key, cp_config_env_name(key, env, sizeof(env)), key);
	if (*value == '\0')
		return cp_error_set(err, CP_EDATA,
				    "setting '%s' must not be empty (use "
				    "'config unset')",
				    key);
	if (k->check && k->check(value, err))
		return cp_error_prefix(err, "%s", key);
	if (strcmp(key, "comment_threshold") == 0) {
		if (cp_config_get_int(st, "threshold", 3, 10, &threshold, err))
			return err ? err->code : CP_EDATA;
		if (strtol(value, NULL, 10) < threshold)
			return cp_error_set(err, CP_EDATA,
					    "comment_threshold %s is below "
					    "threshold %ld",
					    value, threshold);
	}
	if (strcmp(key, "threshold") == 0) {
		long ct;
		if (cp_config_get_int(st, "comment_threshold", 3, 100, &ct,
				      err))
			return err ? err->code : CP_EDATA;
		if (strtol(value, NULL, 10) > ct)
			return cp_error_set(err, CP_EDATA,
					    "threshold %s is above "
					    "comment_threshold %ld: raise that "
					    "first",
					    value, ct);
	}
	return cp_store_config_set(st, key, value, err);
}

int cp_config_unset(struct cp_store *st, const char *key, struct cp_error *err)
{
	if (cp_config_key(key) == NULL)
		return unknown_key(key, err);
	return cp_store_config_unset(st, key, err);
}

int cp_config_secret(struct cp_store *st, const char *key, char **out,
		     struct cp_error *err)
{
	return cp_config_get(st, key, out, NULL, err);
}

int cp_config_key_path(struct cp_store *st, const char *db_path, char **out,
		       struct cp_error *err)
{
	struct cp_buf b;
	int rc;

	rc = cp_config_get(st, "key_file", out, NULL, err);
	if (rc || *out)
		return rc;
	cp_buf_init(&b, 8192);
	rc = cp_buf_printf(&b, err, "%s.key", db_path);
	*out = rc ? NULL : cp_buf_detach(&b);
	cp_buf_release(&b);
	return rc;
}
