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
#include "i18n.h"
#include "store.h"
#include "text.h"
#include "when.h"

static int check_url(const char *v, struct cp_error *err)
{
	if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
		return cp_error_set(
		    err, CP_EDATA,
		    N_("'%s' must start with http:// or https://"), v);
	return 0;
}

static int check_smtp_url(const char *v, struct cp_error *err)
{
	if (strncmp(v, "smtp://", 7) && strncmp(v, "smtps://", 8))
		return cp_error_set(
		    err, CP_EDATA,
		    N_("'%s' must start with smtp:// or smtps://"), v);
	return 0;
}

static int check_tls(const char *v, struct cp_error *err)
{
	if (strcmp(v, "required") && strcmp(v, "none"))
		return cp_error_set(err, CP_EDATA,
				    N_("'%s' must be required or none"), v);
	return 0;
}

/* A plain whole number: digits only, so " 5" or "+5" are not stored. */
static bool digits(const char *v)
{
	return *v && strspn(v, "0123456789") == strlen(v);
}

/* A whole number within the key's range. */
static int check_whole(const struct cp_config_key *k, const char *v,
		       struct cp_error *err)
{
	char *end;
	long n;

	errno = 0;
	n = digits(v) ? strtol(v, &end, 10) : -1;
	if (!digits(v) || errno || *end || n < k->min || n > k->max)
		return cp_error_set(
		    err, CP_EDATA,
		    N_("'%s' must be a whole number from %ld to "
		       "%ld"),
		    v, k->min, k->max);
	return 0;
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
				    N_("'%s' must be email, webhook or outbox"),
				    v);
	return 0;
}

/* A language tag for people (roster, pages, e-mails): one carepulse
 * ships. */
static int check_language(const char *v, struct cp_error *err)
{
	return cp_lang_check(v, err);
}

/* An IANA time zone in the time zone database. */
static int check_timezone(const char *v, struct cp_error *err)
{
	return cp_tz_check(v, err);
}

static int check_bool(const char *v, struct cp_error *err)
{
	if (strcmp(v, "true") && strcmp(v, "false"))
		return cp_error_set(err, CP_EDATA,
				    N_("'%s' must be true or false"), v);
	return 0;
}

static int check_email(const char *v, struct cp_error *err)
{
	if (!cp_email_valid(v))
		return cp_error_set(err, CP_EDATA,
				    N_("'%s' is not an e-mail address: %s"), v,
				    cp_email_problem(v));
	return 0;
}

static int check_client_auth(const char *v, struct cp_error *err)
{
	if (strcmp(v, "basic") && strcmp(v, "post"))
		return cp_error_set(err, CP_EDATA,
				    N_("'%s' must be basic or post"), v);
	return 0;
}

static int check_email_verified(const char *v, struct cp_error *err)
{
	if (strcmp(v, "required") && strcmp(v, "when_present"))
		return cp_error_set(err, CP_EDATA,
				    N_("'%s' must be required or when_present"),
				    v);
	return 0;
}

/* Space-separated scopes, openid among them (RFC 6749 3.3 characters). */
static int check_scopes(const char *v, struct cp_error *err)
{
	const char *p = v;
	bool openid = false;

	for (const char *c = v; *c; c++)
		if (*c != ' ' &&
		    (*c < 0x21 || *c > 0x7e || *c == '"' || *c == '\\'))
			return cp_error_set(
			    err, CP_EDATA,
			    N_("'%s' must be scopes separated by "
			       "spaces"),
			    v);
	while (*p) {
		size_t n = strcspn(p, " ");

		openid = openid || (n == 6 && strncmp(p, "openid", 6) == 0);
		p += n;
		p += strspn(p, " ");
	}
	if (!openid)
		return cp_error_set(
		    err, CP_EDATA, N_("'%s' must include the scope openid"), v);
	return 0;
}

