/*
 * migrate.c - numbered schema migrations, applied in order, each in its own
 * transaction, recorded in schema_migrations.  Migrations are append-only:
 * never edit one that has shipped, add the next number.
 *
 * The SQL is written once for both backends; %ID% and %BLOB% are replaced
 * by the driver's identity-column and binary types.  Integers are BIGINT
 * (SQLite stores any integer in an INTEGER affinity column anyway).
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

struct migration {
	int version;
	const char *name;
	const char *sql;
};

static const struct migration migrations[] = {
	{1, "crawl runs, frontier, robots cache, pages and captures",
	 "CREATE TABLE crawl_run ("
	 " id %ID%,"
	 " config TEXT NOT NULL,"
	 " status TEXT NOT NULL,"
	 " started_at BIGINT NOT NULL,"
	 " finished_at BIGINT);"
	 "CREATE TABLE frontier ("
	 " id %ID%,"
	 " run_id BIGINT NOT NULL REFERENCES crawl_run(id),"
	 " url TEXT NOT NULL,"
	 " host TEXT NOT NULL,"
	 " depth INTEGER NOT NULL,"
	 " state INTEGER NOT NULL DEFAULT 0,"
	 " attempts INTEGER NOT NULL DEFAULT 0,"
	 " not_before BIGINT NOT NULL DEFAULT 0,"
	 " lease_owner TEXT,"
	 " lease_until BIGINT,"
	 " reason TEXT,"
	 " UNIQUE (run_id, url));"
	 "CREATE INDEX frontier_queue ON frontier (run_id, state, id);"
	 "CREATE TABLE robots ("
	 " host TEXT PRIMARY KEY,"
	 " status INTEGER NOT NULL,"
	 " body %BLOB%,"
	 " fetched_at BIGINT NOT NULL);"
	 "CREATE TABLE page ("
	 " id %ID%,"
	 " canonical_url TEXT NOT NULL UNIQUE,"
	 " capture_id BIGINT);"
	 "CREATE TABLE capture ("
	 " id %ID%,"
	 " run_id BIGINT NOT NULL REFERENCES crawl_run(id),"
	 " page_id BIGINT NOT NULL REFERENCES page(id),"
	 " url TEXT NOT NULL,"
	 " final_url TEXT,"
	 " status INTEGER NOT NULL,"
	 " content_type TEXT,"
	 " ip TEXT,"
	 " sha256 TEXT,"
	 " fetched_at BIGINT NOT NULL,"
	 " warc_file TEXT,"
	 " warc_offset BIGINT,"
	 " warc_length BIGINT,"
	 " error TEXT,"
	 " depth INTEGER NOT NULL);"
	 "CREATE INDEX capture_url ON capture (url);"
	 "CREATE INDEX capture_final ON capture (final_url);"
	 "CREATE INDEX capture_sha ON capture (run_id, sha256);"
	 "CREATE INDEX capture_page ON capture (page_id);"},
	{4, "findings: one analysed listing per canonical URL",
	 "CREATE TABLE finding ("
	 " id %ID%,"
	 " canonical_url TEXT NOT NULL UNIQUE,"
	 " capture_id BIGINT NOT NULL REFERENCES capture(id),"
	 " analyzed_at BIGINT NOT NULL,"
	 " is_listing INTEGER NOT NULL,"
	 " platform TEXT,"
	 " commodity TEXT,"
	 " risk INTEGER NOT NULL,"
	 " violations TEXT NOT NULL,"
	 " data TEXT NOT NULL);"
	 "CREATE INDEX finding_capture ON finding (capture_id);"
	 "CREATE INDEX finding_risk ON finding (risk);"},
	{3, "host leases: one crawl worker per host at a time",
	 "CREATE TABLE host_lease ("
	 " run_id BIGINT NOT NULL REFERENCES crawl_run(id),"
	 " host TEXT NOT NULL,"
	 " owner TEXT NOT NULL,"
	 " lease_until BIGINT NOT NULL,"
	 " PRIMARY KEY (run_id, host));"
	 "CREATE INDEX frontier_host ON frontier (run_id, host, state);"},
	{2, "product registry: NIE numbers and their status",
	 "CREATE TABLE registry ("
	 " nie TEXT PRIMARY KEY,"
	 " nie_display TEXT NOT NULL,"
	 " product_name TEXT NOT NULL,"
	 " brand TEXT,"
	 " commodity TEXT NOT NULL,"
	 " holder TEXT,"
	 " status TEXT NOT NULL,"
	 " valid_until TEXT,"
	 " updated_at BIGINT NOT NULL);"},
	{5, "profiling: identifiers, their listings, actors and merge evidence",
	 /* state: 0 links listings, 1 too common (frequency rule), 2 stop
	  * list; contexts: distinct platform-seller contexts counted */
	 "CREATE TABLE identifier ("
	 " id %ID%,"
	 " kind TEXT NOT NULL,"
	 " value TEXT NOT NULL,"
	 " state INTEGER NOT NULL DEFAULT 0,"
	 " contexts BIGINT NOT NULL DEFAULT 0,"
	 " UNIQUE (kind, value));"
	 "CREATE TABLE identifier_context ("
	 " identifier_id BIGINT NOT NULL REFERENCES identifier(id),"
	 " context TEXT NOT NULL,"
	 " PRIMARY KEY (identifier_id, context));"
	 /* one row per analysed listing with identifiers, as profiled */
	 "CREATE TABLE profile_listing ("
	 " id %ID%,"
	 " url TEXT NOT NULL UNIQUE,"
	 " capture_id BIGINT NOT NULL,"
	 " analyzed_at BIGINT NOT NULL,"
	 " context TEXT NOT NULL,"
	 " links INTEGER NOT NULL,"
	 " first_seen BIGINT NOT NULL,"
	 " last_seen BIGINT NOT NULL);"
	 "CREATE INDEX profile_listing_age ON profile_listing (first_seen, "
	 "url);"
	 "CREATE TABLE listing_identifier ("
	 " listing_id BIGINT NOT NULL REFERENCES profile_listing(id),"
	 " identifier_id BIGINT NOT NULL REFERENCES identifier(id),"
	 " found_in TEXT NOT NULL,"
	 " PRIMARY KEY (listing_id, identifier_id));"
	 "CREATE INDEX listing_identifier_ident ON listing_identifier "
	 "(identifier_id);"
	 /* ids are kept stable by their anchor (founding listing), see
	  * src/profile/cluster.h; merged_into: retired into that actor */
	 "CREATE TABLE actor ("
	 " id BIGINT PRIMARY KEY,"
	 " created_at BIGINT NOT NULL,"
	 " updated_at BIGINT NOT NULL,"
	 " label TEXT,"
	 " anchor_listing_id BIGINT REFERENCES profile_listing(id),"
	 " retired INTEGER NOT NULL DEFAULT 0,"
	 " merged_into BIGINT);"
	 "CREATE TABLE actor_member ("
	 " listing_id BIGINT PRIMARY KEY REFERENCES profile_listing(id),"
	 " actor_id BIGINT NOT NULL REFERENCES actor(id),"
	 " joined_at BIGINT NOT NULL);"
	 "CREATE INDEX actor_member_actor ON actor_member (actor_id);"
	 /* why listing_b belongs with listing_a: they share identifier_id */
	 "CREATE TABLE actor_merge ("
	 " id %ID%,"
	 " actor_id BIGINT NOT NULL REFERENCES actor(id),"
	 " identifier_id BIGINT NOT NULL REFERENCES identifier(id),"
	 " listing_a BIGINT NOT NULL REFERENCES profile_listing(id),"
	 " listing_b BIGINT NOT NULL REFERENCES profile_listing(id),"
	 " created_at BIGINT NOT NULL);"
	 "CREATE INDEX actor_merge_actor ON actor_merge (actor_id);"
	 "CREATE TABLE profile_state ("
	 " key TEXT PRIMARY KEY,"
	 " value TEXT NOT NULL);"
	 /* an incremental build reads only the findings analysed since */
	 "CREATE INDEX finding_analyzed ON finding (analyzed_at);"},
	{6, "frontier: a host's queued URLs in id order",
	 /* store_frontier_lease() asks for one host's queued URLs by id:
	  * with state and id after host in the key it reads just the rows it
	  * leases (PostgreSQL walked frontier_queue and filtered out the
	  * other hosts, 8.5 ms per lease on 40,000 URLs; 0.07 ms with this).
	  * It has frontier_host's columns as a prefix, so it replaces it. */
	 "CREATE INDEX frontier_host_queue ON frontier "
	 "(run_id, host, state, id);"
	 "DROP INDEX frontier_host;"},
	{7, "captures: index final_url only where a redirect made it differ",
	 /* Every capture inserts into each of capture's indexes, and an
	  * index keyed by URL takes its entries at random places: each one
	  * a page the commit writes to the WAL, about one in five of what a
	  * crawled page cost.  final_url equals url unless the fetch was
	  * redirected, and store_page_find() asks for final_url only in
	  * that case (it finds the others through url). */
	 "DROP INDEX capture_final;"
	 "CREATE INDEX capture_final ON capture (final_url) "
	 "WHERE final_url <> url;"},
};

