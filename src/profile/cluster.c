/*
 * cluster.c - the clustering engine (see cluster.h for the rules).
 *
 * Memory layout, per element: a listing is a context index, a previous
 * and a current actor id, a union-find parent and rank, and an identifier
 * count (about 40 bytes with its interned key); an identifier is a state
 * byte, a context count and a representative listing; an edge is two
 * 32-bit indices.  Strings live in one arena per table, found through an
 * open-addressing table of indices (load factor at most 1/2).  The run
 * turns the edge list into a compressed adjacency (identifier → listings)
 * with two counting passes, so nothing is allocated per element.
 */
#include "profile/cluster.h"

#include <stdlib.h>
#include <string.h>

#include "profile/ident.h"

#define CTX_CAP 64 /* contexts listed per identifier */

/* ---- string interning -------------------------------------------------------
 */

struct istr {
	uint32_t off, len, hash;
};

struct intern {
	char *arena;
	size_t alen, acap;
	struct istr *s;
	size_t n, cap;
	uint64_t *slot; /* hash << 32 | index + 1; 0 = empty */
	size_t mask;
};

static uint32_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n, v;

	while (n >= 8) {
		memcpy(&v, p, 8);
		h = (h ^ v) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	v = 0;
	memcpy(&v, p, n);
	h = (h ^ v) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 32;
	return (uint32_t)h;
}

static void intern_rehash(struct intern *t, size_t nslots)
{
	free(t->slot);
	t->slot = xcalloc(nslots, sizeof(*t->slot));
	t->mask = nslots - 1;
	for (size_t i = 0; i < t->n; i++) {
		size_t k = t->s[i].hash & t->mask;
		while (t->slot[k])
			k = (k + 1) & t->mask;
		t->slot[k] = (uint64_t)t->s[i].hash << 32 | (uint32_t)(i + 1);
	}
}

/* Index of the string, adding it when new (*added may be NULL). */
static uint32_t intern_get(struct intern *t, const char *p, size_t n,
			   bool *added)
{
	uint32_t h = hash_bytes(p, n);
	size_t k;

	if (added)
		*added = false;
	if (!t->slot)
		intern_rehash(t, 1024);
	/* the hash in the slot spares a look at the string for every
	 * probe that is not it */
	for (k = h & t->mask; t->slot[k]; k = (k + 1) & t->mask) {
		const struct istr *e;
		if ((uint32_t)(t->slot[k] >> 32) != h)
			continue;
		e = &t->s[(uint32_t)t->slot[k] - 1];
		if (e->len == n && !memcmp(t->arena + e->off, p, n))
			return (uint32_t)t->slot[k] - 1;
	}
	if (t->alen + n > UINT32_MAX || t->n >= UINT32_MAX - 1)
		die("cluster: more than 4 GiB of keys");
	t->arena = xgrow(t->arena, &t->acap, t->alen + n + 1, 1);
	memcpy(t->arena + t->alen, p, n);
	t->s = xgrow(t->s, &t->cap, t->n + 1, sizeof(*t->s));
	t->s[t->n] = (struct istr){(uint32_t)t->alen, (uint32_t)n, h};
	t->alen += n;
	t->slot[k] = (uint64_t)h << 32 | (uint32_t)(t->n + 1);
	t->n++;
	if (added)
		*added = true;
	if (t->n * 2 > t->mask + 1)
		intern_rehash(t, (t->mask + 1) * 2);
	return (uint32_t)t->n - 1;
}

static void intern_free(struct intern *t)
{
	free(t->arena);
	free(t->s);
	free(t->slot);
}

/* ---- the engine -------------------------------------------------------------
 */

