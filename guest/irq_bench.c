/* Interrupt benchmarks of the guest: raise-to-ISR latency and the
 * back-to-back rate on the interrupt source (the assigned device through
 * its driver, or the local APIC timer), and the cost of MSI-X entry
 * updates on any MSI-X device. Samples go to the hv after HC_BENCH_MARK, so the exits
 * it counts are those of the measured part (plus the untimed waits). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "guest/devtest.h"
#include "guest/guest.h"
#include "guest/irqsrc.h"
#include "guest/lapic.h"
#include "guest/pci.h"
#include "drivers/cpu.h"

#define IRQ_B_TIMEOUT_MS	100
#define MSIX_B_VEC		0xe8	/* msix-update alternates 0xe8/0xe9 */
#define MSIX_B_ENTRY		0

static void irq_b_send(const char *name, const uint64_t *s, unsigned long n)
{
	long r = hc(HC_SAMPLES, (long)name, (long)s, (long)n, UNIT_TSC_TICKS);

	if (r)
		report(HC_FAIL, name, "the hv refused the samples (%ld)", r);
}

static uint64_t *irq_b_alloc(const char *name, unsigned long n)
{
	uint64_t *s = malloc((n ? n : 1) * sizeof(*s));

	if (!s)
		report(HC_FAIL, name, "no memory for %lu samples", n);
	return s;
}

/* 0 with the source up; else reported (SKIP naming the device, or FAIL). */
static int irq_b_open(struct irqsrc *src, const char *name)
{
	char why[192];
	int err = irqsrc_open(src);

	if (err == -ENODEV) {
		irqsrc_why(src, why, sizeof(why));
		report(HC_SKIP, name, "%s", why);
	} else if (err) {
		report(HC_FAIL, name, "interrupt source bring-up failed (error %d, see above)", err);
	}
	return err;
}

/* One latency sample on vector i: spacing and arming untimed, then the
 * raise, and the ISR's own first TSC read minus the source's t0 (the TSC
 * before the raising write, or the timer's deadline). IF=1 on entry. */
static int irq_b_latency_one(struct irqsrc *src, unsigned i, uint64_t *sample)
{
	unsigned v = src->vector[i];
	uint32_t want = irqsrc_count[v] + 1;
	uint64_t t0 = 0;
	int err;

	irqsrc_space(src, i);
	err = src->src.ops->arm(&src->src, i) ?: src->src.ops->fire(&src->src, i, &t0);
	src->last_fire[i] = cpu_rdtsc();
	src->fired[i]++;
	if (err)
		return err;
	if (!irqsrc_spin_until(&irqsrc_count[v], want, IRQ_B_TIMEOUT_MS * src->ms))
		return -ETIMEDOUT;
	*sample = irqsrc_stamp[v] - t0;
	return 0;
}

void irq_bench_latency(unsigned long iters, unsigned long warmup)
{
	const char *name = "irq-latency";
	static struct irqsrc src;
	struct bench_progress prog;
	uint64_t *s, dummy;
	unsigned long k;
	int err = 0;

	if (irq_b_open(&src, name))
		return;
	if (!(s = irq_b_alloc(name, iters)))
		return irqsrc_close(&src);
	bench_progress_begin(&prog);
	cpu_sti();
	for (k = 0; !err && k < warmup + iters; k++) {
		if (k == warmup)
			hc(HC_BENCH_MARK, 0, 0, 0, 0);
		err = irq_b_latency_one(&src, k % src.src.nvec,
					k < warmup ? &dummy : &s[k - warmup]);
		bench_progress_poll(&prog, name, k + 1, warmup + iters);
	}
	cpu_cli();
	if (err)
		report(HC_FAIL, name, "sample %lu: vector %lu of the %s not delivered within %u ms "
		       "(error %d)", k - 1, (k - 1) % src.src.nvec, src.src.ops->name,
		       IRQ_B_TIMEOUT_MS, err);
	else
		irq_b_send(name, s, iters);
	free(s);
	irqsrc_close(&src);
}

/* One back-to-back interrupt on vector 0: raised as soon as the last one
 * was handled (arm, raise, delivery, handler, EOI, all counted). The
 * sample is the ticks from the previous delivery to this one, less any
 * wait the source puts in on purpose (a timer's deadline ahead of its
 * raise), so it is the cycle the hv's delivery path sets. */
