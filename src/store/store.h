/*
 * store.h - the one place patroli keeps state.  All SQL lives behind this
 * header: callers see domain operations, never a database handle, a
 * statement or a dialect.  Two backends implement it: SQLite (a file path,
 * the default) and PostgreSQL (a postgres:// or postgresql:// URI).
 *
 * Ownership: strings inside structs filled by store_* calls are owned by
 * the store and stay valid only until the next store_* call on the same
 * store, unless a comment says otherwise.  Callback variants hand out
 * pointers valid for the duration of the callback only.
 *
 * Errors: 0 on success, negative ERR_* (already logged) on failure.
 */
#ifndef PATROLI_STORE_H
#define PATROLI_STORE_H

#include "base/base.h"

struct store;

/* Open a store.  `uri` is a file path (SQLite) or postgres://...  The schema
 * is migrated to the newest version on open. */
int store_open(const char *uri, struct store **out);
void store_close(struct store *st);
/* "sqlite" or "postgres". */
const char *store_backend(const struct store *st);
/* Current schema version, and apply pending migrations (idempotent). */
int store_schema_version(struct store *st, int *version);
int store_migrate(struct store *st);

/* Group many writes into one transaction (batching makes the crawl fast;
 * a crash loses at most the open batch, never a committed one). */
int store_begin(struct store *st);
int store_commit(struct store *st);
int store_rollback(struct store *st);

/* ---- crawl runs ----------------------------------------------------------- */
struct store_run {
	int64_t id;
	const char *config; /* JSON text, the crawl's settings */
	const char *status; /* running, finished, interrupted */
	int64_t started_at, finished_at; /* ms since epoch; 0 = none */
};
int store_run_create(struct store *st, const char *config_json, int64_t *id);
/* Newest run whose status is "running"; ERR_NOTFOUND if none. */
int store_run_unfinished(struct store *st, struct store_run *out);
int store_run_get(struct store *st, int64_t id, struct store_run *out);
int store_run_finish(struct store *st, int64_t id, const char *status);

/* ---- frontier ------------------------------------------------------------- */
enum frontier_state {
	FRONTIER_QUEUED = 0,
	FRONTIER_LEASED = 1,
	FRONTIER_DONE = 2,
	FRONTIER_FAILED = 3,  /* permanent error, reason recorded */
	FRONTIER_SKIPPED = 4, /* robots, scope or trap; reason recorded */
};
struct store_url {
	int64_t id;
	const char *url; /* canonical form */
	const char *host; /* scheme://host:port, the politeness key */
	int depth;
	int attempts;
	int64_t not_before; /* ms since epoch, for retries */
};
/* Add a URL unless the run already has it.  *added (may be NULL) is set to
 * true when it was new. */
int store_frontier_add(struct store *st, int64_t run, const char *url,
		       const char *host, int depth, bool *added);
/* Add many URLs at once (a page's links): one statement per 32 rows, which
 * matters on a networked database.  Sets each entry's `added`. */
struct store_new_url {
	const char *url, *host;
	int depth;
	bool added;
};
int store_frontier_add_many(struct store *st, int64_t run,
			    struct store_new_url *u, size_t n);
/* Take a URL for fetching now, outside the queue (a redirect target):
 * inserted or moved from queued to leased by `owner`.  ERR_NOTFOUND when
 * the run already has it leased, fetched or skipped: then it must not be
 * fetched again. */
int store_frontier_take(struct store *st, int64_t run, const char *url,
			const char *host, int depth, const char *owner,
			int64_t lease_until, int64_t *id);
/* Record a URL the crawl decided not to fetch (robots.txt, trap), with the
 * reason, so an operator can later ask why it is missing.  Leaves an
 * existing entry alone. */
int store_frontier_skip(struct store *st, int64_t run, const char *url,
			const char *host, int depth, const char *reason);
/* Lease up to `max` queued URLs (not_before <= now) of `host`, which
 * `owner` must hold (see store_hosts_claim), until `lease_until`; each is
 * handed to `fn`.  Asking per host keeps one busy host from filling the
 * whole window while polite waits leave the others idle. */
int store_frontier_lease(struct store *st, int64_t run, const char *owner,
			 const char *host, int max, int64_t now,
			 int64_t lease_until,
			 void (*fn)(void *arg, const struct store_url *u),
			 void *arg);
