/*
 * analyze.c - `patroli analyze`: turn stored pages into findings.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "store/store.h"

static const struct cmd_opt analyze_opts[] = {
	{"all", OPT_FLAG, NULL,
	 "analyse every page again (after a rules change), not only new ones"},
	{"share", OPT_STR, "DIR",
	 "where rules/ and platforms/ are (default: $PATROLI_SHARE, ./data, "
	 "...)"},
	{0},
};

int cmd_analyze_run(struct cmd_ctx *c, bool all)
{
	struct analyzer *a;
	struct analyze_stats s;
	int rc;

	if (analyzer_new(cmd_str(c, "share", NULL), &a))
		return 1;
	rc = analyze_store(a, cmd_store(c), c->data_dir, all, isatty(2), &s);
	analyzer_free(a);
	printf("analysed %lld pages in %.2f s (%.0f pages/s): %lld listings, "
	       "%lld flagged, %lld unreadable\n",
	       (long long)s.pages, s.seconds,
	       s.seconds > 0 ? (double)s.pages / s.seconds : 0.0,
	       (long long)s.listings, (long long)s.flagged,
	       (long long)s.errors);
	return rc ? 1 : 0;
}

static int analyze_cmd(struct cmd_ctx *c)
{
	return cmd_analyze_run(c, cmd_flag(c, "all"));
}

const struct cmd cmd_analyze = {
	.name = "analyze",
	.summary = "find the illegal listings among the stored pages",
	.help = "Reads each page back from its WARC evidence, extracts the "
		"listing and\napplies the rules in data/rules.  'patroli "
		"crawl' "
		"runs it at the end\nunless --no-analyze.",
	.opts = analyze_opts,
	.max_args = 0,
	.run = analyze_cmd,
};
