/*
 * db.c - `patroli db migrate|status|copy`: looking after the store itself.
 *
 * migrate and status open the store as it is (store_open_unmigrated), so
 * that migrate can say what it changed and status changes nothing.  copy
 * moves every row of one store into another, an office's SQLite file into
 * the central PostgreSQL typically; the work is in src/store/copy.c and
 * this file only reports.  Output is for people; the row counts are printed
 * one table per line so scripts can compare them.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"

/* ---- db migrate ------------------------------------------------------------
 */

static int migrate_run(struct cmd_ctx *c)
{
	struct store *st = NULL;
	int before = 0, nbefore = 0, after = 0, nafter = 0, known = 0, rc;
	int latest = store_schema_latest(&known);

	rc = store_open_unmigrated(c->db_uri, &st);
	if (rc == ERR_NOTFOUND) {
		/* A new SQLite file: store_open creates and migrates it. */
		rc = store_open(c->db_uri, &st);
	} else if (!rc) {
		rc = store_schema_peek(st, &before, &nbefore);
		if (!rc)
			rc = store_migrate(st);
	}
	if (!rc)
		rc = store_schema_peek(st, &after, &nafter);
	if (rc) {
		fprintf(stderr, "patroli db migrate: failed; the store stays "
				"at the last migration that completed\n");
		store_close(st);
		return 1;
	}
	if (nafter == nbefore)
		printf("%s store: schema version %d, up to date (%d "
		       "migrations)\n",
		       store_backend(st), after, nafter);
	else
		printf("%s store: schema version %d -> %d (%d migration%s "
		       "applied)\n",
		       store_backend(st), before, after, nafter - nbefore,
		       nafter - nbefore == 1 ? "" : "s");
	if (after > latest || nafter > known)
		printf("note: the store has migrations this patroli does not "
		       "know (it knows %d, up to version %d): upgrade "
		       "patroli\n",
		       known, latest);
	store_close(st);
	return 0;
}

static const struct cmd db_migrate = {
	.name = "migrate",
	.summary = "apply pending schema migrations and report the version",
	.help = "Opens the store named by --db (or $PATROLI_DB), applies every "
		"migration it lacks, each in its own transaction, and prints "
		"the schema version before and after.  Idempotent.  Every "
		"command migrates on open anyway; run this by hand after an "
		"upgrade, before restarting the workers, so that the change "
		"happens once, under your eyes.",
	.max_args = 0,
	.run = migrate_run,
};

/* ---- db status -------------------------------------------------------------
 */

static int print_count(void *arg, const char *table, int64_t rows)
{
	printf("  %-20s %12lld\n", table, (long long)rows);
	return 0;
}

static int status_run(struct cmd_ctx *c)
{
	struct store *st = NULL;
	int version = 0, applied = 0, known = 0, rc;
	int latest = store_schema_latest(&known);

	rc = store_open_unmigrated(c->db_uri, &st);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "patroli db status: %s: no such store\n",
			c->db_uri);
	if (rc)
		return 1;
	rc = store_schema_peek(st, &version, &applied);
	if (!rc) {
		printf("backend: %s\n", store_backend(st));
		printf("schema: version %d, %d migrations applied", version,
		       applied);
		if (version > latest || applied > known)
			printf(" (newer than this patroli: it knows %d, up "
			       "to version %d)\n",
			       known, latest);
		else if (applied < known)
			printf(" (this patroli has %d: run 'patroli db "
			       "migrate')\n",
			       known);
		else
			printf(" (up to date)\n");
		printf("rows:\n");
		rc = store_table_each(st, print_count, NULL);
	}
	store_close(st);
	return rc ? 1 : 0;
}

static const struct cmd db_status = {
	.name = "status",
	.summary = "backend, schema version and row counts per table",
	.help = "Changes nothing: the store is neither migrated nor created.",
	.max_args = 0,
	.run = status_run,
};

/* ---- db copy ---------------------------------------------------------------
 */

