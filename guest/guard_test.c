/* ST_GUARD_*: the guest as an attacker of its own device's emulation.
 *
 * guard.mmio-bounds: accesses to the trapped MSI-X pages that are not
 * plainly one register (crossing the page end, straddling the table or
 * PBA edge, misaligned) must be refused: reads see all ones, writes change
 * no entry. A forwarded access would return what the device or the next
 * physical page holds instead (QEMU answers 0 there).
 *
 * guard.bar-move: a BAR the guest rewrites GUARD_MOVES times stays where
 * it is (the hv's console line for it is rate-limited; the scenarios
 * reject a flood of them).
 *
 * guard.msi-modes (82574): an NMI-mode entry makes exactly one NMI and no
 * vector; SMI, INIT, level-triggered and logical-destination entries
 * deliver nothing at all (the hv refuses them rather than inject a fixed
 * interrupt the guest did not ask for). */
#include <errno.h>
#include <stdio.h>

#include "guest/devtest.h"
#include "guest/guest.h"
#include "guest/irqsrc.h"
#include "guest/lapic.h"
#include "guest/pci.h"
#include "drivers/cpu.h"
#include "drivers/msix.h"

#define GUARD_PAGE		4096ULL
#define GUARD_ALL_ONES		0xffffffffffffffffULL
#define GUARD_PATTERN		0x5a5a5a5aa5a5a5a5ULL
#define GUARD_TIMEOUT_MS	100
#define GUARD_QUIET_MS		2
#define GUARD_MOVES		100
#define GUARD_NMI_VECTOR	2
#define GUARD_NMI_ENTRY		0
#define GUARD_BAD_ENTRY		1

/* ---- guard.mmio-bounds ---- */

struct guard_mmio {
	struct msix m;
	uint64_t table_end, pba_end;
	char fail[160];
};

static bool guard_in(uint64_t a, uint64_t base, uint64_t end)
{
	return a >= base && a < end;
}

static uint64_t guard_read(uint64_t gpa, unsigned size)
{
	switch (size) {
	case 8:
		return *(volatile uint64_t *)gpa;
	case 4:
		return *(volatile uint32_t *)gpa;
	default:
		return *(volatile uint16_t *)gpa;
	}
}

/* A refused read answers all ones of its size. */
static void guard_expect_refused(struct guard_mmio *g, uint64_t gpa, unsigned size,
				 const char *what)
{
	uint64_t ones = size == 8 ? GUARD_ALL_ONES : (1ULL << (size * 8)) - 1;
	uint64_t v = guard_read(gpa, size);

	if (v != ones && !g->fail[0])
		snprintf(g->fail, sizeof(g->fail), "%u-byte read at 0x%lx (%s) returned 0x%lx, "
			 "not all ones: it was forwarded", size, gpa, what, v);
}

/* Each entry's address, data and control, to see that no write landed. */
static void guard_snapshot(const struct msix *m, union msix_entry *e)
{
	unsigned i;

	for (i = 0; i < m->nvec && i < IRQ_SOURCE_MAX_VECTORS; i++)
		msix_entry_read(m, i, &e[i]);
}

static bool guard_same(const struct msix *m, const union msix_entry *a,
		       const union msix_entry *b, unsigned *bad)
{
	unsigned i, k;

	for (i = 0; i < m->nvec && i < IRQ_SOURCE_MAX_VECTORS; i++)
		for (k = 0; k < 4; k++)
			if (a[i].dw[k] != b[i].dw[k]) {
				*bad = i;
				return false;
			}
	return true;
}

/* Hostile accesses at the table and PBA edges that lie inside a trapped
 * page, then at the end of every trapped page. */
static void guard_hostile(struct guard_mmio *g)
{
	uint64_t pages[2] = { g->m.table_pa & ~(GUARD_PAGE - 1), g->m.pba_pa & ~(GUARD_PAGE - 1) };
	unsigned k;

	if (g->table_end % GUARD_PAGE && g->table_end != g->m.pba_pa) {
		*(volatile uint64_t *)(g->table_end - 4) = GUARD_PATTERN;
		guard_expect_refused(g, g->table_end - 4, 8, "straddles the table end");
	}
	if (g->m.pba_pa % GUARD_PAGE && g->m.pba_pa != g->table_end) {
		*(volatile uint64_t *)(g->m.pba_pa - 4) = GUARD_PATTERN;
		guard_expect_refused(g, g->m.pba_pa - 4, 8, "straddles the PBA start");
	}
	for (k = 0; k < 2; k++) {
		uint64_t end = pages[k] + GUARD_PAGE;

		*(volatile uint64_t *)(end - 4) = GUARD_PATTERN;
		guard_expect_refused(g, end - 4, 8, "crosses the page end");
		guard_expect_refused(g, end - 1, 2, "crosses the page end");
		if (!guard_in(end - 0x100, g->m.table_pa, g->table_end) &&
		    !guard_in(end - 0x100, g->m.pba_pa, g->pba_end))
			guard_expect_refused(g, end - 0xfe, 4, "misaligned");
	}
}

