/*
 * nie.c - `patroli nie check TEXT...`: read registration numbers the way
 * sellers write them and judge each against the registry.
 *
 * One JSON object per line and per TEXT (scripts rely on the keys):
 *   {"input", "normalized", "commodity", "format_ok", "registry",
 *    "verdict"}
 * "registry" is null or the registry row with its "status"; "verdict" is
 * valid, malformed, unknown, revoked or expired (registry.h).  Officers use
 * it to check a number by hand, so the text may carry the words around the
 * number ("No. BPOM: NA18...", "BPOM RI MD ...").  Exit 0 whatever the
 * verdicts; 1 when the store cannot be read.
 */
#include "cmd/cmd.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/nie.h"
#include "registry/registry.h"
#include "store/store.h"

/* JSON strings must be UTF-8: replace each invalid byte with U+FFFD. */
static json_t *jstr(const char *s)
{
	struct buf b = BUF_INIT;
	json_t *j;
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80	    ? 1
			   : (c >> 5) == 6  ? 2
			   : (c >> 4) == 14 ? 3
			   : (c >> 3) == 30 ? 4
					    : 0;
		bool ok = k > 0 && i + k <= n;
		for (size_t j2 = 1; ok && j2 < k; j2++)
			ok = ((unsigned char)s[i + j2] & 0xC0) == 0x80;
		if (ok && k > 1) {
			/* overlong or out-of-range sequences */
			unsigned c1 = (unsigned char)s[i + 1];
			if ((k == 2 && c < 0xC2) ||
			    (k == 3 && c == 0xE0 && c1 < 0xA0) ||
			    (k == 3 && c == 0xED && c1 >= 0xA0) ||
			    (k == 4 && c == 0xF0 && c1 < 0x90) ||
			    (k == 4 && (c > 0xF4 || (c == 0xF4 && c1 >= 0x90))))
				ok = false;
		}
		if (ok) {
			buf_append(&b, s + i, k);
			i += k;
		} else {
			buf_puts(&b, "\xEF\xBF\xBD");
			i++;
		}
	}
	j = json_stringn(b.p ? b.p : "", b.len);
	buf_release(&b);
	return j ? j : json_string("");
}

static json_t *jstr_or_null(const char *s)
{
	return s && *s ? jstr(s) : json_null();
}

static json_t *registry_json(const struct store_registry_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "nie", jstr(r->nie));
	json_object_set_new(o, "nie_display", jstr_or_null(r->nie_display));
	json_object_set_new(o, "product_name", jstr_or_null(r->product_name));
	json_object_set_new(o, "brand", jstr_or_null(r->brand));
	json_object_set_new(o, "commodity", jstr_or_null(r->commodity));
	json_object_set_new(o, "holder", jstr_or_null(r->holder));
	json_object_set_new(o, "status", jstr_or_null(r->status));
	json_object_set_new(o, "valid_until", jstr_or_null(r->valid_until));
	return o;
}

static int check_one(struct store *st, const char *text, int64_t now)
{
	struct nie_match m;
	struct store_registry_row row;
	bool found = !nie_parse(text, strlen(text), &m), reg = false;
	json_t *o = json_object();
	enum nie_verdict v;
	char *line;
	int rc = 0;

	if (found && m.format_ok) {
		rc = store_registry_get(st, m.norm, &row);
		if (rc && rc != ERR_NOTFOUND) {
			json_decref(o);
			return rc;
		}
		reg = !rc;
		rc = 0;
	}
	v = found ? registry_verdict(&m, reg ? &row : NULL, now)
		  : VERDICT_MALFORMED;
	json_object_set_new(o, "input", jstr(text));
	json_object_set_new(o, "normalized", jstr_or_null(m.norm));
	json_object_set_new(o, "commodity",
			    found && m.commodity != COM_OTHER
				    ? json_string(commodity_name(m.commodity))
				    : json_null());
	json_object_set_new(o, "format_ok", json_boolean(found && m.format_ok));
	json_object_set_new(o, "registry",
			    reg ? registry_json(&row) : json_null());
	json_object_set_new(o, "verdict", json_string(verdict_name(v)));
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	puts(line);
	free(line);
	json_decref(o);
	return rc;
}

static int nie_check_run(struct cmd_ctx *c)
{
	struct store *st = cmd_store(c);
	int64_t now = time_now_ms();

	for (int i = 0; i < c->argc; i++)
		if (check_one(st, c->argv[i], now))
			return 1;
	return 0;
}

static const struct cmd nie_check = {
	.name = "check",
	.summary = "parse registration numbers and check them against the "
		   "registry",
	.usage = "TEXT...",
	.help = "Each TEXT is a number as a seller would write it (\"BPOM RI "
		"MD 224510107115\", \"POM TR 123 456 789\", \"No. BPOM: "
		"NA18...\", \"P-IRT 1234567890123-45\").  Prints one JSON "
		"line per TEXT: input, normalized, commodity, format_ok, "
		"registry (null or the row, with its status) and verdict "
		"(valid, malformed, unknown, revoked, expired).  Expiry is "
		"judged at today's date in WIB.",
	.min_args = 1,
	.max_args = -1,
	.run = nie_check_run,
};

static const struct cmd *const nie_subs[] = {&nie_check, NULL};

const struct cmd cmd_nie = {
	.name = "nie",
	.summary = "registration numbers (NIE): parse and verify",
	.subs = nie_subs,
};
