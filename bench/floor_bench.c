/*
 * floor_bench.c - the CPU per page that the crawl issue requires of every
 * fetched page, whatever the crawler around it: its two WARC records
 * hashed (block and payload SHA-256) and gzipped (warc_fetch_prepare), and
 * its body read for links with a real parser (html_to_utf8_view and
 * html_scan_links, libxml2) and each link canonicalised.  Measured on one
 * thread, on saved pages, with the crawler's own functions; what a crawl
 * adds (transfers, the store) is not here.
 *
 *   floor_bench [-n REPEAT] ROOT...
 *
 * Every *.html file under each ROOT becomes an HTTP response (a head as
 * nginx sends it, then the file) with a request beside it, as the crawler
 * records them.  A first pass (not timed) lets the WARC writer learn its
 * Huffman tables, as it does in the first records of a crawl.  Then REPEAT
 * passes of each step; the result is CPU microseconds per page (the
 * thread's CPU clock) and what that makes for 20,000 pages.  Build and
 * run: bench/floor.sh.
 */
#include "base/base.h"
#include "crawl/url.h"
#include "html/html.h"
#include "warc/warc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct page {
	char *url;
	struct buf response; /* head and body */
	size_t body_at;
};

static struct page *pages;
static size_t npages, cappages;

static const char REQUEST[] =
	"GET /p/1/1234.html HTTP/1.1\r\nHost: 127.0.0.1:18080\r\n"
	"User-Agent: patroli/0.1 (+https://patroli.example/bot)\r\n"
	"Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8\r\n"
	"Accept-Encoding: gzip, br\r\nAccept-Language: id,en;q=0.5\r\n\r\n";

static void add_page(const char *path, const char *rel)
{
	FILE *f = fopen(path, "rb");
	struct page *p;
	char buf[65536];
	size_t n;
	struct buf body = BUF_INIT;

	if (!f)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		buf_append(&body, buf, n);
	fclose(f);
	pages = xgrow(pages, &cappages, npages + 1, sizeof(*pages));
	p = &pages[npages++];
	p->url = xasprintf("http://127.0.0.1:18080/%s", rel);
	buf_init(&p->response, 0);
	buf_printf(&p->response,
		   "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
		   "Date: Sun, 29 Nov 2026 16:00:00 GMT\r\n"
		   "Content-Type: text/html; charset=utf-8\r\n"
		   "Content-Length: %zu\r\n"
		   "Last-Modified: Sun, 29 Nov 2026 12:00:00 GMT\r\n"
		   "Connection: keep-alive\r\nETag: \"6762c2d0-%zx\"\r\n"
		   "Accept-Ranges: bytes\r\n\r\n",
		   body.len, body.len);
	p->body_at = p->response.len;
	buf_append(&p->response, body.p, body.len);
	buf_release(&body);
}

static void walk(const char *root, const char *rel)
{
	char *dir = *rel ? xasprintf("%s/%s", root, rel) : xstrdup(root);
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		free(dir);
		return;
	}
	while ((e = readdir(d))) {
		char *path, *r;
		struct stat st;
		size_t n = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		r = *rel ? xasprintf("%s/%s", rel, e->d_name)
			 : xstrdup(e->d_name);
		if (!stat(path, &st) && S_ISDIR(st.st_mode))
			walk(root, r);
		else if (n > 5 && !strcmp(e->d_name + n - 5, ".html"))
			add_page(path, r);
		free(path);
		free(r);
	}
	closedir(d);
	free(dir);
}

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static struct warc_writer *writer;

static void step_evidence(const struct page *p)
{
	struct warc_fetch f = {
		.url = p->url,
		.ip = "127.0.0.1",
		.request = SLICE_LIT(REQUEST),
		.response = buf_slice(&p->response),
	};
	struct warc_prepared *w;

	if (warc_fetch_prepare(writer, &f, &w))
		die("%s: warc_fetch_prepare failed", p->url);
	warc_prepared_free(w);
}

static const struct url_rules rules = {NULL, 2048};
static size_t links_seen;

