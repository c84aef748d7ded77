/*
 * evidence.c - `patroli evidence export` and `patroli evidence verify`: what
 * an officer uses to prove what a page showed and when.
 *
 * export reads the page's response record back from its WARC file (never
 * from the store alone: the WARC is the evidence, the store only indexes
 * it), re-checks its digests and the store's sha256 at export time, and
 * writes a self-describing package: the raw response exactly as recorded,
 * the request, the decoded body an officer can open, and manifest.json
 * tying them to the URL, time, IP, record ids and SHA-256 of every file.
 *
 * verify re-hashes every record of every WARC file, then checks every
 * capture in the store against the record it points at, so a WARC file
 * that was altered, truncated or replaced is caught either way.
 */
#include "cmd/cmd.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "store/store.h"
#include "warc/warc.h"

#define DEFAULT_MAX_BODY (256LL << 20)
#define WIB_OFFSET_MS	 (7LL * 3600 * 1000) /* Western Indonesia Time */

/* jansson refuses invalid UTF-8; header values from servers may be
 * anything, so such bytes are shown as \xNN rather than dropped. */
static json_t *jstr(const char *s)
{
	struct buf b = BUF_INIT;
	json_t *j;

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80)
			buf_putc(&b, (char)*p);
		else
			buf_printf(&b, "\\x%02x", *p);
	}
	j = json_string(b.p ? b.p : "");
	buf_release(&b);
	return j;
}

static json_t *jslice(struct slice s)
{
	char *tmp = xstrndup(s.p ? s.p : "", s.n);
	json_t *j = jstr(tmp);

	free(tmp);
	return j;
}

static int write_file(const char *dir, const char *name, struct slice data,
		      json_t *files)
{
	char *path = xasprintf("%s/%s", dir, name);
	char hex[SHA256_HEX_LEN + 1];
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f) {
		rc = log_fail("%s: %s", path, strerror(errno));
		goto out;
	}
	if ((data.n && fwrite(data.p, 1, data.n, f) != data.n) || fflush(f))
		rc = log_fail("%s: write error: %s", path, strerror(errno));
	if (fclose(f) && !rc)
		rc = log_fail("%s: %s", path, strerror(errno));
	if (files) {
		json_t *e = json_object();
		sha256_hex(data.p ? data.p : "", data.n, hex);
		json_object_set_new(e, "sha256", json_string(hex));
		json_object_set_new(e, "bytes",
				    json_integer((json_int_t)data.n));
		json_object_set_new(files, name, e);
	}
out:
	free(path);
	return rc;
}

/* "2026-11-29T14:44:54.123+07:00" */
static void time_wib(int64_t ms, char out[40])
{
	char utc[32];

	time_rfc3339_ms(ms + WIB_OFFSET_MS, utc);
	utc[strlen(utc) - 1] = '\0'; /* drop the Z */
	snprintf(out, 40, "%s+07:00", utc);
}

/* ---- export ---------------------------------------------------------------
 */

struct exported {
	struct buf response, request, body;
	char response_id[WARC_ID_LEN], request_id[WARC_ID_LEN];
	char warc_date[64], target_uri[2048], truncated[32];
	int64_t request_offset, request_length;
	struct warc_check chk;
	int64_t member_length;
	bool is_response;
};

static void copy_slice(char *dst, size_t n, struct slice s)
{
	snprintf(dst, n, "%.*s", (int)MIN(s.n, n - 1), s.p ? s.p : "");
}

/* The request record that is WARC-Concurrent-To the response: the writer
 * puts it right after the response, otherwise search the file. */
static void find_request(struct warc_reader *r, int64_t after,
			 struct exported *x)
{
	struct warc_record rec;
	int rc;

	for (int pass = 0; pass < 2; pass++) {
		if (warc_reader_seek(r, pass ? 0 : after))
			return;
		while ((rc = warc_reader_next(r, &rec)) != ERR_NOTFOUND &&
		       rc != ERR_FAIL) {
			if (rc == 0 && slice_eq(rec.type, "request") &&
			    slice_eq(rec.concurrent_to, x->response_id)) {
				buf_append(&x->request, rec.block.p,
					   rec.block.n);
				copy_slice(x->request_id, sizeof(x->request_id),
					   rec.id);
				x->request_offset = rec.offset;
				x->request_length = rec.length;
				return;
			}
			if (!pass)
				break; /* only the adjacent record */
		}
	}
}

