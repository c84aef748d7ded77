/*
 * rules.c - rule files: parser, compiler and engine (rules.h, docs/rules.md).
 *
 * Parsing builds blocks (rule, class, cues, list) holding pattern
 * references.  Compiling resolves names, turns every word/prefix into a
 * word-bounded literal regex over the normalised text, checks every regex
 * on its own (so an error names its file:line), merges identical patterns
 * (one Hyperscan id may serve several blocks: a "target" each) and builds
 * ONE block-mode database.  Literal patterns have a fixed length, so their
 * start is end - length.  Regexes are compiled without start-of-match
 * tracking (HS_FLAG_SOM_LEFTMOST on a handful of regexes made the whole
 * database four times slower); the start of the few regex matches that
 * evaluation looks at is recovered with PCRE2, anchored at each position
 * of the 256 bytes before the end.
 *
 * Scanning stores (pattern, from, to) triples in the scratch, at most
 * RULES_PER_PATTERN per pattern, so a page that repeats a word cannot
 * flood memory or stop the scan before a later, rarer pattern.  Evaluation
 * then walks the matches once; negation cues and commodity vocabulary are
 * phrases looked up by token where needed (see struct phrase).
 */
#include "detect/rules.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>

#include "detect/norm.h"

enum blk_kind { B_RULE, B_CLASS, B_CUES, B_LIST };
static const char *const blk_names[] = {"rule", "class", "cues", "list"};

enum role { R_MAIN, R_UNLESS, R_WITH };
enum pkind { P_WORD, P_PREFIX, P_REGEX, P_USE };
enum cue_kind { CUE_NONE, CUE_BEFORE, CUE_AFTER, CUE_BREAK };

/* A pattern as written in a block, before compiling. */
struct pref {
	enum pkind kind;
	enum role role;
	char *text; /* phrase (raw), regex, or list name */
	int line;
};

struct block {
	/* identity */
	char *id;
	const char *file; /* owned by struct rules (files[]) */
	char *source;
	/* negation: names until compiled, then block indices */
	char **neg_names;
	int *neg_lines;
	int *neg;
	/* cues: break sets that end this set's scope, then indices */
	char **stop_names;
	int *stop_lines;
	int *stop;
	/* patterns */
	struct pref *pr;
	size_t nneg, nnegs, nstop_names, nstop, npr, cappr;
	enum blk_kind kind;
	enum vcode code;
	enum cue_kind cue;
	enum commodity com; /* class */
	int line;
	int weight;
	int window;	 /* cues */
	unsigned scope;	 /* bit per commodity */
	unsigned fields; /* RF_* bits, 0 = any */
	bool has_code, has_scope, has_weight, has_com;
	bool neg_none;
	bool commas, is_default; /* cues */
	bool has_unless, has_with, has_main;
};

struct target {
	uint32_t block;
	uint8_t role;
	bool whole; /* a `word`: the match must end at a word boundary */
};

struct pattern {
	char *expr;
	bool som;
	uint32_t len;	/* match length when !som */
	char *lit;	/* the normalised literal, NULL for a regex */
	pcre2_code *re; /* a regex, to find where its matches start */
	struct target *t;
	size_t nt, capt;
	const char *file;
	int line;
	/* Literals that extend this one ("sibutramin" of "sibu") are not
	 * compiled: a match of this one checks them in place. */
	int32_t parent; /* -1: compiled into the database */
	uint32_t *ext;
	size_t next;
	uint32_t family; /* patterns in its extension tree, itself included */
};

/* A class or cue phrase: looked up by token, not scanned for.  These are
 * the most frequent words of a page ("jamu", "obat", "tanpa", "isi") and
 * are needed only in the listing's own fields (classes) or next to a rule
 * match (cues); keeping them out of the Hyperscan database keeps the scan
 * fast. */
struct phrase {
	uint64_t key;
	char *s; /* normalised */
	uint32_t len;
	uint32_t block;
	bool prefix;
};

struct rules {
	struct block *b;
	size_t nb, capb;
	char **files;
	size_t nfiles, capfiles;
	struct pattern *p;
	size_t np, capp;
	hs_database_t *db;
	size_t nrules, nclasses;
	int *default_neg; /* cue blocks marked `default yes` */
	size_t ndefault;
	int *break_sets;
	size_t nbreak;
	/* class and cue phrases, sorted by key (see phrase_key) */
	struct phrase *ph;
	size_t nph, capph;
	size_t nroots; /* patterns compiled into the database */
};

/* ---- errors ------------------------------------------------------------- */

struct perr {
	struct buf *errors;
	int count;
};

static void perr(struct perr *e, const char *file, int line, const char *fmt,
		 ...) PRINTF_LIKE(4, 5);
static void perr(struct perr *e, const char *file, int line, const char *fmt,
		 ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e->count++;
	if (e->errors)
		buf_printf(e->errors, "%s:%d: %s\n", file, line, msg);
	else
		log_msg(LOG_ERROR, "%s:%d: %s", file, line, msg);
}

/* ---- lifecycle ---------------------------------------------------------- */

struct rules *rules_new(void)
{
	return xcalloc(1, sizeof(struct rules));
}

static void block_release(struct block *b)
{
	free(b->id);
	free(b->source);
	for (size_t i = 0; i < b->nneg; i++)
		free(b->neg_names[i]);
	free(b->neg_names);
	free(b->neg_lines);
	free(b->neg);
	for (size_t i = 0; i < b->nstop_names; i++)
		free(b->stop_names[i]);
	free(b->stop_names);
	free(b->stop_lines);
	free(b->stop);
	for (size_t i = 0; i < b->npr; i++)
		free(b->pr[i].text);
	free(b->pr);
}

static void patterns_release(struct rules *r)
{
	for (size_t i = 0; i < r->np; i++) {
		free(r->p[i].expr);
		free(r->p[i].lit);
		pcre2_code_free(r->p[i].re);
		free(r->p[i].t);
		free(r->p[i].ext);
	}
	free(r->p);
	r->p = NULL;
	r->np = r->capp = 0;
	if (r->db)
		hs_free_database(r->db);
	r->db = NULL;
	for (size_t i = 0; i < r->nph; i++)
		free(r->ph[i].s);
	free(r->ph);
	r->ph = NULL;
	r->nph = r->capph = 0;
	free(r->default_neg);
	free(r->break_sets);
	r->default_neg = r->break_sets = NULL;
	r->ndefault = r->nbreak = 0;
}

void rules_free(struct rules *r)
{
	if (!r)
		return;
	patterns_release(r);
	for (size_t i = 0; i < r->nb; i++)
		block_release(&r->b[i]);
	free(r->b);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	free(r);
}

/* ---- parsing ------------------------------------------------------------ */

