/*
 * sdata.c - structured data: schema.org in JSON-LD and microdata, and the
 * one routine that reads an offer out of a JSON object.
 *
 * Microdata is first converted to the JSON-LD shape ({"@type": "Product",
 * "offers": {"price": ...}}) so that JSON-LD, microdata and embedded
 * application state share ex_offer_from_json().  That routine knows the
 * schema.org keys and the usual spellings of app state (productName,
 * sale_price, shop.name, ...); keys are compared case-insensitively with
 * '_' and '-' ignored.
 *
 * JSON that fails to parse is repaired once (trailing commas, raw newlines
 * in strings, single quotes, bare keys, comments, undefined) because
 * hand-written JSON-LD often has exactly those faults; what still fails is
 * skipped with a note naming the URL, the block and the parser's message.
 */
#include "extract/extract_int.h"

#include <string.h>

/* ---- JSON parsing with one repair attempt ---------------------------------
 */
static bool is_ident(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* Skip whitespace and comments from i; returns the new index. */
static size_t skip_ws(const char *p, size_t n, size_t i)
{
	while (i < n) {
		if (ex_is_space((unsigned char)p[i])) {
			i++;
		} else if (p[i] == '/' && i + 1 < n && p[i + 1] == '/') {
			while (i < n && p[i] != '\n')
				i++;
		} else if (p[i] == '/' && i + 1 < n && p[i + 1] == '*') {
			const char *e = NULL;
			for (size_t k = i + 2; k + 1 < n; k++)
				if (p[k] == '*' && p[k + 1] == '/') {
					e = p + k;
					break;
				}
			i = e ? (size_t)(e - p) + 2 : n;
		} else {
			break;
		}
	}
	return i;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)(ch | 0x20);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Rewrite almost-JSON (JavaScript object literal style) as JSON. */
static void json_repair(const char *p, size_t n, struct buf *o)
{
	size_t i = 0;
	while (i < n && o->len < o->max - 8) {
		unsigned char ch = (unsigned char)p[i];
		if (ch == '"' || ch == '\'') {
			char q = (char)ch;
			buf_putc(o, '"');
			i++;
			while (i < n && p[i] != q) {
				unsigned char s = (unsigned char)p[i];
				if (s == '\\' && i + 1 < n) {
					char e = p[i + 1];
					if (strchr("\"\\/bfnrtu", e)) {
						buf_append(o, p + i, 2);
					} else if (e == 'x' && i + 3 < n &&
						   hexval(p[i + 2]) >= 0 &&
						   hexval(p[i + 3]) >= 0) {
						buf_printf(o, "\\u00%c%c",
							   p[i + 2], p[i + 3]);
						i += 2;
					} else if (e == '\n') {
						/* line continuation */
					} else if (e == '\r') {
						if (i + 2 < n &&
						    p[i + 2] == '\n')
							i++;
					} else {
						buf_putc(o, e);
					}
					i += 2;
					continue;
				}
				if (s == '"')
					buf_puts(o, "\\\"");
				else if (s == '\n')
					buf_puts(o, "\\n");
				else if (s == '\r')
					buf_puts(o, "\\r");
				else if (s == '\t')
					buf_puts(o, "\\t");
				else if (s < 0x20)
					buf_printf(o, "\\u%04x", s);
				else
					buf_putc(o, (char)s);
				i++;
			}
			buf_putc(o, '"');
			i++;
			continue;
		}
		if (ch == '/' && i + 1 < n &&
		    (p[i + 1] == '/' || p[i + 1] == '*')) {
			i = skip_ws(p, n, i);
			continue;
		}
		if (ch == ',') {
			size_t j = skip_ws(p, n, i + 1);
			if (j < n && (p[j] == '}' || p[j] == ']')) {
				i = j;
				continue;
			}
			buf_putc(o, ',');
			i++;
			continue;
		}
		if (is_ident(ch) && !(ch >= '0' && ch <= '9') && ch != '-') {
			size_t s = i;
			while (i < n && is_ident((unsigned char)p[i]))
				i++;
			size_t l = i - s;
			size_t j = skip_ws(p, n, i);
			if (j < n && p[j] == ':') {
				buf_putc(o, '"');
				buf_append(o, p + s, l);
				buf_putc(o, '"');
			} else if ((l == 9 && !memcmp(p + s, "undefined", 9)) ||
				   (l == 3 && !memcmp(p + s, "NaN", 3)) ||
				   (l == 8 && !memcmp(p + s, "Infinity", 8))) {
				buf_puts(o, "null");
			} else {
				buf_append(o, p + s, l);
			}
			continue;
		}
		buf_putc(o, (char)ch);
		i++;
	}
}

/* Strip what HTML authors wrap around JSON in a script: comments and CDATA
 * markers. */
static void unwrap(const char **pp, size_t *np)
{
	const char *p = *pp;
	size_t n = *np;
	static const char *const pre[] = {"<!--", "/*<![CDATA[*/",
					  "//<![CDATA[", "<![CDATA["};
	static const char *const post[] = {"-->", "/*]]>*/", "//]]>", "]]>"};
	for (int round = 0; round < 2; round++) {
		while (n && ex_is_space((unsigned char)*p))
			p++, n--;
		while (n && ex_is_space((unsigned char)p[n - 1]))
			n--;
		for (size_t k = 0; k < ARRAY_LEN(pre); k++) {
			size_t l = strlen(pre[k]);
			if (n >= l && memcmp(p, pre[k], l) == 0)
				p += l, n -= l;
		}
		for (size_t k = 0; k < ARRAY_LEN(post); k++) {
			size_t l = strlen(post[k]);
			if (n >= l && memcmp(p + n - l, post[k], l) == 0)
				n -= l;
		}
	}
	/* A trailing ';' after an object (copied from JavaScript). */
	while (n && (p[n - 1] == ';' || ex_is_space((unsigned char)p[n - 1])))
		n--;
	*pp = p;
	*np = n;
}

json_t *ex_json_parse(struct ex_ctx *c, const char *p, size_t n,
		      const char *what)
{
	unwrap(&p, &n);
	if (!n) {
		ex_note(c, "%s: empty", what);
		return NULL;
	}
	if (n > EXTRACT_MAX_JSON) {
		ex_note(c,
			"%s: %zu bytes, larger than the %d-byte limit; skipped",
			what, n, EXTRACT_MAX_JSON);
		return NULL;
	}
	if (c->json_bytes + n > EXTRACT_MAX_JSON_TOTAL) {
		ex_note(c, "%s: page JSON budget (%d bytes) spent; skipped",
			what, EXTRACT_MAX_JSON_TOTAL);
		return NULL;
	}
	c->json_bytes += n;
	json_error_t err;
	json_t *j = json_loadb(p, n, JSON_DECODE_ANY, &err);
	if (j)
		return j;
	struct buf fix;
	buf_init(&fix, n * 2 + 64);
	json_repair(p, n, &fix);
	json_error_t err2;
	j = json_loadb(fix.p ? fix.p : "", fix.len, JSON_DECODE_ANY, &err2);
	buf_release(&fix);
	if (j) {
		ex_note(c, "%s: not strict JSON (line %d col %d: %s); repaired",
			what, err.line, err.column, err.text);
		return j;
	}
	ex_note(c, "%s: not JSON (line %d col %d: %s); skipped", what, err.line,
		err.column, err.text);
	return NULL;
}

/* ---- keys -------------------------------------------------------------------
 */
/* Compare a JSON key with a normalised name (lower case, no '_' or '-'). */
static bool key_is(const char *key, const char *norm)
{
	const char *k = key;
	const char *s = norm;
	for (;;) {
		while (*k == '_' || *k == '-')
			k++;
		char a = *k;
		if (a >= 'A' && a <= 'Z')
			a = (char)(a | 0x20);
		if (a != *s)
			return false;
		if (!a)
			return true;
		k++, s++;
	}
}

static bool key_in(const char *key, const char *const *list)
{
	for (; *list; list++)
		if (key_is(key, *list))
			return true;
	return false;
}

static const char *const K_NAME[] = {"name",	     "title",	 "productname",
				     "producttitle", "itemname", "itemtitle",
				     "goodsname",    NULL};
static const char *const K_DESC[] = {"description",
				     "desc",
				     "productdescription",
				     "descriptionhtml",
				     "descriptiontext",
				     "itemdescription",
				     "caption",
				     "message",
				     "body",
				     NULL};
static const char *const K_PRICE[] = {
	"price",	"saleprice",   "finalprice",  "currentprice",
	"pricevalue",	"pricenumber", "priceamount", "offerprice",
	"lowprice",	"minprice",    "pricemin",    "discountedprice",
	"sellingprice", "pricetext",   "priceformat", "priceformatted",
	"displayprice", NULL};
static const char *const K_CURRENCY[] = {"pricecurrency", "currency",
					 "currencycode", NULL};
static const char *const K_BRAND[] = {"brand", "brandname", NULL};
static const char *const K_SELLER[] = {
	"seller",	"shop",	    "store",	  "merchant",
	"vendor",	"shopname", "sellername", "storename",
	"merchantname", "shopinfo", "sellerinfo", "author",
	"owner",	NULL};
static const char *const K_OFFERS[] = {"offers", "offer", NULL};
static const char *const K_URL[] = {"url",	 "shopurl",    "sellerurl",
				    "storeurl",	 "profileurl", "link",
				    "permalink", "href",       NULL};
static const char *const K_PROPS[] = {"additionalproperty",
				      "specifications",
				      "specification",
				      "attributes",
				      "specs",
				      "properties",
				      NULL};
/* App states abbreviate as often as not: {"k": ..., "v": ...}. */
static const char *const K_PROP_NAME[] = {"name",	"key", "label", "title",
					  "propertyid", "k",   "n",	NULL};
static const char *const K_PROP_VALUE[] = {"value", "values", "text", "content",
					   "v",	    "val",    NULL};

/* The JSON string in v, or the "name"/"@value"/"text" inside an object, or
 * the first such in an array. */
static const char *json_text(json_t *v, size_t *len, int depth)
{
	if (!v || depth > 3)
		return NULL;
	if (json_is_string(v)) {
		*len = json_string_length(v);
		return json_string_value(v);
	}
	if (json_is_array(v) && json_array_size(v))
		return json_text(json_array_get(v, 0), len, depth + 1);
	if (json_is_object(v)) {
		static const char *const inner[] = {
			"name",	    "@value",	"text",	 "title", "username",
			"nickname", "shopname", "value", NULL};
		for (const char *const *k = inner; *k; k++) {
			const char *key;
			json_t *x;
			json_object_foreach(v, key, x)
			{
				if (!json_is_object(x) && key_is(key, *k))
					return json_text(x, len, depth + 1);
			}
		}
	}
	return NULL;
}

static const char *arena_text(struct ex_ctx *c, const char *s, size_t n,
			      bool lines)
{
	struct buf b;
	buf_init(&b, EXTRACT_MAX_FIELD);
	bool markup = memchr(s, '<', n) || memchr(s, '&', n);
	ex_clean_text(s, n, lines, markup, &b);
	const char *r = b.len ? ex_strndup(c->arena, b.p, b.len) : NULL;
	buf_release(&b);
	return r;
}

/* A price in v: a number, a string, or an object holding one. */
static bool json_price(json_t *v, double *amount, const char **cur,
		       const char **text, size_t *tlen, int depth)
{
	if (!v || depth > 3)
		return false;
	if (json_is_number(v)) {
		double d = json_number_value(v);
		if (d <= 0 || d != d)
			return false;
		*amount = d;
		return true;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		if (!n || n > 64)
			return false;
		if (extract_parse_price((struct slice){s, n}, amount, cur) <
			    0 ||
		    *amount <= 0)
			return false;
		*text = s;
		*tlen = n;
		return true;
	}
	if (json_is_object(v)) {
		static const char *const inner[] = {
			"value", "amount", "price", "text", "formatted", NULL};
		for (const char *const *k = inner; *k; k++)
			if (json_price(json_object_get(v, *k), amount, cur,
				       text, tlen, depth + 1))
				return true;
	}
	if (json_is_array(v) && json_array_size(v))
		return json_price(json_array_get(v, 0), amount, cur, text, tlen,
				  depth + 1);
	return false;
}

static void read_props(struct ex_ctx *c, json_t *v, const char *src)
{
	if (json_is_object(v) && !json_object_get(v, "name") &&
	    !json_object_get(v, "value")) {
		/* {"Komposisi": "...", "No. BPOM": "..."} */
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
		{
			size_t vl;
			const char *vs = json_text(x, &vl, 0);
			if (vs)
				ex_prop(c, src, k, strlen(k), vs, vl);
		}
		return;
	}
	if (!json_is_array(v)) {
		if (json_is_object(v)) {
			json_t *a = json_array();
			json_array_append(a, v);
			read_props(c, a, src);
			json_decref(a);
		}
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e)
	{
		if (!json_is_object(e))
			continue;
		const char *nm = NULL, *vs = NULL;
		size_t nl = 0, vl = 0;
		const char *k;
		json_t *x;
		json_object_foreach(e, k, x)
		{
			if (!nm && key_in(k, K_PROP_NAME))
				nm = json_text(x, &nl, 0);
			else if (!vs && key_in(k, K_PROP_VALUE)) {
				if (json_is_number(x)) {
					char num[64];
					snprintf(num, sizeof(num), "%g",
						 json_number_value(x));
					/* keep through the arena */
					vs = ex_strdup(c->arena, num);
					vl = strlen(vs);
				} else {
					vs = json_text(x, &vl, 0);
				}
			}
		}
		if (nm && vs)
			ex_prop(c, src, nm, nl, vs, vl);
	}
}

static void read_seller(struct ex_ctx *c, json_t *v, struct ex_offer *o)
{
	size_t l;
	const char *s = json_text(v, &l, 0);
	if (s && !o->seller)
		o->seller = arena_text(c, s, l, false);
	if (json_is_array(v) && json_array_size(v))
		v = json_array_get(v, 0);
	if (json_is_object(v) && !o->seller_url) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
		{
			if (json_is_string(x) && key_in(k, K_URL)) {
				o->seller_url = arena_text(
					c, json_string_value(x),
					json_string_length(x), false);
				break;
			}
		}
	}
}

