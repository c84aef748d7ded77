/*
 * http.c - just enough HTTP/1.x message parsing to find the entity body in
 * the raw bytes a crawler received: the head parser, the chunked
 * de-coder and the content decoder (gzip, deflate, br).
 *
 * Everything here runs on bytes from hostile servers.  The parsers work on
 * slices, never copy the head, scan each byte a bounded number of times,
 * and stop at fixed limits (head size, header count, decoded size).  They
 * are tolerant where browsers are (bare LF line ends, junk lines in the
 * head, garbage after the last chunk) and say ERR_INPUT where the bytes
 * cannot mean what they claim, always handing back what they could decode:
 * a truncated page is still evidence.
 */
#include "warc/warc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/decode.h>
#include <zlib.h>

/* 1xx interim heads we are willing to skip before the final one. */
#define MAX_INTERIM 8
/* Content codings stacked on one body ("gzip, br"). */
#define MAX_CODINGS	 4
#define DEFAULT_BODY_MAX (256u << 20)

void warc_http_head_release(struct warc_http_head *h)
{
	free(h->h);
	memset(h, 0, sizeof(*h));
}

/* The line starting at `pos`: its content without CR/LF and the offset of
 * the next line.  false if no LF before `end`. */
static bool next_line(struct slice in, size_t pos, size_t end,
		      struct slice *line, size_t *next)
{
	const char *nl = memchr(in.p + pos, '\n', end - pos);
	size_t n;

	if (!nl)
		return false;
	n = (size_t)(nl - (in.p + pos));
	*next = pos + n + 1;
	if (n && in.p[pos + n - 1] == '\r')
		n--;
	*line = (struct slice){in.p + pos, n};
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "HTTP/1.1 200 OK", "HTTP/2 404", "HTTP/1.0 200" */
static int parse_status_line(struct slice l, struct warc_http_head *out)
{
	size_t i = 5;

	if (l.n < 10 || memcmp(l.p, "HTTP/", 5))
		return ERR_INPUT;
	while (i < l.n && l.p[i] != ' ')
		i++;
	if (i == 5 || l.n - i < 4 || !is_digit(l.p[i + 1]) ||
	    !is_digit(l.p[i + 2]) || !is_digit(l.p[i + 3]))
		return ERR_INPUT;
	if (l.n - i > 4 && l.p[i + 4] != ' ')
		return ERR_INPUT;
	out->status = (l.p[i + 1] - '0') * 100 + (l.p[i + 2] - '0') * 10 +
		      (l.p[i + 3] - '0');
	if (out->status < 100)
		return ERR_INPUT;
	out->reason =
		l.n - i > 5
			? slice_trim((struct slice){l.p + i + 5, l.n - i - 5})
			: (struct slice){l.p + l.n, 0};
	return 0;
}

/* "GET /path HTTP/1.1": a method, a target and HTTP/<version>. */
static int parse_request_line(struct slice l)
{
	const char *sp1 = memchr(l.p, ' ', l.n);
	const char *sp2 = l.p + l.n;

	while (sp2 > l.p && sp2[-1] != ' ')
		sp2--;
	if (!sp1 || sp1 == l.p || sp2 <= sp1 + 1 ||
	    (size_t)(l.p + l.n - sp2) < 6 || memcmp(sp2, "HTTP/", 5))
		return ERR_INPUT;
	return 0;
}

static int add_header(struct warc_http_head *h, struct slice line)
{
	const char *colon = memchr(line.p, ':', line.n);
	struct warc_http_header *f;

	/* Folded continuation lines and junk without a colon: browsers ignore
	 * them, so do we (the raw bytes stay in the WARC). */
	if (!colon || colon == line.p || line.p[0] == ' ' || line.p[0] == '\t')
		return 0;
	if (h->nheaders >= WARC_HTTP_MAX_HEADERS)
		return ERR_LIMIT;
	h->h = xgrow(h->h, &h->cap, h->nheaders + 1, sizeof(*h->h));
	f = &h->h[h->nheaders++];
	f->name = slice_trim((struct slice){line.p, (size_t)(colon - line.p)});
	f->value = slice_trim((struct slice){
		colon + 1, line.n - (size_t)(colon - line.p) - 1});
	return 0;
}

/* One head starting at `start`: first line, fields, blank line. */
static int parse_one(struct slice in, size_t start, bool response,
		     struct warc_http_head *out)
{
	size_t end = in.n - start > WARC_HTTP_MAX_HEAD
			     ? start + WARC_HTTP_MAX_HEAD
			     : in.n;
	size_t pos = start, next;
	struct slice line;
	int rc;

