/*
 * store.c - opening a store and the crawl's queries (runs, frontier, robots
 * cache, pages and captures).  Portable SQL only: $n placeholders numbered
 * in order, ON CONFLICT for upserts, RETURNING, no engine-specific
 * functions.  Where the dialects must differ the driver supplies the piece
 * (begin_sql, lock_rows) and the statement is assembled once at open.
 *
 * Inside a transaction, store_capture_add(), store_frontier_set() and
 * store_frontier_retry() only queue their rows, and the queue is written in
 * a few multi-row statements at the next flush (queue.c): the crawl's
 * batches cost a handful of round trips instead of four per page.  Every
 * statement run through st_query() flushes first; the few that commute with
 * any queued write skip that (query_keep()).
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

static const struct db_driver *pick_driver(const char *uri)
{
	if (!strncmp(uri, "postgres://", 11) ||
	    !strncmp(uri, "postgresql://", 13))
		return &db_postgres;
	return &db_sqlite;
}

/* Flushing in st_query(), not at the top of each public function, makes it
 * impossible to forget: every query file (profile.c, copy.c, ...) gets it,
 * and so does any statement written later.  With an empty queue it costs
 * one comparison. */
int st_query(struct store *st, const char *sql, const struct db_arg *args,
	     int nargs, struct db_rows **out)
{
	int rc = st_flush(st);

	return rc ? rc : st->drv->query(st->db, sql, args, nargs, out);
}

/*
 * A statement that commutes with every queued write, so it need not flush:
 * the queue upserts pages, inserts captures, and updates frontier rows by
 * id (state, reason, attempts, not_before, lease).  Inserting a frontier row
 * unless (run_id, url) exists (store_frontier_add, _add_many, _skip) depends
 * only on which (run_id, url) exist, which no queued write changes, and
 * adds rows no queued update names; the robots table is not queued at all.
 * These run inside the crawl's batch on every page (the links found): on
 * SQLite a flush per page would undo the batching.
 */
static int query_keep(struct store *st, const char *sql,
		      const struct db_arg *args, int nargs,
		      struct db_rows **out)
{
	return st->drv->query(st->db, sql, args, nargs, out);
}

static int drain(struct store *st, struct db_rows *r, int64_t *changes)
{
	int rc;

	while ((rc = st->drv->next(r)) > 0)
		;
	if (!rc && changes)
		*changes = st->drv->changes(r);
	st->drv->done(r);
	return rc < 0 ? rc : 0;
}

int st_exec(struct store *st, const char *sql, const struct db_arg *args,
	    int nargs, int64_t *changes)
{
	struct db_rows *r;
	int rc = st_query(st, sql, args, nargs, &r);

	return rc ? rc : drain(st, r, changes);
}

static int exec_keep(struct store *st, const char *sql,
		     const struct db_arg *args, int nargs, int64_t *changes)
{
	struct db_rows *r;
	int rc = query_keep(st, sql, args, nargs, &r);

	return rc ? rc : drain(st, r, changes);
}

int st_rows_end(struct store *st, struct db_rows *r, int rc, int stop)
{
	st->drv->done(r);
	return rc < 0 ? rc : stop < 0 ? stop : 0;
}

int st_first(struct store *st, const char *sql, const struct db_arg *args,
	     int nargs, struct db_rows **out)
{
	int rc = st_query(st, sql, args, nargs, out);

	if (rc)
		return rc;
	rc = st->drv->next(*out);
	if (rc > 0)
		return 0;
	st->drv->done(*out);
	return rc == 0 ? ERR_NOTFOUND : rc;
}

int st_int(struct store *st, const char *sql, const struct db_arg *args,
	   int nargs, int64_t *out)
{
	struct db_rows *r;
	int rc = st_first(st, sql, args, nargs, &r);

	if (rc)
		return rc;
	*out = st->drv->col_int(r, 0);
	st->drv->done(r);
	return 0;
}

int st_str(struct store *st, const char *sql, const struct db_arg *args,
	   int nargs, const char *def, char **out)
{
	struct db_rows *r;
	const char *v;
	int rc = st_first(st, sql, args, nargs, &r);

	if (rc)
		return rc;
	v = st_text(st, r, 0);
	*out = xstrdup(v ? v : def);
	st->drv->done(r);
	return 0;
}

