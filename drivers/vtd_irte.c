/*
 * VT-d interrupt remapping entries, remappable MSIs and the IRT allocator.
 * Pure logic: see drivers/vtd_irte.h.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "drivers/vtd_irte.h"
#include "drivers/vtd_regs.h"

int vtd_irte_encode(union vtd_irte *e, const struct vtd_irte_params *p)
{
	uint64_t dst;

	/* Vectors 0-15 are illegal APIC vectors (SDM 10.5.2). */
	if (p->vector < 16)
		return -EINVAL;
	if (!p->x2apic && p->dest_apic_id > 0xff)
		return -EINVAL;
	if (p->svt > VTD_SVT_BUS || p->sq > 3)
		return -EINVAL;
	/* SVT 2 checks start bus (SID[15:8]) <= bus <= end bus (SID[7:0]). */
	if (p->svt == VTD_SVT_BUS && (p->sid >> 8) > (p->sid & 0xff))
		return -EINVAL;

	/* VT-d 9.10: in xAPIC mode the 8-bit id sits in DST[15:8]. */
	dst = p->x2apic ? FIELD_PREP(VTD_IRTE_DST, p->dest_apic_id)
			: FIELD_PREP(VTD_IRTE_DST_XAPIC, p->dest_apic_id);
	e->lo = VTD_IRTE_P | dst |
		FIELD_PREP(VTD_IRTE_V, p->vector) |
		(p->fpd ? VTD_IRTE_FPD : 0) |
		(p->dest_logical ? VTD_IRTE_DM : 0) |
		(p->level ? VTD_IRTE_TM : 0) |
		/* RH as in an MSI address: lowest priority may pick any CPU
		 * of the destination (SDM 10.11.1). */
		(p->lowest_prio ? VTD_IRTE_RH : 0) |
		FIELD_PREP(VTD_IRTE_DLM, p->lowest_prio ? VTD_IRTE_DLM_LOWPRI
							: VTD_IRTE_DLM_FIXED);
	e->hi = FIELD_PREP(VTD_IRTE_SID, p->sid) |
		FIELD_PREP(VTD_IRTE_SQ, p->sq) |
		FIELD_PREP(VTD_IRTE_SVT, p->svt);
	return 0;
}

void vtd_msi_remappable(uint16_t handle, bool shv, uint16_t subhandle,
			uint32_t *addr_lo, uint32_t *addr_hi, uint32_t *data)
{
	*addr_lo = (uint32_t)(MSI_ADDR_BASE | VTD_MSI_ADDR_IF |
			      FIELD_PREP(VTD_MSI_ADDR_HANDLE, handle & 0x7fff) |
			      (handle & 0x8000 ? VTD_MSI_ADDR_HANDLE15 : 0) |
			      (shv ? VTD_MSI_ADDR_SHV : 0));
	*addr_hi = 0;
	*data = shv ? subhandle : 0;
}

int vtd_msi_decode_handle(uint32_t addr_lo, uint32_t data, uint16_t *handle)
{
	uint32_t idx;

	if ((addr_lo & MSI_ADDR_WINDOW) != MSI_ADDR_BASE ||
	    !(addr_lo & VTD_MSI_ADDR_IF))
		return -EINVAL;
	idx = (uint32_t)FIELD_GET(VTD_MSI_ADDR_HANDLE, addr_lo);
	if (addr_lo & VTD_MSI_ADDR_HANDLE15)
		idx |= 0x8000;
	/* VT-d 5.1.3: interrupt_index = handle + subhandle when SHV. */
	if (addr_lo & VTD_MSI_ADDR_SHV)
		idx += (uint32_t)FIELD_GET(VTD_MSI_DATA_SUBHANDLE, data);
	if (idx > 0xffff)
		return -EINVAL;
	*handle = (uint16_t)idx;
	return 0;
}

