/*
 * pdf.c - the one file that talks to libharu: the document, its embedded
 * fonts, pages with margins and a footer, UTF-8 text with wrapping, and the
 * few shapes the charts are made of.
 *
 * libharu reports errors through a handler rather than return values alone.
 * The handler here records the first error in the caller's struct cp_error
 * and marks the document failed; every drawing call checks that mark first,
 * so nothing longjmps and a layout never has to test each call.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hpdf_conf.h>
#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_streams.h>

#include "buf.h"
#include "i18n.h"
#include "pdf_int.h"

#define LINE_BYTES_MAX	 4000
#define DEFAULT_FONT_DIR "/usr/share/fonts/truetype/dejavu"

const struct rgb PDF_INK = {0.13f, 0.15f, 0.18f};
const struct rgb PDF_MUTED = {0.42f, 0.45f, 0.49f};
const struct rgb PDF_RULE = {0.82f, 0.84f, 0.86f};
const struct rgb PDF_ACCENT = {0.0f, 0.40f, 0.37f};
const struct rgb PDF_PREVIOUS = {0.58f, 0.50f, 0.42f};
const struct rgb PDF_WASH = {0.95f, 0.96f, 0.95f};
const struct rgb PDF_WHITE = {1.0f, 1.0f, 1.0f};
const struct rgb PDF_ANSWER[5] = {
    {0.549f, 0.318f, 0.039f}, /* #8c510a, L* 40 */
    {0.847f, 0.702f, 0.396f}, /* #d8b365, L* 75 */
    {0.933f, 0.933f, 0.933f}, /* #eeeeee, L* 94 */
    {0.208f, 0.592f, 0.561f}, /* #35978f, L* 57 */
    {0.004f, 0.275f, 0.235f}, /* #01463c, L* 26 */
};

const char *rp_fmt(char *out, size_t n, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(out, n, f, ap);
	va_end(ap);
	return out;
}

/* Names the libharu errors a user can cause or fix (marked N_(): shown
 * in the language of errors); the rest by number. */
static const char *hpdf_error_text(HPDF_STATUS code)
{
	switch (code) {
	case HPDF_FAILD_TO_ALLOC_MEM:
		return "out of memory";
	case HPDF_FILE_IO_ERROR:
	case HPDF_FILE_OPEN_ERROR:
		return N_("cannot read the font file");
	case HPDF_TTF_CANNOT_EMBEDDING_FONT:
		return N_("the font does not allow embedding");
	case HPDF_INVALID_TTC_INDEX:
	case HPDF_INVALID_FONTDEF_DATA:
	case HPDF_TTF_INVALID_CMAP:
	case HPDF_TTF_INVALID_FOMAT:
	case HPDF_TTF_MISSING_TABLE:
		return N_("the font file is not a usable TrueType font");
	case HPDF_PAGE_OUT_OF_RANGE:
		return N_("a drawing went off the page");
	default:
		return NULL;
	}
}

static void on_hpdf_error(HPDF_STATUS code, HPDF_STATUS detail, void *arg)
{
	struct pdf *p = arg;
	const char *text = hpdf_error_text(code);
	int cp_code = CP_EFAIL;

	if (p->failed)
		return;
	p->failed = 1;
	if (code == HPDF_FAILD_TO_ALLOC_MEM)
		cp_code = CP_ENOMEM;
	else if (code == HPDF_TTF_CANNOT_EMBEDDING_FONT ||
		 code == HPDF_INVALID_TTC_INDEX ||
		 code == HPDF_INVALID_FONTDEF_DATA ||
		 code == HPDF_TTF_INVALID_CMAP ||
		 code == HPDF_TTF_INVALID_FOMAT ||
		 code == HPDF_TTF_MISSING_TABLE)
		cp_code = CP_EDATA;
	else if (code == HPDF_FILE_IO_ERROR || code == HPDF_FILE_OPEN_ERROR)
		cp_code = CP_EIO;
	if (text)
		/* TRANSLATORS: %s is a translated reason, such as "the font
		 * does not allow embedding"; then libharu's error numbers. */
		cp_error_set(p->err, cp_code, N_("pdf: %s (libharu 0x%04X/%u)"),
			     cp_gettext_error(text), (unsigned)code,
			     (unsigned)detail);
	else
		cp_error_set(p->err, cp_code,
			     N_("pdf: libharu error 0x%04X/%u"), (unsigned)code,
			     (unsigned)detail);
}

static int set_date(struct pdf *p, long long when)
{
	time_t t = (time_t)when;
	struct tm tm;
	HPDF_Date d;

	if (gmtime_r(&t, &tm) == NULL)
		return cp_error_set(p->err, CP_EUSAGE,
				    "creation time %lld is out of range", when);
	memset(&d, 0, sizeof(d));
	d.year = tm.tm_year + 1900;
	d.month = tm.tm_mon + 1;
	d.day = tm.tm_mday;
	d.hour = tm.tm_hour;
	d.minutes = tm.tm_min;
	d.seconds = tm.tm_sec;
	d.ind = 'Z';
	HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_CREATION_DATE, d);
	HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_MOD_DATE, d);
	return p->failed ? p->err->code : 0;
}

