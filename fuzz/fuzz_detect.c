/*
 * fuzz_detect.c - libFuzzer harness for the whole detection pipeline
 * (detect/detect.h) with the shipped rules (data/rules, so run it from the
 * repository root) and no registry.
 *
 * The input is split at NUL bytes into fields, named in turn title,
 * description, seller, og_title, image_alt, property, text, so that seller
 * masking, ingredient lists, numbers and every rule meet hostile text.
 * Checks: reasons point inside their field, snippets are NUL-terminated,
 * the risk is 0..100 and 0 exactly when there is no code, goods of
 * commodity "other" get no code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "detect/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"title",	"description", "seller",
				    "og_title", "image_alt",   "property",
				    "text"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rules *r;
	static struct detector *d;
	struct detect_field f[16];
	struct detect_opts o = {.now_ms = 1747267200000LL};
	struct detect_result res;
	size_t n = 0, start = 0;

	if (!r) {
		struct buf e = BUF_INIT;
		buf_init(&e, 0);
		r = rules_new();
		if (rules_load_dir(r, "data/rules", &e) ||
		    rules_compile(r, &e)) {
			fprintf(stderr, "%s", e.p);
			abort();
		}
		buf_release(&e);
		d = detector_new(r);
	}
	for (size_t i = 0; i <= size && n < ARRAY_LEN(f); i++) {
		if (i < size && data[i])
			continue;
		f[n] = (struct detect_field){names[n % ARRAY_LEN(names)],
					     (const char *)data + start,
					     i - start};
		n++;
		start = i + 1;
	}
	if (detect_listing(d, f, n, &o, &res))
		abort();
	if (res.risk < 0 || res.risk > 100 || (!res.codes) != (!res.risk))
		abort();
	if (res.commodity == COM_OTHER && res.codes)
		abort();
	for (size_t i = 0; i < res.nreasons; i++) {
		const struct detect_reason *x = &res.reasons[i];
		if (x->field >= (int)n ||
		    (x->field >= 0 && x->off + x->len > f[x->field].len))
			abort();
		if (!memchr(x->snippet, '\0', sizeof(x->snippet)))
			abort();
	}
	for (size_t i = 0; i < res.nnies; i++)
		if (res.nies[i].m.end > f[res.nies[i].field].len)
			abort();
	return 0;
}
