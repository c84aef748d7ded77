/*
 * db.h - private to the store module: the driver interface each backend
 * implements (SQLite in sqlite.c, PostgreSQL in pg.c).  store.c writes its
 * queries once, in portable SQL with $1..$n placeholders numbered in order
 * of first use (SQLite binds by order of appearance: a statement that uses
 * $2 before $1 binds the wrong values, silently); a driver only moves
 * values in and rows out.
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
#define A_INT(v)       ((struct db_arg){.t = DB_INT, .i = (v)})
#define A_TEXT(v)      ((struct db_arg){.t = (v) ? DB_TEXT : DB_NULL, .s = (v)})
#define A_BLOB(p, len) ((struct db_arg){.t = DB_BLOB, .s = (p), .n = (len)})

/* Every driver runs statements with at least this many parameters (queue.c
 * writes up to 3,584 in one; SQLite allows 32,766 since 3.32, PostgreSQL
 * 65,535). */
#define DB_PARAMS_MIN 4096

struct db;	/* a connection, driver-defined */
struct db_rows; /* a result being read, driver-defined */

struct db_driver {
	const char *name;		 /* "sqlite", "postgres" */
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
	/* As query(), but planned for these parameters on every call, never
	 * with a plan the driver cached: for statements whose best plan
	 * depends on table sizes that change by orders of magnitude during a
	 * crawl (queue.c's UPDATE ... FROM (VALUES ...)).  PostgreSQL settles
	 * on a generic plan after five runs: made while the table was new, it
	 * keeps a hash join over a sequential scan once the table holds
	 * millions of rows.  SQLite has no such cache: the same as query(). */
	int (*query_fresh)(struct db *db, const char *sql,
			   const struct db_arg *args, int nargs,
			   struct db_rows **out);
	int (*next)(struct db_rows *r); /* 1 row ready, 0 end, <0 error */
	bool (*is_null)(struct db_rows *r, int col);
	int64_t (*col_int)(struct db_rows *r, int col); /* NULL reads 0 */
	/* Text or blob bytes; valid until the next next()/done(). */
	const char *(*col_text)(struct db_rows *r, int col, size_t *len);
	/* Rows changed by the last statement. */
	int64_t (*changes)(struct db_rows *r);
	void (*done)(struct db_rows *r);

	/* ---- for tools that work on every table (db copy, db status) ---- */
	/* Catalog queries on the current schema.  tables_sql: table names, by
	 * name.  columns_sql ($1 = table): its columns in order as (name,
	 * declared type, position in the primary key or 0, 1 when the engine
	 * generates its values from a sequence).  fkeys_sql ($1 = table): the
	 * tables its foreign keys reference. */
	const char *tables_sql, *columns_sql, *fkeys_sql;
	/* NULL, or a statement that makes identity column $2 of table $1
	 * generate $3 next (after rows were copied with their ids). */
	const char *identity_reset_sql;
	/* Begins a read-only transaction that sees one snapshot throughout. */
	const char *snapshot_sql;
	/* Text must be valid UTF-8 without NUL bytes; the driver replaces
	 * invalid bytes with U+FFFD and a NUL ends the text. */
	bool utf8_text;
};

/* How many bytes of s[0..n) are not valid UTF-8 as PostgreSQL defines it
 * (each would become one U+FFFD in a text value); 0 for valid text. */
size_t db_utf8_bad_bytes(const char *s, size_t n);
/* NULL when s is valid UTF-8, else a copy (caller frees) with each bad byte
 * replaced by U+FFFD: the text a utf8_text driver stores for s. */
char *db_utf8_repair(const char *s);

extern const struct db_driver db_sqlite;
extern const struct db_driver db_postgres;

#endif
