/*
 * test_registry.c - the product registry (src/registry/registry.h,
 * src/store/registry.c): CSV import with hostile rows, upsert on
 * re-import, verdicts at a given date (tests/nie/verdicts.cases against
 * tests/nie/registry.csv) and product matching.
 *
 * The store tests run on SQLite and, when PATROLI_TEST_PG holds a
 * postgres:// URI (tests/run.sh starts a throw-away server), on
 * PostgreSQL too, in a schema of their own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "repo_path.h"

#include "base/base.h"
#include "detect/nie.h"
#include "registry/registry.h"
#include "store/db.h"
#include "store/store.h"

#define REGISTRY "tests/nie/registry.csv"
#define VERDICTS "tests/nie/verdicts.cases"
/* 2026-06-01T00:00:00Z */
#define JUNE_2026 1780272000000LL

struct fix {
	char dir[64];
	char *uri;
	struct store *st;
};

/* NULL: SQLite in a temporary directory; else the PostgreSQL base URI. */
static const char *pg_base;
static char *pg_schema;

static int pg_reset_schema(void)
{
	struct db *db;
	char *sql;
	int rc;

	if (db_postgres.open(pg_base, &db))
		return -1;
	sql = xasprintf("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
			pg_schema, pg_schema);
	rc = db_postgres.exec(db, sql);
	free(sql);
	db_postgres.close(db);
	return rc;
}

static int setup(void **state)
{
	struct fix *f = xcalloc(1, sizeof(*f));

	if (pg_base) {
		if (pg_reset_schema())
			return -1;
		f->uri = xasprintf("%s%coptions=-csearch_path%%3D%s", pg_base,
				   strchr(pg_base, '?') ? '&' : '?', pg_schema);
	} else {
		snprintf(f->dir, sizeof(f->dir), "/tmp/test_registry.XXXXXX");
		if (!mkdtemp(f->dir))
			return -1;
		f->uri = xasprintf("%s/t.db", f->dir);
	}
	if (store_open(f->uri, &f->st))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char cmd[160];

	store_close(f->st);
	if (!pg_base) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
		if (system(cmd))
			return -1;
	}
	free(f->uri);
	free(f);
	return 0;
}

static int group_pg_end(void **state)
{
	struct db *db;

	if (!db_postgres.open(pg_base, &db)) {
		char *sql = xasprintf("DROP SCHEMA IF EXISTS %s CASCADE",
				      pg_schema);
		db_postgres.exec(db, sql);
		free(sql);
		db_postgres.close(db);
	}
	return 0;
}

/* Import `csv`; the error report goes to *errs (caller frees). */
static int import(struct store *st, const char *csv, char **errs,
		  struct registry_import_stats *s)
{
	size_t n = 0;
	FILE *e = open_memstream(errs, &n);
	int rc = registry_import_mem(st, "t.csv", csv, strlen(csv), e, 0, s);

	fclose(e);
	return rc;
}

static void test_import_file(void **state)
{
	struct fix *f = *state;
	struct registry_import_stats s;
	struct store_registry_row r;
	int64_t n = 0;

	assert_int_equal(
		registry_import_file(f->st, repo_path(REGISTRY), stderr, 0, &s),
		0);
	assert_int_equal(s.rows, 9);
	assert_int_equal(s.imported, 9);
	assert_int_equal(s.skipped, 0);
	assert_int_equal(store_registry_count(f->st, &n), 0);
	assert_int_equal(n, 9);
	/* keyed by the normalised number; display form kept */
	assert_int_equal(store_registry_get(f->st, "TR123456789", &r), 0);
	assert_string_equal(r.nie_display, "POM TR 123 456 789");
	assert_string_equal(r.commodity, "obat_tradisional");
	assert_int_equal(store_registry_get(f->st, "MD224510107115", &r), 0);
	assert_string_equal(r.product_name,
			    "Permata Rasa Susu Kambing Etawa Bubuk, Spesial");
	assert_null(r.valid_until);
	assert_int_equal(store_registry_get(f->st, "PIRT123456789012345", &r),
			 0);
	assert_int_equal(store_registry_get(f->st, "TR000000000", &r),
			 ERR_NOTFOUND);
	assert_int_equal(
		registry_import_file(f->st, "/nonexistent.csv", NULL, 0, &s),
		ERR_FAIL);
}

