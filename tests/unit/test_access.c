/*
 * test_access.c - who sees which team (HR, leader and subtree in the
 * wave's own tree, facilitator until a date, the leader's self-assessment),
 * sign-in tokens, sessions, CSRF and the sign-in rate limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "access.h"
#include "config.h"
#include "deliver.h"
#include "fixture.h"
#include "store.h"
#include "survey.h"

enum {
	ORG,
	A,
	A1,
	B,
	NTEAMS
};

#define NOW	   100000
#define FAC_UNTIL  (NOW + 5000)
#define IDLE	   1800	 /* access.session_idle's default, 30m */
#define ABSOLUTE   43200 /* access.session_max's default, 12h */
#define TOKEN_LIFE 900	 /* access.signin_ttl's default, 15m */

struct fixture {
	struct cp_fixture fx;
	int64_t team[NTEAMS];
	int64_t wave;
	int64_t hr, lead_a, lead_b, fac;
};

static int64_t viewer(struct fixture *f, const char *email)
{
	int64_t id;

	assert_int_equal(cp_store_viewer_ensure(f->fx.s, email, "", &id, NULL),
			 0);
	return id;
}

static int setup(void **state)
{
	static const char *const names[NTEAMS] = {"Org", "A", "A1", "B"};
	struct fixture *f = calloc(1, sizeof(*f));
	struct cp_wave w = {0};
	char *text;
	int64_t id;
	size_t added;
	int created;

	assert_non_null(f);
	assert_int_equal(cp_fixture_setup(&f->fx, "access", CP_FIXTURE_STORE),
			 0);
	assert_int_equal(cp_survey_install_builtins(f->fx.s, &added, NULL), 0);
	for (int i = 0; i < NTEAMS; i++)
		assert_int_equal(cp_store_team_ensure(f->fx.s, names[i],
						      &f->team[i], &created,
						      NULL),
				 0);
	assert_int_equal(
	    cp_store_team_set_parent(f->fx.s, f->team[A], f->team[ORG], NULL),
	    0);
	assert_int_equal(
	    cp_store_team_set_parent(f->fx.s, f->team[A1], f->team[A], NULL),
	    0);
	assert_int_equal(
	    cp_store_team_set_parent(f->fx.s, f->team[B], f->team[ORG], NULL),
	    0);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "Lead.A@example.org",
						"Ann Lead", f->team[A],
						CP_ROLE_LEADER, &id, NULL),
			 0);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "lead.b@example.org",
						"Ben Lead", f->team[B],
						CP_ROLE_LEADER, &id, NULL),
			 0);
	assert_int_equal(cp_store_member_upsert(f->fx.s, "member@example.org",
						"Mo", f->team[A1],
						CP_ROLE_MEMBER, &id, NULL),
			 0);
	assert_int_equal(cp_store_survey_text(f->fx.s,
					      "compassionate-leadership", 0,
					      &text, &w.survey_ref, NULL),
			 0);
	free(text);
	w.status = CP_WAVE_OPEN;
	w.opens_at = 1000;
	memcpy(w.channel, "outbox", sizeof("outbox"));
	assert_int_equal(
	    cp_store_wave_insert(f->fx.s, &w, f->team, NTEAMS, NULL), 0);
	f->wave = w.id;
	assert_int_equal(cp_access_grant(f->fx.s, "hr@example.org",
					 CP_ACCESS_HR, NULL, 0, NULL),
			 0);
	assert_int_equal(cp_access_grant(f->fx.s, "fac@example.org",
					 CP_ACCESS_FACILITATOR, "B", FAC_UNTIL,
					 NULL),
			 0);
	f->hr = viewer(f, "hr@example.org");
	f->fac = viewer(f, "fac@example.org");
	f->lead_a = viewer(f, "lead.a@example.org");
	f->lead_b = viewer(f, "lead.b@example.org");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc = cp_fixture_teardown(&f->fx);

	free(f);
	return rc;
}

