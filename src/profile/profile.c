/*
 * profile.c - building actors from findings, and the profiling outputs
 * (see profile.h).
 *
 * Two paths reach the same actors.  The incremental one asks the store
 * for the actors a new listing meets through each linking identifier and
 * joins them: a few statements per listing.  The full one loads the whole
 * graph into the engine (cluster.h) and writes back only what changed.
 * tests/unit/test_cluster.c checks that both give the same partition.
 */
#include "profile/profile.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "profile/cluster.h"
#include "profile/ident.h"
#include "profile/stoplist.h"
#include "store/store.h"

#define SETTINGS_VERSION 1
/* Findings analysed this long before the last build are looked at again
 * (an analysis may commit a batch after the build read the newest). */
#define WATERMARK_MARGIN_MS (2 * 60 * 1000)
#define CONTEXTS_CAP	    64 /* contexts stored per identifier */

void profile_actor_name(int64_t id, char out[32])
{
	snprintf(out, 32, "AKT-%06lld", (long long)id);
}

int profile_actor_parse(const char *s, int64_t *id)
{
	if (!strncasecmp(s, "AKT-", 4))
		s += 4;
	return parse_i64(s, 1, INT64_MAX / 2, id) ? ERR_INPUT : 0;
}

/* ---- where a listing is sold ------------------------------------------------
 */

/* "platform|key": the seller account's URL (no scheme, query or trailing
 * slash), else the seller's name, else the site's registrable domain. */
static char *context_of(json_t *j)
{
	const char *plat = json_string_value(json_object_get(j, "platform"));
	const char *surl = json_string_value(json_object_get(j, "seller_url"));
	const char *seller = json_string_value(json_object_get(j, "seller"));
	const char *url =
		json_string_value(json_object_get(j, "canonical_url"));
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s|", plat ? plat : "?");
	if (surl && *surl) {
		const char *p = strstr(surl, "://");
		size_t n;
		p = p ? p + 3 : surl;
		n = strcspn(p, "?#");
		while (n && p[n - 1] == '/')
			n--;
		for (size_t k = 0; k < n && k < 512; k++)
			buf_putc(&b,
				 (char)((p[k] >= 'A' && p[k] <= 'Z') ? p[k] + 32
								     : p[k]));
	} else if (seller && *seller) {
		buf_puts(&b, "seller:");
		for (size_t k = 0; seller[k] && k < 256; k++)
			buf_putc(&b,
				 (char)((seller[k] >= 'A' && seller[k] <= 'Z')
						? seller[k] + 32
						: seller[k]));
	} else {
		char host[256] = "", dom[IDENT_VALUE_MAX];
		const char *p = url ? strstr(url, "://") : NULL;
		if (p) {
			size_t n = strcspn(p + 3, "/:?#");
			snprintf(host, sizeof(host), "%.*s", (int)MIN(n, 255),
				 p + 3);
		}
		buf_printf(&b, "site:%s",
			   !ident_domain_of(host, dom) ? dom : host);
	}
	return buf_detach(&b, NULL);
}

/* ---- the build --------------------------------------------------------------
 */

struct queued {
	int64_t id;
	char *context;
	bool links, member;
	size_t n;
	int64_t *ident; /* the identifiers it gained */
	int *state;
};

struct build {
	struct store *st;
	const struct profile_opts *o;
	struct profile_stats *stats;
	int max_contexts, link_max;
	struct queued *q;
	size_t nq, qcap;
	int64_t *touched; /* listing ids whose finding needs its actor */
	size_t nt, tcap;
	const char *why;
	int rc;
};

static void touch(struct build *b, int64_t listing)
{
	b->touched =
		xgrow(b->touched, &b->tcap, b->nt + 1, sizeof(*b->touched));
	b->touched[b->nt++] = listing;
}

static int touch_cb(void *arg, int64_t listing)
{
	touch(arg, listing);
	return 0;
}

/* The finding's identifiers with where they were found. */
static size_t finding_edges(json_t *j, struct store_profile_edge **out)
{
	json_t *src = json_object_get(j, "identifier_sources"), *x;
	struct store_profile_edge *e = NULL;
	size_t n = 0, cap = 0, i;

	if (json_is_array(src)) {
		json_array_foreach(src, i, x)
		{
			const char *k =
				json_string_value(json_object_get(x, "kind"));
			const char *v =
				json_string_value(json_object_get(x, "value"));
			const char *w =
				json_string_value(json_object_get(x, "where"));
			enum ident_kind kind;
			if (!k || !v || !*v || ident_kind_parse(k, &kind) ||
			    strlen(v) >= IDENT_VALUE_MAX)
				continue;
			e = xgrow(e, &cap, n + 1, sizeof(*e));
			e[n++] = (struct store_profile_edge){
				.kind = k, .value = v, .where = w ? w : "text"};
		}
	} else {
		/* analysed before the sources were recorded: the export's
		 * identifiers alone */
		const char *k;
		json_object_foreach(json_object_get(j, "identifiers"), k, x)
		{
			enum ident_kind kind;
			json_t *v;
			if (ident_kind_parse(k, &kind))
				continue;
			json_array_foreach(x, i, v)
			{
				if (!json_string_value(v) ||
				    strlen(json_string_value(v)) >=
					    IDENT_VALUE_MAX)
					continue;
				e = xgrow(e, &cap, n + 1, sizeof(*e));
				e[n++] = (struct store_profile_edge){
					.kind = k,
					.value = json_string_value(v),
					.where = "text"};
			}
		}
	}
	*out = e;
	return n;
}

