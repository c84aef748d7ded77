/*
 * fuzz_warc.c - libFuzzer harness for everything in src/warc that reads
 * bytes from outside: the .warc.gz reader and verifier, the HTTP head
 * parser, the de-chunker and the content decoder.
 *
 * Each input is used four ways:
 *  1. as a whole .warc.gz file (gzip members as they come);
 *  2. gzip-compressed into one member, so the WARC record parser sees the
 *     bytes themselves rather than mostly failing at the gzip layer;
 *  3. as an HTTP response (head, payload, body decoding with a small cap);
 *  4. as a chunked body for warc_http_dechunk.
 * Invariants checked: the reader's offsets advance, a record's block lies
 * inside the inflated member, the de-chunker never outputs more bytes than
 * it was given, and decoded bodies respect their cap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "warc/warc.h"

#include "../tests/unit/deflate_test.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void write_file(const void *p, size_t n)
{
	FILE *f;

	if (!path[0]) {
		const char *dir =
			access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(path, sizeof(path), "%s/fuzz_warc.%d", dir,
			 (int)getpid());
	}
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (n && fwrite(p, 1, n, f) != n)
		abort();
	fclose(f);
}

static void read_all(void)
{
	struct warc_reader *r;
	struct warc_record rec;
	struct warc_check chk;
	struct warc_verify_stats st = {0};
	int64_t last = -1;
	int rc, guard = 0;

	if (warc_reader_open(path, 1 << 20, &r))
		abort();
	while ((rc = warc_reader_next(r, &rec)) != ERR_NOTFOUND) {
		if (rc == ERR_FAIL || ++guard > 100000)
			abort();
		if (rec.offset <= last || rec.length < 0)
			abort();
		last = rec.offset;
		if (rc == 0) {
			struct slice v;
			if (rec.content_length != (int64_t)rec.block.n)
				abort();
			warc_record_check(&rec, &chk);
			warc_record_field(&rec, "WARC-Type", &v);
			warc_record_is_http(&rec);
		} else if (!rec.error[0]) {
			abort();
		}
	}
	warc_reader_close(r);
	if (warc_verify_file(path, NULL, NULL, &st) ||
	    st.mismatches > st.records)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slice in = {(const char *)data, size};
	struct warc_http_head h = {0};
	struct buf b, gz;
	struct slice payload, v;

	log_set_level(LOG_ERROR + 1);
	if (size > 1 << 20)
		return 0;

	write_file(data, size);
	read_all();

	buf_init(&gz, 0);
	test_deflate(data, size, 1, 16 + MAX_WBITS, &gz);
	write_file(gz.p, gz.len);
	read_all();
	buf_release(&gz);

	buf_init(&b, 0);
	if (warc_http_parse_head(in, &h) == 0) {
		if (h.body_off > size || h.status < 100 || h.status > 999)
			abort();
		warc_http_header(&h, "content-type", &v);
		warc_http_payload(in, &h, &b, &payload);
		if (payload.n > size)
			abort();
	}
	warc_http_head_release(&h);
	warc_http_parse_request(in, &h);
	warc_http_head_release(&h);

	warc_http_body(in, 64 * 1024, &b, NULL);
	if (b.len > 64 * 1024)
		abort();

	buf_release(&b);
	buf_init(&b, 0);
	warc_http_dechunk(in, &b);
	if (b.len > size)
		abort();
	buf_release(&b);
	return 0;
}
