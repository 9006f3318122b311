/*
 * cmd_demo.c - carepulse demo [DIR]: a sample organisation, end to end, on
 * the embedded default (a SQLite file in DIR): a seeded roster, a history
 * of answered waves, a new wave sent to the outbox and answered through
 * the real form server over HTTP, closed, summed up and reported to two
 * PDFs. This file prints and orchestrates; the sample data and the
 * answering live in core/demo.c.
 *
 * Everything is seeded and the store's clock is pinned to the demo's own
 * dates, so two runs give the same reports byte for byte.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "access.h"
#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "crypto.h"
#include "deliver.h"
#include "demo.h"
#include "i18n.h"
#include "output.h"
#include "problems.h"
#include "report_write.h"
#include "results.h"
#include "roster.h"
#include "server.h"
#include "store.h"
#include "survey.h"
#include "token.h"
#include "wave.h"
#include "when.h"

#define DEMO_SEED 20261123u
/* The demo's today: Monday 2 November 2026, 09:00 UTC. */
#define DEMO_NOW     1793610000
#define DEMO_HISTORY 4
#define DEMO_EVERY   (28 * CP_DAY)

struct demo {
	struct cmd_ctx *c;
	const char *dir;
	struct cp_store *st;
	char *db_path, *key_path;
	uint8_t key[CP_KEY_LEN];
	struct cp_wave wave; /* the current one */
	size_t answered;     /* through the server */
	char team[128];	     /* the team the team report is about */
	char team_pdf[4096], compare_pdf[4096];
};

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

static const char *day(int64_t t, char out[16])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
	return out;
}

/* "Patient Records" -> "patient-records", for a file name. */
static void slug(char *out, size_t n, const char *s)
{
	size_t k = 0;

	for (; *s && k + 1 < n; s++) {
		char ch = *s;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9'))
			out[k++] =
			    (char)(ch >= 'A' && ch <= 'Z' ? ch | 0x20 : ch);
		else if (k > 0 && out[k - 1] != '-')
			out[k++] = '-';
	}
	while (k > 0 && out[k - 1] == '-')
		k--;
	out[k] = '\0';
}

/* Steps 1 and 2: the database, the key, the surveys and the roster. */
static int setup(struct demo *d)
{
	struct cmd_ctx *c = d->c;
	struct cp_buf path, roster_text;
	struct cp_problems problems;
	struct cp_roster *roster = NULL;
	struct cp_roster_changes changes;
	struct cp_team *teams = NULL;
	size_t nteams = 0, added;
	int created, rc;

	memset(&changes, 0, sizeof(changes));
	cp_buf_init(&path, 4096);
	cp_buf_init(&roster_text, 0);
	cp_problems_init(&problems, "roster.csv");
	rc = cp_buf_printf(&path, &c->err, "%s/carepulse.db", d->dir);
	if (rc == 0 && (d->db_path = cp_strdup(cp_buf_str(&path))) == NULL)
		rc = cp_error_set(&c->err, CP_ENOMEM, "out of memory");
	rc = rc ? rc
		: cp_store_open(&d->st, d->db_path, CP_STORE_CREATE, &c->err);
	rc = rc ? rc
		: cp_config_key_path(d->st, d->db_path, &d->key_path, &c->err);
	rc = rc ? rc : cp_key_create(d->key_path, &created, &c->err);
	rc = rc ? rc : cp_key_load(d->key_path, d->key, &c->err);
	rc = rc ? rc : cp_token_key_bind(d->st, d->key, d->key_path, &c->err);
	rc = rc ? rc : cp_store_begin(d->st, &c->err);
	if (rc == 0) {
		rc = cp_survey_install_builtins(d->st, &added, &c->err);
		rc = rc ? (cp_store_rollback(d->st), rc)
			: cp_store_commit(d->st, &c->err);
	}
	if (rc)
		goto done;
	printf("1. created the database %s and its key\n", d->db_path);

	cp_buf_reset(&path);
	rc = cp_buf_printf(&path, &c->err, "%s/roster.csv", d->dir);
	rc = rc ? rc : cp_demo_roster(&roster_text, DEMO_SEED, &c->err);
	rc = rc ? rc : write_file(cp_buf_str(&path), &roster_text, &c->err);
	rc = rc ? rc
		: cp_roster_parse(&roster, cp_buf_str(&path),
				  cp_buf_str(&roster_text), roster_text.len,
				  &problems, &c->err);
	rc = rc ? rc : cp_roster_apply(d->st, roster, 0, &changes, &c->err);
	rc = rc ? rc : cp_store_team_list(d->st, &teams, &nteams, &c->err);
	if (rc)
		goto done;
	printf("2. imported the sample roster %s: %zu people in %zu teams\n",
	       cp_buf_str(&path),
	       changes.members_added + changes.members_changed +
		   changes.members_unchanged + changes.members_reactivated,
	       changes.teams_added);
	for (size_t i = 0; i < nteams; i++)
		if (teams[i].members) {
			/* Columns of terminal width (any script lines up). */
			fputs("     ", stdout);
			out_padded(stdout, teams[i].name, 16, false);
			putchar(' ');
			out_padded(stdout, teams[i].parent, 17, false);
			printf(" %2lld people\n", (long long)teams[i].members);
		}
done:
	cp_store_teams_free(teams, nteams);
	cp_roster_changes_release(&changes);
	cp_roster_free(roster);
	cp_problems_release(&problems);
	cp_buf_release(&path);
	cp_buf_release(&roster_text);
	return rc;
}

