/*
 * ident.h - contact identifiers of a listing: who to call, where to pay.
 *
 * Profiling (SOP step 7) links listings to the people behind them through
 * what sellers must publish to be reached or paid: WhatsApp and telephone
 * numbers, e-mail addresses, bank and e-wallet accounts, social handles,
 * and the domain of an independent shop.  This module finds them in one
 * page and writes each in one normal form, so that the same number written
 * "0812-3456-7890" on one shop and "wa.me/6281234567890" on another is
 * one identifier:
 *
 *   phone   E.164: "+6281234567890" (mobile 08xx, 10-13 digits written
 *           nationally; landlines with their area code)
 *   email   lower case: "toko.sehat@gmail.com"
 *   bank    "BANK:digits": "BCA:1234567890", "BRI:012301000123501"
 *           (BCA, BRI, BNI, MANDIRI, BSI and the other common banks); an
 *           e-wallet is keyed by its phone: "DANA:+6281234567890", and the
 *           phone is reported as well
 *   handle  "ig:", "tg:", "tt:", "x:", "fb:" + lower-case name
 *   domain  registrable domain (libpsl) of an independent shop's site:
 *           "tokoherbal.co.id"; never a marketplace or a social platform
 *
 * Where they are looked for (ident_page): the page's visible text split in
 * zones by its markup, the hrefs of its links (wa.me, api.whatsapp.com,
 * t.me, instagram.com, tiktok.com/@, x.com, facebook.com, tel:, mailto:),
 * and the extractor's structured-data fields (JSON-LD description, og:,
 * meta, spec tables, image alt texts).  What is not the seller's:
 *  - comment and review areas (buyers leave their own numbers there);
 *  - page chrome (footer, header, nav) of marketplaces, social networks
 *    and classifieds, which belongs to the platform: customer-service
 *    numbers and addresses.  On an independent shop the chrome is the
 *    shop's own (its WhatsApp button sits in the footer): links are taken
 *    from it, text only when an order cue introduces it and no
 *    platform-service cue does;
 *  - a clause introduced by a courier cue ("kurir", "ekspedisi", "cek
 *    resi", "bukan penjual");
 *  - numbers that are something else: dates, prices ("Rp 125.000",
 *    "150rb"), registration and order numbers (introduced by BPOM, NIE,
 *    Reg, P-IRT, invoice, resi, ...), too short or too long, toll-free
 *    and premium 080x numbers.
 * Clauses end at a line break and at the separators sellers use between
 * contacts ("·", "|", "•", " / ", " - ", ";").
 *
 * Bounds: at most IDENT_MAX_SCAN bytes of text per source are scanned, at
 * most IDENT_MAX_CANDIDATES candidates examined per list, and at most
 * IDENT_MAX_PER_PAGE distinct identifiers kept (the rest are counted in
 * `dropped`).  A page with more than IDENT_LINK_MAX identifiers is a
 * number dump, not a seller's contact block: clustering keeps its
 * identifiers as evidence but does not link through it.  Bytes are
 * scanned as bytes: invalid UTF-8 is harmless (identifiers themselves are
 * ASCII).
 */
#ifndef PATROLI_PROFILE_IDENT_H
#define PATROLI_PROFILE_IDENT_H

#include "base/base.h"

#include <jansson.h>
#include <libxml/HTMLparser.h>

struct extract_result;

#define IDENT_VALUE_MAX	     128	  /* longest value kept, with NUL */
#define IDENT_MAX_PER_PAGE   64		  /* distinct identifiers kept */
#define IDENT_MAX_CANDIDATES 4096	  /* candidates examined per list */
#define IDENT_MAX_SCAN	     (512 * 1024) /* bytes of text per source */
#define IDENT_MAX_LINKS	     1024	  /* hrefs looked at per page */
#define IDENT_LINK_MAX	     16 /* more on one page: do not link through it */

enum ident_kind {
	IDENT_PHONE,
	IDENT_EMAIL,
	IDENT_BANK,
	IDENT_HANDLE,
	IDENT_DOMAIN,
	IDENT__KINDS,
};

