/*
 * report_int.h - private to src/report/: the pieces report.c assembles.
 *
 *   model.c     actor JSON -> struct rpt_actor (cleaned, capped, indexed)
 *   doc.c       pages, kop, running header and footer, text with pango
 *   chart.c     horizontal bar charts and the timeline
 *   sections.c  Ringkasan, Identitas, Bukti penggabungan, closing block
 *   table.c     Daftar tautan (the listings table)
 *   graph.c     the actor graph: graphviz layout, drawn with cairo
 *   report.c    report_profile_pdf(): two passes, temporary file, rename
 *
 * Units are PostScript points (1/72 in), y grows downwards, A4 portrait.
 * Every string in the model is owned by the model, valid UTF-8, free of
 * control characters and capped; "-" stands for what the JSON lacked.
 */
#ifndef PATROLI_REPORT_INT_H
#define PATROLI_REPORT_INT_H

/* base.h first: glib undefines and redefines MIN and MAX the same way */
#include "report/report.h"

#include <cairo.h>
#include <pango/pangocairo.h>

/* ---- model.c ------------------------------------------------------------ */
#define RPT_NO_TIME INT64_MIN

enum rpt_kind {
	RPT_PHONE,
	RPT_EMAIL,
	RPT_BANK,
	RPT_HANDLE,
	RPT_DOMAIN,
	RPT_OTHER,
	RPT__KINDS
};

struct rpt_listing {
	size_t no; /* 1-based, in first-seen order: "#no" everywhere */
	const char *url, *title, *platform, *commodity, *sha256, *warc_file;
	const char *violations; /* "NO_NIE, BKO" or "-" */
	const char *first_raw, *last_raw;
	int64_t first_seen, last_seen; /* seconds since epoch or RPT_NO_TIME */
	size_t degree;		       /* identifiers linked by an edge */
};

struct rpt_ident {
	enum rpt_kind kind;
	const char *value;
	size_t degree; /* listings linked by an edge */
};

struct rpt_edge {
	size_t listing, ident; /* indices into the actor's arrays */
};

struct rpt_count {
	const char *label;
	int64_t n;
};

struct rpt_merge {
	const char *identifier;
	const char **urls;
	size_t *nos; /* listing number per URL, 0 when not a listing */
	size_t n, total;
};

struct rpt_actor {
	const char *id, *generated_raw;
	int64_t generated_at;
	struct rpt_listing *listings;
	size_t nlistings, listings_total;
	struct rpt_ident *idents;
	size_t nidents, idents_total;
	const char **platforms;
	size_t nplatforms;
	struct rpt_count *violations; /* sorted by count, descending */
	size_t nviolations;
	struct rpt_edge *edges; /* unique (listing, ident) pairs */
	size_t nedges, edges_dropped;
	struct rpt_merge *merges;
	size_t nmerges, merges_total;
	int64_t first_seen, last_seen; /* over the listings */
	/* every allocation above, freed by rpt_actor_release() */
	void **owned;
	size_t nowned, cap_owned;
};

/* Parse; ERR_INPUT with `err` (a static-size message) filled. */
int rpt_actor_parse(const char *json, struct rpt_actor *a, char *err,
		    size_t errlen);
void rpt_actor_release(struct rpt_actor *a);
/* "Telepon/WhatsApp", ... (static). */
const char *rpt_kind_label(enum rpt_kind k);
/* Indonesian label of a violation code or commodity, or NULL. */
const char *rpt_violation_label(const char *code);
const char *rpt_commodity_label(const char *code);
/* Clean untrusted text into a new string (caller frees): control, format
 * and bidi characters become U+FFFD, whitespace runs one space, at most
 * `cap` bytes on a character boundary, then "…". */
char *rpt_clean(const char *s, size_t cap);
/* RFC 3339 (or a bare date) to seconds since epoch; ERR_INPUT. */
int rpt_parse_time(const char *s, int64_t *out);
/* "2026-11-29 07:44 UTC" / "29 November 2026" / "29 Nov 2026" (the
 * dates in UTC: add RPT_WIB for Jakarta's calendar day). */
#define RPT_WIB (7 * 3600)
void rpt_fmt_time(int64_t t, char out[32]);
void rpt_fmt_iso(int64_t t, char out[32]); /* 2026-11-29T07:44:54Z */
void rpt_fmt_date_long(int64_t t, char out[32]);
void rpt_fmt_date_short(int64_t t, char out[32]);

/* ---- doc.c -------------------------------------------------------------- */
#define RPT_PAGE_W	595.276
#define RPT_PAGE_H	841.890
#define RPT_LEFT	62.0
#define RPT_WIDTH	481.0
#define RPT_BODY_TOP	62.0
#define RPT_BODY_BOTTOM 780.0

