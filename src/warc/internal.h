/*
 * internal.h - what writer.c and reader.c share and nobody else needs:
 * the one definition of "the payload of a record block", so that the
 * digest the writer records and the digest the verifier recomputes can
 * never drift apart; and one hook for the tests (test_warc.c).
 */
#ifndef PATROLI_WARC_INTERNAL_H
#define PATROLI_WARC_INTERNAL_H

#include "warc/warc.h"

enum warc_msg {
	WARC_MSG_OTHER,	   /* resource, metadata: payload = block */
	WARC_MSG_REQUEST,  /* application/http;msgtype=request */
	WARC_MSG_RESPONSE, /* application/http;msgtype=response */
};

/* The payload of a block: for HTTP messages the body after the head,
 * de-chunked; for others the block itself.  *http_ok is false when an HTTP
 * block's head does not parse; the payload is then the whole block (and
 * the writer records no WARC-Payload-Digest).  *status gets the HTTP status
 * (0 if none).  Returns 0, or ERR_INPUT/ERR_LIMIT when de-chunking failed
 * (the payload is then what could be decoded).  *payload may point into
 * block or into tmp. */
int warc_block_payload(struct slice block, enum warc_msg kind, struct buf *tmp,
		       struct slice *payload, bool *http_ok, int *status);

/* "sha256:" + base32 of a SHA-256 digest, appended to out. */
void warc_sha256_label(const unsigned char md[32], struct buf *out);

/* Tests only: when nonzero, igzip gets at most this many bytes of room for
 * a member, so that the writer's fallback to stored blocks (which the
 * generous room makes unreachable otherwise) can be exercised.  Set it
 * before any thread writes; 0 in production. */
extern size_t warc_gzip_room_cap;

/* Tests only: members the calling thread coded with learnt tables (see
 * GZ_TRAIN in writer.c). */
extern _Thread_local unsigned long warc_gzip_learnt;

#endif
