/*
 * test_extract.c - listing extraction (src/extract/extract.h): structured
 * data in its three forms, app-shell state, the listing verdict on pages
 * that are and are not offers, visible text, prices as sellers write them,
 * platform profiles and their located errors, and the limits that keep
 * hostile pages cheap.
 *
 * Pages live in tests/extract/ as .html files (run from the repository root, as
 * tests/run.sh does); small cases are inline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/base.h"
#include "extract/extract.h"
#include "extract/extract_int.h"
#include "html/html.h"

/* ---- helpers ---------------------------------------------------------------
 */

static char *fixture(const char *name, size_t *len)
{
	struct buf b;
	char path[256];

	buf_init(&b, 4 * 1024 * 1024);
	snprintf(path, sizeof(path), "tests/extract/%s", name);
	if (buf_read_file(&b, path) < 0)
		fail_msg("cannot read %s (run from the repository root)", path);
	return buf_detach(&b, len);
}

/* Extract a fixture as if fetched from `url`. */
static void extract_fixture(const struct extract_profiles *ps, const char *name,
			    const char *url, struct extract_result *r)
{
	size_t n;
	char *html = fixture(name, &n);

	extract_page(ps, url, (struct slice){html, n}, NULL, r);
	free(html);
}

static void extract_str(const struct extract_profiles *ps, const char *url,
			const char *html, struct extract_result *r)
{
	extract_page(ps, url, slice_from(html), NULL, r);
}

static bool has_note(const struct extract_result *r, const char *what)
{
	for (size_t i = 0; i < r->n_notes; i++)
		if (strstr(r->notes[i], what))
			return true;
	return false;
}

static const char *prop(const struct extract_result *r, const char *name)
{
	for (size_t i = 0; i < r->n_props; i++)
		if (!strcmp(r->props[i].name, name))
			return r->props[i].value;
	return NULL;
}

static bool has_field(const struct extract_result *r, const char *name,
		      const char *needle)
{
	for (size_t i = 0; i < r->n_fields; i++)
		if (!strcmp(r->fields[i].name, name) &&
		    strstr(r->fields[i].text, needle))
			return true;
	return false;
}

static bool valid_utf8(const char *s)
{
	return !s || ex_utf8_valid_prefix(s, strlen(s)) == strlen(s);
}

static void assert_all_utf8(const struct extract_result *r)
{
	assert_true(valid_utf8(r->title));
	assert_true(valid_utf8(r->description));
	assert_true(valid_utf8(r->seller));
	assert_true(valid_utf8(r->text));
	for (size_t i = 0; i < r->n_fields; i++)
		assert_true(valid_utf8(r->fields[i].text));
	for (size_t i = 0; i < r->n_notes; i++)
		assert_true(valid_utf8(r->notes[i]));
}

/* ---- prices
 * ------------------------------------------------------------------ */

static void test_price_parse(void **state)
{
	static const struct {
		const char *in;
		double want;
		const char *cur;
	} cases[] = {
		{"Rp 1.250.000", 1250000, "IDR"},
		{"Rp150rb", 150000, "IDR"},
		{"IDR 75,000", 75000, "IDR"},
		{"Rp 1,5 jt", 1500000, "IDR"},
		{"Rp 99.900,00", 99900, "IDR"},
		{"Harga: 61k", 61000, "IDR"},
		{"Rp. 25.000,-", 25000, "IDR"},
		{"rp 7.500", 7500, "IDR"},
		{"150 ribu", 150000, "IDR"},
		{"USD 12.50", 12.5, "USD"},
		{"US$ 1,299.99", 1299.99, "USD"},
		{"RM 35", 35, "MYR"},
		{"231000", 231000, "IDR"},
		{"231000.00", 231000, "IDR"},
		{"Kapsul isi 60, Rp 85.000", 85000, "IDR"},
		{"Rp\xC2\xA0"
		 "45.000",
		 45000, "IDR"},
		{"2 jt", 2000000, "IDR"},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		double v = -1;
		const char *cur = NULL;
		int rc = extract_parse_price(slice_from(cases[i].in), &v, &cur);
		if (rc != 0 || v < cases[i].want - 0.001 ||
		    v > cases[i].want + 0.001 || strcmp(cur, cases[i].cur))
			fail_msg("'%s': rc %d, %.3f %s (want %.3f %s)",
				 cases[i].in, rc, v, cur ? cur : "-",
				 cases[i].want, cases[i].cur);
	}
	double v;
	assert_int_equal(
		extract_parse_price(slice_from("Hubungi kami"), &v, NULL),
		ERR_NOTFOUND);
	assert_int_equal(extract_parse_price(slice_from(""), &v, NULL),
			 ERR_NOTFOUND);
}

