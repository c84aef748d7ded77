/*
 * profile.c - the profiling tables' queries (store.h, "profiling").
 *
 * Tables (migration 5): identifier (kind, value, state, contexts),
 * identifier_context (the distinct contexts counted per identifier, so an
 * incremental build counts a new one in one statement), profile_listing
 * (one per profiled listing), listing_identifier (edges, with where the
 * identifier was found), actor, actor_member, actor_merge (evidence) and
 * profile_state (settings of the last build).
 *
 * Placeholders are numbered in order of first use (SQLite numbers "$N"
 * that way).  Callbacks never run while a result is open when they may
 * write: ids
 * are read first, rows fetched one by one after (as findings.c does).
 * Rebuilds write members, evidence and contexts through multi-row
 * statements of BATCH_ROWS rows, each statement text built once per
 * process (the drivers keep prepared statements by text address);
 * leftover rows go through the one-row statements.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- state
 * -------------------------------------------------------------------- */

int store_profile_lock(struct store *st)
{
	/* An UPDATE takes the row lock on PostgreSQL until commit; SQLite's
	 * BEGIN IMMEDIATE already serialises writers. */
	static const char ins[] =
		"INSERT INTO profile_state (key, value) VALUES ('lock', '0') "
		"ON CONFLICT (key) DO NOTHING";
	static const char upd[] = "UPDATE profile_state SET value = $1 WHERE "
				  "key = 'lock'";
	char now[32];
	struct db_arg a[] = {{.t = DB_TEXT, .s = now}};
	int rc;

	snprintf(now, sizeof(now), "%lld", (long long)time_now_ms());
	rc = st_exec(st, ins, NULL, 0, NULL);
	return rc ? rc : st_exec(st, upd, a, NARGS(a), NULL);
}

int store_profile_state_get(struct store *st, const char *key, char **value)
{
	static const char q[] =
		"SELECT value FROM profile_state WHERE key = $1";
	struct db_arg a[] = {A_TEXT(key)};

	return st_str(st, q, a, NARGS(a), "", value);
}

int store_profile_state_set(struct store *st, const char *key,
			    const char *value)
{
	static const char q[] =
		"INSERT INTO profile_state (key, value) VALUES ($1, $2) ON "
		"CONFLICT (key) DO UPDATE SET value = excluded.value";
	struct db_arg a[] = {A_TEXT(key), A_TEXT(value)};

	return st_exec(st, q, a, NARGS(a), NULL);
}

/* ---- pending listings
 * ----------------------------------------------------------- */

struct idlist {
	int64_t *v;
	size_t n, cap;
};

static void idlist_add(struct idlist *l, int64_t id)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = id;
}

/* Read a one-column id result into l. */
static int read_ids(struct store *st, const char *q, const struct db_arg *a,
		    int na, struct idlist *l)
{
	struct db_rows *r;
	int rc = st_query(st, q, a, na, &r);

	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0)
		idlist_add(l, st->drv->col_int(r, 0));
	st->drv->done(r);
	return rc < 0 ? rc : 0;
}

int store_profile_pending(struct store *st, int64_t since,
			  int (*fn)(void *arg,
				    const struct store_profile_src *s),
			  void *arg, int64_t *newest)
{
	/* Listing findings that are new or analysed again since profiled;
	 * the capture's time orders them oldest first.  The analysis time
	 * bounds the scan (an index), the profile's own record of what it
	 * saw decides. */
	static const char q_new[] =
		"SELECT f.id FROM finding f JOIN capture c ON c.id = "
		"f.capture_id LEFT JOIN profile_listing l ON l.url = "
		"f.canonical_url WHERE f.analyzed_at > $1 AND f.is_listing = 1 "
		"AND (l.id IS NULL OR l.analyzed_at <> f.analyzed_at OR "
		"l.capture_id <> f.capture_id) ORDER BY c.fetched_at, "
		"f.canonical_url";
	static const char q_gone[] =
		"SELECT l.id FROM finding f JOIN profile_listing l ON l.url = "
		"f.canonical_url WHERE f.analyzed_at > $1 AND f.is_listing = 0 "
		"ORDER BY l.id";
	static const char q_gone_all[] =
		"SELECT l.id FROM profile_listing l LEFT JOIN finding f ON "
		"f.canonical_url = l.url WHERE f.id IS NULL OR f.is_listing = "
		"0 "
		"ORDER BY l.id";
	static const char q_newest[] =
		"SELECT COALESCE(MAX(analyzed_at), 0) FROM finding";
	/* with the first and last successful capture of the page */
	static const char q_one[] =
		"SELECT f.canonical_url, f.capture_id, f.analyzed_at, f.data, "
		"l.id, (SELECT MIN(c.fetched_at) FROM page p JOIN capture c ON "
		"c.page_id = p.id WHERE p.canonical_url = f.canonical_url AND "
		"c.error IS NULL AND c.status >= 200 AND c.status < 300), "
		"(SELECT MAX(c.fetched_at) FROM page p JOIN capture c ON "
		"c.page_id = p.id WHERE p.canonical_url = f.canonical_url AND "
		"c.error IS NULL AND c.status >= 200 AND c.status < 300) FROM "
		"finding f LEFT JOIN profile_listing l ON l.url = "
		"f.canonical_url WHERE f.id = $1";
	static const char q_gone_one[] =
		"SELECT url, capture_id, analyzed_at, first_seen, last_seen "
		"FROM profile_listing WHERE id = $1";
	struct db_arg a[] = {A_INT(since)};
	struct idlist ids = {0}, gone = {0};
	struct db_rows *r;
	int64_t top = 0;
	int rc = st_int(st, q_newest, NULL, 0, &top), stop = 0;

	if (!rc)
		rc = read_ids(st, q_new, a, NARGS(a), &ids);
	if (!rc)
		rc = since ? read_ids(st, q_gone, a, NARGS(a), &gone)
			   : read_ids(st, q_gone_all, NULL, 0, &gone);
	if (newest)
		*newest = top;
	for (size_t i = 0; !rc && !stop && i < ids.n; i++) {
		struct db_arg ai[] = {A_INT(ids.v[i])};
		struct store_profile_src s = {0};
		char *url = NULL, *data = NULL;

		if ((rc = st_query(st, q_one, ai, NARGS(ai), &r)))
			break;
		if ((rc = st->drv->next(r)) > 0) {
			url = xstrdup(st_text(st, r, 0));
			s.capture_id = st->drv->col_int(r, 1);
			s.analyzed_at = st->drv->col_int(r, 2);
			data = xstrdup(st_text(st, r, 3) ? st_text(st, r, 3)
							 : "{}");
			s.profile_id = st->drv->col_int(r, 4);
			if (!st->drv->is_null(r, 5)) {
				s.first_seen = st->drv->col_int(r, 5);
				s.last_seen = st->drv->col_int(r, 6);
			}
		}
		st->drv->done(r);
		if (rc < 0)
			break;
		rc = 0;
		if (!url)
			continue;
		s.url = url;
		s.data = data;
		if (!rc)
			stop = fn(arg, &s);
		free(url);
		free(data);
	}
	for (size_t i = 0; !rc && !stop && i < gone.n; i++) {
		struct db_arg ai[] = {A_INT(gone.v[i])};
		struct store_profile_src s = {.profile_id = gone.v[i],
					      .gone = true};
		char *url = NULL;

		if ((rc = st_query(st, q_gone_one, ai, NARGS(ai), &r)))
			break;
		if ((rc = st->drv->next(r)) > 0) {
			url = xstrdup(st_text(st, r, 0));
			s.capture_id = st->drv->col_int(r, 1);
			s.analyzed_at = st->drv->col_int(r, 2);
			s.first_seen = st->drv->col_int(r, 3);
			s.last_seen = st->drv->col_int(r, 4);
		}
		st->drv->done(r);
		if (rc < 0)
			break;
		rc = 0;
		s.url = url;
		if (url)
			stop = fn(arg, &s);
		free(url);
	}
	free(ids.v);
	free(gone.v);
	return rc < 0 ? rc : stop < 0 ? stop : 0;
}