/* Expand %ID% and %BLOB% for this driver. */
static char *dialect(const struct db_driver *drv, const char *sql)
{
	struct buf b = BUF_INIT;

	while (*sql) {
		if (!strncmp(sql, "%ID%", 4)) {
			buf_puts(&b, drv->id_type);
			sql += 4;
		} else if (!strncmp(sql, "%BLOB%", 6)) {
			buf_puts(&b, drv->blob_type);
			sql += 6;
		} else {
			buf_putc(&b, *sql++);
		}
	}
	return buf_detach(&b, NULL);
}

int store_schema_version(struct store *st, int *version)
{
	static const char q[] =
		"SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
	int64_t v = 0;
	int rc = st_int(st, q, NULL, 0, &v);

	*version = (int)v;
	return rc;
}

static int apply_one(struct store *st, const struct migration *m)
{
	static const char rec[] = "INSERT INTO schema_migrations (version, "
				  "name, applied_at) VALUES ($1, $2, $3)";
	struct db_arg a[] = {A_INT(m->version), A_TEXT(m->name),
			     A_INT(time_now_ms())};
	char *sql = dialect(st->drv, m->sql);
	int rc = st->drv->exec(st->db, sql);

	free(sql);
	if (!rc)
		rc = st_exec(st, rec, a, NARGS(a), NULL);
	return rc;
}

