/*
 * detect.c - the detection pipeline (detect.h).
 *
 * All fields are normalised into one text, separated by newlines, and
 * scanned once; the normaliser's map points into a "virtual" original made
 * of the fields laid end to end (field i starts at base[i]), so a match
 * maps back to (field, offset) with one binary search.  Every buffer lives
 * in the detector and is reused: no allocation per listing once warm,
 * except registry matching, which runs only for registered numbers.
 */
#include "detect/detect.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/norm.h"

/* Weights of the codes that come from numbers, not from rule files. */
#define W_NO_NIE      40
#define W_INVALID_NIE 55
#define W_NIE_CLASS   60

struct detector {
	const struct rules *r;
	struct rules_scratch *s;
	struct norm norm;
	struct norm fold; /* a field's folded form, for numbers */
	struct rules_field *rf;
	size_t *base; /* virtual offset of each input field */
	size_t cap_fields;
	struct detect_reason reasons[64];
	size_t nreasons;
	struct detect_nie nies[DETECT_MAX_NIE];
	size_t nnies;
	struct buf joined; /* all raw fields, for registry matching */
	struct rules_span ignore[64]; /* seller's name, ingredient lists */
	size_t nignore;
	/* per call */
	const struct detect_field *f;
	size_t nf;
};

struct detector *detector_new(const struct rules *r)
{
	struct detector *d = xcalloc(1, sizeof(*d));

	d->r = r;
	d->s = rules_scratch_new(r);
	norm_init(&d->norm);
	norm_init(&d->fold);
	buf_init(&d->joined, 0);
	return d;
}

void detector_free(struct detector *d)
{
	if (!d)
		return;
	rules_scratch_free(d->s);
	norm_release(&d->norm);
	norm_release(&d->fold);
	buf_release(&d->joined);
	free(d->rf);
	free(d->base);
	free(d);
}

int detect_store_lookup(void *arg, const char *nie,
			struct store_registry_row *out)
{
	return store_registry_get(arg, nie, out);
}

/* Copy at most `max` bytes of s, cut at a UTF-8 boundary. */
static void copy_utf8(char *dst, size_t dsz, const char *s, size_t n)
{
	size_t max = MIN(n, dsz - 1);

	if (max < n)
		while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
			max--;
	if (max)
		memcpy(dst, s, max);
	dst[max] = '\0';
	/* newlines and tabs would break one-line outputs */
	for (size_t i = 0; i < max; i++)
		if (dst[i] == '\n' || dst[i] == '\r' || dst[i] == '\t')
			dst[i] = ' ';
}

/* Virtual offset -> (field, offset in field). */
static int field_of(const struct detector *d, size_t voff, size_t *off)
{
	size_t lo = 0, hi = d->nf;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (d->base[mid] <= voff)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -1;
	*off = voff - d->base[lo - 1];
	return (int)lo - 1;
}

static struct detect_reason *add_reason(struct detector *d, enum vcode code,
					const char *rule, int weight)
{
	struct detect_reason *rs;

	if (d->nreasons == ARRAY_LEN(d->reasons))
		return NULL;
	rs = &d->reasons[d->nreasons++];
	memset(rs, 0, sizeof(*rs));
	rs->code = code;
	rs->rule = rule;
	rs->weight = weight;
	rs->field = -1;
	return rs;
}

/* Fill a reason's location and snippet from a normalised span. */
static void locate(struct detector *d, struct detect_reason *rs, size_t from,
		   size_t to)
{
	size_t a, b;
	int fa, fb;

	if (from >= d->norm.len || to <= from)
		return;
	fa = field_of(d, d->norm.map[from], &a);
	fb = field_of(d, d->norm.map[to - 1], &b);
	if (fa < 0 || fb != fa)
		return;
	b += norm_char_len(d->f[fa].text, d->f[fa].len, b);
	rs->field = fa;
	rs->off = a;
	rs->len = b - a;
	copy_utf8(rs->snippet, sizeof(rs->snippet), d->f[fa].text + a, b - a);
}

struct hit_ctx {
	struct detector *d;
	unsigned codes;
};

