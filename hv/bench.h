/* Benchmarks: the guest measures, the hv computes statistics and prints
 * RESULT lines with the mode and the exits per iteration by reason. */
#ifndef HV_BENCH_H
#define HV_BENCH_H

#include <stddef.h>
#include <stdint.h>

struct guest;

/* Run `bench NAME` or `bench all`; 0, or -EINVAL for an unknown name. */
int bench_run(struct guest *g, const char *name, uint32_t iters, uint32_t warmup);
/* Start counting exits for the next sample set (HC_BENCH_MARK). */
void bench_mark(struct guest *g);
/* Summarise one sample set from the guest (HC_SAMPLES); sorts samples. */
int bench_report(struct guest *g, const char *name, uint64_t *samples, size_t n);
/* Names for `help`. */
const char *bench_names(void);

#endif
