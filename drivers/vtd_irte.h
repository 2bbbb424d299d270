/*
 * VT-d interrupt remapping as pure logic: IRTE encoding (VT-d 9.10),
 * remappable-format MSI address/data (VT-d 5.1.2.2) and the interrupt
 * remapping table allocator. No hardware access: the table is caller memory
 * and the IEC flush goes through caller ops (drivers/vtd_qi.h builds it).
 */
#ifndef DRIVERS_VTD_IRTE_H
#define DRIVERS_VTD_IRTE_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/bits.h"
#include "drivers/msix.h"

/* ---- Interrupt Remapping Table Entry, remapped format (VT-d 9.10) ---- */

/* Low quadword, bits 63:0. */
#define VTD_IRTE_P		BIT(0)		/* present */
#define VTD_IRTE_FPD		BIT(1)		/* fault processing disable */
#define VTD_IRTE_DM		BIT(2)		/* destination mode: 1 logical */
#define VTD_IRTE_RH		BIT(3)		/* redirection hint */
#define VTD_IRTE_TM		BIT(4)		/* trigger mode: 1 level */
#define VTD_IRTE_DLM		GENMASK(7, 5)	/* delivery mode: */
#define  VTD_IRTE_DLM_FIXED	0
#define  VTD_IRTE_DLM_LOWPRI	1
#define VTD_IRTE_AVAIL		GENMASK(11, 8)	/* ignored by hardware */
#define VTD_IRTE_IM		BIT(15)		/* 0 remapped, 1 posted format (VT-d
						 * 9.11, drivers/vtd_posted.h) */
#define VTD_IRTE_V		GENMASK(23, 16)	/* vector */
#define VTD_IRTE_DST		GENMASK(63, 32)	/* x2APIC: 32-bit APIC id */
#define VTD_IRTE_DST_XAPIC	GENMASK(47, 40)	/* xAPIC: 8-bit APIC id */
#define VTD_IRTE_LO_RSVD	(GENMASK(14, 12) | GENMASK(31, 24))
/* High quadword, bits 127:64 (positions below are within hi). */
#define VTD_IRTE_SID		GENMASK(15, 0)	/* 79:64 source id */
#define VTD_IRTE_SQ		GENMASK(17, 16)	/* 81:80 SID qualifier */
#define VTD_IRTE_SVT		GENMASK(19, 18)	/* 83:82 SID validation type: */
#define  VTD_SVT_NONE		0		/*  no check */
#define  VTD_SVT_SID		1		/*  SID, masked by SQ */
#define  VTD_SVT_BUS		2		/*  bus in SID[15:8]..SID[7:0] */
#define  VTD_SQ_ALL		0		/*  compare all 16 SID bits */
#define VTD_IRTE_HI_RSVD	GENMASK(63, 20)

union vtd_irte {
	struct {
		uint64_t p:1;		/* 0 */
		uint64_t fpd:1;		/* 1 */
		uint64_t dm:1;		/* 2 */
		uint64_t rh:1;		/* 3 */
		uint64_t tm:1;		/* 4 */
		uint64_t dlm:3;		/* 7:5 */
		uint64_t avail:4;	/* 11:8 */
		uint64_t rsvd0:3;	/* 14:12 */
		uint64_t im:1;		/* 15: must be 0 here */
		uint64_t vector:8;	/* 23:16 */
		uint64_t rsvd1:8;	/* 31:24 */
		uint64_t dst:32;	/* 63:32; xAPIC id in 47:40 */
		uint64_t sid:16;	/* 79:64 */
		uint64_t sq:2;		/* 81:80 */
		uint64_t svt:2;		/* 83:82 */
		uint64_t rsvd2:44;	/* 127:84 */
	};
	struct {
		uint64_t lo;		/* 63:0, holds P */
		uint64_t hi;		/* 127:64 */
	};
};
_Static_assert(sizeof(union vtd_irte) == 16, "IRTE is 128 bits");
_Static_assert(__builtin_offsetof(union vtd_irte, hi) == 8, "IRTE high quadword");

struct vtd_irte_params {
	uint8_t vector;			/* 16..255 */
	uint32_t dest_apic_id;		/* <= 0xff unless x2apic */
	bool x2apic;			/* IRTA.EIME set: 32-bit destinations */
	bool dest_logical;		/* DM */
	bool level;			/* TM */
	bool lowest_prio;		/* DLM lowest priority, sets RH too */
	uint16_t sid;			/* for SVT_BUS: start bus << 8 | end bus */
	uint8_t sq, svt;		/* VTD_SQ_*, VTD_SVT_* */
	bool fpd;			/* don't record faults for this entry */
};

/* Build a present remapped-format entry. -EINVAL for vector < 16, an xAPIC
 * destination > 0xff, svt 3, sq > 3 or an SVT_BUS range with start > end. */
