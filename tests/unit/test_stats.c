/* Unit tests of hv/stats.c: nearest-rank percentiles, exact mean, formatting. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/bits.h"
#include "hv/stats.h"

static void compute(uint64_t *s, size_t n, struct stats *st)
{
	memset(st, 0xa5, sizeof(*st));
	assert_int_equal(stats_compute(s, n, st), 0);
	assert_int_equal(st->count, n);
	for (size_t i = 1; i < n; i++)
		assert_true(s[i - 1] <= s[i]);
}

static void test_empty(void **state)
{
	struct stats st, before;

	(void)state;
	memset(&st, 0x5a, sizeof(st));
	before = st;
	assert_int_equal(stats_compute(NULL, 0, &st), -EINVAL);
	assert_memory_equal(&st, &before, sizeof(st));
	assert_int_equal(stats_percentile(NULL, 0, 50), 0);
}

static void test_one(void **state)
{
	uint64_t s[] = { 42 };
	struct stats st;

	(void)state;
	compute(s, 1, &st);
	assert_int_equal(st.min, 42);
	assert_int_equal(st.p50, 42);
	assert_int_equal(st.p90, 42);
	assert_int_equal(st.p99, 42);
	assert_int_equal(st.max, 42);
	assert_int_equal(st.mean_milli, 42000);
}

static void test_odd_unsorted(void **state)
{
	uint64_t s[] = { 5, 1, 4, 2, 3 };
	struct stats st;

	(void)state;
	compute(s, ARRAY_SIZE(s), &st);
	assert_int_equal(st.min, 1);
	assert_int_equal(st.p50, 3);	/* rank ceil(2.5) = 3 */
	assert_int_equal(st.p90, 5);	/* rank ceil(4.5) = 5 */
	assert_int_equal(st.p99, 5);
	assert_int_equal(st.max, 5);
	assert_int_equal(st.mean_milli, 3000);
}

static void test_even_unsorted(void **state)
{
	uint64_t s[] = { 40, 10, 30, 20 };
	struct stats st;

	(void)state;
	compute(s, ARRAY_SIZE(s), &st);
	assert_int_equal(st.min, 10);
	assert_int_equal(st.p50, 20);	/* rank 2: nearest rank, no interpolation */
	assert_int_equal(st.p90, 40);	/* rank ceil(3.6) = 4 */
	assert_int_equal(st.p99, 40);
	assert_int_equal(st.max, 40);
	assert_int_equal(st.mean_milli, 25000);
}

