/*
 * demo.h - the seeded sample organisation that `carepulse demo` runs a
 * pulse on: its people and teams, a history of earlier waves with their
 * answers, and the answers to the current wave, given through the real
 * form server over HTTP. The same seed always gives the same people,
 * teams, choices of who answers and answers.
 *
 * Each sample team has a profile: a level of agreement that drifts a
 * little from wave to wave, and a response rate per wave, chosen so that
 * a small team falls below the reporting threshold in one wave.
 */
#ifndef CP_DEMO_H
#define CP_DEMO_H

#include <stdint.h>

#include "buf.h"
#include "crypto.h"
#include "error.h"
#include "rng.h"
#include "store.h"

/*
 * Appends the sample roster CSV (header included) to b: an organisation
 * of three departments, each with a head and staff of its own, and six
 * teams of 8 to 14 under them, a leader each, names from several scripts.
 */
int cp_demo_roster(struct cp_buf *b, uint64_t seed, struct cp_error *err);

/*
 * The sample teams that answer in another language than the rest, and
 * in another script: Ward 7 Nursing in Welsh, Clinical Support in Arabic.
 * NULL-terminated; the demo writes a team report for each, in the team's
 * language (cp_demo_language_codes, the same order), which the roster
 * gives its people too, so their invitations and forms are in it.
 */
extern const char *const cp_demo_language_teams[];
extern const char *const cp_demo_language_codes[];

/* The file that marks a folder as the demo's own (see cp_demo_dir). */
#define CP_DEMO_MARKER ".carepulse-demo"

enum cp_demo_dir_state {
	CP_DEMO_DIR_NEW = 0,   /* missing or empty: created */
	CP_DEMO_DIR_AGAIN = 1, /* an earlier demo's: its files were removed */
};

/*
 * Makes dir ready for a fresh demo: creates it (mode 0700) when missing;
 * when it holds CP_DEMO_MARKER, removes the files an earlier demo wrote
 * there (the database, its key, the roster, the outbox's messages and the
 * reports) and nothing else; then writes the marker. A folder with other
 * contents and no marker is refused with CP_ECONFLICT: the demo never
 * writes over what it did not make.
 */
int cp_demo_dir(const char *dir, enum cp_demo_dir_state *state,
		struct cp_error *err);

/*
 * Creates a wave of compassionate-pulse for every top-level team with its
 * sub-teams, leaders' self-assessments included, opening at opens_at (the
 * store's clock must not be before it) and closing 14 days later, through
 * channel. *w is the wave; *invitations how many were made.
 */
int cp_demo_wave(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		 int64_t opens_at, const char *channel, struct cp_wave *w,
		 size_t *invitations, struct cp_error *err);

/* What one wave got. */
struct cp_demo_answered {
	int64_t wave;
	size_t invitations; /* team and self */
	size_t answered;    /* responses stored: team and self */
	size_t self;	    /* of answered, leaders' self-assessments */
};

/*
 * The seeded history: nwaves closed waves before the current one, the
 * i-th (0-based: its number in the series, which the drift and the
 * response rates follow) opening at start + i * every. Each wave's
 * invitations are marked sent (no message is written: it is history) and
 * a seeded share is answered through the same path as a link from the
 * form (cp_link_store), one transaction per wave, then the wave is closed.
 * The store's clock is pinned as it goes (cp_store_clock_pin) and left at
 * the last wave's close. out has nwaves entries.
 */
int cp_demo_history(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
		    uint64_t seed, int64_t start, int64_t every, size_t nwaves,
		    struct cp_demo_answered *out, struct cp_error *err);

/*
 * Answers wave (number index in the series) through the form server at
 * base_url ("http://127.0.0.1:PORT"): for a seeded share of its
 * invitations, one form-encoded POST to /r/TOKEN as a browser sends it,
 * the token derived from key, one request at a time. Every POST must be
 * answered 200 (stored); any other status stops with CP_EFAIL naming it.
 * *out counts what the server stored.
 */
int cp_demo_answer_http(struct cp_store *st, const uint8_t key[CP_KEY_LEN],
			uint64_t seed, int64_t wave, unsigned index,
			const char *base_url, struct cp_demo_answered *out,
			struct cp_error *err);

#endif