/*
 * Host leases: politeness across workers.  A worker fetches from a host only
 * while it holds the host's lease, so per-host limits hold however many
 * workers share the run.  A dead worker's leases simply expire.
 *
 * store_hosts_claim: drop expired host leases of the run, then claim up to
 * `max` hosts that have queued URLs due by `now` and no holder; the names
 * are handed to `fn` (may be NULL) and counted in *n (may be NULL).
 * store_leases_renew: extend every host and URL lease `owner` holds.
 * store_host_release: give one host back (NULL host: all of them).
 */
int store_hosts_claim(struct store *st, int64_t run, const char *owner,
		      int max, int64_t now, int64_t until,
		      void (*fn)(void *arg, const char *host), void *arg,
		      int64_t *n);
int store_leases_renew(struct store *st, int64_t run, const char *owner,
		       int64_t until);
int store_host_release(struct store *st, int64_t run, const char *owner,
		       const char *host);
/* Return expired leases (and, with owner != NULL, all of that owner's
 * leases) to the queue.  Returns the count via *n (may be NULL). */
int store_frontier_release(struct store *st, int64_t run, const char *owner,
			   int64_t now, int64_t *n);
/* Final state of a URL; `reason` may be NULL. */
int store_frontier_set(struct store *st, int64_t id, enum frontier_state s,
		       const char *reason);
/* Put a URL back in the queue for a retry no earlier than `not_before`. */
int store_frontier_retry(struct store *st, int64_t id, int64_t not_before,
			 const char *reason);
struct store_frontier_counts {
	int64_t queued, leased, done, failed, skipped;
};
int store_frontier_counts(struct store *st, int64_t run,
			  struct store_frontier_counts *out);

/* ---- robots.txt cache, per host ------------------------------------------ */
struct store_robots {
	int status; /* HTTP status, 0 = unreachable */
	const char *body;
	size_t body_len;
	int64_t fetched_at;
};
int store_robots_get(struct store *st, const char *host,
		     struct store_robots *out); /* ERR_NOTFOUND if none */
int store_robots_put(struct store *st, const char *host,
		     const struct store_robots *r);

/* ---- pages and evidence --------------------------------------------------- */
/* One fetch of one URL: its WARC location and what came back.  A page is
 * one canonical URL; it points at its newest capture that is not a
 * redirect (a redirect only when it has nothing else). */
struct store_capture {
	int64_t run_id;
	const char *url;	   /* as requested (canonicalised) */
	const char *canonical_url; /* rel=canonical or body-hash owner */
	const char *final_url;	   /* after redirects */
	int status;		   /* HTTP status of the final hop, 0 = none */
	const char *content_type;  /* may be NULL */
	const char *ip;		   /* may be NULL */
	const char *sha256;	   /* payload SHA-256 hex, may be NULL */
	int64_t fetched_at;	   /* ms since epoch */
	const char *warc_file;	   /* relative to the data directory */
	int64_t warc_offset, warc_length;
	const char *error; /* NULL, or why the fetch failed */
	int depth;
};
int store_capture_add(struct store *st, const struct store_capture *c);
/* Canonical URL of an earlier page of this run with the same payload hash;
 * ERR_NOTFOUND if none.  *out is owned by the store. */
int store_page_by_sha(struct store *st, int64_t run, const char *sha256,
		      const char **out);
/* Payload hashes of every successful capture of the run (to rebuild the
 * crawler's in-memory duplicate filter on resume). */
int store_capture_shas(struct store *st, int64_t run,
		       void (*fn)(void *arg, const char *sha256), void *arg);
/* Look a page up by any of its URLs (requested, canonical or final). */
int store_page_find(struct store *st, const char *url,
		    struct store_capture *out);
/* Every page, newest capture each, in URL order. */
int store_page_each(struct store *st,
		    int (*fn)(void *arg, const struct store_capture *c),
		    void *arg);
/* Every capture ever recorded (for evidence verify). */
int store_capture_each(struct store *st,
		       int (*fn)(void *arg, const struct store_capture *c),
		       void *arg);

/* ---- product registry (src/store/registry.c) ------------------------------
 * BPOM's list of registered products, keyed by the normalised NIE
 * (detect/nie.h).  Strings are owned by the caller on input; on output
 * they are owned by the store (valid until the next store_* call). */
struct store_registry_row {
	const char *nie;	  /* normalised, e.g. "TR123456789" */
	const char *nie_display;  /* as the source wrote it */
	const char *product_name;
	const char *brand;	  /* may be NULL */
	const char *commodity;	  /* detect/codes.h spelling */
	const char *holder;	  /* may be NULL */
	const char *status;	  /* active, revoked, expired */
	const char *valid_until;  /* YYYY-MM-DD, or NULL when open-ended */
};
/* Insert or update (by nie) `n` rows; batched into multi-row statements.
 * Call inside store_begin/store_commit for speed; atomic on its own. */
