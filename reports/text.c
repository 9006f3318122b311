/*
 * text.c - text in any script for the PDF reports: font fallback over
 * Debian's DejaVu and Noto faces, bidirectional order (FriBidi), shaping
 * (HarfBuzz) and the subset fonts to embed (hb-subset). The one file that
 * includes HarfBuzz's and FriBidi's headers; text_int.h says what it offers.
 */
#include <errno.h>
#include <fribidi.h>
#include <hb-subset.h>
#include <hb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text_int.h"

#define NOTO	  "/usr/share/fonts/truetype/noto/"
#define WQY	  "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
#define FACES_MAX 64

/*
 * The fallback faces, tried in this order for a character the primary
 * face (DejaVu Sans) lacks, and first for a character of their script.
 * Noto Sans CJK is a CFF font, which libharu cannot embed (it takes
 * TrueType outlines only); WenQuanYi Zen Hei has TrueType outlines for
 * Chinese, Japanese kana and Korean Hangul.
 */
static const struct fallback {
	hb_script_t script; /* HB_SCRIPT_INVALID: any */
	const char *regular, *bold;
} fallbacks[] = {
    {HB_SCRIPT_ARABIC, NOTO "NotoSansArabic-Regular.ttf",
     NOTO "NotoSansArabic-Bold.ttf"},
    {HB_SCRIPT_HEBREW, NOTO "NotoSansHebrew-Regular.ttf",
     NOTO "NotoSansHebrew-Bold.ttf"},
    {HB_SCRIPT_ARMENIAN, NOTO "NotoSansArmenian-Regular.ttf",
     NOTO "NotoSansArmenian-Bold.ttf"},
    {HB_SCRIPT_GEORGIAN, NOTO "NotoSansGeorgian-Regular.ttf",
     NOTO "NotoSansGeorgian-Bold.ttf"},
    {HB_SCRIPT_DEVANAGARI, NOTO "NotoSansDevanagari-Regular.ttf",
     NOTO "NotoSansDevanagari-Bold.ttf"},
    {HB_SCRIPT_BENGALI, NOTO "NotoSansBengali-Regular.ttf",
     NOTO "NotoSansBengali-Bold.ttf"},
    {HB_SCRIPT_THAI, NOTO "NotoSansThai-Regular.ttf",
     NOTO "NotoSansThai-Bold.ttf"},
    {HB_SCRIPT_GURMUKHI, NOTO "NotoSansGurmukhi-Regular.ttf",
     NOTO "NotoSansGurmukhi-Bold.ttf"},
    {HB_SCRIPT_GUJARATI, NOTO "NotoSansGujarati-Regular.ttf",
     NOTO "NotoSansGujarati-Bold.ttf"},
    {HB_SCRIPT_TAMIL, NOTO "NotoSansTamil-Regular.ttf",
     NOTO "NotoSansTamil-Bold.ttf"},
    {HB_SCRIPT_TELUGU, NOTO "NotoSansTelugu-Regular.ttf",
     NOTO "NotoSansTelugu-Bold.ttf"},
    {HB_SCRIPT_KANNADA, NOTO "NotoSansKannada-Regular.ttf",
     NOTO "NotoSansKannada-Bold.ttf"},
    {HB_SCRIPT_MALAYALAM, NOTO "NotoSansMalayalam-Regular.ttf",
     NOTO "NotoSansMalayalam-Bold.ttf"},
    {HB_SCRIPT_SINHALA, NOTO "NotoSansSinhala-Regular.ttf",
     NOTO "NotoSansSinhala-Bold.ttf"},
    {HB_SCRIPT_KHMER, NOTO "NotoSansKhmer-Regular.ttf",
     NOTO "NotoSansKhmer-Bold.ttf"},
    {HB_SCRIPT_LAO, NOTO "NotoSansLao-Regular.ttf",
     NOTO "NotoSansLao-Bold.ttf"},
    {HB_SCRIPT_MYANMAR, NOTO "NotoSansMyanmar-Regular.ttf",
     NOTO "NotoSansMyanmar-Bold.ttf"},
    {HB_SCRIPT_ETHIOPIC, NOTO "NotoSansEthiopic-Regular.ttf",
     NOTO "NotoSansEthiopic-Bold.ttf"},
    {HB_SCRIPT_HAN, WQY, NULL},
    {HB_SCRIPT_HIRAGANA, WQY, NULL},
    {HB_SCRIPT_KATAKANA, WQY, NULL},
    {HB_SCRIPT_HANGUL, WQY, NULL},
    {HB_SCRIPT_BOPOMOFO, WQY, NULL},
    {HB_SCRIPT_INVALID, NOTO "NotoSans-Regular.ttf", NOTO "NotoSans-Bold.ttf"},
    {HB_SCRIPT_INVALID, NOTO "NotoSansSymbols-Regular.ttf",
     NOTO "NotoSansSymbols-Bold.ttf"},
    {HB_SCRIPT_INVALID, NOTO "NotoSansSymbols2-Regular.ttf", NULL},
    {HB_SCRIPT_INVALID, NOTO "NotoSansMath-Regular.ttf", NULL},
};
#define NFALLBACKS (sizeof(fallbacks) / sizeof(fallbacks[0]))

