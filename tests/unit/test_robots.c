/*
 * test_robots.c - the robots.txt module (src/crawl/robots.h) against
 * RFC 9309: its examples, its matching rules, the fetch-outcome policy
 * and the limits that keep hostile files cheap.
 *
 * Each test states the RFC behaviour it pins down.  Inputs are inline so
 * the tests never depend on files outside tests/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/base.h"
#include "crawl/robots.h"

/* ---- helpers ------------------------------------------------------------- */

static bool allowed_n(const char *txt, size_t len, const char *agent,
		      const char *path)
{
	struct robots *r = robots_parse(txt, len);
	bool ok = robots_allowed(r, agent, path, NULL);

	robots_free(r);
	return ok;
}

static bool allowed(const char *txt, const char *agent, const char *path)
{
	return allowed_n(txt, strlen(txt), agent, path);
}

#define ALLOWED(txt, agent, path)    assert_true(allowed(txt, agent, path))
#define DISALLOWED(txt, agent, path) assert_false(allowed(txt, agent, path))

/* The describe() line for one query: what `patroli robots test` prints. */
static char *describe(const char *txt, const char *agent, const char *path)
{
	struct robots *r = robots_parse(txt, strlen(txt));
	struct robots_verdict v;
	struct buf out = BUF_INIT;

	buf_init(&out, 0);
	robots_allowed(r, agent, path, &v);
	robots_verdict_describe(&v, &out);
	robots_free(r);
	return buf_detach(&out, NULL);
}

static void assert_describe(const char *txt, const char *agent,
			    const char *path, const char *want)
{
	char *got = describe(txt, agent, path);

	assert_string_equal(got, want);
	free(got);
}

/* ---- RFC 9309 section 2.2.1: groups and user agents ---------------------- */

/* Figure 2: two groups naming the same product token are combined. */
static void test_rfc_merge_groups(void **state)
{
	const char *txt = "user-agent: ExampleBot\n"
			  "disallow: /foo\n"
			  "disallow: /bar\n"
			  "\n"
			  "user-agent: ExampleBot\n"
			  "disallow: /baz\n";

	(void)state;
	DISALLOWED(txt, "ExampleBot", "/foo");
	DISALLOWED(txt, "ExampleBot", "/bar");
	DISALLOWED(txt, "ExampleBot", "/baz");
	ALLOWED(txt, "ExampleBot", "/qux");
}

/* Merging also picks up groups far apart and rules of either group can
 * win on length: the merged group is evaluated as one. */
static void test_merge_longest_across_groups(void **state)
{
	const char *txt = "User-agent: patroli\n"
			  "Disallow: /shop/\n"
			  "User-agent: other\n"
			  "Disallow: /\n"
			  "User-agent: PATROLI\n"
			  "Allow: /shop/public/\n";

	(void)state;
	DISALLOWED(txt, "patroli", "/shop/cart");
	ALLOWED(txt, "patroli", "/shop/public/x");
	ALLOWED(txt, "patroli", "/elsewhere");
	assert_describe(txt, "patroli", "/shop/public/x",
			"allowed by line 6: Allow: /shop/public/");
}

/* Figure 3: with no group for the agent, the "*" group applies, and the
 * groups of other agents do not. */
static void test_rfc_star_fallback(void **state)
{
	const char *txt = "user-agent: *\n"
			  "disallow: /foo\n"
			  "disallow: /bar\n"
			  "\n"
			  "user-agent: BazBot\n"
			  "disallow: /baz\n";

	(void)state;
	DISALLOWED(txt, "ExampleBot", "/foo");
	DISALLOWED(txt, "ExampleBot", "/bar");
	ALLOWED(txt, "ExampleBot", "/baz");
	DISALLOWED(txt, "BazBot", "/baz");
	ALLOWED(txt, "BazBot", "/foo"); /* its own group replaces "*" */
}

/* No matching group and no "*" group, or no groups at all: no rules. */
static void test_rfc_no_group_no_rules(void **state)
{
	(void)state;
	ALLOWED("user-agent: BazBot\ndisallow: /\n", "patroli", "/x");
	ALLOWED("", "patroli", "/x");
	ALLOWED("# nothing but a comment\n", "patroli", "/");
}

/* Product tokens match case-insensitively, both ways round. */
static void test_agent_case_insensitive(void **state)
{
	const char *txt = "User-Agent: PaTrOlI\nDisallow: /x\n"
			  "User-agent: *\nDisallow: /\n";

	(void)state;
	DISALLOWED(txt, "patroli", "/x");
	ALLOWED(txt, "patroli", "/y");
	DISALLOWED(txt, "PATROLI", "/x");
	ALLOWED(txt, "PATROLI", "/y");
	/* the agent is a token, not a substring or a prefix */
	DISALLOWED(txt, "patrol", "/y");
	DISALLOWED(txt, "patroli-beta", "/y");
}

