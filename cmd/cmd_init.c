/* cmd_init.c - carepulse init: the database and the installation key. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "crypto.h"
#include "i18n.h"
#include "store.h"
#include "survey.h"
#include "token.h"

enum {
	INIT_KEY,
	INIT_NEW_KEY,
	INIT_NOPTS
};

static const struct cmd_opt init_opts[INIT_NOPTS] = {
    [INIT_KEY] = {"key", 0, OPT_VALUE, "PATH",
		  N_("where to keep the installation key (default: <db>.key)")},
    [INIT_NEW_KEY] =
	{"new-key", 0, OPT_FLAG, NULL,
	 N_("make a new key for a database whose key is lost: every "
	    "invitation link already sent stops working")},
};

/*
 * Links are derived from the key, so an existing database never has its
 * key swapped for another one.
 */
static int check_key_unchanged(struct cmd_ctx *c, const char *key_opt)
{
	struct cp_store *st = NULL;
	char *stored = NULL;
	int rc;

	if (access(c->db_path, F_OK) != 0)
		return 0;
	rc = cp_store_open(&st, c->db_path, 0, &c->err);
	if (rc == 0)
		rc = cp_config_key_path(st, c->db_path, &stored, &c->err);
	if (rc == 0 && strcmp(stored, key_opt) != 0 &&
	    access(stored, F_OK) == 0)
		rc = cp_error_set(
		    &c->err, CP_ECONFLICT,
		    N_("this database already uses the key at '%s'; "
		       "invitation links depend on it"),
		    stored);
	free(stored);
	cp_store_close(st);
	return rc;
}

/*
 * The key of the database st at key_path: an existing file must be the
 * one the database belongs to; a missing one is made only when no link
 * depends on it yet, or when --new-key says so.
 */
static int init_key(struct cmd_ctx *c, struct cp_store *st,
		    const char *key_path, bool new_key, int *created)
{
	uint8_t key[CP_KEY_LEN];
	char check[CP_KEY_CHECK_LEN + 1];
	int64_t links = 0;
	bool exists = access(key_path, F_OK) == 0;
	int rc;

	if (exists && new_key)
		return cp_error_set_at(&c->err, CP_ECONFLICT, key_path, 0, 0,
				       N_("--new-key: a key file is already "
					  "there; move it away first if it "
					  "really is not this database's"));
	if (!exists &&
	    (rc = cp_store_invitation_total(st, &links, &c->err)) != 0)
		return rc;
	if (!exists && links > 0 && !new_key)
		return cp_error_set_at(
		    &c->err, CP_ECONFLICT, key_path, 0, 0,
		    cp_ngettext_error(
			"the installation key is missing, and this database "
			"has %lld invitation whose link was made with it: "
			"restore the key file from a backup. 'carepulse init "
			"--new-key' makes a new key instead, and then every "
			"link already sent stops working",
			"the installation key is missing, and this database "
			"has %lld invitations whose links were made with it: "
			"restore the key file from a backup. 'carepulse init "
			"--new-key' makes a new key instead, and then every "
			"link already sent stops working",
			(unsigned long)links),
		    (long long)links);
	rc = cp_key_create(key_path, created, &c->err);
	if (rc == 0)
		rc = cp_key_load(key_path, key, &c->err);
	/* A key made now replaces the recorded one: no link depends on
	 * the old key, or --new-key said so. */
	if (rc == 0 && !exists) {
		rc = cp_key_check(key, check, &c->err);
		rc = rc ? rc : cp_store_key_check_set(st, check, &c->err);
	} else if (rc == 0) {
		rc = cp_token_key_bind(st, key, key_path, &c->err);
	}
	cp_wipe(key, sizeof(key));
	if (rc == 0 && new_key && links > 0)
		fprintf(stderr,
			cp_ngettext("carepulse: warning: a new installation "
				    "key: the link of the %lld invitation "
				    "already made no longer works\n",
				    "carepulse: warning: a new installation "
				    "key: the links of the %lld invitations "
				    "already made no longer work\n",
				    (unsigned long)links),
			(long long)links);
	return rc;
}

static int cmd_init_exec(struct cmd_ctx *c)
{
	struct cp_store *st = NULL;
	const char *key_opt = cmd_value(c, INIT_KEY);
	bool new_key = cmd_flag(c, INIT_NEW_KEY);
	char *key_path = NULL;
	size_t added = 0;
	int created = 0, rc;

	/* The database holds names and addresses: keep it private. */
	umask(077);
	/*
	 * For a new database, a key at a given path is created first, so a
	 * path that cannot take it leaves nothing behind.
	 */
	rc = key_opt ? check_key_unchanged(c, key_opt) : 0;
	if (rc == 0 && key_opt && !new_key && access(c->db_path, F_OK) != 0)
		rc = cp_key_create(key_opt, &created, &c->err);
	if (rc == 0)
		rc = cp_store_open(&st, c->db_path, CP_STORE_CREATE, &c->err);
	if (rc == 0 && key_opt)
		rc = cp_config_set(st, "key_file", key_opt, &c->err);
	if (rc == 0)
		rc = cp_config_key_path(st, c->db_path, &key_path, &c->err);
	if (rc == 0) {
		int made = 0;
		rc = init_key(c, st, key_path, new_key, &made);
		created |= made;
	}
	if (rc == 0 && (rc = cp_store_begin(st, &c->err)) == 0) {
		rc = cp_survey_install_builtins(st, &added, &c->err);
		if (rc)
			cp_store_rollback(st);
		else
			rc = cp_store_commit(st, &c->err);
	}
	if (rc == 0) {
		printf(_("database      %s (schema %d)\n"), c->db_path,
		       cp_store_schema_version(st));
		printf(_("key           %s (%s)\n"), key_path,
		       created ? _("created, mode 0600")
			       : _("already there, kept"));
		printf(cp_ngettext("surveys       %zu built-in definition "
				   "added\n",
				   "surveys       %zu built-in definitions "
				   "added\n",
				   added),
		       added);
	}
	free(key_path);
	cp_store_close(st);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

const struct cmd_entry cmd_init_entry = {
    .name = "init",
    .summary = N_("create the database and the installation key"),
    .usage = "[--key PATH] [--new-key]",
    .description =
	"Creates the database (or upgrades an existing one), the "
	"installation key\n(32 random bytes, mode 0600, kept outside "
	"the database: invitation links are\nderived from it) and the "
	"built-in survey definitions. Running it again\ndestroys "
	"nothing: an existing key and data are kept.",
    .opts = init_opts,
    .nopts = INIT_NOPTS,
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_TAKES_DB,
    .exec = cmd_init_exec,
};