int pdf_open(struct pdf *p, const struct rp_options *o, int landscape,
	     const char *title, struct cp_error *err)
{
	const char *dir = o && o->font_dir ? o->font_dir : DEFAULT_FONT_DIR;
	int rc;

	memset(p, 0, sizeof(*p));
	p->err = err ? err : &p->own_err;
	cp_error_clear(p->err);
	p->landscape = landscape;
	p->rtl = strcmp(cp_lang_current()->dir, "rtl") == 0;
	p->paper = o ? o->paper : RP_PAPER_A4;
	p->doc = HPDF_New(on_hpdf_error, p);
	if (p->doc == NULL)
		return cp_error_set(p->err, CP_ENOMEM, "pdf: out of memory");
	HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(p->doc);
	HPDF_SetCurrentEncoder(p->doc, "UTF-8");
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR, "carepulse");
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_TITLE, title);
	if (o && o->has_creation_time && (rc = set_date(p, o->creation_time)))
		return rc;
	if (p->failed)
		return p->err->code ? p->err->code : CP_EFAIL;
	if ((rc = text_fonts_open(&p->fonts, dir, p->err))) {
		p->failed = 1;
		return rc;
	}
	return 0;
}

void pdf_close(struct pdf *p)
{
	if (p->doc)
		HPDF_Free(p->doc);
	p->doc = NULL;
	text_fonts_free(p->fonts);
	p->fonts = NULL;
	text_line_release(&p->line);
	free(p->items);
	free(p->glyphs);
	p->items = NULL;
	p->glyphs = NULL;
	p->nitems = p->nglyphs = p->items_cap = p->glyphs_cap = 0;
}

/* Writes all of data to fd, retrying short writes. */
static int write_all(int fd, const unsigned char *data, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, data, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		n -= (size_t)w;
	}
	return 0;
}

static int draw_text(struct pdf *p);

int pdf_save(struct pdf *p, const char *path)
{
	struct cp_buf tmp;
	unsigned char *data = NULL;
	HPDF_UINT32 size;
	int fd = -1, rc = 0, created = 0;

	if (p->failed)
		return p->err->code ? p->err->code : CP_EFAIL;
	if ((rc = draw_text(p)))
		return rc;
	if (HPDF_SaveToStream(p->doc) != HPDF_OK || p->failed)
		return p->failed ? p->err->code : CP_EFAIL;
	size = HPDF_GetStreamSize(p->doc);
	data = malloc(size ? size : 1);
	if (data == NULL)
		return cp_error_set(p->err, CP_ENOMEM, "pdf: out of memory");
	/* The bytes HPDF_SaveToStream wrote, read back: HPDF_GetContents
	 * would write (and compress) the whole document again. */
	if (HPDF_ResetStream(p->doc) != HPDF_OK ||
	    HPDF_ReadFromStream(p->doc, data, &size) != HPDF_OK ||
	    size != HPDF_GetStreamSize(p->doc) || p->failed) {
		free(data);
		return p->failed ? p->err->code : CP_EFAIL;
	}

	cp_buf_init(&tmp, 4096);
	if ((rc = cp_buf_printf(&tmp, p->err, "%s.tmp-XXXXXX", path)))
		goto done;
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		rc = cp_error_set(p->err, CP_EIO, N_("cannot create '%s': %s"),
				  tmp.data, strerror(errno));
		goto done;
	}
	created = 1;
	/* mkstemp makes the file private; a report is an ordinary file. */
	if (fchmod(fd, 0644) || write_all(fd, data, size) || fsync(fd)) {
		rc = cp_error_set(p->err, CP_EIO, N_("cannot write '%s': %s"),
				  path, strerror(errno));
		goto done;
	}
	if (close(fd)) {
		fd = -1;
		rc = cp_error_set(p->err, CP_EIO, N_("cannot write '%s': %s"),
				  path, strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp.data, path))
		rc = cp_error_set(p->err, CP_EIO, N_("cannot write '%s': %s"),
				  path, strerror(errno));
done:
	if (fd >= 0)
		close(fd);
	if (rc && created)
		unlink(tmp.data);
	cp_buf_release(&tmp);
	free(data);
	return rc;
}

/* Length of the UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned int *out)
{
	size_t len, i;
	unsigned int cp;

	if (s[0] < 0x80) {
		*out = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	*out = cp;
	return len;
}

/*
 * Copies whole characters of s[0..n) into out (cap bytes, NUL-terminated),
 * replacing invalid bytes with '?' and control characters with spaces.
 * Returns the bytes of s consumed; *outlen gets the bytes written.
 */
