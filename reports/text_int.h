/*
 * text_int.h - private to reports/: text in any script, the one file that
 * wraps HarfBuzz and FriBidi (text.c).
 *
 * libharu maps code points to glyphs through a font's cmap and does no
 * shaping, no bidirectional ordering and no font fallback. This module
 * does those: a line of UTF-8 is split into runs by bidi level (FriBidi),
 * script and font (a fallback list of Debian's DejaVu and Noto faces),
 * each run is shaped by HarfBuzz, and the runs are put in visual order.
 *
 * Each glyph drawn gets a code in the private-use area (U+E000..U+F8FF),
 * one per face and per (glyph, text of its cluster), so the PDF can show
 * the glyph through libharu's UTF-8 encoding and map it back to the text
 * it stands for (the ToUnicode map pdf.c writes). text_face_subset builds
 * the font to embed: the face cut down to the glyphs used (hb-subset) with
 * a cmap from those codes to the glyphs.
 *
 * Widths and positions are in thousandths of an em, as PDF text space
 * counts them. Input must be valid UTF-8 (pdf.c cleans it first).
 */
#ifndef CP_TEXT_INT_H
#define CP_TEXT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define TEXT_CODE_FIRST 0xE000u
#define TEXT_CODE_LAST	0xF8FFu
#define TEXT_CODES_MAX	(TEXT_CODE_LAST - TEXT_CODE_FIRST + 1)

/* The code point drawn (from the primary font) for a character no font
 * has, such as an emoji: U+2B1A DOTTED SQUARE. Copying gives the
 * original character back. */
#define TEXT_PLACEHOLDER 0x2B1Au

enum text_dir {
	TEXT_DIR_AUTO = 0, /* from the first strong character (rule P2) */
	TEXT_DIR_LTR,
	TEXT_DIR_RTL,
};

struct text_glyph {
	unsigned face; /* index in the font set */
	unsigned code; /* TEXT_CODE_FIRST + n: draws the glyph in its face */
	float x, y;    /* where it is drawn, from the line's origin */
	float advance; /* the shaped advance */
};

/* A shaped line: glyphs in visual order, left to right. */
struct text_line {
	struct text_glyph *glyphs;
	size_t n, cap;
	float width;
	int rtl; /* the paragraph direction is right to left */
};

struct text_fonts;

/*
 * Opens the font set: DejaVuSans.ttf and DejaVuSans-Bold.ttf from
 * latin_dir (they must be there and be fonts: CP_EIO or CP_EDATA naming
 * the file otherwise), then the Noto faces and WenQuanYi Zen Hei from
 * Debian's font folders as fallbacks, each opened when first needed and
 * left out when missing. The caller frees *out with text_fonts_free.
 */
int text_fonts_open(struct text_fonts **out, const char *latin_dir,
		    struct cp_error *err);
void text_fonts_free(struct text_fonts *f);

/*
 * Shapes s[0..n) into out (which it resets) and records every glyph it
 * uses under a code of its face. dir is the paragraph's direction; with
 * TEXT_DIR_AUTO the line's own first strong character decides. Fails
 * with CP_ENOMEM, or CP_EDATA when a face needs more than TEXT_CODES_MAX
 * codes.
 */
int text_shape(struct text_fonts *f, int bold, enum text_dir dir, const char *s,
	       size_t n, struct text_line *out, struct cp_error *err);
void text_line_release(struct text_line *l);

/* The shaped width of s[0..n) into *width; records nothing. Fails with
 * CP_ENOMEM (and *width 0). */
int text_measure(struct text_fonts *f, int bold, const char *s, size_t n,
		 float *width, struct cp_error *err);

/* The direction of s[0..n) by its first strong character; LTR if none. */
enum text_dir text_direction(const char *s, size_t n);

/* Whether s[0..n) has a strong right-to-left character (Hebrew, Arabic). */
int text_has_rtl(const char *s, size_t n);

/* Where the next character (a grapheme: a base with its marks, an emoji
 * sequence) starts after s[0]; never 0 for n > 0. */
size_t text_next_char(const char *s, size_t n);

/* The faces, for embedding: how many, and how many codes each uses. */
size_t text_nfaces(const struct text_fonts *f);
size_t text_face_ncodes(const struct text_fonts *f, size_t face);

/* The text a code of face stands for, as code points (borrowed, lives as
 * long as f); *len may be 0 for the second glyph of a cluster. */
const uint32_t *text_code_text(const struct text_fonts *f, size_t face,
			       unsigned code, size_t *len);

/* A short name of the face's file, for messages. */
const char *text_face_name(const struct text_fonts *f, size_t face);

/*
 * The TrueType font to embed for face: its glyphs used so far (and
 * .notdef), no hinting and no layout tables, and a cmap (3,1 format 4)
 * from each code to its glyph. *data is malloc'd, the caller frees it.
 */
int text_face_subset(struct text_fonts *f, size_t face, unsigned char **data,
		     size_t *len, struct cp_error *err);

#endif