/* Step 3: earlier waves, answered and closed, so reports have trends. */
static int history(struct demo *d)
{
	struct cp_demo_answered h[DEMO_HISTORY];
	char when[16];
	int rc;

	if ((rc = cp_demo_history(d->st, d->key, DEMO_SEED,
				  DEMO_NOW - DEMO_HISTORY * DEMO_EVERY,
				  DEMO_EVERY, DEMO_HISTORY, h, &d->c->err)))
		return rc;
	printf("3. history: %d earlier waves of compassionate-pulse, every 4 "
	       "weeks, answered and closed\n",
	       DEMO_HISTORY);
	for (size_t i = 0; i < DEMO_HISTORY; i++)
		printf("     wave %lld opened %s: %zu of %zu invitations "
		       "answered\n",
		       (long long)h[i].wave,
		       day(DEMO_NOW - (int64_t)(DEMO_HISTORY - i) * DEMO_EVERY,
			   when),
		       h[i].answered, h[i].invitations);
	return 0;
}

/* Step 4: today's wave for the whole organisation, sent to the outbox. */
static int send_wave(struct demo *d)
{
	struct cmd_ctx *c = d->c;
	struct cp_send_report r;
	struct cp_buf outbox;
	size_t made;
	char when[16];
	int rc;

	cp_buf_init(&outbox, 4096);
	cp_store_clock_pin(DEMO_NOW);
	rc = cp_buf_printf(&outbox, &c->err, "%s/outbox", d->dir);
	rc = rc ? rc
		: cp_config_set(d->st, "outbox.dir", cp_buf_str(&outbox),
				&c->err);
	rc = rc ? rc
		: cp_config_set(d->st, "mail.from",
				"Team Pulse <pulse@example.org>", &c->err);
	/* The organisation's name as the sender, and whom to ask. */
	rc = rc ? rc
		: cp_config_set(d->st, "mail.from_name", "Example Health",
				&c->err);
	rc = rc ? rc
		: cp_config_set(d->st, "mail.contact_name",
				"Sam Okafor, People team", &c->err);
	rc = rc ? rc
		: cp_config_set(d->st, "mail.contact_email",
				"people@example.org", &c->err);
	rc = rc ? rc
		: cp_demo_wave(d->st, d->key, DEMO_NOW, "outbox", &d->wave,
			       &made, &c->err);
	rc = rc ? rc
		: cp_deliver_send(d->st, d->key, d->wave.id, NULL, &r, &c->err);
	if (rc == 0)
		printf("4. wave %lld opened %s for the whole organisation: "
		       "sent %zu invitations\n   (leaders also get a "
		       "self-assessment) to %s/*.eml\n",
		       (long long)d->wave.id, day(DEMO_NOW, when), r.sent,
		       cp_buf_str(&outbox));
	cp_buf_release(&outbox);
	return rc;
}