static size_t clean(const char *s, size_t n, char *out, size_t cap,
		    size_t *outlen)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned int cp;
		size_t len = utf8_seq((const unsigned char *)s + i, n - i, &cp);

		if (len == 0) {
			if (o + 1 >= cap)
				break;
			out[o++] = '?';
			i++;
			continue;
		}
		if (o + len >= cap)
			break;
		if (len == 1 && ((unsigned char)s[i] < 0x20 || s[i] == 0x7F))
			out[o++] = ' ';
		else
			memcpy(out + o, s + i, len), o += len;
		i += len;
	}
	out[o] = '\0';
	*outlen = o;
	return i;
}

/*
 * Runs fn on s[0..n) cleaned (see clean), in a buffer of its own when the
 * text is longer than a line. Returns what fn returns; out of memory, 0
 * with the document marked failed.
 */
static float with_clean(struct pdf *p, const char *s, size_t n,
			float (*fn)(struct pdf *p, const char *s, size_t n,
				    void *arg),
			void *arg)
{
	char stack[LINE_BYTES_MAX + 8];
	char *buf = n < sizeof(stack) ? stack : malloc(n + 1);
	size_t len;
	float r;

	if (buf == NULL) {
		cp_error_set(p->err, CP_ENOMEM, "pdf: out of memory");
		p->failed = 1;
		return 0;
	}
	clean(s, n, buf, n + 1, &len);
	r = fn(p, buf, len, arg);
	if (buf != stack)
		free(buf);
	return r;
}

static float measure_clean(struct pdf *p, const char *s, size_t n, void *arg)
{
	float w;

	if (text_measure(p->fonts, *(const int *)arg, s, n, &w, p->err))
		p->failed = 1;
	return w;
}

/* The shaped width of s[0..n) in points. A failure marks the document
 * failed, so a layout never goes on with a wrong width. */
static float seg_width(struct pdf *p, int bold, float size, const char *s,
		       size_t n)
{
	if (p->failed || p->fonts == NULL || n == 0)
		return 0;
	return with_clean(p, s, n, measure_clean, &bold) * size / 1000.0f;
}

float pdf_width(struct pdf *p, int bold, float size, const char *s)
{
	return s ? seg_width(p, bold, size, s, strlen(s)) : 0;
}

float pdf_x(const struct pdf *p, float x)
{
	return p->rtl ? p->width - x : x;
}

/* The left edge of a box from x, w wide, as drawn. */
static float box_x(const struct pdf *p, float x, float w)
{
	return p->rtl ? p->width - x - w : x;
}

/* The current fill and stroke colours of the page. */
static void set_fill(struct pdf *p, struct rgb c)
{
	HPDF_Page_SetRGBFill(p->page, c.r, c.g, c.b);
}

static void set_stroke(struct pdf *p, struct rgb c)
{
	HPDF_Page_SetRGBStroke(p->page, c.r, c.g, c.b);
}

/* Keeps the shaped line p->line to be drawn when the document is saved. */
static int keep_line(struct pdf *p, float x, float y, float deg, float size,
		     struct rgb c)
{
	struct pdf_text_item *it;

	if (p->nitems == p->items_cap) {
		size_t cap = p->items_cap ? p->items_cap * 2 : 256;
		struct pdf_text_item *items =
		    realloc(p->items, cap * sizeof(*items));

		if (items == NULL)
			return -1;
		p->items = items;
		p->items_cap = cap;
	}
	if (p->nglyphs + p->line.n > p->glyphs_cap) {
		size_t cap = p->glyphs_cap ? p->glyphs_cap * 2 : 4096;
		struct text_glyph *g;

		while (cap < p->nglyphs + p->line.n)
			cap *= 2;
		g = realloc(p->glyphs, cap * sizeof(*g));
		if (g == NULL)
			return -1;
		p->glyphs = g;
		p->glyphs_cap = cap;
	}
	memcpy(p->glyphs + p->nglyphs, p->line.glyphs,
	       p->line.n * sizeof(*p->glyphs));
	it = &p->items[p->nitems++];
	it->page = p->page;
	it->x = x;
	it->y = y;
	it->deg = deg;
	it->size = size;
	it->c = c;
	it->first = p->nglyphs;
	it->n = p->line.n;
	p->nglyphs += p->line.n;
	return 0;
}

struct show_at {
	float x, y, deg, size, box;
	int bold;
	enum text_dir dir;
	struct rgb c;
};

static float show_clean(struct pdf *p, const char *s, size_t n, void *arg)
{
	const struct show_at *a = arg;
	float x = a->x, y = a->y, deg = a->deg;
	enum text_dir dir = a->dir;
	int rc;

	if (n == 0)
		return 0;
	/* In a right-to-left report a line with a right-to-left letter is
	 * right to left (a team's English name inside an Arabic sentence);
	 * one without keeps its own direction (a number, an English
	 * comment). */
	if (p->rtl && dir == TEXT_DIR_AUTO && text_has_rtl(s, n))
		dir = TEXT_DIR_RTL;
	rc = text_shape(p->fonts, a->bold, dir, s, n, &p->line, p->err);
	if (rc) {
		p->failed = 1;
		return 0;
	}
	if (p->rtl) {
		/* Mirrored (pdf_int.h): the line's start, x, becomes its
		 * right end; every line of a box is set flush right. */
		float w = p->line.width * a->size / 1000.0f;
		float r = deg * (float)M_PI / 180.0f;

		x = p->width - x - w * cosf(r);
		y += w * sinf(r);
		deg = -deg;
	} else if (a->box > 0 && p->line.rtl) {
		/* A right-to-left paragraph is set flush right in its box. */
		x += a->box - p->line.width * a->size / 1000.0f;
	}
	if (keep_line(p, x, y, deg, a->size, a->c)) {
		cp_error_set(p->err, CP_ENOMEM, "pdf: out of memory");
		p->failed = 1;
	}
	return 0;
}

