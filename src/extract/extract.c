/*
 * extract.c - one page in, one struct extract_result out.
 *
 * Design: a single iterative walk over the libxml2 tree (no recursion, so
 * nesting depth cannot overflow the stack) collects everything at once:
 * the visible text, the text outside links ("own text", what the page
 * itself says, as opposed to link cards pointing elsewhere), image alts,
 * meta/OpenGraph tags, scripts, microdata roots, two-column spec tables and
 * a few structural counters (buy buttons, chat links, long link cards,
 * <article>, bylines).  Then structured data is read (sdata.c, state.c),
 * the profile's XPaths fill what is missing, heuristics fill the rest, and
 * the listing verdict is a weighted sum of the evidence, written out in
 * `why` so an officer (or a test) can see what decided it.
 *
 * The weights are domain reasoning, not corpus tuning: structured product
 * data and platform URL patterns are strong evidence, a lone price or
 * "order via WA" is weak, pages that list many offers (category, search,
 * store, tag pages) or that read like news (an <article> with a headline
 * and a byline, "Peringatan Publik", "Siaran Pers") count against.
 */
#include "extract/extract_int.h"

#include <libxml/uri.h>
#include <libxml/xpathInternals.h>
#include <limits.h>
#include <string.h>

#define LISTING_THRESHOLD 3
#define OWN_TEXT_MAX	  (64 * 1024)
#define CARD_LINK_CHARS	  12  /* a card's link names a product or a post */
#define CARD_MAX_CHARS	  400 /* a card is small */
#define CARD_MAX_NODES	  80
#define XPATH_OP_LIMIT	  2000000

struct extract_priv {
	struct ex_arena arena;
	void *vecs[5];
};

/* ---- small collectors
 * --------------------------------------------------------- */
void *ex_vec_push(struct ex_vec *v, size_t size)
{
	v->v = xgrow(v->v, &v->cap, v->n + 1, size);
	void *p = (char *)v->v + v->n * size;
	memset(p, 0, size);
	v->n++;
	return p;
}

void ex_note(struct ex_ctx *c, const char *fmt, ...)
{
	if (c->notes.n >= EXTRACT_MAX_NOTES) {
		c->notes_full = true;
		return;
	}
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	char line[1024];
	snprintf(line, sizeof(line), "%.400s: %s", c->url ? c->url : "-", msg);
	const char **slot = ex_vec_push(&c->notes, sizeof(char *));
	*slot = ex_strdup(c->arena, line);
}

void ex_fact(struct ex_ctx *c, const char *src, const char *key,
	     const char *val, size_t n)
{
	if (c->facts.n >= EXTRACT_MAX_FACTS || !val)
		return;
	struct extract_fact *f = ex_vec_push(&c->facts, sizeof(*f));
	f->source = src;
	f->key = ex_strdup(c->arena, key);
	f->value = ex_strndup_cap(c->arena, val, n, 2048);
}

void ex_prop(struct ex_ctx *c, const char *src, const char *name, size_t nn,
	     const char *val, size_t vn)
{
	if (c->props.n >= EXTRACT_MAX_PROPS)
		return;
	struct buf a, b;
	buf_init(&a, 256);
	buf_init(&b, 4096);
	ex_clean_text(name, nn, false, false, &a);
	while (a.len && (a.p[a.len - 1] == ':' || a.p[a.len - 1] == ' '))
		a.p[--a.len] = 0;
	ex_clean_text(val, vn, false, memchr(val, '<', vn) != NULL, &b);
	if (!a.len || !b.len)
		goto out;
	struct extract_prop *v = c->props.v;
	for (size_t i = 0; i < c->props.n; i++)
		if (!strcmp(v[i].name, a.p) && !strcmp(v[i].value, b.p))
			goto out;
	struct extract_prop *p = ex_vec_push(&c->props, sizeof(*p));
	p->name = ex_strndup(c->arena, a.p, a.len);
	p->value = ex_strndup(c->arena, b.p, b.len);
	p->source = src;
out:
	buf_release(&a);
	buf_release(&b);
}

struct ex_offer *ex_offer_new(struct ex_ctx *c, const char *src)
{
	struct ex_offer *o = ex_vec_push(&c->offers, sizeof(*o));
	o->src = src;
	return o;
}

/* ---- elements
 * ------------------------------------------------------------------ */
enum { E_BLOCK = 1, E_SKIP = 2, E_PRE = 4, E_CELL = 8, E_BR = 16 };

static const struct {
	const char *name;
	int f;
} elems[] = {
	/* sorted by strcmp for bsearch */
	{"address", E_BLOCK},
	{"article", E_BLOCK},
	{"aside", E_BLOCK},
	{"audio", E_SKIP},
	{"blockquote", E_BLOCK},
	{"body", E_BLOCK},
	{"br", E_BR},
	{"canvas", E_SKIP},
	{"caption", E_BLOCK},
	{"center", E_BLOCK},
	{"dd", E_BLOCK},
	{"details", E_BLOCK},
	{"dialog", E_BLOCK},
	{"dir", E_BLOCK},
	{"div", E_BLOCK},
	{"dl", E_BLOCK},
	{"dt", E_BLOCK},
	{"embed", E_SKIP},
	{"fieldset", E_BLOCK},
	{"figcaption", E_BLOCK},
	{"figure", E_BLOCK},
	{"footer", E_BLOCK},
	{"form", E_BLOCK},
	{"frameset", E_SKIP},
	{"h1", E_BLOCK},
	{"h2", E_BLOCK},
	{"h3", E_BLOCK},
	{"h4", E_BLOCK},
	{"h5", E_BLOCK},
	{"h6", E_BLOCK},
	{"header", E_BLOCK},
	{"hgroup", E_BLOCK},
	{"hr", E_BLOCK},
	{"html", E_BLOCK},
	{"iframe", E_SKIP},
	{"legend", E_BLOCK},
	{"li", E_BLOCK},
	{"listing", E_BLOCK | E_PRE},
	{"main", E_BLOCK},
	{"math", E_SKIP},
	{"menu", E_BLOCK},
	{"nav", E_BLOCK},
	{"noembed", E_SKIP},
	{"noframes", E_SKIP},
	{"noscript", E_SKIP},
	{"object", E_SKIP},
	{"ol", E_BLOCK},
	{"option", E_BLOCK},
	{"p", E_BLOCK},
	{"plaintext", E_BLOCK | E_PRE},
	{"pre", E_BLOCK | E_PRE},
	{"script", E_SKIP},
	{"section", E_BLOCK},
	{"select", E_BLOCK},
	{"style", E_SKIP},
	{"summary", E_BLOCK},
	{"svg", E_SKIP},
	{"table", E_BLOCK},
	{"tbody", E_BLOCK},
	{"td", E_CELL},
	{"template", E_SKIP},
	{"textarea", E_BLOCK | E_PRE},
	{"tfoot", E_BLOCK},
	{"th", E_CELL},
	{"thead", E_BLOCK},
	{"title", E_SKIP},
	{"tr", E_BLOCK},
	{"ul", E_BLOCK},
	{"video", E_SKIP},
	{"xmp", E_BLOCK | E_PRE},
};

