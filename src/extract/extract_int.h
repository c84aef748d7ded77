/*
 * extract_int.h - private to src/extract: the per-page context shared by
 * the files of the module: extract.c runs a page through the steps and
 * merges the fields, dom.c walks the DOM once and collects, sdata.c reads
 * structured data, state.c finds embedded application state, verdict.c
 * weighs the listing evidence, profile.c loads platform profiles, text.c
 * and price.c are helpers.
 *
 * Memory: everything a result points to lives in one arena per page
 * (struct ex_arena), freed at once by extract_result_release().
 */
#ifndef PATROLI_EXTRACT_INT_H
#define PATROLI_EXTRACT_INT_H

#include "extract/extract.h"

#include <jansson.h>
#include <libxml/xpath.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* ---- arena --------------------------------------------------------------- */
struct ex_chunk;
struct ex_arena {
	struct ex_chunk *head;
};
void *ex_alloc(struct ex_arena *a, size_t n);
/* Copy n bytes, NUL-terminate, replace invalid UTF-8 by U+FFFD and cut at
 * EXTRACT_MAX_FIELD bytes (on a character boundary). */
char *ex_strndup(struct ex_arena *a, const char *p, size_t n);
char *ex_strdup(struct ex_arena *a, const char *s);
/* Like ex_strndup with a caller-chosen cap. */
char *ex_strndup_cap(struct ex_arena *a, const char *p, size_t n, size_t cap);
void ex_arena_free(struct ex_arena *a);

/* ---- text helpers (text.c) ----------------------------------------------- */
/* Length of the longest prefix of p[0..n) that is valid UTF-8 and ends on a
 * character boundary. */
size_t ex_utf8_valid_prefix(const char *p, size_t n);
/* Append p[0..n) to out with whitespace runs collapsed to one space (or one
 * newline when `keep_lines` and the run holds a newline), trimmed.  Also
 * strips tags and decodes entities when `markup` (for JSON strings that
 * carry HTML). */
void ex_clean_text(const char *p, size_t n, bool keep_lines, bool markup,
		   struct buf *out);
/* ASCII case-insensitive search for a whole word or phrase (neighbours are
 * not letters or digits).  Returns the offset or -1. */
long ex_find_word(const char *hay, size_t n, const char *word);
/* ASCII case-insensitive substring search; offset or -1. */
long ex_find_ci(const char *hay, size_t n, const char *needle);
bool ex_is_space(unsigned char c);

/* ---- a parsed URL (text.c) ----------------------------------------------- */
struct ex_url {
	char host[256];	    /* lower case, no port, no trailing dot */
	const char *target; /* path and query, from the URL string */
	size_t target_len;  /* without the fragment */
	size_t path_len;    /* path only */
};
void ex_url_parse(const char *url, struct ex_url *u);

/* ---- collected offer data ------------------------------------------------ */
/* One candidate offer read from one source; strings are arena-owned. */
struct ex_offer {
	const char *src; /* "jsonld", "microdata", "state", "og", ... */
	const char *name;
	const char *description;
	const char *brand;
	const char *seller;
	const char *seller_url;
	const char *currency;
	const char *price_text;
	double price;
	bool has_price;
	bool typed;	/* schema.org Product (not only product-like) */
	bool has_offer; /* an Offer / price structure was present */
};

/* ---- platform profiles (profile.c) --------------------------------------- */
enum ex_xp {
	EX_XP_TITLE,
	EX_XP_PRICE,
	EX_XP_CURRENCY,
	EX_XP_SELLER,
	EX_XP_SELLER_URL,
	EX_XP_BRAND,
	EX_XP_DESCRIPTION,
	EX_XP_LISTING,	   /* listing_marker */
	EX_XP_NOT_LISTING, /* not_listing_marker */
	EX_XP_COUNT
};

struct ex_xpath {
	char *src;
	xmlXPathCompExprPtr comp;
};

struct ex_regex {
	char *src;
	pcre2_code *re;
};

