/*
 * queue.c - the write queue.  While a transaction is open, the crawl's
 * per-page writes (store_capture_add: page upsert, capture insert, page
 * link; store_frontier_set/retry: the URL's outcome) are kept in memory and
 * written at the next flush in a few multi-row statements.  On PostgreSQL
 * each statement is a round trip from the crawler's single-threaded loop,
 * and four per page were most of the time a crawl spent waiting.
 *
 * When it is flushed: st_query() flushes before running any other
 * statement, so every read, and every write whose outcome could depend on
 * the queued rows, runs after them exactly as if they had been written at
 * once; the few statements that provably commute with the queue skip that
 * (store.c says which and why).  store_begin() flushes before a savepoint,
 * so that rolling one back drops exactly the writes queued inside it;
 * store_commit() flushes before COMMIT and fails, rolling back, if the flush
 * does; store_rollback() drops the queue.  A full queue (QUEUE_MAX) is
 * flushed on the spot, which bounds its memory.
 *
 * What a flush does, in order (pages and frontier are separate tables, so
 * frontier updates need no ordering against captures):
 *  1. pages: the distinct canonical URLs, sorted so that two workers
 *     upserting the same pages lock them in the same order, in INSERT ...
 *     ON CONFLICT DO UPDATE ... RETURNING id, canonical_url.  A statement
 *     never names a URL twice: PostgreSQL refuses to update one row twice in
 *     one statement.  The URL is the key that matches each returned row;
 *     PostgreSQL stores invalid UTF-8 as U+FFFD, so the queue keeps the URL
 *     as the engine will return it (db_utf8_repair()).
 *  2. captures: INSERT ... RETURNING id with the integer columns.  Neither
 *     engine promises RETURNING rows in VALUES order (PostgreSQL's
 *     developers call the order intentionally unspecified; SQLite's
 *     documentation calls it arbitrary), so each returned row is matched to
 *     its queued capture by (run, page, status, fetched_at, WARC offset and
 *     length, depth).  Two queued captures with the same key never share a
 *     statement: the second starts the next one.  Ids increase in the order
 *     the engine reads the VALUES rows, which in both engines is their
 *     order, so in the order the captures were recorded (as the queries
 *     that order by capture id expect; test_queue_same_rows checks it).
 *  3. links: one row per page, folding the page's captures in queue order
 *     by store_capture_add()'s rule (store.c): a page shows its newest
 *     capture, but a redirect hop never replaces one.  Sequentially that
 *     leaves the last capture that is not a redirect, or else, if the page
 *     showed nothing, its first capture: one UPDATE ... FROM (VALUES ...)
 *     row per page with the rule's condition.
 *  4. frontier: one row per URL id folding its updates in queue order (last
 *     state and reason, the last retry's not_before, one attempt each) in
 *     UPDATE ... FROM (VALUES ...), by id order.
 *
 * Statement shapes: each statement holds at most ROWS_MAX rows (14 columns
 * for a capture, so at most 3,584 parameters: within DB_PARAMS_MIN, far
 * below SQLite's 32,766 and PostgreSQL's 65,535), and is padded to a power
 * of two with rows of NULLs that it filters out (WHERE column1 IS NOT NULL,
 * or a NULL id that matches nothing).  So each kind has 9 texts (1, 2, 4,
 * ... 256 rows), built once and kept: the INSERTs are prepared once per
 * connection, the UPDATEs planned on each run (see run()).  The VALUES
 * columns are cast because PostgreSQL would otherwise type the parameters
 * of a VALUES list in FROM as text; both engines name them column1, ...
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#define ROWS_MAX  256  /* rows per statement, a power of two */
#define SIZES	  9    /* 1, 2, 4, ... ROWS_MAX */
#define QUEUE_MAX 1024 /* queued captures or frontier updates */

/* ---- statements ------------------------------------------------------ */

enum kind { K_PAGE, K_CAPTURE, K_LINK, K_FRONTIER, KINDS };

