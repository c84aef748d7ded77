/*
 * test_warc.c - the WARC writer, reader and verifier, and the HTTP helpers.
 *
 * Digests are checked against an independent computation (OpenSSL EVP and
 * a base32 encoder written here, not base.h's), so a bug shared by writer
 * and verifier cannot hide.  With WARC_TEST_OUT set, test_corpus leaves its
 * WARC files in $WARC_TEST_OUT/warc for tests/e2e/warcio.sh, which has them
 * checked by webrecorder's warcio.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "warc/internal.h"
#include "warc/warc.h"
#include "deflate_test.h"

#define FETCHED_AT 1795000000123LL /* 2026-11-18T11:06:40.123Z */

/* ---- helpers --------------------------------------------------------------
 */

static char *make_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/patroli-warc-XXXXXX", t && *t ? t : "/tmp");
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return d;
}

static void rm_rf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Independent RFC 4648 base32, padded. */
static void b32(const unsigned char *in, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 5) {
		unsigned char blk[5] = {0};
		size_t k = MIN(5, n - i);
		static const int chars[] = {0, 2, 4, 5, 7, 8};

		memcpy(blk, in + i, k);
		uint64_t v = ((uint64_t)blk[0] << 32) |
			     ((uint64_t)blk[1] << 24) |
			     ((uint64_t)blk[2] << 16) |
			     ((uint64_t)blk[3] << 8) | blk[4];
		for (int j = 0; j < 8; j++)
			out[o + (size_t)j] =
				j < chars[k] ? a[(v >> (35 - 5 * j)) & 31]
					     : '=';
		o += 8;
	}
	out[o] = '\0';
}

static void expect_label(const void *p, size_t n, char *out)
{
	unsigned char md[32];
	unsigned int len = 0;

	assert_true(EVP_Digest(p, n, md, &len, EVP_sha256(), NULL));
	memcpy(out, "sha256:", 7);
	b32(md, len, out + 7);
}

