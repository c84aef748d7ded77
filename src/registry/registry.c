/*
 * registry.c - registry CSV import, NIE verdicts and product matching
 * (registry.h).
 *
 * The CSV reader works on the whole file mapped in memory and never copies
 * a field that needs no unquoting.  Errors resynchronise at the physical
 * line after the start of the bad record, so an unterminated quote costs
 * one row, not the rest of the file.  Rows are handed to the store in
 * chunks (store_registry_put batches them into multi-row upserts) inside a
 * transaction committed every REG_COMMIT rows.
 */
#include "registry/registry.h"

#include <stdarg.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detect/norm.h"

#define REG_CHUNK      1024   /* rows handed to the store at once */
#define REG_COMMIT     200000 /* rows per transaction */
#define CSV_MAX_FIELD  65536  /* a registry field is a name, not a book */
#define CSV_MAX_FIELDS 32

const char *verdict_name(enum nie_verdict v)
{
	static const char *const names[] = {"valid", "malformed", "unknown",
					    "revoked", "expired"};

	return (unsigned)v < ARRAY_LEN(names) ? names[v] : "?";
}

/* ---- CSV ------------------------------------------------------------- */

struct csv {
	const char *p, *end;
	int64_t line;  /* physical line of p, 1-based */
	struct buf fb; /* unquoted field bytes, NUL-separated */
	size_t off[CSV_MAX_FIELDS];
	size_t len[CSV_MAX_FIELDS];
	int nf; /* fields in the record (may exceed CSV_MAX_FIELDS) */
	char err[128];
};

static void csv_field_end(struct csv *c, size_t start)
{
	if (c->nf < CSV_MAX_FIELDS) {
		c->off[c->nf] = start;
		c->len[c->nf] = c->fb.len - start;
	}
	c->nf++;
	buf_putc(&c->fb, '\0');
}

static const char *csv_field(const struct csv *c, int i)
{
	return c->fb.p + c->off[i];
}

/* Skip to the start of the line after `from`. */
static void csv_resync(struct csv *c, const char *from, int64_t line)
{
	const char *nl = memchr(from, '\n', (size_t)(c->end - from));

	c->p = nl ? nl + 1 : c->end;
	c->line = line + 1;
}

/* Read one record.  1: record ready, 0: end of input, ERR_INPUT: a bad
 * record (c->err says why, *rec_line where it started; the reader has moved
 * past it). */
static int csv_next(struct csv *c, int64_t *rec_line)
{
	const char *start;
	int64_t line0;

	/* Blank lines are not records. */
	while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
		if (*c->p == '\n')
			c->line++;
		c->p++;
	}
	if (c->p >= c->end)
		return 0;
	start = c->p;
	line0 = c->line;
	*rec_line = line0;
	buf_reset(&c->fb);
	c->nf = 0;
	for (;;) {
		size_t fstart = c->fb.len;
		const char *p = c->p;

		if (p < c->end && *p == '"') {
			p++;
			for (;;) {
				if (p >= c->end) {
					snprintf(c->err, sizeof(c->err),
						 "unterminated quoted field");
					goto bad;
				}
				if (*p == '"') {
					if (p + 1 < c->end && p[1] == '"') {
						buf_putc(&c->fb, '"');
						p += 2;
						continue;
					}
					p++;
					break;
				}
				if (*p == '\n')
					c->line++;
				buf_putc(&c->fb, *p++);
				if (c->fb.len - fstart > CSV_MAX_FIELD) {
					snprintf(c->err, sizeof(c->err),
						 "field longer than %d bytes",
						 CSV_MAX_FIELD);
					goto bad;
				}
			}
			if (p < c->end && *p != ',' && *p != '\n' &&
			    !(*p == '\r' &&
			      (p + 1 == c->end || p[1] == '\n'))) {
				snprintf(c->err, sizeof(c->err),
					 "text after a closing quote");
				goto bad;
			}
		} else {
			const char *q = p;
			while (q < c->end && *q != ',' && *q != '\n') {
				if (*q == '"') {
					snprintf(c->err, sizeof(c->err),
						 "quote inside an unquoted "
						 "field");
					goto bad;
				}
				q++;
			}
			size_t n = (size_t)(q - p);
			if (n && q[-1] == '\r' && (q == c->end || *q == '\n'))
				n--;
			if (n > CSV_MAX_FIELD) {
				snprintf(c->err, sizeof(c->err),
					 "field longer than %d bytes",
					 CSV_MAX_FIELD);
				goto bad;
			}
			buf_append(&c->fb, p, n);
			p = q;
		}
		csv_field_end(c, fstart);
		if (p < c->end && *p == '\r')
			p++;
		if (p < c->end && *p == ',') {
			c->p = p + 1;
			continue;
		}
		if (p < c->end && *p == '\n') {
			p++;
			c->line++;
		}
		c->p = p;
		return 1;
	}
