/* Local APIC of the CPU the hv runs on (xAPIC MMIO or x2APIC MSRs, as the
 * firmware left it). */
#ifndef DRIVERS_LAPIC_H
#define DRIVERS_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Find the mode and base, enable the APIC with a spurious vector, mask the
 * timer, LINT0/1 and error LVTs. */
void lapic_init(uint8_t spurious_vector);
uint32_t lapic_id(void);
bool lapic_x2apic(void);
uint64_t lapic_base(void);
void lapic_eoi(void);

#endif
