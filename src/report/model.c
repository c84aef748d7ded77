/*
 * model.c - the actor JSON turned into struct rpt_actor, once, before any
 * drawing: every string cleaned and capped, times parsed, listings sorted
 * by first sighting and numbered, edges resolved to indices and
 * deduplicated, so the drawing code never meets raw input.
 *
 * Hostile input is bounded here: the JSON size (REPORT_MAX_JSON), the
 * number of listings (REPORT_MAX_LISTINGS), identifiers, edges, merges and
 * the bytes of every string.  What is cut is counted (listings_total,
 * idents_total, edges_dropped, merges_total) so the document can say so.
 */
#include "report/report_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_IDENTS	2000
#define MAX_EDGES	50000
#define MAX_MERGES	2000
#define MAX_MERGE_URLS	500
#define MAX_COUNTS	64
#define MAX_COUNT_VALUE 1000000000000LL
#define MAX_PLATFORMS	200
#define MAX_CODES	16
#define CAP_URL		2048
#define CAP_TITLE	600
#define CAP_FIELD	256

/* ---- ownership ---------------------------------------------------------- */

static void *own(struct rpt_actor *a, void *p)
{
	a->owned =
		xgrow(a->owned, &a->cap_owned, a->nowned + 1, sizeof(void *));
	a->owned[a->nowned++] = p;
	return p;
}

void rpt_actor_release(struct rpt_actor *a)
{
	for (size_t i = 0; i < a->nowned; i++)
		free(a->owned[i]);
	free(a->owned);
	memset(a, 0, sizeof(*a));
}

/* ---- text --------------------------------------------------------------- */

static bool is_space(gunichar c)
{
	return g_unichar_isspace(c) || c == 0x2028 || c == 0x2029;
}

/* Characters that can hide or reorder what an analyst reads: C0/C1
 * controls, format characters (bidi overrides, zero-width ones, BOM). */
static bool is_hidden(gunichar c)
{
	GUnicodeType t = g_unichar_type(c);

	return t == G_UNICODE_CONTROL || t == G_UNICODE_FORMAT ||
	       t == G_UNICODE_SURROGATE;
}

char *rpt_clean(const char *s, size_t cap)
{
	static const char ell[] = "\u2026", rep[] = "\uFFFD";
	char *valid = g_utf8_make_valid(s ? s : "", -1);
	struct buf b = BUF_INIT;
	bool space = true; /* drops leading blanks */

	buf_init(&b, 0);
	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		size_t n = (size_t)(g_utf8_next_char(p) - p);

		if (is_space(c)) {
			if (!space)
				buf_putc(&b, ' ');
			space = true;
			continue;
		}
		if (b.len + n + sizeof(ell) > cap) {
			buf_puts(&b, ell);
			break;
		}
		if (is_hidden(c))
			buf_puts(&b, rep);
		else
			buf_append(&b, p, n);
		space = false;
	}
	g_free(valid);
	while (b.len && b.p[b.len - 1] == ' ')
		b.p[--b.len] = '\0';
	return buf_detach(&b, NULL);
}

/* Clean into an owned string; "-" for empty. */
static const char *text(struct rpt_actor *a, const char *s, size_t cap)
{
	char *c = rpt_clean(s, cap);

	if (!*c) {
		free(c);
		return "-";
	}
	return own(a, c);
}

/* A JSON scalar as text: strings cleaned, numbers printed, else "-". */
static const char *scalar(struct rpt_actor *a, const json_t *j, size_t cap)
{
	char tmp[64];

	if (json_is_string(j))
		return text(a, json_string_value(j), cap);
	if (json_is_integer(j))
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(j));
	else if (json_is_real(j))
		snprintf(tmp, sizeof(tmp), "%.15g", json_real_value(j));
	else
		return "-";
	return own(a, xstrdup(tmp));
}

static const char *field(struct rpt_actor *a, const json_t *o, const char *key,
			 size_t cap)
{
	return scalar(a, json_object_get(o, key), cap);
}

/* ---- labels ------------------------------------------------------------- */

static const char *const kind_names[RPT__KINDS] = {
	"phone", "email", "bank", "handle", "domain", "other",
};