/* Alphabetical; the only home of each default and range. */
static const struct cp_config_key keys[] = {
    {.key = "access.leaders_from_roster",
     .help = "true: a roster leader may see the results of the team they "
	     "lead and those below it (true or false)",
     .fallback = "true",
     .check = check_bool},
    {.key = "access.session_idle",
     .help = "a portal session ends after this long without a request "
	     "(30m, 2h)",
     .fallback = "30m",
     .check = check_duration},
    {.key = "access.session_max",
     .help = "a portal session ends this long after sign-in, however used",
     .fallback = "12h",
     .check = check_duration},
    {.key = "access.signin_per_address",
     .help = "sign-in links one address may ask for per hour",
     .fallback = "5",
     .whole = true,
     .min = 1,
     .max = 1000},
    {.key = "access.signin_per_client",
     .help = "sign-in links one client (network address) may ask for per "
	     "hour",
     .fallback = "20",
     .whole = true,
     .min = 1,
     .max = 100000},
    {.key = "access.signin_ttl",
     .help = "how long an e-mailed sign-in link works (15m)",
     .fallback = "15m",
     .check = check_duration},
    {.key = "base_url",
     .help = "where 'serve' is reachable; links are built on it",
     .fallback = "http://127.0.0.1:8080",
     .check = check_url},
    {.key = "chat.invitations",
     .help = "how a slack or teams wave sends personal links: email, "
	     "webhook, outbox",
     .fallback = "email",
     .check = check_chat_invitations},
    {.key = "chat.webhooks_file",
     .help = "file of 'team = Slack/Teams webhook URL' lines (mode 0600)"},
    {.key = "comment_threshold",
     .help = "fewest responses before comments are shown (never below "
	     "threshold)",
     .fallback = "10",
     .whole = true,
     .min = 3,
     .max = 100},
    {.key = "key_file",
     .help = "path of the installation key (default: <db>.key)"},
    {.key = "language",
     .help = "language for people with none of their own and no browser "
	     "preference: en, cy, es, pl, ar",
     .fallback = "en",
     .check = check_language},
    {.key = "mail.contact_email",
     .help = "whom invitations name for questions: their address",
     .check = check_email},
    {.key = "mail.contact_name",
     .help = "whom invitations name for questions, e.g. Dana Smith, People "
	     "team"},
    {.key = "mail.from",
     .help = "sender of invitations, e.g. Team Pulse <pulse@x.org>"},
    {.key = "mail.from_name",
     .help = "sender name shown on invitations: your organisation's "
	     "(replaces the name in mail.from)"},
    {.key = "mail.invitation_template",
     .help = "file with your own invitation text (see README: templates)"},
    {.key = "mail.reminder_template",
     .help = "file with your own reminder text"},
    {.key = "mail.self_template",
     .help = "file with your own self-assessment invitation"},
    {.key = "oidc.client_auth",
     .help = "how the portal's single sign-on authenticates to the token "
	     "endpoint: basic or post (client_secret_basic or _post)",
     .fallback = "basic",
     .check = check_client_auth},
    {.key = "oidc.client_id",
     .help = "the portal's client id at the OpenID Connect provider"},
    {.key = "oidc.client_secret",
     .help = "the portal's OpenID Connect client secret (environment only)",
     .secret = true},
    {.key = "oidc.client_secret_file",
     .help = "file holding the OpenID Connect client secret"},
    {.key = "oidc.email_verified",
     .help = "required: sign in only with email_verified true; "
	     "when_present: refuse only email_verified false",
     .fallback = "required",
     .check = check_email_verified},
    {.key = "oidc.issuer",
     .help = "OpenID Connect provider for portal sign-in, exactly as its "
	     "discovery document names it (unset: no single sign-on)",
     .check = check_url},
    {.key = "oidc.redirect_url",
     .help = "the portal's callback URL registered at the provider "
	     "(default: base_url + /portal/oidc/callback)",
     .check = check_url},
    {.key = "oidc.scopes",
     .help = "scopes asked for at sign-in, openid among them",
     .fallback = "openid email",
     .check = check_scopes},
    {.key = "outbox.dir",
     .help = "folder for the outbox channel",
     .fallback = "./outbox"},
    {.key = "remind.interval",
     .help = "least time after the invitation or last reminder (30m, 12h, "
	     "3d, 2w)",
     .fallback = "3d",
     .check = check_duration},
    {.key = "remind.max",
     .help = "most reminders per person (0 to 10)",
     .fallback = "2",
     .whole = true,
     .min = 0,
     .max = 10},
    {.key = "retention.months",
     .help = "delete the answers and comments of waves closed longer ago, "
	     "keeping their totals (unset: keep)",
     .whole = true,
     .min = 1,
     .max = 1200},
    {.key = "send.backoff_ms",
     .help = "first retry delay in ms, doubled each try (cap 60s)",
     .fallback = "1000",
     .whole = true,
     .min = 1,
     .max = 60000},
    {.key = "send.retries",
     .help = "retries of a transient failure per run (0 to 20)",
     .fallback = "4",
     .whole = true,
     .min = 0,
     .max = 20},
    {.key = "send.timeout",
     .help = "seconds one message may take (1 to 600)",
     .fallback = "30",
     .whole = true,
     .min = 1,
     .max = 600},
    {.key = "smtp.password",
     .help = "SMTP AUTH password (environment only)",
     .secret = true},
    {.key = "smtp.password_file",
     .help = "file holding the SMTP AUTH password"},
    {.key = "smtp.tls",
     .help = "required (STARTTLS or smtps) or none (loopback only)",
     .fallback = "required",
     .check = check_tls},
    {.key = "smtp.url",
     .help = "SMTP server, e.g. smtp://mail.example.org:587",
     .check = check_smtp_url},
    {.key = "smtp.user", .help = "SMTP AUTH user name"},
    {.key = "threshold",
     .help = "fewest responses before scores are shown (3 to 10)",
     .fallback = "5",
     .whole = true,
     .min = 3,
     .max = 10},
    {.key = "timezone",
     .help = "time zone of every date and time shown to people (IANA "
	     "name, e.g. Europe/London); stored times stay UTC",
     .fallback = "UTC",
     .check = check_timezone},
    {.key = "tls.ca_file",
     .help = "PEM certificates SMTP and HTTPS webhooks trust instead of the "
	     "system's (a private CA)"},
    {.key = "webhook.secret",
     .help = "webhook signing secret (environment only)",
     .secret = true},
    {.key = "webhook.secret_file",
     .help = "file holding the webhook signing secret"},
    {.key = "webhook.url",
     .help = "generic signed webhook endpoint (a credential)",
     .secret = true,
     .check = check_url},
    {.key = "webhook.url_file",
     .help = "file holding the generic webhook endpoint"},
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
	return cp_error_set(
	    err, CP_EUSAGE,
	    N_("unknown setting '%s': see 'carepulse config list'"), key);
}