/*
 * Shows s[0..n) with its baseline at (x, y), or rotated by deg; in a
 * paragraph of direction dir that is box points wide (0: no box).
 */
static void show_in(struct pdf *p, float x, float y, float deg, float box,
		    enum text_dir dir, int bold, float size, struct rgb c,
		    const char *s, size_t n)
{
	struct show_at a = {x, y, deg, size, box, bold, dir, c};

	if (p->failed || p->page == NULL || s == NULL)
		return;
	with_clean(p, s, n > LINE_BYTES_MAX ? LINE_BYTES_MAX : n, show_clean,
		   &a);
}

static void show(struct pdf *p, float x, float y, float deg, int bold,
		 float size, struct rgb c, const char *s, size_t n)
{
	show_in(p, x, y, deg, 0, TEXT_DIR_AUTO, bold, size, c, s, n);
}

void pdf_text(struct pdf *p, float x, float y, int bold, float size,
	      struct rgb c, const char *s)
{
	if (s)
		show(p, x, y, 0, bold, size, c, s, strlen(s));
}

void pdf_text_right(struct pdf *p, float x, float y, int bold, float size,
		    struct rgb c, const char *s)
{
	if (s)
		pdf_text(p, x - pdf_width(p, bold, size, s), y, bold, size, c,
			 s);
}

void pdf_text_center(struct pdf *p, float x, float y, int bold, float size,
		     struct rgb c, const char *s)
{
	if (s)
		pdf_text(p, x - pdf_width(p, bold, size, s) / 2, y, bold, size,
			 c, s);
}

void pdf_text_rotated(struct pdf *p, float x, float y, float deg, int bold,
		      float size, struct rgb c, const char *s)
{
	if (s && deg == 0)
		pdf_text(p, x, y, bold, size, c, s);
	else if (s)
		show(p, x, y, deg, bold, size, c, s, strlen(s));
}

/*
 * The longest prefix of s[0..n) that is whole characters and at most w
 * points wide when shaped; at least one character when first is set.
 */
static size_t fit_prefix(struct pdf *p, int bold, float size, float w,
			 const char *s, size_t n, int first)
{
	size_t i = 0;

	while (i < n) {
		size_t cl = text_next_char(s + i, n - i);

		if ((i > 0 || !first) &&
		    (i + cl > LINE_BYTES_MAX ||
		     seg_width(p, bold, size, s, i + cl) > w))
			break;
		i += cl;
	}
	return i;
}

void pdf_text_fit(struct pdf *p, float x, float y, float w, int bold,
		  float size, struct rgb c, const char *s)
{
	static const char ellipsis[] = "\xE2\x80\xA6";
	size_t n, i;
	char buf[LINE_BYTES_MAX + 8];
	size_t len;

	if (s == NULL)
		return;
	n = strlen(s);
	if (seg_width(p, bold, size, s, n) <= w) {
		show(p, x, y, 0, bold, size, c, s, n);
		return;
	}
	i = fit_prefix(p, bold, size, w - seg_width(p, bold, size, ellipsis, 3),
		       s, n, 0);
	clean(s, i, buf, sizeof(buf) - 4, &len);
	memcpy(buf + len, ellipsis, 4);
	show(p, x, y, 0, bold, size, c, buf, len + 3);
}

/* A paragraph's direction: its first strong character's, or right to left
 * in a right-to-left report when it has a right-to-left letter at all. */
static enum text_dir para_dir(const struct pdf *p, const char *s)
{
	size_t n = strlen(s);

	if (p->rtl && text_has_rtl(s, n))
		return TEXT_DIR_RTL;
	return text_direction(s, n);
}

typedef void (*line_fn)(struct pdf *p, void *arg, const char *s, size_t n);

/*
 * Splits s into lines no wider than w and calls fn for each. Words are
 * separated by spaces and measured shaped; a word wider than the line is
 * cut between characters (graphemes: a letter keeps its marks), at least
 * one character per line so the loop always advances.
 */
