/*
 * buf.c - the one growable buffer type, and slices.
 *
 * Every buffer is NUL-terminated so it can be handed to C APIs directly, and
 * carries an optional cap so that a hostile peer cannot make us allocate
 * without bound: the cap is checked before growing, never after.
 */
#include "base.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
	b->p = buf_empty;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->p);
	buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->p[0] = '\0';
}

static int buf_reserve(struct buf *b, size_t extra)
{
	size_t need;

	if (!b->p)
		buf_init(b, b->max);
	if (extra > SIZE_MAX - b->len - 1)
		return ERR_LIMIT;
	if (b->max && b->len + extra > b->max)
		return ERR_LIMIT;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	if (!b->cap) {
		size_t c = need < 64 ? 64 : need;
		b->p = xmalloc(c);
		b->p[0] = '\0';
		b->cap = c;
		return 0;
	}
	b->p = xgrow(b->p, &b->cap, need, 1);
	return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
	int rc = buf_reserve(b, n);

	if (rc)
		return rc;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list cp;
	int n, rc;

	va_copy(cp, ap);
	n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		return ERR_FAIL;
	if ((size_t)n < sizeof(small))
		return buf_append(b, small, (size_t)n);
	rc = buf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	p = b->cap ? b->p : xstrdup("");
	buf_init(b, b->max);
	return p;
}

struct slice buf_slice(const struct buf *b)
{
	return (struct slice){b->p ? b->p : buf_empty, b->len};
}

int buf_read_file(struct buf *b, const char *path)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = 0;

	if (!f)
		return log_fail("%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		rc = buf_append(b, chunk, n);
		if (rc) {
			log_msg(LOG_ERROR, "%s: larger than %zu bytes", path,
				b->max);
			break;
		}
	}
	if (!rc && ferror(f))
		rc = log_fail("%s: read error: %s", path, strerror(errno));
	fclose(f);
	return rc;
}

struct slice slice_from(const char *s)
{
	return (struct slice){s, s ? strlen(s) : 0};
}

bool slice_eq(struct slice a, const char *s)
{
	size_t n = strlen(s);

	return a.n == n && memcmp(a.p, s, n) == 0;
}

bool slice_eq_ci(struct slice a, const char *s)
{
	size_t n = strlen(s);

	return a.n == n && strncasecmp(a.p, s, n) == 0;
}

bool slice_starts_ci(struct slice a, const char *prefix)
{
	size_t n = strlen(prefix);

	return a.n >= n && strncasecmp(a.p, prefix, n) == 0;
}

struct slice slice_trim(struct slice s)
{
	while (s.n && isspace((unsigned char)s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && isspace((unsigned char)s.p[s.n - 1]))
		s.n--;
	return s;
}
