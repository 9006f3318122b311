/*
 * signin.c - e-mailed sign-in links, sign-in by a verified address, and
 * sessions. Every secret is 24 random bytes from the CSPRNG in hex; the
 * database keeps only its SHA-256. See access.h.
 */
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "access_int.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "i18n.h"
#include "text.h"

#define SECRET_BYTES 24 /* 48 hex characters: 192 bits */

_Static_assert(SECRET_BYTES * 2 < CP_ACCESS_SECRET_SIZE,
	       "a secret and its terminator fit the buffers");

/* A fresh secret in hex into out. */
static int new_secret(char out[CP_ACCESS_SECRET_SIZE], struct cp_error *err)
{
	uint8_t raw[SECRET_BYTES];
	int rc = cp_random_bytes(raw, sizeof(raw), err);

	out[0] = '\0';
	if (rc == 0)
		cp_hex(raw, sizeof(raw), out);
	cp_wipe(raw, sizeof(raw));
	return rc;
}

/* SHA-256 of text (NULL as ""). */
static int hash_text(const char *text, uint8_t out[CP_SHA256_LEN],
		     struct cp_error *err)
{
	if (cp_sha256(text ? text : "", text ? strlen(text) : 0, out))
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	return 0;
}

/*
 * The viewer whose address is email when it has access at now (*viewer
 * 0 when not): a viewer row with a grant, or a roster leader (who gets
 * a viewer row here, named as in the roster).
 */
static int viewer_with_access(struct cp_store *s, const char *email,
			      int64_t now, int64_t *viewer,
			      struct cp_error *err)
{
	struct cp_access_rules r;
	struct cp_store_grant *l = NULL;
	size_t nl = 0;
	bool roster = true;
	int rc;

	*viewer = 0;
	if (!cp_email_valid(email))
		return 0;
	rc = cp_store_viewer_find(s, email, viewer, NULL);
	if (rc == CP_ENOTFOUND) {
		*viewer = 0;
		rc = cp_access_config_bool(s, CP_ACCESS_KEY_ROSTER, &roster,
					   err);
		if (rc == 0 && roster)
			rc = cp_store_roster_leaders(s, email, &l, &nl, err);
		if (rc == 0 && nl > 0)
			rc = cp_store_viewer_ensure(s, l[0].email, l[0].name,
						    viewer, err);
		free(l);
		if (rc || *viewer == 0)
			return rc;
	} else if (rc) {
		return cp_store_viewer_find(s, email, viewer, err);
	}
	rc = cp_access_rules_load(s, *viewer, now, &r, err);
	if (rc == 0 && !cp_access_rules_any(&r))
		*viewer = 0;
	cp_access_rules_release(&r);
	return rc;
}

int cp_signin_ttl(struct cp_store *s, int64_t *seconds, struct cp_error *err)
{
	return cp_access_config_seconds(s, CP_ACCESS_KEY_TTL, seconds, err);
}

int cp_signin_request(struct cp_store *s, const char *email, const char *client,
		      int64_t now, char token[CP_ACCESS_SECRET_SIZE],
		      bool *send, struct cp_error *err)
{
	uint8_t hash[CP_SHA256_LEN], akey[CP_SHA256_LEN], ckey[CP_SHA256_LEN];
	int64_t viewer = 0, by_address = 0, by_client = 0, ttl = 0;
	long per_address = 0, per_client = 0;
	char *lower = cp_strdup(email ? email : "");
	int rc;

	*send = false;
	token[0] = '\0';
	if (lower == NULL)
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	cp_ascii_lower(lower);
	/* The same steps whatever the address: a token made and hashed,
	 * both counters written, the housekeeping done. */
	rc = new_secret(token, err);
	rc = rc ? rc : hash_text(token, hash, err);
	rc = rc ? rc : hash_text(lower, akey, err);
	rc = rc ? rc : hash_text(client, ckey, err);
	rc = rc ? rc : cp_signin_ttl(s, &ttl, err);
	rc = rc ? rc
		: cp_config_get_int(s, CP_ACCESS_KEY_PER_ADDRESS, &per_address,
				    err);
	rc = rc ? rc
		: cp_config_get_int(s, CP_ACCESS_KEY_PER_CLIENT, &per_client,
				    err);
	free(lower);
	if (rc == 0 && (rc = cp_store_begin(s, err)) == 0) {
		rc = cp_store_signin_tidy(s, now, err);
		rc = rc ? rc
			: cp_store_rate_hit(s, "address", akey, now / 3600,
					    &by_address, err);
		rc = rc ? rc
			: cp_store_rate_hit(s, "client", ckey, now / 3600,
					    &by_client, err);
		rc = rc ? rc
			: viewer_with_access(s, email ? email : "", now,
					     &viewer, err);
		if (rc == 0 && viewer && by_address <= per_address &&
		    by_client <= per_client) {
			rc = cp_store_signin_token_add(s, hash, viewer, now,
						       now + ttl, err);
			*send = rc == 0;
		}
		if (rc == 0)
			rc = cp_store_commit(s, err);
		else
			cp_store_rollback(s);
	}
	if (rc || !*send) {
		*send = false;
		cp_wipe(token, CP_ACCESS_SECRET_SIZE);
		token[0] = '\0';
	}
	return rc;
}

