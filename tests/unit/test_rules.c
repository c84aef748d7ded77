/*
 * test_rules.c - the rule language and engine (src/detect/rules.h) and the
 * detection pipeline (src/detect/detect.h).
 *
 *  - parse and compile errors name file:line (bad regex, unknown code or
 *    commodity, duplicate id, missing source, unresolved names, ...);
 *  - the shipped rules (data/rules) compile into one Hyperscan database;
 *  - engine semantics on small inline rule sets: word boundaries, prefix,
 *    negation before/after, commas, break words, field restriction, scope,
 *    unless/with, per-pattern caps;
 *  - the declarative cases of tests/rules/ (*.cases files) run through
 *    detect_listing() with the shipped rules and tests/nie/registry.csv.
 *
 * Case file format: "== name" starts a case; "FIELD: text" lines give the
 * listing (title, description, image_alt, text, ...); "expect: CODES" (or
 * "none") the exact set of violation codes; optional "commodity: X",
 * "rule: id..." (must be among the reasons), "not-rule: id..." (must not).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "repo_path.h"

#include "base/base.h"
#include "detect/detect.h"
#include "detect/norm.h"
#include "detect/rules.h"
#include "registry/registry.h"
#include "store/store.h"

#define JUNE_2026 1780272000000LL

/* ---- errors ------------------------------------------------------------- */

/* Parse (and compile when parsing succeeds) `text`; return the errors. */
static char *errors_of(const char *text)
{
	struct rules *r = rules_new();
	struct buf e = BUF_INIT;

	buf_init(&e, 0);
	if (!rules_parse(r, "t.rules", slice_from(text), &e))
		rules_compile(r, &e);
	rules_free(r);
	if (!e.len)
		buf_puts(&e, "");
	return buf_detach(&e, NULL);
}

static void expect_error(const char *text, const char *want)
{
	char *got = errors_of(text);

	if (!strstr(got, want))
		fail_msg("want error containing \"%s\", got \"%s\"", want, got);
	free(got);
}

static const char *ok_rule = "rule a.b\n"
			     "\tcode BKO\n"
			     "\tsource test\n"
			     "\tword sildenafil\n";

static void test_errors(void **state)
{
	char *none = errors_of(ok_rule);

	assert_string_equal(none, "");
	free(none);
	expect_error("rule x\n\tcode NOPE\n\tsource s\n\tword a\n",
		     "t.rules:2: unknown violation code 'NOPE'");
	expect_error("rule x\n\tcode BKO\n\tscope jamu\n\tsource s\n\tword a\n",
		     "t.rules:3: unknown commodity 'jamu'");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tregex (abc\n",
		     "t.rules:4: bad regex /(abc/");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tregex a[0-9\n",
		     "t.rules:4: bad regex");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tregex \\d+\n",
		     "t.rules:4: regex /\\d+/: \\d is not portable");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tregex Viagra\n",
		     "t.rules:4: regex /Viagra/: upper-case");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tregex maaf\n",
		     "t.rules:4: regex /maaf/: doubled letter");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tregex (a)\\1\n",
		     "back-references");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tword a\n"
		     "rule x\n\tcode BKO\n\tsource s\n\tword b\n",
		     "t.rules:5: duplicate id 'x' (first defined at "
		     "t.rules:1)");
	expect_error("rule x\n\tcode BKO\n\tword a\n",
		     "t.rules:1: rule x: missing source");
	expect_error("rule x\n\tsource s\n\tword a\n",
		     "t.rules:1: rule x: missing code");
	expect_error("rule x\n\tcode BKO\n\tsource s\n",
		     "t.rules:1: rule x: no pattern");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tcolour red\n",
		     "t.rules:4: unknown attribute 'colour' in rule");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tweight 500\n\tword a\n",
		     "t.rules:4: weight must be 1..100");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tuse nolist\n",
		     "t.rules:4: 'nolist' is not a list");
	expect_error(
		"rule x\n\tcode BKO\n\tsource s\n\tword a\n\tnegate nocues\n",
		"t.rules:5: 'nocues' is not a before/after cue set");
	expect_error("\tcode BKO\n", "t.rules:1: attribute outside a block");
	expect_error("rules x\n", "t.rules:1: expected 'rule', 'class'");
	expect_error("rule X Y\n", "t.rules:1: rule needs one id");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tword a, , b\n",
		     "t.rules:4: empty phrase in list");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tword \"a, b\n",
		     "t.rules:4: unterminated quote");
	expect_error("class c\n\tcommodity kosmetik\n\tsource s\n\tregex a+\n",
		     "t.rules:4: class c: regex is not allowed here");
	expect_error("class c\n\tcommodity nope\n\tsource s\n\tword a\n",
		     "t.rules:2: unknown commodity 'nope'");
	expect_error("cues c\n\tkind sideways\n\tword a\n",
		     "t.rules:2: kind must be before, after or break");
	expect_error("cues c\n\tkind before stop nothing\n\tword a\n",
		     "t.rules:2: 'nothing' is not a break cue set");
	expect_error("list l\n\tsource s\n\tuse other\n",
		     "t.rules:3: a list cannot use another list");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tword ()\n",
		     "t.rules:4: '()' is empty once normalised");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tunless nothing a\n",
		     "t.rules:4: 'unless' wants word, prefix, regex or use");
	expect_error("rule x\n\tcode BKO\n\tsource s\n\tword a\0b\n", "");
}

