/* Taking a VT-d unit over from the firmware (see vtd_takeover.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "drivers/vtd_takeover.h"
#include "drivers/vtd_regs.h"

#define ALL_ONES	UINT64_MAX

int vtd_check_location(uint64_t base, uint64_t size, vtd_ram_fn in_ram, void *ctx,
		       char *why, size_t len)
{
	uint64_t rb, re;

	if (!base) {
		snprintf(why, len, "register base 0x0 (the DMAR names no address)");
		return -ENODEV;
	}
	if (in_ram && in_ram(ctx, base, size, &rb, &re)) {
		snprintf(why, len, "registers 0x%llx-0x%llx lie in RAM 0x%llx-0x%llx of the "
			 "firmware memory map", (unsigned long long)base,
			 (unsigned long long)(base + size - 1), (unsigned long long)rb,
			 (unsigned long long)re);
		return -ENODEV;
	}
	return 0;
}

int vtd_check_caps(uint64_t cap, uint64_t ecap, char *why, size_t len)
{
	const char *what = NULL;

	if (cap == ALL_ONES || ecap == ALL_ONES)
		what = "all-ones (nothing decodes the address)";
	else if (!cap || !ecap)
		what = "zero (no unit reports no capability at all)";
	if (!what)
		return 0;
	snprintf(why, len, "CAP 0x%llx ECAP 0x%llx read as %s", (unsigned long long)cap,
		 (unsigned long long)ecap, what);
	return -ENODEV;
}

/* Wait, bounded, until (read32(reg) & mask) is set (on) or clear. */
static int wait_bit(const struct vtd_reg_ops *ops, unsigned reg, uint32_t mask, bool on,
		    uint32_t *val)
{
	uint64_t t0 = ops->now(ops->ctx);

	for (;;) {
		*val = ops->read32(ops->ctx, reg);
		if (((*val & mask) != 0) == on)
			return 0;
		if (ops->now(ops->ctx) - t0 > ops->timeout)
			return -ETIMEDOUT;
		ops->relax(ops->ctx);
	}
}

int vtd_gcmd(const struct vtd_reg_ops *ops, uint32_t cmd, uint32_t status, bool on,
	     uint32_t *gsts)
{
	/* VT-d 11.4.4.1: GCMD is write-only; each write restates every
	 * persistent command, so it is rebuilt from GSTS with the one-shot
	 * status bits cleared, and exactly one bit changes per write. */
	uint32_t sts = ops->read32(ops->ctx, VTD_GSTS) & ~VTD_GSTS_ONESHOT;

	ops->write32(ops->ctx, VTD_GCMD, on ? sts | cmd : sts & ~cmd);
	return wait_bit(ops, VTD_GSTS, status, on, gsts);
}

static int gcmd_off(const struct vtd_reg_ops *ops, uint32_t cmd, uint32_t status,
		    const char *name, char *why, size_t len)
{
	uint32_t gsts;
	int err = vtd_gcmd(ops, cmd, status, false, &gsts);

	if (err)
		snprintf(why, len, "GSTS.%s still set after GCMD cleared it (GSTS 0x%x): "
			 "the unit does not answer its commands", name, gsts);
	return err;
}

/* The queue is turned off only once hardware has fetched every submitted
 * descriptor, IQH having reached IQT (GCMD.QIE, VT-d 11.4.4.1, refers to
 * 6.5.2 for disabling; Linux's dmar_disable_qi waits the same way). */
static int qi_drain(const struct vtd_reg_ops *ops, struct vtd_takeover *t, char *why,
		    size_t len)
{
	uint64_t t0 = ops->now(ops->ctx), head;

	for (;;) {
		head = ops->read64(ops->ctx, VTD_IQH);
		if (head == ops->read64(ops->ctx, VTD_IQT))
			return 0;
		if (ops->now(ops->ctx) - t0 > ops->timeout) {
			snprintf(why, len, "the firmware's invalidation queue never drained "
				 "(IQH 0x%llx, IQT 0x%llx)", (unsigned long long)head,
				 (unsigned long long)t->iqt);
			return -ETIMEDOUT;
		}
		ops->relax(ops->ctx);
	}
}

static bool has_pmr(uint64_t cap)
{
	return cap & (VTD_CAP_PLMR | VTD_CAP_PHMR);
}

