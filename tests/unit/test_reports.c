/*
 * test_reports.c - the PDF reports (reports/): each edge case of issue 5
 * written to a real file, atomic writes, refusals, and byte-identical
 * output for the same input.
 *
 * The PDFs land in $CP_REPORTS_OUT, or CP_BINARY_DIR/reports-out, where
 * tests/e2e/reports_pdf.sh checks them with qpdf, pdffonts, pdftoppm and
 * pdftotext. Values marked suppressed are given sentinel numbers (94, 4.44,
 * 3.33, 99) that nothing else in the fixtures uses, so that script can tell
 * if one ever leaks into the text.
 *
 * With CP_REPORTS_BENCH=1 the program instead times a 20-page report.
 * With CP_REPORTS_LANG=ar (any shipped language) the reports are written
 * in that language, as `report --language` writes them: the layout test
 * (tests/e2e/reports_layout.sh) checks the right-to-left ones with it.
 * Exit 77 when that language's locale is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "i18n.h"
#include "report.h"

#define N_DIMS	   11
#define MAX_ITEMS  180
#define FIXED_DATE 1767225600LL /* 2026-01-01T00:00:00Z */

static char out_dir[512];

static const struct {
	const char *id, *title;
	enum rp_group group;
	const char *item;
} dims[N_DIMS] = {
    {"compassion", "Compassion", RP_GROUP_7C,
     "When work gets hard for someone, my leader notices and does something "
     "to ease it."},
    {"confidence", "Confidence", RP_GROUP_7C,
     "My leader's belief in where we are going helps me feel steady."},
    {"collaborative", "Collaborative", RP_GROUP_7C,
     "I am encouraged to use my strengths and to take the lead at times."},
    {"contemplative", "Contemplative", RP_GROUP_7C,
     "My leader takes time to reflect before making important decisions."},
    {"civil", "Civil", RP_GROUP_7C,
     "Disagreements in this team are handled with respect."},
    {"curiosity", "Curiosity", RP_GROUP_7C,
     "My leader asks for my view before drawing conclusions."},
    {"courage", "Courage", RP_GROUP_7C,
     "My leader raises difficult issues instead of avoiding them."},
    {"attending", "Attending", RP_GROUP_BEHAVIOUR,
     "My leader makes time to listen to me, including about what is not "
     "going well."},
    {"understanding", "Understanding", RP_GROUP_BEHAVIOUR,
     "My leader tries to see a situation from my side."},
    {"empathising", "Empathising", RP_GROUP_BEHAVIOUR,
     "I feel my leader cares about how I am doing."},
    {"helping", "Helping", RP_GROUP_BEHAVIOUR,
     "My leader removes obstacles that get in the way of my work."},
};

/* Means chosen so that no shown score rounds to 94 and no item mean is
 * 3.33 or trend mean 4.4: those are the sentinels of suppressed values. */
static const double means[N_DIMS] = {4.12, 3.86, 3.71, 3.05, 4.31, 3.58,
				     2.0,  3.92, 3.44, 4.05, 2.87};

struct fixture {
	struct rp_team_report r;
	struct rp_dimension d[N_DIMS];
	struct rp_item items[MAX_ITEMS];
	struct rp_trend trends[N_DIMS];
	const char *waves[RP_WAVES_MAX];
	struct rp_comment comments[120];
	char wave_names[RP_WAVES_MAX][32];
	char long_comment[2100];
};

static double score_of(double mean)
{
	return (mean - 1) / 4 * 100;
}

/*
 * A realistic team: 11 dimensions (courage suppressed), items_per_dim
 * statements each (one suppressed), n_waves waves of trend with the fourth
 * suppressed, a self-assessment, and comments including a 2,000-character
 * one without spaces in its middle.
 */
