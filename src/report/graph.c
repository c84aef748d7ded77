/*
 * graph.c - 5. Graf aktor: listings (boxes, "#no" and platform) and the
 * identifiers that tie them (ellipses coloured by kind), laid out by
 * graphviz's neato and drawn by us with cairo, so fonts and colours match
 * the rest of the document and graphviz never touches the output file.
 *
 * Size is capped at REPORT_MAX_GRAPH_NODES: the identifiers linked to the
 * most listings are kept first (they are why the listings are one actor),
 * then the listings with the most links to kept identifiers; the section
 * says how many nodes and edges were left out.
 *
 * graphviz is not thread-safe and 2.42 leaks the plugin configuration
 * text of every context it frees, so one context lives for the process
 * and every use of the library is serialised by a mutex.  If layout
 * fails the nodes are placed on a circle and the document still renders.
 */
#include "report/report_int.h"

#include <graphviz/gvc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NODES      REPORT_MAX_GRAPH_NODES
#define LABEL_CHARS    24
#define PLATFORM_CHARS 14
#define MAX_SCALE      1.4
#define MIN_SCALE      0.9 /* 6.5 pt labels stay at least 5.8 pt */
#define LEGEND_H       40.0

struct gnode {
	double x, y, w, h; /* centre and size in layout points, y down */
	bool listing, flagged;
	enum rpt_kind kind;
	char *label;
};

struct rpt_graph {
	struct gnode *nodes;
	size_t n, nl, ni; /* drawn: all, listings, identifiers */
	size_t (*edges)[2];
	size_t ne;
	double bw, bh; /* bounding box */
};

static const struct {
	unsigned fill, stroke;
} kind_colors[RPT__KINDS] = {
	[RPT_PHONE] = {0xc8e6c9, 0x2e7d32},
	[RPT_EMAIL] = {0xbbdefb, 0x1565c0},
	[RPT_BANK] = {0xffe0b2, 0xe65100},
	[RPT_HANDLE] = {0xe1bee7, 0x6a1b9a},
	[RPT_DOMAIN] = {0xb2dfdb, 0x00695c},
	[RPT_OTHER] = {0xe0e0e0, 0x616161},
};

/* ---- choosing nodes ----------------------------------------------------- */

/* The first `n` characters of s, with "…" when cut. */
static char *shorten(const char *s, long n)
{
	const char *end;

	if (g_utf8_strlen(s, -1) <= n)
		return xstrdup(s);
	end = g_utf8_offset_to_pointer(s, n - 1);
	return xasprintf("%.*s\u2026", (int)(end - s), s);
}

struct pick {
	size_t i;     /* index into listings or idents */
	size_t score; /* links to chosen identifiers (listings) */
	size_t degree;
};

static int by_pick(const void *x, const void *y)
{
	const struct pick *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->degree != b->degree)
		return a->degree > b->degree ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* Sorted picks of identifiers (by links) and listings (by links to the
 * first `ki` identifiers).  Node slot of each listing/ident in *slot_l /
 * *slot_i, SIZE_MAX when not drawn. */
static void choose(const struct rpt_actor *a, size_t *slot_l, size_t *slot_i,
		   size_t *kl, size_t *ki)
{
	struct pick *pi = xcalloc(a->nidents + 1, sizeof(*pi));
	struct pick *pl = xcalloc(a->nlistings + 1, sizeof(*pl));
	size_t i;

	for (i = 0; i < a->nidents; i++)
		pi[i] = (struct pick){i, a->idents[i].degree, 0};
	qsort(pi, a->nidents, sizeof(*pi), by_pick);
	*ki = MIN(a->nidents,
		  MAX((size_t)MAX_NODES * 2 / 5,
		      MAX_NODES - MIN(a->nlistings, (size_t)MAX_NODES)));
	*kl = MIN(a->nlistings, MAX_NODES - *ki);
	*ki = MIN(a->nidents, MAX_NODES - *kl);
	for (i = 0; i < a->nidents; i++)
		slot_i[pi[i].i] = i < *ki ? *kl + i : SIZE_MAX;
	for (i = 0; i < a->nlistings; i++)
		pl[i] = (struct pick){i, 0, a->listings[i].degree};
	for (i = 0; i < a->nedges; i++)
		if (slot_i[a->edges[i].ident] != SIZE_MAX)
			pl[a->edges[i].listing].score++;
	qsort(pl, a->nlistings, sizeof(*pl), by_pick);
	for (i = 0; i < a->nlistings; i++)
		slot_l[pl[i].i] = i < *kl ? i : SIZE_MAX;
	free(pi);
	free(pl);
}

