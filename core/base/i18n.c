/*
 * i18n.c - languages through GNU gettext and per-thread locales.
 *
 * glibc's dcgettext finds the catalogue by the name of the calling
 * thread's LC_MESSAGES locale (uselocale), so each thread may speak its
 * own language. The locale objects are made once, before any thread, and
 * never freed or changed: after cp_i18n_init everything here only reads.
 */
#include "i18n.h"

#include <ctype.h>
#include <libintl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"

static const struct cp_lang langs[] = {
    {"en", "English", "ltr", NULL},
    {"cy", "Cymraeg", "ltr", "cy_GB.UTF-8"},
    {"es", "Espa\xc3\xb1ol", "ltr", "es_ES.UTF-8"},
    {"pl", "Polski", "ltr", "pl_PL.UTF-8"},
    {"ar", "\xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9", "rtl",
     "ar_EG.UTF-8"},
};

#define NLANGS (sizeof(langs) / sizeof(*langs))

/* One per language, made by cp_i18n_init; (locale_t)0 when missing. */
static locale_t locales[NLANGS];
static char localedir[PATH_MAX];

const char *cp_gettext(const char *msgid)
{
	return dgettext(CP_TEXTDOMAIN, msgid);
}

const char *cp_ngettext(const char *one, const char *many, unsigned long n)
{
	return dngettext(CP_TEXTDOMAIN, one, many, n);
}

const struct cp_lang *cp_lang_list(size_t *n)
{
	*n = NLANGS;
	return langs;
}

const struct cp_lang *cp_lang_default(void)
{
	return &langs[0];
}

/* The length of the primary subtag at s: letters up to '-', '_', '.',
 * '@' or the end; 0 when it is not 2 or 3 letters. */
static size_t primary_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && isalpha((unsigned char)s[n]))
		n++;
	if (n < 2 || n > 3)
		return 0;
	if (n < max && s[n] && !strchr("-_.@", s[n]))
		return 0;
	return n;
}

static const struct cp_lang *find_n(const char *s, size_t n)
{
	for (size_t i = 0; i < NLANGS; i++)
		if (strlen(langs[i].code) == n &&
		    strncasecmp(langs[i].code, s, n) == 0)
			return &langs[i];
	return NULL;
}

const struct cp_lang *cp_lang_find(const char *tag)
{
	size_t n = tag ? primary_len(tag, strlen(tag)) : 0;

	return n ? find_n(tag, n) : NULL;
}

/* A BCP 47 tag's shape: subtags of 1 to 8 letters or digits joined by
 * '-', the first of 2 or 3 letters. */
