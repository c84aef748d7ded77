/*
 * state.c - product data in embedded application state.
 *
 * App-shell pages carry their data in a script: `window.__INITIAL_STATE__ =
 * {...};`, `<script id="__NEXT_DATA__" type="application/json">`,
 * `x = JSON.parse("{\"product\":...}")`, or JSON that holds JSON inside a
 * string.  Nothing is run: we find assignments to state-like names, cut
 * the object literal out by balanced-bracket scanning that respects strings
 * and comments, parse it with jansson (repairing the usual JavaScript-isms)
 * and walk it for the most product-like object.
 *
 * Bounds: each scan is linear and resumes after the object it cut out, so a
 * 3 MB script costs one pass; JSON size, total JSON per page, walk depth,
 * values visited and nested decodes are all capped (extract.h).
 *
 * A product-like object has a name and a price, or a name and a
 * description under a product-ish key ("product", "item", "pdp", ...).
 * Candidates are scored without copying anything; only the best is read.
 */
#include "extract/extract_int.h"

#include <string.h>

#define STATE_MAX_OBJECTS 16 /* state objects parsed per page */
#define STATE_MAX_DECODE  2  /* JSON-in-a-string levels */

/* ---- scanning
 * ---------------------------------------------------------------- */
size_t ex_balanced_end(const char *p, size_t n)
{
	size_t depth = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if (ch == '"' || ch == '\'' || ch == '`') {
			for (i++; i < n && p[i] != ch; i++)
				if (p[i] == '\\')
					i++;
			if (i >= n)
				return 0;
		} else if (ch == '/' && i + 1 < n && p[i + 1] == '/') {
			while (i < n && p[i] != '\n')
				i++;
		} else if (ch == '/' && i + 1 < n && p[i + 1] == '*') {
			i += 2;
			while (i + 1 < n && !(p[i] == '*' && p[i + 1] == '/'))
				i++;
			i++;
		} else if (ch == '{' || ch == '[') {
			depth++;
		} else if (ch == '}' || ch == ']') {
			if (!depth)
				return 0;
			if (--depth == 0)
				return i + 1;
		}
	}
	return 0;
}

static int hexv(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)(ch | 0x20);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static void put_cp(struct buf *out, unsigned long cp)
{
	char u[4];
	size_t l;
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0)
		cp = 0xFFFD;
	if (cp < 0x80) {
		u[0] = (char)cp, l = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		l = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		l = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		l = 4;
	}
	buf_append(out, u, l);
}

/* Read up to `digits` hex digits at p; -1 when fewer. */
static long read_hex(const char *p, size_t n, int digits)
{
	long v = 0;
	for (int k = 0; k < digits; k++) {
		if ((size_t)k >= n || hexv(p[k]) < 0)
			return -1;
		v = v * 16 + hexv(p[k]);
	}
	return v;
}

size_t ex_js_string(const char *p, size_t n, struct buf *out)
{
	char q = p[0];
	size_t i = 1;
	while (i < n && p[i] != q) {
		if (out->max && out->len + 8 > out->max)
			return 0;
		if (p[i] != '\\') {
			size_t s = i;
			while (i < n && p[i] != q && p[i] != '\\')
				i++;
			if (buf_append(out, p + s, i - s) < 0)
				return 0;
			continue;
		}
		if (++i >= n)
			return 0;
		char e = p[i++];
		long v;
		switch (e) {
		case 'n':
			buf_putc(out, '\n');
			break;
		case 't':
			buf_putc(out, '\t');
			break;
		case 'r':
			buf_putc(out, '\r');
			break;
		case 'b':
			buf_putc(out, '\b');
			break;
		case 'f':
			buf_putc(out, '\f');
			break;
		case 'v':
			buf_putc(out, '\v');
			break;
		case '0':
			buf_putc(out, ' ');
			break;
		case '\r':
			if (i < n && p[i] == '\n')
				i++;
			break;
		case '\n':
			break; /* line continuation */
		case 'x':
			v = read_hex(p + i, n - i, 2);
			if (v < 0)
				return 0;
			i += 2;
			put_cp(out, (unsigned long)v);
			break;
		case 'u':
			if (i < n && p[i] == '{') {
				const char *rb =
					memchr(p + i, '}', MIN(n - i, 10));
				if (!rb)
					return 0;
				v = read_hex(p + i + 1, n - i - 1,
					     (int)(rb - (p + i + 1)));
				if (v < 0)
					return 0;
				i = (size_t)(rb - p) + 1;
				put_cp(out, (unsigned long)v);
				break;
			}
			v = read_hex(p + i, n - i, 4);
			if (v < 0)
				return 0;
			i += 4;
			if (v >= 0xD800 && v <= 0xDBFF && i + 5 < n &&
			    p[i] == '\\' && p[i + 1] == 'u') {
				long lo = read_hex(p + i + 2, n - i - 2, 4);
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					v = 0x10000 + ((v - 0xD800) << 10) +
					    (lo - 0xDC00);
					i += 6;
				}
			}
			put_cp(out, (unsigned long)v);
			break;
		default:
			buf_putc(out, e);
			break;
		}
	}
	return i < n ? i + 1 : 0;
}