bad:
	csv_resync(c, start, line0);
	return ERR_INPUT;
}

/* ---- row validation ---------------------------------------------------- */

enum col {
	C_NIE,
	C_NAME,
	C_BRAND,
	C_COMMODITY,
	C_HOLDER,
	C_STATUS,
	C_UNTIL,
	C__N
};
static const char *const col_names[C__N] = {
	"nie",	  "product_name", "brand",	"commodity",
	"holder", "status",	  "valid_until"};

static struct slice trimmed(const char *s)
{
	return slice_trim(slice_from(s));
}

static bool valid_date(struct slice s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (s.n != 10 || s.p[4] != '-' || s.p[7] != '-')
		return false;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s.p[i]))
			return false;
	y = (s.p[0] - '0') * 1000 + (s.p[1] - '0') * 100 + (s.p[2] - '0') * 10 +
	    (s.p[3] - '0');
	m = (s.p[5] - '0') * 10 + (s.p[6] - '0');
	d = (s.p[8] - '0') * 10 + (s.p[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 || y % 400 == 0)))
		return false;
	return true;
}

/* Rows waiting for the store, with their strings in one arena. */
struct pending {
	struct store_registry_row rows[REG_CHUNK];
	size_t off[REG_CHUNK][8];
	size_t n;
	struct buf arena;
};

static size_t keep(struct pending *pd, struct slice s)
{
	size_t off = pd->arena.len;

	buf_append(&pd->arena, s.p, s.n);
	buf_putc(&pd->arena, '\0');
	return off;
}

static int pending_flush(struct store *st, struct pending *pd)
{
	int rc;

	/* The arena may have moved while it grew: resolve offsets now. */
	for (size_t i = 0; i < pd->n; i++) {
		const char **f[] = {
			&pd->rows[i].nie,	   &pd->rows[i].nie_display,
			&pd->rows[i].product_name, &pd->rows[i].brand,
			&pd->rows[i].commodity,	   &pd->rows[i].holder,
			&pd->rows[i].status,	   &pd->rows[i].valid_until};
		for (size_t k = 0; k < ARRAY_LEN(f); k++)
			*f[k] = pd->off[i][k] == SIZE_MAX
					? NULL
					: pd->arena.p + pd->off[i][k];
	}
	rc = pd->n ? store_registry_put(st, pd->rows, pd->n) : 0;
	pd->n = 0;
	buf_reset(&pd->arena);
	return rc;
}

struct importer {
	const char *name;
	FILE *errs;
	size_t max_errs, nerrs;
	int col[C__N];
	int ncols;
};

