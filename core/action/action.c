/*
 * action.c - the rules of the action loop: what an action may hold and
 * which wave and team it may follow. The SQL is in core/store.
 */
#include "action.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "results.h"
#include "text.h"

/* Checks one text field: UTF-8, no control characters, at most max bytes,
 * and not empty unless optional. */
static int check_text(const char *field, const char *s, size_t max,
		      int optional, struct cp_error *err)
{
	size_t len = s ? strlen(s) : 0;

	if (len == 0 && optional)
		return 0;
	if (len == 0 || strspn(s, " \t") == len)
		return cp_error_set(err, CP_EDATA,
				    N_("%s is empty: say what "
				       "the team agreed"),
				    field);
	if (len > max)
		return cp_error_set(err, CP_EDATA,
				    N_("%s is %zu bytes long: at most %zu"),
				    field, len, max);
	if (!cp_utf8_valid(s, len))
		return cp_error_set(err, CP_EDATA, N_("%s is not valid UTF-8"),
				    field);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return cp_error_set(
			    err, CP_EDATA,
			    N_("%s holds a control character "
			       "(a line break?): one line, please"),
			    field);
	return 0;
}

/* Whether team is part of wave: a team it went to, or one above them. */
static int team_in_wave(struct cp_store *s, int64_t wave, int64_t team,
			struct cp_error *err)
{
	struct cp_snapshot_team *t = NULL;
	size_t n = 0;
	int rc, found = 0;

	if ((rc = cp_store_wave_snapshot(s, wave, &t, &n, err)))
		return rc;
	for (size_t i = 0; i < n; i++)
		found |= t[i].id == team;
	cp_store_snapshot_free(t, n);
	if (!found)
		return cp_error_set(err, CP_ECONFLICT,
				    N_("the team was not part of wave %lld"),
				    (long long)wave);
	return 0;
}

int cp_action_add(struct cp_store *s, const struct cp_action_new *a,
		  int64_t *id, struct cp_error *err)
{
	struct cp_action row;
	struct cp_wave w;
	int rc;

	if ((rc = check_text(_("the action"), a->text, CP_ACTION_TEXT_MAX, 0,
			     err)) ||
	    (rc = check_text(_("the owner"), a->owner, CP_ACTION_OWNER_MAX, 1,
			     err)))
		return rc;
	if (a->review_at < 0)
		return cp_error_set(err, CP_EDATA,
				    N_("the review date is before 1970"));
	if ((rc = cp_store_wave_get(s, a->wave_id, &w, err)))
		return rc;
	if (w.status != CP_WAVE_CLOSED)
		return cp_error_set(err, CP_ECONFLICT,
				    N_("wave %lld is %s: actions follow the "
				       "results of a closed wave"),
				    (long long)a->wave_id,
				    cp_wave_status_name(w.status));
	if ((rc = team_in_wave(s, a->wave_id, a->team_id, err)))
		return rc;
	memset(&row, 0, sizeof(row));
	row.team_id = a->team_id;
	row.wave_id = a->wave_id;
	cp_strlcpy(row.text, a->text, sizeof(row.text));
	cp_strlcpy(row.owner, a->owner ? a->owner : "", sizeof(row.owner));
	row.review_at = a->review_at;
	row.created_at = cp_store_now();
	return cp_store_action_add(s, &row, id, err);
}

int cp_action_list(struct cp_store *s, int64_t team, int64_t wave,
		   struct cp_action **out, size_t *n, struct cp_error *err)
{
	return cp_store_action_list(s, team, wave, out, n, err);
}

int cp_action_done(struct cp_store *s, int64_t id, int64_t when,
		   struct cp_error *err)
{
	struct cp_action a;
	int rc;

	if ((rc = cp_store_action_get(s, id, &a, err)))
		return rc;
	if (a.done_at)
		return cp_error_set(err, CP_ECONFLICT,
				    N_("action %lld is done already"),
				    (long long)id);
	return cp_store_action_done(s, id, when, err);
}

int cp_action_last_time(struct cp_store *s, int64_t team, int64_t wave,
			struct cp_action **out, size_t *n, int64_t *from,
			struct cp_error *err)
{
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = cp_store_action_previous_wave(s, team, wave, from, err)))
		return rc;
	if (*from == 0)
		return 0;
	return cp_store_action_list(s, team, *from, out, n, err);
}

int cp_action_latest_wave(struct cp_store *s, int64_t team, int64_t *wave,
			  struct cp_error *err)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	*wave = 0;
	if ((rc = cp_results_waves(s, team, &ids, &n, err)))
		return rc;
	for (size_t i = n; rc == 0 && i > 0 && *wave == 0; i--) {
		struct cp_wave w;

		rc = cp_store_wave_get(s, ids[i - 1], &w, err);
		if (rc == 0 && w.status == CP_WAVE_CLOSED)
			*wave = w.id;
	}
	free(ids);
	if (rc == 0 && *wave == 0)
		rc = cp_error_set(err, CP_ENOTFOUND,
				  N_("the team has no closed wave yet: actions "
				     "follow a closed wave's results"));
	return rc;
}
