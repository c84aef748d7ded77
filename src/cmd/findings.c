/*
 * findings.c - `patroli findings export|summary`: what officers open.
 *
 * JSONL is the script interface (one object per analysed page, stable
 * keys); CSV and XLSX are for people: one row per listing, Indonesian
 * column names, and in the workbook hyperlinks, filters and a frozen
 * header.  `summary` is what `make demo` ends with.
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <xlsxwriter.h>

#include "store/store.h"

/* ---- rows --------------------------------------------------------------- */

/* The human-readable columns: header (Bahasa Indonesia) and how to get the
 * value out of a finding's JSON. */
enum col_kind { C_STR, C_NUM, C_LIST, C_URL, C_REASONS, C_EVIDENCE };
struct column {
	const char *header;
	const char *key;
	enum col_kind kind;
	double width;
};

static const struct column columns[] = {
	{"Risiko", "risk", C_NUM, 8},
	{"Pelanggaran", "violations", C_LIST, 28},
	{"Komoditas", "commodity", C_STR, 16},
	{"Platform", "platform", C_STR, 14},
	{"Judul Produk", "title", C_STR, 40},
	{"Penjual", "seller", C_STR, 22},
	{"Harga", "price", C_NUM, 12},
	{"NIE", "nie", C_LIST, 20},
	{"Alasan", "reasons", C_REASONS, 60},
	{"Tautan", "canonical_url", C_URL, 50},
	{"Tautan Penjual", "seller_url", C_URL, 30},
	{"Waktu Pengambilan (UTC)", "fetched_at", C_EVIDENCE, 22},
	{"SHA-256", "sha256", C_EVIDENCE, 30},
	{"Berkas WARC", "warc_file", C_EVIDENCE, 30},
};

/* Text of one cell; the caller frees. */
static char *cell(const json_t *j, const struct column *col)
{
	const json_t *v = json_object_get(j, col->key);
	struct buf b = BUF_INIT;
	size_t i;
	json_t *x;

	if (col->kind == C_EVIDENCE)
		v = json_object_get(json_object_get(j, "evidence"), col->key);
	switch (col->kind) {
	case C_LIST:
		json_array_foreach(v, i, x) buf_printf(
			&b, "%s%s", i ? ", " : "",
			json_string_value(x) ? json_string_value(x) : "");
		break;
	case C_REASONS:
		json_array_foreach(v, i, x) buf_printf(
			&b, "%s%s: %s (%s)", i ? "; " : "",
			json_string_value(json_object_get(x, "code")),
			json_string_value(json_object_get(x, "snippet")),
			json_string_value(json_object_get(x, "rule")));
		break;
	case C_NUM:
		if (json_is_number(v))
			buf_printf(&b, "%.0f", json_number_value(v));
		break;
	default:
		if (json_is_string(v))
			buf_puts(&b, json_string_value(v));
		else if (json_is_integer(v))
			buf_printf(&b, "%lld",
				   (long long)json_integer_value(v));
	}
	return buf_detach(&b, NULL);
}

struct exporter {
	FILE *out;
	const char *fmt;
	bool listings_only;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *wrap, *link, *bold;
	lxw_row_t row;
	int64_t n;
};