const char *rpt_kind_label(enum rpt_kind k)
{
	static const char *const labels[RPT__KINDS] = {
		"Telepon/WhatsApp",  "E-mail", "Rekening Bank",
		"Akun Media Sosial", "Domain", "Lainnya",
	};

	return (unsigned)k < RPT__KINDS ? labels[k] : labels[RPT_OTHER];
}

static enum rpt_kind kind_parse(const char *s)
{
	for (int k = 0; k < RPT_OTHER; k++)
		if (s && !strcmp(s, kind_names[k]))
			return (enum rpt_kind)k;
	return RPT_OTHER;
}

struct label {
	const char *code, *text;
};

static const char *lookup(const struct label *t, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].code, code))
			return t[i].text;
	return NULL;
}

const char *rpt_violation_label(const char *code)
{
	static const struct label t[] = {
		{"NO_NIE", "Tanpa nomor izin edar"},
		{"INVALID_NIE", "Nomor izin edar tidak sah"},
		{"BKO", "Mengandung bahan kimia obat"},
		{"BANNED_INGREDIENT", "Bahan dilarang (kosmetik)"},
		{"PRESCRIPTION_DRUG", "Obat keras/tertentu dijual bebas"},
		{"ILLEGAL_CLAIM", "Klaim promosi terlarang"},
	};

	return lookup(t, ARRAY_LEN(t), code);
}

const char *rpt_commodity_label(const char *code)
{
	static const struct label t[] = {
		{"obat", "Obat"},
		{"obat_tradisional", "Obat tradisional"},
		{"suplemen", "Suplemen kesehatan"},
		{"kosmetik", "Kosmetik"},
		{"pangan", "Pangan olahan"},
		{"obat_kuasi", "Obat kuasi"},
		{"other", "Lainnya"},
	};

	return lookup(t, ARRAY_LEN(t), code);
}

/* ---- time --------------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n digits at *p into *v, advancing *p. */
static bool digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return false;
		*v = *v * 10 + (**p - '0');
	}
	return true;
}

/* "Z", "+07:00", "+0700" or nothing (taken as UTC) at the end of a time. */
static bool parse_offset(const char *p, int *off)
{
	int sign, h, m;

	*off = 0;
	if (*p == '\0')
		return true;
	if (*p == 'Z' || *p == 'z')
		return p[1] == '\0';
	if (*p != '+' && *p != '-')
		return false;
	sign = *p++ == '-' ? -1 : 1;
	if (!digits(&p, 2, &h))
		return false;
	if (*p == ':')
		p++;
	if (!digits(&p, 2, &m) || *p != '\0' || h > 23 || m > 59)
		return false;
	*off = sign * (h * 3600 + m * 60);
	return true;
}

int rpt_parse_time(const char *s, int64_t *out)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int y, mo, d, h = 0, mi = 0, se = 0, off = 0;
	const char *p = s;

	if (!s || !digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
	    *p++ != '-' || !digits(&p, 2, &d))
		return ERR_INPUT;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return ERR_INPUT;
		if (*p == ':' && (p++, !digits(&p, 2, &se)))
			return ERR_INPUT;
		if (*p == '.')
			while (*++p >= '0' && *p <= '9')
				;
	}
	/* years outside 2000..2100 are no patrol's and would squash the
	 * timeline; a leap second counts as the second before it */
	if (!parse_offset(p, &off) || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] || h > 23 || mi > 59 || se > 60 || y < 2000 ||
	    y > 2100)
		return ERR_INPUT;
	se = MIN(se, 59);
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	       off;
	return 0;
}

static const char *const month_long[12] = {
	"Januari", "Februari", "Maret",	    "April",   "Mei",	   "Juni",
	"Juli",	   "Agustus",  "September", "Oktober", "November", "Desember",
};

static bool to_tm(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	return t != RPT_NO_TIME && gmtime_r(&tt, tm);
}

