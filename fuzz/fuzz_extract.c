/*
 * fuzz_extract.c - libFuzzer harness for listing extraction and the
 * platform-profile parser.
 *
 * An input that starts with "#conf" is a profile file: it is parsed into a
 * fresh profile set and, when it loads, used once to extract a small fixed
 * page, so that a fuzzed regex or XPath also runs.  Any other input is a
 * page (UTF-8 HTML or not: extraction must stay defensive) extracted under
 * a URL chosen by the first byte: a host with a profile that uses every
 * XPath key, a social profile, or an unknown host (the generic profile).
 * The price parser also reads the first 256 bytes.
 *
 * Invariants checked beyond ASan/UBSan: every string in the result is
 * valid UTF-8 and every field's len matches its text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "extract/extract.h"
#include "extract/extract_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct extract_profiles *profiles;

static const char conf[] =
	"[fz-market]\n"
	"kind = marketplace\n"
	"host = fuzz.example\n"
	"listing_url = ^/p/[0-9]+\n"
	"not_listing_url = ^/(cari|kategori)/\n"
	"title = //h1\n"
	"title = string(//title)\n"
	"price = //*[contains(@class,'price')]\n"
	"currency = //meta[@itemprop='priceCurrency']/@content\n"
	"seller = //*[contains(@class,'seller')]//a\n"
	"seller_url = //*[contains(@class,'seller')]//a/@href\n"
	"brand = //*[@itemprop='brand']\n"
	"description = //*[contains(@class,'desc')]\n"
	"listing_marker = //form[contains(@action,'cart')]\n"
	"not_listing_marker = count(//a) > 50\n"
	"[fz-social]\n"
	"kind = social\n"
	"host = social.example\n"
	"candidate_url = ^/s/\n"
	"description = //article\n"
	"[fz-default]\n"
	"default = yes\n"
	"listing_url = /produk/\n";

static const char page[] =
	"<html><head><title>T</title></head><body><h1>Judul</h1>"
	"<div class='price'>Rp 10.000</div><div class='seller'><a "
	"href='/t'>Toko</a></div><p class='desc'>Isi</p></body></html>";

static const char *const urls[] = {
	"https://fuzz.example/p/1",
	"https://www.fuzz.example/kategori/x",
	"https://social.example/s/2",
	"http://127.0.0.1:8000/produk/a/",
	"",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_ERROR + 1); /* profile errors are expected */
	profiles = extract_profiles_new();
	struct buf err;
	buf_init(&err, 0);
	if (extract_profiles_parse(profiles, "fuzz.conf",
				   (struct slice){conf, sizeof(conf) - 1},
				   &err) < 0)
		die("fuzz.conf: %s", err.p);
	buf_release(&err);
	return 0;
}

static void check_str(const char *s)
{
	if (s && ex_utf8_valid_prefix(s, strlen(s)) != strlen(s))
		abort();
}

static void check(const struct extract_result *r)
{
	check_str(r->title);
	check_str(r->description);
	check_str(r->brand);
	check_str(r->seller);
	check_str(r->seller_url);
	check_str(r->price_text);
	check_str(r->text);
	if (r->text && strlen(r->text) != r->text_len)
		abort();
	for (size_t i = 0; i < r->n_fields; i++) {
		check_str(r->fields[i].text);
		if (strlen(r->fields[i].text) != r->fields[i].len)
			abort();
	}
	for (size_t i = 0; i < r->n_props; i++) {
		check_str(r->props[i].name);
		check_str(r->props[i].value);
	}
	for (size_t i = 0; i < r->n_image_alts; i++)
		check_str(r->image_alts[i]);
	if (r->n_notes > EXTRACT_MAX_NOTES || r->n_props > EXTRACT_MAX_PROPS ||
	    r->n_image_alts > EXTRACT_MAX_ALTS)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct extract_result r;
	double amount;
	const char *cur;

	extract_parse_price((struct slice){(const char *)data, MIN(size, 256)},
			    &amount, &cur);
	if (size >= 5 && !memcmp(data, "#conf", 5)) {
		struct extract_profiles *ps = extract_profiles_new();
		struct buf err;
		buf_init(&err, 0);
		if (extract_profiles_parse(
			    ps, "input.conf",
			    (struct slice){(const char *)data, size},
			    &err) == 0) {
			for (size_t i = 0; i < ARRAY_LEN(urls); i++) {
				extract_page(
					ps, urls[i],
					(struct slice){page, sizeof(page) - 1},
					NULL, &r);
				check(&r);
				extract_result_release(&r);
			}
		}
		buf_release(&err);
		extract_profiles_free(ps);
		return 0;
	}
	const char *url = urls[size ? data[0] % ARRAY_LEN(urls) : 0];
	extract_page(profiles, url, (struct slice){(const char *)data, size},
		     NULL, &r);
	check(&r);
	extract_result_release(&r);
	return 0;
}