const char *st_text(struct store *st, struct db_rows *r, int col)
{
	if (st->drv->is_null(r, col))
		return NULL;
	return st->drv->col_text(r, col, NULL);
}

int store_open(const char *uri, struct store **out)
{
	struct store *st = xcalloc(1, sizeof(*st));

	st->drv = pick_driver(uri);
	st->uri = xstrdup(uri);
	if (st->drv->open(uri, &st->db)) {
		free(st->uri);
		free(st);
		return ERR_FAIL;
	}
	if (store_migrate_apply(st)) {
		store_close(st);
		return ERR_FAIL;
	}
	*out = st;
	return 0;
}

int store_open_another(const struct store *st, struct store **out)
{
	return store_open(st->uri, out);
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->tx_depth)
		st->drv->exec(st->db, "ROLLBACK");
	st_queue_free(st);
	st->drv->close(st->db);
	buf_release(&st->scratch);
	buf_release(&st->scratch2);
	free(st->uri);
	free(st);
}

const char *store_backend(const struct store *st)
{
	return st->drv->name;
}

int store_migrate(struct store *st)
{
	return store_migrate_apply(st);
}

/* Nested begin/commit pairs become savepoints inside the outermost
 * transaction, so a helper can make itself atomic without knowing whether
 * its caller batches, and its rollback undoes only its own writes (and, on
 * PostgreSQL, clears the error state that would fail the rest of the
 * batch). */
static const char *const sp_sql[][3] = {
	/* begin, commit, rollback at depth >= 2 */
	{"SAVEPOINT s", "RELEASE SAVEPOINT s",
	 "ROLLBACK TO SAVEPOINT s; RELEASE SAVEPOINT s"},
};

int store_begin(struct store *st)
{
	const char *sql = st->tx_depth ? sp_sql[0][0] : st->drv->begin_sql;
	int rc;

	/* A savepoint starts with an empty write queue, so that rolling it
	 * back drops exactly the writes queued inside it. */
	if (st->tx_depth && (rc = st_flush(st)))
		return rc;
	if (st->drv->exec(st->db, sql))
		return ERR_FAIL;
	st->tx_depth++;
	return 0;
}

/* The queued writes go before COMMIT; if they fail (or an earlier flush in
 * this transaction did), the whole transaction is rolled back and the error
 * returned: committing part of a batch would leave captures without their
 * frontier outcome, or the reverse. */
int store_commit(struct store *st)
{
	int rc;

	if (!st->tx_depth)
		die("store_commit without store_begin");
	if (st->tx_depth > 1) {
		st->tx_depth--;
		/* a failed flush inside is now the enclosing level's */
		if (st->tx_err && st->tx_err_depth > st->tx_depth)
			st->tx_err_depth = st->tx_depth;
		return st->drv->exec(st->db, sp_sql[0][1]);
	}
	rc = st_flush(st);
	if (!rc)
		rc = st->tx_err;
	st->tx_depth = 0;
	st->tx_err = 0;
	if (rc) {
		log_msg(LOG_ERROR,
			"%s: transaction rolled back: writing its "
			"queued rows failed",
			st->uri);
		st->drv->exec(st->db, "ROLLBACK");
		return rc;
	}
	return st->drv->exec(st->db, "COMMIT");
}

int store_rollback(struct store *st)
{
	if (!st->tx_depth)
		return 0;
	/* Everything queued belongs to this level (store_begin flushes
	 * before a savepoint), and so does a flush that failed in it. */
	st_queue_drop(st);
	if (st->tx_err && st->tx_err_depth >= st->tx_depth)
		st->tx_err = 0;
	st->tx_depth--;
	return st->drv->exec(st->db, st->tx_depth ? sp_sql[0][2] : "ROLLBACK");
}

/* ---- crawl runs ------------------------------------------------------ */

int store_run_create(struct store *st, const char *config_json, int64_t *id)
{
	static const char q[] = "INSERT INTO crawl_run (config, status, "
				"started_at) VALUES ($1, 'running', $2) "
				"RETURNING id";
	struct db_arg a[] = {A_TEXT(config_json), A_INT(time_now_ms())};

	return st_int(st, q, a, NARGS(a), id);
}

