/*
 * submit.c - one form submission the way the form server's writer stores
 * it, for the fault loops: the link looked up, the answers read from a
 * form body (name=value&..., no percent-escapes needed) and checked, then
 * in one transaction a savepoint, cp_link_store_found (the invitation
 * marked by the id the lookup found), release, commit with the totals
 * kept for it (write_batch in core/form/server.c). Before it stores, it
 * loads the wave's links into memory as serve's first post does
 * (core/form/links.c): a failed load is no failure of the post (serve
 * logs it and reads the store), keeps nothing, and a load that succeeds
 * must find the same invitation as the store (else it aborts, which the
 * loop reports).
 *
 * usage: fault_submit DB TOKEN BODY
 * exit: 0 stored, 65 the link is not open or the answers have problems,
 * 1 anything else failed (the message on stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "buf.h"
#include "crypto.h"
#include "links.h"
#include "respond.h"
#include "store.h"
#include "survey.h"
#include "token.h"

static int fail(const char *what, const struct cp_error *err)
{
	fprintf(stderr, "fault_submit: %s: %s\n", what, err->message);
	return 1;
}

/* Sets each name=value pair of body (modified in place) in a. */
static int read_body(struct cp_answers *a, char *body, struct cp_error *err)
{
	for (char *p = body, *next; p && *p; p = next) {
		char *eq;
		int rc;

		next = strchr(p, '&');
		if (next)
			*next++ = '\0';
		eq = strchr(p, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		rc = cp_answers_set(a, p, eq + 1, strlen(eq + 1), err);
		if (rc && rc != CP_ENOTFOUND)
			return rc;
	}
	return 0;
}

/* Loads wave's links as serve's first post does and checks them
 * against the store's lookup (inv); aborts on a broken promise. */
static void check_links(struct cp_store *st, const struct cp_wave *wave,
			const struct cp_invitation *inv,
			const uint8_t hash[CP_SHA256_LEN])
{
	struct cp_links links;
	struct cp_link_hit hit;
	struct cp_survey *survey = NULL, *self = NULL;
	struct cp_error err = {0};
	uint64_t epoch;
	int rc;

	if (cp_links_init(&links, &err))
		return;
	if (cp_survey_fetch(&survey, st, NULL, wave->survey_ref, &err) ||
	    (wave->self_survey_ref &&
	     cp_survey_fetch(&self, st, NULL, wave->self_survey_ref, &err)) ||
	    !cp_links_claim(&links, wave->id, &epoch))
		goto done;
	rc = cp_links_load(&links, st, wave, survey, self, epoch, &err);
	if (rc && cp_links_count(&links) != 0) {
		fprintf(stderr, "fault_submit: a failed load kept links\n");
		abort();
	}
	if (rc == 0 &&
	    (!cp_links_find(&links, hash, &hit) || hit.inv.id != inv->id ||
	     hit.inv.team_id != inv->team_id || hit.inv.self != inv->self)) {
		fprintf(stderr, "fault_submit: the links kept differ\n");
		abort();
	}
done:
	cp_links_release(&links);
	cp_survey_free(self);
	cp_survey_free(survey);
}

int main(int argc, char **argv)
{
	struct cp_error err = {0};
	struct cp_store *st = NULL;
	struct cp_survey *survey = NULL;
	struct cp_answers a;
	struct cp_invitation inv;
	struct cp_wave wave;
	enum cp_link_state state;
	uint8_t hash[CP_SHA256_LEN];
	int64_t ref;
	int status = 1, have_answers = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: fault_submit DB TOKEN BODY\n");
		return 64;
	}
	if (cp_crypto_init(&err))
		return fail("crypto", &err);
	cp_token_hash(argv[2], hash);
	if (cp_store_open(&st, argv[1], CP_STORE_WAL_BUFFER, &err)) {
		status = fail("open", &err);
		goto done;
	}
	cp_store_defer_totals(st, 1);
	if (cp_link_lookup(st, hash, &inv, &wave, &state, &err)) {
		status = fail("lookup", &err);
		goto done;
	}
	if (state != CP_LINK_OPEN) {
		fprintf(stderr, "fault_submit: the link is not open\n");
		status = 65;
		goto done;
	}
	check_links(st, &wave, &inv, hash);
	ref = cp_link_survey_ref(&inv, &wave);
	if (cp_survey_fetch(&survey, st, NULL, ref, &err)) {
		status = fail("survey", &err);
		goto done;
	}
	if (cp_answers_init(&a, survey, &err)) {
		status = fail("answers", &err);
		goto done;
	}
	have_answers = 1;
	if (read_body(&a, argv[3], &err)) {
		status = fail("reading the answers", &err);
		goto done;
	}
	if (cp_answers_check(&a)) {
		fprintf(stderr, "fault_submit: %zu answers have problems\n",
			a.problems);
		status = 65;
		goto done;
	}
	if (cp_store_begin(st, &err)) {
		status = fail("begin", &err);
		goto done;
	}
	if (cp_store_savepoint(st, "submission", &err)) {
		status = fail("savepoint", &err);
		cp_store_rollback(st);
		goto done;
	}
	if (cp_link_store_found(st, &inv, hash, &a, ref, &state, &err)) {
		status = fail("storing", &err);
		cp_store_rollback_to(st, "submission");
		cp_store_rollback(st);
		goto done;
	}
	if (cp_store_release(st, "submission", &err) ||
	    cp_store_commit(st, &err)) {
		status = fail("commit", &err);
		cp_store_rollback(st);
		goto done;
	}
	status = state == CP_LINK_OPEN ? 0 : 65;
	printf("%s\n", status == 0 ? "stored" : "not stored: link not open");
done:
	if (have_answers)
		cp_answers_release(&a);
	cp_survey_free(survey);
	cp_store_close(st);
	return status;
}