struct cluster {
	struct cluster_opts o;
	struct intern L, I, X; /* listings, identifiers, contexts */
	/* per listing */
	uint32_t *lctx, *parent, *nids;
	int64_t *lprev, *actor;
	uint8_t *rank, *lchanged;
	size_t lcap;
	/* per identifier */
	uint8_t *ist;
	uint32_t *icnt, *irep, *ihead;
	size_t icap;
	/* edges, and the chain of those added after the last run */
	uint32_t *el, *ei, *enext;
	size_t ne, ecap, ne_done;
	/* identifier -> listings, and -> its distinct contexts (run) */
	uint32_t *csr_off, *csr_l, *ictx_off, *ictx;
	size_t ni_run;
	/* evidence */
	struct cluster_merge *m;
	size_t nm, mcap;
	/* actors: the previous ones, then the assignment's */
	struct cluster_actor *a;
	size_t na, acap;
	int64_t next_id;
	bool next_set, ran;
	size_t ngroups;
};

struct cluster *cluster_new(const struct cluster_opts *o)
{
	struct cluster *c = xcalloc(1, sizeof(*c));

	if (o)
		c->o = *o;
	if (c->o.max_contexts <= 0)
		c->o.max_contexts = CLUSTER_MAX_CONTEXTS;
	if (c->o.link_max <= 0)
		c->o.link_max = IDENT_LINK_MAX;
	return c;
}

void cluster_free(struct cluster *c)
{
	if (!c)
		return;
	intern_free(&c->L);
	intern_free(&c->I);
	intern_free(&c->X);
	free(c->lctx);
	free(c->parent);
	free(c->nids);
	free(c->lprev);
	free(c->actor);
	free(c->rank);
	free(c->lchanged);
	free(c->ist);
	free(c->icnt);
	free(c->irep);
	free(c->ihead);
	free(c->el);
	free(c->ei);
	free(c->enext);
	free(c->csr_off);
	free(c->csr_l);
	free(c->ictx_off);
	free(c->ictx);
	free(c->m);
	free(c->a);
	free(c);
}

static void grow_listings(struct cluster *c, size_t need)
{
	size_t cap;

	if (need <= c->lcap)
		return;
	cap = MAX(need, c->lcap * 2);
	cap = MAX(cap, (size_t)1024);
	c->lctx = xrealloc(c->lctx, cap * sizeof(*c->lctx));
	c->parent = xrealloc(c->parent, cap * sizeof(*c->parent));
	c->nids = xrealloc(c->nids, cap * sizeof(*c->nids));
	c->lprev = xrealloc(c->lprev, cap * sizeof(*c->lprev));
	c->actor = xrealloc(c->actor, cap * sizeof(*c->actor));
	c->rank = xrealloc(c->rank, cap * sizeof(*c->rank));
	c->lchanged = xrealloc(c->lchanged, cap * sizeof(*c->lchanged));
	c->lcap = cap;
}

static void grow_idents(struct cluster *c, size_t need)
{
	size_t cap;

	if (need <= c->icap)
		return;
	cap = MAX(need, c->icap * 2);
	cap = MAX(cap, (size_t)1024);
	c->ist = xrealloc(c->ist, cap * sizeof(*c->ist));
	c->icnt = xrealloc(c->icnt, cap * sizeof(*c->icnt));
	c->irep = xrealloc(c->irep, cap * sizeof(*c->irep));
	c->ihead = xrealloc(c->ihead, cap * sizeof(*c->ihead));
	c->icap = cap;
}

uint32_t cluster_listing(struct cluster *c, const char *key, size_t n,
			 const char *ctx, size_t ctxn, int64_t prev_actor)
{
	bool added;
	uint32_t l = intern_get(&c->L, key, n, &added);

	if (!added)
		return l;
	grow_listings(c, c->L.n);
	c->lctx[l] = intern_get(&c->X, ctx, ctxn, NULL);
	c->parent[l] = l;
	c->rank[l] = 0;
	c->nids[l] = 0;
	c->lprev[l] = prev_actor;
	c->actor[l] = 0;
	c->lchanged[l] = 0;
	return l;
}