void rpt_fmt_time(int64_t t, char out[32])
{
	struct tm tm;

	if (!to_tm(t, &tm) || !strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(out, 32, "-");
}

void rpt_fmt_iso(int64_t t, char out[32])
{
	struct tm tm;

	if (!to_tm(t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "-");
}

void rpt_fmt_date_long(int64_t t, char out[32])
{
	struct tm tm;

	if (!to_tm(t, &tm))
		snprintf(out, 32, "-");
	else
		snprintf(out, 32, "%d %s %d", tm.tm_mday, month_long[tm.tm_mon],
			 tm.tm_year + 1900);
}

void rpt_fmt_date_short(int64_t t, char out[32])
{
	struct tm tm;

	if (!to_tm(t, &tm))
		snprintf(out, 32, "-");
	else
		snprintf(out, 32, "%d %.3s %d", tm.tm_mday,
			 month_long[tm.tm_mon], tm.tm_year + 1900);
}

/* A time field: the cleaned text and its value (RPT_NO_TIME if unreadable). */
static const char *time_field(struct rpt_actor *a, const json_t *o,
			      const char *key, int64_t *t)
{
	const json_t *j = json_object_get(o, key);

	if (!json_is_string(j) || rpt_parse_time(json_string_value(j), t))
		*t = RPT_NO_TIME;
	return scalar(a, j, 64);
}

/* ---- a small string map: (tag, key) -> index, keys borrowed ------------- */

struct smap {
	const char **keys;
	int *tags;
	size_t *vals;
	size_t cap, n;
};

static size_t smap_slot(const struct smap *m, int tag, const char *k)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)tag;
	size_t i;

	for (const unsigned char *p = (const unsigned char *)k; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	for (i = h & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (m->tags[i] == tag && !strcmp(m->keys[i], k))
			break;
	return i;
}

static bool smap_get(const struct smap *m, int tag, const char *k, size_t *v)
{
	size_t i;

	if (!m->cap || !k)
		return false;
	i = smap_slot(m, tag, k);
	if (!m->keys[i])
		return false;
	*v = m->vals[i];
	return true;
}

static void smap_put(struct smap *m, int tag, const char *k, size_t v);

static void smap_grow(struct smap *m)
{
	struct smap old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->n = 0;
	m->keys = xcalloc(m->cap, sizeof(*m->keys));
	m->tags = xcalloc(m->cap, sizeof(*m->tags));
	m->vals = xcalloc(m->cap, sizeof(*m->vals));
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i])
			smap_put(m, old.tags[i], old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.tags);
	free(old.vals);
}

/* Keeps the first value of a key. */
static void smap_put(struct smap *m, int tag, const char *k, size_t v)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap)
		smap_grow(m);
	i = smap_slot(m, tag, k);
	if (m->keys[i])
		return;
	m->keys[i] = k;
	m->tags[i] = tag;
	m->vals[i] = v;
	m->n++;
}

static void smap_release(struct smap *m)
{
	free(m->keys);
	free(m->tags);
	free(m->vals);
}

/* ---- parsing ------------------------------------------------------------ */

struct parse {
	struct rpt_actor *a;
	const json_t *root;
	struct smap urls;   /* raw listing URL -> listing index */
	struct smap idents; /* (kind, raw value) -> ident index */
	size_t cap_listings, cap_idents, cap_edges, cap_counts;
	bool count_violations; /* no "violations" object: count listings' */
};

static void count_code(struct parse *ps, const char *code)
{
	struct rpt_actor *a = ps->a;
	size_t i;

	for (i = 0; i < a->nviolations; i++)
		if (!strcmp(a->violations[i].label, code))
			break;
	if (i == a->nviolations) {
		if (i >= MAX_COUNTS)
			return;
		a->violations = xgrow(a->violations, &ps->cap_counts, i + 1,
				      sizeof(*a->violations));
		a->violations[a->nviolations++] = (struct rpt_count){code, 0};
	}
	a->violations[i].n++;
}

static const char *listing_codes(struct parse *ps, const json_t *arr)
{
	struct buf b = BUF_INIT;
	size_t i, shown = 0;
	json_t *v;

	buf_init(&b, 0);
	json_array_foreach(arr, i, v)
	{
		const char *c = scalar(ps->a, v, 64);

		if (!strcmp(c, "-"))
			continue;
		if (ps->count_violations)
			count_code(ps, c);
		if (shown++ < MAX_CODES)
			buf_printf(&b, "%s%s", b.len ? ", " : "", c);
	}
	if (shown > MAX_CODES)
		buf_printf(&b, " (+%zu)", shown - MAX_CODES);
	if (!b.len) {
		buf_release(&b);
		return "-";
	}
	return own(ps->a, buf_detach(&b, NULL));
}

