/*
 * deliver_outbox.c - the outbox channel: each message as an .eml file in
 * outbox.dir, written to a temporary name, flushed and renamed, so the
 * folder never holds half a message. For dry runs, the demo, and users
 * who hand mail to their own MTA.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "deliver_int.h"
#include "i18n.h"

struct outbox {
	char dir[4096];
};

static void outbox_close(void *self)
{
	free(self);
}

static void outbox_send(void *self, const struct cp_outgoing *m,
			struct cp_attempt *a)
{
	struct outbox *o = self;
	char path[4352], tmp[4400];
	const char *p = m->mime;
	size_t left = m->mime_len;
	int fd, bad = 0;

	memset(a, 0, sizeof(*a));
	snprintf(path, sizeof(path), "%s/%s", o->dir, m->file);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", o->dir, m->file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		a->outcome = CP_OUT_UNAVAILABLE;
		snprintf(a->reason, sizeof(a->reason), "%s: %s", tmp,
			 strerror(errno));
		return;
	}
	while (left > 0 && !bad) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			bad = 1;
		else {
			p += w;
			left -= (size_t)w;
		}
	}
	if (fsync(fd) != 0)
		bad = 1;
	if (close(fd) != 0)
		bad = 1;
	if (bad || rename(tmp, path) != 0) {
		a->outcome = CP_OUT_UNAVAILABLE;
		snprintf(a->reason, sizeof(a->reason), "%s: %s", path,
			 strerror(errno));
		unlink(tmp);
		return;
	}
	a->outcome = CP_OUT_SENT;
}

/* What mkdir(dir) would say, without making it: the folder is there, or
 * its parent is a folder we may write in. */
static int outbox_check(const char *dir, struct cp_error *err)
{
	char parent[4096];
	struct stat sb;
	char *slash;

	if (stat(dir, &sb) == 0)
		return S_ISDIR(sb.st_mode)
			   ? 0
			   : cp_error_set_at(
				 err, CP_EIO, dir, 0, 0,
				 N_("cannot create the outbox folder: "
				    "%s"),
				 strerror(EEXIST));
	cp_strlcpy(parent, dir, sizeof(parent));
	slash = strrchr(parent, '/');
	if (slash == NULL)
		cp_strlcpy(parent, ".", sizeof(parent));
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	if (access(parent, W_OK | X_OK) != 0)
		return cp_error_set_at(
		    err, CP_EIO, dir, 0, 0,
		    N_("cannot create the outbox folder: %s"), strerror(errno));
	return 0;
}

int cp_outbox_open(struct cp_channel *ch, struct cp_store *st, int check_only,
		   struct cp_error *err)
{
	struct outbox *o;
	char *dir = NULL;
	int rc;

	rc = cp_config_get(st, "outbox.dir", &dir, NULL, err);
	if (rc)
		return rc;
	o = calloc(1, sizeof(*o));
	if (o == NULL) {
		free(dir);
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	}
	if (strlen(dir) >= sizeof(o->dir)) {
		rc = cp_error_set(err, CP_EUSAGE, N_("outbox.dir is too long"));
	} else if (check_only) {
		rc = outbox_check(dir, err);
	} else if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		rc = cp_error_set_at(err, CP_EIO, dir, 0, 0,
				     N_("cannot create the outbox folder: %s"),
				     strerror(errno));
	}
	if (rc == 0) {
		cp_strlcpy(o->dir, dir, sizeof(o->dir));
		ch->name = "outbox";
		ch->self = o;
		ch->send = outbox_send;
		ch->send_overlapped = NULL;
		ch->close = outbox_close;
	} else {
		free(o);
	}
	free(dir);
	return rc;
}
