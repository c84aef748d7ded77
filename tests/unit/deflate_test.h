/*
 * deflate_test.h - test helper: compress bytes with zlib, for tests that
 * need encoded bodies or gzip members to feed the code under test (which
 * never compresses with zlib itself, so zlib is an independent encoder).
 * Include after "base/base.h", and after <cmocka.h> in a unit test; a
 * fuzz harness (no cmocka) aborts where a test would fail.
 */
#ifndef PATROLI_TEST_DEFLATE_H
#define PATROLI_TEST_DEFLATE_H

#include <zlib.h>

#ifdef assert_true
#define DEFLATE_CHECK(x) assert_true(x)
#else
#include <stdlib.h>
#define DEFLATE_CHECK(x) ((x) ? (void)0 : abort())
#endif

/* p[0..n) deflated at `level` and appended to out; wbits as for
 * deflateInit2(): 16 + MAX_WBITS a gzip member, MAX_WBITS zlib, -MAX_WBITS
 * raw deflate. */
static void test_deflate(const void *p, size_t n, int level, int wbits,
			 struct buf *out)
{
	unsigned char chunk[65536];
	z_stream z = {0};
	int zrc;

	DEFLATE_CHECK(deflateInit2(&z, level, Z_DEFLATED, wbits, 8,
				   Z_DEFAULT_STRATEGY) == Z_OK);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zrc = deflate(&z, Z_FINISH);
		DEFLATE_CHECK(zrc == Z_OK || zrc == Z_STREAM_END);
		buf_append(out, chunk, sizeof(chunk) - z.avail_out);
	} while (zrc != Z_STREAM_END);
	deflateEnd(&z);
}

#endif
