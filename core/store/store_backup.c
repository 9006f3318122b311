/*
 * store_backup.c - consistent copies of a database through SQLite's
 * backup API: `backup` while `serve` keeps writing, and `restore`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "store_int.h"

/* "<path><suffix>" into out. */
static int path_with(char *out, size_t n, const char *path, const char *suffix,
		     struct cp_error *err)
{
	if ((size_t)snprintf(out, n, "%s%s", path, suffix) >= n)
		return cp_error_set(err, CP_EUSAGE, N_("path too long: '%s'"),
				    path);
	return 0;
}

/* Makes a rename in dir (of path) durable. */
static void sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd;

	if (slash == NULL)
		cp_strlcpy(dir, ".", sizeof(dir));
	else if (slash == path)
		cp_strlcpy(dir, "/", sizeof(dir));
	else if ((size_t)(slash - path) < sizeof(dir)) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	} else
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int sync_file(const char *path, struct cp_error *err)
{
	int fd = open(path, O_RDWR | O_CLOEXEC), rc = 0;

	if (fd < 0 || fsync(fd) != 0)
		rc = cp_error_set_at(err, CP_EIO, path, 0, 0,
				     N_("cannot write the copy: %s"),
				     strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/*
 * Copies the database of src (schema "main") into a new file tmp in one
 * step of the backup API: one read transaction on src, so the copy is the
 * database as of one moment, and in WAL mode writers on other
 * connections go on meanwhile. The copy is synced before this returns.
 */
static int copy_into(sqlite3 *src, const char *src_path, const char *tmp,
		     struct cp_error *err)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc = 0, step;

	unlink(tmp);
	if (sqlite3_open_v2(tmp, &dst,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		rc = cp_error_set_at(
		    err, CP_EIO, tmp, 0, 0, N_("cannot create the copy: %s"),
		    dst ? sqlite3_errmsg(dst) : "out of memory");
		goto done;
	}
	sqlite3_busy_timeout(dst, 10000);
	b = sqlite3_backup_init(dst, "main", src, "main");
	if (b == NULL) {
		rc = cp_error_set_at(err, CP_EIO, tmp, 0, 0,
				     N_("cannot start the copy: %s"),
				     sqlite3_errmsg(dst));
		goto done;
	}
	/* -1: every page in one step, under one read transaction. A busy
	 * source (a checkpoint or a writer holding its lock) is waited for. */
	for (int tries = 0; tries < 200; tries++) {
		step = sqlite3_backup_step(b, -1);
		if (step != SQLITE_BUSY && step != SQLITE_LOCKED)
			break;
		sqlite3_sleep(50);
	}
	if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE)
		rc = cp_error_set_at(
		    err, step == SQLITE_NOMEM ? CP_ENOMEM : CP_EIO, src_path, 0,
		    0, N_("cannot copy: %s"), sqlite3_errmsg(dst));
	/* One self-contained file: no log beside it, so it can be read,
	 * copied or opened read-only as it is (carepulse makes it WAL
	 * again when it opens it to write). */
	if (rc == 0 && sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL,
				    NULL, NULL) != SQLITE_OK)
		rc = cp_error_set_at(err, CP_EIO, tmp, 0, 0,
				     N_("cannot finish the copy: %s"),
				     sqlite3_errmsg(dst));
done:
	/* Closing the last connection checkpoints the copy's log into it. */
	if (dst && sqlite3_close(dst) != SQLITE_OK && rc == 0)
		rc = cp_error_set_at(err, CP_EIO, tmp, 0, 0,
				     N_("cannot finish the copy"));
	if (rc == 0)
		rc = sync_file(tmp, err);
	if (rc)
		unlink(tmp);
	return rc;
}

/* Moves tmp to path, dropping path's stale log first: an old -wal beside
 * a new file would be replayed into it. */
static int put_in_place(const char *tmp, const char *path, struct cp_error *err)
{
	char side[4200];
	int rc;

	if ((rc = path_with(side, sizeof(side), path, "-wal", err)) == 0)
		unlink(side);
	if (rc == 0 &&
	    (rc = path_with(side, sizeof(side), path, "-shm", err)) == 0)
		unlink(side);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = cp_error_set_at(err, CP_EIO, path, 0, 0,
				     N_("cannot put the copy in place: %s"),
				     strerror(errno));
	if (rc)
		unlink(tmp);
	else
		sync_dir(path);
	return rc;
}

int cp_store_backup(struct cp_store *s, const char *path, struct cp_error *err)
{
	char tmp[4200];
	struct stat sb;
	int rc;

	if (stat(path, &sb) == 0)
		return cp_error_set_at(err, CP_ECONFLICT, path, 0, 0,
				       N_("the file exists already: choose a "
					  "new name"));
	if (s->in_tx)
		return cp_error_set(err, CP_EFAIL,
				    "a backup is made outside a transaction");
	if ((rc = path_with(tmp, sizeof(tmp), path, ".partial", err)))
		return rc;
	if ((rc = copy_into(s->db, s->path, tmp, err)))
		return rc;
	return put_in_place(tmp, path, err);
}

int cp_store_copy_file(const char *from, const char *to, struct cp_error *err)
{
	sqlite3 *src = NULL;
	int rc = 0;

	if (sqlite3_open_v2(from, &src,
			    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK ||
	    sqlite3_exec(src, "SELECT count(*) FROM sqlite_schema", NULL, NULL,
			 NULL) != SQLITE_OK)
		rc = cp_error_set_at(err, CP_EDATA, from, 0, 0,
				     N_("not a carepulse database: %s"),
				     src ? sqlite3_errmsg(src)
					 : "out of memory");
	if (rc == 0)
		rc = copy_into(src, from, to, err);
	sqlite3_close(src);
	return rc;
}

int cp_store_move_file(const char *from, const char *to, struct cp_error *err)
{
	return put_in_place(from, to, err);
}
