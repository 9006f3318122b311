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

/*
 * One setting. The table in config.c is the only home of a key's default
 * and, for a whole-number setting, its range: callers ask this module.
 */
struct cp_config_key {
	const char *key;
	const char *help;
	const char *fallback; /* the default, or NULL */
	bool secret;	      /* the value is a credential: never printed */
	bool whole;	      /* a whole number within [min, max] */
	long min, max;
	/* Checks a value further; NULL accepts anything non-empty (that is
	 * within range, for a whole number). */
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

/*
 * Checks value against key's entry: its range for a whole number, then
 * its own check. CP_EUSAGE for an unknown key, CP_EDATA for a bad value.
 */
int cp_config_check(const char *key, const char *value, struct cp_error *err);

/* The range of a whole-number key into *min and *max; false (and the
 * out-parameters untouched) for a key that is not one. */
bool cp_config_key_range(const char *key, long *min, long *max);

/*
 * A whole-number setting, within its key's range; the default when unset.
 * CP_EUSAGE for a key that is not a whole number, CP_EDATA out of range.
 */
int cp_config_get_int(struct cp_store *st, const char *key, long *out,
		      struct cp_error *err);

/* The two thresholds a wave reports by. */
enum cp_threshold {
	CP_THRESHOLD,	      /* setting "threshold": scores and rates */
	CP_COMMENT_THRESHOLD, /* setting "comment_threshold": comments */
};

/* The setting that holds a threshold: "threshold" or "comment_threshold". */
const char *cp_config_threshold_key(enum cp_threshold which);

/*
 * One threshold in force: wave_value when it is not 0 (the wave's own),
 * else the installation's setting (st may be NULL: environment and
 * default only), within the key's range.
 */
int cp_config_threshold(struct cp_store *st, enum cp_threshold which,
			int wave_value, int *out, struct cp_error *err);

/*
 * The thresholds in force for a wave whose own are wave_k and
 * wave_comment_k (0: the installation's, read from st only then): the
 * comment threshold is never below the threshold, since comments are the
 * easiest thing to recognise someone by. With both wave values set it
 * cannot fail and st is not used.
 */
int cp_config_thresholds(struct cp_store *st, int wave_k, int wave_comment_k,
			 int *k, int *comment_k, struct cp_error *err);

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
