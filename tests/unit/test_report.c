/*
 * test_report.c - the Dokumen Profiling renderer (src/report).
 *
 * The sample actors in tests/report/ are rendered into $TMPDIR: a small
 * realistic one, a large one (300 listings, 100 identifiers; made by
 * tests/report/gen_large.py) and a hostile one (wrong types, missing keys,
 * huge strings, bidi and control characters).  A PDF is checked from its
 * bytes: the header and trailer, the page objects against the page tree's
 * /Count, and the bookmarks of the seven sections.  Whether it reads well
 * is for a person: `pdftoppm -png -r 60 file.pdf /tmp/x` (docs/report.md).
 *
 * The pure helpers (time parsing, text cleaning) are tested directly
 * through the module's private header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report.h"
#include "report/report_int.h"

/* ---- helpers ------------------------------------------------------------ */

static char *tmpdir;

static int setup(void **state)
{
	const char *t = getenv("TMPDIR");

	tmpdir = xasprintf("%s/patroli-report-XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	free(cmd);
	free(tmpdir);
	return rc;
}

static char *slurp(const char *path)
{
	struct buf b = BUF_INIT;

	buf_init(&b, 0);
	assert_int_equal(buf_read_file(&b, path), 0);
	return buf_detach(&b, NULL);
}

static size_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (size_t)st.st_size;
}

static const char *find(const char *p, size_t n, const char *needle)
{
	return memmem(p, n, needle, strlen(needle));
}

/* Page objects ("/Type /Page" but not "/Type /Pages") and the page tree's
 * /Count must agree; returns the count. */
static int pdf_pages(const char *path)
{
	struct buf b = BUF_INIT;
	const char *p, *end, *tree;
	int objects = 0, count;

	buf_init(&b, 0);
	assert_int_equal(buf_read_file(&b, path), 0);
	assert_true(b.len > 1000);
	assert_memory_equal(b.p, "%PDF-", 5);
	assert_non_null(find(b.p + b.len - 32, 32, "%%EOF"));
	end = b.p + b.len;
	for (p = b.p; (p = find(p, (size_t)(end - p), "/Type /Page")); p++)
		objects += p[11] != 's';
	tree = find(b.p, b.len, "/Type /Pages");
	assert_non_null(tree);
	p = find(tree, (size_t)(end - tree), "/Count ");
	assert_non_null(p);
	count = (int)strtol(p + 7, NULL, 10);
	assert_int_equal(objects, count);
	buf_release(&b);
	return count;
}

static void assert_sections(const char *path)
{
	static const char *const titles[] = {
		"(1. Ringkasan)",
		"(2. Identitas)",
		"(3. Daftar tautan)",
		"(4. Linimasa)",
		"(5. Graf aktor)",
		"(6. Bukti penggabungan)",
		"(7. Catatan dan paraf analis)",
	};
	struct buf b = BUF_INIT;

	buf_init(&b, 0);
	assert_int_equal(buf_read_file(&b, path), 0);
	for (size_t i = 0; i < ARRAY_LEN(titles); i++)
		assert_non_null(find(b.p, b.len, titles[i]));
	buf_release(&b);
}

