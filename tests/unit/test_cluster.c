/*
 * test_cluster.c - actors (src/profile/cluster.h and profile.h).
 *
 * The engine alone: transitivity, the stop list, the frequency rule over
 * unrelated contexts, pages stuffed with numbers, merge evidence, stable
 * ids across runs and incremental adds, merges of two actors and the
 * revival of a split one.  Then the whole build through the store, on
 * SQLite and (PATROLI_TEST_PG) PostgreSQL: incremental joins, rebuilds
 * that keep ids, a listing that goes away, a stop list that changes, the
 * actor flowing back into the findings, and the export's shape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/base.h"
#include "profile/cluster.h"
#include "profile/ident.h"
#include "profile/profile.h"
#include "profile/stoplist.h"
#include "store/db.h"
#include "store/store.h"

#define BACKEND_TAG "cluster"
#include "store_backend.h"

/* ---- the engine
 * -------------------------------------------------------------- */

/* Add listings written "url ctx ident ident ...", one per string. */
static void feed(struct cluster *c, const char *const *spec, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		char *s = xstrdup(spec[k]), *save = NULL;
		char *url = strtok_r(s, " ", &save);
		char *ctx = strtok_r(NULL, " ", &save), *id;
		uint32_t l = cluster_listing(c, url, strlen(url), ctx,
					     strlen(ctx), 0);
		while ((id = strtok_r(NULL, " ", &save)))
			cluster_edge(c, l, cluster_ident(c, id, strlen(id)));
		free(s);
	}
}

static int64_t actor_of(struct cluster *c, const char *url)
{
	for (uint32_t l = 0; l < cluster_nlistings(c); l++) {
		size_t n;
		const char *k = cluster_listing_key(c, l, &n);
		if (n == strlen(url) && !memcmp(k, url, n))
			return cluster_actor_of(c, l);
	}
	fail_msg("no listing %s", url);
	return -1;
}

static const struct cluster_actor *actor_by_id(struct cluster *c, int64_t id)
{
	size_t n;
	const struct cluster_actor *a = cluster_actors(c, &n);

	for (size_t i = 0; i < n; i++)
		if (a[i].id == id)
			return &a[i];
	return NULL;
}

static void test_transitive(void **state)
{
	static const char *const spec[] = {
		"a s1 phone:1",	     "b s2 phone:1 bank:BCA:9",
		"c s3 bank:BCA:9",   "d s4 phone:2",
		"e s5 handle:ig:x",  "f s5 handle:ig:x email:e@x.id",
		"g s6 email:e@x.id", "h s7",
	};
	struct cluster *c = cluster_new(NULL);
	size_t nm;
	const struct cluster_merge *m;

	(void)state;
	feed(c, spec, ARRAY_LEN(spec));
	cluster_run(c);
	assert_true(actor_of(c, "a") == actor_of(c, "b"));
	assert_true(actor_of(c, "a") == actor_of(c, "c"));
	assert_true(actor_of(c, "d") != actor_of(c, "a"));
	assert_true(actor_of(c, "e") == actor_of(c, "g"));
	assert_true(actor_of(c, "e") != actor_of(c, "a"));
	assert_int_equal(actor_of(c, "h"), 0); /* no identifier, no actor */
	/* ids by age: the oldest group first */
	assert_int_equal(actor_of(c, "a"), 1);
	assert_int_equal(actor_of(c, "d"), 2);
	assert_int_equal(actor_of(c, "e"), 3);
	/* evidence: a spanning forest, each record a shared identifier */
	m = cluster_merges(c, &nm);
	assert_int_equal(nm, 4); /* (a,b,c): 2, (e,f,g): 2 */
	for (size_t i = 0; i < nm; i++)
		assert_true(actor_of(c, "a") == cluster_actor_of(c, m[i].a) ||
			    actor_of(c, "e") == cluster_actor_of(c, m[i].a));
	cluster_free(c);
}

