/*
 * rules.c - `patroli rules ...`: check, list, export, try and benchmark the
 * detection rules (data/rules/, docs/rules.md).
 *
 *   rules check [FILE...]   parse and compile; errors as FILE:LINE: what
 *   rules list              every rule, class and cue set
 *   rules patterns          one regex per line, for grep -E -i -f
 *   rules scan [TEXT...]    run the whole detection on listings given as
 *                           arguments or as JSON lines on stdin
 *   rules bench FILE        normalise FILE, then time the rule scan alone
 *
 * The rule directory is --rules DIR, else $PATROLI_RULES, else data/rules.
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect/detect.h"
#include "detect/norm.h"
#include "detect/rules.h"
#include "store/store.h"

static const char *rules_dir(const struct cmd_ctx *c)
{
	const char *env = getenv("PATROLI_RULES");

	return cmd_str(c, "rules", env && *env ? env : "data/rules");
}

/* Load and compile; errors go to stderr.  NULL on failure. */
static struct rules *load(const struct cmd_ctx *c, char **files, int n)
{
	struct rules *r = rules_new();
	struct buf err = BUF_INIT;
	int rc = 0;

	buf_init(&err, 0);
	if (n) {
		for (int i = 0; i < n; i++) {
			int r1 = rules_load_file(r, files[i], &err);
			if (r1 && !rc)
				rc = r1;
		}
	} else {
		rc = rules_load_dir(r, rules_dir(c), &err);
	}
	if (!rc)
		rc = rules_compile(r, &err);
	if (err.len)
		fputs(err.p, stderr);
	buf_release(&err);
	if (rc) {
		rules_free(r);
		return NULL;
	}
	return r;
}

static const struct cmd_opt dir_opts[] = {
	{"rules", OPT_STR, "DIR", "rule directory (default data/rules)"},
	{0},
};

static int check_run(struct cmd_ctx *c)
{
	struct rules *r = load(c, c->argv, c->argc);
	size_t nr, nc, np, ncomp, nph;

	if (!r)
		return 1;
	rules_counts(r, &nr, &nc, &np, &ncomp, &nph);
	printf("ok: %zu rules, %zu commodity classes; %zu distinct patterns "
	       "(%zu compiled) in one Hyperscan database, %zu class and cue "
	       "phrases\n",
	       nr, nc, np, ncomp, nph);
	rules_free(r);
	return 0;
}

static const struct cmd cmd_rules_check = {
	.name = "check",
	.summary = "parse and compile rule files; report errors with file:line",
	.usage = "[FILE.rules...]",
	.help = "Without FILE, checks every .rules file of the rule "
		"directory.  Files given together are checked as one set, so "
		"references between them (lists, cue sets) resolve.  Errors: "
		"bad regex, unknown violation code or commodity, duplicate "
		"id, missing source, unresolved names.  Exit 1 on any error.",
	.opts = dir_opts,
	.min_args = 0,
	.max_args = -1,
	.run = check_run,
};

static int list_run(struct cmd_ctx *c)
{
	struct rules *r = load(c, NULL, 0);

	if (!r)
		return 1;
	rules_describe(r, stdout);
	rules_free(r);
	return 0;
}

static const struct cmd cmd_rules_list = {
	.name = "list",
	.summary = "list every rule, commodity class and cue set",
	.opts = dir_opts,
	.max_args = 0,
	.run = list_run,
};

static int patterns_run(struct cmd_ctx *c)
{
	struct rules *r = load(c, NULL, 0);

	if (!r)
		return 1;
	rules_export_patterns(r, stdout);
	rules_free(r);
	return 0;
}

static const struct cmd cmd_rules_patterns = {
	.name = "patterns",
	.summary = "print the compiled patterns, one per line (grep -E -f)",
	.help = "The same expressions the Hyperscan database holds, over the "
		"normalised text; bench/rules-scan.sh feeds them to grep -E "
		"-i -f for the speed comparison.",
	.opts = dir_opts,
	.max_args = 0,
	.run = patterns_run,
};

