/*
 * worker.c - `patroli worker`: one of many crawlers sharing a PostgreSQL
 * store.  It works on the newest unfinished crawl run, leasing hosts and
 * URLs so that workers never fetch the same URL or crowd the same host,
 * and waits for the next run when there is none.
 */
#include "cmd/cmd.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crawl/crawl.h"
#include "store/store.h"

static const struct cmd_opt worker_opts[] = {
	{"worker", OPT_STR, "NAME",
	 "this worker's name: leases and WARC file names (default: the "
	 "host name); give each worker on a machine its own"},
	{"once", OPT_FLAG, NULL,
	 "exit when no crawl is unfinished instead of waiting for one"},
	{"poll-ms", OPT_INT, "MS", "how often to look for work (default 2000)"},
	{"lease-ms", OPT_INT, "MS",
	 "how long leases last if this worker dies (default 60000)"},
	{"no-progress", OPT_FLAG, NULL, "no live progress line"},
	{0},
};

/* Names go into file names and SQL values: keep them boring. */
static void sanitise(char *s)
{
	for (; *s; s++)
		if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') ||
		      ('0' <= *s && *s <= '9') || *s == '-' || *s == '_' ||
		      *s == '.'))
			*s = '_';
}

static volatile sig_atomic_t worker_stop;

static void on_stop(int sig)
{
	(void)sig;
	worker_stop = 1;
}

static int work_one(struct cmd_ctx *c, struct store *st, const char *name)
{
	struct store_run r;
	struct crawl_opts o;
	struct crawl_stats stats = {0};
	int64_t run;
	int rc;

	if (store_run_unfinished(st, &r))
		return ERR_NOTFOUND;
	run = r.id;
	crawl_opts_default(&o);
	if (crawl_opts_from_json(r.config, &o))
		return ERR_FAIL;
	o.data_dir = c->data_dir;
	o.owner = name;
	o.lease_ms = cmd_int(c, "lease-ms", o.lease_ms);
	o.progress = !cmd_flag(c, "no-progress") && isatty(2);
	log_msg(LOG_INFO, "worker %s: crawl run %lld", name, (long long)run);
	rc = crawl_run(st, run, &o, &stats);
	printf("worker %s: run %lld: %lld pages (%lld errors) in %.1f s\n",
	       name, (long long)run, (long long)stats.fetched,
	       (long long)stats.errors, stats.seconds);
	fflush(stdout);
	crawl_opts_release(&o);
	return rc;
}

static int worker_cmd(struct cmd_ctx *c)
{
	char host[256] = "worker";
	char *name;
	struct store *st = cmd_store(c);
	int64_t poll = cmd_int(c, "poll-ms", 2000);
	int rc = 0;

	gethostname(host, sizeof(host) - 1);
	name = xstrdup(cmd_str(c, "worker", host));
	sanitise(name);
	if (mkdir_p(c->data_dir)) {
		free(name);
		return 1;
	}
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	while (!worker_stop) {
		rc = work_one(c, st, name);
		if (rc == ERR_NOTFOUND) {
			rc = 0;
			if (cmd_flag(c, "once"))
				break;
			usleep((useconds_t)MIN(poll, 60000) * 1000);
		} else if (rc == ERR_AGAIN) {
			rc = 0; /* stopped by a signal: leases released */
			break;
		} else if (rc) {
			sleep(1); /* database trouble: don't spin */
		} else if (cmd_flag(c, "once")) {
			/* the run is finished or others hold the rest */
			struct store_run r;
			if (store_run_unfinished(st, &r))
				break;
		}
	}
	free(name);
	return rc ? 1 : 0;
}

const struct cmd cmd_worker = {
	.name = "worker",
	.summary = "crawl worker sharing runs through a PostgreSQL store",
	.help = "Start any number of workers, on any number of machines, "
		"against one\n--db postgres://... store; 'patroli crawl' (or "
		"another worker) creates\nthe runs.  Each worker writes its "
		"own WARC files in --data.",
	.opts = worker_opts,
	.max_args = 0,
	.run = worker_cmd,
};