static int sync_one(void *arg, const struct store_profile_src *s)
{
	struct build *b = arg;
	struct store_profile_edge *e = NULL;
	struct store_profile_listing l;
	json_t *j;
	size_t n;
	int64_t id;
	bool changed = false;
	char *ctx;

	if (s->gone) {
		b->stats->dropped++;
		b->why = b->why ? b->why : "a listing went away";
		return (b->rc = store_profile_listing_drop(b->st,
							   s->profile_id));
	}
	j = json_loads(s->data, 0, NULL);
	if (!j)
		return 0; /* an unreadable finding is not profiled */
	n = finding_edges(j, &e);
	for (size_t i = 0; i < n; i++) {
		enum ident_kind kind;
		ident_kind_parse(e[i].kind, &kind);
		e[i].stop = b->o->stop &&
			    stoplist_match(b->o->stop, kind, e[i].value);
	}
	ctx = context_of(j);
	l = (struct store_profile_listing){
		.url = s->url,
		.capture_id = s->capture_id,
		.analyzed_at = s->analyzed_at,
		.first_seen = s->first_seen,
		.last_seen = s->last_seen,
		.context = ctx,
		.links = n <= (size_t)b->link_max,
	};
	b->rc = store_profile_listing_put(b->st, &l, e, n, &id, &changed);
	b->stats->synced++;
	if (!b->rc) {
		touch(b, id);
		if (changed && !b->why)
			b->why = "a listing lost identifiers or changed seller";
		if (!changed) {
			struct queued *q;
			b->q = xgrow(b->q, &b->qcap, b->nq + 1, sizeof(*b->q));
			q = &b->q[b->nq++];
			*q = (struct queued){.id = id,
					     .context = xstrdup(ctx),
					     .links = l.links,
					     .member = s->profile_id != 0};
			q->ident = xcalloc(n ? n : 1, sizeof(*q->ident));
			q->state = xcalloc(n ? n : 1, sizeof(*q->state));
			for (size_t i = 0; i < n; i++)
				if (e[i].added || !s->profile_id) {
					q->ident[q->n] = e[i].ident_id;
					q->state[q->n++] = e[i].state;
				}
		}
	}
	free(ctx);
	free(e);
	json_decref(j);
	return b->rc;
}

/* ---- incremental joins ------------------------------------------------------
 */

struct join {
	int64_t actor, ident, other;
};

struct joins {
	struct join *v;
	size_t n, cap;
	int64_t ident;
};

static int neighbour_cb(void *arg, int64_t actor, int64_t other)
{
	struct joins *js = arg;

	js->v = xgrow(js->v, &js->cap, js->n + 1, sizeof(*js->v));
	js->v[js->n++] = (struct join){actor, js->ident, other};
	return 0;
}

/* Whether actor a's anchor is older than actor b's. */
static int older(struct store *st, int64_t a, int64_t b, bool *res)
{
	struct store_profile_actor x, y;
	char *ua;
	int rc;

	if ((rc = store_profile_actor_get(st, a, &x)))
		return rc;
	ua = xstrdup(x.anchor_url ? x.anchor_url : "");
	if ((rc = store_profile_actor_get(st, b, &y))) {
		free(ua);
		return rc;
	}
	if (x.anchor_first_seen != y.anchor_first_seen)
		*res = x.anchor_first_seen < y.anchor_first_seen;
	else if (strcmp(ua, y.anchor_url ? y.anchor_url : ""))
		*res = strcmp(ua, y.anchor_url ? y.anchor_url : "") < 0;
	else
		*res = a < b;
	free(ua);
	return 0;
}

static int unlink_hub(struct build *b, int64_t ident, int64_t count);

static int join_one(struct build *b, const struct queued *q)
{
	struct store *st = b->st;
	struct joins js = {0};
	int64_t current = 0, winner = 0;
	char *linking = NULL;
	int rc = 0;

	/* 1. the frequency rule first: a hub found now splits what it
	 * joined before anything joins through the others */
	linking = xcalloc(q->n ? q->n : 1, sizeof(*linking));
	for (size_t i = 0; !rc && i < q->n; i++) {
		int64_t count = 0;
		bool added = false, hub = false;
		if (q->state[i] != CLUSTER_LINK)
			continue;
		rc = store_profile_context_add(st, q->ident[i], q->context,
					       &count, &added);
		/* past the threshold: a hub from now on (cluster.h) */
		hub = !rc && added && count > b->max_contexts;
		if (hub) {
			rc = unlink_hub(b, q->ident[i], count);
			continue;
		}
		linking[i] = 1;
	}
	/* 2. the actors it meets */
	if (!rc && q->member)
		store_profile_listing_actor(st, q->id, &current);
	for (size_t i = 0; !rc && q->links && i < q->n; i++) {
		if (!linking[i])
			continue;
		js.ident = q->ident[i];
		rc = store_profile_neighbours(st, q->ident[i], q->id,
					      neighbour_cb, &js);
	}
	if (rc)
		goto out;
	if (!js.n && !current) {
		/* its own actor, if it has identifiers at all (a listing
		 * profiled before has an actor exactly when it has some) */
		if (!q->n)
			goto out;
		if ((rc = store_profile_actor_next(st, &winner)) ||
		    (rc = store_profile_actor_put(st, winner, q->id, false, 0,
						  NULL)))
			goto out;
		b->stats->created++;
		rc = store_profile_member_set(st, q->id, winner);
		goto out;
	}
	/* the oldest anchor among the actors met keeps its id */
	winner = current ? current : js.v[0].actor;
	for (size_t i = 0; !rc && i < js.n; i++) {
		bool o = false;
		if (js.v[i].actor == winner)
			continue;
		rc = older(st, js.v[i].actor, winner, &o);
		if (!rc && o)
			winner = js.v[i].actor;
	}
	for (size_t i = 0; !rc && i < js.n; i++) {
		int64_t a = js.v[i].actor;
		bool seen = a == current && current;
		for (size_t k = 0; k < i && !seen; k++)
			seen = js.v[k].actor == a;
		if (seen)
			continue; /* one evidence row per actor met */
		if (a != winner) {
			rc = store_profile_actor_absorb(st, winner, a, touch_cb,
							b);
			b->stats->retired++;
		}
		if (!rc)
			rc = store_profile_merge_add(st, winner, js.v[i].ident,
						     js.v[i].other, q->id);
	}
	if (!rc && current && current != winner) {
		rc = store_profile_actor_absorb(st, winner, current, touch_cb,
						b);
		b->stats->retired++;
	}
	if (!rc && current != winner)
		rc = store_profile_member_set(st, q->id, winner);
out:
	free(linking);
	free(js.v);
	return rc;
}

