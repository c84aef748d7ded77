/*
 * cluster_bench.c - time the clustering engine (src/profile/cluster.h) on
 * the files of bench/gen_listings.py; built and run by bench/cluster.sh.
 *
 * usage: cluster_bench DIR [--max-contexts N]
 *
 * Reads DIR/listings.tsv, clusters it (full run), then adds DIR/add.tsv
 * incrementally, and prints the time of each step (CPU and wall), the
 * counts, and pairwise precision/recall against DIR/truth.tsv: precision
 * says no distractor merged two true actors; recall is bounded by the
 * listings whose identifiers never meet the rest of their actor's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "profile/cluster.h"

static double cpu_s(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

static double wall_s(void)
{
	return (double)time_mono_ms() / 1000.0;
}

/* Add every line of a listings file; returns the listings read. */
static size_t load(struct cluster *c, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;

	if (!f)
		die("%s: cannot open", path);
	while ((len = getline(&line, &cap, f)) > 0) {
		char *p = line, *tab, *end = line + len;
		uint32_t l;

		if (end[-1] == '\n')
			*--end = '\0';
		tab = memchr(p, '\t', (size_t)(end - p));
		if (!tab)
			continue;
		{
			char *ctx = tab + 1,
			     *t2 = memchr(ctx, '\t', (size_t)(end - ctx));
			size_t ctxn =
				t2 ? (size_t)(t2 - ctx) : (size_t)(end - ctx);
			l = cluster_listing(c, p, (size_t)(tab - p), ctx, ctxn,
					    0);
			p = t2 ? t2 + 1 : end;
		}
		while (p < end) {
			char *t = memchr(p, '\t', (size_t)(end - p));
			size_t k = t ? (size_t)(t - p) : (size_t)(end - p);
			cluster_edge(c, l, cluster_ident(c, p, k));
			p += k + 1;
		}
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

struct pp {
	int64_t pred;
	long truth;
};

static int cmp_pred(const void *x, const void *y)
{
	const struct pp *a = x, *b = y;

	if (a->pred != b->pred)
		return a->pred < b->pred ? -1 : 1;
	return (a->truth > b->truth) - (a->truth < b->truth);
}

static int cmp_truth(const void *x, const void *y)
{
	const struct pp *a = x, *b = y;

	return (a->truth > b->truth) - (a->truth < b->truth);
}

static double pairs(size_t k)
{
	return (double)k * (double)(k - 1) / 2.0;
}

/* Pairwise precision and recall of the clustering against truth.tsv. */
static void score(struct cluster *c, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0, nl = cluster_nlistings(c);
	struct pp *v = xcalloc(nl, sizeof(*v));
	double tp = 0, pp_ = 0, tt = 0;
	ssize_t len;

	if (!f)
		die("%s: cannot open", path);
	/* truth lines are in listing order (both files, oldest first) */
	while ((len = getline(&line, &cap, f)) > 0 && n < nl) {
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		v[n].pred = cluster_actor_of(c, (uint32_t)n);
		v[n].truth = strtol(tab + 2, NULL, 10);
		n++;
	}
	free(line);
	fclose(f);
	qsort(v, n, sizeof(*v), cmp_pred);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && v[j].pred == v[i].pred; j++)
			;
		pp_ += pairs(j - i);
		for (size_t a = i, b; a < j; a = b) {
			for (b = a; b < j && v[b].truth == v[a].truth; b++)
				;
			tp += pairs(b - a);
		}
	}
	qsort(v, n, sizeof(*v), cmp_truth);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && v[j].truth == v[i].truth; j++)
			;
		tt += pairs(j - i);
	}
	printf("pairwise vs truth: P=%.4f R=%.4f\n", pp_ ? tp / pp_ : 1.0,
	       tt ? tp / tt : 1.0);
	free(v);
}

int main(int argc, char **argv)
{
	struct cluster_opts o = {0};
	struct cluster *c;
	char path[4096];
	double w0, c0, w1, c1, w2, c2, w3, c3;
	size_t n, nadd, na, nm, hubs = 0, active = 0;
	const struct cluster_actor *a;
	int full;

	if (argc < 2)
		die("usage: cluster_bench DIR [--max-contexts N]");
	if (argc == 4 && !strcmp(argv[2], "--max-contexts"))
		o.max_contexts = (int)strtol(argv[3], NULL, 10);
	c = cluster_new(&o);
	w0 = wall_s();
	c0 = cpu_s();
	snprintf(path, sizeof(path), "%s/listings.tsv", argv[1]);
	n = load(c, path);
	w1 = wall_s();
	c1 = cpu_s();
	cluster_run(c);
	w2 = wall_s();
	c2 = cpu_s();
	for (size_t i = 0; i < cluster_nidents(c); i++)
		hubs += cluster_ident_state(c, (uint32_t)i) == CLUSTER_HUB;
	a = cluster_actors(c, &na);
	for (size_t i = 0; i < na; i++)
		active += a[i].active;
	cluster_merges(c, &nm);
	printf("listings %zu, identifiers %zu, edges %zu\n", n,
	       cluster_nidents(c), cluster_nedges(c));
	printf("load   %.2f s wall, %.2f s cpu\n", w1 - w0, c1 - c0);
	printf("run    %.2f s wall, %.2f s cpu: %zu actors (%zu with 2+ "
	       "listings), %zu hubs, %zu merge records\n",
	       w2 - w1, c2 - c1, active, cluster_ngroups(c), hubs, nm);
	printf("total  %.2f s wall (load + run)\n", w2 - w0);

	snprintf(path, sizeof(path), "%s/add.tsv", argv[1]);
	w2 = wall_s();
	c2 = cpu_s();
	nadd = load(c, path);
	full = cluster_update(c);
	w3 = wall_s();
	c3 = cpu_s();
	a = cluster_actors(c, &na);
	active = 0;
	for (size_t i = 0; i < na; i++)
		active += a[i].active;
	printf("add    %zu listings: %.3f s wall, %.3f s cpu (load + "
	       "update%s): %zu actors\n",
	       nadd, w3 - w2, c3 - c2, full ? ", full rerun: a new hub" : "",
	       active);
	snprintf(path, sizeof(path), "%s/truth.tsv", argv[1]);
	score(c, path);
	cluster_free(c);
	return 0;
}
