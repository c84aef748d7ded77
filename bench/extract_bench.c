/*
 * extract_bench.c - extraction throughput and per-page output on a tree of
 * saved HTML pages (the dev corpus: /work/shared/corpus-dev/site).
 *
 *   extract_bench [-p PROFILE_DIR] [-n REPEAT] [-j] [-u URL_PREFIX] ROOT
 *
 * Every *.html file under ROOT is read into memory first; then each page is
 * parsed (html_parse, as the pipeline does) and extracted REPEAT times on one
 * thread, and the rate is printed as pages/s per core, with the parse-only rate
 * beside it so the cost of extraction itself is visible.  With -j, one JSON
 * line per page (path, is_listing, score, why, platform, title, price, ...)
 * goes to stdout for bench/extract_accuracy.sh; the rates go to stderr.
 *
 * A page's URL is URL_PREFIX (default http://127.0.0.1:8000) plus its path
 * under ROOT, with a trailing "index.html" dropped, as a crawler would see
 * it.  Build: bench/extract_bench.sh.
 */
#include "base/base.h"
#include "extract/extract.h"
#include "html/html.h"

#include <dirent.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct page {
	char *path; /* URL path */
	char *url;
	char *html;
	size_t len;
};

/* CPU time of this process, ms: the rate per core even on a busy machine
 * (wall time would count the other processes' turns). */
static int64_t cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct page *pages;
static size_t npages, cappages;

static void scan(const char *root, const char *rel, const char *prefix)
{
	char *dir = xasprintf("%s%s", root, rel);
	DIR *d = opendir(dir);
	if (!d) {
		free(dir);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *full = xasprintf("%s/%s", dir, e->d_name);
		char *r = xasprintf("%s/%s", rel, e->d_name);
		struct stat st;
		if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			scan(root, r, prefix);
		} else {
			size_t l = strlen(e->d_name);
			if (l > 5 && !strcmp(e->d_name + l - 5, ".html")) {
				struct buf b;
				buf_init(&b, 64 * 1024 * 1024);
				if (buf_read_file(&b, full) == 0) {
					pages = xgrow(pages, &cappages,
						      npages + 1,
						      sizeof(*pages));
					struct page *p = &pages[npages++];
					p->path = xstrdup(r);
					size_t pl = strlen(p->path);
					if (pl >= 10 &&
					    !strcmp(p->path + pl - 10,
						    "index.html"))
						p->path[pl - 10] = 0;
					p->url = xasprintf("%s%s", prefix,
							   p->path);
					/* as the crawler stores it: UTF-8 */
					struct buf u;
					buf_init(&u, 64 * 1024 * 1024);
					html_to_utf8("text/html", buf_slice(&b),
						     &u, NULL);
					p->html = buf_detach(&u, &p->len);
					buf_release(&u);
				}
				buf_release(&b);
			}
		}
		free(full);
		free(r);
	}
	closedir(d);
	free(dir);
}

int main(int argc, char **argv)
{
	const char *pdir = NULL, *prefix = "http://127.0.0.1:8000";
	int repeat = 1;
	bool jsonl = false, verbose = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-p") && i + 1 < argc)
			pdir = argv[++i];
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			repeat = (int)strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-u") && i + 1 < argc)
			prefix = argv[++i];
		else if (!strcmp(argv[i], "-j"))
			jsonl = true;
		else if (!strcmp(argv[i], "-v"))
			verbose = true;
		else
			die("usage: extract_bench [-p DIR] [-n N] [-j] [-v] "
			    "[-u "
			    "PREFIX] ROOT");
	}
	if (i >= argc)
		die("usage: extract_bench [-p DIR] [-n N] [-j] [-u PREFIX] "
		    "ROOT");
	struct extract_profiles *ps = extract_profiles_new();
	if (pdir && extract_profiles_load_dir(ps, pdir, NULL) < 0)
		die("%s: profile errors", pdir);
	scan(argv[i], "", prefix);
	size_t bytes = 0;
	for (size_t k = 0; k < npages; k++)
		bytes += pages[k].len;
	fprintf(stderr, "%zu pages, %.1f MB, %zu profiles\n", npages,
		bytes / 1e6, extract_profiles_count(ps));

	if (jsonl) {
		for (size_t k = 0; k < npages; k++) {
			struct extract_result r;
			struct slice h = {pages[k].html, pages[k].len};
			htmlDocPtr d = html_parse(h, pages[k].url);
			extract_page(ps, pages[k].url, h, d, &r);
			html_free(d);
			/* the result's own JSON, with the page's path first */
			char *js = extract_result_json(&r, verbose);
			printf("{\"path\":");
			json_t *path = json_string(pages[k].path);
			json_dumpf(path, stdout, JSON_ENCODE_ANY);
			json_decref(path);
			printf(",%s\n", js + 1);
			free(js);
			extract_result_release(&r);
		}
	}

	/* parse only */
	int64_t t0 = cpu_ms();
	for (int rep = 0; rep < repeat; rep++)
		for (size_t k = 0; k < npages; k++) {
			htmlDocPtr d = html_parse(
				(struct slice){pages[k].html, pages[k].len},
				pages[k].url);
			html_free(d);
		}
	int64_t t1 = cpu_ms();
	/* parse + extract */
	size_t listings = 0;
	for (int rep = 0; rep < repeat; rep++)
		for (size_t k = 0; k < npages; k++) {
			struct extract_result r;
			struct slice h = {pages[k].html, pages[k].len};
			htmlDocPtr d = html_parse(h, pages[k].url);
			extract_page(ps, pages[k].url, h, d, &r);
			html_free(d);
			listings += r.is_listing;
			extract_result_release(&r);
		}
	int64_t t2 = cpu_ms();
	double n = (double)npages * repeat;
	double tp = (t1 - t0) / 1000.0, te = (t2 - t1) / 1000.0;
	fprintf(stderr,
		"parse only:        %8.0f pages/s  %6.1f MB/s\n"
		"parse + extract:   %8.0f pages/s  %6.1f MB/s  (1 core)\n"
		"extract alone:     %8.0f pages/s  (%.1f us/page)\n"
		"listings: %zu of %zu per pass\n",
		n / (tp > 0 ? tp : 1e-9),
		bytes * repeat / 1e6 / (tp > 0 ? tp : 1e-9),
		n / (te > 0 ? te : 1e-9),
		bytes * repeat / 1e6 / (te > 0 ? te : 1e-9),
		n / ((te - tp) > 0 ? (te - tp) : 1e-9), (te - tp) * 1e6 / n,
		listings / (size_t)(repeat ? repeat : 1), npages);
	for (size_t k = 0; k < npages; k++) {
		free(pages[k].path);
		free(pages[k].url);
		free(pages[k].html);
	}
	free(pages);
	extract_profiles_free(ps);
	xmlCleanupParser();
	return 0;
}
