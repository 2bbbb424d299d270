/* I/O APICs: the hv uses no legacy interrupts, so every pin is masked. */
#ifndef DRIVERS_IOAPIC_H
#define DRIVERS_IOAPIC_H

#include <stdint.h>

/* Mask every redirection entry of the I/O APIC at pa; returns the number
 * of pins (from the version register). */
unsigned ioapic_mask_all(uint64_t pa);

#endif