/* ---- full rebuild
 * ------------------------------------------------------------ */

struct idmap {
	int64_t *id; /* engine index -> store id */
	size_t n, cap;
};

struct sorted {
	int64_t id;
	uint32_t idx;
};

struct rebuild {
	struct build *b;
	struct cluster *c;
	struct idmap L, I;
	int *istate; /* as loaded */
	int64_t *icontexts;
	size_t iscap, iccap;
	struct sorted *ls, *is; /* store id -> engine index */
};

static void map_add(struct idmap *m, int64_t id)
{
	m->id = xgrow(m->id, &m->cap, m->n + 1, sizeof(*m->id));
	m->id[m->n++] = id;
}

static int cmp_sorted(const void *x, const void *y)
{
	const struct sorted *a = x, *b = y;

	return (a->id > b->id) - (a->id < b->id);
}

static struct sorted *sort_map(const struct idmap *m)
{
	struct sorted *s = xmalloc((m->n ? m->n : 1) * sizeof(*s));

	for (size_t i = 0; i < m->n; i++)
		s[i] = (struct sorted){m->id[i], (uint32_t)i};
	qsort(s, m->n, sizeof(*s), cmp_sorted);
	return s;
}

static uint32_t lookup(const struct sorted *s, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s[mid].id == id)
			return s[mid].idx;
		if (s[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return CLUSTER_NONE;
}

static int rb_listing(void *arg, int64_t id, const char *context, bool links,
		      int64_t actor)
{
	struct rebuild *r = arg;
	char key[sizeof(id)];

	(void)links; /* the engine counts identifiers itself */
	memcpy(key, &id, sizeof(id));
	cluster_listing(r->c, key, sizeof(key), context, strlen(context),
			actor);
	map_add(&r->L, id);
	return 0;
}

static int rb_ident(void *arg, int64_t id, const char *kind, const char *value,
		    int state, int64_t contexts)
{
	struct rebuild *r = arg;
	char key[sizeof(id)];
	enum ident_kind k;
	uint32_t i;

	memcpy(key, &id, sizeof(id));
	i = cluster_ident(r->c, key, sizeof(key));
	if (r->b->o->stop && kind && value && !ident_kind_parse(kind, &k) &&
	    stoplist_match(r->b->o->stop, k, value))
		cluster_ident_stop(r->c, i);
	map_add(&r->I, id);
	r->istate = xgrow(r->istate, &r->iscap, r->I.n, sizeof(*r->istate));
	r->istate[i] = state;
	r->icontexts =
		xgrow(r->icontexts, &r->iccap, r->I.n, sizeof(*r->icontexts));
	r->icontexts[i] = contexts;
	return 0;
}

static int rb_edge(void *arg, int64_t listing, int64_t ident)
{
	struct rebuild *r = arg;
	uint32_t l = lookup(r->ls, r->L.n, listing),
		 i = lookup(r->is, r->I.n, ident);

	if (l != CLUSTER_NONE && i != CLUSTER_NONE)
		cluster_edge(r->c, l, i);
	return 0;
}

static int rb_actor(void *arg, int64_t id, int64_t anchor, bool retired)
{
	struct rebuild *r = arg;
	uint32_t a = anchor ? lookup(r->ls, r->L.n, anchor) : CLUSTER_NONE;

	cluster_prev_actor(r->c, id, a, retired);
	return 0;
}

/* Write what a run changed: actors first (members and evidence refer to
 * them), members, evidence; with `full` also identifier states and the
 * contexts incremental builds count from.  `local` (0 when full): the
 * actor whose evidence is replaced. */
static int write_run(struct build *b, struct rebuild *r, int64_t local)
{
	struct store *st = b->st;
	struct store_profile_batch *bt;
	const struct cluster_actor *ac;
	const struct cluster_merge *m;
	size_t na, nm;
	int rc = 0;

	ac = cluster_actors(r->c, &na);
	for (size_t i = 0; !rc && i < na; i++) {
		if (!ac[i].changed)
			continue;
		rc = store_profile_actor_put(
			st, ac[i].id,
			ac[i].anchor == CLUSTER_NONE ? 0
						     : r->L.id[ac[i].anchor],
			!ac[i].active, ac[i].merged_into, NULL);
		b->stats->created += ac[i].is_new;
		b->stats->retired += !ac[i].active;
	}
	if (!rc)
		rc = local ? store_profile_merges_drop(st, local)
			   : store_profile_rebuild_reset(st);
	bt = store_profile_batch_new(st);
	for (size_t l = 0; !rc && l < r->L.n; l++) {
		int64_t a = cluster_actor_of(r->c, (uint32_t)l);
		if (!cluster_listing_changed(r->c, (uint32_t)l))
			continue;
		touch(b, r->L.id[l]);
		if (a)
			rc = store_profile_batch_member(bt, r->L.id[l], a);
		else
			rc = store_profile_member_drop(st, r->L.id[l]);
	}
	m = cluster_merges(r->c, &nm);
	for (size_t k = 0; !rc && k < nm; k++)
		rc = store_profile_batch_merge(
			bt, cluster_actor_of(r->c, m[k].a), r->I.id[m[k].ident],
			r->L.id[m[k].a], r->L.id[m[k].b]);
	if (!local)
		b->stats->merges = (int64_t)nm;
	for (size_t i = 0; !rc && !local && i < r->I.n; i++) {
		enum cluster_ident_state s =
			cluster_ident_state(r->c, (uint32_t)i);
		uint32_t ctxs[CONTEXTS_CAP];
		size_t nc;
		int64_t nctx = cluster_ident_contexts(r->c, (uint32_t)i);
		b->stats->hubs += s == CLUSTER_HUB;
		if ((int)s != r->istate[i] || nctx != r->icontexts[i])
			rc = store_profile_ident_set(st, r->I.id[i], (int)s,
						     nctx);
		if (rc || s != CLUSTER_LINK)
			continue;
		/* the contexts an incremental build will count from */
		nc = cluster_ident_context_list(r->c, (uint32_t)i, ctxs,
						ARRAY_LEN(ctxs));
		for (size_t k = 0; !rc && k < nc; k++) {
			size_t len;
			const char *x =
				cluster_context_key(r->c, ctxs[k], &len);
			char *z = xstrndup(x, len);
			rc = store_profile_batch_context(bt, r->I.id[i], z);
			free(z);
		}
	}
	{
		int rc2 = store_profile_batch_end(bt);
		rc = rc ? rc : rc2;
	}
	return rc;
}

static void rebuild_free(struct rebuild *r)
{
	free(r->ls);
	free(r->is);
	free(r->L.id);
	free(r->I.id);
	free(r->istate);
	free(r->icontexts);
	cluster_free(r->c);
}

static int rebuild_all(struct build *b)
{
	struct cluster_opts co = {.max_contexts = b->max_contexts,
				  .link_max = b->link_max};
	struct rebuild r = {.b = b};
	struct store *st = b->st;
	int64_t next = 1;
	int rc;

	r.c = cluster_new(&co);
	rc = store_profile_load_listings(st, rb_listing, &r);
	r.ls = sort_map(&r.L);
	if (!rc)
		rc = store_profile_load_idents(st, rb_ident, &r);
	r.is = sort_map(&r.I);
	if (!rc)
		rc = store_profile_load_edges(st, rb_edge, &r);
	if (!rc)
		rc = store_profile_load_actors(st, rb_actor, &r);
	if (!rc)
		rc = store_profile_actor_next(st, &next);
	if (!rc) {
		cluster_next_id(r.c, next);
		cluster_run(r.c);
		b->stats->rebuilt = true;
		rc = write_run(b, &r, 0);
	}
	rebuild_free(&r);
	return rc;
}

/* ---- one actor again, when an identifier of it turned into a hub ----------
 */

struct local {
	struct rebuild r;
	int64_t actor;
	bool has_self;
};

static int lc_member(void *arg, const struct store_profile_member *m)
{
	struct local *lc = arg;
	char key[sizeof(m->listing)];

	memcpy(key, &m->listing, sizeof(key));
	cluster_listing(lc->r.c, key, sizeof(key), "", 0, lc->actor);
	map_add(&lc->r.L, m->listing);
	return 0;
}

static int lc_edge(void *arg, const struct store_profile_edge_row *e)
{
	struct local *lc = arg;
	char key[sizeof(e->ident)];
	uint32_t i, l = lookup(lc->r.ls, lc->r.L.n, e->listing);

	memcpy(key, &e->ident, sizeof(key));
	i = cluster_ident(lc->r.c, key, sizeof(key));
	if (i == lc->r.I.n) {
		map_add(&lc->r.I, e->ident);
		cluster_ident_state_set(lc->r.c, i,
					(enum cluster_ident_state)e->state);
	}
	if (l != CLUSTER_NONE)
		cluster_edge(lc->r.c, l, i);
	return 0;
}

static int lc_actor(void *arg, int64_t id, int64_t anchor, bool retired)
{
	struct local *lc = arg;

	lc->has_self |= id == lc->actor;
	return rb_actor(&lc->r, id, anchor, retired);
}

/* Cluster the members of one actor again with the identifier states as
 * stored: the same as a full rebuild would do to them, since an actor is
 * closed under linking identifiers.  Actors it once absorbed whose
 * anchors end up apart are revived. */
static int recluster_actor(struct build *b, int64_t actor)
{
	struct cluster_opts co = {.max_contexts = b->max_contexts,
				  .link_max = b->link_max,
				  .fixed_states = true};
	struct local lc = {.r = {.b = b}, .actor = actor};
	struct store *st = b->st;
	int64_t next = 1;
	int rc;

	lc.r.c = cluster_new(&co);
	rc = store_profile_members(st, actor, lc_member, &lc);
	lc.r.ls = sort_map(&lc.r.L);
	if (!rc)
		rc = store_profile_edges(st, actor, lc_edge, &lc);
	if (!rc)
		rc = store_profile_actors_anchored(st, actor, lc_actor, &lc);
	if (!rc && !lc.has_self)
		cluster_prev_actor(lc.r.c, actor, CLUSTER_NONE, false);
	if (!rc)
		rc = store_profile_actor_next(st, &next);
	if (!rc) {
		cluster_next_id(lc.r.c, next);
		cluster_run(lc.r.c);
		rc = write_run(b, &lc.r, actor);
	}
	rebuild_free(&lc.r);
	return rc;
}

static int actors_cb(void *arg, int64_t actor, int64_t other)
{
	struct joins *js = arg;

	(void)other;
	for (size_t i = 0; i < js->n; i++)
		if (js->v[i].actor == actor)
			return 0;
	js->v = xgrow(js->v, &js->cap, js->n + 1, sizeof(*js->v));
	js->v[js->n++] = (struct join){.actor = actor};
	return 0;
}

/* Identifier `ident` became a hub: record it and split what it joined. */
static int unlink_hub(struct build *b, int64_t ident, int64_t count)
{
	struct joins js = {0};
	int rc = store_profile_ident_set(b->st, ident, CLUSTER_HUB, count);

	if (!rc)
		rc = store_profile_neighbours(b->st, ident, 0, actors_cb, &js);
	for (size_t i = 0; !rc && i < js.n; i++)
		rc = recluster_actor(b, js.v[i].actor);
	b->stats->hubs++;
	free(js.v);
	return rc;
}

/* ---- the actor flows back into the findings --------------------------------
 */

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return (a > b) - (a < b);
}

