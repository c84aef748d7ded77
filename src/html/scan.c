/*
 * scan.c - a page's links without building its document.
 *
 * The crawler needs links, not a tree: html_scan_links() takes them from
 * libxml2's SAX events, so no node is allocated and freed (on the
 * benchmark site a third of the parse's time, more on markup-heavy
 * pages).  Same parser, same options, same recovery, so the same elements
 * arrive in the order a walk of html_parse()'s tree visits them, and the
 * result equals html_links() on that tree (tests/unit/test_html_links.c
 * compares the two on both corpora).  Links are resolved after the parse,
 * because the <base> that decides them may come after some of them.
 */
#include "html/html_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NO_REL SIZE_MAX

struct scan_link {
	size_t href, rel; /* offsets in scan.text; rel NO_REL: none */
	bool is_link;	  /* <link>: only rel=canonical, next and prev count */
};

struct scan {
	struct scan_link *v;
	size_t n, cap, max;
	struct buf text; /* the links' href and rel values, each NUL-ended:
			    one allocation for them all, not two per link */
	int depth;	 /* of the element being parsed; the root's is 1 */
	bool base_done;	 /* the first <base> was seen */
	int skip_from;	 /* > 0: no <base> at this depth or deeper */
	char *base_href;
	/* Where the tree builder puts an element that opens after the root
	 * has closed ("</html><p>"): see on_start(). */
	int open;	 /* elements open in the parser */
	bool root_seen;	 /* an element has opened */
	bool root_first; /* the document's first node is that element */
	bool root_body;	 /* a <body> among the first root's children */
};

/* The elements that matter here.  Every element of every page arrives, so
 * the first letter rules most out before any strcasecmp() (which still
 * decides, as in html_links()'s walk). */
enum elem { E_OTHER, E_A, E_LINK, E_FRAME, E_BASE, E_BODY };

static enum elem elem_of(const char *name)
{
	switch (name[0] | 0x20) { /* 'A'-'Z' and 'a'-'z' alike */
	case 'a':
		return !name[1] || !strcasecmp(name, "area") ? E_A : E_OTHER;
	case 'b':
		return !strcasecmp(name, "base")   ? E_BASE
		       : !strcasecmp(name, "body") ? E_BODY
						   : E_OTHER;
	case 'f':
		return !strcasecmp(name, "frame") ? E_FRAME : E_OTHER;
	case 'i':
		return !strcasecmp(name, "iframe") ? E_FRAME : E_OTHER;
	case 'l':
		return !strcasecmp(name, "link") ? E_LINK : E_OTHER;
	default:
		return E_OTHER;
	}
}

static const char *attr(const xmlChar **atts, const char *name)
{
	for (size_t i = 0; atts && atts[i]; i += 2)
		if (!strcasecmp((const char *)atts[i], name))
			return atts[i + 1] ? (const char *)atts[i + 1] : "";
	return NULL;
}

/*
 * html_links() takes the first <base> of a walk that goes down 8 levels
 * below the root and gives up on the rest of an element's children when
 * one of them is <body> (its siblings' subtrees are still searched); it
 * takes links down to 256 levels.  The events arrive in the walk's order,
 * so the same rules apply with a depth count.
 */
static void base_check(struct scan *s, enum elem e, const xmlChar **atts)
{
	const char *href;

	if (s->base_done || s->depth > 9 ||
	    (s->skip_from && s->depth >= s->skip_from))
		return;
	if (e == E_BASE) {
		s->base_done = true;
		href = attr(atts, "href");
		s->base_href = href ? xstrdup(href) : NULL;
	} else if (e == E_BODY) {
		s->skip_from = s->depth; /* until its parent ends */
	}
}
/* The tree builder names an element "a:b" by "b" (xmlSplitQName): so do
 * we, or <x:link rel=canonical> would count in one walk and not the
 * other.  (Names are short: a loop, not a call.) */
static const char *local_name(const char *name)
{
	const char *p = name;

	if (*p == ':')
		return name;
	while (*p && *p != ':')
		p++;
	return *p && p[1] ? p + 1 : name;
}

static size_t keep(struct scan *s, const char *v)
{
	size_t at = s->text.len;

	buf_append(&s->text, v, strlen(v) + 1); /* no cap: cannot fail */
	return at;
}