static int run_row(struct store *st, const char *q, const struct db_arg *a,
		   int n, struct store_run *out)
{
	struct db_rows *r;
	int rc = st_first(st, q, a, n, &r);

	if (rc)
		return rc;
	buf_reset(&st->scratch);
	buf_puts(&st->scratch, st_text(st, r, 1));
	buf_reset(&st->scratch2);
	buf_puts(&st->scratch2, st_text(st, r, 2));
	out->id = st->drv->col_int(r, 0);
	out->config = st->scratch.p;
	out->status = st->scratch2.p;
	out->started_at = st->drv->col_int(r, 3);
	out->finished_at = st->drv->col_int(r, 4);
	st->drv->done(r);
	return 0;
}

int store_run_unfinished(struct store *st, struct store_run *out)
{
	static const char q[] = "SELECT id, config, status, started_at, "
				"finished_at FROM crawl_run WHERE status = "
				"'running' ORDER BY id DESC LIMIT 1";

	return run_row(st, q, NULL, 0, out);
}

int store_run_get(struct store *st, int64_t id, struct store_run *out)
{
	static const char q[] = "SELECT id, config, status, started_at, "
				"finished_at FROM crawl_run WHERE id = $1";
	struct db_arg a[] = {A_INT(id)};

	return run_row(st, q, a, NARGS(a), out);
}

int store_run_finish(struct store *st, int64_t id, const char *status)
{
	static const char q[] = "UPDATE crawl_run SET status = $1, "
				"finished_at = $2 WHERE id = $3";
	struct db_arg a[] = {A_TEXT(status), A_INT(time_now_ms()), A_INT(id)};

	return st_exec(st, q, a, NARGS(a), NULL);
}

/* ---- frontier -------------------------------------------------------- */

int store_frontier_add(struct store *st, int64_t run, const char *url,
		       const char *host, int depth, bool *added)
{
	static const char q[] = "INSERT INTO frontier (run_id, url, host, "
				"depth) VALUES ($1, $2, $3, $4) "
				"ON CONFLICT (run_id, url) DO NOTHING";
	struct db_arg a[] = {A_INT(run), A_TEXT(url), A_TEXT(host),
			     A_INT(depth)};
	int64_t n = 0;
	int rc = exec_keep(st, q, a, NARGS(a), &n);

	if (added)
		*added = n > 0;
	return rc;
}

#define ADD_CHUNK 32

/* "INSERT ... VALUES ($1,$2,$3,$4),($1,$5,$6,$7),..." for n rows, built once
 * per size and kept: drivers cache statements by the SQL's address. */
static const char *add_many_sql(size_t n)
{
	static char *sql[ADD_CHUNK + 1];
	struct buf b = BUF_INIT;

	if (sql[n])
		return sql[n];
	buf_puts(&b, "INSERT INTO frontier (run_id, url, host, depth) VALUES ");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s($1, $%zu, $%zu, $%zu)", i ? ", " : "",
			   2 + 3 * i, 3 + 3 * i, 4 + 3 * i);
	buf_puts(&b, " ON CONFLICT (run_id, url) DO NOTHING RETURNING url");
	sql[n] = buf_detach(&b, NULL);
	return sql[n];
}

static int add_chunk(struct store *st, int64_t run, struct store_new_url *u,
		     size_t n)
{
	struct db_arg a[1 + 3 * ADD_CHUNK];
	struct db_rows *r;
	int rc;

	a[0] = A_INT(run);
	for (size_t i = 0; i < n; i++) {
		a[1 + 3 * i] = A_TEXT(u[i].url);
		a[2 + 3 * i] = A_TEXT(u[i].host);
		a[3 + 3 * i] = A_INT(u[i].depth);
		u[i].added = false;
	}
	rc = query_keep(st, add_many_sql(n), a, (int)(1 + 3 * n), &r);
	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		const char *url = st_text(st, r, 0);
		for (size_t i = 0; url && i < n; i++)
			if (!u[i].added && !strcmp(u[i].url, url)) {
				u[i].added = true;
				break;
			}
	}
	st->drv->done(r);
	return rc < 0 ? rc : 0;
}