uint32_t cluster_ident(struct cluster *c, const char *key, size_t n)
{
	bool added;
	uint32_t i = intern_get(&c->I, key, n, &added);

	if (added) {
		grow_idents(c, c->I.n);
		c->ist[i] = CLUSTER_LINK;
		c->icnt[i] = 0;
		c->irep[i] = CLUSTER_NONE;
		c->ihead[i] = CLUSTER_NONE;
	}
	return i;
}

void cluster_ident_stop(struct cluster *c, uint32_t ident)
{
	if (ident < c->I.n)
		c->ist[ident] = CLUSTER_STOP;
}

void cluster_ident_state_set(struct cluster *c, uint32_t ident,
			     enum cluster_ident_state s)
{
	if (ident < c->I.n)
		c->ist[ident] = (uint8_t)s;
}

void cluster_edge(struct cluster *c, uint32_t listing, uint32_t ident)
{
	if (listing >= c->L.n || ident >= c->I.n)
		return;
	if (c->ne >= UINT32_MAX - 1)
		die("cluster: more than 4 billion edges");
	if (c->ne + 1 > c->ecap) {
		size_t cap = MAX(c->ecap * 2, (size_t)4096);
		c->el = xrealloc(c->el, cap * sizeof(*c->el));
		c->ei = xrealloc(c->ei, cap * sizeof(*c->ei));
		c->enext = xrealloc(c->enext, cap * sizeof(*c->enext));
		c->ecap = cap;
	}
	c->el[c->ne] = listing;
	c->ei[c->ne] = ident;
	c->enext[c->ne] = CLUSTER_NONE;
	c->ne++;
	c->nids[listing]++;
}

void cluster_prev_actor(struct cluster *c, int64_t id, uint32_t anchor,
			bool retired)
{
	c->a = xgrow(c->a, &c->acap, c->na + 1, sizeof(*c->a));
	c->a[c->na++] = (struct cluster_actor){
		.id = id, .anchor = anchor, .active = !retired};
}

void cluster_next_id(struct cluster *c, int64_t next)
{
	c->next_id = next;
	c->next_set = true;
}

/* ---- union-find
 * -------------------------------------------------------------- */

static uint32_t find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]]; /* path halving */
		x = parent[x];
	}
	return x;
}

/* Join the groups of a and b; false when they were one already. */
static bool unite(struct cluster *c, uint32_t a, uint32_t b)
{
	uint32_t ra = find(c->parent, a), rb = find(c->parent, b);

	if (ra == rb)
		return false;
	if (c->rank[ra] < c->rank[rb]) {
		uint32_t t = ra;
		ra = rb;
		rb = t;
	}
	c->parent[rb] = ra;
	if (c->rank[ra] == c->rank[rb])
		c->rank[ra]++;
	return true;
}

static void evidence(struct cluster *c, uint32_t ident, uint32_t a, uint32_t b)
{
	c->m = xgrow(c->m, &c->mcap, c->nm + 1, sizeof(*c->m));
	c->m[c->nm++] = (struct cluster_merge){ident, a, b};
}

static bool links(const struct cluster *c, uint32_t l)
{
	return c->nids[l] <= (uint32_t)c->o.link_max;
}

/* ---- actor assignment ------------------------------------------------------
 */

struct byid {
	int64_t id;
	uint32_t k;
};

static int cmp_byid(const void *x, const void *y)
{
	const struct byid *p = x, *q = y;

	return (p->id > q->id) - (p->id < q->id);
}

/* Index of the actor with this id, or CLUSTER_NONE. */
static uint32_t actor_index(const struct byid *v, size_t n, int64_t id)
{
	const struct byid key = {.id = id};
	const struct byid *hit =
		n ? bsearch(&key, v, n, sizeof(*v), cmp_byid) : NULL;

	return hit ? hit->k : CLUSTER_NONE;
}

struct pair {
	uint32_t k;
	uint32_t v;
};

static int cmp_pair(const void *x, const void *y)
{
	const struct pair *p = x, *q = y;

	if (p->k != q->k)
		return p->k < q->k ? -1 : 1;
	return (p->v > q->v) - (p->v < q->v);
}

