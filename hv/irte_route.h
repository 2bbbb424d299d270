/* Routing an MSI-X entry through one IRTE to this CPU, shared by the
 * assigned device (hv/passthru*.c) and the hv's native tests and
 * benchmarks (hv/native_dev.c). */
#ifndef HV_IRTE_ROUTE_H
#define HV_IRTE_ROUTE_H

#include <stdint.h>
#include "drivers/msix.h"
#include "drivers/vtd.h"
#include "drivers/vtd_sid.h"

/* IRTE index of u's table (owned by owner): a fixed, edge, physical
 * destination interrupt on vector of this CPU's local APIC, accepted only
 * from sid. 0 or the encode/update error. */
int irte_route_local(struct vtd_unit *u, unsigned owner, unsigned index, uint8_t vector,
		     const struct vtd_sid *sid);
/* Write the remappable-format message for IRTE handle into entry k of m
 * (its mask bit untouched). */
int irte_route_entry(struct msix *m, unsigned k, uint16_t handle);

#endif
