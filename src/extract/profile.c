/*
 * profile.c - platform profiles: data files that say how to recognise a
 * platform's listing pages and where its fields are.
 *
 * Format (docs/extract.md has the full reference): INI-like, one or more
 * [name] sections per file, `key = value` lines, whole-line comments with
 * '#' or ';'.  Keys may repeat: hosts, path prefixes, URL regexes (PCRE2)
 * and XPath expressions accumulate, and XPaths are tried in order.  Every
 * regex and XPath is compiled at load, so a bad one is reported with its
 * file:line before any page is read, and a file with any error adds
 * nothing.
 *
 * Matching: the profile whose host pattern matches most specifically
 * (exact host > domain suffix > glob) and then whose path prefix is
 * longest wins; the section marked `default = yes` applies when none does.
 */
#include "extract/extract_int.h"

#include <dirent.h>
#include <fnmatch.h>
#include <libxml/parser.h>
#include <libxml/xpathInternals.h>
#include <stdlib.h>
#include <string.h>

#define PROFILE_FILE_MAX   (1024 * 1024)
#define PROFILE_LINE_MAX   4096
#define PROFILE_VALUES_MAX 64 /* values per key per profile */

static const char *const kind_names[] = {
	[EXTRACT_KIND_UNKNOWN] = "unknown",
	[EXTRACT_KIND_MARKETPLACE] = "marketplace",
	[EXTRACT_KIND_SOCIAL] = "social",
	[EXTRACT_KIND_WEBSHOP] = "webshop",
	[EXTRACT_KIND_CLASSIFIEDS] = "classifieds",
	[EXTRACT_KIND_NEWS] = "news",
	[EXTRACT_KIND_PORTAL] = "portal",
};

const char *extract_kind_name(enum extract_kind k)
{
	if ((size_t)k < ARRAY_LEN(kind_names) && kind_names[k])
		return kind_names[k];
	return "unknown";
}

static const char *const xp_keys[EX_XP_COUNT] = {
	[EX_XP_TITLE] = "title",
	[EX_XP_PRICE] = "price",
	[EX_XP_CURRENCY] = "currency",
	[EX_XP_SELLER] = "seller",
	[EX_XP_SELLER_URL] = "seller_url",
	[EX_XP_BRAND] = "brand",
	[EX_XP_DESCRIPTION] = "description",
	[EX_XP_LISTING] = "listing_marker",
	[EX_XP_NOT_LISTING] = "not_listing_marker",
};

/* ---- lifecycle ------------------------------------------------------------
 */
struct extract_profiles *extract_profiles_new(void)
{
	xmlInitParser();
	return xcalloc(1, sizeof(struct extract_profiles));
}

static void regex_free(struct ex_regex *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].src);
		pcre2_code_free(v[i].re);
	}
	free(v);
}

static void profile_free(struct ex_profile *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->origin);
	for (size_t i = 0; i < p->n_hosts; i++)
		free(p->hosts[i]);
	free(p->hosts);
	for (size_t i = 0; i < p->n_paths; i++)
		free(p->paths[i]);
	free(p->paths);
	regex_free(p->listing, p->n_listing);
	regex_free(p->not_listing, p->n_not_listing);
	regex_free(p->candidate, p->n_candidate);
	for (int k = 0; k < EX_XP_COUNT; k++) {
		for (size_t i = 0; i < p->n_xp[k]; i++) {
			free(p->xp[k][i].src);
			xmlXPathFreeCompExpr(p->xp[k][i].comp);
		}
		free(p->xp[k]);
	}
	free(p);
}

void extract_profiles_free(struct extract_profiles *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		profile_free(ps->v[i]);
	free(ps->v);
	free(ps);
}

size_t extract_profiles_count(const struct extract_profiles *ps)
{
	return ps ? ps->n : 0;
}

/* ---- parsing --------------------------------------------------------------
 */
struct parser {
	const char *origin;
	int line;
	int errors;
	struct buf *errbuf;
	struct ex_profile **v; /* profiles of this text */
	size_t n, cap;
	struct ex_profile *cur;
	struct ex_profile *deflt; /* the default section of this text */
	const struct extract_profiles *existing;
};