/* ---- structured data
 * ------------------------------------------------------------ */

static void test_jsonld_graph(void **state)
{
	struct extract_result r;

	(void)state;
	extract_fixture(NULL, "jsonld_graph.html",
			"https://pasarlebah.example/p/42", &r);
	assert_true(r.is_listing);
	assert_string_equal(r.platform, "generic");
	assert_string_equal(r.title, "Madu Klanceng Hutan 250 ml");
	assert_string_equal(r.brand, "Lebah Rimba");
	assert_string_equal(r.seller, "Kedai Lebah Pak Darto");
	assert_true(r.has_price);
	assert_true(r.price == 89500);
	assert_string_equal(r.currency, "IDR");
	/* HTML inside the JSON string is text, entities decoded */
	assert_string_equal(r.description,
			    "Madu dari lebah tanpa sengat.\n"
			    "Panen bulan ini & disaring dingin.");
	assert_string_equal(prop(&r, "No. BPOM"), "MD 123412341234");
	assert_string_equal(prop(&r, "Netto"), "250");
	assert_true(has_field(&r, "property", "No. BPOM: MD 123412341234"));
	assert_non_null(strstr(r.why, "jsonld-product"));
	assert_int_equal(r.n_notes, 0);
	bool fact = false;
	for (size_t i = 0; i < r.n_facts; i++)
		fact = fact || (!strcmp(r.facts[i].source, "jsonld") &&
				!strcmp(r.facts[i].key, "offers.price") &&
				!strcmp(r.facts[i].value, "89500"));
	assert_true(fact);

	/* the JSON form says the same */
	char *js = extract_result_json(&r, true);
	json_t *j = json_loads(js, 0, NULL);
	assert_non_null(j);
	assert_true(json_is_true(json_object_get(j, "is_listing")));
	assert_string_equal(json_string_value(json_object_get(j, "seller")),
			    "Kedai Lebah Pak Darto");
	assert_true(json_real_value(json_object_get(j, "price")) == 89500);
	assert_true(json_array_size(json_object_get(j, "fields")) ==
		    r.n_fields);
	json_decref(j);
	free(js);
	extract_result_release(&r);
}

static void test_jsonld_broken(void **state)
{
	struct extract_result r;
	const char *url = "https://toko-ayu.example/serum";

	(void)state;
	extract_fixture(NULL, "jsonld_broken.html", url, &r);
	/* the template is skipped with a located note, the almost-JSON is
	 * repaired and read */
	assert_true(has_note(&r, "JSON-LD block 1: not JSON"));
	assert_true(has_note(&r, url));
	assert_true(has_note(&r, "JSON-LD block 2: not strict JSON"));
	assert_true(r.is_listing);
	assert_string_equal(r.title, "Serum Kunyit Asam 20 ml");
	assert_true(r.price == 45000);
	assert_string_equal(r.description,
			    "Serum wajah dengan ekstrak kunyit.\nDipakai malam "
			    "hari.");
	extract_result_release(&r);

	/* JSON-LD that is plain garbage, nothing else on the page */
	extract_str(NULL, url,
		    "<script type='application/ld+json'>{\"@type\": "
		    "\"Product\", \"name\": [1, 2</script><p>x</p>",
		    &r);
	assert_false(r.is_listing);
	assert_true(has_note(&r, "not JSON"));
	extract_result_release(&r);
}

