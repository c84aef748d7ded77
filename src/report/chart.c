/*
 * chart.c - the two drawings made of plain cairo: horizontal bar charts
 * (numbers a reader compares: violations, platforms, commodities) and the
 * timeline of first sightings.
 *
 * The timeline has two forms.  Up to LANE_MAX dated listings each get a
 * lane: a dot at first seen and a line to last seen, labelled "#no" like
 * the table and the graph.  Beyond that, lanes would be unreadable, so
 * first sightings are counted in BINS equal intervals and drawn as a
 * histogram on the same kind of axis.
 */
#include "report/report_int.h"

#include <stdio.h>
#include <string.h>

#define BAR_LABEL_W 200.0
#define BAR_ROW_H   12.0
#define BAR_VALUE_W 90.0
#define LANE_MAX    30
#define LANE_H	    9.0
#define HIST_H	    90.0
#define BINS	    60
#define TICKS	    6
#define INK	    0x1f3864

/* ---- bar chart ---------------------------------------------------------- */

/* 1234567 -> "1.234.567", the Indonesian grouping. */
static void group_digits(int64_t v, char out[32])
{
	char tmp[32];
	size_t n, o = 0;

	n = (size_t)snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	for (size_t i = 0; i < n && o < 30; i++) {
		if (i && tmp[i - 1] != '-' && (n - i) % 3 == 0)
			out[o++] = '.';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
}

static void bar_row(struct rpt_doc *d, const char *label, int64_t v,
		    int64_t vmax, unsigned rgb)
{
	double x = RPT_LEFT + BAR_LABEL_W + 4;
	double room = RPT_WIDTH - BAR_LABEL_W - 4 - BAR_VALUE_W;
	double w = vmax > 0 ? room * (double)v / (double)vmax : 0;
	char num[32];

	rpt_need(d, BAR_ROW_H);
	rpt_text(d, RPT_LEFT, d->y + 1, BAR_LABEL_W, RS_SMALL, 1, label);
	rpt_rect(d, x, d->y + 2, MAX(w, 0.8), BAR_ROW_H - 4, rgb, ~0u);
	group_digits(v, num);
	rpt_text(d, x + MAX(w, 0.8) + 3, d->y + 1, BAR_VALUE_W - 3,
		 RS_SMALL_BOLD, 1, num);
	d->y += BAR_ROW_H;
}

void rpt_bar_chart(struct rpt_doc *d, const struct rpt_count *v, size_t n,
		   size_t max, unsigned rgb)
{
	size_t rows = n > max ? max - 1 : n;
	int64_t vmax = 0, rest = 0;
	char label[64];

	if (!n) {
		rpt_para(d, RS_SMALL, "-");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i < rows)
			vmax = MAX(vmax, v[i].n);
		else
			rest += v[i].n;
	}
	vmax = MAX(vmax, rest);
	for (size_t i = 0; i < rows; i++)
		bar_row(d, v[i].label, v[i].n, vmax, rgb);
	if (rows < n) {
		snprintf(label, sizeof(label), "%zu lainnya", n - rows);
		bar_row(d, label, rest, vmax, 0x9e9e9e);
	}
	d->y += 4;
}

/* ---- time axis ---------------------------------------------------------- */

struct axis {
	int64_t t0, t1;
	double x0, x1;
};

static double axis_x(const struct axis *ax, int64_t t)
{
	return ax->x0 + (ax->x1 - ax->x0) * (double)(t - ax->t0) /
				(double)(ax->t1 - ax->t0);
}

/* The dated span of the listings, padded so single days still show. */
static bool axis_init(const struct rpt_actor *a, struct axis *ax)
{
	int64_t pad;

	ax->t0 = a->first_seen;
	ax->t1 = MAX(a->last_seen, a->first_seen);
	if (ax->t0 == RPT_NO_TIME)
		return false;
	pad = MAX((ax->t1 - ax->t0) / 30, (int64_t)43200);
	ax->t0 -= pad;
	ax->t1 += pad;
	ax->x0 = RPT_LEFT + 34;
	ax->x1 = RPT_LEFT + RPT_WIDTH - 8;
	return true;
}

static void axis_draw(struct rpt_doc *d, const struct axis *ax, double y)
{
	char label[32];

	rpt_line(d, ax->x0, y, ax->x1, y, 0.8, 0x000000);
	for (int i = 0; i < TICKS; i++) {
		int64_t t = ax->t0 + (ax->t1 - ax->t0) * i / (TICKS - 1);
		double x = axis_x(ax, t), lw;

		rpt_line(d, x, y, x, y + 3, 0.6, 0x000000);
		rpt_fmt_date_short(t, label);
		lw = rpt_text_width(d, RS_TINY, label);
		x = MIN(MAX(x - lw / 2, ax->x0 - 20), ax->x1 - lw);
		rpt_text(d, x, y + 4, lw + 2, RS_TINY, 1, label);
	}
}

