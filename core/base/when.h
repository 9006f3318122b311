/*
 * when.h - times and durations as people type them on the command line
 * and in settings: ISO 8601 dates and date-times (UTC), relative times
 * (+7d), durations (2w, 3d, 12h, 30m).
 */
#ifndef CP_WHEN_H
#define CP_WHEN_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Seconds in a day: times are UTC, so every day has this many. */
#define CP_DAY 86400

/*
 * Parses "now", "+N{m,h,d,w}" (from now), "YYYY-MM-DD" (midnight UTC),
 * "YYYY-MM-DDTHH:MM[:SS][Z]" (UTC; a space may replace the T) into seconds
 * since the epoch. CP_EDATA names the text and the accepted forms.
 */
int cp_when_parse(const char *text, int64_t now, int64_t *out,
		  struct cp_error *err);

/* Parses "N{m,h,d,w}" into seconds; N from 1 to 999999. */
int cp_duration_parse(const char *text, int64_t *out, struct cp_error *err);

/*
 * t plus months calendar months (months >= 0): the same day of the month
 * and time of day, clamped to the last day of a shorter month, so 31
 * January + 1 is 28 February (29 in a leap year) and 29 February 2028 +
 * 12 is 28 February 2029. Count from a fixed start (start + k months),
 * not month by month, or a clamped day would stick.
 */
int64_t cp_when_add_months(int64_t t, int months);

/* "2026-11-30 09:00 UTC" into out (n >= 24); "-" for 0. Returns out. */
const char *cp_when_format(int64_t t, char *out, size_t n);

/* RFC 3339 "2026-11-30T09:00:00Z" into out (n >= 21). Returns out. */
const char *cp_when_rfc3339(int64_t t, char *out, size_t n);

#endif
