/*
 * test_html_links.c - link extraction and the two ways of resolving a link
 * (html_int.h): wherever the fast path accepts a reference, its result is
 * the slow path's byte for byte.  Checked on a table of awkward references,
 * on every byte in every position, and on every href/src of the pages of
 * the dev corpus and of the benchmark site (when they are there), where
 * url_canon()'s fast path is checked against its slow path too.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "crawl/url_int.h"
#include "html/html_int.h"
#include "repo_path.h"

struct tally {
	size_t refs, fast, canon, canon_fast;
};

/* Resolve `ref` both ways; the fast path must agree whenever it accepts.
 * accept: 1 must accept, 0 must decline, -1 either.  Returns the slow
 * result (caller frees). */
static char *check_ref(const struct html_base *b, const char *base,
		       const char *ref, int accept, struct tally *t)
{
	char *fast = html_resolve_fast(b, ref);
	char *slow = html_resolve_slow(b, ref);
	char msg[1024] = "";

	if (accept == 1 && !fast)
		snprintf(msg, sizeof(msg), "fast path declined it");
	else if (accept == 0 && fast)
		snprintf(msg, sizeof(msg), "fast path accepted it: %s", fast);
	else if (fast && (!slow || strcmp(fast, slow)))
		snprintf(msg, sizeof(msg), "fast %s, slow %s", fast,
			 slow ? slow : "(refused)");
	if (t) {
		t->refs++;
		t->fast += fast != NULL;
	}
	free(fast);
	if (*msg) {
		free(slow);
		fail_msg("base %s, ref \"%s\": %s", base, ref, msg);
	}
	return slow;
}

/* url_canon()'s halves on one URL; returns whether the fast path took it. */
static bool check_canon(const char *url)
{
	const char *why;
	char *fast = url_canon_fast(url, NULL);
	char *slow = url_canon_slow(url, NULL, &why);
	bool bad = fast && (!slow || strcmp(fast, slow)), took = fast != NULL;
	char msg[1024] = "";

	if (bad)
		snprintf(msg, sizeof(msg), "canon %s: fast %s, slow %s", url,
			 fast, slow ? slow : why);
	free(fast);
	free(slow);
	if (bad)
		fail_msg("%s", msg);
	return took;
}

static void check_base(const char *base, const char *const *refs, size_t n,
		       int accept)
{
	struct html_base b;

	assert_int_equal(html_base_init(&b, base), 0);
	for (size_t i = 0; i < n; i++)
		free(check_ref(&b, base, refs[i], accept, NULL));
	html_base_release(&b);
}

