/*
 * sitemap.c - <urlset> and <sitemapindex> files (sitemaps.org), plain or
 * gzipped, as announced by robots.txt.
 *
 * Parsed with libxml2 with network access off and entity substitution off
 * (no XXE, and libxml2's own amplification limits stay in force).  The
 * protocol caps a sitemap at 50,000 URLs and 50 MB uncompressed; we cap at
 * the caller's `max` and the crawl's body limit.
 */
#include "crawl/crawl_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "warc/warc.h"

#define SITEMAP_MAX_BYTES (50 * 1024 * 1024)

static bool looks_like_sitemap(struct slice s)
{
	struct slice head = {s.p, MIN(s.n, (size_t)2048)};

	return memmem(head.p, head.n, "<urlset", 7) ||
	       memmem(head.p, head.n, "<sitemapindex", 13);
}

static long walk(xmlNodePtr n, size_t max, long count, int depth,
		 void (*fn)(void *arg, const char *loc), void *arg)
{
	for (; n && (size_t)count < max; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcasecmp((const char *)n->name, "loc")) {
			xmlChar *t = xmlNodeGetContent(n);
			struct slice v = slice_trim(slice_from((char *)t));

			if (v.n) {
				char *loc = xstrndup(v.p, v.n);
				fn(arg, loc);
				free(loc);
				count++;
			}
			xmlFree(t);
		} else if (n->children && depth < 4) {
			count = walk(n->children, max, count, depth + 1, fn,
				     arg);
		}
	}
	return count;
}

long sitemap_parse(struct slice body, const char *url, size_t max,
		   void (*fn)(void *arg, const char *loc), void *arg)
{
	struct buf plain = BUF_INIT;
	xmlDocPtr doc;
	xmlNodePtr root;
	long count = -1;

	buf_init(&plain, SITEMAP_MAX_BYTES);
	if (body.n >= 2 && (unsigned char)body.p[0] == 0x1f &&
	    (unsigned char)body.p[1] == 0x8b) {
		/* A .xml.gz served without Content-Encoding. */
		if (warc_http_decode(body, SLICE_LIT("gzip"), &plain) &&
		    !plain.len)
			goto out;
		body = buf_slice(&plain);
	}
	if (!looks_like_sitemap(body) || body.n > INT32_MAX)
		goto out;
	doc = xmlReadMemory(body.p, (int)body.n, url, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING | XML_PARSE_RECOVER);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (root && (!strcasecmp((const char *)root->name, "urlset") ||
		     !strcasecmp((const char *)root->name, "sitemapindex")))
		count = walk(root->children, max, 0, 0, fn, arg);
	else
		log_msg(LOG_WARN, "%s: not a sitemap after all", url);
	xmlFreeDoc(doc);
out:
	buf_release(&plain);
	return count;
}
