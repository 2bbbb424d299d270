/* Trapped MMIO: the guest's xAPIC page and its device's MSI-X pages. The
 * faulting instruction is decoded (only the MOV forms compilers emit for
 * MMIO) and its access emulated; anything else stops the guest with the
 * instruction bytes logged. Every MSI-X page access is bounds-checked by
 * hv/ptemu_mmio.c before anything physical happens.
 *
 * The nested page fault gives the guest-physical address that faulted, not
 * where the access began: one that starts in the mapped page below and runs
 * into a trapped page faults at the trapped page's start (APM vol 2,
 * 15.25.6: EXITINFO2 is the faulting address), and is emulated as if it
 * began there, which is checked like any other access at that address. */
#include <errno.h>
#include <stdio.h>
#include "hv/guest.h"
#include "hv/hv.h"
#include "hv/mmio.h"

#define APIC_PAGE_SIZE	4096

static bool in_apic_page(uint64_t gpa)
{
	return gpa >= GUEST_APIC_BASE && gpa < GUEST_APIC_BASE + APIC_PAGE_SIZE;
}

/* The access op makes, from the registers, and its completion: the xAPIC
 * page's registers or the device's trapped MSI-X page. */
static void emulate(struct guest *g, uint64_t gpa, bool apic, const struct mmio_op *op)
{
	struct mmio_access a;
	uint64_t val;

	mmio_access_of(op, &g->vcpu.regs, &a);
	val = a.value;
	if (apic)
		vlapic_mmio_access(&g->vlapic, (uint32_t)(gpa - GUEST_APIC_BASE), a.size,
				   a.write, &val);
	else
		passthru_mmio(&g->pt, gpa, a.size, a.write, &val);
	mmio_complete_read(&g->vcpu.regs, &a, val);
}

static int refuse(struct guest *g, const struct vcpu_exit *e, int err, const uint8_t *bytes,
		  size_t avail)
{
	guest_stop(g, STOP_BAD_INSN, "MMIO at 0x%lx by an instruction the hv does not "
		   "emulate (error %d): %02x %02x %02x %02x %02x %02x", e->npf.gpa, err,
		   avail > 0 ? bytes[0] : 0, avail > 1 ? bytes[1] : 0,
		   avail > 2 ? bytes[2] : 0, avail > 3 ? bytes[3] : 0,
		   avail > 4 ? bytes[4] : 0, avail > 5 ? bytes[5] : 0);
	return -EIO;
}

/* The instruction comes from the decode cache when the bytes at RIP are
 * those it was decoded from (hv/mmio.h): a warm exit fetches and compares
 * them but decodes nothing. A 32-bit EOI write goes to the EOI mode, which
 * retires the vector; the value written is not looked at (SDM vol 3,
 * 11.8.5). */
int mmio_exit(struct guest *g, const struct vcpu_exit *e)
{
	struct mmio_dcache_key k = { e->cr3, exit_insn_linear(e), e->mode };
	uint64_t gpa = e->npf.gpa;
	bool apic = in_apic_page(gpa);
	uint8_t buf[INSN_MAX_LEN];
	const struct mmio_op *op;
	const uint8_t *bytes;
	size_t avail;
	int len;

	if (!apic && !passthru_covers(&g->pt, gpa))
		return -ENOENT;
	avail = guest_fetch_insn(g, e->cr3, k.lin, buf, &bytes);
	len = mmio_decode_cached(&g->mmio_cache, &k, bytes, avail, &op);
	if (len < 0)
		return refuse(g, e, len, bytes, avail);
	if (gpa == GUEST_APIC_BASE + VLAPIC_EOI && op->write && op->size == 4)
		g->mode.eoi->apic_eoi(g);
	else
		emulate(g, gpa, apic, op);
	g->vcpu.ops->set(&g->vcpu, VREG_RIP, e->rip + (uint64_t)len);
	return 0;
}
