/*
 * test_ident.c - contact identifiers (src/profile/ident.h): every way an
 * Indonesian phone number is written, numbers that are not phones (dates,
 * prices, registration and order numbers), bank and e-wallet accounts,
 * handles and links, e-mail addresses, the clause cues (couriers,
 * "bukan penjual"), page zones (platform footers, buyers' comments, a
 * shop's own footer), the shop's domain, and the bounds on hostile pages.
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
#include "profile/ident.h"
#include "profile/stoplist.h"

/* ---- helpers
 * ------------------------------------------------------------------ */

static struct ident_list *scan(const char *text)
{
	struct ident_list *l = xmalloc(sizeof(*l));

	ident_list_init(l);
	ident_scan_text(l, text, strlen(text), IDENT_ZONE_CONTENT,
			IDENT_W_TEXT);
	return l;
}

/* The list as "kind:value kind:value" in the order found. */
static char *joined(const struct ident_list *l)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "");
	for (size_t i = 0; i < l->n; i++)
		buf_printf(&b, "%s%s:%s", i ? " " : "",
			   ident_kind_name(l->v[i].kind), l->v[i].value);
	return buf_detach(&b, NULL);
}

#define expect_scan(text, want)                                                \
	do {                                                                   \
		struct ident_list *l_ = scan(text);                            \
		char *got_ = joined(l_);                                       \
		if (strcmp(got_, want))                                        \
			fail_msg("scan \"%s\"\n  want \"%s\"\n   got \"%s\"",  \
				 text, want, got_);                            \
		free(got_);                                                    \
		free(l_);                                                      \
	} while (0)

static void expect_phone(const char *written, const char *e164)
{
	char out[IDENT_VALUE_MAX];
	int rc = ident_phone_norm(written, strlen(written), false, out);

	if (!e164) {
		if (!rc)
			fail_msg("\"%s\" read as %s, want no phone", written,
				 out);
		return;
	}
	if (rc)
		fail_msg("\"%s\" not read as a phone (want %s)", written, e164);
	if (strcmp(out, e164))
		fail_msg("\"%s\" -> %s, want %s", written, out, e164);
}

/* ---- phone numbers
 * ------------------------------------------------------------ */

static void test_phone_writings(void **state)
{
	(void)state;
	expect_phone("0812-3456-7890", "+6281234567890");
	expect_phone("0812 3456 7890", "+6281234567890");
	expect_phone("0812.3456.7890", "+6281234567890");
	expect_phone("081234567890", "+6281234567890");
	expect_phone("+62 812 3456 7890", "+6281234567890");
	expect_phone("+62-812-3456-7890", "+6281234567890");
	expect_phone("+6281234567890", "+6281234567890");
	expect_phone("6281234567890", "+6281234567890");
	expect_phone("62 812 3456 7890", "+6281234567890");
	expect_phone("(+62) 812-3456-7890", "+6281234567890");
	expect_phone("(+62)81234567890", "+6281234567890");
	expect_phone("+62 (0)812 3456 7890", "+6281234567890");
	expect_phone("0062 812 3456 7890", "+6281234567890");
	expect_phone("O812-3456-7890", "+6281234567890"); /* letter O */
	expect_phone("0812 3456 789", "+628123456789");	  /* 11 digits */
	expect_phone("0877 7348 899", "+628777348899");
	expect_phone("0812-3456-78901", "+62812345678901"); /* 13 digits */
	/* landlines with their area code */
	expect_phone("021-5098-7788", "+622150987788");
	expect_phone("(021) 5098 7788", "+622150987788");
	expect_phone("0274 512345", "+62274512345");
	expect_phone("+62 21 5098 7788", "+622150987788");
}

static void test_phone_not_phones(void **state)
{
	(void)state;
	expect_phone("0812345", NULL);		 /* too short */
	expect_phone("0812-3456-7890-12", NULL); /* too long */
	expect_phone("0800-1-522-722", NULL);	 /* toll-free */
	expect_phone("0804 1 500 500", NULL);	 /* universal access */
	expect_phone("0215098778", NULL); /* a landline needs its code apart */
	expect_phone("+1 415 555 0100", NULL); /* another country */
	expect_phone("125.000", NULL);
	expect_phone("1.250.000", NULL);
	expect_phone("12-03-2025", NULL);
	expect_phone("2025-03-12", NULL);
	expect_phone("8123456789", NULL); /* no 0, no cue */
	expect_phone("", NULL);
	expect_phone("0812-3456-7890 abc", NULL);
}