static const char page_head[] =
	"INSERT INTO page (canonical_url) SELECT column1 FROM (VALUES ";
static const char page_tail[] =
	") AS v WHERE column1 IS NOT NULL ON CONFLICT (canonical_url) DO "
	"UPDATE SET canonical_url = excluded.canonical_url RETURNING id, "
	"canonical_url";
static const char *const page_cast[] = {"TEXT"};

static const char cap_head[] =
	"INSERT INTO capture (run_id, page_id, url, final_url, status, "
	"content_type, ip, sha256, fetched_at, warc_file, warc_offset, "
	"warc_length, error, depth) SELECT column1, column2, column3, "
	"column4, column5, column6, column7, column8, column9, column10, "
	"column11, column12, column13, column14 FROM (VALUES ";
static const char cap_tail[] =
	") AS v WHERE column1 IS NOT NULL RETURNING id, run_id, page_id, "
	"status, fetched_at, warc_offset, warc_length, depth";
static const char *const cap_cast[] = {
	"BIGINT", "BIGINT", "TEXT", "TEXT",   "INTEGER", "TEXT", "TEXT",
	"TEXT",	  "BIGINT", "TEXT", "BIGINT", "BIGINT",	 "TEXT", "INTEGER"};

/* store_capture_add()'s link, per page: (page, capture, redirect) */
static const char link_head[] =
	"UPDATE page SET capture_id = v.column2 FROM (VALUES ";
static const char link_tail[] =
	") AS v WHERE page.id = v.column1 AND (page.capture_id IS NULL OR "
	"v.column3 = 0)";
static const char *const link_cast[] = {"BIGINT", "BIGINT", "INTEGER"};

/* (id, state, reason, not_before or NULL to keep it, attempts to add) */
static const char front_head[] =
	"UPDATE frontier SET state = v.column2, reason = v.column3, "
	"not_before = COALESCE(v.column4, frontier.not_before), lease_owner "
	"= NULL, lease_until = NULL, attempts = frontier.attempts + "
	"v.column5 FROM (VALUES ";
static const char front_tail[] = ") AS v WHERE frontier.id = v.column1";
static const char *const front_cast[] = {"BIGINT", "INTEGER", "TEXT", "BIGINT",
					 "INTEGER"};

static const struct shape {
	const char *head; /* up to the VALUES rows */
	const char *tail; /* after them */
	const char *const *cast;
	int ncols;
} shapes[KINDS] = {
	[K_PAGE] = {page_head, page_tail, page_cast, ARRAY_LEN(page_cast)},
	[K_CAPTURE] = {cap_head, cap_tail, cap_cast, ARRAY_LEN(cap_cast)},
	[K_LINK] = {link_head, link_tail, link_cast, ARRAY_LEN(link_cast)},
	[K_FRONTIER] = {front_head, front_tail, front_cast,
			ARRAY_LEN(front_cast)},
};

_Static_assert(ROWS_MAX == 1 << (SIZES - 1), "SIZES covers 1..ROWS_MAX");
_Static_assert(ARRAY_LEN(cap_cast) * ROWS_MAX <= DB_PARAMS_MIN,
	       "a statement's parameters");

/* The smallest size class holding n rows (1 <= n <= ROWS_MAX). */
static int size_class(size_t n)
{
	int k = 0;

	while (((size_t)1 << k) < n)
		k++;
	return k;
}

/* The statement of `kind` with 2^k rows, built once per process: drivers
 * cache prepared statements by the address of their SQL. */
static const char *shape_sql(enum kind kind, int k)
{
	static char *sql[KINDS][SIZES];
	const struct shape *s = &shapes[kind];
	struct buf b = BUF_INIT;
	size_t rows = (size_t)1 << k, p = 1;

	if (sql[kind][k])
		return sql[kind][k];
	buf_puts(&b, s->head);
	for (size_t i = 0; i < rows; i++) {
		buf_puts(&b, i ? ", (" : "(");
		for (int j = 0; j < s->ncols; j++)
			buf_printf(&b, "%sCAST($%zu AS %s)", j ? ", " : "", p++,
				   s->cast[j]);
		buf_putc(&b, ')');
	}
	buf_puts(&b, s->tail);
	sql[kind][k] = buf_detach(&b, NULL);
	return sql[kind][k];
}