/* The token of a user-agent line is its leading run of letters, '_' and
 * '-' (the RFC grammar), so a version or comment after it is ignored. */
static void test_agent_token_prefix(void **state)
{
	(void)state;
	DISALLOWED("User-agent: patroli/1.0\nDisallow: /\n", "patroli", "/a");
	DISALLOWED("User-agent: patroli (BPOM)\nDisallow: /\n", "patroli",
		   "/a");
	/* "XYZ123bot" names "XYZ", so XYZ123bot itself is not named */
	DISALLOWED("User-agent: XYZ123bot\nDisallow: /\n", "XYZ", "/a");
	ALLOWED("User-agent: XYZ123bot\nDisallow: /\n", "XYZ123bot", "/a");
	/* "*bot" is neither "*" nor a token */
	ALLOWED("User-agent: *bot\nDisallow: /\n", "patroli", "/a");
}

/* Consecutive user-agent lines share the group that follows, even with
 * blank lines, comments, sitemaps and unknown records between them. */
static void test_multi_agent_group(void **state)
{
	const char *txt = "User-agent: a\n"
			  "\n"
			  "# comment\n"
			  "Sitemap: https://example.com/s.xml\n"
			  "Unknown: value\n"
			  "User-agent: patroli\n"
			  "Disallow: /shared\n"
			  "User-agent: c\n"
			  "Disallow: /c-only\n";

	(void)state;
	DISALLOWED(txt, "a", "/shared");
	DISALLOWED(txt, "patroli", "/shared");
	ALLOWED(txt, "patroli", "/c-only");
	DISALLOWED(txt, "c", "/c-only");
	ALLOWED(txt, "c", "/shared");
}

/* A group whose only rule is an empty Disallow still claims the agent,
 * so the "*" group does not apply to it. */
static void test_empty_disallow(void **state)
{
	const char *txt = "User-agent: patroli\nDisallow:\n"
			  "User-agent: *\nDisallow: /\n";

	(void)state;
	ALLOWED(txt, "patroli", "/anything");
	assert_describe(txt, "patroli", "/anything",
			"allowed (no matching rule)");
	DISALLOWED(txt, "other", "/anything");
	/* an empty Allow does not allow anything either */
	DISALLOWED("User-agent: *\nAllow:\nDisallow: /\n", "x", "/a");
}

/* RFC 9309 2.2.2: rules before the first user-agent line are ignored. */
static void test_rules_outside_group(void **state)
{
	const char *txt = "Disallow: /early\n"
			  "User-agent: *\n"
			  "Disallow: /late\n";

	(void)state;
	ALLOWED(txt, "patroli", "/early");
	DISALLOWED(txt, "patroli", "/late");
}

/* ---- RFC 9309 section 2.2.2: allow, disallow, longest match -------------- */

static void test_longest_match(void **state)
{
	const char *txt = "User-agent: *\n"
			  "Disallow: /\n"
			  "Allow: /fish\n"
			  "Disallow: /fish/salmon\n"
			  "Allow: /fish/salmon/smoked\n";

	(void)state;
	DISALLOWED(txt, "patroli", "/bar");
	ALLOWED(txt, "patroli", "/fish");
	ALLOWED(txt, "patroli", "/fishheads");
	DISALLOWED(txt, "patroli", "/fish/salmon");
	DISALLOWED(txt, "patroli", "/fish/salmon/raw");
	ALLOWED(txt, "patroli", "/fish/salmon/smoked/x");
	DISALLOWED(txt, "patroli", "/Fish"); /* paths are case-sensitive */
	assert_describe(txt, "patroli", "/fish/salmon/raw",
			"disallowed by line 4: Disallow: /fish/salmon");
}

/* Order in the file does not matter, only length. */
static void test_longest_match_order_independent(void **state)
{
	(void)state;
	DISALLOWED("User-agent: *\nDisallow: /x/page.html\nAllow: /x/\n", "p",
		   "/x/page.html");
	DISALLOWED("User-agent: *\nAllow: /x/\nDisallow: /x/page.html\n", "p",
		   "/x/page.html");
}

/* RFC 9309 5.2: the longer Disallow beats the shorter Allow. */
static void test_rfc_example_longest(void **state)
{
	const char *txt = "User-Agent: foobot\n"
			  "Allow: /example/page/\n"
			  "Disallow: /example/page/disallowed.gif\n";

	(void)state;
	DISALLOWED(txt, "foobot", "/example/page/disallowed.gif");
	ALLOWED(txt, "foobot", "/example/page/other.gif");
}

