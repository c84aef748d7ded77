/*
 * html.c - decode, transcode and parse fetched HTML, and find its links.
 *
 * Everything here reads bytes from strangers, so each step has a cap:
 * output size is limited by the caller's buffer, charset names are
 * whitelisted through iconv_open(), and the parser runs with network access
 * and entity loading off.  libxml2's HTML parser is the one under lxml and
 * Scrapy: it recovers from any markup, which is what a crawler needs.
 */
#include "html/html.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <libxml/uri.h>

/* ---- charset --------------------------------------------------------- */

/* Find charset=NAME in a header value or meta content; copies a bounded,
 * sanitised name into out (letters, digits, - _ . : only). */
static bool charset_param(struct slice s, char out[40])
{
	for (size_t i = 0; i + 8 <= s.n; i++) {
		size_t k = 0;

		if (strncasecmp(s.p + i, "charset", 7))
			continue;
		i += 7;
		while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
			i++;
		if (i >= s.n || s.p[i] != '=')
			continue;
		i++;
		while (i < s.n &&
		       (s.p[i] == ' ' || s.p[i] == '"' || s.p[i] == '\''))
			i++;
		while (i < s.n && k < 39 &&
		       (isalnum((unsigned char)s.p[i]) ||
			strchr("-_.:", s.p[i])))
			out[k++] = s.p[i++];
		out[k] = '\0';
		return k > 0;
	}
	return false;
}

/* The first 2 KiB of a document are where HTML5 says to prescan for meta
 * charset; we look at 4 KiB to be lenient. */
static bool meta_charset(struct slice body, char out[40])
{
	struct slice head = {body.p, MIN(body.n, (size_t)4096)};

	for (size_t i = 0; i + 5 < head.n; i++) {
		struct slice tag;
		const char *end;

		if (head.p[i] != '<' || strncasecmp(head.p + i + 1, "meta", 4))
			continue;
		end = memchr(head.p + i, '>', head.n - i);
		if (!end)
			break;
		tag = (struct slice){head.p + i, (size_t)(end - head.p - i)};
		if (charset_param(tag, out))
			return true;
	}
	return false;
}

