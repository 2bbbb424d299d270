/*
 * 82574L as an MSI-X interrupt source. The interrupt model, checked against
 * the datasheet (interrupts chapter; registers 10.2.4) and QEMU 7.2's
 * hw/net/e1000e_core.c (e1000e_send_msi, e1000e_msix_notify_one):
 *
 *  - In MSI-X mode each of RxQ0, RxQ1, TxQ0, TxQ1 and Other sends the vector
 *    its IVAR field names, and only if the field's valid bit is set.
 *  - A message goes out when a cause becomes set in ICR & IMS. A cause that
 *    stays set does not send again: it must leave ICR first.
 *  - EIAC: on each message the cause is cleared from ICR (auto-clear) and,
 *    with CTRL_EXT.IAME clear, from IMS too (auto-mask). So every message
 *    needs a re-arm (IMS write) before the next, and a raise sends exactly
 *    one message.
 *  - Other: in MSI-X mode ICR.Other is set whenever ICR holds LSC, RXO,
 *    MDAC, SRPD, ACK or MNG, whether or not those are in IMS; writing
 *    Other to ICR clears them as well. A link change can therefore raise
 *    the Other vector by itself whenever IMS.Other is set.
 *  - A masked table entry (or the function mask) turns the message into its
 *    PBA bit; unmasking sends it and clears the bit (PCI 3.0 6.8.3.4).
 *    CTRL_EXT.PBA_CLR (off here) would also clear it on an IMS write.
 *  - EITR throttling: QEMU 7.2 resets every EITR to 500 (x 256 ns = 128 us;
 *    reads return the last value software wrote, so 0) and raises any write
 *    below that to 500, so it cannot be turned off. A vector's first message
 *    goes out at once and starts its 128 us timer; a raise while the timer
 *    runs is held until it expires (still one message). Raises on one vector
 *    must be E1000E_QEMU_EITR_NS apart for immediate delivery. Real 82574s
 *    reset EITR to 0 (no throttling); it is not written here.
 *  - Messages are DMA writes: the function and every bridge above it need
 *    Bus Master Enable, or they are dropped.
 */
#include <errno.h>
#include <stdio.h>

#include "drivers/cpu.h"
#include "drivers/e1000e.h"

#define E1000E_WAIT_PER_SEC	10	/* each wait: at most 100 ms */
#define E1000E_RESET_PER_SEC	1000	/* settle 1 ms after CTRL.RST */
#define E1000E_DEFAULT_HZ	1000000000ull	/* when the TSC rate is unknown */

uint32_t e1000e_read(const struct e1000e *e, uint32_t reg)
{
	return *(volatile uint32_t *)(e->regs + reg);
}

void e1000e_write(struct e1000e *e, uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(e->regs + reg) = v;
}

uint32_t e1000e_vector_cause(unsigned v)
{
	return v < E1000E_NUM_VECTORS ? (uint32_t)E1000_ICR_RXQ0 << v : 0;
}

uint32_t e1000e_ivar_identity(void)
{
	uint32_t ivar = 0;
	unsigned c;

	for (c = 0; c < E1000E_NUM_VECTORS; c++)
		ivar |= (uint32_t)FIELD_PREP(E1000_IVAR_FIELD(c),
					     E1000_IVAR_VALID | FIELD_PREP(E1000_IVAR_VECTOR, c));
	return ivar;
}

bool e1000e_probe(const struct pci_dev *d)
{
	return d->vendor == E1000E_VENDOR && d->device == E1000E_DEVICE_82574L &&
	       d->header_type == PCI_HEADER_TYPE_NORMAL && d->msix_cap &&
	       d->msix_table_size >= E1000E_NUM_VECTORS;
}

/* Poll reg until (value & mask) == want, at most timeout_tsc. */
static int e1000e_wait(struct e1000e *e, uint32_t reg, const char *name,
		       uint32_t mask, uint32_t want)
{
	uint64_t start = cpu_rdtsc();
	uint32_t v;

	do {
		v = e1000e_read(e, reg);
		if ((v & mask) == want)
			return 0;
		cpu_pause();
	} while (cpu_rdtsc() - start < e->timeout_tsc);
	printf("e1000e: timeout: %s (0x%05x) = 0x%08x, waited for bits 0x%08x to be 0x%08x\n",
	       name, reg, v, mask, want);
	return -ETIMEDOUT;
}

static void e1000e_delay(uint64_t ticks)
{
	uint64_t start = cpu_rdtsc();

	while (cpu_rdtsc() - start < ticks)
		cpu_pause();
}

/*
 * Software reset (datasheet, CTRL register, RST bit): mask everything first so
 * nothing fires across it, give the MAC time before touching it again (the
 * datasheet asks for at least 1 us; Linux waits milliseconds), wait for RST
 * to self-clear, then mask and clear again since reset does not (in QEMU at
 * all) guarantee IMS/ICR are clean.
 */
