/*
 * url.h - what the crawler considers "the same URL", and the checks that
 * keep it out of traps.
 *
 * Canonical form (curl's URL API does the parsing, so the fetcher and the
 * canonicaliser agree): http and https only; scheme and host lower-case;
 * the default port dropped; the fragment dropped; dot segments resolved;
 * an empty path becomes "/"; tracking parameters removed from the query
 * (utm_*, fbclid, gclid, ref, sid by default; configurable), the rest
 * sorted; percent-encoding normalised (upper-case hex, unreserved
 * characters decoded).  A URL already in that form is copied as it is,
 * without a parse (url_int.h); the result is the same either way.
 *
 * Ownership: functions returning char * hand the caller a string to free().
 */
#ifndef PATROLI_CRAWL_URL_H
#define PATROLI_CRAWL_URL_H

#include "base/base.h"

struct url_rules {
	const char *const *drop_params; /* NULL-terminated; "utm_*" globs */
	size_t max_len;			/* longer URLs are refused */
};

/* The default tracking-parameter list. */
extern const char *const url_default_drop[];

/* Canonical form of an absolute URL, or NULL (with *why set to a static
 * reason) when it is not http(s), malformed, or longer than max_len. */
char *url_canon(const char *url, const struct url_rules *r, const char **why);
/* The same, appended to `out` with its terminating NUL (so one buffer holds
 * a list of URLs) instead of allocated: 0; ERR_INPUT with *why set, or
 * ERR_LIMIT (out->max), with `out` unchanged. */
int url_canon_append(const char *url, const struct url_rules *r,
		     const char **why, struct buf *out);

/* "scheme://host:port" (port always present): the politeness key.  Both
 * take a canonical URL (from url_canon) and split it without parsing
 * again; NULL for anything else. */
char *url_host_key(const char *canon_url);
/* Host name alone, lower case. */
char *url_host(const char *canon_url);
/* Registrable domain ("tokopedia.com", "example.co.id") via libpsl; the
 * host itself for IP addresses and hosts libpsl cannot place. */
char *url_domain(const char *host);

enum url_scope { SCOPE_HOST, SCOPE_DOMAIN, SCOPE_PREFIX };
int url_scope_parse(const char *s, enum url_scope *out);
const char *url_scope_name(enum url_scope s);

/*
 * Trap heuristics, each a pure function of the URL so that a resumed crawl
 * decides the same way.  Return NULL when the URL looks fine, else a
 * static reason:
 *  - a path segment repeated more than `max_repeat` times (/a/b/a/b/a/b,
 *    /x/x/x/x): relative-link loops;
 *  - more than `max_params` query parameters: faceted-search explosions;
 *  - a date in the path or query more than `max_years_ahead` years in the
 *    future or before 1990: endless calendars.
 */
struct url_trap_limits {
	int max_repeat;
	int max_params;
	int max_years_ahead;
	int current_year;
};
const char *url_trap(const char *canon_url, const struct url_trap_limits *l);

#endif
