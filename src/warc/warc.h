/*
 * warc.h - WARC/1.1 evidence files: the writer the crawler records every
 * fetch with, the reader and verifier the evidence commands use, and the
 * small HTTP helpers both sides need (head parser, de-chunker, content
 * decoder).
 *
 * Why WARC: officers must later prove exactly what a page showed and when.
 * A WARC response record keeps the bytes as they came off the wire (status
 * line, headers, body with transfer and content coding untouched) next to
 * the time, the server's IP address and SHA-256 digests, in a format that
 * independent tools (warcio, pywb, jwarc, heritrix) read.
 *
 * Layout on disk: DATA/<subdir>/<prefix>-<YYYYmmddHHMMSS>-<seq>.warc.gz, one
 * `warcinfo` record first, then per fetch a `response` and a `request`
 * record.  Every record is its own gzip member, so (file, offset, length)
 * of a member addresses exactly one record and can be read without
 * inflating the file from the start.
 *
 * Digests: WARC-Block-Digest and WARC-Payload-Digest are "sha256:" followed
 * by RFC 4648 base32 (padded).  The payload is the entity body with the
 * chunked transfer coding removed and the content coding kept, as WARC 1.1
 * section 5.9 says; hashing the chunked bytes is a mistake several
 * crawlers made and makes the digest depend on how the server chunked.
 * The same hash in hex is what the store keeps as a capture's sha256.
 *
 * Errors: 0 or a negative ERR_* (see base.h); messages name file:offset.
 * Strings and slices handed out point into the object they came from and
 * stay valid until the next call on that object, unless said otherwise.
 */
#ifndef PATROLI_WARC_H
#define PATROLI_WARC_H

#include "base/base.h"

#define WARC_ID_LEN		48	    /* "<urn:uuid:" + 36 + ">" + NUL */
#define WARC_NAME_MAX		512	    /* relative file name, with NUL */
#define WARC_MAX_FILE_DEFAULT	(1LL << 30) /* rotate at 1 GiB */
#define WARC_MAX_HEAD		(64 * 1024) /* WARC header block, reader cap */
#define WARC_MAX_RECORD_DEFAULT (512LL << 20) /* inflated record cap */
#define WARC_HTTP_MAX_HEAD	(256 * 1024)  /* HTTP head cap */
#define WARC_HTTP_MAX_HEADERS	1000

/* ---- HTTP helpers ---------------------------------------------------------
 * The crawler switches off libcurl's transfer and content decoding so that
 * the WARC keeps the wire bytes; these recover the entity body from them.
 */
struct warc_http_header {
	struct slice name, value; /* value trimmed of surrounding blanks */
};

struct warc_http_head {
	int status;	     /* 100..999 for a response, 0 for a request */
	struct slice first;  /* status or request line, without CRLF */
	struct slice reason; /* response: reason phrase, may be empty */
	size_t body_off;     /* offset of the body in the parsed input */
	size_t nheaders;
	struct warc_http_header *h; /* owned; warc_http_head_release() */
	size_t cap;
};

/* Parse the head of an HTTP response (status line, header fields, blank
 * line; CRLF or bare LF).  Interim 1xx heads (100 Continue, 103 Early
 * Hints) that precede the final one are skipped, so status and body_off
 * describe the final response.  ERR_INPUT if the input is not an HTTP/1.x
 * or HTTP/2+ response head or has no blank line; ERR_LIMIT if the head is
 * longer than WARC_HTTP_MAX_HEAD or has more than WARC_HTTP_MAX_HEADERS
 * fields.  On error *out is still valid for release.  A zeroed struct is a
 * valid empty head. */
int warc_http_parse_head(struct slice in, struct warc_http_head *out);
/* Same for a request head (request line instead of a status line). */
int warc_http_parse_request(struct slice in, struct warc_http_head *out);
void warc_http_head_release(struct warc_http_head *h);
/* First value of a header field, case-insensitive name; false if absent. */
bool warc_http_header(const struct warc_http_head *h, const char *name,
		      struct slice *value);
