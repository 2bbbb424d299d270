/* Guest side of the benchmarks: time each exit round trip with the TSC,
 * after a warm-up, and hand the raw samples to the hv. */
#include <stdio.h>
#include <stdlib.h>
#include "guest/devtest.h"
#include "guest/guest.h"
#include "drivers/cpu.h"

typedef void (*bench_op)(void);

static void op_none(void)
{
}

static void op_hypercall(void)
{
	hc(HC_NOP, 0, 0, 0, 0);
}

static void op_cpuid(void)
{
	struct cpuid_regs r;

	cpu_cpuid(0, 0, &r);
}

static void op_io(void)
{
	cpu_outb(GUEST_IO_PROBE_PORT, 0);
}

static void measure(const char *name, bench_op op, uint64_t *s, unsigned long iters,
		    unsigned long warmup, struct bench_progress *prog)
{
	unsigned long i;
	long r;

	for (i = 0; i < warmup; i++)
		op();
	hc(HC_BENCH_MARK, 0, 0, 0, 0);
	for (i = 0; i < iters; i++) {
		uint64_t t0 = cpu_rdtsc();

		op();
		s[i] = cpu_rdtsc() - t0;
		bench_progress_poll(prog, name, warmup + i + 1, warmup + iters);
	}
	r = hc(HC_SAMPLES, (long)name, (long)s, (long)iters, UNIT_TSC_TICKS);
	if (r)
		report(HC_FAIL, name, "the hv refused the samples (%ld)", r);
}

/* One progress clock for the four: the run is the whole benchmark. */
static void bench_vmexit(unsigned long iters, unsigned long warmup)
{
	uint64_t *s = malloc(iters * sizeof(*s));
	struct bench_progress prog;

	if (!s) {
		report(HC_FAIL, "vmexit", "no memory for %lu samples", iters);
		return;
	}
	bench_progress_begin(&prog);
	measure("vmexit.baseline", op_none, s, iters, warmup, &prog);
	measure("vmexit.hypercall", op_hypercall, s, iters, warmup, &prog);
	measure("vmexit.cpuid", op_cpuid, s, iters, warmup, &prog);
	measure("vmexit.io", op_io, s, iters, warmup, &prog);
	free(s);
}

void bench_run(unsigned long id, unsigned long iters, unsigned long warmup)
{
	static void (*const benches[BENCH_COUNT])(unsigned long, unsigned long) = {
		[BENCH_VMEXIT] = bench_vmexit,
		[BENCH_IRQ_LATENCY] = irq_bench_latency,
		[BENCH_IRQ_RATE] = irq_bench_rate,
		[BENCH_MSIX_UPDATE] = msix_bench_update,
	};

	if (id >= BENCH_COUNT || !benches[id]) {
		report(HC_FAIL, "guest-bench", "unknown benchmark id %lu", id);
		return;
	}
	benches[id](iters, warmup);
}