/*
 * Step 5: the form server on a free loopback port, answered over HTTP as
 * people's browsers would, stopped, and the wave closed.
 */
static int answer_wave(struct demo *d)
{
	struct cmd_ctx *c = d->c;
	struct cp_server_options o = {0};
	struct cp_server *srv = NULL;
	struct cp_demo_answered a;
	int was_closed;
	char base[64];
	int rc;

	cp_store_clock_pin(DEMO_NOW + 2 * CP_DAY);
	o.db_path = d->db_path;
	o.address = "127.0.0.1";
	o.port = 0;
	o.threads = 2;
	/* The demo answers one link at a time: a wait for another answer of
	 * the same team to share a commit would only slow it down. */
	o.mix_wait_ms = -1;
	if ((rc = cp_server_start(&srv, &o, &c->err)))
		return rc;
	snprintf(base, sizeof(base), "http://127.0.0.1:%u",
		 cp_server_port(srv));
	printf("5. started the form server at %s\n", base);
	fflush(stdout);
	rc = cp_demo_answer_http(d->st, d->key, DEMO_SEED, d->wave.id,
				 DEMO_HISTORY, base, &a, &c->err);
	cp_server_stop(srv);
	if (rc)
		return rc;
	d->answered = a.answered;
	printf("   answered %zu of %zu invitations through it (%zu team, "
	       "%zu self) and stopped it\n",
	       a.answered, a.invitations, a.answered - a.self, a.self);
	cp_store_clock_pin(d->wave.closes_at);
	if ((rc = cp_wave_close(d->st, d->wave.id, &was_closed, &c->err)))
		return rc;
	printf("6. closed wave %lld\n", (long long)d->wave.id);
	return 0;
}

static const char *change_text(const struct cp_change *ch, char *buf, size_t n)
{
	if (ch->status == CP_CHANGE_UP || ch->status == CP_CHANGE_DOWN)
		snprintf(buf, n, "%s %+.2f",
			 ch->status == CP_CHANGE_UP ? "up" : "down", ch->diff);
	else if (ch->status == CP_CHANGE_UNDETECTABLE)
		snprintf(buf, n, "no detectable change");
	else
		return NULL;
	return buf;
}

/*
 * Step 7: the team without sub-teams with the most responses this wave
 * (the richest report of one team) and its results per dimension, as
 * `carepulse results` has them.
 */
static int summary(struct demo *d)
{
	static const struct out_col cols[] = {
	    {"dimension", COL_TEXT},   {"n", COL_INT},
	    {"0-100", COL_NUM},	       {"favourable %", COL_NUM},
	    {"leader's own", COL_NUM}, {"since last wave", COL_TEXT},
	};
	struct cp_results_opts opts = {.changes = true};
	const struct cp_group *best = NULL;
	struct cp_results *r = NULL;
	struct out_table t;
	char buf[64];
	int rc;

	if ((rc = cp_results_load(&r, d->st, d->wave.id, &opts, &d->c->err)))
		return rc;
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct cp_group *g = &r->groups[i];
		if (g->scope == CP_SCOPE_TEAM && !g->suppressed &&
		    cp_results_group(r, CP_SCOPE_SUBTREE, g->team_id) == NULL &&
		    (best == NULL || g->answered > best->answered))
			best = g;
	}
	if (best == NULL) {
		cp_results_free(r);
		return cp_error_set(&d->c->err, CP_EFAIL,
				    N_("no team of wave %lld has enough "
				       "responses to report"),
				    (long long)d->wave.id);
	}
	cp_strlcpy(d->team, best->name, sizeof(d->team));
	printf("\n7. results of wave %lld for %s: %lld responses, %.0f%% of "
	       "%lld (threshold %d)\n\n",
	       (long long)d->wave.id, best->name, (long long)best->answered,
	       best->response_rate, (long long)best->delivered, r->threshold);
	out_table_init(&t, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t k = 0; k < r->survey->ndims; k++) {
		const struct cp_stat *s = &best->dims[k];
		out_cell(&t, r->survey->dims[k].title);
		if (s->suppressed) {
			char why[512];
			out_cell(&t, NULL);
			out_cell(&t, cp_results_reason_text(r, &s->why, why,
							    sizeof(why)));
			for (int i = 0; i < 3; i++)
				out_cell(&t, NULL);
			continue;
		}
		out_cellf(&t, "%lld", (long long)s->n);
		out_cellf(&t, "%.0f", s->score);
		out_cellf(&t, "%.0f", s->favourable);
		if (best->has_self && !best->self[k].suppressed)
			out_cellf(&t, "%.0f", best->self[k].score);
		else
			out_cell(&t, NULL);
		out_cell(&t,
			 change_text(&best->dim_change[k], buf, sizeof(buf)));
	}
	rc = out_table_print(&t, stdout, FORMAT_TABLE);
	if (rc)
		cp_error_set(&d->c->err, rc, "out of memory");
	out_table_release(&t);
	cp_results_free(r);
	return rc;
}

