/*
 * doc.c - the page machinery: fonts and pango layouts on a cairo PDF
 * surface, a cursor that moves down the page and breaks to a new one, and
 * the furniture of every page (the kop on the first, a running header on
 * the others, the "RAHASIA" marks and the footer with "Halaman X dari Y").
 *
 * Text is always set with pango_layout_set_text(), never markup, so
 * nothing from the actor can inject formatting.  Metrics are unhinted and
 * the resolution is 72 dpi, so a font size is a size in points and both
 * passes of report.c lay every line out identically.
 */
#include "report/report_int.h"

#include <cairo-pdf.h>
#include <string.h>

#define FONT "DejaVu Sans"
#define MONO "DejaVu Sans Mono"

static const struct style {
	const char *font;
	unsigned rgb;
	PangoWrapMode wrap;
} styles[RS__COUNT] = {
	[RS_BODY] = {FONT " 9", 0x000000, PANGO_WRAP_WORD_CHAR},
	[RS_BOLD] = {FONT " Bold 9", 0x000000, PANGO_WRAP_WORD_CHAR},
	[RS_SMALL] = {FONT " 7.5", 0x1a1a1a, PANGO_WRAP_WORD_CHAR},
	[RS_SMALL_BOLD] = {FONT " Bold 7.5", 0x000000, PANGO_WRAP_WORD_CHAR},
	[RS_TINY] = {FONT " 6.5", 0x404040, PANGO_WRAP_WORD_CHAR},
	[RS_MONO] = {MONO " 7.5", 0x000000, PANGO_WRAP_CHAR},
	[RS_MONO_TINY] = {MONO " 5.2", 0x505050, PANGO_WRAP_CHAR},
	[RS_H1] = {FONT " Bold 11", 0x1f3864, PANGO_WRAP_WORD_CHAR},
	[RS_TITLE] = {FONT " Bold 12.5", 0x000000, PANGO_WRAP_WORD_CHAR},
	[RS_KOP1] = {FONT " Bold 14.5", 0x000000, PANGO_WRAP_WORD_CHAR},
	[RS_KOP2] = {FONT " Bold 10.5", 0x000000, PANGO_WRAP_WORD_CHAR},
	[RS_KOP3] = {FONT " 8", 0x1a1a1a, PANGO_WRAP_WORD_CHAR},
	[RS_MARK] = {FONT " Bold 9", 0xb00000, PANGO_WRAP_WORD_CHAR},
	[RS_CELL_URL] = {MONO " 6.3", 0x1a4d8f, PANGO_WRAP_CHAR},
};

/* ---- life cycle --------------------------------------------------------- */