static int applied(struct store *st, int version, bool *done)
{
	static const char q[] =
		"SELECT COUNT(*) FROM schema_migrations WHERE version = $1";
	struct db_arg a[] = {A_INT(version)};
	int64_t n = 0;
	int rc = st_int(st, q, a, NARGS(a), &n);

	*done = n > 0;
	return rc;
}

static int migrate_locked(struct store *st);

/* Two processes opening a new PostgreSQL store at once would both create
 * the tables, and one would fail: the driver's lock serialises them.
 * (SQLite's BEGIN IMMEDIATE already does.) */
int store_migrate_apply(struct store *st)
{
	int rc;

	if (st->drv->migrate_lock &&
	    (rc = st->drv->exec(st->db, st->drv->migrate_lock)))
		return rc;
	rc = migrate_locked(st);
	if (st->drv->migrate_unlock)
		st->drv->exec(st->db, st->drv->migrate_unlock);
	return rc;
}

static int migrate_locked(struct store *st)
{
	bool done = false;
	int rc;

	rc = st->drv->exec(st->db, "CREATE TABLE IF NOT EXISTS "
				   "schema_migrations (version INTEGER "
				   "PRIMARY KEY, name TEXT NOT NULL, "
				   "applied_at BIGINT NOT NULL)");
	if (rc)
		return rc;
	for (size_t i = 0; i < ARRAY_LEN(migrations); i++) {
		const struct migration *m = &migrations[i];

		if ((rc = store_begin(st)))
			return rc;
		/* Checked inside the transaction: another process may have
		 * migrated meanwhile.  Each version is checked on its own, so
		 * a migration merged out of order still applies. */
		rc = applied(st, m->version, &done);
		if (!rc && !done) {
			log_msg(LOG_DEBUG, "%s: migration %d: %s", st->uri,
				m->version, m->name);
			rc = apply_one(st, m);
		}
		if (rc) {
			store_rollback(st);
			return log_fail("%s: migration %d (%s) failed", st->uri,
					m->version, m->name);
		}
		if ((rc = store_commit(st)))
			return rc;
	}
	return 0;
}

int store_schema_latest(int *count)
{
	int v = 0;

	for (size_t i = 0; i < ARRAY_LEN(migrations); i++)
		v = MAX(v, migrations[i].version);
	if (count)
		*count = (int)ARRAY_LEN(migrations);
	return v;
}