static int elem_flags(const char *name)
{
	size_t lo = 0, hi = ARRAY_LEN(elems);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(name, elems[mid].name);
		if (!r)
			return elems[mid].f;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static const char *attr(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (a->name && strcasecmp((const char *)a->name, name) == 0)
			return a->children && a->children->content
				       ? (const char *)a->children->content
				       : "";
	return NULL;
}

static bool is_el(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name &&
	       strcmp((const char *)n->name, name) == 0;
}

/* ---- text accumulation
 * --------------------------------------------------------- */
struct acc {
	struct buf b;
	int pending; /* 1 space, 2 newline */
	bool full;
};

static void acc_text(struct acc *t, const char *p, size_t n, bool pre)
{
	if (t->full)
		return;
	for (size_t i = 0; i < n;) {
		unsigned char ch = (unsigned char)p[i];
		if (ex_is_space(ch)) {
			t->pending =
				MAX(t->pending, (pre && ch == '\n') ? 2 : 1);
			i++;
			continue;
		}
		if (ch == 0xC2 && i + 1 < n &&
		    (unsigned char)p[i + 1] == 0xA0) {
			t->pending = MAX(t->pending, 1);
			i += 2;
			continue;
		}
		size_t s = i;
		while (i < n && !ex_is_space((unsigned char)p[i]) &&
		       !((unsigned char)p[i] == 0xC2 && i + 1 < n &&
			 (unsigned char)p[i + 1] == 0xA0))
			i++;
		if (t->pending && t->b.len)
			if (buf_putc(&t->b, t->pending == 2 ? '\n' : ' ') < 0)
				t->full = true;
		t->pending = 0;
		if (!t->full && buf_append(&t->b, p + s, i - s) < 0)
			t->full = true;
		if (t->full)
			return;
	}
}

static void acc_break(struct acc *t, int level)
{
	t->pending = MAX(t->pending, level);
}

/* Walk the subtree of `root` calling nothing but text accumulation. */
static void subtree_text(xmlNodePtr root, bool keep_lines, struct acc *t)
{
	if (!root)
		return;
	if (root->type == XML_TEXT_NODE ||
	    root->type == XML_CDATA_SECTION_NODE) {
		if (root->content)
			acc_text(t, (const char *)root->content,
				 strlen((const char *)root->content), false);
		return;
	}
	if (root->type == XML_ATTRIBUTE_NODE) {
		for (xmlNodePtr k = root->children; k; k = k->next)
			if (k->content)
				acc_text(t, (const char *)k->content,
					 strlen((const char *)k->content),
					 false);
		return;
	}
	size_t budget = 100000;
	int pre = 0;
	xmlNodePtr n = root->children;
	while (n && budget-- && !t->full) {
		bool down = false;
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				acc_text(t, (const char *)n->content,
					 strlen((const char *)n->content),
					 pre > 0 && keep_lines);
		} else if (n->type == XML_ELEMENT_NODE && n->name) {
			int f = elem_flags((const char *)n->name);
			if (f & E_BR)
				acc_break(t, keep_lines ? 2 : 1);
			if (!(f & E_SKIP)) {
				if (f & (E_BLOCK))
					acc_break(t, keep_lines ? 2 : 1);
				if (f & E_CELL)
					acc_break(t, 1);
				if (f & E_PRE)
					pre++;
				down = n->children != NULL;
			}
		}
		if (down) {
			n = n->children;
			continue;
		}
		for (;;) {
			if (n->type == XML_ELEMENT_NODE && n->name) {
				int f = elem_flags((const char *)n->name);
				if (!(f & E_SKIP)) {
					if (f & E_BLOCK)
						acc_break(t,
							  keep_lines ? 2 : 1);
					if (f & E_CELL)
						acc_break(t, 1);
					if ((f & E_PRE) && pre > 0)
						pre--;
				}
			}
			if (n->next) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (!n || n == root) {
				n = NULL;
				break;
			}
		}
	}
}

void ex_node_text(xmlNodePtr n, bool keep_lines, struct buf *out)
{
	struct acc t = {.b = *out};
	subtree_text(n, keep_lines, &t);
	*out = t.b;
}

/* Text of a node into the arena (NULL when empty). */
static const char *node_text(struct ex_ctx *c, xmlNodePtr n, bool lines,
			     size_t cap)
{
	struct buf b;
	buf_init(&b, cap);
	ex_node_text(n, lines, &b);
	const char *r = b.len ? ex_strndup(c->arena, b.p, b.len) : NULL;
	buf_release(&b);
	return r;
}

/* ---- the walk
 * ------------------------------------------------------------------ */
struct meta {
	const char *og_type, *og_title, *og_desc, *og_site, *og_price,
		*og_currency, *og_brand, *description;
};

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
	xmlNodePtr card;   /* the card being walked, if any */
	int n_cards;	   /* link cards: small blocks named by a link */
	size_t card_chars; /* their text, non-space characters */
	size_t nodes;
};

/* Whether a (short) attribute value contains one of `words`, which are
 * lower case; case-insensitive. */
static bool class_has(const char *cls, const char *const *words)
{
	if (!cls)
		return false;
	char low[257];
	size_t n = 0;
	for (; cls[n] && n < sizeof(low) - 1; n++) {
		char ch = cls[n];
		low[n] = (char)(ch >= 'A' && ch <= 'Z' ? ch | 0x20 : ch);
	}
	low[n] = 0;
	for (; *words; words++)
		if (strstr(low, *words))
			return true;
	return false;
}

static const char *const W_SELLER[] = {"seller",    "shop-name",  "shopname",
				       "shop_name", "store-name", "storename",
				       "merchant",  "vendor",	  "toko",
				       "penjual",   "pelapak",	  NULL};
static const char *const W_AUTHOR[] = {"author", "username",  "user-name",
				       "poster", "post-meta", NULL};
static const char *const W_DESC[] = {"description",
				     "desc",
				     "caption",
				     "post-content",
				     "post-body",
				     "post-text",
				     "entry-content",
				     "listing-body",
				     "deskripsi",
				     "keterangan",
				     NULL};
static const char *const W_PRICE[] = {"price", "harga", NULL};
static const char *const W_BYLINE[] = {"byline", "dateline", "article-meta",
				       "news-meta", NULL};
static const char *const W_SITE[] = {"site-title",    "site-name", "sitename",
				     "site-branding", "logo",	   NULL};
static const char *const W_BUY[] = {"beli",	"buy",	 "keranjang",
				    "cart",	"pesan", "order",
				    "checkout", "bayar", NULL};