void rpt_doc_init(struct rpt_doc *d, cairo_surface_t *surface,
		  const struct rpt_actor *a)
{
	cairo_font_options_t *fo = cairo_font_options_create();
	PangoAttrList *attrs;

	memset(d, 0, sizeof(*d));
	d->surface = surface;
	d->actor = a;
	d->cr = cairo_create(surface);
	/* A font map of our own: the default one is per thread and never
	 * freed, and callers may render from worker threads. */
	d->fontmap = pango_cairo_font_map_new();
	d->pango = pango_font_map_create_context(d->fontmap);
	pango_cairo_context_set_resolution(d->pango, 72);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(d->pango, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_update_context(d->cr, d->pango);
	d->layout = pango_layout_new(d->pango);
	/* Pango hyphenates words it breaks: a hyphen that is not in a URL,
	 * a hash or a code must never appear in evidence. */
	attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
	pango_layout_set_attributes(d->layout, attrs);
	pango_attr_list_unref(attrs);
	/* left-to-right always, even for a title in Arabic script */
	pango_layout_set_auto_dir(d->layout, FALSE);
	for (int i = 0; i < RS__COUNT; i++)
		d->fonts[i] =
			pango_font_description_from_string(styles[i].font);
}

int rpt_doc_finish(struct rpt_doc *d)
{
	cairo_status_t st = cairo_status(d->cr);

	cairo_surface_finish(d->surface);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(d->surface);
	if (st != CAIRO_STATUS_SUCCESS)
		return log_fail("report: cairo: %s",
				cairo_status_to_string(st));
	return 0;
}

void rpt_doc_release(struct rpt_doc *d)
{
	for (int i = 0; i < RS__COUNT; i++)
		if (d->fonts[i])
			pango_font_description_free(d->fonts[i]);
	if (d->layout)
		g_object_unref(d->layout);
	if (d->pango)
		g_object_unref(d->pango);
	if (d->fontmap)
		g_object_unref(d->fontmap);
	if (d->cr)
		cairo_destroy(d->cr);
	if (d->surface)
		cairo_surface_destroy(d->surface);
	memset(d, 0, sizeof(*d));
}

/* ---- drawing primitives ------------------------------------------------- */

void rpt_rgb(struct rpt_doc *d, unsigned rgb)
{
	cairo_set_source_rgb(d->cr, ((rgb >> 16) & 0xff) / 255.0,
			     ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

void rpt_line(struct rpt_doc *d, double x0, double y0, double x1, double y1,
	      double width, unsigned rgb)
{
	rpt_rgb(d, rgb);
	cairo_set_line_width(d->cr, width);
	cairo_move_to(d->cr, x0, y0);
	cairo_line_to(d->cr, x1, y1);
	cairo_stroke(d->cr);
}

/* fill or stroke ~0u means none. */
void rpt_rect(struct rpt_doc *d, double x, double y, double w, double h,
	      unsigned fill, unsigned stroke)
{
	cairo_rectangle(d->cr, x, y, w, h);
	if (fill != ~0u) {
		rpt_rgb(d, fill);
		cairo_fill_preserve(d->cr);
	}
	if (stroke != ~0u) {
		rpt_rgb(d, stroke);
		cairo_set_line_width(d->cr, 0.5);
		cairo_stroke_preserve(d->cr);
	}
	cairo_new_path(d->cr);
}

/* ---- text --------------------------------------------------------------- */

static PangoLayout *configure(struct rpt_doc *d, PangoLayout *l,
			      enum rpt_style st, double w, int max_lines,
			      PangoAlignment al, const char *text)
{
	pango_layout_set_font_description(l, d->fonts[st]);
	pango_layout_set_width(l, w > 0 ? (int)(w * PANGO_SCALE) : -1);
	pango_layout_set_wrap(l, styles[st].wrap);
	pango_layout_set_alignment(l, al);
	pango_layout_set_ellipsize(l, max_lines > 0 ? PANGO_ELLIPSIZE_END
						    : PANGO_ELLIPSIZE_NONE);
	pango_layout_set_height(l, max_lines > 0 ? -max_lines : -1);
	pango_layout_set_text(l, text ? text : "-", -1);
	return l;
}

static PangoLayout *set(struct rpt_doc *d, enum rpt_style st, double w,
			int max_lines, PangoAlignment al, const char *text)
{
	return configure(d, d->layout, st, w, max_lines, al, text);
}

PangoLayout *rpt_layout_new(struct rpt_doc *d, enum rpt_style st, double w,
			    int max_lines, const char *text)
{
	PangoLayout *l = pango_layout_new(d->pango);

	pango_layout_set_attributes(l, pango_layout_get_attributes(d->layout));
	pango_layout_set_auto_dir(l, FALSE);
	return configure(d, l, st, w, max_lines, PANGO_ALIGN_LEFT, text);
}

double rpt_layout_height(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

double rpt_text_height(struct rpt_doc *d, enum rpt_style st, double w,
		       int max_lines, const char *text)
{
	return rpt_layout_height(
		set(d, st, w, max_lines, PANGO_ALIGN_LEFT, text));
}

/* The counting pass only needs heights: glyphs are not drawn. */
double rpt_layout_show(struct rpt_doc *d, double x, double y, enum rpt_style st,
		       PangoLayout *l)
{
	if (!d->dry) {
		rpt_rgb(d, styles[st].rgb);
		cairo_move_to(d->cr, x, y);
		pango_cairo_show_layout(d->cr, l);
	}
	return rpt_layout_height(l);
}

double rpt_text(struct rpt_doc *d, double x, double y, double w,
		enum rpt_style st, int max_lines, const char *text)
{
	return rpt_layout_show(
		d, x, y, st, set(d, st, w, max_lines, PANGO_ALIGN_LEFT, text));
}

double rpt_text_align(struct rpt_doc *d, double x, double y, double w,
		      enum rpt_style st, PangoAlignment al, const char *text)
{
	return rpt_layout_show(d, x, y, st, set(d, st, w, 1, al, text));
}

double rpt_text_width(struct rpt_doc *d, enum rpt_style st, const char *text)
{
	int w, h;

	pango_layout_get_size(set(d, st, -1, 0, PANGO_ALIGN_LEFT, text), &w,
			      &h);
	return (double)w / PANGO_SCALE;
}

void rpt_para(struct rpt_doc *d, enum rpt_style st, const char *text)
{
	double h = rpt_text_height(d, st, RPT_WIDTH, 0, text);

	rpt_need(d, MIN(h, RPT_BODY_BOTTOM - RPT_BODY_TOP));
	d->y += rpt_text(d, RPT_LEFT, d->y, RPT_WIDTH, st, 40, text) + 3;
}

/* ---- page furniture ----------------------------------------------------- */

static void kop(struct rpt_doc *d)
{
	double y = 34, x = RPT_LEFT, w = RPT_WIDTH;

	y += rpt_text_align(d, x, y, w, RS_KOP1, PANGO_ALIGN_CENTER,
			    "BADAN PENGAWAS OBAT DAN MAKANAN");
	y += rpt_text_align(d, x, y, w, RS_KOP2, PANGO_ALIGN_CENTER,
			    "DIREKTORAT PENGAWASAN SIBER OBAT DAN MAKANAN");
	y += rpt_text_align(d, x, y, w, RS_KOP3, PANGO_ALIGN_CENTER,
			    "Jl. Percetakan Negara No. 23, Jakarta 10560");
	y += 5;
	rpt_line(d, x, y, x + w, y, 2.2, 0x000000);
	rpt_line(d, x, y + 3, x + w, y + 3, 0.6, 0x000000);
	d->y = y + 16;
}

static void running_header(struct rpt_doc *d)
{
	char *right =
		xasprintf("Dokumen Profiling \u00b7 Aktor %s", d->actor->id);

	rpt_text(d, RPT_LEFT, 36, RPT_WIDTH / 2, RS_TINY, 1,
		 "BADAN PENGAWAS OBAT DAN MAKANAN");
	rpt_text_align(d, RPT_LEFT + RPT_WIDTH / 2, 36, RPT_WIDTH / 2, RS_TINY,
		       PANGO_ALIGN_RIGHT, right);
	rpt_line(d, RPT_LEFT, 48, RPT_LEFT + RPT_WIDTH, 48, 0.6, 0x000000);
	d->y = RPT_BODY_TOP;
	free(right);
}

static void footer(struct rpt_doc *d)
{
	char when[32], left[96], right[48];
	double y = RPT_BODY_BOTTOM + 14;

	rpt_fmt_time(d->actor->generated_at, when);
	if (d->actor->generated_at == RPT_NO_TIME)
		snprintf(left, sizeof(left),
			 "Dokumen ini dihasilkan oleh patroli.");
	else
		snprintf(left, sizeof(left),
			 "Dokumen ini dihasilkan oleh patroli pada %s.", when);
	if (d->npages)
		snprintf(right, sizeof(right), "Halaman %d dari %d", d->page,
			 d->npages);
	else
		snprintf(right, sizeof(right), "Halaman %d", d->page);
	rpt_line(d, RPT_LEFT, y - 4, RPT_LEFT + RPT_WIDTH, y - 4, 0.4,
		 0x808080);
	rpt_text(d, RPT_LEFT, y, RPT_WIDTH * 0.7, RS_TINY, 1, left);
	rpt_text_align(d, RPT_LEFT + RPT_WIDTH * 0.7, y, RPT_WIDTH * 0.3,
		       RS_TINY, PANGO_ALIGN_RIGHT, right);
	rpt_text_align(d, RPT_LEFT, RPT_PAGE_H - 30, RPT_WIDTH, RS_MARK,
		       PANGO_ALIGN_CENTER, "RAHASIA");
}

void rpt_new_page(struct rpt_doc *d)
{
	if (d->page > 0)
		cairo_show_page(d->cr);
	d->page++;
	rpt_text_align(d, RPT_LEFT, 16, RPT_WIDTH, RS_MARK, PANGO_ALIGN_CENTER,
		       "RAHASIA");
	if (d->page == 1)
		kop(d);
	else
		running_header(d);
	footer(d);
}

void rpt_need(struct rpt_doc *d, double h)
{
	if (d->y + h > RPT_BODY_BOTTOM)
		rpt_new_page(d);
}

void rpt_heading(struct rpt_doc *d, const char *title, double keep)
{
	char link[80];
	double h = rpt_text_height(d, RS_H1, RPT_WIDTH, 1, title);

	d->y += 8;
	rpt_need(d, h + 6 + keep);
	if (d->outline) {
		snprintf(link, sizeof(link), "page=%d pos=[%.1f %.1f]", d->page,
			 RPT_LEFT, d->y);
		cairo_pdf_surface_add_outline(
			d->surface, CAIRO_PDF_OUTLINE_ROOT, title, link, 0);
	}
	d->y += rpt_text(d, RPT_LEFT, d->y, RPT_WIDTH, RS_H1, 1, title);
	rpt_line(d, RPT_LEFT, d->y + 1, RPT_LEFT + RPT_WIDTH, d->y + 1, 0.8,
		 0x1f3864);
	d->y += 7;
}
