/* test_url.c - canonicalisation, host keys, scope and trap checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crawl/url_int.h"

static void expect_canon(const char *in, const char *want)
{
	const char *why = NULL;
	char *got = url_canon(in, NULL, &why);

	if (!want) {
		if (got)
			fail_msg("%s: expected refusal, got %s", in, got);
		assert_non_null(why);
		return;
	}
	if (!got)
		fail_msg("%s: refused (%s), expected %s", in, why, want);
	assert_string_equal(got, want);
	free(got);
}

static void test_canon_basics(void **state)
{
	(void)state;
	expect_canon("HTTP://Example.COM", "http://example.com/");
	expect_canon("http://example.com:80/a", "http://example.com/a");
	expect_canon("https://example.com:443/a", "https://example.com/a");
	expect_canon("https://example.com:8443/a",
		     "https://example.com:8443/a");
	expect_canon("http://example.com/a/./b/../c", "http://example.com/a/c");
	expect_canon("http://example.com/a#frag", "http://example.com/a");
	expect_canon("http://example.com/%7euser/%2fx",
		     "http://example.com/~user/%2Fx");
	expect_canon("http://example.com/a b", "http://example.com/a%20b");
	expect_canon("ftp://example.com/", NULL);
	expect_canon("mailto:x@example.com", NULL);
	expect_canon("javascript:alert(1)", NULL);
	expect_canon("http://", NULL);
}

static void test_canon_tracking(void **state)
{
	(void)state;
	expect_canon("http://e.com/p?utm_source=x&id=3&utm_medium=y",
		     "http://e.com/p?id=3");
	expect_canon("http://e.com/p?fbclid=1&gclid=2", "http://e.com/p");
	expect_canon("http://e.com/p?ref=home&sid=abc&q=1",
		     "http://e.com/p?q=1");
	/* only whole names are dropped: "reference" stays */
	expect_canon("http://e.com/p?reference=1",
		     "http://e.com/p?reference=1");
	/* the rest is sorted: one resource, one URL */
	expect_canon("http://e.com/p?b=2&a=1", "http://e.com/p?a=1&b=2");
	expect_canon("http://e.com/p?a=2&a=1&ab=0",
		     "http://e.com/p?a=1&a=2&ab=0");
}

