/*
 * mail.c - fuzzes mail templates and MIME: a template file
 * (cp_template_load, as an operator writes one), filled in with values
 * from the roster and the wave (cp_template_render), built into a message
 * (cp_mail_build). The input is NUL-separated fields: the template, then
 * name, team, link, closes, survey, threshold, the recipient's address,
 * mail.from and the Message-ID's domain.
 *
 * Oracles, in simple structural checks: CRLF line ends and no bare CR or
 * LF; header lines of at most 998 bytes, printable ASCII, each either a
 * continuation or one of the headers the builder writes, each of those
 * exactly once (so no CR or LF from a name or a team ever starts a header
 * of its own); the recipient's address in To; a multipart/alternative
 * body with its boundary, two parts with their own headers, the closing
 * delimiter last; quoted-printable lines of at most 76 that decode to the
 * rendered text.
 */
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "mail.h"
#include "text.h"

enum {
	F_TEMPLATE,
	F_NAME,
	F_TEAM,
	F_LINK,
	F_CLOSES,
	F_SURVEY,
	F_THRESHOLD,
	F_TO,
	F_FROM,
	F_DOMAIN,
	NFIELDS
};

static const char *const headers[] = {
    "From",	      "To",	      "Subject",
    "Date",	      "Message-ID",   "MIME-Version",
    "Auto-Submitted", "Content-Type", "Content-Language"};
#define NHEADERS (sizeof(headers) / sizeof(headers[0]))

/* The template goes through a file, as an operator's does. */
static char template_path[64];

static void remove_template(void)
{
	unlink(template_path);
}

static int write_template(const char *text)
{
	size_t n = strlen(text);
	int fd;

	if (template_path[0] == '\0') {
		cp_strlcpy(template_path, "/tmp/cp-fuzz-mail.XXXXXX",
			   sizeof(template_path));
		fd = mkstemp(template_path);
		FUZZ_CHECK(fd >= 0, "cannot make %s", template_path);
		close(fd);
		atexit(remove_template);
	}
	FILE *f = fopen(template_path, "wb");
	if (f == NULL)
		return -1;
	if (fwrite(text, 1, n, f) != n) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static int hexv(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Decodes quoted-printable q[0..n) into out; checks its lines. */
static void qp_decode(const char *q, size_t n, struct cp_buf *out)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)q[i];

		if (c == '\r') {
			FUZZ_CHECK(i + 1 < n && q[i + 1] == '\n', "bare CR");
			FUZZ_CHECK(col <= 76, "a QP line of %zu", col);
			FUZZ_CHECK(col == 0 ||
				       (q[i - 1] != ' ' && q[i - 1] != '\t'),
				   "white space at the end of a QP line");
			cp_buf_add(out, "\r\n", 2, NULL);
			i++;
			col = 0;
			continue;
		}
		FUZZ_CHECK((c >= 32 && c <= 126) || c == '\t',
			   "byte %u in a QP body", c);
		if (c == '=') {
			FUZZ_CHECK(i + 2 < n, "QP ends in '='");
			if (q[i + 1] == '\r' && q[i + 2] == '\n') {
				FUZZ_CHECK(col + 1 <= 76, "a QP line of %zu",
					   col + 1);
				i += 2;
				col = 0;
				continue;
			}
			FUZZ_CHECK(hexv(q[i + 1]) >= 0 && hexv(q[i + 2]) >= 0,
				   "bad QP escape");
			cp_buf_addc(
			    out, (char)(hexv(q[i + 1]) * 16 + hexv(q[i + 2])),
			    NULL);
			i += 2;
			col += 3;
			continue;
		}
		FUZZ_CHECK(!(c == '.' && col == 0), "a line starts with '.'");
		cp_buf_addc(out, (char)c, NULL);
		col++;
	}
	FUZZ_CHECK(col == 0 || n == 0, "QP body without a final CRLF");
}

/* Decodes base64 b[0..n) (lines of at most 76, CRLF ends) into out. */
static void base64_decode(const char *b, size_t n, struct cp_buf *out)
{
	uint8_t bytes[80];
	char line[80];

	for (size_t i = 0; i < n;) {
		const char *eol = memchr(b + i, '\r', n - i);
		size_t k;
		long got;

		FUZZ_CHECK(eol != NULL && (size_t)(eol - b) + 1 < n &&
			       eol[1] == '\n',
			   "a base64 line without CRLF");
		k = (size_t)(eol - (b + i));
		FUZZ_CHECK(k > 0 && k <= 76 && k % 4 == 0,
			   "a base64 line of %zu", k);
		memcpy(line, b + i, k);
		line[k] = '\0';
		got = cp_base64_decode(line, bytes, sizeof(bytes));
		FUZZ_CHECK(got >= 0, "not base64: %s", line);
		cp_buf_add(out, bytes, (size_t)got, NULL);
		i += k + 2;
	}
}

