/*
 * cmd_demo.c - carepulse demo [DIR]: a sample organisation, end to end, on
 * the embedded default (a SQLite file in DIR). It grows with the product:
 * today it creates the database and key, imports a seeded roster and shows
 * the built-in surveys.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "crypto.h"
#include "deliver.h"
#include "demo.h"
#include "problems.h"
#include "roster.h"
#include "store.h"
#include "survey.h"
#include "wave.h"

#define DEMO_SEED 20261123u

static int write_file(const char *path, const struct cp_buf *b,
		      struct cp_error *err)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return cp_error_set_at(err, CP_EIO, path, 0, 0,
				       "cannot create: %s", strerror(errno));
	if (fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0)
		return cp_error_set_at(err, CP_EIO, path, 0, 0,
				       "cannot write: %s", strerror(errno));
	return 0;
}

/*
 * Step 4: a wave of the short pulse for the whole sample organisation
 * (every top-level team with its sub-teams), sent to the outbox folder in
 * dir. A second run finds the wave and sends nothing new.
 */
static int demo_wave(struct cmd_ctx *c, struct cp_store *st, const char *dir,
		     const char *key_path, const struct cp_team *teams,
		     size_t nteams)
{
	uint8_t key[CP_KEY_LEN];
	int64_t top[64];
	size_t ntop = 0, created = 0;
	struct cp_wave_row *rows = NULL;
	struct cp_send_report r;
	struct cp_wave w;
	struct cp_buf out;
	size_t nrows = 0;
	char *from = NULL;
	int rc;

	cp_buf_init(&out, 4096);
	rc = cp_key_load(key_path, key, &c->err);
	rc = rc ? rc : cp_buf_printf(&out, &c->err, "%s/outbox", dir);
	rc = rc ? rc
		: cp_config_set(st, "outbox.dir", cp_buf_str(&out), &c->err);
	rc = rc ? rc : cp_store_config_get(st, "mail.from", &from, &c->err);
	if (rc == 0 && from == NULL)
		rc = cp_config_set(st, "mail.from",
				   "Team Pulse <pulse@example.org>", &c->err);
	rc = rc ? rc : cp_store_wave_list(st, &rows, &nrows, &c->err);
	if (rc == 0 && nrows == 0) {
		for (size_t i = 0; i < nteams && ntop < 64; i++)
			if (teams[i].parent_id == 0)
				top[ntop++] = teams[i].id;
		memset(&w, 0, sizeof(w));
		cp_strlcpy(w.channel, "outbox", sizeof(w.channel));
		w.opens_at = cp_store_now();
		w.closes_at = w.opens_at + 14 * 86400;
		w.include_subteams = 1;
		rc = cp_wave_create(st, key, &w, "compassionate-pulse", top,
				    ntop, 1, &created, &c->err);
		if (rc == 0)
			printf("\n4. created wave %lld of compassionate-pulse "
			       "for the whole organisation: %zu invitations "
			       "(leaders also get a self-assessment)\n",
			       (long long)w.id, created);
	} else if (rc == 0) {
		w = rows[nrows - 1].wave;
		printf("\n4. wave %lld is already there\n", (long long)w.id);
	}
	rc = rc ? rc : cp_deliver_send(st, key, w.id, NULL, &r, &c->err);
	if (rc == 0)
		printf("5. sent %zu invitations to the outbox: %s/*.eml\n",
		       r.sent, cp_buf_str(&out));
	memset(key, 0, sizeof(key));
	free(rows);
	free(from);
	cp_buf_release(&out);
	return rc;
}