static void test_ten(void **state)
{
	uint64_t s[] = { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
	struct stats st;

	(void)state;
	compute(s, ARRAY_SIZE(s), &st);
	assert_int_equal(st.p50, 5);	/* rank 5 */
	assert_int_equal(st.p90, 9);	/* rank 9 */
	assert_int_equal(st.p99, 10);	/* rank ceil(9.9) = 10 */
	assert_int_equal(st.mean_milli, 5500);
}

static void test_percentile_ranks(void **state)
{
	uint64_t s[1000];
	size_t i;
	unsigned pct;

	(void)state;
	for (i = 0; i < 1000; i++)
		s[i] = i + 1;
	/* n = 100: pXX is XX */
	for (pct = 1; pct <= 100; pct++)
		assert_int_equal(stats_percentile(s, 100, pct), pct);
	/* n = 101: rank ceil(101 * pct / 100) */
	assert_int_equal(stats_percentile(s, 101, 1), 2);
	assert_int_equal(stats_percentile(s, 101, 50), 51);
	assert_int_equal(stats_percentile(s, 101, 90), 91);
	assert_int_equal(stats_percentile(s, 101, 99), 100);
	assert_int_equal(stats_percentile(s, 101, 100), 101);
	/* n = 1000 */
	assert_int_equal(stats_percentile(s, 1000, 50), 500);
	assert_int_equal(stats_percentile(s, 1000, 90), 900);
	assert_int_equal(stats_percentile(s, 1000, 99), 990);
	/* n = 3 */
	assert_int_equal(stats_percentile(s, 3, 33), 1);	/* rank ceil(0.99) */
	assert_int_equal(stats_percentile(s, 3, 34), 2);	/* rank ceil(1.02) */
	assert_int_equal(stats_percentile(s, 3, 67), 3);	/* rank ceil(2.01) */
	/* out of range pct clamps */
	assert_int_equal(stats_percentile(s, 10, 0), 1);
	assert_int_equal(stats_percentile(s, 10, 101), 10);
	assert_int_equal(stats_percentile(s, 10, 1000), 10);
}

static void test_duplicates(void **state)
{
	uint64_t s[] = { 2, 1, 1, 1 };
	uint64_t same[7] = { 9, 9, 9, 9, 9, 9, 9 };
	struct stats st;

	(void)state;
	compute(s, ARRAY_SIZE(s), &st);
	assert_int_equal(st.p50, 1);
	assert_int_equal(stats_percentile(s, 4, 75), 1);
	assert_int_equal(stats_percentile(s, 4, 76), 2);
	assert_int_equal(st.p90, 2);
	assert_int_equal(st.mean_milli, 1250);

	compute(same, ARRAY_SIZE(same), &st);
	assert_int_equal(st.min, 9);
	assert_int_equal(st.p50, 9);
	assert_int_equal(st.p99, 9);
	assert_int_equal(st.max, 9);
	assert_int_equal(st.mean_milli, 9000);
}

static void test_mean_rounding(void **state)
{
	uint64_t a[] = { 1, 2, 4 };	/* 2.3333 */
	uint64_t b[] = { 1, 2, 2 };	/* 1.6667 */
	uint64_t c[16] = { 1 };		/* 0.0625 -> 62.5 milli, half up */
	uint64_t d[] = { 0, 0, 0 };
	uint64_t e[3000] = { 1 };	/* 0.000333 -> 0 */
	uint64_t f[2000] = { 1 };	/* 0.0005 -> 1 milli, half up */
	struct stats st;

	(void)state;
	compute(a, ARRAY_SIZE(a), &st);
	assert_int_equal(st.mean_milli, 2333);
	compute(b, ARRAY_SIZE(b), &st);
	assert_int_equal(st.mean_milli, 1667);
	compute(c, ARRAY_SIZE(c), &st);
	assert_int_equal(st.mean_milli, 63);
	compute(d, ARRAY_SIZE(d), &st);
	assert_int_equal(st.mean_milli, 0);
	compute(e, ARRAY_SIZE(e), &st);
	assert_int_equal(st.mean_milli, 0);
	compute(f, ARRAY_SIZE(f), &st);
	assert_int_equal(st.mean_milli, 1);
}

/* The sum overflows uint64_t; the mean must not. */
static void test_large_values(void **state)
{
	const uint64_t v = 18000000000000000ULL;	/* v * 1000 still fits */
	const uint64_t top = UINT64_MAX / 1000;		/* largest mean that fits */
	uint64_t big[2000], s3[3], m2[2] = { UINT64_MAX, UINT64_MAX };
	uint64_t mix[] = { UINT64_MAX, 0, UINT64_MAX - 1 };
	struct stats st;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(big); i++)
		big[i] = v;
	compute(big, ARRAY_SIZE(big), &st);
	assert_int_equal(st.mean_milli, v * 1000);

	s3[0] = v + 1; s3[1] = v; s3[2] = v;		/* v + 1/3 */
	compute(s3, 3, &st);
	assert_int_equal(st.mean_milli, v * 1000 + 333);

	s3[0] = top; s3[1] = top; s3[2] = top;
	compute(s3, 3, &st);
	assert_int_equal(st.mean_milli, top * 1000);
	s3[0] = top + 1;				/* mean * 1000 would not fit */
	compute(s3, 3, &st);
	assert_int_equal(st.mean_milli, top * 1000 + 333);
	s3[1] = top + 1; s3[2] = top + 1;
	compute(s3, 3, &st);
	assert_int_equal(st.mean_milli, UINT64_MAX);	/* saturates */

	compute(m2, 2, &st);
	assert_int_equal(st.min, UINT64_MAX);
	assert_int_equal(st.max, UINT64_MAX);
	assert_int_equal(st.mean_milli, UINT64_MAX);

	compute(mix, 3, &st);
	assert_int_equal(st.min, 0);
	assert_int_equal(st.p50, UINT64_MAX - 1);
	assert_int_equal(st.p90, UINT64_MAX);
	assert_int_equal(st.max, UINT64_MAX);
	assert_int_equal(st.mean_milli, UINT64_MAX);

	/* the comparator must not overflow: 0 vs 2^63 + 1 and the like */
	{
		uint64_t w[] = { BIT(63) + 1, 0, BIT(63), 1, UINT64_MAX, BIT(62) };

		compute(w, ARRAY_SIZE(w), &st);
		assert_int_equal(w[0], 0);
		assert_int_equal(w[1], 1);
		assert_int_equal(w[2], BIT(62));
		assert_int_equal(w[3], BIT(63));
		assert_int_equal(w[4], BIT(63) + 1);
		assert_int_equal(w[5], UINT64_MAX);
	}
}

