/*
 * test_store.c - the store API (store.h), run once per backend.
 *
 * Every test runs against SQLite (a fresh file in a temporary directory)
 * and, when PATROLI_TEST_PG holds a postgres:// URI (tests/run.sh starts a
 * throw-away server with scripts/pg-test-server), against PostgreSQL too,
 * in a schema of its own that is dropped and re-created before each test:
 * both backends must pass the very same assertions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/base.h"
#include "store/db.h"
#include "store/store.h"

#define BACKEND_TAG "store"
#include "store_backend.h"

/* ---- fixtures: one fresh store per test ---------------------------------- */

struct fx {
	struct store *st;
	char *uri;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->uri = fresh_uri(cur);
	if (!f->uri || store_open(f->uri, &f->st)) {
		free(f->uri);
		free(f);
		return -1;
	}
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

#define ST(state) (((struct fx *)*(state))->st)

/* ---- schema -------------------------------------------------------------- */

static void test_migrations_idempotent(void **state)
{
	struct fx *f = *state;
	struct store *again;
	int v1 = -1, v2 = -2, v3 = -3;

	assert_string_equal(store_backend(f->st), cur->name);
	assert_int_equal(store_schema_version(f->st, &v1), 0);
	assert_true(v1 >= 1);
	assert_int_equal(store_migrate(f->st), 0);
	assert_int_equal(store_schema_version(f->st, &v2), 0);
	assert_int_equal(v1, v2);

	/* A second open of the same database migrates nothing. */
	assert_int_equal(store_open(f->uri, &again), 0);
	assert_int_equal(store_schema_version(again, &v3), 0);
	assert_int_equal(v1, v3);
	store_close(again);
}

/* ---- runs ---------------------------------------------------------------- */

static void test_runs(void **state)
{
	struct store *st = ST(state);
	struct store_run r;
	int64_t a = 0, b = 0, t0 = time_now_ms();

	assert_int_equal(store_run_unfinished(st, &r), ERR_NOTFOUND);
	assert_int_equal(store_run_create(st, "{\"seed\":\"a\"}", &a), 0);
	assert_int_equal(store_run_create(st, "{\"seed\":\"b\"}", &b), 0);
	assert_true(a > 0);
	assert_true(b > a);

	/* The newest running run is the one to resume. */
	assert_int_equal(store_run_unfinished(st, &r), 0);
	assert_int_equal(r.id, b);
	assert_string_equal(r.config, "{\"seed\":\"b\"}");
	assert_string_equal(r.status, "running");
	assert_true(r.started_at >= t0);
	assert_int_equal(r.finished_at, 0);

	assert_int_equal(store_run_finish(st, b, "interrupted"), 0);
	assert_int_equal(store_run_unfinished(st, &r), 0);
	assert_int_equal(r.id, a);

	assert_int_equal(store_run_get(st, b, &r), 0);
	assert_string_equal(r.status, "interrupted");
	assert_string_equal(r.config, "{\"seed\":\"b\"}");
	assert_true(r.finished_at >= r.started_at);

	assert_int_equal(store_run_finish(st, a, "finished"), 0);
	assert_int_equal(store_run_unfinished(st, &r), ERR_NOTFOUND);
	assert_int_equal(store_run_get(st, b + 1000, &r), ERR_NOTFOUND);
}

/* ---- frontier ------------------------------------------------------------ */

struct leased {
	int n;
	int64_t id[32];
	char *url[32];
	int attempts[32];
	int depth[32];
};

static void on_lease(void *arg, const struct store_url *u)
{
	struct leased *l = arg;

	assert_true(l->n < 32);
	l->id[l->n] = u->id;
	l->url[l->n] = xstrdup(u->url);
	l->attempts[l->n] = u->attempts;
	l->depth[l->n] = u->depth;
	assert_non_null(u->host);
	l->n++;
}

static void leased_clear(struct leased *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->url[i]);
	memset(l, 0, sizeof(*l));
}

static bool leased_has(const struct leased *l, const char *url)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->url[i], url))
			return true;
	return false;
}

static int64_t run_new(struct store *st)
{
	int64_t id = 0;

	assert_int_equal(store_run_create(st, "{}", &id), 0);
	return id;
}

static void add_urls(struct store *st, int64_t run, int n)
{
	for (int i = 0; i < n; i++) {
		char url[64];
		bool added = false;

		snprintf(url, sizeof(url), "http://h%d.test/p%d", i % 2, i);
		assert_int_equal(store_frontier_add(st, run, url,
						    i % 2 ? "http://h1.test:80"
							  : "http://h0.test:80",
						    i, &added),
				 0);
		assert_true(added);
	}
}

static void test_frontier_dedup(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st), other = run_new(st);
	struct store_frontier_counts c;
	bool added = false;

	assert_int_equal(
		store_frontier_add(st, run, "http://a.test/", "h", 0, &added),
		0);
	assert_true(added);
	assert_int_equal(
		store_frontier_add(st, run, "http://a.test/x", "h", 1, &added),
		0);
	assert_true(added);
	assert_int_equal(
		store_frontier_add(st, run, "http://a.test/", "h", 3, &added),
		0);
	assert_false(added);
	assert_int_equal(
		store_frontier_add(st, run, "http://a.test/", "h", 0, NULL), 0);
	/* Dedup is per run. */
	assert_int_equal(
		store_frontier_add(st, other, "http://a.test/", "h", 0, &added),
		0);
	assert_true(added);

	assert_int_equal(store_frontier_counts(st, run, &c), 0);
	assert_int_equal(c.queued, 2);
	assert_int_equal(c.leased + c.done + c.failed + c.skipped, 0);
	assert_int_equal(store_frontier_counts(st, other, &c), 0);
	assert_int_equal(c.queued, 1);
}

/* Host leases come first: a URL is leased only by the holder of its host's
 * lease.  claim() returns the claimed hosts sorted and space-separated, so
 * an assertion reads like the expected set; it also checks that *n counts
 * exactly the names handed to the callback. */
#define H0  "http://h0.test:80"
#define H1  "http://h1.test:80"
#define H2  "http://h2.test:80"
#define H3  "http://h3.test:80"
#define FAR 9000000000000LL /* a lease that never expires in a test */

struct names {
	int n;
	char *name[16];
};