/* Errors in one file leave nothing of it behind; several files check as
 * one set (a list defined in another file resolves). */
static void test_files_as_a_set(void **state)
{
	struct rules *r = rules_new();
	struct buf e = BUF_INIT;

	buf_init(&e, 0);
	assert_int_equal(rules_parse(r, "a.rules",
				     SLICE_LIT("list names\n\tsource s\n"
					       "\tword sildenafil\n"),
				     &e),
			 0);
	assert_int_equal(rules_parse(r, "b.rules",
				     SLICE_LIT("rule bad\n\tcode NOPE\n"), &e),
			 ERR_INPUT);
	assert_int_equal(rules_parse(r, "c.rules",
				     SLICE_LIT("rule bad\n\tcode BKO\n\tsource "
					       "s\n\tuse names\n"),
				     &e),
			 0);
	assert_non_null(strstr(e.p, "b.rules:2:"));
	buf_reset(&e);
	assert_int_equal(rules_compile(r, &e), 0);
	rules_free(r);
	buf_release(&e);
}

static void test_shipped_rules_compile(void **state)
{
	struct rules *r = rules_new();
	struct buf e = BUF_INIT;
	size_t nr, nc, np, ncomp, nph;

	buf_init(&e, 0);
	assert_int_equal(rules_load_dir(r, repo_path("data/rules"), &e), 0);
	if (rules_compile(r, &e))
		fail_msg("%s", e.p);
	rules_counts(r, &nr, &nc, &np, &ncomp, &nph);
	assert_true(ncomp <= np);
	assert_true(nr >= 30);
	assert_true(nc >= 8);
	assert_true(np >= 300);
	rules_free(r);
	buf_release(&e);
}

/* ---- engine semantics on inline rules ------------------------------------ */

struct hits {
	char ids[512];
	char snippet[128];
};

static void on_hit(void *arg, const struct rules_hit *h)
{
	struct hits *x = arg;
	size_t n = strlen(x->ids);

	snprintf(x->ids + n, sizeof(x->ids) - n, "%s%s", n ? " " : "", h->id);
}

/* Run `rules` over normalised `text` (one text field) as commodity c and
 * return the ids that fire. */
static char *fire(const char *rules, const char *text, enum commodity c)
{
	struct rules *r = rules_new();
	struct buf e = BUF_INIT;
	struct rules_scratch *s;
	struct hits h = {0};
	char *t = norm_string(text, NORM_DETECT);

	buf_init(&e, 0);
	if (rules_parse(r, "t.rules", slice_from(rules), &e) ||
	    rules_compile(r, &e))
		fail_msg("%s", e.p);
	s = rules_scratch_new(r);
	assert_int_equal(rules_scan(r, s, t, strlen(t), NULL, 0), 0);
	rules_eval(r, s, c, on_hit, &h);
	rules_scratch_free(s);
	rules_free(r);
	buf_release(&e);
	free(t);
	return xstrdup(h.ids);
}