/* ---- product-like objects
 * ----------------------------------------------------- */
static bool key_has(const char *key, const char *const *words)
{
	for (; *words; words++)
		if (ex_find_ci(key, strlen(key), *words) >= 0)
			return true;
	return false;
}

static const char *const CTX_WORDS[] = {"product", "item",   "pdp",
					"listing", "goods",  "offer",
					"post",	   "detail", NULL};

static bool nonempty_string(json_t *v)
{
	return json_is_string(v) && json_string_length(v) > 1;
}

/* Cheap look at an object's keys: how product-like is it?  0 = not. */
static int offer_score(json_t *obj, bool ctx, bool *priced, bool *desc)
{
	static const char *const names[] = {
		"name",	    "title",	 "productName",	 "product_name",
		"itemName", "item_name", "productTitle", NULL};
	static const char *const prices[] = {
		"price",       "salePrice",    "sale_price",   "finalPrice",
		"final_price", "currentPrice", "priceValue",   "priceMin",
		"price_min",   "minPrice",     "lowPrice",     "offers",
		"priceText",   "displayPrice", "sellingPrice", "priceFormatted",
		NULL};
	static const char *const descs[] = {"description",
					    "desc",
					    "productDescription",
					    "product_description",
					    "caption",
					    "descriptionHtml",
					    NULL};
	static const char *const extra[] = {"brand",  "seller", "shop", "store",
					    "image",  "images", "sku",	"stock",
					    "rating", NULL};
	bool has_name = false, has_price = false, has_desc = false;
	int s = 0;
	for (const char *const *k = names; *k && !has_name; k++)
		has_name = nonempty_string(json_object_get(obj, *k));
	if (!has_name)
		return 0;
	for (const char *const *k = prices; *k && !has_price; k++) {
		json_t *v = json_object_get(obj, *k);
		if (!v)
			continue;
		if (json_is_number(v))
			has_price = json_number_value(v) > 0;
		else if (json_is_string(v))
			has_price = strpbrk(json_string_value(v), "0123456789");
		else if (json_is_object(v) || json_is_array(v))
			has_price = true;
	}
	for (const char *const *k = descs; *k && !has_desc; k++)
		has_desc = nonempty_string(json_object_get(obj, *k));
	if (!has_price && !(has_desc && ctx))
		return 0;
	s = 2 + (has_price ? 3 : 0) + (has_desc ? 2 : 0) + (ctx ? 1 : 0);
	for (const char *const *k = extra; *k; k++)
		if (json_object_get(obj, *k))
			s++;
	*priced = has_price;
	*desc = has_desc;
	return s;
}

struct walk {
	struct ex_ctx *c;
	int decode;
};

static void st_walk(struct walk *w, json_t *v, int depth, bool ctx);

static void st_decode_string(struct walk *w, json_t *v, int depth, bool ctx)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	size_t a = 0;
	while (a < n && ex_is_space((unsigned char)s[a]))
		a++;
	while (n > a && ex_is_space((unsigned char)s[n - 1]))
		n--;
	if (n - a < 16 || !((s[a] == '{' && s[n - 1] == '}') ||
			    (s[a] == '[' && s[n - 1] == ']')))
		return;
	struct ex_ctx *c = w->c;
	if (n - a > EXTRACT_MAX_JSON ||
	    c->json_bytes + (n - a) > EXTRACT_MAX_JSON_TOTAL)
		return;
	c->json_bytes += n - a;
	json_t *j = json_loadb(s + a, n - a, 0, NULL);
	if (!j)
		return; /* a string that only looks like JSON: not a problem */
	ex_fact(c, "state", "json-in-string", "decoded", 7);
	w->decode++;
	st_walk(w, j, depth + 1, ctx);
	w->decode--;
	json_decref(j);
}

static void st_walk(struct walk *w, json_t *v, int depth, bool ctx)
{
	struct ex_ctx *c = w->c;
	if (depth > EXTRACT_MAX_JSON_DEPTH)
		return;
	if (++c->json_nodes > EXTRACT_MAX_JSON_NODES) {
		if (!c->json_nodes_noted) {
			c->json_nodes_noted = true;
			ex_note(c,
				"embedded state: more than %d JSON values; "
				"rest not searched",
				EXTRACT_MAX_JSON_NODES);
		}
		return;
	}
	if (json_is_string(v)) {
		if (w->decode < STATE_MAX_DECODE)
			st_decode_string(w, v, depth, ctx);
		return;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			if (i >= 2000)
				break;
			st_walk(w, e, depth + 1, ctx);
		}
		return;
	}
	if (!json_is_object(v))
		return;
	bool priced = false, desc = false;
	int s = offer_score(v, ctx, &priced, &desc);
	if (s) {
		if (priced)
			c->n_state_priced++;
		if (s > c->state_best_score) {
			json_decref(c->state_best);
			c->state_best = json_incref(v);
			c->state_best_score = s;
			c->state_desc = desc;
		}
	}
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x)
	{
		if (json_is_object(x) || json_is_array(x) || json_is_string(x))
			st_walk(w, x, depth + 1, ctx || key_has(k, CTX_WORDS));
	}
}

