/*
 * analyze.c - evidence record → listing → finding (see analyze.h).
 */
#include "analyze/analyze.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "detect/detect.h"
#include "extract/extract.h"
#include "html/html.h"
#include "profile/ident.h"
#include "store/store.h"
#include "warc/warc.h"

#define ANALYZE_MAX_BODY (8u << 20)
#define ANALYZE_BATCH	 256

struct analyzer {
	struct extract_profiles *profiles;
	struct rules *rules;
	struct detector *det;
	/* the WARC file being read, kept open across consecutive records */
	struct warc_reader *reader;
	char *reader_path;
	struct buf body, utf8;
};

static bool is_dir(const char *p)
{
	struct stat sb;

	return !stat(p, &sb) && S_ISDIR(sb.st_mode);
}

static bool has_rules(const char *dir)
{
	char *p = xasprintf("%s/rules", dir);
	bool ok = is_dir(p);

	free(p);
	return ok;
}

const char *analyze_share_dir(void)
{
	static char found[4096];
	const char *env = getenv("PATROLI_SHARE");
	char exe[2048];
	ssize_t n;

	if (env && *env && has_rules(env))
		return env;
	if (has_rules("data"))
		return "data";
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(found, sizeof(found), "%s/data", exe);
			if (has_rules(found))
				return found;
		}
	}
	if (has_rules("/usr/local/share/patroli"))
		return "/usr/local/share/patroli";
	if (has_rules("/usr/share/patroli"))
		return "/usr/share/patroli";
	return NULL;
}

int analyzer_new(const char *share, struct analyzer **out)
{
	struct analyzer *a = xcalloc(1, sizeof(*a));
	struct buf errs = BUF_INIT;
	char dir[4096];
	int rc = 0;

	if (!share && !(share = analyze_share_dir())) {
		free(a);
		return log_fail("no rules found: set PATROLI_SHARE to the "
				"directory holding rules/ and platforms/");
	}
	a->profiles = extract_profiles_new();
	a->rules = rules_new();
	snprintf(dir, sizeof(dir), "%s/platforms", share);
	if (extract_profiles_load_dir(a->profiles, dir, &errs))
		rc = ERR_INPUT;
	snprintf(dir, sizeof(dir), "%s/rules", share);
	if (rules_load_dir(a->rules, dir, &errs) ||
	    rules_compile(a->rules, &errs))
		rc = ERR_INPUT;
	if (rc) {
		log_msg(LOG_ERROR, "%s", errs.p);
		buf_release(&errs);
		analyzer_free(a);
		return rc;
	}
	buf_release(&errs);
	a->det = detector_new(a->rules);
	buf_init(&a->body, ANALYZE_MAX_BODY);
	buf_init(&a->utf8, ANALYZE_MAX_BODY * 2);
	*out = a;
	return 0;
}

void analyzer_free(struct analyzer *a)
{
	if (!a)
		return;
	detector_free(a->det);
	rules_free(a->rules);
	extract_profiles_free(a->profiles);
	warc_reader_close(a->reader);
	free(a->reader_path);
	buf_release(&a->body);
	buf_release(&a->utf8);
	free(a);
}

/* ---- the finding as JSON (the export's interface) --------------------- */

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *identifiers_empty(void)
{
	static const char *const kinds[] = {"phone", "email", "bank", "handle",
					    "domain"};
	json_t *o = json_object();

	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		json_object_set_new(o, kinds[i], json_array());
	return o;
}

static void add_detection(json_t *j, const struct detect_result *dr,
			  struct buf *codes)
{
	json_t *nies = json_array(), *viol = json_array(),
	       *reasons = json_array();
	json_t *details = json_array();