static bool may(struct fixture *f, int64_t v, int team, int64_t now)
{
	bool ok = true;

	assert_int_equal(cp_access_may_view(f->fx.s, v, f->wave, f->team[team],
					    now, &ok, NULL),
			 0);
	return ok;
}

static bool may_self(struct fixture *f, int64_t v, int team)
{
	bool ok = true;

	assert_int_equal(cp_access_may_view_self(f->fx.s, v, f->wave,
						 f->team[team], NOW, &ok, NULL),
			 0);
	return ok;
}

/* The teams v sees, as indexes into f->team, into out; returns n. */
static size_t teams(struct fixture *f, int64_t v, int64_t now, int out[8])
{
	int64_t *ids = NULL;
	size_t n = 0;

	assert_int_equal(
	    cp_access_teams(f->fx.s, v, f->wave, now, &ids, &n, NULL), 0);
	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++) {
		out[i] = -1;
		for (int t = 0; t < NTEAMS; t++)
			if (ids[i] == f->team[t])
				out[i] = t;
	}
	free(ids);
	return n;
}

static void test_leader_refused_other_team(void **state)
{
	struct fixture *f = *state;

	assert_true(may(f, f->lead_a, A, NOW));
	assert_false(may(f, f->lead_a, B, NOW));
	assert_false(may(f, f->lead_a, ORG, NOW));
	assert_false(may(f, f->lead_b, A, NOW));
	assert_false(may(f, f->lead_b, A1, NOW));
	/* A team that is not in the wave, and an unknown viewer. */
	assert_false(may(f, 999999, A, NOW));
}

static void test_leader_sees_subtree_in_tree_order(void **state)
{
	struct fixture *f = *state;
	int t[8];

	assert_true(may(f, f->lead_a, A1, NOW));
	assert_int_equal(teams(f, f->lead_a, NOW, t), 2);
	assert_int_equal(t[0], A);
	assert_int_equal(t[1], A1);
}

static void test_wave_keeps_its_tree(void **state)
{
	struct fixture *f = *state;

	/* A1 moves under B today: the wave's tree still has it under A. */
	assert_int_equal(
	    cp_store_team_set_parent(f->fx.s, f->team[A1], f->team[B], NULL),
	    0);
	assert_true(may(f, f->lead_a, A1, NOW));
	assert_false(may(f, f->lead_b, A1, NOW));
}

static void test_facilitator_until_date(void **state)
{
	struct fixture *f = *state;
	int t[8];

	assert_true(may(f, f->fac, B, NOW));
	assert_false(may(f, f->fac, A, NOW));
	assert_false(may(f, f->fac, ORG, NOW));
	assert_true(may(f, f->fac, B, FAC_UNTIL - 1));
	assert_false(may(f, f->fac, B, FAC_UNTIL));
	assert_int_equal(teams(f, f->fac, FAC_UNTIL, t), 0);
}

static void test_hr_sees_all_in_tree_order(void **state)
{
	struct fixture *f = *state;
	bool hr = false;
	int t[8];

	assert_int_equal(teams(f, f->hr, NOW, t), 4);
	assert_int_equal(t[0], ORG);
	assert_int_equal(t[1], A);
	assert_int_equal(t[2], A1);
	assert_int_equal(t[3], B);
	assert_int_equal(cp_access_is_hr(f->fx.s, f->hr, NOW, &hr, NULL), 0);
	assert_true(hr);
	assert_int_equal(cp_access_is_hr(f->fx.s, f->lead_a, NOW, &hr, NULL),
			 0);
	assert_false(hr);
	/* Revoked: nothing. */
	assert_int_equal(cp_access_revoke(f->fx.s, "HR@example.org",
					  CP_ACCESS_HR, NULL, NULL),
			 0);
	assert_false(may(f, f->hr, ORG, NOW));
}

static void test_self_only_its_leader(void **state)
{
	struct fixture *f = *state;

	assert_true(may_self(f, f->lead_a, A));
	assert_false(may_self(f, f->lead_a, A1)); /* below: not theirs */
	assert_false(may_self(f, f->lead_b, A));
	assert_false(may_self(f, f->hr, A));
	assert_false(may_self(f, f->fac, B));
	assert_true(may_self(f, f->lead_b, B));
}