int cp_signin_consume(struct cp_store *s, const char *token, int64_t now,
		      int64_t *viewer_id, struct cp_error *err)
{
	uint8_t hash[CP_SHA256_LEN];
	int rc;

	*viewer_id = 0;
	if ((rc = hash_text(token, hash, err)))
		return rc;
	if ((rc = cp_store_begin(s, err)))
		return rc;
	rc = cp_store_signin_token_use(s, hash, now, viewer_id, err);
	rc = rc ? rc
		: cp_store_audit_add(s, *viewer_id, "signin", 0, 0,
				     "e-mailed link", now, err);
	if (rc == 0)
		return cp_store_commit(s, err);
	cp_store_rollback(s);
	*viewer_id = 0;
	return rc;
}

int cp_signin_email(struct cp_store *s, const char *email, int64_t now,
		    int64_t *viewer_id, struct cp_error *err)
{
	int rc;

	*viewer_id = 0;
	if ((rc = cp_store_begin(s, err)))
		return rc;
	rc = viewer_with_access(s, email ? email : "", now, viewer_id, err);
	if (rc == 0 && *viewer_id == 0)
		rc = cp_error_set(err, CP_ENOTFOUND,
				  N_("this address has no access to results"));
	rc = rc ? rc
		: cp_store_audit_add(s, *viewer_id, "signin", 0, 0,
				     "verified address", now, err);
	if (rc == 0)
		return cp_store_commit(s, err);
	cp_store_rollback(s);
	*viewer_id = 0;
	return rc;
}

/* ---- sessions ---- */

/* The CSRF token of a session: HMAC-SHA256 of a label under its id, so
 * it is bound to the session and needs no column of its own. */
static int csrf_of(const char *sid, char out[CP_ACCESS_SECRET_SIZE],
		   struct cp_error *err)
{
	static const char label[] = "carepulse portal csrf";
	uint8_t mac[CP_SHA256_LEN];

	out[0] = '\0';
	if (cp_hmac_sha256(sid, strlen(sid), label, sizeof(label) - 1, mac))
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	cp_hex(mac, SECRET_BYTES, out);
	return 0;
}

int cp_session_create(struct cp_store *s, int64_t viewer_id, int64_t now,
		      char sid[CP_ACCESS_SECRET_SIZE], struct cp_session *out,
		      struct cp_error *err)
{
	uint8_t hash[CP_SHA256_LEN];
	struct cp_session tmp;
	int rc;

	if (out == NULL)
		out = &tmp;
	memset(out, 0, sizeof(*out));
	rc = new_secret(sid, err);
	rc = rc ? rc : hash_text(sid, hash, err);
	rc = rc ? rc : cp_store_session_add(s, hash, viewer_id, now, err);
	rc = rc ? rc : csrf_of(sid, out->csrf, err);
	if (rc) {
		cp_wipe(sid, CP_ACCESS_SECRET_SIZE);
		sid[0] = '\0';
		return rc;
	}
	out->viewer_id = viewer_id;
	out->created = now;
	out->last_seen = now;
	return 0;
}

int cp_session_check(struct cp_store *s, const char *sid, int64_t now,
		     struct cp_session *out, bool *valid, struct cp_error *err)
{
	uint8_t hash[CP_SHA256_LEN];
	int64_t idle = 0, max = 0;
	struct cp_session tmp;
	int rc;

	*valid = false;
	if (out == NULL)
		out = &tmp;
	memset(out, 0, sizeof(*out));
	if (sid == NULL || sid[0] == '\0')
		return 0;
	rc = hash_text(sid, hash, err);
	rc = rc ? rc
		: cp_access_config_seconds(s, CP_ACCESS_KEY_IDLE, &idle, err);
	rc =
	    rc ? rc : cp_access_config_seconds(s, CP_ACCESS_KEY_MAX, &max, err);
	rc = rc ? rc
		: cp_store_session_get(s, hash, &out->viewer_id, &out->created,
				       &out->last_seen, err);
	if (rc == CP_ENOTFOUND) {
		memset(out, 0, sizeof(*out));
		cp_error_clear(err);
		return 0;
	}
	if (rc)
		return rc;
	if (now - out->last_seen >= idle || now - out->created >= max ||
	    now < out->created) {
		memset(out, 0, sizeof(*out));
		return cp_store_session_delete(s, hash, err);
	}
	rc = cp_store_session_touch(s, hash, now, err);
	rc = rc ? rc : csrf_of(sid, out->csrf, err);
	if (rc == 0) {
		out->last_seen = now;
		*valid = true;
	}
	return rc;
}

int cp_session_rotate(struct cp_store *s, const char *old_sid,
		      int64_t viewer_id, int64_t now,
		      char sid[CP_ACCESS_SECRET_SIZE], struct cp_session *out,
		      struct cp_error *err)
{
	int rc = 0;

	if (old_sid && old_sid[0])
		rc = cp_session_end(s, old_sid, err);
	return rc ? rc : cp_session_create(s, viewer_id, now, sid, out, err);
}

int cp_session_end(struct cp_store *s, const char *sid, struct cp_error *err)
{
	uint8_t hash[CP_SHA256_LEN];
	int rc = hash_text(sid, hash, err);

	return rc ? rc : cp_store_session_delete(s, hash, err);
}

bool cp_csrf_ok(const struct cp_session *session, const char *token)
{
	size_t n;

	if (session == NULL || token == NULL || session->csrf[0] == '\0')
		return false;
	n = strlen(session->csrf);
	/* The length is no secret (always 48); the content is compared in
	 * constant time. */
	if (strlen(token) != n)
		return false;
	return cp_ct_equal(session->csrf, token, n);
}
