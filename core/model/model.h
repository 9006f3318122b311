/*
 * model.h - the domain's types, shared by the store and the domain above
 * it: a survey definition as parsed, teams, members, waves, invitations
 * and responses. Plain data and a few lookups; nothing here does I/O, so
 * the store can take and return these types without depending on the
 * modules that make them.
 */
#ifndef CP_MODEL_H
#define CP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- survey definitions (parsed and checked by core/survey) ---- */

#define CP_SCALE_MIN	1
#define CP_SCALE_MAX	5
#define CP_SCALE_POINTS (CP_SCALE_MAX - CP_SCALE_MIN + 1)

enum cp_survey_kind {
	CP_SURVEY_TEAM = 0,
	CP_SURVEY_SELF = 1
};

enum cp_purpose {
	CP_PURPOSE_OTHER = 0,
	CP_PURPOSE_GOING_WELL = 1,
	CP_PURPOSE_WOULD_HELP = 2,
};

struct cp_scale {
	int min, max;
	char *labels[CP_SCALE_POINTS];
	bool favourable[CP_SCALE_MAX + 1]; /* indexed by value */
};

struct cp_dimension {
	char *id;
	char *group;
	char *title;
	char *description;
};

enum cp_item_type {
	CP_ITEM_AGREE = 0, /* a statement rated on the five-point scale */
	CP_ITEM_ENPS = 1,  /* 0-10 "how likely are you to recommend" */
};

/* The eNPS answer range. */
#define CP_ENPS_MIN 0
#define CP_ENPS_MAX 10

struct cp_item {
	char *id;
	char *dimension; /* NULL for an eNPS item, which has none */
	size_t dim;	 /* index into dimensions; unused for eNPS */
	char *text;
	bool reverse; /* agreement is unfavourable: scored as 6 - value */
	enum cp_item_type type;
	char *labels[2];	/* eNPS: the words at 0 and at 10; else NULL */
	bool prefer_not_to_say; /* the item offers "prefer not to say" */
};

struct cp_question {
	char *id;
	char *text;
	enum cp_purpose purpose;
	int max_length; /* in characters */
};

/*
 * A survey's texts in one more language than its own (locale), in the
 * survey's order; every text the survey has is present (the validator
 * refuses an incomplete language). Read them with cp_survey_text.
 */
struct cp_translation {
	char *lang;	   /* a BCP 47 tag: "cy", "es", "pl", "ar" */
	bool needs_review; /* a draft an organisation should review */
	char *title;
	char *description; /* NULL when the survey has none */
	char *labels[CP_SCALE_POINTS];
	char *prefer_not_to_say; /* NULL when the survey has none */
	char **dim_titles;	 /* per dimension */
	char **dim_descriptions;
	char **items;	    /* per item */
	char **item_labels; /* per item, 2 each: eNPS items' end labels */
	char **questions;   /* per open question */
};

struct cp_survey {
	char *id;
	char *version;
	char *title;
	char *description; /* NULL when absent */
	char *locale;
	enum cp_survey_kind kind;
	char **pairs_with;
	size_t npairs;
	struct cp_scale scale;
	struct cp_dimension *dims;
	size_t ndims;
	struct cp_item *items;
	size_t nitems;
	struct cp_question *questions;
	size_t nquestions;
	/* The words of the "prefer not to say" option (scale); NULL when no
	 * item offers it. */
	char *prefer_not_to_say;
	struct cp_translation *translations; /* other languages than locale */
	size_t ntranslations;
	char *text;    /* the definition exactly as given */
	char hash[65]; /* hex SHA-256 of text */
};

/* Lookups by id; NULL when absent. Borrowed from s. */
const struct cp_item *cp_survey_item(const struct cp_survey *s, const char *id);
const struct cp_question *cp_survey_question(const struct cp_survey *s,
					     const char *id);
const struct cp_dimension *cp_survey_dimension(const struct cp_survey *s,
					       const char *id);

/* ---- teams and members ---- */

enum cp_role {
	CP_ROLE_MEMBER = 0,
	CP_ROLE_LEADER = 1
};

struct cp_team {
	int64_t id;
	char *name;
	int64_t parent_id; /* 0 when none */
	char *parent;	   /* NULL when none */
	int64_t members;   /* active members */
	int64_t leaders;   /* of them, those who lead it */
};

struct cp_member {
	int64_t id;
	char *email;
	char *name;
	int64_t team_id;
	char *team;
	enum cp_role role;
	int active;
	char language[16]; /* BCP 47 tag from the roster; "" when none */
};

/* ---- waves and invitations ---- */