/* Equivalent allow and disallow: allow wins (SHOULD), whatever the
 * order, both for identical patterns and for patterns of equal length. */
static void test_tie_allow_wins(void **state)
{
	(void)state;
	ALLOWED("User-agent: *\nDisallow: /page\nAllow: /page\n", "p", "/page");
	ALLOWED("User-agent: *\nAllow: /page\nDisallow: /page\n", "p", "/page");
	ALLOWED("User-agent: *\nDisallow: /pa*\nAllow: /p*e\n", "p", "/page");
	ALLOWED("User-agent: *\nDisallow: /\nAllow: /\n", "p", "/x");
	assert_describe("User-agent: *\nDisallow: /page\nAllow: /page\n", "p",
			"/page", "allowed by line 3: Allow: /page");
}

/* The query is part of what is matched. */
static void test_query_is_matched(void **state)
{
	const char *txt = "User-agent: *\nDisallow: /search?\n"
			  "Disallow: /*?sessionid=\n";

	(void)state;
	DISALLOWED(txt, "p", "/search?q=obat");
	ALLOWED(txt, "p", "/search");
	DISALLOWED(txt, "p", "/cart?sessionid=1");
	DISALLOWED(txt, "p", "/a/b?x=1?sessionid=2");
	ALLOWED(txt, "p", "/cart?session=1");
}

/* The crawler fetches /robots.txt without asking (RFC 9309 2.2.2); asked
 * about it, the rules answer as for any path (Google's compliance suite). */
static void test_robots_txt_judged_by_rules(void **state)
{
	struct robots *r = robots_from_status(503, NULL, 0);
	struct robots_verdict v;

	(void)state;
	DISALLOWED("User-agent: *\nDisallow: /\n", "patroli", "/robots.txt");
	ALLOWED("User-agent: *\nDisallow: /private\n", "patroli",
		"/robots.txt");
	assert_false(robots_allowed(r, "patroli", "/robots.txt", &v));
	assert_int_equal(v.reason, ROBOTS_FILE_UNREACHABLE);
	robots_free(r);
}

/* ---- RFC 9309 section 2.2.3: special characters -------------------------- */

static void test_rfc_special_characters(void **state)
{
	const char *txt = "User-agent: *\n"
			  "Disallow: /\n"
			  "allow: / # comment in line\n"
			  "# comment on its own line\n"
			  "allow: /this/path/exactly$\n"
			  "allow: /that/*/exactly\n";
	const char *dis = "User-agent: *\n"
			  "Disallow: /this/path/exactly$\n"
			  "Disallow: /that/*/exactly\n";

	(void)state;
	/* "# comment in line" is not part of the pattern */
	ALLOWED(txt, "p", "/x");
	DISALLOWED(dis, "p", "/this/path/exactly");
	ALLOWED(dis, "p", "/this/path/exactly/not");
	ALLOWED(dis, "p", "/this/path/exactl");
	DISALLOWED(dis, "p", "/that/a/b/exactly");
	DISALLOWED(dis, "p", "/that//exactly.html");
	ALLOWED(dis, "p", "/that/exactly");
}

/* Figure 6: %2A and %24 in a pattern match a literal * and $ in the URI,
 * while the unescaped characters are the wildcard and the anchor. */
static void test_rfc_escaped_specials(void **state)
{
	const char *txt = "User-agent: *\n"
			  "Disallow: /path/file-with-a-%2A.html\n"
			  "Disallow: /path/foo-%24\n";

	(void)state;
	DISALLOWED(txt, "p", "/path/file-with-a-*.html");
	DISALLOWED(txt, "p", "/path/file-with-a-%2a.html");
	ALLOWED(txt, "p", "/path/file-with-a-x.html");
	DISALLOWED(txt, "p", "/path/foo-$");
	DISALLOWED(txt, "p", "/path/foo-%24");
	ALLOWED(txt, "p", "/path/foo-");
	/* a '$' that does not end the pattern is literal */
	DISALLOWED("User-agent: *\nDisallow: /a$b\n", "p", "/a$b");
	ALLOWED("User-agent: *\nDisallow: /a$b\n", "p", "/a");
}

/* '$' anchors, '*' spans '/' and can be empty, matches start at '/'. */
static void test_wildcards(void **state)
{
	const char *txt = "User-agent: *\n"
			  "Disallow: /*.php$\n"
			  "Disallow: /fish*.gif\n"
			  "Disallow: *.pdf\n";

	(void)state;
	DISALLOWED(txt, "p", "/index.php");
	DISALLOWED(txt, "p", "/a/b/c.php");
	ALLOWED(txt, "p", "/index.php?x=1");
	ALLOWED(txt, "p", "/index.php5");
	DISALLOWED(txt, "p", "/fish.gif");
	DISALLOWED(txt, "p", "/fishy/thing.gif?x");
	ALLOWED(txt, "p", "/Fish.gif");
	DISALLOWED(txt, "p", "/docs/a.pdf");
	/* "/$" is the home page only */
	ALLOWED("User-agent: *\nDisallow: /\nAllow: /$\n", "p", "/");
	DISALLOWED("User-agent: *\nDisallow: /\nAllow: /$\n", "p", "/a");
}