static void expect_hex(const void *p, size_t n, char *out)
{
	unsigned char md[32];
	unsigned int len = 0;

	assert_true(EVP_Digest(p, n, md, &len, EVP_sha256(), NULL));
	for (unsigned i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static bool slice_is(struct slice s, const char *str)
{
	return s.n == strlen(str) && !memcmp(s.p, str, s.n);
}

static struct warc_writer *open_writer(const char *dir, int64_t max_file)
{
	static const char *const info[] = {"operator", "BPOM test", NULL};
	struct warc_writer_opts o = {
		.data_dir = dir,
		.subdir = "warc",
		.prefix = "test",
		.max_file = max_file,
		.info = info,
	};
	struct warc_writer *w = NULL;

	assert_int_equal(warc_writer_open(&o, &w), 0);
	return w;
}

static const char REQ[] = "GET /produk/1 HTTP/1.1\r\nHost: toko.test\r\n"
			  "User-Agent: patroli\r\nAccept: */*\r\n\r\n";

static int write_one(struct warc_writer *w, const char *resp, size_t n,
		     enum warc_truncated t, struct warc_written *out)
{
	struct warc_fetch f = {
		.url = "http://toko.test/produk/1",
		.ip = "127.0.0.1",
		.fetched_at = FETCHED_AT,
		.request = SLICE_LIT(REQ),
		.response = {resp, n},
		.truncated = t,
	};

	return warc_write_fetch(w, &f, out);
}

static int write_str(struct warc_writer *w, const char *resp,
		     enum warc_truncated t, struct warc_written *out)
{
	return write_one(w, resp, strlen(resp), t, out);
}

static char *full_path(const char *dir, const char *rel)
{
	return xasprintf("%s/%s", dir, rel);
}

/* Sorted list of *.warc.gz in dir/warc. */
static size_t list_files(const char *dir, char names[][256], size_t max)
{
	char *d = xasprintf("%s/warc", dir);
	DIR *dh = opendir(d);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(dh);
	while ((e = readdir(dh)) && n < max)
		if (strstr(e->d_name, ".warc.gz"))
			snprintf(names[n++], 256, "%s", e->d_name);
	closedir(dh);
	free(d);
	qsort(names, n, 256, (int (*)(const void *, const void *))strcmp);
	return n;
}

struct problems {
	int n;
	int64_t offsets[16];
	char what[16][256];
};

static void on_problem(void *arg, const char *file, int64_t off,
		       const char *what)
{
	struct problems *p = arg;

	(void)file;
	if (p->n < 16) {
		p->offsets[p->n] = off;
		snprintf(p->what[p->n], 256, "%s", what);
	}
	p->n++;
}

static void gzip_member(const void *p, size_t n, struct buf *out)
{
	test_deflate(p, n, 6, 16 + MAX_WBITS, out);
}

/* ---- writer and reader ----------------------------------------------------
 */

static const char RESP[] = "HTTP/1.1 200 OK\r\n"
			   "Content-Type: text/html; charset=utf-8\r\n"
			   "Content-Length: 38\r\n\r\n"
			   "<h1>Obat kuat tanpa izin edar BPOM</h1>";

static void test_round_trip(void **state)
{
	char *dir = make_tmpdir();
	struct warc_writer *w = open_writer(dir, 0);
	struct warc_written out;
	struct warc_reader *r;
	struct warc_record rec;
	struct slice v;
	char *path;
	char warcinfo_id[WARC_ID_LEN] = "";

	(void)state;
	assert_int_equal(
		write_one(w, RESP, sizeof(RESP) - 1, WARC_TRUNC_NONE, &out), 0);
	assert_true(!strncmp(out.file, "warc/test-", 10));
	assert_non_null(strstr(out.file, "-00000.warc.gz"));
	assert_string_equal(out.file, warc_writer_file(w));
	assert_int_equal(out.status, 200);
	assert_false(out.payload_bad);
	assert_true(out.offset > 0 && out.length > 0);
	assert_int_equal(out.request_offset, out.offset + out.length);
	assert_true(!strncmp(out.response_id, "<urn:uuid:", 10));
	assert_int_equal(strlen(out.response_id), 47);
	assert_int_equal(out.response_id[24], '4'); /* UUID version 4 */
	assert_string_not_equal(out.response_id, out.request_id);
	assert_int_equal(warc_writer_flush(w), 0);
	assert_int_equal(warc_writer_close(w), 0);

	path = full_path(dir, out.file);
	assert_int_equal(warc_reader_open(path, 0, &r), 0);

	/* warcinfo */
	assert_int_equal(warc_reader_next(r, &rec), 0);
	assert_int_equal(rec.offset, 0);
	assert_true(slice_is(rec.version, "WARC/1.1"));
	assert_true(slice_is(rec.type, "warcinfo"));
	assert_true(slice_is(rec.content_type, "application/warc-fields"));
	assert_non_null(
		memmem(rec.block.p, rec.block.n, "operator: BPOM test", 19));
	assert_true(warc_record_field(&rec, "warc-filename", &v));
	assert_non_null(strstr(out.file, "test-"));
	snprintf(warcinfo_id, sizeof(warcinfo_id), "%.*s", (int)rec.id.n,
		 rec.id.p);
	assert_int_equal(rec.offset + rec.length, out.offset);

	/* response */
	assert_int_equal(warc_reader_next(r, &rec), 0);
	assert_int_equal(rec.offset, out.offset);
	assert_int_equal(rec.length, out.length);
	assert_true(slice_is(rec.type, "response"));
	assert_true(slice_is(rec.id, out.response_id));
	assert_true(slice_is(rec.warcinfo_id, warcinfo_id));
	assert_true(slice_is(rec.target_uri, "http://toko.test/produk/1"));
	assert_true(slice_is(rec.ip, "127.0.0.1"));
	assert_true(slice_is(rec.date, "2026-11-18T11:06:40.123Z"));
	assert_true(slice_is(rec.content_type,
			     "application/http;msgtype=response"));
	assert_int_equal(rec.content_length, sizeof(RESP) - 1);
	assert_memory_equal(rec.block.p, RESP, sizeof(RESP) - 1);
	assert_int_equal(rec.truncated.n, 0);
	assert_true(warc_record_is_http(&rec));

	/* request */
	assert_int_equal(warc_reader_next(r, &rec), 0);
	assert_int_equal(rec.offset, out.request_offset);
	assert_int_equal(rec.length, out.request_length);
	assert_true(slice_is(rec.type, "request"));
	assert_true(slice_is(rec.id, out.request_id));
	assert_true(slice_is(rec.concurrent_to, out.response_id));
	assert_true(
		slice_is(rec.content_type, "application/http;msgtype=request"));
	assert_memory_equal(rec.block.p, REQ, sizeof(REQ) - 1);

	assert_int_equal(warc_reader_next(r, &rec), ERR_NOTFOUND);

	/* Random access by offset, as the store indexes records. */
	assert_int_equal(warc_reader_seek(r, out.offset), 0);
	assert_int_equal(warc_reader_next(r, &rec), 0);
	assert_true(slice_is(rec.id, out.response_id));
	warc_reader_close(r);

	/* The member alone is a complete gzip stream. */
	{
		FILE *f = fopen(path, "rb");
		struct buf gz = BUF_INIT, plain = BUF_INIT;
		char *tmp = xmalloc((size_t)out.length);

		assert_non_null(f);
		assert_int_equal(fseek(f, (long)out.offset, SEEK_SET), 0);
		assert_int_equal(fread(tmp, 1, (size_t)out.length, f),
				 (size_t)out.length);
		fclose(f);
		buf_append(&gz, tmp, (size_t)out.length);
		assert_int_equal(warc_http_decode(buf_slice(&gz),
						  SLICE_LIT("gzip"), &plain),
				 0);
		assert_true(!strncmp(plain.p, "WARC/1.1\r\n", 10));
		assert_true(plain.len > sizeof(RESP));
		assert_memory_equal(plain.p + plain.len - 4, "\r\n\r\n", 4);
		free(tmp);
		buf_release(&gz);
		buf_release(&plain);
	}
	free(path);
	rm_rf(dir);
	free(dir);
}

static void test_digests_independent(void **state)
{
	char *dir = make_tmpdir();
	struct warc_writer *w = open_writer(dir, 0);
	struct warc_written out;
	struct warc_reader *r;
	struct warc_record rec;
	struct warc_check chk;
	char expect[128], hex[65];
	const char *body = strstr(RESP, "\r\n\r\n") + 4;
	char *path;

	(void)state;
	assert_int_equal(
		write_one(w, RESP, sizeof(RESP) - 1, WARC_TRUNC_NONE, &out), 0);
	assert_int_equal(warc_writer_close(w), 0);
	expect_hex(body, strlen(body), hex);
	assert_string_equal(out.payload_sha256, hex);

	path = full_path(dir, out.file);
	assert_int_equal(warc_reader_open(path, 0, &r), 0);
	assert_int_equal(warc_reader_seek(r, out.offset), 0);
	assert_int_equal(warc_reader_next(r, &rec), 0);
	expect_label(RESP, sizeof(RESP) - 1, expect);
	assert_true(slice_is(rec.block_digest, expect));
	expect_label(body, strlen(body), expect);
	assert_true(slice_is(rec.payload_digest, expect));
	assert_int_equal(strlen(expect), 7 + 56); /* 52 chars + 4 '=' */
	assert_int_equal(warc_record_check(&rec, &chk), 0);
	assert_true(chk.block_ok && chk.payload_ok);
	assert_string_equal(chk.payload_sha256, hex);

	/* the request has an empty payload */
	assert_int_equal(warc_reader_next(r, &rec), 0);
	expect_label("", 0, expect);
	assert_true(slice_is(rec.payload_digest, expect));
	expect_label(REQ, sizeof(REQ) - 1, expect);
	assert_true(slice_is(rec.block_digest, expect));
	warc_reader_close(r);
	free(path);
	rm_rf(dir);
	free(dir);
}

static const char CHUNKED[] = "HTTP/1.1 200 OK\r\n"
			      "Content-Type: text/plain\r\n"
			      "Transfer-Encoding: chunked\r\n\r\n"
			      "7\r\nMozilla\r\n"
			      "9;name=val\r\nDeveloper\r\n"
			      "7\r\nNetwork\r\n"
			      "0\r\nExpires: never\r\n\r\n";

static void test_chunked_payload(void **state)
{
	char *dir = make_tmpdir();
	struct warc_writer *w = open_writer(dir, 0);
	struct warc_written out;
	struct warc_reader *r;
	struct warc_record rec;
	struct warc_check chk;
	char expect[128], hex[65];
	char *path;

	(void)state;
	assert_int_equal(write_one(w, CHUNKED, sizeof(CHUNKED) - 1,
				   WARC_TRUNC_NONE, &out),
			 0);
	assert_int_equal(warc_writer_close(w), 0);
	expect_hex("MozillaDeveloperNetwork", 23, hex);
	assert_string_equal(out.payload_sha256, hex);
	assert_false(out.payload_bad);

	path = full_path(dir, out.file);
	assert_int_equal(warc_reader_open(path, 0, &r), 0);
	assert_int_equal(warc_reader_seek(r, out.offset), 0);
	assert_int_equal(warc_reader_next(r, &rec), 0);
	/* block kept as received, chunked */
	assert_memory_equal(rec.block.p, CHUNKED, sizeof(CHUNKED) - 1);
	expect_label(CHUNKED, sizeof(CHUNKED) - 1, expect);
	assert_true(slice_is(rec.block_digest, expect));
	expect_label("MozillaDeveloperNetwork", 23, expect);
	assert_true(slice_is(rec.payload_digest, expect));
	assert_int_equal(warc_record_check(&rec, &chk), 0);
	assert_string_equal(chk.payload_sha256, hex);
	warc_reader_close(r);
	free(path);
	rm_rf(dir);
	free(dir);
}

/* ---- HTTP helpers ------------------------------------------------------- */

static int dechunk(const char *in, struct buf *out)
{
	buf_reset(out);
	return warc_http_dechunk(slice_from(in), out);
}

static void test_dechunk_malformed(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(dechunk("3\r\nabc\r\n0\r\n\r\n", &b), 0);
	assert_string_equal(b.p, "abc");
	/* bare LF, upper-case hex, extensions, trailers */
	assert_int_equal(dechunk("A;x=1\nabcdefghij\n0\nX-T: 1\n\n", &b), 0);
	assert_string_equal(b.p, "abcdefghij");
	/* not a size */
	assert_int_equal(dechunk("zz\r\nabc\r\n0\r\n\r\n", &b), ERR_INPUT);
	assert_int_equal(b.len, 0);
	assert_int_equal(dechunk("", &b), ERR_INPUT);
	assert_int_equal(dechunk("\r\n", &b), ERR_INPUT);
	assert_int_equal(dechunk("3 x\r\nabc\r\n0\r\n\r\n", &b), ERR_INPUT);
	/* size beyond the data: what arrived is kept */
	assert_int_equal(dechunk("3\r\nabc\r\n10\r\nxyz", &b), ERR_INPUT);
	assert_string_equal(b.p, "abcxyz");
	/* overflowing size */
	assert_int_equal(dechunk("3\r\nabc\r\nffffffffffffffffffff\r\nx", &b),
			 ERR_INPUT);
	assert_string_equal(b.p, "abc");
	assert_int_equal(dechunk("ffffffffffffffff\r\nx", &b), ERR_INPUT);
	assert_string_equal(b.p, "x");
	/* chunk data not followed by CRLF */
	assert_int_equal(dechunk("3\r\nabcd\r\n0\r\n\r\n", &b), ERR_INPUT);
	assert_string_equal(b.p, "abc");
	/* missing zero chunk, missing final blank line */
	assert_int_equal(dechunk("3\r\nabc\r\n", &b), ERR_INPUT);
	assert_string_equal(b.p, "abc");
	assert_int_equal(dechunk("3\r\nabc\r\n0\r\n", &b), ERR_INPUT);
	assert_int_equal(dechunk("3\r\nabc\r\n0\r\nX-Trailer: 1\r\n", &b),
			 ERR_INPUT);
	assert_string_equal(b.p, "abc");
	/* negative sizes are not hex */
	assert_int_equal(dechunk("-1\r\nabc\r\n0\r\n\r\n", &b), ERR_INPUT);
	/* capped output */
	b.max = 4;
	assert_int_equal(dechunk("3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n", &b),
			 ERR_LIMIT);
	buf_release(&b);
}

static void test_parse_head(void **state)
{
	struct warc_http_head h = {0};
	struct slice v;
	const char *in;

	(void)state;
	assert_int_equal(warc_http_parse_head(SLICE_LIT(RESP), &h), 0);
	assert_int_equal(h.status, 200);
	assert_true(slice_is(h.reason, "OK"));
	assert_true(warc_http_header(&h, "content-TYPE", &v));
	assert_true(slice_is(v, "text/html; charset=utf-8"));
	assert_false(warc_http_header(&h, "Content-Encoding", &v));
	assert_string_equal(RESP + h.body_off,
			    "<h1>Obat kuat tanpa izin edar BPOM</h1>");
	assert_false(warc_http_is_chunked(&h));

	/* interim 100 Continue, bare LF, HTTP/2, folded and junk lines */
	in = "HTTP/1.1 100 Continue\r\n\r\nHTTP/2 404\nX-A:  b \n"
	     " folded\njunk\nTransfer-Encoding: gzip, chunked\n\nbody";
	assert_int_equal(warc_http_parse_head(slice_from(in), &h), 0);
	assert_int_equal(h.status, 404);
	assert_int_equal(h.reason.n, 0);
	assert_int_equal(h.nheaders, 2);
	assert_true(warc_http_header(&h, "x-a", &v));
	assert_true(slice_is(v, "b"));
	assert_true(warc_http_is_chunked(&h));
	assert_string_equal(in + h.body_off, "body");

	assert_int_equal(warc_http_parse_head(SLICE_LIT("HTTP/1.1 200 OK\r\n"
							"A: b\r\n"),
					      &h),
			 ERR_INPUT);
	assert_int_equal(warc_http_parse_head(SLICE_LIT("<html>\r\n\r\n"), &h),
			 ERR_INPUT);
	assert_int_equal(
		warc_http_parse_head(SLICE_LIT("HTTP/1.1 2x0 OK\r\n\r\n"), &h),
		ERR_INPUT);
	assert_int_equal(
		warc_http_parse_head(SLICE_LIT("HTTP/1.1 200OK\r\n\r\n"), &h),
		ERR_INPUT);
	assert_int_equal(warc_http_parse_request(SLICE_LIT(REQ), &h), 0);
	assert_true(warc_http_header(&h, "host", &v));
	assert_true(slice_is(v, "toko.test"));
	assert_int_equal(h.body_off, sizeof(REQ) - 1);
	assert_int_equal(
		warc_http_parse_request(SLICE_LIT("GET /\r\n\r\n"), &h),
		ERR_INPUT);

	/* too many header fields, too long a head */
	{
		struct buf big = BUF_INIT;
		buf_puts(&big, "HTTP/1.1 200 OK\r\n");
		for (int i = 0; i < WARC_HTTP_MAX_HEADERS + 1; i++)
			buf_printf(&big, "X-%d: v\r\n", i);
		buf_puts(&big, "\r\n");
		assert_int_equal(warc_http_parse_head(buf_slice(&big), &h),
				 ERR_LIMIT);
		buf_reset(&big);
		buf_puts(&big, "HTTP/1.1 200 OK\r\nX: ");
		for (int i = 0; i < WARC_HTTP_MAX_HEAD; i++)
			buf_putc(&big, 'a');
		buf_puts(&big, "\r\n\r\n");
		assert_int_equal(warc_http_parse_head(buf_slice(&big), &h),
				 ERR_LIMIT);
		buf_release(&big);
	}
	warc_http_head_release(&h);
}

static const unsigned char BR[] = {
	0x1b, 0x5c, 0x00, 0xf8, 0x45, 0xdd, 0xd6, 0x2d, 0x69, 0x29,
	0xdb, 0x65, 0x86, 0x3a, 0xd1, 0x70, 0x84, 0x23, 0x32, 0x8b,
	0xf1, 0x55, 0xb8, 0xe0, 0xe3, 0x90, 0xb1, 0x9f, 0x0c, 0x2b,
	0x8f, 0x10, 0x3f, 0x12, 0x6b, 0xea, 0xa2, 0x76, 0xb6, 0x42};
static const char BR_TEXT[] = "Obat kuat tanpa izin edar BPOM\n"
			      "Obat kuat tanpa izin edar BPOM\n"
			      "Obat kuat tanpa izin edar BPOM\n";

static void zlib_compress(const char *s, int wbits, struct buf *out)
{
	test_deflate(s, strlen(s), 9, wbits, out);
}

static void test_decode(void **state)
{
	struct buf enc = BUF_INIT, out = BUF_INIT, resp = BUF_INIT;
	struct warc_http_head h = {0};

	(void)state;
	/* gzip, zlib-wrapped deflate, raw deflate */
	zlib_compress(BR_TEXT, 16 + MAX_WBITS, &enc);
	assert_int_equal(
		warc_http_decode(buf_slice(&enc), SLICE_LIT("gzip"), &out), 0);
	assert_string_equal(out.p, BR_TEXT);
	/* truncated gzip: partial output, ERR_INPUT */
	buf_reset(&out);
	assert_int_equal(warc_http_decode((struct slice){enc.p, enc.len - 6},
					  SLICE_LIT("x-gzip"), &out),
			 ERR_INPUT);
	buf_reset(&enc);
	zlib_compress(BR_TEXT, MAX_WBITS, &enc);
	buf_reset(&out);
	assert_int_equal(
		warc_http_decode(buf_slice(&enc), SLICE_LIT("Deflate"), &out),
		0);
	assert_string_equal(out.p, BR_TEXT);
	buf_reset(&enc);
	zlib_compress(BR_TEXT, -MAX_WBITS, &enc);
	buf_reset(&out);
	assert_int_equal(
		warc_http_decode(buf_slice(&enc), SLICE_LIT("deflate"), &out),
		0);
	assert_string_equal(out.p, BR_TEXT);
	/* brotli (bytes from node's zlib.brotliCompressSync) */
	buf_reset(&out);
	assert_int_equal(
		warc_http_decode((struct slice){(const char *)BR, sizeof(BR)},
				 SLICE_LIT("br"), &out),
		0);
	assert_string_equal(out.p, BR_TEXT);
	buf_reset(&out);
	assert_int_equal(warc_http_decode((struct slice){(const char *)BR, 20},
					  SLICE_LIT("br"), &out),
			 ERR_INPUT);
	/* identity, unknown, garbage */
	buf_reset(&out);
	assert_int_equal(
		warc_http_decode(SLICE_LIT("abc"), SLICE_LIT("identity"), &out),
		0);
	assert_string_equal(out.p, "abc");
	buf_reset(&out);
	assert_int_equal(
		warc_http_decode(SLICE_LIT("abc"), SLICE_LIT("compress"), &out),
		ERR_INPUT);
	buf_reset(&out);
	assert_int_equal(warc_http_decode(SLICE_LIT("abcdefgh"),
					  SLICE_LIT("gzip"), &out),
			 ERR_INPUT);
	/* a compression bomb stops at the cap */
	{
		char *zeros = xcalloc(1, 4u << 20);
		memset(zeros, 'a', (4u << 20) - 1);
		buf_reset(&enc);
		struct buf big = BUF_INIT;
		gzip_member(zeros, (4u << 20) - 1, &big);
		assert_true(big.len < 64 * 1024);
		buf_reset(&out);
		out.max = 1 << 20;
		assert_int_equal(warc_http_decode(buf_slice(&big),
						  SLICE_LIT("gzip"), &out),
				 ERR_LIMIT);
		assert_true(out.len <= 1 << 20);
		out.max = 0;
		buf_release(&big);
		free(zeros);
	}
	/* gzip then br applied by the server: undone right to left */
	buf_reset(&enc);
	/* "br, gzip": br first, then gzip over it */
	gzip_member(BR, sizeof(BR), &enc);
	buf_reset(&out);
	assert_int_equal(
		warc_http_decode(buf_slice(&enc), SLICE_LIT("br, gzip"), &out),
		0);
	assert_string_equal(out.p, BR_TEXT);

	/* warc_http_body: chunked + gzip, as a browser would show it */
	buf_reset(&enc);
	zlib_compress(BR_TEXT, 16 + MAX_WBITS, &enc);
	buf_printf(&resp,
		   "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
		   "Transfer-Encoding: chunked\r\n\r\n%zx\r\n",
		   enc.len);
	buf_append(&resp, enc.p, enc.len);
	buf_puts(&resp, "\r\n0\r\n\r\n");
	assert_int_equal(warc_http_body(buf_slice(&resp), 0, &out, &h), 0);
	assert_string_equal(out.p, BR_TEXT);
	assert_int_equal(h.status, 200);
	assert_int_equal(warc_http_body(buf_slice(&resp), 10, &out, NULL),
			 ERR_LIMIT);
	warc_http_head_release(&h);
	buf_release(&enc);
	buf_release(&out);
	buf_release(&resp);
}

/* ---- rotation, durability, verification ------------------------------- */

static void test_rotation(void **state)
{
	char *dir = make_tmpdir();
	struct warc_writer *w = open_writer(dir, 600);
	struct warc_written out;
	char names[16][256];
	char first[WARC_NAME_MAX] = "";
	int files_seen = 0;
	size_t n;

	(void)state;
	for (int i = 0; i < 6; i++) {
		assert_int_equal(write_one(w, RESP, sizeof(RESP) - 1,
					   WARC_TRUNC_NONE, &out),
				 0);
		/* the pair is always in one file */
		assert_int_equal(out.request_offset, out.offset + out.length);
		if (strcmp(first, out.file)) {
			files_seen++;
			snprintf(first, sizeof(first), "%s", out.file);
		}
	}
	assert_int_equal(warc_writer_close(w), 0);
	n = list_files(dir, names, 16);
	assert_true(n >= 2);
	assert_int_equal((int)n, files_seen);
	for (size_t i = 0; i < n; i++) {
		char *p = xasprintf("%s/warc/%s", dir, names[i]);
		struct warc_reader *r;
		struct warc_record rec;
		struct warc_verify_stats st = {0};
		struct stat sb;
		char seq[24];

		/* test-YYYYmmddHHMMSS-NNNNN.warc.gz */
		assert_int_equal(strlen(names[i]), 5 + 14 + 1 + 5 + 8);
		snprintf(seq, sizeof(seq), "%05zu", i);
		assert_memory_equal(names[i] + 20, seq, 5);
		assert_int_equal(warc_reader_open(p, 0, &r), 0);
		assert_int_equal(warc_reader_next(r, &rec), 0);
		assert_true(slice_is(rec.type, "warcinfo"));
		warc_reader_close(r);
		assert_int_equal(warc_verify_file(p, NULL, NULL, &st), 0);
		assert_int_equal(st.mismatches, 0);
		assert_int_equal(stat(p, &sb), 0);
		/* rotation happens once the limit is reached, between pairs */
		if (i + 1 < n)
			assert_true(sb.st_size >= 600);
		free(p);
	}
	rm_rf(dir);
	free(dir);
}

/* Two writers in the same second never share or append to a file. */
/* warc_writer_sync_begin/warc_sync_end: the sync works on a duplicate, so
 * a rotation (which closes the file) between the two steps is harmless,
 * and both files stay whole. */
static void test_sync_split(void **state)
{
	char *dir = make_tmpdir();
	struct warc_writer *w = open_writer(dir, 600);
	struct warc_written out;
	struct warc_sync s;
	char before[WARC_NAME_MAX];

	(void)state;
	assert_int_equal(
		write_one(w, RESP, sizeof(RESP) - 1, WARC_TRUNC_NONE, &out), 0);
	snprintf(before, sizeof(before), "%s", out.file);
	assert_int_equal(warc_writer_sync_begin(w, &s), 0);
	assert_true(s.fd >= 0);
	assert_non_null(strstr(s.path, before + strlen("warc/")));
	/* appends go on meanwhile, until the writer rotates */
	for (int i = 0; i < 4 && !strcmp(out.file, before); i++)
		assert_int_equal(write_one(w, RESP, sizeof(RESP) - 1,
					   WARC_TRUNC_NONE, &out),
				 0);
	assert_string_not_equal(out.file, before);
	assert_int_equal(warc_sync_end(&s), 0);
	assert_int_equal(s.fd, -1);
	assert_null(s.path);
	assert_int_equal(warc_sync_end(&s), 0); /* a second end: a no-op */
	assert_int_equal(warc_writer_close(w), 0);
	for (const char *f = before; f; f = f == before ? out.file : NULL) {
		char *p = full_path(dir, f);
		struct warc_verify_stats st = {0};

		assert_int_equal(warc_verify_file(p, NULL, NULL, &st), 0);
		assert_int_equal(st.mismatches, 0);
		assert_true(st.records >= 2);
		free(p);
	}
	rm_rf(dir);
	free(dir);
}

static void test_new_file_each_open(void **state)
{
	char *dir = make_tmpdir();
	struct warc_writer *a = open_writer(dir, 0);
	struct warc_writer *b = open_writer(dir, 0);
	char names[8][256];

	(void)state;
	assert_string_not_equal(warc_writer_file(a), warc_writer_file(b));
	assert_int_equal(warc_writer_close(a), 0);
	assert_int_equal(warc_writer_close(b), 0);
	assert_int_equal(list_files(dir, names, 8), 2);
	rm_rf(dir);
	free(dir);
}

static void test_truncated_option(void **state)
{
	char *dir = make_tmpdir();
	struct warc_writer *w = open_writer(dir, 0);
	struct warc_written out;
	struct warc_reader *r;
	struct warc_record rec;
	struct warc_check chk;
	char *path;
	/* body cap hit in the middle of a chunk */
	static const char part[] = "HTTP/1.1 200 OK\r\n"
				   "Transfer-Encoding: chunked\r\n\r\n"
				   "a\r\n0123456789\r\n10\r\nabc";
	char hex[65];

	(void)state;
	assert_int_equal(
		write_one(w, part, sizeof(part) - 1, WARC_TRUNC_LENGTH, &out),
		0);
	assert_true(out.payload_bad);
	expect_hex("0123456789abc", 13, hex);
	assert_string_equal(out.payload_sha256, hex);
	struct warc_written out2;
	assert_int_equal(write_str(w, "HTTP/1.1 200 OK\r\nContent-",
				   WARC_TRUNC_TIME, &out2),
			 0);
	assert_int_equal(out2.status, 0); /* head incomplete */
	/* nothing is written for a fetch without a response */
	struct warc_written out3;
	assert_int_equal(write_one(w, "", 0, WARC_TRUNC_NONE, &out3),
			 ERR_INPUT);
	/* header injection is refused */
	struct warc_fetch f = {.url = "http://x.test/\r\nWARC-Type: evil",
			       .response = SLICE_LIT(RESP)};
	assert_int_equal(warc_write_fetch(w, &f, &out3), ERR_INPUT);
	f.url = "http://x.test/";
	f.ip = "1.2.3.4\r\nX: y";
	assert_int_equal(warc_write_fetch(w, &f, &out3), ERR_INPUT);
	assert_int_equal(warc_writer_close(w), 0);

	path = full_path(dir, out.file);
	assert_int_equal(warc_reader_open(path, 0, &r), 0);
	assert_int_equal(warc_reader_seek(r, out.offset), 0);
	assert_int_equal(warc_reader_next(r, &rec), 0);
	assert_true(slice_is(rec.truncated, "length"));
	assert_int_equal(warc_record_check(&rec, &chk), 0);
	assert_string_equal(chk.payload_sha256, hex);
	assert_int_equal(warc_reader_seek(r, out2.offset), 0);
	assert_int_equal(warc_reader_next(r, &rec), 0);
	assert_true(slice_is(rec.truncated, "time"));
	assert_int_equal(rec.payload_digest.n, 0);
	assert_true(rec.block_digest.n > 0);
	assert_int_equal(warc_record_check(&rec, &chk), 0);
	warc_reader_close(r);
	free(path);
	rm_rf(dir);
	free(dir);
}

/* Write three fetches; return the file's path and the response offsets. */
static char *three_fetches(const char *dir, struct warc_written out[3])
{
	struct warc_writer *w = open_writer(dir, 0);

	for (int i = 0; i < 3; i++)
		assert_int_equal(write_one(w, i == 1 ? CHUNKED : RESP,
					   i == 1 ? sizeof(CHUNKED) - 1
						  : sizeof(RESP) - 1,
					   WARC_TRUNC_NONE, &out[i]),
				 0);
	assert_int_equal(warc_writer_close(w), 0);
	return full_path(dir, out[0].file);
}

static void test_verify_corrupt_byte(void **state)
{
	char *dir = make_tmpdir();
	struct warc_written out[3];
	char *path = three_fetches(dir, out);
	struct warc_verify_stats st = {0};
	struct problems pr = {0};
	unsigned char c;
	int fd;

	(void)state;
	assert_int_equal(warc_verify_file(path, on_problem, &pr, &st), 0);
	assert_int_equal(st.records, 7);
	assert_int_equal(st.mismatches, 0);
	assert_int_equal(pr.n, 0);

	/* flip one byte inside the second response's deflate data */
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	off_t at = (off_t)(out[1].offset + out[1].length / 2);
	assert_int_equal(pread(fd, &c, 1, at), 1);
	c ^= 0x20;
	assert_int_equal(pwrite(fd, &c, 1, at), 1);
	close(fd);

	memset(&st, 0, sizeof(st));
	memset(&pr, 0, sizeof(pr));
	assert_int_equal(warc_verify_file(path, on_problem, &pr, &st), 0);
	assert_true(st.mismatches >= 1);
	assert_true(pr.n >= 1);
	assert_int_equal(pr.offsets[0], out[1].offset);
	/* the reader resynchronised: the third response was still read */
	assert_true(st.records >= 6);
	rm_rf(dir);
	free(path);
	free(dir);
}

/* A record whose gzip is fine but whose bytes were altered (re-compressed
 * after editing): only the digests can tell. */
static void test_verify_tampered_block(void **state)
{
	char *dir = make_tmpdir();
	struct warc_written out[3];
	char *path = three_fetches(dir, out);
	struct warc_reader *r;
	struct warc_record rec;
	struct buf plain = BUF_INIT, member = BUF_INIT;
	struct warc_verify_stats st = {0};
	struct problems pr = {0};
	char *tampered = xasprintf("%s/tampered.warc.gz", dir);
	FILE *f;
	char *edit;

	(void)state;
	assert_int_equal(warc_reader_open(path, 0, &r), 0);
	assert_int_equal(warc_reader_seek(r, out[0].offset), 0);
	assert_int_equal(warc_reader_next(r, &rec), 0);
	buf_append(&plain, "WARC/1.1\r\n", 10);
	buf_append(&plain, rec.fields.p, rec.fields.n);
	buf_puts(&plain, "\r\n");
	buf_append(&plain, rec.block.p, rec.block.n);
	buf_puts(&plain, "\r\n\r\n");
	warc_reader_close(r);
	edit = strstr(plain.p, "tanpa izin");
	assert_non_null(edit);
	memcpy(edit, "punya izin", 10); /* same length, different claim */
	gzip_member(plain.p, plain.len, &member);
	f = fopen(tampered, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(member.p, 1, member.len, f), member.len);
	fclose(f);

	assert_int_equal(warc_verify_file(tampered, on_problem, &pr, &st), 0);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.mismatches, 1);
	assert_int_equal(pr.offsets[0], 0);
	assert_non_null(strstr(pr.what[0], "block digest mismatch"));
	buf_release(&plain);
	buf_release(&member);
	rm_rf(dir);
	free(tampered);
	free(path);
	free(dir);
}

static void test_verify_truncated_tail(void **state)
{
	char *dir = make_tmpdir();
	struct warc_written out[3];
	char *path = three_fetches(dir, out);
	struct warc_verify_stats st = {0};
	struct problems pr = {0};
	struct stat sb;

	(void)state;
	assert_int_equal(stat(path, &sb), 0);
	/* the last member (third request) loses its last 10 bytes */
	assert_int_equal(truncate(path, sb.st_size - 10), 0);
	assert_int_equal(warc_verify_file(path, on_problem, &pr, &st), 0);
	assert_int_equal(st.records, 7);
	assert_int_equal(st.mismatches, 1);
	assert_int_equal(pr.n, 1);
	assert_int_equal(pr.offsets[0], out[2].request_offset);
	assert_non_null(strstr(pr.what[0], "truncated gzip member"));

	/* garbage appended after the last member is reported too */
	assert_int_equal(truncate(path, out[2].request_offset), 0);
	FILE *f = fopen(path, "ab");
	assert_non_null(f);
	fputs("not gzip at all", f);
	fclose(f);
	memset(&st, 0, sizeof(st));
	memset(&pr, 0, sizeof(pr));
	assert_int_equal(warc_verify_file(path, on_problem, &pr, &st), 0);
	assert_int_equal(st.mismatches, 1);
	assert_int_equal(pr.offsets[0], out[2].request_offset);
	rm_rf(dir);
	free(path);
	free(dir);
}

static void test_hostile_records(void **state)
{
	char *dir = make_tmpdir();
	char *path = xasprintf("%s/h.warc.gz", dir);
	static const char *const bad[] = {
		"HTTP/1.1 200 OK\r\n\r\n", /* not WARC */
		"WARC/1.1\r\nWARC-Type: resource\r\n\r\nabc\r\n\r\n",
		"WARC/1.1\r\nContent-Length: 99\r\n\r\nabc\r\n\r\n",
		"WARC/1.1\r\nContent-Length: 1\r\n\r\nabc\r\n\r\n",
		"WARC/1.1\r\nContent-Length: -3\r\n\r\nabc\r\n\r\n",
		"WARC/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n"
		"abc\r\n\r\n",
		"WARC/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
		"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <x>\r\n"
		"WARC-Block-Digest: sha256:AAAA\r\nContent-Length: 3\r\n\r\n"
		"abc\r\n\r\n",
		"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <x>\r\n"
		"WARC-Block-Digest: crc32:AAAA\r\nContent-Length: 3\r\n\r\n"
		"abc\r\n\r\n",
	};
	struct buf all = BUF_INIT;
	struct warc_verify_stats st = {0};
	struct problems pr = {0};
	FILE *f;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		gzip_member(bad[i], strlen(bad[i]), &all);
	/* a header with no end within the cap */
	{
		char *big = xmalloc(WARC_MAX_HEAD + 100);
		memset(big, 'a', WARC_MAX_HEAD + 100);
		memcpy(big, "WARC/1.1\r\nX: ", 13);
		gzip_member(big, WARC_MAX_HEAD + 100, &all);
		free(big);
	}
	/* and one good record (sha1 hex digest, as other tools write) */
	gzip_member("WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <y>\r\n"
		    "WARC-Block-Digest: "
		    "sha1:a9993e364706816aba3e25717850c26c9cd0d89d\r\n"
		    "Content-Length: 3\r\n\r\nabc\r\n\r\n",
		    strlen("WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: "
			   "<y>\r\nWARC-Block-Digest: sha1:"
			   "a9993e364706816aba3e25717850c26c9cd0d89d\r\n"
			   "Content-Length: 3\r\n\r\nabc\r\n\r\n"),
		    &all);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(all.p, 1, all.len, f), all.len);
	fclose(f);
	assert_int_equal(warc_verify_file(path, on_problem, &pr, &st), 0);
	assert_int_equal(st.records, (int64_t)ARRAY_LEN(bad) + 2);
	assert_int_equal(st.mismatches, (int64_t)ARRAY_LEN(bad) + 1);
	buf_release(&all);
	rm_rf(dir);
	free(path);
	free(dir);
}

