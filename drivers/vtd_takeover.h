/*
 * Taking a VT-d unit over from the firmware, as pure logic over a register
 * access interface (the hv maps MMIO, the unit tests a simulated register
 * file): the checks that tell a firmware bug from a unit (nothing is
 * written to a unit that fails them), the GCMD/GSTS handshake, and the
 * quiesce sequence for what pre-boot DMA protection leaves on.
 */
#ifndef DRIVERS_VTD_TAKEOVER_H
#define DRIVERS_VTD_TAKEOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vtd_reg_ops {
	uint32_t (*read32)(void *ctx, unsigned reg);
	uint64_t (*read64)(void *ctx, unsigned reg);
	void (*write32)(void *ctx, unsigned reg, uint32_t v);
	uint64_t (*now)(void *ctx);	/* monotonic ticks */
	void (*relax)(void *ctx);	/* one turn of a wait loop */
	void *ctx;
	uint64_t timeout;		/* ticks one wait may take */
};

/* True when [base, base + size) overlaps memory the firmware map calls RAM;
 * then *ram_base..*ram_end (inclusive) is the RAM range it overlaps. */
typedef bool (*vtd_ram_fn)(void *ctx, uint64_t base, uint64_t size,
			   uint64_t *ram_base, uint64_t *ram_end);

/* Before any access: a register base of 0, or registers inside RAM, are a
 * firmware bug. 0, or -ENODEV with why filled. */
int vtd_check_location(uint64_t base, uint64_t size, vtd_ram_fn in_ram, void *ctx,
		       char *why, size_t len);

/* After reading CAP and ECAP: all-ones (nothing decodes the address) or
 * all-zero (no unit reports no capability at all) is a firmware bug. 0, or
 * -ENODEV with why filled. */
int vtd_check_caps(uint64_t cap, uint64_t ecap, char *why, size_t len);

/* VT-d 11.4.4.1: set (on) or clear one GCMD command bit, rebuilding the
 * write from GSTS minus the one-shot bits, then wait (bounded) for the
 * status bit to follow. 0, or -ETIMEDOUT; *gsts is the last GSTS read. */
int vtd_gcmd(const struct vtd_reg_ops *ops, uint32_t cmd, uint32_t status, bool on,
	     uint32_t *gsts);

/* What the firmware left, and what the takeover did about it. */
struct vtd_takeover {
	uint32_t gsts;			/* GSTS as found */
	uint32_t pmen;			/* PMEN as found (0: CAP has no PMR) */
	uint32_t fsts;			/* FSTS as found */
	uint64_t iqh, iqt;		/* as found, when QI was on */
	bool pmr_on;			/* PMEN.PRS set: left on (see below) */
};

/* Turn off what the firmware left on, in the order of VT-d 11.4.4.1 and
 * 6.5.2: translation, then interrupt remapping, then queued invalidation
 * once the queue has drained (IQH == IQT); then clear stale invalidation
 * errors in FSTS so the hv's queue starts clean. Protected memory regions
 * stay on until the hv's own DMA remapping is on (vtd_pmr_disable). 0, or
 * -ETIMEDOUT with why naming the bit that never followed: the unit must
 * then not be used. */
int vtd_takeover(const struct vtd_reg_ops *ops, uint64_t cap, struct vtd_takeover *t,
		 char *why, size_t len);

/* One line: what was found on and what was done, e.g. "firmware left
 * TE IR QI on (GSTS 0x..): translation off, ...". */
void vtd_takeover_describe(const struct vtd_takeover *t, char *buf, size_t len);

/* Turn the protected memory regions off (VT-d 11.4.8.1), which must
 * happen only once the hv's DMA remapping is on: 0 (also when the unit has
 * none or they are off), or -ETIMEDOUT with why filled. */
int vtd_pmr_disable(const struct vtd_reg_ops *ops, uint64_t cap, char *why, size_t len);

#endif
