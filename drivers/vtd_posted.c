/*
 * Posted-format IRTEs and posted-interrupt descriptors. Pure logic: see
 * drivers/vtd_posted.h.
 */
#include <errno.h>
#include <string.h>

#include "drivers/vtd_posted.h"

static bool pid_addr_ok(uint64_t pa)
{
	return pa && IS_ALIGNED(pa, VTD_PID_ALIGN) && pa < VTD_PID_ADDR_LIMIT;
}

int vtd_irte_encode_posted(union vtd_irte *e, const struct vtd_irte_posted_params *p)
{
	/* Vectors 0-15 are illegal APIC vectors (SDM 10.5.2); the
	 * descriptor must be where the unit can write it whole. */
	if (p->vector < 16 || !pid_addr_ok(p->pid_pa))
		return -EINVAL;
	if (p->svt > VTD_SVT_BUS || p->sq > 3)
		return -EINVAL;
	if (p->svt == VTD_SVT_BUS && (p->sid >> 8) > (p->sid & 0xff))
		return -EINVAL;

	/* VT-d 9.11: IM selects this format; the descriptor address is
	 * split, bits 31:6 in the low quadword and 63:32 in the high. */
	e->lo = VTD_IRTE_P | VTD_IRTE_IM |
		(p->fpd ? VTD_IRTE_FPD : 0) |
		(p->urgent ? VTD_PIRTE_URG : 0) |
		FIELD_PREP(VTD_IRTE_V, p->vector) |
		FIELD_PREP(VTD_PIRTE_PDA_LO, (p->pid_pa & GENMASK(31, 6)) >> 6);
	e->hi = FIELD_PREP(VTD_IRTE_SID, p->sid) |
		FIELD_PREP(VTD_IRTE_SQ, p->sq) |
		FIELD_PREP(VTD_IRTE_SVT, p->svt) |
		FIELD_PREP(VTD_PIRTE_PDA_HI, p->pid_pa >> 32);
	return 0;
}

uint64_t vtd_irte_posted_pid(const union vtd_irte *e)
{
	return FIELD_GET(VTD_PIRTE_PDA_HI, e->hi) << 32 |
	       FIELD_GET(VTD_PIRTE_PDA_LO, e->lo) << 6;
}

bool vtd_irte_posted_valid(const union vtd_irte *e)
{
	return (e->lo & VTD_IRTE_P) && (e->lo & VTD_IRTE_IM) &&
	       !(e->lo & VTD_PIRTE_LO_RSVD) && !(e->hi & VTD_PIRTE_HI_RSVD) &&
	       FIELD_GET(VTD_IRTE_SVT, e->hi) != 3 &&
	       FIELD_GET(VTD_IRTE_V, e->lo) >= 16 && pid_addr_ok(vtd_irte_posted_pid(e));
}

int vtd_irt_update_posted(struct vtd_irt *t, uint16_t owner, unsigned index,
			  const union vtd_irte *e)
{
	if (!vtd_irte_posted_valid(e))
		return -EINVAL;
	return vtd_irt_store(t, owner, index, e);
}

int vtd_pid_init(struct vtd_pid *d, uint8_t nv, uint32_t apic_id, bool x2apic)
{
	if (!IS_ALIGNED((uintptr_t)d, VTD_PID_ALIGN) || nv < 16 ||
	    (!x2apic && apic_id > 0xff))
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	/* VT-d 9.12: in xAPIC mode the 8-bit id sits in NDST[15:8], as the
	 * remapped IRTE's DST does (9.10). */
	d->ctl = FIELD_PREP(VTD_PID_NV, nv) |
		 (x2apic ? FIELD_PREP(VTD_PID_NDST, apic_id)
			 : FIELD_PREP(VTD_PID_NDST_XAPIC, apic_id));
	return 0;
}

bool vtd_pid_on(const struct vtd_pid *d)
{
	/* The unit sets ON with an atomic write of the descriptor (VT-d
	 * 5.2.3); one load of the quadword sees it or not. */
	return __atomic_load_n(&d->ctl, __ATOMIC_ACQUIRE) & VTD_PID_ON;
}

bool vtd_pid_take(struct vtd_pid *d, uint64_t pir[4])
{
	uint64_t any = 0;
	unsigned i;

	__atomic_fetch_and(&d->ctl, ~VTD_PID_ON, __ATOMIC_SEQ_CST);
	for (i = 0; i < 4; i++) {
		pir[i] = __atomic_exchange_n(&d->pir[i], 0, __ATOMIC_SEQ_CST);
		any |= pir[i];
	}
	return any != 0;
}
