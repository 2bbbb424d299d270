/* The assigned function's configuration space as the guest sees it (see
 * ptemu.h): alone at 00:00.0 behind configuration mechanism #1 (PCI 3.0
 * 3.2.2.3.2), BARs where the firmware put them, only the MSI-X capability. */
#include <errno.h>
#include "hv/ptemu.h"
#include "hv/hypercall_abi.h"
#include "drivers/bits.h"
#include "drivers/pci.h"

#define CFG_HEADER_END		0x40
#define PCI_ROM_ADDRESS		0x30
#define PCI_INTERRUPT_PIN	GENMASK(15, 8)

static uint32_t bar_read(const struct ptemu *p, unsigned i)
{
	const struct ptemu_bar *b = &p->bar[i];
	uint64_t mask;

	if (!b->size)
		return 0;
	if (b->upper)
		return b->sizing ? (uint32_t)(~(p->bar[i - 1].size - 1) >> 32) :
				   (uint32_t)(p->bar[i - 1].base >> 32);
	mask = ~(b->size - 1);
	return (uint32_t)((b->sizing ? mask : b->base) & PCI_BAR_MEM_ADDR) | b->flags;
}

/* BARs stay where the firmware put them (they are mapped identity): the
 * guest may size them, never move them. -EPERM for a move. */
static int bar_write(struct ptemu *p, unsigned i, uint32_t v)
{
	struct ptemu_bar *b = &p->bar[i];

	if (!b->size)
		return 0;
	if ((v | b->flags) == 0xffffffff || v == 0xffffffff) {
		b->sizing = true;
		return 0;
	}
	b->sizing = false;
	if (v == bar_read(p, i))
		return 0;
	p->stats.bar_moves++;
	return -EPERM;
}

static uint32_t cfg_read(const struct ptemu *p, uint16_t off)
{
	uint8_t cap = p->msix_cap;

	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_NUM_BARS)
		return bar_read(p, (off - PCI_BAR0) / 4u);
	switch (off) {
	case PCI_ROM_ADDRESS:
		return 0;
	case PCI_CAP_PTR:
		return cap;
	case PCI_INTERRUPT_LINE:
		return p->ops->cfg_read(p->ctx, off) & ~PCI_INTERRUPT_PIN;	/* no INTx */
	case PCI_COMMAND:
		return (p->ops->cfg_read(p->ctx, off) & ~(uint32_t)PCI_COMMAND_MEMORY) |
		       (p->mem_decode ? PCI_COMMAND_MEMORY : 0);
	}
	if (off < CFG_HEADER_END)
		return p->ops->cfg_read(p->ctx, off);
	/* Only the MSI-X capability is shown, and it ends the list. */
	if (off == cap)
		return PCI_CAP_ID_MSIX | (uint32_t)vmsix_ctrl_read(p->vm) << 16;
	if (off == cap + PCI_MSIX_TABLE || off == cap + PCI_MSIX_PBA)
		return p->ops->cfg_read(p->ctx, off);
	return 0;
}

/* Only BARs (never moved), the command register and MSI-X Message Control
 * are writable; everything else is dropped. */
static void cfg_write(struct ptemu *p, uint16_t off, uint32_t v, int *moved)
{
	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_NUM_BARS) {
		if (bar_write(p, (off - PCI_BAR0) / 4u, v))
			*moved = (off - PCI_BAR0) / 4;
	} else if (off == PCI_COMMAND) {
		/* Bus mastering is the guest's; memory decode stays on. */
		p->mem_decode = v & PCI_COMMAND_MEMORY;
		p->ops->cmd_update(p->ctx, PCI_COMMAND_IO | PCI_COMMAND_MASTER,
				   (uint16_t)((v & PCI_COMMAND_MASTER) | PCI_COMMAND_MEMORY |
					      PCI_COMMAND_INTX_DISABLE));
	} else if (off >= CFG_HEADER_END && off == p->msix_cap) {
		vmsix_ctrl_write(p->vm, (uint16_t)(v >> 16));	/* errors: vm stats */
	}
}

/* Sub-dword writes merge into the dword the guest sees. */
static void cfg_access(struct ptemu *p, unsigned byte, uint8_t size, bool in, uint32_t *val,
		       int *moved)
{
	uint32_t addr = p->cf8;
	uint16_t off = (uint16_t)(FIELD_GET(PCI_CF8_REG, addr) << 2);
	bool ours = (addr & PCI_CF8_ENABLE) && !FIELD_GET(PCI_CF8_BUS, addr) &&
		    !FIELD_GET(PCI_CF8_DEV, addr) && !FIELD_GET(PCI_CF8_FN, addr);
	uint32_t mask = size == 4 ? 0xffffffff : (1u << (size * 8)) - 1;
	uint32_t cur;

	if (!ours) {
		if (in)
			*val = mask;	/* no function there */
		return;
	}
	cur = cfg_read(p, off);
	if (in) {
		*val = (cur >> (byte * 8)) & mask;
		return;
	}
	cfg_write(p, off, (cur & ~(mask << (byte * 8))) | ((*val & mask) << (byte * 8)), moved);
}

bool ptemu_cfg_io(struct ptemu *p, uint16_t port, bool in, uint8_t size, uint32_t *val,
		  int *moved)
{
	int ignored;

	if (!moved)
		moved = &ignored;
	*moved = -1;
	if (size != 1 && size != 2 && size != 4)
		return false;
	if (port == GUEST_PCI_ADDR_PORT && size == 4) {
		if (in)
			*val = p->cf8;
		else
			p->cf8 = *val;
		return true;
	}
	if (port < GUEST_PCI_DATA_PORT || port + size > GUEST_PCI_DATA_PORT + 4)
		return false;
	cfg_access(p, port - GUEST_PCI_DATA_PORT, size, in, val, moved);
	return true;
}