static void test_stop_and_stuffed(void **state)
{
	static const char *const spec[] = {
		"a s1 phone:stop phone:1",
		"b s2 phone:stop phone:2",
		/* a number dump sharing one number with c */
		"dump s3 phone:d1 phone:d2 phone:d3 phone:d4 phone:d5 "
		"phone:d6 phone:d7 phone:d8 phone:d9 phone:d10 phone:d11 "
		"phone:d12 phone:d13 phone:d14 phone:d15 phone:d16 phone:3",
		"c s4 phone:3",
	};
	struct cluster *c = cluster_new(NULL);

	(void)state;
	feed(c, spec, ARRAY_LEN(spec));
	cluster_ident_stop(c, cluster_ident(c, "phone:stop", 10));
	cluster_run(c);
	assert_true(actor_of(c, "a") != actor_of(c, "b"));
	assert_int_equal(
		cluster_ident_state(c, cluster_ident(c, "phone:stop", 10)),
		CLUSTER_STOP);
	assert_true(actor_of(c, "dump") != 0);
	assert_true(actor_of(c, "dump") != actor_of(c, "c"));
	cluster_free(c);
}

static void test_frequency_rule(void **state)
{
	/* a service line on seven shops */
	static const char *const hub[] = {
		"a s1 phone:cs phone:1", "b s2 phone:cs phone:2",
		"c s3 phone:cs phone:3", "d s4 phone:cs phone:4",
		"e s5 phone:cs phone:5", "f s6 phone:cs phone:6",
		"g s7 phone:cs phone:7",
	};
	/* a seller's number on six shops, many pages each: it links */
	static const char *const seller[] = {
		"a s1 phone:p", "b s2 phone:p", "c s3 phone:p", "d s4 phone:p",
		"e s5 phone:p", "f s6 phone:p", "g s6 phone:p", "h s6 phone:p",
		"i s1 phone:p", "j s2 phone:p",
	};
	struct cluster *c = cluster_new(NULL);
	struct cluster_opts o = {.max_contexts = 7};

	(void)state;
	feed(c, hub, ARRAY_LEN(hub));
	cluster_run(c);
	assert_int_equal(
		cluster_ident_state(c, cluster_ident(c, "phone:cs", 8)),
		CLUSTER_HUB);
	assert_int_equal(
		cluster_ident_contexts(c, cluster_ident(c, "phone:cs", 8)), 7);
	assert_true(actor_of(c, "a") != actor_of(c, "b"));
	assert_int_equal(cluster_ngroups(c), 0);
	cluster_free(c);

	c = cluster_new(NULL);
	feed(c, seller, ARRAY_LEN(seller));
	cluster_run(c);
	assert_int_equal(cluster_ident_state(c, cluster_ident(c, "phone:p", 7)),
			 CLUSTER_LINK);
	assert_int_equal(
		cluster_ident_contexts(c, cluster_ident(c, "phone:p", 7)), 6);
	assert_true(actor_of(c, "a") == actor_of(c, "j"));
	/* a seventh shop makes it common, incrementally as in full */
	{
		static const char *const one[] = {"k s7 phone:p"};
		feed(c, one, 1);
		assert_int_equal(cluster_update(c), 1);
		assert_int_equal(
			cluster_ident_state(c, cluster_ident(c, "phone:p", 7)),
			CLUSTER_HUB);
		assert_true(actor_of(c, "a") != actor_of(c, "j"));
	}
	cluster_free(c);

	/* the threshold is a setting */
	c = cluster_new(&o);
	feed(c, hub, ARRAY_LEN(hub));
	cluster_run(c);
	assert_int_equal(
		cluster_ident_state(c, cluster_ident(c, "phone:cs", 8)),
		CLUSTER_LINK);
	assert_true(actor_of(c, "a") == actor_of(c, "g"));
	cluster_free(c);
}

