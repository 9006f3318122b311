#include "when.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"

/* 9999-12-31T23:59:59Z: the last second the date formats can write. */
#define WHEN_MAX INT64_C(253402300799)

int cp_duration_parse(const char *text, int64_t *out, struct cp_error *err)
{
	char *end;
	long n;
	int64_t unit = 0;

	errno = 0;
	n = strtol(text, &end, 10);
	if (!errno && end != text && isdigit((unsigned char)text[0]) &&
	    end[0] && !end[1]) {
		switch (end[0]) {
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = CP_DAY;
			break;
		case 'w':
			unit = 7 * CP_DAY;
			break;
		}
	}
	if (unit == 0 || n < 1 || n > 999999)
		return cp_error_set(err, CP_EDATA,
				    N_("'%s' is not a duration: expected a "
				       "number and a unit, like 30m, 12h, 3d "
				       "or 2w"),
				    text);
	*out = (int64_t)n * unit;
	return 0;
}

/* Reads exactly n digits at *p into *v. */
static int digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return 0;
}

/* Set once by cp_tz_set, before any thread: localtime_r then reads the
 * time zone glibc loaded for TZ, under its own lock, and nothing changes
 * TZ again, so every thread may convert at once. */
static char tz_name[128];

/*
 * The instant at which the installation's clocks show tm (a valid date
 * and time of day, UTC-normalised by the caller): mktime with each DST
 * flag, keeping those that show tm again. Two (the hour the clocks go
 * back) take the earlier; none (the hour they skip) is CP_EDATA.
 */
static int local_instant(const struct tm *want, const char *text, time_t *out,
			 struct cp_error *err)
{
	time_t found[2];
	int nfound = 0;

	for (int dst = 0; dst <= 1; dst++) {
		struct tm tm = *want, back;
		time_t t;

		tm.tm_isdst = dst;
		t = mktime(&tm);
		if (t == (time_t)-1 || localtime_r(&t, &back) == NULL)
			continue;
		if (back.tm_year == want->tm_year &&
		    back.tm_mon == want->tm_mon &&
		    back.tm_mday == want->tm_mday &&
		    back.tm_hour == want->tm_hour &&
		    back.tm_min == want->tm_min && back.tm_sec == want->tm_sec)
			found[nfound++] = t;
	}
	if (nfound == 0)
		return cp_error_set(err, CP_EDATA,
				    N_("'%s' is not a time in %s: the clocks "
				       "skip it (daylight saving time); "
				       "expected a time before or after the "
				       "change, or one ending in Z (UTC)"),
				    text, tz_name);
	*out = nfound == 2 && found[1] < found[0] ? found[1] : found[0];
	return 0;
}

int cp_when_parse(const char *text, int64_t now, int64_t *out,
		  struct cp_error *err)
{
	const char *p = text;
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, s = 0;
	bool utc = false;
	int64_t dur;
	int rc;
	time_t t;

	if (strcmp(text, "now") == 0) {
		*out = now;
		return 0;
	}
	if (text[0] == '+') {
		if (cp_duration_parse(text + 1, &dur, NULL) == 0 &&
		    now <= WHEN_MAX - dur) {
			*out = now + dur;
			return 0;
		}
		goto bad;
	}
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		goto bad;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			goto bad;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &s))
				goto bad;
		}
		if (*p == 'Z') {
			p++;
			utc = true;
		}
	}
	if (*p || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || s > 60)
		goto bad;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	t = timegm(&tm);
	/* timegm normalises 2026-02-31 to March: refuse such dates. */
	if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
		goto bad;
	/* Without a Z, the time is the installation's clock's. */
	if (!utc && tz_name[0] && (rc = local_instant(&tm, text, &t, err)))
		return rc;
	*out = (int64_t)t;
	return 0;
bad:
	return cp_error_set(err, CP_EDATA,
			    N_("'%s' is not a time: expected now, +7d (from "
			       "now), 2026-12-01 or 2026-12-01T09:00 (in the "
			       "installation's time zone, %s), or "
			       "2026-12-01T09:00Z (UTC)"),
			    text, cp_tz_name());
}

