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

int fetch_start(CURLM *m, struct fetch *f, const char *url,
		const struct crawl_opts *o, void *priv)
{
	CURL *e = curl_easy_init();

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
	f->hdrs = curl_slist_append(NULL, "Accept: text/html,application/"
					  "xhtml+xml,application/xml;q=0.9,"
					  "*/*;q=0.8");
	f->hdrs = curl_slist_append(f->hdrs, "Accept-Encoding: gzip, deflate, "
					     "br");
	f->hdrs = curl_slist_append(f->hdrs,
				    "Accept-Language: id-ID,id;q=0.9,en;q=0.5");
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, priv);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, f->hdrs);
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
	if (curl_multi_add_handle(m, e) != CURLM_OK) {
		fetch_release(NULL, f);
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

void fetch_release(CURLM *m, struct fetch *f)
{
	if (f->easy) {
		if (m)
			curl_multi_remove_handle(m, f->easy);
		curl_easy_cleanup(f->easy);
	}
	curl_slist_free_all(f->hdrs);
	buf_release(&f->req);
	buf_release(&f->resp);
	f->easy = NULL;
	f->hdrs = NULL;
}