static void perr(struct parser *P, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void perr(struct parser *P, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	P->errors++;
	if (P->errbuf)
		buf_printf(P->errbuf, "%s:%d: %s\n", P->origin, P->line, msg);
	else
		log_msg(LOG_ERROR, "%s:%d: %s", P->origin, P->line, msg);
}

/* Silences libxml2's own printing of XPath errors; we report them. */
static void xp_silent(void *ud, xmlErrorPtr e)
{
	(void)ud;
	(void)e;
}

static xmlXPathCompExprPtr xp_compile(const char *src, char *msg, size_t ml)
{
	xmlXPathContextPtr x = xmlXPathNewContext(NULL);
	x->error = xp_silent;
	xmlXPathCompExprPtr comp = xmlXPathCtxtCompile(x, BAD_CAST src);
	if (!comp) {
		const char *m = x->lastError.message;
		snprintf(msg, ml, "%s", m ? m : "syntax error");
		size_t l = strlen(msg);
		if (l && msg[l - 1] == '\n')
			msg[l - 1] = 0;
	}
	xmlResetError(&x->lastError);
	xmlXPathFreeContext(x);
	return comp;
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		      *s == '.'))
			return false;
	return true;
}

static const struct ex_profile *find_name(const struct parser *P,
					  const char *name)
{
	for (size_t i = 0; i < P->n; i++)
		if (strcmp(P->v[i]->name, name) == 0)
			return P->v[i];
	if (P->existing)
		for (size_t i = 0; i < P->existing->n; i++)
			if (strcmp(P->existing->v[i]->name, name) == 0)
				return P->existing->v[i];
	return NULL;
}

static void section_end(struct parser *P)
{
	struct ex_profile *p = P->cur;
	if (!p)
		return;
	if (!p->is_default && !p->n_hosts && !p->n_paths)
		perr(P,
		     "profile '%s' (%s) has no host or path; use 'default = "
		     "yes' for the generic profile",
		     p->name, p->origin);
	if (p->is_default) {
		const struct ex_profile *d =
			P->deflt ? P->deflt : P->existing->deflt;
		if (d) {
			int line = P->line;
			P->line = p->line;
			perr(P,
			     "second default profile '%s' (first: '%s' at %s)",
			     p->name, d->name, d->origin);
			P->line = line;
		} else {
			P->deflt = p;
		}
	}
	P->cur = NULL;
}

static void add_regex(struct parser *P, struct ex_regex **v, size_t *n,
		      const char *src)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
				       0, &ec, &eo, NULL);
	if (!re) {
		PCRE2_UCHAR m[256];
		pcre2_get_error_message(ec, m, sizeof(m));
		perr(P, "bad regex at offset %zu: %s", (size_t)eo, (char *)m);
		return;
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* optional speed-up */
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].src = xstrdup(src);
	(*v)[*n].re = re;
	(*n)++;
}

static void add_word_list(struct parser *P, char ***v, size_t *n,
			  const char *val, bool host)
{
	const char *s = val;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		size_t l = strcspn(s, " \t,");
		if (!l)
			break;
		if (*n >= PROFILE_VALUES_MAX) {
			perr(P, "too many values (max %d)", PROFILE_VALUES_MAX);
			return;
		}
		char *w = xstrndup(s, l);
		if (host) {
			for (char *c = w; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c | 0x20);
			if (strchr(w, '/') || strchr(w, ':') ||
			    (w[0] == '.' && w[1] == 0)) {
				perr(P,
				     "bad host pattern '%s' (a host name, "
				     "'*.example.com' or '*')",
				     w);
				free(w);
				return;
			}
		} else if (w[0] != '/') {
			perr(P, "path prefix '%s' must start with '/'", w);
			free(w);
			return;
		}
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = w;
		s += l;
	}
}

static void set_key(struct parser *P, const char *key, const char *val)
{
	struct ex_profile *p = P->cur;
	if (!*val) {
		perr(P, "empty value for '%s'", key);
		return;
	}
	if (strcmp(key, "kind") == 0) {
		for (size_t k = 1; k < ARRAY_LEN(kind_names); k++)
			if (strcmp(val, kind_names[k]) == 0) {
				p->kind = (enum extract_kind)k;
				return;
			}
		perr(P,
		     "bad kind '%s' (marketplace, social, webshop, "
		     "classifieds, news or portal)",
		     val);
		return;
	}
	if (strcmp(key, "host") == 0) {
		add_word_list(P, &p->hosts, &p->n_hosts, val, true);
		return;
	}
	if (strcmp(key, "path") == 0) {
		add_word_list(P, &p->paths, &p->n_paths, val, false);
		return;
	}
	if (strcmp(key, "default") == 0) {
		if (strcmp(val, "yes") == 0 || strcmp(val, "true") == 0)
			p->is_default = true;
		else if (strcmp(val, "no") == 0 || strcmp(val, "false") == 0)
			p->is_default = false;
		else
			perr(P, "default must be yes or no, not '%s'", val);
		return;
	}
	if (strcmp(key, "listing_url") == 0) {
		add_regex(P, &p->listing, &p->n_listing, val);
		return;
	}
	if (strcmp(key, "not_listing_url") == 0) {
		add_regex(P, &p->not_listing, &p->n_not_listing, val);
		return;
	}
	if (strcmp(key, "candidate_url") == 0) {
		add_regex(P, &p->candidate, &p->n_candidate, val);
		return;
	}
	for (int k = 0; k < EX_XP_COUNT; k++) {
		if (strcmp(key, xp_keys[k]) != 0)
			continue;
		if (p->n_xp[k] >= PROFILE_VALUES_MAX) {
			perr(P, "too many '%s' values (max %d)", key,
			     PROFILE_VALUES_MAX);
			return;
		}
		char msg[256];
		xmlXPathCompExprPtr comp = xp_compile(val, msg, sizeof(msg));
		if (!comp) {
			perr(P, "bad XPath for '%s': %s: %s", key, msg, val);
			return;
		}
		p->xp[k] = xrealloc(p->xp[k],
				    (p->n_xp[k] + 1) * sizeof(*p->xp[k]));
		p->xp[k][p->n_xp[k]].src = xstrdup(val);
		p->xp[k][p->n_xp[k]].comp = comp;
		p->n_xp[k]++;
		return;
	}
	perr(P, "unknown key '%s'", key);
}

