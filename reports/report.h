/*
 * report.h - the PDF reports of carepulse: the team report and the HR
 * comparison.
 *
 * The reports module draws what core has computed; it never opens the
 * database. Its input is the plain structs below, filled by the caller. All
 * strings are UTF-8 and borrowed: they must live until the write call
 * returns. Anonymity is the caller's decision, made once in core: a value
 * marked suppressed is never printed, whatever the number next to it holds.
 *
 * Writing is atomic: the PDF goes to a temporary file in the target's
 * directory that is renamed over the target only when complete, so a failed
 * call leaves no partial file. The same input and options give the same
 * bytes.
 */
#ifndef CP_REPORT_H
#define CP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The most waves a trend shows. */
#define RP_WAVES_MAX 12

enum rp_paper {
	RP_PAPER_A4 = 0,
	RP_PAPER_LETTER,
};

struct rp_options {
	enum rp_paper paper;
	/*
	 * The document's creation date in seconds since 1970 UTC, usually
	 * SOURCE_DATE_EPOCH or the current time (cmd/ decides). When
	 * has_creation_time is 0 the PDF carries no date at all.
	 */
	long long creation_time;
	int has_creation_time;
	/* Directory holding DejaVuSans.ttf and DejaVuSans-Bold.ttf; NULL for
	 * Debian's /usr/share/fonts/truetype/dejavu. Other scripts fall back
	 * to Debian's Noto and WenQuanYi fonts (reports/text.c). */
	const char *font_dir;
	/* Leave the leader's self-assessment out of a team report: for a
	 * reader who is not that leader (the portal decides, core/access). */
	bool without_self;
};

/* Which model a dimension belongs to; it decides where a report draws it. */
enum rp_group {
	RP_GROUP_7C = 0,    /* the 7 C's: drawn on the radar */
	RP_GROUP_BEHAVIOUR, /* the four behaviours: bars with intervals */
	RP_GROUP_OTHER,	    /* any other dimension: bars with intervals */
	RP_GROUP_PROGRESS,  /* "we made progress on what we agreed last
			       time": beside the actions it asks about */
};

/* A change between two waves, set only when the test found it significant. */
enum rp_change {
	RP_CHANGE_NONE = 0, /* no detectable change (or no previous wave) */
	RP_CHANGE_UP,
	RP_CHANGE_DOWN,
};

struct rp_dimension {
	const char *id;	   /* "compassion", ...: picks the workshop prompts */
	const char *title; /* "Compassion" */
	enum rp_group group;
	int suppressed; /* fewer than k responses: nothing below is shown */
	int n;		/* respondents */
	double mean;	/* 1..5 */
	double score;	/* (mean - 1) / 4 * 100 */
	double favourable, neutral, unfavourable; /* percent, 0..100 */
	double sd;
	double ci_low, ci_high; /* 95% interval of the mean, 1..5 */
	int has_previous;	/* the previous wave was reported */
	double previous_mean;	/* 1..5, when has_previous */
	enum rp_change change;	/* against the previous wave */
	int has_self;		/* the leader answered the self-assessment */
	double self_mean;	/* 1..5, when has_self */
};

struct rp_item {
	const char *id;
	const char *dimension; /* a dimension id */
	const char *text;      /* the statement as asked */
	int suppressed;
	int n;
	double mean;   /* after reverse scoring */
	int counts[5]; /* answers 1..5, after reverse scoring */
	int reverse;   /* the item was reverse-scored */
	int declined;  /* "prefer not to say": not in n or counts */
};

/* One wave of one dimension's trend. */
struct rp_trend_point {
	int suppressed;		/* the wave had fewer than k responses: a gap */
	double mean;		/* 1..5 (an eNPS trend: -100..100) */
	double ci_low, ci_high; /* its 95% interval, 1..5 (the mean without) */
	enum rp_change change;	/* against the previous reported wave */
};

/* The survey's eNPS item (0-10, promoters 9-10, detractors 0-6). */
struct rp_enps {
	int present;	    /* the survey has an eNPS item */
	const char *text;   /* the question as asked */
	int suppressed;	    /* hidden: reason says why */
	const char *reason; /* core's words for it */
	int n, declined;    /* answers 0-10; "prefer not to say" apart */
	int promoters, passives, detractors;
	double pct_promoters, pct_passives, pct_detractors;
	double score; /* -100..100 */
	int has_ci;
	double ci_low, ci_high;
	int has_diff;			  /* a change since the previous wave */
	double diff, diff_low, diff_high; /* in points */
	enum rp_change change;
	/* Over rp_team_report.waves, oldest first: mean is the eNPS,
	 * -100..100, with its interval; a gap where it was hidden or not
	 * asked. trend_hidden says why for each gap ("2026-10-05: fewer
	 * than 5 answered"), or is NULL. */
	struct rp_trend_point trend[RP_WAVES_MAX];
	const char *trend_hidden;
};