/*
 * The reports' creation date: SOURCE_DATE_EPOCH when set, else the day
 * the wave closed, so that the same demo gives the same bytes.
 */
static int report_date(struct demo *d, long long *when)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;

	*when = (long long)d->wave.closes_at;
	if (sde == NULL || *sde == '\0')
		return 0;
	errno = 0;
	*when = strtoll(sde, &end, 10);
	if (errno || *end || *when < 0)
		return cp_error_set(&d->c->err, CP_EUSAGE,
				    N_("SOURCE_DATE_EPOCH '%s' is not a number "
				       "of seconds since 1970"),
				    sde);
	return 0;
}

/* Step 8: the team report and the comparison, as `report` writes them. */
static int reports(struct demo *d)
{
	struct rp_options o = {.paper = RP_PAPER_A4, .has_creation_time = 1};
	struct cmd_ctx *c = d->c;
	char name[128];
	locale_t prev;
	int rc;

	if ((rc = report_date(d, &o.creation_time)))
		return rc;
	slug(name, sizeof(name), d->team);
	snprintf(d->team_pdf, sizeof(d->team_pdf), "%s/report-%s.pdf", d->dir,
		 name);
	snprintf(d->compare_pdf, sizeof(d->compare_pdf),
		 "%s/report-compare.pdf", d->dir);
	if ((rc = rp_write_team_report(d->st, d->team, d->wave.id, d->team_pdf,
				       &o, &c->err)) ||
	    (rc = rp_write_compare_report(d->st, d->wave.id, RP_MEASURE_SCORE,
					  RP_SORT_TREE, d->compare_pdf, &o,
					  &c->err)))
		return rc;
	printf("\n8. wrote the reports of wave %lld\n", (long long)d->wave.id);
	/* The teams that answer in Welsh and in Arabic get theirs in their
	 * language too (the team above, in English, keeps its name). */
	for (size_t i = 0; cp_demo_language_teams[i]; i++) {
		const char *team = cp_demo_language_teams[i];
		char path[4096];

		slug(name, sizeof(name), team);
		snprintf(path, sizeof(path), "%s/report-%s%s%s.pdf", d->dir,
			 name, strcmp(team, d->team) == 0 ? "-" : "",
			 strcmp(team, d->team) == 0 ? cp_demo_language_codes[i]
						    : "");
		/* In the team's own language, as --language writes it. */
		prev = cp_lang_use(cp_lang_find(cp_demo_language_codes[i]));
		rc = rp_write_team_report(d->st, team, d->wave.id, path, &o,
					  &c->err);
		cp_lang_end(prev);
		if (rc)
			return rc;
		printf(
		    "   team report (%s, in %s): %s\n", team,
		    cp_lang_effective(cp_lang_find(cp_demo_language_codes[i]))
			->code,
		    path);
	}
	printf("   more: carepulse --db %s results --trend --team '%s'\n",
	       d->db_path, d->team);
	return 0;
}

/*
 * One viewer of each kind for the results portal: an HR partner, the
 * report's team leader (a leader from the roster, by default) and a
 * facilitator of that team; and how to sign in as each.
 */
