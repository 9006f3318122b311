/*
 * demo.c - the seeded sample organisation of `carepulse demo`: its roster,
 * its history of answered waves, and the answers to the current wave sent
 * through the form server over HTTP.
 */
#include "demo.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "answers.h"
#include "http_client.h"
#include "i18n.h"
#include "respond.h"
#include "rng.h"
#include "survey.h"
#include "text.h"
#include "token.h"
#include "wave.h"
#include "when.h"

static const char *const first[] = {
    "Amara", "Ben",   "Chloé",	 "Dmitri", "Eilidh", "Farah",  "Gustav",
    "Hana",  "Ian",   "Jonas",	 "Kemi",   "Lars",   "Maëlle", "Nikhil",
    "Olu",   "Priya", "Quinn",	 "Rosa",   "Sven",   "Tomás",  "Ulla",
    "Vera",  "Wei",   "Xóchitl", "Yusuf",  "Zoë",    "Ξένια",  "Łucja",
};

static const char *const last[] = {
    "Adeyemi",	    "Berg",   "Castillo", "Dubois",	 "Eriksen",
    "Fischer",	    "García", "Hughes",	  "Ivanova",	 "Jensen",
    "Kowalski",	    "Łódź",   "Moreau",	  "Nakamura",	 "O'Neill",
    "Papadopoulou", "Quist",  "Rossi",	  "Søndergaard", "Tanaka",
    "Ulrich",	    "Varga",  "Wright",	  "Yılmaz",
};

#define RATE_WAVES 5

/*
 * A sample team and how it answers: its level of agreement (1..5, in
 * hundredths) in the first wave and its drift per wave, the share of its
 * team invitations answered in each wave of the series, in percent (the
 * last entry holds for any later wave), and its size (0: 8 to 14 people,
 * drawn from the seed).
 */
struct demo_team {
	const char *name;
	const char *parent;
	int level, drift;
	int rate[RATE_WAVES];
	int size;
	/* The comments its people write, ncomments of them (prime to 7);
	 * NULL: the organisation's mix of languages. */
	const char *const *comments;
	size_t ncomments;
};

/* Ward 7 Nursing writes in Welsh, Clinical Support in Arabic: two teams
 * whose reports (the demo writes both) show text beyond Latin. */
static const char *const welsh[] = {
    "Mwy o amser yn y trosglwyddo i siarad am yr achosion anodd.",
    "Byddai ystafell dawel ar gyfer seibiant yn gwneud gwahaniaeth mawr.",
    ("Diolch am wrando pan mae'r shifft yn drwm; mae angen mwy o staff ar "
     "ŵyl y banc."),
    "Cefnogaeth wrth siarad â theuluoedd mewn sefyllfaoedd anodd.",
    "Daliwch ati i ofyn beth sy'n ein rhwystro - mae'n helpu.",
    "Hoffwn gael hyfforddiant yn Gymraeg ar y system newydd.",
};
static const char *const arabic[] = {
    "المزيد من الوقت عند تسليم المناوبة لمناقشة الحالات الصعبة.",
    "غرفة هادئة للاستراحة ستُحدث فرقًا حقيقيًا.",
    "شكرًا لأنكم تستمعون إلينا عندما يكون العمل كثيرًا.",
    "نحتاج إلى دعم أكبر عند الحديث مع العائلات في المواقف الصعبة.",
    "استمروا في سؤالنا عمّا يعيق عملنا، فهذا يساعد.",
    "تدريب على نظام السجلات الجديد في 3 جلسات قصيرة.",
};

/*
 * Teams sit under three departments. A team's leader answers the pulse as
 * a member of the department above, whose head is their leader, never in
 * the team they lead; so a department's own group is its staff and the
 * leaders of its teams, and its head, with no team above, answers only
 * the self-assessment. Every team and department of the newest wave
 * reaches 5 and is shown. Ward 4 has one earlier wave with fewer than 5
 * answers: it is hidden as "fewer than 5 answered", and the roll-ups
 * above it (Nursing with its sub-teams, the organisation) are hidden that
 * wave to protect it while the other wards still show. (The departments come
 * last, so the teams' sizes and names are drawn as before they had staff.)
 */