static void dot(struct rpt_doc *d, double x, double y, double r, unsigned rgb)
{
	rpt_rgb(d, rgb);
	cairo_new_path(d->cr);
	cairo_arc(d->cr, x, y, r, 0, 2 * G_PI);
	cairo_fill(d->cr);
}

/* ---- the two forms ------------------------------------------------------ */

static void lanes(struct rpt_doc *d, const struct axis *ax, size_t dated)
{
	const struct rpt_actor *a = d->actor;
	char no[24];
	double y;

	rpt_need(d, dated * LANE_H + 22);
	y = d->y;
	for (size_t i = 0; i < a->nlistings; i++) {
		const struct rpt_listing *l = &a->listings[i];
		double cy = y + LANE_H / 2, x0, x1;

		if (l->first_seen == RPT_NO_TIME)
			continue;
		x0 = axis_x(ax, l->first_seen);
		x1 = l->last_seen != RPT_NO_TIME && l->last_seen > l->first_seen
			     ? axis_x(ax, l->last_seen)
			     : x0;
		snprintf(no, sizeof(no), "#%zu", l->no);
		rpt_text(d, RPT_LEFT, y, 30, RS_TINY, 1, no);
		rpt_line(d, ax->x0, cy, ax->x1, cy, 0.2, 0xd0d0d0);
		if (x1 > x0)
			rpt_line(d, x0, cy, x1, cy, 2.0, 0x8fa8c8);
		dot(d, x0, cy, 2.4, INK);
		if (x1 > x0)
			rpt_line(d, x1, cy - 2.5, x1, cy + 2.5, 1.0, INK);
		y += LANE_H;
	}
	axis_draw(d, ax, y + 2);
	d->y = y + 18;
}

static void histogram(struct rpt_doc *d, const struct axis *ax)
{
	const struct rpt_actor *a = d->actor;
	size_t bins[BINS] = {0}, top = 1;
	double bw = (ax->x1 - ax->x0) / BINS, y0;
	char label[96];

	for (size_t i = 0; i < a->nlistings; i++) {
		int64_t t = a->listings[i].first_seen;
		double x;

		if (t == RPT_NO_TIME)
			continue;
		x = (axis_x(ax, t) - ax->x0) / bw;
		bins[MIN((size_t)MAX(x, 0.0), (size_t)BINS - 1)]++;
	}
	for (size_t b = 0; b < BINS; b++)
		top = MAX(top, bins[b]);
	rpt_need(d, HIST_H + 40);
	y0 = d->y + 10 + HIST_H;
	snprintf(label, sizeof(label), "%zu", top);
	rpt_text(d, RPT_LEFT, d->y + 6, 30, RS_TINY, 1, label);
	rpt_line(d, ax->x0 - 2, y0 - HIST_H, ax->x1, y0 - HIST_H, 0.2,
		 0xd0d0d0);
	for (size_t b = 0; b < BINS; b++) {
		double h = HIST_H * (double)bins[b] / (double)top;

		if (bins[b])
			rpt_rect(d, ax->x0 + b * bw + 0.4, y0 - h, bw - 0.8, h,
				 INK, ~0u);
	}
	axis_draw(d, ax, y0);
	d->y = y0 + 18;
	snprintf(label, sizeof(label),
		 "Tinggi batang: jumlah tautan yang pertama kali dilihat dalam "
		 "selang %.1f hari.",
		 (double)(ax->t1 - ax->t0) / BINS / 86400.0);
	rpt_para(d, RS_TINY, label);
}

void rpt_timeline(struct rpt_doc *d)
{
	const struct rpt_actor *a = d->actor;
	size_t dated = 0;
	struct axis ax;

	for (size_t i = 0; i < a->nlistings; i++)
		dated += a->listings[i].first_seen != RPT_NO_TIME;
	rpt_heading(d, "4. Linimasa", 60);
	if (!dated || !axis_init(a, &ax)) {
		rpt_para(d, RS_BODY, "Tidak ada tanggal yang dapat dibaca.");
		return;
	}
	if (dated <= LANE_MAX) {
		rpt_para(
			d, RS_SMALL,
			"Titik: pertama kali dilihat; garis sampai tanda "
			"tegak: terakhir dilihat. Nomor sesuai Daftar tautan.");
		lanes(d, &ax, dated);
	} else {
		histogram(d, &ax);
	}
	if (dated < a->nlistings) {
		char note[96];

		snprintf(note, sizeof(note),
			 "%zu tautan tanpa tanggal yang dapat dibaca tidak "
			 "digambar.",
			 a->nlistings - dated);
		rpt_para(d, RS_TINY, note);
	}
}
