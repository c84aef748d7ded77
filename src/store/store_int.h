/*
 * store_int.h - private to src/store/: the store object and the small
 * helpers every query file uses.  Query files (store.c, and later ones for
 * findings, registry, ...) include this, never a driver header.
 */
#ifndef PATROLI_STORE_INT_H
#define PATROLI_STORE_INT_H

#include "store/db.h"
#include "store/store.h"

struct store {
	const struct db_driver *drv;
	struct db *db;
	char *uri;
	int tx_depth;	    /* nesting of store_begin() */
	struct buf scratch; /* strings handed out until the next call */
	struct buf scratch2;
};

/* Run a statement that returns no rows; *changes (may be NULL) receives the
 * number of rows it changed. */
int st_exec(struct store *st, const char *sql, const struct db_arg *args,
	    int nargs, int64_t *changes);
/* Run a statement; rows are read with st->drv->next() and the accessors,
 * and the caller ends with st->drv->done(). */
int st_query(struct store *st, const char *sql, const struct db_arg *args,
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
#define CAPTURE_COLS                                                          \
	"c.run_id, c.url, p.canonical_url, c.final_url, c.status, "           \
	"c.content_type, c.ip, c.sha256, c.fetched_at, c.warc_file, "         \
	"c.warc_offset, c.warc_length, c.error, c.depth"
void st_capture_row(struct store *st, struct db_rows *r,
		    struct store_capture *c);

/* Apply migrations; see migrate.c. */
int store_migrate_apply(struct store *st);

#define NARGS(a) ((int)ARRAY_LEN(a))

#endif
