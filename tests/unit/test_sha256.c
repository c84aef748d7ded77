/*
 * test_sha256.c - sha256() and sha256_hex() against the FIPS 180-2
 * vectors, on one thread and on several at once (the algorithm is fetched
 * once per process and shared).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/base.h"

static const struct {
	const char *in, *hex;
} vec[] = {
	{"",
	 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"abc",
	 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
};

static void test_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(vec); i++) {
		char hex[SHA256_HEX_LEN + 1];

		sha256_hex(vec[i].in, strlen(vec[i].in), hex);
		assert_string_equal(hex, vec[i].hex);
	}
}

static void test_raw_matches_hex(void **state)
{
	unsigned char md[32];
	char hex[SHA256_HEX_LEN + 1], want[3];

	(void)state;
	sha256("abc", 3, md);
	sha256_hex("abc", 3, hex);
	for (size_t i = 0; i < sizeof(md); i++) {
		snprintf(want, sizeof(want), "%02x", md[i]);
		assert_memory_equal(hex + 2 * i, want, 2);
	}
	/* NULL with length 0 is the empty message */
	sha256(NULL, 0, md);
	assert_int_equal(md[0], 0xe3);
}

static void *hash_many(void *arg)
{
	int *bad = arg;

	for (int k = 0; k < 2000; k++) {
		size_t i = (size_t)k % ARRAY_LEN(vec);
		char hex[SHA256_HEX_LEN + 1];

		sha256_hex(vec[i].in, strlen(vec[i].in), hex);
		*bad += strcmp(hex, vec[i].hex) != 0;
	}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t t[4];
	int bad[4] = {0};

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(
			pthread_create(&t[i], NULL, hash_many, &bad[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(bad[i], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_raw_matches_hex),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
