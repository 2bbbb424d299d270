/* The device the guest will own. */
#ifndef HV_ASSIGN_H
#define HV_ASSIGN_H

#include "drivers/pci.h"

/* The device dev= names, or for dev=auto the first MSI-X capable
 * endpoint the hv can assign; NULL with the reason printed. A device is
 * refused when it is a bridge, has no MSI-X, no working VT-d unit covers
 * it, it shares its requester ID with another function, or it has a memory
 * BAR smaller than a page. */
const struct pci_dev *assign_pick(void);

#endif
