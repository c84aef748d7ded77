/*
 * html.c - decode, transcode and parse fetched HTML, and find its links.
 *
 * Everything here reads bytes from strangers, so each step has a cap:
 * output size is limited by the caller's buffer, charset names are
 * whitelisted through iconv_open(), and the parser runs with network access
 * and entity loading off.  libxml2's HTML parser is the one under lxml and
 * Scrapy: it recovers from any markup, which is what a crawler needs.
 */
#include "html/html_int.h"
#include "html/url_syntax.h"

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

/*
 * The length of the UTF-8 sequence at p (n > 0 bytes left), or 0 if it is
 * not one (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF).  Strict, because html_parser_new() hands the text to libxml2
 * without a converter, and libxml2 2.9 switches the rest of a document to
 * Latin-1 on the first sequence it cannot decode.
 */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4) /* continuation, overlong lead, >U+10FFFF */
		return 0;
	len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (c == 0xE0)
		lo = 0xA0; /* overlong */
	else if (c == 0xED)
		hi = 0x9F; /* surrogates */
	else if (c == 0xF0)
		lo = 0x90; /* overlong */
	else if (c == 0xF4)
		hi = 0x8F; /* above U+10FFFF */
	if (len > n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if ((p[k] & 0xC0) != 0x80)
			return 0;
	return len;
}

/*
 * Whether undeclared bytes are UTF-8: by structure (lead and continuation
 * bytes), looser than utf8_seq().  A UTF-8 page with a stray overlong form
 * or a CESU-8 emoji (a surrogate pair, as some older software writes them)
 * is still read as UTF-8, those sequences replaced, as a browser reads it,
 * not as windows-1252 from end to end.
 */
static bool looks_utf8(struct slice s)
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

/* Whether the 8 bytes of w are all ASCII and none is NUL: a NUL borrows
 * in w - 0x01..01 and sets its byte's top bit, as a non-ASCII byte has. */
static inline bool word_clean(uint64_t w)
{
	return !((w | (w - 0x0101010101010101u)) & 0x8080808080808080u);
}

/*
 * How many bytes at the start of p copy_utf8() keeps as they are: up to
 * the first NUL or invalid sequence (utf8_seq()), or n.  Every page goes
 * through here and most are ASCII markup with a little UTF-8 text, so ASCII is
 * checked 16 bytes at a time and the sequence decoder only runs on the other
 * bytes.
 */
static size_t utf8_clean_len(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c;
		size_t len;

		while (n - i >= 16) {
			uint64_t a, b;

			memcpy(&a, p + i, 8);
			memcpy(&b, p + i + 8, 8);
			if (!word_clean(a) || !word_clean(b))
				break;
			i += 16;
		}
		if (i == n)
			break;
		c = p[i];
		if (!c || !(len = utf8_seq(p + i, n - i)))
			return i;
		i += len;
	}
	return i;
}

/* Copy UTF-8, replacing each invalid byte by U+FFFD and NUL by a space.
 * Valid runs are appended in one piece: this runs over every page. */
