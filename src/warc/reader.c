/*
 * reader.c - reading .warc.gz files member by member, and verifying them.
 *
 * The file is read through a small window; each gzip member is inflated
 * on its own (inflateReset between members) so the reader knows the exact
 * compressed offset and length of every record, which is what the store
 * indexes.  A WARC file is evidence that may have been damaged or
 * tampered with, so nothing in it is trusted: the WARC header must end
 * within WARC_MAX_HEAD bytes, an inflated record may not exceed
 * max_record (a gzip bomb stops there), Content-Length must match the
 * member exactly, and after a corrupt member the reader scans for the next
 * gzip header so that one bad byte does not hide every later record.
 */
#include "warc/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#define WINDOW 65536

struct warc_reader {
	FILE *f;
	char *path;
	int64_t max_record;
	unsigned char in[WINDOW];
	size_t in_pos, in_len; /* unread bytes: in[in_pos..in_len) */
	int64_t in_off;	       /* file offset of in[0] */
	bool eof;
	struct buf rec; /* the inflated member */
	z_stream z;
};

int warc_reader_open(const char *path, int64_t max_record,
		     struct warc_reader **out)
{
	struct warc_reader *r;
	FILE *f = fopen(path, "rb");

	*out = NULL;
	if (!f) {
		log_msg(LOG_ERROR, "%s: %s", path, strerror(errno));
		return ERR_FAIL;
	}
	r = xcalloc(1, sizeof(*r));
	r->f = f;
	r->path = xstrdup(path);
	r->max_record = max_record > 0 ? max_record : WARC_MAX_RECORD_DEFAULT;
	buf_init(&r->rec, 0);
	if (inflateInit2(&r->z, 16 + MAX_WBITS) != Z_OK)
		die("inflateInit2 failed");
	*out = r;
	return 0;
}

void warc_reader_close(struct warc_reader *r)
{
	if (!r)
		return;
	inflateEnd(&r->z);
	fclose(r->f);
	buf_release(&r->rec);
	free(r->path);
	free(r);
}

static int64_t pos_of(const struct warc_reader *r)
{
	return r->in_off + (int64_t)r->in_pos;
}

int warc_reader_seek(struct warc_reader *r, int64_t offset)
{
	if (offset < 0 || fseeko(r->f, (off_t)offset, SEEK_SET))
		return log_fail("%s: cannot seek to %lld: %s", r->path,
				(long long)offset, strerror(errno));
	r->in_off = offset;
	r->in_pos = r->in_len = 0;
	r->eof = false;
	return 0;
}

/* Make at least `want` unread bytes available if the file has them
 * (want <= WINDOW).  Returns the number available, or ERR_FAIL. */
static int64_t fill(struct warc_reader *r, size_t want)
{
	size_t have = r->in_len - r->in_pos;

	if (have >= want || r->eof)
		return (int64_t)have;
	memmove(r->in, r->in + r->in_pos, have);
	r->in_off += (int64_t)r->in_pos;
	r->in_pos = 0;
	r->in_len = have;
	while (r->in_len < want && !r->eof) {
		size_t n =
			fread(r->in + r->in_len, 1, WINDOW - r->in_len, r->f);
		if (n == 0) {
			if (ferror(r->f))
				return log_fail("%s: read error: %s", r->path,
						strerror(errno));
			r->eof = true;
		}
		r->in_len += n;
	}
	return (int64_t)r->in_len;
}

/* After a bad member starting at `start`, find the next gzip header
 * (1f 8b 08) after it; stops at end of file. */
static int resync(struct warc_reader *r, int64_t start)
{
	if (warc_reader_seek(r, start + 1))
		return ERR_FAIL;
	for (;;) {
		int64_t have = fill(r, 3);
		const unsigned char *p, *hit;

		if (have < 0)
			return ERR_FAIL;
		if (have < 3) {
			r->in_pos = r->in_len;
			return 0;
		}
		p = r->in + r->in_pos;
		hit = memchr(p, 0x1f, (size_t)have - 2);
		if (!hit) {
			r->in_pos += (size_t)have - 2;
			continue;
		}
		r->in_pos += (size_t)(hit - p);
		if (hit[1] == 0x8b && hit[2] == 0x08)
			return 0;
		r->in_pos++;
	}
}

PRINTF_LIKE(2, 3)
static void set_error(struct warc_record *rec, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rec->error, sizeof(rec->error), fmt, ap);
	va_end(ap);
}