static void test_microdata(void **state)
{
	struct extract_result r;

	(void)state;
	extract_fixture(NULL, "microdata.html",
			"https://gudang.example/teh-kelor", &r);
	assert_true(r.is_listing);
	assert_non_null(strstr(r.why, "microdata-product"));
	assert_string_equal(r.title, "Teh Daun Kelor Celup isi 25");
	assert_string_equal(r.brand, "Kelor Nusa");
	assert_string_equal(r.seller, "Gudang Herbal");
	assert_string_equal(r.seller_url,
			    "https://gudang.example/toko/gudang-herbal/");
	assert_true(r.price == 32000);
	assert_string_equal(r.description, "Teh herbal dari daun kelor "
					   "pilihan.\nSeduh dengan air panas.");
	assert_string_equal(prop(&r, "Komposisi"), "Daun kelor 100%");
	/* the registration number only in the picture's alt text */
	assert_int_equal(r.n_image_alts, 1);
	assert_true(has_field(&r, "image_alt", "P-IRT 2063507010123-27"));
	/* the footer's phone number is visible text, but not the page's own */
	assert_non_null(strstr(r.text, "0800-1234-5678"));
	extract_result_release(&r);
}

static void test_og_social(void **state)
{
	struct extract_profiles *ps = extract_profiles_new();
	struct buf err;
	struct extract_result r;

	(void)state;
	buf_init(&err, 0);
	assert_int_equal(
		extract_profiles_parse(
			ps, "obrolin.conf",
			slice_from(
				"[obrolin]\nkind = social\nhost = "
				"obrolin.example\ncandidate_url = ^/s/[0-9]+$\n"
				"not_listing_url = ^/u/\n"
				"description = "
				"//*[contains(@class,'isi-status')]\n"
				"seller = //*[@class='who']/a\n"
				"seller_url = //*[@class='who']/a/@href\n"),
			&err),
		0);
	extract_fixture(ps, "og_social.html", "https://obrolin.example/s/77",
			&r);
	assert_true(r.is_listing);
	assert_string_equal(r.platform, "obrolin");
	assert_int_equal(r.kind, EXTRACT_KIND_SOCIAL);
	assert_non_null(strstr(r.why, "url-candidate"));
	/* the full post from the profile's XPath, not the og summary */
	assert_string_equal(
		r.description,
		"Sambal roa asli Manado, botol 150 g.\nPedasnya "
		"pas!\nHarga Rp150rb isi 3 botol.\nPesan lewat DM ya");
	/* a post has no headline: its first line names the offer */
	assert_string_equal(r.title, "Sambal roa asli Manado, botol 150 g.");
	assert_string_equal(r.seller, "Bu Rini");
	assert_string_equal(r.seller_url, "https://obrolin.example/u/bu.rini");
	assert_true(r.price == 150000);
	assert_true(has_field(&r, "og_title", "Bu Rini di Obrolin"));
	extract_result_release(&r);

	/* the same post read with no profile still sells */
	extract_fixture(NULL, "og_social.html", "https://elsewhere.example/x",
			&r);
	assert_true(r.is_listing);
	extract_result_release(&r);

	/* an app-shell post: nothing but OpenGraph until a script runs */
	extract_fixture(ps, "og_only_post.html", "https://obrolin.example/s/79",
			&r);
	assert_true(r.is_listing);
	assert_true(r.price == 85000);
	assert_non_null(strstr(r.description, "Serum pencerah 20 ml"));
	extract_result_release(&r);

	/* a post that only chats is not a listing, on the same platform */
	extract_str(ps, "https://obrolin.example/s/78",
		    "<meta property='og:type' content='article'><article><div "
		    "class='who'><a href='/u/a'>Ani</a></div><div "
		    "class='isi-status'>Hari ini hujan terus, enaknya makan "
		    "apa ya?</div></article>",
		    &r);
	assert_false(r.is_listing);
	extract_result_release(&r);

	/* an account page: the URL says no */
	extract_fixture(ps, "og_social.html",
			"https://obrolin.example/u/bu.rini", &r);
	assert_false(r.is_listing);
	assert_non_null(strstr(r.why, "url-not-listing"));
	extract_result_release(&r);
	buf_release(&err);
	extract_profiles_free(ps);
}

/* ---- app shells
 * -------------------------------------------------------------------- */