static void test_canon_custom_list(void **state)
{
	const char *const drop[] = {"session*", NULL};
	struct url_rules r = {.drop_params = drop, .max_len = 40};
	const char *why;
	char *got;

	(void)state;
	got = url_canon("http://e.com/?sessionid=1&utm_x=2", &r, &why);
	assert_string_equal(got, "http://e.com/?utm_x=2");
	free(got);
	got = url_canon("http://e.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			&r, &why);
	assert_null(got);
	assert_string_equal(why, "URL too long");
}

/* Fast path against slow path: when the fast path accepts, the slow path
 * must give the same bytes; `accept` says whether the fast path must take
 * it (-1: either). */
static void expect_same(const char *in, const struct url_rules *r, int accept)
{
	const char *why = NULL, *why2 = NULL;
	char *fast = url_canon_fast(in, r);
	char *slow = url_canon_slow(in, r, &why);
	const char *want = fast ? fast : slow;
	struct buf out = BUF_INIT;
	char msg[512] = "";
	int rc;

	/* url_canon_append(): the same URL after what the buffer held */
	buf_puts(&out, "before");
	rc = url_canon_append(in, r, &why2, &out);
	if (want && (rc || out.len != 6 + strlen(want) + 1 ||
		     memcmp(out.p, "before", 6) ||
		     memcmp(out.p + 6, want, strlen(want) + 1)))
		snprintf(msg, sizeof(msg), "append: rc %d, %s", rc, out.p + 6);
	else if (!want && (rc != ERR_INPUT || out.len != 6 || !why2 ||
			   strcmp(why, why2)))
		snprintf(msg, sizeof(msg), "append: rc %d, %s (%s)", rc, out.p,
			 why2 ? why2 : "-");
	buf_release(&out);
	if (*msg)
		fail_msg("%s: %s", in, msg);

	if (accept == 1 && !fast)
		snprintf(msg, sizeof(msg), "fast path declined it");
	else if (accept == 0 && fast)
		snprintf(msg, sizeof(msg), "fast path accepted it");
	else if (fast && (!slow || strcmp(fast, slow)))
		snprintf(msg, sizeof(msg), "fast %s, slow %s", fast,
			 slow ? slow : why);
	free(fast);
	free(slow);
	if (*msg)
		fail_msg("%s: %s", in, msg);
}

static void test_canon_fast(void **state)
{
	static const char *const yes[] = {
		"http://example.com/",
		"https://shop.example.co.id/produk/abc-123",
		"https://shop.example.co.id/p/3/3900.html",
		"http://127.0.0.1:8000/belanjaku/p/x-i.12.html",
		"http://0.0.0.0:1/",
		"https://e.com:80/a",
		"http://e.com:443/a",
		"http://e.com:65535/a",
		"http://e.com/a?a=1&b=2",
		"http://e.com/a?a=1&a=1&ab=0",
		"http://e.com/a?a&b",
		"http://e.com/a?q=x/y?z",
		"http://e.com/a;b=c/d:e@f!$'()*+,~_-.",
		"http://e.com/a//b/",
		"http://e.com/.a/..b/c./d../...",
		"http://xn--bcher-kva.example/",
		"http://a-b.c-d.e/",
		"http://e.com/p?reference=1",
		"http://e.com/p?utmx=1",
		"http://e.com/a?b=1&b=1=2",
		"http://e.com/a?=x",
	};
	static const char *const no[] = {
		"HTTP://example.com/",
		"http://Example.com/",
		"http://example.com",
		"http://example.com?x",
		"http://example.com:80/",
		"https://example.com:443/",
		"http://example.com:080/",
		"http://example.com:0/",
		"http://example.com:65536/",
		"http://example.com:/",
		"http://e.com/a/./b",
		"http://e.com/a/../b",
		"http://e.com/a/.",
		"http://e.com/a/..",
		"http://e.com/%7Ea",
		"http://e.com/%41",
		"http://e.com/a%2Fb",
		"http://e.com/a b",
		"http://e.com/a\\b",
		"http://e.com/a#f",
		"http://e.com/a#",
		"http://e.com/a?",
		"http://e.com/a?&",
		"http://e.com/a?a=1&",
		"http://e.com/a?&a=1",
		"http://e.com/a?a=1&&b=2",
		"http://e.com/a?b=1&a=2",
		"http://e.com/a?ab=0&a=1",
		"http://e.com/a?utm_source=x",
		"http://e.com/a?a=1&UTM_x=1",
		"http://e.com/a?ref=1",
		"http://e.com/a?sid",
		"http://e.com/a?q=%20",
		"http://1.2.3/",
		"http://1.2.3.04/",
		"http://1.2.3.256/",
		"http://0x7f.1/",
		"http://123/",
		"http://e.1/",
		"http://a..b/",
		"http://a.b./",
		"http://.a.b/",
		"http://u@e.com/",
		"http://u:p@e.com/",
		"http://[::1]/",
		"http://e_x.com/",
		"http://é.com/",
		"http://e.com/é",
		"ftp://e.com/",
		"http:/e.com/",
		"http:///e.com/",
		"",
	};
	const char *const drop[] = {"session*", "a", NULL};
	struct url_rules custom = {.drop_params = drop,
				   .max_len = strlen("http://e.com/aaaaaaaaa")};
	char many[1024];
	size_t n;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(yes); i++)
		expect_same(yes[i], NULL, 1);
	for (size_t i = 0; i < ARRAY_LEN(no); i++)
		expect_same(no[i], NULL, 0);
	/* the rules decide what is canonical */
	expect_same("http://e.com/?utm_x=2", &custom, 1);
	expect_same("http://e.com/?sessionid=1", &custom, 0);
	expect_same("http://e.com/?a=1&b=2", &custom, 0);
	expect_same("http://e.com/?A=1&b=2", &custom, 0);
	expect_same("http://e.com/aaaaaaaaa", &custom, 1); /* max_len */
	expect_same("http://e.com/aaaaaaaaaa", &custom, 0);
	/* 64 parameters are kept, the 65th makes clean_query() give up */
	n = (size_t)snprintf(many, sizeof(many), "http://e.com/?");
	for (int i = 0; i < 64; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%sp%02d",
				      i ? "&" : "", i);
	expect_same(many, NULL, 1);
	snprintf(many + n, sizeof(many) - n, "&p64");
	expect_same(many, NULL, 0);
	/* a 128-byte name is never dropped: drop_param() gives up on it */
	memset(many, 0, sizeof(many));
	n = (size_t)snprintf(many, sizeof(many), "http://e.com/?utm_");
	memset(many + n, 'x', 200);
	expect_same(many, NULL, -1);
	/* every byte in every place: the fast path accepts only what the
	 * slow path leaves as it is */
	for (int c = 1; c < 256; c++) {
		static const char *const fmt[] = {
			"http://e.com/a%cb", "http://e.com/?a%cb",
			"http://e%c.com/",   "http://e.com/a?b=1#%c",
			"http://e.com:8%c/", "http://e.com/%c",
			"http://e.com/?%c",  "http://e.com/?b&%c",
		};
		for (size_t f = 0; f < ARRAY_LEN(fmt); f++) {
			char u[64];
			snprintf(u, sizeof(u), fmt[f], c);
			expect_same(u, NULL, -1);
		}
	}
}