static int write_back(struct build *b)
{
	int rc = 0;

	if (b->nt)
		qsort(b->touched, b->nt, sizeof(*b->touched), cmp_i64);
	for (size_t i = 0; !rc && i < b->nt; i++) {
		char *url = NULL, *data = NULL, *out;
		int64_t actor = 0;
		char name[32];
		json_t *j, *want, *have;

		if (i && b->touched[i] == b->touched[i - 1])
			continue;
		if (store_profile_listing_get(b->st, b->touched[i], &url,
					      &actor))
			continue;
		if (store_profile_finding_get(b->st, url, &data)) {
			free(url);
			continue;
		}
		j = json_loads(data, 0, NULL);
		if (j) {
			profile_actor_name(actor, name);
			want = actor ? json_string(name) : json_null();
			have = json_object_get(j, "actor");
			if (!json_equal(have, want)) {
				json_object_set(j, "actor", want);
				out = json_dumps(
					j, JSON_COMPACT | JSON_PRESERVE_ORDER);
				if (out)
					rc = store_profile_finding_set(
						b->st, url, out);
				b->stats->findings++;
				free(out);
			}
			json_decref(want);
			json_decref(j);
		}
		free(url);
		free(data);
	}
	return rc;
}

int profile_build(struct store *st, const struct profile_opts *o,
		  struct profile_stats *out)
{
	struct build b = {.st = st, .o = o, .stats = out};
	char *prev = NULL, *mark = NULL, settings[160];
	int64_t since = 0, newest = 0;
	int64_t t0 = time_mono_ms();
	bool full = o->rebuild;
	int rc;

