/*
 * text.c - small text helpers for extraction: a bump arena per page, UTF-8
 * repair, whitespace collapsing with optional tag stripping, word search and
 * URL splitting.
 *
 * The arena exists because a page yields hundreds of small strings that all
 * die together; one free per chunk keeps extraction fast and leak-free.
 */
#include "extract/extract_int.h"

#include <string.h>

/* ---- arena --------------------------------------------------------------- */
#define EX_CHUNK 16384

struct ex_chunk {
	struct ex_chunk *next;
	size_t used, cap;
	_Alignas(max_align_t) char data[];
};

void *ex_alloc(struct ex_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct ex_chunk *h = a->head;
	if (!h || h->cap - h->used < n) {
		size_t cap = n > EX_CHUNK / 4 ? n : EX_CHUNK;
		struct ex_chunk *c = xmalloc(sizeof(*c) + cap);
		c->used = 0;
		c->cap = cap;
		if (h && cap != EX_CHUNK) {
			/* A big block goes behind the current chunk, so the
			 * current one keeps serving small requests. */
			c->next = h->next;
			h->next = c;
			c->used = n;
			return c->data;
		}
		c->next = h;
		a->head = c;
		h = c;
	}
	void *p = h->data + h->used;
	h->used += n;
	return p;
}

void ex_arena_free(struct ex_arena *a)
{
	struct ex_chunk *c = a->head;
	while (c) {
		struct ex_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}

/* ---- UTF-8 --------------------------------------------------------------- */
/* Length of the valid sequence at p (1..4), 0 when invalid or cut short. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned min_second = 0x80, max_second = 0xBF;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			min_second = 0xA0;
		else if (c == 0xED)
			max_second = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			min_second = 0x90;
		else if (c == 0xF4)
			max_second = 0x8F;
	} else {
		return 0;
	}
	if (n < len || p[1] < min_second || p[1] > max_second)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return len;
}

size_t ex_utf8_valid_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t l = utf8_seq(p + i, n - i);
		if (!l)
			break;
		i += l;
	}
	return i;
}

char *ex_strndup_cap(struct ex_arena *a, const char *p, size_t n, size_t cap)
{
	if (n > cap)
		n = cap;
	size_t ok = ex_utf8_valid_prefix(p, n);
	bool has_nul = memchr(p, 0, ok) != NULL;
	if (ok == n && !has_nul) {
		char *d = ex_alloc(a, n + 1);
		memcpy(d, p, n);
		d[n] = 0;
		return d;
	}
	/* Slow path: every bad byte becomes U+FFFD (3 bytes), NULs become
	 * spaces so C strings stay whole. */
	char *d = ex_alloc(a, n * 3 + 1);
	size_t o = 0;
	const unsigned char *s = (const unsigned char *)p;
	for (size_t i = 0; i < n;) {
		size_t l = s[i] < 0x80 ? 1 : utf8_seq(s + i, n - i);
		if (!l) {
			/* A sequence cut by the cap at the very end is dropped,
			 * not replaced: it was valid before we cut it. */
			if (n == cap && n - i < 4 && s[i] >= 0xC2)
				break;
			memcpy(d + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
			continue;
		}
		if (l == 1 && s[i] == 0)
			d[o++] = ' ';
		else
			memcpy(d + o, s + i, l), o += l;
		i += l;
	}
	d[o] = 0;
	return d;
}

char *ex_strndup(struct ex_arena *a, const char *p, size_t n)
{
	return ex_strndup_cap(a, p, n, EXTRACT_MAX_FIELD);
}

char *ex_strdup(struct ex_arena *a, const char *s)
{
	return s ? ex_strndup(a, s, strlen(s)) : NULL;
}

/* ---- whitespace and markup ----------------------------------------------- */
bool ex_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static const struct {
	const char *name;
	const char *utf8;
} entities[] = {
	{"amp", "&"},
	{"lt", "<"},
	{"gt", ">"},
	{"quot", "\""},
	{"apos", "'"},
	{"nbsp", " "},
	{"ndash", "\xE2\x80\x93"},
	{"mdash", "\xE2\x80\x94"},
	{"middot", "\xC2\xB7"},
	{"bull", "\xE2\x80\xA2"},
	{"hellip", "\xE2\x80\xA6"},
	{"raquo", "\xC2\xBB"},
	{"laquo", "\xC2\xAB"},
	{"copy", "\xC2\xA9"},
	{"reg", "\xC2\xAE"},
	{"trade", "\xE2\x84\xA2"},
};

static size_t put_utf8(unsigned long cp, char *o)
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Decode the entity at p[0] == '&'; returns bytes consumed (0: not one). */
static size_t decode_entity(const char *p, size_t n, char out[8], size_t *on)
{
	size_t i = 1;
	if (i < n && p[i] == '#') {
		unsigned long cp = 0;
		int base = 10, digits = 0;
		i++;
		if (i < n && (p[i] == 'x' || p[i] == 'X'))
			base = 16, i++;
		for (; i < n && digits < 8; i++, digits++) {
			char ch = p[i];
			int d;
			if (ch >= '0' && ch <= '9')
				d = ch - '0';
			else if (base == 16 && ch >= 'a' && ch <= 'f')
				d = ch - 'a' + 10;
			else if (base == 16 && ch >= 'A' && ch <= 'F')
				d = ch - 'A' + 10;
			else
				break;
			cp = cp * (unsigned long)base + (unsigned long)d;
		}
		if (!digits)
			return 0;
		if (i < n && p[i] == ';')
			i++;
		*on = put_utf8(cp, out);
		return i;
	}
	for (size_t k = 0; k < ARRAY_LEN(entities); k++) {
		size_t l = strlen(entities[k].name);
		if (n > l + 1 && memcmp(p + 1, entities[k].name, l) == 0 &&
		    p[l + 1] == ';') {
			*on = strlen(entities[k].utf8);
			memcpy(out, entities[k].utf8, *on);
			return l + 2;
		}
	}
	return 0;
}

/* Whether the tag starting at p ("<br", "</p", "<li ...") breaks a line. */
static bool tag_breaks(const char *p, size_t n)
{
	static const char *const blocks[] = {
		"br", "p",  "div", "li", "tr", "h1",	"h2", "h3",
		"h4", "h5", "h6",  "ul", "ol", "table", "dd", "dt",
	};
	size_t i = 1;
	if (i < n && p[i] == '/')
		i++;
	size_t s = i;
	while (i < n && ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z'))
		i++;
	if (i < n && p[i] >= '1' && p[i] <= '6')
		i++;
	for (size_t k = 0; k < ARRAY_LEN(blocks); k++)
		if (strlen(blocks[k]) == i - s &&
		    strncasecmp(p + s, blocks[k], i - s) == 0)
			return true;
	return false;
}

void ex_clean_text(const char *p, size_t n, bool keep_lines, bool markup,
		   struct buf *out)
{
	int pending = 0; /* 1 space, 2 newline */
	size_t start = out->len;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)p[i];
		char tmp[8];
		size_t tn = 0;
		if (ex_is_space(c)) {
			int want = (c == '\n' && keep_lines) ? 2 : 1;
			pending = MAX(pending, want);
			i++;
			continue;
		}
		if (c == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] == 0xA0) {
			pending = MAX(pending, 1); /* no-break space */
			i += 2;
			continue;
		}
		if (markup && c == '<') {
			const char *gt = memchr(p + i, '>', n - i);
			if (gt && gt - (p + i) < 1024 &&
			    (i + 1 < n && (p[i + 1] == '/' || p[i + 1] == '!' ||
					   ((p[i + 1] | 0x20) >= 'a' &&
					    (p[i + 1] | 0x20) <= 'z')))) {
				bool br = tag_breaks(p + i, n - i);
				pending =
					MAX(pending, br && keep_lines ? 2 : 1);
				i = (size_t)(gt - p) + 1;
				continue;
			}
		}
		if (markup && c == '&') {
			size_t used = decode_entity(p + i, n - i, tmp, &tn);
			if (used) {
				if (tn == 1 && tmp[0] == ' ') {
					pending = MAX(pending, 1);
					i += used;
					continue;
				}
				i += used;
				goto emit;
			}
		}
		tmp[0] = (char)c;
		tn = 1;
		i++;
	emit:
		if (pending && out->len > start)
			buf_putc(out, pending == 2 ? '\n' : ' ');
		pending = 0;
		if (buf_append(out, tmp, tn) < 0)
			return;
	}
}

