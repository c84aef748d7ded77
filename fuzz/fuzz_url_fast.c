/*
 * fuzz_url_fast.c - differential harness for the fast paths of link
 * resolution (html_resolve_fast, src/html/html_int.h) and canonicalisation
 * (url_canon_fast, src/crawl/url_int.h): whenever a fast path accepts, its
 * result must be the slow (curl) path's byte for byte.  Aborts otherwise.
 *
 * Input: one byte choosing the canonicalisation rules (bits 0-1) and
 * whether a <base href> follows the base (bit 4), then the base URL, a
 * newline, [the <base href> and a newline,] and the reference (up to the
 * first NUL: an attribute value never holds one).  Canonicalisation is checked
 * on the reference itself, on the resolved URL and on the canonical form of
 * that (the form in which most links of a crawled site are written).
 *
 *   scripts/build-fuzz.sh url_fast
 *   build/fuzz/fuzz_url_fast fuzz/corpus/url_fast -dict=fuzz/url_fast.dict \
 *	-max_total_time=300
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawl/url_int.h"
#include "html/html_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const drop_custom[] = {"a*", "x", "[b-c]?", NULL};
static const struct url_rules rules[] = {
	{NULL, 0},
	{drop_custom, 64},
	{url_default_drop, 40},
	{NULL, 4096},
};

static void differ(const char *what, const char *in, const char *fast,
		   const char *slow)
{
	fprintf(stderr,
		"%s: fast and slow paths differ\n  in:   %s\n"
		"  fast: %s\n  slow: %s\n",
		what, in, fast, slow ? slow : "(refused)");
	abort();
}

static void canon_both(const char *url, const struct url_rules *r)
{
	const char *why;
	char *fast = url_canon_fast(url, r);
	char *slow = url_canon_slow(url, r, &why);

	if (fast && (!slow || strcmp(fast, slow)))
		differ("url_canon", url, fast, slow);
	if (slow) { /* canonical: the fast path may take it as it is */
		char *again = url_canon_fast(slow, r);
		if (again && strcmp(again, slow))
			differ("url_canon (canonical input)", slow, again,
			       slow);
		free(again);
	}
	free(fast);
	free(slow);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct url_rules *r;
	struct html_base b;
	char *s, *nl, *ref, *fast, *slow;

	if (size < 2 || size > 4096)
		return 0;
	r = &rules[data[0] % (sizeof(rules) / sizeof(rules[0]))];
	s = xmalloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	nl = strchr(s, '\n');
	if (!nl) {
		canon_both(s, r);
		free(s);
		return 0;
	}
	*nl = '\0';
	ref = nl + 1;
	canon_both(ref, r);
	if (html_base_init(&b, s)) {
		free(s);
		return 0;
	}
	if ((data[0] & 0x10) && (nl = strchr(ref, '\n'))) {
		char *abs;

		*nl = '\0';
		abs = html_resolve(&b, ref);
		if (abs)
			html_base_set(&b, abs);
		free(abs);
		ref = nl + 1;
	}
	fast = html_resolve_fast(&b, ref);
	slow = html_resolve_slow(&b, ref);
	if (fast && (!slow || strcmp(fast, slow))) {
		fprintf(stderr, "base: %s (then <base href>: %s)\n", s,
			(data[0] & 0x10) && ref != s + strlen(s) + 1
				? s + strlen(s) + 1
				: "none");
		differ("resolve", ref, fast, slow);
	}
	if (slow)
		canon_both(slow, r);
	free(fast);
	free(slow);
	html_base_release(&b);
	free(s);
	return 0;
}
