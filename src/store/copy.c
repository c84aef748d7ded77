/*
 * copy.c - tools that work on a whole store, whatever its tables: open a
 * store as it is (no migration), read its schema version, count rows per
 * table (`patroli db status`), and copy every row of one store into another
 * (`patroli db copy`, an office's SQLite file into the central PostgreSQL,
 * or any store into any store).
 *
 * Generic by design: the tables, their columns, primary keys and foreign
 * keys come from the engine's catalog (the driver's tables_sql, columns_sql
 * and fkeys_sql), so a table added by a later migration is copied without
 * a change here.  The price is SQL built at run time, with identifiers from
 * the catalog: they are accepted only as [a-z_][a-z0-9_]* and always quoted.
 * Drivers cache prepared statements by the address of their text, and the
 * SQLite driver does not compare the text, so such a string must never be
 * freed while a connection lives; sql_intern() keeps each distinct text for
 * the life of the process (a few per table).
 *
 * The copy:
 *  - The source is opened without migrating (a copy must not change it) in
 *    a read-only snapshot, so a store that is written meanwhile is copied as
 *    of one instant.  The target is migrated on open, and must then have
 *    applied exactly the migrations the source has: a row of an older
 *    schema may lack what a later migration would have filled in, so an
 *    older source is migrated first, on purpose, by its owner.
 *  - The target must hold no rows at all.  Ids are copied as they are (they
 *    are what links a capture to its page and run), so rows of two stores
 *    cannot be merged without renumbering; refusing is the honest answer.
 *  - Everything goes in one transaction on the target: on any failure
 *    nothing was written.  Tables go in foreign-key order (referenced
 *    tables first; a cycle is refused).  Columns are matched by name; a
 *    source column the target lacks is an error, a target column the source
 *    lacks takes its default.
 *  - Rows are read in pages by primary key (keyset: WHERE (pk) > (last)),
 *    because the PostgreSQL driver reads a whole result into memory, and
 *    inserted as multi-row INSERTs, one statement per page.
 *  - Values are converted by the target column's declared type: integers
 *    are parsed strictly (SQLite would hold 'abc' in a BIGINT column; that
 *    is an error, not a silent 0), blobs go as bytes (bytea), text as text.
 *    Text the target cannot hold as it is (invalid UTF-8 on PostgreSQL,
 *    replaced by U+FFFD by the driver; a NUL byte, which ends text in both
 *    drivers) is counted per column and reported.  REAL columns travel as
 *    text: exact from PostgreSQL, 15 significant digits from SQLite.
 *  - Before committing, each table's rows are counted in the target and
 *    compared with the source's count in its snapshot and with the rows
 *    copied; PostgreSQL identity sequences are moved past the largest id.
 */
#include "store/store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MIGRATIONS_TABLE "schema_migrations"
#define PAGE_ROWS	 256	     /* rows per SELECT page and INSERT */
#define MAX_PARAMS	 30000	     /* SQLite allows 32766, libpq 65535 */
#define PAGE_BYTES	 (32u << 20) /* a page of big rows ends early */
#define PROGRESS_ROWS	 100000	     /* log a line this often */
#define MAX_IDENT	 63	     /* PostgreSQL's identifier length */

/* ---- SQL built at run time ------------------------------------------------
 */

static char **interned;
static size_t ninterned, interned_cap;

/* Keep `sql` (malloc'd, taken over) for the life of the process and return
 * the kept copy of that text: see the top of the file. */
static const char *sql_intern(char *sql)
{
	for (size_t i = 0; i < ninterned; i++) {
		if (!strcmp(interned[i], sql)) {
			free(sql);
			return interned[i];
		}
	}
	interned = xgrow(interned, &interned_cap, ninterned + 1,
			 sizeof(*interned));
	interned[ninterned++] = sql;
	return sql;
}

/* Identifiers from a catalog end up inside SQL: only plain lower-case names
 * are accepted, as every patroli migration writes them. */
static bool ident_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > MAX_IDENT ||
	    !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

/* ---- opening and looking ------------------------------------------------- */

