/*
 * i18n.h - the languages carepulse speaks, through GNU gettext (text
 * domain "carepulse", catalogues compiled from po/ at build time).
 *
 * Each thread chooses its language with cp_lang_use, which installs a
 * per-thread locale (uselocale) whose LC_MESSAGES and LC_TIME are that
 * language's: glibc's gettext looks the catalogue up by the calling
 * thread's locale, so the form server answers each request in its own
 * language while other threads answer in theirs. That needs the locale
 * itself on the machine (scripts/setup generates cy_GB, es_ES, pl_PL and
 * ar_EG, UTF-8); a language whose locale is missing falls back to English
 * and cp_lang_available says so. LC_NUMERIC and the rest stay "C", so
 * numbers, CSV and JSON never change with the language.
 */
#ifndef CP_I18N_H
#define CP_I18N_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define CP_TEXTDOMAIN "carepulse"

/* The translation of a message in the calling thread's language. */
#define _(s) cp_gettext(s)
/* Marks a message for xgettext without translating it here. */
#define N_(s) (s)

const char *cp_gettext(const char *msgid) __attribute__((format_arg(1)));
/* The plural form for n, by the language's own plural rule. */
const char *cp_ngettext(const char *one, const char *many, unsigned long n)
    __attribute__((format_arg(1))) __attribute__((format_arg(2)));

/* One language carepulse ships. */
struct cp_lang {
	const char *code;   /* BCP 47 primary subtag: "cy" */
	const char *name;   /* in the language itself: "Cymraeg" */
	const char *dir;    /* "ltr" or "rtl" */
	const char *locale; /* the glibc locale used for it; NULL for "en" */
};

/* The shipped languages, English first; *n is their number. Static. */
const struct cp_lang *cp_lang_list(size_t *n);

/* The language of a BCP 47 tag by its primary subtag, any case ("cy-GB",
 * "CY"), or NULL when carepulse does not ship it. */
const struct cp_lang *cp_lang_find(const char *tag);

/* English, the language of the messages in the source. */
const struct cp_lang *cp_lang_default(void);

/*
 * Checks a language setting or roster cell: a BCP 47 tag (primary subtag
 * of 2 or 3 letters, then optional subtags) whose language is shipped.
 * CP_EDATA names the value and the languages there are.
 */
int cp_lang_check(const char *tag, struct cp_error *err);

/*
 * The best shipped language for an HTTP Accept-Language header (RFC 9110:
 * weights q from 0 to 1, 0 meaning "not this one", "*" any language), or
 * NULL when it names none that is shipped (or is NULL or malformed).
 */
const struct cp_lang *cp_lang_accept(const char *header);

/*
 * The operator's language for the command line, from LANGUAGE, LC_ALL,
 * LC_MESSAGES, LANG as gettext reads them; English when none is shipped.
 */
const struct cp_lang *cp_lang_from_env(void);

/*
 * Binds the text domain to localedir (NULL: $CAREPULSE_LOCALEDIR, else the
 * build tree's catalogues for a program run from the build tree, else the
 * installed ones) and makes one locale object per language. Call once,
 * before any thread starts; it also unsets LANGUAGE, which would
 * otherwise override every thread's choice (read cp_lang_from_env first).
 * Fails only when out of memory; a missing locale makes its language
 * unavailable.
 */
int cp_i18n_init(const char *localedir, struct cp_error *err);

/* The folder the catalogues are read from (after cp_i18n_init). */
const char *cp_i18n_localedir(void);

/* Whether the language's locale exists, so its text can be shown. */
bool cp_lang_available(const struct cp_lang *l);

/* l when available, else English: the language text is really shown in. */
const struct cp_lang *cp_lang_effective(const struct cp_lang *l);

/*
 * Makes the calling thread speak l (NULL or unavailable: English) until
 * cp_lang_end(previous). Returns the previous thread locale. Thread-safe:
 * only this thread's locale changes.
 */
locale_t cp_lang_use(const struct cp_lang *l);
void cp_lang_end(locale_t previous);

/* The language the calling thread speaks (cp_lang_use); English until it
 * is set. */
const struct cp_lang *cp_lang_current(void);

/*
 * Error messages (cp_error_set) are for whoever runs the program: with l
 * set (the operator's language, main.c), every thread writes them in l,
 * whatever language it speaks to a respondent or viewer at the time, so
 * that serve's log and tick's errors are in one language. NULL (the
 * default): in the calling thread's language. Call before any thread
 * starts (after cp_i18n_init).
 */
void cp_lang_set_errors(const struct cp_lang *l);

/* msgid in the language of error messages (cp_lang_set_errors). */
const char *cp_gettext_error(const char *msgid) __attribute__((format_arg(1)));

/* The plural form for n of one/many in the language of error messages. */
const char *cp_ngettext_error(const char *one, const char *many,
			      unsigned long n) __attribute__((format_arg(1)))
__attribute__((format_arg(2)));

#endif
