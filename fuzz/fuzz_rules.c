/*
 * fuzz_rules.c - libFuzzer harness for the rule-file parser and compiler
 * (detect/rules.h).
 *
 * The input is parsed as a rule file after a fixed preamble that defines
 * cue sets and a list, so fuzzed rules can reference them; when it
 * compiles, the input itself is scanned and evaluated for every
 * commodity.  Errors must always name "fuzz.rules:" and a line; hits must
 * lie inside the scanned text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "detect/norm.h"
#include "detect/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char preamble[] = "cues neg\n"
			       "\tsource s\n"
			       "\tkind before window 4 commas yes default yes "
			       "stop brk\n"
			       "\tword tidak mengandung, bebas\n"
			       "cues brk\n"
			       "\tsource s\n"
			       "\tkind break\n"
			       "\tword mengandung\n"
			       "list names\n"
			       "\tsource s\n"
			       "\tprefix sildenafil\n";

static size_t text_len;

static void on_hit(void *arg, const struct rules_hit *h)
{
	if (h->from > h->to || h->to > text_len || !h->id || !h->source)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules *r = rules_new();
	struct buf e = BUF_INIT;
	struct slice in = {(const char *)data, size};

	buf_init(&e, 0);
	if (rules_parse(r, "pre.rules", SLICE_LIT(preamble), &e))
		abort();
	if (rules_parse(r, "fuzz.rules", in, &e) == 0 &&
	    rules_compile(r, &e) == 0) {
		struct rules_scratch *s = rules_scratch_new(r);
		char *t = xstrndup(in.p, in.n);
		char *nt = norm_string(t, NORM_DETECT);
		int title[COM__COUNT], body[COM__COUNT], text[COM__COUNT];
		text_len = strlen(nt);
		if (rules_scan(r, s, nt, text_len, NULL, 0))
			abort();
		rules_classes(r, s, title, body, text, NULL, 0);
		for (int c = 0; c < COM__COUNT; c++)
			rules_eval(r, s, (enum commodity)c, on_hit, NULL);
		rules_scratch_free(s);
		free(nt);
		free(t);
	} else if (!e.len || !strstr(e.p, ".rules:")) {
		abort();
	}
	buf_release(&e);
	rules_free(r);
	return 0;
}
