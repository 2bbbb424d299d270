/* 82574 interrupt source of the guest (see guest/irqsrc.h). A wait for an
 * interrupt that is due halts (STI; HLT) and the hv wakes the guest when
 * it is pending; if it never comes, the hv stops the halted guest (a lost
 * interrupt). Quiet windows, where nothing may arrive, spin with IF=1. */
#include <errno.h>
#include <stdio.h>

#include "guest/guest.h"
#include "guest/irqsrc.h"
#include "guest/lapic.h"
#include "guest/pci.h"
#include "drivers/cpu.h"

#define NS_PER_SEC		1000000000ull
#define MS_PER_SEC		1000
#define DEFAULT_TSC_HZ		1000000000ull
/* Twice QEMU's 128 us: its throttle timer runs from the message, not from
 * the raise, and its callback can run late under TCG; a raise that finds
 * the timer still running is held, and QEMU 7.2 then sends extra messages
 * at later expiries (observed as one raise delivered twice). */
#define SPACING_FACTOR		2

volatile uint32_t irqsrc_count[256];
volatile uint64_t irqsrc_stamp[256];

static void irqsrc_isr(uint8_t vector)
{
	uint64_t t = cpu_rdtsc();	/* first: the latency benchmark's end */

	irqsrc_stamp[vector] = t;
	irqsrc_count[vector]++;
	guest_lapic_eoi();
}

uint32_t irqsrc_delivered(const struct irqsrc *s, unsigned i)
{
	(void)s;
	return irqsrc_count[IRQSRC_VEC_BASE + i] + irqsrc_count[IRQSRC_VEC_ALT + i];
}

uint32_t irqsrc_stray(void)
{
	uint32_t n = 0;
	unsigned v;

	for (v = IRQSRC_VEC_BASE; v < IRQSRC_VEC_END; v++)
		if ((v - IRQSRC_VEC_BASE) % 8 >= IRQSRC_NVEC)
			n += irqsrc_count[v];
	return n;
}

void irqsrc_reset_counts(struct irqsrc *s)
{
	unsigned v;

	for (v = IRQSRC_VEC_BASE; v < IRQSRC_VEC_END; v++)
		irqsrc_count[v] = 0;
	for (v = 0; v < IRQSRC_NVEC; v++)
		s->fired[v] = 0;
}

static uint64_t irqsrc_hz(void)
{
	return guest_info.tsc_hz ? guest_info.tsc_hz : DEFAULT_TSC_HZ;
}

int irqsrc_mask(struct irqsrc *s, unsigned i, bool masked)
{
	int err = msix_entry_mask(&s->e.msix, i, masked);

	if (!err)
		s->masked[i] = masked;
	return err;
}

/* Compatibility format, fixed delivery, edge, physical destination: what a
 * guest OS writes (SDM vol 3, 11.11.1 and 11.11.2). The entry is masked
 * while address and data change (PCI 3.0 6.8.3.5), then restored. */
int irqsrc_retarget(struct irqsrc *s, unsigned i, uint8_t vector)
{
	uint64_t addr;
	uint32_t data;
	int err;

	msix_compat_msg(GUEST_APIC_DEST, vector, &addr, &data);
	err = msix_entry_write(&s->e.msix, i, addr, data);
	if (!err)
		s->vector[i] = vector;
	if (!err && !s->masked[i])
		err = msix_entry_mask(&s->e.msix, i, false);
	return err;
}

static void irqsrc_handlers(guest_irq_fn fn)
{
	unsigned v;

	for (v = IRQSRC_VEC_BASE; v < IRQSRC_VEC_END; v++)
		idt_set_handler((uint8_t)v, fn);
}

int irqsrc_open(struct irqsrc *s)
{
	unsigned i;
	int err;

	*s = (struct irqsrc){ 0 };
	s->ms = irqsrc_hz() / MS_PER_SEC;
	s->spacing = SPACING_FACTOR * irqsrc_hz() * E1000E_QEMU_EITR_NS / NS_PER_SEC;
	err = guest_pci_find(&s->dev);
	if (err)
		return err;
	if (!e1000e_probe(&s->dev))
		return -ENODEV;
	guest_lapic_init();
	irqsrc_handlers(irqsrc_isr);
	/* 00:00.0 on the root bus: e1000e_init's pci_upstream_enable finds
	 * no bridge above it (parent -1) and touches nothing else. */
	err = e1000e_init(&s->e, &guest_pci_cfg, &s->dev, 0, irqsrc_hz());
	if (err) {
		printf("irqsrc: e1000e_init failed (%d)\n", err);
		irqsrc_handlers(NULL);
		return err;
	}
	for (i = 0; i < IRQSRC_NVEC; i++)
		s->masked[i] = true;	/* as e1000e_init left them */
	for (i = 0; !err && i < IRQSRC_NVEC; i++) {
		err = irqsrc_retarget(s, i, (uint8_t)(IRQSRC_VEC_BASE + i));
		if (!err)
			err = irqsrc_mask(s, i, false);
	}
	irqsrc_reset_counts(s);
	if (err) {
		printf("irqsrc: programming MSI-X entry %u failed (%d)\n", i - 1, err);
		irqsrc_close(s);
	}
	return err;
}