static bool valid_utf8(struct slice s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;

	while (i < s.n) {
		unsigned char c = p[i];
		size_t len = c < 0x80	      ? 1
			     : (c >> 5) == 6  ? 2
			     : (c >> 4) == 14 ? 3
			     : (c >> 3) == 30 ? 4
					      : 0;
		if (!len || i + len > s.n)
			return false;
		for (size_t k = 1; k < len; k++)
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

/* Copy UTF-8, replacing each invalid byte by U+FFFD and NUL by a space.
 * Valid runs are appended in one piece: this runs over every page. */
static int copy_utf8(struct slice s, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, run = 0;
	int rc = 0;

	while (i < s.n && !rc) {
		unsigned char c = p[i];
		size_t len = c < 0x80	      ? 1
			     : (c >> 5) == 6  ? 2
			     : (c >> 4) == 14 ? 3
			     : (c >> 3) == 30 ? 4
					      : 0;
		bool ok = len && i + len <= s.n && c != 0;

		for (size_t k = 1; ok && k < len; k++)
			ok = (p[i + k] & 0xC0) == 0x80;
		if (ok) {
			i += len;
			continue;
		}
		rc = buf_append(out, p + run, i - run);
		if (!rc)
			rc = c == 0 ? buf_putc(out, ' ')
				    : buf_append(out, "\xEF\xBF\xBD", 3);
		i++;
		run = i;
	}
	if (!rc)
		rc = buf_append(out, p + run, i - run);
	return rc;
}

static int transcode(const char *from, struct slice s, struct buf *out)
{
	iconv_t cd = iconv_open("UTF-8//TRANSLIT", from);
	char chunk[16384];
	char *in = (char *)s.p;
	size_t left = s.n;
	int rc = 0;

	if (cd == (iconv_t)-1)
		return ERR_NOTFOUND;
	while (left > 0) {
		char *o = chunk;
		size_t room = sizeof(chunk);
		size_t r = iconv(cd, &in, &left, &o, &room);

		if ((rc = buf_append(out, chunk, sizeof(chunk) - room)))
			break;
		if (r == (size_t)-1 && errno == EILSEQ) {
			/* undecodable byte: replacement char, skip it */
			if ((rc = buf_append(out, "\xEF\xBF\xBD", 3)))
				break;
			in++;
			left--;
		} else if (r == (size_t)-1 && errno == EINVAL) {
			break; /* truncated sequence at the end */
		}
	}
	iconv_close(cd);
	return rc;
}

static bool is_utf8_name(const char *cs)
{
	return !strcasecmp(cs, "utf-8") || !strcasecmp(cs, "utf8");
}

int html_to_utf8(const char *content_type, struct slice body, struct buf *out,
		 const char **charset)
{
	/* per thread: the crawl reads pages on several at once */
	static _Thread_local char name[40];
	const char *used = "utf-8";
	int rc;

	if (body.n >= 3 && !memcmp(body.p, "\xEF\xBB\xBF", 3)) {
		body.p += 3;
		body.n -= 3;
	} else if (charset_param(slice_from(content_type), name) ||
		   meta_charset(body, name)) {
		used = name;
	} else if (!valid_utf8(body)) {
		used = "windows-1252";
	}
	/* Browsers read ISO-8859-1 as windows-1252; so do we. */
	if (!strcasecmp(used, "iso-8859-1") || !strcasecmp(used, "latin1") ||
	    !strcasecmp(used, "us-ascii"))
		used = "windows-1252";
	if (is_utf8_name(used)) {
		rc = copy_utf8(body, out);
	} else {
		size_t before = out->len;
		rc = transcode(used, body, out);
		if (rc == ERR_NOTFOUND) {
			log_msg(LOG_DEBUG, "unknown charset '%s', using UTF-8",
				used);
			out->len = before;
			used = "utf-8";
			rc = copy_utf8(body, out);
		}
	}
	if (charset)
		*charset = used;
	return rc;
}

/* ---- parsing --------------------------------------------------------- */

htmlDocPtr html_parse(struct slice utf8, const char *url)
{
	int opts =
		HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
		HTML_PARSE_NONET |
		HTML_PARSE_COMPACT; /* no NOBLANKS: it eats spaces between
				       inline elements libxml2 does not know */

	if (!utf8.n || utf8.n > INT32_MAX)
		return NULL;
	return htmlReadMemory(utf8.p, (int)utf8.n, url, "UTF-8", opts);
}

void html_free(htmlDocPtr doc)
{
	if (doc)
		xmlFreeDoc(doc);
}

bool html_is_html(const char *content_type)
{
	struct slice ct = slice_trim(slice_from(content_type));

	return slice_starts_ci(ct, "text/html") ||
	       slice_starts_ci(ct, "application/xhtml+xml");
}

/* ---- links ----------------------------------------------------------- */

struct link_walk {
	CURLU *base;
	size_t max, count;
	void (*fn)(void *arg, const char *url, const char *rel);
	void *arg;
	char **canonical;
};

/* Resolve `ref` against the base with curl's URL parser (the same one that
 * canonicalises later, so both agree on what a URL is). */
static char *resolve(CURLU *base, const char *ref)
{
	CURLU *u = curl_url_dup(base);
	char *out = NULL, *res = NULL;

	if (curl_url_set(u, CURLUPART_URL, ref,
			 CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) ==
		    CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK)
		res = xstrdup(out);
	curl_free(out);
	curl_url_cleanup(u);
	return res;
}

static bool rel_has(const xmlChar *rel, const char *word)
{
	const char *p = (const char *)rel;
	size_t n = strlen(word);

	while (p && *p) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!strncasecmp(p, word, n) &&
		    (!p[n] || isspace((unsigned char)p[n])))
			return true;
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	return false;
}

static void visit(struct link_walk *w, xmlNodePtr n, int depth)
{
	/* Iterative over siblings, recursive over children with a depth cap:
	 * libxml2 limits nesting too, but we never trust one layer alone. */
	for (; n && w->count < w->max; n = n->next) {
		const char *name = (const char *)n->name;
		xmlChar *href = NULL, *rel = NULL;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcasecmp(name, "a") || !strcasecmp(name, "area") ||
		    !strcasecmp(name, "link")) {
			href = xmlGetProp(n, BAD_CAST "href");
			rel = xmlGetProp(n, BAD_CAST "rel");
		} else if (!strcasecmp(name, "frame") ||
			   !strcasecmp(name, "iframe")) {
			href = xmlGetProp(n, BAD_CAST "src");
		}
		if (href && *href) {
			bool is_link = !strcasecmp(name, "link");
			char *abs = resolve(w->base, (const char *)href);

			if (abs && is_link && rel_has(rel, "canonical")) {
				if (w->canonical && !*w->canonical) {
					*w->canonical = abs;
					abs = NULL;
				}
			} else if (abs && (!is_link || rel_has(rel, "next") ||
					   rel_has(rel, "prev"))) {
				w->fn(w->arg, abs, (const char *)rel);
				w->count++;
			}
			free(abs);
		}
		xmlFree(href);
		xmlFree(rel);
		if (n->children && depth < 256)
			visit(w, n->children, depth + 1);
	}
}

static xmlNodePtr find_base(xmlNodePtr n, int depth)
{
	for (; n; n = n->next) {
		xmlNodePtr hit;

		if (n->type == XML_ELEMENT_NODE &&
		    !strcasecmp((const char *)n->name, "base"))
			return n;
		if (n->type == XML_ELEMENT_NODE &&
		    !strcasecmp((const char *)n->name, "body"))
			return NULL;
		if (n->children && depth < 8 &&
		    (hit = find_base(n->children, depth + 1)))
			return hit;
	}
	return NULL;
}

size_t html_links(htmlDocPtr doc, const char *base_url, size_t max,
		  void (*fn)(void *arg, const char *url, const char *rel),
		  void *arg, char **canonical)
{
	struct link_walk w = {
		.max = max, .fn = fn, .arg = arg, .canonical = canonical};
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	xmlNodePtr base;

	if (canonical)
		*canonical = NULL;
	if (!root)
		return 0;
	w.base = curl_url();
	if (curl_url_set(w.base, CURLUPART_URL, base_url, 0) != CURLUE_OK) {
		curl_url_cleanup(w.base);
		return 0;
	}
	base = find_base(root, 0);
	if (base) {
		xmlChar *href = xmlGetProp(base, BAD_CAST "href");
		char *abs = href ? resolve(w.base, (const char *)href) : NULL;

		if (abs)
			curl_url_set(w.base, CURLUPART_URL, abs, 0);
		free(abs);
		xmlFree(href);
	}
	visit(&w, root, 0);
	curl_url_cleanup(w.base);
	return w.count;
}