static bool valid_id(struct slice s)
{
	if (!s.n || s.n > 64)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

static struct block *find_block(struct rules *r, const char *id, size_t from,
				size_t to)
{
	for (size_t i = from; i < to; i++)
		if (!strcmp(r->b[i].id, id))
			return &r->b[i];
	return NULL;
}

/* Split off the first whitespace-delimited word. */
static struct slice first_word(struct slice *s)
{
	struct slice w = {s->p, 0};

	while (w.n < s->n && !isspace((unsigned char)s->p[w.n]))
		w.n++;
	*s = slice_trim((struct slice){s->p + w.n, s->n - w.n});
	return w;
}

static void add_pref(struct block *b, enum pkind k, enum role role,
		     struct slice text, int line)
{
	if (b->npr == b->cappr)
		b->pr = xgrow(b->pr, &b->cappr, b->npr + 1, sizeof(*b->pr));
	b->pr[b->npr++] =
		(struct pref){k, role, xstrndup(text.p, text.n), line};
	if (role == R_MAIN)
		b->has_main = true;
	else if (role == R_UNLESS)
		b->has_unless = true;
	else
		b->has_with = true;
}

/* "a, b, \"c, d\"" -> items; false on an empty item or a bad quote. */
static bool split_list(struct slice v, struct block *b, enum pkind k,
		       enum role role, int line, struct perr *e,
		       const char *file)
{
	size_t i = 0;

	while (i <= v.n) {
		struct slice item;
		while (i < v.n && isspace((unsigned char)v.p[i]))
			i++;
		if (i < v.n && v.p[i] == '"') {
			size_t j = i + 1;
			while (j < v.n && v.p[j] != '"')
				j++;
			if (j >= v.n) {
				perr(e, file, line, "unterminated quote");
				return false;
			}
			item = (struct slice){v.p + i + 1, j - i - 1};
			i = j + 1;
			while (i < v.n && isspace((unsigned char)v.p[i]))
				i++;
			if (i < v.n && v.p[i] != ',') {
				perr(e, file, line,
				     "text after a quoted phrase");
				return false;
			}
		} else {
			size_t j = i;
			while (j < v.n && v.p[j] != ',')
				j++;
			item = slice_trim((struct slice){v.p + i, j - i});
			i = j;
		}
		if (!item.n) {
			perr(e, file, line, "empty phrase in list");
			return false;
		}
		add_pref(b, k, role, item, line);
		if (i >= v.n)
			break;
		i++; /* the comma */
		if (i >= v.n) {
			perr(e, file, line, "list ends with a comma");
			return false;
		}
	}
	return true;
}

static bool parse_pattern(struct block *b, enum pkind k, enum role role,
			  struct slice v, int line, struct perr *e,
			  const char *file)
{
	if (!v.n) {
		perr(e, file, line, "missing pattern");
		return false;
	}
	if (k == P_REGEX) {
		add_pref(b, k, role, v, line);
		return true;
	}
	if (k == P_USE) {
		while (v.n) {
			struct slice w = first_word(&v);
			if (!valid_id(w)) {
				perr(e, file, line, "bad list name '%.*s'",
				     (int)MIN(w.n, 64), w.p);
				return false;
			}
			add_pref(b, k, role, w, line);
		}
		return true;
	}
	return split_list(v, b, k, role, line, e, file);
}

static int pkind_of(struct slice w)
{
	if (slice_eq(w, "word") || slice_eq(w, "words"))
		return P_WORD;
	if (slice_eq(w, "prefix"))
		return P_PREFIX;
	if (slice_eq(w, "regex"))
		return P_REGEX;
	if (slice_eq(w, "use"))
		return P_USE;
	return -1;
}

static bool parse_bool(struct slice v, bool *out)
{
	if (slice_eq(v, "yes") || slice_eq(v, "true")) {
		*out = true;
		return true;
	}
	if (slice_eq(v, "no") || slice_eq(v, "false")) {
		*out = false;
		return true;
	}
	return false;
}

static bool parse_int(struct slice v, int lo, int hi, int *out)
{
	char tmp[16];
	int64_t n;

	if (!v.n || v.n >= sizeof(tmp))
		return false;
	memcpy(tmp, v.p, v.n);
	tmp[v.n] = '\0';
	if (parse_i64(tmp, lo, hi, &n))
		return false;
	*out = (int)n;
	return true;
}

static const struct {
	const char *name;
	unsigned bits;
} field_names[] = {
	{"title", RF_TITLE},
	{"description", RF_DESCRIPTION},
	{"alt", RF_ALT},
	{"brand", RF_BRAND},
	{"seller", RF_SELLER},
	{"property", RF_PROPERTY},
	{"text", RF_TEXT},
	{"other", RF_OTHER},
	{"any", 0},
};

/* One "key value" attribute line of block b. */
static void parse_attr(struct block *b, struct slice key, struct slice v,
		       int line, struct perr *e, const char *file)
{
	const char *kind = blk_names[b->kind];
	bool is_rule = b->kind == B_RULE, is_class = b->kind == B_CLASS;
	bool is_cues = b->kind == B_CUES;
	int pk = pkind_of(key);

	if (pk >= 0) {
		if (pk == P_USE && b->kind == B_LIST) {
			perr(e, file, line, "a list cannot use another list");
			return;
		}
		if (pk == P_USE && is_cues) {
			perr(e, file, line, "cues cannot use a list");
			return;
		}
		parse_pattern(b, (enum pkind)pk, R_MAIN, v, line, e, file);
		return;
	}
	if (slice_eq(key, "source")) {
		if (!v.n) {
			perr(e, file, line, "empty source");
			return;
		}
		if (b->source) {
			char *s =
				xasprintf("%s %.*s", b->source, (int)v.n, v.p);
			free(b->source);
			b->source = s;
		} else {
			b->source = xstrndup(v.p, v.n);
		}
		return;
	}
	if ((slice_eq(key, "unless") || slice_eq(key, "with")) && is_rule) {
		struct slice w = first_word(&v);
		int k = pkind_of(w);
		if (k < 0) {
			perr(e, file, line,
			     "'%.*s' wants word, prefix, regex or use, not "
			     "'%.*s'",
			     (int)key.n, key.p, (int)MIN(w.n, 32), w.p);
			return;
		}
		parse_pattern(b, (enum pkind)k,
			      slice_eq(key, "unless") ? R_UNLESS : R_WITH, v,
			      line, e, file);
		return;
	}
	if (slice_eq(key, "code") && is_rule) {
		if (vcode_parse(v.p, v.n, &b->code)) {
			perr(e, file, line,
			     "unknown violation code '%.*s' (NO_NIE, "
			     "INVALID_NIE, BKO, BANNED_INGREDIENT, "
			     "PRESCRIPTION_DRUG, ILLEGAL_CLAIM)",
			     (int)MIN(v.n, 64), v.p);
			return;
		}
		b->has_code = true;
		return;
	}
	if (slice_eq(key, "scope") && is_rule) {
		b->has_scope = true;
		b->scope = 0;
		while (v.n) {
			struct slice w = first_word(&v);
			enum commodity c;
			if (w.n && w.p[w.n - 1] == ',')
				w.n--;
			if (slice_eq(w, "regulated") || slice_eq(w, "any")) {
				b->scope |= ((1u << COM__COUNT) - 1) &
					    ~(1u << COM_OTHER);
				continue;
			}
			if (commodity_parse(w.p, w.n, &c)) {
				perr(e, file, line,
				     "unknown commodity '%.*s' (obat, "
				     "obat_tradisional, suplemen, kosmetik, "
				     "pangan, obat_kuasi, other, regulated)",
				     (int)MIN(w.n, 64), w.p);
				return;
			}
			b->scope |= 1u << c;
		}
		if (!b->scope)
			perr(e, file, line, "empty scope");
		return;
	}
	if (slice_eq(key, "commodity") && is_class) {
		if (commodity_parse(v.p, v.n, &b->com)) {
			perr(e, file, line, "unknown commodity '%.*s'",
			     (int)MIN(v.n, 64), v.p);
			return;
		}
		b->has_com = true;
		return;
	}
	if (slice_eq(key, "weight") && (is_rule || is_class)) {
		if (!parse_int(v, 1, 100, &b->weight))
			perr(e, file, line, "weight must be 1..100, not '%.*s'",
			     (int)MIN(v.n, 32), v.p);
		b->has_weight = true;
		return;
	}
	if (slice_eq(key, "field") && (is_rule || is_class)) {
		b->fields = 0;
		while (v.n) {
			struct slice w = first_word(&v);
			size_t i;
			for (i = 0; i < ARRAY_LEN(field_names); i++)
				if (slice_eq(w, field_names[i].name))
					break;
			if (i == ARRAY_LEN(field_names)) {
				perr(e, file, line,
				     "unknown field '%.*s' (title, "
				     "description, alt, brand, seller, "
				     "property, text, other, any)",
				     (int)MIN(w.n, 32), w.p);
				return;
			}
			b->fields |= field_names[i].bits;
		}
		return;
	}
	if (slice_eq(key, "negate") && (is_rule || is_class)) {
		while (v.n) {
			struct slice w = first_word(&v);
			if (slice_eq(w, "none")) {
				b->neg_none = true;
				continue;
			}
			if (!valid_id(w)) {
				perr(e, file, line, "bad cue set name '%.*s'",
				     (int)MIN(w.n, 64), w.p);
				return;
			}
			b->neg_names = xrealloc(b->neg_names,
						(b->nneg + 1) * sizeof(char *));
			b->neg_lines = xrealloc(b->neg_lines,
						(b->nneg + 1) * sizeof(int));
			b->neg_names[b->nneg] = xstrndup(w.p, w.n);
			b->neg_lines[b->nneg++] = line;
		}
		if (b->neg_none && b->nneg)
			perr(e, file, line, "'negate none' with cue sets");
		return;
	}
	if (is_cues) {
		/* kind/window/commas/default may share a line:
		 * "kind before  window 5  commas yes" */
		struct slice rest = v;
		struct slice k = key;
		for (;;) {
			struct slice val = first_word(&rest);
			if (slice_eq(k, "kind")) {
				if (slice_eq(val, "before"))
					b->cue = CUE_BEFORE;
				else if (slice_eq(val, "after"))
					b->cue = CUE_AFTER;
				else if (slice_eq(val, "break"))
					b->cue = CUE_BREAK;
				else
					perr(e, file, line,
					     "kind must be before, after or "
					     "break");
			} else if (slice_eq(k, "window")) {
				if (!parse_int(val, 0, 20, &b->window))
					perr(e, file, line,
					     "window must be 0..20 words");
			} else if (slice_eq(k, "commas")) {
				if (!parse_bool(val, &b->commas))
					perr(e, file, line,
					     "commas must be yes or no");
			} else if (slice_eq(k, "default")) {
				if (!parse_bool(val, &b->is_default))
					perr(e, file, line,
					     "default must be yes or no");
			} else if (slice_eq(k, "stop")) {
				if (!valid_id(val)) {
					perr(e, file, line,
					     "bad cue set name '%.*s'",
					     (int)MIN(val.n, 64), val.p);
					return;
				}
				b->stop_names = xrealloc(
					b->stop_names,
					(b->nstop_names + 1) * sizeof(char *));
				b->stop_lines = xrealloc(b->stop_lines,
							 (b->nstop_names + 1) *
								 sizeof(int));
				b->stop_names[b->nstop_names] =
					xstrndup(val.p, val.n);
				b->stop_lines[b->nstop_names++] = line;
			} else {
				perr(e, file, line,
				     "unknown attribute '%.*s' in cues",
				     (int)MIN(k.n, 32), k.p);
				return;
			}
			if (!rest.n)
				return;
			k = first_word(&rest);
			if (!rest.n) {
				perr(e, file, line, "'%.*s' without a value",
				     (int)MIN(k.n, 32), k.p);
				return;
			}
		}
	}
	perr(e, file, line, "unknown attribute '%.*s' in %s",
	     (int)MIN(key.n, 32), key.p, kind);
}

/* Per-block checks once its last line is read. */
static void finish_block(struct block *b, struct perr *e)
{
	const char *f = b->file;

	switch (b->kind) {
	case B_RULE:
		if (!b->has_code)
			perr(e, f, b->line, "rule %s: missing code", b->id);
		if (!b->source)
			perr(e, f, b->line,
			     "rule %s: missing source (say where the "
			     "knowledge comes from)",
			     b->id);
		if (!b->has_main)
			perr(e, f, b->line, "rule %s: no pattern", b->id);
		if (!b->has_scope)
			b->scope =
				((1u << COM__COUNT) - 1) & ~(1u << COM_OTHER);
		if (!b->has_weight)
			b->weight = 50;
		break;
	case B_CLASS:
		if (!b->has_com)
			perr(e, f, b->line, "class %s: missing commodity",
			     b->id);
		if (!b->source)
			perr(e, f, b->line, "class %s: missing source", b->id);
		if (!b->has_main)
			perr(e, f, b->line, "class %s: no pattern", b->id);
		if (!b->has_weight)
			b->weight = 10;
		break;
	case B_CUES:
		if (b->cue == CUE_NONE)
			perr(e, f, b->line, "cues %s: missing kind", b->id);
		if (!b->has_main)
			perr(e, f, b->line, "cues %s: no pattern", b->id);
		break;
	case B_LIST:
		if (!b->has_main)
			perr(e, f, b->line, "list %s: no pattern", b->id);
		break;
	}
}

static const char *keep_file(struct rules *r, const char *origin)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i], origin))
			return r->files[i];
	if (r->nfiles == r->capfiles)
		r->files = xgrow(r->files, &r->capfiles, r->nfiles + 1,
				 sizeof(*r->files));
	r->files[r->nfiles] = xstrdup(origin);
	return r->files[r->nfiles++];
}