static int e1000e_reset(struct e1000e *e)
{
	int err;

	e1000e_write(e, E1000_IMC, 0xffffffff);
	e1000e_write(e, E1000_CTRL, e1000e_read(e, E1000_CTRL) | E1000_CTRL_RST);
	e1000e_delay(e->tsc_hz / E1000E_RESET_PER_SEC);
	err = e1000e_wait(e, E1000_CTRL, "CTRL", E1000_CTRL_RST, 0);
	if (err)
		return err;
	e1000e_write(e, E1000_IMC, 0xffffffff);
	e1000e_write(e, E1000_ICR, 0xffffffff);
	(void)e1000e_read(e, E1000_ICR);	/* IMS is 0: the read clears it */
	return 0;
}

/*
 * Interrupt configuration for MSI-X (datasheet 10.2.4, EIAC/IAM/IVAR and
 * CTRL_EXT): IVAR identity,
 * EIAC on the five MSI-X causes, IAM 0 and IAME/EIAME/PBA_CLR off so the
 * only automatic action is EIAC's clear-and-mask on each message.
 */
static void e1000e_irq_config(struct e1000e *e)
{
	uint32_t ext = e1000e_read(e, E1000_CTRL_EXT);

	ext &= ~(uint32_t)(E1000_CTRL_EXT_IAME | E1000_CTRL_EXT_EIAME | E1000_CTRL_EXT_PBA_CLR);
	e1000e_write(e, E1000_CTRL_EXT, ext);
	e1000e_write(e, E1000_IAM, 0);
	e1000e_write(e, E1000_IVAR, e1000e_ivar_identity());
	e1000e_write(e, E1000_EIAC, E1000_ICR_MSIX_CAUSES);
}

/* A non-zero EITR (as read back) throttles that vector: say so. */
static void e1000e_check_eitr(struct e1000e *e)
{
	unsigned v;
	uint32_t x;

	for (v = 0; v < E1000E_NUM_VECTORS; v++) {
		x = e1000e_read(e, E1000_EITR(v));
		if (x)
			printf("e1000e: EITR%u (0x%05x) = 0x%08x: vector %u is throttled "
			       "(only a device reset clears it)\n", v, E1000_EITR(v), x, v);
	}
}

static int e1000e_map_regs(struct e1000e *e, const struct pci_cfg_ops *ops,
			   const struct pci_dev *d)
{
	bool mmio64;
	int err = pci_bar_decode(ops, d, E1000E_REGS_BAR, &e->regs_pa, &e->regs_size, &mmio64);

	if (err) {
		printf("e1000e: BAR%u unusable (error %d)\n", E1000E_REGS_BAR, err);
		return err;
	}
	if (!e->regs_pa || e->regs_size < E1000_TARC0 + 4) {
		printf("e1000e: BAR%u at 0x%lx size 0x%lx: unassigned or too small\n",
		       E1000E_REGS_BAR, e->regs_pa, e->regs_size);
		return -ENXIO;
	}
	e->regs = (volatile uint8_t *)(uintptr_t)e->regs_pa;
	return 0;
}

/* Every entry masked, then the function enabled (PCI 3.0 6.8.3.5). */
static int e1000e_msix_setup(struct e1000e *e, const struct pci_cfg_ops *ops,
			     const struct pci_dev *d)
{
	unsigned i;
	int err = msix_init(&e->msix, ops, d);

	if (err) {
		printf("e1000e: MSI-X table/PBA unusable (error %d)\n", err);
		return err;
	}
	err = msix_ctrl_update(&e->msix, 0, PCI_MSIX_CTRL_MASKALL);
	for (i = 0; !err && i < e->msix.nvec; i++)
		err = msix_entry_mask(&e->msix, i, true);
	if (!err)
		err = msix_ctrl_update(&e->msix, PCI_MSIX_CTRL_MASKALL, PCI_MSIX_CTRL_ENABLE);
	if (!err && !(msix_ctrl_read(&e->msix) & PCI_MSIX_CTRL_ENABLE)) {
		printf("e1000e: MSI-X control = 0x%04x: enable did not stick\n",
		       msix_ctrl_read(&e->msix));
		err = -EIO;
	}
	return err;
}

int e1000e_init(struct e1000e *e, const struct pci_cfg_ops *ops,
		const struct pci_dev *devs, unsigned idx, uint64_t tsc_hz)
{
	const struct pci_dev *d = &devs[idx];
	int err;

	e->tsc_hz = tsc_hz ? tsc_hz : E1000E_DEFAULT_HZ;
	e->timeout_tsc = e->tsc_hz / E1000E_WAIT_PER_SEC;
	if (!e1000e_probe(d))
		return -ENODEV;
	err = e1000e_map_regs(e, ops, d);
	if (!err)
		err = pci_upstream_enable(ops, devs, idx);
	if (!err)	/* MSI-X replaces INTx: keep the pin quiet (PCI 3.0 6.8.3.3) */
		err = pci_command_update(ops, d, 0, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
					 PCI_COMMAND_INTX_DISABLE);
	if (!err)
		err = e1000e_msix_setup(e, ops, d);
	if (!err)
		err = e1000e_reset(e);
	if (err)
		return err;
	e1000e_irq_config(e);
	e1000e_check_eitr(e);
	return 0;
}