static const struct demo_team teams[] = {
    {"Ward 4 Nursing", "Nursing", 340, 8, {83, 57, 83, 100, 83}, 0, NULL, 0},
    {"Ward 7 Nursing",
     "Nursing",
     385,
     5,
     {86, 71, 86, 100, 86},
     0,
     welsh,
     sizeof(welsh) / sizeof(welsh[0])},
    {"Night Team", "Nursing", 335, -6, {60, 70, 70, 80, 60}, 0, NULL, 0},
    {"Pharmacy", "Clinical Support", 400, 0, {71, 86, 71, 86, 71}, 0, NULL, 0},
    {"Physiotherapy",
     "Clinical Support",
     370,
     4,
     {67, 78, 67, 78, 67},
     0,
     NULL,
     0},
    {"Patient Records",
     "Operations",
     330,
     14,
     {73, 82, 91, 91, 91},
     0,
     NULL,
     0},
    {"Nursing", "", 360, 3, {86, 86, 100, 86, 86}, 0, NULL, 0},
    {"Clinical Support",
     "",
     375,
     2,
     {86, 100, 86, 86, 86},
     0,
     arabic,
     sizeof(arabic) / sizeof(arabic[0])},
    {"Operations", "", 350, 6, {100, 86, 86, 86, 100}, 0, NULL, 0},
};
#define NTEAMS (sizeof(teams) / sizeof(teams[0]))

/* Answers to "what one thing would help you most", in several languages. */
static const char *const comments[] = {
    "More time at handover to talk through the hard cases.",
    "Plus de temps pour souffler entre deux gardes.",
    "Ein fester Termin pro Woche, um Probleme offen anzusprechen.",
    "Que se reconozca el trabajo del turno de noche.",
    "Więcej wsparcia przy trudnych rozmowach z rodzinami.",
    "Λίγο περισσότερη ευελιξία στο πρόγραμμα βαρδιών.",
    "Чіткіші пріоритети, коли роботи забагато.",
    "Keep asking us what gets in the way - it helps.",
    "Daha az toplantı, birlikte düşünmeye daha çok zaman.",
    "A quiet room for breaks would make a real difference.",
    "Mais apoio quando alguém da equipa está em baixo.",
    "Hjælp til at sige nej, når vi er for få på vagt.",
};
#define NCOMMENTS (sizeof(comments) / sizeof(comments[0]))

