/*
 * sections.c - the text sections of the Dokumen Profiling: the title
 * block under the kop (Nomor, Sifat, Lampiran, Hal as in a surat dinas),
 * 1. Ringkasan, 2. Identitas, 6. Bukti penggabungan and the closing block
 * with room for the analyst's notes and initials.
 */
#include "report/report_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_W		   118.0
#define MAX_PLATFORM_NAMES 30
#define IDENT_COL_W	   ((RPT_WIDTH - 12) / 2)

/* "key : value" with the value wrapped beside the key. */
static void kv(struct rpt_doc *d, const char *key, const char *val)
{
	double vx = RPT_LEFT + KEY_W + 10, vw = RPT_WIDTH - KEY_W - 10;
	double h = rpt_text_height(d, RS_BODY, vw, 8, val);

	rpt_need(d, h);
	rpt_text(d, RPT_LEFT, d->y, KEY_W, RS_BODY, 1, key);
	rpt_text(d, RPT_LEFT + KEY_W, d->y, 10, RS_BODY, 1, ":");
	d->y += rpt_text(d, vx, d->y, vw, RS_BODY, 8, val) + 2;
}

static void subheading(struct rpt_doc *d, const char *title, double keep)
{
	d->y += 4;
	rpt_need(d, 14 + keep);
	d->y += rpt_text(d, RPT_LEFT, d->y, RPT_WIDTH, RS_SMALL_BOLD, 1,
			 title) +
		3;
}

/* ---- title block -------------------------------------------------------- */

void rpt_title_block(struct rpt_doc *d)
{
	const struct rpt_actor *a = d->actor;
	char date[32], *hal;

	d->y += rpt_text_align(d, RPT_LEFT, d->y, RPT_WIDTH, RS_TITLE,
			       PANGO_ALIGN_CENTER,
			       "DOKUMEN PROFILING KEJAHATAN OBAT DAN MAKANAN "
			       "DARING");
	d->y += 14;
	/* a letter's date is Jakarta's calendar day */
	rpt_fmt_date_long(a->generated_at == RPT_NO_TIME
				  ? RPT_NO_TIME
				  : a->generated_at + RPT_WIB,
			  date);
	hal = xasprintf("Profil aktor %s", a->id);
	kv(d, "Nomor", "........................................");
	kv(d, "Sifat", "Rahasia");
	kv(d, "Lampiran", "-");
	kv(d, "Hal", hal);
	kv(d, "Tanggal", date);
	free(hal);
	d->y += 4;
}

/* ---- 1. Ringkasan ------------------------------------------------------- */

static char *ident_summary(const struct rpt_actor *a)
{
	size_t per[RPT__KINDS] = {0};
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < a->nidents; i++)
		per[a->idents[i].kind]++;
	buf_init(&b, 0);
	buf_printf(&b, "%zu", a->idents_total);
	for (int k = 0, first = 1; k < RPT__KINDS; k++) {
		if (!per[k])
			continue;
		buf_printf(&b, "%s%zu %s", first ? " (" : ", ", per[k],
			   rpt_kind_label((enum rpt_kind)k));
		first = 0;
	}
	if (a->nidents)
		buf_putc(&b, ')');
	return buf_detach(&b, NULL);
}

static char *platform_list(const struct rpt_actor *a)
{
	struct buf b = BUF_INIT;
	size_t n = MIN(a->nplatforms, (size_t)MAX_PLATFORM_NAMES);

	buf_init(&b, 0);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", a->platforms[i]);
	if (a->nplatforms > n)
		buf_printf(&b, " dan %zu lainnya", a->nplatforms - n);
	if (!b.len)
		buf_putc(&b, '-');
	return buf_detach(&b, NULL);
}