/* A glyph drawn with the text it stands for: code TEXT_CODE_FIRST + i. */
struct code {
	uint32_t gid;
	size_t text_at, text_len; /* in the face's text pool */
};

struct face {
	char path[512];
	int state; /* 0: not opened yet, 1: open, -1: missing or unusable */
	hb_face_t *face;
	hb_font_t *font;
	unsigned upem;
	struct code *codes;
	size_t ncodes, codes_cap;
	uint32_t *text; /* the codes' texts, one after another */
	size_t ntext, text_cap;
	uint32_t *slots; /* hash of (gid, text) -> code index + 1 */
	size_t nslots;
};

struct text_fonts {
	struct face faces[FACES_MAX];
	size_t nfaces;
	/* Face indices: [0] regular, [1] bold. */
	int primary[2];
	int fallback[NFALLBACKS][2];
	hb_buffer_t *buf;
};

static int face_add(struct text_fonts *f, const char *path)
{
	for (size_t i = 0; i < f->nfaces; i++)
		if (strcmp(f->faces[i].path, path) == 0)
			return (int)i;
	if (f->nfaces == FACES_MAX)
		return -1;
	snprintf(f->faces[f->nfaces].path, sizeof(f->faces[0].path), "%s",
		 path);
	return (int)f->nfaces++;
}

/* Opens the face on first use; 1 when it is usable. */
static int face_ready(struct text_fonts *f, int i)
{
	struct face *fc;
	hb_blob_t *blob;

	if (i < 0)
		return 0;
	fc = &f->faces[i];
	if (fc->state)
		return fc->state > 0;
	fc->state = -1;
	blob = hb_blob_create_from_file_or_fail(fc->path);
	if (blob == NULL)
		return 0;
	fc->face = hb_face_create(blob, 0);
	hb_blob_destroy(blob);
	if (hb_face_get_glyph_count(fc->face) == 0) {
		hb_face_destroy(fc->face);
		fc->face = NULL;
		return 0;
	}
	fc->font = hb_font_create(fc->face);
	fc->upem = hb_face_get_upem(fc->face);
	if (fc->upem == 0)
		fc->upem = 1000;
	fc->state = 1;
	return 1;
}

static void face_release(struct face *fc)
{
	hb_font_destroy(fc->font);
	hb_face_destroy(fc->face);
	free(fc->codes);
	free(fc->text);
	free(fc->slots);
}

int text_fonts_open(struct text_fonts **out, const char *latin_dir,
		    struct cp_error *err)
{
	static const char *const primary[2] = {"DejaVuSans.ttf",
					       "DejaVuSans-Bold.ttf"};
	struct text_fonts *f;
	char path[1024];

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (f == NULL || (f->buf = hb_buffer_create()) == NULL ||
	    !hb_buffer_allocation_successful(f->buf)) {
		text_fonts_free(f);
		return cp_error_set(err, CP_ENOMEM, "pdf: out of memory");
	}
	for (int b = 0; b < 2; b++) {
		FILE *probe;

		snprintf(path, sizeof(path), "%s/%s", latin_dir, primary[b]);
		/* HarfBuzz says only that a face is empty: name why. */
		probe = fopen(path, "rb");
		if (probe == NULL) {
			cp_error_set(err, CP_EIO,
				     N_("pdf: cannot open font '%s': %s"), path,
				     strerror(errno));
			text_fonts_free(f);
			return CP_EIO;
		}
		fclose(probe);
		f->primary[b] = face_add(f, path);
		if (!face_ready(f, f->primary[b])) {
			cp_error_set(
			    err, CP_EDATA,
			    N_("pdf: %s: the font file is not a usable "
			       "TrueType font"),
			    path);
			text_fonts_free(f);
			return CP_EDATA;
		}
	}
	for (size_t i = 0; i < NFALLBACKS; i++) {
		f->fallback[i][0] = face_add(f, fallbacks[i].regular);
		f->fallback[i][1] = fallbacks[i].bold
					? face_add(f, fallbacks[i].bold)
					: f->fallback[i][0];
	}
	*out = f;
	return 0;
}

void text_fonts_free(struct text_fonts *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->nfaces; i++)
		face_release(&f->faces[i]);
	hb_buffer_destroy(f->buf);
	free(f);
}

size_t text_nfaces(const struct text_fonts *f)
{
	return f->nfaces;
}

size_t text_face_ncodes(const struct text_fonts *f, size_t face)
{
	return face < f->nfaces ? f->faces[face].ncodes : 0;
}

const char *text_face_name(const struct text_fonts *f, size_t face)
{
	const char *slash;

	if (face >= f->nfaces)
		return "";
	slash = strrchr(f->faces[face].path, '/');
	return slash ? slash + 1 : f->faces[face].path;
}