/* ---- listings and edges
 * ------------------------------------------------------- */

/* The identifier's id and state, inserting it when new. */
static int ident_id(struct store *st, struct store_profile_edge *e)
{
	/* most identifiers a listing shows are known already: look first,
	 * insert when new (builds are serialised: no one else inserts) */
	static const char sel[] = "SELECT id, state FROM identifier WHERE "
				  "kind = $1 AND value = $2";
	static const char ins[] =
		"INSERT INTO identifier (kind, value, state, contexts) VALUES "
		"($1, $2, $3, 0) RETURNING id";
	struct db_arg a[] = {A_TEXT(e->kind), A_TEXT(e->value),
			     A_INT(e->stop ? 2 : 0)};
	struct db_rows *r;
	int rc = st_query(st, sel, a, 2, &r);

	if (rc)
		return rc;
	rc = st->drv->next(r);
	if (rc > 0) {
		e->ident_id = st->drv->col_int(r, 0);
		e->state = (int)st->drv->col_int(r, 1);
	}
	st->drv->done(r);
	if (rc)
		return rc < 0 ? rc : 0;
	e->state = e->stop ? 2 : 0;
	return st_int(st, ins, a, NARGS(a), &e->ident_id);
}

int store_profile_listing_put(struct store *st,
			      const struct store_profile_listing *l,
			      struct store_profile_edge *e, size_t n,
			      int64_t *id, bool *changed)
{
	static const char old[] = "SELECT id, context, links FROM "
				  "profile_listing WHERE url = $1";
	static const char ins[] =
		"INSERT INTO profile_listing (url, capture_id, analyzed_at, "
		"context, links, first_seen, last_seen) VALUES ($1, $2, $3, "
		"$4, "
		"$5, $6, $7) RETURNING id";
	static const char upd[] =
		"UPDATE profile_listing SET capture_id = $1, analyzed_at = $2, "
		"context = $3, links = $4, first_seen = $5, last_seen = $6 "
		"WHERE id = $7";
	static const char q_edges[] =
		"SELECT identifier_id FROM "
		"listing_identifier WHERE listing_id = $1";
	static const char add_edge[] =
		"INSERT INTO listing_identifier (listing_id, identifier_id, "
		"found_in) VALUES ($1, $2, $3) ON CONFLICT (listing_id, "
		"identifier_id) DO UPDATE SET found_in = excluded.found_in";
	static const char del_edge[] = "DELETE FROM listing_identifier WHERE "
				       "listing_id = $1 AND identifier_id = $2";
	struct db_arg ao[] = {A_TEXT(l->url)};
	struct idlist have = {0};
	struct db_rows *r;
	int64_t lid = 0;
	bool was = false, diff = false;
	int rc = st_query(st, old, ao, NARGS(ao), &r);

	if (rc)
		return rc;
	if ((rc = st->drv->next(r)) > 0) {
		const char *ctx = st_text(st, r, 1);
		lid = st->drv->col_int(r, 0);
		was = true;
		diff = !ctx || strcmp(ctx, l->context) ||
		       (st->drv->col_int(r, 2) != 0) != l->links;
	}
	st->drv->done(r);
	if (rc < 0)
		return rc;
	if (!was) {
		struct db_arg a[] = {
			A_TEXT(l->url),	       A_INT(l->capture_id),
			A_INT(l->analyzed_at), A_TEXT(l->context),
			A_INT(l->links),       A_INT(l->first_seen),
			A_INT(l->last_seen)};
		rc = st_int(st, ins, a, NARGS(a), &lid);
	} else {
		struct db_arg a[] = {A_INT(l->capture_id),
				     A_INT(l->analyzed_at),
				     A_TEXT(l->context),
				     A_INT(l->links),
				     A_INT(l->first_seen),
				     A_INT(l->last_seen),
				     A_INT(lid)};
		struct db_arg ae[] = {A_INT(lid)};
		rc = st_exec(st, upd, a, NARGS(a), NULL);
		if (!rc)
			rc = read_ids(st, q_edges, ae, NARGS(ae), &have);
	}
	for (size_t i = 0; !rc && i < n; i++) {
		struct db_arg a[3];
		bool had = false;

		if ((rc = ident_id(st, &e[i])))
			break;
		for (size_t k = 0; k < have.n; k++)
			if (have.v[k] == e[i].ident_id) {
				had = true;
				have.v[k] = 0; /* kept */
			}
		e[i].added = !had;
		a[0] = A_INT(lid);
		a[1] = A_INT(e[i].ident_id);
		a[2] = A_TEXT(e[i].where);
		rc = st_exec(st, add_edge, a, NARGS(a), NULL);
	}
	for (size_t k = 0; !rc && k < have.n; k++) {
		struct db_arg a[] = {A_INT(lid), A_INT(have.v[k])};
		if (!have.v[k])
			continue;
		diff = true;
		rc = st_exec(st, del_edge, a, NARGS(a), NULL);
	}
	free(have.v);
	*id = lid;
	if (changed)
		*changed = diff;
	return rc;
}

