/* eoi=hw on VMX: the CPU virtualizes the guest's xAPIC page (SDM vol 3,
 * chapter 29). With "virtualize APIC accesses" the guest-physical APIC
 * page maps to an APIC-access page whose accesses never reach memory;
 * "APIC-register virtualization" serves most reads from the virtual-APIC
 * page; "virtual-interrupt delivery" delivers from its IRR (RVI), retires
 * the guest's EOI write in its ISR (SVI) and reprioritises with no exit.
 *
 * Who holds what: while the guest runs, the page holds IRR, ISR and TPR
 * (the CPU changes them); the vLAPIC (hv/vlapic.c) holds everything else
 * and is the model the hv reads between exits (HLT waits, trapped reads,
 * dumps). vmx_apicv_store takes the page back into the model after every
 * exit, vmx_apicv_sync hands the model's new requests to the page before
 * every entry (so the inject path finds none: the CPU delivers them) and
 * mirrors the registers the CPU reads for the guest when the model has
 * changed. Writes the CPU cannot complete alone (SVR, LVT, TMICT, DCR,
 * ESR, ICR other than a self-IPI, ID, LDR, DFR) exit trap-like after
 * landing on the page and are applied to the model here; the EOI of a
 * level-triggered vector (TMR set: EOI-exit bitmap set) exits trap-like
 * after the CPU retired it. Everything else in the page (TMCCT, PPR and
 * other reads it does not virtualize, writes to read-only registers) exits
 * fault-like as an APIC access and is emulated by hv/mmio_exit.c as under
 * eoi=trap. */
#include <stdio.h>
#include <string.h>
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/mem.h"
#include "hv/vlapic.h"

#define APIC_REG_MASK	0xff0	/* register of a write: 16-byte aligned */

/* The vCPU eoi=hw runs on, for `info` (NULL while off). */
static const struct vmx_vcpu *apicv_vcpu;

int vmx_apicv_usable(const struct vcpu *v, char *why, unsigned len)
{
	uint32_t bits;

	(void)v;
	return vmx_apicv_compute(vmx_caps.pin, vmx_caps.proc, vmx_caps.proc2_cap, &bits, why, len);
}

int vmx_apicv(struct vcpu *v, struct vlapic *apic, uint64_t apic_gpa, uint64_t *access_hpa,
	      char *why, unsigned len)
{
	struct vmx_vcpu *s = v->arch;
	int err;

	if (!apic) {
		s->apic = NULL;
		s->apicv_bits = 0;
		apicv_vcpu = NULL;
		return 0;
	}
	err = vmx_apicv_compute(vmx_caps.pin, vmx_caps.proc, vmx_caps.proc2_cap, &s->apicv_bits,
				why, len);
	if (err)
		return err;
	/* One page for every guest built: nothing is ever stored in it
	 * (29.4: accesses to it are virtualized or exit). */
	if (!s->apic_access_pa) {
		err = mem_alloc_pages(1, &s->apic_access_pa);
		if (err) {
			snprintf(why, len, "no page for the APIC-access page (error %d)", err);
			return err;
		}
		memset((void *)(uintptr_t)s->apic_access_pa, 0, 4096);
	}
	s->apic = apic;
	s->apic_gpa = apic_gpa;
	s->apic_writes = s->eoi_exits = 0;
	*access_hpa = s->apic_access_pa;
	apicv_vcpu = s;
	return 0;
}

/* 24.6.8: the EOI-exit bitmap is the model's TMR: a level-triggered
 * vector's EOI must reach the hv, an edge one's costs nothing. */
static void vmx_apicv_eoi_exit(struct vmx_vcpu *s)
{
	uint32_t diff = 0;
	unsigned i;

	for (i = 0; i < 8; i++)
		diff |= s->eoi_exit[i] ^ s->apic->tmr[i];
	if (!diff)
		return;
	memcpy(s->eoi_exit, s->apic->tmr, sizeof(s->eoi_exit));
	for (i = 0; i < 4; i++)
		vmx_write(s, VMCS_EOI_EXIT_BITMAP0 + 2 * i,
			  s->eoi_exit[2 * i] | (uint64_t)s->eoi_exit[2 * i + 1] << 32);
}