int ex_offer_from_json(struct ex_ctx *c, json_t *obj, struct ex_offer *o,
		       int depth)
{
	if (!json_is_object(obj) || depth > 4)
		return 0;
	int found = 0;
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		size_t l;
		const char *s;
		if (!o->name && key_in(k, K_NAME)) {
			if ((s = json_text(v, &l, 0)) && l) {
				o->name = arena_text(c, s, l, false);
				found++;
			}
		} else if (!o->description && key_in(k, K_DESC)) {
			if ((s = json_text(v, &l, 0)) && l) {
				o->description = arena_text(c, s, l, true);
				found++;
			}
		} else if (!o->has_price && key_in(k, K_PRICE)) {
			const char *cur = NULL, *txt = NULL;
			size_t tl = 0;
			if (json_price(v, &o->price, &cur, &txt, &tl, 0)) {
				o->has_price = o->has_offer = true;
				if (txt)
					o->price_text =
						arena_text(c, txt, tl, false);
				if (cur && !o->currency && txt &&
				    ex_find_ci(txt, tl, "rp") >= 0)
					o->currency = cur;
				found++;
			}
		} else if (!o->currency && key_in(k, K_CURRENCY)) {
			if ((s = json_text(v, &l, 0)) && l && l < 8)
				o->currency = arena_text(c, s, l, false);
		} else if (!o->brand && key_in(k, K_BRAND)) {
			if ((s = json_text(v, &l, 0)) && l) {
				o->brand = arena_text(c, s, l, false);
				found++;
			}
		} else if (key_in(k, K_SELLER)) {
			read_seller(c, v, o);
			found += o->seller != NULL;
		} else if (key_in(k, K_OFFERS)) {
			o->has_offer = true;
			if (json_is_array(v)) {
				size_t i;
				json_t *e;
				json_array_foreach(v, i, e)
				{
					found += ex_offer_from_json(c, e, o,
								    depth + 1);
					if (o->has_price || i > 16)
						break;
				}
			} else if (json_is_object(v)) {
				found += ex_offer_from_json(c, v, o, depth + 1);
			}
		} else if (key_in(k, K_PROPS) &&
			   (json_is_array(v) || json_is_object(v))) {
			read_props(c, v, o->src);
		}
	}
	return found;
}