static void expect_fire(const char *rules, const char *text, enum commodity c,
			const char *want)
{
	char *got = fire(rules, text, c);

	if (strcmp(got, want))
		fail_msg("on \"%s\": fired \"%s\", want \"%s\"", text, got,
			 want);
	free(got);
}

static const char *R =
	"cues neg\n"
	"\tsource s\n"
	"\tkind before window 4 commas yes default yes stop brk\n"
	"\tword tidak mengandung, bebas, tanpa\n"
	"cues post\n"
	"\tsource s\n"
	"\tkind after window 1 default yes\n"
	"\tword free\n"
	"cues brk\n"
	"\tsource s\n"
	"\tkind break\n"
	"\tword mengandung, plus\n"
	"rule hg\n"
	"\tcode BANNED_INGREDIENT\n"
	"\tscope kosmetik\n"
	"\tsource s\n"
	"\tprefix merkuri\n"
	"\tword hg\n"
	"rule sil\n"
	"\tcode BKO\n"
	"\tscope obat_tradisional pangan\n"
	"\tsource s\n"
	"\tword sildenafil\n"
	"rule title.only\n"
	"\tcode ILLEGAL_CLAIM\n"
	"\tscope pangan\n"
	"\tsource s\n"
	"\tfield title\n"
	"\tword kuat\n"
	"rule dmp\n"
	"\tcode PRESCRIPTION_DRUG\n"
	"\tscope obat\n"
	"\tsource s\n"
	"\tword dmp\n"
	"\tunless word parasetamol\n"
	"\tnegate none\n"
	"rule needs\n"
	"\tcode ILLEGAL_CLAIM\n"
	"\tscope pangan\n"
	"\tsource s\n"
	"\tword ampuh\n"
	"\twith word kopi\n"
	"rule instant\n"
	"\tcode ILLEGAL_CLAIM\n"
	"\tscope pangan\n"
	"\tsource s\n"
	"\tregex \\breaksi [0-9]+ ?menit\\b\n";

static void test_engine(void **state)
{
	/* word boundaries and prefix */
	expect_fire(R, "krim mengandung merkurinya", COM_KOSMETIK, "hg");
	expect_fire(R, "krim hgx", COM_KOSMETIK, "");
	expect_fire(R, "krim (Hg) murah", COM_KOSMETIK, "hg");
	expect_fire(R, "xsildenafil", COM_PANGAN, "");
	/* scope: never for other, only the listed commodities */
	expect_fire(R, "merkuri", COM_OTHER, "");
	expect_fire(R, "merkuri", COM_PANGAN, "");
	expect_fire(R, "sildenafil", COM_OBAT_TRADISIONAL, "sil");
	/* negation before, with a list after commas */
	expect_fire(R, "tidak mengandung merkuri", COM_KOSMETIK, "");
	expect_fire(R, "bebas parabens, alkohol, Hg", COM_KOSMETIK, "");
	/* window: too far */
	expect_fire(R, "tanpa satu dua tiga empat lima merkuri", COM_KOSMETIK,
		    "hg");
	/* sentence boundary */
	expect_fire(R, "tanpa pewarna. merkuri 1%", COM_KOSMETIK, "hg");
	expect_fire(R, "tanpa pewarna\nmerkuri 1%", COM_KOSMETIK, "hg");
	/* break word */
	expect_fire(R, "tanpa pengawet mengandung merkuri", COM_KOSMETIK, "hg");
	expect_fire(R, "bebas gula plus sildenafil", COM_PANGAN, "sil");
	/* negation after */
	expect_fire(R, "merkuri free", COM_KOSMETIK, "");
	expect_fire(R, "merkuri, free ongkir", COM_KOSMETIK, "hg");
	/* a later unnegated mention still fires */
	expect_fire(R, "bebas merkuri? bohong, ada merkuri", COM_KOSMETIK,
		    "hg");
	/* unless / with / negate none */
	expect_fire(R, "dmp 15 mg", COM_OBAT, "dmp");
	expect_fire(R, "dmp 15 mg dan parasetamol", COM_OBAT, "");
	expect_fire(R, "tanpa dmp", COM_OBAT, "dmp");
	expect_fire(R, "teh ampuh", COM_PANGAN, "");
	expect_fire(R, "kopi ampuh", COM_PANGAN, "needs");
	/* regex: start found for negation ("tanpa" right before it) */
	expect_fire(R, "tanpa reaksi 5 menit", COM_PANGAN, "");
	expect_fire(R, "reaksi 5 menit", COM_PANGAN, "instant");
	/* evasion through normalisation */
	expect_fire(R, "s i l d e n a f i l", COM_PANGAN, "sil");
	expect_fire(R, "S1LDENAF1L", COM_PANGAN, "sil");
}