const uint32_t *text_code_text(const struct text_fonts *f, size_t face,
			       unsigned code, size_t *len)
{
	const struct face *fc;
	size_t i;

	*len = 0;
	if (face >= f->nfaces || code < TEXT_CODE_FIRST)
		return NULL;
	fc = &f->faces[face];
	i = code - TEXT_CODE_FIRST;
	if (i >= fc->ncodes)
		return NULL;
	*len = fc->codes[i].text_len;
	return fc->text + fc->codes[i].text_at;
}

/* ---- UTF-8 and character classes ---- */

/* Decodes valid UTF-8 (pdf.c has cleaned it); returns the bytes used. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = 1;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xF0)
		len = 4, *cp = s[0] & 0x07;
	else if (s[0] >= 0xE0)
		len = 3, *cp = s[0] & 0x0F;
	else
		len = 2, *cp = s[0] & 0x1F;
	if (len > n) {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < len; i++)
		*cp = (*cp << 6) | (s[i] & 0x3F);
	return len;
}

/* Characters that render as nothing and belong to their neighbour. */
static int ignorable(uint32_t c)
{
	return c == 0x00AD || c == 0x034F || c == 0x061C ||
	       (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
	       (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF ||
	       (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0000 && c <= 0xE0FFF);
}

static int is_mark(uint32_t c)
{
	hb_unicode_general_category_t gc =
	    hb_unicode_general_category(hb_unicode_funcs_get_default(), c);

	return gc == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
	       gc == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
	       gc == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK;
}

/* Parts of an emoji sequence after its first character. */
static int emoji_part(uint32_t c)
{
	return (c >= 0x1F3FB && c <= 0x1F3FF) || c == 0xFE0E || c == 0xFE0F ||
	       c == 0x20E3 || (c >= 0xE0020 && c <= 0xE007F);
}

static int regional(uint32_t c)
{
	return c >= 0x1F1E6 && c <= 0x1F1FF;
}

/*
 * The length of the character starting at cps[i]: a base with its marks
 * and ignorables, an emoji with its modifiers and what a ZWJ joins to
 * it, a pair of regional indicators (a flag).
 */
static size_t grapheme(const uint32_t *cps, size_t n, size_t i)
{
	size_t j = i + 1;

	if (regional(cps[i]) && j < n && regional(cps[j]))
		return 2;
	while (j < n) {
		if (cps[j] == 0x200D && j + 1 < n)
			j += 2;
		else if (is_mark(cps[j]) || emoji_part(cps[j]) ||
			 ignorable(cps[j]))
			j++;
		else
			break;
	}
	return j - i;
}

size_t text_next_char(const char *s, size_t n)
{
	uint32_t cps[16];
	size_t offs[17], k = 0, at = 0, g;

	if (n == 0)
		return 0;
	while (k < 16 && at < n) {
		offs[k] = at;
		at +=
		    utf8_decode((const unsigned char *)s + at, n - at, &cps[k]);
		k++;
	}
	offs[k] = at;
	g = grapheme(cps, k, 0);
	return offs[g];
}

/* Whether s[0..n) has a strong letter, right to left only with rtl_only;
 * *rtl says whether the first such is right to left. */
static int first_letter(const char *s, size_t n, int rtl_only, int *rtl)
{
	size_t i = 0;

	while (i < n) {
		uint32_t c;
		FriBidiCharType t;

		i += utf8_decode((const unsigned char *)s + i, n - i, &c);
		t = fribidi_get_bidi_type(c);
		if (FRIBIDI_IS_LETTER(t) && (!rtl_only || FRIBIDI_IS_RTL(t))) {
			*rtl = FRIBIDI_IS_RTL(t) ? 1 : 0;
			return 1;
		}
	}
	*rtl = 0;
	return 0;
}

enum text_dir text_direction(const char *s, size_t n)
{
	int rtl;

	first_letter(s, n, 0, &rtl);
	return rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR;
}

int text_has_rtl(const char *s, size_t n)
{
	int rtl;

	return first_letter(s, n, 1, &rtl);
}

/* ---- fonts for characters ---- */

static int has_glyph(struct text_fonts *f, int face, uint32_t c)
{
	hb_codepoint_t g;

	return face_ready(f, face) &&
	       hb_font_get_nominal_glyph(f->faces[face].font, c, &g);
}

/*
 * The face for character c of script sc after a character drawn with
 * prev (-1: none): marks, ignorables and characters common to scripts
 * stay with prev when it has them; then the face of the script, the
 * primary face, every fallback. -1 when no face has c.
 */
static int pick_face(struct text_fonts *f, int bold, uint32_t c, hb_script_t sc,
		     int prev)
{
	if (prev >= 0 && (ignorable(c) || sc == HB_SCRIPT_INHERITED))
		return prev;
	if (prev >= 0 && sc == HB_SCRIPT_COMMON && has_glyph(f, prev, c))
		return prev;
	for (size_t i = 0; i < NFALLBACKS; i++)
		if (fallbacks[i].script == sc &&
		    has_glyph(f, f->fallback[i][bold], c))
			return f->fallback[i][bold];
	if (has_glyph(f, f->primary[bold], c))
		return f->primary[bold];
	for (size_t i = 0; i < NFALLBACKS; i++)
		if (has_glyph(f, f->fallback[i][bold], c))
			return f->fallback[i][bold];
	return -1;
}

/* ---- codes ---- */

static uint32_t hash_code(uint32_t gid, const uint32_t *t, size_t n)
{
	uint32_t h = 2166136261u ^ gid;

	h *= 16777619u;
	for (size_t i = 0; i < n; i++) {
		h ^= t[i];
		h *= 16777619u;
	}
	return h;
}

static int grow_slots(struct face *fc)
{
	size_t n = fc->nslots ? fc->nslots * 2 : 256;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (size_t i = 0; i < fc->ncodes; i++) {
		const struct code *c = &fc->codes[i];
		size_t at =
		    hash_code(c->gid, fc->text + c->text_at, c->text_len) &
		    (n - 1);

		while (slots[at])
			at = (at + 1) & (n - 1);
		slots[at] = (uint32_t)i + 1;
	}
	free(fc->slots);
	fc->slots = slots;
	fc->nslots = n;
	return 0;
}

/* The code of (gid, text) in face fc, made when new; 0 on failure. */
static unsigned code_for(struct face *fc, uint32_t gid, const uint32_t *t,
			 size_t n, struct cp_error *err, int *rc)
{
	size_t at;

	if (fc->ncodes * 2 >= fc->nslots && grow_slots(fc)) {
		*rc = cp_error_set(err, CP_ENOMEM, "pdf: out of memory");
		return 0;
	}
	at = hash_code(gid, t, n) & (fc->nslots - 1);
	while (fc->slots[at]) {
		const struct code *c = &fc->codes[fc->slots[at] - 1];

		if (c->gid == gid && c->text_len == n &&
		    memcmp(fc->text + c->text_at, t, n * sizeof(*t)) == 0)
			return TEXT_CODE_FIRST + fc->slots[at] - 1;
		at = (at + 1) & (fc->nslots - 1);
	}
	if (fc->ncodes == TEXT_CODES_MAX) {
		*rc =
		    cp_error_set(err, CP_EDATA,
				 N_("pdf: more than %u different glyphs of one "
				    "font in a report"),
				 TEXT_CODES_MAX);
		return 0;
	}
	if (fc->ncodes == fc->codes_cap) {
		size_t cap = fc->codes_cap ? fc->codes_cap * 2 : 64;
		struct code *codes = realloc(fc->codes, cap * sizeof(*codes));

		if (codes == NULL) {
			*rc =
			    cp_error_set(err, CP_ENOMEM, "pdf: out of memory");
			return 0;
		}
		fc->codes = codes;
		fc->codes_cap = cap;
	}
	if (fc->ntext + n > fc->text_cap) {
		size_t cap = fc->text_cap ? fc->text_cap * 2 : 256;
		uint32_t *text;

		while (cap < fc->ntext + n)
			cap *= 2;
		text = realloc(fc->text, cap * sizeof(*text));
		if (text == NULL) {
			*rc =
			    cp_error_set(err, CP_ENOMEM, "pdf: out of memory");
			return 0;
		}
		fc->text = text;
		fc->text_cap = cap;
	}
	if (n)
		memcpy(fc->text + fc->ntext, t, n * sizeof(*t));
	fc->codes[fc->ncodes].gid = gid;
	fc->codes[fc->ncodes].text_at = fc->ntext;
	fc->codes[fc->ncodes].text_len = n;
	fc->ntext += n;
	fc->slots[at] = (uint32_t)++fc->ncodes;
	return TEXT_CODE_FIRST + (unsigned)fc->ncodes - 1;
}

/* ---- shaping ---- */

struct run {
	size_t start, len;
	int face; /* -1: a placeholder for one character no font has */
	FriBidiLevel level;
};

struct scratch {
	uint32_t *cps;
	FriBidiCharType *types;
	FriBidiBracketType *brackets;
	FriBidiLevel *levels;
	int *faces;
	struct run *runs;
	size_t *order;
};

static void scratch_release(struct scratch *s)
{
	free(s->cps);
	free(s->types);
	free(s->brackets);
	free(s->levels);
	free(s->faces);
	free(s->runs);
	free(s->order);
}

static int line_push(struct text_line *l, unsigned face, unsigned code, float x,
		     float y, float advance)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct text_glyph *g = realloc(l->glyphs, cap * sizeof(*g));

		if (g == NULL)
			return -1;
		l->glyphs = g;
		l->cap = cap;
	}
	l->glyphs[l->n].face = face;
	l->glyphs[l->n].code = code;
	l->glyphs[l->n].x = x;
	l->glyphs[l->n].y = y;
	l->glyphs[l->n].advance = advance;
	l->n++;
	return 0;
}

