/* The guest's interrupt source (see guest/irqsrc.h). A wait for an
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
#include "hv/hypercall_abi.h"
#include "hv/options.h"

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

/* Vectors of entries the source does not use: nothing may arrive there. */
static unsigned irqsrc_nvec_open;

uint32_t irqsrc_stray(void)
{
	uint32_t n = 0;
	unsigned v;

	for (v = IRQSRC_VEC_BASE; v < IRQSRC_VEC_END; v++)
		if ((v - IRQSRC_VEC_BASE) % 8 >= irqsrc_nvec_open)
			n += irqsrc_count[v];
	return n;
}

bool irqsrc_is_msix(const struct irqsrc *s)
{
	return s->src.msix != NULL;
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
	int err = s->src.msix ? msix_entry_mask(s->src.msix, i, masked) : -EOPNOTSUPP;

	if (!err)
		s->masked[i] = masked;
	return err;
}

bool irqsrc_map_mode(void)
{
	return guest_info.msix == OPT_MSIX_MAP;
}

/* Compatibility format, fixed delivery, edge, physical destination: what a
 * guest OS writes (SDM vol 3, 11.11.1 and 11.11.2). With msix=map the hv
 * owns the IRTE behind the entry and says what points at it. */
int irqsrc_msg(unsigned i, uint8_t vector, uint64_t *addr, uint32_t *data)
{
	struct hc_msi_msg m;
	long err;

	if (!irqsrc_map_mode()) {
		msix_compat_msg(GUEST_APIC_DEST, vector, addr, data);
		return 0;
	}
	err = hc(HC_MSI_MAP, (long)i, vector, GUEST_APIC_DEST, (long)(uintptr_t)&m);
	if (err) {
		printf("irqsrc: HC_MSI_MAP(entry %u, vector 0x%x) returned %ld\n", i, vector, err);
		return (int)err;
	}
	*addr = m.addr;
	*data = (uint32_t)m.data;
	return 0;
}

/* The entry is masked while address and data change (PCI 3.0 6.8.3.5),
 * then restored. */
int irqsrc_retarget(struct irqsrc *s, unsigned i, uint8_t vector)
{
	uint64_t addr;
	uint32_t data;
	int err;

	if (!s->src.msix) {
		err = s->src.ops->set_vector(&s->src, i, vector);
		if (!err)
			s->vector[i] = vector;
		return err;
	}
	err = irqsrc_msg(i, vector, &addr, &data) ?: msix_entry_write(s->src.msix, i, addr, data);
	if (!err)
		s->vector[i] = vector;
	if (!err && !s->masked[i])
		err = msix_entry_mask(s->src.msix, i, false);
	return err;
}

static void irqsrc_handlers(guest_irq_fn fn)
{
	unsigned v;

	for (v = IRQSRC_VEC_BASE; v < IRQSRC_VEC_END; v++)
		idt_set_handler((uint8_t)v, fn);
}

/* Queue memory a device source may DMA (the guest's RAM is identity-mapped
 * and the device sees guest-physical addresses). */
#define IRQSRC_DMA_SIZE		0x20000
static uint8_t irqsrc_dma[IRQSRC_DMA_SIZE] __attribute__((aligned(4096)));

/* The source the hv chose: the timer, or the device's driver (NULL when
 * the device is absent or has none: s->dev says which). */
static const struct irq_source_ops *irqsrc_pick(struct irqsrc *s)
{
	if (guest_info.source == HC_SOURCE_TIMER)
		return &irq_source_timer;
	if (guest_pci_find(&s->dev))
		return NULL;
	return irq_source_find(&s->dev);
}

void irqsrc_why(const struct irqsrc *s, char *buf, size_t len)
{
	char desc[96];

	if (!s->dev.vendor) {
		snprintf(buf, len, "no device at 00:00.0");
		return;
	}
	pci_dev_describe(&s->dev, desc, sizeof(desc));
	snprintf(buf, len, "no interrupt-source driver for the device (%s); drivers: 82574, "
		 "nvme, or source=timer", desc);
}

