/*
 * digest.c - the crawl's evidence threads: evidence and reading.
 *
 * Per page, most of the crawl's CPU goes to work that needs neither
 * libcurl nor the store: compressing and hashing the WARC records, decoding
 * and parsing the body, resolving and canonicalising its links.  That work
 * runs here, beside the scheduler's thread, so a crawl uses every core.
 *
 * A few threads (one per core but the scheduler's by default), and the
 * scheduler's own thread when it would otherwise sleep (digest_help()):
 * each takes the next exchange, prepares its records unlocked (hashing,
 * compression), appends them under the writer's lock (one writer at a
 * time, and each exchange's two records stay together), then reads the
 * body unlocked.  Exchanges come back in the order they finish.  The
 * scheduler owns each exchange throughout and does not touch it between
 * digest_push() and digest_pop(); the queue's mutex orders the threads'
 * accesses.
 *
 * Durability is as it was on one thread: a record is handed to the kernel
 * before its exchange comes back (a killed process loses nothing the
 * store points at), and fdatasync, against power loss, runs at most every
 * SYNC_MS while records are written, and once more when the thread stops.
 */
#include "crawl/crawl_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "html/html.h"

#define SYNC_MS	    50
#define MAX_THREADS 8
#define DIGEST_NICE 10 /* see run() */

/* A FIFO of exchanges, linked through x->next; under the digest's mutex. */
struct xqueue {
	struct exchange *head, **tail;
};

static void xq_init(struct xqueue *q)
{
	q->head = NULL;
	q->tail = &q->head;
}

static void xq_push(struct xqueue *q, struct exchange *x)
{
	x->next = NULL;
	*q->tail = x;
	q->tail = &x->next;
}

static struct exchange *xq_pop(struct xqueue *q)
{
	struct exchange *x = q->head;

	if (x) {
		q->head = x->next;
		if (!q->head)
			q->tail = &q->head;
		x->next = NULL;
	}
	return x;
}

struct digest {
	struct digest_opts o;
	pthread_t thread[MAX_THREADS];
	int nthread;
	pthread_mutex_t mu;
	pthread_mutex_t wmu;	/* the WARC writer's: one caller at a time */
	pthread_cond_t cv;	/* work arrived, or stop */
	pthread_cond_t done_cv; /* an exchange came back */
	struct xqueue in, out;	/* pushed, and back */
	bool stop;
	bool unsynced;
	int64_t synced_at;
	int sync_rc;
};

/* ---- reading one body (runs on the digest thread) ----------------------- */

struct link_ctx {
	const struct digest_opts *o;
	struct exchange *x;
	bool follow; /* within max_depth */
};

static void on_link(void *arg, const char *url, const char *rel)
{
	struct link_ctx *l = arg;
	const char *why;

	(void)rel;
	/* Straight into the page's list, no string of its own: the body cap
	 * bounds the links, the buffer has no cap. */
	if (l->follow &&
	    !url_canon_append(url, l->o->rules, &why, &l->x->links))
		l->x->nlinks++;
}

static void on_loc(void *arg, const char *loc)
{
	on_link(arg, loc, NULL);
}

/* A declared canonical counts only within the page's registrable domain;
 * otherwise a page could claim to be someone else's. */
static char *accept_canonical(const struct digest_opts *o, const char *page,
			      char *declared)
{
	const char *why;
	char *canon = declared ? url_canon(declared, o->rules, &why) : NULL;
	char *h1, *h2, *d1, *d2;
	bool same;

	free(declared);
	if (!canon)
		return NULL;
	h1 = url_host(page);
	h2 = url_host(canon);
	d1 = h1 ? url_domain(h1) : NULL;
	d2 = h2 ? url_domain(h2) : NULL;
	same = d1 && d2 && !strcmp(d1, d2);
	free(h1);
	free(h2);
	free(d1);
	free(d2);
	if (!same) {
		free(canon);
		return NULL;
	}
	return canon;
}