static void parse_line(struct parser *P, char *s)
{
	/* trim */
	while (*s == ' ' || *s == '\t')
		s++;
	size_t l = strlen(s);
	while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\r'))
		s[--l] = 0;
	if (!l || s[0] == '#' || s[0] == ';')
		return;
	if (s[0] == '[') {
		section_end(P);
		if (s[l - 1] != ']') {
			perr(P, "section header without ']'");
			return;
		}
		s[l - 1] = 0;
		char *name = s + 1;
		while (*name == ' ')
			name++;
		size_t nl = strlen(name);
		while (nl && name[nl - 1] == ' ')
			name[--nl] = 0;
		/* A bad header is reported, and its keys are still checked
		 * (the whole text is refused anyway). */
		if (!valid_name(name))
			perr(P,
			     "bad profile name '%s' (letters, digits, '_', "
			     "'-', '.')",
			     name);
		const struct ex_profile *dup = find_name(P, name);
		if (dup)
			perr(P, "duplicate profile '%s' (first at %s)", name,
			     dup->origin);
		struct ex_profile *p = xcalloc(1, sizeof(*p));
		p->name = xstrdup(name);
		p->origin = xasprintf("%s:%d", P->origin, P->line);
		p->line = P->line;
		P->v = xgrow(P->v, &P->cap, P->n + 1, sizeof(*P->v));
		P->v[P->n++] = p;
		P->cur = p;
		return;
	}
	char *eq = strchr(s, '=');
	if (!eq) {
		perr(P, "expected 'key = value' or '[name]'");
		return;
	}
	if (!P->cur) {
		perr(P, "'key = value' before the first [section]");
		return;
	}
	char *key = s, *ke = eq;
	while (ke > key && (ke[-1] == ' ' || ke[-1] == '\t'))
		ke--;
	*ke = 0;
	char *val = eq + 1;
	while (*val == ' ' || *val == '\t')
		val++;
	if (!*key) {
		perr(P, "missing key before '='");
		return;
	}
	set_key(P, key, val);
}

int extract_profiles_parse(struct extract_profiles *ps, const char *origin,
			   struct slice text, struct buf *errors)
{
	struct parser P = {.origin = origin ? origin : "profile",
			   .errbuf = errors,
			   .existing = ps};
	char line[PROFILE_LINE_MAX + 1];
	size_t i = 0;
	while (i < text.n) {
		P.line++;
		const char *nl = memchr(text.p + i, '\n', text.n - i);
		size_t l = nl ? (size_t)(nl - (text.p + i)) : text.n - i;
		if (l > PROFILE_LINE_MAX) {
			perr(&P, "line longer than %d bytes", PROFILE_LINE_MAX);
		} else if (memchr(text.p + i, 0, l)) {
			perr(&P, "NUL byte in line");
		} else if (ex_utf8_valid_prefix(text.p + i, l) != l) {
			perr(&P, "invalid UTF-8");
		} else {
			memcpy(line, text.p + i, l);
			line[l] = 0;
			parse_line(&P, line);
		}
		i += l + 1;
	}
	section_end(&P);

	if (P.errors) {
		for (size_t k = 0; k < P.n; k++)
			profile_free(P.v[k]);
		free(P.v);
		return ERR_INPUT;
	}
	for (size_t k = 0; k < P.n; k++) {
		ps->v = xgrow(ps->v, &ps->cap, ps->n + 1, sizeof(*ps->v));
		ps->v[ps->n++] = P.v[k];
	}
	if (P.deflt)
		ps->deflt = P.deflt;
	free(P.v);
	return 0;
}