	for (size_t i = 0; i < dr->nnies; i++) {
		const struct detect_nie *n = &dr->nies[i];
		json_t *d = json_object();
		bool seen = false;

		for (size_t k = 0; k < i; k++)
			seen |= !strcmp(dr->nies[k].m.norm, n->m.norm);
		if (!seen)
			json_array_append_new(nies, json_string(n->m.norm));
		json_object_set_new(d, "raw", json_string(n->raw));
		json_object_set_new(d, "normalized", json_string(n->m.norm));
		json_object_set_new(d, "verdict",
				    json_string(verdict_name(n->verdict)));
		if (n->why[0])
			json_object_set_new(d, "mismatch", json_string(n->why));
		json_array_append_new(details, d);
	}
	for (int v = 0; v < V__COUNT; v++) {
		if (!(dr->codes & (1u << v)))
			continue;
		json_array_append_new(viol, json_string(vcode_name(v)));
		buf_printf(codes, "%s%s", codes->len ? " " : "", vcode_name(v));
	}
	for (size_t i = 0; i < dr->nreasons; i++) {
		const struct detect_reason *r = &dr->reasons[i];
		json_t *o = json_object();

		json_object_set_new(o, "code",
				    json_string(vcode_name(r->code)));
		json_object_set_new(o, "rule", jstr(r->rule));
		json_object_set_new(o, "snippet", json_string(r->snippet));
		json_array_append_new(reasons, o);
	}
	json_object_set_new(j, "commodity",
			    json_string(commodity_name(dr->commodity)));
	json_object_set_new(j, "nie", nies);
	json_object_set_new(j, "violations", viol);
	json_object_set_new(j, "risk", json_integer(dr->risk));
	json_object_set_new(j, "reasons", reasons);
	json_object_set_new(j, "nie_details", details);
}

static void add_listing(json_t *j, const struct extract_result *er)
{
	json_object_set_new(j, "platform", jstr(er->platform));
	json_object_set_new(j, "is_listing", json_boolean(er->is_listing));
	json_object_set_new(j, "title", jstr(er->title));
	json_object_set_new(j, "seller", jstr(er->seller));
	json_object_set_new(j, "seller_url", jstr(er->seller_url));
	json_object_set_new(j, "brand", jstr(er->brand));
	json_object_set_new(j, "price",
			    er->has_price ? json_real(er->price) : json_null());
	json_object_set_new(j, "currency",
			    er->has_price ? jstr(er->currency) : json_null());
}

/* Extract and detect on a decoded page; fills the finding's JSON. */
static int judge(struct analyzer *a, struct store *st, const char *url,
		 const char *content_type, struct slice body, json_t *j,
		 struct buf *codes, int *risk, bool *listing)
{
	struct extract_result er;
	struct detect_result dr;
	struct detect_opts dopts = {.lookup = st ? detect_store_lookup : NULL,
				    .lookup_arg = st};
	struct detect_field *f = NULL;
	htmlDocPtr doc;
	int rc = 0;

	buf_reset(&a->utf8);
	html_to_utf8(content_type, body, &a->utf8, NULL);
	doc = html_parse(buf_slice(&a->utf8), url);
	extract_page(a->profiles, url, buf_slice(&a->utf8), doc, &er);
	add_listing(j, &er);
	*listing = er.is_listing;
	*risk = 0;
	/* Non-listings (articles, warnings, category pages) are never
	 * flagged: they may name every banned substance there is. */
	if (er.is_listing) {
		f = xcalloc(er.n_fields + 1, sizeof(*f));
		for (size_t i = 0; i < er.n_fields; i++)
			f[i] = (struct detect_field){er.fields[i].name,
						     er.fields[i].text,
						     er.fields[i].len};
		rc = detect_listing(a->det, f, er.n_fields, &dopts, &dr);
		if (!rc) {
			add_detection(j, &dr, codes);
			*risk = dr.risk;
		}
		free(f);
	}
	if (!er.is_listing || rc) {
		json_object_set_new(j, "commodity", json_null());
		json_object_set_new(j, "nie", json_array());
		json_object_set_new(j, "violations", json_array());
		json_object_set_new(j, "risk", json_integer(0));
		json_object_set_new(j, "reasons", json_array());
	}
	json_object_set_new(j, "identifiers", identifiers_empty());
	/* profiling (src/profile/ident.h): fills "identifiers" and
	 * "identifier_sources" */
	ident_finding_json(j, &er, doc);
	json_object_set_new(j, "actor", json_null());
	extract_result_release(&er);
	html_free(doc);
	return rc;
}

char *analyze_page(struct analyzer *a, struct store *st, const char *url,
		   const char *content_type, struct slice body)
{
	json_t *j = json_object();
	struct buf codes = BUF_INIT;
	bool listing;
	int risk;
	char *s;

	json_object_set_new(j, "url", json_string(url));
	judge(a, st, url, content_type, body, j, &codes, &risk, &listing);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	buf_release(&codes);
	return s;
}

/* ---- reading the evidence back ---------------------------------------- */

