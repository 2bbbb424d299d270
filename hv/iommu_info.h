/* IOMMU units for `info`: each DMAR unit with its decoded capabilities. */
#ifndef HV_IOMMU_INFO_H
#define HV_IOMMU_INFO_H

/* Print one line per remapping unit (or why there is none). */
void iommu_info_print(void);

#endif