struct rp_trend {
	const char *dimension; /* a dimension id */
	/* One point per entry of rp_team_report.waves, oldest first. */
	struct rp_trend_point points[RP_WAVES_MAX];
};

struct rp_comment {
	const char *purpose; /* "going_well", "would_help" or another */
	const char *text;
};

/* An action the team agreed after an earlier wave (core/action). */
struct rp_action {
	const char *text;
	const char *owner;  /* NULL when none was named */
	const char *review; /* the review date, or NULL */
	const char *done;   /* the date it was done, NULL while open */
};

struct rp_team_report {
	const char *team;
	const char *wave;	    /* the wave's label */
	const char *opens, *closes; /* dates as the reader should see them */
	int response_rate_hidden;   /* the rate itself would identify */
	int responses, invited;	    /* when not hidden */
	int threshold;		    /* k: the reporting threshold */
	int comment_threshold;	    /* comments need this many responses */
	const char *survey_id;	    /* "compassionate-pulse" */
	const char *survey_title;   /* "Compassionate leadership pulse" */
	const char *survey_version; /* "1.0.0" or a content hash */

	const struct rp_dimension *dimensions;
	size_t n_dimensions;
	const struct rp_item *items;
	size_t n_items;
	struct rp_enps enps;

	/* Labels of the trend's waves, oldest first, the last one this wave;
	 * at most RP_WAVES_MAX: each wave's opening date, as the reader
	 * should see it. */
	const char *const *waves;
	size_t n_waves;
	const struct rp_trend *trends; /* one per dimension, any order */
	size_t n_trends;
	/* The waves the trend leaves out as cancelled, in words ("wave 3
	 * (2026-10-05): cancelled: sent to the wrong team"), or NULL. */
	const char *trend_gaps;

	/* What we agreed last time: the actions recorded after an earlier
	 * wave (actions_wave names it: "Wave 4 (2026-10-05)"). */
	const struct rp_action *actions;
	size_t n_actions;
	const char *actions_wave;

	int comments_shown; /* responses reached the comment threshold */
	/* In core's order: by question, then alphabetically by text. */
	const struct rp_comment *comments;
	size_t n_comments;

	/*
	 * The group as a whole is hidden: the report is one page that says
	 * why (hidden_reason, in words: "fewer than 5 answered", "hidden so
	 * that the answers of Nursing's own members cannot be worked out"),
	 * what would change it (hidden_fix, or NULL) and which teams inside
	 * it have reports of their own (shown_teams, or NULL).
	 */
	int hidden;
	const char *hidden_reason;
	const char *hidden_fix;
	const char *shown_teams;
};

struct rp_compare_column {
	const char *id;
	const char *title;
	int enps; /* an eNPS score, -100..100, not a 0..100 score */
};

struct rp_compare_cell {
	int suppressed; /* fewer than k: drawn as "fewer than k" */
	int protects;	/* suppressed to protect a smaller group instead */
	double value;	/* 0..100; -100..100 in an eNPS column */
};

struct rp_compare_row {
	const char *team;
	int depth;  /* in the organisation tree: 1 for a top team */
	int rollup; /* a team with its sub-teams: drawn in bold */
	/* The row is hidden as a whole: why, in words (listed below the
	 * table); NULL when it is shown. */
	const char *hidden_reason;
	int response_rate_hidden;
	double response_rate; /* percent, when not hidden */
	int responses_hidden; /* the group is suppressed: no count either */
	int responses;	      /* responses, when not hidden */
	/* Since the group's previous wave: how many columns went up or down
	 * by a significant change; has_previous 0 when there is nothing to
	 * compare with (first wave, or either side hidden). */
	int has_previous;
	int ups, downs;
	const struct rp_compare_cell *cells; /* one per column */
};

enum rp_measure {
	RP_MEASURE_SCORE = 0,  /* (mean - 1) / 4 * 100 */
	RP_MEASURE_FAVOURABLE, /* % answering 4 or 5 */
};

