/* msix=map on the assigned device (see passthru.h). The MSI-X table pages
 * go into the guest's nested page tables, so the guest masks, unmasks and
 * rewrites its entries with no exit; what keeps it honest is interrupt
 * remapping: every message the device sends is looked up in the IRT,
 * whose entries the hv alone writes, each validating the device's
 * source-id (VT-d 9.10), and compatibility-format messages are blocked
 * (GSTS.CFIS clear, VT-d 5.1.2.1). Message Control stays trapped, so
 * Enable still allocates every vector and IRTE up front (seeds 003/004)
 * and the hv can hold the whole function through its Function Mask.
 *
 * The PBA: read-only in its own page when the guest drives the device
 * (the device reports only its own entries' pending bits, which follow
 * the guest's own mask bits here; reads cost no exit, a write exits and
 * is dropped as in trap mode), trapped when it does not. A PBA in the
 * table's page (virtio-net) is writable with it: PCI 3.0 6.8.2.10 leaves
 * such writes undefined, but only for this device's own pending bits,
 * and every message still goes through the IRT. */
#include <errno.h>
#include <stdio.h>
#include "hv/passthru.h"
#include "hv/delivery/msi_map_check.h"
#include "hv/guest.h"
#include "drivers/vtd_irte.h"
#include "drivers/vtd_regs.h"

/* The memory BAR holding gpa, or NULL. */
static const struct ptemu_bar *bar_of(const struct ptemu *e, uint64_t gpa, unsigned *idx)
{
	unsigned i;

	for (i = 0; i < PCI_NUM_BARS; i++) {
		const struct ptemu_bar *b = &e->bar[i];

		if (b->mem && !b->upper && gpa >= b->base && gpa - b->base < b->size) {
			*idx = i;
			return b;
		}
	}
	return NULL;
}

/* Table pages hold nothing but table and PBA, or only what the guest may
 * write anyway (its device's registers, when it drives the device). */
static const char *page_refusal(const struct passthru *p, char *buf, size_t len)
{
	const struct ptemu *e = &p->emu;
	uint64_t page, start, last;
	const struct ptemu_bar *b;
	unsigned idx;

	if (passthru_guest_drives(p))
		return NULL;
	for (page = ALIGN_DOWN(e->table_gpa, PTEMU_PAGE); page < e->table_gpa + e->table_len;
	     page += PTEMU_PAGE) {
		b = bar_of(e, page, &idx);
		if (!b) {
			snprintf(buf, len, "the MSI-X table page 0x%lx lies in no memory BAR", page);
			return buf;
		}
		if (msi_map_page_other(page, b->base, b->size, e->table_gpa, e->table_len,
				       e->pba_gpa, e->pba_len, &start, &last)) {
			snprintf(buf, len, "the MSI-X table page 0x%lx also holds 0x%lx..0x%lx of "
				 "BAR%u, device registers the guest may not write (an NVMe "
				 "with guestnvme=no)", page, start, last, idx);
			return buf;
		}
	}
	return NULL;
}

const char *passthru_map_refusal(const struct passthru *p, char *buf, size_t len)
{
	if (!p->active) {
		snprintf(buf, len, "no device with MSI-X is assigned to the guest (the boot's "
			 "\"assign:\" line says why)");
		return buf;
	}
	if (vtd_status_read(p->unit->reg_base) & VTD_GSTS_CFIS) {
		snprintf(buf, len, "the remapping unit lets compatibility-format MSIs pass "
			 "(GSTS.CFIS set): one written into the guest's table would reach any "
			 "host vector");
		return buf;
	}
	return page_refusal(p, buf, len);
}

/* ---- the nested page tables ---- */

/* Whether the page at page holds part of the table. */
static bool table_page(const struct ptemu *e, uint64_t page)
{
	return page < e->table_gpa + e->table_len && e->table_gpa < page + PTEMU_PAGE;
}

/* No pt_unmap exists (hv/paging.h): the leaf a walk reached is cleared in
 * place. Only 4 KiB leaves are cleared (the BAR pages are mapped one page
 * at a time); the vCPU reset that follows every mode change flushes the
 * guest's TLB (svm.c TLB_CONTROL_FLUSH_ALL, INVEPT under VMX). */