int rules_parse(struct rules *r, const char *origin, struct slice text,
		struct buf *errors)
{
	struct perr e = {errors, 0};
	const char *file = keep_file(r, origin);
	size_t nb0 = r->nb, pos = 0;
	struct block *cur = NULL;
	bool skipping = false; /* attributes of a rejected header */
	int line = 0;

	if (r->db)
		perr(&e, file, 0, "rules already compiled");
	if (text.n > RULES_MAX_FILE)
		perr(&e, file, 0, "file larger than %u bytes", RULES_MAX_FILE);
	while (e.count < 50 && pos < text.n) {
		const char *p = text.p + pos;
		const char *nl = memchr(p, '\n', text.n - pos);
		size_t n = nl ? (size_t)(nl - p) : text.n - pos;
		struct slice s;

		pos += n + (nl ? 1 : 0);
		line++;
		if (n && p[n - 1] == '\r')
			n--;
		if (n > RULES_MAX_LINE) {
			perr(&e, file, line, "line longer than %d bytes",
			     RULES_MAX_LINE);
			continue;
		}
		if (memchr(p, '\0', n)) {
			perr(&e, file, line, "NUL byte");
			continue;
		}
		s = slice_trim((struct slice){p, n});
		if (!s.n || s.p[0] == '#')
			continue;
		if (!isspace((unsigned char)p[0])) {
			/* a block header */
			struct slice rest = s, kw = first_word(&rest), id;
			size_t k;
			if (cur)
				finish_block(cur, &e);
			cur = NULL;
			skipping = true;
			for (k = 0; k < ARRAY_LEN(blk_names); k++)
				if (slice_eq(kw, blk_names[k]))
					break;
			if (k == ARRAY_LEN(blk_names)) {
				perr(&e, file, line,
				     "expected 'rule', 'class', 'cues' or "
				     "'list', not '%.*s' (attributes are "
				     "indented)",
				     (int)MIN(kw.n, 32), kw.p);
				continue;
			}
			id = first_word(&rest);
			if (!valid_id(id) || rest.n) {
				perr(&e, file, line,
				     "%s needs one id of a-z 0-9 _ . - (at "
				     "most 64)",
				     blk_names[k]);
				continue;
			}
			char *ids = xstrndup(id.p, id.n);
			struct block *dup = find_block(r, ids, 0, r->nb);
			if (dup) {
				perr(&e, file, line,
				     "duplicate id '%s' (first defined at "
				     "%s:%d)",
				     ids, dup->file, dup->line);
				free(ids);
				continue;
			}
			if (r->nb == r->capb)
				r->b = xgrow(r->b, &r->capb, r->nb + 1,
					     sizeof(*r->b));
			cur = &r->b[r->nb++];
			memset(cur, 0, sizeof(*cur));
			cur->kind = (enum blk_kind)k;
			cur->id = ids;
			cur->file = file;
			cur->line = line;
			skipping = false;
			continue;
		}
		if (!cur && skipping)
			continue;
		if (!cur) {
			perr(&e, file, line,
			     "attribute outside a block (block headers start "
			     "at column 0)");
			continue;
		}
		struct slice v = s, key = first_word(&v);
		parse_attr(cur, key, v, line, &e, file);
	}
	if (cur)
		finish_block(cur, &e);
	if (e.count) {
		for (size_t i = nb0; i < r->nb; i++)
			block_release(&r->b[i]);
		r->nb = nb0;
		return ERR_INPUT;
	}
	return 0;
}