/* ---- prepare and append -------------------------------------------------
 * The crawler's evidence threads prepare (hash, compress) in parallel and
 * append one at a time, in whatever order they finish.
 */

#define NTHREADS   4
#define PER_THREAD 24

/* Incompressible bytes, reproducible. */
static void noise(uint64_t seed, unsigned char *p, size_t n)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)x;
	}
}

/* Fetch k of thread t: its URL, its raw response (plain or chunked, some
 * binary, one of 5 MiB: the crawler's body cap) and the hex SHA-256 of
 * its payload. */
static void make_fetch(int t, int k, char url[64], struct buf *resp,
		       char hex[65])
{
	struct buf body = BUF_INIT;
	size_t n = t == 1 && k == 5
			   ? (size_t)5 << 20
			   : 100 + (size_t)(t * 7919 + k * 3571) % 30000;

	snprintf(url, 64, "http://toko.test/t%d/p%d", t, k);
	if (k % 3 == 2) {
		unsigned char *b = xmalloc(n);

		noise((uint64_t)(t * 1000 + k), b, n);
		buf_append(&body, b, n);
		free(b);
	} else {
		while (body.len < n)
			buf_printf(&body, "<p>t%d p%d: obat kuat %zu</p>\n", t,
				   k, body.len);
	}
	expect_hex(body.p, body.len, hex);
	buf_reset(resp);
	if (k % 4 == 1) {
		buf_puts(resp, "HTTP/1.1 200 OK\r\n"
			       "Transfer-Encoding: chunked\r\n\r\n");
		for (size_t i = 0; i < body.len; i += 4000) {
			size_t m = MIN(4000, body.len - i);
			buf_printf(resp, "%zx\r\n", m);
			buf_append(resp, body.p + i, m);
			buf_puts(resp, "\r\n");
		}
		buf_puts(resp, "0\r\n\r\n");
	} else {
		buf_printf(resp,
			   "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n",
			   body.len);
		buf_append(resp, body.p, body.len);
	}
	buf_release(&body);
}

