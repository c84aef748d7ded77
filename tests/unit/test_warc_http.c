/*
 * test_warc_http.c - warc_http_body() and its no-copy form,
 * warc_http_body_view().
 *
 * Both must give what warc_http_body() gave before the view existed: the
 * reference below is that function as it was, built from the public
 * pieces (head, payload, content decoding).  The view must borrow the
 * response exactly when there is no transfer or content coding, and leave
 * its buffer empty then.  Each response sits in a buffer of its exact
 * size, so a read past its end is an ASan error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "warc/warc.h"
#include "deflate_test.h"

/* warc_http_body() before the view. */
static int ref_body(struct slice response, size_t max, struct buf *out)
{
	struct warc_http_head h = {0};
	struct buf dechunked, ce;
	struct slice payload;
	int rc, rc2;

	buf_reset(out);
	out->max = max ? max : 256u << 20;
	buf_init(&dechunked, out->max);
	buf_init(&ce, 4096);
	rc = warc_http_parse_head(response, &h);
	if (rc)
		goto out;
	rc = warc_http_payload(response, &h, &dechunked, &payload);
	for (size_t i = 0; i < h.nheaders; i++) {
		if (!slice_eq_ci(h.h[i].name, "content-encoding"))
			continue;
		if (ce.len)
			buf_putc(&ce, ',');
		buf_append(&ce, h.h[i].value.p, h.h[i].value.n);
	}
	rc2 = warc_http_decode(payload, buf_slice(&ce), out);
	if (!rc)
		rc = rc2;
out:
	buf_release(&dechunked);
	buf_release(&ce);
	warc_http_head_release(&h);
	return rc;
}

/* One response, every way, under every limit from 1 to past its size. */
static void check(const char *resp, size_t n, bool borrows)
{
	char *p = xmalloc(n ? n : 1);
	struct slice in = {p, n};

	memcpy(p, resp, n);
	for (size_t max = 0; max <= n + 2; max += max < 64 ? 1 : 61) {
		struct buf ref = BUF_INIT, out = BUF_INIT, tmp = BUF_INIT;
		struct warc_http_head h = {0};
		struct slice view;
		int rc0 = ref_body(in, max, &ref);
		int rc1 = warc_http_body(in, max, &out, NULL);
		int rc2;

		buf_puts(&tmp, "stale"); /* the view resets it */
		rc2 = warc_http_body_view(in, max, &tmp, &view, &h);
		assert_int_equal(rc1, rc0);
		assert_int_equal(rc2, rc0);
		assert_int_equal(out.len, ref.len);
		assert_int_equal(view.n, ref.len);
		assert_memory_equal(out.len ? out.p : "", ref.p ? ref.p : "",
				    ref.len);
		assert_memory_equal(view.n ? view.p : "", ref.p ? ref.p : "",
				    ref.len);
		if (borrows && view.n) {
			assert_true(view.p >= p && view.p + view.n <= p + n);
			assert_int_equal(tmp.len, 0);
		} else if (view.n) {
			assert_ptr_equal(view.p, tmp.p);
		}
		warc_http_head_release(&h);
		buf_release(&ref);
		buf_release(&out);
		buf_release(&tmp);
	}
	free(p);
}

static void check_s(const char *resp, bool borrows)
{
	check(resp, strlen(resp), borrows);
}

static void gzip_text(const char *s, struct buf *out)
{
	test_deflate(s, strlen(s), 6, 16 + MAX_WBITS, out);
}

static void test_plain(void **state)
{
	static const char with_nul[] = "HTTP/1.1 200 OK\r\n"
				       "Content-Length: 9\r\n\r\n"
				       "a\0b\0c\0d\0e";

	(void)state;
	check_s("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
		"Content-Length: 23\r\n\r\n<p>hello, evidence</p>\n",
		true);
	check(with_nul, sizeof(with_nul) - 1, true);
	check_s("HTTP/1.1 204 No Content\r\n\r\n", true);
	check_s("HTTP/1.0 200 OK\nContent-Type: text/plain\n\nbare LF", true);
	/* identity is no coding; neither is an empty field */
	check_s("HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\n\r\nbody",
		true);
	check_s("HTTP/1.1 200 OK\r\nContent-Encoding: identity, IDENTITY"
		"\r\nContent-Encoding:\r\n\r\nbody",
		true);
	/* a transfer coding other than chunked last: not de-chunked */
	check_s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n"
		"\r\nraw bytes",
		true);
	/* interim heads skipped */
	check_s("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
		"Link: </s.css>\r\n\r\nHTTP/1.1 200 OK\r\n\r\nfinal body",
		true);
}

static void test_not_http(void **state)
{
	(void)state;
	check_s("", false);
	check_s("not http at all", false);
	check_s("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n", false);
}

static void test_chunked(void **state)
{
	(void)state;
	check_s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n",
		false);
	/* truncated: what arrived, and ERR_INPUT */
	check_s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"5\r\nhello\r\n10\r\nshort",
		false);
	check_s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"zz\r\nhello\r\n0\r\n\r\n",
		false);
	check_s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"0\r\n\r\n",
		false);
	/* chunked, and identity is no content coding */
	check_s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
		"Content-Encoding: identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		false);
}

static void test_coded(void **state)
{
	struct buf z = BUF_INIT, r = BUF_INIT;

	(void)state;
	gzip_text("<p>compressed evidence, compressed evidence</p>", &z);
	buf_puts(&r, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n");
	buf_append(&r, z.p, z.len);
	check(r.p, r.len, false);
	/* chunked and gzip */
	buf_reset(&r);
	buf_printf(&r,
		   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
		   "Content-Encoding: gzip\r\n\r\n%zx\r\n",
		   z.len);
	buf_append(&r, z.p, z.len);
	buf_puts(&r, "\r\n0\r\n\r\n");
	check(r.p, r.len, false);
	/* truncated gzip: what decoded, and ERR_INPUT */
	buf_reset(&r);
	buf_puts(&r, "HTTP/1.1 200 OK\r\nContent-Encoding: x-gzip\r\n\r\n");
	buf_append(&r, z.p, z.len / 2);
	check(r.p, r.len, false);
	/* unknown codings, and too many */
	check_s("HTTP/1.1 200 OK\r\nContent-Encoding: compress\r\n\r\nxyz",
		false);
	check_s("HTTP/1.1 200 OK\r\nContent-Encoding: gzip, gzip\r\n"
		"Content-Encoding: gzip, gzip, gzip\r\n\r\nxyz",
		false);
	buf_release(&z);
	buf_release(&r);
}

/* A Content-Length body is borrowed from the very response given. */
static void test_borrows(void **state)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\n\r\n<html>x</html>";
	struct buf tmp = BUF_INIT;
	struct slice body;

	(void)state;
	assert_int_equal(
		warc_http_body_view(SLICE_LIT(resp), 0, &tmp, &body, NULL), 0);
	assert_ptr_equal(body.p, resp + 19);
	assert_int_equal(body.n, sizeof(resp) - 1 - 19);
	assert_int_equal(tmp.len, 0);
	/* over the limit: nothing, as the copy would have had */
	assert_int_equal(
		warc_http_body_view(SLICE_LIT(resp), 5, &tmp, &body, NULL),
		ERR_LIMIT);
	assert_int_equal(body.n, 0);
	buf_release(&tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),	cmocka_unit_test(test_not_http),
		cmocka_unit_test(test_chunked), cmocka_unit_test(test_coded),
		cmocka_unit_test(test_borrows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