static void on_hit(void *arg, const struct rules_hit *h)
{
	struct hit_ctx *c = arg;
	struct detect_reason *rs = add_reason(c->d, h->code, h->id, h->weight);

	c->codes |= 1u << h->code;
	if (rs)
		locate(c->d, rs, h->from, h->to);
}

static void keep_row(struct detect_registry *dst,
		     const struct store_registry_row *row)
{
#define CP(f) snprintf(dst->f, sizeof(dst->f), "%s", row->f ? row->f : "")
	CP(nie);
	CP(product_name);
	CP(brand);
	CP(commodity);
	CP(holder);
	CP(status);
	CP(valid_until);
#undef CP
}

/* Find the numbers of every field, once each. */
/* Numbers written with non-ASCII digits or letters (full-width
 * "ＮＡ１８…", mathematical digits): the scanner reads ASCII, so such a
 * field is also read in its folded form (norm flags 0, which keeps digits
 * and punctuation) and the spans mapped back to the original. */
static size_t find_folded(struct detector *d, size_t i, struct nie_match *m,
			  size_t max)
{
	const struct detect_field *f = &d->f[i];
	bool ascii = true;
	size_t n;

	for (size_t k = 0; k < f->len && ascii; k++)
		ascii = (unsigned char)f->text[k] < 0x80;
	if (ascii || f->len > DETECT_MAX_INPUT)
		return 0;
	norm_reset(&d->fold);
	if (norm_append(&d->fold, f->text, f->len, 0, 0))
		return 0;
	n = nie_find(d->fold.text, d->fold.len, m, max);
	for (size_t k = 0; k < n; k++) {
		size_t a = d->fold.map[m[k].start],
		       c = d->fold.map[m[k].code_start],
		       b = d->fold.map[m[k].end - 1];
		m[k].start = a;
		m[k].code_start = c;
		m[k].end = b + norm_char_len(f->text, f->len, b);
	}
	return n;
}

static void find_nies(struct detector *d)
{
	d->nnies = 0;
	for (size_t i = 0; i < d->nf && d->nnies < DETECT_MAX_NIE; i++) {
		struct nie_match m[DETECT_MAX_NIE];
		size_t n = nie_find(d->f[i].text, d->f[i].len, m, ARRAY_LEN(m));
		if (!n)
			n = find_folded(d, i, m, ARRAY_LEN(m));
		for (size_t k = 0; k < n && d->nnies < DETECT_MAX_NIE; k++) {
			bool dup = false;
			for (size_t j = 0; j < d->nnies && !dup; j++)
				dup = !strcmp(d->nies[j].m.norm, m[k].norm);
			if (dup)
				continue;
			struct detect_nie *x = &d->nies[d->nnies++];
			memset(x, 0, sizeof(*x));
			x->m = m[k];
			x->field = (int)i;
			copy_utf8(x->raw, sizeof(x->raw),
				  d->f[i].text + m[k].start,
				  m[k].end - m[k].start);
		}
	}
}

/* Drop a number that is the beginning of another one: meta descriptions
 * are cut at a fixed length ("... Reg. DKI8006806035B"), and the cut copy
 * is not a second, malformed number. */
static void drop_truncated(struct detector *d)
{
	size_t w = 0;

	for (size_t i = 0; i < d->nnies; i++) {
		const char *a = d->nies[i].m.norm;
		size_t n = strlen(a);
		bool cut = false;
		for (size_t j = 0; j < d->nnies && !cut; j++)
			cut = j != i && strlen(d->nies[j].m.norm) > n &&
			      !strncmp(d->nies[j].m.norm, a, n);
		if (!cut)
			d->nies[w++] = d->nies[i];
	}
	d->nnies = w;
}

static const char *title_of(const struct detector *d)
{
	for (size_t i = 0; i < d->nf; i++)
		if (rules_field_kind(d->f[i].name) == RF_TITLE)
			return d->f[i].text;
	return NULL;
}

/* Registry verdicts; `listing` is the commodity decided so far. */
static int verify(struct detector *d, const struct detect_opts *o,
		  enum commodity listing)
{
	const char *title = title_of(d);
	int64_t now = o->now_ms ? o->now_ms : time_now_ms();

