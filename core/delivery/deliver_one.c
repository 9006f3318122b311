/*
 * deliver_one.c - one message to one person outside a wave: the portal's
 * e-mailed sign-in link. It goes by the installation's mail settings
 * (mail.from, smtp.*), or to outbox.dir when no SMTP server is set, as
 * invitations would; one attempt, since the person asks again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "deliver.h"
#include "deliver_int.h"
#include "i18n.h"
#include "mail.h"
#include "store.h"

#define ONE_MAX (256u * 1024u)

/* "email" when smtp.url is set, else "outbox" when outbox.dir is. */
static int pick_channel(struct cp_store *st, char *out, size_t n,
			struct cp_error *err)
{
	char *v = NULL;
	int rc = cp_config_get(st, "smtp.url", &v, NULL, err);

	if (rc)
		return rc;
	if (v) {
		free(v);
		cp_strlcpy(out, "email", n);
		return 0;
	}
	rc = cp_config_get(st, "outbox.dir", &v, NULL, err);
	if (rc)
		return rc;
	if (v == NULL)
		return cp_error_set(
		    err, CP_EUSAGE,
		    N_("neither smtp.url nor outbox.dir is set: "
		       "no way to send mail"));
	free(v);
	cp_strlcpy(out, "outbox", n);
	return 0;
}

int cp_deliver_message(struct cp_store *st, const struct cp_one_message *msg,
		       struct cp_error *err)
{
	char channel[16], *from = NULL, addr[320], hex[33], id[400], file[128];
	uint8_t rnd[16];
	const char *at;
	struct cp_channel ch;
	struct cp_outgoing out = {0};
	struct cp_attempt a;
	struct cp_mail m = {0};
	struct cp_buf mime;
	long timeout = 30;
	int rc;

	rc = pick_channel(st, channel, sizeof(channel), err);
	rc = rc ? rc : cp_config_get(st, "mail.from", &from, NULL, err);
	if (rc)
		return rc;
	if (from == NULL)
		from = cp_strdup("carepulse <carepulse@carepulse.invalid>");
	if (from == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	rc = cp_mail_address(from, addr, sizeof(addr), err);
	rc = rc ? rc : cp_random_bytes(rnd, sizeof(rnd), err);
	if (rc) {
		free(from);
		return rc;
	}
	cp_hex(rnd, sizeof(rnd), hex);
	at = strrchr(addr, '@');
	snprintf(id, sizeof(id), "<%s@%s>", hex, at ? at + 1 : "localhost");
	snprintf(file, sizeof(file), "%s-%s.eml", msg->kind, hex);
	m.from = from;
	m.to_name = msg->to_name;
	m.to_addr = msg->to_addr;
	m.subject = msg->subject;
	m.text = msg->text;
	m.html = msg->html;
	m.language = msg->language;
	m.message_id = id;
	m.date = cp_store_now();
	cp_buf_init(&mime, ONE_MAX);
	rc = cp_mail_build(&mime, &m, err);
	free(from);
	if (rc == 0)
		rc = cp_config_get_int(st, "send.timeout", &timeout, err);
	if (rc == 0)
		rc = strcmp(channel, "email") == 0
			 ? cp_smtp_open(&ch, st, timeout, err)
			 : cp_outbox_open(&ch, st, 0, err);
	if (rc) {
		cp_buf_release(&mime);
		return rc;
	}
	out.to_addr = msg->to_addr;
	out.mime = cp_buf_str(&mime);
	out.mime_len = mime.len;
	out.id = hex;
	out.file = file;
	ch.send(ch.self, &out, &a);
	ch.close(ch.self);
	if (mime.data) /* it may hold a sign-in link */
		cp_wipe(mime.data, mime.len);
	cp_buf_release(&mime);
	if (a.outcome != CP_OUT_SENT)
		return cp_error_set(err, CP_EUNAVAIL, "%s: %s", channel,
				    a.reason);
	return 0;
}