int store_profile_listing_drop(struct store *st, int64_t id)
{
	static const char *const q[] = {
		"DELETE FROM listing_identifier WHERE listing_id = $1",
		"DELETE FROM actor_member WHERE listing_id = $1",
		"DELETE FROM actor_merge WHERE listing_a = $1 OR listing_b = "
		"$1",
		"UPDATE actor SET anchor_listing_id = NULL WHERE "
		"anchor_listing_id = $1",
		"DELETE FROM profile_listing WHERE id = $1",
	};
	struct db_arg a[] = {A_INT(id)};
	int rc = 0;

	for (size_t i = 0; !rc && i < ARRAY_LEN(q); i++)
		rc = st_exec(st, q[i], a, NARGS(a), NULL);
	return rc;
}

/* ---- incremental joins
 * ---------------------------------------------------------- */

int store_profile_context_add(struct store *st, int64_t ident,
			      const char *context, int64_t *count, bool *added)
{
	static const char ins[] =
		"INSERT INTO identifier_context (identifier_id, context) "
		"VALUES ($1, $2) ON CONFLICT (identifier_id, context) DO "
		"NOTHING";
	static const char inc[] = "UPDATE identifier SET contexts = contexts "
				  "+ 1 WHERE id = $1 RETURNING contexts";
	struct db_arg a[] = {A_INT(ident), A_TEXT(context)};
	int64_t n = 0;
	int rc = st_exec(st, ins, a, NARGS(a), &n);

	*added = n > 0;
	*count = -1;
	if (rc || !n)
		return rc;
	return st_int(st, inc, a, 1, count);
}

int store_profile_ident_set(struct store *st, int64_t ident, int state,
			    int64_t contexts)
{
	static const char q[] = "UPDATE identifier SET state = $1, contexts = "
				"$2 WHERE id = $3";
	struct db_arg a[] = {A_INT(state), A_INT(contexts), A_INT(ident)};

	return st_exec(st, q, a, NARGS(a), NULL);
}

int store_profile_neighbours(struct store *st, int64_t ident, int64_t listing,
			     int (*fn)(void *arg, int64_t actor, int64_t other),
			     void *arg)
{
	/* one listing of each actor showing the identifier (its first
	 * profiled): one row per actor however many pages show it */
	static const char q[] =
		"SELECT m.actor_id, MIN(l.id) FROM listing_identifier e JOIN "
		"profile_listing l ON l.id = e.listing_id JOIN actor_member m "
		"ON m.listing_id = l.id WHERE e.identifier_id = $1 AND l.id <> "
		"$2 AND l.links = 1 GROUP BY m.actor_id ORDER BY m.actor_id";
	struct db_arg a[] = {A_INT(ident), A_INT(listing)};
	struct idlist v = {0};
	struct db_rows *r;
	int rc = st_query(st, q, a, NARGS(a), &r), stop = 0;

	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		idlist_add(&v, st->drv->col_int(r, 0));
		idlist_add(&v, st->drv->col_int(r, 1));
	}
	st->drv->done(r);
	for (size_t i = 0; rc >= 0 && !stop && i < v.n; i += 2)
		stop = fn(arg, v.v[i], v.v[i + 1]);
	free(v.v);
	return rc < 0 ? rc : stop < 0 ? stop : 0;
}

int store_profile_actor_get(struct store *st, int64_t id,
			    struct store_profile_actor *out)
{
	static const char q[] =
		"SELECT a.id, a.created_at, a.updated_at, a.label, "
		"a.anchor_listing_id, l.first_seen, l.url, a.retired, "
		"a.merged_into, (SELECT COUNT(*) FROM actor_member m WHERE "
		"m.actor_id = a.id) FROM actor a LEFT JOIN profile_listing l "
		"ON "
		"l.id = a.anchor_listing_id WHERE a.id = $1";
	struct db_arg a[] = {A_INT(id)};
	struct db_rows *r;
	const char *label, *url;
	int rc = st_first(st, q, a, NARGS(a), &r);

