/* delivery=direct: each entry's IRTE delivers the guest's own vector to
 * this CPU's local APIC, and the vCPU no longer intercepts physical
 * interrupts (vcpu_ops.direct_irqs), so the guest takes the device's
 * interrupt through its own IDT with no exit: the ELI and Jailhouse
 * approach. The hv's ways back in are the hypercall and NMI.
 *
 * The physical local APIC is then shared with the guest:
 * - the guest's vector is in service in the physical ISR until the
 *   guest's EOI reaches the physical APIC: eoi=trap forwards each trapped
 *   EOI (one exit per interrupt), eoi=hw maps the physical xAPIC page
 *   (direct_eoi.c, only with apic=passthrough; not isolated);
 * - a guest vector that arrives while the hv runs (in one of its
 *   interrupt windows) is taken by the hv, EOIed there and made pending in
 *   the vLAPIC; before the next entry every such vector, and every one the
 *   virtual MSI-X hands the vLAPIC (a pending bit delivered on unmask), is
 *   raised again as a physical self-IPI with IF=0, so the guest takes it
 *   through its IDT at entry and EOIs it like any other;
 * - the hv's own interrupts must not reach the guest: the guest's vectors
 *   are claimed in hv/irq.c; an NMI message or a vector the hv keeps
 *   (outside 0x30..0xef, or in use) stays on the entry's host vector and
 *   is delivered the inject way (direct_via_hv); the
 *   watchdog (a local APIC timer interrupt under SVM) is refused, and the
 *   guest's emulated APIC timer is seen only at its exits and halts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hv/delivery/delivery.h"
#include "hv/delivery/direct_eoi.h"
#include "hv/guest.h"
#include "hv/irq.h"
#include "hv/irte_route.h"
#include "hv/passthru.h"
#include "hv/ratelimit.h"
#include "drivers/lapic.h"

/* Which vectors direct mode holds, and by how many entries: a vector
 * shared by several entries is claimed once. */
struct direct_state {
	uint16_t users[256];
	uint8_t entry_vec[VMSIX_MAX_VEC];	/* 0: the entry holds none */
	bool via_hv[VMSIX_MAX_VEC];	/* delivered the inject way */
	uint64_t via_hv_count;
	uint64_t eoi_seen;		/* vLAPIC EOIs with nothing in service,
					   already forwarded */
	uint64_t caught, reraised, forwarded, eoi_ignored;
};

static struct direct_state direct;
static struct ratelimit rl_via_hv = RATELIMIT_INIT("entry delivered through the hv");

/* Why the backend, the EOI mode or the options rule direct delivery out. */
static int direct_usable(const struct guest *g, const struct delivery_mode *m, char *why,
			 unsigned len)
{
	if (!g->vcpu.ops || !g->vcpu.ops->direct_irqs) {
		snprintf(why, len, "the %s backend cannot stop intercepting physical interrupts: "
			 "exitless delivery is built for SVM only (VMX would need external-interrupt "
			 "exiting off with the preemption timer as its way back in: not built)",
			 g->vcpu.ops ? g->vcpu.ops->name : "(none)");
		return -ENODEV;
	}
	if (m->eoi == &eoi_pv_ops) {
		snprintf(why, len, "eoi=pv is checked at exits, and direct delivery makes none for "
			 "the interrupt: the guest's EOI must reach the physical APIC (eoi=trap "
			 "or eoi=hw)");
		return -ENODEV;
	}
	if (g->watchdog_ms && *g->watchdog_ms) {
		snprintf(why, len, "watchdog=%u: the watchdog's tick is a local APIC timer "
			 "interrupt (SVM has no preemption timer), which would reach the guest's "
			 "IDT, not the hv; set watchdog=0", *g->watchdog_ms);
		return -ENODEV;
	}
	if (m->eoi == &eoi_hw_ops)
		return direct_eoi_hw_usable(g, why, len);
	if (m->eoi != &eoi_trap_ops) {
		snprintf(why, len, "eoi=%s does not bring the guest's EOI to the physical APIC",
			 m->eoi->name);
		return -ENODEV;
	}
	return 0;
}

static void direct_release(uint8_t vec)
{
	if (!vec || !direct.users[vec] || --direct.users[vec])
		return;
	irq_vector_unclaim(vec);
}

/* A guest vector taken by the hv (irq.c counts and EOIs it): the vLAPIC
 * holds it until before_entry raises it again. */