void guard_mmio_selftest(void)
{
	static struct guard_mmio g;
	union msix_entry before[IRQ_SOURCE_MAX_VECTORS], after[IRQ_SOURCE_MAX_VECTORS];
	struct pci_dev d;
	unsigned bad;
	int err;

	g = (struct guard_mmio){ 0 };
	if (guest_pci_find(&d) || !d.msix_cap)
		return report(HC_SKIP, "guard.mmio-bounds", "no MSI-X device at 00:00.0");
	err = msix_init(&g.m, &guest_pci_cfg, &d);
	if (err)
		return report(HC_FAIL, "guard.mmio-bounds", "msix_init failed (%d)", err);
	g.table_end = g.m.table_pa + (uint64_t)g.m.nvec * PCI_MSIX_ENTRY_SIZE;
	g.pba_end = g.m.pba_pa + (g.m.nvec + 63) / 64 * 8;
	guard_snapshot(&g.m, before);
	guard_hostile(&g);
	guard_snapshot(&g.m, after);
	if (g.fail[0])
		return report(HC_FAIL, "guard.mmio-bounds", "%s", g.fail);
	if (!guard_same(&g.m, before, after, &bad))
		return report(HC_FAIL, "guard.mmio-bounds", "entry %u changed: 0x%x/0x%x/0x%x/0x%x "
			      "-> 0x%x/0x%x/0x%x/0x%x", bad, before[bad].dw[0], before[bad].dw[1],
			      before[bad].dw[2], before[bad].dw[3], after[bad].dw[0],
			      after[bad].dw[1], after[bad].dw[2], after[bad].dw[3]);
	report(HC_PASS, "guard.mmio-bounds", NULL);
}

/* ---- guard.bar-move ---- */

void guard_bar_selftest(void)
{
	struct pci_dev d;
	uint16_t off;
	uint32_t bar, got;
	unsigned i;

	if (guest_pci_find(&d) || !d.msix_cap)
		return report(HC_SKIP, "guard.bar-move", "no MSI-X device at 00:00.0");
	off = (uint16_t)(PCI_BAR0 + 4 * d.msix_table_bir);
	bar = pci_cfg_read32(&guest_pci_cfg, &d, off);
	for (i = 0; i < GUARD_MOVES; i++) {
		pci_cfg_write32(&guest_pci_cfg, &d, off, bar + (i + 1) * (uint32_t)GUARD_PAGE * 16);
		got = pci_cfg_read32(&guest_pci_cfg, &d, off);
		if (got != bar)
			return report(HC_FAIL, "guard.bar-move", "BAR%u moved from 0x%x to 0x%x",
				      d.msix_table_bir, bar, got);
	}
	report(HC_PASS, "guard.bar-move", NULL);
}

/* ---- guard.msi-modes ---- */

static volatile uint32_t guard_nmis;

static void guard_nmi_isr(uint8_t vector)
{
	(void)vector;
	guard_nmis++;		/* NMIs take no EOI (SDM vol 3, 11.8.5) */
}

/* Write entry i's message with the entry masked, then unmask it. */
static int guard_program(struct irqsrc *s, unsigned i, uint64_t addr, uint32_t data)
{
	int err = msix_entry_write(s->src.msix, i, addr, data);

	return err ? err : irqsrc_mask(s, i, false);
}

static uint64_t guard_ms(const struct irqsrc *s, unsigned ms)
{
	return ms * s->ms;
}

/* Spin with IF=1 (not HLT: a lost NMI must fail the test, not stop the
 * halted guest) until *ctr reaches want or ticks pass. */
static void guard_spin_for(volatile uint32_t *ctr, uint32_t want, uint64_t ticks)
{
	uint64_t start = cpu_rdtsc();

	cpu_sti();
	while (*ctr < want && cpu_rdtsc() - start < ticks)
		cpu_pause();
	cpu_cli();
}