/* Reverses runs of level >= lev, from the highest level down (rule L2). */
static void reorder(const struct run *runs, size_t *order, size_t n)
{
	int hi = 0, lo_odd = 127;

	for (size_t i = 0; i < n; i++) {
		order[i] = i;
		if (runs[i].level > hi)
			hi = runs[i].level;
		if ((runs[i].level & 1) && runs[i].level < lo_odd)
			lo_odd = runs[i].level;
	}
	for (int lev = hi; lev >= lo_odd && lev > 0; lev--) {
		size_t i = 0;

		while (i < n) {
			size_t j = i;

			if (runs[order[i]].level < lev) {
				i++;
				continue;
			}
			while (j < n && runs[order[j]].level >= lev)
				j++;
			for (size_t a = i, b = j - 1; a < b; a++, b--) {
				size_t t = order[a];
				order[a] = order[b];
				order[b] = t;
			}
			i = j;
		}
	}
}

/*
 * Shapes one run and appends its glyphs at *pen. With record set each
 * glyph gets the code of (glyph, the text of its cluster): the first
 * glyph of a cluster in logical order carries the cluster's text, the
 * others none, so copying gives each character once.
 */
static int shape_run(struct text_fonts *f, int bold, const struct scratch *s,
		     size_t total, const struct run *r, int record,
		     struct text_line *out, float *pen, struct cp_error *err)
{
	int rc = 0;
	int rtl = r->level & 1;