struct ex_profile {
	char *name;
	char *origin; /* file:line of the section, for messages */
	int line;
	enum extract_kind kind;
	char **hosts;
	size_t n_hosts;
	char **paths;
	size_t n_paths;
	struct ex_regex *listing;
	size_t n_listing;
	struct ex_regex *not_listing;
	size_t n_not_listing;
	struct ex_regex *candidate; /* posts that may or may not sell */
	size_t n_candidate;
	struct ex_xpath *xp[EX_XP_COUNT];
	size_t n_xp[EX_XP_COUNT];
	bool is_default;
};

struct extract_profiles {
	struct ex_profile **v;
	size_t n, cap;
	struct ex_profile *deflt; /* the section with no host and no path */
};

/* The profile for a parsed URL; NULL for none (generic). */
const struct ex_profile *ex_profile_find(const struct extract_profiles *ps,
					 const struct ex_url *u);
/* Whether any of the regexes matches s[0..n). */
bool ex_regex_any(const struct ex_regex *v, size_t nv, const char *s, size_t n);

/* ---- the per-page context ------------------------------------------------ */
struct ex_vec {
	void *v;
	size_t n, cap;
};

struct ex_ctx {
	struct extract_result *res;
	struct ex_arena *arena;
	const char *url;
	struct ex_url u;
	htmlDocPtr doc;
	const struct ex_profile *prof;
	enum extract_kind kind;

	struct ex_vec alts;    /* const char * */
	struct ex_vec props;   /* struct extract_prop */
	struct ex_vec facts;   /* struct extract_fact */
	struct ex_vec notes;   /* const char * */
	struct ex_vec fields;  /* struct extract_field */
	struct ex_vec offers;  /* struct ex_offer */
	struct ex_vec scripts; /* xmlNodePtr */
	struct ex_vec items;   /* xmlNodePtr: microdata Product roots */
	bool notes_full;

	/* budgets */
	size_t json_bytes;
	size_t json_nodes;
	bool json_nodes_noted;

	/* evidence counters filled while reading */
	int n_ld_article;    /* JSON-LD Article/NewsArticle/... */
	int n_ld_list;	     /* JSON-LD ItemList/CollectionPage/SearchResults */
	int n_ld_products;   /* Product objects in JSON-LD */
	int n_md_products;   /* microdata Product items */
	int n_state_priced;  /* product-like objects with a price in state */
	bool state_desc;     /* the best state product has a description */
	int n_state_objects; /* state JSON documents parsed */
	json_t *state_best;  /* most product-like state object (a ref) */
	int state_best_score;
};

/* Record a problem: "URL: what". */
void ex_note(struct ex_ctx *c, const char *fmt, ...) PRINTF_LIKE(2, 3);
void ex_fact(struct ex_ctx *c, const char *src, const char *key,
	     const char *val, size_t n);
void ex_prop(struct ex_ctx *c, const char *src, const char *name, size_t nn,
	     const char *val, size_t vn);
struct ex_offer *ex_offer_new(struct ex_ctx *c, const char *src);
void *ex_vec_push(struct ex_vec *v, size_t size);

/* ---- DOM helpers (extract.c) --------------------------------------------- */
/* Append the text under `n` (no script/style), whitespace collapsed, one
 * line per block element when `keep_lines`; bounded by out->max. */
void ex_node_text(xmlNodePtr n, bool keep_lines, struct buf *out);

/* ---- the DOM walk (dom.c) ---------------------------------------------- */
#define OWN_TEXT_MAX (64 * 1024) /* text outside links, chrome and cards */

/* Text accumulation with whitespace collapsing. */
struct acc {
	struct buf b;
	int pending; /* 1 space, 2 newline */
	bool full;
};

/* OpenGraph and <meta> values (arena strings). */
struct meta {
	const char *og_type, *og_title, *og_desc, *og_site, *og_price,
		*og_currency, *og_brand, *description;
};

