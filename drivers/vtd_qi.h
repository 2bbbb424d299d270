/*
 * VT-d queued invalidation as pure logic: 128-bit descriptor encoders (VT-d
 * 6.5.2) and a ring that submits descriptors plus a wait descriptor and
 * polls for completion. Register access goes through caller ops.
 */
#ifndef DRIVERS_VTD_QI_H
#define DRIVERS_VTD_QI_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/bits.h"

/* ---- Descriptors, legacy 128-bit width (IQA.DW = 0) ---- */
#define VTD_QI_TYPE		GENMASK(3, 0)	/* lo: descriptor type */
#define  VTD_QI_TYPE_CC		1		/* context cache, VT-d 6.5.2.1 */
#define  VTD_QI_TYPE_IOTLB	2		/* IOTLB, VT-d 6.5.2.3 */
#define  VTD_QI_TYPE_IEC	4		/* interrupt entry cache, 6.5.2.7 */
#define  VTD_QI_TYPE_WAIT	5		/* invalidation wait, 6.5.2.8 */
#define VTD_QI_CC_G		GENMASK(5, 4)	/* 1 global, 2 domain, 3 device */
#define VTD_QI_CC_DID		GENMASK(31, 16)
#define VTD_QI_IOTLB_G		GENMASK(5, 4)	/* 1 global, 2 domain, 3 page */
#define VTD_QI_IOTLB_DW		BIT(6)		/* drain writes */
#define VTD_QI_IOTLB_DR		BIT(7)		/* drain reads */
#define VTD_QI_IOTLB_DID	GENMASK(31, 16)
#define  VTD_QI_G_GLOBAL	1
#define  VTD_QI_G_DOMAIN	2
#define VTD_QI_IEC_G		BIT(4)		/* 1: index-selective */
#define VTD_QI_IEC_IM		GENMASK(31, 27)	/* 2^IM aligned indexes */
#define VTD_QI_IEC_IIDX		GENMASK(47, 32)
#define VTD_QI_WAIT_IF		BIT(4)		/* interrupt on completion */
#define VTD_QI_WAIT_SW		BIT(5)		/* write status data */
#define VTD_QI_WAIT_FN		BIT(6)		/* fence */
#define VTD_QI_WAIT_DATA	GENMASK(63, 32)
#define VTD_QI_WAIT_ADDR	GENMASK(63, 2)	/* hi: status address */

struct vtd_qi_desc {
	uint64_t lo, hi;
};
_Static_assert(sizeof(struct vtd_qi_desc) == 16, "128-bit descriptor");

/* Whole interrupt entry cache. */
struct vtd_qi_desc vtd_qi_iec_global(void);
/* The 2^im entries at index (index aligned to 2^im; im <= ECAP.MHMV). */
struct vtd_qi_desc vtd_qi_iec_index(uint16_t index, uint8_t im);
/* Write status_data to status_pa (4-byte aligned) once all earlier
 * descriptors completed; fence also holds back later ones. */
struct vtd_qi_desc vtd_qi_wait(uint64_t status_pa, uint32_t status_data, bool fence);
struct vtd_qi_desc vtd_qi_context_global(void);
struct vtd_qi_desc vtd_qi_iotlb_global(bool drain_reads, bool drain_writes);
struct vtd_qi_desc vtd_qi_iotlb_domain(uint16_t did, bool drain_reads, bool drain_writes);

/* ---- The queue ---- */

struct vtd_qi_ops {
	void (*write_tail)(void *ctx, uint64_t iqt);	/* IQT register */
	uint64_t (*read_head)(void *ctx);		/* IQH register */
	uint32_t (*read_fault_status)(void *ctx);	/* FSTS register */
	void (*relax)(void *ctx);			/* pause between polls */
	void (*report)(void *ctx, const char *msg);	/* optional */
};

struct vtd_qi {
	struct vtd_qi_desc *ring;
	unsigned entries;		/* 256 << QS, VT-d 11.4.9.3 IQA */
	unsigned tail;
	volatile uint32_t *status;	/* the wait descriptors' status word */
	uint64_t status_pa;
	const struct vtd_qi_ops *ops;
	void *ctx;
	uint32_t seq;			/* last status value asked for */
	unsigned head;			/* head index seen at the last error */
	uint32_t fsts;			/* FSTS seen at the last -EIO */
};

/* Set up an empty queue (tail 0, matching IQT after IQA is written).
 * -EINVAL for entries not 256 << (0..7), status_pa not 4-byte aligned, or
 * missing ops. */
int vtd_qi_init(struct vtd_qi *q, struct vtd_qi_desc *ring, unsigned entries,
		volatile uint32_t *status, uint64_t status_pa,
		const struct vtd_qi_ops *ops, void *ctx);

/* IQA register value for a ring at ring_pa (4 KiB aligned); 0 if bad. */
uint64_t vtd_iqa_value(uint64_t ring_pa, unsigned entries);

/* Queue d[0..n) plus a wait descriptor and poll the status word at most
 * spin_limit times (waiting for ring space is bounded the same way).
 * 0 when done; -ETIMEDOUT (q->head holds the hardware head, reported);
 * -EIO when FSTS shows IQE, ICE or ITE (q->fsts, q->head): the queue has
 * stopped; the caller clears those FSTS bits (RW1C) and it resumes, an IQE's
 * bad descriptor having been replaced by a no-op wait;
 * -EINVAL when n + 1 descriptors cannot fit in the ring. */
int vtd_qi_submit_sync(struct vtd_qi *q, const struct vtd_qi_desc *d, unsigned n,
		       unsigned spin_limit);

#endif
