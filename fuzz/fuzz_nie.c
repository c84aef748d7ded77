/*
 * fuzz_nie.c - libFuzzer harness for registration-number parsing
 * (detect/nie.h): nie_find over arbitrary text and nie_parse of the same
 * bytes.  Checks spans lie inside the input and in order, normalised
 * numbers are upper-case letters and digits, and the helpers agree with
 * the parser about commodity and format.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "detect/nie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_norm(const struct nie_match *m)
{
	size_t n = strnlen(m->norm, sizeof(m->norm));

	if (n == sizeof(m->norm))
		abort(); /* not terminated */
	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)m->norm[i]) &&
		    !isdigit((unsigned char)m->norm[i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct nie_match m[8], one;
	size_t n = nie_find(s, size, m, 8), prev_end = 0;

	if (n > 8)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (m[i].start >= m[i].end || m[i].end > size ||
		    m[i].code_start < m[i].start || m[i].start < prev_end)
			abort();
		prev_end = m[i].end;
		check_norm(&m[i]);
		if (!m[i].norm[0])
			abort();
		if (m[i].format_ok != nie_format_ok(m[i].norm))
			abort();
		if (m[i].format_ok &&
		    m[i].commodity != nie_commodity(m[i].norm))
			abort();
	}
	if (!nie_parse(s, size, &one)) {
		check_norm(&one);
		if (one.format_ok != nie_format_ok(one.norm))
			abort();
	}
	return 0;
}