static int copy_utf8(struct slice s, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;
	int rc;

	for (;;) {
		size_t run = utf8_clean_len(p + i, s.n - i);

		rc = buf_append(out, p + i, run);
		i += run;
		if (rc || i == s.n)
			return rc;
		rc = p[i] == 0 ? buf_putc(out, ' ')
			       : buf_append(out, "\xEF\xBF\xBD", 3);
		if (rc)
			return rc;
		i++;
	}
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

/* What copy_utf8() appends to `out`; with `view`, when that is all of `s`
 * unchanged, *view = s instead and `out` is left alone.  `clean` is
 * utf8_clean_len() of s when already known, else SIZE_MAX. */
static int put_utf8(struct slice s, size_t clean, struct buf *out,
		    struct slice *view)
{
	if (!view)
		return copy_utf8(s, out);
	if (clean == SIZE_MAX)
		clean = utf8_clean_len((const unsigned char *)s.p, s.n);
	if (clean < s.n)
		return copy_utf8(s, out);
	/* the limit copy_utf8()'s one buf_append() would have hit */
	if (out->max && (s.n > out->max || out->len > out->max - s.n))
		return ERR_LIMIT;
	*view = s;
	return 0;
}

/* html_to_utf8(), and html_to_utf8_view() when `view` is not NULL. */
static int to_utf8(const char *content_type, struct slice body, struct buf *out,
		   struct slice *view, const char **charset)
{
	/* per thread: the crawl reads pages on several at once */
	static _Thread_local char name[40];
	const char *used = "utf-8";
	size_t clean = SIZE_MAX;
	int rc;

	if (body.n >= 3 && !memcmp(body.p, "\xEF\xBB\xBF", 3)) {
		body.p += 3;
		body.n -= 3;
	} else if (charset_param(slice_from(content_type), name) ||
		   meta_charset(body, name)) {
		used = name;
	} else {
		/* One pass decides both whether the page is UTF-8 and, for
		 * the common page that is, that nothing needs replacing;
		 * the clean prefix is valid, so only the rest needs the
		 * looser test. */
		clean = utf8_clean_len((const unsigned char *)body.p, body.n);
		if (!looks_utf8((struct slice){body.p + clean, body.n - clean}))
			used = "windows-1252";
	}
	/* Browsers read ISO-8859-1 as windows-1252; so do we. */
	if (!strcasecmp(used, "iso-8859-1") || !strcasecmp(used, "latin1") ||
	    !strcasecmp(used, "us-ascii"))
		used = "windows-1252";
	if (is_utf8_name(used)) {
		rc = put_utf8(body, clean, out, view);
	} else {
		size_t before = out->len;
		rc = transcode(used, body, out);
		if (rc == ERR_NOTFOUND) {
			log_msg(LOG_DEBUG, "unknown charset '%s', using UTF-8",
				used);
			out->len = before;
			used = "utf-8";
			rc = put_utf8(body, SIZE_MAX, out, view);
		}
	}
	if (charset)
		*charset = used;
	return rc;
}

int html_to_utf8(const char *content_type, struct slice body, struct buf *out,
		 const char **charset)
{
	return to_utf8(content_type, body, out, NULL, charset);
}

int html_to_utf8_view(const char *content_type, struct slice body,
		      struct buf *tmp, struct slice *utf8, const char **charset)
{
	struct slice view = {NULL, 0};
	int rc;

	buf_reset(tmp);
	rc = to_utf8(content_type, body, tmp, &view, charset);
	*utf8 = view.p ? view : buf_slice(tmp);
	return rc;
}

/* ---- parsing --------------------------------------------------------- */

/*
 * No encoding is named: with one (even "UTF-8"), libxml2 2.9 first runs
 * the whole document through a UTF-8 to UTF-8 converter, a sixth of the
 * parse's time on the bench pages (70 against 60 us a page).  Without one
 * it reads the bytes as they are, as UTF-8 once charset says so.  It would
 * switch to Latin-1 on a sequence it cannot decode, which html_to_utf8()'s
 * strict check (utf8_seq()) rules out, and to a <meta charset>'s
 * encoding, which HTML_PARSE_IGNORE_ENC rules out: the text is UTF-8
 * whatever the page once said.  Same events, same tree as with the
 * converter, on the dev corpus, the bench pages and the fuzz corpora.
 */
htmlParserCtxtPtr html_parser_new(struct slice utf8, const char *url)
{
	htmlParserCtxtPtr p;

	if (!utf8.n || utf8.n > INT32_MAX)
		return NULL;
	p = htmlCreateMemoryParserCtxt(utf8.p, (int)utf8.n);
	if (!p)
		die("htmlCreateMemoryParserCtxt failed");
	htmlCtxtUseOptions(p, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
				      HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
				      HTML_PARSE_COMPACT |
				      HTML_PARSE_IGNORE_ENC);
	/* no NOBLANKS: it eats spaces between inline elements libxml2 does
	 * not know */
	p->charset = XML_CHAR_ENCODING_UTF8;
	if (url && p->input && !p->input->filename)
		p->input->filename = (char *)xmlStrdup((const xmlChar *)url);
	return p;
}

htmlDocPtr html_parse(struct slice utf8, const char *url)
{
	htmlParserCtxtPtr p = html_parser_new(utf8, url);
	htmlDocPtr doc;

	if (!p)
		return NULL;
	htmlParseDocument(p);
	doc = p->myDoc;
	p->myDoc = NULL;
	htmlFreeParserCtxt(p);
	return doc;
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

/* Longer references (and bases) are left to curl (which has its own,
 * larger cap). */
#define FAST_MAX 65536

/*
 * Every link is resolved against the base.  curl's URL API is the
 * reference (the same parser canonicalises later, so both agree on what a
 * URL is), but it costs a copy of the base, a parse of the joined URL and
 * a rebuild per link.  Most links are simple: root-relative
 * ("/p/3/3900.html"), path-relative ("item-12.html") or absolute
 * ("https://shop.example.co.id/produk/abc-123"), of bytes curl passes
 * through (url_syntax.h).  For those, RFC 3986 resolution is concatenation
 * with the base's origin or directory, cut out of curl's form of the base
 * once per document.  Anything else takes curl's path.
 */

/* The query is dropped, like curl's concatenation does; a fragment would
 * not be (curl cuts the base at its last '/', even one inside the
 * fragment), so a base with '#' gets no fast path, nor one with a byte
 * that curl would change when it parses the joined URL again.  A path
 * with an empty segment ("//") gets none for path-relative references:
 * curl's concatenation loses a slash of "http://h//" + "x".  `p` is where
 * the authority of s ends.  Returns where the path ends, or NULL for no
 * fast path. */
static const char *base_cut(struct html_base *b, const char *s, const char *p)
{
	size_t i, dir = 0;
	bool empty = false;

	if (*p != '/')
		return NULL;
	for (i = (size_t)(p - s); s[i] && s[i] != '?'; i++) {
		if (s[i] == '/') {
			if (dir && urlsyn_dotseg(s + dir, s + i))
				return NULL;
			empty |= dir == i;
			dir = i + 1;
		} else if (!urlsyn_pchar((unsigned char)s[i])) {
			return NULL;
		}
	}
	if (urlsyn_dotseg(s + dir, s + i))
		return NULL;
	b->origin_len = (size_t)(p - s);
	b->dir_len = empty ? 0 : dir;
	return s + i;
}

static void base_fast(struct html_base *b)
{
	char *s = NULL;
	const char *h, *p;

	free(b->url);
	b->url = NULL;
	if (curl_url_get(b->u, CURLUPART_URL, &s, 0) != CURLUE_OK)
		goto out;
	if (!(h = urlsyn_authority(s)))
		goto out;
	/* Not any host curl gives out: it decodes "11%2e00" to "11.00",
	 * which is 11.0.0.0 once the joined URL is parsed again. */
	p = h + urlsyn_host_case(h, true);
	if (p == h || strchr(p, '#'))
		goto out;
	if (*p == ':')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (base_cut(b, s, p))
		b->url = xstrdup(s);
out:
	curl_free(s);
}

/*
 * Most bases are the crawler's own URLs, which curl accepts and gives
 * back byte for byte: lower-case http(s), a simple lower-case host
 * (url_syntax.h), no port or one in normal form that is not the scheme's
 * default, a path of bytes curl keeps without dot segments, no query or a
 * non-empty one of such bytes, no fragment.  For those the fast path's
 * pieces are cut from the URL as given, and curl parses it only when a
 * link needs the slow path (base_curl()): two curl calls and their
 * allocations fewer per page.
 */
static bool base_verbatim(struct html_base *b, const char *url)
{
	const char *h = urlsyn_authority(url), *p, *end;

	if (!h || !(p = urlsyn_hostport(h, urlsyn_default_port(url, h))))
		return false;
	if (!(end = base_cut(b, url, p)))
		return false;
	if (*end == '?') {
		if (!*++end)
			return false; /* curl drops a bare '?' */
		for (; *end; end++)
			if (!urlsyn_qchar((unsigned char)*end))
				return false;
	}
	if (end - url > FAST_MAX)
		return false;
	b->url = xstrdup(url);
	return true;
}

/* The base as a curl handle, made now if html_base_init() did without. */
static CURLU *base_curl(const struct html_base *b)
{
	CURLU *u;

	if (b->u)
		return curl_url_dup(b->u);
	/* accepted: base_verbatim() only takes what curl takes */
	if ((u = curl_url()) &&
	    curl_url_set(u, CURLUPART_URL, b->url, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		u = NULL;
	}
	return u;
}

int html_base_init_curl(struct html_base *b, const char *base_url)
{
	*b = (struct html_base){.u = curl_url()};
	if (!b->u ||
	    curl_url_set(b->u, CURLUPART_URL, base_url, 0) != CURLUE_OK) {
		curl_url_cleanup(b->u);
		b->u = NULL;
		return ERR_INPUT;
	}
	base_fast(b);
	return 0;
}

int html_base_init(struct html_base *b, const char *base_url)
{
	*b = (struct html_base){0};
	if (base_verbatim(b, base_url))
		return 0;
	*b = (struct html_base){0};
	return html_base_init_curl(b, base_url);
}

void html_base_set(struct html_base *b, const char *abs)
{
	if (!b->u && !(b->u = base_curl(b)))
		return;
	/* curl keeps the handle as it was when it refuses a URL; whatever
	 * it holds now, the fast path follows it */
	curl_url_set(b->u, CURLUPART_URL, abs, 0);
	base_fast(b);
}

void html_base_release(struct html_base *b)
{
	curl_url_cleanup(b->u);
	free(b->url);
	*b = (struct html_base){0};
}

char *html_resolve_slow(const struct html_base *b, const char *ref)
{
	CURLU *u = base_curl(b);
	char *out = NULL, *res = NULL;

	if (u &&
	    curl_url_set(u, CURLUPART_URL, ref,
			 CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) ==
		    CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK)
		res = xstrdup(out);
	curl_free(out);
	curl_url_cleanup(u);
	return res;
}

/* Check what follows the authority (or all of a relative reference): a
 * path, then optionally a query and a fragment, every byte one curl keeps,
 * no dot segment, no empty query or fragment (curl drops a bare '?' or
 * '#').  In a relative reference a ':' before the first '/' would make
 * the first segment a scheme.  Returns the length, or 0 (also for an
 * empty tail). */
static size_t simple_tail(const char *p, bool relative)
{
	const char *s = p, *seg = p;

	for (; *s && *s != '?' && *s != '#'; s++) {
		if (*s == '/') {
			if (urlsyn_dotseg(seg, s))
				return 0;
			seg = s + 1;
			relative = false;
		} else if (!urlsyn_pchar((unsigned char)*s) ||
			   (*s == ':' && relative)) {
			return 0;
		}
	}
	if (urlsyn_dotseg(seg, s))
		return 0;
	if (*s == '?') {
		if (!s[1] || s[1] == '#')
			return 0;
		for (s++; *s && *s != '#'; s++)
			if (!urlsyn_qchar((unsigned char)*s))
				return 0;
	}
	if (*s == '#') {
		if (!s[1])
			return 0;
		for (s++; *s; s++)
			if (!urlsyn_qchar((unsigned char)*s))
				return 0;
	}
	return (size_t)(s - p);
}

/* A fast resolution: pre[0, npre), then "/" when slash, then tail[0,
 * ntail). */
struct fast_url {
	const char *pre, *tail;
	size_t npre, ntail;
	bool slash; /* an absolute URL without a path gets "/" */
};

static bool resolve_fast(const struct html_base *b, const char *ref,
			 struct fast_url *f)
{
	*f = (struct fast_url){.tail = ref};
	if (ref[0] == '/') {
		if (ref[1] == '/' || !b->url)
			return false;
		f->pre = b->url;
		f->npre = b->origin_len;
		f->ntail = simple_tail(ref, false);
	} else if (urlsyn_authority(ref)) {
		/* a port in normal form only: "080" is 80 to curl */
		const char *end = urlsyn_hostport(urlsyn_authority(ref), 0);

		if (!end)
			return false;
		f->pre = ref;
		f->npre = (size_t)(end - ref);
		f->tail = end;
		if (*f->tail == '/') {
			f->ntail = simple_tail(f->tail, false);
		} else if (!*f->tail) {
			f->ntail = 0;
			f->slash = true;
		} else if (*f->tail == '?' || *f->tail == '#') {
			f->ntail = simple_tail(f->tail, false);
			f->slash = f->ntail > 0;
		} else {
			return false;
		}
	} else {
		/* "?q" and "#f" keep the base's last segment: curl's job */
		if (!b->url || !b->dir_len || ref[0] == '?' || ref[0] == '#')
			return false;
		f->pre = b->url;
		f->npre = b->dir_len;
		f->ntail = simple_tail(ref, true);
	}
	return (f->ntail || f->slash) && !f->tail[f->ntail] &&
	       f->npre + f->ntail <= FAST_MAX;
}

/* The fast resolution's pieces, appended to out. */
static void fast_put(const struct fast_url *f, struct buf *out)
{
	buf_append(out, f->pre, f->npre);
	if (f->slash)
		buf_putc(out, '/');
	buf_append(out, f->tail, f->ntail);
}

char *html_resolve_fast(const struct html_base *b, const char *ref)
{
	struct fast_url f;
	struct buf out = BUF_INIT;

	if (!resolve_fast(b, ref, &f))
		return NULL;
	fast_put(&f, &out);
	return buf_detach(&out, NULL);
}

char *html_resolve(const struct html_base *b, const char *ref)
{
	char *res = html_resolve_fast(b, ref);

	return res ? res : html_resolve_slow(b, ref);
}

/* html_resolve() into `out` (reset first), which the caller reuses: no
 * allocation per link on the fast path.  NULL when curl refuses. */
static const char *resolve_into(const struct html_base *b, const char *ref,
				struct buf *out)
{
	struct fast_url f;
	char *slow;

	buf_reset(out);
	if (resolve_fast(b, ref, &f)) {
		fast_put(&f, out);
		return out->p;
	}
	if (!(slow = html_resolve_slow(b, ref)))
		return NULL;
	buf_puts(out, slow);
	free(slow);
	return out->p;
}

static bool rel_has(const char *rel, const char *word)
{
	const char *p = rel;
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

void html_link_emit(struct html_link_sink *k, const char *href, const char *rel,
		    bool is_link)
{
	const char *abs = resolve_into(&k->base, href, &k->url);

	if (abs && is_link && rel_has(rel, "canonical")) {
		if (k->canonical && !*k->canonical)
			*k->canonical = xstrdup(abs);
	} else if (abs &&
		   (!is_link || rel_has(rel, "next") || rel_has(rel, "prev"))) {
		k->fn(k->arg, abs, rel);
		k->count++;
	}
}

void html_link_sink_release(struct html_link_sink *k)
{
	html_base_release(&k->base);
	buf_release(&k->url);
}

void html_base_rebase(struct html_base *b, const char *href)
{
	char *abs = html_resolve(b, href);

	if (abs)
		html_base_set(b, abs);
	free(abs);
}

static void visit(struct html_link_sink *k, xmlNodePtr n, int depth)
{
	/* Iterative over siblings, recursive over children with a depth cap:
	 * libxml2 limits nesting too, but we never trust one layer alone. */
	for (; n && k->count < k->max; n = n->next) {
		const char *name = (const char *)n->name;
		xmlChar *href = NULL, *rel = NULL;
		bool is_link = false;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcasecmp(name, "a") || !strcasecmp(name, "area") ||
		    (is_link = !strcasecmp(name, "link"))) {
			href = xmlGetProp(n, BAD_CAST "href");
			rel = xmlGetProp(n, BAD_CAST "rel");
		} else if (!strcasecmp(name, "frame") ||
			   !strcasecmp(name, "iframe")) {
			href = xmlGetProp(n, BAD_CAST "src");
		}
		if (href && *href)
			html_link_emit(k, (const char *)href, (const char *)rel,
				       is_link);
		xmlFree(href);
		xmlFree(rel);
		if (n->children && depth < 256)
			visit(k, n->children, depth + 1);
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
	struct html_link_sink k = {
		.max = max, .fn = fn, .arg = arg, .canonical = canonical};
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	xmlNodePtr base;

	if (canonical)
		*canonical = NULL;
	if (!root || html_base_init(&k.base, base_url))
		return 0;
	base = find_base(root, 0);
	if (base) {
		xmlChar *href = xmlGetProp(base, BAD_CAST "href");

		if (href)
			html_base_rebase(&k.base, (const char *)href);
		xmlFree(href);
	}
	visit(&k, root, 0);
	html_link_sink_release(&k);
	return k.count;
}