struct prep_job {
	struct warc_writer *w;
	pthread_mutex_t *mu; /* NULL: prepare only, the test appends */
	int t;
	int errors;
	struct warc_prepared *p[PER_THREAD];
	struct warc_written out[PER_THREAD];
};

/* No cmocka asserts here: they longjmp, which only the main thread may. */
static void *prep_thread(void *arg)
{
	struct prep_job *j = arg;
	struct buf resp = BUF_INIT;

	for (int k = 0; k < PER_THREAD; k++) {
		char url[64], hex[65];
		struct warc_fetch f = {
			.url = url,
			.ip = "10.0.0.1",
			.fetched_at = FETCHED_AT,
			.request = SLICE_LIT(REQ),
		};

		make_fetch(j->t, k, url, &resp, hex);
		f.response = buf_slice(&resp);
		if (warc_fetch_prepare(j->w, &f, &j->p[k]))
			j->errors++;
		/* prepare keeps nothing of the fetch */
		memset(resp.p, 'x', resp.len);
		memset(url, 'x', sizeof(url) - 1);
		if (!j->mu)
			continue;
		pthread_mutex_lock(j->mu);
		if (warc_fetch_append(j->w, j->p[k], &j->out[k]))
			j->errors++;
		pthread_mutex_unlock(j->mu);
		warc_prepared_free(j->p[k]);
		j->p[k] = NULL;
	}
	buf_release(&resp);
	return NULL;
}

