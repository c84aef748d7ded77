/*
 * dom.c - the one walk over the parsed page.
 *
 * Iterative (no recursion, so nesting depth cannot overflow the stack), it
 * collects everything at once: the visible text; the text outside links,
 * site chrome and link cards ("own text", what the page itself says, as
 * opposed to menus, footers and snippets of other pages); image alts;
 * meta/OpenGraph tags; scripts; microdata roots; two-column spec tables;
 * and the structural counters the verdict weighs (buy buttons, chat links,
 * cards, <article>, bylines, where the seller, description and price sit).
 */
#include "extract/extract_int.h"

#include <string.h>

#define CARD_LINK_CHARS 12  /* a card's link names a product or a post */
#define CARD_MAX_CHARS	400 /* a card is small */
#define CARD_MAX_NODES	80

/* ---- elements ---------------------------------------------------- */
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

const char *ex_attr(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (a->name && strcasecmp((const char *)a->name, name) == 0)
			return a->children && a->children->content
				       ? (const char *)a->children->content
				       : "";
	return NULL;
}

bool ex_is_el(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name &&
	       strcmp((const char *)n->name, name) == 0;
}

/* ---- text accumulation ------------------------------------------- */

void ex_acc_text(struct acc *t, const char *p, size_t n, bool pre)
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