static void take_field(struct warc_record *rec, struct slice name,
		       struct slice value)
{
	static const struct {
		const char *name;
		size_t off;
	} known[] = {
		{"WARC-Type", offsetof(struct warc_record, type)},
		{"WARC-Record-ID", offsetof(struct warc_record, id)},
		{"WARC-Date", offsetof(struct warc_record, date)},
		{"WARC-Target-URI", offsetof(struct warc_record, target_uri)},
		{"WARC-IP-Address", offsetof(struct warc_record, ip)},
		{"Content-Type", offsetof(struct warc_record, content_type)},
		{"WARC-Block-Digest",
		 offsetof(struct warc_record, block_digest)},
		{"WARC-Payload-Digest",
		 offsetof(struct warc_record, payload_digest)},
		{"WARC-Concurrent-To",
		 offsetof(struct warc_record, concurrent_to)},
		{"WARC-Warcinfo-ID", offsetof(struct warc_record, warcinfo_id)},
		{"WARC-Truncated", offsetof(struct warc_record, truncated)},
	};

	for (size_t i = 0; i < ARRAY_LEN(known); i++) {
		struct slice *dst =
			(struct slice *)((char *)rec + known[i].off);
		if (slice_eq_ci(name, known[i].name) && !dst->n) {
			*dst = value;
			return;
		}
	}
}

static int parse_length(struct slice v, int64_t *out)
{
	char num[24];

	if (!v.n || v.n >= sizeof(num))
		return ERR_INPUT;
	for (size_t i = 0; i < v.n; i++)
		if (v.p[i] < '0' || v.p[i] > '9')
			return ERR_INPUT;
	memcpy(num, v.p, v.n);
	num[v.n] = '\0';
	return parse_i64(num, 0, INT64_MAX, out);
}

/* Split the inflated member into version, fields and block. */
static int parse_record(struct warc_record *rec, struct slice m)
{
	size_t lim = MIN(m.n, (size_t)WARC_MAX_HEAD), pos, hend = SIZE_MAX;
	const char *nl;
	bool have_len = false;

	for (size_t i = 0; i + 4 <= lim; i++) {
		if (!memcmp(m.p + i, "\r\n\r\n", 4)) {
			hend = i;
			break;
		}
	}
	if (hend == SIZE_MAX) {
		set_error(rec, "%s",
			  m.n > lim ? "WARC header longer than the cap"
				    : "WARC header has no end");
		return m.n > lim ? ERR_LIMIT : ERR_INPUT;
	}
	nl = memchr(m.p, '\n', hend + 2);
	rec->version = (struct slice){m.p, (size_t)(nl - m.p)};
	if (rec->version.n && rec->version.p[rec->version.n - 1] == '\r')
		rec->version.n--;
	if (!slice_starts_ci(rec->version, "WARC/")) {
		set_error(rec, "not a WARC record (no WARC/ version line)");
		return ERR_INPUT;
	}
	pos = (size_t)(nl - m.p) + 1;
	rec->fields =
		(struct slice){m.p + pos, hend + 2 > pos ? hend + 2 - pos : 0};
	while (pos < hend) {
		const char *eol = memchr(m.p + pos, '\n', hend + 2 - pos);
		size_t len = (size_t)(eol - (m.p + pos));
		struct slice line = {m.p + pos, len};
		const char *colon = memchr(line.p, ':', line.n);

		pos += len + 1;
		if (!colon)
			continue;
		struct slice name = slice_trim(
			(struct slice){line.p, (size_t)(colon - line.p)});
		struct slice value = slice_trim((struct slice){
			colon + 1, line.n - (size_t)(colon - line.p) - 1});
		if (slice_eq_ci(name, "Content-Length")) {
			if (have_len ||
			    parse_length(value, &rec->content_length)) {
				set_error(rec,
					  "bad or repeated Content-Length");
				return ERR_INPUT;
			}
			have_len = true;
			continue;
		}
		take_field(rec, name, value);
	}
	if (!have_len) {
		set_error(rec, "no Content-Length");
		return ERR_INPUT;
	}
	pos = hend + 4;
	if ((uint64_t)rec->content_length > m.n - pos) {
		set_error(rec,
			  "record shorter than its Content-Length (%lld > "
			  "%zu)",
			  (long long)rec->content_length, m.n - pos);
		return ERR_INPUT;
	}
	rec->block = (struct slice){m.p + pos, (size_t)rec->content_length};
	pos += (size_t)rec->content_length;
	if (m.n - pos != 4 || memcmp(m.p + pos, "\r\n\r\n", 4)) {
		set_error(rec,
			  "%zu bytes after the block where CRLF CRLF should "
			  "end the record",
			  m.n - pos);
		return ERR_INPUT;
	}
	return 0;
}