static void meta_tag(struct ex_ctx *c, struct walkstate *w, xmlNodePtr n)
{
	if (attr(n, "itemprop"))
		return; /* microdata */
	const char *k = attr(n, "property");
	if (!k)
		k = attr(n, "name");
	const char *v = attr(n, "content");
	if (!k || !v || !*v)
		return;
	static const struct {
		const char *key;
		size_t off;
	} known[] = {
		{"og:type", offsetof(struct meta, og_type)},
		{"og:title", offsetof(struct meta, og_title)},
		{"og:description", offsetof(struct meta, og_desc)},
		{"og:site_name", offsetof(struct meta, og_site)},
		{"product:price:amount", offsetof(struct meta, og_price)},
		{"og:price:amount", offsetof(struct meta, og_price)},
		{"product:price:currency", offsetof(struct meta, og_currency)},
		{"og:price:currency", offsetof(struct meta, og_currency)},
		{"product:brand", offsetof(struct meta, og_brand)},
		{"og:brand", offsetof(struct meta, og_brand)},
		{"description", offsetof(struct meta, description)},
		{"twitter:title", offsetof(struct meta, og_title)},
		{"twitter:description", offsetof(struct meta, og_desc)},
	};
	for (size_t i = 0; i < ARRAY_LEN(known); i++) {
		if (strcasecmp(k, known[i].key) != 0)
			continue;
		const char **slot =
			(const char **)((char *)&w->m + known[i].off);
		if (!*slot) {
			struct buf b;
			buf_init(&b, EXTRACT_MAX_FIELD);
			ex_clean_text(v, strlen(v), true, false, &b);
			*slot = b.len ? ex_strndup(c->arena, b.p, b.len) : NULL;
			buf_release(&b);
			if (*slot)
				ex_fact(c,
					strncmp(k, "og:",
						3) && strncmp(k, "product:", 8)
						? "meta"
						: "og",
					k, *slot, strlen(*slot));
		}
		return;
	}
}

static void spec_row(struct ex_ctx *c, xmlNodePtr tr)
{
	xmlNodePtr cells[3];
	int nc = 0;
	for (xmlNodePtr k = tr->children; k && nc < 3; k = k->next)
		if (is_el(k, "td") || is_el(k, "th"))
			cells[nc++] = k;
	if (nc != 2)
		return;
	const char *a = node_text(c, cells[0], false, 256);
	const char *b = node_text(c, cells[1], false, 4096);
	if (a && b && strlen(a) <= 80)
		ex_prop(c, "table", a, strlen(a), b, strlen(b));
}

static void spec_dl(struct ex_ctx *c, xmlNodePtr dl)
{
	const char *name = NULL;
	int budget = 256;
	for (xmlNodePtr k = dl->children; k && budget--; k = k->next) {
		if (is_el(k, "dt")) {
			name = node_text(c, k, false, 256);
		} else if (is_el(k, "dd") && name) {
			const char *v = node_text(c, k, false, 4096);
			if (v && strlen(name) <= 80)
				ex_prop(c, "table", name, strlen(name), v,
					strlen(v));
			name = NULL;
		}
	}
}

/* The path of href relative to this page's host; NULL if another host. */
static const char *href_path(const struct ex_ctx *c, const char *href)
{
	if (href[0] == '/' && href[1] != '/')
		return href;
	const char *s = strstr(href, "://");
	if (!s || s - href > 8)
		return NULL;
	s += 3;
	size_t hl = strlen(c->u.host);
	if (!hl || strncasecmp(s, c->u.host, hl) != 0)
		return NULL;
	s += hl;
	while (*s == ':' || (*s >= '0' && *s <= '9'))
		s++;
	return *s == '/' ? s : NULL;
}

static const char *const CHAT_HOSTS[] = {"wa.me/",	"api.whatsapp.com",
					 "whatsapp://", "t.me/",
					 "line.me/",	"m.me/",
					 NULL};

/* A link to another page of this site (not a fragment, chat, mail or
 * script link, and not this page itself). */
static bool site_link(const struct ex_ctx *c, const char *href)
{
	if (!href || !*href || href[0] == '#' || href[0] == '?')
		return false;
	if (!strncasecmp(href, "javascript:", 11) ||
	    !strncasecmp(href, "mailto:", 7) || !strncasecmp(href, "tel:", 4) ||
	    class_has(href, CHAT_HOSTS))
		return false;
	const char *path = href_path(c, href);
	if (!path) {
		/* relative ("produk/x/") or another host */
		const char *colon = strchr(href, ':');
		const char *slash = strchr(href, '/');
		if ((colon && (!slash || colon < slash)) ||
		    (href[0] == '/' && href[1] == '/'))
			return false;
		return true;
	}
	size_t own = c->u.path_len;
	return !(strncmp(path, c->u.target, own) == 0 &&
		 (path[own] == 0 || path[own] == '?' || path[own] == '#'));
}

/* Non-space characters under n (bounded) and the first one. */
static size_t text_info(xmlNodePtr root, size_t cap, char *first)
{
	size_t len = 0, budget = 200;
	*first = 0;
	xmlNodePtr n = root->children;
	while (n && len < cap && budget--) {
		if (n->type == XML_TEXT_NODE && n->content) {
			const char *s = (const char *)n->content;
			for (; *s && len < cap; s++)
				if (!ex_is_space((unsigned char)*s)) {
					if (!len)
						*first = *s;
					len++;
				}
		}
		if (n->type == XML_ELEMENT_NODE && n->children &&
		    !(elem_flags((const char *)n->name) & E_SKIP)) {
			n = n->children;
			continue;
		}
		while (n && !n->next) {
			n = n->parent;
			if (n == root)
				n = NULL;
		}
		if (n)
			n = n->next;
	}
	return len;
}

/* A card: a small block whose text is mostly one link to another page of
 * the site (a product in a category grid, a post on a tag page, a thread in
 * a board).  Pages made of cards list offers; they are not one. */
static bool is_card(const struct ex_ctx *c, xmlNodePtr root, size_t *chars)
{
	size_t total = 0, best = 0, budget = CARD_MAX_NODES;
	xmlNodePtr n = root->children;
	while (n) {
		if (!budget--)
			return false;
		bool down = false;
		if (n->type == XML_TEXT_NODE && n->content) {
			for (const char *s = (const char *)n->content; *s; s++)
				total += !ex_is_space((unsigned char)*s);
		} else if (n->type == XML_ELEMENT_NODE && n->name) {
			int f = elem_flags((const char *)n->name);
			if (is_el(n, "a")) {
				char first;
				size_t l = text_info(n, CARD_MAX_CHARS, &first);
				total += l;
				if (first != '#' && l > best &&
				    site_link(c, attr(n, "href")))
					best = l;
			} else if (!(f & E_SKIP)) {
				down = n->children != NULL;
			}
		}
		if (total > CARD_MAX_CHARS)
			return false;
		if (down) {
			n = n->children;
			continue;
		}
		while (n && !n->next) {
			n = n->parent;
			if (n == root)
				n = NULL;
		}
		if (n)
			n = n->next;
	}
	*chars = total;
	return best >= CARD_LINK_CHARS && best * 3 >= total;
}