/* A pattern such as "/x*a*a*...*b" must not backtrack exponentially (nor
 * even quadratically) over a long path that almost matches. */
static void test_pathological_wildcards_fast(void **state)
{
	struct buf txt = BUF_INIT, path = BUF_INIT;
	int64_t t0;
	bool ok;

	(void)state;
	buf_init(&txt, 0);
	buf_init(&path, 0);
	buf_puts(&txt, "User-agent: *\nDisallow: /");
	for (int i = 0; i < 60; i++)
		buf_puts(&txt, "*a");
	buf_puts(&txt, "*b\n");
	for (int i = 0; i < 200; i++) /* many rules, each hostile */
		buf_printf(&txt, "Disallow: /*a*a*a*a*a*a*a*a*c%d$\n", i);
	buf_putc(&path, '/');
	for (int i = 0; i < 100000; i++)
		buf_putc(&path, 'a');
	t0 = time_mono_ms();
	ok = allowed(txt.p, "p", path.p);
	assert_true(ok);
	/* the same pattern still matches when the 'b' is there */
	buf_putc(&path, 'b');
	assert_false(allowed(txt.p, "p", path.p));
	assert_true(time_mono_ms() - t0 < 2000);
	buf_release(&txt);
	buf_release(&path);
}

/* Reference matcher: textbook dynamic programming over (pattern, path)
 * prefixes.  Slow but obviously right; the real matcher must agree. */
static bool dp_match(const char *p, bool anchored, const char *s)
{
	size_t pn = strlen(p), sn = strlen(s);
	bool *row = xcalloc(sn + 1, sizeof(bool)), *next;
	bool res = false;

	row[0] = true; /* empty pattern matches empty prefix */
	for (size_t i = 0; i < pn; i++) {
		next = xcalloc(sn + 1, sizeof(bool));
		for (size_t j = 0; j <= sn; j++) {
			if (p[i] == '*')
				next[j] = row[j] || (j && next[j - 1]);
			else
				next[j] = j && row[j - 1] && s[j - 1] == p[i];
		}
		free(row);
		row = next;
	}
	for (size_t j = 0; j <= sn; j++)
		if (row[j] && (!anchored || j == sn))
			res = true;
	free(row);
	return res;
}

static void test_wildcard_matches_reference(void **state)
{
	unsigned seed = 12345;

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		char pat[16], path[20], txt[64];
		size_t pn, sn;
		bool anchored;

		seed = seed * 1103515245 + 12345;
		pn = 1 + (seed >> 16) % 10;
		sn = 1 + (seed >> 8) % 14;
		anchored = seed & 1;
		pat[0] = path[0] = '/';
		for (size_t i = 1; i < pn; i++) {
			seed = seed * 1103515245 + 12345;
			pat[i] = "ab*"[(seed >> 16) % 3];
		}
		pat[pn] = '\0';
		for (size_t i = 1; i < sn; i++) {
			seed = seed * 1103515245 + 12345;
			path[i] = "ab"[(seed >> 16) % 2];
		}
		path[sn] = '\0';
		snprintf(txt, sizeof(txt), "User-agent: *\nDisallow: %s%s\n",
			 pat, anchored ? "$" : "");
		if (allowed(txt, "p", path) == dp_match(pat, anchored, path))
			print_error("pattern %s%s path %s\n", pat,
				    anchored ? "$" : "", path);
		assert_true(allowed(txt, "p", path) !=
			    dp_match(pat, anchored, path));
	}
}

/* ---- percent-encoding (RFC 9309 2.2.2, figure 4) --------------------------
 */

