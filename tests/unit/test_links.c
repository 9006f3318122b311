/*
 * test_links.c - the form server's links in memory (core/form/links.c):
 * a wave's unanswered links loaded from the store and found by hash, a
 * link marked used no longer found, a drop during a load keeping nothing,
 * one loader at a time, and a failed read keeping nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "links.h"
#include "store_int.h"

struct fixture {
	struct cp_fixture fx;
};

static int make_store(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	return cp_fixture_setup(&f->fx, "links", CP_FIXTURE_STORE);
}

static int cleanup(void **state)
{
	struct fixture *f = *state;
	int rc = cp_fixture_teardown(&f->fx);

	free(f);
	return rc;
}

static void exec_ok(struct cp_store *s, const char *sql)
{
	assert_int_equal(sqlite3_exec(s->db, sql, NULL, NULL, NULL), SQLITE_OK);
}

/* The token hash of invitation id (32 bytes into out). */
static void hash_of(struct cp_store *s, int64_t id, uint8_t out[32])
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(s->db,
					    "SELECT token_hash FROM invitation"
					    " WHERE id = ?",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), 32);
	memcpy(out, sqlite3_column_blob(st, 0), 32);
	sqlite3_finalize(st);
}

/* Two stand-ins for parsed surveys: links.c only hands them back. */
static const int ordinary_survey, self_survey;
#define SURVEY ((const struct cp_survey *)(const void *)&ordinary_survey)
#define SELF   ((const struct cp_survey *)(const void *)&self_survey)

/* Wave 1, open, with a self survey: 300 team links (team 1: ids 1-3,
 * team 2: the rest; id 2 answered) and a self link (id 1000, Welsh). */
static void make_wave(struct cp_store *s, struct cp_wave *w)
{
	struct cp_error err;

	exec_ok(
	    s, "INSERT INTO team (id, name, created_at) VALUES (1, 'A', 0),"
	       " (2, 'B', 0);"
	       "INSERT INTO survey (id, survey_id, version, title, hash,"
	       " definition, added_at) VALUES (1, 's', '1', 'S', 'h', '{}', 0),"
	       " (2, 'self', '1', 'Self', 'h2', '{}', 0);"
	       "INSERT INTO wave (id, survey_ref, self_survey_ref, status,"
	       " opens_at, channel, created_at) VALUES (1, 1, 2, 'open', 0,"
	       " 'outbox', 0);"
	       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	       " WHERE i < 300)"
	       " INSERT INTO member (id, email, email_key, name, team_id, role,"
	       " created_at, updated_at) SELECT i, 'm' || i, 'm' || i, 'M',"
	       " CASE WHEN i <= 3 THEN 1 ELSE 2 END, 'member', 0, 0 FROM n;"
	       "INSERT INTO invitation (id, wave_id, member_id, team_id, kind,"
	       " token_hash) SELECT id, 1, id, team_id, 'team', randomblob(32)"
	       " FROM member;"
	       "INSERT INTO invitation (id, wave_id, member_id, team_id, kind,"
	       " token_hash, language) VALUES (1000, 1, 1, 1, 'self',"
	       " randomblob(32), 'cy');"
	       "UPDATE invitation SET answered = 1 WHERE id = 2;");
	assert_int_equal(cp_store_wave_get(s, 1, w, &err), 0);
}

static void load(struct cp_links *c, struct cp_store *s,
		 const struct cp_wave *w)
{
	struct cp_error err;
	uint64_t epoch;

	assert_true(cp_links_claim(c, w->id, &epoch));
	assert_int_equal(cp_links_load(c, s, w, SURVEY, SELF, epoch, &err), 0);
}

