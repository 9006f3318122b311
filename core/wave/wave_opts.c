/*
 * wave_opts.c - the rules for a new wave that a person chooses: its
 * channel, when it opens and closes, how often it recurs and its own
 * reporting threshold, with their defaults.
 */
#include "wave.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "i18n.h"
#include "when.h"

/* A wave stays open this long unless told otherwise or it recurs sooner. */
#define DEFAULT_OPEN_DAYS 14

static const char *const channels[] = {"email", "webhook", "slack", "teams",
				       "outbox"};

bool cp_wave_channel_valid(const char *channel)
{
	for (size_t i = 0; i < sizeof(channels) / sizeof(*channels); i++)
		if (strcmp(channel, channels[i]) == 0)
			return true;
	return false;
}

/* The wave's own threshold: a whole number in the range of the setting. */
static int parse_threshold(const char *text, int *out, struct cp_error *err)
{
	const char *key = cp_config_threshold_key(CP_THRESHOLD);
	long lo = 0, hi = 0, k;
	char *end;

	if (!cp_config_key_range(key, &lo, &hi))
		return cp_error_set(err, CP_EFAIL,
				    N_("setting '%s' has no range"), key);
	errno = 0;
	k = strtol(text, &end, 10);
	if (errno || *end || end == text || k < lo || k > hi)
		return cp_error_set(
		    err, CP_EUSAGE,
		    N_("threshold '%s': expected a whole number "
		       "from %ld to %ld"),
		    text, lo, hi);
	*out = (int)k;
	return 0;
}

/* Names the field that rc is about at the start of err's message. */
static int prefixed(struct cp_error *err, int rc, const char *field)
{
	cp_error_prefix(err, "%s", field);
	return rc;
}

int cp_wave_create_opts_apply(struct cp_wave *w,
			      const struct cp_wave_create_opts *o, int64_t now,
			      struct cp_error *err)
{
	const char *channel = o->channel ? o->channel : CP_WAVE_DEFAULT_CHANNEL;
	int64_t period = 0, open_for = DEFAULT_OPEN_DAYS * CP_DAY;
	int rc;

	if (!cp_wave_channel_valid(channel))
		return cp_error_set(err, CP_EUSAGE,
				    N_("channel '%s': expected email, webhook, "
				       "slack, teams or outbox"),
				    channel);
	cp_strlcpy(w->channel, channel, sizeof(w->channel));
	if ((rc = cp_when_parse(o->opens ? o->opens : "now", now, &w->opens_at,
				err)))
		return prefixed(err, rc, "opens");
	if (w->opens_at < now - CP_WAVE_PAST_SLACK)
		return cp_error_set(
		    err, CP_EUSAGE,
		    N_("opens '%s' is in the past: a wave opens "
		       "now or later"),
		    o->opens ? o->opens : "now");
	if (o->every) {
		if ((rc = cp_wave_every_parse(o->every, &w->every_days,
					      &w->every_months, err)))
			return rc;
		period = w->every_months ? cp_when_add_months(w->opens_at,
							      w->every_months) -
					       w->opens_at
					 : (int64_t)w->every_days * CP_DAY;
	}
	if (o->closes) {
		if ((rc = cp_when_parse(o->closes, now, &w->closes_at, err)))
			return prefixed(err, rc, "closes");
		if (w->closes_at <= now)
			return cp_error_set(
			    err, CP_EUSAGE,
			    N_("closes '%s' is in the past: its "
			       "links would not take answers"),
			    o->closes);
		if (w->closes_at <= w->opens_at)
			return cp_error_set(
			    err, CP_EUSAGE,
			    N_("closes '%s' is not after opens: "
			       "a wave must close after it opens"),
			    o->closes);
	} else {
		/* A recurring wave closes before the next one opens. */
		if (period && period < open_for)
			open_for = period;
		w->closes_at = w->opens_at + open_for;
	}
	if (o->threshold &&
	    (rc = parse_threshold(o->threshold, &w->threshold, err)))
		return rc;
	w->include_subteams = o->include_subteams;
	return 0;
}