static void on_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
	htmlParserCtxtPtr p = ctx;
	struct scan *s = p->_private;
	enum elem e = elem_of(local_name((const char *)xname));
	const char *href = NULL, *rel = NULL;
	struct scan_link *l;

	/* The tree builder hangs an element that opens when none is open
	 * under the document's first node: after the first root's children
	 * when that node is the root element, beside it otherwise (a
	 * DOCTYPE or a comment came first).  Where the walk would meet it,
	 * so does the scan: one level down, after any <body> there. */
	if (!s->open && s->root_seen && s->root_first) {
		s->depth = 1;
		s->skip_from = s->root_body ? 2 : 0;
	} else if (!s->open) {
		s->depth = 0;
		s->skip_from = 0;
	}
	s->root_seen = true;
	s->open++;
	s->depth++;
	base_check(s, e, atts);
	if (s->depth > 257 || s->n >= s->max)
		return;
	if (e == E_A || e == E_LINK) {
		href = attr(atts, "href");
		rel = attr(atts, "rel");
	} else if (e == E_FRAME) {
		href = attr(atts, "src");
	}
	if (!href || !*href)
		return;
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	l = &s->v[s->n++];
	l->href = keep(s, href);
	l->rel = rel ? keep(s, rel) : NO_REL;
	l->is_link = e == E_LINK;
}

static void on_end(void *ctx, const xmlChar *name)
{
	htmlParserCtxtPtr p = ctx;
	struct scan *s = p->_private;

	(void)name;
	if (s->open == 1 && s->skip_from == 2)
		s->root_body = true; /* the root closes: see on_start() */
	if (s->skip_from && s->depth == s->skip_from - 1)
		s->skip_from = 0; /* the parent of that <body> ends */
	s->depth--;
	s->open--;
}

/* Before the first element, a comment or processing instruction becomes
 * the document's first node; a DOCTYPE does, wherever it comes. */
static void on_comment(void *ctx, const xmlChar *text)
{
	htmlParserCtxtPtr p = ctx;
	struct scan *s = p->_private;

	(void)text;
	if (!s->root_seen)
		s->root_first = false;
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	(void)data;
	on_comment(ctx, target);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext,
		       const xmlChar *sys)
{
	htmlParserCtxtPtr p = ctx;
	struct scan *s = p->_private;

	(void)name;
	(void)ext;
	(void)sys;
	s->root_first = false;
}

static void parse(struct slice utf8, const char *url, struct scan *s)
{
	htmlParserCtxtPtr p = html_parser_new(utf8, url);

	if (!p)
		return;
	/* only these callbacks: no document, no text nodes */
	memset(p->sax, 0, sizeof(*p->sax));
	p->sax->startElement = on_start;
	p->sax->endElement = on_end;
	p->sax->comment = on_comment;
	p->sax->processingInstruction = on_pi;
	p->sax->internalSubset = on_doctype;
	p->_private = s;
	htmlParseDocument(p);
	if (p->myDoc)
		xmlFreeDoc(p->myDoc);
	htmlFreeParserCtxt(p);
}

size_t html_scan_links(struct slice utf8, const char *base_url, size_t max,
		       void (*fn)(void *arg, const char *url, const char *rel),
		       void *arg, char **canonical)
{
	/* Links that do not resolve do not count against max: collect some
	 * spare, bounded (so is the body). */
	struct scan s = {.max = max > SIZE_MAX / 8 ? SIZE_MAX : max * 4 + 1024,
			 .root_first = true};
	struct html_link_sink k = {
		.max = max, .fn = fn, .arg = arg, .canonical = canonical};

	if (canonical)
		*canonical = NULL;
	if (!utf8.n || utf8.n > INT32_MAX)
		return 0;
	parse(utf8, base_url, &s);
	if (!html_base_init(&k.base, base_url)) {
		if (s.base_href)
			html_base_rebase(&k.base, s.base_href);
		for (size_t i = 0; i < s.n && k.count < k.max; i++)
			html_link_emit(&k, s.text.p + s.v[i].href,
				       s.v[i].rel == NO_REL
					       ? NULL
					       : s.text.p + s.v[i].rel,
				       s.v[i].is_link);
		html_link_sink_release(&k);
	}
	free(s.v);
	buf_release(&s.text);
	free(s.base_href);
	return k.count;
}