static void summary_facts(struct rpt_doc *d)
{
	const struct rpt_actor *a = d->actor;
	char first[32], last[32], span[48], *s;

	kv(d, "ID aktor", a->id);
	if (a->listings_total > a->nlistings)
		s = xasprintf("%zu (dokumen ini memuat %zu)", a->listings_total,
			      a->nlistings);
	else
		s = xasprintf("%zu", a->listings_total);
	kv(d, "Jumlah tautan", s);
	free(s);
	s = ident_summary(a);
	kv(d, "Jumlah identitas", s);
	free(s);
	s = platform_list(a);
	kv(d, "Platform", s);
	free(s);
	rpt_fmt_time(a->first_seen, first);
	rpt_fmt_time(a->last_seen, last);
	kv(d, "Pertama dilihat", first);
	kv(d, "Terakhir dilihat", last);
	if (a->first_seen != RPT_NO_TIME) {
		snprintf(span, sizeof(span), "%lld hari",
			 (long long)((a->last_seen - a->first_seen) / 86400 +
				     1));
		kv(d, "Rentang aktivitas", span);
	}
}

static int by_count(const void *x, const void *y)
{
	const struct rpt_count *a = x, *b = y;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->label, b->label);
}

/* Listings per platform (which = 0) or per commodity (1), descending. */
static size_t tally(const struct rpt_actor *a, int which, struct rpt_count *v,
		    size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < a->nlistings; i++) {
		const struct rpt_listing *l = &a->listings[i];
		const char *k =
			which ? rpt_commodity_label(l->commodity) : l->platform;
		size_t j;

		if (!k)
			k = l->commodity;
		for (j = 0; j < n && strcmp(v[j].label, k); j++)
			;
		if (j == n && n < cap)
			v[n++] = (struct rpt_count){k, 0};
		if (j < n)
			v[j].n++;
	}
	qsort(v, n, sizeof(*v), by_count);
	return n;
}

static void violation_chart(struct rpt_doc *d)
{
	const struct rpt_actor *a = d->actor;
	struct rpt_count *v = xcalloc(a->nviolations + 1, sizeof(*v));

	for (size_t i = 0; i < a->nviolations; i++) {
		const char *t = rpt_violation_label(a->violations[i].label);

		v[i].n = a->violations[i].n;
		v[i].label =
			t ? xasprintf("%s \u00b7 %s", a->violations[i].label, t)
			  : xstrdup(a->violations[i].label);
	}
	subheading(d, "Jumlah pelanggaran per kode", 24);
	rpt_bar_chart(d, v, a->nviolations, 10, 0xb03030);
	for (size_t i = 0; i < a->nviolations; i++)
		free((char *)v[i].label);
	free(v);
}

void rpt_summary(struct rpt_doc *d)
{
	const struct rpt_actor *a = d->actor;
	size_t cap = MIN(a->nlistings, (size_t)256) + 1, n;
	struct rpt_count *v = xcalloc(cap, sizeof(*v));

	rpt_heading(d, "1. Ringkasan", 60);
	summary_facts(d);
	violation_chart(d);
	n = tally(a, 0, v, cap);
	subheading(d, "Jumlah tautan per platform", 24);
	rpt_bar_chart(d, v, n, 10, 0x1f3864);
	n = tally(a, 1, v, cap);
	subheading(d, "Jumlah tautan per komoditas", 24);
	rpt_bar_chart(d, v, n, 8, 0x2e7d6e);
	free(v);
}

/* ---- 2. Identitas ------------------------------------------------------- */

static int by_degree(const void *x, const void *y, void *ctx)
{
	const struct rpt_ident *v = ctx;
	const struct rpt_ident *a = &v[*(const size_t *)x];
	const struct rpt_ident *b = &v[*(const size_t *)y];

	if (a->degree != b->degree)
		return a->degree > b->degree ? -1 : 1;
	return strcmp(a->value, b->value);
}

static double ident_cell(struct rpt_doc *d, double x, double y,
			 const struct rpt_ident *id, bool draw)
{
	char n[48];
	double w = IDENT_COL_W - 62, h;

	snprintf(n, sizeof(n), "%zu tautan", id->degree);
	if (!draw)
		return rpt_text_height(d, RS_MONO, w, 4, id->value);
	h = rpt_text(d, x, y, w, RS_MONO, 4, id->value);
	rpt_text_align(d, x + w, y, 60, RS_TINY, PANGO_ALIGN_RIGHT, n);
	return h;
}