static int run(struct cmd_ctx *c, const char *dir)
{
	struct cp_buf path, roster_text;
	struct cp_problems problems;
	struct cp_roster *roster = NULL;
	struct cp_roster_changes changes;
	struct cp_store *st = NULL;
	struct cp_team *teams = NULL;
	struct cp_survey_row *surveys = NULL;
	size_t nteams = 0, nsurveys = 0, added;
	char *key_path = NULL;
	int created, rc;

	memset(&changes, 0, sizeof(changes));
	cp_buf_init(&path, 4096);
	cp_buf_init(&roster_text, 0);
	cp_problems_init(&problems, "roster.csv");
	umask(077);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return cp_error_set_at(&c->err, CP_EIO, dir, 0, 0,
				       "cannot create the folder: %s",
				       strerror(errno));
	printf("carepulse demo in %s/\n\n", dir);

	rc = cp_buf_printf(&path, &c->err, "%s/carepulse.db", dir);
	rc = rc ||
	     cp_store_open(&st, cp_buf_str(&path), CP_STORE_CREATE, &c->err);
	rc =
	    rc || cp_config_key_path(st, cp_buf_str(&path), &key_path, &c->err);
	rc = rc || cp_key_create(key_path, &created, &c->err);
	rc = rc || cp_store_begin(st, &c->err);
	if (rc == 0) {
		rc = cp_survey_install_builtins(st, &added, &c->err);
		rc = rc ? (cp_store_rollback(st), rc)
			: cp_store_commit(st, &c->err);
	}
	if (rc)
		goto done;
	printf("1. created the database %s and the installation key\n",
	       cp_buf_str(&path));

	cp_buf_reset(&path);
	rc = cp_buf_printf(&path, &c->err, "%s/roster.csv", dir);
	rc = rc || cp_demo_roster(&roster_text, DEMO_SEED, &c->err);
	rc = rc || write_file(cp_buf_str(&path), &roster_text, &c->err);
	rc = rc || cp_roster_parse(&roster, cp_buf_str(&path),
				   cp_buf_str(&roster_text), roster_text.len,
				   &problems, &c->err);
	rc = rc || cp_roster_apply(st, roster, 0, &changes, &c->err);
	if (rc)
		goto done;
	printf("2. imported the sample roster %s: %zu members in %zu new "
	       "teams\n",
	       cp_buf_str(&path),
	       changes.members_added + changes.members_changed +
		   changes.members_unchanged + changes.members_reactivated,
	       changes.teams_added);

	rc = cp_store_team_list(st, &teams, &nteams, &c->err);
	if (rc)
		goto done;
	printf("\n   %-18s %-18s %s\n", "team", "parent team", "members");
	for (size_t i = 0; i < nteams; i++)
		printf("   %-18s %-18s %lld\n", teams[i].name,
		       teams[i].parent ? teams[i].parent : "-",
		       (long long)teams[i].members);

	rc = cp_store_survey_list(st, &surveys, &nsurveys, &c->err);
	if (rc)
		goto done;
	printf("\n3. built-in surveys:\n");
	for (size_t i = 0; i < nsurveys; i++)
		printf("   %-26s %s\n", surveys[i].survey_id, surveys[i].title);
	rc = demo_wave(c, st, dir, key_path, teams, nteams);
	if (rc)
		goto done;
	printf("\nnext: carepulse --db %s/carepulse.db wave show 1\n", dir);
done:
	cp_store_survey_rows_free(surveys, nsurveys);
	cp_store_teams_free(teams, nteams);
	cp_roster_changes_release(&changes);
	cp_roster_free(roster);
	cp_problems_release(&problems);
	cp_store_close(st);
	free(key_path);
	cp_buf_release(&path);
	cp_buf_release(&roster_text);
	return rc;
}

static int cmd_demo_exec(struct cmd_ctx *c)
{
	const char *dir = c->argc ? c->argv[0] : "carepulse-demo";

	if (run(c, dir))
		return cmd_report(&c->err);
	return EXIT_OK;
}

const struct cmd_entry cmd_demo_entry = {
    .name = "demo",
    .summary = "run a sample organisation end to end in DIR",
    .usage = "[DIR]",
    .description = "Creates DIR (default ./carepulse-demo) with a "
		   "database, a key and a seeded\nsample roster, and "
		   "shows the teams and the built-in surveys. Running it "
		   "again\nreuses what is there.",
    .min_args = 0,
    .max_args = 1,
    .exec = cmd_demo_exec,
};
