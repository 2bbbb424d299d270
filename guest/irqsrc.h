/* The guest's interrupt source for its tests and benchmarks: the assigned
 * device through its driver in drivers/irq_source.c (its MSI-X entries
 * programmed with compatibility-format messages to guest vectors, or with
 * msix=map the remappable-format ones HC_MSI_MAP hands out) or the
 * local APIC timer, as the hv says (hc_guest_info.source); per-vector
 * delivery counters, and the waits an emulated throttle needs. */
#ifndef GUEST_IRQSRC_H
#define GUEST_IRQSRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/irq_source.h"

#define IRQSRC_NVEC		IRQ_SOURCE_MAX_VECTORS
#define IRQSRC_VEC_BASE		0x50	/* entry i: vector 0x50 + i */
#define IRQSRC_VEC_ALT		0x58	/* entry i retargeted: 0x58 + i */
#define IRQSRC_VEC_END		0x60	/* counted handlers on [BASE, END) */

struct irqsrc {
	struct irq_source src;		/* src.nvec vectors in use */
	struct pci_dev dev;		/* the assigned device (vendor 0: none) */
	uint8_t vector[IRQSRC_NVEC];	/* each entry's message vector now */
	bool masked[IRQSRC_NVEC];	/* each entry's mask bit as written */
	uint32_t fired[IRQSRC_NVEC];	/* raises of each entry (ICS writes) */
	uint64_t last_fire[IRQSRC_NVEC];
	uint64_t spacing;		/* ticks between raises of one entry */
	uint64_t ms;			/* ticks per millisecond */
};

/* Deliveries per vector and the TSC read first thing in the latest one. */
extern volatile uint32_t irqsrc_count[256];
extern volatile uint64_t irqsrc_stamp[256];

/* Bring up the source (the device at 00:00.0 through its driver, or the
 * timer), enable the APIC, point vector i at IRQSRC_VEC_BASE + i and
 * unmask it, counted handlers with EOI on [BASE, END). 0; -ENODEV when
 * the device is absent (s->dev.vendor 0) or has no driver (s->dev names
 * it); else the failing step's errno (printed, nothing left installed).
 * IF stays 0. */
int irqsrc_open(struct irqsrc *s);
/* irqsrc_open's -ENODEV as a reason for a SKIP. */
void irqsrc_why(const struct irqsrc *s, char *buf, size_t len);
/* Whether the source is a device with MSI-X entries (not the timer). */
bool irqsrc_is_msix(const struct irqsrc *s);
/* Quiesce: all causes off, pending messages drained with IF=1, entries
 * masked, handlers removed. */
void irqsrc_close(struct irqsrc *s);
/* Zero every counter (after irqsrc_settle, so nothing is in flight). */
void irqsrc_reset_counts(struct irqsrc *s);
/* Deliveries counted for entry i on either of its vectors. */
uint32_t irqsrc_delivered(const struct irqsrc *s, unsigned i);
/* Deliveries on [BASE, END) that belong to no entry's vector pair. */
uint32_t irqsrc_stray(void);
/* Mask or unmask entry i (read-modify-write of vector control, flushed). */
int irqsrc_mask(struct irqsrc *s, unsigned i, bool masked);
/* Whether the guest runs msix=map (its MSI-X table is the device's own). */
bool irqsrc_map_mode(void);
/* The message entry i of the assigned device must hold to deliver vector
 * to this vCPU: compatibility format, or with msix=map the pair HC_MSI_MAP
 * returns (one hypercall, which also retargets the entry). 0 or the
 * hypercall's error. */
int irqsrc_msg(unsigned i, uint8_t vector, uint64_t *addr, uint32_t *data);
/* Mask, rewrite the data for vector, restore the mask bit as it was. */
int irqsrc_retarget(struct irqsrc *s, unsigned i, uint8_t vector);
/* Wait (IF=1) until entry i may be raised again without QEMU holding it. */
void irqsrc_space(struct irqsrc *s, unsigned i);
/* Arm then raise entry i now (no spacing wait), counting it in fired[]. */
int irqsrc_fire(struct irqsrc *s, unsigned i);
/* irqsrc_space then irqsrc_fire. */
int irqsrc_trigger(struct irqsrc *s, unsigned i);
/* Halt (STI; HLT) until *ctr >= want, or ticks pass between wake-ups;
 * whether it got there. IF as on entry afterwards. */
bool irqsrc_wait(volatile uint32_t *ctr, uint32_t want, uint64_t ticks);
/* Spin with IF=1 (no HLT) until *ctr >= want or ticks pass: the guest
 * stays running, so an interrupt takes the exit-and-inject path the
 * benchmarks measure, not the hv's halt path. Whether it got there. */
bool irqsrc_spin_until(volatile uint32_t *ctr, uint32_t want, uint64_t ticks);
/* The same until entry i has want deliveries. */
bool irqsrc_wait_entry(const struct irqsrc *s, unsigned i, uint32_t want, uint64_t ticks);
/* Spin with IF=1 for ticks: whatever is in flight lands meanwhile. */
void irqsrc_settle(uint64_t ticks);
/* Restart the PHY's auto-negotiation; when it completes, the link change
 * (ICR.LSC) raises the Other cause, a message the device times itself.
 * 0, -EIO when the MDIC access did not complete, -EOPNOTSUPP when the
 * source cannot (IRQ_SOURCE_SELF_TIMED clear). */
int irqsrc_link_restart(struct irqsrc *s);

#endif
