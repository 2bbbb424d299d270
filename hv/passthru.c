/* The assigned device in trap/inject mode (see passthru.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hv/passthru.h"
#include "hv/guest.h"
#include "hv/hv.h"
#include "hv/iommu.h"
#include "hv/irq.h"
#include "hv/mmu.h"
#include "hv/pci_cfg.h"
#include "hv/ratelimit.h"
#include "drivers/lapic.h"
#include "drivers/nvme.h"

static struct ratelimit rl_bar_move = RATELIMIT_INIT("BAR move");
static struct ratelimit rl_mmio = RATELIMIT_INIT("refused MSI-X page access");
static struct ratelimit rl_msi = RATELIMIT_INIT("refused MSI message");

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

/* ---- MSI-X: the vmsix ops ---- */

static void on_device_irq(uint8_t vector, void *ctx)
{
	struct passthru *p = ctx;

	p->guest->mode.delivery->host_irq(p, (unsigned)(vector - p->host_first));
}

static int route_entry(struct passthru *p, unsigned i)
{
	struct vtd_irte_params ip = {
		.vector = (uint8_t)(p->host_first + i), .dest_apic_id = lapic_id(),
		.x2apic = lapic_x2apic(), .sid = p->sid.sid, .sq = p->sid.sq, .svt = p->sid.svt,
	};
	uint32_t lo, hi, data;
	union vtd_irte e;

	vtd_msi_remappable((uint16_t)(p->irte_first + i), false, 0, &lo, &hi, &data);
	return vtd_irte_encode(&e, &ip) ?:
	       vtd_irt_update(&p->unit->irt, PASSTHRU_IRT_OWNER, p->irte_first + i, &e) ?:
	       msix_entry_write(&p->phys, i, (uint64_t)hi << 32 | lo, data);
}

/* Seeds 003/004: every vector is allocated when MSI-X is enabled, so an
 * unmask later can neither fail nor lose an interrupt. */
static int ops_alloc_all(void *ctx, unsigned nvec)
{
	struct passthru *p = ctx;
	unsigned i;
	int err;

	err = irq_vector_alloc(nvec, &p->host_first);
	if (err)
		return err;
	err = vtd_irt_alloc(&p->unit->irt, PASSTHRU_IRT_OWNER, nvec, &p->irte_first);
	if (err) {
		irq_vector_free(p->host_first, nvec);
		return err;
	}
	for (i = 0; i < nvec && !err; i++)
		err = irq_set_hook((uint8_t)(p->host_first + i), on_device_irq, p) ?:
		      route_entry(p, i);
	if (err) {
		vtd_irt_free(&p->unit->irt, PASSTHRU_IRT_OWNER, p->irte_first, nvec);
		irq_vector_free(p->host_first, nvec);
	}
	return err;
}

static void ops_free_all(void *ctx, unsigned nvec)
{
	struct passthru *p = ctx;

	vtd_irt_free(&p->unit->irt, PASSTHRU_IRT_OWNER, p->irte_first, nvec);
	irq_vector_free(p->host_first, nvec);
}

/* The guest's message, decoded, goes to the delivery mode, which sets up
 * the entry's IRTE (or keeps it on the host vector and remembers the
 * guest's). */
static int ops_route(void *ctx, unsigned i, uint64_t addr, uint32_t data)
{
	struct passthru *p = ctx;
	struct ptemu_msi msg;
	const char *why;

	if (ptemu_msi_decode(addr, data, &msg, &why) ||
	    p->guest->mode.delivery->setup_entry(p, i, &msg, &why)) {
		if (ratelimit_allow(&rl_msi))
			printf("hv: guest MSI-X entry %u: address 0x%lx data 0x%x refused: %s; "
			       "it delivers nothing\n", i, addr, data, why);
		return -EINVAL;
	}
	return 0;
}

static void ops_mask(void *ctx, unsigned i, bool masked)
{
	struct passthru *p = ctx;

	msix_entry_mask(&p->phys, i, masked);
}

static bool ops_phys_pending(void *ctx, unsigned i)
{
	struct passthru *p = ctx;

	return msix_pending(&p->phys, i) == 1;
}

static void ops_deliver(void *ctx, unsigned i)
{
	struct passthru *p = ctx;

	if (p->guest_nmi[i])
		vlapic_nmi(&p->guest->vlapic);
	else
		vlapic_accept(&p->guest->vlapic, p->guest_vec[i], false);
}

static const struct vmsix_ops vmsix_hv_ops = {
	.alloc_all = ops_alloc_all, .free_all = ops_free_all, .route = ops_route,
	.mask = ops_mask, .phys_pending = ops_phys_pending, .deliver = ops_deliver,
};

void passthru_release(struct passthru *p)
{
	unsigned i;

	if (!p->active)
		return;
	vmsix_ctrl_write(&p->vm, 0);
	for (i = 0; i < p->vm.nvec; i++)
		p->entries[i].pending = false;
}

void passthru_describe_waiting(const struct passthru *p)
{
	unsigned i, shown = 0;

	if (!p->active)
		return;
	printf("  device: MSI-X %s%s;", p->vm.enabled ? "enabled" : "disabled",
	       p->vm.fmask ? ", function masked" : "");
	for (i = 0; i < p->vm.nvec && shown < 8; i++) {
		const struct vmsix_entry *e = &p->entries[i];
		int phys = msix_pending(&p->phys, i);

		if (e->masked && !e->pending && phys != 1)
			continue;
		shown++;
		printf(" entry %u%s%s%s%s host 0x%02x (%lu taken)", i,
		       e->masked ? " masked" : "", e->pending ? " pending" : "",
		       e->live ? " live" : "", phys == 1 ? " phys-pending" : "",
		       p->host_first + i, irq_count((uint8_t)(p->host_first + i)));
	}
	printf("%s\n", shown ? "" : " no entry unmasked or pending");
}

bool passthru_irqs_live(const struct passthru *p)
{
	return p->active && p->vm.enabled;
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

/* ---- assignment ---- */

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

static void emu_init(struct passthru *p, unsigned nvec)
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
	emu_init(p, nvec);
	err = vmsix_init(&p->vm, nvec, p->entries, &vmsix_hv_ops, p) ?: bars_map(p, g);
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