	if (rc)
		return rc;
	/* strings survive done(): copied into the scratch buffers */
	label = st_text(st, r, 3);
	url = st_text(st, r, 6);
	buf_reset(&st->scratch);
	buf_reset(&st->scratch2);
	if (label)
		buf_puts(&st->scratch, label);
	if (url)
		buf_puts(&st->scratch2, url);
	*out = (struct store_profile_actor){
		.id = st->drv->col_int(r, 0),
		.created_at = st->drv->col_int(r, 1),
		.updated_at = st->drv->col_int(r, 2),
		.label = label ? st->scratch.p : NULL,
		.anchor = st->drv->col_int(r, 4),
		.anchor_first_seen = st->drv->col_int(r, 5),
		.anchor_url = url ? st->scratch2.p : NULL,
		.retired = st->drv->col_int(r, 7) != 0,
		.merged_into = st->drv->col_int(r, 8),
		.listings = st->drv->col_int(r, 9),
	};
	st->drv->done(r);
	return 0;
}

int store_profile_actor_next(struct store *st, int64_t *id)
{
	static const char q[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM actor";

	return st_int(st, q, NULL, 0, id);
}

int store_profile_actor_put(struct store *st, int64_t id, int64_t anchor,
			    bool retired, int64_t merged_into,
			    const char *label)
{
	static const char q[] =
		"INSERT INTO actor (id, created_at, updated_at, label, "
		"anchor_listing_id, retired, merged_into) VALUES ($1, $2, $2, "
		"$3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET updated_at = "
		"excluded.updated_at, label = COALESCE(excluded.label, "
		"actor.label), anchor_listing_id = excluded.anchor_listing_id, "
		"retired = excluded.retired, merged_into = "
		"excluded.merged_into";
	struct db_arg a[] = {
		A_INT(id),
		A_INT(time_now_ms()),
		A_TEXT(label),
		anchor ? A_INT(anchor) : (struct db_arg){.t = DB_NULL},
		A_INT(retired),
		merged_into ? A_INT(merged_into)
			    : (struct db_arg){.t = DB_NULL},
	};

	return st_exec(st, q, a, NARGS(a), NULL);
}

int store_profile_actor_absorb(struct store *st, int64_t to, int64_t from,
			       int (*fn)(void *arg, int64_t listing), void *arg)
{
	static const char q_members[] = "SELECT listing_id FROM actor_member "
					"WHERE actor_id = $1";
	static const char move[] = "UPDATE actor_member SET actor_id = $1 "
				   "WHERE actor_id = $2";
	static const char retire[] =
		"UPDATE actor SET retired = 1, merged_into = $1, updated_at = "
		"$2 WHERE id = $3";
	static const char evid[] = "UPDATE actor_merge SET actor_id = $1 "
				   "WHERE actor_id = $2";
	struct db_arg a[] = {A_INT(to), A_INT(from)};
	struct db_arg ar[] = {A_INT(to), A_INT(time_now_ms()), A_INT(from)};
	struct db_arg am[] = {A_INT(from)};
	struct idlist moved = {0};
	int rc = 0;

	if (fn)
		rc = read_ids(st, q_members, am, NARGS(am), &moved);
	if (!rc)
		rc = st_exec(st, move, a, NARGS(a), NULL);
	if (!rc)
		rc = st_exec(st, evid, a, NARGS(a), NULL);
	if (!rc)
		rc = st_exec(st, retire, ar, NARGS(ar), NULL);
	for (size_t i = 0; !rc && i < moved.n; i++)
		rc = fn(arg, moved.v[i]);
	free(moved.v);
	return rc;
}

int store_profile_member_set(struct store *st, int64_t listing, int64_t actor)
{
	static const char q[] =
		"INSERT INTO actor_member (listing_id, actor_id, joined_at) "
		"VALUES ($1, $2, $3) ON CONFLICT (listing_id) DO UPDATE SET "
		"actor_id = excluded.actor_id, joined_at = excluded.joined_at";
	struct db_arg a[] = {A_INT(listing), A_INT(actor),
			     A_INT(time_now_ms())};

	return st_exec(st, q, a, NARGS(a), NULL);
}

int store_profile_member_drop(struct store *st, int64_t listing)
{
	static const char q[] =
		"DELETE FROM actor_member WHERE listing_id = $1";
	struct db_arg a[] = {A_INT(listing)};

	return st_exec(st, q, a, NARGS(a), NULL);
}

int store_profile_merge_add(struct store *st, int64_t actor, int64_t ident,
			    int64_t a_, int64_t b_)
{
	static const char q[] =
		"INSERT INTO actor_merge (actor_id, identifier_id, listing_a, "
		"listing_b, created_at) VALUES ($1, $2, $3, $4, $5)";
	struct db_arg a[] = {A_INT(actor), A_INT(ident), A_INT(a_), A_INT(b_),
			     A_INT(time_now_ms())};

	return st_exec(st, q, a, NARGS(a), NULL);
}

int store_profile_merges_drop(struct store *st, int64_t actor)
{
	static const char q[] = "DELETE FROM actor_merge WHERE actor_id = $1";
	struct db_arg a[] = {A_INT(actor)};

	return st_exec(st, q, a, NARGS(a), NULL);
}

int store_profile_actors_anchored(struct store *st, int64_t actor,
				  int (*fn)(void *arg, int64_t id,
					    int64_t anchor, bool retired),
				  void *arg)
{
	static const char q[] =
		"SELECT a.id, a.anchor_listing_id, a.retired FROM actor a JOIN "
		"actor_member m ON m.listing_id = a.anchor_listing_id WHERE "
		"m.actor_id = $1 ORDER BY a.id";
	struct db_arg a[] = {A_INT(actor)};
	struct db_rows *r;
	int rc = st_query(st, q, a, NARGS(a), &r), stop = 0;

	if (rc)
		return rc;
	while (!stop && (rc = st->drv->next(r)) > 0)
		stop = fn(arg, st->drv->col_int(r, 0), st->drv->col_int(r, 1),
			  st->drv->col_int(r, 2) != 0);
	return st_rows_end(st, r, rc, stop);
}

/* ---- rebuild: loading
 * --------------------------------------------------------- */

int store_profile_load_listings(struct store *st,
				int (*fn)(void *arg, int64_t id,
					  const char *context, bool links,
					  int64_t actor),
				void *arg)
{
	static const char q[] =
		"SELECT l.id, l.context, l.links, m.actor_id FROM "
		"profile_listing l LEFT JOIN actor_member m ON m.listing_id = "
		"l.id ORDER BY l.first_seen, l.url";
	struct db_rows *r;
	int rc = st_query(st, q, NULL, 0, &r), stop = 0;

	if (rc)
		return rc;
	while (!stop && (rc = st->drv->next(r)) > 0) {
		const char *ctx = st_text(st, r, 1);
		stop = fn(arg, st->drv->col_int(r, 0), ctx ? ctx : "",
			  st->drv->col_int(r, 2) != 0, st->drv->col_int(r, 3));
	}
	return st_rows_end(st, r, rc, stop);
}

int store_profile_load_idents(struct store *st,
			      int (*fn)(void *arg, int64_t id, const char *kind,
					const char *value, int state,
					int64_t contexts),
			      void *arg)
{
	static const char q[] = "SELECT id, kind, value, state, contexts FROM "
				"identifier ORDER BY id";
	struct db_rows *r;
	int rc = st_query(st, q, NULL, 0, &r), stop = 0;

	if (rc)
		return rc;
	while (!stop && (rc = st->drv->next(r)) > 0)
		stop = fn(arg, st->drv->col_int(r, 0), st_text(st, r, 1),
			  st_text(st, r, 2), (int)st->drv->col_int(r, 3),
			  st->drv->col_int(r, 4));
	return st_rows_end(st, r, rc, stop);
}

int store_profile_load_edges(struct store *st,
			     int (*fn)(void *arg, int64_t listing,
				       int64_t ident),
			     void *arg)
{
	/* in listing age order, so each identifier's listings come oldest
	 * first and evidence points at the oldest listing showing it */
	static const char q[] =
		"SELECT e.listing_id, e.identifier_id FROM listing_identifier "
		"e "
		"JOIN profile_listing l ON l.id = e.listing_id ORDER BY "
		"l.first_seen, l.url, e.identifier_id";
	struct db_rows *r;
	int rc = st_query(st, q, NULL, 0, &r), stop = 0;

	if (rc)
		return rc;
	while (!stop && (rc = st->drv->next(r)) > 0)
		stop = fn(arg, st->drv->col_int(r, 0), st->drv->col_int(r, 1));
	return st_rows_end(st, r, rc, stop);
}

int store_profile_load_actors(struct store *st,
			      int (*fn)(void *arg, int64_t id, int64_t anchor,
					bool retired),
			      void *arg)
{
	static const char q[] = "SELECT id, anchor_listing_id, retired FROM "
				"actor ORDER BY id";
	struct db_rows *r;
	int rc = st_query(st, q, NULL, 0, &r), stop = 0;

	if (rc)
		return rc;
	while (!stop && (rc = st->drv->next(r)) > 0)
		stop = fn(arg, st->drv->col_int(r, 0), st->drv->col_int(r, 1),
			  st->drv->col_int(r, 2) != 0);
	return st_rows_end(st, r, rc, stop);
}

int store_profile_rebuild_reset(struct store *st)
{
	int rc = st_exec(st, "DELETE FROM actor_merge", NULL, 0, NULL);

	return rc ? rc
		  : st_exec(st, "DELETE FROM identifier_context", NULL, 0,
			    NULL);
}

/* ---- rebuild: batched writes
 * ---------------------------------------------------- */

#define BATCH_ROWS 64

enum { B_MEMBER, B_MERGE, B_CONTEXT, B__N };

static const struct batch_kind {
	const char *head, *row, *tail;
	int ncols;
} batch_kinds[B__N] = {
	{"INSERT INTO actor_member (listing_id, actor_id, joined_at) VALUES ",
	 "($%d, $%d, $%d)",
	 " ON CONFLICT (listing_id) DO UPDATE SET actor_id = "
	 "excluded.actor_id, joined_at = excluded.joined_at",
	 3},
	{"INSERT INTO actor_merge (actor_id, identifier_id, listing_a, "
	 "listing_b, created_at) VALUES ",
	 "($%d, $%d, $%d, $%d, $%d)", "", 5},
	{"INSERT INTO identifier_context (identifier_id, context) VALUES ",
	 "($%d, $%d)", " ON CONFLICT (identifier_id, context) DO NOTHING", 2},
};

struct store_profile_batch {
	struct store *st;
	struct db_arg args[B__N][BATCH_ROWS * 5];
	char *texts[BATCH_ROWS]; /* contexts, owned until written */
	int nrows[B__N];
	int rc;
};

/* The statement for `rows` rows of kind k: built once per process for a
 * full batch and for one row. */
static const char *batch_sql(int k, int rows)
{
	static char *full[B__N], *one[B__N];
	char **slot = rows == 1 ? &one[k] : &full[k];
	const struct batch_kind *bk = &batch_kinds[k];
	struct buf b = BUF_INIT;

	if (*slot)
		return *slot;
	buf_puts(&b, bk->head);
	for (int r = 0; r < rows; r++) {
		int p = r * bk->ncols + 1;
		if (r)
			buf_puts(&b, ", ");
		switch (bk->ncols) {
		case 2:
			buf_printf(&b, bk->row, p, p + 1);
			break;
		case 3:
			buf_printf(&b, bk->row, p, p + 1, p + 2);
			break;
		default:
			buf_printf(&b, bk->row, p, p + 1, p + 2, p + 3, p + 4);
		}
	}
	buf_puts(&b, bk->tail);
	*slot = buf_detach(&b, NULL);
	return *slot;
}

static void batch_flush(struct store_profile_batch *b, int k)
{
	int nc = batch_kinds[k].ncols, n = b->nrows[k];

	if (!n)
		return;
	if (!b->rc && n == BATCH_ROWS)
		b->rc = st_exec(b->st, batch_sql(k, BATCH_ROWS), b->args[k],
				n * nc, NULL);
	for (int r = 0; !b->rc && n < BATCH_ROWS && r < n; r++)
		b->rc = st_exec(b->st, batch_sql(k, 1), b->args[k] + r * nc, nc,
				NULL);
	if (k == B_CONTEXT)
		for (int r = 0; r < n; r++) {
			free(b->texts[r]);
			b->texts[r] = NULL;
		}
	b->nrows[k] = 0;
}

static int batch_row(struct store_profile_batch *b, int k,
		     const struct db_arg *row)
{
	int nc = batch_kinds[k].ncols;

	memcpy(b->args[k] + b->nrows[k] * nc, row, (size_t)nc * sizeof(*row));
	if (++b->nrows[k] == BATCH_ROWS)
		batch_flush(b, k);
	return b->rc;
}

struct store_profile_batch *store_profile_batch_new(struct store *st)
{
	struct store_profile_batch *b = xcalloc(1, sizeof(*b));

	b->st = st;
	return b;
}

int store_profile_batch_member(struct store_profile_batch *b, int64_t listing,
			       int64_t actor)
{
	struct db_arg row[] = {A_INT(listing), A_INT(actor),
			       A_INT(time_now_ms())};

	return batch_row(b, B_MEMBER, row);
}

int store_profile_batch_merge(struct store_profile_batch *b, int64_t actor,
			      int64_t ident, int64_t a, int64_t lb)
{
	struct db_arg row[] = {A_INT(actor), A_INT(ident), A_INT(a), A_INT(lb),
			       A_INT(time_now_ms())};

	return batch_row(b, B_MERGE, row);
}

int store_profile_batch_context(struct store_profile_batch *b, int64_t ident,
				const char *context)
{
	char *copy = xstrdup(context);
	struct db_arg row[] = {A_INT(ident), A_TEXT(copy)};

	b->texts[b->nrows[B_CONTEXT]] = copy;
	return batch_row(b, B_CONTEXT, row);
}

int store_profile_batch_end(struct store_profile_batch *b)
{
	int rc;

	for (int k = 0; k < B__N; k++)
		batch_flush(b, k);
	rc = b->rc;
	free(b);
	return rc;
}

/* ---- reading ----------------------------------------------------------------
 */

struct sum_row {
	int64_t id, listings, identifiers, first, last;
	char *label, *platforms;
};

static int cmp_sum(const void *x, const void *y)
{
	const struct sum_row *a = x, *b = y;

	if (a->listings != b->listings)
		return a->listings > b->listings ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

static int cmp_sum_id(const void *x, const void *y)
{
	const struct sum_row *a = x, *b = y;

	return (a->id > b->id) - (a->id < b->id);
}

/* The row of actor id in rows sorted by id, or NULL. */
static struct sum_row *sum_find(struct sum_row *v, size_t n, int64_t id)
{
	struct sum_row key = {.id = id};

	return n ? bsearch(&key, v, n, sizeof(*v), cmp_sum_id) : NULL;
}

/* Identifier count and platforms of each row, actor by actor. */
static int sum_details_each(struct store *st, struct sum_row *v, size_t n)
{
	static const char q_idents[] =
		"SELECT COUNT(DISTINCT e.identifier_id) FROM actor_member m "
		"JOIN listing_identifier e ON e.listing_id = m.listing_id JOIN "
		"identifier i ON i.id = e.identifier_id WHERE m.actor_id = $1 "
		"AND i.state = 0";
	static const char q_plat[] =
		"SELECT DISTINCT f.platform FROM actor_member m JOIN "
		"profile_listing l ON l.id = m.listing_id JOIN finding f ON "
		"f.canonical_url = l.url WHERE m.actor_id = $1 AND f.platform "
		"IS NOT NULL ORDER BY f.platform";
	struct db_rows *r;
	int rc = 0;

	for (size_t i = 0; !rc && i < n; i++) {
		struct db_arg a[] = {A_INT(v[i].id)};
		struct buf b = BUF_INIT;
		if ((rc = st_int(st, q_idents, a, NARGS(a), &v[i].identifiers)))
			break;
		if ((rc = st_query(st, q_plat, a, NARGS(a), &r)))
			break;
		while ((rc = st->drv->next(r)) > 0) {
			const char *p = st_text(st, r, 0);
			if (p)
				buf_printf(&b, "%s%s", b.len ? " " : "", p);
		}
		st->drv->done(r);
		v[i].platforms = b.p ? buf_detach(&b, NULL) : NULL;
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

/* The same for every actor at once (rows sorted by id). */
static int sum_details_all(struct store *st, struct sum_row *v, size_t n)
{
	static const char q_idents[] =
		"SELECT m.actor_id, COUNT(DISTINCT e.identifier_id) FROM "
		"actor_member m JOIN listing_identifier e ON e.listing_id = "
		"m.listing_id JOIN identifier i ON i.id = e.identifier_id "
		"WHERE "
		"i.state = 0 GROUP BY m.actor_id ORDER BY m.actor_id";
	static const char q_plat[] =
		"SELECT m.actor_id, f.platform FROM actor_member m JOIN "
		"profile_listing l ON l.id = m.listing_id JOIN finding f ON "
		"f.canonical_url = l.url WHERE f.platform IS NOT NULL GROUP BY "
		"m.actor_id, f.platform ORDER BY m.actor_id, f.platform";
	struct db_rows *r;
	int rc = st_query(st, q_idents, NULL, 0, &r);

	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		struct sum_row *row = sum_find(v, n, st->drv->col_int(r, 0));
		if (row)
			row->identifiers = st->drv->col_int(r, 1);
	}
	st->drv->done(r);
	if (rc < 0 || (rc = st_query(st, q_plat, NULL, 0, &r)))
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		struct sum_row *row = sum_find(v, n, st->drv->col_int(r, 0));
		const char *p = st_text(st, r, 1);
		char *old;
		if (!row || !p)
			continue;
		old = row->platforms;
		row->platforms = old ? xasprintf("%s %s", old, p) : xstrdup(p);
		free(old);
	}
	st->drv->done(r);
	return rc < 0 ? rc : 0;
}

/* Label, first and last seen of each row, actor by actor. */
static int sum_times_each(struct store *st, struct sum_row *v, size_t n)
{
	static const char q[] =
		"SELECT a.label, MIN(l.first_seen), MAX(l.last_seen) FROM "
		"actor "
		"a JOIN actor_member m ON m.actor_id = a.id JOIN "
		"profile_listing l ON l.id = m.listing_id WHERE a.id = $1 "
		"GROUP "
		"BY a.id, a.label";
	struct db_rows *r;
	int rc = 0;

	for (size_t i = 0; !rc && i < n; i++) {
		struct db_arg a[] = {A_INT(v[i].id)};
		if ((rc = st_query(st, q, a, NARGS(a), &r)))
			break;
		if ((rc = st->drv->next(r)) > 0) {
			const char *label = st_text(st, r, 0);
			v[i].label = label ? xstrdup(label) : NULL;
			v[i].first = st->drv->col_int(r, 1);
			v[i].last = st->drv->col_int(r, 2);
		}
		st->drv->done(r);
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

int store_profile_actor_list(struct store *st, int64_t limit,
			     int (*fn)(void *arg,
				       const struct store_profile_actor_sum *a),
			     void *arg)
{
	/* the sizes from the membership index alone; the rest for the
	 * actors shown (all of them: in one pass each) */
	static const char q_sizes[] = "SELECT actor_id, COUNT(*) FROM "
				      "actor_member GROUP BY actor_id ORDER "
				      "BY actor_id";
	static const char q_counts[] =
		"SELECT a.id, a.label, MIN(l.first_seen), MAX(l.last_seen) "
		"FROM "
		"actor a JOIN actor_member m ON m.actor_id = a.id JOIN "
		"profile_listing l ON l.id = m.listing_id GROUP BY a.id, "
		"a.label "
		"ORDER BY a.id";
	struct sum_row *v = NULL;
	size_t n = 0, cap = 0, keep;
	struct db_rows *r;
	int rc = st_query(st, q_sizes, NULL, 0, &r), stop = 0;

	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		v[n++] = (struct sum_row){.id = st->drv->col_int(r, 0),
					  .listings = st->drv->col_int(r, 1)};
	}
	st->drv->done(r);
	keep = n;
	if (rc >= 0 && n) {
		qsort(v, n, sizeof(*v), cmp_sum);
		if (limit > 0 && (size_t)limit < n)
			keep = (size_t)limit;
		if (keep <= 2000) {
			rc = sum_times_each(st, v, keep);
			if (!rc)
				rc = sum_details_each(st, v, keep);
		} else {
			qsort(v, keep, sizeof(*v), cmp_sum_id);
			if (!(rc = st_query(st, q_counts, NULL, 0, &r))) {
				while ((rc = st->drv->next(r)) > 0) {
					struct sum_row *row = sum_find(
						v, keep,
						st->drv->col_int(r, 0));
					const char *label = st_text(st, r, 1);
					if (!row)
						continue;
					row->label =
						label ? xstrdup(label) : NULL;
					row->first = st->drv->col_int(r, 2);
					row->last = st->drv->col_int(r, 3);
				}
				st->drv->done(r);
			}
			if (rc >= 0)
				rc = sum_details_all(st, v, keep);
			qsort(v, keep, sizeof(*v), cmp_sum);
		}
	}
	for (size_t i = 0; rc >= 0 && !stop && i < keep; i++) {
		struct store_profile_actor_sum s = {
			.id = v[i].id,
			.label = v[i].label,
			.listings = v[i].listings,
			.identifiers = v[i].identifiers,
			.first_seen = v[i].first,
			.last_seen = v[i].last,
			.platforms = v[i].platforms ? v[i].platforms : "",
		};
		stop = fn(arg, &s);
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].label);
		free(v[i].platforms);
	}
	free(v);
	return rc < 0 ? rc : stop < 0 ? stop : 0;
}

int store_profile_members(struct store *st, int64_t actor,
			  int (*fn)(void *arg,
				    const struct store_profile_member *m),
			  void *arg)
{
	static const char q[] =
		"SELECT m.actor_id, l.id, l.url, l.first_seen, l.last_seen, "
		"f.data, f.platform, f.violations FROM actor_member m JOIN "
		"profile_listing l ON l.id = "
		"m.listing_id LEFT JOIN finding f ON f.canonical_url = l.url "
		"WHERE ($1 = 0 OR m.actor_id = $1) ORDER BY m.actor_id, "
		"l.first_seen, l.url";
	struct db_arg a[] = {A_INT(actor)};
	struct db_rows *r;
	int rc = st_query(st, q, a, NARGS(a), &r), stop = 0;

	if (rc)
		return rc;
	while (!stop && (rc = st->drv->next(r)) > 0) {
		struct store_profile_member m = {
			.actor = st->drv->col_int(r, 0),
			.listing = st->drv->col_int(r, 1),
			.url = st_text(st, r, 2),
			.first_seen = st->drv->col_int(r, 3),
			.last_seen = st->drv->col_int(r, 4),
			.data = st_text(st, r, 5),
			.platform = st_text(st, r, 6),
			.violations = st_text(st, r, 7),
		};
		stop = fn(arg, &m);
	}
	return st_rows_end(st, r, rc, stop);
}

int store_profile_edges(struct store *st, int64_t actor,
			int (*fn)(void *arg,
				  const struct store_profile_edge_row *e),
			void *arg)
{
	static const char q[] =
		"SELECT m.actor_id, l.id, i.id, l.url, i.kind, i.value, "
		"e.found_in, i.state, f.platform, f.violations, l.first_seen, "
		"l.last_seen FROM actor_member m JOIN profile_listing l ON "
		"l.id "
		"= m.listing_id JOIN listing_identifier e ON e.listing_id = "
		"l.id "
		"JOIN identifier i ON i.id = e.identifier_id LEFT JOIN finding "
		"f "
		"ON f.canonical_url = l.url WHERE ($1 = 0 OR m.actor_id = $1) "
		"ORDER BY "
		"m.actor_id, l.first_seen, l.url, i.kind, i.value";
	struct db_arg a[] = {A_INT(actor)};
	struct db_rows *r;
	int rc = st_query(st, q, a, NARGS(a), &r), stop = 0;

	if (rc)
		return rc;
	while (!stop && (rc = st->drv->next(r)) > 0) {
		struct store_profile_edge_row e = {
			.actor = st->drv->col_int(r, 0),
			.listing = st->drv->col_int(r, 1),
			.ident = st->drv->col_int(r, 2),
			.url = st_text(st, r, 3),
			.kind = st_text(st, r, 4),
			.value = st_text(st, r, 5),
			.found_in = st_text(st, r, 6),
			.state = (int)st->drv->col_int(r, 7),
			.platform = st_text(st, r, 8),
			.violations = st_text(st, r, 9),
			.first_seen = st->drv->col_int(r, 10),
			.last_seen = st->drv->col_int(r, 11),
		};
		stop = fn(arg, &e);
	}
	return st_rows_end(st, r, rc, stop);
}

int store_profile_merges(struct store *st, int64_t actor,
			 int (*fn)(void *arg,
				   const struct store_profile_merge_row *m),
			 void *arg)
{
	static const char q[] =
		"SELECT g.actor_id, i.kind, i.value, la.url, lb.url, "
		"g.created_at FROM actor_merge g JOIN identifier i ON i.id = "
		"g.identifier_id JOIN profile_listing la ON la.id = "
		"g.listing_a "
		"JOIN profile_listing lb ON lb.id = g.listing_b WHERE ($1 = 0 "
		"OR "
		"g.actor_id = $1) ORDER BY g.actor_id, g.id";
	struct db_arg a[] = {A_INT(actor)};
	struct db_rows *r;
	int rc = st_query(st, q, a, NARGS(a), &r), stop = 0;

	if (rc)
		return rc;
	while (!stop && (rc = st->drv->next(r)) > 0) {
		struct store_profile_merge_row m = {
			.actor = st->drv->col_int(r, 0),
			.kind = st_text(st, r, 1),
			.value = st_text(st, r, 2),
			.url_a = st_text(st, r, 3),
			.url_b = st_text(st, r, 4),
			.created_at = st->drv->col_int(r, 5),
		};
		stop = fn(arg, &m);
	}
	return st_rows_end(st, r, rc, stop);
}

int store_profile_finding_get(struct store *st, const char *url, char **data)
{
	static const char q[] = "SELECT data FROM finding WHERE canonical_url "
				"= $1";
	struct db_arg a[] = {A_TEXT(url)};

	return st_str(st, q, a, NARGS(a), "{}", data);
}

int store_profile_finding_set(struct store *st, const char *url,
			      const char *data)
{
	static const char q[] = "UPDATE finding SET data = $1 WHERE "
				"canonical_url = $2";
	struct db_arg a[] = {A_TEXT(data), A_TEXT(url)};

	return st_exec(st, q, a, NARGS(a), NULL);
}

int store_profile_listing_id(struct store *st, const char *url, int64_t *id)
{
	static const char q[] = "SELECT id FROM profile_listing WHERE url = $1";
	struct db_arg a[] = {A_TEXT(url)};

	return st_int(st, q, a, NARGS(a), id);
}

int store_profile_listing_actor(struct store *st, int64_t listing,
				int64_t *actor)
{
	static const char q[] = "SELECT actor_id FROM actor_member WHERE "
				"listing_id = $1";
	struct db_arg a[] = {A_INT(listing)};

	return st_int(st, q, a, NARGS(a), actor);
}

int store_profile_listing_get(struct store *st, int64_t id, char **url,
			      int64_t *actor)
{
	static const char q[] =
		"SELECT l.url, m.actor_id FROM profile_listing l LEFT JOIN "
		"actor_member m ON m.listing_id = l.id WHERE l.id = $1";
	struct db_arg a[] = {A_INT(id)};
	struct db_rows *r;
	const char *u;
	int rc = st_first(st, q, a, NARGS(a), &r);

	if (rc)
		return rc;
	u = st_text(st, r, 0);
	*url = xstrdup(u ? u : "");
	*actor = st->drv->col_int(r, 1);
	st->drv->done(r);
	return 0;
}

int store_profile_stale(struct store *st, int64_t *n)
{
	static const char q[] = "SELECT COUNT(*) FROM finding WHERE is_listing "
				"= 1 AND data NOT "
				"LIKE '%\"identifier_sources\"%'";

	return st_int(st, q, NULL, 0, n);
}

int store_profile_actor_label(struct store *st, int64_t id, const char *label)
{
	static const char q[] = "UPDATE actor SET label = $1 WHERE id = $2";
	struct db_arg a[] = {A_TEXT(label), A_INT(id)};
	int64_t n = 0;
	int rc = st_exec(st, q, a, NARGS(a), &n);

	return rc ? rc : n ? 0 : ERR_NOTFOUND;
}

int store_profile_counts(struct store *st, int64_t *actors, int64_t *listings)
{
	static const char q[] =
		"SELECT COUNT(DISTINCT actor_id), COUNT(*) FROM actor_member";
	struct db_rows *r;
	int rc = st_first(st, q, NULL, 0, &r);

	if (rc)
		return rc;
	*actors = st->drv->col_int(r, 0);
	*listings = st->drv->col_int(r, 1);
	st->drv->done(r);
	return 0;
}