int rules_load_file(struct rules *r, const char *path, struct buf *errors)
{
	struct buf b;
	struct perr e = {errors, 0};
	int rc;

	buf_init(&b, RULES_MAX_FILE);
	rc = buf_read_file(&b, path);
	if (rc) {
		if (rc == ERR_LIMIT)
			perr(&e, path, 0, "file larger than %u bytes",
			     RULES_MAX_FILE);
		else
			perr(&e, path, 0, "cannot read: %s", strerror(errno));
		buf_release(&b);
		return ERR_INPUT;
	}
	rc = rules_parse(r, path, buf_slice(&b), errors);
	buf_release(&b);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rules_load_dir(struct rules *r, const char *dir, struct buf *errors)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!d) {
		struct perr e = {errors, 0};
		perr(&e, dir, 0, "cannot open rules directory: %s",
		     strerror(errno));
		return ERR_INPUT;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 7 || strcmp(de->d_name + l - 6, ".rules") ||
		    de->d_name[0] == '.')
			continue;
		if (n == cap)
			names = xgrow(names, &cap, n + 1, sizeof(*names));
		names[n++] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		int r1 = rules_load_file(r, names[i], errors);
		if (r1 && !rc)
			rc = r1;
		free(names[i]);
	}
	free(names);
	if (!n && !rc) {
		struct perr e = {errors, 0};
		perr(&e, dir, 0, "no .rules files");
		rc = ERR_INPUT;
	}
	return rc;
}

/* ---- compiling ---------------------------------------------------------- */

static bool is_word_byte(unsigned char c)
{
	return isalnum(c) || c == '_';
}

/* A normalised phrase as a word-bounded regex. */
static char *literal_expr(const char *lit, bool prefix)
{
	struct buf b = BUF_INIT;
	size_t n = strlen(lit);

	if (is_word_byte((unsigned char)lit[0]))
		buf_puts(&b, "\\b");
	for (size_t i = 0; i < n; i++) {
		if (strchr(".^$|()[]{}*+?\\/", lit[i]))
			buf_putc(&b, '\\');
		buf_putc(&b, lit[i]);
	}
	if (!prefix && is_word_byte((unsigned char)lit[n - 1]))
		buf_puts(&b, "\\b");
	return buf_detach(&b, NULL);
}

/* Constructs grep -E does not share with Hyperscan, and things that can
 * never match the normalised text. */
static const char *regex_lint(const char *re)
{
	for (size_t i = 0; re[i]; i++) {
		char c = re[i];
		if (c == '\\') {
			char d = re[i + 1];
			if (!d)
				return "ends with a backslash";
			if (d == 'd' || d == 'D')
				return "\\d is not portable to grep -E: use "
				       "[0-9]";
			if (isdigit((unsigned char)d))
				return "back-references are not supported";
			if (d == 'x' || d == 'p' || d == 'Q' || d == 'E')
				return "escape not portable to grep -E";
			i++;
			continue;
		}
		if (c == '(' && re[i + 1] == '?')
			return "(?...) groups are not portable to grep -E";
		if ((c == '*' || c == '+' || c == '?' || c == '}') &&
		    re[i + 1] == '?' && i > 0)
			return "lazy quantifiers are not portable to grep -E";
		if (isupper((unsigned char)c))
			return "upper-case letter: the text is case-folded, "
			       "write lower case";
		if (islower((unsigned char)c) && re[i + 1] == c &&
		    (i == 0 || re[i - 1] != '\\'))
			return "doubled letter: repeated letters are "
			       "squeezed in the text, write it once";
	}
	return NULL;
}

static size_t add_pattern(struct rules *r, char *expr, bool som, uint32_t len,
			  const char *lit, const char *file, int line)
{
	/* Identical patterns share one Hyperscan id.  Linear search is
	 * fine at compile time for a few thousand patterns. */
	for (size_t i = 0; i < r->np; i++)
		if (r->p[i].som == som && !strcmp(r->p[i].expr, expr)) {
			free(expr);
			return i;
		}
	if (r->np == r->capp)
		r->p = xgrow(r->p, &r->capp, r->np + 1, sizeof(*r->p));
	r->p[r->np] = (struct pattern){.expr = expr,
				       .som = som,
				       .len = len,
				       .lit = lit ? xstrdup(lit) : NULL,
				       .file = file,
				       .line = line,
				       .parent = -1};
	if (som) {
		int err;
		PCRE2_SIZE at;
		r->p[r->np].re =
			pcre2_compile((PCRE2_SPTR)expr, PCRE2_ZERO_TERMINATED,
				      0, &err, &at, NULL);
		/* Hyperscan accepted it already; PCRE2 refusing it only
		 * costs the start of its matches (the end is used). */
		if (!r->p[r->np].re)
			log_msg(LOG_WARN, "%s:%d: PCRE2 rejects /%s/", file,
				line, expr);
	}
	return r->np++;
}

