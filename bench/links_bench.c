/*
 * links_bench.c - CPU per discovered link: resolving a page's links against
 * its base and canonicalising the result, the two steps the crawler runs on
 * every <a href>, through curl's URL API only (the "slow" paths, which is
 * what the code did before the fast paths) and as the crawler runs them
 * now (html_resolve() and url_canon(): fast path, else curl).
 *
 *   links_bench [-n REPEAT] [-u URL_PREFIX] ROOT...
 *
 * Every *.html file under each ROOT is read and parsed first (not timed),
 * and the link references html_links() would look at are collected with
 * the page's URL (URL_PREFIX, default http://127.0.0.1:8000, plus its path
 * under ROOT).  Then, REPEAT times, each page's base is parsed once and
 * each reference resolved and canonicalised; the rate is links per CPU
 * second on one thread.  Before timing, every link is checked to come out
 * identical both ways (the bench refuses to report a speed-up of wrong
 * results).  Build and run: bench/links.sh.
 */
#include "base/base.h"
#include "crawl/url_int.h"
#include "html/html_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct page {
	char *url;
	struct buf raw; /* the file, for the parse timing */
	char **refs;
	size_t nrefs, cap;
};

static struct page *pages;
static size_t npages, cappages, nlinks;

/* CPU time of this process in ns: a rate per core even on a busy machine. */
static int64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The elements and attributes html_links() reads. */
static void collect(struct page *p, xmlNodePtr n, int depth)
{
	for (; n; n = n->next) {
		const char *name = (const char *)n->name;
		xmlChar *v = NULL;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcasecmp(name, "a") || !strcasecmp(name, "area") ||
		    !strcasecmp(name, "link"))
			v = xmlGetProp(n, BAD_CAST "href");
		else if (!strcasecmp(name, "frame") ||
			 !strcasecmp(name, "iframe"))
			v = xmlGetProp(n, BAD_CAST "src");
		if (v && *v) {
			p->refs = xgrow(p->refs, &p->cap, p->nrefs + 1,
					sizeof(*p->refs));
			p->refs[p->nrefs++] = xstrdup((const char *)v);
			nlinks++;
		}
		xmlFree(v);
		if (n->children && depth < 256)
			collect(p, n->children, depth + 1);
	}
}

static void load(const char *path, const char *url)
{
	struct buf raw = BUF_INIT, utf8 = BUF_INIT;
	htmlDocPtr doc;
	struct page *p;

	buf_init(&raw, 64 * 1024 * 1024);
	if (buf_read_file(&raw, path)) {
		buf_release(&raw);
		return;
	}
	html_to_utf8("text/html", buf_slice(&raw), &utf8, NULL);
	doc = html_parse(buf_slice(&utf8), url);
	pages = xgrow(pages, &cappages, npages + 1, sizeof(*pages));
	p = &pages[npages++];
	*p = (struct page){.url = xstrdup(url), .raw = raw};
	if (doc)
		collect(p, xmlDocGetRootElement(doc), 0);
	html_free(doc);
	buf_release(&utf8);
}

static void scan(const char *dir, const char *url, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) && depth < 16) {
		size_t l = strlen(e->d_name);
		char *full, *u;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		full = xasprintf("%s/%s", dir, e->d_name);
		if (!stat(full, &st) && S_ISDIR(st.st_mode)) {
			u = xasprintf("%s%s/", url, e->d_name);
			scan(full, u, depth + 1);
		} else {
			/* index.html is the directory's URL, as crawled */
			u = !strcmp(e->d_name, "index.html")
				    ? xstrdup(url)
				    : xasprintf("%s%s", url, e->d_name);
			if (l > 5 && !strcmp(e->d_name + l - 5, ".html"))
				load(full, u);
		}
		free(full);
		free(u);
	}
	closedir(d);
}

/* One pass over every link; returns the number of links that came out. */
static size_t run(bool fast, size_t *sum)
{
	const struct url_rules rules = {NULL, 2048};
	size_t out = 0;

	for (size_t i = 0; i < npages; i++) {
		struct html_base b;

		if (html_base_init(&b, pages[i].url))
			continue;
		for (size_t k = 0; k < pages[i].nrefs; k++) {
			const char *ref = pages[i].refs[k], *why;
			char *abs = fast ? html_resolve(&b, ref)
					 : html_resolve_slow(&b, ref);
			char *canon;

			if (!abs)
				continue;
			canon = fast ? url_canon(abs, &rules, &why)
				     : url_canon_slow(abs, &rules, &why);
			if (canon) {
				*sum += strlen(canon); /* keep it honest */
				out++;
			}
			free(canon);
			free(abs);
		}
		html_base_release(&b);
	}
	return out;
}