enum rp_sort {
	RP_SORT_TREE = 0, /* the organisation tree, each roll-up first */
	RP_SORT_NAME,	  /* team names in byte order */
	RP_SORT_OVERALL,  /* the mean of a row's shown cells, highest first */
};

struct rp_compare_report {
	const char *wave;
	const char *survey_title;
	const char *survey_version;
	int threshold;
	enum rp_measure measure;
	enum rp_sort sort;
	const struct rp_compare_column *columns;
	size_t n_columns;
	const struct rp_compare_row *rows;
	size_t n_rows;
	struct rp_compare_row organisation; /* drawn last, set apart */
};

/*
 * Writes the team report for r to path. o may be NULL (A4, no date).
 * Fails with CP_EUSAGE for inconsistent input (too many waves), CP_EIO when
 * the font or the file cannot be read or written, CP_ENOMEM, or CP_EFAIL for
 * any other libharu error; path is then left as it was.
 */
int rp_team_report_write(const struct rp_team_report *r, const char *path,
			 const struct rp_options *o, struct cp_error *err);

/* Writes the comparison report for r to path, as rp_team_report_write. */
int rp_compare_report_write(const struct rp_compare_report *r, const char *path,
			    const struct rp_options *o, struct cp_error *err);

/* ---- filling the structs from core's results ---- */

struct cp_results;

/*
 * A team report built from core's results, with the arrays its report
 * points into. Strings are borrowed from the cp_results it was built
 * from, which must outlive it. Free with rp_team_data_free.
 */
struct rp_team_data {
	struct rp_team_report report;
	/* private: what report points into */
	struct rp_dimension *dimensions;
	struct rp_item *items;
	struct rp_trend *trends;
	struct rp_comment *comments;
	const char *waves[RP_WAVES_MAX];
	char wave_labels[RP_WAVES_MAX][24];
	char wave[32], opens[16], closes[16];
	char reason[512], fix[512], shown[1024], enps_reason[512];
	char gaps[1024], enps_hidden[1024];
	struct rp_action *actions;
	struct cp_action *action_rows; /* owned: what actions point into */
	char (*action_dates)[2][16];
	char actions_wave[64];
};

/*
 * Fills *out with the report of team (its group with sub-teams when it
 * has any, else its own members) in now, a closed wave's results loaded
 * with changes and comments. before holds the results of the team's
 * earlier closed waves, oldest first, for the trend: only the last
 * RP_WAVES_MAX - 1 are used. Only numbers that core left unsuppressed are
 * copied; comments only where core shows them. Fails with CP_ECONFLICT
 * when now has no scores (an open wave), CP_ENOTFOUND when the team is
 * not in it, or CP_ENOMEM.
 */
int rp_team_report_from_results(struct rp_team_data **out,
				const struct cp_results *now, int64_t team,
				const struct cp_results *const *before,
				size_t n_before, struct cp_error *err);

void rp_team_data_free(struct rp_team_data *d);

/*
 * CP_ECONFLICT: wave (of enum cp_wave_status status, not closed) has no
 * scores yet, so no report, in words for its status (translated).
 */
int rp_error_no_scores(struct cp_error *err, long long wave, int status);

struct cp_action;
struct cp_wave;

/*
 * Adds "what we agreed last time" to d: rows (n of them, malloc'ed; d
 * takes them over in every case) are the actions that follow wave from.
 * CP_ENOMEM.
 */
int rp_team_report_set_actions(struct rp_team_data *d, struct cp_action *rows,
			       size_t n, const struct cp_wave *from,
			       struct cp_error *err);

/*
 * A comparison report built from core's results: one column per
 * dimension, one row per team (and per team with its sub-teams), and the
 * organisation. Borrows from r as rp_team_data does; free with
 * rp_compare_data_free.
 */
struct rp_compare_data {
	struct rp_compare_report report;
	/* private */
	struct rp_compare_column *columns;
	struct rp_compare_row *rows;
	struct rp_compare_cell *cells; /* rows + 1 times columns */
	char **names;		       /* row labels, n_rows of them */
	char **reasons;		       /* hidden rows' reasons, nreasons */
	size_t nreasons;
	char wave[32];
};

/*
 * Fills *out from r, a closed wave's results, with measure in the cells
 * and rows in sort order. CP_ECONFLICT when r has no scores, CP_ENOMEM.
 */
int rp_compare_report_from_results(struct rp_compare_data **out,
				   const struct cp_results *r,
				   enum rp_measure measure, enum rp_sort sort,
				   struct cp_error *err);

void rp_compare_data_free(struct rp_compare_data *d);

#endif