/* ---- JSON-LD ---------------------------------------------------------------
 */
/* The schema.org type name without its context prefix. */
static void type_name(const char *t, size_t n, const char **out, size_t *on)
{
	static const char *const pfx[] = {"https://schema.org/",
					  "http://schema.org/", "schema:"};
	for (size_t k = 0; k < ARRAY_LEN(pfx); k++) {
		size_t l = strlen(pfx[k]);
		if (n > l && strncasecmp(t, pfx[k], l) == 0) {
			t += l;
			n -= l;
			break;
		}
	}
	*out = t;
	*on = n;
}

static bool type_in(const char *t, size_t n, const char *const *list)
{
	const char *s;
	size_t l;
	type_name(t, n, &s, &l);
	for (; *list; list++)
		if (strlen(*list) == l && strncasecmp(s, *list, l) == 0)
			return true;
	return false;
}

static const char *const T_PRODUCT[] = {"Product",
					"IndividualProduct",
					"ProductModel",
					"ProductGroup",
					"SomeProducts",
					"Drug",
					"DietarySupplement",
					"Vehicle",
					"Car",
					NULL};
static const char *const T_ARTICLE[] = {"Article",
					"NewsArticle",
					"BlogPosting",
					"Report",
					"ScholarlyArticle",
					"AnalysisNewsArticle",
					"OpinionNewsArticle",
					"ReportageNewsArticle",
					"TechArticle",
					"LiveBlogPosting",
					"MedicalWebPage",
					"GovernmentService",
					NULL};
