/*
 * extract.h - from a fetched page to a listing: is it a product offer, and
 * what does it say (title, price, seller, texts for detection)?
 *
 * Sources, read in this order and merged field by field (the first source
 * that has a field wins):
 *   1. schema.org Product/Offer in JSON-LD (@graph, arrays, nested offers,
 *      seller and brand as objects or strings);
 *   2. schema.org microdata (itemscope/itemtype/itemprop);
 *   3. embedded application state (window.__INITIAL_STATE__ = {...},
 *      __NEXT_DATA__, <script type="application/json">, JSON inside a JSON
 *      string), read by scanning, never by running a script;
 *   4. OpenGraph and <meta> tags (og:title, product:price:amount, ...);
 *   5. the platform profile's XPath expressions (data/platforms/NAME.conf);
 *   6. heuristics on the visible text ("Rp 150.000", <h1>, <title>).
 * Whether the page is a listing is decided by a weighted sum of evidence
 * from the same sources plus URL patterns from the profile and listing /
 * article markers (see docs/extract.md).
 *
 * Platform profiles are data: a new marketplace is a new .conf file.  The
 * file format is documented in docs/extract.md.
 *
 * Ownership: struct extract_result is a plain struct filled by
 * extract_page().  Every pointer in it (strings and arrays) belongs to the
 * result and stays valid until extract_result_release(); the caller never
 * frees them one by one.  Strings are NUL-terminated, valid UTF-8 (invalid
 * bytes are replaced by U+FFFD), and capped in length.
 *
 * Threads: a loaded struct extract_profiles is read-only and may be shared
 * by any number of threads calling extract_page() at once.  Call
 * xmlInitParser() (or extract_profiles_new()) from the main thread first.
 */
#ifndef PATROLI_EXTRACT_H
#define PATROLI_EXTRACT_H

#include "base/base.h"

#include <libxml/HTMLparser.h>

/* ---- limits (hostile input) --------------------------------------------- */
#define EXTRACT_MAX_TEXT       (256 * 1024) /* visible text, bytes */
#define EXTRACT_MAX_FIELD      (32 * 1024)  /* any other single string */
#define EXTRACT_MAX_ALTS       64	    /* image alt texts kept */
#define EXTRACT_MAX_PROPS      128	    /* additional properties kept */
#define EXTRACT_MAX_FACTS      128	    /* raw structured facts kept */
#define EXTRACT_MAX_NOTES      32	    /* problems reported per page */
#define EXTRACT_MAX_JSON       (4 * 1024 * 1024) /* one JSON document parsed */
#define EXTRACT_MAX_JSON_TOTAL (8 * 1024 * 1024) /* all JSON of one page */
#define EXTRACT_MAX_JSON_DEPTH 48     /* product search depth in JSON */
#define EXTRACT_MAX_JSON_NODES 200000 /* JSON values visited per page */
#define EXTRACT_MAX_NODES      500000 /* DOM nodes visited per page */

/* What kind of site a platform is. */
enum extract_kind {
	EXTRACT_KIND_UNKNOWN = 0, /* generic profile */
	EXTRACT_KIND_MARKETPLACE,
	EXTRACT_KIND_SOCIAL,
	EXTRACT_KIND_WEBSHOP,
	EXTRACT_KIND_CLASSIFIEDS,
	EXTRACT_KIND_NEWS,   /* news, health portals: never listings */
	EXTRACT_KIND_PORTAL, /* other non-commercial site */
};
/* "unknown", "marketplace", "social", "webshop", "classifieds", "news",
 * "portal".  Static storage. */
const char *extract_kind_name(enum extract_kind k);

/* One text that detection scans, and where it came from.  `name` is one of
 * "title", "description", "brand", "seller", "og_title", "og_description",
 * "meta_description", "image_alt", "property" ("Name: value") or "text"
 * (several fields may share a name, e.g. one "image_alt" per image).  The
 * texts overlap: "text" (the visible text) usually repeats the description
 * and the title. */
struct extract_field {
	const char *name;
	const char *text;
	size_t len;
};

/* An "additional property": a name/value pair from schema.org
 * additionalProperty, a two-column spec table (<th>No. BPOM</th><td>..</td>)
 * or a <dl>.  `source` is "jsonld", "microdata", "state" or "table". */
struct extract_prop {
	const char *name;
	const char *value;
	const char *source;
};

/* A raw structured-data fact that was read, for evidence and debugging:
 * source "jsonld", "microdata", "state", "og", "meta", "profile" or "text";
 * key such as "offers.price" or "og:type". */
struct extract_fact {
	const char *source;
	const char *key;
	const char *value;
};

