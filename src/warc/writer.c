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
 *    output (figures at WARC_GZIP_LEVEL); after a crawl's first records,
 *    most are coded at level 0 with Huffman tables learnt from earlier
 *    ones, a quarter less CPU for 2-3% more output (see GZ_TRAIN).  ISA-L
 *    has no compress bound, so the output buffer has generous slack and a
 *    member that still does not fit is written as stored deflate blocks:
 *    a record is never dropped for want of space.  zlib stays for the
 *    reader's inflate.
 *  - No stdio: warc_writer_flush() is an fdatasync() of the file (plus an
 *    fsync() of the directory the first time, so the new name survives a
 *    crash too).
 *  - Every file starts with its own warcinfo record and is created with
 *    O_EXCL; a file that a crashed process left behind is never touched.
 *    The response and request of one fetch always land in the same file;
 *    rotation happens between fetches once a file reaches max_file.
 *  - A fetch is written in two steps (warc.h): warc_fetch_prepare() builds
 *    its two records, hashes them and compresses each into its member in
 *    the calling thread, without a lock; warc_fetch_append() only picks
 *    the file and offset, rotates when due and write()s both members in
 *    one call.  Hashing and compressing are nearly all of a record's CPU,
 *    so the crawler's evidence threads overlap on them and queue only for
 *    the write.  The one thing in a record that depends on the file is its
 *    WARC-Warcinfo-ID: prepare copies the current file's id (under a mutex
 *    of its own, as a rotation may be replacing it), and an append that
 *    finds the file changed since (a rotation, once per GiB) writes the
 *    new id over the old one (ids have a fixed length) and compresses the
 *    members again.  Offsets, file and rotation are decided by the append
 *    alone.  warcinfo and resource records take the same path.
 *  - The compressor state (~365 KB of hash table, token and level buffer)
 *    is per thread, made on first use and freed when the thread exits;
 *    so is one spare prepared object, whose buffers the next prepare on
 *    that thread reuses unless a big page made them large.
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
	/* The current file's warcinfo record.  Prepare reads it from other
	 * threads while an append may be rotating, hence the mutex; the
	 * appending caller itself may read it without. */
	pthread_mutex_t id_mu;
	char warcinfo_id[WARC_ID_LEN];
};

/* How a record is compressed: with which learnt tables (see GZ_TRAIN),
 * or at level 1. */
enum gz_kind { GZ_REQUEST, GZ_RESPONSE, GZ_KINDS, GZ_LEVEL1 = GZ_KINDS };

/* One to two records, each as it will be inflated from its member (head,
 * block, CRLF CRLF) in `in` and compressed in `out`, back to back: the
 * append writes out[0..out_len) in one piece. */
