/*
 * VT-d posted interrupts as pure logic: the posted-format IRTE (VT-d 9.11)
 * and the posted-interrupt descriptor it points at (VT-d 9.12; the CPU side
 * of the same descriptor is SDM vol 3, 29.6). No hardware access: the
 * table update goes through drivers/vtd_irte.h (vtd_irt_update_posted).
 * Nothing here has run against hardware with CAP.PI: no machine this
 * project is tested on has it (README, delivery=posted).
 */
#ifndef DRIVERS_VTD_POSTED_H
#define DRIVERS_VTD_POSTED_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/bits.h"
#include "drivers/vtd_irte.h"

/* ---- IRTE, posted format (VT-d 9.11); P, FPD, IM, vector, SID, SQ and
 * SVT sit where the remapped format has them (vtd_irte.h) ---- */

/* Low quadword, bits 63:0. */
#define VTD_PIRTE_URG		BIT(14)		/* urgent: notify despite SN */
#define VTD_PIRTE_PDA_LO	GENMASK(63, 38)	/* descriptor address bits 31:6 */
#define VTD_PIRTE_LO_RSVD	(GENMASK(7, 2) | GENMASK(13, 12) | GENMASK(37, 24))
/* High quadword, bits 127:64 (positions below are within hi). */
#define VTD_PIRTE_PDA_HI	GENMASK(63, 32)	/* 127:96: descriptor address 63:32 */
#define VTD_PIRTE_HI_RSVD	GENMASK(31, 20)	/* 95:84 */

/* The descriptor's address: 64-byte aligned (VT-d 9.12) and, like every
 * physical address, below 2^52 (SDM vol 3, 4.1.4: MAXPHYADDR <= 52). */
#define VTD_PID_ALIGN		64
#define VTD_PID_ADDR_LIMIT	BIT(52)

struct vtd_irte_posted_params {
	uint8_t vector;			/* the guest's vector, 16..255 */
	uint64_t pid_pa;		/* descriptor: aligned, below the limit */
	bool urgent;			/* URG */
	bool fpd;			/* don't record faults for this entry */
	uint16_t sid;			/* as vtd_irte_params */
	uint8_t sq, svt;
};

/* Build a present posted-format entry. -EINVAL for vector < 16, a
 * descriptor address that is 0, not 64-byte aligned or not below 2^52,
 * svt 3, sq > 3 or an SVT_BUS range with start > end. */
int vtd_irte_encode_posted(union vtd_irte *e, const struct vtd_irte_posted_params *p);

/* Whether e is a present posted-format entry with no reserved bit set
 * and a valid SVT: what vtd_irt_update_posted accepts. */
bool vtd_irte_posted_valid(const union vtd_irte *e);

/* Write the present posted-format entry e into owner's entry index (the
 * order and flush of vtd_irt_store). -EINVAL unless vtd_irte_posted_valid,
 * -EPERM if not owner's. */
int vtd_irt_update_posted(struct vtd_irt *t, uint16_t owner, unsigned index,
			  const union vtd_irte *e);

/* The descriptor address a posted-format entry holds. */
uint64_t vtd_irte_posted_pid(const union vtd_irte *e);

/* ---- Posted-interrupt descriptor (VT-d 9.12), 512 bits ---- */

/* Bits 319:256 as one quadword (ctl); positions below are within ctl. */
#define VTD_PID_ON		BIT(0)		/* 256: outstanding notification */
#define VTD_PID_SN		BIT(1)		/* 257: suppress notification */
#define VTD_PID_NV		GENMASK(23, 16)	/* 279:272: notification vector */
#define VTD_PID_NDST		GENMASK(63, 32)	/* 319:288: x2APIC: 32-bit id */
#define VTD_PID_NDST_XAPIC	GENMASK(47, 40)	/* xAPIC: 8-bit id in NDST[15:8] */
#define VTD_PID_CTL_RSVD	(GENMASK(15, 2) | GENMASK(31, 24))

struct vtd_pid {
	uint64_t pir[4];		/* 255:0: one request bit per vector */
	uint64_t ctl;			/* 319:256 */
	uint64_t rsvd[3];		/* 511:320 */
} __attribute__((aligned(VTD_PID_ALIGN)));
_Static_assert(sizeof(struct vtd_pid) == 64, "descriptor is 512 bits");
_Static_assert(__builtin_offsetof(struct vtd_pid, ctl) == 32, "ON is bit 256");

/* Clear d (no request, ON and SN clear) and set its notification vector
 * and destination (the 8-bit xAPIC id in NDST[15:8], or the 32-bit x2APIC
 * id). -EINVAL for d misaligned, nv < 16 or an xAPIC id above 0xff. */
int vtd_pid_init(struct vtd_pid *d, uint8_t nv, uint32_t apic_id, bool x2apic);

/* Whether the hardware has posted a request whose notification the CPU
 * has not processed (ON), read once. */
bool vtd_pid_on(const struct vtd_pid *d);

/* Take every posted request into pir (bit v of the 256: vector v) and
 * clear them in d: ON first, then each PIR quadword in one atomic
 * exchange, so a request the unit posts meanwhile (it ORs bits in and
 * sets ON, VT-d 5.2.3) is either taken now or left with ON set for the
 * next take. Whether any bit was taken. */
bool vtd_pid_take(struct vtd_pid *d, uint64_t pir[4]);

#endif
