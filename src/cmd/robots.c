/*
 * robots.c - `patroli robots test FILE URL`: explain what a robots.txt
 * file says about one URL, the same way the crawler will decide it.
 *
 * Works on a local file and never opens the store, so it can be used to
 * check a site's robots.txt (or a conformance case) before any crawl.
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawl/robots.h"

#define DEFAULT_AGENT "patroli"

/* Read at most ROBOTS_MAX_BYTES + 1 bytes: enough for robots_parse() to
 * see that the file goes past the limit, without reading a huge file. */
static int read_head(const char *path, char **out, size_t *len)
{
	size_t cap = ROBOTS_MAX_BYTES + 1, n = 0, got;
	char *p;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "patroli robots test: cannot read %s: %s\n",
			path, strerror(errno));
		return ERR_FAIL;
	}
	p = xmalloc(cap);
	while (n < cap && (got = fread(p + n, 1, cap - n, f)) > 0)
		n += got;
	if (ferror(f)) {
		fprintf(stderr, "patroli robots test: %s: read error\n", path);
		fclose(f);
		free(p);
		return ERR_FAIL;
	}
	fclose(f);
	*out = p;
	*len = n;
	return 0;
}

static int robots_test_run(struct cmd_ctx *c)
{
	const char *file = c->argv[0], *url = c->argv[1];
	const char *agent = cmd_str(c, "agent", DEFAULT_AGENT);
	struct buf target = BUF_INIT, line = BUF_INIT;
	struct robots_verdict v;
	struct robots *r;
	char *body;
	size_t len;

	if (read_head(file, &body, &len))
		return 1;
	r = robots_parse(body, len);
	free(body);
	buf_init(&target, 0);
	buf_init(&line, 0);
	robots_url_target(url, &target);
	robots_allowed(r, agent, target.p, &v);
	robots_verdict_describe(&v, &line);
	puts(line.p);
	buf_release(&line);
	buf_release(&target);
	robots_free(r);
	return 0;
}

static const struct cmd_opt robots_test_opts[] = {
	{"agent", OPT_STR, "NAME",
	 "product token to match User-agent lines (default " DEFAULT_AGENT ")"},
	{0},
};

static const struct cmd robots_test = {
	.name = "test",
	.summary = "say whether a robots.txt file allows a URL, and why",
	.usage = "ROBOTS_FILE URL",
	.help = "Prints 'allowed' or 'disallowed' and the deciding rule with "
		"its line, e.g. 'disallowed by line 3: Disallow: /private/'.  "
		"Exit status 0 either way; 1 if the file cannot be read.  "
		"Rules follow RFC 9309: longest match wins, Allow wins a tie, "
		"and /robots.txt itself is always allowed.",
	.opts = robots_test_opts,
	.min_args = 2,
	.max_args = 2,
	.run = robots_test_run,
};

static const struct cmd *const robots_subs[] = {&robots_test, NULL};

const struct cmd cmd_robots = {
	.name = "robots",
	.summary = "inspect robots.txt rules (RFC 9309)",
	.subs = robots_subs,
};