static void assign(struct cluster *c)
{
	size_t nl = c->L.n, ncomp = 0, nprev = c->na, npairs = 0;
	uint32_t *comp_of = xmalloc(MAX(nl, (size_t)1) * sizeof(*comp_of));
	uint32_t *lcomp = xmalloc(MAX(nl, (size_t)1) * sizeof(*lcomp));
	uint32_t *cmin, *chosen, *coff, *cmem;
	struct byid *byid;
	uint8_t *taken;
	struct pair *pairs;
	int64_t next = 1;

	for (size_t i = 0; i < nprev; i++) {
		next = MAX(next, c->a[i].id + 1);
		c->a[i].is_new = c->a[i].changed = false;
	}
	if (c->next_set)
		next = MAX(next, c->next_id);
	/* groups, numbered by their oldest member */
	for (size_t l = 0; l < nl; l++)
		comp_of[l] = CLUSTER_NONE;
	for (size_t l = 0; l < nl; l++) {
		uint32_t r;
		if (!c->nids[l]) {
			lcomp[l] = CLUSTER_NONE;
			continue;
		}
		r = find(c->parent, (uint32_t)l);
		if (comp_of[r] == CLUSTER_NONE)
			comp_of[r] = (uint32_t)ncomp++;
		lcomp[l] = comp_of[r];
	}
	free(comp_of);
	cmin = xmalloc(MAX(ncomp, (size_t)1) * sizeof(*cmin));
	chosen = xmalloc(MAX(ncomp, (size_t)1) * sizeof(*chosen));
	coff = xcalloc(ncomp + 1, sizeof(*coff));
	for (size_t k = 0; k < ncomp; k++) {
		cmin[k] = CLUSTER_NONE;
		chosen[k] = CLUSTER_NONE;
	}
	for (size_t l = nl; l-- > 0;)
		if (lcomp[l] != CLUSTER_NONE) {
			cmin[lcomp[l]] = (uint32_t)l;
			coff[lcomp[l] + 1]++;
		}
	for (size_t k = 0; k < ncomp; k++)
		coff[k + 1] += coff[k];
	cmem = xmalloc(MAX(coff[ncomp], 1u) * sizeof(*cmem));
	{
		uint32_t *fill = xmalloc((ncomp + 1) * sizeof(*fill));
		memcpy(fill, coff, (ncomp + 1) * sizeof(*fill));
		for (size_t l = 0; l < nl; l++)
			if (lcomp[l] != CLUSTER_NONE)
				cmem[fill[lcomp[l]]++] = (uint32_t)l;
		free(fill);
	}
	c->ngroups = 0;
	for (size_t k = 0; k < ncomp; k++)
		c->ngroups += coff[k + 1] - coff[k] > 1;

	/* 1. the group holding the oldest anchor of earlier actors */
	taken = xcalloc(MAX(nprev, (size_t)1), 1);
	for (size_t i = 0; i < nprev; i++) {
		uint32_t an = c->a[i].anchor, k;
		if (an == CLUSTER_NONE || an >= nl || lcomp[an] == CLUSTER_NONE)
			continue;
		k = lcomp[an];
		if (chosen[k] == CLUSTER_NONE || c->a[chosen[k]].anchor > an)
			chosen[k] = (uint32_t)i;
	}
	for (size_t k = 0; k < ncomp; k++)
		if (chosen[k] != CLUSTER_NONE)
			taken[chosen[k]] = 1;

	/* 2. otherwise the earlier actor most members had */
	byid = xmalloc(MAX(nprev, (size_t)1) * sizeof(*byid));
	for (size_t i = 0; i < nprev; i++)
		byid[i] = (struct byid){c->a[i].id, (uint32_t)i};
	qsort(byid, nprev, sizeof(*byid), cmp_byid);
	pairs = xmalloc(MAX(nl, (size_t)1) * sizeof(*pairs));
	for (size_t k = 0; k < ncomp && nprev; k++) {
		size_t np = 0, best = 0, run = 0;
		uint32_t pick = CLUSTER_NONE;

		if (chosen[k] != CLUSTER_NONE)
			continue;
		for (uint32_t j = coff[k]; j < coff[k + 1]; j++) {
			uint32_t ai;
			if (!c->lprev[cmem[j]])
				continue;
			ai = actor_index(byid, nprev, c->lprev[cmem[j]]);
			if (ai != CLUSTER_NONE && !taken[ai])
				pairs[np++] = (struct pair){ai, 0};
		}
		qsort(pairs, np, sizeof(*pairs), cmp_pair);
		for (size_t j = 0; j < np; j++) {
			run = j && pairs[j].k == pairs[j - 1].k ? run + 1 : 1;
			if (run > best ||
			    (run == best &&
			     c->a[pairs[j].k].id < c->a[pick].id)) {
				best = run;
				pick = pairs[j].k;
			}
		}
		if (pick != CLUSTER_NONE) {
			chosen[k] = pick;
			taken[pick] = 1;
		}
	}

	/* 3. new actors, oldest group first */
	for (size_t k = 0; k < ncomp; k++) {
		if (chosen[k] != CLUSTER_NONE)
			continue;
		c->a = xgrow(c->a, &c->acap, c->na + 1, sizeof(*c->a));
		c->a[c->na] = (struct cluster_actor){.id = next++,
						     .anchor = cmin[k],
						     .active = true,
						     .is_new = true,
						     .changed = true};
		chosen[k] = (uint32_t)c->na++;
	}
	for (size_t k = 0; k < ncomp; k++) {
		struct cluster_actor *a = &c->a[chosen[k]];
		if (!a->active || a->merged_into) {
			a->changed = true; /* revived */
			a->active = true;
			a->merged_into = 0;
		}
		if (a->anchor == CLUSTER_NONE || a->anchor >= nl ||
		    lcomp[a->anchor] != k) {
			a->anchor = cmin[k];
			a->changed = true;
		}
	}
	/* members; earlier actors that lost theirs */
	for (size_t l = 0; l < nl; l++) {
		int64_t now = lcomp[l] == CLUSTER_NONE
				      ? 0
				      : c->a[chosen[lcomp[l]]].id;
		c->lchanged[l] = now != c->lprev[l];
		c->actor[l] = now;
		if (c->lchanged[l] && now)
			c->a[chosen[lcomp[l]]].changed = true;
		if (c->lchanged[l] && c->lprev[l]) {
			uint32_t ai = actor_index(byid, nprev, c->lprev[l]);
			if (ai != CLUSTER_NONE && !taken[ai])
				pairs[npairs++] =
					(struct pair){ai, now ? chosen[lcomp[l]]
							      : CLUSTER_NONE};
		}
	}
	qsort(pairs, npairs, sizeof(*pairs), cmp_pair);
	for (size_t i = 0; i < nprev; i++) {
		if (taken[i] || !c->a[i].active)
			continue;
		c->a[i].active = false; /* retired: dissolved unless below */
		c->a[i].merged_into = 0;
		c->a[i].changed = true;
	}
	for (size_t j = 0, best = 0, run = 0; j < npairs; j++) {
		struct cluster_actor *a = &c->a[pairs[j].k];
		bool same = j && pairs[j].k == pairs[j - 1].k &&
			    pairs[j].v == pairs[j - 1].v;
		if (!j || pairs[j].k != pairs[j - 1].k)
			best = 0;
		run = same ? run + 1 : 1;
		if (pairs[j].v != CLUSTER_NONE && run > best) {
			best = run;
			a->merged_into = c->a[pairs[j].v].id;
		}
	}
	for (size_t l = 0; l < nl; l++)
		c->lprev[l] = c->actor[l];
	c->next_id = next;
	c->next_set = true;
	free(pairs);
	free(byid);
	free(taken);
	free(cmem);
	free(coff);
	free(chosen);
	free(cmin);
	free(lcomp);
}

