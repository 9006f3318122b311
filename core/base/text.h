/*
 * text.h - small text checks and escapes shared by every module that takes
 * text from a person (roster, survey definitions, form posts, imports) or
 * writes it somewhere else (HTML, CSV, mail headers).
 */
#ifndef CP_TEXT_H
#define CP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
bool cp_utf8_valid(const char *s, size_t n);

/* Number of code points in a valid UTF-8 string. */
size_t cp_utf8_length(const char *s);

/*
 * The columns s takes on a terminal (NULL: 0): libc's wcwidth of each
 * character under a UTF-8 LC_CTYPE (C.UTF-8), whatever the caller's
 * locale, so a Chinese or Japanese character counts 2, a combining mark
 * (an Arabic vowel sign, an accent) 0. A character wcwidth does not know
 * (a control, an unassigned code point) or a malformed byte counts 1.
 * Without a UTF-8 locale on the machine, code points are counted.
 * Thread-safe. Aligned text tables pad with this, never with bytes.
 */
size_t cp_text_width(const char *s);

/*
 * The number of bytes of the longest start of s that takes at most max
 * columns (cp_text_width), never ending inside a character nor before a
 * combining mark of the last character taken.
 */
size_t cp_text_fit(const char *s, size_t max);

/* The spaces that pad s to width columns (0 when it is that wide). */
size_t cp_text_pad(const char *s, size_t width);

/*
 * True when s is a deliverable address, the one check every place that
 * takes an address asks: one '@'; before it a dot-atom (RFC 5321/5322:
 * runs of letters, digits and !#$%&'*+-/=?^_`{|}~ joined by single dots,
 * so no leading, trailing or doubled dot) of at most 64 bytes; after it a
 * domain of dot-separated labels (letters, digits, hyphens, not at a
 * label's ends) with at least one dot; at most 254 bytes in all.
 */
bool cp_email_valid(const char *s);

/* Why s is not a valid address (a static phrase), or NULL when it is. */
const char *cp_email_problem(const char *s);

/* True when s matches ^[a-z0-9][a-z0-9_.-]{0,63}$ (survey, item, team ids). */
bool cp_id_valid(const char *s);

/* Decodes application/x-www-form-urlencoded text s of n bytes in place
 * ('+' a space, %XX a byte; a malformed % is kept); terminates it and
 * returns its new length. */
size_t cp_url_decode(char *s, size_t n);

/* Appends s to b with & < > " ' escaped for HTML text and attributes. */
int cp_html_escape(struct cp_buf *b, const char *s, struct cp_error *err);

/*
 * Appends s to b as one RFC 4180 CSV field (quoted when needed). A field
 * a spreadsheet would run as a formula - starting with = + - @, a tab or
 * a carriage return, unless it is a plain number such as -3 or -0.2500 -
 * gets a leading ' (OWASP's CSV injection advice), so it shows as text.
 */
int cp_csv_field(struct cp_buf *b, const char *s, struct cp_error *err);

/* Lower-cases ASCII letters of s in place; returns s. */
char *cp_ascii_lower(char *s);

/* Removes leading and trailing ASCII white space in place; returns s. */
char *cp_trim(char *s);

/* Space, tab, LF, CR, VT or FF: what cp_trim takes off. */
bool cp_ascii_space(char c);

#endif