static const char *const T_LIST[] = {"ItemList", "CollectionPage",
				     "SearchResultsPage", "OfferCatalog", NULL};

bool ex_is_product_type(const char *t, size_t n)
{
	return type_in(t, n, T_PRODUCT);
}

static bool has_type(json_t *obj, const char *const *list)
{
	json_t *t = json_object_get(obj, "@type");
	if (json_is_string(t))
		return type_in(json_string_value(t), json_string_length(t),
			       list);
	if (json_is_array(t)) {
		size_t i;
		json_t *e;
		json_array_foreach(t, i, e)
		{
			if (json_is_string(e) &&
			    type_in(json_string_value(e), json_string_length(e),
				    list))
				return true;
			if (i > 8)
				break;
		}
	}
	return false;
}

static struct ex_offer *ld_product(struct ex_ctx *c, json_t *obj,
				   const char *src)
{
	struct ex_offer *o = ex_offer_new(c, src);
	o->typed = true;
	ex_offer_from_json(c, obj, o, 0);
	if (!strcmp(src, "jsonld"))
		c->n_ld_products++;
	else
		c->n_md_products++;
	ex_fact(c, src, "@type", "Product", 7);
	if (o->name)
		ex_fact(c, src, "name", o->name, strlen(o->name));
	if (o->brand)
		ex_fact(c, src, "brand", o->brand, strlen(o->brand));
	if (o->has_price) {
		char num[64];
		snprintf(num, sizeof(num), "%.15g", o->price);
		ex_fact(c, src, "offers.price", num, strlen(num));
	}
	if (o->currency)
		ex_fact(c, src, "offers.priceCurrency", o->currency,
			strlen(o->currency));
	if (o->seller)
		ex_fact(c, src, "offers.seller", o->seller, strlen(o->seller));
	if (o->description)
		ex_fact(c, src, "description", o->description,
			strlen(o->description));
	return o;
}