static bool tag_shaped(const char *t)
{
	size_t n = strspn(t, "abcdefghijklmnopqrstuvwxyz"
			     "ABCDEFGHIJKLMNOPQRSTUVWXYZ");

	if (n < 2 || n > 3)
		return false;
	t += n;
	while (*t == '-') {
		t++;
		n = strspn(t, "abcdefghijklmnopqrstuvwxyz"
			      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (n < 1 || n > 8)
			return false;
		t += n;
	}
	return *t == '\0';
}

int cp_lang_check(const char *tag, struct cp_error *err)
{
	if (!tag_shaped(tag))
		return cp_error_set(
		    err, CP_EDATA,
		    N_("'%s' is not a language tag: expected one "
		       "of en, cy, es, pl, ar (BCP 47, e.g. "
		       "cy or cy-GB)"),
		    tag);
	if (cp_lang_find(tag) == NULL)
		return cp_error_set(err, CP_EDATA,
				    N_("language '%s' is not one carepulse "
				       "speaks: expected en, cy, es, pl or ar"),
				    tag);
	return 0;
}

/* Parses a weight "q=0.5" (RFC 9110: 0 to 1, at most three decimals)
 * into thousandths; -1 when malformed. */
static int weight(const char *s, size_t n)
{
	int q = 0, digits = 0;
	size_t i = 2;

	if (n < 3 || (s[0] != 'q' && s[0] != 'Q') || s[1] != '=')
		return -1;
	if (s[i] != '0' && s[i] != '1')
		return -1;
	q = (s[i++] - '0') * 1000;
	if (i < n && s[i] == '.') {
		int scale = 100;
		for (i++; i < n && isdigit((unsigned char)s[i]); i++) {
			if (++digits > 3)
				return -1;
			q += (s[i] - '0') * scale;
			scale /= 10;
		}
	}
	if (i != n || q > 1000)
		return -1;
	return q;
}

static void trim_range(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

const struct cp_lang *cp_lang_accept(const char *header)
{
	/* Per language: its highest weight (-1: not named), where it was
	 * first named (ties go to the earlier), and whether q=0 refused it. */
	int q_of[NLANGS], first[NLANGS], star_q = -1, named = 0;
	bool refused[NLANGS] = {false};
	const struct cp_lang *best = NULL;
	const char *p = header;

	if (header == NULL)
		return NULL;
	for (size_t i = 0; i < NLANGS; i++)
		q_of[i] = first[i] = -1;
	while (*p) {
		const char *end = strchr(p, ','), *semi, *tag_end;
		int q = 1000;

		if (end == NULL)
			end = p + strlen(p);
		semi = memchr(p, ';', (size_t)(end - p));
		tag_end = semi ? semi : end;
		trim_range(&p, &tag_end);
		if (semi) {
			const char *ws = semi + 1, *we = end;
			trim_range(&ws, &we);
			q = weight(ws, (size_t)(we - ws));
		}
		if (q >= 0 && tag_end - p == 1 && *p == '*') {
			star_q = q;
		} else if (q >= 0) {
			size_t n = primary_len(p, (size_t)(tag_end - p));
			const struct cp_lang *l = n ? find_n(p, n) : NULL;
			size_t k = l ? (size_t)(l - langs) : 0;
			if (l && q == 0)
				refused[k] = true;
			else if (l && q > q_of[k])
				q_of[k] = q;
			if (l && first[k] < 0)
				first[k] = named++;
		}
		p = *end ? end + 1 : end;
	}
	for (size_t i = 0; i < NLANGS; i++) {
		size_t b = best ? (size_t)(best - langs) : 0;
		if (refused[i] || q_of[i] <= 0)
			continue;
		if (best == NULL || q_of[i] > q_of[b] ||
		    (q_of[i] == q_of[b] && first[i] < first[b]))
			best = &langs[i];
	}
	/* "*" stands for any language not named: the first shipped one
	 * neither named nor refused, when nothing named weighs more. */
	if (star_q > 0 && (best == NULL || star_q > q_of[best - langs]))
		for (size_t i = 0; i < NLANGS; i++)
			if (!refused[i] && first[i] < 0)
				return &langs[i];
	return best;
}

const struct cp_lang *cp_lang_from_env(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	const char *v = getenv("LANGUAGE");

	/* LANGUAGE is a list "cy:en"; gettext ignores it in the C locale. */
	for (size_t i = 0; i < 3; i++) {
		const char *l = getenv(vars[i]);
		if (l && *l) {
			if (strcmp(l, "C") == 0 || strncmp(l, "C.", 2) == 0 ||
			    strcmp(l, "POSIX") == 0)
				return &langs[0];
			break;
		}
	}
	while (v && *v) {
		size_t n = strcspn(v, ":");
		size_t k = primary_len(v, n);
		const struct cp_lang *l = k ? find_n(v, k) : NULL;
		if (l)
			return l;
		v += n;
		if (*v == ':')
			v++;
	}
	for (size_t i = 0; i < 3; i++) {
		const char *l = getenv(vars[i]);
		if (l && *l) {
			const struct cp_lang *f = cp_lang_find(l);
			return f ? f : &langs[0];
		}
	}
	return &langs[0];
}

/* The build tree's catalogues when this program lives in the build tree,
 * so tests and the demo run uninstalled. */
static const char *default_localedir(void)
{
	char exe[PATH_MAX];
	ssize_t n;
	struct stat sb;
	size_t bl = strlen(CP_BINARY_DIR);

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (strncmp(exe, CP_BINARY_DIR, bl) == 0 && exe[bl] == '/' &&
		    stat(CP_BUILD_LOCALEDIR, &sb) == 0)
			return CP_BUILD_LOCALEDIR;
	}
	return CP_LOCALEDIR;
}

int cp_i18n_init(const char *dir, struct cp_error *err)
{
	const char *env = getenv("CAREPULSE_LOCALEDIR");

	if (dir == NULL)
		dir = env && *env ? env : default_localedir();
	cp_strlcpy(localedir, dir, sizeof(localedir));
	if (bindtextdomain(CP_TEXTDOMAIN, localedir) == NULL ||
	    bind_textdomain_codeset(CP_TEXTDOMAIN, "UTF-8") == NULL)
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	unsetenv("LANGUAGE");
	for (size_t i = 0; i < NLANGS; i++) {
		const char *messages = langs[i].locale ? langs[i].locale : "C";
		locale_t base;

		if (locales[i])
			continue; /* a second call keeps the first objects */
		/* LC_CTYPE UTF-8 for every language; the rest "C". */
		base = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
		if (base == (locale_t)0)
			base = newlocale(LC_ALL_MASK, "C", (locale_t)0);
		if (base == (locale_t)0)
			return cp_error_set(err, CP_ENOMEM,
					    N_("out of memory"));
		locales[i] =
		    newlocale(LC_MESSAGES_MASK | LC_TIME_MASK, messages, base);
		if (locales[i] == (locale_t)0)
			freelocale(base);
	}
	return 0;
}

const char *cp_i18n_localedir(void)
{
	return localedir;
}

bool cp_lang_available(const struct cp_lang *l)
{
	return l && locales[l - langs] != (locale_t)0;
}

const struct cp_lang *cp_lang_effective(const struct cp_lang *l)
{
	return cp_lang_available(l) ? l : &langs[0];
}

/* The language of error messages; NULL: each thread's own. */
static const struct cp_lang *error_lang;

void cp_lang_set_errors(const struct cp_lang *l)
{
	error_lang = l ? cp_lang_effective(l) : NULL;
}

const char *cp_gettext_error(const char *msgid)
{
	locale_t prev;
	const char *s;

	if (error_lang == NULL)
		return cp_gettext(msgid);
	if (locales[error_lang - langs] == (locale_t)0)
		return msgid; /* English (or not initialised) */
	prev = uselocale(locales[error_lang - langs]);
	s = dgettext(CP_TEXTDOMAIN, msgid);
	uselocale(prev);
	return s;
}

const char *cp_ngettext_error(const char *one, const char *many,
			      unsigned long n)
{
	locale_t prev;
	const char *s;

	if (error_lang == NULL)
		return cp_ngettext(one, many, n);
	if (locales[error_lang - langs] == (locale_t)0)
		return n == 1 ? one : many;
	prev = uselocale(locales[error_lang - langs]);
	s = dngettext(CP_TEXTDOMAIN, one, many, n);
	uselocale(prev);
	return s;
}

/* What cp_lang_use installed in this thread; NULL: English. */
static _Thread_local const struct cp_lang *thread_lang;

const struct cp_lang *cp_lang_current(void)
{
	return thread_lang ? thread_lang : &langs[0];
}

locale_t cp_lang_use(const struct cp_lang *l)
{
	l = cp_lang_effective(l);
	thread_lang = l;
	if (locales[l - langs] == (locale_t)0)
		return uselocale((locale_t)0); /* not initialised: as is */
	return uselocale(locales[l - langs]);
}

void cp_lang_end(locale_t previous)
{
	thread_lang = NULL;
	for (size_t i = 0; i < NLANGS; i++)
		if (locales[i] != (locale_t)0 && locales[i] == previous)
			thread_lang = &langs[i];
	uselocale(previous);
}
