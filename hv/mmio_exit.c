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

/* An EOI write goes to the EOI mode, which retires the vector. */
static void emulate(struct guest *g, uint64_t gpa, const struct mmio_access *a, uint64_t *val)
{
	uint32_t off = (uint32_t)(gpa - GUEST_APIC_BASE);

	if (in_apic_page(gpa) && a->write && a->size == 4 && off == VLAPIC_EOI)
		g->mode.eoi->apic_eoi(g);
	else if (in_apic_page(gpa))
		vlapic_mmio_access(&g->vlapic, off, a->size, a->write, val);
	else
		passthru_mmio(&g->pt, gpa, a->size, a->write, val);
}

int mmio_exit(struct guest *g, const struct vcpu_exit *e)
{
	uint64_t lin = exit_insn_linear(e);
	uint8_t buf[INSN_MAX_LEN];
	const uint8_t *bytes;
	struct mmio_access a;
	uint64_t val;
	size_t avail;
	int len;

	if (!in_apic_page(e->npf.gpa) && !passthru_covers(&g->pt, e->npf.gpa))
		return -ENOENT;
	avail = guest_fetch_insn(g, e->cr3, lin, buf, &bytes);
	len = e->mode == INSN_MODE_64 ? mmio_decode(bytes, avail, &g->vcpu.regs, &a) : -EOPNOTSUPP;
	if (len < 0) {
		guest_stop(g, STOP_BAD_INSN, "MMIO at 0x%lx by an instruction the hv does not "
			   "emulate (error %d): %02x %02x %02x %02x %02x %02x", e->npf.gpa, len,
			   avail > 0 ? bytes[0] : 0, avail > 1 ? bytes[1] : 0,
			   avail > 2 ? bytes[2] : 0, avail > 3 ? bytes[3] : 0,
			   avail > 4 ? bytes[4] : 0, avail > 5 ? bytes[5] : 0);
		return -EIO;
	}
	val = a.value;
	emulate(g, e->npf.gpa, &a, &val);
	mmio_complete_read(&g->vcpu.regs, &a, val);
	g->vcpu.ops->set(&g->vcpu, VREG_RIP, e->rip + (uint64_t)len);
	return 0;
}
