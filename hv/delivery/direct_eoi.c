/* See direct_eoi.h. With the physical xAPIC page mapped, the guest's EOI
 * write reaches the hardware with no exit, but so do its TPR, SVR, timer,
 * LVT and ICR writes: it can send IPIs and NMIs anywhere, mask the hv's
 * LINT pins and program the timer. So it needs the explicit
 * apic=passthrough, every result says "isolated":"no", and the registers
 * the hv relies on are saved at start and restored at stop. */
#include <errno.h>
#include <stdio.h>
#include "hv/delivery/delivery.h"
#include "hv/delivery/direct_eoi.h"
#include "hv/guest.h"
#include "drivers/cpu.h"
#include "drivers/lapic.h"

#define APIC_PAGE		4096
#define X2APIC_MSR_BASE		0x800	/* x2APIC MSR of xAPIC offset r: 0x800 + r/16 */

/* The registers restored at stop (SDM vol 3, table 11-1): TPR, SVR and
 * the LVTs (timer, thermal, perf, LINT0, LINT1, error), then the timer's
 * divide and initial count (the count restarts the timer: last). */
static const uint32_t saved_regs[] = {
	0x080, 0x0f0, 0x320, 0x330, 0x340, 0x350, 0x360, 0x370, 0x3e0, 0x380,
};

static struct {
	bool mapped;
	uint32_t val[sizeof(saved_regs) / sizeof(saved_regs[0])];
} hw;

static volatile uint32_t *xapic_reg(uint32_t reg)
{
	return (volatile uint32_t *)(uintptr_t)(lapic_base() + reg);
}

uint32_t direct_lapic_read(uint32_t reg)
{
	if (lapic_x2apic())
		return (uint32_t)cpu_rdmsr(X2APIC_MSR_BASE + reg / 16);
	return *xapic_reg(reg);
}

int direct_eoi_hw_usable(const struct guest *g, char *why, unsigned len)
{
	if (g->opts->apic != OPT_APIC_PASSTHROUGH) {
		snprintf(why, len, "eoi=hw with delivery=direct maps the physical xAPIC page into "
			 "the guest (it could send IPIs and reprogram the APIC): allowed only with "
			 "apic=passthrough");
		return -ENODEV;
	}
	if (lapic_x2apic()) {
		snprintf(why, len, "the hv's APIC is in x2APIC mode, where the xAPIC page the "
			 "guest EOIs through does not exist (the x2APIC EOI MSR pass-through is not "
			 "built)");
		return -ENODEV;
	}
	if (g->opts->source == OPT_SOURCE_TIMER) {
		snprintf(why, len, "source=timer: the guest's APIC timer stays emulated (its "
			 "TSC_DEADLINE MSR exits) while its LVT writes would reach the physical "
			 "APIC page");
		return -ENODEV;
	}
	return 0;
}

int direct_eoi_hw_start(struct guest *g, char *why, unsigned len)
{
	unsigned i;
	int err;

	for (i = 0; i < sizeof(saved_regs) / sizeof(saved_regs[0]); i++)
		hw.val[i] = *xapic_reg(saved_regs[i]);
	err = pt_map(&g->npt, GUEST_APIC_BASE, lapic_base(), APIC_PAGE,
		     PT_RW | PT_US | PT_CACHE_UC, false);
	if (err) {
		snprintf(why, len, "the physical xAPIC page at 0x%lx could not be mapped at "
			 "guest 0x%lx (error %d)", lapic_base(), GUEST_APIC_BASE, err);
		return err;
	}
	hw.mapped = true;
	return 0;
}

/* paging.c has no unmap: the walk's 4 KiB leaf (as start mapped it) is
 * cleared; the guest's next start flushes its TLB (vCPU reset). */
static void hw_unmap(struct guest *g)
{
	struct pt_walk_trace t;
	uint64_t pa;

	if (pt_walk_traced(&g->npt, GUEST_APIC_BASE, &pa, NULL, NULL, &t) || t.n != 4 ||
	    pa != lapic_base()) {
		printf("hv: delivery=direct: the APIC page's nested mapping is not as mapped; "
		       "the guest does not run again\n");
		g->state = GUEST_STOPPED;
		return;
	}
	((union pte *)t.entry[3])->raw = 0;
}

void direct_eoi_hw_stop(struct guest *g)
{
	unsigned i;

	if (!hw.mapped)
		return;
	hw_unmap(g);
	hw.mapped = false;
	for (i = 0; i < sizeof(saved_regs) / sizeof(saved_regs[0]); i++)
		*xapic_reg(saved_regs[i]) = hw.val[i];
}

void direct_eoi_hw_before_entry(struct guest *g)
{
	g->vlapic.enabled = true;
}
