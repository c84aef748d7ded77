/*
 * progress.c - what a long crawl tells the person waiting for it.
 *
 * On a terminal: one line redrawn in place (fetched, queued, errors,
 * pages/s, ETA).  Otherwise (CI, systemd, a pipe): a plain line every ten
 * seconds, so logs stay readable.
 */
#include "crawl/crawl_int.h"

#include <stdio.h>
#include <stdlib.h>

struct progress {
	bool tty;
	int64_t started, last;
	size_t width; /* of the last line drawn, to clear it */
};

struct progress *progress_new(bool tty)
{
	struct progress *p = xcalloc(1, sizeof(*p));

	p->tty = tty;
	p->started = time_mono_ms();
	p->last = p->started; /* the first line after one interval */
	return p;
}

static void eta(char *out, size_t n, double rate, int64_t queued)
{
	double s;

	if (rate <= 0 || queued <= 0) {
		snprintf(out, n, "--:--");
		return;
	}
	s = (double)queued / rate;
	if (s >= 360000)
		snprintf(out, n, ">99h");
	else
		snprintf(out, n, "%d:%02d:%02d", (int)s / 3600,
			 ((int)s / 60) % 60, (int)s % 60);
}

void progress_update(struct progress *p, const struct crawl_stats *s,
		     int64_t queued, int active, bool force)
{
	int64_t now = time_mono_ms();
	double secs = (double)(now - p->started) / 1000.0;
	double rate = secs > 0 ? (double)s->fetched / secs : 0;
	char line[200], left[32];
	int n;

	if (!force && now - p->last < (p->tty ? 200 : 10000))
		return;
	p->last = now;
	eta(left, sizeof(left), rate, queued);
	n = snprintf(line, sizeof(line),
		     "crawl: %lld fetched, %lld queued, %d active, %lld "
		     "errors, %lld skipped, %.1f pages/s, ETA %s",
		     (long long)s->fetched, (long long)queued, active,
		     (long long)s->errors, (long long)s->skipped, rate, left);
	if (n < 0)
		return;
	if (p->tty) {
		fprintf(stderr, "\r%s%*s", line,
			(int)(p->width > (size_t)n ? p->width - (size_t)n : 0),
			"");
		p->width = (size_t)n;
	} else {
		fprintf(stderr, "%s\n", line);
	}
	fflush(stderr);
}

void progress_free(struct progress *p)
{
	if (p && p->tty && p->width)
		fputc('\n', stderr);
	free(p);
}
