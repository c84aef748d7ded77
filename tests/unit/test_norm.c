/*
 * test_norm.c - text normalisation (src/detect/norm.h): every evasion trick
 * it must undo, what it must leave alone (prices, NIE numbers, strengths,
 * codes), and the offset map back into the original text.
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
#include "detect/norm.h"

static void check(const char *in, const char *want)
{
	char *got = norm_string(in, NORM_DETECT);

	if (strcmp(got, want))
		fail_msg("norm(\"%s\") = \"%s\", want \"%s\"", in, got, want);
	free(got);
}

static void test_case_and_unicode(void **state)
{
	check("SILDENAFIL Sitrat", "sildenafil sitrat");
	check("ＶＩＡＧＲＡ", "viagra");		   /* full width */
	check("Krém Blanché naïve", "krem blanche naive"); /* diacritics */
	check("ﬁ", "fi");				   /* ligature */
	check("ⓢⓘⓛⓓⓔⓝⓐⓕⓘⓛ", "sildenafil");		   /* circled */
	check("🅥🅘🅐🅖🅡🅐", "viagra");	   /* negative squared */
	check("𝐬𝐢𝐥𝐝𝐞𝐧𝐚𝐟𝐢𝐥", "sildenafil"); /* math bold */
	check("сialis", "cialis");	   /* Cyrillic es */
	check("vіаgrа", "viagra");	   /* Cyrillic i and a */
}

static void test_invisible_and_emoji(void **state)
{
	check("sil\u200Bdena\u200Dfil", "sildenafil"); /* zero width */
	check("sil\u00ADdenafil", "sildenafil");       /* soft hyphen */
	check("cia\uFEFFlis", "cialis");	       /* BOM */
	check("sil💊denafil", "sildenafil");	       /* emoji inside */
	check("🔥VIAGRA🔥 asli", "viagra asli");	       /* emoji around */
	check("obat 💊 kuat", "obat kuat");
	check("viagra\u2122", "viagra"); /* trademark sign */
}

static void test_spaced_letters(void **state)
{
	check("c y t o t e c", "cytotec");
	check("C Y T O T E C 100% Ampuh", "cytotec 100% ampuh");
	check("s.i.l.d.e.n.a.f.i.l", "sildenafil");
	check("s-i-l-d-e-n-a-f-i-l", "sildenafil");
	check("s_i_l_d", "sild");
	check("m e r k u r i", "merkuri");
	check("c . y . t . o", "cyto");
	check("obat k u a t", "obat kuat");
	/* two letters are an abbreviation, not a word spelled out */
	check("a.n. Budi", "a.n. budi");
	/* single digits with only one letter stay apart */
	check("1 x 2", "1 x 2");
}

static void test_substitutions(void **state)
{
	check("cyt0tec", "cytotec");
	check("s1ldenaf1l", "sildenafil");
	check("a1prazolam", "alprazolam");
	check("tramad0l", "tramadol");
	check("v14gr4", "viagra");
	check("c!alis", "cialis");
	check("vi@gra", "viagra");
	check("$ildenafil", "sildenafil");
	check("0bat kuat", "obat kuat");
	check("merkur1", "merkuri");
	check("d3xamethasone", "dexamethasone");
}

static void test_left_alone(void **state)
{
	/* prices, phone numbers, registration numbers, strengths, codes */
	check("Rp 150.000", "rp 150.000");
	check("0812-3456-7890", "0812 3456 7890");
	check("NA18210103153", "na18210103153");
	check("MD224510107115", "md224510107115");
	check("DKL1133301004A1", "dkl1133301004a1");
	check("500mg 5ml 3x sehari", "500mg 5ml 3x sehari");
	check("merah K3 dan K10", "merah k3 dan k10");
	check("kotak P3K", "kotak p3k");
	check("vitamin B12 D3", "vitamin b12 d3");
	check("15menit 3hari", "15menit 3hari");
	check("100% aman", "100% aman");
	check("0,5 mg", "0,5 mg");
	check("toko@gmail.com", "tokoagmail.com");
}

static void test_squeeze_and_punct(void **state)
{
	check("ciaaaalis", "cialis");
	check("viagraaaa!!!", "viagra!!!");
	check("manfaat", "manfat"); /* rule literals are squeezed alike */
	check("satu-satunya", "satu satunya");
	check("(obat) [kuat]", "obat kuat");
	check("ab  cd\t\tef", "ab cd ef");
	check("baris\n\n  dua", "baris\ndua");
	check("  depan dan belakang  ", "depan dan belakang");
}