int vtd_irte_encode(union vtd_irte *e, const struct vtd_irte_params *p);

/* ---- Remappable-format MSI address/data (VT-d 5.1.2.2); the
 * compatibility format's fields are in drivers/msix.h ---- */
#define  VTD_MSI_ADDR_HANDLE	GENMASK(19, 5)	/* remappable: handle[14:0] */
#define  VTD_MSI_ADDR_IF	BIT(4)		/* 1: remappable format */
#define  VTD_MSI_ADDR_SHV	BIT(3)		/* subhandle in data[15:0] */
#define  VTD_MSI_ADDR_HANDLE15	BIT(2)		/* handle[15] */
#define VTD_MSI_DATA_SUBHANDLE	GENMASK(15, 0)

/* Remappable-format MSI for IRT index handle (+ subhandle when shv). */
void vtd_msi_remappable(uint16_t handle, bool shv, uint16_t subhandle,
			uint32_t *addr_lo, uint32_t *addr_hi, uint32_t *data);

/* The IRT index the hardware uses for this MSI (handle, + subhandle when
 * SHV). -EINVAL if not an 0xFEE address, compatibility format, or the sum
 * passes 0xffff. */
int vtd_msi_decode_handle(uint32_t addr_lo, uint32_t data, uint16_t *handle);

/* Compatibility-format MSI: physical destination, fixed, edge. Only for
 * checking that remapping hardware with CFI clear blocks it. */
void msi_compat_encode(uint8_t dest_apic, uint8_t vector, uint32_t *addr_lo,
		       uint32_t *data);

/* ---- Interrupt remapping table ---- */

struct vtd_irt_ops {
	/* Submit an index-selective IEC invalidation for the 2^index_mask
	 * entries at index (aligned) plus a wait, and wait, bounded. */
	int (*flush_iec_index)(void *ctx, uint16_t index, uint8_t index_mask);
	/* Order the table writes before it against those after (NULL: a
	 * compiler barrier; x86 keeps stores in order). */
	void (*barrier)(void *ctx);
};

struct vtd_irt {
	union vtd_irte *table;
	unsigned size;			/* power of two, 2..65536 (VT-d 11.4.10.1
					 * IRTA.S: entries = 2^(S+1)) */
	uint16_t *owner;		/* per entry, 0 = free */
	const struct vtd_irt_ops *ops;
	void *ctx;
	unsigned flushes;		/* IEC flushes issued */
	uint8_t max_mask;		/* ECAP.MHMV: set after init; 0 limits
					 * blocks to one entry */
};

/* Zero table and owners (size entries each), set max_mask 0. -EINVAL for a
 * bad size, a table not 16-byte aligned or missing ops/flush. */
int vtd_irt_init(struct vtd_irt *t, void *table, uint16_t *owner, unsigned size,
		 const struct vtd_irt_ops *ops, void *ctx);

/* Reserve count contiguous entries for owner (non-zero), aligned to count
 * rounded up to a power of two so one IEC flush covers them. Entries stay
 * not present. -EINVAL for owner 0, count 0 or a block mask above max_mask;
 * -ENOSPC when no block is free. */
int vtd_irt_alloc(struct vtd_irt *t, uint16_t owner, unsigned count, unsigned *first);

/* Clear the entries (P first), release them, and issue one IEC flush that
 * covers them; returns its error. -EPERM if any is not owner's. */
int vtd_irt_free(struct vtd_irt *t, uint16_t owner, unsigned first, unsigned count);

/* Write e into owner's entry index so the hardware never fetches a torn
 * entry, then one index-selective IEC flush; returns its error. -EPERM if
 * not owner's, -EINVAL for a bad index, reserved bits or the posted format
 * (vtd_irt_update_posted in drivers/vtd_posted.h writes that). */
int vtd_irt_update(struct vtd_irt *t, uint16_t owner, unsigned index,
		   const union vtd_irte *e);

/* vtd_irt_update's ordered store and flush without its format check, for
 * another format's own checked update (vtd_irt_update_posted,
 * drivers/vtd_posted.h). A posted-format entry, old or new, whose high
 * half changes goes through not-present. -EPERM if not owner's, -EINVAL
 * for a bad index. */
int vtd_irt_store(struct vtd_irt *t, uint16_t owner, unsigned index,
		  const union vtd_irte *e);

/* Owner of entry index (0 = free), or -EINVAL out of range. */
int vtd_irt_owner(const struct vtd_irt *t, unsigned index);

/* IRTA register value (VT-d 11.4.10.1); 0 for a bad size or a table_pa
 * that is 0 or not 4 KiB aligned. */
uint64_t vtd_irta_value(uint64_t table_pa, unsigned size, bool eime);

#endif