static void on_link(void *arg, const char *url, const char *rel)
{
	const char *why;

	(void)rel;
	if (!url_canon_append(url, &rules, &why, arg))
		links_seen++;
}

static void on_link_nothing(void *arg, const char *url, const char *rel)
{
	(void)arg;
	(void)url;
	(void)rel;
}

/* The body decoded and parsed, each link handed to fn. */
static void read_links(const struct page *p,
		       void (*fn)(void *arg, const char *url, const char *rel),
		       void *arg)
{
	struct slice body = {p->response.p + p->body_at,
			     p->response.len - p->body_at};
	struct buf tmp = BUF_INIT;
	struct slice utf8;
	char *canonical = NULL;

	html_to_utf8_view("text/html; charset=utf-8", body, &tmp, &utf8, NULL);
	html_scan_links(utf8, p->url, 100000, fn, arg, &canonical);
	free(canonical);
	buf_release(&tmp);
}

static void step_read(const struct page *p)
{
	struct buf links = BUF_INIT;

	read_links(p, on_link, &links);
	buf_release(&links);
}

/* step_read() but for canonicalising: the parse and the resolution. */
static void step_parse(const struct page *p)
{
	read_links(p, on_link_nothing, NULL);
}

static void step_sha256(const struct page *p)
{
	unsigned char md[32];

	sha256(p->response.p, p->response.len, md);
	sha256(p->response.p + p->body_at, p->response.len - p->body_at, md);
	sha256(REQUEST, sizeof(REQUEST) - 1, md);
}

static double timed(void (*step)(const struct page *), int repeat)
{
	double t0 = cpu_now();

	for (int r = 0; r < repeat; r++)
		for (size_t i = 0; i < npages; i++)
			step(&pages[i]);
	return (cpu_now() - t0) / (double)repeat / (double)npages * 1e6;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*step)(const struct page *);
	} steps[] = {
		{"evidence: WARC request + response records, hashed and "
		 "gzipped",
		 step_evidence},
		{"  of which SHA-256 (block, payload, request)", step_sha256},
		{"reading: UTF-8 check, libxml2 parse, links canonicalised",
		 step_read},
		{"  of which all but canonicalising the links", step_parse},
	};
	char tmpl[] = "/tmp/floor-bench.XXXXXX";
	const char *info[] = {"software", "floor_bench", NULL};
	struct warc_writer_opts wo = {
		.subdir = "warc", .prefix = "floor", .info = info};
	int repeat = 3, a = 1;
	double total = 0;

	if (a + 1 < argc && !strcmp(argv[a], "-n")) {
		repeat = atoi(argv[a + 1]);
		a += 2;
	}
	for (; a < argc; a++)
		walk(argv[a], "");
	if (!npages || repeat < 1)
		die("usage: floor_bench [-n REPEAT] ROOT... (no pages found)");
	if (!mkdtemp(tmpl))
		die("mkdtemp failed");
	wo.data_dir = tmpl;
	if (warc_writer_open(&wo, &writer))
		die("cannot open a WARC writer in %s", tmpl);
	for (size_t i = 0; i < npages; i++) { /* learn, warm up */
		step_evidence(&pages[i]);
		step_read(&pages[i]);
	}
	printf("%zu pages, %zu links per pass; CPU of one thread, %d "
	       "pass(es)\n",
	       npages, links_seen, repeat);
	printf("%-62s %9s %14s\n", "step", "us/page", "s/20,000 pages");
	for (size_t s = 0; s < sizeof(steps) / sizeof(*steps); s++) {
		double us = timed(steps[s].step, repeat);

		if (steps[s].name[0] != ' ')
			total += us;
		printf("%-62s %9.1f %14.2f\n", steps[s].name, us,
		       us * 20000 / 1e6);
	}
	printf("%-62s %9.1f %14.2f\n", "required per page, in all", total,
	       total * 20000 / 1e6);
	warc_writer_close(writer);
	{
		char *cmd = xasprintf("rm -rf '%s'", tmpl);
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", tmpl);
		free(cmd);
	}
	return 0;
}
