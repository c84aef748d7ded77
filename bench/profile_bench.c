/*
 * profile_bench.c - `patroli profile build` through a real store: the
 * first (full) build over N listings, then the incremental add of the
 * listings of add.tsv; built and run by bench/cluster.sh --store.
 *
 * usage: profile_bench STORE DIR N
 *        (N = 0: only the add, on a store that has the N listings)
 *
 * The listings of DIR/listings.tsv (bench/gen_listings.py) become
 * captures and listing findings in STORE (a fresh SQLite path or a
 * postgres:// URI of an empty schema), as the analysis would store them;
 * then profile_build() runs and is timed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "base/base.h"
#include "profile/profile.h"
#include "store/store.h"

struct loader {
	struct store *st;
	char **rows; /* the lines, by capture order */
	size_t n, next;
};

static double wall(void)
{
	return (double)time_mono_ms() / 1000.0;
}

static double cpu(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

/* One listing line as the finding JSON the analysis writes. */
static json_t *finding_of(char *line)
{
	char *save = NULL, *url = strtok_r(line, "\t\n", &save);
	char *ctx = strtok_r(NULL, "\t\n", &save), *id;
	json_t *j = json_object(), *src = json_array();

	if (!url || !ctx) {
		json_decref(j);
		json_decref(src);
		return NULL;
	}
	while ((id = strtok_r(NULL, "\t\n", &save))) {
		char *colon = strchr(id, ':');
		if (!colon)
			continue;
		*colon = '\0';
		json_array_append_new(src, json_pack("{s:s,s:s,s:s}", "kind",
						     id, "value", colon + 1,
						     "where", "text"));
	}
	json_object_set_new(j, "url", json_string(url));
	json_object_set_new(j, "canonical_url", json_string(url));
	json_object_set_new(j, "platform",
			    json_string(strtok_r(ctx, "|", &save)));
	json_object_set_new(j, "is_listing", json_true());
	json_object_set_new(j, "seller", json_string(ctx + strlen(ctx) + 1));
	json_object_set_new(j, "seller_url", json_null());
	json_object_set_new(j, "violations", json_array());
	json_object_set_new(j, "identifier_sources", src);
	json_object_set_new(j, "actor", json_null());
	return j;
}

static int put(void *arg, int64_t capture_id, const struct store_capture *c)
{
	struct loader *ld = arg;
	json_t *j = finding_of(ld->rows[ld->next++]);
	char *data = json_dumps(j, JSON_COMPACT);
	struct store_finding f = {.canonical_url = c->canonical_url,
				  .capture_id = capture_id,
				  .analyzed_at = time_now_ms(),
				  .is_listing = true,
				  .violations = "",
				  .data = data};
	int rc = store_finding_put(ld->st, &f);

	free(data);
	json_decref(j);
	return rc;
}

/* Load a listings file as captures and findings. */
static size_t load(struct store *st, int64_t run, const char *path, size_t max,
		   int64_t *t)
{
	FILE *f = fopen(path, "r");
	struct loader ld = {.st = st};
	char *line = NULL;
	size_t cap = 0, rcap = 0;
	int64_t off = 0;

	if (!f)
		die("%s: cannot open", path);
	store_begin(st);
	while (ld.n < max && getline(&line, &cap, f) > 0) {
		char *copy = xstrdup(line);
		json_t *j = finding_of(line);
		struct store_capture c = {0};
		const char *url;
		if (!j) {
			free(copy);
			continue;
		}
		url = json_string_value(json_object_get(j, "url"));
		c = (struct store_capture){.run_id = run,
					   .url = url,
					   .canonical_url = url,
					   .final_url = url,
					   .status = 200,
					   .content_type = "text/html",
					   .sha256 = "00",
					   .fetched_at = (*t)++,
					   .warc_file = "bench.warc.gz",
					   .warc_offset = off++,
					   .warc_length = 1};
		if (store_capture_add(st, &c))
			die("capture of %s", url);
		ld.rows = xgrow(ld.rows, &rcap, ld.n + 1, sizeof(*ld.rows));
		ld.rows[ld.n++] = copy;
		json_decref(j);
	}
	store_commit(st);
	/* pending captures come in WARC order: the order added */
	store_begin(st);
	if (store_analyze_pending(st, false, put, &ld))
		die("findings");
	store_commit(st);
	for (size_t i = 0; i < ld.n; i++)
		free(ld.rows[i]);
	free(ld.rows);
	free(line);
	fclose(f);
	return ld.n;
}

int main(int argc, char **argv)
{
	struct store *st;
	struct profile_opts o = {0};
	struct profile_stats s;
	char path[4096];
	int64_t run, t = 1767225600000, n;
	double w0, c0;
	size_t got;

	if (argc != 4 || parse_i64(argv[3], 0, 100000000, &n))
		die("usage: profile_bench STORE DIR N");
	log_set_level(LOG_WARN);
	if (store_open(argv[1], &st) || store_run_create(st, "{}", &run))
		die("%s: cannot open", argv[1]);
	snprintf(path, sizeof(path), "%s/listings.tsv", argv[2]);
	if (n) {
		w0 = wall();
		got = load(st, run, path, (size_t)n, &t);
		printf("store: %zu listings as findings in %.1f s\n", got,
		       wall() - w0);
		w0 = wall();
		c0 = cpu();
		if (profile_build(st, &o, &s))
			die("build");
		printf("first build: %.2f s wall, %.2f s cpu: %lld actors over "
		       "%lld listings, %lld hubs\n",
		       wall() - w0, cpu() - c0, (long long)s.actors,
		       (long long)s.listings, (long long)s.hubs);
	} else {
		t = time_now_ms();
	}
	snprintf(path, sizeof(path), "%s/add.tsv", argv[2]);
	got = load(st, run, path, 1000000, &t);
	w0 = wall();
	c0 = cpu();
	if (profile_build(st, &o, &s))
		die("build");
	printf("incremental add of %zu listings: %.2f s wall, %.2f s cpu (%s): "
	       "%lld actors\n",
	       got, wall() - w0, cpu() - c0, s.rebuilt ? s.why : "incremental",
	       (long long)s.actors);
	store_close(st);
	return 0;
}