/* The same choice as store_open() makes. */
static const struct db_driver *driver_for(const char *uri)
{
	if (!strncmp(uri, "postgres://", 11) ||
	    !strncmp(uri, "postgresql://", 13))
		return &db_postgres;
	return &db_sqlite;
}

int store_open_unmigrated(const char *uri, struct store **out)
{
	const struct db_driver *drv = driver_for(uri);
	struct store *st;
	struct stat sb;

	/* The SQLite driver creates a missing file; a look at a store that
	 * is not there must not leave an empty one behind. */
	if (drv == &db_sqlite && stat(uri, &sb)) {
		if (errno == ENOENT)
			return ERR_NOTFOUND;
		return log_fail("%s: %s", uri, strerror(errno));
	}
	st = xcalloc(1, sizeof(*st));
	st->drv = drv;
	st->uri = xstrdup(uri);
	if (drv->open(uri, &st->db)) {
		free(st->uri);
		free(st);
		return ERR_FAIL;
	}
	*out = st;
	return 0;
}

/* Names of every table, in name order, schema_migrations included. */
static int table_names(struct store *st, char ***names, size_t *n)
{
	struct db_rows *r;
	size_t cap = 0;
	int rc = st_query(st, st->drv->tables_sql, NULL, 0, &r);

	*names = NULL;
	*n = 0;
	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		const char *name = st_text(st, r, 0);
		*names = xgrow(*names, &cap, *n + 1, sizeof(**names));
		(*names)[(*n)++] = xstrdup(name ? name : "");
	}
	st->drv->done(r);
	return rc < 0 ? rc : 0;
}

static void names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static bool names_have(char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

int store_schema_peek(struct store *st, int *version, int *applied)
{
	static const char q[] = "SELECT COUNT(*) FROM schema_migrations";
	char **names;
	size_t n;
	int64_t count = 0;
	int rc = table_names(st, &names, &n);

	*version = 0;
	if (!rc && names_have(names, n, MIGRATIONS_TABLE)) {
		rc = store_schema_version(st, version);
		if (!rc)
			rc = st_int(st, q, NULL, 0, &count);
	}
	*applied = (int)count;
	names_free(names, n);
	return rc;
}

static const char *count_sql(const char *table)
{
	return sql_intern(xasprintf("SELECT COUNT(*) FROM \"%s\"", table));
}

int store_table_each(struct store *st,
		     int (*fn)(void *arg, const char *table, int64_t rows),
		     void *arg)
{
	char **names;
	size_t n;
	int rc = table_names(st, &names, &n);

	for (size_t i = 0; !rc && i < n; i++) {
		int64_t rows = 0;

		if (!strcmp(names[i], MIGRATIONS_TABLE))
			continue;
		if (!ident_ok(names[i])) {
			rc = log_fail("%s: table name '%s' is not supported",
				      st->drv->name, names[i]);
			break;
		}
		rc = st_int(st, count_sql(names[i]), NULL, 0, &rows);
		if (!rc)
			rc = fn(arg, names[i], rows);
	}
	names_free(names, n);
	return rc;
}

/* ---- the catalog of a store ---------------------------------------------- */

/* How a value travels, decided by the declared type of the target column
 * (SQLite's affinity rules would call "interval" and "point" integers; the
 * first word of the type is matched instead). */
enum kind { K_INT, K_BOOL, K_REAL, K_TEXT, K_BLOB };

struct col {
	char *name;
	enum kind kind;
	int pk;	       /* position in the primary key, 1-based; 0 = none */
	bool identity; /* values come from a sequence */
};

struct table {
	char *name;
	struct col *cols;
	size_t ncols;
	char **refs; /* tables its foreign keys reference */
	size_t nrefs;
};

struct catalog {
	struct table *t;
	size_t n;
};

static enum kind kind_of(const char *type)
{
	static const struct {
		const char *word;
		enum kind kind;
	} words[] = {
		{"int", K_INT},	     {"integer", K_INT},  {"bigint", K_INT},
		{"smallint", K_INT}, {"tinyint", K_INT},  {"mediumint", K_INT},
		{"int2", K_INT},     {"int4", K_INT},	  {"int8", K_INT},
		{"bool", K_BOOL},    {"boolean", K_BOOL}, {"real", K_REAL},
		{"double", K_REAL},  {"float", K_REAL},	  {"float4", K_REAL},
		{"float8", K_REAL},  {"blob", K_BLOB},	  {"bytea", K_BLOB},
	};
	const char *t = type ? type : "";
	size_t n = strcspn(t, " (");

	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (strlen(words[i].word) == n &&
		    !strncasecmp(t, words[i].word, n))
			return words[i].kind;
	return K_TEXT;
}

static void catalog_release(struct catalog *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct table *t = &c->t[i];
		for (size_t j = 0; j < t->ncols; j++)
			free(t->cols[j].name);
		free(t->cols);
		names_free(t->refs, t->nrefs);
		free(t->name);
	}
	free(c->t);
	memset(c, 0, sizeof(*c));
}