int store_frontier_add_many(struct store *st, int64_t run,
			    struct store_new_url *u, size_t n)
{
	for (size_t i = 0; i < n; i += ADD_CHUNK) {
		int rc = add_chunk(st, run, u + i, MIN(n - i, ADD_CHUNK));
		if (rc)
			return rc;
	}
	return 0;
}

int store_frontier_take(struct store *st, int64_t run, const char *url,
			const char *host, int depth, const char *owner,
			int64_t lease_until, int64_t *id)
{
	static const char q[] =
		"INSERT INTO frontier (run_id, url, host, depth, state, "
		"lease_owner, lease_until) VALUES ($1, $2, $3, $4, 1, $5, $6) "
		"ON CONFLICT (run_id, url) DO UPDATE SET state = 1, "
		"lease_owner = excluded.lease_owner, lease_until = "
		"excluded.lease_until WHERE frontier.state = 0 RETURNING id";
	struct db_arg a[] = {A_INT(run),   A_TEXT(url),	  A_TEXT(host),
			     A_INT(depth), A_TEXT(owner), A_INT(lease_until)};

	return st_int(st, q, a, NARGS(a), id);
}

int store_frontier_skip(struct store *st, int64_t run, const char *url,
			const char *host, int depth, const char *reason)
{
	static const char q[] = "INSERT INTO frontier (run_id, url, host, "
				"depth, state, reason) VALUES ($1, $2, $3, $4, "
				"$5, $6) ON CONFLICT (run_id, url) DO NOTHING";
	struct db_arg a[] = {A_INT(run),
			     A_TEXT(url),
			     A_TEXT(host),
			     A_INT(depth),
			     A_INT(FRONTIER_SKIPPED),
			     A_TEXT(reason)};

	return exec_keep(st, q, a, NARGS(a), NULL);
}

int store_frontier_lease(struct store *st, int64_t run, const char *owner,
			 const char *host, int max, int64_t now,
			 int64_t lease_until,
			 void (*fn)(void *arg, const struct store_url *u),
			 void *arg)
{
	/* Built once per process: the driver adds row locking where the
	 * engine has it, so concurrent workers skip each other's rows. */
	static char *q_sqlite, *q_pg;
	char **q = st->drv == &db_sqlite ? &q_sqlite : &q_pg;
	struct db_arg a[] = {A_TEXT(owner), A_INT(lease_until), A_INT(run),
			     A_TEXT(host),  A_INT(now),		A_INT(max)};
	struct db_rows *r;
	int rc;

	if (!*q)
		*q = xasprintf(
			"UPDATE frontier SET state = 1, lease_owner = $1, "
			"lease_until = $2 WHERE id IN (SELECT id FROM frontier "
			"WHERE run_id = $3 AND host = $4 AND state = 0 AND "
			"not_before <= $5 AND EXISTS (SELECT 1 FROM host_lease "
			"h WHERE h.run_id = $3 AND h.host = $4 AND h.owner = "
			"$1) ORDER BY id LIMIT $6%s) RETURNING id, url, host, "
			"depth, attempts, not_before",
			st->drv->lock_rows);
	rc = st_query(st, *q, a, NARGS(a), &r);
	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		struct store_url u = {
			.id = st->drv->col_int(r, 0),
			.url = st_text(st, r, 1),
			.host = st_text(st, r, 2),
			.depth = (int)st->drv->col_int(r, 3),
			.attempts = (int)st->drv->col_int(r, 4),
			.not_before = st->drv->col_int(r, 5),
		};
		fn(arg, &u);
	}
	st->drv->done(r);
	return rc < 0 ? rc : 0;
}