static void report(struct importer *im, int64_t line, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
static void report(struct importer *im, int64_t line, const char *fmt, ...)
{
	va_list ap;

	im->nerrs++;
	if (!im->errs || (im->max_errs && im->nerrs > im->max_errs))
		return;
	fprintf(im->errs, "%s:%lld: ", im->name, (long long)line);
	va_start(ap, fmt);
	vfprintf(im->errs, fmt, ap);
	va_end(ap);
	fputc('\n', im->errs);
}

static int read_header(struct importer *im, struct csv *c)
{
	int64_t line = 1;
	int rc = csv_next(c, &line);

	if (rc <= 0) {
		report(im, line, "%s", rc ? c->err : "empty file, no header");
		return ERR_INPUT;
	}
	for (int k = 0; k < C__N; k++)
		im->col[k] = -1;
	for (int i = 0; i < MIN(c->nf, CSV_MAX_FIELDS); i++) {
		struct slice h = trimmed(csv_field(c, i));
		for (int k = 0; k < C__N; k++)
			if (slice_eq_ci(h, col_names[k])) {
				if (im->col[k] >= 0) {
					report(im, line,
					       "column '%s' appears twice",
					       col_names[k]);
					return ERR_INPUT;
				}
				im->col[k] = i;
			}
	}
	for (int k = 0; k < C__N; k++)
		if (im->col[k] < 0) {
			report(im, line,
			       "header lacks column '%s' (want "
			       "nie,product_name,brand,commodity,holder,"
			       "status,valid_until)",
			       col_names[k]);
			return ERR_INPUT;
		}
	im->ncols = c->nf;
	return 0;
}

/* Validate one record and queue it; false (reported) when bad. */
static bool take_row(struct importer *im, struct csv *c, int64_t line,
		     struct pending *pd)
{
	struct slice f[C__N];
	struct nie_match m;
	enum commodity com;
	char status[16];
	size_t n = pd->n;

	if (c->nf != im->ncols) {
		report(im, line, "%d fields, the header has %d", c->nf,
		       im->ncols);
		return false;
	}
	for (int k = 0; k < C__N; k++)
		f[k] = trimmed(csv_field(c, im->col[k]));
	if (!f[C_NIE].n) {
		report(im, line, "empty nie");
		return false;
	}
	if (nie_parse(f[C_NIE].p, f[C_NIE].n, &m) || !m.format_ok) {
		report(im, line, "'%.*s' is not a well-formed NIE",
		       (int)MIN(f[C_NIE].n, 60), f[C_NIE].p);
		return false;
	}
	if (!f[C_NAME].n) {
		report(im, line, "empty product_name");
		return false;
	}
	/* commodity: canonical spelling, case and "obat tradisional"
	 * spelled with a space tolerated */
	{
		char cb[32];
		size_t k;
		for (k = 0; k < f[C_COMMODITY].n && k < sizeof(cb) - 1; k++) {
			char ch = (char)tolower(
				(unsigned char)f[C_COMMODITY].p[k]);
			cb[k] = ch == ' ' ? '_' : ch;
		}
		if (f[C_COMMODITY].n >= sizeof(cb) ||
		    commodity_parse(cb, k, &com) || com == COM_OTHER) {
			report(im, line, "unknown commodity '%.*s'",
			       (int)MIN(f[C_COMMODITY].n, 40),
			       f[C_COMMODITY].p);
			return false;
		}
	}
	{
		size_t k;
		for (k = 0; k < f[C_STATUS].n && k < sizeof(status) - 1; k++)
			status[k] =
				(char)tolower((unsigned char)f[C_STATUS].p[k]);
		status[k] = '\0';
		if (f[C_STATUS].n >= sizeof(status) ||
		    (strcmp(status, "active") && strcmp(status, "revoked") &&
		     strcmp(status, "expired"))) {
			report(im, line,
			       "bad status '%.*s' (active, revoked or "
			       "expired)",
			       (int)MIN(f[C_STATUS].n, 40), f[C_STATUS].p);
			return false;
		}
	}
	if (f[C_UNTIL].n && !valid_date(f[C_UNTIL])) {
		report(im, line, "bad valid_until '%.*s' (YYYY-MM-DD)",
		       (int)MIN(f[C_UNTIL].n, 40), f[C_UNTIL].p);
		return false;
	}
	pd->off[n][0] = keep(pd, slice_from(m.norm));
	pd->off[n][1] = keep(pd, f[C_NIE]);
	pd->off[n][2] = keep(pd, f[C_NAME]);
	pd->off[n][3] = f[C_BRAND].n ? keep(pd, f[C_BRAND]) : SIZE_MAX;
	pd->off[n][4] = keep(pd, slice_from(commodity_name(com)));
	pd->off[n][5] = f[C_HOLDER].n ? keep(pd, f[C_HOLDER]) : SIZE_MAX;
	pd->off[n][6] = keep(pd, slice_from(status));
	pd->off[n][7] = f[C_UNTIL].n ? keep(pd, f[C_UNTIL]) : SIZE_MAX;
	pd->n++;
	return true;
}

int registry_import_mem(struct store *st, const char *name, const char *data,
			size_t len, FILE *errs, size_t max_errs,
			struct registry_import_stats *stats)
{
	struct importer im = {.name = name, .errs = errs, .max_errs = max_errs};
	struct csv c = {.p = data, .end = data + len, .line = 1};
	struct pending *pd = xcalloc(1, sizeof(*pd));
	int64_t since_commit = 0, line = 0;
	int rc, r;
	bool tx = false;

	memset(stats, 0, sizeof(*stats));
	buf_init(&c.fb, 0);
	buf_init(&pd->arena, 0);
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		c.p += 3;
	if ((rc = read_header(&im, &c)))
		goto out;
	if ((rc = store_begin(st)))
		goto out;
	tx = true;
	while ((r = csv_next(&c, &line)) != 0) {
		if (r < 0) {
			report(&im, line, "%s", c.err);
			stats->rows++;
			stats->skipped++;
			continue;
		}
		stats->rows++;
		if (!take_row(&im, &c, line, pd)) {
			stats->skipped++;
			continue;
		}
		stats->imported++;
		if (pd->n == REG_CHUNK) {
			if ((rc = pending_flush(st, pd)))
				goto out;
			since_commit += REG_CHUNK;
		}
		if (since_commit >= REG_COMMIT) {
			/* Bound the journal of a huge import. */
			if ((rc = store_commit(st)) || (rc = store_begin(st))) {
				tx = false;
				goto out;
			}
			since_commit = 0;
		}
	}
	if ((rc = pending_flush(st, pd)))
		goto out;
	tx = false;
	rc = store_commit(st);
out:
	if (tx)
		store_rollback(st);
	if (im.errs && im.max_errs && im.nerrs > im.max_errs)
		fprintf(im.errs, "%s: %zu more errors not shown\n", name,
			im.nerrs - im.max_errs);
	buf_release(&c.fb);
	buf_release(&pd->arena);
	free(pd);
	return rc;
}

int registry_import_file(struct store *st, const char *path, FILE *errs,
			 size_t max_errs, struct registry_import_stats *stats)
{
	struct stat sb;
	void *map = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	memset(stats, 0, sizeof(*stats));
	if (fd < 0)
		return log_fail("%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0) {
		rc = log_fail("%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = log_fail("%s: not a regular file", path);
		goto out;
	}
	if (sb.st_size == 0) {
		rc = registry_import_mem(st, path, "", 0, errs, max_errs,
					 stats);
		goto out;
	}
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		map = NULL;
		rc = log_fail("%s: mmap: %s", path, strerror(errno));
		goto out;
	}
	madvise(map, (size_t)sb.st_size, MADV_SEQUENTIAL);
	rc = registry_import_mem(st, path, map, (size_t)sb.st_size, errs,
				 max_errs, stats);
out:
	if (map)
		munmap(map, (size_t)sb.st_size);
	close(fd);
	return rc;
}

/* ---- verdicts ------------------------------------------------------------ */

enum nie_verdict registry_verdict(const struct nie_match *m,
				  const struct store_registry_row *row,
				  int64_t now_ms)
{
	char today[32];

	if (!m->format_ok)
		return VERDICT_MALFORMED;
	if (!row)
		return VERDICT_UNKNOWN;
	if (row->status && !strcmp(row->status, "revoked"))
		return VERDICT_REVOKED;
	if (row->status && !strcmp(row->status, "expired"))
		return VERDICT_EXPIRED;
	/* BPOM dates are Jakarta dates: a number valid until 2025-05-15 is
	 * valid through that day in WIB. */
	time_rfc3339(now_ms + 7 * 3600 * 1000LL, today);
	if (row->valid_until && strlen(row->valid_until) == 10 &&
	    strncmp(row->valid_until, today, 10) < 0)
		return VERDICT_EXPIRED;
	return VERDICT_VALID;
}

/* ---- product matching ------------------------------------------------- */

/* Words that say nothing about which product a number belongs to. */
static bool filler_word(const char *w, size_t n)
{
	static const char *const stop[] = {
		"tablet",    "tab",	 "kaplet",  "kapsul", "kapsl",
		"caps",	     "sirup",	 "sirop",   "syrup",  "botol",
		"sachet",    "isi",	 "dan",	    "plus",   "extra",
		"ekstra",    "gold",	 "premium", "forte",  "spesial",
		"special",   "original", "ori",	    "herbal", "hcl",
		"salep",     "krim",	 "cream",   "cair",   "serbuk",
		"bubuk",     "strip",	 "box",	    "pot",    "tube",
		"pack",	     "mg",	 "mcg",	    "ml",     "gr",
		"g",	     "the",	 "rasa",    "food",   "lab",
		"beauty",    "skin",	 "care",    "health", "nutri",
		"vita",	     "farma",	 "pharma",  "medika", "alami",
		"nusantara", "skincare", "glow",    "snack",  "kopi",
	};
	for (size_t i = 0; i < ARRAY_LEN(stop); i++)
		if (strlen(stop[i]) == n && !memcmp(stop[i], w, n))
			return true;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)w[i]) && w[i] != ',' && w[i] != '.')
			return false;
	return true; /* a number */
}

