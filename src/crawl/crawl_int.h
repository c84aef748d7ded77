/*
 * crawl_int.h - private to src/crawl/: the pieces crawl.c assembles.
 */
#ifndef PATROLI_CRAWL_INT_H
#define PATROLI_CRAWL_INT_H

#include <curl/curl.h>

#include "crawl/crawl.h"

/* ---- fetch.c: one HTTP exchange, recorded byte for byte ----------------- */
struct fetch {
	CURL *easy;
	struct buf req;	 /* request head as sent */
	struct buf resp; /* response head and body as received */
	size_t head_len; /* bytes of resp that are head */
	int64_t max_body;
	bool over_cap; /* the body cap stopped the transfer */
	struct curl_slist *hdrs;
	char errbuf[CURL_ERROR_SIZE];
};
struct fetch_result {
	CURLcode code;
	long status; /* final HTTP status of this hop, 0 = none */
	char ip[64];
	const char *redirect; /* Location resolved, or NULL (owned by curl) */
	const char *content_type;
	double seconds;
};

/* Set up and add a transfer; `priv` is returned by the multi handle. */
int fetch_start(CURLM *m, struct fetch *f, const char *url,
		const struct crawl_opts *o, void *priv);
/* Read the outcome of a finished transfer. */
void fetch_result(struct fetch *f, CURLcode code, struct fetch_result *r);
/* Remove from the multi handle and free everything but the struct. */
void fetch_release(CURLM *m, struct fetch *f);

/* ---- sitemap.c ------------------------------------------------------- */
/* Is this response a sitemap (XML urlset/sitemapindex, maybe gzipped)? If
 * so, call fn for each <loc> (at most max) and return the count; else
 * return -1. */
long sitemap_parse(struct slice body, const char *url, size_t max,
		   void (*fn)(void *arg, const char *loc), void *arg);

/* ---- progress.c ------------------------------------------------------ */
struct progress;
struct progress *progress_new(bool tty);
/* Redraw at most every 200 ms (tty) or 10 s (log lines). */
void progress_update(struct progress *p, const struct crawl_stats *s,
		     int64_t queued, int active, bool force);
void progress_free(struct progress *p);

#endif
