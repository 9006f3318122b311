/*
 * config.h - settings: stored in the database, each overridable by an
 * environment variable CAREPULSE_<KEY> (dots as underscores, upper case),
 * so a cron job or a container needs no file. Secrets are never stored:
 * they come from the environment or from a file named by a *_file key.
 */
#ifndef CP_CONFIG_H
#define CP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct cp_store;

struct cp_config_key {
	const char *key;
	const char *help;
	const char *fallback; /* the default, or NULL */
	bool secret;	      /* the value is a credential: never printed */
	/* Checks a value; NULL accepts anything non-empty. */
	int (*check)(const char *value, struct cp_error *err);
};

/* The known keys, in order; *n is their number. */
const struct cp_config_key *cp_config_keys(size_t *n);

/* The entry of key, or NULL for a key carepulse does not know. */
const struct cp_config_key *cp_config_key(const char *key);

/* "smtp.url" -> "CAREPULSE_SMTP_URL" into out. */
const char *cp_config_env_name(const char *key, char *out, size_t n);

/*
 * The value of key: the environment first, then the database (st may be
 * NULL), then the default. A secret is never in the database: after the
 * environment comes the file its "_file" key names (first line). *out is
 * malloc'ed, or NULL when unset. *source (optional) is "env", "db",
 * "file" or "default".
 */
int cp_config_get(struct cp_store *st, const char *key, char **out,
		  const char **source, struct cp_error *err);

/* An integer setting within [lo, hi]; the default when unset. */
int cp_config_get_int(struct cp_store *st, const char *key, long lo, long hi,
		      long *out, struct cp_error *err);

/* Validates and stores key = value. Secrets are refused with a hint. */
int cp_config_set(struct cp_store *st, const char *key, const char *value,
		  struct cp_error *err);

int cp_config_unset(struct cp_store *st, const char *key, struct cp_error *err);

/*
 * A secret: the environment variable of key itself (for example
 * CAREPULSE_SMTP_PASSWORD), else the contents of the file named by
 * key "_file" (first line, without its newline). *out is NULL when
 * neither is set. The same as cp_config_get.
 */
int cp_config_secret(struct cp_store *st, const char *key, char **out,
		     struct cp_error *err);

/* The installation key's path: key_file if set, else "<db>.key". */
int cp_config_key_path(struct cp_store *st, const char *db_path, char **out,
		       struct cp_error *err);

#endif