int extract_profiles_load_file(struct extract_profiles *ps, const char *path,
			       struct buf *errors)
{
	struct buf b;
	buf_init(&b, PROFILE_FILE_MAX);
	int rc = buf_read_file(&b, path);
	if (rc < 0) {
		if (errors)
			buf_printf(errors, "%s: %s\n", path,
				   rc == ERR_LIMIT ? "file larger than 1 MiB"
						   : "cannot read");
		else
			log_msg(LOG_ERROR, "%s: %s", path,
				rc == ERR_LIMIT ? "file larger than 1 MiB"
						: "cannot read");
		rc = rc == ERR_LIMIT ? ERR_LIMIT : ERR_FAIL;
		goto out;
	}
	rc = extract_profiles_parse(ps, path, buf_slice(&b), errors);
out:
	buf_release(&b);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int extract_profiles_load_dir(struct extract_profiles *ps, const char *dir,
			      struct buf *errors)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (errors)
			buf_printf(errors, "%s: cannot open directory\n", dir);
		return log_fail("%s: cannot open profile directory", dir);
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 6 || e->d_name[0] == '.' ||
		    strcmp(e->d_name + l - 5, ".conf") != 0)
			continue;
		names = xgrow(names, &cap, n + 1, sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		int r = extract_profiles_load_file(ps, path, errors);
		if (r < 0 && rc == 0)
			rc = r;
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* ---- matching -------------------------------------------------------------
 */
/* How specifically pattern `pat` matches `host`: 3 exact, 2 domain suffix,
 * 1 glob, 0 no match. */
static int host_match(const char *pat, const char *host)
{
	if (strpbrk(pat, "*?[")) {
		if (fnmatch(pat, host, 0) == 0)
			return 1;
		/* "*.example.com" also covers "example.com" itself. */
		if (pat[0] == '*' && pat[1] == '.' &&
		    strcmp(pat + 2, host) == 0)
			return 1;
		return 0;
	}
	if (strcmp(pat, host) == 0)
		return 3;
	size_t pl = strlen(pat), hl = strlen(host);
	if (hl > pl && host[hl - pl - 1] == '.' &&
	    strcmp(host + hl - pl, pat) == 0)
		return 2;
	return 0;
}

const struct ex_profile *ex_profile_find(const struct extract_profiles *ps,
					 const struct ex_url *u)
{
	if (!ps)
		return NULL;
	const struct ex_profile *best = NULL;
	long best_score = -1;
	for (size_t i = 0; i < ps->n; i++) {
		const struct ex_profile *p = ps->v[i];
		if (p->is_default)
			continue;
		int hs = 0;
		if (p->n_hosts) {
			for (size_t k = 0; k < p->n_hosts; k++)
				hs = MAX(hs, host_match(p->hosts[k], u->host));
			if (!hs)
				continue;
		}
		long ps_len = -1;
		if (p->n_paths) {
			for (size_t k = 0; k < p->n_paths; k++) {
				size_t l = strlen(p->paths[k]);
				if (l <= u->path_len &&
				    memcmp(p->paths[k], u->target, l) == 0)
					ps_len = MAX(ps_len, (long)l);
				/* "/shop/x/" also matches "/shop/x". */
				else if (l == u->path_len + 1 &&
					 p->paths[k][l - 1] == '/' &&
					 memcmp(p->paths[k], u->target,
						u->path_len) == 0)
					ps_len = MAX(ps_len, (long)l);
			}
			if (ps_len < 0)
				continue;
		} else {
			ps_len = 0;
		}
		long score = (long)hs * 100000 + ps_len;
		if (score > best_score) {
			best_score = score;
			best = p;
		}
	}
	return best ? best : ps->deflt;
}

const char *extract_profiles_match(const struct extract_profiles *ps,
				   const char *url, enum extract_kind *kind)
{
	struct ex_url u;
	ex_url_parse(url, &u);
	const struct ex_profile *p = ex_profile_find(ps, &u);
	if (kind)
		*kind = p ? p->kind : EXTRACT_KIND_UNKNOWN;
	return p ? p->name : "generic";
}

bool ex_regex_any(const struct ex_regex *v, size_t nv, const char *s, size_t n)
{
	if (!nv)
		return false;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	bool hit = false;
	for (size_t i = 0; i < nv && !hit; i++)
		hit = pcre2_match(v[i].re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >=
		      0;
	pcre2_match_data_free(md);
	return hit;
}
