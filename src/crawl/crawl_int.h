/*
 * crawl_int.h - private to src/crawl/: the pieces crawl.c assembles.
 */
#ifndef PATROLI_CRAWL_INT_H
#define PATROLI_CRAWL_INT_H

#include <curl/curl.h>

#include "crawl/crawl.h"
#include "warc/warc.h"

/* ---- fetch.c: one HTTP exchange, recorded byte for byte ----------------- */
struct fetch {
	CURL *easy;
	struct buf req;	 /* request head as sent */
	struct buf resp; /* response head and body as received */
	size_t head_len; /* bytes of resp that are head */
	int64_t max_body;
	bool over_cap; /* the body cap stopped the transfer */
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

/* The transfers of one crawl on multi handle `m`: the request headers they
 * all send, and finished easy handles kept for the next transfers (a new
 * handle per transfer was an allocation and initialisation of libcurl's
 * whole per-transfer state every time).  Holds `o` and `m`, does not own
 * them; free it after every fetch was released, before `m`. */
struct fetcher;
struct fetcher *fetcher_new(CURLM *m, const struct crawl_opts *o);
void fetcher_free(struct fetcher *fx);
/* Set up and add a transfer; `priv` is returned by the multi handle. */
int fetch_start(struct fetcher *fx, struct fetch *f, const char *url,
		void *priv);
/* Read the outcome of a finished transfer. */
void fetch_result(struct fetch *f, CURLcode code, struct fetch_result *r);
/* Remove from the multi handle, keep the easy handle for reuse and free
 * everything else but the struct. */
void fetch_release(struct fetcher *fx, struct fetch *f);

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

/* ---- digest.c: the evidence thread -------------------------------------- */
/* One finished exchange on its way through the evidence thread: written to
 * WARC, and for a page whose links count, its body read.  The crawler fills
 * the inputs, pushes it, and reads the outputs once it pops it back. */
struct exchange {
	struct warc_fetch in;
	const char *content_type; /* of the response; NULL if none */
	int link_depth;		  /* depth of its links; < 0: evidence only */
	/* out */
	int rc; /* 0, or the record could not be written (no evidence) */
	struct warc_written out;
	struct buf links; /* nlinks canonical URLs, each ending in NUL (one
			     allocation per page, not per link) */
	size_t nlinks;
	char *canonical; /* declared, within the page's domain, or NULL */
	char err[256];	 /* the body could not be read */
	struct exchange *next;
};

struct digest_opts {
	struct warc_writer *warc; /* the digest's alone until digest_stop */
	const struct crawl_opts *crawl;
	const struct url_rules *rules;
	int threads;		 /* how many (1 to 8) */
	void (*wake)(void *arg); /* called when an exchange comes back */
	void *wake_arg;
};

struct digest;
int digest_start(const struct digest_opts *o, struct digest **out);
void digest_push(struct digest *d, struct exchange *x);
/* The next exchange back, in the order they finish; NULL if none is ready
 * (wait: block until one is; only when one was pushed and not yet popped). */
struct exchange *digest_pop(struct digest *d, bool wait);
/* Digest the next queued exchange on the caller's thread, as an evidence
 * thread would (it then comes back through digest_pop()); false if none
 * was queued.  The scheduler calls it instead of sleeping. */
bool digest_help(struct digest *d);
/* Stop the thread (every pushed exchange must have been popped) and sync
 * the WARC file.  Returns the first sync error. */
int digest_stop(struct digest *d);
/* Free the outputs. */
void exchange_release(struct exchange *x);

#endif