/* Read the record at file:offset.  0, or 1 after printing why not. */
static int read_capture(const char *path, const struct store_capture *cap,
			struct exported *x)
{
	struct warc_reader *r;
	struct warc_record rec;
	int rc;

	memset(&rec, 0, sizeof(rec));
	if (warc_reader_open(path, 0, &r))
		return 1;
	rc = warc_reader_seek(r, cap->warc_offset);
	if (!rc)
		rc = warc_reader_next(r, &rec);
	if (rc) {
		fprintf(stderr,
			"patroli evidence export: %s:%lld: no readable record "
			"(%s)\n",
			path, (long long)cap->warc_offset,
			rc == ERR_NOTFOUND ? "end of file" : rec.error);
		warc_reader_close(r);
		return 1;
	}
	buf_append(&x->response, rec.block.p, rec.block.n);
	copy_slice(x->response_id, sizeof(x->response_id), rec.id);
	copy_slice(x->warc_date, sizeof(x->warc_date), rec.date);
	copy_slice(x->target_uri, sizeof(x->target_uri), rec.target_uri);
	copy_slice(x->truncated, sizeof(x->truncated), rec.truncated);
	x->member_length = rec.length;
	x->is_response = slice_eq(rec.type, "response");
	warc_record_check(&rec, &x->chk);
	if (x->is_response)
		find_request(r, rec.offset + rec.length, x);
	warc_reader_close(r);
	return 0;
}

static json_t *verification(const struct store_capture *cap,
			    const struct exported *x, bool *ok)
{
	json_t *v = json_object();
	bool sha_ok =
		cap->sha256 && !strcmp(cap->sha256, x->chk.payload_sha256);
	bool len_ok = x->member_length == cap->warc_length;
	char now[32];

	*ok = (!x->chk.has_block_digest || x->chk.block_ok) &&
	      (!x->chk.has_payload_digest || x->chk.payload_ok) && sha_ok &&
	      len_ok && x->chk.has_block_digest;
	time_rfc3339(time_now_ms(), now);
	json_object_set_new(v, "ok", json_boolean(*ok));
	json_object_set_new(v, "checked_at", json_string(now));
	json_object_set_new(v, "block_digest",
			    json_string(!x->chk.has_block_digest ? "absent"
					: x->chk.block_ok	 ? "match"
								 : "MISMATCH"));
	json_object_set_new(v, "payload_digest",
			    json_string(!x->chk.has_payload_digest ? "absent"
					: x->chk.payload_ok	   ? "match"
							    : "MISMATCH"));
	json_object_set_new(v, "store_sha256",
			    json_string(sha_ok ? "match" : "MISMATCH"));
	json_object_set_new(v, "warc_length",
			    json_string(len_ok ? "match" : "MISMATCH"));
	if (x->chk.why[0])
		json_object_set_new(v, "problem", jstr(x->chk.why));
	return v;
}