	out->nheaders = 0;
	out->status = 0;
	out->reason = (struct slice){0};
	if (!next_line(in, pos, end, &line, &next))
		return end < in.n ? ERR_LIMIT : ERR_INPUT;
	out->first = line;
	rc = response ? parse_status_line(line, out) : parse_request_line(line);
	if (rc)
		return rc;
	for (pos = next;; pos = next) {
		if (!next_line(in, pos, end, &line, &next))
			return end < in.n ? ERR_LIMIT : ERR_INPUT;
		if (!line.n)
			break;
		rc = add_header(out, line);
		if (rc)
			return rc;
	}
	out->body_off = next;
	return 0;
}

static int parse_message(struct slice in, bool response,
			 struct warc_http_head *out)
{
	size_t start = 0;
	int rc;

	out->body_off = 0;
	for (int i = 0;; i++) {
		rc = parse_one(in, start, response, out);
		if (rc || !response || out->status >= 200 ||
		    out->status == 101 || i == MAX_INTERIM)
			return rc;
		start = out->body_off;
	}
}

int warc_http_parse_head(struct slice in, struct warc_http_head *out)
{
	return parse_message(in, true, out);
}

int warc_http_parse_request(struct slice in, struct warc_http_head *out)
{
	return parse_message(in, false, out);
}

bool warc_http_header(const struct warc_http_head *h, const char *name,
		      struct slice *value)
{
	for (size_t i = 0; i < h->nheaders; i++) {
		if (slice_eq_ci(h->h[i].name, name)) {
			*value = h->h[i].value;
			return true;
		}
	}
	return false;
}

/* The last comma-separated token of s, trimmed. */
static struct slice last_token(struct slice s)
{
	size_t i = s.n;