struct extract_priv; /* private: arena and arrays */

struct extract_result {
	/* --- verdict --- */
	bool is_listing;
	int score;	 /* evidence sum; is_listing when >= 3 */
	const char *why; /* the evidence: "url-listing+6 jsonld-product+4" */

	/* --- where --- */
	const char *url;	   /* as given */
	const char *host;	   /* lower case, no port; "" when none */
	const char *platform;	   /* profile name, "generic" when none */
	enum extract_kind kind;	   /* the profile's kind */
	const char *canonical_url; /* <link rel=canonical>, absolute; or NULL */

	/* --- the offer (NULL / false when not found) --- */
	const char *title;
	const char *description;
	const char *brand;
	const char *seller;	/* seller or shop name */
	const char *seller_url; /* absolute */
	bool has_price;
	double price;	      /* in currency units, e.g. 150000 for Rp150.000 */
	const char *currency; /* ISO 4217, "IDR" when "Rp" or unspecified */
	const char *price_text; /* the price as written (page or data) */

	/* --- texts --- */
	const char *const *image_alts;
	size_t n_image_alts;
	const char *text; /* visible text: no script/style/noscript, one line
			     per block element, whitespace collapsed */
	size_t text_len;
	const struct extract_prop *props;
	size_t n_props;
	const struct extract_fact *facts;
	size_t n_facts;
	const struct extract_field *fields; /* everything detection scans */
	size_t n_fields;

	/* --- problems met, each naming the URL and what (never fatal) --- */
	const char *const *notes;
	size_t n_notes;

	struct extract_priv *priv;
};

/* ---- platform profiles --------------------------------------------------- */
struct extract_profiles;

/* An empty set (only the built-in generic profile).  Also initialises
 * libxml2 (xmlInitParser), so call it from the main thread. */
struct extract_profiles *extract_profiles_new(void);
void extract_profiles_free(struct extract_profiles *ps);

/* Parse profile text; `origin` names it in messages ("file.conf").  Every
 * error is reported as "origin:line: what" and appended to `errors` (one per
 * line) when non-NULL, else logged.  On any error nothing from this text is
 * added and ERR_INPUT is returned; otherwise 0. */
int extract_profiles_parse(struct extract_profiles *ps, const char *origin,
			   struct slice text, struct buf *errors);
/* Same for a file (capped at 1 MiB). */
int extract_profiles_load_file(struct extract_profiles *ps, const char *path,
			       struct buf *errors);
/* Every *.conf in `dir`, in name order.  All files are read even when one
 * fails; returns the first error. */
int extract_profiles_load_dir(struct extract_profiles *ps, const char *dir,
			      struct buf *errors);
size_t extract_profiles_count(const struct extract_profiles *ps);
/* The profile applying to `url` ("generic" when none), and its kind
 * (may be NULL).  Static or profile-owned storage. */
const char *extract_profiles_match(const struct extract_profiles *ps,
				   const char *url, enum extract_kind *kind);

/* ---- extraction ---------------------------------------------------------- */
/*
 * Extract the listing from one page.  `url` is the page's URL (for the
 * profile, relative links and messages).  `doc` is the parsed page
 * (html_parse()); when NULL, `html` (UTF-8) is parsed here.  `ps` may be
 * NULL (generic profile only).
 *
 * `out` is always initialised and must be released with
 * extract_result_release(), whatever is returned.  Returns 0, or ERR_INPUT
 * when there is no document (empty body); problems with parts of the page
 * (JSON-LD that is not JSON, a limit reached) are in out->notes.
 */
int extract_page(const struct extract_profiles *ps, const char *url,
		 struct slice html, htmlDocPtr doc, struct extract_result *out);
void extract_result_release(struct extract_result *r);

/* The result as one compact JSON object (UTF-8, malloc'd, free() it):
 * is_listing, score, why, url, host, platform, kind, canonical_url, title,
 * description, brand, seller, seller_url, price, currency, price_text,
 * image_alts, props [{name, value, source}], facts, notes, and with
 * `with_text` also text and fields [{name, text}].  Absent values are
 * null.  For logs, debugging and tools. */
char *extract_result_json(const struct extract_result *r, bool with_text);

/* Parse a price as sellers write it: "Rp 1.250.000", "Rp150rb", "IDR
 * 75,000", "Rp 1,5 jt", "61k", "Rp 99.900,00", "USD 12.50".  *currency
 * receives an ISO code (static storage); "IDR" for Rp/IDR and for a bare
 * number.  Returns 0, or ERR_NOTFOUND when no amount is found.  Only the
 * first amount in `s` is read. */
int extract_parse_price(struct slice s, double *amount, const char **currency);

#endif