/* One kind's identifiers in two columns, most linked first. */
static void ident_kind(struct rpt_doc *d, enum rpt_kind k, size_t *idx,
		       size_t n)
{
	const struct rpt_ident *v = d->actor->idents;
	char title[80];

	snprintf(title, sizeof(title), "%s (%zu)", rpt_kind_label(k), n);
	subheading(d, title, ident_cell(d, 0, 0, &v[idx[0]], false) + 2);
	for (size_t i = 0; i < n; i += 2) {
		double h = ident_cell(d, 0, 0, &v[idx[i]], false);
		double x2 = RPT_LEFT + IDENT_COL_W + 12;

		if (i + 1 < n)
			h = MAX(h, ident_cell(d, 0, 0, &v[idx[i + 1]], false));
		rpt_need(d, h + 2);
		if (i / 2 % 2 == 0)
			rpt_rect(d, RPT_LEFT - 2, d->y - 1, RPT_WIDTH + 4,
				 h + 2, 0xf2f4f8, ~0u);
		ident_cell(d, RPT_LEFT, d->y, &v[idx[i]], true);
		if (i + 1 < n)
			ident_cell(d, x2, d->y, &v[idx[i + 1]], true);
		d->y += h + 2;
	}
}

void rpt_identities(struct rpt_doc *d)
{
	const struct rpt_actor *a = d->actor;
	size_t *idx = xcalloc(a->nidents + 1, sizeof(*idx)), n;

	rpt_heading(d, "2. Identitas", 40);
	if (!a->nidents)
		rpt_para(d, RS_BODY, "Tidak ada identitas tercatat.");
	for (int k = 0; k < RPT__KINDS; k++) {
		n = 0;
		for (size_t i = 0; i < a->nidents; i++)
			if (a->idents[i].kind == (enum rpt_kind)k)
				idx[n++] = i;
		if (!n)
			continue;
		qsort_r(idx, n, sizeof(*idx), by_degree, a->idents);
		ident_kind(d, (enum rpt_kind)k, idx, n);
	}
	if (a->idents_total > a->nidents) {
		char note[120];

		snprintf(note, sizeof(note),
			 "Ditampilkan %zu dari %zu identitas (batas dokumen).",
			 a->nidents, a->idents_total);
		rpt_para(d, RS_TINY, note);
	}
	free(idx);
}

/* ---- 6. Bukti penggabungan ---------------------------------------------- */

#define MERGE_UNKNOWN_SHOWN 10

static int by_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return a < b ? -1 : a > b;
}

/* "#3, #8, #19" for the listings in the table, in their order. */
static char *merge_numbers(const struct rpt_merge *m)
{
	size_t *v = xcalloc(m->n + 1, sizeof(*v)), k = 0;
	struct buf b = BUF_INIT;

	for (size_t j = 0; j < m->n; j++)
		if (m->nos[j])
			v[k++] = m->nos[j];
	qsort(v, k, sizeof(*v), by_size);
	buf_init(&b, 0);
	for (size_t j = 0; j < k; j++)
		buf_printf(&b, "%s#%zu", j ? ", " : "", v[j]);
	free(v);
	return buf_detach(&b, NULL);
}

/* URLs that are not rows of the table are shown in full. */
static void merge_unknown(struct rpt_doc *d, const struct rpt_merge *m)
{
	size_t shown = 0, unknown = 0;
	double h;

	for (size_t j = 0; j < m->n; j++) {
		if (m->nos[j] || unknown++ >= MERGE_UNKNOWN_SHOWN)
			continue;
		h = rpt_text_height(d, RS_CELL_URL, RPT_WIDTH - 12, 3,
				    m->urls[j]);
		rpt_need(d, h + 1);
		d->y += rpt_text(d, RPT_LEFT + 12, d->y, RPT_WIDTH - 12,
				 RS_CELL_URL, 3, m->urls[j]) +
			1;
		shown++;
	}
	if (unknown > shown) {
		char note[80];

		snprintf(note, sizeof(note), "\u2026 dan %zu tautan lainnya",
			 unknown - shown);
		rpt_para(d, RS_TINY, note);
	}
}

