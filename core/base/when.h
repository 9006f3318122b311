/*
 * when.h - times and durations as people type them on the command line
 * and in settings: ISO 8601 dates and date-times (the installation's
 * local time, or UTC with a Z), relative times
 * (+7d), durations (2w, 3d, 12h, 30m).
 */
#ifndef CP_WHEN_H
#define CP_WHEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Seconds in a day: times are UTC, so every day has this many. */
#define CP_DAY 86400

/*
 * Parses "now", "+N{m,h,d,w}" (from now), "YYYY-MM-DD" (midnight) or
 * "YYYY-MM-DDTHH:MM[:SS]" (a space may replace the T) on the clocks of
 * the installation's time zone (cp_tz_set; UTC until it is set), or
 * "YYYY-MM-DDTHH:MM[:SS]Z" (UTC), into seconds since the epoch. A time the
 * clocks show twice (when they go back) is the earlier; one they skip is
 * CP_EDATA. CP_EDATA names the text and the accepted forms.
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

/*
 * The installation's time zone (setting "timezone"). Stored times are UTC;
 * every time shown to people is converted to this zone. cp_tz_set sets TZ
 * and calls tzset: call it once, before any thread starts (cmd/ does, when
 * it opens the database); afterwards localtime_r is safe in every thread,
 * since nothing changes TZ again. Until it is called, times show in UTC.
 */
/* An IANA name found in the time zone database ($TZDIR or
 * /usr/share/zoneinfo); CP_EDATA names the value and what was expected. */
int cp_tz_check(const char *name, struct cp_error *err);
int cp_tz_set(const char *name, struct cp_error *err);
/* The zone in force: the name given to cp_tz_set, else "UTC". Static. */
const char *cp_tz_name(void);
/* t broken down in the installation's zone; false when out of range. */
struct tm;
bool cp_when_local(int64_t t, struct tm *tm);

/* "2026-11-30 09:00 GMT" in the installation's zone (its abbreviation)
 * into out (n >= 32); "-" for 0. Returns out. */
const char *cp_when_format(int64_t t, char *out, size_t n);

/*
 * "Monday 30 November 2026, 17:00 GMT": t in the installation's zone, the
 * day and month named in the calling thread's language (its LC_TIME, set
 * by cp_lang_use), for people to read in pages and e-mails. False (out
 * empty) when t cannot be shown.
 */
bool cp_when_long(int64_t t, char *out, size_t n);

/* "30 November 2026": the day in the installation's zone, the month
 * named in the calling thread's language (as cp_when_long). False (out
 * empty) when t cannot be shown. */
bool cp_when_day_long(int64_t t, char *out, size_t n);

/* "2026-11-30", the day in the installation's zone (n >= 11); "-" for
 * t <= 0. Returns out. */
const char *cp_when_date(int64_t t, char *out, size_t n);

/* RFC 3339 "2026-11-30T09:00:00Z" into out (n >= 21). Returns out. */
const char *cp_when_rfc3339(int64_t t, char *out, size_t n);

#endif
