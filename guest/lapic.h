/* The guest's local APIC: the hv's emulated xAPIC at GUEST_APIC_BASE
 * (SDM vol 3, chapter 11; every access exits and is emulated). */
#ifndef GUEST_LAPIC_H
#define GUEST_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/bits.h"

#define GUEST_APIC_ID		0x020
#define  GUEST_APIC_ID_SHIFT	24		/* xAPIC ID in [31:24] */
#define GUEST_APIC_TPR		0x080
#define GUEST_APIC_EOI		0x0b0		/* write 0 */
#define GUEST_APIC_SVR		0x0f0
#define  GUEST_APIC_SVR_VECTOR	GENMASK(7, 0)
#define  GUEST_APIC_SVR_ENABLE	BIT(8)		/* software enable */
/* The guest's own APIC ID, the destination of every MSI it programs. */
#define GUEST_APIC_DEST		0
#define GUEST_SPURIOUS_VECTOR	0xff

/* Software-enable the APIC with GUEST_SPURIOUS_VECTOR (SDM 11.9) and TPR 0,
 * handler on the spurious vector; harmless to repeat. */
void guest_lapic_init(void);
/* End of a device interrupt's handler (SDM 11.8.5); under eoi=pv, the
 * register write only when the hv has not set the flag. */
void guest_lapic_eoi(void);
/* Under eoi=pv (hc_guest_info.eoi), register the EOI flag with HC_PV_EOI:
 * 0 when EOIs go through it, the hv's error when refused (EOIs then write
 * the register), 1 when the guest does not run eoi=pv. */
long guest_lapic_pv_eoi_init(void);
/* The flag's address, for the console line. */
uint64_t guest_lapic_pv_eoi_flag(void);
void guest_lapic_set_tpr(uint8_t tpr);
uint32_t guest_lapic_read(uint32_t reg);
/* Spurious-vector interrupts seen so far (they take no EOI, SDM 11.9). */
uint32_t guest_lapic_spurious(void);
/* LVT timer in TSC-deadline mode on vector, masked or not (SDM 11.5.4.1);
 * then IA32_TSC_DEADLINE (guest_lapic_deadline) arms it. */
void guest_lapic_timer_deadline_mode(uint8_t vector, bool masked);
/* Write IA32_TSC_DEADLINE: interrupt once the TSC reaches tsc (0: disarm). */
void guest_lapic_deadline(uint64_t tsc);

#endif