static void test_fields_and_snippets(void **state)
{
	struct rules *r = rules_new();
	struct buf e = BUF_INIT;
	struct detector *d;
	struct detect_result res;
	struct detect_opts o = {.now_ms = JUNE_2026};
	const char *title = "Permen KUAT";
	const char *desc = "rasa jeruk, kuat sekali, s.i.l.d.e.n.a.f.i.l, "
			   "REAKSI 15 Menit!";
	struct detect_field f[] = {
		{"title", title, strlen(title)},
		{"description", desc, strlen(desc)},
	};

	buf_init(&e, 0);
	assert_int_equal(rules_parse(r, "t.rules", slice_from(R), &e), 0);
	assert_int_equal(rules_parse(r, "c.rules",
				     SLICE_LIT("class food\n\tcommodity pangan"
					       "\n\tsource s\n\tword permen\n"),
				     &e),
			 0);
	assert_int_equal(rules_compile(r, &e), 0);
	d = detector_new(r);
	assert_int_equal(detect_listing(d, f, 2, &o, &res), 0);
	assert_int_equal(res.commodity, COM_PANGAN);
	assert_true(res.codes & (1u << V_ILLEGAL_CLAIM));
	assert_true(res.codes & (1u << V_BKO));
	assert_true(res.codes & (1u << V_NO_NIE));
	for (size_t i = 0; i < res.nreasons; i++) {
		const struct detect_reason *x = &res.reasons[i];
		if (!strcmp(x->rule, "title.only")) {
			/* the title's match, as written */
			assert_int_equal(x->field, 0);
			assert_string_equal(x->snippet, "KUAT");
			assert_int_equal(x->off, 7);
		}
		if (!strcmp(x->rule, "instant")) {
			/* a regex match: its start recovered with PCRE2 */
			assert_int_equal(x->field, 1);
			assert_string_equal(x->snippet, "REAKSI 15 Menit");
		}
		if (!strcmp(x->rule, "sil")) {
			assert_int_equal(x->field, 1);
			assert_string_equal(x->snippet, "s.i.l.d.e.n.a.f.i.l");
			assert_int_equal(x->off, 25);
		}
	}
	assert_true(res.risk > 50 && res.risk <= 100);
	/* an empty listing is fine */
	assert_int_equal(detect_listing(d, NULL, 0, &o, &res), 0);
	assert_int_equal(res.codes, 0);
	assert_int_equal(res.commodity, COM_OTHER);
	detector_free(d);
	rules_free(r);
	buf_release(&e);
}

/* A page repeating one word a million times is capped, not flooded, and
 * a rarer word after it is still found. */
static void test_flood(void **state)
{
	struct rules *r = rules_new();
	struct buf e = BUF_INIT;
	struct rules_scratch *s;
	struct hits h = {0};
	struct buf t = BUF_INIT;

	buf_init(&e, 0);
	buf_init(&t, 0);
	for (int i = 0; i < 200000; i++)
		buf_puts(&t, "hg ");
	buf_puts(&t, "sildenafil");
	assert_int_equal(rules_parse(r, "t.rules", slice_from(R), &e), 0);
	assert_int_equal(rules_compile(r, &e), 0);
	s = rules_scratch_new(r);
	assert_int_equal(rules_scan(r, s, t.p, t.len, NULL, 0), 0);
	assert_true(rules_scan_truncated(s));
	rules_eval(r, s, COM_PANGAN, on_hit, &h);
	assert_string_equal(h.ids, "sil");
	rules_scratch_free(s);
	rules_free(r);
	buf_release(&e);
	buf_release(&t);
}

