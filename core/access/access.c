/* access.c - placeholder bodies so the portal links while the rules are
 * written (replaced in the next commits). */
#include "access.h"

const char *cp_access_role_name(enum cp_access_role role)
{
	(void)role;
	return NULL;
}

int cp_access_role_parse(const char *name, enum cp_access_role *out,
			 struct cp_error *err)
{
	(void)name;
	(void)out;
	return cp_error_set(err, CP_EFAIL,
			    "cp_access_role_parse: not implemented yet");
}

int cp_access_grant(struct cp_store *s, const char *email,
		    enum cp_access_role role, const char *team_key,
		    int64_t until, struct cp_error *err)
{
	(void)s;
	(void)email;
	(void)role;
	(void)team_key;
	(void)until;
	return cp_error_set(err, CP_EFAIL,
			    "cp_access_grant: not implemented yet");
}

int cp_access_revoke(struct cp_store *s, const char *email,
		     enum cp_access_role role, const char *team_key,
		     struct cp_error *err)
{
	(void)s;
	(void)email;
	(void)role;
	(void)team_key;
	return cp_error_set(err, CP_EFAIL,
			    "cp_access_revoke: not implemented yet");
}

int cp_access_list(struct cp_store *s, int64_t now,
		   struct cp_access_grant_row **out, size_t *n,
		   struct cp_error *err)
{
	(void)s;
	(void)now;
	(void)out;
	(void)n;
	return cp_error_set(err, CP_EFAIL,
			    "cp_access_list: not implemented yet");
}

int cp_access_may_view(struct cp_store *s, int64_t viewer_id, int64_t wave_id,
		       int64_t team_id, int64_t now, bool *ok,
		       struct cp_error *err)
{
	(void)s;
	(void)viewer_id;
	(void)wave_id;
	(void)team_id;
	(void)now;
	(void)ok;
	return cp_error_set(err, CP_EFAIL,
			    "cp_access_may_view: not implemented yet");
}

int cp_access_may_view_self(struct cp_store *s, int64_t viewer_id,
			    int64_t wave_id, int64_t team_id, int64_t now,
			    bool *ok, struct cp_error *err)
{
	(void)s;
	(void)viewer_id;
	(void)wave_id;
	(void)team_id;
	(void)now;
	(void)ok;
	return cp_error_set(err, CP_EFAIL,
			    "cp_access_may_view_self: not implemented yet");
}

int cp_access_teams(struct cp_store *s, int64_t viewer_id, int64_t wave_id,
		    int64_t now, int64_t **team_ids, size_t *n,
		    struct cp_error *err)
{
	(void)s;
	(void)viewer_id;
	(void)wave_id;
	(void)now;
	(void)team_ids;
	(void)n;
	return cp_error_set(err, CP_EFAIL,
			    "cp_access_teams: not implemented yet");
}

int cp_access_is_hr(struct cp_store *s, int64_t viewer_id, int64_t now,
		    bool *ok, struct cp_error *err)
{
	(void)s;
	(void)viewer_id;
	(void)now;
	(void)ok;
	return cp_error_set(err, CP_EFAIL,
			    "cp_access_is_hr: not implemented yet");
}

int cp_access_viewer_get(struct cp_store *s, int64_t viewer_id,
			 struct cp_viewer *out, struct cp_error *err)
{
	(void)s;
	(void)viewer_id;
	(void)out;
	return cp_error_set(err, CP_EFAIL,
			    "cp_access_viewer_get: not implemented yet");
}

int cp_signin_request(struct cp_store *s, const char *email, const char *client,
		      int64_t now, char token[CP_ACCESS_SECRET_SIZE],
		      bool *send, struct cp_error *err)
{
	(void)s;
	(void)email;
	(void)client;
	(void)now;
	(void)token;
	(void)send;
	return cp_error_set(err, CP_EFAIL,
			    "cp_signin_request: not implemented yet");
}

int cp_signin_consume(struct cp_store *s, const char *token, int64_t now,
		      int64_t *viewer_id, struct cp_error *err)
{
	(void)s;
	(void)token;
	(void)now;
	(void)viewer_id;
	return cp_error_set(err, CP_EFAIL,
			    "cp_signin_consume: not implemented yet");
}

int cp_signin_email(struct cp_store *s, const char *email, int64_t now,
		    int64_t *viewer_id, struct cp_error *err)
{
	(void)s;
	(void)email;
	(void)now;
	(void)viewer_id;
	return cp_error_set(err, CP_EFAIL,
			    "cp_signin_email: not implemented yet");
}

int cp_session_create(struct cp_store *s, int64_t viewer_id, int64_t now,
		      char sid[CP_ACCESS_SECRET_SIZE], struct cp_session *out,
		      struct cp_error *err)
{
	(void)s;
	(void)viewer_id;
	(void)now;
	(void)sid;
	(void)out;
	return cp_error_set(err, CP_EFAIL,
			    "cp_session_create: not implemented yet");
}

int cp_session_check(struct cp_store *s, const char *sid, int64_t now,
		     struct cp_session *out, bool *valid, struct cp_error *err)
{
	(void)s;
	(void)sid;
	(void)now;
	(void)out;
	(void)valid;
	return cp_error_set(err, CP_EFAIL,
			    "cp_session_check: not implemented yet");
}

int cp_session_rotate(struct cp_store *s, const char *old_sid,
		      int64_t viewer_id, int64_t now,
		      char sid[CP_ACCESS_SECRET_SIZE], struct cp_session *out,
		      struct cp_error *err)
{
	(void)s;
	(void)old_sid;
	(void)viewer_id;
	(void)now;
	(void)sid;
	(void)out;
	return cp_error_set(err, CP_EFAIL,
			    "cp_session_rotate: not implemented yet");
}

int cp_session_end(struct cp_store *s, const char *sid, struct cp_error *err)
{
	(void)s;
	(void)sid;
	return cp_error_set(err, CP_EFAIL,
			    "cp_session_end: not implemented yet");
}

bool cp_csrf_ok(const struct cp_session *session, const char *token)
{
	(void)session;
	(void)token;
	return false;
}

int cp_audit(struct cp_store *s, int64_t viewer_id, const char *event,
	     int64_t wave_id, int64_t team_id, const char *detail, int64_t now,
	     struct cp_error *err)
{
	(void)s;
	(void)viewer_id;
	(void)event;
	(void)wave_id;
	(void)team_id;
	(void)detail;
	(void)now;
	return cp_error_set(err, CP_EFAIL, "cp_audit: not implemented yet");
}

int cp_access_log_list(struct cp_store *s, int64_t since,
		       struct cp_audit_row **out, size_t *n,
		       struct cp_error *err)
{
	(void)s;
	(void)since;
	(void)out;
	(void)n;
	return cp_error_set(err, CP_EFAIL,
			    "cp_access_log_list: not implemented yet");
}
