/*
 * profile.h - SOP step 7: from analysed listings to actors, and the
 * profiling outputs.
 *
 * profile_build() brings the store's actors up to date with its findings:
 *  1. every listing finding analysed since the last build is synced: its
 *     identifiers (the finding's "identifier_sources", from the analysis)
 *     become edges, its context (platform and seller account, or the
 *     shop's domain) is recorded;
 *  2. incrementally by default: each new listing joins the actors of the
 *     listings it shares a linking identifier with (merging them when
 *     there are several: the actor with the oldest anchor keeps its id,
 *     the others are retired into it, their evidence moves along);
 *  3. in full (the engine of cluster.h over the whole store) when asked
 *     (--rebuild), on the first build, when the settings or the stop list
 *     changed, when a listing lost an identifier or disappeared (an actor
 *     may split), or when an identifier turns into a hub.  Actor ids
 *     survive a rebuild (cluster.h explains the rule);
 *  4. the findings of every listing whose actor changed get their
 *     "actor" field rewritten, so the findings export carries it.
 * The whole build is one transaction: readers see the old actors or the
 * new ones, never a mixture, and two builds never interleave.
 *
 * Actor ids are shown as "AKT-" and six digits or more ("AKT-000042").
 */
#ifndef PATROLI_PROFILE_PROFILE_H
#define PATROLI_PROFILE_PROFILE_H

#include <stdio.h>

#include "base/base.h"

struct store;
struct stoplist;

struct profile_opts {
	bool rebuild;
	int max_contexts;      /* frequency rule; 0: CLUSTER_MAX_CONTEXTS */
	int link_max;	       /* 0: IDENT_LINK_MAX */
	struct stoplist *stop; /* may be NULL */
};

struct profile_stats {
	int64_t synced;	  /* listings synced from findings */
	int64_t dropped;  /* profiled listings whose finding went away */
	int64_t listings; /* listings with an actor now */
	int64_t actors;	  /* actors with members now */
	int64_t created, retired, merges, hubs;
	int64_t findings; /* findings whose "actor" was rewritten */
	bool rebuilt;
	const char *why; /* why a full rebuild ran (static), or NULL */
	double seconds;
};

int profile_build(struct store *st, const struct profile_opts *o,
		  struct profile_stats *out);

/* "AKT-000042" into out; and back ("AKT-42", "akt-000042" and "42" are
 * read too): ERR_INPUT when it is not an actor id. */
void profile_actor_name(int64_t id, char out[32]);
int profile_actor_parse(const char *s, int64_t *id);

/*
 * One actor as JSON text (malloc'd; NULL when there is no such actor or
 * on error), the input of the Dokumen Profiling (report_profile_pdf):
 *   {"id", "label", "identifiers": {"phone": [...], "email": [...],
 *    "bank": [...], "handle": [...], "domain": [...]}, "platforms": [...],
 *    "violations": {"CODE": n}, "listings": [{"url", "title", "platform",
 *    "commodity", "violations": [...], "first_seen", "last_seen" (RFC
 *    3339), "sha256", "warc_file"}], "edges": [{"listing", "kind",
 *    "value", "found_in"}], "merges": [{"identifier": "kind:value",
 *    "listings": [url, url]}], "common_identifiers": [{"kind", "value",
 *    "why"}], "generated_at"}
 * Identifiers and edges are the linking ones; identifiers too common to
 * link (hubs, stop list) are listed apart in "common_identifiers".
 * A retired actor resolves to the actor it was merged into.
 */
char *profile_actor_json(struct store *st, int64_t actor_id);

/* The exports (`patroli profile export`): JSON {"actors": [...]} (the
 * script interface), GraphML (listings and identifiers as nodes, edges
 * listing-identifier) and CSV (one row per listing-identifier edge). */
int profile_export_json(struct store *st, FILE *out);
int profile_export_graphml(struct store *st, FILE *out);
int profile_export_csv(struct store *st, FILE *out);

#endif
