/*
 * robots.c - RFC 9309 robots.txt parser and matcher.
 *
 * Design:
 *  - Parsing is one pass over the lines of at most ROBOTS_MAX_BYTES.  Every
 *    string the ruleset keeps (agent tokens, normalised patterns, the rule
 *    as written for verdicts, sitemap URLs) is appended NUL-terminated to a
 *    single pool buffer and referred to by offset, so a ruleset is a handful
 *    of allocations however large the file, and freeing it is trivial.
 *  - Groups are kept in file order and never merged at parse time: rules
 *    of a group are contiguous in the rule array, so "merge every group
 *    that names the agent" (RFC 9309 2.2.1) is a filter at query time, and
 *    the same ruleset answers for any agent (`--agent`, several crawlers).
 *  - Patterns and paths go through the same percent-normalisation, so the
 *    comparison is plain bytes.  The only metacharacter left in a stored
 *    pattern is `*`; a trailing `$` becomes the `anchored` flag and any
 *    other `$` is literal (%24).
 *  - Matching a pattern is greedy leftmost search of each `*`-separated
 *    literal segment with memmem().  For `*`-only globs the leftmost
 *    occurrence of each segment is always the best choice, so this is
 *    exact, with no backtracking: O(path + pattern) per rule, and hostile
 *    patterns such as `*a*a*a*a*a*b` cost no more than plain ones.
 *  - A rule is only tried when it could beat the best match so far
 *    (longer, or as long and an Allow over a Disallow), which skips most
 *    of the work on large files.
 */
#include "crawl/robots.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum robots_kind { KIND_RULES, KIND_ALLOW_ALL, KIND_DISALLOW_ALL };

struct rule {
	size_t pat;    /* pool offset: normalised pattern, '*' = wildcard */
	size_t patlen; /* bytes of the normalised pattern */
	size_t text;   /* pool offset: "Disallow: /x" for verdicts */
	size_t weight; /* specificity: octets, counting a trailing '$' */
	unsigned line; /* 1-based */
	bool allow;
	bool anchored; /* pattern ended in '$': must match the whole path */
};

struct agent {
	size_t tok; /* pool offset of the product token ("" matches none) */
	size_t len;
};

struct group {
	size_t agent0, nagents; /* slice of robots.agents */
	size_t rule0, nrules;	/* slice of robots.rules */
	bool star;		/* one of its agents is "*" */
	bool has_delay;
	double delay;
};

struct robots {
	enum robots_kind kind;
	int status; /* for KIND_ALLOW_ALL / KIND_DISALLOW_ALL */
	struct buf pool;
	struct rule *rules;
	size_t nrules, caprules;
	struct agent *agents;
	size_t nagents, capagents;
	struct group *groups;
	size_t ngroups, capgroups;
	size_t *sitemaps; /* pool offsets */
	size_t nsitemaps, capsitemaps;
};

static const char hexdig[] = "0123456789ABCDEF";

/* ---- percent-normalisation --------------------------------------------- */

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 3986 2.3: decoding these never changes what a URI means. */
static bool unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

/* RFC 3986 2.2: meaningful as written, so kept as written. */
static bool reserved(unsigned char c)
{
	return c && strchr(":/?#[]@!$&'()*+,;=", c) != NULL;
}

static void put_escaped(struct buf *out, unsigned char c)
{
	char e[3] = {'%', hexdig[c >> 4], hexdig[c & 15]};

	buf_append(out, e, 3);
}

/*
 * Append the comparable form of s[0..n) to out.  In a pattern `*` stays the
 * wildcard; in a path a literal `*` or `$` is escaped so that a pattern can
 * only match it through %2A / %24 (RFC 9309 2.2.3).  A `$` reaching this
 * function from a pattern is literal too (the anchor was removed).  `%`
 * without two hex digits is a literal percent sign, so it becomes %25.
 */
