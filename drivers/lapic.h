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
/* Send a fixed interrupt on vector to this CPU itself. */
void lapic_self_ipi(uint8_t vector);
/* Timer ticks (at the divider lapic_timer_periodic uses) that pass in
 * tsc_window TSC ticks, measured by spinning; 0 when the timer is dead. */
uint32_t lapic_timer_measure(uint64_t tsc_window);
/* Interrupt on vector every count timer ticks until lapic_timer_stop. */
void lapic_timer_periodic(uint8_t vector, uint32_t count);
void lapic_timer_stop(void);

#endif