/* NTHREADS prep_threads on w, each jobs[t]; mu as in struct prep_job. */
static void run_prep_threads(struct prep_job *jobs, struct warc_writer *w,
			     pthread_mutex_t *mu)
{
	pthread_t th[NTHREADS];

	for (int t = 0; t < NTHREADS; t++) {
		jobs[t].w = w;
		jobs[t].mu = mu;
		jobs[t].t = t;
		assert_int_equal(
			pthread_create(&th[t], NULL, prep_thread, &jobs[t]), 0);
	}
	for (int t = 0; t < NTHREADS; t++) {
		assert_int_equal(pthread_join(th[t], NULL), 0);
		assert_int_equal(jobs[t].errors, 0);
	}
}

/* Every file: warcinfo first, every other record naming that warcinfo
 * record, every digest right.  Returns the number of records. */
static int64_t check_files(const char *dir)
{
	char names[256][256];
	size_t n = list_files(dir, names, 256);
	int64_t records = 0;

	assert_true(n >= 1 && n < 256);
	for (size_t i = 0; i < n; i++) {
		char *p = xasprintf("%s/warc/%s", dir, names[i]);
		struct warc_verify_stats st = {0};
		struct warc_reader *r;
		struct warc_record rec;
		struct warc_check chk;
		char info[WARC_ID_LEN];
		int rc;

		assert_int_equal(warc_verify_file(p, NULL, NULL, &st), 0);
		assert_int_equal(st.mismatches, 0);
		assert_int_equal(warc_reader_open(p, 0, &r), 0);
		assert_int_equal(warc_reader_next(r, &rec), 0);
		assert_true(slice_is(rec.type, "warcinfo"));
		assert_int_equal(rec.id.n, WARC_ID_LEN - 1);
		snprintf(info, sizeof(info), "%.*s", (int)rec.id.n, rec.id.p);
		records++;
		while ((rc = warc_reader_next(r, &rec)) == 0) {
			assert_true(slice_is(rec.warcinfo_id, info));
			assert_int_equal(warc_record_check(&rec, &chk), 0);
			records++;
		}
		assert_int_equal(rc, ERR_NOTFOUND);
		warc_reader_close(r);
		free(p);
	}
	return records;
}

