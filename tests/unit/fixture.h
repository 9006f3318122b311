/*
 * fixture.h - the temporary directory and fresh store that unit tests
 * share: cp_fixture_setup makes them, cp_fixture_teardown removes
 * everything, however much a test left there. Compiled into every unit
 * test by tests/CMakeLists.txt.
 *
 * A test's own fixture embeds a struct cp_fixture and passes it here
 * from its cmocka setup and teardown functions.
 */
#ifndef CP_TEST_FIXTURE_H
#define CP_TEST_FIXTURE_H

#include <stddef.h>

#include "store.h"

enum cp_fixture_flag {
	CP_FIXTURE_STORE = 1 << 0, /* create and open a store at path */
	CP_FIXTURE_KEY = 1 << 1,   /* write an installation key at key */
};

struct cp_fixture {
	char dir[64];	    /* /tmp/cp-test-TAG-XXXXXX, made afresh */
	char path[128];	    /* dir/pulse.db: where the store is, or goes */
	char key[136];	    /* path.key: the installation key's file */
	struct cp_store *s; /* open on path with CP_FIXTURE_STORE, else NULL */
};

/*
 * Makes a fresh directory named after tag and, as flags ask, creates the
 * store (CP_STORE_CREATE) and the installation key in it. Returns 0, or
 * -1 after saying why on stderr (cmocka then fails the test group).
 */
int cp_fixture_setup(struct cp_fixture *f, const char *tag, unsigned flags);

/* Closes the store (when open) and removes the directory and everything
 * in it, subdirectories too. Returns 0, or -1 when something stays. */
int cp_fixture_teardown(struct cp_fixture *f);

/* "dir/name" into out (size n); returns out. */
const char *cp_fixture_file(const struct cp_fixture *f, const char *name,
			    char *out, size_t n);

#endif
