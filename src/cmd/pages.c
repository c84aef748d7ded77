/*
 * pages.c - `patroli pages export`: one JSON object per page.
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store/store.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int page_line(void *arg, const struct store_capture *p)
{
	FILE *out = arg;
	char when[32];
	json_t *j = json_object();
	char *s;

	time_rfc3339(p->fetched_at, when);
	json_object_set_new(j, "url", str_or_null(p->url));
	json_object_set_new(j, "canonical_url", str_or_null(p->canonical_url));
	json_object_set_new(j, "final_url", str_or_null(p->final_url));
	json_object_set_new(j, "status",
			    p->status ? json_integer(p->status) : json_null());
	json_object_set_new(j, "content_type", str_or_null(p->content_type));
	json_object_set_new(j, "sha256", str_or_null(p->sha256));
	json_object_set_new(j, "fetched_at", json_string(when));
	json_object_set_new(j, "warc_file", str_or_null(p->warc_file));
	json_object_set_new(j, "warc_offset",
			    p->warc_file ? json_integer(p->warc_offset)
					 : json_null());
	json_object_set_new(j, "error", str_or_null(p->error));
	/* jansson refuses invalid UTF-8; URLs are percent-encoded ASCII and
	 * errors are ours, so a NULL here is a bug worth seeing. */
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		return log_fail("cannot encode page %s", p->url);
	fputs(s, out);
	fputc('\n', out);
	free(s);
	return ferror(out) ? log_fail("write error") : 0;
}

static int export_run(struct cmd_ctx *c)
{
	const char *fmt = cmd_str(c, "format", "jsonl");
	const char *path = cmd_str(c, "out", NULL);
	FILE *out = stdout;
	int rc;

	if (strcmp(fmt, "jsonl"))
		return cmd_usage_error(c, "unknown --format '%s' (jsonl)", fmt);
	if (path && !(out = fopen(path, "w"))) {
		log_fail("%s: %s", path, strerror(errno));
		return 1;
	}
	rc = store_page_each(cmd_store(c), page_line, out);
	if (fflush(out) || (path && fclose(out)))
		rc = log_fail("%s: write error", path ? path : "stdout");
	return rc ? 1 : 0;
}

static const struct cmd_opt export_opts[] = {
	{"format", OPT_STR, "FMT", "jsonl (default)"},
	{"out", OPT_STR, "FILE", "write here instead of standard output"},
	{0},
};

static const struct cmd pages_export = {
	.name = "export",
	.summary = "one JSON object per page: URLs, status, hashes, WARC "
		   "location",
	.opts = export_opts,
	.max_args = 0,
	.run = export_run,
};

static const struct cmd *const pages_subs[] = {&pages_export, NULL};

const struct cmd cmd_pages = {
	.name = "pages",
	.summary = "list what the crawls fetched",
	.subs = pages_subs,
};