	memset(out, 0, sizeof(*out));
	b.max_contexts =
		o->max_contexts > 0 ? o->max_contexts : CLUSTER_MAX_CONTEXTS;
	b.link_max = o->link_max > 0 ? o->link_max : IDENT_LINK_MAX;
	snprintf(settings, sizeof(settings), "v%d contexts=%d links=%d stop=%s",
		 SETTINGS_VERSION, b.max_contexts, b.link_max,
		 o->stop ? stoplist_digest(o->stop) : "-");
	if ((rc = store_begin(st)))
		return rc;
	if ((rc = store_profile_lock(st)))
		goto fail;
	if (full)
		b.why = "asked for (--rebuild)";
	rc = store_profile_state_get(st, "settings", &prev);
	if (rc == ERR_NOTFOUND) {
		full = true;
		b.why = b.why ? b.why : "first build";
	} else if (!rc && strcmp(prev, settings)) {
		full = true;
		b.why = b.why ? b.why
			      : "the frequency rule or the stop list changed";
	} else if (rc) {
		goto fail;
	}
	/* Only findings analysed since the last build, with a margin for an
	 * analysis that committed late; all of them for a full build. */
	if (!full && !store_profile_state_get(st, "watermark", &mark) &&
	    !parse_i64(mark, 0, INT64_MAX, &since))
		since = MAX(since - WATERMARK_MARGIN_MS, (int64_t)1);
	else
		since = 0;
	rc = store_profile_pending(st, since, sync_one, &b, &newest);
	if (!rc)
		rc = b.rc;
	if (rc)
		goto fail;
	full |= b.why != NULL;
	for (size_t i = 0; !full && !rc && i < b.nq; i++) {
		rc = join_one(&b, &b.q[i]);
		if (rc == ERR_AGAIN) {
			full = true;
			rc = 0;
		}
	}
	if (!rc && full)
		rc = rebuild_all(&b);
	if (!rc)
		rc = write_back(&b);
	if (!rc)
		rc = store_profile_state_set(st, "settings", settings);
	if (!rc) {
		char t[32];
		snprintf(t, sizeof(t), "%lld", (long long)newest);
		rc = store_profile_state_set(st, "watermark", t);
	}
	if (!rc)
		rc = store_profile_counts(st, &out->actors, &out->listings);
	if (rc)
		goto fail;
	if ((rc = store_commit(st)))
		goto done;
	out->why = full ? b.why : NULL;
	goto done;
fail:
	store_rollback(st);
done:
	for (size_t i = 0; i < b.nq; i++) {
		free(b.q[i].context);
		free(b.q[i].ident);
		free(b.q[i].state);
	}
	free(b.q);
	free(b.touched);
	free(prev);
	free(mark);
	out->seconds = (double)(time_mono_ms() - t0) / 1000.0;
	return rc;
}