int store_hosts_claim(struct store *st, int64_t run, const char *owner, int max,
		      int64_t now, int64_t until,
		      void (*fn)(void *arg, const char *host), void *arg,
		      int64_t *n)
{
	static const char q_expire[] = "DELETE FROM host_lease WHERE run_id = "
				       "$1 AND lease_until < $2";
	/* The WHERE before ON CONFLICT is required by SQLite's grammar. */
	static const char q_claim[] =
		"INSERT INTO host_lease (run_id, host, owner, lease_until) "
		"SELECT $1, f.host, $2, $3 FROM frontier f WHERE f.run_id = "
		"$1 AND f.state = 0 AND f.not_before <= $4 AND NOT EXISTS "
		"(SELECT 1 FROM host_lease h WHERE h.run_id = $1 AND h.host "
		"= f.host) GROUP BY f.host ORDER BY MIN(f.id) LIMIT $5 ON "
		"CONFLICT (run_id, host) DO NOTHING RETURNING host";
	struct db_arg ae[] = {A_INT(run), A_INT(now)};
	struct db_arg ac[] = {A_INT(run), A_TEXT(owner), A_INT(until),
			      A_INT(now), A_INT(max)};
	struct db_rows *r;
	int64_t count = 0;
	int rc = st_exec(st, q_expire, ae, NARGS(ae), NULL);

	if (!rc)
		rc = st_query(st, q_claim, ac, NARGS(ac), &r);
	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		count++;
		if (fn)
			fn(arg, st_text(st, r, 0));
	}
	st->drv->done(r);
	if (n)
		*n = count;
	return rc < 0 ? rc : 0;
}

int store_leases_renew(struct store *st, int64_t run, const char *owner,
		       int64_t until)
{
	static const char q_hosts[] = "UPDATE host_lease SET lease_until = $1 "
				      "WHERE run_id = $2 AND owner = $3";
	static const char q_urls[] =
		"UPDATE frontier SET lease_until = $1 WHERE run_id = $2 AND "
		"state = 1 AND lease_owner = $3";
	struct db_arg a[] = {A_INT(until), A_INT(run), A_TEXT(owner)};
	int rc = st_exec(st, q_hosts, a, NARGS(a), NULL);

	return rc ? rc : st_exec(st, q_urls, a, NARGS(a), NULL);
}

int store_host_release(struct store *st, int64_t run, const char *owner,
		       const char *host)
{
	static const char q_one[] = "DELETE FROM host_lease WHERE run_id = $1 "
				    "AND owner = $2 AND host = $3";
	static const char q_all[] = "DELETE FROM host_lease WHERE run_id = $1 "
				    "AND owner = $2";
	struct db_arg a[] = {A_INT(run), A_TEXT(owner), A_TEXT(host)};

	return st_exec(st, host ? q_one : q_all, a, host ? 3 : 2, NULL);
}

int store_frontier_release(struct store *st, int64_t run, const char *owner,
			   int64_t now, int64_t *n)
{
	static const char q[] =
		"UPDATE frontier SET state = 0, lease_owner = NULL, "
		"lease_until = NULL WHERE run_id = $1 AND state = 1 AND "
		"(lease_until < $2 OR lease_owner = $3)";
	struct db_arg a[] = {A_INT(run), A_INT(now), A_TEXT(owner)};

	return st_exec(st, q, a, NARGS(a), n);
}

/* Queued inside a transaction (queue.c writes the same columns). */
int store_frontier_set(struct store *st, int64_t id, enum frontier_state s,
		       const char *reason)
{
	static const char q[] = "UPDATE frontier SET state = $1, reason = $2, "
				"lease_owner = NULL, lease_until = NULL, "
				"attempts = attempts + 1 WHERE id = $3";
	struct db_arg a[] = {A_INT(s), A_TEXT(reason), A_INT(id)};

	if (st->tx_depth)
		return st_queue_frontier(st, id, (int)s, reason, false, 0);
	return st_exec(st, q, a, NARGS(a), NULL);
}

int store_frontier_retry(struct store *st, int64_t id, int64_t not_before,
			 const char *reason)
{
	static const char q[] = "UPDATE frontier SET state = 0, reason = $1, "
				"not_before = $2, lease_owner = NULL, "
				"lease_until = NULL, attempts = attempts + 1 "
				"WHERE id = $3";
	struct db_arg a[] = {A_TEXT(reason), A_INT(not_before), A_INT(id)};

	if (st->tx_depth)
		return st_queue_frontier(st, id, FRONTIER_QUEUED, reason, true,
					 not_before);
	return st_exec(st, q, a, NARGS(a), NULL);
}

