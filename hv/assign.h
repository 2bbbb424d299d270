/* The device the guest will own. */
#ifndef HV_ASSIGN_H
#define HV_ASSIGN_H

#include "drivers/pci.h"

/* The first MSI-X capable endpoint behind a working VT-d unit, or NULL
 * with the reason printed. */
const struct pci_dev *assign_pick(void);

#endif
