/*
 * base.h - the layer every other module stands on: allocation, errors,
 * logging, buffers and slices, time and hashing helpers.  It depends on
 * nothing else in patroli.
 *
 * Conventions used across the tree (see docs/CODING_GUIDELINES.md):
 *  - Out of memory is fatal: x*alloc() abort with a message.  Callers never
 *    check allocation results.
 *  - Fallible functions return 0 on success or a negative ERR_* code.
 *    ERR_AGAIN ("try again later") and ERR_NOTFOUND ("not mine / absent")
 *    are distinct from hard failure so non-blocking code can tell them apart.
 *  - log_msg() is the one logging call; log_fail() logs an error and returns
 *    ERR_FAIL so that `return log_fail("%s:%d: ...", file, line);` keeps
 *    call sites short.
 */
#ifndef PATROLI_BASE_H
#define PATROLI_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define ERR_FAIL     -1 /* hard failure, already logged */
#define ERR_AGAIN    -2 /* transient: retry later */
#define ERR_NOTFOUND -3 /* absent, or not this handler's business */
#define ERR_LIMIT    -4 /* a size, depth or time limit was reached */
#define ERR_INPUT    -5 /* malformed input (already described) */

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)    ((a) < (b) ? (a) : (b))
#define MAX(a, b)    ((a) > (b) ? (a) : (b))

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN	  __attribute__((noreturn))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#endif

/* ---- allocation: abort on failure -------------------------------------- */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array of `*cap` elements of `size` bytes to hold at least `need`. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
NORETURN void die(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* ---- logging ------------------------------------------------------------ */
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
/* Messages below this level are dropped.  Default LOG_INFO. */
void log_set_level(enum log_level lvl);
void log_msg(enum log_level lvl, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Logs at LOG_ERROR and returns ERR_FAIL. */
int log_fail(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* ---- slice: a non-owning (pointer, length) view ------------------------- */
struct slice {
	const char *p;
	size_t n;
};
#define SLICE_LIT(s) ((struct slice){(s), sizeof(s) - 1})
struct slice slice_from(const char *s);
bool slice_eq(struct slice a, const char *s);
bool slice_eq_ci(struct slice a, const char *s);
bool slice_starts_ci(struct slice a, const char *prefix);
struct slice slice_trim(struct slice s);

/* ---- buf: growable, always NUL-terminated, with a size cap ------------- */
/*
 * A zero-initialised struct buf (or BUF_INIT) is valid and empty; `p` is
 * never NULL after buf_init().  `max` (0 = unlimited) caps len: appends that
 * would exceed it append nothing and return ERR_LIMIT, because crawled input
 * is hostile.  buf_detach() hands the bytes to the caller (free() them).
 */
struct buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max;
};
#define BUF_INIT                                                               \
	{                                                                      \
		0                                                              \
	}
void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
char *buf_detach(struct buf *b, size_t *len);
struct slice buf_slice(const struct buf *b);
/* Read a whole file; ERR_LIMIT if larger than b->max. */
int buf_read_file(struct buf *b, const char *path);

/* ---- time --------------------------------------------------------------- */
int64_t time_now_ms(void);  /* wall clock, ms since epoch */
int64_t time_mono_ms(void); /* monotonic clock */
/* RFC 3339 UTC with seconds, e.g. 2026-11-29T07:44:54Z.  out >= 21 bytes. */
void time_rfc3339(int64_t ms, char out[32]);
/* Same, with milliseconds (WARC-Date allows fractional seconds). */
void time_rfc3339_ms(int64_t ms, char out[32]);

/* ---- hashing ------------------------------------------------------------ */
#define SHA256_HEX_LEN 64
/* SHA-256 of p[0..n), raw.  Thread-safe. */
void sha256(const void *p, size_t n, unsigned char out[32]);
/* The same in hex: out receives 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *p, size_t n, char out[SHA256_HEX_LEN + 1]);
/* in[0..n) as 2n lower-case hex digits and a NUL. */
void hex_encode(const unsigned char *in, size_t n, char *out);
/* Base32 (RFC 4648, no padding needed for 20-byte SHA-1) for WARC digests. */
void base32_encode(const unsigned char *in, size_t n, struct buf *out);

/* ---- small parsing helpers ---------------------------------------------- */
/* Parse a non-negative decimal integer in [min,max]; ERR_INPUT otherwise. */
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Make a directory and its parents; 0 or ERR_FAIL (logged). */
int mkdir_p(const char *path);

#endif
