/*
 * verdict.c - is this page a product offer?
 *
 * A weighted sum of evidence, written out in `why` so that an officer (or
 * a test) sees what decided it.  The weights are domain reasoning, not
 * corpus tuning: structured product data and platform URL patterns are
 * strong evidence, a lone price or "order via WA" is weak, pages that list
 * many offers (category, search, store, tag pages) or that read like news
 * (an <article> with a headline and a byline, "Peringatan Publik", "Siaran
 * Pers") count against.  The table is in docs/extract.md.
 */
#include "extract/extract_int.h"

#include <string.h>

/* ---- prices in text ---------------------------------------------- */

static bool letter(char ch)
{
	ch = (char)(ch | 0x20);
	return ch >= 'a' && ch <= 'z';
}

static bool digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Where the amount of a price starting at s[i] begins, or 0: "Rp 150.000",
 * "IDR75,000", "Harga: 61k", "harga cuma 16rb", "16rb", "1,5 jt". */
static size_t price_at(const char *s, size_t n, size_t i)
{
	if (i && (letter(s[i - 1]) || digit(s[i - 1])))
		return 0;
	static const char *const marks[] = {"rp", "idr", "harga", NULL};
	for (const char *const *m = marks; *m; m++) {
		size_t l = strlen(*m);
		if (i + l > n || strncasecmp(s + i, *m, l))
			continue;
		size_t j = i + l;
		if (j < n && letter(s[j]) && l > 2)
			return 0; /* "hargai" */
		size_t words = 0, skip = 0;
		while (j < n && skip < 24) {
			if (s[j] == ' ' || s[j] == '.' || s[j] == ':')
				j++, skip++;
			else if (l == 5 && letter(s[j]) && words < 2) {
				while (j < n && letter(s[j]) && skip < 24)
					j++, skip++;
				words++; /* "harga cuma", "harga mulai Rp" */
			} else
				break;
		}
		return j < n && digit(s[j]) ? j : 0;
	}
	if (!digit(s[i]))
		return 0;
	/* a bare amount with a unit: 16rb, 150 rb, 1,5jt, 61k */
	size_t j = i;
	while (j < n && j - i < 12 &&
	       (digit(s[j]) || s[j] == '.' || s[j] == ','))
		j++;
	while (j < n && s[j] == ' ')
		j++;
	/* Only the compact units: "10 ribu pengikut" is not a price. */
	static const char *const units[] = {"rb", "k", "jt", NULL};
	for (const char *const *u = units; *u; u++) {
		size_t l = strlen(*u);
		if (j + l <= n && !strncasecmp(s + j, *u, l) &&
		    (j + l == n || !letter(s[j + l])))
			return i;
	}
	return 0;
}

void ex_scan_prices(struct ex_ctx *c, const char *s, size_t n,
		    struct pricescan *ps)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = price_at(s, n, i);
		if (!j)
			continue;
		ps->count++;
		size_t e = j;
		while (e < n && e - j < 24 &&
		       (digit(s[e]) || s[e] == '.' || s[e] == ','))
			e++;
		/* the unit word, if any: "150rb", "1,5 jt" */
		size_t tail = e, sp = e;
		while (sp < n && sp - e < 2 && s[sp] == ' ')
			sp++;
		static const char *const units[] = {"ribu", "rb", "juta",
						    "jt",   "k",  NULL};
		for (const char *const *u = units; *u; u++) {
			size_t l = strlen(*u);
			if (sp + l <= n && !strncasecmp(s + sp, *u, l) &&
			    (sp + l == n || !letter(s[sp + l]))) {
				tail = sp + l;
				break;
			}
		}
		if (!ps->first) {
			struct slice sl = {s + j, tail - j};
			const char *cur = NULL;
			struct slice whole = {s + i, tail - i};
			/* the marker decides the currency, the amount follows
			 */
			if (extract_parse_price(sl, &ps->amount, &cur) == 0 &&
			    ps->amount > 0) {
				double dummy;
				if (extract_parse_price(whole, &dummy, &cur) <
				    0)
					cur = "IDR";
				ps->currency = cur;
				char *f = ex_strndup(c->arena, s + i, tail - i);
				size_t fl = strlen(f);
				while (fl && f[fl - 1] == ' ')
					f[--fl] = 0;
				ps->first = f;
			}
		}
		i = e;
	}
}

