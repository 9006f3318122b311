/*
 * mail.h - the messages carepulse sends: templates with placeholders, and
 * RFC 5322 / MIME mail (multipart/alternative, text then HTML, each
 * quoted-printable or, when shorter, base64; RFC 2047 encoded words, CRLF
 * line ends, lines well within the limits, CR and LF never reaching a
 * header).
 */
#ifndef CP_MAIL_H
#define CP_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"
#include "error.h"

/* The values a template may use, as {name} {team} {link} {closes}
 * {survey} {threshold} {length} {contact}. */
struct cp_mail_vars {
	const char *name;
	const char *team;
	const char *link;
	const char *closes;
	const char *survey;
	const char *threshold; /* the wave's reporting threshold */
	const char *length;    /* "about 2 minutes": from the survey */
	const char *contact;   /* whom to ask: "Name (addr)", or an address */
	/* Not placeholders: the language of the HTML made from the text
	 * (<html lang dir>); NULL: "en", "ltr". */
	const char *lang;
	const char *dir;
};

enum cp_template_kind {
	CP_TEMPLATE_INVITATION,
	CP_TEMPLATE_REMINDER,
	CP_TEMPLATE_SELF, /* a leader's self-assessment invitation */
};

struct cp_template {
	char *subject;
	char *text;
	char *html; /* NULL: made from the text */
};

/*
 * Loads the template of kind from path, or the built-in one when path is
 * NULL. The file is "Subject: ..." on its first line, a blank line, the
 * text body, and optionally a line "--- html ---" followed by the HTML
 * body. An unknown {placeholder} is CP_EDATA naming the file and line.
 * Free with cp_template_free.
 */
int cp_template_load(struct cp_template **out, enum cp_template_kind kind,
		     const char *path, struct cp_error *err);
void cp_template_free(struct cp_template *t);

/*
 * Fills in t: subject and text plain, html with every value HTML-escaped
 * (and {link} as a link when the HTML is made from the text). Appends to
 * the three buffers.
 */
int cp_template_render(const struct cp_template *t,
		       const struct cp_mail_vars *v, struct cp_buf *subject,
		       struct cp_buf *text, struct cp_buf *html,
		       struct cp_error *err);

/* Opens an HTML mail body: the doctype, <html lang dir> (NULL: "en",
 * "ltr") and <body>; CP_MAIL_HTML_CLOSE ends it. */
int cp_mail_html_open(struct cp_buf *b, const char *lang, const char *dir,
		      struct cp_error *err);
#define CP_MAIL_HTML_CLOSE "</body></html>\n"

/* One message to one person. */
struct cp_mail {
	const char *from; /* "Team Pulse <pulse@example.org>" or an address */
	const char *to_name;
	const char *to_addr;
	const char *subject;
	const char *text;
	const char *html;
	const char *message_id; /* "<...@...>" */
	int64_t date;
	/* RFC 8058 one-click "no more reminders": an https URL that takes
	 * a POST, sent as List-Unsubscribe with List-Unsubscribe-Post; NULL
	 * for none. */
	const char *unsubscribe;
	const char *language; /* Content-Language; NULL: "en" */
};

/* The bare address in "Name <addr>" or "addr", into out. CP_EDATA when it
 * is not a valid address. */
int cp_mail_address(const char *from, char *out, size_t n,
		    struct cp_error *err);

/*
 * The Message-ID of an invitation (reminder 0) or of its reminder number
 * reminder: stable across resends, different for each reminder, derived
 * by HMAC from the installation key so it reveals nothing. hex (33 bytes)
 * is its unique part, also used as the webhook id and the MIME boundary.
 * 0, or CP_ENOMEM when the HMAC cannot be made (out is then unset).
 */
int cp_mail_message_id(const uint8_t key[CP_KEY_LEN], int64_t wave,
		       int64_t member, int self, int reminder,
		       const char *domain, char hex[33], char *out, size_t n);

/* Appends the whole message with CRLF line ends to out. */
int cp_mail_build(struct cp_buf *out, const struct cp_mail *m,
		  struct cp_error *err);

/* RFC 5322 date "Mon, 23 Nov 2026 14:56:30 +0000" into out (n >= 32). */
const char *cp_mail_date(int64_t t, char *out, size_t n);

/* Appends s to b as quoted-printable with CRLF lines of at most 76. */
int cp_mail_qp(struct cp_buf *b, const char *s, struct cp_error *err);

/* Appends s to b as a header value: as is when printable ASCII, else as
 * RFC 2047 encoded words folded onto continuation lines. col is the
 * column b's current line has reached. */
int cp_mail_header_text(struct cp_buf *b, const char *s, size_t col,
			struct cp_error *err);

#endif
