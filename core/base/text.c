/*
 * text.c - small text checks and escapes: strict UTF-8, e-mail addresses,
 * ids, HTML and CSV escaping, ASCII case and white space.
 *
 * None of these depend on the C locale: "letter" and "space" always mean
 * the ASCII ones, so a roster reads the same on every machine.
 */
/* wcwidth is X/Open (XSI). */
#define _XOPEN_SOURCE 700
#include "text.h"
#include "lazy.h"

#include <ctype.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <string.h>
#include <wchar.h>

/* True for the bytes 0x80..0xBF that continue a UTF-8 sequence. */
static bool is_continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/*
 * Length of the well-formed UTF-8 sequence at s[0..n), or 0 when there is
 * none. The ranges of the second byte are those of the Unicode standard's
 * table 3-7: they exclude overlong forms (C0, C1, E0 80..9F, F0 80..8F),
 * the surrogates U+D800..U+DFFF (ED A0..BF) and anything past U+10FFFF
 * (F4 90.., F5..FF).
 */
static size_t sequence_length(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		if (s[0] == 0xE0)
			lo = 0xA0;
		else if (s[0] == 0xED)
			hi = 0x9F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		if (s[0] == 0xF0)
			lo = 0x90;
		else if (s[0] == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (!is_continuation(s[i]))
			return 0;
	return len;
}

bool cp_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;

	if (n == 0)
		return true;
	if (s == NULL)
		return false;
	while (i < n) {
		len = sequence_length(p + i, n - i);
		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

size_t cp_utf8_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t count = 0;

	if (s == NULL)
		return 0;
	for (; *p; p++)
		if (!is_continuation(*p))
			count++;
	return count;
}

/* A UTF-8 LC_CTYPE for mbrtowc and wcwidth, made once; 0 when the
 * machine has none. */
static locale_t utf8_ctype;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void make_utf8_ctype(void)
{
	static const char *const names[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8"};

	/* libc's loading of the locale and of its converter (at the first
	 * mbrtowc under it, made here) is set-up the fault loops do not
	 * fail, as a library's (lazy.h): out of memory there is no error
	 * to report, but every later character would be measured a byte
	 * wide, and an aligned table printed with other widths. */
	cp_lazy_setup_begin();
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if ((utf8_ctype = newlocale(LC_CTYPE_MASK, names[i],
					    (locale_t)0)) != (locale_t)0)
			break;
	if (utf8_ctype != (locale_t)0) {
		locale_t previous = uselocale(utf8_ctype);
		mbstate_t st;
		wchar_t wc;

		memset(&st, 0, sizeof(st));
		(void)mbrtowc(&wc, "\xC3\xA9", 2, &st);
		uselocale(previous);
	}
	cp_lazy_setup_end();
}

/*
 * Walks s by character under the UTF-8 locale (which the caller has
 * installed): the columns of the character at s (0..2) into *w; returns
 * its length in bytes (1 for a malformed byte), 0 at the end.
 */
static size_t next_char(const char *s, int *w)
{
	mbstate_t st;
	wchar_t wc;
	size_t len;

	if (*s == '\0')
		return 0;
	memset(&st, 0, sizeof(st));
	len = mbrtowc(&wc, s, MB_LEN_MAX, &st);
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
		*w = 1;
		return 1;
	}
	*w = wcwidth(wc);
	if (*w < 0)
		*w = 1;
	return len;
}

/* Columns of s, or (with fit) the bytes of its start within max columns. */
static size_t measure(const char *s, size_t max, bool fit)
{
	size_t cols = 0, i = 0, len;
	locale_t previous;
	int w;

	if (s == NULL)
		return 0;
	pthread_once(&utf8_once, make_utf8_ctype);
	if (utf8_ctype == (locale_t)0) {
		/* No UTF-8 locale: one column a code point. */
		for (; s[i]; i++)
			if (!is_continuation((unsigned char)s[i])) {
				if (fit && cols == max)
					break;
				cols++;
			}
		return fit ? i : cols;
	}
	previous = uselocale(utf8_ctype);
	while ((len = next_char(s + i, &w)) != 0) {
		if (fit && cols + (size_t)w > max)
			break;
		cols += (size_t)w;
		i += len;
	}
	uselocale(previous);
	return fit ? i : cols;
}

size_t cp_text_width(const char *s)
{
	return measure(s, 0, false);
}

size_t cp_text_fit(const char *s, size_t max)
{
	return measure(s, max, true);
}

size_t cp_text_pad(const char *s, size_t width)
{
	size_t w = cp_text_width(s);

	return w < width ? width - w : 0;
}

static bool is_ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/*
 * True when d[0..n) is a domain as text.h describes it: dot-separated,
 * non-empty labels of letters, digits and inner hyphens, at least one dot.
 */
static bool domain_valid(const char *d, size_t n)
{
	size_t i, start = 0, dots = 0;

	for (i = 0; i <= n; i++) {
		if (i == n || d[i] == '.') {
			if (i == start || d[start] == '-' || d[i - 1] == '-')
				return false;
			if (i < n)
				dots++;
			start = i + 1;
		} else if (!is_ascii_alnum(d[i]) && d[i] != '-') {
			return false;
		}
	}
	return dots > 0;
}

/* RFC 5322 atext: the characters of a dot-atom besides its dots. */
static bool is_atext(char c)
{
	return is_ascii_alnum(c) ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

const char *cp_email_problem(const char *s)
{
	const char *at;
	size_t len, local, i;

	if (s == NULL || *s == '\0')
		return "it is empty";
	len = strlen(s);
	at = strchr(s, '@');
	if (at == NULL)
		return "it has no '@'";
	if (strchr(at + 1, '@'))
		return "it has more than one '@'";
	if (len > 254)
		return "it is longer than 254 bytes";
	local = (size_t)(at - s);
	if (local == 0)
		return "nothing comes before '@'";
	if (local > 64)
		return "the part before '@' is longer than 64 bytes";
	/* A dot-atom (RFC 5321/5322): atext runs joined by single dots. */
	if (s[0] == '.')
		return "the part before '@' starts with a dot";
	if (s[local - 1] == '.')
		return "the part before '@' ends with a dot";
	for (i = 0; i < local; i++) {
		if (s[i] == '.' && s[i + 1] == '.')
			return "the part before '@' has two dots in a row";
		if (s[i] != '.' && !is_atext(s[i]))
			return "the part before '@' has a character an "
			       "address cannot have (a space, a quote, "
			       "a comma, non-ASCII ...)";
	}
	if (!domain_valid(at + 1, len - local - 1))
		return "the part after '@' is not a domain name like "
		       "example.org";
	return NULL;
}

bool cp_email_valid(const char *s)
{
	return cp_email_problem(s) == NULL;
}

bool cp_id_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; s[i]; i++) {
		bool lower_or_digit = (s[i] >= 'a' && s[i] <= 'z') ||
				      (s[i] >= '0' && s[i] <= '9');

		if (i >= 64)
			return false;
		if (!lower_or_digit &&
		    (i == 0 || (s[i] != '_' && s[i] != '.' && s[i] != '-')))
			return false;
	}
	return i > 0;
}