static int wrap_lines(struct pdf *p, int bold, float size, float w,
		      const char *s, line_fn fn, void *arg)
{
	size_t n = strlen(s), pos = 0;
	float space = seg_width(p, bold, size, " ", 1);
	int lines = 0;

	while (pos < n) {
		size_t start = pos, end = pos, i = pos;
		float lw = 0;

		while (i < n && s[i] == ' ')
			i++;
		start = end = i;
		while (i < n && s[i] != '\n') {
			size_t j = i, gap = 0;
			float ww;

			while (j < n && s[j] != ' ' && s[j] != '\n')
				j++;
			ww = seg_width(p, bold, size, s + i, j - i);
			if (end > start)
				gap = i - end;
			if (end == start &&
			    (ww > w || j - i > LINE_BYTES_MAX)) {
				/* A word longer than the line: cut it. */
				end = i = i + fit_prefix(p, bold, size, w,
							 s + i, j - i, 1);
				goto emit;
			}
			if (end > start && (lw + gap * space + ww > w ||
					    j - start > LINE_BYTES_MAX))
				goto emit;
			lw += gap * space + ww;
			end = j;
			i = j;
			while (i < n && s[i] == ' ')
				i++;
		}
		if (i < n && s[i] == '\n')
			i++;
	emit:
		fn(p, arg, s + start, end - start);
		lines++;
		pos = i;
	}
	return lines;
}

struct wrap_at {
	float x, y, leading, size, w;
	int bold;
	enum text_dir dir;
	struct rgb c;
	int draw;
};

static void line_at(struct pdf *p, void *arg, const char *s, size_t n)
{
	struct wrap_at *a = arg;

	if (a->draw)
		show_in(p, a->x, a->y, 0, a->w, a->dir, a->bold, a->size, a->c,
			s, n);
	a->y -= a->leading;
}

int pdf_wrap(struct pdf *p, float x, float y, float w, int bold, float size,
	     float leading, struct rgb c, const char *s, int draw)
{
	struct wrap_at a = {x, y,   leading, size, w, bold, TEXT_DIR_AUTO,
			    c, draw};

	if (s == NULL || p->failed)
		return 0;
	a.dir = para_dir(p, s);
	return wrap_lines(p, bold, size, w, s, line_at, &a);
}

/* ---- drawing the text: fonts cut to the glyphs used ---- */

/*
 * The ToUnicode CMap of a face: each code to the text of its cluster in
 * UTF-16BE, so copying from the PDF gives the logical text. libharu 2.3.0
 * writes a malformed one (a begincidrange poppler rejects) into the same
 * stream; this replaces its contents.
 */
static int write_tounicode(struct pdf *p, size_t face, HPDF_Stream st)
{
	size_t ncodes = text_face_ncodes(p->fonts, face), i = 0;
	struct cp_buf b;
	int rc;

	cp_buf_init(&b, 1u << 24);
	rc = cp_buf_adds(&b,
			 "/CIDInit /ProcSet findresource begin\n"
			 "12 dict begin\nbegincmap\n"
			 "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
			 "/Supplement 0 >> def\n"
			 "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
			 "1 begincodespacerange\n<0000> <FFFF>\n"
			 "endcodespacerange\n",
			 p->err);
	while (rc == 0 && i < ncodes) {
		size_t block = 0, k;

		for (k = i; k < ncodes && block < 100; k++) {
			size_t len;

			text_code_text(p->fonts, face,
				       TEXT_CODE_FIRST + (unsigned)k, &len);
			block += len > 0;
		}
		rc = cp_buf_printf(&b, p->err, "%zu beginbfchar\n", block);
		for (; rc == 0 && i < k; i++) {
			size_t len;
			const uint32_t *t =
			    text_code_text(p->fonts, face,
					   TEXT_CODE_FIRST + (unsigned)i, &len);

			if (len == 0)
				continue;
			rc = cp_buf_printf(&b, p->err, "<%04X> <",
					   TEXT_CODE_FIRST + (unsigned)i);
			for (size_t j = 0; rc == 0 && j < len; j++) {
				uint32_t u = t[j];

				if (u >= 0x10000)
					rc = cp_buf_printf(
					    &b, p->err, "%04X%04X",
					    0xD800 + ((u - 0x10000) >> 10),
					    0xDC00 + ((u - 0x10000) & 0x3FF));
				else
					rc = cp_buf_printf(&b, p->err, "%04X",
							   (unsigned)u);
			}
			rc = rc ? rc : cp_buf_adds(&b, ">\n", p->err);
		}
		rc = rc ? rc : cp_buf_adds(&b, "endbfchar\n", p->err);
	}
	rc = rc ? rc
		: cp_buf_adds(&b,
			      "endcmap\nCMapName currentdict /CMap "
			      "defineresource pop\nend\nend\n",
			      p->err);
	if (rc == 0) {
		HPDF_MemStream_FreeData(st);
		if (HPDF_Stream_Write(st, (const HPDF_BYTE *)b.data,
				      (HPDF_UINT)b.len) != HPDF_OK)
			rc = cp_error_set(p->err, CP_ENOMEM,
					  "pdf: out of memory");
	}
	cp_buf_release(&b);
	return rc;
}

/*
 * Loads the subset font of face into the document as a TrueType font
 * with libharu's UTF-8 encoding (its codes are the text module's), and
 * gives it a correct ToUnicode map. libharu 2.3.0 loads fonts only from
 * files; this is its LoadTTFontFromStream, on a memory stream, with a
 * subset tag of our own so the same input gives the same bytes.
 */
