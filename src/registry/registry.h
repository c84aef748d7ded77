/*
 * registry.h - BPOM's product registry: importing it, and judging a
 * registration number against it.
 *
 * Import (registry_import_file): a CSV file with the header
 *   nie,product_name,brand,commodity,holder,status,valid_until
 * (any column order; RFC 4180 quoting, quoted fields may hold commas,
 * doubled quotes and line breaks; CRLF or LF; a UTF-8 BOM is skipped).
 * Numbers may be in display form ("POM TR 123 456 789", "BPOM RI MD ...",
 * "P-IRT 1234567890123-45"): they are normalised with nie_parse() and the
 * row is keyed by the normalised number, so a re-import updates rows in
 * place.  A bad row (broken quoting, wrong column count, a number that is
 * not a well-formed NIE, unknown commodity, bad status, bad date) is
 * reported as "FILE:LINE: what" and skipped; the rest imports.
 *
 * Verdicts (registry_verdict): the status of a number as the registry sees
 * it, at a given time:
 *   valid      registered, status active, valid_until not past
 *   malformed  not the structure its code requires (or no code at all)
 *   unknown    well-formed but not in the registry
 *   revoked    status revoked
 *   expired    status expired, or valid_until before the day of `now`
 * Listing-level checks (registry_mismatch) add "registered to another
 * product, brand, strength or commodity", which is INVALID_NIE too.
 */
#ifndef PATROLI_REGISTRY_H
#define PATROLI_REGISTRY_H

#include <stdio.h>

#include "base/base.h"
#include "detect/codes.h"
#include "detect/nie.h"
#include "store/store.h"

enum nie_verdict {
	VERDICT_VALID = 0,
	VERDICT_MALFORMED,
	VERDICT_UNKNOWN,
	VERDICT_REVOKED,
	VERDICT_EXPIRED,
};
/* "valid", "malformed", "unknown", "revoked", "expired" */
const char *verdict_name(enum nie_verdict v);

struct registry_import_stats {
	int64_t rows;	  /* data records read */
	int64_t imported; /* inserted or updated */
	int64_t skipped;  /* bad rows, each reported */
};

/* Import `path` into the store.  Bad rows are reported on `errs` (one line
 * each, "path:line: message"; at most `max_errs` lines, 0 = all, then a
 * count) and skipped.  Returns 0 when the file could be read (even with
 * bad rows), ERR_INPUT for a missing or wrong header, ERR_FAIL for I/O or
 * store errors. */
int registry_import_file(struct store *st, const char *path, FILE *errs,
			 size_t max_errs, struct registry_import_stats *stats);

/* The same from memory (tests, fuzzing).  `name` labels messages. */
int registry_import_mem(struct store *st, const char *name, const char *data,
			size_t len, FILE *errs, size_t max_errs,
			struct registry_import_stats *stats);

/* Verdict of a parsed number given its registry row (NULL when absent), at
 * `now_ms` (ms since epoch; dates compare in WIB, UTC+7). */
enum nie_verdict registry_verdict(const struct nie_match *m,
				  const struct store_registry_row *row,
				  int64_t now_ms);

/*
 * Whether a registered number belongs to another product than the listing
 * offers.  `title` is the listing's title, `text` all its text (both may
 * be NULL).  Checks, in order: the registry's commodity against
 * `listing_commodity` (skipped when COM_OTHER: unknown); P-IRT numbers on
 * anything but food; the brand (every word of it must appear in the
 * listing); the product (at least half of the distinctive words of the
 * registered name, brand and packaging words aside, must appear); the
 * strength (a strength in the registered name, "500 mg", "0,5 mg", must be
 * among those the listing's title states, when it states one).
 * Returns false when the number fits; true with a short reason in `why`
 * (appended) otherwise.
 */
bool registry_mismatch(const struct store_registry_row *row,
		       enum commodity listing_commodity, const char *title,
		       const char *text, struct buf *why);

#endif