/* ---- the verdict ------------------------------------------------- */

static void ev(struct verdict *v, int w, const char *what)
{
	v->score += w;
	buf_printf(&v->why, "%s%s%+d", v->why.len ? " " : "", what, w);
}

static bool any_word(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (ex_find_word(s, n, *words) >= 0)
			return true;
	return false;
}

static bool word_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch >= 0x80;
}

/* any_word for a text already in lower case: memmem is much faster than
 * a case-folding scan, and the page text is searched for ~90 words. */
static bool any_word_lc(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++) {
		size_t m = strlen(*words);
		const char *p = s, *end = s + n;
		while (p < end) {
			const char *hit =
				memmem(p, (size_t)(end - p), *words, m);
			if (!hit)
				break;
			bool left =
				hit == s || !word_char((unsigned char)hit[-1]);
			bool right = hit + m >= end ||
				     !word_char((unsigned char)hit[m]);
			if (left && right)
				return true;
			p = hit + 1;
		}
	}
	return false;
}

/* Cues that a page itself offers something for sale (Indonesian and
 * English), in groups; each group found adds one point. */
static const char *const SELL_ORDER[] = {"order",
					 "pesan",
					 "pesan sekarang",
					 "pemesanan",
					 "beli sekarang",
					 "checkout",
					 "add to cart",
					 "buy now",
					 "tambah ke keranjang",
					 "+ keranjang",
					 "minat",
					 "nego",
					 "open po",
					 "po",
					 "pre order",
					 "preorder",
					 NULL};
static const char *const SELL_STOCK[] = {
	"ready",    "ready stock", "ready stok", "stok", "stock", "restock",
	"tersedia", "terjual",	   "sold",	 "sisa", NULL};
static const char *const SELL_CONTACT[] = {"wa",
					   "whatsapp",
					   "dm",
					   "inbox",
					   "cod",
					   "ongkir",
					   "rekening",
					   "transfer",
					   "no rek",
					   "rek",
					   "pembayaran",
					   "bayar",
					   "chat penjual",
					   "hubungi penjual",
					   "bca",
					   "bri",
					   "bni",
					   "mandiri",
					   "bsi",
					   "dana",
					   "ovo",
					   "gopay",
					   "shopeepay",
					   "a.n",
					   NULL};
static const char *const SELL_OFFER[] = {
	"jual", "menjual", "harga", "promo",	     "diskon",	    "grosir",
	"ecer", "eceran",  "murah", "gratis ongkir", "free ongkir", NULL};
/* How a product is described on its own page: contents, size, use, expiry,
 * registration. */
static const char *const SELL_PRODUCT[] = {
	"komposisi",  "bahan",	    "kandungan",    "ingredients",
	"netto",      "berat",	    "isi",	    "exp",
	"expired",    "kadaluarsa", "aturan pakai", "aturan minum",
	"cara pakai", "dosis",	    "varian",	    "ukuran",
	"ml",	      "gr",	    "gram",	    "kapsul",
	"tablet",     "sachet",	    "pcs",	    "botol",
	"bpom",	      "izin edar",  "pirt",	    "p-irt",
	"spp-irt",    "reg",	    "no. reg",	    NULL};

/* An Indonesian mobile number (08.., +62 8.., 628..) written out. */
static bool has_phone(const char *s, size_t n)
{
	for (size_t i = 0; i + 10 <= n; i++) {
		size_t j = i;
		if (s[j] == '+')
			j++;
		if (j + 1 < n && s[j] == '0' && s[j + 1] == '8')
			;
		else if (j + 2 < n && s[j] == '6' && s[j + 1] == '2')
			;
		else
			continue;
		if (i &&
		    ((s[i - 1] >= '0' && s[i - 1] <= '9') ||
		     ((s[i - 1] | 0x20) >= 'a' && (s[i - 1] | 0x20) <= 'z')))
			continue;
		int digits = 0;
		size_t k = j;
		while (k < n && k - j < 20 &&
		       ((s[k] >= '0' && s[k] <= '9') || s[k] == ' ' ||
			s[k] == '-' || s[k] == '.')) {
			digits += s[k] >= '0' && s[k] <= '9';
			k++;
		}
		if (s[j] == '6' &&
		    (j + 2 >= n || (s[j + 2] != '8' && s[j + 2] != ' ')))
			continue;
		if (digits >= 10 && digits <= 14)
			return true;
	}
	return false;
}