/* The range of a whole number, then the key's own check. */
static int check_value(const struct cp_config_key *k, const char *v,
		       struct cp_error *err)
{
	int rc;

	if (k->whole && (rc = check_whole(k, v, err)))
		return rc;
	return k->check ? k->check(v, err) : 0;
}

int cp_config_check(const char *key, const char *value, struct cp_error *err)
{
	const struct cp_config_key *k = cp_config_key(key);

	if (k == NULL)
		return unknown_key(key, err);
	return check_value(k, value, err);
}

bool cp_config_key_range(const char *key, long *min, long *max)
{
	const struct cp_config_key *k = cp_config_key(key);

	if (k == NULL || !k->whole)
		return false;
	*min = k->min;
	*max = k->max;
	return true;
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
		if ((rc = check_value(k, b.data, err)))
			cp_error_prefix(err, "%s (from %s)", k->key, path);
	}
	if (rc == 0) {
		*out = cp_buf_detach(&b);
		if (*out == NULL)
			rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
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
		if ((rc = check_value(k, v, err))) {
			cp_error_prefix(err, "%s", env);
			return rc;
		}
		*out = cp_strdup(v);
		if (source)
			*source = "env";
		return *out ? 0
			    : cp_error_set(err, CP_ENOMEM, N_("out of memory"));
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
		return *out ? 0
			    : cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	}
	return 0;
}