static int irq_b_rate_one(struct irqsrc *src, uint64_t *prev, uint64_t *sample)
{
	unsigned v = src->vector[0];
	uint32_t want = irqsrc_count[v] + 1;
	uint64_t t0 = 0, raised, wait;
	int err = src->src.ops->arm(&src->src, 0);

	raised = cpu_rdtsc();
	err = err ?: src->src.ops->fire(&src->src, 0, &t0);
	src->fired[0]++;
	if (err)
		return err;
	if (!irqsrc_spin_until(&irqsrc_count[v], want, IRQ_B_TIMEOUT_MS * src->ms))
		return -ETIMEDOUT;
	wait = (int64_t)(t0 - raised) > 0 ? t0 - raised : 0;
	*sample = irqsrc_stamp[v] - *prev - wait;
	*prev = irqsrc_stamp[v];
	return irqsrc_count[v] == want ? 0 : -EIO;
}

/* iters and warmup count interrupts, one sample each. */
void irq_bench_rate(unsigned long iters, unsigned long warmup)
{
	const char *name = "irq-rate";
	static struct irqsrc src;
	struct bench_progress prog;
	uint64_t *s, dummy, prev;
	unsigned long k;
	int err = 0;

	if (irq_b_open(&src, name))
		return;
	if (!(s = irq_b_alloc(name, iters)))
		return irqsrc_close(&src);
	bench_progress_begin(&prog);
	cpu_sti();
	prev = cpu_rdtsc();
	for (k = 0; !err && k < warmup + iters; k++) {
		if (k == warmup) {	/* the mark's own time is no part of a cycle */
			uint64_t t = cpu_rdtsc();

			hc(HC_BENCH_MARK, 0, 0, 0, 0);
			prev += cpu_rdtsc() - t;
		}
		err = irq_b_rate_one(&src, &prev, k < warmup ? &dummy : &s[k - warmup]);
		prev += bench_progress_poll(&prog, name, k + 1, warmup + iters);	/* nor a report's */
	}
	cpu_cli();
	if (err)
		report(HC_FAIL, name, "interrupt %lu: %s", k - 1, err == -EIO ?
		       "more deliveries than raises" : "it did not arrive in time");
	else
		irq_b_send(name, s, iters);
	free(s);
	irqsrc_close(&src);
}

/* ---- msix-update: entry updates as a guest OS does them ---- */

static volatile uint32_t msix_b_stray;

static void msix_b_isr(uint8_t vector)
{
	(void)vector;
	msix_b_stray++;
	guest_lapic_eoi();
}

/* The bare pair: two vector-control writes, nothing read back. */
static void msix_b_mask_unmask(volatile uint32_t *e)
{
	e[MSIX_ENTRY_CTRL / 4] = MSIX_ENTRY_CTRL_MASKBIT;
	e[MSIX_ENTRY_CTRL / 4] = 0;
}

/* Linux's order (pci_msix_write_msg): mask, address, data, unmask, each
 * vector-control write flushed by a read of it. */
static void msix_b_rewrite(volatile uint32_t *e, uint64_t addr, uint32_t data)
{
	e[MSIX_ENTRY_CTRL / 4] = MSIX_ENTRY_CTRL_MASKBIT;
	(void)e[MSIX_ENTRY_CTRL / 4];
	e[MSIX_ENTRY_ADDR_LO / 4] = (uint32_t)addr;
	e[MSIX_ENTRY_ADDR_HI / 4] = (uint32_t)(addr >> 32);
	e[MSIX_ENTRY_DATA / 4] = data;
	e[MSIX_ENTRY_CTRL / 4] = 0;
	(void)e[MSIX_ENTRY_CTRL / 4];
}

/* msix=map: the hv reroutes on HC_MSI_MAP (one hypercall), the guest
 * then writes the pair it returned, as it would any message. */
static void msix_b_map_rewrite(volatile uint32_t *e, uint8_t vector)
{
	uint64_t addr = 0;
	uint32_t data = 0;

	irqsrc_msg(MSIX_B_ENTRY, vector, &addr, &data);
	msix_b_rewrite(e, addr, data);
}

