/*
 * writer.c - the WARC/1.1 writer the crawler records every fetch with.
 *
 * Design:
 *  - One gzip member per record, built in memory and handed to write(2)
 *    in one piece.  The file offset before the write is the record's
 *    address; if the write fails the file is cut back to that offset, so
 *    a disk-full never leaves a half record in the middle of a file.
 *  - The member is compressed with ISA-L's one-shot (stateless) igzip:
 *    a record is one buffer anyway, and on crawled HTML igzip level 1 is
 *    1.2-1.5x as fast as libdeflate level 1 (used before) for 1-2% more
 *    output (figures at WARC_GZIP_LEVEL).  ISA-L has no compress bound,
 *    so the output buffer has generous slack and a member that still does
 *    not fit is written as stored deflate blocks: a record is never
 *    dropped for want of space.  zlib stays for the reader's inflate.
 *  - No stdio: warc_writer_flush() is an fdatasync() of the file (plus an
 *    fsync() of the directory the first time, so the new name survives a
 *    crash too).
 *  - Every file starts with its own warcinfo record and is created with
 *    O_EXCL; a file that a crashed process left behind is never touched.
 *    The response and request of one fetch always land in the same file;
 *    rotation happens between fetches once a file reaches max_file.
 *  - Record ids are random v4 UUIDs from getrandom(2) (the kernel CSPRNG
 *    that /dev/urandom reads), so ids from parallel crawlers never clash.
 *    The bytes come from a per-thread buffer that one getrandom() call
 *    fills for 256 ids, instead of a system call per record; a forked
 *    child drops its copy so that it never repeats its parent's ids.
 */
#include "warc/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <openssl/evp.h>

#define MAX_SEQ 99999

struct warc_writer {
	char *data_dir, *subdir, *prefix;
	char **info; /* name, value, ..., NULL (copied) */
	int64_t max_file;
	int fd;			 /* -1 when no file is open */
	char rel[WARC_NAME_MAX]; /* current file, relative to data_dir */
	char *path;		 /* current file, full path */
	int64_t size;		 /* bytes in the current file */
	int64_t records;	 /* fetch records in the current file */
	unsigned seq;
	bool dir_synced;
	bool failed; /* an I/O error happened; refuse further writes */
	char warcinfo_id[WARC_ID_LEN];
	/* One igzip stream and level buffer for every member: together they
	 * hold ~360 KB of match-finder state (hash table, token buffer),
	 * which would otherwise be allocated per record. */
	struct isal_zstream *gz;
	unsigned char *gz_level_buf;
	/* igzip compresses one contiguous buffer, so the record (head,
	 * block, CRLF CRLF) is copied into `in` first; a memcpy costs little
	 * next to compressing.  Both buffers are reused across records. */
	unsigned char *in, *out;
	size_t in_cap, out_cap;
};

/* The crawler compresses every page it fetches.  Measured on 2026-11-29
 * (after the libdeflate change of the same day) with a throw-away program:
 * one gzip member per page with a WARC+HTTP head in front (random record
 * ids and digests, as real heads have), compressor state reused, CPU
 * seconds of one core, best of 5, the range over 3-4 runs on a shared
 * 2-core machine; ratio = input / output; every member inflated back
 * with zlib and compared.
 *
 *                   bench site-20000,       corpus-dev HTML
 *                   every 7th: 2858 pages,  (site, site-after):
 *                   38.8 MB                 1434 pages, 3.7 MB
 *                   (~13.6 KB each)         (~2.6 KB each)
 *   zlib 1          146-147 MB/s  3.329     76-77 MB/s    1.913
 *   zlib 3          110-111 MB/s  3.377     72-76 MB/s    1.928
 *   libdeflate 1    270-305 MB/s  3.482     189-194 MB/s  1.944
 *     (was)
 *   libdeflate 3    145-152 MB/s  3.484     131-132 MB/s  1.949
 *   libdeflate 6     79-81 MB/s   3.549     119-121 MB/s  1.964
 *   igzip 0         558-598 MB/s  3.028     622-635 MB/s  1.578
 *   igzip 1         402-448 MB/s  3.417     229-235 MB/s  1.917
 *
 * igzip level 1 is 1.5x as fast as libdeflate level 1 on the bench pages
 * and 1.2x on the small corpus pages (its per-member setup weighs more
 * there), for 1.4-1.9% more output.  Level 0 is faster still but its
 * output is 13-21% larger: disk and backup cost every page for as long
 * as the evidence is kept, while level 1 costs a fraction of a CPU
 * second per 20,000 pages more.  (The ratios are lower than in the
 * previous table, whose program put a different head in front; the
 * speeds agree with it.)  igzip's stateless API has levels 0 and 1 only;
 * level 1 needs a level buffer, whose size made no difference between
 * ISAL_DEF_LVL1_SMALL and _EXTRA_LARGE on these pages. */
