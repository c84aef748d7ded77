/*
 * url_syntax.h - the URL pieces that curl's URL API (7.88, with
 * CURLU_URLENCODE) passes through byte for byte, for the fast paths of
 * html.c (link resolution) and crawl/url.c (canonicalisation).
 *
 * Deliberately narrower than what curl accepts unchanged: RFC 3986 pchar
 * (unreserved, sub-delims, ':' and '@') plus '/' and, after the path, '?'.
 * Measured against the installed libcurl: it also leaves '%', '\\', '"',
 * '<', '>', '^', '`', '{', '|', '}' alone in a path, but those are rare in
 * links, differ between curl versions and (for '%') change under
 * url_canon(), so they take the slow path.  Space, control bytes and
 * non-ASCII are changed or refused by curl and are never simple.
 *
 * Hosts: lower-case labels of [a-z0-9-], none empty.  curl rewrites a host
 * that parses as an IPv4 number in any of its notations ("1.2.3" is
 * 1.2.0.3, "0x7f.1" is 127.0.0.1), so a host is simple only when its last
 * label starts with a letter (no number can) or when it is a dotted quad
 * in its one normal form.
 *
 * Static inline, included by both modules: the character tests run on
 * every byte of every link.
 */
#ifndef PATROLI_HTML_URL_SYNTAX_H
#define PATROLI_HTML_URL_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* A byte of a path segment: unreserved, sub-delims, ':' or '@'. */
static inline bool urlsyn_pchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	switch (c) {
	case '-':
	case '.':
	case '_':
	case '~':
	case '!':
	case '$':
	case '&':
	case '\'':
	case '(':
	case ')':
	case '*':
	case '+':
	case ',':
	case ';':
	case '=':
	case ':':
	case '@':
		return true;
	default:
		return false;
	}
}

/* A byte of a query or fragment. */
static inline bool urlsyn_qchar(unsigned char c)
{
	return urlsyn_pchar(c) || c == '/' || c == '?';
}

/* Whether [a, b) is a "." or ".." segment (curl removes those). */
static inline bool urlsyn_dotseg(const char *a, const char *b)
{
	return (b - a == 1 && a[0] == '.') ||
	       (b - a == 2 && a[0] == '.' && a[1] == '.');
}

/* A dotted quad in normal form: four decimal numbers 0-255 without
 * leading zeros. */
static inline bool urlsyn_quad(const char *h, size_t n)
{
	int parts = 0;

	for (size_t i = 0; i < n;) {
		unsigned v = 0;
		size_t k = i;

		while (k < n && h[k] >= '0' && h[k] <= '9' && k - i < 3)
			v = v * 10 + (unsigned)(h[k++] - '0');
		if (k == i || v > 255 || (h[i] == '0' && k - i > 1))
			return false;
		parts++;
		if (k == n)
			break;
		if (h[k] != '.' || k + 1 == n)
			return false;
		i = k + 1;
	}
	return parts == 4;
}

static inline bool urlsyn_letter(unsigned char c, bool upper)
{
	return (c >= 'a' && c <= 'z') || (upper && c >= 'A' && c <= 'Z');
}

/* Length of the simple host at the start of h (it ends at the first byte
 * that is not [a-z0-9.-], or [A-Za-z0-9.-] with `upper`), or 0 when that
 * host is not simple.  curl keeps the case of a host but lower-cases
 * nothing, so upper case is simple where the host is only passed on (a
 * document's base), not where it must be canonical. */
static inline size_t urlsyn_host_case(const char *h, bool upper)
{
	size_t i = 0, last = 0;

	for (;; i++) {
		unsigned char c = (unsigned char)h[i];

		if (c == '.') {
			if (i == last)
				return 0; /* empty label */
			last = i + 1;
		} else if (!(urlsyn_letter(c, upper) ||
			     (c >= '0' && c <= '9') || c == '-')) {
			break;
		}
	}
	if (i == last) /* empty, or a trailing dot */
		return 0;
	if (urlsyn_letter((unsigned char)h[last], upper))
		return i;
	return urlsyn_quad(h, i) ? i : 0;
}

static inline size_t urlsyn_host(const char *h)
{
	return urlsyn_host_case(h, false);
}

/* Length of a port number in normal form (1-65535, no leading zero) at the
 * start of p, or 0; its value in *port. */
static inline size_t urlsyn_port(const char *p, unsigned *port)
{
	unsigned v = 0;
	size_t i = 0;

	if (p[0] < '1' || p[0] > '9')
		return 0;
	while (p[i] >= '0' && p[i] <= '9' && i < 5)
		v = v * 10 + (unsigned)(p[i++] - '0');
	if ((p[i] >= '0' && p[i] <= '9') || v > 65535)
		return 0;
	*port = v;
	return i;
}

/* Past the simple host and the port in normal form, if any, at h; NULL
 * when either is not simple, or when the port is `reject_port` (the
 * scheme's default, which curl drops; 0 rejects none). */
static inline const char *urlsyn_hostport(const char *h, unsigned reject_port)
{
	size_t n = urlsyn_host(h), k;
	unsigned port;

	if (!n)
		return NULL;
	h += n;
	if (*h != ':')
		return h;
	k = urlsyn_port(h + 1, &port);
	if (!k || port == reject_port)
		return NULL;
	return h + 1 + k;
}

/* Where the authority starts in a lower-case "http://" or "https://" URL;
 * NULL for anything else. */
static inline const char *urlsyn_authority(const char *s)
{
	if (!strncmp(s, "http://", 7))
		return s + 7;
	if (!strncmp(s, "https://", 8))
		return s + 8;
	return NULL;
}

/* The default port of the URL whose authority urlsyn_authority() found
 * at h. */
static inline unsigned urlsyn_default_port(const char *url, const char *h)
{
	return h - url == 7 ? 80u : 443u;
}

#endif
