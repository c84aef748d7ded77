/*
 * registry.c - the product registry's queries (store.h, "product
 * registry").
 *
 * Import speed matters (a full BPOM export is millions of rows): rows go in
 * as multi-row INSERT ... ON CONFLICT (nie) DO UPDATE statements of
 * REG_BATCH rows, each statement text built once per process so the driver
 * keeps it prepared.  One statement may not touch the same key twice (a
 * PostgreSQL rule), so a batch is flushed early when a number repeats in
 * it; the later row wins, as it would row by row.  Leftover rows go through
 * the one-row statement.
 *
 * PostgreSQL pays per statement and per parameter, so there the rows of a
 * call go in as nine array parameters expanded by unnest(): one statement
 * per call whatever its size.  It is the one dialect-specific statement of
 * this file, chosen by driver as store.c chooses its lease query.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REG_BATCH 64
#define REG_COLS  9

#define REG_INSERT                                                             \
	"INSERT INTO registry (nie, nie_display, product_name, brand, "        \
	"commodity, holder, status, valid_until, updated_at) VALUES "
#define REG_UPSERT                                                             \
	" ON CONFLICT (nie) DO UPDATE SET nie_display = "                      \
	"excluded.nie_display, product_name = excluded.product_name, "         \
	"brand = excluded.brand, commodity = excluded.commodity, holder = "    \
	"excluded.holder, status = excluded.status, valid_until = "            \
	"excluded.valid_until, updated_at = excluded.updated_at"

static const char *batch_sql(void)
{
	static char *q;
	struct buf b = BUF_INIT;

	if (q)
		return q;
	buf_puts(&b, REG_INSERT);
	for (int r = 0; r < REG_BATCH; r++) {
		buf_puts(&b, r ? ", (" : "(");
		for (int c = 0; c < REG_COLS; c++)
			buf_printf(&b, "%s$%d", c ? ", " : "",
				   r * REG_COLS + c + 1);
		buf_putc(&b, ')');
	}
	buf_puts(&b, REG_UPSERT);
	q = buf_detach(&b, NULL);
	return q;
}

static void row_args(const struct store_registry_row *r, int64_t now,
		     struct db_arg *a)
{
	a[0] = A_TEXT(r->nie);
	a[1] = A_TEXT(r->nie_display ? r->nie_display : r->nie);
	a[2] = A_TEXT(r->product_name);
	a[3] = A_TEXT(r->brand);
	a[4] = A_TEXT(r->commodity);
	a[5] = A_TEXT(r->holder);
	a[6] = A_TEXT(r->status);
	a[7] = A_TEXT(r->valid_until);
	a[8] = A_INT(now);
}

static int put_one(struct store *st, const struct store_registry_row *r,
		   int64_t now)
{
	static const char q[] = REG_INSERT "($1, $2, $3, $4, $5, $6, $7, $8, "
					   "$9)" REG_UPSERT;
	struct db_arg a[REG_COLS];

	row_args(r, now, a);
	return st_exec(st, q, a, REG_COLS, NULL);
}

static int flush(struct store *st, const struct store_registry_row *rows,
		 size_t n, int64_t now)
{
	struct db_arg a[REG_BATCH * REG_COLS];
	int rc = 0;

	if (n == REG_BATCH) {
		for (size_t i = 0; i < n; i++)
			row_args(&rows[i], now, a + i * REG_COLS);
		return st_exec(st, batch_sql(), a, REG_BATCH * REG_COLS, NULL);
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = put_one(st, &rows[i], now);
	return rc;
}

/* A PostgreSQL array literal element: NULL, or the string quoted with
 * backslash escapes. */