/* True if the message's last transfer coding is chunked. */
bool warc_http_is_chunked(const struct warc_http_head *h);

/* Remove the chunked transfer coding from `in` (the bytes after the head),
 * appending the chunk data to `out`.  Chunk extensions and trailers are
 * skipped.  Returns 0 for a well-formed body ending in the zero chunk and
 * the blank line after the trailers; ERR_INPUT for malformed or truncated
 * input (bad size line, size beyond the data, missing CRLF or terminator),
 * in which case `out` still receives every byte that could be decoded, and
 * ERR_LIMIT if out->max was reached.  Linear in the input. */
int warc_http_dechunk(struct slice in, struct buf *out);

/* The payload of a message as WARC defines it: the body after the head,
 * de-chunked when the transfer coding is chunked.  *payload points either
 * into `msg` or into `tmp` (which is reset first).  Returns 0, or the
 * ERR_INPUT/ERR_LIMIT of warc_http_dechunk() with whatever was decoded. */
int warc_http_payload(struct slice msg, const struct warc_http_head *h,
		      struct buf *tmp, struct slice *payload);

/* Undo a Content-Encoding list ("gzip", "x-gzip", "deflate" with or without
 * the zlib wrapper, "br", "identity", or several comma-separated, applied
 * right to left) and append the result to `out`, which caps the decoded
 * size (ERR_LIMIT: a compression bomb stops there).  ERR_INPUT for an
 * unknown coding or corrupt data, with what was decoded so far in `out`. */
int warc_http_decode(struct slice body, struct slice content_encoding,
		     struct buf *out);

/* The entity body of a raw response as an officer would see it: head
 * parsed, transfer coding removed, content coding undone, at most `max`
 * bytes (0 = 256 MiB).  `out` is reset.  The head is left in *head (release
 * it) when head is not NULL. */
int warc_http_body(struct slice response, size_t max, struct buf *out,
		   struct warc_http_head *head);
/* warc_http_body() into `tmp`, without the copy when the body has neither
 * transfer nor content coding (or only "identity"): then *body points into
 * `response` and `tmp` stays empty; otherwise *body is buf_slice(tmp).
 * The same bytes and return value as warc_http_body(response, max, tmp,
 * head).  *body borrows from `response` or `tmp` (both stay the caller's,
 * and tmp's storage may be replaced): valid while both are unchanged, not
 * necessarily NUL-terminated. */
int warc_http_body_view(struct slice response, size_t max, struct buf *tmp,
			struct slice *body, struct warc_http_head *head);

/* ---- writer ---------------------------------------------------------------
 */
struct warc_writer;

struct warc_writer_opts {
	const char *data_dir; /* root of the data directory */
	const char *subdir;   /* e.g. "warc"; created if missing */
	const char *prefix;   /* file name prefix, e.g. "patroli" */
	int64_t max_file;     /* rotate when a file reaches this; 0 = 1 GiB */
	/* Extra warcinfo fields as name, value, name, value, ..., NULL
	 * (e.g. "operator", "BPOM Direktorat Siber"); may be NULL.  Values
	 * with CR, LF or other control bytes are rejected by open. */
	const char *const *info;
};

/* Open a writer.  Always starts a new file, created with O_EXCL: a file a
 * crashed process left half-written is never appended to. */
int warc_writer_open(const struct warc_writer_opts *o,
		     struct warc_writer **out);
/* Flush stdio and fdatasync(): after 0, every record written so far is on
 * stable storage.  The crawler calls it before committing its store batch,
 * so the store never points at a record that a crash could lose. */
int warc_writer_flush(struct warc_writer *w);
/* The same in two steps, for a writer shared under a lock: begin (under
 * the lock) syncs a new file's directory entry and takes a duplicate of
 * the file's descriptor; end (unlocked, any thread) runs the fdatasync()
 * and frees what begin took, so appends need not wait for the disk.  After
 * end returns 0, every record appended before begin is on stable storage.
 * Call end after every begin, whatever begin returned. */