static int leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int64_t cp_when_add_months(int64_t t, int months)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	time_t tt = (time_t)t;
	struct tm tm;
	long m, y;
	int last;

	if (gmtime_r(&tt, &tm) == NULL || months < 0)
		return t;
	m = (long)tm.tm_mon + months;
	y = (long)tm.tm_year + 1900 + m / 12;
	m %= 12;
	last = mdays[m] + (m == 1 && leap(y));
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = (int)m;
	if (tm.tm_mday > last)
		tm.tm_mday = last;
	tm.tm_isdst = 0;
	tt = timegm(&tm);
	return tt == (time_t)-1 ? t : (int64_t)tt;
}

int cp_tz_check(const char *name, struct cp_error *err)
{
	const char *dir = getenv("TZDIR");
	char path[4096], magic[4];
	size_t n = strlen(name);
	FILE *f;
	bool ok;

	if (n == 0 || n >= sizeof(tz_name) || name[0] == '/' ||
	    strstr(name, "..") ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789/_+-") != n)
		return cp_error_set(
		    err, CP_EDATA,
		    N_("'%s' is not a time zone name: expected an "
		       "IANA name such as Europe/London, "
		       "America/New_York or UTC"),
		    name);
	snprintf(path, sizeof(path), "%s/%s",
		 dir && *dir ? dir : "/usr/share/zoneinfo", name);
	f = fopen(path, "rb");
	ok = f && fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	if (f)
		fclose(f);
	if (!ok)
		return cp_error_set(err, CP_EDATA,
				    N_("time zone '%s' is not in the time zone "
				       "database (%s): expected an IANA name "
				       "such as Europe/London or UTC"),
				    name, path);
	return 0;
}

int cp_tz_set(const char *name, struct cp_error *err)
{
	int rc = cp_tz_check(name, err);

	if (rc)
		return rc;
	if (setenv("TZ", name, 1) != 0)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	tzset();
	snprintf(tz_name, sizeof(tz_name), "%s", name);
	return 0;
}

const char *cp_tz_name(void)
{
	return tz_name[0] ? tz_name : "UTC";
}

bool cp_when_local(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	return (tz_name[0] ? localtime_r(&tt, tm) : gmtime_r(&tt, tm)) != NULL;
}

const char *cp_when_format(int64_t t, char *out, size_t n)
{
	struct tm tm;

	if (t == 0 || !cp_when_local(t, &tm)) {
		snprintf(out, n, "-");
		return out;
	}
	if (strftime(out, n,
		     tz_name[0] ? "%Y-%m-%d %H:%M %Z" : "%Y-%m-%d %H:%M UTC",
		     &tm) == 0 &&
	    n)
		out[0] = '\0';
	return out;
}

/* t by the strftime format fmt in the installation's zone and the
 * thread's LC_TIME, without the space %e pads a day below 10 with. */
enum {
	LONG_ZONE,
	LONG_UTC,
	DAY_LONG
};

static bool when_words(int64_t t, int form, char *out, size_t n)
{
	struct tm tm;
	size_t len = 0;
	char *p;

	if (n)
		out[0] = '\0';
	if (!cp_when_local(t, &tm))
		return false;
	/* Literal formats, so the compiler checks them. */
	if (form == LONG_ZONE)
		len = strftime(out, n, "%A %e %B %Y, %H:%M %Z", &tm);
	else if (form == LONG_UTC)
		len = strftime(out, n, "%A %e %B %Y, %H:%M UTC", &tm);
	else
		len = strftime(out, n, "%e %B %Y", &tm);
	if (len == 0)
		return false;
	while ((p = strstr(out, "  ")) != NULL)
		memmove(p, p + 1, strlen(p + 1) + 1);
	if (out[0] == ' ')
		memmove(out, out + 1, strlen(out));
	return true;
}

bool cp_when_long(int64_t t, char *out, size_t n)
{
	return when_words(t, tz_name[0] ? LONG_ZONE : LONG_UTC, out, n);
}

bool cp_when_day_long(int64_t t, char *out, size_t n)
{
	return when_words(t, DAY_LONG, out, n);
}

const char *cp_when_date(int64_t t, char *out, size_t n)
{
	struct tm tm;

	if (t <= 0 || !cp_when_local(t, &tm) ||
	    strftime(out, n, "%Y-%m-%d", &tm) == 0)
		snprintf(out, n, "-");
	return out;
}

const char *cp_when_rfc3339(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		if (n)
			out[0] = '\0';
	}
	return out;
}
