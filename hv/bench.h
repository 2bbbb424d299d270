/* Benchmarks: samples are taken by the guest or by the hv itself; the hv
 * computes statistics and prints RESULT lines with the mode and the exits
 * per iteration by reason. */
#ifndef HV_BENCH_H
#define HV_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include "hv/result_json.h"

struct guest;

/* Run `bench NAME` or `bench all`; g is NULL when no guest can run (its
 * benchmarks then fail, naming why). 0, or -EINVAL for an unknown name. */
int bench_run(struct guest *g, const char *name, uint32_t iters, uint32_t warmup);
/* One benchmark by name in the current mode: 0, -EINVAL for an unknown
 * name, or the run's error (reported). */
int bench_named(struct guest *g, const char *name, uint32_t iters, uint32_t warmup);
/* `bench all` (hv/bench_matrix.c): the native and mode-independent
 * benchmarks once, then the interrupt benchmarks in every combination of
 * msix=, delivery= and eoi= the platform can run, and one comparison
 * table. The options' own mode is restored afterwards. */
int bench_all(struct guest *g, uint32_t iters, uint32_t warmup);
/* Start counting exits for the next sample set (HC_BENCH_MARK). */
void bench_mark(struct guest *g);
/* Summarise one sample set from the guest (HC_SAMPLES); sorts samples. */
int bench_report(struct guest *g, const char *name, uint64_t *samples, size_t n);
/* Summarise a sample set: RESULT line (hv/result_json.h: every name
 * validated) and table row. d names the bench, mode and exits; d->st is set
 * here. Sorts samples. 0; -EINVAL for no samples or a name outside the safe
 * set, -ENOSPC for a line too long (both refused with a console line). */
int bench_emit(struct result_desc *d, uint64_t *samples, size_t n);
/* What the last RESULT of a bench said, for the comparison tables. */
struct bench_summary {
	char name[RESULT_NAME_MAX + 1];
	uint64_t p50, p90, p99;
	char exits[96];			/* "npf 1.000, intr 1.000" or "none" */
};

/* The latest summary of name this boot, NULL when none (or forgotten). */
const struct bench_summary *bench_recall(const char *name);
/* Forget name's summary, so a failed run is not shown with old figures. */
void bench_forget(const char *name);
/* Where a long benchmark is (hv/progress.h): prints a "progress:" line
 * when a period has passed; call between samples. */
void bench_progress(const char *name, uint64_t done, uint64_t total);
/* The guest's HC_PROGRESS: the same after checking its arguments (name in
 * the name set, done <= total, total > 0): 0 or -EINVAL. */
int bench_progress_guest(const char *name, uint64_t done, uint64_t total);
/* Names for `help`. */
const char *bench_names(void);

/* Native benchmarks (hv/native_bench.c): the hv takes the assigned
 * device's interrupts itself. */
void bench_native_irq(uint32_t iters, uint32_t warmup);
void bench_irte_update(uint32_t iters, uint32_t warmup);

#endif
