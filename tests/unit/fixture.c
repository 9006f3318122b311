/*
 * fixture.c - the shared temporary directory and store of unit tests
 * (see fixture.h).
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "fixture.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"

int cp_fixture_setup(struct cp_fixture *f, const char *tag, unsigned flags)
{
	struct cp_error err;
	int created;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/cp-test-%.20s-XXXXXX", tag);
	if (mkdtemp(f->dir) == NULL) {
		perror(f->dir);
		f->dir[0] = '\0';
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/pulse.db", f->dir);
	snprintf(f->key, sizeof(f->key), "%s.key", f->path);
	if ((flags & CP_FIXTURE_STORE) &&
	    cp_store_open(&f->s, f->path, CP_STORE_CREATE, &err)) {
		fprintf(stderr, "cannot create %s: %s\n", f->path, err.message);
		return -1;
	}
	if ((flags & CP_FIXTURE_KEY) && cp_key_create(f->key, &created, &err)) {
		fprintf(stderr, "cannot create %s: %s\n", f->key, err.message);
		return -1;
	}
	return 0;
}

static int remove_one(const char *path, const struct stat *sb, int type,
		      struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

int cp_fixture_teardown(struct cp_fixture *f)
{
	cp_store_close(f->s);
	f->s = NULL;
	if (f->dir[0] == '\0')
		return 0;
	/* Depth first, not following symbolic links out of the directory. */
	return nftw(f->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) ? -1 : 0;
}

const char *cp_fixture_file(const struct cp_fixture *f, const char *name,
			    char *out, size_t n)
{
	snprintf(out, n, "%s/%s", f->dir, name);
	return out;
}
