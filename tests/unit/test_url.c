/* test_url.c - canonicalisation, host keys, scope and trap checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crawl/url.h"

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
		cmocka_unit_test(test_host_key),
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_traps),
		cmocka_unit_test(test_scope_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
