/*
 * detect.h - from a listing's texts to its violations: the detection
 * pipeline that ties normalisation, NIE parsing and verification, commodity
 * classification and the rule engine together.
 *
 * Input: the listing as a list of (field name, UTF-8 text) pairs, the names
 * being the extractor's ("title", "description", "image_alt", "text", ...;
 * see rules_field_kind()).  Output: the commodity, the numbers found with
 * their registry verdicts, the violation codes, a 0-100 risk score and for
 * each code its reasons (rule id, the matched snippet of the ORIGINAL text,
 * the field and byte offset it came from).
 *
 * Commodity: vocabulary classes (rule files) scored with title matches
 * counting triple; a class matched in the title decides; otherwise the
 * commodity of the number's code (the registry's, when registered);
 * otherwise vocabulary elsewhere on the page; otherwise "other".  Goods of
 * commodity "other" never get a code.
 *
 * Codes from numbers (the rest come from the rules):
 *   NO_NIE       regulated product and no number anywhere in its fields
 *   INVALID_NIE  numbers given, none of them valid for this listing:
 *                malformed, unknown, revoked, expired, or registered to
 *                another product/brand/strength/commodity (registry.h),
 *                a P-IRT number on anything but food, or a code of another
 *                commodity than the listing's
 *   PRESCRIPTION_DRUG  a drug whose number says obat keras (K),
 *                psychotropic (P) or narcotic (N) offered online
 *
 * Ownership: struct detect_result points into the detector; it stays valid
 * until the next detect_listing() on the same detector.  A detector is
 * single-threaded; the struct rules it uses may be shared.
 */
#ifndef PATROLI_DETECT_H
#define PATROLI_DETECT_H

#include "base/base.h"
#include "detect/codes.h"
#include "detect/nie.h"
#include "detect/rules.h"
#include "registry/registry.h"
#include "store/store.h"

/* Limits (hostile input): bytes of all fields together, numbers kept. */
#define DETECT_MAX_INPUT (8u << 20)
#define DETECT_MAX_NIE	 16
#define DETECT_SNIPPET	 200

struct detect_field {
	const char *name;
	const char *text;
	size_t len;
};

/* A registry row copy that outlives the store's scratch. */
struct detect_registry {
	char nie[NIE_MAX_NORM];
	char product_name[160];
	char brand[80];
	char commodity[24];
	char holder[120];
	char status[16];
	char valid_until[16]; /* "" when open-ended */
};

struct detect_nie {
	struct nie_match m;	  /* m.start/end: offsets in the field */
	int field;		  /* index of the input field */
	char raw[80];		  /* as written (truncated) */
	enum nie_verdict verdict; /* against the registry */
	bool registered;
	struct detect_registry reg; /* when registered */
	bool mismatch;		    /* belongs to another product */
	char why[200];		    /* mismatch reason, "" otherwise */
};

struct detect_reason {
	enum vcode code;
	const char *rule; /* rule id, or "nie.missing", "nie.<verdict>",
			     "nie.mismatch", "nie.class" (static or rules
			     storage) */
	int weight;
	int field;			  /* input field index, -1 when none */
	size_t off, len;		  /* span in that field's text */
	char snippet[DETECT_SNIPPET + 4]; /* the original text (UTF-8) */
};

struct detect_result {
	enum commodity commodity;
	const char *commodity_by; /* "vocabulary", "nie", "registry",
				     "none" */
	unsigned codes;		  /* bit (1u << enum vcode) */
	int risk;		  /* 0..100 */
	const struct detect_reason *reasons;
	size_t nreasons;
	const struct detect_nie *nies;
	size_t nnies;
	bool truncated; /* input or matches were capped */
};

/* Registry lookup: 0 and *out filled, ERR_NOTFOUND, or another error. */
typedef int (*detect_lookup_fn)(void *arg, const char *nie,
				struct store_registry_row *out);

struct detect_opts {
	detect_lookup_fn lookup; /* NULL: every number is unknown */
	void *lookup_arg;
	int64_t now_ms; /* analysis time, for expiry; 0 = now */
};

struct detector;

/* `r` must be compiled and outlive the detector. */
struct detector *detector_new(const struct rules *r);
void detector_free(struct detector *d);

/* Analyse one listing.  Returns 0 (out filled), or ERR_FAIL when the
 * registry lookup or the scan failed (logged). */
int detect_listing(struct detector *d, const struct detect_field *f, size_t n,
		   const struct detect_opts *o, struct detect_result *out);

/* A lookup over the store (store_registry_get); arg is the store. */
int detect_store_lookup(void *arg, const char *nie,
			struct store_registry_row *out);

#endif
