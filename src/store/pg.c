/*
 * pg.c - the PostgreSQL driver behind db.h, on libpq.
 *
 * Statements: store.c keeps its SQL in static strings, so each distinct
 * statement is prepared once per connection (PQprepare, named "p<n>") and
 * then run with PQexecPrepared: the server parses and plans it once, and
 * each call sends only the parameters.  The cache is keyed by the address of
 * the SQL text and checks the text too, so a caller that breaks the
 * "outlives the connection" rule gets a correct, merely unprepared query
 * (PQexecParams) instead of someone else's statement.  Parameter types are
 * left to the server to infer from context, as SQLite does.
 *
 * Values: integers and text go as text parameters, blobs as binary (bytea
 * needs no escaping that way).  Results come back in text format; bytea
 * columns are decoded with PQunescapeBytea so col_text() returns the raw
 * bytes, as the SQLite driver does for BLOB columns.  col_int() parses
 * int2/int4/int8, numeric (SUM of a BIGINT) and bool.
 *
 * Text: the database is UTF-8 and PostgreSQL rejects invalid byte sequences,
 * where SQLite stores any bytes.  Crawled text is hostile, and one bad header
 * byte must not abort a batch, so text parameters that are not valid UTF-8
 * are sent with each invalid byte replaced by U+FFFD.
 *
 * Results are read whole into client memory (PQexecPrepared), so callers
 * iterating huge tables should page by key.  Errors are logged with the
 * URI (password removed), the statement's first line and the server's
 * message; serialization failures and deadlocks return ERR_AGAIN so a
 * caller may retry the transaction.  A dropped connection is not silently
 * re-established: an open transaction would be lost without a trace.
 */
#include "store/db.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

/* Type OIDs from pg_type.h, which is a server header.  Integers of any
 * width and numeric need no OID: their text form is parsed alike. */
#define OID_BOOL  16
#define OID_BYTEA 17

/* Distinct statements store.c runs are a few dozen; past this, queries run
 * unprepared rather than growing server-side state without bound. */
#define STMT_CACHE 512

/* A bytea column of the current row, decoded when first asked for. */
struct unesc {
	unsigned char *p;
	size_t n;
};

struct db_rows {
	struct db *db;
	PGresult *res;
	int row;   /* current row, -1 before the first next() */
	int nrows; /* 0 for a statement without rows */
	int ncols;
	struct unesc *unesc; /* per column */
};

struct stmt {
	const char *sql; /* the caller's pointer: the key */
	char *text;	 /* our copy, to detect a reused address */
	char name[16];
};

struct db {
	PGconn *conn;
	char *uri; /* without the password, for messages */
	struct stmt cache[STMT_CACHE];
	int nstmt;
	/* parameter arrays, grown to the largest statement seen */
	const char **vals;
	int *lens, *fmts;
	char (*ints)[24];
	char **fixed; /* UTF-8-repaired copies, freed after each call */
	size_t cap;
};

/* ---- messages ------------------------------------------------------------ */

/* The URI with any password removed (userinfo and ?password=). */
static char *redact_uri(const char *uri)
{
	struct buf b = BUF_INIT;
	const char *p = strstr(uri, "://");
	const char *auth, *at = NULL, *colon, *q;
	size_t alen;

	if (!p)
		return xstrdup(uri);
	auth = p + 3;
	alen = strcspn(auth, "/?#");
	for (const char *s = auth; s < auth + alen; s++)
		if (*s == '@')
			at = s;
	buf_append(&b, uri, (size_t)(auth - uri));
	if (at) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		buf_append(&b, auth, (size_t)((colon ? colon : at) - auth));
		q = at;
	} else {
		q = auth;
	}
	/* Copy the rest, masking the value of a password= parameter. */
	while (*q) {
		if ((q[-1] == '?' || q[-1] == '&') &&
		    !strncmp(q, "password=", 9)) {
			buf_puts(&b, "password=***");
			q += 9 + strcspn(q + 9, "&#");
			continue;
		}
		buf_putc(&b, *q++);
	}
	return buf_detach(&b, NULL);
}

/* libpq messages end in a newline; log lines do not. */
static int msg_len(const char *m)
{
	size_t n = strlen(m);

	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		n--;
	return (int)MIN(n, 2000);
}

static int pg_fail(struct db *db, const char *sql, const PGresult *res)
{
	const char *msg = res ? PQresultErrorMessage(res) : "";
	const char *state =
		res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	size_t n = sql ? strcspn(sql, "\n") : 0;

	if (!*msg)
		msg = PQerrorMessage(db->conn);
	/* 40001 serialization_failure, 40P01 deadlock_detected: the
	 * transaction was rolled back and may simply be run again. */
	if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01"))) {
		log_msg(LOG_WARN, "%s: %.*s: %.*s", db->uri, (int)MIN(n, 80),
			sql ? sql : "", msg_len(msg), msg);
		return ERR_AGAIN;
	}
	return log_fail("%s: %.*s: %.*s", db->uri, (int)MIN(n, 80),
			sql ? sql : "", msg_len(msg), msg);
}