static bool card_tag(const char *name)
{
	static const char *const tags[] = {
		"li", "tr", "td", "article", "div", "section", "figure",
		"dd", "dt", "p",  "h2",	     "h3",  "h4",      NULL};
	for (const char *const *t = tags; *t; t++)
		if (!strcmp(name, *t))
			return true;
	return false;
}

/* List items are cards on their own; any other block only in company: a
 * lone "shop name, city" box is part of the page, a row of them is not. */
static bool list_item(const char *name)
{
	return !strcmp(name, "li") || !strcmp(name, "tr") ||
	       !strcmp(name, "dd") || !strcmp(name, "dt");
}

static bool same_kind(xmlNodePtr a, xmlNodePtr b)
{
	if (a->type != XML_ELEMENT_NODE ||
	    strcmp((const char *)a->name, (const char *)b->name))
		return false;
	const char *ca = attr(a, "class"), *cb = attr(b, "class");
	return (!ca && !cb) || (ca && cb && !strcmp(ca, cb));
}

static bool sibling_card(const struct ex_ctx *c, xmlNodePtr n)
{
	size_t dummy;
	int budget = 8;
	for (xmlNodePtr s = n->prev; s && budget; s = s->prev)
		if (s->type == XML_ELEMENT_NODE && budget--)
			if (same_kind(s, n) && is_card(c, s, &dummy))
				return true;
	budget = 8;
	for (xmlNodePtr s = n->next; s && budget; s = s->next)
		if (s->type == XML_ELEMENT_NODE && budget--)
			if (same_kind(s, n) && is_card(c, s, &dummy))
				return true;
	return false;
}

static void link_tag(struct ex_ctx *c, struct walkstate *w, xmlNodePtr n)
{
	const char *href = attr(n, "href");
	if (!href || !*href || href[0] == '#')
		return;
	if (class_has(href, CHAT_HOSTS))
		w->n_chat_links++;
	if (!strncasecmp(href, "javascript:", 11) ||
	    !strncasecmp(href, "mailto:", 7) || !strncasecmp(href, "tel:", 4))
		return;
	const char *path = href_path(c, href);
	if (path && c->prof && c->prof->n_listing) {
		size_t pl = strcspn(path, "#");
		size_t own = c->u.path_len;
		bool self = strncmp(path, c->u.target, own) == 0 &&
			    (path[own] == 0 || path[own] == '?' ||
			     path[own] == '#');
		if (!self && ex_regex_any(c->prof->listing, c->prof->n_listing,
					  path, pl))
			w->n_listing_links++;
	}
}

static bool button_is_buy(struct ex_ctx *c, xmlNodePtr n)
{
	const char *v = attr(n, "value");
	if (v && class_has(v, W_BUY))
		return true;
	const char *t = node_text(c, n, false, 80);
	return t && class_has(t, W_BUY);
}

/* Site chrome: footers, navigation, the site header.  Their text is the
 * platform's, not the page's (customer-service numbers, menus). */
static bool class_token(const char *v, const char *const *exact,
			const char *const *contains)
{
	if (!v)
		return false;
	const char *s = v;
	while (*s) {
		while (*s == ' ')
			s++;
		size_t l = strcspn(s, " ");
		if (!l)
			break;
		for (const char *const *e = exact; *e; e++) {
			size_t el = strlen(*e);
			if ((l == el && !strncasecmp(s, *e, l)) ||
			    (l > el && !strncasecmp(s + l - el, *e, el) &&
			     (s[l - el - 1] == '-' || s[l - el - 1] == '_')))
				return true;
		}
		for (const char *const *c = contains; *c; c++)
			if (ex_find_ci(s, l, *c) >= 0)
				return true;
		s += l;
	}
	return false;
}

static bool is_chrome(xmlNodePtr n, const char *cls, const char *id)
{
	const char *name = (const char *)n->name;
	if (!strcmp(name, "footer") || !strcmp(name, "nav"))
		return true;
	if (!strcmp(name, "header") && n->parent &&
	    (is_el(n->parent, "body") || is_el(n->parent, "html")))
		return true;
	const char *role = attr(n, "role");
	if (role &&
	    (!strcasecmp(role, "contentinfo") ||
	     !strcasecmp(role, "navigation") || !strcasecmp(role, "banner")))
		return true;
	static const char *const exact[] = {"foot", "ftr", "navbar", "menu",
					    NULL};
	static const char *const contains[] = {"footer", "crumb", NULL};
	return class_token(cls, exact, contains) ||
	       class_token(id, exact, contains);
}