static HPDF_Font embed_face(struct pdf *p, size_t face)
{
	unsigned char *data = NULL;
	size_t len = 0;
	HPDF_Stream st;
	HPDF_FontDef def;
	HPDF_Font font = NULL;
	HPDF_TTFontDefAttr attr;
	char tag[HPDF_TTF_FONT_TAG_LEN + 1] = "CPAAAA";

	if (text_face_subset(p->fonts, face, &data, &len, p->err)) {
		p->failed = 1;
		return NULL;
	}
	st = HPDF_MemStream_New(p->doc->mmgr, HPDF_STREAM_BUF_SIZ);
	if (st == NULL ||
	    HPDF_Stream_Write(st, data, (HPDF_UINT)len) != HPDF_OK) {
		if (st)
			HPDF_Stream_Free(st);
		goto fail;
	}
	def = HPDF_TTFontDef_Load(p->doc->mmgr, st, HPDF_TRUE);
	if (def == NULL)
		goto fail;
	if (HPDF_Doc_RegisterFontDef(p->doc, def) != HPDF_OK)
		goto fail;
	tag[4] = (char)('A' + face / 26 % 26);
	tag[5] = (char)('A' + face % 26);
	HPDF_TTFontDef_SetTagName(def, tag);
	/* The subset holds only glyphs that are drawn: embed them all. */
	attr = (HPDF_TTFontDefAttr)def->attr;
	memset(attr->glyph_tbl.flgs, 1, attr->num_glyphs);
	font = HPDF_GetFont(p->doc, def->base_font, "UTF-8");
	if (font == NULL || p->failed)
		goto fail;
	if (write_tounicode(p, face,
			    ((HPDF_FontAttr)font->attr)->cmap_stream->stream)) {
		p->failed = 1;
		font = NULL;
	}
	free(data);
	return font;
fail:
	free(data);
	if (!p->failed) {
		HPDF_CheckError(&p->doc->error);
		if (!p->failed)
			cp_error_set(p->err, CP_EDATA,
				     N_("pdf: cannot embed the font '%s'"),
				     text_face_name(p->fonts, face));
		else
			cp_error_prefix(p->err, "%s",
					text_face_name(p->fonts, face));
	}
	p->failed = 1;
	return NULL;
}

/* Appends code as UTF-8 (always three bytes: codes are in U+E000..). */
static void put_code(char *out, size_t *o, unsigned code)
{
	out[(*o)++] = (char)(0xE0 | (code >> 12));
	out[(*o)++] = (char)(0x80 | ((code >> 6) & 0x3F));
	out[(*o)++] = (char)(0x80 | (code & 0x3F));
}

/*
 * Draws one kept line. Glyphs go out in strings of one font for as long
 * as the PDF's own advance (the font's widths) puts each where HarfBuzz
 * placed it; a mark, a kern or a change of font starts a new string at
 * the exact position (Td).
 */
static void draw_item(struct pdf *p, HPDF_Font *fonts,
		      const struct pdf_text_item *it, char *str)
{
	const struct text_glyph *g = p->glyphs + it->first;
	float k = it->size / 1000.0f, lx = 0, ly = 0;
	float r = it->deg * (float)M_PI / 180.0f;
	size_t i = 0;
	unsigned cur = (unsigned)-1;

	HPDF_Page_BeginText(it->page);
	HPDF_Page_SetRGBFill(it->page, it->c.r, it->c.g, it->c.b);
	if (it->deg != 0)
		HPDF_Page_SetTextMatrix(it->page, cosf(r), sinf(r), -sinf(r),
					cosf(r), it->x, it->y);
	else
		HPDF_Page_SetTextMatrix(it->page, 1, 0, 0, 1, it->x, it->y);
	while (i < it->n && !p->failed) {
		HPDF_Font f = fonts[g[i].face];
		float gx = g[i].x * k, gy = g[i].y * k, pen;
		size_t o = 0, j = i;

		if (g[i].face != cur) {
			HPDF_Page_SetFontAndSize(it->page, f, it->size);
			cur = g[i].face;
		}
		HPDF_Page_MoveTextPos(it->page, gx - lx, gy - ly);
		lx = gx;
		ly = gy;
		pen = gx;
		do {
			put_code(str, &o, g[j].code);
			pen +=
			    (float)HPDF_Font_GetUnicodeWidth(f, g[j].code) * k;
			j++;
		} while (j < it->n && g[j].face == g[i].face &&
			 fabsf(g[j].y - g[i].y) < 0.01f &&
			 fabsf(g[j].x * k - pen) < 0.02f);
		str[o] = '\0';
		HPDF_Page_ShowText(it->page, str);
		i = j;
	}
	HPDF_Page_EndText(it->page);
}