/* Parameters for n rows of `kind`, padded with NULL rows to the size
 * class; the caller fills rows 0..n-1.  *k receives the class. */
static struct db_arg *args_for(struct store *st, enum kind kind, size_t n,
			       int *k)
{
	size_t total;

	*k = size_class(n);
	total = ((size_t)1 << *k) * (size_t)shapes[kind].ncols;
	st->q.args =
		xgrow(st->q.args, &st->q.argcap, total, sizeof(*st->q.args));
	for (size_t i = 0; i < total; i++)
		st->q.args[i] = A_TEXT(NULL);
	return st->q.args;
}

/* Run one padded statement; its rows, if any, are read by the caller.
 * Straight to the driver: st_query() would flush, and this is the flush.
 * The UPDATEs join a VALUES list against a table that starts empty: they
 * are planned each time (see query_fresh in db.h), or PostgreSQL would keep
 * the sequential scan it chose when the table was new. */
static int run(struct store *st, enum kind kind, int k, struct db_rows **r)
{
	int n = (1 << k) * shapes[kind].ncols;
	const char *sql = shape_sql(kind, k);

	if (kind == K_LINK || kind == K_FRONTIER)
		return st->drv->query_fresh(st->db, sql, st->q.args, n, r);
	return st->drv->query(st->db, sql, st->q.args, n, r);
}

static int run_exec(struct store *st, enum kind kind, int k)
{
	struct db_rows *r;
	int rc = run(st, kind, k, &r);

	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0)
		;
	st->drv->done(r);
	return rc;
}

/* ---- queueing -------------------------------------------------------- */

static void qstr(char **p, const char **field)
{
	size_t n;

	if (!*field)
		return;
	n = strlen(*field) + 1;
	memcpy(*p, *field, n);
	*field = *p;
	*p += n;
}

int st_queue_capture(struct store *st, const struct store_capture *c)
{
	const char *canon = c->canonical_url ? c->canonical_url : c->url;
	char *fixed =
		st->drv->utf8_text && canon ? db_utf8_repair(canon) : NULL;
	struct st_qcap *q;
	const char **f[9];
	size_t need = 0;
	char *p;

	if (!st->tx_depth)
		die("st_queue_capture outside a transaction");
	if (!c->url) /* NOT NULL, and the page's key when canonical is */
		return log_fail("%s: a capture without a URL", st->uri);
	st->q.cap = xgrow(st->q.cap, &st->q.capcap, st->q.ncap + 1,
			  sizeof(*st->q.cap));
	q = &st->q.cap[st->q.ncap++];
	memset(q, 0, sizeof(*q));
	q->c = *c;
	q->canon = fixed ? fixed : canon;
	f[0] = &q->c.url;
	f[1] = &q->c.canonical_url;
	f[2] = &q->c.final_url;
	f[3] = &q->c.content_type;
	f[4] = &q->c.ip;
	f[5] = &q->c.sha256;
	f[6] = &q->c.warc_file;
	f[7] = &q->c.error;
	f[8] = &q->canon;
	/* One block for every string the caller may free after returning. */
	for (size_t i = 0; i < ARRAY_LEN(f); i++)
		need += *f[i] ? strlen(*f[i]) + 1 : 0;
	p = q->mem = xmalloc(need ? need : 1);
	for (size_t i = 0; i < ARRAY_LEN(f); i++)
		qstr(&p, f[i]);
	free(fixed);
	return st->q.ncap >= QUEUE_MAX ? st_flush(st) : 0;
}