static int portal_viewers(struct demo *d)
{
	struct cp_member *m = NULL;
	const char *leader = NULL;
	int64_t team = 0;
	size_t n = 0;
	int rc;

	rc = cp_store_team_find(d->st, d->team, &team, &d->c->err);
	rc = rc ? rc : cp_store_member_list(d->st, team, 0, &m, &n, &d->c->err);
	for (size_t i = 0; rc == 0 && i < n && !leader; i++)
		if (m[i].role == CP_ROLE_LEADER && m[i].team_id == team)
			leader = m[i].email;
	rc = rc ? rc
		: cp_access_grant(d->st, "hr@example.org", CP_ACCESS_HR, NULL,
				  0, &d->c->err);
	rc =
	    rc ? rc
	       : cp_access_grant(d->st, "coach@example.org",
				 CP_ACCESS_FACILITATOR, d->team, 0, &d->c->err);
	if (rc == 0) {
		printf("\n9. the results portal: run\n"
		       "     carepulse --db %s serve\n"
		       "   open http://127.0.0.1:8080/portal/ and sign in as\n"
		       "     HR partner   hr@example.org (every team, the heat "
		       "map)\n",
		       d->db_path);
		if (leader)
			printf("     leader       %s (%s and the teams below "
			       "it)\n",
			       leader, d->team);
		printf("     facilitator  coach@example.org (%s)\n"
		       "   the sign-in link arrives in %s/outbox/signin-*.eml "
		       "(set smtp.url to mail it)\n",
		       d->team, d->dir);
	}
	cp_store_members_free(m, n);
	return rc;
}

static int run(struct cmd_ctx *c, const char *dir)
{
	enum cp_demo_dir_state state;
	struct demo d;
	int rc;

	memset(&d, 0, sizeof(d));
	d.c = c;
	d.dir = dir;
	/* Answers and the key are nobody else's business. */
	umask(077);
	if ((rc = cp_demo_dir(dir, &state, &c->err)))
		return rc;
	if (state == CP_DEMO_DIR_AGAIN)
		printf("carepulse demo in %s/: an earlier demo's folder, so "
		       "starting over\n(its database, outbox and reports are "
		       "replaced)\n\n",
		       dir);
	else
		printf("carepulse demo in %s/\n\n", dir);
	/* The roster and the first wave are dated before the history. */
	cp_store_clock_pin(DEMO_NOW - DEMO_HISTORY * DEMO_EVERY - CP_DAY);
	rc = setup(&d);
	rc = rc ? rc : history(&d);
	rc = rc ? rc : send_wave(&d);
	rc = rc ? rc : answer_wave(&d);
	rc = rc ? rc : summary(&d);
	rc = rc ? rc : reports(&d);
	rc = rc ? rc : portal_viewers(&d);
	if (rc == 0) {
		printf("team report (%s): %s\n", d.team, d.team_pdf);
		printf("comparison report: %s\n", d.compare_pdf);
	}
	cp_store_clock_pin(0);
	cp_store_close(d.st);
	cp_wipe(d.key, sizeof(d.key));
	free(d.key_path);
	free(d.db_path);
	if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		rc =
		    cp_error_set(&c->err, CP_EIO, N_("cannot write to stdout"));
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
    .summary = N_("run a sample organisation end to end in DIR"),
    .usage = "[DIR]",
    .description =
	"Creates DIR (default ./carepulse-demo) with a database, a key and "
	"a seeded\nsample roster; adds four earlier waves with seeded "
	"answers; sends a new wave\nto DIR/outbox, answers three in four of "
	"its invitations through the form\nserver over HTTP, closes it, "
	"prints one team's results and writes\nDIR/report-TEAM.pdf and "
	"DIR/report-compare.pdf (their paths are the last two\nlines). It "
	"grants the results portal to an HR partner, a leader and a\n"
	"facilitator and prints how to sign in as each. The "
	"demo's dates are fixed and its data seeded: two runs give the\n"
	"same PDFs (SOURCE_DATE_EPOCH sets their creation date). Run again "
	"on its\nown folder, it starts over; a folder it did not make must "
	"be empty.",
    .min_args = 0,
    .max_args = 1,
    .exec = cmd_demo_exec,
};
