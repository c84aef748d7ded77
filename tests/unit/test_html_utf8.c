/*
 * test_html_utf8.c - html_to_utf8() and its no-copy form.
 *
 * copy_utf8() (valid UTF-8 kept, each invalid byte U+FFFD, NUL a space) is
 * checked against a byte-at-a-time reference that decodes each sequence
 * (valid: RFC 3629, so no overlong forms, surrogates or values above
 * U+10FFFF, which libxml2 would not decode either), on inputs that put NUL
 * bytes, invalid bytes and truncated sequences on every side of the
 * 16-byte steps of the ASCII scan.  Undeclared bytes count as UTF-8 by
 * their structure alone (ref_looks_utf8), so a stray overlong form or
 * surrogate is replaced, not taken as a sign of windows-1252.
 * html_to_utf8_view() must give the same bytes, return value and charset
 * as html_to_utf8(), and borrow the body exactly when it is clean.  Every
 * input sits in a buffer of its exact size, so a read past its end is an
 * ASan error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "html/html.h"

/* The reference, a byte at a time: a sequence is kept when it decodes to
 * a Unicode scalar value in its shortest form (RFC 3629). */
static size_t seq_len(unsigned char c)
{
	return c < 0x80		? 1
	       : (c >> 5) == 6	? 2
	       : (c >> 4) == 14 ? 3
	       : (c >> 3) == 30 ? 4
				: 0;
}

static size_t ref_seq(const unsigned char *p, size_t n)
{
	static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
	size_t len = seq_len(p[0]);
	uint32_t cp;

	if (!len || len > n)
		return 0;
	if (len == 1)
		return 1;
	cp = p[0] & (0x7Fu >> len);
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3Fu);
	}
	if (cp < least[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

static void ref_copy(const unsigned char *p, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n;) {
		size_t len = p[i] ? ref_seq(p + i, n - i) : 0;

		if (len) {
			buf_append(out, p + i, len);
			i += len;
		} else {
			if (p[i])
				buf_append(out, "\xEF\xBF\xBD", 3);
			else
				buf_putc(out, ' ');
			i++;
		}
	}
}

static bool ref_valid(const unsigned char *p, size_t n)
{
	for (size_t i = 0, len; i < n; i += len)
		if (!(len = ref_seq(p + i, n - i)))
			return false;
	return true;
}

/* Undeclared bytes are read as UTF-8 when their structure is (lead and
 * continuation bytes), overlong forms and surrogates included. */
static bool ref_looks_utf8(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len = seq_len(p[i]);

		if (!len || i + len > n)
			return false;
		for (size_t k = 1; k < len; k++)
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

/* Nothing for copy_utf8() to change. */
static bool ref_clean(const unsigned char *p, size_t n)
{
	return ref_valid(p, n) && !memchr(p, 0, n);
}

/* One input, both ways, against the reference where it applies. */
static void check(const char *ct, const void *data, size_t n)
{
	unsigned char *p = xmalloc(n ? n : 1);
	struct slice body = {(const char *)p, n};
	struct buf copy = BUF_INIT, tmp = BUF_INIT, ref = BUF_INIT;
	const char *cs1 = NULL, *cs2 = NULL;
	struct slice view;
	bool bom = n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3);
	size_t skip = bom ? 3 : 0;
	int rc1, rc2;

	memcpy(p, data, n);
	rc1 = html_to_utf8(ct, body, &copy, &cs1);
	buf_puts(&tmp, "stale"); /* the view resets it */
	rc2 = html_to_utf8_view(ct, body, &tmp, &view, &cs2);
	assert_int_equal(rc1, rc2);
	assert_string_equal(cs1, cs2);
	assert_int_equal(view.n, copy.len);
	assert_memory_equal(view.n ? view.p : "", copy.p ? copy.p : "", view.n);
	if (ref_clean(p + skip, n - skip) && !strcmp(cs1, "utf-8")) {
		/* borrowed, past the BOM */
		assert_ptr_equal(view.p, p + skip);
		assert_int_equal(tmp.len, 0);
	} else if (view.n) {
		assert_ptr_equal(view.p, tmp.p);
	}
	/* Read as UTF-8 (declared, a BOM, or by its looks): the reference
	 * decides every byte */
	if (bom || (ct && strstr(ct, "utf-8")) || !strcmp(cs1, "utf-8")) {
		ref_copy(p + skip, n - skip, &ref);
		assert_int_equal(copy.len, ref.len);
		assert_memory_equal(copy.p, ref.p ? ref.p : "", ref.len);
	}
	/* Nothing declared: UTF-8 exactly when it is valid. */
	if (!ct && !bom && n < 4096 && !memmem(p, n, "meta", 4))
		assert_string_equal(cs1, ref_looks_utf8(p, n) ? "utf-8"
							      : "windows-1252");
	buf_release(&copy);
	buf_release(&tmp);
	buf_release(&ref);
	free(p);
}

static const char *const types[] = {
	"text/html; charset=utf-8",
	NULL,
	"text/html",
};

static void check_all(const void *data, size_t n)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++)
		check(types[i], data, n);
}

/* Every special byte sequence at every offset of an ASCII text of every
 * length up to 40 (the scan steps 16 bytes at a time). */
