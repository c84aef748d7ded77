/*
 * record.c - digests of WARC records: the one definition of a block's
 * payload (shared by writer and verifier), the labelled-digest format, and
 * re-checking a record read back from disk.
 *
 * The writer always uses sha256 in base32; the checker also accepts the
 * sha1/md5/sha512 and hex forms other tools write, so `evidence verify`
 * can be pointed at foreign WARC files too.
 */
#include "warc/internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

static enum warc_msg msg_kind(const struct warc_record *rec)
{
	struct slice ct = rec->content_type;

	if (!slice_starts_ci(ct, "application/http"))
		return WARC_MSG_OTHER;
	/* msgtype is optional; fall back on the WARC-Type. */
	for (size_t i = 0; i + 7 <= ct.n; i++) {
		struct slice rest = {ct.p + i, ct.n - i};
		if (slice_starts_ci(rest, "msgtype=request"))
			return WARC_MSG_REQUEST;
		if (slice_starts_ci(rest, "msgtype=response"))
			return WARC_MSG_RESPONSE;
	}
	if (slice_eq_ci(rec->type, "request"))
		return WARC_MSG_REQUEST;
	return WARC_MSG_RESPONSE;
}

bool warc_record_is_http(const struct warc_record *rec)
{
	return msg_kind(rec) != WARC_MSG_OTHER;
}

int warc_block_payload(struct slice block, enum warc_msg kind, struct buf *tmp,
		       struct slice *payload, bool *http_ok, int *status)
{
	struct warc_http_head h = {0};
	int rc = 0;

	*status = 0;
	*http_ok = true;
	*payload = block;
	if (kind == WARC_MSG_OTHER)
		return 0;
	if (kind == WARC_MSG_RESPONSE)
		rc = warc_http_parse_head(block, &h);
	else
		rc = warc_http_parse_request(block, &h);
	if (rc) {
		*http_ok = false;
		rc = 0;
	} else {
		*status = h.status;
		rc = warc_http_payload(block, &h, tmp, payload);
	}
	warc_http_head_release(&h);
	return rc;
}

void warc_sha256_label(const unsigned char md[32], struct buf *out)
{
	struct buf b32;

	/* base32_encode pads to a multiple of 8 of the whole buffer, so it
	 * gets a buffer of its own. */
	buf_init(&b32, 0);
	base32_encode(md, 32, &b32);
	buf_puts(out, "sha256:");
	buf_append(out, b32.p, b32.len);
	buf_release(&b32);
}

/* ---- checking -------------------------------------------------------------
 */

static const EVP_MD *digest_algo(struct slice name)
{
	if (slice_eq_ci(name, "sha256") || slice_eq_ci(name, "sha-256"))
		return EVP_sha256();
	if (slice_eq_ci(name, "sha1") || slice_eq_ci(name, "sha-1"))
		return EVP_sha1();
	if (slice_eq_ci(name, "sha512") || slice_eq_ci(name, "sha-512"))
		return EVP_sha512();
	if (slice_eq_ci(name, "md5"))
		return EVP_md5();
	return NULL;
}

/* Strip trailing '=' and compare case-insensitively. */
static bool same_text(struct slice a, const char *b)
{
	size_t bn = strlen(b);

	while (a.n && a.p[a.n - 1] == '=')
		a.n--;
	while (bn && b[bn - 1] == '=')
		bn--;
	return a.n == bn && !strncasecmp(a.p, b, bn);
}

/* 1 match, 0 mismatch, ERR_INPUT for a label we cannot read. */
static int digest_matches(struct slice label, struct slice data)
{
	const char *colon = memchr(label.p, ':', label.n);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	struct buf b32;
	struct slice value;
	const EVP_MD *algo;
	bool ok;

	if (!colon)
		return ERR_INPUT;
	algo = digest_algo((struct slice){label.p, (size_t)(colon - label.p)});
	if (!algo)
		return ERR_INPUT;
	value = slice_trim((struct slice){
		colon + 1, label.n - (size_t)(colon - label.p) - 1});
	if (!EVP_Digest(data.p ? data.p : "", data.n, md, &len, algo, NULL))
		die("EVP_Digest failed");
	hex_encode(md, len, hex);
	buf_init(&b32, 0);
	base32_encode(md, len, &b32);
	ok = same_text(value, b32.p) || same_text(value, hex);
	buf_release(&b32);
	return ok;
}

static void set_why(struct warc_check *c, const char *fmt, const char *what,
		    struct slice label)
{
	if (!c->why[0])
		snprintf(c->why, sizeof(c->why), fmt, what,
			 (int)MIN(label.n, 80), label.p);
}

int warc_record_check(const struct warc_record *rec, struct warc_check *c)
{
	struct buf tmp;
	struct slice payload;
	bool http_ok;
	int status, m, rc = 0;
	enum warc_msg kind = msg_kind(rec);

	memset(c, 0, sizeof(*c));
	buf_init(&tmp, 0);
	c->has_block_digest = rec->block_digest.n > 0;
	c->has_payload_digest = rec->payload_digest.n > 0;
	if (c->has_block_digest) {
		m = digest_matches(rec->block_digest, rec->block);
		c->block_ok = m == 1;
		if (m < 0)
			set_why(c, "%s digest in an unknown form: %.*s",
				"block", rec->block_digest);
		else if (!m)
			set_why(c, "%s digest mismatch (recorded %.*s)",
				"block", rec->block_digest);
	}
	/* What the store keeps as sha256: always computed. */
	warc_block_payload(rec->block, kind, &tmp, &payload, &http_ok, &status);
	sha256_hex(payload.p ? payload.p : "", payload.n, c->payload_sha256);
	if (c->has_payload_digest && !slice_eq_ci(rec->type, "revisit")) {
		m = digest_matches(rec->payload_digest, payload);
		if (m == 0 && http_ok && payload.p == tmp.p) {
			/* Some tools hash the body still chunked; the bytes
			 * are the same evidence, so accept that too. */
			struct warc_http_head h = {0};
			if ((kind == WARC_MSG_RESPONSE
				     ? warc_http_parse_head(rec->block, &h)
				     : warc_http_parse_request(rec->block,
							       &h)) == 0 &&
			    h.body_off <= rec->block.n)
				m = digest_matches(
					rec->payload_digest,
					(struct slice){
						rec->block.p + h.body_off,
						rec->block.n - h.body_off});
			warc_http_head_release(&h);
		}
		c->payload_ok = m == 1;
		if (m < 0)
			set_why(c, "%s digest in an unknown form: %.*s",
				"payload", rec->payload_digest);
		else if (!m)
			set_why(c, "%s digest mismatch (recorded %.*s)",
				"payload", rec->payload_digest);
	}
	if ((c->has_block_digest && !c->block_ok) ||
	    (c->has_payload_digest && !c->payload_ok &&
	     !slice_eq_ci(rec->type, "revisit")))
		rc = ERR_INPUT;
	buf_release(&tmp);
	return rc;
}
