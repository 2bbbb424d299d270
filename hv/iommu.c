/* The hv owns every VT-d unit (see iommu.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "hv/iommu.h"
#include "hv/bootinfo.h"
#include "hv/hv.h"
#include "hv/mem.h"
#include "hv/pci_cfg.h"
#include "hv/trap.h"
#include "drivers/lapic.h"
#include "drivers/vtd_regs.h"

#define WAIT_BOUND_US		100000	/* 100 ms for any register handshake */
#define GUEST_DOMAIN_ID		1
#define RMRR_DOMAIN_ID		2
#define PCI_BRIDGE_BUSES	0x18	/* primary, secondary, subordinate */

struct iommu iommu;

static int alloc_pages(unsigned n, uint64_t *pa)
{
	return mem_alloc_pages(n, pa);
}

static void report(const char *msg)
{
	printf("%s\n", msg);
}

/* UEFI 2.10 7.2 EFI_MEMORY_TYPE values that are RAM though the boot stage
 * calls them reserved: runtime code/data, ACPI reclaim and NVS,
 * persistent memory. EfiReservedMemoryType (0) is left out: firmware
 * also gives it to chipset ranges. */
static bool mem_is_ram(const struct bootinfo_mem *m)
{
	static const uint32_t ram_types[] = { 5, 6, 9, 10, 14 };
	unsigned i;

	if (m->type == BOOTINFO_MEM_RAM)
		return true;
	for (i = 0; m->type == BOOTINFO_MEM_RESERVED && i < ARRAY_SIZE(ram_types); i++)
		if (m->efi_type == ram_types[i])
			return true;
	return false;
}

static bool in_ram(void *ctx, uint64_t base, uint64_t size, uint64_t *ram_base,
		   uint64_t *ram_end)
{
	const struct bootinfo *bi = ctx;
	uint32_t i;

	for (i = 0; i < bi->nmem; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];

		if (mem_is_ram(m) && m->size && base <= m->base + m->size - 1 &&
		    m->base <= base + size - 1) {
			*ram_base = m->base;
			*ram_end = m->base + m->size - 1;
			return true;
		}
	}
	return false;
}

static struct vtd_env env = {
	.alloc_pages = alloc_pages,
	.report = report,
	.in_ram = in_ram,
};

static void report_ctx(void *ctx, const char *msg)
{
	(void)ctx;
	printf("iommu: %s\n", msg);
}

static void on_fault_event(uint8_t vector, void *ctx)
{
	unsigned i;

	(void)vector;
	(void)ctx;
	for (i = 0; i < iommu.nunits; i++) {
		iommu.units[i].faults.events++;
		vtd_faults_handle(&iommu.units[i]);
	}
	lapic_eoi();
}

static int unit_up(struct vtd_unit *u, unsigned index, const struct dmar_unit *d)
{
	int err = vtd_unit_probe(u, index, d->reg_base, VTD_PAGE_SIZE << d->size_pages_log2,
				 &env);
	const char *step = "probe";

	if (!err) {
		step = "enabling queued invalidation";
		err = vtd_qi_enable(u);
	}
	if (!err) {
		step = "enabling interrupt remapping";
		err = vtd_ir_enable(u, hv.opts.irt_entries, lapic_x2apic());
	}
	if (!err)
		vtd_faults_enable(u, IOMMU_FAULT_VECTOR, lapic_id());
	if (err && !u->why[0]) {
		snprintf(u->why, sizeof(u->why), "error %d while %s", err, step);
		printf("iommu: unit %u at 0x%lx not brought up: %s\n", index, d->reg_base, u->why);
	}
	return err;
}

static void why_none(const char *fmt, unsigned long pa)
{
	snprintf(iommu.why_none, sizeof(iommu.why_none), fmt, pa);
	printf("iommu: %s\n", iommu.why_none);
}

static void flags_print(const struct dmar_info *di)
{
	char flags[96];

	dmar_flags_describe(di->flags, flags, sizeof(flags));
	printf("iommu: DMAR flags 0x%02x: %s%s\n", di->flags, flags,
	       di->flags & DMAR_DMA_CTRL_PLATFORM_OPT_IN ?
	       " (pre-boot DMA protection: the firmware may hand over units with "
	       "translation or protected memory on)" : "");
}

