/*
 * roster.h - teams and members from an RFC 4180 CSV roster.
 *
 * cp_roster_parse reads and validates a whole file, listing every bad row;
 * cp_roster_apply turns a valid roster into one transaction against the
 * store: teams and members are upserted, members missing from the file are
 * deactivated (never deleted).
 */
#ifndef CP_ROSTER_H
#define CP_ROSTER_H

#include <stddef.h>

#include "error.h"
#include "model.h"
#include "problems.h"

struct cp_store;

struct cp_roster_row {
	int line;	   /* line on which the record starts */
	char *email;	   /* as given, trimmed */
	char *name;	   /* trimmed, non-empty */
	char *team;	   /* trimmed, non-empty */
	char *parent_team; /* NULL when the column is absent or empty */
	enum cp_role role; /* member when the column is absent or empty */
	char *language;	   /* a checked BCP 47 tag; NULL when empty */
};

struct cp_roster {
	char *file; /* the name used in messages */
	struct cp_roster_row *rows;
	size_t nrows;
	bool has_language; /* the file has a language column: it is applied,
			    * an empty cell clearing a member's language */
};

/*
 * Parses and validates text[0..len) (a UTF-8 CSV, optional BOM, CRLF or LF,
 * quoted fields with commas, quotes and newlines). Columns are found by
 * header name: email, name, team required; parent_team, role, language
 * (a BCP 47 tag of a language carepulse ships, i18n.h) optional;
 * any other column is a problem. Every problem found is added to problems
 * (line and field named). Returns 0 and a roster in *out (free with
 * cp_roster_free) only when the file has no problem at all; CP_EDATA with
 * err summarising the first problem otherwise, and *out is NULL.
 */
int cp_roster_parse(struct cp_roster **out, const char *file, const char *text,
		    size_t len, struct cp_problems *problems,
		    struct cp_error *err);

/* Frees r (NULL allowed). */
void cp_roster_free(struct cp_roster *r);

/* What applying a roster changed (or would change, in a dry run). */
struct cp_roster_changes {
	size_t teams_added;
	size_t teams_changed; /* parent changed */
	size_t members_added;
	size_t members_changed; /* name, team or role changed */
	size_t members_reactivated;
	size_t members_deactivated;
	size_t members_unchanged;
	/* One line per change, for --dry-run and verbose output. */
	char **lines;
	size_t nlines;
	/* A dry run only: the teams as the roster would leave them (what
	 * cp_store_team_list would list), for an anonymity preview. */
	struct cp_team *teams;
	size_t nteams;
};

/*
 * Applies r to the store in one BEGIN IMMEDIATE transaction; with dry_run
 * the transaction is rolled back, so changes says what would happen and
 * nothing is written. changes is caller-owned; release it with
 * cp_roster_changes_release.
 */
int cp_roster_apply(struct cp_store *s, const struct cp_roster *r, int dry_run,
		    struct cp_roster_changes *changes, struct cp_error *err);

void cp_roster_changes_release(struct cp_roster_changes *c);

#endif