/* Headlines of pages that talk about products without selling them. */
static const char *const NEWS_WORDS[] = {"peringatan publik",
					 "siaran pers",
					 "press release",
					 "public warning",
					 "penarikan produk",
					 "klarifikasi",
					 "hoaks",
					 "hoax",
					 "imbauan",
					 "himbauan",
					 "temuan bpom",
					 "public notice",
					 NULL};
/* Headline starts of help and site pages. */
static const char *const SITE_PAGES[] = {
	"bantuan",   "pusat bantuan", "cara ",	      "kebijakan", "syarat",
	"tentang",   "kontak",	      "hubungi kami", "privasi",   "faq",
	"help",	     "about",	      "contact",      "terms",	   "privacy",
	"keranjang", "cart",	      "checkout",     "login",	   "masuk",
	"daftar",    "lupa",	      "aturan",	      NULL};

static bool starts_with_any(const char *s, const char *const *words)
{
	if (!s)
		return false;
	for (; *words; words++)
		if (!strncasecmp(s, *words, strlen(*words)))
			return true;
	return false;
}

static bool is_date_line(const char *s, size_t n)
{
	/* 2025-02-03, 03/02/2025, "3 Februari 2025" */
	for (size_t i = 0; i + 10 <= n && i < 4096; i++) {
		const char *p = s + i;
		if (p[0] >= '1' && p[0] <= '2' && p[1] >= '0' && p[1] <= '9' &&
		    p[2] >= '0' && p[2] <= '9' && p[3] >= '0' && p[3] <= '9' &&
		    p[4] == '-' && p[7] == '-')
			return true;
	}
	return false;
}

void ex_decide(struct ex_ctx *c, struct walkstate *w, xmlXPathContextPtr x,
	       struct verdict *v)
{
	const struct ex_profile *p = c->prof;
	bool deflt = !p || p->is_default;
	/* An app shell shows no text of its own before its script runs; its
	 * post or product summary is in the meta description then. */
	if (w->own.b.len < 200) {
		const char *extra[] = {w->m.og_desc, w->m.description};
		for (size_t i = 0; i < ARRAY_LEN(extra); i++)
			if (extra[i] && (i == 0 || !w->m.og_desc ||
					 strcmp(extra[i], w->m.og_desc))) {
				ex_acc_break(&w->own, 2);
				ex_acc_text(&w->own, extra[i], strlen(extra[i]),
					    true);
			}
	}
	const char *own = w->own.b.p ? w->own.b.p : "";
	size_t own_n = w->own.b.len;

	/* platform and URL */
	if (c->kind == EXTRACT_KIND_NEWS || c->kind == EXTRACT_KIND_PORTAL)
		ev(v, -10, "kind-news");
	if (p && p->n_not_listing &&
	    ex_regex_any(p->not_listing, p->n_not_listing, c->u.target,
			 c->u.target_len))
		ev(v, deflt ? -3 : -100, "url-not-listing");
	else if (p && p->n_listing &&
		 ex_regex_any(p->listing, p->n_listing, c->u.target,
			      c->u.target_len))
		ev(v, deflt ? 2 : 6, "url-listing");
	else if (p && p->n_candidate &&
		 ex_regex_any(p->candidate, p->n_candidate, c->u.target,
			      c->u.target_len))
		ev(v, 1, "url-candidate");
	if (p && p->n_xp[EX_XP_LISTING] && ex_xp_marker(c, x, EX_XP_LISTING))
		ev(v, 5, "marker-listing");
	if (p && p->n_xp[EX_XP_NOT_LISTING] &&
	    ex_xp_marker(c, x, EX_XP_NOT_LISTING))
		ev(v, -6, "marker-not-listing");

