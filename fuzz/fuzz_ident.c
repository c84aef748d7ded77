/*
 * fuzz_ident.c - libFuzzer harness for identifier extraction
 * (src/profile/ident.h) and the stop list (src/profile/stoplist.h).
 *
 * The first byte picks the entry point: text as page content, text as a
 * shop's footer, a URL, one written phone number, a stop-list file, or a
 * whole HTML page (parsed, extracted, then scanned by zones).  Every
 * identifier found must be in its normal form: phones "+62" and 9-12
 * digits, e-mails lower case with one "@", banks "CODE:digits" or
 * "WALLET:+62...", handles with a known prefix, all printable ASCII
 * without spaces; the list never holds more than its cap nor a repeat.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "extract/extract.h"
#include "html/html.h"
#include "profile/ident.h"
#include "profile/stoplist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_phone(const char *v)
{
	size_t n = strlen(v);

	if (n < 11 || n > 15 || strncmp(v, "+62", 3))
		abort();
	for (size_t i = 3; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			abort();
	if (v[3] == '0' || v[3] == '1')
		abort();
}

static void check_value(const struct ident *id)
{
	const char *v = id->value, *c;
	size_t n = strnlen(v, IDENT_VALUE_MAX);

	if (!n || n == IDENT_VALUE_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f)
			abort();
	switch (id->kind) {
	case IDENT_PHONE:
		check_phone(v);
		break;
	case IDENT_EMAIL:
		c = strchr(v, '@');
		if (!c || strchr(c + 1, '@') || c == v)
			abort();
		for (size_t i = 0; i < n; i++)
			if (v[i] >= 'A' && v[i] <= 'Z')
				abort();
		break;
	case IDENT_BANK:
		c = strchr(v, ':');
		if (!c || c == v)
			abort();
		for (const char *p = v; p < c; p++)
			if (*p < 'A' || *p > 'Z')
				abort();
		if (c[1] == '+')
			check_phone(c + 1);
		else
			for (const char *p = c + 1; *p; p++)
				if (*p < '0' || *p > '9')
					abort();
		break;
	case IDENT_HANDLE:
		if (strncmp(v, "ig:", 3) && strncmp(v, "tg:", 3) &&
		    strncmp(v, "tt:", 3) && strncmp(v, "x:", 2) &&
		    strncmp(v, "fb:", 3))
			abort();
		for (size_t i = 0; i < n; i++)
			if (v[i] >= 'A' && v[i] <= 'Z')
				abort();
		break;
	case IDENT_DOMAIN:
		if (!strchr(v, '.'))
			abort();
		break;
	default:
		abort();
	}
}

static void check_list(const struct ident_list *l)
{
	if (l->n > IDENT_MAX_PER_PAGE)
		abort();
	for (size_t i = 0; i < l->n; i++) {
		check_value(&l->v[i]);
		for (size_t k = 0; k < i; k++)
			if (l->v[k].kind == l->v[i].kind &&
			    !strcmp(l->v[k].value, l->v[i].value))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ident_list l;
	const char *s = (const char *)data + 1;
	size_t n = size ? size - 1 : 0;
	char out[IDENT_VALUE_MAX];

	if (!size)
		return 0;
	ident_list_init(&l);
	switch (data[0] % 6) {
	case 0:
		ident_scan_text(&l, s, n, IDENT_ZONE_CONTENT, IDENT_W_TEXT);
		break;
	case 1:
		ident_scan_text(&l, s, n, IDENT_ZONE_CHROME, IDENT_W_FOOTER);
		break;
	case 2: {
		char *u = xstrndup(s, n);
		ident_scan_url(&l, u, strlen(u), IDENT_W_LINK, true);
		free(u);
		break;
	}
	case 3:
		if (!ident_phone_norm(s, n, data[0] & 8, out)) {
			struct ident id = {.kind = IDENT_PHONE};
			memcpy(id.value, out, sizeof(out));
			check_value(&id);
		}
		break;
	case 4: {
		struct stoplist *sl = stoplist_new();
		struct buf errs = BUF_INIT;
		if (!stoplist_parse(sl, "fuzz", (struct slice){s, n}, &errs))
			stoplist_match(sl, IDENT_EMAIL, "a@b.co");
		buf_release(&errs);
		stoplist_free(sl);
		break;
	}
	default: {
		struct extract_result er;
		struct buf utf8 = BUF_INIT;
		htmlDocPtr doc;
		html_to_utf8(NULL, (struct slice){s, n}, &utf8, NULL);
		doc = html_parse(buf_slice(&utf8),
				 "https://toko.example.co.id/p");
		extract_page(NULL, "https://toko.example.co.id/p",
			     buf_slice(&utf8), doc, &er);
		ident_page(&l, &er, doc);
		extract_result_release(&er);
		html_free(doc);
		buf_release(&utf8);
	}
	}
	check_list(&l);
	return 0;
}