/* ---- scan ---------------------------------------------------------------- */

static json_t *jtext(const char *s)
{
	json_t *j = json_string(s);

	return j ? j : json_string("\xEF\xBF\xBD");
}

static json_t *result_json(const struct detect_result *res,
			   const struct detect_field *f)
{
	json_t *o = json_object(), *v = json_array(), *rs = json_array(),
	       *ns = json_array();

	json_object_set_new(o, "commodity",
			    json_string(commodity_name(res->commodity)));
	json_object_set_new(o, "commodity_by", json_string(res->commodity_by));
	for (int k = 0; k < V__COUNT; k++)
		if (res->codes & (1u << k))
			json_array_append_new(
				v, json_string(vcode_name((enum vcode)k)));
	json_object_set_new(o, "violations", v);
	json_object_set_new(o, "risk", json_integer(res->risk));
	for (size_t i = 0; i < res->nreasons; i++) {
		const struct detect_reason *r = &res->reasons[i];
		json_t *x = json_object();
		json_object_set_new(x, "code",
				    json_string(vcode_name(r->code)));
		json_object_set_new(x, "rule", json_string(r->rule));
		json_object_set_new(x, "snippet", jtext(r->snippet));
		json_object_set_new(x, "field",
				    r->field >= 0
					    ? json_string(f[r->field].name)
					    : json_null());
		json_object_set_new(x, "offset",
				    r->field >= 0
					    ? json_integer((json_int_t)r->off)
					    : json_null());
		json_array_append_new(rs, x);
	}
	json_object_set_new(o, "reasons", rs);
	for (size_t i = 0; i < res->nnies; i++) {
		const struct detect_nie *n = &res->nies[i];
		json_t *x = json_object();
		json_object_set_new(x, "raw", jtext(n->raw));
		json_object_set_new(x, "normalized", json_string(n->m.norm));
		json_object_set_new(
			x, "commodity",
			n->m.commodity != COM_OTHER
				? json_string(commodity_name(n->m.commodity))
				: json_null());
		json_object_set_new(x, "format_ok",
				    json_boolean(n->m.format_ok));
		json_object_set_new(x, "verdict",
				    json_string(verdict_name(n->verdict)));
		json_object_set_new(x, "registered",
				    json_boolean(n->registered));
		json_object_set_new(x, "mismatch", json_boolean(n->mismatch));
		if (n->why[0])
			json_object_set_new(x, "why", jtext(n->why));
		json_array_append_new(ns, x);
	}
	json_object_set_new(o, "nie", ns);
	if (res->truncated)
		json_object_set_new(o, "truncated", json_true());
	return o;
}

static int scan_one(struct detector *d, const struct detect_opts *o,
		    const struct detect_field *f, size_t n, json_t *echo)
{
	struct detect_result res;
	json_t *j;
	char *line;

	if (detect_listing(d, f, n, o, &res))
		return ERR_FAIL;
	j = result_json(&res, f);
	if (echo)
		json_object_set(j, "id", echo);
	line = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	puts(line ? line : "{}");
	free(line);
	json_decref(j);
	return 0;
}

/* One JSON line: {"title": "...", "description": "...", ...} (string or
 * array-of-strings values) or {"fields": [{"name","text"}, ...]}. */
