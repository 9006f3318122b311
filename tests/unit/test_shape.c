/*
 * test_shape.c - reports/text.c: font fallback, bidi order, shaping, the
 * codes and their texts, and the subset fonts. Needs Debian's DejaVu,
 * Noto and WenQuanYi fonts (scripts/setup installs them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text_int.h"

#define DEJAVU "/usr/share/fonts/truetype/dejavu"

static int setup(void **state)
{
	struct text_fonts *f;
	struct cp_error err;

	if (text_fonts_open(&f, DEJAVU, &err))
		fail_msg("%s", err.message);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	text_fonts_free(*state);
	return 0;
}

/* The text of glyph g of l as UTF-32, into out (n at most). */
static size_t glyph_text(struct text_fonts *f, const struct text_glyph *g,
			 uint32_t *out, size_t n)
{
	size_t len;
	const uint32_t *t = text_code_text(f, g->face, g->code, &len);

	assert_true(len <= n);
	if (len)
		memcpy(out, t, len * sizeof(*t));
	return len;
}

static void shape_ok(struct text_fonts *f, int bold, const char *s,
		     struct text_line *l)
{
	struct cp_error err;

	if (text_shape(f, bold, TEXT_DIR_AUTO, s, strlen(s), l, &err))
		fail_msg("%s", err.message);
}

static const char *face_of(struct text_fonts *f, const struct text_glyph *g)
{
	return text_face_name(f, g->face);
}

/* Latin stays with DejaVu; each script goes to its Noto face. */
static void test_fallback(void **state)
{
	static const struct {
		const char *text, *face;
	} cases[] = {
	    {"Hello", "DejaVuSans.ttf"},
	    {"Ελληνικά", "DejaVuSans.ttf"},
	    {"עברית", "NotoSansHebrew-Regular.ttf"},
	    {"عربي", "NotoSansArabic-Regular.ttf"},
	    {"Հայերեն", "NotoSansArmenian-Regular.ttf"},
	    {"ქართული", "NotoSansGeorgian-Regular.ttf"},
	    {"हिन्दी", "NotoSansDevanagari-Regular.ttf"},
	    {"বাংলা", "NotoSansBengali-Regular.ttf"},
	    {"ไทย", "NotoSansThai-Regular.ttf"},
	    {"中文", "wqy-zenhei.ttc"},
	    {"ひらがな", "wqy-zenhei.ttc"},
	    {"한국어", "wqy-zenhei.ttc"},
	};
	struct text_fonts *f = *state;
	struct text_line l = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		shape_ok(f, 0, cases[i].text, &l);
		assert_true(l.n > 0);
		for (size_t k = 0; k < l.n; k++)
			assert_string_equal(face_of(f, &l.glyphs[k]),
					    cases[i].face);
	}
	shape_ok(f, 1, "عربي", &l);
	assert_string_equal(face_of(f, &l.glyphs[0]),
			    "NotoSansArabic-Bold.ttf");
	text_line_release(&l);
}

/*
 * Arabic joins and runs right to left: "سلام" is seen, lam-alef (one
 * glyph for two letters) and meem, drawn from the last on the left to
 * the first on the right.
 */
