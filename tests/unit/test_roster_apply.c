/*
 * test_roster_apply.c - turning a roster CSV into teams and members
 * (core/roster.c cp_roster_apply; rosters built with cp_roster_parse):
 * the file is the truth about who is on which team, members are never
 * deleted, a dry run writes nothing, and a bad hierarchy changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "roster.h"
#include "store_int.h"

/* Commercial exists only as a parent; Dee leads Support. */
static const char CSV1[] =
    "email,name,team,parent_team,role\n"
    "ann@example.org,Ann Lee,Sales,Commercial,leader\n"
    "bob@example.org,Bob Stone,Sales,Commercial,\n"
    "cy@example.org,Cy Park,Support,Commercial,member\n"
    "dee@example.org,Dee Moss,Support,Commercial,leader\n";

/* CSV1 without Bob. */
static const char CSV_NO_BOB[] =
    "email,name,team,parent_team,role\n"
    "ann@example.org,Ann Lee,Sales,Commercial,leader\n"
    "cy@example.org,Cy Park,Support,Commercial,member\n"
    "dee@example.org,Dee Moss,Support,Commercial,leader\n";

/*
 * From CSV1: Cy moves to Sales, Dee is no longer a leader, Bob's name is
 * corrected, Support moves under a new Operations team.
 */
static const char CSV_CHANGED[] =
    "email,name,team,parent_team,role\n"
    "ann@example.org,Ann Lee,Sales,Commercial,leader\n"
    "bob@example.org,Bob Stoner,Sales,Commercial,\n"
    "cy@example.org,Cy Park,Sales,Commercial,member\n"
    "dee@example.org,Dee Moss,Support,Operations,member\n";

struct fixture {
	struct cp_fixture fx;		  /* directory and store */
	struct cp_roster_changes changes; /* released by the teardown */
	char *before, *after;		  /* snapshots, freed likewise */
};

static int make_store(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	/* A fixed clock, so timestamps in snapshots mean something. */
	setenv("CAREPULSE_NOW", "1700000000", 1);
	return cp_fixture_setup(&f->fx, "roster", CP_FIXTURE_STORE);
}

static int cleanup(void **state)
{
	struct fixture *f = *state;
	int rc;

	unsetenv("CAREPULSE_NOW");
	cp_roster_changes_release(&f->changes);
	free(f->before);
	free(f->after);
	rc = cp_fixture_teardown(&f->fx);
	free(f);
	return rc;
}

/*
 * Parses csv (the test fails on any problem) and applies it; returns
 * cp_roster_apply's result, with what changed in f->changes.
 */
static int apply(struct fixture *f, const char *csv, int dry_run,
		 struct cp_error *err)
{
	struct cp_roster *r = NULL;
	struct cp_problems problems;
	char msg[1024];
	int rc;

	cp_problems_init(&problems, "roster.csv");
	rc =
	    cp_roster_parse(&r, "roster.csv", csv, strlen(csv), &problems, err);
	cp_problems_release(&problems);
	if (rc)
		fail_msg("roster does not parse: %s",
			 cp_error_format(err, msg, sizeof(msg)));
	cp_roster_changes_release(&f->changes);
	rc = cp_roster_apply(f->fx.s, r, dry_run, &f->changes, err);
	cp_roster_free(r);
	return rc;
}

/* Applies csv for real and fails the test on an error. */
static void apply_ok(struct fixture *f, const char *csv)
{
	struct cp_error err;
	char msg[1024];

	if (apply(f, csv, 0, &err))
		fail_msg("apply: %s", cp_error_format(&err, msg, sizeof(msg)));
}

/*
 * Every row of the team and member tables as text (malloc'ed); with
 * times, the created/updated timestamps too.
 */