/* Whether `word` occurs as a whole word in normalised `hay`. */
static bool has_word(const char *hay, const char *w, size_t n)
{
	const char *p = hay, *end = hay + strlen(hay);

	if (!n)
		return true;
	while (p < end) {
		const char *q = memmem(p, (size_t)(end - p), w, n);
		if (!q)
			return false;
		if ((q == hay || !isalnum((unsigned char)q[-1])) &&
		    !isalnum((unsigned char)q[n]))
			return true;
		p = q + 1;
	}
	return false;
}

/* Iterate the words of normalised text: letters/digits runs. */
static const char *next_word(const char *p, size_t *n)
{
	while (*p && !isalnum((unsigned char)*p))
		p++;
	*n = 0;
	while (isalnum((unsigned char)p[*n]))
		(*n)++;
	return *n ? p : NULL;
}

struct strength {
	double v;
	char unit[4]; /* mg mcg g ml % iu */
};

/* Strengths stated in normalised text: "500 mg", "0,5mg", "200 mcg". */
static size_t strengths(const char *s, struct strength *out, size_t max,
			bool mass_only)
{
	size_t n = 0;

	for (const char *p = s; *p && n < max; p++) {
		if (!isdigit((unsigned char)*p) ||
		    (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == ',' ||
			       p[-1] == '.')))
			continue;
		char num[32];
		size_t k = 0;
		const char *q = p;
		while ((isdigit((unsigned char)*q) || *q == ',' || *q == '.') &&
		       k < sizeof(num) - 1) {
			num[k++] = *q == ',' ? '.' : *q;
			q++;
		}
		num[k] = '\0';
		while (*q == ' ')
			q++;
		const char *units[] = {"mcg", "mg", "ml", "iu", "gr", "g", "%"};
		for (size_t u = 0; u < ARRAY_LEN(units); u++) {
			size_t ul = strlen(units[u]);
			if (strncmp(q, units[u], ul) ||
			    isalnum((unsigned char)q[ul]))
				continue;
			if (mass_only && u > 1)
				break;
			out[n].v = strtod(num, NULL);
			snprintf(out[n].unit, sizeof(out[n].unit), "%s",
				 u == 4 ? "g" : units[u]);
			n++;
			break;
		}
		p = q - 1;
	}
	return n;
}