/* ---- one actor as JSON (the Dokumen Profiling's input)
 * ------------------------- */

static const char *const kinds[] = {"phone", "email", "bank", "handle",
				    "domain"};

static json_t *empty_identifiers(void)
{
	json_t *o = json_object();

	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		json_object_set_new(o, kinds[i], json_array());
	return o;
}

static json_t *time_json(int64_t ms)
{
	char t[32];

	if (!ms)
		return json_null();
	time_rfc3339(ms, t);
	return json_string(t);
}

/* Append s to the array unless `seen` (an object used as a set) has it. */
static void add_unique(json_t *arr, json_t *seen, const char *s)
{
	if (!s || json_object_get(seen, s))
		return;
	json_object_set_new(seen, s, json_true());
	json_array_append_new(arr, json_string(s));
}

/* Space-separated codes ("NO_NIE BKO") counted into obj. */
static void count_codes(json_t *obj, const char *codes)
{
	for (const char *p = codes; p && *p;) {
		size_t n = strcspn(p, " ");
		if (n) {
			char *c = xstrndup(p, n);
			json_int_t k =
				json_integer_value(json_object_get(obj, c));
			json_object_set_new(obj, c, json_integer(k + 1));
			free(c);
		}
		p += n;
		while (*p == ' ')
			p++;
	}
}

struct actor_doc {
	json_t *listings, *platforms, *pseen, *violations;
	json_t *ids, *iseen, *edges, *common, *cseen, *merges;
};

static int doc_member(void *arg, const struct store_profile_member *m)
{
	struct actor_doc *d = arg;
	json_t *j = m->data ? json_loads(m->data, 0, NULL) : NULL;
	json_t *ev = json_object_get(j, "evidence"), *o = json_object();
	json_t *viol = json_object_get(j, "violations");

	json_object_set_new(o, "url", json_string(m->url));
	json_object_set(o, "title",
			json_object_get(j, "title")
				? json_object_get(j, "title")
				: json_null());
	json_object_set_new(o, "platform",
			    m->platform ? json_string(m->platform)
					: json_null());
	json_object_set(o, "commodity",
			json_object_get(j, "commodity")
				? json_object_get(j, "commodity")
				: json_null());
	json_object_set_new(o, "violations",
			    json_is_array(viol) ? json_incref(viol)
						: json_array());
	json_object_set_new(o, "first_seen", time_json(m->first_seen));
	json_object_set_new(o, "last_seen", time_json(m->last_seen));
	json_object_set(o, "sha256",
			json_object_get(ev, "sha256")
				? json_object_get(ev, "sha256")
				: json_null());
	json_object_set(o, "warc_file",
			json_object_get(ev, "warc_file")
				? json_object_get(ev, "warc_file")
				: json_null());
	json_array_append_new(d->listings, o);
	add_unique(d->platforms, d->pseen, m->platform);
	count_codes(d->violations, m->violations);
	json_decref(j);
	return 0;
}

static int doc_edge(void *arg, const struct store_profile_edge_row *e)
{
	struct actor_doc *d = arg;
	char key[IDENT_VALUE_MAX + 16];

	if (!e->kind || !e->value)
		return 0;
	snprintf(key, sizeof(key), "%s:%s", e->kind, e->value);
	if (e->state != CLUSTER_LINK) {
		if (!json_object_get(d->cseen, key)) {
			json_t *o = json_object();
			json_object_set_new(d->cseen, key, json_true());
			json_object_set_new(o, "kind", json_string(e->kind));
			json_object_set_new(o, "value", json_string(e->value));
			json_object_set_new(
				o, "why",
				json_string(e->state == CLUSTER_STOP
						    ? "stop list"
						    : "too common"));
			json_array_append_new(d->common, o);
		}
		return 0;
	}
	if (!json_object_get(d->iseen, key)) {
		json_t *arr = json_object_get(d->ids, e->kind);
		json_object_set_new(d->iseen, key, json_true());
		if (arr)
			json_array_append_new(arr, json_string(e->value));
	}
	{
		json_t *o = json_object();
		json_object_set_new(o, "listing", json_string(e->url));
		json_object_set_new(o, "kind", json_string(e->kind));
		json_object_set_new(o, "value", json_string(e->value));
		json_object_set_new(
			o, "found_in",
			json_string(e->found_in ? e->found_in : "text"));
		json_array_append_new(d->edges, o);
	}
	return 0;
}

static int doc_merge(void *arg, const struct store_profile_merge_row *m)
{
	struct actor_doc *d = arg;
	json_t *o = json_object(), *ls = json_array();
	char *id = xasprintf("%s:%s", m->kind ? m->kind : "?",
			     m->value ? m->value : "");

	json_object_set_new(o, "identifier", json_string(id));
	free(id);
	json_array_append_new(ls, json_string(m->url_a));
	json_array_append_new(ls, json_string(m->url_b));
	json_object_set_new(o, "listings", ls);
	json_array_append_new(d->merges, o);
	return 0;
}

