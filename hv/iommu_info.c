/* IOMMU units for `info` (see iommu_info.h). */
#include <stdio.h>
#include <stdlib.h>
#include "hv/iommu_info.h"
#include "hv/hv.h"
#include "drivers/dmar.h"
#include "drivers/vtd_regs.h"

static void report_line(void *ctx, const char *msg)
{
	(void)ctx;
	printf("iommu: %s\n", msg);
}

static void unit_print(const struct dmar_info *di, unsigned i)
{
	volatile uint8_t *regs = (volatile uint8_t *)(uintptr_t)di->units[i].reg_base;
	uint32_t ver = *(volatile uint32_t *)(regs + VTD_VER);
	uint64_t cap = *(volatile uint64_t *)(regs + VTD_CAP);
	uint64_t ecap = *(volatile uint64_t *)(regs + VTD_ECAP);
	char line[256];

	dmar_unit_describe(di, i, line, sizeof(line));
	printf("iommu: %s\n", line);
	vtd_caps_describe(ver, cap, ecap, line, sizeof(line));
	printf("iommu:   %s\n", line);
}

void iommu_info_print(void)
{
	struct dmar_info *di;
	unsigned i;

	if (!hv.acpi.dmar_pa) {
		printf("iommu: no DMAR table: no VT-d remapping units\n");
		return;
	}
	di = malloc(sizeof(*di));
	if (!di) {
		printf("iommu: no memory to parse the DMAR table\n");
		return;
	}
	if (dmar_parse((const void *)(uintptr_t)hv.acpi.dmar_pa, hv.acpi.dmar_len, di,
		       report_line, NULL)) {
		printf("iommu: DMAR table at 0x%lx refused\n", hv.acpi.dmar_pa);
	} else {
		printf("iommu: DMAR at 0x%lx: %u unit(s), host address width %u, %s%s\n",
		       hv.acpi.dmar_pa, di->nunits, di->haw,
		       di->flags & DMAR_INTR_REMAP ? "interrupt remapping" : "no interrupt remapping",
		       di->flags & DMAR_X2APIC_OPT_OUT ? ", x2APIC opt-out" : "");
		for (i = 0; i < di->nunits; i++)
			unit_print(di, i);
		for (i = 0; i < di->nrmrr; i++)
			printf("iommu: RMRR 0x%lx-0x%lx segment %u\n", di->rmrr[i].base,
			       di->rmrr[i].limit, di->rmrr[i].segment);
	}
	free(di);
}