static void test_bad_rows(void **state)
{
	struct fix *f = *state;
	struct registry_import_stats s;
	char *errs = NULL;
	const char *csv =
		"nie,product_name,brand,commodity,holder,status,valid_until\n"
		"TR111111111,Good One,B,obat_tradisional,H,active,2030-01-01\n"
		"TR222222222,\"broken, quote,B,obat_tradisional,H,active,\n"
		"TR333333333,Too,Few,Columns\n"
		"TR444444444,Bad Status,B,obat_tradisional,H,dicabut,\n"
		"TR555555555,Bad Date,B,obat_tradisional,H,active,2030-02-30\n"
		"TR6666,Malformed,B,obat_tradisional,H,active,\n"
		"TR777777777,Bad Commodity,B,jamu,H,active,\n"
		"TR888888888,Quote\"Inside,B,obat_tradisional,H,active,\n"
		"\"TR999999999\"x,Junk After,B,obat_tradisional,H,active,\n"
		"TR121212121,\"Good, Two \"\"quoted\"\"\",B,Obat Tradisional,H,"
		"REVOKED,2020-12-31\r\n"
		"\n"
		"TR131313131,\"Multi\nLine\",B,obat_tradisional,H,active,\n"
		"TR141414141,Last Good,B,obat_tradisional,H,expired,";

	assert_int_equal(import(f->st, csv, &errs, &s), 0);
	assert_int_equal(s.imported, 4);
	assert_int_equal(s.skipped, 8);
	/* every bad row reported with its line number */
	assert_non_null(strstr(errs, "t.csv:3: "));
	assert_non_null(strstr(errs, "t.csv:4: 4 fields, the header has 7"));
	assert_non_null(strstr(errs, "t.csv:5: bad status 'dicabut'"));
	assert_non_null(strstr(errs, "t.csv:6: bad valid_until '2030-02-30'"));
	assert_non_null(strstr(errs, "t.csv:7: 'TR6666' is not a well-formed"));
	assert_non_null(strstr(errs, "t.csv:8: unknown commodity 'jamu'"));
	assert_non_null(strstr(errs, "t.csv:9: quote inside an unquoted"));
	assert_non_null(strstr(errs, "t.csv:10: text after a closing quote"));
	{
		struct store_registry_row r;
		assert_int_equal(store_registry_get(f->st, "TR121212121", &r),
				 0);
		assert_string_equal(r.product_name, "Good, Two \"quoted\"");
		assert_string_equal(r.status, "revoked");
		assert_string_equal(r.commodity, "obat_tradisional");
		assert_int_equal(store_registry_get(f->st, "TR131313131", &r),
				 0);
		assert_string_equal(r.product_name, "Multi\nLine");
		assert_int_equal(store_registry_get(f->st, "TR141414141", &r),
				 0);
	}
	free(errs);
}

static void test_unterminated_quote_costs_one_row(void **state)
{
	struct fix *f = *state;
	struct registry_import_stats s;
	char *errs = NULL;
	const char *csv =
		"\xEF\xBB\xBFnie,product_name,brand,commodity,holder,status,"
		"valid_until\n"
		"TR111111111,\"never closed,B,obat_tradisional,H,active,\n"
		"TR222222222,Fine,B,obat_tradisional,H,active,\n"
		"TR333333333,Fine too,B,obat_tradisional,H,active,\n";

	assert_int_equal(import(f->st, csv, &errs, &s), 0);
	assert_int_equal(s.imported, 2);
	assert_int_equal(s.skipped, 1);
	assert_non_null(strstr(errs, "t.csv:2: "));
	free(errs);
}

static void test_header(void **state)
{
	struct fix *f = *state;
	struct registry_import_stats s;
	char *errs = NULL;

	assert_int_equal(import(f->st, "nie,product_name\nX,Y\n", &errs, &s),
			 ERR_INPUT);
	assert_non_null(strstr(errs, "t.csv:1: header lacks column 'brand'"));
	free(errs);
	assert_int_equal(import(f->st, "", &errs, &s), ERR_INPUT);
	free(errs);
	/* any column order */
	assert_int_equal(import(f->st,
				"status,nie,valid_until,commodity,brand,"
				"holder,product_name\n"
				"active,SD123123123,,suplemen,B,H,Reordered\n",
				&errs, &s),
			 0);
	assert_int_equal(s.imported, 1);
	free(errs);
}