	if (r->face < 0) {
		int pf = f->primary[bold];
		struct face *fc = &f->faces[pf];
		hb_codepoint_t g = 0;
		float adv;
		unsigned code = 0;

		hb_font_get_nominal_glyph(fc->font, TEXT_PLACEHOLDER, &g);
		adv = (float)hb_font_get_glyph_h_advance(fc->font, g) *
		      1000.0f / (float)fc->upem;
		if (record)
			code = code_for(fc, g, s->cps + r->start, r->len, err,
					&rc);
		if (rc)
			return rc;
		if (line_push(out, (unsigned)pf, code, *pen, 0, adv))
			return cp_error_set(err, CP_ENOMEM,
					    "pdf: out of memory");
		*pen += adv;
		return 0;
	}

	struct face *fc = &f->faces[r->face];
	hb_buffer_t *buf = f->buf;
	unsigned n;
	hb_glyph_info_t *info;
	hb_glyph_position_t *pos;
	float scale = 1000.0f / (float)fc->upem;
	size_t *tat = NULL, *tlen = NULL;

	hb_buffer_clear_contents(buf);
	hb_buffer_add_codepoints(buf, s->cps, (int)total, (unsigned)r->start,
				 (int)r->len);
	hb_buffer_set_direction(buf, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
	hb_buffer_guess_segment_properties(buf);
	hb_shape(fc->font, buf, NULL, 0);
	if (!hb_buffer_allocation_successful(buf))
		return cp_error_set(err, CP_ENOMEM, "pdf: out of memory");
	info = hb_buffer_get_glyph_infos(buf, &n);
	pos = hb_buffer_get_glyph_positions(buf, NULL);
	if (record && n) {
		tat = calloc(n, sizeof(*tat));
		tlen = calloc(n, sizeof(*tlen));
		if (tat == NULL || tlen == NULL) {
			free(tat);
			free(tlen);
			return cp_error_set(err, CP_ENOMEM,
					    "pdf: out of memory");
		}
		/* Clusters rise in logical order: the buffer's for a
		 * left-to-right run, its reverse for right to left. */
		for (unsigned k = 0; k < n;) {
			unsigned i = rtl ? n - 1 - k : k, g = 1;
			uint32_t c = info[i].cluster, end = r->start + r->len;

			while (k + g < n &&
			       info[rtl ? n - 1 - k - g : k + g].cluster == c)
				g++;
			if (k + g < n)
				end = info[rtl ? n - 1 - k - g : k + g].cluster;
			if (end < c)
				end = c;
			/*
			 * Right to left, the cluster's text goes with its
			 * first glyph (see below). Left to right, each glyph
			 * that advances takes one character in turn and the
			 * last of them the rest, so the glyphs read in order
			 * give the text. poppler drops the text of a glyph
			 * that does not advance (a mark over its base) and
			 * sees a space where a glyph with no text leaves a
			 * gap ("हि न्दी" for "हिन्दी").
			 */
			unsigned carriers = 0, ci = 0;
			uint32_t nc = end - c;

			for (unsigned m = 0; m < g; m++)
				carriers += pos[rtl ? n - 1 - k - m : k + m]
						.x_advance != 0;
			for (unsigned m = 0; m < g; m++) {
				unsigned j = rtl ? n - 1 - k - m : k + m;
				int carries =
				    carriers ? pos[j].x_advance != 0 : m == 0;

				tat[j] = c;
				tlen[j] = 0;
				if (rtl) {
					tlen[j] = m == 0 ? nc : 0;
				} else if (carries && ci < nc) {
					tat[j] = c + ci;
					tlen[j] =
					    ci + 1 < (carriers ? carriers : 1)
						? 1
						: nc - ci;
					ci++;
				}
			}
			k += g;
		}
	}
	for (unsigned i = 0; i < n && rc == 0; i++) {
		unsigned code = 0;
		float adv = (float)pos[i].x_advance * scale;

		if (record && rtl && tlen[i] > 1) {
			/*
			 * Several characters on one glyph of a right-to-left
			 * run (lam-alef, a letter with its harakat) are
			 * mapped last first: poppler spreads a glyph's text
			 * over its width left to right and reads a
			 * right-to-left word from the right, so in logical
			 * order they would come out reversed.
			 */
			uint32_t *rev = malloc(tlen[i] * sizeof(*rev));

			if (rev == NULL) {
				rc = cp_error_set(err, CP_ENOMEM,
						  "pdf: out of memory");
				break;
			}
			for (size_t m = 0; m < tlen[i]; m++)
				rev[m] = s->cps[tat[i] + tlen[i] - 1 - m];
			code = code_for(fc, info[i].codepoint, rev, tlen[i],
					err, &rc);
			free(rev);
		} else if (record) {
			code = code_for(fc, info[i].codepoint, s->cps + tat[i],
					tlen[i], err, &rc);
		}
		if (rc == 0 && line_push(out, (unsigned)r->face, code,
					 *pen + (float)pos[i].x_offset * scale,
					 (float)pos[i].y_offset * scale, adv))
			rc = cp_error_set(err, CP_ENOMEM, "pdf: out of memory");
		*pen += adv;
	}
	free(tat);
	free(tlen);
	return rc;
}

static int shape(struct text_fonts *f, int bold, enum text_dir dir,
		 const char *str, size_t len, int record, struct text_line *out,
		 struct cp_error *err)
{
	struct scratch s;
	size_t n = 0, nruns = 0, i = 0;
	FriBidiParType base;
	float pen = 0;
	int rc = 0;
	hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();

