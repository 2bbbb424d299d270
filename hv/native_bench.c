/* Native benchmarks: the hv drives the assigned device and takes its
 * remapped interrupts itself. native-irq is the floor every virtualized
 * delivery mode is held against. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "hv/bench.h"
#include "hv/hv.h"
#include "hv/irq.h"
#include "hv/native_dev.h"
#include "hv/report.h"
#include "drivers/bits.h"
#include "drivers/cpu.h"

#define WHY_MAX		160

/* Every native RESULT: the source, and whether its messages are remapped. */
static void native_emit(const char *name, const struct native_dev *n, uint64_t *samples,
			uint32_t iters)
{
	const struct result_str mode[] = {
		{ "path", "native" },
		{ "intremap", n->src.ops->flags & IRQ_SOURCE_REMAPPED ? "on" : "none" },
	};
	struct result_desc d = { .bench = name, .mode = mode, .nmode = ARRAY_SIZE(mode),
				 .source = n->src.ops->name };

	bench_emit(&d, samples, iters);
}

/* The end of every native benchmark, on every path: the device's IRTEs
 * are cleared before the guest can have the device again. */
static void bench_done(const char *name, struct native_dev *n, uint64_t *samples)
{
	char why[WHY_MAX];
	int err = native_dev_put(n);

	free(samples);
	if (err) {
		snprintf(why, sizeof(why), "clearing the native IRTEs failed (error %d)", err);
		report_verdict(HC_FAIL, name, why);
	}
}

static struct native_dev *bench_dev(const char *name, enum native_want want,
				    uint64_t **samples, uint32_t iters)
{
	char why[WHY_MAX];
	struct native_dev *n = native_dev_get(want, why, sizeof(why));

	if (!n) {
		report_verdict(native_dev_error() == -ENODEV ? HC_SKIP : HC_FAIL, name, why);
		return NULL;
	}
	*samples = malloc(sizeof(**samples) * iters);
	if (!*samples) {
		report_verdict(HC_FAIL, name, "no memory for the samples");
		native_dev_put(n);
		return NULL;
	}
	return n;
}

/* A source whose emulated model throttles each vector (QEMU's 82574: one
 * message per 128 us, not lowerable) is raised on its vectors in turn,
 * each after its interval, so no sample includes a hold-off. */
static uint64_t last_fire[NATIVE_VECTORS];

static void wait_interval(const struct native_dev *n, unsigned k)
{
	uint64_t gap = hv.tsc.hz / 1000000 * n->src.ops->emu_throttle_ns / 1000 * 5 / 4;

	while (gap && last_fire[k] && cpu_rdtsc() - last_fire[k] < gap)
		cpu_pause();
}

/* One raise of vector k: armed outside the timed part; interrupts are on,
 * so the handler runs as soon as it arrives, and the sample is from the
 * source's t0 (before the raising write, or the timer's deadline) to the
 * handler's first TSC read. */
static int one_irq(struct native_dev *n, unsigned k, uint64_t *ticks)
{
	uint8_t vec = (uint8_t)(n->host_vec + k);
	uint64_t t0 = 0;
	int err;

	irq_reset(vec);
	wait_interval(n, k);
	err = n->src.ops->arm(&n->src, k);
	if (err)
		return err;
	cpu_sti();
	err = n->src.ops->fire(&n->src, k, &t0);
	cpu_cli();
	last_fire[k] = cpu_rdtsc();
	err = err ?: irq_wait(vec, 1, native_timeout());
	*ticks = irq_last_tsc(vec) - t0;
	return err;
}

void bench_native_irq(uint32_t iters, uint32_t warmup)
{
	uint64_t *s, ticks;
	struct native_dev *n = bench_dev("native-irq", NATIVE_CHOSEN, &s, iters);
	char why[WHY_MAX];
	uint32_t i;
	int err;

	if (!n)
		return;
	for (i = 0; i < warmup + iters; i++) {
		err = one_irq(n, i % n->nvec, &ticks);
		if (err) {
			snprintf(why, sizeof(why), "interrupt %u did not arrive (error %d)", i, err);
			report_verdict(HC_FAIL, "native-irq", why);
			return bench_done("native-irq", n, s);
		}
		if (i >= warmup)
			s[i - warmup] = ticks;
		bench_progress("native-irq", i + 1, warmup + iters);
	}
	native_emit("native-irq", n, s, iters);
	bench_done("native-irq", n, s);
}

/* Retarget entry 0 between two host vectors while it stays live, then
 * check it still delivers where it points. */
void bench_irte_update(uint32_t iters, uint32_t warmup)
{
	uint64_t *s, t0, ticks;
	struct native_dev *n = bench_dev("irte-update", NATIVE_DEVICE, &s, iters);
	char why[WHY_MAX];
	uint32_t i;
	int err = 0;

	if (!n)
		return;
	for (i = 0; i < warmup + iters && !err; i++) {
		t0 = cpu_rdtsc();
		err = native_route(n, 0, (uint8_t)(n->host_vec + 1 - (i & 1)), NULL);
		if (i >= warmup)
			s[i - warmup] = cpu_rdtsc() - t0;
		bench_progress("irte-update", i + 1, warmup + iters);
	}
	if (!err)
		err = native_route(n, 0, n->host_vec, NULL) ?: one_irq(n, 0, &ticks);
	if (err) {
		snprintf(why, sizeof(why), "IRTE update or delivery after it failed (error %d)", err);
		report_verdict(HC_FAIL, "irte-update", why);
	} else {
		native_emit("irte-update", n, s, iters);
	}
	bench_done("irte-update", n, s);
}