/* ---- runs ------------------------------------------------------------------
 */

/* Distinct contexts of each identifier, at most CTX_CAP kept (a count of
 * CTX_CAP + 1 means "more"), into c->ictx_off / c->ictx. */
static void list_contexts(struct cluster *c)
{
	size_t ni = c->I.n, n = 0, cap = 0;

	free(c->ictx_off);
	c->ictx_off = xmalloc((ni + 1) * sizeof(*c->ictx_off));
	for (size_t i = 0; i < ni; i++) {
		size_t start = n;
		bool more = false;

		c->ictx_off[i] = (uint32_t)start;
		for (uint32_t j = c->csr_off[i]; j < c->csr_off[i + 1]; j++) {
			uint32_t x = c->lctx[c->csr_l[j]];
			size_t k = start;
			while (k < n && c->ictx[k] != x)
				k++;
			if (k < n)
				continue;
			if (n - start == CTX_CAP) {
				more = true;
				break;
			}
			c->ictx = xgrow(c->ictx, &cap, n + 1, sizeof(*c->ictx));
			c->ictx[n++] = x;
		}
		c->icnt[i] = (uint32_t)(n - start) + more;
	}
	c->ictx_off[ni] = (uint32_t)n;
}

/* The frequency rule (cluster.h): more than max_contexts distinct
 * contexts, and the identifier is a hub. */