static struct table *catalog_find(const struct catalog *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->t[i].name, name))
			return &c->t[i];
	return NULL;
}

static struct col *table_col(const struct table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i].name, name))
			return &t->cols[i];
	return NULL;
}

static int read_cols(struct store *st, const char *side, struct table *t)
{
	struct db_arg a[] = {A_TEXT(t->name)};
	struct db_rows *r;
	size_t cap = 0;
	int rc = st_query(st, st->drv->columns_sql, a, NARGS(a), &r);

	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		const char *name = st_text(st, r, 0);
		struct col *c;

		if (!name || !ident_ok(name)) {
			rc = log_fail("%s: column '%s' of table %s: name not "
				      "supported",
				      side, name ? name : "", t->name);
			break;
		}
		t->cols = xgrow(t->cols, &cap, t->ncols + 1, sizeof(*t->cols));
		c = &t->cols[t->ncols++];
		c->name = xstrdup(name);
		c->kind = kind_of(st_text(st, r, 1));
		c->pk = (int)st->drv->col_int(r, 2);
		c->identity = st->drv->col_int(r, 3) != 0;
	}
	st->drv->done(r);
	if (!rc && !t->ncols)
		rc = log_fail("%s: table %s has no columns", side, t->name);
	return rc < 0 ? rc : 0;
}

static int read_refs(struct store *st, struct table *t)
{
	struct db_arg a[] = {A_TEXT(t->name)};
	struct db_rows *r;
	size_t cap = 0;
	int rc = st_query(st, st->drv->fkeys_sql, a, NARGS(a), &r);

	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		const char *name = st_text(st, r, 0);
		if (!name || !strcmp(name, t->name))
			continue; /* a self-reference orders nothing */
		t->refs = xgrow(t->refs, &cap, t->nrefs + 1, sizeof(*t->refs));
		t->refs[t->nrefs++] = xstrdup(name);
	}
	st->drv->done(r);
	return rc < 0 ? rc : 0;
}

/* Every table but schema_migrations, with columns and references. */
static int catalog_read(struct store *st, const char *side, struct catalog *cat)
{
	char **names;
	size_t n;
	int rc = table_names(st, &names, &n);

	memset(cat, 0, sizeof(*cat));
	if (!rc)
		cat->t = xcalloc(n ? n : 1, sizeof(*cat->t));
	for (size_t i = 0; !rc && i < n; i++) {
		struct table *t;

		if (!strcmp(names[i], MIGRATIONS_TABLE))
			continue;
		if (!ident_ok(names[i])) {
			rc = log_fail("%s: table name '%s' is not supported",
				      side, names[i]);
			break;
		}
		t = &cat->t[cat->n++];
		t->name = xstrdup(names[i]);
		rc = read_cols(st, side, t);
		if (!rc)
			rc = read_refs(st, t);
	}
	names_free(names, n);
	return rc;
}

/* Tables in an order where each comes after those it references (among
 * the tables copied); ties by name, so the order is stable.  A cycle is
 * refused: inserting it would need deferred constraints. */
