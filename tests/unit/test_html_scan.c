/*
 * test_html_scan.c - html_scan_links() (SAX, no tree) hands out exactly
 * what html_links() finds in html_parse()'s tree: the same links in the
 * same order, the same canonical, the same count under a limit.  Checked
 * on awkward documents and on every page of the dev corpus and of the
 * benchmark site (when they are there).
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

#include "html/html.h"
#include "repo_path.h"

static void collect(void *arg, const char *url, const char *rel)
{
	struct buf *b = arg;

	buf_printf(b, "%s %s\n", url, rel ? rel : "-");
}

/* Both ways on one document; fails with the first difference. */
static void same(const char *html, size_t n, const char *url, size_t max)
{
	struct buf tree = BUF_INIT, sax = BUF_INIT;
	char *c1 = NULL, *c2 = NULL;
	htmlDocPtr doc = html_parse((struct slice){html, n}, url);
	size_t n1 = html_links(doc, url, max, collect, &tree, &c1);
	size_t n2 = html_scan_links((struct slice){html, n}, url, max, collect,
				    &sax, &c2);

	html_free(doc);
	if (n1 != n2 || strcmp(tree.p ? tree.p : "", sax.p ? sax.p : "") ||
	    ((c1 || c2) && (!c1 || !c2 || strcmp(c1, c2))))
		fail_msg("%s (max %zu): tree %zu links, canonical %s:\n%s\n"
			 "scan %zu links, canonical %s:\n%s",
			 url, max, n1, c1 ? c1 : "-", tree.p ? tree.p : "", n2,
			 c2 ? c2 : "-", sax.p ? sax.p : "");
	free(c1);
	free(c2);
	buf_release(&tree);
	buf_release(&sax);
}

static void same_s(const char *html, size_t max)
{
	same(html, strlen(html), "http://shop.example.co.id/a/b/page.html",
	     max);
}

static void test_awkward(void **state)
{
	static const char *const docs[] = {
		"<a href=x.html>x</a><a href='/y'>y</a><a "
		"href=\"//h2/z\">z</a>",
		"<html><head><link rel=canonical href=/c><base href=/d/>"
		"</head><body><a href=e>e</a></body></html>",
		/* <base> after a link in <head>: it still decides */
		"<head><link rel=next href=n1><base href=http://o.example/q/>"
		"</head><a href=r>r</a>",
		/* a second <base> does not count; one after <body> neither */
		"<base href=/one/><base href=/two/><a href=k>k</a>",
		"<body><base href=/late/><a href=k>k</a></body>",
		"<base target=_blank><a href=k>k</a>",
		"<a href>empty</a><a href=''>empty</a><a>none</a>",
		"<a href=&#x2F;ent&amp;x=1&lt;>ent</a><area href=a.html>",
		"<frameset><frame src=f1.html><frame src=f2.html></frameset>",
		"<iframe src=if.html></iframe><link rel=stylesheet href=s.css>"
		"<link rel='prev next' href=p.html><link rel=CANONICAL "
		"href=/canon>",
		"<A HREF=UP.HTML>up</A><a HrEf=mixed.html>m</a>",
		"<a href=a.html href=b.html>dup attr</a>",
		"<table><a href=t1><tr><td><a href=t2></table><a href=t3>",
		"<p><a href=1><p><a href=2><div><a href=3></p></div>",
		"<script>document.write('<a href=s.html>')</script>"
		"<a href=after-script>x</a><!-- <a href=comment> -->",
		"<textarea><a href=in-textarea></textarea><a href=z>",
		"<a href='javascript:void(0)'>js</a><a href='mailto:x@y'>m</a>"
		"<a href='http://[bad'>bad</a><a href=' spaced '>s</a>",
		"<a href=\"http://h\xc3\xa9.example/\xe2\x82\xac\">utf8</a>",
		"\xef\xbb\xbf<a href=bom>bom</a>",
		"<svg><a href=svg-link>s</a></svg><math><a href=m>m</a></math>",
		"<a href=x#frag>f</a><a href=#only>o</a><a href=?q=1>q</a>",
		"<!DOCTYPE html><html><body>text only</body></html>",
		"<a href=1><a href=2><a href=3><a href=4><a href=5>",
		"<<<>>><a <a href=x>><a href=y/",
		/* a <body> ends the search for <base> among its siblings
		 * only: a later branch of the tree is still searched */
		"<head><div><body><a href=a1></body></div></head>"
		"<head><p><base href=/second/></p></head><a href=k>k</a>",
		"<x><y><body></y><z><base href=/z/></z></x><a href=k>",
		"<div><div><div><div><div><div><div><div><div><base "
		"href=/deep/>"
		"</div></div></div></div></div></div></div></div></div><a "
		"href=k>",
		"<head><title>t</title><base href=http://other.example/>"
		"<link rel=canonical href=c.html></head><body><a href=q>",
		/* an element after the root closed: the tree builder puts
		 * it under the first root, after its <body> (so no <base>
		 * there counts), unless a DOCTYPE or a comment is the
		 * document's first node: then beside the root (fuzz_links
		 * found the first) */
		"<p>x</p></html><p><base href=/reopened/><a href=k>k</a>",
		"<!DOCTYPE html><p>x</p></html><p><base href=/r/><a href=k>",
		"<!-- c --><p>x</p></html><p><base href=/r/><a href=k>",
		"<?pi x?><p>x</p></html><p><base href=/r/><a href=k>",
		"<p>x</p><!-- c --></html><p><base href=/r/><a href=k>",
		"<p>x</p></html><!DOCTYPE x><p><base href=/r/><a href=k>",
		"<p>1</p></html><p>2</p></html><!DOCTYPE x><p><base "
		"href=/late/></p><a href=k>",
		"<head><title>t</title></head></html><p><base href=/r/>"
		"<a href=k>",
		"<head></head></html><base href=/r/><a href=k>",
		"<html></html><html><base href=/r/></html><a href=k>",
		"   ></html>/ <ihMMMM\x01<htmlc\x01  MMMMMMMMad><base "
		"href=&OO(O'OOO/MMMMMMM  hexam>x/3><link rel=canonical "
		"href=\"?%%%4444%%%<base hr%%am%%%br%%%%%%M/ht]ml>/hcml>?l",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++)
		for (size_t max = 0; max < 4; max++)
			same_s(docs[i], max == 3 ? 10000 : max);
}

