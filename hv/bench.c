/* Benchmark orchestration and RESULT lines (see bench.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hv/bench.h"
#include "hv/guest.h"
#include "hv/hist.h"
#include "hv/hv.h"
#include "hv/native_dev.h"
#include "hv/platform.h"
#include "hv/progress.h"
#include "hv/ratelimit.h"
#include "hv/report.h"
#include "hv/safe_text.h"
#include "hv/smi_run.h"
#include "hv/stats.h"
#include "drivers/cpu.h"
#include "drivers/cpu_info.h"

static const struct {
	const char *name;
	enum hc_bench_id id;
	void (*native)(uint32_t iters, uint32_t warmup);
	const char *what;
} benches[] = {
	{ "native-irq", 0, bench_native_irq,
	  "trigger-to-ISR latency of a remapped MSI-X interrupt taken by the hv, no guest" },
	{ "irte-update", 0, bench_irte_update,
	  "retargeting a live interrupt: IRTE update, IEC invalidation, wait" },
	{ "vmexit", BENCH_VMEXIT, NULL, "round trip of a hypercall, a CPUID exit and an I/O exit" },
	{ "irq-latency", BENCH_IRQ_LATENCY, NULL, "device trigger to guest ISR entry" },
	{ "irq-rate", BENCH_IRQ_RATE, NULL, "guest interrupts back to back: ticks per interrupt" },
	{ "msix-update", BENCH_MSIX_UPDATE, NULL,
	  "guest MSI-X mask/unmask pair and entry rewrite" },
};

static uint64_t exits_mark[EXIT_REASONS];
static struct smi_run smi_mark;

/* The benchmark command running: its options for the RESULT lines
 * ("opts"), whether HIST lines follow them, its progress clock, and the
 * guest's progress hypercalls since the mark (not part of any sample). */
static struct {
	bool running;
	struct result_opts opts;
	struct opt_bdf dev;
	bool hist;
	struct progress prog;
	uint64_t progress_calls;
} run;

const char *bench_names(void)
{
	return "native-irq, irte-update, vmexit, irq-latency, irq-rate, msix-update";
}

/* Each RESULT's SMI count covers the run since the last mark: the bench's
 * start, the guest's HC_BENCH_MARK after its warm-up, or the previous
 * RESULT. */
static void bench_smi_mark(void)
{
	uint64_t count = 0;
	int err = cpu_smi_count(&count);

	smi_run_begin(&smi_mark, err, count);
}

static void bench_smi_end(struct result_desc *d)
{
	uint64_t count = 0;
	int err = cpu_smi_count(&count);

	d->smi_known = !smi_run_delta(&smi_mark, err, count, &d->smi);
}

void bench_mark(struct guest *g)
{
	memcpy(exits_mark, g->vcpu.exits, sizeof(exits_mark));
	run.progress_calls = 0;
	bench_smi_mark();
}

/* Exits per sample by reason (those that occurred); the HC_SAMPLES call
 * that delivers the samples and the progress reports are not part of the
 * measurement. */
static size_t exits_rates(struct guest *g, size_t n, struct result_rate *out)
{
	uint64_t delta[EXIT_REASONS], uncounted;
	size_t k = 0;
	unsigned r;

	for (r = 0; r < EXIT_REASONS; r++)
		delta[r] = g->vcpu.exits[r] - exits_mark[r];
	uncounted = run.progress_calls + 1;
	delta[EXIT_HYPERCALL] = delta[EXIT_HYPERCALL] > uncounted ?
				delta[EXIT_HYPERCALL] - uncounted : 0;
	for (r = 0; r < EXIT_REASONS; r++) {
		if (!delta[r])
			continue;
		out[k].key = exit_reason_name(r);
		out[k++].milli = delta[r] * 1000 / n;
	}
	return k;
}

#define REMEMBER_MAX	32

static struct bench_summary remembered[REMEMBER_MAX];

static void bench_remember(const char *name, const struct stats *st, const char *exits)
{
	unsigned i;

	for (i = 0; i < REMEMBER_MAX; i++) {
		struct bench_summary *s = &remembered[i];

		if (!s->name[0] || !strcmp(s->name, name)) {
			snprintf(s->name, sizeof(s->name), "%s", name);
			s->p50 = st->p50;
			s->p90 = st->p90;
			s->p99 = st->p99;
			snprintf(s->exits, sizeof(s->exits), "%s", exits);
			return;
		}
	}
}

const struct bench_summary *bench_recall(const char *name)
{
	unsigned i;

	for (i = 0; i < REMEMBER_MAX && remembered[i].name[0]; i++)
		if (!strcmp(remembered[i].name, name))
			return remembered[i].p50 ? &remembered[i] : NULL;
	return NULL;
}