static void test_percent_encoding(void **state)
{
	(void)state;
	/* hex case does not matter */
	DISALLOWED("User-agent: *\nDisallow: /a%2fb\n", "p", "/a%2Fb");
	DISALLOWED("User-agent: *\nDisallow: /a%2Fb\n", "p", "/a%2fb");
	/* an escaped reserved character is not the character itself */
	ALLOWED("User-agent: *\nDisallow: /a%2Fb\n", "p", "/a/b");
	ALLOWED("User-agent: *\nDisallow: /a/b\n", "p", "/a%2Fb");
	/* escapes are compared as escapes, never decoded (the compliance
	 * suite's reading; the crawler's canonical URLs decode unreserved
	 * escapes before asking, so "/%7Ejoe" arrives as "/~joe") */
	ALLOWED("User-agent: *\nDisallow: /~joe/\n", "p", "/%7Ejoe/x");
	ALLOWED("User-agent: *\nDisallow: /%7ejoe/\n", "p", "/~joe/x");
	ALLOWED("User-agent: *\nDisallow: /foo/bar/%62%61%7A\n", "p",
		"/foo/bar/baz");
	DISALLOWED("User-agent: *\nDisallow: /foo/bar/%62%61%7A\n", "p",
		   "/foo/bar/%62%61%7a");
	/* a stray percent sign is a literal one */
	DISALLOWED("User-agent: *\nDisallow: /100%\n", "p", "/100%25");
	DISALLOWED("User-agent: *\nDisallow: /100%25\n", "p", "/100%");
	ALLOWED("User-agent: *\nDisallow: /100%\n", "p", "/100");
}

/* Non-ASCII octets in a rule are compared percent-encoded, so a UTF-8
 * pattern matches the encoded URI the crawler asks with; a raw UTF-8 path
 * is compared raw (as the compliance suite expects), and invalid UTF-8
 * simply compares byte for byte. */
static void test_utf8_paths(void **state)
{
	const char *raw = "User-agent: *\nDisallow: /\n"
			  "Allow: /foo/bar/\xe3\x83\x84\n";
	const char *enc = "User-agent: *\nDisallow: /\n"
			  "Allow: /foo/bar/%E3%83%84\n";

	(void)state;
	ALLOWED(raw, "p", "/foo/bar/%E3%83%84");
	ALLOWED(raw, "p", "/foo/bar/%e3%83%84");
	DISALLOWED(raw, "p", "/foo/bar/\xe3\x83\x84");
	ALLOWED(enc, "p", "/foo/bar/%E3%83%84");
	DISALLOWED(enc, "p", "/foo/bar/\xe3\x83\x84");
	DISALLOWED(enc, "p", "/foo/bar/%E3%83");
	DISALLOWED("User-agent: *\nDisallow: /produk/\xff\xfe\n", "p",
		   "/produk/%FF%FEx");
	/* Indonesian product pages with UTF-8 names */
	DISALLOWED("User-agent: *\nDisallow: /obat/jamu-\xc3\xa9\n", "p",
		   "/obat/jamu-%C3%A9/detail");
}

/* ---- parsing robustness ---------------------------------------------------
 */

static void test_line_endings(void **state)
{
	const char *lf = "User-agent: *\nAllow: /a\nDisallow: /\n";
	const char *crlf = "User-agent: *\r\nAllow: /a\r\nDisallow: /\r\n";
	const char *cr = "User-agent: *\rAllow: /a\rDisallow: /\r";
	const char *mixed = "User-agent: *\r\n\r\rAllow: /a\nDisallow: /";

	(void)state;
	ALLOWED(lf, "p", "/a");
	DISALLOWED(lf, "p", "/b");
	ALLOWED(crlf, "p", "/a");
	DISALLOWED(crlf, "p", "/b");
	ALLOWED(cr, "p", "/a");
	DISALLOWED(cr, "p", "/b");
	ALLOWED(mixed, "p", "/a");
	DISALLOWED(mixed, "p", "/b");
	/* line numbers count each CR, LF or CRLF once */
	assert_describe(cr, "p", "/b", "disallowed by line 3: Disallow: /");
	assert_describe(crlf, "p", "/b", "disallowed by line 3: Disallow: /");
	assert_describe(mixed, "p", "/b", "disallowed by line 5: Disallow: /");
}

/* A UTF-8 BOM (or the start of one) before the first line is skipped;
 * anywhere else it is just bytes that spoil the line. */
static void test_bom(void **state)
{
	(void)state;
	DISALLOWED("\xef\xbb\xbfUser-agent: *\nDisallow: /\n", "p", "/x");
	DISALLOWED("\xef\xbbUser-agent: *\nDisallow: /\n", "p", "/x");
	DISALLOWED("\xefUser-agent: *\nDisallow: /\n", "p", "/x");
	ALLOWED("\xef\x11\xbfUser-agent: *\nDisallow: /\n", "p", "/x");
	ALLOWED("User-agent: *\n\xef\xbb\xbf"
		"Disallow: /\n",
		"p", "/x");
}

/* Case-insensitive keys, optional spaces around the colon, lines without
 * a colon, unknown keys, NUL and invalid bytes: all tolerated, and the
 * parseable rules still apply. */