	for (size_t i = 0; i < d->nnies; i++) {
		struct detect_nie *x = &d->nies[i];
		struct store_registry_row row;
		int rc = ERR_NOTFOUND;

		if (x->m.format_ok && o->lookup)
			rc = o->lookup(o->lookup_arg, x->m.norm, &row);
		if (rc && rc != ERR_NOTFOUND)
			return ERR_FAIL;
		x->registered = !rc;
		if (x->registered)
			keep_row(&x->reg, &row);
		x->verdict = registry_verdict(&x->m,
					      x->registered ? &row : NULL, now);
		if (listing == COM_OTHER)
			continue;
		if (x->m.pirt && listing != COM_PANGAN) {
			snprintf(x->why, sizeof(x->why), "P-IRT number on %s",
				 commodity_name(listing));
			x->mismatch = true;
		} else if (x->m.commodity != COM_OTHER &&
			   x->m.commodity != listing) {
			snprintf(x->why, sizeof(x->why), "%s number on %s",
				 commodity_name(x->m.commodity),
				 commodity_name(listing));
			x->mismatch = true;
		} else if (x->registered && x->verdict == VERDICT_VALID) {
			struct buf why = BUF_INIT;
			/* row's strings are the store's: use our copy */
			struct store_registry_row r2 = {
				.nie = x->reg.nie,
				.product_name = x->reg.product_name,
				.brand = x->reg.brand[0] ? x->reg.brand : NULL,
				.commodity = x->reg.commodity,
				.status = x->reg.status,
			};
			x->mismatch = registry_mismatch(&r2, listing, title,
							d->joined.p, &why);
			copy_utf8(x->why, sizeof(x->why), why.p, why.len);
			buf_release(&why);
		}
	}
	return 0;
}

/* Index of the largest score (ties: the larger `tie` score, then the
 * first), or -1 when every score is 0. */
static int argmax(const int *score, const int *tie)
{
	int best = -1;

	for (int c = 0; c < COM__COUNT; c++) {
		if (score[c] <= 0)
			continue;
		if (best < 0 || score[c] > score[best] ||
		    (score[c] == score[best] && tie && tie[c] > tie[best]))
			best = c;
	}
	return best;
}

/* The commodity of the first well-formed number, COM_OTHER if none. */
static enum commodity nie_commodity_of(const struct detector *d)
{
	for (size_t i = 0; i < d->nnies; i++)
		if (d->nies[i].m.commodity != COM_OTHER &&
		    d->nies[i].m.format_ok)
			return d->nies[i].m.commodity;
	for (size_t i = 0; i < d->nnies; i++)
		if (d->nies[i].m.commodity != COM_OTHER)
			return d->nies[i].m.commodity;
	return COM_OTHER;
}

/* Which commodity the listing is.  Vocabulary scores weigh the title 3,
 * the listing's other fields (description, alt texts, brand) 2; the page
 * text counts only when there is no title.  When the number's commodity
 * is also named by the title or description (a "minuman serbuk kolagen"
 * with an MD number is food) with at least half the best score, the number
 * decides; without vocabulary, the number decides alone. */
static enum commodity classify(struct detector *d, const char **by)
{
	int title[COM__COUNT], body[COM__COUNT], text[COM__COUNT];
	int score[COM__COUNT], best;
	enum commodity nc = nie_commodity_of(d);
	bool has_title = title_of(d) != NULL;

	rules_classes(d->r, d->s, title, body, has_title ? NULL : text,
		      d->ignore, d->nignore);
	for (int c = 0; c < COM__COUNT; c++) {
		if (has_title)
			text[c] = 0;
		score[c] = 3 * title[c] + 2 * body[c] + text[c];
	}
	if ((best = argmax(score, text)) >= 0) {
		if (nc != COM_OTHER && best != COM_OTHER &&
		    (title[nc] > 0 || body[nc] > 0) &&
		    2 * (3 * title[nc] + 2 * body[nc]) >= score[best]) {
			*by = "nie";
			return nc;
		}
		*by = "vocabulary";
		return (enum commodity)best;
	}
	if (nc != COM_OTHER) {
		*by = "nie";
		return nc;
	}
	*by = "none";
	return COM_OTHER;
}

