/*
 * findings.c - the analysis results (see store.h "findings").
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

struct pending {
	int64_t *ids;
	size_t n, cap;
};

int store_analyze_pending(struct store *st, bool all,
			  int (*fn)(void *arg, int64_t capture_id,
				    const struct store_capture *c),
			  void *arg)
{
	/* Only successful HTML captures with evidence can be analysed. */
	static const char q_ids[] =
		"SELECT c.id FROM page p JOIN capture c ON c.id = p.capture_id "
		"WHERE c.warc_file IS NOT NULL AND c.error IS NULL AND "
		"c.status >= 200 AND c.status < 300 AND (c.content_type LIKE "
		"'text/html%' OR c.content_type LIKE 'application/xhtml%') AND "
		"($1 = 1 OR NOT EXISTS (SELECT 1 FROM finding f WHERE "
		"f.capture_id = c.id)) ORDER BY c.warc_file, c.warc_offset";
	static const char q_one[] =
		"SELECT " CAPTURE_COLS " FROM capture c JOIN page p ON p.id = "
		"c.page_id WHERE c.id = $1";
	struct db_arg a[] = {A_INT(all)};
	struct pending p = {0};
	struct db_rows *r;
	int rc = st_query(st, q_ids, a, NARGS(a), &r), stop = 0;

	/* Ids first, rows one by one after: the caller writes findings
	 * between reads, which neither backend likes inside one result. */
	if (rc)
		return rc;
	while ((rc = st->drv->next(r)) > 0) {
		p.ids = xgrow(p.ids, &p.cap, p.n + 1, sizeof(*p.ids));
		p.ids[p.n++] = st->drv->col_int(r, 0);
	}
	st->drv->done(r);
	for (size_t i = 0; !rc && !stop && i < p.n; i++) {
		struct db_arg ai[] = {A_INT(p.ids[i])};
		struct store_capture c = {0};

		rc = st_query(st, q_one, ai, NARGS(ai), &r);
		if (rc)
			break;
		rc = st->drv->next(r);
		if (rc > 0) {
			st_capture_row(st, r, &c);
			stop = fn(arg, p.ids[i], &c);
			rc = 0;
		}
		st->drv->done(r);
	}
	free(p.ids);
	return rc < 0 ? rc : stop < 0 ? stop : 0;
}

int store_finding_put(struct store *st, const struct store_finding *f)
{
	static const char q[] =
		"INSERT INTO finding (canonical_url, capture_id, analyzed_at, "
		"is_listing, platform, commodity, risk, violations, data) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT "
		"(canonical_url) DO UPDATE SET capture_id = "
		"excluded.capture_id, "
		"analyzed_at = excluded.analyzed_at, is_listing = "
		"excluded.is_listing, platform = excluded.platform, commodity "
		"= "
		"excluded.commodity, risk = excluded.risk, violations = "
		"excluded.violations, data = excluded.data";
	struct db_arg a[] = {
		A_TEXT(f->canonical_url), A_INT(f->capture_id),
		A_INT(f->analyzed_at),	  A_INT(f->is_listing),
		A_TEXT(f->platform),	  A_TEXT(f->commodity),
		A_INT(f->risk),		  A_TEXT(f->violations),
		A_TEXT(f->data),
	};

	return st_exec(st, q, a, NARGS(a), NULL);
}

int store_finding_each(struct store *st,
		       int (*fn)(void *arg, const struct store_finding *f),
		       void *arg)
{
	static const char q[] =
		"SELECT canonical_url, capture_id, analyzed_at, is_listing, "
		"platform, commodity, risk, violations, data FROM finding "
		"ORDER BY risk DESC, canonical_url";
	struct db_rows *r;
	int rc = st_query(st, q, NULL, 0, &r), stop = 0;

	if (rc)
		return rc;
	while (!stop && (rc = st->drv->next(r)) > 0) {
		struct store_finding f = {
			.canonical_url = st_text(st, r, 0),
			.capture_id = st->drv->col_int(r, 1),
			.analyzed_at = st->drv->col_int(r, 2),
			.is_listing = st->drv->col_int(r, 3) != 0,
			.platform = st_text(st, r, 4),
			.commodity = st_text(st, r, 5),
			.risk = (int)st->drv->col_int(r, 6),
			.violations = st_text(st, r, 7),
			.data = st_text(st, r, 8),
		};
		stop = fn(arg, &f);
	}
	return st_rows_end(st, r, rc, stop);
}
