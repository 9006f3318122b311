/*
 * cp_seed.c - a test-only fixture: makes waves, invitations and seeded
 * random responses through core's API, until `wave create`, `send`,
 * `serve` and `import` exist to do it the way a user would.
 *
 *   cp_seed DB create SURVEY [--self SURVEY] [--threshold K]
 *                         [--opens T] TEAM...       prints the wave id
 *   cp_seed DB invite WAVE     a 'sent' team invitation for every active
 *                              member of the wave's teams (and a 'self'
 *                              one for each leader when the wave has a
 *                              self survey)
 *   cp_seed DB respond WAVE TEAM N [--seed S] [--skip PCT] [--self]
 *                         [--comment TEXT] [--constant V] [--decline DPCT]
 *                              N random responses of TEAM: each person
 *                              has a leaning; answers scatter around it
 *                              (an eNPS item's 0-10 too); PCT% of items
 *                              are skipped (never all), DPCT% of the
 *                              answers that may be "prefer not to say"
 *                              are
 *   cp_seed DB close WAVE | open WAVE   close (and freeze, as `wave close`)
 *                              or open a wave (never a closed one)
 *
 * The database must come from `carepulse init` and `carepulse team
 * import`. Exit status 0, or 1 with a message.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "store.h"
#include "survey.h"
#include "wave.h"

static int die(const struct cp_error *err)
{
	fprintf(stderr, "cp_seed: %s\n", err->message);
	return 1;
}

static long num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end) {
		fprintf(stderr, "cp_seed: '%s' is not a number\n", s);
		exit(1);
	}
	return v;
}

/* xorshift64*: the same seed gives the same answers everywhere. */
static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned)((rng_state * 2685821657736338717ull) >> 33) % n;
}

static int create(struct cp_store *s, int argc, char **argv)
{
	struct cp_wave w = {0};
	struct cp_error err = {0};
	int64_t teams[256];
	size_t nteams = 0;
	char *text;

	if (argc < 1)
		return fprintf(stderr, "cp_seed: create SURVEY TEAM...\n"), 1;
	if (cp_store_survey_text(s, argv[0], 0, &text, &w.survey_ref, &err))
		return die(&err);
	free(text);
	w.status = CP_WAVE_OPEN;
	cp_strlcpy(w.channel, "outbox", sizeof(w.channel));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--self") == 0 && i + 1 < argc) {
			if (cp_store_survey_text(s, argv[++i], 0, &text,
						 &w.self_survey_ref, &err))
				return die(&err);
			free(text);
		} else if (strcmp(argv[i], "--threshold") == 0 &&
			   i + 1 < argc) {
			w.threshold = (int)num(argv[++i]);
		} else if (strcmp(argv[i], "--opens") == 0 && i + 1 < argc) {
			w.opens_at = num(argv[++i]);
		} else if (nteams < 256) {
			if (cp_store_team_find(s, argv[i], &teams[nteams++],
					       &err))
				return die(&err);
		}
	}
	if (cp_store_wave_insert(s, &w, teams, nteams, &err))
		return die(&err);
	printf("%lld\n", (long long)w.id);
	return 0;
}

/* The stand-in for `send`: invitations straight to state 'sent'. */
static int invite(struct cp_store *s, int64_t wave)
{
	struct cp_error err = {0};
	struct cp_wave w;
	int64_t *teams;
	size_t nteams;
	sqlite3 *db;
	int rc = 0;

	if (cp_store_wave_get(s, wave, &w, &err) ||
	    cp_store_wave_teams(s, wave, &teams, &nteams, &err))
		return die(&err);
	for (size_t t = 0; t < nteams && rc == 0; t++) {
		struct cp_member *m;
		size_t n;
		if (cp_store_member_list(s, teams[t], 0, &m, &n, &err)) {
			rc = die(&err);
			break;
		}
		for (size_t i = 0; i < n && rc == 0; i++) {
			for (int self = 0; self < 2 && rc == 0; self++) {
				char seed[128];
				uint8_t hash[32];
				int64_t id;
				if (self && (!w.self_survey_ref ||
					     m[i].role != CP_ROLE_LEADER))
					continue;
				snprintf(seed, sizeof(seed), "%lld:%lld:%d",
					 (long long)wave, (long long)m[i].id,
					 self);
				cp_sha256(seed, strlen(seed), hash);
				if (cp_store_invitation_add(s, wave, m[i].id,
							    teams[t], self,
							    hash, &id, &err))
					rc = die(&err);
			}
		}
		cp_store_members_free(m, n);
	}
	free(teams);
	if (rc)
		return rc;
	/* No store call marks delivery yet (`send` will own that). */
	if (sqlite3_open(cp_store_path(s), &db) != SQLITE_OK)
		return fprintf(stderr, "cp_seed: cannot open the file\n"), 1;
	sqlite3_busy_timeout(db, 5000);
	{
		char sql[128];
		snprintf(sql, sizeof(sql),
			 "UPDATE invitation SET state = 'sent' WHERE "
			 "wave_id = %lld",
			 (long long)wave);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			rc = fprintf(stderr, "cp_seed: %s\n",
				     sqlite3_errmsg(db)) > 0;
	}
	sqlite3_close(db);
	return rc;
}