int st_queue_frontier(struct store *st, int64_t id, int state,
		      const char *reason, bool retry, int64_t not_before)
{
	struct st_qfront *q;

	if (!st->tx_depth)
		die("st_queue_frontier outside a transaction");
	st->q.fr =
		xgrow(st->q.fr, &st->q.frcap, st->q.nfr + 1, sizeof(*st->q.fr));
	q = &st->q.fr[st->q.nfr++];
	*q = (struct st_qfront){
		.id = id,
		.not_before = not_before,
		.state = state,
		.retry = retry,
		.reason = reason ? xstrdup(reason) : NULL,
	};
	return st->q.nfr >= QUEUE_MAX ? st_flush(st) : 0;
}

void st_queue_drop(struct store *st)
{
	for (size_t i = 0; i < st->q.ncap; i++)
		free(st->q.cap[i].mem);
	for (size_t i = 0; i < st->q.nfr; i++)
		free(st->q.fr[i].reason);
	st->q.ncap = 0;
	st->q.nfr = 0;
}

void st_queue_free(struct store *st)
{
	st_queue_drop(st);
	free(st->q.cap);
	free(st->q.fr);
	free(st->q.args);
	memset(&st->q, 0, sizeof(st->q));
}

/* ---- 1. pages -------------------------------------------------------- */

struct page_ref {
	const char *url;
	int64_t id;
};

static int cmp_page(const void *a, const void *b)
{
	return strcmp(((const struct page_ref *)a)->url,
		      ((const struct page_ref *)b)->url);
}

static struct page_ref *page_find(struct page_ref *p, size_t n, const char *url)
{
	struct page_ref key = {.url = url};

	return bsearch(&key, p, n, sizeof(*p), cmp_page);
}

/* Upsert the distinct pages of the queue; each capture gets its page id. */
static int flush_pages(struct store *st)
{
	struct page_ref *p;
	size_t n = 0;
	int rc = 0;

	if (!st->q.ncap)
		return 0;
	p = xcalloc(st->q.ncap, sizeof(*p));
	for (size_t i = 0; i < st->q.ncap; i++)
		p[i].url = st->q.cap[i].canon;
	qsort(p, st->q.ncap, sizeof(*p), cmp_page);
	for (size_t i = 0; i < st->q.ncap; i++)
		if (!n || strcmp(p[n - 1].url, p[i].url))
			p[n++] = p[i];
	for (size_t i = 0; !rc && i < n; i += ROWS_MAX) {
		size_t m = MIN(n - i, ROWS_MAX);
		int k;
		struct db_arg *a = args_for(st, K_PAGE, m, &k);
		struct db_rows *r;

		for (size_t j = 0; j < m; j++)
			a[j] = A_TEXT(p[i + j].url);
		if ((rc = run(st, K_PAGE, k, &r)))
			break;
		while ((rc = st->drv->next(r)) > 0) {
			const char *url = st_text(st, r, 1);
			struct page_ref *hit =
				url ? page_find(p + i, m, url) : NULL;

			if (!hit) {
				rc = log_fail("%s: page upsert returned a URL "
					      "it was not given: %s",
					      st->uri, url ? url : "NULL");
				break;
			}
			hit->id = st->drv->col_int(r, 0);
		}
		st->drv->done(r);
	}
	for (size_t i = 0; !rc && i < n; i++)
		if (!p[i].id)
			rc = log_fail("%s: page upsert returned no id for %s",
				      st->uri, p[i].url);
	for (size_t i = 0; !rc && i < st->q.ncap; i++)
		st->q.cap[i].page = page_find(p, n, st->q.cap[i].canon)->id;
	free(p);
	return rc;
}

/* ---- 2. captures ----------------------------------------------------- */

/* The integer columns that match a RETURNING row to its capture. */
struct ckey {
	int64_t v[7];
	unsigned nulls; /* bit i: v[i] is SQL NULL */
};

static struct ckey cap_key(const struct st_qcap *q)
{
	bool warc = q->c.warc_file != NULL;

	return (struct ckey){
		.v = {q->c.run_id, q->page, q->c.status, q->c.fetched_at,
		      warc ? q->c.warc_offset : 0, warc ? q->c.warc_length : 0,
		      q->c.depth},
		.nulls = warc ? 0 : (1u << 4 | 1u << 5),
	};
}