#define MAX_RECORDS 2
struct warc_prepared {
	unsigned char *in, *out;
	size_t in_cap, out_cap;
	size_t in_len, out_len;
	int nrec;
	struct {
		size_t in_off, in_len, out_len;
		size_t info_at; /* WARC-Warcinfo-ID value in `in`; 0 = none */
		enum gz_kind kind;
	} rec[MAX_RECORDS];
	/* The warcinfo id the heads name; "" when they name none. */
	char warcinfo_id[WARC_ID_LEN];
	bool appended;
	struct warc_written res; /* all but file, offsets and lengths */
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

/* A thread's spare buffers larger than this are dropped when its prepared
 * fetch is freed, so that one rare big page does not pin its size in
 * every evidence thread for the rest of the crawl.  Bench pages are 5-20
 * KB and most real ones well under a megabyte; a page of several pays a
 * fresh allocation, little next to hashing and compressing it. */
#define KEEP_MAX ((size_t)2 << 20)

static void shrink(unsigned char **p, size_t *cap, size_t max)
{
	if (*cap <= max)
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

/*
 * Huffman tables learnt from the crawl's own records.  igzip level 1
 * builds a Huffman code for every member from that member's symbol
 * counts; level 0 codes with tables given to it and skips that work.  With
 * tables from a sample of the records already written, level 0 costs a
 * quarter less CPU than level 1 on pages and a quarter as much on request
 * records (one thread, bench site, 2026-11-29: 23 against 31 us per
 * response, 1.9 against 7.2 us per request), for output 1.4% larger on
 * responses and 5% on requests.  Whole crawls, WARC bytes against level 1
 * throughout: bench site 93.18 against 91.44 MB (+1.9%), corpus-dev
 * 2.058 against 2.000 MB (+2.9%, small pages of many kinds); ISA-L's
 * generic tables instead lose 13-34%.  So each thread keeps tables for two
 * kinds of records, requests and responses, whose symbols count
 * differently (a warcinfo or resource record, rare and of any kind, is
 * coded at level 1): a kind's first GZ_TRAIN records are compressed at
 * level 1 and counted, and after that one record in GZ_SAMPLE is; every
 * GZ_RETRAIN samples the tables are made again from the counts, which are
 * then halved, so they follow a crawl that moves to other kinds of
 * pages.  ISA-L gives every symbol a code in such tables, so any bytes can
 * be coded with them; a record they do not shrink by an eighth (an image,
 * say, or text unlike the samples) is compressed again at level 1, and
 * counted if level 1 shrinks it by that much (text unlike the samples, not
 * an image).
 */
#define GZ_TRAIN     32		/* counted records before the first tables */
#define GZ_SAMPLE    32		/* then one record in this many is counted */
#define GZ_RETRAIN   32		/* new tables after this many more */
#define GZ_COUNT_MAX (64 << 10) /* bytes of a record that are counted */

struct gz_class {
	struct isal_huff_histogram hist;
	struct isal_hufftables tables;
	unsigned counted; /* records counted since the tables were made */
	unsigned since;	  /* records since the last one counted */
	bool ready;	  /* tables made */
};

/* What a thread keeps between records (see the design notes). */
struct thread_state {
	struct isal_zstream *gz; /* NULL until the thread compresses */
	unsigned char *gz_level_buf;
	struct gz_class *cls; /* [GZ_KINDS] */
	struct warc_prepared *spare;
};
static pthread_key_t ts_key;
static pthread_once_t ts_once = PTHREAD_ONCE_INIT;

static void prepared_destroy(struct warc_prepared *p)
{
	if (!p)
		return;
	free(p->in);
	free(p->out);
	free(p);
}

/* Runs when a thread exits. */
static void ts_free(void *arg)
{
	struct thread_state *t = arg;

	free(t->gz);
	free(t->gz_level_buf);
	free(t->cls);
	prepared_destroy(t->spare);
	free(t);
}

static void ts_init(void)
{
	int rc = pthread_key_create(&ts_key, ts_free);

	if (rc)
		die("pthread_key_create: %s", strerror(rc));
}

static struct thread_state *ts_get(void)
{
	struct thread_state *t;

	pthread_once(&ts_once, ts_init);
	t = pthread_getspecific(ts_key);
	if (!t) {
		t = xcalloc(1, sizeof(*t));
		if (pthread_setspecific(ts_key, t))
			die("pthread_setspecific failed");
	}
	return t;
}

/* The thread's spare, emptied, or a new one. */
static struct warc_prepared *prepared_new(void)
{
	struct thread_state *t = ts_get();
	struct warc_prepared *p = t->spare;
	unsigned char *in, *out;
	size_t in_cap, out_cap;

	if (!p)
		return xcalloc(1, sizeof(*p));
	t->spare = NULL;
	in = p->in;
	out = p->out;
	in_cap = p->in_cap;
	out_cap = p->out_cap;
	memset(p, 0, sizeof(*p));
	p->in = in;
	p->out = out;
	p->in_cap = in_cap;
	p->out_cap = out_cap;
	return p;
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

/* A digest field from a SHA-256 already computed. */
static void field_md(struct buf *b, const char *name,
		     const unsigned char md[32])
{
	buf_printf(b, "%s: ", name);
	warc_sha256_label(md, b);
	buf_puts(b, "\r\n");
}

/* A digest field: the SHA-256 of data. */
static void field_digest(struct buf *b, const char *name, struct slice data)
{
	unsigned char md[32];

	sha256(data.p, data.n, md);
	field_md(b, name, md);
}

/* Where the value of the WARC-Warcinfo-ID field goes in the head; the
 * append may replace it there (see the design notes). */
static size_t field_warcinfo(struct buf *h, const char *id)
{
	size_t at;

	buf_puts(h, "WARC-Warcinfo-ID: ");
	at = h->len;
	buf_puts(h, id);
	buf_puts(h, "\r\n");
	return at;
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

size_t warc_gzip_room_cap;
_Thread_local unsigned long warc_gzip_learnt;

/* One isal_deflate_stateless() call: level 1, or level 0 with `tables`.
 * Returns igzip's code. */
static int deflate_once(struct thread_state *t, const unsigned char *in,
			size_t n, unsigned char *out, size_t room,
			struct isal_hufftables *tables)
{
	struct isal_zstream *s = t->gz;

	/* stateless_init only resets fields; the state's memory is kept */
	isal_deflate_stateless_init(s);
	if (tables) {
		s->level = 0;
		isal_deflate_set_hufftables(s, tables, IGZIP_HUFFTABLE_CUSTOM);
	} else {
		s->level = WARC_GZIP_LEVEL;
		s->level_buf = t->gz_level_buf;
		s->level_buf_size = WARC_GZIP_LEVEL_BUF;
	}
	s->gzip_flag = IGZIP_GZIP;
	s->next_in = (uint8_t *)in;
	s->avail_in = (uint32_t)n;
	s->next_out = out;
	s->avail_out = (uint32_t)room;
	return isal_deflate_stateless(s);
}

/* Count a record that level 1 shrank into its class; make the class's
 * tables when enough are counted (see GZ_TRAIN). */
static void gz_count(struct gz_class *k, const unsigned char *in, size_t n)
{
	k->since = 0;
	isal_update_histogram((uint8_t *)in,
			      (int)(n < GZ_COUNT_MAX ? n : GZ_COUNT_MAX),
			      &k->hist);
	if (++k->counted < (k->ready ? GZ_RETRAIN : GZ_TRAIN))
		return;
	k->counted = 0;
	if (isal_create_hufftables(&k->tables, &k->hist))
		return; /* keep the tables there are, if any */
	k->ready = true;
	for (int i = 0; i < ISAL_DEF_LIT_LEN_SYMBOLS; i++)
		k->hist.lit_len_histogram[i] /= 2;
	for (int i = 0; i < ISAL_DEF_DIST_SYMBOLS; i++)
		k->hist.dist_histogram[i] /= 2;
}

/* Compress in[0..n) into out (gzip_room(n) bytes) as one gzip member with
 * the calling thread's compressor; returns its size.  `what` names the
 * record in messages (not w->path: prepare runs while an append may be
 * rotating). */
static size_t gzip_member(const unsigned char *in, size_t n, enum gz_kind kind,
			  unsigned char *out, const char *what)
{
	struct thread_state *t = ts_get();
	size_t room = gzip_room(n);
	struct gz_class *k = NULL;
	int rc;

	if (!t->gz) {
		t->gz = xcalloc(1, sizeof(*t->gz));
		t->gz_level_buf = xmalloc(WARC_GZIP_LEVEL_BUF);
		t->cls = xcalloc(GZ_KINDS, sizeof(*t->cls));
	}
	if (kind < GZ_KINDS)
		k = &t->cls[kind];
	if (warc_gzip_room_cap && room > warc_gzip_room_cap)
		room = warc_gzip_room_cap;
	if (k && k->ready && ++k->since < GZ_SAMPLE &&
	    deflate_once(t, in, n, out, room, &k->tables) == COMP_OK &&
	    t->gz->total_out <= n - n / 8) {
		warc_gzip_learnt++;
		return t->gz->total_out;
	}
	rc = deflate_once(t, in, n, out, room, NULL);
	if (rc == COMP_OK) {
		/* a sample, or a record the tables did not suit */
		if (k && t->gz->total_out <= n - n / 8)
			gz_count(k, in, n);
		return t->gz->total_out;
	}
	if (rc != STATELESS_OVERFLOW)
		die("%s: isal_deflate_stateless of %zu bytes: error %d", what,
		    n, rc);
	log_msg(LOG_WARN,
		"%s: igzip overflowed %zu bytes of room for %zu; "
		"record stored uncompressed",
		what, room, n);
	return gzip_stored(in, n, out);
}

void warc_prepared_free(struct warc_prepared *p)
{
	struct thread_state *t;

	if (!p)
		return;
	shrink(&p->in, &p->in_cap, KEEP_MAX);
	shrink(&p->out, &p->out_cap, gzip_room(KEEP_MAX));
	t = ts_get();
	if (t->spare) {
		prepared_destroy(p);
		return;
	}
	t->spare = p;
}

/* One record to prepare: its head and block, and where in the head the
 * WARC-Warcinfo-ID value starts (0 = it has none). */
struct record_src {
	struct buf head;
	struct slice block;
	size_t info_at;
	enum gz_kind kind; /* how it is compressed */
};

/* Compress p's records from `in` into `out`, back to back. */
static void prepared_compress(struct warc_prepared *p, const char *what)
{
	size_t room = 0;

	for (int i = 0; i < p->nrec; i++)
		room += gzip_room(p->rec[i].in_len);
	reserve(&p->out, &p->out_cap, room);
	p->out_len = 0;
	for (int i = 0; i < p->nrec; i++) {
		p->rec[i].out_len =
			gzip_member(p->in + p->rec[i].in_off, p->rec[i].in_len,
				    p->rec[i].kind, p->out + p->out_len, what);
		p->out_len += p->rec[i].out_len;
	}
}

/* Lay n records out in p->in (head, block, CRLF CRLF each) and compress
 * them.  ERR_FAIL for a record too large for igzip's 32-bit counts. */
static int prepared_fill(struct warc_prepared *p, const struct record_src *r,
			 int n, const char *what)
{
	size_t total = 0;

	for (int i = 0; i < n; i++) {
		size_t len = r[i].head.len + r[i].block.n + 4;

		if (r[i].block.n > (size_t)1 << 31)
			return log_fail("%s: record block of %zu bytes is too "
					"large",
					what, r[i].block.n);
		if (gzip_room(len) > UINT32_MAX)
			return log_fail("%s: record of %zu bytes is too large",
					what, len);
		total += len;
	}
	reserve(&p->in, &p->in_cap, total);
	p->in_len = 0;
	for (int i = 0; i < n; i++) {
		unsigned char *at = p->in + p->in_len;
		size_t hn = r[i].head.len, bn = r[i].block.n;

		memcpy(at, r[i].head.p, hn);
		if (bn)
			memcpy(at + hn, r[i].block.p, bn);
		memcpy(at + hn + bn, "\r\n\r\n", 4);
		p->rec[i].in_off = p->in_len;
		p->rec[i].in_len = hn + bn + 4;
		p->rec[i].info_at = r[i].info_at ? p->in_len + r[i].info_at : 0;
		p->rec[i].kind = r[i].kind;
		p->in_len += hn + bn + 4;
	}
	p->nrec = n;
	prepared_compress(p, what);
	return 0;
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

static int unusable(const struct warc_writer *w)
{
	return log_fail("%s: writer unusable after an earlier error",
			w->path ? w->path : "warc");
}

/* Append p's members to the current file in one write and say where each
 * went.  A failed write is cut off the file, and the writer then refuses
 * further writes. */
static int put_members(struct warc_writer *w, const struct warc_prepared *p,
		       int64_t off[MAX_RECORDS], int64_t len[MAX_RECORDS])
{
	int64_t at = w->size;

	if (w->failed || w->fd < 0)
		return unusable(w);
	if (write_all(w->fd, (const char *)p->out, p->out_len)) {
		int e = errno;

		w->failed = true;
		/* Cut the partial members off so the file stays readable. */
		if (ftruncate(w->fd, (off_t)w->size))
			log_msg(LOG_ERROR, "%s: cannot truncate to %lld: %s",
				w->path, (long long)w->size, strerror(errno));
		return log_fail("%s: write at offset %lld: %s", w->path,
				(long long)w->size, strerror(e));
	}
	for (int i = 0; i < p->nrec; i++) {
		off[i] = at;
		len[i] = (int64_t)p->rec[i].out_len;
		at += len[i];
	}
	w->size = at;
	return 0;
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
	struct warc_prepared *p = prepared_new();
	struct record_src r = {BUF_INIT, {0}, 0, GZ_LEVEL1};
	struct buf blk = BUF_INIT;
	char date[32], host[256], id[WARC_ID_LEN];
	const char *base = strrchr(w->rel, '/');
	int64_t off[MAX_RECORDS], len[MAX_RECORDS];
	int rc;

	time_rfc3339_ms(time_now_ms(), date);
	new_record_id(id);
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
	put_common(&r.head, "warcinfo", id, date);
	field(&r.head, "WARC-Filename", base ? base + 1 : w->rel);
	field(&r.head, "Content-Type", "application/warc-fields");
	field_digest(&r.head, "WARC-Block-Digest", buf_slice(&blk));
	buf_printf(&r.head, "Content-Length: %zu\r\n\r\n", blk.len);
	r.block = buf_slice(&blk);
	rc = prepared_fill(p, &r, 1, w->path);
	if (!rc)
		rc = put_members(w, p, off, len);
	if (!rc) {
		/* from now on, prepares name this file's record */
		pthread_mutex_lock(&w->id_mu);
		memcpy(w->warcinfo_id, id, sizeof(id));
		pthread_mutex_unlock(&w->id_mu);
	}
	buf_release(&r.head);
	buf_release(&blk);
	warc_prepared_free(p);
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
	pthread_mutex_init(&w->id_mu, NULL);
	if (open_file(w)) {
		warc_writer_close(w);
		return ERR_FAIL;
	}
	*out = w;
	return 0;
}

int warc_writer_sync_begin(struct warc_writer *w, struct warc_sync *s)
{
	*s = (struct warc_sync){.fd = -1};
	if (w->fd < 0)
		return 0;
	/* once per file, and rare: fine under the caller's lock */
	if (!w->dir_synced) {
		if (sync_dir(w->path))
			return ERR_FAIL;
		w->dir_synced = true;
	}
	/* a duplicate, so that a rotation may close the file meanwhile */
	s->fd = fcntl(w->fd, F_DUPFD_CLOEXEC, 0);
	if (s->fd < 0)
		return log_fail("%s: dup: %s", w->path, strerror(errno));
	s->path = xstrdup(w->path);
	return w->failed ? ERR_FAIL : 0;
}

int warc_sync_end(struct warc_sync *s)
{
	int rc = 0;

	if (s->fd < 0)
		return 0;
	if (fdatasync(s->fd))
		rc = log_fail("%s: fdatasync: %s", s->path, strerror(errno));
	close(s->fd);
	free(s->path);
	*s = (struct warc_sync){.fd = -1};
	return rc;
}

int warc_writer_flush(struct warc_writer *w)
{
	struct warc_sync s;
	int rc = warc_writer_sync_begin(w, &s), end = warc_sync_end(&s);

	return rc ? rc : end;
}

int warc_writer_close(struct warc_writer *w)
{
	int rc;

	if (!w)
		return 0;
	rc = close_file(w);
	pthread_mutex_destroy(&w->id_mu);
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

/* The head of one application/http record of a fetch, into h; *info_at
 * gets where its WARC-Warcinfo-ID value starts. */
static void http_head(struct buf *h, const struct warc_fetch *f,
		      enum warc_msg kind, const char *id,
		      const char *concurrent, const char *date,
		      const char *warcinfo_id, struct slice block,
		      size_t *info_at, struct warc_written *out)
{
	struct buf tmp;
	struct slice payload;
	bool http_ok;
	int status = 0, prc;
	bool resp = kind == WARC_MSG_RESPONSE;

	buf_init(&tmp, 0);
	prc = warc_block_payload(block, kind, &tmp, &payload, &http_ok,
				 &status);
	put_common(h, resp ? "response" : "request", id, date);
	*info_at = field_warcinfo(h, warcinfo_id);
	if (concurrent)
		field(h, "WARC-Concurrent-To", concurrent);
	field(h, "WARC-Target-URI", f->url);
	if (f->ip && *f->ip)
		field(h, "WARC-IP-Address", f->ip);
	if (resp && truncated_name(f->truncated))
		field(h, "WARC-Truncated", truncated_name(f->truncated));
	field(h, "Content-Type",
	      resp ? "application/http;msgtype=response"
		   : "application/http;msgtype=request");
	field_digest(h, "WARC-Block-Digest", block);
	/* No payload digest when the head does not parse: the record then
	 * has no well-defined payload (WARC 1.1, 5.9). */
	if (http_ok || resp) {
		/* one pass over the payload for the record and the store */
		unsigned char md[32];

		sha256(payload.p, payload.n, md);
		if (http_ok)
			field_md(h, "WARC-Payload-Digest", md);
		if (resp)
			hex_encode(md, sizeof(md), out->payload_sha256);
	}
	buf_printf(h, "Content-Length: %zu\r\n\r\n", block.n);
	if (resp) {
		out->status = status;
		out->payload_bad = prc != 0;
	}
	buf_release(&tmp);
}

/* The current file's warcinfo id, for records being prepared. */
static void snapshot_warcinfo(struct warc_writer *w, struct warc_prepared *p)
{
	pthread_mutex_lock(&w->id_mu);
	memcpy(p->warcinfo_id, w->warcinfo_id, sizeof(p->warcinfo_id));
	pthread_mutex_unlock(&w->id_mu);
}

static int check_fetch(const struct warc_fetch *f)
{
	if (!f->url || !*f->url || !header_safe(f->url, false))
		return input_error("warc: URL unfit for WARC-Target-URI");
	if (!f->response.n)
		return input_error("%s: no response to record", f->url);
	if (f->ip && *f->ip && !ip_safe(f->ip))
		return input_error("%s: IP address unfit for a header", f->url);
	return 0;
}

int warc_fetch_prepare(struct warc_writer *w, const struct warc_fetch *f,
		       struct warc_prepared **out)
{
	struct record_src r[MAX_RECORDS];
	struct warc_prepared *p;
	char date[32];
	int n = 0, rc;

	*out = NULL;
	rc = check_fetch(f);
	if (rc)
		return rc;
	memset(r, 0, sizeof(r));
	p = prepared_new();
	snapshot_warcinfo(w, p);
	time_rfc3339_ms(f->fetched_at ? f->fetched_at : time_now_ms(), date);
	new_record_id(p->res.response_id);
	http_head(&r[n].head, f, WARC_MSG_RESPONSE, p->res.response_id, NULL,
		  date, p->warcinfo_id, f->response, &r[n].info_at, &p->res);
	r[n].kind = GZ_RESPONSE;
	r[n++].block = f->response;
	if (f->request.n) {
		new_record_id(p->res.request_id);
		http_head(&r[n].head, f, WARC_MSG_REQUEST, p->res.request_id,
			  p->res.response_id, date, p->warcinfo_id, f->request,
			  &r[n].info_at, &p->res);
		r[n].kind = GZ_REQUEST;
		r[n++].block = f->request;
	}
	rc = prepared_fill(p, r, n, f->url);
	for (int i = 0; i < n; i++)
		buf_release(&r[i].head);
	if (rc) {
		warc_prepared_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* A rotation since p was prepared: its records name the previous file's
 * warcinfo record.  Write the current one's id over it (same length) and
 * compress again; the digests do not cover the WARC head, so they stand.
 * Once per file, for the fetches prepared before a rotation and appended
 * after it. */
static void refresh(struct warc_writer *w, struct warc_prepared *p)
{
	size_t n = strlen(w->warcinfo_id);

	if (!p->warcinfo_id[0] || !strcmp(p->warcinfo_id, w->warcinfo_id))
		return;
	if (n != strlen(p->warcinfo_id))
		die("%s: warcinfo ids of different lengths", w->path);
	for (int i = 0; i < p->nrec; i++)
		if (p->rec[i].info_at)
			memcpy(p->in + p->rec[i].info_at, w->warcinfo_id, n);
	memcpy(p->warcinfo_id, w->warcinfo_id, sizeof(p->warcinfo_id));
	prepared_compress(p, w->path);
}

/* The part of a write that depends on the file: rotate when due, bring
 * the records up to date with it, write. */
static int append(struct warc_writer *w, struct warc_prepared *p,
		  int64_t off[MAX_RECORDS], int64_t len[MAX_RECORDS])
{
	int rc;

	if (p->appended)
		return input_error("%s: a prepared record was appended twice",
				   w->path);
	rc = maybe_rotate(w);
	if (rc)
		return rc;
	if (w->failed || w->fd < 0)
		return unusable(w);
	refresh(w, p);
	rc = put_members(w, p, off, len);
	if (rc)
		return rc;
	p->appended = true;
	w->records++;
	return 0;
}

int warc_fetch_append(struct warc_writer *w, struct warc_prepared *p,
		      struct warc_written *out)
{
	int64_t off[MAX_RECORDS] = {0}, len[MAX_RECORDS] = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = append(w, p, off, len);
	if (rc)
		return rc;
	*out = p->res;
	snprintf(out->file, sizeof(out->file), "%s", w->rel);
	out->offset = off[0];
	out->length = len[0];
	out->request_offset = off[1];
	out->request_length = len[1];
	return 0;
}

int warc_write_fetch(struct warc_writer *w, const struct warc_fetch *f,
		     struct warc_written *out)
{
	struct warc_prepared *p;
	int rc;

	memset(out, 0, sizeof(*out));
	/* Rotating first, when due, makes the records for the file they go
	 * to: the append then has nothing to compress again. */
	rc = check_fetch(f);
	if (!rc)
		rc = maybe_rotate(w);
	if (!rc)
		rc = warc_fetch_prepare(w, f, &p);
	if (rc)
		return rc;
	rc = warc_fetch_append(w, p, out);
	warc_prepared_free(p);
	return rc;
}

int warc_write_resource(struct warc_writer *w, const char *url,
			const char *content_type, int64_t fetched_at,
			struct slice data, struct warc_written *out)
{
	struct record_src r = {BUF_INIT, {0}, 0, GZ_LEVEL1};
	struct warc_prepared *p;
	unsigned char md[32];
	char date[32];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!url || !*url || !header_safe(url, false))
		return input_error("warc: URL unfit for WARC-Target-URI");
	if (!content_type || !*content_type || !header_safe(content_type, true))
		return input_error("%s: bad resource content type", url);
	rc = maybe_rotate(w); /* as in warc_write_fetch() */
	if (rc)
		return rc;
	p = prepared_new();
	snapshot_warcinfo(w, p);
	time_rfc3339_ms(fetched_at ? fetched_at : time_now_ms(), date);
	new_record_id(p->res.response_id);
	put_common(&r.head, "resource", p->res.response_id, date);
	r.info_at = field_warcinfo(&r.head, p->warcinfo_id);
	field(&r.head, "WARC-Target-URI", url);
	field(&r.head, "Content-Type", content_type);
	/* a resource's block is its payload: one digest for the three */
	sha256(data.p, data.n, md);
	field_md(&r.head, "WARC-Block-Digest", md);
	field_md(&r.head, "WARC-Payload-Digest", md);
	buf_printf(&r.head, "Content-Length: %zu\r\n\r\n", data.n);
	hex_encode(md, sizeof(md), p->res.payload_sha256);
	r.block = data;
	rc = prepared_fill(p, &r, 1, url);
	if (!rc)
		rc = warc_fetch_append(w, p, out);
	buf_release(&r.head);
	warc_prepared_free(p);
	return rc;
}