int store_frontier_counts(struct store *st, int64_t run,
			  struct store_frontier_counts *out)
{
	static const char q[] = "SELECT state, COUNT(*) FROM frontier WHERE "
				"run_id = $1 GROUP BY state";
	struct db_arg a[] = {A_INT(run)};
	struct db_rows *r;
	int rc = st_query(st, q, a, NARGS(a), &r);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		int64_t *slot[] = {
			[FRONTIER_QUEUED] = &out->queued,
			[FRONTIER_LEASED] = &out->leased,
			[FRONTIER_DONE] = &out->done,
			[FRONTIER_FAILED] = &out->failed,
			[FRONTIER_SKIPPED] = &out->skipped,
		};
		int64_t state = st->drv->col_int(r, 0);

		if (state >= 0 && state < (int64_t)ARRAY_LEN(slot))
			*slot[state] = st->drv->col_int(r, 1);
	}
	st->drv->done(r);
	return rc < 0 ? rc : 0;
}

/* ---- robots.txt cache ------------------------------------------------ */

int store_robots_get(struct store *st, const char *host,
		     struct store_robots *out)
{
	static const char q[] = "SELECT status, body, fetched_at FROM robots "
				"WHERE host = $1";
	struct db_arg a[] = {A_TEXT(host)};
	struct db_rows *r;
	int rc = query_keep(st, q, a, NARGS(a), &r);

	if (rc)
		return rc;
	rc = st->drv->next(r);
	if (rc > 0) {
		size_t n = 0;
		const char *p = st->drv->col_text(r, 1, &n);
		buf_reset(&st->scratch);
		buf_append(&st->scratch, p ? p : "", p ? n : 0);
		out->status = (int)st->drv->col_int(r, 0);
		out->body = st->scratch.p;
		out->body_len = st->scratch.len;
		out->fetched_at = st->drv->col_int(r, 2);
	}
	st->drv->done(r);
	return rc > 0 ? 0 : rc == 0 ? ERR_NOTFOUND : rc;
}

int store_robots_put(struct store *st, const char *host,
		     const struct store_robots *rb)
{
	static const char q[] =
		"INSERT INTO robots (host, status, body, fetched_at) VALUES "
		"($1, $2, $3, $4) ON CONFLICT (host) DO UPDATE SET status = "
		"excluded.status, body = excluded.body, fetched_at = "
		"excluded.fetched_at";
	struct db_arg a[] = {A_TEXT(host), A_INT(rb->status),
			     A_BLOB(rb->body ? rb->body : "", rb->body_len),
			     A_INT(rb->fetched_at)};

	return exec_keep(st, q, a, NARGS(a), NULL);
}

/* ---- pages and captures ---------------------------------------------- */

/*
 * A page shows its newest capture, except that a redirect found on the way
 * to it never hides what the page itself returned:
 *   INSERT INTO page (canonical_url) ... ON CONFLICT ... RETURNING id;
 *   INSERT INTO capture (...) RETURNING id;
 *   UPDATE page SET capture_id = <capture> WHERE id = <page> AND
 *     (capture_id IS NULL OR <capture is not a redirect hop>)
 * queue.c runs these for every queued capture at once; outside a
 * transaction the capture is queued in one of its own, committed here.
 */
int store_capture_add(struct store *st, const struct store_capture *c)
{
	bool own = st->tx_depth == 0;
	int rc;

	if (own && (rc = store_begin(st)))
		return rc;
	rc = st_queue_capture(st, c);
	if (!own)
		return rc;
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st);
}

int store_page_by_sha(struct store *st, int64_t run, const char *sha256,
		      const char **out)
{
	static const char q[] =
		"SELECT p.canonical_url FROM capture c JOIN page p ON p.id = "
		"c.page_id WHERE c.run_id = $1 AND c.sha256 = $2 AND c.error "
		"IS NULL ORDER BY c.id LIMIT 1";
	struct db_arg a[] = {A_INT(run), A_TEXT(sha256)};
	struct db_rows *r;
	int rc = st_first(st, q, a, NARGS(a), &r);

	if (rc)
		return rc;
	buf_reset(&st->scratch);
	buf_puts(&st->scratch, st_text(st, r, 0));
	*out = st->scratch.p;
	st->drv->done(r);
	return 0;
}