void vmx_apicv_sync(struct vcpu *v)
{
	struct vmx_vcpu *s = v->arch;
	uint32_t *page = (uint32_t *)(uintptr_t)s->vapic_pa;

	if (!s->apic)
		return;
	/* Nothing new since the exit: the page and the guest interrupt
	 * status the exit saved (27.3.4) are current; entries stay cheap. */
	if (!s->mirror_stale && s->apic->gen == s->store_gen && !vlapic_irr_any(s->apic))
		return;
	if (s->mirror_stale || s->apic->gen != s->mirror_gen) {
		vlapic_vapic_mirror(s->apic, page);
		s->mirror_gen = s->apic->gen;
		s->mirror_stale = false;
	}
	vmx_apicv_eoi_exit(s);
	/* 29.2.1: at entry the CPU evaluates RVI against VPPR (from VTPR and
	 * SVI) and delivers when the guest's IF allows. */
	vmx_write(s, VMCS_GUEST_INTR_STATUS, vlapic_vapic_load(s->apic, page));
}

void vmx_apicv_setup(struct vmx_vcpu *s)
{
	if (!s->apic)
		return;
	vmx_write(s, VMCS_PROC_CTLS2, vmx_caps.proc2 | s->apicv_bits);
	vmx_write(s, VMCS_APIC_ACCESS_ADDR, s->apic_access_pa);
	memset(s->eoi_exit, 0, sizeof(s->eoi_exit));
	for (unsigned i = 0; i < 4; i++)
		vmx_write(s, VMCS_EOI_EXIT_BITMAP0 + 2 * i, 0);
	vmx_write(s, VMCS_GUEST_INTR_STATUS, 0);
	s->mirror_stale = true;
}

void vmx_apicv_store(struct vmx_vcpu *s)
{
	if (!s->apic)
		return;
	vlapic_vapic_store(s->apic, (const uint32_t *)(uintptr_t)s->vapic_pa);
	s->store_gen = s->apic->gen;
}

/* The neutral exit layer has no reason for a trap-like APIC exit (the
 * instruction has completed: nothing to decode or skip), so these are
 * handled here and the guest entered again. Each is counted as "npf",
 * where eoi=trap counts the same guest write to its APIC page, so
 * exits_per_iter shows it. The model may have changed (a timer armed or
 * stopped, the APIC disabled): its deadline is taken again and its
 * registers mirrored at the sync before the next entry. */
bool vmx_apicv_trap(struct vcpu *v, struct vmx_vcpu *s, uint32_t basic)
{
	const uint32_t *page = (const uint32_t *)(uintptr_t)s->vapic_pa;
	uint32_t off;

	if (basic == VMX_EXIT_APIC_WRITE) {
		/* 29.4.3.3: the write is on the virtual-APIC page already. */
		off = (uint32_t)(s->exit_qual & APIC_REG_MASK);
		vlapic_mmio_write(s->apic, off, page[off / 4]);
		s->apic_writes++;
	} else if (basic == VMX_EXIT_VIRTUALIZED_EOI) {
		/* 29.1.2: the CPU retired the vector (its ISR bit is clear in
		 * what store took back); the hv has no I/O APIC whose remote
		 * IRR would wait for it. */
		s->eoi_exits++;
	} else {
		return false;
	}
	s->mirror_stale = true;
	v->exits[EXIT_NPF]++;
	v->guest_deadline = vlapic_timer_poll(s->apic);
	vmx_apicv_sync(v);
	return true;
}

void vmx_apicv_info(void)
{
	const struct vmx_vcpu *s = apicv_vcpu;
	const struct vlapic *a;
	uint32_t bits;
	char why[160];

	if (!vmx_caps.pin)
		return;		/* no probe ran: nothing known */
	if (vmx_apicv_compute(vmx_caps.pin, vmx_caps.proc, vmx_caps.proc2_cap, &bits, why,
			      sizeof(why)))
		printf("cpu: VMX APIC virtualization (eoi=hw): no: %s\n", why);
	else
		printf("cpu: VMX APIC virtualization (eoi=hw): yes (APIC-access page, "
		       "APIC-register virtualization, virtual-interrupt delivery)\n");
	if (!s)
		return;
	a = s->apic;
	printf("vmx: eoi=hw on: %lu APIC-write and %lu virtualized-EOI exit(s); vLAPIC SVR 0x%x, "
	       "TPR 0x%02x, PPR 0x%02x, highest requested %d, in service %d, LVT timer 0x%x\n",
	       s->apic_writes, s->eoi_exits, a->svr, a->tpr, vlapic_ppr(a),
	       vlapic_highest_irr(a), vlapic_highest_isr(a), a->lvt[VLAPIC_LVT_IDX_TIMER]);
}