/* Server notices ("relation already exists, skipping") are noise at info
 * level; warnings are not. */
static void notice_receiver(void *arg, const PGresult *res)
{
	struct db *db = arg;
	const char *sev =
		PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorMessage(res);
	enum log_level lvl = LOG_DEBUG;

	if (sev && !strcmp(sev, "WARNING"))
		lvl = LOG_WARN;
	log_msg(lvl, "%s: %.*s", db->uri, msg_len(msg), msg);
}

/* ---- connection ---------------------------------------------------------- */

static void free_db(struct db *db)
{
	for (int i = 0; i < STMT_CACHE; i++)
		free(db->cache[i].text);
	PQfinish(db->conn);
	free(db->vals);
	free(db->lens);
	free(db->fmts);
	free(db->ints);
	free(db->fixed);
	free(db->uri);
	free(db);
}

/* store.c sorts URLs with ORDER BY and expects byte order, which is what
 * SQLite gives and what the C collation gives.  A database created with a
 * language collation sorts differently (and indexes text more slowly), so
 * say so; docs/deploy.md creates the database with --locale=C.  The test is
 * on behaviour, since ICU and libc name their collations differently. */
static void check_collation(struct db *db)
{
	PGresult *res = PQexec(
		db->conn, "SELECT 'B' < 'a' AND 'Z' < '_' AND 'a b' < 'a-b' "
			  "AND 'a-b' < 'a_b', datcollate FROM pg_database "
			  "WHERE datname = current_database()");

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
	    strcmp(PQgetvalue(res, 0, 0), "t"))
		log_msg(LOG_WARN,
			"%s: the database does not sort text in byte order "
			"(collation %s): URL order will differ from SQLite's; "
			"create it with --locale=C (docs/deploy.md)",
			db->uri, PQgetvalue(res, 0, 1));
	PQclear(res);
}

static int pg_open(const char *uri, struct db **out)
{
	/* Keywords are applied in order and the last one wins: the URI may
	 * override the defaults before it, never the encoding after it. */
	const char *keys[] = {"application_name", "connect_timeout", "dbname",
			      "client_encoding", NULL};
	const char *vals[] = {"patroli", "10", uri, "UTF8", NULL};
	struct db *db = xcalloc(1, sizeof(*db));

	db->uri = redact_uri(uri);
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
		const char *m =
			db->conn ? PQerrorMessage(db->conn) : "out of memory";
		log_fail("%s: cannot connect to PostgreSQL: %.*s", db->uri,
			 msg_len(m), m);
		free_db(db);
		return ERR_FAIL;
	}
	PQsetNoticeReceiver(db->conn, notice_receiver, db);
	if (PQserverVersion(db->conn) < 110000) {
		log_fail("%s: PostgreSQL %d is too old (11 or newer needed)",
			 db->uri, PQserverVersion(db->conn));
		free_db(db);
		return ERR_FAIL;
	}
	check_collation(db);
	*out = db;
	return 0;
}

static void pg_close(struct db *db)
{
	if (db)
		free_db(db);
}

static int pg_exec(struct db *db, const char *sql)
{
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType s = PQresultStatus(res);
	int rc = 0;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = pg_fail(db, sql, res);
	/* COMMIT of a transaction an earlier error aborted "succeeds" with
	 * the tag ROLLBACK: the batch is lost and the caller must know. */
	else if (!strcmp(sql, "COMMIT") &&
		 !strcmp(PQcmdStatus(res), "ROLLBACK"))
		rc = log_fail("%s: COMMIT rolled back: an earlier statement of "
			      "the transaction failed",
			      db->uri);
	PQclear(res);
	return rc;
}

/* ---- statement cache ----------------------------------------------------- */

/* The prepared statement for `sql`, preparing it on first use; NULL when
 * the statement should run unprepared (cache full, or the address now holds
 * other text).  *rc is set on a preparation error. */