void bench_forget(const char *name)
{
	unsigned i;

	for (i = 0; i < REMEMBER_MAX && remembered[i].name[0]; i++)
		if (!strcmp(remembered[i].name, name))
			remembered[i].p50 = 0;
}

static uint64_t bench_recalled(const char *name)
{
	const struct bench_summary *s = bench_recall(name);

	return s ? s->p50 : 0;
}

/* The guest's latency against the native floor of the same boot. */
static void latency_ratio(void)
{
	uint64_t guest = bench_recalled("irq-latency"), native = bench_recalled("native-irq");
	char ratio[32];

	if (!guest || !native)
		return;
	stats_format_milli(guest * 1000 / native, ratio, sizeof(ratio));
	printf("  irq-latency p50 %lu ticks / native-irq p50 %lu ticks = %s; the hv's share "
	       "%ld ticks\n", guest, native, ratio, (long)(guest - native));
}

/* The table row's exits: "hypercall 1.000, io 0.500" or "none". */
static void exits_text(const struct result_desc *d, char *buf, size_t len)
{
	size_t i, off = 0;
	char num[32];

	snprintf(buf, len, "none");
	for (i = 0; i < d->nexits && off < len; i++) {
		stats_format_milli(d->exits[i].milli, num, sizeof(num));
		off += (size_t)snprintf(buf + off, len - off, "%s%s %s", i ? ", " : "",
					d->exits[i].key, num);
	}
}

/* "HIST {json}" of samples already sorted by stats_compute. */
static void hist_emit(const char *bench, const uint64_t *sorted, size_t n)
{
	char *json = malloc(HIST_JSON_MAX);
	int err = json ? hist_json(json, HIST_JSON_MAX, bench, platform_run(), sorted, n) :
		  -ENOMEM;

	if (err)
		printf("hv: histogram of \"%s\" not printed (error %d)\n", bench, err);
	else
		printf("HIST %s\n", json);
	free(json);
}

int bench_emit(struct result_desc *d, uint64_t *samples, size_t n)
{
	static struct ratelimit rl = RATELIMIT_INIT("refused-result");
	char json[RESULT_JSON_MAX], mean[32], exits[RESULT_JSON_MAX], shown[RESULT_NAME_MAX + 1];
	struct stats st;
	int err;

	bench_smi_end(d);
	if (stats_compute(samples, n, &st))
		return -EINVAL;
	d->st = &st;
	d->build = platform_build();
	d->run = platform_run();
	d->opts = run.running ? &run.opts : NULL;
	err = result_json(json, sizeof(json), d);
	if (err) {
		safe_name_copy(shown, sizeof(shown), d->bench);
		if (ratelimit_allow(&rl))
			printf("hv: result \"%s\" refused (error %d): %s%d%s\n", shown, err,
			       err == -EINVAL ? "names are 1.." : "its line passes ",
			       err == -EINVAL ? RESULT_NAME_MAX : RESULT_JSON_MAX,
			       err == -EINVAL ? " of A-Z a-z 0-9 . _ -" : " bytes");
		return err;
	}
	report_result_line(json);
	if (run.hist)
		hist_emit(d->bench, samples, n);
	if (smi_run_disturbed(d->smi_known, d->smi))
		printf("bench: WARNING: %u SMIs during %s: figures disturbed\n", d->smi, d->bench);
	stats_format_milli(st.mean_milli, mean, sizeof(mean));
	exits_text(d, exits, sizeof(exits));
	bench_remember(d->bench, &st, exits);
	printf("  %-20s %8lu samples  min %6lu  p50 %6lu  p90 %6lu  p99 %6lu  max %8lu  mean %s ticks\n",
	       d->bench, st.count, st.min, st.p50, st.p90, st.p99, st.max, mean);
	printf("  %-20s exits per iteration: %s\n", "", exits);
	bench_smi_mark();
	return 0;
}

/* What raised the interrupts of a guest benchmark: the source the guest
 * was told to use for the irq-* ones, none for the others. */
static const struct irq_source_ops *bench_source(const char *name)
{
	return strncmp(name, "irq-", 4) ? NULL : guest_source_pick();
}

int bench_report(struct guest *g, const char *name, uint64_t *samples, size_t n)
{
	struct result_rate rates[EXIT_REASONS];
	const struct irq_source_ops *src = bench_source(name);
	struct result_str mode[6] = {
		{ "cpu", g->vcpu.ops->name }, { "msix", g->mode.msix->name },
		{ "delivery", g->mode.delivery->name }, { "eoi", g->mode.eoi->name },
	};
	struct result_desc d = { .bench = name, .mode = mode, .nmode = 4, .exits = rates,
				 .source = src ? src->name : NULL };
	int err;

	if (!n)
		return -EINVAL;
	if (src)
		mode[d.nmode++] = (struct result_str){ "intremap",
			src->flags & IRQ_SOURCE_REMAPPED ? "on" : "none" };
	if (!g->mode.delivery->isolated(g))
		mode[d.nmode++] = (struct result_str){ "isolated", "no" };
	d.nexits = exits_rates(g, n, rates);
	err = bench_emit(&d, samples, n);
	bench_mark(g);
	return err;
}