/* Called when entering an element; returns whether to descend. */
static bool enter(struct ex_ctx *c, struct walkstate *w, xmlNodePtr n)
{
	const char *name = (const char *)n->name;
	int f = elem_flags(name);
	switch (name[0]) {
	case 'a':
		if (!strcmp(name, "a")) {
			link_tag(c, w, n);
			w->in_link++;
			const char *cls = attr(n, "class");
			if (cls &&
			    class_has(cls,
				      (const char *const[]){"btn", "button",
							    NULL}) &&
			    button_is_buy(c, n))
				w->n_buy += !w->card;
		} else if (!strcmp(name, "article")) {
			w->n_article++;
		}
		break;
	case 'b':
		if (!strcmp(name, "button") && button_is_buy(c, n))
			w->n_buy += !w->card;
		break;
	case 'd':
		if (!strcmp(name, "dl"))
			spec_dl(c, n);
		break;
	case 'f':
		if (!strcmp(name, "form")) {
			static const char *const cart[] = {
				"cart", "keranjang", "checkout",
				"beli", "order",     NULL};
			if (class_has(attr(n, "action"), cart) ||
			    class_has(attr(n, "class"), cart) ||
			    class_has(attr(n, "id"), cart))
				w->n_buy += !w->card;
		}
		break;
	case 'h':
		if (!strcmp(name, "h1")) {
			w->n_h1++;
			if (!w->h1)
				w->h1 = node_text(c, n, false, 1024);
		} else if (!strcmp(name, "head")) {
			w->in_head++;
		}
		break;
	case 'i':
		if (!strcmp(name, "img")) {
			w->n_img++;
			const char *alt = attr(n, "alt");
			if (alt && *alt && c->alts.n < EXTRACT_MAX_ALTS) {
				struct buf b;
				buf_init(&b, 2048);
				ex_clean_text(alt, strlen(alt), false, false,
					      &b);
				bool dup = false;
				const char **v = c->alts.v;
				for (size_t i = 0; b.len && i < c->alts.n; i++)
					dup = dup || !strcmp(v[i], b.p);
				if (b.len && !dup)
					*(const char **)ex_vec_push(
						&c->alts, sizeof(char *)) =
						ex_strndup(c->arena, b.p,
							   b.len);
				buf_release(&b);
			}
		} else if (!strcmp(name, "input")) {
			const char *t = attr(n, "type");
			if (t &&
			    (!strcasecmp(t, "submit") ||
			     !strcasecmp(t, "button")) &&
			    button_is_buy(c, n))
				w->n_buy += !w->card;
		}
		break;
	case 'l':
		if (!strcmp(name, "link")) {
			const char *rel = attr(n, "rel");
			const char *href = attr(n, "href");
			if (rel && href && *href && !w->canonical &&
			    ex_find_word(rel, strlen(rel), "canonical") >= 0)
				w->canonical = href;
		}
		break;
	case 'm':
		if (!strcmp(name, "meta"))
			meta_tag(c, w, n);
		break;
	case 'p':
		if (!strcmp(name, "p"))
			w->n_p++;
		break;
	case 's':
		if (!strcmp(name, "script"))
			*(xmlNodePtr *)ex_vec_push(&c->scripts,
						   sizeof(xmlNodePtr)) = n;
		break;
	case 't':
		if (!strcmp(name, "title")) {
			if (!w->title_tag)
				w->title_tag = node_text(c, n, false, 1024);
		} else if (!strcmp(name, "tr")) {
			spec_row(c, n);
		} else if (!strcmp(name, "time")) {
			w->n_time++;
		}
		break;
	}
	if (f & E_SKIP)
		return false;
	/* class and id: where the seller, description and price are */
	const char *cls = attr(n, "class");
	const char *id = attr(n, "id");
	if (w->chrome < (int)ARRAY_LEN(w->chrome_node) && is_chrome(n, cls, id))
		w->chrome_node[w->chrome++] = n;
	size_t cc;
	if (!w->card && !w->chrome && card_tag(name) && is_card(c, n, &cc) &&
	    (list_item(name) || sibling_card(c, n))) {
		w->card = n;
		w->n_cards++;
		w->card_chars += cc;
	}
	if (cls || id) {
		if (!w->seller_node &&
		    (class_has(cls, W_SELLER) || class_has(id, W_SELLER)))
			w->seller_node = n;
		if (!w->author_node &&
		    (class_has(cls, W_AUTHOR) || class_has(id, W_AUTHOR)))
			w->author_node = n;
		if (!w->desc_node &&
		    (class_has(cls, W_DESC) || class_has(id, W_DESC)))
			w->desc_node = n;
		if (!w->price_node &&
		    (class_has(cls, W_PRICE) || class_has(id, W_PRICE)))
			w->price_node = n;
		if (class_has(cls, W_BYLINE))
			w->n_byline++;
		if (!w->site_node && !w->card &&
		    (class_has(cls, W_SITE) || class_has(id, W_SITE)))
			w->site_node = n;
	}
	const char *rel = attr(n, "rel");
	if (rel && ex_find_word(rel, strlen(rel), "author") >= 0)
		w->n_byline++;
	if (attr(n, "itemscope")) {
		const char *t = attr(n, "itemtype");
		if (t && ex_is_product_type(t, strcspn(t, " ")) &&
		    c->items.n < 64)
			*(xmlNodePtr *)ex_vec_push(&c->items,
						   sizeof(xmlNodePtr)) = n;
	}
	if (f & E_BR) {
		acc_break(&w->text, 2);
		acc_break(&w->own, 2);
	}
	if (f & E_BLOCK) {
		acc_break(&w->text, 2);
		acc_break(&w->own, 2);
	}
	if (f & E_CELL) {
		acc_break(&w->text, 1);
		acc_break(&w->own, 1);
	}
	if (f & E_PRE)
		w->pre++;
	return true;
}

static void leave(struct walkstate *w, xmlNodePtr n)
{
	const char *name = (const char *)n->name;
	int f = elem_flags(name);
	if (f & E_SKIP)
		return;
	if (w->chrome && w->chrome_node[w->chrome - 1] == n)
		w->chrome--;
	if (w->card == n)
		w->card = NULL;
	if (!strcmp(name, "a") && w->in_link > 0)
		w->in_link--;
	else if (!strcmp(name, "head") && w->in_head > 0)
		w->in_head--;
	if (f & E_BLOCK) {
		acc_break(&w->text, 2);
		acc_break(&w->own, 2);
	}
	if (f & E_CELL) {
		acc_break(&w->text, 1);
		acc_break(&w->own, 1);
	}
	if ((f & E_PRE) && w->pre > 0)
		w->pre--;
}

/* Whether a text ends with the word that introduces a seller's name. */
static bool ends_with_byword(const char *s, size_t n)
{
	static const char *const words[] = {
		"oleh",	 "by",	    "penjual:",	   "seller:", "pengiklan:",
		"toko:", "penjual", "dijual oleh", NULL};
	while (n && (ex_is_space((unsigned char)s[n - 1])))
		n--;
	for (const char *const *w = words; *w; w++) {
		size_t l = strlen(*w);
		if (n >= l && !strncasecmp(s + n - l, *w, l) &&
		    (n == l || !((s[n - l - 1] | 0x20) >= 'a' &&
				 (s[n - l - 1] | 0x20) <= 'z')))
			return true;
	}
	return false;
}

static void walk(struct ex_ctx *c, struct walkstate *w, xmlNodePtr root)
{
	xmlNodePtr n = root;
	while (n) {
		bool down = false;
		if (++w->nodes > EXTRACT_MAX_NODES) {
			ex_note(c, "more than %d HTML nodes; rest not read",
				EXTRACT_MAX_NODES);
			return;
		}
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			if (n->content && !w->in_head) {
				const char *s = (const char *)n->content;
				size_t l = strlen(s);
				acc_text(&w->text, s, l, w->pre > 0);
				if (!w->in_link && !w->chrome && !w->card)
					acc_text(&w->own, s, l, w->pre > 0);
				if (!w->byline_node && !w->chrome && n->next &&
				    n->next->type == XML_ELEMENT_NODE &&
				    ends_with_byword(s, l))
					w->byline_node = n->next;
			}
		} else if (n->type == XML_ELEMENT_NODE && n->name) {
			down = enter(c, w, n) && n->children;
		}
		if (down) {
			n = n->children;
			continue;
		}
		for (;;) {
			if (n->type == XML_ELEMENT_NODE && n->name)
				leave(w, n);
			if (n->next) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (!n || n->type == XML_DOCUMENT_NODE ||
			    n->type == XML_HTML_DOCUMENT_NODE) {
				n = NULL;
				break;
			}
		}
	}
}

/* ---- scripts
 * -------------------------------------------------------------------- */
