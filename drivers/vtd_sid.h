/*
 * Requester-id aliasing and IRTE source-id validation from the enumerated
 * PCI topology (VT-d 9.10 SVT/SQ/SID; the PCIe-to-PCI/PCI-X Bridge spec 2.3
 * for what a bridge puts on the bus), as Linux's pci_for_each_dma_alias and
 * set_msi_sid do. Pure logic over the pci_enumerate() array.
 */
#ifndef DRIVERS_VTD_SID_H
#define DRIVERS_VTD_SID_H

#include <stdint.h>

#include "drivers/pci.h"

/* What to put in an IRTE's SVT, SQ and SID (VTD_SVT_*, VTD_SQ_* in
 * drivers/vtd_irte.h). */
struct vtd_sid {
	uint8_t svt, sq;
	uint16_t sid;
};

/* The requester id the IOMMU sees for DMA from devs[idx], for its context
 * entry: walking up, a PCIe-to-PCI(-X) bridge replaces it with (its
 * secondary bus, devfn 0), a conventional PCI bridge or a PCI-to-PCIe bridge
 * with its own id; root ports and switch ports leave it. The topmost
 * replacement wins. -EINVAL for a bad index or a broken parent chain (a
 * parent that is no bridge, a loop, a device not on its parent's secondary
 * bus). */
int vtd_alias_rid(const struct pci_dev *devs, unsigned n, unsigned idx, uint16_t *rid);

/* Source-id validation for devs[idx]'s interrupts, SQ always all 16 bits:
 * - no alias (PCIe, or conventional on a root bus): SVT 1, its own id;
 * - alias from a PCIe-to-PCI(-X) bridge: SVT 2, buses from the bridge's
 *   secondary to the device's own bus (PCI-X keeps requester ids, PCI gets
 *   the bridge's, intermediate PCI-X bridges use their secondary buses);
 * - alias from a conventional or PCI-to-PCIe bridge: SVT 1, that bridge's id.
 * -EINVAL as vtd_alias_rid. */
int vtd_sid_for_device(const struct pci_dev *devs, unsigned n, unsigned idx,
		       struct vtd_sid *out);

/* 1 if devs[a] and devs[b] (a != b) reach the IOMMU with the same requester
 * id, so the IOMMU cannot tell them apart; 0 if not; -EINVAL. */
int vtd_alias_shared(const struct pci_dev *devs, unsigned n, unsigned a, unsigned b);

/* Index of the first other device (bridges included) sharing devs[idx]'s
 * requester id, -ENOENT if none, -EINVAL for a bad idx. Devices whose own
 * chain is broken are skipped. */
int vtd_alias_find_sharer(const struct pci_dev *devs, unsigned n, unsigned idx);

#endif