static void test_roster_leaders_switched_off(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(
	    cp_config_set(f->fx.s, "access.leaders_from_roster", "false", NULL),
	    0);
	assert_false(may(f, f->lead_a, A, NOW));
	/* An explicit leader grant still counts. */
	assert_int_equal(cp_access_grant(f->fx.s, "lead.a@example.org",
					 CP_ACCESS_LEADER, "A", 0, NULL),
			 0);
	assert_true(may(f, f->lead_a, A1, NOW));
}

/* How many rows of table hold blob (n bytes) or text in any column. */
static int db_holds(struct fixture *f, const char *text)
{
	char cmd[512];
	FILE *p;
	int found;

	/* The whole file and its WAL, as bytes. */
	snprintf(cmd, sizeof(cmd),
		 "cat '%s' '%s-wal' 2>/dev/null | grep -c -a '%s'", f->fx.path,
		 f->fx.path, text);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &found), 1);
	pclose(p);
	return found;
}

/* A sign-in request; true when a link is to be sent (token holds it). */
static bool request(struct fixture *f, const char *email, const char *client,
		    int64_t now, char token[CP_ACCESS_SECRET_SIZE])
{
	bool send = false;

	assert_int_equal(
	    cp_signin_request(f->fx.s, email, client, now, token, &send, NULL),
	    0);
	return send;
}

static void test_token_single_use_and_hashed(void **state)
{
	struct fixture *f = *state;
	char token[CP_ACCESS_SECRET_SIZE];
	struct cp_error err;
	int64_t v = 0;
	bool send = false;

	send = request(f, "Lead.A@Example.org", "192.0.2.1", NOW, token);
	assert_true(send);
	assert_int_equal(strlen(token), 48);
	assert_int_equal(db_holds(f, token), 0); /* only its hash */
	assert_int_equal(cp_signin_consume(f->fx.s, token, NOW + 10, &v, NULL),
			 0);
	assert_int_equal(v, f->lead_a);
	assert_int_equal(cp_signin_consume(f->fx.s, token, NOW + 11, &v, &err),
			 CP_ECONFLICT);
	assert_int_equal(v, 0);
	/* Expired: unused, but past its life. */
	send = request(f, "lead.a@example.org", "192.0.2.1", NOW, token);
	assert_true(send);
	assert_int_equal(
	    cp_signin_consume(f->fx.s, token, NOW + TOKEN_LIFE, &v, &err),
	    CP_ECONFLICT);
	/* Never issued. */
	assert_int_equal(cp_signin_consume(f->fx.s, "00ff", NOW, &v, &err),
			 CP_ECONFLICT);
}

static void test_no_enumeration(void **state)
{
	struct fixture *f = *state;
	char token[CP_ACCESS_SECRET_SIZE];
	int64_t v;
	bool send = true;

	/* No access, a member only, a malformed address: no link, no
	 * error, the same return. */
	send = request(f, "nobody@example.org", "192.0.2.1", NOW, token);
	assert_false(send);
	assert_string_equal(token, "");
	send = request(f, "member@example.org", "192.0.2.1", NOW, token);
	assert_false(send);
	send = request(f, "not an address", "192.0.2.1", NOW, token);
	assert_false(send);
	assert_int_equal(
	    cp_signin_email(f->fx.s, "member@example.org", NOW, &v, NULL),
	    CP_ENOTFOUND);
	assert_int_equal(
	    cp_signin_email(f->fx.s, "lead.b@example.org", NOW, &v, NULL), 0);
	assert_int_equal(v, f->lead_b);
}