#define WARC_GZIP_LEVEL	    1
#define WARC_GZIP_LEVEL_BUF ISAL_DEF_LVL1_DEFAULT

/* Grow *p to hold n bytes; the old contents need not survive. */
static void reserve(unsigned char **p, size_t *cap, size_t n)
{
	if (n <= *cap)
		return;
	free(*p);
	*p = xmalloc(n);
	*cap = n;
}

/* Drop a buffer a huge record grew, so that one rare large page does not
 * pin its size in memory for the rest of the crawl. */
static void shrink(unsigned char **p, size_t *cap)
{
	if (*cap <= (8u << 20))
		return;
	free(*p);
	*p = NULL;
	*cap = 0;
}

/* Random bytes for record ids, per thread so that no lock is needed
 * whoever calls the writer.  `left` bytes at the end of `b` are unused. */
static _Thread_local struct {
	unsigned char b[4096];
	size_t left;
} rnd;
static pthread_once_t rnd_once = PTHREAD_ONCE_INIT;

/* In a forked child only the forking thread lives on, and it holds a copy
 * of its parent's unused bytes: drop them, or both would hand out the
 * same record ids. */
static void rnd_forget(void)
{
	rnd.left = 0;
}

static void rnd_at_fork(void)
{
	if (pthread_atfork(NULL, NULL, rnd_forget))
		die("pthread_atfork failed");
}

static void random_bytes(unsigned char *out, size_t n)
{
	pthread_once(&rnd_once, rnd_at_fork);
	if (rnd.left < n) {
		size_t got = 0;

		while (got < sizeof(rnd.b)) {
			ssize_t k =
				getrandom(rnd.b + got, sizeof(rnd.b) - got, 0);
			if (k < 0 && errno != EINTR)
				die("getrandom: %s", strerror(errno));
			if (k > 0)
				got += (size_t)k;
		}
		rnd.left = sizeof(rnd.b);
	}
	memcpy(out, rnd.b + sizeof(rnd.b) - rnd.left, n);
	rnd.left -= n;
}

static void new_record_id(char out[WARC_ID_LEN])
{
	unsigned char u[16];
	char hex[33];

	random_bytes(u, sizeof(u));
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	hex_encode(u, sizeof(u), hex);
	snprintf(out, WARC_ID_LEN, "<urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s>", hex,
		 hex + 8, hex + 12, hex + 16, hex + 20);
}

/* Header values come from the network (URLs) and must not be able to
 * inject fields: no controls, no spaces in URIs. */
static bool header_safe(const char *s, bool allow_space)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || (c == ' ' && !allow_space))
			return false;
	}
	return true;
}

static bool ip_safe(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64)
		return false;
	return strspn(s, "0123456789abcdefABCDEF.:") == n;
}

/* Bad arguments from the caller: logged, and told apart from I/O errors. */
PRINTF_LIKE(1, 2) static int input_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(LOG_ERROR, "%s", msg);
	return ERR_INPUT;
}

static void field(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, "%s: %s\r\n", name, value);
}

static void field_digest(struct buf *b, const char *name, struct slice data)
{
	buf_printf(b, "%s: ", name);
	warc_digest_label(data.p, data.n, b);
	buf_puts(b, "\r\n");
}

/* Room for the member of n input bytes.  igzip's stateless call falls
 * back to stored blocks by itself when compressing does not fit, so it
 * needs 10 + 8 + n + 5 per 65,535 bytes; this is well above that. */