static void test_stable_ids(void **state)
{
	static const char *const first[] = {
		"x1 s1 phone:x", /* actor X, anchored at x1 */
		"y1 s2 phone:y", /* actor Y, anchored at y1 */
		"z1 s3 phone:z",
	};
	static const char *const more[] = {
		"x2 s4 phone:x bank:B:1", /* joins X */
		"n1 s5 phone:n",	  /* a new actor */
	};
	static const char *const bridge[] = {
		"xy s6 bank:B:1 phone:y", /* joins X and Y: X is older */
	};
	struct cluster *c = cluster_new(NULL);
	int64_t x, y, z, n;

	(void)state;
	feed(c, first, ARRAY_LEN(first));
	cluster_run(c);
	x = actor_of(c, "x1");
	y = actor_of(c, "y1");
	z = actor_of(c, "z1");
	assert_int_equal(cluster_update(c), 0); /* nothing new */
	feed(c, more, ARRAY_LEN(more));
	assert_int_equal(cluster_update(c), 0);
	assert_int_equal(actor_of(c, "x2"), x);
	n = actor_of(c, "n1");
	assert_true(n > z);
	feed(c, bridge, ARRAY_LEN(bridge));
	assert_int_equal(cluster_update(c), 0);
	assert_int_equal(actor_of(c, "xy"), x);
	assert_int_equal(actor_of(c, "y1"), x);
	assert_false(actor_by_id(c, y)->active);
	assert_int_equal(actor_by_id(c, y)->merged_into, x);
	assert_int_equal(actor_of(c, "z1"), z);
	/* a full run from the same previous actors gives the same ids */
	cluster_run(c);
	assert_int_equal(actor_of(c, "x1"), x);
	assert_int_equal(actor_of(c, "y1"), x);
	assert_int_equal(actor_of(c, "n1"), n);
	assert_int_equal(actor_of(c, "z1"), z);
	/* the bridge turns out to be a stop-listed number: Y comes back */
	cluster_ident_stop(c, cluster_ident(c, "bank:B:1", 8));
	cluster_run(c);
	assert_int_equal(actor_of(c, "x1"), x);
	assert_int_equal(actor_of(c, "y1"), y);
	assert_true(actor_by_id(c, y)->active);
	assert_int_equal(actor_by_id(c, y)->merged_into, 0);
	cluster_free(c);
}

/* Incremental adds and one full run agree on the partition. */
static void test_update_equals_run(void **state)
{
	struct cluster *inc = cluster_new(NULL), *full = cluster_new(NULL);
	char line[128];
	uint32_t seed = 12345;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		const char *spec[1] = {line};
		unsigned a, b;
		seed = seed * 1103515245u + 12345u;
		a = (seed >> 8) % 700;
		seed = seed * 1103515245u + 12345u;
		b = (seed >> 8) % 900;
		snprintf(line, sizeof(line), "u%d s%u phone:%u bank:X:%u", i,
			 a % 50, a, b);
		feed(inc, spec, 1);
		feed(full, spec, 1);
		if (i == 1000)
			cluster_run(inc);
		else if (i > 1000 && i % 250 == 0)
			cluster_update(inc);
	}
	cluster_update(inc);
	cluster_run(full);
	for (uint32_t p = 0; p < cluster_nlistings(full); p += 7)
		for (uint32_t q = p + 1; q < cluster_nlistings(full); q += 13)
			assert_int_equal(cluster_actor_of(full, p) ==
						 cluster_actor_of(full, q),
					 cluster_actor_of(inc, p) ==
						 cluster_actor_of(inc, q));
	cluster_free(inc);
	cluster_free(full);
}

/* ---- through the store, per backend
 * ------------------------------------------- */

struct fx {
	struct store *st;
	char *uri;
	int64_t run, t, off;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->uri = fresh_uri(cur);
	if (!f->uri || store_open(f->uri, &f->st) ||
	    store_run_create(f->st, "{}", &f->run)) {
		free(f->uri);
		free(f);
		return -1;
	}
	f->t = 1767225600000; /* 2026-01-01 */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	backend_remove(f->uri);
	free(f->uri);
	free(f);
	return 0;
}