static int scan_json_line(struct detector *d, const struct detect_opts *o,
			  const char *line, size_t lineno)
{
	json_error_t err;
	json_t *j = json_loads(line, JSON_DECODE_ANY, &err), *arr, *v;
	struct detect_field f[256];
	size_t n = 0, i;
	const char *k;
	int rc;

	if (!j || !json_is_object(j)) {
		fprintf(stderr, "stdin:%zu: not a JSON object: %s\n", lineno,
			j ? "" : err.text);
		json_decref(j);
		return ERR_INPUT;
	}
	if ((arr = json_object_get(j, "fields")) && json_is_array(arr)) {
		json_array_foreach(arr, i, v)
		{
			json_t *nm = json_object_get(v, "name"),
			       *tx = json_object_get(v, "text");
			if (n < ARRAY_LEN(f) && json_is_string(nm) &&
			    json_is_string(tx))
				f[n++] = (struct detect_field){
					json_string_value(nm),
					json_string_value(tx),
					json_string_length(tx)};
		}
	} else {
		json_object_foreach(j, k, v)
		{
			if (json_is_string(v) && n < ARRAY_LEN(f) &&
			    strcmp(k, "id"))
				f[n++] = (struct detect_field){
					k, json_string_value(v),
					json_string_length(v)};
			else if (json_is_array(v)) {
				json_t *e;
				json_array_foreach(v, i,
						   e) if (json_is_string(e) &&
							  n < ARRAY_LEN(f))
					f[n++] = (struct detect_field){
						k, json_string_value(e),
						json_string_length(e)};
			}
		}
	}
	rc = scan_one(d, o, f, n, json_object_get(j, "id"));
	json_decref(j);
	return rc;
}

static int scan_run(struct cmd_ctx *c)
{
	struct rules *r = load(c, NULL, 0);
	struct detect_opts o = {0};
	struct detector *d;
	int status = 0;

	if (!r)
		return 1;
	if (!cmd_flag(c, "no-registry")) {
		o.lookup = detect_store_lookup;
		o.lookup_arg = cmd_store(c);
	}
	o.now_ms = cmd_int(c, "now", 0) * 1000;
	d = detector_new(r);
	if (c->argc) {
		struct detect_field f[64];
		size_t n = 0;
		const char *title = cmd_str(c, "title", NULL);
		if (title)
			f[n++] = (struct detect_field){"title", title,
						       strlen(title)};
		for (int i = 0; i < c->argc && n < ARRAY_LEN(f); i++)
			f[n++] = (struct detect_field){"text", c->argv[i],
						       strlen(c->argv[i])};
		if (scan_one(d, &o, f, n, NULL))
			status = 1;
	} else {
		char *line = NULL;
		size_t cap = 0, lineno = 0;
		ssize_t len;
		while ((len = getline(&line, &cap, stdin)) > 0) {
			lineno++;
			if (len <= 1)
				continue;
			int rc = scan_json_line(d, &o, line, lineno);
			if (rc == ERR_FAIL) {
				status = 1;
				break;
			}
			if (rc)
				status = 1;
		}
		free(line);
	}
	detector_free(d);
	rules_free(r);
	return status;
}

static const struct cmd_opt scan_opts[] = {
	{"rules", OPT_STR, "DIR", "rule directory (default data/rules)"},
	{"title", OPT_STR, "TEXT", "the listing's title (with TEXT args)"},
	{"no-registry", OPT_FLAG, NULL,
	 "do not open the store: every number is unknown"},
	{"now", OPT_INT, "EPOCH", "analysis time in seconds (default now)"},
	{0},
};

static const struct cmd cmd_rules_scan = {
	.name = "scan",
	.summary = "run detection on listings (arguments or JSON lines)",
	.usage = "[TEXT...]",
	.help = "With TEXT arguments: one listing whose visible text they are "
		"(--title for its title).  Without: one listing per JSON line "
		"on stdin, {\"title\": ..., \"description\": ..., "
		"\"image_alt\": [...]} or {\"fields\": [{\"name\", "
		"\"text\"}]}; "
		"an \"id\" member is echoed.  Prints one JSON line per "
		"listing: commodity, violations, risk, reasons (code, rule, "
		"snippet, field, offset) and the numbers found with their "
		"verdicts.",
	.opts = scan_opts,
	.min_args = 0,
	.max_args = -1,
	.run = scan_run,
};

/* ---- bench --------------------------------------------------------------- */