/* url_canon_append() under the buffer's cap: nothing appended. */
static void test_canon_append_limit(void **state)
{
	struct buf out = BUF_INIT;
	const char *why;

	(void)state;
	buf_init(&out, 24);
	assert_int_equal(url_canon_append("http://e.com/a", NULL, &why, &out),
			 0);
	assert_int_equal(out.len, 15);
	/* fast path, then slow path: both too long for what is left */
	assert_int_equal(url_canon_append("http://e.com/abc", NULL, &why, &out),
			 ERR_LIMIT);
	assert_int_equal(url_canon_append("HTTP://E.COM/abc", NULL, &why, &out),
			 ERR_LIMIT);
	assert_int_equal(out.len, 15);
	assert_string_equal(out.p, "http://e.com/a");
	buf_release(&out);
}

static void test_host_key(void **state)
{
	char *k;

	(void)state;
	k = url_host_key("http://example.com/a");
	assert_string_equal(k, "http://example.com:80");
	free(k);
	k = url_host_key("https://shop.example.co.id:8443/x?y");
	assert_string_equal(k, "https://shop.example.co.id:8443");
	free(k);
	k = url_host_key("http://[::1]:8080/x");
	assert_string_equal(k, "http://[::1]:8080");
	free(k);
	k = url_host("http://[::1]:8080/x");
	assert_string_equal(k, "::1");
	free(k);
	k = url_host("https://e.com?q=1");
	assert_string_equal(k, "e.com");
	free(k);
	assert_null(url_host_key("not a url"));
}

static void test_domain(void **state)
{
	char *d;

	(void)state;
	d = url_domain("www.tokopedia.com");
	assert_string_equal(d, "tokopedia.com");
	free(d);
	d = url_domain("toko.blogspot.co.id");
	assert_string_equal(d, "toko.blogspot.co.id");
	free(d);
	d = url_domain("a.b.example.co.id");
	assert_string_equal(d, "example.co.id");
	free(d);
	d = url_domain("127.0.0.1");
	assert_string_equal(d, "127.0.0.1");
	free(d);
}

static void test_traps(void **state)
{
	struct url_trap_limits l = {.max_repeat = 3,
				    .max_params = 5,
				    .max_years_ahead = 2,
				    .current_year = 2026};

	(void)state;
	assert_null(url_trap("http://e.com/a/b/c", &l));
	assert_null(url_trap("http://e.com/a/a/a", &l));
	assert_non_null(url_trap("http://e.com/a/a/a/a", &l));
	assert_non_null(url_trap("http://e.com/x/y/x/y/x/y/x/y", &l));
	assert_null(url_trap("http://e.com/p?a=1&b=2&c=3&d=4&e=5", &l));
	assert_non_null(url_trap("http://e.com/p?a=1&b=2&c=3&d=4&e=5&f=6", &l));
	assert_null(url_trap("http://e.com/arsip/2027-01.html", &l));
	assert_null(url_trap("http://e.com/arsip/2028/12/", &l));
	assert_non_null(url_trap("http://e.com/arsip/2029-01.html", &l));
	assert_non_null(url_trap("http://e.com/cal?d=2099-01-01", &l));
	assert_non_null(url_trap("http://e.com/arsip/1950-01.html", &l));
	/* numbers that are not dates are left alone */
	assert_null(url_trap("http://e.com/item/20991234/", &l));
	assert_null(url_trap("http://e.com/p/obat-2099x", &l));
}

static void test_scope_names(void **state)
{
	enum url_scope s;

	(void)state;
	assert_int_equal(url_scope_parse("domain", &s), 0);
	assert_int_equal(s, SCOPE_DOMAIN);
	assert_string_equal(url_scope_name(SCOPE_PREFIX), "prefix");
	assert_int_not_equal(url_scope_parse("planet", &s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canon_basics),
		cmocka_unit_test(test_canon_tracking),
		cmocka_unit_test(test_canon_custom_list),
		cmocka_unit_test(test_canon_fast),
		cmocka_unit_test(test_canon_append_limit),
		cmocka_unit_test(test_host_key),
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_traps),
		cmocka_unit_test(test_scope_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
