/*
 * report.c - report_profile_pdf(): the actor JSON in, the Dokumen
 * Profiling out.
 *
 * "Halaman X dari Y" needs Y before page 1 is drawn, so the document is
 * rendered twice with the same fonts and metrics: a first pass into a PDF
 * surface that discards its bytes counts the pages (and lays the graph
 * out once, for both passes), the second writes the file.  The file is
 * written under a temporary name (mkstemp, so mode 0600: the document is
 * "Rahasia") and renamed into place only when complete.
 */
#include "report/report_int.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sink {
	FILE *f;
	int err;
};

static cairo_status_t discard(void *closure, const unsigned char *data,
			      unsigned int len)
{
	return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t to_file(void *closure, const unsigned char *data,
			      unsigned int len)
{
	struct sink *s = closure;

	if (fwrite(data, 1, len, s->f) != len) {
		s->err = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

static void render(struct rpt_doc *d)
{
	rpt_new_page(d);
	rpt_title_block(d);
	rpt_summary(d);
	rpt_identities(d);
	rpt_listings_table(d);
	rpt_timeline(d);
	rpt_graph_section(d);
	rpt_merges(d);
	rpt_closing(d);
}

/* First pass: the page count, and the graph layout for both passes. */
static int count_pages(const struct rpt_actor *a, struct rpt_graph **graph,
		       int *npages)
{
	struct rpt_doc d;
	int rc;

	rpt_doc_init(&d,
		     cairo_pdf_surface_create_for_stream(
			     discard, NULL, RPT_PAGE_W, RPT_PAGE_H),
		     a);
	d.dry = true;
	*graph = d.graph = rpt_graph_layout(&d);
	render(&d);
	*npages = d.page;
	rc = rpt_doc_finish(&d);
	rpt_doc_release(&d);
	return rc;
}

static void set_metadata(cairo_surface_t *s, const struct rpt_actor *a)
{
	char *title = xasprintf("Dokumen Profiling \u2014 Aktor %s", a->id);
	char date[32];

	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR,
				       "Badan Pengawas Obat dan Makanan");
	cairo_pdf_surface_set_metadata(
		s, CAIRO_PDF_METADATA_SUBJECT,
		"Dokumen profiling kejahatan obat dan makanan daring "
		"(Sifat: Rahasia)");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
				       "patroli");
	/* The document's date is the actor's, not the clock's: rendering
	 * the same JSON again gives the same file. */
	if (a->generated_at != RPT_NO_TIME) {
		rpt_fmt_iso(a->generated_at, date);
		cairo_pdf_surface_set_metadata(
			s, CAIRO_PDF_METADATA_CREATE_DATE, date);
	}
	free(title);
}

/* Second pass into the open temporary file. */
static int write_pass(const struct rpt_actor *a, struct rpt_graph *graph,
		      int npages, FILE *f, const char *out_path)
{
	struct sink sink = {f, 0};
	cairo_surface_t *s;
	struct rpt_doc d;
	int rc;

	s = cairo_pdf_surface_create_for_stream(to_file, &sink, RPT_PAGE_W,
						RPT_PAGE_H);
	set_metadata(s, a);
	rpt_doc_init(&d, s, a);
	d.graph = graph;
	d.npages = npages;
	d.outline = true;
	render(&d);
	rc = rpt_doc_finish(&d);
	/* deterministic code: a difference is a bug, and every footer's
	 * "Halaman X dari Y" would be wrong */
	if (rc == 0 && d.page != npages)
		rc = log_fail("report: %s: %d pages, first pass counted %d",
			      out_path, d.page, npages);
	rpt_doc_release(&d);
	if (rc == 0 && (fflush(f) || fsync(fileno(f))))
		sink.err = errno;
	if (sink.err)
		return log_fail("report: %s: cannot write: %s", out_path,
				strerror(sink.err));
	return rc ? log_fail("report: %s: PDF not written", out_path) : 0;
}

static int write_file(const struct rpt_actor *a, struct rpt_graph *graph,
		      int npages, const char *out_path)
{
	char *tmp = xasprintf("%s.XXXXXX", out_path);
	int fd = mkstemp(tmp), rc = ERR_FAIL;
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;

	if (!f) {
		log_fail("report: %s: cannot create %s: %s", out_path, tmp,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	rc = write_pass(a, graph, npages, f, out_path);
	if (fclose(f) && rc == 0)
		rc = log_fail("report: %s: cannot write: %s", out_path,
			      strerror(errno));
	if (rc == 0 && rename(tmp, out_path))
		rc = log_fail("report: %s: cannot rename %s into place: %s",
			      out_path, tmp, strerror(errno));
out:
	if (rc && fd >= 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int report_profile_pdf(const char *actor_json, const char *out_path)
{
	struct rpt_graph *graph = NULL;
	struct rpt_actor a;
	char err[256];
	int rc, npages = 0;

	if (!actor_json || !out_path)
		return log_fail("report: %s: no actor JSON",
				out_path ? out_path : "(no path)");
	rc = rpt_actor_parse(actor_json, &a, err, sizeof(err));
	if (rc) {
		log_msg(LOG_ERROR, "report: %s: %s", out_path, err);
		return rc;
	}
	rc = count_pages(&a, &graph, &npages);
	if (rc == 0)
		rc = write_file(&a, graph, npages, out_path);
	else
		log_msg(LOG_ERROR, "report: %s: layout pass failed", out_path);
	rpt_graph_free(graph);
	rpt_actor_release(&a);
	return rc;
}

/*
 * Leak checking: fontconfig (through pango) loses a few hundred bytes
 * once per process while parsing the system's configuration, which no
 * caller can free.  AddressSanitizer builds read this hook; other builds
 * never call it.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

/* ... and without a "Suppressions used" table on every exit. */
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