void iommu_init(void)
{
	unsigned i, n;

	if (!hv.acpi.dmar_pa)
		return why_none("no DMAR table: no VT-d units to own", 0);
	env.timeout_tsc = hv.tsc.hz ? hv.tsc.hz / 1000000 * WAIT_BOUND_US : 1ULL << 32;
	env.ram_ctx = hv.bi;
	iommu.dmar = calloc(1, sizeof(*iommu.dmar));
	if (!iommu.dmar || dmar_parse((const void *)(uintptr_t)hv.acpi.dmar_pa,
				      hv.acpi.dmar_len, iommu.dmar, report_ctx, NULL)) {
		free(iommu.dmar);
		iommu.dmar = NULL;
		return why_none("DMAR table at 0x%lx refused (see above): VT-d stays off",
				hv.acpi.dmar_pa);
	}
	n = iommu.dmar->nunits;
	flags_print(iommu.dmar);
	iommu.units = calloc(n ? n : 1, sizeof(*iommu.units));
	iommu.ctx = calloc(n ? n : 1, sizeof(*iommu.ctx));
	iommu.down = calloc(n ? n : 1, sizeof(*iommu.down));
	if (!iommu.units || !iommu.ctx || !iommu.down) {
		free(iommu.units);
		free(iommu.ctx);
		free(iommu.down);
		iommu.units = NULL;
		iommu.ctx = NULL;
		iommu.down = NULL;
		dmar_free(iommu.dmar);
		free(iommu.dmar);
		iommu.dmar = NULL;
		return why_none("no memory for %lu VT-d units: VT-d stays off", n);
	}
	trap_set_irq_handler(IOMMU_FAULT_VECTOR, on_fault_event, NULL);
	for (i = 0; i < n; i++) {
		struct vtd_unit *u = &iommu.units[iommu.nunits];

		if (!unit_up(u, i, &iommu.dmar->units[i])) {
			iommu.nunits++;
			continue;
		}
		iommu.down[i].fw_bug = u->fw_bug;
		snprintf(iommu.down[i].why, sizeof(iommu.down[i].why), "%s", u->why);
	}
}

unsigned iommu_ir_units(void)
{
	unsigned i, n = 0;

	for (i = 0; i < iommu.nunits; i++)
		n += iommu.units[i].ir_on;
	return n;
}

bool iommu_why_no_ir(char *buf, size_t len)
{
	const struct dmar_info *di = iommu.dmar;

	if (iommu_ir_units())
		return false;
	if (!di)
		snprintf(buf, len, "%s", iommu.why_none);
	else if (!di->nunits)
		snprintf(buf, len, "the DMAR table lists no remapping unit");
	else if (di->nunits == 1)
		snprintf(buf, len, "the one VT-d unit (0x%lx) was refused: %s",
			 di->units[0].reg_base, iommu.down[0].why);
	else
		snprintf(buf, len, "none of the %u VT-d units came up; unit 0 (0x%lx): %s",
			 di->nunits, di->units[0].reg_base, iommu.down[0].why);
	return true;
}

static int bridge_buses(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			uint8_t fn, uint8_t *secondary, uint8_t *subordinate)
{
	uint32_t v = hv_pci_cfg.read32(NULL, seg, bus, dev, fn, PCI_BRIDGE_BUSES);

	(void)ctx;
	if (v == 0xffffffff)
		return -ENODEV;
	*secondary = (uint8_t)(v >> 8);
	*subordinate = (uint8_t)(v >> 16);
	return 0;
}

static const struct dmar_topo_ops topo = { .bridge_buses = bridge_buses };

struct vtd_unit *iommu_unit_for(const struct pci_dev *d)
{
	int idx;
	unsigned i;

	if (!iommu.dmar)
		return NULL;
	idx = dmar_unit_for_device(iommu.dmar, &topo, d->seg, d->bus, d->dev, d->fn);
	if (idx < 0)
		return NULL;
	for (i = 0; i < iommu.nunits; i++)
		if (iommu.units[i].index == (unsigned)idx)
			return &iommu.units[i];
	return NULL;
}

uint64_t iommu_fault_total(void)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < iommu.nunits; i++)
		n += iommu.units[i].faults.dma + iommu.units[i].faults.ir +
		     iommu.units[i].faults.other;
	return n;
}

