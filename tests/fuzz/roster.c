/*
 * roster.c - fuzzes the roster CSV reader (cp_roster_parse).
 *
 * Oracles: a refused roster lists at least one problem and returns no
 * roster; an accepted one has only rows whose required fields are
 * non-empty, trimmed, valid UTF-8 without control characters that break
 * a line, and a line number inside the file.
 */
#include <string.h>

#include "fuzz.h"
#include "roster.h"

static void check_field(const char *what, const char *s, int required)
{
	size_t n;

	if (s == NULL) {
		FUZZ_CHECK(!required, "%s missing", what);
		return;
	}
	n = strlen(s);
	FUZZ_CHECK(!required || n > 0, "%s empty", what);
	FUZZ_CHECK(n == 0 || (s[0] != ' ' && s[n - 1] != ' '),
		   "%s '%s' not trimmed", what, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cp_roster *r = NULL;
	struct cp_problems p;
	struct cp_error err = {0};
	int rc;

	cp_problems_init(&p, "fuzz.csv");
	rc =
	    cp_roster_parse(&r, "fuzz.csv", (const char *)data, size, &p, &err);
	if (rc) {
		FUZZ_CHECK(r == NULL, "refused but returned a roster");
		FUZZ_CHECK(err.message[0] != '\0', "refused without a message");
	} else {
		FUZZ_CHECK(cp_problems_total(&p) == 0,
			   "accepted with problems");
		for (size_t i = 0; i < r->nrows; i++) {
			const struct cp_roster_row *row = &r->rows[i];

			FUZZ_CHECK(row->line >= 1 && (size_t)row->line <= size,
				   "row %zu on line %d", i, row->line);
			check_field("email", row->email, 1);
			check_field("name", row->name, 1);
			check_field("team", row->team, 1);
			check_field("parent_team", row->parent_team, 0);
			FUZZ_CHECK(strchr(row->email, '\n') == NULL &&
				       strchr(row->email, '\r') == NULL,
				   "line break in email '%s'", row->email);
		}
	}
	/* Formatting every problem must stay inside its buffer. */
	for (size_t i = 0; i < p.count; i++) {
		char line[CP_ERROR_MSG_MAX + CP_ERROR_FILE_MAX + 64];
		cp_problems_format(&p, i, line, sizeof(line));
	}
	cp_roster_free(r);
	cp_problems_release(&p);
	return 0;
}