/* Embeds the fonts the kept lines use and draws the lines. */
static int draw_text(struct pdf *p)
{
	size_t nfaces = text_nfaces(p->fonts), longest = 0;
	HPDF_Font *fonts = calloc(nfaces ? nfaces : 1, sizeof(*fonts));
	char *str;

	for (size_t i = 0; i < p->nitems; i++)
		if (p->items[i].n > longest)
			longest = p->items[i].n;
	str = malloc(longest * 3 + 1);
	if (fonts == NULL || str == NULL) {
		free(fonts);
		free(str);
		return cp_error_set(p->err, CP_ENOMEM, "pdf: out of memory");
	}
	for (size_t f = 0; f < nfaces && !p->failed; f++)
		if (text_face_ncodes(p->fonts, f))
			fonts[f] = embed_face(p, f);
	for (size_t i = 0; i < p->nitems && !p->failed; i++)
		draw_item(p, fonts, &p->items[i], str);
	p->nitems = 0;
	free(fonts);
	free(str);
	return p->failed ? (p->err->code ? p->err->code : CP_EFAIL) : 0;
}

static void draw_footer(struct pdf *p)
{
	char num[32];
	float y = 30;

	pdf_line(p, p->left, y + 12, p->right, y + 12, 0.5f, PDF_RULE);
	if (p->footer)
		pdf_text_fit(p, p->left, y, p->right - p->left - 60, 0, 7.5f,
			     PDF_MUTED, p->footer);
	pdf_text_right(p, p->right, y, 0, 7.5f, PDF_MUTED,
		       rp_fmt(num, sizeof(num), _("Page %d"), p->page_no));
}

void pdf_new_page(struct pdf *p)
{
	HPDF_PageSizes size = p->paper == RP_PAPER_LETTER
				  ? HPDF_PAGE_SIZE_LETTER
				  : HPDF_PAGE_SIZE_A4;

	if (p->failed)
		return;
	p->page = HPDF_AddPage(p->doc);
	if (p->page == NULL || p->failed)
		return;
	HPDF_Page_SetSize(p->page, size,
			  p->landscape ? HPDF_PAGE_LANDSCAPE
				       : HPDF_PAGE_PORTRAIT);
	p->width = HPDF_Page_GetWidth(p->page);
	p->height = HPDF_Page_GetHeight(p->page);
	p->left = 56;
	p->right = p->width - 56;
	p->top = p->height - 56;
	p->bottom = 60;
	p->y = p->top;
	p->page_no++;
	draw_footer(p);
	if (p->on_new_page)
		p->on_new_page(p, p->hook_arg);
}

void pdf_bookmark(struct pdf *p, int page_no, const char *title)
{
	HPDF_Page page;
	HPDF_Outline outline;
	HPDF_Destination dest;

	if (p->failed || page_no < 1)
		return;
	page = HPDF_GetPageByIndex(p->doc, (HPDF_UINT)(page_no - 1));
	if (page == NULL || p->failed)
		return;
	dest = HPDF_Page_CreateDestination(page);
	outline = HPDF_CreateOutline(p->doc, NULL, title, NULL);
	if (dest && outline && !p->failed)
		HPDF_Outline_SetDestination(outline, dest);
}

void pdf_need(struct pdf *p, float h)
{
	if (p->page == NULL || p->y - h < p->bottom)
		pdf_new_page(p);
}

void pdf_space(struct pdf *p, float h)
{
	p->y -= h;
}

void pdf_heading(struct pdf *p, const char *s)
{
	pdf_need(p, 90);
	if (p->y < p->top)
		p->y -= 14;
	p->headings++;
	p->heading_page = p->page_no;
	pdf_text(p, p->left, p->y - 17, 1, 17, PDF_ACCENT, s);
	p->y -= 26;
	pdf_line(p, p->left, p->y, p->right, p->y, 0.8f, PDF_ACCENT);
	p->y -= 14;
}

void pdf_subheading(struct pdf *p, const char *s)
{
	pdf_need(p, 50);
	p->y -= 6;
	pdf_text(p, p->left, p->y - 11, 1, 11.5f, PDF_INK, s);
	p->y -= 19;
}

struct flow {
	float x, w, size, leading;
	int bold;
	enum text_dir dir;
	struct rgb c;
	int bar;
	struct rgb bar_colour;
};

static void line_flow(struct pdf *p, void *arg, const char *s, size_t n)
{
	struct flow *f = arg;

	pdf_need(p, f->leading);
	if (f->bar)
		pdf_fill_rect(p, p->left, p->y - f->leading, 2.5f, f->leading,
			      f->bar_colour);
	show_in(p, f->x, p->y - f->size, 0, f->w, f->dir, f->bold, f->size,
		f->c, s, n);
	p->y -= f->leading;
}

void pdf_paragraph(struct pdf *p, float size, struct rgb c, const char *s)
{
	struct flow f = {0};

	if (s == NULL || p->failed)
		return;
	if (p->page == NULL)
		pdf_new_page(p);
	f.x = p->left;
	f.w = p->right - p->left;
	f.size = size;
	f.leading = size * 1.45f;
	f.dir = para_dir(p, s);
	f.c = c;
	wrap_lines(p, 0, size, f.w, s, line_flow, &f);
	p->y -= size * 0.6f;
}

