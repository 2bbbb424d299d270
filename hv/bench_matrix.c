/* `bench all`: every delivery mode side by side (see bench.h). The native
 * floor and the mode-independent benchmarks run once; the interrupt
 * benchmarks run in each combination of msix=, delivery= and eoi= that
 * this machine can run, the guest restarting in each; the others are
 * listed with the reason. One table compares them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hv/bench.h"
#include "hv/conio.h"
#include "hv/hv.h"
#include "hv/native_dev.h"
#include "hv/stats.h"

static const char *const bench_once[] = { "native-irq", "irte-update", "vmexit" };

#define MODES	(2 * 3 * 3)

struct mode_row {
	enum opt_msix msix;
	enum opt_delivery dl;
	enum opt_eoi eoi;
	char why[240];			/* why it cannot run here ("" when it ran) */
	struct bench_summary lat, rate, mask, rewrite;	/* p50 0: no figure */
};

/* The summary name left by this row's run, or an empty one. */
static void row_take(struct bench_summary *dst, const char *name)
{
	const struct bench_summary *s = bench_recall(name);

	if (s)
		*dst = *s;
	else
		memset(dst, 0, sizeof(*dst));
}

static const char *const row_benches[] = {
	"irq-latency", "irq-rate", "msix-update.mask-unmask", "msix-update.rewrite",
};

/* Run the per-mode benchmarks in row's mode; false when Ctrl-C ended the
 * matrix. */
static bool row_run(struct guest *g, struct mode_row *r, uint32_t iters, uint32_t warmup)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(row_benches); i++)
		bench_forget(row_benches[i]);
	hv.opts.msix = r->msix;
	hv.opts.delivery = r->dl;
	hv.opts.eoi = r->eoi;
	printf("bench all: mode msix=%s delivery=%s eoi=%s\n", delivery_msix_ops(r->msix)->name,
	       delivery_ops_for(r->dl)->name, delivery_eoi_ops(r->eoi)->name);
	bench_named(g, "irq-latency", iters, warmup);
	if (!conio_break_seen())
		bench_named(g, "irq-rate", iters, warmup);
	if (!conio_break_seen())
		bench_named(g, "msix-update", iters, warmup);
	row_take(&r->lat, "irq-latency");
	row_take(&r->rate, "irq-rate");
	row_take(&r->mask, "msix-update.mask-unmask");
	row_take(&r->rewrite, "msix-update.rewrite");
	return !conio_break_seen();
}

static void fig(char *buf, size_t len, uint64_t v)
{
	if (v)
		snprintf(buf, len, "%lu", v);
	else
		snprintf(buf, len, "-");
}

static void table_row(const struct mode_row *r, uint64_t native)
{
	char lat[48], ratio[24], rate[24], mask[24], rw[24];

	if (r->lat.p50)
		snprintf(lat, sizeof(lat), "%lu/%lu/%lu", r->lat.p50, r->lat.p90, r->lat.p99);
	else
		snprintf(lat, sizeof(lat), "-");
	if (r->lat.p50 && native)
		stats_format_milli(r->lat.p50 * 1000 / native, ratio, sizeof(ratio));
	else
		snprintf(ratio, sizeof(ratio), "-");
	fig(rate, sizeof(rate), r->rate.p50);
	fig(mask, sizeof(mask), r->mask.p50);
	fig(rw, sizeof(rw), r->rewrite.p50);
	printf("  %-4s %-7s %-4s %-18s %-8s %-9s %-11s %-9s %s | %s\n",
	       delivery_msix_ops(r->msix)->name, delivery_ops_for(r->dl)->name,
	       delivery_eoi_ops(r->eoi)->name, lat, ratio, rate, mask, rw,
	       r->lat.p50 ? r->lat.exits : "-", r->mask.p50 ? r->mask.exits : "-");
}

static void table_print(const struct mode_row *rows, unsigned n, const struct guest *g)
{
	const struct bench_summary *nat = bench_recall("native-irq");
	uint64_t native = nat ? nat->p50 : 0;
	const struct irq_source_ops *src = guest_source_pick();
	unsigned i;

	printf("bench all: comparison (backend %s, interrupt source %s; TSC ticks, p50 unless "
	       "said; native-irq p50 %lu is the floor from this boot)\n", g->vcpu.ops->name,
	       src ? src->name : "none", native);
	printf("  %-4s %-7s %-4s %-18s %-8s %-9s %-11s %-9s %s | %s\n", "msix", "deliv.", "eoi",
	       "latency p50/90/99", "x native", "rate", "mask+unmask", "rewrite",
	       "exits per interrupt", "exits per mask+unmask");
	for (i = 0; i < n; i++)
		if (!rows[i].why[0])
			table_row(&rows[i], native);
	printf("  not run here:\n");
	for (i = 0; i < n; i++)
		if (rows[i].why[0])
			printf("  %-4s %-7s %-4s %s\n", delivery_msix_ops(rows[i].msix)->name,
			       delivery_ops_for(rows[i].dl)->name,
			       delivery_eoi_ops(rows[i].eoi)->name, rows[i].why);
}

/* Every combination, the options' own mode first. */
static unsigned rows_plan(struct guest *g, struct mode_row *rows)
{
	unsigned n = 0, m, d, e;

	rows[n++] = (struct mode_row){ .msix = hv.opts.msix, .dl = hv.opts.delivery,
				       .eoi = hv.opts.eoi };
	for (m = 0; m < 2; m++)
		for (d = 0; d < 3; d++)
			for (e = 0; e < 3; e++)
				if (m != hv.opts.msix || d != hv.opts.delivery || e != hv.opts.eoi)
					rows[n++] = (struct mode_row){ .msix = m, .dl = d, .eoi = e };
	for (m = 0; m < n; m++) {
		struct delivery_mode dm;

		delivery_select(g, rows[m].msix, rows[m].dl, rows[m].eoi, &dm, rows[m].why,
				sizeof(rows[m].why));
	}
	return n;
}

int bench_all(struct guest *g, uint32_t iters, uint32_t warmup)
{
	struct hv_options asked = hv.opts;
	static struct mode_row rows[MODES];
	unsigned i, n;

	for (i = 0; i < ARRAY_SIZE(bench_once); i++)
		if (!conio_break_seen())
			bench_named(g, bench_once[i], iters, warmup);
	if (!g || conio_break_seen())
		return 0;
	n = rows_plan(g, rows);
	for (i = 0; i < n; i++)
		if (!rows[i].why[0] && !row_run(g, &rows[i], iters, warmup))
			break;
	hv.opts.msix = asked.msix;
	hv.opts.delivery = asked.delivery;
	hv.opts.eoi = asked.eoi;
	if (i == n)
		table_print(rows, n, g);
	return 0;
}