/* Render tests/report/<name>.json to $tmp/<name>.pdf; its page count. */
static int render_sample(const char *name, char **out)
{
	char *in = xasprintf("tests/report/%s.json", name);
	char *json = slurp(in);
	struct stat st;
	int pages;

	*out = xasprintf("%s/%s.pdf", tmpdir, name);
	assert_int_equal(report_profile_pdf(json, *out), 0);
	pages = pdf_pages(*out);
	assert_sections(*out);
	/* "Sifat: Rahasia": the file is the owner's only */
	assert_int_equal(stat(*out, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
	free(json);
	free(in);
	return pages;
}

/* Run f(json, out) with stderr captured; returns what was logged. */
static char *logged(int (*f)(const char *, const char *), const char *json,
		    const char *out, int *rc)
{
	char *path = xasprintf("%s/stderr.txt", tmpdir), *text;
	int saved = dup(2), fd;

	fflush(stderr);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	close(fd);
	*rc = f(json, out);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	text = slurp(path);
	unlink(path);
	free(path);
	return text;
}

/* No "name.XXXXXX" temporary left beside `out`. */
static void assert_no_temporaries(const char *out)
{
	char *cmd = xasprintf("ls '%s'.?????? >/dev/null 2>&1", out);

	assert_int_not_equal(system(cmd), 0);
	free(cmd);
}

/* ---- the samples -------------------------------------------------------- */

static void test_small(void **state)
{
	char *out;
	int pages = render_sample("small", &out);

	/* 4 listings: two to five pages whatever the fonts' metrics */
	assert_in_range(pages, 2, 5);
	assert_no_temporaries(out);
	free(out);
}

static void test_large(void **state)
{
	char *out, *again = xasprintf("%s/large-again.pdf", tmpdir);
	char *json = slurp("tests/report/large.json"), *a, *b;
	int pages = render_sample("large", &out);

	assert_in_range(pages, 15, 120);
	/* the same JSON gives the same bytes (dates come from the JSON) */
	assert_int_equal(report_profile_pdf(json, again), 0);
	assert_int_equal(file_size(out), file_size(again));
	a = slurp(out);
	b = slurp(again);
	assert_memory_equal(a, b, file_size(out));
	free(a);
	free(b);
	free(json);
	free(again);
	free(out);
}

static void test_hostile(void **state)
{
	char *out;
	int pages = render_sample("hostile", &out);

	assert_in_range(pages, 2, 30);
	free(out);
}

/* Replacing a file: the new document takes its place whole. */
static void test_replaces(void **state)
{
	char *out = xasprintf("%s/replace.pdf", tmpdir);
	FILE *f = fopen(out, "w");

	assert_non_null(f);
	fputs("old", f);
	fclose(f);
	assert_int_equal(report_profile_pdf("{\"id\": 1}", out), 0);
	assert_true(pdf_pages(out) >= 1);
	free(out);
}

/* Every key missing, or of the wrong type: "-" everywhere, no failure. */
static void test_empty_actor(void **state)
{
	static const char *const cases[] = {
		"{}",
		"{\"id\": null, \"listings\": {}, \"identifiers\": [],"
		" \"edges\": {}, \"merges\": \"x\", \"violations\": []}",
		"{\"id\": 1.5e300, \"listings\": [null, 1, [], {}],"
		" \"generated_at\": 20261129}",
	};
	char *out = xasprintf("%s/empty.pdf", tmpdir);

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(report_profile_pdf(cases[i], out), 0);
		assert_in_range(pdf_pages(out), 1, 3);
		assert_sections(out);
	}
	free(out);
}

/* Thousands of listings and identifiers: the table is capped at
 * REPORT_MAX_LISTINGS rows and paginates, the graph at 60 nodes. */
static void test_many(void **state)
{
	char *out = xasprintf("%s/many.pdf", tmpdir);
	struct buf j = BUF_INIT;
	int pages;

	buf_init(&j, 0);
	buf_puts(&j, "{\"id\": \"A-many\", \"generated_at\": "
		     "\"2026-11-29T07:44:54Z\", \"listings\": [");
	for (int i = 0; i < REPORT_MAX_LISTINGS + 500; i++)
		buf_printf(&j,
			   "%s{\"url\": \"https://m.example/%d\", "
			   "\"first_seen\": \"2026-%02d-%02dT00:00:00Z\"}",
			   i ? "," : "", i, i % 12 + 1, i % 28 + 1);
	buf_puts(&j, "], \"edges\": [");
	for (int i = 0; i < 3000; i++)
		buf_printf(&j,
			   "%s{\"listing\": \"https://m.example/%d\", "
			   "\"kind\": \"phone\", \"value\": \"+62812%d\"}",
			   i ? "," : "", i, i % 700);
	buf_puts(&j, "]}");
	assert_int_equal(report_profile_pdf(j.p, out), 0);
	pages = pdf_pages(out);
	/* between 8 and 60 rows a page */
	assert_in_range(pages, REPORT_MAX_LISTINGS / 60,
			REPORT_MAX_LISTINGS / 8 + 10);
	buf_release(&j);
	free(out);
}

/* Renders from several threads at once (the profile commands may): each
 * gets its own fonts and cairo surface, graphviz is serialised inside. */
#define THREADS 4

struct job {
	const char *json;
	char *out;
	int rc;
};

static void *render_job(void *arg)
{
	struct job *j = arg;

	j->rc = report_profile_pdf(j->json, j->out);
	return NULL;
}

static void test_threads(void **state)
{
	char *json = slurp("tests/report/small.json");
	struct job jobs[THREADS];
	pthread_t th[THREADS];
	int pages = -1;

	for (int i = 0; i < THREADS; i++) {
		jobs[i] = (struct job){json, NULL, -99};
		jobs[i].out = xasprintf("%s/thread-%d.pdf", tmpdir, i);
		assert_int_equal(
			pthread_create(&th[i], NULL, render_job, &jobs[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(jobs[i].rc, 0);
		if (pages < 0)
			pages = pdf_pages(jobs[i].out);
		assert_int_equal(pdf_pages(jobs[i].out), pages);
		free(jobs[i].out);
	}
	free(json);
}

/* ---- errors ------------------------------------------------------------- */

static void test_bad_json(void **state)
{
	static const char *const cases[] = {
		"",	     "{",
		"[]",	     "null",
		"\"actor\"", "{\"id\": 1,}",
		"{\"a\" 1}", "{\"id\": \"\\u0000\"}",
	};
	char *out = xasprintf("%s/bad.pdf", tmpdir), *log;
	int rc;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		log = logged(report_profile_pdf, cases[i], out, &rc);
		assert_int_equal(rc, ERR_INPUT);
		assert_non_null(strstr(log, out)); /* names the file */
		assert_non_null(strstr(log, "actor JSON"));
		assert_int_equal(access(out, F_OK), -1);
		free(log);
	}
	assert_no_temporaries(out);
	free(out);
}

static void test_too_large(void **state)
{
	size_t n = (size_t)REPORT_MAX_JSON + 16;
	char *json = xmalloc(n + 1), *out = xasprintf("%s/big.pdf", tmpdir);

	memset(json, ' ', n);
	json[0] = '{';
	json[n - 1] = '}';
	json[n] = '\0';
	assert_int_equal(report_profile_pdf(json, out), ERR_INPUT);
	assert_int_equal(access(out, F_OK), -1);
	free(json);
	free(out);
}

static void test_unwritable(void **state)
{
	char *out = xasprintf("%s/no/such/dir/x.pdf", tmpdir), *log;
	int rc;

	log = logged(report_profile_pdf, "{\"id\": 1}", out, &rc);
	assert_int_equal(rc, ERR_FAIL);
	assert_non_null(strstr(log, out));
	free(log);
	free(out);
}

/* ---- helpers of the module ---------------------------------------------- */

static void test_parse_time(void **state)
{
	int64_t t;

	assert_int_equal(rpt_parse_time("2026-11-29T07:44:54Z", &t), 0);
	assert_int_equal(t, 1795938294);
	assert_int_equal(rpt_parse_time("2026-11-29T14:44:54+07:00", &t), 0);
	assert_int_equal(t, 1795938294);
	assert_int_equal(rpt_parse_time("2026-11-29t14:44:54.999+0700", &t), 0);
	assert_int_equal(t, 1795938294);
	assert_int_equal(rpt_parse_time("2026-11-29 07:44", &t), 0);
	assert_int_equal(t, 1795938240);
	assert_int_equal(rpt_parse_time("2026-11-29", &t), 0);
	assert_int_equal(t, 1795910400);
	assert_int_equal(rpt_parse_time("2024-02-29T00:00:00Z", &t), 0);
	assert_int_equal(rpt_parse_time("2016-12-31T23:59:60Z", &t), 0);
	assert_int_equal(t, 1483228799); /* the leap second's predecessor */
	static const char *const bad[] = {
		"",
		"2026",
		"2026-11-29T",
		"2026-13-01",
		"2026-02-30",
		"2026-11-29T24:00:00Z",
		"2026-11-29T07:44:54+7",
		"1850-01-01",
		"9999-12-31",
		"2026-11-29T07:44:54Zjunk",
		"kemarin",
		"2026-11-29T07:44:54+07:60",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		assert_int_equal(rpt_parse_time(bad[i], &t), ERR_INPUT);
	assert_int_equal(rpt_parse_time(NULL, &t), ERR_INPUT);
}

static void test_clean(void **state)
{
	static const struct {
		const char *in;
		size_t cap;
		const char *out;
	} cases[] = {
		{"  a \t\n b  ", 100, "a b"},
		{"x\u202Eexe.jpg", 100, "x\uFFFDexe.jpg"},   /* bidi */
		{"a\u200Bb\uFEFFc", 100, "a\uFFFDb\uFFFDc"}, /* zero width */
		{"bel\a esc\x1b[31m", 100, "bel\uFFFD esc\uFFFD[31m"},
		{"bad \xff\xfe utf8", 100, "bad \uFFFD\uFFFD utf8"},
		{"abcdefghij", 8, "abcd\u2026"},
		{"\u00e9\u00e9\u00e9\u00e9", 8,
		 "\u00e9\u00e9\u2026"}, /* 2-byte */
		{"", 10, ""},
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *c = rpt_clean(cases[i].in, cases[i].cap);

		assert_string_equal(c, cases[i].out);
		assert_true(strlen(c) < cases[i].cap);
		free(c);
	}
}

static void test_labels(void **state)
{
	char out[32];

	assert_string_equal(rpt_violation_label("BKO"),
			    "Mengandung bahan kimia obat");
	assert_null(rpt_violation_label("NOPE"));
	assert_string_equal(rpt_commodity_label("obat_tradisional"),
			    "Obat tradisional");
	assert_string_equal(rpt_kind_label(RPT_PHONE), "Telepon/WhatsApp");
	rpt_fmt_date_long(1795938294, out);
	assert_string_equal(out, "29 November 2026");
	rpt_fmt_time(1795938294, out);
	assert_string_equal(out, "2026-11-29 07:44 UTC");
	rpt_fmt_time(RPT_NO_TIME, out);
	assert_string_equal(out, "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_replaces),
		cmocka_unit_test(test_empty_actor),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_bad_json),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_unwritable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