static void test_positions(void **state)
{
	static const struct {
		const char *s;
		size_t n;
	} bits[] = {
		{"\0", 1},
		{"\xC3\xA9", 2},	 /* é */
		{"\xE2\x82\xAC", 3},	 /* € */
		{"\xF0\x9F\x98\x80", 4}, /* an emoji */
		{"\x80", 1},		 /* a lone continuation */
		{"\xFF", 1},
		{"\xF8\x88\x80\x80\x80", 5}, /* no 5-byte sequences */
		{"\xC3", 1},		     /* truncated */
		{"\xE2\x82", 2},
		{"\xF0\x9F\x98", 3},
		{"\xC3\x41", 2}, /* a lead, then not a continuation */
		{"\xE2\x82\x41", 3},
		{"\xC0\x80", 2},	 /* overlong NUL */
		{"\xC1\xBF", 2},	 /* overlong */
		{"\xE0\x80\x80", 3},	 /* overlong */
		{"\xE0\xA0\x80", 3},	 /* U+0800, the first 3-byte one */
		{"\xED\xA0\x80", 3},	 /* a surrogate */
		{"\xED\x9F\xBF", 3},	 /* U+D7FF, just before them */
		{"\xEF\xBF\xBF", 3},	 /* U+FFFF: valid UTF-8 */
		{"\xF0\x80\x80\x80", 4}, /* overlong */
		{"\xF4\x8F\xBF\xBF", 4}, /* U+10FFFF, the last */
		{"\xF4\x90\x80\x80", 4}, /* above it */
		{"\xF5\x80\x80\x80", 4},
	};
	char text[64];

	(void)state;
	for (size_t len = 0; len <= 40; len++) {
		for (size_t i = 0; i < len; i++)
			text[i] = (char)('a' + i % 26);
		check_all(text, len);
		for (size_t b = 0; b < sizeof(bits) / sizeof(*bits); b++)
			for (size_t at = 0; at <= len; at++) {
				char in[64];

				memcpy(in, text, at);
				memcpy(in + at, bits[b].s, bits[b].n);
				memcpy(in + at + bits[b].n, text + at,
				       len - at);
				check_all(in, len + bits[b].n);
				/* at the very end: truncated sequences */
				check_all(in, at + bits[b].n);
			}
	}
}

static void test_bom_and_charsets(void **state)
{
	static const char *const docs[] = {
		"\xEF\xBB\xBF<p>caf\xC3\xA9</p>",
		"\xEF\xBB\xBF<p>caf\xE9</p>",
		"\xEF\xBB\xBF",
		"\xEF\xBB",
		"<meta charset=utf-8><p>caf\xC3\xA9 and more text here</p>",
		"<meta charset=utf-8><p>caf\xE9 and more text here</p>",
		"<meta charset=\"windows-1252\"><p>caf\xE9 and more</p>",
		"<meta charset=iso-8859-1><p>plain ascii text, sixteen+</p>",
		"<meta charset=no-such-charset><p>caf\xC3\xA9 stays</p>",
		"<meta charset=no-such-charset><p>caf\xE9 replaced</p>",
		"<p>no declaration, caf\xE9 is windows-1252</p>",
		"<p>no declaration, caf\xC3\xA9 is UTF-8</p>",
		"",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++)
		check_all(docs[i], strlen(docs[i]));
	check_all("<p>a\0b</p>", 9);
	check_all("\xEF\xBB\xBF<p>a\0b</p>", 12);
}

/* The output cap: a clean body over it is refused as the copy was. */
static void test_limit(void **state)
{
	static const char body[] = "<p>thirty-two bytes of clean text</p>";
	struct buf out = BUF_INIT, tmp = BUF_INIT;
	struct slice view;

	(void)state;
	for (size_t max = 1; max < sizeof(body) + 2; max++) {
		int rc1, rc2;

		buf_init(&out, max);
		buf_init(&tmp, max);
		rc1 = html_to_utf8("text/html; charset=utf-8",
				   (struct slice){body, sizeof(body) - 1}, &out,
				   NULL);
		rc2 = html_to_utf8_view("text/html; charset=utf-8",
					(struct slice){body, sizeof(body) - 1},
					&tmp, &view, NULL);
		assert_int_equal(rc1, rc2);
		assert_int_equal(rc1, max < sizeof(body) - 1 ? ERR_LIMIT : 0);
		assert_int_equal(view.n, out.len);
		if (rc2)
			assert_int_equal(view.n, 0);
		buf_release(&out);
		buf_release(&tmp);
	}
}

/* Random bytes, biased to the ones that matter. */
static void test_random(void **state)
{
	static const unsigned char pick[] = {
		'a',  'b',  '<',  '>',	' ',  0,    0x80, 0xBF, 0xC3,
		0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0xFF, 0xC0, 0xED,
		0xE0, 0xA0, 0xF4, 0x8F, 0x90, 0xF5, 0xC1, 0xC2,
	};
	unsigned char in[96];
	uint64_t x = 0x9E3779B97F4A7C15u;

	(void)state;
	for (int r = 0; r < 20000; r++) {
		size_t n;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = x % sizeof(in);
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* mostly ASCII, so runs cross the 16-byte steps */
			in[i] = x % 4 ? (unsigned char)('a' + (x >> 8) % 26)
				      : pick[(x >> 8) % sizeof(pick)];
		}
		check_all(in, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_bom_and_charsets),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
