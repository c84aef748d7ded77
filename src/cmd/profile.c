/*
 * profile.c - `patroli profile build|list|show|export|pdf|label`: SOP step
 * 7, from listings to the actors behind them (src/profile/profile.h).
 *
 * `export --format json` is the script interface (docs/cli.md): every
 * analysed listing with at least one identifier is in exactly one actor.
 * `show` is what an analyst reads first: the identifiers, the listings
 * with their evidence, and for every join the identifier and the two
 * pages that made it.
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "analyze/analyze.h"
#include "profile/profile.h"
#include "profile/stoplist.h"
#include "report/report.h"
#include "store/store.h"

/* ---- build
 * --------------------------------------------------------------------- */

static bool exists(const char *path)
{
	struct stat sb;

	return !stat(path, &sb) && S_ISREG(sb.st_mode);
}

/* The stop lists: --stoplist FILE (repeatable), else the share
 * directory's stoplist/identifiers.txt, none with --no-stoplist. */
static int load_stoplist(struct cmd_ctx *c, struct stoplist **out)
{
	struct stoplist *s = stoplist_new();
	struct buf errs = BUF_INIT;
	size_t n = 0;
	char **files = cmd_multi(c, "stoplist", &n);
	int rc = 0;

	*out = s;
	if (cmd_flag(c, "no-stoplist"))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (stoplist_load(s, files[i], &errs))
			rc = ERR_INPUT;
	if (!n) {
		const char *share = cmd_str(c, "share", NULL);
		char *path;
		if (!share)
			share = analyze_share_dir();
		path = xasprintf("%s/stoplist/identifiers.txt",
				 share ? share : "data");
		if (exists(path) && stoplist_load(s, path, &errs))
			rc = ERR_INPUT;
		else if (!exists(path))
			log_msg(LOG_WARN,
				"%s: no stop list; only the "
				"frequency rule keeps common "
				"identifiers from linking",
				path);
		free(path);
	}
	if (rc)
		fprintf(stderr, "%s", errs.p);
	buf_release(&errs);
	return rc;
}

static int build_run(struct cmd_ctx *c)
{
	struct profile_opts o = {.rebuild = cmd_flag(c, "rebuild")};
	struct profile_stats s;
	struct stoplist *stop = NULL;
	struct store *st = cmd_store(c);
	int64_t stale = 0;
	char *prev = NULL;
	bool first = false;
	int rc;

	o.max_contexts = (int)cmd_int(c, "max-contexts", 0);
	if (o.max_contexts > 100000)
		return cmd_usage_error(c, "--max-contexts: at most 100000");
	if (load_stoplist(c, &stop)) {
		stoplist_free(stop);
		return 1;
	}
	o.stop = stop;
	/* Findings analysed before identifiers were extracted get them now:
	 * the analysis reads each page back from its evidence.  Looked for
	 * on a first build and on --rebuild (the scan reads every finding). */
	if (store_profile_state_get(st, "settings", &prev) == ERR_NOTFOUND)
		first = true;
	free(prev);
	if ((first || o.rebuild) && !store_profile_stale(st, &stale) && stale) {
		fprintf(stderr,
			"%lld listings were analysed before identifier "
			"extraction: analysing again\n",
			(long long)stale);
		if (cmd_analyze_run(c, true)) {
			stoplist_free(stop);
			return 1;
		}
	}
	rc = profile_build(st, &o, &s);
	stoplist_free(stop);
	if (rc)
		return 1;
	printf("profile: %lld listings synced, %lld dropped; %lld actors over "
	       "%lld listings (%lld new, %lld retired), %lld findings "
	       "updated in %.2f s\n",
	       (long long)s.synced, (long long)s.dropped, (long long)s.actors,
	       (long long)s.listings, (long long)s.created,
	       (long long)s.retired, (long long)s.findings, s.seconds);
	if (s.rebuilt)
		printf("full rebuild (%s): %lld identifiers too common to "
		       "link, %lld merge records\n",
		       s.why ? s.why : "asked for", (long long)s.hubs,
		       (long long)s.merges);
	return 0;
}