/* Where on the page an identifier was found (stored with each edge). */
enum ident_where {
	IDENT_W_TEXT,	/* the visible text of the page's content */
	IDENT_W_LINK,	/* an href in the content */
	IDENT_W_DATA,	/* structured data: JSON-LD, og:, meta, spec table */
	IDENT_W_FOOTER, /* an independent shop's header or footer */
	IDENT_W_SITE,	/* the shop's own address (domain) */
	IDENT__WHERES,
};

/* How text is judged: content accepts what no courier cue introduces;
 * chrome (an independent shop's footer) only what an order cue
 * introduces and no platform-service cue. */
enum ident_zone { IDENT_ZONE_CONTENT, IDENT_ZONE_CHROME };

struct ident {
	enum ident_kind kind;
	enum ident_where where;
	bool cue; /* an order or contact cue introduces it */
	char value[IDENT_VALUE_MAX];
};

/* The identifiers of one page, distinct by (kind, value), in the order
 * first found.  Plain storage: no allocation, nothing to release. */
struct ident_list {
	struct ident v[IDENT_MAX_PER_PAGE];
	size_t n;
	size_t dropped;	   /* distinct identifiers over the cap */
	size_t candidates; /* candidates examined (bounded work) */
};

/* "phone", "email", "bank", "handle", "domain" (static storage), and the
 * reverse (ERR_NOTFOUND for anything else). */
const char *ident_kind_name(enum ident_kind k);
int ident_kind_parse(const char *s, enum ident_kind *out);
/* "text", "link", "data", "footer", "site", and the reverse. */
const char *ident_where_name(enum ident_where w);
int ident_where_parse(const char *s, enum ident_where *out);

void ident_list_init(struct ident_list *l);
/* Add one identifier (value already normal).  A repeat keeps the first
 * place and gains the cue.  Returns 0, or ERR_LIMIT when the list is full
 * (counted in `dropped`). */
int ident_add(struct ident_list *l, enum ident_kind kind,
	      enum ident_where where, bool cue, const char *value);
/* Whether the list holds (kind, value). */
bool ident_has(const struct ident_list *l, enum ident_kind kind,
	       const char *value);

/* Normalise one written phone number ("0812-3456-7890", "+62 812 3456
 * 7890", "(+62) 81234567890", "62812...") to E.164 in out.  `cued` says a
 * phone cue (WA, telp, HP) introduces it, which admits a landline written
 * without separators and a mobile written without its 0.  ERR_INPUT when
 * it is not an Indonesian phone number. */
int ident_phone_norm(const char *s, size_t n, bool cued,
		     char out[IDENT_VALUE_MAX]);
/* The registrable domain of `host` (libpsl) into out; ERR_NOTFOUND for an
 * address, a bare public suffix or a name without a dot. */
int ident_domain_of(const char *host, char out[IDENT_VALUE_MAX]);

/* Scan text for identifiers (see the top of this file). */
void ident_scan_text(struct ident_list *l, const char *s, size_t n,
		     enum ident_zone zone, enum ident_where where);
/* Identifiers in one URL (href or written in text; the scheme may be
 * missing): WhatsApp links, tel:, mailto:, social profile links.
 * Returns how many were added. */
int ident_scan_url(struct ident_list *l, const char *url, size_t n,
		   enum ident_where where, bool cue);

/* Everything on one page: `doc` is the parsed page (may be NULL: then
 * only the extractor's fields are scanned), `er` its extraction. */
void ident_page(struct ident_list *l, const struct extract_result *er,
		htmlDocPtr doc);

/* The finding's "identifiers" object: {"phone": [...], "email": [...],
 * "bank": [...], "handle": [...], "domain": [...]} (new reference). */
json_t *ident_json(const struct ident_list *l);
/* [{"kind", "value", "where", "cue"}] in the order found (new reference). */
json_t *ident_sources_json(const struct ident_list *l);

/*
 * The hook analyze.c calls for every page: sets the finding's
 * "identifiers" (the export interface) and "identifier_sources" (where
 * each was found, read by `patroli profile build`).
 */
void ident_finding_json(json_t *finding, const struct extract_result *er,
			htmlDocPtr doc);

#endif
