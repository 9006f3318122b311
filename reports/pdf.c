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

#include "buf.h"
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

/* Names the libharu errors a user can cause or fix; the rest by number. */
static const char *hpdf_error_text(HPDF_STATUS code)
{
	switch (code) {
	case HPDF_FAILD_TO_ALLOC_MEM:
		return "out of memory";
	case HPDF_FILE_IO_ERROR:
	case HPDF_FILE_OPEN_ERROR:
		return "cannot read the font file";
	case HPDF_TTF_CANNOT_EMBEDDING_FONT:
		return "the font does not allow embedding";
	case HPDF_INVALID_TTC_INDEX:
	case HPDF_INVALID_FONTDEF_DATA:
	case HPDF_TTF_INVALID_CMAP:
	case HPDF_TTF_INVALID_FOMAT:
	case HPDF_TTF_MISSING_TABLE:
		return "the font file is not a usable TrueType font";
	case HPDF_PAGE_OUT_OF_RANGE:
		return "a drawing went off the page";
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
		cp_error_set(p->err, cp_code, "pdf: %s (libharu 0x%04X/%u)",
			     text, (unsigned)code, (unsigned)detail);
	else
		cp_error_set(p->err, cp_code, "pdf: libharu error 0x%04X/%u",
			     (unsigned)code, (unsigned)detail);
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

static HPDF_Font load_font(struct pdf *p, const char *dir, const char *file)
{
	char path[1024];
	const char *name;
	int fd;

	rp_fmt(path, sizeof(path), "%s/%s", dir, file);
	/* libharu's message for a missing file names no file: check first. */
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		cp_error_set(p->err, CP_EIO, "pdf: cannot open font '%s': %s",
			     path, strerror(errno));
		p->failed = 1;
		return NULL;
	}
	close(fd);
	name = HPDF_LoadTTFontFromFile(p->doc, path, HPDF_TRUE);
	if (name == NULL || p->failed) {
		cp_error_prefix(p->err, "%s", path);
		p->failed = 1;
		return NULL;
	}
	return HPDF_GetFont(p->doc, name, "UTF-8");
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
	memset(p->widths, 0xFF, sizeof(p->widths));
	p->regular = load_font(p, dir, "DejaVuSans.ttf");
	if (p->regular)
		p->bold = load_font(p, dir, "DejaVuSans-Bold.ttf");
	if (p->failed)
		return p->err->code ? p->err->code : CP_EFAIL;
	return 0;
}

void pdf_close(struct pdf *p)
{
	if (p->doc)
		HPDF_Free(p->doc);
	p->doc = NULL;
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

int pdf_save(struct pdf *p, const char *path)
{
	struct cp_buf tmp;
	unsigned char *data = NULL;
	HPDF_UINT32 size;
	int fd = -1, rc = 0, created = 0;

	if (p->failed)
		return p->err->code ? p->err->code : CP_EFAIL;
	if (HPDF_SaveToStream(p->doc) != HPDF_OK || p->failed)
		return p->failed ? p->err->code : CP_EFAIL;
	size = HPDF_GetStreamSize(p->doc);
	data = malloc(size ? size : 1);
	if (data == NULL)
		return cp_error_set(p->err, CP_ENOMEM, "pdf: out of memory");
	if (HPDF_GetContents(p->doc, data, &size) != HPDF_OK || p->failed) {
		free(data);
		return p->failed ? p->err->code : CP_EFAIL;
	}

	cp_buf_init(&tmp, 4096);
	if ((rc = cp_buf_printf(&tmp, p->err, "%s.tmp-XXXXXX", path)))
		goto done;
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		rc = cp_error_set(p->err, CP_EIO, "cannot create '%s': %s",
				  tmp.data, strerror(errno));
		goto done;
	}
	created = 1;
	/* mkstemp makes the file private; a report is an ordinary file. */
	if (fchmod(fd, 0644) || write_all(fd, data, size) || fsync(fd)) {
		rc = cp_error_set(p->err, CP_EIO, "cannot write '%s': %s", path,
				  strerror(errno));
		goto done;
	}
	if (close(fd)) {
		fd = -1;
		rc = cp_error_set(p->err, CP_EIO, "cannot write '%s': %s", path,
				  strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp.data, path))
		rc = cp_error_set(p->err, CP_EIO, "cannot write '%s': %s", path,
				  strerror(errno));
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

/* The source length of the character at s: invalid bytes count singly. */
static size_t char_len(const char *s, size_t n)
{
	unsigned int cp;
	size_t len = utf8_seq((const unsigned char *)s, n, &cp);

	return len ? len : 1;
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

HPDF_Font pdf_font(struct pdf *p, int bold)
{
	return bold ? p->bold : p->regular;
}

/* The width of s[0..n) in points. libharu does not kern, so widths add. */
/*
 * The width of s[0..n) in points, as libharu will draw it after clean().
 * libharu does not kern, so widths add up character by character; the
 * widths of the first WIDTH_CACHE code points are remembered per font,
 * because libharu looks each glyph up by a linear search and wrapping
 * measures the same letters again and again.
 */
static float seg_width(struct pdf *p, HPDF_Font f, float size, const char *s,
		       size_t n)
{
	unsigned short *cache = p->widths[f == p->bold];
	unsigned long total = 0;
	size_t i = 0;

	if (p->failed || f == NULL)
		return 0;
	while (i < n) {
		unsigned int cp;
		size_t len = utf8_seq((const unsigned char *)s + i, n - i, &cp);
		const char *glyph = s + i;
		HPDF_TextWidth tw;

		if (len == 0)
			cp = '?', glyph = "?";
		else if (cp < 0x20 || cp == 0x7F)
			cp = ' ', glyph = " ";
		i += len ? len : 1;
		if (cp < WIDTH_CACHE && cache[cp] != WIDTH_UNKNOWN) {
			total += cache[cp];
			continue;
		}
		tw = HPDF_Font_TextWidth(f, (const HPDF_BYTE *)glyph,
					 (HPDF_UINT)(len > 1 ? len : 1));
		if (cp < WIDTH_CACHE && tw.width < WIDTH_UNKNOWN)
			cache[cp] = (unsigned short)tw.width;
		total += tw.width;
	}
	return (float)total * size / 1000.0f;
}

float pdf_width(struct pdf *p, int bold, float size, const char *s)
{
	return s ? seg_width(p, pdf_font(p, bold), size, s, strlen(s)) : 0;
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

/* Shows s[0..n) with its baseline at (x, y), or rotated by deg. */
static void show(struct pdf *p, float x, float y, float deg, int bold,
		 float size, struct rgb c, const char *s, size_t n)
{
	char buf[LINE_BYTES_MAX + 8];
	size_t len;

	if (p->failed || p->page == NULL || s == NULL)
		return;
	clean(s, n, buf, sizeof(buf), &len);
	if (len == 0)
		return;
	HPDF_Page_BeginText(p->page);
	HPDF_Page_SetFontAndSize(p->page, pdf_font(p, bold), size);
	set_fill(p, c);
	if (deg != 0) {
		float r = deg * (float)M_PI / 180.0f;

		HPDF_Page_SetTextMatrix(p->page, cosf(r), sinf(r), -sinf(r),
					cosf(r), x, y);
		HPDF_Page_ShowText(p->page, buf);
	} else {
		HPDF_Page_TextOut(p->page, x, y, buf);
	}
	HPDF_Page_EndText(p->page);
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

void pdf_text_fit(struct pdf *p, float x, float y, float w, int bold,
		  float size, struct rgb c, const char *s)
{
	static const char ellipsis[] = "\xE2\x80\xA6";
	HPDF_Font f = pdf_font(p, bold);
	size_t n, i = 0;
	float used = 0, limit;
	char buf[LINE_BYTES_MAX + 8];
	size_t len;

	if (s == NULL)
		return;
	n = strlen(s);
	if (seg_width(p, f, size, s, n) <= w) {
		show(p, x, y, 0, bold, size, c, s, n);
		return;
	}
	limit = w - seg_width(p, f, size, ellipsis, 3);
	while (i < n) {
		size_t cl = char_len(s + i, n - i);
		float cw = seg_width(p, f, size, s + i, cl);

		if (used + cw > limit || i + cl > LINE_BYTES_MAX)
			break;
		used += cw;
		i += cl;
	}
	clean(s, i, buf, sizeof(buf) - 4, &len);
	memcpy(buf + len, ellipsis, 4);
	show(p, x, y, 0, bold, size, c, buf, len + 3);
}

typedef void (*line_fn)(struct pdf *p, void *arg, const char *s, size_t n);

/*
 * Splits s into lines no wider than w and calls fn for each. Words are
 * separated by spaces; a word wider than the line is cut between
 * characters, at least one character per line so the loop always advances.
 */
static int wrap_lines(struct pdf *p, HPDF_Font f, float size, float w,
		      const char *s, line_fn fn, void *arg)
{
	size_t n = strlen(s), pos = 0;
	float space = seg_width(p, f, size, " ", 1);
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
			ww = seg_width(p, f, size, s + i, j - i);
			if (end > start)
				gap = i - end;
			if (end == start &&
			    (ww > w || j - i > LINE_BYTES_MAX)) {
				/* A word longer than the line: cut it. */
				size_t k = i;
				float cw = 0;

				while (k < j) {
					size_t cl = char_len(s + k, j - k);
					float c =
					    seg_width(p, f, size, s + k, cl);

					if (k > i &&
					    (cw + c > w ||
					     k + cl - i > LINE_BYTES_MAX))
						break;
					cw += c;
					k += cl;
				}
				end = i = k;
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
	float x, y, leading, size;
	int bold;
	struct rgb c;
	int draw;
};

static void line_at(struct pdf *p, void *arg, const char *s, size_t n)
{
	struct wrap_at *a = arg;

	if (a->draw)
		show(p, a->x, a->y, 0, a->bold, a->size, a->c, s, n);
	a->y -= a->leading;
}

int pdf_wrap(struct pdf *p, float x, float y, float w, int bold, float size,
	     float leading, struct rgb c, const char *s, int draw)
{
	struct wrap_at a = {x, y, leading, size, bold, c, draw};

	if (s == NULL || p->failed)
		return 0;
	return wrap_lines(p, pdf_font(p, bold), size, w, s, line_at, &a);
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
		       rp_fmt(num, sizeof(num), "Page %d", p->page_no));
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
	float x, size, leading;
	int bold;
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
	show(p, f->x, p->y - f->size, 0, f->bold, f->size, f->c, s, n);
	p->y -= f->leading;
}

void pdf_paragraph(struct pdf *p, float size, struct rgb c, const char *s)
{
	struct flow f = {p->left, size, size * 1.45f, 0, c, 0, c};

	if (s == NULL || p->failed)
		return;
	if (p->page == NULL)
		pdf_new_page(p);
	wrap_lines(p, p->regular, size, p->right - p->left, s, line_flow, &f);
	p->y -= size * 0.6f;
}

void pdf_quote(struct pdf *p, struct rgb bar, const char *s)
{
	struct flow f = {p->left + 12, 9.5f, 14, 0, PDF_INK, 1, bar};

	if (s == NULL || p->failed)
		return;
	pdf_need(p, 30);
	wrap_lines(p, p->regular, f.size, p->right - f.x, s, line_flow, &f);
	p->y -= 8;
}

void pdf_fill_rect(struct pdf *p, float x, float y, float w, float h,
		   struct rgb c)
{
	if (p->failed || p->page == NULL || !(w > 0) || !(h > 0))
		return;
	set_fill(p, c);
	HPDF_Page_Rectangle(p->page, x, y, w, h);
	HPDF_Page_Fill(p->page);
}

void pdf_stroke_rect(struct pdf *p, float x, float y, float w, float h,
		     float lw, struct rgb c)
{
	if (p->failed || p->page == NULL || !(w > 0) || !(h > 0))
		return;
	set_stroke(p, c);
	HPDF_Page_SetLineWidth(p->page, lw);
	HPDF_Page_Rectangle(p->page, x, y, w, h);
	HPDF_Page_Stroke(p->page);
}

void pdf_line(struct pdf *p, float x0, float y0, float x1, float y1, float lw,
	      struct rgb c)
{
	if (p->failed || p->page == NULL || !isfinite(x0 + y0 + x1 + y1))
		return;
	set_stroke(p, c);
	HPDF_Page_SetLineWidth(p->page, lw);
	HPDF_Page_MoveTo(p->page, x0, y0);
	HPDF_Page_LineTo(p->page, x1, y1);
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
	HPDF_Page_Circle(p->page, x, y, r);
	HPDF_Page_FillStroke(p->page);
}

void pdf_triangle(struct pdf *p, float x, float y, float r, int up,
		  struct rgb c)
{
	float d = up ? 1 : -1;

	if (p->failed || p->page == NULL || !(r > 0))
		return;
	set_fill(p, c);
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