char *profile_actor_json(struct store *st, int64_t actor_id)
{
	struct store_profile_actor a;
	struct actor_doc d;
	json_t *j;
	char name[32], *label = NULL, *text = NULL;
	int rc;

	for (int hops = 0;; hops++) {
		if (store_profile_actor_get(st, actor_id, &a))
			return NULL;
		if (!a.retired || !a.merged_into || hops > 64)
			break;
		actor_id = a.merged_into;
	}
	if (a.retired || !a.listings)
		return NULL;
	if (a.label)
		label = xstrdup(a.label);
	d = (struct actor_doc){
		.listings = json_array(),
		.platforms = json_array(),
		.pseen = json_object(),
		.violations = json_object(),
		.ids = empty_identifiers(),
		.iseen = json_object(),
		.edges = json_array(),
		.common = json_array(),
		.cseen = json_object(),
		.merges = json_array(),
	};
	rc = store_profile_members(st, actor_id, doc_member, &d);
	if (!rc)
		rc = store_profile_edges(st, actor_id, doc_edge, &d);
	if (!rc)
		rc = store_profile_merges(st, actor_id, doc_merge, &d);
	profile_actor_name(actor_id, name);
	j = json_object();
	json_object_set_new(j, "id", json_string(name));
	json_object_set_new(j, "label",
			    label ? json_string(label) : json_null());
	json_object_set_new(j, "identifiers", d.ids);
	json_object_set_new(j, "platforms", d.platforms);
	json_object_set_new(j, "violations", d.violations);
	json_object_set_new(j, "listings", d.listings);
	json_object_set_new(j, "edges", d.edges);
	json_object_set_new(j, "merges", d.merges);
	json_object_set_new(j, "common_identifiers", d.common);
	json_object_set_new(j, "generated_at", time_json(time_now_ms()));
	if (!rc)
		text = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(j);
	json_decref(d.pseen);
	json_decref(d.iseen);
	json_decref(d.cseen);
	free(label);
	return text;
}

/* ---- exports ----------------------------------------------------------------
 */

/* Pass 1 of the JSON export: every actor's listings, platforms and
 * violation counts, kept as JSON per actor (ordered by actor id). */
struct ex_actor {
	int64_t id;
	json_t *listings, *platforms, *pseen, *violations;
};

struct ex {
	FILE *out;
	struct ex_actor *a;
	size_t n, cap, cur;
	json_t *ids, *iseen;
	int64_t ids_of;
	size_t written;
	int rc;
};

static int ex_member(void *arg, const struct store_profile_member *m)
{
	struct ex *x = arg;
	struct ex_actor *a;

	if (!x->n || x->a[x->n - 1].id != m->actor) {
		x->a = xgrow(x->a, &x->cap, x->n + 1, sizeof(*x->a));
		x->a[x->n++] = (struct ex_actor){.id = m->actor,
						 .listings = json_array(),
						 .platforms = json_array(),
						 .pseen = json_object(),
						 .violations = json_object()};
	}
	a = &x->a[x->n - 1];
	json_array_append_new(a->listings, json_string(m->url));
	add_unique(a->platforms, a->pseen, m->platform);
	count_codes(a->violations, m->violations);
	return 0;
}

/* Write the actor of x->cur with the identifiers gathered. */
static void ex_emit(struct ex *x)
{
	struct ex_actor *a = &x->a[x->cur];
	json_t *o = json_object();
	char name[32];

	profile_actor_name(a->id, name);
	json_object_set_new(o, "id", json_string(name));
	json_object_set_new(o, "listings", a->listings);
	json_object_set_new(o, "identifiers",
			    x->ids && x->ids_of == a->id ? json_incref(x->ids)
							 : empty_identifiers());
	json_object_set_new(o, "platforms", a->platforms);
	json_object_set_new(o, "violations", a->violations);
	json_decref(a->pseen);
	a->listings = a->platforms = a->pseen = a->violations = NULL;
	fputs(x->written++ ? ",\n  " : "\n  ", x->out);
	if (json_dumpf(o, x->out, JSON_COMPACT | JSON_PRESERVE_ORDER))
		x->rc = ERR_FAIL;
	json_decref(o);
	x->cur++;
}

static void ex_new_ids(struct ex *x, int64_t actor)
{
	json_decref(x->ids);
	json_decref(x->iseen);
	x->ids = empty_identifiers();
	x->iseen = json_object();
	x->ids_of = actor;
}

static int ex_edge(void *arg, const struct store_profile_edge_row *e)
{
	struct ex *x = arg;
	char key[IDENT_VALUE_MAX + 16];

	if (e->actor != x->ids_of) {
		/* actors before this one are complete */
		while (x->cur < x->n && x->a[x->cur].id < e->actor)
			ex_emit(x);
		ex_new_ids(x, e->actor);
	}
	if (e->state != CLUSTER_LINK || !e->kind || !e->value)
		return 0;
	snprintf(key, sizeof(key), "%s:%s", e->kind, e->value);
	if (!json_object_get(x->iseen, key)) {
		json_t *arr = json_object_get(x->ids, e->kind);
		json_object_set_new(x->iseen, key, json_true());
		if (arr)
			json_array_append_new(arr, json_string(e->value));
	}
	return 0;
}

int profile_export_json(struct store *st, FILE *out)
{
	struct ex x = {.out = out};
	int rc = store_profile_members(st, 0, ex_member, &x);

	fputs("{\"actors\": [", out);
	if (!rc)
		rc = store_profile_edges(st, 0, ex_edge, &x);
	while (!rc && x.cur < x.n)
		ex_emit(&x);
	fputs(x.written ? "\n]}\n" : "]}\n", out);
	for (size_t i = x.cur; i < x.n; i++) {
		json_decref(x.a[i].listings);
		json_decref(x.a[i].platforms);
		json_decref(x.a[i].pseen);
		json_decref(x.a[i].violations);
	}
	free(x.a);
	json_decref(x.ids);
	json_decref(x.iseen);
	if (!rc)
		rc = x.rc;
	return rc ? rc : ferror(out) ? ERR_FAIL : 0;
}

/* ---- GraphML
 * ------------------------------------------------------------------ */

