/*
 * extract.c - one page in, one struct extract_result out.
 *
 * The steps: parse if needed; walk the DOM once (dom.c); read structured
 * data from scripts and microdata (sdata.c, state.c); weigh the listing
 * evidence (verdict.c); then fill the fields, first source first: the
 * merged structured offers, the profile's XPaths, OpenGraph, and page
 * heuristics; finally list the texts detection scans.  A page the URL
 * rules out skips the XPaths, the costliest step.
 */
#include "extract/extract_int.h"

#include <libxml/uri.h>
#include <libxml/xpathInternals.h>
#include <limits.h>
#include <string.h>

#define XPATH_OP_LIMIT 2000000

struct extract_priv {
	struct ex_arena arena;
	void *vecs[5];
};

/* ---- small collectors -------------------------------------------- */
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
	if (c->notes_full)
		return;
	if (c->notes.n + 1 >= EXTRACT_MAX_NOTES) {
		/* the last slot says that more were dropped */
		c->notes_full = true;
		fmt = "more problems not listed";
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

/* ---- scripts ----------------------------------------------------- */
static void read_scripts(struct ex_ctx *c)
{
	xmlNodePtr *v = c->scripts.v;
	int ld = 0;
	for (size_t i = 0; i < c->scripts.n; i++) {
		xmlNodePtr n = v[i];
		if (!n->children)
			continue;
		const char *type = ex_attr(n, "type");
		const char *id = ex_attr(n, "id");
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

/* ---- profile XPaths ---------------------------------------------- */
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
				s = ex_text_of(c, r->nodesetval->nodeTab[j],
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

bool ex_xp_marker(struct ex_ctx *c, xmlXPathContextPtr x, enum ex_xp k)
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

/* ---- merging offers ---------------------------------------------- */
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
			const char *cls = ex_attr(k, "class");
			if (!named && cls &&
			    ex_class_has(cls,
					 (const char *const[]){"name", NULL}))
				named = k;
			if (!link && ex_is_el(k, "a"))
				link = k;
			if (!bold &&
			    (ex_is_el(k, "b") || ex_is_el(k, "strong")))
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
		pk->seller ? NULL : ex_text_of(c, pick ? pick : n, true, 512);
	if (t) {
		size_t l = strcspn(t, "\n\xC2"); /* first line, before a '·' */
		while (l && t[l - 1] == ' ')
			l--;
		if (l && l <= 120)
			pk->seller = ex_strndup(c->arena, t, l);
	}
	xmlNodePtr a = ex_is_el(n, "a") ? n : link;
	if (!pk->seller_url && a && ex_attr(a, "href"))
		pk->seller_url = resolve(c, ex_attr(a, "href"));
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

/* ---- fields ------------------------------------------------------ */
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

/* ---- entry points ------------------------------------------------ */
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
			ex_text_of(c, w->desc_node, true, EXTRACT_MAX_FIELD);
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
			const char *t =
				ex_text_of(c, w->price_node, false, 256);
			if (t)
				ex_scan_prices(c, t, strlen(t), &ps);
			if (!ps.first && t &&
			    extract_parse_price(slice_from(t), &ps.amount,
						&ps.currency) == 0 &&
			    ps.amount > 0 && strlen(t) < 40)
				ps.first = t;
		}
		if (!ps.first)
			ex_scan_prices(c, w->own.b.p ? w->own.b.p : "",
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

static void put_str(json_t *o, const char *k, const char *v)
{
	json_t *s = v ? json_string(v) : NULL;
	json_object_set_new(o, k, s ? s : json_null());
}

char *extract_result_json(const struct extract_result *r, bool with_text)
{
	json_t *o = json_object();
	json_object_set_new(o, "is_listing", json_boolean(r->is_listing));
	json_object_set_new(o, "score", json_integer(r->score));
	put_str(o, "why", r->why);
	put_str(o, "url", r->url);
	put_str(o, "host", r->host);
	put_str(o, "platform", r->platform);
	put_str(o, "kind", extract_kind_name(r->kind));
	put_str(o, "canonical_url", r->canonical_url);
	put_str(o, "title", r->title);
	put_str(o, "description", r->description);
	put_str(o, "brand", r->brand);
	put_str(o, "seller", r->seller);
	put_str(o, "seller_url", r->seller_url);
	json_object_set_new(o, "price",
			    r->has_price ? json_real(r->price) : json_null());
	put_str(o, "currency", r->currency);
	put_str(o, "price_text", r->price_text);
	json_t *a = json_array();
	for (size_t i = 0; i < r->n_image_alts; i++)
		json_array_append_new(a, json_string(r->image_alts[i]));
	json_object_set_new(o, "image_alts", a);
	a = json_array();
	for (size_t i = 0; i < r->n_props; i++) {
		json_t *p = json_object();
		put_str(p, "name", r->props[i].name);
		put_str(p, "value", r->props[i].value);
		put_str(p, "source", r->props[i].source);
		json_array_append_new(a, p);
	}
	json_object_set_new(o, "props", a);
	a = json_array();
	for (size_t i = 0; i < r->n_facts; i++) {
		json_t *p = json_object();
		put_str(p, "source", r->facts[i].source);
		put_str(p, "key", r->facts[i].key);
		put_str(p, "value", r->facts[i].value);
		json_array_append_new(a, p);
	}
	json_object_set_new(o, "facts", a);
	a = json_array();
	for (size_t i = 0; i < r->n_notes; i++)
		json_array_append_new(a, json_string(r->notes[i]));
	json_object_set_new(o, "notes", a);
	if (with_text) {
		put_str(o, "text", r->text);
		a = json_array();
		for (size_t i = 0; i < r->n_fields; i++) {
			json_t *p = json_object();
			put_str(p, "name", r->fields[i].name);
			put_str(p, "text", r->fields[i].text);
			json_array_append_new(a, p);
		}
		json_object_set_new(o, "fields", a);
	}
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s ? s : xstrdup("{}");
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
	ex_walk(&c, &w, doc->children);
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
	ex_decide(&c, &w, x, &v);
	fill_fields(&c, &w, &pk, v.score > -50 ? x : NULL);
	out->score = v.score;
	out->is_listing = v.score >= LISTING_THRESHOLD;
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