static void direct_caught(uint8_t vector, void *ctx)
{
	struct guest *g = ctx;

	direct.caught++;
	vlapic_accept(&g->vlapic, vector, false);
}

/* Hold vec for the guest (claimed in hv/irq.c, so the hv allocates it
 * to nothing else). One in the device's own host-vector block is shared
 * with that allocation: after routing, only this device's IRTEs, all on
 * guest vectors, reach it, and host_irq tells it apart; not while its own
 * entry is delivered through the hv (that arrival would be ambiguous).
 * Any other vector the hv uses: -EBUSY. */
static int direct_hold(struct passthru *p, uint8_t vec)
{
	unsigned own = (unsigned)(vec - p->host_first);
	int err;

	if (direct.users[vec]) {
		direct.users[vec]++;
		return 0;
	}
	if (vec >= p->host_first && own < p->vm.nvec) {
		if (direct.via_hv[own])
			return -EBUSY;
		err = irq_vector_claim_allocated(vec, direct_caught, p->guest);
	} else {
		err = irq_vector_claim(vec, direct_caught, p->guest);
	}
	if (err)
		return err;
	direct.users[vec] = 1;
	return 0;
}

/* Entry i's message cannot go to the guest directly: an NMI (the hv's way
 * back in), a vector below the hv's device range (exceptions, the legacy
 * PIC's) or above it (0xff spurious, 0xfe IOMMU faults, system vectors),
 * or one the hv uses. Its IRTE stays on the entry's own host vector and
 * the message is delivered the inject way (an exit), so the guest never
 * reaches an hv vector and a driver that parks an entry on its spurious
 * vector still works. */
static int direct_via_hv(struct passthru *p, unsigned i, const struct ptemu_msi *msg,
			 const char *reason, const char **why)
{
	uint8_t host = (uint8_t)(p->host_first + i);

	if (direct.users[host]) {
		*why = "its host vector carries another entry's guest vector (delivery=direct)";
		return -EINVAL;
	}
	if (irte_route_local(p->unit, PASSTHRU_IRT_OWNER, p->irte_first + i, host, &p->sid)) {
		*why = "the IRTE update failed";
		return -EINVAL;
	}
	direct_release(direct.entry_vec[i]);
	direct.entry_vec[i] = 0;
	direct.via_hv[i] = true;
	direct.via_hv_count++;
	p->guest_nmi[i] = msg->kind == PTEMU_MSI_NMI;
	p->guest_vec[i] = p->guest_nmi[i] ? VLAPIC_NMI_VECTOR : msg->vector;
	if (ratelimit_allow(&rl_via_hv))
		printf("hv: delivery=direct: MSI-X entry %u, %s 0x%02x: %s; delivered through "
		       "the hv (inject) instead\n", i, p->guest_nmi[i] ? "NMI" : "vector",
		       msg->vector, reason);
	return 0;
}

/* The entry's IRTE on the guest's vector, fixed, edge, physical, to this
 * CPU, source-id validated (irte_route_local). */
static int direct_setup_entry(struct passthru *p, unsigned i, const struct ptemu_msi *msg,
			      const char **why)
{
	uint8_t vec = msg->vector, old;
	int err;

	if (i >= VMSIX_MAX_VEC) {
		*why = "entry beyond the largest table";
		return -EINVAL;
	}
	old = direct.entry_vec[i];
	if (msg->kind == PTEMU_MSI_NMI)
		return direct_via_hv(p, i, msg, "an NMI stays the hv's", why);
	if (vec < IRQ_VECTOR_FIRST || vec > IRQ_VECTOR_LAST)
		return direct_via_hv(p, i, msg, "outside 0x30..0xef, the vectors the hv can "
				     "share", why);
	if (vec != old && direct_hold(p, vec))
		return direct_via_hv(p, i, msg, "the hv uses this vector", why);
	err = irte_route_local(p->unit, PASSTHRU_IRT_OWNER, p->irte_first + i, vec, &p->sid);
	if (err) {
		if (vec != old)
			direct_release(vec);
		*why = "the IRTE update failed";
		return -EINVAL;
	}
	if (vec != old)
		direct_release(old);
	direct.entry_vec[i] = vec;
	direct.via_hv[i] = false;
	p->guest_nmi[i] = false;
	p->guest_vec[i] = vec;
	return 0;
}