/* Lower-case ASCII letters of s, for a made-up address. */
static void slug(char *out, size_t n, const char *s)
{
	size_t k = 0;

	for (; *s && k + 1 < n; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
			out[k++] = (char)(*s | 0x20);
	out[k] = '\0';
}

const char *const cp_demo_language_teams[] = {"Ward 7 Nursing",
					      "Clinical Support", NULL};
const char *const cp_demo_language_codes[] = {"cy", "ar", NULL};

/* The roster's language of a team's people: Welsh and Arabic for the two
 * teams that write in them, none (the installation's) for the rest. */
static const char *team_language(const char *team)
{
	for (size_t i = 0; cp_demo_language_teams[i]; i++)
		if (strcmp(cp_demo_language_teams[i], team) == 0)
			return cp_demo_language_codes[i];
	return "";
}

int cp_demo_roster(struct cp_buf *b, uint64_t seed, struct cp_error *err)
{
	struct cp_rng rng;
	int rc, person = 0;

	cp_rng_seed(&rng, seed);
	rc = cp_buf_adds(b, "email,name,team,parent_team,role,language\r\n",
			 err);
	for (size_t t = 0; rc == 0 && t < sizeof(teams) / sizeof(teams[0]);
	     t++) {
		uint32_t size = teams[t].size ? (uint32_t)teams[t].size
					      : 8 + cp_rng_below(&rng, 7);
		for (uint32_t i = 0; rc == 0 && i < size; i++, person++) {
			const char *f = first[cp_rng_below(
			    &rng, sizeof(first) / sizeof(first[0]))];
			const char *l = last[cp_rng_below(
			    &rng, sizeof(last) / sizeof(last[0]))];
			char name[128], fs[32], ls[32];
			snprintf(name, sizeof(name), "%s %s", f, l);
			slug(fs, sizeof(fs), f);
			slug(ls, sizeof(ls), l);
			/* A name in another script has no ASCII letters:
			 * its address is the family name alone, never one
			 * that starts with a dot. */
			rc = cp_buf_printf(b, err, "%s%s%s%d@example.org,", fs,
					   *fs ? "." : "", ls, person);
			rc = rc ? rc : cp_csv_field(b, name, err);
			rc = rc ? rc
				: cp_buf_printf(b, err, ",%s,%s,%s,%s\r\n",
						teams[t].name, teams[t].parent,
						i == 0 ? "leader" : "member",
						team_language(teams[t].name));
		}
	}
	return rc;
}

/* ---- the demo's folder ---- */

static int dir_path(char *out, size_t n, const char *dir, const char *name,
		    struct cp_error *err)
{
	if ((size_t)snprintf(out, n, "%s/%s", dir, name) >= n)
		return cp_error_set_at(err, CP_EUSAGE, dir, 0, 0,
				       N_("the folder name is too long"));
	return 0;
}

/* Removes path when it exists. */
static int remove_file(const char *path, struct cp_error *err)
{
	if (unlink(path) != 0 && errno != ENOENT)
		return cp_error_set_at(err, CP_EIO, path, 0, 0,
				       N_("cannot remove: %s"),
				       strerror(errno));
	return 0;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/*
 * Removes the files in dir that keep(name) selects; a missing dir is
 * fine. *others counts the entries left.
 */
static int remove_matching(const char *dir, int (*keep)(const char *name),
			   size_t *others, struct cp_error *err)
{
	char path[4096];
	struct dirent *e;
	DIR *d = opendir(dir);
	int rc = 0;

	*others = 0;
	if (d == NULL)
		return errno == ENOENT ? 0
				       : cp_error_set_at(err, CP_EIO, dir, 0, 0,
							 N_("cannot read: %s"),
							 strerror(errno));
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (!keep(e->d_name)) {
			(*others)++;
			continue;
		}
		rc = dir_path(path, sizeof(path), dir, e->d_name, err);
		rc = rc ? rc : remove_file(path, err);
	}
	closedir(d);
	return rc;
}

/* What a demo writes at the top of its folder. */
static int demo_file(const char *name)
{
	static const char *const names[] = {
	    "carepulse.db",	"carepulse.db-wal",
	    "carepulse.db-shm", "carepulse.db-journal",
	    "carepulse.db.key", "carepulse.db.send-lock",
	    "roster.csv",	CP_DEMO_MARKER,
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return strncmp(name, "report-", 7) == 0 && has_suffix(name, ".pdf");
}

/* What sending writes to the outbox: messages and their temporary names. */
static int outbox_file(const char *name)
{
	return has_suffix(name, ".eml") ||
	       (name[0] == '.' && has_suffix(name, ".eml.tmp"));
}

static int no_file(const char *name)
{
	(void)name;
	return 0;
}

int cp_demo_dir(const char *dir, enum cp_demo_dir_state *state,
		struct cp_error *err)
{
	char marker[4096], outbox[4096];
	struct stat sb;
	size_t others = 0;
	FILE *f;
	int rc;

	*state = CP_DEMO_DIR_NEW;
	rc = dir_path(marker, sizeof(marker), dir, CP_DEMO_MARKER, err);
	rc = rc ? rc : dir_path(outbox, sizeof(outbox), dir, "outbox", err);
	if (rc)
		return rc;
	if (mkdir(dir, 0700) != 0) {
		if (errno != EEXIST)
			return cp_error_set_at(
			    err, CP_EIO, dir, 0, 0,
			    N_("cannot create the folder: %s"),
			    strerror(errno));
		if (stat(marker, &sb) == 0) {
			*state = CP_DEMO_DIR_AGAIN;
			rc = remove_matching(outbox, outbox_file, &others, err);
			if (rc == 0 && others == 0 && rmdir(outbox) != 0 &&
			    errno != ENOENT)
				rc = cp_error_set_at(err, CP_EIO, outbox, 0, 0,
						     N_("cannot remove: %s"),
						     strerror(errno));
			rc = rc ? rc
				: remove_matching(dir, demo_file, &others, err);
		} else {
			rc = remove_matching(dir, no_file, &others, err);
			if (rc == 0 && others)
				rc = cp_error_set_at(
				    err, CP_ECONFLICT, dir, 0, 0,
				    N_("the folder is not empty and is not an "
				       "earlier demo's (it has no %s): name a "
				       "new "
				       "or empty folder"),
				    CP_DEMO_MARKER);
		}
		if (rc)
			return rc;
	}
	f = fopen(marker, "w");
	if (f == NULL)
		return cp_error_set_at(err, CP_EIO, marker, 0, 0,
				       N_("cannot create: %s"),
				       strerror(errno));
	rc = fputs("carepulse demo folder: `carepulse demo` may remove and "
		   "recreate what it wrote here\n",
		   f) < 0;
	if (fclose(f) != 0 || rc)
		return cp_error_set_at(err, CP_EIO, marker, 0, 0,
				       N_("cannot write: %s"), strerror(errno));
	return 0;
}

/* ---- waves ---- */

int cp_demo_wave(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		 int64_t opens_at, const char *channel, struct cp_wave *w,
		 size_t *invitations, struct cp_error *err)
{
	struct cp_team *t = NULL;
	int64_t *top = NULL;
	size_t n = 0, ntop = 0;
	int rc;

	*invitations = 0;
	rc = cp_store_team_list(st, &t, &n, err);
	if (rc == 0 && n && (top = malloc(n * sizeof(*top))) == NULL)
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (t[i].parent_id == 0)
			top[ntop++] = t[i].id;
	if (rc == 0) {
		memset(w, 0, sizeof(*w));
		cp_strlcpy(w->channel, channel, sizeof(w->channel));
		w->opens_at = opens_at;
		w->closes_at = opens_at + 14 * CP_DAY;
		w->include_subteams = 1;
		rc = cp_wave_create(st, key, w, "compassionate-pulse", top,
				    ntop, 1, invitations, err);
	}
	free(top);
	cp_store_teams_free(t, n);
	return rc;
}

/* ---- who answers, and what ---- */

/* The profile of a sample team; the first for a name it does not know
 * (the demo's roster has only these). */
static const struct demo_team *profile_of(const char *team)
{
	for (size_t i = 0; i < NTEAMS; i++)
		if (strcmp(teams[i].name, team) == 0)
			return &teams[i];
	return &teams[0];
}

/* Uniform in [0, 1), the same on every machine. */
static double uniform(struct cp_rng *r)
{
	return (double)(cp_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* One wave's invitations, which of them are answered, and the surveys. */
struct plan {
	struct cp_wave wave;
	struct cp_survey *team, *self;
	struct cp_delivery *inv;
	size_t n;
	unsigned char *chosen;
};

static void plan_release(struct plan *p)
{
	cp_survey_free(p->team);
	cp_survey_free(p->self);
	cp_store_deliveries_free(p->inv, p->n);
	free(p->chosen);
	memset(p, 0, sizeof(*p));
}

/* Whether invitation i is the first team invitation of its team. */
static int first_of_team(const struct plan *p, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (p->inv[j].team_id == p->inv[i].team_id && !p->inv[j].self)
			return 0;
	return 1;
}

/*
 * Picks who answers wave number index: in each team, the rate of its
 * profile rounded to whole people, picked by a seeded shuffle; the
 * leader's self-assessment in two waves out of three.
 */
static int plan_load(struct plan *p, struct cp_store *st, uint64_t seed,
		     int64_t wave, unsigned index, struct cp_error *err)
{
	size_t *pick = NULL;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = cp_store_wave_get(st, wave, &p->wave, err);
	rc = rc ? rc
		: cp_survey_fetch(&p->team, st, "compassionate-pulse",
				  p->wave.survey_ref, err);
	if (rc == 0 && p->wave.self_survey_ref)
		rc = cp_survey_fetch(&p->self, st, NULL,
				     p->wave.self_survey_ref, err);
	rc = rc ? rc
		: cp_store_delivery_list(st, wave, CP_SELECT_ALL, 0, 0, 0,
					 &p->inv, &p->n, err);
	if (rc == 0 && p->n &&
	    ((p->chosen = calloc(p->n, 1)) == NULL ||
	     (pick = malloc(p->n * sizeof(*pick))) == NULL))
		rc = cp_error_set(err, CP_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < p->n; i++) {
		const struct demo_team *t = profile_of(p->inv[i].team);
		struct cp_rng rng;
		size_t m = 0, want;
		int rate;

		if (p->inv[i].self) {
			p->chosen[i] = ((size_t)(t - teams) + index) % 3 != 2;
			continue;
		}
		/* At the first team invitation of a team, pick for all. */
		if (!first_of_team(p, i))
			continue;
		for (size_t j = i; j < p->n; j++)
			if (p->inv[j].team_id == p->inv[i].team_id &&
			    !p->inv[j].self)
				pick[m++] = j;
		rate = t->rate[index < RATE_WAVES ? index : RATE_WAVES - 1];
		want = (m * (size_t)rate + 50) / 100;
		cp_rng_seed(&rng, seed ^ ((uint64_t)(index + 1) << 40) ^
				      (uint64_t)p->inv[i].team_id);
		for (size_t k = 0; k < want && k < m; k++) {
			size_t r = k + cp_rng_below(&rng, (uint32_t)(m - k));
			size_t tmp = pick[k];
			pick[k] = pick[r];
			pick[r] = tmp;
			p->chosen[pick[k]] = 1;
		}
	}
	free(pick);
	if (rc)
		plan_release(p);
	return rc;
}

/*
 * One person's answers to s in wave number index: the team's level with
 * its drift, a lasting tilt per team and dimension, the person's own
 * tilt and some noise per item; leaders rate themselves a little higher.
 * About a third of team answers carry a comment. About one answer in 40
 * is "prefer not to say" where the item offers it, drawn from a stream of
 * its own so that every other answer stays what it was.
 */
static int fill_answers(struct cp_answers *a, uint64_t seed, unsigned index,
			const struct cp_delivery *d, struct cp_error *err)
{
	const struct cp_survey *s = a->survey;
	const struct demo_team *t = profile_of(d->team);
	struct cp_rng person, shape, quiet;
	double level, tilt;
	int rc = 0;

	cp_answers_reset(a);
	cp_rng_seed(&person, seed ^ ((uint64_t)(index + 1) << 40) ^
				 ((uint64_t)d->member_id << 2) ^
				 (uint64_t)d->self);
	level = (t->level + t->drift * (int)index) / 100.0 +
		(uniform(&person) - 0.5) * 0.9 + (d->self ? 0.35 : 0);
	cp_rng_seed(&quiet, seed ^ 0x5eedULL ^ ((uint64_t)(index + 1) << 40) ^
				((uint64_t)d->member_id << 2));
	for (size_t i = 0; rc == 0 && i < s->nitems; i++) {
		double v;
		int value;
		/* The team's lasting shape, plus a little per wave. */
		cp_rng_seed(&shape, seed ^ ((uint64_t)(t - teams + 1) << 32) ^
					s->items[i].dim);
		tilt = (uniform(&shape) - 0.5) * 0.8;
		cp_rng_seed(&shape, seed ^ ((uint64_t)(t - teams + 1) << 32) ^
					((uint64_t)(index + 1) << 16) ^
					s->items[i].dim);
		tilt += (uniform(&shape) - 0.5) * 0.25;
		v = level + tilt + (uniform(&person) + uniform(&person) - 1.0);
		v = v < 1 ? 1 : v > 5 ? 5 : v;
		value = (int)(v + 0.5);
		if (s->items[i].reverse)
			value = CP_SCALE_MAX + CP_SCALE_MIN - value;
		if (s->items[i].type == CP_ITEM_ENPS)
			value = (int)((v - 1) * 2.5 + 0.5);
		if (uniform(&quiet) < 0.025 && s->items[i].prefer_not_to_say)
			value = CP_ANSWER_DECLINED;
		rc = cp_answers_set_value(a, s->items[i].id, value, err);
	}
	if (rc == 0 && !d->self && s->nquestions && uniform(&person) < 0.35) {
		/* Neighbours in a team say different things: member ids
		 * are consecutive, and 7 is prime to the pool's size. */
		const char *const *pool = t->comments ? t->comments : comments;
		size_t n = t->comments ? t->ncomments : NCOMMENTS;
		const char *c =
		    pool[((size_t)d->member_id * 7 + index * 5) % n];
		rc = cp_answers_set(a, s->questions[0].id, c, strlen(c), err);
	}
	if (rc == 0 && cp_answers_check(a))
		rc = cp_error_set(
		    err, CP_EFAIL,
		    N_("the seeded answers do not fit survey '%s'"), s->id);
	return rc;
}

static void count(struct cp_demo_answered *out, const struct cp_delivery *d)
{
	out->answered++;
	if (d->self)
		out->self++;
}

/* History: each invitation marked sent, the chosen ones answered. */
static int answer_in_store(struct cp_store *st, const uint8_t *key,
			   uint64_t seed, struct plan *p, unsigned index,
			   struct cp_demo_answered *out, struct cp_error *err)
{
	struct cp_answers team, self;
	char token[CP_TOKEN_LEN + 1];
	uint8_t hash[CP_SHA256_LEN];
	enum cp_link_state state;
	int rc;

	rc = cp_answers_init(&team, p->team, err);
	if (rc)
		return rc;
	rc = p->self ? cp_answers_init(&self, p->self, err) : 0;
	if (rc) {
		cp_answers_release(&team);
		return rc;
	}
	rc = cp_store_begin(st, err);
	for (size_t i = 0; rc == 0 && i < p->n; i++) {
		const struct cp_delivery *d = &p->inv[i];
		struct cp_answers *a = d->self ? &self : &team;
		rc = cp_store_invitation_sent(st, d->invitation_id,
					      p->wave.opens_at, err);
		if (rc || !p->chosen[i] || (d->self && p->self == NULL))
			continue;
		rc = fill_answers(a, seed, index, d, err);
		if (rc)
			break;
		cp_token_derive(key, p->wave.id, d->member_id,
				d->self ? "self" : "team", token);
		cp_token_hash(token, hash);
		rc = cp_link_store(st, hash, a,
				   d->self ? p->wave.self_survey_ref
					   : p->wave.survey_ref,
				   &state, err);
		if (rc == 0 && state != CP_LINK_OPEN)
			rc =
			    cp_error_set(err, CP_EFAIL,
					 N_("wave %lld did not take the seeded "
					    "answers: its link was not open"),
					 (long long)p->wave.id);
		if (rc == 0)
			count(out, d);
	}
	rc = rc ? (cp_store_rollback(st), rc) : cp_store_commit(st, err);
	cp_answers_release(&team);
	if (p->self)
		cp_answers_release(&self);
	return rc;
}

int cp_demo_history(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		    uint64_t seed, int64_t start, int64_t every, size_t nwaves,
		    struct cp_demo_answered *out, struct cp_error *err)
{
	struct cp_wave w;
	struct plan p;
	size_t made;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < nwaves; i++) {
		int64_t opens = start + (int64_t)i * every;
		memset(&out[i], 0, sizeof(out[i]));
		cp_store_clock_pin(opens);
		rc = cp_demo_wave(st, key, opens, "outbox", &w, &made, err);
		if (rc)
			break;
		out[i].wave = w.id;
		out[i].invitations = made;
		cp_store_clock_pin(opens + 2 * CP_DAY);
		rc = plan_load(&p, st, seed, w.id, (unsigned)i, err);
		if (rc)
			break;
		rc = answer_in_store(st, key, seed, &p, (unsigned)i, &out[i],
				     err);
		plan_release(&p);
		cp_store_clock_pin(w.closes_at);
		if (rc == 0) {
			int was_closed;
			rc = cp_wave_close(st, w.id, &was_closed, err);
		}
	}
	return rc;
}

/* ---- the current wave, through the form server ---- */

/* Appends s form-encoded (application/x-www-form-urlencoded). */
static int form_encode(struct cp_buf *b, const char *s, struct cp_error *err)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (; rc == 0 && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			rc = cp_buf_addc(b, (char)c, err);
		else if (c == ' ')
			rc = cp_buf_addc(b, '+', err);
		else
			rc = cp_buf_printf(b, err, "%%%c%c", hex[c >> 4],
					   hex[c & 15]);
	}
	return rc;
}

/* The body a browser posts for answers a. */
static int form_body(struct cp_buf *b, const struct cp_answers *a,
		     struct cp_error *err)
{
	const struct cp_survey *s = a->survey;
	int rc = 0;

	cp_buf_reset(b);
	for (size_t i = 0; rc == 0 && i < s->nitems; i++) {
		rc = i ? cp_buf_addc(b, '&', err) : 0;
		rc = rc ? rc : form_encode(b, s->items[i].id, err);
		if (rc == 0 && a->values[i] == CP_ANSWER_DECLINED)
			rc = cp_buf_adds(b, "=" CP_ANSWER_DECLINED_TOKEN, err);
		else
			rc = rc ? rc
				: cp_buf_printf(b, err, "=%d", a->values[i]);
	}
	for (size_t q = 0; rc == 0 && q < s->nquestions; q++) {
		if (a->texts[q] == NULL)
			continue;
		rc = cp_buf_addc(b, '&', err);
		rc = rc ? rc : form_encode(b, s->questions[q].id, err);
		rc = rc ? rc : cp_buf_addc(b, '=', err);
		rc = rc ? rc : form_encode(b, a->texts[q], err);
	}
	return rc;
}

int cp_demo_answer_http(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
			uint64_t seed, int64_t wave, unsigned index,
			const char *base_url, struct cp_demo_answered *out,
			struct cp_error *err)
{
	struct cp_http_client *http = NULL;
	struct cp_answers team, self;
	struct cp_buf body, url;
	char token[CP_TOKEN_LEN + 1];
	struct plan p;
	long status;
	int rc, have_self = 0, have_team = 0;

	memset(out, 0, sizeof(*out));
	out->wave = wave;
	cp_buf_init(&body, 1024 * 1024);
	cp_buf_init(&url, 4096);
	rc = plan_load(&p, st, seed, wave, index, err);
	if (rc)
		goto done;
	out->invitations = p.n;
	rc = cp_answers_init(&team, p.team, err);
	have_team = rc == 0;
	if (rc == 0 && p.self) {
		rc = cp_answers_init(&self, p.self, err);
		have_self = rc == 0;
	}
	rc = rc ? rc : cp_http_client_open(&http, 30, err);
	for (size_t i = 0; rc == 0 && i < p.n; i++) {
		const struct cp_delivery *d = &p.inv[i];
		if (!p.chosen[i] || (d->self && !have_self))
			continue;
		rc = fill_answers(d->self ? &self : &team, seed, index, d, err);
		rc = rc ? rc : form_body(&body, d->self ? &self : &team, err);
		if (rc)
			break;
		cp_token_derive(key, wave, d->member_id,
				d->self ? "self" : "team", token);
		cp_buf_reset(&url);
		rc = cp_wave_link(&url, base_url, token, err);
		rc = rc ? rc
			: cp_http_post(http, cp_buf_str(&url),
				       "application/x-www-form-urlencoded",
				       cp_buf_str(&body), body.len, &status,
				       err);
		if (rc == 0 && status != 200)
			rc =
			    cp_error_set(err, CP_EFAIL,
					 N_("the form server answered HTTP %ld "
					    "to an answer from team '%s'"),
					 status, d->team);
		if (rc == 0)
			count(out, d);
	}
	memset(token, 0, sizeof(token));
done:
	cp_http_client_free(http);
	if (have_team)
		cp_answers_release(&team);
	if (have_self)
		cp_answers_release(&self);
	plan_release(&p);
	cp_buf_release(&body);
	cp_buf_release(&url);
	return rc;
}