static void test_phone_in_text(void **state)
{
	(void)state;
	expect_scan("WA: 0812 3456 7890", "phone:+6281234567890");
	expect_scan("Info & order: 0878.2047.7115, 0853-3593-4659",
		    "phone:+6287820477115 phone:+6285335934659");
	expect_scan("hubungi (+62) 85272627768 ya kak", "phone:+6285272627768");
	expect_scan("WA 812-3456-7890", "phone:+6281234567890"); /* cued */
	expect_scan("Telp. (021) 5098 7788", "phone:+622150987788");
	expect_scan("0812 3456 7890 / 0857 1111 2222",
		    "phone:+6281234567890 phone:+6285711112222");
	expect_scan("WA 0812 3456 7890 0857 1111 2222",
		    "phone:+6281234567890 phone:+6285711112222");
	expect_scan("order 0812-3456-7890 2 botol", "phone:+6281234567890");
	expect_scan("wa.me/6281234567890", "phone:+6281234567890");
}

static void test_numbers_that_are_not_phones(void **state)
{
	(void)state;
	expect_scan("Harga Rp 125.000", "");
	expect_scan("Rp125.000.000 nego", "");
	expect_scan("harga 1.250.000 saja", "");
	expect_scan("cuma 08123456789 rb", ""); /* a price in thousands */
	expect_scan("Exp 08-12-2025", "");
	expect_scan("dibuat 2025-03-12, exp 12/03/2027", "");
	expect_scan("tgl 08.12.2025 10.30", "");
	expect_scan("BPOM RI MD 224510107115", "");
	expect_scan("POM TR 123456789", "");
	expect_scan("P-IRT No. 3063306010072-19", "");
	expect_scan("Reg. SPP-IRT 8625120670496-33", "");
	expect_scan("NIE: DKL0812345678A1", "");
	expect_scan("No. Reg 0812345678901", "");
	expect_scan("No. pesanan 081234567890", "");
	expect_scan("Invoice 0812345678901234", "");
	expect_scan("resi 081234567890", "");
	expect_scan("NIK 3171234567890001", "");
	expect_scan("isi 0812 tablet", "");
	expect_scan("Terjual 2058 · ⭐ 4.9", "");
}

static void test_courier_and_cues(void **state)
{
	(void)state;
	expect_scan("Pengiriman diurus kurir Pak Rudi 0819-8629-0748 (khusus "
		    "cek resi)",
		    "");
	expect_scan("Cek resi/ongkir hub kurir Mas Rudi wa.me/6281955633798",
		    "");
	expect_scan("Kurir langganan kami: Pak Fajar (WA: 0877 7348 899) — "
		    "buat cek resi aja ya",
		    "");
	expect_scan("Admin WA 0811-2233-4455 (admin, bukan penjual)", "");
	/* the seller's own statement after the courier's */
	expect_scan("Kurir kami: Mas Rudi (0819-5563-3798) — cek resi aja ya "
		    "Order sebelum jam 3, hubungi 0812-3456-7890",
		    "phone:+6281234567890");
	expect_scan("Kurir: JNE, J&T · WA 0812-3456-7890",
		    "phone:+6281234567890");
}

/* ---- accounts
 * ------------------------------------------------------------------ */

static void test_banks(void **state)
{
	(void)state;
	expect_scan("BCA 1234567890 a.n. Budi", "bank:BCA:1234567890");
	expect_scan("rek BRI 0123-01-000123-50-1", "bank:BRI:012301000123501");
	expect_scan("Mandiri: 836-150-6185643", "bank:MANDIRI:8361506185643");
	expect_scan("No rek BNI: 5833443778", "bank:BNI:5833443778");
	expect_scan("transfer ke BSI 3312345678 an Dimas",
		    "bank:BSI:3312345678");
	expect_scan("Bank Syariah Indonesia 7123456789", "bank:BSI:7123456789");
	expect_scan("BRI Syariah 1234567", "bank:BSI:1234567");
	expect_scan("Bank Central Asia no. rek 0987654321",
		    "bank:BCA:0987654321");
	expect_scan("rek 1234567890 BCA a.n. Sari", "bank:BCA:1234567890");
	/* account digits are never read again as a phone */
	expect_scan("BSI 0291828381", "bank:BSI:0291828381");
	expect_scan("Pembayaran: BNI 999-999-9999, BNI 888-888-8888",
		    "bank:BNI:9999999999 bank:BNI:8888888888");
	expect_scan("usaha mandiri sejak 2010", "");
	expect_scan("BCA 123", ""); /* too short for an account */
}

