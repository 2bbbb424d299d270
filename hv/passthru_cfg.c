/* The assigned device's configuration space and trapped MSI-X pages as the
 * guest reaches them (see passthru.h): hv/ptemu*.c decide, this file
 * touches the hardware. */
#include <stdio.h>
#include "hv/passthru.h"
#include "hv/hv.h"
#include "hv/pci_cfg.h"
#include "hv/ratelimit.h"

static struct ratelimit rl_bar_move = RATELIMIT_INIT("BAR move");
static struct ratelimit rl_mmio = RATELIMIT_INIT("refused MSI-X page access");

/* ---- the physical device, as hv/ptemu*.c reach it ---- */

static uint32_t hw_cfg_read(void *ctx, uint16_t off)
{
	struct passthru *p = ctx;

	return pci_cfg_read32(&hv_pci_cfg, p->dev, off);
}

static void hw_cmd_update(void *ctx, uint16_t clear, uint16_t set)
{
	struct passthru *p = ctx;

	pci_command_update(&hv_pci_cfg, p->dev, clear, set);
}

/* An access ptemu_mmio_classify found wholly inside one BAR, outside the
 * table and PBA, within a page and naturally aligned. */
static void hw_mmio(void *ctx, uint64_t pa, uint8_t size, bool write, uint64_t *val)
{
	uintptr_t a = (uintptr_t)pa;

	(void)ctx;
	switch (size) {
	case 8:
		if (write)
			*(volatile uint64_t *)a = *val;
		else
			*val = *(volatile uint64_t *)a;
		break;
	case 4:
		if (write)
			*(volatile uint32_t *)a = (uint32_t)*val;
		else
			*val = *(volatile uint32_t *)a;
		break;
	case 2:
		if (write)
			*(volatile uint16_t *)a = (uint16_t)*val;
		else
			*val = *(volatile uint16_t *)a;
		break;
	default:
		if (write)
			*(volatile uint8_t *)a = (uint8_t)*val;
		else
			*val = *(volatile uint8_t *)a;
	}
}

static const struct ptemu_ops ptemu_hw_ops = {
	.cfg_read = hw_cfg_read, .cmd_update = hw_cmd_update, .mmio = hw_mmio,
};

/* ---- configuration space ---- */

bool passthru_cfg_io(struct passthru *p, uint16_t port, bool in, uint8_t size,
		     uint32_t *val)
{
	int moved;

	/* Mechanism #1 has these ports only: any other (a UART, POST codes)
	 * goes back to the caller at once. */
	if (!passthru_cfg_port(port))
		return false;
	if (!p->active || !ptemu_cfg_io(&p->emu, port, in, size, val, &moved))
		return false;
	if (moved >= 0) {
		p->bad_accesses++;
		if (ratelimit_allow(&rl_bar_move))
			printf("hv: guest tried to move BAR%d to 0x%x: refused, it stays "
			       "where the firmware put it\n", moved, *val);
	}
	return true;
}

void passthru_emu_init(struct passthru *p, unsigned nvec)
{
	struct ptemu *e = &p->emu;

	e->msix_cap = p->dev->msix_cap;
	e->table_gpa = p->phys.table_pa;
	e->table_len = (uint64_t)nvec * PCI_MSIX_ENTRY_SIZE;
	e->pba_gpa = p->phys.pba_pa;
	e->pba_len = ALIGN_UP(nvec, 64) / 8;
	e->vm = &p->vm;
	e->ops = &ptemu_hw_ops;
	e->ctx = p;
}

bool passthru_covers(const struct passthru *p, uint64_t gpa)
{
	return p->active && ptemu_page_trapped(&p->emu, gpa);
}

bool passthru_mmio(struct passthru *p, uint64_t gpa, uint8_t size, bool write,
		   uint64_t *val)
{
	enum ptemu_verdict v;
	int err;

	if (!p->active)
		return false;
	v = ptemu_mmio(&p->emu, gpa, size, write, val, &err);
	if (v == PTEMU_OUTSIDE)
		return false;
	if (v >= PTEMU_REFUSE_SIZE && ratelimit_allow(&rl_mmio))
		printf("hv: guest %u-byte %s at 0x%lx in a trapped MSI-X page refused: %s\n",
		       size, write ? "write" : "read", gpa, ptemu_verdict_name(v));
	if (v >= PTEMU_REFUSE_SIZE || err)
		p->bad_accesses++;
	return true;
}

