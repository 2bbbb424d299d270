/* IOMMU units for `info` (see iommu_info.h). */
#include <stdio.h>
#include "hv/iommu_info.h"
#include "hv/hv.h"

void iommu_info_print(void)
{
	if (!hv.acpi.dmar_pa) {
		printf("iommu: no DMAR table: no VT-d remapping units\n");
		return;
	}
	printf("iommu: DMAR at 0x%lx, %u bytes\n", hv.acpi.dmar_pa, hv.acpi.dmar_len);
}