void irqsrc_close(struct irqsrc *s)
{
	unsigned i;

	/* No new causes; unmasked entries let any held or pending message
	 * out while IF=1, so nothing is left for a later test's vectors. */
	e1000e_write(&s->e, E1000_IMC, 0xffffffff);
	msix_ctrl_update(&s->e.msix, PCI_MSIX_CTRL_MASKALL, 0);
	for (i = 0; i < IRQSRC_NVEC; i++)
		irqsrc_mask(s, i, false);
	for (i = 0; i < IRQSRC_NVEC; i++)
		irqsrc_wait_entry(s, i, s->fired[i], 2 * s->spacing);
	irqsrc_settle(2 * s->spacing);
	for (i = 0; i < IRQSRC_NVEC; i++)
		irqsrc_mask(s, i, true);
	irqsrc_settle(s->ms);
	irqsrc_handlers(NULL);
}

/* Waits open the interrupt window and leave IF as they found it. */
static bool irq_window_open(void)
{
	bool was_on = cpu_read_rflags() & RFLAGS_IF;

	cpu_sti();
	return was_on;
}

static void irq_window_close(bool was_on)
{
	if (!was_on)
		cpu_cli();
}

/* STI; HLT with IF=0 before: the STI shadow makes the pair atomic (SDM
 * vol 2, STI), so an interrupt that lands after the check still wakes the
 * HLT; the handler runs before the CLI. */
static void irq_halt(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

bool irqsrc_wait(volatile uint32_t *ctr, uint32_t want, uint64_t ticks)
{
	uint64_t start = cpu_rdtsc();
	bool was_on = cpu_read_rflags() & RFLAGS_IF;

	cpu_cli();
	while (*ctr < want && cpu_rdtsc() - start < ticks)
		irq_halt();
	if (was_on)
		cpu_sti();
	return *ctr >= want;
}

bool irqsrc_wait_entry(const struct irqsrc *s, unsigned i, uint32_t want, uint64_t ticks)
{
	uint64_t start = cpu_rdtsc();
	bool was_on = cpu_read_rflags() & RFLAGS_IF;

	cpu_cli();
	while (irqsrc_delivered(s, i) < want && cpu_rdtsc() - start < ticks)
		irq_halt();
	if (was_on)
		cpu_sti();
	return irqsrc_delivered(s, i) >= want;
}

void irqsrc_settle(uint64_t ticks)
{
	uint64_t start = cpu_rdtsc();
	bool was_on = irq_window_open();

	while (cpu_rdtsc() - start < ticks)
		cpu_pause();
	irq_window_close(was_on);
}

/* last_fire starts at 0: an entry never raised needs no wait. */
void irqsrc_space(struct irqsrc *s, unsigned i)
{
	bool was_on = irq_window_open();

	while (cpu_rdtsc() - s->last_fire[i] < s->spacing)
		cpu_pause();
	irq_window_close(was_on);
}

int irqsrc_fire(struct irqsrc *s, unsigned i)
{
	int err = e1000e_arm(&s->e, i);

	if (!err)
		err = e1000e_fire(&s->e, i);
	if (err)
		return err;
	s->last_fire[i] = cpu_rdtsc();
	s->fired[i]++;
	return 0;
}

int irqsrc_trigger(struct irqsrc *s, unsigned i)
{
	irqsrc_space(s, i);
	return irqsrc_fire(s, i);
}

int irqsrc_link_restart(struct irqsrc *s)
{
	int err = e1000e_phy_write(&s->e, E1000_PHY_CTRL, E1000_PHY_CTRL_DEFAULT |
				   E1000_PHY_CTRL_RESTART_AN);

	if (err)
		printf("irqsrc: MDIC write of the PHY control register failed (error %d)\n", err);
	return err;
}