static void test_wallets(void **state)
{
	(void)state;
	expect_scan("DANA 0812-3456-7890",
		    "bank:DANA:+6281234567890 phone:+6281234567890");
	expect_scan("OVO: 081234567890",
		    "bank:OVO:+6281234567890 phone:+6281234567890");
	expect_scan("GoPay 0857 1111 2222",
		    "bank:GOPAY:+6285711112222 phone:+6285711112222");
	expect_scan("ShopeePay 0812.3456.7890",
		    "bank:SHOPEEPAY:+6281234567890 phone:+6281234567890");
	expect_scan("dana 500.000 untuk modal", "");
}

/* ---- handles, links, e-mail
 * ----------------------------------------------------- */

static void test_handles(void **state)
{
	(void)state;
	expect_scan("IG: @Toko.Herbal", "handle:ig:toko.herbal");
	expect_scan("follow ig @rina_99", "handle:ig:rina_99");
	expect_scan("tele bambang21", "handle:tg:bambang21");
	expect_scan("Telegram: @jaya_lina", "handle:tg:jaya_lina");
	expect_scan("TikTok: @Putra.Official", "handle:tt:putra.official");
	expect_scan("cek tiktok @eka.lancar", "handle:tt:eka.lancar");
	expect_scan("cek ig kami ya", "");
	expect_scan("tele ini enak", "");
	expect_scan("X: @tokoX_id", "handle:x:tokox_id");
	expect_scan("2 x 3 cm", "");
	expect_scan("t.me/novi_putra", "handle:tg:novi_putra");
	expect_scan("t.me/s/novi_putra", "handle:tg:novi_putra");
	expect_scan("tiktok.com/@eka.shop/video/123", "handle:tt:eka.shop");
	expect_scan("instagram.com/tokoku/", "handle:ig:tokoku");
	expect_scan("instagram.com/p/ABC123", "");
	expect_scan("x.com/toko_x", "handle:x:toko_x");
	expect_scan("twitter.com/intent/tweet?text=a", "");
	expect_scan("index.com/abc", "");
	expect_scan("facebook.com/sharer.php?u=x", "");
	expect_scan("facebook.com/toko.herbal.99", "handle:fb:toko.herbal.99");
	expect_scan("fb.com/profile.php?id=1000123", "handle:fb:1000123");
}

static void test_emails(void **state)
{
	(void)state;
	expect_scan("Email: Toko.Sehat@Gmail.com",
		    "email:toko.sehat@gmail.com");
	expect_scan("e-mail siskashop288@gmail.com.",
		    "email:siskashop288@gmail.com");
	expect_scan("logo@2x.png", "");
	expect_scan("a@b", "");
	expect_scan("user@localhost", "");
	expect_scan("@toko", "");
}

static void expect_url(const char *url, const char *want)
{
	struct ident_list *l = xmalloc(sizeof(*l));
	char *got;

	ident_list_init(l);
	ident_scan_url(l, url, strlen(url), IDENT_W_LINK, true);
	got = joined(l);
	if (strcmp(got, want))
		fail_msg("url \"%s\"\n  want \"%s\"\n   got \"%s\"", url, want,
			 got);
	free(got);
	free(l);
}

static void test_links(void **state)
{
	(void)state;
	expect_url("https://wa.me/6281234567890?text=halo",
		   "phone:+6281234567890");
	expect_url("https://wa.me/081234567890", "phone:+6281234567890");
	expect_url("https://api.whatsapp.com/send?phone=6281234567890&text=x",
		   "phone:+6281234567890");
	expect_url("https://api.whatsapp.com/send?phone=%2B6281234567890",
		   "phone:+6281234567890");
	expect_url("whatsapp://send?phone=+6281234567890",
		   "phone:+6281234567890");
	expect_url("https://wa.me/message/ABCDEF", "");
	expect_url("tel:+62-812-3456-7890", "phone:+6281234567890");
	expect_url("mailto:Toko@Mail.com?subject=x", "email:toko@mail.com");
	expect_url("https://t.me/joinchat/abc", "");
	expect_url("https://t.me/tokoku", "handle:tg:tokoku");
	expect_url("https://www.instagram.com/Toko.Ku/?hl=id",
		   "handle:ig:toko.ku");
	expect_url("https://m.facebook.com/tokoku.id", "handle:fb:tokoku.id");
	expect_url("https://www.tiktok.com/@toko.ku?lang=id",
		   "handle:tt:toko.ku");
	expect_url("https://mobile.twitter.com/toko_ku", "handle:x:toko_ku");
	expect_url("https://example.com/wa.me/6281234567890", "");
	expect_url("javascript:alert(1)", "");
}

