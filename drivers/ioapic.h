/* I/O APICs: the hv uses no legacy interrupts, so every pin is masked. */
#ifndef DRIVERS_IOAPIC_H
#define DRIVERS_IOAPIC_H

#include <stdint.h>

#include "drivers/bits.h"

/* Registers behind IOREGSEL/IOWIN (82093AA datasheet, 3.2). */
#define IOAPIC_ID		0x00
#define  IOAPIC_ID_MASK		GENMASK(27, 24)
#define IOAPIC_VER		0x01
#define  IOAPIC_VER_VERSION	GENMASK(7, 0)
#define  IOAPIC_VER_MAXREDIR	GENMASK(23, 16)	/* pins - 1 */

/* Register reg (IOREGSEL index) of the I/O APIC at pa. */
uint32_t ioapic_read(uint64_t pa, uint32_t reg);
/* Mask every redirection entry of the I/O APIC at pa; returns the number
 * of pins (from the version register). */
unsigned ioapic_mask_all(uint64_t pa);

#endif
