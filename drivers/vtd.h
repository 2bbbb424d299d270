/* One VT-d remapping unit (DRHD): bring-up of queued invalidation,
 * interrupt remapping, fault reporting and DMA remapping, in the order
 * and with the handshakes of VT-d chapter 10/11. Memory comes from the
 * caller; every wait is bounded by env.timeout_tsc. */
#ifndef DRIVERS_VTD_H
#define DRIVERS_VTD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/vtd_irte.h"
#include "drivers/vtd_qi.h"
#include "drivers/vtd_takeover.h"

struct vtd_env {
	int (*alloc_pages)(unsigned n, uint64_t *pa);	/* zeroed, 4K aligned */
	uint64_t timeout_tsc;				/* bound of every wait */
	void (*report)(const char *msg);		/* one line per problem */
	vtd_ram_fn in_ram;				/* the firmware memory map */
	void *ram_ctx;
};

struct vtd_fault_counts {
	uint64_t dma, ir, other;	/* fault records by kind */
	uint64_t overflow;		/* FSTS.PFO seen */
	uint64_t logged;		/* records printed (rate-limited) */
	uint64_t events;		/* fault event interrupts taken (counted
					   by the interrupt handler) */
};

struct vtd_unit {
	unsigned index;
	uint64_t reg_base;
	uint32_t ver;
	uint64_t cap, ecap;
	const struct vtd_env *env;
	struct vtd_qi qi;
	struct vtd_irt irt;
	uint64_t irt_pa;
	bool qi_on, ir_on, dma_on;
	struct vtd_takeover fw;		/* what the firmware left on */
	char why[320];			/* why the unit was refused, or "" */
	bool fw_bug;			/* refused as a firmware bug: not a unit */
	struct vtd_fault_counts faults;
	uint8_t last_fault_reason;
	uint16_t last_fault_sid;
};

/* Check the unit is one (not a firmware bug: zero base, registers in RAM,
 * CAP/ECAP all-ones or zero; then nothing is written), read VER/CAP/ECAP,
 * take it over from the firmware (vtd_takeover) and print one line saying
 * what was found and done. -ENODEV for a firmware bug or a unit lacking QI
 * or IR, -ETIMEDOUT when it does not answer; u->why says which. */
int vtd_unit_probe(struct vtd_unit *u, unsigned index, uint64_t reg_base,
		   uint64_t reg_size, const struct vtd_env *env);
/* Invalidation queue: 4 KiB ring, status page, QIE. */
int vtd_qi_enable(struct vtd_unit *u);
/* Interrupt remapping table of irt_size entries: SIRTP, global IEC
 * invalidation, IRE, and compatibility-format interrupts blocked (CFI
 * clear). eim when the platform runs x2APIC. */
int vtd_ir_enable(struct vtd_unit *u, unsigned irt_size, bool eim);
/* Fault events: compatibility-format MSI to vector on apic_id (fault
 * events are never remapped, VT-d 7.3). */
void vtd_faults_enable(struct vtd_unit *u, uint8_t vector, uint32_t apic_id);
/* Drain and decode every pending fault record; log (rate-limited), count,
 * clear. Called from the fault interrupt and by tests. */
void vtd_faults_handle(struct vtd_unit *u);
/* Number of fault-recording registers (CAP.NFR + 1). */
unsigned vtd_fault_records(const struct vtd_unit *u);
/* Point the unit at a root table and turn DMA remapping on: SRTP, global
 * context-cache and IOTLB invalidation, TE; then the firmware's protected
 * memory regions off. */
int vtd_dma_enable(struct vtd_unit *u, uint64_t rtaddr);
/* Invalidate the context cache and the IOTLB (after changing tables). */
int vtd_dma_flush(struct vtd_unit *u);
/* Index-selective IEC invalidation and wait (the IRT's flush). */
int vtd_iec_flush(struct vtd_unit *u, uint16_t index, uint8_t mask);
/* The global status register (GSTS) of the unit whose registers are at
 * reg_base, brought up or not: what the hardware says is on now. */
uint32_t vtd_status_read(uint64_t reg_base);
/* Describe the QI, IR (with what happens to compatibility-format
 * interrupts, VT-d 5.1.2.1) and DMA-remapping state that gsts shows. */
void vtd_status_describe(uint32_t gsts, char *buf, size_t len);

#endif