static void merge_block(struct rpt_doc *d, const struct rpt_merge *m)
{
	char *head = xasprintf("%s \u2014 menghubungkan %zu tautan",
			       m->identifier, m->total);
	char *nos = merge_numbers(m);
	double hh = rpt_text_height(d, RS_SMALL_BOLD, RPT_WIDTH, 3, head);
	double hn =
		*nos ? rpt_text_height(d, RS_SMALL, RPT_WIDTH - 12, 0, nos) : 0;

	/* the identifier stays with its numbers (at most 500: a page) */
	d->y += 3;
	rpt_need(d, hh + 1 + MAX(hn, 12.0));
	d->y += rpt_text(d, RPT_LEFT, d->y, RPT_WIDTH, RS_SMALL_BOLD, 3, head) +
		1;
	if (*nos)
		d->y += rpt_text(d, RPT_LEFT + 12, d->y, RPT_WIDTH - 12,
				 RS_SMALL, 0, nos) +
			1;
	merge_unknown(d, m);
	if (m->total > m->n) {
		free(head);
		head = xasprintf("\u2026 dan %zu tautan lainnya tidak dimuat "
				 "dalam berkas aktor",
				 m->total - m->n);
		rpt_para(d, RS_TINY, head);
	}
	free(nos);
	free(head);
}

void rpt_merges(struct rpt_doc *d)
{
	const struct rpt_actor *a = d->actor;

	rpt_heading(d, "6. Bukti penggabungan", 80);
	if (!a->nmerges) {
		rpt_para(d, RS_BODY,
			 "Tidak ada data penggabungan dalam berkas aktor.");
		return;
	}
	rpt_para(d, RS_SMALL,
		 "Tautan-tautan digabungkan ke dalam satu aktor karena memuat "
		 "identitas yang sama. Setiap blok menyebut identitas tersebut "
		 "dan tautan tempat identitas itu ditemukan: nomor sesuai "
		 "Daftar tautan, atau alamat lengkap bila tautan itu tidak ada "
		 "dalam daftar.");
	for (size_t i = 0; i < a->nmerges; i++)
		merge_block(d, &a->merges[i]);
	if (a->merges_total > a->nmerges) {
		char note[120];

		snprintf(note, sizeof(note),
			 "Ditampilkan %zu dari %zu bukti penggabungan.",
			 a->nmerges, a->merges_total);
		rpt_para(d, RS_TINY, note);
	}
}

/* ---- closing ------------------------------------------------------------ */

static void ruled(struct rpt_doc *d, const char *label, double x, double w)
{
	rpt_text(d, x, d->y, 70, RS_SMALL, 1, label);
	rpt_line(d, x + 70, d->y + 9, x + w, d->y + 9, 0.4, 0x606060);
}

void rpt_closing(struct rpt_doc *d)
{
	char when[32], *s;
	double half = RPT_WIDTH / 2;

	rpt_heading(d, "7. Catatan dan paraf analis", 190);
	rpt_fmt_time(d->actor->generated_at, when);
	s = xasprintf("Dokumen ini dihasilkan oleh patroli pada %s dari data "
		      "patroli siber. Nilai SHA-256 dan berkas WARC pada "
		      "Daftar tautan menunjuk rekaman bukti asli; keutuhannya "
		      "dapat diperiksa ulang dengan perintah \"patroli "
		      "evidence verify\".",
		      when);
	rpt_para(d, RS_SMALL, s);
	free(s);
	d->y += 6;
	rpt_text(d, RPT_LEFT, d->y, RPT_WIDTH, RS_SMALL_BOLD, 1,
		 "Catatan analis:");
	d->y += 16;
	for (int i = 0; i < 5; i++, d->y += 18)
		rpt_line(d, RPT_LEFT, d->y, RPT_LEFT + RPT_WIDTH, d->y, 0.4,
			 0x606060);
	d->y += 10;
	ruled(d, "Nama", RPT_LEFT, half - 20);
	ruled(d, "Paraf", RPT_LEFT + half, half);
	d->y += 22;
	ruled(d, "NIP", RPT_LEFT, half - 20);
	ruled(d, "Tanggal", RPT_LEFT + half, half);
	d->y += 22;
}
