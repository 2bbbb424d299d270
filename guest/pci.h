/* The guest's PCI: configuration mechanism #1 on ports 0xCF8/0xCFC (PCI
 * Local Bus 3.0, 3.2.2.3.2) and the one function the hv assigns, 00:00.0. */
#ifndef GUEST_PCI_H
#define GUEST_PCI_H

#include "drivers/pci.h"

/* Config ops over CF8/CFC for the drivers (segment 0 and offsets below 256
 * only; anything else reads all ones, writes are dropped). Not safe against
 * an interrupt handler that also touches config space: none does. */
extern const struct pci_cfg_ops guest_pci_cfg;

/* Enumerate bus 0 and fill d with the assigned function 00:00.0 (ids,
 * class, header, capability offsets, MSI-X table/PBA location). 0, or
 * -ENODEV when there is none (the reason is printed). */
int guest_pci_find(struct pci_dev *d);

#endif
