/*
 * survey_store.c - survey definitions kept in the store.
 */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "store.h"
#include "survey.h"

int cp_survey_save(struct cp_store *st, const struct cp_survey *s, int builtin,
		   int64_t *ref, int *added, struct cp_error *err)
{
	char *hash = NULL;
	int rc;

	/* Every stored row of this id and version, not just the newest. */
	rc = cp_store_survey_version_hash(st, s->id, s->version, s->hash, &hash,
					  err);
	if (rc == 0 && hash)
		rc = cp_error_set(
		    err, CP_ECONFLICT,
		    N_("survey '%s' version '%s' is already stored "
		       "with different content: give the changed "
		       "definition a new version"),
		    s->id, s->version);
	free(hash);
	if (rc)
		return rc;
	return cp_store_survey_put(st, s->id, s->version, s->title, s->hash,
				   s->text, builtin, ref, added, err);
}

int cp_survey_install_builtins(struct cp_store *st, size_t *added,
			       struct cp_error *err)
{
	size_t n = cp_survey_builtin_count();
	int rc = 0;

	*added = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct cp_survey *s;
		const char *name, *text;
		size_t len;
		int64_t ref;
		int one;

		text = cp_survey_builtin(i, &len, &name);
		rc = cp_survey_parse(&s, name, text, len, err);
		if (rc)
			break;
		rc = cp_survey_save(st, s, 1, &ref, &one, err);
		/* A user's own newer version of a built-in id is kept. */
		if (rc == CP_ECONFLICT)
			rc = 0;
		*added += (size_t)(rc == 0 && one);
		cp_survey_free(s);
	}
	return rc;
}

int cp_survey_fetch(struct cp_survey **out, struct cp_store *st, const char *id,
		    int64_t ref, struct cp_error *err)
{
	char *text;
	int rc;

	*out = NULL;
	rc = cp_store_survey_text(st, id, ref, &text, NULL, err);
	if (rc)
		return rc;
	rc = cp_survey_parse(out, id ? id : "stored survey", text, strlen(text),
			     err);
	free(text);
	return rc;
}