static void st_json(struct ex_ctx *c, const char *p, size_t n, const char *what)
{
	if (c->n_state_objects >= STATE_MAX_OBJECTS)
		return;
	c->n_state_objects++;
	json_t *j = ex_json_parse(c, p, n, what);
	if (!j)
		return;
	ex_fact(c, "state", "script", what, strlen(what));
	struct walk w = {.c = c};
	st_walk(&w, j, 0, false);
	json_decref(j);
}

/* Whether the assigned-to name looks like application state. */
static bool state_name(const char *s, size_t n)
{
	static const char *const words[] = {
		"__",	 "state",  "data", "props",   "product",
		"store", "apollo", "nuxt", "initial", NULL};
	for (const char *const *w = words; *w; w++) {
		size_t wl = strlen(*w);
		for (size_t i = 0; i + wl <= n; i++)
			if (strncasecmp(s + i, *w, wl) == 0)
				return true;
	}
	return false;
}

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '$' ||
	       ch == '.' || ch == '[' || ch == ']' || ch == '"' || ch == '\'';
}

static void scan_js(struct ex_ctx *c, const char *p, size_t n,
		    const char *label)
{
	char what[192];
	for (size_t i = 1; i + 1 < n; i++) {
		if (p[i] != '=' && p[i] != ':')
			continue;
		/* "a = {", "x: JSON.parse(" but not "==", "=>", "<=", ... */
		if (p[i] == '=' && (p[i + 1] == '=' || p[i + 1] == '>' ||
				    strchr("=!<>+-*/%&|^?", p[i - 1])))
			continue;
		size_t j = i + 1;
		while (j < n && ex_is_space((unsigned char)p[j]))
			j++;
		if (j >= n)
			break;
		bool is_parse =
			n - j > 11 && memcmp(p + j, "JSON.parse(", 11) == 0;
		if (p[j] != '{' && !is_parse)
			continue;
		if (p[i] == ':' && !is_parse)
			continue; /* object keys: too common to try each */
		/* the name before the '=' */
		size_t e = i;
		while (e > 0 && ex_is_space((unsigned char)p[e - 1]))
			e--;
		size_t b = e;
		while (b > 0 && e - b < 96 && name_char(p[b - 1]))
			b--;
		if (b == e || !state_name(p + b, e - b))
			continue;
		snprintf(what, sizeof(what), "%s %.*s", label,
			 (int)MIN(e - b, 60), p + b);
		if (is_parse) {
			j += 11;
			while (j < n && ex_is_space((unsigned char)p[j]))
				j++;
			if (j >= n ||
			    (p[j] != '"' && p[j] != '\'' && p[j] != '`'))
				continue;
			struct buf s;
			buf_init(&s, EXTRACT_MAX_JSON);
			size_t used = ex_js_string(p + j, n - j, &s);
			if (used) {
				st_json(c, s.p ? s.p : "", s.len, what);
				i = j + used - 1;
			} else {
				ex_note(c,
					"%s: JSON.parse string not "
					"readable (unterminated or too "
					"large)",
					what);
			}
			buf_release(&s);
			if (!used)
				return;
			continue;
		}
		size_t len = ex_balanced_end(p + j, n - j);
		if (!len) {
			ex_note(c, "%s: object literal not closed; skipped",
				what);
			return; /* the rest of the script is inside it */
		}
		st_json(c, p + j, len, what);
		i = j + len - 1;
		if (c->n_state_objects >= STATE_MAX_OBJECTS)
			return;
	}
}

void ex_state_script(struct ex_ctx *c, const char *type, const char *id,
		     const char *p, size_t n)
{
	char label[96];
	snprintf(label, sizeof(label), "script%s%.60s", id ? " #" : "",
		 id ? id : "");
	if (type && (ex_find_ci(type, strlen(type), "json") >= 0)) {
		st_json(c, p, n, label);
		return;
	}
	if (type && *type && ex_find_ci(type, strlen(type), "javascript") < 0 &&
	    ex_find_ci(type, strlen(type), "module") < 0 &&
	    ex_find_ci(type, strlen(type), "ecmascript") < 0)
		return; /* templates, text/html, ... */
	scan_js(c, p, n, label);
}

void ex_state_finish(struct ex_ctx *c)
{
	if (!c->state_best)
		return;
	struct ex_offer *o = ex_offer_new(c, "state");
	ex_offer_from_json(c, c->state_best, o, 0);
	o->has_offer = o->has_price;
	if (o->name)
		ex_fact(c, "state", "name", o->name, strlen(o->name));
	if (o->has_price) {
		char num[64];
		snprintf(num, sizeof(num), "%.15g", o->price);
		ex_fact(c, "state", "price", num, strlen(num));
	}
	if (o->seller)
		ex_fact(c, "state", "seller", o->seller, strlen(o->seller));
	json_decref(c->state_best);
	c->state_best = NULL;
}
