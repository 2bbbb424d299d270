/*
 * NVM Express controller (class 01:08:02, any vendor) as an interrupt
 * source. Being written for issue 9: this header holds the state the
 * source table embeds.
 */
#ifndef DRIVERS_NVME_H
#define DRIVERS_NVME_H

#include <stdint.h>

#include "drivers/msix.h"

struct nvme {
	struct msix msix;
	volatile uint8_t *regs;		/* BAR0, identity-mapped */
};

#endif
