/* PCI configuration space of the machine, through the ECAM windows of the
 * ACPI MCFG table, or configuration mechanism #1 (ports 0xcf8/0xcfc) when
 * there is none. */
#ifndef HV_PCI_CFG_H
#define HV_PCI_CFG_H

#include "drivers/pci.h"

extern const struct pci_cfg_ops hv_pci_cfg;

/* Enumerate every segment's buses into hv.pci. */
void pci_cfg_scan(void);
/* Accesses mechanism #1 refused (extended space, segment other than 0). */
unsigned pci_cfg_cf8_refused(void);

#endif
