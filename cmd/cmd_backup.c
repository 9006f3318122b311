/*
 * cmd_backup.c - backup FILE | restore FILE: a consistent copy of the
 * database with its installation key beside it, taken while `serve`
 * runs, and putting one back after checking the key belongs to it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "crypto.h"
#include "i18n.h"
#include "store.h"
#include "wave.h"

/* "<file>.key" into out. */
static int key_beside(struct cmd_ctx *c, const char *file, char *out, size_t n)
{
	if ((size_t)snprintf(out, n, "%s.key", file) >= n)
		return cp_error_set(&c->err, CP_EUSAGE,
				    N_("path too long: '%s'"), file);
	return 0;
}

static int cmd_backup_exec(struct cmd_ctx *c)
{
	const char *file = c->argv[0];
	unsigned char key[CP_KEY_LEN];
	char keyfile[4200];
	int rc;

	if (key_beside(c, file, keyfile, sizeof(keyfile)) ||
	    cmd_installation_key(c, key))
		return cmd_report(&c->err);
	if (access(keyfile, F_OK) == 0) {
		memset(key, 0, sizeof(key));
		cp_error_set_at(
		    &c->err, CP_ECONFLICT, keyfile, 0, 0,
		    N_("the file exists already: choose a new name"));
		return cmd_report(&c->err);
	}
	rc = cp_store_backup(c->store, file, &c->err);
	if (rc == 0 && (rc = cp_key_save(keyfile, key, 0, &c->err)) != 0)
		unlink(file);
	memset(key, 0, sizeof(key));
	if (rc)
		return cmd_report(&c->err);
	printf(_("backed up %s to %s, its key to %s (mode 0600: keep them "
		 "apart from each other, and both safe)\n"),
	       c->db_path, file, keyfile);
	return EXIT_OK;
}

enum {
	RESTORE_KEY,
	RESTORE_FORCE,
	RESTORE_NOPTS
};

static const struct cmd_opt restore_opts[RESTORE_NOPTS] = {
    [RESTORE_KEY] = {"key", 'k', OPT_VALUE, "FILE",
		     N_("the backup's key (default FILE.key)")},
    [RESTORE_FORCE] = {"force", 'f', OPT_FLAG, NULL,
		       N_("replace an existing database (and its key)")},
};

/*
 * Checks the copy at path (integrity, schema brought up to date) and
 * that key belongs to it; *key_path is where its key goes (malloc'ed).
 */
static int check_copy(struct cmd_ctx *c, const char *path,
		      const unsigned char *key, char **key_path, int *checked)
{
	struct cp_store *st = NULL;
	int rc;

	rc = cp_store_open(&st, path, 0, &c->err);
	rc = rc ? rc : cp_store_check(st, &c->err);
	rc = rc ? rc : cp_wave_key_check(st, key, checked, &c->err);
	rc = rc ? rc : cp_config_key_path(st, c->db_path, key_path, &c->err);
	cp_store_close(st);
	return rc;
}

static int cmd_restore_exec(struct cmd_ctx *c)
{
	const char *file = c->argv[0], *keyfile = cmd_value(c, RESTORE_KEY);
	bool force = cmd_flag(c, RESTORE_FORCE);
	unsigned char key[CP_KEY_LEN], old[CP_KEY_LEN];
	char beside[4200], tmp[4200], *key_path = NULL;
	struct stat sb;
	int rc, checked = 0;

	if (keyfile == NULL) {
		if (key_beside(c, file, beside, sizeof(beside)))
			return cmd_report(&c->err);
		keyfile = beside;
	}
	if (stat(c->db_path, &sb) == 0 && !force) {
		cp_error_set_at(&c->err, CP_ECONFLICT, c->db_path, 0, 0,
				N_("a database is here already: restore to "
				   "another --db, or add --force to replace it "
				   "(stop 'serve' first)"));
		return cmd_report(&c->err);
	}
	if (cp_key_load(keyfile, key, &c->err))
		return cmd_report(&c->err);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.restoring", c->db_path) >=
	    sizeof(tmp)) {
		cp_error_set(&c->err, CP_EUSAGE, N_("path too long"));
		return cmd_report(&c->err);
	}
	/* A copy beside the target is checked before anything is replaced. */
	rc = cp_store_copy_file(file, tmp, &c->err);
	if (rc == 0)
		rc = check_copy(c, tmp, key, &key_path, &checked);
	/* The key goes where the restored database will look for it; an
	 * existing different key is replaced only with --force. */
	if (rc == 0 && cp_key_load(key_path, old, NULL) == 0 &&
	    !cp_ct_equal(old, key, sizeof(key)) && !force)
		rc = cp_error_set_at(&c->err, CP_ECONFLICT, key_path, 0, 0,
				     N_("another key is here: add --force to "
					"replace it"));
	if (rc == 0)
		rc = cp_key_save(key_path, key, 1, &c->err);
	if (rc == 0)
		rc = cp_store_move_file(tmp, c->db_path, &c->err);
	else
		unlink(tmp);
	memset(key, 0, sizeof(key));
	memset(old, 0, sizeof(old));
	if (rc == 0) {
		printf(_("restored %s from %s, its key to %s"), c->db_path,
		       file, key_path);
		printf("%s", checked ? _(" (the key matches its invitations)\n")
				     : _(" (no invitation yet to check the key "
					 "with)\n"));
	}
	free(key_path);
	return rc ? cmd_report(&c->err) : EXIT_OK;
}

const struct cmd_entry cmd_backup_entry = {
    .name = "backup",
    .summary = N_("a consistent copy of the database and its key"),
    .usage = "FILE",
    .description =
	"Copies the database to FILE through SQLite's backup API, as it "
	"is at one\nmoment, while 'serve' goes on taking answers, and the "
	"installation key to\nFILE.key (mode 0600). Neither may exist "
	"yet. Without its key a backup's links\nand its check of "
	"tokens are lost: keep both, but apart from each other.",
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NEEDS_DB,
    .exec = cmd_backup_exec,
};

const struct cmd_entry cmd_restore_entry = {
    .name = "restore",
    .summary = N_("put a backup back, after checking its key"),
    .usage = "FILE [--key FILE.key] [--force]",
    .description =
	"Copies the backup FILE to --db (default $CAREPULSE_DB, else "
	"./carepulse.db)\nand its key to where that database looks for "
	"it, after checking the copy's\nintegrity and that the key "
	"belongs to it (an invitation's token derived\nagain must "
	"match). An existing database or key is replaced only with\n"
	"--force; stop 'serve' first.",
    .opts = restore_opts,
    .nopts = RESTORE_NOPTS,
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_TAKES_DB,
    .exec = cmd_restore_exec,
};
