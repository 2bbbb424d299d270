/* eoi=pv's bookkeeping (pure logic, host-tested): which vector the hv
 * handed to the guest's flag word and what the word says about it now.
 * The protocol is hypercall_abi.h's HC_PV_EOI_PENDING (KVM's PV EOI).
 *
 * Only the hv's own record (vector) decides anything: the guest owns the
 * word and may write anything into it at any time, so a set bit the hv did
 * not set, or a clear bit with nothing flagged, retires nothing. While a
 * vector is flagged it is the only one in service (a nested injection
 * withdraws the flag first), so the vLAPIC's EOI, which retires the highest
 * in-service vector, retires exactly the flagged one. */
#ifndef HV_DELIVERY_PV_EOI_STATE_H
#define HV_DELIVERY_PV_EOI_STATE_H

#include <stdint.h>
#include "hv/guest_ram.h"
#include "hv/vlapic.h"

struct pv_eoi_stats {
	uint64_t flagged;	/* vectors whose EOI was handed to the flag */
	uint64_t pv_eoi;	/* retired because the guest cleared the flag */
	uint64_t trapped;	/* flagged, yet the guest wrote the APIC EOI */
	uint64_t doubled;	/* the write after the guest cleared the flag:
				   two EOIs for one injection */
	uint64_t withdrawn;	/* flag taken back: nested vector, a vector
				   waiting in IRR, re-registration, off */
};

struct pv_eoi_state {
	uint64_t gpa;			/* the guest's flag word; 0 with flag NULL: off */
	volatile uint64_t *flag;	/* where the hv reaches it */
	int vector;			/* the vector the hv flagged, -1: none */
	struct pv_eoi_stats stats;
};

/* Off, nothing flagged: the guest (re)starts or leaves eoi=pv. The old
 * word is not touched (the guest's RAM is reloaded on a start). */
void pv_eoi_reset(struct pv_eoi_state *s);

/* Whether the 8-byte word at guest-physical gpa may be the flag: 0, or
 * -HC_EINVAL (not 8-byte aligned, which also keeps it inside one page;
 * inside the hv's DMA window GUEST_HV_DMA_GPA, where the device writes) or
 * -HC_EFAULT (not guest RAM), with the reason in *why. */
int pv_eoi_check_gpa(const struct guest_ram *ram, uint64_t gpa, const char **why);

/* Use the word at gpa (host address flag) from now on; flag NULL: off. A
 * vector flagged in the old word is settled first (retired if the guest
 * cleared it, else withdrawn: its EOI then traps). The new word's PENDING
 * bit is cleared. */
void pv_eoi_register(struct pv_eoi_state *s, struct vlapic *v, uint64_t gpa,
		     volatile uint64_t *flag);

/* The vCPU was handed vector (acked into ISR). Called after pv_eoi_sync
 * (the hv's entry path runs the EOI mode before delivery), so a flag still
 * set here belongs to a vector the guest has not retired: it is withdrawn.
 * vector is flagged if it is edge, the only one in service and nothing
 * waits in IRR (an EOI that exits lets the hv inject what waits at once). */
void pv_eoi_injected(struct pv_eoi_state *s, struct vlapic *v, uint8_t vector);

/* Before VM entry (and before the hv decides a halted guest cannot be
 * woken): retire the flagged vector if the guest cleared the flag; else, if
 * a vector now waits in IRR, withdraw the flag so the EOI exits. */
void pv_eoi_sync(struct pv_eoi_state *s, struct vlapic *v);

/* The guest wrote the APIC EOI register (a trapped write): one EOI. If a
 * vector is flagged and its flag still set, the flag is cleared and that
 * vector retired, once; if the guest cleared the flag already, that was an
 * EOI of its own: the vector is retired and the write counts as one more. */
void pv_eoi_apic_eoi(struct pv_eoi_state *s, struct vlapic *v);

#endif
