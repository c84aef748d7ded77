/*
 * xalloc.c - allocation that never returns NULL, and the one logging call.
 *
 * patroli is an application, not a library for hostile allocators: running
 * out of memory is a bug in a limit somewhere, so we stop loudly instead of
 * threading ENOMEM through every caller.
 */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static enum log_level log_min = LOG_INFO;

NORETURN void die(const char *fmt, ...)
{
	va_list ap;

	fputs("patroli: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die("out of memory allocating %zu x %zu bytes", nmemb, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die("out of memory reallocating %zu bytes", n);
	return q;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 8;

	if (need <= *cap)
		return p;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			die("array too large (%zu elements)", need);
		c *= 2;
	}
	*cap = c;
	return xrealloc(p, c * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b, NULL);
}

void log_set_level(enum log_level lvl)
{
	log_min = lvl;
}

static void log_v(enum log_level lvl, const char *fmt, va_list ap)
{
	static const char *const names[] = {"debug", "info", "warning",
					    "error"};

	if (lvl < log_min)
		return;
	/* one line at a time, whichever thread logs */
	flockfile(stderr);
	fprintf(stderr, "patroli: %s: ", names[lvl]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(lvl, fmt, ap);
	va_end(ap);
}

int log_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_ERROR, fmt, ap);
	va_end(ap);
	return ERR_FAIL;
}