	while (i > 0 && s.p[i - 1] != ',')
		i--;
	return slice_trim((struct slice){s.p + i, s.n - i});
}

bool warc_http_is_chunked(const struct warc_http_head *h)
{
	struct slice last = {0};
	bool seen = false;

	/* Transfer-Encoding may be split over several fields; the coding
	 * applied last is the last token of the last field. */
	for (size_t i = 0; i < h->nheaders; i++) {
		if (slice_eq_ci(h->h[i].name, "transfer-encoding")) {
			struct slice t = last_token(h->h[i].value);
			if (t.n || !seen)
				last = t;
			seen = true;
		}
	}
	return seen && slice_eq_ci(last, "chunked");
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "1a2b[ ;ext=val]": the chunk size, or -1 if the line is not one. */
static int parse_chunk_size(struct slice l, size_t *size)
{
	size_t i = 0, v = 0;
	int digits = 0, d;

	while (i < l.n && (l.p[i] == ' ' || l.p[i] == '\t'))
		i++;
	for (; i < l.n && (d = hexval(l.p[i])) >= 0; i++, digits++) {
		if (v > (SIZE_MAX >> 4))
			return -1;
		v = (v << 4) | (size_t)d;
	}
	while (i < l.n && (l.p[i] == ' ' || l.p[i] == '\t'))
		i++;
	if (!digits || (i < l.n && l.p[i] != ';'))
		return -1;
	*size = v;
	return 0;
}

int warc_http_dechunk(struct slice in, struct buf *out)
{
	size_t pos = 0, next, size;
	struct slice line;
	int rc;

	for (;;) {
		if (!next_line(in, pos, in.n, &line, &next) ||
		    parse_chunk_size(line, &size))
			return ERR_INPUT;
		pos = next;
		if (!size)
			break;
		if (size > in.n - pos) {
			/* Truncated: keep what arrived. */
			rc = buf_append(out, in.p + pos, in.n - pos);
			return rc ? rc : ERR_INPUT;
		}
		rc = buf_append(out, in.p + pos, size);
		if (rc)
			return rc;
		pos += size;
		if (pos + 1 < in.n && in.p[pos] == '\r' &&
		    in.p[pos + 1] == '\n')
			pos += 2;
		else if (pos < in.n && in.p[pos] == '\n')
			pos++;
		else
			return ERR_INPUT;
	}
	/* Trailer fields, then the blank line that ends the message. */
	for (;;) {
		if (!next_line(in, pos, in.n, &line, &next))
			return ERR_INPUT;
		pos = next;
		if (!line.n)
			return 0;
	}
}

int warc_http_payload(struct slice msg, const struct warc_http_head *h,
		      struct buf *tmp, struct slice *payload)
{
	struct slice body = {msg.p + h->body_off, msg.n - h->body_off};
	int rc;

	if (h->body_off > msg.n)
		body = (struct slice){msg.p + msg.n, 0};
	if (!body.n || !warc_http_is_chunked(h)) {
		*payload = body;
		return 0;
	}
	buf_reset(tmp);
	rc = warc_http_dechunk(body, tmp);
	*payload = (struct slice){tmp->p ? tmp->p : "", tmp->len};
	return rc;
}

/* ---- content decoding -----------------------------------------------------
 */

static int zlib_decode(struct slice in, int wbits, struct buf *out)
{
	unsigned char chunk[65536];
	z_stream z;
	size_t pos = 0;
	int zrc, rc = 0;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, wbits) != Z_OK)
		return log_fail("inflateInit2 failed");
	for (;;) {
		size_t feed = MIN(in.n - pos, (size_t)1 << 30);

		z.next_in = (unsigned char *)in.p + pos;
		z.avail_in = (uInt)feed;
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zrc = inflate(&z, Z_NO_FLUSH);
		pos += feed - z.avail_in;
		if (sizeof(chunk) - z.avail_out) {
			rc = buf_append(out, chunk,
					sizeof(chunk) - z.avail_out);
			if (rc)
				break;
		}
		if (zrc == Z_STREAM_END) {
			/* gzip bodies may be several members back to back. */
			if (wbits > MAX_WBITS && in.n - pos >= 2 &&
			    (unsigned char)in.p[pos] == 0x1f &&
			    (unsigned char)in.p[pos + 1] == 0x8b) {
				inflateReset(&z);
				continue;
			}
			break;
		}
		if (zrc == Z_BUF_ERROR && pos == in.n) {
			rc = ERR_INPUT; /* truncated stream */
			break;
		}
		if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
			rc = ERR_INPUT;
			break;
		}
	}
	inflateEnd(&z);
	return rc;
}

static int brotli_decode(struct slice in, struct buf *out)
{
	BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
	const uint8_t *next_in = (const uint8_t *)in.p;
	size_t avail_in = in.n;
	uint8_t chunk[65536];
	int rc = 0;

	if (!s)
		die("BrotliDecoderCreateInstance failed");
	for (;;) {
		uint8_t *next_out = chunk;
		size_t avail_out = sizeof(chunk);
		BrotliDecoderResult r = BrotliDecoderDecompressStream(
			s, &avail_in, &next_in, &avail_out, &next_out, NULL);

		if (sizeof(chunk) - avail_out) {
			rc = buf_append(out, chunk, sizeof(chunk) - avail_out);
			if (rc)
				break;
		}
		if (r == BROTLI_DECODER_RESULT_SUCCESS)
			break;
		if (r != BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
			rc = ERR_INPUT; /* corrupt, or truncated input */
			break;
		}
	}
	BrotliDecoderDestroyInstance(s);
	return rc;
}

static int decode_one(struct slice coding, struct slice in, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)in.p;

	if (!in.n)
		return 0;
	if (slice_eq_ci(coding, "gzip") || slice_eq_ci(coding, "x-gzip"))
		return zlib_decode(in, 16 + MAX_WBITS, out);
	if (slice_eq_ci(coding, "deflate")) {
		/* RFC 9110 says zlib-wrapped; some servers send raw deflate.
		 * A zlib header is CM=8 and a multiple of 31. */
		bool wrapped = in.n >= 2 && (u[0] & 0x0f) == 8 &&
			       ((u[0] << 8) | u[1]) % 31 == 0;
		return zlib_decode(in, wrapped ? MAX_WBITS : -MAX_WBITS, out);
	}
	if (slice_eq_ci(coding, "br"))
		return brotli_decode(in, out);
	return ERR_INPUT;
}