static void test_appshell_state(void **state)
{
	struct extract_result r;

	(void)state;
	extract_fixture(NULL, "appshell_state.html",
			"https://kedaiku.example/i/981", &r);
	assert_true(r.is_listing);
	assert_non_null(strstr(r.why, "state-product"));
	/* the product, not the SEO block or a related item */
	assert_string_equal(r.title, "Kopi Jahe Merah Sachet");
	assert_true(r.price == 27500);
	assert_string_equal(r.currency, "IDR");
	assert_string_equal(r.seller, "Warung Kopi Bang Udin");
	assert_string_equal(r.seller_url,
			    "https://kedaiku.example/toko/bang-udin");
	assert_string_equal(r.brand, "Jahe Kuat");
	assert_string_equal(prop(&r, "Izin edar"), "BPOM RI MD 876543210987");
	/* scripts and noscript are not visible text */
	assert_null(strstr(r.text, "INITIAL_STATE"));
	assert_null(strstr(r.text, "Aktifkan JavaScript"));
	extract_result_release(&r);
}

static void test_appshell_json_in_string(void **state)
{
	struct extract_result r;

	(void)state;
	extract_fixture(NULL, "appshell_string.html",
			"https://lapak.example/i/5", &r);
	assert_true(r.is_listing);
	assert_string_equal(r.title, "Minyak Kayu Putih 60 ml");
	assert_true(r.price == 24900);
	assert_string_equal(r.seller, "Apotek Maju");
	assert_string_equal(r.description, "Minyak kayu putih asli Buru.");
	extract_result_release(&r);

	/* JSON.parse("...") with escapes inside the JavaScript string */
	extract_fixture(NULL, "appshell_parse.html", "https://tokoku.example/1",
			&r);
	assert_true(r.is_listing);
	assert_string_equal(r.title, "Bedak Dingin Beras");
	assert_true(r.price == 12000);
	assert_string_equal(r.description,
			    "Bedak tradisional \xC3\xA9 dari beras.");
	extract_result_release(&r);
}

static void test_state_scanning(void **state)
{
	struct buf b;
	const char *js = "'a\\'b\\u00e9\\x41\\n\\uD83D\\uDE00' rest";

	(void)state;
	buf_init(&b, 0);
	size_t used = ex_js_string(js, strlen(js), &b);
	assert_int_equal(used, strlen(js) - 5);
	assert_string_equal(b.p, "a'b\xC3\xA9"
				 "A\n\xF0\x9F\x98\x80");
	buf_release(&b);
	buf_init(&b, 0);
	assert_int_equal(ex_js_string("\"open", 5, &b), 0);
	buf_release(&b);

	const char *o = "{\"a\": \"}\", \"b\": [1, {\"c\": '}'}] /* } */} tail";
	assert_int_equal(ex_balanced_end(o, strlen(o)), strlen(o) - 5);
	assert_int_equal(ex_balanced_end("{\"a\": 1", 7), 0);
	assert_int_equal(ex_balanced_end("{]", 2), 1 + 1);
}

/* ---- listing or not
 * ------------------------------------------------------------------ */

static void test_article_not_listing(void **state)
{
	struct extract_result r;

	(void)state;
	/* names a price, "dijual", "dipesan": still journalism */
	extract_fixture(NULL, "article.html", "https://kabarsehat.example/a/1",
			&r);
	assert_false(r.is_listing);
	assert_non_null(strstr(r.why, "news-article"));
	extract_result_release(&r);

	extract_fixture(NULL, "warning.html", "https://pom.example/siaran/9",
			&r);
	assert_false(r.is_listing);
	assert_non_null(strstr(r.why, "news-words"));
	extract_result_release(&r);
}

static void test_category_not_listing(void **state)
{
	struct extract_result r;

	(void)state;
	extract_fixture(NULL, "category.html",
			"https://pasarmurah.example/kategori/jamu", &r);
	assert_false(r.is_listing);
	assert_non_null(strstr(r.why, "many-items"));
	extract_result_release(&r);

	extract_fixture(NULL, "help.html", "https://pasarmurah.example/cara",
			&r);
	assert_false(r.is_listing);
	extract_result_release(&r);
}