enum rpt_style {
	RS_BODY,
	RS_BOLD,
	RS_SMALL,
	RS_SMALL_BOLD,
	RS_TINY,
	RS_MONO,
	RS_MONO_TINY,
	RS_H1,
	RS_TITLE,
	RS_KOP1,
	RS_KOP2,
	RS_KOP3,
	RS_MARK, /* RAHASIA */
	RS_CELL_URL,
	RS__COUNT
};

struct rpt_graph;

struct rpt_doc {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoFontMap *fontmap;
	PangoContext *pango;
	PangoLayout *layout;
	PangoFontDescription *fonts[RS__COUNT];
	const struct rpt_actor *actor;
	struct rpt_graph *graph; /* laid out once, drawn in both passes */
	int page;		 /* current page, 1-based; 0 before the first */
	int npages;		 /* from the first pass; 0 during it */
	double y;		 /* next free line on the page */
	bool outline;		 /* add PDF bookmarks (second pass) */
	bool dry;		 /* counting pass: measure, draw no text */
};

/* Pango and fonts for a cairo surface the caller made (taken over). */
void rpt_doc_init(struct rpt_doc *d, cairo_surface_t *surface,
		  const struct rpt_actor *a);
/* Finish the surface; ERR_FAIL if cairo reports an error. */
int rpt_doc_finish(struct rpt_doc *d);
void rpt_doc_release(struct rpt_doc *d);

void rpt_new_page(struct rpt_doc *d);
/* Start a new page unless `h` points still fit on this one. */
void rpt_need(struct rpt_doc *d, double h);
/* Numbered section heading kept with `keep` points of what follows. */
void rpt_heading(struct rpt_doc *d, const char *title, double keep);

/* Height of `text` set in `style` `w` wide; rpt_text() also draws it at
 * (x, y).  `max_lines` > 0 ellipsizes after that many lines. */
double rpt_text_height(struct rpt_doc *d, enum rpt_style st, double w,
		       int max_lines, const char *text);
double rpt_text(struct rpt_doc *d, double x, double y, double w,
		enum rpt_style st, int max_lines, const char *text);
/* Same, horizontally centred or right-aligned in [x, x+w). */
double rpt_text_align(struct rpt_doc *d, double x, double y, double w,
		      enum rpt_style st, PangoAlignment al, const char *text);
/* Width of a one-line text. */
double rpt_text_width(struct rpt_doc *d, enum rpt_style st, const char *text);
/* A layout of one's own (g_object_unref it), to measure then draw. */
PangoLayout *rpt_layout_new(struct rpt_doc *d, enum rpt_style st, double w,
			    int max_lines, const char *text);
double rpt_layout_height(PangoLayout *l);
double rpt_layout_show(struct rpt_doc *d, double x, double y, enum rpt_style st,
		       PangoLayout *l);
/* A paragraph at the cursor, full width; moves the cursor. */
void rpt_para(struct rpt_doc *d, enum rpt_style st, const char *text);

void rpt_rgb(struct rpt_doc *d, unsigned rgb);
void rpt_line(struct rpt_doc *d, double x0, double y0, double x1, double y1,
	      double width, unsigned rgb);
void rpt_rect(struct rpt_doc *d, double x, double y, double w, double h,
	      unsigned fill, unsigned stroke);

/* ---- chart.c ------------------------------------------------------------ */
/* Horizontal bars at the cursor, at most `max` rows (the rest summed in
 * one "lainnya" row). */
void rpt_bar_chart(struct rpt_doc *d, const struct rpt_count *v, size_t n,
		   size_t max, unsigned rgb);
void rpt_timeline(struct rpt_doc *d);

/* ---- sections.c / table.c ----------------------------------------------- */
void rpt_title_block(struct rpt_doc *d);
void rpt_summary(struct rpt_doc *d);
void rpt_identities(struct rpt_doc *d);
void rpt_listings_table(struct rpt_doc *d);
void rpt_merges(struct rpt_doc *d);
void rpt_closing(struct rpt_doc *d);

/* ---- graph.c ------------------------------------------------------------ */
/* Choose nodes and lay them out (graphviz, serialised); NULL when the
 * actor has no node at all.  Node sizes come from `d`'s fonts. */
struct rpt_graph *rpt_graph_layout(struct rpt_doc *d);
void rpt_graph_section(struct rpt_doc *d);
void rpt_graph_free(struct rpt_graph *g);

/* ---- report.c ----------------------------------------------------------- */
/* LeakSanitizer's hook for suppressions (see report.c). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

#endif