/* ---- bounds and bad bytes
 * -------------------------------------------------------- */

static void test_thousand_numbers(void **state)
{
	struct buf b = BUF_INIT;
	struct ident_list *l;
	int64_t t0;

	(void)state;
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "WA 0812-%04d-%04d · ", i, 7000 + i);
	l = xmalloc(sizeof(*l));
	ident_list_init(l);
	t0 = time_mono_ms();
	ident_scan_text(l, b.p, b.len, IDENT_ZONE_CONTENT, IDENT_W_TEXT);
	assert_int_equal(l->n, IDENT_MAX_PER_PAGE);
	assert_true(l->dropped > 0);
	assert_true(l->n > IDENT_LINK_MAX); /* clustering will not link it */
	assert_true(time_mono_ms() - t0 < 2000);
	/* a page that is one long run of digits and separators */
	buf_reset(&b);
	for (int i = 0; i < 100000; i++)
		buf_puts(&b, "08-");
	ident_list_init(l);
	ident_scan_text(l, b.p, b.len, IDENT_ZONE_CONTENT, IDENT_W_TEXT);
	assert_int_equal(l->n, 0);
	buf_release(&b);
	free(l);
}

static void test_bad_bytes(void **state)
{
	static const char text[] = "\xff\xfe WA:\xc2\xa0"
				   "0812\xc2\xa0"
				   "3456\xc2\xa0"
				   "7890 \xe2\x80 BCA 1234567890\xc3 \xf0\x9f";

	(void)state;
	expect_scan(text, "bank:BCA:1234567890 phone:+6281234567890");
	/* a cut at any byte never reads past the end */
	for (size_t n = 0; n < sizeof(text) - 1; n++) {
		char *p = xmalloc(n ? n : 1);
		struct ident_list *l = xmalloc(sizeof(*l));
		memcpy(p, text, n);
		ident_list_init(l);
		ident_scan_text(l, p, n, IDENT_ZONE_CONTENT, IDENT_W_TEXT);
		free(l);
		free(p);
	}
}

/* ---- pages: zones and the shop's domain
 * --------------------------------------- */

static const char profiles[] = "[pasar]\n"
			       "kind = marketplace\n"
			       "host = pasar.test\n"
			       "listing_url = ^/p/\n"
			       "[tokoku]\n"
			       "kind = webshop\n"
			       "host = www.tokoku.co.id tokoku.co.id\n"
			       "listing_url = ^/produk/\n"
			       "[berita]\n"
			       "kind = news\n"
			       "host = berita.test\n";