static void test_load_find_mark(void **state)
{
	struct fixture *f = *state;
	struct cp_links c;
	struct cp_link_hit hit;
	struct cp_wave w;
	struct cp_error err;
	uint8_t h[32], other[32] = {1, 2, 3};
	uint64_t epoch;

	make_wave(f->fx.s, &w);
	assert_int_equal(cp_links_init(&c, &err), 0);
	assert_int_equal(cp_links_count(&c), 0);
	load(&c, f->fx.s, &w);
	/* The unanswered ones: 299 team links and the self link. */
	assert_int_equal(cp_links_count(&c), 300);
	/* Kept: nobody loads it again. */
	assert_false(cp_links_claim(&c, 1, &epoch));

	for (int64_t id = 1; id <= 300; id++) {
		hash_of(f->fx.s, id, h);
		if (id == 2) {
			assert_false(cp_links_find(&c, h, &hit));
			continue;
		}
		assert_true(cp_links_find(&c, h, &hit));
		assert_int_equal(hit.inv.id, id);
		assert_int_equal(hit.inv.wave_id, 1);
		assert_int_equal(hit.inv.team_id, id <= 3 ? 1 : 2);
		assert_int_equal(hit.inv.self, 0);
		assert_memory_equal(hit.inv.token_hash, h, 32);
		assert_null(hit.lang);
		assert_ptr_equal(hit.survey, SURVEY);
		assert_int_equal(hit.wave.id, 1);
		assert_int_equal(hit.wave.status, CP_WAVE_OPEN);
	}
	hash_of(f->fx.s, 1000, h);
	assert_true(cp_links_find(&c, h, &hit));
	assert_int_equal(hit.inv.self, 1);
	assert_ptr_equal(hit.survey, SELF);
	assert_ptr_equal(hit.lang, cp_lang_find("cy"));
	assert_false(cp_links_find(&c, other, &hit));

	/* Marked used by the writer: no longer found, the rest are. */
	hash_of(f->fx.s, 7, h);
	cp_links_read_lock(&c);
	cp_links_mark_used(&c, 1, h);
	cp_links_mark_used(&c, 2, h); /* a wave not kept: nothing */
	cp_links_mark_used(&c, 1, other);
	cp_links_read_unlock(&c);
	assert_false(cp_links_find(&c, h, &hit));
	hash_of(f->fx.s, 8, h);
	assert_true(cp_links_find(&c, h, &hit));

	/* Dropped: nothing found; the next post may load it again. */
	cp_links_drop(&c, 1);
	assert_int_equal(cp_links_count(&c), 0);
	assert_false(cp_links_find(&c, h, &hit));
	load(&c, f->fx.s, &w);
	assert_int_equal(cp_links_count(&c), 300);
	cp_links_release(&c);
}

static void test_one_loader_and_drops(void **state)
{
	struct fixture *f = *state;
	struct cp_links c;
	struct cp_link_hit hit;
	struct cp_wave w;
	struct cp_error err;
	uint8_t h[32];
	uint64_t epoch, second;

	make_wave(f->fx.s, &w);
	assert_int_equal(cp_links_init(&c, &err), 0);
	/* One loader at a time. */
	assert_true(cp_links_claim(&c, 1, &epoch));
	assert_false(cp_links_claim(&c, 1, &second));
	assert_false(cp_links_claim(&c, 2, &second));
	/* A drop while it reads (another wave's, even): what it read may be
	 * from before the change, so it is not kept. */
	cp_links_drop(&c, 2);
	assert_int_equal(
	    cp_links_load(&c, f->fx.s, &w, SURVEY, SELF, epoch, &err), 0);
	assert_int_equal(cp_links_count(&c), 0);
	hash_of(f->fx.s, 1, h);
	assert_false(cp_links_find(&c, h, &hit));
	/* Given up: another may claim it. */
	assert_true(cp_links_claim(&c, 1, &epoch));
	cp_links_abandon(&c, 1);
	load(&c, f->fx.s, &w);
	assert_true(cp_links_find(&c, h, &hit));

	/* A wave that closed by its copy's time makes room for the next
	 * when that one is claimed. */
	exec_ok(f->fx.s, "INSERT INTO wave (id, survey_ref, status, opens_at,"
			 " channel, created_at) VALUES (2, 1, 'open', 0,"
			 " 'outbox', 0);"
			 "INSERT INTO invitation (id, wave_id, member_id,"
			 " team_id, kind, token_hash) VALUES (2000, 2, 9, 2,"
			 " 'team', randomblob(32));");
	cp_links_drop(&c, 1);
	w.closes_at = 1; /* long past */
	load(&c, f->fx.s, &w);
	assert_int_equal(cp_links_count(&c), 300);
	assert_int_equal(cp_store_wave_get(f->fx.s, 2, &w, &err), 0);
	load(&c, f->fx.s, &w);
	assert_int_equal(cp_links_count(&c), 1);
	cp_links_release(&c);
}

/* A failed read keeps nothing and frees the claim. */
static void test_failed_read(void **state)
{
	struct fixture *f = *state;
	struct cp_links c;
	struct cp_wave w;
	struct cp_error err;
	uint64_t epoch;

	make_wave(f->fx.s, &w);
	assert_int_equal(cp_links_init(&c, &err), 0);
	assert_true(cp_links_claim(&c, 1, &epoch));
	exec_ok(f->fx.s, "ALTER TABLE invitation RENAME TO gone");
	assert_int_not_equal(
	    cp_links_load(&c, f->fx.s, &w, SURVEY, SELF, epoch, &err), 0);
	assert_int_equal(cp_links_count(&c), 0);
	assert_true(cp_links_claim(&c, 1, &epoch));
	cp_links_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_load_find_mark, make_store,
					    cleanup),
	    cmocka_unit_test_setup_teardown(test_one_loader_and_drops,
					    make_store, cleanup),
	    cmocka_unit_test_setup_teardown(test_failed_read, make_store,
					    cleanup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
