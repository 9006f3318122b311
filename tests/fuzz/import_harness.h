/*
 * import_harness.h - the body of the import harnesses (import_csv.c,
 * import_json.c): cp_import_responses in a dry run against a wave of the
 * compassionate-pulse survey with a leader self-assessment, for teams
 * "Nursing" (with its sub-team "Ward 4, North") and "Pharmacy", in an
 * in-memory database made once.
 *
 * Oracles: a refused file lists a problem or says why; an accepted one
 * imports at least one response.
 */
#ifndef CP_FUZZ_IMPORT_HARNESS_H
#define CP_FUZZ_IMPORT_HARNESS_H

#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "import.h"
#include "roster.h"
#include "store.h"
#include "survey.h"

#ifndef FUZZ_IMPORT_FORMAT
#error "define FUZZ_IMPORT_FORMAT before including import_harness.h"
#endif

static const char roster_csv[] =
    "email,name,team,parent_team,role\n"
    "zoe@example.org,Zo\xc3\xab,\"Ward 4, North\",Nursing,leader\n"
    "bob@example.org,Bob,\"Ward 4, North\",Nursing,\n"
    "ann@example.org,Ann,Pharmacy,,leader\n"
    "cy@example.org,Cy,Nursing,,\n"
    "dee@example.org,Dee,Radiology,,\n";

static void setup_fail(const char *what, const struct cp_error *err)
{
	fprintf(stderr, "import harness: %s: %s\n", what, err->message);
	abort();
}

static struct cp_store *setup(int64_t *wave)
{
	struct cp_store *st = NULL;
	struct cp_roster *r = NULL;
	struct cp_roster_changes ch = {0};
	struct cp_problems p;
	struct cp_error err = {0};
	struct cp_wave w = {0};
	int64_t teams[2];
	char *text = NULL;
	size_t added;

	cp_problems_init(&p, "roster.csv");
	if (cp_store_open(&st, ":memory:", CP_STORE_CREATE, &err))
		setup_fail("open", &err);
	if (cp_survey_install_builtins(st, &added, &err))
		setup_fail("surveys", &err);
	if (cp_roster_parse(&r, "roster.csv", roster_csv,
			    sizeof(roster_csv) - 1, &p, &err) ||
	    cp_roster_apply(st, r, 0, &ch, &err))
		setup_fail("roster", &err);
	cp_roster_changes_release(&ch);
	cp_roster_free(r);
	cp_problems_release(&p);
	if (cp_store_team_find(st, "Nursing", &teams[0], &err) ||
	    cp_store_team_find(st, "Pharmacy", &teams[1], &err))
		setup_fail("teams", &err);
	if (cp_store_survey_text(st, "compassionate-pulse", 0, &text,
				 &w.survey_ref, &err))
		setup_fail("survey", &err);
	free(text);
	if (cp_store_survey_text(st, "leader-self", 0, &text,
				 &w.self_survey_ref, &err))
		setup_fail("self survey", &err);
	free(text);
	w.status = CP_WAVE_OPEN;
	w.opens_at = 1;
	w.include_subteams = 1;
	cp_strlcpy(w.channel, "outbox", sizeof(w.channel));
	if (cp_store_begin(st, &err) ||
	    cp_store_wave_insert(st, &w, teams, 2, &err) ||
	    cp_store_commit(st, &err))
		setup_fail("wave", &err);
	*wave = w.id;
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cp_store *st;
	static int64_t wave;
	struct cp_problems p;
	struct cp_error err = {0};
	size_t imported = 99;
	int rc;

	if (st == NULL)
		st = setup(&wave);
	cp_problems_init(&p, "fuzz");
	rc = cp_import_responses(st, wave, "fuzz", (const char *)data, size,
				 FUZZ_IMPORT_FORMAT, true, &p, &imported, &err);
	if (rc) {
		FUZZ_CHECK(err.message[0] != '\0', "refused without a message");
		FUZZ_CHECK(rc != CP_EDATA || cp_problems_total(&p) > 0 ||
			       strstr(err.message, "no responses"),
			   "bad data without a problem: %s", err.message);
	} else {
		FUZZ_CHECK(imported > 0 && cp_problems_total(&p) == 0,
			   "accepted %zu responses with %zu problems", imported,
			   cp_problems_total(&p));
	}
	for (size_t i = 0; i < p.count; i++) {
		char line[CP_ERROR_MSG_MAX + CP_ERROR_FILE_MAX + 64];
		cp_problems_format(&p, i, line, sizeof(line));
	}
	cp_problems_release(&p);
	return 0;
}

#endif
