/*
 * crawl.c - `patroli crawl`: SOP step 2, penelusuran.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crawl/crawl.h"
#include "store/store.h"

static const struct cmd_opt crawl_opts[] = {
	{"seed", OPT_MULTI, "URL", "where to start"},
	{"scope", OPT_STR, "S",
	 "host (default), domain (registrable domain) or prefix"},
	{"max-pages", OPT_INT, "N", "stop after N pages (0 = no limit)"},
	{"max-depth", OPT_INT, "N", "link hops from a seed (default 20)"},
	{"concurrency", OPT_INT, "N", "transfers at once (default 16)"},
	{"per-host", OPT_INT, "N",
	 "transfers at once per host (default: --concurrency)"},
	{"delay-ms", OPT_INT, "MS",
	 "pause between requests to one host (default 1000; robots.txt "
	 "Crawl-delay wins when larger)"},
	{"timeout-ms", OPT_INT, "MS", "whole-transfer timeout (default 60000)"},
	{"connect-timeout-ms", OPT_INT, "MS",
	 "connect timeout (default 10000)"},
	{"low-speed-time", OPT_INT, "S",
	 "abort a transfer slower than 512 B/s for S seconds (default 15)"},
	{"max-body", OPT_INT, "BYTES",
	 "body limit, raw and decoded (default 5242880)"},
	{"max-links", OPT_INT, "N",
	 "links taken from one page (default 10000)"},
	{"host-budget", OPT_INT, "N", "URLs queued per host (default 100000)"},
	{"max-query-variants", OPT_INT, "N",
	 "URLs with a query string per path (default 1000)"},
	{"retries", OPT_INT, "N",
	 "attempts for 429, 5xx, timeouts and dropped connections "
	 "(default 3)"},
	{"drop-param", OPT_MULTI, "NAME",
	 "query parameter to drop, glob allowed (replaces the default "
	 "utm_*, fbclid, gclid, ref, sid)"},
	{"worker", OPT_STR, "NAME",
	 "name of this crawler in leases and WARC "
	 "file names (default main)"},
	{"resume", OPT_FLAG, NULL, "finish the newest unfinished crawl"},
	{"no-analyze", OPT_FLAG, NULL, "do not analyse pages afterwards"},
	{"no-progress", OPT_FLAG, NULL, "no live progress line"},
	{0},
};

static int read_opts(struct cmd_ctx *c, struct crawl_opts *o)
{
	const char *scope = cmd_str(c, "scope", "host");
	size_t ndrop = 0;
	char **drop = cmd_multi(c, "drop-param", &ndrop);

	if (url_scope_parse(scope, &o->scope))
		return cmd_usage_error(c,
				       "--scope must be host, domain or "
				       "prefix, not '%s'",
				       scope);
	o->seeds = cmd_multi(c, "seed", &o->nseeds);
	o->max_pages = cmd_int(c, "max-pages", o->max_pages);
	o->max_depth = (int)MIN(cmd_int(c, "max-depth", o->max_depth), 1000);
	o->concurrency =
		(int)MIN(cmd_int(c, "concurrency", o->concurrency), 1024);
	o->per_host = (int)MIN(cmd_int(c, "per-host", o->per_host), 64);
	o->delay_ms = cmd_int(c, "delay-ms", o->delay_ms);
	o->timeout_ms = cmd_int(c, "timeout-ms", o->timeout_ms);
	o->connect_timeout_ms =
		cmd_int(c, "connect-timeout-ms", o->connect_timeout_ms);
	o->low_speed_secs = cmd_int(c, "low-speed-time", o->low_speed_secs);
	o->max_body = cmd_int(c, "max-body", o->max_body);
	o->max_links = cmd_int(c, "max-links", o->max_links);
	o->host_budget = cmd_int(c, "host-budget", o->host_budget);
	o->max_query_variants =
		cmd_int(c, "max-query-variants", o->max_query_variants);
	o->max_attempts = (int)MIN(cmd_int(c, "retries", o->max_attempts), 20);
	if (o->concurrency < 1 || o->max_attempts < 1 || o->max_body < 1024 ||
	    o->timeout_ms < 100)
		return cmd_usage_error(c, "--concurrency and --retries must "
					  "be at least 1, "
					  "--max-body 1024, --timeout-ms 100");
	if (ndrop) {
		o->drop_params = xcalloc(ndrop + 1, sizeof(char *));
		for (size_t i = 0; i < ndrop; i++)
			o->drop_params[i] = xstrdup(drop[i]);
	}
	return 0;
}

static void summary(const struct crawl_stats *s, const char *data_dir)
{
	double rate = s->seconds > 0 ? (double)s->fetched / s->seconds : 0;

	printf("crawl run %lld %s in %.1f s\n", (long long)s->run_id,
	       s->limit_reached ? "stopped at --max-pages" : "finished",
	       s->seconds);
	printf("  pages:      %lld recorded, %lld with errors\n",
	       (long long)s->fetched, (long long)s->errors);
	printf("  skipped:    %lld (robots.txt)\n", (long long)s->skipped);
	printf("  discovered: %lld new URLs, %lld retries\n",
	       (long long)s->discovered, (long long)s->retries);
	printf("  throughput: %.1f pages/s, %.1f MiB received\n", rate,
	       (double)s->bytes / (1 << 20));
	printf("  evidence:   %s/warc\n", data_dir);
}

static int crawl_cmd(struct cmd_ctx *c)
{
	struct store *st;
	struct crawl_opts o, saved = {0};
	struct crawl_stats stats = {0};
	int64_t run = 0;
	int rc;

	crawl_opts_default(&o);
	if ((rc = read_opts(c, &o)))
		goto out;
	if (!cmd_flag(c, "resume") && !o.nseeds) {
		rc = cmd_usage_error(c, "give at least one --seed URL, or "
					"--resume");
		goto out;
	}
	st = cmd_store(c);
	if (cmd_flag(c, "resume")) {
		struct store_run r;
		if (store_run_unfinished(st, &r)) {
			printf("no unfinished crawl to resume\n");
			goto out;
		}
		run = r.id;
		crawl_opts_default(&saved);
		if (crawl_opts_from_json(r.config, &saved)) {
			rc = 1;
			goto out;
		}
		saved.progress = o.progress;
		log_msg(LOG_INFO, "resuming crawl run %lld", (long long)run);
	} else if (crawl_create(st, &o, &run)) {
		rc = 1;
		goto out;
	}
	{
		struct crawl_opts *use = run && saved.seeds ? &saved : &o;
		use->data_dir = c->data_dir;
		use->owner = cmd_str(c, "worker", "main");
		use->progress = !cmd_flag(c, "no-progress") && isatty(2);
		if (mkdir_p(c->data_dir)) {
			rc = 1;
			goto out;
		}
		rc = crawl_run(st, run, use, &stats);
	}
	summary(&stats, c->data_dir);
	if (rc == ERR_AGAIN)
		fprintf(stderr, "patroli crawl: interrupted; 'patroli crawl "
				"--resume' continues\n");
	rc = rc ? 1 : 0;
	if (!rc && !cmd_flag(c, "no-analyze"))
		rc = cmd_analyze_run(c, false);
out:
	for (size_t i = 0; o.drop_params && o.drop_params[i]; i++)
		free(o.drop_params[i]);
	free(o.drop_params);
	if (saved.seeds)
		crawl_opts_release(&saved);
	return rc;
}

const struct cmd cmd_crawl = {
	.name = "crawl",
	.summary = "patrol the web from seed URLs, keeping WARC evidence",
	.usage = "--seed URL [--seed URL]... [options]",
	.help = "Obeys robots.txt for the token 'patroli', waits between "
		"requests to a host,\nrecords every exchange as WARC and "
		"commits as it goes: after a crash or\nCtrl-C, 'patroli crawl "
		"--resume' finishes the same crawl.",
	.opts = crawl_opts,
	.max_args = 0,
	.run = crawl_cmd,
};
