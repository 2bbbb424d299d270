/* Benchmarks: samples are taken by the guest or by the hv itself; the hv
 * computes statistics and prints RESULT lines with the mode and the exits
 * per iteration by reason. */
#ifndef HV_BENCH_H
#define HV_BENCH_H

#include <stddef.h>
#include <stdint.h>

struct guest;

/* Run `bench NAME` or `bench all`; g is NULL when no guest can run (its
 * benchmarks then fail, naming why). 0, or -EINVAL for an unknown name. */
int bench_run(struct guest *g, const char *name, uint32_t iters, uint32_t warmup);
/* Start counting exits for the next sample set (HC_BENCH_MARK). */
void bench_mark(struct guest *g);
/* Summarise one sample set from the guest (HC_SAMPLES); sorts samples. */
int bench_report(struct guest *g, const char *name, uint64_t *samples, size_t n);
/* Summarise a sample set: RESULT line and table row. mode and exits are
 * JSON objects. Sorts samples. 0 or -EINVAL for no samples. */
int bench_emit(const char *name, const char *mode, uint64_t *samples, size_t n,
	       const char *exits);
/* Names for `help`. */
const char *bench_names(void);

/* Native benchmarks (hv/native_bench.c): the hv takes the assigned
 * device's interrupts itself. */
void bench_native_irq(uint32_t iters, uint32_t warmup);
void bench_irte_update(uint32_t iters, uint32_t warmup);

#endif
