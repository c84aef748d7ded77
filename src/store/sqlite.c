/*
 * sqlite.c - the SQLite driver behind db.h.
 *
 * WAL mode with synchronous=NORMAL: a commit survives a process crash
 * (kill -9) and, with the WAL checkpointed, a power loss loses at most the
 * last transactions, never consistency.  Foreign keys on, busy timeout so a
 * second process (the web server reading while a crawl writes) waits
 * instead of failing.  Prepared statements are cached by the address of
 * their SQL text, which store.c keeps in static strings.
 *
 * Checkpoints run on a thread of their own (SQLite's documented way: turn
 * the automatic checkpoint off and call sqlite3_wal_checkpoint_v2() from
 * another thread).  The automatic one ran on the writer's thread every
 * 1,000 WAL frames: a 20,000-page crawl stopped its scheduler 330 times,
 * for two fdatasync()s each, and with the WAL that short every page of
 * the random-keyed indexes went to disk several times.  Now the writer's
 * commit hook wakes the checkpointer past CKPT_FRAMES; a PASSIVE
 * checkpoint never blocks the writer, and once it has copied the whole
 * WAL the writer's next transaction rewinds it.  Should the checkpointer
 * fall behind (a reader on an old snapshot, a slow disk), past
 * CKPT_INLINE_FRAMES the writer checkpoints itself, so the WAL stays
 * under about 80 MiB.  (Until the checkpointer's connection read the
 * database once, it had no WAL open and each of its checkpoints returned
 * SQLITE_OK having copied nothing: every checkpoint was the writer's,
 * 50 ms each with a crawl's scheduler waiting, every 0.8 s.)
 */
#include "store/db.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* store.c, queue.c (36 shapes) and add_many (32 sizes) use about a
 * hundred statements; past this, statements are prepared on each use. */
#define STMT_CACHE 256

#define CKPT_FRAMES	   8000	 /* wake the checkpointer (32 MiB of WAL) */
#define CKPT_INLINE_FRAMES 20000 /* the writer checkpoints and rewinds */

struct db_rows {
	struct db *db;
	sqlite3_stmt *stmt;
	int64_t changes;
	int slot; /* cache slot, or -1 for an uncached statement */
};

/* The checkpointer of one connection: started on first need. */
struct ckpt {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	sqlite3 *h; /* its own connection to the same file */
	bool started, unavailable, want, stop;
};

struct db {
	sqlite3 *h;
	char *path;
	struct ckpt ck;
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
		bool busy; /* a result set is reading it */
	} cache[STMT_CACHE];
};

static int sq_fail(struct db *db, const char *what, const char *sql)
{
	size_t n = sql ? strcspn(sql, "\n") : 0;

	return log_fail("%s: %s%s%.*s: %s", db->path, what, sql ? ": " : "",
			(int)MIN(n, 80), sql ? sql : "", sqlite3_errmsg(db->h));
}

static void *ckpt_main(void *arg)
{
	struct ckpt *ck = arg;

	pthread_setname_np(pthread_self(), "patroli-ckpt");
	pthread_mutex_lock(&ck->mu);
	for (;;) {
		while (!ck->want && !ck->stop)
			pthread_cond_wait(&ck->cv, &ck->mu);
		if (ck->stop)
			break;
		ck->want = false;
		pthread_mutex_unlock(&ck->mu);
		/* Copies what no reader still needs and waits for nobody;
		 * what it leaves, the next round takes.  Its errors are
		 * SQLite's automatic checkpoint's: nothing a commit lost. */
		sqlite3_wal_checkpoint_v2(
			ck->h, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&ck->mu);
	}
	pthread_mutex_unlock(&ck->mu);
	return NULL;
}

/* Start db's checkpointer; false if it cannot run, and then the writer
 * checkpoints itself from then on, as SQLite would have. */