static void test_tolerant_parsing(void **state)
{
	static const char txt[] = "USER-AGENT : *\n"
				  "<br />\n"
				  "Disallow /no-colon\n"
				  "Noindex: /x\n"
				  "\xff\xfe\x00garbage\x01: \x02\n"
				  "dIsAlLoW\t:\t/private/\t# why\n"
				  "Allow:/private/ok\n";

	(void)state;
	assert_true(allowed_n(txt, sizeof(txt) - 1, "p", "/no-colon"));
	assert_false(allowed_n(txt, sizeof(txt) - 1, "p", "/private/x"));
	assert_true(allowed_n(txt, sizeof(txt) - 1, "p", "/private/ok"));
	assert_true(allowed_n(txt, sizeof(txt) - 1, "p", "/x"));
}

/* The rule text in a verdict is printable even for hostile input. */
static void test_verdict_text_sanitised(void **state)
{
	static const char txt[] = "User-agent: *\nDisallow: /a\x01\x1b[2J\n";
	struct robots *r = robots_parse(txt, sizeof(txt) - 1);
	struct robots_verdict v;

	(void)state;
	assert_false(robots_allowed(r, "p", "/a\x01\x1b[2J/x", &v));
	assert_int_equal(v.reason, ROBOTS_BY_RULE);
	assert_int_equal(v.line, 2);
	assert_string_equal(v.rule, "Disallow: /a%01%1B[2J");
	robots_free(r);
}

/* Only the first 500 KiB are parsed: a rule after the limit, or cut by
 * it, is not applied; one wholly inside it is. */
static void test_size_limit(void **state)
{
	struct buf b = BUF_INIT;
	const char *late = "Disallow: /late\n";
	size_t fill;

	(void)state;
	buf_init(&b, 0);
	buf_puts(&b, "User-agent: *\n");
	while (b.len < ROBOTS_MAX_BYTES - 100)
		buf_puts(&b, "# filler filler filler filler filler\n");
	buf_puts(&b, "Disallow: /inside\n");
	/* Pad so that the limit falls just after "Disallow: /" of the next
	 * line: parsed, the cut line would disallow everything. */
	fill = ROBOTS_MAX_BYTES - strlen("Disallow: /") - b.len;
	for (size_t i = 0; i < fill; i++)
		buf_putc(&b, i + 1 == fill ? '\n' : '#');
	buf_puts(&b, "Disallow: /cut-here\n");
	buf_puts(&b, late);
	assert_true(b.len > ROBOTS_MAX_BYTES);
	assert_false(allowed_n(b.p, b.len, "p", "/inside"));
	assert_true(allowed_n(b.p, b.len, "p", "/other"));
	assert_true(allowed_n(b.p, b.len, "p", "/cut-here"));
	assert_true(allowed_n(b.p, b.len, "p", "/late"));
	/* the same rules below the limit are applied */
	assert_false(allowed("User-agent: *\nDisallow: /late\n", "p", "/late"));
	buf_release(&b);
}

/* ---- fetch outcome policy (RFC 9309 2.3.1) --------------------------------
 */

static void check_status(int status, bool want, enum robots_reason reason)
{
	struct robots *r = robots_from_status(status, NULL, 0);
	struct robots_verdict v;

	assert_int_equal(robots_allowed(r, "patroli", "/any", &v), want);
	assert_int_equal(v.reason, reason);
	assert_int_equal(v.status, status);
	assert_true(robots_crawl_delay(r, "patroli") == 0);
	robots_free(r);
}

static void test_status_policy(void **state)
{
	const char *body = "User-agent: *\nDisallow: /any\n";
	struct robots *r;

	(void)state;
	/* 4xx: unavailable, everything allowed */
	check_status(400, true, ROBOTS_FILE_UNAVAILABLE);
	check_status(401, true, ROBOTS_FILE_UNAVAILABLE);
	check_status(403, true, ROBOTS_FILE_UNAVAILABLE);
	check_status(404, true, ROBOTS_FILE_UNAVAILABLE);
	check_status(410, true, ROBOTS_FILE_UNAVAILABLE);
	/* redirects the crawler gave up on: unavailable too */
	check_status(301, true, ROBOTS_FILE_UNAVAILABLE);
	/* 5xx, no answer, rate limiting: complete disallow */
	check_status(500, false, ROBOTS_FILE_UNREACHABLE);
	check_status(503, false, ROBOTS_FILE_UNREACHABLE);
	check_status(ROBOTS_UNREACHABLE, false, ROBOTS_FILE_UNREACHABLE);
	check_status(429, false, ROBOTS_FILE_UNREACHABLE);
	check_status(-1, false, ROBOTS_FILE_UNREACHABLE);
	check_status(999, false, ROBOTS_FILE_UNREACHABLE);
	/* 2xx: the body is parsed and obeyed */
	r = robots_from_status(200, body, strlen(body));
	assert_false(robots_allowed(r, "patroli", "/any", NULL));
	assert_true(robots_allowed(r, "patroli", "/other", NULL));
	robots_free(r);
	r = robots_from_status(204, NULL, 0);
	assert_true(robots_allowed(r, "patroli", "/any", NULL));
	robots_free(r);
}

