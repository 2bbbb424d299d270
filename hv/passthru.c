/* Assigning a PCI function to the guest (see passthru.h): its BARs decoded,
 * checked and mapped, its MSI-X taken over, and given back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hv/passthru.h"
#include "hv/guest.h"
#include "hv/hv.h"
#include "hv/iommu.h"
#include "hv/mmu.h"
#include "hv/pci_cfg.h"
#include "drivers/nvme.h"

/* The memory BARs of dev as the firmware placed them (I/O BARs are not
 * given to the guest). */
static int bars_decode(const struct pci_dev *dev, struct ptemu_bar *bars)
{
	unsigned i;

	for (i = 0; i < PCI_NUM_BARS; i++) {
		struct ptemu_bar *b = &bars[i];
		uint32_t raw = pci_cfg_read32(&hv_pci_cfg, dev, (uint16_t)(PCI_BAR0 + 4 * i));
		int err;

		*b = (struct ptemu_bar){ 0 };
		if (raw & PCI_BAR_IO)
			continue;
		err = pci_bar_decode(&hv_pci_cfg, dev, i, &b->base, &b->size, &b->mmio64);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		b->mem = true;
		b->flags = raw & ~PCI_BAR_MEM_ADDR;
		if (b->mmio64 && i + 1 < PCI_NUM_BARS) {
			bars[i + 1] = (struct ptemu_bar){ .size = b->size, .upper = true };
			i++;
		}
	}
	return 0;
}

static const char *bars_refusal(const struct ptemu_bar *bars, char *buf, size_t len)
{
	unsigned bad;

	if (!ptemu_bars_check(bars, &bad))
		return NULL;
	snprintf(buf, len, "BAR%u at 0x%lx is %lu bytes, smaller than a page: the rest of "
		 "its page belongs to whatever the firmware placed beside it, and the guest "
		 "would reach that too", bad, bars[bad].base, bars[bad].size);
	return buf;
}

const char *passthru_bar_refusal(const struct pci_dev *dev, char *buf, size_t len)
{
	struct ptemu_bar bars[PCI_NUM_BARS];
	int err = bars_decode(dev, bars);

	if (err) {
		snprintf(buf, len, "its BARs cannot be decoded (error %d)", err);
		return buf;
	}
	return bars_refusal(bars, buf, len);
}

/* The hv reaches the table and PBA itself: BARs may lie beyond the part of
 * physical memory mapped at start. */
static int bars_map_hv(const struct ptemu_bar *bars)
{
	unsigned i;
	int err;

	for (i = 0; i < PCI_NUM_BARS; i++) {
		if (!bars[i].mem || bars[i].upper)
			continue;
		err = mmu_map_mmio(bars[i].base, bars[i].size);
		if (err)
			return err;
	}
	return 0;
}

/* An NVMe controller's registers let whoever holds them send any command,
 * writes and formats included, and the hv does not filter them: the guest
 * gets them only with guestnvme=yes (a disk whose data may be lost). */
static bool bars_withheld(const struct passthru *p)
{
	return p->dev->class_code == NVME_CLASS && hv.opts.guest_nvme != OPT_YES;
}

/* BARs appear at their host addresses, uncached, except the MSI-X pages
 * (and every page of a withheld device: its accesses stop the guest). */
static int bars_map(struct passthru *p, struct guest *g)
{
	bool withheld = bars_withheld(p);
	unsigned i;
	int err;

	for (i = 0; i < PCI_NUM_BARS; i++) {
		const struct ptemu_bar *b = &p->emu.bar[i];
		uint64_t pa;

		if (!b->mem || b->upper)
			continue;
		for (pa = b->base; pa < b->base + b->size; pa += PTEMU_PAGE) {
			if (withheld || ptemu_page_trapped(&p->emu, pa))
				continue;
			err = pt_map(&g->npt, pa, pa, PTEMU_PAGE, PT_RW | PT_US | PT_CACHE_UC, false);
			if (err)
				return err;
		}
		err = guest_add_mmio(g, b->base, b->size);
		if (err)
			return err;
	}
	return 0;
}

static int refuse(const struct pci_dev *dev, const char *why)
{
	printf("assign: %02x:%02x.%u refused: %s\n", dev->bus, dev->dev, dev->fn, why);
	return -ENODEV;
}

int passthru_assign(struct passthru *p, struct guest *g, const struct pci_dev *dev)
{
	unsigned idx = (unsigned)(dev - hv.pci), nvec;
	const char *why;
	char buf[200];
	int err;

	memset(p, 0, sizeof(*p));
	p->guest = g;
	p->dev = dev;
	p->unit = iommu_unit_for(dev);
	if (!dev->msix_cap)
		return refuse(dev, "no MSI-X capability");
	if (!p->unit || !p->unit->ir_on)
		return refuse(dev, "no VT-d unit with interrupt remapping covers it");
	err = vtd_sid_for_device(hv.pci, hv.npci, idx, &p->sid) ?:
	      msix_init(&p->phys, &hv_pci_cfg, dev) ?: bars_decode(dev, p->emu.bar);
	if (err)
		return err;
	why = bars_refusal(p->emu.bar, buf, sizeof(buf));
	if (why)
		return refuse(dev, why);
	err = bars_map_hv(p->emu.bar);
	if (err)
		return err;
	nvec = p->phys.nvec;
	p->entries = calloc(nvec, sizeof(*p->entries));
	p->guest_vec = calloc(nvec, 1);
	p->guest_nmi = calloc(nvec, sizeof(*p->guest_nmi));
	if (!p->entries || !p->guest_vec || !p->guest_nmi)
		return -ENOMEM;
	passthru_emu_init(p, nvec);
	err = vmsix_init(&p->vm, nvec, p->entries, &passthru_vmsix_ops, p) ?: bars_map(p, g);
	if (err)
		return err;
	/* The device starts quiet: every entry masked, MSI-X on physically
	 * (the guest's Enable is virtual), INTx off. */
	for (unsigned i = 0; i < nvec; i++)
		msix_entry_mask(&p->phys, i, true);
	msix_ctrl_update(&p->phys, PCI_MSIX_CTRL_MASKALL, PCI_MSIX_CTRL_ENABLE);
	pci_command_update(&hv_pci_cfg, dev, 0, PCI_COMMAND_INTX_DISABLE);
	p->active = true;
	printf("assign: %02x:%02x.%u %04x:%04x to the guest as 00:00.0, %u MSI-X vectors, "
	       "table at 0x%lx and PBA at 0x%lx trapped\n", dev->bus, dev->dev, dev->fn,
	       dev->vendor, dev->device, nvec, p->emu.table_gpa, p->emu.pba_gpa);
	if (bars_withheld(p))
		printf("assign: an NVMe controller: its registers are not mapped into the guest "
		       "(guestnvme=no), which could send any command, writes and formats "
		       "included, to a disk that may hold data; the hv drives it with "
		       "read-only commands, the guest's interrupt tests use the timer\n");
	return 0;
}

bool passthru_guest_drives(const struct passthru *p)
{
	return p->active && !bars_withheld(p);
}
