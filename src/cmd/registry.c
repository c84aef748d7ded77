/*
 * registry.c - `patroli registry import FILE.csv...` and `patroli registry
 * show NIE...`: load BPOM's product registry into the store and look rows
 * up.
 *
 * Import reports each bad row as "FILE:LINE: why" on stderr and skips it;
 * the rest imports.  Re-importing updates rows in place (keyed by the
 * normalised number).  Exit 0 when every file was read (even with bad
 * rows), 1 when a file is missing, has no usable header, or the store
 * fails.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>

#include "detect/nie.h"
#include "registry/registry.h"
#include "store/store.h"

static int import_run(struct cmd_ctx *c)
{
	struct store *st = cmd_store(c);
	int64_t max_errs = cmd_int(c, "max-errors", 100), total = 0;
	int status = 0;

	for (int i = 0; i < c->argc; i++) {
		struct registry_import_stats s;
		int64_t t0 = time_mono_ms();
		int rc = registry_import_file(st, c->argv[i], stderr,
					      (size_t)max_errs, &s);
		if (rc) {
			if (rc == ERR_INPUT)
				fprintf(stderr,
					"patroli registry import: %s: "
					"not imported\n",
					c->argv[i]);
			status = 1;
			continue;
		}
		printf("%s: %lld rows, %lld imported, %lld skipped in %.1f s\n",
		       c->argv[i], (long long)s.rows, (long long)s.imported,
		       (long long)s.skipped, (time_mono_ms() - t0) / 1000.0);
	}
	if (!store_registry_count(st, &total))
		printf("registry holds %lld numbers\n", (long long)total);
	return status;
}

static const struct cmd_opt import_opts[] = {
	{"max-errors", OPT_INT, "N",
	 "report at most N bad rows per file, then a count (default 100, 0 "
	 "= all)"},
	{0},
};

static const struct cmd registry_import = {
	.name = "import",
	.summary = "import registry CSV files (upsert by normalised NIE)",
	.usage = "FILE.csv...",
	.help = "Header: nie,product_name,brand,commodity,holder,status,"
		"valid_until (any order).  RFC 4180 quoting.  Numbers in "
		"display form (\"POM TR 123 456 789\", \"BPOM RI MD ...\") "
		"are normalised.  status is active, revoked or expired; "
		"valid_until is YYYY-MM-DD or empty.  A bad row (broken "
		"quoting, wrong column count, malformed number, unknown "
		"commodity, bad status or date) is reported with its line "
		"number and skipped.",
	.opts = import_opts,
	.min_args = 1,
	.max_args = -1,
	.run = import_run,
};

static int show_run(struct cmd_ctx *c)
{
	struct store *st = cmd_store(c);
	int status = 0;

	for (int i = 0; i < c->argc; i++) {
		struct nie_match m;
		struct store_registry_row r;
		int rc;

		if (nie_parse(c->argv[i], strlen(c->argv[i]), &m)) {
			printf("%s: no registration number\n", c->argv[i]);
			status = 1;
			continue;
		}
		rc = store_registry_get(st, m.norm, &r);
		if (rc == ERR_NOTFOUND) {
			printf("%s: not registered\n", m.norm);
			status = 1;
			continue;
		}
		if (rc)
			return 1;
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.nie, r.product_name,
		       r.brand ? r.brand : "", r.commodity,
		       r.holder ? r.holder : "", r.status,
		       r.valid_until ? r.valid_until : "");
	}
	return status;
}

static const struct cmd registry_show = {
	.name = "show",
	.summary = "print the registry rows of numbers (tab-separated)",
	.usage = "NIE...",
	.help = "Columns: nie, product_name, brand, commodity, holder, "
		"status, valid_until.  Exit 1 if a number is not registered.",
	.min_args = 1,
	.max_args = -1,
	.run = show_run,
};

static const struct cmd *const registry_subs[] = {&registry_import,
						  &registry_show, NULL};

const struct cmd cmd_registry = {
	.name = "registry",
	.summary = "BPOM product registry: import and look up",
	.subs = registry_subs,
};