static json_t *manifest(const struct store_capture *cap,
			const struct exported *x, int body_rc,
			const struct warc_http_head *head, json_t *files,
			bool *ok)
{
	json_t *m = json_object(), *w = json_object();
	char when[32], wib[40], body_hex[SHA256_HEX_LEN + 1];
	struct slice v;

	time_rfc3339_ms(cap->fetched_at, when);
	time_wib(cap->fetched_at, wib);
	sha256_hex(x->body.p ? x->body.p : "", x->body.len, body_hex);
	json_object_set_new(m, "url", jstr(cap->url));
	json_object_set_new(m, "final_url", jstr(cap->final_url));
	json_object_set_new(m, "canonical_url", jstr(cap->canonical_url));
	json_object_set_new(m, "fetched_at", json_string(when));
	json_object_set_new(m, "fetched_at_wib", json_string(wib));
	json_object_set_new(m, "ip", jstr(cap->ip));
	json_object_set_new(m, "status",
			    cap->status ? json_integer(cap->status)
					: json_null());
	json_object_set_new(m, "content_type", jstr(cap->content_type));
	json_object_set_new(m, "content_encoding",
			    warc_http_header(head, "content-encoding", &v)
				    ? jslice(v)
				    : json_null());
	json_object_set_new(m, "payload_sha256",
			    json_string(x->chk.payload_sha256));
	json_object_set_new(m, "store_sha256", jstr(cap->sha256));
	json_object_set_new(m, "body_sha256", json_string(body_hex));
	json_object_set_new(m, "body_bytes",
			    json_integer((json_int_t)x->body.len));
	json_object_set_new(m, "body_complete", json_boolean(body_rc == 0));
	json_object_set_new(w, "file", jstr(cap->warc_file));
	json_object_set_new(w, "offset", json_integer(cap->warc_offset));
	json_object_set_new(w, "length", json_integer(cap->warc_length));
	json_object_set_new(w, "date", json_string(x->warc_date));
	json_object_set_new(w, "target_uri", jstr(x->target_uri));
	json_object_set_new(w, "response_record_id",
			    json_string(x->response_id));
	json_object_set_new(w, "request_record_id",
			    x->request_id[0] ? json_string(x->request_id)
					     : json_null());
	if (x->request_id[0]) {
		json_object_set_new(w, "request_offset",
				    json_integer(x->request_offset));
		json_object_set_new(w, "request_length",
				    json_integer(x->request_length));
	}
	json_object_set_new(w, "truncated",
			    x->truncated[0] ? json_string(x->truncated)
					    : json_null());
	json_object_set_new(m, "warc", w);
	json_object_set_new(m, "verification", verification(cap, x, ok));
	json_object_set_new(m, "files", files);
	return m;
}

static int export_run(struct cmd_ctx *c)
{
	const char *url = c->argv[0];
	const char *dir = cmd_str(c, "out", NULL);
	int64_t max_body = cmd_int(c, "max-body", DEFAULT_MAX_BODY);
	struct store *st;
	struct store_capture cap;
	struct exported x;
	struct warc_http_head head = {0};
	json_t *files = NULL, *m = NULL;
	char *path = NULL, *text = NULL;
	bool ok = false;
	int rc, body_rc, ret = 1;

	if (!dir || !*dir)
		return cmd_usage_error(c, "--out DIR is required");
	if (max_body <= 0)
		return cmd_usage_error(c, "--max-body must be positive");
	st = cmd_store(c);
	rc = store_page_find(st, url, &cap);
	if (rc == ERR_NOTFOUND) {
		fprintf(stderr,
			"patroli evidence export: no page recorded for "
			"%s\n",
			url);
		return 1;
	}
	if (rc)
		return 1;
	if (!cap.warc_file) {
		fprintf(stderr,
			"patroli evidence export: %s has no WARC record "
			"(fetch failed: %s)\n",
			url, cap.error ? cap.error : "no response");
		return 1;
	}
	memset(&x, 0, sizeof(x));
	buf_init(&x.response, 0);
	buf_init(&x.request, 0);
	buf_init(&x.body, (size_t)max_body);
	path = xasprintf("%s/%s", c->data_dir, cap.warc_file);
	if (read_capture(path, &cap, &x))
		goto out;
	if (!x.is_response) {
		fprintf(stderr,
			"patroli evidence export: %s:%lld is not a response "
			"record\n",
			path, (long long)cap.warc_offset);
		goto out;
	}
	body_rc = warc_http_body(buf_slice(&x.response), (size_t)max_body,
				 &x.body, &head);
	if (mkdir_p(dir))
		goto out;
	files = json_object();
	/* A request.http left by an earlier export must not be mistaken for
	 * this capture's. */
	if (!x.request_id[0]) {
		char *stale = xasprintf("%s/request.http", dir);
		unlink(stale);
		free(stale);
	}
	if (write_file(dir, "response.http", buf_slice(&x.response), files) ||
	    (x.request_id[0] &&
	     write_file(dir, "request.http", buf_slice(&x.request), files)) ||
	    write_file(dir, "body", buf_slice(&x.body), files))
		goto out;
	m = manifest(&cap, &x, body_rc, &head, files, &ok);
	files = NULL; /* owned by m */
	text = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text) {
		log_fail("%s: cannot encode manifest.json", dir);
		goto out;
	}
	buf_reset(&x.request);
	buf_puts(&x.request, text);
	buf_putc(&x.request, '\n');
	if (write_file(dir, "manifest.json", buf_slice(&x.request), NULL))
		goto out;
	if (body_rc == ERR_LIMIT)
		fprintf(stderr,
			"patroli evidence export: body cut at %lld bytes "
			"(--max-body)\n",
			(long long)max_body);
	else if (body_rc)
		fprintf(stderr,
			"patroli evidence export: body could not be fully "
			"decoded; %s holds what could\n",
			"body");
	if (!ok) {
		fprintf(stderr,
			"patroli evidence export: VERIFICATION FAILED for "
			"%s:%lld: %s\n",
			path, (long long)cap.warc_offset,
			x.chk.why[0] ? x.chk.why
				     : "digest, store sha256 or length differ");
		goto out;
	}
	printf("exported %s to %s (%s:%lld, payload sha256 %s, verified)\n",
	       url, dir, cap.warc_file, (long long)cap.warc_offset,
	       x.chk.payload_sha256);
	ret = 0;