static bool key_eq(const struct ckey *a, const struct ckey *b)
{
	return a->nulls == b->nulls && !memcmp(a->v, b->v, sizeof(a->v));
}

/* Captures [from, *to): as many as fit one statement with distinct keys. */
static void cap_chunk(struct store *st, size_t from, size_t *to,
		      struct ckey *keys)
{
	size_t i = from;
	bool dup = false;

	for (; !dup && i < st->q.ncap && i - from < ROWS_MAX; i++) {
		keys[i - from] = cap_key(&st->q.cap[i]);
		for (size_t j = from; !dup && j < i; j++)
			dup = key_eq(&keys[j - from], &keys[i - from]);
	}
	*to = dup ? i - 1 : i;
}

static int insert_captures(struct store *st, size_t from, size_t to,
			   const struct ckey *keys)
{
	size_t m = to - from, got = 0;
	int k;
	struct db_arg *a = args_for(st, K_CAPTURE, m, &k);
	struct db_rows *r;
	int rc;

	for (size_t i = 0; i < m; i++) {
		const struct store_capture *c = &st->q.cap[from + i].c;
		bool warc = c->warc_file != NULL;
		struct db_arg row[] = {
			A_INT(c->run_id),
			A_INT(st->q.cap[from + i].page),
			A_TEXT(c->url),
			A_TEXT(c->final_url),
			A_INT(c->status),
			A_TEXT(c->content_type),
			A_TEXT(c->ip),
			A_TEXT(c->sha256),
			A_INT(c->fetched_at),
			A_TEXT(c->warc_file),
			warc ? A_INT(c->warc_offset) : A_TEXT(NULL),
			warc ? A_INT(c->warc_length) : A_TEXT(NULL),
			A_TEXT(c->error),
			A_INT(c->depth),
		};
		memcpy(a + i * ARRAY_LEN(row), row, sizeof(row));
	}
	if ((rc = run(st, K_CAPTURE, k, &r)))
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		struct ckey key = {.nulls = 0};
		size_t i;

		for (int c = 0; c < 7; c++) {
			if (st->drv->is_null(r, c + 1))
				key.nulls |= 1u << c;
			else
				key.v[c] = st->drv->col_int(r, c + 1);
		}
		for (i = 0; i < m; i++)
			if (!st->q.cap[from + i].id && key_eq(&keys[i], &key))
				break;
		if (i == m) {
			rc = log_fail("%s: capture insert returned a row it "
				      "was not given",
				      st->uri);
			break;
		}
		st->q.cap[from + i].id = st->drv->col_int(r, 0);
		got++;
	}
	st->drv->done(r);
	if (!rc && got != m)
		rc = log_fail("%s: capture insert returned %zu of %zu rows",
			      st->uri, got, m);
	return rc;
}

static int flush_captures(struct store *st)
{
	struct ckey *keys = xcalloc(ROWS_MAX, sizeof(*keys));
	size_t to;
	int rc = 0;

	for (size_t from = 0; !rc && from < st->q.ncap; from = to) {
		cap_chunk(st, from, &to, keys);
		rc = insert_captures(st, from, to, keys);
	}
	free(keys);
	return rc;
}

/* ---- 3. page links --------------------------------------------------- */

/* A redirect hop on the way somewhere, not an outcome (as in store.c). */
static bool is_redirect(const struct store_capture *c)
{
	return c->status >= 300 && c->status < 400 && !c->error;
}

static int cmp_by_page(const void *a, const void *b)
{
	const struct st_qcap *x = *(const struct st_qcap *const *)a;
	const struct st_qcap *y = *(const struct st_qcap *const *)b;

	if (x->page != y->page)
		return x->page < y->page ? -1 : 1;
	return x < y ? -1 : x > y; /* queue order within a page */
}