static int load_record(struct analyzer *a, const char *data_dir,
		       const struct store_capture *c, struct buf *body,
		       char **ctype)
{
	struct warc_record rec;
	struct warc_http_head head = {0};
	struct slice v;
	char path[4096];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", data_dir, c->warc_file);
	if (!a->reader_path || strcmp(a->reader_path, path)) {
		warc_reader_close(a->reader);
		a->reader = NULL;
		free(a->reader_path);
		a->reader_path = xstrdup(path);
		if (warc_reader_open(path, 0, &a->reader))
			return ERR_FAIL;
	}
	if (!a->reader)
		return ERR_FAIL;
	if (warc_reader_seek(a->reader, c->warc_offset) ||
	    warc_reader_next(a->reader, &rec))
		return log_fail("%s:%lld: cannot read the evidence of %s", path,
				(long long)c->warc_offset, c->url);
	buf_reset(body);
	rc = warc_http_body(rec.block, ANALYZE_MAX_BODY, body, &head);
	*ctype = NULL;
	if (warc_http_header(&head, "Content-Type", &v))
		*ctype = xstrndup(v.p, v.n);
	warc_http_head_release(&head);
	/* A body over the cap is judged on its first part. */
	return rc == ERR_LIMIT ? 0 : rc;
}

struct run {
	struct analyzer *a;
	struct store *st;
	const char *data_dir;
	struct analyze_stats *stats;
	int batch;
	bool progress;
	int64_t t0, last;
};

static int one(void *arg, int64_t capture_id, const struct store_capture *c)
{
	struct run *r = arg;
	json_t *j, *ev;
	struct buf codes = BUF_INIT;
	char *ctype = NULL, *data, when[32];
	bool listing = false;
	int risk = 0;
	struct store_finding f;

	r->stats->pages++;
	if (load_record(r->a, r->data_dir, c, &r->a->body, &ctype)) {
		r->stats->errors++;
		return 0; /* one unreadable record never stops the analysis */
	}
	j = json_object();
	json_object_set_new(j, "url", json_string(c->url));
	json_object_set_new(j, "canonical_url", json_string(c->canonical_url));
	judge(r->a, r->st, c->canonical_url, ctype ? ctype : c->content_type,
	      buf_slice(&r->a->body), j, &codes, &risk, &listing);
	time_rfc3339(c->fetched_at, when);
	ev = json_object();
	json_object_set_new(ev, "warc_file", json_string(c->warc_file));
	json_object_set_new(ev, "warc_offset", json_integer(c->warc_offset));
	json_object_set_new(ev, "sha256", jstr(c->sha256));
	json_object_set_new(ev, "fetched_at", json_string(when));
	json_object_set_new(j, "evidence", ev);
	data = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	f = (struct store_finding){
		.canonical_url = c->canonical_url,
		.capture_id = capture_id,
		.analyzed_at = time_now_ms(),
		.is_listing = listing,
		.platform = json_string_value(json_object_get(j, "platform")),
		.commodity = json_string_value(json_object_get(j, "commodity")),
		.risk = risk,
		.violations = codes.p ? codes.p : "",
		.data = data ? data : "{}",
	};
	if (!r->batch++)
		store_begin(r->st);
	if (store_finding_put(r->st, &f))
		r->stats->errors++;
	if (r->batch >= ANALYZE_BATCH) {
		store_commit(r->st);
		r->batch = 0;
	}
	r->stats->listings += listing;
	r->stats->flagged += codes.len > 0;
	if (r->progress && time_mono_ms() - r->last > 200) {
		r->last = time_mono_ms();
		fprintf(stderr,
			"\ranalyze: %lld pages, %lld listings, %lld "
			"flagged",
			(long long)r->stats->pages,
			(long long)r->stats->listings,
			(long long)r->stats->flagged);
	}
	free(data);
	free(ctype);
	json_decref(j);
	buf_release(&codes);
	return 0;
}

int analyze_store(struct analyzer *a, struct store *st, const char *data_dir,
		  bool all, bool progress, struct analyze_stats *out)
{
	struct run r = {.a = a,
			.st = st,
			.data_dir = data_dir,
			.stats = out,
			.progress = progress};
	int rc;

	memset(out, 0, sizeof(*out));
	r.t0 = time_mono_ms();
	rc = store_analyze_pending(st, all, one, &r);
	if (r.batch)
		store_commit(st);
	if (progress)
		fputc('\n', stderr);
	out->seconds = (double)(time_mono_ms() - r.t0) / 1000.0;
	return rc;
}