/* Links as html_scan_links() hands them out, one per line. */
static char *scan_s(const char *html)
{
	struct buf b = BUF_INIT;

	html_scan_links((struct slice){html, strlen(html)},
			"http://shop.example.co.id/", 100, collect, &b, NULL);
	return b.p ? b.p : xstrdup("");
}

/* The text is UTF-8 by the time it is parsed, whatever the page declared
 * and whatever came before: a non-ASCII link reads the same after a <meta
 * charset> naming Latin-1, after emoji, after U+FFFF, after a
 * replacement character (libxml2 2.9 would switch the rest of the page to
 * Latin-1 on a <meta> or on a sequence it cannot decode). */
static void test_utf8_kept(void **state)
{
	static const char link[] = "<a href=\"/k/\xc3\xa9\xe2\x82\xac\">x</a>";
	static const char *const before[] = {
		"<meta charset=iso-8859-1>",
		"<meta http-equiv=Content-Type content='text/html; "
		"charset=windows-1252'>",
		"<p>\xf0\x9f\x94\xa5 \xc2\xb7</p>",
		"<p>\xef\xbf\xbf \xef\xbf\xbe</p>",
		"<p>\xef\xbf\xbd</p>",
	};
	char *want = scan_s(link);

	(void)state;
	assert_non_null(strstr(want, "/k/"));
	for (size_t i = 0; i < sizeof(before) / sizeof(*before); i++) {
		char *doc = xasprintf("%s%s", before[i], link);
		char *got = scan_s(doc);

		assert_string_equal(got, want);
		same_s(doc, 100);
		free(got);
		free(doc);
	}
	free(want);
}

static void test_deep(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	for (int i = 0; i < 300; i++)
		buf_printf(&b, "<div><a href=d%d.html>", i);
	same_s(b.p, 10000);
	buf_reset(&b);
	for (int i = 0; i < 12; i++)
		buf_puts(&b, "<div>");
	buf_puts(&b, "<base href=/deep/><a href=x>");
	same_s(b.p, 10000);
	buf_release(&b);
}

/* Every .html file under dir (recursively), at most `limit`. */
static size_t walk(const char *dir, size_t limit, size_t done)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return done;
	while (done < limit && (e = readdir(d))) {
		char path[4096];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			done = walk(path, limit, done);
		} else if (strstr(e->d_name, ".htm")) {
			struct buf b = BUF_INIT, u = BUF_INIT;
			char url[4200];

			buf_init(&b, 8 << 20);
			if (!buf_read_file(&b, path)) {
				html_to_utf8(NULL, buf_slice(&b), &u, NULL);
				snprintf(url, sizeof(url),
					 "http://corpus.test%s", path);
				same(u.p, u.len, url, 10000);
				same(u.p, u.len, url, 3);
				done++;
			}
			buf_release(&b);
			buf_release(&u);
		}
	}
	closedir(d);
	return done;
}

static void test_corpora(void **state)
{
	size_t n;

	(void)state;
	n = walk("/work/shared/corpus-dev", 100000, 0);
	n += walk(repo_path("bench/out/site-2000"), 2000, 0);
	n += walk(repo_path("demo"), 2000, 0);
	print_message("# %zu pages compared\n", n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_awkward),
		cmocka_unit_test(test_utf8_kept),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_corpora),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