static int copy_order(const struct catalog *src, size_t *order)
{
	bool *placed = xcalloc(src->n ? src->n : 1, sizeof(*placed));
	size_t k = 0;
	int rc = 0;

	while (k < src->n) {
		size_t pick = SIZE_MAX;

		for (size_t i = 0; i < src->n && pick == SIZE_MAX; i++) {
			const struct table *t = &src->t[i];
			bool ready = !placed[i];

			for (size_t j = 0; ready && j < t->nrefs; j++) {
				const struct table *d =
					catalog_find(src, t->refs[j]);
				if (d && !placed[d - src->t])
					ready = false;
			}
			if (ready)
				pick = i;
		}
		if (pick == SIZE_MAX) {
			struct buf b = BUF_INIT;
			for (size_t i = 0; i < src->n; i++)
				if (!placed[i])
					buf_printf(&b, "%s%s",
						   b.len ? ", " : "",
						   src->t[i].name);
			rc = log_fail("source: the foreign keys of tables %s "
				      "form a cycle; no copy order exists",
				      b.p);
			buf_release(&b);
			break;
		}
		placed[pick] = true;
		order[k++] = pick;
	}
	free(placed);
	return rc;
}

/* ---- schema versions ----------------------------------------------------- */

struct versions {
	int64_t *v;
	size_t n;
};

static int versions_read(struct store *st, struct versions *out)
{
	static const char q[] =
		"SELECT version FROM schema_migrations ORDER BY version";
	struct db_rows *r;
	size_t cap = 0;
	int rc = st_query(st, q, NULL, 0, &r);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		out->v = xgrow(out->v, &cap, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = st->drv->col_int(r, 0);
	}
	st->drv->done(r);
	return rc < 0 ? rc : 0;
}

/* Versions in a that b lacks, as "2, 5"; empty when none. */
static void versions_missing(const struct versions *a, const struct versions *b,
			     struct buf *out)
{
	for (size_t i = 0; i < a->n; i++) {
		bool found = false;
		for (size_t j = 0; j < b->n && !found; j++)
			found = a->v[i] == b->v[j];
		if (!found)
			buf_printf(out, "%s%lld", out->len ? ", " : "",
				   (long long)a->v[i]);
	}
}

/* ---- copying one table --------------------------------------------------- */

/* One value of a page: integers inline, bytes at an offset in the arena
 * (offsets, because the arena moves as it grows). */
struct val {
	enum db_type t;
	int64_t i;
	size_t off, len;
};

struct job {
	struct store *src, *dst;
	const struct table *st; /* source table: columns to copy, key */
	const struct table *dt; /* target table */
	struct store_copy_table *out;
	enum kind *kinds; /* per copied column, from the target */
	size_t ncols;
	size_t *key; /* indexes of the primary key columns, in order */
	size_t nkey;
	size_t page; /* rows per page */
	struct buf arena;
	struct val *vals; /* page * ncols */
	struct db_arg *args;
	struct buf keybuf; /* last key of the previous page */
	struct val *keyv;
	int64_t rowno; /* for messages when there is no key */
};

/* Parse a whole decimal integer, sign allowed. */
static bool parse_int(const char *s, size_t n, int64_t *out)
{
	char tmp[32], *end;
	long long v;

	if (!n || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = 0;
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno || *end || end == tmp || tmp[0] == ' ' || tmp[0] == '+')
		return false;
	*out = v;
	return true;
}

static bool parse_bool(const char *s, size_t n, int64_t *out)
{
	static const char *const yes[] = {"1", "t", "true"}, *const no[] = {
								     "0", "f",
								     "false"};

	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (n == strlen(yes[i]) && !strncasecmp(s, yes[i], n)) {
			*out = 1;
			return true;
		}
		if (n == strlen(no[i]) && !strncasecmp(s, no[i], n)) {
			*out = 0;
			return true;
		}
	}
	return false;
}

/* Where a row is, for an error message: its key, or its place. */
static void row_where(struct job *j, struct db_rows *r, struct buf *b)
{
	struct store *s = j->src;

	if (!j->nkey) {
		buf_printf(b, "row %lld", (long long)j->rowno);
		return;
	}
	for (size_t k = 0; k < j->nkey; k++) {
		size_t n = 0;
		const char *p = s->drv->col_text(r, (int)j->key[k], &n);
		buf_printf(b, "%s%s = '%.*s'", k ? ", " : "",
			   j->st->cols[j->key[k]].name, (int)MIN(n, 100),
			   p ? p : "");
	}
}

