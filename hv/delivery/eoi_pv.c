/* eoi=pv: a paravirtual EOI (KVM's PV EOI scheme, hypercall_abi.h's
 * HC_PV_EOI_PENDING). When the hv injects an edge vector that is then the
 * only one in service, it sets a bit in a word of guest RAM the guest
 * registered; the guest's EOI clears the bit with one locked BTR instead of
 * writing the trapped APIC EOI register, and the hv retires the vector
 * before the next VM entry. An interrupt then costs one exit (the host
 * interrupt's) instead of two. The bookkeeping is pv_eoi_state.c.
 *
 * Only with delivery=inject: under direct delivery the EOI goes to the
 * hardware APIC (under posted, to the CPU's virtual APIC), and a flag read
 * at the next exit would keep the vector in service until some exit came. */
#include <errno.h>
#include <stdio.h>
#include "hv/delivery/delivery.h"
#include "hv/delivery/pv_eoi_state.h"
#include "hv/guest.h"
#include "hv/ratelimit.h"

/* The one guest's (struct guest keeps no per-mode state). */
static struct pv_eoi_state pv = { .vector = -1 };

static int pv_usable(const struct guest *g, const struct delivery_mode *m, char *why,
		     unsigned len)
{
	(void)g;
	if (m->delivery != &delivery_inject_ops) {
		snprintf(why, len, "needs delivery=inject: with delivery=%s the EOI goes to %s, "
			 "and a flag the hv read at the next exit would keep the vector in service "
			 "until then", m->delivery->name,
			 m->delivery == &delivery_posted_ops ? "the CPU's virtual APIC" :
			 "the hardware APIC");
		return -ENODEV;
	}
	return 0;
}

static int pv_start(struct guest *g, char *why, unsigned len)
{
	(void)g; (void)why; (void)len;
	pv_eoi_reset(&pv);
	return 0;
}

static void pv_stop(struct guest *g)
{
	(void)g;
	pv_eoi_reset(&pv);
}

static void pv_injected(struct guest *g, uint8_t vector)
{
	pv_eoi_injected(&pv, &g->vlapic, vector);
}

static void pv_before_entry(struct guest *g)
{
	pv_eoi_sync(&pv, &g->vlapic);
}

/* Two EOIs for one injection are reported: the guest's own count of the
 * vector is then one too high (see pv_eoi_apic_eoi). */
static void pv_apic_eoi(struct guest *g)
{
	static struct ratelimit rl = RATELIMIT_INIT("pv-eoi-doubled");
	uint64_t doubled = pv.stats.doubled;
	int vector = pv.vector;

	pv_eoi_apic_eoi(&pv, &g->vlapic);
	if (pv.stats.doubled != doubled && ratelimit_allow(&rl))
		printf("hv: eoi=pv: vector 0x%x ended twice (its flag, then the APIC EOI register) "
		       "for one injection at RIP 0x%lx: delivered twice by the CPU, or a second "
		       "EOI\n", vector, g->vcpu.rip);
}

const struct eoi_ops eoi_pv_ops = {
	.name = "pv",
	.usable = pv_usable,
	.start = pv_start,
	.stop = pv_stop,
	.injected = pv_injected,
	.before_entry = pv_before_entry,
	.apic_eoi = pv_apic_eoi,
};

/* The flag's guest-physical address through the guest's current page
 * tables: the hv keeps that, as KVM keeps MSR_KVM_PV_EOI_EN's. */
static int flag_gpa(struct guest *g, uint64_t gva, uint64_t *gpa)
{
	struct pt_ctx walk = g->gpt;

	walk.root = g->vcpu.ops->get(&g->vcpu, VREG_CR3) & PT_ADDR_MASK;
	return pt_walk(&walk, gva, gpa, NULL, NULL) ? -HC_EFAULT : 0;
}

long delivery_hc_pv_eoi(struct guest *g, struct vcpu_regs *r)
{
	static struct ratelimit rl = RATELIMIT_INIT("pv-eoi-refused");
	uint64_t gva = r->rdi, gpa = 0;
	const char *why = "not mapped by the guest's page tables";
	long err;

	if (g->mode.eoi != &eoi_pv_ops) {
		if (ratelimit_allow(&rl))
			printf("hv: HC_PV_EOI refused: the guest runs eoi=%s, not pv\n",
			       g->mode.eoi ? g->mode.eoi->name : "none");
		return -HC_EPERM;
	}
	if (!gva) {
		pv_eoi_register(&pv, &g->vlapic, 0, NULL);
		return 0;
	}
	err = flag_gpa(g, gva, &gpa) ?: pv_eoi_check_gpa(&g->ram, gpa, &why);
	if (err) {
		if (ratelimit_allow(&rl))
			printf("hv: HC_PV_EOI refused: the flag at 0x%lx is %s\n", gva, why);
		return err;
	}
	pv_eoi_register(&pv, &g->vlapic, gpa, guest_gpa_ptr(g, gpa, sizeof(uint64_t)));
	return 0;
}