int cp_config_get_int(struct cp_store *st, const char *key, long *out,
		      struct cp_error *err)
{
	const struct cp_config_key *k = cp_config_key(key);
	char *v, *end;
	long n;
	int rc;

	if (k && !k->whole)
		return cp_error_set(err, CP_EUSAGE,
				    N_("setting '%s' is not a whole number"),
				    key);
	if ((rc = cp_config_get(st, key, &v, NULL, err)))
		return rc;
	if (v == NULL)
		return cp_error_set(err, CP_EDATA,
				    N_("setting '%s' is not set"), key);
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < k->min || n > k->max)
		rc = cp_error_set(err, CP_EDATA,
				  N_("setting '%s' is '%s': expected a whole "
				     "number from %ld to %ld"),
				  key, v, k->min, k->max);
	free(v);
	*out = n;
	return rc;
}

const char *cp_config_threshold_key(enum cp_threshold which)
{
	return which == CP_COMMENT_THRESHOLD ? "comment_threshold"
					     : "threshold";
}

int cp_config_threshold(struct cp_store *st, enum cp_threshold which,
			int wave_value, int *out, struct cp_error *err)
{
	long v;
	int rc;

	if (wave_value) {
		*out = wave_value;
		return 0;
	}
	if ((rc = cp_config_get_int(st, cp_config_threshold_key(which), &v,
				    err)))
		return rc;
	*out = (int)v;
	return 0;
}

int cp_config_thresholds(struct cp_store *st, int wave_k, int wave_comment_k,
			 int *k, int *comment_k, struct cp_error *err)
{
	int rc;

	if ((rc = cp_config_threshold(st, CP_THRESHOLD, wave_k, k, err)) ||
	    (rc = cp_config_threshold(st, CP_COMMENT_THRESHOLD, wave_comment_k,
				      comment_k, err)))
		return rc;
	if (*comment_k < *k)
		*comment_k = *k;
	return 0;
}

int cp_config_set(struct cp_store *st, const char *key, const char *value,
		  struct cp_error *err)
{
	const struct cp_config_key *k = cp_config_key(key);
	char env[128];
	int threshold, other;
	int rc;

	if (k == NULL)
		return unknown_key(key, err);
	if (k->secret)
		return cp_error_set(
		    err, CP_EUSAGE,
		    N_("'%s' is a secret and is never stored: set "
		       "%s in the environment, or put it in a "
		       "file and set '%s_file'"),
		    key, cp_config_env_name(key, env, sizeof(env)), key);
	if (*value == '\0')
		return cp_error_set(err, CP_EDATA,
				    N_("setting '%s' must not be empty (use "
				       "'config unset')"),
				    key);
	if ((rc = check_value(k, value, err))) {
		cp_error_prefix(err, "%s", key);
		return rc;
	}
	/* A whole number passed check_value, so strtol reads all of it. */
	if (strcmp(key, "comment_threshold") == 0) {
		if ((rc = cp_config_threshold(st, CP_THRESHOLD, 0, &threshold,
					      err)))
			return rc;
		if (strtol(value, NULL, 10) < threshold)
			return cp_error_set(err, CP_EDATA,
					    N_("comment_threshold %s is below "
					       "threshold %d"),
					    value, threshold);
	}
	if (strcmp(key, "threshold") == 0) {
		if ((rc = cp_config_threshold(st, CP_COMMENT_THRESHOLD, 0,
					      &other, err)))
			return rc;
		if (strtol(value, NULL, 10) > other)
			return cp_error_set(
			    err, CP_EDATA,
			    N_("threshold %s is above "
			       "comment_threshold %d: raise that "
			       "first"),
			    value, other);
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