out:
	free(text);
	json_decref(m);
	json_decref(files);
	warc_http_head_release(&head);
	buf_release(&x.response);
	buf_release(&x.request);
	buf_release(&x.body);
	free(path);
	return ret;
}

/* ---- verify ---------------------------------------------------------------
 */

struct verify_ctx {
	const char *data_dir;
	const char *only;      /* --file, or NULL */
	const char *only_real; /* its realpath(), or only itself */
	struct warc_verify_stats st;
	int64_t captures;
	/* the reader of the last file a capture pointed into */
	struct warc_reader *r;
	char *r_path;
};

static void on_problem(void *arg, const char *file, int64_t off,
		       const char *what)
{
	(void)arg;
	printf("MISMATCH %s:%lld: %s\n", file, (long long)off, what);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* Every *.warc.gz directly under DATA/warc, sorted. */
static int list_warc(const char *data_dir, char ***out, size_t *n)
{
	char *dir = xasprintf("%s/warc", data_dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (!d) {
		int e2 = errno;
		free(dir);
		return e2 == ENOENT ? 0
				    : log_fail("%s/warc: %s", data_dir,
					       strerror(e2));
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".warc.gz"))
			continue;
		*out = xgrow(*out, &cap, *n + 1, sizeof(char *));
		(*out)[(*n)++] = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	free(dir);
	if (*n)
		qsort(*out, *n, sizeof(char *), cmp_str);
	return 0;
}

static bool same_file(const char *path, const char *real)
{
	char *p = realpath(path, NULL);
	bool same = !strcmp(p ? p : path, real);

	free(p);
	return same;
}

static void capture_problem(struct verify_ctx *v, const char *path,
			    const struct store_capture *cap, const char *what)
{
	v->st.mismatches++;
	printf("MISMATCH %s:%lld: capture of %s: %s\n", path,
	       (long long)cap->warc_offset, cap->url, what);
}

static int check_capture(void *arg, const struct store_capture *cap)
{
	struct verify_ctx *v = arg;
	struct warc_record rec;
	struct warc_check chk;
	char *path;
	char why[400];
	int rc;

	memset(&rec, 0, sizeof(rec));
	if (!cap->warc_file)
		return 0; /* failed fetch: nothing was recorded */
	path = xasprintf("%s/%s", v->data_dir, cap->warc_file);
	if (v->only && !same_file(path, v->only_real)) {
		free(path);
		return 0;
	}
	v->captures++;
	if (!v->r_path || strcmp(v->r_path, path)) {
		warc_reader_close(v->r);
		v->r = NULL;
		free(v->r_path);
		v->r_path = NULL;
		if (warc_reader_open(path, 0, &v->r)) {
			capture_problem(v, path, cap, "WARC file missing");
			goto out;
		}
		v->r_path = xstrdup(path);
	}
	rc = warc_reader_seek(v->r, cap->warc_offset);
	if (!rc)
		rc = warc_reader_next(v->r, &rec);
	if (rc) {
		capture_problem(v, path, cap,
				rc == ERR_NOTFOUND ? "no record at that offset"
						   : rec.error);
		goto out;
	}
	if (rec.length != cap->warc_length) {
		snprintf(why, sizeof(why),
			 "record is %lld bytes, store says %lld",
			 (long long)rec.length, (long long)cap->warc_length);
		capture_problem(v, path, cap, why);
		goto out;
	}
	if (warc_record_check(&rec, &chk)) {
		capture_problem(v, path, cap, chk.why);
		goto out;
	}
	if (!cap->sha256 || strcmp(cap->sha256, chk.payload_sha256)) {
		snprintf(why, sizeof(why), "payload sha256 %s, store says %s",
			 chk.payload_sha256,
			 cap->sha256 ? cap->sha256 : "nothing");
		capture_problem(v, path, cap, why);
	}
out:
	free(path);
	return 0;
}

static int verify_run(struct cmd_ctx *c)
{
	struct verify_ctx v = {.data_dir = c->data_dir};
	char **files = NULL, *real = NULL;
	size_t n = 0;
	int ret = 1;

	v.only = cmd_str(c, "file", NULL);
	if (v.only) {
		real = realpath(v.only, NULL);
		v.only_real = real ? real : v.only;
		files = xcalloc(1, sizeof(char *));
		files[0] = xstrdup(v.only);
		n = 1;
	} else if (list_warc(c->data_dir, &files, &n)) {
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (warc_verify_file(files[i], on_problem, NULL, &v.st)) {
			v.st.mismatches++;
			printf("MISMATCH %s: cannot be read\n", files[i]);
		}
	}
	if (!cmd_flag(c, "no-store")) {
		if (store_capture_each(cmd_store(c), check_capture, &v))
			goto out;
		printf("%lld store captures checked against their records\n",
		       (long long)v.captures);
	}
	printf("%lld records verified, %lld mismatches\n",
	       (long long)v.st.records, (long long)v.st.mismatches);
	ret = v.st.mismatches ? 1 : 0;
out:
	warc_reader_close(v.r);
	free(v.r_path);
	free(real);
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return ret;
}

/* ---- the command table ----------------------------------------------------
 */

static const struct cmd_opt export_opts[] = {
	{"out", OPT_STR, "DIR", "write the evidence package here (created)"},
	{"max-body", OPT_INT, "BYTES",
	 "cap on the decoded body written to DIR/body (default 256 MiB)"},
	{0},
};

static const struct cmd evidence_export = {
	.name = "export",
	.summary = "write a page's evidence package: raw response, request, "
		   "body, manifest.json",
	.usage = "URL --out DIR",
	.help = "URL may be the requested, final or canonical URL of a page.  "
		"The newest capture's WARC record is read back, its digests "
		"and the store's sha256 re-checked, and DIR receives "
		"response.http (the HTTP response exactly as recorded), "
		"request.http, body (de-chunked and decompressed) and "
		"manifest.json.  Exit 1 if the page is unknown or the "
		"verification fails (the files are still written).",
	.opts = export_opts,
	.min_args = 1,
	.max_args = 1,
	.run = export_run,
};

static const struct cmd_opt verify_opts[] = {
	{"file", OPT_STR, "FILE",
	 "verify this WARC file (and the captures pointing into it) only"},
	{"no-store", OPT_FLAG, NULL,
	 "check the WARC files alone, not the store's captures"},
	{0},
};

static const struct cmd evidence_verify = {
	.name = "verify",
	.summary = "re-hash every WARC record and check the store against "
		   "them",
	.help = "Every record of every DATA/warc/*.warc.gz is re-hashed and "
		"compared with its WARC-Block-Digest and WARC-Payload-Digest; "
		"damaged or truncated gzip members are reported.  Then every "
		"capture in the store is checked: its record must exist at "
		"the stored offset and length and hash to the stored sha256.  "
		"Each problem is printed as 'MISMATCH file:offset: why'; the "
		"last line is 'N records verified, M mismatches'.  Exit 1 on "
		"any mismatch.",
	.opts = verify_opts,
	.min_args = 0,
	.max_args = 0,
	.run = verify_run,
};

static const struct cmd *const evidence_subs[] = {
	&evidence_export,
	&evidence_verify,
	NULL,
};

const struct cmd cmd_evidence = {
	.name = "evidence",
	.summary = "export and verify WARC evidence of captured pages",
	.subs = evidence_subs,
};