/* For scale: transcoding and parsing the same pages, as the crawler does
 * before it looks for links. */
static double parse_rate(void)
{
	int64_t t0 = cpu_ns();
	double s;

	for (size_t i = 0; i < npages; i++) {
		struct buf utf8 = BUF_INIT;
		htmlDocPtr doc;

		html_to_utf8("text/html", buf_slice(&pages[i].raw), &utf8,
			     NULL);
		doc = html_parse(buf_slice(&utf8), pages[i].url);
		html_free(doc);
		buf_release(&utf8);
	}
	s = (double)(cpu_ns() - t0) / 1e9;
	return s > 0 ? (double)npages / s : 0;
}

/* Same bytes both ways, and how many links each fast path takes. */
static int verify(void)
{
	const struct url_rules rules = {NULL, 2048};
	size_t rfast = 0, cfast = 0, bad = 0;

	for (size_t i = 0; i < npages; i++) {
		struct html_base b;

		if (html_base_init(&b, pages[i].url))
			continue;
		for (size_t k = 0; k < pages[i].nrefs; k++) {
			const char *ref = pages[i].refs[k], *w1, *w2;
			char *f = html_resolve_fast(&b, ref);
			char *s = html_resolve_slow(&b, ref);
			char *c1 = NULL, *c2 = NULL, *cf = NULL;

			rfast += f != NULL;
			if (f && (!s || strcmp(f, s))) {
				fprintf(stderr, "resolve differs: %s + %s\n",
					pages[i].url, ref);
				bad++;
			}
			if (s) {
				cf = url_canon_fast(s, &rules);
				c1 = url_canon(s, &rules, &w1);
				c2 = url_canon_slow(s, &rules, &w2);
				cfast += cf != NULL;
				if ((c1 || c2) &&
				    (!c1 || !c2 || strcmp(c1, c2))) {
					fprintf(stderr, "canon differs: %s\n",
						s);
					bad++;
				}
			}
			free(f);
			free(s);
			free(c1);
			free(c2);
			free(cf);
		}
		html_base_release(&b);
	}
	printf("links: %zu on %zu pages; fast path takes %.1f%% of the "
	       "resolutions, %.1f%% of the canonicalisations\n",
	       nlinks, npages, nlinks ? 100.0 * (double)rfast / nlinks : 0,
	       nlinks ? 100.0 * (double)cfast / nlinks : 0);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *prefix = "http://127.0.0.1:8000";
	int64_t repeat = 5;
	int opt;
	double rate[2] = {0}, pr;
	size_t sum = 0;

	while ((opt = getopt(argc, argv, "n:u:")) != -1) {
		if (opt == 'n') {
			if (parse_i64(optarg, 1, 1000, &repeat))
				goto usage;
		} else if (opt == 'u') {
			prefix = optarg;
		} else {
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;
	for (int i = optind; i < argc; i++) {
		char *url = xasprintf("%s/", prefix);
		scan(argv[i], url, 0);
		free(url);
	}
	if (!nlinks) {
		fprintf(stderr, "links_bench: no links under the roots\n");
		return 1;
	}
	if (verify()) {
		fprintf(stderr, "links_bench: fast and slow paths differ\n");
		return 1;
	}
	/* alternate the modes so that drift in machine load hits both */
	for (int64_t r = 0; r < repeat; r++)
		for (int mode = 0; mode < 2; mode++) {
			int64_t t0 = cpu_ns();
			size_t n = run(mode == 1, &sum);
			double s = (double)(cpu_ns() - t0) / 1e9;

			if (s > 0 && (double)n / s > rate[mode])
				rate[mode] = (double)n / s; /* best of */
		}
	printf("curl only (before): %10.0f links/s  %6.0f ns/link\n", rate[0],
	       1e9 / rate[0]);
	printf("fast paths (now):   %10.0f links/s  %6.0f ns/link\n", rate[1],
	       1e9 / rate[1]);
	pr = parse_rate();
	printf("for scale, transcode + parse: %.0f pages/s, %.0f us/page; "
	       "links per page %.1f: resolve + canonicalise was %.0f%% of "
	       "that, now %.0f%%\n",
	       pr, 1e6 / pr, (double)nlinks / (double)npages,
	       100.0 * ((double)nlinks / (double)npages / rate[0]) * pr,
	       100.0 * ((double)nlinks / (double)npages / rate[1]) * pr);
	printf("speed-up: %.1fx  (best of %d passes each, CPU time, one "
	       "thread; checksum %zu)\n",
	       rate[1] / rate[0], (int)repeat, sum);
	return 0;
usage:
	fprintf(stderr, "usage: links_bench [-n REPEAT] [-u URL_PREFIX] "
			"ROOT...\n");
	return 2;
}
