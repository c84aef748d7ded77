/*
 * fetch.c - one HTTP exchange with libcurl, kept as evidence.
 *
 * libcurl is told not to undo the transfer coding or the content coding
 * and not to follow redirects: the WARC record must hold what the server
 * sent, and every redirect hop is its own exchange.  The body cap is
 * enforced in the write callback, because CURLOPT_MAXFILESIZE does not stop
 * a transfer whose size was not announced (libcurl 7.88).
 */
#include "crawl/crawl_int.h"

#include <stdlib.h>
#include <string.h>

struct fetcher {
	CURLM *multi;
	const struct crawl_opts *o;
	struct curl_slist *hdrs;
	CURL **idle; /* reset, ready for the next transfer */
	size_t nidle, cap;
};

struct fetcher *fetcher_new(CURLM *m, const struct crawl_opts *o)
{
	struct fetcher *fx = xcalloc(1, sizeof(*fx));

	fx->multi = m;
	fx->o = o;
	fx->hdrs = curl_slist_append(NULL, "Accept: text/html,application/"
					   "xhtml+xml,application/xml;q=0.9,"
					   "*/*;q=0.8");
	fx->hdrs = curl_slist_append(fx->hdrs, "Accept-Encoding: gzip, "
					       "deflate, br");
	fx->hdrs = curl_slist_append(fx->hdrs, "Accept-Language: id-ID,id;"
					       "q=0.9,en;q=0.5");
	if (!fx->hdrs)
		die("curl_slist_append: out of memory");
	return fx;
}

void fetcher_free(struct fetcher *fx)
{
	if (!fx)
		return;
	for (size_t i = 0; i < fx->nidle; i++)
		curl_easy_cleanup(fx->idle[i]);
	free(fx->idle);
	curl_slist_free_all(fx->hdrs);
	free(fx);
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct fetch *f = arg;
	size_t len = size * n;

	/* A head larger than the body cap is hostile; stop it the same way. */
	if (buf_append(&f->resp, p, len)) {
		f->over_cap = true;
		return 0;
	}
	f->head_len = f->resp.len;
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct fetch *f = arg;
	size_t len = size * n;

	if ((int64_t)(f->resp.len - f->head_len + len) > f->max_body) {
		size_t room = (size_t)(f->max_body -
				       (int64_t)(f->resp.len - f->head_len));
		buf_append(&f->resp, p, room);
		f->over_cap = true;
		return 0; /* aborts with CURLE_WRITE_ERROR */
	}
	if (buf_append(&f->resp, p, len)) {
		f->over_cap = true;
		return 0;
	}
	return len;
}

/* The request head, as sent, arrives through the debug callback. */
static int on_debug(CURL *h, curl_infotype type, char *p, size_t n, void *arg)
{
	struct fetch *f = arg;

	if (type == CURLINFO_HEADER_OUT)
		buf_append(&f->req, p, n);
	return 0;
}

int fetch_start(struct fetcher *fx, struct fetch *f, const char *url,
		void *priv)
{
	const struct crawl_opts *o = fx->o;
	CURL *e = fx->nidle ? fx->idle[--fx->nidle] : curl_easy_init();

	if (!e)
		die("curl_easy_init failed");
	f->easy = e;
	buf_init(&f->req, 256 * 1024);
	/* The head may be up to 256 KiB on top of the body cap. */
	buf_init(&f->resp, (size_t)o->max_body + 256 * 1024);
	f->head_len = 0;
	f->max_body = o->max_body;
	f->over_cap = false;
	f->errbuf[0] = '\0';
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, priv);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, fx->hdrs);
	curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_HTTP_TRANSFER_DECODING, 0L);
	curl_easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, f);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(e, CURLOPT_DEBUGDATA, f);
	curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, f->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)o->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)o->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, (long)o->low_speed_bytes);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)o->low_speed_secs);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	if (curl_multi_add_handle(fx->multi, e) != CURLM_OK) {
		fetch_release(fx, f);
		return log_fail("%s: cannot start transfer", url);
	}
	return 0;
}

void fetch_result(struct fetch *f, CURLcode code, struct fetch_result *r)
{
	char *ip = NULL, *ct = NULL, *loc = NULL;
	double t = 0;

	memset(r, 0, sizeof(*r));
	r->code = code;
	curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(f->easy, CURLINFO_PRIMARY_IP, &ip);
	curl_easy_getinfo(f->easy, CURLINFO_CONTENT_TYPE, &ct);
	curl_easy_getinfo(f->easy, CURLINFO_REDIRECT_URL, &loc);
	curl_easy_getinfo(f->easy, CURLINFO_TOTAL_TIME, &t);
	if (ip)
		snprintf(r->ip, sizeof(r->ip), "%s", ip);
	r->content_type = ct;
	r->redirect = loc;
	r->seconds = t;
}

void fetch_release(struct fetcher *fx, struct fetch *f)
{
	if (f->easy) {
		curl_multi_remove_handle(fx->multi, f->easy);
		/* as many as can be under way at once are worth keeping */
		if (fx->nidle < (size_t)fx->o->concurrency) {
			curl_easy_reset(f->easy);
			fx->idle = xgrow(fx->idle, &fx->cap, fx->nidle + 1,
					 sizeof(*fx->idle));
			fx->idle[fx->nidle++] = f->easy;
		} else {
			curl_easy_cleanup(f->easy);
		}
	}
	buf_release(&f->req);
	buf_release(&f->resp);
	f->easy = NULL;
}
