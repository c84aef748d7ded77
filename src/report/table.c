/*
 * table.c - 3. Daftar tautan: one row per listing, numbered "#no" as in
 * the timeline, the graph and the merge evidence.
 *
 * A cell is a short stack of text parts, each with a style and a line
 * cap, so every row has a bounded height (well under a page): a row is
 * measured first, moved whole to the next page when it does not fit, and
 * the column headings are repeated at the top of every page of the table.
 */
#include "report/report_int.h"

#include <stdio.h>
#include <string.h>

#define COLS  6
#define PARTS 4
#define PAD   2.5

static const struct column {
	const char *title;
	double w;
} cols[COLS] = {
	{"No.", 27},
	{"Tautan dan judul", 147},
	{"Platform / komoditas", 66},
	{"Pelanggaran", 64},
	{"Pertama / terakhir dilihat (UTC)", 72},
	{"Bukti: SHA-256, berkas WARC", 105},
};

struct part {
	enum rpt_style st;
	int max_lines;
	const char *text;
};

struct row {
	struct part p[COLS][PARTS];
	PangoLayout *lay[COLS][PARTS]; /* made by row_measure, drawn once */
	char no[24], first[32], last[32], sha[24];
	double h;
};

/* "2026-11-29 07:44" from a parsed time, else the raw text. */
static void when(int64_t t, const char *raw, char out[32])
{
	char tmp[32];

	if (t == RPT_NO_TIME) {
		snprintf(out, 32, "%s", raw);
		return;
	}
	rpt_fmt_time(t, tmp);
	snprintf(out, 32, "%.16s", tmp);
}

static void row_fill(struct row *r, const struct rpt_listing *l)
{
	const char *com = rpt_commodity_label(l->commodity);

	memset(r, 0, sizeof(*r));
	snprintf(r->no, sizeof(r->no), "#%zu", l->no);
	when(l->first_seen, l->first_raw, r->first);
	when(l->last_seen, l->last_raw, r->last);
	snprintf(r->sha, sizeof(r->sha), "%.16s", l->sha256);
	r->p[0][0] = (struct part){RS_SMALL, 1, r->no};
	r->p[1][0] = (struct part){RS_SMALL, 3, l->title};
	r->p[1][1] = (struct part){RS_CELL_URL, 10, l->url};
	r->p[2][0] = (struct part){RS_SMALL, 3, l->platform};
	r->p[2][1] = (struct part){RS_TINY, 2, com ? com : l->commodity};
	r->p[3][0] = (struct part){RS_SMALL, 6, l->violations};
	r->p[4][0] = (struct part){RS_TINY, 3, r->first};
	r->p[4][1] = (struct part){RS_TINY, 3, r->last};
	r->p[5][0] = (struct part){RS_MONO, 1, r->sha};
	r->p[5][1] = (struct part){RS_MONO_TINY, 3, l->sha256};
	r->p[5][2] = (struct part){RS_TINY, 3, l->warc_file};
}

/* Lay a cell's parts out; its height. */
static double cell_measure(struct rpt_doc *d, const struct part *p,
			   PangoLayout **lay, double w)
{
	double h = 0;

	for (int i = 0; i < PARTS && p[i].text; i++) {
		lay[i] = rpt_layout_new(d, p[i].st, w, p[i].max_lines,
					p[i].text);
		h += rpt_layout_height(lay[i]) + 0.8;
	}
	return h;
}

static void cell_draw(struct rpt_doc *d, const struct part *p,
		      PangoLayout **lay, double x, double y)
{
	for (int i = 0; i < PARTS && lay[i]; i++) {
		y += rpt_layout_show(d, x, y, p[i].st, lay[i]) + 0.8;
		g_object_unref(lay[i]);
		lay[i] = NULL;
	}
}

static void row_measure(struct rpt_doc *d, struct row *r)
{
	r->h = 0;
	for (int c = 0; c < COLS; c++)
		r->h = MAX(r->h, cell_measure(d, r->p[c], r->lay[c],
					      cols[c].w - 2 * PAD));
	r->h += 2 * PAD;
}

static void grid(struct rpt_doc *d, double y, double h)
{
	double x = RPT_LEFT;

	for (int c = 0; c <= COLS; c++) {
		rpt_line(d, x, y, x, y + h, 0.4, 0x9aa5b5);
		if (c < COLS)
			x += cols[c].w;
	}
	rpt_line(d, RPT_LEFT, y + h, RPT_LEFT + RPT_WIDTH, y + h, 0.4,
		 0x9aa5b5);
}

static void header_row(struct rpt_doc *d)
{
	double x = RPT_LEFT, h = 0;

	for (int c = 0; c < COLS; c++)
		h = MAX(h,
			rpt_text_height(d, RS_SMALL_BOLD, cols[c].w - 2 * PAD,
					3, cols[c].title));
	h += 2 * PAD;
	rpt_rect(d, RPT_LEFT, d->y, RPT_WIDTH, h, 0xdde3ec, ~0u);
	rpt_line(d, RPT_LEFT, d->y, RPT_LEFT + RPT_WIDTH, d->y, 0.4, 0x9aa5b5);
	for (int c = 0; c < COLS; c++) {
		rpt_text(d, x + PAD, d->y + PAD, cols[c].w - 2 * PAD,
			 RS_SMALL_BOLD, 3, cols[c].title);
		x += cols[c].w;
	}
	grid(d, d->y, h);
	d->y += h;
}

static void row_draw(struct rpt_doc *d, struct row *r, size_t i)
{
	double x = RPT_LEFT;
	int page = d->page;

	rpt_need(d, r->h);
	if (d->page != page)
		header_row(d);
	if (i % 2)
		rpt_rect(d, RPT_LEFT, d->y, RPT_WIDTH, r->h, 0xf2f4f8, ~0u);
	for (int c = 0; c < COLS; c++) {
		cell_draw(d, r->p[c], r->lay[c], x + PAD, d->y + PAD);
		x += cols[c].w;
	}
	grid(d, d->y, r->h);
	d->y += r->h;
}

void rpt_listings_table(struct rpt_doc *d)
{
	const struct rpt_actor *a = d->actor;
	struct row r;

	rpt_heading(d, "3. Daftar tautan", 80);
	if (!a->nlistings) {
		rpt_para(d, RS_BODY, "Tidak ada tautan.");
		return;
	}
	if (a->listings_total > a->nlistings) {
		char note[160];

		snprintf(note, sizeof(note),
			 "Ditampilkan %zu dari %zu tautan (batas dokumen); "
			 "daftar lengkap tersedia pada ekspor JSON.",
			 a->nlistings, a->listings_total);
		rpt_para(d, RS_SMALL, note);
	}
	header_row(d);
	for (size_t i = 0; i < a->nlistings; i++) {
		row_fill(&r, &a->listings[i]);
		row_measure(d, &r);
		row_draw(d, &r, i);
	}
	d->y += 4;
}