static int respond(struct cp_store *s, int argc, char **argv)
{
	struct cp_error err = {0};
	struct cp_survey *sv = NULL;
	struct cp_answer *answers = NULL;
	struct cp_comment comment = {0};
	struct cp_response r = {0};
	struct cp_wave w;
	long n, skip = 0, constant = 0, decline = 0;
	int rc = 0;

	if (argc < 3)
		return fprintf(stderr, "cp_seed: respond WAVE TEAM N\n"), 1;
	r.wave_id = num(argv[0]);
	n = num(argv[2]);
	rng_state = 0x9E3779B97F4A7C15ull;
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			rng_state ^=
			    (uint64_t)num(argv[++i]) * 0x100000001b3ull;
		else if (strcmp(argv[i], "--skip") == 0 && i + 1 < argc)
			skip = num(argv[++i]);
		else if (strcmp(argv[i], "--self") == 0)
			r.self = 1;
		else if (strcmp(argv[i], "--constant") == 0 && i + 1 < argc)
			constant = num(argv[++i]);
		else if (strcmp(argv[i], "--decline") == 0 && i + 1 < argc)
			decline = num(argv[++i]);
		else if (strcmp(argv[i], "--comment") == 0 && i + 1 < argc)
			comment.text = argv[++i];
	}
	if (cp_store_wave_get(s, r.wave_id, &w, &err) ||
	    cp_store_team_find(s, argv[1], &r.team_id, &err) ||
	    cp_survey_fetch(&sv, s, NULL,
			    r.self ? w.self_survey_ref : w.survey_ref, &err))
		return die(&err);
	answers = calloc(sv->nitems, sizeof(*answers));
	if (answers == NULL || cp_store_begin(s, &err)) {
		free(answers);
		cp_survey_free(sv);
		return answers ? die(&err) : 1;
	}
	for (long k = 0; k < n && rc == 0; k++) {
		int lean = 1 + (int)rnd(5);
		size_t na = 0;
		for (size_t i = 0; i < sv->nitems; i++) {
			int v = lean + (int)rnd(3) - 1;
			if (skip && (long)rnd(100) < skip &&
			    !(na == 0 && i + 1 == sv->nitems))
				continue;
			v = v < 1 ? 1 : v > 5 ? 5 : v;
			if (sv->items[i].type == CP_ITEM_ENPS) {
				v = 2 * (lean - 1) + (int)rnd(5) - 1;
				v = v < 0 ? 0 : v > 10 ? 10 : v;
			}
			if (constant)
				v = (int)constant;
			if (decline && sv->items[i].prefer_not_to_say &&
			    (long)rnd(100) < decline)
				v = CP_ANSWER_DECLINED;
			answers[na].item_id = sv->items[i].id;
			answers[na++].value = v;
		}
		r.answers = answers;
		r.nanswers = na;
		if (comment.text && sv->nquestions) {
			comment.question_id = sv->questions[0].id;
			r.comments = &comment;
			r.ncomments = 1;
		}
		if (cp_store_response_add(s, &r, sv, &err))
			rc = die(&err);
	}
	if (rc == 0 && cp_store_commit(s, &err))
		rc = die(&err);
	if (rc)
		cp_store_rollback(s);
	free(answers);
	cp_survey_free(sv);
	return rc;
}

int main(int argc, char **argv)
{
	struct cp_error err = {0};
	struct cp_store *s;
	int rc, was_closed;

	if (argc < 3) {
		fprintf(stderr, "usage: cp_seed DB create|invite|respond|"
				"close|open ...\n");
		return 1;
	}
	if (cp_store_open(&s, argv[1], 0, &err))
		return die(&err);
	if (strcmp(argv[2], "create") == 0)
		rc = create(s, argc - 3, argv + 3);
	else if (strcmp(argv[2], "invite") == 0 && argc > 3)
		rc = invite(s, num(argv[3]));
	else if (strcmp(argv[2], "respond") == 0)
		rc = respond(s, argc - 3, argv + 3);
	else if (strcmp(argv[2], "close") == 0 && argc > 3)
		rc = cp_wave_close(s, num(argv[3]), &was_closed, &err)
			 ? die(&err)
			 : 0;
	else if (strcmp(argv[2], "open") == 0 && argc > 3)
		rc = cp_store_wave_set_status(s, num(argv[3]), CP_WAVE_OPEN,
					      &err)
			 ? die(&err)
			 : 0;
	else
		rc = fprintf(stderr, "cp_seed: unknown command '%s'\n",
			     argv[2]) > 0;
	cp_store_close(s);
	return rc;
}
