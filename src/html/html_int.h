/*
 * html_int.h - private to src/html/, and to the tests, fuzzers and
 * benchmarks that check it: link resolution in two ways.
 *
 * html_links() resolves every link against the document's base.  The
 * reference behaviour is curl's URL API (html_resolve_slow); the fast path
 * (html_resolve_fast) does the same by concatenation for the references
 * where curl's resolution is plain string work, and declines the rest.
 * Whenever it accepts, its result must be byte-identical to the slow
 * path's: tests/unit/test_html_links.c and fuzz/fuzz_url_fast.c check it.
 */
#ifndef PATROLI_HTML_INT_H
#define PATROLI_HTML_INT_H

#include "html/html.h"

#include <curl/curl.h>

/* A parser for `utf8` (strictly valid UTF-8, as html_to_utf8() makes it;
 * NULL when empty or over 2 GiB), with the options every parse here uses;
 * its SAX handler builds a tree unless the caller replaces it.  `url` is
 * for messages.  The caller frees it with htmlFreeParserCtxt(). */
htmlParserCtxtPtr html_parser_new(struct slice utf8, const char *url);

/* A document's base, parsed once per document (by curl only when needed:
 * see html_base_init()). */
struct html_base {
	CURLU *u;	   /* the base, for the slow path; NULL: not parsed
			      yet (then url is the base as given) */
	char *url;	   /* curl's form of it; NULL: no fast path */
	size_t origin_len; /* "scheme://host[:port]" */
	size_t dir_len;	   /* through the last '/' of the path */
};

/* Parse `base_url` (curl's rules, as before: no encoding, supported schemes
 * only).  0, or ERR_INPUT when curl refuses it (then nothing to release).
 * A URL curl would give back as it is (plain http(s), as the crawler's
 * own URLs are) is not handed to curl until a link needs the slow path;
 * the results are those of html_base_init_curl() either way. */
int html_base_init(struct html_base *b, const char *base_url);
/* The same through curl at once: the reference for the tests. */
int html_base_init_curl(struct html_base *b, const char *base_url);
/* Replace the base by the absolute URL `abs` (a <base href>); on a URL curl
 * refuses the base stays as it was. */
void html_base_set(struct html_base *b, const char *abs);
void html_base_release(struct html_base *b);

/* The absolute URL for `ref`, malloc'd, or NULL when curl refuses it. */
char *html_resolve_slow(const struct html_base *b, const char *ref);
/* The same by concatenation, or NULL when `ref` is not simple enough (the
 * caller then asks the slow path). */
char *html_resolve_fast(const struct html_base *b, const char *ref);
/* Fast path, else slow path: what html_links() hands out. */
char *html_resolve(const struct html_base *b, const char *ref);
/* Make the base `href` resolved against it (a <base href>). */
void html_base_rebase(struct html_base *b, const char *href);

/* Where links go, shared by the tree walk (html_links) and the event scan
 * (html_scan_links, scan.c) so that both apply one rule. */
struct html_link_sink {
	struct html_base base;
	size_t max, count;
	void (*fn)(void *arg, const char *url, const char *rel);
	void *arg;
	char **canonical;
	struct buf url; /* the link being handed out, reused for each */
};
/* One element's link: resolved, then kept as the canonical (<link
 * rel=canonical>, the first only), handed out (<a>, <area>, frames,
 * <link rel=next|prev>) or dropped.  The URL fn receives lives only until
 * fn returns. */
void html_link_emit(struct html_link_sink *k, const char *href, const char *rel,
		    bool is_link);
/* Release the base and the URL buffer. */
void html_link_sink_release(struct html_link_sink *k);

#endif
