/*
 * store_int.h - private to src/store/: the store object and the small
 * helpers every query file uses.  Query files (store.c, and later ones for
 * findings, registry, ...) include this, never a driver header.
 */
#ifndef PATROLI_STORE_INT_H
#define PATROLI_STORE_INT_H

#include "store/db.h"
#include "store/store.h"

/* The write queue (queue.c): captures and frontier outcomes recorded while
 * a transaction is open, written together at the next flush. */
struct st_qcap {
	struct store_capture c; /* strings point into mem */
	char *mem;
	const char *canon; /* the page's URL as the engine will store it */
	int64_t page, id;  /* filled by the flush */
};
struct st_qfront {
	int64_t id, not_before;
	int state;
	bool retry; /* store_frontier_retry(): not_before applies */
	char *reason;
};
struct st_queue {
	struct st_qcap *cap;
	size_t ncap, capcap;
	struct st_qfront *fr;
	size_t nfr, frcap;
	struct db_arg *args; /* one statement's parameters */
	size_t argcap;
};

struct store {
	const struct db_driver *drv;
	struct db *db;
	char *uri;
	int tx_depth;	    /* nesting of store_begin() */
	struct buf scratch; /* strings handed out until the next call */
	struct buf scratch2;
	struct st_queue q;
	/* A flush that failed inside the transaction, and the depth it
	 * failed at: the commit must fail (and roll back) unless a savepoint
	 * that contained it was rolled back. */
	int tx_err, tx_err_depth;
};

/* Run a statement that returns no rows; *changes (may be NULL) receives the
 * number of rows it changed. */
int st_exec(struct store *st, const char *sql, const struct db_arg *args,
	    int nargs, int64_t *changes);
/* Run a statement; rows are read with st->drv->next() and the accessors,
 * and the caller ends with st->drv->done().  Every statement run through
 * these helpers first flushes the write queue (queue.c), so it sees, and
 * is ordered after, every write made before it. */
int st_query(struct store *st, const char *sql, const struct db_arg *args,
	     int nargs, struct db_rows **out);
/* End a loop over rows that a callback may stop: done(), then the step's
 * error, else the callback's negative return, else 0. */
int st_rows_end(struct store *st, struct db_rows *r, int rc, int stop);
/* The first row: 0 with *out on it (the caller reads it, then calls
 * st->drv->done()), ERR_NOTFOUND when there is none, or the error. */
int st_first(struct store *st, const char *sql, const struct db_arg *args,
	     int nargs, struct db_rows **out);
/* One row, one integer column; ERR_NOTFOUND when there is no row. */
int st_int(struct store *st, const char *sql, const struct db_arg *args,
	   int nargs, int64_t *out);
/* One row, one text column, copied (caller frees); `def` stands for SQL
 * NULL.  ERR_NOTFOUND when there is no row. */
int st_str(struct store *st, const char *sql, const struct db_arg *args,
	   int nargs, const char *def, char **out);
/* Column text or NULL for SQL NULL. */
const char *st_text(struct store *st, struct db_rows *r, int col);

/* The columns of a capture joined with its page (aliases c and p), in the
 * order st_capture_row() reads them; strings point into the result. */
#define CAPTURE_COLS                                                           \
	"c.run_id, c.url, p.canonical_url, c.final_url, c.status, "            \
	"c.content_type, c.ip, c.sha256, c.fetched_at, c.warc_file, "          \
	"c.warc_offset, c.warc_length, c.error, c.depth"
void st_capture_row(struct store *st, struct db_rows *r,
		    struct store_capture *c);

/* The write queue (queue.c).  Queue a capture or a frontier outcome (only
 * while a transaction is open); a full queue is flushed on the spot. */
int st_queue_capture(struct store *st, const struct store_capture *c);
int st_queue_frontier(struct store *st, int64_t id, int state,
		      const char *reason, bool retry, int64_t not_before);
/* Write everything queued (0 when nothing is).  On failure the queue is
 * dropped and the transaction marked failed (st->tx_err). */
int st_flush(struct store *st);
/* Forget the queue (rollback), and free it (close). */
void st_queue_drop(struct store *st);
void st_queue_free(struct store *st);
static inline bool st_queued(const struct store *st)
{
	return st->q.ncap || st->q.nfr;
}

/* Apply migrations; see migrate.c. */
int store_migrate_apply(struct store *st);

#define NARGS(a) ((int)ARRAY_LEN(a))

#endif
