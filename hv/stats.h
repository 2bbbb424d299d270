/* Benchmark statistics: percentiles and mean of cycle samples, integer only. */
#ifndef HV_STATS_H
#define HV_STATS_H

#include <stddef.h>
#include <stdint.h>

struct stats {
	uint64_t count, min, p50, p90, p99, max;
	uint64_t mean_milli;	/* mean * 1000, rounded; UINT64_MAX if it does not fit */
};

/* Sort samples in place with the C library's qsort and compute the summary. Returns 0, or -EINVAL if n == 0. */
int stats_compute(uint64_t *samples, size_t n, struct stats *out);

/*
 * Nearest-rank percentile of an already sorted array: the smallest value with
 * at least pct% of samples <= it. pct in 1..100 (0 gives min, >100 max); 0 if n == 0.
 */
uint64_t stats_percentile(const uint64_t *sorted, size_t n, unsigned pct);

/* Format mean_milli as "123.456". */
void stats_format_milli(uint64_t milli, char *buf, size_t len);

#endif