/* Links (or sitemap entries) and the declared canonical of one body. */
static void read_body(const struct digest_opts *o, struct exchange *x)
{
	size_t max = (size_t)o->crawl->max_body;
	struct buf decoded = BUF_INIT, tmp = BUF_INIT;
	struct link_ctx l = {o, x, x->link_depth <= o->crawl->max_depth};
	struct slice body, utf8;
	char *declared = NULL;

	/* Neither copied when there is nothing to undo (no coding, UTF-8):
	 * body and utf8 are then the response's own bytes. */
	if (warc_http_body_view(x->in.response, max, &decoded, &body, NULL) ==
	    ERR_LIMIT) {
		snprintf(x->err, sizeof(x->err),
			 "decoded body larger than the %zu-byte limit "
			 "(compression bomb?)",
			 max);
		goto out;
	}
	if (html_is_html(x->content_type)) {
		buf_init(&tmp, max * 4);
		html_to_utf8_view(x->content_type, body, &tmp, &utf8, NULL);
		/* too deep to follow, the canonical still counts */
		html_scan_links(utf8, x->in.url, (size_t)o->crawl->max_links,
				on_link, &l, &declared);
		x->canonical = accept_canonical(o, x->in.url, declared);
	} else if (l.follow) {
		sitemap_parse(body, x->in.url, 50000, on_loc, &l);
	}
out:
	buf_release(&decoded);
	buf_release(&tmp);
}

/* Hashing and compressing the records (warc_fetch_prepare) need no lock,
 * so the threads overlap on them; only the append, which picks the file
 * and offset, takes the writer's lock. */
static void process(struct digest *d, struct exchange *x)
{
	struct warc_prepared *p;

	x->rc = warc_fetch_prepare(d->o.warc, &x->in, &p);
	if (!x->rc) {
		pthread_mutex_lock(&d->wmu);
		x->rc = warc_fetch_append(d->o.warc, p, &x->out);
		pthread_mutex_unlock(&d->wmu);
	}
	warc_prepared_free(p);
	if (x->link_depth >= 0)
		read_body(&d->o, x);
}

/* ---- the thread ---------------------------------------------------------- */