static void test_describe_status(void **state)
{
	struct robots *r = robots_from_status(404, NULL, 0);
	struct robots_verdict v;
	struct buf out = BUF_INIT;

	(void)state;
	buf_init(&out, 0);
	robots_allowed(r, "patroli", "/x", &v);
	robots_verdict_describe(&v, &out);
	assert_string_equal(out.p,
			    "allowed (robots.txt unavailable, HTTP 404)");
	robots_free(r);
	buf_reset(&out);
	r = robots_from_status(ROBOTS_UNREACHABLE, NULL, 0);
	robots_allowed(r, "patroli", "/x", &v);
	robots_verdict_describe(&v, &out);
	assert_string_equal(out.p, "disallowed (robots.txt unreachable)");
	robots_free(r);
	buf_release(&out);
	assert_describe("User-agent: *\nDisallow: /\n", "p", "/robots.txt",
			"disallowed by line 2: Disallow: /");
}

/* ---- RFC 9309 section 5.1: the example file -------------------------------
 */

static void test_rfc_example_file(void **state)
{
	const char *txt = "User-Agent: *\n"
			  "Disallow: *.gif$\n"
			  "Disallow: /example/\n"
			  "Allow: /publications/\n"
			  "\n"
			  "User-Agent: foobot\n"
			  "Disallow:/\n"
			  "Allow:/example/page.html\n"
			  "Allow:/example/allowed.gif\n"
			  "\n"
			  "User-Agent: barbot\n"
			  "User-Agent: bazbot\n"
			  "Disallow: /example/page.html\n"
			  "\n"
			  "User-Agent: quxbot\n"
			  "\n"
			  "EOF\n";

	(void)state;
	/* "*": /publications/ allowed, /example/ and any .gif disallowed */
	ALLOWED(txt, "otherbot", "/publications/report.html");
	DISALLOWED(txt, "otherbot", "/example/x.html");
	DISALLOWED(txt, "otherbot", "/images/logo.gif");
	/* ...except where a longer Allow wins: "/publications/" has more
	 * octets than "*.gif$" */
	ALLOWED(txt, "otherbot", "/publications/cover.gif");
	ALLOWED(txt, "otherbot", "/images/logo.gif?v=2");
	ALLOWED(txt, "otherbot", "/index.html");
	/* foobot: only the two allowed prefixes */
	ALLOWED(txt, "foobot", "/example/page.html");
	ALLOWED(txt, "foobot", "/example/allowed.gif");
	DISALLOWED(txt, "foobot", "/example/other.html");
	DISALLOWED(txt, "foobot", "/publications/");
	DISALLOWED(txt, "foobot", "/");
	/* barbot and bazbot share one group */
	DISALLOWED(txt, "barbot", "/example/page.html");
	DISALLOWED(txt, "bazbot", "/example/page.html");
	ALLOWED(txt, "barbot", "/example/other.html");
	ALLOWED(txt, "bazbot", "/images/logo.gif");
	/* quxbot: an empty group at the end allows everything */
	ALLOWED(txt, "quxbot", "/example/page.html");
	ALLOWED(txt, "quxbot", "/images/logo.gif");
}

/* ---- other records: sitemaps and crawl-delay ------------------------------
 */

static void test_sitemaps(void **state)
{
	const char *txt = "Sitemap: https://example.com/before.xml\n"
			  "User-agent: a\n"
			  "sitemap:https://example.com/in-run.xml # note\n"
			  "User-agent: patroli\n"
			  "Disallow: /x\n"
			  "SITEMAP : https://cdn.example.com/s.xml.gz\n"
			  "Sitemap:\n"
			  "Disallow: /y\n";
	struct robots *r = robots_parse(txt, strlen(txt));

	(void)state;
	assert_int_equal(robots_sitemap_count(r), 3);
	assert_string_equal(robots_sitemap(r, 0),
			    "https://example.com/before.xml");
	assert_string_equal(robots_sitemap(r, 1),
			    "https://example.com/in-run.xml");
	assert_string_equal(robots_sitemap(r, 2),
			    "https://cdn.example.com/s.xml.gz");
	assert_null(robots_sitemap(r, 3));
	/* a Sitemap line neither ends the user-agent run nor the group */
	assert_false(robots_allowed(r, "a", "/x", NULL));
	assert_false(robots_allowed(r, "patroli", "/y", NULL));
	robots_free(r);
}