/* The codings of a Content-Encoding list in the order applied, without
 * "identity" and empty tokens: their number, or ERR_INPUT when there are
 * more than MAX_CODINGS. */
static int split_codings(struct slice rest, struct slice codings[MAX_CODINGS])
{
	int n = 0;

	while (rest.n) {
		const char *comma = memchr(rest.p, ',', rest.n);
		size_t len = comma ? (size_t)(comma - rest.p) : rest.n;
		struct slice t = slice_trim((struct slice){rest.p, len});

		rest = comma ? (struct slice){comma + 1, rest.n - len - 1}
			     : (struct slice){rest.p + rest.n, 0};
		if (!t.n || slice_eq_ci(t, "identity"))
			continue;
		if (n == MAX_CODINGS)
			return ERR_INPUT;
		codings[n++] = t;
	}
	return n;
}

static int decode_codings(const struct slice *codings, int n, struct slice body,
			  struct buf *out)
{
	struct buf tmp[2];
	struct slice cur = body;
	int rc = 0, which = 0;

	buf_init(&tmp[0], out->max);
	buf_init(&tmp[1], out->max);
	/* Codings are listed in the order applied: undo the last first. */
	for (int i = n - 1; i >= 0 && !rc; i--) {
		struct buf *dst = &tmp[which];

		buf_reset(dst);
		rc = decode_one(codings[i], cur, dst);
		cur = buf_slice(dst);
		which ^= 1;
	}
	if (buf_append(out, cur.p ? cur.p : "", cur.n) && !rc)
		rc = ERR_LIMIT;
	buf_release(&tmp[0]);
	buf_release(&tmp[1]);
	return rc;
}

int warc_http_decode(struct slice body, struct slice content_encoding,
		     struct buf *out)
{
	struct slice codings[MAX_CODINGS];
	int n = split_codings(content_encoding, codings);

	return n < 0 ? n : decode_codings(codings, n, body, out);
}

/* The Content-Encoding fields of a head as one list (a list longer than
 * ce->max is cut there, the rest of it ignored). */
static void content_encoding(const struct warc_http_head *h, struct buf *ce)
{
	for (size_t i = 0; i < h->nheaders; i++) {
		if (!slice_eq_ci(h->h[i].name, "content-encoding"))
			continue;
		if (ce->len)
			buf_putc(ce, ',');
		buf_append(ce, h->h[i].value.p, h->h[i].value.n);
	}
}

int warc_http_body_view(struct slice response, size_t max, struct buf *tmp,
			struct slice *body, struct warc_http_head *head)
{
	struct warc_http_head local = {0};
	struct warc_http_head *h = head ? head : &local;
	struct slice codings[MAX_CODINGS], payload;
	struct buf dechunked, ce;
	int rc, rc2 = 0, n;

	buf_reset(tmp);
	tmp->max = max ? max : DEFAULT_BODY_MAX;
	buf_init(&dechunked, tmp->max);
	buf_init(&ce, 4096);
	*body = buf_slice(tmp);
	rc = warc_http_parse_head(response, h);
	if (rc)
		goto out;
	rc = warc_http_payload(response, h, &dechunked, &payload);
	content_encoding(h, &ce);
	n = split_codings(buf_slice(&ce), codings);
	if (n) {
		rc2 = n < 0 ? n : decode_codings(codings, n, payload, tmp);
		*body = buf_slice(tmp);
	} else if (payload.n > tmp->max) {
		rc2 = ERR_LIMIT; /* what copying it into tmp would say */
	} else if (payload.p == dechunked.p) {
		/* de-chunked: that buffer is the result */
		struct buf t = *tmp;

		*tmp = dechunked;
		dechunked = t;
		*body = buf_slice(tmp);
	} else {
		*body = payload; /* no coding at all: no copy */
	}
	if (!rc)
		rc = rc2;
out:
	buf_release(&dechunked);
	buf_release(&ce);
	if (!head)
		warc_http_head_release(&local);
	return rc;
}

int warc_http_body(struct slice response, size_t max, struct buf *out,
		   struct warc_http_head *head)
{
	struct slice body;
	int rc = warc_http_body_view(response, max, out, &body, head);

	/* a view of `response`: it fits, the view was checked against max */
	if (body.n && body.p != out->p)
		buf_append(out, body.p, body.n);
	return rc;
}