static int flush_links(struct store *st)
{
	const struct st_qcap **v;
	int64_t(*rows)[3];
	size_t n = 0;
	int rc = 0;

	if (!st->q.ncap)
		return 0;
	v = xcalloc(st->q.ncap, sizeof(*v));
	rows = xcalloc(st->q.ncap, sizeof(*rows));
	for (size_t i = 0; i < st->q.ncap; i++)
		v[i] = &st->q.cap[i];
	qsort(v, st->q.ncap, sizeof(*v), cmp_by_page);
	/* One row per page: its last capture that is not a redirect, or
	 * its first one, taken only if the page shows nothing yet. */
	for (size_t i = 0, j; i < st->q.ncap; i = j) {
		const struct st_qcap *show = v[i];
		bool redirect = true;

		for (j = i; j < st->q.ncap && v[j]->page == v[i]->page; j++)
			if (!is_redirect(&v[j]->c)) {
				show = v[j];
				redirect = false;
			}
		rows[n][0] = v[i]->page;
		rows[n][1] = show->id;
		rows[n][2] = redirect;
		n++;
	}
	for (size_t i = 0; !rc && i < n; i += ROWS_MAX) {
		size_t m = MIN(n - i, ROWS_MAX);
		int k;
		struct db_arg *a = args_for(st, K_LINK, m, &k);

		for (size_t j = 0; j < m; j++)
			for (int c = 0; c < 3; c++)
				a[j * 3 + (size_t)c] = A_INT(rows[i + j][c]);
		rc = run_exec(st, K_LINK, k);
	}
	free(rows);
	free(v);
	return rc;
}

/* ---- 4. frontier ----------------------------------------------------- */

static int cmp_by_id(const void *a, const void *b)
{
	const struct st_qfront *x = *(const struct st_qfront *const *)a;
	const struct st_qfront *y = *(const struct st_qfront *const *)b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x < y ? -1 : x > y; /* queue order within a URL */
}

static int flush_frontier(struct store *st)
{
	const struct st_qfront **v;
	size_t i = 0;
	int rc = 0;

	if (!st->q.nfr)
		return 0;
	v = xcalloc(st->q.nfr, sizeof(*v));
	for (size_t j = 0; j < st->q.nfr; j++)
		v[j] = &st->q.fr[j];
	qsort(v, st->q.nfr, sizeof(*v), cmp_by_id);
	while (!rc && i < st->q.nfr) {
		int k;
		struct db_arg *a;
		size_t m = 0, j;

		/* count the distinct ids of the next statement */
		for (j = i; j < st->q.nfr && m < ROWS_MAX; m++)
			for (int64_t id = v[j]->id;
			     j < st->q.nfr && v[j]->id == id;)
				j++;
		a = args_for(st, K_FRONTIER, m, &k);
		for (size_t row = 0; i < j; row++) {
			const struct st_qfront *last = v[i];
			const struct st_qfront *retry = NULL;
			int64_t count = 0;

			for (; i < j && v[i]->id == last->id; i++, count++) {
				if (v[i]->retry)
					retry = v[i];
				last = v[i];
			}
			a[row * 5] = A_INT(last->id);
			a[row * 5 + 1] = A_INT(last->state);
			a[row * 5 + 2] = A_TEXT(last->reason);
			a[row * 5 + 3] =
				retry ? A_INT(retry->not_before) : A_TEXT(NULL);
			a[row * 5 + 4] = A_INT(count);
		}
		rc = run_exec(st, K_FRONTIER, k);
	}
	free(v);
	return rc;
}

/* ---- flush ----------------------------------------------------------- */

int st_flush(struct store *st)
{
	int rc;

	if (!st_queued(st))
		return 0;
	rc = flush_pages(st);
	if (!rc)
		rc = flush_captures(st);
	if (!rc)
		rc = flush_links(st);
	if (!rc)
		rc = flush_frontier(st);
	st_queue_drop(st);
	/* Part of the queue may be written: the transaction must not commit
	 * (a savepoint rollback around it clears this, see store.c). */
	if (rc && !st->tx_err) {
		st->tx_err = rc;
		st->tx_err_depth = st->tx_depth;
	}
	return rc;
}