static char *page_idents(const char *url, const char *html)
{
	struct extract_profiles *ps = extract_profiles_new();
	struct extract_result er;
	struct ident_list *l = xmalloc(sizeof(*l));
	struct buf errs = BUF_INIT;
	char *s;

	if (extract_profiles_parse(ps, "test.conf", slice_from(profiles),
				   &errs))
		fail_msg("profiles: %s", errs.p);
	extract_page(ps, url, slice_from(html), NULL, &er);
	ident_list_init(l);
	ident_page(l, &er, NULL);
	/* with the document: the zones */
	{
		htmlDocPtr doc = htmlReadMemory(
			html, (int)strlen(html), url, "UTF-8",
			HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
				HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
		ident_list_init(l);
		ident_page(l, &er, doc);
		xmlFreeDoc(doc);
	}
	s = joined(l);
	extract_result_release(&er);
	extract_profiles_free(ps);
	buf_release(&errs);
	free(l);
	return s;
}

static void test_marketplace_page(void **state)
{
	static const char html[] =
		"<html><head><title>Jamu Asli - Pasar</title></head><body>"
		"<header class='top'>Download aplikasi · CS "
		"0811-1500-828</header>"
		"<main><h1>Jamu Asli</h1><div class='price'>Rp 45.000</div>"
		"<div class='desc'>Jamu kuat asli<br>Info &amp; order: WA "
		"0812-3456-7890<br>BCA 1234567890 a.n. Sari</div>"
		"<ul class='comments'><li>mau kak, wa aku ya 0857 1111 2222"
		"</li></ul>"
		"<div class='reply'>minat, ini no ku <a "
		"href='https://wa.me/6285633334444'>wa.me/6285633334444</a>"
		"</div></main>"
		"<footer class='site-footer'>Layanan Pelanggan: WA "
		"0811-9000-777 · cs@pasar.test · <a "
		"href='https://wa.me/628119000777'>chat</a></footer>"
		"</body></html>";
	char *got = page_idents("https://pasar.test/p/jamu-asli", html);

	(void)state;
	assert_string_equal(got, "bank:BCA:1234567890 phone:+6281234567890");
	free(got);
}

static void test_webshop_page(void **state)
{
	static const char html[] =
		"<html><body><header><a href='/'>Toko Ku</a></header>"
		"<div class='product'><h1>Krim Malam</h1><p>Rp 99.000</p>"
		"<p>Pembayaran via Mandiri 836-150-6185643</p></div>"
		"<footer><div class='wa-float'><a "
		"href='https://wa.me/6281952721492'>Chat WhatsApp</a></div>"
		"<a href='https://instagram.com/tokoku.id'>Instagram</a>"
		"<div class='site-info'>Powered by WooToko · "
		"support@wootoko.id "
		"· CS 0811-500-500 · <a href='https://wa.me/628115005000'>"
		"bantuan</a></div></footer></body></html>";
	char *got = page_idents("https://www.tokoku.co.id/produk/krim", html);

	(void)state;
	assert_string_equal(got, "bank:MANDIRI:8361506185643 "
				 "phone:+6281952721492 handle:ig:tokoku.id "
				 "domain:tokoku.co.id");
	free(got);
}

static void test_news_page(void **state)
{
	static const char html[] =
		"<html><body><h1>Peringatan Publik</h1><p>Nomor penipu: WA "
		"0812-3456-7890</p></body></html>";
	char *got = page_idents("https://berita.test/peringatan", html);

	(void)state;
	assert_string_equal(got, "");
	free(got);
}

static void test_domains(void **state)
{
	char out[IDENT_VALUE_MAX];

	(void)state;
	assert_int_equal(ident_domain_of("www.tokoku.co.id", out), 0);
	assert_string_equal(out, "tokoku.co.id");
	assert_int_equal(ident_domain_of("Shop.Example.COM", out), 0);
	assert_string_equal(out, "example.com");
	assert_int_equal(ident_domain_of("127.0.0.1", out), ERR_NOTFOUND);
	assert_int_equal(ident_domain_of("localhost", out), ERR_NOTFOUND);
	assert_int_equal(ident_domain_of("co.id", out), ERR_NOTFOUND);
	assert_int_equal(ident_domain_of("", out), ERR_NOTFOUND);
}

static void test_json(void **state)
{
	struct ident_list *l = scan("WA 0812-3456-7890 · IG: @toko");
	json_t *j = ident_json(l), *s = ident_sources_json(l);
	char *a = json_dumps(j, JSON_COMPACT), *b = json_dumps(s, JSON_COMPACT);

	(void)state;
	assert_string_equal(a, "{\"phone\":[\"+6281234567890\"],\"email\":[],"
			       "\"bank\":[],\"handle\":[\"ig:toko\"],"
			       "\"domain\":[]}");
	assert_non_null(strstr(b, "\"where\":\"text\""));
	assert_non_null(strstr(b, "\"cue\":true"));
	free(a);
	free(b);
	json_decref(j);
	json_decref(s);
	free(l);
}

/* ---- the stop list file
 * ---------------------------------------------------------- */

static void test_stoplist(void **state)
{
	struct stoplist *s = stoplist_new();
	struct buf errs = BUF_INIT;
	static const char good[] = "# comment\n\n"
				   "phone:0812-3456-7890\n"
				   "email:*@tokopedia.com\n"
				   "handle:IG:Shopee_ID\n"
				   "bank:bca:1234567890\n"
				   "phone:+62800*\n"
				   "domain:shopee.co.id   \n";
	static const char bad[] = "phone:+6281234567890\n"
				  "fax:12345\n"
				  "email:\n"
				  "email:a*b@c.com\n"
				  "phone:12\n"
				  "email:caf\xc3\xa9@x.com\n"
				  "domain:a b\n"
				  "nocolonhere\n";

	(void)state;
	assert_int_equal(stoplist_parse(s, "good.txt", slice_from(good), &errs),
			 0);
	assert_int_equal(stoplist_count(s), 6);
	assert_true(stoplist_match(s, IDENT_PHONE, "+6281234567890"));
	assert_false(stoplist_match(s, IDENT_PHONE, "+6281234567891"));
	assert_true(stoplist_match(s, IDENT_EMAIL, "care@tokopedia.com"));
	assert_false(stoplist_match(s, IDENT_EMAIL, "care@tokopedia.co"));
	assert_false(stoplist_match(s, IDENT_HANDLE, "care@tokopedia.com"));
	assert_true(stoplist_match(s, IDENT_HANDLE, "ig:shopee_id"));
	assert_true(stoplist_match(s, IDENT_BANK, "BCA:1234567890"));
	assert_true(stoplist_match(s, IDENT_PHONE, "+628001522722"));
	assert_true(stoplist_match(s, IDENT_DOMAIN, "shopee.co.id"));
	assert_int_equal(strlen(stoplist_digest(s)), SHA256_HEX_LEN);
	/* garbage: every bad line reported with its number, nothing kept */
	assert_int_equal(stoplist_parse(s, "bad.txt", slice_from(bad), &errs),
			 ERR_INPUT);
	assert_non_null(strstr(errs.p, "bad.txt:2: unknown kind"));
	assert_non_null(strstr(errs.p, "bad.txt:3: empty value"));
	assert_non_null(strstr(errs.p, "bad.txt:4: '*' only"));
	assert_non_null(strstr(errs.p, "bad.txt:5: not an Indonesian phone"));
	assert_non_null(strstr(errs.p, "bad.txt:6: not ASCII"));
	assert_non_null(strstr(errs.p, "bad.txt:7: a space"));
	assert_non_null(strstr(errs.p, "bad.txt:8: expected kind:value"));
	assert_null(strstr(errs.p, "bad.txt:1:"));
	assert_int_equal(stoplist_count(s), 6);
	buf_release(&errs);
	/* the file shipped with patroli parses */
	assert_int_equal(
		stoplist_load(s, "data/stoplist/identifiers.txt", &errs), 0);
	buf_release(&errs);
	stoplist_free(s);
}

static void test_stoplist_limits(void **state)
{
	struct stoplist *s = stoplist_new();
	struct buf text = BUF_INIT, errs = BUF_INIT;

	(void)state;
	for (int i = 0; i < STOPLIST_MAX_ENTRIES + 5; i++)
		buf_printf(&text, "email:user%d@x.com\n", i);
	assert_int_equal(stoplist_parse(s, "big.txt", buf_slice(&text), &errs),
			 ERR_INPUT);
	assert_non_null(strstr(errs.p, "too many entries"));
	assert_int_equal(stoplist_count(s), 0);
	/* at most 20 messages, then a count */
	buf_reset(&text);
	buf_reset(&errs);
	for (int i = 0; i < 30; i++)
		buf_puts(&text, "fax:1\n");
	assert_int_equal(stoplist_parse(s, "junk.txt", buf_slice(&text), &errs),
			 ERR_INPUT);
	assert_non_null(strstr(errs.p, "junk.txt:20: unknown kind"));
	assert_null(strstr(errs.p, "junk.txt:21:"));
	assert_non_null(strstr(errs.p, "junk.txt: 10 more errors"));
	buf_release(&text);
	buf_release(&errs);
	stoplist_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone_writings),
		cmocka_unit_test(test_phone_not_phones),
		cmocka_unit_test(test_phone_in_text),
		cmocka_unit_test(test_numbers_that_are_not_phones),
		cmocka_unit_test(test_courier_and_cues),
		cmocka_unit_test(test_banks),
		cmocka_unit_test(test_wallets),
		cmocka_unit_test(test_handles),
		cmocka_unit_test(test_emails),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_thousand_numbers),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_marketplace_page),
		cmocka_unit_test(test_webshop_page),
		cmocka_unit_test(test_news_page),
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_stoplist),
		cmocka_unit_test(test_stoplist_limits),
	};

	log_set_level(LOG_WARN);
	return cmocka_run_group_tests_name("ident", tests, NULL, NULL);
}