static void test_webshop_and_classified(void **state)
{
	struct extract_result r;

	(void)state;
	/* no structured data, and three related products below */
	extract_fixture(NULL, "webshop_related.html",
			"https://lulursari.example/produk/lulur-bengkoang", &r);
	assert_true(r.is_listing);
	assert_string_equal(r.title, "Lulur Bengkoang 200 g");
	assert_true(r.price == 38000);
	assert_string_equal(r.price_text, "Rp 38.000");
	assert_string_equal(r.seller, "Rumah Lulur Sari");
	assert_non_null(strstr(r.description, "Komposisi: bengkoang"));
	extract_result_release(&r);

	extract_fixture(NULL, "classified.html",
			"https://iklanbaris.example/t/99", &r);
	assert_true(r.is_listing);
	assert_true(r.price == 1500000);
	assert_string_equal(r.price_text, "Harga: 1,5jt");
	assert_string_equal(r.seller, "gowes_mania");
	/* <pre> keeps its lines */
	assert_non_null(strstr(r.text, "pemakaian 1 tahun.\nLecet sedikit"));
	extract_result_release(&r);
}

/* ---- visible text
 * ---------------------------------------------------------------------- */

static void test_visible_text(void **state)
{
	struct extract_result r;

	(void)state;
	extract_fixture(NULL, "text.html", "https://x.example/", &r);
	assert_string_equal(r.text, "Satu dua tiga\nEmpat\nlima\nenam\ntujuh\n"
				    "delapan sembilan\nsel1 sel2");
	assert_int_equal(r.text_len, strlen(r.text));
	assert_string_equal(r.title, "Judul");
	assert_true(has_field(&r, "text", "Satu dua tiga"));
	extract_result_release(&r);

	/* a document handed in already parsed gives the same */
	size_t n;
	char *html = fixture("text.html", &n);
	htmlDocPtr doc =
		htmlReadMemory(html, (int)n, "https://x.example/", "UTF-8",
			       HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
				       HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	assert_int_equal(extract_page(NULL, "https://x.example/",
				      (struct slice){NULL, 0}, doc, &r),
			 0);
	assert_non_null(strstr(r.text, "delapan sembilan"));
	extract_result_release(&r);
	xmlFreeDoc(doc);

	/* and so does the pipeline's parser (html_parse) */
	doc = html_parse((struct slice){html, n}, "https://x.example/");
	extract_page(NULL, "https://x.example/", (struct slice){NULL, 0}, doc,
		     &r);
	assert_string_equal(r.text, "Satu dua tiga\nEmpat\nlima\nenam\ntujuh\n"
				    "delapan sembilan\nsel1 sel2");
	extract_result_release(&r);
	html_free(doc);
	free(html);
}

static void test_empty_and_bad_input(void **state)
{
	struct extract_result r;

	(void)state;
	assert_int_equal(extract_page(NULL, "https://x.example/e",
				      (struct slice){"", 0}, NULL, &r),
			 ERR_INPUT);
	assert_false(r.is_listing);
	assert_string_equal(r.text, "");
	assert_true(has_note(&r, "https://x.example/e: empty document"));
	extract_result_release(&r);
	extract_result_release(&r); /* twice is harmless */

	/* invalid UTF-8 everywhere, NUL bytes, a broken tag soup */
	static const char bad[] =
		"<title>\xff\xfe Obat \xc3</title><h1>Krim \xed\xa0\x80 "
		"Malam</h1><p>Rp 50.000\x80</p><script type='application/"
		"ld+json'>{\"@type\":\"Product\",\"name\":\"A\xff\"}</script>"
		"<img alt='\xf4\x90\x80\x80'><div itemscope "
		"itemtype='x/Product'>"
		"<span itemprop='name'>\xc0\xaf</span></div></b></i><<>>";
	extract_page(NULL, "https://x.example/bad",
		     (struct slice){bad, sizeof(bad) - 1}, NULL, &r);
	assert_all_utf8(&r);
	extract_result_release(&r);

	/* no URL at all */
	extract_str(NULL, NULL, "<h1>Halo</h1>", &r);
	assert_string_equal(r.host, "");
	extract_result_release(&r);
}

/* A 3 MB script whose state object never closes, and one with thousands
 * of assignments: both must be one bounded pass. */
static void test_big_script(void **state)
{
	struct buf b;
	struct extract_result r;

	(void)state;
	buf_init(&b, 0);
	buf_puts(&b,
		 "<html><head><script>window.__INITIAL_STATE__ = {\"a\": [");
	while (b.len < 3 * 1024 * 1024)
		buf_puts(&b, "{\"name\": \"x\", \"price\": 1}, ");
	buf_puts(&b, "</script></head><body><h1>T</h1></body></html>");
	int64_t t0 = time_mono_ms();
	extract_page(NULL, "https://big.example/", buf_slice(&b), NULL, &r);
	assert_true(has_note(&r, "not closed"));
	extract_result_release(&r);

	buf_reset(&b);
	buf_puts(&b, "<script>");
	while (b.len < 3 * 1024 * 1024)
		buf_puts(&b, "__s={x=y[1]};state={ ");
	buf_puts(&b, "</script>");
	extract_page(NULL, "https://big.example/2", buf_slice(&b), NULL, &r);
	extract_result_release(&r);

	/* a valid 3 MB state object: parsed once, walk capped */
	buf_reset(&b);
	buf_puts(&b, "<script>window.__DATA__ = {\"items\": [");
	while (b.len < 3 * 1024 * 1024)
		buf_puts(&b, "{\"name\": \"barang\", \"price\": 1000}, ");
	buf_puts(&b, "{}]};</script>");
	extract_page(NULL, "https://big.example/3", buf_slice(&b), NULL, &r);
	/* so many priced products: a list, not one offer */
	assert_false(r.is_listing);
	extract_result_release(&r);
	int64_t ms = time_mono_ms() - t0;
	/* generous for ASan; unsanitised it is a few tens of ms */
	assert_true(ms < 10000);
	buf_release(&b);
}

static void test_limits(void **state)
{
	struct buf b;
	struct extract_result r;

	(void)state;
	buf_init(&b, 0);
	for (int i = 0; i < 500; i++)
		buf_printf(&b,
			   "<img alt='gambar %d'><table><tr><th>k%d</th>"
			   "<td>v</td></tr></table>",
			   i, i);
	while (b.len < 600 * 1024)
		buf_puts(&b, "<p>teks yang panjang sekali untuk mengisi</p>");
	extract_page(NULL, "https://lim.example/", buf_slice(&b), NULL, &r);
	assert_int_equal(r.n_image_alts, EXTRACT_MAX_ALTS);
	assert_int_equal(r.n_props, EXTRACT_MAX_PROPS);
	assert_true(r.text_len <= EXTRACT_MAX_TEXT);
	assert_true(has_note(&r, "truncated"));
	extract_result_release(&r);

	/* problems beyond the cap are counted in one last note */
	buf_reset(&b);
	for (int i = 0; i < 100; i++)
		buf_puts(&b,
			 "<script type='application/ld+json'>{oops</script>");
	extract_page(NULL, "https://lim.example/n", buf_slice(&b), NULL, &r);
	assert_int_equal(r.n_notes, EXTRACT_MAX_NOTES);
	assert_non_null(strstr(r.notes[EXTRACT_MAX_NOTES - 1],
			       "more problems not listed"));
	extract_result_release(&r);

	/* deep nesting: the walk is iterative */
	buf_reset(&b);
	for (int i = 0; i < 20000; i++)
		buf_puts(&b, "<div>");
	buf_puts(&b, "dalam");
	extract_page(NULL, "https://lim.example/deep", buf_slice(&b), NULL, &r);
	extract_result_release(&r);

	/* deep JSON */
	buf_reset(&b);
	buf_puts(&b, "<script type='application/ld+json'>");
	for (int i = 0; i < 3000; i++)
		buf_puts(&b, "{\"@graph\":[");
	buf_puts(&b, "</script>");
	extract_page(NULL, "https://lim.example/json", buf_slice(&b), NULL, &r);
	extract_result_release(&r);
	buf_release(&b);
}

/* ---- profiles
 * ------------------------------------------------------------------------------
 */

static void test_profile_errors(void **state)
{
	struct extract_profiles *ps = extract_profiles_new();
	struct buf err;

	(void)state;
	buf_init(&err, 0);
	const char *text = "# comment\n"
			   "kind = marketplace\n"	   /* 2 */
			   "[ok]\n"			   /* 3 */
			   "host = ok.example\n"	   /* 4 */
			   "colour = blue\n"		   /* 5 */
			   "listing_url = ^/p/(unclosed\n" /* 6 */
			   "title = //h1[\n"		   /* 7 */
			   "kind = bazaar\n"		   /* 8 */
			   "just words\n"		   /* 9 */
			   "[nohost]\n"			   /* 10 */
			   "kind = social\n"		   /* 11 */
			   "[ok]\n"			   /* 12 */
			   "host = http://x.example/\n";   /* 13 */
	assert_int_equal(
		extract_profiles_parse(ps, "bad.conf", slice_from(text), &err),
		ERR_INPUT);
	assert_int_equal(extract_profiles_count(ps), 0);
	static const char *const want[] = {
		"bad.conf:2: 'key = value' before the first [section]",
		"bad.conf:5: unknown key 'colour'",
		"bad.conf:6: bad regex at offset",
		"bad.conf:7: bad XPath for 'title'",
		"bad.conf:8: bad kind 'bazaar'",
		"bad.conf:9: expected 'key = value'",
		"bad.conf:12: profile 'nohost' (bad.conf:10) has no host or "
		"path",
		"bad.conf:12: duplicate profile 'ok' (first at bad.conf:3)",
		"bad.conf:13: bad host pattern",
	};
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		if (!strstr(err.p, want[i])) {
			print_error("missing '%s' in:\n%s", want[i], err.p);
			buf_release(&err);
			extract_profiles_free(ps);
			fail();
		}

	/* a good file after a bad one loads; a second default is refused */
	buf_reset(&err);
	assert_int_equal(extract_profiles_parse(
				 ps, "good.conf",
				 slice_from("[g]\ndefault = yes\n[m]\nhost = "
					    "m.example\n"),
				 &err),
			 0);
	assert_int_equal(extract_profiles_count(ps), 2);
	assert_int_equal(extract_profiles_parse(
				 ps, "two.conf",
				 slice_from("\n[g2]\ndefault = yes\n"), &err),
			 ERR_INPUT);
	assert_non_null(strstr(err.p, "two.conf:2: second default profile"));
	assert_int_equal(
		extract_profiles_load_file(ps, "/nonexistent.conf", &err),
		ERR_FAIL);
	assert_non_null(strstr(err.p, "/nonexistent.conf: cannot read"));
	buf_release(&err);
	extract_profiles_free(ps);
}

static void test_profile_match(void **state)
{
	struct extract_profiles *ps = extract_profiles_new();
	enum extract_kind k;

	(void)state;
	assert_int_equal(
		extract_profiles_parse(
			ps, "m.conf",
			slice_from(
				"[suffix]\nkind = marketplace\nhost = "
				"pasar.example\n"
				"[exact]\nkind = social\nhost = "
				"m.pasar.example\n"
				"[glob]\nkind = webshop\nhost = "
				"*.toko.example\n"
				"[local-a]\nkind = news\nhost = 127.0.0.1\n"
				"path = /berita/\n"
				"[local-b]\nkind = webshop\nhost = 127.0.0.1\n"
				"path = /berita/toko/ /shop/\n"
				"[def]\ndefault = yes\n"),
			NULL),
		0);
	assert_string_equal(
		extract_profiles_match(ps, "https://pasar.example/x", &k),
		"suffix");
	assert_int_equal(k, EXTRACT_KIND_MARKETPLACE);
	assert_string_equal(extract_profiles_match(
				    ps, "https://www.PASAR.example./x", NULL),
			    "suffix");
	assert_string_equal(extract_profiles_match(
				    ps, "https://m.pasar.example:443/x", NULL),
			    "exact");
	assert_string_equal(
		extract_profiles_match(ps, "http://u@a.toko.example/", NULL),
		"glob");
	assert_string_equal(
		extract_profiles_match(ps, "http://toko.example/", NULL),
		"glob");
	assert_string_equal(
		extract_profiles_match(ps, "http://badpasar.example/", NULL),
		"def");
	assert_string_equal(
		extract_profiles_match(
			ps, "http://127.0.0.1:8000/berita/a.html", &k),
		"local-a");
	assert_int_equal(k, EXTRACT_KIND_NEWS);
	assert_string_equal(
		extract_profiles_match(
			ps, "http://127.0.0.1:8000/berita/toko/x", NULL),
		"local-b");
	assert_string_equal(
		extract_profiles_match(ps, "http://127.0.0.1:8000/shop", NULL),
		"local-b");
	assert_string_equal(
		extract_profiles_match(ps, "http://127.0.0.1:8000/lain/", NULL),
		"def");
	assert_string_equal(extract_profiles_match(NULL, "http://x/", &k),
			    "generic");
	assert_int_equal(k, EXTRACT_KIND_UNKNOWN);
	assert_string_equal(extract_kind_name(EXTRACT_KIND_CLASSIFIEDS),
			    "classifieds");
	extract_profiles_free(ps);
}

/* The shipped profiles load, and recognise their platforms' URLs. */
static void test_shipped_profiles(void **state)
{
	struct extract_profiles *ps = extract_profiles_new();
	struct buf err;

	(void)state;
	buf_init(&err, 0);
	if (extract_profiles_load_dir(ps, "data/platforms", &err) < 0)
		fail_msg("data/platforms: %s", err.p);
	assert_true(extract_profiles_count(ps) >= 12);
	static const struct {
		const char *url, *platform;
		int verdict; /* 1 listing URL, 0 candidate, -1 not listing */
	} cases[] = {
		{"https://www.tokopedia.com/tokoabc/krim-malam-20g?extParam=1",
		 "tokopedia", 1},
		{"https://www.tokopedia.com/search?q=krim", "tokopedia", -1},
		{"https://www.tokopedia.com/tokoabc", "tokopedia", -1},
		{"https://www.tokopedia.com/tokoabc/etalase/krim", "tokopedia",
		 -1},
		{"https://shopee.co.id/Krim-Malam-i.123.456", "shopee", 1},
		{"https://shopee.co.id/search?keyword=krim", "shopee", -1},
		{"https://www.bukalapak.com/p/kesehatan/obat/4abc12-jual-jamu",
		 "bukalapak", 1},
		{"https://www.lazada.co.id/products/krim-i123-s456.html",
		 "lazada", 1},
		{"https://www.blibli.com/p/krim-malam/ps--ABC-123", "blibli",
		 1},
		{"https://www.facebook.com/marketplace/item/1234567/",
		 "facebook", 1},
		{"https://m.facebook.com/groups/jualbeli/posts/99/", "facebook",
		 0},
		{"https://www.instagram.com/p/Cxyz123/", "instagram", 0},
		{"https://www.instagram.com/tokoabc/", "instagram", -1},
		{"https://x.com/tokoabc/status/123", "x", 0},
		{"https://twitter.com/search?q=obat", "x", -1},
		{"https://t.me/jualobat/42", "telegram", 0},
		{"https://t.me/jualobat", "telegram", -1},
		{"https://www.tiktok.com/@tokoabc/video/7300", "tiktok", 0},
		{"https://www.olx.co.id/item/sepeda-lipat-iid-912345", "olx",
		 1},
		{"https://www.kaskus.co.id/thread/5f0a1b/jual-obat", "kaskus",
		 1},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct extract_result r;
		extract_str(ps, cases[i].url, "<p>x</p>", &r);
		const char *want = cases[i].verdict > 0	   ? "url-listing"
				   : cases[i].verdict == 0 ? "url-candidate"
							   : "url-not-listing";
		if (strcmp(r.platform, cases[i].platform) ||
		    !strstr(r.why, want))
			fail_msg("%s: platform %s, why '%s' (want %s, %s)",
				 cases[i].url, r.platform, r.why,
				 cases[i].platform, want);
		extract_result_release(&r);
	}
	buf_release(&err);
	extract_profiles_free(ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_price_parse),
		cmocka_unit_test(test_jsonld_graph),
		cmocka_unit_test(test_jsonld_broken),
		cmocka_unit_test(test_microdata),
		cmocka_unit_test(test_og_social),
		cmocka_unit_test(test_appshell_state),
		cmocka_unit_test(test_appshell_json_in_string),
		cmocka_unit_test(test_state_scanning),
		cmocka_unit_test(test_article_not_listing),
		cmocka_unit_test(test_category_not_listing),
		cmocka_unit_test(test_webshop_and_classified),
		cmocka_unit_test(test_visible_text),
		cmocka_unit_test(test_empty_and_bad_input),
		cmocka_unit_test(test_big_script),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_profile_errors),
		cmocka_unit_test(test_profile_match),
		cmocka_unit_test(test_shipped_profiles),
	};
	xmlInitParser();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
