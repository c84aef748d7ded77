/*
 * url.c - canonicalisation, scope and trap checks (see url.h).
 */
#include "crawl/url_int.h"
#include "html/url_syntax.h"

#include <ctype.h>
#include <arpa/inet.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <libpsl.h>

const char *const url_default_drop[] = {"utm_*", "fbclid", "gclid",
					"ref",	 "sid",	   NULL};

static bool drop_param(struct slice name, const struct url_rules *r)
{
	const char *const *list =
		r && r->drop_params ? r->drop_params : url_default_drop;
	char tmp[128];

	if (name.n >= sizeof(tmp))
		return false;
	memcpy(tmp, name.p, name.n);
	tmp[name.n] = '\0';
	for (size_t i = 0; list[i]; i++)
		if (!fnmatch(list[i], tmp, FNM_CASEFOLD))
			return true;
	return false;
}

static bool unreserved(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Upper-case percent escapes; decode those of unreserved characters; a
 * '%' that starts no escape becomes %25.  The result is a fixed point. */
static void norm_pct(const char *s, struct buf *out)
{
	for (; *s; s++) {
		int h, l;

		if (*s == '%' && (h = hexval(s[1])) >= 0 &&
		    (l = hexval(s[2])) >= 0) {
			int c = h * 16 + l;
			if (unreserved(c))
				buf_putc(out, (char)c);
			else
				buf_printf(out, "%%%02X", c);
			s += 2;
		} else if (*s == '%') {
			/* A lone '%' is a literal percent sign; written as
			 * "%25" so that decoding a neighbour can never turn
			 * it into an escape on the next pass. */
			buf_puts(out, "%25");
		} else {
			buf_putc(out, *s);
		}
	}
}

static int cmp_param(const void *a, const void *b)
{
	const struct slice *x = a, *y = b;
	int c = memcmp(x->p, y->p, MIN(x->n, y->n));

	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Rebuild the query without tracking parameters, sorted: "?b=2&a=1" and
 * "?a=1&b=2" name one resource on any sane server, and sorting stops a
 * page that links its own parameters in every order from multiplying
 * itself.  (qsort is not stable, but equal parameters are equal bytes.)
 * NULL if nothing is left. */
static char *clean_query(const char *q, const struct url_rules *r)
{
	struct slice params[64];
	size_t np = 0;
	struct buf out = BUF_INIT;

	while (*q) {
		size_t n = strcspn(q, "&");
		size_t k = strcspn(q, "=");
		struct slice name = {q, MIN(n, k)};

		if (n && !drop_param(name, r)) {
			if (np == ARRAY_LEN(params))
				return NULL; /* refused as a trap anyway */
			params[np++] = (struct slice){q, n};
		}
		q += n;
		if (*q == '&')
			q++;
	}
	if (!np)
		return NULL;
	qsort(params, np, sizeof(params[0]), cmp_param);
	for (size_t i = 0; i < np; i++) {
		if (i)
			buf_putc(&out, '&');
		buf_append(&out, params[i].p, params[i].n);
	}
	return buf_detach(&out, NULL);
}

static char *canon_parts(CURLU *u, const struct url_rules *r, const char **why)
{
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	char *query = NULL, *user = NULL, *res = NULL;
	struct buf b = BUF_INIT;

	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	/* International names as punycode, so a host is plain ASCII. */
	curl_url_get(u, CURLUPART_HOST, &host, CURLU_PUNYCODE);
	/* NULL when absent or the scheme's default */
	curl_url_get(u, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT);
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	curl_url_get(u, CURLUPART_USER, &user, 0);
	if (!scheme || !host || !*host) {
		*why = "no host";
		goto out;
	}
	for (char *p = scheme; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (strcmp(scheme, "http") && strcmp(scheme, "https")) {
		*why = "not http(s)";
		goto out;
	}
	for (char *p = host; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (!isalnum((unsigned char)*p) && !strchr(".-_:[]", *p)) {
			*why = "invalid host name";
			goto out;
		}
	}
	buf_printf(&b, "%s://", scheme);
	buf_puts(&b, host);
	if (port)
		buf_printf(&b, ":%s", port);
	norm_pct(path && *path ? path : "/", &b);
	if (query && *query) {
		/* Normalise first, then sort: the order must not depend on
		 * how the escapes were written. */
		struct buf nq = BUF_INIT;
		char *q;

		norm_pct(query, &nq);
		q = clean_query(nq.p, r);
		if (q) {
			buf_putc(&b, '?');
			buf_puts(&b, q);
			free(q);
		}
		buf_release(&nq);
	}
	res = buf_detach(&b, NULL);
out:
	buf_release(&b);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_free(user);
	return res;
}

char *url_canon_slow(const char *url, const struct url_rules *r,
		     const char **why)
{
	size_t max = r && r->max_len ? r->max_len : 2048;
	CURLU *u;
	char *res = NULL;

	*why = NULL;
	if (strlen(url) > max) {
		*why = "URL too long";
		return NULL;
	}
	u = curl_url();
	/* CURLU_URLENCODE percent-encodes spaces and non-ASCII so that the
	 * canonical form is always a valid request target. */
	if (curl_url_set(u, CURLUPART_URL, url,
			 CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) !=
	    CURLUE_OK) {
		*why = "malformed URL";
	} else {
		curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
		res = canon_parts(u, r, why);
	}
	curl_url_cleanup(u);
	if (res && strlen(res) > max) {
		free(res);
		res = NULL;
		*why = "URL too long";
	}
	return res;
}

/* Whether the query q (after '?', up to the NUL) is what clean_query()
 * would make of it: no empty or dropped parameter, at most as many as it
 * keeps, already sorted.  Only bytes that norm_pct() leaves alone. */
static bool query_canonical(const char *q, const struct url_rules *r)
{
	struct slice prev = {NULL, 0};
	size_t np = 0;

	if (!*q)
		return false; /* a bare '?' is dropped */
	while (*q) {
		size_t n = 0, k;
		struct slice p;

		while (q[n] && q[n] != '&') {
			if (!urlsyn_qchar((unsigned char)q[n]))
				return false;
			n++;
		}
		if (!n)
			return false;
		/* the name as clean_query() cuts it */
		k = strcspn(q, "=");
		p = (struct slice){q, n};
		if (drop_param((struct slice){q, MIN(n, k)}, r))
			return false;
		if (++np > 64 || (prev.p && cmp_param(&prev, &p) > 0))
			return false;
		prev = p;
		q += n;
		if (*q == '&' && !*++q)
			return false; /* a trailing '&' is dropped */
	}
	return true;
}

/*
 * Already canonical: "http://" or "https://", a simple host
 * (url_syntax.h), a port only when it is not the scheme's default, a path
 * of plain bytes without dot segments, a canonical query, no fragment.
 * Then canonicalising changes nothing, and curl is not needed: most links
 * a crawler sees are like that.  `len` is strlen(url).
 */
static bool is_canonical(const char *url, size_t len, const struct url_rules *r)
{
	size_t max = r && r->max_len ? r->max_len : 2048;
	const char *h, *p, *seg;

	if (len > max)
		return false;
	if (!(h = urlsyn_authority(url)) ||
	    !(p = urlsyn_hostport(h, urlsyn_default_port(url, h))))
		return false;
	if (*p != '/')
		return false;
	for (seg = ++p; *p && *p != '?'; p++) {
		if (*p == '/') {
			if (urlsyn_dotseg(seg, p))
				return false;
			seg = p + 1;
		} else if (!urlsyn_pchar((unsigned char)*p)) {
			return false;
		}
	}
	if (urlsyn_dotseg(seg, p))
		return false;
	return *p != '?' || query_canonical(p + 1, r);
}

/* A copy of the URL when it is already canonical, or NULL when it must
 * take the slow path. */
char *url_canon_fast(const char *url, const struct url_rules *r)
{
	size_t len = strlen(url);

	return is_canonical(url, len, r) ? xstrndup(url, len) : NULL;
}

char *url_canon(const char *url, const struct url_rules *r, const char **why)
{
	char *res = url_canon_fast(url, r);

	if (res) {
		*why = NULL;
		return res;
	}
	return url_canon_slow(url, r, why);
}

int url_canon_append(const char *url, const struct url_rules *r,
		     const char **why, struct buf *out)
{
	size_t len = strlen(url);
	char *res;
	int rc;

	if (is_canonical(url, len, r)) {
		*why = NULL;
		return buf_append(out, url, len + 1);
	}
	if (!(res = url_canon_slow(url, r, why)))
		return ERR_INPUT;
	rc = buf_append(out, res, strlen(res) + 1);
	free(res);
	return rc;
}

/* Split a canonical URL ("scheme://host[:port]/...", as url_canon() makes
 * it) without a full parse: on the crawl's hot path every link needs its
 * host.  Returns false for anything else. */
static bool split_canon(const char *u, struct slice *scheme, struct slice *host,
			struct slice *port)
{
	const char *p = strstr(u, "://"), *h, *end;

	if (!p)
		return false;
	*scheme = (struct slice){u, (size_t)(p - u)};
	h = p + 3;
	if (*h == '[') { /* IPv6 literal */
		end = strchr(h, ']');
		if (!end)
			return false;
		end++;
	} else {
		end = h + strcspn(h, ":/?");
	}
	*host = (struct slice){h, (size_t)(end - h)};
	*port = (struct slice){end, 0};
	if (*end == ':') {
		port->p = end + 1;
		port->n = strcspn(end + 1, "/?");
	}
	return host->n > 0;
}

char *url_host_key(const char *canon_url)
{
	struct slice scheme, host, port;

	if (!split_canon(canon_url, &scheme, &host, &port))
		return NULL;
	if (!port.n)
		port = slice_eq(scheme, "https") ? SLICE_LIT("443")
						 : SLICE_LIT("80");
	return xasprintf("%.*s://%.*s:%.*s", (int)scheme.n, scheme.p,
			 (int)host.n, host.p, (int)port.n, port.p);
}

char *url_host(const char *canon_url)
{
	struct slice scheme, host, port;

	if (!split_canon(canon_url, &scheme, &host, &port))
		return NULL;
	if (host.n > 2 && host.p[0] == '[') /* curl's form: no brackets */
		return xstrndup(host.p + 1, host.n - 2);
	return xstrndup(host.p, host.n);
}

char *url_domain(const char *host)
{
	const psl_ctx_t *psl = psl_builtin();
	const char *d;

	unsigned char addr[16];

	if (!host)
		return NULL;
	/* An address has no registrable domain: it is its own scope. */
	if (!psl || inet_pton(AF_INET, host, addr) == 1 || strchr(host, ':') ||
	    host[0] == '[')
		return xstrdup(host);
	d = psl_registrable_domain(psl, host);
	return xstrdup(d ? d : host);
}

static const char *const scope_names[] = {"host", "domain", "prefix"};

int url_scope_parse(const char *s, enum url_scope *out)
{
	for (size_t i = 0; i < ARRAY_LEN(scope_names); i++)
		if (!strcmp(s, scope_names[i])) {
			*out = (enum url_scope)i;
			return 0;
		}
	return ERR_INPUT;
}

const char *url_scope_name(enum url_scope s)
{
	return scope_names[s];
}

/* Count how often the most frequent path segment occurs. */
static int max_segment_repeat(const char *path, size_t n)
{
	struct slice seg[64];
	size_t nseg = 0;
	int best = 0;

	for (size_t i = 0; i < n && nseg < ARRAY_LEN(seg);) {
		size_t k = i;
		while (k < n && path[k] != '/')
			k++;
		if (k > i)
			seg[nseg++] = (struct slice){path + i, k - i};
		i = k + 1;
	}
	for (size_t i = 0; i < nseg; i++) {
		int c = 0;
		for (size_t k = 0; k < nseg; k++)
			c += seg[k].n == seg[i].n &&
			     !memcmp(seg[k].p, seg[i].p, seg[i].n);
		best = MAX(best, c);
	}
	return best;
}

/* Years written as 19xx/20xx followed by a month ("2031-04", "2031/04",
 * "year=2031&month=4" is covered by the first form only when adjacent). */
static bool bad_year(const char *s, const struct url_trap_limits *l)
{
	for (const char *p = s; *p; p++) {
		int y;

		if (!isdigit((unsigned char)p[0]) ||
		    (p > s && isdigit((unsigned char)p[-1])))
			continue;
		if (!(p[0] == '1' && p[1] == '9') &&
		    !(p[0] == '2' && p[1] == '0'))
			continue;
		if (!isdigit((unsigned char)p[2]) ||
		    !isdigit((unsigned char)p[3]) ||
		    isdigit((unsigned char)p[4]))
			continue;
		/* strchr() finds the NUL too: check it first */
		if (!p[4] || !strchr("-/_.", p[4]) ||
		    !isdigit((unsigned char)p[5]))
			continue;
		y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 +
		    (p[2] - '0') * 10 + (p[3] - '0');
		if (y < 1990 || y > l->current_year + l->max_years_ahead)
			return true;
	}
	return false;
}

const char *url_trap(const char *canon_url, const struct url_trap_limits *l)
{
	const char *path = strstr(canon_url, "://");
	const char *q;
	size_t plen;
	int params = 0;

	path = path ? strchr(path + 3, '/') : NULL;
	if (!path)
		return NULL;
	q = strchr(path, '?');
	plen = q ? (size_t)(q - path) : strlen(path);
	if (max_segment_repeat(path, plen) > l->max_repeat)
		return "repeated path segments";
	for (const char *p = q; p && *p; p = strchr(p + 1, '&'))
		params++;
	if (params > l->max_params)
		return "too many query parameters";
	if (l->max_years_ahead >= 0 && bad_year(path, l))
		return "calendar beyond the date window";
	return NULL;
}