static void test_resolve_table(void **state)
{
	static const char *const bases[] = {
		"http://h.com/a/b.html",
		"http://h.com",
		"http://h.com/",
		"https://shop.example.co.id/produk/",
		"http://127.0.0.1:8000/p/3/3900.html",
		"http://h.com:8080/a/b?x/y",
		"http://H.COM/A/B",
		"HTTP://h.com/a/b",
		"http://h.com/a/b#f/g",
		"http://h.com/a/b?q#f",
		"http://u:p@h.com/a/b",
		"http://[::1]:80/a/b",
		"http://h.com/a%20b/c",
		"http://h.com/%c3%a9/c",
		"http://h.com/\xc3\xa9/c",
		"http://h.com/a/./b/../c",
		"http://1.2.3/a/b",
		"http://h_x.com/a/b",
		"http://h.com/a;b/c:d/e",
		"http://h.com//",   /* curl: + "x" is http://h.com/x */
		"http://hp://..cb", /* path //..cb: the same */
		"http://h.com//a/b",
		"http://h.com/a//b",
		"http://11%2e00/b", /* curl: host 11.00, 11.0.0.0 when parsed
				       again */
		"http://h%2ecom/b",
		"http://a.b%2E1/b",
		"http://0x7f.1/b",
		"http://1.2.3.4:8080/a/b",
		"ftp://h.com/a/b",
		"file:///tmp/a/b",
	};
	static const char *const yes[] = {
		"/p/3/3900.html",
		"/",
		"/a?b=1&c=2",
		"/a#x",
		"/a?b#c",
		"/a?b?c/d#e?f/g",
		"/a:b",
		"/a//b",
		"/.a/..b/c./d../...",
		"item-12.html",
		"a/b:c",
		"x",
		"x?y",
		"x#y",
		"https://shop.example.co.id/produk/abc-123",
		"http://h.com",
		"http://h.com?x",
		"http://h.com#x",
		"http://h.com:80/x",
		"https://h.com:443/",
		"http://h.com:8080",
		"http://1.2.3.4/x",
		"http://0.0.0.0/",
		"http://xn--bcher-kva.example/",
		"http://-a.com/",
		"http://h.com/a;b=c!$'()*+,~_-.@:",
	};
	static const char *const no[] = {
		"",
		"//h2.com/x",
		"?q",
		"#f",
		"/p?",
		"/p#",
		"/p?#",
		"/p?#x",
		"/p#a#b",
		"/a/./b",
		"/a/../b",
		"/a/.",
		"/a/..",
		".",
		"..",
		"./x",
		"../x",
		"x/.",
		"x/..",
		"/a%20b",
		"/a b",
		" /a",
		"/a\\b",
		"/a\"b",
		"/a<b>",
		"/a{b}|^`",
		"/\xc3\xa9",
		"/a\tb",
		"a:b",
		"mailto:x@h.com",
		"javascript:void(0)",
		"tel:+62811",
		"HTTP://h.com/x",
		"Http://h.com/x",
		"http://H.com/x",
		"http://h.com:080/x",
		"http://h.com:0/x",
		"http://h.com:/x",
		"http://h.com:65536/",
		"http://h.com./x",
		"http://a..b/x",
		"http://1.2.3/x",
		"http://0x7f.1/x",
		"http://123/",
		"http://a.1/",
		"http://1.2.3.04/",
		"http://_a.com/",
		"http://user@h.com/",
		"http://[::1]/",
		"http:/h.com/x",
		"http:h.com",
		"http:///x",
		"http://",
		"https://",
		"ftp://h.com/x",
		"http://h.com/a/../b",
		"http://h.com/a b",
		"http://h.com\\x",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bases); i++) {
		check_base(bases[i], yes, ARRAY_LEN(yes), -1);
		check_base(bases[i], no, ARRAY_LEN(no), -1);
	}
	/* a simple base takes the fast path for simple references */
	check_base(bases[0], yes, ARRAY_LEN(yes), 1);
	check_base(bases[3], yes, ARRAY_LEN(yes), 1);
	check_base(bases[4], yes, ARRAY_LEN(yes), 1);
	check_base(bases[0], no, ARRAY_LEN(no), 0);
}

/* Every byte in every place of a reference, against several bases. */
static void test_resolve_bytes(void **state)
{
	static const char *const fmt[] = {
		"/a%cb",
		"a%cb",
		"%cb",
		"/a?b%cc",
		"/a#b%cc",
		"/a?b#%c",
		"http://h%c.com/",
		"http://h.com%c/",
		"http://h.com/%c",
		"http://h.com:8%c/",
		"https:%c//h.com/",
		"%c/a",
		"/%c/a",
		"a/%c",
	};
	static const char *const bases[] = {
		"http://h.com/a/b.html",
		"https://h.com:8443/",
		"http://h.com/a/b?q=1",
	};

	(void)state;
	for (size_t k = 0; k < ARRAY_LEN(bases); k++) {
		struct html_base b;

		assert_int_equal(html_base_init(&b, bases[k]), 0);
		for (int c = 1; c < 256; c++)
			for (size_t f = 0; f < ARRAY_LEN(fmt); f++) {
				char ref[64];
				snprintf(ref, sizeof(ref), fmt[f], c);
				free(check_ref(&b, bases[k], ref, -1, NULL));
			}
		html_base_release(&b);
	}
}

/* ---- every link of real pages ------------------------------------------ */

static void refs_of(xmlNodePtr n, int depth, const struct html_base *b,
		    const char *base, struct tally *t)
{
	static const char *const attrs[] = {"href", "src", "action"};

	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (size_t i = 0; i < ARRAY_LEN(attrs); i++) {
			xmlChar *v = xmlGetProp(n, BAD_CAST attrs[i]);
			char *abs, *canon;
			const char *why;

			if (!v)
				continue;
			abs = check_ref(b, base, (const char *)v, -1, t);
			xmlFree(v);
			if (!abs)
				continue;
			/* as found, then in canonical form (the form most
			 * links of a crawled site are written in) */
			t->canon++;
			t->canon_fast += check_canon(abs);
			canon = url_canon_slow(abs, NULL, &why);
			if (canon) {
				t->canon++;
				t->canon_fast += check_canon(canon);
			}
			free(canon);
			free(abs);
		}
		if (n->children && depth < 256)
			refs_of(n->children, depth + 1, b, base, t);
	}
}

