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
/* The timer counts at the bus clock divided by 1 (DCR) wherever this
 * driver programs it; its rate is measured over this many TSC ticks. */
#define LAPIC_TIMER_RATE_WINDOW	(1ULL << 24)
/* Timer ticks in LAPIC_TIMER_RATE_WINDOW TSC ticks, measured by spinning
 * on the first call (the timer must be free then) and kept; 0 when the
 * timer is dead or too fast to measure. */
uint32_t lapic_timer_rate(void);
/* Whether the CPU has TSC-deadline mode (CPUID.1:ECX[24]). */
bool lapic_has_tsc_deadline(void);
/* Whether the LVT timer is masked (nobody uses the timer). */
bool lapic_timer_masked(void);
/* One-shot mode on vector, not counting until lapic_timer_start. */
void lapic_timer_oneshot(uint8_t vector);
/* (Re)start the one-shot count at count timer ticks; 0 stops it. */
void lapic_timer_start(uint32_t count);
/* TSC-deadline mode on vector (needs lapic_has_tsc_deadline), disarmed
 * until lapic_timer_deadline. */
void lapic_timer_deadline_mode(uint8_t vector);
/* Interrupt when the TSC reaches tsc (0: disarm), in TSC-deadline mode. */
void lapic_timer_deadline(uint64_t tsc);
/* Mask the timer and stop any count or deadline. */
void lapic_timer_stop(void);

#endif