/* ---- declarative cases -----------------------------------------------------
 */

struct world {
	char dir[64];
	struct store *st;
	struct rules *r;
	struct detector *d;
};

static int world_setup(void **state)
{
	struct world *w = xcalloc(1, sizeof(*w));
	struct registry_import_stats s;
	struct buf e = BUF_INIT;
	char db[96];

	snprintf(w->dir, sizeof(w->dir), "/tmp/test_rules.XXXXXX");
	if (!mkdtemp(w->dir))
		return -1;
	snprintf(db, sizeof(db), "%s/t.db", w->dir);
	if (store_open(db, &w->st) ||
	    registry_import_file(w->st, repo_path("tests/nie/registry.csv"),
				 stderr, 0, &s))
		return -1;
	buf_init(&e, 0);
	w->r = rules_new();
	if (rules_load_dir(w->r, repo_path("data/rules"), &e) ||
	    rules_compile(w->r, &e)) {
		fprintf(stderr, "%s", e.p);
		return -1;
	}
	buf_release(&e);
	w->d = detector_new(w->r);
	*state = w;
	return 0;
}

static int world_teardown(void **state)
{
	struct world *w = *state;
	char cmd[128];

	detector_free(w->d);
	rules_free(w->r);
	store_close(w->st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", w->dir);
	if (system(cmd))
		return -1;
	free(w);
	return 0;
}

struct tcase {
	char name[128];
	int line;
	struct detect_field f[16];
	size_t nf;
	char expect[256];
	char commodity[32];
	char rule[256];
	char not_rule[256];
	bool has_expect;
};

/* Next space-separated word of *p into w (NUL-terminated); false at the
 * end. */
static bool next_word(const char **p, char *w, size_t n)
{
	size_t k = 0;

	while (**p == ' ')
		(*p)++;
	if (!**p)
		return false;
	while (**p && **p != ' ') {
		if (k + 1 < n)
			w[k++] = **p;
		(*p)++;
	}
	w[k] = '\0';
	return true;
}

static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return true;
	return false;
}

/* Run one case; returns the number of failures (printed). */
static int run_case(struct world *w, const char *file, struct tcase *c)
{
	struct detect_opts o = {detect_store_lookup, w->st, JUNE_2026};
	struct detect_result res;
	char got[256] = "", reasons[1024] = "";
	int bad = 0;

	if (detect_listing(w->d, c->f, c->nf, &o, &res)) {
		print_error("%s:%d: %s: detect failed\n", file, c->line,
			    c->name);
		return 1;
	}
	for (int k = 0; k < V__COUNT; k++)
		if (res.codes & (1u << k)) {
			size_t n = strlen(got);
			snprintf(got + n, sizeof(got) - n, "%s%s", n ? " " : "",
				 vcode_name((enum vcode)k));
		}
	for (size_t i = 0; i < res.nreasons; i++) {
		size_t n = strlen(reasons);
		snprintf(reasons + n, sizeof(reasons) - n, "%s%s", n ? " " : "",
			 res.reasons[i].rule);
	}
	/* expected codes: same set, any order */
	{
		const char *want = strcmp(c->expect, "none") ? c->expect : "";
		const char *q = want;
		char t[64];
		int nw = 0, ng = 0;
		bool same = true;
		while (next_word(&q, t, sizeof(t))) {
			same = same && has_word(got, t);
			nw++;
		}
		q = got;
		while (next_word(&q, t, sizeof(t)))
			ng++;
		if (!same || nw != ng) {
			print_error("%s:%d: %s: codes [%s], want [%s] "
				    "(reasons: %s)\n",
				    file, c->line, c->name, got, c->expect,
				    reasons);
			bad++;
		}
	}
	if (c->commodity[0] &&
	    strcmp(c->commodity, commodity_name(res.commodity))) {
		print_error("%s:%d: %s: commodity %s, want %s\n", file, c->line,
			    c->name, commodity_name(res.commodity),
			    c->commodity);
		bad++;
	}
	{
		const char *q = c->rule;
		char t[64];
		while (next_word(&q, t, sizeof(t)))
			if (!has_word(reasons, t)) {
				print_error("%s:%d: %s: rule %s did not fire "
					    "(reasons: %s)\n",
					    file, c->line, c->name, t, reasons);
				bad++;
			}
		q = c->not_rule;
		while (next_word(&q, t, sizeof(t)))
			if (has_word(reasons, t)) {
				print_error("%s:%d: %s: rule %s fired\n", file,
					    c->line, c->name, t);
				bad++;
			}
	}
	return bad;
}