/* The pair `out` points at is fetch k of thread t, whole. */
static void check_fetch(const char *dir, const struct warc_written *out, int t,
			int k)
{
	char url[64], hex[65];
	struct buf resp = BUF_INIT;
	char *path = full_path(dir, out->file);
	struct warc_reader *r;
	struct warc_record rec;

	make_fetch(t, k, url, &resp, hex);
	assert_string_equal(out->payload_sha256, hex);
	assert_int_equal(out->status, 200);
	assert_false(out->payload_bad);
	assert_int_equal(out->request_offset, out->offset + out->length);
	assert_int_equal(warc_reader_open(path, 0, &r), 0);
	assert_int_equal(warc_reader_seek(r, out->offset), 0);
	assert_int_equal(warc_reader_next(r, &rec), 0);
	assert_int_equal(rec.offset, out->offset);
	assert_int_equal(rec.length, out->length);
	assert_true(slice_is(rec.type, "response"));
	assert_true(slice_is(rec.id, out->response_id));
	assert_true(slice_is(rec.target_uri, url));
	assert_int_equal(rec.block.n, resp.len);
	assert_memory_equal(rec.block.p, resp.p, resp.len);
	assert_int_equal(warc_reader_next(r, &rec), 0);
	assert_int_equal(rec.offset, out->request_offset);
	assert_int_equal(rec.length, out->request_length);
	assert_true(slice_is(rec.id, out->request_id));
	assert_true(slice_is(rec.concurrent_to, out->response_id));
	warc_reader_close(r);
	buf_release(&resp);
	free(path);
}

/* Every job's fetches read back from dir as written; frees jobs and dir
 * (removing it). */
static void check_prep_jobs(struct prep_job *jobs, char *dir)
{
	for (int t = 0; t < NTHREADS; t++)
		for (int k = 0; k < PER_THREAD; k++)
			check_fetch(dir, &jobs[t].out[k], t, k);
	free(jobs);
	rm_rf(dir);
	free(dir);
}

/* Prepared on four threads, appended by another in reverse order. */
static void test_prepare_threads(void **state)
{
	char *dir = make_tmpdir();
	struct warc_writer *w = open_writer(dir, 0);
	struct prep_job *jobs = xcalloc(NTHREADS, sizeof(*jobs));

	(void)state;
	run_prep_threads(jobs, w, NULL);
	for (int k = PER_THREAD - 1; k >= 0; k--)
		for (int t = NTHREADS - 1; t >= 0; t--)
			assert_int_equal(warc_fetch_append(w, jobs[t].p[k],
							   &jobs[t].out[k]),
					 0);
	/* the offsets follow the order of the appends */
	for (int k = PER_THREAD - 1; k >= 0; k--)
		for (int t = NTHREADS - 1; t >= 0; t--) {
			const struct warc_written *o = &jobs[t].out[k];
			const struct warc_written *next =
				t   ? &jobs[t - 1].out[k]
				: k ? &jobs[NTHREADS - 1].out[k - 1]
				    : NULL;

			if (next)
				assert_int_equal(next->offset,
						 o->request_offset +
							 o->request_length);
		}
	/* a prepared fetch goes in once */
	{
		struct warc_written again;
		assert_int_equal(warc_fetch_append(w, jobs[0].p[0], &again),
				 ERR_INPUT);
	}
	for (int t = 0; t < NTHREADS; t++)
		for (int k = 0; k < PER_THREAD; k++)
			warc_prepared_free(jobs[t].p[k]);
	assert_int_equal(warc_writer_close(w), 0);
	assert_int_equal(check_files(dir), 1 + 2 * NTHREADS * PER_THREAD);
	check_prep_jobs(jobs, dir);
}

/* As the crawler does it: prepare unlocked, append under a mutex, with
 * files so small that rotations keep happening between the two. */
static void test_prepare_append_concurrent(void **state)
{
	char *dir = make_tmpdir();
	struct warc_writer *w = open_writer(dir, 16 * 1024);
	struct prep_job *jobs = xcalloc(NTHREADS, sizeof(*jobs));
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	char names[256][256];

	(void)state;
	run_prep_threads(jobs, w, &mu);
	assert_int_equal(warc_writer_close(w), 0);
	assert_true(list_files(dir, names, 256) >= 10);
	assert_int_equal(check_files(dir) -
				 (int64_t)list_files(dir, names, 256),
			 2 * NTHREADS * PER_THREAD);
	check_prep_jobs(jobs, dir);
}