/* Read column c of the current source row into v (bytes to the arena). */
static int read_val(struct job *j, struct db_rows *r, size_t c, struct val *v)
{
	struct store *s = j->src;
	struct store_copy_col *oc = &j->out->cols[c];
	const char *p;
	size_t n = 0;
	bool ok = true;

	memset(v, 0, sizeof(*v));
	if (s->drv->is_null(r, (int)c)) {
		v->t = DB_NULL;
		return 0;
	}
	p = s->drv->col_text(r, (int)c, &n);
	if (!p)
		p = "";
	switch (j->kinds[c]) {
	case K_INT:
		v->t = DB_INT;
		ok = parse_int(p, n, &v->i);
		break;
	case K_BOOL:
		v->t = DB_INT;
		ok = parse_bool(p, n, &v->i);
		break;
	case K_REAL:
	case K_TEXT:
		v->t = DB_TEXT;
		if (memchr(p, 0, n))
			oc->nul++;
		else if (j->dst->drv->utf8_text && db_utf8_bad_bytes(p, n))
			oc->bad_utf8++;
		break;
	case K_BLOB:
		v->t = DB_BLOB;
		break;
	}
	if (!ok) {
		struct buf b = BUF_INIT;
		int rc;

		row_where(j, r, &b);
		rc = log_fail("source: table %s, %s, column %s: '%.*s' is not "
			      "a valid %s",
			      j->st->name, b.p, oc->name, (int)MIN(n, 100), p,
			      j->kinds[c] == K_INT ? "integer" : "boolean");
		buf_release(&b);
		return rc;
	}
	if (v->t == DB_TEXT || v->t == DB_BLOB) {
		v->off = j->arena.len;
		v->len = n;
		buf_append(&j->arena, p, n);
		buf_putc(&j->arena, 0); /* text is handed on as a C string */
	}
	return 0;
}

static struct db_arg val_arg(const struct buf *arena, const struct val *v)
{
	switch (v->t) {
	case DB_INT:
		return A_INT(v->i);
	case DB_TEXT:
		return A_TEXT(arena->p + v->off);
	case DB_BLOB:
		return A_BLOB(arena->p + v->off, v->len);
	case DB_NULL:
		break;
	}
	return A_TEXT(NULL);
}

static void append_cols(struct buf *b, const struct table *t)
{
	for (size_t c = 0; c < t->ncols; c++)
		buf_printf(b, "%s\"%s\"", c ? ", " : "", t->cols[c].name);
}

/* SELECT of one page: the first (after == false), or the one after the
 * last key; without a primary key, the whole table at once. */
static const char *select_sql(const struct job *j, bool after)
{
	struct buf b = BUF_INIT;
	size_t n = 0;

	buf_puts(&b, "SELECT ");
	append_cols(&b, j->st);
	buf_printf(&b, " FROM \"%s\"", j->st->name);
	if (!j->nkey)
		return sql_intern(buf_detach(&b, NULL));
	if (after) {
		buf_puts(&b, " WHERE (");
		for (size_t k = 0; k < j->nkey; k++)
			buf_printf(&b, "%s\"%s\"", k ? ", " : "",
				   j->st->cols[j->key[k]].name);
		buf_puts(&b, ") > (");
		for (size_t k = 0; k < j->nkey; k++)
			buf_printf(&b, "%s$%zu", k ? ", " : "", ++n);
		buf_puts(&b, ")");
	}
	buf_puts(&b, " ORDER BY ");
	for (size_t k = 0; k < j->nkey; k++)
		buf_printf(&b, "%s\"%s\"", k ? ", " : "",
			   j->st->cols[j->key[k]].name);
	buf_printf(&b, " LIMIT %zu", j->page);
	return sql_intern(buf_detach(&b, NULL));
}