/* A source the emulator throttles has no back-to-back rate to measure:
 * the throttle is the bound, said instead of a figure. */
static bool rate_throttled(const char *name)
{
	const struct irq_source_ops *src = bench_source(name);
	char why[200];

	if (!src || !src->emu_throttle_ns || !hv_on_qemu())
		return false;
	snprintf(why, sizeof(why), "QEMU's %s model sends at most one message per %u us per "
		 "vector (a throttle it cannot turn off): that is the bound, %lu interrupts/s "
		 "per vector; use an NVMe device or source=timer for a figure", src->desc,
		 src->emu_throttle_ns / 1000, 1000000000ul / src->emu_throttle_ns);
	report_verdict(HC_SKIP, name, why);
	return true;
}

/* What shaped this run, from the options now: source= and dev= when set. */
static void run_begin(uint32_t iters, uint32_t warmup)
{
	static const char *const sources[] = {
		[OPT_SOURCE_DEVICE] = "device", [OPT_SOURCE_TIMER] = "timer",
	};

	run.running = true;
	run.opts = (struct result_opts){ .iters = iters, .warmup = warmup };
	if (hv.opts.source != OPT_SOURCE_AUTO)
		run.opts.source = sources[hv.opts.source];
	if (strcmp(hv.opts.dev, "auto") && !options_parse_bdf(hv.opts.dev, &run.dev))
		run.opts.dev = &run.dev;
	run.hist = hv.opts.hist == OPT_ON;
	progress_begin(&run.prog, cpu_rdtsc(), hv.tsc.hz * PROGRESS_PERIOD_S);
}

void bench_progress(const char *name, uint64_t done, uint64_t total)
{
	uint64_t now = cpu_rdtsc();

	if (run.running && progress_due(&run.prog, now))
		printf("progress: %s %lu/%lu after %lu s\n", name, done, total,
		       (now - run.prog.start) / hv.tsc.hz);
}

int bench_progress_guest(const char *name, uint64_t done, uint64_t total)
{
	run.progress_calls++;
	if (!safe_name_valid(name, RESULT_NAME_MAX) || !total || done > total)
		return -EINVAL;
	bench_progress(name, done, total);
	return 0;
}

static int bench_one_run(struct guest *g, unsigned i, uint32_t iters, uint32_t warmup)
{
	struct hc_work w = { .kind = WORK_BENCH, .arg = benches[i].id,
			     .iters = iters, .warmup = warmup };
	char why[200];

	printf("bench %s: %s, %u iterations after %u warm-up\n",
	       benches[i].name, benches[i].what, iters, warmup);
	bench_smi_mark();
	if (benches[i].native) {
		benches[i].native(iters, warmup);
		return 0;
	}
	if (!g) {
		snprintf(why, sizeof(why), "no guest: %s", hv.backend_why);
		report_verdict(HC_FAIL, benches[i].name, why);
		return -ENODEV;
	}
	if (benches[i].id == BENCH_IRQ_RATE && rate_throttled(benches[i].name))
		return 0;
	bench_mark(g);
	if (benches[i].id == BENCH_IRQ_LATENCY && !bench_recalled("native-irq"))
		bench_native_irq(iters, warmup);
	if (guest_run_work(g, &w)) {
		report_verdict(HC_FAIL, benches[i].name, "the guest stopped during the benchmark");
		return -EIO;
	}
	if (benches[i].id == BENCH_IRQ_LATENCY)
		latency_ratio();
	return 0;
}

static int bench_one(struct guest *g, unsigned i, uint32_t iters, uint32_t warmup)
{
	int err;

	run_begin(iters, warmup);
	err = bench_one_run(g, i, iters, warmup);
	run.running = false;
	return err;
}

int bench_named(struct guest *g, const char *name, uint32_t iters, uint32_t warmup)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(benches); i++)
		if (!strcmp(name, benches[i].name))
			return bench_one(g, i, iters, warmup);
	return -EINVAL;
}

int bench_run(struct guest *g, const char *name, uint32_t iters, uint32_t warmup)
{
	if (!name || !*name || !strcmp(name, "all"))
		return bench_all(g, iters, warmup);
	if (bench_named(g, name, iters, warmup) == -EINVAL) {
		printf("bench: unknown benchmark \"%s\" (allowed: all, %s)\n", name,
		       bench_names());
		return -EINVAL;
	}
	return 0;
}