static void test_rate_limits(void **state)
{
	struct fixture *f = *state;
	char token[CP_ACCESS_SECRET_SIZE], client[32];
	bool send;

	/* Per address: 5 an hour (from different clients). */
	for (int i = 0; i < 5; i++) {
		snprintf(client, sizeof(client), "192.0.2.%d", i);
		send = request(f, "hr@example.org", client, NOW, token);
		assert_true(send);
	}
	send = request(f, "hr@example.org", "192.0.2.99", NOW, token);
	assert_false(send);
	/* The next hour: allowed again. */
	send = request(f, "hr@example.org", "192.0.2.99", NOW + 3600, token);
	assert_true(send);
	/* Per client: 3 an hour, whatever the addresses. */
	assert_int_equal(
	    cp_config_set(f->fx.s, "access.signin_per_client", "3", NULL), 0);
	send = request(f, "nobody@example.org", "198.51.100.7", NOW, token);
	assert_false(send);
	send = request(f, "lead.a@example.org", "198.51.100.7", NOW, token);
	assert_true(send);
	send = request(f, "lead.b@example.org", "198.51.100.7", NOW, token);
	assert_true(send);
	send = request(f, "fac@example.org", "198.51.100.7", NOW, token);
	assert_false(send);
}

static void test_session_idle_absolute_rotation(void **state)
{
	struct fixture *f = *state;
	char sid[CP_ACCESS_SECRET_SIZE], sid2[CP_ACCESS_SECRET_SIZE];
	struct cp_session ses;
	int64_t t;
	bool valid;

	assert_int_equal(
	    cp_session_create(f->fx.s, f->lead_a, NOW, sid, &ses, NULL), 0);
	assert_int_equal(strlen(sid), 48);
	assert_int_equal(db_holds(f, sid), 0);
	assert_int_equal(
	    cp_session_check(f->fx.s, sid, NOW + IDLE - 1, &ses, &valid, NULL),
	    0);
	assert_true(valid);
	assert_int_equal(ses.viewer_id, f->lead_a);
	/* Idle: from the last request, not from sign-in. */
	assert_int_equal(cp_session_check(f->fx.s, sid, NOW + 2 * IDLE - 2,
					  &ses, &valid, NULL),
			 0);
	assert_true(valid);
	assert_int_equal(
	    cp_session_check(f->fx.s, sid, NOW + 3 * IDLE, &ses, &valid, NULL),
	    0);
	assert_false(valid);
	/* Gone for good, even back within the idle time. */
	assert_int_equal(cp_session_check(f->fx.s, sid, NOW + 2 * IDLE - 1,
					  &ses, &valid, NULL),
			 0);
	assert_false(valid);

	/* Absolute: used all the time, still ends. */
	assert_int_equal(
	    cp_session_create(f->fx.s, f->hr, NOW, sid, &ses, NULL), 0);
	for (t = NOW; t < NOW + ABSOLUTE; t += IDLE / 2) {
		assert_int_equal(
		    cp_session_check(f->fx.s, sid, t, &ses, &valid, NULL), 0);
		assert_true(valid);
	}
	assert_int_equal(
	    cp_session_check(f->fx.s, sid, NOW + ABSOLUTE, &ses, &valid, NULL),
	    0);
	assert_false(valid);

	/* Rotation: the old id is dead, the new one lives. */
	assert_int_equal(
	    cp_session_create(f->fx.s, f->hr, NOW, sid, &ses, NULL), 0);
	assert_int_equal(
	    cp_session_rotate(f->fx.s, sid, f->hr, NOW + 5, sid2, &ses, NULL),
	    0);
	assert_string_not_equal(sid, sid2);
	assert_int_equal(
	    cp_session_check(f->fx.s, sid, NOW + 6, &ses, &valid, NULL), 0);
	assert_false(valid);
	assert_int_equal(
	    cp_session_check(f->fx.s, sid2, NOW + 6, &ses, &valid, NULL), 0);
	assert_true(valid);
	/* Sign-out. */
	assert_int_equal(cp_session_end(f->fx.s, sid2, NULL), 0);
	assert_int_equal(
	    cp_session_check(f->fx.s, sid2, NOW + 7, &ses, &valid, NULL), 0);
	assert_false(valid);
	assert_int_equal(
	    cp_session_check(f->fx.s, "", NOW + 7, &ses, &valid, NULL), 0);
	assert_false(valid);
}

