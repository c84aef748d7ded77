/*
 * fuzz_robots.c - libFuzzer harness for the robots.txt parser and matcher.
 *
 * The input is parsed as a robots.txt body, then queried with fixed paths
 * that exercise wildcards, anchors and escapes, and with a path and agent
 * taken from the input itself (its last line and its first user-agent
 * token), so that rules and paths can meet.  Every answer must be a
 * well-formed verdict; ASan/UBSan catch the rest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "crawl/robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
	"/",
	"/robots.txt",
	"/a/b?c=d",
	"/%E3%83%84",
	"/a%2fb",
	"/*$",
	"/x.gif",
	"",
	"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
};

static void check(const struct robots *r, const char *agent, const char *path)
{
	struct robots_verdict v;
	struct buf out = BUF_INIT;
	bool ok = robots_allowed(r, agent, path, &v);

	if (ok != v.allowed)
		abort();
	if (v.reason == ROBOTS_BY_RULE && (!v.rule || !v.line))
		abort();
	if (v.reason != ROBOTS_BY_RULE && (v.rule || v.line))
		abort();
	buf_init(&out, 0);
	robots_verdict_describe(&v, &out);
	if (!out.len)
		abort();
	buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct robots *r = robots_parse(body, size);
	const char *nl = size ? memchr(body, '\n', size) : NULL;
	const char *last = body;
	char *tail, *agent;
	struct buf target = BUF_INIT;
	size_t n;
	double d;

	/* last line of the input as a path (and as a URL) */
	for (const char *p = body; p && p < body + size;) {
		const char *q = memchr(p, '\n', (size_t)(body + size - p));
		if (!q)
			break;
		last = q + 1;
		p = q + 1;
	}
	tail = xstrndup(last, MIN((size_t)(body + size - last), 4096));
	/* first line of the input as an agent */
	agent = xstrndup(body, nl ? (size_t)(nl - body) : MIN(size, 64));

	for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
		check(r, "patroli", paths[i]);
		check(r, agent, paths[i]);
	}
	check(r, "patroli", tail);
	check(r, agent, tail);
	check(r, NULL, tail);
	buf_init(&target, 0);
	if (robots_url_target(tail, &target) == 0)
		check(r, "patroli", target.p);
	buf_release(&target);

	d = robots_crawl_delay(r, "patroli");
	if (!(d >= 0 && d <= ROBOTS_MAX_DELAY))
		abort();
	d = robots_crawl_delay(r, agent);
	if (!(d >= 0 && d <= ROBOTS_MAX_DELAY))
		abort();
	n = robots_sitemap_count(r);
	for (size_t i = 0; i < n; i++)
		if (!robots_sitemap(r, i))
			abort();
	if (robots_sitemap(r, n))
		abort();

	free(tail);
	free(agent);
	robots_free(r);
	return 0;
}