static void parse_listing(struct parse *ps, const json_t *o,
			  struct rpt_listing *l)
{
	struct rpt_actor *a = ps->a;

	memset(l, 0, sizeof(*l));
	if (json_is_string(o)) { /* the export's bare URL form */
		l->url = scalar(a, o, CAP_URL);
		l->title = l->platform = l->commodity = l->sha256 = "-";
		l->warc_file = l->violations = l->first_raw = l->last_raw = "-";
		l->first_seen = l->last_seen = RPT_NO_TIME;
		return;
	}
	l->url = field(a, o, "url", CAP_URL);
	l->title = field(a, o, "title", CAP_TITLE);
	l->platform = field(a, o, "platform", CAP_FIELD);
	l->commodity = field(a, o, "commodity", CAP_FIELD);
	l->sha256 = field(a, o, "sha256", 128);
	l->warc_file = field(a, o, "warc_file", CAP_FIELD);
	l->violations = listing_codes(ps, json_object_get(o, "violations"));
	l->first_raw = time_field(a, o, "first_seen", &l->first_seen);
	l->last_raw = time_field(a, o, "last_seen", &l->last_seen);
}

static int by_first_seen(const void *x, const void *y)
{
	const struct rpt_listing *a = x, *b = y;

	if (a->first_seen != b->first_seen) {
		if (a->first_seen == RPT_NO_TIME)
			return 1;
		if (b->first_seen == RPT_NO_TIME)
			return -1;
		return a->first_seen < b->first_seen ? -1 : 1;
	}
	return a->no < b->no ? -1 : a->no > b->no;
}

/* The raw URL key of listing JSON element `o`, or NULL. */
static const char *raw_url(const json_t *o)
{
	if (json_is_string(o))
		return json_string_value(o);
	return json_string_value(json_object_get(o, "url"));
}

/* Listings are objects, or bare URL strings; anything else is skipped. */
static bool is_listing(const json_t *o)
{
	return json_is_object(o) || json_is_string(o);
}

static void parse_listings(struct parse *ps)
{
	struct rpt_actor *a = ps->a;
	const json_t *arr = json_object_get(ps->root, "listings"), *o;
	size_t i;

	json_array_foreach(arr, i, o) a->listings_total += is_listing(o);
	a->listings = own(
		a,
		xcalloc(MIN(a->listings_total, (size_t)REPORT_MAX_LISTINGS) + 1,
			sizeof(*a->listings)));
	json_array_foreach(arr, i, o)
	{
		if (!is_listing(o) || a->nlistings >= REPORT_MAX_LISTINGS)
			continue;
		parse_listing(ps, o, &a->listings[a->nlistings]);
		/* the element's index, for a stable sort and its URL key */
		a->listings[a->nlistings++].no = i;
	}
	qsort(a->listings, a->nlistings, sizeof(*a->listings), by_first_seen);
	a->first_seen = a->last_seen = RPT_NO_TIME;
	for (i = 0; i < a->nlistings; i++) {
		struct rpt_listing *l = &a->listings[i];
		const char *k = raw_url(json_array_get(arr, l->no));
		/* a last sighting before the first is the input's error;
		 * both still belong on the axis */
		int64_t last = MAX(l->last_seen, l->first_seen);

		if (k)
			smap_put(&ps->urls, 0, k, i);
		l->no = i + 1;
		if (l->first_seen != RPT_NO_TIME &&
		    (a->first_seen == RPT_NO_TIME ||
		     l->first_seen < a->first_seen))
			a->first_seen = l->first_seen;
		if (last != RPT_NO_TIME && last > a->last_seen)
			a->last_seen = last;
	}
}

