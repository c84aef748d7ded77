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
/* Another connection to the same store, for another thread.  PostgreSQL
 * runs the two side by side; on SQLite they take turns writing (busy
 * timeout), so one connection used by one thread at a time is better. */
int store_open_another(const struct store *st, struct store **out);
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

/* ---- crawl runs ---------------------------------------------------------- */
struct store_run {
	int64_t id;
	const char *config;		 /* JSON text, the crawl's settings */
	const char *status;		 /* running, finished, interrupted */
	int64_t started_at, finished_at; /* ms since epoch; 0 = none */
};
int store_run_create(struct store *st, const char *config_json, int64_t *id);
/* Newest run whose status is "running"; ERR_NOTFOUND if none. */
int store_run_unfinished(struct store *st, struct store_run *out);
int store_run_get(struct store *st, int64_t id, struct store_run *out);
int store_run_finish(struct store *st, int64_t id, const char *status);

/* ---- frontier ------------------------------------------------------------ */
enum frontier_state {
	FRONTIER_QUEUED = 0,
	FRONTIER_LEASED = 1,
	FRONTIER_DONE = 2,
	FRONTIER_FAILED = 3,  /* permanent error, reason recorded */
	FRONTIER_SKIPPED = 4, /* robots, scope or trap; reason recorded */
};
struct store_url {
	int64_t id;
	const char *url;  /* canonical form */
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
int store_hosts_claim(struct store *st, int64_t run, const char *owner, int max,
		      int64_t now, int64_t until,
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

/* ---- pages and evidence -------------------------------------------------- */
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
	const char *nie;	 /* normalised, e.g. "TR123456789" */
	const char *nie_display; /* as the source wrote it */
	const char *product_name;
	const char *brand;	 /* may be NULL */
	const char *commodity;	 /* detect/codes.h spelling */
	const char *holder;	 /* may be NULL */
	const char *status;	 /* active, revoked, expired */
	const char *valid_until; /* YYYY-MM-DD, or NULL when open-ended */
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

/* ---- profiling (src/store/profile.c) --------------------------------------
 * Identifiers, the listings that show them, actors and why listings were
 * joined (migration 5; the rules are in src/profile/cluster.h).  Listing
 * and identifier ids are the store's; actor ids are chosen by the caller
 * (store_profile_actor_next) so that they stay stable.  Call everything
 * that writes between store_begin() and store_commit(), after
 * store_profile_lock(). */

/* Serialise profile builds: the second waits for the first to commit. */
int store_profile_lock(struct store *st);
/* A setting of the last build (malloc'd into *value; ERR_NOTFOUND). */
int store_profile_state_get(struct store *st, const char *key, char **value);
int store_profile_state_set(struct store *st, const char *key,
			    const char *value);

/* A listing finding to profile: new, analysed again since the last
 * build, or (gone) a profiled listing whose finding is no longer a
 * listing. */
struct store_profile_src {
	int64_t profile_id; /* 0 when not profiled yet */
	const char *url;
	int64_t capture_id, analyzed_at;
	const char *data;	       /* the finding's JSON; NULL when gone */
	int64_t first_seen, last_seen; /* its captures, ms since epoch */
	bool gone;
};
/* Listing findings the profile has not seen as analysed now, oldest
 * capture first, then profiled listings whose finding is no longer a
 * listing.  Only findings analysed after `since` (ms) are looked at; 0
 * looks at all of them and also finds findings that disappeared.  fn
 * returning non-zero stops.  *newest (may be NULL) receives the latest
 * analysis time seen. */
int store_profile_pending(struct store *st, int64_t since,
			  int (*fn)(void *arg,
				    const struct store_profile_src *s),
			  void *arg, int64_t *newest);

struct store_profile_listing {
	const char *url;
	int64_t capture_id, analyzed_at, first_seen, last_seen;
	const char *context; /* where it is sold, for the frequency rule */
	bool links;	     /* false for a page stuffed with numbers */
};
struct store_profile_edge {
	const char *kind, *value, *where; /* in */
	bool stop;	  /* in: stop-listed (new identifiers start so) */
	int64_t ident_id; /* out */
	int state;	  /* out: 0 links, 1 too common, 2 stop list */
	bool added;	  /* out: the listing did not have it */
};
/* Insert or update a listing and make its edges exactly e[0..n).
 * *changed (may be NULL) is set when it lost an edge or its context or
 * links changed: joins made through it may no longer hold. */
int store_profile_listing_put(struct store *st,
			      const struct store_profile_listing *l,
			      struct store_profile_edge *e, size_t n,
			      int64_t *id, bool *changed);
/* Forget a listing (its finding is gone): edges, membership, evidence. */
int store_profile_listing_drop(struct store *st, int64_t id);

/* ---- incremental joins ---- */
/* Count `context` for identifier `ident`: *added says whether it is new
 * for it, and then *count receives its distinct contexts (else -1). */
int store_profile_context_add(struct store *st, int64_t ident,
			      const char *context, int64_t *count, bool *added);
int store_profile_ident_set(struct store *st, int64_t ident, int state,
			    int64_t contexts);
/* Actors reached through `ident` from listing `listing`: fn(actor, the
 * first profiled other linking listing of that actor showing it). */
int store_profile_neighbours(struct store *st, int64_t ident, int64_t listing,
			     int (*fn)(void *arg, int64_t actor, int64_t other),
			     void *arg);
struct store_profile_actor {
	int64_t id, created_at, updated_at;
	const char *label; /* may be NULL */
	int64_t anchor;	   /* founding listing, 0 if none */
	int64_t anchor_first_seen;
	const char *anchor_url;
	bool retired;
	int64_t merged_into; /* retired into this actor, 0 if none */
	int64_t listings;    /* members now */
};
/* ERR_NOTFOUND when there is no such actor. */
int store_profile_actor_get(struct store *st, int64_t id,
			    struct store_profile_actor *out);
/* The id a new actor gets (largest ever + 1). */
int store_profile_actor_next(struct store *st, int64_t *id);
/* Insert or update an actor row. */
int store_profile_actor_put(struct store *st, int64_t id, int64_t anchor,
			    bool retired, int64_t merged_into,
			    const char *label);
/* Move the members of `from` to `to` and retire `from` into it; fn (may
 * be NULL) receives each moved listing's id. */
int store_profile_actor_absorb(struct store *st, int64_t to, int64_t from,
			       int (*fn)(void *arg, int64_t listing),
			       void *arg);
int store_profile_member_set(struct store *st, int64_t listing, int64_t actor);
int store_profile_member_drop(struct store *st, int64_t listing);
int store_profile_merge_add(struct store *st, int64_t actor, int64_t ident,
			    int64_t a, int64_t b);

/* Forget the evidence of one actor (it is about to be re-clustered). */
int store_profile_merges_drop(struct store *st, int64_t actor);
/* Actors (any state) whose anchor listing is a member of `actor`. */
int store_profile_actors_anchored(struct store *st, int64_t actor,
				  int (*fn)(void *arg, int64_t id,
					    int64_t anchor, bool retired),
				  void *arg);

/* ---- a whole rebuild ---- */
/* Listings oldest first (first seen, URL) with their actor (0: none). */
int store_profile_load_listings(struct store *st,
				int (*fn)(void *arg, int64_t id,
					  const char *context, bool links,
					  int64_t actor),
				void *arg);
int store_profile_load_idents(struct store *st,
			      int (*fn)(void *arg, int64_t id, const char *kind,
					const char *value, int state,
					int64_t contexts),
			      void *arg);
int store_profile_load_edges(struct store *st,
			     int (*fn)(void *arg, int64_t listing,
				       int64_t ident),
			     void *arg);
int store_profile_load_actors(struct store *st,
			      int (*fn)(void *arg, int64_t id, int64_t anchor,
					bool retired),
			      void *arg);
/* Forget all evidence and context counts (a rebuild writes them anew). */
int store_profile_rebuild_reset(struct store *st);
/* Rows written in multi-row statements: members (insert or update),
 * evidence and context counts.  store_profile_batch_end() writes what is
 * left, frees the batch and returns the first error met. */
struct store_profile_batch;
struct store_profile_batch *store_profile_batch_new(struct store *st);
int store_profile_batch_member(struct store_profile_batch *b, int64_t listing,
			       int64_t actor);
int store_profile_batch_merge(struct store_profile_batch *b, int64_t actor,
			      int64_t ident, int64_t a, int64_t lb);
int store_profile_batch_context(struct store_profile_batch *b, int64_t ident,
				const char *context);
int store_profile_batch_end(struct store_profile_batch *b);

/* ---- reading the profile ---- */
/* Active actors (with members), most listings first; the `limit` largest
 * only (0: all).  A small limit reads only those actors' details. */
struct store_profile_actor_sum {
	int64_t id;
	const char *label;
	int64_t listings, identifiers, first_seen, last_seen;
	const char *platforms; /* distinct, space-separated */
};
int store_profile_actor_list(struct store *st, int64_t limit,
			     int (*fn)(void *arg,
				       const struct store_profile_actor_sum *a),
			     void *arg);
/* Members of one actor (0: of every actor), by actor, then oldest
 * first; `data` is the listing's finding JSON. */
struct store_profile_member {
	int64_t actor, listing;
	const char *url;
	int64_t first_seen, last_seen;
	const char *platform, *violations; /* finding columns; may be NULL */
	const char *data;
};
int store_profile_members(struct store *st, int64_t actor,
			  int (*fn)(void *arg,
				    const struct store_profile_member *m),
			  void *arg);
/* Edges of one actor's listings (0: of every actor), by actor, listing. */
struct store_profile_edge_row {
	int64_t actor, listing, ident;
	const char *url, *kind, *value, *found_in;
	int state;
	const char *platform, *violations; /* may be NULL */
	int64_t first_seen, last_seen;
};
int store_profile_edges(struct store *st, int64_t actor,
			int (*fn)(void *arg,
				  const struct store_profile_edge_row *e),
			void *arg);
/* Merge evidence of one actor (0: every actor). */
struct store_profile_merge_row {
	int64_t actor;
	const char *kind, *value, *url_a, *url_b;
	int64_t created_at;
};
int store_profile_merges(struct store *st, int64_t actor,
			 int (*fn)(void *arg,
				   const struct store_profile_merge_row *m),
			 void *arg);
/* The finding JSON of a URL (malloc'd), and replacing it (the actor flows
 * back into the findings export). */
int store_profile_finding_get(struct store *st, const char *url, char **data);
int store_profile_finding_set(struct store *st, const char *url,
			      const char *data);
/* Actors with members, and listings with an actor. */
int store_profile_counts(struct store *st, int64_t *actors, int64_t *listings);
/* URL (malloc'd) and actor (0: none) of a profiled listing. */
int store_profile_listing_get(struct store *st, int64_t id, char **url,
			      int64_t *actor);
/* Listing findings analysed before identifiers were extracted. */
int store_profile_stale(struct store *st, int64_t *n);
/* An analyst's name for an actor (NULL clears it). */
int store_profile_actor_label(struct store *st, int64_t id, const char *label);
/* The listing id of a profiled URL (ERR_NOTFOUND). */
int store_profile_listing_id(struct store *st, const char *url, int64_t *id);
int store_profile_listing_actor(struct store *st, int64_t listing,
				int64_t *actor);

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
