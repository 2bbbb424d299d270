/* I/O APICs: the hv uses no legacy interrupts, so every pin is masked. */
#ifndef DRIVERS_IOAPIC_H
#define DRIVERS_IOAPIC_H

#include <stdint.h>

/* Register reg (IOREGSEL index) of the I/O APIC at pa. */
uint32_t ioapic_read(uint64_t pa, uint32_t reg);
/* Mask every redirection entry of the I/O APIC at pa; returns the number
 * of pins (from the version register). */
unsigned ioapic_mask_all(uint64_t pa);

#endif