static void frequency_rule(struct cluster *c)
{
	for (size_t i = 0; i < c->I.n; i++)
		if (c->ist[i] != CLUSTER_STOP)
			c->ist[i] = c->icnt[i] > (uint32_t)c->o.max_contexts
					    ? CLUSTER_HUB
					    : CLUSTER_LINK;
}

void cluster_run(struct cluster *c)
{
	size_t ni = c->I.n, nl = c->L.n;
	uint32_t *fill;

	/* identifier -> listings */
	free(c->csr_off);
	free(c->csr_l);
	c->csr_off = xcalloc(ni + 1, sizeof(*c->csr_off));
	c->csr_l = xmalloc(MAX(c->ne, (size_t)1) * sizeof(*c->csr_l));
	for (size_t e = 0; e < c->ne; e++)
		c->csr_off[c->ei[e] + 1]++;
	for (size_t i = 0; i < ni; i++)
		c->csr_off[i + 1] += c->csr_off[i];
	fill = xmalloc((ni + 1) * sizeof(*fill));
	memcpy(fill, c->csr_off, (ni + 1) * sizeof(*fill));
	for (size_t e = 0; e < c->ne; e++)
		c->csr_l[fill[c->ei[e]]++] = c->el[e];
	free(fill);
	c->ni_run = ni;
	list_contexts(c);
	if (!c->o.fixed_states)
		frequency_rule(c);

	for (size_t l = 0; l < nl; l++) {
		c->parent[l] = (uint32_t)l;
		c->rank[l] = 0;
	}
	c->nm = 0;
	for (size_t i = 0; i < ni; i++) {
		const uint32_t *ls = c->csr_l + c->csr_off[i];
		size_t n = c->csr_off[i + 1] - c->csr_off[i];
		uint32_t rep = CLUSTER_NONE;

		c->ihead[i] = CLUSTER_NONE;
		c->irep[i] = CLUSTER_NONE;
		if (c->ist[i] != CLUSTER_LINK)
			continue;
		for (size_t j = 0; j < n; j++) {
			if (!links(c, ls[j]))
				continue;
			if (rep == CLUSTER_NONE)
				rep = ls[j];
			else if (unite(c, rep, ls[j]))
				evidence(c, (uint32_t)i, rep, ls[j]);
		}
		c->irep[i] = rep;
	}
	c->ne_done = c->ne;
	c->ran = true;
	assign(c);
}

