/* delivery=direct's EOI to the physical local APIC, and eoi=hw's share of
 * it: with only the xAPIC, the physical APIC page mapped into the guest
 * (apic=passthrough). See direct.c. */
#ifndef HV_DELIVERY_DIRECT_EOI_H
#define HV_DELIVERY_DIRECT_EOI_H

#include <stdint.h>

struct guest;

/* A register of this CPU's local APIC (xAPIC offset; the x2APIC MSR in
 * x2APIC mode). */
uint32_t direct_lapic_read(uint32_t reg);

/* eoi=hw with delivery=direct on g: 0, or -ENODEV with the reason. */
int direct_eoi_hw_usable(const struct guest *g, char *why, unsigned len);
/* Save the hv's APIC registers the guest may change and map the physical
 * xAPIC page at the guest's APIC address. */
int direct_eoi_hw_start(struct guest *g, char *why, unsigned len);
/* Unmap the page and restore the saved registers. */
void direct_eoi_hw_stop(struct guest *g);
/* Before each entry: keep the vLAPIC (which the guest no longer reaches)
 * able to hold the vectors the hv catches for it. */
void direct_eoi_hw_before_entry(struct guest *g);

#endif
