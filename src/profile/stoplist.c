/*
 * stoplist.c - the stop list of identifiers (see stoplist.h).
 *
 * Entries are kept as "kind:value" strings in three sorted arrays (exact,
 * prefixes, reversed suffixes), so a match is a binary search for an exact
 * entry and a scan of the (few) patterns.
 */
#include "profile/stoplist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MESSAGES 20

struct strs {
	char **v;
	size_t n, cap;
};

struct stoplist {
	struct strs exact, prefix, suffix; /* "kind:value" */
	char digest[SHA256_HEX_LEN + 1];
	bool sorted;
};

struct stoplist *stoplist_new(void)
{
	return xcalloc(1, sizeof(struct stoplist));
}

static void strs_free(struct strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void stoplist_free(struct stoplist *s)
{
	if (!s)
		return;
	strs_free(&s->exact);
	strs_free(&s->prefix);
	strs_free(&s->suffix);
	free(s);
}

static void strs_add(struct strs *s, char *v)
{
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = v;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t stoplist_count(const struct stoplist *s)
{
	return s->exact.n + s->prefix.n + s->suffix.n;
}

/* Normalise one value of `kind` into out; a message on failure. */
static const char *norm_value(enum ident_kind kind, const char *v, size_t n,
			      bool pattern, char out[IDENT_VALUE_MAX])
{
	size_t k;

	if (!n)
		return "empty value";
	if (n >= IDENT_VALUE_MAX - 8)
		return "value too long";
	if (kind == IDENT_PHONE && !pattern) {
		if (ident_phone_norm(v, n, true, out))
			return "not an Indonesian phone number";
		return NULL;
	}
	for (k = 0; k < n; k++) {
		char c = v[k];
		if (kind == IDENT_BANK) {
			/* the bank's code in capitals, the number as is */
			const char *colon = memchr(v, ':', n);
			bool code = !colon || v + k < colon;
			out[k] = code && c >= 'a' && c <= 'z' ? (char)(c - 32)
							      : c;
		} else {
			out[k] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		}
	}
	out[n] = '\0';
	if (kind == IDENT_PHONE && strncmp(out, "+62", MIN(n, (size_t)3)))
		return "a phone pattern starts with +62";
	return NULL;
}

/* One line; returns a message for garbage, NULL when fine (or blank). */
static const char *parse_line(struct stoplist *s, const char *p, size_t n,
			      struct strs *exact, struct strs *prefix,
			      struct strs *suffix)
{
	char kind_s[16], val[IDENT_VALUE_MAX];
	const char *colon, *v, *why;
	enum ident_kind kind;
	size_t vn;
	int star = 0; /* 1 prefix, 2 suffix */

	(void)s;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	if (!n || *p == '#')
		return NULL;
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)p[k];
		if (c >= 0x80)
			return "not ASCII (identifiers are written in ASCII)";
		if (c < 0x20 || c == 0x7f)
			return "control character";
		if (c == ' ' || c == '\t')
			return "a space inside the entry (one entry per line)";
	}
	colon = memchr(p, ':', n);
	if (!colon || colon == p || (size_t)(colon - p) >= sizeof(kind_s))
		return "expected kind:value (kind: phone, email, bank, handle, "
		       "domain)";
	memcpy(kind_s, p, (size_t)(colon - p));
	kind_s[colon - p] = '\0';
	if (ident_kind_parse(kind_s, &kind))
		return "unknown kind (phone, email, bank, handle, domain)";
	v = colon + 1;
	vn = n - (size_t)(v - p);
	if (vn && v[0] == '*') {
		star = 2;
		v++;
		vn--;
	} else if (vn && v[vn - 1] == '*') {
		star = 1;
		vn--;
	}
	if (memchr(v, '*', vn))
		return "'*' only at the start or the end of a value";
	if (star && !vn)
		return "a pattern needs some text besides '*'";
	if ((why = norm_value(kind, v, vn, star != 0, val)))
		return why;
	if (exact->n + prefix->n + suffix->n >= STOPLIST_MAX_ENTRIES)
		return "too many entries";
	if (star == 2) {
		/* stored reversed, with the kind in front: "email:" +
		 * reverse("@tokopedia.com") */
		size_t ln = strlen(val), kn = strlen(kind_s);
		char *r = xmalloc(kn + 1 + ln + 1);
		memcpy(r, kind_s, kn);
		r[kn] = ':';
		for (size_t k = 0; k < ln; k++)
			r[kn + 1 + k] = val[ln - 1 - k];
		r[kn + 1 + ln] = '\0';
		strs_add(suffix, r);
	} else {
		strs_add(star ? prefix : exact,
			 xasprintf("%s:%s", kind_s, val));
	}
	return NULL;
}

