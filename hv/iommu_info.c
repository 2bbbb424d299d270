/* IOMMU units for `info` (see iommu_info.h). */
#include <stdio.h>
#include "hv/iommu_info.h"
#include "hv/hv.h"
#include "hv/iommu.h"
#include "drivers/vtd_regs.h"

static void unit_print(const struct vtd_unit *u)
{
	const struct vtd_fault_counts *f = &u->faults;
	char line[256];

	dmar_unit_describe(iommu.dmar, u->index, line, sizeof(line));
	printf("iommu: %s\n", line);
	vtd_caps_describe(u->ver, u->cap, u->ecap, line, sizeof(line));
	printf("iommu:   %s\n", line);
	printf("iommu:   QI %s, IR %s (%u entries, compatibility format blocked), DMA remapping %s; "
	       "faults: %lu DMA, %lu IR, %lu other, %lu overflows, %lu events\n",
	       u->qi_on ? "on" : "off", u->ir_on ? "on" : "off", u->irt.size,
	       u->dma_on ? "on" : "off", f->dma, f->ir, f->other, f->overflow, f->events);
}

void iommu_info_print(void)
{
	const struct dmar_info *di = iommu.dmar;
	unsigned i;

	if (!di) {
		printf("iommu: no usable DMAR table: no VT-d remapping units\n");
		return;
	}
	printf("iommu: DMAR at 0x%lx: %u unit(s), %u up, host address width %u, %s%s\n",
	       hv.acpi.dmar_pa, di->nunits, iommu.nunits, di->haw,
	       di->flags & DMAR_INTR_REMAP ? "interrupt remapping" : "no interrupt remapping",
	       di->flags & DMAR_X2APIC_OPT_OUT ? ", x2APIC opt-out" : "");
	for (i = 0; i < iommu.nunits; i++)
		unit_print(&iommu.units[i]);
	for (i = 0; i < di->nrmrr; i++)
		printf("iommu: RMRR 0x%lx-0x%lx segment %u\n", di->rmrr[i].base,
		       di->rmrr[i].limit, di->rmrr[i].segment);
	if (hv.assigned)
		printf("iommu: assigned device %02x:%02x.%u, guest domain %s\n",
		       hv.assigned->bus, hv.assigned->dev, hv.assigned->fn,
		       iommu.guest_domain_ready ? "active" : "not set up");
}
