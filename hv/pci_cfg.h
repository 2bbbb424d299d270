/* PCI configuration space of the machine, through the ECAM windows of the
 * ACPI MCFG table. */
#ifndef HV_PCI_CFG_H
#define HV_PCI_CFG_H

#include "drivers/pci.h"

extern const struct pci_cfg_ops hv_pci_cfg;

/* Enumerate every segment's buses into hv.pci. */
void pci_cfg_scan(void);

#endif