static const struct stmt *stmt_get(struct db *db, const char *sql, int *rc)
{
	uintptr_t h = ((uintptr_t)sql >> 3) * 0x9E3779B97F4A7C15u;
	size_t i = (size_t)(h % STMT_CACHE);
	struct stmt *s = NULL;
	PGresult *res;

	*rc = 0;
	for (size_t k = 0; k < STMT_CACHE; k++, i = (i + 1) % STMT_CACHE) {
		if (db->cache[i].sql == sql)
			return strcmp(db->cache[i].text, sql) ? NULL
							      : &db->cache[i];
		if (!db->cache[i].sql) {
			s = &db->cache[i];
			break;
		}
	}
	if (!s || db->nstmt >= STMT_CACHE * 3 / 4)
		return NULL;
	snprintf(s->name, sizeof(s->name), "p%d", db->nstmt + 1);
	res = PQprepare(db->conn, s->name, sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*rc = pg_fail(db, sql, res);
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	s->sql = sql;
	s->text = xstrdup(sql);
	db->nstmt++;
	return s;
}

/* ---- parameters ---------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if invalid.
 * Rejects what PostgreSQL rejects: overlong forms, surrogates, > U+10FFFF. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80)
		return c ? 1 : 0;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return len;
}

char *db_utf8_repair(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;
	struct buf b = BUF_INIT;

	while (i < n && (k = utf8_seq(p + i, n - i)))
		i += k;
	if (i == n)
		return NULL;
	buf_append(&b, s, i);
	while (i < n) {
		k = utf8_seq(p + i, n - i);
		if (k) {
			buf_append(&b, p + i, k);
			i += k;
		} else {
			buf_puts(&b, "\xEF\xBF\xBD");
			i++;
		}
	}
	return buf_detach(&b, NULL);
}

size_t db_utf8_bad_bytes(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, bad = 0, k;

	while (i < n) {
		if ((k = utf8_seq(p + i, n - i))) {
			i += k;
		} else {
			bad++;
			i++;
		}
	}
	return bad;
}

static void params_grow(struct db *db, int nargs)
{
	size_t need = (size_t)nargs, cap;

	if (need <= db->cap)
		return;
	cap = db->cap;
	db->vals = xgrow(db->vals, &cap, need, sizeof(*db->vals));
	db->lens = xrealloc(db->lens, cap * sizeof(*db->lens));
	db->fmts = xrealloc(db->fmts, cap * sizeof(*db->fmts));
	db->ints = xrealloc(db->ints, cap * sizeof(*db->ints));
	db->fixed = xrealloc(db->fixed, cap * sizeof(*db->fixed));
	db->cap = cap;
}

/* Fill the parameter arrays; params_clear() frees the repaired copies. */
static void params_set(struct db *db, const struct db_arg *a, int n)
{
	params_grow(db, n);
	for (int i = 0; i < n; i++) {
		db->fixed[i] = NULL;
		db->lens[i] = 0;
		db->fmts[i] = 0;
		switch (a[i].t) {
		case DB_NULL:
			db->vals[i] = NULL;
			break;
		case DB_INT:
			snprintf(db->ints[i], sizeof(db->ints[i]), "%lld",
				 (long long)a[i].i);
			db->vals[i] = db->ints[i];
			break;
		case DB_TEXT:
			db->fixed[i] = db_utf8_repair(a[i].s);
			if (db->fixed[i])
				log_msg(LOG_DEBUG,
					"%s: invalid UTF-8 in parameter $%d "
					"replaced",
					db->uri, i + 1);
			db->vals[i] = db->fixed[i] ? db->fixed[i] : a[i].s;
			break;
		case DB_BLOB:
			if (a[i].n > INT32_MAX) {
				/* Cannot happen with the store's size caps;
				 * libpq lengths are int. */
				die("%s: blob parameter of %zu bytes", db->uri,
				    a[i].n);
			}
			/* libpq wants a non-NULL pointer for a non-NULL
			 * value, even of length 0. */
			db->vals[i] = a[i].s ? a[i].s : "";
			db->lens[i] = (int)a[i].n;
			db->fmts[i] = 1;
			break;
		}
	}
}

static void params_clear(struct db *db, int n)
{
	for (int i = 0; i < n; i++) {
		free(db->fixed[i]);
		db->fixed[i] = NULL;
	}
}

/* ---- queries and rows ---------------------------------------------------- */

/* Run a statement, prepared (and then planned by PostgreSQL's plan cache)
 * or not (parsed and planned for these parameters each time). */
static int run(struct db *db, const char *sql, const struct db_arg *args,
	       int nargs, bool prepare, struct db_rows **out)
{
	const struct stmt *s = NULL;
	PGresult *res;
	ExecStatusType st;
	struct db_rows *r;
	int rc = 0;

	*out = NULL;
	if (prepare)
		s = stmt_get(db, sql, &rc);
	if (rc)
		return rc;
	params_set(db, args, nargs);
	if (s)
		res = PQexecPrepared(db->conn, s->name, nargs, db->vals,
				     db->lens, db->fmts, 0);
	else
		res = PQexecParams(db->conn, sql, nargs, NULL, db->vals,
				   db->lens, db->fmts, 0);
	params_clear(db, nargs);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = pg_fail(db, sql, res);
		PQclear(res);
		return rc;
	}
	r = xcalloc(1, sizeof(*r));
	r->db = db;
	r->res = res;
	r->row = -1;
	r->nrows = st == PGRES_TUPLES_OK ? PQntuples(res) : 0;
	r->ncols = PQnfields(res);
	if (r->ncols)
		r->unesc = xcalloc((size_t)r->ncols, sizeof(*r->unesc));
	*out = r;
	return 0;
}