/* A finding for the next analysis: url, seller account, "kind:value"
 * identifiers separated by spaces, listing or not. */
struct pending_finding {
	struct store *st;
	const char *url, *seller, *ids;
	bool listing;
};

static int put_finding(void *arg, int64_t capture_id,
		       const struct store_capture *c)
{
	const struct pending_finding *pf = arg;
	json_t *j = json_object(), *ids = json_object(), *src = json_array();
	static const char *const kinds[] = {"phone", "email", "bank", "handle",
					    "domain"};
	struct store_finding f;
	char *data, *list = xstrdup(pf->ids), *save = NULL, *tok;

	if (strcmp(c->canonical_url, pf->url)) {
		free(list);
		json_decref(j);
		json_decref(ids);
		json_decref(src);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		json_object_set_new(ids, kinds[i], json_array());
	for (tok = strtok_r(list, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *colon = strchr(tok, ':');
		json_t *o = json_object();
		*colon = '\0';
		json_array_append_new(json_object_get(ids, tok),
				      json_string(colon + 1));
		json_object_set_new(o, "kind", json_string(tok));
		json_object_set_new(o, "value", json_string(colon + 1));
		json_object_set_new(o, "where", json_string("text"));
		json_array_append_new(src, o);
	}
	free(list);
	json_object_set_new(j, "url", json_string(pf->url));
	json_object_set_new(j, "canonical_url", json_string(pf->url));
	json_object_set_new(j, "platform", json_string("pasar"));
	json_object_set_new(j, "is_listing", json_boolean(pf->listing));
	json_object_set_new(j, "title", json_string("Jamu"));
	json_object_set_new(j, "seller", json_string(pf->seller));
	json_object_set_new(
		j, "seller_url",
		json_sprintf("https://pasar.test/toko/%s", pf->seller));
	json_object_set_new(j, "commodity", json_string("obat_tradisional"));
	json_object_set_new(j, "violations", json_pack("[s]", "NO_NIE"));
	json_object_set_new(j, "identifiers", ids);
	json_object_set_new(j, "identifier_sources", src);
	json_object_set_new(j, "actor", json_null());
	json_object_set_new(j, "evidence",
			    json_pack("{s:s,s:s}", "sha256", "ab12",
				      "warc_file", "w.warc.gz"));
	data = json_dumps(j, JSON_COMPACT);
	f = (struct store_finding){.canonical_url = pf->url,
				   .capture_id = capture_id,
				   .analyzed_at = time_now_ms(),
				   .is_listing = pf->listing,
				   .platform = "pasar",
				   .commodity = "obat_tradisional",
				   .violations = "NO_NIE",
				   .data = data};
	assert_int_equal(store_finding_put(pf->st, &f), 0);
	free(data);
	json_decref(j);
	return 0;
}

/* Capture a page and analyse it into a finding. */
static void finding(struct fx *f, const char *path, const char *seller,
		    const char *ids, bool listing)
{
	char *url = xasprintf("https://pasar.test/p/%s", path);
	struct pending_finding pf = {f->st, url, seller, ids, listing};
	struct store_capture c = {.run_id = f->run,
				  .url = url,
				  .canonical_url = url,
				  .final_url = url,
				  .status = 200,
				  .content_type = "text/html",
				  .sha256 = "ab12",
				  .fetched_at = f->t += 1000,
				  .warc_file = "w.warc.gz",
				  .warc_offset = f->off++,
				  .warc_length = 1};

	assert_int_equal(store_capture_add(f->st, &c), 0);
	assert_int_equal(store_analyze_pending(f->st, false, put_finding, &pf),
			 0);
	free(url);
}

static struct profile_stats build(struct fx *f, bool rebuild,
				  struct stoplist *stop)
{
	struct profile_opts o = {.rebuild = rebuild, .stop = stop};
	struct profile_stats s;

	assert_int_equal(profile_build(f->st, &o, &s), 0);
	return s;
}

/* The export, as {url path: actor id}. */
static json_t *actors(struct fx *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	json_t *j, *out = json_object(), *a, *u;
	size_t i, k;

	assert_int_equal(profile_export_json(f->st, m), 0);
	fclose(m);
	j = json_loads(text, 0, NULL);
	assert_non_null(j);
	json_array_foreach(json_object_get(j, "actors"), i, a)
	{
		assert_non_null(json_object_get(a, "identifiers"));
		assert_non_null(json_object_get(a, "platforms"));
		assert_non_null(json_object_get(a, "violations"));
		json_array_foreach(json_object_get(a, "listings"), k, u)
		{
			const char *p = strrchr(json_string_value(u), '/') + 1;
			assert_null(json_object_get(out, p)); /* exactly one */
			json_object_set(out, p, json_object_get(a, "id"));
		}
	}
	json_decref(j);
	free(text);
	return out;
}

static const char *id_of(json_t *m, const char *path)
{
	const char *s = json_string_value(json_object_get(m, path));

	if (!s)
		fail_msg("listing %s has no actor", path);
	return s;
}

/* The actor in a listing's finding (the findings export). */
static char *finding_actor(struct fx *f, const char *path)
{
	char *url = xasprintf("https://pasar.test/p/%s", path), *data = NULL;
	json_t *j;
	char *out;

	assert_int_equal(store_profile_finding_get(f->st, url, &data), 0);
	j = json_loads(data, 0, NULL);
	out = json_string_value(json_object_get(j, "actor"))
		      ? xstrdup(json_string_value(json_object_get(j, "actor")))
		      : xstrdup("null");
	json_decref(j);
	free(data);
	free(url);
	return out;
}

static void test_build(void **state)
{
	struct fx *f = *state;
	struct profile_stats s;
	json_t *m, *m2;
	char *x, *y, *fa;

	/* actor A over three shops; actor B; seven shops sharing only a
	 * service line, which also sits on A's and B's pages */
	finding(f, "a1", "s1", "phone:+6281100000001 phone:+628001", true);
	finding(f, "a2", "s2", "phone:+6281100000001 bank:BCA:1111111", true);
	finding(f, "a3", "s3", "bank:BCA:1111111", true);
	finding(f, "b1", "s4", "phone:+6282200000002 phone:+628001", true);
	for (int i = 0; i < 7; i++) {
		char p[16], ids[80];
		snprintf(p, sizeof(p), "c%d", i);
		snprintf(ids, sizeof(ids), "phone:+628001 email:c%d@x.id", i);
		finding(f, p, p, ids, true);
	}
	finding(f, "none", "s9", "", true);
	finding(f, "page", "s9", "phone:+6289900000009", false);
	s = build(f, false, NULL);
	assert_true(s.rebuilt);
	assert_int_equal(s.hubs, 1);
	m = actors(f);
	x = xstrdup(id_of(m, "a1"));
	y = xstrdup(id_of(m, "b1"));
	assert_string_equal(id_of(m, "a2"), x);
	assert_string_equal(id_of(m, "a3"), x);
	assert_string_not_equal(x, y);
	assert_string_not_equal(id_of(m, "c0"), id_of(m, "c1"));
	assert_null(json_object_get(m, "none")); /* no identifier */
	assert_null(json_object_get(m, "page")); /* not a listing */
	assert_int_equal(json_object_size(m), 11);
	json_decref(m);
	fa = finding_actor(f, "a3");
	assert_string_equal(fa, x);
	free(fa);

	/* incremental: a new listing bridges A and B; A is older */
	finding(f, "ab", "s5", "bank:BCA:1111111 phone:+6282200000002", true);
	s = build(f, false, NULL);
	assert_false(s.rebuilt);
	assert_int_equal(s.synced, 1);
	m = actors(f);
	assert_string_equal(id_of(m, "ab"), x);
	assert_string_equal(id_of(m, "b1"), x);
	json_decref(m);
	fa = finding_actor(f, "b1");
	assert_string_equal(fa, x);
	free(fa);
	{
		int64_t yid;
		struct store_profile_actor a;
		assert_int_equal(profile_actor_parse(y, &yid), 0);
		assert_int_equal(store_profile_actor_get(f->st, yid, &a), 0);
		assert_true(a.retired);
		assert_int_equal(profile_actor_parse(x, &yid), 0);
		assert_int_equal(a.merged_into, yid);
		assert_int_equal(a.listings, 0);
	}

	/* a full rebuild keeps every id */
	s = build(f, true, NULL);
	assert_true(s.rebuilt);
	m2 = actors(f);
	m = json_deep_copy(m2);
	assert_true(json_equal(m, m2));
	assert_string_equal(id_of(m2, "b1"), x);
	json_decref(m);
	json_decref(m2);

	/* the bridge goes away (no longer a listing): B comes back as B */
	finding(f, "ab", "s5", "", false);
	s = build(f, false, NULL);
	assert_true(s.rebuilt);
	assert_int_equal(s.dropped, 1);
	m = actors(f);
	assert_string_equal(id_of(m, "a1"), x);
	assert_string_equal(id_of(m, "b1"), y);
	assert_null(json_object_get(m, "ab"));
	json_decref(m);
	fa = finding_actor(f, "b1");
	assert_string_equal(fa, y);
	free(fa);

	/* a stop list that names A's phone: a1 keeps A's id (its anchor) */
	{
		struct stoplist *stop = stoplist_new();
		assert_int_equal(
			stoplist_parse(stop, "t",
				       slice_from("phone:0811-0000-0001"),
				       NULL),
			0);
		s = build(f, false, stop);
		assert_true(s.rebuilt);
		m = actors(f);
		assert_string_equal(id_of(m, "a1"), x);
		assert_string_not_equal(id_of(m, "a2"), x);
		assert_string_equal(id_of(m, "a2"), id_of(m, "a3"));
		json_decref(m);
		/* the same settings again: nothing to do */
		s = build(f, false, stop);
		assert_false(s.rebuilt);
		assert_int_equal(s.synced, 0);
		stoplist_free(stop);
	}
	free(x);
	free(y);
}

/* A number on six sellers' pages links them, until a seventh shows it
 * too: then it is a service line, and the incremental build splits what
 * it joined exactly as a rebuild would. */
static void test_new_hub(void **state)
{
	struct fx *f = *state;
	struct profile_stats s;
	json_t *m, *m2;
	char *first;

	for (int i = 0; i < 6; i++) {
		char p[16], ids[80];
		snprintf(p, sizeof(p), "h%d", i);
		snprintf(ids, sizeof(ids), "phone:+628555 email:h%d@x.id", i);
		finding(f, p, p, ids, true);
	}
	build(f, false, NULL);
	m = actors(f);
	first = xstrdup(id_of(m, "h0"));
	assert_string_equal(id_of(m, "h5"), first);
	json_decref(m);
	finding(f, "h6", "h6", "phone:+628555 email:h6@x.id", true);
	s = build(f, false, NULL);
	assert_false(s.rebuilt);
	assert_int_equal(s.hubs, 1);
	m = actors(f);
	assert_string_equal(id_of(m, "h0"), first); /* the anchor's id */
	for (int i = 1; i < 7; i++) {
		char p[16];
		snprintf(p, sizeof(p), "h%d", i);
		assert_string_not_equal(id_of(m, p), first);
	}
	s = build(f, true, NULL);
	assert_int_equal(s.hubs, 1);
	m2 = actors(f);
	assert_true(json_equal(m, m2));
	json_decref(m);
	json_decref(m2);
	free(first);
}

static void test_actor_json(void **state)
{
	struct fx *f = *state;
	static const char *const keys[] = {
		"id",	    "identifiers", "platforms", "violations",
		"listings", "edges",	   "merges",	"generated_at"};
	int64_t id = 0;
	char *text;
	json_t *j, *l;

	finding(f, "a1", "s1", "phone:+6281100000001 handle:ig:toko", true);
	finding(f, "a2", "s2", "phone:+6281100000001 email:t@x.id", true);
	build(f, false, NULL);
	assert_int_equal(
		store_profile_listing_id(f->st, "https://pasar.test/p/a2", &id),
		0);
	assert_int_equal(store_profile_listing_actor(f->st, id, &id), 0);
	text = profile_actor_json(f->st, id);
	assert_non_null(text);
	j = json_loads(text, 0, NULL);
	assert_non_null(j);
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (!json_object_get(j, keys[i]))
			fail_msg("actor JSON lacks \"%s\"", keys[i]);
	assert_int_equal(json_array_size(json_object_get(j, "listings")), 2);
	l = json_array_get(json_object_get(j, "listings"), 0);
	assert_string_equal(json_string_value(json_object_get(l, "sha256")),
			    "ab12");
	assert_non_null(json_string_value(json_object_get(l, "first_seen")));
	assert_int_equal(json_array_size(json_object_get(
				 json_object_get(j, "identifiers"), "phone")),
			 1);
	assert_int_equal(json_array_size(json_object_get(j, "edges")), 4);
	assert_int_equal(json_array_size(json_object_get(j, "merges")), 1);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(j, "merges"), 0),
			"identifier")),
		"phone:+6281100000001");
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(j, "violations"), "NO_NIE")),
			 2);
	json_decref(j);
	free(text);
	assert_null(profile_actor_json(f->st, 9999));
}