static const struct cmd_opt build_opts[] = {
	{"rebuild", OPT_FLAG, NULL,
	 "cluster every listing again (actor ids are kept)"},
	{"max-contexts", OPT_INT, "N",
	 "an identifier seen with more than N unrelated sellers or sites "
	 "links nothing (default 4)"},
	{"stoplist", OPT_MULTI, "FILE",
	 "identifiers that never link (default: "
	 "<share>/stoplist/identifiers.txt)"},
	{"no-stoplist", OPT_FLAG, NULL, "use no stop list"},
	{"share", OPT_STR, "DIR",
	 "where rules/, platforms/ and stoplist/ are (default: "
	 "$PATROLI_SHARE, ./data, ...)"},
	{0},
};

static const struct cmd profile_build_cmd = {
	.name = "build",
	.summary = "link analysed listings to actors (incremental)",
	.help = "Listings that share a phone number, e-mail, bank account, "
		"handle or shop\ndomain belong to one actor, transitively.  "
		"Identifiers seen with many\nunrelated sellers (customer "
		"service, couriers) and stop-listed ones\nlink nothing.  New "
		"findings join existing actors; actor ids stay stable\nacross "
		"rebuilds.",
	.opts = build_opts,
	.max_args = 0,
	.run = build_run,
};

/* ---- list
 * ------------------------------------------------------------------------ */

struct lister {
	int64_t limit, n;
};

static int list_one(void *arg, const struct store_profile_actor_sum *a)
{
	struct lister *l = arg;
	char name[32], t1[32], t2[32];

	if (l->limit && l->n >= l->limit)
		return 1;
	if (!l->n++)
		printf("%-12s %8s %8s  %-20s %-20s %s\n", "AKTOR", "LISTING",
		       "IDENT", "PERTAMA", "TERAKHIR", "PLATFORM");
	profile_actor_name(a->id, name);
	time_rfc3339(a->first_seen, t1);
	time_rfc3339(a->last_seen, t2);
	printf("%-12s %8lld %8lld  %-20s %-20s %s%s%s\n", name,
	       (long long)a->listings, (long long)a->identifiers, t1, t2,
	       a->platforms, a->label ? "  # " : "", a->label ? a->label : "");
	return 0;
}

static int list_run(struct cmd_ctx *c)
{
	struct lister l = {.limit = cmd_int(c, "limit", 0)};

	if (store_profile_actor_list(cmd_store(c), l.limit, list_one, &l))
		return 1;
	if (!l.n)
		printf("no actors: run 'patroli profile build' first\n");
	return 0;
}

static const struct cmd_opt list_opts[] = {
	{"limit", OPT_INT, "N", "the N largest actors only"},
	{0},
};

static const struct cmd profile_list_cmd = {
	.name = "list",
	.summary = "actors, most listings first",
	.opts = list_opts,
	.max_args = 0,
	.run = list_run,
};

/* ---- show
 * ----------------------------------------------------------------------- */

static const char *str_of(json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s ? s : "-";
}