static void node_size(struct rpt_doc *d, struct gnode *n)
{
	double w = rpt_text_width(d, RS_TINY, n->label);
	double h = rpt_text_height(d, RS_TINY, -1, 0, n->label);

	n->w = n->listing ? w + 8 : w * 1.18 + 10;
	n->h = n->listing ? h + 4 : h * 1.5 + 3;
}

static void fill_nodes(struct rpt_doc *d, struct rpt_graph *g,
		       const size_t *slot_l, const size_t *slot_i)
{
	const struct rpt_actor *a = d->actor;

	for (size_t i = 0; i < a->nlistings; i++) {
		const struct rpt_listing *l = &a->listings[i];
		struct gnode *n;
		char *p;

		if (slot_l[i] == SIZE_MAX)
			continue;
		n = &g->nodes[slot_l[i]];
		p = shorten(l->platform, PLATFORM_CHARS);
		n->listing = true;
		n->flagged = strcmp(l->violations, "-") != 0;
		n->label = xasprintf("#%zu\n%s", l->no, p);
		free(p);
		node_size(d, n);
	}
	for (size_t i = 0; i < a->nidents; i++) {
		struct gnode *n;

		if (slot_i[i] == SIZE_MAX)
			continue;
		n = &g->nodes[slot_i[i]];
		n->kind = a->idents[i].kind;
		n->label = shorten(a->idents[i].value, LABEL_CHARS);
		node_size(d, n);
	}
}

static void fill_edges(const struct rpt_actor *a, struct rpt_graph *g,
		       const size_t *slot_l, const size_t *slot_i)
{
	g->edges = xcalloc(a->nedges + 1, sizeof(*g->edges));
	for (size_t i = 0; i < a->nedges; i++) {
		size_t l = slot_l[a->edges[i].listing];
		size_t id = slot_i[a->edges[i].ident];

		if (l != SIZE_MAX && id != SIZE_MAX) {
			g->edges[g->ne][0] = l;
			g->edges[g->ne][1] = id;
			g->ne++;
		}
	}
}

/* ---- layout ------------------------------------------------------------- */

static pthread_mutex_t gv_lock = PTHREAD_MUTEX_INITIALIZER;
static GVC_t *gv_context; /* process-wide: see the top comment */

static int gv_quiet(char *msg)
{
	log_msg(LOG_DEBUG, "report: graphviz: %s", msg);
	return 0;
}

static void set_attr(void *obj, const char *name, const char *val)
{
	agsafeset(obj, (char *)name, (char *)val, (char *)"");
}

static Agraph_t *gv_build(const struct rpt_graph *g, Agnode_t **gn)
{
	Agraph_t *G = agopen((char *)"actor", Agundirected, NULL);
	char name[32], num[32];

	set_attr(G, "overlap", "false");
	set_attr(G, "sep", "+6");
	set_attr(G, "start", "1"); /* fixed seed: the same drawing each time */
	set_attr(G, "pack", "true");
	set_attr(G, "ratio", "0.7"); /* stretch long chains towards a page */
	for (size_t i = 0; i < g->n; i++) {
		snprintf(name, sizeof(name), "n%zu", i);
		gn[i] = agnode(G, name, 1);
		set_attr(gn[i], "shape",
			 g->nodes[i].listing ? "box" : "ellipse");
		set_attr(gn[i], "fixedsize", "true");
		set_attr(gn[i], "label", "");
		snprintf(num, sizeof(num), "%.3f", g->nodes[i].w / 72.0);
		set_attr(gn[i], "width", num);
		snprintf(num, sizeof(num), "%.3f", g->nodes[i].h / 72.0);
		set_attr(gn[i], "height", num);
	}
	for (size_t i = 0; i < g->ne; i++) {
		Agedge_t *e = agedge(G, gn[g->edges[i][0]], gn[g->edges[i][1]],
				     NULL, 1);

		set_attr(e, "len", "0.6"); /* inches; default 1 spreads out */
	}
	return G;
}

/* Positions from graphviz (y up) into the nodes (y down, origin 0). */
static void gv_read(struct rpt_graph *g, Agraph_t *G, Agnode_t **gn)
{
	boxf bb = GD_bb(G);

	g->bw = bb.UR.x - bb.LL.x;
	g->bh = bb.UR.y - bb.LL.y;
	for (size_t i = 0; i < g->n; i++) {
		g->nodes[i].x = ND_coord(gn[i]).x - bb.LL.x;
		g->nodes[i].y = bb.UR.y - ND_coord(gn[i]).y;
	}
}