static void check_page(const char *path, const char *rel, struct tally *t)
{
	static const char *const prefixes[] = {
		"http://127.0.0.1:8000/",
		"https://shop.example.co.id/",
	};
	struct buf raw = BUF_INIT, utf8 = BUF_INIT;
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	htmlDocPtr doc;

	if (!f)
		return;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&raw, chunk, n);
	fclose(f);
	html_to_utf8("text/html", buf_slice(&raw), &utf8, NULL);
	doc = html_parse(buf_slice(&utf8), path);
	for (size_t i = 0; doc && i < ARRAY_LEN(prefixes); i++) {
		char *base = xasprintf("%s%s", prefixes[i], rel);
		struct html_base b;

		if (!html_base_init(&b, base)) {
			refs_of(xmlDocGetRootElement(doc), 0, &b, base, t);
			html_base_release(&b);
		}
		free(base);
	}
	html_free(doc);
	buf_release(&raw);
	buf_release(&utf8);
}

static void walk(const char *dir, const char *rel, int depth, struct tally *t)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d || depth > 8) {
		if (d)
			closedir(d);
		return;
	}
	while ((e = readdir(d))) {
		char *path, *sub;
		struct stat st;
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		sub = xasprintf("%s%s%s", rel, *rel ? "/" : "", e->d_name);
		if (!stat(path, &st) && S_ISDIR(st.st_mode))
			walk(path, sub, depth + 1, t);
		else if (len > 5 && !strcmp(e->d_name + len - 5, ".html"))
			check_page(path, sub, t);
		free(path);
		free(sub);
	}
	closedir(d);
}

static void test_corpus_links(void **state)
{
	const char *dirs[] = {"/work/shared/corpus-dev/site",
			      "bench/out/site-2000"};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
		struct tally t = {0};
		char *dir = xstrdup(i ? repo_path(dirs[i]) : dirs[i]);

		walk(dir, "", 0, &t);
		printf("# %s: %zu references, %zu by the fast path; "
		       "%zu canonicalisations, %zu by the fast path\n",
		       dirs[i], t.refs, t.fast, t.canon, t.canon_fast);
		free(dir);
	}
}

/* ---- html_links() itself ------------------------------------------------ */

struct got {
	char urls[16][128];
	size_t n;
};

static void collect(void *arg, const char *url, const char *rel)
{
	struct got *g = arg;

	(void)rel;
	if (g->n < ARRAY_LEN(g->urls))
		snprintf(g->urls[g->n++], sizeof(g->urls[0]), "%s", url);
}