int warc_reader_next(struct warc_reader *r, struct warc_record *rec)
{
	unsigned char out[WINDOW];
	int64_t start, have;
	int zrc;

	memset(rec, 0, sizeof(*rec));
	have = fill(r, 1);
	if (have < 0)
		return ERR_FAIL;
	if (have == 0)
		return ERR_NOTFOUND;
	start = pos_of(r);
	rec->offset = start;
	buf_reset(&r->rec);
	inflateReset(&r->z);
	for (;;) {
		size_t avail, produced;

		have = fill(r, 1);
		if (have < 0)
			return ERR_FAIL;
		if (have == 0) {
			rec->length = pos_of(r) - start;
			set_error(rec,
				  "truncated gzip member (file ends %lld "
				  "bytes into it)",
				  (long long)rec->length);
			return ERR_INPUT;
		}
		avail = r->in_len - r->in_pos;
		r->z.next_in = r->in + r->in_pos;
		r->z.avail_in = (uInt)avail;
		r->z.next_out = out;
		r->z.avail_out = sizeof(out);
		zrc = inflate(&r->z, Z_NO_FLUSH);
		r->in_pos += avail - r->z.avail_in;
		produced = sizeof(out) - r->z.avail_out;
		if ((int64_t)(r->rec.len + produced) > r->max_record) {
			set_error(rec,
				  "record inflates to more than %lld bytes",
				  (long long)r->max_record);
			rec->length = pos_of(r) - start;
			return resync(r, start) ? ERR_FAIL : ERR_LIMIT;
		}
		buf_append(&r->rec, out, produced);
		if (zrc == Z_STREAM_END)
			break;
		if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
			set_error(rec, "corrupt gzip member: %s",
				  r->z.msg ? r->z.msg : "inflate error");
			rec->length = pos_of(r) - start;
			return resync(r, start) ? ERR_FAIL : ERR_INPUT;
		}
	}
	rec->length = pos_of(r) - start;
	return parse_record(rec, buf_slice(&r->rec));
}

bool warc_record_field(const struct warc_record *rec, const char *name,
		       struct slice *value)
{
	struct slice f = rec->fields;
	size_t pos = 0;

	while (pos < f.n) {
		const char *eol = memchr(f.p + pos, '\n', f.n - pos);
		size_t len = eol ? (size_t)(eol - (f.p + pos)) : f.n - pos;
		const char *colon = memchr(f.p + pos, ':', len);

		if (colon) {
			struct slice n = slice_trim((struct slice){
				f.p + pos, (size_t)(colon - (f.p + pos))});
			if (slice_eq_ci(n, name)) {
				*value = slice_trim((struct slice){
					colon + 1,
					len - (size_t)(colon - (f.p + pos)) -
						1});
				return true;
			}
		}
		pos += len + 1;
	}
	return false;
}

/* ---- verification ---------------------------------------------------------
 */

static void problem(warc_problem_fn fn, void *arg, const char *file,
		    int64_t off, const char *what)
{
	if (fn)
		fn(arg, file, off, what);
	else
		log_msg(LOG_ERROR, "%s:%lld: %s", file, (long long)off, what);
}

int warc_verify_file(const char *path, warc_problem_fn fn, void *arg,
		     struct warc_verify_stats *st)
{
	struct warc_reader *r;
	struct warc_record rec;
	struct warc_check chk;
	int rc;

	if (warc_reader_open(path, 0, &r))
		return ERR_FAIL;
	for (;;) {
		rc = warc_reader_next(r, &rec);
		if (rc == ERR_NOTFOUND) {
			rc = 0;
			break;
		}
		if (rc == ERR_FAIL)
			break;
		st->records++;
		if (rc) {
			st->mismatches++;
			problem(fn, arg, path, rec.offset, rec.error);
			continue;
		}
		if (!rec.type.n || !rec.id.n) {
			st->mismatches++;
			problem(fn, arg, path, rec.offset,
				"record without WARC-Type or WARC-Record-ID");
			continue;
		}
		if (warc_record_check(&rec, &chk)) {
			st->mismatches++;
			problem(fn, arg, path, rec.offset, chk.why);
		}
	}
	warc_reader_close(r);
	return rc;
}