	bold = bold ? 1 : 0;
	out->n = 0;
	out->width = 0;
	out->rtl = 0;
	if (len == 0)
		return 0;
	memset(&s, 0, sizeof(s));
	s.cps = malloc(len * sizeof(*s.cps));
	s.types = malloc(len * sizeof(*s.types));
	s.brackets = malloc(len * sizeof(*s.brackets));
	s.levels = malloc(len * sizeof(*s.levels));
	s.faces = malloc(len * sizeof(*s.faces));
	s.runs = malloc(len * sizeof(*s.runs));
	s.order = malloc(len * sizeof(*s.order));
	if (!s.cps || !s.types || !s.brackets || !s.levels || !s.faces ||
	    !s.runs || !s.order) {
		rc = cp_error_set(err, CP_ENOMEM, "pdf: out of memory");
		goto done;
	}
	while (i < len)
		i += utf8_decode((const unsigned char *)str + i, len - i,
				 &s.cps[n++]);

	/* Levels (rules P2 to I2); a forced direction sets the paragraph's. */
	base = dir == TEXT_DIR_RTL   ? FRIBIDI_PAR_RTL
	       : dir == TEXT_DIR_LTR ? FRIBIDI_PAR_LTR
				     : FRIBIDI_PAR_ON;
	fribidi_get_bidi_types(s.cps, (FriBidiStrIndex)n, s.types);
	fribidi_get_bracket_types(s.cps, (FriBidiStrIndex)n, s.types,
				  s.brackets);
	if (!fribidi_get_par_embedding_levels_ex(
		s.types, s.brackets, (FriBidiStrIndex)n, &base, s.levels)) {
		rc = cp_error_set(err, CP_ENOMEM, "pdf: out of memory");
		goto done;
	}
	out->rtl = FRIBIDI_IS_RTL(base) ? 1 : 0;