static void msix_b_measure(volatile uint32_t *e, bool rewrite, uint64_t *s,
			   unsigned long iters, unsigned long warmup, struct bench_progress *prog)
{
	const char *name = rewrite ? "msix-update.rewrite" : "msix-update.mask-unmask";
	uint64_t addr, t0, dummy;
	uint32_t data[2];
	unsigned long k;
	bool map = irqsrc_map_mode();

	msix_compat_msg(GUEST_APIC_DEST, MSIX_B_VEC, &addr, &data[0]);
	msix_compat_msg(GUEST_APIC_DEST, MSIX_B_VEC + 1, &addr, &data[1]);
	for (k = 0; k < warmup + iters; k++) {
		if (k == warmup)
			hc(HC_BENCH_MARK, 0, 0, 0, 0);
		t0 = cpu_rdtsc();
		if (rewrite && map)
			msix_b_map_rewrite(e, (uint8_t)(MSIX_B_VEC + (k & 1)));
		else if (rewrite)	/* a new vector each time: the hv must reroute */
			msix_b_rewrite(e, addr, data[k & 1]);
		else
			msix_b_mask_unmask(e);
		*(k < warmup ? &dummy : &s[k - warmup]) = cpu_rdtsc() - t0;
		bench_progress_poll(prog, name, k + 1, warmup + iters);
	}
}

static void msix_b_run(struct msix *m, volatile uint32_t *e, uint64_t addr, uint32_t data,
		       uint64_t *s, unsigned long iters, unsigned long warmup)
{
	struct bench_progress prog;

	msix_entry_write(m, MSIX_B_ENTRY, addr, data);	/* valid before any unmask */
	bench_progress_begin(&prog);
	cpu_sti();
	msix_b_measure(e, false, s, iters, warmup, &prog);
	irq_b_send("msix-update.mask-unmask", s, iters);
	msix_b_measure(e, true, s, iters, warmup, &prog);
	irq_b_send("msix-update.rewrite", s, iters);
}

/* Entry MSIX_B_ENTRY of any MSI-X device, MSI-X enabled and the function
 * unmasked, the other entries masked; nothing raises it. */
void msix_bench_update(unsigned long iters, unsigned long warmup)
{
	const char *name = "msix-update";
	static struct msix m;
	struct pci_dev d;
	volatile uint32_t *e;
	uint16_t ctrl0;
	uint64_t *s, addr;
	uint32_t data;
	unsigned i;
	int err;

	if (guest_pci_find(&d) || !d.msix_cap)
		return report(HC_SKIP, name, "no MSI-X device at 00:00.0");
	if ((err = msix_init(&m, &guest_pci_cfg, &d)))
		return report(HC_FAIL, name, "MSI-X table/PBA unusable (error %d)", err);
	if (!(s = irq_b_alloc(name, iters)))
		return;
	guest_lapic_init();
	msix_b_stray = 0;
	idt_set_handler(MSIX_B_VEC, msix_b_isr);
	idt_set_handler(MSIX_B_VEC + 1, msix_b_isr);
	ctrl0 = msix_ctrl_read(&m);
	msix_ctrl_update(&m, 0, PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL);
	for (i = 0; i < m.nvec; i++)
		msix_entry_mask(&m, i, true);
	e = m.table + MSIX_B_ENTRY * (PCI_MSIX_ENTRY_SIZE / 4);
	msix_ctrl_update(&m, PCI_MSIX_CTRL_MASKALL, 0);
	err = irqsrc_msg(MSIX_B_ENTRY, MSIX_B_VEC, &addr, &data);
	if (err)
		report(HC_FAIL, name, "no message for entry %u (error %d)", MSIX_B_ENTRY, err);
	else
		msix_b_run(&m, e, addr, data, s, iters, warmup);
	cpu_cli();
	msix_entry_mask(&m, MSIX_B_ENTRY, true);
	msix_ctrl_update(&m, PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL,
			 ctrl0 & (PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL));
	idt_set_handler(MSIX_B_VEC, NULL);
	idt_set_handler(MSIX_B_VEC + 1, NULL);
	if (msix_b_stray)
		report(HC_FAIL, name, "%u interrupts arrived, none raised", msix_b_stray);
	free(s);
}
