/*
 * mail.c - templates and MIME messages.
 */
#include "mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "text.h"

#define TEMPLATE_MAX   (256u * 1024u)
#define HTML_SEPARATOR "--- html ---"

/*
 * The built-in texts. Each states the anonymity promise as it really
 * holds: answers are stored without who gave them, groups smaller than
 * the threshold are never shown; the only thing recorded about a person
 * is whether their link was used, so reminders skip them. They are
 * translated (po/) as whole messages, in the thread's language when the
 * template is loaded.
 *
 * TRANSLATORS: the built-in e-mails. Keep the first line "Subject: ..."
 * and the blank line after it, and every {placeholder} as it is: {name},
 * {team}, {link}, {closes} (a date and time), {threshold} (a number),
 * {length}
 * ("about 2 minutes", already translated) and {contact} (a name). */

static const char *const builtin[] = {
    [CP_TEMPLATE_INVITATION] = N_(
	"Subject: {team}: how are we doing? ({length})\n"
	"\n"
	"Hello {name},\n"
	"\n"
	"Your team, {team}, is taking a short survey on how we work together "
	"and look after each other. It takes {length}.\n"
	"\n"
	"Your personal link (please do not forward it):\n"
	"{link}\n"
	"\n"
	"The survey is open until {closes}.\n"
	"\n"
	"Your answers are anonymous. They are stored without your name, your "
	"address or this link, and results are only ever shown for groups of "
	"at least {threshold} people, never for one person. Nobody, including "
	"your team leader and HR, can see what you answered. The link only "
	"records that it has been used, so that reminders go to those who have "
	"not answered yet.\n"
	"\n"
	"Questions about this survey? Ask {contact}.\n"
	"\n"
	"Thank you for taking part.\n"),
    [CP_TEMPLATE_REMINDER] = N_(
	"Subject: Reminder: the {team} survey is open until {closes}\n"
	"\n"
	"Hello {name},\n"
	"\n"
	"A gentle reminder: the {team} survey is still open, and it takes "
	"{length}. Every voice helps the team see how it is doing.\n"
	"\n"
	"Your personal link (the same as before):\n"
	"{link}\n"
	"\n"
	"Your answers are anonymous: they are stored without your name, your "
	"address or this link, and results are only shown for groups of at "
	"least {threshold} people. If you would rather not take part, that is "
	"fine; you will get at most a couple of reminders, and your e-mail "
	"program's unsubscribe button stops them for this survey.\n"
	"\n"
	"Questions about this survey? Ask {contact}.\n"),
    [CP_TEMPLATE_SELF] =
	N_("Subject: {team}: your own view, next to your team's\n"
	   "\n"
	   "Hello {name},\n"
	   "\n"
	   "Alongside your team's survey, you are invited to answer the same "
	   "questions about your own leadership. Your self-assessment is shown "
	   "as \"self\" next to the team's view, never mixed into it. It takes "
	   "{length}.\n"
	   "\n"
	   "Your personal link:\n"
	   "{link}\n"
	   "\n"
	   "It is open until {closes}.\n"
	   "\n"
	   "Questions about this survey? Ask {contact}.\n"),
};

static const char *const placeholders[] = {"name",   "team",   "link",
					   "closes", "survey", "threshold",
					   "length", "contact"};

void cp_template_free(struct cp_template *t)
{
	if (t == NULL)
		return;
	free(t->subject);
	free(t->text);
	free(t->html);
	free(t);
}

/* Index of the placeholder at s ("{name}..."), its length in *len; -1. */
static int placeholder_at(const char *s, size_t *len)
{
	for (size_t i = 0; i < sizeof(placeholders) / sizeof(*placeholders);
	     i++) {
		size_t n = strlen(placeholders[i]);
		if (strncmp(s + 1, placeholders[i], n) == 0 &&
		    s[n + 1] == '}') {
			*len = n + 2;
			return (int)i;
		}
	}
	return -1;
}

/* Finds a {word} that is not a placeholder; its line in *line. */
static int check_placeholders(const char *s, const char *file, int first_line,
			      struct cp_error *err)
{
	int line = first_line;
	size_t len;

	for (const char *p = s; *p; p++) {
		if (*p == '\n')
			line++;
		if (*p != '{' || placeholder_at(p, &len) >= 0)
			continue;
		size_t w = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz_");
		if (w > 0 && p[w + 1] == '}')
			return cp_error_set_at(
			    err, CP_EDATA, file, line, 0,
			    N_("unknown placeholder '{%.*s}': use {name}, "
			       "{team}, {link}, {closes}, {survey}, "
			       "{threshold}, "
			       "{length} or {contact}"),
			    (int)w, p + 1);
	}
	return 0;
}

