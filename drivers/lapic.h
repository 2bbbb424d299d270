/* Local APIC of the CPU the hv runs on (xAPIC MMIO or x2APIC MSRs, as the
 * firmware left it or as apic= asks). */
#ifndef DRIVERS_LAPIC_H
#define DRIVERS_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/lapic_mode.h"

/* Find the mode firmware left and the base, switch to x2APIC if want asks
 * and the CPU has it, enable the APIC with a spurious vector, TPR 0, mask
 * the timer, LINT0/1 and error LVTs. Returns lapic_mode_choose()'s error
 * (printed on the console; the APIC still runs in the firmware's mode). */
int lapic_init(uint8_t spurious_vector, enum lapic_want want);
/* The mode choice lapic_init made. */
const struct lapic_mode *lapic_mode(void);
/* 8-bit xAPIC id, or the 32-bit x2APIC id in x2APIC mode. */
uint32_t lapic_id(void);
bool lapic_x2apic(void);
uint64_t lapic_base(void);
void lapic_eoi(void);
/* Send a fixed interrupt on vector to this CPU itself. */
void lapic_self_ipi(uint8_t vector);
/* Send an NMI to this CPU. */
void lapic_self_nmi(void);
/* Timer ticks (at the divider lapic_timer_periodic uses) that pass in
 * tsc_window TSC ticks, measured by spinning; 0 when the timer is dead. */
uint32_t lapic_timer_measure(uint64_t tsc_window);
/* Interrupt on vector every count timer ticks until lapic_timer_stop. */
void lapic_timer_periodic(uint8_t vector, uint32_t count);
void lapic_timer_stop(void);

#endif