static void add_target(struct pattern *p, uint32_t block, enum role role,
		       bool whole)
{
	for (size_t i = 0; i < p->nt; i++)
		if (p->t[i].block == block && p->t[i].role == role) {
			/* a prefix of the same block subsumes the word */
			p->t[i].whole = p->t[i].whole && whole;
			return;
		}
	if (p->nt == p->capt)
		p->t = xgrow(p->t, &p->capt, p->nt + 1, sizeof(*p->t));
	p->t[p->nt++] = (struct target){block, (uint8_t)role, whole};
}

/* Compile one pattern on its own, to report a bad regex at its line. */
static bool check_regex(const char *expr, unsigned flags, char *msg, size_t msz)
{
	hs_database_t *db = NULL;
	hs_compile_error_t *err = NULL;

	if (hs_compile(expr, flags, HS_MODE_BLOCK, NULL, &db, &err) !=
	    HS_SUCCESS) {
		snprintf(msg, msz, "%s", err ? err->message : "?");
		hs_free_compile_error(err);
		return false;
	}
	hs_free_database(db);
	return true;
}

static unsigned pattern_flags(const struct pattern *p)
{
	(void)p;
	return 0;
}

static inline bool is_tok_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* Phrases are found by the first bytes of their first token: up to
 * PHRASE_KEY of them, packed with their count. */
#define PHRASE_KEY 6

static uint64_t phrase_key(const char *p, size_t k)
{
	uint64_t key = (uint64_t)k << 56;

	for (size_t i = 0; i < k; i++)
		key |= (uint64_t)(unsigned char)p[i] << (8 * i);
	return key;
}

static void add_phrase(struct rules *r, size_t bi, const struct block *src,
		       const struct pref *pr, struct perr *e)
{
	const struct block *b = &r->b[bi];
	char *lit;
	size_t tok = 0;

	if (pr->kind == P_REGEX) {
		perr(e, src->file, pr->line,
		     "%s %s: regex is not allowed here, only word and prefix "
		     "phrases",
		     blk_names[b->kind], b->id);
		return;
	}
	lit = norm_string(pr->text, NORM_DETECT);
	while (is_tok_byte((unsigned char)lit[tok]))
		tok++;
	if (!tok) {
		perr(e, src->file, pr->line,
		     "'%s' must start with a letter or digit once normalised",
		     pr->text);
		free(lit);
		return;
	}
	if (r->nph == r->capph)
		r->ph = xgrow(r->ph, &r->capph, r->nph + 1, sizeof(*r->ph));
	r->ph[r->nph++] = (struct phrase){
		.key = phrase_key(lit, MIN(tok, PHRASE_KEY)),
		.s = lit,
		.len = (uint32_t)strlen(lit),
		.block = (uint32_t)bi,
		.prefix = pr->kind == P_PREFIX,
	};
}

static int cmp_phrase(const void *a, const void *b)
{
	const struct phrase *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->block < y->block ? -1 : x->block > y->block;
}

/* Add the patterns of `src`'s references (role given) to block bi. */
static void compile_prefs(struct rules *r, size_t bi, const struct block *src,
			  enum role only, bool any_role, struct perr *e)
{
	const struct block *b = &r->b[bi];

	for (size_t i = 0; i < src->npr; i++) {
		const struct pref *pr = &src->pr[i];
		enum role role = any_role ? pr->role : only;
		if (pr->kind == P_USE) {
			struct block *l = find_block(r, pr->text, 0, r->nb);
			if (!l || l->kind != B_LIST) {
				perr(e, b->file, pr->line, "'%s' is not a list",
				     pr->text);
				continue;
			}
			compile_prefs(r, bi, l, role, false, e);
			continue;
		}
		char *expr, *lit = NULL;
		bool som = false, whole = false;
		uint32_t len = 0;
		if (b->kind == B_CLASS || b->kind == B_CUES) {
			add_phrase(r, bi, src, pr, e);
			continue;
		}
		if (pr->kind == P_REGEX) {
			const char *lint = regex_lint(pr->text);
			char msg[256];
			if (lint) {
				perr(e, src->file, pr->line, "regex /%s/: %s",
				     pr->text, lint);
				continue;
			}
			expr = xstrdup(pr->text);
			som = true;
			if (!check_regex(expr, 0, msg, sizeof(msg))) {
				perr(e, src->file, pr->line,
				     "bad regex /%s/: %s", pr->text, msg);
				free(expr);
				continue;
			}
		} else {
			lit = norm_string(pr->text, NORM_DETECT);
			if (!*lit) {
				perr(e, src->file, pr->line,
				     "'%s' is empty once normalised", pr->text);
				free(lit);
				continue;
			}
			len = (uint32_t)strlen(lit);
			/* Words and prefixes share one pattern, left-bounded
			 * only; the right boundary of a word is checked on
			 * the match (a trailing \b makes Hyperscan slower,
			 * and "sildenafil" as word and as prefix is then one
			 * literal). */
			whole = pr->kind == P_WORD &&
				is_word_byte((unsigned char)lit[len - 1]);
			expr = literal_expr(lit, true);
		}
		size_t pi = add_pattern(r, expr, som, len, lit, src->file,
					pr->line);
		free(lit);
		add_target(&r->p[pi], (uint32_t)bi, role, whole);
	}
}

/* Hang every literal under the longest other literal it starts with:
 * "sibutramin" under "sibutram" under "sibu".  Only the roots go into the
 * database; a root's match checks its extensions with one memcmp each,
 * which saves both patterns and duplicate matches of overlapping words. */
static void link_extensions(struct rules *r)
{
	for (size_t i = 0; i < r->np; i++) {
		struct pattern *p = &r->p[i], *q;
		size_t best = SIZE_MAX;
		if (!p->lit)
			continue;
		for (size_t j = 0; j < r->np; j++) {
			q = &r->p[j];
			if (j == i || !q->lit || q->len >= p->len ||
			    memcmp(p->lit, q->lit, q->len))
				continue;
			if (best == SIZE_MAX || q->len > r->p[best].len)
				best = j;
		}
		if (best == SIZE_MAX)
			continue;
		p->parent = (int32_t)best;
		q = &r->p[best];
		q->ext = xrealloc(q->ext, (q->next + 1) * sizeof(*q->ext));
		q->ext[q->next++] = (uint32_t)i;
	}
	for (size_t i = 0; i < r->np; i++)
		r->p[i].family = 0;
	for (size_t i = 0; i < r->np; i++)
		for (int32_t a = (int32_t)i; a >= 0; a = r->p[a].parent)
			r->p[a].family++;
}