static struct warc_prepared *prepare_str(struct warc_writer *w,
					 const char *resp)
{
	struct warc_fetch f = {
		.url = "http://toko.test/produk/1",
		.fetched_at = FETCHED_AT,
		.request = SLICE_LIT(REQ),
		.response = slice_from(resp),
	};
	struct warc_prepared *p = NULL;

	assert_int_equal(warc_fetch_prepare(w, &f, &p), 0);
	assert_non_null(p);
	return p;
}

/* The id of the warcinfo record of dir/rel, and the id its record at
 * `off` names. */
static void warcinfo_ids(const char *dir, const char *rel, int64_t off,
			 char file_id[WARC_ID_LEN], char rec_id[WARC_ID_LEN])
{
	char *path = full_path(dir, rel);
	struct warc_reader *r;
	struct warc_record rec;
	struct warc_check chk;

	assert_int_equal(warc_reader_open(path, 0, &r), 0);
	assert_int_equal(warc_reader_next(r, &rec), 0);
	assert_true(slice_is(rec.type, "warcinfo"));
	snprintf(file_id, WARC_ID_LEN, "%.*s", (int)rec.id.n, rec.id.p);
	assert_int_equal(warc_reader_seek(r, off), 0);
	assert_int_equal(warc_reader_next(r, &rec), 0);
	assert_int_equal(warc_record_check(&rec, &chk), 0);
	snprintf(rec_id, WARC_ID_LEN, "%.*s", (int)rec.warcinfo_id.n,
		 rec.warcinfo_id.p);
	warc_reader_close(r);
	free(path);
}

/* Prepared for one file, appended to the next: the records must name the
 * file they are in. */
static void test_rotation_between(void **state)
{
	char *dir = make_tmpdir();
	/* rotate before every fetch but a file's first */
	struct warc_writer *w = open_writer(dir, 1);
	struct warc_prepared *a, *b, *c;
	struct warc_written oa, ob, oc, od;
	char file_id[WARC_ID_LEN], rec_id[WARC_ID_LEN];
	char first[WARC_NAME_MAX];

	(void)state;
	snprintf(first, sizeof(first), "%s", warc_writer_file(w));
	a = prepare_str(w, RESP);
	b = prepare_str(w, CHUNKED);
	c = prepare_str(w, RESP);
	/* an append in the same file needs no change */
	assert_int_equal(warc_fetch_append(w, a, &oa), 0);
	assert_string_equal(oa.file, first);
	/* b was prepared for the first file and goes to the second */
	assert_int_equal(warc_fetch_append(w, b, &ob), 0);
	assert_string_not_equal(ob.file, first);
	warcinfo_ids(dir, ob.file, ob.offset, file_id, rec_id);
	assert_string_equal(rec_id, file_id);
	warcinfo_ids(dir, ob.file, ob.request_offset, file_id, rec_id);
	assert_string_equal(rec_id, file_id);
	/* a fetch written while c waits rotates once more */
	assert_int_equal(write_str(w, RESP, WARC_TRUNC_NONE, &od), 0);
	assert_string_not_equal(od.file, ob.file);
	assert_int_equal(warc_fetch_append(w, c, &oc), 0);
	assert_string_not_equal(oc.file, od.file);
	warcinfo_ids(dir, oc.file, oc.offset, file_id, rec_id);
	assert_string_equal(rec_id, file_id);
	warc_prepared_free(a);
	warc_prepared_free(b);
	warc_prepared_free(c);
	/* one prepared and never appended: freed, nothing written */
	warc_prepared_free(prepare_str(w, RESP));
	assert_int_equal(warc_writer_close(w), 0);
	/* 4 files, each a warcinfo and one pair */
	assert_int_equal(check_files(dir), 4 * 3);
	rm_rf(dir);
	free(dir);
}

/* igzip told it has too little room: the record is stored in deflate's
 * uncompressed blocks, also when an append compresses it again. */
static void test_overflow_fallback(void **state)
{
	char *dir = make_tmpdir();
	struct warc_writer *w = open_writer(dir, 1);
	struct buf resp = BUF_INIT, plain = BUF_INIT, gz = BUF_INIT;
	struct warc_written out, other;
	struct warc_prepared *p;
	char url[64], hex[65], file_id[WARC_ID_LEN], rec_id[WARC_ID_LEN];
	char *path;
	FILE *f;

	(void)state;
	/* compressible text of 200 KB: four stored blocks */
	make_fetch(0, 0, url, &resp, hex);
	while (resp.len < 200000)
		buf_puts(&resp, "obat kuat tanpa izin edar ");
	p = prepare_str(w, RESP);
	warc_gzip_room_cap = 64;
	assert_int_equal(
		write_one(w, resp.p, resp.len, WARC_TRUNC_LENGTH, &out), 0);
	/* prepared with room, compressed again without */
	assert_int_equal(warc_fetch_append(w, p, &other), 0);
	warc_gzip_room_cap = 0;
	warc_prepared_free(p);
	assert_string_not_equal(other.file, out.file);
	warcinfo_ids(dir, other.file, other.offset, file_id, rec_id);
	assert_string_equal(rec_id, file_id);
	assert_int_equal(warc_writer_close(w), 0);
	assert_int_equal(check_files(dir), 2 * 3);
	/* stored: bigger than the block, and plain gzip all the same */
	assert_true(out.length > (int64_t)resp.len);
	path = full_path(dir, out.file);
	f = fopen(path, "rb");
	assert_non_null(f);
	{
		char *tmp = xmalloc((size_t)out.length);
		assert_int_equal(fseek(f, (long)out.offset, SEEK_SET), 0);
		assert_int_equal(fread(tmp, 1, (size_t)out.length, f),
				 (size_t)out.length);
		buf_append(&gz, tmp, (size_t)out.length);
		free(tmp);
	}
	fclose(f);
	assert_int_equal(
		warc_http_decode(buf_slice(&gz), SLICE_LIT("gzip"), &plain), 0);
	assert_non_null(memmem(plain.p, plain.len, resp.p, resp.len));
	free(path);
	buf_release(&resp);
	buf_release(&plain);
	buf_release(&gz);
	rm_rf(dir);
	free(dir);
}

static uint64_t lt_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* An HTTP response of about n bytes: text, or random bytes. */
static void lt_response(uint64_t *x, size_t n, bool text, struct buf *out)
{
	static const char *const words[] = {
		"obat",	 "kuat",  "tanpa",	  "izin",    "edar",
		"BPOM",	 "jamu",  "krim",	  "pemutih", "suplemen",
		"harga", "promo", "kirim",	  "cepat",   "asli",
		"<p>",	 "</p>",  "<a href=\"/p/"};
	struct buf body = BUF_INIT;

	while (body.len < n) {
		uint64_t r = lt_rand(x);

		if (!text) {
			buf_append(&body, &r, sizeof(r));
			continue;
		}
		buf_puts(&body, words[r % (sizeof(words) / sizeof(words[0]))]);
		buf_puts(&body, r >> 32 & 3 ? " " : "\n");
	}
	buf_reset(out);
	buf_printf(out,
		   "HTTP/1.1 200 OK\r\nContent-Type: %s\r\n"
		   "Content-Length: %zu\r\n\r\n",
		   text ? "text/html" : "image/jpeg", body.len);
	buf_append(out, body.p, body.len);
	buf_release(&body);
}

/* Responses and requests after the first few are coded with tables
 * learnt from earlier ones; bytes the tables do not suit (random, like an
 * image) are coded at level 1 and do not grow; everything reads back as
 * written. */
static void test_learnt_tables(void **state)
{
	char *dir = make_tmpdir();
	struct warc_writer *w = open_writer(dir, 0);
	struct buf resp = BUF_INIT;
	struct warc_written out;
	uint64_t x = 88172645463325252ull;
	unsigned long learnt;

	(void)state;
	/* learnt after a few, then used for nearly every request and
	 * response */
	for (int i = 0; i < 300; i++) {
		lt_response(&x, 6000 + (size_t)(i % 7) * 1000, true, &resp);
		assert_int_equal(
			write_one(w, resp.p, resp.len, WARC_TRUNC_NONE, &out),
			0);
		assert_true(out.length < (int64_t)resp.len * 2 / 3);
	}
	assert_true(warc_gzip_learnt > 2 * 200); /* of 600 */
	/* random bytes: the learnt tables would not shrink them, so only
	 * the requests use them */
	learnt = warc_gzip_learnt;
	for (int i = 0; i < 40; i++) {
		lt_response(&x, 8000, false, &resp);
		assert_int_equal(
			write_one(w, resp.p, resp.len, WARC_TRUNC_NONE, &out),
			0);
		assert_true(out.length < (int64_t)resp.len + 1024);
	}
	assert_true(warc_gzip_learnt - learnt <= 40);
	assert_true(warc_gzip_learnt - learnt >= 30);
	assert_int_equal(warc_writer_close(w), 0);
	/* every member inflates to records whose digests hold */
	assert_int_equal(check_files(dir), 1 + 2 * 340);
	buf_release(&resp);
	rm_rf(dir);
	free(dir);
}

