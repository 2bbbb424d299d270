/*
 * Benchmark statistics. The hv is built with -mgeneral-regs-only, so there
 * is no floating point here, and no 128-bit division either (that would pull
 * in libgcc's __udivti3): sums are kept as quotient and remainder modulo n.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "hv/stats.h"

/* Compare without subtracting: a - b of two uint64_t does not fit an int. */
static int stats_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* r = (r + a) mod n for r, a < n, counting the wrap in *carry; no overflow. */
static uint64_t stats_add_mod(uint64_t r, uint64_t a, uint64_t n, uint64_t *carry)
{
	if (r >= n - a) {
		(*carry)++;
		return r - (n - a);
	}
	return r + a;
}

/*
 * Mean * 1000, rounded half up, exact for any n and values: sum / n is kept
 * as q + r/n with r < n, then r * 1000 / n by 1000 modular additions.
 */
static uint64_t stats_mean_milli(const uint64_t *samples, size_t n)
{
	uint64_t q = 0, r = 0, frac = 0, fr = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		q += samples[i] / n;
		r = stats_add_mod(r, samples[i] % n, n, &q);
	}
	for (i = 0; i < 1000; i++)
		fr = stats_add_mod(fr, r, n, &frac);
	if (fr >= n - fr)	/* remainder >= n / 2: round up */
		frac++;
	if (q > (UINT64_MAX - frac) / 1000)
		return UINT64_MAX;
	return q * 1000 + frac;
}

uint64_t stats_percentile(const uint64_t *sorted, size_t n, unsigned pct)
{
	uint64_t rank;

	if (n == 0)
		return 0;
	if (pct == 0)
		pct = 1;
	if (pct > 100)
		pct = 100;
	/* rank = ceil(n * pct / 100), split so that n * pct cannot overflow */
	rank = (uint64_t)(n / 100) * pct + ((n % 100) * pct + 99) / 100;
	if (rank == 0)
		rank = 1;
	return sorted[rank - 1];
}

int stats_compute(uint64_t *samples, size_t n, struct stats *out)
{
	if (n == 0)
		return -EINVAL;
	qsort(samples, n, sizeof(*samples), stats_cmp_u64);
	out->count = n;
	out->min = samples[0];
	out->max = samples[n - 1];
	out->p50 = stats_percentile(samples, n, 50);
	out->p90 = stats_percentile(samples, n, 90);
	out->p99 = stats_percentile(samples, n, 99);
	out->mean_milli = stats_mean_milli(samples, n);
	return 0;
}

void stats_format_milli(uint64_t milli, char *buf, size_t len)
{
	snprintf(buf, len, "%llu.%03llu", (unsigned long long)(milli / 1000),
		 (unsigned long long)(milli % 1000));
}