static void read_scripts(struct ex_ctx *c)
{
	xmlNodePtr *v = c->scripts.v;
	int ld = 0;
	for (size_t i = 0; i < c->scripts.n; i++) {
		xmlNodePtr n = v[i];
		if (!n->children)
			continue;
		const char *type = attr(n, "type");
		const char *id = attr(n, "id");
		struct buf b = BUF_INIT;
		const char *p;
		size_t len;
		if (!n->children->next && n->children->content) {
			p = (const char *)n->children->content;
			len = strlen(p);
		} else {
			/* Several text nodes: join them, capped. */
			buf_init(&b, EXTRACT_MAX_JSON_TOTAL);
			for (xmlNodePtr k = n->children; k; k = k->next)
				if (k->content &&
				    buf_puts(&b, (const char *)k->content) <
					    0) {
					ex_note(c,
						"script longer than %d "
						"bytes; read in part",
						EXTRACT_MAX_JSON_TOTAL);
					break;
				}
			p = b.p ? b.p : "";
			len = b.len;
		}
		if (type && ex_find_ci(type, strlen(type), "ld+json") >= 0)
			ex_jsonld(c, p, len, ++ld);
		else if (len >= 24 && memchr(p, '{', len))
			ex_state_script(c, type, id, p, len);
		buf_release(&b);
	}
}

/* ---- profile XPaths
 * ------------------------------------------------------------ */
static void xp_silent(void *ud, xmlErrorPtr e)
{
	(void)ud;
	(void)e;
}

static xmlXPathObjectPtr xp_run(struct ex_ctx *c, xmlXPathContextPtr x,
				const struct ex_xpath *e)
{
	x->opCount = 0;
	x->opLimit = XPATH_OP_LIMIT;
	x->node = (xmlNodePtr)c->doc;
	xmlXPathObjectPtr r = xmlXPathCompiledEval(e->comp, x);
	if (!r)
		ex_note(c, "profile %s: XPath failed or over its limit: %.200s",
			c->prof->name, e->src);
	xmlResetError(&x->lastError);
	return r;
}

/* Text of the first non-empty result of a profile's XPaths for `k`. */
static const char *xp_text(struct ex_ctx *c, xmlXPathContextPtr x, enum ex_xp k,
			   bool lines, size_t cap)
{
	const struct ex_profile *p = c->prof;
	for (size_t i = 0; p && i < p->n_xp[k]; i++) {
		xmlXPathObjectPtr r = xp_run(c, x, &p->xp[k][i]);
		if (!r)
			continue;
		const char *s = NULL;
		char num[64];
		if (r->type == XPATH_NODESET && r->nodesetval) {
			for (int j = 0;
			     j < r->nodesetval->nodeNr && !s && j < 8; j++)
				s = node_text(c, r->nodesetval->nodeTab[j],
					      lines, cap);
		} else if (r->type == XPATH_STRING && r->stringval &&
			   *r->stringval) {
			struct buf b;
			buf_init(&b, cap);
			ex_clean_text((const char *)r->stringval,
				      strlen((const char *)r->stringval), lines,
				      false, &b);
			s = b.len ? ex_strndup(c->arena, b.p, b.len) : NULL;
			buf_release(&b);
		} else if (r->type == XPATH_NUMBER &&
			   r->floatval == r->floatval) {
			snprintf(num, sizeof(num), "%.15g", r->floatval);
			s = ex_strdup(c->arena, num);
		}
		xmlXPathFreeObject(r);
		if (s) {
			ex_fact(c, "profile", p->xp[k][i].src, s, strlen(s));
			return s;
		}
	}
	return NULL;
}

static bool xp_marker(struct ex_ctx *c, xmlXPathContextPtr x, enum ex_xp k)
{
	const struct ex_profile *p = c->prof;
	for (size_t i = 0; p && i < p->n_xp[k]; i++) {
		xmlXPathObjectPtr r = xp_run(c, x, &p->xp[k][i]);
		if (!r)
			continue;
		bool hit = false;
		switch (r->type) {
		case XPATH_NODESET:
			hit = r->nodesetval && r->nodesetval->nodeNr > 0;
			break;
		case XPATH_BOOLEAN:
			hit = r->boolval;
			break;
		case XPATH_NUMBER:
			hit = r->floatval != 0 && r->floatval == r->floatval;
			break;
		case XPATH_STRING:
			hit = r->stringval && *r->stringval;
			break;
		default:
			break;
		}
		xmlXPathFreeObject(r);
		if (hit)
			return true;
	}
	return false;
}

static const char *resolve(struct ex_ctx *c, const char *href)
{
	if (!href || !*href)
		return NULL;
	while (ex_is_space((unsigned char)*href))
		href++;
	xmlChar *r = xmlBuildURI(BAD_CAST href, BAD_CAST c->url);
	const char *out = ex_strdup(c->arena, r ? (const char *)r : href);
	xmlFree(r);
	return out;
}

/* ---- prices in text
 * ------------------------------------------------------------ */
struct pricescan {
	int count;
	const char *first; /* arena copy of the first price as written */
	double amount;
	const char *currency;
};

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

