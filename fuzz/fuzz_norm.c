/*
 * fuzz_norm.c - libFuzzer harness for text normalisation (detect/norm.h).
 *
 * The first byte picks the flags; the rest is normalised twice, into an
 * empty struct and appended after a separator with a base offset.  Checks
 * the contract: NUL-terminated output no longer than 4 bytes per input
 * byte, every map entry inside the input (shifted by the base) and never
 * decreasing, and normalisation idempotent on its own output for the fold
 * step (flags 0).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "detect/norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_map(const struct norm *n, size_t from, size_t base,
		      size_t len)
{
	for (size_t i = from; i < n->len; i++) {
		if (n->map[i] < base || n->map[i] >= base + (len ? len : 1))
			abort();
		if (i > from && n->map[i] < n->map[i - 1])
			abort();
	}
	if (n->text[n->len] != '\0')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct norm n;
	unsigned flags;
	const char *in;
	size_t len, first;

	if (!size)
		return 0;
	flags = data[0] & NORM_DETECT;
	in = (const char *)data + 1;
	len = size - 1;
	norm_init(&n);
	if (norm_append(&n, in, len, 0, flags))
		abort();
	if (n.len > 4 * len)
		abort();
	check_map(&n, 0, 0, len);
	first = n.len;
	norm_append_sep(&n, '\n', (uint32_t)len);
	if (norm_append(&n, in, len, 1000, flags))
		abort();
	check_map(&n, first + 1, 1000, len);
	if (flags == 0 && first) {
		/* folding folded text changes nothing */
		char *once = xstrndup(n.text, first);
		char *twice = norm_string(once, 0);
		if (strcmp(once, twice))
			abort();
		free(once);
		free(twice);
	}
	norm_release(&n);
	return 0;
}