void ex_acc_break(struct acc *t, int level)
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
			ex_acc_text(t, (const char *)root->content,
				    strlen((const char *)root->content), false);
		return;
	}
	if (root->type == XML_ATTRIBUTE_NODE) {
		for (xmlNodePtr k = root->children; k; k = k->next)
			if (k->content)
				ex_acc_text(t, (const char *)k->content,
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
				ex_acc_text(t, (const char *)n->content,
					    strlen((const char *)n->content),
					    pre > 0 && keep_lines);
		} else if (n->type == XML_ELEMENT_NODE && n->name) {
			int f = elem_flags((const char *)n->name);
			if (f & E_BR)
				ex_acc_break(t, keep_lines ? 2 : 1);
			if (!(f & E_SKIP)) {
				if (f & (E_BLOCK))
					ex_acc_break(t, keep_lines ? 2 : 1);
				if (f & E_CELL)
					ex_acc_break(t, 1);
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
						ex_acc_break(t, keep_lines ? 2
									   : 1);
					if (f & E_CELL)
						ex_acc_break(t, 1);
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
const char *ex_text_of(struct ex_ctx *c, xmlNodePtr n, bool lines, size_t cap)
{
	struct buf b;
	buf_init(&b, cap);
	ex_node_text(n, lines, &b);
	const char *r = b.len ? ex_strndup(c->arena, b.p, b.len) : NULL;
	buf_release(&b);
	return r;
}

/* ---- the walk ---------------------------------------------------- */

/* Whether a (short) attribute value contains one of `words`, which are
 * lower case; case-insensitive. */
bool ex_class_has(const char *cls, const char *const *words)
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
	if (ex_attr(n, "itemprop"))
		return; /* microdata */
	const char *k = ex_attr(n, "property");
	if (!k)
		k = ex_attr(n, "name");
	const char *v = ex_attr(n, "content");
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
		if (ex_is_el(k, "td") || ex_is_el(k, "th"))
			cells[nc++] = k;
	if (nc != 2)
		return;
	const char *a = ex_text_of(c, cells[0], false, 256);
	const char *b = ex_text_of(c, cells[1], false, 4096);
	if (a && b && strlen(a) <= 80)
		ex_prop(c, "table", a, strlen(a), b, strlen(b));
}

static void spec_dl(struct ex_ctx *c, xmlNodePtr dl)
{
	const char *name = NULL;
	int budget = 256;
	for (xmlNodePtr k = dl->children; k && budget--; k = k->next) {
		if (ex_is_el(k, "dt")) {
			name = ex_text_of(c, k, false, 256);
		} else if (ex_is_el(k, "dd") && name) {
			const char *v = ex_text_of(c, k, false, 4096);
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
	    ex_class_has(href, CHAT_HOSTS))
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
			if (ex_is_el(n, "a")) {
				char first;
				size_t l = text_info(n, CARD_MAX_CHARS, &first);
				total += l;
				if (first != '#' && l > best &&
				    site_link(c, ex_attr(n, "href")))
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
	const char *ca = ex_attr(a, "class"), *cb = ex_attr(b, "class");
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
	const char *href = ex_attr(n, "href");
	if (!href || !*href || href[0] == '#')
		return;
	if (ex_class_has(href, CHAT_HOSTS))
		w->n_chat_links++;
	if (!strncasecmp(href, "javascript:", 11) ||
	    !strncasecmp(href, "mailto:", 7) || !strncasecmp(href, "tel:", 4))
		return;
	/* A seller's hashtags say what the post is for: #jualobat, #olshop */
	char first;
	if (!w->commerce_tag && !w->chrome && text_info(n, 64, &first) &&
	    first == '#') {
		static const char *const stems[] = {
			"jual",	  "murah",    "olshop",	  "onlineshop",
			"ready",  "promo",    "diskon",	  "cod",
			"grosir", "reseller", "dropship", "order",
			"harga",  "ecer",     NULL};
		const char *t = ex_text_of(c, n, false, 128);
		w->commerce_tag = t && ex_class_has(t, stems);
	}
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
	const char *v = ex_attr(n, "value");
	if (v && ex_class_has(v, W_BUY))
		return true;
	const char *t = ex_text_of(c, n, false, 80);
	return t && ex_class_has(t, W_BUY);
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
	    (ex_is_el(n->parent, "body") || ex_is_el(n->parent, "html")))
		return true;
	const char *role = ex_attr(n, "role");
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
			const char *cls = ex_attr(n, "class");
			if (cls &&
			    ex_class_has(cls,
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
			if (ex_class_has(ex_attr(n, "action"), cart) ||
			    ex_class_has(ex_attr(n, "class"), cart) ||
			    ex_class_has(ex_attr(n, "id"), cart))
				w->n_buy += !w->card;
		}
		break;
	case 'h':
		if (!strcmp(name, "h1")) {
			w->n_h1++;
			if (!w->h1)
				w->h1 = ex_text_of(c, n, false, 1024);
		} else if (!strcmp(name, "head")) {
			w->in_head++;
		}
		break;
	case 'i':
		if (!strcmp(name, "img")) {
			w->n_img++;
			const char *alt = ex_attr(n, "alt");
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
			const char *t = ex_attr(n, "type");
			if (t &&
			    (!strcasecmp(t, "submit") ||
			     !strcasecmp(t, "button")) &&
			    button_is_buy(c, n))
				w->n_buy += !w->card;
		}
		break;
	case 'l':
		if (!strcmp(name, "link")) {
			const char *rel = ex_attr(n, "rel");
			const char *href = ex_attr(n, "href");
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
				w->title_tag = ex_text_of(c, n, false, 1024);
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
	const char *cls = ex_attr(n, "class");
	const char *id = ex_attr(n, "id");
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
		    (ex_class_has(cls, W_SELLER) || ex_class_has(id, W_SELLER)))
			w->seller_node = n;
		if (!w->author_node &&
		    (ex_class_has(cls, W_AUTHOR) || ex_class_has(id, W_AUTHOR)))
			w->author_node = n;
		if (!w->desc_node &&
		    (ex_class_has(cls, W_DESC) || ex_class_has(id, W_DESC)))
			w->desc_node = n;
		if (!w->price_node &&
		    (ex_class_has(cls, W_PRICE) || ex_class_has(id, W_PRICE)))
			w->price_node = n;
		if (ex_class_has(cls, W_BYLINE))
			w->n_byline++;
		if (!w->site_node && !w->card &&
		    (ex_class_has(cls, W_SITE) || ex_class_has(id, W_SITE)))
			w->site_node = n;
	}
	const char *rel = ex_attr(n, "rel");
	if (rel && ex_find_word(rel, strlen(rel), "author") >= 0)
		w->n_byline++;
	if (ex_attr(n, "itemscope")) {
		const char *t = ex_attr(n, "itemtype");
		if (t && ex_is_product_type(t, strcspn(t, " ")) &&
		    c->items.n < 64)
			*(xmlNodePtr *)ex_vec_push(&c->items,
						   sizeof(xmlNodePtr)) = n;
	}
	if (f & E_BR) {
		ex_acc_break(&w->text, 2);
		ex_acc_break(&w->own, 2);
	}
	if (f & E_BLOCK) {
		ex_acc_break(&w->text, 2);
		ex_acc_break(&w->own, 2);
	}
	if (f & E_CELL) {
		ex_acc_break(&w->text, 1);
		ex_acc_break(&w->own, 1);
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
		ex_acc_break(&w->text, 2);
		ex_acc_break(&w->own, 2);
	}
	if (f & E_CELL) {
		ex_acc_break(&w->text, 1);
		ex_acc_break(&w->own, 1);
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

void ex_walk(struct ex_ctx *c, struct walkstate *w, xmlNodePtr root)
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
				ex_acc_text(&w->text, s, l, w->pre > 0);
				if (!w->in_link && !w->chrome && !w->card)
					ex_acc_text(&w->own, s, l, w->pre > 0);
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