int rules_compile(struct rules *r, struct buf *errors)
{
	struct perr e = {errors, 0};
	hs_compile_error_t *err = NULL;
	const char **exprs = NULL;
	unsigned *flags = NULL, *ids = NULL;
	int rc = 0;

	if (r->db)
		return 0;
	patterns_release(r);
	r->nrules = r->nclasses = 0;
	for (size_t i = 0; i < r->nb; i++) {
		struct block *b = &r->b[i];
		if (b->kind == B_LIST)
			continue;
		compile_prefs(r, i, b, R_MAIN, true, &e);
		free(b->neg);
		b->neg = NULL;
		b->nnegs = 0;
		for (size_t k = 0; k < b->nneg; k++) {
			struct block *c =
				find_block(r, b->neg_names[k], 0, r->nb);
			if (!c || c->kind != B_CUES || c->cue == CUE_BREAK) {
				perr(&e, b->file, b->neg_lines[k],
				     "'%s' is not a before/after cue set",
				     b->neg_names[k]);
				continue;
			}
			b->neg = xrealloc(b->neg, (b->nnegs + 1) * sizeof(int));
			b->neg[b->nnegs++] = (int)(c - r->b);
		}
		free(b->stop);
		b->stop = NULL;
		b->nstop = 0;
		for (size_t k = 0; k < b->nstop_names; k++) {
			struct block *c =
				find_block(r, b->stop_names[k], 0, r->nb);
			if (!c || c->kind != B_CUES || c->cue != CUE_BREAK) {
				perr(&e, b->file, b->stop_lines[k],
				     "'%s' is not a break cue set",
				     b->stop_names[k]);
				continue;
			}
			b->stop =
				xrealloc(b->stop, (b->nstop + 1) * sizeof(int));
			b->stop[b->nstop++] = (int)(c - r->b);
		}
		if (b->kind == B_RULE)
			r->nrules++;
		if (b->kind == B_CLASS)
			r->nclasses++;
		if (b->kind == B_CUES) {
			int **arr = b->cue == CUE_BREAK ? &r->break_sets
							: &r->default_neg;
			size_t *n =
				b->cue == CUE_BREAK ? &r->nbreak : &r->ndefault;
			if (b->cue != CUE_BREAK && !b->is_default)
				continue;
			*arr = xrealloc(*arr, (*n + 1) * sizeof(int));
			(*arr)[(*n)++] = (int)i;
		}
	}
	if (!r->np && !e.count)
		perr(&e, r->nfiles ? r->files[0] : "rules", 0, "no patterns");
	if (r->nph)
		qsort(r->ph, r->nph, sizeof(*r->ph), cmp_phrase);
	if (e.count) {
		rc = ERR_INPUT;
		goto out;
	}
	link_extensions(r);
	exprs = xcalloc(r->np, sizeof(*exprs));
	flags = xcalloc(r->np, sizeof(*flags));
	ids = xcalloc(r->np, sizeof(*ids));
	r->nroots = 0;
	for (size_t i = 0; i < r->np; i++) {
		if (r->p[i].parent >= 0)
			continue;
		exprs[r->nroots] = r->p[i].expr;
		flags[r->nroots] = pattern_flags(&r->p[i]);
		ids[r->nroots++] = (unsigned)i;
	}
	if (hs_compile_multi(exprs, flags, ids, (unsigned)r->nroots,
			     HS_MODE_BLOCK, NULL, &r->db, &err) != HS_SUCCESS) {
		int at = err ? err->expression : -1;
		if (at >= 0 && (size_t)at < r->nroots)
			at = (int)ids[at];
		if (at >= 0 && (size_t)at < r->np)
			perr(&e, r->p[at].file, r->p[at].line,
			     "pattern /%s/: %s", r->p[at].expr, err->message);
		else
			perr(&e, r->nfiles ? r->files[0] : "rules", 0,
			     "Hyperscan: %s", err ? err->message : "?");
		hs_free_compile_error(err);
		r->db = NULL;
		rc = ERR_INPUT;
	}
out:
	free(exprs);
	free(flags);
	free(ids);
	if (rc)
		patterns_release(r);
	return rc;
}

void rules_counts(const struct rules *r, size_t *rules, size_t *classes,
		  size_t *patterns, size_t *compiled, size_t *phrases)
{
	if (phrases)
		*phrases = r->nph;
	if (compiled)
		*compiled = r->nroots;
	if (rules)
		*rules = r->nrules;
	if (classes)
		*classes = r->nclasses;
	if (patterns)
		*patterns = r->np;
}

void rules_export_patterns(const struct rules *r, FILE *out)
{
	for (size_t i = 0; i < r->np; i++)
		fprintf(out, "%s\n", r->p[i].expr);
}

void rules_describe(const struct rules *r, FILE *out)
{
	for (size_t i = 0; i < r->nb; i++) {
		const struct block *b = &r->b[i];
		fprintf(out, "%s:%d: %s %s", b->file, b->line,
			blk_names[b->kind], b->id);
		if (b->kind == B_RULE) {
			fprintf(out, " %s weight %d scope", vcode_name(b->code),
				b->weight);
			for (int c = 0; c < COM__COUNT; c++)
				if (b->scope & (1u << c))
					fprintf(out, " %s",
						commodity_name(
							(enum commodity)c));
		} else if (b->kind == B_CLASS) {
			fprintf(out, " %s weight %d", commodity_name(b->com),
				b->weight);
		}
		fprintf(out, " (%zu patterns)\n", b->npr);
	}
}

/* ---- scanning ----------------------------------------------------------- */

unsigned rules_field_kind(const char *name)
{
	static const struct {
		const char *name;
		unsigned kind;
	} map[] = {
		{"title", RF_TITLE},
		{"og_title", RF_TITLE},
		{"description", RF_DESCRIPTION},
		{"og_description", RF_DESCRIPTION},
		{"meta_description", RF_DESCRIPTION},
		{"image_alt", RF_ALT},
		{"alt", RF_ALT},
		{"brand", RF_BRAND},
		{"seller", RF_SELLER},
		{"property", RF_PROPERTY},
		{"structured", RF_PROPERTY},
		{"text", RF_TEXT},
	};
	for (size_t i = 0; name && i < ARRAY_LEN(map); i++)
		if (!strcmp(name, map[i].name))
			return map[i].kind;
	return RF_OTHER;
}

struct rmatch {
	uint32_t pat, from, to;
};

struct rules_scratch {
	hs_scratch_t *hs;
	struct rmatch *m;
	size_t n, cap;
	uint16_t *per_pat; /* matches kept per pattern */
	uint32_t *full;	   /* per pattern: patterns of its tree at the cap */
	size_t np;
	bool truncated;
	const struct rules *r;
	/* the scanned text */
	const char *text;
	size_t len;
	const struct rules_field *f;
	size_t nf;
	struct rules_field one;
	/* evaluation */
	int32_t *first;	  /* per block: first good main match, -1 none */
	uint8_t *cond;	  /* per block: 1 unless seen, 2 with seen */
	uint8_t *classes; /* per block: 1 title, 2 body, 4 text */
	bool evaluated;
	pcre2_match_data *md;
};

struct rules_scratch *rules_scratch_new(const struct rules *r)
{
	struct rules_scratch *s = xcalloc(1, sizeof(*s));

	s->r = r;
	if (r->db && hs_alloc_scratch(r->db, &s->hs) != HS_SUCCESS)
		die("hs_alloc_scratch failed");
	s->np = r->np;
	s->per_pat = xcalloc(r->np ? r->np : 1, sizeof(*s->per_pat));
	s->full = xcalloc(r->np ? r->np : 1, sizeof(*s->full));
	s->first = xcalloc(r->nb ? r->nb : 1, sizeof(*s->first));
	s->cond = xcalloc(r->nb ? r->nb : 1, 1);
	s->classes = xcalloc(r->nb ? r->nb : 1, 1);
	s->md = pcre2_match_data_create(16, NULL);
	if (!s->md)
		die("pcre2_match_data_create failed");
	return s;
}

