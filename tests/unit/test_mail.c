/*
 * test_mail.c - quoted-printable, RFC 2047 words, header injection,
 * templates and whole messages (core/mail.c), and times (core/when.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail.h"
#include "when.h"

/* Every CRLF line of s is at most max characters; no bare CR or LF. */
static void assert_lines(const char *s, size_t max)
{
	const char *p = s, *e;

	while ((e = strstr(p, "\r\n")) != NULL) {
		assert_true((size_t)(e - p) <= max);
		for (const char *q = p; q < e; q++)
			assert_true(*q != '\r' && *q != '\n');
		p = e + 2;
	}
	assert_true(strlen(p) <= max);
}

static void test_qp(void **state)
{
	struct cp_buf b;
	char long_line[300];

	(void)state;
	cp_buf_init(&b, 0);
	assert_int_equal(cp_mail_qp(&b, "a=b Zo\xc3\xab \n.dot\nend ", NULL),
			 0);
	assert_string_equal(cp_buf_str(&b),
			    "a=3Db Zo=C3=AB=20\r\n=2Edot\r\nend=20\r\n");
	cp_buf_reset(&b);
	memset(long_line, 'x', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	assert_int_equal(cp_mail_qp(&b, long_line, NULL), 0);
	assert_lines(cp_buf_str(&b), 76);
	cp_buf_release(&b);
}

static void test_header_words(void **state)
{
	struct cp_buf b;

	(void)state;
	cp_buf_init(&b, 0);
	assert_int_equal(cp_mail_header_text(&b, "plain subject", 9, NULL), 0);
	assert_string_equal(cp_buf_str(&b), "plain subject");
	cp_buf_reset(&b);
	assert_int_equal(cp_mail_header_text(&b, "Zo\xc3\xab", 9, NULL), 0);
	assert_string_equal(cp_buf_str(&b), "=?UTF-8?B?Wm/Dqw==?=");
	cp_buf_reset(&b);
	/* A long non-ASCII subject: folded words, no line past 78. */
	assert_int_equal(
	    cp_mail_header_text(&b,
				"\xce\x9e\xce\xad\xce\xbd\xce\xb9\xce\xb1 "
				"\xce\x9e\xce\xad\xce\xbd\xce\xb9\xce\xb1 "
				"\xce\x9e\xce\xad\xce\xbd\xce\xb9\xce\xb1 "
				"\xce\x9e\xce\xad\xce\xbd\xce\xb9\xce\xb1 "
				"\xce\x9e\xce\xad\xce\xbd\xce\xb9\xce\xb1",
				9, NULL),
	    0);
	assert_non_null(strstr(cp_buf_str(&b), "?=\r\n =?UTF-8?B?"));
	assert_lines(cp_buf_str(&b), 78 - 9);
	cp_buf_reset(&b);
	/* CR and LF never reach a header. */
	assert_int_equal(
	    cp_mail_header_text(&b, "Hi\r\nBcc: eve@example.org", 9, NULL), 0);
	assert_null(strchr(cp_buf_str(&b), '\r'));
	assert_null(strchr(cp_buf_str(&b), '\n'));
	cp_buf_release(&b);
}

static void test_template_placeholders(void **state)
{
	struct cp_template *t;
	struct cp_error err;
	char path[] = "/tmp/cp-test-template-XXXXXX";
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("Subject: {team}\n\nHello {name},\n{link}\n{nmae}\n", f);
	fclose(f);
	assert_int_equal(
	    cp_template_load(&t, CP_TEMPLATE_INVITATION, path, &err), CP_EDATA);
	assert_int_equal(err.line, 5);
	assert_non_null(strstr(err.message, "{nmae}"));
	f = fopen(path, "w");
	fputs("no subject\n", f);
	fclose(f);
	assert_int_equal(
	    cp_template_load(&t, CP_TEMPLATE_INVITATION, path, &err), CP_EDATA);
	unlink(path);
}

static void test_render_escapes_html(void **state)
{
	struct cp_template *t;
	struct cp_buf s, text, html;
	struct cp_mail_vars v = {"<b>Bo & Co</b>",
				 "R&D",
				 "https://x/r/abc",
				 "2026-12-01",
				 "pulse",
				 "5",
				 "about 2 minutes",
				 "Dana <dana@x.org>",
				 NULL,
				 NULL};

	(void)state;
	assert_int_equal(
	    cp_template_load(&t, CP_TEMPLATE_INVITATION, NULL, NULL), 0);
	cp_buf_init(&s, 0);
	cp_buf_init(&text, 0);
	cp_buf_init(&html, 0);
	assert_int_equal(cp_template_render(t, &v, &s, &text, &html, NULL), 0);
	assert_non_null(strstr(cp_buf_str(&text), "Hello <b>Bo & Co</b>,"));
	assert_non_null(
	    strstr(cp_buf_str(&html), "Hello &lt;b&gt;Bo &amp; Co&lt;/b&gt;"));
	assert_null(strstr(cp_buf_str(&html), "<b>Bo"));
	/* The link: a button, and the address written out for a mail
	 * program that draws none. */
	assert_non_null(strstr(cp_buf_str(&html),
			       "<a href=\"https://x/r/abc\" "
			       "style=\"display:inline-block"));
	assert_non_null(strstr(cp_buf_str(&html), ">Open the survey</a>"));
	assert_non_null(
	    strstr(cp_buf_str(&html),
		   "<a href=\"https://x/r/abc\">https://x/r/abc</a>"));
	assert_non_null(strstr(cp_buf_str(&text), "at least 5 people"));
	assert_non_null(strstr(cp_buf_str(&text), "It takes about 2 minutes."));
	assert_non_null(strstr(cp_buf_str(&s), "(about 2 minutes)"));
	assert_null(strstr(cp_buf_str(&s), "two-minute"));
	assert_non_null(strstr(cp_buf_str(&text), "Ask Dana <dana@x.org>."));
	assert_non_null(
	    strstr(cp_buf_str(&html), "Ask Dana &lt;dana@x.org&gt;."));
	assert_non_null(strstr(cp_buf_str(&s), "R&D"));
	cp_template_free(t);
	cp_buf_release(&s);
	cp_buf_release(&text);
	cp_buf_release(&html);
}

static void test_message(void **state)
{
	uint8_t key[CP_KEY_LEN] = {1, 2, 3};
	char hex[33], id[128], id2[128], id3[128], hex2[33];
	struct cp_mail m;
	struct cp_buf b;

	(void)state;
	cp_mail_message_id(key, 7, 42, 0, 0, "example.org", hex, id,
			   sizeof(id));
	cp_mail_message_id(key, 7, 42, 0, 0, "example.org", hex2, id2,
			   sizeof(id2));
	assert_string_equal(id, id2); /* stable on a resend */
	cp_mail_message_id(key, 7, 42, 0, 1, "example.org", hex2, id3,
			   sizeof(id3));
	assert_string_not_equal(id, id3); /* each reminder its own */
	assert_non_null(strstr(id, "@example.org>"));
	memset(&m, 0, sizeof(m));
	m.from = "\xc3\x89quipe Pulse <pulse@example.org>";
	m.to_name = "Zo\xc3\xab\r\nBcc: eve@example.org";
	m.to_addr = "zoe@example.org";
	m.subject = "Hello";
	m.text = "text part";
	m.html = "<p>html part</p>";
	m.message_id = id;
	m.date = 1795000000;
	cp_buf_init(&b, 0);
	assert_int_equal(cp_mail_build(&b, &m, NULL), 0);
	assert_lines(cp_buf_str(&b), 78);
	assert_null(strstr(cp_buf_str(&b), "\r\nBcc:"));
	assert_non_null(strstr(cp_buf_str(&b), "From: =?UTF-8?B?"));
	assert_non_null(
	    strstr(cp_buf_str(&b), "Date: Wed, 18 Nov 2026 11:06:40 +0000"));
	/* text/plain comes before text/html */
	assert_true(strstr(cp_buf_str(&b), "text/plain") <
		    strstr(cp_buf_str(&b), "text/html"));
	assert_null(strstr(cp_buf_str(&b), "List-Unsubscribe"));
	/* Latin text stays quoted-printable; the boundary fits one line. */
	assert_null(strstr(cp_buf_str(&b), "base64"));
	assert_non_null(strstr(
	    cp_buf_str(&b), "Content-Type: multipart/alternative; boundary="));
	/* Arabic is shorter in base64 (QP writes each byte as three), and
	 * its CRLF form is what is encoded. */
	cp_buf_reset(&b);
	m.text = "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd9\x8b\xd8\xa7\n"
		 "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd9\x8b\xd8\xa7\n";
	assert_int_equal(cp_mail_build(&b, &m, NULL), 0);
	assert_lines(cp_buf_str(&b), 78);
	assert_non_null(strstr(cp_buf_str(&b),
			       "Content-Type: text/plain; charset=utf-8\r\n"
			       "Content-Transfer-Encoding: base64\r\n\r\n"
			       "2YXYsdit2KjZi9inDQrZhdix2K3YqNmL2KcNCg==\r\n"
			       "--=_cp_"));
	m.text = "text part";
	/* RFC 8058: the one-click address, folded onto its own line. */
	cp_buf_reset(&b);
	m.unsubscribe = "https://pulse.example.org/u/abc";
	assert_int_equal(cp_mail_build(&b, &m, NULL), 0);
	assert_lines(cp_buf_str(&b), 78);
	assert_non_null(strstr(
	    cp_buf_str(&b), "\r\nList-Unsubscribe:\r\n "
			    "<https://pulse.example.org/u/abc>\r\n"
			    "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
			    "\r\n"));
	cp_buf_release(&b);
}

static void test_when(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(cp_when_parse("2026-12-01", 0, &t, NULL), 0);
	assert_int_equal(t, 1796083200);
	assert_int_equal(cp_when_parse("2026-12-01T09:30Z", 0, &t, NULL), 0);
	assert_int_equal(t, 1796083200 + 9 * 3600 + 30 * 60);
	assert_int_equal(cp_when_parse("+7d", 100, &t, NULL), 0);
	assert_int_equal(t, 100 + 7 * 86400);
	assert_int_equal(cp_when_parse("2026-02-30", 0, &t, NULL), CP_EDATA);
	assert_int_equal(cp_when_parse("tomorrow", 0, &t, NULL), CP_EDATA);
	assert_int_equal(cp_duration_parse("2w", &t, NULL), 0);
	assert_int_equal(t, 14 * 86400);
	assert_int_equal(cp_duration_parse("2x", &t, NULL), CP_EDATA);
	assert_int_equal(cp_duration_parse("-1d", &t, NULL), CP_EDATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qp),
	    cmocka_unit_test(test_header_words),
	    cmocka_unit_test(test_template_placeholders),
	    cmocka_unit_test(test_render_escapes_html),
	    cmocka_unit_test(test_message),
	    cmocka_unit_test(test_when),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