static void pg_elem(struct buf *b, const char *s)
{
	if (b->len > 1)
		buf_putc(b, ',');
	if (!s) {
		buf_puts(b, "NULL");
		return;
	}
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static int pg_flush(struct store *st, const struct store_registry_row *rows,
		    size_t n, int64_t now)
{
	static const char q[] =
		"INSERT INTO registry (nie, nie_display, product_name, brand, "
		"commodity, holder, status, valid_until, updated_at) SELECT * "
		"FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
		"$5::text[], $6::text[], $7::text[], $8::text[], "
		"$9::bigint[])" REG_UPSERT;
	struct buf b[REG_COLS];
	struct db_arg a[REG_COLS];
	char num[24];
	int rc;

	if (!n)
		return 0;
	snprintf(num, sizeof(num), "%lld", (long long)now);
	for (int c = 0; c < REG_COLS; c++) {
		buf_init(&b[c], 0);
		buf_putc(&b[c], '{');
	}
	for (size_t i = 0; i < n; i++) {
		const struct store_registry_row *r = &rows[i];
		pg_elem(&b[0], r->nie);
		pg_elem(&b[1], r->nie_display ? r->nie_display : r->nie);
		pg_elem(&b[2], r->product_name);
		pg_elem(&b[3], r->brand);
		pg_elem(&b[4], r->commodity);
		pg_elem(&b[5], r->holder);
		pg_elem(&b[6], r->status);
		pg_elem(&b[7], r->valid_until);
		pg_elem(&b[8], num);
	}
	for (int c = 0; c < REG_COLS; c++) {
		buf_putc(&b[c], '}');
		a[c] = A_TEXT(b[c].p);
	}
	rc = st_exec(st, q, a, REG_COLS, NULL);
	for (int c = 0; c < REG_COLS; c++)
		buf_release(&b[c]);
	return rc;
}

/* A small hash set of the keys of the current segment (row index + 1 per
 * slot, 0 = empty): one statement may not touch a key twice. */
struct keyset {
	uint32_t *slot;
	size_t cap;
};

static uint64_t key_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Add rows[i]; false when its key is already in the set. */
static bool keyset_add(struct keyset *k, const struct store_registry_row *rows,
		       size_t i)
{
	size_t m = k->cap - 1, j = key_hash(rows[i].nie) & m;

	for (; k->slot[j]; j = (j + 1) & m)
		if (!strcmp(rows[k->slot[j] - 1].nie, rows[i].nie))
			return false;
	k->slot[j] = (uint32_t)i + 1;
	return true;
}

static int put_pg(struct store *st, const struct store_registry_row *rows,
		  size_t n, int64_t now)
{
	struct keyset k = {NULL, 16};
	size_t start = 0;
	int rc = 0;

	while (k.cap < 2 * n)
		k.cap *= 2;
	k.slot = xcalloc(k.cap, sizeof(*k.slot));
	for (size_t i = 0; i < n && !rc; i++) {
		if (keyset_add(&k, rows, i))
			continue;
		/* a repeated key closes the segment before it */
		rc = pg_flush(st, rows + start, i - start, now);
		start = i;
		memset(k.slot, 0, k.cap * sizeof(*k.slot));
		keyset_add(&k, rows, i);
	}
	if (!rc)
		rc = pg_flush(st, rows + start, n - start, now);
	free(k.slot);
	return rc;
}

int store_registry_put(struct store *st, const struct store_registry_row *rows,
		       size_t n)
{
	int64_t now = time_now_ms();
	size_t start = 0;
	int rc;

	if ((rc = store_begin(st)))
		return rc;
	if (st->drv == &db_postgres) {
		rc = put_pg(st, rows, n, now);
		n = 0;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		/* A repeated key closes the batch before it. */
		for (size_t j = start; j < i; j++) {
			if (!strcmp(rows[j].nie, rows[i].nie)) {
				rc = flush(st, rows + start, i - start, now);
				start = i;
				break;
			}
		}
		if (!rc && i + 1 - start == REG_BATCH) {
			rc = flush(st, rows + start, REG_BATCH, now);
			start = i + 1;
		}
	}
	if (!rc && start < n)
		rc = flush(st, rows + start, n - start, now);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st);
}

int store_registry_get(struct store *st, const char *nie,
		       struct store_registry_row *out)
{
	static const char q[] = "SELECT nie, nie_display, product_name, brand, "
				"commodity, holder, status, valid_until FROM "
				"registry WHERE nie = $1";
	struct db_arg a[] = {A_TEXT(nie)};
	const char **f[] = {&out->nie,	  &out->nie_display, &out->product_name,
			    &out->brand,  &out->commodity,   &out->holder,
			    &out->status, &out->valid_until};
	size_t off[ARRAY_LEN(f)];
	struct db_rows *r;
	int rc = st_first(st, q, a, NARGS(a), &r);

	if (rc)
		return rc;
	buf_reset(&st->scratch);
	for (size_t i = 0; i < ARRAY_LEN(f); i++) {
		const char *s = st_text(st, r, (int)i);
		off[i] = s ? st->scratch.len : SIZE_MAX;
		if (s)
			buf_append(&st->scratch, s, strlen(s) + 1);
	}
	for (size_t i = 0; i < ARRAY_LEN(f); i++)
		*f[i] = off[i] == SIZE_MAX ? NULL : st->scratch.p + off[i];
	st->drv->done(r);
	return 0;
}

int store_registry_count(struct store *st, int64_t *n)
{
	static const char q[] = "SELECT COUNT(*) FROM registry";

	return st_int(st, q, NULL, 0, n);
}