static bool ckpt_start(struct db *db)
{
	struct ckpt *ck = &db->ck;
	const char *file = sqlite3_db_filename(db->h, "main");

	if (ck->unavailable || !file || !*file)
		goto fail;
	if (sqlite3_open_v2(file, &ck->h,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		goto fail;
	/* A read opens the connection's WAL; without one a checkpoint is a
	 * no-op that reports success (test_sqlite_checkpointer). */
	if (sqlite3_exec(ck->h, "SELECT 1 FROM sqlite_schema LIMIT 1", NULL,
			 NULL, NULL) != SQLITE_OK)
		goto fail;
	pthread_mutex_init(&ck->mu, NULL);
	pthread_cond_init(&ck->cv, NULL);
	if (pthread_create(&ck->thread, NULL, ckpt_main, ck)) {
		pthread_cond_destroy(&ck->cv);
		pthread_mutex_destroy(&ck->mu);
		goto fail;
	}
	ck->started = true;
	return true;
fail:
	sqlite3_close(ck->h);
	ck->h = NULL;
	ck->unavailable = true;
	return false;
}

static void ckpt_stop(struct ckpt *ck)
{
	if (!ck->started)
		return;
	pthread_mutex_lock(&ck->mu);
	ck->stop = true;
	pthread_cond_signal(&ck->cv);
	pthread_mutex_unlock(&ck->mu);
	pthread_join(ck->thread, NULL);
	pthread_cond_destroy(&ck->cv);
	pthread_mutex_destroy(&ck->mu);
	sqlite3_close(ck->h);
	ck->started = false;
}

/* sqlite3_wal_hook(): runs on the writer's thread after each commit, with
 * the WAL's length in frames.  It replaces the automatic checkpoint. */
static int on_commit(void *arg, sqlite3 *h, const char *name, int frames)
{
	struct db *db = arg;
	struct ckpt *ck = &db->ck;

	if (frames < CKPT_FRAMES)
		return SQLITE_OK;
	if (frames < CKPT_INLINE_FRAMES && (ck->started || ckpt_start(db))) {
		pthread_mutex_lock(&ck->mu);
		ck->want = true;
		pthread_cond_signal(&ck->cv);
		pthread_mutex_unlock(&ck->mu);
		return SQLITE_OK;
	}
	sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL,
				  NULL);
	return SQLITE_OK;
}

static int sq_open(const char *uri, struct db **out)
{
	struct db *db = xcalloc(1, sizeof(*db));
	int rc;

	db->path = xstrdup(uri);
	rc = sqlite3_open_v2(uri, &db->h,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		log_fail("%s: cannot open database: %s", uri,
			 db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		sqlite3_close(db->h);
		free(db->path);
		free(db);
		return ERR_FAIL;
	}
	if (sqlite3_limit(db->h, SQLITE_LIMIT_VARIABLE_NUMBER, -1) <
	    DB_PARAMS_MIN) {
		log_fail("%s: this SQLite allows %d parameters per statement, "
			 "patroli needs %d (SQLite 3.32 or newer)",
			 uri,
			 sqlite3_limit(db->h, SQLITE_LIMIT_VARIABLE_NUMBER, -1),
			 DB_PARAMS_MIN);
		sqlite3_close(db->h);
		free(db->path);
		free(db);
		return ERR_FAIL;
	}
	sqlite3_busy_timeout(db->h, 30000);
	if (sqlite3_exec(db->h,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			 "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
			 "PRAGMA cache_size=-16000;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		sq_fail(db, "setting pragmas", NULL);
		sqlite3_close(db->h);
		free(db->path);
		free(db);
		return ERR_FAIL;
	}
	sqlite3_wal_hook(db->h, on_commit, db);
	*out = db;
	return 0;
}

static void sq_close(struct db *db)
{
	if (!db)
		return;
	ckpt_stop(&db->ck);
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(db->cache[i].stmt);
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

static int sq_exec(struct db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		size_t n = strcspn(sql, "\n");
		log_fail("%s: %.*s: %s", db->path, (int)MIN(n, 80), sql,
			 msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return ERR_FAIL;
	}
	return 0;
}

/* The cache slot for `sql`, or -1 when the cache is full or the statement
 * is already being read (a nested query of the same text). */
static int cache_slot(struct db *db, const char *sql)
{
	uintptr_t h = ((uintptr_t)sql >> 3) * 0x9E3779B97F4A7C15u;
	size_t i = (size_t)(h % STMT_CACHE);

	for (size_t k = 0; k < STMT_CACHE; k++, i = (i + 1) % STMT_CACHE) {
		if (db->cache[i].sql == sql)
			return db->cache[i].busy ? -1 : (int)i;
		if (!db->cache[i].sql) {
			db->cache[i].sql = sql;
			return (int)i;
		}
	}
	return -1;
}

static int bind_args(struct db *db, sqlite3_stmt *s, const struct db_arg *a,
		     int n)
{
	for (int i = 0; i < n; i++) {
		int rc = SQLITE_OK;
		switch (a[i].t) {
		case DB_NULL:
			rc = sqlite3_bind_null(s, i + 1);
			break;
		case DB_INT:
			rc = sqlite3_bind_int64(s, i + 1, a[i].i);
			break;
		case DB_TEXT:
			rc = sqlite3_bind_text(s, i + 1, a[i].s, -1,
					       SQLITE_STATIC);
			break;
		case DB_BLOB:
			rc = sqlite3_bind_blob64(s, i + 1, a[i].s, a[i].n,
						 SQLITE_STATIC);
			break;
		}
		if (rc != SQLITE_OK)
			return sq_fail(db, "bind", sqlite3_sql(s));
	}
	return 0;
}

static int sq_query(struct db *db, const char *sql, const struct db_arg *args,
		    int nargs, struct db_rows **out)
{
	int slot = cache_slot(db, sql);
	sqlite3_stmt *s = slot >= 0 ? db->cache[slot].stmt : NULL;
	struct db_rows *r;

	if (!s) {
		if (sqlite3_prepare_v2(db->h, sql, -1, &s, NULL) != SQLITE_OK)
			return sq_fail(db, "prepare", sql);
		if (slot >= 0)
			db->cache[slot].stmt = s;
	}
	if (bind_args(db, s, args, nargs)) {
		sqlite3_reset(s);
		if (slot < 0)
			sqlite3_finalize(s);
		return ERR_FAIL;
	}
	r = xcalloc(1, sizeof(*r));
	r->db = db;
	r->stmt = s;
	r->slot = slot;
	if (slot >= 0)
		db->cache[slot].busy = true;
	*out = r;
	return 0;
}

static int sq_next(struct db_rows *r)
{
	int rc = sqlite3_step(r->stmt);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		r->changes = sqlite3_changes64(r->db->h);
		return 0;
	}
	return sq_fail(r->db, "step", sqlite3_sql(r->stmt));
}

static bool sq_is_null(struct db_rows *r, int col)
{
	return sqlite3_column_type(r->stmt, col) == SQLITE_NULL;
}

static int64_t sq_col_int(struct db_rows *r, int col)
{
	return sqlite3_column_int64(r->stmt, col);
}

static const char *sq_col_text(struct db_rows *r, int col, size_t *len)
{
	const char *p;

	if (sqlite3_column_type(r->stmt, col) == SQLITE_BLOB)
		p = sqlite3_column_blob(r->stmt, col);
	else
		p = (const char *)sqlite3_column_text(r->stmt, col);
	if (len)
		*len = (size_t)sqlite3_column_bytes(r->stmt, col);
	return p;
}

static int64_t sq_changes(struct db_rows *r)
{
	return r->changes;
}

static void sq_done(struct db_rows *r)
{
	if (!r)
		return;
	if (r->slot >= 0) {
		sqlite3_reset(r->stmt);
		sqlite3_clear_bindings(r->stmt);
		r->db->cache[r->slot].busy = false;
	} else {
		sqlite3_finalize(r->stmt);
	}
	free(r);
}

const struct db_driver db_sqlite = {
	.name = "sqlite",
	.id_type = "INTEGER PRIMARY KEY",
	.blob_type = "BLOB",
	/* IMMEDIATE takes the write lock up front: two writers never
	 * deadlock upgrading from a read transaction. */
	.begin_sql = "BEGIN IMMEDIATE",
	.lock_rows = "",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.query = sq_query,
	.query_fresh = sq_query,
	.next = sq_next,
	.is_null = sq_is_null,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.changes = sq_changes,
	.done = sq_done,
	.tables_sql =
		"SELECT name FROM sqlite_master WHERE type = 'table' "
		"AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
	.columns_sql = "SELECT name, type, pk, 0 FROM pragma_table_info($1) "
		       "ORDER BY cid",
	.fkeys_sql =
		"SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1) "
		"ORDER BY 1",
	/* INTEGER PRIMARY KEY continues after the largest id by itself. */
	.identity_reset_sql = NULL,
	/* Deferred: in WAL mode a reader sees the snapshot of its first read
	 * and blocks no writer. */
	.snapshot_sql = "BEGIN",
	.utf8_text = false,
};