static const char *insert_sql(const struct job *j, size_t rows)
{
	struct buf b = BUF_INIT;
	size_t n = 0;

	buf_printf(&b, "INSERT INTO \"%s\" (", j->st->name);
	append_cols(&b, j->st);
	buf_puts(&b, ") VALUES ");
	for (size_t r = 0; r < rows; r++) {
		buf_puts(&b, r ? ", (" : "(");
		for (size_t c = 0; c < j->ncols; c++)
			buf_printf(&b, "%s$%zu", c ? ", " : "", ++n);
		buf_putc(&b, ')');
	}
	return sql_intern(buf_detach(&b, NULL));
}

/* Insert the `rows` rows of the page now in j->vals. */
static int flush(struct job *j, size_t rows)
{
	size_t n = rows * j->ncols;

	if (!rows)
		return 0;
	for (size_t i = 0; i < n; i++)
		j->args[i] = val_arg(&j->arena, &j->vals[i]);
	return st_exec(j->dst, insert_sql(j, rows), j->args, (int)n, NULL);
}

/* Remember the key of the page's last row, for the next page's WHERE. */
static void keep_key(struct job *j, size_t row)
{
	buf_reset(&j->keybuf);
	for (size_t k = 0; k < j->nkey; k++) {
		const struct val *v = &j->vals[row * j->ncols + j->key[k]];
		j->keyv[k] = *v;
		if (v->t == DB_TEXT || v->t == DB_BLOB) {
			j->keyv[k].off = j->keybuf.len;
			buf_append(&j->keybuf, j->arena.p + v->off, v->len);
			buf_putc(&j->keybuf, 0);
		}
	}
}

static int copy_rows(struct job *j)
{
	struct store *s = j->src;
	struct db_arg *ka = xcalloc(j->nkey + 1, sizeof(*ka));
	struct db_rows *r = NULL;
	bool first = true, end = false;
	int64_t next_log = PROGRESS_ROWS;
	int rc = 0;

	while (!rc && !end) {
		size_t rows = 0;
		bool exhausted = false;

		if (!r) {
			for (size_t k = 0; k < j->nkey; k++)
				ka[k] = val_arg(&j->keybuf, &j->keyv[k]);
			rc = st_query(s, select_sql(j, !first), ka,
				      first ? 0 : (int)j->nkey, &r);
			first = false;
			if (rc)
				break;
		}
		buf_reset(&j->arena);
		while (rows < j->page && j->arena.len < PAGE_BYTES) {
			int nr = s->drv->next(r);
			if (nr < 0) {
				rc = nr;
				break;
			}
			if (!nr) {
				exhausted = true;
				break;
			}
			j->rowno++;
			for (size_t c = 0; !rc && c < j->ncols; c++)
				rc = read_val(j, r, c,
					      &j->vals[rows * j->ncols + c]);
			if (rc)
				break;
			rows++;
		}
		if (rc)
			break;
		/* A keyed page is closed after each read, also when it ended
		 * early on size: the next one starts after the last key.  A
		 * table without a key is read in one result throughout. */
		if (j->nkey || exhausted) {
			s->drv->done(r);
			r = NULL;
		}
		if (rows && j->nkey)
			keep_key(j, rows - 1);
		end = exhausted;
		rc = flush(j, rows);
		j->out->copied += (int64_t)rows;
		if (j->out->copied >= next_log) {
			log_msg(LOG_INFO, "%s: %lld of %lld rows", j->st->name,
				(long long)j->out->copied,
				(long long)j->out->src_rows);
			next_log += PROGRESS_ROWS;
		}
	}
	if (r)
		s->drv->done(r);
	free(ka);
	return rc;
}

static int copy_table(struct store *src, struct store *dst,
		      const struct table *st, const struct table *dt,
		      struct store_copy_table *out)
{
	struct job j = {.src = src, .dst = dst, .st = st, .dt = dt, .out = out};
	int64_t t0 = time_mono_ms();
	int rc = 0;