static void scan_prices(struct ex_ctx *c, const char *s, size_t n,
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

/* ---- merging offers
 * ------------------------------------------------------------- */
struct picked {
	const char *title, *description, *brand, *seller, *seller_url;
	const char *currency, *price_text;
	double price;
	bool has_price;
	const char *price_src;
};

static int src_rank(const char *s)
{
	if (!strcmp(s, "jsonld"))
		return 0;
	if (!strcmp(s, "microdata"))
		return 1;
	return 2;
}

static void merge_offers(struct ex_ctx *c, struct picked *pk)
{
	struct ex_offer *v = c->offers.v;
	for (int rank = 0; rank < 3; rank++) {
		struct ex_offer *best = NULL;
		for (size_t i = 0; i < c->offers.n; i++) {
			if (src_rank(v[i].src) != rank || !v[i].name)
				continue;
			if (!best ||
			    (!best->has_price && v[i].has_price && i < 4))
				best = &v[i];
		}
		if (!best)
			continue;
		if (!pk->title)
			pk->title = best->name;
		if (!pk->description)
			pk->description = best->description;
		if (!pk->brand)
			pk->brand = best->brand;
		if (!pk->seller)
			pk->seller = best->seller;
		if (!pk->seller_url && best->seller_url)
			pk->seller_url = resolve(c, best->seller_url);
		if (!pk->has_price && best->has_price) {
			pk->has_price = true;
			pk->price = best->price;
			pk->currency = best->currency;
			pk->price_text = best->price_text;
			pk->price_src = best->src;
		}
	}
}

/* The shop's name inside a seller block: a "*name*" child, a link, bold
 * text, or the block's first line. */
static void seller_from_node(struct ex_ctx *c, xmlNodePtr n, struct picked *pk)
{
	xmlNodePtr link = NULL, named = NULL, bold = NULL;
	size_t budget = 200;
	xmlNodePtr k = n->children;
	while (k && budget--) {
		if (k->type == XML_ELEMENT_NODE) {
			const char *cls = attr(k, "class");
			if (!named && cls &&
			    class_has(cls, (const char *const[]){"name", NULL}))
				named = k;
			if (!link && is_el(k, "a"))
				link = k;
			if (!bold && (is_el(k, "b") || is_el(k, "strong")))
				bold = k;
			if (k->children) {
				k = k->children;
				continue;
			}
		}
		while (k && !k->next) {
			k = k->parent;
			if (k == n)
				k = NULL;
		}
		if (k)
			k = k->next;
	}
	xmlNodePtr pick = named ? named : link ? link : bold;
	const char *t =
		pk->seller ? NULL : node_text(c, pick ? pick : n, true, 512);
	if (t) {
		size_t l = strcspn(t, "\n\xC2"); /* first line, before a '·' */
		while (l && t[l - 1] == ' ')
			l--;
		if (l && l <= 120)
			pk->seller = ex_strndup(c->arena, t, l);
	}
	xmlNodePtr a = is_el(n, "a") ? n : link;
	if (!pk->seller_url && a && attr(a, "href"))
		pk->seller_url = resolve(c, attr(a, "href"));
}

/* "Product | Shop" -> "Product" when the tail is short. */
static const char *strip_site(struct ex_ctx *c, const char *t)
{
	static const char *const seps[] = {
		" | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: ", NULL};
	const char *cut = NULL;
	for (const char *const *s = seps; *s; s++) {
		const char *p = t, *last = NULL;
		while ((p = strstr(p, *s)))
			last = p++;
		if (last && (!cut || last > cut))
			cut = last;
	}
	size_t tl = strlen(t);
	if (cut && (size_t)(cut - t) >= 8 && tl - (size_t)(cut - t) <= 40)
		return ex_strndup(c->arena, t, (size_t)(cut - t));
	return t;
}

static const char *first_line(struct ex_ctx *c, const char *s, size_t max)
{
	if (!s)
		return NULL;
	size_t l = strcspn(s, "\n");
	if (l > max) {
		l = max;
		while (l && ((unsigned char)s[l] & 0xC0) == 0x80)
			l--;
	}
	return l ? ex_strndup(c->arena, s, l) : NULL;
}

/* ---- the verdict
 * ---------------------------------------------------------------- */
struct verdict {
	int score;
	struct buf why;
};

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

static void decide(struct ex_ctx *c, struct walkstate *w, xmlXPathContextPtr x,
		   struct verdict *v)
{
	const struct ex_profile *p = c->prof;
	bool deflt = !p || p->is_default;
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
	if (p && p->n_xp[EX_XP_LISTING] && xp_marker(c, x, EX_XP_LISTING))
		ev(v, 5, "marker-listing");
	if (p && p->n_xp[EX_XP_NOT_LISTING] &&
	    xp_marker(c, x, EX_XP_NOT_LISTING))
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
	scan_prices(c, own, own_n, &mine);
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
		     any_word_lc(low, own_n, SELL_PRODUCT);
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

/* ---- fields
 * ---------------------------------------------------------------------- */
static void field(struct ex_ctx *c, const char *name, const char *text)
{
	if (!text || !*text)
		return;
	struct extract_field *f = ex_vec_push(&c->fields, sizeof(*f));
	f->name = name;
	f->text = text;
	f->len = strlen(text);
}

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* ---- entry points
 * ---------------------------------------------------------------- */
static void fill_fields(struct ex_ctx *c, struct walkstate *w,
			struct picked *pk, xmlXPathContextPtr x)
{
	struct extract_result *r = c->res;
	bool social = c->kind == EXTRACT_KIND_SOCIAL;
	struct meta *m = &w->m;

	/* profile XPaths fill what structured data left empty */
	if (c->prof && x) {
		if (!pk->title)
			pk->title = xp_text(c, x, EX_XP_TITLE, false, 1024);
		if (!pk->description)
			pk->description = xp_text(c, x, EX_XP_DESCRIPTION, true,
						  EXTRACT_MAX_FIELD);
		if (!pk->brand)
			pk->brand = xp_text(c, x, EX_XP_BRAND, false, 256);
		if (!pk->seller)
			pk->seller = xp_text(c, x, EX_XP_SELLER, false, 256);
		if (!pk->seller_url)
			pk->seller_url =
				resolve(c, xp_text(c, x, EX_XP_SELLER_URL,
						   false, 2048));
		if (!pk->has_price) {
			const char *t = xp_text(c, x, EX_XP_PRICE, false, 256);
			const char *cur = NULL;
			if (t &&
			    extract_parse_price(slice_from(t), &pk->price,
						&cur) == 0 &&
			    pk->price > 0) {
				pk->has_price = true;
				pk->price_text = t;
				pk->currency = cur;
				pk->price_src = "profile";
			}
		}
		if (!pk->currency)
			pk->currency = xp_text(c, x, EX_XP_CURRENCY, false, 16);
	}

	/* then the page's own markup */
	if (!pk->description && w->desc_node)
		pk->description =
			node_text(c, w->desc_node, true, EXTRACT_MAX_FIELD);
	if (!pk->description)
		pk->description = m->og_desc ? m->og_desc : m->description;
	if (!pk->title) {
		if (social)
			pk->title = first_line(c, pk->description, 200);
		else if (w->h1)
			pk->title = w->h1;
		else if (m->og_title)
			pk->title = m->og_title;
		else if (w->title_tag)
			pk->title = strip_site(c, w->title_tag);
	}
	if (!pk->brand)
		pk->brand = m->og_brand;
	if (!pk->has_price && m->og_price) {
		const char *cur = NULL;
		if (extract_parse_price(slice_from(m->og_price), &pk->price,
					&cur) == 0 &&
		    pk->price > 0) {
			pk->has_price = true;
			pk->currency = m->og_currency ? m->og_currency : cur;
			pk->price_src = "og";
		}
	}
	if (!pk->has_price) {
		struct pricescan ps = {0};
		const char *src = "text";
		if (w->price_node) {
			const char *t = node_text(c, w->price_node, false, 256);
			if (t)
				scan_prices(c, t, strlen(t), &ps);
			if (!ps.first && t &&
			    extract_parse_price(slice_from(t), &ps.amount,
						&ps.currency) == 0 &&
			    ps.amount > 0 && strlen(t) < 40)
				ps.first = t;
		}
		if (!ps.first)
			scan_prices(c, w->own.b.p ? w->own.b.p : "",
				    w->own.b.len, &ps);
		if (ps.first) {
			pk->has_price = true;
			pk->price = ps.amount;
			pk->currency = ps.currency;
			pk->price_text = ps.first;
			pk->price_src = src;
			ex_fact(c, "text", "price", ps.first, strlen(ps.first));
		}
	}
	if (!pk->seller && w->seller_node)
		seller_from_node(c, w->seller_node, pk);
	if (pk->seller && !pk->seller_url && w->seller_node)
		seller_from_node(c, w->seller_node, pk); /* its link only */
	bool people = c->kind == EXTRACT_KIND_SOCIAL ||
		      c->kind == EXTRACT_KIND_CLASSIFIEDS ||
		      c->kind == EXTRACT_KIND_UNKNOWN;
	if (!pk->seller && w->author_node && people)
		seller_from_node(c, w->author_node, pk);
	if (!pk->seller && w->byline_node && people)
		seller_from_node(c, w->byline_node, pk);
	/* An independent shop is its own seller: the site's name. */
	if (!pk->seller && (c->kind == EXTRACT_KIND_WEBSHOP ||
			    c->kind == EXTRACT_KIND_UNKNOWN)) {
		if (w->site_node)
			seller_from_node(c, w->site_node, pk);
		if (!pk->seller && m->og_site &&
		    c->kind == EXTRACT_KIND_WEBSHOP)
			pk->seller = m->og_site;
	}

	/* currency: ISO code, IDR when unsaid */
	if (pk->has_price) {
		const char *cu = pk->currency;
		if (!cu || !strcasecmp(cu, "rp") || !strcasecmp(cu, "rupiah"))
			cu = "IDR";
		char iso[4] = {0};
		size_t l = strlen(cu);
		if (l == 3) {
			for (int i = 0; i < 3; i++)
				iso[i] = (char)(cu[i] >= 'a' && cu[i] <= 'z'
							? cu[i] - 32
							: cu[i]);
			cu = ex_strdup(c->arena, iso);
		} else {
			cu = "IDR";
		}
		r->currency = cu;
		r->has_price = true;
		r->price = pk->price;
		r->price_text = pk->price_text;
	}
	r->title = pk->title;
	r->description = pk->description;
	r->brand = pk->brand;
	r->seller = pk->seller;
	r->seller_url = pk->seller_url;
	r->canonical_url = w->canonical ? resolve(c, w->canonical) : NULL;

	/* the text fields detection scans */
	field(c, "title", r->title);
	field(c, "description", r->description);
	field(c, "brand", r->brand);
	field(c, "seller", r->seller);
	if (!same(m->og_title, r->title))
		field(c, "og_title", m->og_title);
	if (!same(m->og_desc, r->description))
		field(c, "og_description", m->og_desc);
	if (!same(m->description, r->description) &&
	    !same(m->description, m->og_desc))
		field(c, "meta_description", m->description);
	const char **alts = c->alts.v;
	for (size_t i = 0; i < c->alts.n; i++)
		field(c, "image_alt", alts[i]);
	struct extract_prop *pr = c->props.v;
	for (size_t i = 0; i < c->props.n; i++) {
		size_t l = strlen(pr[i].name) + strlen(pr[i].value) + 3;
		char *s = ex_alloc(c->arena, l);
		snprintf(s, l, "%s: %s", pr[i].name, pr[i].value);
		field(c, "property", s);
	}
	field(c, "text", r->text);
}

void extract_result_release(struct extract_result *r)
{
	if (!r)
		return;
	if (r->priv) {
		ex_arena_free(&r->priv->arena);
		for (size_t i = 0; i < ARRAY_LEN(r->priv->vecs); i++)
			free(r->priv->vecs[i]);
		free(r->priv);
	}
	memset(r, 0, sizeof(*r));
}

int extract_page(const struct extract_profiles *ps, const char *url,
		 struct slice html, htmlDocPtr doc, struct extract_result *out)
{
	int rc = 0;
	memset(out, 0, sizeof(*out));
	out->priv = xcalloc(1, sizeof(*out->priv));
	struct ex_ctx c = {.res = out, .arena = &out->priv->arena};
	struct walkstate w = {0};
	struct verdict v = {0};
	struct picked pk = {0};
	xmlXPathContextPtr x = NULL;
	bool own_doc = false;

	c.url = out->url = ex_strdup(c.arena, url ? url : "");
	ex_url_parse(c.url, &c.u);
	out->host = ex_strdup(c.arena, c.u.host);
	c.prof = ex_profile_find(ps, &c.u);
	c.kind = c.prof ? c.prof->kind : EXTRACT_KIND_UNKNOWN;
	out->platform =
		c.prof && !c.prof->is_default ? c.prof->name : "generic";
	out->kind = c.kind;
	buf_init(&w.text.b, EXTRACT_MAX_TEXT);
	buf_init(&w.own.b, OWN_TEXT_MAX);
	buf_init(&v.why, 1024);

	if (!doc) {
		if (!html.p || !html.n) {
			ex_note(&c, "empty document");
			rc = ERR_INPUT;
			goto done;
		}
		int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
			   HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
			   HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC;
		doc = htmlReadMemory(html.p, (int)MIN(html.n, (size_t)INT_MAX),
				     url, "UTF-8", opts);
		own_doc = true;
		if (!doc) {
			ex_note(&c, "HTML not parseable");
			rc = ERR_INPUT;
			goto done;
		}
	}
	c.doc = doc;
	walk(&c, &w, doc->children);
	if (w.text.full)
		ex_note(&c, "visible text longer than %d bytes; truncated",
			EXTRACT_MAX_TEXT);
	read_scripts(&c);
	xmlNodePtr *items = c.items.v;
	for (size_t i = 0; i < c.items.n; i++)
		ex_microdata(&c, items[i]);
	ex_state_finish(&c);

	x = xmlXPathNewContext(doc);
	x->error = xp_silent;
	merge_offers(&c, &pk);
	out->text = ex_strndup_cap(c.arena, w.text.b.p ? w.text.b.p : "",
				   w.text.b.len, EXTRACT_MAX_TEXT);
	out->text_len = strlen(out->text);
	/* The verdict first: a page the URL rules out (a category, a search)
	 * does not need the profile's XPaths, the costliest part. */
	decide(&c, &w, x, &v);
	fill_fields(&c, &w, &pk, v.score > -50 ? x : NULL);
	out->score = v.score;
	out->is_listing = v.score >= LISTING_THRESHOLD;
	if (c.notes_full)
		ex_note(&c, "more problems not listed"); /* dropped: full */
done:
	if (!out->text)
		out->text = "";
	out->why = ex_strdup(c.arena, v.why.p ? v.why.p : "");
	out->image_alts = c.alts.v;
	out->n_image_alts = c.alts.n;
	out->props = c.props.v;
	out->n_props = c.props.n;
	out->facts = c.facts.v;
	out->n_facts = c.facts.n;
	out->notes = c.notes.v;
	out->n_notes = c.notes.n;
	out->fields = c.fields.v;
	out->n_fields = c.fields.n;
	out->priv->vecs[0] = c.alts.v;
	out->priv->vecs[1] = c.props.v;
	out->priv->vecs[2] = c.facts.v;
	out->priv->vecs[3] = c.notes.v;
	out->priv->vecs[4] = c.fields.v;
	free(c.offers.v);
	free(c.scripts.v);
	free(c.items.v);
	json_decref(c.state_best);
	if (x)
		xmlXPathFreeContext(x);
	if (own_doc)
		xmlFreeDoc(doc);
	buf_release(&w.text.b);
	buf_release(&w.own.b);
	buf_release(&v.why);
	return rc;
}
