/*
 * opts.c - crawl settings: defaults, and their JSON form kept with the run
 * so that `patroli crawl --resume` continues with exactly the same ones.
 */
#include "crawl/crawl.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

void crawl_opts_default(struct crawl_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->scope = SCOPE_HOST;
	o->max_depth = 20;
	o->concurrency = 16;
	o->per_host = 0; /* = concurrency */
	o->delay_ms = 1000;
	o->host_budget = 100000;
	o->max_body = 5 << 20;
	o->timeout_ms = 60000;
	o->connect_timeout_ms = 10000;
	o->low_speed_bytes = 512;
	o->low_speed_secs = 15;
	o->max_redirects = 5;
	o->max_attempts = 3;
	o->max_retry_after_ms = 120000;
	o->max_links = 10000;
	o->max_query_variants = 1000;
	o->max_url_len = 2048;
	o->agent = "patroli";
	o->user_agent = "patroli/0.1 (BPOM cyber patrol; robots.txt token "
			"patroli)";
	o->data_dir = "patroli-data";
	o->owner = "main";
	o->lease_ms = 60 * 1000; /* renewed every lease_ms/3 */
}

/* The integer settings, by name, so both directions share one table. */
/* clang-format off: one entry a line, which it cannot keep */
#define INT_FIELDS(X)                                                          \
	X(max_pages)                                                           \
	X(max_depth)                                                           \
	X(concurrency)                                                         \
	X(per_host)                                                            \
	X(delay_ms)                                                            \
	X(host_budget)                                                         \
	X(max_body)                                                            \
	X(timeout_ms)                                                          \
	X(connect_timeout_ms)                                                  \
	X(low_speed_bytes)                                                     \
	X(low_speed_secs)                                                      \
	X(max_redirects)                                                       \
	X(max_attempts)                                                        \
	X(max_retry_after_ms)                                                  \
	X(max_links)                                                           \
	X(max_url_len)                                                         \
	X(max_query_variants)
/* clang-format on */

static json_t *strv(char **v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; v && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

char *crawl_opts_to_json(const struct crawl_opts *o)
{
	json_t *j = json_object();
	size_t ndrop = 0;
	char *s;

	while (o->drop_params && o->drop_params[ndrop])
		ndrop++;
	json_object_set_new(j, "seeds", strv(o->seeds, o->nseeds));
	json_object_set_new(j, "scope", json_string(url_scope_name(o->scope)));
#define X(f) json_object_set_new(j, #f, json_integer((json_int_t)o->f));
	INT_FIELDS(X)
#undef X
	if (o->drop_params)
		json_object_set_new(j, "drop_params",
				    strv(o->drop_params, ndrop));
	json_object_set_new(j, "agent", json_string(o->agent));
	json_object_set_new(j, "user_agent", json_string(o->user_agent));
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s; /* json_dumps uses malloc: free() */
}

static char **strv_from(json_t *a, size_t *n)
{
	size_t len = json_is_array(a) ? json_array_size(a) : 0;
	char **v = xcalloc(len + 1, sizeof(char *));
	size_t k = 0;

	for (size_t i = 0; i < len; i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (s)
			v[k++] = xstrdup(s);
	}
	if (n)
		*n = k;
	return v;
}

int crawl_opts_from_json(const char *text, struct crawl_opts *o)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err), *v;
	const char *s;

	if (!json_is_object(j)) {
		json_decref(j);
		return log_fail("crawl settings: line %d: %s", err.line,
				err.text);
	}
	o->seeds = strv_from(json_object_get(j, "seeds"), &o->nseeds);
	if ((s = json_string_value(json_object_get(j, "scope"))))
		url_scope_parse(s, &o->scope);
#define X(f)                                                                   \
	if (json_is_integer(v = json_object_get(j, #f)))                       \
		o->f = (__typeof__(o->f))json_integer_value(v);
	INT_FIELDS(X)
#undef X
	if ((v = json_object_get(j, "drop_params")))
		o->drop_params = strv_from(v, NULL);
	if ((s = json_string_value(json_object_get(j, "agent"))))
		o->agent = xstrdup(s);
	else
		o->agent = xstrdup(o->agent);
	if ((s = json_string_value(json_object_get(j, "user_agent"))))
		o->user_agent = xstrdup(s);
	else
		o->user_agent = xstrdup(o->user_agent);
	json_decref(j);
	return 0;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void crawl_opts_release(struct crawl_opts *o)
{
	strv_free(o->seeds);
	strv_free(o->drop_params);
	free((char *)o->agent);
	free((char *)o->user_agent);
	o->seeds = o->drop_params = NULL;
	o->agent = o->user_agent = NULL;
}