/* Whether an earlier edge of identifier i has context x (edges up to e). */
static bool context_known(const struct cluster *c, uint32_t i, uint32_t x,
			  size_t e)
{
	if (i < c->ni_run)
		for (uint32_t j = c->csr_off[i]; j < c->csr_off[i + 1]; j++)
			if (c->lctx[c->csr_l[j]] == x)
				return true;
	for (uint32_t k = c->ihead[i]; k != CLUSTER_NONE; k = c->enext[k])
		if (k < e && c->lctx[c->el[k]] == x)
			return true;
	return false;
}

int cluster_update(struct cluster *c)
{
	bool full = false;

	if (!c->ran) {
		cluster_run(c);
		return 0;
	}
	for (size_t e = c->ne_done; e < c->ne; e++) {
		uint32_t i = c->ei[e];
		c->enext[e] = c->ihead[i];
		c->ihead[i] = (uint32_t)e;
	}
	for (size_t e = c->ne_done; e < c->ne && !full; e++) {
		uint32_t l = c->el[e], i = c->ei[e];

		if (c->ist[i] != CLUSTER_LINK)
			continue;
		if (!context_known(c, i, c->lctx[l], e) &&
		    ++c->icnt[i] > (uint32_t)c->o.max_contexts) {
			c->ist[i] = CLUSTER_HUB;
			full = true; /* earlier unions through it may be wrong
				      */
			break;
		}
		if (!links(c, l))
			continue;
		if (c->irep[i] == CLUSTER_NONE)
			c->irep[i] = l;
		else if (unite(c, c->irep[i], l))
			evidence(c, i, c->irep[i], l);
	}
	if (full) {
		cluster_run(c);
		return 1;
	}
	c->ne_done = c->ne;
	assign(c);
	return 0;
}

/* ---- results --------------------------------------------------------------
 */

size_t cluster_nlistings(const struct cluster *c)
{
	return c->L.n;
}

size_t cluster_nidents(const struct cluster *c)
{
	return c->I.n;
}

size_t cluster_nedges(const struct cluster *c)
{
	return c->ne;
}

int64_t cluster_actor_of(const struct cluster *c, uint32_t listing)
{
	return listing < c->L.n ? c->actor[listing] : 0;
}

bool cluster_listing_changed(const struct cluster *c, uint32_t listing)
{
	return listing < c->L.n && c->lchanged[listing];
}

enum cluster_ident_state cluster_ident_state(const struct cluster *c,
					     uint32_t ident)
{
	return ident < c->I.n ? (enum cluster_ident_state)c->ist[ident]
			      : CLUSTER_LINK;
}

uint32_t cluster_ident_contexts(const struct cluster *c, uint32_t ident)
{
	return ident < c->I.n ? c->icnt[ident] : 0;
}

const char *cluster_listing_key(const struct cluster *c, uint32_t listing,
				size_t *n)
{
	*n = c->L.s[listing].len;
	return c->L.arena + c->L.s[listing].off;
}

const char *cluster_ident_key(const struct cluster *c, uint32_t ident,
			      size_t *n)
{
	*n = c->I.s[ident].len;
	return c->I.arena + c->I.s[ident].off;
}

size_t cluster_ident_context_list(const struct cluster *c, uint32_t ident,
				  uint32_t *out, size_t max)
{
	size_t n;

	if (ident >= c->ni_run)
		return 0;
	n = MIN(max, (size_t)(c->ictx_off[ident + 1] - c->ictx_off[ident]));
	memcpy(out, c->ictx + c->ictx_off[ident], n * sizeof(*out));
	return n;
}

const char *cluster_context_key(const struct cluster *c, uint32_t ctx,
				size_t *n)
{
	*n = c->X.s[ctx].len;
	return c->X.arena + c->X.s[ctx].off;
}

const struct cluster_merge *cluster_merges(const struct cluster *c, size_t *n)
{
	*n = c->nm;
	return c->m;
}

const struct cluster_actor *cluster_actors(const struct cluster *c, size_t *n)
{
	*n = c->na;
	return c->a;
}

size_t cluster_ngroups(const struct cluster *c)
{
	return c->ngroups;
}