static char *snapshot(struct fixture *f, int times)
{
	static const char *const with_times[] = {
	    "SELECT id, name, parent_id, created_at FROM team ORDER BY id",
	    ("SELECT id, email, email_key, name, team_id, role, active,"
	     " created_at, updated_at FROM member ORDER BY id"),
	    "SELECT key, value FROM config ORDER BY key",
	};
	static const char *const without[] = {
	    "SELECT id, name, parent_id FROM team ORDER BY id",
	    ("SELECT id, email, email_key, name, team_id, role, active"
	     " FROM member ORDER BY id"),
	    "SELECT key, value FROM config ORDER BY key",
	};
	const char *const *sql = times ? with_times : without;
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	assert_non_null(fp);
	for (size_t q = 0; q < 3; q++) {
		sqlite3_stmt *st;
		assert_int_equal(
		    sqlite3_prepare_v2(f->fx.s->db, sql[q], -1, &st, NULL),
		    SQLITE_OK);
		fprintf(fp, "-- %s\n", sql[q]);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *v =
				    sqlite3_column_text(st, c);
				fprintf(fp, "%s%s", c ? "|" : "",
					v ? (const char *)v : "NULL");
			}
			fputc('\n', fp);
		}
		sqlite3_finalize(st);
	}
	fclose(fp);
	return out;
}

/* The member with this address, from a list (NULL when absent). */
static const struct cp_member *member(const struct cp_member *m, size_t n,
				      const char *email)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(m[i].email, email) == 0)
			return &m[i];
	return NULL;
}