static void npt_unmap_page(struct guest *g, uint64_t page)
{
	struct pt_walk_trace t;
	uint64_t pa, flags;

	if (pt_walk_traced(&g->npt, page, &pa, &flags, NULL, &t) || t.n != PT_LEVELS ||
	    (flags & PT_PS))
		return;
	((union pte *)t.entry[t.n - 1])->raw = 0;
}

static void pages_unmap(struct passthru *p)
{
	const struct ptemu *e = &p->emu;
	uint64_t page;

	for (page = ALIGN_DOWN(e->table_gpa, PTEMU_PAGE); page < e->table_gpa + e->table_len;
	     page += PTEMU_PAGE)
		npt_unmap_page(p->guest, page);
	for (page = ALIGN_DOWN(e->pba_gpa, PTEMU_PAGE); page < e->pba_gpa + e->pba_len;
	     page += PTEMU_PAGE)
		npt_unmap_page(p->guest, page);
	p->mapped = false;
}

static int pages_map(struct passthru *p)
{
	const struct ptemu *e = &p->emu;
	struct pt_ctx *npt = &p->guest->npt;
	uint64_t page;
	int err = 0;

	p->mapped = true;
	for (page = ALIGN_DOWN(e->table_gpa, PTEMU_PAGE);
	     !err && page < e->table_gpa + e->table_len; page += PTEMU_PAGE)
		err = pt_map(npt, page, page, PTEMU_PAGE, PT_RW | PT_US | PT_CACHE_UC, false);
	if (!passthru_guest_drives(p))
		return err;
	for (page = ALIGN_DOWN(e->pba_gpa, PTEMU_PAGE);
	     !err && page < e->pba_gpa + e->pba_len; page += PTEMU_PAGE)
		if (!table_page(e, page))
			err = pt_map(npt, page, page, PTEMU_PAGE, PT_US | PT_CACHE_UC, false);
	return err;
}

int passthru_map_start(struct passthru *p, char *why, unsigned len)
{
	int err;

	p->vm.ops = &passthru_vmsix_map_ops;
	/* MSI-X is off (the device was released first): hold the function
	 * until the guest enables it, whatever it writes into its table. */
	msix_ctrl_update(&p->phys, 0, PCI_MSIX_CTRL_MASKALL);
	err = pages_map(p);
	if (err) {
		snprintf(why, len, "mapping the MSI-X table pages into the guest failed "
			 "(error %d)", err);
		passthru_map_stop(p);
		return err;
	}
	printf("hv: msix=map: MSI-X table at 0x%lx mapped into the guest, PBA at 0x%lx %s\n",
	       p->emu.table_gpa, p->emu.pba_gpa,
	       table_page(&p->emu, ALIGN_DOWN(p->emu.pba_gpa, PTEMU_PAGE)) ?
	       "writable in the table's page" :
	       passthru_guest_drives(p) ? "read-only" : "trapped");
	return 0;
}

void passthru_map_stop(struct passthru *p)
{
	unsigned i;

	for (i = 0; i < p->vm.nvec; i++)
		msix_entry_mask(&p->phys, i, true);
	msix_ctrl_update(&p->phys, PCI_MSIX_CTRL_MASKALL, 0);
	pages_unmap(p);
	p->vm.ops = &passthru_vmsix_ops;
}

/* ---- HC_MSI_MAP ---- */

/* The entry is physically masked while the delivery mode sets it up (its
 * contract); the guest's mask bit comes back as it was, and a message the
 * device raised meanwhile waits in its PBA (PCI 3.0 6.8.3.5). */
int passthru_map_entry(struct passthru *p, unsigned i, uint8_t vector, uint64_t *addr,
		       uint32_t *data)
{
	union msix_entry cur;
	uint32_t lo, hi, d;
	uint64_t a;
	bool live;
	int err;

	err = msix_entry_read(&p->phys, i, &cur);
	if (err)
		return err;
	live = !(cur.ctrl & MSIX_ENTRY_CTRL_MASKBIT);
	if (live)
		msix_entry_mask(&p->phys, i, true);
	msix_compat_msg(0, vector, &a, &d);	/* the guest's vCPU: APIC id 0 */
	err = vmsix_map_entry(&p->vm, i, a, d);
	if (live)
		msix_entry_mask(&p->phys, i, false);
	if (err)
		return -EINVAL;
	vtd_msi_remappable((uint16_t)(p->irte_first + i), false, 0, &lo, &hi, data);
	*addr = (uint64_t)hi << 32 | lo;
	return 0;
}