static int gv_layout(struct rpt_graph *g)
{
	Agnode_t **gn = xcalloc(g->n + 1, sizeof(*gn));
	agusererrf old;
	Agraph_t *G;
	int rc;

	pthread_mutex_lock(&gv_lock);
	old = agseterrf(gv_quiet);
	agseterr(AGERR);
	if (!gv_context)
		gv_context = gvContext();
	G = gv_build(g, gn);
	rc = gv_context ? gvLayout(gv_context, G, "neato") : -1;
	if (rc == 0) {
		gv_read(g, G, gn);
		gvFreeLayout(gv_context, G);
	}
	agclose(G);
	agseterrf(old);
	pthread_mutex_unlock(&gv_lock);
	free(gn);
	return rc == 0 ? 0 : ERR_FAIL;
}

/* The fallback: nodes on a circle big enough for the widest. */
static void circle_layout(struct rpt_graph *g)
{
	double wmax = 0, r;

	for (size_t i = 0; i < g->n; i++)
		wmax = MAX(wmax, g->nodes[i].w);
	r = MAX(60.0, (double)g->n * (wmax * 0.6) / (2 * G_PI));
	for (size_t i = 0; i < g->n; i++) {
		double t = 2 * G_PI * (double)i / (double)g->n;

		g->nodes[i].x = r + wmax / 2 + r * cos(t);
		g->nodes[i].y = r + 10 + r * sin(t);
	}
	g->bw = 2 * r + wmax;
	g->bh = 2 * r + 20;
}

struct rpt_graph *rpt_graph_layout(struct rpt_doc *d)
{
	const struct rpt_actor *a = d->actor;
	size_t *slot_l = xcalloc(a->nlistings + 1, sizeof(size_t));
	size_t *slot_i = xcalloc(a->nidents + 1, sizeof(size_t));
	struct rpt_graph *g = xcalloc(1, sizeof(*g));

	choose(a, slot_l, slot_i, &g->nl, &g->ni);
	g->n = g->nl + g->ni;
	g->nodes = xcalloc(g->n + 1, sizeof(*g->nodes));
	fill_nodes(d, g, slot_l, slot_i);
	fill_edges(a, g, slot_l, slot_i);
	free(slot_l);
	free(slot_i);
	if (!g->n) {
		rpt_graph_free(g);
		return NULL;
	}
	if (gv_layout(g)) {
		log_msg(LOG_WARN, "report: graphviz layout failed; nodes are "
				  "drawn on a circle");
		circle_layout(g);
	}
	return g;
}

void rpt_graph_free(struct rpt_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		free(g->nodes[i].label);
	free(g->nodes);
	free(g->edges);
	free(g);
}

/* ---- drawing ------------------------------------------------------------ */

static void draw_node(struct rpt_doc *d, const struct gnode *n)
{
	cairo_t *cr = d->cr;
	unsigned fill = n->listing ? 0xf7f7f7 : kind_colors[n->kind].fill;
	unsigned stroke = n->listing ? (n->flagged ? 0xb00000 : 0x424242)
				     : kind_colors[n->kind].stroke;
	double th = rpt_text_height(d, RS_TINY, -1, 0, n->label);

	cairo_new_path(cr); /* text leaves a current point behind */
	cairo_save(cr);
	cairo_translate(cr, n->x, n->y);
	if (n->listing) {
		cairo_rectangle(cr, -n->w / 2, -n->h / 2, n->w, n->h);
	} else {
		cairo_scale(cr, n->w / 2, n->h / 2);
		cairo_arc(cr, 0, 0, 1, 0, 2 * G_PI);
	}
	cairo_restore(cr);
	rpt_rgb(d, fill);
	cairo_fill_preserve(cr);
	rpt_rgb(d, stroke);
	cairo_set_line_width(cr, n->listing && n->flagged ? 1.0 : 0.6);
	cairo_stroke(cr);
	/* one line per paragraph: a listing's "#no\nplatform" keeps both */
	rpt_text_align(d, n->x - n->w / 2, n->y - th / 2, n->w, RS_TINY,
		       PANGO_ALIGN_CENTER, n->label);
}