static void on_table(void *arg, const struct store_copy_table *t)
{
	printf("  %-20s %12lld rows %7.1fs\n", t->name, (long long)t->copied,
	       (double)t->ms / 1000.0);
	for (size_t i = 0; i < t->ncols; i++) {
		const struct store_copy_col *col = &t->cols[i];
		if (col->bad_utf8)
			printf("    %s.%s: %lld value%s with invalid UTF-8, "
			       "stored with U+FFFD for each bad byte\n",
			       t->name, col->name, (long long)col->bad_utf8,
			       col->bad_utf8 == 1 ? "" : "s");
		if (col->nul)
			printf("    %s.%s: %lld text value%s cut at a NUL "
			       "byte\n",
			       t->name, col->name, (long long)col->nul,
			       col->nul == 1 ? "" : "s");
	}
	fflush(stdout);
}

static int copy_run(struct cmd_ctx *c)
{
	const char *from = cmd_str(c, "from", NULL);
	const char *to = cmd_str(c, "to", NULL);
	struct store_copy_opts o = {.on_table = on_table};
	struct store_copy_result res;
	int64_t t0 = time_mono_ms();
	bool ok;
	int rc;

	if (!from || !*from)
		return cmd_usage_error(c, "--from is required");
	if (!to || !*to)
		return cmd_usage_error(c, "--to is required");
	if (!strcmp(from, to))
		return cmd_usage_error(c,
				       "--from and --to name the same store");
	printf("copying (rows per table, in foreign-key order):\n");
	fflush(stdout);
	rc = store_copy(from, to, &o, &res);
	if (res.committed) {
		printf("verify (rows: source / copied / target):\n");
		for (size_t i = 0; i < res.ntables; i++) {
			const struct store_copy_table *t = &res.tables[i];
			printf("  %-20s %12lld / %12lld / %12lld  %s\n",
			       t->name, (long long)t->src_rows,
			       (long long)t->copied, (long long)t->dst_rows,
			       t->src_rows == t->dst_rows ? "ok" : "DIFFERENT");
		}
		printf("copied %lld rows in %zu tables from %s (schema %d) to "
		       "%s (schema %d) in %.1fs; %lld text value%s altered\n",
		       (long long)res.rows, res.ntables, res.src_backend,
		       res.src_version, res.dst_backend, res.dst_version,
		       (double)(time_mono_ms() - t0) / 1000.0,
		       (long long)res.altered, res.altered == 1 ? "" : "s");
	} else {
		fprintf(stderr, "patroli db copy: no row was written to "
				"the target\n");
	}
	ok = !rc && res.committed;
	store_copy_result_release(&res);
	return ok ? 0 : 1;
}

static const struct cmd_opt copy_opts[] = {
	{"from", OPT_STR, "PATH|URI", "the store to read (it is not changed)"},
	{"to", OPT_STR, "PATH|URI",
	 "the store to fill: created and migrated if new, and it must hold "
	 "no rows"},
	{0},
};

static const struct cmd db_copy = {
	.name = "copy",
	.summary = "copy every record of one store into another, ids included",
	.usage = "--from PATH|URI --to PATH|URI",
	.help = "Moves an office's SQLite store into the central PostgreSQL "
		"(or any store into any store): every table, column by column, "
		"ids preserved, blobs byte for byte, in one transaction on the "
		"target, so a failure leaves the target as it was.  The source "
		"is read in one snapshot and not migrated; the target must "
		"then "
		"have the very same migrations (migrate an older source first "
		"with 'patroli --db SOURCE db migrate') and no rows at all: "
		"ids "
		"are kept, so two stores cannot be merged.  Text the target "
		"cannot hold as it is (invalid UTF-8 on PostgreSQL) is stored "
		"with U+FFFD and counted per column.  Afterwards the row "
		"counts "
		"of every table are compared before the commit.  The global "
		"--db is not used.",
	.opts = copy_opts,
	.max_args = 0,
	.run = copy_run,
};

/* ---- the command -----------------------------------------------------------
 */

static const struct cmd *const db_subs[] = {&db_migrate, &db_status, &db_copy,
					    NULL};

const struct cmd cmd_db = {
	.name = "db",
	.summary = "the store itself: migrate, status, copy to another store",
	.subs = db_subs,
};