static void test_links_walk(void **state)
{
	static const char page[] =
		"<html><head><base href=\"/dir/sub/\">"
		"<link rel=canonical href=\"/canon#x\">"
		"<link rel=stylesheet href=\"/style.css\">"
		"<link rel=next href=\"page-2.html\"></head><body>"
		"<a href=\"item-12.html\">a</a>"
		"<a href=\"/p/3/3900.html#top\">b</a>"
		"<a href=\"../up.html\">c</a>"
		"<a href=\"https://shop.example.co.id/produk/abc-123\">d</a>"
		"<a href=\"mailto:x@h.com\">e</a>"
		"<a href=\"\">f</a>"
		"<area href=\"?q=1\"><iframe src=\"//cdn.h.com/x\"></iframe>"
		"</body></html>";
	static const char *const want[] = {
		"http://h.com/dir/sub/page-2.html",
		"http://h.com/dir/sub/item-12.html",
		"http://h.com/p/3/3900.html#top",
		"http://h.com/dir/up.html",
		"https://shop.example.co.id/produk/abc-123",
		"http://h.com/dir/sub/?q=1", /* curl refuses mailto: */
		"http://cdn.h.com/x",
	};
	struct got g = {0};
	char *canonical = NULL;
	htmlDocPtr doc =
		html_parse((struct slice){page, sizeof(page) - 1}, "test");
	size_t n;

	(void)state;
	n = html_links(doc, "http://h.com/a/b.html", 100, collect, &g,
		       &canonical);
	assert_int_equal(n, ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		assert_string_equal(g.urls[i], want[i]);
	assert_non_null(canonical);
	assert_string_equal(canonical, "http://h.com/canon#x");
	free(canonical);
	html_free(doc);
}

/* html_base_init() leaves curl out for plain bases: everything must be as
 * through curl at once (html_base_init_curl), and a base it did not parse
 * must be one curl gives back byte for byte. */
static void same_base(const char *base)
{
	static const char *const refs[] = {
		"x.html",
		"/r/s.html",
		"../up/x",
		"?q=1",
		"#frag",
		"//other.example/p",
		"http://o.example:8080/a?b=c",
		"sp ace.html",
		"%7Euser/",
		"./a/./b/../c",
		"mailto:x@y",
		"",
		"HTTP://UP.EXAMPLE/",
		"a:b",
	};
	struct html_base lazy, eager;
	int rc1 = html_base_init(&lazy, base);
	int rc2 = html_base_init_curl(&eager, base);

	assert_int_equal(rc1, rc2);
	if (rc1)
		return;
	if (!lazy.u) {
		CURLU *u = curl_url();
		char *s = NULL;

		assert_int_equal(curl_url_set(u, CURLUPART_URL, base, 0),
				 CURLUE_OK);
		assert_int_equal(curl_url_get(u, CURLUPART_URL, &s, 0),
				 CURLUE_OK);
		if (strcmp(s, base))
			fail_msg("base %s: curl gives %s back", base, s);
		curl_free(s);
		curl_url_cleanup(u);
	}
	assert_int_equal(!lazy.url, !eager.url);
	if (lazy.url) {
		assert_int_equal(lazy.origin_len, eager.origin_len);
		assert_int_equal(lazy.dir_len, eager.dir_len);
		assert_memory_equal(lazy.url, eager.url,
				    MAX(lazy.origin_len, lazy.dir_len));
	}
	for (size_t i = 0; i < ARRAY_LEN(refs); i++) {
		char *a = html_resolve(&lazy, refs[i]);
		char *b = html_resolve(&eager, refs[i]);
		char *c = html_resolve_slow(&lazy, refs[i]);

		if ((a || b) && (!a || !b || strcmp(a, b)))
			fail_msg("base %s, ref %s: %s, through curl %s", base,
				 refs[i], a ? a : "-", b ? b : "-");
		if ((a || c) && (!a || !c || strcmp(a, c)))
			fail_msg("base %s, ref %s: %s, slow %s", base, refs[i],
				 a ? a : "-", c ? c : "-");
		free(a);
		free(b);
		free(c);
	}
	/* a <base href> on top */
	html_base_rebase(&lazy, "/new/dir/");
	html_base_rebase(&eager, "/new/dir/");
	for (size_t i = 0; i < ARRAY_LEN(refs); i++) {
		char *a = html_resolve(&lazy, refs[i]);
		char *b = html_resolve(&eager, refs[i]);

		if ((a || b) && (!a || !b || strcmp(a, b)))
			fail_msg("base %s rebased, ref %s: %s, through curl %s",
				 base, refs[i], a ? a : "-", b ? b : "-");
		free(a);
		free(b);
	}
	html_base_release(&lazy);
	html_base_release(&eager);
}

static void test_base_lazy(void **state)
{
	static const char *const bases[] = {
		"http://h.com/a/b.html",
		"https://shop.example.co.id/produk/abc-123",
		"http://127.0.0.1:18080/p/11/11305.html",
		"http://127.0.0.1:8000/",
		"http://e.com:80/a",
		"https://e.com:443/a",
		"http://e.com:443/a",
		"http://e.com:080/a",
		"http://e.com:65535/x/",
		"http://e.com:65536/x/",
		"http://e.com/a?q=1&r=2",
		"http://e.com/a?",
		"http://e.com/a?q=1#f",
		"http://e.com/a#f",
		"http://e.com/a?q=%20",
		"http://e.com/a?q= x",
		"http://e.com",
		"http://e.com?x=1",
		"http://e.com//a/b",
		"http://e.com/a//b",
		"http://e.com/./a",
		"http://e.com/a/../b",
		"http://e.com/a/..",
		"http://e.com/%7Ex/",
		"http://E.com/a",
		"HTTP://e.com/a",
		"http://1.2.3/a",
		"http://0x7f.1/a",
		"http://01.2.3.4/a",
		"http://xn--bcher-kva.example/a",
		"http://user@e.com/a",
		"http://e.com/a b",
		"http://e.com/\xc3\xa9",
		"ftp://e.com/a",
		"mailto:x@y",
		"not a url",
		"",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bases); i++)
		same_base(bases[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_table),
		cmocka_unit_test(test_base_lazy),
		cmocka_unit_test(test_resolve_bytes),
		cmocka_unit_test(test_links_walk),
		cmocka_unit_test(test_corpus_links),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