static void team_fixture(struct fixture *f, size_t items_per_dim,
			 size_t n_waves, size_t n_comments)
{
	size_t i, j, w;

	memset(f, 0, sizeof(*f));
	f->r.team = "Ξένια & Zoë Łódź ward";
	f->r.wave = "November 2026";
	f->r.opens = "2026-11-02";
	f->r.closes = "2026-11-16";
	f->r.responses = 17;
	f->r.invited = 21;
	f->r.threshold = 5;
	f->r.comment_threshold = 10;
	f->r.survey_id = "compassionate-pulse";
	f->r.survey_title = "Compassionate leadership pulse";
	f->r.survey_version = "1.0.0";
	for (i = 0; i < N_DIMS; i++) {
		struct rp_dimension *d = &f->d[i];
		double m = means[i];

		d->id = dims[i].id;
		d->title = dims[i].title;
		d->group = dims[i].group;
		d->n = 17;
		d->mean = m;
		d->score = score_of(m);
		d->favourable = 20 * (m - 1) - 3;
		d->unfavourable = 100 - d->favourable > 10 ? 9 : 0;
		d->neutral = 100 - d->favourable - d->unfavourable;
		d->sd = 0.71;
		d->ci_low = m - 0.35;
		d->ci_high = m + 0.35;
		d->has_previous = n_waves > 1;
		d->previous_mean = m - 0.2 + 0.05 * (double)i;
		d->change = i == 0 ? RP_CHANGE_UP : RP_CHANGE_NONE;
		d->has_self = 1;
		d->self_mean = m + 0.5 > 5 ? 5 : m + 0.5;
		if (strcmp(d->id, "courage") == 0) {
			/* Sentinels: none of these may be printed. */
			d->suppressed = 1;
			d->n = 4;
			d->mean = 4.76;
			d->score = 94;
			d->favourable = 94;
		}
	}
	f->r.dimensions = f->d;
	f->r.n_dimensions = N_DIMS;

	for (i = 0, j = 0; i < N_DIMS && j < MAX_ITEMS; i++) {
		size_t k;

		for (k = 0; k < items_per_dim && j < MAX_ITEMS; k++, j++) {
			struct rp_item *it = &f->items[j];
			int n = 17;

			it->id = dims[i].id;
			it->dimension = dims[i].id;
			it->text = dims[i].item;
			it->n = n;
			it->counts[0] = (int)(i % 3);
			it->counts[1] = 2;
			it->counts[2] = 3 + (int)(k % 2);
			it->counts[3] = 6;
			it->counts[4] =
			    n - it->counts[0] - 2 - it->counts[2] - 6;
			it->mean = (it->counts[0] + 2 * 2 + 3 * it->counts[2] +
				    4 * 6 + 5 * it->counts[4]) /
				   (double)n;
			it->reverse = k == 1;
			if (i == 9 && k == 0) {
				/* Suppressed item with a sentinel mean. */
				it->suppressed = 1;
				it->mean = 3.33;
			}
		}
	}
	f->r.items = f->items;
	f->r.n_items = j;

	for (w = 0; w < n_waves; w++) {
		snprintf(f->wave_names[w], sizeof(f->wave_names[w]),
			 "2026-%02zu", w + 1);
		f->waves[w] = f->wave_names[w];
	}
	f->r.waves = f->waves;
	f->r.n_waves = n_waves;
	for (i = 0; i < N_DIMS; i++) {
		f->trends[i].dimension = dims[i].id;
		for (w = 0; w < n_waves; w++) {
			struct rp_trend_point *pt = &f->trends[i].points[w];

			pt->mean = means[i] - 0.3 + 0.3 * sin((double)(w + i));
			if (w == 3 && n_waves > 4) {
				pt->suppressed = 1;
				pt->mean = 4.44;
			}
			if (w == 5 && i % 4 == 0)
				pt->change = RP_CHANGE_UP;
			if (w == 7 && i % 5 == 1)
				pt->change = RP_CHANGE_DOWN;
		}
		if (n_waves > 0 && !f->trends[i].points[n_waves - 1].suppressed)
			f->trends[i].points[n_waves - 1].mean = means[i];
		if (n_waves > 0 && f->d[i].suppressed) {
			f->trends[i].points[n_waves - 1].suppressed = 1;
			f->trends[i].points[n_waves - 1].mean = 4.44;
		}
	}
	f->r.trends = f->trends;
	f->r.n_trends = N_DIMS;

	for (i = 0; i + 1 < sizeof(f->long_comment); i++)
		f->long_comment[i] = "abcdefghijklmnopqrstuvwxyz"[i % 26];
	f->long_comment[sizeof(f->long_comment) - 1] = '\0';
	memcpy(f->long_comment, "Start: ", 7);
	f->r.comments_shown = 1;
	for (i = 0; i < n_comments && i < 120; i++) {
		static const char *const texts[] = {
		    "Ξένια always makes time on Monday mornings to ask how we "
		    "are, and she means it.",
		    "More handover time between shifts would help a lot.",
		    "Zoë Łódź organised cover when my father was ill; I will "
		    "not forget it.",
		    "Clearer priorities when everything is urgent.",
		    "Проще говорить о проблемах стало после летней встречи.",
		};
		static const char *const purposes[] = {
		    "going_well", "would_help", "going_well", "would_help",
		    "going_well"};

		f->comments[i].purpose = purposes[i % 5];
		f->comments[i].text = texts[i % 5];
	}
	if (n_comments > 0) {
		f->comments[0].text = f->long_comment;
		f->comments[0].purpose = "would_help";
	}
	f->r.comments = f->comments;
	f->r.n_comments = n_comments < 120 ? n_comments : 120;
}