/* The HTML entity for c, or NULL when c needs no escaping. */
static const char *html_entity(char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return NULL;
	}
}

/*
 * Runs of plain text are appended whole, each special character as its
 * entity. When the buffer's cap is reached, b is put back as it was, so a
 * caller never sees half an escaped string.
 */
int cp_html_escape(struct cp_buf *b, const char *s, struct cp_error *err)
{
	size_t old_len = b->len, run;
	const char *entity;
	int rc = 0;

	if (s == NULL)
		s = "";
	while (*s && rc == 0) {
		run = strcspn(s, "&<>\"'");
		rc = cp_buf_add(b, s, run, err);
		s += run;
		if (rc == 0 && *s) {
			entity = html_entity(*s++);
			rc = cp_buf_adds(b, entity, err);
		}
	}
	if (rc && b->data) {
		b->len = old_len;
		b->data[old_len] = '\0';
	}
	return rc;
}

/*
 * True when s must be quoted to survive a CSV reader: it holds a
 * separator, a quote or a line break, or starts or ends with white space
 * that readers (libcsv among them) would strip.
 */
static bool csv_needs_quotes(const char *s)
{
	size_t len = strlen(s);

	if (len == 0)
		return false;
	if (strpbrk(s, ",\"\r\n"))
		return true;
	return s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' ||
	       s[len - 1] == '\t';
}

/* A plain decimal number, -?[0-9]+(.[0-9]+)?: a spreadsheet reads it
 * as that number and never as a formula. */
static bool csv_plain_number(const char *s)
{
	if (*s == '-')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

/*
 * True when a spreadsheet would take s for a formula (OWASP "CSV
 * injection"): it starts with = + - @, a tab or a carriage return. A
 * plain negative number such as -0.2500 is left alone: it is a number.
 */
static bool csv_formula(const char *s)
{
	return strchr("=+-@\t\r", s[0]) && s[0] != '\0' && !csv_plain_number(s);
}

int cp_csv_field(struct cp_buf *b, const char *s, struct cp_error *err)
{
	size_t old_len = b->len, run;
	bool quote;
	int rc;

	if (s == NULL)
		s = "";
	quote = csv_needs_quotes(s);
	rc = quote ? cp_buf_addc(b, '"', err) : 0;
	/* A leading quote makes a spreadsheet show the cell as text. */
	if (rc == 0 && csv_formula(s))
		rc = cp_buf_addc(b, '\'', err);
	if (rc == 0 && !quote)
		rc = cp_buf_adds(b, s, err);
	while (rc == 0 && quote && *s) {
		/* Each quote is written twice: the run includes the quote. */
		run = strcspn(s, "\"");
		if (s[run] == '"')
			run++;
		rc = cp_buf_add(b, s, run, err);
		if (rc == 0 && s[run - 1] == '"')
			rc = cp_buf_addc(b, '"', err);
		s += run;
	}
	if (rc == 0 && quote)
		rc = cp_buf_addc(b, '"', err);
	if (rc && b->data) {
		b->len = old_len;
		b->data[old_len] = '\0';
	}
	return rc;
}

char *cp_ascii_lower(char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	for (p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

bool cp_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* The text is moved to the start of s, so s stays the pointer to free. */
char *cp_trim(char *s)
{
	size_t start = 0, end;

	if (s == NULL)
		return NULL;
	end = strlen(s);
	while (end > 0 && cp_ascii_space(s[end - 1]))
		end--;
	while (start < end && cp_ascii_space(s[start]))
		start++;
	if (start > 0)
		memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t cp_url_decode(char *s, size_t n)
{
	size_t r = 0, w = 0;

	while (r < n) {
		if (s[r] == '+') {
			s[w++] = ' ';
			r++;
		} else if (s[r] == '%' && r + 2 < n && hexval(s[r + 1]) >= 0 &&
			   hexval(s[r + 2]) >= 0) {
			s[w++] =
			    (char)(hexval(s[r + 1]) * 16 + hexval(s[r + 2]));
			r += 3;
		} else {
			s[w++] = s[r++];
		}
	}
	s[w] = '\0';
	return w;
}

/*
 * Reads the posted fields into a. Fields that are not in the survey are
 * ignored (a form never sends them); false when a cap is passed.
 */