static void xml_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			/* XML 1.0 has no place for most control bytes */
			if (c >= 0x20 || c == '\t' || c == '\n')
				fputc(c, f);
		}
	}
}

static void xml_data(FILE *f, const char *key, const char *v)
{
	fprintf(f, "<data key=\"%s\">", key);
	xml_text(f, v);
	fputs("</data>", f);
}

struct gx {
	FILE *out;
	int64_t last_listing;
	struct gx_ident {
		int64_t id;
		char *kind, *value;
		int state;
	} * ids;
	size_t n, cap;
	int pass;
};

static int cmp_gx(const void *x, const void *y)
{
	const struct gx_ident *a = x, *b = y;

	return (a->id > b->id) - (a->id < b->id);
}

static int gx_edge(void *arg, const struct store_profile_edge_row *e)
{
	struct gx *g = arg;
	char name[32];

	if (g->pass == 2) {
		fprintf(g->out, "<edge source=\"l%lld\" target=\"i%lld\">",
			(long long)e->listing, (long long)e->ident);
		xml_data(g->out, "found_in", e->found_in);
		fputs("</edge>\n", g->out);
		return 0;
	}
	if (e->listing != g->last_listing) {
		char t[32];
		g->last_listing = e->listing;
		profile_actor_name(e->actor, name);
		fprintf(g->out, "<node id=\"l%lld\">", (long long)e->listing);
		xml_data(g->out, "type", "listing");
		xml_data(g->out, "label", e->url);
		xml_data(g->out, "url", e->url);
		xml_data(g->out, "platform", e->platform ? e->platform : "");
		xml_data(g->out, "actor", name);
		xml_data(g->out, "violations",
			 e->violations ? e->violations : "");
		time_rfc3339(e->first_seen, t);
		xml_data(g->out, "first_seen", t);
		fputs("</node>\n", g->out);
	}
	g->ids = xgrow(g->ids, &g->cap, g->n + 1, sizeof(*g->ids));
	g->ids[g->n++] = (struct gx_ident){e->ident, xstrdup(e->kind),
					   xstrdup(e->value), e->state};
	return 0;
}

int profile_export_graphml(struct store *st, FILE *out)
{
	static const char *const keys[][2] = {
		{"type", "node"},	{"label", "node"},
		{"url", "node"},	{"platform", "node"},
		{"actor", "node"},	{"violations", "node"},
		{"first_seen", "node"}, {"kind", "node"},
		{"value", "node"},	{"linking", "node"},
		{"found_in", "edge"},
	};
	struct gx g = {.out = out, .last_listing = -1, .pass = 1};
	int rc;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n",
	      out);
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		fprintf(out,
			"<key id=\"%s\" for=\"%s\" attr.name=\"%s\" "
			"attr.type=\"%s\"/>\n",
			keys[i][0], keys[i][1], keys[i][0],
			strcmp(keys[i][0], "linking") ? "string" : "boolean");
	fputs("<graph id=\"patroli-actors\" edgedefault=\"undirected\">\n",
	      out);
	rc = store_profile_edges(st, 0, gx_edge, &g);
	if (g.n)
		qsort(g.ids, g.n, sizeof(*g.ids), cmp_gx);
	for (size_t i = 0; i < g.n; i++) {
		char label[IDENT_VALUE_MAX + 16];
		if (i && g.ids[i].id == g.ids[i - 1].id)
			continue;
		snprintf(label, sizeof(label), "%s:%s", g.ids[i].kind,
			 g.ids[i].value);
		fprintf(out, "<node id=\"i%lld\">", (long long)g.ids[i].id);
		xml_data(out, "type", "identifier");
		xml_data(out, "label", label);
		xml_data(out, "kind", g.ids[i].kind);
		xml_data(out, "value", g.ids[i].value);
		xml_data(out, "linking",
			 g.ids[i].state == CLUSTER_LINK ? "true" : "false");
		fputs("</node>\n", out);
	}
	for (size_t i = 0; i < g.n; i++) {
		free(g.ids[i].kind);
		free(g.ids[i].value);
	}
	free(g.ids);
	g.pass = 2;
	if (!rc)
		rc = store_profile_edges(st, 0, gx_edge, &g);
	fputs("</graph>\n</graphml>\n", out);
	return rc ? rc : ferror(out) ? ERR_FAIL : 0;
}

/* ---- CSV
 * ---------------------------------------------------------------------- */

static void csv_field(FILE *f, const char *s, bool last)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
	fputs(last ? "\r\n" : ",", f);
}

static int csv_edge(void *arg, const struct store_profile_edge_row *e)
{
	FILE *f = arg;
	char name[32], t1[32], t2[32];

	profile_actor_name(e->actor, name);
	time_rfc3339(e->first_seen, t1);
	time_rfc3339(e->last_seen, t2);
	csv_field(f, name, false);
	csv_field(f, e->url, false);
	csv_field(f, e->platform, false);
	csv_field(f, e->kind, false);
	csv_field(f, e->value, false);
	csv_field(f, e->found_in, false);
	csv_field(f, e->state == CLUSTER_LINK ? "true" : "false", false);
	csv_field(f, e->violations, false);
	csv_field(f, t1, false);
	csv_field(f, t2, true);
	return 0;
}

int profile_export_csv(struct store *st, FILE *out)
{
	int rc;

	fputs("\xEF\xBB\xBF" /* BOM: Excel reads UTF-8 */
	      "actor,listing_url,platform,kind,value,found_in,linking,"
	      "violations,first_seen,last_seen\r\n",
	      out);
	rc = store_profile_edges(st, 0, csv_edge, out);
	return rc ? rc : ferror(out) ? ERR_FAIL : 0;
}
