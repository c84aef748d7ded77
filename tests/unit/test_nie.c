/*
 * test_nie.c - registration numbers (src/detect/nie.h) against the
 * declarative cases of tests/nie/formats.cases, plus the single-number
 * parser, the corpus normalisation fallback and the helpers.
 */
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
#include "detect/nie.h"

#define CASES "tests/nie/formats.cases"

static struct slice field(char **p)
{
	char *bar = strchr(*p, '|');
	struct slice s = {*p, bar ? (size_t)(bar - *p) : strlen(*p)};

	*p = bar ? bar + 1 : *p + s.n;
	return slice_trim(s);
}

static void test_cases(void **state)
{
	struct buf b = BUF_INIT;
	int line = 0, n = 0, bad = 0;
	char *p, *end;

	buf_init(&b, 1 << 20);
	assert_int_equal(buf_read_file(&b, repo_path(CASES)), 0);
	for (p = b.p; p && *p; p = end ? end + 1 : NULL) {
		char *nl = strchr(p, '\n'), *q = p;
		end = nl;
		if (nl)
			*nl = '\0';
		line++;
		struct slice text = field(&q), want = field(&q),
			     com = field(&q), fmt = field(&q);
		if (!text.n || text.p[0] == '#')
			continue;
		n++;
		struct nie_match m[4];
		size_t k = nie_find(text.p, text.n, m, 4);
		char got[128];
		if (!k)
			snprintf(got, sizeof(got), "- | - | -");
		else
			snprintf(got, sizeof(got), "%s | %s | %s", m[0].norm,
				 commodity_name(m[0].commodity),
				 m[0].format_ok ? "ok" : "malformed");
		char wantb[128];
		snprintf(wantb, sizeof(wantb), "%.*s | %.*s | %.*s",
			 (int)want.n, want.p, (int)com.n, com.p, (int)fmt.n,
			 fmt.p);
		if (strcmp(got, wantb)) {
			print_error("%s:%d: %.*s: got %s, want %s\n", CASES,
				    line, (int)text.n, text.p, got, wantb);
			bad++;
		}
		/* the span covers the number as written */
		if (k) {
			assert_true(m[0].start < m[0].end);
			assert_true(m[0].end <= text.n);
			assert_true(m[0].code_start >= m[0].start);
		}
	}
	buf_release(&b);
	assert_true(n > 60);
	assert_int_equal(bad, 0);
}

static void test_parse_single(void **state)
{
	struct nie_match m;

	assert_int_equal(nie_parse("BPOM RI MD 224510107115", 23, &m), 0);
	assert_string_equal(m.norm, "MD224510107115");
	assert_true(m.format_ok);
	/* registry display form */
	assert_int_equal(nie_parse("P-IRT 1234567890123-45", 22, &m), 0);
	assert_string_equal(m.norm, "PIRT123456789012345");
	assert_true(m.pirt);
	/* glued words the scanner rejects go through the corpus rule */
	assert_int_equal(nie_parse("XBPOMMD224510107115", 19, &m), 0);
	assert_string_equal(m.norm, "MD224510107115");
	/* nothing at all */
	assert_int_equal(nie_parse("hello world", 11, &m), ERR_NOTFOUND);
	assert_string_equal(m.norm, "HELLOWORLD");
	assert_false(m.format_ok);
	assert_int_equal(nie_parse("", 0, &m), ERR_NOTFOUND);
}

static void test_obat_class(void **state)
{
	struct nie_match m;

	nie_parse("DKL1336703804A1", 15, &m);
	assert_int_equal(m.obat_class, 'K');
	nie_parse("DPL1336703804A1", 15, &m);
	assert_int_equal(m.obat_class, 'P');
	nie_parse("GBL1336703804A1", 15, &m);
	assert_int_equal(m.obat_class, 'B');
	nie_parse("NA18210103153", 13, &m);
	assert_int_equal(m.obat_class, 0);
}

static void test_helpers(void **state)
{
	assert_int_equal(nie_commodity("TR123456789"), COM_OBAT_TRADISIONAL);
	assert_int_equal(nie_commodity("MD224510107115"), COM_PANGAN);
	assert_int_equal(nie_commodity("PIRT123"), COM_PANGAN);
	assert_int_equal(nie_commodity("QD123456789"), COM_OBAT_KUASI);
	assert_int_equal(nie_commodity("NKIT123456789"), COM_KOSMETIK);
	assert_int_equal(nie_commodity("AKL123"), COM_OTHER);
	assert_true(nie_format_ok("DKL1336703804A1"));
	assert_false(nie_format_ok("DKL133670380A1"));
	assert_true(nie_format_ok("MD271111000300341"));
	assert_false(nie_format_ok("MD2711110003003"));
	assert_true(nie_format_ok("PIRT123456789012345"));
	assert_false(nie_format_ok("PIRT12345678901234"));
	assert_false(nie_format_ok("TR123456789X"));
	assert_false(nie_format_ok(""));
}

/* Several numbers in one text, in order; a long hostile text is cheap. */
static void test_find_many(void **state)
{
	const char *t = "BPOM RI MD 224510107115 dan POM TR 123456789, "
			"juga NA18210103153";
	struct nie_match m[8];
	size_t n = nie_find(t, strlen(t), m, 8);
	size_t len = 1 << 20;
	char *big = xmalloc(len);

	assert_int_equal(n, 3);
	assert_string_equal(m[0].norm, "MD224510107115");
	assert_string_equal(m[1].norm, "TR123456789");
	assert_string_equal(m[2].norm, "NA18210103153");
	assert_int_equal(nie_find(t, strlen(t), m, 1), 1);
	for (size_t i = 0; i < len; i++)
		big[i] = "BPOM NO RI 1 MD "[i % 16];
	nie_find(big, len, m, 8);
	memset(big, '9', len);
	assert_int_equal(nie_find(big, len, m, 8), 0);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_parse_single),
		cmocka_unit_test(test_obat_class),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_find_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