int store_capture_shas(struct store *st, int64_t run,
		       void (*fn)(void *arg, const char *sha256), void *arg)
{
	static const char q[] = "SELECT sha256 FROM capture WHERE run_id = $1 "
				"AND sha256 IS NOT NULL AND error IS NULL";
	struct db_arg a[] = {A_INT(run)};
	struct db_rows *r;
	int rc = st_query(st, q, a, NARGS(a), &r);

	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0)
		fn(arg, st_text(st, r, 0));
	st->drv->done(r);
	return rc < 0 ? rc : 0;
}

void st_capture_row(struct store *st, struct db_rows *r,
		    struct store_capture *c)
{
	c->run_id = st->drv->col_int(r, 0);
	c->url = st_text(st, r, 1);
	c->canonical_url = st_text(st, r, 2);
	c->final_url = st_text(st, r, 3);
	c->status = (int)st->drv->col_int(r, 4);
	c->content_type = st_text(st, r, 5);
	c->ip = st_text(st, r, 6);
	c->sha256 = st_text(st, r, 7);
	c->fetched_at = st->drv->col_int(r, 8);
	c->warc_file = st_text(st, r, 9);
	c->warc_offset = st->drv->col_int(r, 10);
	c->warc_length = st->drv->col_int(r, 11);
	c->error = st_text(st, r, 12);
	c->depth = (int)st->drv->col_int(r, 13);
}

/* Copy a capture's strings into the store's scratch space so they outlive
 * the result set (the contract: valid until the next store call). */
static void capture_keep(struct store *st, struct store_capture *c)
{
	const char **f[] = {
		&c->url, &c->canonical_url, &c->final_url, &c->content_type,
		&c->ip,	 &c->sha256,	    &c->warc_file, &c->error};
	size_t off[ARRAY_LEN(f)];

	buf_reset(&st->scratch);
	for (size_t i = 0; i < ARRAY_LEN(f); i++) {
		off[i] = *f[i] ? st->scratch.len : SIZE_MAX;
		if (*f[i])
			buf_append(&st->scratch, *f[i], strlen(*f[i]) + 1);
	}
	for (size_t i = 0; i < ARRAY_LEN(f); i++)
		*f[i] = off[i] == SIZE_MAX ? NULL : st->scratch.p + off[i];
}

int store_page_find(struct store *st, const char *url,
		    struct store_capture *out)
{
	static const char q[] =
		"SELECT " CAPTURE_COLS " FROM page p JOIN capture c ON c.id = "
		"p.capture_id WHERE p.canonical_url = $1 OR p.id IN (SELECT "
		"page_id FROM capture WHERE url = $1 OR (final_url = $1 AND "
		"final_url <> url)) "
		"ORDER BY c.id DESC LIMIT 1";
	struct db_arg a[] = {A_TEXT(url)};
	struct db_rows *r;
	int rc = st_first(st, q, a, NARGS(a), &r);

	if (rc)
		return rc;
	st_capture_row(st, r, out);
	capture_keep(st, out);
	st->drv->done(r);
	return 0;
}

static int each_capture(struct store *st, const char *q,
			int (*fn)(void *arg, const struct store_capture *c),
			void *arg)
{
	struct db_rows *r;
	int rc = st_query(st, q, NULL, 0, &r), stop = 0;

	if (rc)
		return rc;
	while (!stop && (rc = st->drv->next(r)) > 0) {
		struct store_capture c;
		st_capture_row(st, r, &c);
		stop = fn(arg, &c);
	}
	return st_rows_end(st, r, rc, stop);
}

int store_page_each(struct store *st,
		    int (*fn)(void *arg, const struct store_capture *c),
		    void *arg)
{
	static const char q[] =
		"SELECT " CAPTURE_COLS " FROM page p JOIN capture c ON c.id = "
		"p.capture_id ORDER BY p.canonical_url";

	return each_capture(st, q, fn, arg);
}

int store_capture_each(struct store *st,
		       int (*fn)(void *arg, const struct store_capture *c),
		       void *arg)
{
	static const char q[] =
		"SELECT " CAPTURE_COLS " FROM capture c JOIN page p ON p.id = "
		"c.page_id ORDER BY c.id";

	return each_capture(st, q, fn, arg);
}
