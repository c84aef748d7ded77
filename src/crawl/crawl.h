/*
 * crawl.h - the polite, trap-resistant, resumable crawler (SOP step 2).
 *
 * A crawl is a run in the store: its settings (as JSON), its frontier and
 * the captures it made.  crawl_run() leases URLs from the frontier in small
 * batches, fetches them with libcurl's multi interface under a global and a
 * per-host limit, writes every HTTP exchange to WARC, and commits each
 * batch of results together with the links it found.  Because the
 * frontier lives in the store, a crawl killed at any moment is resumed by
 * calling crawl_run() again on the same run: leased URLs of the dead
 * process go back to the queue and everything committed stays.
 *
 * Memory is bounded by the in-flight window, not by the frontier: a
 * million discovered URLs cost rows in the store, not bytes in RAM.
 */
#ifndef PATROLI_CRAWL_H
#define PATROLI_CRAWL_H

#include "base/base.h"
#include "crawl/url.h"

struct store;

struct crawl_opts {
	char **seeds;
	size_t nseeds;
	enum url_scope scope;
	int64_t max_pages; /* pages to fetch in this run; 0 = no limit */
	int max_depth;	   /* link hops from a seed */
	int concurrency;   /* transfers at once, all hosts */
	int per_host;	   /* transfers at once to one host; 0 = concurrency */
	int64_t delay_ms;  /* between requests to one host */
	int64_t host_budget; /* URLs queued per host */
	int64_t max_body;    /* bytes, raw and decoded */
	int64_t timeout_ms, connect_timeout_ms;
	int64_t low_speed_bytes, low_speed_secs; /* abort slow drips */
	int max_redirects;
	int max_attempts; /* tries for 429/5xx/transient errors */
	int64_t max_retry_after_ms;
	int64_t max_links;	    /* links taken from one page */
	int64_t max_query_variants; /* URLs with a query per path */
	int64_t max_url_len;
	char **drop_params; /* NULL-terminated, or NULL for the default */
	const char *agent;  /* robots.txt product token */
	const char *user_agent;
	const char *data_dir;
	const char *owner; /* worker name, for leases and WARC names */
	int64_t lease_ms;  /* how long a leased URL stays ours */
	bool progress;	   /* a live progress line on stderr */
};

/* Defaults for every field (seeds none, data_dir "patroli-data"). */
void crawl_opts_default(struct crawl_opts *o);
/* The options as JSON (stored with the run so --resume replays them), and
 * back.  crawl_opts_from_json allocates strings into *o that
 * crawl_opts_release() frees. */
char *crawl_opts_to_json(const struct crawl_opts *o);
int crawl_opts_from_json(const char *json, struct crawl_opts *o);
void crawl_opts_release(struct crawl_opts *o);

struct crawl_stats {
	int64_t run_id;
	int64_t fetched; /* pages recorded (any outcome) */
	int64_t errors;	 /* pages recorded with an error */
	int64_t skipped; /* URLs not fetched: robots, scope, traps */
	int64_t retries;
	int64_t discovered; /* new URLs added to the frontier */
	int64_t bytes;	    /* raw bytes received */
	double seconds;
	bool limit_reached; /* stopped by max_pages */
};

/* Create a run for these options and put the seeds in its frontier. */
int crawl_create(struct store *st, const struct crawl_opts *o, int64_t *run_id);
/* Crawl run `run_id` until its frontier is exhausted or max_pages is
 * reached, then mark it finished.  Safe to call again after a crash. */
int crawl_run(struct store *st, int64_t run_id, const struct crawl_opts *o,
	      struct crawl_stats *out);

#endif