int e1000e_arm(struct e1000e *e, unsigned vector)
{
	uint32_t cause = e1000e_vector_cause(vector);

	if (!cause)
		return -EINVAL;
	/* Clear first: for Other this also drops LSC & co., which would
	 * otherwise fire the moment IMS.Other is set. */
	e1000e_write(e, E1000_ICR, cause);
	e1000e_write(e, E1000_IMS, cause);
	return 0;
}

int e1000e_fire(struct e1000e *e, unsigned vector)
{
	uint32_t cause = e1000e_vector_cause(vector);

	if (!cause)
		return -EINVAL;
	e1000e_write(e, E1000_ICS, cause);
	return 0;
}

int e1000e_trigger(struct e1000e *e, unsigned vector)
{
	int err = e1000e_arm(e, vector);

	return err ? err : e1000e_fire(e, vector);
}

static int e1000e_wait_dd(struct e1000e *e, volatile union e1000_tx_desc *d)
{
	uint64_t start = cpu_rdtsc();

	do {
		if (d->status & E1000_TXD_STA_DD)
			return 0;
		cpu_pause();
	} while (cpu_rdtsc() - start < e->timeout_tsc);
	printf("e1000e: TX descriptor at 0x%lx: status 0x%02x, no DD write-back "
	       "(TDH 0x%x TDT 0x%x)\n", (uint64_t)(uintptr_t)d, d->status,
	       e1000e_read(e, E1000_TDH), e1000e_read(e, E1000_TDT));
	return -ETIMEDOUT;
}

/*
 * Transmit set-up (datasheet, transmit initialization): transmitter off while the ring is
 * reprogrammed, base/length/head/tail, queue enable (QEMU only starts a
 * queue whose TARC enable bit is set), TCTL.EN, then the tail write makes
 * the device fetch descriptor 0 (a DMA read of dev_addr), fetch the frame
 * (dev_addr + 128) and, RS being set, write DD back into the descriptor.
 * The device sees dev_addr (an I/O virtual address under DMA remapping);
 * the hv prepares and checks the same bytes at cpu.
 */
int e1000e_dma_probe_prepare(struct e1000e *e, uint64_t dev_addr, void *cpu)
{
	volatile union e1000_tx_desc *d = cpu;
	volatile uint8_t *frame = (volatile uint8_t *)cpu + E1000_DMA_PROBE_BUF;
	unsigned i;

	if (!cpu || !IS_ALIGNED(dev_addr, E1000_DMA_PROBE_BUF) ||
	    !IS_ALIGNED((uintptr_t)cpu, E1000_DMA_PROBE_BUF))
		return -EINVAL;
	e1000e_write(e, E1000_TCTL, 0);
	for (i = 0; i < E1000_DMA_PROBE_DESCS; i++)
		d[i].qw[0] = d[i].qw[1] = 0;
	for (i = 0; i < E1000_DMA_PROBE_FRAME; i++)
		frame[i] = i < 6 ? 0xff : 0;	/* broadcast, zero payload */
	d[0].buffer = dev_addr + E1000_DMA_PROBE_BUF;
	d[0].length = E1000_DMA_PROBE_FRAME;
	d[0].cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	cpu_mfence();
	return 0;
}

int e1000e_dma_probe_run(struct e1000e *e, uint64_t dev_addr, void *cpu)
{
	e1000e_write(e, E1000_TDBAL, (uint32_t)dev_addr);
	e1000e_write(e, E1000_TDBAH, (uint32_t)(dev_addr >> 32));
	e1000e_write(e, E1000_TDLEN, E1000_DMA_PROBE_DESCS * sizeof(union e1000_tx_desc));
	e1000e_write(e, E1000_TDH, 0);
	e1000e_write(e, E1000_TDT, 0);
	e1000e_write(e, E1000_TARC0, e1000e_read(e, E1000_TARC0) | E1000_TARC_ENABLE);
	e1000e_write(e, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP);
	e1000e_write(e, E1000_TDT, 1);
	return e1000e_wait_dd(e, cpu);
}

int e1000e_dma_probe(struct e1000e *e, uint64_t dev_addr, void *cpu)
{
	return e1000e_dma_probe_prepare(e, dev_addr, cpu) ?:
	       e1000e_dma_probe_run(e, dev_addr, cpu);
}

int e1000e_phy_write(struct e1000e *e, unsigned reg, uint16_t val)
{
	uint64_t start = cpu_rdtsc();
	uint32_t m;

	e1000e_write(e, E1000_MDIC, (uint32_t)(FIELD_PREP(E1000_MDIC_DATA, val) |
					       FIELD_PREP(E1000_MDIC_REG, reg) |
					       FIELD_PREP(E1000_MDIC_PHY, E1000_PHY_ADDR)) |
		     E1000_MDIC_OP_WRITE);
	do {
		m = e1000e_read(e, E1000_MDIC);
		if (m & E1000_MDIC_ERROR)
			return -EIO;
		if (m & E1000_MDIC_READY)
			return 0;
	} while (cpu_rdtsc() - start < e->timeout_tsc);
	return -ETIMEDOUT;
}
