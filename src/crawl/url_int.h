/*
 * url_int.h - private to src/crawl/url.c and to the tests, fuzzers and
 * benchmarks that check it: url_canon() in its two halves.
 *
 * url_canon_slow() is the reference: curl's URL API parses, canon_parts()
 * rebuilds.  url_canon_fast() recognises a URL that is already in
 * canonical form and copies it; whenever it accepts, its result must be
 * byte-identical to the slow path's (tests/unit/test_url.c and
 * fuzz/fuzz_url_fast.c check it).  url_canon() is the fast path, else the
 * slow one.
 */
#ifndef PATROLI_CRAWL_URL_INT_H
#define PATROLI_CRAWL_URL_INT_H

#include "crawl/url.h"

/* As url_canon(), through curl always. */
char *url_canon_slow(const char *url, const struct url_rules *r,
		     const char **why);
/* A copy of `url` when it is already canonical under `r`; NULL otherwise
 * (then the slow path decides). */
char *url_canon_fast(const char *url, const struct url_rules *r);

#endif