/* What cp_mail_qp promises to carry: CR dropped, LF as CRLF, a final
 * line end. */
static void qp_expected(const char *text, struct cp_buf *out)
{
	size_t col = 0;

	for (const char *p = text; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n') {
			cp_buf_add(out, "\r\n", 2, NULL);
			col = 0;
		} else {
			cp_buf_addc(out, *p, NULL);
			col++;
		}
	}
	if (col > 0)
		cp_buf_add(out, "\r\n", 2, NULL);
}

/* Checks one part starting at p (after "--boundary\r\n"), ending at end
 * (the "\r\n--boundary" that follows it). */
static void check_part(const char *p, const char *end, const char *type,
		       const char *text)
{
	const char *body = strstr(p, "\r\n\r\n");
	struct cp_buf got, want;

	FUZZ_CHECK(body && body < end, "a part without headers");
	FUZZ_CHECK(strncmp(p, "Content-Type: ", 14) == 0 &&
		       strncmp(p + 14, type, strlen(type)) == 0,
		   "part is not %s", type);
	const char *cte = strstr(p, "Content-Transfer-Encoding: ");
	int base64 = cte && strncmp(cte + 27, "base64\r\n", 8) == 0;
	FUZZ_CHECK(
	    cte != NULL && cte < body &&
		(base64 || strncmp(cte + 27, "quoted-printable\r\n", 18) == 0),
	    "part without its encoding");
	body += 4;
	cp_buf_init(&got, CP_BUF_DEFAULT_MAX);
	cp_buf_init(&want, CP_BUF_DEFAULT_MAX);
	/* The body's last CRLF is also the delimiter's. */
	qp_expected(text, &want);
	if (base64) {
		base64_decode(body, (size_t)(end + 2 - body), &got);
		/* base64 adds no final line end. */
		size_t t = strlen(text);
		if (want.len >= 2 && (t == 0 || text[t - 1] != '\n')) {
			want.len -= 2;
			want.data[want.len] = '\0';
		}
		/* Chosen only when it is the shorter. */
		struct cp_buf q;
		cp_buf_init(&q, CP_BUF_DEFAULT_MAX);
		cp_mail_qp(&q, text, NULL);
		FUZZ_CHECK((size_t)(end + 2 - body) < q.len,
			   "base64 where quoted-printable is shorter");
		cp_buf_release(&q);
	} else {
		qp_decode(body, (size_t)(end + 2 - body), &got);
	}
	FUZZ_CHECK(got.len == want.len &&
		       memcmp(cp_buf_str(&got), cp_buf_str(&want), got.len) ==
			   0,
		   "%s part decodes to other text", type);
	cp_buf_release(&got);
	cp_buf_release(&want);
}