static size_t gzip_room(size_t n)
{
	return n + n / 8 + 1024;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* The member as stored (uncompressed) deflate blocks, for when igzip
 * reports an overflow that gzip_room() should have made impossible: the
 * record is kept, only bigger.  Writes at most gzip_room(n) bytes. */
static size_t gzip_stored(const unsigned char *in, size_t n, unsigned char *out)
{
	uint32_t crc = crc32_gzip_refl(0, in, n);
	unsigned char *p = out;
	size_t left = n;

	/* the plain header igzip writes: ID1 ID2, CM deflate, no flags, no
	 * MTIME, XFL 0, OS unknown */
	memcpy(p, "\x1f\x8b\x08\0\0\0\0\0\0\xff", 10);
	p += 10;
	do {
		size_t k = left < 65535 ? left : 65535;

		*p++ = k == left; /* BFINAL on the last block, BTYPE 00 */
		p[0] = (unsigned char)k;
		p[1] = (unsigned char)(k >> 8);
		p[2] = (unsigned char)~k;
		p[3] = (unsigned char)(~k >> 8);
		memcpy(p + 4, in, k);
		p += 4 + k;
		in += k;
		left -= k;
	} while (left);
	put_le32(p, crc);
	put_le32(p + 4, (uint32_t)n);
	return (size_t)(p + 8 - out);
}

/* Compress w->in[0..n) into w->out (gzip_room(n) bytes) as one gzip
 * member; returns its size. */
static size_t gzip_member(struct warc_writer *w, size_t n)
{
	struct isal_zstream *s = w->gz;
	int rc;

	/* stateless_init only resets fields; the state's memory is kept */
	isal_deflate_stateless_init(s);
	s->level = WARC_GZIP_LEVEL;
	s->level_buf = w->gz_level_buf;
	s->level_buf_size = WARC_GZIP_LEVEL_BUF;
	s->gzip_flag = IGZIP_GZIP;
	s->next_in = w->in;
	s->avail_in = (uint32_t)n;
	s->next_out = w->out;
	s->avail_out = (uint32_t)gzip_room(n);
	rc = isal_deflate_stateless(s);
	if (rc == COMP_OK)
		return s->total_out;
	if (rc != STATELESS_OVERFLOW)
		die("%s: isal_deflate_stateless of %zu bytes: error %d",
		    w->path, n, rc);
	log_msg(LOG_WARN,
		"%s: igzip overflowed %zu bytes of room for %zu; "
		"record stored uncompressed",
		w->path, gzip_room(n), n);
	return gzip_stored(w->in, n, w->out);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Append one record (head + block + CRLF CRLF) as its own gzip member and
 * report where it went. */
static int write_member(struct warc_writer *w, struct slice head,
			struct slice block, int64_t *off, int64_t *len)
{
	size_t n, zn;
	int rc = 0;

	if (w->failed || w->fd < 0)
		return log_fail("%s: writer unusable after an earlier error",
				w->path ? w->path : "warc");
	if (block.n > (size_t)1 << 31)
		return log_fail("%s: record block of %zu bytes is too large",
				w->path, block.n);
	n = head.n + block.n + 4;
	/* igzip counts bytes in 32 bits */
	if (gzip_room(n) > UINT32_MAX)
		return log_fail("%s: record of %zu bytes is too large", w->path,
				n);
	reserve(&w->in, &w->in_cap, n);
	memcpy(w->in, head.p, head.n);
	if (block.n)
		memcpy(w->in + head.n, block.p, block.n);
	memcpy(w->in + head.n + block.n, "\r\n\r\n", 4);
	reserve(&w->out, &w->out_cap, gzip_room(n));
	zn = gzip_member(w, n);
	if (write_all(w->fd, (const char *)w->out, zn)) {
		int e = errno;
		w->failed = true;
		/* Cut the partial member off so the file stays readable. */
		if (ftruncate(w->fd, (off_t)w->size))
			log_msg(LOG_ERROR, "%s: cannot truncate to %lld: %s",
				w->path, (long long)w->size, strerror(errno));
		rc = log_fail("%s: write at offset %lld: %s", w->path,
			      (long long)w->size, strerror(e));
		goto out;
	}
	*off = w->size;
	*len = (int64_t)zn;
	w->size += (int64_t)zn;
out:
	shrink(&w->in, &w->in_cap);
	shrink(&w->out, &w->out_cap);
	return rc;
}

static void put_common(struct buf *h, const char *type, const char *id,
		       const char *date)
{
	buf_puts(h, "WARC/1.1\r\n");
	field(h, "WARC-Type", type);
	field(h, "WARC-Record-ID", id);
	field(h, "WARC-Date", date);
}

static bool has_info(const struct warc_writer *w, const char *name)
{
	for (size_t i = 0; w->info && w->info[i] && w->info[i + 1]; i += 2)
		if (!strcasecmp(w->info[i], name))
			return true;
	return false;
}

static int write_warcinfo(struct warc_writer *w)
{
	struct buf h, blk;
	char date[32], host[256];
	const char *base = strrchr(w->rel, '/');
	int64_t off, len;
	int rc;

	buf_init(&h, 0);
	buf_init(&blk, 0);
	time_rfc3339_ms(time_now_ms(), date);
	new_record_id(w->warcinfo_id);
	if (gethostname(host, sizeof(host)) || !header_safe(host, false))
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	/* The caller's fields first; ours only where it gave none. */
	for (size_t i = 0; w->info && w->info[i] && w->info[i + 1]; i += 2)
		field(&blk, w->info[i], w->info[i + 1]);
	if (!has_info(w, "software"))
		field(&blk, "software", "patroli");
	if (!has_info(w, "format"))
		field(&blk, "format", "WARC File Format 1.1");
	if (!has_info(w, "conformsTo"))
		field(&blk, "conformsTo",
		      "https://iipc.github.io/warc-specifications/"
		      "specifications/warc-format/warc-1.1/");
	if (!has_info(w, "hostname"))
		field(&blk, "hostname", host);
	put_common(&h, "warcinfo", w->warcinfo_id, date);
	field(&h, "WARC-Filename", base ? base + 1 : w->rel);
	field(&h, "Content-Type", "application/warc-fields");
	field_digest(&h, "WARC-Block-Digest", buf_slice(&blk));
	buf_printf(&h, "Content-Length: %zu\r\n\r\n", blk.len);
	rc = write_member(w, buf_slice(&h), buf_slice(&blk), &off, &len);
	buf_release(&h);
	buf_release(&blk);
	return rc;
}

static int sync_dir(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int fd, rc = 0;

	if (slash)
		*slash = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd))
		rc = log_fail("%s: fsync of directory: %s", dir,
			      strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

static int close_file(struct warc_writer *w)
{
	int rc = 0;

	if (w->fd < 0)
		return 0;
	rc = warc_writer_flush(w);
	if (close(w->fd) && !rc)
		rc = log_fail("%s: close: %s", w->path, strerror(errno));
	w->fd = -1;
	return rc;
}

static int open_file(struct warc_writer *w)
{
	char stamp[16];
	time_t now = time(NULL);
	struct tm tm;
	char *dir;
	int rc = 0;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	dir = *w->subdir ? xasprintf("%s/%s", w->data_dir, w->subdir)
			 : xstrdup(w->data_dir);
	if (mkdir_p(dir)) {
		free(dir);
		return ERR_FAIL;
	}
	for (;; w->seq++) {
		int n;

		if (w->seq > MAX_SEQ) {
			rc = log_fail("%s: no free file name for %s-%s", dir,
				      w->prefix, stamp);
			goto out;
		}
		n = snprintf(w->rel, sizeof(w->rel), "%s%s%s-%s-%05u.warc.gz",
			     w->subdir, *w->subdir ? "/" : "", w->prefix, stamp,
			     w->seq);
		if (n < 0 || (size_t)n >= sizeof(w->rel)) {
			rc = log_fail("%s: file name too long", dir);
			goto out;
		}
		free(w->path);
		w->path = xasprintf("%s/%s", w->data_dir, w->rel);
		w->fd = open(w->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			     0644);
		if (w->fd >= 0)
			break;
		if (errno != EEXIST) {
			rc = log_fail("%s: create: %s", w->path,
				      strerror(errno));
			goto out;
		}
	}
	w->seq++;
	w->size = 0;
	w->records = 0;
	w->dir_synced = false;
	rc = write_warcinfo(w);
	if (!rc)
		log_msg(LOG_DEBUG, "warc: writing %s", w->path);
out:
	free(dir);
	return rc;
}

int warc_writer_open(const struct warc_writer_opts *o, struct warc_writer **out)
{
	struct warc_writer *w;
	size_t n = 0;

	*out = NULL;
	if (!o->data_dir || !o->subdir || !o->prefix || !*o->prefix ||
	    !header_safe(o->prefix, false) || strchr(o->prefix, '/'))
		return log_fail("warc_writer_open: need data_dir, subdir and a "
				"plain prefix");
	while (o->info && o->info[n] && o->info[n + 1]) {
		if (!header_safe(o->info[n], false) ||
		    strchr(o->info[n], ':') ||
		    !header_safe(o->info[n + 1], true))
			return log_fail("warc_writer_open: warcinfo field '%s' "
					"has forbidden bytes",
					o->info[n]);
		n += 2;
	}
	w = xcalloc(1, sizeof(*w));
	w->data_dir = xstrdup(o->data_dir);
	w->subdir = xstrdup(o->subdir);
	w->prefix = xstrdup(o->prefix);
	w->max_file = o->max_file > 0 ? o->max_file : WARC_MAX_FILE_DEFAULT;
	w->info = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		w->info[i] = xstrdup(o->info[i]);
	w->fd = -1;
	w->gz = xcalloc(1, sizeof(*w->gz));
	w->gz_level_buf = xmalloc(WARC_GZIP_LEVEL_BUF);
	if (open_file(w)) {
		warc_writer_close(w);
		return ERR_FAIL;
	}
	*out = w;
	return 0;
}

int warc_writer_flush(struct warc_writer *w)
{
	if (w->fd < 0)
		return 0;
	if (fdatasync(w->fd))
		return log_fail("%s: fdatasync: %s", w->path, strerror(errno));
	if (!w->dir_synced) {
		if (sync_dir(w->path))
			return ERR_FAIL;
		w->dir_synced = true;
	}
	return w->failed ? ERR_FAIL : 0;
}

int warc_writer_close(struct warc_writer *w)
{
	int rc;

	if (!w)
		return 0;
	rc = close_file(w);
	free(w->gz);
	free(w->gz_level_buf);
	free(w->in);
	free(w->out);
	for (size_t i = 0; w->info && w->info[i]; i++)
		free(w->info[i]);
	free(w->info);
	free(w->path);
	free(w->data_dir);
	free(w->subdir);
	free(w->prefix);
	free(w);
	return rc;
}

const char *warc_writer_file(const struct warc_writer *w)
{
	return w->rel;
}

static int maybe_rotate(struct warc_writer *w)
{
	if (w->failed)
		return log_fail("%s: writer unusable after an earlier error",
				w->path);
	if (w->records == 0 || w->size < w->max_file)
		return 0;
	if (close_file(w))
		return ERR_FAIL;
	return open_file(w);
}

static const char *truncated_name(enum warc_truncated t)
{
	switch (t) {
	case WARC_TRUNC_LENGTH:
		return "length";
	case WARC_TRUNC_TIME:
		return "time";
	case WARC_TRUNC_DISCONNECT:
		return "disconnect";
	default:
		return NULL;
	}
}

/* One application/http record of a fetch. */
static int write_http(struct warc_writer *w, const struct warc_fetch *f,
		      enum warc_msg kind, const char *id,
		      const char *concurrent, const char *date,
		      struct slice block, int64_t *off, int64_t *len,
		      struct warc_written *out)
{
	struct buf h, tmp;
	struct slice payload;
	bool http_ok;
	int status = 0, prc, rc;
	bool resp = kind == WARC_MSG_RESPONSE;

	buf_init(&h, 0);
	buf_init(&tmp, 0);
	prc = warc_block_payload(block, kind, &tmp, &payload, &http_ok,
				 &status);
	put_common(&h, resp ? "response" : "request", id, date);
	field(&h, "WARC-Warcinfo-ID", w->warcinfo_id);
	if (concurrent)
		field(&h, "WARC-Concurrent-To", concurrent);
	field(&h, "WARC-Target-URI", f->url);
	if (f->ip && *f->ip)
		field(&h, "WARC-IP-Address", f->ip);
	if (resp && truncated_name(f->truncated))
		field(&h, "WARC-Truncated", truncated_name(f->truncated));
	field(&h, "Content-Type",
	      resp ? "application/http;msgtype=response"
		   : "application/http;msgtype=request");
	field_digest(&h, "WARC-Block-Digest", block);
	/* No payload digest when the head does not parse: the record then
	 * has no well-defined payload (WARC 1.1, 5.9). */
	if (http_ok || resp) {
		/* one pass over the payload for the record and the store */
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;

		if (!EVP_Digest(payload.p ? payload.p : "", payload.n, md,
				&mdlen, EVP_sha256(), NULL) ||
		    mdlen != 32)
			die("EVP_Digest(sha256) failed");
		if (http_ok) {
			buf_puts(&h, "WARC-Payload-Digest: ");
			warc_sha256_label(md, &h);
			buf_puts(&h, "\r\n");
		}
		if (resp)
			hex_encode(md, mdlen, out->payload_sha256);
	}
	buf_printf(&h, "Content-Length: %zu\r\n\r\n", block.n);
	if (resp) {
		out->status = status;
		out->payload_bad = prc != 0;
	}
	rc = write_member(w, buf_slice(&h), block, off, len);
	buf_release(&h);
	buf_release(&tmp);
	return rc;
}

int warc_write_fetch(struct warc_writer *w, const struct warc_fetch *f,
		     struct warc_written *out)
{
	char date[32];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!f->url || !*f->url || !header_safe(f->url, false))
		return input_error("warc: URL unfit for WARC-Target-URI");
	if (!f->response.n)
		return input_error("%s: no response to record", f->url);
	if (f->ip && *f->ip && !ip_safe(f->ip))
		return input_error("%s: IP address unfit for a header", f->url);
	rc = maybe_rotate(w);
	if (rc)
		return rc;
	time_rfc3339_ms(f->fetched_at ? f->fetched_at : time_now_ms(), date);
	new_record_id(out->response_id);
	rc = write_http(w, f, WARC_MSG_RESPONSE, out->response_id, NULL, date,
			f->response, &out->offset, &out->length, out);
	if (rc)
		return rc;
	snprintf(out->file, sizeof(out->file), "%s", w->rel);
	w->records++;
	if (!f->request.n)
		return 0;
	new_record_id(out->request_id);
	return write_http(w, f, WARC_MSG_REQUEST, out->request_id,
			  out->response_id, date, f->request,
			  &out->request_offset, &out->request_length, out);
}

int warc_write_resource(struct warc_writer *w, const char *url,
			const char *content_type, int64_t fetched_at,
			struct slice data, struct warc_written *out)
{
	struct buf h;
	char date[32];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!url || !*url || !header_safe(url, false))
		return input_error("warc: URL unfit for WARC-Target-URI");
	if (!content_type || !*content_type || !header_safe(content_type, true))
		return input_error("%s: bad resource content type", url);
	rc = maybe_rotate(w);
	if (rc)
		return rc;
	buf_init(&h, 0);
	time_rfc3339_ms(fetched_at ? fetched_at : time_now_ms(), date);
	new_record_id(out->response_id);
	put_common(&h, "resource", out->response_id, date);
	field(&h, "WARC-Warcinfo-ID", w->warcinfo_id);
	field(&h, "WARC-Target-URI", url);
	field(&h, "Content-Type", content_type);
	field_digest(&h, "WARC-Block-Digest", data);
	field_digest(&h, "WARC-Payload-Digest", data);
	buf_printf(&h, "Content-Length: %zu\r\n\r\n", data.n);
	sha256_hex(data.p ? data.p : "", data.n, out->payload_sha256);
	rc = write_member(w, buf_slice(&h), data, &out->offset, &out->length);
	if (!rc) {
		snprintf(out->file, sizeof(out->file), "%s", w->rel);
		w->records++;
	}
	buf_release(&h);
	return rc;
}