/* The entry's host vector fired: either a guest vector that falls in the
 * device's own block, caught by the hv, or (with no IRTE on it in direct
 * mode) the inject path's meaning. */
static void direct_host_irq(struct passthru *p, unsigned i)
{
	uint8_t vec = (uint8_t)(p->host_first + i);

	if (direct.users[vec] && !direct.via_hv[i])
		direct_caught(vec, p->guest);
	else
		vmsix_fire(&p->vm, i);
}

static int direct_start(struct guest *g, char *why, unsigned len)
{
	int err;

	memset(&direct, 0, sizeof(direct));
	err = g->vcpu.ops->direct_irqs(&g->vcpu, true, why, len);
	if (err)
		return err;
	if (g->opts->eoi == OPT_EOI_HW) {
		err = direct_eoi_hw_start(g, why, len);
		if (err)
			g->vcpu.ops->direct_irqs(&g->vcpu, false, why, len);
	}
	return err;
}

/* Highest vector in service in the physical APIC, -1 for none. */
static int direct_phys_isr_highest(void)
{
	int w, b;

	for (w = 7; w >= 0; w--) {
		uint32_t isr = direct_lapic_read(0x100 + 0x10 * (unsigned)w);

		for (b = 31; b >= 0; b--)
			if (isr & (1u << b))
				return w * 32 + b;
	}
	return -1;
}

/* EOI the physical APIC only while a guest vector is the one in service:
 * a guest that EOIs more often than it took interrupts never retires
 * anything of the hv's. */
static void direct_phys_eoi(void)
{
	int vec = direct_phys_isr_highest();

	if (vec >= 0 && direct.users[vec]) {
		lapic_eoi();
		direct.forwarded++;
	} else {
		direct.eoi_ignored++;
	}
}

/* The guest leaves direct mode: nothing of it may stay in service. */
static void direct_stop(struct guest *g)
{
	char why[160];
	unsigned v;
	int vec;

	g->vcpu.ops->direct_irqs(&g->vcpu, false, why, sizeof(why));
	if (g->mode.eoi == &eoi_hw_ops)
		direct_eoi_hw_stop(g);
	while ((vec = direct_phys_isr_highest()) >= 0 && direct.users[vec])
		lapic_eoi();
	for (v = 0; v < 256; v++)
		if (direct.users[v])
			irq_vector_unclaim((uint8_t)v);
	printf("hv: delivery=direct stopped: %lu guest vector(s) caught by the hv, %lu raised "
	       "again, %lu EOI(s) forwarded, %lu ignored, %lu message(s) delivered through the "
	       "hv\n", direct.caught, direct.reraised, direct.forwarded, direct.eoi_ignored,
	       direct.via_hv_count);
	memset(&direct, 0, sizeof(direct));
}

/* eoi=trap: every guest EOI that found the vLAPIC with nothing in service
 * was for a vector the guest took from the physical APIC. Then vectors
 * the vLAPIC holds (caught, or delivered by the virtual MSI-X) go back to
 * the physical APIC as self-IPIs while IF=0, so the guest takes them at
 * entry; vectors direct mode does not hold (the self-test's, NMIs) are
 * injected the inject way. */
static void direct_before_entry(struct guest *g)
{
	struct vlapic *vl = &g->vlapic;
	int vec;

	if (g->mode.eoi == &eoi_trap_ops) {
		while (direct.eoi_seen < vl->stats.spurious_eoi) {
			direct.eoi_seen++;
			direct_phys_eoi();
		}
	} else {
		direct_eoi_hw_before_entry(g);
	}
	while (vlapic_irr_any(vl) && (vec = vlapic_pending(vl)) >= 0 && direct.users[vec]) {
		vlapic_ack(vl);
		vlapic_eoi(vl);
		lapic_self_ipi((uint8_t)vec);
		direct.reraised++;
	}
	delivery_inject_irqs(g);
}

static bool direct_isolated(const struct guest *g)
{
	return g->mode.eoi != &eoi_hw_ops;
}

const struct delivery_ops delivery_direct_ops = {
	.name = "direct",
	.usable = direct_usable,
	.start = direct_start,
	.stop = direct_stop,
	.setup_entry = direct_setup_entry,
	.host_irq = direct_host_irq,
	.before_entry = direct_before_entry,
	.isolated = direct_isolated,
};