static void *dma_phys(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static int dma_page(void *ctx, uint64_t *pa)
{
	(void)ctx;
	return mem_alloc_pages(1, pa);
}

static const struct vtd_mem_ops dma_mem = { .phys_to_virt = dma_phys, .alloc_page = dma_page };

/* Walk an RMRR scope path from its start bus through the bridges, as the
 * hardware numbers them now (VT-d 8.3.1). */
static int scope_bdf(const struct dmar_scope *s, uint8_t *bus, uint8_t *devfn)
{
	uint8_t b = s->start_bus, sec, sub;
	unsigned i;

	for (i = 0; i + 1 < s->path_len; i++) {
		if (bridge_buses(NULL, 0, b, s->path[i].dev, s->path[i].fn, &sec, &sub))
			return -ENODEV;
		b = sec;
	}
	*bus = b;
	*devfn = (uint8_t)(s->path[s->path_len - 1].dev << 3 | s->path[s->path_len - 1].fn);
	return s->path_len ? 0 : -EINVAL;
}

static struct vtd_unit *unit_for_bdf(uint16_t seg, uint8_t bus, uint8_t devfn)
{
	struct pci_dev d = { .seg = seg, .bus = bus, .dev = devfn >> 3, .fn = devfn & 7 };

	return iommu_unit_for(&d);
}

/* RMRR devices keep the memory the firmware said they use (VT-d 8.4). */
static int rmrr_attach_all(void)
{
	const struct dmar_info *di = iommu.dmar;
	unsigned r, s;
	int err = 0;

	for (r = 0; r < di->nrmrr && !err; r++) {
		const struct dmar_rmrr *rm = &di->rmrr[r];

		for (s = 0; s < rm->nscopes && !err; s++) {
			const struct dmar_scope *sc = &di->scopes[rm->first_scope + s];
			struct vtd_unit *u;
			uint8_t bus, devfn;

			if (sc->type != DMAR_SCOPE_ENDPOINT || scope_bdf(sc, &bus, &devfn))
				continue;
			u = unit_for_bdf(rm->segment, bus, devfn);
			if (!u)
				continue;
			if (!iommu.rmrr_domain.root_pa)
				err = vtd_domain_init(&iommu.rmrr_domain, &dma_mem, u->cap,
						      RMRR_DOMAIN_ID, 0);
			if (!err)
				err = vtd_domain_map_identity(&iommu.rmrr_domain, rm->base, rm->limit);
			if (!err)
				err = vtd_ctx_attach(&iommu.ctx[u - iommu.units], bus, devfn,
						     &iommu.rmrr_domain);
			if (err)
				printf("iommu: RMRR 0x%lx-0x%lx for %02x:%02x.%u: error %d\n",
				       rm->base, rm->limit, bus, devfn >> 3, devfn & 7, err);
		}
	}
	return err;
}

/* An RMRR names memory the firmware says the device uses (VT-d 8.4): given
 * to the guest, the device would keep reaching it, or lose it. Either the
 * device itself or its requester ID (what the unit sees) counts. */
static int rmrr_refuse(const struct pci_dev *dev, uint16_t rid)
{
	int r = dmar_rmrr_for_device(iommu.dmar, &topo, dev->seg, dev->bus, dev->dev, dev->fn);

	if (r < 0)
		r = dmar_rmrr_for_device(iommu.dmar, &topo, dev->seg, rid >> 8,
					 (rid >> 3) & 0x1f, rid & 7);
	if (r < 0)
		return 0;
	printf("iommu: %02x:%02x.%u: RMRR 0x%lx-0x%lx names it: the firmware's reserved "
	       "memory cannot be given to a guest\n", dev->bus, dev->dev, dev->fn,
	       iommu.dmar->rmrr[r].base, iommu.dmar->rmrr[r].limit);
	return -EBUSY;
}

static int guest_domain_build(struct vtd_unit *u, uint16_t rid, uint64_t guest_hpa,
			      const struct guest_ram *ram)
{
	unsigned i;
	int err = vtd_domain_init(&iommu.guest_domain, &dma_mem, u->cap, GUEST_DOMAIN_ID,
				  ram->end);

	for (i = 0; !err && i < ram->n; i++)
		err = vtd_domain_map(&iommu.guest_domain, ram->r[i].gpa,
				     guest_hpa + ram->r[i].offset, ram->r[i].size, true);
	return err ?: vtd_ctx_attach(&iommu.ctx[u - iommu.units], rid >> 8, rid & 0xff,
				     &iommu.guest_domain);
}

int iommu_dma_setup(const struct pci_dev *dev, uint64_t guest_hpa,
		    const struct guest_ram *ram)
{
	struct vtd_unit *u = iommu_unit_for(dev);
	const char *step = "its requester ID";
	char where[96];
	uint16_t rid;
	unsigned i;
	int err;

	if (!u) {
		printf("iommu: %02x:%02x.%u is not behind a working VT-d unit\n",
		       dev->bus, dev->dev, dev->fn);
		return -ENODEV;
	}
	err = vtd_alias_rid(hv.pci, hv.npci, (unsigned)(dev - hv.pci), &rid) ?:
	      rmrr_refuse(dev, rid);
	if (!err)
		step = "the root tables";
	for (i = 0; !err && i < iommu.nunits; i++)
		err = vtd_ctx_init(&iommu.ctx[i], &dma_mem);
	if (!err) {
		step = "the guest RAM domain (CAP.SAGAW, MGAW or table pages)";
		err = guest_domain_build(u, rid, guest_hpa, ram);
	}
	if (!err) {
		step = "the RMRR identity maps";
		err = rmrr_attach_all();
	}
	if (!err)
		step = "turning translation on";
	for (i = 0; !err && i < iommu.nunits; i++)
		err = vtd_dma_enable(&iommu.units[i], vtd_rtaddr_value(&iommu.ctx[i]));
	if (err) {
		printf("iommu: DMA remapping for %02x:%02x.%u failed at %s (error %d)\n",
		       dev->bus, dev->dev, dev->fn, step, err);
		return err;
	}
	iommu.guest_domain_ready = true;
	iommu.guest_hpa = guest_hpa;
	iommu.guest_ram = *ram;
	guest_ram_describe(ram, where, sizeof(where));
	printf("iommu: DMA remapping on: %02x:%02x.%u (requester %02x:%02x.%u) sees guest RAM "
	       "at %s; every other device is blocked\n", dev->bus, dev->dev, dev->fn,
	       rid >> 8, (rid >> 3) & 0x1f, rid & 7, where);
	return 0;
}