int vtd_takeover(const struct vtd_reg_ops *ops, uint64_t cap, struct vtd_takeover *t,
		 char *why, size_t len)
{
	int err = 0;

	memset(t, 0, sizeof(*t));
	t->gsts = ops->read32(ops->ctx, VTD_GSTS);
	t->fsts = ops->read32(ops->ctx, VTD_FSTS);
	/* VT-d 11.4.8.1: PMEN is read-only (and meaningless) without PLMR/PHMR. */
	if (has_pmr(cap))
		t->pmen = ops->read32(ops->ctx, VTD_PMEN);
	t->pmr_on = t->pmen & VTD_PMEN_PRS;
	if (t->gsts & VTD_GSTS_QIES) {
		t->iqh = ops->read64(ops->ctx, VTD_IQH);
		t->iqt = ops->read64(ops->ctx, VTD_IQT);
	}
	/* Translation first: with TE clear the unit stops walking the
	 * firmware's tables, which live in memory the hv may reuse. */
	if (t->gsts & VTD_GSTS_TES)
		err = gcmd_off(ops, VTD_GCMD_TE, VTD_GSTS_TES, "TES", why, len);
	/* Then interrupt remapping, while the queue is still there: an IEC
	 * invalidation can only be issued through it (VT-d 6.5.2.5). GSTS.IRES
	 * says when the unit has stopped remapping (VT-d 11.4.4.2). */
	if (!err && (t->gsts & VTD_GSTS_IRES))
		err = gcmd_off(ops, VTD_GCMD_IRE, VTD_GSTS_IRES, "IRES", why, len);
	/* Queued invalidation last, once drained (see qi_drain). A queue
	 * with FSTS.IQE set has stopped at the bad descriptor for good
	 * (VT-d 6.5.2.10): its head never reaches its tail, there is
	 * nothing to wait for. */
	if (!err && (t->gsts & VTD_GSTS_QIES))
		err = ((t->fsts & VTD_FSTS_IQE) ? 0 : qi_drain(ops, t, why, len)) ?:
		      gcmd_off(ops, VTD_GCMD_QIE, VTD_GSTS_QIES, "QIES", why, len);
	/* VT-d 11.4.7.1: IQE/ICE/ITE are RW1C; a stale IQE would stop the
	 * hv's queue at its first descriptor. */
	if (!err && (t->fsts & (VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE)))
		ops->write32(ops->ctx, VTD_FSTS,
			     t->fsts & (VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE));
	return err;
}

/* Append one action to buf, separated by "; ". */
static void action(char *buf, size_t len, size_t *pos, bool cond, const char *text)
{
	int n;

	if (!cond || *pos >= len)
		return;
	n = snprintf(buf + *pos, len - *pos, "%s%s", buf[*pos - 1] == ':' ? " " : "; ", text);
	if (n > 0)
		*pos += (size_t)n;
}

void vtd_takeover_describe(const struct vtd_takeover *t, char *buf, size_t len)
{
	bool te = t->gsts & VTD_GSTS_TES, ir = t->gsts & VTD_GSTS_IRES;
	bool qi = t->gsts & VTD_GSTS_QIES;
	bool errs = t->fsts & (VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE);
	size_t pos;
	int n;

	if (!te && !ir && !qi && !t->pmr_on && !errs) {
		snprintf(buf, len, "firmware left nothing on (GSTS 0x%x, PMEN 0x%x): nothing to undo",
			 t->gsts, t->pmen);
		return;
	}
	n = snprintf(buf, len, "firmware left%s%s%s%s%s on (GSTS 0x%x, PMEN 0x%x, FSTS 0x%x):",
		     te ? " TE" : "", ir ? " IR" : "", qi ? " QI" : "", t->pmr_on ? " PMR" : "",
		     errs ? " invalidation errors" : "", t->gsts, t->pmen, t->fsts);
	if (n <= 0)
		return;
	pos = (size_t)n;
	action(buf, len, &pos, te, "translation off (DMA unchecked until the hv's own "
	       "remapping is on)");
	action(buf, len, &pos, ir, "interrupt remapping off");
	action(buf, len, &pos, qi, (t->fsts & VTD_FSTS_IQE) ?
	       "queue stopped at an invalid descriptor, off" : "queue drained and off");
	action(buf, len, &pos, errs, "invalidation errors cleared");
	action(buf, len, &pos, t->pmr_on, "protected memory kept on until the hv's DMA "
	       "remapping is on");
}

int vtd_pmr_disable(const struct vtd_reg_ops *ops, uint64_t cap, char *why, size_t len)
{
	uint32_t pmen;

	if (!has_pmr(cap) || !(ops->read32(ops->ctx, VTD_PMEN) & VTD_PMEN_PRS))
		return 0;
	/* VT-d 11.4.8.1: clear EPM, then PRS reports when the regions are
	 * off; other PMEN bits are reserved and written as 0. */
	ops->write32(ops->ctx, VTD_PMEN, 0);
	if (wait_bit(ops, VTD_PMEN, VTD_PMEN_PRS, false, &pmen)) {
		snprintf(why, len, "PMEN.PRS still set after EPM was cleared (PMEN 0x%x)", pmen);
		return -ETIMEDOUT;
	}
	return 0;
}