/* One NMI, no vector. */
static bool guard_nmi(struct irqsrc *s, char *why, size_t len)
{
	uint8_t v = IRQSRC_VEC_BASE + GUARD_NMI_ENTRY;
	int err;

	err = guard_program(s, GUARD_NMI_ENTRY, MSI_ADDR_BASE,
			    (uint32_t)FIELD_PREP(MSI_DATA_DELIVERY, MSI_DELIVERY_NMI));
	if (!err)
		err = irqsrc_trigger(s, GUARD_NMI_ENTRY);
	if (err)
		return snprintf(why, len, "programming or raising entry %u failed (%d)",
				GUARD_NMI_ENTRY, err), false;
	guard_spin_for(&guard_nmis, 1, guard_ms(s, GUARD_TIMEOUT_MS));
	irqsrc_settle(guard_ms(s, GUARD_QUIET_MS) + s->spacing);
	if (guard_nmis != 1 || irqsrc_count[v])
		return snprintf(why, len, "NMI-mode entry: %u NMIs and %u interrupts on vector "
				"0x%x, expected exactly one NMI", guard_nmis, irqsrc_count[v], v),
		       false;
	return true;
}

struct guard_mode {
	const char *name;
	uint64_t addr;
	uint32_t data;
};

/* Each refused message, raised once: nothing at all may arrive. */
static bool guard_refused(struct irqsrc *s, char *why, size_t len)
{
	uint8_t v = IRQSRC_VEC_BASE + GUARD_BAD_ENTRY;
	const struct guard_mode modes[] = {
		{ "SMI", MSI_ADDR_BASE, v | (uint32_t)FIELD_PREP(MSI_DATA_DELIVERY, MSI_DELIVERY_SMI) },
		{ "INIT", MSI_ADDR_BASE, v | (uint32_t)FIELD_PREP(MSI_DATA_DELIVERY, MSI_DELIVERY_INIT) },
		{ "level", MSI_ADDR_BASE, v | MSI_DATA_TRIGGER_LEVEL | MSI_DATA_LEVEL_ASSERT },
		{ "logical", MSI_ADDR_BASE | MSI_ADDR_DEST_LOGICAL, v },
	};
	uint32_t nmis = guard_nmis;
	unsigned k;
	int err;

	for (k = 0; k < ARRAY_SIZE(modes); k++) {
		err = guard_program(s, GUARD_BAD_ENTRY, modes[k].addr, modes[k].data);
		if (!err)
			err = irqsrc_trigger(s, GUARD_BAD_ENTRY);
		if (err)
			return snprintf(why, len, "%s: programming or raising failed (%d)",
					modes[k].name, err), false;
		irqsrc_settle(guard_ms(s, GUARD_QUIET_MS) + s->spacing);
		if (irqsrc_count[v] || guard_nmis != nmis)
			return snprintf(why, len, "%s entry (0x%lx/0x%x) delivered %u interrupts on "
					"vector 0x%x and %u NMIs, expected none", modes[k].name,
					modes[k].addr, modes[k].data, irqsrc_count[v], v,
					guard_nmis - nmis), false;
	}
	return true;
}

void guard_msi_selftest(void)
{
	static struct irqsrc s;
	char why[160] = "", why2[160] = "";
	bool ok;
	int err;

	err = irqsrc_open(&s);
	if (err == -ENODEV) {
		irqsrc_why(&s, why, sizeof(why));
		return report(HC_SKIP, "guard.msi-modes", "%s", why);
	}
	if (err)
		return report(HC_FAIL, "guard.msi-modes", "interrupt source setup failed (%d)", err);
	if (!irqsrc_is_msix(&s)) {
		irqsrc_close(&s);
		return report(HC_SKIP, "guard.msi-modes", "needs a device with MSI-X entries; the "
			      "source is the %s", s.src.ops->desc);
	}
	guard_nmis = 0;
	idt_set_handler(GUARD_NMI_VECTOR, guard_nmi_isr);
	ok = guard_nmi(&s, why, sizeof(why));
	ok = guard_refused(&s, why2, sizeof(why2)) && ok;
	/* Back to fixed messages: a message the device held for a refused
	 * entry lands now, before the counters are cleared for the next test. */
	irqsrc_retarget(&s, GUARD_NMI_ENTRY, IRQSRC_VEC_BASE + GUARD_NMI_ENTRY);
	irqsrc_retarget(&s, GUARD_BAD_ENTRY, IRQSRC_VEC_BASE + GUARD_BAD_ENTRY);
	irqsrc_settle(guard_ms(&s, GUARD_QUIET_MS) + s.spacing);
	irqsrc_reset_counts(&s);
	irqsrc_close(&s);
	idt_set_handler(GUARD_NMI_VECTOR, NULL);
	if (!ok)
		return report(HC_FAIL, "guard.msi-modes", "%s%s%s", why,
			      why[0] && why2[0] ? "; " : "", why2);
	report(HC_PASS, "guard.msi-modes", NULL);
}