static void ld_walk(struct ex_ctx *c, json_t *v, int depth)
{
	if (!v || depth > 12 || ++c->json_nodes > EXTRACT_MAX_JSON_NODES)
		return;
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			ld_walk(c, e, depth + 1);
			if (i >= 256)
				break;
		}
		return;
	}
	if (!json_is_object(v))
		return;
	json_t *g = json_object_get(v, "@graph");
	if (g)
		ld_walk(c, g, depth + 1);
	if (has_type(v, T_PRODUCT)) {
		ld_product(c, v, "jsonld");
		return;
	}
	if (has_type(v, T_ARTICLE))
		c->n_ld_article++;
	if (has_type(v, T_LIST))
		c->n_ld_list++;
	/* An Offer wrapping the product. */
	json_t *io = json_object_get(v, "itemOffered");
	if (io && json_is_object(io) && has_type(io, T_PRODUCT)) {
		struct ex_offer *o = ld_product(c, io, "jsonld");
		ex_offer_from_json(c, v, o, 1);
		return;
	}
	static const char *const containers[] = {
		"mainEntity",	    "itemListElement", "item", "hasPart",
		"mainEntityOfPage", "about",	       NULL};
	for (const char *const *k = containers; *k; k++) {
		json_t *x = json_object_get(v, *k);
		if (x && (json_is_object(x) || json_is_array(x)))
			ld_walk(c, x, depth + 1);
	}
}

void ex_jsonld(struct ex_ctx *c, const char *p, size_t n, int index)
{
	char what[64];
	snprintf(what, sizeof(what), "JSON-LD block %d", index);
	json_t *j = ex_json_parse(c, p, n, what);
	if (!j)
		return;
	ld_walk(c, j, 0);
	json_decref(j);
}

/* ---- microdata -------------------------------------------------------------
 */
static const char *attr(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (a->name && strcasecmp((const char *)a->name, name) == 0 &&
		    a->children && a->children->content)
			return (const char *)a->children->content;
	return NULL;
}

static bool has_attr(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (a->name && strcasecmp((const char *)a->name, name) == 0)
			return true;
	return false;
}

static json_t *md_item(struct ex_ctx *c, xmlNodePtr node, int depth);

