/* The hv's ownership of every VT-d unit: bring-up at start, the unit and
 * IRTE for each device, and the DMA domain of the assigned device. */
#ifndef HV_IOMMU_H
#define HV_IOMMU_H

#include <stdint.h>
#include "drivers/dmar.h"
#include "drivers/pci.h"
#include "drivers/vtd.h"
#include "drivers/vtd_dma.h"
#include "drivers/vtd_sid.h"

#define IOMMU_FAULT_VECTOR	0xfe	/* fault events of every unit */

struct iommu {
	struct dmar_info *dmar;		/* NULL without a usable DMAR */
	struct vtd_unit units[DMAR_MAX_UNITS];
	unsigned nunits;		/* units brought up */
	struct vtd_ctx_tables ctx[DMAR_MAX_UNITS];	/* per unit */
	struct vtd_domain guest_domain;	/* guest RAM, for the assigned device */
	struct vtd_domain rmrr_domain;	/* identity maps of RMRR regions */
	bool guest_domain_ready;
};

extern struct iommu iommu;

/* Parse the DMAR and bring up QI, IR and fault reporting on every unit.
 * Problems are printed; the hv runs on without the failing unit. */
void iommu_init(void);
/* The unit that covers a PCI device, or NULL. */
struct vtd_unit *iommu_unit_for(const struct pci_dev *d);
/* Build the DMA domain for guest RAM (gpa 0 -> hpa base, size bytes),
 * attach dev to it, give RMRR devices their identity maps and turn DMA
 * remapping on in every unit. Other devices get no translation at all. */
int iommu_dma_setup(const struct pci_dev *dev, uint64_t guest_hpa, uint64_t size);
/* Total faults counted over all units. */
uint64_t iommu_fault_total(void);

#endif