/* Index of identifier (kind, raw), added if new; false past the cap. */
static bool ident_index(struct parse *ps, enum rpt_kind k, const char *raw,
			const char *key, size_t *out)
{
	struct rpt_actor *a = ps->a;
	struct rpt_ident *id;
	char *v;

	if (smap_get(&ps->idents, (int)k, raw, out))
		return true;
	a->idents_total++;
	if (a->nidents >= MAX_IDENTS)
		return false;
	a->idents = xgrow(a->idents, &ps->cap_idents, a->nidents + 1,
			  sizeof(*a->idents));
	id = &a->idents[a->nidents];
	if (k == RPT_OTHER) { /* keep the unknown kind's name visible */
		v = xasprintf("%s: %s", key ? key : "?", raw);
		id->value = text(a, v, CAP_FIELD);
		free(v);
	} else {
		id->value = text(a, raw, CAP_FIELD);
	}
	id->kind = k;
	id->degree = 0;
	smap_put(&ps->idents, (int)k, raw, a->nidents);
	*out = a->nidents++;
	return true;
}

static void parse_identifiers(struct parse *ps)
{
	const json_t *obj = json_object_get(ps->root, "identifiers"), *arr, *v;
	const char *key;
	size_t i, idx;

	json_object_foreach((json_t *)obj, key, arr)
	{
		enum rpt_kind k = kind_parse(key);

		json_array_foreach(arr, i, v)
		{
			if (json_is_string(v))
				ident_index(ps, k, json_string_value(v), key,
					    &idx);
		}
	}
}

static int by_pair(const void *x, const void *y)
{
	const struct rpt_edge *a = x, *b = y;

	if (a->listing != b->listing)
		return a->listing < b->listing ? -1 : 1;
	return a->ident < b->ident ? -1 : a->ident > b->ident;
}

static void add_edge(struct parse *ps, const json_t *e)
{
	struct rpt_actor *a = ps->a;
	const char *url = json_string_value(json_object_get(e, "listing"));
	const char *kind = json_string_value(json_object_get(e, "kind"));
	const char *val = json_string_value(json_object_get(e, "value"));
	size_t li, ii;

	if (!val || !smap_get(&ps->urls, 0, url, &li) ||
	    a->nedges >= MAX_EDGES ||
	    !ident_index(ps, kind_parse(kind), val, kind, &ii)) {
		a->edges_dropped++;
		return;
	}
	a->edges = xgrow(a->edges, &ps->cap_edges, a->nedges + 1,
			 sizeof(*a->edges));
	a->edges[a->nedges++] = (struct rpt_edge){li, ii};
}

static void parse_edges(struct parse *ps)
{
	struct rpt_actor *a = ps->a;
	const json_t *arr = json_object_get(ps->root, "edges"), *e;
	size_t i, n = 0;

	json_array_foreach(arr, i, e) add_edge(ps, e);
	if (a->nedges > 1) /* qsort's array must not be NULL, even empty */
		qsort(a->edges, a->nedges, sizeof(*a->edges), by_pair);
	for (i = 0; i < a->nedges; i++) {
		if (n && !by_pair(&a->edges[n - 1], &a->edges[i]))
			continue;
		a->edges[n++] = a->edges[i];
		a->listings[a->edges[i].listing].degree++;
		a->idents[a->edges[i].ident].degree++;
	}
	a->nedges = n;
}

static void parse_merge(struct parse *ps, const json_t *m, struct rpt_merge *mg)
{
	struct rpt_actor *a = ps->a;
	const json_t *urls = json_object_get(m, "listings"), *u;

	mg->identifier = field(a, m, "identifier", CAP_FIELD);
	mg->total = json_array_size(urls);
	mg->n = MIN(mg->total, (size_t)MAX_MERGE_URLS);
	mg->urls = own(a, xcalloc(mg->n + 1, sizeof(*mg->urls)));
	mg->nos = own(a, xcalloc(mg->n + 1, sizeof(*mg->nos)));
	for (size_t j = 0; j < mg->n; j++) {
		size_t li;

		u = json_array_get(urls, j);
		mg->urls[j] = scalar(a, u, CAP_URL);
		if (smap_get(&ps->urls, 0, json_string_value(u), &li))
			mg->nos[j] = a->listings[li].no;
	}
}