static int irqsrc_start(struct irqsrc *s, const struct irq_source_ops *ops)
{
	struct irq_source_env env = {
		.cfg = &guest_pci_cfg, .devs = &s->dev, .idx = 0, .tsc_hz = irqsrc_hz(),
		.dma_cpu = irqsrc_dma, .dma_dev = (uint64_t)(uintptr_t)irqsrc_dma,
		.dma_size = sizeof(irqsrc_dma),
	};

	if (ops->dma_size > sizeof(irqsrc_dma)) {
		printf("irqsrc: the %s needs %zu bytes of DMA memory, the guest has %zu\n",
		       ops->desc, ops->dma_size, sizeof(irqsrc_dma));
		return -ENOMEM;
	}
	/* 00:00.0 on the root bus: pci_upstream_enable finds no bridge above
	 * it (parent -1) and touches nothing else. */
	return irq_source_init(&s->src, ops, &env);
}

int irqsrc_open(struct irqsrc *s)
{
	const struct irq_source_ops *ops;
	unsigned i;
	int err;

	*s = (struct irqsrc){ 0 };
	s->ms = irqsrc_hz() / MS_PER_SEC;
	ops = irqsrc_pick(s);
	if (!ops)
		return -ENODEV;
	s->spacing = SPACING_FACTOR * irqsrc_hz() / 1000 * ops->emu_throttle_ns / 1000000;
	guest_lapic_init();
	irqsrc_handlers(irqsrc_isr);
	err = irqsrc_start(s, ops);
	if (err) {
		printf("irqsrc: bringing up the %s failed (%d)\n", ops->desc, err);
		irqsrc_handlers(NULL);
		return err;
	}
	irqsrc_nvec_open = s->src.nvec;
	for (i = 0; i < s->src.nvec; i++)
		s->masked[i] = true;	/* as init left them */
	for (i = 0; !err && i < s->src.nvec; i++) {
		err = irqsrc_retarget(s, i, (uint8_t)(IRQSRC_VEC_BASE + i));
		if (!err && s->src.msix)
			err = irqsrc_mask(s, i, false);
	}
	irqsrc_reset_counts(s);
	if (err) {
		printf("irqsrc: programming vector %u failed (%d)\n", i - 1, err);
		irqsrc_close(s);
	}
	return err;
}

void irqsrc_close(struct irqsrc *s)
{
	unsigned i;

	/* Nothing new raised; unmasked entries let any held or pending
	 * message out while IF=1, so nothing is left for a later test's
	 * vectors. */
	s->src.ops->stop(&s->src);
	if (s->src.msix) {
		msix_ctrl_update(s->src.msix, PCI_MSIX_CTRL_MASKALL, 0);
		for (i = 0; i < s->src.nvec; i++)
			irqsrc_mask(s, i, false);
	}
	for (i = 0; i < s->src.nvec; i++)
		irqsrc_wait_entry(s, i, s->fired[i], 2 * s->spacing + s->ms);
	irqsrc_settle(2 * s->spacing);
	for (i = 0; s->src.msix && i < s->src.nvec; i++)
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

bool irqsrc_spin_until(volatile uint32_t *ctr, uint32_t want, uint64_t ticks)
{
	uint64_t start = cpu_rdtsc();
	bool was_on = irq_window_open();

	while (*ctr < want && cpu_rdtsc() - start < ticks)
		cpu_pause();
	irq_window_close(was_on);
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
	uint64_t t0;
	int err = irq_source_trigger(&s->src, i, &t0);

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
	int err;

	if (!(s->src.ops->flags & IRQ_SOURCE_SELF_TIMED))
		return -EOPNOTSUPP;
	err = e1000e_phy_write(&s->src.u.e1000e, E1000_PHY_CTRL, E1000_PHY_CTRL_DEFAULT |
			       E1000_PHY_CTRL_RESTART_AN);
	if (err)
		printf("irqsrc: MDIC write of the PHY control register failed (error %d)\n", err);
	return err;
}
