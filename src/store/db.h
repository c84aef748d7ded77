/*
 * db.h - private to the store module: the driver interface each backend
 * implements (SQLite in sqlite.c, PostgreSQL in pg.c).  store.c writes its
 * queries once, in portable SQL with $1..$n placeholders numbered in order
 * of first use; a driver only moves values in and rows out.
 *
 * Dialect differences are confined to migrations (see migrate.c), where
 * %ID% and %BLOB% stand for the identity-column and binary types.
 */
#ifndef PATROLI_STORE_DB_H
#define PATROLI_STORE_DB_H

#include "base/base.h"

enum db_type { DB_NULL, DB_INT, DB_TEXT, DB_BLOB };

struct db_arg {
	enum db_type t;
	int64_t i;
	const char *s;
	size_t n; /* for DB_BLOB */
};
#define A_INT(v) ((struct db_arg){.t = DB_INT, .i = (v)})
#define A_TEXT(v) ((struct db_arg){.t = (v) ? DB_TEXT : DB_NULL, .s = (v)})
#define A_BLOB(p, len) ((struct db_arg){.t = DB_BLOB, .s = (p), .n = (len)})

struct db;	/* a connection, driver-defined */
struct db_rows; /* a result being read, driver-defined */

struct db_driver {
	const char *name; /* "sqlite", "postgres" */
	const char *id_type, *blob_type; /* for migrations */
	const char *begin_sql;		 /* "BEGIN IMMEDIATE", "BEGIN" */
	const char *lock_rows;		 /* "" or " FOR UPDATE SKIP LOCKED" */
	/* Serialise migrations across processes; NULL if BEGIN does. */
	const char *migrate_lock, *migrate_unlock;
	int (*open)(const char *uri, struct db **out);
	void (*close)(struct db *db);
	/* Run one or more statements without parameters or results. */
	int (*exec)(struct db *db, const char *sql);
	/* Run one statement.  Rows, if any, are read with next(); `sql` must
	 * be a string literal or otherwise outlive the connection, since
	 * drivers cache prepared statements by its address. */
	int (*query)(struct db *db, const char *sql, const struct db_arg *args,
		     int nargs, struct db_rows **out);
	int (*next)(struct db_rows *r); /* 1 row ready, 0 end, <0 error */
	bool (*is_null)(struct db_rows *r, int col);
	int64_t (*col_int)(struct db_rows *r, int col);
	/* Text or blob bytes; valid until the next next()/done(). */
	const char *(*col_text)(struct db_rows *r, int col, size_t *len);
	/* Rows changed by the last statement. */
	int64_t (*changes)(struct db_rows *r);
	void (*done)(struct db_rows *r);
};

extern const struct db_driver db_sqlite;
extern const struct db_driver db_postgres;

#endif