/* Merges that name no listing prove nothing and are skipped. */
static void parse_merges(struct parse *ps)
{
	struct rpt_actor *a = ps->a;
	const json_t *arr = json_object_get(ps->root, "merges"), *m;
	size_t i;

	json_array_foreach(arr, i, m) a->merges_total +=
		json_array_size(json_object_get(m, "listings")) > 0;
	a->merges = own(a, xcalloc(MIN(a->merges_total, (size_t)MAX_MERGES) + 1,
				   sizeof(*a->merges)));
	json_array_foreach(arr, i, m)
	{
		if (a->nmerges >= MAX_MERGES ||
		    !json_array_size(json_object_get(m, "listings")))
			continue;
		parse_merge(ps, m, &a->merges[a->nmerges++]);
	}
}

static int by_count(const void *x, const void *y)
{
	const struct rpt_count *a = x, *b = y;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->label, b->label);
}

/* A count from JSON, clamped so that sums of them cannot overflow. */
static int64_t count_value(const json_t *v)
{
	double r = json_number_value(v);

	if (json_is_integer(v))
		return MIN(MAX(json_integer_value(v), 0), MAX_COUNT_VALUE);
	return r > 0 ? (int64_t)MIN(r, (double)MAX_COUNT_VALUE) : 0;
}

static void parse_violations(struct parse *ps, const json_t *obj)
{
	struct rpt_actor *a = ps->a;
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v)
	{
		if (a->nviolations >= MAX_COUNTS)
			break;
		a->violations =
			xgrow(a->violations, &ps->cap_counts,
			      a->nviolations + 1, sizeof(*a->violations));
		a->violations[a->nviolations++] =
			(struct rpt_count){text(a, key, 64), count_value(v)};
	}
}

static void add_platform(struct rpt_actor *a, size_t *cap, const char *p)
{
	for (size_t i = 0; i < a->nplatforms; i++)
		if (!strcmp(a->platforms[i], p))
			return;
	if (!strcmp(p, "-") || a->nplatforms >= MAX_PLATFORMS)
		return;
	a->platforms = xgrow(a->platforms, cap, a->nplatforms + 1,
			     sizeof(*a->platforms));
	a->platforms[a->nplatforms++] = p;
}

/* The "platforms" array, or else the listings' platforms. */
static void parse_platforms(struct parse *ps)
{
	struct rpt_actor *a = ps->a;
	const json_t *arr = json_object_get(ps->root, "platforms"), *v;
	size_t i, cap = 0;

	json_array_foreach(arr, i, v)
		add_platform(a, &cap, scalar(a, v, CAP_FIELD));
	if (!json_is_array(arr))
		for (i = 0; i < a->nlistings; i++)
			add_platform(a, &cap, a->listings[i].platform);
	if (a->platforms)
		own(a, a->platforms);
}

static void parse_all(struct parse *ps)
{
	struct rpt_actor *a = ps->a;
	const json_t *viol = json_object_get(ps->root, "violations");

	a->id = field(a, ps->root, "id", CAP_FIELD);
	a->generated_raw =
		time_field(a, ps->root, "generated_at", &a->generated_at);
	ps->count_violations = !json_is_object(viol);
	parse_listings(ps);
	parse_violations(ps, viol);
	parse_platforms(ps);
	parse_identifiers(ps);
	parse_edges(ps);
	parse_merges(ps);
	if (a->nviolations > 1)
		qsort(a->violations, a->nviolations, sizeof(*a->violations),
		      by_count);
	own(a, a->violations);
	own(a, a->idents);
	own(a, a->edges);
}

int rpt_actor_parse(const char *json, struct rpt_actor *a, char *err,
		    size_t errlen)
{
	struct parse ps = {.a = a};
	size_t n = strnlen(json, (size_t)REPORT_MAX_JSON + 1);
	json_error_t je;
	json_t *root;

	memset(a, 0, sizeof(*a));
	if (n > REPORT_MAX_JSON) {
		snprintf(err, errlen, "actor JSON larger than %u bytes",
			 REPORT_MAX_JSON);
		return ERR_INPUT;
	}
	root = json_loadb(json, n, 0, &je);
	if (!root || !json_is_object(root)) {
		snprintf(err, errlen, "actor JSON: %s (line %d column %d)",
			 root ? "not an object" : je.text, root ? 1 : je.line,
			 root ? 1 : je.column);
		json_decref(root);
		return ERR_INPUT;
	}
	ps.root = root;
	parse_all(&ps);
	smap_release(&ps.urls);
	smap_release(&ps.idents);
	json_decref(root);
	return 0;
}