struct warc_sync {
	int fd; /* -1: nothing to sync */
	char *path;
};
int warc_writer_sync_begin(struct warc_writer *w, struct warc_sync *s);
int warc_sync_end(struct warc_sync *s);
/* Flush, close and free (NULL is a no-op).  Returns the flush result. */
int warc_writer_close(struct warc_writer *w);
/* The current file, relative to data_dir (e.g. "warc/patroli-...gz"). */
const char *warc_writer_file(const struct warc_writer *w);

/* Why the response in the record is incomplete (WARC-Truncated). */
enum warc_truncated {
	WARC_TRUNC_NONE = 0,
	WARC_TRUNC_LENGTH,     /* the body cap was hit: "length" */
	WARC_TRUNC_TIME,       /* the fetch timed out: "time" */
	WARC_TRUNC_DISCONNECT, /* the peer went away: "disconnect" */
};

/* One HTTP fetch.  Only complete or partial responses are recorded: a fetch
 * with no response at all (DNS failure, refused, timeout before the status
 * line) writes nothing, the store keeps the error instead. */
struct warc_fetch {
	const char *url;       /* WARC-Target-URI; no CR/LF/space/controls */
	const char *ip;	       /* WARC-IP-Address; may be NULL */
	int64_t fetched_at;    /* ms since epoch; 0 = now */
	struct slice request;  /* raw request as sent (CURLINFO_HEADER_OUT) */
	struct slice response; /* raw response as received, codings kept */
	enum warc_truncated truncated;
};

/* Where a fetch went and what it hashed to. */
struct warc_written {
	char file[WARC_NAME_MAX]; /* relative to data_dir */
	int64_t offset, length;	  /* the response record's gzip member */
	int64_t request_offset, request_length;
	char response_id[WARC_ID_LEN];
	char request_id[WARC_ID_LEN];
	char payload_sha256[SHA256_HEX_LEN + 1]; /* de-chunked body, hex */
	int status;	  /* parsed HTTP status, 0 if the head is unparsable */
	bool payload_bad; /* chunked coding malformed: hashed what decoded */
};

/* Write the response record and the request record of one fetch (in that
 * order, request WARC-Concurrent-To the response), rotating first if the
 * file has reached max_file.  Both records always land in the same file.
 * ERR_INPUT for an empty response or a URL/IP unfit for a header; ERR_FAIL
 * on I/O errors, after which the writer refuses further writes (the
 * partial members are cut off the file when possible).  The same as
 * warc_fetch_prepare(), warc_fetch_append(), warc_prepared_free(). */
int warc_write_fetch(struct warc_writer *w, const struct warc_fetch *f,
		     struct warc_written *out);

/* A fetch in two steps, for threads that share a writer: hashing and
 * compressing (nearly all the work) in each calling thread, and only the
 * append one thread at a time.
 *
 * warc_fetch_prepare() builds both records, hashes them and compresses
 * each into its gzip member.  It is thread-safe: any number of threads
 * may prepare at once, also while another appends, as long as `w` stays
 * open.  It reads nothing of `f` afterwards.  On 0, *out is the prepared
 * fetch; on error (ERR_INPUT as above, ERR_FAIL for a record too large to
 * compress) *out is NULL and nothing is written.  The work uses the
 * calling thread's compressor state and spare buffers (kept between
 * calls, freed when the thread exits).
 *
 * warc_fetch_append() writes a prepared fetch: rotates when due, checks
 * the writer has not failed, and write()s both members at once at the end
 * of the current file, filling *out as warc_write_fetch() does.  One
 * caller at a time per writer (as for every other call on it but
 * prepare).  Records may be appended in any order and after any number
 * of other appends: a prepared record names the file's warcinfo record,
 * and when the file changed since it was prepared (a rotation) the
 * append compresses it again with the new file's id.  A prepared fetch is
 * appended at most once; a second append is refused (ERR_INPUT).
 *
 * warc_prepared_free() releases it, appended or not, on any thread (NULL
 * is a no-op); its buffers become that thread's spare unless they are
 * large. */