int store_registry_put(struct store *st, const struct store_registry_row *rows,
		       size_t n);
/* ERR_NOTFOUND when the number is not registered. */
int store_registry_get(struct store *st, const char *nie,
		       struct store_registry_row *out);
int store_registry_count(struct store *st, int64_t *n);

/* ---- findings (src/store/findings.c) -------------------------------------
 * One analysed page per canonical URL: the verdict columns people filter
 * on, and the whole finding as JSON (`data`, what exports print). */
struct store_finding {
	const char *canonical_url;
	int64_t capture_id; /* the capture analysed */
	int64_t analyzed_at;
	bool is_listing;
	const char *platform, *commodity; /* may be NULL */
	int risk;
	const char *violations; /* codes separated by spaces, "" when none */
	const char *data;	/* JSON object */
};
/* Pages whose newest capture has not been analysed (all pages with
 * `all`): their captures are handed to fn in WARC order (file, offset) so
 * the reader moves forward.  fn returning non-zero stops. */
int store_analyze_pending(struct store *st, bool all,
			  int (*fn)(void *arg, int64_t capture_id,
				    const struct store_capture *c),
			  void *arg);
/* Insert or replace the finding of a canonical URL. */
int store_finding_put(struct store *st, const struct store_finding *f);
/* Every finding, highest risk first (ties by URL). */
int store_finding_each(struct store *st,
		       int (*fn)(void *arg, const struct store_finding *f),
		       void *arg);

/* ---- whole-store tools: db migrate, db status, db copy (copy.c) -----------
 * These work on every table generically, from the catalog, so tables added
 * by later migrations need nothing here. */

/* Newest schema version this build knows, and (count may be NULL) how many
 * migrations it has (migrate.c). */
int store_schema_latest(int *count);
/* Open a store as it is, without migrating it or (SQLite) creating it:
 * ERR_NOTFOUND, not logged, when the file does not exist. */
int store_open_unmigrated(const char *uri, struct store **out);
/* Schema version of a store that may never have been migrated, and how
 * many migrations it has applied (they may be merged out of order, so the
 * version alone does not say): both 0 without a schema_migrations table. */
int store_schema_peek(struct store *st, int *version, int *applied);
/* Every table except schema_migrations, in name order, with its row count;
 * `fn` returning non-zero stops the walk and is returned. */
int store_table_each(struct store *st,
		     int (*fn)(void *arg, const char *table, int64_t rows),
		     void *arg);

/* One table of a copy.  Text values that the target cannot hold as they are
 * (invalid UTF-8 on PostgreSQL, replaced with U+FFFD; a NUL byte in text,
 * which ends it) are copied altered and counted per column. */
struct store_copy_col {
	char *name;
	int64_t bad_utf8; /* values with invalid UTF-8, altered */
	int64_t nul;	  /* text values cut at a NUL byte */
};
struct store_copy_table {
	char *name;
	int64_t src_rows; /* counted in the source's snapshot */
	int64_t copied;	  /* rows read and inserted */
	int64_t dst_rows; /* counted in the target before commit */
	int64_t ms;	  /* time spent copying it */
	struct store_copy_col *cols;
	size_t ncols;
};
struct store_copy_result {
	int src_version, dst_version;
	const char *src_backend, *dst_backend; /* static strings */
	struct store_copy_table *tables;       /* in copy order */
	size_t ntables;
	int64_t rows, altered; /* totals */
	bool committed;
};
struct store_copy_opts {
	/* Called after each table is copied (not yet committed). */
	void (*on_table)(void *arg, const struct store_copy_table *t);
	void *arg;
};
/* Copy every row of every table of store `from` into store `to`, ids
 * included, in one transaction on the target: on any failure the target
 * is left as it was.  `from` is opened without migrating (a SQLite file
 * must exist); `to` is migrated on open and must then have applied exactly
 * the source's migrations, and hold no rows at all (ids are preserved, so
 * rows of two stores cannot be merged).  Tables go in foreign-key order;
 * afterwards row counts are compared table by table before committing, and
 * identity sequences (PostgreSQL) continue after the largest copied id.
 * `res` is filled as far as the copy got, also on failure; release it with
 * store_copy_result_release(). */
int store_copy(const char *from, const char *to,
	       const struct store_copy_opts *opts,
	       struct store_copy_result *res);
void store_copy_result_release(struct store_copy_result *res);

#endif
