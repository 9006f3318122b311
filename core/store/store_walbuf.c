/*
 * store_walbuf.c - the WAL's frames of a commit in one write.
 *
 * SQLite writes a commit's frames to the -wal file two writes a frame (its
 * 24-byte header, then the page), then syncs the file. On this kernel each
 * write is a system call and a pass through the file system for each page
 * it touches, and a frame's 4,120 bytes straddle pages, so a page is
 * entered two or three times. Under the form server's load that was 8% of
 * the server's CPU (bench/README.md, "Serve, CPU per post, round seven").
 *
 * This VFS sits in front of the default one and changes one thing: writes
 * to a -wal file that follow each other in the file are gathered in memory
 * and go to the file in one write before anything else touches it: its
 * sync (every commit, with synchronous = FULL, which a store opened with
 * CP_STORE_WAL_BUFFER keeps), a read, its size, a truncation, a write
 * elsewhere, a file control or a close. The bytes and their place in the
 * file are the same, and they are in the file before the sync that makes
 * the commit durable, so what a reader or a crash can see is unchanged:
 * SQLite marks the frames committed in the -shm only after that sync
 * returns (and after the -shm barrier, where anything still gathered is
 * written too). A write that does not fit the buffer (or whose buffer
 * cannot be allocated) goes straight through, after what is gathered.
 * The store opens the form server's writer with it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"

/* The most a -wal file's buffer holds: 30 frames of 4 KiB pages. The
 * default VFS writes at most 128 KiB a call (unix's seekAndWriteFd keeps
 * the length's low 17 bits): a longer write would be cut short. */
#define WALBUF_MAX (124u * 1024u)
_Static_assert(WALBUF_MAX < 0x20000u, "one write of the default VFS");

struct wb_file {
	sqlite3_file base;
	sqlite3_file *real;   /* the default VFS's file, after this struct */
	unsigned char *buf;   /* gathered writes, or NULL */
	size_t len;	      /* bytes in buf (WALBUF_MAX long) */
	sqlite3_int64 at;     /* where buf[0] goes in the file */
	int wal;	      /* a -wal file: writes are gathered */
	const char *name;     /* a main database: its name, as opened */
	struct wb_file *peer; /* a database's -wal file, or a -wal's database */
	struct wb_file *next; /* the open main databases */
};

static sqlite3_vfs *real_vfs;
/* The open main databases, for their -wal files to find them. */
static pthread_mutex_t wb_lock_files = PTHREAD_MUTEX_INITIALIZER;
static struct wb_file *wb_mains;

/*
 * Writes what is gathered, then wipes it: a commit's frames pair its
 * answers with their invitations, which the checkpoint that empties the
 * -wal is there to undo (docs/anonymity.md); the memory keeps no copy.
 * The buffer itself is kept for the next commit.
 */
static int flush(struct wb_file *f)
{
	int rc;

	if (f->len == 0)
		return SQLITE_OK;
	rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->at);
	/* glibc's memset, which the compiler keeps: 1.0 us for 100 KB in
	 * a loop, where cp_wipe (OpenSSL's cleanse, 8 bytes a store) took
	 * 4.1 us. */
	explicit_bzero(f->buf, f->len);
	f->len = 0;
	return rc;
}

static int wb_close(sqlite3_file *file)
{
	struct wb_file *f = (struct wb_file *)file;
	int rc = flush(f), rc2;

	pthread_mutex_lock(&wb_lock_files);
	if (f->peer)
		f->peer->peer = NULL;
	for (struct wb_file **p = &wb_mains; f->name && *p; p = &(*p)->next)
		if (*p == f) {
			*p = f->next;
			break;
		}
	pthread_mutex_unlock(&wb_lock_files);
	free(f->buf);
	f->buf = NULL;
	rc2 = f->real->pMethods->xClose(f->real);
	return rc != SQLITE_OK ? rc : rc2;
}

