/* Latency histograms on fixed log-scale buckets, so a long tail stays a
 * short line: values 0..7 have a bucket each; from 8 up each power of two
 * 2^e is split into 4 equal buckets starting at 2^e + k * 2^(e-2). The
 * HIST line lists the non-empty ones as [lo,count]. Pure: no hardware access. */
#ifndef HV_HIST_H
#define HV_HIST_H

#include <stddef.h>
#include <stdint.h>

#define HIST_LINEAR		8	/* values with a bucket of their own */
#define HIST_BUCKETS		(HIST_LINEAR + 4 * (64 - 3))	/* 2^3 .. 2^63 */
/* Enough for every bucket non-empty with 20-digit bounds and counts. */
#define HIST_JSON_MAX		12288

/* The bucket of v: 0..HIST_BUCKETS-1, non-decreasing in v. */
unsigned hist_bucket(uint64_t v);
/* The smallest value of bucket b (b < HIST_BUCKETS). */
uint64_t hist_bucket_lo(unsigned b);

/* {"bench":..,"run":..,"unit":"tsc_ticks","count":n,"buckets":[[lo,n],...]}
 * from n samples sorted ascending (as stats_compute leaves them). 0;
 * -EINVAL for a bad name or unsorted samples, -ENOSPC when len is too
 * small; buf holds "" on error. */
int hist_json(char *buf, size_t len, const char *bench, const char *run,
	      const uint64_t *sorted, size_t n);

#endif