static void draw_graph(struct rpt_doc *d, const struct rpt_graph *g, double x,
		       double y, double s)
{
	cairo_t *cr = d->cr;

	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, s, s);
	pango_cairo_update_context(cr, d->pango);
	for (size_t i = 0; i < g->ne; i++) {
		const struct gnode *a = &g->nodes[g->edges[i][0]];
		const struct gnode *b = &g->nodes[g->edges[i][1]];

		rpt_line(d, a->x, a->y, b->x, b->y, 0.6 / MAX(s, 0.5),
			 0x8a8a8a);
	}
	for (size_t i = 0; i < g->n; i++)
		draw_node(d, &g->nodes[i]);
	cairo_restore(cr);
	pango_cairo_update_context(cr, d->pango);
}

static void legend_item(struct rpt_doc *d, double *x, double y, bool box,
			unsigned fill, unsigned stroke, const char *label)
{
	cairo_t *cr = d->cr;

	cairo_new_path(cr);
	if (box) {
		cairo_rectangle(cr, *x, y + 1, 14, 8);
	} else {
		cairo_save(cr);
		cairo_translate(cr, *x + 7, y + 5);
		cairo_scale(cr, 7, 4);
		cairo_arc(cr, 0, 0, 1, 0, 2 * G_PI);
		cairo_restore(cr);
	}
	rpt_rgb(d, fill);
	cairo_fill_preserve(cr);
	rpt_rgb(d, stroke);
	cairo_set_line_width(cr, 0.6);
	cairo_stroke(cr);
	*x += 17;
	rpt_text(d, *x, y, 150, RS_TINY, 1, label);
	*x += rpt_text_width(d, RS_TINY, label) + 12;
}

static void legend(struct rpt_doc *d, const struct rpt_graph *g)
{
	bool seen[RPT__KINDS] = {false};
	double x = RPT_LEFT, y = d->y;

	for (size_t i = 0; i < g->n; i++)
		if (!g->nodes[i].listing)
			seen[g->nodes[i].kind] = true;
	legend_item(d, &x, y, true, 0xf7f7f7, 0x424242,
		    "Tautan (#no, platform)");
	legend_item(d, &x, y, true, 0xf7f7f7, 0xb00000,
		    "Tautan dengan pelanggaran");
	for (int k = 0; k < RPT__KINDS; k++) {
		if (!seen[k])
			continue;
		if (x > RPT_LEFT + RPT_WIDTH - 110) {
			x = RPT_LEFT;
			y += 12;
		}
		legend_item(d, &x, y, false, kind_colors[k].fill,
			    kind_colors[k].stroke,
			    rpt_kind_label((enum rpt_kind)k));
	}
	d->y = y + 16;
}

static void graph_note(struct rpt_doc *d, const struct rpt_graph *g)
{
	const struct rpt_actor *a = d->actor;
	size_t all = a->nlistings + a->nidents;
	char note[256];

	if (g->n >= all && g->ne >= a->nedges)
		return;
	snprintf(note, sizeof(note),
		 "Ditampilkan %zu dari %zu simpul (%zu tautan, %zu identitas) "
		 "dan %zu dari %zu sisi; %zu simpul lainnya tidak digambar. "
		 "Identitas yang paling banyak menghubungkan tautan "
		 "didahulukan.",
		 g->n, all, g->nl, g->ni, g->ne, a->nedges, all - g->n);
	rpt_para(d, RS_TINY, note);
}

void rpt_graph_section(struct rpt_doc *d)
{
	const struct rpt_graph *g = d->graph;
	double page = RPT_BODY_BOTTOM - RPT_BODY_TOP - 40 - LEGEND_H;
	double s, w, h, here;

	if (!g) {
		rpt_heading(d, "5. Graf aktor", 20);
		rpt_para(d, RS_BODY, "Tidak ada tautan atau identitas.");
		return;
	}
	/* as large as the width allows, never taller than a page; smaller
	 * to stay on this page while labels stay legible (MIN_SCALE), else
	 * the heading moves to a new page */
	s = MIN(RPT_WIDTH / MAX(g->bw, 1), MAX_SCALE);
	s = MIN(s, page / MAX(g->bh, 1));
	here = (RPT_BODY_BOTTOM - d->y - 40 - LEGEND_H) / MAX(g->bh, 1);
	if (here >= MIN(s, MIN_SCALE))
		s = MIN(s, here);
	rpt_heading(d, "5. Graf aktor", g->bh * s + LEGEND_H);
	w = g->bw * s;
	h = g->bh * s;
	draw_graph(d, g, RPT_LEFT + (RPT_WIDTH - w) / 2, d->y + 4, s);
	d->y += h + 12;
	legend(d, g);
	graph_note(d, g);
}