/* A write that fails (the file size limit here, a full disk in real life)
 * is cut off the file; the writer then refuses appends, and what it wrote
 * before stays readable. */
static void test_failed_append(void **state)
{
	char *dir = make_tmpdir();
	struct warc_writer *w = open_writer(dir, 0);
	struct warc_written out, bad;
	struct warc_prepared *p, *q;
	struct buf resp = BUF_INIT;
	struct rlimit old, lim;
	struct stat sb;
	unsigned char *b = xmalloc(300000);
	char *path;
	void (*old_sig)(int);

	(void)state;
	/* 2 MB first, so that the limit below leaves room for whatever
	 * files the test's own output goes to */
	buf_puts(&resp, "HTTP/1.1 200 OK\r\n\r\n");
	for (int i = 0; i < 7; i++) {
		noise((uint64_t)i, b, 300000);
		buf_append(&resp, b, 300000);
	}
	assert_int_equal(write_one(w, resp.p, resp.len, WARC_TRUNC_NONE, &out),
			 0);
	buf_reset(&resp);
	buf_puts(&resp, "HTTP/1.1 200 OK\r\n\r\n");
	noise(99, b, 300000);
	buf_append(&resp, b, 300000);
	{
		struct warc_fetch f = {.url = "http://toko.test/big",
				       .response = buf_slice(&resp)};
		assert_int_equal(warc_fetch_prepare(w, &f, &p), 0);
	}
	path = full_path(dir, out.file);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, out.request_offset + out.request_length);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)sb.st_size + 65536;
	old_sig = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(warc_fetch_append(w, p, &bad), ERR_FAIL);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_sig);
	assert_int_equal(bad.offset, 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, out.request_offset + out.request_length);
	/* prepare touches no file and still works; append refuses */
	q = prepare_str(w, RESP);
	assert_int_equal(warc_fetch_append(w, q, &bad), ERR_FAIL);
	assert_int_equal(write_str(w, RESP, WARC_TRUNC_NONE, &bad), ERR_FAIL);
	warc_prepared_free(p);
	warc_prepared_free(q);
	assert_int_equal(warc_writer_close(w), ERR_FAIL);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, out.request_offset + out.request_length);
	assert_int_equal(check_files(dir), 3);
	free(path);
	free(b);
	buf_release(&resp);
	rm_rf(dir);
	free(dir);
}

/* A varied corpus; kept in $WARC_TEST_OUT for the warcio cross-check. */
static void test_corpus(void **state)
{
	const char *keep = getenv("WARC_TEST_OUT");
	char *dir = keep && *keep ? xstrdup(keep) : make_tmpdir();
	struct warc_writer *w;
	struct warc_written out;
	struct buf resp = BUF_INIT, enc = BUF_INIT;
	struct warc_prepared *early;
	char names[64][256];
	size_t n;
	int64_t records = 0;

	(void)state;
	assert_int_equal(mkdir_p(dir), 0);
	w = open_writer(dir, 2048);
	/* prepared for the first file, appended to a later one */
	early = prepare_str(w, CHUNKED);
	assert_int_equal(
		write_one(w, RESP, sizeof(RESP) - 1, WARC_TRUNC_NONE, &out), 0);
	assert_int_equal(write_one(w, CHUNKED, sizeof(CHUNKED) - 1,
				   WARC_TRUNC_NONE, &out),
			 0);
	/* gzip content coding, chunked in odd pieces, kept as received */
	zlib_compress(BR_TEXT, 16 + MAX_WBITS, &enc);
	buf_puts(&resp, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
			"Content-Encoding: gzip\r\n"
			"Transfer-Encoding: chunked\r\n\r\n");
	for (size_t i = 0; i < enc.len; i += 7) {
		size_t k = MIN(7, enc.len - i);
		buf_printf(&resp, "%zx\r\n", k);
		buf_append(&resp, enc.p + i, k);
		buf_puts(&resp, "\r\n");
	}
	buf_puts(&resp, "0\r\n\r\n");
	assert_int_equal(write_one(w, resp.p, resp.len, WARC_TRUNC_NONE, &out),
			 0);
	/* brotli with Content-Length */
	buf_reset(&resp);
	buf_printf(&resp,
		   "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n"
		   "Content-Length: %zu\r\n\r\n",
		   sizeof(BR));
	buf_append(&resp, BR, sizeof(BR));
	assert_int_equal(write_one(w, resp.p, resp.len, WARC_TRUNC_NONE, &out),
			 0);
	/* redirect with empty body, 404, binary body, 100 Continue */
	assert_int_equal(write_str(w,
				   "HTTP/1.1 301 Moved\r\nLocation: /x\r\n"
				   "Content-Length: 0\r\n\r\n",
				   WARC_TRUNC_NONE, &out),
			 0);
	{
		unsigned char bin[3000];
		for (size_t i = 0; i < sizeof(bin); i++)
			bin[i] = (unsigned char)(i * 7 + 3);
		buf_reset(&resp);
		buf_printf(&resp,
			   "HTTP/1.1 404 Not Found\r\nContent-Type: "
			   "application/octet-stream\r\nContent-Length: "
			   "%zu\r\n\r\n",
			   sizeof(bin));
		buf_append(&resp, bin, sizeof(bin));
		assert_int_equal(
			write_one(w, resp.p, resp.len, WARC_TRUNC_NONE, &out),
			0);
	}
	assert_int_equal(
		write_str(w,
			  "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
			  "Content-Length: 2\r\n\r\nok",
			  WARC_TRUNC_NONE, &out),
		0);
	/* a truncated body (cap hit) */
	assert_int_equal(write_str(w,
				   "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n"
				   "\r\npartial",
				   WARC_TRUNC_LENGTH, &out),
			 0);
	assert_int_equal(warc_fetch_append(w, early, &out), 0);
	warc_prepared_free(early);
	/* stored blocks (igzip short of room) */
	warc_gzip_room_cap = 64;
	assert_int_equal(write_str(w, RESP, WARC_TRUNC_NONE, &out), 0);
	warc_gzip_room_cap = 0;
	/* a non-HTTP resource */
	assert_int_equal(warc_write_resource(w, "http://toko.test/produk/1",
					     "image/png", FETCHED_AT,
					     SLICE_LIT("\x89PNG\r\n\x1a\nfake"),
					     &out),
			 0);
	assert_int_equal(warc_writer_close(w), 0);

	n = list_files(dir, names, 64);
	assert_true(n >= 2); /* rotated at 4 KiB */
	for (size_t i = 0; i < n; i++) {
		char *p = xasprintf("%s/warc/%s", dir, names[i]);
		struct warc_verify_stats st = {0};
		assert_int_equal(warc_verify_file(p, NULL, NULL, &st), 0);
		assert_int_equal(st.mismatches, 0);
		records += st.records;
		free(p);
	}
	/* n warcinfo + 10 pairs + 1 resource */
	assert_int_equal(records, (int64_t)n + 10 * 2 + 1);
	assert_int_equal(check_files(dir), records);
	buf_release(&resp);
	buf_release(&enc);
	if (!(keep && *keep))
		rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_digests_independent),
		cmocka_unit_test(test_chunked_payload),
		cmocka_unit_test(test_dechunk_malformed),
		cmocka_unit_test(test_parse_head),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_sync_split),
		cmocka_unit_test(test_new_file_each_open),
		cmocka_unit_test(test_truncated_option),
		cmocka_unit_test(test_verify_corrupt_byte),
		cmocka_unit_test(test_verify_tampered_block),
		cmocka_unit_test(test_verify_truncated_tail),
		cmocka_unit_test(test_hostile_records),
		cmocka_unit_test(test_prepare_threads),
		cmocka_unit_test(test_prepare_append_concurrent),
		cmocka_unit_test(test_rotation_between),
		cmocka_unit_test(test_overflow_fallback),
		cmocka_unit_test(test_learnt_tables),
		cmocka_unit_test(test_failed_append),
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