void pdf_quote(struct pdf *p, struct rgb bar, const char *s)
{
	struct flow f = {0};

	if (s == NULL || p->failed)
		return;
	pdf_need(p, 30);
	f.x = p->left + 12;
	f.w = p->right - f.x;
	f.size = 9.5f;
	f.leading = 14;
	f.dir = para_dir(p, s);
	f.c = PDF_INK;
	f.bar = 1;
	f.bar_colour = bar;
	wrap_lines(p, 0, f.size, f.w, s, line_flow, &f);
	p->y -= 8;
}

void pdf_fill_rect(struct pdf *p, float x, float y, float w, float h,
		   struct rgb c)
{
	if (p->failed || p->page == NULL || !(w > 0) || !(h > 0))
		return;
	set_fill(p, c);
	HPDF_Page_Rectangle(p->page, box_x(p, x, w), y, w, h);
	HPDF_Page_Fill(p->page);
}

void pdf_stroke_rect(struct pdf *p, float x, float y, float w, float h,
		     float lw, struct rgb c)
{
	if (p->failed || p->page == NULL || !(w > 0) || !(h > 0))
		return;
	set_stroke(p, c);
	HPDF_Page_SetLineWidth(p->page, lw);
	HPDF_Page_Rectangle(p->page, box_x(p, x, w), y, w, h);
	HPDF_Page_Stroke(p->page);
}

void pdf_line(struct pdf *p, float x0, float y0, float x1, float y1, float lw,
	      struct rgb c)
{
	if (p->failed || p->page == NULL || !isfinite(x0 + y0 + x1 + y1))
		return;
	set_stroke(p, c);
	HPDF_Page_SetLineWidth(p->page, lw);
	HPDF_Page_MoveTo(p->page, pdf_x(p, x0), y0);
	HPDF_Page_LineTo(p->page, pdf_x(p, x1), y1);
	HPDF_Page_Stroke(p->page);
}

void pdf_dashed_line(struct pdf *p, float x0, float y0, float x1, float y1,
		     float lw, struct rgb c)
{
	static const HPDF_UINT16 dash[] = {3, 2};

	if (p->failed || p->page == NULL)
		return;
	HPDF_Page_SetDash(p->page, dash, 2, 0);
	pdf_line(p, x0, y0, x1, y1, lw, c);
	HPDF_Page_SetDash(p->page, NULL, 0, 0);
}

void pdf_circle(struct pdf *p, float x, float y, float r, struct rgb fill,
		struct rgb stroke)
{
	if (p->failed || p->page == NULL || !(r > 0) || !isfinite(x + y))
		return;
	set_fill(p, fill);
	set_stroke(p, stroke);
	HPDF_Page_SetLineWidth(p->page, 1);
	HPDF_Page_Circle(p->page, pdf_x(p, x), y, r);
	HPDF_Page_FillStroke(p->page);
}

void pdf_triangle(struct pdf *p, float x, float y, float r, int up,
		  struct rgb c)
{
	float d = up ? 1 : -1;

	if (p->failed || p->page == NULL || !(r > 0))
		return;
	set_fill(p, c);
	x = pdf_x(p, x);
	HPDF_Page_MoveTo(p->page, x, y + d * r);
	HPDF_Page_LineTo(p->page, x - r, y - d * r * 0.7f);
	HPDF_Page_LineTo(p->page, x + r, y - d * r * 0.7f);
	HPDF_Page_ClosePath(p->page);
	HPDF_Page_Fill(p->page);
}

void pdf_hatch(struct pdf *p, float x, float y, float w, float h)
{
	static const struct rgb ground = {0.93f, 0.93f, 0.93f};
	static const struct rgb lines = {0.78f, 0.78f, 0.78f};
	float t;

	if (p->failed || p->page == NULL || !(w > 0) || !(h > 0))
		return;
	pdf_fill_rect(p, x, y, w, h, ground);
	x = box_x(p, x, w);
	HPDF_Page_GSave(p->page);
	HPDF_Page_Rectangle(p->page, x, y, w, h);
	HPDF_Page_Clip(p->page);
	HPDF_Page_EndPath(p->page);
	set_stroke(p, lines);
	HPDF_Page_SetLineWidth(p->page, 0.6f);
	for (t = -h; t < w; t += 5) {
		HPDF_Page_MoveTo(p->page, x + t, y);
		HPDF_Page_LineTo(p->page, x + t + h, y + h);
	}
	HPDF_Page_Stroke(p->page);
	HPDF_Page_GRestore(p->page);
}

float pdf_luminance(struct rgb c)
{
	return 0.2126f * c.r + 0.7152f * c.g + 0.0722f * c.b;
}

struct rgb pdf_mix(struct rgb a, struct rgb b, float t)
{
	struct rgb m = {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t,
			a.b + (b.b - a.b) * t};

	return m;
}