void msi_compat_encode(uint8_t dest_apic, uint8_t vector, uint32_t *addr_lo,
		       uint32_t *data)
{
	/* SDM 10.11.1/10.11.2: RH = DM = 0, fixed delivery, edge. */
	*addr_lo = (uint32_t)(MSI_ADDR_BASE | FIELD_PREP(MSI_ADDR_DEST_ID, dest_apic));
	*data = (uint32_t)FIELD_PREP(MSI_DATA_VECTOR, vector);
}

/* ---- Table manager ---- */

static bool is_pow2(unsigned v)
{
	return v && !(v & (v - 1));
}

static unsigned log2_ceil(unsigned v)
{
	unsigned m = 0;

	while ((1u << m) < v)
		m++;
	return m;
}

static void irt_barrier(struct vtd_irt *t)
{
	if (t->ops->barrier)
		t->ops->barrier(t->ctx);
	else
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static int irt_flush(struct vtd_irt *t, unsigned index, unsigned mask)
{
	t->flushes++;
	return t->ops->flush_iec_index(t->ctx, (uint16_t)index, (uint8_t)mask);
}

/* Both halves through volatile 64-bit stores: each is one aligned access the
 * IOMMU sees whole, and the compiler may neither merge nor reorder them. */
static void irte_write(union vtd_irte *slot, int half, uint64_t v)
{
	((volatile uint64_t *)slot)[half] = v;
}

int vtd_irt_init(struct vtd_irt *t, void *table, uint16_t *owner, unsigned size,
		 const struct vtd_irt_ops *ops, void *ctx)
{
	if (!table || !owner || !ops || !ops->flush_iec_index ||
	    size < 2 || size > 65536 || !is_pow2(size) ||
	    ((uintptr_t)table & 15))
		return -EINVAL;
	memset(table, 0, (size_t)size * sizeof(union vtd_irte));
	memset(owner, 0, (size_t)size * sizeof(*owner));
	t->table = table;
	t->size = size;
	t->owner = owner;
	t->ops = ops;
	t->ctx = ctx;
	t->flushes = 0;
	t->max_mask = 0;
	return 0;
}

int vtd_irt_alloc(struct vtd_irt *t, uint16_t owner, unsigned count, unsigned *first)
{
	unsigned mask, step, base, i;

	if (!owner || !count || count > t->size)
		return -EINVAL;
	mask = log2_ceil(count);
	if (mask > t->max_mask)
		return -EINVAL;
	step = 1u << mask;
	/* Aligned to its power-of-two size, like Linux's
	 * bitmap_find_free_region: the IEC index mask (VT-d 6.5.2.7) then
	 * names exactly this block. */
	for (base = 0; base + step <= t->size; base += step) {
		for (i = 0; i < count && !t->owner[base + i]; i++)
			;
		if (i == count) {
			for (i = 0; i < count; i++)
				t->owner[base + i] = owner;
			*first = base;
			return 0;
		}
	}
	return -ENOSPC;
}

int vtd_irt_free(struct vtd_irt *t, uint16_t owner, unsigned first, unsigned count)
{
	unsigned last, mask, i;
	int err;

	if (!count || first >= t->size || count > t->size - first)
		return -EINVAL;
	for (i = first; i < first + count; i++)
		if (!owner || t->owner[i] != owner)
			return -EPERM;
	/* The smallest aligned 2^mask block holding first..last. */
	last = first + count - 1;
	for (mask = 0; (first >> mask) != (last >> mask); mask++)
		;
	if (mask > t->max_mask)
		return -EINVAL;

	/* P first: from here the hardware reading memory blocks these
	 * indexes; the high halves are tidied after. */
	for (i = first; i <= last; i++)
		irte_write(&t->table[i], 0, 0);
	irt_barrier(t);
	for (i = first; i <= last; i++)
		irte_write(&t->table[i], 1, 0);
	err = irt_flush(t, first & ~((1u << mask) - 1), mask);
	if (err)
		return err;	/* still reserved: a stale IEC copy may live */
	for (i = first; i <= last; i++)
		t->owner[i] = 0;
	return 0;
}

/*
 * Store e into slot so the hardware never fetches a torn entry; then one
 * index-selective IEC flush. The IOMMU fetches an entry as two 64-bit
 * reads and may do so at any time (an IEC miss):
 * - disabling: P is cleared before anything else changes;
 * - enabling or changing: the high half (SID/SQ/SVT) first, then, after a
 *   barrier, the low half with P, vector and destination. With the old
 *   entry not present, P comes last, so a fetch sees either not-present
 *   or the whole new entry. With it present (the usual re-target of the
 *   same source, as in Jailhouse's vtd_update_irte) the high half is
 *   normally unchanged and the low half changes in one store; if the
 *   source changes too, the in-between entry is the old target validated
 *   against the new source, both of this owner's. (VT-d 6.5.2.7: software
 *   updates the entry, then invalidates the IEC.)
 * - a posted-format entry, old or new, whose high half changes: that half
 *   holds descriptor address bits 63:32 (VT-d 9.11), so an in-between
 *   entry would post into memory nobody named, or pair one format's low
 *   half with the other's high half. P is cleared first; the device entry
 *   is masked while its IRTE changes, so nothing is lost.
 */
static int irt_store(struct vtd_irt *t, unsigned index, const union vtd_irte *e)
{
	union vtd_irte *slot = &t->table[index];
	uint64_t old_lo = ((volatile uint64_t *)slot)[0];
	uint64_t old_hi = ((volatile uint64_t *)slot)[1];

	if (!(e->lo & VTD_IRTE_P)) {
		irte_write(slot, 0, e->lo);
		irt_barrier(t);
		irte_write(slot, 1, e->hi);
	} else {
		if ((old_lo & VTD_IRTE_P) && old_hi != e->hi &&
		    ((old_lo | e->lo) & VTD_IRTE_IM)) {
			irte_write(slot, 0, 0);
			irt_barrier(t);
		}
		irte_write(slot, 1, e->hi);
		irt_barrier(t);
		irte_write(slot, 0, e->lo);
	}
	return irt_flush(t, index, 0);
}

/* 0 when index is owner's; -EINVAL out of range, -EPERM not owner's. */
static int irt_owned(const struct vtd_irt *t, uint16_t owner, unsigned index)
{
	if (index >= t->size)
		return -EINVAL;
	return owner && t->owner[index] == owner ? 0 : -EPERM;
}

int vtd_irt_store(struct vtd_irt *t, uint16_t owner, unsigned index,
		  const union vtd_irte *e)
{
	return irt_owned(t, owner, index) ?: irt_store(t, index, e);
}

int vtd_irt_update(struct vtd_irt *t, uint16_t owner, unsigned index,
		   const union vtd_irte *e)
{
	int err = irt_owned(t, owner, index);

	if (err)
		return err;
	if ((e->lo & (VTD_IRTE_LO_RSVD | VTD_IRTE_IM)) || (e->hi & VTD_IRTE_HI_RSVD) ||
	    FIELD_GET(VTD_IRTE_SVT, e->hi) == 3)
		return -EINVAL;
	return irt_store(t, index, e);
}

int vtd_irt_owner(const struct vtd_irt *t, unsigned index)
{
	if (index >= t->size)
		return -EINVAL;
	return t->owner[index];
}

uint64_t vtd_irta_value(uint64_t table_pa, unsigned size, bool eime)
{
	if (size < 2 || size > 65536 || !is_pow2(size) || !table_pa ||
	    (table_pa & ~VTD_IRTA_IRTA))
		return 0;
	return table_pa | (eime ? VTD_IRTA_EIME : 0) |
	       FIELD_PREP(VTD_IRTA_S, log2_ceil(size) - 1);
}
