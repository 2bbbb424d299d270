/* Unit tests of hv/hist.c: the bucket function at its edges (0, 7, 8, 9,
 * 10, 11, 12, every power of two, UINT64_MAX), each bucket's bounds, and
 * the HIST line: counts add up, buckets ascend, nothing past the buffer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/hist.h"

#define RUN	"20261203T101500-3f2a"

static void test_bucket_edges(void **state)
{
	unsigned v;

	(void)state;
	for (v = 0; v < 8; v++) {
		assert_int_equal(hist_bucket(v), v);
		assert_int_equal(hist_bucket_lo(v), v);
	}
	/* 2^3 in four buckets of two: 8-9, 10-11, 12-13, 14-15. */
	assert_int_equal(hist_bucket(8), 8);
	assert_int_equal(hist_bucket(9), 8);
	assert_int_equal(hist_bucket(10), 9);
	assert_int_equal(hist_bucket(11), 9);
	assert_int_equal(hist_bucket(12), 10);
	assert_int_equal(hist_bucket(15), 11);
	assert_int_equal(hist_bucket(16), 12);
	assert_int_equal(hist_bucket_lo(8), 8);
	assert_int_equal(hist_bucket_lo(9), 10);
	assert_int_equal(hist_bucket_lo(10), 12);
	assert_int_equal(hist_bucket_lo(11), 14);
	assert_int_equal(hist_bucket_lo(12), 16);
	assert_int_equal(hist_bucket_lo(13), 20);
	assert_int_equal(hist_bucket(UINT64_MAX), HIST_BUCKETS - 1);
	assert_true(hist_bucket_lo(HIST_BUCKETS - 1) == (1ULL << 63) + 3 * (1ULL << 61));
}

/* Every power of two opens a bucket; the value below it closes the last
 * bucket of the power before. */
static void test_powers_of_two(void **state)
{
	unsigned e;

	(void)state;
	for (e = 3; e < 64; e++) {
		uint64_t p = 1ULL << e;

		assert_int_equal(hist_bucket(p), 8 + 4 * (e - 3));
		assert_true(hist_bucket_lo(hist_bucket(p)) == p);
		assert_int_equal(hist_bucket(p - 1), hist_bucket(p) - 1);
		assert_true(hist_bucket(p + (p >> 2)) == hist_bucket(p) + 1);
		assert_true(hist_bucket(p + (p >> 2) - 1) == hist_bucket(p));
	}
}

/* Each bucket holds exactly [lo(b), lo(b+1)). */
static void test_bucket_bounds(void **state)
{
	unsigned b;

	(void)state;
	for (b = 0; b + 1 < HIST_BUCKETS; b++) {
		uint64_t lo = hist_bucket_lo(b), next = hist_bucket_lo(b + 1);

		assert_true(lo < next);
		assert_int_equal(hist_bucket(lo), b);
		assert_int_equal(hist_bucket(next - 1), b);
		assert_int_equal(hist_bucket(next), b + 1);
	}
}

static void test_json(void **state)
{
	const uint64_t s[] = { 0, 0, 7, 8, 9, 10, 100, 101, 127, 128, UINT64_MAX };
	char buf[512];

	(void)state;
	assert_int_equal(hist_json(buf, sizeof(buf), "irq-latency", RUN, s, 11), 0);
	assert_string_equal(buf,
		"{\"bench\":\"irq-latency\",\"run\":\"" RUN "\",\"unit\":\"tsc_ticks\",\"count\":11,"
		"\"buckets\":[[0,2],[7,1],[8,2],[10,1],[96,2],[112,1],[128,1],"
		"[16140901064495857664,1]]}");
	assert_int_equal(hist_json(buf, sizeof(buf), "vmexit.io", RUN, s, 1), 0);
	assert_non_null(strstr(buf, "\"count\":1,\"buckets\":[[0,1]]}"));
}

/* The samples must be sorted (stats_compute sorts them): anything else is
 * refused rather than counted wrong. */
static void test_unsorted_refused(void **state)
{
	const uint64_t s[] = { 5, 9, 8 };
	char buf[256];

	(void)state;
	assert_int_equal(hist_json(buf, sizeof(buf), "b", RUN, s, 3), -EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(hist_json(buf, sizeof(buf), "a b", RUN, s, 1), -EINVAL);
	assert_int_equal(hist_json(buf, sizeof(buf), "b", "x\"y", s, 1), -EINVAL);
}

/* Every bucket filled, counts at their widest: fits HIST_JSON_MAX; each
 * shorter buffer is an error with nothing written past it. */
static void test_worst_case(void **state)
{
	uint64_t *s = malloc(HIST_BUCKETS * sizeof(*s));
	char *full = malloc(HIST_JSON_MAX), *buf = malloc(HIST_JSON_MAX + 16);
	size_t need, len, i;
	unsigned b;

	(void)state;
	for (b = 0; b < HIST_BUCKETS; b++)
		s[b] = hist_bucket_lo(b);
	assert_int_equal(hist_json(full, HIST_JSON_MAX, "msix-update.mask-unmask", RUN, s,
				   HIST_BUCKETS), 0);
	need = strlen(full) + 1;
	for (len = need - 40; len <= need; len++) {
		memset(buf, 'Z', HIST_JSON_MAX + 16);
		assert_int_equal(hist_json(buf, len, "msix-update.mask-unmask", RUN, s,
					   HIST_BUCKETS), len < need ? -ENOSPC : 0);
		for (i = len; i < len + 16; i++)
			assert_int_equal(buf[i], 'Z');
	}
	free(s);
	free(full);
	free(buf);
}

/* Counts add up to count, lows ascend (a stride over a wide range). */
static void test_counts_add_up(void **state)
{
	enum { N = 5000 };
	uint64_t *s = malloc(N * sizeof(*s)), sum = 0, lo, last = 0, c;
	char *buf = malloc(HIST_JSON_MAX);
	const char *p;
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < N; i++)
		s[i] = i * i * 37;
	assert_int_equal(hist_json(buf, HIST_JSON_MAX, "irq-rate", RUN, s, N), 0);
	p = strstr(buf, "\"buckets\":[") + strlen("\"buckets\":[");
	for (i = 0; sscanf(p, "[%lu,%lu]%n", &lo, &c, &k) == 2; i++) {
		assert_true(i == 0 || lo > last);
		last = lo;
		sum += c;
		p += k + (p[k] == ',');
	}
	assert_int_equal(sum, N);
	free(s);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_edges),
		cmocka_unit_test(test_powers_of_two),
		cmocka_unit_test(test_bucket_bounds),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_unsorted_refused),
		cmocka_unit_test(test_worst_case),
		cmocka_unit_test(test_counts_add_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