/* Everything one walk over the DOM collects. */
struct walkstate {
	struct acc text; /* all visible text */
	struct acc own;	 /* visible text outside links */
	struct meta m;
	const char *title_tag;
	const char *h1;
	const char *canonical;
	xmlNodePtr seller_node, desc_node, price_node, author_node;
	xmlNodePtr byline_node; /* the element after "oleh", "by", "Penjual:" */
	xmlNodePtr site_node;	/* the site's title or logo link */
	int pre, in_link, in_head, chrome;
	xmlNodePtr chrome_node[16]; /* footer/nav/site header being walked */
	int n_article, n_time, n_p, n_h1, n_byline;
	int n_buy, n_chat_links, n_listing_links, n_img;
	bool commerce_tag; /* a hashtag link like #jualobat */
	xmlNodePtr card;   /* the card being walked, if any */
	int n_cards;	   /* link cards: small blocks named by a link */
	size_t card_chars; /* their text, non-space characters */
	size_t nodes;
};

void ex_acc_text(struct acc *t, const char *p, size_t n, bool pre);
void ex_acc_break(struct acc *t, int level);
/* Walk the document from `root` (its first node) filling `w`, and c's
 * alts, props, scripts and microdata items. */
void ex_walk(struct ex_ctx *c, struct walkstate *w, xmlNodePtr root);
/* An attribute's value ("" when empty), or NULL. */
const char *ex_attr(xmlNodePtr n, const char *name);
bool ex_is_el(xmlNodePtr n, const char *name);
/* Whether a short attribute value contains one of the lower-case words. */
bool ex_class_has(const char *cls, const char *const *words);
/* ex_node_text into the arena, capped; NULL when empty. */
const char *ex_text_of(struct ex_ctx *c, xmlNodePtr n, bool lines, size_t cap);

/* ---- prices in text and the verdict (verdict.c) -------------------------- */
#define LISTING_THRESHOLD 3

/* Prices found in a text: how many, and the first one read. */
struct pricescan {
	int count;
	const char *first; /* arena copy of the first price as written */
	double amount;
	const char *currency;
};

void ex_scan_prices(struct ex_ctx *c, const char *s, size_t n,
		    struct pricescan *ps);

/* The listing evidence: its sum and its description ("jsonld-product+4"). */
struct verdict {
	int score;
	struct buf why;
};

/* Weigh the page's evidence into v (see docs/extract.md). */
void ex_decide(struct ex_ctx *c, struct walkstate *w, xmlXPathContextPtr x,
	       struct verdict *v);
/* Whether any of the profile's XPaths for marker k selects something. */
bool ex_xp_marker(struct ex_ctx *c, xmlXPathContextPtr x, enum ex_xp k);

/* ---- structured data (sdata.c) ------------------------------------------- */
/* Parse one JSON text (strictly, then leniently); NULL and a note when it
 * is not JSON.  `what` names it in the note ("JSON-LD block 2"). */
json_t *ex_json_parse(struct ex_ctx *c, const char *p, size_t n,
		      const char *what);
/* Read the JSON-LD in one <script type="application/ld+json"> body. */
void ex_jsonld(struct ex_ctx *c, const char *p, size_t n, int index);
/* Read a microdata item rooted at `node` (itemscope, Product itemtype). */
void ex_microdata(struct ex_ctx *c, xmlNodePtr node);
/* Whether an itemtype / @type names a product. */
bool ex_is_product_type(const char *t, size_t n);
/* Fill `o` from a product-like JSON object: schema.org keys and the usual
 * keys of application state.  Returns how many fields were found. */
int ex_offer_from_json(struct ex_ctx *c, json_t *obj, struct ex_offer *o,
		       int depth);

/* ---- embedded application state (state.c) -------------------------------- */
/* Scan a <script> body for state objects and read product-like objects.
 * `type` and `id` are the script's attributes (may be NULL). */
void ex_state_script(struct ex_ctx *c, const char *type, const char *id,
		     const char *p, size_t n);
/* Offset one past the value starting at p[0] ('{' or '['), skipping
 * strings and comments; 0 when unbalanced within n bytes. */
size_t ex_balanced_end(const char *p, size_t n);
/* Decode the JavaScript string literal starting at p[0] (quote char) into
 * out; returns the bytes consumed, 0 on error. */
size_t ex_js_string(const char *p, size_t n, struct buf *out);
/* Turn the best product-like state object into an offer. */
void ex_state_finish(struct ex_ctx *c);

#endif