	j.ncols = st->ncols;
	j.kinds = xcalloc(j.ncols, sizeof(*j.kinds));
	j.key = xcalloc(j.ncols, sizeof(*j.key));
	out->cols = xcalloc(j.ncols, sizeof(*out->cols));
	out->ncols = j.ncols;
	for (size_t c = 0; c < j.ncols; c++) {
		const struct col *tc = table_col(dt, st->cols[c].name);

		out->cols[c].name = xstrdup(st->cols[c].name);
		if (!tc) {
			rc = log_fail(
				"target: table %s has no column %s, which "
				"the source has: the schemas differ",
				st->name, st->cols[c].name);
			goto out;
		}
		j.kinds[c] = tc->kind;
	}
	/* The key, in primary-key order. */
	for (int pos = 1; pos <= (int)j.ncols; pos++)
		for (size_t c = 0; c < j.ncols; c++)
			if (st->cols[c].pk == pos)
				j.key[j.nkey++] = c;
	j.page = MAX(1, MIN(PAGE_ROWS, MAX_PARAMS / MAX(j.ncols, 1)));
	j.vals = xcalloc(j.page * j.ncols, sizeof(*j.vals));
	j.args = xcalloc(j.page * j.ncols, sizeof(*j.args));
	j.keyv = xcalloc(j.nkey + 1, sizeof(*j.keyv));
	rc = st_int(src, count_sql(st->name), NULL, 0, &out->src_rows);
	if (!rc)
		rc = copy_rows(&j);
out:
	out->ms = time_mono_ms() - t0;
	buf_release(&j.arena);
	buf_release(&j.keybuf);
	free(j.kinds);
	free(j.key);
	free(j.vals);
	free(j.args);
	free(j.keyv);
	return rc;
}