enum cp_wave_status {
	CP_WAVE_SCHEDULED = 0,
	CP_WAVE_OPEN = 1,
	CP_WAVE_CLOSED = 2,
	/* Called off after answers came in: its answers are deleted and it
	 * is left out of every default, trend and comparison. (One called
	 * off before any answer is deleted outright.) */
	CP_WAVE_CANCELLED = 3,
	CP_WAVE_NSTATUS
};

/* The longest reason a cancelled wave keeps, in bytes. */
#define CP_CANCEL_REASON_MAX 200

struct cp_wave {
	int64_t id;
	int64_t survey_ref;	 /* the pinned survey row */
	int64_t self_survey_ref; /* 0: no self-assessment */
	enum cp_wave_status status;
	int64_t opens_at;
	int64_t closes_at; /* 0: no closing time */
	char channel[16];  /* email, webhook, slack, teams, outbox */
	int every_days;	   /* the cadence it was created with, in days */
	int every_months;  /* or in calendar months; both 0: a one-off */
	int64_t series_id; /* its recurring series (struct cp_series); 0 */
	int series_seq;	   /* its slot in the series: 0 for the first */
	int64_t previous_wave;
	int threshold;	       /* 0: the installation's */
	int comment_threshold; /* 0: the installation's */
	int include_subteams;
	int64_t created_at;
	int64_t closed_at;    /* when it closed (by hand or by tick); 0 */
	int64_t cancelled_at; /* when it was cancelled; 0 */
	char cancel_reason[CP_CANCEL_REASON_MAX + 1]; /* "" when none given */
};

/* The status's name as stored and printed: scheduled, open, closed,
 * cancelled. */
const char *cp_wave_status_name(enum cp_wave_status status);

/* The status named name into *out: 0, or -1 for an unknown name. */
int cp_wave_status_from(const char *name, enum cp_wave_status *out);

/* ---- recurring series ---- */

enum cp_series_state {
	CP_SERIES_ACTIVE = 0,
	CP_SERIES_PAUSED = 1,
	CP_SERIES_STOPPED = 2,
};

/*
 * A recurring series of waves: the slots of its waves are counted from
 * anchor (the opening of its first wave), every_days or every_months
 * apart (a month keeps the day of the month, clamped to the month's end).
 */
struct cp_series {
	int64_t id;
	int64_t anchor;
	int every_days;
	int every_months;
	enum cp_series_state state;
	int64_t created_at;
	int64_t last_wave; /* its newest wave; 0 when none is left */
	int64_t waves;	   /* how many waves it has */
};

struct cp_invitation {
	int64_t id;
	int64_t wave_id;
	int64_t member_id;
	int64_t team_id;
	int self; /* a leader's self-assessment */
	uint8_t token_hash[32];
	char state[12]; /* pending, sending, sent, failed */
	int attempts;
	int reminders;
	int answered;
	char language[16]; /* the person's BCP 47 tag; "" when none */
};

/* ---- responses ---- */

/* An answer's value that says "prefer not to say" (no value). */
#define CP_ANSWER_DECLINED (-1)

struct cp_answer {
	const char *item_id;
	/* On the item's scale, as given (not yet reverse-scored): 1-5, or
	 * 0-10 for an eNPS item; CP_ANSWER_DECLINED for "prefer not to
	 * say". */
	int value;
};

/*
 * An item's answers are counted in cells: cell v for the value v (1-5 for
 * an agree item, 0-10 for an eNPS one) and CP_CELL_DECLINED for "prefer
 * not to say".
 */
#define CP_ANSWER_CELLS	 12
#define CP_CELL_DECLINED 11

/* The cell of value (a value on the item's scale or CP_ANSWER_DECLINED). */
int cp_answer_cell(int value);

/* true when value is an answer item takes: on its scale, or "prefer not
 * to say" where it offers that. */
bool cp_answer_valid(const struct cp_item *item, int value);

/*
 * A response slot keeps one character per item (docs/anonymity.md): '0'
 * none, '1'-'5' an agree item's value, 'a'-'k' an eNPS item's 0-10, 'x'
 * prefer not to say. cp_answer_char gives the character of a valid
 * answer (0 for an invalid one); cp_answer_from_char reads one back:
 * 1 with *value set, 0 for none, -1 for a character that is none of these.
 */
char cp_answer_char(const struct cp_item *item, int value);
int cp_answer_from_char(const struct cp_item *item, char c, int *value);

struct cp_comment {
	const char *question_id;
	const char *text;
};

struct cp_response {
	int64_t wave_id;
	int64_t team_id;
	int self;
	const struct cp_answer *answers;
	size_t nanswers;
	const struct cp_comment *comments;
	size_t ncomments;
	int64_t import_id; /* the import that brought it (a batch); 0: none */
};

#endif