/* The value of an itemprop element, per the microdata spec. */
static json_t *md_value(struct ex_ctx *c, xmlNodePtr e, const char *prop,
			int depth)
{
	if (has_attr(e, "itemscope"))
		return md_item(c, e, depth + 1);
	const char *name = (const char *)e->name;
	const char *v = NULL;
	if (!strcasecmp(name, "meta"))
		v = attr(e, "content");
	else if (!strcasecmp(name, "a") || !strcasecmp(name, "link") ||
		 !strcasecmp(name, "area"))
		v = attr(e, "href");
	else if (!strcasecmp(name, "img") || !strcasecmp(name, "source") ||
		 !strcasecmp(name, "video") || !strcasecmp(name, "audio") ||
		 !strcasecmp(name, "iframe") || !strcasecmp(name, "embed"))
		v = attr(e, "src");
	else if (!strcasecmp(name, "object"))
		v = attr(e, "data");
	else if (!strcasecmp(name, "data") || !strcasecmp(name, "meter"))
		v = attr(e, "value");
	else if (!strcasecmp(name, "time"))
		v = attr(e, "datetime");
	if (!v)
		v = attr(e, "content"); /* common, if not in the spec */
	/* An <a itemprop="name"> means its text, not its href. */
	if (v && !strcasecmp(name, "a") &&
	    (key_is(prop, "name") || key_is(prop, "description")))
		v = NULL;
	if (v) {
		json_t *r = json_string(v);
		return r ? r : json_string("\xEF\xBF\xBD");
	}
	struct buf b;
	buf_init(&b, EXTRACT_MAX_FIELD);
	ex_node_text(e, key_is(prop, "description"), &b);
	json_t *r = json_stringn(b.p ? b.p : "", b.len);
	buf_release(&b);
	return r ? r : json_string("");
}

static void md_add(json_t *item, const char *prop, json_t *val)
{
	json_t *old = json_object_get(item, prop);
	if (!old) {
		json_object_set_new(item, prop, val);
	} else if (json_is_array(old)) {
		if (json_array_size(old) < 64)
			json_array_append_new(old, val);
		else
			json_decref(val);
	} else {
		json_t *a = json_array();
		json_array_append(a, old);
		json_array_append_new(a, val);
		json_object_set_new(item, prop, a);
	}
}

/* Collect the properties below `node` into `item`, not entering nested
 * items (their properties are theirs). */
static void md_props(struct ex_ctx *c, xmlNodePtr node, json_t *item, int depth,
		     size_t *budget)
{
	for (xmlNodePtr e = node->children; e; e = e->next) {
		if (e->type != XML_ELEMENT_NODE || !*budget)
			continue;
		(*budget)--;
		const char *ip = attr(e, "itemprop");
		if (ip) {
			/* itemprop may list several names */
			const char *s = ip;
			json_t *val = NULL;
			while (*s) {
				while (*s == ' ')
					s++;
				size_t l = strcspn(s, " ");
				if (!l)
					break;
				char nm[128];
				snprintf(nm, sizeof(nm), "%.*s",
					 (int)MIN(l, sizeof(nm) - 1), s);
				/* itemprop="https://schema.org/price" */
				const char *slash = strrchr(nm, '/');
				const char *key = slash ? slash + 1 : nm;
				if (!val)
					val = md_value(c, e, key, depth);
				if (val)
					md_add(item, key, json_incref(val));
				s += l;
			}
			json_decref(val);
			if (has_attr(e, "itemscope"))
				continue;
		} else if (has_attr(e, "itemscope")) {
			continue; /* an unrelated item */
		}
		if (depth < 64)
			md_props(c, e, item, depth + 1, budget);
	}
}

static json_t *md_item(struct ex_ctx *c, xmlNodePtr node, int depth)
{
	json_t *item = json_object();
	if (depth > 8)
		return item;
	const char *t = attr(node, "itemtype");
	if (t) {
		size_t l = strcspn(t, " ");
		const char *slash = NULL;
		for (size_t i = 0; i < l; i++)
			if (t[i] == '/')
				slash = t + i;
		const char *nm = slash ? slash + 1 : t;
		json_t *ty = json_stringn(nm, (size_t)(t + l - nm));
		json_object_set_new(item, "@type",
				    ty ? ty : json_string("Thing"));
	}
	size_t budget = 20000;
	md_props(c, node, item, depth, &budget);
	return item;
}

void ex_microdata(struct ex_ctx *c, xmlNodePtr node)
{
	json_t *item = md_item(c, node, 0);
	ld_product(c, item, "microdata");
	json_decref(item);
}