static void test_arabic(void **state)
{
	struct text_fonts *f = *state;
	struct text_line l = {0};
	uint32_t t[4];

	shape_ok(f, 0, "سلام", &l);
	assert_int_equal(l.rtl, 1);
	assert_int_equal(l.n, 3);
	assert_int_equal(glyph_text(f, &l.glyphs[0], t, 4), 1);
	assert_int_equal(t[0], 0x0645); /* meem, last, on the left */
	assert_int_equal(glyph_text(f, &l.glyphs[2], t, 4), 1);
	assert_int_equal(t[0], 0x0633); /* seen, first, on the right */
	for (size_t k = 1; k < l.n; k++)
		assert_true(l.glyphs[k].x > l.glyphs[k - 1].x);
	/* Joined forms are narrower than the letters alone. */
	{
		static const char *const letters[] = {"س", "ل", "ا", "م"};
		float sum = 0, w;
		struct cp_error err;

		for (size_t k = 0; k < 4; k++) {
			assert_int_equal(
			    text_measure(f, 0, letters[k], 2, &w, &err), 0);
			sum += w;
		}
		assert_true(l.width < sum);
	}
	/* Lam-alef is one glyph for two letters, mapped last first (see
	 * text.c: poppler reads a right-to-left glyph's text backwards). */
	shape_ok(f, 0, "لا", &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(glyph_text(f, &l.glyphs[0], t, 4), 2);
	assert_int_equal(t[0], 0x0627);
	assert_int_equal(t[1], 0x0644);
	text_line_release(&l);
}

/* A conjunct is fewer glyphs than letters, and the glyphs together
 * carry the text in order. */
static void test_devanagari(void **state)
{
	struct text_fonts *f = *state;
	struct text_line l = {0};
	uint32_t all[32], t[8];
	size_t n = 0;
	static const uint32_t want[] = {0x0915, 0x094D, 0x0937, 0x093F};

	shape_ok(f, 0, "क्षि", &l);
	assert_int_equal(l.rtl, 0);
	assert_true(l.n < 4);
	for (size_t k = 0; k < l.n; k++) {
		size_t len = glyph_text(f, &l.glyphs[k], t, 8);
		memcpy(all + n, t, len * sizeof(*t));
		n += len;
	}
	assert_int_equal(n, 4);
	assert_memory_equal(all, want, sizeof(want));
	text_line_release(&l);
}

/* Mixed directions: in a left-to-right line the Hebrew word is reversed
 * in place; in a right-to-left one the Latin word and the number keep
 * their order inside a line read from the right. */
static void test_bidi(void **state)
{
	struct text_fonts *f = *state;
	struct text_line l = {0};
	uint32_t t[4];
	struct cp_error err;
	const char *s = "ab אב";

	shape_ok(f, 0, s, &l);
	assert_int_equal(l.rtl, 0);
	assert_int_equal(l.n, 5);
	glyph_text(f, &l.glyphs[0], t, 4);
	assert_int_equal(t[0], 'a');
	glyph_text(f, &l.glyphs[3], t, 4);
	assert_int_equal(t[0], 0x05D1); /* bet before alef, left to right */
	glyph_text(f, &l.glyphs[4], t, 4);
	assert_int_equal(t[0], 0x05D0);

	/* Rule W7: the number after a Latin word is left to right with
	 * it, so "ab 12" reads left to right, left of the Hebrew. */
	s = "אב ab 12";
	shape_ok(f, 0, s, &l);
	assert_int_equal(l.rtl, 1);
	{
		static const uint32_t want[] = {'a', 'b', ' ',	  '1',
						'2', ' ', 0x05D1, 0x05D0};
		assert_int_equal(l.n, 8);
		for (size_t k = 0; k < 8; k++) {
			glyph_text(f, &l.glyphs[k], t, 4);
			assert_int_equal(t[0], want[k]);
		}
	}

	/* A paragraph's direction is kept on a line of its own that starts
	 * with a Latin word. */
	s = "ab אב";
	assert_int_equal(text_shape(f, 0, TEXT_DIR_RTL, s, strlen(s), &l, &err),
			 0);
	assert_int_equal(l.rtl, 1);
	glyph_text(f, &l.glyphs[0], t, 4);
	assert_int_equal(t[0], 0x05D1);
	glyph_text(f, &l.glyphs[l.n - 1], t, 4);
	assert_int_equal(t[0], 'b');
	assert_int_equal(text_direction("123 שלום abc", 16), TEXT_DIR_RTL);
	assert_int_equal(text_direction("123 ...", 7), TEXT_DIR_LTR);
	/* A right-to-left report's lines: any Hebrew or Arabic letter, even
	 * after a Latin word; digits and punctuation are not letters. */
	assert_int_equal(text_has_rtl("Ward 7 \xD8\xAA", 9), 1);
	assert_int_equal(text_has_rtl("abc \xD7\x90", 6), 1);
	assert_int_equal(text_has_rtl("Ward 7 (83%)", 12), 0);
	assert_int_equal(text_has_rtl("", 0), 0);
	text_line_release(&l);
}

/* An emoji no font has is one placeholder glyph that copies back as
 * the whole sequence, modifiers and ZWJ included. */
static void test_emoji(void **state)
{
	struct text_fonts *f = *state;
	struct text_line l = {0};
	uint32_t t[8];
	const char *s =
	    "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB"; /* 👩‍💻 */

	shape_ok(f, 0, s, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(face_of(f, &l.glyphs[0]), "DejaVuSans.ttf");
	assert_true(l.width > 0);
	assert_int_equal(glyph_text(f, &l.glyphs[0], t, 8), 3);
	assert_int_equal(t[0], 0x1F469);
	assert_int_equal(t[1], 0x200D);
	assert_int_equal(t[2], 0x1F4BB);
	text_line_release(&l);
}

/* Graphemes: a letter with its marks, an emoji sequence, a flag. */
static void test_next_char(void **state)
{
	(void)state;
	assert_int_equal(text_next_char("ab", 2), 1);
	assert_int_equal(text_next_char("e\xCC\x81x", 4), 3);
	assert_int_equal(text_next_char("कि", 6), 6);
	assert_int_equal(text_next_char("\xF0\x9F\x87\xAC\xF0\x9F\x87\xA7!", 9),
			 8);
	assert_int_equal(text_next_char("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", 8),
			 8);
}

/* Whether the sfnt's table directory lists tag. */
static int has_table(const unsigned char *d, size_t len, const char *tag)
{
	size_t n = (size_t)d[4] << 8 | d[5];

	for (size_t i = 0; i < n && 12 + 16 * i + 4 <= len; i++)
		if (memcmp(d + 12 + 16 * i, tag, 4) == 0)
			return 1;
	return 0;
}

/* The same glyph with the same text is one code; the subset font has a
 * cmap from the codes and only the glyphs used. */
static void test_codes_and_subset(void **state)
{
	struct text_fonts *f = *state;
	struct text_line l = {0};
	struct cp_error err;
	unsigned char *data = NULL;
	size_t len = 0;
	unsigned first;

	shape_ok(f, 0, "aaa", &l);
	first = l.glyphs[0].code;
	assert_true(first >= TEXT_CODE_FIRST && first <= TEXT_CODE_LAST);
	assert_int_equal(l.glyphs[1].code, first);
	assert_int_equal(l.glyphs[2].code, first);
	shape_ok(f, 0, "b", &l);
	assert_int_not_equal(l.glyphs[0].code, first);
	assert_int_equal(
	    text_face_subset(f, l.glyphs[0].face, &data, &len, &err), 0);
	assert_true(len > 12);
	/* An sfnt with a cmap, and far smaller than DejaVu Sans. */
	assert_memory_equal(data, "\x00\x01\x00\x00", 4);
	assert_true(has_table(data, len, "cmap"));
	assert_true(len < 60000);
	free(data);
	text_line_release(&l);
}

static void test_missing_fonts(void **state)
{
	struct text_fonts *f = NULL;
	struct cp_error err;

	(void)state;
	assert_int_equal(text_fonts_open(&f, "/nonexistent-fonts", &err),
			 CP_EIO);
	assert_null(f);
	assert_non_null(strstr(err.message, "/nonexistent-fonts"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fallback),
	    cmocka_unit_test(test_arabic),
	    cmocka_unit_test(test_devanagari),
	    cmocka_unit_test(test_bidi),
	    cmocka_unit_test(test_emoji),
	    cmocka_unit_test(test_next_char),
	    cmocka_unit_test(test_codes_and_subset),
	    cmocka_unit_test(test_missing_fonts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