int stoplist_parse(struct stoplist *s, const char *origin, struct slice text,
		   struct buf *errors)
{
	struct strs exact = {0}, prefix = {0}, suffix = {0};
	size_t line = 0, nerr = 0;
	const char *p = text.p, *end = text.p + text.n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *why;

		line++;
		why = parse_line(s, p, n, &exact, &prefix, &suffix);
		if (why) {
			if (nerr < MAX_MESSAGES) {
				if (errors)
					buf_printf(errors, "%s:%zu: %s\n",
						   origin, line, why);
				else
					log_msg(LOG_ERROR, "%s:%zu: %s", origin,
						line, why);
			}
			nerr++;
		}
		p += n + 1;
	}
	if (nerr > MAX_MESSAGES) {
		if (errors)
			buf_printf(errors, "%s: %zu more errors\n", origin,
				   nerr - MAX_MESSAGES);
		else
			log_msg(LOG_ERROR, "%s: %zu more errors", origin,
				nerr - MAX_MESSAGES);
	}
	if (nerr) {
		strs_free(&exact);
		strs_free(&prefix);
		strs_free(&suffix);
		return ERR_INPUT;
	}
	if (stoplist_count(s) + exact.n + prefix.n + suffix.n >
	    STOPLIST_MAX_ENTRIES) {
		strs_free(&exact);
		strs_free(&prefix);
		strs_free(&suffix);
		if (errors)
			buf_printf(errors, "%s: more than %d entries\n", origin,
				   STOPLIST_MAX_ENTRIES);
		return ERR_INPUT;
	}
	for (size_t i = 0; i < exact.n; i++)
		strs_add(&s->exact, exact.v[i]);
	for (size_t i = 0; i < prefix.n; i++)
		strs_add(&s->prefix, prefix.v[i]);
	for (size_t i = 0; i < suffix.n; i++)
		strs_add(&s->suffix, suffix.v[i]);
	free(exact.v);
	free(prefix.v);
	free(suffix.v);
	s->sorted = false;
	return 0;
}

int stoplist_load(struct stoplist *s, const char *path, struct buf *errors)
{
	struct buf b;
	int rc;

	buf_init(&b, STOPLIST_MAX_BYTES);
	rc = buf_read_file(&b, path);
	if (rc == ERR_LIMIT) {
		if (errors)
			buf_printf(errors, "%s: larger than %d bytes\n", path,
				   STOPLIST_MAX_BYTES);
	} else if (rc) {
		if (errors)
			buf_printf(errors, "%s: cannot read\n", path);
	} else {
		rc = stoplist_parse(s, path, buf_slice(&b), errors);
	}
	buf_release(&b);
	return rc;
}

static void sort_all(struct stoplist *s)
{
	struct buf b = BUF_INIT;

	if (s->sorted)
		return;
	if (s->exact.n)
		qsort(s->exact.v, s->exact.n, sizeof(char *), cmp_str);
	if (s->prefix.n)
		qsort(s->prefix.v, s->prefix.n, sizeof(char *), cmp_str);
	if (s->suffix.n)
		qsort(s->suffix.v, s->suffix.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < s->exact.n; i++)
		buf_printf(&b, "=%s\n", s->exact.v[i]);
	for (size_t i = 0; i < s->prefix.n; i++)
		buf_printf(&b, "<%s\n", s->prefix.v[i]);
	for (size_t i = 0; i < s->suffix.n; i++)
		buf_printf(&b, ">%s\n", s->suffix.v[i]);
	sha256_hex(b.p ? b.p : "", b.len, s->digest);
	buf_release(&b);
	s->sorted = true;
}

const char *stoplist_digest(struct stoplist *s)
{
	sort_all(s);
	return s->digest;
}

bool stoplist_match(const struct stoplist *cs, enum ident_kind kind,
		    const char *value)
{
	struct stoplist *s = (struct stoplist *)cs; /* sorting is a cache */
	const char *kn = ident_kind_name(kind);
	char key[IDENT_VALUE_MAX + 16];
	size_t lo = 0, hi, kl, vl = strlen(value);

	if (!stoplist_count(s))
		return false;
	sort_all(s);
	if (snprintf(key, sizeof(key), "%s:%s", kn, value) >= (int)sizeof(key))
		return false;
	kl = strlen(kn) + 1;
	hi = s->exact.n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->exact.v[mid], key);
		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = 0; i < s->prefix.n; i++)
		if (!strncmp(s->prefix.v[i], key, strlen(s->prefix.v[i])))
			return true;
	for (size_t i = 0; i < s->suffix.n; i++) {
		const char *r = s->suffix.v[i];
		size_t rl = strlen(r);
		bool ok = rl - kl <= vl && !strncmp(r, key, kl);
		for (size_t k = 0; ok && k < rl - kl; k++)
			ok = r[kl + k] == value[vl - 1 - k];
		if (ok)
			return true;
	}
	return false;
}