/* Ingredient lists ("Komposisi: ekstrak teh hijau, kolagen") name what is
 * in the product, not what it is: a slimming capsule with green-tea
 * extract is not tea.  From the marker to the end of the line. */
static void find_ingredients(struct detector *d)
{
	static const char *const markers[] = {"komposisi",  "kandungan",
					      "bahan",	    "ingredients",
					      "ingredient", "mengandung"};
	const char *t = d->norm.text;
	size_t len = d->norm.len;

	for (size_t k = 0; k < ARRAY_LEN(markers); k++) {
		size_t n = strlen(markers[k]);
		for (const char *p = t; d->nignore < ARRAY_LEN(d->ignore);
		     p++) {
			p = memmem(p, len - (size_t)(p - t), markers[k], n);
			if (!p)
				break;
			if (p > t && isalnum((unsigned char)p[-1]))
				continue;
			const char *e = memchr(p, '\n', len - (size_t)(p - t));
			d->ignore[d->nignore++] = (struct rules_span){
				(size_t)(p - t), e ? (size_t)(e - t) : len};
		}
	}
}

/* Where the seller's name appears in the normalised text: social posts
 * title themselves "<account> di Kabarin", shops are called "Wati Herbal"
 * or "Rina Skincare", and none of that says what the product is.  Also:
 * with a real title, og:title (often the account name) counts as
 * description. */
static void find_seller(struct detector *d)
{
	const char *t = d->norm.text;
	bool has_title = false;

	d->nignore = 0;
	for (size_t i = 0; i < d->nf; i++)
		has_title = has_title ||
			    (d->f[i].name && !strcmp(d->f[i].name, "title") &&
			     d->rf[i].end > d->rf[i].start);
	for (size_t i = 0; i < d->nf; i++) {
		if (has_title && d->f[i].name &&
		    !strcmp(d->f[i].name, "og_title"))
			d->rf[i].kind = RF_DESCRIPTION;
		if (d->rf[i].kind != RF_SELLER)
			continue;
		size_t a = d->rf[i].start, n = d->rf[i].end - a;
		if (n < 3 || n > 80)
			continue;
		for (const char *p = t; d->nignore < ARRAY_LEN(d->ignore);
		     p++) {
			p = memmem(p, d->norm.len - (size_t)(p - t), t + a, n);
			if (!p)
				break;
			d->ignore[d->nignore++] = (struct rules_span){
				(size_t)(p - t), (size_t)(p - t) + n};
		}
	}
	find_ingredients(d);
}

static int prepare(struct detector *d, const struct detect_field *f, size_t n,
		   bool *truncated)
{
	size_t total = 0;

	if (n > d->cap_fields) {
		d->rf = xrealloc(d->rf, n * sizeof(*d->rf));
		d->base = xrealloc(d->base, n * sizeof(*d->base));
		d->cap_fields = n;
	}
	norm_reset(&d->norm);
	buf_reset(&d->joined);
	d->f = f;
	d->nf = n;
	for (size_t i = 0; i < n; i++) {
		size_t len = f[i].text ? f[i].len : 0;
		if (total + len > DETECT_MAX_INPUT) {
			len = total < DETECT_MAX_INPUT
				      ? DETECT_MAX_INPUT - total
				      : 0;
			*truncated = true;
		}
		d->base[i] = total;
		d->rf[i].start = d->norm.len;
		if (len && norm_append(&d->norm, f[i].text, len,
				       (uint32_t)total, NORM_DETECT))
			*truncated = true;
		d->rf[i].end = d->norm.len;
		d->rf[i].kind = rules_field_kind(f[i].name);
		norm_append_sep(&d->norm, '\n', (uint32_t)(total + len));
		total += len + 1;
		buf_append(&d->joined, f[i].text ? f[i].text : "", len);
		buf_putc(&d->joined, '\n');
	}
	find_seller(d);
	return 0;
}

