/*
 * cluster.h - actors: listings that share a strong identifier belong to
 * the same seller, transitively.
 *
 * The engine holds the whole graph in memory as arrays of integers:
 * listings, identifiers and contexts are interned strings (one arena and
 * an open-addressing hash table each, no allocation per string), edges
 * are pairs of indices, and union-find (union by rank, path halving) runs
 * over listing indices.  One million listings with three million edges
 * take a few hundred megabytes and a few seconds (bench/cluster.sh).
 *
 * The frequency rule.  An identifier that appears in more than
 * `max_contexts` distinct contexts is a hub: a platform's customer-service
 * line, a hosting company's support address, a courier, a template's
 * placeholder.  A context is where a listing is sold: platform and seller
 * account, or an independent shop's domain.  Counting sellers rather than
 * pages keeps one big shop's thousand listings from looking common, and
 * the count only grows as listings arrive, so incremental joins and a
 * full run agree: an identifier turns into a hub once, when its count
 * passes the threshold, and never back short of a full rebuild after
 * listings went away.  Hubs never link.  Stop-listed identifiers never
 * link either.  A listing with more than `link_max` identifiers (a page
 * stuffed with numbers) links through none of them.  Every listing with
 * at least one identifier gets an actor, if only its own.
 *
 * Evidence.  Each union that joins two groups records the identifier and
 * the two listings (a spanning forest: an actor of N listings has N - 1
 * merge records, each saying why one more listing belongs to it).
 *
 * Stable actor ids.  Listings are added oldest first (first seen, then
 * URL), so a group's oldest member is its lowest index.  The caller hands
 * in the previous actors (id, anchor listing, retired or not) and each
 * listing's previous actor, and the assignment keeps ids stable:
 *   1. a group containing the anchor (founding listing) of earlier actors
 *      takes the one with the oldest anchor: an actor that grows keeps its
 *      id, and when two actors merge the older one's id survives;
 *   2. otherwise it takes the earlier actor most of its members had (an
 *      actor whose anchor disappeared);
 *   3. otherwise it gets a new id (next_id, then +1), anchored at its
 *      oldest member.
 * Earlier actors that no group took are retired, merged into the actor
 * that holds most of their former members (0 when none does).  A retired
 * actor whose anchor later forms a group of its own again (a split, when
 * an identifier turns out to be a hub) is revived under its old id.
 * Rebuilding from scratch with the same previous actors therefore gives
 * the same ids.
 */
#ifndef PATROLI_PROFILE_CLUSTER_H
#define PATROLI_PROFILE_CLUSTER_H

#include "base/base.h"

#define CLUSTER_NONE	     UINT32_MAX
#define CLUSTER_MAX_CONTEXTS 6 /* default of the frequency rule */

struct cluster_opts {
	int max_contexts; /* 0: CLUSTER_MAX_CONTEXTS */
	int link_max;	  /* 0: IDENT_LINK_MAX */
	/* Take each identifier's state as given (cluster_ident_state_set)
	 * instead of applying the frequency rule: re-clustering one actor
	 * with the states its whole store decided. */
	bool fixed_states;
};

/* An identifier's standing. */
enum cluster_ident_state {
	CLUSTER_LINK = 0, /* links listings */
	CLUSTER_HUB = 1,  /* too common (frequency rule) */
	CLUSTER_STOP = 2, /* stop-listed */
};

struct cluster_merge {
	uint32_t ident; /* the shared identifier */
	uint32_t a, b;	/* listings: a was in the group, b joined it */
};

/* An actor after assignment. */
struct cluster_actor {
	int64_t id;
	uint32_t anchor;     /* listing; CLUSTER_NONE when retired */
	int64_t merged_into; /* retired: absorbed by this actor (0: dissolved)
			      */
	bool active;	     /* has members now */
	bool is_new;	     /* created by the last assignment */
	bool changed;	     /* anchor, membership or state changed */
};

struct cluster;

struct cluster *cluster_new(const struct cluster_opts *o);
void cluster_free(struct cluster *c);

/* Intern a listing (oldest first!) with its context and previous actor
 * (0: none).  Returns its index; the same key returns the same index. */
uint32_t cluster_listing(struct cluster *c, const char *key, size_t n,
			 const char *ctx, size_t ctxn, int64_t prev_actor);
/* Intern an identifier key ("phone:+62812..."). */
uint32_t cluster_ident(struct cluster *c, const char *key, size_t n);
/* Mark an identifier stop-listed. */
void cluster_ident_stop(struct cluster *c, uint32_t ident);
/* Set an identifier's state (with fixed_states). */
void cluster_ident_state_set(struct cluster *c, uint32_t ident,
			     enum cluster_ident_state s);
/* An edge listing - identifier (a repeated edge is harmless). */
void cluster_edge(struct cluster *c, uint32_t listing, uint32_t ident);
/* A previous actor: id, anchor listing (CLUSTER_NONE if unknown) and
 * whether it was retired. */
void cluster_prev_actor(struct cluster *c, int64_t id, uint32_t anchor,
			bool retired);
/* New actors get ids from here on (default: largest previous id + 1). */
void cluster_next_id(struct cluster *c, int64_t next);

/* Full clustering: frequency rule, unions with evidence, actor
 * assignment. */
void cluster_run(struct cluster *c);
/*
 * After cluster_run(), listings and edges added since are joined
 * incrementally (a few microseconds per edge) and actors are assigned
 * again, the previous assignment serving as the earlier actors.  When a
 * new edge takes an identifier past max_contexts contexts, it is a hub
 * and earlier unions through it are wrong: the whole clustering runs
 * again.  Returns 1 in that case, else 0.
 */
int cluster_update(struct cluster *c);

/* ---- results (valid until the next run/update) ----------------------------
 */
size_t cluster_nlistings(const struct cluster *c);
size_t cluster_nidents(const struct cluster *c);
size_t cluster_nedges(const struct cluster *c);
/* Actor id of a listing (0: it has no identifier). */
int64_t cluster_actor_of(const struct cluster *c, uint32_t listing);
/* Whether the listing's actor changed with the last assignment. */
bool cluster_listing_changed(const struct cluster *c, uint32_t listing);
enum cluster_ident_state cluster_ident_state(const struct cluster *c,
					     uint32_t ident);
/* Distinct contexts counted for an identifier (65: more than 64). */
uint32_t cluster_ident_contexts(const struct cluster *c, uint32_t ident);
/* Interned strings (not NUL-terminated: *n receives the length). */
const char *cluster_listing_key(const struct cluster *c, uint32_t listing,
				size_t *n);
const char *cluster_ident_key(const struct cluster *c, uint32_t ident,
			      size_t *n);
/* The distinct contexts of an identifier seen by the last full run (at
 * most `max`, indices into the context table); returns how many. */
size_t cluster_ident_context_list(const struct cluster *c, uint32_t ident,
				  uint32_t *out, size_t max);
const char *cluster_context_key(const struct cluster *c, uint32_t ctx,
				size_t *n);
/* The evidence of the last assignment's groups, in union order. */
const struct cluster_merge *cluster_merges(const struct cluster *c, size_t *n);
/* Every actor known: the groups' actors and the retired ones. */
const struct cluster_actor *cluster_actors(const struct cluster *c, size_t *n);
/* Groups with more than one listing, for statistics. */
size_t cluster_ngroups(const struct cluster *c);

#endif