static void test_csrf(void **state)
{
	struct fixture *f = *state;
	char sid[CP_ACCESS_SECRET_SIZE], other_sid[CP_ACCESS_SECRET_SIZE];
	struct cp_session ses, again, other;
	char wrong[CP_ACCESS_SECRET_SIZE];
	bool valid;

	assert_int_equal(
	    cp_session_create(f->fx.s, f->hr, NOW, sid, &ses, NULL), 0);
	assert_int_equal(
	    cp_session_create(f->fx.s, f->hr, NOW, other_sid, &other, NULL), 0);
	assert_int_equal(strlen(ses.csrf), 48);
	assert_string_not_equal(ses.csrf, sid);
	assert_string_not_equal(ses.csrf, other.csrf);
	/* The same token on every request of the session. */
	assert_int_equal(
	    cp_session_check(f->fx.s, sid, NOW + 1, &again, &valid, NULL), 0);
	assert_string_equal(again.csrf, ses.csrf);
	assert_true(cp_csrf_ok(&again, ses.csrf));
	memcpy(wrong, ses.csrf, sizeof(wrong));
	wrong[47] = wrong[47] == '0' ? '1' : '0';
	assert_false(cp_csrf_ok(&again, wrong));
	wrong[47] = '\0';
	assert_false(cp_csrf_ok(&again, wrong));
	assert_false(cp_csrf_ok(&again, ""));
	assert_false(cp_csrf_ok(&again, NULL));
	assert_false(cp_csrf_ok(&again, other.csrf));
	assert_false(cp_csrf_ok(NULL, ses.csrf));
}

static int64_t grant_count(struct fixture *f)
{
	struct cp_store_grant *g = NULL;
	size_t n = 0;

	assert_int_equal(cp_store_grants(f->fx.s, 0, &g, &n, NULL), 0);
	free(g);
	return (int64_t)n;
}

static void test_grant_bad_input(void **state)
{
	struct fixture *f = *state;
	struct cp_error err;
	int64_t before = grant_count(f);

	assert_int_equal(
	    cp_access_grant(f->fx.s, "bob@", CP_ACCESS_HR, NULL, 0, &err),
	    CP_EDATA);
	assert_non_null(strstr(err.message, "'bob@' is not a valid address"));
	assert_int_equal(cp_access_grant(f->fx.s, "bob@example.org",
					 CP_ACCESS_LEADER, "Nope", 0, &err),
			 CP_ENOTFOUND);
	assert_int_equal(cp_access_grant(f->fx.s, "bob@example.org",
					 CP_ACCESS_HR, "A", 0, &err),
			 CP_EUSAGE);
	assert_int_equal(cp_access_grant(f->fx.s, "bob@example.org",
					 CP_ACCESS_LEADER, "A", NOW, &err),
			 CP_EUSAGE);
	assert_int_equal(cp_access_grant(f->fx.s, "bob@example.org",
					 CP_ACCESS_FACILITATOR, NULL, 0, &err),
			 CP_EUSAGE);
	assert_int_equal(cp_access_revoke(f->fx.s, "bob@example.org",
					  CP_ACCESS_HR, NULL, &err),
			 CP_ENOTFOUND);
	assert_int_equal(grant_count(f), before);
}