static void test_crawl_delay(void **state)
{
	const char *txt = "User-agent: *\n"
			  "Crawl-delay: 2.5\n"
			  "Disallow: /tmp/\n"
			  "User-agent: patroli\n"
			  "Crawl-delay : 10 # be gentle\n"
			  "Disallow: /x\n"
			  "User-agent: greedy\n"
			  "Crawl-delay: 86400\n"
			  "Disallow: /x\n"
			  "User-agent: broken\n"
			  "Crawl-delay: -5\n"
			  "Crawl-delay: 1e3\n"
			  "Crawl-delay: soon\n"
			  "Disallow: /x\n"
			  "User-agent: merged\n"
			  "Crawl-delay: 1\n"
			  "Disallow: /x\n"
			  "User-agent: merged\n"
			  "Crawl-delay: 0.25\n"
			  "Crawl-delay: 3\n";
	struct robots *r = robots_parse(txt, strlen(txt));

	(void)state;
	assert_true(robots_crawl_delay(r, "PATROLI") == 10.0);
	assert_true(robots_crawl_delay(r, "someone") == 2.5);
	assert_true(robots_crawl_delay(r, "greedy") == ROBOTS_MAX_DELAY);
	assert_true(robots_crawl_delay(r, "broken") == 0.0);
	assert_true(robots_crawl_delay(r, "merged") == 3.0);
	robots_free(r);
	r = robots_parse("User-agent: *\nDisallow: /\n", 26);
	assert_true(robots_crawl_delay(r, "patroli") == 0.0);
	robots_free(r);
	r = robots_parse("Crawl-delay: 5\nUser-agent: *\n", 29);
	assert_true(robots_crawl_delay(r, "patroli") == 0.0);
	robots_free(r);
}

/* Crawl-delay is not a rule, so it does not end a run of user-agent
 * lines (RFC 9309 2.2.4: other records must not change the parse): here
 * patroli shares the "*" group, rules and delay alike. */
static void test_crawl_delay_keeps_run(void **state)
{
	const char *txt = "User-agent: patroli\n"
			  "Crawl-delay: 5\n"
			  "\n"
			  "User-agent: *\n"
			  "Disallow: /\n";
	struct robots *r = robots_parse(txt, strlen(txt));

	(void)state;
	assert_false(robots_allowed(r, "patroli", "/a", NULL));
	assert_true(robots_crawl_delay(r, "patroli") == 5.0);
	assert_true(robots_crawl_delay(r, "other") == 5.0);
	robots_free(r);
}

/* ---- URL helper ------------------------------------------------------------
 */

static void check_target(const char *url, const char *want)
{
	struct buf b = BUF_INIT;

	buf_init(&b, 0);
	assert_int_equal(robots_url_target(url, &b), 0);
	assert_string_equal(b.p, want);
	buf_release(&b);
}

static void test_url_target(void **state)
{
	(void)state;
	check_target("https://example.com/a/b?q=1#frag", "/a/b?q=1");
	check_target("http://example.com", "/");
	check_target("http://example.com?x=1", "/?x=1");
	check_target("http://user@example.com:8080/p", "/p");
	check_target("//example.com/p/q", "/p/q");
	check_target("/already/a/path?x", "/already/a/path?x");
	check_target("", "/");
	check_target("http://example.com/a//b", "/a//b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_merge_groups),
		cmocka_unit_test(test_merge_longest_across_groups),
		cmocka_unit_test(test_rfc_star_fallback),
		cmocka_unit_test(test_rfc_no_group_no_rules),
		cmocka_unit_test(test_agent_case_insensitive),
		cmocka_unit_test(test_agent_token_prefix),
		cmocka_unit_test(test_multi_agent_group),
		cmocka_unit_test(test_empty_disallow),
		cmocka_unit_test(test_rules_outside_group),
		cmocka_unit_test(test_longest_match),
		cmocka_unit_test(test_longest_match_order_independent),
		cmocka_unit_test(test_rfc_example_longest),
		cmocka_unit_test(test_tie_allow_wins),
		cmocka_unit_test(test_query_is_matched),
		cmocka_unit_test(test_robots_txt_judged_by_rules),
		cmocka_unit_test(test_rfc_special_characters),
		cmocka_unit_test(test_rfc_escaped_specials),
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_pathological_wildcards_fast),
		cmocka_unit_test(test_wildcard_matches_reference),
		cmocka_unit_test(test_percent_encoding),
		cmocka_unit_test(test_utf8_paths),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_tolerant_parsing),
		cmocka_unit_test(test_verdict_text_sanitised),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_status_policy),
		cmocka_unit_test(test_describe_status),
		cmocka_unit_test(test_rfc_example_file),
		cmocka_unit_test(test_sitemaps),
		cmocka_unit_test(test_crawl_delay),
		cmocka_unit_test(test_crawl_delay_keeps_run),
		cmocka_unit_test(test_url_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