static void csv_field(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void xlsx_row(struct exporter *e, const json_t *j)
{
	for (size_t c = 0; c < ARRAY_LEN(columns); c++) {
		char *v = cell(j, &columns[c]);
		lxw_col_t col = (lxw_col_t)c;

		if (columns[c].kind == C_NUM && *v)
			worksheet_write_number(e->ws, e->row, col, atof(v),
					       NULL);
		else if (columns[c].kind == C_URL && *v && strlen(v) < 2080 &&
			 !strncmp(v, "http", 4))
			worksheet_write_url(e->ws, e->row, col, v, e->link);
		else if (*v)
			worksheet_write_string(e->ws, e->row, col, v, e->wrap);
		free(v);
	}
	e->row++;
}

static int one_finding(void *arg, const struct store_finding *f)
{
	struct exporter *e = arg;
	json_error_t err;
	json_t *j;

	if (e->listings_only && !f->is_listing)
		return 0;
	if (!strcmp(e->fmt, "jsonl")) {
		fputs(f->data, e->out);
		fputc('\n', e->out);
		e->n++;
		return ferror(e->out) ? ERR_FAIL : 0;
	}
	j = json_loads(f->data, 0, &err);
	if (!j)
		return log_fail("finding %s: stored JSON unreadable: %s",
				f->canonical_url, err.text);
	if (!strcmp(e->fmt, "csv")) {
		for (size_t c = 0; c < ARRAY_LEN(columns); c++) {
			char *v = cell(j, &columns[c]);
			if (c)
				fputc(',', e->out);
			csv_field(e->out, v);
			free(v);
		}
		fputs("\r\n", e->out);
	} else {
		xlsx_row(e, j);
	}
	e->n++;
	json_decref(j);
	return 0;
}

static int xlsx_open(struct exporter *e, const char *path)
{
	e->wb = workbook_new(path);
	if (!e->wb)
		return log_fail("%s: cannot create workbook", path);
	e->ws = workbook_add_worksheet(e->wb, "Temuan");
	e->wrap = workbook_add_format(e->wb);
	format_set_text_wrap(e->wrap);
	format_set_align(e->wrap, LXW_ALIGN_VERTICAL_TOP);
	e->link = workbook_get_default_url_format(e->wb);
	e->bold = workbook_add_format(e->wb);
	format_set_bold(e->bold);
	format_set_bg_color(e->bold, 0xDDEBF7);
	for (size_t c = 0; c < ARRAY_LEN(columns); c++) {
		worksheet_write_string(e->ws, 0, (lxw_col_t)c,
				       columns[c].header, e->bold);
		worksheet_set_column(e->ws, (lxw_col_t)c, (lxw_col_t)c,
				     columns[c].width, NULL);
	}
	worksheet_freeze_panes(e->ws, 1, 0);
	e->row = 1;
	return 0;
}

static int xlsx_close(struct exporter *e, const char *path)
{
	lxw_error err;

	worksheet_autofilter(e->ws, 0, 0, e->row > 1 ? e->row - 1 : 1,
			     (lxw_col_t)(ARRAY_LEN(columns) - 1));
	err = workbook_close(e->wb);
	if (err != LXW_NO_ERROR)
		return log_fail("%s: %s", path, lxw_strerror(err));
	return 0;
}

static int export_run(struct cmd_ctx *c)
{
	struct exporter e = {.out = stdout};
	const char *path = cmd_str(c, "out", NULL);
	int rc;

	e.fmt = cmd_str(c, "format", "jsonl");
	e.listings_only = strcmp(e.fmt, "jsonl") || cmd_flag(c, "listings");
	if (strcmp(e.fmt, "jsonl") && strcmp(e.fmt, "csv") &&
	    strcmp(e.fmt, "xlsx"))
		return cmd_usage_error(c,
				       "unknown --format '%s' (jsonl, csv, "
				       "xlsx)",
				       e.fmt);
	if (!strcmp(e.fmt, "xlsx") && !path)
		return cmd_usage_error(c, "--format xlsx needs --out FILE");
	if (!strcmp(e.fmt, "xlsx")) {
		if (xlsx_open(&e, path))
			return 1;
	} else if (path && !(e.out = fopen(path, "w"))) {
		log_fail("%s: %s", path, strerror(errno));
		return 1;
	}
	if (!strcmp(e.fmt, "csv")) {
		fputs("\xEF\xBB\xBF", e.out); /* BOM: Excel reads UTF-8 */
		for (size_t i = 0; i < ARRAY_LEN(columns); i++) {
			if (i)
				fputc(',', e.out);
			csv_field(e.out, columns[i].header);
		}
		fputs("\r\n", e.out);
	}
	rc = store_finding_each(cmd_store(c), one_finding, &e);
	if (!strcmp(e.fmt, "xlsx")) {
		if (xlsx_close(&e, path))
			rc = ERR_FAIL;
	} else if (fflush(e.out) || (path && fclose(e.out))) {
		rc = log_fail("%s: write error", path ? path : "stdout");
	}
	if (!rc && path)
		fprintf(stderr, "%lld findings written to %s\n", (long long)e.n,
			path);
	return rc ? 1 : 0;
}

static const struct cmd_opt export_opts[] = {
	{"format", OPT_STR, "FMT",
	 "jsonl (default, every analysed page), "
	 "csv or xlsx (listings only)"},
	{"out", OPT_STR, "FILE", "write here (required for xlsx)"},
	{"listings", OPT_FLAG, NULL, "jsonl: listings only"},
	{0},
};

static const struct cmd findings_export = {
	.name = "export",
	.summary = "findings as JSON lines, CSV or an Excel workbook",
	.opts = export_opts,
	.max_args = 0,
	.run = export_run,
};

/* ---- summary ------------------------------------------------------------- */

#define TOP 10

struct tally {
	struct {
		char name[32];
		int64_t n;
	} codes[16], commodities[16], platforms[32];
	size_t ncodes, ncomm, nplat;
	int64_t pages, listings, flagged;
	struct buf top;
	int ntop;
};

static void count(void *arr, size_t *n, size_t max, const char *name)
{
	struct {
		char name[32];
		int64_t n;
	} *a = arr;
	size_t i;

	if (!name || !*name)
		name = "-";
	for (i = 0; i < *n; i++)
		if (!strcmp(a[i].name, name)) {
			a[i].n++;
			return;
		}
	if (*n < max) {
		snprintf(a[*n].name, sizeof(a[*n].name), "%s", name);
		a[(*n)++].n = 1;
	}
}

static int tally_one(void *arg, const struct store_finding *f)
{
	struct tally *t = arg;
	json_t *j;

	t->pages++;
	if (!f->is_listing)
		return 0;
	t->listings++;
	count(t->commodities, &t->ncomm, ARRAY_LEN(t->commodities),
	      f->commodity);
	count(t->platforms, &t->nplat, ARRAY_LEN(t->platforms), f->platform);
	if (!*f->violations)
		return 0;
	t->flagged++;
	for (const char *p = f->violations; *p;) {
		size_t n = strcspn(p, " ");
		char code[32];
		snprintf(code, sizeof(code), "%.*s", (int)MIN(n, 31), p);
		count(t->codes, &t->ncodes, ARRAY_LEN(t->codes), code);
		p += n;
		while (*p == ' ')
			p++;
	}
	/* findings come highest risk first */
	if (t->ntop < TOP && (j = json_loads(f->data, 0, NULL))) {
		size_t i;
		json_t *r;
		const char *title =
			json_string_value(json_object_get(j, "title"));

		buf_printf(&t->top, "%2d. risiko %3d  %s\n    %s\n", ++t->ntop,
			   f->risk, title ? title : "(tanpa judul)",
			   f->canonical_url);
		json_array_foreach(json_object_get(j, "reasons"), i, r)
		{
			if (i >= 4)
				break;
			buf_printf(
				&t->top, "    - %s: \"%s\"\n",
				json_string_value(json_object_get(r, "code")),
				json_string_value(
					json_object_get(r, "snippet")));
		}
		json_decref(j);
	}
	return 0;
}

static void print_counts(const char *title, void *arr, size_t n)
{
	struct {
		char name[32];
		int64_t n;
	} *a = arr;

	printf("%s\n", title);
	for (size_t i = 0; i < n; i++)
		printf("  %-22s %6lld\n", a[i].name, (long long)a[i].n);
}

static int summary_run(struct cmd_ctx *c)
{
	struct tally t = {0};

	if (store_finding_each(cmd_store(c), tally_one, &t))
		return 1;
	printf("Ringkasan temuan: %lld halaman dianalisis, %lld listing, "
	       "%lld melanggar\n\n",
	       (long long)t.pages, (long long)t.listings, (long long)t.flagged);
	print_counts("Per kode pelanggaran:", t.codes, t.ncodes);
	print_counts("Per komoditas (listing):", t.commodities, t.ncomm);
	print_counts("Per platform (listing):", t.platforms, t.nplat);
	printf("\n%d listing dengan risiko tertinggi:\n%s", t.ntop,
	       t.top.len ? t.top.p : "");
	buf_release(&t.top);
	return 0;
}

static const struct cmd findings_summary = {
	.name = "summary",
	.summary = "counts per violation, commodity and platform; top risks",
	.max_args = 0,
	.run = summary_run,
};

static const struct cmd *const findings_subs[] = {&findings_export,
						  &findings_summary, NULL};

const struct cmd cmd_findings = {
	.name = "findings",
	.summary = "the analysed listings and their violations",
	.subs = findings_subs,
};