static void test_audit_and_list(void **state)
{
	struct fixture *f = *state;
	struct cp_access_grant_row *g = NULL;
	struct cp_audit_row *a = NULL;
	size_t n = 0, roster = 0;

	assert_int_equal(cp_audit(f->fx.s, f->lead_a, "view", f->wave,
				  f->team[A], "results", NOW, NULL),
			 0);
	/* The grants of the setup are logged too, at the real clock. */
	assert_int_equal(cp_access_log_list(f->fx.s, 0, &a, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_string_equal(a[0].email, "lead.a@example.org");
	assert_int_equal(a[0].at, NOW);
	assert_string_equal(a[0].event, "view");
	assert_string_equal(a[0].team, "A");
	assert_string_equal(a[1].event, "grant");
	assert_string_equal(a[1].email, "hr@example.org");
	assert_string_equal(a[2].team, "B");
	free(a);
	assert_int_equal(cp_access_list(f->fx.s, NOW, &g, &n, NULL), 0);
	assert_int_equal(n, 4); /* fac, hr, and two roster leaders */
	for (size_t i = 0; i < n; i++)
		roster += g[i].from_roster;
	assert_int_equal(roster, 2);
	assert_string_equal(g[0].email, "fac@example.org");
	assert_int_equal(g[0].until, FAC_UNTIL);
	free(g);
}

static void test_ready_recipients(void **state)
{
	struct fixture *f = *state;
	int64_t *v = NULL;
	size_t n = 0, waves = 0;

	assert_int_equal(
	    cp_access_ready_recipients(f->fx.s, f->wave, NOW, &v, &n, NULL), 0);
	assert_int_equal(n, 4);
	free(v);
	/* After the facilitator's date: three. */
	assert_int_equal(cp_access_ready_recipients(f->fx.s, f->wave, FAC_UNTIL,
						    &v, &n, NULL),
			 0);
	assert_int_equal(n, 3);
	free(v);
	/* Queued once per closed wave, however often asked. */
	assert_int_equal(cp_access_ready_queue(f->fx.s, NOW, &waves, NULL), 0);
	assert_int_equal(waves, 0); /* still open */
	assert_int_equal(
	    cp_store_wave_set_status(f->fx.s, f->wave, CP_WAVE_CLOSED, NULL),
	    0);
	assert_int_equal(cp_access_ready_queue(f->fx.s, NOW, &waves, NULL), 0);
	assert_int_equal(waves, 1);
	assert_int_equal(cp_access_ready_queue(f->fx.s, NOW, &waves, NULL), 0);
	assert_int_equal(waves, 0);
}

static void test_member_forget_forgets_viewer(void **state)
{
	struct fixture *f = *state;
	struct cp_forgotten out;
	char sid[CP_ACCESS_SECRET_SIZE];
	int64_t id;
	bool valid = true;

	assert_int_equal(cp_access_grant(f->fx.s, "lead.a@example.org",
					 CP_ACCESS_HR, NULL, 0, NULL),
			 0);
	assert_int_equal(
	    cp_session_create(f->fx.s, f->lead_a, NOW, sid, NULL, NULL), 0);
	assert_int_equal(cp_store_begin(f->fx.s, NULL), 0);
	assert_int_equal(cp_store_member_forget(f->fx.s, "LEAD.A@example.org",
						NOW, &out, NULL),
			 0);
	assert_int_equal(cp_store_commit(f->fx.s, NULL), 0);
	assert_int_equal(
	    cp_store_viewer_find(f->fx.s, "lead.a@example.org", &id, NULL),
	    CP_ENOTFOUND);
	assert_false(may(f, f->lead_a, A, NOW));
	assert_false(may(f, f->lead_a, ORG, NOW));
	assert_int_equal(
	    cp_session_check(f->fx.s, sid, NOW + 1, NULL, &valid, NULL), 0);
	assert_false(valid);
	/* As `member forget` does: the pages it was on rewritten. */
	assert_int_equal(cp_store_compact(f->fx.s, NULL), 0);
	assert_int_equal(db_holds(f, "lead.a@example.org"), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_leader_refused_other_team),
	    T(test_leader_sees_subtree_in_tree_order),
	    T(test_wave_keeps_its_tree),
	    T(test_facilitator_until_date),
	    T(test_hr_sees_all_in_tree_order),
	    T(test_self_only_its_leader),
	    T(test_roster_leaders_switched_off),
	    T(test_token_single_use_and_hashed),
	    T(test_no_enumeration),
	    T(test_rate_limits),
	    T(test_session_idle_absolute_rotation),
	    T(test_csrf),
	    T(test_grant_bad_input),
	    T(test_audit_and_list),
	    T(test_ready_recipients),
	    T(test_member_forget_forgets_viewer),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