void rules_scratch_free(struct rules_scratch *s)
{
	if (!s)
		return;
	if (s->hs)
		hs_free_scratch(s->hs);
	free(s->m);
	free(s->per_pat);
	free(s->full);
	free(s->first);
	free(s->cond);
	free(s->classes);
	pcre2_match_data_free(s->md);
	free(s);
}

static void record(struct rules_scratch *s, unsigned id, size_t from, size_t to)
{
	const struct pattern *p = &s->r->p[id];

	if (s->per_pat[id] >= RULES_PER_PATTERN) {
		s->truncated = true;
	} else {
		s->per_pat[id]++;
		if (s->n == s->cap)
			s->m = xgrow(s->m, &s->cap, s->n + 1, sizeof(*s->m));
		s->m[s->n++] =
			(struct rmatch){id, (uint32_t)from, (uint32_t)to};
		/* at the cap: count it in every tree it belongs to, so that
		 * on_match can drop a saturated tree's matches at once */
		if (s->per_pat[id] == RULES_PER_PATTERN)
			for (int32_t a = (int32_t)id; a >= 0;
			     a = s->r->p[a].parent)
				s->full[a]++;
	}
	/* the literals that extend this one, at the same start */
	for (size_t i = 0; i < p->next; i++) {
		const struct pattern *x = &s->r->p[p->ext[i]];
		if (from + x->len <= s->len &&
		    !memcmp(s->text + from + p->len, x->lit + p->len,
			    x->len - p->len))
			record(s, p->ext[i], from, from + x->len);
	}
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to,
		    unsigned flags, void *ctx)
{
	struct rules_scratch *s = ctx;
	const struct pattern *p = &s->r->p[id];

	if (s->full[id] == p->family) {
		/* this pattern and every extension are at their cap: a page
		 * repeating a word costs one comparison per repeat */
		s->truncated = true;
		return 0;
	}
	/* literals: start = end - length; regexes: found when needed */
	from = p->som ? to : to >= p->len ? to - p->len : 0;
	record(s, id, (size_t)from, (size_t)to);
	return 0;
}

int rules_scan_raw(const struct rules *r, struct rules_scratch *s,
		   const char *text, size_t len, uint64_t *matches)
{
	int rc = rules_scan(r, s, text, len, NULL, 0);

	*matches = s->n;
	return rc;
}

int rules_scan(const struct rules *r, struct rules_scratch *s, const char *text,
	       size_t len, const struct rules_field *fields, size_t n)
{
	hs_error_t rc;

	if (!r->db)
		return log_fail("rules_scan: rules not compiled");
	if (len > UINT32_MAX)
		return ERR_LIMIT;
	s->n = 0;
	s->truncated = false;
	s->evaluated = false;
	memset(s->per_pat, 0, s->np * sizeof(*s->per_pat));
	memset(s->full, 0, s->np * sizeof(*s->full));
	s->text = text;
	s->len = len;
	if (fields && n) {
		s->f = fields;
		s->nf = n;
	} else {
		s->one = (struct rules_field){0, len, RF_TEXT};
		s->f = &s->one;
		s->nf = 1;
	}
	rc = hs_scan(r->db, text, (unsigned)len, 0, s->hs, on_match, s);
	if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
		return log_fail("hs_scan failed: %d", rc);
	return 0;
}

bool rules_scan_truncated(const struct rules_scratch *s)
{
	return s->truncated;
}

/* ---- phrases ------------------------------------------------------------ */

/* Call fn for every phrase that starts at the token starting at p (p must
 * be a token start) and ends at or before `limit`.  fn returning true
 * stops the search, and the result is true. */
static bool phrases_at(const struct rules *r, const char *text, size_t len,
		       size_t p, size_t limit,
		       bool (*fn)(void *arg, const struct phrase *ph,
				  size_t end),
		       void *arg)
{
	size_t tok = 0;

	while (p + tok < len && tok < PHRASE_KEY &&
	       is_tok_byte((unsigned char)text[p + tok]))
		tok++;
	for (size_t k = 1; k <= tok; k++) {
		uint64_t key = phrase_key(text + p, k);
		size_t lo = 0, hi = r->nph;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (r->ph[mid].key < key)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < r->nph && r->ph[lo].key == key; lo++) {
			const struct phrase *ph = &r->ph[lo];
			size_t end = p + ph->len;
			if (end > limit || end > len ||
			    memcmp(text + p, ph->s, ph->len))
				continue;
			if (!ph->prefix &&
			    is_word_byte((unsigned char)ph->s[ph->len - 1]) &&
			    end < len && is_word_byte((unsigned char)text[end]))
				continue;
			if (fn(arg, ph, end))
				return true;
		}
	}
	return false;
}

static inline bool token_start(const char *text, size_t i)
{
	return is_tok_byte((unsigned char)text[i]) &&
	       (i == 0 || !is_tok_byte((unsigned char)text[i - 1]));
}

/* ---- negation ----------------------------------------------------------- */

struct neg_ctx {
	const struct rules *r;
	const struct rules_scratch *s;
	const int *sets;
	size_t nsets;
	enum cue_kind want;
	size_t at;	  /* before: the match start; after: its end */
	size_t cue_start; /* after: where the cue starts */
	uint32_t block;	  /* for break search: unused */
};

static bool in_sets(const int *sets, size_t n, uint32_t block)
{
	for (size_t i = 0; i < n; i++)
		if ((uint32_t)sets[i] == block)
			return true;
	return false;
}

static bool is_break(void *arg, const struct phrase *ph, size_t end)
{
	const struct block *set = arg;

	return in_sets(set->stop, set->nstop, ph->block);
}

/* Whether the words between a and b may belong to one negation scope. */
static bool gap_ok(const struct rules *r, const struct rules_scratch *s,
		   size_t a, size_t b, const struct block *set)
{
	int words = 0;

	if (b < a || b - a > 200)
		return false;
	for (size_t i = a; i < b; i++) {
		unsigned char c = (unsigned char)s->text[i];
		if (c == '\n' || c == '!' || c == '?' || c == ';')
			return false;
		if (c == '.' && (i + 1 >= s->len || s->text[i + 1] == ' ' ||
				 s->text[i + 1] == '\n'))
			return false;
		if (c == ',' && !set->commas)
			return false;
		if (token_start(s->text, i)) {
			words++;
			/* an affirmative word ("mengandung", "plus") ends
			 * the scope */
			if (set->nstop && phrases_at(r, s->text, s->len, i, b,
						     is_break, (void *)set))
				return false;
		}
	}
	return words <= set->window;
}

static bool is_cue(void *arg, const struct phrase *ph, size_t end)
{
	struct neg_ctx *c = arg;
	const struct block *set = &c->r->b[ph->block];

	if (set->kind != B_CUES || set->cue != c->want ||
	    !in_sets(c->sets, c->nsets, ph->block))
		return false;
	if (c->want == CUE_BEFORE)
		return gap_ok(c->r, c->s, end, c->at, set);
	return gap_ok(c->r, c->s, c->at, c->cue_start, set);
}

