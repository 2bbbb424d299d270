/* An interrupt source driven by the hv itself, with no guest: the assigned
 * device (its MSI-X vectors remapped through IRTEs to host vectors) or the
 * local APIC timer (not remapped). The base of the VT-d self-tests and the
 * native benchmarks (the floor every virtualized mode is compared with). */
#ifndef HV_NATIVE_DEV_H
#define HV_NATIVE_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/irq_source.h"
#include "drivers/vtd.h"
#include "drivers/vtd_sid.h"

#define NATIVE_IRT_OWNER	1	/* IRT owner id of the hv's own use */
#define NATIVE_VECTORS		IRQ_SOURCE_MAX_VECTORS	/* host vectors and IRTEs reserved */

/* Which source native_dev_get takes. */
enum native_want {
	NATIVE_DEVICE,		/* the assigned device (VT-d tests) */
	NATIVE_CHOSEN,		/* what source= chose (benchmarks) */
};

struct native_dev {
	bool ready;
	struct irq_source src;		/* src.ops names the source */
	unsigned nvec;			/* vectors in use: src.nvec */
	struct vtd_unit *unit;		/* NULL for the timer (not remapped) */
	struct vtd_sid sid;
	uint8_t host_vec;		/* first of NATIVE_VECTORS host vectors */
	unsigned irte;			/* first of NATIVE_VECTORS IRTEs */
	char why[160];			/* why not ready */
};

/* The source source= means for the assigned device d (NULL: none): its
 * driver, or the timer. NULL with why filled when the choice cannot be
 * honoured (source=device and no driver takes d). */
const struct irq_source_ops *native_source_pick(const struct pci_dev *d, char *why, size_t len);
/* What the guest's interrupt tests raise: native_source_pick's choice,
 * except a device the guest may not drive itself (an NVMe without
 * guestnvme=yes), for which the timer stands in. */
const struct irq_source_ops *guest_source_pick(void);
/* One line for people: the source source= chose and why ("nvme (NVMe
 * controller at 00:03.0, remapped through VT-d)"), or why none can be. */
void native_source_describe(char *buf, size_t len);
/* Bring up the source: for the device, taken from the guest, every MSI-X
 * entry k remappable through IRTE irte + k to host_vec + k on this CPU,
 * unmasked (vectors and IRTEs are allocated on the first call); for the
 * timer, its vector at host_vec. NULL with why filled when it cannot be
 * done. */
struct native_dev *native_dev_get(enum native_want want, char *why, size_t len);
/* Why the last native_dev_get failed: -ENODEV when the machine lacks what
 * it needs (no device, no driver, no remapping unit: a SKIP), another
 * negative errno when bringing it up went wrong (a FAIL). */
int native_dev_error(void);
/* End of the hv's own use, on every path (the device goes back to the
 * guest): the source stopped, every MSI-X entry masked, and each of the
 * NATIVE_VECTORS IRTEs cleared to not present with an index-selective IEC
 * invalidation and its bounded wait, so nothing the device sends with the
 * hv's handles (which it could also DMA itself) reaches the hv's vectors.
 * The IRTEs stay reserved for the next native_dev_get. 0, or the first
 * error (each also printed). */
int native_dev_put(struct native_dev *n);
/* Rewrite IRTE irte + k: vector, and source-id validation as given (the
 * device's own when sid is NULL). Flushes the IEC. Device sources only. */
int native_route(struct native_dev *n, unsigned k, uint8_t vector,
		 const struct vtd_sid *sid);
/* Point MSI-X entry k at IRTE handle (remappable format). */
int native_entry_handle(struct native_dev *n, unsigned k, uint16_t handle);
/* Bounded wait used by the tests: 10 ms of TSC. */
uint64_t native_timeout(void);

#endif