static void test_invalid_utf8(void **state)
{
	check("abc\xff\xfe"
	      "def",
	      "abc def");
	check("\xc3", "");
	check("\xe2\x82", "");
	check("ok\xc0\xaf"
	      "x",
	      "ok x");
	check("", "");
}

/* The map points every output byte at the original byte it came from, so
 * a match maps back to a snippet of the original. */
static void test_offset_map(void **state)
{
	const char *in = "Jual C Y T 0 T E C murah";
	struct norm n;
	const char *hit;
	size_t a, b;

	norm_init(&n);
	assert_int_equal(norm_append(&n, in, strlen(in), 0, NORM_DETECT), 0);
	assert_string_equal(n.text, "jual cytotec murah");
	hit = strstr(n.text, "cytotec");
	a = n.map[hit - n.text];
	b = n.map[hit - n.text + 6];
	b += norm_char_len(in, strlen(in), b);
	assert_int_equal(a, 5);
	{
		char *snip = xstrndup(in + a, b - a);
		assert_string_equal(snip, "C Y T 0 T E C");
		free(snip);
	}
	norm_release(&n);
}

static void test_offset_map_multibyte(void **state)
{
	const char *in = "Krém ＶＩＡＧＲＡ";
	struct norm n;
	size_t k;

	norm_init(&n);
	norm_append(&n, in, strlen(in), 100, NORM_DETECT);
	assert_string_equal(n.text, "krem viagra");
	/* 'e' came from the two bytes of é, at original offset 2 */
	assert_int_equal(n.map[2], 102);
	/* 'v' came from the three bytes of Ｖ at offset 6 */
	k = strchr(n.text, 'v') - n.text;
	assert_int_equal(n.map[k], 106);
	assert_int_equal(norm_char_len(in, strlen(in), 6), 3);
	/* every map entry points inside the original, non-decreasing */
	for (size_t i = 0; i < n.len; i++) {
		assert_true(n.map[i] >= 100 && n.map[i] < 100 + strlen(in));
		if (i)
			assert_true(n.map[i] >= n.map[i - 1]);
	}
	norm_release(&n);
}

static void test_append_and_reuse(void **state)
{
	struct norm n;

	norm_init(&n);
	norm_append(&n, "Satu", 4, 0, NORM_DETECT);
	norm_append_sep(&n, '\n', 4);
	norm_append(&n, "DUA", 3, 5, NORM_DETECT);
	assert_string_equal(n.text, "satu\ndua");
	assert_int_equal(n.map[5], 5);
	norm_reset(&n);
	assert_int_equal(n.len, 0);
	norm_append(&n, "Tiga", 4, 0, 0);
	assert_string_equal(n.text, "tiga");
	norm_release(&n);
}

/* Fold only (flags 0): the digits-preserving view NIE parsing uses. */
static void test_fold_only(void **state)
{
	char *s = norm_string("C y t 0 t e c, NA-18.21 (BPOM)", 0);

	assert_string_equal(s, "c y t 0 t e c, na-18.21 (bpom)");
	free(s);
}

static void test_big_input(void **state)
{
	size_t len = 1 << 20;
	char *big = xmalloc(len);
	struct norm n;

	for (size_t i = 0; i < len; i++)
		big[i] = "ab c\xff"[i % 5];
	norm_init(&n);
	assert_int_equal(norm_append(&n, big, len, 0, NORM_DETECT), 0);
	assert_true(n.len > 0 && n.len <= len);
	assert_int_equal(
		norm_append(&n, big, len, UINT32_MAX - 10, NORM_DETECT),
		ERR_LIMIT);
	norm_release(&n);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_and_unicode),
		cmocka_unit_test(test_invisible_and_emoji),
		cmocka_unit_test(test_spaced_letters),
		cmocka_unit_test(test_substitutions),
		cmocka_unit_test(test_left_alone),
		cmocka_unit_test(test_squeeze_and_punct),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_offset_map),
		cmocka_unit_test(test_offset_map_multibyte),
		cmocka_unit_test(test_append_and_reuse),
		cmocka_unit_test(test_fold_only),
		cmocka_unit_test(test_big_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
