/* Choosing the device to assign (see assign.h). */
#include <stdio.h>
#include "hv/assign.h"
#include "hv/hv.h"
#include "hv/iommu.h"


const struct pci_dev *assign_pick(void)
{
	unsigned i;

	for (i = 0; i < hv.npci; i++) {
		const struct pci_dev *d = &hv.pci[i];

		if ((d->header_type & PCI_HEADER_TYPE_MASK) != 0 || !d->msix_cap)
			continue;
		if (!iommu_unit_for(d)) {
			printf("assign: %02x:%02x.%u has MSI-X but no working VT-d unit covers it\n",
			       d->bus, d->dev, d->fn);
			continue;
		}
		return d;
	}
	printf("assign: no MSI-X capable device behind a VT-d unit\n");
	return NULL;
}