static void on_host(void *arg, const char *host)
{
	struct names *s = arg;

	assert_true(s->n < 16);
	assert_non_null(host);
	s->name[s->n++] = xstrdup(host);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *claim(struct store *st, int64_t run, const char *owner,
			 int max, int64_t now, int64_t until)
{
	static char out[512];
	struct names s = {0};
	int64_t n = -1;

	assert_int_equal(store_hosts_claim(st, run, owner, max, now, until,
					   on_host, &s, &n),
			 0);
	assert_int_equal(n, s.n);
	qsort(s.name, (size_t)s.n, sizeof(s.name[0]), cmp_str);
	out[0] = '\0';
	for (int i = 0; i < s.n; i++) {
		size_t len = strlen(out);
		snprintf(out + len, sizeof(out) - len, "%s%s", i ? " " : "",
			 s.name[i]);
		free(s.name[i]);
	}
	return out;
}

/* Lease into *l; returns how many URLs this call leased. */
static int lease(struct store *st, int64_t run, const char *owner,
		 const char *host, int max, int64_t now, int64_t until,
		 struct leased *l)
{
	int before = l->n;

	assert_int_equal(store_frontier_lease(st, run, owner, host, max, now,
					      until, on_lease, l),
			 0);
	for (int i = before; i < l->n; i++)
		assert_true(!strncmp(l->url[i], host, strlen(host) - 3));
	return l->n - before;
}

static void add_url(struct store *st, int64_t run, const char *url,
		    const char *host)
{
	bool added = false;

	assert_int_equal(store_frontier_add(st, run, url, host, 0, &added), 0);
	assert_true(added);
}

static void test_frontier_lease(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st), other = run_new(st), n = -1;
	struct leased a = {0}, b = {0};
	struct store_frontier_counts c;

	add_urls(st, run, 5); /* h0: p0 p2 p4, h1: p1 p3 */
	add_urls(st, other, 1);

	/* Nobody leases a URL of a host it does not hold. */
	assert_int_equal(lease(st, run, "A", H0, 10, 1000, 2000, &a), 0);
	assert_string_equal(claim(st, run, "A", 1, 1000, FAR), H0);
	assert_string_equal(claim(st, run, "B", 1, 1000, FAR), H1);
	assert_int_equal(lease(st, run, "A", H1, 10, 1000, 2000, &a), 0);
	assert_int_equal(lease(st, run, "B", H0, 10, 1000, 2000, &b), 0);
	/* A host lease is per run. */
	assert_int_equal(lease(st, other, "A", H0, 10, 1000, 2000, &a), 0);

	/* The host's oldest URLs first, up to max. */
	assert_int_equal(lease(st, run, "A", H0, 2, 1000, 2000, &a), 2);
	assert_true(leased_has(&a, "http://h0.test/p0"));
	assert_true(leased_has(&a, "http://h0.test/p2"));
	for (int i = 0; i < a.n; i++)
		assert_int_equal(a.attempts[i], 0);
	assert_int_equal(lease(st, run, "B", H1, 10, 1000, 3000, &b), 2);
	assert_true(leased_has(&b, "http://h1.test/p1"));
	assert_true(leased_has(&b, "http://h1.test/p3"));
	/* The rest, and then nothing: no URL is leased twice. */
	assert_int_equal(lease(st, run, "A", H0, 10, 1000, 2000, &a), 1);
	assert_true(leased_has(&a, "http://h0.test/p4"));
	assert_int_equal(lease(st, run, "A", H0, 10, 1000, 2000, &a), 0);
	assert_int_equal(lease(st, run, "B", H1, 10, 1000, 3000, &b), 0);

	assert_int_equal(store_frontier_counts(st, run, &c), 0);
	assert_int_equal(c.leased, 5);
	assert_int_equal(c.queued, 0);

	/* Nothing has expired at 1500. */
	assert_int_equal(store_frontier_release(st, run, NULL, 1500, &n), 0);
	assert_int_equal(n, 0);
	/* At 2500 A's leases (until 2000) have, B's (until 3000) not. */
	assert_int_equal(store_frontier_release(st, run, NULL, 2500, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(store_frontier_counts(st, run, &c), 0);
	assert_int_equal(c.leased, 2);
	assert_int_equal(c.queued, 3);

	/* Releasing by owner returns that owner's leases, expired or not. */
	assert_int_equal(store_frontier_release(st, run, "B", 1500, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_frontier_counts(st, run, &c), 0);
	assert_int_equal(c.queued, 5);

	/* Released URLs are leased again, by whoever holds their host. */
	leased_clear(&a);
	assert_int_equal(lease(st, run, "C", H0, 10, 4000, 5000, &a), 0);
	assert_int_equal(store_host_release(st, run, "A", NULL), 0);
	assert_int_equal(store_host_release(st, run, "B", NULL), 0);
	assert_string_equal(claim(st, run, "C", 10, 4000, FAR), H0 " " H1);
	assert_int_equal(lease(st, run, "C", H0, 10, 4000, 5000, &a), 3);
	assert_int_equal(lease(st, run, "C", H1, 10, 4000, 5000, &a), 2);
	/* The other run is untouched. */
	assert_int_equal(store_frontier_counts(st, other, &c), 0);
	assert_int_equal(c.queued, 1);
	assert_int_equal(c.leased, 0);
	/* Release with NULL n is allowed. */
	assert_int_equal(store_frontier_release(st, run, "C", 0, NULL), 0);
	leased_clear(&a);
	leased_clear(&b);
}

static void test_hosts_claim(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st), other = run_new(st), n = -1;
	struct leased l = {0};

	add_urls(st, run, 5); /* h0: p0 p2 p4, h1: p1 p3 */
	add_url(st, run, "http://h2.test/x", H2);
	add_url(st, run, "http://h3.test/y", H3);
	add_url(st, other, "http://h0.test/z", H0);

	/* Make h2's only URL wait for a retry at 5000 and h3's done: a host
	 * is claimable only while it has a queued URL that is due. */
	assert_string_equal(claim(st, run, "P", 10, 1000, FAR),
			    H0 " " H1 " " H2 " " H3);
	assert_int_equal(lease(st, run, "P", H2, 10, 1000, FAR, &l), 1);
	assert_int_equal(store_frontier_retry(st, l.id[0], 5000, "HTTP 503"),
			 0);
	assert_int_equal(lease(st, run, "P", H3, 10, 1000, FAR, &l), 1);
	assert_int_equal(store_frontier_set(st, l.id[1], FRONTIER_DONE, NULL),
			 0);
	assert_int_equal(store_host_release(st, run, "P", NULL), 0);
	leased_clear(&l);

	/* max is honoured; the host with the oldest due URL comes first. */
	assert_string_equal(claim(st, run, "A", 1, 1000, 2000), H0);
	/* No host is claimed twice: B gets only what A does not hold. */
	assert_string_equal(claim(st, run, "B", 10, 1000, 3000), H1);
	assert_string_equal(claim(st, run, "C", 10, 1000, FAR), "");
	assert_string_equal(claim(st, run, "A", 10, 1000, 2000), "");
	/* At 2500 A's host lease (until 2000) has expired, B's has not. */
	assert_string_equal(claim(st, run, "C", 10, 2500, FAR), H0);
	assert_int_equal(lease(st, run, "A", H0, 10, 2500, FAR, &l), 0);
	assert_int_equal(lease(st, run, "C", H0, 10, 2500, FAR, &l), 3);
	/* At 5000 B's has expired too and h2's retry is due. */
	assert_string_equal(claim(st, run, "D", 10, 5000, FAR), H1 " " H2);
	/* A host whose URLs are all leased is not claimable even when
	 * nobody holds it: only queued URLs count. */
	assert_int_equal(store_host_release(st, run, "C", H0), 0);
	assert_string_equal(claim(st, run, "E", 10, 5000, FAR), "");

	/* Runs are separate; the callback and the count are optional. */
	assert_int_equal(store_hosts_claim(st, other, "A", 10, 1000, FAR, NULL,
					   NULL, &n),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(lease(st, other, "A", H0, 10, 1000, FAR, &l), 1);
	assert_string_equal(l.url[l.n - 1], "http://h0.test/z");
	{
		struct names s = {0};
		assert_int_equal(store_hosts_claim(st, other, "B", 10, 1000,
						   FAR, on_host, &s, NULL),
				 0);
		assert_int_equal(s.n, 0);
	}
	leased_clear(&l);
}

static void test_leases_renew(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st), other = run_new(st), n = -1;
	struct leased l = {0};
	struct store_frontier_counts c;

	add_urls(st, run, 5); /* h0: p0 p2 p4, h1: p1 p3 */
	add_url(st, other, "http://h0.test/o", H0);
	assert_string_equal(claim(st, run, "A", 1, 1000, 2000), H0);
	assert_int_equal(lease(st, run, "A", H0, 10, 1000, 2000, &l), 3);
	assert_string_equal(claim(st, run, "B", 1, 1000, 2000), H1);
	assert_int_equal(lease(st, run, "B", H1, 10, 1000, 2000, &l), 2);
	assert_string_equal(claim(st, other, "A", 1, 1000, 2000), H0);
	assert_int_equal(lease(st, other, "A", H0, 10, 1000, 2000, &l), 1);

	/* A extends its host and URL leases in `run` to 8000. */
	assert_int_equal(store_leases_renew(st, run, "A", 8000), 0);
	/* At 5000 B's URLs go back to the queue, A's stay leased... */
	assert_int_equal(store_frontier_release(st, run, NULL, 5000, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_frontier_counts(st, run, &c), 0);
	assert_int_equal(c.leased, 3);
	assert_int_equal(c.queued, 2);
	/* ...and so do the host leases: h1 is claimable, h0 is A's. */
	assert_string_equal(claim(st, run, "C", 10, 5000, FAR), H1);
	/* At 8500 A's renewed leases have expired too. */
	assert_int_equal(store_frontier_release(st, run, NULL, 8500, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(claim(st, run, "C", 10, 8500, FAR), H0);

	/* Renewal is per run: A's leases in the other run were not. */
	assert_int_equal(store_frontier_release(st, other, NULL, 5000, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(claim(st, other, "C", 10, 5000, FAR), H0);
	/* Renewing nothing is no error. */
	assert_int_equal(store_leases_renew(st, run, "nobody", FAR), 0);
	leased_clear(&l);
}

static void test_host_release(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st), other = run_new(st);

	add_urls(st, run, 5); /* h0, h1 */
	add_url(st, run, "http://h2.test/x", H2);
	add_url(st, other, "http://h0.test/o", H0);
	assert_string_equal(claim(st, run, "A", 10, 1000, FAR),
			    H0 " " H1 " " H2);
	assert_string_equal(claim(st, other, "A", 10, 1000, FAR), H0);

	/* One host back: only that one becomes claimable. */
	assert_int_equal(store_host_release(st, run, "A", H1), 0);
	assert_string_equal(claim(st, run, "B", 10, 1000, FAR), H1);
	/* Nobody releases another owner's host, or one nobody holds. */
	assert_int_equal(store_host_release(st, run, "B", H0), 0);
	assert_int_equal(store_host_release(st, run, "A", H1), 0);
	assert_int_equal(store_host_release(st, run, "A", "http://x:80"), 0);
	assert_string_equal(claim(st, run, "C", 10, 1000, FAR), "");
	/* NULL: every host the owner holds in the run, and only those. */
	assert_int_equal(store_host_release(st, run, "A", NULL), 0);
	assert_string_equal(claim(st, run, "C", 10, 1000, FAR), H0 " " H2);
	assert_string_equal(claim(st, other, "C", 10, 1000, FAR), "");
	assert_int_equal(store_host_release(st, other, "A", NULL), 0);
	assert_string_equal(claim(st, other, "C", 10, 1000, FAR), H0);
}

/*
 * Several processes claiming hosts and leasing their URLs at once, the way
 * crawl workers do: every URL is handed out exactly once, and no host is
 * held by two processes at a time.  Each child reports on one pipe, in
 * order: 'C' after its claim committed, 'U' for each URL leased, 'R'
 * before it releases a host.  A write to a pipe is atomic and ordered, so
 * replaying the reports sees a host claimed by two children at once only
 * if the store really let that happen.
 */
#define RACE_HOSTS    8
#define RACE_PER_HOST 30
#define RACE_URLS     (RACE_HOSTS * RACE_PER_HOST)
#define RACE_PROCS    4

struct race_ev {
	char type; /* O ready, C claimed, U URL leased, R releasing */
	int proc;
	int64_t id;
	char host[32];
};

struct race {
	struct store *st;
	int fd, k;
	char held[RACE_HOSTS][32];
	int nheld;
	const char *host; /* being leased */
	int64_t ids[8];
	int nids;
};

static void race_send(struct race *r, char type, int64_t id, const char *host)
{
	struct race_ev e = {.type = type, .proc = r->k, .id = id};

	snprintf(e.host, sizeof(e.host), "%s", host ? host : "");
	if (write(r->fd, &e, sizeof(e)) != (ssize_t)sizeof(e))
		_exit(4);
}

static void race_on_claim(void *arg, const char *host)
{
	struct race *r = arg;

	if (r->nheld >= RACE_HOSTS)
		_exit(5);
	snprintf(r->held[r->nheld++], sizeof(r->held[0]), "%s", host);
}

static void race_on_lease(void *arg, const struct store_url *u)
{
	struct race *r = arg;

	if (strcmp(u->host, r->host) || r->nids >= 8)
		_exit(6);
	r->ids[r->nids++] = u->id;
	race_send(r, 'U', u->id, u->host);
}

static void race_child(const char *uri, int64_t run, int fd, int go, int k)
{
	struct race r = {.fd = fd, .k = k};
	char owner[16], c;

	snprintf(owner, sizeof(owner), "w%d", k);
	if (store_open(uri, &r.st))
		_exit(2);
	race_send(&r, 'O', 0, NULL);
	if (read(go, &c, 1) < 0) /* EOF when the parent says go */
		_exit(2);
	for (;;) {
		int before = r.nheld;

		/* As the crawler does: claims and leases in a transaction. */
		if (store_begin(r.st) ||
		    store_hosts_claim(r.st, run, owner, 2, 1000, FAR,
				      race_on_claim, &r, NULL) ||
		    store_commit(r.st))
			_exit(3);
		for (int i = before; i < r.nheld; i++)
			race_send(&r, 'C', 0, r.held[i]);
		if (!r.nheld) {
			/* A claim may come back empty while hosts are free:
			 * concurrent claims pick the same hosts and all but
			 * one of them give way.  Stop only when nothing is
			 * queued. */
			struct store_frontier_counts n;

			if (store_frontier_counts(r.st, run, &n))
				_exit(3);
			if (!n.queued)
				break;
			usleep(1000);
			continue;
		}
		for (int i = 0; i < r.nheld; i++) {
			r.host = r.held[i];
			r.nids = 0;
			if (store_begin(r.st) ||
			    store_frontier_lease(r.st, run, owner, r.host, 4,
						 1000, FAR, race_on_lease, &r))
				_exit(3);
			for (int j = 0; j < r.nids; j++)
				if (store_frontier_set(r.st, r.ids[j],
						       FRONTIER_DONE, NULL))
					_exit(3);
			if (store_commit(r.st))
				_exit(3);
			/* The crawler fetches between transactions; without
			 * a pause one process can take SQLite's write lock
			 * again and again and leave the others nothing. */
			usleep(1000);
			if (r.nids)
				continue;
			/* Drained: give the host back. */
			race_send(&r, 'R', 0, r.host);
			if (store_host_release(r.st, run, owner, r.host))
				_exit(3);
			memmove(r.held[i], r.held[i + 1],
				(size_t)(r.nheld - i - 1) * sizeof(r.held[0]));
			r.nheld--;
			i--;
		}
	}
	store_close(r.st);
	_exit(0);
}

static int race_host(char hosts[][32], const char *h)
{
	for (int i = 0; i < RACE_HOSTS; i++)
		if (!strcmp(hosts[i], h))
			return i;
	fail_msg("report names unknown host '%s'", h);
	return -1;
}

static void test_frontier_lease_concurrent(void **state)
{
	struct fx *f = *state;
	struct store *st = f->st;
	int64_t run = run_new(st);
	struct store_frontier_counts c;
	char hosts[RACE_HOSTS][32];
	int holder[RACE_HOSTS], seen[RACE_URLS] = {0};
	int leased_by[RACE_PROCS] = {0}, busy = 0;
	int64_t first_id = -1;
	pid_t pid[RACE_PROCS];
	int fds[2], gofds[2], total = 0, ready = 0, status;
	struct race_ev e;

	assert_int_equal(store_begin(st), 0);
	for (int i = 0; i < RACE_URLS; i++) {
		char url[64];
		int h = i % RACE_HOSTS;

		snprintf(hosts[h], sizeof(hosts[h]), "http://r%d.test:80", h);
		snprintf(url, sizeof(url), "http://r%d.test/%d", h, i);
		assert_int_equal(
			store_frontier_add(st, run, url, hosts[h], 0, NULL), 0);
	}
	assert_int_equal(store_commit(st), 0);
	/* Ids are consecutive from the first: a URL's slot in seen[]. */
	{
		struct leased l = {0};
		assert_string_equal(claim(st, run, "probe", 1, 1000, FAR),
				    hosts[0]);
		assert_int_equal(
			lease(st, run, "probe", hosts[0], 1, 1000, FAR, &l), 1);
		first_id = l.id[0];
		leased_clear(&l);
		assert_int_equal(
			store_frontier_release(st, run, "probe", 0, NULL), 0);
		assert_int_equal(store_host_release(st, run, "probe", NULL), 0);
	}
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(pipe(gofds), 0);
	for (int k = 0; k < RACE_PROCS; k++) {
		pid[k] = fork();
		assert_true(pid[k] >= 0);
		if (!pid[k]) {
			close(fds[0]);
			close(gofds[1]);
			race_child(f->uri, run, fds[1], gofds[0], k);
		}
	}
	close(fds[1]);
	close(gofds[0]);
	for (int h = 0; h < RACE_HOSTS; h++)
		holder[h] = -1;
	while (read(fds[0], &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		int h = e.type == 'O' ? 0 : race_host(hosts, e.host);

		switch (e.type) {
		case 'O':
			/* Everyone has opened the store: start together. */
			if (++ready == RACE_PROCS)
				close(gofds[1]);
			break;
		case 'C':
			if (holder[h] >= 0)
				fail_msg("%s claimed by w%d while w%d holds it",
					 e.host, e.proc, holder[h]);
			holder[h] = e.proc;
			for (int i = 0, n = 0; i < RACE_HOSTS; i++)
				if (holder[i] >= 0 && (n += 1) > 1)
					busy = 1;
			break;
		case 'U':
			if (holder[h] != e.proc)
				fail_msg("w%d leased %lld of %s held by w%d",
					 e.proc, (long long)e.id, e.host,
					 holder[h]);
			assert_true(e.id >= first_id &&
				    e.id < first_id + RACE_URLS);
			if (seen[e.id - first_id]++)
				fail_msg("URL %lld leased twice",
					 (long long)e.id);
			leased_by[e.proc]++;
			total++;
			break;
		case 'R':
			if (holder[h] != e.proc)
				fail_msg("w%d released %s held by w%d", e.proc,
					 e.host, holder[h]);
			holder[h] = -1;
			break;
		default:
			fail_msg("bad report '%c'", e.type);
		}
	}
	close(fds[0]);
	if (ready < RACE_PROCS)
		close(gofds[1]);
	for (int k = 0; k < RACE_PROCS; k++) {
		assert_int_equal(waitpid(pid[k], &status, 0), pid[k]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(total, RACE_URLS);
	for (int h = 0; h < RACE_HOSTS; h++)
		assert_int_equal(holder[h], -1);
	/* The race really was one: hosts were held side by side. */
	assert_true(busy);
	{
		int workers = 0;
		for (int k = 0; k < RACE_PROCS; k++)
			workers += leased_by[k] > 0;
		if (workers < 2)
			fail_msg("one process leased everything: %d %d %d %d",
				 leased_by[0], leased_by[1], leased_by[2],
				 leased_by[3]);
	}
	assert_int_equal(store_frontier_counts(st, run, &c), 0);
	assert_int_equal(c.done, RACE_URLS);
	assert_int_equal(c.leased + c.queued, 0);
	/* Every host lease was given back. */
	assert_int_equal(store_frontier_add(st, run, "http://r0.test/new",
					    hosts[0], 0, NULL),
			 0);
	assert_string_equal(claim(st, run, "after", 10, 1000, FAR), hosts[0]);
}

static void test_frontier_set_retry(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st);
	struct leased a = {0};
	struct store_frontier_counts c;
	int64_t id_retry = 0;

	add_urls(st, run, 5);
	assert_string_equal(claim(st, run, "A", 10, 1000, 9000), H0 " " H1);
	assert_int_equal(lease(st, run, "A", H0, 5, 1000, 9000, &a), 3);
	assert_int_equal(lease(st, run, "A", H1, 5, 1000, 9000, &a), 2);
	for (int i = 0; i < a.n; i++) {
		const char *u = a.url[i];
		int rc;

		if (!strcmp(u, "http://h0.test/p0"))
			rc = store_frontier_set(st, a.id[i], FRONTIER_DONE,
						NULL);
		else if (!strcmp(u, "http://h1.test/p1"))
			rc = store_frontier_set(st, a.id[i], FRONTIER_FAILED,
						"HTTP 404");
		else if (!strcmp(u, "http://h0.test/p2"))
			rc = store_frontier_set(st, a.id[i], FRONTIER_SKIPPED,
						"robots.txt");
		else if (!strcmp(u, "http://h1.test/p3"))
			rc = store_frontier_set(st, a.id[i], FRONTIER_DONE, "");
		else {
			id_retry = a.id[i];
			rc = store_frontier_retry(st, a.id[i], 5000,
						  "HTTP 503");
		}
		assert_int_equal(rc, 0);
	}
	assert_int_equal(store_frontier_counts(st, run, &c), 0);
	assert_int_equal(c.done, 2);
	assert_int_equal(c.failed, 1);
	assert_int_equal(c.skipped, 1);
	assert_int_equal(c.queued, 1);
	assert_int_equal(c.leased, 0);

	/* The retry waits for its not_before. */
	leased_clear(&a);
	assert_int_equal(lease(st, run, "A", H0, 5, 4999, 9000, &a), 0);
	assert_int_equal(lease(st, run, "A", H0, 5, 5000, 9000, &a), 1);
	assert_int_equal(a.id[0], id_retry);
	assert_string_equal(a.url[0], "http://h0.test/p4");
	assert_int_equal(a.attempts[0], 1);
	assert_int_equal(a.depth[0], 4);
	leased_clear(&a);

	/* Finished URLs are never leased again, even after release. */
	assert_int_equal(store_frontier_release(st, run, "A", 0, NULL), 0);
	assert_int_equal(store_frontier_counts(st, run, &c), 0);
	assert_int_equal(c.queued, 1);
	assert_int_equal(c.done + c.failed + c.skipped, 4);
}

/* ---- transactions -------------------------------------------------------- */

static void test_transactions(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st);
	struct store_frontier_counts c;

	assert_int_equal(store_begin(st), 0);
	assert_int_equal(
		store_frontier_add(st, run, "http://t/1", "h", 0, NULL), 0);
	assert_int_equal(store_rollback(st), 0);
	assert_int_equal(store_frontier_counts(st, run, &c), 0);
	assert_int_equal(c.queued, 0);

	/* Nested begin/commit collapse into the outer transaction. */
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(
		store_frontier_add(st, run, "http://t/2", "h", 0, NULL), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(
		store_frontier_add(st, run, "http://t/3", "h", 0, NULL), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_frontier_counts(st, run, &c), 0);
	assert_int_equal(c.queued, 2);
}

/* ---- robots cache -------------------------------------------------------- */

static void test_robots_binary(void **state)
{
	struct store *st = ST(state);
	/* NUL, invalid UTF-8 and a lone continuation byte: a robots.txt is
	 * bytes from a hostile server, not text. */
	static const char body[] = "User-agent: *\0Disallow: /\xff\xfe\x80"
				   "\n\xc3\x28 end";
	struct store_robots in = {.status = 200,
				  .body = body,
				  .body_len = sizeof(body) - 1,
				  .fetched_at = 1234567890123LL};
	struct store_robots out;

	assert_int_equal(store_robots_get(st, "http://r.test:80", &out),
			 ERR_NOTFOUND);
	assert_int_equal(store_robots_put(st, "http://r.test:80", &in), 0);
	assert_int_equal(store_robots_get(st, "http://r.test:80", &out), 0);
	assert_int_equal(out.status, 200);
	assert_int_equal(out.body_len, sizeof(body) - 1);
	assert_memory_equal(out.body, body, sizeof(body) - 1);
	assert_int_equal(out.fetched_at, 1234567890123LL);

	/* Put replaces; an empty body and status 0 (unreachable). */
	in.status = 0;
	in.body = NULL;
	in.body_len = 0;
	in.fetched_at = 5;
	assert_int_equal(store_robots_put(st, "http://r.test:80", &in), 0);
	assert_int_equal(store_robots_get(st, "http://r.test:80", &out), 0);
	assert_int_equal(out.status, 0);
	assert_int_equal(out.body_len, 0);
	assert_non_null(out.body);
	assert_int_equal(out.fetched_at, 5);

	/* Every byte value survives. */
	{
		char all[256];
		for (int i = 0; i < 256; i++)
			all[i] = (char)(255 - i);
		in.body = all;
		in.body_len = sizeof(all);
		in.status = 404;
		assert_int_equal(store_robots_put(st, "http://s.test:80", &in),
				 0);
		assert_int_equal(store_robots_get(st, "http://s.test:80", &out),
				 0);
		assert_int_equal(out.body_len, sizeof(all));
		assert_memory_equal(out.body, all, sizeof(all));
		assert_int_equal(out.status, 404);
	}
}

/* ---- pages and captures -------------------------------------------------- */

static struct store_capture cap(int64_t run, const char *url, const char *canon,
				const char *final, const char *sha, int64_t at)
{
	return (struct store_capture){
		.run_id = run,
		.url = url,
		.canonical_url = canon,
		.final_url = final,
		.status = 200,
		.content_type = "text/html; charset=utf-8",
		.ip = "127.0.0.1",
		.sha256 = sha,
		.fetched_at = at,
		.warc_file = "warc/patroli-1.warc.gz",
		.warc_offset = at * 10,
		.warc_length = 321,
		.depth = 1,
	};
}

#define SHA_X "aaaa000000000000000000000000000000000000000000000000000000000000"
#define SHA_Y "bbbb000000000000000000000000000000000000000000000000000000000000"

struct seen {
	int n;
	char *url[16];
	char *canon[16];
	int64_t at[16];
};

static int on_capture(void *arg, const struct store_capture *c)
{
	struct seen *s = arg;

	assert_true(s->n < 16);
	s->url[s->n] = xstrdup(c->url);
	s->canon[s->n] = xstrdup(c->canonical_url);
	s->at[s->n] = c->fetched_at;
	s->n++;
	return 0;
}

static int stop_after_one(void *arg, const struct store_capture *c)
{
	(*(int *)arg)++;
	return 1;
}

static void seen_clear(struct seen *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->url[i]);
		free(s->canon[i]);
	}
	memset(s, 0, sizeof(*s));
}

static void test_pages(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st), other = run_new(st);
	struct store_capture c, got;
	struct seen s = {0};
	const char *owner;
	int calls = 0;

	/* Page "a": first fetched directly, then reached from /b whose
	 * rel=canonical names /a and which redirected to /b2. */
	c = cap(run, "http://x.test/a", "http://x.test/a", "http://x.test/a",
		SHA_X, 100);
	assert_int_equal(store_capture_add(st, &c), 0);
	c = cap(run, "http://x.test/b", "http://x.test/a", "http://x.test/b2",
		SHA_Y, 200);
	assert_int_equal(store_capture_add(st, &c), 0);
	/* Page "B" (upper case sorts before "a" in byte order, after it in
	 * most language collations), same payload as the first capture; no
	 * canonical given means the URL is its own. */
	c = cap(run, "http://x.test/B", NULL, "http://x.test/B", SHA_X, 300);
	c.content_type = NULL;
	c.ip = NULL;
	c.warc_file = NULL;
	c.error = NULL;
	assert_int_equal(store_capture_add(st, &c), 0);
	/* A failed fetch: recorded as a capture with an error. */
	c = cap(run, "http://x.test/dead", NULL, NULL, NULL, 400);
	c.status = 0;
	c.error = "connection refused";
	c.warc_file = NULL;
	assert_int_equal(store_capture_add(st, &c), 0);

	/* The payload hash names the earliest page that had it, per run. */
	assert_int_equal(store_page_by_sha(st, run, SHA_X, &owner), 0);
	assert_string_equal(owner, "http://x.test/a");
	assert_int_equal(store_page_by_sha(st, run, SHA_Y, &owner), 0);
	assert_string_equal(owner, "http://x.test/a");
	assert_int_equal(store_page_by_sha(st, other, SHA_X, &owner),
			 ERR_NOTFOUND);
	assert_int_equal(store_page_by_sha(st, run, "cc", &owner),
			 ERR_NOTFOUND);

	/* Found by canonical, requested and final URL: the newest capture. */
	const char *keys[] = {"http://x.test/a", "http://x.test/b",
			      "http://x.test/b2"};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		memset(&got, 0, sizeof(got));
		assert_int_equal(store_page_find(st, keys[i], &got), 0);
		assert_string_equal(got.url, "http://x.test/b");
		assert_string_equal(got.canonical_url, "http://x.test/a");
		assert_string_equal(got.final_url, "http://x.test/b2");
		assert_string_equal(got.sha256, SHA_Y);
		assert_string_equal(got.content_type,
				    "text/html; charset=utf-8");
		assert_string_equal(got.ip, "127.0.0.1");
		assert_string_equal(got.warc_file, "warc/patroli-1.warc.gz");
		assert_int_equal(got.warc_offset, 2000);
		assert_int_equal(got.warc_length, 321);
		assert_int_equal(got.fetched_at, 200);
		assert_int_equal(got.status, 200);
		assert_int_equal(got.run_id, run);
		assert_int_equal(got.depth, 1);
		assert_null(got.error);
	}
	/* NULLs come back as NULL. */
	assert_int_equal(store_page_find(st, "http://x.test/B", &got), 0);
	assert_string_equal(got.canonical_url, "http://x.test/B");
	assert_null(got.content_type);
	assert_null(got.ip);
	assert_null(got.warc_file);
	assert_null(got.error);
	assert_int_equal(store_page_find(st, "http://x.test/dead", &got), 0);
	assert_string_equal(got.error, "connection refused");
	assert_null(got.final_url);
	assert_null(got.sha256);
	assert_int_equal(got.status, 0);
	assert_int_equal(store_page_find(st, "http://x.test/none", &got),
			 ERR_NOTFOUND);

	/* A newer capture of the same canonical URL becomes the page's. */
	c = cap(run, "http://x.test/a", "http://x.test/a", "http://x.test/a",
		SHA_X, 500);
	assert_int_equal(store_capture_add(st, &c), 0);
	assert_int_equal(store_page_find(st, "http://x.test/b2", &got), 0);
	assert_int_equal(got.fetched_at, 500);
	assert_string_equal(got.url, "http://x.test/a");

	/* One row per page, newest capture, in byte order of the URL. */
	assert_int_equal(store_page_each(st, on_capture, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.canon[0], "http://x.test/B");
	assert_string_equal(s.canon[1], "http://x.test/a");
	assert_string_equal(s.canon[2], "http://x.test/dead");
	assert_int_equal(s.at[0], 300);
	assert_int_equal(s.at[1], 500);
	assert_int_equal(s.at[2], 400);
	seen_clear(&s);

	/* Every capture, in the order recorded. */
	assert_int_equal(store_capture_each(st, on_capture, &s), 0);
	assert_int_equal(s.n, 5);
	for (int i = 0; i < s.n; i++)
		assert_int_equal(s.at[i], (int64_t)(i + 1) * 100);
	assert_string_equal(s.url[1], "http://x.test/b");
	assert_string_equal(s.canon[1], "http://x.test/a");
	seen_clear(&s);

	/* A callback's non-zero return stops the walk. */
	assert_int_equal(store_page_each(st, stop_after_one, &calls), 0);
	assert_int_equal(calls, 1);
}

/* Hostile text (a header with bytes that are not UTF-8) must not make a
 * write fail: SQLite keeps the bytes, PostgreSQL gets U+FFFD for them. */
static void test_capture_hostile_text(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st);
	struct store_capture c, got;

	c = cap(run, "http://x.test/\xff", NULL, NULL, NULL, 1);
	c.content_type = "text/html; charset=\xe9t\xe9";
	c.error = "bad \xc0\xaf byte";
	assert_int_equal(store_capture_add(st, &c), 0);
	assert_int_equal(store_page_find(st, "http://x.test/\xff", &got), 0);
	assert_non_null(got.content_type);
	assert_true(!strncmp(got.content_type, "text/html; charset=", 19));
	assert_non_null(got.error);
	if (!strcmp(cur->name, "postgres"))
		assert_string_equal(
			got.content_type,
			"text/html; charset=\xef\xbf\xbdt\xef\xbf\xbd");
	else
		assert_string_equal(got.content_type, c.content_type);
}

/* ---- the driver itself ----------------------------------------------------
 */

/* Expected errors are not news. */
static void quiet(bool on)
{
	log_set_level(on ? (enum log_level)(LOG_ERROR + 1) : LOG_WARN);
}

static int64_t one_int(const struct db_driver *drv, struct db *db,
		       const char *sql, const struct db_arg *a, int n, int col)
{
	struct db_rows *r;
	int64_t v;

	assert_int_equal(drv->query(db, sql, a, n, &r), 0);
	assert_int_equal(drv->next(r), 1);
	v = drv->col_int(r, col);
	drv->done(r);
	return v;
}

/* What store.c relies on from every driver: parameters of each type in,
 * integers (including aggregates) and exact bytes out, NULLs, changes(),
 * several statements in one exec(), and errors as negative returns. */
static void test_driver(void **state)
{
	struct fx *f = *state;
	const struct db_driver *drv = cur->schema ? &db_postgres : &db_sqlite;
	static const char ins[] =
		"INSERT INTO dt (i, t, b) VALUES ($1, $2, $3)";
	static const char sel[] = "SELECT i, t, b FROM dt ORDER BY i";
	static const char agg[] =
		"SELECT SUM(i), COUNT(*), MAX(i), MIN(i) < 0 FROM dt "
		"WHERE i < $1";
	static const char upd[] = "UPDATE dt SET t = $1 WHERE i > $2";
	static const char bad[] = "SELECT no_such_column FROM dt";
	struct db_arg a1[] = {A_INT(INT64_MAX), A_TEXT("h\xc3\xa9llo"),
			      A_BLOB("\0\1\xff", 3)};
	struct db_arg a2[] = {A_INT(-5), A_TEXT(NULL), A_BLOB("", 0)};
	struct db_arg lim[] = {A_INT(1000)};
	struct db_arg au[] = {A_TEXT("u"), A_INT(0)};
	struct db_rows *r;
	struct db *db;
	const char *p;
	size_t n;
	char *sql;

	assert_int_equal(drv->open(f->uri, &db), 0);
	sql = xasprintf("CREATE TABLE dt (i BIGINT, t TEXT, b %s);"
			"INSERT INTO dt (i, t) VALUES (7, 'seven');",
			drv->blob_type);
	assert_int_equal(drv->exec(db, sql), 0);
	free(sql);
	quiet(true);
	assert_true(drv->exec(db, "SELECT FROM nowhere;") < 0);
	quiet(false);

	assert_int_equal(drv->query(db, ins, a1, 3, &r), 0);
	assert_int_equal(drv->next(r), 0);
	assert_int_equal(drv->changes(r), 1);
	drv->done(r);
	assert_int_equal(drv->query(db, ins, a2, 3, &r), 0);
	assert_int_equal(drv->next(r), 0);
	drv->done(r);

	assert_int_equal(drv->query(db, sel, NULL, 0, &r), 0);
	assert_int_equal(drv->next(r), 1);
	assert_int_equal(drv->col_int(r, 0), -5);
	assert_true(drv->is_null(r, 1));
	assert_false(drv->is_null(r, 2));
	/* An empty blob: SQLite hands out NULL for its bytes, so only the
	 * length is compared. */
	(void)drv->col_text(r, 2, &n);
	assert_int_equal(n, 0);
	assert_int_equal(drv->next(r), 1);
	assert_int_equal(drv->col_int(r, 0), 7);
	assert_string_equal(drv->col_text(r, 1, &n), "seven");
	assert_int_equal(n, 5);
	assert_true(drv->is_null(r, 2));
	assert_int_equal(drv->next(r), 1);
	assert_int_equal(drv->col_int(r, 0), INT64_MAX);
	assert_string_equal(drv->col_text(r, 1, NULL), "h\xc3\xa9llo");
	p = drv->col_text(r, 2, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "\0\1\xff", 3);
	/* Asking twice gives the same bytes. */
	p = drv->col_text(r, 2, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "\0\1\xff", 3);
	assert_int_equal(drv->next(r), 0);
	drv->done(r);

	/* SUM of a BIGINT is NUMERIC on PostgreSQL; a comparison is a
	 * boolean there and an integer in SQLite. */
	assert_int_equal(one_int(drv, db, agg, lim, 1, 0), 2);
	assert_int_equal(one_int(drv, db, agg, lim, 1, 1), 2);
	assert_int_equal(one_int(drv, db, agg, lim, 1, 2), 7);
	assert_int_equal(one_int(drv, db, agg, lim, 1, 3), 1);

	assert_int_equal(drv->query(db, upd, au, 2, &r), 0);
	assert_int_equal(drv->next(r), 0);
	assert_int_equal(drv->changes(r), 2);
	drv->done(r);

	quiet(true);
	if (!drv->query(db, bad, NULL, 0, &r)) {
		/* SQLite reports some errors only when stepping. */
		int rc = drv->next(r);
		drv->done(r);
		assert_true(rc < 0);
	}
	quiet(false);

	if (drv == &db_postgres) {
		/* The statement cache is keyed by address but checks the
		 * text: a reused buffer gets its own statement. */
		char q[32];
		snprintf(q, sizeof(q), "SELECT 1");
		assert_int_equal(one_int(drv, db, q, NULL, 0, 0), 1);
		snprintf(q, sizeof(q), "SELECT 22");
		assert_int_equal(one_int(drv, db, q, NULL, 0, 0), 22);
	}
	assert_int_equal(drv->exec(db, "DROP TABLE dt"), 0);
	drv->close(db);
}

/* ---- the write queue (src/store/queue.c) ------------------------------- */

/* Every row of `sql` as text, columns separated by '|', rows by '\n', read
 * through a connection of its own: what the store committed. */
static char *dump(struct fx *f, const char *sql, const struct db_arg *a, int na,
		  int ncols)
{
	const struct db_driver *drv = cur->schema ? &db_postgres : &db_sqlite;
	struct buf b = BUF_INIT;
	struct db_rows *r;
	struct db *db;
	int rc;

	assert_int_equal(drv->open(f->uri, &db), 0);
	assert_int_equal(drv->query(db, sql, a, na, &r), 0);
	while ((rc = drv->next(r)) > 0) {
		for (int i = 0; i < ncols; i++) {
			const char *v = drv->col_text(r, i, NULL);
			buf_printf(&b, "%s%s", i ? "|" : "",
				   drv->is_null(r, i) ? "(null)" : v);
		}
		buf_putc(&b, '\n');
	}
	assert_int_equal(rc, 0);
	drv->done(r);
	drv->close(db);
	return buf_detach(&b, NULL);
}

/* The rows a scenario wrote under `host` in `run`, with the host replaced
 * by X so that two scenarios on two hosts compare equal.  Ids differ, so
 * links are shown by content. */
static char *dump_all(struct fx *f, int64_t run, const char *host)
{
	static const char q_cap[] =
		"SELECT replace(c.url, $1, 'X'), replace(p.canonical_url, $1, "
		"'X'), replace(c.final_url, $1, 'X'), c.status, "
		"c.content_type, c.ip, c.sha256, c.fetched_at, c.warc_file, "
		"c.warc_offset, c.warc_length, c.error, c.depth FROM capture "
		"c JOIN page p ON p.id = c.page_id WHERE c.run_id = $2 ORDER "
		"BY c.id";
	static const char q_page[] =
		"SELECT replace(p.canonical_url, $1, 'X'), replace(c.url, $1, "
		"'X'), c.status, c.fetched_at, c.error FROM page p LEFT JOIN "
		"capture c ON c.id = p.capture_id WHERE p.canonical_url LIKE "
		"$2 ORDER BY p.canonical_url";
	static const char q_front[] =
		"SELECT replace(url, $1, 'X'), state, reason, attempts, "
		"not_before, lease_owner, lease_until FROM frontier WHERE "
		"run_id = $2 ORDER BY url";
	char *like = xasprintf("%s/%%", host);
	struct db_arg ar[] = {A_TEXT(host), A_INT(run)};
	struct db_arg ap[] = {A_TEXT(host), A_TEXT(like)};
	char *c = dump(f, q_cap, ar, 2, 13), *p = dump(f, q_page, ap, 2, 5);
	char *fr = dump(f, q_front, ar, 2, 7);
	char *all = xasprintf("captures:\n%spages:\n%sfrontier:\n%s", c, p, fr);

	free(like);
	free(c);
	free(p);
	free(fr);
	return all;
}

static struct store_capture qcap(int64_t run, const char *url,
				 const char *canon, int status, int64_t at,
				 const char *error)
{
	struct store_capture c = cap(run, url, canon, url, SHA_X, at);

	c.status = status;
	c.error = error;
	if (error) {
		c.warc_file = NULL;
		c.sha256 = NULL;
	}
	return c;
}

/*
 * A crawl's worth of writes under `host`: pages with redirect hops, pages
 * sharing a canonical URL, pages known before (with a capture), outcomes
 * that are redirects, errors, identical captures, and frontier rows set,
 * retried, set twice.  `batched`: the writes go in one transaction (the
 * queue), else each on its own (written at once, as before the queue).
 */
static void scenario(struct store *st, int64_t run, const char *host, int n,
		     bool batched)
{
	int64_t *fid = xcalloc((size_t)n, sizeof(*fid));
	char url[128], canon[128];

	for (int i = 0; i < n; i++) {
		snprintf(url, sizeof(url), "%s/p%d", host, i);
		assert_int_equal(store_frontier_take(st, run, url, host, i % 3,
						     "w", FAR, &fid[i]),
				 0);
		if (i % 10 == 0) { /* a page the store already shows */
			struct store_capture c =
				qcap(run, url, NULL, 200, 1 + i, NULL);
			assert_int_equal(store_capture_add(st, &c), 0);
		}
	}
	if (batched)
		assert_int_equal(store_begin(st), 0);
	for (int i = 0; i < n; i++) {
		int hops = i % 4 == 1 ? 1 : i % 7 == 3 ? 2 : 0;
		int64_t at = 1000 * (int64_t)i;
		struct store_capture c;

		/* every fifth page names the one before as its canonical */
		snprintf(canon, sizeof(canon), "%s/p%d", host,
			 i % 5 == 4 ? i - 1 : i);
		for (int h = 0; h < hops; h++) {
			snprintf(url, sizeof(url), "%s/p%d/hop%d", host, i, h);
			c = qcap(run, url, canon, h ? 302 : 301, at + h, NULL);
			assert_int_equal(store_capture_add(st, &c), 0);
		}
		snprintf(url, sizeof(url), "%s/p%d", host, i);
		switch (i % 6) {
		case 0:
		case 4:
			c = qcap(run, url, canon, 200, at + 10, NULL);
			break;
		case 1:
			c = qcap(run, url, canon, 0, at + 10, "timeout");
			break;
		case 2:
			c = qcap(run, url, canon, 404, at + 10, NULL);
			break;
		case 3: /* the chain ends in a redirect: still a redirect */
			c = qcap(run, url, canon, 302, at + 10, NULL);
			break;
		default: /* a redirect that failed is an outcome */
			c = qcap(run, url, canon, 301, at + 10, "loop");
			break;
		}
		c.depth = i % 3;
		assert_int_equal(store_capture_add(st, &c), 0);
		if (i % 50 == 7) /* the same capture twice: same key */
			assert_int_equal(store_capture_add(st, &c), 0);

		if (i % 6 == 1) {
			assert_int_equal(store_frontier_retry(st, fid[i],
							      5000 + i,
							      "timeout"),
					 0);
			if (i % 12 == 1)
				assert_int_equal(
					store_frontier_set(st, fid[i],
							   FRONTIER_FAILED,
							   "gave up"),
					0);
			continue;
		}
		if (i % 9 == 0)
			assert_int_equal(store_frontier_set(st, fid[i],
							    FRONTIER_SKIPPED,
							    "first"),
					 0);
		assert_int_equal(
			store_frontier_set(st, fid[i],
					   i % 6 == 2 ? FRONTIER_FAILED
						      : FRONTIER_DONE,
					   i % 6 == 2 ? "HTTP 404" : NULL),
			0);
	}
	if (batched)
		assert_int_equal(store_commit(st), 0);
	free(fid);
}

/* The queue writes exactly what the same calls write one by one.  800
 * pages make 1,188 captures and 956 frontier updates in one transaction:
 * more than a statement holds (256 rows), and more captures than the queue
 * holds (1,024), so it is also flushed while the transaction is open. */
static void test_queue_same_rows(void **state)
{
	struct fx *f = *state;
	int64_t r1 = run_new(f->st), r2 = run_new(f->st);
	char *one, *batched;

	scenario(f->st, r1, "http://one.test", 800, false);
	scenario(f->st, r2, "http://batch.test", 800, true);
	one = dump_all(f, r1, "http://one.test");
	batched = dump_all(f, r2, "http://batch.test");
	assert_true(strlen(one) > 100000);
	assert_string_equal(one, batched);
	free(one);
	free(batched);
}

/* Reads inside the transaction see the queued rows. */
static void test_queue_read_sees_writes(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st), fid = 0;
	struct store_frontier_counts n;
	struct store_capture c, got;
	const char *owner;
	struct seen s = {0};

	assert_int_equal(store_frontier_take(st, run, "http://r.test/a",
					     "http://r.test:80", 0, "w", FAR,
					     &fid),
			 0);
	assert_int_equal(store_begin(st), 0);
	c = cap(run, "http://r.test/a", NULL, "http://r.test/a", SHA_Y, 7);
	assert_int_equal(store_capture_add(st, &c), 0);
	assert_int_equal(store_frontier_set(st, fid, FRONTIER_DONE, NULL), 0);
	assert_int_equal(store_page_find(st, "http://r.test/a", &got), 0);
	assert_int_equal(got.fetched_at, 7);
	assert_int_equal(store_page_by_sha(st, run, SHA_Y, &owner), 0);
	assert_string_equal(owner, "http://r.test/a");
	assert_int_equal(store_frontier_counts(st, run, &n), 0);
	assert_int_equal(n.done, 1);
	assert_int_equal(n.leased, 0);
	/* A retry makes the URL leasable again, at once. */
	assert_int_equal(store_frontier_retry(st, fid, 0, "again"), 0);
	assert_string_equal(claim(st, run, "w", 1, 10, FAR),
			    "http://r.test:80");
	c.fetched_at = 8;
	c.warc_offset = 80;
	assert_int_equal(store_capture_add(st, &c), 0);
	assert_int_equal(store_capture_each(st, on_capture, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.at[1], 8);
	seen_clear(&s);
	/* The lease updates the row the retry queued. */
	{
		struct leased l = {0};
		assert_int_equal(
			lease(st, run, "w", "http://r.test:80", 5, 10, FAR, &l),
			1);
		assert_int_equal(l.attempts[0], 2);
		leased_clear(&l);
	}
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_page_find(st, "http://r.test/a", &got), 0);
	assert_int_equal(got.fetched_at, 8);
}

/* Which capture a page shows, when several arrive in one batch. */
static void test_queue_redirect_rule(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st);
	struct store_capture c, got;

	/* S and T show a capture before the batch. */
	c = qcap(run, "http://x.test/s", NULL, 200, 1, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	c = qcap(run, "http://x.test/t", NULL, 200, 2, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);

	assert_int_equal(store_begin(st), 0);
	/* P: a hop, then the page. */
	c = qcap(run, "http://x.test/p0", "http://x.test/p", 301, 10, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	c = qcap(run, "http://x.test/p", NULL, 200, 11, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	/* Q: the page, then a later hop to it (another URL redirecting). */
	c = qcap(run, "http://x.test/q", NULL, 404, 20, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	c = qcap(run, "http://x.test/q0", "http://x.test/q", 302, 21, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	/* R: only hops: the first one shows. */
	c = qcap(run, "http://x.test/r0", "http://x.test/r", 301, 30, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	c = qcap(run, "http://x.test/r1", "http://x.test/r", 302, 31, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	/* S: only a hop: the earlier capture stays. */
	c = qcap(run, "http://x.test/s0", "http://x.test/s", 301, 40, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	/* T: two outcomes and hops between: the last outcome. */
	c = qcap(run, "http://x.test/t", NULL, 200, 50, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	c = qcap(run, "http://x.test/t0", "http://x.test/t", 301, 51, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	c = qcap(run, "http://x.test/t", NULL, 0, 52, "reset");
	assert_int_equal(store_capture_add(st, &c), 0);
	c = qcap(run, "http://x.test/t1", "http://x.test/t", 301, 53, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	assert_int_equal(store_commit(st), 0);

	const struct {
		const char *url;
		int64_t at;
	} want[] = {
		{"http://x.test/p", 11}, {"http://x.test/q", 20},
		{"http://x.test/r", 30}, {"http://x.test/s", 1},
		{"http://x.test/t", 52},
	};
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		memset(&got, 0, sizeof(got));
		assert_int_equal(store_page_find(st, want[i].url, &got), 0);
		assert_string_equal(got.canonical_url, want[i].url);
		assert_int_equal(got.fetched_at, want[i].at);
	}
}

/* One canonical URL many times in one batch (PostgreSQL refuses a
 * statement that upserts one row twice), including as invalid UTF-8 that
 * PostgreSQL stores as U+FFFD: two different URLs become one page there. */
static void test_queue_duplicate_pages(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st);
	struct store_capture c, got;
	struct seen s = {0};

	assert_int_equal(store_begin(st), 0);
	for (int i = 0; i < 6; i++) {
		c = qcap(run, i % 2 ? "http://d.test/b" : "http://d.test/a",
			 "http://d.test/", 200, 100 + i, NULL);
		assert_int_equal(store_capture_add(st, &c), 0);
	}
	c = qcap(run, "http://d.test/\xff", NULL, 200, 200, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	c = qcap(run, "http://d.test/\xfe", NULL, 200, 201, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	assert_int_equal(store_commit(st), 0);

	assert_int_equal(store_page_find(st, "http://d.test/", &got), 0);
	assert_int_equal(got.fetched_at, 105);
	assert_string_equal(got.url, "http://d.test/b");
	assert_int_equal(store_page_find(st, "http://d.test/\xfe", &got), 0);
	assert_int_equal(got.fetched_at, 201);
	assert_int_equal(store_page_each(st, on_capture, &s), 0);
	assert_int_equal(s.n, !strcmp(cur->name, "postgres") ? 2 : 3);
	seen_clear(&s);
	assert_int_equal(store_capture_each(st, on_capture, &s), 0);
	assert_int_equal(s.n, 8);
	for (int i = 0; i < 6; i++)
		assert_int_equal(s.at[i], 100 + i);
	seen_clear(&s);
}

/* A rollback drops the queue, a savepoint's rollback only its part. */
static void test_queue_rollback(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st), fid = 0;
	struct store_frontier_counts n;
	struct store_capture c, got;

	assert_int_equal(store_frontier_take(st, run, "http://b.test/1",
					     "http://b.test:80", 0, "w", FAR,
					     &fid),
			 0);
	assert_int_equal(store_begin(st), 0);
	c = qcap(run, "http://b.test/1", NULL, 200, 1, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	assert_int_equal(store_frontier_set(st, fid, FRONTIER_DONE, NULL), 0);
	assert_int_equal(store_rollback(st), 0);
	assert_int_equal(store_page_find(st, "http://b.test/1", &got),
			 ERR_NOTFOUND);
	assert_int_equal(store_frontier_counts(st, run, &n), 0);
	assert_int_equal(n.leased, 1);
	assert_int_equal(n.done, 0);

	/* Nested: the savepoint's writes go, the outer ones stay. */
	assert_int_equal(store_begin(st), 0);
	c = qcap(run, "http://b.test/2", NULL, 200, 2, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	assert_int_equal(store_begin(st), 0);
	c = qcap(run, "http://b.test/3", NULL, 200, 3, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	assert_int_equal(store_frontier_set(st, fid, FRONTIER_DONE, NULL), 0);
	assert_int_equal(store_rollback(st), 0);
	assert_int_equal(store_begin(st), 0);
	c = qcap(run, "http://b.test/4", NULL, 200, 4, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_page_find(st, "http://b.test/2", &got), 0);
	assert_int_equal(store_page_find(st, "http://b.test/3", &got),
			 ERR_NOTFOUND);
	assert_int_equal(store_page_find(st, "http://b.test/4", &got), 0);
	assert_int_equal(store_frontier_counts(st, run, &n), 0);
	assert_int_equal(n.leased, 1);
}

/* A queued write that fails (here a capture of a run that does not exist)
 * fails the commit, and nothing of the transaction stays; a savepoint
 * rolled back around the failure saves the rest. */
static void test_queue_error_fails_commit(void **state)
{
	struct store *st = ST(state);
	int64_t run = run_new(st);
	struct store_frontier_counts n;
	struct store_capture c, got;

	quiet(true);
	assert_int_equal(store_begin(st), 0);
	add_url(st, run, "http://e.test/1", "http://e.test:80");
	c = qcap(run + 1000, "http://e.test/bad", NULL, 200, 1, NULL);
	assert_int_equal(store_capture_add(st, &c), 0); /* only queued */
	c = qcap(run, "http://e.test/good", NULL, 200, 2, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	assert_true(store_commit(st) < 0);
	quiet(false);
	assert_int_equal(store_frontier_counts(st, run, &n), 0);
	assert_int_equal(n.queued, 0);
	assert_int_equal(store_page_find(st, "http://e.test/good", &got),
			 ERR_NOTFOUND);

	/* The failure surfaces at a read; the commit still fails. */
	quiet(true);
	assert_int_equal(store_begin(st), 0);
	c = qcap(run + 1000, "http://e.test/bad", NULL, 200, 1, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	assert_true(store_page_find(st, "http://e.test/x", &got) < 0);
	assert_true(store_commit(st) < 0);
	quiet(false);

	/* Inside a savepoint that is rolled back, the rest commits. */
	assert_int_equal(store_begin(st), 0);
	add_url(st, run, "http://e.test/2", "http://e.test:80");
	assert_int_equal(store_begin(st), 0);
	c = qcap(run + 1000, "http://e.test/bad", NULL, 200, 1, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	quiet(true);
	assert_true(store_page_find(st, "http://e.test/x", &got) < 0);
	quiet(false);
	assert_int_equal(store_rollback(st), 0);
	c = qcap(run, "http://e.test/good", NULL, 200, 2, NULL);
	assert_int_equal(store_capture_add(st, &c), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_frontier_counts(st, run, &n), 0);
	assert_int_equal(n.queued, 1);
	assert_int_equal(store_page_find(st, "http://e.test/good", &got), 0);
}

/*
 * SQLite only: the checkpointer thread (sqlite.c) copies the WAL into the
 * database file while the writer goes on.  It once did nothing at all: a
 * connection that has read nothing has no WAL open, and
 * sqlite3_wal_checkpoint_v2() on it returns SQLITE_OK having copied no
 * page, so every page waited for the writer's own checkpoint at 20,000
 * frames (50 ms of a crawl's scheduler waiting on its committer, every
 * 0.8 s).  12,000 frames here: past the checkpointer's threshold, short
 * of the writer's.
 */
static void test_sqlite_checkpointer(void **state)
{
	struct fx *f = *state;
	static const char ins[] = "INSERT INTO ck (b) VALUES ($1)";
	static char blob[3000];
	struct db_arg a[] = {A_BLOB(blob, sizeof(blob))};
	struct db_rows *r;
	struct stat sb;
	struct db *db;
	int64_t until;

	assert_int_equal(db_sqlite.open(f->uri, &db), 0);
	assert_int_equal(db_sqlite.exec(db, "CREATE TABLE ck (b BLOB)"), 0);
	for (int t = 0; t < 120; t++) {
		assert_int_equal(db_sqlite.exec(db, "BEGIN"), 0);
		for (int i = 0; i < 100; i++) {
			memset(blob, 'a' + (t + i) % 26, sizeof(blob));
			assert_int_equal(db_sqlite.query(db, ins, a, 1, &r), 0);
			assert_int_equal(db_sqlite.next(r), 0);
			db_sqlite.done(r);
		}
		assert_int_equal(db_sqlite.exec(db, "COMMIT"), 0);
	}
	/* 36 MB of rows: the database file holds most of them once the
	 * checkpointer has caught up (it is woken at each commit) */
	until = time_mono_ms() + 20000;
	do {
		assert_int_equal(stat(f->uri, &sb), 0);
		if (sb.st_size > 16 << 20)
			break;
		usleep(10000);
	} while (time_mono_ms() < until);
	assert_true(sb.st_size > 16 << 20);
	db_sqlite.close(db);
}

/* ---- main ---------------------------------------------------------------- */

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		T(test_migrations_idempotent),
		T(test_runs),
		T(test_frontier_dedup),
		T(test_frontier_lease),
		T(test_hosts_claim),
		T(test_leases_renew),
		T(test_host_release),
		T(test_frontier_lease_concurrent),
		T(test_frontier_set_retry),
		T(test_transactions),
		T(test_robots_binary),
		T(test_pages),
		T(test_capture_hostile_text),
		T(test_driver),
		T(test_queue_same_rows),
		T(test_queue_read_sees_writes),
		T(test_queue_redirect_rule),
		T(test_queue_duplicate_pages),
		T(test_queue_rollback),
		T(test_queue_error_fails_commit),
	};
	const struct CMUnitTest sqlite_tests[] = {
		T(test_sqlite_checkpointer),
	};
	/* clang-format on */
	const char *pg = getenv("PATROLI_TEST_PG");
	int failed;

	log_set_level(LOG_WARN);
	failed = cmocka_run_group_tests_name("store/sqlite", tests,
					     group_sqlite, group_sqlite_end);
	failed += cmocka_run_group_tests_name("store/sqlite only", sqlite_tests,
					      group_sqlite, group_sqlite_end);
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("store/postgres", tests,
						      group_pg, group_pg_end);
	else
		fprintf(stderr, "test_store: PATROLI_TEST_PG not set, "
				"PostgreSQL backend not tested\n");
	return failed ? 1 : 0;
}