static void normalise(struct buf *out, const char *s, size_t n, bool pattern)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int hi, lo;

		if (c == '%') {
			hi = i + 1 < n ? hexval((unsigned char)s[i + 1]) : -1;
			lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				buf_append(out, "%25", 3);
				continue;
			}
			/* Escapes are compared as escapes (hex case folded),
			 * never decoded: "%62" in a rule is not "b" in a URL,
			 * as Google's compliance suite requires. */
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
			put_escaped(out, c);
			continue;
		}
		if (c == '*' && pattern)
			buf_putc(out, '*');
		else if (c == '*' || c == '$')
			put_escaped(out, c);
		else if (unreserved(c) || reserved(c) ||
			 (!pattern && c >= 0x80))
			buf_putc(out, (char)c);
		else
			/* controls, space, "<>{}..; non-ASCII in a rule is
			 * compared in its encoded form, which is how the
			 * crawler's canonical URLs always arrive. */
			put_escaped(out, c);
	}
}

/* ---- matching ----------------------------------------------------------- */

/*
 * Does the normalised pattern p[0..pn) match the start of s[0..sn), or all
 * of it when anchored?  Segments between stars are found leftmost-first:
 * taking the earliest occurrence leaves the most room for what follows, so
 * no alternative ever needs to be revisited.
 */
static bool pattern_match(const char *p, size_t pn, bool anchored,
			  const char *s, size_t sn)
{
	const char *star = memchr(p, '*', pn);
	size_t seg = star ? (size_t)(star - p) : pn;
	size_t pos;

	/* the first segment is anchored at the start of the path */
	if (sn < seg || memcmp(s, p, seg))
		return false;
	if (!star)
		return !anchored || sn == seg;
	pos = seg;
	p += seg + 1;
	pn -= seg + 1;
	for (;;) {
		const char *hit;

		star = memchr(p, '*', pn);
		seg = star ? (size_t)(star - p) : pn;
		if (!star) {
			if (anchored) /* the last segment must end the path */
				return sn - pos >= seg &&
				       !memcmp(s + sn - seg, p, seg);
			return !seg || memmem(s + pos, sn - pos, p, seg);
		}
		if (seg) {
			hit = memmem(s + pos, sn - pos, p, seg);
			if (!hit)
				return false;
			pos = (size_t)(hit - s) + seg;
		}
		p += seg + 1;
		pn -= seg + 1;
	}
}

/* ---- building ----------------------------------------------------------- */

static struct robots *robots_new(enum robots_kind kind, int status)
{
	struct robots *r = xcalloc(1, sizeof(*r));

	r->kind = kind;
	r->status = status;
	buf_init(&r->pool, 0);
	return r;
}

/* Terminate the string just appended to the pool; return where it began. */
static size_t pool_end(struct robots *r, size_t start)
{
	buf_append(&r->pool, "", 1);
	return start;
}

static size_t pool_add(struct robots *r, const char *s, size_t n)
{
	size_t at = r->pool.len;

	buf_append(&r->pool, s, n);
	return pool_end(r, at);
}

/* The rule as written, for verdicts; control bytes escaped so that the
 * text is safe to print on one line. */
static size_t add_rule_text(struct robots *r, bool allow, struct slice v)
{
	size_t at = r->pool.len;

	buf_puts(&r->pool, allow ? "Allow: " : "Disallow: ");
	for (size_t i = 0; i < v.n; i++) {
		unsigned char c = (unsigned char)v.p[i];

		if (c < 0x20 || c == 0x7f)
			put_escaped(&r->pool, c);
		else
			buf_putc(&r->pool, (char)c);
	}
	return pool_end(r, at);
}

static void add_rule(struct robots *r, bool allow, struct slice v,
		     unsigned line)
{
	struct group *g = &r->groups[r->ngroups - 1];
	struct rule *ru;
	bool anchored = v.n && v.p[v.n - 1] == '$';
	size_t at;

	r->rules =
		xgrow(r->rules, &r->caprules, r->nrules + 1, sizeof(*r->rules));
	ru = &r->rules[r->nrules++];
	g->nrules++;
	at = r->pool.len;
	normalise(&r->pool, v.p, v.n - anchored, true);
	ru->patlen = r->pool.len - at;
	ru->pat = pool_end(r, at);
	ru->weight = ru->patlen + anchored;
	ru->anchored = anchored;
	ru->allow = allow;
	ru->line = line;
	ru->text = add_rule_text(r, allow, v);
}