struct warc_prepared;
int warc_fetch_prepare(struct warc_writer *w, const struct warc_fetch *f,
		       struct warc_prepared **out);
int warc_fetch_append(struct warc_writer *w, struct warc_prepared *p,
		      struct warc_written *out);
void warc_prepared_free(struct warc_prepared *p);

/* A `resource` record: bytes that are not an HTTP exchange (a screenshot,
 * a rendered DOM).  out->offset/length/response_id describe it;
 * payload_sha256 hashes `data`. */
int warc_write_resource(struct warc_writer *w, const char *url,
			const char *content_type, int64_t fetched_at,
			struct slice data, struct warc_written *out);

/* ---- reader ----------------------------------------------------------------
 * Reads a .warc.gz member by member.  Input is hostile: headers are capped
 * at WARC_MAX_HEAD, an inflated record at max_record, and a corrupt or
 * truncated member is reported with its offset, after which the reader
 * resynchronises on the next gzip header.
 */
struct warc_reader;

struct warc_record {
	int64_t offset, length; /* the gzip member in the file */
	struct slice version;	/* "WARC/1.1" */
	struct slice fields;	/* the named fields, CRLF separated */
	struct slice block;	/* Content-Length bytes */
	int64_t content_length;
	/* Frequent fields, empty slices when absent. */
	struct slice type, id, date, target_uri, ip, content_type;
	struct slice block_digest, payload_digest, concurrent_to;
	struct slice warcinfo_id, truncated;
	/* Why warc_reader_next() returned ERR_INPUT or ERR_LIMIT. */
	char error[256];
};

/* max_record: cap on an inflated record, 0 = WARC_MAX_RECORD_DEFAULT. */
int warc_reader_open(const char *path, int64_t max_record,
		     struct warc_reader **out);
void warc_reader_close(struct warc_reader *r);
/* Position the reader at the member starting at `offset`. */
int warc_reader_seek(struct warc_reader *r, int64_t offset);
/* The next record: 0 (rec filled, valid until the next call); ERR_NOTFOUND
 * at the end of the file; ERR_INPUT or ERR_LIMIT for a bad member
 * (rec->offset and rec->error say where and why; calling again continues
 * after it); ERR_FAIL for an I/O error. */
int warc_reader_next(struct warc_reader *r, struct warc_record *rec);
/* Any named field of a record (case-insensitive); false if absent. */
bool warc_record_field(const struct warc_record *rec, const char *name,
		       struct slice *value);
/* True for Content-Type application/http (request or response). */
bool warc_record_is_http(const struct warc_record *rec);

/* Re-hash one record and compare with its digest fields. */
struct warc_check {
	bool has_block_digest, block_ok;
	bool has_payload_digest, payload_ok;
	char payload_sha256[SHA256_HEX_LEN + 1]; /* what we computed */
	char why[256];				 /* first problem, or "" */
};
/* 0 when every digest present matches; ERR_INPUT on a mismatch or a digest
 * in an unknown algorithm or encoding (why says which).  Digests may be
 * sha1, sha256, sha512 or md5, in base32 (padded or not) or hex. */
int warc_record_check(const struct warc_record *rec, struct warc_check *out);

/* ---- verification ------------------------------------------------------ */
struct warc_verify_stats {
	int64_t records;    /* records read */
	int64_t mismatches; /* records with a problem, incl. bad members */
};
/* Called for each problem; `file` and `offset` locate the member. */
typedef void (*warc_problem_fn)(void *arg, const char *file, int64_t offset,
				const char *what);
/* Re-hash every record of a file, adding to *st.  Returns 0 if the file
 * was read to its end (mismatches are counted, not errors), ERR_FAIL if it
 * could not be opened or read. */
int warc_verify_file(const char *path, warc_problem_fn fn, void *arg,
		     struct warc_verify_stats *st);

#endif
