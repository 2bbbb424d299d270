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
#include "hv/guest_ram.h"

#define IOMMU_FAULT_VECTOR	0xfe	/* fault events of every unit */
#define IOMMU_WHY_LEN		320

struct iommu {
	struct dmar_info *dmar;		/* NULL without a usable DMAR */
	char why_none[IOMMU_WHY_LEN];	/* why dmar is NULL */
	struct vtd_unit *units;		/* as many as the DMAR has ... */
	unsigned nunits;		/* ... of which these are up */
	struct vtd_ctx_tables *ctx;	/* per unit up */
	struct iommu_down {		/* per DMAR unit, when not up: */
		bool fw_bug;		/* not a unit at all: never touched */
		char why[IOMMU_WHY_LEN];
	} *down;
	struct vtd_domain guest_domain;	/* guest RAM, for the assigned device */
	struct vtd_domain rmrr_domain;	/* identity maps of RMRR regions */
	bool guest_domain_ready;
	uint64_t guest_hpa;		/* the host block of guest RAM ... */
	struct guest_ram guest_ram;	/* ... and its guest-physical layout */
};

extern struct iommu iommu;

/* Parse the DMAR and bring up QI, IR and fault reporting on every unit.
 * Problems are printed; the hv runs on without the failing unit. */
void iommu_init(void);
/* The unit that covers a PCI device, or NULL. */
struct vtd_unit *iommu_unit_for(const struct pci_dev *d);
/* Build the DMA domain for guest RAM (each range of ram -> its part of the
 * host block at guest_hpa), attach dev to it, give RMRR devices their
 * identity maps and turn DMA remapping on in every unit. Other devices get
 * no translation at all. A device an RMRR names is refused (-EBUSY): the
 * firmware's region would be the hostile guest's to DMA into. 0, or a
 * negative errno with the reason printed; then dev must not be assigned. */
int iommu_dma_setup(const struct pci_dev *dev, uint64_t guest_hpa,
		    const struct guest_ram *ram);
/* Total faults counted over all units. */
uint64_t iommu_fault_total(void);
/* Units up with interrupt remapping on. */
unsigned iommu_ir_units(void);
/* Why no VT-d unit can remap interrupts here (no DMAR table, the table
 * refused, every unit refused and why): false when one can. */
bool iommu_why_no_ir(char *buf, size_t len);

#endif