static bool is_token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == '-';
}

/* `User-agent: v`: start a group unless we are still in a run of
 * user-agent lines, then record the product token. */
static void add_agent(struct robots *r, struct slice v, bool *in_agents)
{
	struct group *g;
	struct agent *a;
	size_t n = 0;

	if (!*in_agents) {
		r->groups = xgrow(r->groups, &r->capgroups, r->ngroups + 1,
				  sizeof(*r->groups));
		g = &r->groups[r->ngroups++];
		memset(g, 0, sizeof(*g));
		g->agent0 = r->nagents;
		g->rule0 = r->nrules;
		*in_agents = true;
	}
	g = &r->groups[r->ngroups - 1];
	if (v.n && v.p[0] == '*' &&
	    (v.n == 1 || v.p[1] == ' ' || v.p[1] == '\t')) {
		g->star = true;
		return;
	}
	/* RFC 9309 2.2.1: a product token is letters, '_' and '-' only;
	 * "Foo/1.0" or "XYZ123bot" name "Foo" and "XYZ". */
	while (n < v.n && is_token_char(v.p[n]))
		n++;
	r->agents = xgrow(r->agents, &r->capagents, r->nagents + 1,
			  sizeof(*r->agents));
	a = &r->agents[r->nagents++];
	a->tok = pool_add(r, v.p, n);
	a->len = n;
	g->nagents++;
}

/* A non-negative decimal such as "10" or "0.5"; false for anything else
 * (signs, exponents, hex, "inf" and trailing junk are all refused). */
static bool parse_delay(struct slice v, double *out)
{
	double d = 0, scale = 1;
	size_t i = 0, digits = 0;

	for (; i < v.n && v.p[i] >= '0' && v.p[i] <= '9'; i++, digits++)
		if (d < 1e9)
			d = d * 10 + (v.p[i] - '0');
	if (i < v.n && v.p[i] == '.')
		for (i++; i < v.n && v.p[i] >= '0' && v.p[i] <= '9';
		     i++, digits++)
			if (scale > 1e-9)
				d += (v.p[i] - '0') * (scale /= 10);
	if (!digits || i != v.n)
		return false;
	*out = d > ROBOTS_MAX_DELAY ? ROBOTS_MAX_DELAY : d;
	return true;
}

static void parse_line(struct robots *r, struct slice line, unsigned lineno,
		       bool *in_agents)
{
	const char *hash = memchr(line.p, '#', line.n);
	const char *colon;
	struct slice key, v;
	struct group *g = r->ngroups ? &r->groups[r->ngroups - 1] : NULL;
	double d;

	if (hash)
		line.n = (size_t)(hash - line.p);
	colon = memchr(line.p, ':', line.n);
	if (!colon)
		return; /* blank, comment, or not a record: ignored */
	key = slice_trim((struct slice){line.p, (size_t)(colon - line.p)});
	v = slice_trim((struct slice){colon + 1,
				      line.n - (size_t)(colon + 1 - line.p)});
	if (slice_eq_ci(key, "user-agent")) {
		add_agent(r, v, in_agents);
	} else if (slice_eq_ci(key, "allow") || slice_eq_ci(key, "disallow")) {
		if (!g)
			return; /* RFC 9309 2.2.2: rules outside a group */
		*in_agents = false;
		if (v.n) /* an empty pattern matches nothing */
			add_rule(r, slice_eq_ci(key, "allow"), v, lineno);
	} else if (slice_eq_ci(key, "sitemap")) {
		/* not part of any group, and does not end one (2.2.4) */
		if (!v.n)
			return;
		r->sitemaps = xgrow(r->sitemaps, &r->capsitemaps,
				    r->nsitemaps + 1, sizeof(*r->sitemaps));
		r->sitemaps[r->nsitemaps++] = pool_add(r, v.p, v.n);
	} else if (slice_eq_ci(key, "crawl-delay")) {
		if (g && parse_delay(v, &d)) {
			g->delay = g->has_delay ? MAX(g->delay, d) : d;
			g->has_delay = true;
		}
	}
	/* other records are ignored and, like Sitemap, do not end a group */
}