	/* A face per character; a character no face has takes its whole
	 * grapheme (an emoji sequence) into one placeholder. */
	for (i = 0; i < n;) {
		int prev = i ? s.faces[i - 1] : -1;
		int fc = pick_face(f, bold, s.cps[i],
				   hb_unicode_script(uf, s.cps[i]), prev);

		if (fc >= 0) {
			s.faces[i++] = fc;
			continue;
		}
		for (size_t g = grapheme(s.cps, n, i); g > 0; g--)
			s.faces[i++] = -2 - (int)nruns; /* one per grapheme */
		nruns++;
	}
	nruns = 0;
	for (i = 0; i < n; i++) {
		int fc = s.faces[i] < -1 ? -1 : s.faces[i];

		if (nruns && s.runs[nruns - 1].level == s.levels[i] &&
		    s.faces[i] == s.faces[i - 1]) {
			s.runs[nruns - 1].len++;
			continue;
		}
		s.runs[nruns].start = i;
		s.runs[nruns].len = 1;
		s.runs[nruns].face = fc;
		s.runs[nruns].level = s.levels[i];
		nruns++;
	}
	reorder(s.runs, s.order, nruns);
	for (i = 0; i < nruns && rc == 0; i++)
		rc = shape_run(f, bold, &s, n, &s.runs[s.order[i]], record, out,
			       &pen, err);
	out->width = pen;
done:
	scratch_release(&s);
	return rc;
}

int text_shape(struct text_fonts *f, int bold, enum text_dir dir, const char *s,
	       size_t n, struct text_line *out, struct cp_error *err)
{
	return shape(f, bold, dir, s, n, 1, out, err);
}

int text_measure(struct text_fonts *f, int bold, const char *s, size_t n,
		 float *width, struct cp_error *err)
{
	struct text_line l = {0};
	int rc = shape(f, bold, TEXT_DIR_AUTO, s, n, 0, &l, err);

	*width = rc ? 0 : l.width;
	text_line_release(&l);
	return rc;
}

void text_line_release(struct text_line *l)
{
	free(l->glyphs);
	l->glyphs = NULL;
	l->n = l->cap = 0;
}

/* ---- the fonts to embed ---- */

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* A cmap with one (3,1) format 4 subtable: code -> new glyph id. */
static hb_blob_t *make_cmap(const struct face *fc, const hb_map_t *map)
{
	size_t n = fc->ncodes, sub = 32 + 2 * n, size = 12 + sub;
	unsigned char *p = calloc(1, size), *t;

	if (p == NULL)
		return NULL;
	put16(p + 2, 1); /* one subtable */
	put16(p + 4, 3); /* Windows */
	put16(p + 6, 1); /* Unicode BMP */
	p[11] = 12;	 /* at offset 12 */
	t = p + 12;
	put16(t + 0, 4);	     /* format */
	put16(t + 2, (unsigned)sub); /* length */
	put16(t + 6, 4);	     /* segCountX2: 2 segments */
	put16(t + 8, 4);	     /* searchRange */
	put16(t + 10, 1);	     /* entrySelector */
	put16(t + 12, 0);	     /* rangeShift */
	put16(t + 14, TEXT_CODE_FIRST + (unsigned)n - 1); /* endCode */
	put16(t + 16, 0xFFFF);
	put16(t + 20, TEXT_CODE_FIRST); /* startCode, after reservedPad */
	put16(t + 22, 0xFFFF);
	put16(t + 24, 0); /* idDelta */
	put16(t + 26, 1);
	put16(t + 28, 4); /* idRangeOffset: into glyphIdArray */
	put16(t + 30, 0);
	for (size_t i = 0; i < n; i++)
		put16(t + 32 + 2 * i, hb_map_get(map, fc->codes[i].gid));
	return hb_blob_create((const char *)p, (unsigned)size,
			      HB_MEMORY_MODE_READONLY, p, free);
}

/*
 * The hmtx table t of face with every zero advance raised to a thousandth
 * of an em: libharu's ShowText draws nothing for a string of width 0, and
 * a mark (a harakah, a Thai vowel above) is drawn as a string of its own
 * at its own offset. The advance does not move what follows: pdf.c places
 * the next string from the line's start. Takes t's reference.
 */
static hb_blob_t *hmtx_no_zero(hb_face_t *face, hb_blob_t *t, unsigned upem)
{
	hb_blob_t *hhea =
	    hb_face_reference_table(face, HB_TAG('h', 'h', 'e', 'a'));
	unsigned len, hlen, nmetrics, least = (upem + 999) / 1000;
	const unsigned char *h =
	    (const unsigned char *)hb_blob_get_data(hhea, &hlen);
	const char *src = hb_blob_get_data(t, &len);
	unsigned char *p;

	nmetrics = hlen >= 36 ? (unsigned)h[34] << 8 | h[35] : 0;
	hb_blob_destroy(hhea);
	p = malloc(len ? len : 1);
	if (p == NULL) {
		hb_blob_destroy(t);
		return NULL;
	}
	memcpy(p, src, len);
	hb_blob_destroy(t);
	for (unsigned i = 0; i < nmetrics && 4 * i + 1 < len; i++)
		if (p[4 * i] == 0 && p[4 * i + 1] == 0)
			put16(p + 4 * i, least);
	return hb_blob_create((const char *)p, len, HB_MEMORY_MODE_READONLY, p,
			      free);
}

/*
 * The tables copied into the font to embed: those libharu embeds (but the
 * cmap, which is ours, and the hinting, which is dropped). Nothing else,
 * so the font does not depend on which optional tables hb-subset kept.
 */
static int wanted(hb_tag_t tag)
{
	static const hb_tag_t keep[] = {
	    HB_TAG('O', 'S', '/', '2'), HB_TAG('g', 'l', 'y', 'f'),
	    HB_TAG('h', 'e', 'a', 'd'), HB_TAG('h', 'h', 'e', 'a'),
	    HB_TAG('h', 'm', 't', 'x'), HB_TAG('l', 'o', 'c', 'a'),
	    HB_TAG('m', 'a', 'x', 'p'), HB_TAG('n', 'a', 'm', 'e'),
	    HB_TAG('p', 'o', 's', 't'),
	};

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (keep[i] == tag)
			return 1;
	return 0;
}

int text_face_subset(struct text_fonts *f, size_t face, unsigned char **data,
		     size_t *len, struct cp_error *err)
{
	static const hb_tag_t drop[] = {
	    HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'),
	    HB_TAG('G', 'D', 'E', 'F'), HB_TAG('B', 'A', 'S', 'E'),
	    HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
	    HB_TAG('k', 'e', 'r', 'n'), HB_TAG('m', 'o', 'r', 'x'),
	    HB_TAG('v', 'h', 'e', 'a'), HB_TAG('v', 'm', 't', 'x'),
	    HB_TAG('B', 'D', 'F', ' '), HB_TAG('F', 'F', 'T', 'M'),
	    HB_TAG('g', 'a', 's', 'p'), HB_TAG('D', 'S', 'I', 'G'),
	    HB_TAG('h', 'd', 'm', 'x'), HB_TAG('L', 'T', 'S', 'H'),
	    HB_TAG('V', 'D', 'M', 'X'), HB_TAG('P', 'C', 'L', 'T'),
	};
	static const hb_tag_t need[] = {
	    HB_TAG('h', 'e', 'a', 'd'), HB_TAG('h', 'h', 'e', 'a'),
	    HB_TAG('m', 'a', 'x', 'p'), HB_TAG('h', 'm', 't', 'x'),
	    HB_TAG('l', 'o', 'c', 'a'), HB_TAG('g', 'l', 'y', 'f'),
	    HB_TAG('n', 'a', 'm', 'e'), HB_TAG('p', 'o', 's', 't'),
	    HB_TAG('O', 'S', '/', '2'),
	};
	struct face *fc;
	hb_subset_input_t *in = NULL;
	hb_subset_plan_t *plan = NULL;
	hb_face_t *sub = NULL, *parsed = NULL, *builder = NULL;
	hb_blob_t *blob = NULL, *cmap = NULL, *out = NULL;
	hb_set_t *glyphs, *drops;
	unsigned ntags, got;
	int rc = 0;

	*data = NULL;
	*len = 0;
	if (face >= f->nfaces || !face_ready(f, (int)face))
		return cp_error_set(err, CP_EFAIL, "pdf: no such font");
	fc = &f->faces[face];
	in = hb_subset_input_create_or_fail();
	if (in == NULL)
		goto nomem;
	glyphs = hb_subset_input_glyph_set(in);
	hb_set_add(glyphs, 0);
	for (size_t i = 0; i < fc->ncodes; i++)
		hb_set_add(glyphs, fc->codes[i].gid);
	drops = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		hb_set_add(drops, drop[i]);
	/* No unicodes: the cmap is ours, from the codes. */
	hb_set_clear(hb_subset_input_unicode_set(in));
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING |
					  HB_SUBSET_FLAGS_GLYPH_NAMES);
	plan = hb_subset_plan_create_or_fail(fc->face, in);
	if (plan == NULL)
		goto nomem;
	sub = hb_subset_plan_execute_or_fail(plan);
	if (sub == NULL)
		goto nomem;
	/* Copy every table but the cmap into a new font with our cmap. */
	blob = hb_face_reference_blob(sub);
	parsed = hb_face_create(blob, 0);
	builder = hb_face_builder_create();
	cmap = make_cmap(fc, hb_subset_plan_old_to_new_glyph_mapping(plan));
	if (cmap == NULL || builder == NULL)
		goto nomem;
	/* hb-subset may drop a table it could not subset (out of memory)
	 * and still succeed: a font without them would draw nothing. */
	if (hb_face_get_glyph_count(parsed) !=
	    hb_map_get_population(
		hb_subset_plan_new_to_old_glyph_mapping(plan)))
		goto nomem;
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		hb_blob_t *t = hb_face_reference_table(parsed, need[i]);
		unsigned n = hb_blob_get_length(t);