static void test_stale_findings(void **state)
{
	struct fx *f = *state;
	int64_t n = -1;

	finding(f, "a1", "s1", "phone:+6281100000001", true);
	assert_int_equal(store_profile_stale(f->st, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_profile_finding_set(f->st,
						   "https://pasar.test/p/a1",
						   "{\"is_listing\":true}"),
			 0);
	assert_int_equal(store_profile_stale(f->st, &n), 0);
	assert_int_equal(n, 1);
}

static void test_names(void **state)
{
	char name[32];
	int64_t id;

	(void)state;
	profile_actor_name(42, name);
	assert_string_equal(name, "AKT-000042");
	assert_int_equal(profile_actor_parse("AKT-000042", &id), 0);
	assert_int_equal(id, 42);
	assert_int_equal(profile_actor_parse("akt-7", &id), 0);
	assert_int_equal(id, 7);
	assert_int_equal(profile_actor_parse("42", &id), 0);
	assert_int_equal(profile_actor_parse("AKT-", &id), ERR_INPUT);
	assert_int_equal(profile_actor_parse("A042", &id), ERR_INPUT);
	assert_int_equal(profile_actor_parse("-3", &id), ERR_INPUT);
}

int main(void)
{
	const struct CMUnitTest engine[] = {
		cmocka_unit_test(test_transitive),
		cmocka_unit_test(test_stop_and_stuffed),
		cmocka_unit_test(test_frequency_rule),
		cmocka_unit_test(test_stable_ids),
		cmocka_unit_test(test_update_equals_run),
		cmocka_unit_test(test_names),
	};
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest stored[] = {
		T(test_build),
		T(test_new_hub),
		T(test_actor_json),
		T(test_stale_findings),
	};
	const char *pg = getenv("PATROLI_TEST_PG");
	int failed;

	log_set_level(LOG_WARN);
	failed = cmocka_run_group_tests_name("cluster", engine, NULL, NULL);
	failed += cmocka_run_group_tests_name("profile/sqlite", stored,
					      group_sqlite, group_sqlite_end);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name(
			"profile/postgres", stored, group_pg, group_pg_end);
	else
		fprintf(stderr, "test_cluster: PATROLI_TEST_PG not set, "
				"PostgreSQL backend not tested\n");
	return failed ? 1 : 0;
}