static int pg_query(struct db *db, const char *sql, const struct db_arg *args,
		    int nargs, struct db_rows **out)
{
	return run(db, sql, args, nargs, true, out);
}

static int pg_query_fresh(struct db *db, const char *sql,
			  const struct db_arg *args, int nargs,
			  struct db_rows **out)
{
	return run(db, sql, args, nargs, false, out);
}

static void rows_free_unesc(struct db_rows *r)
{
	for (int i = 0; i < r->ncols; i++) {
		if (r->unesc[i].p) {
			PQfreemem(r->unesc[i].p);
			r->unesc[i].p = NULL;
		}
	}
}

static int pg_next(struct db_rows *r)
{
	rows_free_unesc(r);
	if (r->row + 1 >= r->nrows) {
		r->row = r->nrows;
		return 0;
	}
	r->row++;
	return 1;
}

static bool pg_is_null(struct db_rows *r, int col)
{
	if (r->row < 0 || r->row >= r->nrows || col < 0 || col >= r->ncols)
		return true;
	return PQgetisnull(r->res, r->row, col);
}

static int64_t pg_col_int(struct db_rows *r, int col)
{
	const char *v;
	char *end;
	long long n;

	if (pg_is_null(r, col))
		return 0;
	v = PQgetvalue(r->res, r->row, col);
	if (PQftype(r->res, col) == OID_BOOL)
		return v[0] == 't';
	n = strtoll(v, &end, 10);
	/* numeric "12.50", float "1e+06": take what C would convert. */
	if (*end && *end != '.')
		n = (long long)strtod(v, NULL);
	return (int64_t)n;
}

static const char *pg_col_text(struct db_rows *r, int col, size_t *len)
{
	const char *v;
	size_t n;

	if (len)
		*len = 0;
	if (pg_is_null(r, col))
		return NULL;
	v = PQgetvalue(r->res, r->row, col);
	if (PQftype(r->res, col) != OID_BYTEA) {
		if (len)
			*len = (size_t)PQgetlength(r->res, r->row, col);
		return v;
	}
	if (!r->unesc[col].p) {
		r->unesc[col].p = PQunescapeBytea((const unsigned char *)v, &n);
		if (!r->unesc[col].p)
			die("%s: out of memory decoding bytea", r->db->uri);
		r->unesc[col].n = n;
	}
	if (len)
		*len = r->unesc[col].n;
	return (const char *)r->unesc[col].p;
}

static int64_t pg_changes(struct db_rows *r)
{
	const char *t = PQcmdTuples(r->res);

	return *t ? (int64_t)strtoll(t, NULL, 10) : 0;
}

static void pg_done(struct db_rows *r)
{
	if (!r)
		return;
	rows_free_unesc(r);
	free(r->unesc);
	PQclear(r->res);
	free(r);
}

const struct db_driver db_postgres = {
	.name = "postgres",
	.id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.blob_type = "BYTEA",
	.begin_sql = "BEGIN",
	.lock_rows = " FOR UPDATE SKIP LOCKED",
	.migrate_lock = "SELECT pg_advisory_lock(7061747230)",
	.migrate_unlock = "SELECT pg_advisory_unlock(7061747230)",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.query = pg_query,
	.query_fresh = pg_query_fresh,
	.next = pg_next,
	.is_null = pg_is_null,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.changes = pg_changes,
	.done = pg_done,
	.tables_sql = "SELECT table_name FROM information_schema.tables WHERE "
		      "table_schema = current_schema() AND table_type = "
		      "'BASE TABLE' ORDER BY table_name",
	.columns_sql =
		"SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
		"COALESCE(array_position(k.conkey, a.attnum), 0), CASE WHEN "
		"a.attidentity <> '' OR pg_get_serial_sequence("
		"c.oid::regclass::text, a.attname) IS NOT NULL THEN 1 ELSE 0 "
		"END FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
		"LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype "
		"= 'p' WHERE c.relnamespace = current_schema()::regnamespace "
		"AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped "
		"ORDER BY a.attnum",
	.fkeys_sql =
		"SELECT DISTINCT r.relname FROM pg_constraint k JOIN "
		"pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid "
		"= k.confrelid WHERE k.contype = 'f' AND c.relnamespace = "
		"current_schema()::regnamespace AND c.relname = $1 ORDER "
		"BY 1",
	.identity_reset_sql =
		"SELECT setval(pg_get_serial_sequence($1, $2), $3, false)",
	.snapshot_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	.utf8_text = true,
};