/* Make the target's identity sequences continue after the largest id. */
static int reset_identities(struct store *dst, const struct table *t)
{
	for (size_t c = 0; c < t->ncols; c++) {
		const struct col *col = &t->cols[c];
		int64_t max = 0;
		int rc;

		if (!col->identity || !dst->drv->identity_reset_sql)
			continue;
		rc = st_int(
			dst,
			sql_intern(xasprintf(
				"SELECT COALESCE(MAX(\"%s\"), 0) FROM \"%s\"",
				col->name, t->name)),
			NULL, 0, &max);
		if (!rc) {
			struct db_arg a[] = {A_TEXT(t->name), A_TEXT(col->name),
					     A_INT(max + 1)};
			rc = st_exec(dst, dst->drv->identity_reset_sql, a,
				     NARGS(a), NULL);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- the whole copy ------------------------------------------------------ */

/* The target must not hold a single row: see the top of the file. */
static int check_empty(struct store *dst, const struct catalog *dc)
{
	struct buf b = BUF_INIT;
	int rc = 0;

	for (size_t i = 0; !rc && i < dc->n; i++) {
		int64_t n = 0;

		rc = st_int(dst, count_sql(dc->t[i].name), NULL, 0, &n);
		if (!rc && n)
			buf_printf(&b, "%s%s (%lld rows)", b.len ? ", " : "",
				   dc->t[i].name, (long long)n);
	}
	if (!rc && b.len)
		rc = log_fail("target: not empty: %s; db copy preserves ids "
			      "and so only fills an empty store (create a new "
			      "database, or a new SQLite file)",
			      b.p);
	buf_release(&b);
	return rc;
}

static int check_versions(struct store *src, struct store *dst,
			  struct store_copy_result *res)
{
	struct versions sv, dv;
	struct buf newer = BUF_INIT, older = BUF_INIT;
	int rc = versions_read(src, &sv);

	if (!rc)
		rc = versions_read(dst, &dv);
	else
		memset(&dv, 0, sizeof(dv));
	if (!rc) {
		versions_missing(&sv, &dv, &newer);
		versions_missing(&dv, &sv, &older);
		store_schema_version(src, &res->src_version);
		store_schema_version(dst, &res->dst_version);
	}
	if (!rc && newer.len)
		rc = log_fail("source: has schema migrations %s, which this "
			      "patroli does not know: copy with the patroli "
			      "that wrote it",
			      newer.p);
	else if (!rc && older.len)
		rc = log_fail(
			"source: lacks schema migrations %s, which the "
			"target has: migrate the source first with "
			"'patroli --db SOURCE db migrate' (it changes the "
			"source; keep a copy of it)",
			older.p);
	free(sv.v);
	free(dv.v);
	buf_release(&newer);
	buf_release(&older);
	return rc;
}

static int copy_all(struct store *src, struct store *dst,
		    const struct store_copy_opts *opts,
		    struct store_copy_result *res)
{
	struct catalog sc = {0}, dc = {0};
	size_t *order = NULL;
	int rc;

	if ((rc = check_versions(src, dst, res)))
		return rc;
	rc = catalog_read(src, "source", &sc);
	if (!rc)
		rc = catalog_read(dst, "target", &dc);
	for (size_t i = 0; !rc && i < sc.n; i++)
		if (!catalog_find(&dc, sc.t[i].name))
			rc = log_fail("target: has no table %s, which the "
				      "source has: the schemas differ",
				      sc.t[i].name);
	if (!rc) {
		order = xcalloc(sc.n ? sc.n : 1, sizeof(*order));
		rc = copy_order(&sc, order);
	}
	if (!rc)
		rc = store_begin(dst);
	if (rc)
		goto out;
	rc = check_empty(dst, &dc);
	res->tables = xcalloc(sc.n ? sc.n : 1, sizeof(*res->tables));
	for (size_t k = 0; !rc && k < sc.n; k++) {
		const struct table *t = &sc.t[order[k]];
		struct store_copy_table *o = &res->tables[res->ntables++];

		o->name = xstrdup(t->name);
		rc = copy_table(src, dst, t, catalog_find(&dc, t->name), o);
		if (!rc && opts && opts->on_table)
			opts->on_table(opts->arg, o);
		res->rows += o->copied;
		for (size_t c = 0; c < o->ncols; c++)
			res->altered += o->cols[c].bad_utf8 + o->cols[c].nul;
	}
	for (size_t i = 0; !rc && i < dc.n; i++)
		rc = reset_identities(dst, &dc.t[i]);
	/* Verify before committing, so a mismatch leaves nothing behind. */
	for (size_t k = 0; !rc && k < res->ntables; k++) {
		struct store_copy_table *o = &res->tables[k];

		rc = st_int(dst, count_sql(o->name), NULL, 0, &o->dst_rows);
		if (!rc &&
		    (o->dst_rows != o->src_rows || o->copied != o->src_rows))
			rc = log_fail("verify: table %s: %lld rows in the "
				      "source, %lld copied, %lld in the target",
				      o->name, (long long)o->src_rows,
				      (long long)o->copied,
				      (long long)o->dst_rows);
	}
	if (!rc) {
		rc = store_commit(dst);
		res->committed = rc == 0;
	} else {
		store_rollback(dst);
	}
out:
	free(order);
	catalog_release(&sc);
	catalog_release(&dc);
	return rc;
}

int store_copy(const char *from, const char *to,
	       const struct store_copy_opts *opts,
	       struct store_copy_result *res)
{
	struct store *src = NULL, *dst = NULL;
	char **names = NULL;
	size_t n = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = store_open_unmigrated(from, &src);
	if (rc == ERR_NOTFOUND)
		return log_fail("source: %s: no such file", from);
	if (rc || !src)
		return rc ? rc : ERR_FAIL;
	res->src_backend = src->drv->name;
	rc = table_names(src, &names, &n);
	if (!rc && !names_have(names, n, MIGRATIONS_TABLE))
		rc = log_fail("source: %s is not a patroli store (it has no "
			      "schema_migrations table)",
			      from);
	names_free(names, n);
	if (!rc)
		rc = store_open(to, &dst);
	if (!rc) {
		res->dst_backend = dst->drv->name;
		rc = src->drv->exec(src->db, src->drv->snapshot_sql);
	}
	if (!rc) {
		src->tx_depth = 1; /* store_close() ends it */
		rc = copy_all(src, dst, opts, res);
	}
	store_close(dst);
	store_close(src);
	return rc;
}

void store_copy_result_release(struct store_copy_result *res)
{
	for (size_t i = 0; i < res->ntables; i++) {
		struct store_copy_table *t = &res->tables[i];
		for (size_t c = 0; c < t->ncols; c++)
			free(t->cols[c].name);
		free(t->cols);
		free(t->name);
	}
	free(res->tables);
	memset(res, 0, sizeof(*res));
}
