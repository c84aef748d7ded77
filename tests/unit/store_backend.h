/*
 * store_backend.h - test helper: a group of store tests runs once on
 * SQLite (a fresh file per test in a temporary directory) and once on
 * PostgreSQL (a fresh schema per test on $PATROLI_TEST_PG), the same way
 * in every test program.  Define BACKEND_TAG ("store", "cluster") before
 * including it: it names the directory, the files and the schema, so two
 * programs running at once never meet.
 */
#ifndef PATROLI_TEST_STORE_BACKEND_H
#define PATROLI_TEST_STORE_BACKEND_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "store/db.h"

struct backend {
	const char *name;
	char *base; /* SQLite: temporary directory; PostgreSQL: server URI */
	char *schema;
	int n; /* tests run, for unique file names */
};

static struct backend *cur;

/* Drop and re-create the test schema with the driver itself, so the store
 * starts from an empty database exactly as on a fresh install. */
static inline int pg_reset_schema(const struct backend *b)
{
	struct db *db;
	char *sql;
	int rc;

	if (db_postgres.open(b->base, &db))
		return -1;
	sql = xasprintf("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
			b->schema, b->schema);
	rc = db_postgres.exec(db, sql);
	free(sql);
	db_postgres.close(db);
	return rc;
}

/* The URI of an empty store for the next test (malloc'd), or NULL. */
static inline char *fresh_uri(struct backend *b)
{
	b->n++;
	if (!b->schema)
		return xasprintf("%s/" BACKEND_TAG "-%d.db", b->base, b->n);
	if (pg_reset_schema(b))
		return NULL;
	/* options=-csearch_path=S: every table the store creates and reads
	 * lives in the test's schema. */
	return xasprintf("%s%coptions=-csearch_path%%3D%s", b->base,
			 strchr(b->base, '?') ? '&' : '?', b->schema);
}

/* After a test: its SQLite file and the WAL's two companions go. */
static inline void backend_remove(const char *uri)
{
	char *p;

	if (cur->schema)
		return;
	unlink(uri);
	p = xasprintf("%s-wal", uri);
	unlink(p);
	free(p);
	p = xasprintf("%s-shm", uri);
	unlink(p);
	free(p);
}

static inline int group_sqlite(void **state)
{
	static struct backend b = {.name = "sqlite"};
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/patroli-test-" BACKEND_TAG "-XXXXXX",
			      tmp && *tmp ? tmp : "/tmp");

	(void)state;
	if (!mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	b.base = dir;
	cur = &b;
	return 0;
}

static inline int group_sqlite_end(void **state)
{
	(void)state;
	rmdir(cur->base);
	free(cur->base);
	return 0;
}

static inline int group_pg(void **state)
{
	static struct backend b = {.name = "postgres"};

	(void)state;
	b.base = xstrdup(getenv("PATROLI_TEST_PG"));
	/* Per process, so that two test runs on one server do not meet. */
	b.schema = xasprintf("patroli_" BACKEND_TAG "_%ld", (long)getpid());
	cur = &b;
	return 0;
}

static inline int group_pg_end(void **state)
{
	struct db *db;

	(void)state;
	if (!db_postgres.open(cur->base, &db)) {
		char *sql = xasprintf("DROP SCHEMA IF EXISTS %s CASCADE",
				      cur->schema);
		db_postgres.exec(db, sql);
		free(sql);
		db_postgres.close(db);
	}
	free(cur->base);
	free(cur->schema);
	return 0;
}

#endif
