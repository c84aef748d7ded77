/*
 * fuzz_links.c - libFuzzer harness for what the crawler does with a fetched
 * body: charset sniffing and transcoding, HTML parsing, link and canonical
 * extraction, URL canonicalisation and trap checks, and sitemap parsing.
 *
 * The first input byte picks a Content-Type (so every charset path is
 * reached); the rest is the body.  Every URL handed out must canonicalise
 * to something that canonicalises to itself (the frontier's dedup relies
 * on it), and the crawler's tree-less scan (html_scan_links) must hand out
 * exactly what the tree walk (html_links) does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "crawl/url.h"
#include "html/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const types[] = {
	NULL,
	"text/html",
	"text/html; charset=utf-8",
	"text/html; charset=ISO-8859-1",
	"text/html; charset=\"windows-1252\"",
	"text/html; charset=shift_jis",
	"text/html; charset=nonsense-42",
	"application/xhtml+xml; charset=UTF-16",
};

static void collect(void *arg, const char *url, const char *rel)
{
	buf_printf(arg, "%s %s\n", url, rel ? rel : "-");
}

static void on_link(void *arg, const char *url, const char *rel)
{
	const struct url_trap_limits lim = {3, 12, 2, 2026};
	const char *why;
	char *c1, *c2, *key;

	(void)arg;
	(void)rel;
	c1 = url_canon(url, NULL, &why);
	if (!c1)
		return;
	c2 = url_canon(c1, NULL, &why);
	if (!c2 || strcmp(c1, c2)) { /* canonical form must be a fixed point */
		fprintf(stderr, "not a fixed point:\n  %s\n  %s\n  %s\n", url,
			c1, c2 ? c2 : why);
		abort();
	}
	key = url_host_key(c1);
	if (!key)
		abort();
	url_trap(c1, &lim);
	free(key);
	free(c1);
	free(c2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char base[] = "http://fuzz.example/a/b.html";
	struct buf utf8 = BUF_INIT, tree = BUF_INIT, scan = BUF_INIT;
	const char *ct;
	char *canonical = NULL, *c2 = NULL;
	htmlDocPtr doc;
	size_t n1, n2;

	if (!size)
		return 0;
	ct = types[data[0] % ARRAY_LEN(types)];
	buf_init(&utf8, 4 * size + 16);
	html_to_utf8(ct, (struct slice){(const char *)data + 1, size - 1},
		     &utf8, NULL);
	doc = html_parse(buf_slice(&utf8), base);
	html_links(doc, base, 1000, on_link, NULL, &canonical);
	if (canonical)
		on_link(NULL, canonical, "canonical");
	free(canonical);
	n1 = html_links(doc, base, 7, collect, &tree, &canonical);
	n2 = html_scan_links(buf_slice(&utf8), base, 7, collect, &scan, &c2);
	if (n1 != n2 || strcmp(tree.p ? tree.p : "", scan.p ? scan.p : "") ||
	    ((canonical || c2) &&
	     (!canonical || !c2 || strcmp(canonical, c2)))) {
		fprintf(stderr, "tree and scan differ:\n%s(%s)\n--\n%s(%s)\n",
			tree.p ? tree.p : "", canonical ? canonical : "-",
			scan.p ? scan.p : "", c2 ? c2 : "-");
		abort();
	}
	free(canonical);
	free(c2);
	html_free(doc);
	buf_release(&utf8);
	buf_release(&tree);
	buf_release(&scan);
	return 0;
}