static int run_file(struct world *w, const char *path, int *ncases)
{
	struct buf b = BUF_INIT;
	struct tcase c;
	int bad = 0, line = 0;
	bool open_case = false;
	char *p, *end;

	buf_init(&b, 1 << 20);
	if (buf_read_file(&b, path)) {
		print_error("%s: cannot read\n", path);
		return 1;
	}
	for (p = b.p;; p = end + 1) {
		end = strchr(p, '\n');
		if (end)
			*end = '\0';
		line++;
		if (!strncmp(p, "== ", 3) || !end) {
			if (open_case) {
				if (!c.has_expect) {
					print_error("%s:%d: %s: no expect\n",
						    path, c.line, c.name);
					bad++;
				} else {
					bad += run_case(w, path, &c);
				}
				(*ncases)++;
				for (size_t i = 0; i < c.nf; i++) {
					free((char *)c.f[i].name);
					free((char *)c.f[i].text);
				}
			}
			open_case = false;
			if (!end)
				break;
			memset(&c, 0, sizeof(c));
			snprintf(c.name, sizeof(c.name), "%s", p + 3);
			c.line = line;
			open_case = true;
			continue;
		}
		if (!*p || *p == '#' || !open_case)
			continue;
		char *colon = strchr(p, ':');
		if (!colon) {
			print_error("%s:%d: no ':'\n", path, line);
			bad++;
			continue;
		}
		*colon = '\0';
		char *v = colon + 1;
		while (*v == ' ')
			v++;
		if (!strcmp(p, "expect")) {
			snprintf(c.expect, sizeof(c.expect), "%s", v);
			c.has_expect = true;
		} else if (!strcmp(p, "commodity")) {
			snprintf(c.commodity, sizeof(c.commodity), "%s", v);
		} else if (!strcmp(p, "rule")) {
			snprintf(c.rule, sizeof(c.rule), "%s", v);
		} else if (!strcmp(p, "not-rule")) {
			snprintf(c.not_rule, sizeof(c.not_rule), "%s", v);
		} else if (c.nf < ARRAY_LEN(c.f)) {
			c.f[c.nf].name = xstrdup(p);
			c.f[c.nf].text = xstrdup(v);
			c.f[c.nf].len = strlen(v);
			c.nf++;
		}
	}
	buf_release(&b);
	return bad;
}

static void test_cases(void **state)
{
	struct world *w = *state;
	char rdir[4096];
	DIR *dir;
	struct dirent *de;
	int bad = 0, n = 0;

	snprintf(rdir, sizeof(rdir), "%s", repo_path("tests/rules"));
	dir = opendir(rdir);

	assert_non_null(dir);
	while ((de = readdir(dir))) {
		size_t l = strlen(de->d_name);
		char path[8192];
		if (l < 7 || strcmp(de->d_name + l - 6, ".cases"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", rdir, de->d_name);
		bad += run_file(w, path, &n);
	}
	closedir(dir);
	assert_true(n >= 40);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_files_as_a_set),
		cmocka_unit_test(test_shipped_rules_compile),
		cmocka_unit_test(test_engine),
		cmocka_unit_test(test_fields_and_snippets),
		cmocka_unit_test(test_flood),
		cmocka_unit_test_setup_teardown(test_cases, world_setup,
						world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