struct robots *robots_parse(const char *body, size_t len)
{
	static const unsigned char bom[] = {0xef, 0xbb, 0xbf};
	struct robots *r = robots_new(KIND_RULES, 200);
	bool in_agents = false;
	unsigned lineno = 1;
	size_t i = 0, start;

	if (!body) {
		body = "";
		len = 0;
	}
	/* Past the limit only whole lines count: a cut "Disallow: /private"
	 * must not turn into "Disallow: /". */
	if (len > ROBOTS_MAX_BYTES) {
		size_t keep = ROBOTS_MAX_BYTES;

		while (keep && body[keep - 1] != '\n' && body[keep - 1] != '\r')
			keep--;
		len = keep;
	}
	/* A UTF-8 BOM, or the start of one, before the first line. */
	while (i < len && i < sizeof(bom) && (unsigned char)body[i] == bom[i])
		i++;
	for (start = i; i <= len; i++) {
		if (i < len && body[i] != '\n' && body[i] != '\r')
			continue;
		parse_line(r, (struct slice){body + start, i - start}, lineno,
			   &in_agents);
		if (i + 1 < len && body[i] == '\r' && body[i + 1] == '\n')
			i++;
		start = i + 1;
		lineno++;
	}
	return r;
}

struct robots *robots_from_status(int http_status, const char *body, size_t len)
{
	struct robots *r;

	if (http_status >= 200 && http_status <= 299) {
		r = robots_parse(body, len);
		r->status = http_status;
		return r;
	}
	/* 429 is the server asking us to slow down, not saying the file
	 * does not exist: treat it like a server error. */
	if (http_status >= 300 && http_status <= 499 && http_status != 429)
		return robots_new(KIND_ALLOW_ALL, http_status);
	return robots_new(KIND_DISALLOW_ALL, http_status);
}

void robots_free(struct robots *r)
{
	if (!r)
		return;
	buf_release(&r->pool);
	free(r->rules);
	free(r->agents);
	free(r->groups);
	free(r->sitemaps);
	free(r);
}

/* ---- queries ------------------------------------------------------------ */

static bool group_names(const struct robots *r, const struct group *g,
			const char *agent, size_t alen)
{
	for (size_t i = 0; i < g->nagents; i++) {
		const struct agent *a = &r->agents[g->agent0 + i];

		if (a->len && a->len == alen &&
		    !strncasecmp(r->pool.p + a->tok, agent, alen))
			return true;
	}
	return false;
}

/* Groups that apply to agent: those naming it, else the "*" ones.
 * Returns false if neither exists. */
static bool pick_groups(const struct robots *r, const char *agent,
			bool *use_star)
{
	size_t alen = agent ? strlen(agent) : 0;
	bool star = false;

	for (size_t i = 0; i < r->ngroups; i++) {
		if (alen && group_names(r, &r->groups[i], agent, alen)) {
			*use_star = false;
			return true;
		}
		star |= r->groups[i].star;
	}
	*use_star = true;
	return star;
}

static bool group_applies(const struct robots *r, const struct group *g,
			  const char *agent, bool use_star)
{
	if (use_star)
		return g->star;
	return group_names(r, g, agent, strlen(agent));
}