static bool negated(const struct rules *r, const struct rules_scratch *s,
		    const struct block *b, size_t from, size_t to)
{
	struct neg_ctx c = {.r = r, .s = s};

	if (b->neg_none)
		return false;
	c.sets = b->neg;
	c.nsets = b->nnegs;
	if (!b->nneg) {
		if (b->kind == B_CLASS)
			return false; /* classes negate only when asked */
		c.sets = r->default_neg;
		c.nsets = r->ndefault;
	}
	if (!c.nsets)
		return false;
	/* cues before the match, in the 200 bytes before it */
	c.want = CUE_BEFORE;
	c.at = from;
	for (size_t i = from > 200 ? from - 200 : 0; i < from; i++)
		if (token_start(s->text, i) &&
		    phrases_at(r, s->text, s->len, i, from, is_cue, &c))
			return true;
	/* cues after it */
	c.want = CUE_AFTER;
	c.at = to;
	for (size_t i = to; i < s->len && i < to + 200; i++) {
		if (!token_start(s->text, i))
			continue;
		c.cue_start = i;
		if (phrases_at(r, s->text, s->len, i, s->len, is_cue, &c))
			return true;
	}
	return false;
}

/* ---- evaluation --------------------------------------------------------- */

static unsigned field_at(const struct rules_scratch *s, uint32_t off)
{
	size_t lo = 0, hi = s->nf;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->f[mid].end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nf && s->f[lo].start <= off)
		return s->f[lo].kind;
	return RF_OTHER;
}

static uint8_t class_bit(unsigned field_kind)
{
	/* a seller's shop name ("Rina Skincare", "Feri Herbal") says little
	 * about the product: it counts as page text */
	return field_kind == RF_TITLE				  ? 1
	       : field_kind == RF_TEXT || field_kind == RF_SELLER ? 4
								  : 2;
}

/* Where a regex match that ends at `to` starts: the leftmost position in
 * the 256 bytes before it where the regex, anchored, ends exactly there. */
static size_t regex_start(struct rules_scratch *s, const struct pattern *p,
			  size_t to)
{
	size_t lo = to > 256 ? to - 256 : 0;

	if (!p->re)
		return to ? to - 1 : 0;
	for (size_t pos = lo; pos < to; pos++) {
		int rc = pcre2_match(p->re, (PCRE2_SPTR)s->text, to, pos,
				     PCRE2_ANCHORED, s->md, NULL);
		if (rc > 0 && pcre2_get_ovector_pointer(s->md)[1] == to)
			return pos;
	}
	return to ? to - 1 : 0;
}

static void evaluate(const struct rules *r, struct rules_scratch *s)
{
	if (s->evaluated)
		return;
	s->evaluated = true;
	for (size_t i = 0; i < r->nb; i++) {
		s->first[i] = -1;
		s->cond[i] = 0;
	}
	for (size_t i = 0; i < s->n; i++) {
		struct rmatch *m = &s->m[i];
		const struct pattern *p = &r->p[m->pat];
		if (p->som && m->from == m->to)
			m->from = (uint32_t)regex_start(s, p, m->to);
		unsigned fk = field_at(s, m->from);
		bool bounded = m->to >= s->len ||
			       !is_word_byte((unsigned char)s->text[m->to]);
		for (size_t t = 0; t < p->nt; t++) {
			uint32_t bi = p->t[t].block;
			const struct block *b = &r->b[bi];
			if (p->t[t].whole && !bounded)
				continue;
			if (p->t[t].role == R_MAIN) {
				if (b->fields && !(b->fields & fk))
					continue;
				if (s->first[bi] >= 0) {
					/* the longest literal at the same
					 * start ("silden" then "sildenafil")
					 * makes the better snippet */
					struct rmatch *f0 = &s->m[s->first[bi]];
					if (f0->from == m->from &&
					    m->to > f0->to)
						s->first[bi] = (int32_t)i;
					continue;
				}
				if (negated(r, s, b, m->from, m->to))
					continue;
				s->first[bi] = (int32_t)i;
			} else {
				uint8_t bit = p->t[t].role == R_UNLESS ? 1 : 2;
				if (s->cond[bi] & bit)
					continue;
				if (negated(r, s, b, m->from, m->to))
					continue;
				s->cond[bi] |= bit;
			}
		}
	}
}

struct class_ctx {
	const struct rules *r;
	struct rules_scratch *s;
	unsigned fk;
	size_t start;
	const struct rules_span *ignore;
	size_t nignore;
};

static bool on_class(void *arg, const struct phrase *ph, size_t end)
{
	struct class_ctx *c = arg;
	const struct block *b = &c->r->b[ph->block];
	uint8_t bit = class_bit(c->fk);

	if (b->kind != B_CLASS || (c->s->classes[ph->block] & bit))
		return false;
	for (size_t i = 0; i < c->nignore; i++)
		if (c->start >= c->ignore[i].start &&
		    c->start < c->ignore[i].end)
			return false;
	if (b->fields && !(b->fields & c->fk))
		return false;
	if (b->nneg && negated(c->r, c->s, b, c->start, end))
		return false;
	c->s->classes[ph->block] |= bit;
	return false;
}

void rules_classes(const struct rules *r, struct rules_scratch *s,
		   int title[COM__COUNT], int body[COM__COUNT],
		   int text[COM__COUNT], const struct rules_span *ignore,
		   size_t nignore)
{
	struct class_ctx c = {r, s, 0, 0, ignore, nignore};

	for (size_t i = 0; i < r->nb; i++)
		s->classes[i] = 0;
	for (size_t f = 0; f < s->nf; f++) {
		c.fk = s->f[f].kind;
		if (!text && class_bit(c.fk) == 4)
			continue;
		for (size_t i = s->f[f].start; i < s->f[f].end; i++) {
			if (!token_start(s->text, i))
				continue;
			c.start = i;
			phrases_at(r, s->text, s->f[f].end, i, s->f[f].end,
				   on_class, &c);
		}
	}
	for (int k = 0; k < COM__COUNT; k++) {
		title[k] = body[k] = 0;
		if (text)
			text[k] = 0;
	}
	for (size_t i = 0; i < r->nb; i++) {
		const struct block *b = &r->b[i];
		if (b->kind != B_CLASS)
			continue;
		if (s->classes[i] & 1)
			title[b->com] += b->weight;
		if (s->classes[i] & 2)
			body[b->com] += b->weight;
		if (text && (s->classes[i] & 4))
			text[b->com] += b->weight;
	}
}

size_t rules_eval(const struct rules *r, struct rules_scratch *s,
		  enum commodity c,
		  void (*fn)(void *arg, const struct rules_hit *h), void *arg)
{
	size_t hits = 0;

	evaluate(r, s);
	if (c == COM_OTHER)
		return 0;
	for (size_t i = 0; i < r->nb; i++) {
		const struct block *b = &r->b[i];
		if (b->kind != B_RULE || s->first[i] < 0)
			continue;
		if (!(b->scope & (1u << c)))
			continue;
		if (b->has_unless && (s->cond[i] & 1))
			continue;
		if (b->has_with && !(s->cond[i] & 2))
			continue;
		const struct rmatch *m = &s->m[s->first[i]];
		struct rules_hit h = {
			.id = b->id,
			.code = b->code,
			.weight = b->weight,
			.source = b->source,
			.from = m->from,
			.to = m->to,
			.field = field_at(s, m->from),
		};
		hits++;
		if (fn)
			fn(arg, &h);
	}
	return hits;
}