static int bench_run(struct cmd_ctx *c)
{
	struct rules *r = load(c, NULL, 0);
	const char *out = cmd_str(c, "normalized-out", NULL);
	int64_t repeat = cmd_int(c, "repeat", 5);
	struct buf in = BUF_INIT;
	struct norm nm;
	struct rules_scratch *s;
	uint64_t matches = 0;
	int64_t t0, best = INT64_MAX, best_wall = 0;
	int status = 1;

	if (!r)
		return 1;
	norm_init(&nm);
	buf_init(&in, (size_t)1 << 31);
	if (buf_read_file(&in, c->argv[0])) {
		fprintf(stderr, "patroli rules bench: cannot read %s\n",
			c->argv[0]);
		goto out;
	}
	t0 = time_mono_ms();
	if (norm_append(&nm, in.p, in.len, 0, NORM_DETECT)) {
		fprintf(stderr, "patroli rules bench: %s too large\n",
			c->argv[0]);
		goto out;
	}
	fprintf(stderr, "normalised %zu bytes -> %zu bytes in %.2f s\n", in.len,
		nm.len, (time_mono_ms() - t0) / 1000.0);
	if (out) {
		FILE *f = fopen(out, "wb");
		if (!f || fwrite(nm.text, 1, nm.len, f) != nm.len ||
		    fclose(f)) {
			fprintf(stderr, "patroli rules bench: %s: %s\n", out,
				strerror(errno));
			goto out;
		}
	}
	s = rules_scratch_new(r);
	/* CPU time of this thread: "per core", and not inflated when other
	 * processes share the machine; wall time printed alongside. */
	for (int64_t i = 0; i < (repeat > 0 ? repeat : 1); i++) {
		struct timespec a, b, wa, wb;
		int64_t t, w;
		clock_gettime(CLOCK_MONOTONIC, &wa);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
		if (rules_scan_raw(r, s, nm.text, nm.len, &matches)) {
			rules_scratch_free(s);
			goto out;
		}
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
		clock_gettime(CLOCK_MONOTONIC, &wb);
		t = (b.tv_sec - a.tv_sec) * 1000000000LL +
		    (b.tv_nsec - a.tv_nsec);
		w = (wb.tv_sec - wa.tv_sec) * 1000000000LL +
		    (wb.tv_nsec - wa.tv_nsec);
		if (t < best) {
			best = t;
			best_wall = w;
		}
	}
	rules_scratch_free(s);
	{
		size_t np, nc;
		rules_counts(r, NULL, NULL, &np, &nc, NULL);
		printf("bytes %zu patterns %zu compiled %zu matches %llu "
		       "cpu_seconds %.6f wall_seconds %.6f MB_per_s %.1f\n",
		       nm.len, np, nc, (unsigned long long)matches, best / 1e9,
		       best_wall / 1e9,
		       best ? nm.len / (best / 1e9) / 1e6 : 0.0);
	}
	status = 0;
out:
	buf_release(&in);
	norm_release(&nm);
	rules_free(r);
	return status;
}

static const struct cmd_opt bench_opts[] = {
	{"rules", OPT_STR, "DIR", "rule directory (default data/rules)"},
	{"repeat", OPT_INT, "N", "scan N times, report the best (default 5)"},
	{"normalized-out", OPT_STR, "FILE",
	 "write the normalised text (what grep should read)"},
	{0},
};

static const struct cmd cmd_rules_bench = {
	.name = "bench",
	.summary = "time the rule scan alone over a file's normalised text",
	.usage = "FILE",
	.help = "Normalises FILE once (not timed), then runs the Hyperscan "
		"database over it --repeat times on one core and prints "
		"'bytes N patterns N compiled N matches N cpu_seconds S "
		"wall_seconds S MB_per_s X' for the best run, MB/s from the "
		"thread's CPU time.  Used by bench/rules-scan.sh.",
	.opts = bench_opts,
	.min_args = 1,
	.max_args = 1,
	.run = bench_run,
};

static const struct cmd *const rules_subs[] = {
	&cmd_rules_check, &cmd_rules_list,  &cmd_rules_patterns,
	&cmd_rules_scan,  &cmd_rules_bench, NULL};

const struct cmd cmd_rules = {
	.name = "rules",
	.summary = "detection rules: check, list, export, scan, bench",
	.subs = rules_subs,
};
