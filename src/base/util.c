/*
 * util.c - time, hashing and small parsing helpers shared by all modules.
 */
#include "base.h"

#include <errno.h>
#include <pthread.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>

int64_t time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void time_rfc3339(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_rfc3339_ms(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char tmp[24];

	gmtime_r(&t, &tm);
	strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%s.%03dZ", tmp, (int)(ms % 1000));
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* OpenSSL 3 looks EVP_sha256() up in its provider tables on every digest
 * (an "implicit fetch": a lock and a property query, 1% of a crawl's CPU
 * with two digests per page): fetch it once. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (!sha256_md)
		die("EVP_MD_fetch(SHA256) failed");
}

void sha256(const void *p, size_t n, unsigned char out[32])
{
	unsigned int len = 0;

	pthread_once(&sha256_once, sha256_fetch);
	if (!EVP_Digest(p ? p : "", n, out, &len, sha256_md, NULL) || len != 32)
		die("EVP_Digest(sha256) failed");
}

void sha256_hex(const void *p, size_t n, char out[SHA256_HEX_LEN + 1])
{
	unsigned char md[32];

	sha256(p, n, md);
	hex_encode(md, sizeof(md), out);
}

void base32_encode(const unsigned char *in, size_t n, struct buf *out)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t start = out->len;
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			buf_putc(out, alpha[(acc >> (bits - 5)) & 31]);
			bits -= 5;
		}
	}
	if (bits > 0)
		buf_putc(out, alpha[(acc << (5 - bits)) & 31]);
	while ((out->len - start) % 8)
		buf_putc(out, '=');
}

int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return ERR_INPUT;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return ERR_INPUT;
	*out = v;
	return 0;
}

int mkdir_p(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			rc = log_fail("mkdir %s: %s", p, strerror(errno));
		*s = '/';
		if (rc)
			break;
	}
	if (!rc && mkdir(p, 0755) && errno != EEXIST)
		rc = log_fail("mkdir %s: %s", p, strerror(errno));
	free(p);
	return rc;
}