	/* structured data */
	bool ld_offer = false, md_offer = false;
	struct ex_offer *o = c->offers.v;
	for (size_t i = 0; i < c->offers.n; i++) {
		if (!strcmp(o[i].src, "jsonld") && o[i].has_offer)
			ld_offer = true;
		if (!strcmp(o[i].src, "microdata") && o[i].has_offer)
			md_offer = true;
	}
	/* One or two products describe the page; more are a list (search
	 * results, a category grid marked up item by item). */
	int products = c->n_ld_products + c->n_md_products;
	if (c->n_ld_products && products <= 2) {
		ev(v, 4, "jsonld-product");
		if (ld_offer)
			ev(v, 2, "jsonld-offer");
	}
	if (c->n_md_products && products <= 2) {
		ev(v, 4, "microdata-product");
		if (md_offer)
			ev(v, 2, "microdata-offer");
	}
	const char *ogt = w->m.og_type;
	if (ogt && !strncasecmp(ogt, "product", 7))
		ev(v, 3, "og-product");
	if (w->m.og_price)
		ev(v, 2, "og-price");
	if (c->n_state_priced && !c->n_ld_products && !c->n_md_products) {
		ev(v, 3, "state-product");
		if (c->state_desc)
			ev(v, 1, "state-description");
	}

	/* what the page says and has */
	struct pricescan mine = {0};
	ex_scan_prices(c, own, own_n, &mine);
	/* Cards outweigh the page's own words on index pages only: a listing
	 * with "related products" still says more about its own product. */
	size_t own_chars = 0;
	for (size_t i = 0; i < own_n; i++)
		own_chars += !ex_is_space((unsigned char)own[i]);
	bool cards = w->card_chars >= own_chars;
	bool many = (w->n_cards >= 3 && cards) || w->n_listing_links >= 3 ||
		    products >= 3 || w->n_buy >= 3 || c->n_ld_list ||
		    (c->n_state_priced >= 4 && !c->state_desc);
	if (many)
		ev(v, -4, "many-items");
	else if (w->n_cards == 2 && cards)
		ev(v, -2, "two-cards");
	if (mine.count)
		ev(v, 2, "price-text");
	if (w->n_buy >= 1 && w->n_buy <= 2)
		ev(v, 2, "buy-button");
	if (w->n_chat_links)
		ev(v, 1, "chat-link");
	char *low = xmalloc(own_n + 1);
	for (size_t i = 0; i < own_n; i++) {
		char ch = own[i];
		low[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch | 0x20 : ch);
	}
	low[own_n] = 0;
	int groups = any_word_lc(low, own_n, SELL_ORDER) +
		     any_word_lc(low, own_n, SELL_STOCK) +
		     (any_word_lc(low, own_n, SELL_CONTACT) ||
		      has_phone(own, own_n)) +
		     any_word_lc(low, own_n, SELL_OFFER) +
		     any_word_lc(low, own_n, SELL_PRODUCT) + w->commerce_tag;
	free(low);
	if (groups)
		ev(v, MIN(groups, 4), "sell-words");

	/* news, warnings, help pages */
	const char *head = w->h1 ? w->h1 : w->title_tag;
	if ((w->h1 && any_word(w->h1, strlen(w->h1), NEWS_WORDS)) ||
	    (w->title_tag &&
	     any_word(w->title_tag, strlen(w->title_tag), NEWS_WORDS)))
		ev(v, -5, "news-words");
	if (c->n_ld_article)
		ev(v, -3, "jsonld-article");
	if (c->kind != EXTRACT_KIND_SOCIAL &&
	    (w->n_article || (ogt && !strcasecmp(ogt, "article"))) && w->n_h1 &&
	    w->n_p >= 2 &&
	    (w->n_byline || w->n_time || is_date_line(own, MIN(own_n, 600))))
		ev(v, -3, "news-article");
	if (starts_with_any(head, SITE_PAGES))
		ev(v, -3, "site-page");
}
