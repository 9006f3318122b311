/*
 * cp_invite - test fixture: creates a wave of SURVEY for TEAM in an
 * initialised database, and an invitation for each active member, and
 * prints "email token" per invitation (and "email token self" for the
 * leader's self-assessment with --self). Stands in for `carepulse wave
 * create` + delivery in the form server's tests.
 *
 * usage: cp_invite [--status open|closed] [--closes EPOCH]
 *                  [--self SELF_SURVEY] DB TEAM SURVEY
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "store.h"
#include "survey.h"
#include "token.h"

static int fail(const struct cp_error *err)
{
	char msg[CP_ERROR_MSG_MAX + CP_ERROR_FILE_MAX + 32];

	fprintf(stderr, "cp_invite: %s\n",
		cp_error_format(err, msg, sizeof(msg)));
	return 1;
}

int main(int argc, char **argv)
{
	struct cp_error err = {0};
	struct cp_store *st = NULL;
	struct cp_survey *survey = NULL, *self_survey = NULL;
	struct cp_member *m = NULL;
	struct cp_wave w = {0};
	uint8_t key[CP_KEY_LEN], hash[CP_SHA256_LEN];
	char token[CP_TOKEN_LEN + 1], *key_path = NULL, *text = NULL;
	const char *status = "open", *self = NULL;
	int64_t team, id, survey_ref, self_ref = 0;
	long long closes = 0;
	size_t n = 0;
	int i = 1;

	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (strcmp(argv[i], "--status") == 0)
			status = argv[i + 1];
		else if (strcmp(argv[i], "--self") == 0)
			self = argv[i + 1];
		else if (strcmp(argv[i], "--closes") == 0)
			closes = strtoll(argv[i + 1], NULL, 10);
	}
	if (argc - i != 3) {
		fprintf(stderr, "usage: cp_invite [--status open|closed] "
				"[--closes EPOCH] [--self SURVEY] DB TEAM "
				"SURVEY\n");
		return 64;
	}
	if (cp_store_open(&st, argv[i], 0, &err) ||
	    cp_store_team_find(st, argv[i + 1], &team, &err) ||
	    cp_survey_fetch(&survey, st, argv[i + 2], 0, &err) ||
	    cp_store_survey_text(st, argv[i + 2], 0, &text, &survey_ref, &err))
		return fail(&err);
	free(text);
	text = NULL;
	if (self && (cp_survey_fetch(&self_survey, st, self, 0, &err) ||
		     cp_store_survey_text(st, self, 0, &text, &self_ref, &err)))
		return fail(&err);
	free(text);
	if (cp_config_key_path(st, argv[i], &key_path, &err) ||
	    cp_key_load(key_path, key, &err))
		return fail(&err);
	w.survey_ref = survey_ref;
	w.self_survey_ref = self_ref;
	w.status =
	    strcmp(status, "closed") == 0 ? CP_WAVE_CLOSED : CP_WAVE_OPEN;
	w.opens_at = 1;
	w.closes_at = closes;
	cp_strlcpy(w.channel, "outbox", sizeof(w.channel));
	if (cp_store_begin(st, &err) ||
	    cp_store_wave_insert(st, &w, &team, 1, &err) ||
	    cp_store_member_list(st, team, 0, &m, &n, &err))
		return fail(&err);
	for (size_t k = 0; k < n; k++) {
		cp_token_derive(key, w.id, m[k].id, "team", token);
		cp_token_hash(token, hash);
		if (cp_store_invitation_add(st, w.id, m[k].id, team, 0, hash,
					    &id, &err))
			return fail(&err);
		printf("%s %s\n", m[k].email, token);
		if (self && m[k].role == CP_ROLE_LEADER) {
			cp_token_derive(key, w.id, m[k].id, "self", token);
			cp_token_hash(token, hash);
			if (cp_store_invitation_add(st, w.id, m[k].id, team, 1,
						    hash, &id, &err))
				return fail(&err);
			printf("%s %s self\n", m[k].email, token);
		}
	}
	if (cp_store_commit(st, &err))
		return fail(&err);
	fprintf(stderr, "wave %lld\n", (long long)w.id);
	cp_store_members_free(m, n);
	cp_survey_free(survey);
	cp_survey_free(self_survey);
	free(key_path);
	cp_store_close(st);
	return 0;
}
