/*
 * rules.h - the rule language and its engine: the regulator's knowledge as
 * data (the .rules files of data/rules/), compiled into one Hyperscan database.
 *
 * The language is documented in docs/rules.md.  In short, a file is a list
 * of blocks; a block starts at column 0 with its kind and a unique id, and
 * its attributes follow on indented lines:
 *
 *   rule bko.pde5                      # a violation rule
 *       code    BKO
 *       scope   obat_tradisional suplemen pangan
 *       weight  80
 *       source  BPOM public warnings: sildenafil in "jamu kuat"
 *       word    sildenafil, viagra, obat biru
 *       regex   \bsildenafil[a-z]*
 *       use     pde5_names                # patterns of a `list`
 *       negate  neg                       # cue sets (default: `default yes`)
 *       unless  word paracetamol          # listing-level exception
 *       with    word jamu                 # listing-level requirement
 *       field   title                     # only matches in the title
 *   class kosmetik.products            # commodity vocabulary
 *       commodity kosmetik
 *       weight  10
 *   cues neg                           # negation context
 *       kind before  window 5  commas yes  default yes
 *   list pde5_names                    # reusable patterns
 *
 * Literal patterns (word, prefix) are normalised like the text (norm.h,
 * NORM_DETECT) and matched on word boundaries; regexes are written against
 * the normalised text (lower case, squeezed letters) in the portable ERE
 * subset both Hyperscan and grep -E understand.
 *
 * Engine: rules_scan() runs the one database over the normalised text of a
 * listing (all fields concatenated, see struct rules_field) and keeps the
 * matches in the scratch, with no allocation per match; rules_classes()
 * and rules_eval() then read them: negation cues before or after a match,
 * field restrictions, commodity scope, unless/with conditions.
 *
 * Threads: a compiled struct rules is immutable and shared; each thread
 * has its own struct rules_scratch.
 */
#ifndef PATROLI_RULES_H
#define PATROLI_RULES_H

#include <stdio.h>

#include "base/base.h"
#include "detect/codes.h"

#define RULES_MAX_FILE	  (4u << 20) /* bytes per rule file */
#define RULES_MAX_LINE	  4096	     /* bytes per line */
#define RULES_PER_PATTERN 32	     /* matches kept per pattern and scan */

struct rules;
struct rules_scratch;

/* ---- loading ------------------------------------------------------------ */
struct rules *rules_new(void);
void rules_free(struct rules *r);

/* Parse rule text; `origin` names it in messages.  Every error is reported
 * as "origin:line: what" and appended to `errors` (one per line) when
 * non-NULL, else logged.  On any error nothing from this text is kept and
 * ERR_INPUT is returned. */
int rules_parse(struct rules *r, const char *origin, struct slice text,
		struct buf *errors);
int rules_load_file(struct rules *r, const char *path, struct buf *errors);
/* Every *.rules file of `dir`, in name order; all are read even when one
 * fails; returns the first error. */
int rules_load_dir(struct rules *r, const char *dir, struct buf *errors);
/* Resolve references (cue sets, lists), check every regex and build the
 * Hyperscan database.  Errors as for rules_parse (ERR_INPUT). */
int rules_compile(struct rules *r, struct buf *errors);

/* Counts (each may be NULL): violation rules, commodity classes, distinct
 * rule patterns, those compiled into the Hyperscan database (literals that
 * extend another literal are checked on its matches instead), class and
 * cue phrases (looked up by token). */
void rules_counts(const struct rules *r, size_t *rules, size_t *classes,
		  size_t *patterns, size_t *compiled, size_t *phrases);
/* One line per distinct pattern, as grep -E -i -f reads them. */
void rules_export_patterns(const struct rules *r, FILE *out);
/* Describe every rule, class and cue set, one per line (for `rules
 * list`). */
void rules_describe(const struct rules *r, FILE *out);

/* ---- scanning ----------------------------------------------------------- */

/* Field kinds a rule can be restricted to (`field` attribute). */
enum rules_field_kind {
	RF_TITLE = 1,	    /* title, og_title */
	RF_DESCRIPTION = 2, /* description, og_description,
			       meta_description */
	RF_ALT = 4,	    /* image_alt */
	RF_BRAND = 8,	    /* brand */
	RF_SELLER = 16,	    /* seller */
	RF_PROPERTY = 32,   /* property, structured */
	RF_TEXT = 64,	    /* text (the visible text) */
	RF_OTHER = 128,	    /* anything else */
};
/* The kind of an extractor field name (extract.h), RF_OTHER if unknown. */
unsigned rules_field_kind(const char *name);

/* One field of the scanned text: bytes [start, end). */
struct rules_field {
	size_t start, end;
	unsigned kind;
};

struct rules_scratch *rules_scratch_new(const struct rules *r);
void rules_scratch_free(struct rules_scratch *s);

/* Scan normalised `text`; `fields` (sorted, non-overlapping; may be NULL
 * with n = 0: one RF_TEXT field) say where each field lies.  The text and
 * fields must stay valid until the last rules_classes/rules_eval call.
 * Returns 0 or ERR_FAIL (Hyperscan error, logged). */
int rules_scan(const struct rules *r, struct rules_scratch *s, const char *text,
	       size_t len, const struct rules_field *fields, size_t n);
/* The scan alone (no evaluation), for benchmarks: the text is one field;
 * *matches receives the number of matches kept. */
int rules_scan_raw(const struct rules *r, struct rules_scratch *s,
		   const char *text, size_t len, uint64_t *matches);

/* Commodity vocabulary after a scan: per commodity, the sum of the weights
 * of the classes matched in a title field (`title`), in the other fields
 * of the listing itself (`body`: description, alt texts, brand, ...) and
 * in the page's visible text (`text`, noisy: menus and footers; may be
 * NULL, which skips the work). */
struct rules_span {
	size_t start, end;
};
/* `ignore` (may be NULL) lists spans of the scanned text whose words say
 * nothing about the product, e.g. the seller's own name wherever it
 * appears ("Wati Herbal di Kabarin"): vocabulary starting inside them is
 * not counted. */
void rules_classes(const struct rules *r, struct rules_scratch *s,
		   int title[COM__COUNT], int body[COM__COUNT],
		   int text[COM__COUNT], const struct rules_span *ignore,
		   size_t nignore);

/* A rule that fired. */
struct rules_hit {
	const char *id;
	enum vcode code;
	int weight;
	const char *source;
	size_t from, to; /* the first qualifying match, in the scanned text */
	unsigned field;	 /* its field kind */
};

/* Call fn for every rule that fires on a listing of commodity `c` (none
 * for COM_OTHER), in rule order.  Returns the number of hits. */
size_t rules_eval(const struct rules *r, struct rules_scratch *s,
		  enum commodity c,
		  void (*fn)(void *arg, const struct rules_hit *h), void *arg);

/* Whether the last scan overflowed a per-pattern cap (a hostile page that
 * repeats a word thousands of times); results are still sound, some
 * repeated matches were dropped. */
bool rules_scan_truncated(const struct rules_scratch *s);

#endif
