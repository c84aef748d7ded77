/*
 * analyze.h - SOP steps 2→3: every stored page becomes a finding.
 *
 * For each page whose newest capture has not been analysed, the evidence
 * record is read back from its WARC file (so what is judged is exactly
 * what the officer can later show), decoded, parsed once, and handed to
 * the extractor (listing fields) and the detector (commodity, NIE,
 * violations, risk, reasons).  The finding is stored per canonical URL.
 *
 * Data files (rules, platform profiles) are found in the share directory:
 * $PATROLI_SHARE, else ./data, else data/ beside the executable, else
 * /usr/local/share/patroli and /usr/share/patroli.
 */
#ifndef PATROLI_ANALYZE_H
#define PATROLI_ANALYZE_H

#include "base/base.h"

struct store;
struct analyzer;

/* The share directory (static storage), or NULL when none has rules. */
const char *analyze_share_dir(void);

/* Load and compile profiles and rules from `share` (NULL: the default);
 * errors name file:line.  The caller frees with analyzer_free(). */
int analyzer_new(const char *share, struct analyzer **out);
void analyzer_free(struct analyzer *a);

struct analyze_stats {
	int64_t pages, listings, flagged, errors;
	double seconds;
};

/* Analyse pending pages (every page with `all`) of `st`, whose evidence
 * lives under `data_dir`.  Progress on stderr when `progress`. */
int analyze_store(struct analyzer *a, struct store *st, const char *data_dir,
		  bool all, bool progress, struct analyze_stats *out);

/* Analyse one page from memory (tests, benchmarks): the finding's JSON
 * (caller frees), with the store used for registry lookups (may be NULL). */
char *analyze_page(struct analyzer *a, struct store *st, const char *url,
		   const char *content_type, struct slice body);

#endif