static int wb_read(sqlite3_file *file, void *out, int n, sqlite3_int64 off)
{
	struct wb_file *f = (struct wb_file *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc
			       : f->real->pMethods->xRead(f->real, out, n, off);
}

/* Room for n more bytes in f's buffer; false when there is none (the
 * cap, or no memory: the write then goes straight to the file). The
 * buffer is allocated once at its full size, never moved: a realloc
 * would leave gathered frames in the freed block, unwiped. */
static int room(struct wb_file *f, size_t n)
{
	if (f->len + n > WALBUF_MAX)
		return 0;
	if (f->buf == NULL && (f->buf = malloc(WALBUF_MAX)) == NULL)
		return 0;
	return 1;
}

static int wb_write(sqlite3_file *file, const void *data, int n,
		    sqlite3_int64 off)
{
	struct wb_file *f = (struct wb_file *)file;
	int rc;

	if (f->wal && n > 0) {
		/* Not right after what is gathered: that goes first. */
		if (f->len && off != f->at + (sqlite3_int64)f->len &&
		    (rc = flush(f)) != SQLITE_OK)
			return rc;
		if (f->len + (size_t)n > WALBUF_MAX &&
		    (rc = flush(f)) != SQLITE_OK)
			return rc;
		if (room(f, (size_t)n)) {
			if (f->len == 0)
				f->at = off;
			memcpy(f->buf + f->len, data, (size_t)n);
			f->len += (size_t)n;
			return SQLITE_OK;
		}
		if ((rc = flush(f)) != SQLITE_OK)
			return rc;
	}
	return f->real->pMethods->xWrite(f->real, data, n, off);
}

static int wb_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct wb_file *f = (struct wb_file *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc
			       : f->real->pMethods->xTruncate(f->real, size);
}

static int wb_sync(sqlite3_file *file, int flags)
{
	struct wb_file *f = (struct wb_file *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int wb_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct wb_file *f = (struct wb_file *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc
			       : f->real->pMethods->xFileSize(f->real, size);
}

static int wb_lock(sqlite3_file *file, int level)
{
	struct wb_file *f = (struct wb_file *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xLock(f->real, level);
}

static int wb_unlock(sqlite3_file *file, int level)
{
	struct wb_file *f = (struct wb_file *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc
			       : f->real->pMethods->xUnlock(f->real, level);
}

static int wb_check_lock(sqlite3_file *file, int *out)
{
	struct wb_file *f = (struct wb_file *)file;

	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int wb_file_control(sqlite3_file *file, int op, void *arg)
{
	struct wb_file *f = (struct wb_file *)file;
	int rc = flush(f);

	return rc != SQLITE_OK
		   ? rc
		   : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int wb_sector_size(sqlite3_file *file)
{
	struct wb_file *f = (struct wb_file *)file;

	return f->real->pMethods->xSectorSize(f->real);
}

static int wb_device(sqlite3_file *file)
{
	struct wb_file *f = (struct wb_file *)file;

	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

static int wb_shm_map(sqlite3_file *file, int page, int size, int extend,
		      void volatile **out)
{
	struct wb_file *f = (struct wb_file *)file;

	return f->real->pMethods->xShmMap(f->real, page, size, extend, out);
}

static int wb_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	struct wb_file *f = (struct wb_file *)file;

	return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

/*
 * SQLite calls the barrier between writing the two copies of the -shm's
 * header that make a commit visible to readers: its -wal's frames go to
 * the file first. With synchronous = FULL, which a store with the buffer
 * keeps (cp_store_relax_durability refuses), the commit's sync has
 * written them already and this finds nothing; it is a second line only,
 * since a failed write here could not be reported.
 */
static void wb_shm_barrier(sqlite3_file *file)
{
	struct wb_file *f = (struct wb_file *)file;

	if (f->peer)
		(void)flush(f->peer);
	f->real->pMethods->xShmBarrier(f->real);
}

static int wb_shm_unmap(sqlite3_file *file, int del)
{
	struct wb_file *f = (struct wb_file *)file;

	return f->real->pMethods->xShmUnmap(f->real, del);
}

static int wb_fetch(sqlite3_file *file, sqlite3_int64 off, int n, void **out)
{
	struct wb_file *f = (struct wb_file *)file;
	int rc = flush(f);

	return rc != SQLITE_OK
		   ? rc
		   : f->real->pMethods->xFetch(f->real, off, n, out);
}

static int wb_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
	struct wb_file *f = (struct wb_file *)file;

	return f->real->pMethods->xUnfetch(f->real, off, p);
}

static const sqlite3_io_methods wb_methods = {
    .iVersion = 3,
    .xClose = wb_close,
    .xRead = wb_read,
    .xWrite = wb_write,
    .xTruncate = wb_truncate,
    .xSync = wb_sync,
    .xFileSize = wb_file_size,
    .xLock = wb_lock,
    .xUnlock = wb_unlock,
    .xCheckReservedLock = wb_check_lock,
    .xFileControl = wb_file_control,
    .xSectorSize = wb_sector_size,
    .xDeviceCharacteristics = wb_device,
    .xShmMap = wb_shm_map,
    .xShmLock = wb_shm_lock,
    .xShmBarrier = wb_shm_barrier,
    .xShmUnmap = wb_shm_unmap,
    .xFetch = wb_fetch,
    .xUnfetch = wb_unfetch,
};

/* The default VFS's file follows ours, aligned as SQLite aligns. */
static size_t real_offset(void)
{
	return (sizeof(struct wb_file) + 15u) & ~(size_t)15u;
}

static int wb_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file,
		   int flags, int *out_flags)
{
	struct wb_file *f = (struct wb_file *)file;
	int rc;

	(void)vfs;
	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)((char *)file + real_offset());
	rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		/* SQLite closes a file only when it has methods: the
		 * default VFS's half-open file is closed here. */
		if (f->real->pMethods)
			f->real->pMethods->xClose(f->real);
		return rc;
	}
	if (f->real->pMethods->iVersion < 3) {
		f->real->pMethods->xClose(f->real);
		return SQLITE_CANTOPEN;
	}
	f->wal = (flags & SQLITE_OPEN_WAL) != 0;
	f->base.pMethods = &wb_methods;
	pthread_mutex_lock(&wb_lock_files);
	if ((flags & SQLITE_OPEN_MAIN_DB) && name) {
		f->name = name;
		f->next = wb_mains;
		wb_mains = f;
	} else if (f->wal && name) {
		const char *db = sqlite3_filename_database(name);
		for (struct wb_file *m = wb_mains; m; m = m->next)
			if (m->name == db && m->peer == NULL) {
				m->peer = f;
				f->peer = m;
				break;
			}
		/* No database to flush it at the -shm's barrier: written
		 * as it comes. */
		f->wal = f->peer != NULL;
	}
	pthread_mutex_unlock(&wb_lock_files);
	return SQLITE_OK;
}

static int wb_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int wb_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int wb_full_pathname(sqlite3_vfs *vfs, const char *name, int n,
			    char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *wb_dl_open(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void wb_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	real_vfs->xDlError(real_vfs, n, out);
}

static void (*wb_dl_sym(sqlite3_vfs *vfs, void *lib, const char *sym))(void)
{
	(void)vfs;
	return real_vfs->xDlSym(real_vfs, lib, sym);
}

static void wb_dl_close(sqlite3_vfs *vfs, void *lib)
{
	(void)vfs;
	real_vfs->xDlClose(real_vfs, lib);
}

static int wb_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int wb_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, us);
}

static int wb_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int wb_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int wb_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static sqlite3_vfs wb_vfs = {
    .iVersion = 2,
    .zName = "carepulse-walbuf",
    .xOpen = wb_open,
    .xDelete = wb_delete,
    .xAccess = wb_access,
    .xFullPathname = wb_full_pathname,
    .xDlOpen = wb_dl_open,
    .xDlError = wb_dl_error,
    .xDlSym = wb_dl_sym,
    .xDlClose = wb_dl_close,
    .xRandomness = wb_randomness,
    .xSleep = wb_sleep,
    .xCurrentTime = wb_current_time,
    .xGetLastError = wb_last_error,
    .xCurrentTimeInt64 = wb_current_time64,
};

static pthread_once_t wb_once = PTHREAD_ONCE_INIT;
static int wb_registered;

static void wb_register(void)
{
	sqlite3_vfs *def = sqlite3_vfs_find(NULL);

	if (def == NULL || def->iVersion < 2 || def->xCurrentTimeInt64 == NULL)
		return;
	real_vfs = def;
	wb_vfs.szOsFile = (int)real_offset() + def->szOsFile;
	wb_vfs.mxPathname = def->mxPathname;
	wb_registered = sqlite3_vfs_register(&wb_vfs, 0) == SQLITE_OK;
}

const char *cp_store_walbuf_vfs(void)
{
	pthread_once(&wb_once, wb_register);
	return wb_registered ? wb_vfs.zName : NULL;
}