/* ---- search -------------------------------------------------------------- */
static inline unsigned char lc(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

static inline bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (lc(c) >= 'a' && lc(c) <= 'z') ||
	       c >= 0x80;
}

long ex_find_ci(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	if (!m || m > n)
		return -1;
	unsigned char f = lc((unsigned char)needle[0]);
	for (size_t i = 0; i + m <= n; i++) {
		if (lc((unsigned char)hay[i]) != f)
			continue;
		size_t k = 1;
		while (k < m && lc((unsigned char)hay[i + k]) ==
					lc((unsigned char)needle[k]))
			k++;
		if (k == m)
			return (long)i;
	}
	return -1;
}

long ex_find_word(const char *hay, size_t n, const char *word)
{
	size_t off = 0, m = strlen(word);
	while (off < n) {
		long r = ex_find_ci(hay + off, n - off, word);
		if (r < 0)
			return -1;
		size_t at = off + (size_t)r;
		bool left = at == 0 || !is_alnum((unsigned char)hay[at - 1]);
		bool right =
			at + m >= n || !is_alnum((unsigned char)hay[at + m]);
		if (left && right)
			return (long)at;
		off = at + 1;
	}
	return -1;
}

/* ---- URL ----------------------------------------------------------------- */
void ex_url_parse(const char *url, struct ex_url *u)
{
	memset(u, 0, sizeof(*u));
	u->target = "/";
	u->target_len = u->path_len = 1;
	if (!url)
		return;
	const char *p = url;
	const char *colon = strstr(p, "://");
	if (colon && colon - p < 16) {
		const char *h = colon + 3;
		const char *end = h + strcspn(h, "/?#");
		const char *at = memchr(h, '@', (size_t)(end - h));
		if (at)
			h = at + 1;
		const char *hend = h;
		if (*h == '[') { /* IPv6 literal */
			const char *rb = memchr(h, ']', (size_t)(end - h));
			hend = rb ? rb + 1 : end;
		} else {
			while (hend < end && *hend != ':')
				hend++;
		}
		size_t hl = (size_t)(hend - h);
		if (hl && h[hl - 1] == '.')
			hl--;
		if (hl >= sizeof(u->host))
			hl = sizeof(u->host) - 1;
		for (size_t i = 0; i < hl; i++)
			u->host[i] = (char)lc((unsigned char)h[i]);
		u->host[hl] = 0;
		p = end;
	}
	if (*p != '/' && *p != '?')
		return; /* no path: keep "/" */
	u->target = p;
	u->target_len = strcspn(p, "#");
	u->path_len = strcspn(p, "?#");
	if (*p == '?') {
		/* "http://h?q": the path is "/", which the target lacks. */
		u->path_len = 0;
	}
}