static void deadline(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Called with the mutex held; drops it around the system call. */
static void maybe_sync(struct digest *d, bool force)
{
	int64_t now = time_mono_ms();
	struct warc_sync s;
	int rc, end;

	if (!d->unsynced || (!force && now - d->synced_at < SYNC_MS))
		return;
	d->unsynced = false;
	d->synced_at = now;
	pthread_mutex_unlock(&d->mu);
	/* the disk wait itself without the writer's lock: appends go on */
	pthread_mutex_lock(&d->wmu);
	rc = warc_writer_sync_begin(d->o.warc, &s);
	pthread_mutex_unlock(&d->wmu);
	end = warc_sync_end(&s);
	if (!rc)
		rc = end;
	pthread_mutex_lock(&d->mu);
	if (rc && !d->sync_rc)
		d->sync_rc = rc;
}

/* x is processed: hand it back (called with the mutex held). */
static void done_locked(struct digest *d, struct exchange *x, bool wake)
{
	if (!x->rc)
		d->unsynced = true;
	if (d->sync_rc && !x->rc)
		x->rc = d->sync_rc; /* evidence may be lost: stop */
	/* One wake-up per batch: the scheduler takes the whole queue
	 * when it wakes, so a non-empty queue has one pending. */
	if (wake && !d->out.head && d->o.wake)
		d->o.wake(d->o.wake_arg);
	xq_push(&d->out, x);
	pthread_cond_signal(&d->done_cv);
}

bool digest_help(struct digest *d)
{
	struct exchange *x;

	pthread_mutex_lock(&d->mu);
	x = xq_pop(&d->in);
	pthread_mutex_unlock(&d->mu);
	if (!x)
		return false;
	process(d, x);
	pthread_mutex_lock(&d->mu);
	done_locked(d, x, false);
	pthread_mutex_unlock(&d->mu);
	return true;
}

static void *run(void *arg)
{
	struct digest *d = arg;
	int prio;

	pthread_setname_np(pthread_self(), "patroli-digest");
	/* Linux keeps a nice value per thread (setpriority(2)).  The
	 * scheduler's thread starts transfers and hands their results on:
	 * when it waits for a core behind this work (0.8 s of a 3.6 s crawl
	 * on two cores, perf sched), every slot waits with it.  Lower, this
	 * thread yields to it, and to nginx, PostgreSQL or `patroli serve`
	 * on the same machine: +5% pages/s at nice 10 on the bench site.
	 * Relative to the process's own, which an operator may have set.
	 * Best effort: a failure changes nothing but the speed. */
	errno = 0;
	prio = getpriority(PRIO_PROCESS, (id_t)gettid());
	if (errno || setpriority(PRIO_PROCESS, (id_t)gettid(),
				 MIN(prio + DIGEST_NICE, 19)))
		log_msg(LOG_DEBUG, "evidence thread: nice: %s",
			strerror(errno));
	pthread_mutex_lock(&d->mu);
	for (;;) {
		struct exchange *x = xq_pop(&d->in);

		if (!x) {
			struct timespec ts;

			if (d->stop)
				break;
			if (!d->unsynced) {
				pthread_cond_wait(&d->cv, &d->mu);
				continue;
			}
			/* records written and none coming: sync when due */
			deadline(&ts, SYNC_MS);
			if (pthread_cond_timedwait(&d->cv, &d->mu, &ts) ==
			    ETIMEDOUT)
				maybe_sync(d, true);
			continue;
		}
		pthread_mutex_unlock(&d->mu);

		process(d, x);

		pthread_mutex_lock(&d->mu);
		done_locked(d, x, true);
		maybe_sync(d, false);
	}
	maybe_sync(d, true);
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

/* ---- the scheduler's side ------------------------------------------------ */

static void destroy(struct digest *d)
{
	pthread_cond_destroy(&d->cv);
	pthread_cond_destroy(&d->done_cv);
	pthread_mutex_destroy(&d->mu);
	pthread_mutex_destroy(&d->wmu);
	free(d);
}

int digest_start(const struct digest_opts *o, struct digest **out)
{
	struct digest *d = xcalloc(1, sizeof(*d));
	pthread_condattr_t ca;
	int rc = 0;

	d->o = *o;
	xq_init(&d->in);
	xq_init(&d->out);
	d->synced_at = time_mono_ms();
	/* libxml2 sets up its globals once, from this thread */
	xmlInitParser();
	pthread_mutex_init(&d->mu, NULL);
	pthread_mutex_init(&d->wmu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&d->done_cv, NULL);
	for (int i = 0; i < MIN(MAX(o->threads, 1), MAX_THREADS) && !rc; i++)
		if (!(rc = pthread_create(&d->thread[i], NULL, run, d)))
			d->nthread++;
	if (!d->nthread) {
		destroy(d);
		return log_fail("cannot start the evidence thread: %s",
				strerror(rc));
	}
	*out = d;
	return 0;
}

void digest_push(struct digest *d, struct exchange *x)
{
	pthread_mutex_lock(&d->mu);
	xq_push(&d->in, x);
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

struct exchange *digest_pop(struct digest *d, bool wait)
{
	struct exchange *x;

	pthread_mutex_lock(&d->mu);
	while (!(x = xq_pop(&d->out)) && wait)
		pthread_cond_wait(&d->done_cv, &d->mu);
	pthread_mutex_unlock(&d->mu);
	return x;
}

int digest_stop(struct digest *d)
{
	int rc;

	if (!d)
		return 0;
	pthread_mutex_lock(&d->mu);
	d->stop = true;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	for (int i = 0; i < d->nthread; i++)
		pthread_join(d->thread[i], NULL);
	rc = d->sync_rc;
	destroy(d);
	return rc;
}

void exchange_release(struct exchange *x)
{
	buf_release(&x->links);
	free(x->canonical);
	memset(x, 0, sizeof(*x));
}