bool robots_allowed(const struct robots *r, const char *agent,
		    const char *path_and_query, struct robots_verdict *why)
{
	struct robots_verdict v = {.allowed = true, .reason = ROBOTS_NO_RULE};
	const struct rule *best = NULL;
	struct buf path = BUF_INIT;
	bool use_star;

	if (!path_and_query)
		path_and_query = "";
	buf_init(&path, 0);
	if (path_and_query[0] != '/')
		buf_putc(&path, '/');
	normalise(&path, path_and_query, strlen(path_and_query), false);

	/* /robots.txt itself is fetched without asking (RFC 9309 2.2.2):
	 * the crawler's robots.txt jobs never come here, so a query for it
	 * is answered by the rules like any other path. */
	if (r->kind != KIND_RULES) {
		v.allowed = r->kind == KIND_ALLOW_ALL;
		v.reason = v.allowed ? ROBOTS_FILE_UNAVAILABLE
				     : ROBOTS_FILE_UNREACHABLE;
		v.status = r->status;
	} else if (pick_groups(r, agent, &use_star)) {
		for (size_t gi = 0; gi < r->ngroups; gi++) {
			const struct group *g = &r->groups[gi];

			if (!group_applies(r, g, agent, use_star))
				continue;
			for (size_t k = 0; k < g->nrules; k++) {
				const struct rule *ru = &r->rules[g->rule0 + k];

				if (best && (ru->weight < best->weight ||
					     (ru->weight == best->weight &&
					      (best->allow || !ru->allow))))
					continue; /* cannot win */
				if (pattern_match(r->pool.p + ru->pat,
						  ru->patlen, ru->anchored,
						  path.p, path.len))
					best = ru;
			}
		}
	}
	if (best) {
		v.allowed = best->allow;
		v.reason = ROBOTS_BY_RULE;
		v.line = best->line;
		v.rule = r->pool.p + best->text;
	}
	buf_release(&path);
	if (why)
		*why = v;
	return v.allowed;
}

void robots_verdict_describe(const struct robots_verdict *v, struct buf *out)
{
	const char *word = v->allowed ? "allowed" : "disallowed";

	switch (v->reason) {
	case ROBOTS_BY_RULE:
		buf_printf(out, "%s by line %u: %s", word, v->line, v->rule);
		break;
	case ROBOTS_NO_RULE:
		buf_printf(out, "%s (no matching rule)", word);
		break;
	case ROBOTS_FILE_UNAVAILABLE:
		buf_printf(out, "%s (robots.txt unavailable, HTTP %d)", word,
			   v->status);
		break;
	case ROBOTS_FILE_UNREACHABLE:
		if (v->status == ROBOTS_UNREACHABLE)
			buf_printf(out, "%s (robots.txt unreachable)", word);
		else
			buf_printf(out, "%s (robots.txt unreachable, HTTP %d)",
				   word, v->status);
		break;
	}
}

double robots_crawl_delay(const struct robots *r, const char *agent)
{
	double d = 0;
	bool use_star;

	if (r->kind != KIND_RULES || !pick_groups(r, agent, &use_star))
		return 0;
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct group *g = &r->groups[i];

		if (g->has_delay && group_applies(r, g, agent, use_star))
			d = MAX(d, g->delay);
	}
	return d;
}

size_t robots_sitemap_count(const struct robots *r)
{
	return r->nsitemaps;
}

const char *robots_sitemap(const struct robots *r, size_t i)
{
	return i < r->nsitemaps ? r->pool.p + r->sitemaps[i] : NULL;
}

int robots_url_target(const char *url, struct buf *out)
{
	const char *p = url, *end;
	int rc;

	buf_reset(out);
	/* skip "scheme://authority" or "//authority" */
	end = p + strcspn(p, "/?#");
	if (*end == '/' && end[1] == '/' &&
	    (end == p || (end[-1] == ':' && end - 1 > p))) {
		p = end + 2;
		p += strcspn(p, "/?#");
	}
	end = p + strcspn(p, "#");
	if (*p != '/') {
		rc = buf_putc(out, '/');
		if (rc)
			return rc;
	}
	return buf_append(out, p, (size_t)(end - p));
}