/* Re-import updates rows in place, keyed by the normalised number. */
static void test_reimport(void **state)
{
	struct fix *f = *state;
	struct registry_import_stats s;
	struct store_registry_row r;
	char *errs = NULL;
	int64_t n;
	const char *h = "nie,product_name,brand,commodity,holder,status,"
			"valid_until\n";
	char csv[512];

	snprintf(csv, sizeof(csv),
		 "%sPOM SD 123 456 789,Old,B,suplemen,H,active,2030-01-01\n",
		 h);
	assert_int_equal(import(f->st, csv, &errs, &s), 0);
	free(errs);
	snprintf(csv, sizeof(csv),
		 "%sSD123456789,New,B,suplemen,H,revoked,2030-01-01\n"
		 "SD123456789,Newer,B,suplemen,H,revoked,2031-01-01\n",
		 h);
	assert_int_equal(import(f->st, csv, &errs, &s), 0);
	free(errs);
	assert_int_equal(store_registry_count(f->st, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_registry_get(f->st, "SD123456789", &r), 0);
	assert_string_equal(r.product_name, "Newer");
	assert_string_equal(r.status, "revoked");
	assert_string_equal(r.valid_until, "2031-01-01");
}

/* Many rows go through the multi-row statement, duplicates inside one
 * batch included. */
static void test_batches(void **state)
{
	struct fix *f = *state;
	struct registry_import_stats s;
	struct buf csv = BUF_INIT;
	char *errs = NULL;
	int64_t n;

	buf_init(&csv, 0);
	buf_puts(&csv, "nie,product_name,brand,commodity,holder,status,"
		       "valid_until\n");
	for (int i = 0; i < 5000; i++)
		buf_printf(&csv, "NA%011d,Produk %d,B,kosmetik,H,active,\n",
			   i % 4000, i);
	assert_int_equal(import(f->st, csv.p, &errs, &s), 0);
	assert_int_equal(s.imported, 5000);
	assert_int_equal(store_registry_count(f->st, &n), 0);
	assert_int_equal(n, 4000);
	{
		struct store_registry_row r;
		assert_int_equal(store_registry_get(f->st, "NA00000000007", &r),
				 0);
		assert_string_equal(r.product_name, "Produk 4007");
	}
	free(errs);
	buf_release(&csv);
}

static struct slice field(char **p)
{
	char *bar = strchr(*p, '|');
	struct slice s = {*p, bar ? (size_t)(bar - *p) : strlen(*p)};

	*p = bar ? bar + 1 : *p + s.n;
	return slice_trim(s);
}

static void test_verdicts(void **state)
{
	struct fix *f = *state;
	struct registry_import_stats s;
	struct buf b = BUF_INIT;
	int line = 0, bad = 0, n = 0;
	char *p, *end;

	assert_int_equal(
		registry_import_file(f->st, repo_path(REGISTRY), NULL, 0, &s),
		0);
	buf_init(&b, 1 << 20);
	assert_int_equal(buf_read_file(&b, repo_path(VERDICTS)), 0);
	for (p = b.p; p && *p; p = end ? end + 1 : NULL) {
		char *q = p;
		end = strchr(p, '\n');
		if (end)
			*end = '\0';
		line++;
		struct slice text = field(&q), want = field(&q);
		if (!text.n || text.p[0] == '#')
			continue;
		n++;
		struct nie_match m;
		struct store_registry_row r;
		enum nie_verdict v = VERDICT_MALFORMED;
		if (!nie_parse(text.p, text.n, &m)) {
			int rc = m.format_ok
					 ? store_registry_get(f->st, m.norm, &r)
					 : ERR_NOTFOUND;
			v = registry_verdict(&m, rc ? NULL : &r, JUNE_2026);
		}
		if (!slice_eq(want, verdict_name(v))) {
			print_error("%s:%d: %.*s: got %s, want %.*s\n",
				    VERDICTS, line, (int)text.n, text.p,
				    verdict_name(v), (int)want.n, want.p);
			bad++;
		}
	}
	buf_release(&b);
	assert_true(n >= 15);
	assert_int_equal(bad, 0);
}

static void test_expiry_day(void **state)
{
	struct nie_match m;
	struct store_registry_row r = {.nie = "TR123456789",
				       .status = "active",
				       .valid_until = "2026-06-01"};

	nie_parse("TR123456789", 11, &m);
	/* valid through its last day in WIB: 2026-06-01 16:59 UTC */
	assert_int_equal(registry_verdict(&m, &r, JUNE_2026 + 16 * 3600000LL),
			 VERDICT_VALID);
	assert_int_equal(registry_verdict(&m, &r, JUNE_2026 + 17 * 3600000LL),
			 VERDICT_EXPIRED);
}

static bool mismatch(const char *product, const char *brand,
		     const char *commodity, const char *nie, enum commodity c,
		     const char *title, const char *text)
{
	struct store_registry_row r = {.nie = nie,
				       .product_name = product,
				       .brand = brand,
				       .commodity = commodity,
				       .status = "active"};
	struct buf why = BUF_INIT;
	bool m = registry_mismatch(&r, c, title, text, &why);

	buf_release(&why);
	return m;
}

static void test_mismatch(void **state)
{
	/* the right product */
	assert_false(
		mismatch("Larasati Medika Deksametason 0,5 mg Tablet",
			 "Larasati Medika", "obat", "DKL4909948153E3", COM_OBAT,
			 "Larasati Medika Deksametason 0,5 mg Tablet", NULL));
	/* a reseller words it differently */
	assert_false(mismatch("Kirana Medika Vitamin B Kompleks Tablet",
			      "Kirana Medika", "obat", "DBL0282952967B2",
			      COM_OBAT, "Vitamin B Kompleks isi 10 - Kirana",
			      "tablet vitamin"));
	/* another brand's number */
	assert_true(mismatch("Jelita Koyo Hangat Premium", "Jelita",
			     "obat_kuasi", "QD162611810", COM_OBAT_KUASI,
			     "Kemuning Koyo Hangat Gold", NULL));
	/* another product of the same brand */
	assert_true(mismatch("Tirta Bumbu Pecel", "Tirta", "pangan",
			     "PIRT723413641537635", COM_PANGAN,
			     "Tirta Rempeyek Kacang Spesial 250 gr", NULL));
	/* another strength */
	assert_true(mismatch("Ayudia Farma Alprazolam 1 mg Tablet",
			     "Ayudia Farma", "obat", "DPL1234567890A1",
			     COM_OBAT, "Ayudia Farma Alprazolam 0,5 mg", NULL));
	assert_false(mismatch("Ayudia Farma Alprazolam 1 mg Tablet",
			      "Ayudia Farma", "obat", "DPL1234567890A1",
			      COM_OBAT, "Ayudia Farma Alprazolam 1mg", NULL));
	/* a generic's number on a branded product */
	assert_true(mismatch("Sinar Farma Misoprostol 200 mcg Tablet",
			     "Sinar Farma", "obat", "GKL1234567890A1", COM_OBAT,
			     "Cytotec 200 mcg asli", NULL));
	/* another commodity */
	assert_true(mismatch("Candra Nutri Minyak Ikan", "Candra Nutri",
			     "suplemen", "SD111222333", COM_PANGAN,
			     "Candra Nutri Minyak Ikan", NULL));
	/* P-IRT on a cosmetic */
	assert_true(mismatch("Bayu Sambal", "Bayu", "pangan",
			     "PIRT123456789012345", COM_KOSMETIK,
			     "Bayu Sambal krim", NULL));
}

int main(void)
{
	const struct CMUnitTest store_tests[] = {
		cmocka_unit_test_setup_teardown(test_import_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_unterminated_quote_costs_one_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reimport, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verdicts, setup, teardown),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expiry_day),
		cmocka_unit_test(test_mismatch),
	};
	const char *pg = getenv("PATROLI_TEST_PG");
	int failed;

	failed = cmocka_run_group_tests_name("registry/sqlite", store_tests,
					     NULL, NULL);
	failed += cmocka_run_group_tests_name("registry", tests, NULL, NULL);
	if (pg && *pg) {
		pg_base = pg;
		pg_schema = xasprintf("patroli_test_reg_%ld", (long)getpid());
		failed += cmocka_run_group_tests_name(
			"registry/postgres", store_tests, NULL, group_pg_end);
		free(pg_schema);
	} else {
		fprintf(stderr, "test_registry: PATROLI_TEST_PG not set, "
				"PostgreSQL backend not tested\n");
	}
	return failed ? 1 : 0;
}
