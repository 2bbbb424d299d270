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
#include "drivers/lapic.h"

#define CF8_ENABLE		BIT(31)
#define CF8_BUS			GENMASK(23, 16)
#define CF8_DEVFN		GENMASK(15, 8)
#define CF8_REG			GENMASK(7, 2)
#define CFG_HEADER_END		0x40
#define PCI_ROM_ADDRESS		0x30
#define PCI_INTERRUPT_PIN	GENMASK(15, 8)
#define GUEST_CMD_ALLOWED	(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)
#define PAGE			4096ULL
#define MSI_DATA_VECTOR		GENMASK(7, 0)

/* ---- configuration space ---- */

static uint32_t phys_read(struct passthru *p, uint16_t off)
{
	return pci_cfg_read32(&hv_pci_cfg, p->dev, off);
}

static uint32_t bar_read(struct passthru *p, unsigned i)
{
	struct passthru_bar *b = &p->bar[i];
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
 * guest may size them, never move them. */
static void bar_write(struct passthru *p, unsigned i, uint32_t v)
{
	struct passthru_bar *b = &p->bar[i];

	if (!b->size)
		return;
	if ((v | b->flags) == 0xffffffff || v == 0xffffffff) {
		b->sizing = true;
		return;
	}
	b->sizing = false;
	if (v != bar_read(p, i)) {
		p->bad_accesses++;
		printf("hv: guest tried to move BAR%u to 0x%x: refused, it stays at 0x%lx\n",
		       i, v, b->upper ? p->bar[i - 1].base : b->base);
	}
}

static uint32_t cfg_read(struct passthru *p, uint16_t off)
{
	uint8_t cap = p->dev->msix_cap;

	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_NUM_BARS)
		return bar_read(p, (off - PCI_BAR0) / 4);
	switch (off) {
	case PCI_ROM_ADDRESS:
		return 0;
	case PCI_CAP_PTR:
		return cap;
	case PCI_INTERRUPT_LINE:
		return phys_read(p, off) & ~PCI_INTERRUPT_PIN;	/* no INTx */
	}
	if (off < CFG_HEADER_END)
		return phys_read(p, off);
	/* Only the MSI-X capability is shown, and it ends the list. */
	if (off == cap)
		return PCI_CAP_ID_MSIX |
		       (uint32_t)(vmsix_ctrl_read(&p->vm) |
				  (msix_ctrl_read(&p->phys) & PCI_MSIX_CTRL_SIZE)) << 16;
	if (off == cap + PCI_MSIX_TABLE || off == cap + PCI_MSIX_PBA)
		return phys_read(p, off);
	return 0;
}

static void cfg_write(struct passthru *p, uint16_t off, uint32_t v)
{
	uint8_t cap = p->dev->msix_cap;

	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_NUM_BARS) {
		bar_write(p, (off - PCI_BAR0) / 4, v);
	} else if (off == PCI_COMMAND) {
		/* Memory decode and bus mastering are the guest's; INTx stays
		 * off and I/O decode is never granted. */
		pci_command_update(&hv_pci_cfg, p->dev, PCI_COMMAND_IO | GUEST_CMD_ALLOWED,
				   (uint16_t)((v & GUEST_CMD_ALLOWED) | PCI_COMMAND_INTX_DISABLE));
	} else if (off == cap) {
		if (vmsix_ctrl_write(&p->vm, (uint16_t)(v >> 16)))
			p->bad_accesses++;
	}
}

/* Sub-dword writes merge into the dword the guest sees. */
static void cfg_access(struct passthru *p, uint32_t addr, unsigned byte, uint8_t size,
		       bool in, uint32_t *val)
{
	uint16_t off = (uint16_t)(FIELD_GET(CF8_REG, addr) << 2);
	bool ours = (addr & CF8_ENABLE) && !FIELD_GET(CF8_BUS, addr) &&
		    !FIELD_GET(CF8_DEVFN, addr);
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
	cfg_write(p, off, (cur & ~(mask << (byte * 8))) | ((*val & mask) << (byte * 8)));
}

bool passthru_cfg_io(struct passthru *p, uint16_t port, bool in, uint8_t size,
		     uint32_t *val)
{
	if (!p->active)
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
	cfg_access(p, p->cf8, port - GUEST_PCI_DATA_PORT, size, in, val);
	return true;
}

/* ---- MSI-X: the vmsix ops ---- */