static void show_text(json_t *j)
{
	json_t *x, *v;
	const char *k;
	size_t i, n;

	printf("Aktor %s", str_of(j, "id"));
	if (json_string_value(json_object_get(j, "label")))
		printf(" (%s)", str_of(j, "label"));
	printf("\n\nIdentitas:\n");
	json_object_foreach(json_object_get(j, "identifiers"), k, x)
	{
		if (!json_array_size(x))
			continue;
		printf("  %-7s", k);
		json_array_foreach(x, i, v)
			printf("%s%s", i ? ", " : " ", json_string_value(v));
		printf("\n");
	}
	printf("\nPlatform:");
	json_array_foreach(json_object_get(j, "platforms"), i, v)
		printf(" %s", json_string_value(v));
	printf("\nPelanggaran:");
	json_object_foreach(json_object_get(j, "violations"), k, x)
		printf(" %s=%lld", k, (long long)json_integer_value(x));
	n = json_array_size(json_object_get(j, "listings"));
	printf("\n\nListing (%zu):\n", n);
	json_array_foreach(json_object_get(j, "listings"), i, x)
	{
		json_t *codes = json_object_get(x, "violations"), *c;
		size_t m;
		printf("  %s\n    %s | %s | %s\n    pelanggaran:",
		       str_of(x, "url"), str_of(x, "title"),
		       str_of(x, "platform"), str_of(x, "commodity"));
		if (!json_array_size(codes))
			printf(" -");
		json_array_foreach(codes, m, c)
			printf(" %s", json_string_value(c));
		printf("\n    pertama %s, terakhir %s\n    sha256 %s (%s)\n",
		       str_of(x, "first_seen"), str_of(x, "last_seen"),
		       str_of(x, "sha256"), str_of(x, "warc_file"));
	}
	n = json_array_size(json_object_get(j, "merges"));
	printf("\nMengapa satu aktor (%zu penggabungan):\n", n);
	json_array_foreach(json_object_get(j, "merges"), i, x)
	{
		json_t *ls = json_object_get(x, "listings");
		printf("  %s\n    %s\n    %s\n", str_of(x, "identifier"),
		       json_string_value(json_array_get(ls, 0)),
		       json_string_value(json_array_get(ls, 1)));
	}
	if (json_array_size(json_object_get(j, "common_identifiers"))) {
		printf("\nIdentitas umum (tidak menghubungkan):\n");
		json_array_foreach(json_object_get(j, "common_identifiers"), i,
				   x)
			printf("  %s:%s (%s)\n", str_of(x, "kind"),
			       str_of(x, "value"), str_of(x, "why"));
	}
}

static int actor_arg(struct cmd_ctx *c, int64_t *id)
{
	if (profile_actor_parse(c->argv[0], id))
		return cmd_usage_error(
			c, "'%s' is not an actor id (AKT-000042)", c->argv[0]);
	return 0;
}

static int show_run(struct cmd_ctx *c)
{
	int64_t id;
	char *text;
	json_t *j;

	if (actor_arg(c, &id))
		return 2;
	text = profile_actor_json(cmd_store(c), id);
	if (!text) {
		fprintf(stderr, "patroli profile show: no actor %s\n",
			c->argv[0]);
		return 1;
	}
	if (cmd_flag(c, "json")) {
		puts(text);
		free(text);
		return 0;
	}
	j = json_loads(text, 0, NULL);
	free(text);
	if (!j)
		return 1;
	show_text(j);
	json_decref(j);
	return 0;
}

static const struct cmd_opt show_opts[] = {
	{"json", OPT_FLAG, NULL,
	 "the actor as JSON (what the Dokumen Profiling renders)"},
	{0},
};

static const struct cmd profile_show_cmd = {
	.name = "show",
	.summary = "one actor: identifiers, listings, evidence, why one actor",
	.usage = "ACTOR",
	.opts = show_opts,
	.min_args = 1,
	.max_args = 1,
	.run = show_run,
};

/* ---- export
 * ---------------------------------------------------------------------- */

