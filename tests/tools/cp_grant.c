/*
 * cp_grant DB EMAIL ROLE [TEAM [UNTIL]] - test fixture: grants portal
 * access through core's API (cp_access_grant), for tests that run before
 * or beside the `access grant` command. UNTIL is seconds since 1970.
 */
#include <stdio.h>
#include <stdlib.h>

#include "access.h"
#include "store.h"

int main(int argc, char **argv)
{
	struct cp_store *st = NULL;
	struct cp_error err = {0};
	enum cp_access_role role;
	int rc;

	if (argc < 4 || argc > 6) {
		fprintf(stderr,
			"usage: cp_grant DB EMAIL ROLE [TEAM [UNTIL]]\n");
		return 64;
	}
	rc = cp_store_open(&st, argv[1], 0, &err);
	rc = rc ? rc : cp_access_role_parse(argv[3], &role, &err);
	rc = rc ? rc
		: cp_access_grant(st, argv[2], role, argc > 4 ? argv[4] : NULL,
				  argc > 5 ? strtoll(argv[5], NULL, 10) : 0,
				  &err);
	cp_store_close(st);
	if (rc) {
		fprintf(stderr, "cp_grant: %s\n", err.message);
		return 1;
	}
	return 0;
}