		hb_blob_destroy(t);
		if (n == 0)
			goto nomem;
	}
	ntags = hb_face_get_table_tags(parsed, 0, NULL, NULL);
	for (unsigned k = 0; k < ntags; k++) {
		hb_tag_t tag;
		hb_blob_t *t;

		got = 1;
		hb_face_get_table_tags(parsed, k, &got, &tag);
		if (got != 1 || !wanted(tag))
			continue;
		t = hb_face_reference_table(parsed, tag);
		if (tag == HB_TAG('h', 'm', 't', 'x'))
			t = hmtx_no_zero(parsed, t, fc->upem);
		if (t == NULL)
			goto nomem;
		hb_face_builder_add_table(builder, tag, t);
		hb_blob_destroy(t);
	}
	hb_face_builder_add_table(builder, HB_TAG('c', 'm', 'a', 'p'), cmap);
	out = hb_face_reference_blob(builder);
	{
		unsigned n;
		const char *bytes = hb_blob_get_data(out, &n);

		if (n == 0)
			goto nomem;
		*data = malloc(n);
		if (*data == NULL)
			goto nomem;
		memcpy(*data, bytes, n);
		*len = n;
	}
	goto done;
nomem:
	rc = cp_error_set(err, CP_ENOMEM, N_("pdf: cannot subset font '%s'"),
			  text_face_name(f, face));
done:
	hb_blob_destroy(out);
	hb_blob_destroy(cmap);
	hb_face_destroy(builder);
	hb_face_destroy(parsed);
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	hb_subset_plan_destroy(plan);
	hb_subset_input_destroy(in);
	return rc;
}