/* Reference: naive definitions with 128-bit arithmetic (host only). */
static uint64_t ref_percentile(const uint64_t *s, size_t n, unsigned pct)
{
	for (size_t i = 0; i < n; i++) {
		size_t le = 0;

		for (size_t j = 0; j < n; j++)
			le += s[j] <= s[i];
		if ((unsigned __int128)le * 100 >= (unsigned __int128)pct * n) {
			uint64_t best = s[i];

			for (size_t j = 0; j < n; j++) {
				size_t le2 = 0;

				for (size_t k = 0; k < n; k++)
					le2 += s[k] <= s[j];
				if (s[j] < best && (unsigned __int128)le2 * 100 >=
				    (unsigned __int128)pct * n)
					best = s[j];
			}
			return best;
		}
	}
	return 0;
}

static uint64_t ref_mean_milli(const uint64_t *s, size_t n)
{
	unsigned __int128 sum = 0, m;

	for (size_t i = 0; i < n; i++)
		sum += s[i];
	m = (sum * 1000 * 2 + n) / (2 * (unsigned __int128)n);
	return m > UINT64_MAX ? UINT64_MAX : (uint64_t)m;
}

static void test_random_against_reference(void **state)
{
	static const uint64_t scale[] = { 10, 1000, 1ULL << 40, UINT64_MAX };
	uint64_t s[67], orig[67];
	uint64_t seed = 88172645463325252ULL;
	struct stats st;
	unsigned pct;

	(void)state;
	for (int round = 0; round < 400; round++) {
		size_t n = 1 + (size_t)round % ARRAY_SIZE(s);
		uint64_t lim = scale[round % ARRAY_SIZE(scale)];

		for (size_t i = 0; i < n; i++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			s[i] = lim == UINT64_MAX ? seed : seed % lim;
		}
		memcpy(orig, s, n * sizeof(*s));
		compute(s, n, &st);
		assert_int_equal(st.mean_milli, ref_mean_milli(orig, n));
		assert_int_equal(st.min, ref_percentile(orig, n, 0));
		assert_int_equal(st.max, ref_percentile(orig, n, 100));
		assert_int_equal(st.p50, ref_percentile(orig, n, 50));
		assert_int_equal(st.p90, ref_percentile(orig, n, 90));
		assert_int_equal(st.p99, ref_percentile(orig, n, 99));
		for (pct = 1; pct <= 100; pct += 11)
			assert_int_equal(stats_percentile(s, n, pct),
					 ref_percentile(orig, n, pct));
	}
}

static void test_format_milli(void **state)
{
	static const struct { uint64_t milli; const char *text; } cases[] = {
		{ 0, "0.000" },
		{ 5, "0.005" },
		{ 50, "0.050" },
		{ 999, "0.999" },
		{ 1000, "1.000" },
		{ 123456, "123.456" },
		{ 1000001, "1000.001" },
		{ UINT64_MAX, "18446744073709551.615" },
	};
	char buf[32], tiny[4];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		stats_format_milli(cases[i].milli, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
	}
	stats_format_milli(123456, tiny, sizeof(tiny));
	assert_string_equal(tiny, "123");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one),
		cmocka_unit_test(test_odd_unsorted),
		cmocka_unit_test(test_even_unsorted),
		cmocka_unit_test(test_ten),
		cmocka_unit_test(test_percentile_ranks),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_mean_rounding),
		cmocka_unit_test(test_large_values),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_format_milli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
