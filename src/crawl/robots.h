/*
 * robots.h - robots.txt (RFC 9309): parse a file once, then ask whether a
 * path may be fetched, how long to wait between fetches, and which
 * sitemaps the site announces.
 *
 * A `struct robots` is an immutable ruleset for one authority.  It is built
 * either from a fetched body (robots_parse) or from the outcome of the
 * fetch (robots_from_status: 2xx parses the body, 4xx allows everything,
 * 5xx or no answer disallows everything).  Queries never allocate state
 * that outlives the call, so one ruleset may be shared between threads
 * once built.
 *
 * Ownership: robots_parse() and robots_from_status() return a new object
 * that the caller releases with robots_free() (NULL is a no-op); they copy
 * what they need from `body`.  Every `const char *` handed out by a query
 * (verdict rule text, sitemap URLs) points into the ruleset and stays valid
 * until robots_free().
 *
 * Agents: `agent` is the crawler's product token (`patroli`), compared
 * case-insensitively with the token of each `User-agent:` line.  The token
 * of a line is its leading run of letters, `_` and `-` (RFC 9309's
 * grammar), so `User-agent: patroli/1.0` names `patroli`.  When no group
 * names the agent, the `*` groups apply; when none of those exist either,
 * everything is allowed.
 */
#ifndef PATROLI_CRAWL_ROBOTS_H
#define PATROLI_CRAWL_ROBOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"

/* Bytes of a robots.txt body that are parsed (RFC 9309 2.5: at least
 * 500 KiB).  Lines that do not end within the limit are ignored. */
#define ROBOTS_MAX_BYTES (500 * 1024)
/* Crawl-delay values are clamped to this many seconds. */
#define ROBOTS_MAX_DELAY 60.0
/* robots_from_status(): the fetch got no HTTP answer at all. */
#define ROBOTS_UNREACHABLE 0

/* Why robots_allowed() decided as it did. */
enum robots_reason {
	ROBOTS_BY_RULE,		 /* an Allow/Disallow rule: see line, rule */
	ROBOTS_NO_RULE,		 /* no rule matched (or no group applies) */
	ROBOTS_FILE_UNAVAILABLE, /* fetch said 4xx/3xx: everything allowed */
	ROBOTS_FILE_UNREACHABLE, /* fetch said 5xx/429/none: all disallowed */
};

struct robots_verdict {
	bool allowed;
	enum robots_reason reason;
	int status;    /* HTTP status for the FILE_ reasons */
	unsigned line; /* 1-based line of the deciding rule, else 0 */
	/* The deciding rule, e.g. "Disallow: /private/": the key spelled
	 * canonically, the value as written (control bytes %-escaped so it
	 * prints on one line); NULL unless reason is ROBOTS_BY_RULE. */
	const char *rule;
};

struct robots;

/* Parse a robots.txt body of `len` bytes (need not be NUL-terminated).
 * Never fails: unparseable lines are skipped, as RFC 9309 2.3.1.5 asks. */
struct robots *robots_parse(const char *body, size_t len);

/*
 * The ruleset an HTTP outcome implies (RFC 9309 2.3.1).  `http_status` is
 * the final status after the crawler followed redirects, or
 * ROBOTS_UNREACHABLE when there was no answer (DNS, connect, TLS, timeout):
 *   2xx          parse `body` (may be NULL when len is 0)
 *   3xx          redirects exhausted: "unavailable", allow all (2.3.1.2)
 *   429          rate limited: treated as unreachable, disallow all
 *   other 4xx    "unavailable", allow all (2.3.1.3)
 *   anything else (5xx, none, nonsense)  "unreachable", disallow all
 */
struct robots *robots_from_status(int http_status, const char *body,
				  size_t len);

void robots_free(struct robots *r);

/*
 * May `agent` fetch `path_and_query` (the URI's path and query, as sent in
 * the request line, e.g. "/a/b?q=1"; "" means "/")?  Both the rules and
 * the path are percent-normalised first (RFC 9309 2.2.2): escapes get
 * upper-case hex and are compared as escapes (never decoded, as Google's
 * compliance suite expects), control octets are escaped, non-ASCII octets
 * are escaped in rules (the crawler asks with percent-encoded URLs), and a
 * literal `*` or `$` in the path is compared as %2A / %24.  /robots.txt is
 * judged like any path: the crawler fetches it without asking.  The
 * longest matching rule wins and Allow wins a tie.  `why` may be NULL.
 */
bool robots_allowed(const struct robots *r, const char *agent,
		    const char *path_and_query, struct robots_verdict *why);

/* One line for logs and `patroli robots test`, e.g.
 * "disallowed by line 3: Disallow: /private/" or
 * "allowed (no matching rule)".  Appended to `out`. */
void robots_verdict_describe(const struct robots_verdict *v, struct buf *out);

/* Crawl-delay of the group(s) that apply to `agent`, in seconds, clamped
 * to [0, ROBOTS_MAX_DELAY]; 0 when none is given.  When several merged
 * groups give one, the largest wins. */
double robots_crawl_delay(const struct robots *r, const char *agent);

/* Sitemap: URLs in file order (duplicates kept), for every agent. */
size_t robots_sitemap_count(const struct robots *r);
const char *robots_sitemap(const struct robots *r, size_t i);

/* The path and query of an absolute or relative URL, without the
 * fragment, as robots_allowed() wants it ("/" when empty).  Replaces the
 * contents of `out`; ERR_LIMIT if `out` has a cap that is too small. */
int robots_url_target(const char *url, struct buf *out);

#endif