static const struct cp_team *team(const struct cp_team *t, size_t n,
				  const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/* True when one of the change lines is exactly line. */
static int has_line(const struct cp_roster_changes *c, const char *line)
{
	for (size_t i = 0; i < c->nlines; i++)
		if (strcmp(c->lines[i], line) == 0)
			return 1;
	return 0;
}

static void test_first_import(void **state)
{
	struct fixture *f = *state;
	const struct cp_roster_changes *c = &f->changes;
	const struct cp_member *m;
	const struct cp_team *x;
	struct cp_member *members;
	struct cp_team *teams;
	struct cp_error err;
	size_t nm, nt;

	apply_ok(f, CSV1);
	assert_int_equal(c->teams_added, 3);
	assert_int_equal(c->teams_changed, 0);
	assert_int_equal(c->members_added, 4);
	assert_int_equal(c->members_changed, 0);
	assert_int_equal(c->members_reactivated, 0);
	assert_int_equal(c->members_deactivated, 0);
	assert_int_equal(c->members_unchanged, 0);
	assert_int_equal(c->nlines, 7);
	assert_true(has_line(c, "add team 'Commercial'"));

	assert_int_equal(cp_store_team_list(f->fx.s, &teams, &nt, &err), 0);
	assert_int_equal(nt, 3);
	x = team(teams, nt, "Commercial");
	assert_non_null(x);
	assert_null(x->parent);
	assert_int_equal(x->members, 0);
	x = team(teams, nt, "Sales");
	assert_non_null(x);
	assert_string_equal(x->parent, "Commercial");
	assert_int_equal(x->members, 2);
	x = team(teams, nt, "Support");
	assert_non_null(x);
	assert_string_equal(x->parent, "Commercial");
	assert_int_equal(x->members, 2);
	cp_store_teams_free(teams, nt);

	assert_int_equal(
	    cp_store_member_list(f->fx.s, 0, 1, &members, &nm, &err), 0);
	assert_int_equal(nm, 4);
	m = member(members, nm, "ann@example.org");
	assert_non_null(m);
	assert_string_equal(m->name, "Ann Lee");
	assert_string_equal(m->team, "Sales");
	assert_int_equal(m->role, CP_ROLE_LEADER);
	assert_int_equal(m->active, 1);
	m = member(members, nm, "bob@example.org");
	assert_non_null(m);
	assert_int_equal(m->role, CP_ROLE_MEMBER); /* empty role */
	m = member(members, nm, "dee@example.org");
	assert_non_null(m);
	assert_string_equal(m->team, "Support");
	assert_int_equal(m->role, CP_ROLE_LEADER);
	cp_store_members_free(members, nm);
}

static void test_reimport_changes_nothing(void **state)
{
	struct fixture *f = *state;
	const struct cp_roster_changes *c = &f->changes;

	apply_ok(f, CSV1);
	f->before = snapshot(f, 0);
	setenv("CAREPULSE_NOW", "1700086400", 1);
	apply_ok(f, CSV1);
	assert_int_equal(c->teams_added, 0);
	assert_int_equal(c->teams_changed, 0);
	assert_int_equal(c->members_added, 0);
	assert_int_equal(c->members_changed, 0);
	assert_int_equal(c->members_reactivated, 0);
	assert_int_equal(c->members_deactivated, 0);
	assert_int_equal(c->members_unchanged, 4);
	assert_int_equal(c->nlines, 0);
	f->after = snapshot(f, 0);
	assert_string_equal(f->after, f->before);
}

static void test_missing_member_deactivated_then_back(void **state)
{
	struct fixture *f = *state;
	const struct cp_roster_changes *c = &f->changes;
	const struct cp_member *m;
	struct cp_member *members;
	struct cp_error err;
	int64_t bob;
	size_t n;

	apply_ok(f, CSV1);
	assert_int_equal(
	    cp_store_member_list(f->fx.s, 0, 1, &members, &n, &err), 0);
	bob = member(members, n, "bob@example.org")->id;
	cp_store_members_free(members, n);

	apply_ok(f, CSV_NO_BOB);
	assert_int_equal(c->members_deactivated, 1);
	assert_int_equal(c->members_unchanged, 3);
	assert_int_equal(c->members_added, 0);
	assert_true(
	    has_line(c, "deactivate Bob Stone <bob@example.org> (not in the "
			"roster)"));

	/* Not among the active members, but kept. */
	assert_int_equal(
	    cp_store_member_list(f->fx.s, 0, 0, &members, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_null(member(members, n, "bob@example.org"));
	cp_store_members_free(members, n);
	assert_int_equal(
	    cp_store_member_list(f->fx.s, 0, 1, &members, &n, &err), 0);
	assert_int_equal(n, 4);
	m = member(members, n, "bob@example.org");
	assert_non_null(m);
	assert_int_equal(m->active, 0);
	assert_int_equal(m->id, bob);
	cp_store_members_free(members, n);

	/* Applying the same file again deactivates nobody twice. */
	apply_ok(f, CSV_NO_BOB);
	assert_int_equal(c->members_deactivated, 0);
	assert_int_equal(c->members_unchanged, 3);

	/* Back in the file: the same member, active again. */
	apply_ok(f, CSV1);
	assert_int_equal(c->members_reactivated, 1);
	assert_int_equal(c->members_added, 0);
	assert_int_equal(c->members_unchanged, 3);
	assert_int_equal(
	    cp_store_member_list(f->fx.s, 0, 0, &members, &n, &err), 0);
	assert_int_equal(n, 4);
	m = member(members, n, "bob@example.org");
	assert_non_null(m);
	assert_int_equal(m->id, bob);
	assert_int_equal(m->active, 1);
	cp_store_members_free(members, n);
}

static void test_moves_and_role_changes(void **state)
{
	struct fixture *f = *state;
	const struct cp_roster_changes *c = &f->changes;
	const struct cp_member *m;
	const struct cp_team *x;
	struct cp_member *members;
	struct cp_team *teams;
	struct cp_error err;
	size_t n;

	apply_ok(f, CSV1);
	apply_ok(f, CSV_CHANGED);
	assert_int_equal(c->teams_added, 1);   /* Operations */
	assert_int_equal(c->teams_changed, 1); /* Support's parent */
	assert_int_equal(c->members_added, 0);
	assert_int_equal(c->members_changed, 3);
	assert_int_equal(c->members_unchanged, 1);
	assert_int_equal(c->members_deactivated, 0);
	assert_true(has_line(c, "move Cy Park <cy@example.org> from 'Support' "
				"to 'Sales'"));
	assert_true(has_line(c, "move team 'Support' under 'Operations'"));

	assert_int_equal(
	    cp_store_member_list(f->fx.s, 0, 1, &members, &n, &err), 0);
	assert_int_equal(n, 4);
	m = member(members, n, "cy@example.org");
	assert_string_equal(m->team, "Sales");
	m = member(members, n, "dee@example.org");
	assert_int_equal(m->role, CP_ROLE_MEMBER);
	m = member(members, n, "bob@example.org");
	assert_string_equal(m->name, "Bob Stoner");
	cp_store_members_free(members, n);

	assert_int_equal(cp_store_team_list(f->fx.s, &teams, &n, &err), 0);
	x = team(teams, n, "Support");
	assert_string_equal(x->parent, "Operations");
	assert_int_equal(x->members, 1);
	x = team(teams, n, "Sales");
	assert_int_equal(x->members, 3);
	cp_store_teams_free(teams, n);
}

static void test_dry_run_writes_nothing(void **state)
{
	/* A new team and member, a move, a role change, one dropped. */
	static const char next[] = "email,name,team,parent_team,role\n"
				   "ann@example.org,Ann Lee,Sales,Commercial,"
				   "member\n"
				   "cy@example.org,Cy Park,Sales,Commercial,\n"
				   "dee@example.org,Dee Moss,Support,"
				   "Operations,leader\n"
				   "eve@example.org,Eve Rowe,Research,,\n";
	struct fixture *f = *state;
	const struct cp_roster_changes *c = &f->changes;
	struct cp_error err;
	char msg[1024];

	apply_ok(f, CSV1);
	f->before = snapshot(f, 1);
	/* Were anything written, its timestamps would differ too. */
	setenv("CAREPULSE_NOW", "1700086400", 1);
	if (apply(f, next, 1, &err))
		fail_msg("dry run: %s",
			 cp_error_format(&err, msg, sizeof(msg)));
	assert_int_equal(c->teams_added, 2); /* Operations, Research */
	assert_int_equal(c->teams_changed, 1);
	assert_int_equal(c->members_added, 1);
	assert_int_equal(c->members_changed, 2);
	assert_int_equal(c->members_deactivated, 1);
	assert_int_equal(c->members_unchanged, 1);
	assert_true(c->nlines >= 7);
	assert_true(has_line(c, "add team 'Research'"));

	f->after = snapshot(f, 1);
	assert_string_equal(f->after, f->before);
	/* And no transaction is left open. */
	assert_int_equal(cp_store_begin(f->fx.s, &err), 0);
	cp_store_rollback(f->fx.s);

	/* The same file for real does what the dry run said. */
	apply_ok(f, next);
	assert_int_equal(c->teams_added, 2);
	assert_int_equal(c->members_added, 1);
	assert_int_equal(c->members_deactivated, 1);
}

static void test_cycle_with_database_refused(void **state)
{
	static const char b_under_a[] = "email,name,team,parent_team\n"
					"ann@example.org,Ann Lee,B,A\n";
	/* Says nothing about B, whose parent A already is. */
	static const char a_under_b[] = "email,name,team,parent_team\n"
					"bob@example.org,Bob Stone,A,B\n";
	struct fixture *f = *state;
	struct cp_error err;
	const struct cp_team *x;
	struct cp_team *teams;
	size_t n;

	apply_ok(f, b_under_a);
	f->before = snapshot(f, 1);
	setenv("CAREPULSE_NOW", "1700086400", 1);
	cp_error_clear(&err);
	assert_int_equal(apply(f, a_under_b, 0, &err), CP_EDATA);
	assert_non_null(strstr(err.message, "ancestor"));
	f->after = snapshot(f, 1);
	assert_string_equal(f->after, f->before);

	assert_int_equal(cp_store_team_list(f->fx.s, &teams, &n, &err), 0);
	x = team(teams, n, "A");
	assert_non_null(x);
	assert_null(x->parent);
	cp_store_teams_free(teams, n);

	/* The store is usable afterwards: no transaction left open. */
	assert_int_equal(cp_store_begin(f->fx.s, &err), 0);
	cp_store_rollback(f->fx.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_first_import, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_reimport_changes_nothing,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(
		test_missing_member_deactivated_then_back, make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_moves_and_role_changes,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_dry_run_writes_nothing,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_cycle_with_database_refused,
					    make_store, cleanup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