static char *dup_range(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int parse_template(struct cp_template *t, const char *file,
			  const char *s, struct cp_error *err)
{
	const char *nl, *body, *sep;
	int line = 3;
	int rc;

	if (strncmp(s, "Subject:", 8) != 0 || (nl = strchr(s, '\n')) == NULL)
		return cp_error_set_at(err, CP_EDATA, file, 1, 0,
				       N_("a template starts with a line "
					  "'Subject: ...' and a blank line"));
	body = nl + 1;
	if (*body == '\r')
		body++;
	if (*body != '\n')
		return cp_error_set_at(err, CP_EDATA, file, 2, 0,
				       N_("expected a blank line after the "
					  "subject"));
	body++;
	s += 8;
	while (*s == ' ')
		s++;
	t->subject = dup_range(s, (size_t)(nl - s));
	sep = strstr(body, "\n" HTML_SEPARATOR);
	if (sep) {
		const char *html = strchr(sep + 1, '\n');
		t->text = dup_range(body, (size_t)(sep - body) + 1);
		t->html = cp_strdup(html ? html + 1 : "");
		if (t->html == NULL)
			return cp_error_set(err, CP_ENOMEM,
					    N_("out of memory"));
	} else {
		t->text = cp_strdup(body);
	}
	if (t->subject == NULL || t->text == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	if (!cp_utf8_valid(t->subject, strlen(t->subject)) ||
	    !cp_utf8_valid(t->text, strlen(t->text)) ||
	    (t->html && !cp_utf8_valid(t->html, strlen(t->html))))
		return cp_error_set_at(err, CP_EDATA, file, 0, 0,
				       N_("a template must be UTF-8 text"));
	if ((rc = check_placeholders(t->subject, file, 1, err)) ||
	    (rc = check_placeholders(t->text, file, line, err)))
		return rc;
	if (t->html) {
		for (const char *p = body; p <= sep; p++)
			line += *p == '\n';
		if ((rc = check_placeholders(t->html, file, line + 1, err)))
			return rc;
	}
	return 0;
}

int cp_template_load(struct cp_template **out, enum cp_template_kind kind,
		     const char *path, struct cp_error *err)
{
	struct cp_template *t;
	struct cp_buf b;
	int rc;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	cp_buf_init(&b, TEMPLATE_MAX);
	if (path) {
		rc = cp_buf_read_file(&b, path, err);
		if (rc == 0)
			rc = parse_template(t, path, cp_buf_str(&b), err);
	} else {
		rc = parse_template(t, "built-in template", _(builtin[kind]),
				    err);
	}
	cp_buf_release(&b);
	if (rc) {
		cp_template_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

static const char *value_of(const struct cp_mail_vars *v, int i)
{
	const char *values[] = {v->name,   v->team,	 v->link,   v->closes,
				v->survey, v->threshold, v->length, v->contact};
	return values[i] ? values[i] : "";
}

/*
 * The link in HTML made from the text: a clear button, then the same
 * address written out small for a mail program that shows no button. A
 * table cell with a background is what mail programs draw as a button.
 */
static int link_button(struct cp_buf *b, const char *link, struct cp_error *err)
{
	int rc;

	/* The line break before the link ends its paragraph instead. */
	if (b->len >= 4 && memcmp(b->data + b->len - 4, "<br>", 4) == 0) {
		b->len -= 4;
		b->data[b->len] = '\0';
	}
	rc = cp_buf_adds(b,
			 "</p><table role=\"presentation\" cellspacing=\"0\" "
			 "cellpadding=\"0\" style=\"margin:0.5em 0\"><tr><td "
			 "style=\"border-radius:6px;background:#2d6a4f\">"
			 "<a href=\"",
			 err);

	rc = rc ? rc : cp_html_escape(b, link, err);
	rc = rc ? rc
		: cp_buf_adds(b,
			      "\" style=\"display:inline-block;padding:12px "
			      "24px;color:#fff;font-weight:bold;"
			      "text-decoration:none;border-radius:6px\">",
			      err);
	rc = rc ? rc : cp_html_escape(b, _("Open the survey"), err);
	rc = rc ? rc
		: cp_buf_adds(b,
			      "</a></td></tr></table>"
			      "<p style=\"font-size:0.85em;color:#4a4a4a\">",
			      err);
	rc = rc ? rc
		: cp_html_escape(b,
				 _("If the button does not work, copy this "
				   "address into your browser:"),
				 err);
	rc = rc ? rc : cp_buf_adds(b, " <a href=\"", err);
	rc = rc ? rc : cp_html_escape(b, link, err);
	rc = rc ? rc : cp_buf_adds(b, "\">", err);
	rc = rc ? rc : cp_html_escape(b, link, err);
	return rc ? rc : cp_buf_adds(b, "</a>", err);
}

int cp_mail_html_open(struct cp_buf *b, const char *lang, const char *dir,
		      struct cp_error *err)
{
	int rc = cp_buf_adds(b, "<!DOCTYPE html><html lang=\"", err);

	rc = rc ? rc : cp_html_escape(b, lang ? lang : "en", err);
	rc = rc ? rc : cp_buf_adds(b, "\" dir=\"", err);
	rc = rc ? rc : cp_html_escape(b, dir ? dir : "ltr", err);
	return rc ? rc
		  : cp_buf_adds(b,
				"\"><body style=\"font-family:sans-serif;"
				"line-height:1.5\">",
				err);
}

enum fill_mode {
	FILL_PLAIN,
	FILL_HTML,	/* the template is HTML: escape the values */
	FILL_FROM_TEXT, /* the template is text: escape all, paragraphs */
};

static int fill(struct cp_buf *b, const char *s, const struct cp_mail_vars *v,
		enum fill_mode mode, struct cp_error *err)
{
	int rc = 0;
	size_t len;

	if (mode == FILL_FROM_TEXT) {
		rc = cp_mail_html_open(b, v->lang, v->dir, err);
		rc = rc ? rc : cp_buf_adds(b, "<p>", err);
	}
	while (*s && rc == 0) {
		int k = *s == '{' ? placeholder_at(s, &len) : -1;
		if (k >= 0) {
			const char *val = value_of(v, k);
			if (mode == FILL_PLAIN)
				rc = cp_buf_adds(b, val, err);
			else if (mode == FILL_FROM_TEXT && k == 2)
				rc = link_button(b, val, err);
			else
				rc = cp_html_escape(b, val, err);
			s += len;
			continue;
		}
		if (mode == FILL_FROM_TEXT && *s == '\n') {
			if (s[1] == '\n') {
				s += 2;
				while (*s == '\n')
					s++;
				rc = cp_buf_adds(b, *s ? "</p><p>" : "", err);
			} else {
				rc = cp_buf_adds(b, s[1] ? "<br>" : "", err);
				s++;
			}
			continue;
		}
		if (mode == FILL_FROM_TEXT) {
			char one[2] = {*s, '\0'};
			rc = cp_html_escape(b, one, err);
		} else {
			rc = cp_buf_addc(b, *s, err);
		}
		s++;
	}
	if (mode == FILL_FROM_TEXT && rc == 0)
		rc = cp_buf_adds(b, "</p>" CP_MAIL_HTML_CLOSE, err);
	return rc;
}

int cp_template_render(const struct cp_template *t,
		       const struct cp_mail_vars *v, struct cp_buf *subject,
		       struct cp_buf *text, struct cp_buf *html,
		       struct cp_error *err)
{
	int rc = fill(subject, t->subject, v, FILL_PLAIN, err);

	rc = rc ? rc : fill(text, t->text, v, FILL_PLAIN, err);
	if (rc == 0 && t->html)
		rc = fill(html, t->html, v, FILL_HTML, err);
	else if (rc == 0)
		rc = fill(html, t->text, v, FILL_FROM_TEXT, err);
	return rc;
}

int cp_mail_address(const char *from, char *out, size_t n, struct cp_error *err)
{
	const char *lt = strrchr(from, '<'), *gt;
	size_t len;

	if (lt) {
		gt = strchr(lt, '>');
		if (gt == NULL)
			goto bad;
		len = (size_t)(gt - lt - 1);
		from = lt + 1;
	} else {
		len = strlen(from);
	}
	if (len == 0 || len >= n)
		goto bad;
	memcpy(out, from, len);
	out[len] = '\0';
	cp_trim(out);
	if (cp_email_valid(out))
		return 0;
	return cp_error_set(err, CP_EDATA,
			    N_("mail.from '%s' is not a valid address: %s"),
			    out, cp_email_problem(out));
bad:
	return cp_error_set(
	    err, CP_EDATA,
	    N_("mail.from '%s' is not an address: expected "
	       "'Team Pulse <pulse@example.org>' or an address"),
	    from);
}

int cp_mail_message_id(const uint8_t key[CP_KEY_LEN], int64_t wave,
		       int64_t member, int self, int reminder,
		       const char *domain, char hex[33], char *out, size_t n)
{
	uint8_t mac[CP_SHA256_LEN];
	char msg[128], host[256];
	size_t h = 0;
	int len;

	len = snprintf(msg, sizeof(msg), "carepulse-message-v1:%lld:%lld:%s:%d",
		       (long long)wave, (long long)member,
		       self ? "self" : "team", reminder);
	if (cp_hmac_sha256(key, CP_KEY_LEN, msg, (size_t)len, mac))
		return CP_ENOMEM;
	cp_hex(mac, 16, hex);
	/* Only the characters a domain may have reach the header. */
	for (; domain && *domain && h + 1 < sizeof(host); domain++)
		if ((*domain >= 'a' && *domain <= 'z') ||
		    (*domain >= 'A' && *domain <= 'Z') ||
		    (*domain >= '0' && *domain <= '9') || *domain == '.' ||
		    *domain == '-')
			host[h++] = *domain;
	host[h] = '\0';
	snprintf(out, n, "<%s.%lld@%s>", hex, (long long)wave,
		 h ? host : "carepulse.invalid");
	return 0;
}

const char *cp_mail_date(int64_t t, char *out, size_t n)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
					   "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
					     "May", "Jun", "Jul", "Aug",
					     "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	/* Written out: strftime's %a and %b follow the locale. */
	snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d +0000",
		 days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return out;
}

int cp_mail_qp(struct cp_buf *b, const char *s, struct cp_error *err)
{
	static const char hexd[] = "0123456789ABCDEF";
	/* Encoded text gathers here and goes to b a few lines at a time,
	 * not a character at a time. */
	char out[512];
	size_t col = 0, o = 0;
	int rc = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && rc == 0;
	     p++) {
		unsigned char c = *p;
		char tok[4];
		size_t n;

		/* Room for the longest step: "=\r\n", a token, "\r\n". */
		if (o > sizeof(out) - 8) {
			rc = cp_buf_add(b, out, o, err);
			o = 0;
		}
		if (c == '\r')
			continue;
		if (c == '\n') {
			memcpy(out + o, "\r\n", 2);
			o += 2;
			col = 0;
			continue;
		}
		int last = p[1] == '\0' || p[1] == '\n' || p[1] == '\r';
		if (c == '=' || (c < 32 && c != '\t') || c > 126 ||
		    ((c == ' ' || c == '\t') && last) ||
		    (c == '.' && col == 0)) {
			tok[0] = '=';
			tok[1] = hexd[c >> 4];
			tok[2] = hexd[c & 15];
			n = 3;
		} else {
			tok[0] = (char)c;
			n = 1;
		}
		/* A soft break keeps each line within 76 characters. */
		if (col + n > 75) {
			memcpy(out + o, "=\r\n", 3);
			o += 3;
			col = 0;
			/* The break may bring a '.' to the start of a line. */
			if (c == '.' && n == 1) {
				memcpy(tok, "=2E", 3);
				n = 3;
			}
		}
		memcpy(out + o, tok, n);
		o += n;
		col += n;
	}
	if (rc == 0 && col > 0) {
		memcpy(out + o, "\r\n", 2);
		o += 2;
	}
	if (rc == 0 && o > 0)
		rc = cp_buf_add(b, out, o, err);
	return rc;
}

/* Length of the longest prefix of s[0..n) of at most max bytes that ends
 * on a UTF-8 character boundary. */
static size_t utf8_prefix(const char *s, size_t n, size_t max)
{
	size_t k;

	if (n <= max)
		return n;
	k = max;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k ? k : max;
}

/* s with control characters (CR and LF above all) replaced by spaces. */
static char *header_safe(const char *s)
{
	char *d = cp_strdup(s ? s : "");

	for (char *p = d; p && *p; p++)
		if ((unsigned char)*p < 32 || *p == 127)
			*p = ' ';
	return d;
}

int cp_mail_header_text(struct cp_buf *b, const char *s, size_t col,
			struct cp_error *err)
{
	char *safe = header_safe(s), enc[64];
	size_t n, k, room;
	int ascii = 1, rc = 0;

	if (safe == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	n = strlen(safe);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)safe[i] > 126)
			ascii = 0;
	/* "=?" would start an encoded word: encode such text too. */
	if (ascii && strstr(safe, "=?") == NULL && col + n <= 78) {
		rc = cp_buf_adds(b, safe, err);
		free(safe);
		return rc;
	}
	/*
	 * Words of at most 45 bytes (72 characters, the limit is 75), fewer
	 * on the first line so that it stays within 78. A short name is one
	 * word: some readers put a space between adjacent words of a name.
	 */
	for (size_t i = 0; i < n && rc == 0; i += k) {
		room = i == 0 && col < 60 ? (78 - col - 12) / 4 * 3 : 45;
		if (room > 45)
			room = 45;
		k = utf8_prefix(safe + i, n - i, room);
		cp_base64(safe + i, k, enc);
		if (i > 0)
			rc = cp_buf_adds(b, "\r\n ", err);
		rc = rc ? rc : cp_buf_printf(b, err, "=?UTF-8?B?%s?=", enc);
	}
	free(safe);
	return rc;
}

/* The column the last line of b has reached. */
static size_t line_col(const struct cp_buf *b)
{
	const char *line = b->data ? b->data : "", *p;

	while ((p = strstr(line, "\r\n")) != NULL)
		line = p + 2;
	return strlen(line);
}

/* Appends "name <addr>" with the name quoted or encoded as needed. */
static int add_mailbox(struct cp_buf *b, const char *name, const char *addr,
		       struct cp_error *err)
{
	char *safe_name = header_safe(name), *safe_addr = header_safe(addr);
	int rc = 0, ascii = 1;

	if (safe_name == NULL || safe_addr == NULL) {
		rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		goto done;
	}
	for (const char *p = safe_name; *p; p++)
		if ((unsigned char)*p > 126)
			ascii = 0;
	if (*safe_name == '\0') {
		rc = cp_buf_adds(b, safe_addr, err);
		goto done;
	}
	if (ascii && strlen(safe_name) < 60) {
		rc = cp_buf_addc(b, '"', err);
		for (const char *p = safe_name; *p && rc == 0; p++) {
			if (*p == '"' || *p == '\\')
				rc = cp_buf_addc(b, '\\', err);
			rc = rc ? rc : cp_buf_addc(b, *p, err);
		}
		rc = rc ? rc : cp_buf_addc(b, '"', err);
	} else {
		rc = cp_mail_header_text(b, safe_name, line_col(b) + 99, err);
	}
	/* Fold before the address when the line would grow too long. */
	if (rc == 0) {
		size_t col = line_col(b);
		rc = cp_buf_printf(b, err, "%s<%s>",
				   col + strlen(safe_addr) + 3 > 78 ? "\r\n "
								    : " ",
				   safe_addr);
	}
done:
	free(safe_name);
	free(safe_addr);
	return rc;
}

/* Appends s (text with LF line ends) as base64 of its CRLF form, in
 * lines of 76. */
static int add_base64(struct cp_buf *b, const char *s, struct cp_error *err)
{
	char in[57 + 1], enc[80];
	size_t n = 0;
	int rc = 0;

	for (const char *p = s;; p++) {
		/* One LF becomes CR LF: the pending CR is written first. */
		if (*p && *p != '\r') {
			if (*p == '\n')
				in[n++] = '\r';
			in[n++] = *p;
		}
		if (n >= 57 || (*p == '\0' && n > 0)) {
			size_t full = n > 57 ? 57 : n;
			size_t k = cp_base64(in, full, enc);
			memcpy(enc + k, "\r\n", 2);
			rc = cp_buf_add(b, enc, k + 2, err);
			memmove(in, in + full, n - full);
			n -= full;
		}
		if (*p == '\0' || rc)
			break;
	}
	if (rc == 0 && n > 0) {
		size_t k = cp_base64(in, n, enc);
		memcpy(enc + k, "\r\n", 2);
		rc = cp_buf_add(b, enc, k + 2, err);
	}
	return rc;
}

/*
 * Appends one text part of a multipart body: its delimiter, headers and
 * s encoded. Quoted-printable, unless base64 is shorter (a script that
 * is not Latin: QP writes each of its bytes as three); the encoded body
 * always ends in CRLF, which is the next delimiter's.
 */
static int add_part(struct cp_buf *out, const char *boundary,
		    const char *subtype, const char *s, struct cp_error *err)
{
	size_t start, qp_len, raw = 0, base64_len;
	int rc;

	rc = cp_buf_printf(out, err,
			   "--%s\r\n"
			   "Content-Type: text/%s; charset=utf-8\r\n"
			   "Content-Transfer-Encoding: quoted-printable\r\n"
			   "\r\n",
			   boundary, subtype);
	start = out->len;
	rc = rc ? rc : cp_mail_qp(out, s, err);
	if (rc)
		return rc;
	qp_len = out->len - start;
	for (const char *p = s; *p; p++)
		raw += *p == '\n' ? 2 : *p != '\r';
	base64_len = (raw + 2) / 3 * 4;
	base64_len += (base64_len + 75) / 76 * 2;
	if (base64_len >= qp_len)
		return 0;
	/* "quoted-printable\r\n\r\n" becomes "base64\r\n\r\n". */
	out->len = start - 20;
	out->data[out->len] = '\0';
	rc = cp_buf_adds(out, "base64\r\n\r\n", err);
	return rc ? rc : add_base64(out, s, err);
}

int cp_mail_build(struct cp_buf *out, const struct cp_mail *m,
		  struct cp_error *err)
{
	char date[40], addr[256], boundary[64];
	const char *lt, *id = m->message_id;
	char *from_name = NULL;
	/* Only a checked tag reaches the header. */
	const char *language =
	    m->language && cp_lang_check(m->language, NULL) == 0 ? m->language
								 : "en";
	int rc;

	rc = cp_mail_address(m->from, addr, sizeof(addr), err);
	if (rc)
		return rc;
	lt = strrchr(m->from, '<');
	if (lt) {
		size_t n = (size_t)(lt - m->from);
		from_name = malloc(n + 1);
		if (from_name == NULL)
			return cp_error_set(err, CP_ENOMEM,
					    N_("out of memory"));
		memcpy(from_name, m->from, n);
		from_name[n] = '\0';
		cp_trim(from_name);
		/* A quoted display name in the setting loses its quotes. */
		size_t fl = strlen(from_name);
		if (fl >= 2 && from_name[0] == '"' &&
		    from_name[fl - 1] == '"') {
			memmove(from_name, from_name + 1, fl - 2);
			from_name[fl - 2] = '\0';
		}
	}
	/* Half the id's unique hex part makes a boundary no encoded line
	 * can hold (quoted-printable never writes "=_", base64 has neither
	 * '_' nor "--"), short enough for Content-Type to fit one line. */
	snprintf(boundary, sizeof(boundary), "=_cp_%.16s",
		 id[0] == '<' ? id + 1 : id);
	rc = cp_buf_adds(out, "From: ", err);
	rc = rc ? rc : add_mailbox(out, from_name ? from_name : "", addr, err);
	rc = rc ? rc : cp_buf_adds(out, "\r\nTo: ", err);
	rc = rc ? rc : add_mailbox(out, m->to_name, m->to_addr, err);
	rc = rc ? rc : cp_buf_adds(out, "\r\nSubject: ", err);
	rc = rc ? rc : cp_mail_header_text(out, m->subject, 9, err);
	/* Folded before the URL, which is the header's one long word. */
	if (rc == 0 && m->unsubscribe && *m->unsubscribe) {
		char *url = header_safe(m->unsubscribe);
		rc = url ? cp_buf_printf(out, err,
					 "\r\nList-Unsubscribe:\r\n <%s>\r\n"
					 "List-Unsubscribe-Post: "
					 "List-Unsubscribe=One-Click",
					 url)
			 : cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		free(url);
	}
	rc = rc ? rc
		: cp_buf_printf(out, err,
				"\r\nDate: %s\r\n"
				"Message-ID: %s\r\n"
				"MIME-Version: 1.0\r\n"
				"Auto-Submitted: auto-generated\r\n"
				"Content-Language: %s\r\n"
				"Content-Type: multipart/alternative; "
				"boundary=\"%s\"\r\n"
				"\r\n",
				cp_mail_date(m->date, date, sizeof(date)), id,
				language, boundary);
	rc = rc ? rc : add_part(out, boundary, "plain", m->text, err);
	rc = rc ? rc : add_part(out, boundary, "html", m->html, err);
	rc = rc ? rc : cp_buf_printf(out, err, "--%s--\r\n", boundary);
	free(from_name);
	return rc;
}