bool registry_mismatch(const struct store_registry_row *row,
		       enum commodity listing_commodity, const char *title,
		       const char *text, struct buf *why)
{
	enum commodity rc = COM_OTHER;
	char *name = NULL, *brand = NULL, *t = NULL, *all = NULL;
	bool bad = false;
	size_t n, want = 0, have = 0;
	const char *w;

	if (row->commodity)
		commodity_parse(row->commodity, strlen(row->commodity), &rc);
	if (listing_commodity != COM_OTHER && rc != COM_OTHER &&
	    rc != listing_commodity) {
		buf_printf(why, "registered as %s, offered as %s",
			   commodity_name(rc),
			   commodity_name(listing_commodity));
		return true;
	}
	if (!strncmp(row->nie, "PIRT", 4) && listing_commodity != COM_OTHER &&
	    listing_commodity != COM_PANGAN) {
		buf_printf(why, "P-IRT number on %s",
			   commodity_name(listing_commodity));
		return true;
	}
	name = norm_string(row->product_name ? row->product_name : "",
			   NORM_DETECT);
	brand = norm_string(row->brand ? row->brand : "", NORM_DETECT);
	t = norm_string(title ? title : "", NORM_DETECT);
	all = norm_string(text ? text : "", NORM_DETECT);
	/* brand: every distinctive word ("Kirana" of "Kirana Medika"),
	 * anywhere in the listing; every word when none is distinctive */
	{
		bool any = false;
		for (const char *p = brand; (w = next_word(p, &n)); p = w + n)
			any = any || !filler_word(w, n);
		for (const char *p = brand; (w = next_word(p, &n)); p = w + n) {
			if (any && filler_word(w, n))
				continue;
			if (has_word(t, w, n) || has_word(all, w, n))
				continue;
			buf_printf(why, "registered to brand '%s'", row->brand);
			bad = true;
			goto out;
		}
	}
	/* product: half of the distinctive words of the name */
	for (const char *p = name; (w = next_word(p, &n)); p = w + n) {
		if (filler_word(w, n) || has_word(brand, w, n))
			continue;
		want++;
		have += has_word(t, w, n) || has_word(all, w, n);
	}
	if (want && have * 2 < want) {
		buf_printf(why, "registered to '%s'", row->product_name);
		bad = true;
		goto out;
	}
	/* strength: what the title states (or the text, in mg / mcg) */
	{
		struct strength rs[8], ls[16];
		size_t nr = strengths(name, rs, ARRAY_LEN(rs), false);
		size_t nl = strengths(t, ls, ARRAY_LEN(ls), false);
		if (!nl)
			nl = strengths(all, ls, ARRAY_LEN(ls), true);
		for (size_t i = 0; i < nr && nl; i++) {
			bool found = false;
			for (size_t j = 0; j < nl && !found; j++)
				found = !strcmp(rs[i].unit, ls[j].unit) &&
					fabs(rs[i].v - ls[j].v) < 1e-9;
			if (!found && strcmp(rs[i].unit, "ml") &&
			    strcmp(rs[i].unit, "g")) {
				buf_printf(why,
					   "registered for strength %g %s "
					   "('%s')",
					   rs[i].v, rs[i].unit,
					   row->product_name);
				bad = true;
				goto out;
			}
		}
	}
out:
	free(name);
	free(brand);
	free(t);
	free(all);
	return bad;
}