static const char *out_path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", out_dir, name);
	return buf;
}

static struct rp_options options(void)
{
	struct rp_options o = {RP_PAPER_A4, FIXED_DATE, 1, NULL, false};

	return o;
}

/* Counts leftover temporary files in the output directory. */
static int no_temp_files(void)
{
	DIR *d = opendir(out_dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += strstr(e->d_name, ".tmp-") != NULL;
	closedir(d);
	return n;
}

static void write_team(const struct rp_team_report *r, const char *name,
		       const struct rp_options *o)
{
	char path[640];
	struct cp_error err;
	int rc = rp_team_report_write(r, out_path(path, sizeof(path), name), o,
				      &err);

	if (rc)
		fprintf(stderr, "%s: %s\n", name, err.message);
	assert_int_equal(rc, 0);
}

static void slurp(const char *path, struct cp_buf *b)
{
	cp_buf_init(b, 0);
	assert_int_equal(cp_buf_read_file(b, path, NULL), 0);
}

static void test_team_full(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rp_options o = options();
	char path[640];
	struct cp_buf b;

	(void)state;
	team_fixture(f, 2, 8, 12);
	write_team(&f->r, "team-full.pdf", &o);
	slurp(out_path(path, sizeof(path), "team-full.pdf"), &b);
	assert_true(b.len > 1000);
	assert_memory_equal(b.data, "%PDF-", 5);
	cp_buf_release(&b);
	free(f);
}

static void test_team_letter(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rp_options o = options();

	(void)state;
	team_fixture(f, 1, 12, 6);
	o.paper = RP_PAPER_LETTER;
	write_team(&f->r, "team-letter.pdf", &o);
	free(f);
}

static void test_team_one_wave(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rp_options o = options();
	size_t i;

	(void)state;
	team_fixture(f, 1, 1, 0);
	for (i = 0; i < N_DIMS; i++)
		f->d[i].has_self = 0;
	f->r.comments_shown = 0;
	f->r.team = "Ξένια's community nursing and rehabilitation team for the "
		    "northern district, evening and weekend shifts";
	write_team(&f->r, "team-one-wave.pdf", &o);
	free(f);
}

/* Everyone answered 4 to everything: sd 0, a zero-width interval, one
 * segment per bar, a flat trend. */
static void test_team_all_equal(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rp_options o = options();
	size_t i, w;

	(void)state;
	team_fixture(f, 1, 3, 0);
	f->r.response_rate_hidden = 1;
	for (i = 0; i < N_DIMS; i++) {
		f->d[i].suppressed = 0;
		f->d[i].n = 6;
		f->d[i].mean = 4;
		f->d[i].score = 75;
		f->d[i].favourable = 100;
		f->d[i].neutral = f->d[i].unfavourable = 0;
		f->d[i].sd = 0;
		f->d[i].ci_low = f->d[i].ci_high = 4;
		f->d[i].previous_mean = 4;
		f->d[i].change = RP_CHANGE_NONE;
		f->d[i].has_self = 0;
		for (w = 0; w < 3; w++) {
			f->trends[i].points[w].mean = 4;
			f->trends[i].points[w].change = RP_CHANGE_NONE;
		}
	}
	for (i = 0; i < f->r.n_items; i++) {
		memset(f->items[i].counts, 0, sizeof(f->items[i].counts));
		f->items[i].counts[3] = 6;
		f->items[i].n = 6;
		f->items[i].mean = 4;
		f->items[i].suppressed = 0;
	}
	f->r.comments_shown = 1;
	f->r.n_comments = 0;
	write_team(&f->r, "team-all-equal.pdf", &o);
	free(f);
}

/* Degenerate input must not reach libharu: NaN, out-of-range values,
 * zero counts, nothing shown at all. */
static void test_team_degenerate(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rp_options o = options();
	size_t i;

	(void)state;
	team_fixture(f, 1, 2, 0);
	for (i = 0; i < N_DIMS; i++) {
		f->d[i].score = i % 2 ? NAN : 250;
		f->d[i].mean = i % 2 ? NAN : 9;
		f->d[i].ci_low = -INFINITY;
		f->d[i].ci_high = NAN;
		f->d[i].previous_mean = NAN;
		f->trends[i].points[0].mean = NAN;
	}
	for (i = 0; i < f->r.n_items; i++)
		memset(f->items[i].counts, 0, sizeof(f->items[i].counts));
	f->items[0].counts[2] = -5;
	write_team(&f->r, "team-degenerate.pdf", &o);

	f->r.n_dimensions = 0;
	f->r.n_items = 0;
	f->r.n_trends = 0;
	f->r.n_waves = 0;
	f->r.team = "";
	write_team(&f->r, "team-empty.pdf", &o);
	free(f);
}

/* 20 pages, 12 waves: the size of the speed check. */
static void test_team_large(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rp_options o = options();

	(void)state;
	team_fixture(f, 15, 12, 120);
	write_team(&f->r, "team-large.pdf", &o);
	free(f);
}

static void test_same_input_same_bytes(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rp_options o = options();
	char p1[640], p2[640];
	struct cp_buf a, b;

	(void)state;
	team_fixture(f, 2, 8, 12);
	write_team(&f->r, "same-1.pdf", &o);
	write_team(&f->r, "same-2.pdf", &o);
	slurp(out_path(p1, sizeof(p1), "same-1.pdf"), &a);
	slurp(out_path(p2, sizeof(p2), "same-2.pdf"), &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	cp_buf_release(&b);

	/* A different date is a different file: the date is really used. */
	o.creation_time += 86400;
	write_team(&f->r, "same-2.pdf", &o);
	slurp(p2, &b);
	assert_true(a.len != b.len || memcmp(a.data, b.data, a.len) != 0);
	cp_buf_release(&a);
	cp_buf_release(&b);
	unlink(p1);
	unlink(p2);
	free(f);
}

static void test_refusals(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rp_options o = options();
	struct cp_error err;
	char path[640], dir[640];
	struct stat st;

	(void)state;
	team_fixture(f, 1, 3, 0);
	out_path(path, sizeof(path), "refused.pdf");
	unlink(path);

	f->r.n_waves = RP_WAVES_MAX + 1;
	assert_int_equal(rp_team_report_write(&f->r, path, &o, &err),
			 CP_EUSAGE);
	f->r.n_waves = 3;

	o.font_dir = "/nonexistent-fonts";
	assert_int_equal(rp_team_report_write(&f->r, path, &o, &err), CP_EIO);
	assert_non_null(strstr(err.message, "/nonexistent-fonts"));
	assert_int_equal(stat(path, &st), -1);
	o.font_dir = NULL;

	/* An unwritable target leaves nothing behind, not even the
	 * temporary file. */
	snprintf(dir, sizeof(dir), "%s/no-such-dir/x.pdf", out_dir);
	assert_int_equal(rp_team_report_write(&f->r, dir, &o, &err), CP_EIO);
	assert_non_null(strstr(err.message, "no-such-dir"));

	assert_int_equal(rp_team_report_write(NULL, path, &o, &err), CP_EUSAGE);
	assert_int_equal(no_temp_files(), 0);
	free(f);
}

/* A font file that is not a font: libharu's error comes back through the
 * handler as bad data naming the file, and nothing is written. */
static void test_bad_font(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rp_options o = options();
	struct cp_error err;
	char dir[640], font[700], path[640];
	FILE *fp;
	struct stat st;

	(void)state;
	team_fixture(f, 1, 2, 0);
	snprintf(dir, sizeof(dir), "%s/bad-fonts", out_dir);
	mkdir(dir, 0755);
	snprintf(font, sizeof(font), "%s/DejaVuSans.ttf", dir);
	fp = fopen(font, "w");
	assert_non_null(fp);
	fputs("this is not a TrueType font, just some words\n", fp);
	fclose(fp);
	o.font_dir = dir;
	out_path(path, sizeof(path), "bad-font.pdf");
	assert_int_equal(rp_team_report_write(&f->r, path, &o, &err), CP_EDATA);
	assert_non_null(strstr(err.message, "DejaVuSans.ttf"));
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(no_temp_files(), 0);
	/* A NULL err is allowed. */
	assert_int_not_equal(rp_team_report_write(&f->r, path, &o, NULL), 0);
	unlink(font);
	rmdir(dir);
	free(f);
}

/* A failed write keeps the old file as it was. */
static void test_failure_keeps_old_file(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rp_options o = options();
	struct cp_error err;
	char path[640];
	struct cp_buf before, after;

	(void)state;
	team_fixture(f, 1, 2, 0);
	write_team(&f->r, "kept.pdf", &o);
	out_path(path, sizeof(path), "kept.pdf");
	slurp(path, &before);
	o.font_dir = "/nonexistent-fonts";
	assert_int_not_equal(rp_team_report_write(&f->r, path, &o, &err), 0);
	slurp(path, &after);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.data, after.data, before.len);
	cp_buf_release(&before);
	cp_buf_release(&after);
	unlink(path);
	free(f);
}

static const struct rp_compare_column columns[N_DIMS] = {
    {"compassion", "Compassion", 0},
    {"confidence", "Confidence", 0},
    {"collaborative", "Collaborative", 0},
    {"contemplative", "Contemplative", 0},
    {"civil", "Civil", 0},
    {"curiosity", "Curiosity", 0},
    {"courage", "Courage", 0},
    {"attending", "Attending", 0},
    {"understanding", "Understanding", 0},
    {"empathising", "Empathising", 0},
    {"helping", "Helping", 0},
};

/*
 * n teams with values from 40 to 90, every seventh cell suppressed with the
 * sentinel 99, and the first team named in Greek.
 */
static void compare_report(size_t n, enum rp_sort sort, const char *name)
{
	struct rp_compare_row *rows = calloc(n + 1, sizeof(*rows));
	struct rp_compare_cell *cells =
	    calloc((n + 1) * N_DIMS, sizeof(*cells));
	char(*names)[64] = calloc(n + 1, sizeof(*names));
	struct rp_compare_report r;
	struct rp_options o = options();
	unsigned int seed = 12345;
	size_t i, j;

	assert_non_null(rows);
	assert_non_null(cells);
	assert_non_null(names);
	memset(&r, 0, sizeof(r));
	for (i = 0; i <= n; i++) {
		for (j = 0; j < N_DIMS; j++) {
			struct rp_compare_cell *c = &cells[i * N_DIMS + j];

			seed = seed * 1103515245u + 12345u;
			c->value = 40 + (double)((seed >> 8) % 5000) / 100.0;
			if ((i * N_DIMS + j) % 7 == 3 && i < n) {
				c->suppressed = 1;
				c->value = 99;
			}
		}
		snprintf(names[i], sizeof(names[i]), "Team %03zu", n - i);
		rows[i].team = names[i];
		rows[i].response_rate = 55 + (double)(i % 40);
		rows[i].response_rate_hidden = i % 11 == 5;
		rows[i].cells = &cells[i * N_DIMS];
	}
	rows[0].team = "Ξένια Παπαδοπούλου — Αθήνα";
	if (n > 1)
		rows[1].team = "Zoë Łódź and a team name long enough to be cut "
			       "short in its column";
	r.wave = "November 2026";
	r.survey_title = "Compassionate leadership pulse";
	r.survey_version = "1.0.0";
	r.threshold = 5;
	r.sort = sort;
	r.columns = columns;
	r.n_columns = N_DIMS;
	r.rows = rows;
	r.n_rows = n;
	r.organisation = rows[n];
	r.organisation.team = "Organisation";
	r.organisation.response_rate = 71;
	r.organisation.response_rate_hidden = 0;
	{
		char path[640];
		struct cp_error err;
		int rc = rp_compare_report_write(
		    &r, out_path(path, sizeof(path), name), &o, &err);

		if (rc)
			fprintf(stderr, "%s: %s\n", name, err.message);
		assert_int_equal(rc, 0);
	}
	free(rows);
	free(cells);
	free(names);
}

static void test_compare_200(void **state)
{
	(void)state;
	compare_report(200, RP_SORT_NAME, "compare-200.pdf");
}

static void test_compare_small(void **state)
{
	(void)state;
	compare_report(6, RP_SORT_OVERALL, "compare-small.pdf");
	compare_report(0, RP_SORT_NAME, "compare-empty.pdf");
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Not a test: prints how long a 20-page, 12-wave team report takes. */
static int bench(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rp_options o = options();
	char path[640];
	struct cp_error err;
	double best = 1e9, total = 0;
	int i, runs = 20;

	if (f == NULL)
		return 1;
	team_fixture(f, 15, 12, 120);
	out_path(path, sizeof(path), "bench.pdf");
	for (i = 0; i < runs; i++) {
		double t0 = now_ms(), dt;

		if (rp_team_report_write(&f->r, path, &o, &err)) {
			fprintf(stderr, "bench: %s\n", err.message);
			free(f);
			return 1;
		}
		dt = now_ms() - t0;
		total += dt;
		if (dt < best)
			best = dt;
	}
	printf("team report (%s): best %.1f ms, mean %.1f ms over %d runs\n",
	       path, best, total / runs, runs);
	free(f);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_team_full),
	    cmocka_unit_test(test_team_letter),
	    cmocka_unit_test(test_team_one_wave),
	    cmocka_unit_test(test_team_all_equal),
	    cmocka_unit_test(test_team_degenerate),
	    cmocka_unit_test(test_team_large),
	    cmocka_unit_test(test_same_input_same_bytes),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_failure_keeps_old_file),
	    cmocka_unit_test(test_bad_font),
	    cmocka_unit_test(test_compare_200),
	    cmocka_unit_test(test_compare_small),
	};
	const char *dir = getenv("CP_REPORTS_OUT");
	const char *lang = getenv("CP_REPORTS_LANG");

	if (dir && *dir)
		snprintf(out_dir, sizeof(out_dir), "%s", dir);
	else
		snprintf(out_dir, sizeof(out_dir), "%s/reports-out",
			 CP_BINARY_DIR);
	if (mkdir(out_dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "cannot create %s: %s\n", out_dir,
			strerror(errno));
		return 1;
	}
	if (lang && *lang) {
		struct cp_error err;
		const struct cp_lang *l;

		if (cp_i18n_init(NULL, &err)) {
			fprintf(stderr, "%s\n", err.message);
			return 1;
		}
		l = cp_lang_find(lang);
		if (l == NULL || !cp_lang_available(l)) {
			fprintf(stderr,
				"language %s: not shipped or no locale\n",
				lang);
			return 77;
		}
		(void)cp_lang_use(l);
	}
	if (getenv("CP_REPORTS_BENCH"))
		return bench();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