static void on_device_irq(uint8_t vector, void *ctx)
{
	struct passthru *p = ctx;

	vmsix_fire(&p->vm, (unsigned)(vector - p->host_first));
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

/* In inject mode the IRTE of entry i always targets its own host vector;
 * the guest's vector and destination live in the virtual entry. */
static int ops_route(void *ctx, unsigned i, uint64_t addr, uint32_t data)
{
	struct passthru *p = ctx;

	if ((addr & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE ||
	    FIELD_GET(MSI_ADDR_DEST, addr) != 0 || FIELD_GET(MSI_DATA_VECTOR, data) < 16) {
		printf("hv: guest MSI-X entry %u: address 0x%lx data 0x%x is not a fixed "
		       "interrupt to APIC 0: not routed\n", i, addr, data);
		return -EINVAL;
	}
	p->guest_vec[i] = (uint8_t)FIELD_GET(MSI_DATA_VECTOR, data);
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

	vlapic_accept(&hv.guest.vlapic, p->guest_vec[i], false);
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

bool passthru_irqs_live(const struct passthru *p)
{
	return p->active && p->vm.enabled;
}

static bool page_trapped(const struct passthru *p, uint64_t page);

bool passthru_covers(const struct passthru *p, uint64_t gpa)
{
	return p->active && page_trapped(p, ALIGN_DOWN(gpa, PAGE));
}

/* A register that shares a trapped page with the table or PBA
 * (virtio-net keeps both and more in one page): forwarded as is. */
static void mmio_forward(uint64_t pa, uint8_t size, bool write, uint64_t *val)
{
	uintptr_t a = (uintptr_t)pa;

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

bool passthru_mmio(struct passthru *p, uint64_t gpa, uint8_t size, bool write,
		   uint64_t *val)
{
	int err = 0;

	if (!passthru_covers(p, gpa))
		return false;
	if (gpa >= p->table_gpa && gpa < p->table_gpa + p->table_len)
		err = write ? vmsix_table_write(&p->vm, (uint32_t)(gpa - p->table_gpa), size, *val) :
			      vmsix_table_read(&p->vm, (uint32_t)(gpa - p->table_gpa), size, val);
	else if (gpa >= p->pba_gpa && gpa < p->pba_gpa + p->pba_len)
		err = write ? -EROFS :	/* the PBA is read-only: dropped */
			      vmsix_pba_read(&p->vm, (uint32_t)(gpa - p->pba_gpa), size, val);
	else
		mmio_forward(gpa, size, write, val);
	if (err)
		p->bad_accesses++;
	return true;
}

/* ---- assignment ---- */

static int bars_decode(struct passthru *p)
{
	unsigned i;

	for (i = 0; i < PCI_NUM_BARS; i++) {
		struct passthru_bar *b = &p->bar[i];
		uint32_t raw = phys_read(p, (uint16_t)(PCI_BAR0 + 4 * i));
		int err;

		if (raw & PCI_BAR_IO)
			continue;	/* I/O BARs are not given to the guest */
		err = pci_bar_decode(&hv_pci_cfg, p->dev, i, &b->base, &b->size, &b->mmio64);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		b->mem = true;
		b->flags = raw & ~PCI_BAR_MEM_ADDR;
		/* The hv reaches the table and PBA itself: BARs may lie beyond
		 * the part of physical memory mapped at start. */
		err = mmu_map_mmio(b->base, b->size);
		if (err)
			return err;
		if (b->mmio64 && i + 1 < PCI_NUM_BARS) {
			p->bar[i + 1] = (struct passthru_bar){ .size = b->size, .upper = true };
			i++;
		}
	}
	return 0;
}

static bool page_trapped(const struct passthru *p, uint64_t page)
{
	return (page + PAGE > p->table_gpa && page < p->table_gpa + p->table_len) ||
	       (page + PAGE > p->pba_gpa && page < p->pba_gpa + p->pba_len);
}

/* BARs appear at their host addresses, uncached, except the MSI-X pages. */
static int bars_map(struct passthru *p, struct guest *g)
{
	unsigned i;
	int err;

	for (i = 0; i < PCI_NUM_BARS; i++) {
		const struct passthru_bar *b = &p->bar[i];
		uint64_t pa;

		if (!b->mem || b->upper)
			continue;
		for (pa = b->base; pa < b->base + ALIGN_UP(b->size, PAGE); pa += PAGE) {
			if (page_trapped(p, pa))
				continue;
			err = pt_map(&g->npt, pa, pa, PAGE, PT_RW | PT_US | PT_CACHE_UC, false);
			if (err)
				return err;
		}
		err = guest_add_mmio(g, b->base, ALIGN_UP(b->size, PAGE));
		if (err)
			return err;
	}
	return 0;
}

int passthru_assign(struct passthru *p, struct guest *g, const struct pci_dev *dev)
{
	unsigned idx = (unsigned)(dev - hv.pci), nvec;
	int err;

	memset(p, 0, sizeof(*p));
	p->dev = dev;
	p->unit = iommu_unit_for(dev);
	if (!dev->msix_cap || !p->unit || !p->unit->ir_on) {
		printf("assign: %02x:%02x.%u refused: %s\n", dev->bus, dev->dev, dev->fn,
		       !dev->msix_cap ? "no MSI-X capability" : "no VT-d unit with interrupt "
		       "remapping covers it");
		return -ENODEV;
	}
	err = vtd_sid_for_device(hv.pci, hv.npci, idx, &p->sid) ?:
	      msix_init(&p->phys, &hv_pci_cfg, dev) ?: bars_decode(p);
	if (err)
		return err;
	nvec = p->phys.nvec;
	p->entries = calloc(nvec, sizeof(*p->entries));
	p->guest_vec = calloc(nvec, 1);
	if (!p->entries || !p->guest_vec)
		return -ENOMEM;
	p->table_gpa = p->phys.table_pa;
	p->table_len = (uint64_t)nvec * PCI_MSIX_ENTRY_SIZE;
	p->pba_gpa = p->phys.pba_pa;
	p->pba_len = ALIGN_UP(nvec, 64) / 8;
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
	       dev->vendor, dev->device, nvec, p->table_gpa, p->pba_gpa);
	return 0;
}