static int export_run(struct cmd_ctx *c)
{
	const char *fmt = cmd_str(c, "format", "json");
	const char *path = cmd_str(c, "out", NULL);
	char *tmp = NULL;
	FILE *f = stdout;
	int rc;

	if (strcmp(fmt, "json") && strcmp(fmt, "graphml") && strcmp(fmt, "csv"))
		return cmd_usage_error(c,
				       "unknown --format '%s' (json, "
				       "graphml, csv)",
				       fmt);
	if (path) {
		/* written beside and renamed: a reader never sees half */
		tmp = xasprintf("%s.tmp", path);
		if (!(f = fopen(tmp, "w"))) {
			log_fail("%s: %s", tmp, strerror(errno));
			free(tmp);
			return 1;
		}
	}
	if (!strcmp(fmt, "json"))
		rc = profile_export_json(cmd_store(c), f);
	else if (!strcmp(fmt, "graphml"))
		rc = profile_export_graphml(cmd_store(c), f);
	else
		rc = profile_export_csv(cmd_store(c), f);
	if (fflush(f) || (path && fclose(f)))
		rc = log_fail("%s: write error", path ? tmp : "stdout");
	if (path) {
		if (!rc && rename(tmp, path))
			rc = log_fail("%s: %s", path, strerror(errno));
		if (rc)
			remove(tmp);
		else
			fprintf(stderr, "actors written to %s\n", path);
	}
	free(tmp);
	return rc ? 1 : 0;
}

static const struct cmd_opt export_opts[] = {
	{"format", OPT_STR, "FMT",
	 "json (default: the script interface), graphml (Gephi) or csv (one "
	 "row per listing-identifier edge)"},
	{"out", OPT_STR, "FILE", "write here (default: standard output)"},
	{0},
};

static const struct cmd profile_export_cmd = {
	.name = "export",
	.summary = "actors as JSON, GraphML or CSV",
	.opts = export_opts,
	.max_args = 0,
	.run = export_run,
};

/* ---- pdf
 * ------------------------------------------------------------------------ */

static int pdf_run(struct cmd_ctx *c)
{
	const char *out = cmd_str(c, "out", NULL);
	int64_t id;
	char *text;
	int rc;

	if (actor_arg(c, &id))
		return 2;
	if (!out)
		return cmd_usage_error(c, "--out FILE is required");
	text = profile_actor_json(cmd_store(c), id);
	if (!text) {
		fprintf(stderr, "patroli profile pdf: no actor %s\n",
			c->argv[0]);
		return 1;
	}
	rc = report_profile_pdf(text, out);
	free(text);
	if (!rc)
		fprintf(stderr, "Dokumen Profiling written to %s\n", out);
	return rc ? 1 : 0;
}

static const struct cmd_opt pdf_opts[] = {
	{"out", OPT_STR, "FILE", "the PDF to write (required)"},
	{0},
};

static const struct cmd profile_pdf_cmd = {
	.name = "pdf",
	.summary = "the Dokumen Profiling of one actor (PDF)",
	.usage = "ACTOR",
	.opts = pdf_opts,
	.min_args = 1,
	.max_args = 1,
	.run = pdf_run,
};

/* ---- label
 * ------------------------------------------------------------------------ */

static int label_run(struct cmd_ctx *c)
{
	int64_t id;
	int rc;

	if (profile_actor_parse(c->argv[0], &id))
		return cmd_usage_error(
			c, "'%s' is not an actor id (AKT-000042)", c->argv[0]);
	if (strlen(c->argv[1]) > 200)
		return cmd_usage_error(c, "a label has at most 200 bytes");
	rc = store_profile_actor_label(cmd_store(c), id,
				       *c->argv[1] ? c->argv[1] : NULL);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "patroli profile label: no actor %s\n",
			c->argv[0]);
	return rc ? 1 : 0;
}

static const struct cmd profile_label_cmd = {
	.name = "label",
	.summary = "name an actor (\"\" clears the name)",
	.usage = "ACTOR TEXT",
	.min_args = 2,
	.max_args = 2,
	.run = label_run,
};

static const struct cmd *const profile_subs[] = {&profile_build_cmd,
						 &profile_list_cmd,
						 &profile_show_cmd,
						 &profile_export_cmd,
						 &profile_pdf_cmd,
						 &profile_label_cmd,
						 NULL};

const struct cmd cmd_profile = {
	.name = "profile",
	.summary = "actors: the people behind the listings (SOP step 7)",
	.subs = profile_subs,
};