int detect_listing(struct detector *d, const struct detect_field *f, size_t n,
		   const struct detect_opts *o, struct detect_result *out)
{
	struct hit_ctx hc = {d, 0};
	enum commodity c;
	const char *by = "none";
	int rc;
	double keep = 1.0;
	int maxw[V__COUNT] = {0};

	memset(out, 0, sizeof(*out));
	d->nreasons = 0;
	prepare(d, f, n, &out->truncated);
	rc = rules_scan(d->r, d->s, d->norm.text, d->norm.len, d->rf, n);
	if (rc)
		return rc;
	out->truncated = out->truncated || rules_scan_truncated(d->s);
	find_nies(d);
	drop_truncated(d);
	c = classify(d, &by);
	/* a registered number names the commodity when vocabulary is
	 * silent */
	if ((rc = verify(d, o, c)))
		return rc;
	if (!strcmp(by, "nie"))
		for (size_t i = 0; i < d->nnies; i++)
			if (d->nies[i].registered &&
			    d->nies[i].verdict == VERDICT_VALID) {
				enum commodity rcm;
				if (!commodity_parse(
					    d->nies[i].reg.commodity,
					    strlen(d->nies[i].reg.commodity),
					    &rcm))
					c = rcm, by = "registry";
				break;
			}
	out->commodity = c;
	out->commodity_by = by;
	if (c != COM_OTHER) {
		rules_eval(d->r, d->s, c, on_hit, &hc);
		if (!d->nnies) {
			struct detect_reason *rs = add_reason(
				d, V_NO_NIE, "nie.missing", W_NO_NIE);
			hc.codes |= 1u << V_NO_NIE;
			(void)rs;
		} else {
			const struct detect_nie *bad = NULL;
			bool good = false;
			for (size_t i = 0; i < d->nnies; i++) {
				const struct detect_nie *x = &d->nies[i];
				if (x->verdict == VERDICT_VALID && !x->mismatch)
					good = true;
				else if (!bad)
					bad = x;
			}
			if (!good && bad) {
				static const char *const rule[] = {
					"nie.valid", "nie.malformed",
					"nie.unknown", "nie.revoked",
					"nie.expired"};
				struct detect_reason *rs = add_reason(
					d, V_INVALID_NIE,
					bad->mismatch ? "nie.mismatch"
						      : rule[bad->verdict],
					W_INVALID_NIE);
				hc.codes |= 1u << V_INVALID_NIE;
				if (rs) {
					rs->field = bad->field;
					rs->off = bad->m.start;
					rs->len = bad->m.end - bad->m.start;
					copy_utf8(rs->snippet,
						  sizeof(rs->snippet), bad->raw,
						  strlen(bad->raw));
				}
			}
		}
		if (c == COM_OBAT && !(hc.codes & (1u << V_PRESCRIPTION_DRUG)))
			for (size_t i = 0; i < d->nnies; i++) {
				char k = d->nies[i].m.obat_class;
				if (k != 'K' && k != 'P' && k != 'N')
					continue;
				struct detect_reason *rs =
					add_reason(d, V_PRESCRIPTION_DRUG,
						   "nie.class", W_NIE_CLASS);
				hc.codes |= 1u << V_PRESCRIPTION_DRUG;
				if (rs) {
					rs->field = d->nies[i].field;
					rs->off = d->nies[i].m.start;
					rs->len = d->nies[i].m.end -
						  d->nies[i].m.start;
					copy_utf8(rs->snippet,
						  sizeof(rs->snippet),
						  d->nies[i].raw,
						  strlen(d->nies[i].raw));
				}
				break;
			}
	}
	out->codes = hc.codes;
	/* risk: the strongest reason per code, combined as independent
	 * evidence: 1 - prod(1 - w) */
	for (size_t i = 0; i < d->nreasons; i++)
		maxw[d->reasons[i].code] =
			MAX(maxw[d->reasons[i].code], d->reasons[i].weight);
	for (int v = 0; v < V__COUNT; v++)
		keep *= 1.0 - maxw[v] / 100.0;
	out->risk = out->codes ? (int)(100.0 * (1.0 - keep) + 0.5) : 0;
	out->reasons = d->reasons;
	out->nreasons = d->nreasons;
	out->nies = d->nies;
	out->nnies = d->nnies;
	return 0;
}