static void check_message(const char *m, size_t len, const char *to,
			  const char *text, const char *html)
{
	int seen[NHEADERS] = {0};
	const char *p = m, *hend, *ct, *q;
	char boundary[80], delim[90];
	size_t n;

	FUZZ_CHECK(strlen(m) == len, "a NUL byte in the message");
	for (size_t i = 0; i < len; i++) {
		if (m[i] == '\r')
			FUZZ_CHECK(m[i + 1] == '\n', "bare CR at %zu", i);
		if (m[i] == '\n')
			FUZZ_CHECK(i > 0 && m[i - 1] == '\r', "bare LF at %zu",
				   i);
	}
	hend = strstr(m, "\r\n\r\n");
	FUZZ_CHECK(hend != NULL, "no end of the header");
	/* The header: known names once each, or continuation lines. */
	while (p < hend + 2) {
		const char *eol = strstr(p, "\r\n");
		size_t k;

		FUZZ_CHECK((size_t)(eol - p) <= 998,
			   "a header line of %zu bytes", (size_t)(eol - p));
		for (q = p; q < eol; q++)
			FUZZ_CHECK((*q >= 32 && *q <= 126) || *q == '\t',
				   "byte %u in the header",
				   (unsigned)(unsigned char)*q);
		if (*p != ' ' && *p != '\t') {
			for (k = 0; k < NHEADERS; k++) {
				n = strlen(headers[k]);
				if (strncmp(p, headers[k], n) == 0 &&
				    p[n] == ':')
					break;
			}
			FUZZ_CHECK(k < NHEADERS, "unexpected header '%.*s'",
				   (int)(eol - p), p);
			FUZZ_CHECK(seen[k]++ == 0, "header %s twice",
				   headers[k]);
		} else {
			FUZZ_CHECK(p != m, "the header starts folded");
		}
		p = eol + 2;
	}
	for (size_t k = 0; k < NHEADERS; k++)
		FUZZ_CHECK(seen[k] == 1, "header %s missing", headers[k]);
	/* The recipient, whole, in To: bare, or in angle brackets. */
	q = strstr(m, "\r\nTo: ");
	FUZZ_CHECK(q != NULL, "no To");
	q += 6;
	n = strlen(to);
	if (!(strncmp(q, to, n) == 0 && strncmp(q + n, "\r\n", 2) == 0)) {
		const char *end = strstr(q, "\r\nSubject:");
		const char *a;

		for (a = strchr(q, '<'); a && a < end; a = strchr(a + 1, '<'))
			if (strncmp(a + 1, to, n) == 0 && a[n + 1] == '>')
				break;
		FUZZ_CHECK(a != NULL && a < end, "recipient '%s' not in To",
			   to);
	}
	/* The MIME structure. */
	ct = strstr(m, "\r\nContent-Type: multipart/alternative; "
		       "boundary=\"");
	FUZZ_CHECK(ct != NULL && ct < hend, "not multipart/alternative");
	ct += strlen("\r\nContent-Type: multipart/alternative; "
		     "boundary=\"");
	n = strcspn(ct, "\"");
	FUZZ_CHECK(n > 0 && n < 71, "boundary of %zu characters", n);
	memcpy(boundary, ct, n);
	boundary[n] = '\0';
	snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	const char *p1 = strstr(hend + 2, delim);
	FUZZ_CHECK(p1 != NULL, "no first part");
	p1 += strlen(delim);
	FUZZ_CHECK(strncmp(p1, "\r\n", 2) == 0, "text after the delimiter");
	const char *p2 = strstr(p1, delim);
	FUZZ_CHECK(p2 != NULL, "no second part");
	check_part(p1 + 2, p2, "text/plain", text);
	p2 += strlen(delim);
	FUZZ_CHECK(strncmp(p2, "\r\n", 2) == 0, "text after the delimiter");
	const char *p3 = strstr(p2, delim);
	FUZZ_CHECK(p3 != NULL, "no closing delimiter");
	check_part(p2 + 2, p3, "text/html", html);
	p3 += strlen(delim);
	FUZZ_CHECK(strcmp(p3, "--\r\n") == 0, "text after the closing one");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[CP_KEY_LEN] = {1, 2, 3};
	char **f = fuzz_fields(data, size, NFIELDS);
	struct cp_template *t = NULL;
	struct cp_buf subject, text, html, msg;
	struct cp_error err = {0};
	char hex[33], id[300], addr[256];

	if (f == NULL)
		return 0;
	cp_buf_init(&subject, CP_BUF_DEFAULT_MAX);
	cp_buf_init(&text, CP_BUF_DEFAULT_MAX);
	cp_buf_init(&html, CP_BUF_DEFAULT_MAX);
	cp_buf_init(&msg, CP_BUF_DEFAULT_MAX);
	/* An empty template field stands for the built-in invitation. */
	if (f[F_TEMPLATE][0] == '\0'
		? cp_template_load(&t, CP_TEMPLATE_INVITATION, NULL, &err)
	    : write_template(f[F_TEMPLATE])
		? 1
		: cp_template_load(&t, CP_TEMPLATE_INVITATION, template_path,
				   &err))
		goto done;
	struct cp_mail_vars v = {.name = f[F_NAME],
				 .team = f[F_TEAM],
				 .link = f[F_LINK],
				 .closes = f[F_CLOSES],
				 .survey = f[F_SURVEY],
				 .threshold = f[F_THRESHOLD]};
	if (cp_template_render(t, &v, &subject, &text, &html, &err))
		goto done;
	/* The builder is given addresses the roster and the settings have
	 * already checked. */
	const char *to = cp_email_valid(f[F_TO]) ? f[F_TO] : "bob@example.org";
	const char *from = f[F_FROM];
	if (cp_mail_address(from, addr, sizeof(addr), NULL))
		from = "Team Pulse <pulse@example.org>";
	cp_mail_message_id(key, 7, 42, 0, size % 3, f[F_DOMAIN], hex, id,
			   sizeof(id));
	struct cp_mail m = {.from = from,
			    .to_name = f[F_NAME],
			    .to_addr = to,
			    .subject = cp_buf_str(&subject),
			    .text = cp_buf_str(&text),
			    .html = cp_buf_str(&html),
			    .message_id = id,
			    .date = (int64_t)(size * 7919u) % 4000000000LL};
	if (cp_mail_build(&msg, &m, &err) == 0)
		check_message(cp_buf_str(&msg), msg.len, to, m.text, m.html);
done:
	cp_template_free(t);
	cp_buf_release(&subject);
	cp_buf_release(&text);
	cp_buf_release(&html);
	cp_buf_release(&msg);
	fuzz_fields_free(f, NFIELDS);
	return 0;
}
